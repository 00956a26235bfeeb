/* scs.c — see scs.h.
 *
 * The parser reads a script one line at a time in two phases: the header
 * ([Client] blocks up to the line of dashes), then the actions.  Every line
 * is first classified by how it starts (blank, indented, comment, dashes,
 * other); each phase is a switch over those kinds.
 *
 * A stanza block is the run of indented and blank lines after a sends or
 * receives.  It is stored with the indentation common to its lines
 * removed, so the text does not depend on whether the author indented
 * with tabs or spaces and the writer can indent it afresh; line breaks are
 * kept, so a line inside a block is block_line plus its offset.
 */
#include "scs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vec.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

enum {
	SCS_MAX_BYTES = 4 << 20,   /* Prosody's longest script is 20 KiB */
	SCS_MAX_CLIENTS = 256,
	SCS_MAX_ACTIONS = 65536,
	QUOTE_MAX = 60,            /* bytes of input quoted in a message */
};

/* The keys of the [Simulator] block (a mucsim extension). */
static const char *const setting_keys[] = {"profile", "seed"};
enum { SETTINGS = sizeof setting_keys / sizeof *setting_keys };

struct scs_script {
	arena *a;
	const char *file;
	const char *title;
	vec clients;               /* scs_client * */
	vec actions;               /* scs_action * */
	const char *settings[SETTINGS];
};

/* How blocks are parsed (../shared/SCANSION.md, "Matching"). */
static const char *const block_prefixes[] = {"scansion", SCS_NS, NULL};
static const xml_context block_context = {"jabber:client", block_prefixes, NULL};

/* The keys of a [Client] block and the fields they set. */
static const struct client_key {
	const char *name;
	size_t offset;             /* of a const char * in scs_client */
} client_keys[] = {
	{"jid", offsetof(scs_client, jid)},
	{"password", offsetof(scs_client, password)},
	{"resource", offsetof(scs_client, resource)},
};

/* The actions, indexed by verb.  The parser accepts the word with or
 * without a colon, then the tail; the writer writes `text`. */
static const struct verb_form {
	const char *word;
	const char *tail;
	bool block;                /* an indented block of stanzas follows */
	const char *text;
} verb_forms[] = {
	[SCS_CONNECTS] = {"connects", "", false, "connects"},
	[SCS_DISCONNECTS] = {"disconnects", "", false, "disconnects"},
	[SCS_SENDS] = {"sends", "", true, "sends:"},
	[SCS_RECEIVES] = {"receives", "", true, "receives:"},
	[SCS_RECEIVES_NOTHING] = {"receives", "nothing", false, "receives: nothing"},
	[SCS_QUEUES] = {"queues", "", true, "queues:"},
};

/* The extension lines that name no acting client first: "Network …" and
 * "Clock …".  `prefix` is followed by a client name (about_client; with
 * `block`, then a colon and a block of stanzas), a number of milliseconds
 * and " ms" (amount), or nothing. */
static const struct line_form {
	scs_verb verb;
	const char *prefix;
	bool about_client, amount, block;
} line_forms[] = {
	{SCS_DELIVER_FROM, "Network delivers from ", true, false, false},
	{SCS_DELIVER_TO, "Network delivers to ", true, false, false},
	{SCS_FORGES, "Network forges to ", true, false, true},
	{SCS_SETTLES, "Network settles", false, false, false},
	{SCS_ADVANCES, "Clock advances ", false, true, false},
};

bool scs_verb_is_extension(scs_verb v)
{
	return v >= SCS_QUEUES;
}

/* The variables of a block, by the suffix that follows the client name. */
static const struct var_form {
	const char *suffix;
	bool full;
} var_forms[] = {
	{"'s full JID", true},
	{"'s JID", false},
};

static const char *const escapes[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['\''] = "&apos;", ['"'] = "&quot;",
};

/* ---- spans: pieces of the input, not NUL-terminated -------------------- */

typedef struct span {
	const char *s;
	size_t len;
} span;

/* For "%.*s": at most QUOTE_MAX bytes, cut at a character boundary. */
#define QUOTE(t) quote_len(t), (t).s

static int quote_len(span t)
{
	size_t n = t.len;
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n && ((unsigned char)t.s[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}

static span span_str(const char *s)
{
	return (span){s, strlen(s)};
}

static span span_from(span t, size_t i)
{
	return (span){t.s + i, t.len - i};
}

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static size_t span_indent(span t)
{
	size_t n = 0;
	while (n < t.len && is_blank_char(t.s[n]))
		n++;
	return n;
}

static span span_trim(span t)
{
	t = span_from(t, span_indent(t));
	while (t.len && is_blank_char(t.s[t.len - 1]))
		t.len--;
	return t;
}

static bool span_eq(span t, const char *s)
{
	size_t n = strlen(s);
	return t.len == n && !memcmp(t.s, s, n);
}

static bool span_ends_with(span t, const char *suffix)
{
	size_t n = strlen(suffix);
	return t.len >= n && !memcmp(t.s + t.len - n, suffix, n);
}

/* Split the first line off *rest (without its '\n' and a CR before it). */
static bool span_next_line(span *rest, span *line)
{
	if (!rest->s || !rest->len)
		return false;
	const char *nl = memchr(rest->s, '\n', rest->len);
	size_t len = nl ? (size_t)(nl - rest->s) : rest->len;
	*line = (span){rest->s, len};
	*rest = span_from(*rest, nl ? len + 1 : len);
	if (line->len && line->s[line->len - 1] == '\r')
		line->len--;
	return true;
}

/* ---- errors ------------------------------------------------------------ */

static void error_vset(scs_error *err, const char *file, unsigned line,
		const char *fmt, va_list ap)
{
	if (!err)
		return;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
	/* Don't leave half a character where the message was cut. */
	if (n >= (int)sizeof err->message) {
		size_t end = sizeof err->message - 1;
		while (end && ((unsigned char)err->message[end] & 0xc0) == 0x80)
			end--;
		err->message[end] = '\0';
	}
}

static bool error_set(scs_error *err, const char *file, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Always returns false, for `return error_set(…)`. */
static bool error_set(scs_error *err, const char *file, unsigned line,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(err, file, line, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- the script object ------------------------------------------------- */

static scs_client *client_at(const scs_script *s, size_t i)
{
	return s->clients.items[i];
}

static const char **client_field(scs_client *c, const struct client_key *k)
{
	return (const char **)((char *)c + k->offset);
}

static const char *client_value(const scs_client *c,
		const struct client_key *k)
{
	return *(const char *const *)((const char *)c + k->offset);
}

static long client_find(const scs_script *s, span name)
{
	for (size_t i = 0; i < s->clients.len; i++)
		if (span_eq(name, client_at(s, i)->name))
			return (long)i;
	return -1;
}

static char *copy_or_null(arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static scs_client *client_push(scs_script *s, span name)
{
	scs_client *c = arena_alloc(s->a, sizeof *c);
	c->name = arena_strndup(s->a, name.s, name.len);
	vec_push(s->a, &s->clients, c);
	return c;
}

static scs_action *action_push(scs_script *s, scs_verb verb, size_t client,
		const char *block, const char *comment)
{
	scs_action *act = arena_alloc(s->a, sizeof *act);
	act->verb = verb;
	act->client = client;
	act->block = block;
	act->comment = comment;
	vec_push(s->a, &s->actions, act);
	return act;
}

scs_script *scs_new(const char *file, const char *title)
{
	arena *a = arena_new();
	scs_script *s = arena_alloc(a, sizeof *s);
	s->a = a;
	s->file = arena_strdup(a, file ? file : "");
	s->title = arena_strdup(a, title ? title : "");
	return s;
}

void scs_free(scs_script *s)
{
	if (s)
		arena_free(s->a);
}

const char *scs_file(const scs_script *s) { return s->file; }
const char *scs_title(const scs_script *s) { return s->title; }
size_t scs_client_count(const scs_script *s) { return s->clients.len; }
size_t scs_action_count(const scs_script *s) { return s->actions.len; }

const scs_client *scs_client_at(const scs_script *s, size_t i)
{
	return client_at(s, i);
}

const scs_action *scs_action_at(const scs_script *s, size_t i)
{
	return s->actions.items[i];
}

long scs_client_find(const scs_script *s, const char *name)
{
	return client_find(s, span_str(name));
}

size_t scs_add_client(scs_script *s, const char *name, const char *jid,
		const char *password, const char *resource)
{
	scs_client *c = client_push(s, span_str(name));
	c->jid = copy_or_null(s->a, jid);
	c->password = copy_or_null(s->a, password);
	c->resource = copy_or_null(s->a, resource);
	return s->clients.len - 1;
}

static bool is_blank(span line)
{
	return span_indent(line) == line.len;
}

/* Length of the indentation all non-blank lines of text share. */
static size_t block_indent(span text)
{
	span common = {NULL, 0}, rest = text, line;
	while (span_next_line(&rest, &line)) {
		if (is_blank(line))
			continue;
		size_t n = span_indent(line), same = 0;
		if (!common.s) {
			common = (span){line.s, n};
			continue;
		}
		while (same < common.len && same < n && common.s[same] == line.s[same])
			same++;
		common.len = same;
	}
	return common.len;
}

/* The stored form of a block: common indentation removed, whitespace-only
 * lines emptied, no blank lines at either end, no line break at the end. */
static char *block_normalize(arena *a, span text)
{
	size_t indent = block_indent(text), blanks = 0;
	span rest = text, line;
	buf out = BUF_INIT;
	while (span_next_line(&rest, &line)) {
		if (is_blank(line)) {
			if (out.len)   /* leading ones are dropped */
				blanks++;
			continue;
		}
		if (out.len) {
			buf_putc(&out, '\n');   /* ends the previous line */
			for (; blanks; blanks--)
				buf_putc(&out, '\n');
		}
		/* A carriage return that ends a line is a line break to XML;
		 * written back it would end the line and vanish, so drop it now. */
		while (line.len > indent && line.s[line.len - 1] == '\r')
			line.len--;
		buf_append(&out, line.s + indent, line.len - indent);
	}
	char *block = arena_strndup(a, buf_str(&out), out.len);
	buf_free(&out);
	return block;
}

void scs_add_action(scs_script *s, scs_verb verb, size_t client,
		const char *block, const char *comment)
{
	action_push(s, verb, client,
			block ? block_normalize(s->a, span_str(block)) : NULL,
			copy_or_null(s->a, comment));
}

static long setting_index(const char *key)
{
	for (size_t i = 0; i < SETTINGS; i++)
		if (!strcmp(setting_keys[i], key))
			return (long)i;
	return -1;
}

const char *scs_setting(const scs_script *s, const char *key)
{
	long i = setting_index(key);
	return i < 0 ? NULL : s->settings[i];
}

void scs_set_setting(scs_script *s, const char *key, const char *value)
{
	long i = setting_index(key);
	if (i >= 0)
		s->settings[i] = copy_or_null(s->a, value);
}

void scs_add_advance(scs_script *s, uint64_t ms, const char *comment)
{
	action_push(s, SCS_ADVANCES, 0, NULL, copy_or_null(s->a, comment))->ms = ms;
}

/* ---- variables --------------------------------------------------------- */

static void put_escaped(buf *out, const char *s)
{
	for (; *s; s++) {
		const char *entity = escapes[(unsigned char)*s];
		if (entity)
			buf_puts(out, entity);
		else
			buf_putc(out, *s);
	}
}

/* Expand one "${…}" (var) found on line `line` of the text. */
static bool expand_var(const scs_script *s, span var, unsigned line,
		scs_jid_fn jid_of, void *ctx, buf *out, scs_error *err)
{
	span inner = {var.s + 2, var.len - 3};
	const struct var_form *form = NULL;
	for (size_t i = 0; i < ARRAY_LEN(var_forms) && !form; i++)
		if (span_ends_with(inner, var_forms[i].suffix))
			form = &var_forms[i];
	if (!form)
		return error_set(err, s->file, line, "unknown variable '%.*s' "
				"(expected ${Name's JID} or ${Name's full JID})",
				QUOTE(var));
	span name = {inner.s, inner.len - strlen(form->suffix)};
	long i = client_find(s, name);
	if (i < 0)
		return error_set(err, s->file, line, "unknown client '%.*s' in '%.*s'",
				QUOTE(name), QUOTE(var));
	const char *value = jid_of(ctx, (size_t)i, form->full);
	const char *who = client_at(s, (size_t)i)->name;
	if (!value && form->full)
		return error_set(err, s->file, line, "%s's full JID is not known "
				"yet (%s has not connected)", who, who);
	if (!value)
		return error_set(err, s->file, line, "%s's JID is not known", who);
	put_escaped(out, value);
	return true;
}

char *scs_expand(const scs_script *s, arena *a, const char *text,
		scs_jid_fn jid_of, void *ctx, scs_error *err)
{
	buf out = BUF_INIT;
	unsigned line = 1;
	bool ok = true;
	const char *p = text, *var;
	while (ok && (var = strstr(p, "${")) != NULL) {
		for (; p < var; p++) {
			buf_putc(&out, *p);
			line += *p == '\n';
		}
		size_t len = strcspn(var, "}\n");
		span found = {var, len + (var[len] == '}')};
		if (var[len] == '}')
			ok = expand_var(s, found, line, jid_of, ctx, &out, err);
		else
			ok = error_set(err, s->file, line, "unterminated variable "
					"'%.*s'", QUOTE(found));
		p = var + found.len;
	}
	char *result = NULL;
	if (ok) {
		buf_puts(&out, p);
		result = arena_strndup(a, buf_str(&out), out.len);
	}
	buf_free(&out);
	return result;
}

/* ---- parsing: lines ---------------------------------------------------- */

typedef struct script_line {
	span text;                 /* without its line break */
	unsigned no;               /* 1-based */
	span rest;                 /* the input after it */
} script_line;

typedef enum line_kind {
	LINE_BLANK,
	LINE_INDENTED,
	LINE_COMMENT,              /* # … */
	LINE_NOTE,                 /* // … */
	LINE_DASHES,
	LINE_TEXT,
} line_kind;

typedef struct parser {
	scs_script *s;
	scs_error *err;
	span rest;                 /* input not read yet */
	unsigned no;               /* number of the last line read */
	long client;               /* header: client being described, -1 none,
				 * SETTINGS_BLOCK in [Simulator] */
	buf comment;               /* actions: '#' lines since the last action */
	unsigned comment_lines;
	xml_parser *xml;           /* checks blocks */
} parser;

enum { SETTINGS_BLOCK = -2 };

static bool fail(parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_vset(p->err, p->s->file, line, fmt, ap);
	va_end(ap);
	return false;
}

static bool line_peek(const parser *p, script_line *l)
{
	l->rest = p->rest;
	l->no = p->no + 1;
	return span_next_line(&l->rest, &l->text);
}

static void line_take(parser *p, const script_line *l)
{
	p->rest = l->rest;
	p->no = l->no;
}

static bool line_next(parser *p, script_line *l)
{
	if (!line_peek(p, l))
		return false;
	line_take(p, l);
	return true;
}

static bool is_dashes(span t)
{
	size_t n = 0;
	while (n < t.len && t.s[n] == '-')
		n++;
	return n >= 3 && n == t.len;
}

static line_kind line_classify(span text)
{
	if (is_blank(text))
		return LINE_BLANK;
	if (text.s[0] == ' ' || text.s[0] == '\t')
		return LINE_INDENTED;
	if (text.s[0] == '#')
		return LINE_COMMENT;
	if (text.len >= 2 && text.s[0] == '/' && text.s[1] == '/')
		return LINE_NOTE;
	if (is_dashes(span_trim(text)))
		return LINE_DASHES;
	return LINE_TEXT;
}

static span comment_text(span text)
{
	return span_trim(span_from(text, 1));
}

/* ---- parsing: encoding ------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	if (s[0] < 0x80)
		return 1;
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (!len || len > avail)
		return 0;
	uint32_t cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Scripts are UTF-8 text.  Refusing NUL bytes and malformed sequences up
 * front lets everything after treat names as C strings and quote input in
 * messages. */
static bool check_encoding(parser *p)
{
	const unsigned char *s = (const unsigned char *)p->rest.s;
	const unsigned char *end = s + p->rest.len;
	unsigned no = 1;
	while (s < end) {
		size_t n = utf8_len(s, (size_t)(end - s));
		if (*s == '\0')
			return fail(p, no, "NUL byte in the script");
		if (!n)
			return fail(p, no, "invalid UTF-8");
		no += *s == '\n';
		s += n;
	}
	return true;
}

/* ---- parsing: the header ----------------------------------------------- */

/* The client being described is complete. */
static bool client_check(parser *p)
{
	if (p->client < 0)
		return true;
	const scs_client *c = client_at(p->s, (size_t)p->client);
	if (!c->jid || !*c->jid)
		return fail(p, c->line, "client '%s' has no jid", c->name);
	return true;
}

static bool parse_client_line(parser *p, const script_line *l)
{
	span t = span_trim(l->text);
	const char *close = memchr(t.s, ']', t.len);
	if (t.s[0] != '[' || !close)
		return fail(p, l->no, "expected '[Client] Name' or a line of "
				"dashes ending the header, got '%.*s'", QUOTE(t));
	span kind = {t.s + 1, (size_t)(close - t.s) - 1};
	span name = span_trim(span_from(t, (size_t)(close - t.s) + 1));
	if (span_eq(kind, "Simulator") && !name.len) {
		if (!client_check(p))
			return false;
		p->client = SETTINGS_BLOCK;
		return true;
	}
	if (!span_eq(kind, "Client"))
		return fail(p, l->no, "unknown section '[%.*s]' (expected [Client] "
				"or [Simulator])", QUOTE(kind));
	if (!name.len)
		return fail(p, l->no, "[Client] without a name");
	long dup = client_find(p->s, name);
	if (dup >= 0)
		return fail(p, l->no, "duplicate client '%.*s' (first defined on "
				"line %u)", QUOTE(name), client_at(p->s, (size_t)dup)->line);
	if (p->s->clients.len >= SCS_MAX_CLIENTS)
		return fail(p, l->no, "too many clients (limit %d)", SCS_MAX_CLIENTS);
	if (!client_check(p))
		return false;
	client_push(p->s, name)->line = l->no;
	p->client = (long)p->s->clients.len - 1;
	return true;
}

static bool parse_setting(parser *p, const script_line *l, span key, span value)
{
	for (size_t i = 0; i < SETTINGS; i++) {
		if (!span_eq(key, setting_keys[i]))
			continue;
		if (p->s->settings[i])
			return fail(p, l->no, "duplicate setting '%s'", setting_keys[i]);
		p->s->settings[i] = arena_strndup(p->s->a, value.s, value.len);
		return true;
	}
	return fail(p, l->no, "unknown setting '%.*s' (expected profile or seed)",
			QUOTE(key));
}

static bool parse_client_key(parser *p, const script_line *l)
{
	span t = span_trim(l->text);
	if (p->client == SETTINGS_BLOCK) {
		const char *colon = memchr(t.s, ':', t.len);
		if (!colon)
			return fail(p, l->no, "expected 'key: value', got '%.*s'", QUOTE(t));
		return parse_setting(p, l, span_trim((span){t.s, (size_t)(colon - t.s)}),
				span_trim(span_from(t, (size_t)(colon - t.s) + 1)));
	}
	if (p->client < 0)
		return fail(p, l->no, "indented line outside a [Client] block");
	scs_client *c = client_at(p->s, (size_t)p->client);
	const char *colon = memchr(t.s, ':', t.len);
	if (!colon)
		return fail(p, l->no, "expected 'key: value' for client '%s', got "
				"'%.*s'", c->name, QUOTE(t));
	span key = span_trim((span){t.s, (size_t)(colon - t.s)});
	span value = span_trim(span_from(t, (size_t)(colon - t.s) + 1));
	const struct client_key *k = NULL;
	for (size_t i = 0; i < ARRAY_LEN(client_keys) && !k; i++)
		if (span_eq(key, client_keys[i].name))
			k = &client_keys[i];
	if (!k)
		return fail(p, l->no, "unknown key '%.*s' for client '%s' "
				"(expected jid, password or resource)", QUOTE(key), c->name);
	const char **field = client_field(c, k);
	if (*field)
		return fail(p, l->no, "duplicate key '%s' for client '%s'", k->name,
				c->name);
	*field = arena_strndup(p->s->a, value.s, value.len);
	return true;
}

static bool parse_header(parser *p)
{
	script_line l;
	while (line_next(p, &l)) {
		bool ok = true;
		switch (line_classify(l.text)) {
		case LINE_BLANK:
		case LINE_NOTE:
			break;
		case LINE_COMMENT:
			if (!*p->s->title) {
				span title = comment_text(l.text);
				p->s->title = arena_strndup(p->s->a, title.s, title.len);
			}
			break;
		case LINE_INDENTED:
			ok = parse_client_key(p, &l);
			break;
		case LINE_DASHES:
			return client_check(p);
		case LINE_TEXT:
			ok = parse_client_line(p, &l);
			break;
		}
		if (!ok)
			return false;
	}
	return fail(p, p->no, "no line of dashes ('-----') ends the header");
}

/* ---- parsing: actions -------------------------------------------------- */

/* rest is what follows a client name: "sends:", "receives: nothing", … */
static bool verb_parse(span rest, scs_verb *verb)
{
	rest = span_trim(rest);
	size_t n = 0;
	while (n < rest.len && rest.s[n] != ':' && !is_blank_char(rest.s[n]))
		n++;
	span word = {rest.s, n};
	span tail = span_from(rest, n);
	if (tail.len && tail.s[0] == ':')
		tail = span_from(tail, 1);
	tail = span_trim(tail);
	for (size_t i = 0; i < ARRAY_LEN(verb_forms); i++)
		if (span_eq(word, verb_forms[i].word) &&
		    span_eq(tail, verb_forms[i].tail)) {
			*verb = (scs_verb)i;
			return true;
		}
	return false;
}

/* Length of the longest client name that starts t as a word. */
static size_t client_prefix(const scs_script *s, span t, size_t *client)
{
	size_t best = 0;
	for (size_t i = 0; i < s->clients.len; i++) {
		const char *name = client_at(s, i)->name;
		size_t n = strlen(name);
		if (n > best && n < t.len && is_blank_char(t.s[n]) &&
		    !memcmp(t.s, name, n)) {
			best = n;
			*client = i;
		}
	}
	return best;
}

static bool starts_with_verb(span t)
{
	for (size_t i = 0; i < ARRAY_LEN(verb_forms); i++) {
		size_t n = strlen(verb_forms[i].word);
		if (t.len >= n && !memcmp(t.s, verb_forms[i].word, n) &&
		    (t.len == n || t.s[n] == ':' || is_blank_char(t.s[n])))
			return true;
	}
	return false;
}

/* Say what is wrong with an action line: the name before the first verb,
 * else the longest client name it starts with, tells which part is. */
static bool action_line_fail(parser *p, span t, unsigned no)
{
	size_t client, n = 0;
	for (size_t i = 1; i < t.len && !n; i++)
		if (is_blank_char(t.s[i - 1]) && !is_blank_char(t.s[i]) &&
		    starts_with_verb(span_from(t, i)))
			n = i;
	span name = span_trim((span){t.s, n});
	if (n && client_find(p->s, name) < 0)
		return fail(p, no, "unknown client '%.*s'", QUOTE(name));
	if (!n)
		n = client_prefix(p->s, t, &client);
	if (!n)
		return fail(p, no, "expected an action such as 'Name connects' or "
				"'Name sends:', got '%.*s'", QUOTE(t));
	span rest = span_trim(span_from(t, n));
	return fail(p, no, "unknown action '%.*s' for client '%.*s'",
			QUOTE(rest), QUOTE(span_trim((span){t.s, n})));
}

/* Names may contain spaces, so try every client whose name starts the line
 * and keep the longest one followed by a verb. */
static bool action_line_parse(parser *p, const script_line *l, size_t *client,
		scs_verb *verb)
{
	span t = span_trim(l->text);
	size_t best = 0;
	for (size_t i = 0; i < p->s->clients.len; i++) {
		const char *name = client_at(p->s, i)->name;
		size_t n = strlen(name);
		scs_verb v;
		if (n > best && n < t.len && is_blank_char(t.s[n]) &&
		    !memcmp(t.s, name, n) && verb_parse(span_from(t, n), &v)) {
			best = n;
			*client = i;
			*verb = v;
		}
	}
	return best || action_line_fail(p, t, l->no);
}

/* At parse time no JID is bound yet; the header's JID has the right shape
 * to check a block's syntax. */
static const char *placeholder_jid(void *ctx, size_t client, bool full)
{
	return client_at(ctx, client)->jid;
}

/* Expand and parse the block now, so a mistake is reported with its line
 * before anything runs. */
static bool block_check(parser *p, const char *block, unsigned first)
{
	arena *scratch = arena_new();
	scs_error e;
	xml_error xe;
	bool ok = true;
	char *text = scs_expand(p->s, scratch, block, placeholder_jid, p->s, &e);
	xml_node *stanzas = !text ? NULL : xml_parse(p->xml, scratch, text,
			strlen(text), &block_context, &xe);
	if (!text)
		ok = fail(p, first + e.line - 1, "%s", e.message);
	else if (!stanzas)
		ok = fail(p, first + (unsigned)(xe.line ? xe.line - 1 : 0),
				"malformed XML: %s", xe.message);
	else if (!xml_first(stanzas))
		ok = fail(p, first, "the block holds no stanza");
	arena_free(scratch);
	return ok;
}

/* The indented block after an action: every indented or blank line up to
 * the next line that is neither. */
static bool parse_block(parser *p, const script_line *action, const char **block,
		unsigned *block_line)
{
	const char *start = NULL, *stop = NULL;
	script_line l;
	while (line_peek(p, &l)) {
		line_kind kind = line_classify(l.text);
		if (kind != LINE_BLANK && kind != LINE_INDENTED)
			break;
		line_take(p, &l);
		if (kind == LINE_BLANK)
			continue;
		if (!start) {
			start = l.text.s;
			*block_line = l.no;
		}
		stop = l.text.s + l.text.len;
	}
	if (!start)
		return fail(p, action->no, "'%.*s' must be followed by an indented "
				"block of stanzas", QUOTE(span_trim(action->text)));
	*block = block_normalize(p->s->a, (span){start, (size_t)(stop - start)});
	return block_check(p, *block, *block_line);
}

static void comment_add(parser *p, span text)
{
	span t = comment_text(text);
	if (p->comment_lines++)
		buf_putc(&p->comment, '\n');
	buf_append(&p->comment, t.s, t.len);
}

/* "Name sends bytes: BASE64": the longest client name followed by it. */
static bool bytes_parse(parser *p, span t, size_t *client, const char **data)
{
	static const char verb[] = "sends bytes:";
	size_t best = 0;
	for (size_t i = 0; i < p->s->clients.len; i++) {
		const char *name = client_at(p->s, i)->name;
		size_t n = strlen(name);
		span rest = n < t.len ? span_trim(span_from(t, n)) : (span){"", 0};
		if (n > best && n < t.len && is_blank_char(t.s[n]) && !memcmp(t.s, name, n)
				&& rest.len >= sizeof verb - 1 && !memcmp(rest.s, verb, sizeof verb - 1)) {
			best = n;
			*client = i;
			span b64 = span_trim(span_from(rest, sizeof verb - 1));
			*data = arena_strndup(p->s->a, b64.s, b64.len);
		}
	}
	return best > 0;
}

/* An extension line of line_forms[]; false when t is none of them. */
static bool extension_parse(parser *p, span t, size_t *client, scs_verb *verb,
		uint64_t *ms)
{
	for (size_t i = 0; i < ARRAY_LEN(line_forms); i++) {
		const struct line_form *f = &line_forms[i];
		size_t n = strlen(f->prefix);
		if (t.len < n || memcmp(t.s, f->prefix, n) != 0)
			continue;
		span rest = span_trim(span_from(t, n));
		*verb = f->verb;
		if (f->block) {
			if (!rest.len || rest.s[rest.len - 1] != ':')
				return false;
			rest = span_trim((span){rest.s, rest.len - 1});
		}
		if (f->about_client) {
			long c = client_find(p->s, rest);
			if (c < 0)
				return false;
			*client = (size_t)c;
			return true;
		}
		if (f->amount) {
			uint64_t v = 0;
			size_t k = 0;
			while (k < rest.len && rest.s[k] >= '0' && rest.s[k] <= '9' && v < UINT64_MAX / 10)
				v = v * 10 + (uint64_t)(rest.s[k++] - '0');
			*ms = v;
			return k > 0 && span_eq(span_trim(span_from(rest, k)), "ms");
		}
		return rest.len == 0;
	}
	return false;
}

static bool parse_action(parser *p, const script_line *l)
{
	/* Initialised only to quiet gcc -O2, which cannot see that
	 * the parsers set both whenever they return true. */
	size_t client = 0;
	scs_verb verb = SCS_CONNECTS;
	uint64_t ms = 0;
	const char *bytes = NULL;
	if (bytes_parse(p, span_trim(l->text), &client, &bytes))
		verb = SCS_SENDS_BYTES;
	else if (!extension_parse(p, span_trim(l->text), &client, &verb, &ms)
			&& !action_line_parse(p, l, &client, &verb))
		return false;
	if (p->s->actions.len >= SCS_MAX_ACTIONS)
		return fail(p, l->no, "too many actions (limit %d)", SCS_MAX_ACTIONS);
	const char *block = bytes;
	unsigned block_line = 0;
	bool has_block = verb == SCS_FORGES
		|| (verb < ARRAY_LEN(verb_forms) && verb_forms[verb].block);
	if (has_block && !parse_block(p, l, &block, &block_line))
		return false;
	const char *comment = NULL;
	if (p->comment_lines)
		comment = arena_strndup(p->s->a, buf_str(&p->comment), p->comment.len);
	scs_action *act = action_push(p->s, verb, client, block, comment);
	act->ms = ms;
	act->line = l->no;
	act->block_line = block_line;
	buf_reset(&p->comment);
	p->comment_lines = 0;
	return true;
}

static bool parse_actions(parser *p)
{
	script_line l;
	while (line_next(p, &l)) {
		bool ok = true;
		switch (line_classify(l.text)) {
		case LINE_BLANK:
		case LINE_NOTE:
			break;
		case LINE_COMMENT:
			comment_add(p, l.text);
			break;
		case LINE_INDENTED:
			return fail(p, l.no, "indented block without a 'sends:' or "
					"'receives:' before it");
		case LINE_DASHES:
		case LINE_TEXT:
			ok = parse_action(p, &l);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

scs_script *scs_parse(const char *file, const char *text, size_t len,
		scs_error *err)
{
	if (len > SCS_MAX_BYTES) {
		error_set(err, file, 0, "script too large (%zu bytes, limit %d)",
				len, SCS_MAX_BYTES);
		return NULL;
	}
	if (!text)
		text = "";
	parser p = {.s = scs_new(file, ""), .err = err, .rest = {text, len},
		.client = -1, .comment = BUF_INIT};
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		p.rest = span_from(p.rest, 3);        /* byte order mark */
	p.xml = xml_parser_new();
	bool ok = check_encoding(&p) && parse_header(&p) && parse_actions(&p);
	xml_parser_free(p.xml);
	buf_free(&p.comment);
	if (ok)
		return p.s;
	scs_free(p.s);
	return NULL;
}

scs_script *scs_load(const char *path, scs_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		error_set(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf text = BUF_INIT;
	char chunk[16384];
	size_t n;
	/* Reading one chunk past the limit is enough for scs_parse to refuse. */
	while (text.len <= SCS_MAX_BYTES && (n = fread(chunk, 1, sizeof chunk, f)))
		buf_append(&text, chunk, n);
	bool failed = ferror(f);
	int saved = errno;
	fclose(f);
	scs_script *s = NULL;
	if (failed)
		error_set(err, path, 0, "cannot read: %s", strerror(saved));
	else
		s = scs_parse(path, buf_str(&text), text.len, err);
	buf_free(&text);
	return s;
}

/* ---- writing ----------------------------------------------------------- */

/* Each line of text as a '#' comment, empty ones included. */
static void write_comment(buf *out, const char *text)
{
	for (;;) {
		size_t n = strcspn(text, "\n");
		if (n)
			buf_printf(out, "# %.*s\n", (int)n, text);
		else
			buf_puts(out, "#\n");
		if (!text[n])
			return;
		text += n + 1;
	}
}

static void write_client(buf *out, const scs_client *c)
{
	buf_printf(out, "[Client] %s\n", c->name);
	for (size_t i = 0; i < ARRAY_LEN(client_keys); i++) {
		const char *value = client_value(c, &client_keys[i]);
		if (value)
			buf_printf(out, "\t%s: %s\n", client_keys[i].name, value);
	}
	buf_putc(out, '\n');
}

static void write_block(buf *out, const char *block)
{
	span rest = span_str(block), line;
	while (span_next_line(&rest, &line)) {
		if (line.len)
			buf_putc(out, '\t');
		buf_append(out, line.s, line.len);
		buf_putc(out, '\n');
	}
}

static void write_action_line(buf *out, const scs_script *s, const scs_action *act)
{
	if (act->verb == SCS_SENDS_BYTES) {
		buf_printf(out, "%s sends bytes: %s\n", client_at(s, act->client)->name, act->block);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(line_forms); i++) {
		const struct line_form *f = &line_forms[i];
		if (f->verb != act->verb)
			continue;
		if (f->about_client)
			buf_printf(out, "%s%s%s\n", f->prefix, client_at(s, act->client)->name,
					f->block ? ":" : "");
		else if (f->amount)
			buf_printf(out, "%s%llu ms\n", f->prefix, (unsigned long long)act->ms);
		else
			buf_printf(out, "%s\n", f->prefix);
		return;
	}
	buf_printf(out, "%s %s\n", client_at(s, act->client)->name,
			verb_forms[act->verb].text);
}

void scs_write(buf *out, const scs_script *s)
{
	if (*s->title) {
		write_comment(out, s->title);
		buf_putc(out, '\n');
	}
	for (size_t i = 0; i < s->clients.len; i++)
		write_client(out, client_at(s, i));
	bool settings = false;
	for (size_t i = 0; i < SETTINGS; i++) {
		if (!s->settings[i])
			continue;
		if (!settings)
			buf_puts(out, "[Simulator]\n");
		settings = true;
		buf_printf(out, "\t%s: %s\n", setting_keys[i], s->settings[i]);
	}
	if (settings)
		buf_putc(out, '\n');
	buf_puts(out, "-----\n");
	for (size_t i = 0; i < s->actions.len; i++) {
		const scs_action *act = s->actions.items[i];
		buf_putc(out, '\n');
		if (act->comment)
			write_comment(out, act->comment);
		write_action_line(out, s, act);
		if (act->block && act->verb != SCS_SENDS_BYTES)
			write_block(out, act->block);
	}
}
