/* subject.c — the room subject (subject.lib.lua): replayed to every new
 * session, changed by moderators or, with changesubject, participants.
 * A message with a subject and a body or thread is an ordinary message
 * (#667). */
#include "muc_internal.h"

#include <string.h>

#include "stanza.h"

static xml_node *subject_message(muc_room *r, const char *from, const char *subject)
{
	xml_node *m = xml_new(room_arena(r), NS_CLIENT, "message");
	xml_set_attr(room_arena(r), m, "from", from);
	xml_set_attr(room_arena(r), m, "type", "groupchat");
	xml_add_elem(room_arena(r), m, NULL, "subject", subject ? subject : "");
	return m;
}

/* muc-occupant-session-new at 20, after the history (50). */
static bool subject_send(muc_event *ev)
{
	muc_room *r = ev->room;
	const char *from = room_get(r, OPT_SUBJECT_FROM);
	xml_node *m = subject_message(r, from ? from : room_jid(r), room_get(r, OPT_SUBJECT));
	xml_set_attr(room_arena(r), m, "to", xml_attr(ev->stanza, "from"));
	uint64_t when = room_number(r, NUM_SUBJECT_TIME);
	if (when) {
		xml_node *d = xml_add_elem(room_arena(r), m, NS_DELAY, "delay", NULL);
		xml_set_attr(room_arena(r), d, "from", room_jid(r));
		xml_set_attr(room_arena(r), d, "stamp", world_stamp(room_world(r), when));
	}
	room_route(r, m);
	return false;
}

static void subject_set(muc_room *r, const char *from, const char *subject)
{
	if (subject && !*subject)
		subject = NULL;
	const char *old_from = room_get(r, OPT_SUBJECT_FROM);
	const char *old = room_get(r, OPT_SUBJECT);
	bool same_subject = (!old && !subject) || (old && subject && !strcmp(old, subject));
	bool same_from = old_from ? !strcmp(old_from, from) : !strcmp(room_jid(r), from);
	if (same_subject && same_from)
		return;
	room_set(r, OPT_SUBJECT_FROM, from);
	room_set(r, OPT_SUBJECT, subject);
	/* Prosody keeps whole seconds (Lua's os.time). */
	room_number_set(r, NUM_SUBJECT_TIME, world_now(room_world(r)) / 1000 * 1000);
	room_broadcast_message(r, subject_message(r, from, subject));
}

/* muc-occupant-groupchat at 20. */
static bool subject_change(muc_event *ev)
{
	xml_node *subject = xml_child(ev->stanza, "subject", NS_CLIENT);
	if (!subject || xml_child(ev->stanza, "body", NS_CLIENT)
			|| xml_child(ev->stanza, "thread", NS_CLIENT))
		return false;
	muc_room *r = ev->room;
	muc_role role = ev->occupant ? ev->occupant->role : ROLE_NONE;
	if (role >= ROLE_MODERATOR
			|| (role >= ROLE_PARTICIPANT && room_flag_get(r, FLAG_CHANGESUBJECT))) {
		subject_set(r, ev->occupant->nick, xml_text(subject));
	} else {
		room_reply_error(r, ev->stanza, "auth", "forbidden",
				"You are not allowed to change the subject", NULL);
	}
	return true;
}

const muc_hook muc_subject_hooks[] = {
	{EV_OCCUPANT_SESSION_NEW, 20, subject_send},
	{EV_OCCUPANT_GROUPCHAT, 20, subject_change},
	{0, 0, NULL},
};
