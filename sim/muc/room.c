/* room.c — room state: options, occupants and their sessions,
 * affiliations, routing, errors and the event dispatcher.  Presence
 * handling is in presence.c, messages in message.c, owner and admin
 * queries in owner.c and admin.c; muc-lib.lua holds all of these in
 * Prosody. */
#include "muc_internal.h"

#include <string.h>

#include "jid.h"
#include "stanza.h"

/* ---- names and ranks --------------------------------------------------- */

static const char *const role_names[] = {"none", "visitor", "participant", "moderator"};
static const char *const affiliation_names[] = {"outcast", "none", "member", "admin", "owner"};

const char *muc_role_name(muc_role r)
{
	return role_names[r];
}

const char *muc_affiliation_name(muc_affiliation a)
{
	return affiliation_names[a - AFF_OUTCAST];
}

bool muc_role_parse(const char *s, muc_role *out)
{
	for (int i = ROLE_NONE; i <= ROLE_MODERATOR; i++) {
		if (s && !strcmp(s, role_names[i])) {
			*out = (muc_role)i;
			return true;
		}
	}
	return false;
}

bool muc_affiliation_parse(const char *s, muc_affiliation *out)
{
	for (int i = AFF_OUTCAST; i <= AFF_OWNER; i++) {
		if (s && !strcmp(s, affiliation_names[i - AFF_OUTCAST])) {
			*out = (muc_affiliation)i;
			return true;
		}
	}
	return false;
}

/* ---- the room object ----------------------------------------------------- */

struct muc_room {
	muc *m;
	const char *addr;
	vec occupants;             /* muc_occupant *, in join order */
	vec affiliations;          /* affiliation_entry *, in grant order */
	void *slots[SLOT_COUNT];   /* features' own state */
	const char *opts[OPT_COUNT];
	bool flags[FLAG_COUNT];
	uint64_t numbers[NUM_COUNT];
	bool destroying;
};

muc_room *room_new(muc *m, const char *addr)
{
	arena *a = muc_arena(m);
	muc_room *r = arena_alloc(a, sizeof *r);
	r->m = m;
	r->addr = arena_strdup(a, addr);
	return r;
}

muc *muc_of(const muc_room *r) { return r->m; }
world *room_world(const muc_room *r) { return muc_world(r->m); }
arena *room_arena(const muc_room *r) { return muc_arena(r->m); }
const char *room_jid(const muc_room *r) { return r->addr; }

const char *room_get(const muc_room *r, room_option o)
{
	return r->opts[o];
}

bool room_set(muc_room *r, room_option o, const char *value)
{
	if (value && !*value)
		value = NULL;
	const char *old = r->opts[o];
	if ((!old && !value) || (old && value && !strcmp(old, value)))
		return false;
	r->opts[o] = value ? arena_strdup(room_arena(r), value) : NULL;
	return true;
}

bool room_flag_get(const muc_room *r, room_flag f)
{
	return r->flags[f];
}

bool room_flag_set(muc_room *r, room_flag f, bool value)
{
	if (r->flags[f] == value)
		return false;
	r->flags[f] = value;
	return true;
}

uint64_t room_number(const muc_room *r, room_number_slot n)
{
	return r->numbers[n];
}

void room_number_set(muc_room *r, room_number_slot n, uint64_t value)
{
	r->numbers[n] = value;
}

void *room_slot(muc_room *r, room_slot_id s, size_t size)
{
	if (!r->slots[s])
		r->slots[s] = arena_alloc(room_arena(r), size);
	return r->slots[s];
}

const char *room_whois(const muc_room *r)
{
	const char *w = r->opts[OPT_WHOIS];
	return w ? w : "moderators";
}

/* ---- routing and errors -------------------------------------------------- */

void room_route(muc_room *r, xml_node *stanza)
{
	/* The world keeps the node in flight: hand over a copy, since callers
	 * go on re-addressing their template. */
	world_route(room_world(r), xml_copy(room_arena(r), stanza));
}

xml_node *room_error(muc_room *r, const xml_node *stanza, const char *type,
		const char *condition, const char *text, const char *by)
{
	return world_error(room_world(r), stanza, type, condition, text, by);
}

void room_reply_error(muc_room *r, const xml_node *stanza, const char *type,
		const char *condition, const char *text, const char *by)
{
	if (stanza_is_error_or_result(stanza))
		return;
	room_route(r, room_error(r, stanza, type, condition, text, by));
}

void room_reply(muc_room *r, const xml_node *stanza, xml_node *payload)
{
	xml_node *reply = stanza_reply(room_arena(r), stanza);
	if (payload)
		xml_add_child(reply, payload);
	room_route(r, reply);
}

/* ---- affiliations -------------------------------------------------------- */

typedef struct affiliation_entry {
	const char *addr;           /* bare JID or domain */
	muc_affiliation affiliation;
	const char *reserved_nick; /* registration data, or NULL */
	const char *reason;        /* why (outcasts, profile 13), or NULL */
} affiliation_entry;

static affiliation_entry *affiliation_find(const muc_room *r, const char *addr)
{
	for (size_t i = 0; i < r->affiliations.len; i++) {
		affiliation_entry *e = r->affiliations.items[i];
		if (!strcmp(e->addr, addr))
			return e;
	}
	return NULL;
}

/* Prosody's get_affiliation by bare JID, then a host-wide ban; with
 * component_admins_as_room_owners (0.12 default), service admins are
 * owners of every room. */
muc_affiliation room_affiliation(const muc_room *r, const char *addr)
{
	arena *a = room_arena(r);
	jid j;
	if (!addr || !jid_split(a, addr, &j))
		return AFF_NONE;
	const char *bare = jid_join(a, j.node, j.domain, NULL);
	if (world_is_admin(room_world(r), bare))
		return AFF_OWNER;
	affiliation_entry *e = affiliation_find(r, bare);
	if (e)
		return e->affiliation;
	e = affiliation_find(r, j.domain);
	if (e && e->affiliation == AFF_OUTCAST)
		return AFF_OUTCAST;
	return AFF_NONE;
}

void room_store_affiliation(muc_room *r, const char *bare, muc_affiliation aff,
		const char *reserved_nick, const char *reason)
{
	affiliation_entry *e = affiliation_find(r, bare);
	if (aff == AFF_NONE) {
		if (!e)
			return;
		for (size_t i = 0; i < r->affiliations.len; i++) {
			if (r->affiliations.items[i] == e) {
				memmove(&r->affiliations.items[i], &r->affiliations.items[i + 1],
					(r->affiliations.len - i - 1) * sizeof(void *));
				r->affiliations.len--;
				break;
			}
		}
		return;
	}
	if (!e) {
		e = arena_alloc(room_arena(r), sizeof *e);
		e->addr = arena_strdup(room_arena(r), bare);
		vec_push(room_arena(r), &r->affiliations, e);
	}
	e->affiliation = aff;
	if (reserved_nick)
		e->reserved_nick = *reserved_nick ? arena_strdup(room_arena(r), reserved_nick) : NULL;
	e->reason = reason;
}

size_t room_affiliation_count(const muc_room *r)
{
	return r->affiliations.len;
}

bool room_affiliation_at(const muc_room *r, size_t i, const char **addr,
		muc_affiliation *aff, const char **reserved_nick, const char **reason)
{
	if (i >= r->affiliations.len)
		return false;
	affiliation_entry *e = r->affiliations.items[i];
	*addr = e->addr;
	*aff = e->affiliation;
	if (reserved_nick)
		*reserved_nick = e->reserved_nick;
	if (reason)
		*reason = e->reason;
	return true;
}

muc_role room_default_role(muc_room *r, muc_affiliation a)
{
	muc_event ev = {.room = r, .affiliation = a, .role = ROLE_NONE};
	muc_fire(r, EV_GET_DEFAULT_ROLE, &ev);
	return ev.role;
}

/* The base rule (muc.lib.lua, muc-get-default-role at -1). */
static bool default_role_base(muc_event *ev)
{
	if (ev->affiliation >= AFF_ADMIN)
		ev->role = ROLE_MODERATOR;
	else if (ev->affiliation >= AFF_NONE)
		ev->role = ROLE_PARTICIPANT;
	else
		ev->role = ROLE_NONE;
	return true;
}

/* ---- occupants ----------------------------------------------------------- */

static bool is_available(const xml_node *presence)
{
	return presence && !xml_attr(presence, "type");
}

muc_occupant *occupant_new(muc_room *r, const char *bare_jid, const char *nick)
{
	muc_occupant *o = arena_alloc(room_arena(r), sizeof *o);
	o->bare_jid = arena_strdup(room_arena(r), bare_jid);
	o->nick = arena_strdup(room_arena(r), nick);
	o->role = room_default_role(r, room_affiliation(r, bare_jid));
	return o;
}

/* Prosody hands out copies of occupants and commits them with
 * save_occupant; a copy forgets unavailable sessions other than the
 * primary one (occupant.lib.lua copy_occupant). */
muc_occupant *occupant_copy(muc_room *r, const muc_occupant *src)
{
	muc_occupant *o = arena_alloc(room_arena(r), sizeof *o);
	*o = *src;
	o->sessions = (vec){0};
	for (size_t i = 0; i < src->sessions.len; i++) {
		muc_session *s = src->sessions.items[i];
		if (is_available(s->presence) || (src->primary && !strcmp(s->addr, src->primary)))
			vec_push(room_arena(r), &o->sessions, s);
	}
	return o;
}

static muc_session *session_find(const muc_occupant *o, const char *addr)
{
	for (size_t i = 0; i < o->sessions.len; i++) {
		muc_session *s = o->sessions.items[i];
		if (!strcmp(s->addr, addr))
			return s;
	}
	return NULL;
}

xml_node *occupant_presence(const muc_occupant *o, const char *addr)
{
	if (!addr)
		addr = o->primary;
	muc_session *s = addr ? session_find(o, addr) : NULL;
	return s ? s->presence : NULL;
}

size_t occupant_session_count(const muc_occupant *o)
{
	return o->sessions.len;
}

const char *occupant_session_jid(const muc_occupant *o, size_t i)
{
	return i < o->sessions.len ? ((muc_session *)o->sessions.items[i])->addr : NULL;
}

static const char *choose_new_primary(const muc_occupant *o)
{
	for (size_t i = 0; i < o->sessions.len; i++) {
		muc_session *s = o->sessions.items[i];
		if (is_available(s->presence))
			return s->addr;
	}
	return NULL;
}

/* A copy of a presence without MUC payloads (muc/util filter_muc_x). */
xml_node *presence_filtered(arena *a, const xml_node *presence)
{
	xml_node *p = xml_copy(a, presence);
	for (xml_node *c = xml_first(p), *next; c; c = next) {
		next = xml_next(c);
		const char *ns = xml_ns(c);
		if (!strcmp(ns, NS_MUC) || !strcmp(ns, NS_MUC_USER))
			xml_remove(c);
	}
	return p;
}

void occupant_set_session(muc_room *r, muc_occupant *o, const char *real_jid,
		const xml_node *presence, bool replace_primary)
{
	arena *a = room_arena(r);
	xml_node *p = presence_filtered(a, presence);
	xml_set_attr(a, p, "from", o->nick);
	xml_set_attr(a, p, "to", real_jid);
	muc_session *s = arena_alloc(a, sizeof *s);
	s->addr = arena_strdup(a, real_jid);
	s->presence = p;
	/* Copy-on-write: sessions may be shared with other copies. */
	vec sessions = {0};
	bool replaced = false;
	for (size_t i = 0; i < o->sessions.len; i++) {
		muc_session *old = o->sessions.items[i];
		if (!strcmp(old->addr, real_jid)) {
			vec_push(a, &sessions, s);
			replaced = true;
		} else {
			vec_push(a, &sessions, old);
		}
	}
	if (!replaced)
		vec_push(a, &sessions, s);
	o->sessions = sessions;
	if (replace_primary) {
		o->primary = s->addr;
	} else if (!o->primary || (!is_available(p) && !strcmp(o->primary, real_jid))) {
		const char *next = choose_new_primary(o);
		o->primary = next ? next : s->addr;
	}
}

void occupant_remove_session(muc_room *r, muc_occupant *o, const char *real_jid)
{
	vec sessions = {0};
	for (size_t i = 0; i < o->sessions.len; i++) {
		muc_session *s = o->sessions.items[i];
		if (strcmp(s->addr, real_jid) != 0)
			vec_push(room_arena(r), &sessions, s);
	}
	o->sessions = sessions;
	if (o->primary && !strcmp(o->primary, real_jid))
		o->primary = choose_new_primary(o);
}

static long occupant_index(const muc_room *r, const char *nick)
{
	for (size_t i = 0; i < r->occupants.len; i++)
		if (!strcmp(((muc_occupant *)r->occupants.items[i])->nick, nick))
			return (long)i;
	return -1;
}

muc_occupant *room_occupant_by_nick(const muc_room *r, const char *nick)
{
	long i = nick ? occupant_index(r, nick) : -1;
	return i < 0 ? NULL : occupant_copy((muc_room *)r, r->occupants.items[i]);
}

/* The occupant a real session is live in (Prosody's _jid_nick index). */
static muc_occupant *occupant_of_session(const muc_room *r, const char *real_jid)
{
	for (size_t i = 0; i < r->occupants.len; i++) {
		muc_occupant *o = r->occupants.items[i];
		muc_session *s = session_find(o, real_jid);
		if (s && is_available(s->presence))
			return o;
	}
	return NULL;
}

const char *room_occupant_jid(const muc_room *r, const char *real_jid)
{
	muc_occupant *o = real_jid ? occupant_of_session(r, real_jid) : NULL;
	return o ? o->nick : NULL;
}

muc_occupant *room_occupant_by_real_jid(const muc_room *r, const char *real_jid)
{
	muc_occupant *o = real_jid ? occupant_of_session(r, real_jid) : NULL;
	return o ? occupant_copy((muc_room *)r, o) : NULL;
}

size_t room_occupant_count(const muc_room *r)
{
	return r->occupants.len;
}

muc_occupant *room_occupant_at(const muc_room *r, size_t i)
{
	return i < r->occupants.len ? occupant_copy((muc_room *)r, r->occupants.items[i]) : NULL;
}

muc_occupant *room_save_occupant(muc_room *r, const muc_occupant *src)
{
	muc_occupant *o = occupant_copy(r, src);
	bool live = false;
	if (o->role != ROLE_NONE) {
		for (size_t i = 0; i < o->sessions.len && !live; i++)
			live = is_available(((muc_session *)o->sessions.items[i])->presence);
		if (!live)
			o->role = ROLE_NONE;
	}
	long i = occupant_index(r, o->nick);
	if (!live) {
		if (i >= 0) {
			memmove(&r->occupants.items[i], &r->occupants.items[i + 1],
				(r->occupants.len - (size_t)i - 1) * sizeof(void *));
			r->occupants.len--;
		}
		return NULL;
	}
	if (i >= 0)
		r->occupants.items[i] = o;
	else
		vec_push(room_arena(r), &r->occupants, o);
	return o;
}

void room_route_to_occupant(muc_room *r, const muc_occupant *o, xml_node *stanza)
{
	const char *to = xml_attr(stanza, "to");
	for (size_t i = 0; i < o->sessions.len; i++) {
		xml_set_attr(room_arena(r), stanza, "to", ((muc_session *)o->sessions.items[i])->addr);
		room_route(r, stanza);
	}
	xml_set_attr(room_arena(r), stanza, "to", to);
}

/* Broadcast to every occupant whose role is at least min_role. */
const char **room_occupant_nicks(const muc_room *r, size_t *n)
{
	*n = r->occupants.len;
	const char **nicks = arena_alloc(room_arena(r), (*n + 1) * sizeof *nicks);
	for (size_t i = 0; i < *n; i++)
		nicks[i] = ((muc_occupant *)r->occupants.items[i])->nick;
	return nicks;
}

void room_broadcast(muc_room *r, xml_node *stanza, muc_role min_role)
{
	/* A copy bounced by a gone session can remove an occupant while the
	 * broadcast goes on; everyone still there must get theirs. */
	size_t n;
	const char **nicks = room_occupant_nicks(r, &n);
	for (size_t i = 0; i < n; i++) {
		long k = occupant_index(r, nicks[i]);
		muc_occupant *o = k < 0 ? NULL : r->occupants.items[k];
		if (o && o->role >= min_role)
			room_route_to_occupant(r, o, stanza);
	}
}

void room_broadcast_message(muc_room *r, xml_node *stanza)
{
	muc_event ev = {.room = r, .stanza = stanza};
	if (muc_fire(r, EV_BROADCAST_MESSAGE, &ev))
		return;
	room_broadcast(r, stanza, ROLE_NONE);
}

bool room_is_destroying(const muc_room *r)
{
	return r->destroying;
}

void room_set_destroying(muc_room *r)
{
	r->destroying = true;
}

const muc_hook muc_core_hooks[] = {
	{EV_GET_DEFAULT_ROLE, -1, default_role_base},
	{0, 0, NULL},
};
