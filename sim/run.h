/* run.h — play a scansion script against a fresh world.
 *
 * Two delivery modes (../shared/SCANSION.md, "Delivery"):
 *  - scansion mode (default) emulates real scansion: a client's `receives`
 *    reads everything that has arrived; the first stanza of that read is
 *    compared, the rest feed directly following `receives` of the same
 *    client and are dropped as soon as the script does anything else.
 *  - strict mode is lossless: every delivered stanza must be matched by a
 *    `receives`, in order, and nothing may remain unread after the last
 *    action (checked before the implicit disconnects at the end, whose
 *    unavailable presences no script expects).
 * The world runs to quiescence after every action.
 */
#ifndef MUCSIM_RUN_H
#define MUCSIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "profile.h"
#include "scs.h"

typedef struct run_options {
	bool strict;
	bool show_dropped;     /* report what scansion mode dropped, and where */
	bool verbose;          /* append the whole transcript to the report */
	const profile *profile; /* Prosody release modelled; NULL: the script's
				 * [Simulator] setting, else PROFILE_DEFAULT */
	uint64_t seed;
	bool seed_set;          /* false: the script's setting, else 0 */
	bool check;             /* judge the run with the invariant checker */
} run_options;

typedef struct run_result {
	bool passed;
	unsigned fail_line;    /* script line of the failing action; 0 if none */
	uint64_t transcript_hash;
	uint64_t steps;
} run_result;

/* Play s and describe the outcome in report: on failure the script line,
 * the expected and the received stanza pretty-printed, and the first
 * difference.  With o->check, a checker (check/check.h) watches the world
 * and is asked after every action; its first violation fails the script
 * at that action, reported as check_write writes it. */
run_result run_script(const scs_script *s, const run_options *o, buf *report);

#endif
