/* minimize.c — `mucsim minimize IN OUT`: the shortest scenario fuzzer
 * input, found by dropping ops, that still violates the invariant IN
 * violates (or still does not quiesce). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scenario.h"

typedef struct outcome {
	const char *invariant;         /* NULL: none violated */
	bool stuck;
} outcome;

static outcome outcome_of(const uint8_t *data, size_t len)
{
	arena *a = arena_new();
	scenario_options o = {.check = true};
	scenario_result r = scenario_run(scenario_decode(a, data, len), &o);
	arena_free(a);
	return (outcome){r.violated ? r.invariant : NULL, r.stuck};
}

static bool fails_the_same(const uint8_t *data, size_t len, void *ctx)
{
	const outcome *want = ctx, got = outcome_of(data, len);
	return got.stuck == want->stuck
		&& (got.invariant == want->invariant
			|| (got.invariant && want->invariant && !strcmp(got.invariant, want->invariant)));
}

static size_t op_count(const uint8_t *data, size_t len)
{
	arena *a = arena_new();
	size_t n = scenario_op_count(scenario_decode(a, data, len));
	arena_free(a);
	return n;
}

int cli_minimize(int argc, char **argv)
{
	if (argc != 2 || argv[0][0] == '-') {
		bool help = argc == 1 && !strcmp(argv[0], "--help");
		fputs("usage: mucsim minimize IN OUT\n"
		      "\n"
		      "Shrinks a scenario fuzzer input that violates an invariant (or\n"
		      "does not quiesce) by dropping whole operations while the same\n"
		      "invariant is still the one violated first, and writes the result\n"
		      "to OUT for `mucsim replay`.  Unlike libFuzzer's -minimize_crash,\n"
		      "it never trades the finding for another invariant's.\n"
		      "\n"
		      "exit status: 0 written, 1 IN violates nothing, 2 unusable input.\n",
		      help ? stdout : stderr);
		return help ? 0 : 2;
	}
	size_t len;
	uint8_t *data = cli_read_input(argv[0], &len);
	if (!data)
		return 2;
	outcome want = outcome_of(data, len);
	size_t before = op_count(data, len);
	size_t after_len = want.invariant || want.stuck
		? scenario_minimize(data, len, fails_the_same, &want) : 0;
	if (!after_len) {
		fprintf(stderr, "mucsim: %s: violates no invariant\n", argv[0]);
		free(data);
		return 1;
	}
	bool written = cli_write_file(argv[1], data, after_len);
	if (written)
		printf("%s: %s, %zu operation(s) of %zu; replay with: mucsim replay %s\n", argv[1],
				want.stuck ? "does not quiesce" : want.invariant,
				op_count(data, after_len), before, argv[1]);
	free(data);
	return written ? 0 : 2;
}
