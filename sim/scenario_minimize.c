/* scenario_minimize.c — shrink a failing scenario input op by op.
 *
 * Delta debugging (Zeller's ddmin, simplified to removing complements):
 * try dropping runs of whole ops, halving the run length down to one op,
 * and keep every drop after which the input still fails.  Ops are cut at
 * their boundaries (scenario_op_end), so a raw-stanza op leaves with its
 * payload and what remains decodes to the same ops, minus the dropped
 * ones.  libFuzzer's -minimize_crash mutates bytes and accepts any crash,
 * which for an oracle means any invariant: this keeps the one asked for.
 */
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

/* The start of every op after the header, and len at the end. */
static size_t op_starts(const uint8_t *data, size_t len, size_t *starts)
{
	size_t n = 0;
	for (size_t pos = SCENARIO_HEADER; pos < len; pos = scenario_op_end(data, len, pos))
		starts[n++] = pos;
	starts[n] = len;
	return n;
}

/* Write data without ops [from, to) into out; returns its length. */
static size_t without(const uint8_t *data, size_t len, const size_t *starts,
		size_t nops, size_t from, size_t to, uint8_t *out)
{
	size_t head = starts[from], tail = to < nops ? starts[to] : len;
	memcpy(out, data, head);
	memcpy(out + head, data + tail, len - tail);
	return head + len - tail;
}

size_t scenario_minimize(uint8_t *data, size_t len, scenario_fails *fails, void *ctx)
{
	if (!fails(data, len, ctx))
		return 0;
	size_t *starts = malloc((len + 1) * sizeof *starts);
	uint8_t *trial = malloc(len ? len : 1);
	if (!starts || !trial)
		abort();
	size_t nops = op_starts(data, len, starts);
	for (size_t run = nops > 1 ? nops / 2 : 1; run > 0; run /= 2) {
		bool dropped;
		do {
			dropped = false;
			for (size_t from = 0; from < nops;) {
				size_t to = from + run < nops ? from + run : nops;
				size_t n = without(data, len, starts, nops, from, to, trial);
				if (fails(trial, n, ctx)) {
					memcpy(data, trial, n);
					len = n;
					nops = op_starts(data, len, starts);
					dropped = true;
				} else {
					from = to;
				}
			}
		} while (dropped && run == 1);
	}
	free(trial);
	free(starts);
	return len;
}
