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
 * not NULL) one line naming the first difference and where it is, e.g.
 * "presence/x{http://jabber.org/protocol/muc#user}/item: attribute 'role':
 * expected 'moderator', got 'participant'".  caps may be NULL when the
 * expected stanza uses no captures. */
bool match_stanza(const xml_node *expected, const xml_node *received,
		match_captures *caps, buf *why);

#endif
