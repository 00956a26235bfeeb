/* server.c — see server.h.  Each function names the Prosody 0.12 code it
 * models (paths under /usr/lib/prosody/). */
#define MUCSIM_INTERNAL
#include "server.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "jid.h"
#include "stanza.h"
#include "vec.h"

typedef struct session {
	bool bound;
	bool available;        /* sent broadcast presence (session.presence) */
	long priority;
	vec directed;          /* const char *: JIDs sent directed presence */
} session;

struct server {
	world *w;
	vec sessions;          /* session *, indexed like clients */
};

server *server_new(world *w)
{
	server *s = arena_alloc(world_arena(w), sizeof *s);
	s->w = w;
	return s;
}

static session *session_of(server *s, size_t idx)
{
	while (s->sessions.len <= idx)
		vec_push(world_arena(s->w), &s->sessions,
				arena_alloc(world_arena(s->w), sizeof(session)));
	return s->sessions.items[idx];
}

static arena *A(server *s)
{
	return world_arena(s->w);
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* Straight onto the session's stream, bypassing routing (origin.send). */
static void send_to_session(server *s, size_t idx, xml_node *stanza)
{
	world_push(s->w, idx, stanza);
}

/* ---- stream life --------------------------------------------------------- */

void server_bind(server *s, size_t idx)
{
	session *ss = session_of(s, idx);
	ss->bound = true;
}

/* mod_presence's resource-unbind: an unavailable presence, as broadcast
 * presence if the session was available, else directed to every JID that
 * got directed presence. */
static void session_unbind(server *s, size_t idx)
{
	session *ss = session_of(s, idx);
	if (!ss->bound)
		return;
	ss->bound = false;
	const char *from = client_jid(client_at(s->w, idx));
	for (size_t i = 0; i < ss->directed.len; i++) {
		xml_node *p = xml_new(A(s), NS_CLIENT, "presence");
		xml_set_attr(A(s), p, "type", "unavailable");
		xml_set_attr(A(s), p, "from", from);
		xml_set_attr(A(s), p, "to", ss->directed.items[i]);
		server_route(s, p);
	}
	ss->directed.len = 0;
	ss->available = false;
}

static void stream_error(server *s, size_t idx, const char *condition)
{
	xml_node *e = xml_new(A(s), NS_STREAM, "error");
	xml_add_elem(A(s), e, NS_STREAMS, condition, NULL);
	send_to_session(s, idx, e);
	client_drop(client_at(s->w, idx));
	session_unbind(s, idx);
}

void server_replace(server *s, size_t idx)
{
	stream_error(s, idx, "conflict");
}

void server_close(server *s, size_t idx)
{
	session_unbind(s, idx);
}

void server_receive_raw(server *s, size_t idx, const char *bytes, size_t len)
{
	static const char *const prefixes[] = {"stream", NS_STREAM, NULL};
	const xml_context ctx = {NS_CLIENT, prefixes, NULL};
	xml_error err;
	xml_node *e = xml_parse_one(world_parser(s->w), A(s), bytes, len, &ctx, &err);
	world_record(s->w, HOP_TO_SERVER, client_jid(client_at(s->w, idx)), WORLD_HOST,
			e ? e : xml_new(A(s), NS_STREAM, "not-well-formed"));
	if (!e) {
		stream_error(s, idx, "not-well-formed");
		return;
	}
	server_receive(s, idx, e);
}

/* ---- local delivery (mod_message, mod_presence, mod_iq) ------------------ */

static void send_to_client(server *s, client *c, xml_node *stanza)
{
	send_to_session(s, client_index(c), stanza);
}

/* Bounce a stanza with an error, unless it is itself an error or result. */
static void bounce(server *s, const xml_node *stanza, const char *type,
		const char *condition, const char *text)
{
	if (stanza_is_error_or_result(stanza))
		return;
	server_route(s, world_error(s->w, stanza, type, condition, text, NULL));
}

/* The available sessions of a bare JID with the highest non-negative
 * priority (user.top_resources).  Returns how many were written to out. */
static size_t top_resources(server *s, const char *bare, client **out, size_t max)
{
	size_t n = 0;
	long best = -1;
	size_t count = client_count(s->w);
	for (size_t i = 0; i < count; i++) {
		client *c = client_at(s->w, i);
		session *ss = session_of(s, i);
		if (!ss->bound || !ss->available || ss->priority < 0)
			continue;
		if (strcmp(client_bare_jid(c), bare) != 0)
			continue;
		if (ss->priority > best) {
			best = ss->priority;
			n = 0;
		}
		if (ss->priority == best && n < max)
			out[n++] = c;
	}
	return n;
}

enum { MAX_RESOURCES = 64 };

/* mod_message process_to_bare. */
static void message_to_bare(server *s, const char *bare, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	if (is(type, "error"))
		return;
	if (is(type, "groupchat")) {
		bounce(s, stanza, "cancel", "service-unavailable", NULL);
		return;
	}
	client *top[MAX_RESOURCES];
	size_t n = top_resources(s, bare, top, MAX_RESOURCES);
	if (is(type, "headline") && !is(xml_attr(stanza, "to"), bare))
		return;
	for (size_t i = 0; i < n; i++)
		send_to_client(s, top[i], stanza);
	/* With no resource online, chat and normal messages go to the offline
	 * archive (mod_mam's message/offline/handle): nothing is sent back. */
}

/* mod_presence presence/bare for available and unavailable presence: to
 * every session that is available. */
static void presence_to_bare(server *s, const char *bare, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	if (*type && !is(type, "unavailable"))
		return;  /* subscriptions and probes: the test accounts have no roster */
	size_t count = client_count(s->w);
	for (size_t i = 0; i < count; i++) {
		client *c = client_at(s->w, i);
		session *ss = session_of(s, i);
		if (ss->bound && ss->available && !strcmp(client_bare_jid(c), bare))
			send_to_client(s, c, stanza);
	}
}

static client *bound_client(server *s, const char *full)
{
	client *c = client_find(s->w, full);
	if (c && session_of(s, client_index(c))->bound)
		return c;
	return NULL;
}

static void iq_to_host(server *s, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	if (!is(type, "get") && !is(type, "set"))
		return;
	xml_node *payload = xml_first(stanza);
	if (is(type, "get") && payload && is(xml_name(payload), "ping")
			&& is(xml_ns(payload), NS_PING)) {
		server_route(s, stanza_reply(A(s), stanza));
		return;
	}
	bounce(s, stanza, "cancel", "service-unavailable", NULL);
}

/* A stanza for a user of this host or for the host itself. */
static void deliver_local(server *s, const jid *to, xml_node *stanza)
{
	const char *name = xml_name(stanza);
	const char *type = stanza_type(stanza);
	if (!to->node) {
		if (is(name, "iq"))
			iq_to_host(s, stanza);
		else if (is(name, "message"))
			bounce(s, stanza, "cancel", "service-unavailable", NULL);
		return;
	}
	const char *bare = jid_join(A(s), to->node, to->domain, NULL);
	if (to->resource) {
		client *c = bound_client(s, xml_attr(stanza, "to"));
		if (c) {
			send_to_client(s, c, stanza);
		} else if (is(name, "message")) {
			message_to_bare(s, bare, stanza);
		} else if (is(name, "iq") && (is(type, "get") || is(type, "set"))) {
			bounce(s, stanza, "cancel", "service-unavailable", NULL);
		}
		return;
	}
	if (is(name, "message"))
		message_to_bare(s, bare, stanza);
	else if (is(name, "presence"))
		presence_to_bare(s, bare, stanza);
	else
		bounce(s, stanza, "cancel", "service-unavailable", NULL);
}

/* core_route_stanza / core_post_stanza without the c2s pre-events. */
void server_route(server *s, xml_node *stanza)
{
	const char *to = xml_attr(stanza, "to");
	jid j;
	if (!to || !jid_split(A(s), to, &j))
		return;  /* nothing routes a stanza without a valid destination */
	if (world_to_component(s->w, j.domain, stanza))
		return;
	if (is(j.domain, WORLD_HOST)) {
		deliver_local(s, &j, stanza);
		return;
	}
	/* s2s is disabled in the test configuration. */
	bounce(s, stanza, "cancel", "not-allowed",
			"Communication with remote domains is not enabled");
}

/* ---- stanzas from clients (stanza_router core_process_stanza) ------------ */

static bool is_stanza_name(const char *name)
{
	return is(name, "message") || is(name, "presence") || is(name, "iq");
}

/* The IQ checks of core_process_stanza; the error goes straight back. */
static bool iq_is_valid(server *s, size_t idx, xml_node *stanza)
{
	static const char *const types[] = {"get", "set", "result", "error"};
	const char *type = xml_attr(stanza, "type");
	const char *problem = "Invalid IQ type";
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (is(type, types[i]))
			problem = NULL;
	if (!problem && !xml_attr(stanza, "id"))
		problem = "Missing required 'id' attribute";
	if (!problem && (is(type, "get") || is(type, "set")) && xml_child_count(stanza) != 1)
		problem = "Incorrect number of children for IQ stanza";
	if (!problem)
		return true;
	if (!is(type, "error"))
		send_to_session(s, idx, world_error(s->w, stanza, "modify",
				"bad-request", problem, NULL));
	return false;
}

/* mod_presence outbound_presence_handler: remember directed presence. */
static void track_directed(session *ss, arena *a, const char *to, const char *type)
{
	size_t i = 0;
	while (i < ss->directed.len && strcmp(ss->directed.items[i], to) != 0)
		i++;
	bool present = i < ss->directed.len;
	if (!*type && !present) {
		vec_push(a, &ss->directed, arena_strdup(a, to));
	} else if (*type && present) {
		memmove(&ss->directed.items[i], &ss->directed.items[i + 1],
				(ss->directed.len - i - 1) * sizeof *ss->directed.items);
		ss->directed.len--;
	}
}

/* mod_vcard_legacy inject_xep153 on available presence. */
static void add_vcard_update(arena *a, xml_node *presence)
{
	xml_node *x = xml_child(presence, "x", NS_VCARD_UPDATE);
	if (!x) {
		x = xml_add_elem(a, presence, NS_VCARD_UPDATE, "x", NULL);
		xml_add_elem(a, x, NULL, "photo", NULL);
	} else if (!xml_child(x, "photo", NULL)) {
		xml_add_elem(a, x, NULL, "photo", NULL);
	}
}

/* mod_presence handle_normal_presence for presence without `to`. */
static void broadcast_presence(server *s, size_t idx, xml_node *stanza)
{
	session *ss = session_of(s, idx);
	const char *type = stanza_type(stanza);
	if (*type && !is(type, "unavailable"))
		return;
	if (!*type) {
		const char *prio = xml_child_text(stanza, "priority", NULL);
		ss->priority = prio ? strtol(prio, NULL, 10) : 0;
		ss->available = true;
	}
	presence_to_bare(s, client_bare_jid(client_at(s->w, idx)), stanza);
	if (is(type, "unavailable")) {
		ss->available = false;
		for (size_t i = 0; i < ss->directed.len; i++) {
			xml_node *p = xml_copy(A(s), stanza);
			xml_set_attr(A(s), p, "to", ss->directed.items[i]);
			server_route(s, p);
		}
		ss->directed.len = 0;
	}
}

/* mod_presence handle_outbound_presence_subscriptions_and_probes, for
 * accounts with empty rosters: probes go out as they are, (un)subscribe
 * requests go out between bare JIDs, (un)subscribed answers change
 * nothing, and any other type is refused. */
static void subscription_from_client(server *s, size_t idx, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	const char *from_bare = client_bare_jid(client_at(s->w, idx));
	const char *to_bare = jid_bare_of(A(s), xml_attr(stanza, "to"));
	if (is(type, "probe") || is(to_bare, from_bare)) {
		server_route(s, stanza);
	} else if (is(type, "subscribe") || is(type, "unsubscribe")) {
		xml_set_attr(A(s), stanza, "from", from_bare);
		xml_set_attr(A(s), stanza, "to", to_bare);
		server_route(s, stanza);
	} else if (!is(type, "subscribed") && !is(type, "unsubscribed")) {
		send_to_session(s, idx, world_error(s->w, stanza, "modify", "bad-request",
				"Invalid presence type", NULL));
	}
}

static void presence_from_client(server *s, size_t idx, xml_node *stanza)
{
	const char *type = stanza_type(stanza);
	if (!*type)
		add_vcard_update(A(s), stanza);
	const char *to = xml_attr(stanza, "to");
	if (!to) {
		broadcast_presence(s, idx, stanza);
		return;
	}
	if (*type && !is(type, "unavailable") && !is(type, "error")) {
		subscription_from_client(s, idx, stanza);
		return;
	}
	track_directed(session_of(s, idx), A(s), to, type);
	server_route(s, stanza);
}

void server_receive(server *s, size_t idx, xml_node *stanza)
{
	session *ss = session_of(s, idx);
	if (!ss->bound)
		return;
	const char *name = xml_name(stanza);
	if (!is(xml_ns(stanza), NS_CLIENT) || !is_stanza_name(name)) {
		stream_error(s, idx, "unsupported-stanza-type");
		return;
	}
	if (!xml_attr_ns(stanza, XML_NS_XML, "lang"))
		xml_set_attr_ns(A(s), stanza, XML_NS_XML, "lang", WORLD_LANG);
	const char *type = stanza_type(stanza);
	if (is(type, "error") && xml_child_count(stanza) == 0)
		return;
	if (is(name, "iq") && !iq_is_valid(s, idx, stanza))
		return;
	xml_set_attr(A(s), stanza, "from", client_jid(client_at(s->w, idx)));
	const char *to = xml_attr(stanza, "to");
	if (to) {
		jid j;
		if (!jid_prep(A(s), to, &j)) {
			if (!stanza_is_error_or_result(stanza))
				send_to_session(s, idx, world_error(s->w, stanza, "modify",
						"jid-malformed", arena_printf(A(s),
						"The destination address is invalid: %s", to), NULL));
			return;
		}
		xml_set_attr(A(s), stanza, "to", jid_full(A(s), &j));
		/* To one's own bare JID is to no one in particular (to_self). */
		if (!j.resource && is(jid_bare(A(s), &j), client_bare_jid(client_at(s->w, idx))))
			xml_set_attr(A(s), stanza, "to", NULL);
	}
	if (is(name, "presence")) {
		presence_from_client(s, idx, stanza);
		return;
	}
	if (!xml_attr(stanza, "to")) {
		/* Self-addressed message or iq: no handler in this world. */
		xml_set_attr(A(s), stanza, "to", client_bare_jid(client_at(s->w, idx)));
		if (is(name, "iq"))
			bounce(s, stanza, "cancel", "service-unavailable", NULL);
		else
			message_to_bare(s, client_bare_jid(client_at(s->w, idx)), stanza);
		return;
	}
	server_route(s, stanza);
}
