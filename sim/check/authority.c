/* authority.c — requests that need a rank and the answers to requests:
 * the invariants privilege, privacy (c: who reads muc#admin lists) and iq;
 * definitions in check.c. */
#include "judge.h"

#include <string.h>

#include "jid.h"

#define FORM_ROOMCONFIG "http://jabber.org/protocol/muc#roomconfig"
#define FORM_REGISTER "http://jabber.org/protocol/muc#register"
#define FORM_REQUEST "http://jabber.org/protocol/muc#request"

/* The IQ's payload if it is <query xmlns=ns/>, or NULL. */
static const xml_node *query_of(const input *in, const char *ns)
{
	const xml_node *q = xml_first(in->stanza);
	return q && !strcmp(xml_name(q), "query") && !strcmp(xml_ns(q), ns) ? q : NULL;
}

/* The reply the sender got: a result, an error, or none. */
static bool got_result(const judge *j, const input *in)
{
	const delivery *first;
	return judge_replies(j, in, &first) && !strcmp(read_type(first->stanza), "result");
}

static affiliation_lookup affiliation_of(judge *j, shadow_room *r, const char *addr)
{
	return shadow_affiliation(j->c, r, addr_bare(j->c, addr));
}

/* ---- privilege (a): muc#admin changes --------------------------------- */

/* The target of an item: its jid prepared (muc.lib.lua L1052-1061), or
 * the bare JID of the occupant holding its nick, prepared (L1062-1072). */
static const char *item_target(judge *j, shadow_room *r, const xml_node *item)
{
	const char *text = xml_attr(item, "jid");
	jid parts;
	if (text)
		return jid_prep(j->c->a, text, &parts) ? addr_bare(j->c, jid_full(j->c->a, &parts)) : NULL;
	const char *occupant = judge_item_occupant(j, r, xml_attr(item, "nick"));
	return occupant ? shadow_nick_bare(j->c, r, occupant) : NULL;
}

/* Whether the room stores an owner other than target (muc.lib.lua
 * L1418-1421): 1 known, -1 perhaps (an entry the model does not know,
 * e.g. a change whose reply went to a closed stream, may be an owner),
 * 0 none. */
static int other_owner(shadow_room *r, const char *target)
{
	int perhaps = 0;
	for (size_t i = 0; i < r->affiliations.len; i++) {
		const affiliation_entry *e = &((affiliation_entry *)r->affiliations.data)[i];
		if (e->addr == target)
			continue;
		if (e->known && e->affiliation == AFF_OWNER)
			return 1;
		if (shadow_highest(e) == AFF_OWNER)
			perhaps = -1;
	}
	return perhaps;
}

const char *authority_affiliation_refusal(judge *j, shadow_room *r, const input *in,
		const char *target, rank_affiliation to)
{
	static const char *const rank = "only owners grant or revoke admin and owner, and admins the rest";
	affiliation_lookup actor = affiliation_of(j, r, in->from);
	const affiliation_entry *stored = shadow_affiliation_entry(r, target);
	bool known = !stored || stored->known;
	rank_affiliation from = shadow_highest(stored);  /* at most, while unknown */
	if (!actor.known)  /* only an admin or owner may change anything */
		return actor.ceiling < AFF_ADMIN ? rank : "";
	if (to != AFF_OWNER && world_is_admin(j->c->w, target))
		return "a service admin can only be an owner";
	if (actor.affiliation == AFF_OWNER) {
		if (addr_bare(j->c, in->from) != target)
			return NULL;
		if (!known)
			return "";
		if (to >= from)
			return NULL;
		int others = other_owner(r, target);
		return others > 0 ? NULL : others < 0 ? "" : "the last owner cannot step down";
	}
	if (actor.affiliation != AFF_ADMIN || to >= AFF_ADMIN)
		return rank;
	if (from >= AFF_ADMIN)
		return known ? rank : "";
	return NULL;
}

/* may_set_role (muc.lib.lua L1586-1607), with the same conventions. */
static const char *role_refusal(judge *j, shadow_room *r, const char *actor,
		const roster_entry *target, rank_role to)
{
	affiliation_lookup mine = affiliation_of(j, r, actor);
	affiliation_lookup theirs = affiliation_of(j, r, target->session);
	roster_entry *me = shadow_roster_find(r, actor);
	if (!mine.known || !theirs.known || (!me && !track_connected(j->c, actor)))
		return "";
	if (mine.affiliation < theirs.affiliation)
		return "the target's affiliation is higher";
	if ((target->role == ROLE_MODERATOR || to == ROLE_MODERATOR) && mine.affiliation < AFF_ADMIN)
		return "only admins and owners give or take the moderator role";
	if (!me || me->role != ROLE_MODERATOR)
		return "the actor is no moderator in the room";
	return NULL;
}

static roster_entry *holder_of(judge *j, shadow_room *r, const char *nick)
{
	const char *occupant = judge_item_occupant(j, r, nick);
	for (size_t i = 0; occupant && i < r->roster.len; i++)
		if (shadow_roster_at(r, i)->nick == occupant)
			return shadow_roster_at(r, i);
	return NULL;
}

static void check_admin_set(judge *j, const input *in, shadow_room *r, const xml_node *item)
{
	const char *aff_s = xml_attr(item, "affiliation"), *role_s = xml_attr(item, "role");
	const char *nick = xml_attr(item, "nick"), *refusal = NULL;
	rank_affiliation aff;
	rank_role role;
	if (aff_s && !role_s && rank_parse_affiliation(aff_s, &aff)) {
		const char *target = item_target(j, r, item);
		refusal = target ? authority_affiliation_refusal(j, r, in, target, aff) : "";
	} else if (role_s && nick && !aff_s && rank_parse_role(role_s, &role)) {
		roster_entry *target = holder_of(j, r, nick);
		refusal = target ? role_refusal(j, r, in->from, target, role) : "";
	}
	if (refusal && *refusal)
		judge_report(j, "privilege", in->step, in->stanza,
				"%s's muc#admin change got a result, but %s", in->from, refusal);
}

/* ---- privilege (a): approving a voice request ------------------------- */

static bool became_participant(const judge *j, const char *session, const char *room)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->to == session && d->room == room && read_is_self_presence(d->stanza)
				&& read_is(read_attr(read_item(read_muc_user(d->stanza)), "role"), "participant"))
			return true;
	}
	return false;
}

static void check_voice_grant(judge *j, const input *in, shadow_room *r)
{
	const xml_node *form = xml_child(in->stanza, "x", NS_DATA_CHECK);
	const char *target_text = read_field_text(read_field(form, "muc#jid"));
	jid parts;
	if (!read_is(read_field_text(read_field(form, "FORM_TYPE")), FORM_REQUEST) || !target_text
			|| !jid_prep(j->c->a, target_text, &parts))
		return;
	const char *session = check_intern_str(j->c, jid_full(j->c->a, &parts));
	roster_entry *target = shadow_roster_find(r, session);
	if (!target || target->role != ROLE_VISITOR || !became_participant(j, session, r->addr))
		return;
	const char *refusal = role_refusal(j, r, in->from, target, ROLE_PARTICIPANT);
	if (refusal && *refusal)
		judge_report(j, "privilege", in->step, in->stanza,
				"%s gave %s voice, but %s", in->from, session, refusal);
}

/* ---- privilege (b) and privacy (c): privileged queries ---------------- */

static void check_owner_query(judge *j, const input *in, shadow_room *r)
{
	affiliation_lookup aff = affiliation_of(j, r, in->from);
	if (aff.known && aff.affiliation != AFF_OWNER && got_result(j, in))
		judge_report(j, "privilege", in->step, in->stanza,
				"%s, no owner, got a result to a muc#owner query", in->from);
}

/* handle_admin_query_get_command's permission (muc.lib.lua L1115-1134);
 * false also when the oracle cannot tell. */
static bool may_read_list(judge *j, const input *in, shadow_room *r, const xml_node *item)
{
	affiliation_lookup aff = affiliation_of(j, r, in->from);
	rank_affiliation want;
	rank_role role;
	if (!aff.known)
		return true;
	if (rank_parse_affiliation(xml_attr(item, "affiliation"), &want)) {
		bool open = r->members_only.value && r->whois_anyone.value && aff.affiliation >= AFF_MEMBER;
		return !r->members_only.known || !r->whois_anyone.known
			|| (aff.affiliation >= AFF_ADMIN && aff.affiliation >= want) || open;
	}
	if (!rank_parse_role(xml_attr(item, "role"), &role))
		return true;
	roster_entry *me = shadow_roster_find(r, in->from);
	return me ? me->role == ROLE_MODERATOR : aff.affiliation >= AFF_ADMIN;
}

static void check_admin_get(judge *j, const input *in, shadow_room *r, const xml_node *q)
{
	const xml_node *item = xml_first(q);
	if (item && got_result(j, in) && !may_read_list(j, in, r, item))
		judge_report(j, "privacy", in->step, in->stanza,
				"%s read a muc#admin list it may not", in->from);
}

static void check_decision(judge *j, const input *in)
{
	shadow_room *r = judge_room(j, in);
	input_kind kind = judge_kind(in);
	if (!r || in->occupant || in->internal || r->existence != ROOM_PRESENT)
		return;
	const xml_node *admin = query_of(in, NS_MUC_ADMIN_CHECK);
	if (kind == IN_IQ_SET_ROOM && admin && xml_first(admin) && got_result(j, in))
		check_admin_set(j, in, r, xml_first(admin));
	else if (kind == IN_IQ_GET && admin)
		check_admin_get(j, in, r, admin);
	else if ((kind == IN_IQ_GET || kind == IN_IQ_SET_ROOM) && query_of(in, NS_MUC_OWNER_CHECK))
		check_owner_query(j, in, r);
	else if (kind == IN_ROOM_MESSAGE)
		check_voice_grant(j, in, r);
}

void authority_check_decisions(judge *j)
{
	for (size_t i = 0; i < judge_input_count(j); i++)
		check_decision(j, judge_input(j, i));
}

/* ---- iq --------------------------------------------------------------- */

typedef enum replies { EXPECT_ONE, EXPECT_NONE, EXPECT_AT_MOST_ONE } replies;

/* An owner's configuration form that makes a field handler raise: an
 * invalid whois (whois.lib.lua L20) or a presencebroadcast without values
 * (presence_broadcast.lib.lua L72). */
static bool form_raises(const xml_node *q)
{
	const xml_node *form = xml_first(q);
	if (!form || strcmp(xml_name(form), "x") != 0 || strcmp(xml_ns(form), NS_DATA_CHECK) != 0
			|| !read_is(xml_attr(form, "type"), "submit") || !xml_first(form)
			|| !read_is(read_field_text(read_field(form, "FORM_TYPE")), FORM_ROOMCONFIG))
		return false;
	const xml_node *whois = read_field(form, "muc#roomconfig_whois");
	const char *w = read_field_text(whois);
	const xml_node *broadcast = read_field(form, "muc#roomconfig_presencebroadcast");
	return (whois && !read_is(w, "moderators") && !read_is(w, "anyone"))
		|| (broadcast && !xml_child(broadcast, "value", NS_DATA_CHECK));
}

/* A member's registration that raises: a FORM_TYPE without value
 * (register.lib.lua L165-167), a missing or empty nick (L173-179). */
static bool registration_raises(const xml_node *q)
{
	const xml_node *form = xml_child(q, "x", NS_DATA_CHECK);
	const xml_node *type = read_field(form, "FORM_TYPE");
	if (!form || xml_child(q, "remove", NS_REGISTER_CHECK) || !type)
		return false;
	const char *t = read_field_text(type);
	const char *nick = read_field_text(read_field(form, "muc#register_roomnick"));
	return !t || (!strcmp(t, FORM_REGISTER) && (!nick || !*nick));
}

/* Which of the Lua-error cases (definition of iq) an IQ is: `needs` is
 * the affiliation the sender must have to get that far.  The room is
 * judged as it was when the MUC handled the IQ, before the transaction:
 * a form that removes the last occupant (members-only) and then raises
 * leaves a temporary room gone by the time the replies are judged. */
static replies expected_replies(judge *j, const input *in)
{
	shadow_room *r = judge_room(j, in);
	if (!r || r->existence_before == ROOM_ABSENT || r->destroyed_before)
		return EXPECT_ONE;
	const xml_node *q;
	rank_affiliation needs;
	if ((q = query_of(in, NS_MUC_ADMIN_CHECK)) && !strcmp(read_type(in->stanza), "get"))
		return xml_first(q) ? EXPECT_ONE
			: r->existence_before == ROOM_PRESENT ? EXPECT_NONE : EXPECT_AT_MOST_ONE;
	if ((q = query_of(in, NS_MUC_OWNER_CHECK)) && form_raises(q))
		needs = AFF_OWNER;
	else if ((q = query_of(in, NS_REGISTER_CHECK)) && !strcmp(read_type(in->stanza), "set")
			&& registration_raises(q))
		needs = AFF_MEMBER;
	else
		return EXPECT_ONE;
	affiliation_lookup aff = affiliation_of(j, r, in->from);
	if (!aff.known || r->existence_before != ROOM_PRESENT)
		return EXPECT_AT_MOST_ONE;
	return aff.affiliation >= needs ? EXPECT_NONE : EXPECT_ONE;
}

/* item-not-found by the service itself is how mod_muc answers a stanza
 * for a room it does not have (mod_muc.lua L490-496), and gone how a
 * destroyed persistent room's tombstone answers (L466-475): the room was
 * gone, however the model saw it (a destroy whose reply was lost), and no
 * room code ran to raise an error.  Returns the condition, or NULL. */
static const char *room_was_missing(judge *j, const input *in, const delivery *reply)
{
	const xml_node *err = xml_child(reply->stanza, "error", NULL);
	const char *condition = read_error_condition(reply->stanza);
	if (read_is_error(reply->stanza)
			&& (read_is(condition, "item-not-found") || read_is(condition, "gone"))
			&& read_is(read_attr(err, "by"), addr_domain(j->c, in->room)))
		return condition;
	return NULL;
}

static void check_iq(judge *j, const input *in)
{
	const delivery *first;
	size_t n = judge_replies(j, in, &first);
	const char *missing = n == 1 && in->room ? room_was_missing(j, in, first) : NULL;
	if (missing) {
		/* item-not-found: the service had no room object at all, so the
		 * room is absent (not a tombstone), and whoever the model still
		 * had in it is in a room no longer served (an empty temporary
		 * room goes even when its only occupant changes nick, mod_muc.lua
		 * L191-199).  A tombstone's gone leaves its past unknown, unless
		 * the model already held the room absent (destroyed): the gone
		 * confirms it, and doubting it would keep the old incarnation's
		 * settings through a service admin's presence that replaces the
		 * tombstone with a fresh room even when the join is then refused
		 * (mod_muc.lua L466-471, L491-493; muc.lib.lua L492-512). */
		shadow_room *r = judge_room(j, in);
		if (!strcmp(missing, "item-not-found")) {
			shadow_room_forget(j->c, r);
			r->destroyed = false;
		} else if (r->existence != ROOM_ABSENT) {
			shadow_room_doubt(r);
		}
		return;
	}
	replies want = expected_replies(j, in);
	size_t most = want == EXPECT_NONE ? 0 : 1, least = want == EXPECT_ONE ? 1 : 0;
	if (n > most)
		judge_report(j, "iq", in->step, in->stanza, "%s got %zu replies to IQ '%s', not %zu",
				in->from, n, xml_attr(in->stanza, "id"), most);
	else if (n < least && track_connected(j->c, in->from))
		judge_report(j, "iq", in->step, in->stanza, "%s got no reply to IQ '%s'",
				in->from, xml_attr(in->stanza, "id"));
}

/* ---- privilege (c): a room keeps an owner ----------------------------- */

/* An accepted change that takes a room's last stored owner must come from
 * a service admin, who stays an owner. */
static void check_owner_kept(judge *j, const input *in)
{
	shadow_room *r = judge_room(j, in);
	bool changes = query_of(in, NS_MUC_ADMIN_CHECK) || query_of(in, NS_REGISTER_CHECK);
	if (r && r->existence == ROOM_PRESENT && changes && got_result(j, in)
			&& r->owned_before && shadow_ownerless(r)
			&& !world_is_admin(j->c->w, addr_bare(j->c, in->from)))
		judge_report(j, "privilege", in->step, in->stanza,
				"%s's request left %s without an owner", in->from, r->addr);
}

void authority_check_replies(judge *j)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		input_kind kind = judge_kind(in);
		bool asks = kind == IN_IQ_GET || kind == IN_IQ_SET_ROOM || kind == IN_IQ_SET_SERVICE;
		if (!asks || in->occupant || in->internal)
			continue;
		check_iq(j, in);
		if (kind == IN_IQ_SET_ROOM)
			check_owner_kept(j, in);
	}
}
