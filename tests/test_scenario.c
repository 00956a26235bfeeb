/* test_scenario.c — fuzz scenarios: any bytes decode and run; a run
 * recorded as a script replays to the same deliveries; a violating run's
 * script fails `run --check` with the same invariant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"
#include "scenario.h"
#include "scs.h"
#include "support.h"

/* A deterministic byte generator for the tests (splitmix64). */
static uint8_t next_byte(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (uint8_t)((z ^ (z >> 31)) >> 24);
}

static scs_script *reparse(const scs_script *s)
{
	buf text = BUF_INIT;
	scs_write(&text, s);
	scs_error err;
	scs_script *back = scs_parse("run.scs", buf_str(&text), text.len, &err);
	if (!back)
		fail_msg("%u: %s\n%s", err.line, err.message, buf_str(&text));
	buf_free(&text);
	return back;
}

/* Random scenarios (held stanzas, link-by-link delivery, clock jumps, raw
 * bytes): each recorded script replays, in strict mode, to exactly the
 * deliveries the run made. */
static void test_runs_replay_as_scripts(void **state)
{
	uint64_t x = 42;
	uint8_t data[400];
	for (int k = 0; k < 150; k++) {
		size_t len = SCENARIO_HEADER + next_byte(&x) % 300;
		for (size_t i = 0; i < len; i++)
			data[i] = next_byte(&x);
		memset(data + 9, 0, 4);  /* every operation kind */
		arena *a = arena_new();
		scenario *s = scenario_decode(a, data, len);
		scs_script *script = scenario_script_new(s, "run.scs");
		scenario_options o = {.check = true, .script = script};
		scenario_result r = scenario_run(s, &o);
		assert_false(r.stuck);
		scs_script *back = reparse(script);
		buf report = BUF_INIT;
		run_options ro = {.strict = true, .check = true};
		if (!run_script(back, &ro, &report).passed)
			fail_msg("scenario %d: %s", k, buf_str(&report));
		buf_free(&report);
		scs_free(back);
		scs_free(script);
		arena_free(a);
	}
}

/* Connect Romeo, Romeo creates hall, connect Juliet. */
static const uint8_t three_ops[] = {
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0.12, seed 0, all kinds */
	0, 0, 0, 0, 0,                           /* Romeo connects */
	2, 0, 0, 0, 0,                           /* Romeo joins hall as Romeo */
	0, 2, 0, 0, 0,                           /* Juliet connects */
};

/* A forged delivery makes the oracle fire; the run's script replays the
 * forgery and fails `run --check` the same way. */
static void test_violation_round_trips(void **state)
{
	arena *a = arena_new();
	world *scratch = world_new(NULL);
	xml_node *leak = support_parse(scratch,
		"<message from='hall@conference.localhost/Romeo' to='juliet@localhost/a' "
		"type='groupchat' id='f1'><body>not for you</body></message>");
	scenario *s = scenario_decode(a, three_ops, sizeof three_ops);
	assert_int_equal(scenario_op_count(s), 3);
	scs_script *script = scenario_script_new(s, "violation.scs");
	buf report = BUF_INIT;
	scenario_options o = {.check = true, .script = script, .report = &report,
		.forge = leak, .forge_after = 2, .forge_to = 2};
	scenario_result r = scenario_run(s, &o);
	assert_true(r.violated);
	assert_non_null(strstr(buf_str(&report), "invariant 'privacy'"));
	scs_script *back = reparse(script);
	buf_reset(&report);
	run_options ro = {.check = true};
	assert_false(run_script(back, &ro, &report).passed);
	if (!strstr(buf_str(&report), "invariant 'privacy'"))
		fail_msg("%s", buf_str(&report));
	buf_free(&report);
	scs_free(back);
	scs_free(script);
	world_free(scratch);
	arena_free(a);
}

/* Encoding a script and decoding it gives its operations back. */
static void test_encode_script(void **state)
{
	static const char text[] =
		"# e\n[Client] Juliet\n\tjid: juliet@localhost/x\n\n-----\n\n"
		"Juliet connects\n\n"
		"Juliet sends:\n\t<presence to='hall@conference.localhost/J'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Juliet disconnects\n";
	scs_error err;
	scs_script *sc = scs_parse("e.scs", text, strlen(text), &err);
	assert_non_null(sc);
	buf out = BUF_INIT;
	assert_true(scenario_encode_script(sc, &out, &err));
	arena *a = arena_new();
	scenario *s = scenario_decode(a, (const uint8_t *)out.data, out.len);
	assert_int_equal(scenario_op_count(s), 3);
	buf line = BUF_INIT;
	scenario_describe_op(&line, s, 0);
	assert_string_equal(buf_str(&line), "Romeo connects");  /* first user: romeo */
	buf_free(&line);
	buf_free(&out);
	arena_free(a);
	scs_free(sc);
}

/* ---- mutation ------------------------------------------------------------ */

/* An input cut into its ops (the header apart), as scenario_op_end
 * frames them. */
typedef struct op_list {
	const uint8_t *op[1024];
	size_t len[1024], n;
} op_list;

static void split_ops(const uint8_t *data, size_t size, op_list *l)
{
	l->n = 0;
	for (size_t pos = SCENARIO_HEADER; pos < size; l->n++) {
		size_t end = scenario_op_end(data, size, pos);
		if (end > size)
			end = size;
		l->op[l->n] = data + pos;
		l->len[l->n] = end - pos;
		pos = end;
	}
}

static bool op_same(const op_list *x, size_t i, const op_list *y, size_t j)
{
	return x->len[i] == y->len[j] && !memcmp(x->op[i], y->op[j], x->len[i]);
}

/* y is x with at most one op inserted, deleted or replaced. */
static bool one_op_apart(const op_list *x, const op_list *y)
{
	size_t p = 0;
	while (p < x->n && p < y->n && op_same(x, p, y, p))
		p++;
	size_t sx = 0;
	while (sx < x->n - p && sx < y->n - p
			&& op_same(x, x->n - 1 - sx, y, y->n - 1 - sx))
		sx++;
	size_t left_x = x->n - p - sx, left_y = y->n - p - sx;
	return left_x + left_y <= 2 && (left_x <= 1 && left_y <= 1);
}

static int fallback_calls;

static size_t fallback_marks(uint8_t *data, size_t size, size_t max_size)
{
	(void)data;
	(void)max_size;
	fallback_calls++;
	return size;
}

/* Whole-op mutations keep every other op intact: inputs stay aligned. */
static void test_mutate_keeps_ops_aligned(void **state)
{
	(void)state;
	static uint8_t data[4096], before[4096];
	static op_list x, y;
	uint64_t g = 7;
	int structural = 0;
	for (unsigned seed = 1; seed <= 20000; seed++) {
		g = g * 6364136223846793005u + 1442695040888963407u;
		size_t size = (g >> 33) % 300, max = size + 16 + (g >> 20) % 64;
		for (size_t i = 0; i < size; i++) {
			g = g * 6364136223846793005u + 1442695040888963407u;
			data[i] = (uint8_t)(g >> 56);
		}
		memcpy(before, data, size);
		int calls = fallback_calls;
		size_t out = scenario_mutate(data, size, max, seed, fallback_marks);
		assert_true(out <= max);
		if (fallback_calls != calls)
			continue;
		structural++;
		/* Same seed, same result. */
		static uint8_t again[4096];
		memcpy(again, before, size);
		assert_int_equal(scenario_mutate(again, size, max, seed, fallback_marks), out);
		assert_memory_equal(again, data, out);
		if (size < SCENARIO_HEADER)
			continue;
		split_ops(before, size, &x);
		split_ops(data, out, &y);
		if (!one_op_apart(&x, &y))
			fail_msg("seed %u: more than one op changed (%zu ops -> %zu)", seed, x.n, y.n);
	}
	assert_true(structural > 10000);
	assert_true(fallback_calls > 2000);
}

static void test_cross_over_at_op_boundaries(void **state)
{
	(void)state;
	static uint8_t a[200], b[200], out[512];
	static op_list la, lb, lo;
	for (size_t i = 0; i < sizeof a; i++)
		a[i] = (uint8_t)(i * 7), b[i] = (uint8_t)(i * 13 + 1);
	split_ops(a, sizeof a, &la);
	split_ops(b, sizeof b, &lb);
	for (unsigned seed = 0; seed < 500; seed++) {
		size_t n = scenario_cross_over(a, sizeof a, b, sizeof b, out, sizeof out, seed);
		assert_memory_equal(out, a, SCENARIO_HEADER);
		split_ops(out, n, &lo);
		/* A prefix of a's ops, then a suffix of b's. */
		size_t k = 0;
		while (k < lo.n && k < la.n && op_same(&lo, k, &la, k))
			k++;
		for (size_t i = k; i < lo.n; i++)
			assert_true(op_same(&lo, i, &lb, lb.n - (lo.n - i)));
	}
	/* Bounded by the room given. */
	assert_true(scenario_cross_over(a, sizeof a, b, sizeof b, out, 20, 3) <= 20);
}

/* The minimiser's stand-in for a failing run: the input still holds the
 * join whose actor byte is 5 and the raw op with payload "abc". */
typedef struct needs {
	int calls;
} needs;

static bool holds_both(const uint8_t *data, size_t len, void *ctx)
{
	static op_list l;
	bool join = false, raw = false;
	((needs *)ctx)->calls++;
	split_ops(data, len, &l);
	for (size_t i = 0; i < l.n; i++) {
		join |= l.len[i] == OP_SIZE && l.op[i][0] == 2 && l.op[i][1] == 5;
		raw |= l.len[i] == OP_SIZE + 3 && !memcmp(l.op[i] + OP_SIZE, "abc", 3);
	}
	return join && raw;
}

/* Whole ops go, a raw op with its payload; the two that make it fail stay,
 * in their order, and the header is kept. */
static void test_minimize_keeps_what_fails(void **state)
{
	(void)state;
	static const uint8_t raw[] = {25, 1, 3, 0, 0, 'a', 'b', 'c'};
	uint8_t data[SCENARIO_HEADER + 40 * OP_SIZE + sizeof raw];
	size_t len = SCENARIO_HEADER;
	memset(data, 7, SCENARIO_HEADER);
	for (uint8_t i = 0; i < 40; i++) {
		if (i == 30) {
			memcpy(data + len, raw, sizeof raw);
			len += sizeof raw;
		}
		uint8_t op[OP_SIZE] = {2, i, 0, 0, 0};
		memcpy(data + len, op, OP_SIZE);
		len += OP_SIZE;
	}
	needs n = {0};
	size_t out = scenario_minimize(data, len, holds_both, &n);
	static const uint8_t join5[OP_SIZE] = {2, 5, 0, 0, 0};
	assert_int_equal(out, SCENARIO_HEADER + OP_SIZE + sizeof raw);
	assert_memory_equal(data + SCENARIO_HEADER, join5, OP_SIZE);
	assert_memory_equal(data + SCENARIO_HEADER + OP_SIZE, raw, sizeof raw);
	assert_true(n.calls < 200);
}

/* An input that does not fail is left as it was. */
static void test_minimize_leaves_a_passing_input(void **state)
{
	(void)state;
	uint8_t data[SCENARIO_HEADER + 2 * OP_SIZE] = {0};
	uint8_t copy[sizeof data];
	memcpy(copy, data, sizeof data);
	needs n = {0};
	assert_int_equal(scenario_minimize(data, sizeof data, holds_both, &n), 0);
	assert_memory_equal(data, copy, sizeof data);
	assert_int_equal(n.calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_replay_as_scripts),
		cmocka_unit_test(test_violation_round_trips),
		cmocka_unit_test(test_encode_script),
		cmocka_unit_test(test_mutate_keeps_ops_aligned),
		cmocka_unit_test(test_cross_over_at_op_boundaries),
		cmocka_unit_test(test_minimize_keeps_what_fails),
		cmocka_unit_test(test_minimize_leaves_a_passing_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
