/* xml.c — see xml.h.
 *
 * Parsing feeds the input to expat inside a synthetic root element,
 *
 *	<r xmlns='DEFAULT' xmlns:p='URI' …>INPUT</r>
 *
 * so that a fragment can use the context's default namespace and prefixes,
 * and hold any number of top-level elements.  The start tag has no line
 * break, so expat's lines are the input's; byte offsets are translated back
 * by subtracting its length, and line and column are computed from the
 * input itself.
 */
#include "xml.h"

#include <assert.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Expat joins a namespace URI and a local name with this byte.  \x01 cannot
 * occur in an XML 1.0 document, so the split is never ambiguous. */
#define NS_SEP '\x01'

/* Any fixed value will do: it only has to be independent of the system. */
#define HASH_SALT 0x6d756373UL

/* Input goes to expat in pieces of this size, so its buffer stays small
 * and XML_Parse's int length never overflows. */
enum { FEED_CHUNK = 64 * 1024 };

const xml_limits xml_default_limits = {
	.max_bytes = 256 * 1024,
	.max_depth = 32,
	.max_attrs = 64,
	.max_children = 1024,
	.max_nodes = 16384,
};

struct xml_attr {
	const char *ns;       /* NULL when none */
	const char *name;
	const char *value;
};

/* Elements and text nodes share one layout; a text node has no name. */
struct xml_node {
	xml_node *parent;
	xml_node *next;              /* next sibling, element or text */
	const char *name;            /* local name; NULL for a text node */
	const char *ns;              /* element's namespace, "" when none */
	/* A text node's text; for an element, its text children joined, kept
	 * up to date as they are added so xml_text() never allocates. */
	const char *text;
	size_t text_len;
	xml_node *first, *last;      /* children */
	struct xml_attr *attrs;
	size_t nattrs, attr_cap;
	/* The arena every string of this node lives in, or NULL once a string
	 * from another arena was put in.  Strings are never changed in place,
	 * so a copy into the owner arena can point at them (copy_elem). */
	const arena *owner;
};

static bool is_text(const xml_node *n)
{
	return n->name == NULL;
}

/* String equality for the lookups every handler makes: copies share their
 * strings, and most names differ in the first byte, so strcmp() is rarely
 * needed. */
static bool same(const char *x, const char *y)
{
	return x == y || (x[0] == y[0] && strcmp(x, y) == 0);
}

/* ---- building ---------------------------------------------------------- */

/* The one copy of the XML namespace every element and attribute in it
 * points at. */
static const char xml_ns_xml[] = XML_NS_XML;

/* Namespace strings repeat a lot: the empty and the XML namespace are
 * static, others are copied once per element that introduces them. */
static const char *ns_dup(arena *a, const char *s, size_t n)
{
	if (n == 0)
		return "";
	if (n == sizeof xml_ns_xml - 1 && !memcmp(s, xml_ns_xml, n))
		return xml_ns_xml;
	return arena_strndup(a, s, n);
}

static const char *ns_inherit(arena *a, const xml_node *parent,
		const char *s, size_t n)
{
	if (parent && strlen(parent->ns) == n && !memcmp(parent->ns, s, n))
		return parent->ns;
	return ns_dup(a, s, n);
}

/* ns and name must already live in the arena (or be static). */
static xml_node *elem_new(arena *a, const char *ns, const char *name)
{
	xml_node *e = arena_alloc(a, sizeof *e);
	e->name = name;
	e->ns = ns;
	e->text = "";
	e->owner = a;
	return e;
}

xml_node *xml_new(arena *a, const char *ns, const char *name)
{
	return elem_new(a, ns ? ns_dup(a, ns, strlen(ns)) : "",
			arena_strdup(a, name));
}

static struct xml_attr *attr_find(const xml_node *e, const char *ns,
		const char *name)
{
	for (size_t i = 0; i < e->nattrs; i++) {
		struct xml_attr *at = &e->attrs[i];
		bool same_ns = ns ? at->ns && same(at->ns, ns) : !at->ns;
		if (same_ns && same(at->name, name))
			return at;
	}
	return NULL;
}

static void attr_remove(xml_node *e, struct xml_attr *at)
{
	size_t i = (size_t)(at - e->attrs);
	memmove(at, at + 1, (e->nattrs - i - 1) * sizeof *at);
	e->nattrs--;
}

static struct xml_attr *attr_append(arena *a, xml_node *e)
{
	if (e->nattrs == e->attr_cap) {
		size_t cap = e->attr_cap ? 2 * e->attr_cap : 4;
		struct xml_attr *attrs = arena_alloc(a, cap * sizeof *attrs);
		if (e->nattrs)
			memcpy(attrs, e->attrs, e->nattrs * sizeof *attrs);
		e->attrs = attrs;
		e->attr_cap = cap;
	}
	return &e->attrs[e->nattrs++];
}

void xml_set_attr_ns(arena *a, xml_node *e, const char *ns, const char *name,
		const char *value)
{
	if (ns && !*ns)
		ns = NULL;
	if (e->owner != a)
		e->owner = NULL;
	struct xml_attr *at = attr_find(e, ns, name);
	if (!value) {
		if (at)
			attr_remove(e, at);
		return;
	}
	if (!at) {
		at = attr_append(a, e);
		at->ns = ns ? ns_dup(a, ns, strlen(ns)) : NULL;
		at->name = arena_strdup(a, name);
	}
	at->value = arena_strdup(a, value);
}

void xml_set_attr(arena *a, xml_node *e, const char *name, const char *value)
{
	xml_set_attr_ns(a, e, NULL, name, value);
}

static void link_last(xml_node *parent, xml_node *child)
{
	child->parent = parent;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
}

xml_node *xml_add_child(xml_node *parent, xml_node *child)
{
	assert(!child->parent);
	link_last(parent, child);
	return child;
}

static char *concat(arena *a, const char *s, size_t n, const char *t, size_t m)
{
	char *d = arena_alloc(a, n + m + 1);
	memcpy(d, s, n);
	memcpy(d + n, t, m);
	return d;
}

/* Adjacent text is merged into one node, as a parser would see it, so
 * trees built either way compare equal. */
xml_node *xml_add_text(arena *a, xml_node *parent, const char *text, size_t len)
{
	if (len == 0)
		return parent;
	if (parent->owner != a)
		parent->owner = NULL;
	xml_node *t = parent->last;
	if (t && is_text(t)) {
		t->text = concat(a, t->text, t->text_len, text, len);
		t->text_len += len;
		if (t->owner != a)
			t->owner = NULL;
	} else {
		t = arena_alloc(a, sizeof *t);
		t->text = arena_strndup(a, text, len);
		t->text_len = len;
		t->owner = a;
		link_last(parent, t);
	}
	if (parent->text_len == 0)
		parent->text = t->text;
	else
		parent->text = concat(a, parent->text, parent->text_len, text, len);
	parent->text_len += len;
	return parent;
}

xml_node *xml_add_elem(arena *a, xml_node *parent, const char *ns,
		const char *name, const char *text)
{
	const char *inherited = parent->owner == a ? parent->ns
			: ns_dup(a, parent->ns, strlen(parent->ns));
	xml_node *e = ns ? xml_new(a, ns, name)
			: elem_new(a, inherited, arena_strdup(a, name));
	if (text)
		xml_add_text(a, e, text, strlen(text));
	return xml_add_child(parent, e);
}

xml_node *xml_insert_first(xml_node *parent, xml_node *child)
{
	assert(!child->parent);
	child->parent = parent;
	child->next = parent->first;
	parent->first = child;
	if (!parent->last)
		parent->last = child;
	return child;
}

void xml_remove(xml_node *child)
{
	xml_node *parent = child->parent;
	if (!parent)
		return;
	xml_node *prev = NULL;
	for (xml_node *n = parent->first; n != child; n = n->next)
		prev = n;
	if (prev)
		prev->next = child->next;
	else
		parent->first = child->next;
	if (parent->last == child)
		parent->last = prev;
	child->parent = child->next = NULL;
}

/* A copy of e's own strings into a: shared when they already live there,
 * duplicated otherwise. */
static xml_node *copy_node(arena *a, const xml_node *e, const xml_node *parent)
{
	bool share = e->owner == a;
	xml_node *c = arena_alloc(a, sizeof *c);
	*c = (xml_node){.owner = a, .text_len = e->text_len};
	if (is_text(e)) {
		c->text = share ? e->text : arena_strndup(a, e->text, e->text_len);
		return c;
	}
	c->name = share ? e->name : arena_strdup(a, e->name);
	c->ns = share ? e->ns : ns_inherit(a, parent, e->ns, strlen(e->ns));
	c->text = share ? e->text : arena_strndup(a, e->text, e->text_len);
	if (e->nattrs) {
		c->attrs = arena_alloc(a, e->nattrs * sizeof *c->attrs);
		c->nattrs = c->attr_cap = e->nattrs;
		memcpy(c->attrs, e->attrs, e->nattrs * sizeof *c->attrs);
	}
	for (size_t i = 0; i < c->nattrs && !share; i++) {
		struct xml_attr *at = &c->attrs[i];
		at->ns = at->ns ? ns_dup(a, at->ns, strlen(at->ns)) : NULL;
		at->name = arena_strdup(a, at->name);
		at->value = arena_strdup(a, at->value);
	}
	return c;
}

static xml_node *copy_elem(arena *a, const xml_node *e, const xml_node *parent)
{
	xml_node *c = copy_node(a, e, parent);
	for (const xml_node *n = e->first; n; n = n->next) {
		xml_node *t = c->last;
		if (is_text(n) && t && is_text(t)) {
			/* Text that xml_remove() left adjacent is merged, as a
			 * parser would see it. */
			t->text = concat(a, t->text, t->text_len, n->text, n->text_len);
			t->text_len += n->text_len;
		} else {
			link_last(c, is_text(n) ? copy_node(a, n, c) : copy_elem(a, n, c));
		}
	}
	return c;
}

xml_node *xml_copy(arena *a, const xml_node *e)
{
	return copy_elem(a, e, NULL);
}

/* ---- querying ---------------------------------------------------------- */

const char *xml_name(const xml_node *e) { return e->name; }
const char *xml_ns(const xml_node *e) { return e->ns; }
xml_node *xml_parent(const xml_node *e) { return e->parent; }
const char *xml_text(const xml_node *e) { return e->text; }
size_t xml_attr_count(const xml_node *e) { return e->nattrs; }

const char *xml_attr_ns(const xml_node *e, const char *ns, const char *name)
{
	const struct xml_attr *at = attr_find(e, ns && *ns ? ns : NULL, name);
	return at ? at->value : NULL;
}

const char *xml_attr(const xml_node *e, const char *name)
{
	return xml_attr_ns(e, NULL, name);
}

bool xml_attr_at(const xml_node *e, size_t i, const char **ns,
		const char **name, const char **value)
{
	if (i >= e->nattrs)
		return false;
	*ns = e->attrs[i].ns;
	*name = e->attrs[i].name;
	*value = e->attrs[i].value;
	return true;
}

static xml_node *skip_text(xml_node *n)
{
	while (n && is_text(n))
		n = n->next;
	return n;
}

xml_node *xml_first(const xml_node *e) { return skip_text(e->first); }
xml_node *xml_next(const xml_node *e) { return skip_text(e->next); }

size_t xml_child_count(const xml_node *e)
{
	size_t n = 0;
	for (const xml_node *c = xml_first(e); c; c = xml_next(c))
		n++;
	return n;
}

xml_node *xml_child(const xml_node *e, const char *name, const char *ns)
{
	for (xml_node *c = xml_first(e); c; c = xml_next(c))
		if (same(c->name, name) && (!ns || same(c->ns, ns)))
			return c;
	return NULL;
}

const char *xml_child_text(const xml_node *e, const char *name, const char *ns)
{
	const xml_node *c = xml_child(e, name, ns);
	return c ? c->text : NULL;
}

/* ---- escaping ---------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The entity for c, or NULL to write c as is.  quote is 0 in text, else
 * the attribute value's quote character.  Whitespace other than space is
 * escaped where a parser would otherwise normalize it. */
static const char *escape_for(char c, char quote)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '\r': return "&#13;";
	}
	if (!quote)
		return NULL;
	switch (c) {
	case '\t': return "&#9;";
	case '\n': return "&#10;";
	case '\'': return quote == c ? "&apos;" : NULL;
	case '"': return quote == c ? "&quot;" : NULL;
	}
	return NULL;
}

static void put_escaped(buf *out, const char *s, size_t n, char quote)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *ent = escape_for(s[i], quote);
		if (!ent)
			continue;
		buf_append(out, s + run, i - run);
		buf_puts(out, ent);
		run = i + 1;
	}
	buf_append(out, s + run, n - run);
}

static void put_quoted(buf *out, const char *s, char quote)
{
	buf_putc(out, quote);
	put_escaped(out, s, strlen(s), quote);
	buf_putc(out, quote);
}

/* ---- parsing ----------------------------------------------------------- */

/* What the parser tracks per open element beyond the tree itself. */
struct level {
	size_t children;         /* child nodes so far */
	XML_Index start;         /* where its start tag is */
};

struct xml_parser {
	XML_Parser expat;
	buf root;                /* the synthetic root's start tag */
	buf text;                /* character data not yet made a node */
	struct level *levels;    /* the open elements, container first */
	size_t levels_cap;

	/* The parse under way. */
	arena *a;
	const xml_limits *lim;
	size_t max_top;          /* top-level elements allowed */
	xml_error *err;
	xml_node *cur;           /* innermost open element */
	size_t depth;            /* open elements, not counting the container */
	size_t nodes;
	XML_Index text_at;       /* where the pending text starts */
	bool in_root;            /* the synthetic root has started */
	bool in_tail;            /* feeding the synthetic root's end tag */
	bool failed;             /* a handler rejected the input */
	XML_Index fail_at;
};

static const char root_end[] = "</r>";

/* Reject the input at byte index at (of expat's whole stream). */
__attribute__((format(printf, 3, 4)))
static bool fail(xml_parser *p, XML_Index at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
	va_end(ap);
	p->failed = true;
	p->fail_at = at;
	XML_StopParser(p->expat, XML_FALSE);
	return false;
}

/* Account for one more node in the innermost open element. */
static bool count_node(xml_parser *p, XML_Index at)
{
	size_t *n = &p->levels[p->depth].children;
	if (p->depth == 0 && *n >= p->max_top)
		return fail(p, at, "more than %zu top-level element%s",
				p->max_top, p->max_top == 1 ? "" : "s");
	if (*n >= p->lim->max_children)
		return fail(p, at, "element with more than %zu children",
				p->lim->max_children);
	if (p->nodes >= p->lim->max_nodes)
		return fail(p, at, "more than %zu nodes", p->lim->max_nodes);
	(*n)++;
	p->nodes++;
	return true;
}

/* Expat delivers text in pieces (per line, per entity); they become one
 * node when the next tag arrives. */
static bool flush_text(xml_parser *p)
{
	if (p->text.len == 0)
		return true;
	if (!count_node(p, p->text_at))
		return false;
	xml_add_text(p->a, p->cur, p->text.data, p->text.len);
	buf_reset(&p->text);
	return true;
}

static bool push_level(xml_parser *p, XML_Index at)
{
	if (p->depth >= p->lim->max_depth)
		return fail(p, at, "element nesting deeper than %zu",
				p->lim->max_depth);
	if (p->depth + 1 == p->levels_cap) {
		size_t cap = 2 * p->levels_cap;
		struct level *l = realloc(p->levels, cap * sizeof *l);
		if (!l)
			abort();
		p->levels = l;
		p->levels_cap = cap;
	}
	p->levels[++p->depth] = (struct level){0, at};
	return true;
}

/* Split expat's "URI\x01local" (or plain "local") name. */
static const char *split_name(const char *qname, size_t *ns_len)
{
	const char *sep = strchr(qname, NS_SEP);
	*ns_len = sep ? (size_t)(sep - qname) : 0;
	return sep ? sep + 1 : qname;
}

/* Expat has already rejected duplicates, so no lookups are needed. */
static void set_attrs(xml_parser *p, xml_node *e, const char **atts, size_t n)
{
	e->attrs = arena_alloc(p->a, n * sizeof *e->attrs);
	e->nattrs = e->attr_cap = n;
	for (size_t i = 0; i < n; i++) {
		struct xml_attr *at = &e->attrs[i];
		size_t ns_len;
		at->name = arena_strdup(p->a, split_name(atts[2 * i], &ns_len));
		at->ns = ns_len ? ns_dup(p->a, atts[2 * i], ns_len) : NULL;
		at->value = arena_strdup(p->a, atts[2 * i + 1]);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *qname,
		const XML_Char **atts)
{
	xml_parser *p = ud;
	if (p->failed)
		return;
	if (!p->in_root) {
		p->in_root = true;
		return;
	}
	XML_Index at = XML_GetCurrentByteIndex(p->expat);
	size_t nattrs = 0;
	while (atts[2 * nattrs])
		nattrs++;
	if (!flush_text(p) || !count_node(p, at))
		return;
	if (nattrs > p->lim->max_attrs) {
		fail(p, at, "element with more than %zu attributes",
				p->lim->max_attrs);
		return;
	}
	if (!push_level(p, at))
		return;
	size_t ns_len;
	const char *name = split_name(qname, &ns_len);
	xml_node *e = elem_new(p->a, ns_inherit(p->a, p->cur, qname, ns_len),
			arena_strdup(p->a, name));
	if (nattrs)
		set_attrs(p, e, atts, nattrs);
	p->cur = xml_add_child(p->cur, e);
}

static void XMLCALL on_end(void *ud, const XML_Char *qname)
{
	xml_parser *p = ud;
	if (p->failed)
		return;
	if (p->depth == 0) {
		/* Only our own end tag may close the synthetic root. */
		if (!p->in_tail)
			fail(p, XML_GetCurrentByteIndex(p->expat), "%s",
					XML_ErrorString(XML_ERROR_TAG_MISMATCH));
		return;
	}
	if (!flush_text(p))
		return;
	p->cur = p->cur->parent;
	p->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xml_parser *p = ud;
	if (p->failed)
		return;
	if (p->depth > 0) {
		if (p->text.len == 0)
			p->text_at = XML_GetCurrentByteIndex(p->expat);
		buf_append(&p->text, s, (size_t)len);
		return;
	}
	for (int i = 0; i < len; i++) {
		if (!is_space(s[i])) {
			fail(p, XML_GetCurrentByteIndex(p->expat) + i,
					"text outside elements");
			return;
		}
	}
}

/* RFC 6120 section 11.1 forbids processing instructions (and comments,
 * but expat drops those when there is no handler: they are harmless in a
 * script, and what a simulated client sends is written from a tree). */
static void XMLCALL on_pi(void *ud, const XML_Char *target,
		const XML_Char *data)
{
	xml_parser *p = ud;
	if (!p->failed)
		fail(p, XML_GetCurrentByteIndex(p->expat),
				"processing instruction not allowed");
}

/* A new or reset expat parser has no handlers and a random salt. */
static void parser_setup(xml_parser *p)
{
	XML_SetHashSalt(p->expat, HASH_SALT);
	XML_SetUserData(p->expat, p);
	XML_SetElementHandler(p->expat, on_start, on_end);
	XML_SetCharacterDataHandler(p->expat, on_text);
	XML_SetProcessingInstructionHandler(p->expat, on_pi);
}

xml_parser *xml_parser_new(void)
{
	xml_parser *p = calloc(1, sizeof *p);
	if (!p)
		abort();
	p->expat = XML_ParserCreateNS("UTF-8", NS_SEP);
	p->levels_cap = 16;
	p->levels = malloc(p->levels_cap * sizeof *p->levels);
	if (!p->expat || !p->levels)
		abort();
	parser_setup(p);
	return p;
}

void xml_parser_free(xml_parser *p)
{
	if (!p)
		return;
	XML_ParserFree(p->expat);
	buf_free(&p->root);
	buf_free(&p->text);
	free(p->levels);
	free(p);
}

/* The values are escaped like any attribute's, which also keeps the start
 * tag on one line. */
static void build_root(buf *root, const xml_context *ctx)
{
	buf_reset(root);
	buf_puts(root, "<r");
	if (ctx && ctx->default_ns) {
		buf_puts(root, " xmlns=");
		put_quoted(root, ctx->default_ns, '\'');
	}
	const char *const *pair = ctx ? ctx->prefixes : NULL;
	for (; pair && pair[0] && pair[1]; pair += 2) {
		buf_printf(root, " xmlns:%s=", pair[0]);
		put_quoted(root, pair[1], '\'');
	}
	buf_putc(root, '>');
}

static void parse_begin(xml_parser *p, arena *a, const xml_context *ctx,
		xml_error *err, size_t max_top)
{
	XML_ParserReset(p->expat, "UTF-8");
	parser_setup(p);
	build_root(&p->root, ctx);
	buf_reset(&p->text);
	p->a = a;
	p->lim = ctx && ctx->limits ? ctx->limits : &xml_default_limits;
	p->max_top = max_top < p->lim->max_children ? max_top
			: p->lim->max_children;
	p->err = err;
	p->cur = xml_new(a, NULL, "");
	p->depth = p->nodes = 0;
	p->levels[0].children = 0;
	p->in_root = p->in_tail = p->failed = false;
}

static bool feed(xml_parser *p, const char *s, size_t n, bool final)
{
	for (; n > FEED_CHUNK; s += FEED_CHUNK, n -= FEED_CHUNK)
		if (XML_Parse(p->expat, s, FEED_CHUNK, XML_FALSE) != XML_STATUS_OK)
			return false;
	return XML_Parse(p->expat, s, (int)n, final) == XML_STATUS_OK;
}

/* Line and column (1-based; columns count characters, not bytes) of byte
 * offset off in s.  CR LF and a lone CR end a line, as in XML. */
static void locate(const char *s, size_t off, xml_error *err)
{
	err->line = err->column = 1;
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' && i > 0 && s[i - 1] == '\r')
			continue;
		if (c == '\n' || c == '\r') {
			err->line++;
			err->column = 1;
		} else if ((c & 0xc0) != 0x80) {
			err->column++;
		}
	}
}

/* Expat's message for an error at *off in the input, made specific where
 * the synthetic root would make it confusing. */
static const char *expat_message(enum XML_Error code, const char *in,
		size_t len, size_t *off)
{
	if (code == XML_ERROR_MISPLACED_XML_PI)
		return "XML declaration not allowed";
	/* In content, "<!" and a letter can only start a DOCTYPE or another
	 * markup declaration, which expat sees as an invalid token. */
	if (code == XML_ERROR_INVALID_TOKEN && *off >= 2 && *off < len
			&& !memcmp(in + *off - 2, "<!", 2)
			&& in[*off] >= 'A' && in[*off] <= 'Z') {
		*off -= 2;
		return "DTD not allowed";
	}
	/* Input cut short runs into the synthetic end tag: expat reports an
	 * error at the input's end, or the token left unclosed. */
	if (*off == len || code == XML_ERROR_UNCLOSED_TOKEN)
		return "unexpected end of input";
	return XML_ErrorString(code);
}

static void expat_error(xml_parser *p, const char *in, size_t len)
{
	enum XML_Error code = XML_GetErrorCode(p->expat);
	XML_Index root_len = (XML_Index)p->root.len;
	XML_Index at = XML_GetCurrentByteIndex(p->expat) - root_len;
	size_t off = at < 0 ? 0 : (size_t)at < len ? (size_t)at : len;
	char *msg = p->err->message;
	size_t size = sizeof p->err->message;
	if (at < 0) {
		snprintf(msg, size, "bad namespace context: %s",
				XML_ErrorString(code));
	} else if (off == len && code == XML_ERROR_TAG_MISMATCH && p->depth > 0) {
		/* Where the element opened says more than the end of input. */
		snprintf(msg, size, "unclosed element <%s>", p->cur->name);
		off = (size_t)(p->levels[p->depth].start - root_len);
	} else {
		snprintf(msg, size, "%s", expat_message(code, in, len, &off));
	}
	locate(in, off, p->err);
}

static void handler_error(xml_parser *p, const char *in, size_t len)
{
	size_t off = (size_t)p->fail_at - p->root.len;
	locate(in, off < len ? off : len, p->err);
}

static xml_node *parse(xml_parser *p, arena *a, const char *in, size_t len,
		const xml_context *ctx, xml_error *err, size_t max_top)
{
	xml_error scratch;
	parse_begin(p, a, ctx, err ? err : &scratch, max_top);
	if (len > p->lim->max_bytes) {
		snprintf(p->err->message, sizeof p->err->message,
				"input larger than %zu bytes", p->lim->max_bytes);
		locate(in, p->lim->max_bytes, p->err);
		return NULL;
	}
	xml_node *top = p->cur;
	if (feed(p, p->root.data, p->root.len, false) && feed(p, in, len, false)) {
		p->in_tail = true;
		if (feed(p, root_end, strlen(root_end), true))
			return top;
	}
	if (p->failed)
		handler_error(p, in, len);
	else
		expat_error(p, in, len);
	return NULL;
}

xml_node *xml_parse(xml_parser *p, arena *a, const char *in, size_t len,
		const xml_context *ctx, xml_error *err)
{
	return parse(p, a, in, len, ctx, err, (size_t)-1);
}

xml_node *xml_parse_one(xml_parser *p, arena *a, const char *in, size_t len,
		const xml_context *ctx, xml_error *err)
{
	xml_node *top = parse(p, a, in, len, ctx, err, 1);
	if (top && !top->first && err) {
		snprintf(err->message, sizeof err->message, "no element in input");
		locate(in, len, err);
	}
	return top ? top->first : NULL;
}

/* ---- writing ----------------------------------------------------------- */

/* Attributes in namespaces other than XML's are written with a prefix
 * declared on their element. */
static bool needs_prefix(const struct xml_attr *at)
{
	return at->ns && strcmp(at->ns, XML_NS_XML) != 0;
}

/* Is attribute i the first of e in its namespace? */
static bool first_in_ns(const xml_node *e, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (e->attrs[j].ns && !strcmp(e->attrs[j].ns, e->attrs[i].ns))
			return false;
	return true;
}

/* Prefixes are numbered by first use on e.  This is cubic in e's
 * attributes at worst, but the parser bounds them by max_attrs, and
 * namespaced attributes other than xml:* are rare in XMPP. */
static size_t prefix_number(const xml_node *e, size_t i)
{
	size_t k = 0;
	for (size_t j = 0; j <= i; j++) {
		if (!needs_prefix(&e->attrs[j]) || !first_in_ns(e, j))
			continue;
		k++;
		if (!strcmp(e->attrs[j].ns, e->attrs[i].ns))
			break;
	}
	return k;
}

/* An element in the XML namespace takes the predeclared xml: prefix, as
 * no default namespace declaration may name it. */
/* ns_dup() gives every element in the XML namespace the one static
 * string, and copies keep it, so the pointer tells. */
static bool in_xml_ns(const xml_node *e)
{
	return e->ns == xml_ns_xml;
}

/* The default namespace in scope for e's children. */
static const char *inner_ns(const xml_node *e, const char *parent_ns)
{
	return in_xml_ns(e) ? parent_ns : e->ns;
}

static void put_name(buf *out, const xml_node *e)
{
	if (in_xml_ns(e))
		buf_puts(out, "xml:");
	buf_puts(out, e->name);
}

static void put_start_tag(buf *out, const xml_node *e, const char *parent_ns,
		char quote)
{
	buf_putc(out, '<');
	put_name(out, e);
	if (!in_xml_ns(e) && (!parent_ns || strcmp(e->ns, parent_ns) != 0)) {
		buf_puts(out, " xmlns=");
		put_quoted(out, e->ns, quote);
	}
	for (size_t i = 0, k = 0; i < e->nattrs; i++) {
		if (needs_prefix(&e->attrs[i]) && first_in_ns(e, i)) {
			buf_printf(out, " xmlns:ns%zu=", ++k);
			put_quoted(out, e->attrs[i].ns, quote);
		}
	}
	for (size_t i = 0; i < e->nattrs; i++) {
		const struct xml_attr *at = &e->attrs[i];
		buf_putc(out, ' ');
		if (needs_prefix(at))
			buf_printf(out, "ns%zu:", prefix_number(e, i));
		else if (at->ns)
			buf_puts(out, "xml:");
		buf_puts(out, at->name);
		buf_putc(out, '=');
		put_quoted(out, at->value, quote);
	}
}

static void put_end_tag(buf *out, const xml_node *e)
{
	buf_puts(out, "</");
	put_name(out, e);
	buf_putc(out, '>');
}

void xml_write(buf *out, const xml_node *e, const char *parent_ns)
{
	put_start_tag(out, e, parent_ns, '\'');
	if (!e->first) {
		buf_puts(out, "/>");
		return;
	}
	buf_putc(out, '>');
	for (const xml_node *n = e->first; n; n = n->next) {
		if (is_text(n))
			put_escaped(out, n->text, n->text_len, 0);
		else
			xml_write(out, n, inner_ns(e, parent_ns));
	}
	put_end_tag(out, e);
}

char *xml_to_string(arena *a, const xml_node *e, const char *parent_ns)
{
	buf b = BUF_INIT;
	xml_write(&b, e, parent_ns);
	char *s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

static void put_tabs(buf *out, int n)
{
	for (int i = 0; i < n; i++)
		buf_putc(out, '\t');
}

/* Text between child elements is shown trimmed on its own line; text that
 * is only indentation is not shown at all. */
static void put_text_line(buf *out, const xml_node *t, int indent)
{
	const char *s = t->text, *end = t->text + t->text_len;
	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	if (s == end)
		return;
	put_tabs(out, indent);
	put_escaped(out, s, (size_t)(end - s), 0);
	buf_putc(out, '\n');
}

void xml_write_pretty(buf *out, const xml_node *e, const char *parent_ns,
		int indent)
{
	put_tabs(out, indent);
	put_start_tag(out, e, parent_ns, '"');
	if (!e->first) {
		buf_puts(out, "/>\n");
		return;
	}
	if (!xml_first(e)) {
		buf_putc(out, '>');
		put_escaped(out, e->text, e->text_len, 0);
		put_end_tag(out, e);
		buf_putc(out, '\n');
		return;
	}
	buf_puts(out, ">\n");
	for (const xml_node *n = e->first; n; n = n->next) {
		if (is_text(n))
			put_text_line(out, n, indent + 1);
		else
			xml_write_pretty(out, n, inner_ns(e, parent_ns), indent + 1);
	}
	put_tabs(out, indent);
	put_end_tag(out, e);
	buf_putc(out, '\n');
}

/* ---- comparing --------------------------------------------------------- */

static bool attrs_equal(const xml_node *a, const xml_node *b)
{
	if (a->nattrs != b->nattrs)
		return false;
	/* Names are unique within an element, so equal counts and a ⊆ b make
	 * the sets equal. */
	for (size_t i = 0; i < a->nattrs; i++) {
		const struct xml_attr *at = &a->attrs[i];
		const struct xml_attr *bt = attr_find(b, at->ns, at->name);
		if (!bt || !same(at->value, bt->value))
			return false;
	}
	return true;
}

bool xml_equal(const xml_node *a, const xml_node *b)
{
	if (is_text(a) || is_text(b))
		return is_text(a) && is_text(b) && a->text_len == b->text_len
				&& !memcmp(a->text, b->text, a->text_len);
	if (!same(a->name, b->name) || !same(a->ns, b->ns) || !attrs_equal(a, b))
		return false;
	const xml_node *x = a->first, *y = b->first;
	for (; x && y; x = x->next, y = y->next)
		if (!xml_equal(x, y))
			return false;
	return !x && !y;
}
