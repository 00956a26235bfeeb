/* traffic.c — what the room sends and to whom: the invariants delivery,
 * moderation, privacy (a, b), spoofing, wellformed, destroy (what a
 * destroyed room sends) and amplification; definitions in check.c. */
#include "judge.h"

#include <stdint.h>
#include <string.h>

#include "client.h"

/* Every SAMPLE-th output is serialized and re-parsed (wellformed). */
enum { SAMPLE = 32 };  /* re-parsing is costly: at 8 it took a tenth of a run */

static bool is_message_of_type(const xml_node *s, const char *type)
{
	return !strcmp(xml_name(s), "message") && !strcmp(read_type(s), type);
}

static const input *input_of_kind(const judge *j, input_kind kind)
{
	for (size_t i = 0; i < judge_input_count(j); i++)
		if (judge_kind(judge_input(j, i)) == kind && !judge_input(j, i)->internal)
			return judge_input(j, i);
	return NULL;
}

static const char *occupant_jid_of(judge *j, const char *session, const char *room)
{
	shadow_room *r = shadow_room_find(j->c, room);
	roster_entry *e = r ? shadow_roster_find(r, session) : NULL;
	return e ? e->nick : NULL;
}

/* The occupant JID a sender's stanza must come from, as far as the sender
 * was told: NULL when its stream closed, which may have lost the news of
 * a nick change. */
static const char *sender_jid_of(judge *j, const input *in)
{
	return track_connected(j->c, in->from) ? occupant_jid_of(j, in->from, in->room) : NULL;
}

/* ---- groupchat: moderation and delivery ------------------------------- */

/* subject.lib.lua L93-102: <subject/> without <body/> or <thread/>. */
static bool is_subject_change(const xml_node *m)
{
	return xml_child(m, "subject", NS_CLIENT_CHECK) && !xml_child(m, "body", NS_CLIENT_CHECK)
		&& !xml_child(m, "thread", NS_CLIENT_CHECK);
}

/* The same subject from the same occupant changes nothing and is not
 * broadcast (subject.lib.lua L74-77). */
static bool repeats_subject(judge *j, const input *in, shadow_room *r)
{
	if (!is_subject_change(in->stanza) || !r->subject.known || !r->subject_from.known)
		return false;
	const char *text = xml_child_text(in->stanza, "subject", NS_CLIENT_CHECK);
	const char *subject = text && *text ? text : NULL;
	const char *from = sender_jid_of(j, in);
	bool same_text = subject ? read_is(subject, r->subject.value) : !r->subject.value;
	const char *old_from = r->subject_from.value ? r->subject_from.value : r->addr;
	return same_text && read_is(from, old_from);
}

static size_t copies_to(const judge *j, const char *session, const char *room)
{
	size_t n = 0;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		n += d->to == session && d->room == room && is_message_of_type(d->stanza, "groupchat");
	}
	return n;
}

static const delivery *first_copy(const judge *j, const char *room)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->room == room && is_message_of_type(d->stanza, "groupchat"))
			return d;
	}
	return NULL;
}

static void check_moderation(judge *j, const input *in, shadow_room *r)
{
	roster_entry *sender = shadow_roster_find(r, in->from);
	const delivery *copy = first_copy(j, in->room);
	if (!sender && !track_connected(j->c, in->from))
		return;  /* a closed stream may have lost the news of its join */
	if (copy && (!sender || sender->role <= ROLE_VISITOR))
		judge_report(j, "moderation", copy->step, copy->stanza,
				"a groupchat message from %s, %s, reached %s", in->from,
				sender ? "a visitor" : "not an occupant", copy->to);
}

/* Each connected occupant session gets `want` copies, nobody else any. */
static void check_copies(judge *j, const input *in, shadow_room *r, size_t want)
{
	for (size_t i = 0; i < r->roster.len; i++) {
		const char *s = shadow_roster_at(r, i)->session;
		size_t n = copies_to(j, s, r->addr);
		if (n != want && track_connected(j->c, s))
			judge_report(j, "delivery", in->step, in->stanza,
					"occupant session %s received %zu copies of a groupchat message from %s, not %zu",
					s, n, in->from, want);
	}
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->room == r->addr && is_message_of_type(d->stanza, "groupchat")
				&& !shadow_roster_find(r, d->to))
			judge_report(j, "delivery", d->step, d->stanza,
					"%s, no occupant session, received a groupchat message from %s",
					d->to, in->from);
	}
}

static void check_delivery(judge *j, const input *in, shadow_room *r)
{
	bool refused = judge_error_to(j, in->from, in->room);
	const delivery *copy = first_copy(j, in->room);
	if (refused && copy) {
		judge_report(j, "delivery", copy->step, copy->stanza,
				"a groupchat message refused to %s reached %s", in->from, copy->to);
		return;
	}
	if (refused || (!copy && !track_connected(j->c, in->from)))
		return;  /* refused, or its fate went with the sender's stream */
	/* Whether a subject change repeats the subject is unknown while the
	 * subject is: then all get one copy or none. */
	bool unknown = is_subject_change(in->stanza)
		&& (!r->subject.known || !r->subject_from.known);
	check_copies(j, in, r, unknown ? (copy ? 1 : 0) : repeats_subject(j, in, r) ? 0 : 1);
}

void traffic_check_groupchat(judge *j)
{
	const input *in = input_of_kind(j, IN_GROUPCHAT);
	shadow_room *r = in ? judge_room(j, in) : NULL;
	if (!r || r->existence == ROOM_UNCERTAIN)
		return;
	check_moderation(j, in, r);
	check_delivery(j, in, r);
}

/* ---- wellformed ------------------------------------------------------- */

static const xml_limits generous = {SIZE_MAX, 1024, 1 << 16, 1 << 20, 1 << 24};

static bool round_trips(checker *c, const xml_node *s)
{
	buf text = BUF_INIT;
	xml_write(&text, s, NS_CLIENT_CHECK);
	arena *scratch = arena_new();
	const xml_context ctx = {NS_CLIENT_CHECK, NULL, &generous};
	xml_error err;
	xml_node *back = xml_parse_one(world_parser(c->w), scratch, buf_str(&text), text.len,
			&ctx, &err);
	bool same = back && xml_equal(back, s);
	arena_free(scratch);
	buf_free(&text);
	return same;
}

/* Errors the room relays from an occupant are that occupant's writing. */
static bool relays_error(const judge *j, const delivery *d)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		input_kind k = judge_kind(in);
		if ((k == IN_IQ_RELAYED || k == IN_PRIVATE) && read_is_error(in->stanza) && d->nick)
			return true;
	}
	return false;
}

static void check_wellformed(judge *j, const delivery *d)
{
	const xml_node *s = d->stanza;
	if (!xml_attr(s, "from") || !xml_attr(s, "to"))
		judge_report(j, "wellformed", d->step, s, "a stanza to %s lacks %s", d->to,
				xml_attr(s, "from") ? "to" : "from");
	else if (read_is_error(s) && !read_error_condition(s) && !relays_error(j, d))
		judge_report(j, "wellformed", d->step, s,
				"an error to %s has no defined type and condition", d->to);
	else if (j->c->outputs++ % SAMPLE == 0 && !round_trips(j->c, s))
		judge_report(j, "wellformed", d->step, s,
				"a stanza to %s does not re-parse to the same tree", d->to);
}

/* ---- spoofing --------------------------------------------------------- */

static bool is_room_delay(const xml_node *e, const char *room)
{
	bool delay = !strcmp(xml_name(e), "delay") && !strcmp(xml_ns(e), NS_DELAY_CHECK);
	bool legacy = !strcmp(xml_name(e), "x") && !strcmp(xml_ns(e), NS_LEGACY_DELAY_CHECK);
	return (delay || legacy) && read_is(xml_attr(e, "from"), room);
}

static const xml_node *room_delay(const xml_node *s, const char *room)
{
	for (const xml_node *e = xml_first(s); e; e = xml_next(e))
		if (is_room_delay(e, room))
			return e;
	return NULL;
}

/* The bare JID of the connected session holding an occupant JID, or NULL:
 * a session whose stream closed may have lost the news of its nick change
 * (its 303 and new self-presence, muc.lib.lua L724-759), so the model may
 * still have it under a nick that is someone else's by now.  Nor does a
 * stranded session hold its nick for sure (effects.c): its nick change as
 * the only occupant of a room that may be temporary fires
 * muc-occupant-left (L746-754) before the new nick is saved (L758-759), so
 * the room may have been destroyed (mod_muc.lua L191-199) while it still
 * told the session of its new nick, and been created again unseen
 * (mod_muc.lua L491-493), where another bare JID may take that nick. */
static const char *nick_holder(judge *j, shadow_room *r, const char *nick)
{
	for (size_t i = 0; i < r->roster.len; i++) {
		const roster_entry *e = shadow_roster_at(r, i);
		if (e->nick == nick && !e->stranded && track_connected(j->c, e->session))
			return addr_bare(j->c, e->session);
	}
	return NULL;
}

/* Occupant ids: one at most, and one per real bare JID (1). */
static void check_occupant_id(judge *j, const delivery *d)
{
	size_t n = read_count(d->stanza, "occupant-id", NS_OCCUPANT_ID_CHECK);
	if (n > 1) {
		judge_report(j, "spoofing", d->step, d->stanza, "%zu occupant ids in one stanza", n);
		return;
	}
	const char *id = read_attr(xml_child(d->stanza, "occupant-id", NS_OCCUPANT_ID_CHECK), "id");
	if (!id || !d->nick || room_delay(d->stanza, d->room))
		return;  /* history is checked when it was live */
	shadow_room *r = shadow_room_get(j->c, d->room);
	/* A creation starts a new incarnation, with a new salt, wherever it
	 * falls among the deliveries judged together: even a room Prosody
	 * forgot while a nick change was still announcing its occupant
	 * (muc.lib.lua L743-759 with mod_muc.lua L191-199). */
	if (read_is_self_presence(d->stanza) && read_has_status(read_muc_user(d->stanza), "201"))
		r->ids.len = 0;
	/* A delivery no transaction explains (to a stream that closed, read
	 * out after the fact) cannot be placed among the incarnations: the
	 * room may have gone and come back with a new salt since it was put
	 * in flight (mod_muc.lua L191-199, L491-493). */
	if (j->alone)
		return;
	const char *bare = read_is_self_presence(d->stanza) ? addr_bare(j->c, d->to)
		: nick_holder(j, r, d->nick);
	if (bare && !shadow_bind_id(j->c, r, bare, check_intern_str(j->c, id)))
		judge_report(j, "spoofing", d->step, d->stanza,
				"occupant id '%s' for %s (%s) contradicts an earlier one", id, d->nick, bare);
}

/* A presence has the room's muc#user <x/> and no other (2). */
static void check_presence_x(judge *j, const delivery *d)
{
	if (strcmp(xml_name(d->stanza), "presence") != 0 || read_is_error(d->stanza))
		return;
	size_t n = read_count(d->stanza, "x", NS_MUC_USER_CHECK);
	if (n != 1)
		judge_report(j, "spoofing", d->step, d->stanza,
				"a presence from %s carries %zu muc#user elements, not the room's one",
				xml_attr(d->stanza, "from"), n);
}

static bool has_stanza_id(judge *j, const xml_node *s, const char *room, const char *id)
{
	for (const xml_node *e = xml_first(s); e; e = xml_next(e))
		if (!strcmp(xml_name(e), "stanza-id") && !strcmp(xml_ns(e), NS_SID_CHECK)
				&& read_is(xml_attr(e, "id"), id) && addr_same(j->c, xml_attr(e, "by"), room))
			return true;
	return false;
}

/* A live broadcast: from its sender, no room delay, the room's stanza-id
 * only (3). */
static void check_broadcast(judge *j, const delivery *d, const input *in)
{
	const char *sender = sender_jid_of(j, in);
	const char *from = xml_attr(d->stanza, "from");
	size_t ids = 0;
	if (sender && !read_is(from, sender))
		judge_report(j, "spoofing", d->step, d->stanza,
				"a groupchat message from %s was broadcast as from %s", sender, from);
	if (room_delay(d->stanza, d->room))
		judge_report(j, "spoofing", d->step, d->stanza,
				"a live groupchat message carries a delay from the room");
	for (const xml_node *e = xml_first(d->stanza); e; e = xml_next(e)) {
		if (strcmp(xml_name(e), "stanza-id") != 0 || strcmp(xml_ns(e), NS_SID_CHECK) != 0
				|| !addr_same(j->c, xml_attr(e, "by"), d->room))
			continue;
		if (++ids > 1 || has_stanza_id(j, in->stanza, d->room, xml_attr(e, "id")))
			judge_report(j, "spoofing", d->step, d->stanza,
					"a groupchat message carries a stanza-id by the room that is not the room's");
	}
}

/* A private message: from its sender, with one empty muc#user <x/> (4). */
static void check_private(judge *j, const delivery *d, const input *in)
{
	const char *sender = sender_jid_of(j, in);
	const xml_node *x = read_muc_user(d->stanza);
	if (sender && !read_is(xml_attr(d->stanza, "from"), sender))
		judge_report(j, "spoofing", d->step, d->stanza,
				"a private message from %s was relayed as from %s", sender,
				xml_attr(d->stanza, "from"));
	else if (read_count(d->stanza, "x", NS_MUC_USER_CHECK) != 1 || xml_first(x))
		judge_report(j, "spoofing", d->step, d->stanza,
				"a private message is not relayed with exactly one empty muc#user element");
}

static void check_spoofing(judge *j, const delivery *d)
{
	check_occupant_id(j, d);
	check_presence_x(j, d);
	if (strcmp(xml_name(d->stanza), "message") != 0 || read_is_error(d->stanza) || !d->nick)
		return;
	const input *gc = input_of_kind(j, IN_GROUPCHAT);
	const input *pm = input_of_kind(j, IN_PRIVATE);
	if (gc && gc->room == d->room && is_message_of_type(d->stanza, "groupchat"))
		check_broadcast(j, d, gc);
	else if (pm && pm->room == d->room && d->to != pm->from)
		check_private(j, d, pm);
}

/* ---- destroy: a destroyed room sends only errors ---------------------- */

static void check_destroyed(judge *j, const delivery *d)
{
	shadow_room *r = shadow_room_find(j->c, d->room);
	if (r && r->destroyed && !read_is_error(d->stanza))
		judge_report(j, "destroy", d->step, d->stanza,
				"destroyed room %s sent %s a %s that is not an error", r->addr, d->to,
				xml_name(d->stanza));
}

/* ---- privacy ---------------------------------------------------------- */

static bool has_payload(const xml_node *s, const char *name)
{
	const xml_node *x = read_muc_user(s);
	return x && xml_child(x, name, NULL);
}

static bool is_voice_request(const xml_node *s)
{
	const xml_node *form = xml_child(s, "x", NS_DATA_CHECK);
	return read_is(read_field_text(read_field(form, "FORM_TYPE")),
			"http://jabber.org/protocol/muc#request");
}

/* What a room may send a session that is no occupant (a). */
static bool is_for_anyone(const delivery *d)
{
	const xml_node *s = d->stanza;
	const char *name = xml_name(s);
	if (read_is_error(s) || (!strcmp(name, "iq") && !strcmp(read_type(s), "result")))
		return true;
	if (!strcmp(name, "presence"))
		return !strcmp(read_type(s), "unavailable") && has_payload(s, "destroy");
	if (strcmp(name, "message") != 0)
		return false;
	bool notice = !d->nick && has_payload(s, "item") && !xml_child(s, "body", NS_CLIENT_CHECK);
	return has_payload(s, "invite") || has_payload(s, "decline") || notice
		|| is_voice_request(s);
}

/* The highest role a session has in this transaction: as an occupant, or
 * as its self-presences here make it.  Prosody changes every role a request
 * changes before it announces any (muc.lib.lua L1470-1485, L1498-1517). */
static rank_role role_of(judge *j, shadow_room *r, const char *session)
{
	roster_entry *e = shadow_roster_find(r, session);
	rank_role best = e ? e->role : ROLE_NONE;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		rank_role role;
		if (d->to == session && d->room == r->addr && read_is_self_presence(d->stanza)
				&& rank_parse_role(read_attr(read_item(read_muc_user(d->stanza)), "role"), &role)
				&& role > best)
			best = role;
	}
	return best;
}

/* is_anonymous_for's affiliation test applies to occupant lists, which
 * answer a session's own presence or an affiliation change. */
static bool lists_occupants_to(const judge *j, const char *session)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		const xml_node *q = xml_first(in->stanza);
		bool admin = judge_kind(in) == IN_IQ_SET_ROOM && q
			&& !strcmp(xml_ns(q), NS_MUC_ADMIN_CHECK);
		if (admin || (judge_kind(in) == IN_PRESENCE && in->from == session))
			return true;
	}
	return false;
}

typedef struct shown_jid {
	const char *addr;
	enum { SHOWN_ITEM, SHOWN_INVITER, SHOWN_DECLINER } as;
} shown_jid;

static bool may_see(judge *j, const delivery *d, shadow_room *r, const shown_jid *shown)
{
	checker *c = j->c;
	const char *bare = addr_bare(c, shown->addr);
	if (bare == addr_bare(c, d->to) || shown->as == SHOWN_DECLINER
			|| role_of(j, r, d->to) == ROLE_MODERATOR)
		return true;
	affiliation_lookup own = shadow_affiliation(c, r, addr_bare(c, d->to));
	bool high = !own.known || own.affiliation >= AFF_ADMIN;
	if (shown->as == SHOWN_INVITER)
		return high || !shadow_roster_find(r, check_intern_str(c, shown->addr));
	return high && !strcmp(xml_name(d->stanza), "presence") && lists_occupants_to(j, d->to);
}

static void check_shown(judge *j, const delivery *d, shadow_room *r, shown_jid shown)
{
	if (shown.addr && !may_see(j, d, r, &shown))
		judge_report(j, "privacy", d->step, d->stanza,
				"%s, not entitled in a semi-anonymous room, was shown the real JID %s",
				d->to, shown.addr);
}

/* (b): real JIDs in the room's muc#user payload. */
static void check_real_jids(judge *j, const delivery *d, shadow_room *r)
{
	const xml_node *x = read_muc_user(d->stanza);
	for (const xml_node *e = x ? xml_first(x) : NULL; e; e = xml_next(e)) {
		const char *name = xml_name(e);
		if (!strcmp(name, "item")) {
			check_shown(j, d, r, (shown_jid){xml_attr(e, "jid"), SHOWN_ITEM});
			check_shown(j, d, r, (shown_jid){read_attr(xml_child(e, "actor", NULL), "jid"),
					SHOWN_ITEM});
		} else if (!strcmp(name, "invite")) {
			check_shown(j, d, r, (shown_jid){xml_attr(e, "from"), SHOWN_INVITER});
		} else if (!strcmp(name, "decline")) {
			check_shown(j, d, r, (shown_jid){xml_attr(e, "from"), SHOWN_DECLINER});
		}
	}
}

/* Whether an owner's form in this transaction may make the room
 * non-anonymous (whois.lib.lua L19-23, L44-49): the oracle does not know where
 * among the transaction's deliveries the room applied it (another input
 * of the same step, an error bounced by a gone session, may come after). */
static bool may_open_whois(const judge *j, const shadow_room *r)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		const xml_node *q = xml_first(in->stanza);
		if (in->room != r->addr || judge_kind(in) != IN_IQ_SET_ROOM || in->occupant || !q
				|| strcmp(xml_name(q), "query") != 0 || strcmp(xml_ns(q), NS_MUC_OWNER_CHECK) != 0)
			continue;
		const xml_node *form = xml_child(q, "x", NS_DATA_CHECK);
		if (read_is(read_field_text(read_field(form, "muc#roomconfig_whois")), "anyone"))
			return true;
	}
	return false;
}

static void check_privacy(judge *j, size_t i)
{
	const delivery *d = judge_delivery(j, i);
	shadow_room *r = shadow_room_find(j->c, d->room);
	if (!r || r->existence == ROOM_UNCERTAIN || !track_connected(j->c, d->to))
		return;  /* a closed stream lost what told the session where it stands */
	/* The MUC answers for whom it addressed: a message to a session gone
	 * by the time it arrives goes to the bare JID's other sessions
	 * (RFC 6121 §8.5.3.2.1, as Prosody's mod_message does). */
	if (!read_is(xml_attr(d->stanza, "to"), d->to))
		return;
	if (!j->member[i] && !is_for_anyone(d)) {
		judge_report(j, "privacy", d->step, d->stanza,
				"%s, no occupant session of %s, received its %s", d->to, r->addr,
				xml_name(d->stanza));
		return;
	}
	bool stanza = strcmp(xml_name(d->stanza), "iq") != 0 && !read_is_error(d->stanza);
	if (stanza && r->whois_anyone.known && !r->whois_anyone.value && !may_open_whois(j, r))
		check_real_jids(j, d, r);
}

/* ---- per delivery ----------------------------------------------------- */

/* In an unprompted transaction only what comes from the MUC is its output. */
static bool is_output(const judge *j, const delivery *d)
{
	return judge_input_count(j) || addr_domain_is(xml_attr(d->stanza, "from"), j->c->domain);
}

void traffic_check_delivery(judge *j, size_t i)
{
	const delivery *d = judge_delivery(j, i);
	if (!is_output(j, d))
		return;
	check_wellformed(j, d);
	if (!d->room)
		return;
	check_spoofing(j, d);
	if (!j->alone) {
		check_destroyed(j, d);
		check_privacy(j, i);
	}
}

/* ---- amplification ---------------------------------------------------- */

typedef struct sizes {
	uint64_t s, a, h, c;           /* sessions, affiliations, history, clients */
} sizes;

static uint64_t bound_one(const sizes *z) { (void)z; return 1; }
static uint64_t bound_broadcast(const sizes *z) { return z->s > 1 ? z->s : 1; }
static uint64_t bound_presence(const sizes *z) { return 4 * z->s + z->a + z->h + 4; }
static uint64_t bound_room_message(const sizes *z) { return z->c + z->s * z->s + z->s + 1; }

static uint64_t bound_iq_set(const sizes *z)
{
	return 1 + 2 * z->s + 2 * z->s * z->s + z->s * z->a;
}

/* Indexed by input_kind; the definition in check.c says why. */
static uint64_t (*const bounds[IN_KIND_COUNT])(const sizes *) = {
	[IN_OTHER] = bound_one,
	[IN_PRESENCE] = bound_presence,
	[IN_GROUPCHAT] = bound_broadcast,
	[IN_ROOM_MESSAGE] = bound_room_message,
	[IN_PRIVATE] = bound_broadcast,
	[IN_IQ_GET] = bound_one,
	[IN_IQ_RELAYED] = bound_one,
	[IN_IQ_SET_ROOM] = bound_iq_set,
	[IN_IQ_SET_SERVICE] = bound_iq_set,
};

static uint64_t max_u64(uint64_t x, uint64_t y)
{
	return x > y ? x : y;
}

/* The sizes an input is bounded by: its room's, or every room's for the
 * service. */
static sizes sizes_of(judge *j, const input *in)
{
	sizes z = {0, 0, 0, client_count(j->c->w)};
	shadow_room *only = judge_room(j, in);
	for (size_t k = 0; k < shadow_room_count(j->c); k++) {
		shadow_room *r = shadow_room_at(j->c, k);
		if (only && r != only)
			continue;
		z.s += max_u64(shadow_session_count(r), r->sessions_before);
		z.a += r->affiliations.len;
		z.h += r->broadcasts;
	}
	return z;
}

void traffic_check_amplification(judge *j)
{
	uint64_t bound = 0, n = 0;
	for (size_t i = 0; i < judge_input_count(j); i++) {
		sizes z = sizes_of(j, judge_input(j, i));
		bound += bounds[judge_kind(judge_input(j, i))](&z);
	}
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (is_output(j, d) && ++n > bound) {
			judge_report(j, "amplification", d->step, d->stanza,
					"%zu incoming stanza(s) caused more than %llu deliveries",
					judge_input_count(j), (unsigned long long)bound);
			return;
		}
	}
}
