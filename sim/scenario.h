/* scenario.h — fuzz scenarios: byte strings that decode to runs.
 *
 * The scenario fuzzer's inputs are bytes; every byte string decodes to a
 * valid scenario, so no execution is wasted.  A scenario is a profile, a
 * seed, a set of enabled operation kinds (swarm testing) and a list of
 * operations over a small universe: four users (romeo, juliet, mercutio
 * and the service admin) with two resources each, three rooms, and small
 * vocabularies of nicks (with case, unicode, whitespace and empty edge
 * cases), passwords (right, wrong, empty, none) and field values.
 *
 * Encoding (all fields read modulo their range; missing bytes read 0):
 *   byte 0       profile: 0.11, 0.12 or 13
 *   bytes 1-8    world seed, little endian
 *   bytes 9-12   swarm mask: operation kind k is enabled if bit k is set
 *                (a mask of 0 enables everything)
 *   then ops of OP_SIZE bytes: kind (low 5 bits; bit 7 = hold: the world
 *   is not run after this op, so its stanzas stay in flight), actor, and
 *   three argument bytes.  A raw-stanza op then takes its payload from the
 *   following bytes (length in its first argument).
 *   An op that sends stanzas (join … disco, raw) connects its actor first
 *   when it is not connected, as an action of its own that runs the world.
 *   A room argument v names hall, garden or crypt by weight (v % 8: 0-5
 *   hall, 6 garden, 7 crypt).
 *
 * Running a scenario drives a fresh world with the MUC and, optionally,
 * the invariant checker; it can record the run as a scansion script
 * (with mucsim's extension lines only where held traffic needs them).
 */
#ifndef MUCSIM_SCENARIO_H
#define MUCSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "profile.h"
#include "scs.h"

enum { SCENARIO_HEADER = 13, OP_SIZE = 5, SCENARIO_MAX_OPS = 64 };

typedef struct scenario scenario;

/* Decode bytes into a scenario in arena a (any bytes decode). */
scenario *scenario_decode(arena *a, const uint8_t *data, size_t len);

/* Where the op starting at byte pos (pos < len) ends: after its OP_SIZE
 * bytes and, for a raw-stanza op, its payload.  Past len when the input
 * cuts the op short (missing bytes decode as 0). */
size_t scenario_op_end(const uint8_t *data, size_t len, size_t pos);

/* Structure-aware mutation for the scenario fuzzer: one change to the
 * input in data (size bytes, room for max_size) that keeps the ops
 * aligned: insert, delete, duplicate or move a whole op, change one of
 * its fields or the header; sometimes the byte-level fallback instead
 * (libFuzzer's own mutator, for raw payloads and dictionary words).
 * Deterministic in seed.  Returns the new size. */
typedef size_t scenario_byte_mutator(uint8_t *data, size_t size, size_t max_size);
size_t scenario_mutate(uint8_t *data, size_t size, size_t max_size, unsigned seed,
		scenario_byte_mutator *fallback);

/* Crossover at op boundaries: a prefix of a's ops after a's header, then
 * a suffix of b's ops, written to out (room for max_size).  Returns the
 * size written. */
size_t scenario_cross_over(const uint8_t *a, size_t a_size, const uint8_t *b,
		size_t b_size, uint8_t *out, size_t max_size, unsigned seed);

/* Whether an input still fails as the one being minimised did. */
typedef bool scenario_fails(const uint8_t *data, size_t len, void *ctx);

/* Shrink data in place by dropping whole ops (the header stays) while
 * fails() still holds, down to an input from which no single op can be
 * dropped.  Returns the new length, or 0 (data untouched) if the input
 * does not fail to begin with.  Runs fails() O(ops²) times at worst. */
size_t scenario_minimize(uint8_t *data, size_t len, scenario_fails *fails, void *ctx);

const profile *scenario_profile(const scenario *s);
uint64_t scenario_seed(const scenario *s);
size_t scenario_op_count(const scenario *s);
/* One line describing op i, e.g. "Juliet joins hall as 'Ромео' with the
 * wrong password". */
void scenario_describe_op(buf *out, const scenario *s, size_t i);

typedef struct scenario_result {
	bool violated;             /* the checker reported a violation */
	bool stuck;                /* the world did not quiesce within bounds */
	const char *invariant;     /* the one violated (a static string), or NULL */
	uint64_t steps;
	uint64_t transcript_hash;
	size_t op_failed_at;       /* index of the op after which it was seen */
} scenario_result;

typedef struct scenario_options {
	bool check;                /* attach the invariant checker */
	bool hash;                 /* compute transcript_hash (it serializes
				    * every delivery: not in the fuzz loop) */
	buf *report;               /* if not NULL: violation report appended */
	buf *transcript;           /* if not NULL: the full transcript */
	scs_script *script;        /* if not NULL: the run, as a script */
	/* A delivery no service makes, to show the oracle firing and the
	 * run's script reproducing it: after operation forge_after, forge
	 * (if not NULL) is put in flight to session forge_to. */
	const xml_node *forge;
	size_t forge_after, forge_to;
} scenario_options;

/* Run the scenario in a fresh world (freed before returning). */
scenario_result scenario_run(const scenario *s, const scenario_options *o);

/* Encode a script as a scenario, for seed corpora: its connects and
 * disconnects become operations, each stanza it sends a raw-stanza
 * operation, with the script's clients mapped onto the universe's
 * users (the service admin onto the admin).  False (err filled) if it
 * does not fit. */
bool scenario_encode_script(const scs_script *s, buf *out, scs_error *err);

/* A scansion script for recording a run: the universe's clients. */
scs_script *scenario_script_new(const scenario *s, const char *file);

#endif
