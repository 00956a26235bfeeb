/* register.c — registering with a room and reserved nicknames
 * (register.lib.lua): the jabber:iq:register form (XEP-0045 §7.10), the
 * reserved-nick check on join and nick change, and the x-roomuser-item
 * disco node (§7.12).  A reservation is the reserved_nick of an
 * affiliation entry, Prosody's affiliation data "reserved_nickname".
 *
 * Three options of register.lib.lua keep their 0.12 defaults, which the
 * test configuration does not change: allow_unaffiliated_register and
 * enforce_registered_nickname are off (L7, L9) and
 * muc_registration_include_form is off (L13). */
#include "muc_internal.h"

#include <string.h>

#include "jid.h"
#include "stanza.h"

#define FORM_REGISTER "http://jabber.org/protocol/muc#register"
#define FIELD_ROOMNICK "muc#register_roomnick"

static arena *A(const muc_room *r)
{
	return room_arena(r);
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const char *sender_bare(const muc_room *r, const xml_node *stanza)
{
	return jid_bare_of(A(r), xml_attr(stanza, "from"));
}

const char *room_registered_nick(const muc_room *r, const char *bare)
{
	for (size_t i = 0; i < room_affiliation_count(r); i++) {
		const char *addr, *nick;
		muc_affiliation a;
		room_affiliation_at(r, i, &addr, &a, &nick, NULL);
		if (same(addr, bare))
			return nick;
	}
	return NULL;
}

const char *room_registered_jid(const muc_room *r, const char *nick)
{
	for (size_t i = 0; i < room_affiliation_count(r); i++) {
		const char *addr, *reserved;
		muc_affiliation a;
		room_affiliation_at(r, i, &addr, &a, &reserved, NULL);
		if (same(reserved, nick))
			return addr;
	}
	return NULL;
}

/* ---- hooks --------------------------------------------------------------- */

/* enforce_nick_policy (L77-106), muc-occupant-pre-join and -pre-change
 * at 0: a nick reserved by someone else is refused, whatever the
 * occupant's affiliation (the ban check comes later, at -10).  The
 * second half, forcing the occupant's own reserved nick, needs
 * enforce_registered_nickname. */
static bool register_check_nick(muc_event *ev)
{
	muc_room *r = ev->room;
	const char *nick = jid_resource_of(A(r), xml_attr(ev->stanza, "to"));
	const char *reserved_by = room_registered_jid(r, nick);
	if (!reserved_by || same(reserved_by, sender_bare(r, ev->stanza)))
		return false;
	room_reply_error(r, ev->stanza, "cancel", "conflict", NULL, room_jid(r));
	return true;
}

/* muc-disco#info/x-roomuser-item (L113-118): the asker's reserved nick
 * as an identity; other nodes stay empty. */
static bool register_disco_node(muc_event *ev)
{
	muc_room *r = ev->room;
	if (!same(xml_attr(ev->reply, "node"), "x-roomuser-item"))
		return false;
	const char *nick = room_registered_nick(r, sender_bare(r, ev->stanza));
	if (nick) {
		xml_node *id = xml_add_elem(A(r), ev->reply, NULL, "identity", NULL);
		xml_set_attr(A(r), id, "category", "conference");
		xml_set_attr(A(r), id, "type", "text");
		xml_set_attr(A(r), id, "name", nick);
	}
	return false;
}

const muc_hook muc_register_hooks[] = {
	{EV_OCCUPANT_PRE_JOIN, 0, register_check_nick},
	{EV_OCCUPANT_PRE_CHANGE, 0, register_check_nick},
	{EV_DISCO_INFO_NODE, 0, register_disco_node},
	{0, 0, NULL},
};

/* ---- the registration form ----------------------------------------------- */

/* registration_form (L58-61), as dataforms' form() writes it. */
static const struct {
	const char *type, *var, *label, *value;
	bool required;
} form_fields[] = {
	{"hidden", "FORM_TYPE", NULL, FORM_REGISTER, false},
	{"text-single", FIELD_ROOMNICK, "Nickname", NULL, true},
};

static xml_node *registration_form(muc_room *r)
{
	xml_node *form = xml_new(A(r), NS_DATA, "x");
	xml_set_attr(A(r), form, "type", "form");
	for (size_t i = 0; i < sizeof form_fields / sizeof *form_fields; i++) {
		xml_node *f = xml_add_elem(A(r), form, NULL, "field", NULL);
		xml_set_attr(A(r), f, "type", form_fields[i].type);
		xml_set_attr(A(r), f, "var", form_fields[i].var);
		xml_set_attr(A(r), f, "label", form_fields[i].label);
		if (form_fields[i].value)
			xml_add_elem(A(r), f, NULL, "value", form_fields[i].value);
		if (form_fields[i].required)
			xml_add_elem(A(r), f, NULL, "required", NULL);
	}
	return form;
}

/* The first <field var=…> of a submitted form, as dataforms reads it. */
static const xml_node *form_field(const xml_node *form, const char *var)
{
	for (const xml_node *c = xml_first(form); c; c = xml_next(c))
		if (same(xml_name(c), "field") && same(xml_ns(c), NS_DATA)
				&& same(xml_attr(c, "var"), var))
			return c;
	return NULL;
}

static void bad_request(muc_room *r, const xml_node *stanza, const char *text)
{
	room_reply_error(r, stanza, "modify", "bad-request", text, NULL);
}

/* The nick a submitted form asks for, prepared (L160-183); NULL once the
 * stanza has been answered with an error, or dropped where Prosody
 * raises a Lua error. */
static const char *submitted_nick(muc_room *r, const xml_node *stanza, const xml_node *query)
{
	const xml_node *form = xml_child(query, "x", NS_DATA);
	if (!form) {
		bad_request(r, stanza, "Missing dataform");
		return NULL;
	}
	/* dataforms.get_type: "" without a FORM_TYPE field, nil when it has
	 * no <value/>, and then "Error with form: "..err raises (L165-167). */
	const xml_node *type_field = form_field(form, "FORM_TYPE");
	const char *form_type = type_field ? xml_child_text(type_field, "value", NS_DATA) : "";
	if (!form_type)
		return NULL;
	if (strcmp(form_type, FORM_REGISTER) != 0) {
		bad_request(r, stanza, "Error in form");
		return NULL;
	}
	/* A required text field without a value reads as nil, and
	 * resourceprep(nil) raises (L173-179). */
	const xml_node *nick_field = form_field(form, FIELD_ROOMNICK);
	const char *value = nick_field ? xml_child_text(nick_field, "value", NS_DATA) : NULL;
	if (!value || !*value)
		return NULL;
	const char *nick = jid_resourceprep(A(r), value, true);
	if (!nick)
		bad_request(r, stanza, "Invalid Nickname");
	return nick;
}

/* ---- handle_register_iq (L120-229) --------------------------------------- */

static void register_get(muc_room *r, const xml_node *stanza, const char *bare)
{
	xml_node *query = xml_new(A(r), NS_REGISTER, "query");
	const char *nick = room_registered_nick(r, bare);
	if (nick) {
		xml_add_elem(A(r), query, NULL, "registered", NULL);
		xml_add_elem(A(r), query, NULL, "username", nick);
	} else {
		xml_add_child(query, registration_form(r));
	}
	room_reply(r, stanza, query);
}

/* set_affiliation by the room itself, answering the IQ once it is done. */
static void register_affiliate(muc_room *r, const xml_node *stanza, const char *bare,
		muc_affiliation a, const char *nick)
{
	const char *type, *cond;
	if (room_set_affiliation(r, NULL, bare, a, NULL, nick, &type, &cond))
		room_reply(r, stanza, NULL);
	else
		room_reply_error(r, stanza, type, cond, NULL, NULL);
}

/* <remove/> drops a member's affiliation and anyone's reservation: other
 * affiliations stay, with their data cleared (L149-159). */
static void register_remove(muc_room *r, const xml_node *stanza, const char *bare,
		muc_affiliation a)
{
	register_affiliate(r, stanza, bare, a == AFF_MEMBER ? AFF_NONE : a, "");
}

/* In use by someone else's occupant, or reserved by someone else
 * (L184-195). */
static bool nick_taken(const muc_room *r, const char *nick, const char *bare)
{
	const char *occupant_jid = arena_printf(A(r), "%s/%s", room_jid(r), nick);
	const muc_occupant *holder = room_occupant_by_nick(r, occupant_jid);
	const char *reserved_by = room_registered_jid(r, nick);
	return (holder && !same(holder->bare_jid, bare))
		|| (reserved_by && !same(reserved_by, bare));
}

static void register_set(muc_room *r, const xml_node *stanza, const char *bare,
		muc_affiliation a)
{
	const xml_node *query = xml_first(stanza);
	if (xml_child(query, "remove", NS_REGISTER)) {
		register_remove(r, stanza, bare, a);
		return;
	}
	const char *nick = submitted_nick(r, stanza, query);
	if (!nick)
		return;
	if (nick_taken(r, nick, bare)) {
		room_reply_error(r, stanza, "cancel", "conflict", NULL, NULL);
		return;
	}
	/* Re-registering the same nick changes nothing (L208, L227).
	 * Otherwise the affiliation is set again, which announces it to the
	 * room; it is never none here, as unaffiliated registration is off. */
	if (same(room_registered_nick(r, bare), nick))
		room_reply(r, stanza, NULL);
	else
		register_affiliate(r, stanza, bare, a, nick);
}

/* Gets and sets come here: mod_muc hooks iq/bare/jabber:iq:register:query,
 * which mod_iq fires for those two types only (results and errors go
 * unhandled, and are dropped). */
void room_handle_register_iq(muc_room *r, xml_node *stanza)
{
	const char *bare = sender_bare(r, stanza);
	muc_affiliation a = room_affiliation(r, bare);
	if (a == AFF_OUTCAST) {
		room_reply_error(r, stanza, "auth", "forbidden", NULL, NULL);
	} else if (a == AFF_NONE) {
		room_reply_error(r, stanza, "auth", "registration-required", NULL, NULL);
	} else if (!strcmp(stanza_type(stanza), "get")) {
		register_get(r, stanza, bare);
	} else {
		register_set(r, stanza, bare, a);
	}
}
