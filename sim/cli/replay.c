/* replay.c — `mucsim replay FILE`: reproduce a fuzz input's run. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run.h"
#include "scenario.h"
#include "scs.h"
#include "stanza_input.h"

enum { EXIT_CLEAN = 0, EXIT_VIOLATION = 1, EXIT_UNUSABLE = 2 };

static void replay_usage(FILE *f)
{
	fputs("usage: mucsim replay [--scs OUT.scs] [--target scenario|stanza|script] FILE\n"
	      "\n"
	      "Replays an input of a fuzz target with the invariant checker on and\n"
	      "prints the decoded scenario, the transcript and the verdict.  The\n"
	      "target is recognised from the input unless --target says: a digit\n"
	      "then '<' starts a stanza fuzzer input, a scansion script is the\n"
	      "script fuzzer's, anything else the scenario fuzzer's.  --scs writes\n"
	      "a scenario's run as a scansion script that `mucsim run --check`\n"
	      "fails the same way.\n"
	      "\n"
	      "exit status: 0 no violation, 1 an invariant was violated, 2 unusable\n"
	      "input or usage error.\n", f);
}

static int write_script(const char *out, const scs_script *script)
{
	FILE *f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "mucsim: %s: cannot write\n", out);
		return EXIT_UNUSABLE;
	}
	buf b = BUF_INIT;
	scs_write(&b, script);
	fputs(buf_str(&b), f);
	buf_free(&b);
	return fclose(f) == 0 ? EXIT_CLEAN : EXIT_UNUSABLE;
}

static int replay_scenario(const char *path, const uint8_t *data, size_t len,
		const char *scs_out)
{
	arena *a = arena_new();
	scenario *s = scenario_decode(a, data, len);
	printf("scenario %s: profile %s, seed %llu, %zu operation(s)\n", path,
			profile_name(scenario_profile(s)),
			(unsigned long long)scenario_seed(s), scenario_op_count(s));
	buf line = BUF_INIT;
	for (size_t i = 0; i < scenario_op_count(s); i++) {
		buf_reset(&line);
		scenario_describe_op(&line, s, i);
		printf("  %zu. %s\n", i + 1, buf_str(&line));
	}
	buf_free(&line);
	buf report = BUF_INIT, transcript = BUF_INIT;
	scenario_options o = {.check = true, .report = &report, .transcript = &transcript};
	if (scs_out)
		o.script = scenario_script_new(s, scs_out);
	scenario_result r = scenario_run(s, &o);
	printf("transcript:\n%s", buf_str(&transcript));
	int status = EXIT_CLEAN;
	if (r.violated) {
		printf("verdict: violation after operation %zu\n%s", r.op_failed_at + 1,
				buf_str(&report));
		status = EXIT_VIOLATION;
	} else if (r.stuck) {
		printf("verdict: the world did not quiesce\n");
		status = EXIT_VIOLATION;
	} else {
		printf("verdict: no violation (%llu steps)\n", (unsigned long long)r.steps);
	}
	if (o.script) {
		int w = write_script(scs_out, o.script);
		if (w != EXIT_CLEAN)
			status = w;
		scs_free(o.script);
	}
	buf_free(&report);
	buf_free(&transcript);
	arena_free(a);
	return status;
}

static int replay_stanzas(const char *path, const uint8_t *data, size_t len)
{
	buf report = BUF_INIT, transcript = BUF_INIT;
	stanza_input_result r = stanza_input_run(data, len, &report, &transcript);
	printf("stanza input %s: %zu bytes\ntranscript:\n%s", path, len, buf_str(&transcript));
	int status = EXIT_CLEAN;
	if (r.too_big) {
		printf("verdict: unusable: larger than the stanza fuzzer reads\n");
		status = EXIT_UNUSABLE;
	} else if (r.violated || r.stuck || r.setup_failed) {
		printf("verdict: %s", buf_str(&report));
		status = EXIT_VIOLATION;
	} else {
		printf("verdict: no violation\n");
	}
	buf_free(&report);
	buf_free(&transcript);
	return status;
}

/* A script fuzzer input is a script: replaying it is running it with the
 * checker on. */
static int replay_script(const char *path, const uint8_t *data, size_t len,
		const char *scs_out)
{
	scs_error err;
	scs_script *s = scs_parse(path, (const char *)data, len, &err);
	if (!s) {
		printf("%s:%u: %s\n", err.file, err.line, err.message);
		return EXIT_UNUSABLE;
	}
	buf report = BUF_INIT;
	run_options o = {.check = true, .verbose = true};
	run_result r = run_script(s, &o, &report);
	fputs(buf_str(&report), stdout);
	printf("verdict: %s\n", r.passed ? "no violation" : "the script fails");
	int status = r.passed ? EXIT_CLEAN : EXIT_VIOLATION;
	if (scs_out && write_script(scs_out, s) != EXIT_CLEAN)
		status = EXIT_UNUSABLE;
	buf_free(&report);
	scs_free(s);
	return status;
}

int cli_replay(int argc, char **argv)
{
	const char *path = NULL, *scs_out = NULL, *target = NULL;
	for (int i = 0; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			replay_usage(stdout);
			return EXIT_CLEAN;
		} else if (!strcmp(argv[i], "--scs") && value) {
			scs_out = argv[++i];
		} else if (!strcmp(argv[i], "--target") && value) {
			target = argv[++i];
		} else if (argv[i][0] == '-' || path) {
			replay_usage(stderr);
			return EXIT_UNUSABLE;
		} else {
			path = argv[i];
		}
	}
	if (!path || (target && strcmp(target, "scenario") && strcmp(target, "script")
			&& strcmp(target, "stanza"))) {
		replay_usage(stderr);
		return EXIT_UNUSABLE;
	}
	size_t len;
	uint8_t *data = cli_read_input(path, &len);
	if (!data)
		return EXIT_UNUSABLE;
	if (!target && len >= 2 && data[0] >= '0' && data[0] <= '9' && data[1] == '<')
		target = "stanza";
	if (!target) {
		scs_error err;
		scs_script *s = scs_parse(path, (const char *)data, len, &err);
		target = s ? "script" : "scenario";
		scs_free(s);
	}
	if (scs_out && !strcmp(target, "stanza")) {
		fprintf(stderr, "mucsim: --scs writes scenario runs only\n");
		free(data);
		return EXIT_UNUSABLE;
	}
	int status = !strcmp(target, "script") ? replay_script(path, data, len, scs_out)
		: !strcmp(target, "stanza") ? replay_stanzas(path, data, len)
		: replay_scenario(path, data, len, scs_out);
	free(data);
	return status;
}
