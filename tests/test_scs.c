/* test_scs.c — the scansion script parser, writer and variable expansion.
 *
 * Usage: test_scs [SHARED_DIR]
 * SHARED_DIR (default: ../shared beside the source tree) holds Prosody's
 * scripts, their recordings and the seed; every one of them must parse and
 * survive a write and a parse unchanged.  Without it that test is skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "buf.h"
#include "scs.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Every construct of the format once. */
static const char sample[] =
	"# Sample: every construct\n"                        /*  1 */
	"// a note, not the title\n"                         /*  2 */
	"\n"                                                 /*  3 */
	"[Client] Romeo\n"                                   /*  4 */
	"\tjid: romeo@localhost\n"                           /*  5 */
	"\tpassword: secret\n"                               /*  6 */
	"\n"                                                 /*  7 */
	"[Client] Juliet\n"                                  /*  8 */
	"  jid:   juliet@localhost  \n"                      /*  9 */
	"  resource: balcony\n"                              /* 10 */
	"\n"                                                 /* 11 */
	"[Client] Juliet's phone\n"                          /* 12 */
	"\tjid: juliet@localhost/phone\n"                    /* 13 */
	"\n"                                                 /* 14 */
	"---------\n"                                        /* 15 */
	"\n"                                                 /* 16 */
	"Romeo connects\n"                                   /* 17 */
	"\n"                                                 /* 18 */
	"# Juliet's phone joins\n"                           /* 19 */
	"#\n"                                                /* 20 */
	"#   (two lines and an empty one)\n"                 /* 21 */
	"\n"                                                 /* 22 */
	"Juliet's phone connects\n"                          /* 23 */
	"\n"                                                 /* 24 */
	"Romeo sends:\n"                                     /* 25 */
	"\n"                                                 /* 26 */
	"\t<message to=\"${Juliet's full JID}\" type='chat'>\n" /* 27 */
	"\t\t<body>Hi &amp; bye</body>\n"                    /* 28 */
	"\t</message>\n"                                     /* 29 */
	"  \t\n"                                             /* 30 */
	"\t<presence/>\n"                                    /* 31 */
	"\n"                                                 /* 32 */
	"Juliet receives\n"                                  /* 33 */
	"    <message from=\"${Romeo's full JID}\"/>\n"      /* 34 */
	"// a note between actions\n"                        /* 35 */
	"Juliet's phone   receives:   nothing  \n"           /* 36 */
	"Juliet disconnects\n"                               /* 37 */
	"# a trailing comment belongs to no action\n";       /* 38 */

static scs_script *parse_ok(const char *text, size_t len)
{
	scs_error err;
	scs_script *s = scs_parse("test.scs", text, len, &err);
	if (!s)
		fail_msg("%s:%u: %s", err.file, err.line, err.message);
	return s;
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Equal scripts; lines are compared only when both come from the same
 * text layout. */
static void assert_scripts_equal(const scs_script *a, const scs_script *b,
		bool lines)
{
	assert_string_equal(scs_title(a), scs_title(b));
	assert_int_equal(scs_client_count(a), scs_client_count(b));
	for (size_t i = 0; i < scs_client_count(a); i++) {
		const scs_client *x = scs_client_at(a, i), *y = scs_client_at(b, i);
		assert_string_equal(x->name, y->name);
		assert_true(same_string(x->jid, y->jid));
		assert_true(same_string(x->password, y->password));
		assert_true(same_string(x->resource, y->resource));
		assert_true(!lines || x->line == y->line);
	}
	assert_int_equal(scs_action_count(a), scs_action_count(b));
	for (size_t i = 0; i < scs_action_count(a); i++) {
		const scs_action *x = scs_action_at(a, i), *y = scs_action_at(b, i);
		assert_int_equal(x->verb, y->verb);
		assert_int_equal(x->client, y->client);
		if (!same_string(x->block, y->block) || !same_string(x->comment, y->comment))
			fail_msg("action %zu differs: block '%s' vs '%s', comment '%s' vs '%s'",
					i, x->block ? x->block : "(null)",
					y->block ? y->block : "(null)",
					x->comment ? x->comment : "(null)",
					y->comment ? y->comment : "(null)");
		assert_true(!lines || (x->line == y->line && x->block_line == y->block_line));
	}
}

/* Writing s and parsing the text gives s again, and writing that gives
 * the same text. */
static void assert_round_trip(const scs_script *s)
{
	buf first = BUF_INIT, second = BUF_INIT;
	scs_write(&first, s);
	scs_script *again = parse_ok(first.data, first.len);
	assert_scripts_equal(s, again, false);
	scs_write(&second, again);
	assert_string_equal(first.data, second.data);
	scs_free(again);
	buf_free(&first);
	buf_free(&second);
}

/* ---- parsing ----------------------------------------------------------- */

static void test_parse_sample(void **state)
{
	scs_script *s = parse_ok(sample, strlen(sample));
	assert_string_equal(scs_file(s), "test.scs");
	assert_string_equal(scs_title(s), "Sample: every construct");

	assert_int_equal(scs_client_count(s), 3);
	const scs_client *romeo = scs_client_at(s, 0), *juliet = scs_client_at(s, 1);
	const scs_client *phone = scs_client_at(s, 2);
	assert_string_equal(romeo->jid, "romeo@localhost");
	assert_string_equal(romeo->password, "secret");
	assert_null(romeo->resource);
	assert_int_equal(romeo->line, 4);
	assert_string_equal(juliet->jid, "juliet@localhost");
	assert_null(juliet->password);
	assert_string_equal(juliet->resource, "balcony");
	assert_string_equal(phone->name, "Juliet's phone");
	assert_string_equal(phone->jid, "juliet@localhost/phone");
	assert_int_equal(scs_client_find(s, "Juliet's phone"), 2);
	assert_int_equal(scs_client_find(s, "Juliet's"), -1);

	static const struct {
		scs_verb verb;
		size_t client;
		unsigned line, block_line;
		const char *block, *comment;
	} want[] = {
		{SCS_CONNECTS, 0, 17, 0, NULL, NULL},
		{SCS_CONNECTS, 2, 23, 0, NULL,
		 "Juliet's phone joins\n\n(two lines and an empty one)"},
		{SCS_SENDS, 0, 25, 27,
		 "<message to=\"${Juliet's full JID}\" type='chat'>\n"
		 "\t<body>Hi &amp; bye</body>\n"
		 "</message>\n"
		 "\n"
		 "<presence/>", NULL},
		{SCS_RECEIVES, 1, 33, 34, "<message from=\"${Romeo's full JID}\"/>", NULL},
		{SCS_RECEIVES_NOTHING, 2, 36, 0, NULL, NULL},
		{SCS_DISCONNECTS, 1, 37, 0, NULL, NULL},
	};
	assert_int_equal(scs_action_count(s), ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const scs_action *act = scs_action_at(s, i);
		assert_int_equal(act->verb, want[i].verb);
		assert_int_equal(act->client, want[i].client);
		assert_int_equal(act->line, want[i].line);
		assert_int_equal(act->block_line, want[i].block_line);
		assert_true(same_string(act->block, want[i].block));
		assert_true(same_string(act->comment, want[i].comment));
	}
	scs_free(s);
}

static void test_parse_minimal(void **state)
{
	scs_script *s = parse_ok("---\n", 4);
	assert_string_equal(scs_title(s), "");
	assert_int_equal(scs_client_count(s), 0);
	assert_int_equal(scs_action_count(s), 0);
	scs_free(s);
	/* A byte order mark and no final line break. */
	const char bom[] = "\xef\xbb\xbf# T\n[Client] A\n\tjid: a@b\n---\nA connects";
	s = parse_ok(bom, strlen(bom));
	assert_string_equal(scs_title(s), "T");
	assert_int_equal(scs_action_count(s), 1);
	scs_free(s);
}

/* Names are matched longest first: "Juliet's phone" is not "Juliet". */
static void test_parse_longest_name(void **state)
{
	const char text[] =
		"[Client] Juliet\n\tjid: j@l\n"
		"[Client] Juliet's phone\n\tjid: j@l\n"
		"[Client] Juliet's phone 2\n\tjid: j@l\n"
		"-----\n"
		"Juliet's phone 2 connects\n"
		"Juliet's phone connects\n"
		"Juliet connects\n";
	scs_script *s = parse_ok(text, strlen(text));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(scs_action_at(s, i)->client, 2 - i);
	scs_free(s);
}

static void test_parse_crlf(void **state)
{
	buf crlf = BUF_INIT;
	for (const char *p = sample; *p; p++) {
		if (*p == '\n')
			buf_putc(&crlf, '\r');
		buf_putc(&crlf, *p);
	}
	scs_script *lf = parse_ok(sample, strlen(sample));
	scs_script *s = parse_ok(crlf.data, crlf.len);
	assert_scripts_equal(lf, s, true);
	scs_free(s);
	scs_free(lf);
	buf_free(&crlf);
}

/* ---- errors ------------------------------------------------------------ */

#define HEADER "# t\n[Client] Romeo\n\tjid: romeo@localhost\n\n-----\n"  /* 5 lines */

typedef struct error_case {
	const char *text;
	size_t len;                /* 0: strlen(text) */
	unsigned line;
	const char *message;       /* substring of the message */
} error_case;

static const error_case error_cases[] = {
	/* header */
	{"[Client] Romeo\n\tpassword: x\n-----\n", 0, 1, "client 'Romeo' has no jid"},
	{"[Client] Romeo\n[Client] Juliet\n\tjid: j@l\n-----\n", 0, 1,
	 "client 'Romeo' has no jid"},
	{"[Client] Romeo\n\tjid: a@b\n[Client] Romeo\n\tjid: c@d\n-----\n", 0, 3,
	 "duplicate client 'Romeo' (first defined on line 1)"},
	{"[Client] Romeo\n\tjid: a@b\n\tnick: r\n-----\n", 0, 3,
	 "unknown key 'nick' for client 'Romeo'"},
	{"[Client] Romeo\n\tjid: a@b\n\tjid: c@d\n-----\n", 0, 3,
	 "duplicate key 'jid' for client 'Romeo'"},
	{"[Client] Romeo\n\tjid a@b\n-----\n", 0, 2, "expected 'key: value'"},
	{"# t\n\tjid: a@b\n-----\n", 0, 2, "indented line outside a [Client] block"},
	{"[Room] r\n-----\n", 0, 1, "unknown section '[Room]'"},
	{"[Client]  \n-----\n", 0, 1, "[Client] without a name"},
	{"# t\n[Client] Romeo\n\tjid: a@b\n", 0, 3, "no line of dashes"},
	{"", 0, 0, "no line of dashes"},
	{"[Client] Romeo\n\tjid: a@b\nRomeo connects\n", 0, 3,
	 "expected '[Client] Name' or a line of dashes"},
	{"[Client] Romeo\n\tjid: a@b\n--\n", 0, 3, "expected '[Client] Name'"},
	/* action lines */
	{HEADER "Benvolio connects\n", 0, 6, "unknown client 'Benvolio'"},
	{HEADER "Romeo's phone sends:\n\t<presence/>\n", 0, 6,
	 "unknown client 'Romeo's phone'"},
	{HEADER "Romeo dances\n", 0, 6, "unknown action 'dances' for client 'Romeo'"},
	{HEADER "Romeo receives: everything\n\t<message/>\n", 0, 6,
	 "unknown action 'receives: everything' for client 'Romeo'"},
	{HEADER "hello\n", 0, 6, "expected an action such as 'Name connects'"},
	{HEADER "-----\n", 0, 6, "expected an action"},
	/* blocks */
	{HEADER "Romeo sends:\nRomeo connects\n", 0, 6,
	 "'Romeo sends:' must be followed by an indented block of stanzas"},
	{HEADER "Romeo connects\nRomeo receives:\n\n  \n", 0, 7,
	 "'Romeo receives:' must be followed by an indented block"},
	{HEADER "Romeo connects\n\t<presence/>\n", 0, 7,
	 "indented block without a 'sends:' or 'receives:' before it"},
	{HEADER "Romeo receives: nothing\n\t<presence/>\n", 0, 7, "indented block without"},
	{HEADER "Romeo sends:\n\t<message>\n\t\t<body>hi</bdy>\n\t</message>\n", 0, 8,
	 "malformed XML"},
	{HEADER "Romeo sends:\n\n\t<presence/>\n\n\t<presence>\n\t\t<x/>\n", 0, 10,
	 "malformed XML"},
	{HEADER "Romeo sends:\n\thello\n", 0, 7, "malformed XML"},
	{HEADER "Romeo sends:\n\t<presence/><presence\n", 0, 7, "malformed XML"},
	{HEADER "Romeo sends:\n\t<!-- nothing -->\n", 0, 7, "the block holds no stanza"},
	{HEADER "Romeo sends:\n\t<message>\n\t\t<body>${Romeo's nick}</body>\n\t</message>\n",
	 0, 8, "unknown variable '${Romeo's nick}'"},
	{HEADER "Romeo sends:\n\t<message>\n\t\t<body>${Benvolio's JID}</body>\n\t</message>\n",
	 0, 8, "unknown client 'Benvolio' in '${Benvolio's JID}'"},
	{HEADER "Romeo sends:\n\t<message>\n\t\t<body>${Romeo's JID</body>\n\t</message>\n",
	 0, 8, "unterminated variable '${Romeo's JID</body>'"},
	/* bytes */
	{"# t\n\0-----\n", 11, 2, "NUL byte in the script"},
	{"# t\n[Client] Ro\xffmeo\n", 0, 2, "invalid UTF-8"},
	{"# t\n\n[Client] \xed\xa0\x80\n", 0, 3, "invalid UTF-8"},      /* surrogate */
	{"# t\n[Client] \xc0\xaf\n", 0, 2, "invalid UTF-8"},            /* overlong */
};

static void test_parse_errors(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(error_cases); i++) {
		const error_case *c = &error_cases[i];
		scs_error err;
		size_t len = c->len ? c->len : strlen(c->text);
		scs_script *s = scs_parse("bad.scs", c->text, len, &err);
		if (s)
			fail_msg("case %zu parsed: %s", i, c->text);
		if (err.line != c->line || !strstr(err.message, c->message))
			fail_msg("case %zu: got %s:%u: %s; want line %u: %s", i, err.file,
					err.line, err.message, c->line, c->message);
		assert_string_equal(err.file, "bad.scs");
	}
}

static void test_parse_limits(void **state)
{
	scs_error err;
	buf b = BUF_INIT;
	/* size */
	char *big = calloc((4 << 20) + 1, 1);
	assert_null(scs_parse("big.scs", big, (4 << 20) + 1, &err));
	assert_non_null(strstr(err.message, "script too large"));
	free(big);
	/* clients */
	for (int i = 0; i <= 256; i++)
		buf_printf(&b, "[Client] C%d\n\tjid: c%d@l\n", i, i);
	buf_puts(&b, "---\n");
	assert_null(scs_parse("many.scs", b.data, b.len, &err));
	assert_int_equal(err.line, 2 * 256 + 1);
	assert_non_null(strstr(err.message, "too many clients (limit 256)"));
	/* actions */
	buf_reset(&b);
	buf_puts(&b, "[Client] A\n\tjid: a@l\n---\n");
	for (int i = 0; i <= 65536; i++)
		buf_puts(&b, "A connects\n");
	assert_null(scs_parse("long.scs", b.data, b.len, &err));
	assert_int_equal(err.line, 3 + 65537);
	assert_non_null(strstr(err.message, "too many actions (limit 65536)"));
	/* a huge line is quoted, not copied whole */
	buf_reset(&b);
	buf_puts(&b, "---\n");
	for (int i = 0; i < 1 << 20; i++)
		buf_putc(&b, 'x');
	assert_null(scs_parse("wide.scs", b.data, b.len, &err));
	assert_true(strlen(err.message) < 200);
	buf_free(&b);
}

static void test_load(void **state)
{
	scs_error err;
	assert_null(scs_load("/nonexistent/x.scs", &err));
	assert_string_equal(err.file, "/nonexistent/x.scs");
	assert_non_null(strstr(err.message, "cannot open"));
	assert_null(scs_load("/", &err));
	assert_non_null(strstr(err.message, "cannot read"));

	char path[] = "/tmp/test_scs_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(sample, f);
	fclose(f);
	scs_script *s = scs_load(path, &err);
	assert_non_null(s);
	assert_string_equal(scs_file(s), path);
	assert_int_equal(scs_action_count(s), 6);
	scs_free(s);
	remove(path);
}

/* ---- writing ----------------------------------------------------------- */

static void test_write_sample(void **state)
{
	scs_script *s = parse_ok(sample, strlen(sample));
	buf out = BUF_INIT;
	scs_write(&out, s);
	assert_string_equal(out.data,
		"# Sample: every construct\n"
		"\n"
		"[Client] Romeo\n"
		"\tjid: romeo@localhost\n"
		"\tpassword: secret\n"
		"\n"
		"[Client] Juliet\n"
		"\tjid: juliet@localhost\n"
		"\tresource: balcony\n"
		"\n"
		"[Client] Juliet's phone\n"
		"\tjid: juliet@localhost/phone\n"
		"\n"
		"-----\n"
		"\n"
		"Romeo connects\n"
		"\n"
		"# Juliet's phone joins\n"
		"#\n"
		"# (two lines and an empty one)\n"
		"Juliet's phone connects\n"
		"\n"
		"Romeo sends:\n"
		"\t<message to=\"${Juliet's full JID}\" type='chat'>\n"
		"\t\t<body>Hi &amp; bye</body>\n"
		"\t</message>\n"
		"\n"
		"\t<presence/>\n"
		"\n"
		"Juliet receives:\n"
		"\t<message from=\"${Romeo's full JID}\"/>\n"
		"\n"
		"Juliet's phone receives: nothing\n"
		"\n"
		"Juliet disconnects\n");
	assert_round_trip(s);
	buf_free(&out);
	scs_free(s);
}

/* What the fuzzer does: build, write, read back. */
static void test_build_and_write(void **state)
{
	scs_script *s = scs_new("built.scs", "Built");
	assert_int_equal(scs_add_client(s, "Romeo", "romeo@localhost", "pw", NULL), 0);
	assert_int_equal(scs_add_client(s, "Nurse's pager", "nurse@localhost", NULL, "p"), 1);
	scs_add_action(s, SCS_CONNECTS, 0, NULL, "first\n\nthird");
	scs_add_action(s, SCS_SENDS, 0,
			"\t<presence to='room@conference.localhost/Romeo'>\n"
			"\t\t<x xmlns='http://jabber.org/protocol/muc'/>\n"
			"\t</presence>\n", NULL);
	scs_add_action(s, SCS_RECEIVES, 1, "\n  <message/>\n\n  <message/>\n\n", "");
	scs_add_action(s, SCS_RECEIVES_NOTHING, 1, NULL, NULL);
	scs_add_action(s, SCS_DISCONNECTS, 0, NULL, NULL);
	const scs_action *sends = scs_action_at(s, 1);
	assert_string_equal(sends->block,
			"<presence to='room@conference.localhost/Romeo'>\n"
			"\t<x xmlns='http://jabber.org/protocol/muc'/>\n"
			"</presence>");
	assert_int_equal(sends->line, 0);
	assert_string_equal(scs_action_at(s, 2)->block, "<message/>\n\n<message/>");
	assert_round_trip(s);
	scs_free(s);
	scs_free(NULL);
}

/* ---- variables --------------------------------------------------------- */

typedef struct expand_case {
	const char *text;
	const char *result;        /* NULL: an error */
	unsigned line;             /* of the error, within text */
	const char *message;
} expand_case;

static const expand_case expand_cases[] = {
	{"no variables, $ {x} $x", "no variables, $ {x} $x", 0, NULL},
	{"", "", 0, NULL},
	{"to='${Romeo's JID}'", "to='romeo@localhost'", 0, NULL},
	{"${Romeo's full JID}${Romeo's JID}",
	 "romeo@localhost/r1romeo@localhost", 0, NULL},
	{"${Juliet's phone's full JID}", "juliet@localhost/&lt;&amp;&apos;&quot;&gt;",
	 0, NULL},
	{"${Juliet's JID}", "juliet@localhost", 0, NULL},
	{"${Juliet's full JID}", NULL, 1,
	 "Juliet's full JID is not known yet (Juliet has not connected)"},
	{"a\nb\n${Romeo's nick}", NULL, 3,
	 "unknown variable '${Romeo's nick}' (expected ${Name's JID} or ${Name's full JID})"},
	{"${Benvolio's JID}", NULL, 1, "unknown client 'Benvolio' in '${Benvolio's JID}'"},
	{"${Juliet's phone's JID", NULL, 1, "unterminated variable '${Juliet's phone's JID'"},
	{"${Romeo's\nJID}", NULL, 1, "unterminated variable"},
	{"${}", NULL, 1, "unknown variable '${}'"},
};

/* Romeo and Juliet's phone have connected, Juliet has not. */
static const char *test_jid(void *ctx, size_t client, bool full)
{
	static const char *const bare[] = {"romeo@localhost", "juliet@localhost",
		"juliet@localhost"};
	static const char *const bound[] = {"romeo@localhost/r1", NULL,
		"juliet@localhost/<&'\">"};
	return full ? bound[client] : bare[client];
}

static void test_expand(void **state)
{
	scs_script *s = parse_ok(sample, strlen(sample));
	arena *a = arena_new();
	for (size_t i = 0; i < ARRAY_LEN(expand_cases); i++) {
		const expand_case *c = &expand_cases[i];
		scs_error err;
		char *got = scs_expand(s, a, c->text, test_jid, NULL, &err);
		if (c->result && (!got || strcmp(got, c->result)))
			fail_msg("case %zu: got '%s' (%s)", i, got ? got : "(null)",
					got ? "" : err.message);
		if (c->result)
			continue;
		if (got)
			fail_msg("case %zu expanded to '%s'", i, got);
		if (err.line != c->line || !strstr(err.message, c->message))
			fail_msg("case %zu: got line %u: %s", i, err.line, err.message);
		assert_string_equal(err.file, "test.scs");
	}
	arena_free(a);
	scs_free(s);
}

/* ---- robustness -------------------------------------------------------- */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* One random edit: a byte replaced (often by a meaningful one), removed,
 * inserted, or a stretch of the text duplicated. */
static void mutate(buf *b, uint64_t *rng)
{
	static const char meaningful[] = ":\n\t <>${}#-\r'/&[]\0\xff";
	size_t at = b->len ? rng_next(rng) % b->len : 0;
	char c = (rng_next(rng) & 1) ? meaningful[rng_next(rng) % (sizeof meaningful - 1)]
				     : (char)rng_next(rng);
	switch (rng_next(rng) % 4) {
	case 0:
		if (b->len)
			b->data[at] = c;
		break;
	case 1:
		if (b->len) {
			memmove(b->data + at, b->data + at + 1, b->len - at);
			b->len--;
		}
		break;
	case 2:
		buf_putc(b, '\0');
		memmove(b->data + at + 1, b->data + at, b->len - at - 1);
		b->data[at] = c;
		break;
	case 3: {
		size_t n = rng_next(rng) % 64;
		if (n > b->len - at)
			n = b->len - at;
		char *copy = malloc(n + 1);
		memcpy(copy, b->data + at, n);
		buf_append(b, copy, n);
		free(copy);
		break;
	}
	}
}

/* Whatever the bytes, parsing ends; what parses also round-trips. */
static void fuzz_text(const char *text, size_t len, unsigned rounds, uint64_t seed)
{
	uint64_t rng = seed;
	buf b = BUF_INIT;
	unsigned parsed = 0;
	for (unsigned i = 0; i < rounds; i++) {
		buf_reset(&b);
		buf_append(&b, text, len);
		for (uint64_t edits = 1 + rng_next(&rng) % 4; edits; edits--)
			mutate(&b, &rng);
		scs_error err;
		scs_script *s = scs_parse("fuzz.scs", b.data, b.len, &err);
		if (s) {
			parsed++;
			assert_round_trip(s);
		} else {
			assert_true(err.message[0] != '\0');
		}
		scs_free(s);
	}
	print_message("%u of %u mutants parsed\n", parsed, rounds);
	buf_free(&b);
}

static void test_mutations(void **state)
{
	fuzz_text(sample, strlen(sample), 3000, 0x9e3779b97f4a7c15u);
}

/* ---- the shared suite -------------------------------------------------- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* Parse and round-trip every .scs file in dir; returns how many. */
static unsigned check_dir(const char *dir, bool mutate_too)
{
	DIR *d = opendir(dir);
	if (!d)
		fail_msg("cannot open %s", dir);
	unsigned n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL; ) {
		if (!has_suffix(e->d_name, ".scs"))
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		scs_error err;
		scs_script *s = scs_load(path, &err);
		if (!s)
			fail_msg("%s:%u: %s", err.file, err.line, err.message);
		assert_true(scs_action_count(s) > 0);
		assert_round_trip(s);
		scs_free(s);
		n++;
		if (mutate_too) {
			FILE *f = fopen(path, "rb");
			char text[65536];
			size_t len = fread(text, 1, sizeof text, f);
			fclose(f);
			fuzz_text(text, len, 300, 0x2545f4914f6cdd1du + n);
		}
	}
	closedir(d);
	return n;
}

static void test_shared_suite(void **state)
{
	const char *shared = *state;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/prosody-scansion", shared);
	DIR *d = opendir(dir);
	if (!d) {
		print_message("skipped: no Prosody scripts in %s\n", dir);
		skip();
	}
	closedir(d);
	unsigned n = check_dir(dir, false);
	snprintf(dir, sizeof dir, "%s/prosody-scansion/recorded-0.12.3", shared);
	n += check_dir(dir, false);
	snprintf(dir, sizeof dir, "%s/seed", shared);
	n += check_dir(dir, true);
	print_message("%u scripts parsed and round-tripped\n", n);
	assert_true(n >= 3);
}

/* ../shared beside the source tree: this file is tests/test_scs.c. */
static const char *default_shared_dir(char *out, size_t size)
{
	const char *file = __FILE__, *slash = strrchr(file, '/');
	size_t len = slash ? (size_t)(slash - file) : 0;
	snprintf(out, size, "%.*s%s../../shared", (int)len, file, len ? "/" : "");
	return out;
}

/* The mucsim extension lines parse, and write back as written. */
static void test_extension_lines(void **state)
{
	static const char text[] =
		"# ext\n\n[Client] Romeo\n\tjid: romeo@localhost\n\n-----\n\n"
		"Romeo queues:\n\t<message/>\n\n"
		"Network delivers from Romeo\n\n"
		"Network delivers to Romeo\n\n"
		"Network settles\n\n"
		"Clock advances 300000 ms\n\n"
		"Romeo sends bytes: PGZvbz4=\n";
	scs_error err;
	scs_script *s = scs_parse("ext.scs", text, strlen(text), &err);
	assert_non_null(s);
	static const scs_verb verbs[] = {SCS_QUEUES, SCS_DELIVER_FROM, SCS_DELIVER_TO,
		SCS_SETTLES, SCS_ADVANCES, SCS_SENDS_BYTES};
	assert_int_equal(scs_action_count(s), 6);
	assert_string_equal(scs_action_at(s, 5)->block, "PGZvbz4=");
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(scs_action_at(s, i)->verb, verbs[i]);
		assert_true(scs_verb_is_extension(verbs[i]));
	}
	assert_int_equal(scs_action_at(s, 4)->ms, 300000);
	buf out = BUF_INIT;
	scs_write(&out, s);
	assert_string_equal(buf_str(&out), text);
	buf_free(&out);
	scs_free(s);
	static const char *const bad[] = {
		"Network delivers from Nobody\n", "Clock advances soon\n",
		"Clock advances 5 s\n", "Network sleeps\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char t[256];
		snprintf(t, sizeof t, "[Client] Romeo\n\tjid: romeo@localhost\n-----\n%s", bad[i]);
		assert_null(scs_parse("bad.scs", t, strlen(t), &err));
		assert_int_equal(err.line, 4);
	}
}

/* The [Simulator] block: settings parse, write back, and are checked. */
static void test_settings_block(void **state)
{
	static const char text[] =
		"# settings\n\n[Client] Romeo\n\tjid: romeo@localhost\n\n"
		"[Simulator]\n\tprofile: 0.11\n\tseed: 42\n\n-----\n\nRomeo connects\n";
	scs_error err;
	scs_script *s = scs_parse("set.scs", text, strlen(text), &err);
	assert_non_null(s);
	assert_string_equal(scs_setting(s, "profile"), "0.11");
	assert_string_equal(scs_setting(s, "seed"), "42");
	assert_null(scs_setting(s, "colour"));
	buf out = BUF_INIT;
	scs_write(&out, s);
	assert_string_equal(buf_str(&out), text);
	buf_free(&out);
	scs_free(s);
	static const struct {
		const char *text, *message;
	} bad[] = {
		{"[Simulator]\n\tcolour: red\n-----\n", "unknown setting 'colour'"},
		{"[Simulator]\n\tseed: 1\n\tseed: 2\n-----\n", "duplicate setting 'seed'"},
		{"[Simulator]\n\tseed\n-----\n", "expected 'key: value'"},
		{"[Simulator] x\n-----\n", "unknown section '[Simulator]'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_null(scs_parse("bad.scs", bad[i].text, strlen(bad[i].text), &err));
		if (!strstr(err.message, bad[i].message))
			fail_msg("case %zu: %s", i, err.message);
	}
}

int main(int argc, char **argv)
{
	char shared[4096];
	const char *dir = argc > 1 ? argv[1] : default_shared_dir(shared, sizeof shared);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sample),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_longest_name),
		cmocka_unit_test(test_parse_crlf),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_write_sample),
		cmocka_unit_test(test_build_and_write),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_extension_lines),
		cmocka_unit_test(test_settings_block),
		cmocka_unit_test_prestate(test_shared_suite, (void *)dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
