/* shadow.c — the oracle's model of each room; see check_internal.h. */
#include "check_internal.h"

#include <string.h>

/* lock.lib.lua L13: muc_room_lock_timeout defaults to 300 seconds. */
enum { LOCK_TIMEOUT_S = 300 };

/* presence_broadcast.lib.lua L13-17: visitors, participants, moderators. */
#define BROADCAST_DEFAULT \
	((1u << ROLE_VISITOR) | (1u << ROLE_PARTICIPANT) | (1u << ROLE_MODERATOR))

/* ---- rooms ------------------------------------------------------------ */

shadow_room *shadow_room_find(checker *c, const char *room)
{
	for (size_t i = 0; i < c->rooms.len; i++) {
		shadow_room *r = c->rooms.items[i];
		if (r->addr == room)
			return r;
	}
	return NULL;
}

shadow_room *shadow_room_get(checker *c, const char *room)
{
	shadow_room *r = shadow_room_find(c, room);
	if (r)
		return r;
	r = arena_alloc(c->a, sizeof *r);
	r->addr = room;
	r->existence = ROOM_ABSENT;
	vec_push(c->a, &c->rooms, r);
	return r;
}

size_t shadow_room_count(const checker *c)
{
	return c->rooms.len;
}

shadow_room *shadow_room_at(checker *c, size_t i)
{
	return c->rooms.items[i];
}

/* The settings the oracle follows, as a fresh room has them (mod_muc.lua
 * L280-293 with no muc_room_default_* options; presence_broadcast.lib.lua
 * L13-17). */
static void fresh_settings(shadow_room *r)
{
	r->members_only = r->whois_anyone = r->persistent = (known_flag){true, false};
	r->broadcast_known = true;
	r->broadcast = BROADCAST_DEFAULT;
}

/* A fresh room: mod_muc.lua's defaults (L280-293, whois moderators,
 * hidden, temporary), locked (lock.lib.lua L33-38), owned by its creator
 * (muc.lib.lua L441-444). */
void shadow_room_create(checker *c, shadow_room *r, const char *creator,
		uint64_t now_ms, const char *password)
{
	r->existence = ROOM_PRESENT;
	r->destroyed = false;
	r->creator = creator;
	r->created_s = now_ms / 1000;
	r->locked = (known_flag){true, true};
	fresh_settings(r);
	r->password = (known_text){true, password && *password ? password : NULL};
	r->subject = r->subject_from = (known_text){true, NULL};
	r->affiliations.len = r->roster.len = r->ids.len = r->ghosts.len = r->unseen.len = 0;
	r->sessions_before = 0;
	r->murky = false;
	shadow_view_clear_room(c, r->addr);
	r->broadcasts = 0;
	shadow_affiliation_set(c, r, creator, AFF_OWNER, NULL, false);
}

/* A setting that may be the old incarnation's or a fresh one's. */
static void forget_unless_default(known_flag *f)
{
	f->known &= !f->value;
}

/* A room the model held absent (its incarnation known gone, or never
 * created) that comes into doubt can only be a new incarnation, created
 * unseen by a presence (muc-room-pre-create, mod_muc.lua L375-377,
 * L491-493; muc.lib.lua L492-499) or none at all: the old incarnation's
 * settings are void and a room there has the fresh defaults, the password
 * of whichever presence created it (password.lib.lua L68-74), and a lock
 * from a time unseen (lock.lib.lua L33-38).  One the model held present
 * may still be the incarnation it knew, or have gone (mod_muc.lua
 * L191-199) and come back so: each setting is the old one or the fresh
 * default, unknown unless the two agree.  Its affiliations are left as
 * they were. */
void shadow_room_doubt(shadow_room *r)
{
	if (r->existence == ROOM_ABSENT) {
		fresh_settings(r);
	} else {
		forget_unless_default(&r->members_only);
		forget_unless_default(&r->whois_anyone);
		forget_unless_default(&r->persistent);
		r->broadcast_known &= r->broadcast == BROADCAST_DEFAULT;
		r->subject.known &= !r->subject.value;
		r->subject_from.known &= !r->subject_from.value;
	}
	r->password.known = false;
	r->locked.known = false;
	r->existence = ROOM_UNCERTAIN;
	r->destroyed = false;
	r->ids.len = 0;                /* a new incarnation may start unseen */
}

void shadow_room_forget(checker *c, shadow_room *r)
{
	while (r->roster.len)
		shadow_roster_remove(c, r, shadow_roster_at(r, 0)->session);
	r->unseen.len = 0;
	r->existence = ROOM_ABSENT;
	r->murky = false;
}

bool shadow_locked(const shadow_room *r, uint64_t now_ms)
{
	return r->locked.value && now_ms / 1000 < r->created_s + LOCK_TIMEOUT_S;
}

bool shadow_broadcasts(const shadow_room *r, rank_role role)
{
	return r->broadcast & (1u << role);
}

/* ---- affiliations ----------------------------------------------------- */

static affiliation_entry *affiliation_at(shadow_room *r, size_t i)
{
	return &((affiliation_entry *)r->affiliations.data)[i];
}

affiliation_entry *shadow_affiliation_entry(shadow_room *r, const char *addr)
{
	for (size_t i = 0; i < r->affiliations.len; i++)
		if (affiliation_at(r, i)->addr == addr)
			return affiliation_at(r, i);
	return NULL;
}

rank_affiliation shadow_highest(const affiliation_entry *e)
{
	return !e ? AFF_NONE : e->known ? e->affiliation : e->ceiling;
}

affiliation_lookup shadow_affiliation(checker *c, shadow_room *r, const char *bare)
{
	if (world_is_admin(c->w, bare))
		return (affiliation_lookup){true, AFF_OWNER, AFF_OWNER};
	const affiliation_entry *e = shadow_affiliation_entry(r, bare);
	if (e)
		return (affiliation_lookup){e->known, e->affiliation, shadow_highest(e)};
	e = shadow_affiliation_entry(r, addr_domain(c, bare));
	if (e && e->known && e->affiliation == AFF_OUTCAST)
		return (affiliation_lookup){true, AFF_OUTCAST, AFF_OUTCAST};
	if (e && !e->known)  /* banned with its domain, or not */
		return (affiliation_lookup){false, AFF_OUTCAST, AFF_NONE};
	return (affiliation_lookup){true, AFF_NONE, AFF_NONE};
}

void shadow_affiliation_set(checker *c, shadow_room *r, const char *addr,
		rank_affiliation a, const char *nick, bool clear_data)
{
	affiliation_entry *e = shadow_affiliation_entry(r, addr);
	if (a == AFF_NONE) {
		if (e)
			array_remove(&r->affiliations, (size_t)(e - affiliation_at(r, 0)),
					sizeof *e);
		return;
	}
	if (!e) {
		e = array_push(c->a, &r->affiliations, sizeof *e);
		e->addr = addr;
	}
	e->affiliation = a;
	e->known = true;
	if (nick || clear_data)
		e->reserved_nick = nick;
}

void shadow_affiliation_forget(checker *c, shadow_room *r, const char *addr,
		rank_affiliation to)
{
	affiliation_entry *e = shadow_affiliation_entry(r, addr);
	if (!e) {
		e = array_push(c->a, &r->affiliations, sizeof *e);
		e->addr = addr;
	}
	rank_affiliation was = shadow_highest(e);
	e->ceiling = was > to ? was : to;
	e->known = false;
}

bool shadow_ownerless(const shadow_room *r)
{
	for (size_t i = 0; i < r->affiliations.len; i++) {
		const affiliation_entry *e = &((affiliation_entry *)r->affiliations.data)[i];
		if (shadow_highest(e) == AFF_OWNER)
			return false;
	}
	return true;
}

const char *shadow_reserved_by(shadow_room *r, const char *nick_resource)
{
	for (size_t i = 0; i < r->affiliations.len; i++) {
		const affiliation_entry *e = affiliation_at(r, i);
		if (e->known && read_is(e->reserved_nick, nick_resource))
			return e->addr;
	}
	return NULL;
}

/* ---- the roster ------------------------------------------------------- */

roster_entry *shadow_roster_at(shadow_room *r, size_t i)
{
	return &((roster_entry *)r->roster.data)[i];
}

roster_entry *shadow_roster_find(shadow_room *r, const char *session)
{
	for (size_t i = 0; i < r->roster.len; i++)
		if (shadow_roster_at(r, i)->session == session)
			return shadow_roster_at(r, i);
	return NULL;
}

/* A session that leaves stops seeing the room: what it was shown before
 * is no longer kept up to date. */
void shadow_roster_remove(checker *c, shadow_room *r, const char *session)
{
	roster_entry *e = shadow_roster_find(r, session);
	if (e)
		array_remove(&r->roster, (size_t)(e - shadow_roster_at(r, 0)), sizeof *e);
	shadow_view_clear(c, session, r->addr);
}

const char *shadow_nick_bare(checker *c, shadow_room *r, const char *nick)
{
	for (size_t i = 0; i < r->roster.len; i++)
		if (shadow_roster_at(r, i)->nick == nick)
			return addr_bare(c, shadow_roster_at(r, i)->session);
	return NULL;
}

size_t shadow_session_count(const shadow_room *r)
{
	return r->roster.len;
}

bool shadow_only_stranded_besides(shadow_room *r, const roster_entry *e)
{
	for (size_t i = 0; i < r->roster.len; i++)
		if (shadow_roster_at(r, i) != e && !shadow_roster_at(r, i)->stranded)
			return false;
	return true;
}

/* ---- views ------------------------------------------------------------ */

static session_view *view_at(checker *c, size_t i)
{
	return &((session_view *)c->views.data)[i];
}

session_view *shadow_view(checker *c, const char *session, const char *room)
{
	for (size_t i = 0; i < c->views.len; i++)
		if (view_at(c, i)->session == session && view_at(c, i)->room == room)
			return view_at(c, i);
	session_view *v = array_push(c->a, &c->views, sizeof *v);
	v->session = session;
	v->room = room;
	return v;
}

void shadow_view_clear(checker *c, const char *session, const char *room)
{
	for (size_t i = 0; i < c->views.len; i++)
		if (view_at(c, i)->session == session && view_at(c, i)->room == room)
			view_at(c, i)->entries.len = 0;
}

/* A new incarnation: whatever was shown of the old one is void. */
void shadow_view_clear_room(checker *c, const char *room)
{
	for (size_t i = 0; i < c->views.len; i++)
		if (view_at(c, i)->room == room)
			view_at(c, i)->entries.len = 0;
}

/* ---- occupant ids ----------------------------------------------------- */

bool shadow_bind_id(checker *c, shadow_room *r, const char *bare, const char *id)
{
	for (size_t i = 0; i < r->ids.len; i++) {
		const id_binding *b = &((id_binding *)r->ids.data)[i];
		if (b->bare == bare || b->id == id)
			return b->bare == bare && b->id == id;
	}
	id_binding *b = array_push(c->a, &r->ids, sizeof *b);
	b->bare = bare;
	b->id = id;
	return true;
}
