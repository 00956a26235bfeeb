/* test_jid.c — JID splitting, preparation and nick checks.
 *
 * Every expectation was checked against Prosody 0.12.3 itself (Debian's
 * package): its util/jid.lua and util.encodings run under lua5.4, and for
 * the nick checks the two muc.lib.lua hooks (resourceprep(nick, true), then
 * nick:find("%S")) applied to the same strings.  A one-off differential run
 * of this module against them over random JIDs found no disagreement but
 * the ICU-versus-libidn ones described in jid.h, which no case here meets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include <stringprep.h>

#include "jid.h"

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* Stand-ins for Lua's nil in messages. */
static const char *show(const char *s)
{
	return s ? s : "(nil)";
}

static bool str_same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static void expect_str(const char *what, const char *in, const char *got,
		const char *want)
{
	if (str_same(got, want))
		return;
	print_error("%s(\"%s\"): got \"%s\", want \"%s\"\n", what, show(in),
			show(got), show(want));
	fail();
}

static int setup(void **state)
{
	*state = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

/* ---- split ------------------------------------------------------------ */

/* util.jid.split: no preparation.  domain NULL means the split fails. */
static const struct split_case {
	const char *in, *node, *domain, *resource;
} split_cases[] = {
	{"a@b/c", "a", "b", "c"},
	{"a@b", "a", "b", NULL},
	{"b", NULL, "b", NULL},
	{"b/c", NULL, "b", "c"},
	/* The resource is everything after the first '/', separators too. */
	{"a@b/c@d/e", "a", "b", "c@d/e"},
	{"a@b//", "a", "b", "/"},
	{"a@b/ ", "a", "b", " "},
	/* A '/' before the '@' ends the domain: there is no node. */
	{"a/b@c", NULL, "a", "b@c"},
	/* Case, spaces and dots are left alone until preparation. */
	{"Foo@Bar./X", "Foo", "Bar.", "X"},
	{"a b@c", "a b", "c", NULL},
	{".", NULL, ".", NULL},
	/* Empty parts, stray separators. */
	{"", NULL, NULL, NULL},
	{"@", NULL, NULL, NULL},
	{"/", NULL, NULL, NULL},
	{"@b", NULL, NULL, NULL},
	{"a@", NULL, NULL, NULL},
	{"a@b/", NULL, NULL, NULL},
	{"b/", NULL, NULL, NULL},
	{"/c", NULL, NULL, NULL},
	{"a@/c", NULL, NULL, NULL},
	{"a@@b", NULL, NULL, NULL},
	{"a@b@c", NULL, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

static void test_split(void **state)
{
	for (size_t i = 0; i < COUNT(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		jid j;
		bool ok = jid_split(*state, c->in, &j);
		assert_int_equal(ok, c->domain != NULL);
		expect_str("split node", c->in, j.node, c->node);
		expect_str("split domain", c->in, j.domain, c->domain);
		expect_str("split resource", c->in, j.resource, c->resource);
	}
}

/* ---- prep: single parts ----------------------------------------------- */

enum profile { NODE, NAME, RESOURCE };

typedef const char *(*prep_fn)(arena *a, const char *s, bool strict);

static const prep_fn preps[] = {
	[NODE] = jid_nodeprep,
	[NAME] = jid_nameprep,
	[RESOURCE] = jid_resourceprep,
};

/* want is the non-strict result, want_strict the strict one; NULL is a
 * failure. */
static const struct part_case {
	enum profile profile;
	const char *in, *want, *want_strict;
} part_cases[] = {
	/* Case folding for node and domain, not for the resource. */
	{NODE, "Romeo", "romeo", "romeo"},
	{NAME, "Example.COM", "example.com", "example.com"},
	{RESOURCE, "Orchard", "Orchard", "Orchard"},
	/* B.2 folds sharp s to "ss"; resourceprep has no case folding. */
	{NODE, "Stra\u00dfe", "strasse", "strasse"},
	{NAME, "\u00df.de", "ss.de", "ss.de"},
	{RESOURCE, "\u00df", "\u00df", "\u00df"},
	/* Dotted capital I folds to i + combining dot above. */
	{NODE, "\u0130", "i\u0307", "i\u0307"},
	/* NFKC: fullwidth letters, ligatures, roman numerals. */
	{NODE, "\uff26\uff4f\uff4f", "foo", "foo"},
	{RESOURCE, "\uff32omeo", "Romeo", "Romeo"},
	{NODE, "\ufb00", "ff", "ff"},
	{RESOURCE, "\u2177", "viii", "viii"},
	/* B.1 maps soft hyphen, zero width space and variation selectors to
	 * nothing, possibly leaving nothing at all. */
	{NODE, "a\u00adb", "ab", "ab"},
	{RESOURCE, "\u200b", "", ""},
	{NAME, "\u00ad", "", ""},
	{RESOURCE, "", "", ""},
	/* Nodeprep's own prohibitions (RFC 3920 A.5): " \"&'/:<>@" and
	 * whatever normalises to them. */
	{NODE, "a b", NULL, NULL},
	{NODE, "a\"b", NULL, NULL},
	{NODE, "a&b", NULL, NULL},
	{NODE, "a'b", NULL, NULL},
	{NODE, "a/b", NULL, NULL},
	{NODE, "a:b", NULL, NULL},
	{NODE, "a<b", NULL, NULL},
	{NODE, "a>b", NULL, NULL},
	{NODE, "a@b", NULL, NULL},
	{NODE, "a\uff20b", NULL, NULL},
	/* The resource and (without STD3 rules) the domain allow them. */
	{RESOURCE, "a b\"&'/:<>@", "a b\"&'/:<>@", "a b\"&'/:<>@"},
	{NAME, "exa mple", "exa mple", "exa mple"},
	{NAME, "-b_.c", "-b_.c", "-b_.c"},
	/* ASCII controls and private use are prohibited everywhere; non-ASCII
	 * spaces become ASCII ones under NFKC before that check. */
	{RESOURCE, "a\tb", NULL, NULL},
	{RESOURCE, "\x7f", NULL, NULL},
	{NAME, "\xee\x80\x80", NULL, NULL},
	{RESOURCE, "\u00a0", " ", " "},
	{RESOURCE, "\u3000", " ", " "},
	/* Bidi (RFC 3454 section 6): no left-to-right letter beside a
	 * right-to-left one, which must also start and end the string. */
	{RESOURCE, "\u05d0\u05d1", "\u05d0\u05d1", "\u05d0\u05d1"},
	{RESOURCE, "\u05d0a", NULL, NULL},
	{RESOURCE, "\u05d01", NULL, NULL},
	/* Unassigned in Unicode 3.2: allowed unless strict.  The robot face's
	 * variation selector is mapped away first. */
	{RESOURCE, "\U0001f916\ufe0f", "\U0001f916", NULL},
	{NODE, "\U0001f916", "\U0001f916", NULL},
	{NAME, "\u0221", "\u0221", NULL},
	/* Ill-formed UTF-8: stray continuation, overlong '/', truncated,
	 * surrogate, past U+10FFFF, a byte never used. */
	{RESOURCE, "\x80", NULL, NULL},
	{NODE, "\xc0\xaf", NULL, NULL},
	{RESOURCE, "\xe2\x82", NULL, NULL},
	{RESOURCE, "\xed\xa0\x80", NULL, NULL},
	{NAME, "\xf4\x90\x80\x80", NULL, NULL},
	{RESOURCE, "a\xff", NULL, NULL},
	{NODE, NULL, NULL, NULL},
};

static void test_prep_part(void **state)
{
	for (size_t i = 0; i < COUNT(part_cases); i++) {
		const struct part_case *c = &part_cases[i];
		prep_fn prep = preps[c->profile];
		expect_str("prep", c->in, prep(*state, c->in, false), c->want);
		expect_str("strict prep", c->in, prep(*state, c->in, true),
				c->want_strict);
	}
}

static char *repeat(arena *a, const char *unit, size_t n, const char *tail)
{
	size_t len = strlen(unit);
	char *s = arena_alloc(a, len * n + strlen(tail) + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	strcpy(s + len * n, tail);
	return s;
}

/* A part may be 1023 bytes before and after preparation. */
static void test_prep_limits(void **state)
{
	arena *a = *state;
	assert_non_null(jid_nodeprep(a, repeat(a, "a", 1023, ""), false));
	assert_null(jid_nodeprep(a, repeat(a, "a", 1024, ""), false));
	assert_null(jid_resourceprep(a, repeat(a, "a", 1024, ""), false));
	/* U+00BD (2 bytes) becomes "1\u20442" (5 bytes): 100 of them and
	 * 523 more bytes make 723 in and 1023 out. */
	const char *s = repeat(a, "\u00bd", 100, repeat(a, "a", 523, ""));
	const char *p = jid_nodeprep(a, s, false);
	assert_non_null(p);
	assert_int_equal(strlen(p), 1023);
	s = repeat(a, "\u00bd", 100, repeat(a, "a", 524, ""));
	assert_null(jid_nodeprep(a, s, false));
}

/* ---- prep: whole JIDs ------------------------------------------------- */

/* util.jid.prep: want is the joined result of the non-strict form,
 * want_strict of the strict one; NULL is a failure. */
static const struct prep_case {
	const char *in, *want, *want_strict;
} prep_cases[] = {
	{"Foo@Bar./X", "foo@bar/X", "foo@bar/X"},
	{"ROMEO@Example.COM/Orchard", "romeo@example.com/Orchard",
		"romeo@example.com/Orchard"},
	{"\u00df@\u00df.de/\u00df", "ss@ss.de/\u00df", "ss@ss.de/\u00df"},
	{"\uff26oo@\uff26oo/\uff26oo", "foo@foo/Foo", "foo@foo/Foo"},
	{"a@xn--Bcher-kva.ch", "a@xn--bcher-kva.ch", "a@xn--bcher-kva.ch"},
	{"a/b@c", "a/b@c", "a/b@c"},
	/* One trailing '.' goes, checked byte-wise before nameprep. */
	{"b.", "b", "b"},
	{".", NULL, NULL},
	{"a@.", NULL, NULL},
	{"a@..", "a@.", "a@."},
	{"a@b../r", "a@b./r", "a@b./r"},
	{"b\u00ad.", "b", "b"},
	{"b.\u00ad", "b.", "b."},
	{"b\uff0e", "b.", "b."},
	/* Parts that prepare to nothing are kept, empty. */
	{"\u00ad@b/\u00ad", "@b/", "@b/"},
	{"\u00ad", "", ""},
	/* Failures in each part. */
	{"a b@c", NULL, NULL},
	{"a\xff@b", NULL, NULL},
	{"a@\xc0\xaf", NULL, NULL},
	{"a@b/\xed\xa0\x80", NULL, NULL},
	{"a@b/\x01", NULL, NULL},
	{"a@b/", NULL, NULL},
	{"@b", NULL, NULL},
	/* Unassigned code points pass only non-strict. */
	{"a@b/\U0001f916\ufe0f", "a@b/\U0001f916", NULL},
	{"\U0001f916@b", "\U0001f916@b", NULL},
	{NULL, NULL, NULL},
};

static void test_prep_jid(void **state)
{
	for (size_t i = 0; i < COUNT(prep_cases); i++) {
		const struct prep_case *c = &prep_cases[i];
		jid j, s;
		bool ok = jid_prep(*state, c->in, &j);
		bool ok_strict = jid_prep_strict(*state, c->in, &s);
		assert_int_equal(ok, c->want != NULL);
		assert_int_equal(ok_strict, c->want_strict != NULL);
		expect_str("jid prep", c->in, jid_full(*state, &j), c->want);
		expect_str("strict jid prep", c->in, jid_full(*state, &s),
				c->want_strict);
	}
}

/* Parts no longer safe to join: the split gets them, the string does not
 * keep them (jid.h). */
static void test_prep_quirks(void **state)
{
	arena *a = *state;
	jid j;
	assert_true(jid_prep(a, "c\uff20d", &j));
	assert_null(j.node);
	assert_string_equal(j.domain, "c@d");
	assert_true(jid_prep(a, "\u00ad@b", &j));
	assert_string_equal(j.node, "");
	assert_string_equal(jid_full(a, &j), "@b");
	assert_false(jid_split(a, jid_full(a, &j), &j));
}

static void test_prep_limits_jid(void **state)
{
	arena *a = *state;
	const char *node = repeat(a, "a", 1023, "");
	const char *res = repeat(a, "c", 1023, "");
	jid j;
	/* The stripped dot does not count towards the domain's 1023 bytes. */
	const char *dom = repeat(a, "b", 1023, ".");
	assert_true(jid_prep(a, jid_join(a, node, dom, res), &j));
	assert_int_equal(strlen(j.domain), 1023);
	dom = repeat(a, "b", 1023, "..");
	assert_false(jid_prep(a, jid_join(a, node, dom, res), &j));
	assert_null(j.domain);
}

/* ---- nicks ------------------------------------------------------------ */

/* raw is the resource the client sent.  The router prepares it first;
 * router_ok false means it bounces there (jid-malformed, "The destination
 * address is invalid"), otherwise jid_check_nick judges what the router
 * made of it. */
static const struct nick_case {
	const char *raw;
	bool router_ok;
	nick_verdict verdict;
} nick_cases[] = {
	{"Romeo", true, NICK_OK},
	{"\u0420\u043e\u043c\u0435\u043e", true, NICK_OK},  /* Ромео */
	{"Romeo Montague", true, NICK_OK},
	{" a", true, NICK_OK},
	{"x\u00ad", true, NICK_OK},
	{"", true, NICK_EMPTY},
	{" ", true, NICK_EMPTY},
	{"   ", true, NICK_EMPTY},
	{"\u00a0", true, NICK_EMPTY},
	{"\u3000 ", true, NICK_EMPTY},
	{"\u00ad", true, NICK_EMPTY},
	/* muc_nickname_robotface.scs: U+1F916 is unassigned in Unicode 3.2. */
	{"\U0001f916\ufe0f", true, NICK_MALFORMED},
	{"\U0001f916", true, NICK_MALFORMED},
	{"\t", false, NICK_MALFORMED},
	{" \n", false, NICK_MALFORMED},
};

static void test_nick_after_router(void **state)
{
	for (size_t i = 0; i < COUNT(nick_cases); i++) {
		const struct nick_case *c = &nick_cases[i];
		const char *nick = jid_resourceprep(*state, c->raw, false);
		if ((nick != NULL) != c->router_ok) {
			print_error("router prep(\"%s\") gave %s\n", c->raw,
					show(nick));
			fail();
		}
		if (nick && jid_check_nick(*state, nick) != c->verdict) {
			print_error("check_nick(\"%s\") != %d\n", nick,
					c->verdict);
			fail();
		}
	}
}

/* Called on a nick the router did not prepare, the checks still run in
 * Prosody's order: strict resourceprep first, so a whitespace nick with a
 * tab is malformed, not empty; and %S looks at the bytes as given. */
static void test_nick_order(void **state)
{
	arena *a = *state;
	assert_int_equal(jid_check_nick(a, "\t"), NICK_MALFORMED);
	assert_int_equal(jid_check_nick(a, " \t "), NICK_MALFORMED);
	assert_int_equal(jid_check_nick(a, "\v\f\r"), NICK_MALFORMED);
	assert_int_equal(jid_check_nick(a, "\u00a0"), NICK_OK);
	assert_int_equal(jid_check_nick(a, NULL), NICK_MALFORMED);
}

/* ---- joining, comparing, shortcuts ------------------------------------ */

static void test_join(void **state)
{
	arena *a = *state;
	assert_string_equal(jid_join(a, "n", "d", "r"), "n@d/r");
	assert_string_equal(jid_join(a, "n", "d", NULL), "n@d");
	assert_string_equal(jid_join(a, NULL, "d", "r"), "d/r");
	assert_string_equal(jid_join(a, NULL, "d", NULL), "d");
	assert_null(jid_join(a, "n", NULL, "r"));

	jid j = {"n", "d", "r"};
	assert_string_equal(jid_full(a, &j), "n@d/r");
	assert_string_equal(jid_bare(a, &j), "n@d");
	j.node = NULL;
	assert_string_equal(jid_full(a, &j), "d/r");
	assert_string_equal(jid_bare(a, &j), "d");
}

static void test_equal(void **state)
{
	arena *a = *state;
	jid x, y;
	assert_true(jid_prep(a, "Romeo@Example.com/Phone", &x));
	assert_true(jid_prep(a, "romeo@EXAMPLE.COM./Phone", &y));
	assert_true(jid_equal(&x, &y));
	assert_true(jid_bare_equal(&x, &y));

	assert_true(jid_prep(a, "romeo@example.com/phone", &y));
	assert_false(jid_equal(&x, &y));
	assert_true(jid_bare_equal(&x, &y));

	assert_true(jid_prep(a, "romeo@example.com", &y));
	assert_false(jid_equal(&x, &y));
	assert_true(jid_bare_equal(&x, &y));

	assert_true(jid_prep(a, "example.com/Phone", &y));
	assert_false(jid_equal(&x, &y));
	assert_false(jid_bare_equal(&x, &y));

	assert_true(jid_prep(a, "juliet@example.com/Phone", &y));
	assert_false(jid_bare_equal(&x, &y));
}

/* Like util.jid.bare, host and resource: split only, no preparation. */
static void test_shortcuts(void **state)
{
	arena *a = *state;
	assert_string_equal(jid_bare_of(a, "Room@Conf/Nick"), "Room@Conf");
	assert_string_equal(jid_bare_of(a, "conf./x"), "conf.");
	assert_null(jid_bare_of(a, "room@conf/"));
	assert_null(jid_bare_of(a, NULL));

	assert_string_equal(jid_resource_of(a, "r@c/n@x/y"), "n@x/y");
	assert_null(jid_resource_of(a, "r@c"));
	assert_null(jid_resource_of(a, "r@c/"));

	assert_string_equal(jid_domain_of(a, "r@C/n"), "C");
	assert_string_equal(jid_domain_of(a, "c/n@x"), "c");
	assert_null(jid_domain_of(a, "@c"));
}

/* ---- the ASCII fast path ------------------------------------------------ */

/* jid.c prepares pure-ASCII parts itself; libidn must agree on every one.
 * The reference is libidn called directly, as encodings.c does. */
static const char *libidn_prep(arena *a, const char *s,
		const Stringprep_profile *profile, bool strict)
{
	char buf[1024];
	if (strlen(s) >= sizeof buf)
		return NULL;
	strcpy(buf, s);
	if (stringprep(buf, sizeof buf, strict ? STRINGPREP_NO_UNASSIGNED : 0,
			profile) != STRINGPREP_OK)
		return NULL;
	return arena_strdup(a, buf);
}

static const struct ascii_profile {
	const char *name;
	const char *(*prep)(arena *a, const char *s, bool strict);
	const Stringprep_profile *libidn;
} ascii_profiles[] = {
	{"nodeprep", jid_nodeprep, stringprep_xmpp_nodeprep},
	{"nameprep", jid_nameprep, stringprep_nameprep},
	{"resourceprep", jid_resourceprep, stringprep_xmpp_resourceprep},
};

static void expect_like_libidn(arena *a, const char *s)
{
	for (size_t i = 0; i < COUNT(ascii_profiles); i++) {
		const struct ascii_profile *p = &ascii_profiles[i];
		for (int strict = 0; strict < 2; strict++)
			expect_str(p->name, s, p->prep(a, s, strict),
					libidn_prep(a, s, p->libidn, strict));
	}
}

static void test_prep_ascii(void **state)
{
	arena *a = *state;
	char s[1100];
	/* Every string of one and two ASCII characters. */
	for (int c = 1; c < 128; c++) {
		for (int d = 0; d < 128; d++) {
			s[0] = (char)c, s[1] = (char)d, s[2] = '\0';
			expect_like_libidn(a, s);
		}
	}
	/* Longer ones from a fixed generator, and the length limit. */
	uint32_t x = 12345;
	for (int n = 0; n < 3000; n++) {
		size_t len = 3 + n % 40;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			s[i] = (char)(1 + (x >> 16) % 127);
		}
		s[len] = '\0';
		expect_like_libidn(a, s);
	}
	for (size_t len = 1020; len < 1026; len++) {
		memset(s, 'A', len);
		s[len] = '\0';
		expect_like_libidn(a, s);
	}
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_split),
		TEST(test_prep_part),
		TEST(test_prep_limits),
		TEST(test_prep_ascii),
		TEST(test_prep_jid),
		TEST(test_prep_quirks),
		TEST(test_prep_limits_jid),
		TEST(test_nick_after_router),
		TEST(test_nick_order),
		TEST(test_join),
		TEST(test_equal),
		TEST(test_shortcuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
