/* encode.c — `mucsim encode SCRIPT.scs OUT`: a script as a scenario
 * fuzzer input, for seed corpora derived from spec/. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scenario.h"
#include "scs.h"

int cli_encode(int argc, char **argv)
{
	if (argc != 2 || argv[0][0] == '-') {
		fputs("usage: mucsim encode SCRIPT.scs OUT\n"
		      "\n"
		      "Writes the script as an input of the scenario fuzzer: its\n"
		      "connects, disconnects and sent stanzas, its clients mapped onto\n"
		      "the fuzzer's universe.  Replies are not encoded: the fuzzer's\n"
		      "oracle judges them.\n", argc == 1 && !strcmp(argv[0], "--help") ? stdout : stderr);
		return argc == 1 && !strcmp(argv[0], "--help") ? 0 : 2;
	}
	scs_error err;
	scs_script *s = scs_load(argv[0], &err);
	if (!s) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return 2;
	}
	buf out = BUF_INIT;
	bool ok = scenario_encode_script(s, &out, &err);
	scs_free(s);
	if (!ok) {
		fprintf(stderr, "mucsim: %s: %s\n", argv[0], err.message);
		buf_free(&out);
		return 2;
	}
	bool written = cli_write_file(argv[1], out.data, out.len);
	buf_free(&out);
	return written ? 0 : 2;
}
