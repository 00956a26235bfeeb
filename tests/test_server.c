/* test_server.c — the home server: binding, stamping, routing, errors,
 * directed presence, stream errors.  A small recording component stands
 * in for the MUC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "stanza.h"
#include "support.h"
#include "world.h"

typedef struct recorder {
	xml_node *got[32];
	int n;
} recorder;

static void record_component(world *w, void *ctx, xml_node *stanza)
{
	recorder *r = ctx;
	if (r->n < 32)
		r->got[r->n++] = stanza;
}

typedef struct fixture {
	world *w;
	recorder comp;
	client *a, *b;
} fixture;

static int setup(void **state)
{
	static const char *const admins[] = {"admin@localhost", NULL};
	world_config cfg = {.seed = 1, .admins = admins};
	fixture *f = test_calloc(1, sizeof *f);
	f->w = world_new(&cfg);
	world_add_component(f->w, "comp.localhost", record_component, &f->comp);
	f->a = client_connect(f->w, "a@localhost", "r", NULL);
	f->b = client_connect(f->w, "b@localhost", "r", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	world_free(f->w);
	test_free(f);
	return 0;
}

static void send(fixture *f, client *c, const char *text)
{
	support_send(f->w, c, text);
}

static xml_node *last(client *c)
{
	return support_received(c, 0);
}

static const char *error_condition(const xml_node *s)
{
	const char *cond = support_condition(s);
	assert_true(*cond);
	return cond;
}

static void test_connect_checks_jid(void **state)
{
	fixture *f = *state;
	buf err = BUF_INIT;
	assert_null(client_connect(f->w, "a@remote.example", NULL, &err));
	assert_non_null(strstr(buf_str(&err), "not an account"));
	buf_reset(&err);
	assert_null(client_connect(f->w, "a@@localhost", NULL, &err));
	assert_non_null(strstr(buf_str(&err), "invalid JID"));
	buf_reset(&err);
	assert_null(client_connect(f->w, "localhost", NULL, &err));
	client *c = client_connect(f->w, "Carol@LocalHost", NULL, &err);
	assert_non_null(c);
	assert_string_equal(client_bare_jid(c), "carol@localhost");
	assert_int_equal(strlen(client_jid(c)), strlen("carol@localhost/") + 12);
	assert_ptr_equal(client_find(f->w, client_jid(c)), c);
	assert_int_equal(client_count(f->w), 3);
	buf_free(&err);
}

static void test_stamps_from_and_lang(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<message to='comp.localhost' from='evil@localhost/x'/>");
	assert_int_equal(f->comp.n, 1);
	assert_string_equal(xml_attr(f->comp.got[0], "from"), "a@localhost/r");
	assert_string_equal(xml_attr_ns(f->comp.got[0], XML_NS_XML, "lang"), "en");
	send(f, f->a, "<message to='COMP.localhost' xml:lang='de'/>");
	assert_string_equal(xml_attr(f->comp.got[1], "to"), "comp.localhost");
	assert_string_equal(xml_attr_ns(f->comp.got[1], XML_NS_XML, "lang"), "de");
}

static void test_remote_domain_not_allowed(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<message to='x@remote.example' id='m1'><body>hi</body></message>");
	xml_node *r = last(f->a);
	assert_string_equal(xml_attr(r, "type"), "error");
	assert_string_equal(xml_attr(r, "id"), "m1");
	assert_string_equal(xml_attr(r, "from"), "x@remote.example");
	assert_string_equal(error_condition(r), "not-allowed");
	assert_string_equal(xml_child_text(xml_child(r, "error", NULL), "text", NS_STANZAS),
			"Communication with remote domains is not enabled");
	/* Errors are never answered with errors. */
	size_t n = client_inbox_count(f->a);
	send(f, f->a, "<message to='x@remote.example' type='error'><error/></message>");
	assert_int_equal(client_inbox_count(f->a), n);
}

static void test_invalid_destination(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<iq to='a@b@c' type='get' id='q'><query xmlns='x'/></iq>");
	xml_node *r = last(f->a);
	assert_string_equal(error_condition(r), "jid-malformed");
	assert_string_equal(xml_child_text(xml_child(r, "error", NULL), "text", NS_STANZAS),
			"The destination address is invalid: a@b@c");
}

static void test_iq_checks(void **state)
{
	static const struct { const char *iq, *text; } cases[] = {
		{"<iq to='localhost' type='bogus' id='1'><ping xmlns='urn:xmpp:ping'/></iq>",
			"Invalid IQ type"},
		{"<iq to='localhost' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
			"Missing required 'id' attribute"},
		{"<iq to='localhost' type='get' id='1'/>",
			"Incorrect number of children for IQ stanza"},
		{"<iq to='localhost' type='set' id='1'><a xmlns='x'/><b xmlns='x'/></iq>",
			"Incorrect number of children for IQ stanza"},
	};
	fixture *f = *state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		send(f, f->a, cases[i].iq);
		xml_node *r = last(f->a);
		assert_string_equal(error_condition(r), "bad-request");
		assert_string_equal(xml_child_text(xml_child(r, "error", NULL), "text",
				NS_STANZAS), cases[i].text);
	}
}

static void test_host_ping_and_unknown_iq(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<iq to='localhost' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
	assert_string_equal(xml_attr(last(f->a), "type"), "result");
	assert_string_equal(xml_attr(last(f->a), "id"), "p");
	send(f, f->a, "<iq to='localhost' type='get' id='v'><query xmlns='jabber:iq:nope'/></iq>");
	assert_string_equal(error_condition(last(f->a)), "service-unavailable");
	send(f, f->a, "<iq to='b@localhost/gone' type='set' id='g'><query xmlns='x'/></iq>");
	assert_string_equal(error_condition(last(f->a)), "service-unavailable");
}

static void test_messages_between_users(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<message to='b@localhost/r' id='1'><body>x</body></message>");
	assert_string_equal(xml_attr(last(f->b), "id"), "1");
	/* To the bare JID: only available resources get it. */
	size_t n = client_inbox_count(f->b);
	send(f, f->a, "<message to='b@localhost' id='2'><body>x</body></message>");
	assert_int_equal(client_inbox_count(f->b), n);
	send(f, f->b, "<presence/>");
	assert_non_null(xml_child(last(f->b), "x", NS_VCARD_UPDATE));
	send(f, f->a, "<message to='b@localhost' id='3'><body>x</body></message>");
	assert_string_equal(xml_attr(last(f->b), "id"), "3");
	/* A groupchat message to a resource that is not online bounces. */
	send(f, f->a, "<message to='b@localhost/other' type='groupchat' id='4'/>");
	assert_string_equal(error_condition(last(f->a)), "service-unavailable");
}

static void test_directed_presence_and_disconnect(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<presence to='room@comp.localhost/A'/>");
	send(f, f->a, "<presence to='room2@comp.localhost/A'/>");
	send(f, f->a, "<presence to='room2@comp.localhost/A' type='unavailable'/>");
	assert_int_equal(f->comp.n, 3);
	assert_non_null(xml_child(f->comp.got[0], "x", NS_VCARD_UPDATE));
	assert_null(xml_child(f->comp.got[2], "x", NS_VCARD_UPDATE));
	client_disconnect(f->a);
	assert_true(world_run(f->w, 0));
	assert_int_equal(f->comp.n, 4);
	xml_node *p = f->comp.got[3];
	assert_string_equal(xml_attr(p, "type"), "unavailable");
	assert_string_equal(xml_attr(p, "to"), "room@comp.localhost/A");
	assert_string_equal(xml_attr(p, "from"), "a@localhost/r");
	/* A disconnected client's sends are ignored. */
	send(f, f->a, "<message to='comp.localhost'/>");
	assert_int_equal(f->comp.n, 4);
}

static void test_stream_errors(void **state)
{
	fixture *f = *state;
	send(f, f->a, "<presence to='room@comp.localhost/A'/>");
	send(f, f->a, "<foo xmlns='urn:example'/>");
	xml_node *e = last(f->a);
	assert_string_equal(xml_name(e), "error");
	assert_string_equal(xml_ns(e), NS_STREAM);
	assert_string_equal(xml_name(xml_first(e)), "unsupported-stanza-type");
	assert_false(client_is_connected(f->a));
	/* The unbind told the component. */
	assert_string_equal(xml_attr(f->comp.got[f->comp.n - 1], "type"), "unavailable");
	client_send_raw(f->b, "<message to='comp.localhost'>", 30);
	assert_true(world_run(f->w, 0));
	assert_string_equal(xml_name(xml_first(last(f->b))), "not-well-formed");
	assert_false(client_is_connected(f->b));
}

static void test_raw_stanza(void **state)
{
	fixture *f = *state;
	const char *raw = "<message to='comp.localhost' id='raw'/>";
	client_send_raw(f->a, raw, strlen(raw));
	assert_true(world_run(f->w, 0));
	assert_int_equal(f->comp.n, 1);
	assert_string_equal(xml_attr(f->comp.got[0], "id"), "raw");
}

static void test_conflict_replaces_session(void **state)
{
	fixture *f = *state;
	client *again = client_connect(f->w, "a@localhost/r", NULL, NULL);
	assert_non_null(again);
	assert_true(world_run(f->w, 0));
	assert_string_equal(xml_name(xml_first(last(f->a))), "conflict");
	assert_false(client_is_connected(f->a));
	assert_ptr_equal(client_find(f->w, "a@localhost/r"), again);
	send(f, f->b, "<message to='a@localhost/r' id='z'/>");
	assert_string_equal(xml_attr(last(again), "id"), "z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_checks_jid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stamps_from_and_lang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_domain_not_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_destination, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iq_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_ping_and_unknown_iq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_between_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directed_presence_and_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_stanza, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict_replaces_session, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
