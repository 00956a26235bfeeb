/* test_world.c — clock, randomness, timers, scheduling, transcript. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "support.h"
#include "world.h"

static xml_node *parse(world *w, const char *text)
{
	return support_parse(w, text);
}

static void test_prng_is_seeded(void **state)
{
	world_config c1 = {.seed = 1}, c2 = {.seed = 2};
	world *a = world_new(&c1), *b = world_new(&c1), *c = world_new(&c2);
	int differ = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t x = world_random(a);
		assert_true(x == world_random(b));
		differ += x != world_random(c);
	}
	assert_true(differ > 90);
	for (int i = 0; i < 1000; i++)
		assert_true(world_random_below(a, 7) < 7);
	assert_int_equal(world_random_below(a, 0), 0);
	assert_int_equal(strlen(world_random_id(a, 9)), 12);
	world_free(a);
	world_free(b);
	world_free(c);
}

static void test_stamp(void **state)
{
	world *w = world_new(NULL);
	assert_string_equal(world_stamp(w, world_now(w)), "2026-01-01T00:00:00Z");
	assert_string_equal(world_stamp(w, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(world_stamp(w, UINT64_C(951782400000)), "2000-02-29T00:00:00Z");
	assert_string_equal(world_stamp(w, UINT64_C(1709251199999)), "2024-02-29T23:59:59Z");
	world_free(w);
}

static void record_fire(world *w, void *ctx)
{
	char *log = ctx;
	size_t n = strlen(log);
	log[n] = (char)('0' + (world_now(w) / 1000) % 10);
	log[n + 1] = '\0';
}

static void test_timers_fire_in_order(void **state)
{
	world *w = world_new(NULL);
	char log[16] = "";
	uint64_t t0 = world_now(w);
	world_timer_add(w, t0 + 3000, record_fire, log);
	world_timer_add(w, t0 + 1000, record_fire, log);
	uint64_t id = world_timer_add(w, t0 + 2000, record_fire, log);
	world_timer_add(w, t0 + 9000, record_fire, log);
	world_timer_cancel(w, id);
	world_advance(w, 2500);
	assert_string_equal(log, "1");
	assert_int_equal(world_now(w), t0 + 2500);
	world_advance(w, 1000);
	assert_string_equal(log, "13");
	world_free(w);
}

/* A component that answers every message with two messages back. */
static void echo_component(world *w, void *ctx, xml_node *stanza)
{
	int *count = ctx;
	(*count)++;
	if (strcmp(xml_name(stanza), "message") != 0)
		return;
	for (int i = 0; i < 2; i++) {
		xml_node *r = xml_new(world_arena(w), "jabber:client", "message");
		xml_set_attr(world_arena(w), r, "from", "echo.localhost");
		xml_set_attr(world_arena(w), r, "to", xml_attr(stanza, "from"));
		xml_set_attr(world_arena(w), r, "id", xml_attr(stanza, "id"));
		world_route(w, r);
	}
}

static uint64_t scripted_run(uint64_t seed, int *handled)
{
	world_config cfg = {.seed = seed};
	world *w = world_new(&cfg);
	world_add_component(w, "echo.localhost", echo_component, handled);
	client *a = client_connect(w, "a@localhost", NULL, NULL);
	client *b = client_connect(w, "b@localhost", "phone", NULL);
	client_send(a, parse(w, "<message to='echo.localhost' id='1'/>"));
	client_send(b, parse(w, "<message to='echo.localhost' id='2'/>"));
	client_send(a, parse(w, "<message to='echo.localhost' id='3'/>"));
	assert_true(world_run(w, 0));
	assert_int_equal(client_inbox_count(a), 4);
	assert_int_equal(client_inbox_count(b), 2);
	assert_string_equal(xml_attr(client_inbox_at(a, 2), "id"), "3");
	uint64_t h = world_transcript_hash(w);
	world_free(w);
	return h;
}

static void test_same_seed_same_transcript(void **state)
{
	int n1 = 0, n2 = 0, n3 = 0;
	uint64_t h1 = scripted_run(7, &n1), h2 = scripted_run(7, &n2);
	assert_true(h1 == h2);
	assert_int_equal(n1, 3);
	/* The seed picks a's generated resource, which the transcript shows. */
	assert_true(scripted_run(8, &n3) != h1);
}

static void test_fifo_and_chosen_links(void **state)
{
	world *w = world_new(NULL);
	int n = 0;
	world_add_component(w, "echo.localhost", echo_component, &n);
	client *a = client_connect(w, "a@localhost", "r", NULL);
	client *b = client_connect(w, "b@localhost", "r", NULL);
	client_send(a, parse(w, "<message to='echo.localhost' id='a1'/>"));
	client_send(b, parse(w, "<message to='echo.localhost' id='b1'/>"));
	assert_int_equal(world_link_count(w), 4);
	assert_int_equal(world_link_pending(w, 0), 1);
	assert_int_equal(world_in_flight(w), 2);
	/* Deliver b's stanza first: links are independent. */
	assert_true(world_step_link(w, 2));
	assert_false(world_step_link(w, 2));
	assert_int_equal(world_link_pending(w, 3), 2);
	assert_true(world_step(w));  /* oldest now: a's message */
	assert_int_equal(n, 2);
	assert_true(world_run(w, 0));
	assert_int_equal(client_inbox_count(b), 2);
	assert_string_equal(xml_attr(client_inbox_at(b, 0), "id"), "b1");
	assert_false(world_step_link(w, 99));
	world_free(w);
}

/* A component that answers each message once. */
static void reply_component(world *w, void *ctx, xml_node *stanza)
{
	xml_node *r = xml_new(world_arena(w), "jabber:client", "message");
	xml_set_attr(world_arena(w), r, "from", "reply.localhost");
	xml_set_attr(world_arena(w), r, "to", xml_attr(stanza, "from"));
	world_route(w, r);
}

/* world_run stops after max_steps and says the world is not quiescent. */
static void test_run_stops_at_max_steps(void **state)
{
	world *w = world_new(NULL);
	world_add_component(w, "reply.localhost", reply_component, NULL);
	client *a = client_connect(w, "a@localhost", "r", NULL);
	for (int i = 0; i < 50; i++)
		client_send(a, parse(w, "<message to='reply.localhost'/>"));
	assert_false(world_run(w, 10));
	assert_int_equal(world_steps(w), 10);
	assert_true(world_run(w, 0));
	assert_int_equal(world_steps(w), 100);
	world_free(w);
}

static void count_events(void *ctx, const world_event *ev)
{
	(*(int *)ctx)++;
}

static void test_transcript_and_observer(void **state)
{
	world *w = world_new(NULL);
	int seen = 0;
	world_observe(w, count_events, &seen);
	client *a = client_connect(w, "a@localhost", "r", NULL);
	client_send(a, parse(w, "<message to='a@localhost/r' id='x'><body>hi</body></message>"));
	world_run(w, 0);
	assert_int_equal(world_event_count(w), 2);
	assert_int_equal(seen, 2);
	const world_event *ev = world_event_at(w, 1);
	assert_string_equal(ev->from, "a@localhost/r");
	assert_string_equal(ev->to, "a@localhost/r");
	buf out = BUF_INIT;
	world_write_transcript(&out, w);
	assert_non_null(strstr(buf_str(&out), "1 a@localhost/r -> localhost: <message"));
	assert_non_null(strstr(buf_str(&out), "<body>hi</body>"));
	buf_free(&out);
	assert_null(world_event_at(w, 2));
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prng_is_seeded),
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_timers_fire_in_order),
		cmocka_unit_test(test_same_seed_same_transcript),
		cmocka_unit_test(test_fifo_and_chosen_links),
		cmocka_unit_test(test_run_stops_at_max_steps),
		cmocka_unit_test(test_transcript_and_observer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
