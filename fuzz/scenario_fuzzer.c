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
 *
 * Under libFuzzer (unless configured with MUCSIM_FUZZ_CUSTOM_MUTATOR=OFF,
 * for comparing: see tools/bench) inputs are mutated and crossed through
 * scenario_mutate() and scenario_cross_over(), which keep ops aligned.
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

#ifdef MUCSIM_CUSTOM_MUTATOR
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
		unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
		const uint8_t *data2, size_t size2, uint8_t *out, size_t max_out_size,
		unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
		unsigned int seed)
{
	return scenario_mutate(data, size, max_size, seed, LLVMFuzzerMutate);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
		const uint8_t *data2, size_t size2, uint8_t *out, size_t max_out_size,
		unsigned int seed)
{
	return scenario_cross_over(data1, size1, data2, size2, out, max_out_size, seed);
}
#endif
