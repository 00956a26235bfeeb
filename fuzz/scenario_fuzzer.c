/* scenario_fuzzer.c — structure-aware: bytes decode to scenarios.
 *
 * Every input decodes to a valid scenario (scenario.h): clients of a small
 * universe connecting, joining with and without passwords, changing nicks,
 * speaking, configuring, banning, kicking, destroying, registering, the
 * clock advancing, stanzas held in flight and delivered link by link, and
 * raw bytes.  It runs in a fresh world with the MUC and the invariant
 * checker; a violation, or a world that does not settle, ends in abort()
 * after its report, so the engine keeps the input.  `mucsim replay` turns
 * such an input into its transcript and a script that fails the same way.
 * Work is bounded by SCENARIO_MAX_OPS and the step cap per operation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	scenario *s = scenario_decode(a, data, size);
	buf report = BUF_INIT;
	scenario_options o = {.check = true, .report = &report};
	scenario_result r = scenario_run(s, &o);
	if (r.violated || r.stuck) {
		fprintf(stderr, "%s\n%s", r.stuck ? "the world does not settle" : "",
				buf_str(&report));
		abort();
	}
	buf_free(&report);
	arena_free(a);
	return 0;
}
