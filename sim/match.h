/* match.h — does a received stanza match an expected one?
 *
 * Implements the matching rules of ../shared/SCANSION.md (strict and
 * non-strict elements, attribute rules, {scansion:any},
 * {scansion:capture:NAME}, ordered and unordered children, text).  The
 * expected tree is parsed with default namespace jabber:client and the
 * scansion: prefix bound to SCS_NS (scs.h).
 *
 * Captures persist across the stanzas of one script run: the first use of
 * {scansion:capture:NAME} binds NAME, later uses must be equal.  A failed
 * match leaves the captures as they were.
 */
#ifndef MUCSIM_MATCH_H
#define MUCSIM_MATCH_H

#include <stdbool.h>

#include "arena.h"
#include "buf.h"
#include "xml.h"

typedef struct match_captures match_captures;

match_captures *match_captures_new(arena *a);
const char *match_capture_get(const match_captures *c, const char *name);

/* True when received matches expected.  On a mismatch, appends to why (if
 * not NULL) one line, without a line break, naming the first difference and
 * where it is, e.g.
 * "presence/x{http://jabber.org/protocol/muc#user}/item: attribute 'role':
 * expected 'moderator', got 'participant'".  The path names elements of the
 * expected stanza, with {namespace} where it changes and [n] where a name
 * repeats among siblings.  Among unordered children the explanation is the
 * attempt that got deepest.  caps may be NULL when the expected stanza uses
 * no captures (a capture without caps is a mismatch).
 *
 * scansion:strict other than "true" or "false" is ignored.  Pairing
 * unordered children is a backtracking search; it gives up (a mismatch,
 * saying so) after 100000 element comparisons, which only contrived sets of
 * look-alike children reach. */
bool match_stanza(const xml_node *expected, const xml_node *received,
		match_captures *caps, buf *why);

#endif
