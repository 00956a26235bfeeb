/* test_match.c — the stanza matcher against the rules of SCANSION.md.
 *
 * Each row of match_cases is one cmocka test: an expected stanza (parsed
 * as scripts are: default namespace jabber:client, scansion: bound), a
 * received stanza, whether they match, and a piece of the explanation a
 * mismatch must give.  Captures, which span several stanzas, have a table
 * of steps of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "match.h"
#include "scs.h"
#include "xml.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct match_case {
	const char *what;
	const char *expected;
	const char *received;
	bool match;
	const char *why;           /* substring of the explanation, or NULL */
} match_case;

static const match_case match_cases[] = {
	/* Rule 1: name and namespace. */
	{"rule 1: same name",
	 "<presence/>", "<presence/>", true, NULL},
	{"rule 1: other name",
	 "<presence/>", "<message/>", false,
	 "presence: expected presence{jabber:client}, got message{jabber:client}"},
	{"rule 1: other namespace",
	 "<iq><x xmlns='urn:x'><y xmlns='urn:a'/></x></iq>",
	 "<iq><x xmlns='urn:x'><y xmlns='urn:b'/></x></iq>", false,
	 "iq/x{urn:x}/y{urn:a}: expected y{urn:a}, got y{urn:b}"},

	/* Rule 2: strictness. */
	{"rule 2: jabber:client elements are non-strict",
	 "<message type='chat'><body>hi</body></message>",
	 "<message type='chat' id='1' to='a@b'><body>hi</body><thread>t</thread></message>",
	 true, NULL},
	{"rule 2: namespaced elements are strict",
	 "<presence><x xmlns='urn:a'/></presence>",
	 "<presence><x xmlns='urn:a' foo='1'/></presence>", false,
	 "presence/x{urn:a}: extra attribute 'foo' on strict element"},
	{"rule 2: strict below a namespaced element",
	 "<presence><x xmlns='urn:a'><item a='1'/></x></presence>",
	 "<presence><x xmlns='urn:a'><item a='1' b='2'/></x></presence>", false,
	 "presence/x{urn:a}/item: extra attribute 'b' on strict element"},
	{"rule 2: scansion:strict='true' makes a client element strict",
	 "<presence scansion:strict='true' from='r'/>",
	 "<presence from='r' id='x'/>", false,
	 "presence: extra attribute 'id' on strict element"},
	{"rule 2: scansion:strict='true' on a client child",
	 "<message><body scansion:strict='true'>hi</body></message>",
	 "<message><body xml:lang='en'>hi</body></message>", false,
	 "message/body: extra attribute 'xml:lang' on strict element"},
	{"rule 2: scansion:strict='false' makes a namespaced element non-strict",
	 "<presence><x xmlns='urn:a' scansion:strict='false'><item a='1'/></x></presence>",
	 "<presence><x xmlns='urn:a' extra='y'><status/><item a='1'/></x></presence>",
	 true, NULL},
	{"rule 2: scansion:strict='false' allows any order",
	 "<iq><query xmlns='urn:q' scansion:strict='false'><a/><b/></query></iq>",
	 "<iq><query xmlns='urn:q'><b/><a/></query></iq>", true, NULL},
	{"rule 2: an explicit scansion:strict applies to its element only",
	 "<presence><x xmlns='urn:a' scansion:strict='false'><item a='1'/></x></presence>",
	 "<presence><x xmlns='urn:a'><item a='1' b='2'/></x></presence>", false,
	 "presence/x{urn:a}/item: extra attribute 'b' on strict element"},

	/* Rule 3: expected attributes. */
	{"rule 3: equal attributes",
	 "<message type='chat' from='a@b'/>", "<message from='a@b' type='chat'/>",
	 true, NULL},
	{"rule 3: missing attribute",
	 "<message type='chat'/>", "<message/>", false,
	 "message: attribute 'type' missing (expected 'chat')"},
	{"rule 3: different value",
	 "<message type='chat'/>", "<message type='groupchat'/>", false,
	 "message: attribute 'type': expected 'chat', got 'groupchat'"},
	{"rule 3: {scansion:any} matches any value",
	 "<iq id='{scansion:any}'/>", "<iq id='abc'/>", true, NULL},
	{"rule 3: {scansion:any} needs the attribute",
	 "<iq id='{scansion:any}'/>", "<iq/>", false,
	 "iq: attribute 'id' missing (expected '{scansion:any}')"},
	{"rule 3: scansion:* attributes are directives",
	 "<message scansion:note='x'/>", "<message/>", true, NULL},
	{"rule 3: xmlns declarations are not attributes",
	 "<presence><x xmlns='urn:a' xmlns:p='urn:p'/></presence>",
	 "<presence><x xmlns='urn:a' xmlns:q='urn:q'/></presence>", true, NULL},
	{"rule 3: xml:lang is an attribute",
	 "<message xml:lang='en'/>", "<message xml:lang='de'/>", false,
	 "message: attribute 'xml:lang': expected 'en', got 'de'"},
	{"rule 3: an expected xml:lang must be there",
	 "<message xml:lang='en'/>", "<message/>", false,
	 "message: attribute 'xml:lang' missing"},
	{"rule 3: namespaced attributes compare by namespace, not prefix",
	 "<presence><x xmlns='urn:a' xmlns:p='urn:p' p:v='1'/></presence>",
	 "<presence><x xmlns='urn:a' xmlns:q='urn:p' q:v='1'/></presence>",
	 true, NULL},
	{"rule 3: a namespaced attribute in another namespace is missing",
	 "<presence><x xmlns='urn:a' xmlns:p='urn:p' p:v='1' scansion:strict='false'/></presence>",
	 "<presence><x xmlns='urn:a' xmlns:p='urn:other' p:v='1'/></presence>",
	 false, "presence/x{urn:a}: attribute '{urn:p}v' missing"},

	/* Rule 4: extra received attributes. */
	{"rule 4: ignored on non-strict elements",
	 "<presence from='r'/>",
	 "<presence from='r' to='j' id='1' xml:lang='en'/>", true, NULL},
	{"rule 4: forbidden on strict elements",
	 "<iq><query xmlns='urn:q' node='n'/></iq>",
	 "<iq><query xmlns='urn:q' node='n' ver='2'/></iq>", false,
	 "iq/query{urn:q}: extra attribute 'ver' on strict element"},
	{"rule 4: xml:lang too on strict elements",
	 "<presence><x xmlns='urn:a'/></presence>",
	 "<presence><x xmlns='urn:a' xml:lang='en'/></presence>", false,
	 "presence/x{urn:a}: extra attribute 'xml:lang' on strict element"},

	/* Rule 5: strict children. */
	{"rule 5: same children in the same order",
	 "<iq><q xmlns='urn:q'><a/><b/></q></iq>",
	 "<iq><q xmlns='urn:q'><a/><b/></q></iq>", true, NULL},
	{"rule 5: another order",
	 "<iq><q xmlns='urn:q'><a/><b/></q></iq>",
	 "<iq><q xmlns='urn:q'><b/><a/></q></iq>", false,
	 "iq/q{urn:q}/a: expected a{urn:q}, got b{urn:q}"},
	{"rule 5: extra child",
	 "<iq><q xmlns='urn:q'><a/></q></iq>",
	 "<iq><q xmlns='urn:q'><a/><b/></q></iq>", false,
	 "iq/q{urn:q}: extra child b{urn:q} on strict element"},
	{"rule 5: missing child",
	 "<iq><q xmlns='urn:q'><a/><b/></q></iq>",
	 "<iq><q xmlns='urn:q'><a/></q></iq>", false,
	 "iq/q{urn:q}: missing child b{urn:q}"},
	{"rule 5: a childless strict element wants no children",
	 "<iq><q xmlns='urn:q'/></iq>",
	 "<iq><q xmlns='urn:q'><a/></q></iq>", false,
	 "iq/q{urn:q}: extra child a{urn:q} on strict element"},
	{"rule 5: recursively",
	 "<iq><q xmlns='urn:q'><a><b v='1'/></a></q></iq>",
	 "<iq><q xmlns='urn:q'><a><b v='2'/></a></q></iq>", false,
	 "iq/q{urn:q}/a/b: attribute 'v': expected '1', got '2'"},

	/* Rule 6: non-strict children. */
	{"rule 6: any order",
	 "<message><body>x</body><subject>s</subject></message>",
	 "<message><subject>s</subject><body>x</body></message>", true, NULL},
	{"rule 6: extra received children are ignored",
	 "<presence from='r'><status>hi</status></presence>",
	 "<presence from='r'><show>away</show><status>hi</status><x xmlns='urn:a'/></presence>",
	 true, NULL},
	{"rule 6: missing child, named with its namespace",
	 "<presence><x xmlns='urn:a'/></presence>",
	 "<presence><x xmlns='urn:b'/></presence>", false,
	 "presence: missing child x{urn:a}"},
	{"rule 6: more expected than received of a name",
	 "<presence><status>a</status><status>a</status></presence>",
	 "<presence><status>a</status></presence>", false,
	 "presence: expected 2 children status{jabber:client}, got 1"},
	{"rule 6: each expected child takes a distinct received one",
	 "<presence><status>a</status><status>a</status></presence>",
	 "<presence><status>a</status><status>b</status></presence>", false,
	 "text: expected 'a', got 'b'"},
	{"rule 6: backtracking finds the pairing",
	 "<message><x xmlns='urn:a' scansion:strict='false'/><x xmlns='urn:a' v='1'/></message>",
	 "<message><x xmlns='urn:a' v='1'/><x xmlns='urn:a' v='2'/></message>",
	 true, NULL},
	{"rule 6: backtracking across three children",
	 "<m><a xmlns='urn:a' scansion:strict='false' p='1'/>"
	 "<a xmlns='urn:a' scansion:strict='false' q='1'/><a xmlns='urn:a' p='1'/></m>",
	 "<m><a xmlns='urn:a' p='1'/><a xmlns='urn:a' p='1' q='1'/><a xmlns='urn:a' q='1'/></m>",
	 true, NULL},
	{"rule 6: the candidate that got deepest explains",
	 "<presence><x xmlns='urn:a'><item role='moderator'/></x></presence>",
	 "<presence><x xmlns='urn:b'/><x xmlns='urn:a'><item role='participant'/></x>"
	 "<c xmlns='urn:c'/></presence>", false,
	 "presence/x{urn:a}/item: attribute 'role': expected 'moderator', got 'participant'"},
	{"rule 6: misses of a child that found its partner are forgotten",
	 "<presence><x xmlns='urn:a'><item role='moderator'/></x><y xmlns='urn:y'/></presence>",
	 "<presence><x xmlns='urn:a'><item role='participant'/></x>"
	 "<x xmlns='urn:a'><item role='moderator'/></x></presence>", false,
	 "presence: missing child y{urn:y}"},

	/* Rule 7: text. */
	{"rule 7: equal text, trimmed",
	 "<message><body>  hi  </body></message>",
	 "<message><body>hi</body></message>", true, NULL},
	{"rule 7: different text",
	 "<message><body>hi</body></message>",
	 "<message><body>bye</body></message>", false,
	 "message/body: text: expected 'hi', got 'bye'"},
	{"rule 7: an empty element wants empty text",
	 "<message><subject/></message>",
	 "<message><subject>topic</subject></message>", false,
	 "message/subject: text: expected '', got 'topic'"},
	{"rule 7: empty matches empty",
	 "<message><subject/></message>",
	 "<message><subject></subject></message>", true, NULL},
	{"rule 7: with children and no text, received text is ignored",
	 "<message><body>x</body></message>",
	 "<message>stray<body>x</body></message>", true, NULL},
	{"rule 7: text beside children must be equal",
	 "<message>a<body>x</body></message>",
	 "<message>b<body>x</body></message>", false,
	 "message: text: expected 'a', got 'b'"},
	{"rule 7: indentation is not text",
	 "<iq type='result'>\n\t<query xmlns='urn:q'>\n\t\t<item/>\n\t</query>\n</iq>",
	 "<iq type='result'><query xmlns='urn:q'><item/></query></iq>", true, NULL},
	{"rule 7: received indentation is not text either",
	 "<iq type='result'><query xmlns='urn:q'><item/></query></iq>",
	 "<iq type='result'>\n  <query xmlns='urn:q'>\n    <item/>\n  </query>\n</iq>",
	 true, NULL},

	/* How a mismatch is explained. */
	{"why: repeated names get positions",
	 "<iq><q xmlns='urn:q'><s v='1'/><s v='2'/></q></iq>",
	 "<iq><q xmlns='urn:q'><s v='1'/><s v='3'/></q></iq>", false,
	 "iq/q{urn:q}/s[2]: attribute 'v': expected '2', got '3'"},
	{"why: a root outside jabber:client shows its namespace",
	 "<x xmlns='urn:a' v='1'/>", "<x xmlns='urn:a' v='2'/>", false,
	 "x{urn:a}: attribute 'v'"},
	{"why: control characters are escaped, to stay on one line",
	 "<message><body>a</body></message>",
	 "<message><body>line1\nline2</body></message>", false,
	 "got 'line1\\x0aline2'"},
};

/* ---- helpers ----------------------------------------------------------- */

static const char *const scansion_prefixes[] = {"scansion", SCS_NS, NULL};
static const xml_context expected_context = {"jabber:client", scansion_prefixes, NULL};
static const xml_context received_context = {"jabber:client", NULL, NULL};

static xml_node *parse(arena *a, const char *text, const xml_context *ctx)
{
	xml_parser *p = xml_parser_new();
	xml_error err;
	xml_node *e = xml_parse_one(p, a, text, strlen(text), ctx, &err);
	xml_parser_free(p);
	if (!e)
		fail_msg("cannot parse %s: %s", text, err.message);
	return e;
}

/* Match two texts; the received tree is freed before returning, so any
 * capture still pointing into it would be caught by ASan. */
static bool match_texts(arena *a, const char *expected, const char *received,
		match_captures *caps, buf *why)
{
	arena *ra = arena_new();
	bool matched = match_stanza(parse(a, expected, &expected_context),
			parse(ra, received, &received_context), caps, why);
	arena_free(ra);
	return matched;
}

static void assert_why(const buf *why, const char *want)
{
	if (want && !strstr(buf_str(why), want))
		fail_msg("explanation '%s' lacks '%s'", buf_str(why), want);
}

/* ---- the table --------------------------------------------------------- */

static void test_match_case(void **state)
{
	const match_case *c = *state;
	arena *a = arena_new();
	buf why = BUF_INIT;
	bool matched = match_texts(a, c->expected, c->received,
			match_captures_new(a), &why);
	if (matched != c->match)
		fail_msg("%s: expected %s, got %s (%s)", c->what,
				c->match ? "a match" : "a mismatch",
				matched ? "a match" : "a mismatch", buf_str(&why));
	if (!matched)
		assert_why(&why, c->why);
	if (!matched)
		assert_true(why.len > 0 && !strchr(buf_str(&why), '\n'));
	buf_free(&why);
	arena_free(a);
}

/* ---- captures ---------------------------------------------------------- */

typedef struct capture_step {
	const char *expected, *received;
	bool match;
	const char *why;
	const char *name, *value;  /* a capture and its value afterwards */
} capture_step;

/* Played in order against one set of captures. */
static const capture_step capture_steps[] = {
	/* bind on first use */
	{"<iq id='{scansion:capture:q}' type='result'/>", "<iq id='q1' type='result'/>",
	 true, NULL, "q", "q1"},
	/* reuse, equal */
	{"<iq id='{scansion:capture:q}'/>", "<iq id='q1'/>", true, NULL, "q", "q1"},
	/* reuse, unequal */
	{"<iq id='{scansion:capture:q}'/>", "<iq id='q2'/>", false,
	 "iq: attribute 'id' ({scansion:capture:q}): expected 'q1', got 'q2'",
	 "q", "q1"},
	/* a stanza that fails binds nothing */
	{"<iq id='{scansion:capture:r}' type='result'/>", "<iq id='r1' type='error'/>",
	 false, "attribute 'type'", "r", NULL},
	/* a binding made in a failed branch is rolled back */
	{"<message><x xmlns='urn:a' v='{scansion:capture:v}' w='2'/></message>",
	 "<message><x xmlns='urn:a' v='first' w='1'/><x xmlns='urn:a' v='second' w='2'/></message>",
	 true, NULL, "v", "second"},
	/* a binding that dooms a later sibling is undone by backtracking */
	{"<message><i xmlns='urn:a' v='{scansion:capture:k}'/><j xmlns='urn:a' v='{scansion:capture:k}'/></message>",
	 "<message><i xmlns='urn:a' v='1'/><i xmlns='urn:a' v='2'/><j xmlns='urn:a' v='2'/></message>",
	 true, NULL, "k", "2"},
	/* uses within one stanza must agree too */
	{"<iq id='{scansion:capture:s}' from='{scansion:capture:s}'/>", "<iq id='a' from='b'/>",
	 false, "({scansion:capture:s}): expected 'a', got 'b'", "s", NULL},
	{"<iq id='{scansion:capture:s}' from='{scansion:capture:s}'/>", "<iq id='a' from='a'/>",
	 true, NULL, "s", "a"},
	/* earlier bindings are still there */
	{"<iq id='{scansion:capture:q}'/>", "<iq id='q1'/>", true, NULL, "k", "2"},
};

static void test_captures(void **state)
{
	arena *a = arena_new();
	match_captures *caps = match_captures_new(a);
	for (size_t i = 0; i < ARRAY_LEN(capture_steps); i++) {
		const capture_step *s = &capture_steps[i];
		buf why = BUF_INIT;
		bool matched = match_texts(a, s->expected, s->received, caps, &why);
		if (matched != s->match)
			fail_msg("step %zu: %s (%s)", i, matched ? "matched" : "failed",
					buf_str(&why));
		assert_why(&why, s->why);
		const char *value = match_capture_get(caps, s->name);
		if (s->value)
			assert_string_equal(value, s->value);
		else
			assert_null(value);
		buf_free(&why);
	}
	arena_free(a);
}

static void test_captures_need_a_table(void **state)
{
	arena *a = arena_new();
	buf why = BUF_INIT;
	assert_false(match_texts(a, "<iq id='{scansion:capture:q}'/>", "<iq id='1'/>",
			NULL, &why));
	assert_why(&why, "capture used without a capture table");
	/* why may be NULL too */
	assert_false(match_texts(a, "<iq/>", "<message/>", NULL, NULL));
	buf_free(&why);
	arena_free(a);
}

/* ---- cost -------------------------------------------------------------- */

/* "<m>" + n copies of child + "</m>" */
static char *repeat_children(buf *b, const char *child, size_t n,
		const char *last)
{
	buf_reset(b);
	buf_puts(b, "<m>");
	for (size_t i = 0; i < n; i++)
		buf_puts(b, child);
	buf_puts(b, last);
	buf_puts(b, "</m>");
	return b->data;
}

/* A child that matches nothing, free or taken, ends the search at once
 * instead of trying the 12! pairings of its siblings. */
static void test_hopeless_child_stops_search(void **state)
{
	arena *a = arena_new();
	buf e = BUF_INIT, r = BUF_INIT, why = BUF_INIT;
	repeat_children(&e, "<i xmlns='urn:a' scansion:strict='false'/>", 12,
			"<i xmlns='urn:a' v='x'/>");
	repeat_children(&r, "<i xmlns='urn:a' v='1'/>", 13, "");
	assert_false(match_texts(a, e.data, r.data, NULL, &why));
	assert_why(&why, "attribute 'v': expected 'x', got '1'");
	buf_free(&e);
	buf_free(&r);
	buf_free(&why);
	arena_free(a);
}

/* Look-alike children that cannot pair up exhaust the budget. */
static void test_budget(void **state)
{
	arena *a = arena_new();
	buf e = BUF_INIT, r = BUF_INIT, why = BUF_INIT;
	repeat_children(&e, "<i xmlns='urn:a' v='1'/>", 12, "");
	repeat_children(&r, "<i xmlns='urn:a' v='1'/>", 11, "<i xmlns='urn:a' v='2'/>");
	assert_false(match_texts(a, e.data, r.data, NULL, &why));
	assert_why(&why, "gave up after");
	buf_free(&e);
	buf_free(&r);
	buf_free(&why);
	arena_free(a);
}

/* Unordered but otherwise equal children pair up in quadratic time. */
static void test_many_unordered_children(void **state)
{
	arena *a = arena_new();
	buf e = BUF_INIT, r = BUF_INIT, why = BUF_INIT;
	buf_puts(&e, "<iq><q xmlns='urn:q' scansion:strict='false'>");
	buf_puts(&r, "<iq><q xmlns='urn:q'>");
	for (int i = 0; i < 200; i++) {
		buf_printf(&e, "<f v='%d'/>", i);
		buf_printf(&r, "<f v='%d'/>", 199 - i);
	}
	buf_puts(&e, "</q></iq>");
	buf_puts(&r, "</q></iq>");
	assert_true(match_texts(a, e.data, r.data, NULL, &why));
	buf_free(&e);
	buf_free(&r);
	buf_free(&why);
	arena_free(a);
}

int main(void)
{
	struct CMUnitTest cases[ARRAY_LEN(match_cases)];
	for (size_t i = 0; i < ARRAY_LEN(match_cases); i++)
		cases[i] = (struct CMUnitTest){
			.name = match_cases[i].what,
			.test_func = test_match_case,
			.initial_state = (void *)&match_cases[i],
		};
	const struct CMUnitTest others[] = {
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_captures_need_a_table),
		cmocka_unit_test(test_hopeless_child_stops_search),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_many_unordered_children),
	};
	int failed = cmocka_run_group_tests_name("match rules", cases, NULL, NULL);
	return failed | cmocka_run_group_tests_name("match", others, NULL, NULL);
}
