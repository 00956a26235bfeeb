/* check.h — the invariant oracle: judges a run from what clients sent and
 * what they actually received.
 *
 * A checker observes a world (world_observe) and keeps its own small
 * shadow model of each room, built only from observed successful
 * operations: the room password as last accepted by a configuration
 * submission that got a result, affiliations as last accepted by admin
 * requests, the lock and its timeout on the virtual clock, and so on.  It
 * never calls into the MUC: a bug in the MUC's decision code cannot hide
 * itself from the oracle by being shared with it.  The only other
 * knowledge it has is the static configuration (service admins, profile,
 * the MUC's domain).
 *
 * Each invariant is defined in one place (check_invariants[] in check.c,
 * with its Prosody refinements and the source lines that justify them).
 *
 * Judging.  Every delivery is traced back to the stanzas the MUC was given
 * in the step that put it in flight (a *transaction*; check_internal.h says
 * how).  A transaction is judged once all its deliveries are in, in the
 * order the MUC handled the stanzas, against the model as it stood when
 * the MUC decided; any interleaving of deliveries across links (world_step
 * or world_step_link) is judged the same.  What holds only at rest (views)
 * is judged by check_quiescent, and only when nothing is in flight.  The
 * first violation found is kept and later ones are ignored, so what is
 * reported is what the MUC got wrong first.
 *
 * Closed streams.  What was in flight to a client that disconnects is
 * lost without a trace, so the oracle judges what concerns such a session
 * (its replies, its copies, what it was told) only as far as it saw it,
 * and a request whose outcome it could not see leaves what it touches
 * unknown until observed again.  Two sessions bound to one full JID are
 * told apart only by which is connected.
 *
 * Cost.  Per event: a look at every server→client link; per delivery: a
 * few child lookups; one delivery in 32 is serialized and re-parsed.
 * Memory grows with the transcript the world keeps anyway; per-transaction
 * structures are recycled.
 */
#ifndef MUCSIM_CHECK_H
#define MUCSIM_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "world.h"
#include "xml.h"

typedef struct checker checker;

typedef struct check_violation {
	const char *invariant;         /* its name, e.g. "password" */
	uint64_t step;                 /* world step of the delivery or input showing it */
	const char *explanation;       /* one line */
	const xml_node *stanza;        /* the delivery (or request) that shows it, or NULL */
	const xml_node *cause;         /* the first stanza of its transaction, or NULL */
} check_violation;

typedef struct check_invariant {
	const char *name;
	const char *definition;        /* the precise rule, with refinements */
} check_invariant;

/* Every invariant, ending with {NULL, NULL}. */
extern const check_invariant check_invariants[];

/* Observe w from now on: attach before any client connects (the oracle
 * must see every room from its creation).  The checker
 * lives in w's arena; an observer registered after it sees each event
 * after it (world_inject from there counts as the MUC's output). */
checker *check_attach(world *w, const char *muc_domain);

/* End the current step, judge every transaction that is complete and,
 * when nothing is in flight, what holds only at rest (each occupant
 * session's view).  Call after world_run; calling it in between is
 * harmless. */
void check_quiescent(checker *c);

/* The first violation seen, or NULL. */
const check_violation *check_first(const checker *c);

/* "invariant 'password' violated at step 12: …", the stanza that shows it
 * and the one it answers. */
void check_write(buf *out, const check_violation *v);

#endif
