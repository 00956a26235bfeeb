/* stanza_input.h — the stanza fuzzer's inputs: raw XML from connected
 * clients into a world with rooms (fuzz/stanza_fuzzer.c runs them, and so
 * does `mucsim replay`).
 *
 * Hunts memory errors in the server's stanza parsing and the MUC's
 * handlers, and logic errors: a violation the invariant checker
 * (check/check.h) reports, or a world that never settles.
 *
 * Input format: records separated by NUL bytes.  NUL can never occur in
 * XML, so the separator takes nothing away from what a record can say.
 * A record's first byte picks the sending client (its value modulo
 * CLIENTS: '0' is Romeo, '1' Juliet, '2' the service admin, which keeps
 * the seeds readable); the rest of the record goes to the server as one
 * raw stanza with client_send_raw(), and the world then runs until nothing
 * is in flight.  Empty records are skipped.  Work per input is bounded:
 * inputs over MAX_INPUT bytes are ignored, records after the first
 * MAX_RECORDS too, and the world may take at most MAX_STEPS deliveries to
 * settle after each record; not settling by then is a finding, since one
 * stanza among three clients causes a few dozen deliveries at most.  Once
 * the world has settled, the checker judges it.
 *
 * The server cuts off a client that sends bytes which are not one
 * well-formed stanza.  Such a client reconnects with the same JID before
 * it sends again, as a real client would, so one malformed record does not
 * mute the rest of the input; it comes back as a new session, in no room.
 *
 * The world: each input gets a fresh one, set up by the same proper
 * stanzas (setup[] in stanza_input.c), and freed before returning; nothing carries
 * over between inputs.
 */
#ifndef MUCSIM_STANZA_INPUT_H
#define MUCSIM_STANZA_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct stanza_input_result {
	bool violated;             /* the checker reported a violation */
	bool stuck;                /* the world did not settle */
	bool setup_failed;         /* the rooms were not what setup[] says */
	bool too_big;              /* ignored: over the size limit */
} stanza_input_result;

/* Run one input in a fresh world (freed before returning); report (if
 * not NULL) gets a finding's description, transcript (if not NULL) the
 * whole transcript. */
stanza_input_result stanza_input_run(const uint8_t *data, size_t size,
		buf *report, buf *transcript);

#endif
