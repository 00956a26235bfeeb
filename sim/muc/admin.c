/* admin.c — affiliations and roles: the muc#admin queries and the
 * permission rules of set_affiliation and may_set_role (muc.lib.lua). */
#include "muc_internal.h"

#include <string.h>

#include "jid.h"
#include "stanza.h"

static arena *A(muc_room *r)
{
	return room_arena(r);
}

/* ---- set_affiliation ------------------------------------------------------ */

/* set_affiliation's permission check for a real actor. */
static const char *affiliation_refusal(muc_room *r, const char *actor,
		const char *target, muc_affiliation from, muc_affiliation to)
{
	muc_affiliation_change c = {
		.actor = room_affiliation(r, actor), .from = from, .to = to,
		.self = !strcmp(jid_bare_of(A(r), actor), target),
	};
	for (size_t i = 0; i < room_affiliation_count(r) && !c.other_owner; i++) {
		const char *who;
		muc_affiliation a;
		room_affiliation_at(r, i, &who, &a, NULL, NULL);
		c.other_owner = a == AFF_OWNER && strcmp(who, target) != 0;
	}
	return muc_affiliation_refusal(&c);
}

/* Announce an affiliation change of someone not in the room (XEP-0045
 * example 195): to everyone, or to moderators in semi-anonymous rooms. */
static void announce_absent(muc_room *r, xml_node *x, const char *addr,
		muc_affiliation a, const char *reason)
{
	xml_node *m = xml_new(A(r), NS_CLIENT, "message");
	xml_set_attr(A(r), m, "from", room_jid(r));
	xml_node *ax = xml_copy(A(r), x);
	xml_node *item = xml_add_elem(A(r), ax, NULL, "item", NULL);
	xml_set_attr(A(r), item, "affiliation", muc_affiliation_name(a));
	xml_set_attr(A(r), item, "jid", addr);
	if (reason)
		xml_add_elem(A(r), item, NULL, "reason", reason);
	xml_add_child(m, ax);
	bool semi = !strcmp(room_whois(r), "moderators");
	room_broadcast(r, m, semi ? ROLE_MODERATOR : ROLE_NONE);
}

bool room_set_affiliation(muc_room *r, const char *actor, const char *jid_text,
		muc_affiliation aff, const char *reason, const char *reserved_nick,
		const char **err_type, const char **err_cond)
{
	jid j;
	*err_type = "modify";
	*err_cond = "not-acceptable";
	if (!jid_text || !jid_split(A(r), jid_text, &j))
		return false;
	const char *target = jid_join(A(r), j.node, j.domain, NULL);
	bool host_only = !j.node;
	/* component_admins_as_room_owners: admins stay owners. */
	if (aff != AFF_OWNER && world_is_admin(room_world(r), target))
		return false;
	muc_affiliation old = AFF_NONE;
	for (size_t i = 0; i < room_affiliation_count(r); i++) {
		const char *ej;
		muc_affiliation ea;
		room_affiliation_at(r, i, &ej, &ea, NULL, NULL);
		if (!strcmp(ej, target))
			old = ea;
	}
	bool downgrade = old > aff;
	if (actor) {
		const char *cond = affiliation_refusal(r, actor, target, old, aff);
		if (cond) {
			*err_type = "cancel";
			*err_cond = cond;
			return false;
		}
	}
	const char *stored_reason = profile_has(muc_profile(muc_of(r)), BEHAVIOUR_OUTCAST_REASON)
		&& aff == AFF_OUTCAST ? reason : NULL;
	room_store_affiliation(r, target, aff, reserved_nick, stored_reason);

	muc_role role = room_default_role(r, aff);
	xml_node *x = xml_new(A(r), NS_MUC_USER, "x");
	if (role == ROLE_NONE)
		room_add_status(r, x, aff == AFF_OUTCAST ? "301" : "321");
	size_t n, k = 0;
	const char **nicks = room_occupant_nicks(r, &n);
	muc_occupant **updated = arena_alloc(A(r), (n + 1) * sizeof *updated);
	muc_role *old_roles = arena_alloc(A(r), (n + 1) * sizeof *old_roles);
	for (size_t i = 0; i < n; i++) {
		muc_occupant *o = room_occupant_by_nick(r, nicks[i]);
		if (!o)
			continue;
		bool hit = !strcmp(o->bare_jid, target) || (host_only && aff == AFF_OUTCAST
				&& !strcmp(jid_domain_of(A(r), o->bare_jid), target));
		if (!hit)
			continue;
		old_roles[k] = o->role;
		updated[k++] = o;
		if (o->role != role && (downgrade || o->role < role)) {
			o->role = role;
			room_save_occupant(r, o);
		}
	}
	bool semi = !strcmp(room_whois(r), "moderators");
	for (size_t i = 0; i < k; i++) {
		muc_occupant *o = updated[i];
		room_publicise(r, o, x, NULL, NULL, actor, reason, old_roles[i], false, NULL);
		if (o->role == ROLE_NONE) {
			room_occupant_left(r, o);
		} else if (semi && ((old_roles[i] == ROLE_MODERATOR) != (o->role == ROLE_MODERATOR))) {
			/* Gained or lost the right to see real JIDs: resend the list. */
			for (size_t s = 0; s < occupant_session_count(o); s++)
				room_send_occupant_list(r, occupant_session_jid(o, s), false, target);
		}
	}
	if (k == 0)
		announce_absent(r, x, target, aff, reason);
	return true;
}

/* ---- set_role ---------------------------------------------------------------- */

bool room_set_role(muc_room *r, const char *actor, const char *occupant_jid,
		muc_role role, const char *reason, const char **err_type,
		const char **err_cond)
{
	muc_occupant *o = room_occupant_by_nick(r, occupant_jid);
	*err_type = "modify";
	if (!o) {
		*err_cond = "item-not-found";
		return false;
	}
	if (actor) {
		muc_occupant *actor_o = room_occupant_by_real_jid(r, actor);
		muc_role_change c = {
			.actor_affiliation = room_affiliation(r, actor),
			.target_affiliation = room_affiliation(r, o->bare_jid),
			.actor_role = actor_o ? actor_o->role : ROLE_NONE,
			.from = o->role, .to = role,
		};
		const char *cond = muc_role_refusal(&c);
		if (cond) {
			*err_type = "cancel";
			*err_cond = cond;
			return false;
		}
	}
	xml_node *x = xml_new(A(r), NS_MUC_USER, "x");
	if (role == ROLE_NONE)
		room_add_status(r, x, "307");
	muc_role prev = o->role;
	o->role = role;
	room_save_occupant(r, o);
	room_publicise(r, o, x, NULL, NULL, actor, reason, prev, false, NULL);
	if (role == ROLE_NONE)
		room_occupant_left(r, o);
	return true;
}

/* ---- the muc#admin queries ------------------------------------------------------ */

static bool item_checks(muc_room *r, xml_node *stanza, xml_node *item)
{
	const char *jid_text = xml_attr(item, "jid");
	if (jid_text) {
		jid j;
		if (!jid_prep(A(r), jid_text, &j)) {
			room_reply_error(r, stanza, "modify", "jid-malformed", NULL, NULL);
			return false;
		}
		if (j.resource) {
			room_reply_error(r, stanza, "modify", "jid-malformed",
					"Bare JID expected, got full JID", NULL);
			return false;
		}
		xml_set_attr(A(r), item, "jid", jid_full(A(r), &j));
	}
	const char *nick = xml_attr(item, "nick");
	if (nick) {
		const char *prepped = jid_resourceprep(A(r), nick, false);
		if (!prepped) {
			room_reply_error(r, stanza, "modify", "jid-malformed", "invalid nickname", NULL);
			return false;
		}
		xml_set_attr(A(r), item, "nick", prepped);
	}
	return true;
}

void room_handle_admin_set(muc_room *r, xml_node *stanza)
{
	xml_node *item = xml_first(xml_first(stanza));
	if (!item) {
		room_reply_error(r, stanza, "cancel", "bad-request", NULL, NULL);
		return;
	}
	if (!item_checks(r, stanza, item))
		return;
	const char *jid_s = xml_attr(item, "jid"), *nick = xml_attr(item, "nick");
	const char *aff_s = xml_attr(item, "affiliation"), *role_s = xml_attr(item, "role");
	if (!jid_s && nick) {
		/* COMPAT: some clients send a nick to change an affiliation. */
		muc_occupant *o = room_occupant_by_nick(r,
				jid_join(A(r), NULL, room_jid(r), nick));
		if (o)
			jid_s = o->bare_jid;
	} else if (role_s && !nick && jid_s) {
		const char *occupant = room_occupant_jid(r, jid_s);
		if (occupant)
			nick = jid_resource_of(A(r), occupant);
	}
	const char *actor = xml_attr(stanza, "from");
	const char *reason = xml_child_text(item, "reason", NULL);
	const char *type = "cancel", *cond = "bad-request";
	bool ok = false;
	if (aff_s && jid_s && !role_s) {
		muc_affiliation a;
		if (!muc_affiliation_parse(aff_s, &a)) {
			type = "modify";
			cond = "not-acceptable";
		} else {
			const char *reserve = NULL;
			if (nick) {
				const char *occupant_jid = arena_printf(A(r), "%s/%s", room_jid(r), nick);
				muc_occupant *holder = room_occupant_by_nick(r, occupant_jid);
				if (holder && strcmp(holder->bare_jid, jid_s) != 0)
					room_set_role(r, NULL, occupant_jid, ROLE_NONE,
							"This nickname is reserved", &type, &cond);
				reserve = nick;
			}
			ok = room_set_affiliation(r, actor, jid_s, a, reason, reserve, &type, &cond);
		}
	} else if (role_s && nick && !aff_s) {
		muc_role role;
		if (!muc_role_parse(role_s, &role)) {
			type = "modify";
			cond = "not-acceptable";
		} else {
			ok = room_set_role(r, actor, arena_printf(A(r), "%s/%s", room_jid(r), nick),
					role, reason, &type, &cond);
		}
	}
	if (ok)
		room_reply(r, stanza, NULL);
	else
		room_reply_error(r, stanza, type, cond, NULL, NULL);
}

static xml_node *admin_query(muc_room *r)
{
	return xml_new(A(r), NS_MUC_ADMIN, "query");
}

static void list_affiliation(muc_room *r, xml_node *stanza, muc_affiliation want)
{
	xml_node *q = admin_query(r);
	for (size_t i = 0; i < room_affiliation_count(r); i++) {
		const char *addr, *nick, *reason;
		muc_affiliation a;
		room_affiliation_at(r, i, &addr, &a, &nick, &reason);
		if (a != want)
			continue;
		xml_node *item = xml_add_elem(A(r), q, NULL, "item", NULL);
		xml_set_attr(A(r), item, "affiliation", muc_affiliation_name(a));
		xml_set_attr(A(r), item, "jid", addr);
		xml_set_attr(A(r), item, "nick", nick);
		if (reason)
			xml_add_elem(A(r), item, NULL, "reason", reason);
	}
	room_reply(r, stanza, q);
}

static void list_role(muc_room *r, xml_node *stanza, muc_role want)
{
	xml_node *q = admin_query(r);
	for (size_t i = 0; i < room_occupant_count(r); i++) {
		muc_occupant *o = room_occupant_at(r, i);
		if (o->role != want)
			continue;
		const char *nick = jid_resource_of(A(r), o->nick);
		muc_affiliation a = room_affiliation(r, o->bare_jid);
		for (size_t s = 0; s < occupant_session_count(o); s++) {
			xml_node *item = xml_add_elem(A(r), q, NULL, "item", NULL);
			xml_set_attr(A(r), item, "affiliation", muc_affiliation_name(a));
			xml_set_attr(A(r), item, "jid", occupant_session_jid(o, s));
			xml_set_attr(A(r), item, "nick", nick);
			xml_set_attr(A(r), item, "role", muc_role_name(o->role));
		}
	}
	room_reply(r, stanza, q);
}

void room_handle_admin_get(muc_room *r, xml_node *stanza)
{
	const char *actor = xml_attr(stanza, "from");
	muc_affiliation actor_aff = room_affiliation(r, actor);
	xml_node *item = xml_first(xml_first(stanza));
	/* Prosody indexes the item without checking it exists: an error
	 * aborts the stanza, which goes unanswered. */
	if (!item)
		return;
	const char *aff_s = xml_attr(item, "affiliation"), *role_s = xml_attr(item, "role");
	muc_affiliation want_aff;
	muc_role want_role;
	if (aff_s && muc_affiliation_parse(aff_s, &want_aff) && !role_s) {
		bool allowed = (actor_aff >= AFF_ADMIN && actor_aff >= want_aff)
			|| (room_flag_get(r, FLAG_MEMBERS_ONLY) && !strcmp(room_whois(r), "anyone")
				&& actor_aff >= AFF_MEMBER);
		if (allowed)
			list_affiliation(r, stanza, want_aff);
		else
			room_reply_error(r, stanza, "auth", "forbidden", NULL, NULL);
		return;
	}
	if (role_s && muc_role_parse(role_s, &want_role) && !aff_s) {
		muc_occupant *o = room_occupant_by_real_jid(r, actor);
		muc_role role = o ? o->role : room_default_role(r, actor_aff);
		if (role >= ROLE_MODERATOR)
			list_role(r, stanza, want_role);
		else
			room_reply_error(r, stanza, "auth", "forbidden", NULL, NULL);
		return;
	}
	room_reply_error(r, stanza, "cancel", "bad-request", NULL, NULL);
}
