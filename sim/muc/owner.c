/* owner.c — the owner's queries: the configuration form (get and
 * submit), room destruction, and disco#info (muc.lib.lua send_form,
 * get_form_layout, process_form, destroy, get_disco_info). */
#include "muc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "stanza.h"

static arena *A(muc_room *r)
{
	return room_arena(r);
}

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const char *const field_type_names[] = {
	[FIELD_FIXED] = "fixed", [FIELD_HIDDEN] = "hidden",
	[FIELD_BOOLEAN] = "boolean", [FIELD_TEXT_SINGLE] = "text-single",
	[FIELD_TEXT_PRIVATE] = "text-private", [FIELD_LIST_SINGLE] = "list-single",
	[FIELD_LIST_MULTI] = "list-multi",
};

/* Every feature's form rows, in form order (priority, then table order). */
static size_t form_layout(const muc_field **out, size_t max)
{
	size_t n = 0;
	for (size_t t = 0; muc_feature_fields[t]; t++)
		for (const muc_field *f = muc_feature_fields[t]; f->var || f->label; f++)
			if (n < max)
				out[n++] = f;
	/* Insertion sort: stable, and the tables are short. */
	for (size_t i = 1; i < n; i++) {
		const muc_field *f = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1]->priority < f->priority) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = f;
	}
	return n;
}

enum { MAX_FIELDS = 48 };

/* ---- the form --------------------------------------------------------------- */

static xml_node *field_element(muc_room *r, xml_node *form, const muc_field *f)
{
	xml_node *e = xml_add_elem(A(r), form, NULL, "field", NULL);
	if (f->type == FIELD_FIXED) {
		xml_set_attr(A(r), e, "type", "fixed");
		xml_add_elem(A(r), e, NULL, "value", f->label);
		return e;
	}
	xml_set_attr(A(r), e, "label", f->label);
	xml_set_attr(A(r), e, "type", field_type_names[f->type]);
	xml_set_attr(A(r), e, "var", f->var);
	if (f->desc)
		xml_add_elem(A(r), e, NULL, "desc", f->desc);
	if (f->datatype) {
		xml_node *v = xml_add_elem(A(r), e, "http://jabber.org/protocol/xdata-validate",
				"validate", NULL);
		xml_set_attr(A(r), v, "datatype", f->datatype);
	}
	for (const char *const *o = f->options; o && *o; o += 2) {
		xml_node *opt = xml_add_elem(A(r), e, NULL, "option", NULL);
		xml_set_attr(A(r), opt, "label", o[1]);
		xml_add_elem(A(r), opt, NULL, "value", o[0]);
	}
	return e;
}

static xml_node *config_form(muc_room *r)
{
	xml_node *form = xml_new(A(r), NS_DATA, "x");
	xml_set_attr(A(r), form, "type", "form");
	xml_add_elem(A(r), form, NULL, "title",
			arena_printf(A(r), "Configuration for %s", room_jid(r)));
	xml_add_elem(A(r), form, NULL, "instructions",
			"Complete and submit this form to configure the room.");
	xml_node *ft = xml_add_elem(A(r), form, NULL, "field", NULL);
	xml_set_attr(A(r), ft, "type", "hidden");
	xml_set_attr(A(r), ft, "var", "FORM_TYPE");
	xml_add_elem(A(r), ft, NULL, "value", FORM_ROOMCONFIG);
	const muc_field *layout[MAX_FIELDS];
	size_t n = form_layout(layout, MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		xml_node *e = field_element(r, form, layout[i]);
		if (layout[i]->current)
			layout[i]->current(r, e);
	}
	return form;
}

static bool owner_only(muc_room *r, xml_node *stanza)
{
	if (room_affiliation(r, xml_attr(stanza, "from")) == AFF_OWNER)
		return true;
	room_reply_error(r, stanza, "auth", "forbidden", "Only owners can configure rooms", NULL);
	return false;
}

void room_handle_owner_get(muc_room *r, xml_node *stanza)
{
	if (!owner_only(r, stanza))
		return;
	xml_node *query = xml_new(A(r), NS_MUC_OWNER, "query");
	xml_add_child(query, config_form(r));
	room_reply(r, stanza, query);
}

/* ---- reading a submitted form (util.dataforms field readers) ----------- */

static xml_node *submitted_field(const xml_node *form, const char *var)
{
	for (xml_node *c = xml_first(form); c; c = xml_next(c))
		if (is(xml_name(c), "field") && is(xml_attr(c, "var"), var))
			return c;
	return NULL;
}

static bool is_integer(const char *s)
{
	if (!s || !*s)
		return false;
	char *end;
	strtod(s, &end);
	if (*end)
		return false;
	double d = strtod(s, NULL);
	return d == (double)(long long)d;
}

static muc_value read_value(muc_room *r, const muc_field *f, const xml_node *e)
{
	muc_value v = {.valid = true};
	v.text = xml_child_text(e, "value", NS_DATA);
	switch (f->type) {
	case FIELD_BOOLEAN:
		if (is(v.text, "1") || is(v.text, "true")) {
			v.flag = true;
		} else if (!is(v.text, "0") && !is(v.text, "false")) {
			v.valid = false;
			v.text = NULL;
		}
		break;
	case FIELD_LIST_MULTI: {
		vec values = {0};
		for (xml_node *c = xml_first(e); c; c = xml_next(c))
			if (is(xml_name(c), "value"))
				vec_push(A(r), &values, (void *)xml_text(c));
		if (values.len) {
			vec_push(A(r), &values, NULL);
			v.list = (const char *const *)values.items;
		}
		break;
	}
	default:
		if (f->datatype && v.text && !is_integer(v.text)) {
			v.valid = false;
			v.text = NULL;
		}
		break;
	}
	return v;
}

/* Send the configuration-change message if any status code is set. */
static void announce_codes(muc_room *r, const bool *codes)
{
	static const char *const names[STATUS_COUNT] = {
		[STATUS_CONFIG_CHANGED] = "104", [STATUS_LOGGING_ON] = "170",
		[STATUS_LOGGING_OFF] = "171", [STATUS_NON_ANONYMOUS] = "172",
		[STATUS_SEMI_ANONYMOUS] = "173",
	};
	xml_node *msg = NULL, *x = NULL;
	for (int i = 0; i < STATUS_COUNT; i++) {
		if (!codes[i])
			continue;
		if (!msg) {
			msg = xml_new(A(r), NS_CLIENT, "message");
			xml_set_attr(A(r), msg, "type", "groupchat");
			xml_set_attr(A(r), msg, "from", room_jid(r));
			x = xml_add_elem(A(r), msg, NS_MUC_USER, "x", NULL);
		}
		room_add_status(r, x, names[i]);
	}
	if (msg)
		room_broadcast_message(r, msg);
}

static void process_form(muc_room *r, xml_node *stanza, xml_node *form)
{
	const char *type = xml_attr(form, "type");
	if (is(type, "cancel")) {
		room_reply(r, stanza, NULL);
		return;
	}
	if (!is(type, "submit")) {
		room_reply_error(r, stanza, "cancel", "bad-request", "Not a submitted form", NULL);
		return;
	}
	bool instant = xml_child_count(form) == 0;
	if (!instant) {
		xml_node *ft = submitted_field(form, "FORM_TYPE");
		if (!ft || !is(xml_child_text(ft, "value", NS_DATA), FORM_ROOMCONFIG)) {
			room_reply_error(r, stanza, "cancel", "bad-request",
					"Form is not of type room configuration", NULL);
			return;
		}
	}
	bool codes[STATUS_COUNT] = {0};
	muc_event ev = {.room = r, .stanza = stanza, .status_codes = codes};
	muc_fire(r, EV_CONFIG_SUBMITTED, &ev);
	const muc_field *layout[MAX_FIELDS];
	size_t n = instant ? 0 : form_layout(layout, MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		xml_node *e = layout[i]->var ? submitted_field(form, layout[i]->var) : NULL;
		if (!e || !layout[i]->submit)
			continue;
		muc_value v = read_value(r, layout[i], e);
		/* A handler that raises a Lua error in Prosody aborts the whole
		 * stanza: no reply, changes so far kept. */
		if (!layout[i]->submit(r, &v, codes))
			return;
	}
	room_reply(r, stanza, NULL);
	announce_codes(r, codes);
}

/* ---- destruction -------------------------------------------------------------- */

bool room_destroy(muc_room *r, const char *newjid, const char *reason,
		const char *password)
{
	xml_node *x = xml_new(A(r), NS_MUC_USER, "x");
	xml_node *d = xml_add_elem(A(r), x, NULL, "destroy", NULL);
	xml_set_attr(A(r), d, "jid", newjid);
	if (reason)
		xml_add_elem(A(r), d, NULL, "reason", reason);
	if (password)
		xml_add_elem(A(r), d, NULL, "password", password);
	room_set_destroying(r);
	/* clear(): everyone loses their role, then everyone is told. */
	size_t n = room_occupant_count(r);
	muc_occupant **left = arena_alloc(A(r), (n + 1) * sizeof *left);
	muc_role *prev = arena_alloc(A(r), (n + 1) * sizeof *prev);
	for (size_t i = 0; i < n; i++) {
		left[i] = room_occupant_at(r, 0);
		prev[i] = left[i]->role;
		left[i]->role = ROLE_NONE;
		room_save_occupant(r, left[i]);
	}
	for (size_t i = 0; i < n; i++) {
		room_publicise(r, left[i], x, NULL, NULL, NULL, NULL, prev[i], false, NULL);
		room_occupant_left(r, left[i]);
	}
	muc_event ev = {.room = r, .reason = reason, .newjid = newjid};
	muc_fire(r, EV_ROOM_DESTROYED, &ev);
	return true;
}

void room_handle_owner_set(muc_room *r, xml_node *stanza)
{
	if (!owner_only(r, stanza))
		return;
	xml_node *query = xml_first(stanza);
	xml_node *child = xml_first(query);
	if (!child) {
		room_reply_error(r, stanza, "modify", "bad-request", NULL, NULL);
	} else if (is(xml_name(child), "destroy")) {
		room_destroy(r, xml_attr(child, "jid"), xml_child_text(child, "reason", NULL),
				xml_child_text(child, "password", NULL));
		room_reply(r, stanza, NULL);
	} else if (is(xml_name(child), "x") && is(xml_ns(child), NS_DATA)) {
		process_form(r, stanza, xml_child(query, "x", NS_DATA));
	} else {
		room_reply_error(r, stanza, "cancel", "service-unavailable", NULL, NULL);
	}
}

/* Rooms list no items: occupants are not disclosed (commit 1b392befb,
 * Prosody issue 1162). */
void room_handle_disco_items(muc_room *r, xml_node *stanza)
{
	room_reply(r, stanza, xml_new(A(r), NS_DISCO_ITEMS, "query"));
}

/* ---- disco#info ---------------------------------------------------------------- */

static void add_feature(muc_room *r, xml_node *q, const char *var)
{
	xml_set_attr(A(r), xml_add_elem(A(r), q, NULL, "feature", NULL), "var", var);
}

static void add_info_field(muc_room *r, xml_node *form, const char *var,
		const char *label, const char *type, const char *value)
{
	xml_node *f = xml_add_elem(A(r), form, NULL, "field", NULL);
	xml_set_attr(A(r), f, "label", label);
	xml_set_attr(A(r), f, "type", type);
	xml_set_attr(A(r), f, "var", var);
	if (value)
		xml_add_elem(A(r), f, NULL, "value", value);
}

/* get_disco_info and the muc-disco#info hooks of each lib.  Prosody
 * emits features and form fields in Lua hash order, which varies between
 * server runs; this is one order a real 0.12.3 produced
 * (tools/reference/disco-info-0.12.3.scs). */
void room_handle_disco_info(muc_room *r, xml_node *stanza)
{
	const char *node = xml_attr(xml_first(stanza), "node");
	xml_node *q = xml_new(A(r), NS_DISCO_INFO, "query");
	xml_set_attr(A(r), q, "node", node);
	if (node && *node) {
		/* muc-disco#info/<node>: register.c answers x-roomuser-item. */
		muc_event ev = {.room = r, .stanza = stanza, .reply = q};
		muc_fire(r, EV_DISCO_INFO_NODE, &ev);
		room_reply(r, stanza, q);
		return;
	}
	bool members_only = room_flag_get(r, FLAG_MEMBERS_ONLY);
	bool member_invites = room_flag_get(r, FLAG_ALLOW_MEMBER_INVITES);
	add_feature(r, q, room_flag_get(r, FLAG_HIDDEN) ? "muc_hidden" : "muc_public");
	xml_node *id = xml_add_elem(A(r), q, NULL, "identity", NULL);
	xml_set_attr(A(r), id, "category", "conference");
	xml_set_attr(A(r), id, "name", room_get(r, OPT_NAME));
	xml_set_attr(A(r), id, "type", "text");
	add_feature(r, q, NS_MUC);
	add_feature(r, q, "http://jabber.org/protocol/muc#stable_id");
	add_feature(r, q, "http://jabber.org/protocol/muc#self-ping-optimization");
	add_feature(r, q, room_flag_get(r, FLAG_PERSISTENT) ? "muc_persistent" : "muc_temporary");
	if (room_archiving(r)) {
		add_feature(r, q, "urn:xmpp:mam:2");
		add_feature(r, q, "urn:xmpp:mam:2#extended");
	}
	add_feature(r, q, NS_SID);
	add_feature(r, q, room_get(r, OPT_PASSWORD) ? "muc_passwordprotected" : "muc_unsecured");
	add_feature(r, q, room_flag_get(r, FLAG_MODERATED) ? "muc_moderated" : "muc_unmoderated");
	add_feature(r, q, NS_REGISTER);
	add_feature(r, q, strcmp(room_whois(r), "anyone") ? "muc_semianonymous" : "muc_nonanonymous");
	add_feature(r, q, "http://jabber.org/protocol/muc#request");
	add_feature(r, q, NS_OCCUPANT_ID);
	add_feature(r, q, members_only ? "muc_membersonly" : "muc_open");
	xml_node *form = xml_add_elem(A(r), q, NS_DATA, "x", NULL);
	xml_set_attr(A(r), form, "type", "result");
	add_info_field(r, form, "FORM_TYPE", NULL, "hidden",
			"http://jabber.org/protocol/muc#roominfo");
	add_info_field(r, form, "muc#roomconfig_roomname", "Title", "text-single",
			room_get(r, OPT_NAME));
	add_info_field(r, form, "muc#roomconfig_changesubject", NULL, "boolean",
			room_flag_get(r, FLAG_CHANGESUBJECT) ? "1" : NULL);
	add_info_field(r, form, "muc#roominfo_occupants", "Number of occupants", "text-single",
			arena_printf(A(r), "%zu", room_occupant_count(r)));
	const char *desc = room_get(r, OPT_DESCRIPTION), *lang = room_get(r, OPT_LANGUAGE);
	add_info_field(r, form, "muc#roominfo_description", "Description", "text-single",
			desc ? desc : "");
	add_info_field(r, form, "muc#roominfo_lang", NULL, "text-single", lang ? lang : "");
	add_info_field(r, form, "{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites",
			"Allow members to invite new members", "boolean", member_invites ? "1" : "0");
	add_info_field(r, form, "muc#roomconfig_allowinvites", "Allow users to invite other users",
			"boolean", !members_only || member_invites ? "1" : "0");
	room_reply(r, stanza, q);
}
