/* match.c — see match.h.
 *
 * match_stanza() walks the expected and the received tree together, rule by
 * rule (../shared/SCANSION.md): name, attributes, text, then children.
 *
 * Unordered (non-strict) children are paired by backtracking: each expected
 * child takes the first free received child that matches it, and when a
 * later child then finds none, the earlier ones move on to their next
 * candidate.  Three things keep that from exploding:
 *  - received children of another name are never tried;
 *  - when a child matches no received child at all, free or taken, and no
 *    capture was involved in the failures, no reshuffle of its siblings can
 *    help, so the whole pairing fails at once;
 *  - more expected than received children of one name fail up front.
 * What remains (contrived sets of look-alike children) is bounded by a
 * budget of element comparisons per stanza.
 *
 * Captures bound in a branch that fails are undone: bindings are only ever
 * appended, so undoing is cutting the list back to a mark.  While a stanza
 * is being matched the new bindings point into the trees; only when the
 * whole stanza matches are they copied into the captures' arena, so
 * comparing allocates nothing but the capture list itself.
 *
 * A mismatch is explained by a small record (where, what, expected, got)
 * kept while matching and formatted once at the end.
 */
#include "match.h"

#include <string.h>

#include "scs.h"

#define CLIENT_NS "jabber:client"
#define ANY_VALUE "{scansion:any}"
#define CAPTURE_PREFIX "{scansion:capture:"

enum {
	MATCH_MAX_STEPS = 100000,  /* element comparisons per stanza */
	QUOTE_MAX = 120,           /* bytes of a value quoted in `why` */
};

typedef struct span {
	const char *s;
	size_t len;
} span;

/* ---- captures ---------------------------------------------------------- */

typedef struct capture {
	const char *name;          /* not NUL-terminated until kept */
	size_t name_len;
	const char *value;
} capture;

struct match_captures {
	arena *a;
	capture *items;
	size_t len, cap;
	size_t kept;               /* items[0, kept) are copies in a */
};

match_captures *match_captures_new(arena *a)
{
	match_captures *c = arena_alloc(a, sizeof *c);
	c->a = a;
	return c;
}

static const capture *captures_find(const match_captures *c, span name)
{
	for (size_t i = 0; i < c->len; i++)
		if (c->items[i].name_len == name.len &&
		    !memcmp(c->items[i].name, name.s, name.len))
			return &c->items[i];
	return NULL;
}

const char *match_capture_get(const match_captures *c, const char *name)
{
	const capture *found = captures_find(c, (span){name, strlen(name)});
	return found ? found->value : NULL;
}

static void captures_bind(match_captures *c, span name, const char *value)
{
	if (c->len == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		capture *items = arena_alloc(c->a, cap * sizeof *items);
		if (c->len)
			memcpy(items, c->items, c->len * sizeof *items);
		c->items = items;
		c->cap = cap;
	}
	c->items[c->len++] = (capture){name.s, name.len, value};
}

/* The stanza matched: its bindings outlive the trees they point into. */
static void captures_keep(match_captures *c)
{
	for (; c->kept < c->len; c->kept++) {
		capture *k = &c->items[c->kept];
		k->name = arena_strndup(c->a, k->name, k->name_len);
		k->value = arena_strdup(c->a, k->value);
	}
}

static size_t captures_mark(const match_captures *c)
{
	return c ? c->len : 0;
}

static void captures_undo(match_captures *c, size_t mark)
{
	if (c)
		c->len = mark;
}

/* ---- failures ---------------------------------------------------------- */

typedef enum failure_kind {
	FAIL_NAME,           /* other has another name or namespace */
	FAIL_ATTR_MISSING,
	FAIL_ATTR_VALUE,
	FAIL_CAPTURE,        /* want is the value the capture holds */
	FAIL_NO_CAPTURES,    /* a capture directive, but caps is NULL */
	FAIL_ATTR_EXTRA,
	FAIL_TEXT,
	FAIL_CHILD_MISSING,  /* at is the expected child */
	FAIL_CHILD_COUNT,    /* at is the expected child, other the received parent */
	FAIL_CHILD_EXTRA,    /* other is the received child */
} failure_kind;

typedef struct failure {
	bool set;
	failure_kind kind;
	unsigned depth;            /* of the element concerned: deeper tells more */
	const xml_node *at;        /* expected element */
	const xml_node *other;     /* received element */
	const char *attr_ns, *attr;
	span want, got;
} failure;

typedef struct matcher {
	match_captures *caps;
	unsigned long steps;       /* element comparisons so far */
	unsigned long conflicts;   /* captures found holding another value */
	bool gave_up;              /* steps ran out */
	failure worst;             /* the most telling failure so far */
} matcher;

/* Keep f if it went deeper than what is recorded; always returns false so
 * callers can `return fail(…)`. */
static bool fail(matcher *m, failure f)
{
	f.set = true;
	if (!m->worst.set || f.depth > m->worst.depth)
		m->worst = f;
	return false;
}

/* ---- elements and attributes ------------------------------------------ */

static span span_of(const char *s)
{
	return (span){s, s ? strlen(s) : 0};
}

static span span_trim(const char *s)
{
	span t = span_of(s);
	while (t.len && strchr(" \t\r\n", t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len && strchr(" \t\r\n", t.s[t.len - 1]))
		t.len--;
	return t;
}

static bool span_equal(span a, span b)
{
	return a.len == b.len && !memcmp(a.s, b.s, a.len);
}

static bool same_name(const xml_node *a, const xml_node *b)
{
	return !strcmp(xml_name(a), xml_name(b)) && !strcmp(xml_ns(a), xml_ns(b));
}

/* Rule 2: an explicit scansion:strict decides, else the namespace. */
static bool is_strict(const xml_node *e)
{
	const char *v = xml_attr_ns(e, SCS_NS, "strict");
	if (v && !strcmp(v, "true"))
		return true;
	if (v && !strcmp(v, "false"))
		return false;
	return strcmp(xml_ns(e), CLIENT_NS) != 0;
}

/* "{scansion:capture:NAME}" → NAME. */
static bool capture_directive(const char *value, span *name)
{
	size_t plen = strlen(CAPTURE_PREFIX), len = strlen(value);
	if (len <= plen + 1 || strncmp(value, CAPTURE_PREFIX, plen) ||
	    value[len - 1] != '}')
		return false;
	*name = (span){value + plen, len - plen - 1};
	return true;
}

static bool match_capture(matcher *m, failure f, span name, const char *got)
{
	if (!m->caps) {
		f.kind = FAIL_NO_CAPTURES;
		return fail(m, f);
	}
	const capture *bound = captures_find(m->caps, name);
	if (!bound) {
		captures_bind(m->caps, name, got);
		return true;
	}
	if (!strcmp(bound->value, got))
		return true;
	m->conflicts++;
	f.kind = FAIL_CAPTURE;
	f.want = span_of(bound->value);
	return fail(m, f);
}

/* Rule 3: every expected attribute is present and equal, or matches its
 * directive.  scansion:* attributes are directives themselves. */
static bool match_attrs(matcher *m, const xml_node *e, const xml_node *r,
		unsigned depth)
{
	const char *ns, *name, *want;
	for (size_t i = 0; xml_attr_at(e, i, &ns, &name, &want); i++) {
		if (ns && !strcmp(ns, SCS_NS))
			continue;
		const char *got = xml_attr_ns(r, ns, name);
		failure f = {.at = e, .other = r, .depth = depth, .attr_ns = ns,
			.attr = name, .want = span_of(want), .got = span_of(got)};
		span capture_name;
		if (!got) {
			f.kind = FAIL_ATTR_MISSING;
			return fail(m, f);
		}
		if (!strcmp(want, ANY_VALUE))
			continue;
		if (capture_directive(want, &capture_name)) {
			if (!match_capture(m, f, capture_name, got))
				return false;
			continue;
		}
		if (strcmp(want, got)) {
			f.kind = FAIL_ATTR_VALUE;
			return fail(m, f);
		}
	}
	return true;
}

/* Rule 4: a strict element allows no attribute the script does not name. */
static bool match_no_extra_attrs(matcher *m, const xml_node *e,
		const xml_node *r, unsigned depth)
{
	const char *ns, *name, *value;
	for (size_t i = 0; xml_attr_at(r, i, &ns, &name, &value); i++)
		if (!xml_attr_ns(e, ns, name))
			return fail(m, (failure){.kind = FAIL_ATTR_EXTRA, .at = e,
				.other = r, .depth = depth, .attr_ns = ns,
				.attr = name});
	return true;
}

/* Rule 7.  Trimming also removes the indentation between child elements,
 * which xml_text() concatenates with any real text. */
static bool match_text(matcher *m, const xml_node *e, const xml_node *r,
		unsigned depth)
{
	span want = span_trim(xml_text(e));
	if (!want.len && xml_first(e))
		return true;
	span got = span_trim(xml_text(r));
	if (span_equal(want, got))
		return true;
	return fail(m, (failure){.kind = FAIL_TEXT, .at = e, .other = r,
		.depth = depth, .want = want, .got = got});
}

/* ---- children ---------------------------------------------------------- */

static bool match_element(matcher *m, const xml_node *e, const xml_node *r,
		unsigned depth);

/* Rule 5: one to one, in order. */
static bool match_children_strict(matcher *m, const xml_node *e,
		const xml_node *r, unsigned depth)
{
	const xml_node *ec = xml_first(e), *rc = xml_first(r);
	for (; ec && rc; ec = xml_next(ec), rc = xml_next(rc))
		if (!match_element(m, ec, rc, depth + 1))
			return false;
	if (ec)
		return fail(m, (failure){.kind = FAIL_CHILD_MISSING, .at = ec,
			.other = r, .depth = depth + 1});
	if (rc)
		return fail(m, (failure){.kind = FAIL_CHILD_EXTRA, .at = e,
			.other = rc, .depth = depth + 1});
	return true;
}

static size_t count_named(const xml_node *parent, const xml_node *like)
{
	size_t n = 0;
	for (const xml_node *c = xml_first(parent); c; c = xml_next(c))
		n += same_name(c, like);
	return n;
}

/* More expected children of a name than received ones can never pair up;
 * saying so is also clearer than any failed attempt would be. */
static bool match_child_counts(matcher *m, const xml_node *e,
		const xml_node *r, unsigned depth)
{
	for (const xml_node *ec = xml_first(e); ec; ec = xml_next(ec)) {
		size_t got = count_named(r, ec);
		if (count_named(e, ec) > got)
			return fail(m, (failure){.at = ec, .other = r,
				.kind = got ? FAIL_CHILD_COUNT : FAIL_CHILD_MISSING,
				.depth = depth + 1});
	}
	return true;
}

/* Received children paired with earlier expected siblings: a list on the
 * stack, one link per level of the search. */
typedef struct taken {
	const xml_node *child;
	const struct taken *next;
} taken;

static bool is_taken(const taken *t, const xml_node *child)
{
	for (; t; t = t->next)
		if (t->child == child)
			return true;
	return false;
}

typedef enum pairing {
	PAIR_FOUND,   /* every remaining expected child has a partner */
	PAIR_RETRY,   /* not with the partners taken so far */
	PAIR_NONE,    /* not whatever the earlier siblings take */
} pairing;

/* ec matched no free child.  If one of the taken children would do, or a
 * capture bound elsewhere got in the way, earlier siblings should try
 * other partners; otherwise the pairing is impossible, and ec's failed
 * attempts, recorded on the way, say why. */
static pairing pair_failed(matcher *m, const xml_node *ec, const taken *used,
		unsigned long conflicts, unsigned depth)
{
	if (m->gave_up)
		return PAIR_NONE;
	for (const taken *t = used; t; t = t->next) {
		if (!same_name(ec, t->child))
			continue;
		size_t mark = captures_mark(m->caps);
		bool ok = match_element(m, ec, t->child, depth);
		captures_undo(m->caps, mark);
		if (ok)
			return PAIR_RETRY;
	}
	return m->conflicts != conflicts ? PAIR_RETRY : PAIR_NONE;
}

/* An earlier failure wins over a later one of the same depth: it is the
 * first difference. */
static void fail_earlier(matcher *m, failure earlier)
{
	if (earlier.set && (!m->worst.set || earlier.depth >= m->worst.depth))
		m->worst = earlier;
}

/* Rule 6: pair ec and its following siblings with distinct children of r.
 * ec's failure record starts clean, so that once ec has a partner, its
 * misses against other children are forgotten. */
static pairing pair_children(matcher *m, const xml_node *ec,
		const xml_node *r, const taken *used, unsigned depth)
{
	if (!ec)
		return PAIR_FOUND;
	failure outer = m->worst;
	unsigned long conflicts = m->conflicts;
	bool matched = false;
	pairing result = PAIR_RETRY;
	m->worst.set = false;
	for (const xml_node *rc = xml_first(r); rc; rc = xml_next(rc)) {
		if (!same_name(ec, rc) || is_taken(used, rc))
			continue;
		size_t mark = captures_mark(m->caps);
		if (match_element(m, ec, rc, depth)) {
			matched = true;
			m->worst.set = false;
			taken link = {rc, used};
			result = pair_children(m, xml_next(ec), r, &link, depth);
			if (result != PAIR_RETRY)
				break;
		}
		captures_undo(m->caps, mark);
		if (m->gave_up) {
			result = PAIR_NONE;
			break;
		}
	}
	/* Only a child that matched nothing free may end the search: when it
	 * did match, its later siblings may need what earlier ones took. */
	if (result == PAIR_RETRY && !matched)
		result = pair_failed(m, ec, used, conflicts, depth);
	if (result != PAIR_FOUND)
		fail_earlier(m, outer);
	return result;
}

/* Once the counts fit, every expected child has a free candidate of its
 * name at its turn, so a failed pairing always has a failed attempt to
 * explain it. */
static bool match_children_loose(matcher *m, const xml_node *e,
		const xml_node *r, unsigned depth)
{
	return match_child_counts(m, e, r, depth) &&
	       pair_children(m, xml_first(e), r, NULL, depth + 1) == PAIR_FOUND;
}

/* Rules 1–7 for one element and, recursively, its children.  A match
 * forgets the failures met on the way (unordered children tried against
 * the wrong partners): they explain nothing. */
static bool match_element(matcher *m, const xml_node *e, const xml_node *r,
		unsigned depth)
{
	if (m->gave_up || ++m->steps > MATCH_MAX_STEPS) {
		m->gave_up = true;
		return false;
	}
	if (!same_name(e, r))
		return fail(m, (failure){.kind = FAIL_NAME, .at = e, .other = r,
			.depth = depth});
	failure before = m->worst;
	bool strict = is_strict(e);
	bool ok = match_attrs(m, e, r, depth) &&
		(!strict || match_no_extra_attrs(m, e, r, depth)) &&
		match_text(m, e, r, depth) &&
		(strict ? match_children_strict(m, e, r, depth)
			: match_children_loose(m, e, r, depth));
	if (ok)
		m->worst = before;
	return ok;
}

/* ---- explaining -------------------------------------------------------- */

static void put_qname(buf *out, const xml_node *e)
{
	buf_puts(out, xml_name(e));
	if (*xml_ns(e))
		buf_printf(out, "{%s}", xml_ns(e));
}

static void put_attr_name(buf *out, const char *ns, const char *name)
{
	if (!ns)
		buf_printf(out, "'%s'", name);
	else if (!strcmp(ns, XML_NS_XML))
		buf_printf(out, "'xml:%s'", name);
	else
		buf_printf(out, "'{%s}%s'", ns, name);
}

/* A value on one line: control characters escaped, long values cut at a
 * character boundary. */
static void put_quoted(buf *out, span v)
{
	size_t len = v.len;
	if (len > QUOTE_MAX) {
		len = QUOTE_MAX;
		while (len && ((unsigned char)v.s[len] & 0xc0) == 0x80)
			len--;
	}
	buf_putc(out, '\'');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v.s[i];
		if (c < 0x20)
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, (char)c);
	}
	buf_puts(out, len < v.len ? "…'" : "'");
}

/* "presence/x{ns}/status[2]": names from the expected stanza, namespaces
 * where they change, positions where a name repeats. */
static void put_path(buf *out, const xml_node *e, const xml_node *root)
{
	if (e == root) {
		buf_puts(out, xml_name(e));
		if (strcmp(xml_ns(e), CLIENT_NS))
			buf_printf(out, "{%s}", xml_ns(e));
		return;
	}
	const xml_node *parent = xml_parent(e);
	put_path(out, parent, root);
	buf_printf(out, "/%s", xml_name(e));
	if (strcmp(xml_ns(e), xml_ns(parent)))
		buf_printf(out, "{%s}", xml_ns(e));
	if (count_named(parent, e) > 1) {
		size_t pos = 1;
		for (const xml_node *c = xml_first(parent); c != e; c = xml_next(c))
			pos += same_name(c, e);
		buf_printf(out, "[%zu]", pos);
	}
}

static void put_failure(buf *out, const failure *f, const xml_node *root)
{
	bool about_child = f->kind == FAIL_CHILD_MISSING ||
			   f->kind == FAIL_CHILD_COUNT;
	put_path(out, about_child ? xml_parent(f->at) : f->at, root);
	buf_puts(out, ": ");
	switch (f->kind) {
	case FAIL_NAME:
		buf_puts(out, "expected ");
		put_qname(out, f->at);
		buf_puts(out, ", got ");
		put_qname(out, f->other);
		break;
	case FAIL_ATTR_MISSING:
		buf_puts(out, "attribute ");
		put_attr_name(out, f->attr_ns, f->attr);
		buf_puts(out, " missing (expected ");
		put_quoted(out, f->want);
		buf_putc(out, ')');
		break;
	case FAIL_ATTR_VALUE:
	case FAIL_CAPTURE:
		buf_puts(out, "attribute ");
		put_attr_name(out, f->attr_ns, f->attr);
		if (f->kind == FAIL_CAPTURE)
			buf_printf(out, " (%s)", xml_attr_ns(f->at, f->attr_ns, f->attr));
		buf_puts(out, ": expected ");
		put_quoted(out, f->want);
		buf_puts(out, ", got ");
		put_quoted(out, f->got);
		break;
	case FAIL_NO_CAPTURES:
		buf_puts(out, "attribute ");
		put_attr_name(out, f->attr_ns, f->attr);
		buf_puts(out, ": capture used without a capture table");
		break;
	case FAIL_ATTR_EXTRA:
		buf_puts(out, "extra attribute ");
		put_attr_name(out, f->attr_ns, f->attr);
		buf_puts(out, " on strict element");
		break;
	case FAIL_TEXT:
		buf_puts(out, "text: expected ");
		put_quoted(out, f->want);
		buf_puts(out, ", got ");
		put_quoted(out, f->got);
		break;
	case FAIL_CHILD_MISSING:
		buf_puts(out, "missing child ");
		put_qname(out, f->at);
		break;
	case FAIL_CHILD_COUNT:
		buf_printf(out, "expected %zu children ",
				count_named(xml_parent(f->at), f->at));
		put_qname(out, f->at);
		buf_printf(out, ", got %zu", count_named(f->other, f->at));
		break;
	case FAIL_CHILD_EXTRA:
		buf_puts(out, "extra child ");
		put_qname(out, f->other);
		buf_puts(out, " on strict element");
		break;
	}
}

/* ---- entry point ------------------------------------------------------- */

bool match_stanza(const xml_node *expected, const xml_node *received,
		match_captures *caps, buf *why)
{
	matcher m = {.caps = caps};
	size_t mark = captures_mark(caps);
	if (match_element(&m, expected, received, 0)) {
		if (caps)
			captures_keep(caps);
		return true;
	}
	captures_undo(caps, mark);
	if (!why)
		return false;
	if (m.gave_up)
		buf_printf(why, "%s: gave up after %d element comparisons pairing "
				"unordered children", xml_name(expected),
				MATCH_MAX_STEPS);
	else if (m.worst.set)
		put_failure(why, &m.worst, expected);
	return false;
}
