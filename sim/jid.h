/* jid.h — JIDs and MUC nicknames, prepared exactly as Prosody 0.12 does.
 *
 * Prosody's util/jid.lua splits "node@domain/resource" and prepares each
 * part with util.encodings.stringprep: nodeprep, nameprep and resourceprep,
 * the RFC 3920 Appendix A and B and RFC 3491 profiles of RFC 3454
 * stringprep, done by libidn.  We follow its libidn build:
 *
 *   - a part is prepared only if it is at most 1023 bytes of well-formed
 *     UTF-8, and its prepared form must fit in 1023 bytes too;
 *   - non-strict preparation allows code points unassigned in Unicode 3.2;
 *     strict preparation (STRINGPREP_NO_UNASSIGNED) rejects them;
 *   - the domain loses one trailing '.' (the empty root label) before it is
 *     prepared, and a domain of just "." is invalid.  Nothing else checks
 *     the domain: 0.12 does no IDNA ToASCII, so "exa mple" or "-b_" pass;
 *   - a part may prepare to the empty string (U+00AD alone is mapped to
 *     nothing).  Prosody keeps it, and so do we: "\u00AD@b" prepares to the
 *     node "" and joins to "@b", which no longer splits.
 *
 * Debian's Prosody is built against ICU instead.  Compared on a million
 * random strings, the two builds differ only (1) where ICU judges bidi by
 * today's Unicode rather than 3.2: strings mixing right-to-left letters with
 * code points unassigned in 3.2, or with the few whose bidi class has
 * changed such as U+2132, may prepare under one and fail under the other;
 * and (2) where libidn's NFKC joins Hangul jamo into a syllable across a
 * combining mark between them, which ICU rightly leaves apart.
 *
 * A jid is a plain value: three arena strings, node and resource NULL when
 * absent.  Functions returning bool report success; on failure *out is left
 * zeroed.  A NULL input string is treated as Lua's nil: it never splits or
 * prepares.
 */
#ifndef MUCSIM_JID_H
#define MUCSIM_JID_H

#include <stdbool.h>

#include "arena.h"

typedef struct jid {
	const char *node;      /* NULL when absent */
	const char *domain;    /* never NULL on success */
	const char *resource;  /* NULL when absent */
} jid;

/* Split without preparation (util.jid.split).  The node is the text before
 * the first '@' if that holds no '/'; the domain runs to the next '@' or
 * '/'; what follows must be nothing or '/' and a resource, which may hold
 * any character, '@' and '/' included.  Fails on an empty domain, an empty
 * node or resource after its separator, or a second '@' before the '/'. */
bool jid_split(arena *a, const char *s, jid *out);

/* Split and prepare every part (util.jid.prepped_split): non-strict, as
 * the stanza router prepares 'to' and 'from'; strict, as mod_muc checks a
 * room JID before creating the room.  The parts are what prepped_split
 * returns; the router keeps only their joined form (jid_full), and that
 * may split differently when nameprep turns a fullwidth U+FF20 or U+FF0F
 * in the domain into '@' or '/'. */
bool jid_prep(arena *a, const char *s, jid *out);
bool jid_prep_strict(arena *a, const char *s, jid *out);

/* Prepare one part; NULL on failure.  strict rejects unassigned code
 * points (STRINGPREP_NO_UNASSIGNED). */
const char *jid_nodeprep(arena *a, const char *s, bool strict);
const char *jid_nameprep(arena *a, const char *s, bool strict);
const char *jid_resourceprep(arena *a, const char *s, bool strict);

/* Joined forms in the arena (util.jid.join): "node@domain" and
 * "node@domain/resource", leaving out whichever part is absent; NULL when
 * the domain is. */
const char *jid_bare(arena *a, const jid *j);
const char *jid_full(arena *a, const jid *j);
/* Compose from parts (node and resource may be NULL). */
const char *jid_join(arena *a, const char *node, const char *domain,
		const char *resource);

/* Compare two prepared JIDs part by part (NULL equals NULL). */
bool jid_equal(const jid *x, const jid *y);
bool jid_bare_equal(const jid *x, const jid *y);

/* Shortcuts on strings, for callers that only need one part.  Like
 * util.jid.bare, host and resource they split without preparing, and give
 * NULL when the string does not split (or the part is absent). */
const char *jid_bare_of(arena *a, const char *full);
const char *jid_resource_of(arena *a, const char *full);
const char *jid_domain_of(arena *a, const char *full);

/* MUC nickname validation as Prosody 0.12's muc.lib.lua does on join
 * (muc-occupant-pre-join) and nick change (muc-occupant-pre-change).  The
 * nick is the resource of the occupant JID, already prepared non-strictly
 * by the router.  Two hooks judge it, higher priority first:
 *
 *   priority 2: strict resourceprep must succeed (its result is not
 *     compared with the nick, only checked for nil).  Failing gives
 *     NICK_MALFORMED: modify/jid-malformed, text "Nickname must pass strict
 *     validation".  A nick with an unassigned code point fails here, such
 *     as the robot face U+1F916, and so does a NULL nick (jid.resource
 *     gave nil).
 *   priority 1: the nick must contain a byte outside Lua's %s (space, \t,
 *     \n, \v, \f, \r; Prosody runs in the C locale).  Failing gives
 *     NICK_EMPTY: modify/not-allowed, text "Invisible Nicknames are
 *     forbidden".  Since resourceprep prohibits control characters, only
 *     "" and runs of spaces get here; NFKC has already turned U+00A0 and
 *     U+3000 into spaces.
 *
 * Both errors carry by= the room's bare JID. */
typedef enum nick_verdict {
	NICK_OK = 0,
	NICK_EMPTY,        /* empty or only whitespace: not-allowed */
	NICK_MALFORMED,    /* fails strict resourceprep: jid-malformed */
} nick_verdict;

nick_verdict jid_check_nick(arena *a, const char *nick);

#endif
