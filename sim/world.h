/* world.h — the simulated universe: clock, randomness, network, transcript.
 *
 * A world owns everything a simulation touches: one arena, one XML parser,
 * a virtual clock, a seeded PRNG, the home server "localhost", the
 * components plugged into it (the MUC "conference.localhost"), the
 * simulated clients and the links between them.  Nothing in a world reads
 * the wall clock, system randomness or the environment, and nothing is
 * shared between worlds: the same seed and the same calls give a
 * byte-identical transcript.
 *
 * Network.  Every connected client has two links, client→server and
 * server→client.  Each link is a FIFO, as a TCP stream is.  Sending puts a
 * stanza in flight on a link; a *step* delivers one stanza.  world_step()
 * delivers the stanza that has been in flight longest (a global FIFO);
 * world_step_link() delivers the head of a chosen link, which is how a
 * fuzzer explores other interleavings.  The server and its components
 * handle a delivered stanza synchronously, as Prosody does in-process,
 * putting their output in flight on server→client links.
 *
 * Transcript.  Every delivery is recorded (step, sender, receiver,
 * stanza).  Observers registered with world_observe() see each delivery as
 * it happens: the invariant checker and the verbose runner use this.
 */
#ifndef MUCSIM_WORLD_H
#define MUCSIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "profile.h"
#include "xml.h"

#define WORLD_HOST "localhost"
#define WORLD_LANG "en"            /* the xml:lang of every client stream */

typedef struct world world;
typedef struct client client;      /* see client.h */

typedef struct world_config {
	uint64_t seed;                 /* every random choice derives from it */
	const char *const *admins;     /* service admins' bare JIDs, NULL-ended */
	const profile *profile;        /* Prosody release modelled; NULL: default */
} world_config;

world *world_new(const world_config *cfg);
void world_free(world *w);         /* frees everything; NULL is allowed */

arena *world_arena(world *w);
xml_parser *world_parser(world *w);
uint64_t world_seed(const world *w);
bool world_is_admin(const world *w, const char *bare_jid);
const profile *world_profile(const world *w);

/* An error reply to orig as Prosody's util.stanza error_reply builds it
 * (stanza.h), with the legacy numeric code when the profile has them. */
xml_node *world_error(world *w, const xml_node *orig, const char *type,
		const char *condition, const char *text, const char *by);

/* ---- randomness -------------------------------------------------------- */

uint64_t world_random(world *w);                 /* next 64 random bits */
uint64_t world_random_below(world *w, uint64_t n);  /* uniform in [0, n) */
/* n random bytes in base64url without padding (Prosody's util.id). */
const char *world_random_id(world *w, size_t nbytes);

/* ---- virtual clock and timers ------------------------------------------ */

/* Milliseconds since the Unix epoch; starts at WORLD_EPOCH_MS. */
#define WORLD_EPOCH_MS UINT64_C(1767225600000)   /* 2026-01-01T00:00:00Z */
uint64_t world_now(const world *w);
/* Format a time as XEP-0082 "2026-01-01T00:00:00Z" into an arena string. */
const char *world_stamp(world *w, uint64_t ms);
/* Parse an XEP-0082 date-time as Prosody's util.datetime.parse accepts it
 * ("2026-01-01T00:00:00Z", optional fraction and offset) into seconds
 * since the epoch; false when it is not one. */
bool world_parse_stamp(const char *s, uint64_t *seconds);

typedef void (*world_timer_fn)(world *w, void *ctx);
/* Run fn(ctx) when the clock reaches due_ms.  Returns a non-zero id. */
uint64_t world_timer_add(world *w, uint64_t due_ms, world_timer_fn fn, void *ctx);
void world_timer_cancel(world *w, uint64_t id);
/* Move the clock forward by ms, firing due timers in (time, creation)
 * order.  Stanzas they send stay in flight until the next steps. */
void world_advance(world *w, uint64_t ms);

/* ---- components -------------------------------------------------------- */

/* A component handles every stanza addressed to its domain. */
typedef void (*world_component_fn)(world *w, void *ctx, xml_node *stanza);
void world_add_component(world *w, const char *domain, world_component_fn fn,
		void *ctx);
bool world_is_component(const world *w, const char *domain);

/* Send a stanza from a component (its `from` must be set).  The server
 * routes it at once: to a client link, another component, or back as an
 * error.  The stanza must live in the world's arena. */
void world_route(world *w, xml_node *stanza);

/* ---- scheduling -------------------------------------------------------- */

/* Deliver the longest-waiting stanza in flight.  False when none is. */
bool world_step(world *w);
/* Links in flight, in a deterministic order: link i is client i/2's
 * client→server (even) or server→client (odd) link. */
size_t world_link_count(const world *w);
size_t world_link_pending(const world *w, size_t link);
bool world_step_link(world *w, size_t link);
/* Step until nothing is in flight, or max_steps were taken (then false:
 * the system does not quiesce).  0 means the default, 1,000,000. */
bool world_run(world *w, uint64_t max_steps);
uint64_t world_steps(const world *w);
size_t world_in_flight(const world *w);

/* ---- transcript and observers ------------------------------------------ */

/* Where a recorded stanza went. */
typedef enum world_hop {
	HOP_TO_SERVER,                 /* a client sent it; as the client wrote it */
	HOP_TO_COMPONENT,              /* the server handed it to a component */
	HOP_TO_CLIENT,                 /* a client received it */
} world_hop;

typedef struct world_event {
	uint64_t step;
	world_hop hop;
	const char *from;              /* endpoint: full JID or domain */
	const char *to;
	const xml_node *stanza;
} world_event;

size_t world_event_count(const world *w);
const world_event *world_event_at(const world *w, size_t i);
/* 64-bit FNV-1a over the serialized transcript: equal runs, equal hash. */
uint64_t world_transcript_hash(const world *w);
/* Write the transcript, one "step from -> to: stanza" line per event. */
void world_write_transcript(buf *out, const world *w);

typedef void (*world_observer_fn)(void *ctx, const world_event *ev);
void world_observe(world *w, world_observer_fn fn, void *ctx);

/* Put a stanza in flight to a client as if the server had sent it.  Not
 * used by the simulated services: it builds runs by hand, to show that an
 * oracle fires on a delivery the services would never make. */
void world_inject(world *w, client *c, const xml_node *stanza);



/* ---- for the other sim modules (client.c, server.c) -------------------- */
#ifdef MUCSIM_INTERNAL
struct server;
struct server *world_server(world *w);
/* Register a new client: returns its index, which also names its links. */
size_t world_add_client(world *w, client *c);
client *world_client(const world *w, size_t idx);
size_t world_client_count(const world *w);
/* Put in flight on client idx's client→server link: a stanza, raw bytes
 * (parsed on delivery), or the end of the stream. */
void world_send_stanza(world *w, size_t idx, xml_node *stanza);
void world_send_raw(world *w, size_t idx, const char *bytes, size_t len);
void world_send_close(world *w, size_t idx);
/* Put in flight on client idx's server→client link. */
void world_push(world *w, size_t idx, xml_node *stanza);
/* Record a delivery (a stanza for the server or a component is copied:
 * they rewrite it in place). */
void world_record(world *w, world_hop hop, const char *from, const char *to,
		const xml_node *stanza);
/* Hand a stanza to the component owning `domain`; false if none does. */
bool world_to_component(world *w, const char *domain, xml_node *stanza);
#endif

#endif
