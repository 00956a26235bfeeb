/* xml.h — stanza trees: build, query, parse (expat), serialize, pretty-print.
 *
 * An element has a namespace URI, a local name, ordered attributes and an
 * ordered list of children, each either an element or a text node.  Trees
 * live in an arena (see arena.h); nodes are never freed individually.
 *
 * Namespaces are resolved at parse time: prefixes are not kept, only URIs.
 * The serializer writes a default-namespace declaration (xmlns='…') exactly
 * where an element's namespace differs from its parent's, so output is
 * deterministic and independent of the prefixes the input used.  Attributes
 * in the XML namespace are written as xml:NAME; attributes in any other
 * namespace get a prefix declared on that element (ns1, ns2, … in order).
 *
 * Every string returned by a query is owned by the tree's arena.
 */
#ifndef MUCSIM_XML_H
#define MUCSIM_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

#define XML_NS_XML "http://www.w3.org/XML/1998/namespace"

typedef struct xml_node xml_node;

/* ---- building ---------------------------------------------------------- */

/* A new element with no attributes or children.  ns may be NULL (none).
 * name and ns are copied into the arena. */
xml_node *xml_new(arena *a, const char *ns, const char *name);

/* Set (replace, or append at the end of the attribute list) an attribute.
 * ns is NULL for ordinary attributes, XML_NS_XML for xml:lang.  value NULL
 * removes the attribute.  Strings are copied. */
void xml_set_attr(arena *a, xml_node *e, const char *name, const char *value);
void xml_set_attr_ns(arena *a, xml_node *e, const char *ns, const char *name,
		const char *value);

/* Append a child element (which must have no parent yet) / a text node.
 * For chaining, xml_add_child returns child and xml_add_text parent.
 * xml_add_text copies, and merges with a text node just before it. */
xml_node *xml_add_child(xml_node *parent, xml_node *child);
xml_node *xml_add_text(arena *a, xml_node *parent, const char *text, size_t len);
/* Shortcut: append <name xmlns=ns>text</name>; ns NULL inherits parent's. */
xml_node *xml_add_elem(arena *a, xml_node *parent, const char *ns,
		const char *name, const char *text);
/* Insert child as the first element child of parent. */
xml_node *xml_insert_first(xml_node *parent, xml_node *child);
/* Remove a child element from its parent (it stays valid, parentless). */
void xml_remove(xml_node *child);

/* Deep copy into arena a (which may differ from the source's arena). */
xml_node *xml_copy(arena *a, const xml_node *e);

/* ---- querying ---------------------------------------------------------- */

const char *xml_name(const xml_node *e);
const char *xml_ns(const xml_node *e);         /* "" when none, never NULL */
xml_node *xml_parent(const xml_node *e);

/* Attribute value or NULL.  xml_attr looks up an attribute without
 * namespace; xml_attr_ns one in the given namespace. */
const char *xml_attr(const xml_node *e, const char *name);
const char *xml_attr_ns(const xml_node *e, const char *ns, const char *name);
/* Attributes by position, in document order: returns false past the end.
 * *ns is NULL for attributes without namespace. */
size_t xml_attr_count(const xml_node *e);
bool xml_attr_at(const xml_node *e, size_t i, const char **ns,
		const char **name, const char **value);

/* Element children only, in order (text nodes are skipped). */
xml_node *xml_first(const xml_node *e);
xml_node *xml_next(const xml_node *e);
size_t xml_child_count(const xml_node *e);     /* element children */
/* First child element with this name and namespace (ns NULL: any ns). */
xml_node *xml_child(const xml_node *e, const char *name, const char *ns);
/* Concatenated text of e's direct text children ("" when none). */
const char *xml_text(const xml_node *e);
/* Text of xml_child(e, name, ns), or NULL when there is no such child. */
const char *xml_child_text(const xml_node *e, const char *name, const char *ns);

/* ---- parsing ----------------------------------------------------------- */

/* Limits on what one parse may produce; exceeding one is a parse error. */
typedef struct xml_limits {
	size_t max_bytes;      /* input size */
	size_t max_depth;      /* element nesting, top-level stanza = 1 */
	size_t max_attrs;      /* attributes on one element */
	size_t max_children;   /* child nodes (elements and texts) of one element */
	size_t max_nodes;      /* all nodes of one parse */
} xml_limits;

/* The defaults: 256 KiB, depth 32, 64 attributes, 1024 children, 16384 nodes. */
extern const xml_limits xml_default_limits;

typedef struct xml_error {
	unsigned long line, column;  /* 1-based position in the input */
	char message[160];
} xml_error;

/* A reusable parser.  It owns an expat parser created with a fixed hash
 * salt, so parsing never reads system randomness.  Not thread-safe; one per
 * world is the intended use. */
typedef struct xml_parser xml_parser;

xml_parser *xml_parser_new(void);
void xml_parser_free(xml_parser *p);              /* NULL is allowed */

/* Namespace context a fragment is parsed in: the default namespace applied
 * to unprefixed elements (e.g. "jabber:client"), and extra prefixes the
 * fragment may use undeclared (e.g. scansion → its URI).  NULL means none. */
typedef struct xml_context {
	const char *default_ns;
	const char *const *prefixes;   /* pairs: prefix, uri, …, NULL */
	const xml_limits *limits;      /* NULL: xml_default_limits */
} xml_context;

/* Parse zero or more top-level elements (stanzas) from buf.  Returns a
 * container element (name "", no namespace) whose element children are the
 * stanzas in order; text between stanzas is kept only if it is not
 * whitespace (and then it is an error: content outside elements).  On error
 * returns NULL and fills *err with the 1-based line and column in buf.
 * Processing instructions, an XML declaration and DTDs are errors (RFC 6120
 * section 11.1); comments, which it forbids too, are skipped.  The container
 * counts against max_children like any element. */
xml_node *xml_parse(xml_parser *p, arena *a, const char *buf, size_t len,
		const xml_context *ctx, xml_error *err);

/* Convenience: exactly one element, or NULL with an error. */
xml_node *xml_parse_one(xml_parser *p, arena *a, const char *buf, size_t len,
		const xml_context *ctx, xml_error *err);

/* ---- writing ----------------------------------------------------------- */

/* Canonical compact form.  parent_ns is the namespace in scope around e
 * (e.g. "jabber:client" for stanzas in a client stream) so the outermost
 * xmlns is written only when it differs; NULL writes it always.  Attribute
 * values use '…' quoting as Prosody does; &, <, >, ', " escaped as needed. */
void xml_write(buf *out, const xml_node *e, const char *parent_ns);
/* The same into a fresh arena string. */
char *xml_to_string(arena *a, const xml_node *e, const char *parent_ns);

/* Indented form used in scansion scripts and reports: one element per line,
 * `indent` leading tabs for e and one more per level; elements whose only
 * content is text stay on one line; attributes in double quotes. */
void xml_write_pretty(buf *out, const xml_node *e, const char *parent_ns,
		int indent);

/* Structural equality: names, namespaces, attributes (as sets, order
 * ignored), children in order, and text. */
bool xml_equal(const xml_node *a, const xml_node *b);

#endif
