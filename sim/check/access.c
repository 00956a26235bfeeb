/* access.c — who may be in a room: the invariants password, lock, ban and
 * members-only (at a join and after every transaction), nick, and destroy
 * (no occupant outlives destruction); definitions in check.c. */
#include "judge.h"

#include <string.h>

/* ---- joins ------------------------------------------------------------ */

/* The password a join presence carries; empty is none (password.lib.lua
 * L46-49). */
static const char *join_password(const input *in)
{
	const xml_node *x = in ? xml_child(in->stanza, "x", NS_MUC_CHECK) : NULL;
	const char *p = x ? xml_child_text(x, "password", NS_MUC_CHECK) : NULL;
	return p && *p ? p : NULL;
}

/* Whether `session` was told it left `room` before delivery `before` of
 * this transaction. */
static bool left_before(const judge *j, const char *session, const char *room,
		size_t before)
{
	for (size_t i = 0; i < before; i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->to == session && d->room == room && read_is_self_presence(d->stanza)
				&& read_is(xml_attr(d->stanza, "type"), "unavailable"))
			return true;
	}
	return false;
}

/* A connected occupant session of another bare JID that held the nick a
 * join takes, and still held it when the room let the joiner in: a join
 * is where Prosody refuses a taken nick (conflict, muc.lib.lua L686-696),
 * so that is where the nick rule is broken, before any consequence of
 * two users sharing an occupant. */
static const roster_entry *nick_taken(const judge *j, shadow_room *r, const delivery *join,
		size_t at)
{
	checker *c = j->c;
	for (size_t k = 0; k < r->roster.len; k++) {
		const roster_entry *e = shadow_roster_at(r, k);
		if (e->nick == join->nick && !e->moving
				&& addr_bare(c, e->session) != addr_bare(c, join->to)
				&& track_connected(c, e->session) && !left_before(j, e->session, r->addr, at))
			return e;
	}
	return NULL;
}

static void check_join(judge *j, size_t at, shadow_room *r)
{
	checker *c = j->c;
	const delivery *join = judge_delivery(j, at);
	const input *in = judge_presence_from(j, join->to, r->addr);
	uint64_t now = in ? in->now_ms : world_now(c->w);
	const char *who = join->to;
	affiliation_lookup aff = shadow_affiliation(c, r, addr_bare(c, who));
	const char *reserver = shadow_reserved_by(r, addr_resource(join->nick));
	const roster_entry *holder;
	if (r->password.known && r->password.value
			&& !read_is(join_password(in), r->password.value))
		judge_report(j, "password", join->step, join->stanza,
				"%s joined %s without its password", who, r->addr);
	else if (r->locked.known && shadow_locked(r, now))
		judge_report(j, "lock", join->step, join->stanza,
				"%s joined %s while it was locked", who, r->addr);
	else if (aff.known && aff.affiliation == AFF_OUTCAST)
		judge_report(j, "ban", join->step, join->stanza,
				"%s, an outcast, joined %s", who, r->addr);
	else if (r->members_only.known && r->members_only.value && aff.known
			&& aff.affiliation <= AFF_NONE)
		judge_report(j, "members-only", join->step, join->stanza,
				"%s, not a member, joined members-only %s", who, r->addr);
	else if ((holder = nick_taken(j, r, join, at)))
		judge_report(j, "nick", join->step, join->stanza,
				"%s joined as %s, which %s holds", who, join->nick, holder->session);
	else if (reserver && reserver != addr_bare(c, who))
		judge_report(j, "nick", join->step, join->stanza,
				"%s joined as %s, which %s reserved", who, join->nick, reserver);
}

/* Whether an occupant session of `bare` is in the room (before this
 * transaction). */
static bool bare_is_in(checker *c, shadow_room *r, const char *bare)
{
	for (size_t k = 0; k < r->roster.len; k++)
		if (addr_bare(c, shadow_roster_at(r, k)->session) == bare)
			return true;
	return false;
}

/* Whether the room turned `session` away with role none: an unavailable
 * self-presence that is no nick change (muc.lib.lua L320-322). */
static bool turned_away(const judge *j, const char *session, const char *room)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		const xml_node *x = read_muc_user(d->stanza);
		if (d->to == session && d->room == room && read_is_self_presence(d->stanza)
				&& read_is(xml_attr(d->stanza, "type"), "unavailable")
				&& !read_has_status(x, "303")
				&& read_is(read_attr(read_item(x), "role"), "none"))
			return true;
	}
	return false;
}

/* A members-only room refuses the join presence of anyone below member
 * before the join begins (members_only.lib.lua L118-128): the session gets
 * the error and nothing else.  A room that lets one through sends it the
 * occupant list even when the default role (none) then turns it away
 * (muc.lib.lua L761-767, L320-322), so what it receives is the first sign.
 * That turning away also shows the room is members-only when the model
 * does not know it (a form that raised): only members-only gives the
 * affiliation none the role none (members_only.lib.lua L111-116,
 * muc.lib.lua L59-65). */
static void check_members_only_attempt(judge *j, const input *in)
{
	checker *c = j->c;
	shadow_room *r = judge_room(j, in);
	if (!r || r->existence != ROOM_PRESENT || !in->occupant || in->internal
			|| judge_kind(in) != IN_PRESENCE || *read_type(in->stanza)
			|| bare_is_in(c, r, addr_bare(c, in->from)))
		return;
	affiliation_lookup aff = shadow_affiliation(c, r, addr_bare(c, in->from));
	if (!aff.known || aff.affiliation >= AFF_MEMBER)
		return;
	bool members_only = (r->members_only.known && r->members_only.value)
		|| (aff.affiliation == AFF_NONE && turned_away(j, in->from, r->addr));
	for (size_t i = 0; members_only && i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->to == in->from && d->room == r->addr && !read_is_error(d->stanza)) {
			judge_report(j, "members-only", d->step, d->stanza,
					"%s, not a member, was let into members-only %s (sent a %s, not an error)",
					in->from, r->addr, xml_name(d->stanza));
			return;
		}
	}
}

void access_check_joins(judge *j)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (!d->room || judge_join_of(j, d->to, d->room) != d)
			continue;
		shadow_room *r = shadow_room_get(j->c, d->room);
		if (read_has_status(read_muc_user(d->stanza), "201"))
			continue;  /* the creating presence, judged by nothing but itself */
		if (r->existence != ROOM_PRESENT) {
			shadow_room_doubt(r);  /* it existed after all */
			continue;
		}
		check_join(j, i, r);
	}
	for (size_t i = 0; i < judge_input_count(j); i++)
		check_members_only_attempt(j, judge_input(j, i));
}

/* ---- the state a transaction leaves ----------------------------------- */

/* The step where a transaction's effects are complete. */
static uint64_t last_step(const judge *j)
{
	size_t n = judge_delivery_count(j);
	return n ? judge_delivery(j, n - 1)->step : j->t->step;
}

static void check_occupant(judge *j, shadow_room *r, const roster_entry *e)
{
	checker *c = j->c;
	affiliation_lookup aff = shadow_affiliation(c, r, addr_bare(c, e->session));
	const char *reserver = shadow_reserved_by(r, addr_resource(e->nick));
	if (r->destroyed)
		judge_report(j, "destroy", last_step(j), NULL,
				"%s is still an occupant session of destroyed %s", e->session, r->addr);
	else if (aff.known && aff.affiliation == AFF_OUTCAST)
		judge_report(j, "ban", last_step(j), NULL,
				"%s, an outcast, is still an occupant session of %s", e->session, r->addr);
	else if (r->members_only.known && r->members_only.value && aff.known
			&& aff.affiliation <= AFF_NONE)
		judge_report(j, "members-only", last_step(j), NULL,
				"%s, not a member, is still in members-only %s", e->session, r->addr);
	else if (reserver && reserver != addr_bare(c, e->session))
		judge_report(j, "nick", last_step(j), NULL,
				"%s holds %s, which %s reserved", e->session, e->nick, reserver);
}

/* One bare JID per nick among the connected sessions. */
static void check_nick_holders(judge *j, shadow_room *r, const roster_entry *e)
{
	checker *c = j->c;
	for (size_t k = 0; k < r->roster.len; k++) {
		const roster_entry *f = shadow_roster_at(r, k);
		if (f->nick == e->nick && addr_bare(c, f->session) != addr_bare(c, e->session)
				&& track_connected(c, f->session))
			judge_report(j, "nick", last_step(j), NULL, "%s and %s both hold %s",
					e->session, f->session, e->nick);
	}
}

static void check_room_state(judge *j, shadow_room *r)
{
	if (r->existence == ROOM_UNCERTAIN)
		return;
	for (size_t i = 0; i < r->roster.len; i++) {
		const roster_entry *e = shadow_roster_at(r, i);
		if (!track_connected(j->c, e->session))
			continue;  /* leaving: what it is told is lost */
		check_occupant(j, r, e);
		check_nick_holders(j, r, e);
	}
}

/* Whether a room is addressed or heard from in this transaction; the
 * service's ad-hoc commands reach every room. */
static bool touches(const judge *j, const char *room)
{
	for (size_t i = 0; i < judge_input_count(j); i++)
		if (judge_input(j, i)->room == room || !judge_input(j, i)->room)
			return true;
	for (size_t i = 0; i < judge_delivery_count(j); i++)
		if (judge_delivery(j, i)->room == room)
			return true;
	return false;
}

void access_check_state(judge *j)
{
	for (size_t i = 0; i < shadow_room_count(j->c); i++) {
		shadow_room *r = shadow_room_at(j->c, i);
		if (touches(j, r->addr))
			check_room_state(j, r);
	}
}
