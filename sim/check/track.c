/* track.c — which incoming stanzas caused each delivery; see
 * check_internal.h.
 *
 * Stanzas are put in flight only while a step is being handled (the server
 * and the MUC answer synchronously), by world_inject, or by the server when
 * a new session replaces an old one; none of these is observed, but each
 * changes world_link_pending.  At every event the checker compares each
 * server→client link's count with the one it last saw: what was added
 * since belongs to the step of the previous event.  Within a step, what is
 * added after the first stanza the MUC is given is the MUC's output (the
 * server routes what the MUC sends at once); what is added before is the
 * server's own (errors for malformed stanzas, presence to one's own
 * resources).  What is added when no step is being handled (a forged
 * injection) makes an *unprompted* transaction, with no input at all.
 *
 * A client that disconnects stops reading: what was in flight to it is
 * lost without an event, so its link is no longer followed from the first
 * event that finds it disconnected.  A client the server closed keeps
 * reading what was in flight; those deliveries are judged on their own.
 * Two sessions bound to one full JID are told apart by which is connected:
 * a replaced session that still reads its last stanzas is mistaken for its
 * successor (world events name the full JID, not the link).
 */
#include "check_internal.h"

#include <stdint.h>
#include <string.h>

#include "client.h"

typedef struct link_state {
	size_t pending;                /* world_link_pending when last looked */
	bool gone;                     /* disconnected: no longer followed */
	txn **tags;                    /* causes of what is in flight, oldest first */
	size_t head, len, cap;
} link_state;

#define NO_CLIENT SIZE_MAX

static link_state *link_at(checker *c, size_t i)
{
	while (c->links.len <= i)
		array_push(c->a, &c->links, sizeof(link_state));
	return &((link_state *)c->links.data)[i];
}

bool track_connected(checker *c, const char *session)
{
	return client_find(c->w, session) != NULL;
}

/* ---- transactions ----------------------------------------------------- */

static txn *txn_open(checker *c, uint64_t step)
{
	txn *t = c->spare;
	if (t)
		c->spare = t->next;
	else
		t = arena_alloc(c->a, sizeof *t);
	t->next = NULL;
	t->step = step;
	t->inputs.len = t->deliveries.len = 0;
	t->outstanding = 0;
	t->closed = false;
	if (c->tail)
		c->tail->next = t;
	else
		c->head = t;
	c->tail = t;
	c->current = t;
	return t;
}

/* Judge, in order, every transaction that can no longer change. */
static void txn_judge_ready(checker *c)
{
	while (c->head && c->head->closed && c->head->outstanding == 0) {
		txn *t = c->head;
		c->head = t->next;
		if (!c->head)
			c->tail = NULL;
		judge_txn(c, t);
		t->next = c->spare;
		c->spare = t;
	}
}

static void step_end(checker *c)
{
	if (c->current)
		c->current->closed = true;
	c->current = NULL;
}

/* ---- links ------------------------------------------------------------ */

static void link_tag(checker *c, link_state *l, txn *cause)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		txn **tags = arena_alloc(c->a, cap * sizeof *tags);
		if (l->len > l->head)
			memcpy(tags, l->tags + l->head, (l->len - l->head) * sizeof *tags);
		l->len -= l->head;
		l->head = 0;
		l->tags = tags;
		l->cap = cap;
	}
	l->tags[l->len++] = cause;
	if (cause)
		cause->outstanding++;
}

/* The cause of the oldest stanza in flight: false when none is tagged;
 * *cause NULL means the server's own. */
static bool link_pop(link_state *l, txn **cause)
{
	if (l->head == l->len)
		return false;
	*cause = l->tags[l->head++];
	if (l->head == l->len)
		l->head = l->len = 0;
	if (*cause)
		(*cause)->outstanding--;
	return true;
}

/* What was in flight to a disconnected client is lost. */
static void link_forget(link_state *l)
{
	txn *cause;
	while (link_pop(l, &cause))
		;
	l->gone = true;
}

/* The cause of what was put in flight since the last event. */
static txn *pushes_cause(checker *c)
{
	if (c->current || c->root == HOP_TO_SERVER)
		return c->current;
	return txn_open(c, c->step);   /* unprompted: no step was being handled */
}

/* Tag what each followed link gained since the last event.  `delivering`
 * is the client whose link just lost the stanza being delivered. */
static void links_account(checker *c, size_t delivering)
{
	size_t n = client_count(c->w);
	for (size_t i = 0; i < n; i++) {
		link_state *l = link_at(c, i);
		size_t now = world_link_pending(c->w, 2 * i + 1) + (i == delivering);
		if (!l->gone && !client_is_connected(client_at(c->w, i)))
			link_forget(l);
		for (size_t k = l->pending; !l->gone && k < now; k++)
			link_tag(c, l, pushes_cause(c));
		l->pending = now;
	}
}

/* The client a delivery to this full JID went to: the connected one, or
 * else the last bound to it. */
static size_t client_of(checker *c, const char *full)
{
	size_t found = NO_CLIENT;
	for (size_t i = 0; i < client_count(c->w); i++) {
		client *cl = client_at(c->w, i);
		if (strcmp(client_jid(cl), full) != 0)
			continue;
		if (client_is_connected(cl))
			return i;
		found = i;
	}
	return found;
}

/* ---- events ----------------------------------------------------------- */

static const char *room_of(checker *c, const char *addr)
{
	if (!addr_has_node(addr) || !addr_domain_is(addr, c->domain))
		return NULL;
	return addr_bare(c, addr);
}

static void record_input(checker *c, const world_event *ev)
{
	if (!c->current)
		txn_open(c, ev->step);
	input *in = array_push(c->a, &c->current->inputs, sizeof *in);
	const char *to = xml_attr(ev->stanza, "to");
	in->stanza = xml_copy(c->a, ev->stanza);  /* the MUC rewrites what it is given */
	in->step = ev->step;
	in->now_ms = world_now(c->w);
	in->from = check_intern_str(c, xml_attr(ev->stanza, "from"));
	in->room = room_of(c, to);
	in->occupant = in->room && addr_resource(to) ? check_intern_str(c, to) : NULL;
	in->internal = addr_domain_is(in->from, c->domain);
}

static delivery make_delivery(checker *c, const world_event *ev)
{
	const char *from = xml_attr(ev->stanza, "from");
	delivery d = {ev->stanza, ev->step, check_intern_str(c, ev->to), room_of(c, from), NULL};
	if (d.room && addr_resource(from))
		d.nick = check_intern_str(c, from);
	return d;
}

/* A delivery joins the transaction that caused it; what the server sent
 * of its own is not the MUC's; what reaches a session no longer followed
 * is judged alone. */
static void record_delivery(checker *c, size_t idx, const world_event *ev)
{
	delivery d = make_delivery(c, ev);
	link_state *l = idx == NO_CLIENT ? NULL : link_at(c, idx);
	txn *cause = NULL;
	bool followed = l && !l->gone && link_pop(l, &cause);
	if (l && l->pending)
		l->pending--;
	if (cause)
		*(delivery *)array_push(c->a, &cause->deliveries, sizeof d) = d;
	else if (!followed)
		judge_untracked(c, &d);
}

void track_event(checker *c, const world_event *ev)
{
	size_t delivering = ev->hop == HOP_TO_CLIENT ? client_of(c, ev->to) : NO_CLIENT;
	links_account(c, delivering);
	if (!c->started || ev->step != c->step) {
		step_end(c);
		c->started = true;
		c->step = ev->step;
		c->root = ev->hop;
	}
	if (ev->hop == HOP_TO_COMPONENT && !strcmp(ev->to, c->domain))
		record_input(c, ev);
	else if (ev->hop == HOP_TO_CLIENT)
		record_delivery(c, delivering, ev);
	txn_judge_ready(c);
}

void track_flush(checker *c)
{
	links_account(c, NO_CLIENT);
	step_end(c);
	c->root = HOP_TO_CLIENT;       /* whatever comes next is unprompted */
	txn_judge_ready(c);
}
