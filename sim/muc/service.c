/* service.c — the MUC component: rooms by JID, routing of stanzas to
 * them, room creation and disappearance (mod_muc.lua), and the event
 * dispatcher the features hook into. */
#include "muc_internal.h"

#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "stanza.h"

struct muc {
	world *w;
	const char *domain;
	vec rooms;                       /* muc_room *, creation order */
	vec hooks[EV_COUNT];             /* const muc_hook *, by priority */
	vec command_sessions;            /* const char *: ad-hoc sessions open */
};

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

world *muc_world(const muc *m) { return m->w; }
const profile *muc_profile(const muc *m) { return world_profile(m->w); }
arena *muc_arena(const muc *m) { return world_arena(m->w); }
const char *muc_domain(const muc *m) { return m->domain; }
size_t muc_room_count(const muc *m) { return m->rooms.len; }

/* ---- events -------------------------------------------------------------- */

/* Insert keeping the order: higher priority first, and among equal
 * priorities the order of registration.  (Prosody leaves the order of
 * equal priorities unspecified; fixing one keeps runs deterministic.) */
static void hook_insert(muc *m, const muc_hook *h)
{
	vec *v = &m->hooks[h->event];
	vec_push(muc_arena(m), v, (void *)h);
	size_t i = v->len - 1;
	while (i > 0 && ((const muc_hook *)v->items[i - 1])->priority < h->priority) {
		v->items[i] = v->items[i - 1];
		i--;
	}
	v->items[i] = (void *)h;
}

bool muc_fire(muc_room *r, muc_event_kind kind, muc_event *ev)
{
	const vec *v = &muc_of(r)->hooks[kind];
	for (size_t i = 0; i < v->len; i++)
		if (((const muc_hook *)v->items[i])->fn(ev))
			return true;
	return false;
}

/* ---- rooms --------------------------------------------------------------- */

muc_room *muc_room_at(const muc *m, size_t i)
{
	return i < m->rooms.len ? m->rooms.items[i] : NULL;
}

muc_room *muc_find_room(const muc *m, const char *room)
{
	for (size_t i = 0; i < m->rooms.len; i++)
		if (!strcmp(room_jid(m->rooms.items[i]), room))
			return m->rooms.items[i];
	return NULL;
}

void muc_forget_room(muc *m, muc_room *r)
{
	for (size_t i = 0; i < m->rooms.len; i++) {
		if (m->rooms.items[i] == r) {
			memmove(&m->rooms.items[i], &m->rooms.items[i + 1],
				(m->rooms.len - i - 1) * sizeof(void *));
			m->rooms.len--;
			return;
		}
	}
}

/* mod_muc.lua: an empty temporary room is destroyed when its last
 * occupant leaves (muc-occupant-left at -1). */
static bool destroy_if_empty(muc_event *ev)
{
	muc_room *r = ev->room;
	if (room_is_destroying(r) || room_occupant_count(r) || room_flag_get(r, FLAG_PERSISTENT))
		return false;
	muc_event d = {.room = r};
	muc_fire(r, EV_ROOM_DESTROYED, &d);
	return false;
}

static bool forget_destroyed(muc_event *ev)
{
	muc_forget_room(muc_of(ev->room), ev->room);
	return false;
}

/* set_room_defaults (muc-room-pre-create at 1): rooms start hidden, and
 * in the creator's language. */
static bool room_defaults(muc_event *ev)
{
	room_flag_set(ev->room, FLAG_HIDDEN, true);
	room_set(ev->room, OPT_LANGUAGE, xml_attr_ns(ev->stanza, XML_NS_XML, "lang"));
	return false;
}

/* The creator of a room becomes its owner (muc-room-pre-create at -1). */
static bool creator_is_owner(muc_event *ev)
{
	const char *bare = jid_bare_of(room_arena(ev->room), xml_attr(ev->stanza, "from"));
	room_store_affiliation(ev->room, bare, AFF_OWNER, NULL, NULL);
	return false;
}

/* track_room (muc-room-pre-create at -1000): rooms are unlimited here. */
static bool track_room(muc_event *ev)
{
	vec_push(room_arena(ev->room), &muc_of(ev->room)->rooms, ev->room);
	return false;
}


/* A version 4 UUID from the world's PRNG (util.uuid.generate). */
const char *muc_uuid(muc *m)
{
	uint64_t hi = world_random(m->w), lo = world_random(m->w);
	hi = (hi & ~UINT64_C(0xf000)) | UINT64_C(0x4000);
	lo = (lo & ~(UINT64_C(3) << 62)) | (UINT64_C(2) << 62);
	return arena_printf(muc_arena(m), "%08x-%04x-%04x-%04x-%012llx",
			(unsigned)(hi >> 32), (unsigned)(hi >> 16) & 0xffff,
			(unsigned)hi & 0xffff, (unsigned)(lo >> 48),
			(unsigned long long)(lo & UINT64_C(0xffffffffffff)));
}

bool muc_command_session(muc *m, const char *id, bool keep)
{
	vec *v = &m->command_sessions;
	for (size_t i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], id) != 0)
			continue;
		if (!keep) {
			v->items[i] = v->items[v->len - 1];
			v->len--;
		}
		return true;
	}
	if (keep)
		vec_push(muc_arena(m), v, arena_strdup(muc_arena(m), id));
	return false;
}

/* ---- tombstones (mod_muc.lua, muc_tombstones) ----------------------------- */

/* muc_tombstone_expiry: 31 days. */
#define TOMBSTONE_EXPIRY_MS (UINT64_C(86400) * 31 * 1000)

/* muc-room-destroyed at -10: a destroyed persistent room leaves a
 * tombstone that answers `gone` for 31 days. */
static bool leave_tombstone(muc_event *ev)
{
	muc_room *r = ev->room;
	if (!room_flag_get(r, FLAG_PERSISTENT) || room_flag_get(r, FLAG_TOMBSTONE))
		return false;
	muc *m = muc_of(r);
	muc_room *t = room_new(m, room_jid(r));
	room_flag_set(t, FLAG_TOMBSTONE, true);
	room_flag_set(t, FLAG_PERSISTENT, true);
	room_flag_set(t, FLAG_HIDDEN, true);
	room_number_set(t, NUM_LOCKED_UNTIL, world_now(m->w) + TOMBSTONE_EXPIRY_MS);
	room_set(t, OPT_DESTROY_REASON, ev->reason);
	room_set(t, OPT_DESTROY_NEWJID, ev->newjid);
	vec_push(muc_arena(m), &m->rooms, t);
	return true;
}

bool room_is_tombstone(const muc_room *r)
{
	return room_flag_get(r, FLAG_TOMBSTONE);
}

/* A stanza to a tombstone: it expires, or a service admin's presence
 * recreates the room; otherwise `gone`, with the new address if any.
 * Returns true when the stanza was answered. */
static bool tombstone_answer(muc *m, muc_room *t, xml_node *stanza)
{
	bool expired = world_now(m->w) / 1000 >= room_number(t, NUM_LOCKED_UNTIL) / 1000;
	bool admin_join = is(xml_name(stanza), "presence") && !xml_attr(stanza, "type")
		&& world_is_admin(m->w, jid_bare_of(muc_arena(m), xml_attr(stanza, "from")));
	if (expired || admin_join) {
		muc_forget_room(m, t);
		return false;
	}
	if (is(stanza_type(stanza), "error"))
		return true;
	xml_node *e = world_error(m->w, stanza, "cancel", "gone",
			room_get(t, OPT_DESTROY_REASON), m->domain);
	const char *newjid = room_get(t, OPT_DESTROY_NEWJID);
	if (newjid) {
		xml_node *gone = xml_child(xml_child(e, "error", NULL), "gone", NS_STANZAS);
		const char *uri = arena_printf(muc_arena(m), "xmpp:%s?join", newjid);
		xml_add_text(muc_arena(m), gone, uri, strlen(uri));
	}
	world_route(m->w, e);
	return true;
}

/* ---- routing (the event table at the end of mod_muc.lua) ----------------- */

typedef void (*room_method)(muc_room *r, xml_node *stanza);

void room_unhandled(muc_room *r, xml_node *stanza)
{
	room_reply_error(r, stanza, "cancel", "service-unavailable", NULL, NULL);
}

/* IQ get/set to a room (or the service) by payload: the hooked ones. */
static const struct {
	const char *type, *ns, *name;
	room_method method;
} iq_methods[] = {
	{"get", NS_DISCO_INFO, "query", room_handle_disco_info},
	{"get", NS_DISCO_ITEMS, "query", room_handle_disco_items},
	{"get", NS_MUC_ADMIN, "query", room_handle_admin_get},
	{"set", NS_MUC_ADMIN, "query", room_handle_admin_set},
	{"get", NS_MUC_OWNER, "query", room_handle_owner_get},
	{"set", NS_MUC_OWNER, "query", room_handle_owner_set},
	{"get", NS_REGISTER, "query", room_handle_register_iq},
	{"set", NS_REGISTER, "query", room_handle_register_iq},
};

static room_method iq_method(const xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	const xml_node *payload = xml_first(stanza);
	if (!payload)
		return NULL;
	for (size_t i = 0; i < sizeof iq_methods / sizeof *iq_methods; i++)
		if (is(iq_methods[i].type, type) && is(iq_methods[i].ns, xml_ns(payload))
				&& is(iq_methods[i].name, xml_name(payload)))
			return iq_methods[i].method;
	return NULL;
}

/* Which room method handles this stanza, or NULL when no MUC hook does
 * (then the stanza router answers). */
static room_method method_for(const xml_node *stanza, bool to_occupant)
{
	const char *name = xml_name(stanza);
	if (to_occupant) {
		if (is(name, "presence"))
			return room_handle_presence_to_occupant;
		if (is(name, "message"))
			return room_handle_message_to_occupant;
		return room_handle_iq_to_occupant;
	}
	if (is(name, "presence"))
		return room_handle_presence_to_room;
	if (is(name, "message"))
		return room_handle_message_to_room;
	return iq_method(stanza);
}

static void error_from_service(muc *m, const xml_node *stanza, const char *type,
		const char *condition)
{
	if (stanza_is_error_or_result(stanza))
		return;
	xml_node *e = world_error(m->w, stanza, type, condition, NULL, m->domain);
	world_route(m->w, e);
}

static void service_receive(world *w, void *ctx, xml_node *stanza)
{
	muc *m = ctx;
	arena *a = world_arena(w);
	jid to;
	if (!jid_split(a, xml_attr(stanza, "to"), &to))
		return;
	if (!to.node && !to.resource && is(xml_name(stanza), "iq") && muc_service_iq(m, stanza))
		return;
	room_method method = method_for(stanza, to.resource != NULL);
	if (!method) {
		if (!stanza_is_error_or_result(stanza))
			world_route(w, world_error(w, stanza, "cancel", "service-unavailable", NULL, NULL));
		return;
	}
	const char *room_jid_s = jid_join(a, to.node, to.domain, NULL);
	muc_room *r = muc_find_room(m, room_jid_s);
	if (r && room_is_tombstone(r) && tombstone_answer(m, r, stanza))
		return;
	if (r && !room_is_tombstone(r)) {
		method(r, stanza);
		return;
	}
	jid strict;
	if (!jid_prep_strict(a, room_jid_s, &strict)) {
		error_from_service(m, stanza, "modify", "jid-malformed");
		return;
	}
	if (is(xml_name(stanza), "presence") && !xml_attr(stanza, "type")
			&& xml_child(stanza, "x", NS_MUC)) {
		room_handle_first_presence(room_new(m, room_jid_s), stanza);
		return;
	}
	error_from_service(m, stanza, "cancel", "item-not-found");
}

muc *muc_attach(world *w, const char *domain)
{
	muc *m = arena_alloc(world_arena(w), sizeof *m);
	m->w = w;
	m->domain = arena_strdup(world_arena(w), domain);
	for (size_t t = 0; muc_feature_hooks[t]; t++)
		for (const muc_hook *h = muc_feature_hooks[t]; h->fn; h++)
			hook_insert(m, h);
	world_add_component(w, domain, service_receive, m);
	return m;
}

const muc_hook muc_service_hooks[] = {
	{EV_ROOM_PRE_CREATE, 1, room_defaults},
	{EV_ROOM_PRE_CREATE, -1, creator_is_owner},
	{EV_ROOM_PRE_CREATE, -1000, track_room},
	{EV_OCCUPANT_LEFT, -1, destroy_if_empty},
	{EV_ROOM_DESTROYED, 0, forget_destroyed},
	{EV_ROOM_DESTROYED, -10, leave_tombstone},
	{0, 0, NULL},
};
