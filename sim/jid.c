/* jid.c — see jid.h.
 *
 * A port of Prosody 0.12.3's util/jid.lua (split, prepped_split, join) and
 * of the libidn branch of util-src/encodings.c, through which every part is
 * prepared.  Line numbers cite the files Debian installs under
 * /usr/lib/prosody.
 */
#include "jid.h"

#include <stddef.h>
#include <string.h>

#include <stringprep.h>

/* encodings.c prepares in place in a char[1024]: input that does not fit,
 * or output that would not fit with its NUL, gives nil. */
enum { PREP_BUF = 1024 };

/* The characters Lua's %s matches in the C locale (isspace()). */
#define LUA_SPACE " \t\n\v\f\r"

/* Unicode's table of well-formed UTF-8 (Table 3-7).  The narrowed range of
 * the second byte is what rejects overlong forms, surrogates and code
 * points past U+10FFFF, as encodings.c's check_utf8 does before libidn
 * sees the string. */
static const struct utf8_form {
	unsigned char lead_lo, lead_hi;
	unsigned char len;
	unsigned char next_lo, next_hi;  /* the second byte; later: 80..BF */
} utf8_forms[] = {
	{0x01, 0x7f, 1, 0, 0},
	{0xc2, 0xdf, 2, 0x80, 0xbf},
	{0xe0, 0xe0, 3, 0xa0, 0xbf},
	{0xe1, 0xec, 3, 0x80, 0xbf},
	{0xed, 0xed, 3, 0x80, 0x9f},
	{0xee, 0xef, 3, 0x80, 0xbf},
	{0xf0, 0xf0, 4, 0x90, 0xbf},
	{0xf1, 0xf3, 4, 0x80, 0xbf},
	{0xf4, 0xf4, 4, 0x80, 0x8f},
};

/* Length of the well-formed sequence at s, 0 if there is none.  A byte
 * that fails its range stops the scan, so the terminating NUL is never
 * read past. */
static size_t utf8_seq_len(const unsigned char *s)
{
	for (size_t i = 0; i < sizeof utf8_forms / sizeof utf8_forms[0]; i++) {
		const struct utf8_form *f = &utf8_forms[i];
		if (s[0] < f->lead_lo || s[0] > f->lead_hi)
			continue;
		if (f->len > 1 && (s[1] < f->next_lo || s[1] > f->next_hi))
			return 0;
		for (size_t k = 2; k < f->len; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return f->len;
	}
	return 0;
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

/* A stringprep profile and what it does to ASCII, read off RFC 3454's
 * tables: B.1 maps nothing in ASCII, NFKC and the bidi rules leave ASCII
 * alone, and nothing in ASCII is unassigned, so a pure-ASCII part only
 * folds case (B.2) or is prohibited (C.1.1 space, C.2.1 controls, and
 * nodeprep's own list).  Parts are mostly ASCII, and libidn converts every
 * string to UCS-4 and back: this fast path gives the same answers (a test
 * compares them) at a fraction of the cost. */
typedef struct prep_profile {
	const Stringprep_profile *libidn;
	bool fold_case;              /* B.2 */
	bool no_controls;            /* C.2.1: U+0000..U+001F and U+007F */
	const char *prohibited;      /* other prohibited ASCII */
} prep_profile;

static const prep_profile nodeprep = {
	stringprep_xmpp_nodeprep, true, true, " \"&'/:<>@"};
static const prep_profile nameprep = {stringprep_nameprep, true, false, ""};
static const prep_profile resourceprep = {
	stringprep_xmpp_resourceprep, false, true, ""};

/* The ASCII fast path: 1 prepared into out, 0 prohibited, -1 not ASCII. */
static int prep_ascii(const prep_profile *pp, const char *s, size_t len,
		char *out)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return -1;
		if ((pp->no_controls && (c < 0x20 || c == 0x7f)) ||
		    (c && strchr(pp->prohibited, c)))
			return 0;
		out[i] = pp->fold_case && c >= 'A' && c <= 'Z' ? (char)(c + 32)
			: (char)c;
	}
	out[len] = '\0';
	return 1;
}

/* encodings.c's stringprep_prep() on the first len bytes of s. */
static const char *prep_n(arena *a, const char *s, size_t len,
		const prep_profile *pp, bool strict)
{
	char buf[PREP_BUF];
	if (!s || len >= sizeof buf)
		return NULL;
	switch (prep_ascii(pp, s, len, buf)) {
	case 1:
		return arena_strndup(a, buf, len);
	case 0:
		return NULL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	Stringprep_profile_flags flags = strict ? STRINGPREP_NO_UNASSIGNED : 0;
	if (!utf8_valid(buf) ||
	    stringprep(buf, sizeof buf, flags, pp->libidn) != STRINGPREP_OK)
		return NULL;
	return arena_strdup(a, buf);
}

static const char *prep(arena *a, const char *s, const prep_profile *pp,
		bool strict)
{
	return prep_n(a, s, s ? strlen(s) : 0, pp, strict);
}

const char *jid_nodeprep(arena *a, const char *s, bool strict)
{
	return prep(a, s, &nodeprep, strict);
}

const char *jid_nameprep(arena *a, const char *s, bool strict)
{
	return prep(a, s, &nameprep, strict);
}

const char *jid_resourceprep(arena *a, const char *s, bool strict)
{
	return prep(a, s, &resourceprep, strict);
}

/* A part of the unsplit string: s NULL when the part is absent. */
typedef struct span {
	const char *s;
	size_t len;
} span;

typedef struct parts {
	span node, domain, resource;
} parts;

/* jid.lua:34-42, its Lua patterns spelled out.  The node is a non-empty run
 * free of '@' and '/' ended by '@' ("^([^@/]+)@()"); the domain is the next
 * such run; then comes the end, or '/' and a non-empty rest ("^/(.+)$").
 * Anything else leaves the domain unmatched or trailing text, and line 40
 * rejects both. */
static bool split_parts(const char *s, parts *p)
{
	*p = (parts){0};
	if (!s)
		return false;
	size_t n = strcspn(s, "@/");
	if (n > 0 && s[n] == '@') {
		p->node = (span){s, n};
		s += n + 1;
		n = strcspn(s, "@/");
	}
	if (n == 0)
		return false;
	p->domain = (span){s, n};
	s += n;
	if (*s == '\0')
		return true;
	if (s[0] != '/' || s[1] == '\0')
		return false;
	p->resource = (span){s + 1, strlen(s + 1)};
	return true;
}

static const char *span_dup(arena *a, span sp)
{
	return sp.s ? arena_strndup(a, sp.s, sp.len) : NULL;
}

bool jid_split(arena *a, const char *s, jid *out)
{
	parts p;
	*out = (jid){0};
	if (!split_parts(s, &p))
		return false;
	*out = (jid){span_dup(a, p.node), span_dup(a, p.domain),
			span_dup(a, p.resource)};
	return true;
}

/* jid.lua:52-70.  Prosody stops at the first part that fails; preparing
 * all three first gives the same answer. */
static bool prep_split(arena *a, const char *s, bool strict, jid *out)
{
	parts p;
	*out = (jid){0};
	if (!split_parts(s, &p))
		return false;
	span *d = &p.domain;
	if (d->len == 1 && d->s[0] == '.')
		return false;  /* line 54 */
	if (d->s[d->len - 1] == '.')
		d->len--;  /* line 55: "Strip empty root label" */
	span *n = &p.node, *r = &p.resource;
	jid j = {
		prep_n(a, n->s, n->len, &nodeprep, strict),
		prep_n(a, d->s, d->len, &nameprep, strict),
		prep_n(a, r->s, r->len, &resourceprep, strict),
	};
	if (!j.domain || (n->s && !j.node) || (r->s && !j.resource))
		return false;
	*out = j;
	return true;
}

bool jid_prep(arena *a, const char *s, jid *out)
{
	return prep_split(a, s, false, out);
}

bool jid_prep_strict(arena *a, const char *s, jid *out)
{
	return prep_split(a, s, true, out);
}

/* Joining is hot (every routed stanza names a few JIDs): plain copies, no
 * format string. */
const char *jid_join(arena *a, const char *node, const char *domain,
		const char *resource)
{
	if (!domain)
		return NULL;
	size_t n = node ? strlen(node) : 0, d = strlen(domain);
	size_t r = resource ? strlen(resource) : 0;
	char *out = arena_alloc(a, n + 1 + d + 1 + r + 1), *p = out;
	if (node) {
		memcpy(p, node, n);
		p += n;
		*p++ = '@';
	}
	memcpy(p, domain, d);
	p += d;
	if (resource) {
		*p++ = '/';
		memcpy(p, resource, r);
		p += r;
	}
	*p = '\0';
	return out;
}

const char *jid_bare(arena *a, const jid *j)
{
	return jid_join(a, j->node, j->domain, NULL);
}

const char *jid_full(arena *a, const jid *j)
{
	return jid_join(a, j->node, j->domain, j->resource);
}

static bool part_equal(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

bool jid_bare_equal(const jid *x, const jid *y)
{
	return part_equal(x->node, y->node) && part_equal(x->domain, y->domain);
}

bool jid_equal(const jid *x, const jid *y)
{
	return jid_bare_equal(x, y) && part_equal(x->resource, y->resource);
}

const char *jid_bare_of(arena *a, const char *full)
{
	jid j;
	return jid_split(a, full, &j) ? jid_bare(a, &j) : NULL;
}

const char *jid_resource_of(arena *a, const char *full)
{
	jid j;
	return jid_split(a, full, &j) ? j.resource : NULL;
}

const char *jid_domain_of(arena *a, const char *full)
{
	jid j;
	return jid_split(a, full, &j) ? j.domain : NULL;
}

static bool nick_passes_strict(arena *a, const char *nick)
{
	return jid_resourceprep(a, nick, true) != NULL;
}

static bool nick_is_visible(arena *a, const char *nick)
{
	return nick[strspn(nick, LUA_SPACE)] != '\0';
}

/* The muc-occupant-pre-join and -pre-change hooks that judge the nick, in
 * the order util/events.lua:39 runs them: highest priority first. */
static const struct nick_hook {
	bool (*passes)(arena *a, const char *nick);
	nick_verdict verdict;  /* when it does not */
} nick_hooks[] = {
	{nick_passes_strict, NICK_MALFORMED},  /* muc.lib.lua:474-490 */
	{nick_is_visible, NICK_EMPTY},         /* muc.lib.lua:457-472 */
};

nick_verdict jid_check_nick(arena *a, const char *nick)
{
	for (size_t i = 0; i < sizeof nick_hooks / sizeof nick_hooks[0]; i++)
		if (!nick_hooks[i].passes(a, nick))
			return nick_hooks[i].verdict;
	return NICK_OK;
}
