/* test_muc.c — the room core's state transitions, through the public
 * API only: rooms appear, lock, unlock by configuration or timeout, and
 * disappear when their last occupant leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"
#include "muc/muc.h"
#include "stanza.h"
#include "support.h"
#include "world.h"

typedef struct fixture {
	world *w;
	muc *m;
	client *romeo, *juliet;
} fixture;

static int setup(void **state)
{
	static const char *const admins[] = {"admin@localhost", NULL};
	world_config cfg = {.seed = 3, .admins = admins};
	fixture *f = test_calloc(1, sizeof *f);
	f->w = world_new(&cfg);
	f->m = muc_attach(f->w, MUC_DOMAIN);
	f->romeo = client_connect(f->w, "romeo@localhost/r", NULL, NULL);
	f->juliet = client_connect(f->w, "juliet@localhost/j", NULL, NULL);
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

/* The inbox entry before the last (joins end with the subject). */
static xml_node *before_last(client *c)
{
	return support_received(c, 1);
}

static const char *condition(const xml_node *s)
{
	return support_condition(s);
}

#define JOIN(nick) "<presence to='room@conference.localhost/" nick "'>" \
	"<x xmlns='http://jabber.org/protocol/muc'/></presence>"
#define JOIN_PW(nick, pw) "<presence to='room@conference.localhost/" nick "'>" \
	"<x xmlns='http://jabber.org/protocol/muc'><password>" pw "</password></x></presence>"
#define SUBMIT(fields) "<iq type='set' id='c' to='room@conference.localhost'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>" \
	"<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>" \
	fields "</x></query></iq>"

static void test_create_lock_configure(void **state)
{
	fixture *f = *state;
	assert_int_equal(muc_room_count(f->m), 0);
	send(f, f->romeo, JOIN("Romeo"));
	assert_int_equal(muc_room_count(f->m), 1);
	send(f, f->juliet, JOIN("Juliet"));
	assert_string_equal(condition(last(f->juliet)), "item-not-found");
	assert_string_equal(xml_attr(xml_child(last(f->juliet), "error", NULL), "by"),
			"conference.localhost");
	send(f, f->romeo, SUBMIT(""));
	assert_string_equal(xml_attr(last(f->romeo), "type"), "result");
	send(f, f->juliet, JOIN("Juliet"));
	xml_node *self = before_last(f->juliet);
	assert_string_equal(xml_attr(self, "from"), "room@conference.localhost/Juliet");
	assert_null(xml_attr(self, "type"));
}

static void test_lock_times_out(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	world_advance(f->w, 299 * 1000);
	send(f, f->juliet, JOIN("Juliet"));
	assert_string_equal(condition(last(f->juliet)), "item-not-found");
	world_advance(f->w, 1000);
	send(f, f->juliet, JOIN("Juliet"));
	assert_null(xml_attr(before_last(f->juliet), "type"));
}

static void test_password_set_and_cleared(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT("<field var='muc#roomconfig_roomsecret'><value>s3</value></field>"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_string_equal(condition(last(f->juliet)), "not-authorized");
	send(f, f->juliet, JOIN_PW("Juliet", "wrong"));
	assert_string_equal(condition(last(f->juliet)), "not-authorized");
	send(f, f->juliet, JOIN_PW("Juliet", "s3"));
	assert_null(xml_attr(before_last(f->juliet), "type"));
	send(f, f->juliet, "<presence type='unavailable' to='room@conference.localhost/Juliet'/>");
	send(f, f->romeo, SUBMIT("<field var='muc#roomconfig_roomsecret'/>"));
	/* The result, then the 104 notice to the occupants. */
	xml_node *notice = last(f->romeo);
	assert_string_equal(xml_name(notice), "message");
	send(f, f->juliet, JOIN("Juliet"));
	assert_null(xml_attr(before_last(f->juliet), "type"));
}

static void test_empty_room_disappears(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT(""));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, "<presence type='unavailable' to='room@conference.localhost/Romeo'/>");
	assert_int_equal(muc_room_count(f->m), 1);
	client_disconnect(f->juliet);
	assert_true(world_run(f->w, 0));
	assert_int_equal(muc_room_count(f->m), 0);
	/* Joining again creates it anew (status 201). */
	send(f, f->romeo, JOIN("Romeo"));
	xml_node *x = xml_child(before_last(f->romeo), "x", "http://jabber.org/protocol/muc#user");
	assert_string_equal(xml_attr(xml_first(x), "code"), "201");
}

static void test_nick_change_and_conflict(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT(""));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, JOIN("Romeo"));
	assert_string_equal(condition(last(f->juliet)), "conflict");
	send(f, f->juliet, "<presence to='room@conference.localhost/Jules'/>");
	/* Juliet saw her old nick go with 303, then the new one arrive. */
	size_t n = client_inbox_count(f->juliet);
	xml_node *gone = client_inbox_at(f->juliet, n - 2);
	assert_string_equal(xml_attr(gone, "type"), "unavailable");
	xml_node *item = xml_child(xml_child(gone, "x", "http://jabber.org/protocol/muc#user"),
			"item", NULL);
	assert_string_equal(xml_attr(item, "nick"), "Jules");
	assert_string_equal(xml_attr(last(f->juliet), "from"), "room@conference.localhost/Jules");
	send(f, f->juliet, "<presence to='room@conference.localhost/ \t'/>");
	assert_string_equal(condition(last(f->juliet)), "not-allowed");
}

static void test_destroy_removes_everyone(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT(""));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, "<iq type='set' id='d' to='room@conference.localhost'>"
		"<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query></iq>");
	assert_string_equal(condition(last(f->juliet)), "forbidden");
	send(f, f->romeo, "<iq type='set' id='d' to='room@conference.localhost'>"
		"<query xmlns='http://jabber.org/protocol/muc#owner'><destroy><reason>bye</reason></destroy></query></iq>");
	assert_int_equal(muc_room_count(f->m), 0);
	xml_node *p = last(f->juliet);
	assert_string_equal(xml_attr(p, "type"), "unavailable");
	xml_node *d = xml_child(xml_child(p, "x", "http://jabber.org/protocol/muc#user"), "destroy", NULL);
	assert_string_equal(xml_child_text(d, "reason", NULL), "bye");
}

#define REGISTER(fields) "<iq type='set' id='r' to='room@conference.localhost'>" \
	"<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>" \
	fields "</x></query></iq>"
#define REGISTER_TYPE "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#register</value></field>"
#define REGISTER_NICK(nick) REGISTER(REGISTER_TYPE \
	"<field var='muc#register_roomnick'><value>" nick "</value></field>")
#define REGISTER_GET "<iq type='get' id='g' to='room@conference.localhost'>" \
	"<query xmlns='jabber:iq:register'/></iq>"
#define REGISTER_REMOVE "<iq type='set' id='x' to='room@conference.localhost'>" \
	"<query xmlns='jabber:iq:register'><remove/></query></iq>"

static const char *error_text(const xml_node *s)
{
	return xml_child_text(xml_child(s, "error", NS_CLIENT), "text", NULL);
}

/* Forms register.lib.lua refuses, and those it drops where Lua raises
 * an error (FORM_TYPE without a value, no nickname); results are not
 * routed to it at all (mod_iq fires iq/bare/… for gets and sets only). */
static void test_register_form_errors(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT(""));
	send(f, f->romeo, "<iq type='set' id='r' to='room@conference.localhost'>"
		"<query xmlns='jabber:iq:register'/></iq>");
	assert_string_equal(error_text(last(f->romeo)), "Missing dataform");
	send(f, f->romeo, REGISTER("<field var='muc#register_roomnick'><value>R</value></field>"));
	assert_string_equal(error_text(last(f->romeo)), "Error in form");
	size_t answered = client_inbox_count(f->romeo);
	send(f, f->romeo, REGISTER("<field var='FORM_TYPE'/>"));
	send(f, f->romeo, REGISTER(REGISTER_TYPE));
	send(f, f->romeo, REGISTER_NICK(""));
	send(f, f->romeo, "<iq type='result' id='r' to='room@conference.localhost'>"
		"<query xmlns='jabber:iq:register'/></iq>");
	assert_int_equal(client_inbox_count(f->romeo), answered);
}

/* <remove/> keeps an owner an owner but frees the nickname, which a
 * member may then register. */
static void test_register_remove_keeps_owner(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, SUBMIT(""));
	send(f, f->romeo, REGISTER_NICK("Montague"));
	assert_string_equal(xml_attr(last(f->romeo), "type"), "result");
	send(f, f->romeo, "<iq type='set' id='m' to='room@conference.localhost'>"
		"<query xmlns='http://jabber.org/protocol/muc#admin'>"
		"<item affiliation='member' jid='juliet@localhost'/></query></iq>");
	send(f, f->juliet, REGISTER_NICK("Montague"));
	assert_string_equal(condition(last(f->juliet)), "conflict");
	send(f, f->romeo, REGISTER_REMOVE);
	send(f, f->romeo, REGISTER_GET);
	xml_node *query = xml_first(last(f->romeo));
	assert_non_null(xml_child(query, "x", "jabber:x:data"));
	send(f, f->juliet, REGISTER_NICK("Montague"));
	assert_string_equal(xml_attr(last(f->juliet), "type"), "result");
	send(f, f->romeo, "<presence to='room@conference.localhost/Montague'/>");
	assert_string_equal(condition(last(f->romeo)), "conflict");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_lock_configure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_set_and_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_room_disappears, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nick_change_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_removes_everyone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_form_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_remove_keeps_owner, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
