/* effects.c — what each input of a judged transaction changed, applied to
 * the model only as far as its outcome was observed: a request that got a
 * result is applied; one whose reply went with its sender's stream makes
 * what it touched unknown. */
#include "judge.h"

#include <string.h>

#include "jid.h"

#define FORM_ROOMCONFIG "http://jabber.org/protocol/muc#roomconfig"
#define NODE_DESTROY "http://prosody.im/protocol/muc#destroy"
#define NODE_SET_AFFILIATION "http://prosody.im/protocol/muc#set-affiliation"

typedef enum outcome { OUT_RESULT, OUT_ERROR, OUT_NONE, OUT_UNSEEN } outcome;

/* What the sender of an IQ got back. */
static outcome outcome_of(const judge *j, const input *in)
{
	const delivery *first;
	if (judge_replies(j, in, &first))
		return strcmp(read_type(first->stanza), "result") ? OUT_ERROR : OUT_RESULT;
	return track_connected(j->c, in->from) ? OUT_NONE : OUT_UNSEEN;
}

static const xml_node *payload(const input *in, const char *name, const char *ns)
{
	const xml_node *p = xml_first(in->stanza);
	return p && !strcmp(xml_name(p), name) && !strcmp(xml_ns(p), ns) ? p : NULL;
}

/* ---- configuration forms (muc.lib.lua L940-998) ----------------------- */

static void apply_password(shadow_room *r, const xml_node *f)
{
	const char *p = read_field_text(f);
	r->password = (known_text){true, p && *p ? p : NULL};
}

static void apply_whois(shadow_room *r, const xml_node *f)
{
	r->whois_anyone = (known_flag){true, read_is(read_field_text(f), "anyone")};
}

static void apply_members_only(shadow_room *r, const xml_node *f)
{
	r->members_only = (known_flag){true, read_field_true(f)};
}

static void apply_persistent(shadow_room *r, const xml_node *f)
{
	r->persistent = (known_flag){true, read_field_true(f)};
}

/* Every <value/> names a role or nothing (presence_broadcast.lib.lua
 * L70-76): unknown names show no one. */
static void apply_broadcast(shadow_room *r, const xml_node *f)
{
	unsigned set = 0;
	for (const xml_node *v = xml_first(f); v; v = xml_next(v)) {
		rank_role role;
		if (!strcmp(xml_name(v), "value") && rank_parse_role(xml_text(v), &role))
			set |= 1u << role;
	}
	r->broadcast_known = true;
	r->broadcast = set;
}

static void forget_password(shadow_room *r) { r->password.known = false; }
static void forget_whois(shadow_room *r) { r->whois_anyone.known = false; }
static void forget_members_only(shadow_room *r) { r->members_only.known = false; }
static void forget_persistent(shadow_room *r) { r->persistent.known = false; }
static void forget_broadcast(shadow_room *r) { r->broadcast_known = false; }

/* The settings the oracle follows. */
static const struct config_field {
	const char *var;
	void (*apply)(shadow_room *r, const xml_node *field);
	void (*forget)(shadow_room *r);
} config_fields[] = {
	{"muc#roomconfig_roomsecret", apply_password, forget_password},
	{"muc#roomconfig_whois", apply_whois, forget_whois},
	{"muc#roomconfig_membersonly", apply_members_only, forget_members_only},
	{"muc#roomconfig_persistentroom", apply_persistent, forget_persistent},
	{"muc#roomconfig_presencebroadcast", apply_broadcast, forget_broadcast},
};

static bool same_flag(known_flag a, known_flag b)
{
	return a.known == b.known && a.value == b.value;
}

/* Whether the settings the oracle follows are alike in both, as far as
 * known: a field applied is known, so its setting was known before too. */
static bool same_settings(const shadow_room *a, const shadow_room *b)
{
	const char *pa = a->password.value, *pb = b->password.value;
	return same_flag(a->whois_anyone, b->whois_anyone)
		&& same_flag(a->members_only, b->members_only)
		&& same_flag(a->persistent, b->persistent)
		&& a->broadcast_known == b->broadcast_known && a->broadcast == b->broadcast
		&& a->password.known == b->password.known
		&& (pa == pb || (pa && pb && !strcmp(pa, pb)));
}

/* A submission that got a result applied every field; one that got no
 * reply raised half-way, in hash order, after unlocking; one whose reply
 * was lost may have done either.  A cancelled form changes nothing.  Each
 * field's handler sets its own setting alone (muc.lib.lua L976-979), so
 * one the form sets to the value the room had is known either way. */
static void apply_form(shadow_room *r, const xml_node *form, outcome out)
{
	if (out == OUT_ERROR || !read_is(xml_attr(form, "type"), "submit"))
		return;
	r->locked = (known_flag){out != OUT_UNSEEN, false};
	for (size_t i = 0; i < sizeof config_fields / sizeof *config_fields; i++) {
		const xml_node *f = read_field(form, config_fields[i].var);
		shadow_room reached = *r;
		if (f)
			config_fields[i].apply(&reached, f);
		if (f && out == OUT_RESULT)
			config_fields[i].apply(r, f);
		else if (f && !same_settings(r, &reached))
			config_fields[i].forget(r);
	}
}

/* Destruction (muc.lib.lua L1020-1034): everyone out, nothing but errors
 * until created again. */
static void destroy_room(checker *c, shadow_room *r)
{
	shadow_room_forget(c, r);
	r->destroyed = true;
}

static void apply_owner_set(judge *j, const input *in, shadow_room *r, const xml_node *q)
{
	const xml_node *child = xml_first(q);
	outcome out = outcome_of(j, in);
	if (!child)
		return;
	if (!strcmp(xml_name(child), "destroy")) {
		if (out == OUT_RESULT)
			destroy_room(j->c, r);
		else if (out == OUT_UNSEEN)
			shadow_room_doubt(r);
	} else if (!strcmp(xml_name(child), "x") && !strcmp(xml_ns(child), NS_DATA_CHECK)) {
		const xml_node *form = xml_child(q, "x", NS_DATA_CHECK);
		bool typed = !xml_first(form)
			|| read_is(read_field_text(read_field(form, "FORM_TYPE")), FORM_ROOMCONFIG);
		bool was_members_only = r->members_only.known && r->members_only.value;
		/* Unanswered (a later field raised) or answered to a closed
		 * stream: it may have closed the room. */
		bool may_close = typed && (out == OUT_NONE || out == OUT_UNSEEN)
			&& read_is(xml_attr(form, "type"), "submit")
			&& read_field_true(read_field(form, "muc#roomconfig_membersonly"));
		if (typed)
			apply_form(r, form, out);
		if (!was_members_only && r->members_only.known && r->members_only.value)
			view_expel_non_members(j->c, r);
		else if (!was_members_only && may_close)
			view_maybe_expel_non_members(j->c, r);
	}
}

/* ---- affiliations ----------------------------------------------------- */

static const char *prepped_bare(checker *c, const char *text)
{
	jid parts;
	return text && jid_prep(c->a, text, &parts) ? addr_bare(c, jid_full(c->a, &parts)) : NULL;
}

/* The bare JID of whoever held an occupant JID when the room handled the
 * transaction: the roster's, or, when the transaction removed it (an
 * outcast, or a member no more in a members-only room, muc.lib.lua
 * L1489-1494) and its own unavailable presence has already taken it out
 * of the roster (view_apply), the bare JID that presence went to. */
static const char *holder_before(judge *j, shadow_room *r, const char *occupant)
{
	const char *bare = occupant ? shadow_nick_bare(j->c, r, occupant) : NULL;
	for (size_t i = 0; !bare && occupant && i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->nick == occupant && read_is_self_presence(d->stanza))
			bare = addr_bare(j->c, d->to);
	}
	return bare;
}

/* A muc#admin item (muc.lib.lua L1046-1106): an affiliation change is
 * stored with its nick as reservation, if it has one (L1083-1093).  The
 * nick is resourceprepped before it names an occupant (L1062-1072). */
static void apply_admin_set(judge *j, const input *in, shadow_room *r, const xml_node *q)
{
	const xml_node *item = xml_first(q);
	rank_affiliation aff;
	if (!item || xml_attr(item, "role")
			|| !rank_parse_affiliation(xml_attr(item, "affiliation"), &aff))
		return;
	const char *nick = xml_attr(item, "nick");
	const char *reserved = nick ? jid_resourceprep(j->c->a, nick, false) : NULL;
	const char *target = prepped_bare(j->c, xml_attr(item, "jid"));
	if (!target && reserved)
		target = holder_before(j, r, judge_item_occupant(j, r, nick));
	outcome out = outcome_of(j, in);
	if (!target || out == OUT_ERROR || out == OUT_NONE)
		return;
	if (out == OUT_UNSEEN) {
		/* Its reply is lost, but the sender's rank may settle it: certainly
		 * refused, or, for a bare JID already prepared (muc.lib.lua
		 * L1052-1061) and no nick to reserve, certainly made.  In a room
		 * in doubt the ranks the model holds may be a gone incarnation's. */
		const char *refusal = r->existence == ROOM_PRESENT
			? authority_affiliation_refusal(j, r, in, target, aff) : "";
		if (!refusal && !nick && read_is(target, xml_attr(item, "jid")))
			shadow_affiliation_set(j->c, r, target, aff, NULL, false);
		else if (!refusal || !*refusal)
			shadow_affiliation_forget(j->c, r, target, aff);
		return;
	}
	shadow_affiliation_set(j->c, r, target, aff, check_intern_str(j->c, reserved), false);
}

/* Registration (register.lib.lua L147-229): <remove/> ends a membership
 * and any reservation; a nick is reserved, keeping the affiliation. */
static void apply_register(judge *j, const input *in, shadow_room *r, const xml_node *q)
{
	checker *c = j->c;
	const char *bare = addr_bare(c, in->from);
	outcome out = outcome_of(j, in);
	affiliation_lookup aff = shadow_affiliation(c, r, bare);
	/* Unseen, it changed an admin's or owner's reservation at most (its
	 * affiliation stays, register.lib.lua L147-229): the model forgets the
	 * reservation rather than guess it. */
	if (out == OUT_UNSEEN && aff.known && aff.affiliation > AFF_MEMBER)
		shadow_affiliation_set(c, r, bare, aff.affiliation, NULL, true);
	else if (out == OUT_UNSEEN)
		shadow_affiliation_forget(c, r, bare, AFF_MEMBER);
	if (out != OUT_RESULT || !aff.known)
		return;
	if (xml_child(q, "remove", NS_REGISTER_CHECK)) {
		shadow_affiliation_set(c, r, bare, aff.affiliation == AFF_MEMBER ? AFF_NONE
				: aff.affiliation, NULL, true);
		return;
	}
	const xml_node *form = xml_child(q, "x", NS_DATA_CHECK);
	const char *nick = read_field_text(read_field(form, "muc#register_roomnick"));
	const char *prepped = nick ? jid_resourceprep(c->a, nick, true) : NULL;
	if (prepped)
		shadow_affiliation_set(c, r, bare, aff.affiliation > AFF_NONE ? aff.affiliation
				: AFF_MEMBER, check_intern_str(c, prepped), false);
}

/* An invitation a members-only room relays makes an invitee affiliated
 * none or outcast a member (members_only.lib.lua L148-165), and leaves any
 * other as it was; while the setting is unknown (a form that raised may
 * have set it) or the outcome unseen, such an invitee's affiliation is
 * unknown. */
static void apply_invite(judge *j, const input *in, shadow_room *r)
{
	const xml_node *x = read_muc_user(in->stanza);
	const xml_node *invite = x ? xml_first(x) : NULL;
	if (!invite || strcmp(xml_name(invite), "invite") != 0
			|| (r->members_only.known && !r->members_only.value))
		return;
	const char *invitee = prepped_bare(j->c, xml_attr(invite, "to"));
	if (!invitee || judge_error_to(j, in->from, r->addr))
		return;
	affiliation_lookup aff = shadow_affiliation(j->c, r, invitee);
	if (aff.known && aff.affiliation > AFF_NONE)
		return;  /* only the unaffiliated become members */
	if (!track_connected(j->c, in->from) || !r->members_only.known)
		shadow_affiliation_forget(j->c, r, invitee, AFF_MEMBER);
	else if (aff.known)
		shadow_affiliation_set(j->c, r, invitee, AFF_MEMBER, NULL, false);
}

/* ---- the service's ad-hoc commands (mod_muc.lua L523-597) ------------- */

static const char *command_note(const xml_node *command)
{
	for (const xml_node *n = xml_first(command); n; n = xml_next(n))
		if (!strcmp(xml_name(n), "note") && read_is(xml_attr(n, "type"), "info"))
			return xml_text(n);
	return NULL;
}

/* "The following rooms were destroyed:" and one room per line. */
static void apply_destroyed_list(judge *j, const char *note)
{
	const char *line = note ? strchr(note, '\n') : NULL;
	while (line) {
		const char *start = line + 1;
		line = strchr(start, '\n');
		size_t n = line ? (size_t)(line - start) : strlen(start);
		shadow_room *r = shadow_room_find(j->c, check_intern(j->c, start, n));
		if (r)
			destroy_room(j->c, r);
	}
}

/* A destroy command whose reply went with its sender's stream may have
 * destroyed any room it names, looked up as given (get_room_from_jid,
 * mod_muc.lua L542-547), if its sender is an admin. */
static void apply_maybe_destroyed(judge *j, const input *in, const xml_node *form)
{
	const xml_node *rooms = read_field(form, "rooms");
	if (!world_is_admin(j->c->w, addr_bare(j->c, in->from)))
		return;
	for (const xml_node *v = rooms ? xml_first(rooms) : NULL; v; v = xml_next(v)) {
		shadow_room *r = strcmp(xml_name(v), "value") ? NULL
			: shadow_room_find(j->c, check_intern_str(j->c, xml_text(v)));
		if (r && r->existence != ROOM_ABSENT)
			shadow_room_doubt(r);
	}
}

static void apply_set_affiliation(judge *j, const xml_node *form, outcome out)
{
	const char *room = prepped_bare(j->c, read_field_text(read_field(form, "room")));
	const char *target = prepped_bare(j->c, read_field_text(read_field(form, "jid")));
	rank_affiliation aff;
	shadow_room *r = room ? shadow_room_find(j->c, room) : NULL;
	if (!r || !target)
		return;
	if (!rank_parse_affiliation(read_field_text(read_field(form, "affiliation")), &aff))
		return;
	if (out == OUT_UNSEEN)
		shadow_affiliation_forget(j->c, r, target, aff);
	else
		shadow_affiliation_set(j->c, r, target, aff, NULL, false);
}

static void apply_command(judge *j, const input *in, const xml_node *command)
{
	const delivery *reply;
	outcome out = outcome_of(j, in);
	const char *node = xml_attr(command, "node");
	const xml_node *form = xml_child(command, "x", NS_DATA_CHECK);
	if (out == OUT_UNSEEN && read_is(node, NODE_SET_AFFILIATION)) {
		apply_set_affiliation(j, form, out);
		return;
	}
	if (out == OUT_UNSEEN && read_is(node, NODE_DESTROY)) {
		apply_maybe_destroyed(j, in, form);
		return;
	}
	if (out != OUT_RESULT || !judge_replies(j, in, &reply))
		return;
	const xml_node *done = xml_child(reply->stanza, "command", NS_COMMANDS_CHECK);
	if (!done || !read_is(xml_attr(done, "status"), "completed"))
		return;
	if (read_is(node, NODE_DESTROY))
		apply_destroyed_list(j, command_note(done));
	else if (read_is(node, NODE_SET_AFFILIATION) && read_is(command_note(done), "Affiliation updated"))
		apply_set_affiliation(j, form, out);
}

/* ---- presences and errors --------------------------------------------- */

/* A presence creates a room it finds absent even when its join fails on
 * the nick (muc-room-pre-create runs first, muc.lib.lua L492-512); only
 * the service's refusal of the room's address or a tombstone (errors by
 * the service's domain, mod_muc.lua L466-485) keep it away.  Any other
 * refusal means the room was there after all. */
static void apply_creation(judge *j, const input *in, shadow_room *r)
{
	bool creates = !xml_attr(in->stanza, "type") && xml_child(in->stanza, "x", NS_MUC_CHECK);
	if (!creates || r->existence != ROOM_ABSENT)
		return;
	if (!track_connected(j->c, in->from)) {
		shadow_room_doubt(r);
		return;
	}
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		const xml_node *err = xml_child(d->stanza, "error", NS_CLIENT_CHECK);
		const char *condition = read_error_condition(d->stanza);
		if (d->to != in->from || d->room != r->addr || !err)
			continue;
		bool by_service = read_is(xml_attr(err, "by"), j->c->domain);
		bool nick = read_is(condition, "jid-malformed") || read_is(condition, "not-allowed");
		if (by_service && (read_is(condition, "jid-malformed") || read_is(condition, "gone")))
			return;
		if (by_service || !nick) {
			shadow_room_doubt(r);
			return;
		}
	}
	const xml_node *x = xml_child(in->stanza, "x", NS_MUC_CHECK);
	shadow_room_create(j->c, r, addr_bare(j->c, in->from), in->now_ms,
			xml_child_text(x, "password", NS_MUC_CHECK));
}

static bool is_unseen(const shadow_room *r, const char *session)
{
	for (size_t i = 0; i < r->unseen.len; i++)
		if (r->unseen.items[i] == session)
			return true;
	return false;
}

/* A join presence the room handles after its sender's stream closed may
 * let it in with nobody told (the self-presence goes to the closed
 * stream): an occupant the roster lacks, until its departure, which may
 * then leave the room empty (apply_emptiness).  Only a presence with the
 * muc <x/> joins (muc.lib.lua L625-629). */
static void apply_unseen_join(judge *j, const input *in, shadow_room *r)
{
	bool joins = !xml_attr(in->stanza, "type") && xml_child(in->stanza, "x", NS_MUC_CHECK);
	if (!joins || r->existence == ROOM_ABSENT || track_connected(j->c, in->from)
			|| shadow_roster_find(r, in->from))
		return;
	if (!is_unseen(r, in->from))
		vec_push(j->c->a, &r->unseen, (void *)in->from);
}

/* A nick change the room handled after its sender's stream closed is
 * told to nobody (the 303 and the new self-presence go to the closed
 * stream); if the sender was the room's only occupant not stranded, it
 * may have emptied the room as a nick change seen would (apply_emptiness),
 * or been refused: the room is then in doubt.  So may any presence from
 * an occupant that got in unseen (apply_unseen_join), whose nick nobody
 * was told. */
static void apply_unseen_nick_change(judge *j, const input *in, shadow_room *r)
{
	roster_entry *e = shadow_roster_find(r, in->from);
	bool unseen = !e && is_unseen(r, in->from);
	if (xml_attr(in->stanza, "type") || (!e && !unseen) || !in->occupant
			|| (e && in->occupant == e->nick) || track_connected(j->c, in->from))
		return;
	r->unseen_move |= shadow_only_stranded_besides(r, e);
}

/* util.lib.lua L27-42: errors that make the room drop their sender. */
static const char *const kickable[] = {
	"gone", "internal-server-error", "item-not-found", "jid-malformed",
	"recipient-unavailable", "redirect", "remote-server-not-found",
	"remote-server-timeout", "service-unavailable", NULL,
};

static bool is_kickable(const xml_node *s)
{
	const xml_node *err = xml_child(s, "error", NS_CLIENT_CHECK);
	const char *condition = NULL;
	for (const xml_node *e = err ? xml_first(err) : NULL; e && !condition; e = xml_next(e))
		if (!strcmp(xml_ns(e), NS_STANZAS_CHECK) && strcmp(xml_name(e), "text") != 0)
			condition = xml_name(e);
	if (!condition)
		return true;  /* "malformed error" */
	for (const char *const *k = kickable; *k; k++)
		if (!strcmp(*k, condition))
			return true;
	return false;
}

/* A session leaves by its unavailable presence (muc.lib.lua L634-635,
 * L703-708) and is dropped for an error it sends (L409-439, L816-817,
 * L1344-1345, L899-901): certain outcomes, whether or not it hears of them. */
static void apply_departure(judge *j, const input *in, shadow_room *r)
{
	const char *name = xml_name(in->stanza), *type = read_type(in->stanza);
	bool leaves = !strcmp(name, "presence") && !strcmp(type, "unavailable");
	bool kicked = !strcmp(type, "error")
		&& (!strcmp(name, "presence") || (!strcmp(name, "message") && is_kickable(in->stanza)));
	if (!leaves && !kicked)
		return;
	bool seen = shadow_roster_find(r, in->from);
	shadow_roster_remove(j->c, r, in->from);
	for (size_t i = 0; i < r->unseen.len; i++) {
		if (r->unseen.items[i] != in->from)
			continue;
		r->unseen.items[i] = r->unseen.items[--r->unseen.len];
		r->unseen_left |= !seen;
		return;
	}
}

/* ---- groupchat -------------------------------------------------------- */

/* Accepted messages feed the history; a broadcast subject becomes the
 * room's (subject.lib.lua L74-84). */
static void apply_groupchat(judge *j, const input *in, shadow_room *r)
{
	if (!judge_error_to(j, in->from, r->addr))
		r->broadcasts++;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		const char *subject = xml_child_text(d->stanza, "subject", NS_CLIENT_CHECK);
		/* With a body or a thread it is an ordinary message (#667,
		 * subject.lib.lua L93-102): the subject stays. */
		if (d->room != r->addr || !subject || !d->nick
				|| strcmp(read_type(d->stanza), "groupchat") != 0
				|| xml_child(d->stanza, "body", NS_CLIENT_CHECK)
				|| xml_child(d->stanza, "thread", NS_CLIENT_CHECK))
			continue;
		r->subject = (known_text){true, *subject ? subject : NULL};
		r->subject_from = (known_text){true, d->nick};
		return;
	}
	/* A subject change whose fate went with its sender's stream may have
	 * changed the subject; an ordinary message cannot. */
	bool subject_change = xml_child(in->stanza, "subject", NS_CLIENT_CHECK)
		&& !xml_child(in->stanza, "body", NS_CLIENT_CHECK)
		&& !xml_child(in->stanza, "thread", NS_CLIENT_CHECK);
	if (subject_change && !track_connected(j->c, in->from))
		r->subject.known = r->subject_from.known = false;
}

/* ---- dispatch --------------------------------------------------------- */

static void apply_input(judge *j, const input *in)
{
	shadow_room *r = judge_room(j, in);
	const xml_node *q;
	switch (judge_kind(in)) {
	case IN_PRESENCE:
		apply_creation(j, in, r);
		apply_unseen_nick_change(j, in, r);
		apply_unseen_join(j, in, r);
		apply_departure(j, in, r);
		break;
	case IN_GROUPCHAT:
		apply_groupchat(j, in, r);
		break;
	case IN_ROOM_MESSAGE:
		apply_invite(j, in, r);
		apply_departure(j, in, r);
		break;
	case IN_PRIVATE:
		apply_departure(j, in, r);
		break;
	case IN_IQ_SET_ROOM:
		if (in->occupant)
			break;
		if ((q = payload(in, "query", NS_MUC_OWNER_CHECK)))
			apply_owner_set(j, in, r, q);
		else if ((q = payload(in, "query", NS_MUC_ADMIN_CHECK)))
			apply_admin_set(j, in, r, q);
		else if ((q = payload(in, "query", NS_REGISTER_CHECK)))
			apply_register(j, in, r, q);
		break;
	case IN_IQ_SET_SERVICE:
		if ((q = payload(in, "command", NS_COMMANDS_CHECK)))
			apply_command(j, in, q);
		break;
	default:
		break;
	}
}

/* An empty temporary room goes away with its last occupant (mod_muc.lua
 * L191-199), also when that occupant only changes nick: muc-occupant-left
 * fires for the old nick (muc.lib.lua L743-754) before the new one is
 * saved (L758-759), and the occupant stays in a room no longer served.
 * A room whose existence is uncertain may have gone that way too, and be
 * created again unseen (by a join the room then refuses) with a new salt:
 * the occupant ids seen so far no longer bind.  So may a room that the
 * departure of an unseen occupant (apply_unseen_join) leaves with nobody
 * the model knows of, if that join got in, which nobody saw: the subject
 * sent to every new session (subject.lib.lua L86-89) bounces off the
 * closed stream and the bounce drops it at once (muc.lib.lua L1344-1345,
 * L409-439), or the server's unavailable presence for the closed stream
 * does (L634-635, L703-708); the room is then in doubt.  An occupant that
 * vacated a room in doubt is stranded: it may be in a room no longer
 * served, while the room goes on, perhaps created again by others, until
 * the room tells it of itself again (view.c).  A room already in doubt
 * that its only known occupant vacates by a nick change strands it too,
 * unless known persistent: being told of itself under the new nick does
 * not show the room still there, since that self-presence goes out even
 * when the old nick's muc-occupant-left destroyed the room (muc.lib.lua
 * L743-759, mod_muc.lua L191-199); it was judged as if the room went on.
 * A departure that leaves only stranded occupants may have emptied the
 * room in service too.  While an occupant may have got in unseen, a room
 * that looks emptied is only in doubt. */
static void apply_emptiness(judge *j)
{
	for (size_t i = 0; i < shadow_room_count(j->c); i++) {
		shadow_room *r = shadow_room_at(j->c, i);
		bool emptied = r->vacated
			|| (r->roster.len < r->sessions_before && shadow_only_stranded_besides(r, NULL));
		bool maybe = (r->unseen_left && !r->roster.len) || r->unseen_move;
		r->vacated = r->unseen_left = r->unseen_move = false;
		if (emptied && r->unseen.len) {  /* one that got in unseen may be there */
			emptied = false;
			maybe = true;
		}
		if ((emptied || maybe) && r->existence == ROOM_UNCERTAIN)
			r->ids.len = 0;
		if (r->existence == ROOM_ABSENT || !(emptied || maybe)
				|| (r->existence == ROOM_UNCERTAIN && !emptied))
			continue;
		if (r->existence == ROOM_PRESENT && emptied
				&& r->persistent.known && !r->persistent.value) {
			shadow_room_forget(j->c, r);
		} else if (!r->persistent.known || !r->persistent.value) {
			shadow_room_doubt(r);
			view_strand(j->c, r);
		}
	}
}

void effects_apply(judge *j)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		if (!in->internal)
			apply_input(j, in);
	}
	apply_emptiness(j);
}
