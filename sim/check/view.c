/* view.c — what each session was told: its view of the others (from the
 * presences of occupant JIDs it received) and its own place in the room
 * (from its self-presences, status 110); and the invariant view. */
#include "judge.h"

#include <string.h>

static view_entry *entry_at(session_view *v, size_t i)
{
	return &((view_entry *)v->entries.data)[i];
}

static view_entry *entry_find(session_view *v, const char *nick)
{
	for (size_t i = 0; i < v->entries.len; i++)
		if (entry_at(v, i)->nick == nick)
			return entry_at(v, i);
	return NULL;
}

typedef struct shown {
	rank_role role;
	rank_affiliation affiliation;
} shown;

static shown shown_in(const xml_node *presence)
{
	const xml_node *item = read_item(read_muc_user(presence));
	shown s = {ROLE_NONE, AFF_NONE};
	rank_parse_role(read_attr(item, "role"), &s.role);
	rank_parse_affiliation(read_attr(item, "affiliation"), &s.affiliation);
	return s;
}

static void view_update(checker *c, const delivery *d, bool available, shown s,
		bool unkept, uint64_t txn_step)
{
	session_view *v = shadow_view(c, d->to, d->room);
	view_entry *e = entry_find(v, d->nick);
	if (!available) {
		if (e)
			array_remove(&v->entries, (size_t)(e - entry_at(v, 0)), sizeof *e);
		return;
	}
	if (!e) {
		e = array_push(c->a, &v->entries, sizeof *e);
		e->nick = d->nick;
	}
	e->role = s.role;
	e->affiliation = s.affiliation;
	e->unkept = unkept;
	e->ghost = e->stale = false;
	e->shown_in = txn_step;
}

/* Whether a presence answers a probe of that occupant by the session's
 * occupant: the answer goes to all its sessions (muc.lib.lua L299-300). */
static bool answers_probe(const judge *j, const delivery *d)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		if (addr_bare(j->c, in->from) == addr_bare(j->c, d->to) && in->occupant == d->nick
				&& !strcmp(read_type(in->stanza), "probe"))
			return true;
	}
	return false;
}

/* Presences the room sends outside its broadcast rules, which it does not
 * keep up to date: answers to probes, and occupants of the session's own
 * bare JID whose role it hides, shown in occupant lists (muc.lib.lua
 * L349-351) but not when they change or leave (L308-313). */
static bool is_unkept(const judge *j, const delivery *d, shown s)
{
	shadow_room *r = shadow_room_get(j->c, d->room);
	if (answers_probe(j, d))
		return true;
	return !shadow_broadcasts(r, s.role)
		&& shadow_nick_bare(j->c, r, d->nick) == addr_bare(j->c, d->to);
}

static bool is_ghost(const shadow_room *r, const char *nick)
{
	for (size_t i = 0; i < r->ghosts.len; i++)
		if (r->ghosts.items[i] == nick)
			return true;
	return false;
}

/* An occupant removed without a word to the others (322) stays in their
 * views as it was last shown, whoever later takes its nick: a holder whose
 * role the room does not broadcast is never announced to them (muc.lib.lua
 * L308-313), so until the room shows that nick again the entry says
 * nothing of its holder's role or affiliation, nor shows it. */
static void make_ghost(checker *c, shadow_room *r, const char *nick)
{
	if (!is_ghost(r, nick))
		vec_push(c->a, &r->ghosts, (void *)nick);
	for (size_t i = 0; i < c->views.len; i++) {
		session_view *v = &((session_view *)c->views.data)[i];
		view_entry *e = v->room == r->addr ? entry_find(v, nick) : NULL;
		if (e)
			e->ghost = true;
	}
}

/* Whether a session's view shows an occupant other than `nick` (ghosts,
 * stale entries and those the room does not keep up to date aside): its
 * roster may lack occupants whose own self-presence was lost to a closed
 * stream, but not those the room announced. */
static bool shows_others(checker *c, shadow_room *r, const char *session, const char *nick)
{
	session_view *v = shadow_view(c, session, r->addr);
	for (size_t i = 0; i < v->entries.len; i++) {
		const view_entry *e = entry_at(v, i);
		if (e->nick != nick && !e->stale && !e->unkept && !is_ghost(r, e->nick))
			return true;
	}
	return false;
}

/* A self-presence places the session: available, under that nick; a nick
 * change (303) keeps it in while the new nick is announced (the room
 * itself is empty for a moment when its only occupant changes nick); any
 * other unavailable one takes it out. */
static void roster_update(checker *c, const delivery *d, bool available, shown s)
{
	shadow_room *r = shadow_room_get(c, d->room);
	roster_entry *e = shadow_roster_find(r, d->to);
	if (available) {
		r->vacated |= e && e->moving && e->nick != d->nick && shadow_only_stranded_besides(r, e)
			&& !shows_others(c, r, d->to, d->nick);
		if (!e) {
			e = array_push(c->a, &r->roster, sizeof *e);
			e->session = d->to;
		}
		e->nick = d->nick;
		e->role = s.role;
		e->affiliation = s.affiliation;
		e->moving = e->stranded = false;
	} else if (e && read_has_status(read_muc_user(d->stanza), "303")) {
		e->moving = true;
	} else if (e && e->nick == d->nick) {
		shadow_roster_remove(c, r, d->to);
		/* A removal for members-only (322) is told to no one else, even
		 * when the form that caused it is never answered (a later field
		 * raised): the others keep a ghost (view_expel_non_members). */
		if (read_has_status(read_muc_user(d->stanza), "322"))
			make_ghost(c, r, d->nick);
	}
}

void view_apply(judge *j, size_t i)
{
	const delivery *d = judge_delivery(j, i);
	const char *type = read_type(d->stanza);
	bool available = !*type;
	if (!d->nick || strcmp(xml_name(d->stanza), "presence") != 0
			|| (!available && strcmp(type, "unavailable") != 0))
		return;
	shown s = shown_in(d->stanza);
	view_update(j->c, d, available, s, is_unkept(j, d, s), j->t->step);
	if (read_is_self_presence(d->stanza))
		roster_update(j->c, d, available, s);
}

/* ---- the invariant ---------------------------------------------------- */

static void report(checker *c, const char *fmt, const char *a, const char *b)
{
	finding f = {"view", world_steps(c->w), NULL, NULL};
	check_report(c, &f, fmt, a, b);
}

/* Whom a session must see: occupants whose role the room broadcasts, and
 * its own occupant. */
static bool visible(shadow_room *r, const roster_entry *seer, const roster_entry *o)
{
	return shadow_broadcasts(r, o->role) || o->nick == seer->nick;
}

static const roster_entry *occupant_of(shadow_room *r, const char *nick)
{
	for (size_t i = 0; i < r->roster.len; i++)
		if (shadow_roster_at(r, i)->nick == nick)
			return shadow_roster_at(r, i);
	return NULL;
}


static void check_seer(checker *c, shadow_room *r, const roster_entry *seer)
{
	session_view *v = shadow_view(c, seer->session, r->addr);
	for (size_t i = 0; i < r->roster.len; i++) {
		const roster_entry *o = shadow_roster_at(r, i);
		view_entry *e = entry_find(v, o->nick);
		if ((!e || e->ghost) && visible(r, seer, o))
			report(c, "%s was not shown %s", seer->session, o->nick);
		else if (e && !e->unkept && !e->ghost
				&& (e->role != o->role || e->affiliation != o->affiliation))
			report(c, "%s was shown %s with another role or affiliation than its own",
					seer->session, o->nick);
	}
	for (size_t i = 0; i < v->entries.len; i++) {
		const roster_entry *o = occupant_of(r, entry_at(v, i)->nick);
		if (entry_at(v, i)->unkept || entry_at(v, i)->ghost)
			continue;
		if (!o && !is_ghost(r, entry_at(v, i)->nick))
			report(c, "%s was shown %s, who is no occupant", seer->session,
					entry_at(v, i)->nick);
		else if (o && !visible(r, seer, o))
			report(c, "%s was shown %s, whose role the room does not broadcast",
					seer->session, o->nick);
	}
}

/* Those a room removes on becoming members-only are not announced to the
 * others, whose views keep them as ghosts (members_only.lib.lua L40-45
 * publicises without the previous role, and role none is not broadcast,
 * muc.lib.lua L308-313): whoever remains may still show them.  A session
 * whose stream closed did not hear it is out; a connected one must have
 * (the invariant members-only). */
void view_expel_non_members(checker *c, shadow_room *r)
{
	for (size_t i = 0; i < r->roster.len;) {
		roster_entry *e = shadow_roster_at(r, i);
		affiliation_lookup aff = shadow_affiliation(c, r, addr_bare(c, e->session));
		if (aff.known && aff.affiliation <= AFF_NONE && !track_connected(c, e->session)) {
			shadow_roster_remove(c, r, e->session);
			continue;
		}
		/* The affiliation the model holds may be a gone incarnation's: a
		 * room created again unseen (mod_muc.lua L491-493) keeps none of
		 * it, so one last told it is none whose stream closed may be
		 * removed too, unheard (members_only.lib.lua L30-45). */
		if (e->affiliation <= AFF_NONE && !track_connected(c, e->session))
			make_ghost(c, r, e->nick);
		i++;
	}
	for (size_t i = 0; i < c->views.len; i++) {
		session_view *v = &((session_view *)c->views.data)[i];
		for (size_t k = 0; v->room == r->addr && k < v->entries.len; k++) {
			const char *nick = entry_at(v, k)->nick;
			if (!occupant_of(r, nick))
				make_ghost(c, r, nick);
		}
	}
}

/* While a room's broadcast roles are unknown any departure may go
 * unannounced (muc.lib.lua L308-313), as may removals by a members-only
 * form with no reply: every entry of its views not shown in the
 * transaction `fresh` may be an occupant gone since, until shown again. */
static void stale_views(checker *c, shadow_room *r, uint64_t fresh)
{
	for (size_t i = 0; i < c->views.len; i++) {
		session_view *v = &((session_view *)c->views.data)[i];
		for (size_t k = 0; v->room == r->addr && k < v->entries.len; k++)
			entry_at(v, k)->stale |= entry_at(v, k)->shown_in != fresh;
	}
}

/* A form that may have made the room members-only (it got no reply, a
 * later field having raised after members_only.lib.lua L19-47 ran, or its
 * reply went with the owner's stream) may have removed non-members
 * unannounced: the others' views may keep them, unknown to the model. */
void view_maybe_expel_non_members(checker *c, shadow_room *r)
{
	r->murky = true;
	stale_views(c, r, UINT64_MAX);
}

/* Stranded occupants (effects.c) may be in a room that is gone; the room
 * is murky from then on (view_note_murk), and the strand also tells the
 * delivery rules not to count on their nicks (traffic.c).  What each was
 * shown of itself may be the gone room's, never taken out (a rejoin under
 * another nick into the room created again has no 303): it is stale. */
void view_strand(checker *c, shadow_room *r)
{
	for (size_t i = 0; i < r->roster.len; i++) {
		roster_entry *e = shadow_roster_at(r, i);
		view_entry *mine = entry_find(shadow_view(c, e->session, r->addr), e->nick);
		e->stranded = true;
		if (mine)
			mine->stale = true;
	}
}

/* Once the model loses track of a room (its existence in doubt, its
 * broadcast roles unknown, occupants that may have got in or been removed
 * unseen, or stranded in a gone incarnation), what its sessions were shown
 * meanwhile may be any incarnation's or any roles', and stays in their
 * views after the doubt is settled.  Rather than follow every way the
 * views can go stale, the room's views are not judged again until the
 * model starts afresh: a new incarnation seen created, or the room's end. */
void view_note_murk(checker *c, uint64_t txn_step)
{
	for (size_t i = 0; i < shadow_room_count(c); i++) {
		shadow_room *r = shadow_room_at(c, i);
		if (!r->broadcast_known)
			stale_views(c, r, txn_step);
		r->murky |= r->existence == ROOM_UNCERTAIN || !r->broadcast_known
			|| r->unseen.len;
		for (size_t k = 0; k < r->roster.len && !r->murky; k++)
			r->murky = shadow_roster_at(r, k)->stranded;
	}
}

void view_check(checker *c)
{
	for (size_t i = 0; i < shadow_room_count(c); i++) {
		shadow_room *r = shadow_room_at(c, i);
		if (r->murky)
			continue;
		for (size_t k = 0; k < r->roster.len; k++) {
			const roster_entry *seer = shadow_roster_at(r, k);
			if (!seer->moving && !seer->stranded && track_connected(c, seer->session))
				check_seer(c, r, seer);
		}
	}
}
