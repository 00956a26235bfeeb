/* script_fuzzer.c — the scansion parser, its writer and the stanza matcher
 * on arbitrary bytes.
 *
 * Every input is tried two ways.
 *
 * As a script: scs_parse() must cope with any bytes, and a script that
 * parses must come back equal through scs_write() and a second parse, as
 * scs.h promises: same title, settings, clients and actions (verbs,
 * clients, blocks, comments, amounts), line numbers aside since the writer
 * lays the script out afresh.  A difference is a bug in one of the two.
 *
 * As two XML fragments for the matcher, expected and received: the input
 * is split at its first NUL byte (which no script and no XML contains);
 * without one, the whole input is both.  Each fragment is parsed as
 * scripts parse their blocks (default namespace jabber:client, scansion:
 * bound to SCS_NS), and of the first MAX_STANZAS top-level elements of
 * each:
 *  - every expected stanza is matched against every received one, with
 *    one capture table for the input, as a script run keeps one: it must
 *    not crash, and a mismatch must come with its explanation, one line
 *    (match.h);
 *  - every stanza is matched against itself with a fresh capture table,
 *    and must match, directives or not: {scansion:any} accepts any value,
 *    and a capture binds its first value — the directive's own text, which
 *    is also the text of every later use of the same name.  Only giving
 *    up, which match.h allows on contrived unordered children, excuses a
 *    stanza from matching itself.
 * MAX_INPUT and MAX_STANZAS bound the work per input: the matcher itself
 * stops after a fixed number of comparisons per pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "match.h"
#include "scs.h"
#include "xml.h"

enum {
	MAX_INPUT = 16384,
	MAX_STANZAS = 4,           /* per fragment: 16 pairs at most */
};

/* How scs.c parses blocks; match.h expects trees parsed so. */
static const char *const block_prefixes[] = {"scansion", SCS_NS, NULL};
static const xml_context block_context = {"jabber:client", block_prefixes, NULL};

/* The keys of scs_setting(). */
static const char *const setting_keys[] = {"profile", "seed"};

/* ---- scripts ------------------------------------------------------------ */

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A value with its control characters other than line breaks and tabs
 * made visible: a difference is often in one of them. */
static void put_value(buf *out, const char *s)
{
	if (!s) {
		buf_puts(out, "(none)");
		return;
	}
	buf_putc(out, '\'');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 && c != '\n' && c != '\t')
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, (char)c);
	}
	buf_putc(out, '\'');
}

/* Say how the value `what` changed, if it did. */
static bool changed(buf *why, const char *what, size_t i, const char *before,
		const char *after)
{
	if (same(before, after))
		return false;
	buf_printf(why, "%s %zu: ", what, i);
	put_value(why, before);
	buf_puts(why, " became ");
	put_value(why, after);
	return true;
}

static bool clients_differ(const scs_script *a, const scs_script *b, buf *why)
{
	if (scs_client_count(a) != scs_client_count(b)) {
		buf_printf(why, "%zu clients became %zu", scs_client_count(a),
				scs_client_count(b));
		return true;
	}
	for (size_t i = 0; i < scs_client_count(a); i++) {
		const scs_client *x = scs_client_at(a, i), *y = scs_client_at(b, i);
		if (changed(why, "client name", i, x->name, y->name) ||
		    changed(why, "client jid", i, x->jid, y->jid) ||
		    changed(why, "client password", i, x->password, y->password) ||
		    changed(why, "client resource", i, x->resource, y->resource))
			return true;
	}
	return false;
}

static bool actions_differ(const scs_script *a, const scs_script *b, buf *why)
{
	if (scs_action_count(a) != scs_action_count(b)) {
		buf_printf(why, "%zu actions became %zu", scs_action_count(a),
				scs_action_count(b));
		return true;
	}
	for (size_t i = 0; i < scs_action_count(a); i++) {
		const scs_action *x = scs_action_at(a, i), *y = scs_action_at(b, i);
		if (x->verb != y->verb || x->client != y->client || x->ms != y->ms) {
			buf_printf(why, "action %zu: verb %d, client %zu, %llu ms became "
					"verb %d, client %zu, %llu ms", i, (int)x->verb,
					x->client, (unsigned long long)x->ms, (int)y->verb,
					y->client, (unsigned long long)y->ms);
			return true;
		}
		if (changed(why, "block of action", i, x->block, y->block) ||
		    changed(why, "comment of action", i, x->comment, y->comment))
			return true;
	}
	return false;
}

static bool scripts_differ(const scs_script *a, const scs_script *b, buf *why)
{
	if (changed(why, "title", 0, scs_title(a), scs_title(b)))
		return true;
	for (size_t i = 0; i < sizeof setting_keys / sizeof *setting_keys; i++)
		if (changed(why, setting_keys[i], 0, scs_setting(a, setting_keys[i]),
				scs_setting(b, setting_keys[i])))
			return true;
	return clients_differ(a, b, why) || actions_differ(a, b, why);
}

static void round_trip(const char *text, size_t len)
{
	scs_error err;
	scs_script *parsed = scs_parse("input", text, len, &err);
	if (!parsed)
		return;
	buf written = BUF_INIT, why = BUF_INIT;
	scs_write(&written, parsed);
	scs_script *again = scs_parse("written", buf_str(&written), written.len, &err);
	if (!again) {
		fprintf(stderr, "script_fuzzer: scs_write wrote a script that does not "
				"parse: %s:%u: %s\n--- written:\n%s", err.file, err.line,
				err.message, buf_str(&written));
		abort();
	}
	if (scripts_differ(parsed, again, &why)) {
		fprintf(stderr, "script_fuzzer: scs_write round trip changed the script: "
				"%s\n--- written:\n%s", buf_str(&why), buf_str(&written));
		abort();
	}
	scs_free(again);
	scs_free(parsed);
	buf_free(&why);
	buf_free(&written);
}

/* ---- the matcher -------------------------------------------------------- */

/* Up to MAX_STANZAS top-level elements of a fragment; 0 when it does not
 * parse. */
static size_t parse_fragment(xml_parser *p, arena *a, const char *text,
		size_t len, const xml_node **out)
{
	xml_error err;
	xml_node *top = xml_parse(p, a, text, len, &block_context, &err);
	size_t n = 0;
	for (xml_node *e = top ? xml_first(top) : NULL; e && n < MAX_STANZAS;
			e = xml_next(e))
		out[n++] = e;
	return n;
}

static void match_failed(const char *what, const xml_node *expected,
		const xml_node *received, const buf *why)
{
	buf b = BUF_INIT;
	buf_printf(&b, "script_fuzzer: %s\n--- expected:\n", what);
	xml_write(&b, expected, "jabber:client");
	buf_puts(&b, "\n--- received:\n");
	xml_write(&b, received, "jabber:client");
	buf_printf(&b, "\n--- why: %s\n", buf_str(why));
	fputs(buf_str(&b), stderr);
	buf_free(&b);
	abort();
}

/* Giving up is a mismatch too; match.h only promises that the explanation
 * says so, which is how it is told apart. */
static void match_self(arena *a, const xml_node *stanza, buf *why)
{
	buf_reset(why);
	if (!match_stanza(stanza, stanza, match_captures_new(a), why) &&
	    !strstr(buf_str(why), "gave up after"))
		match_failed("a stanza does not match itself", stanza, stanza, why);
}

static void match_pair(match_captures *caps, const xml_node *expected,
		const xml_node *received, buf *why)
{
	buf_reset(why);
	if (match_stanza(expected, received, caps, why))
		return;
	if (!why->len)
		match_failed("a mismatch without an explanation", expected, received, why);
	if (strchr(buf_str(why), '\n'))
		match_failed("an explanation of more than one line", expected, received,
				why);
}

static void match_fragments(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	size_t elen = nul ? (size_t)(nul - text) : len;
	arena *a = arena_new();
	xml_parser *p = xml_parser_new();
	const xml_node *expected[MAX_STANZAS], *second[MAX_STANZAS];
	const xml_node **received = expected;
	size_t ne = parse_fragment(p, a, text, elen, expected), nr = ne;
	if (nul) {
		received = second;
		nr = parse_fragment(p, a, nul + 1, len - elen - 1, received);
	}
	buf why = BUF_INIT;
	match_captures *caps = match_captures_new(a);
	for (size_t i = 0; i < ne; i++)
		for (size_t k = 0; k < nr; k++)
			match_pair(caps, expected[i], received[k], &why);
	for (size_t i = 0; i < ne; i++)
		match_self(a, expected[i], &why);
	for (size_t k = 0; nul && k < nr; k++)
		match_self(a, received[k], &why);
	buf_free(&why);
	xml_parser_free(p);
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	round_trip((const char *)data, size);
	match_fragments((const char *)data, size);
	return 0;
}
