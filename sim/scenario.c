/* scenario.c — see scenario.h. */
#include "scenario.h"

#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "client.h"
#include "hash.h"
#include "jid.h"
#include "muc/muc.h"
#include "stanza.h"
#include "world.h"

#define ROOMS_DOMAIN MUC_DOMAIN
#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_DATA "jabber:x:data"

#define LEN(a) (sizeof(a) / sizeof *(a))

/* ---- the universe ------------------------------------------------------- */

enum { SESSIONS = 8, USERS = 4 };

static const struct {
	const char *name, *jid;
} sessions[SESSIONS] = {
	{"Romeo", "romeo@localhost/a"}, {"Romeo 2", "romeo@localhost/b"},
	{"Juliet", "juliet@localhost/a"}, {"Juliet 2", "juliet@localhost/b"},
	{"Mercutio", "mercutio@localhost/a"}, {"Mercutio 2", "mercutio@localhost/b"},
	{"Admin", "admin@localhost/a"}, {"Admin 2", "admin@localhost/b"},
};

static const char *const users[USERS] = {
	"romeo@localhost", "juliet@localhost", "mercutio@localhost", "admin@localhost",
};

static const char *const rooms[] = {"hall", "garden", "crypt"};

/* A room argument picks hall three times in four, garden and crypt once
 * in eight each: a bug usually needs several operations on one room
 * (create, configure, ban, join), which then meet far more often, while
 * what crosses rooms stays reachable. */
static const char *room_name(uint8_t v)
{
	static const uint8_t pick[8] = {0, 0, 0, 0, 0, 0, 1, 2};
	return rooms[pick[v % 8]];
}

/* Nicks with the edge cases that matter: case variants, unicode,
 * whitespace, empty, an unassigned code point, NFKC and mapped-out
 * characters. */
static const char *const nicks[] = {
	"Romeo", "Juliet", "Mercutio", "Admin", "romeo", "ROMEO", "\xd0\xa0\xd0\xbe\xd0\xbc\xd0\xb5\xd0\xbe",
	"Jules", "a b", " ", "", "\xf0\x9f\xa4\x96\xef\xb8\x8f", "Nurse",
	"\xef\xbc\xb2omeo", "Ro\xc2\xadmeo", "Tybalt",
};

/* NULL: no <password/> at all. */
static const char *const passwords[] = {NULL, "secret", "wrong", ""};

static const char *const affiliations[] = {"owner", "admin", "member", "none", "outcast"};
static const char *const roles[] = {"moderator", "participant", "visitor", "none"};
static const unsigned advance_seconds[] = {1, 10, 60, 299, 300, 301, 3600, 86400 * 32};

static const char *const service_admins[] = {"admin@localhost", NULL};

/* ---- operations ------------------------------------------------------------ */

typedef enum op_kind {
	OP_CONNECT, OP_DISCONNECT, OP_JOIN, OP_LEAVE, OP_PRESENCE, OP_GROUPCHAT,
	OP_SUBJECT, OP_PRIVATE, OP_CONFIG_GET, OP_CONFIG_SUBMIT, OP_INSTANT,
	OP_AFFILIATION, OP_ROLE, OP_LIST, OP_DESTROY, OP_ADMIN_DESTROY, OP_INVITE,
	OP_DECLINE, OP_VOICE, OP_REGISTER, OP_PROBE, OP_DISCO, OP_ADVANCE,
	OP_DELIVER, OP_SETTLE, OP_RAW, OP_KINDS
} op_kind;

typedef struct op {
	op_kind kind;
	bool hold;
	uint8_t actor, a, b, c;
	const uint8_t *raw;
	size_t raw_len;
} op;

struct scenario {
	const profile *profile;
	uint64_t seed;
	uint32_t swarm;
	op ops[SCENARIO_MAX_OPS];
	size_t nops;
};

static uint8_t byte_at(const uint8_t *data, size_t len, size_t i)
{
	return i < len ? data[i] : 0;
}

/* An op is OP_SIZE bytes; a raw-stanza op is followed by its payload, of
 * length a + 256 * (b % 8). */
size_t scenario_op_end(const uint8_t *data, size_t len, size_t pos)
{
	size_t end = pos + OP_SIZE;
	if ((data[pos] & 0x1f) % OP_KINDS == OP_RAW)
		end += byte_at(data, len, pos + 2) + 256u * (byte_at(data, len, pos + 3) % 8);
	return end;
}

scenario *scenario_decode(arena *a, const uint8_t *data, size_t len)
{
	static const char *const profile_names[] = {"0.11", "0.12", "13"};
	scenario *s = arena_alloc(a, sizeof *s);
	s->profile = profile_find(profile_names[byte_at(data, len, 0) % 3]);
	for (int i = 0; i < 8; i++)
		s->seed |= (uint64_t)byte_at(data, len, 1 + (size_t)i) << (8 * i);
	for (int i = 0; i < 4; i++)
		s->swarm |= (uint32_t)byte_at(data, len, 9 + (size_t)i) << (8 * i);
	if (!s->swarm)
		s->swarm = UINT32_MAX;
	size_t pos = SCENARIO_HEADER;
	while (pos < len && s->nops < SCENARIO_MAX_OPS) {
		op *o = &s->ops[s->nops];
		uint8_t k = data[pos];
		o->kind = (op_kind)((k & 0x1f) % OP_KINDS);
		o->hold = k & 0x80;
		o->actor = byte_at(data, len, pos + 1) % SESSIONS;
		o->a = byte_at(data, len, pos + 2);
		o->b = byte_at(data, len, pos + 3);
		o->c = byte_at(data, len, pos + 4);
		size_t end = scenario_op_end(data, len, pos);
		if (end > len)
			end = len;  /* the input cut the op short */
		pos += OP_SIZE;
		if (o->kind == OP_RAW) {
			o->raw = pos < len ? data + pos : data;
			o->raw_len = end > pos ? end - pos : 0;
		}
		pos = end;
		/* Swarm testing: kinds left out of this input's mask never run. */
		if (s->swarm & (UINT32_C(1) << o->kind))
			s->nops++;
	}
	return s;
}

const profile *scenario_profile(const scenario *s) { return s->profile; }
uint64_t scenario_seed(const scenario *s) { return s->seed; }
size_t scenario_op_count(const scenario *s) { return s->nops; }

/* ---- describing ------------------------------------------------------------ */

static const char *const op_names[OP_KINDS] = {
	[OP_CONNECT] = "connects", [OP_DISCONNECT] = "disconnects",
	[OP_JOIN] = "joins", [OP_LEAVE] = "leaves", [OP_PRESENCE] = "sends presence to",
	[OP_GROUPCHAT] = "speaks in", [OP_SUBJECT] = "sets the subject of",
	[OP_PRIVATE] = "messages privately in", [OP_CONFIG_GET] = "gets the configuration of",
	[OP_CONFIG_SUBMIT] = "configures", [OP_INSTANT] = "submits an empty form to",
	[OP_AFFILIATION] = "changes an affiliation in", [OP_ROLE] = "changes a role in",
	[OP_LIST] = "asks for a list of", [OP_DESTROY] = "destroys",
	[OP_ADMIN_DESTROY] = "runs the destroy command for", [OP_INVITE] = "invites someone to",
	[OP_DECLINE] = "declines an invitation to", [OP_VOICE] = "sends a voice request form to",
	[OP_REGISTER] = "registers with", [OP_PROBE] = "probes an occupant of",
	[OP_DISCO] = "discovers", [OP_ADVANCE] = "", [OP_DELIVER] = "", [OP_SETTLE] = "",
	[OP_RAW] = "sends raw bytes",
};

void scenario_describe_op(buf *out, const scenario *s, size_t i)
{
	const op *o = &s->ops[i];
	switch (o->kind) {
	case OP_ADVANCE:
		buf_printf(out, "the clock advances %u s", advance_seconds[o->a % LEN(advance_seconds)]);
		break;
	case OP_DELIVER:
		buf_printf(out, "the network delivers %u stanza(s) %s %s", o->b % 4 + 1,
				(o->a & 1) ? "to" : "from", sessions[(o->a >> 1) % SESSIONS].name);
		break;
	case OP_SETTLE:
		buf_puts(out, "the network settles");
		break;
	case OP_CONNECT:
	case OP_DISCONNECT:
	case OP_RAW:
		buf_printf(out, "%s %s", sessions[o->actor].name, op_names[o->kind]);
		break;
	default:
		buf_printf(out, "%s %s %s (%u %u %u)", sessions[o->actor].name, op_names[o->kind],
				room_name(o->a), o->a, o->b, o->c);
		break;
	}
	if (o->hold)
		buf_puts(out, ", held in flight");
}

/* ---- running ------------------------------------------------------------------ */

enum { MAX_STEPS_PER_OP = 20000 };

typedef struct runner {
	const scenario *s;
	const scenario_options *opt;
	world *w;
	arena *a;
	checker *chk;
	client *clients[SESSIONS];
	size_t seen[SESSIONS];     /* inbox entries already written to the script */
	size_t index;              /* the op being run */
	/* The op did what a script can only write as an action that runs
	 * the world (connects, disconnects): hold or not, the run settles. */
	bool must_settle;
	scenario_result res;
} runner;

static const char *room_of(const runner *r, uint8_t v)
{
	return arena_printf(r->a, "%s@%s", room_name(v), ROOMS_DOMAIN);
}

static const char *occupant_of(const runner *r, uint8_t room, uint8_t nick)
{
	return arena_printf(r->a, "%s/%s", room_of(r, room), nicks[nick % LEN(nicks)]);
}

static xml_node *stanza_new(runner *r, const char *name, const char *to, const char *type)
{
	xml_node *e = xml_new(r->a, NS_CLIENT, name);
	xml_set_attr(r->a, e, "to", to);
	xml_set_attr(r->a, e, "type", type);
	xml_set_attr(r->a, e, "id", arena_printf(r->a, "s%zu", r->index));
	return e;
}

static xml_node *elem(runner *r, xml_node *parent, const char *ns, const char *name,
		const char *text)
{
	return xml_add_elem(r->a, parent, ns, name, text);
}

/* The script records only what stays replayable: "${" would be read as a
 * variable. */
static bool recordable(const char *text)
{
	return !strstr(text, "${");
}

static void record_send(runner *r, size_t who, const xml_node *e)
{
	if (!r->opt->script)
		return;
	buf b = BUF_INIT;
	xml_write_pretty(&b, e, NS_CLIENT, 0);
	if (recordable(buf_str(&b)))
		scs_add_action(r->opt->script, r->s->ops[r->index].hold ? SCS_QUEUES : SCS_SENDS,
				who, buf_str(&b), NULL);
	buf_free(&b);
}

static void send(runner *r, xml_node *e)
{
	size_t who = r->s->ops[r->index].actor;
	client *c = r->clients[who];
	if (!c || !client_is_connected(c))
		return;
	client_send(c, e);
	record_send(r, who, e);
}

/* ---- the operations, one builder each -------------------------------------- */

static void op_connect(runner *r, const op *o)
{
	client *c = r->clients[o->actor];
	if (c && client_is_connected(c))
		return;
	r->clients[o->actor] = client_connect(r->w, sessions[o->actor].jid, NULL, NULL);
	r->seen[o->actor] = 0;
	r->must_settle = true;
	if (r->opt->script)
		scs_add_action(r->opt->script, SCS_CONNECTS, o->actor, NULL, NULL);
}

static void op_disconnect(runner *r, const op *o)
{
	client *c = r->clients[o->actor];
	if (!c || !client_is_connected(c))
		return;
	client_disconnect(c);
	r->must_settle = true;
	if (r->opt->script)
		scs_add_action(r->opt->script, SCS_DISCONNECTS, o->actor, NULL, NULL);
}

static void op_join(runner *r, const op *o)
{
	xml_node *p = stanza_new(r, "presence", occupant_of(r, o->a, o->b), NULL);
	xml_set_attr(r->a, p, "id", NULL);
	xml_node *x = elem(r, p, NS_MUC, "x", NULL);
	const char *password = passwords[o->c % LEN(passwords)];
	if (password)
		elem(r, x, NULL, "password", password);
	if (o->c & 0x10) {
		xml_node *h = elem(r, x, NULL, "history", NULL);
		xml_set_attr(r->a, h, (o->c & 0x20) ? "maxchars" : "maxstanzas",
				arena_printf(r->a, "%u", (unsigned)(o->c >> 6)));
	}
	send(r, p);
}

static void op_leave(runner *r, const op *o)
{
	xml_node *p = stanza_new(r, "presence", (o->c & 1) ? room_of(r, o->a)
			: occupant_of(r, o->a, o->b), "unavailable");
	xml_set_attr(r->a, p, "id", NULL);
	send(r, p);
}

/* A presence without the MUC <x/>: a status update, or a nick change
 * when the nick differs. */
static void op_presence(runner *r, const op *o)
{
	static const char *const shows[] = {NULL, "away", "dnd", "xa"};
	xml_node *p = stanza_new(r, "presence", occupant_of(r, o->a, o->b), NULL);
	xml_set_attr(r->a, p, "id", NULL);
	if (shows[o->c % LEN(shows)])
		elem(r, p, NULL, "show", shows[o->c % LEN(shows)]);
	if (o->c & 0x10)
		elem(r, p, NULL, "status", "busy");
	if (o->c & 0x20) {  /* a client forging what only the room may say */
		xml_node *x = elem(r, p, NS_MUC_USER, "x", NULL);
		xml_set_attr(r->a, elem(r, x, NULL, "status", NULL), "code", "110");
		xml_node *item = elem(r, x, NULL, "item", NULL);
		xml_set_attr(r->a, item, "affiliation", "owner");
		xml_set_attr(r->a, item, "role", "moderator");
	}
	send(r, p);
}

static void op_groupchat(runner *r, const op *o)
{
	xml_node *m = stanza_new(r, "message", room_of(r, o->a), "groupchat");
	switch (o->c % 6) {
	case 0:
		elem(r, m, NULL, "body", "Hello");
		break;
	case 1:
		elem(r, m, NULL, "subject", "Greetings");
		elem(r, m, NULL, "body", "Hello everyone");
		break;
	case 2: {
		elem(r, m, NULL, "body", "Forged");
		xml_node *d = elem(r, m, "urn:xmpp:delay", "delay", NULL);
		xml_set_attr(r->a, d, "from", room_of(r, o->a));
		xml_set_attr(r->a, d, "stamp", "2000-01-01T00:00:00Z");
		break;
	}
	case 3: {
		elem(r, m, NULL, "body", "Forged ids");
		xml_set_attr(r->a, elem(r, m, "urn:xmpp:occupant-id:0", "occupant-id", NULL), "id", "forged");
		xml_node *sid = elem(r, m, "urn:xmpp:sid:0", "stanza-id", NULL);
		xml_set_attr(r->a, sid, "by", room_of(r, o->a));
		xml_set_attr(r->a, sid, "id", "forged");
		break;
	}
	case 4:
		xml_set_attr(r->a, m, "id", NULL);
		elem(r, m, NULL, "body", "No id");
		elem(r, m, "urn:xmpp:hints", "no-store", NULL);
		break;
	default:
		elem(r, m, "urn:xmpp:chat-markers:0", "displayed", NULL);
		break;
	}
	send(r, m);
}

static void op_subject(runner *r, const op *o)
{
	static const char *const subjects[] = {"Verona", "", "Mantua"};
	xml_node *m = stanza_new(r, "message", room_of(r, o->a), "groupchat");
	elem(r, m, NULL, "subject", subjects[o->c % LEN(subjects)]);
	send(r, m);
}

static void op_private(runner *r, const op *o)
{
	static const char *const types[] = {"chat", "groupchat", "normal", "error"};
	xml_node *m = stanza_new(r, "message", occupant_of(r, o->a, o->b), types[o->c % LEN(types)]);
	if (o->c % LEN(types) == 3) {
		xml_node *e = elem(r, m, NULL, "error", NULL);
		xml_set_attr(r->a, e, "type", "cancel");
		elem(r, e, NS_STANZAS, (o->c & 0x10) ? "service-unavailable" : "bad-request", NULL);
	} else {
		elem(r, m, NULL, "body", "psst");
	}
	send(r, m);
}

static xml_node *owner_query(runner *r, const op *o, const char *type)
{
	xml_node *iq = stanza_new(r, "iq", room_of(r, o->a), type);
	return elem(r, iq, NS_MUC_OWNER, "query", NULL);
}

static void op_config_get(runner *r, const op *o)
{
	send(r, xml_parent(owner_query(r, o, "get")));
}

static void form_field(runner *r, xml_node *form, const char *var, const char *value)
{
	xml_node *f = elem(r, form, NULL, "field", NULL);
	xml_set_attr(r->a, f, "var", var);
	if (value)
		elem(r, f, NULL, "value", value);
}

/* Any subset of the fields (b is the mask), values chosen by c, including
 * values Prosody reads as nil. */
static void op_config_submit(runner *r, const op *o)
{
	static const char *const bools[] = {"1", "0", "true", "maybe"};
	static const char *const whois[] = {"anyone", "moderators", "everyone", NULL};
	static const char *const lengths[] = {"0", "1", "20", "x"};
	static const char *const broadcast[] = {"moderator", "participant", "none", NULL};
	xml_node *q = owner_query(r, o, "set");
	xml_node *x = elem(r, q, NS_DATA, "x", NULL);
	xml_set_attr(r->a, x, "type", (o->c & 0xc0) == 0xc0 ? "cancel" : "submit");
	form_field(r, x, "FORM_TYPE", (o->c & 0xc0) == 0x80 ? "urn:example:wrong"
			: "http://jabber.org/protocol/muc#roomconfig");
	unsigned v = o->c;
	static const char *const vars[] = {
		"muc#roomconfig_roomsecret", "muc#roomconfig_membersonly",
		"muc#roomconfig_moderatedroom", "muc#roomconfig_whois",
		"muc#roomconfig_changesubject", "muc#roomconfig_persistentroom",
		"muc#roomconfig_historylength", "muc#roomconfig_presencebroadcast",
	};
	for (unsigned i = 0; i < LEN(vars); i++) {
		if (!(o->b & (1u << i)))
			continue;
		unsigned k = (v + i) % 4;
		const char *value = i == 0 ? passwords[k] : i == 3 ? whois[k]
			: i == 6 ? lengths[k] : i == 7 ? broadcast[k] : bools[k];
		form_field(r, x, vars[i], value);
	}
	send(r, xml_parent(q));
}

static void op_instant(runner *r, const op *o)
{
	xml_node *q = owner_query(r, o, "set");
	xml_set_attr(r->a, elem(r, q, NS_DATA, "x", NULL), "type", "submit");
	send(r, xml_parent(q));
}

static xml_node *admin_item(runner *r, const op *o, const char *type)
{
	xml_node *iq = stanza_new(r, "iq", room_of(r, o->a), type);
	xml_node *q = elem(r, iq, NS_MUC_ADMIN, "query", NULL);
	return elem(r, q, NULL, "item", NULL);
}

static void op_affiliation(runner *r, const op *o)
{
	xml_node *item = admin_item(r, o, "set");
	if ((o->c & 0xa0) == 0xa0)  /* by nick, as some clients do: one in four */
		xml_set_attr(r->a, item, "nick", nicks[o->b % LEN(nicks)]);
	else
		xml_set_attr(r->a, item, "jid", users[o->b % USERS]);
	xml_set_attr(r->a, item, "affiliation", affiliations[o->c % LEN(affiliations)]);
	if (o->c & 0x40)
		elem(r, item, NULL, "reason", "Because");
	send(r, xml_parent(xml_parent(item)));
}

static void op_role(runner *r, const op *o)
{
	xml_node *item = admin_item(r, o, "set");
	xml_set_attr(r->a, item, "nick", nicks[o->b % LEN(nicks)]);
	xml_set_attr(r->a, item, "role", roles[o->c % LEN(roles)]);
	if (o->c & 0x40)
		elem(r, item, NULL, "reason", "Because");
	send(r, xml_parent(xml_parent(item)));
}

static void op_list(runner *r, const op *o)
{
	xml_node *item = admin_item(r, o, "get");
	if (o->c & 1)
		xml_set_attr(r->a, item, "role", roles[o->b % LEN(roles)]);
	else
		xml_set_attr(r->a, item, "affiliation", affiliations[o->b % LEN(affiliations)]);
	send(r, xml_parent(xml_parent(item)));
}

static void op_destroy(runner *r, const op *o)
{
	xml_node *q = owner_query(r, o, "set");
	xml_node *d = elem(r, q, NULL, "destroy", NULL);
	if (o->c & 1)
		xml_set_attr(r->a, d, "jid", room_of(r, o->b));
	if (o->c & 2)
		elem(r, d, NULL, "reason", "Gone");
	send(r, xml_parent(q));
}

static void op_admin_destroy(runner *r, const op *o)
{
	xml_node *iq = stanza_new(r, "iq", ROOMS_DOMAIN, "set");
	xml_node *cmd = elem(r, iq, "http://jabber.org/protocol/commands", "command", NULL);
	xml_set_attr(r->a, cmd, "node", "http://prosody.im/protocol/muc#destroy");
	xml_node *x = elem(r, cmd, NS_DATA, "x", NULL);
	xml_set_attr(r->a, x, "type", "submit");
	form_field(r, x, "rooms", room_of(r, o->a));
	send(r, iq);
}

static void op_invite(runner *r, const op *o, const char *what)
{
	xml_node *m = stanza_new(r, "message", room_of(r, o->a), NULL);
	xml_node *x = elem(r, m, NS_MUC_USER, "x", NULL);
	xml_node *i = elem(r, x, NULL, what, NULL);
	xml_set_attr(r->a, i, "to", (o->c & 1) ? occupant_of(r, o->a, o->b) : users[o->b % USERS]);
	if (o->c & 2)
		elem(r, i, NULL, "reason", "Come");
	send(r, m);
}

static void op_voice(runner *r, const op *o)
{
	xml_node *m = stanza_new(r, "message", room_of(r, o->a), NULL);
	xml_node *x = elem(r, m, NS_DATA, "x", NULL);
	xml_set_attr(r->a, x, "type", "submit");
	form_field(r, x, "FORM_TYPE", "http://jabber.org/protocol/muc#request");
	form_field(r, x, "muc#role", "participant");
	if (o->c & 1) {  /* a moderator's answer */
		form_field(r, x, "muc#jid", sessions[o->b % SESSIONS].jid);
		form_field(r, x, "muc#request_allow", (o->c & 2) ? "true" : "false");
	}
	send(r, m);
}

static void op_register(runner *r, const op *o)
{
	xml_node *iq = stanza_new(r, "iq", room_of(r, o->a), (o->c & 1) ? "get" : "set");
	xml_node *q = elem(r, iq, "jabber:iq:register", "query", NULL);
	if (!(o->c & 1)) {
		if (o->c & 2) {
			elem(r, q, NULL, "remove", NULL);
		} else {
			xml_node *x = elem(r, q, NS_DATA, "x", NULL);
			xml_set_attr(r->a, x, "type", "submit");
			form_field(r, x, "FORM_TYPE", "http://jabber.org/protocol/muc#register");
			form_field(r, x, "muc#register_roomnick", nicks[o->b % LEN(nicks)]);
		}
	}
	send(r, iq);
}

static void op_probe(runner *r, const op *o)
{
	xml_node *p = stanza_new(r, "presence", occupant_of(r, o->a, o->b), "probe");
	xml_set_attr(r->a, p, "id", NULL);
	send(r, p);
}

static void op_disco(runner *r, const op *o)
{
	static const char *const targets[] = {"room", "service", "occupant"};
	const char *to = targets[o->c % 3][0] == 'r' ? room_of(r, o->a)
		: targets[o->c % 3][0] == 's' ? ROOMS_DOMAIN : occupant_of(r, o->a, o->b);
	xml_node *iq = stanza_new(r, "iq", to, "get");
	elem(r, iq, (o->c & 4) ? "http://jabber.org/protocol/disco#items"
			: "http://jabber.org/protocol/disco#info", "query", NULL);
	send(r, iq);
}

static void op_raw(runner *r, const op *o)
{
	client *c = r->clients[o->actor];
	if (!c || !client_is_connected(c))
		return;
	client_send_raw(c, (const char *)o->raw, o->raw_len);
	r->must_settle = true;  /* scripts have no held form of raw bytes */
	if (!r->opt->script)
		return;
	char *b64 = arena_alloc(r->a, BASE64_ENCODED_SIZE(o->raw_len));
	base64_encode(o->raw, o->raw_len, b64);
	scs_add_action(r->opt->script, SCS_SENDS_BYTES, o->actor, b64, NULL);
}

/* One session's link, to the server or from it (a's low bit), a few
 * stanzas at a time: each link keeps its order, as TCP does. */
static void op_deliver(runner *r, const op *o)
{
	size_t who = (o->a >> 1) % SESSIONS;
	client *c = r->clients[who];
	if (!c)
		return;
	bool to_client = o->a & 1;
	size_t link = 2 * client_index(c) + (to_client ? 1 : 0);
	unsigned times = o->b % 4 + 1;
	for (unsigned i = 0; i < times && world_step_link(r->w, link); i++)
		if (r->opt->script)
			scs_add_action(r->opt->script, to_client ? SCS_DELIVER_TO : SCS_DELIVER_FROM,
					who, NULL, NULL);
}

/* ---- recording what clients received ----------------------------------------- */

/* Values drawn from the world's PRNG differ between a fuzz run and the
 * replay of its script (which runs with its own seed): show them as
 * {scansion:any}.  Ids the clients chose themselves stay. */
static bool sent_id(const runner *r, const char *id)
{
	size_t n = world_event_count(r->w);
	for (size_t i = 0; i < n; i++) {
		const world_event *ev = world_event_at(r->w, i);
		const char *sid = ev->hop == HOP_TO_SERVER ? xml_attr(ev->stanza, "id") : NULL;
		if (sid && !strcmp(sid, id))
			return true;
	}
	return false;
}

static void normalize(runner *r, xml_node *e, bool top)
{
	static const struct {
		const char *name, *attr;
	} volatile_attrs[] = {
		{"occupant-id", "id"}, {"stanza-id", "id"}, {"command", "sessionid"},
	};
	for (size_t i = 0; i < LEN(volatile_attrs); i++)
		if (!strcmp(xml_name(e), volatile_attrs[i].name) && xml_attr(e, volatile_attrs[i].attr))
			xml_set_attr(r->a, e, volatile_attrs[i].attr, "{scansion:any}");
	const char *id = top ? xml_attr(e, "id") : NULL;
	if (id && !sent_id(r, id))
		xml_set_attr(r->a, e, "id", "{scansion:any}");
	for (xml_node *c = xml_first(e); c; c = xml_next(c))
		normalize(r, c, false);
}

static void record_receives(runner *r)
{
	if (!r->opt->script)
		return;
	for (size_t who = 0; who < SESSIONS; who++) {
		client *c = r->clients[who];
		size_t n = c ? client_inbox_count(c) : 0;
		if (n <= r->seen[who])
			continue;
		buf b = BUF_INIT;
		for (size_t i = r->seen[who]; i < n; i++) {
			xml_node *e = xml_copy(r->a, client_inbox_at(c, i));
			normalize(r, e, true);
			xml_write_pretty(&b, e, NS_CLIENT, 0);
		}
		if (b.len && recordable(buf_str(&b)))
			scs_add_action(r->opt->script, SCS_RECEIVES, who, buf_str(&b), NULL);
		buf_free(&b);
		r->seen[who] = n;
	}
}

/* ---- the run ---------------------------------------------------------------------- */

static void run_op(runner *r, const op *o)
{
	switch (o->kind) {
	case OP_CONNECT: op_connect(r, o); break;
	case OP_DISCONNECT: op_disconnect(r, o); break;
	case OP_JOIN: op_join(r, o); break;
	case OP_LEAVE: op_leave(r, o); break;
	case OP_PRESENCE: op_presence(r, o); break;
	case OP_GROUPCHAT: op_groupchat(r, o); break;
	case OP_SUBJECT: op_subject(r, o); break;
	case OP_PRIVATE: op_private(r, o); break;
	case OP_CONFIG_GET: op_config_get(r, o); break;
	case OP_CONFIG_SUBMIT: op_config_submit(r, o); break;
	case OP_INSTANT: op_instant(r, o); break;
	case OP_AFFILIATION: op_affiliation(r, o); break;
	case OP_ROLE: op_role(r, o); break;
	case OP_LIST: op_list(r, o); break;
	case OP_DESTROY: op_destroy(r, o); break;
	case OP_ADMIN_DESTROY: op_admin_destroy(r, o); break;
	case OP_INVITE: op_invite(r, o, "invite"); break;
	case OP_DECLINE: op_invite(r, o, "decline"); break;
	case OP_VOICE: op_voice(r, o); break;
	case OP_REGISTER: op_register(r, o); break;
	case OP_PROBE: op_probe(r, o); break;
	case OP_DISCO: op_disco(r, o); break;
	case OP_ADVANCE:
		world_advance(r->w, (uint64_t)advance_seconds[o->a % LEN(advance_seconds)] * 1000);
		if (r->opt->script)
			scs_add_advance(r->opt->script,
					(uint64_t)advance_seconds[o->a % LEN(advance_seconds)] * 1000, NULL);
		break;
	case OP_DELIVER: op_deliver(r, o); break;
	case OP_SETTLE: break;
	case OP_RAW: op_raw(r, o); break;
	case OP_KINDS: break;
	}
}

static void forge(runner *r)
{
	client *c = r->clients[r->opt->forge_to % SESSIONS];
	if (!c)
		return;
	world_inject(r->w, c, r->opt->forge);
	if (!r->opt->script)
		return;
	buf b = BUF_INIT;
	xml_write_pretty(&b, r->opt->forge, NS_CLIENT, 0);
	scs_add_action(r->opt->script, SCS_FORGES, r->opt->forge_to % SESSIONS, buf_str(&b),
			"Not from the MUC: a delivery forged to show the oracle firing");
	buf_free(&b);
}

/* Whether the script's replay runs the world after the actions recorded
 * since `from`, as the run does: the last of them makes traffic and is
 * not held. */
static bool script_settles(const scs_script *script, size_t from)
{
	size_t n = scs_action_count(script);
	if (n == from)
		return false;
	scs_verb v = scs_action_at(script, n - 1)->verb;
	return v == SCS_CONNECTS || v == SCS_DISCONNECTS || v == SCS_SENDS || v == SCS_SETTLES;
}

/* Held ops and the network's own steps leave traffic in flight; every
 * other op runs the world to quiescence, where the checker judges. */
static bool settles(const op *o)
{
	return o->kind == OP_SETTLE || (!o->hold && o->kind != OP_DELIVER && o->kind != OP_ADVANCE);
}

static bool settle(runner *r)
{
	if (!world_run(r->w, MAX_STEPS_PER_OP)) {
		r->res.stuck = true;
		return false;
	}
	if (r->chk)
		check_quiescent(r->chk);
	return true;
}

static bool violated(runner *r)
{
	if (!r->chk || !check_first(r->chk))
		return false;
	r->res.violated = true;
	r->res.invariant = check_first(r->chk)->invariant;
	r->res.op_failed_at = r->index;
	if (r->opt->report)
		check_write(r->opt->report, check_first(r->chk));
	if (r->opt->script) {
		buf b = BUF_INIT;
		check_write(&b, check_first(r->chk));
		scs_add_action(r->opt->script, SCS_SETTLES, 0, NULL, arena_printf(r->a,
				"VIOLATION after the previous actions: %s", buf_str(&b)));
		buf_free(&b);
	}
	return true;
}

/* An op that sends stanzas, whose actor must be connected. */
static bool sends(const op *o)
{
	return (o->kind >= OP_JOIN && o->kind <= OP_DISCO) || o->kind == OP_RAW;
}

/* An op that sends connects its actor first if it is not connected, as
 * an action of its own ("connects", which runs the world), so the fuzzer
 * need not find a connect op before every session's first stanza. */
static void connect_actor(runner *r, const op *o)
{
	client *c = r->clients[o->actor];
	if (!sends(o) || (c && client_is_connected(c)))
		return;
	op_connect(r, o);
	settle(r);
	record_receives(r);
	r->must_settle = false;
}

scenario_result scenario_run(const scenario *s, const scenario_options *o)
{
	world_config cfg = {s->seed, service_admins, s->profile};
	runner r = {.s = s, .opt = o};
	r.w = world_new(&cfg);
	r.a = world_arena(r.w);
	muc_attach(r.w, ROOMS_DOMAIN);
	if (o->check)
		r.chk = check_attach(r.w, ROOMS_DOMAIN);
	for (r.index = 0; r.index < s->nops && !r.res.stuck; r.index++) {
		const op *step = &s->ops[r.index];
		size_t recorded = o->script ? scs_action_count(o->script) : 0;
		r.must_settle = false;
		connect_actor(&r, step);
		if (r.res.stuck || violated(&r))
			break;
		recorded = o->script ? scs_action_count(o->script) : 0;
		run_op(&r, step);
		if (settles(step) || r.must_settle) {
			if (o->script && world_in_flight(r.w) && !script_settles(o->script, recorded))
				scs_add_action(o->script, SCS_SETTLES, 0, NULL, NULL);
			settle(&r);
		}
		record_receives(&r);
		if (o->forge && r.index == o->forge_after) {
			forge(&r);
			if (o->script)
				scs_add_action(o->script, SCS_SETTLES, 0, NULL, NULL);
			settle(&r);
			record_receives(&r);
		}
		if (violated(&r))
			break;
	}
	if (!r.res.violated && !r.res.stuck) {
		if (o->script && world_in_flight(r.w))
			scs_add_action(o->script, SCS_SETTLES, 0, NULL, NULL);
		settle(&r);
		record_receives(&r);
		violated(&r);
	}
	r.res.steps = world_steps(r.w);
	if (o->hash)
		r.res.transcript_hash = world_transcript_hash(r.w);
	if (o->transcript)
		world_write_transcript(o->transcript, r.w);
	world_free(r.w);
	return r.res;
}

scs_script *scenario_script_new(const scenario *s, const char *file)
{
	scs_script *script = scs_new(file, "A scenario decoded from fuzzer input");
	for (size_t i = 0; i < SESSIONS; i++)
		scs_add_client(script, sessions[i].name, sessions[i].jid, "password", NULL);
	scs_set_setting(script, "profile", profile_name(s->profile));
	return script;
}

/* ---- encoding scripts as scenarios (seed corpora) ------------------------------- */

/* Script clients onto sessions: the service admin stays the admin, other
 * users take romeo, juliet and mercutio in order of appearance, and a
 * user's second client its second resource. */
static void map_clients(const scs_script *s, arena *a, size_t *session_of)
{
	const char *user_bare[USERS] = {NULL};
	size_t resources[USERS] = {0};
	for (size_t i = 0; i < scs_client_count(s); i++) {
		const char *bare = jid_bare_of(a, scs_client_at(s, i)->jid);
		size_t u = USERS - 1;
		if (!bare || strcmp(bare, users[USERS - 1]) != 0) {
			for (u = 0; u < USERS - 1; u++)
				if (!user_bare[u] || (bare && !strcmp(user_bare[u], bare)))
					break;
			u %= USERS - 1;  /* a fourth user shares mercutio's JID */
			if (!user_bare[u])
				user_bare[u] = bare;
		}
		session_of[i] = 2 * u + resources[u]++ % 2;
	}
}

static const char *universe_jid(void *ctx, size_t who, bool full)
{
	const size_t *session_of = ctx;
	size_t session = session_of[who];
	return full ? sessions[session].jid : users[session / 2];
}

static void put_op(buf *out, op_kind kind, size_t actor, size_t raw_len)
{
	uint8_t bytes[OP_SIZE] = {(uint8_t)kind, (uint8_t)(actor % SESSIONS),
		(uint8_t)(raw_len & 0xff), (uint8_t)(raw_len >> 8), 0};
	buf_append(out, (const char *)bytes, OP_SIZE);
}

bool scenario_encode_script(const scs_script *s, buf *out, scs_error *err)
{
	static const char *const profile_names[] = {"0.11", "0.12", "13"};
	const char *want = scs_setting(s, "profile");
	uint8_t header[SCENARIO_HEADER] = {1};
	for (uint8_t i = 0; i < 3; i++)
		if (want && !strcmp(want, profile_names[i]))
			header[0] = i;
	buf_append(out, (const char *)header, SCENARIO_HEADER);
	arena *a = arena_new();
	xml_parser *parser = xml_parser_new();
	static const char *const prefixes[] = {"scansion", SCS_NS, NULL};
	const xml_context ctx = {NS_CLIENT, prefixes, NULL};
	bool ok = true;
	size_t ops = 0;
	size_t *session_of = arena_alloc(a, (scs_client_count(s) + 1) * sizeof *session_of);
	map_clients(s, a, session_of);
	for (size_t i = 0; i < scs_action_count(s) && ok; i++) {
		const scs_action *act = scs_action_at(s, i);
		size_t actor = session_of[act->client];
		if (act->verb == SCS_CONNECTS || act->verb == SCS_DISCONNECTS) {
			put_op(out, act->verb == SCS_CONNECTS ? OP_CONNECT : OP_DISCONNECT, actor, 0);
			ops++;
			continue;
		}
		if (act->verb != SCS_SENDS && act->verb != SCS_QUEUES)
			continue;
		char *text = scs_expand(s, a, act->block, universe_jid, session_of, err);
		xml_error xe;
		xml_node *all = text ? xml_parse(parser, a, text, strlen(text), &ctx, &xe) : NULL;
		ok = all != NULL;
		for (xml_node *e = all ? xml_first(all) : NULL; e; e = xml_next(e)) {
			buf stanza = BUF_INIT;
			xml_write(&stanza, e, NS_CLIENT);
			if (stanza.len < 2048) {
				put_op(out, OP_RAW, actor, stanza.len);
				buf_append(out, buf_str(&stanza), stanza.len);
				ops++;
			}
			buf_free(&stanza);
		}
	}
	xml_parser_free(parser);
	arena_free(a);
	if (ok && ops > SCENARIO_MAX_OPS) {
		snprintf(err->message, sizeof err->message,
				"%zu operations; a scenario holds at most %d", ops, SCENARIO_MAX_OPS);
		ok = false;
	}
	return ok;
}
