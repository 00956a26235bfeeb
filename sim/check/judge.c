/* judge.c — judging transactions; see judge.h. */
#include "judge.h"

#include <stdarg.h>
#include <string.h>

#include "jid.h"

input *judge_input(const judge *j, size_t i)
{
	return &((input *)j->t->inputs.data)[i];
}

size_t judge_input_count(const judge *j)
{
	return j->t ? j->t->inputs.len : 0;
}

delivery *judge_delivery(const judge *j, size_t i)
{
	return &((delivery *)j->t->deliveries.data)[i];
}

size_t judge_delivery_count(const judge *j)
{
	return j->t ? j->t->deliveries.len : 0;
}

/* ---- classifying inputs ----------------------------------------------- */

typedef enum target { TO_SERVICE, TO_ROOM, TO_OCCUPANT } target;

static target target_of(const input *in)
{
	return in->occupant ? TO_OCCUPANT : in->room ? TO_ROOM : TO_SERVICE;
}

/* By stanza name, type ("*": any other) and target; first match wins. */
static const struct {
	const char *name, *type;
	target to;
	input_kind kind;
} kinds[] = {
	{"presence", "*", TO_ROOM, IN_PRESENCE},
	{"presence", "*", TO_OCCUPANT, IN_PRESENCE},
	{"message", "groupchat", TO_ROOM, IN_GROUPCHAT},
	{"message", "*", TO_ROOM, IN_ROOM_MESSAGE},
	{"message", "*", TO_OCCUPANT, IN_PRIVATE},
	{"iq", "get", TO_SERVICE, IN_IQ_GET},
	{"iq", "get", TO_ROOM, IN_IQ_GET},
	{"iq", "get", TO_OCCUPANT, IN_IQ_GET},
	{"iq", "result", TO_OCCUPANT, IN_IQ_RELAYED},
	{"iq", "error", TO_OCCUPANT, IN_IQ_RELAYED},
	{"iq", "set", TO_ROOM, IN_IQ_SET_ROOM},
	{"iq", "set", TO_OCCUPANT, IN_IQ_SET_ROOM},
	{"iq", "set", TO_SERVICE, IN_IQ_SET_SERVICE},
};

input_kind judge_kind(const input *in)
{
	const char *name = xml_name(in->stanza), *type = read_type(in->stanza);
	target to = target_of(in);
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].name, name) && kinds[i].to == to
				&& (!strcmp(kinds[i].type, "*") || !strcmp(kinds[i].type, type)))
			return kinds[i].kind;
	return IN_OTHER;
}

shadow_room *judge_room(judge *j, const input *in)
{
	return in->room ? shadow_room_get(j->c, in->room) : NULL;
}

/* The rules of who may be in a room: the root cause of whatever an
 * intruder, or an occupant that should be gone, then receives. */
static bool is_access_rule(const char *invariant)
{
	static const char *const access[] = {
		"password", "lock", "ban", "members-only", "nick", "destroy",
	};
	for (size_t i = 0; i < sizeof access / sizeof *access; i++)
		if (!strcmp(invariant, access[i]))
			return true;
	return false;
}

void judge_report(judge *j, const char *invariant, uint64_t step,
		const xml_node *stanza, const char *fmt, ...)
{
	if (j->c->violated || (j->held && !is_access_rule(invariant)))
		return;
	finding f = {invariant, step, stanza,
		judge_input_count(j) ? judge_input(j, 0)->stanza : NULL};
	va_list ap;
	va_start(ap, fmt);
	char *text = arena_vprintf(j->c->a, fmt, ap);
	va_end(ap);
	if (is_access_rule(invariant)) {
		check_report(j->c, &f, "%s", text);
		return;
	}
	j->held = true;
	j->held_finding = f;
	j->held_text = text;
}

/* Report what was held back, unless an access rule was broken meanwhile. */
static void judge_done(judge *j)
{
	if (j->held)
		check_report(j->c, &j->held_finding, "%s", j->held_text);
	j->held = false;
}

/* ---- queries ---------------------------------------------------------- */

const delivery *judge_join_of(const judge *j, const char *session, const char *room)
{
	shadow_room *r = shadow_room_find(j->c, room);
	if (r && shadow_roster_find(r, session))
		return NULL;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->to == session && d->room == room && d->nick
				&& read_is_self_presence(d->stanza) && !xml_attr(d->stanza, "type"))
			return d;
	}
	return NULL;
}

const input *judge_presence_from(const judge *j, const char *session, const char *room)
{
	for (size_t i = 0; i < judge_input_count(j); i++) {
		const input *in = judge_input(j, i);
		if (in->from == session && in->room == room
				&& !strcmp(xml_name(in->stanza), "presence"))
			return in;
	}
	return NULL;
}

size_t judge_replies(const judge *j, const input *in, const delivery **first)
{
	size_t n = 0;
	const char *id = xml_attr(in->stanza, "id");
	const char *to = xml_attr(in->stanza, "to");
	*first = NULL;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		const char *type = read_type(d->stanza);
		if (d->to != in->from || strcmp(xml_name(d->stanza), "iq") != 0
				|| (strcmp(type, "result") != 0 && strcmp(type, "error") != 0)
				|| !read_is(xml_attr(d->stanza, "id"), id)
				|| !read_is(xml_attr(d->stanza, "from"), to))
			continue;
		if (!n++)
			*first = d;
	}
	return n;
}

const char *judge_item_occupant(judge *j, const shadow_room *r, const char *nick)
{
	const char *prepped = nick ? jid_resourceprep(j->c->a, nick, false) : NULL;
	return prepped ? check_intern_str(j->c, arena_printf(j->c->a, "%s/%s", r->addr, prepped))
		: NULL;
}

bool judge_error_to(const judge *j, const char *session, const char *room)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (d->to == session && d->room == room && read_is_error(d->stanza))
			return true;
	}
	return false;
}

/* ---- the phases ------------------------------------------------------- */

/* A self-presence with 201: the room was created by that session's
 * presence (muc.lib.lua L516-517), a new incarnation for the model. */
static void note_creations(judge *j)
{
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		if (!d->nick || !read_is_self_presence(d->stanza)
				|| !read_has_status(read_muc_user(d->stanza), "201"))
			continue;
		const input *in = judge_presence_from(j, d->to, d->room);
		const xml_node *x = in ? xml_child(in->stanza, "x", NS_MUC_CHECK) : NULL;
		shadow_room_create(j->c, shadow_room_get(j->c, d->room), addr_bare(j->c, d->to),
				in ? in->now_ms : world_now(j->c->w),
				x ? xml_child_text(x, "password", NS_MUC_CHECK) : NULL);
	}
}

/* Before the room's decisions are replayed: whether each delivery's
 * session was an occupant session of its room or joins it in this
 * transaction (a reused scratch array), and each room's occupancy. */
static void note_before(judge *j)
{
	array *flags = &j->c->scratch_member;
	flags->len = 0;
	for (size_t i = 0; i < judge_delivery_count(j); i++) {
		const delivery *d = judge_delivery(j, i);
		shadow_room *r = d->room ? shadow_room_find(j->c, d->room) : NULL;
		*(bool *)array_push(j->c->a, flags, sizeof(bool)) = r
			&& (shadow_roster_find(r, d->to) || judge_join_of(j, d->to, d->room));
	}
	j->member = flags->data;
	for (size_t k = 0; k < shadow_room_count(j->c); k++) {
		shadow_room *r = shadow_room_at(j->c, k);
		r->sessions_before = shadow_session_count(r);
		r->owned_before = !shadow_ownerless(r);
		r->existence_before = r->existence;
		r->destroyed_before = r->destroyed;
	}
}

void judge_txn(checker *c, txn *t)
{
	judge j = {.c = c, .t = t};
	note_creations(&j);
	note_before(&j);
	access_check_joins(&j);
	traffic_check_groupchat(&j);
	authority_check_decisions(&j);
	for (size_t i = 0; i < judge_delivery_count(&j); i++) {
		traffic_check_delivery(&j, i);
		view_apply(&j, i);
	}
	effects_apply(&j);
	access_check_state(&j);
	authority_check_replies(&j);
	traffic_check_amplification(&j);
	view_note_murk(c, t->step);
	judge_done(&j);
}

void judge_untracked(checker *c, const delivery *d)
{
	txn alone = {.deliveries = {(void *)d, 1, 1}};
	judge j = {.c = c, .t = &alone, .alone = true};
	traffic_check_delivery(&j, 0);
	judge_done(&j);
}

void judge_quiescent(checker *c)
{
	view_check(c);
}
