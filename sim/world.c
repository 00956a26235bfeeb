/* world.c — see world.h. */
#define MUCSIM_INTERNAL
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "server.h"
#include "stanza.h"
#include "vec.h"

enum { MAX_COMPONENTS = 8 };
#define DEFAULT_MAX_STEPS UINT64_C(1000000)

/* What travels on a link. */
typedef enum flight_kind { FLIGHT_STANZA, FLIGHT_RAW, FLIGHT_CLOSE } flight_kind;

typedef struct flight {
	struct flight *next;
	uint64_t seq;                  /* global send order: FIFO scheduling */
	flight_kind kind;
	xml_node *stanza;
	const char *raw;
	size_t raw_len;
} flight;

typedef struct link {
	flight *head, *tail;
	size_t pending;
} link;

typedef struct timer {
	struct timer *next;
	uint64_t id, due;
	world_timer_fn fn;
	void *ctx;
} timer;

typedef struct component {
	const char *domain;
	world_component_fn fn;
	void *ctx;
} component;

typedef struct observer {
	world_observer_fn fn;
	void *ctx;
} observer;

struct world {
	arena *arena;
	xml_parser *parser;
	server *server;
	uint64_t seed;
	uint64_t rng[4];               /* xoshiro256** state */
	uint64_t now;
	uint64_t steps, seq, timer_ids;
	const char *const *admins;
	const profile *profile;
	vec clients;                   /* client * */
	vec links;                     /* link *, two per client */
	size_t in_flight;
	timer *timers;                 /* sorted by (due, id) */
	component components[MAX_COMPONENTS];
	size_t ncomponents;
	vec events;                    /* world_event * */
	vec observers;                 /* observer * */
};

/* ---- creation ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

world *world_new(const world_config *cfg)
{
	world *w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->arena = arena_new();
	w->parser = xml_parser_new();
	w->seed = cfg ? cfg->seed : 0;
	w->admins = cfg ? cfg->admins : NULL;
	w->profile = cfg && cfg->profile ? cfg->profile : profile_find(PROFILE_DEFAULT);
	uint64_t x = w->seed;
	for (int i = 0; i < 4; i++)
		w->rng[i] = splitmix64(&x);
	w->now = WORLD_EPOCH_MS;
	w->server = server_new(w);
	return w;
}

void world_free(world *w)
{
	if (!w)
		return;
	xml_parser_free(w->parser);
	arena_free(w->arena);
	free(w);
}

arena *world_arena(world *w) { return w->arena; }
xml_parser *world_parser(world *w) { return w->parser; }
uint64_t world_seed(const world *w) { return w->seed; }
struct server *world_server(world *w) { return w->server; }

bool world_is_admin(const world *w, const char *bare_jid)
{
	for (const char *const *a = w->admins; a && *a; a++)
		if (!strcmp(*a, bare_jid))
			return true;
	return false;
}

const profile *world_profile(const world *w)
{
	return w->profile;
}

xml_node *world_error(world *w, const xml_node *orig, const char *type,
		const char *condition, const char *text, const char *by)
{
	xml_node *e = stanza_error(w->arena, orig, type, condition, text, by);
	if (profile_has(w->profile, BEHAVIOUR_LEGACY_ERROR_CODES))
		stanza_add_legacy_code(w->arena, e);
	return e;
}

/* ---- randomness -------------------------------------------------------- */

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t world_random(world *w)
{
	uint64_t *s = w->rng;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t world_random_below(world *w, uint64_t n)
{
	if (n == 0)
		return 0;
	/* Rejection sampling keeps the distribution uniform. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t r;
	do
		r = world_random(w);
	while (r >= limit);
	return r % n;
}

const char *world_random_id(world *w, size_t nbytes)
{
	static const char b64url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t nchars = (nbytes * 8 + 5) / 6;
	char *s = arena_alloc(w->arena, nchars + 1);
	uint64_t bits = 0;
	int have = 0;
	for (size_t i = 0; i < nchars; i++) {
		if (have < 6) {
			bits = world_random(w);
			have = 64;
		}
		s[i] = b64url[bits & 63];
		bits >>= 6;
		have -= 6;
	}
	return s;
}

/* ---- clock and timers -------------------------------------------------- */

uint64_t world_now(const world *w) { return w->now; }

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * civil_from_days): pure arithmetic, so no libc time zone state is read. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

const char *world_stamp(world *w, uint64_t ms)
{
	uint64_t secs = ms / 1000;
	int64_t y;
	unsigned mo, d;
	civil_from_days((int64_t)(secs / 86400), &y, &mo, &d);
	unsigned sod = (unsigned)(secs % 86400);
	return arena_printf(w->arena, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
			(long long)y, mo, d, sod / 3600, sod / 60 % 60, sod % 60);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*out = *out * 10 + (**p - '0');
	}
	return true;
}

bool world_parse_stamp(const char *s, uint64_t *seconds)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *p = s;
	if (!p || !digits(&p, 4, &y))
		return false;
	p += *p == '-';
	if (!digits(&p, 2, &mo))
		return false;
	p += *p == '-';
	if (!digits(&p, 2, &d) || *p++ != 'T' || !digits(&p, 2, &h) || *p++ != ':'
			|| !digits(&p, 2, &mi) || *p++ != ':' || !digits(&p, 2, &se))
		return false;
	p += *p == '.';
	while (*p >= '0' && *p <= '9')
		p++;
	int sign = 0;
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-')
		sign = *p++ == '+' ? 1 : -1;
	if (sign) {
		if (!digits(&p, 2, &oh))
			return false;
		p += *p == ':';
		if (*p && !digits(&p, 2, &om))
			return false;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400
		+ h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
	if (t < 0)
		return false;
	*seconds = (uint64_t)t;
	return true;
}

uint64_t world_timer_add(world *w, uint64_t due_ms, world_timer_fn fn, void *ctx)
{
	timer *t = arena_alloc(w->arena, sizeof *t);
	t->id = ++w->timer_ids;
	t->due = due_ms;
	t->fn = fn;
	t->ctx = ctx;
	timer **p = &w->timers;
	while (*p && (*p)->due <= due_ms)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	return t->id;
}

void world_timer_cancel(world *w, uint64_t id)
{
	for (timer **p = &w->timers; *p; p = &(*p)->next) {
		if ((*p)->id == id) {
			*p = (*p)->next;
			return;
		}
	}
}

void world_advance(world *w, uint64_t ms)
{
	uint64_t until = w->now + ms;
	while (w->timers && w->timers->due <= until) {
		timer *t = w->timers;
		w->timers = t->next;
		if (t->due > w->now)
			w->now = t->due;
		t->fn(w, t->ctx);
	}
	w->now = until;
}

/* ---- components -------------------------------------------------------- */

void world_add_component(world *w, const char *domain, world_component_fn fn,
		void *ctx)
{
	if (w->ncomponents == MAX_COMPONENTS)
		abort();  /* a programming error: worlds have a fixed few */
	component *c = &w->components[w->ncomponents++];
	c->domain = arena_strdup(w->arena, domain);
	c->fn = fn;
	c->ctx = ctx;
}

static const component *component_find(const world *w, const char *domain)
{
	for (size_t i = 0; i < w->ncomponents; i++)
		if (!strcmp(w->components[i].domain, domain))
			return &w->components[i];
	return NULL;
}

bool world_is_component(const world *w, const char *domain)
{
	return component_find(w, domain) != NULL;
}

bool world_to_component(world *w, const char *domain, xml_node *stanza)
{
	const component *c = component_find(w, domain);
	if (!c)
		return false;
	const char *from = xml_attr(stanza, "from");
	world_record(w, HOP_TO_COMPONENT, from ? from : WORLD_HOST, c->domain, stanza);
	c->fn(w, c->ctx, stanza);
	return true;
}

void world_route(world *w, xml_node *stanza)
{
	server_route(w->server, stanza);
}

/* ---- clients and links ------------------------------------------------- */

size_t world_add_client(world *w, client *c)
{
	size_t idx = w->clients.len;
	vec_push(w->arena, &w->clients, c);
	for (int i = 0; i < 2; i++)
		vec_push(w->arena, &w->links, arena_alloc(w->arena, sizeof(link)));
	return idx;
}

client *world_client(const world *w, size_t idx)
{
	return idx < w->clients.len ? w->clients.items[idx] : NULL;
}

size_t world_client_count(const world *w)
{
	return w->clients.len;
}

static void link_put(world *w, size_t link_idx, flight *f)
{
	link *l = w->links.items[link_idx];
	f->seq = ++w->seq;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	l->pending++;
	w->in_flight++;
}

static flight *flight_new(world *w, flight_kind kind)
{
	flight *f = arena_alloc(w->arena, sizeof *f);
	f->kind = kind;
	return f;
}

void world_send_stanza(world *w, size_t idx, xml_node *stanza)
{
	flight *f = flight_new(w, FLIGHT_STANZA);
	f->stanza = stanza;
	link_put(w, 2 * idx, f);
}

void world_send_raw(world *w, size_t idx, const char *bytes, size_t len)
{
	flight *f = flight_new(w, FLIGHT_RAW);
	f->raw = arena_strndup(w->arena, bytes, len);
	f->raw_len = len;
	link_put(w, 2 * idx, f);
}

void world_send_close(world *w, size_t idx)
{
	link_put(w, 2 * idx, flight_new(w, FLIGHT_CLOSE));
}

void world_inject(world *w, client *c, const xml_node *stanza)
{
	world_push(w, client_index(c), xml_copy(w->arena, stanza));
}

void world_push(world *w, size_t idx, xml_node *stanza)
{
	flight *f = flight_new(w, FLIGHT_STANZA);
	f->stanza = stanza;
	link_put(w, 2 * idx + 1, f);
}

/* ---- scheduling -------------------------------------------------------- */

size_t world_link_count(const world *w) { return w->links.len; }
uint64_t world_steps(const world *w) { return w->steps; }
size_t world_in_flight(const world *w) { return w->in_flight; }

size_t world_link_pending(const world *w, size_t link_idx)
{
	if (link_idx >= w->links.len)
		return 0;
	return ((link *)w->links.items[link_idx])->pending;
}

static void deliver(world *w, size_t link_idx, flight *f)
{
	size_t idx = link_idx / 2;
	client *c = w->clients.items[idx];
	w->steps++;
	if (link_idx % 2 == 1) {
		if (!client_is_reading(c))
			return;  /* the stream is gone: lost on the wire */
		const char *from = xml_attr(f->stanza, "from");
		world_record(w, HOP_TO_CLIENT, from ? from : WORLD_HOST, client_jid(c), f->stanza);
		client_deliver(c, f->stanza);
		return;
	}
	switch (f->kind) {
	case FLIGHT_STANZA:
		world_record(w, HOP_TO_SERVER, client_jid(c), WORLD_HOST, f->stanza);
		server_receive(w->server, idx, f->stanza);
		break;
	case FLIGHT_RAW:
		server_receive_raw(w->server, idx, f->raw, f->raw_len);
		break;
	case FLIGHT_CLOSE:
		server_close(w->server, idx);
		break;
	}
}

bool world_step_link(world *w, size_t link_idx)
{
	if (link_idx >= w->links.len)
		return false;
	link *l = w->links.items[link_idx];
	flight *f = l->head;
	if (!f)
		return false;
	l->head = f->next;
	if (!l->head)
		l->tail = NULL;
	l->pending--;
	w->in_flight--;
	deliver(w, link_idx, f);
	return true;
}

bool world_step(world *w)
{
	if (w->in_flight == 0)
		return false;
	size_t best = 0;
	uint64_t best_seq = UINT64_MAX;
	for (size_t i = 0; i < w->links.len; i++) {
		link *l = w->links.items[i];
		if (l->head && l->head->seq < best_seq) {
			best_seq = l->head->seq;
			best = i;
		}
	}
	return world_step_link(w, best);
}

bool world_run(world *w, uint64_t max_steps)
{
	if (max_steps == 0)
		max_steps = DEFAULT_MAX_STEPS;
	for (uint64_t n = 0; n < max_steps; n++)
		if (!world_step(w))
			return true;
	return w->in_flight == 0;
}

/* ---- transcript -------------------------------------------------------- */

void world_record(world *w, world_hop hop, const char *from, const char *to,
		const xml_node *stanza)
{
	world_event *ev = arena_alloc(w->arena, sizeof *ev);
	/* The server and the components rewrite what they are handed: keep
	 * the stanza as it was delivered. */
	if (hop != HOP_TO_CLIENT)
		stanza = xml_copy(w->arena, stanza);
	ev->hop = hop;
	ev->step = w->steps;
	ev->from = from;
	ev->to = to;
	ev->stanza = stanza;
	vec_push(w->arena, &w->events, ev);
	for (size_t i = 0; i < w->observers.len; i++) {
		observer *o = w->observers.items[i];
		o->fn(o->ctx, ev);
	}
}

size_t world_event_count(const world *w) { return w->events.len; }

const world_event *world_event_at(const world *w, size_t i)
{
	return i < w->events.len ? w->events.items[i] : NULL;
}

void world_observe(world *w, world_observer_fn fn, void *ctx)
{
	observer *o = arena_alloc(w->arena, sizeof *o);
	o->fn = fn;
	o->ctx = ctx;
	vec_push(w->arena, &w->observers, o);
}

static void event_write(buf *out, const world_event *ev)
{
	buf_printf(out, "%llu %s -> %s: ", (unsigned long long)ev->step,
			ev->from, ev->to);
	xml_write(out, ev->stanza, "jabber:client");
	buf_putc(out, '\n');
}

void world_write_transcript(buf *out, const world *w)
{
	for (size_t i = 0; i < w->events.len; i++)
		event_write(out, w->events.items[i]);
}

uint64_t world_transcript_hash(const world *w)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	buf line = BUF_INIT;
	for (size_t i = 0; i < w->events.len; i++) {
		buf_reset(&line);
		event_write(&line, w->events.items[i]);
		for (size_t k = 0; k < line.len; k++) {
			h ^= (unsigned char)line.data[k];
			h *= UINT64_C(0x100000001b3);
		}
	}
	buf_free(&line);
	return h;
}
