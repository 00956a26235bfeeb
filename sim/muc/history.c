/* history.c — discussion history (history.lib.lua) and the message
 * archive that mod_muc_mam keeps, as the test configuration enables it:
 * historic messages are archived and stamped with a stanza-id, and new
 * sessions get the last messages with a <delay/> from the room, from the
 * archive while the in-memory history is shorter than what is asked. */
#include "muc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jid.h"
#include "stanza.h"

enum { DEFAULT_HISTORY = 20, ARCHIVE_LIMIT = 1000 };

typedef struct entry {
	xml_node *stanza;
	uint64_t when;             /* whole seconds, as Lua's os.time gives */
	const char *id;            /* archive id */
} entry;

typedef struct history {
	vec memory;                /* entry *: room._history, oldest first */
	vec archive;               /* entry *: the muc_log archive */
	bool length_set, default_set;
	long long length, default_messages;
	enum { ARCHIVING_DEFAULT, ARCHIVING_OFF, ARCHIVING_ON } archiving;
} history;

static history *H(muc_room *r)
{
	history *h = room_slot(r, SLOT_HISTORY, sizeof *h);
	return h;
}

static arena *A(muc_room *r)
{
	return room_arena(r);
}

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static long long history_length(muc_room *r)
{
	return H(r)->length_set ? H(r)->length : DEFAULT_HISTORY;
}

bool room_archiving(muc_room *r)
{
	return H(r)->archiving != ARCHIVING_OFF;  /* muc_log_by_default */
}

static uint64_t now_seconds(muc_room *r)
{
	return world_now(room_world(r)) / 1000;
}

/* Lua's tonumber for the integers clients put in history requests and
 * forms: NULL when s is no finite number. */
static bool parse_number(const char *s, double *out)
{
	if (!s)
		return false;
	char *end;
	double d = strtod(s, &end);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == s || *end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

/* ---- what is stored ------------------------------------------------------ */

/* muc-message-is-historic (history.lib.lua). */
static bool is_historic(const xml_node *m)
{
	if (xml_child(m, "no-store", NS_HINTS) || xml_child(m, "no-permanent-store", NS_HINTS))
		return false;
	if (xml_child(m, "store", NS_HINTS) || xml_child(m, "body", NS_CLIENT)
			|| xml_child(m, "encryption", "urn:xmpp:eme:0"))
		return true;
	for (xml_node *c = xml_first(m); c; c = xml_next(c))
		if (is(xml_ns(c), "urn:xmpp:chat-markers:0"))
			return true;
	return false;
}

/* mod_muc_mam save_to_history: archive a snapshot, then mark the live
 * stanza with its archive id. */
static void archive_message(muc_room *r, xml_node *m)
{
	history *h = H(r);
	xml_node *stored = xml_copy(A(r), m);
	if (!strcmp(room_whois(r), "anyone")) {
		xml_set_attr(A(r), stored, "to", NULL);
		muc_occupant *o = room_occupant_by_nick(r, xml_attr(m, "from"));
		if (o) {
			const char *actor = o->bare_jid;
			muc_affiliation aff = room_affiliation(r, actor);
			xml_node *x = xml_add_elem(A(r), stored, NS_MUC_USER, "x", NULL);
			xml_node *item = xml_add_elem(A(r), x, NULL, "item", NULL);
			xml_set_attr(A(r), item, "affiliation", muc_affiliation_name(aff));
			xml_set_attr(A(r), item, "jid", actor);
			/* get_role(bare JID) finds no occupant: the default role. */
			xml_set_attr(A(r), item, "role", muc_role_name(room_default_role(r, aff)));
		}
	}
	if (!room_archiving(r) || h->archive.len >= ARCHIVE_LIMIT)
		return;
	entry *e = arena_alloc(A(r), sizeof *e);
	e->stanza = stored;
	e->when = now_seconds(r);
	e->id = world_random_id(room_world(r), 12);
	vec_push(A(r), &h->archive, e);
	xml_node *sid = xml_add_elem(A(r), m, NS_SID, "stanza-id", NULL);
	xml_set_attr(A(r), sid, "by", room_jid(r));
	xml_set_attr(A(r), sid, "id", e->id);
}

/* history.lib.lua muc-add-history: a copy with to="" and a delay. */
static void remember_message(muc_room *r, const xml_node *m)
{
	history *h = H(r);
	long long max = history_length(r);
	if (max == 0) {
		h->memory.len = 0;
		return;
	}
	entry *e = arena_alloc(A(r), sizeof *e);
	e->stanza = xml_copy(A(r), m);
	e->when = now_seconds(r);
	xml_set_attr(A(r), e->stanza, "to", "");
	xml_node *d = xml_add_elem(A(r), e->stanza, NS_DELAY, "delay", NULL);
	xml_set_attr(A(r), d, "from", room_jid(r));
	xml_set_attr(A(r), d, "stamp", world_stamp(room_world(r), e->when * 1000));
	vec_push(A(r), &h->memory, e);
	while ((long long)h->memory.len > max && h->memory.len > 0) {
		memmove(&h->memory.items[0], &h->memory.items[1],
				(h->memory.len - 1) * sizeof(void *));
		h->memory.len--;
	}
}

static bool prepped_equal(muc_room *r, const char *jid_text, const char *want)
{
	jid j;
	return jid_text && jid_prep(A(r), jid_text, &j) && is(jid_full(A(r), &j), want);
}

/* muc-broadcast-message at 1 (mod_muc_mam): no forged stanza-id "by"
 * the room survives. */
static bool strip_forged_stanza_id(muc_event *ev)
{
	for (xml_node *c = xml_first(ev->stanza), *next; c; c = next) {
		next = xml_next(c);
		if (is(xml_name(c), "stanza-id") && is(xml_ns(c), NS_SID)
				&& prepped_equal(ev->room, xml_attr(c, "by"), room_jid(ev->room)))
			xml_remove(c);
	}
	return false;
}

/* muc-broadcast-message at 0: historic messages go to the archive and
 * to the history (muc-add-history: mam at 0, history.lib at -1). */
static bool store_message(muc_event *ev)
{
	if (!is_historic(ev->stanza))
		return false;
	archive_message(ev->room, ev->stanza);
	remember_message(ev->room, ev->stanza);
	return false;
}

/* ---- what a new session gets --------------------------------------------- */

typedef struct request {
	bool has_maxchars, has_maxstanzas, has_since;
	double maxchars, maxstanzas, since;
	const char *to;
} request;

/* parse_history: <history maxchars maxstanzas since seconds/>. */
static request parse_request(muc_room *r, const xml_node *presence)
{
	request q = {.to = xml_attr(presence, "from")};
	xml_node *x = xml_child(presence, "x", NS_MUC);
	xml_node *hist = x ? xml_child(x, "history", NS_MUC) : NULL;
	if (!hist) {
		q.has_maxstanzas = true;
		q.maxstanzas = (double)(H(r)->default_set ? H(r)->default_messages : DEFAULT_HISTORY);
		return q;
	}
	q.has_maxchars = parse_number(xml_attr(hist, "maxchars"), &q.maxchars);
	q.has_maxstanzas = parse_number(xml_attr(hist, "maxstanzas"), &q.maxstanzas);
	uint64_t since;
	if (world_parse_stamp(xml_attr(hist, "since"), &since)) {
		q.has_since = true;
		q.since = (double)since;
	}
	double seconds;
	if (parse_number(xml_attr(hist, "seconds"), &seconds)) {
		double from = (double)now_seconds(r) - seconds;
		q.since = q.has_since && q.since > from ? q.since : from;
		q.has_since = true;
	}
	if (!q.has_maxchars && !q.has_maxstanzas && !q.has_since) {
		q.has_maxstanzas = true;
		q.maxstanzas = (double)(H(r)->default_set ? H(r)->default_messages : DEFAULT_HISTORY);
	}
	return q;
}

static size_t serialized_length(muc_room *r, const xml_node *e)
{
	buf b = BUF_INIT;
	xml_write(&b, e, NS_CLIENT);
	size_t n = b.len;
	buf_free(&b);
	return n;
}

/* mod_muc_mam muc-get-history (priority 1): from the archive. */
static bool send_from_archive(muc_room *r, request *q)
{
	history *h = H(r);
	if (!room_archiving(r))
		return false;
	if ((q->has_maxstanzas && q->maxstanzas == 0) || (q->has_maxchars && q->maxchars == 0))
		return false;
	double max = (double)history_length(r);
	if (!q->has_maxstanzas || q->maxstanzas > max)
		q->maxstanzas = max;
	q->has_maxstanzas = true;
	if ((double)h->memory.len >= q->maxstanzas)
		return false;  /* history.lib can serve it */
	vec picked = {0};
	double chars = q->maxchars;
	for (size_t i = h->archive.len; i-- > 0 && (double)picked.len < q->maxstanzas;) {
		entry *e = h->archive.items[i];
		if (q->has_since && (double)e->when < q->since)
			break;
		if (!is(xml_attr(e->stanza, "type"), "groupchat") || strcmp(xml_name(e->stanza), "message"))
			continue;
		xml_node *m = xml_copy(A(r), e->stanza);
		xml_set_attr(A(r), m, "to", q->to);
		xml_node *d = xml_add_elem(A(r), m, NS_DELAY, "delay", NULL);
		xml_set_attr(A(r), d, "from", room_jid(r));
		xml_set_attr(A(r), d, "stamp", world_stamp(room_world(r), e->when * 1000));
		xml_node *sid = xml_add_elem(A(r), m, NS_SID, "stanza-id", NULL);
		xml_set_attr(A(r), sid, "by", room_jid(r));
		xml_set_attr(A(r), sid, "id", e->id);
		if (strcmp(room_whois(r), "anyone") != 0)
			for (xml_node *c = xml_first(m), *next; c; c = next) {
				next = xml_next(c);
				if (is(xml_name(c), "x") && is(xml_ns(c), NS_MUC_USER))
					xml_remove(c);
			}
		if (q->has_maxchars) {
			double n = (double)serialized_length(r, m);
			if (chars - n < 0)
				break;
			chars -= n;
		}
		vec_push(A(r), &picked, m);
	}
	for (size_t i = picked.len; i-- > 0;)
		room_route(r, picked.items[i]);
	return true;
}

/* history.lib.lua muc-get-history (priority -1): from memory. */
static void send_from_memory(muc_room *r, const request *q)
{
	history *h = H(r);
	size_t n = 0;
	double chars = 0;
	for (size_t i = h->memory.len; i-- > 0;) {
		entry *e = h->memory.items[i];
		if (q->has_maxchars) {
			chars += (double)serialized_length(r, e->stanza) + (double)strlen(q->to);
			if (chars > q->maxchars)
				break;
		}
		if (q->has_since && q->since > (double)e->when)
			break;
		if (q->has_maxstanzas && (double)(n + 1) > q->maxstanzas)
			break;
		n++;
	}
	for (size_t i = h->memory.len - n; i < h->memory.len; i++) {
		xml_node *m = xml_copy(A(r), ((entry *)h->memory.items[i])->stanza);
		xml_set_attr(A(r), m, "to", q->to);
		room_route(r, m);
	}
}

/* muc-occupant-session-new at 50, before the subject (20). */
static bool history_send(muc_event *ev)
{
	request q = parse_request(ev->room, ev->stanza);
	if (!send_from_archive(ev->room, &q))
		send_from_memory(ev->room, &q);
	return false;
}

/* ---- configuration ---------------------------------------------------------- */

static void length_current(muc_room *r, xml_node *f)
{
	xml_add_elem(A(r), f, NULL, "value", arena_printf(A(r), "%lld", history_length(r)));
}

static bool length_submit(muc_room *r, const muc_value *v, bool *codes)
{
	double d;
	history *h = H(r);
	h->length_set = false;
	if (v->text && parse_number(v->text, &d) && d == floor(d)
			&& d != DEFAULT_HISTORY && fabs(d) < 1e15) {
		h->length_set = true;
		h->length = (long long)d;
	}
	codes[STATUS_CONFIG_CHANGED] = true;  /* set_historylength always says so */
	return true;
}

static void default_current(muc_room *r, xml_node *f)
{
	long long n = H(r)->default_set ? H(r)->default_messages : DEFAULT_HISTORY;
	xml_add_elem(A(r), f, NULL, "value", arena_printf(A(r), "%lld", n));
}

static bool default_submit(muc_room *r, const muc_value *v, bool *codes)
{
	history *h = H(r);
	double d = DEFAULT_HISTORY;
	if (v->text && parse_number(v->text, &d) && d == floor(d) && fabs(d) < 1e15) {
		/* a valid xs:integer */
	} else {
		d = DEFAULT_HISTORY;
	}
	double cap = h->length_set ? (double)h->length : DEFAULT_HISTORY;
	if (cap < d)
		d = cap;
	h->default_set = d != DEFAULT_HISTORY;
	h->default_messages = (long long)d;
	return true;
}

static void archiving_current(muc_room *r, xml_node *f)
{
	xml_add_elem(A(r), f, NULL, "value", room_archiving(r) ? "1" : "0");
}

/* mod_muc_mam: stores the submitted value (nil when unreadable) and always
 * announces 170 or 171. */
static bool archiving_submit(muc_room *r, const muc_value *v, bool *codes)
{
	bool on = v->valid && v->text && v->flag;
	H(r)->archiving = !(v->valid && v->text) ? ARCHIVING_DEFAULT
		: on ? ARCHIVING_ON : ARCHIVING_OFF;
	codes[on ? STATUS_LOGGING_ON : STATUS_LOGGING_OFF] = true;
	return true;
}

/* muc-room-destroyed (mod_muc_mam): the archive goes with the room. */
static bool history_forget(muc_event *ev)
{
	H(ev->room)->archive.len = 0;
	return false;
}

const muc_hook muc_history_hooks[] = {
	{EV_BROADCAST_MESSAGE, 1, strip_forged_stanza_id},
	{EV_BROADCAST_MESSAGE, 0, store_message},
	{EV_OCCUPANT_SESSION_NEW, 50, history_send},
	{EV_ROOM_DESTROYED, 0, history_forget},
	{0, 0, NULL},
};

const muc_field muc_history_fields[] = {
	{70 - 5, "muc#roomconfig_historylength", FIELD_TEXT_SINGLE,
		"Maximum number of history messages returned by room",
		"Specify the maximum number of previous messages that should be sent to users when they join the room",
		"xs:integer", length_current, NULL, length_submit},
	{70 - 5, "muc#roomconfig_defaulthistorymessages", FIELD_TEXT_SINGLE,
		"Default number of history messages returned by room",
		"Specify the number of previous messages sent to new users when they join the room",
		"xs:integer", default_current, NULL, default_submit},
	{0, "muc#roomconfig_enablearchiving", FIELD_BOOLEAN, "Enable archiving?",
		NULL, NULL, archiving_current, NULL, archiving_submit},
	{0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};
