/* members_only.c — members-only rooms (members_only.lib.lua): joining
 * needs an affiliation, and turning the setting on removes the
 * unaffiliated with status 322. */
#include "muc_internal.h"

/* muc-get-default-role at 2: no affiliation, no role. */
static bool members_only_default_role(muc_event *ev)
{
	if (ev->affiliation != AFF_NONE || !room_flag_get(ev->room, FLAG_MEMBERS_ONLY))
		return false;
	ev->role = ROLE_NONE;
	return true;
}

/* muc-occupant-pre-join at -5; outcasts get this error too. */
static bool members_only_check_join(muc_event *ev)
{
	muc_room *r = ev->room;
	if (!room_flag_get(r, FLAG_MEMBERS_ONLY))
		return false;
	if (room_affiliation(r, xml_attr(ev->stanza, "from")) > AFF_NONE)
		return false;
	room_reply_error(r, ev->stanza, "auth", "registration-required", NULL, room_jid(r));
	return true;
}

static void members_only_current(muc_room *r, xml_node *f)
{
	if (room_flag_get(r, FLAG_MEMBERS_ONLY))
		xml_add_elem(room_arena(r), f, NULL, "value", "1");
}

static bool members_only_submit(muc_room *r, const muc_value *v, bool *codes)
{
	bool on = v->valid && v->flag;
	if (!room_flag_set(r, FLAG_MEMBERS_ONLY, on))
		return true;
	codes[STATUS_CONFIG_CHANGED] = true;
	if (!on)
		return true;
	/* Everyone without an affiliation loses their role first, then all
	 * of them are announced. */
	size_t n = room_occupant_count(r), k = 0;
	muc_occupant **removed = arena_alloc(room_arena(r), (n + 1) * sizeof *removed);
	for (size_t i = 0; i < n; i++) {
		muc_occupant *o = room_occupant_at(r, i);
		if (room_affiliation(r, o->bare_jid) <= AFF_NONE)
			removed[k++] = o;
	}
	for (size_t i = 0; i < k; i++) {
		removed[i]->role = ROLE_NONE;
		room_save_occupant(r, removed[i]);
	}
	xml_node *x = xml_new(room_arena(r), NS_MUC_USER, "x");
	room_add_status(r, x, "322");
	for (size_t i = 0; i < k; i++) {
		room_publicise(r, removed[i], x, NULL, NULL, NULL, NULL, ROLE_NONE, false, NULL);
		room_occupant_left(r, removed[i]);
	}
	return true;
}

static void member_invites_current(muc_room *r, xml_node *f)
{
	if (room_flag_get(r, FLAG_ALLOW_MEMBER_INVITES))
		xml_add_elem(room_arena(r), f, NULL, "value", "1");
}

static bool member_invites_submit(muc_room *r, const muc_value *v, bool *codes)
{
	if (room_flag_set(r, FLAG_ALLOW_MEMBER_INVITES, v->valid && v->flag))
		codes[STATUS_CONFIG_CHANGED] = true;
	return true;
}

/* muc-pre-invite: in members-only rooms only admins invite, or members
 * when allowed; the invitee then becomes a member (muc-invite). */
static bool members_only_pre_invite(muc_event *ev)
{
	muc_room *r = ev->room;
	if (!room_flag_get(r, FLAG_MEMBERS_ONLY))
		return false;
	muc_affiliation a = room_affiliation(r, xml_attr(ev->stanza, "from"));
	muc_affiliation need = room_flag_get(r, FLAG_ALLOW_MEMBER_INVITES) ? AFF_MEMBER : AFF_ADMIN;
	if (a >= need)
		return false;
	room_reply_error(r, ev->stanza, "auth", "forbidden", NULL, room_jid(r));
	return true;
}

static bool members_only_on_invite(muc_event *ev)
{
	muc_room *r = ev->room;
	const char *invitee = xml_attr(ev->stanza, "to");
	if (!room_flag_get(r, FLAG_MEMBERS_ONLY) || room_affiliation(r, invitee) > AFF_NONE)
		return false;
	xml_node *x = xml_child(ev->stanza, "x", NS_MUC_USER);
	const char *from = xml_attr(xml_child(x, "invite", NULL), "from");
	const char *type, *cond;
	/* "This might fail; ignore for now", says Prosody. */
	room_set_affiliation(r, NULL, invitee, AFF_MEMBER,
			arena_printf(room_arena(r), "Invited by %s", from), NULL, &type, &cond);
	return false;
}

const muc_hook muc_members_only_hooks[] = {
	{EV_GET_DEFAULT_ROLE, 2, members_only_default_role},
	{EV_OCCUPANT_PRE_JOIN, -5, members_only_check_join},
	{EV_PRE_INVITE, 0, members_only_pre_invite},
	{EV_INVITE, 0, members_only_on_invite},
	{0, 0, NULL},
};

const muc_field muc_members_only_fields[] = {
	{90 - 3, "muc#roomconfig_membersonly", FIELD_BOOLEAN, "Only allow members to join",
		"Enable this to only allow access for room owners, admins and members",
		NULL, members_only_current, NULL, members_only_submit},
	{90 - 3, "{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites",
		FIELD_BOOLEAN, "Allow members to invite new members", NULL, NULL,
		member_invites_current, NULL, member_invites_submit},
	{0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};
