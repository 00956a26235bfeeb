/* hash.c — `mucsim hash FILE|DIR...`: the transcript hash of each script
 * or scenario input, run twice in this process; ctest compares the output
 * across builds and environments to show nothing depends on addresses,
 * the environment or the build. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run.h"
#include "scenario.h"
#include "scs.h"

static bool hash_script(const char *path, uint64_t *h)
{
	scs_error err;
	scs_script *s = scs_load(path, &err);
	if (!s)
		return false;
	buf report = BUF_INIT;
	run_options o = {0};
	uint64_t first = run_script(s, &o, &report).transcript_hash;
	*h = run_script(s, &o, &report).transcript_hash;
	buf_free(&report);
	scs_free(s);
	return first == *h;
}

static bool hash_scenario(const char *path, uint64_t *h)
{
	size_t len;
	uint8_t *data = cli_read_input(path, &len);
	if (!data)
		return false;
	arena *a = arena_new();
	scenario *s = scenario_decode(a, data, len);
	scenario_options o = {.check = true, .hash = true};
	uint64_t first = scenario_run(s, &o).transcript_hash;
	*h = scenario_run(s, &o).transcript_hash;
	arena_free(a);
	free(data);
	return first == *h;
}

int cli_hash(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "--help")) {
		fputs("usage: mucsim hash FILE...\n"
		      "\n"
		      "Prints the transcript hash of each scansion script (*.scs) or\n"
		      "scenario fuzzer input (any other file), each run twice; fails\n"
		      "if the two runs differ.\n", argc ? stdout : stderr);
		return argc ? 0 : 2;
	}
	int status = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		bool script = n > 4 && !strcmp(argv[i] + n - 4, ".scs");
		uint64_t h = 0;
		bool same = script ? hash_script(argv[i], &h) : hash_scenario(argv[i], &h);
		printf("%016llx %s%s\n", (unsigned long long)h, argv[i],
				same ? "" : " (differs between two runs)");
		if (!same)
			status = 1;
	}
	return status;
}
