/* test_xml.c — stanza trees: building, parsing, writing, comparing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

#define NS_CLIENT "jabber:client"
#define NS_SCANSION "https://matthewwild.co.uk/projects/scansion"

static const char *const scansion_prefixes[] = {"scansion", NS_SCANSION, NULL};
static const xml_context client_ctx = {NS_CLIENT, NULL, NULL};
static const xml_context script_ctx = {NS_CLIENT, scansion_prefixes, NULL};

struct fixture {
	arena *a;
	xml_parser *p;
};

static int setup(void **state)
{
	struct fixture *f = malloc(sizeof *f);
	f->a = arena_new();
	f->p = xml_parser_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	xml_parser_free(f->p);
	arena_free(f->a);
	free(f);
	return 0;
}

/* Parse s, which must be well-formed, into its container. */
static xml_node *parse_all(struct fixture *f, const char *s,
		const xml_context *ctx)
{
	xml_error err;
	xml_node *all = xml_parse(f->p, f->a, s, strlen(s), ctx, &err);
	if (!all)
		fail_msg("parse of \"%.60s\" failed at %lu:%lu: %s", s, err.line,
				err.column, err.message);
	return all;
}

static xml_node *parse_one(struct fixture *f, const char *s,
		const xml_context *ctx)
{
	xml_node *all = parse_all(f, s, ctx);
	assert_int_equal(xml_child_count(all), 1);
	return xml_first(all);
}

static void expect_written(const xml_node *e, const char *parent_ns,
		const char *want)
{
	buf b = BUF_INIT;
	xml_write(&b, e, parent_ns);
	if (strcmp(buf_str(&b), want) != 0)
		fail_msg("wrote\n  %s\nwant\n  %s", buf_str(&b), want);
	buf_free(&b);
}

/* ---- building and querying --------------------------------------------- */

static void test_new_and_attributes(void **state)
{
	struct fixture *f = *state;
	xml_node *e = xml_new(f->a, NS_CLIENT, "message");
	assert_string_equal(xml_name(e), "message");
	assert_string_equal(xml_ns(e), NS_CLIENT);
	assert_null(xml_parent(e));
	assert_string_equal(xml_ns(xml_new(f->a, NULL, "x")), "");

	xml_set_attr(f->a, e, "to", "room@muc");
	xml_set_attr(f->a, e, "type", "chat");
	xml_set_attr_ns(f->a, e, XML_NS_XML, "lang", "en");
	xml_set_attr(f->a, e, "to", "other@muc");       /* replaces in place */
	assert_int_equal(xml_attr_count(e), 3);
	assert_string_equal(xml_attr(e, "to"), "other@muc");
	assert_string_equal(xml_attr_ns(e, XML_NS_XML, "lang"), "en");
	assert_null(xml_attr(e, "lang"));               /* namespaced */
	assert_null(xml_attr(e, "id"));

	const char *ns, *name, *value;
	assert_true(xml_attr_at(e, 0, &ns, &name, &value));
	assert_null(ns);
	assert_string_equal(name, "to");
	assert_string_equal(value, "other@muc");
	assert_true(xml_attr_at(e, 2, &ns, &name, &value));
	assert_string_equal(ns, XML_NS_XML);
	assert_string_equal(name, "lang");
	assert_false(xml_attr_at(e, 3, &ns, &name, &value));

	xml_set_attr(f->a, e, "to", NULL);              /* removes, keeps order */
	xml_set_attr(f->a, e, "absent", NULL);
	assert_int_equal(xml_attr_count(e), 2);
	assert_true(xml_attr_at(e, 0, &ns, &name, &value));
	assert_string_equal(name, "type");
	/* "" is no namespace, as for elements. */
	xml_set_attr_ns(f->a, e, "", "type", "groupchat");
	assert_string_equal(xml_attr(e, "type"), "groupchat");
	assert_string_equal(xml_attr_ns(e, "", "type"), "groupchat");
	assert_int_equal(xml_attr_count(e), 2);
}

static void test_strings_are_copied(void **state)
{
	struct fixture *f = *state;
	char name[] = "body", ns[] = "urn:x", value[] = "v", text[] = "hi";
	xml_node *e = xml_new(f->a, ns, name);
	xml_set_attr(f->a, e, name, value);
	xml_add_text(f->a, e, text, 2);
	memset(name, 'z', 4);
	memset(ns, 'z', 5);
	value[0] = text[0] = 'z';
	assert_string_equal(xml_name(e), "body");
	assert_string_equal(xml_ns(e), "urn:x");
	assert_string_equal(xml_attr(e, "body"), "v");
	assert_string_equal(xml_text(e), "hi");
}

static void test_children(void **state)
{
	struct fixture *f = *state;
	xml_node *msg = xml_new(f->a, NS_CLIENT, "message");
	xml_node *body = xml_add_elem(f->a, msg, NULL, "body", "hello");
	xml_node *x = xml_add_elem(f->a, msg, "urn:x", "x", NULL);
	xml_node *body2 = xml_add_elem(f->a, msg, "urn:x", "body", "other");
	assert_string_equal(xml_ns(body), NS_CLIENT);   /* inherited */
	assert_ptr_equal(xml_parent(body), msg);
	assert_int_equal(xml_child_count(msg), 3);
	assert_int_equal(xml_child_count(x), 0);
	assert_null(xml_first(x));
	assert_string_equal(xml_text(x), "");

	assert_ptr_equal(xml_child(msg, "body", NULL), body);
	assert_ptr_equal(xml_child(msg, "body", NS_CLIENT), body);
	assert_ptr_equal(xml_child(msg, "body", "urn:x"), body2);
	assert_null(xml_child(msg, "body", ""));
	assert_null(xml_child(msg, "subject", NULL));
	assert_string_equal(xml_child_text(msg, "body", "urn:x"), "other");
	assert_string_equal(xml_child_text(msg, "x", NULL), "");
	assert_null(xml_child_text(msg, "subject", NULL));

	xml_node *first = xml_insert_first(msg, xml_new(f->a, NULL, "first"));
	assert_ptr_equal(xml_first(msg), first);
	assert_ptr_equal(xml_next(first), body);
	assert_ptr_equal(xml_parent(first), msg);

	xml_remove(x);                                   /* from the middle */
	assert_null(xml_parent(x));
	assert_ptr_equal(xml_next(body), body2);
	xml_remove(first);                               /* the first */
	assert_ptr_equal(xml_first(msg), body);
	xml_remove(body2);                               /* the last */
	assert_null(xml_next(body));
	xml_remove(body2);                               /* parentless: no-op */
	xml_add_child(msg, x);                           /* appends after the last */
	assert_ptr_equal(xml_next(body), x);
	assert_int_equal(xml_child_count(msg), 2);
	xml_remove(body);
	xml_remove(x);
	assert_null(xml_first(msg));
	expect_written(msg, NS_CLIENT, "<message/>");
	xml_insert_first(msg, x);                        /* into an empty parent */
	xml_add_child(msg, body);
	expect_written(msg, NS_CLIENT,
			"<message><x xmlns='urn:x'/><body>hello</body></message>");
}

static void test_text_nodes(void **state)
{
	struct fixture *f = *state;
	xml_node *e = xml_new(f->a, NULL, "p");
	assert_ptr_equal(xml_add_text(f->a, e, "ab", 2), e);
	xml_add_text(f->a, e, "cd", 2);                 /* merged */
	xml_add_text(f->a, e, "", 0);                   /* nothing */
	xml_add_elem(f->a, e, NULL, "br", NULL);
	xml_add_text(f->a, e, "ef!", 2);
	assert_string_equal(xml_text(e), "abcdef");
	assert_int_equal(xml_child_count(e), 1);        /* texts are skipped */
	assert_string_equal(xml_name(xml_first(e)), "br");
	expect_written(e, "", "<p>abcd<br/>ef</p>");
	/* A merged node equals the parser's single node. */
	xml_node *parsed = parse_one(f, "<p>abcd<br/>ef</p>", NULL);
	assert_true(xml_equal(e, parsed));
	assert_string_equal(xml_text(parsed), "abcdef");
}

static void test_copy_outlives_source(void **state)
{
	struct fixture *f = *state;
	arena *src = arena_new();
	xml_error err;
	const char *s = "<presence from='a@b/c' xml:lang='en'>"
			"<x xmlns='urn:x' scansion:strict='false'>t<item role='none'/>u</x>"
			"<status>away</status></presence>";
	xml_node *e = xml_parse_one(f->p, src, s, strlen(s), &script_ctx, &err);
	assert_non_null(e);
	xml_node *c = xml_copy(f->a, e);
	assert_true(xml_equal(e, c));
	assert_null(xml_parent(c));
	char *before = xml_to_string(f->a, e, NS_CLIENT);
	arena_free(src);
	assert_string_equal(xml_to_string(f->a, c, NS_CLIENT), before);
	assert_string_equal(xml_text(xml_child(c, "x", NULL)), "tu");
	/* A copied child can be detached and reparented. */
	xml_node *x = xml_child(xml_copy(f->a, c), "x", "urn:x");
	xml_remove(x);
	xml_add_child(c, x);
	assert_int_equal(xml_child_count(c), 3);
}

/* Copies within one arena share the source's strings; anything another
 * arena put into the tree must still be copied, so the copy outlives that
 * arena. */
static void test_copy_mixed_arenas(void **state)
{
	struct fixture *f = *state;
	arena *other = arena_new();
	xml_node *e = xml_new(f->a, "urn:x", "root");
	xml_set_attr(f->a, e, "own", "1");
	xml_add_text(f->a, e, "a", 1);
	xml_node *kept = xml_add_elem(f->a, e, NULL, "kept", "k");
	xml_set_attr(other, kept, "foreign", "2");
	xml_add_text(other, e, "b", 1);
	xml_add_elem(other, e, NULL, "inherits", "i");
	xml_add_child(e, xml_new(other, "urn:y", "guest"));
	char *before = xml_to_string(f->a, e, NS_CLIENT);
	xml_node *c = xml_copy(f->a, e);
	xml_node *cc = xml_copy(f->a, c);
	arena_free(other);
	assert_string_equal(xml_to_string(f->a, c, NS_CLIENT), before);
	assert_string_equal(xml_to_string(f->a, cc, NS_CLIENT), before);
	assert_string_equal(xml_text(c), "ab");
	/* Changing a copy leaves the source alone. */
	xml_set_attr(f->a, c, "own", "changed");
	xml_add_text(f->a, xml_child(c, "kept", NULL), "+", 1);
	assert_string_equal(xml_attr(cc, "own"), "1");
	assert_string_equal(xml_text(xml_child(cc, "kept", NULL)), "k");
}

/* ---- writing ------------------------------------------------------------ */

/* Parsed in script_ctx, written with parent_ns. */
static const struct write_case {
	const char *in, *parent_ns, *out;
} write_cases[] = {
	{"<message/>", NS_CLIENT, "<message/>"},
	{"<message/>", NULL, "<message xmlns='jabber:client'/>"},
	{"<message/>", "urn:other", "<message xmlns='jabber:client'/>"},
	{"<a xmlns=''/>", NULL, "<a xmlns=''/>"},
	{"<a xmlns=''><b/></a>", NS_CLIENT, "<a xmlns=''><b/></a>"},
	{"<message to=\"r@m\"  type='chat' ><body>hi</body></message>", NS_CLIENT,
	 "<message to='r@m' type='chat'><body>hi</body></message>"},
	{"<a:foo xmlns:a='urn:x'/>", NS_CLIENT, "<foo xmlns='urn:x'/>"},
	{"<a:foo xmlns:a='urn:x'><a:bar/><baz/></a:foo>", NS_CLIENT,
	 "<foo xmlns='urn:x'><bar/><baz xmlns='jabber:client'/></foo>"},
	{"<a><b xmlns='urn:b'><c/><d xmlns='urn:d'/><e/></b><f/></a>", NS_CLIENT,
	 "<a><b xmlns='urn:b'><c/><d xmlns='urn:d'/><e/></b><f/></a>"},
	{"<a b=\"&amp;&lt;&gt;'&quot;\">1 &lt; 2 &amp;&amp; 3 &gt; 2 \"'</a>",
	 NS_CLIENT,
	 "<a b='&amp;&lt;&gt;&apos;\"'>1 &lt; 2 &amp;&amp; 3 &gt; 2 \"'</a>"},
	{"<a b='x&#10;y&#9;z&#13;'>&#13;</a>", NS_CLIENT,
	 "<a b='x&#10;y&#9;z&#13;'>&#13;</a>"},
	{"<a b='x\ny\tz'/>", NS_CLIENT, "<a b='x y z'/>"},  /* normalized */
	{"<a>x\r\ny\rz</a>", NS_CLIENT, "<a>x\ny\nz</a>"},
	{"<a><![CDATA[<&>]]></a>", NS_CLIENT, "<a>&lt;&amp;&gt;</a>"},
	{"<a>&#x1F600;&#233;</a>", NS_CLIENT, "<a>\xF0\x9F\x98\x80\xC3\xA9</a>"},
	{"<a n='日本語'>Grüße 😀</a>", NS_CLIENT, "<a n='日本語'>Grüße 😀</a>"},
	{"<presence xml:lang='en'/>", NS_CLIENT, "<presence xml:lang='en'/>"},
	{"<x scansion:strict='true'/>", NS_CLIENT,
	 "<x xmlns:ns1='" NS_SCANSION "' ns1:strict='true'/>"},
	{"<x xmlns:p='urn:p' xmlns:q='urn:q' p:a='1' b='2' q:c='3' p:d='4' "
	 "xml:lang='de'/>", NS_CLIENT,
	 "<x xmlns:ns1='urn:p' xmlns:ns2='urn:q' ns1:a='1' b='2' ns2:c='3' "
	 "ns1:d='4' xml:lang='de'/>"},
	{"<x xmlns:p='urn:p' p:a='1'><y xmlns:q='urn:q' q:b='2'/></x>", NS_CLIENT,
	 "<x xmlns:ns1='urn:p' ns1:a='1'><y xmlns:ns1='urn:q' ns1:b='2'/></x>"},
	{"<x xmlns:p='jabber:client' p:a='1'/>", NS_CLIENT,
	 "<x xmlns:ns1='jabber:client' ns1:a='1'/>"},
	{"<body>  spaced  </body>", NS_CLIENT, "<body>  spaced  </body>"},
	{"<a>\n\t<b/>\n</a>", NS_CLIENT, "<a>\n\t<b/>\n</a>"},
	{"<a></a>", NS_CLIENT, "<a/>"},
	{"<xml:a><b/></xml:a>", NS_CLIENT, "<xml:a><b/></xml:a>"},
	{"<xml:a><b/></xml:a>", NULL, "<xml:a><b xmlns='jabber:client'/></xml:a>"},
};

static void test_write(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < COUNT(write_cases); i++) {
		const struct write_case *c = &write_cases[i];
		expect_written(parse_one(f, c->in, &script_ctx), c->parent_ns, c->out);
	}
}

static void test_write_built_tree(void **state)
{
	struct fixture *f = *state;
	xml_node *e = xml_new(f->a, NS_CLIENT, "iq");
	xml_set_attr(f->a, e, "id", "it's \"1\" <&>");
	xml_set_attr_ns(f->a, e, "urn:a", "x", "1");
	xml_set_attr_ns(f->a, e, "urn:b", "x", "2");
	xml_set_attr_ns(f->a, e, "urn:a", "y", "3");
	xml_node *q = xml_add_elem(f->a, e, "urn:q", "query", NULL);
	xml_add_text(f->a, xml_add_elem(f->a, q, NULL, "t", NULL), "a\r\nb", 4);
	xml_add_elem(f->a, q, "", "none", NULL);
	expect_written(e, NS_CLIENT,
			"<iq xmlns:ns1='urn:a' xmlns:ns2='urn:b'"
			" id='it&apos;s \"1\" &lt;&amp;&gt;' ns1:x='1' ns2:x='2' ns1:y='3'>"
			"<query xmlns='urn:q'><t>a&#13;\nb</t><none xmlns=''/></query></iq>");
	char *s = xml_to_string(f->a, e, NS_CLIENT);
	assert_true(xml_equal(parse_one(f, s, &client_ctx), e));
}

/* Inputs whose serializations must parse back to equal trees. */
static const char *const round_trips[] = {
	"<message/>",
	"<message to='a@b' type='chat' id='1'><body>Hi!</body></message>",
	"<presence from='room@conference.localhost/Romeo' xml:lang='en'>"
	"<x xmlns='http://jabber.org/protocol/muc#user'><status code='201'/>"
	"<item affiliation='owner' jid='a@b/c' role='moderator'/></x></presence>",
	"<a b=\"&amp;&lt;&gt;'&quot;\">&amp;&lt;&gt;'\"</a>",
	"<a b='&#9;&#10;&#13; '>&#13;&#10;&#9;</a>",
	"<a b='日本語 😀 é'>日本語 😀 é ☃ \xF0\x90\x80\x80</a>",
	"<a:foo xmlns:a='urn:x'><a:bar/></a:foo>",
	"<a><b xmlns='urn:b'><c/><d xmlns=''/><e/></b><f/></a>",
	"<a xmlns='urn:a'><b xmlns='jabber:client'><c xmlns='urn:a'/></b></a>",
	"<x xmlns:p='urn:p' xmlns:q='urn:q' p:a='1' q:a='2' a='3' xml:lang='fr'/>",
	"<x xmlns:p='urn:p' p:a='1'><y xmlns:q='urn:q' q:b='2' p:c='3'/></x>",
	"<x scansion:strict='false' scansion:any='1'><y/></x>",
	"<a>\n\t<b>text</b>\n\ttail\n</a>",
	"<a>mixed <b>bold</b> and <i>italic</i>.</a>",
	"<a><![CDATA[]]></a>",
	"<r><r/></r>",
	"<a xmlns='urn:a'><xml:b><c/><xml:d xmlns='urn:d'><e/></xml:d></xml:b></a>",
	"<a>&#xE000;&#xFFFD;&#x10FFFF;</a>",
};

static void round_trip(struct fixture *f, const xml_node *e,
		const char *parent_ns, const xml_context *ctx)
{
	char *s = xml_to_string(f->a, e, parent_ns);
	xml_node *again = parse_one(f, s, ctx);
	if (!xml_equal(e, again))
		fail_msg("round trip changed the tree: %s", s);
	assert_string_equal(xml_to_string(f->a, again, parent_ns), s);
}

static void test_round_trips(void **state)
{
	struct fixture *f = *state;
	static const xml_context none = {NULL, NULL, NULL};
	for (size_t i = 0; i < COUNT(round_trips); i++) {
		xml_node *e = parse_one(f, round_trips[i], &script_ctx);
		round_trip(f, e, NS_CLIENT, &client_ctx);
		round_trip(f, e, NULL, &none);
		round_trip(f, e, NULL, NULL);
		round_trip(f, xml_copy(f->a, e), NS_CLIENT, &client_ctx);
	}
}

static const char sample_presence[] =
	"\t<presence from=\"room@conference.localhost/Romeo\" xml:lang=\"en\">\n"
	"\t\t<x xmlns=\"http://jabber.org/protocol/muc#user\">\n"
	"\t\t\t<status code=\"201\"/>\n"
	"\t\t\t<item affiliation=\"owner\" jid=\"${Romeo's full JID}\" role=\"moderator\"/>\n"
	"\t\t\t<status code=\"110\"/>\n"
	"\t\t</x>\n"
	"\t\t<occupant-id xmlns=\"urn:xmpp:occupant-id:0\" id=\"{scansion:any}\"/>\n"
	"\t\t<x xmlns=\"vcard-temp:x:update\">\n"
	"\t\t\t<photo/>\n"
	"\t\t</x>\n"
	"\t</presence>\n";

static void expect_pretty(const xml_node *e, const char *parent_ns, int indent,
		const char *want)
{
	buf b = BUF_INIT;
	xml_write_pretty(&b, e, parent_ns, indent);
	if (strcmp(buf_str(&b), want) != 0)
		fail_msg("wrote\n%s\nwant\n%s", buf_str(&b), want);
	buf_free(&b);
}

static void test_pretty(void **state)
{
	struct fixture *f = *state;
	/* The recorded transcripts' own layout comes back unchanged. */
	xml_node *presence = parse_one(f, sample_presence, &script_ctx);
	expect_pretty(presence, NS_CLIENT, 1, sample_presence);

	const char *compact = "<message type='groupchat' xml:lang='en'>"
			"<body>It's \"quoted\" &amp; &lt;b&gt;</body><subject/>"
			"<x xmlns='urn:x' scansion:strict='false'>before <y>in</y> after</x>"
			"</message>";
	expect_pretty(parse_one(f, compact, &script_ctx), NULL, 0,
			"<message xmlns=\"jabber:client\" type=\"groupchat\" xml:lang=\"en\">\n"
			"\t<body>It's \"quoted\" &amp; &lt;b&gt;</body>\n"
			"\t<subject/>\n"
			"\t<x xmlns=\"urn:x\" xmlns:ns1=\"" NS_SCANSION "\" ns1:strict=\"false\">\n"
			"\t\tbefore\n"
			"\t\t<y>in</y>\n"
			"\t\tafter\n"
			"\t</x>\n"
			"</message>\n");

	xml_node *e = xml_new(f->a, NS_CLIENT, "iq");
	xml_set_attr(f->a, e, "id", "say \"hi\"\tnow");
	expect_pretty(e, NS_CLIENT, 2, "\t\t<iq id=\"say &quot;hi&quot;&#9;now\"/>\n");
	expect_pretty(e, NS_CLIENT, -1, "<iq id=\"say &quot;hi&quot;&#9;now\"/>\n");
}

/* ---- comparing ---------------------------------------------------------- */

static const struct equal_case {
	const char *x, *y;
	bool equal;
} equal_cases[] = {
	{"<a b='1' c='2'/>", "<a c='2' b='1'/>", true},
	{"<a b='1'/>", "<a b='2'/>", false},
	{"<a b='1'/>", "<a b='1' c='2'/>", false},
	{"<a b='1' c='2'/>", "<a b='1'/>", false},
	{"<a xml:lang='en'/>", "<a lang='en'/>", false},
	{"<a xmlns:p='urn:p' p:b='1'/>", "<a xmlns:q='urn:p' q:b='1'/>", true},
	{"<a xmlns:p='urn:p' p:b='1'/>", "<a xmlns:p='urn:q' p:b='1'/>", false},
	{"<a/>", "<b/>", false},
	{"<a/>", "<a xmlns='urn:a'/>", false},
	{"<a><b/><c/></a>", "<a><c/><b/></a>", false},
	{"<a><b/></a>", "<a><b/><b/></a>", false},
	{"<a><b/><b/></a>", "<a><b/></a>", false},
	{"<a>x</a>", "<a>x </a>", false},
	{"<a>x</a>", "<a/>", false},
	{"<a/>", "<a>x</a>", false},
	{"<a>x<b/></a>", "<a><b/>x</a>", false},
	{"<a>x&amp;y</a>", "<a><![CDATA[x&y]]></a>", true},
	{"<a>\xC3\xA9</a>", "<a>&#233;</a>", true},
	{"<a><b c='1'>t</b></a>", "<a><b c='1'>t</b></a>", true},
	{"<a><b c='1'>t</b></a>", "<a><b c='1'>u</b></a>", false},
};

static void test_equal(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < COUNT(equal_cases); i++) {
		const struct equal_case *c = &equal_cases[i];
		xml_node *x = parse_one(f, c->x, &client_ctx);
		xml_node *y = parse_one(f, c->y, &client_ctx);
		if (xml_equal(x, y) != c->equal || xml_equal(y, x) != c->equal)
			fail_msg("xml_equal(%s, %s) should be %d", c->x, c->y, c->equal);
	}
}

/* ---- parsing ------------------------------------------------------------ */

/* Rejected input: the message must contain msg, at line:column. */
struct error_case {
	const char *in;
	size_t len;                 /* 0: strlen(in) */
	const char *msg;
	unsigned long line, column;
};

static void expect_error(struct fixture *f, const struct error_case *c,
		const xml_context *ctx, bool one)
{
	size_t len = c->len ? c->len : strlen(c->in);
	xml_error err;
	memset(&err, 0xff, sizeof err);
	xml_node *r = one ? xml_parse_one(f->p, f->a, c->in, len, ctx, &err)
			: xml_parse(f->p, f->a, c->in, len, ctx, &err);
	if (r)
		fail_msg("\"%.60s\" parsed", c->in);
	if (!strstr(err.message, c->msg) || err.line != c->line
			|| err.column != c->column)
		fail_msg("\"%.60s\": got %lu:%lu %s, want %lu:%lu %s", c->in, err.line,
				err.column, err.message, c->line, c->column, c->msg);
}

static void test_parse_stanzas(void **state)
{
	struct fixture *f = *state;
	xml_node *all = parse_all(f, "\n\t<message/>\n  <presence/><iq type='get'/>\r\n",
			&client_ctx);
	assert_string_equal(xml_name(all), "");
	assert_string_equal(xml_ns(all), "");
	assert_string_equal(xml_text(all), "");         /* whitespace dropped */
	assert_int_equal(xml_child_count(all), 3);
	xml_node *m = xml_first(all);
	assert_string_equal(xml_name(m), "message");
	assert_ptr_equal(xml_parent(m), all);
	assert_string_equal(xml_name(xml_next(m)), "presence");
	assert_string_equal(xml_attr(xml_next(xml_next(m)), "type"), "get");

	assert_int_equal(xml_child_count(parse_all(f, "", &client_ctx)), 0);
	assert_int_equal(xml_child_count(parse_all(f, " \n\t\r\n", NULL)), 0);
	/* A NULL error is allowed, and so is a NULL buffer when empty. */
	assert_non_null(xml_parse(f->p, f->a, NULL, 0, NULL, NULL));
	assert_null(xml_parse(f->p, f->a, "<", 1, NULL, NULL));
	assert_null(xml_parse_one(f->p, f->a, "", 0, NULL, NULL));
}

static void test_comments_skipped(void **state)
{
	struct fixture *f = *state;
	xml_node *all = parse_all(f, "<!-- before --><a>x<!-- <b/> -->y</a>\n"
			"<!-- between -->\n<c/><!-- after -->", NULL);
	assert_int_equal(xml_child_count(all), 2);
	xml_node *a = xml_first(all);
	assert_string_equal(xml_text(a), "xy");
	assert_int_equal(xml_child_count(a), 0);
	expect_written(a, "", "<a>xy</a>");             /* one text node */
}

static void test_parse_namespaces(void **state)
{
	struct fixture *f = *state;
	xml_node *e = parse_one(f, "<message><body/><x xmlns='urn:x'><y/></x>"
			"<p:z xmlns:p='urn:p'/><scansion:w/></message>", &script_ctx);
	assert_string_equal(xml_ns(e), NS_CLIENT);
	assert_string_equal(xml_ns(xml_child(e, "body", NULL)), NS_CLIENT);
	xml_node *x = xml_child(e, "x", NULL);
	assert_string_equal(xml_ns(x), "urn:x");
	assert_string_equal(xml_ns(xml_first(x)), "urn:x");
	assert_string_equal(xml_ns(xml_child(e, "z", NULL)), "urn:p");
	assert_string_equal(xml_ns(xml_child(e, "w", NULL)), NS_SCANSION);

	/* Without a context nothing is bound. */
	e = parse_one(f, "<a b='1'/>", NULL);
	assert_string_equal(xml_ns(e), "");
	e = parse_one(f, "<a xmlns='urn:a' xmlns:p='urn:p' p:b='1' b='2'"
			" xml:lang='en'/>", NULL);
	assert_string_equal(xml_ns(e), "urn:a");
	assert_string_equal(xml_attr_ns(e, "urn:p", "b"), "1");
	assert_string_equal(xml_attr(e, "b"), "2");     /* no default ns */
	assert_string_equal(xml_attr_ns(e, XML_NS_XML, "lang"), "en");

	/* The context's URIs are escaped into the synthetic root. */
	static const char *const odd[] = {"p", "urn:'&<>\"\n", NULL};
	const xml_context odd_ctx = {"urn:\"'&\n", odd, NULL};
	e = parse_one(f, "<a><p:b/></a>", &odd_ctx);
	assert_string_equal(xml_ns(e), "urn:\"'&\n");
	assert_string_equal(xml_ns(xml_first(e)), "urn:'&<>\"\n");
	/* … and on the first line, so positions do not move. */
	const struct error_case c = {"<a>\n</b>", 0, "mismatched tag", 2, 3};
	expect_error(f, &c, &odd_ctx, false);
}

static const struct error_case malformed[] = {
	{"<a>", 0, "unclosed element <a>", 1, 1},
	{"<a>\n  <b>x</b>\n  <c>\n", 0, "unclosed element <c>", 3, 3},
	{"<a", 0, "unexpected end of input", 1, 3},
	{"<a b='", 0, "unexpected end of input", 1, 7},
	{"<a></b>", 0, "mismatched tag", 1, 6},
	{"</a>", 0, "mismatched tag", 1, 3},
	{"</r>", 0, "mismatched tag", 1, 1},            /* the synthetic root's */
	{"<a/></r><r>", 0, "mismatched tag", 1, 5},
	{"<a>&foo;</a>", 0, "undefined entity", 1, 4},
	{"<a>&amp</a>", 0, "not well-formed", 1, 8},
	{"<a>&#0;</a>", 0, "reference to invalid character number", 1, 4},
	{"<a>\xff</a>", 0, "not well-formed", 1, 4},
	{"<a>\xc3(</a>", 0, "not well-formed", 1, 4},
	{"<a>\xed\xa0\x80</a>", 0, "not well-formed", 1, 4},   /* surrogate */
	{"<a>x\0y</a>", 10, "not well-formed", 1, 5},
	{"\0", 1, "not well-formed", 1, 1},
	{"<a b='1' b='2'/>", 0, "duplicate attribute", 1, 10},
	{"<a b=1/>", 0, "not well-formed", 1, 6},
	{"<p:a/>", 0, "unbound prefix", 1, 1},
	{"<a xmlns:p=''/>", 0, "must not undeclare prefix", 1, 1},
	{"hello", 0, "text outside elements", 1, 1},
	{"<a/> x", 0, "text outside elements", 1, 6},
	{"<a/>\n&amp;", 0, "text outside elements", 2, 1},
	{"<a/><![CDATA[x]]>", 0, "text outside elements", 1, 14},
	{"\xEF\xBB\xBF<a/>", 0, "text outside elements", 1, 1},     /* BOM */
	{"<!DOCTYPE a>", 0, "DTD not allowed", 1, 1},
	{"<a/><!DOCTYPE a [<!ENTITY x 'y'>]>", 0, "DTD not allowed", 1, 5},
	{"<a><!ENTITY x 'y'></a>", 0, "DTD not allowed", 1, 4},
	{"<a><!ELEMENT a ANY></a>", 0, "DTD not allowed", 1, 4},
	{"<a><!x></a>", 0, "not well-formed", 1, 6},
	{"<?xml version='1.0'?><a/>", 0, "XML declaration not allowed", 1, 1},
	{"<a/><?xml version='1.0'?>", 0, "XML declaration not allowed", 1, 5},
	{"<a><?pi data?></a>", 0, "processing instruction not allowed", 1, 4},
	{"<a><!-- -- --></a>", 0, "not well-formed", 1, 11},
	{"<a><!-- x</a>", 0, "unexpected end of input", 1, 4},
	{"<a>]]></a>", 0, "not well-formed", 1, 6},
	{"<a><</a>", 0, "not well-formed", 1, 5},
	/* Positions count lines (LF, CR LF, CR) and characters, not bytes. */
	{"<a>\n  <b>\n    <c></d>\n", 0, "mismatched tag", 3, 10},
	{"<a>\n\t<b>x</b>\n  &bad;\n</a>", 0, "undefined entity", 3, 3},
	{"<a>\r\n\r\n</b>", 0, "mismatched tag", 3, 3},
	{"<a>\r\r</b>", 0, "mismatched tag", 3, 3},
	{"<a>日本</b>", 0, "mismatched tag", 1, 8},
	{"<a>😀</b>", 0, "mismatched tag", 1, 7},
	{"<a>\n😀&x;</a>", 0, "undefined entity", 2, 2},
};

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < COUNT(malformed); i++)
		expect_error(f, &malformed[i], &script_ctx, false);
	/* The parser is usable again after each error. */
	parse_one(f, "<ok/>", NULL);
}

static void test_parse_one(void **state)
{
	struct fixture *f = *state;
	static const struct error_case cases[] = {
		{"", 0, "no element in input", 1, 1},
		{"  \n ", 0, "no element in input", 2, 2},
		{"<a/><b/>", 0, "more than 1 top-level element", 1, 5},
		{"<a/>\n<b/><c/>", 0, "more than 1 top-level element", 2, 1},
		{"<a/>x", 0, "text outside elements", 1, 5},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		expect_error(f, &cases[i], NULL, true);
	xml_error err;
	xml_node *e = xml_parse_one(f->p, f->a, "\n <a/> \n", 8, NULL, &err);
	assert_non_null(e);
	assert_string_equal(xml_name(e), "a");
	assert_non_null(xml_parent(e));                 /* the container */
}

static void test_bad_context(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {"1bad", "urn:x", NULL};
	const xml_context ctx = {NULL, bad, NULL};
	const struct error_case c = {"<a/>", 0, "bad namespace context", 1, 1};
	expect_error(f, &c, &ctx, false);
	/* A prefix with no URI ends the list. */
	static const char *const odd[] = {"p", NULL};
	const xml_context odd_ctx = {NULL, odd, NULL};
	parse_one(f, "<a/>", &odd_ctx);
}

/* ---- limits ------------------------------------------------------------- */

static const struct limit_case {
	xml_limits lim;
	const char *ok;              /* exactly at the limit */
	struct error_case over;      /* one past it */
} limit_cases[] = {
	{{10, 32, 64, 1024, 16384}, "<a>12</a> ",
	 {"<a>123</a> ", 0, "input larger than 10 bytes", 1, 11}},
	{{10, 32, 64, 1024, 16384}, "<a>\n\n</a>\n",
	 {"<a>\n\n\n</a>\n", 0, "input larger than 10 bytes", 4, 5}},
	{{1024, 3, 64, 1024, 16384}, "<a><b><c/></b></a>",
	 {"<a><b>\n<c><d/></c></b></a>", 0, "element nesting deeper than 3", 2, 4}},
	{{1024, 0, 64, 1024, 16384}, "",
	 {" <a/>", 0, "element nesting deeper than 0", 1, 2}},
	{{1024, 32, 2, 1024, 16384}, "<a x='1' y='2'><b p:x='' xml:z='' xmlns:p='u'/></a>",
	 {"<a x='1' y='2'><b p:x='' xml:z='' c='' xmlns:p='u'/></a>", 0,
	  "element with more than 2 attributes", 1, 16}},
	{{1024, 32, 64, 2, 16384}, "<a><b/>t</a><c/>",
	 {"<a><b/>t<c/></a>", 0, "element with more than 2 children", 1, 9}},
	{{1024, 32, 64, 2, 16384}, "<a>&amp;<b/></a>",
	 {"<a>x<b/>&amp;</a>", 0, "element with more than 2 children", 1, 9}},
	{{1024, 32, 64, 2, 16384}, "<a/><b/>",
	 {"<a/><b/>\n<c/>", 0, "more than 2 top-level elements", 2, 1}},
	{{1024, 32, 64, 1024, 3}, "<a><b/>x</a>",
	 {"<a><b/>x</a><c/>", 0, "more than 3 nodes", 1, 13}},
	{{1024, 32, 64, 1024, 3}, "<a/><b/><c/>",
	 {"<a>x<b>y</b></a>", 0, "more than 3 nodes", 1, 8}},
};

static void test_limits(void **state)
{
	struct fixture *f = *state;
	for (size_t i = 0; i < COUNT(limit_cases); i++) {
		const struct limit_case *c = &limit_cases[i];
		const xml_context ctx = {NS_CLIENT, scansion_prefixes, &c->lim};
		parse_all(f, c->ok, &ctx);
		expect_error(f, &c->over, &ctx, false);
	}
}

/* n copies of s, joined, in the fixture's arena. */
static char *repeat(struct fixture *f, const char *s, size_t n)
{
	size_t len = strlen(s);
	char *r = arena_alloc(f->a, n * len + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(r + i * len, s, len);
	return r;
}

static void test_default_limits(void **state)
{
	struct fixture *f = *state;
	const xml_limits *d = &xml_default_limits;
	assert_int_equal(d->max_bytes, 256 * 1024);
	assert_int_equal(d->max_depth, 32);
	assert_int_equal(d->max_attrs, 64);
	assert_int_equal(d->max_children, 1024);
	assert_int_equal(d->max_nodes, 16384);

	char *deep = arena_printf(f->a, "%s%s", repeat(f, "<a>", 32),
			repeat(f, "</a>", 32));
	parse_all(f, deep, NULL);
	deep = arena_printf(f->a, "%s%s", repeat(f, "<a>", 33),
			repeat(f, "</a>", 33));
	struct error_case c = {deep, 0, "element nesting deeper than 32", 1, 97};
	expect_error(f, &c, NULL, false);

	buf b = BUF_INIT;
	buf_puts(&b, "<a");
	for (int i = 0; i < 64; i++)
		buf_printf(&b, " x%d=''", i);
	parse_all(f, arena_printf(f->a, "%s/>", buf_str(&b)), NULL);
	c = (struct error_case){arena_printf(f->a, "%s y=''/>", buf_str(&b)), 0,
			"element with more than 64 attributes", 1, 1};
	expect_error(f, &c, NULL, false);
	buf_free(&b);

	char *wide = arena_printf(f->a, "<a>%s</a>", repeat(f, "<b/>", 1024));
	parse_all(f, wide, NULL);
	wide = arena_printf(f->a, "<a>%s</a>", repeat(f, "<b/>", 1025));
	c = (struct error_case){wide, 0, "element with more than 1024 children",
			1, 4 + 4 * 1024};
	expect_error(f, &c, NULL, false);

	char *stanza = arena_printf(f->a, "<a>%s</a>", repeat(f, "<b/>", 15));
	char *many = repeat(f, stanza, 1024);
	parse_all(f, many, NULL);                       /* 16384 nodes */
	size_t end = strlen(many) - strlen("</a>");
	many = arena_printf(f->a, "%.*s<c/></a>", (int)end, many);
	c = (struct error_case){many, 0, "more than 16384 nodes", 1, end + 1};
	expect_error(f, &c, NULL, false);
}

/* Inputs beyond expat's feeding chunk, and past the size limit. */
static void test_big_input(void **state)
{
	struct fixture *f = *state;
	size_t n = 250 * 1024;
	char *s = arena_alloc(f->a, n + 1);
	memset(s, 'x', n);
	memcpy(s, "<a b='", 6);
	memcpy(s + 100 * 1024, "'>", 2);                /* a 100 KiB value */
	memcpy(s + n - 4, "</a>", 4);
	xml_error err;
	xml_node *all = xml_parse(f->p, f->a, s, n, NULL, &err);
	assert_non_null(all);
	xml_node *a = xml_first(all);
	assert_int_equal(strlen(xml_attr(a, "b")), 100 * 1024 - 6);
	assert_int_equal(strlen(xml_text(a)), n - 100 * 1024 - 2 - 4);

	s[n - 2] = '!';                                 /* </!> */
	struct error_case c = {s, n, "not well-formed", 1, n - 1};
	expect_error(f, &c, NULL, false);

	size_t big = xml_default_limits.max_bytes + 1;
	char *huge = arena_alloc(f->a, big);
	memset(huge, ' ', big);
	c = (struct error_case){huge, big, "input larger than 262144 bytes", 1,
			262145};
	expect_error(f, &c, NULL, false);

	/* With the limit raised, several chunks of input are fine. */
	const xml_limits lim = {4u << 20, 32, 64, 1u << 20, 1u << 20};
	const xml_context ctx = {NULL, NULL, &lim};
	char *stanzas = repeat(f, "<m t='x'>\xE2\x98\x83&amp;</m>\n", 100000);
	all = xml_parse(f->p, f->a, stanzas, strlen(stanzas), &ctx, &err);
	assert_non_null(all);
	assert_int_equal(xml_child_count(all), 100000);
}

/* ---- determinism and robustness ----------------------------------------- */

static void test_determinism(void **state)
{
	struct fixture *f = *state;
	xml_parser *other = xml_parser_new();
	buf x = BUF_INIT, y = BUF_INIT;
	for (size_t i = 0; i < COUNT(round_trips); i++) {
		const char *s = round_trips[i];
		xml_error err;
		xml_node *a = xml_parse(f->p, f->a, s, strlen(s), &script_ctx, &err);
		xml_node *b = xml_parse(other, f->a, s, strlen(s), &script_ctx, &err);
		buf_reset(&x);
		buf_reset(&y);
		xml_write(&x, xml_first(a), NS_CLIENT);
		xml_write(&y, xml_first(b), NS_CLIENT);
		assert_string_equal(buf_str(&x), buf_str(&y));
		buf_reset(&x);
		buf_reset(&y);
		xml_write_pretty(&x, xml_first(a), NS_CLIENT, 1);
		xml_write_pretty(&y, xml_first(b), NS_CLIENT, 1);
		assert_string_equal(buf_str(&x), buf_str(&y));
	}
	buf_free(&x);
	buf_free(&y);
	xml_parser_free(other);
	xml_parser_free(NULL);
}

/* xorshift64: a fixed sequence, so failures reproduce. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Whatever the bytes, the parser answers; whatever it accepts, the writer
 * reproduces. */
static void check_any(struct fixture *f, const char *s, size_t len)
{
	xml_error err;
	xml_node *all = xml_parse(f->p, f->a, s, len, &script_ctx, &err);
	if (!all) {
		assert_true(err.line >= 1 && err.column >= 1);
		assert_true(err.message[0] != '\0');
		return;
	}
	for (xml_node *e = xml_first(all); e; e = xml_next(e))
		round_trip(f, e, NS_CLIENT, &script_ctx);
}

static void test_fuzz(void **state)
{
	struct fixture *f = *state;
	static const char *const seeds[] = {
		sample_presence,
		"<message to='r@m' xml:lang='en'><body>a &amp; b 😀</body>"
		"<x xmlns='urn:x' scansion:strict='true'><![CDATA[<>]]></x></message>",
		"<a xmlns:p='urn:p' p:q='&#9;'>\r\n<p:b/>&#x10FFFF;</a><c/>",
	};
	uint64_t rng = 0x9e3779b97f4a7c15u;
	for (size_t i = 0; i < COUNT(seeds); i++) {
		size_t len = strlen(seeds[i]);
		char *s = arena_alloc(f->a, len);
		for (size_t n = 0; n <= len; n++)       /* every prefix */
			check_any(f, seeds[i], n);
		for (int round = 0; round < 2000; round++) {
			memcpy(s, seeds[i], len);
			for (int flips = 1 + round % 4; flips > 0; flips--) {
				uint64_t r = next_random(&rng);
				s[r % len] = (char)(r >> 32);
			}
			check_any(f, s, len);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_and_attributes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strings_are_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_outlives_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_mixed_arenas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_built_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pretty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_stanzas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_namespaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_determinism, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
