/* test_check.c — the invariant checker can fail, and only when it should.
 *
 * Every invariant gets a run where the real MUC behaves (the checker stays
 * silent) and a run where one delivery is forged, one the MUC would never
 * make, and exactly that invariant fires.  A forgery is put in flight by an
 * observer while the MUC handles the next stanza it is given, so it counts
 * as that stanza's output, as a bug in the MUC's answer would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check/check.h"
#include "client.h"
#include "muc/muc.h"
#include "run.h"
#include "stanza.h"
#include "world.h"

#define ROOM "room@conference.localhost"
#define MUC "http://jabber.org/protocol/muc"
#define MUC_USER "http://jabber.org/protocol/muc#user"

typedef struct fixture {
	world *w;
	checker *check;
	client *romeo, *juliet, *mercutio;
	const xml_node *forged;        /* delivered while the MUC handles its next input */
	client *forged_to;
} fixture;

static void forge_on_input(void *ctx, const world_event *ev)
{
	fixture *f = ctx;
	if (!f->forged || ev->hop != HOP_TO_COMPONENT)
		return;
	world_inject(f->w, f->forged_to, f->forged);
	f->forged = NULL;
}

static int setup(void **state)
{
	static const char *const admins[] = {"admin@localhost", NULL};
	world_config cfg = {.seed = 7, .admins = admins};
	fixture *f = test_calloc(1, sizeof *f);
	f->w = world_new(&cfg);
	muc_attach(f->w, MUC_DOMAIN);
	f->check = check_attach(f->w, MUC_DOMAIN);
	world_observe(f->w, forge_on_input, f);
	f->romeo = client_connect(f->w, "romeo@localhost/r", NULL, NULL);
	f->juliet = client_connect(f->w, "juliet@localhost/j", NULL, NULL);
	f->mercutio = client_connect(f->w, "mercutio@localhost/m", NULL, NULL);
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

/* ---- driving the world ------------------------------------------------ */

static xml_node *parse(fixture *f, const char *text)
{
	const xml_context ctx = {NS_CLIENT, NULL, NULL};
	xml_error err;
	xml_node *e = xml_parse_one(world_parser(f->w), world_arena(f->w), text,
			strlen(text), &ctx, &err);
	assert_non_null(e);
	return e;
}

static void send(fixture *f, client *c, const char *text)
{
	client_send(c, parse(f, text));
	assert_true(world_run(f->w, 0));
	check_quiescent(f->check);
}

/* Deliver `text` to c as part of the MUC's answer to the next stanza. */
static void forge(fixture *f, client *c, const char *text)
{
	f->forged = parse(f, text);
	f->forged_to = c;
}

static void print_violation(fixture *f)
{
	buf out = BUF_INIT;
	check_write(&out, check_first(f->check));
	fputs(buf_str(&out), stderr);
	buf_free(&out);
}

static void assert_silent(fixture *f)
{
	if (check_first(f->check))
		print_violation(f);
	assert_null(check_first(f->check));
}

static void assert_fires(fixture *f, const char *invariant)
{
	const check_violation *v = check_first(f->check);
	assert_non_null(v);
	if (strcmp(v->invariant, invariant) != 0)
		print_violation(f);
	assert_string_equal(v->invariant, invariant);
}

#define JOIN(nick) "<presence to='" ROOM "/" nick "'><x xmlns='" MUC "'/></presence>"
#define JOIN_PW(nick, pw) "<presence to='" ROOM "/" nick "'><x xmlns='" MUC "'>" \
	"<password>" pw "</password></x></presence>"
#define UPDATE(nick) "<presence to='" ROOM "/" nick "'><show>away</show></presence>"
#define CONFIG(fields) "<iq type='set' id='config' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>" \
	"<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>" \
	fields "</x></query></iq>"
#define INSTANT "<iq type='set' id='instant' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/>" \
	"</query></iq>"
#define ADMIN(id, item) "<iq type='set' id='" id "' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#admin'>" item "</query></iq>"
#define DISCO "<iq type='get' id='disco' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
#define SAY(id, text) "<message type='groupchat' id='" id "' to='" ROOM "'>" \
	"<body>" text "</body></message>"
/* What the room would tell a session of itself. */
#define SELF(nick, to, aff, role) "<presence from='" ROOM "/" nick "' to='" to "'>" \
	"<x xmlns='" MUC_USER "'><item affiliation='" aff "' role='" role "'/>" \
	"<status code='110'/></x></presence>"

/* Romeo creates the room and, unless asked not to, configures it. */
static void open_room(fixture *f, const char *join, bool configure)
{
	send(f, f->romeo, join);
	if (configure)
		send(f, f->romeo, INSTANT);
}

/* ---- password --------------------------------------------------------- */

static void test_password_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN_PW("Romeo", "secret"), true);
	send(f, f->juliet, JOIN_PW("Juliet", "wrong"));
	send(f, f->juliet, JOIN_PW("Juliet", "secret"));
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_roomsecret'><value>other</value></field>"));
	send(f, f->mercutio, JOIN_PW("Mercutio", "secret"));
	send(f, f->mercutio, JOIN_PW("Mercutio", "other"));
	assert_silent(f);
}

static void test_password_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN_PW("Romeo", "secret"), true);
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "none", "participant"));
	send(f, f->juliet, JOIN_PW("Juliet", "wrong"));
	assert_fires(f, "password");
}

/* An owner's form that raises (a whois without a value, whois.lib.lua
 * L20) may or may not have reached its password field first (muc.lib.lua
 * L976-979): the password is unknown, unless the form set the one the
 * room already had. */
#define RAISING_PASSWORD(pw) CONFIG("<field var='muc#roomconfig_roomsecret'><value>" pw \
	"</value></field><field var='muc#roomconfig_whois'/>")

static void test_password_silent_after_a_raising_form(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN_PW("Romeo", "secret"), true);
	send(f, f->romeo, RAISING_PASSWORD("other"));
	send(f, f->juliet, JOIN_PW("Juliet", "secret"));
	send(f, f->mercutio, JOIN_PW("Mercutio", "other"));
	assert_silent(f);
}

static void test_password_fires_after_a_raising_form_kept_it(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN_PW("Romeo", "secret"), true);
	send(f, f->romeo, RAISING_PASSWORD("secret"));
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "none", "participant"));
	send(f, f->juliet, JOIN_PW("Juliet", "wrong"));
	assert_fires(f, "password");
}

/* ---- lock ------------------------------------------------------------- */

static void test_lock_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), false);
	send(f, f->juliet, JOIN("Juliet"));
	world_advance(f->w, 300 * 1000);
	send(f, f->juliet, JOIN("Juliet"));
	assert_silent(f);
}

static void test_lock_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), false);
	world_advance(f->w, 299 * 1000);
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "none", "participant"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "lock");
}

/* ---- ban -------------------------------------------------------------- */

#define BAN_JULIET ADMIN("ban", "<item affiliation='outcast' jid='juliet@localhost'/>")

static void test_ban_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, BAN_JULIET);
	send(f, f->juliet, JOIN("Juliet"));
	assert_silent(f);
}

static void test_ban_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, BAN_JULIET);
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "outcast", "participant"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "ban");
}

/* A ban by nick (muc.lib.lua L1062-1072) removes its target in the same
 * transaction (L1489-1494): the model must still learn whom it banned. */
static void test_ban_fires_after_a_ban_by_nick(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, ADMIN("ban", "<item affiliation='outcast' nick='Juliet'/>"));
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "outcast", "participant"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "ban");
}

/* ---- members-only ----------------------------------------------------- */

#define MEMBERS_ONLY CONFIG("<field var='muc#roomconfig_membersonly'><value>1</value></field>")

static void test_members_only_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->romeo, ADMIN("member", "<item affiliation='member' jid='juliet@localhost'/>"));
	send(f, f->romeo, MEMBERS_ONLY);
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->romeo, ADMIN("revoke", "<item affiliation='none' jid='juliet@localhost'/>"));
	assert_silent(f);
}

static void test_members_only_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, MEMBERS_ONLY);
	forge(f, f->juliet, SELF("Juliet", "juliet@localhost/j", "none", "participant"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "members-only");
}

/* A room that lets a non-member's join begin shows it the occupants even
 * when the default role then turns it away: that is members-only broken,
 * not only a leak. */
static void test_members_only_fires_on_a_join_let_through(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, MEMBERS_ONLY);
	forge(f, f->juliet, "<presence from='" ROOM "/Romeo' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='owner' role='moderator'/></x></presence>");
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "members-only");
}

/* Even when a form that raised left the setting unknown, a join turned
 * away with role none shows a members-only room letting a non-member in:
 * nothing else gives the affiliation none that role. */
static void test_members_only_fires_on_a_join_turned_away(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_membersonly'><value>1</value></field>"
			"<field var='muc#roomconfig_whois'><value>everyone</value></field>"));
	forge(f, f->juliet, "<presence type='unavailable' from='" ROOM "/Juliet' "
			"to='juliet@localhost/j'><x xmlns='" MUC_USER "'>"
			"<item affiliation='none' role='none'/><status code='110'/></x></presence>");
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "members-only");
}

/* ---- nick ------------------------------------------------------------- */

static void test_nick_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Romeo"));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, "<presence to='" ROOM "/Julia'/>");
	send(f, f->romeo, ADMIN("reserve",
			"<item affiliation='member' jid='mercutio@localhost' nick='Julia'/>"));
	send(f, f->juliet, "<presence to='" ROOM "/Juliet'/>");
	send(f, f->juliet, "<presence to='" ROOM "/Julia'/>");
	assert_silent(f);
}

static void test_nick_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->juliet, SELF("Romeo", "juliet@localhost/j", "none", "participant"));
	send(f, f->romeo, SAY("n", "Who am I?"));
	assert_fires(f, "nick");
}

/* A nick freed by a nick change may be taken; one held by the same user
 * is shared. */
static void test_nick_silent_at_join(void **state)
{
	fixture *f = *state;
	client *juliet2 = client_connect(f->w, "juliet@localhost/j2", NULL, NULL);
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, juliet2, JOIN("Juliet"));
	send(f, f->juliet, "<presence to='" ROOM "/Julia'/>");
	send(f, f->mercutio, JOIN("Juliet"));
	send(f, f->mercutio, JOIN("Julia"));
	assert_silent(f);
}

/* The join into a taken nick is named, not what sharing it shows later in
 * the same transaction (here a presence with two muc#user elements). */
static void test_nick_fires_at_join(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<presence from='" ROOM "/Romeo' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/>"
			"<status code='110'/></x><x xmlns='" MUC_USER "'/></presence>");
	send(f, f->juliet, JOIN("Romeo"));
	assert_fires(f, "nick");
	assert_non_null(strstr(check_first(f->check)->explanation, "joined as"));
}

static void test_nick_fires_at_join_for_a_reserved_nick(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, ADMIN("reserve",
			"<item affiliation='member' jid='mercutio@localhost' nick='Julia'/>"));
	forge(f, f->juliet, SELF("Julia", "juliet@localhost/j", "none", "participant"));
	send(f, f->juliet, JOIN("Julia"));
	assert_fires(f, "nick");
}

/* Juliet's second session is about to be told, wrongly, that it joined,
 * in a presence with two occupant ids: a spoofing consequence. */
static void forge_malformed_join(fixture *f)
{
	client *juliet2 = client_connect(f->w, "juliet@localhost/j2", NULL, NULL);
	open_room(f, JOIN("Romeo"), true);
	forge(f, juliet2, "<presence from='" ROOM "/Juliet' to='juliet@localhost/j2'>"
			"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='one'/>"
			"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='two'/>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/>"
			"<status code='110'/></x></presence>");
}

/* A rule of who may be in a room, judged on the state a transaction
 * leaves, outranks a consequence found earlier in that transaction: an
 * outcast left in the room by the ban itself is the cause, the malformed
 * presence it was sent only a symptom. */
static void test_access_rule_named_before_consequence(void **state)
{
	fixture *f = *state;
	forge_malformed_join(f);
	send(f, f->romeo, BAN_JULIET);
	assert_fires(f, "ban");
}

/* Without an access rule broken, the first consequence is reported. */
static void test_consequence_reported_alone(void **state)
{
	fixture *f = *state;
	forge_malformed_join(f);
	send(f, f->romeo, ADMIN("member", "<item affiliation='member' jid='juliet@localhost'/>"));
	assert_fires(f, "spoofing");
}

/* ---- view ------------------------------------------------------------- */

static void test_view_silent(void **state)
{
	fixture *f = *state;
	client *juliet2 = client_connect(f->w, "juliet@localhost/j2", NULL, NULL);
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, juliet2, JOIN("Juliet"));
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value></field>"));
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->juliet, UPDATE("Juliet"));
	send(f, f->romeo, ADMIN("kick", "<item role='none' nick='Mercutio'/>"));
	assert_silent(f);
}

static void test_view_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<presence from='" ROOM "/Ghost' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/></x></presence>");
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "view");
}

/* A members-only removal (322) is announced to no one else (members_only.lib.lua
 * L40-45): Romeo's view keeps Juliet as she was, a ghost, once the room is
 * open again. */
static void ghost_juliet(fixture *f)
{
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, MEMBERS_ONLY);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_membersonly'><value>0</value></field>"));
}

/* Whoever takes a ghost's nick with a role the room does not broadcast is
 * not announced either (muc.lib.lua L308-313): the ghost says nothing of
 * the new holder. */
static void test_view_silent_for_a_ghost_nick_taken_unannounced(void **state)
{
	fixture *f = *state;
	ghost_juliet(f);
	send(f, f->romeo, ADMIN("member", "<item affiliation='member' jid='mercutio@localhost'/>"));
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value></field>"));
	send(f, f->mercutio, JOIN("Juliet"));
	assert_silent(f);
}

/* ...but a holder whose role the room broadcasts must be shown: the ghost
 * does not stand for it. */
static void test_view_fires_for_a_ghost_nick_taken_unannounced(void **state)
{
	fixture *f = *state;
	ghost_juliet(f);
	forge(f, f->mercutio, SELF("Juliet", "mercutio@localhost/m", "none", "participant"));
	send(f, f->romeo, UPDATE("Romeo"));
	assert_fires(f, "view");
}

/* A form that closes the room and then raises (an invalid whois,
 * whois.lib.lua L20) gets no reply; the non-member it removed had closed
 * its stream, so no 322 shows it (members_only.lib.lua L19-47), and its
 * own unavailable presence is then ignored (muc.lib.lua L634-635): Romeo
 * keeps a ghost. */
static void test_view_silent_for_a_removal_nobody_heard(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	client_send(f->romeo, parse(f, CONFIG("<field var='muc#roomconfig_membersonly'>"
			"<value>1</value></field><field var='muc#roomconfig_whois'>"
			"<value>everyone</value></field>")));
	client_disconnect(f->juliet);
	assert_true(world_run(f->w, 0));
	check_quiescent(f->check);
	assert_silent(f);
}

#define GET_CONFIG "<iq type='get' id='get' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>"

/* A temporary room goes when its only occupant changes nick (mod_muc.lua
 * L191-199, muc.lib.lua L743-759); the service's item-not-found confirms
 * it is absent (mod_muc.lua L490-496), so a refused join creates it again
 * (muc.lib.lua L492-512) and the next join shows Juliet nobody from
 * before, twice over. */
static void test_view_silent_after_a_room_vanished_twice(void **state)
{
	fixture *f = *state;
	send(f, f->juliet, JOIN("juliet"));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, GET_CONFIG);
	for (int round = 0; round < 2; round++) {
		send(f, f->juliet, JOIN(" "));
		world_advance(f->w, 300 * 1000);
		send(f, f->juliet, JOIN("juliet"));
		send(f, f->juliet, JOIN("Nurse"));
	}
	assert_silent(f);
}

/* Mercutio's form raises (muc.lib.lua L975-979) with the room's
 * persistence perhaps cleared, so when he, its only occupant, changes nick
 * it may go (mod_muc.lua L191-199, muc.lib.lua L743-759) or stay.  It went:
 * Romeo's join refused for its nick creates it again as his (muc.lib.lua
 * L441-444, L492-512), and neither of them is shown the other. */
static void strand_mercutio(fixture *f)
{
	send(f, f->mercutio, JOIN("romeo"));
	send(f, f->mercutio, CONFIG("<field var='muc#roomconfig_persistentroom'><value>1</value>"
			"</field>"));
	send(f, f->mercutio, CONFIG("<field var='muc#roomconfig_persistentroom'><value>0</value>"
			"</field><field var='muc#roomconfig_whois'/>"));
	send(f, f->mercutio, JOIN("Nurse"));
	send(f, f->romeo, JOIN(" "));
	send(f, f->romeo, INSTANT);
}

static void test_view_silent_for_an_occupant_stranded_by_a_room_in_doubt(void **state)
{
	fixture *f = *state;
	strand_mercutio(f);
	send(f, f->romeo, JOIN("Romeo"));
	assert_silent(f);
}

/* ...and when Mercutio joins the room created again under another nick,
 * no 303 takes 'Nurse' out of his view: what he was shown of himself in
 * the room that went is never updated. */
static void test_view_silent_for_a_stranded_occupant_rejoining(void **state)
{
	fixture *f = *state;
	strand_mercutio(f);
	send(f, f->mercutio, JOIN("Mercutio"));
	assert_silent(f);
}

/* Romeo's form raises on its whois (whois.lib.lua L20, muc.lib.lua
 * L975-979) with the broadcast roles perhaps changed: the model no longer
 * knows what Juliet should be shown, so the room's views are not judged,
 * even once a later form makes the roles known again. */
static void murky_room(fixture *f)
{
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value></field><field var='muc#roomconfig_whois'>"
			"<value>everyone</value></field>"));
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value></field>"));
	forge(f, f->juliet, "<presence from='" ROOM "/Ghost' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/></x></presence>");
	send(f, f->juliet, JOIN("Juliet"));
}

static void test_view_silent_in_a_room_the_model_lost_track_of(void **state)
{
	fixture *f = *state;
	murky_room(f);
	assert_silent(f);
}

/* ...until the room starts afresh: everyone leaves the temporary room,
 * Romeo's join creates it again (201), and a view is judged again. */
static void test_view_fires_once_a_lost_room_starts_afresh(void **state)
{
	fixture *f = *state;
	murky_room(f);
	send(f, f->juliet, "<presence type='unavailable' to='" ROOM "/Juliet'/>");
	send(f, f->romeo, "<presence type='unavailable' to='" ROOM "/Romeo'/>");
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<presence from='" ROOM "/Ghost' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/></x></presence>");
	send(f, f->juliet, JOIN("Juliet"));
	assert_fires(f, "view");
}

/* ---- delivery --------------------------------------------------------- */

static void test_delivery_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, SAY("m1", "Hello"));
	send(f, f->mercutio, SAY("m2", "Not in the room"));
	send(f, f->juliet, "<message type='groupchat' to='" ROOM "'><subject>Vows</subject></message>");
	assert_silent(f);
}

#define SUBJECT(text) "<message type='groupchat' to='" ROOM "'><subject>" text "</subject></message>"

/* Send and close the stream before anything comes back. */
static void send_and_vanish(fixture *f, client *c, const char *text)
{
	client_send(c, parse(f, text));
	client_disconnect(c);
	assert_true(world_run(f->w, 0));
	check_quiescent(f->check);
}

/* A subject change whose broadcast nobody saw (its only occupant's stream
 * closed) leaves the subject unknown: a later one that repeats it may go
 * unbroadcast. */
static void test_delivery_silent_on_an_unknown_subject(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_persistentroom'><value>1</value></field>"));
	send_and_vanish(f, f->romeo, SUBJECT("Verona"));
	client *romeo2 = client_connect(f->w, "romeo@localhost/r2", NULL, NULL);
	send(f, romeo2, JOIN("Romeo"));
	send(f, romeo2, SUBJECT("Verona"));
	assert_silent(f);
}

/* An ordinary message lost the same way leaves the subject known: its
 * repetition must not be broadcast. */
static void test_delivery_fires_on_a_repeated_subject(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, SUBJECT("Verona"));
	send_and_vanish(f, f->mercutio, SAY("lost", "Not in the room"));
	forge(f, f->romeo, "<message type='groupchat' from='" ROOM "/Romeo' to='romeo@localhost/r'>"
			"<subject>Verona</subject></message>");
	send(f, f->romeo, SUBJECT("Verona"));
	assert_fires(f, "delivery");
}

static void test_delivery_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->juliet, "<message type='groupchat' id='m1' from='" ROOM "/Romeo' "
			"to='juliet@localhost/j'><body>Hello</body></message>");
	send(f, f->romeo, SAY("m1", "Hello"));
	assert_fires(f, "delivery");
}

/* ---- privacy ---------------------------------------------------------- */

#define WHOIS_ANYONE CONFIG("<field var='muc#roomconfig_whois'><value>anyone</value></field>")

static void test_privacy_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->mercutio, DISCO);
	send(f, f->romeo, WHOIS_ANYONE);
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->romeo, "<message to='" ROOM "'><x xmlns='" MUC_USER "'>"
			"<invite to='admin@localhost'/></x></message>");
	assert_silent(f);
}

static void test_privacy_fires_for_outsiders(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->mercutio, "<presence from='" ROOM "/Juliet' to='mercutio@localhost/m'>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant'/></x></presence>");
	send(f, f->juliet, UPDATE("Juliet"));
	assert_fires(f, "privacy");
}

static void test_privacy_fires_for_real_jids(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->juliet, "<presence from='" ROOM "/Romeo' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='owner' role='moderator' "
			"jid='romeo@localhost/r'/></x></presence>");
	send(f, f->juliet, UPDATE("Juliet"));
	assert_fires(f, "privacy");
}

/* ---- moderation ------------------------------------------------------- */

#define MODERATED CONFIG("<field var='muc#roomconfig_moderatedroom'><value>1</value></field>")

static void test_moderation_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, MODERATED);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, SAY("v1", "May I speak?"));
	assert_silent(f);
}

static void test_moderation_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, MODERATED);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->romeo, "<message type='groupchat' id='v1' from='" ROOM "/Juliet' "
			"to='romeo@localhost/r'><body>May I speak?</body></message>");
	send(f, f->juliet, SAY("v1", "May I speak?"));
	assert_fires(f, "moderation");
}

/* Links of the fixture's clients (world_link_count): romeo's are 0 and 1,
 * mercutio's 4 and 5; even ones carry what a client sends. */
enum { ROMEO_OUT = 0, ROMEO_IN = 1, MERCUTIO_OUT = 4 };

/* Mercutio, the only occupant, changes nick, and his stream closes before
 * the 303 and his new self-presence reach him: nobody sees whether the
 * change emptied the temporary room (mod_muc.lua L191-199, muc.lib.lua
 * L743-759).  It did: Romeo's join refused for its nick creates it again
 * as his (mod_muc.lua L491-493, muc.lib.lua L492-512), so his form with
 * an invalid whois raises (whois.lib.lua L20), unanswered, before the
 * server's unavailable presence for Mercutio's closed stream. */
static void test_iq_silent_after_an_unseen_nick_change_emptied_the_room(void **state)
{
	fixture *f = *state;
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->mercutio, INSTANT);
	client_send(f->mercutio, parse(f, JOIN("Nurse")));
	assert_true(world_step_link(f->w, MERCUTIO_OUT));
	client_send(f->romeo, parse(f, JOIN(" ")));
	assert_true(world_step_link(f->w, ROMEO_OUT));
	assert_true(world_step_link(f->w, ROMEO_IN));
	client_send(f->romeo, parse(f, CONFIG("<field var='muc#roomconfig_whois'/>")));
	assert_true(world_step_link(f->w, ROMEO_OUT));
	client_disconnect(f->mercutio);
	assert_true(world_run(f->w, 0));
	check_quiescent(f->check);
	assert_silent(f);
}

/* ---- privilege -------------------------------------------------------- */

#define KICK_ROMEO ADMIN("kick", "<item role='none' nick='Romeo'/>")

static void test_privilege_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, KICK_ROMEO);
	send(f, f->romeo, ADMIN("admin", "<item affiliation='admin' jid='juliet@localhost'/>"));
	send(f, f->juliet, ADMIN("owner", "<item affiliation='owner' jid='juliet@localhost'/>"));
	send(f, f->romeo, ADMIN("self", "<item affiliation='member' jid='romeo@localhost'/>"));
	send(f, f->juliet, "<iq type='get' id='form' to='" ROOM "'>"
			"<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>");
	assert_silent(f);
}

static void test_privilege_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->juliet, "<iq type='result' id='kick' from='" ROOM "' to='juliet@localhost/j'/>");
	send(f, f->juliet, KICK_ROMEO);
	assert_fires(f, "privilege");
}

/* An affiliation change whose result went to a closed stream leaves its
 * target's affiliation unknown: it may have made another owner, so the
 * owner who made it may step down (muc.lib.lua L1416-1424). */
static void test_privilege_silent_after_an_unseen_owner(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send_and_vanish(f, f->romeo, ADMIN("own", "<item affiliation='owner' jid='mercutio@localhost'/>"));
	client *romeo2 = client_connect(f->w, "romeo@localhost/r2", NULL, NULL);
	send(f, romeo2, ADMIN("self", "<item affiliation='member' jid='romeo@localhost'/>"));
	assert_silent(f);
}

/* Romeo's form raises (an invalid whois, whois.lib.lua L20) after perhaps
 * making the room members-only, so his invitation may have made Mercutio a
 * member (members_only.lib.lua L148-165), or not: unknown, but no owner.
 * Once a service admin has made Romeo an admin the room has no stored
 * owner, and Romeo's removal of Mercutio takes none away. */
static void test_privilege_silent_beside_an_invitee_of_unknown_affiliation(void **state)
{
	fixture *f = *state;
	client *admin = client_connect(f->w, "admin@localhost/a", NULL, NULL);
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_membersonly'><value>1</value></field>"
			"<field var='muc#roomconfig_whois'><value>everyone</value></field>"));
	send(f, f->romeo, "<message to='" ROOM "'><x xmlns='" MUC_USER "'>"
			"<invite to='mercutio@localhost'/></x></message>");
	send(f, admin, ADMIN("demote", "<item affiliation='admin' jid='romeo@localhost'/>"));
	send(f, f->romeo, ADMIN("none", "<item affiliation='none' jid='mercutio@localhost'/>"));
	assert_silent(f);
}

/* The last stored owner stepping down is refused with conflict. */
static void test_privilege_fires_for_the_last_owner_stepping_down(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->romeo, "<iq type='result' id='self' from='" ROOM "' to='romeo@localhost/r'/>");
	send(f, f->romeo, ADMIN("self", "<item affiliation='member' jid='romeo@localhost'/>"));
	assert_fires(f, "privilege");
}

/* ---- spoofing --------------------------------------------------------- */

static void test_spoofing_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, "<presence to='" ROOM "/Juliet'>"
			"<x xmlns='" MUC_USER "'><status code='201'/></x>"
			"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='forged'/></presence>");
	send(f, f->juliet, "<message type='groupchat' id='d' to='" ROOM "'><body>Old news</body>"
			"<delay xmlns='urn:xmpp:delay' from='" ROOM "' stamp='2000-01-01T00:00:00Z'/>"
			"<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='forged'/></message>");
	send(f, f->juliet, "<message type='chat' to='" ROOM "/Romeo'><body>Psst</body>"
			"<x xmlns='" MUC_USER "'><status code='110'/></x></message>");
	assert_silent(f);
}

static void test_spoofing_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->romeo, "<presence from='" ROOM "/Juliet' to='romeo@localhost/r'>"
			"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='forged'/>"
			"<x xmlns='" MUC_USER "'><item affiliation='none' role='participant' "
			"jid='juliet@localhost/j'/></x></presence>");
	send(f, f->juliet, "<presence to='" ROOM "/Juliet'>"
			"<occupant-id xmlns='urn:xmpp:occupant-id:0' id='forged'/></presence>");
	assert_fires(f, "spoofing");
}

/* ---- iq --------------------------------------------------------------- */

#define ADMIN_GET_NO_ITEM "<iq type='get' id='list' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#admin'/></iq>"

static void test_iq_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, DISCO);
	send(f, f->juliet, "<iq type='get' id='nowhere' to='nowhere@conference.localhost'>"
			"<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
	send(f, f->romeo, ADMIN_GET_NO_ITEM);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_whois'><value>everyone</value></field>"));
	assert_silent(f);
}

static void test_iq_fires_on_two_replies(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<iq type='result' id='disco' from='" ROOM "' to='juliet@localhost/j'/>");
	send(f, f->juliet, DISCO);
	assert_fires(f, "iq");
}

/* Prosody leaves this one unanswered (a Lua error); answering it diverges. */
static void test_iq_fires_on_a_reply_prosody_never_sends(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->romeo, "<iq type='error' id='list' from='" ROOM "' to='romeo@localhost/r'>"
			"<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
			"</error></iq>");
	send(f, f->romeo, ADMIN_GET_NO_ITEM);
	assert_fires(f, "iq");
}

#define RAISING_FORM CONFIG("<field var='muc#roomconfig_whois'/>")

/* A join handled after its sender's stream closed gets in unseen; the
 * subject sent to the new session (subject.lib.lua L86-89) bounces, the
 * bounce drops it (muc.lib.lua L1344-1345, L409-439) and the empty
 * temporary room goes (mod_muc.lua L191-199).  Mercutio's join, refused
 * for its nick, creates it again as his (muc.lib.lua L441-444, L492-512),
 * so Romeo's form that would raise is refused as no owner's. */
static void test_iq_silent_after_an_unseen_join_emptied_the_room(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN(" "));
	send(f, f->romeo, INSTANT);
	send_and_vanish(f, f->romeo, JOIN("Nurse"));
	send(f, f->mercutio, JOIN(" "));
	client *romeo2 = client_connect(f->w, "romeo@localhost/r2", NULL, NULL);
	send(f, romeo2, RAISING_FORM);
	assert_silent(f);
}

/* ...but with Juliet in the room it cannot have gone: Romeo is still its
 * owner, and a reply to his form is one Prosody never sends. */
static void test_iq_fires_after_an_unseen_join_left_others(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN(" "));
	send(f, f->romeo, INSTANT);
	send(f, f->juliet, JOIN("Juliet"));
	send_and_vanish(f, f->romeo, JOIN("Nurse"));
	send(f, f->mercutio, JOIN(" "));
	client *romeo2 = client_connect(f->w, "romeo@localhost/r2", NULL, NULL);
	forge(f, romeo2, "<iq type='result' id='config' from='" ROOM "' to='romeo@localhost/r2'/>");
	send(f, romeo2, RAISING_FORM);
	assert_fires(f, "iq");
}

/* ---- destroy ---------------------------------------------------------- */

#define DESTROY "<iq type='set' id='destroy' to='" ROOM "'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'><destroy/></query></iq>"

static void test_destroy_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, DESTROY);
	send(f, f->juliet, DISCO);
	send(f, f->juliet, SAY("late", "Anyone?"));
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->juliet, DISCO);
	assert_silent(f);
}

static void test_destroy_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, DESTROY);
	forge(f, f->juliet, "<presence from='" ROOM "/Romeo' to='juliet@localhost/j'>"
			"<x xmlns='" MUC_USER "'><item affiliation='owner' role='moderator'/></x></presence>");
	send(f, f->juliet, DISCO);
	assert_fires(f, "destroy");
}

/* A persistent room's tombstone answers gone (mod_muc.lua L389-412,
 * L466-475), as the model, holding it destroyed, expects; a service
 * admin's join replaces the tombstone with a fresh room even when refused
 * for its nick (L466-471, L491-493, muc.lib.lua L492-512), so the room
 * broadcasts every role again and Romeo and Juliet are shown each other. */
static void test_view_silent_after_an_admin_replaced_a_tombstone(void **state)
{
	fixture *f = *state;
	client *admin = client_connect(f->w, "admin@localhost/a", NULL, NULL);
	open_room(f, JOIN("Romeo"), true);
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_persistentroom'><value>1</value>"
			"</field><field var='muc#roomconfig_presencebroadcast'>"
			"<value>moderator</value></field>"));
	send(f, f->romeo, DESTROY);
	send(f, f->juliet, DISCO);
	send(f, admin, JOIN(" "));
	send(f, admin, INSTANT);
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_silent(f);
}

/* A temporary room goes when its only occupant changes nick (mod_muc.lua
 * L191-199, muc.lib.lua L743-759), taking its presencebroadcast with it;
 * Romeo's join, handled after his stream closed, leaves it in doubt.  Any
 * room there now is a fresh one: Mercutio's join refused for its nick
 * created it again as his (mod_muc.lua L491-493, muc.lib.lua L492-512),
 * with the default settings, so once its lock has run out (lock.lib.lua
 * L13, L23-30) Juliet is shown Mercutio, a moderator. */
static void test_view_silent_in_a_fresh_room_in_doubt(void **state)
{
	fixture *f = *state;
	send(f, f->romeo, JOIN("Romeo"));
	send(f, f->romeo, CONFIG("<field var='muc#roomconfig_presencebroadcast'>"
			"<value>participant</value></field>"));
	send(f, f->romeo, JOIN("Nurse"));
	send_and_vanish(f, f->romeo, JOIN("Romeo"));
	send(f, f->mercutio, JOIN(" "));
	world_advance(f->w, 301 * 1000);
	send(f, f->mercutio, JOIN("Mercutio"));
	send(f, f->juliet, JOIN("Juliet"));
	assert_silent(f);
}

/* ---- wellformed ------------------------------------------------------- */

static void test_wellformed_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet &amp; &lt;co&gt;"));
	send(f, f->juliet, SAY("w", "&lt;b&gt; &amp; \"quotes\" 'too'"));
	send(f, f->juliet, "<message type='chat' to='" ROOM "/Nobody'><body>?</body></message>");
	assert_silent(f);
}

static void test_wellformed_fires_without_to(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	forge(f, f->juliet, "<presence from='" ROOM "/Romeo'><x xmlns='" MUC_USER "'>"
			"<item affiliation='owner' role='moderator'/></x></presence>");
	send(f, f->juliet, UPDATE("Juliet"));
	assert_fires(f, "wellformed");
}

static void test_wellformed_fires_without_condition(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<message type='error' from='" ROOM "' to='juliet@localhost/j'>"
			"<error type='cancel'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text>"
			"</error></message>");
	send(f, f->juliet, SAY("x", "Hello?"));
	assert_fires(f, "wellformed");
}

/* Every 32nd delivery, the first included, must serialize and re-parse
 * to an equal tree; a body holding a character XML cannot carry does
 * not.  The forged error is the run's first delivery. */
static void test_wellformed_fires_on_round_trip(void **state)
{
	fixture *f = *state;
	xml_node *m = parse(f, "<message type='error' from='" ROOM "' to='juliet@localhost/j'>"
			"<error type='cancel'><item-not-found "
			"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
	xml_add_text(world_arena(f->w), xml_add_elem(world_arena(f->w), m, NULL, "body", NULL),
			"\x01", 1);
	f->forged = m;
	f->forged_to = f->juliet;
	send(f, f->juliet, SAY("x", "Hello?"));
	assert_fires(f, "wellformed");
}

/* ---- amplification ---------------------------------------------------- */

/* At the boundary: a groupchat message to S sessions makes exactly S
 * deliveries, a disco#info query exactly one. */
static void test_amplification_silent(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	send(f, f->juliet, JOIN("Juliet"));
	send(f, f->romeo, SAY("a", "Two sessions, two copies"));
	send(f, f->juliet, DISCO);
	assert_silent(f);
}

static void test_amplification_fires(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<message type='error' from='" ROOM "' to='juliet@localhost/j'>"
			"<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
			"</error></message>");
	send(f, f->juliet, DISCO);
	assert_fires(f, "amplification");
}

/* With no stanza to answer the room sends nothing. */
static void test_amplification_fires_unprompted(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	world_inject(f->w, f->romeo, parse(f, "<message type='error' from='" ROOM "' "
			"to='romeo@localhost/r'><error type='cancel'>"
			"<not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"));
	assert_true(world_run(f->w, 0));
	check_quiescent(f->check);
	assert_fires(f, "amplification");
}

/* ---- the table, the report, the runner -------------------------------- */

static void test_every_invariant_is_defined(void **state)
{
	static const char *const names[] = {
		"password", "lock", "ban", "members-only", "nick", "view", "delivery",
		"privacy", "moderation", "privilege", "spoofing", "iq", "destroy",
		"wellformed", "amplification",
	};
	size_t n = 0;
	for (const check_invariant *i = check_invariants; i->name; i++, n++) {
		assert_true(n < sizeof names / sizeof *names);
		assert_string_equal(i->name, names[n]);
		assert_true(strlen(i->definition) > 80);
	}
	assert_int_equal(n, sizeof names / sizeof *names);
}

static void test_report_names_invariant_step_and_stanzas(void **state)
{
	fixture *f = *state;
	open_room(f, JOIN("Romeo"), true);
	forge(f, f->juliet, "<iq type='result' id='disco' from='" ROOM "' to='juliet@localhost/j'/>");
	send(f, f->juliet, DISCO);
	buf out = BUF_INIT;
	check_write(&out, check_first(f->check));
	assert_non_null(strstr(buf_str(&out), "invariant 'iq' violated at step "));
	assert_non_null(strstr(buf_str(&out), "in answer to:"));
	assert_non_null(strstr(buf_str(&out), "disco#info"));
	buf_free(&out);
}

#define SCRIPT_HEAD "# check\n[Client] Romeo\n\tjid: romeo@localhost/r\n" \
	"\tpassword: x\n\n-----\n\nRomeo connects\n\nRomeo sends:\n" \
	"\t<presence to='" ROOM "/Romeo'><x xmlns='" MUC "'/></presence>\n\n"

static void test_runner_checks(void **state)
{
	const char *text = SCRIPT_HEAD "Romeo receives:\n\t<presence from='" ROOM "/Romeo'/>\n\n";
	scs_error err;
	scs_script *s = scs_parse("inline.scs", text, strlen(text), &err);
	assert_non_null(s);
	run_options o = {.check = true};
	buf report = BUF_INIT;
	run_result r = run_script(s, &o, &report);
	if (!r.passed)
		fputs(buf_str(&report), stderr);
	assert_true(r.passed);
	buf_free(&report);
	scs_free(s);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_password_silent),
		TEST(test_password_fires),
		TEST(test_password_silent_after_a_raising_form),
		TEST(test_password_fires_after_a_raising_form_kept_it),
		TEST(test_lock_silent),
		TEST(test_lock_fires),
		TEST(test_ban_silent),
		TEST(test_ban_fires),
		TEST(test_ban_fires_after_a_ban_by_nick),
		TEST(test_members_only_silent),
		TEST(test_members_only_fires),
		TEST(test_members_only_fires_on_a_join_let_through),
		TEST(test_members_only_fires_on_a_join_turned_away),
		TEST(test_nick_silent),
		TEST(test_nick_fires),
		TEST(test_nick_silent_at_join),
		TEST(test_nick_fires_at_join),
		TEST(test_nick_fires_at_join_for_a_reserved_nick),
		TEST(test_access_rule_named_before_consequence),
		TEST(test_consequence_reported_alone),
		TEST(test_view_silent),
		TEST(test_view_fires),
		TEST(test_view_silent_for_a_ghost_nick_taken_unannounced),
		TEST(test_view_fires_for_a_ghost_nick_taken_unannounced),
		TEST(test_view_silent_after_a_room_vanished_twice),
		TEST(test_view_silent_for_an_occupant_stranded_by_a_room_in_doubt),
		TEST(test_view_silent_for_a_stranded_occupant_rejoining),
		TEST(test_view_silent_in_a_room_the_model_lost_track_of),
		TEST(test_view_fires_once_a_lost_room_starts_afresh),
		TEST(test_view_silent_for_a_removal_nobody_heard),
		TEST(test_delivery_silent),
		TEST(test_delivery_fires),
		TEST(test_delivery_silent_on_an_unknown_subject),
		TEST(test_delivery_fires_on_a_repeated_subject),
		TEST(test_privacy_silent),
		TEST(test_privacy_fires_for_outsiders),
		TEST(test_privacy_fires_for_real_jids),
		TEST(test_moderation_silent),
		TEST(test_moderation_fires),
		TEST(test_privilege_silent),
		TEST(test_privilege_fires),
		TEST(test_iq_silent_after_an_unseen_nick_change_emptied_the_room),
		TEST(test_privilege_silent_after_an_unseen_owner),
		TEST(test_privilege_silent_beside_an_invitee_of_unknown_affiliation),
		TEST(test_privilege_fires_for_the_last_owner_stepping_down),
		TEST(test_spoofing_silent),
		TEST(test_spoofing_fires),
		TEST(test_iq_silent),
		TEST(test_iq_fires_on_two_replies),
		TEST(test_iq_fires_on_a_reply_prosody_never_sends),
		TEST(test_iq_silent_after_an_unseen_join_emptied_the_room),
		TEST(test_iq_fires_after_an_unseen_join_left_others),
		TEST(test_destroy_silent),
		TEST(test_destroy_fires),
		TEST(test_view_silent_after_an_admin_replaced_a_tombstone),
		TEST(test_view_silent_in_a_fresh_room_in_doubt),
		TEST(test_wellformed_silent),
		TEST(test_wellformed_fires_without_to),
		TEST(test_wellformed_fires_without_condition),
		TEST(test_wellformed_fires_on_round_trip),
		TEST(test_amplification_silent),
		TEST(test_amplification_fires),
		TEST(test_amplification_fires_unprompted),
		cmocka_unit_test(test_every_invariant_is_defined),
		TEST(test_report_names_invariant_step_and_stanzas),
		cmocka_unit_test(test_runner_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
