/* scenario_mutate.c — see scenario.h: mutations that keep ops aligned.
 *
 * libFuzzer's byte mutations insert and erase single bytes, which shifts
 * every later op out of its OP_SIZE frame and turns the rest of the
 * scenario into a different one.  These mutations work on whole ops, so
 * a useful prefix survives while the fuzzer tries what follows it.
 */
#include <string.h>

#include "scenario.h"

/* More ops than any input libFuzzer hands over (max_len 4096) holds. */
enum { MAX_OPS = 1024 };

/* A small PRNG (splitmix64) seeded by libFuzzer's seed, so each mutation
 * is reproducible from it. */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static size_t below(rng *r, size_t n)
{
	return n ? (size_t)(next(r) % n) : 0;
}

/* The op boundaries of an input: starts[0..n] with starts[n] the end.
 * The first `whole` ops are complete; the last one may be cut short by
 * the end of the input, and then nothing may follow it: whatever did
 * would become the rest of it. */
typedef struct frames {
	size_t starts[MAX_OPS + 1];
	size_t n, whole;
} frames;

static void frames_scan(frames *f, const uint8_t *data, size_t size)
{
	f->n = 0;
	size_t pos = SCENARIO_HEADER;
	while (pos < size && f->n < MAX_OPS) {
		f->starts[f->n++] = pos;
		pos = scenario_op_end(data, size, pos);
	}
	f->whole = pos > size ? f->n - 1 : f->n;
	f->starts[f->n] = pos < size ? pos : size;
}

/* A boundary where an op may go: one after a complete op. */
static size_t some_gap(rng *r, const frames *f)
{
	return f->starts[below(r, f->whole + 1)];
}

/* Make room for n bytes at pos (or remove n bytes at pos); false if the
 * input would outgrow max_size. */
static bool open_gap(uint8_t *data, size_t *size, size_t max_size, size_t pos, size_t n)
{
	if (*size + n > max_size)
		return false;
	memmove(data + pos + n, data + pos, *size - pos);
	*size += n;
	return true;
}

static void close_gap(uint8_t *data, size_t *size, size_t pos, size_t n)
{
	memmove(data + pos, data + pos + n, *size - pos - n);
	*size -= n;
}

/* A fresh op that is not a raw stanza (those come from byte mutations,
 * which can give them any payload): its length is then exactly OP_SIZE. */
static void fresh_op(rng *r, uint8_t *op)
{
	for (size_t i = 0; i < OP_SIZE; i++)
		op[i] = (uint8_t)next(r);
	while (scenario_op_end(op, OP_SIZE, 0) != OP_SIZE)
		op[0] = (uint8_t)next(r);
	op[0] &= 0x7f;
	if (below(r, 8) == 0)
		op[0] |= 0x80;  /* held in flight */
}

static size_t insert_op(rng *r, uint8_t *data, size_t size, size_t max_size, const frames *f)
{
	size_t at = some_gap(r, f);
	if (!open_gap(data, &size, max_size, at, OP_SIZE))
		return size;
	fresh_op(r, data + at);
	return size;
}

static size_t delete_op(rng *r, uint8_t *data, size_t size, const frames *f)
{
	size_t i = below(r, f->n);
	close_gap(data, &size, f->starts[i], f->starts[i + 1] - f->starts[i]);
	return size;
}

/* A copy of a complete op at a gap: a repeat (and, with a delete later,
 * a move). */
static size_t duplicate_op(rng *r, uint8_t *data, size_t size, size_t max_size,
		const frames *f)
{
	if (f->whole == 0)
		return size;
	size_t i = below(r, f->whole), at = some_gap(r, f);
	size_t from = f->starts[i], n = f->starts[i + 1] - from;
	if (!open_gap(data, &size, max_size, at, n))
		return size;
	memmove(data + at, data + (from >= at ? from + n : from), n);
	return size;
}

/* One field of one op, or its hold bit.  A value that would change the
 * op's length (a kind turning raw or not, a raw op's payload size) would
 * reframe every later op, so it is drawn again. */
static size_t change_field(rng *r, uint8_t *data, size_t size, const frames *f)
{
	size_t i = below(r, f->n), at = f->starts[i];
	size_t field = below(r, OP_SIZE + 1);
	if (field == OP_SIZE) {
		data[at] ^= 0x80;  /* hold in flight, or not */
	} else if (at + field < size) {
		uint8_t old = data[at + field];
		size_t end = scenario_op_end(data, size, at);
		for (int tries = 0; tries < 8; tries++) {
			data[at + field] = (uint8_t)next(r);
			if (scenario_op_end(data, size, at) == end)
				return size;
		}
		data[at + field] = old;
	}
	return size;
}

static size_t change_header(rng *r, uint8_t *data, size_t size)
{
	size_t i = below(r, SCENARIO_HEADER);
	if (i >= 9 && next(r) % 2)
		data[i] ^= (uint8_t)(1u << below(r, 8));  /* one swarm kind in or out */
	else
		data[i] = (uint8_t)next(r);
	return size;
}

size_t scenario_mutate(uint8_t *data, size_t size, size_t max_size, unsigned seed,
		scenario_byte_mutator *fallback)
{
	if (max_size <= SCENARIO_HEADER + OP_SIZE)
		return fallback(data, size, max_size);
	rng r = {seed};
	if (size < SCENARIO_HEADER) {
		memset(data + size, 0, SCENARIO_HEADER - size);
		size = SCENARIO_HEADER;
	}
	frames f;
	frames_scan(&f, data, size);
	/* Ops past the decoder's cap never run: grow no further. */
	bool full = f.n >= SCENARIO_MAX_OPS;
	switch (below(&r, f.n ? 8 : 2)) {
	case 0: return full ? delete_op(&r, data, size, &f)
			: insert_op(&r, data, size, max_size, &f);
	case 1: return change_header(&r, data, size);
	case 2: return delete_op(&r, data, size, &f);
	case 3: return full ? delete_op(&r, data, size, &f)
			: duplicate_op(&r, data, size, max_size, &f);
	case 4:
	case 5: return change_field(&r, data, size, &f);
	default: return fallback(data, size, max_size);
	}
}

size_t scenario_cross_over(const uint8_t *a, size_t a_size, const uint8_t *b,
		size_t b_size, uint8_t *out, size_t max_size, unsigned seed)
{
	rng r = {seed};
	frames fa, fb;
	frames_scan(&fa, a, a_size);
	frames_scan(&fb, b, b_size);
	size_t cut_a = a_size < SCENARIO_HEADER ? a_size : some_gap(&r, &fa);
	size_t cut_b = fb.starts[below(&r, fb.n + 1)];
	size_t tail = b_size > cut_b && b_size >= SCENARIO_HEADER ? b_size - cut_b : 0;
	size_t n = cut_a < max_size ? cut_a : max_size;
	memcpy(out, a, n);
	if (tail > max_size - n)
		tail = max_size - n;
	memcpy(out + n, b + cut_b, tail);
	return n + tail;
}
