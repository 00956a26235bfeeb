/* password.c — password-protected rooms (password.lib.lua). */
#include "muc_internal.h"

#include <string.h>

static const char *join_password(const xml_node *stanza)
{
	xml_node *x = xml_child(stanza, "x", NS_MUC);
	const char *p = x ? xml_child_text(x, "password", NS_MUC) : NULL;
	return p && *p ? p : NULL;
}

/* muc-occupant-pre-join at -20: no owner or admin exemption. */
static bool password_check_join(muc_event *ev)
{
	const char *want = room_get(ev->room, OPT_PASSWORD);
	if (!want || !xml_child(ev->stanza, "x", NS_MUC))
		return false;
	const char *got = join_password(ev->stanza);
	if (got && !strcmp(got, want))
		return false;
	room_reply_error(ev->room, ev->stanza, "auth", "not-authorized", NULL,
			room_jid(ev->room));
	return true;
}

/* muc-room-pre-create: the creating presence may set the password. */
static bool password_on_create(muc_event *ev)
{
	if (xml_child(ev->stanza, "x", NS_MUC))
		room_set(ev->room, OPT_PASSWORD, join_password(ev->stanza));
	return false;
}

/* muc-invite: the invitation carries the password. */
static bool password_on_invite(muc_event *ev)
{
	const char *password = room_get(ev->room, OPT_PASSWORD);
	if (password) {
		xml_node *x = xml_child(ev->stanza, "x", NS_MUC_USER);
		xml_add_elem(room_arena(ev->room), x, NULL, "password", password);
	}
	return false;
}

static void password_current(muc_room *r, xml_node *field)
{
	const char *p = room_get(r, OPT_PASSWORD);
	xml_add_elem(room_arena(r), field, NULL, "value", p ? p : "");
}

static bool password_submit(muc_room *r, const muc_value *v, bool *codes)
{
	if (room_set(r, OPT_PASSWORD, v->text))
		codes[STATUS_CONFIG_CHANGED] = true;
	return true;
}

const muc_hook muc_password_hooks[] = {
	{EV_OCCUPANT_PRE_JOIN, -20, password_check_join},
	{EV_ROOM_PRE_CREATE, 0, password_on_create},
	{EV_INVITE, 0, password_on_invite},
	{0, 0, NULL},
};

const muc_field muc_password_fields[] = {
	{90 - 2, "muc#roomconfig_roomsecret", FIELD_TEXT_PRIVATE, "Password", NULL,
		NULL, password_current, NULL, password_submit},
	{0},
};
