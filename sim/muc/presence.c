/* presence.c — joining, leaving, nick changes and presence broadcast, as
 * muc.lib.lua's handle_first_presence, handle_normal_presence,
 * publicise_occupant_status and send_occupant_list do it. */
#include "muc_internal.h"

#include <string.h>

#include "jid.h"
#include "stanza.h"

static arena *A(muc_room *r)
{
	return room_arena(r);
}

static xml_node *muc_user_x(muc_room *r)
{
	return xml_new(A(r), NS_MUC_USER, "x");
}

void room_add_status(muc_room *r, xml_node *x, const char *code)
{
	xml_node *s = xml_add_elem(A(r), x, NULL, "status", NULL);
	xml_set_attr(A(r), s, "code", code);
}

static bool can_see_real_jids(const muc_room *r, const muc_occupant *o)
{
	if (!strcmp(room_whois(r), "anyone"))
		return true;
	return o->role >= ROLE_MODERATOR;
}

/* add_item: <item affiliation role jid nick><actor/><reason/></item>. */
static void add_item(muc_room *r, xml_node *x, muc_affiliation aff, muc_role role,
		const char *addr, const char *nick, const char *actor_nick,
		const char *actor_jid, const char *reason)
{
	xml_node *item = xml_add_elem(A(r), x, NULL, "item", NULL);
	xml_set_attr(A(r), item, "affiliation", muc_affiliation_name(aff));
	xml_set_attr(A(r), item, "jid", addr);
	xml_set_attr(A(r), item, "nick", nick);
	xml_set_attr(A(r), item, "role", muc_role_name(role));
	if (actor_nick || actor_jid) {
		xml_node *actor = xml_add_elem(A(r), item, NULL, "actor", NULL);
		xml_set_attr(A(r), actor, "jid", actor_jid);
		xml_set_attr(A(r), actor, "nick", actor_nick);
	}
	if (reason)
		xml_add_elem(A(r), item, NULL, "reason", reason);
}

/* build_item_list: one anonymous item, or one item per session. */
static void build_item_list(muc_room *r, const muc_occupant *o, xml_node *x,
		bool anonymous, const char *nick, const char *actor_nick,
		const char *actor_jid, const char *reason)
{
	muc_affiliation aff = room_affiliation(r, o->bare_jid);
	if (anonymous) {
		add_item(r, x, aff, o->role, NULL, nick, actor_nick, actor_jid, reason);
		return;
	}
	for (size_t i = 0; i < occupant_session_count(o); i++)
		add_item(r, x, aff, o->role, occupant_session_jid(o, i), nick,
				actor_nick, actor_jid, reason);
}

static xml_node *with_child(muc_room *r, const xml_node *base, xml_node *x)
{
	xml_node *p = xml_copy(A(r), base);
	xml_add_child(p, x);
	return p;
}

void room_publicise(muc_room *r, const muc_occupant *o, xml_node *x,
		xml_node *self_x_template, const char *nick, const char *actor,
		const char *reason, muc_role prev_role, bool force_unavailable,
		const muc_occupant *recipient)
{
	xml_node *pr = occupant_presence(o, NULL);
	xml_node *base;
	if (pr && (o->role != ROLE_NONE || xml_attr(pr, "type")) && !force_unavailable) {
		base = xml_copy(A(r), pr);
	} else {
		/* Leaving without a leave presence of its own: make one. */
		base = xml_new(A(r), NS_CLIENT, "presence");
		xml_set_attr(A(r), base, "from", o->nick);
		xml_set_attr(A(r), base, "type", "unavailable");
	}
	muc_event ev = {.room = r, .stanza = base, .occupant = (muc_occupant *)o};
	muc_fire(r, EV_BUILD_OCCUPANT_PRESENCE, &ev);
	if (!recipient)
		muc_fire(r, EV_BROADCAST_PRESENCE, &ev);

	const char *actor_nick = NULL;
	if (actor) {
		const char *actor_occupant = room_occupant_jid(r, actor);
		actor_nick = actor_occupant ? jid_resource_of(A(r), actor_occupant) : NULL;
	}
	xml_node *full_x = xml_copy(A(r), x);
	build_item_list(r, o, full_x, false, nick, actor_nick, actor, reason);
	xml_node *full_p = with_child(r, base, full_x);
	xml_node *anon_x = xml_copy(A(r), x);
	build_item_list(r, o, anon_x, true, nick, actor_nick, NULL, reason);
	xml_node *anon_p = with_child(r, base, anon_x);
	/* Everyone sees their own real JIDs, but not the actor's. */
	xml_node *self_x = xml_copy(A(r), self_x_template ? self_x_template : x);
	build_item_list(r, o, self_x, false, nick, actor_nick, NULL, reason);

	/* One presence with self_x, as muc.lib.lua L302-304 builds it: routing
	 * copies it, and status 110 joins self_x only after the others got it. */
	xml_node *self_p = with_child(r, base, self_x);
	if (recipient) {
		xml_node *p = can_see_real_jids(r, recipient) ? full_p
			: !strcmp(o->bare_jid, recipient->bare_jid) ? self_p : anon_p;
		room_route_to_occupant(r, recipient, p);
		return;
	}
	for (size_t i = 0; i < room_occupant_count(r); i++) {
		muc_occupant *n = room_occupant_at(r, i);
		if (!strcmp(n->nick, o->nick))
			continue;
		xml_node *p = can_see_real_jids(r, n) ? full_p
			: !strcmp(o->bare_jid, n->bare_jid) ? self_p : anon_p;
		if (room_broadcasts(r, o->role) || force_unavailable) {
			room_route_to_occupant(r, n, p);
		} else if (prev_role != ROLE_NONE && room_broadcasts(r, prev_role)) {
			xml_set_attr(A(r), p, "type", "unavailable");
			room_route_to_occupant(r, n, p);
		}
	}
	room_add_status(r, self_x, "110");
	if (o->role == ROLE_NONE) {
		room_route_to_occupant(r, o, self_p);
		return;
	}
	/* Each session gets its own presence as the template. */
	for (size_t i = 0; i < occupant_session_count(o); i++) {
		const char *addr = occupant_session_jid(o, i);
		xml_node *p = xml_copy(A(r), occupant_presence(o, addr));
		muc_event bev = {.room = r, .stanza = p, .occupant = (muc_occupant *)o};
		muc_fire(r, EV_BUILD_OCCUPANT_PRESENCE, &bev);
		xml_set_attr(A(r), p, "to", addr);
		xml_add_child(p, xml_copy(A(r), self_x));
		room_route(r, p);
	}
}

/* is_anonymous_for: real JIDs are hidden from `addr` unless whois is
 * anyone, it is an admin or owner by affiliation, or it is a moderator. */
static bool is_anonymous_for(muc_room *r, const char *addr)
{
	if (!strcmp(room_whois(r), "anyone"))
		return false;
	muc_affiliation a = room_affiliation(r, addr);
	if (a == AFF_ADMIN || a == AFF_OWNER)
		return false;
	muc_occupant *o = room_occupant_by_real_jid(r, addr);
	return !(o && can_see_real_jids(r, o));
}

void room_send_occupant_list(muc_room *r, const char *to, bool skip_session,
		const char *except_bare)
{
	const char *to_bare = jid_bare_of(A(r), to);
	bool anonymous = is_anonymous_for(r, to);
	size_t n = room_occupant_count(r);
	for (size_t i = 0; i < n; i++) {
		muc_occupant *o = room_occupant_at(r, i);
		if (skip_session && occupant_presence(o, to))
			continue;  /* not the joining session itself */
		if (except_bare && !strcmp(o->bare_jid, except_bare))
			continue;
		bool own = to_bare && !strcmp(to_bare, o->bare_jid);
		xml_node *x = muc_user_x(r);
		build_item_list(r, o, x, anonymous && !own, NULL, NULL, NULL, NULL);
		xml_node *p = xml_copy(A(r), occupant_presence(o, NULL));
		xml_set_attr(A(r), p, "to", to);
		xml_add_child(p, x);
		muc_event ev = {.room = r, .stanza = p, .occupant = o};
		muc_fire(r, EV_BUILD_OCCUPANT_PRESENCE, &ev);
		if (own || room_broadcasts(r, o->role))
			room_route(r, p);
	}
	if (!room_broadcasts(r, ROLE_NONE))
		return;
	/* Affiliated users who are not in the room, as unavailable. */
	for (size_t i = 0; i < room_affiliation_count(r); i++) {
		const char *addr, *nick;
		muc_affiliation a;
		room_affiliation_at(r, i, &addr, &a, &nick, NULL);
		bool present = false;
		for (size_t k = 0; k < n && !present; k++)
			present = !strcmp(room_occupant_at(r, k)->bare_jid, addr);
		if (present || (!nick && anonymous))
			continue;
		xml_node *p = xml_new(A(r), NS_CLIENT, "presence");
		xml_set_attr(A(r), p, "from", nick ? arena_printf(A(r), "%s/%s", room_jid(r), nick)
				: room_jid(r));
		xml_set_attr(A(r), p, "to", to);
		xml_set_attr(A(r), p, "type", "unavailable");
		add_item(r, xml_add_child(p, muc_user_x(r)), a, ROLE_NONE,
				anonymous ? NULL : addr, nick, NULL, NULL, NULL);
		room_route(r, p);
	}
}

void room_send_unavailable_registered(muc_room *r, const char *nick_jid, const char *to)
{
	const char *nick = jid_resource_of(A(r), nick_jid);
	const char *addr = room_registered_jid(r, nick);
	if (!addr)
		return;
	xml_node *p = xml_new(A(r), NS_CLIENT, "presence");
	xml_set_attr(A(r), p, "from", nick_jid);
	xml_set_attr(A(r), p, "to", to);
	xml_set_attr(A(r), p, "type", "unavailable");
	add_item(r, xml_add_child(p, muc_user_x(r)), room_affiliation(r, addr), ROLE_NONE,
			is_anonymous_for(r, to) ? NULL : addr, nick, NULL, NULL, NULL);
	muc_event ev = {.room = r, .stanza = p};
	muc_fire(r, EV_BUILD_OCCUPANT_PRESENCE, &ev);
	room_route(r, p);
}

void room_occupant_left(muc_room *r, muc_occupant *o)
{
	muc_event ev = {.room = r, .occupant = o};
	muc_fire(r, EV_OCCUPANT_LEFT, &ev);
}

static void occupant_joined(muc_room *r, muc_occupant *o, xml_node *stanza,
		bool first_session)
{
	muc_event ev = {.room = r, .occupant = o, .stanza = stanza};
	if (first_session)
		muc_fire(r, EV_OCCUPANT_JOINED, &ev);
	muc_fire(r, EV_OCCUPANT_SESSION_NEW, &ev);
}

void room_handle_first_presence(muc_room *r, xml_node *stanza)
{
	const char *real_jid = xml_attr(stanza, "from");
	const char *bare = jid_bare_of(A(r), real_jid);
	muc_event ev = {.room = r, .stanza = stanza};
	if (muc_fire(r, EV_ROOM_PRE_CREATE, &ev))
		return;
	muc_occupant *o = occupant_new(r, bare, xml_attr(stanza, "to"));
	const char *orig_nick = o->nick;
	muc_event join = {.room = r, .stanza = stanza, .occupant = o, .is_new_room = true};
	if (muc_fire(r, EV_OCCUPANT_PRE_JOIN, &join))
		return;
	bool nick_changed = strcmp(orig_nick, o->nick) != 0;
	occupant_set_session(r, o, real_jid, stanza, false);
	xml_node *x = muc_user_x(r);
	room_add_status(r, x, "201");
	if (!strcmp(room_whois(r), "anyone"))
		room_add_status(r, x, "100");
	if (nick_changed)
		room_add_status(r, x, "210");
	room_save_occupant(r, o);
	room_publicise(r, o, x, NULL, NULL, NULL, NULL, ROLE_NONE, false, NULL);
	occupant_joined(r, o, stanza, true);
}

/* The presence of a session that changes occupant (nick change or
 * leave): what the old occupant's observers and the session see. */
static void leave_orig_occupant(muc_room *r, xml_node *stanza, muc_occupant *orig,
		muc_occupant *dest, bool is_first_dest, bool is_last_orig)
{
	const char *real_jid = xml_attr(stanza, "from");
	xml_node *orig_x = muc_user_x(r);
	muc_role orig_role = orig->role;
	const char *dest_nick = NULL;
	if (!dest) {
		if (is_last_orig)
			orig->role = ROLE_NONE;
		occupant_set_session(r, orig, real_jid, stanza, false);
	} else {
		xml_node *unavail = xml_new(A(r), NS_CLIENT, "presence");
		xml_set_attr(A(r), unavail, "from", orig->nick);
		xml_set_attr(A(r), unavail, "to", real_jid);
		xml_set_attr(A(r), unavail, "type", "unavailable");
		occupant_set_session(r, orig, real_jid, unavail, false);
		dest_nick = jid_resource_of(A(r), dest->nick);
		muc_affiliation aff = room_affiliation(r, real_jid);
		if (!is_first_dest) {
			/* Joining a pre-existing session: show the other leaving. */
			xml_node *x = muc_user_x(r);
			add_item(r, x, aff, ROLE_NONE, NULL, NULL, NULL, NULL, NULL);
			xml_node *p = xml_new(A(r), NS_CLIENT, "presence");
			xml_set_attr(A(r), p, "from", dest->nick);
			xml_set_attr(A(r), p, "to", real_jid);
			xml_set_attr(A(r), p, "type", "unavailable");
			xml_add_elem(A(r), p, NULL, "status", arena_printf(A(r),
					"you are joining pre-existing session %s", dest_nick));
			xml_add_child(p, x);
			room_route(r, p);
		}
		if (is_first_dest && is_last_orig) {
			room_add_status(r, orig_x, "303");
		} else {
			/* The session itself always sees a nick change. */
			occupant_remove_session(r, orig, real_jid);
			xml_node *x = muc_user_x(r);
			add_item(r, x, aff, orig->role, real_jid, dest_nick, NULL, NULL, NULL);
			room_add_status(r, x, "303");
			room_add_status(r, x, "110");
			xml_node *p = xml_copy(A(r), unavail);
			xml_add_child(p, x);
			room_route(r, p);
			dest_nick = NULL;
		}
	}
	room_save_occupant(r, orig);
	room_publicise(r, orig, orig_x, NULL, dest_nick, NULL, NULL, orig_role, false, NULL);
	if (is_last_orig)
		room_occupant_left(r, orig);
}

static void enter_dest_occupant(muc_room *r, xml_node *stanza, muc_occupant *orig,
		muc_occupant *dest, bool is_first_dest, bool is_last_orig,
		bool nick_changed, bool has_muc_x)
{
	const char *real_jid = xml_attr(stanza, "from");
	occupant_set_session(r, dest, real_jid, stanza, false);
	room_save_occupant(r, dest);
	bool new_session = !orig || has_muc_x;
	if (new_session)
		room_send_occupant_list(r, real_jid, true, NULL);
	xml_node *x = muc_user_x(r);
	xml_node *self_x = muc_user_x(r);
	if (!orig && !strcmp(room_whois(r), "anyone"))
		room_add_status(r, self_x, "100");
	if (nick_changed)
		room_add_status(r, self_x, "210");
	room_publicise(r, dest, x, self_x, NULL, NULL, NULL,
			orig ? orig->role : ROLE_NONE, false, NULL);
	if (orig && orig != dest && !is_last_orig) {
		/* The session split off: show it the original nick again. */
		xml_node *p = xml_copy(A(r), occupant_presence(orig, NULL));
		xml_set_attr(A(r), p, "to", real_jid);
		xml_node *ox = muc_user_x(r);
		build_item_list(r, orig, ox, false, NULL, NULL, NULL, NULL);
		xml_add_child(p, ox);
		room_route(r, p);
	}
	if (new_session)
		occupant_joined(r, dest, stanza, is_first_dest);
}

static void handle_normal_presence(muc_room *r, xml_node *stanza)
{
	const char *type = xml_attr(stanza, "type");
	const char *real_jid = xml_attr(stanza, "from");
	const char *bare = jid_bare_of(A(r), real_jid);
	muc_occupant *orig = room_occupant_by_real_jid(r, real_jid);
	bool has_muc_x = xml_child(stanza, "x", NS_MUC) != NULL;
	if (!orig && !has_muc_x && !type) {
		room_reply_error(r, stanza, "cancel", "item-not-found",
				"You are not currently connected to this chat", room_jid(r));
		return;
	}
	muc_occupant *dest = NULL;
	bool is_first_dest = false;
	if (type && !strcmp(type, "unavailable")) {
		if (!orig)
			return;
	} else if (type && !strcmp(type, "probe")) {
		room_respond_to_probe(r, stanza, orig);
		return;
	} else if (orig && !strcmp(orig->nick, xml_attr(stanza, "to"))) {
		dest = orig;  /* a presence update */
	} else {
		dest = room_occupant_by_nick(r, xml_attr(stanza, "to"));
		if (!dest) {
			is_first_dest = true;
			dest = occupant_new(r, bare, xml_attr(stanza, "to"));
			if (orig)
				dest->role = orig->role;
		}
	}
	bool is_last_orig = orig && occupant_session_count(orig) < 2;
	const char *orig_nick = dest ? dest->nick : NULL;
	muc_event ev = {.room = r, .stanza = stanza};
	muc_event_kind kind;
	if (!orig) {
		kind = EV_OCCUPANT_PRE_JOIN;
		ev.occupant = dest;
	} else if (!dest) {
		kind = EV_OCCUPANT_PRE_LEAVE;
		ev.occupant = orig;
	} else {
		kind = EV_OCCUPANT_PRE_CHANGE;
		ev.occupant = orig;
		ev.dest_occupant = dest;
	}
	if (muc_fire(r, kind, &ev))
		return;
	bool nick_changed = dest && strcmp(orig_nick, dest->nick) != 0;
	if (dest && !is_first_dest && strcmp(bare, dest->bare_jid) != 0) {
		room_reply_error(r, stanza, "cancel", "conflict", NULL, room_jid(r));
		return;
	}
	if (orig && orig != dest)
		leave_orig_occupant(r, stanza, orig, dest, is_first_dest, is_last_orig);
	if (dest)
		enter_dest_occupant(r, stanza, orig, dest, is_first_dest, is_last_orig,
				nick_changed, has_muc_x);
}

/* handle_kickable: a presence error (or a kickable message error) from a
 * session removes that session; 333 when it was the last. */
void room_handle_kickable(muc_room *r, xml_node *stanza)
{
	const char *real_jid = xml_attr(stanza, "from");
	muc_occupant *o = room_occupant_by_real_jid(r, real_jid);
	if (!o)
		return;
	xml_node *err = xml_child(stanza, "error", NULL);
	const char *condition = NULL, *text = NULL;
	for (xml_node *c = err ? xml_first(err) : NULL; c; c = xml_next(c)) {
		if (strcmp(xml_ns(c), NS_STANZAS) != 0)
			continue;
		if (!strcmp(xml_name(c), "text"))
			text = xml_text(c);
		else if (!condition)
			condition = xml_name(c);
	}
	buf msg = BUF_INIT;
	buf_puts(&msg, "Kicked: ");
	if (condition) {
		for (const char *p = condition; *p; p++)
			buf_putc(&msg, *p == '-' ? ' ' : *p);
	} else {
		buf_puts(&msg, "presence error");
	}
	if (text && !strcmp(room_whois(r), "anyone"))
		buf_printf(&msg, ": %s", text);
	xml_node *unavail = xml_new(A(r), NS_CLIENT, "presence");
	xml_set_attr(A(r), unavail, "type", "unavailable");
	xml_add_elem(A(r), unavail, NULL, "status", buf_str(&msg));
	buf_free(&msg);
	occupant_set_session(r, o, real_jid, unavail, false);
	muc_role orig_role = o->role;
	bool is_last = o->primary && !strcmp(o->primary, real_jid);
	if (is_last)
		o->role = ROLE_NONE;
	muc_occupant *saved = room_save_occupant(r, o);
	xml_node *x = muc_user_x(r);
	if (is_last)
		room_add_status(r, x, "333");
	room_publicise(r, saved ? saved : o, x, NULL, NULL, NULL, NULL, orig_role, false, NULL);
	if (is_last)
		room_occupant_left(r, o);
}

/* build_unavailable_presence and respond_to_probe (#1535). */
void room_respond_to_probe(muc_room *r, xml_node *stanza, muc_occupant *prober)
{
	if (!prober) {
		room_reply_error(r, stanza, "cancel", "not-acceptable",
				"You are not currently connected to this chat", room_jid(r));
		return;
	}
	muc_occupant *probed = room_occupant_by_nick(r, xml_attr(stanza, "to"));
	if (!probed) {
		room_send_unavailable_registered(r, xml_attr(stanza, "to"), xml_attr(stanza, "from"));
		return;
	}
	room_publicise(r, probed, muc_user_x(r), NULL, NULL, NULL, NULL, ROLE_NONE,
			false, prober);
}

void room_handle_presence_to_occupant(muc_room *r, xml_node *stanza)
{
	const char *type = xml_attr(stanza, "type");
	if (type && !strcmp(type, "error")) {
		room_handle_kickable(r, stanza);
	} else if (!type || !strcmp(type, "unavailable") || !strcmp(type, "probe")) {
		handle_normal_presence(r, stanza);
	} else if (strcmp(type, "result") != 0 && strcmp(type, "visible") != 0
			&& strcmp(type, "invisible") != 0) {
		room_reply_error(r, stanza, "modify", "bad-request", NULL, room_jid(r));
	}
}

/* Some clients send presence updates to the room's bare JID. */
void room_handle_presence_to_room(muc_room *r, xml_node *stanza)
{
	const char *nick = room_occupant_jid(r, xml_attr(stanza, "from"));
	if (!nick) {
		room_unhandled(r, stanza);
		return;
	}
	xml_set_attr(A(r), stanza, "to", nick);
	room_handle_presence_to_occupant(r, stanza);
}
