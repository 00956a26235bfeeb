/* nick.c — who may enter under which nick: strict nickname validation,
 * invisible nicknames and bans (muc.lib.lua muc-occupant-pre-join and
 * muc-occupant-pre-change hooks at priorities 2, 1 and -10). */
#include "muc_internal.h"

#include "jid.h"

static const char *nick_of(muc_event *ev)
{
	const muc_occupant *o = ev->dest_occupant ? ev->dest_occupant : ev->occupant;
	return jid_resource_of(room_arena(ev->room), o->nick);
}

/* Priority 2: strict resourceprep, then priority 1: not only whitespace.
 * A join to the bare room JID has no nick at all: Prosody's
 * resourceprep(nil) raises an error there, and the stanza is dropped. */
static bool nick_check(muc_event *ev, nick_verdict only)
{
	const char *nick = nick_of(ev);
	if (!nick)
		return true;
	nick_verdict v = jid_check_nick(room_arena(ev->room), nick);
	if (v != only)
		return false;
	if (v == NICK_MALFORMED)
		room_reply_error(ev->room, ev->stanza, "modify", "jid-malformed",
				"Nickname must pass strict validation", room_jid(ev->room));
	else
		room_reply_error(ev->room, ev->stanza, "modify", "not-allowed",
				"Invisible Nicknames are forbidden", room_jid(ev->room));
	return true;
}

static bool nick_check_strict(muc_event *ev)
{
	return nick_check(ev, NICK_MALFORMED);
}

static bool nick_check_visible(muc_event *ev)
{
	return nick_check(ev, NICK_EMPTY);
}

/* Priority -10: outcasts may not enter. */
static bool ban_check(muc_event *ev)
{
	if (room_affiliation(ev->room, xml_attr(ev->stanza, "from")) != AFF_OUTCAST)
		return false;
	room_reply_error(ev->room, ev->stanza, "auth", "forbidden", NULL, room_jid(ev->room));
	return true;
}

const muc_hook muc_nick_hooks[] = {
	{EV_OCCUPANT_PRE_JOIN, 2, nick_check_strict},
	{EV_OCCUPANT_PRE_CHANGE, 2, nick_check_strict},
	{EV_OCCUPANT_PRE_JOIN, 1, nick_check_visible},
	{EV_OCCUPANT_PRE_CHANGE, 1, nick_check_visible},
	{EV_OCCUPANT_PRE_JOIN, -10, ban_check},
	{0, 0, NULL},
};
