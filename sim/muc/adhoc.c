/* adhoc.c — what the MUC service itself answers: disco#info and
 * disco#items of the service (mod_disco, mod_muc's host-disco-items,
 * mod_server_contact_info), unique room names (mod_muc_unique), and the
 * two ad-hoc commands mod_muc offers service admins (XEP-0050 through
 * mod_adhoc): "Destroy Rooms" and "Set affiliation in room". */
#include "muc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "stanza.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_UNIQUE "http://jabber.org/protocol/muc#unique"
#define NODE_DESTROY "http://prosody.im/protocol/muc#destroy"
#define NODE_SET_AFFILIATION "http://prosody.im/protocol/muc#set-affiliation"

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void add_feature(arena *a, xml_node *q, const char *var)
{
	xml_set_attr(a, xml_add_elem(a, q, NULL, "feature", NULL), "var", var);
}

static void reply(muc *m, const xml_node *stanza, xml_node *payload)
{
	xml_node *r = stanza_reply(muc_arena(m), stanza);
	if (payload)
		xml_add_child(r, payload);
	world_route(muc_world(m), r);
}

static void reply_error(muc *m, const xml_node *stanza, const char *type,
		const char *condition, const char *text)
{
	world_route(muc_world(m), world_error(muc_world(m), stanza, type, condition, text, NULL));
}

/* ---- disco ------------------------------------------------------------------ */

/* The test configuration's contact_info, as mod_server_contact_info
 * publishes it (XEP-0157). */
static const char *const contact_info[] = {
	"abuse-addresses", "mailto:abuse@localhost", "xmpp:abuse@localhost", NULL,
	"admin-addresses", "mailto:admin@localhost", "xmpp:admin@localhost", NULL,
	"feedback-addresses", "http://localhost/feedback.html", "mailto:feedback@localhost",
		"xmpp:feedback@localhost", NULL,
	"sales-addresses", "xmpp:sales@localhost", NULL,
	"security-addresses", "xmpp:security@localhost", NULL,
	"status-addresses", "gopher://status.localhost", NULL,
	"support-addresses", "https://localhost/support.html", "xmpp:support@localhost", NULL,
	NULL,
};

static xml_node *contact_form(arena *a)
{
	xml_node *x = xml_new(a, NS_DATA, "x");
	xml_set_attr(a, x, "type", "result");
	xml_node *ft = xml_add_elem(a, x, NULL, "field", NULL);
	xml_set_attr(a, ft, "type", "hidden");
	xml_set_attr(a, ft, "var", "FORM_TYPE");
	xml_add_elem(a, ft, NULL, "value", "http://jabber.org/network/serverinfo");
	for (const char *const *p = contact_info; *p; p++) {
		xml_node *f = xml_add_elem(a, x, NULL, "field", NULL);
		xml_set_attr(a, f, "type", "list-multi");
		xml_set_attr(a, f, "var", *p);
		while (*++p)
			xml_add_elem(a, f, NULL, "value", *p);
	}
	return x;
}

/* The commands a JID may see and run: both need a service admin. */
static const struct {
	const char *node, *name;
} commands[] = {
	{NODE_DESTROY, "Destroy Rooms"},
	{NODE_SET_AFFILIATION, "Set affiliation in room"},
};

static const char *command_name(const char *node)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (is(commands[i].node, node))
			return commands[i].name;
	return NULL;
}

static bool is_admin(muc *m, const char *from)
{
	const char *bare = jid_bare_of(muc_arena(m), from);
	return bare && world_is_admin(muc_world(m), bare);
}

/* Feature order: one a real 0.12.3 produced (hash order in Prosody). */
static void service_disco_info(muc *m, xml_node *stanza)
{
	arena *a = muc_arena(m);
	const char *node = xml_attr(xml_first(stanza), "node");
	xml_node *q = xml_new(a, NS_DISCO_INFO, "query");
	xml_set_attr(a, q, "node", node);
	if (node) {
		const char *name = command_name(node);
		if (name && !is_admin(m, xml_attr(stanza, "from"))) {
			reply_error(m, stanza, "auth", "forbidden", "This item is not available to you");
			return;
		}
		if (!name && !is(node, NS_COMMANDS)) {
			reply_error(m, stanza, "cancel", "item-not-found", NULL);
			return;
		}
		xml_node *id = xml_add_elem(a, q, NULL, "identity", NULL);
		xml_set_attr(a, id, "category", "automation");
		xml_set_attr(a, id, "name", name ? name : "Ad-Hoc Commands");
		xml_set_attr(a, id, "type", name ? "command-node" : "command-list");
		if (name) {
			add_feature(a, q, NS_COMMANDS);
			add_feature(a, q, NS_DATA);
		}
		reply(m, stanza, q);
		return;
	}
	xml_node *id = xml_add_elem(a, q, NULL, "identity", NULL);
	xml_set_attr(a, id, "category", "conference");
	xml_set_attr(a, id, "name", "Prosody Chatrooms");
	xml_set_attr(a, id, "type", "text");
	static const char *const features[] = {
		NS_UNIQUE, NS_DISCO_INFO, NS_DISCO_ITEMS, "urn:xmpp:mam:2",
		NS_COMMANDS, NS_OCCUPANT_ID, NS_MUC,
	};
	for (size_t i = 0; i < sizeof features / sizeof *features; i++)
		add_feature(a, q, features[i]);
	xml_add_child(q, contact_form(a));
	reply(m, stanza, q);
}

static void service_disco_items(muc *m, xml_node *stanza)
{
	arena *a = muc_arena(m);
	const char *node = xml_attr(xml_first(stanza), "node");
	xml_node *q = xml_new(a, NS_DISCO_ITEMS, "query");
	xml_set_attr(a, q, "node", node);
	if (is(node, NS_COMMANDS)) {
		if (is_admin(m, xml_attr(stanza, "from")))
			for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
				xml_node *item = xml_add_elem(a, q, NULL, "item", NULL);
				xml_set_attr(a, item, "jid", muc_domain(m));
				xml_set_attr(a, item, "name", commands[i].name);
				xml_set_attr(a, item, "node", commands[i].node);
			}
	} else if (node) {
		reply_error(m, stanza, "cancel", "item-not-found", NULL);
		return;
	} else {
		/* Public rooms only; rooms are hidden by default. */
		for (size_t i = 0; i < muc_room_count(m); i++) {
			muc_room *r = muc_room_at(m, i);
			if (room_flag_get(r, FLAG_HIDDEN) || room_is_tombstone(r))
				continue;
			xml_node *item = xml_add_elem(a, q, NULL, "item", NULL);
			xml_set_attr(a, item, "jid", room_jid(r));
			xml_set_attr(a, item, "name", room_get(r, OPT_NAME));
		}
	}
	reply(m, stanza, q);
}

/* mod_muc_unique: a fresh room name, util.id.medium in lower case. */
static void service_unique(muc *m, xml_node *stanza)
{
	arena *a = muc_arena(m);
	char *name = arena_strdup(a, world_random_id(muc_world(m), 12));
	for (char *c = name; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	xml_node *u = xml_new(a, NS_UNIQUE, "unique");
	xml_add_text(a, u, name, strlen(name));
	reply(m, stanza, u);
}

/* ---- ad-hoc commands (mod_adhoc, util.adhoc) ------------------------------- */

typedef struct command_result {
	const char *status;        /* completed, canceled, executing */
	const char *info;          /* <note type='info'/> */
	const char *error;         /* <note type='error'/> */
	xml_node *form;            /* executing: the form to fill in */
} command_result;

static const char *field_text(const xml_node *form, const char *var)
{
	for (xml_node *f = form ? xml_first(form) : NULL; f; f = xml_next(f))
		if (is(xml_name(f), "field") && is(xml_attr(f, "var"), var))
			return xml_child_text(f, "value", NS_DATA);
	return NULL;
}

static xml_node *form_field(arena *a, xml_node *form, const char *type,
		const char *var, const char *label)
{
	xml_node *f = xml_add_elem(a, form, NULL, "field", NULL);
	xml_set_attr(a, f, "label", label);
	xml_set_attr(a, f, "type", type);
	xml_set_attr(a, f, "var", var);
	return f;
}

static void add_options(arena *a, xml_node *field, const char *const *values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		xml_node *o = xml_add_elem(a, field, NULL, "option", NULL);
		xml_set_attr(a, o, "label", values[i]);
		xml_add_elem(a, o, NULL, "value", values[i]);
	}
}

static xml_node *command_form(arena *a, const char *title, const char *instructions,
		const char *form_type)
{
	xml_node *x = xml_new(a, NS_DATA, "x");
	xml_set_attr(a, x, "type", "form");
	xml_add_elem(a, x, NULL, "title", title);
	if (instructions)
		xml_add_elem(a, x, NULL, "instructions", instructions);
	xml_add_elem(a, form_field(a, x, "hidden", "FORM_TYPE", NULL), NULL,
			"value", form_type);
	return x;
}

/* Rooms sorted by JID, as the destroy form lists them. */
static int compare_rooms(const void *x, const void *y)
{
	return strcmp(room_jid(*(muc_room *const *)x), room_jid(*(muc_room *const *)y));
}

static command_result destroy_rooms(muc *m, const xml_node *form)
{
	arena *a = muc_arena(m);
	if (!form) {
		xml_node *x = command_form(a, "Destroy rooms", "Select the rooms to destroy",
				NODE_DESTROY);
		xml_node *f = form_field(a, x, "list-multi", "rooms", "Rooms to destroy:");
		size_t n = muc_room_count(m);
		muc_room **rooms = arena_alloc(a, (n + 1) * sizeof *rooms);
		const char **jids = arena_alloc(a, (n + 1) * sizeof *jids);
		for (size_t i = 0; i < n; i++)
			rooms[i] = muc_room_at(m, i);
		if (n)
			qsort(rooms, n, sizeof *rooms, compare_rooms);
		for (size_t i = 0; i < n; i++)
			jids[i] = room_jid(rooms[i]);
		/* Values passed for a list field become its options. */
		add_options(a, f, jids, n);
		xml_add_elem(a, f, NULL, "required", NULL);
		return (command_result){"executing", NULL, NULL, x};
	}
	vec wanted = {0};
	for (xml_node *f = xml_first(form); f; f = xml_next(f))
		if (is(xml_name(f), "field") && is(xml_attr(f, "var"), "rooms"))
			for (xml_node *v = xml_first(f); v; v = xml_next(v))
				if (is(xml_name(v), "value"))
					vec_push(a, &wanted, (void *)xml_text(v));
	if (!wanted.len)
		return (command_result){"completed", NULL, "rooms: Required value missing", NULL};
	buf done = BUF_INIT;
	buf_puts(&done, "The following rooms were destroyed:");
	for (size_t i = 0; i < wanted.len; i++) {
		muc_room *r = muc_find_room(m, wanted.items[i]);
		if (r && room_destroy(r, NULL, NULL, NULL))
			buf_printf(&done, "\n%s", room_jid(r));
	}
	command_result res = {"completed", arena_strdup(a, buf_str(&done)), NULL, NULL};
	buf_free(&done);
	return res;
}

static const char *const affiliation_options[] = {"owner", "admin", "member", "none", "outcast"};

static command_result set_affiliation(muc *m, const xml_node *form)
{
	arena *a = muc_arena(m);
	if (!form) {
		xml_node *x = command_form(a, "Set affiliation", NULL, NODE_SET_AFFILIATION);
		xml_add_elem(a, form_field(a, x, "jid-single", "room", "Room"), NULL, "required", NULL);
		xml_add_elem(a, form_field(a, x, "jid-single", "jid", "JID"), NULL, "required", NULL);
		xml_node *f = form_field(a, x, "list-single", "affiliation", "Affiliation");
		add_options(a, f, affiliation_options,
				sizeof affiliation_options / sizeof *affiliation_options);
		xml_add_elem(a, f, NULL, "required", NULL);
		form_field(a, x, "text-single", "reason", NULL);
		return (command_result){"executing", NULL, NULL, x};
	}
	/* util.dataforms readers: required values, JIDs prepared. */
	static const char *const required[] = {"room", "jid", "affiliation"};
	const char *values[3];
	buf errors = BUF_INIT;
	for (size_t i = 0; i < 3; i++) {
		values[i] = field_text(form, required[i]);
		if (!values[i] || !*values[i]) {
			buf_printf(&errors, "%s%s: Required value missing", errors.len ? "\n" : "",
					required[i]);
			continue;
		}
		jid j;
		if (i < 2 && !jid_prep(a, values[i], &j))
			buf_printf(&errors, "%s%s: Invalid JID: %s", errors.len ? "\n" : "",
					required[i], values[i]);
		else if (i < 2)
			values[i] = jid_full(a, &j);
	}
	if (errors.len) {
		command_result res = {"completed", NULL, arena_strdup(a, buf_str(&errors)), NULL};
		buf_free(&errors);
		return res;
	}
	buf_free(&errors);
	muc_room *r = muc_find_room(m, values[0]);
	if (!r)
		return (command_result){"canceled", NULL, "No such room", NULL};
	muc_affiliation aff;
	const char *type = "modify", *cond = "not-acceptable";
	bool ok = muc_affiliation_parse(values[2], &aff)
		&& room_set_affiliation(r, NULL, values[1], aff, field_text(form, "reason"),
				NULL, &type, &cond);
	if (!ok)
		return (command_result){"canceled", NULL,
			arena_printf(a, "Affiliation change failed: %s:%s", type, cond), NULL};
	return (command_result){"completed", "Affiliation updated", NULL, NULL};
}

/* adhoc.lib.lua handle_cmd: run the command and wrap its result. */
static void execute_command(muc *m, xml_node *stanza, const char *node)
{
	arena *a = muc_arena(m);
	xml_node *cmd = xml_first(stanza);
	const char *action = xml_attr(cmd, "action");
	const char *session = xml_attr(cmd, "sessionid");
	if (!session)
		session = muc_uuid(m);
	xml_node *form = xml_child(cmd, "x", NS_DATA);
	command_result res;
	bool resumed = xml_attr(cmd, "sessionid") && muc_command_session(m, session, false);
	if ((resumed || form) && is(action, "cancel"))
		res = (command_result){"canceled", NULL, NULL, NULL};
	else if (is(node, NODE_DESTROY))
		res = destroy_rooms(m, resumed || form ? form : NULL);
	else
		res = set_affiliation(m, resumed || form ? form : NULL);
	muc_command_session(m, session, is(res.status, "executing"));
	xml_node *out = xml_new(a, NS_COMMANDS, "command");
	xml_set_attr(a, out, "node", node);
	xml_set_attr(a, out, "sessionid", session);
	xml_set_attr(a, out, "status", res.status);
	if (res.info)
		xml_set_attr(a, xml_add_elem(a, out, NULL, "note", res.info), "type", "info");
	if (res.error)
		xml_set_attr(a, xml_add_elem(a, out, NULL, "note", res.error), "type", "error");
	if (res.form) {
		xml_node *actions = xml_add_elem(a, out, NULL, "actions", NULL);
		xml_set_attr(a, actions, "execute", "complete");
		xml_add_elem(a, actions, NULL, "next", NULL);
		xml_add_elem(a, actions, NULL, "complete", NULL);
		xml_add_child(out, res.form);
	}
	reply(m, stanza, out);
}

/* mod_adhoc iq-set/host/…commands:command at 500. */
static bool service_command(muc *m, xml_node *stanza)
{
	arena *a = muc_arena(m);
	const char *node = xml_attr(xml_first(stanza), "node");
	if (!command_name(node))
		return false;
	if (!is_admin(m, xml_attr(stanza, "from"))) {
		const char *text = "You don't have permission to execute this command";
		xml_node *e = world_error(muc_world(m), stanza, "auth", "forbidden", text, NULL);
		xml_node *cmd = xml_add_elem(a, e, NS_COMMANDS, "command", NULL);
		xml_set_attr(a, cmd, "node", node);
		xml_set_attr(a, cmd, "status", "canceled");
		xml_set_attr(a, xml_add_elem(a, cmd, NULL, "note", text), "type", "error");
		world_route(muc_world(m), e);
		return true;
	}
	execute_command(m, stanza, node);
	return true;
}

/* IQs to the service's own JID that a host module answers before mod_muc
 * looks for a room of that name.  False: not one of these. */
bool muc_service_iq(muc *m, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	const xml_node *p = xml_first(stanza);
	const char *ns = p ? xml_ns(p) : "", *name = p ? xml_name(p) : "";
	if (is(type, "get") && is(ns, NS_DISCO_INFO) && is(name, "query"))
		service_disco_info(m, stanza);
	else if (is(type, "get") && is(ns, NS_DISCO_ITEMS) && is(name, "query"))
		service_disco_items(m, stanza);
	else if (is(type, "get") && is(ns, NS_UNIQUE) && is(name, "unique"))
		service_unique(m, stanza);
	else if (is(type, "set") && is(ns, NS_COMMANDS) && is(name, "command"))
		return service_command(m, stanza);
	else
		return false;
	return true;
}
