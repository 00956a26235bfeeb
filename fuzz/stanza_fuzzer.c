/* stanza_fuzzer.c — raw XML from connected clients into a world with rooms.
 *
 * The input format and the world it runs in are described in
 * sim/stanza_input.h, which `mucsim replay` shares.  A violation, a world
 * that does not settle, or a setup that went wrong ends in abort() after
 * its report, so the engine keeps the input.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "stanza_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	buf report = BUF_INIT;
	stanza_input_result r = stanza_input_run(data, size, &report, NULL);
	if (r.violated || r.stuck || r.setup_failed) {
		fprintf(stderr, "stanza_fuzzer: %s", buf_str(&report));
		abort();
	}
	buf_free(&report);
	return 0;
}
