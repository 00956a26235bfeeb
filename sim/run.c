/* run.c — see run.h. */
#include "run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "client.h"
#include "jid.h"
#include "hash.h"
#include "match.h"
#include "muc/muc.h"
#include "world.h"

static const char *const service_admins[] = {"admin@localhost", NULL};

/* One script client during a run. */
typedef struct actor {
	client *c;             /* NULL until it connects */
	size_t cursor;         /* next inbox stanza to look at */
	size_t read_end;       /* end of the current read (scansion mode) */
} actor;

typedef struct player {
	const scs_script *s;
	const run_options *o;
	buf *report;
	world *w;
	checker *check;        /* NULL unless run_options.check */
	match_captures *caps;
	actor *actors;
	long reader;           /* actor whose read is open, or -1 */
	const scs_action *act; /* the action being played */
	bool failed;
} player;

static const char *const expected_prefixes[] = {"scansion", SCS_NS, NULL};

/* ---- reporting --------------------------------------------------------- */

static void fail(player *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(player *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_printf(p->report, "%s:%u: ", scs_file(p->s), line);
	buf_vprintf(p->report, fmt, ap);
	buf_putc(p->report, '\n');
	va_end(ap);
	p->failed = true;
}

static void report_stanza(player *p, const char *label, const xml_node *e)
{
	buf_printf(p->report, "%s:\n", label);
	xml_write_pretty(p->report, e, "jabber:client", 1);
}

static const char *actor_name(const player *p, size_t i)
{
	return scs_client_at(p->s, i)->name;
}

/* ---- variables and blocks ------------------------------------------------ */

static const char *jid_of(void *ctx, size_t i, bool full)
{
	player *p = ctx;
	if (full)
		return p->actors[i].c ? client_jid(p->actors[i].c) : NULL;
	if (p->actors[i].c)
		return client_bare_jid(p->actors[i].c);
	const char *bare = jid_bare_of(world_arena(p->w), scs_client_at(p->s, i)->jid);
	return bare ? bare : scs_client_at(p->s, i)->jid;
}

/* The stanzas of the current action's block, as a container element. */
static xml_node *block_stanzas(player *p)
{
	const scs_action *act = p->act;
	scs_error err;
	arena *a = world_arena(p->w);
	char *text = scs_expand(p->s, a, act->block, jid_of, p, &err);
	if (!text) {
		fail(p, act->block_line + err.line - 1, "%s", err.message);
		return NULL;
	}
	const xml_context ctx = {"jabber:client", expected_prefixes, NULL};
	xml_error xerr;
	xml_node *all = xml_parse(world_parser(p->w), a, text, strlen(text), &ctx, &xerr);
	if (!all)
		fail(p, act->block_line + (unsigned)xerr.line - 1, "%s", xerr.message);
	return all;
}

/* ---- delivery modes ------------------------------------------------------ */

static void note_dropped(player *p, size_t who, const xml_node *e)
{
	if (!p->o->show_dropped)
		return;
	buf_printf(p->report, "%s:%u: dropped, unread by %s:\n", scs_file(p->s),
			p->act ? p->act->line : 0, actor_name(p, who));
	xml_write_pretty(p->report, e, "jabber:client", 1);
}

/* Scansion drops what is left of a read when the script moves on. */
static void close_read(player *p)
{
	if (p->reader < 0)
		return;
	actor *a = &p->actors[p->reader];
	for (; a->cursor < a->read_end; a->cursor++)
		note_dropped(p, (size_t)p->reader, client_inbox_at(a->c, a->cursor));
	p->reader = -1;
}

/* The next received stanza for actor i, or NULL when there is none. */
static xml_node *next_received(player *p, size_t i)
{
	actor *a = &p->actors[i];
	if (!a->c)
		return NULL;
	if (!p->o->strict && (p->reader != (long)i || a->cursor == a->read_end)) {
		close_read(p);
		a->read_end = client_inbox_count(a->c);
		p->reader = (long)i;
	}
	size_t end = p->o->strict ? client_inbox_count(a->c) : a->read_end;
	if (a->cursor == end)
		return NULL;
	return client_inbox_at(a->c, a->cursor++);
}

/* ---- actions ------------------------------------------------------------- */

static void play_connects(player *p)
{
	const scs_client *sc = scs_client_at(p->s, p->act->client);
	actor *a = &p->actors[p->act->client];
	if (a->c && client_is_connected(a->c)) {
		fail(p, p->act->line, "%s is already connected", sc->name);
		return;
	}
	buf err = BUF_INIT;
	a->c = client_connect(p->w, sc->jid, sc->resource, &err);
	a->cursor = a->read_end = 0;
	if (!a->c)
		fail(p, p->act->line, "%s cannot connect: %s", sc->name, buf_str(&err));
	buf_free(&err);
}

/* Extension: put stanzas in flight to a client as if the server had. */
static void play_forges(player *p)
{
	actor *a = &p->actors[p->act->client];
	xml_node *all = block_stanzas(p);
	for (xml_node *e = all && a->c ? xml_first(all) : NULL; e; e = xml_next(e))
		world_inject(p->w, a->c, e);
}

static void play_sends(player *p)
{
	actor *a = &p->actors[p->act->client];
	xml_node *all = block_stanzas(p);
	if (!all || !a->c)
		return;  /* scansion ignores sends from a client not connected */
	for (xml_node *e = xml_first(all); e; e = xml_next(e))
		client_send(a->c, e);
}

static void play_receives(player *p)
{
	xml_node *all = block_stanzas(p);
	if (!all)
		return;
	size_t i = p->act->client, n = 0;
	for (xml_node *want = xml_first(all); want && !p->failed; want = xml_next(want)) {
		n++;
		xml_node *got = next_received(p, i);
		if (!got) {
			fail(p, p->act->line, "%s received nothing, expected stanza %zu:",
					actor_name(p, i), n);
			report_stanza(p, "expected", want);
			return;
		}
		buf why = BUF_INIT;
		if (!match_stanza(want, got, p->caps, &why)) {
			fail(p, p->act->line, "%s received a stanza that does not match stanza %zu: %s",
					actor_name(p, i), n, buf_str(&why));
			report_stanza(p, "expected", want);
			report_stanza(p, "received", got);
		}
		buf_free(&why);
	}
}

static void play_nothing(player *p)
{
	size_t i = p->act->client;
	xml_node *got = next_received(p, i);
	if (got) {
		fail(p, p->act->line, "%s should receive nothing, but received:",
				actor_name(p, i));
		report_stanza(p, "received", got);
	}
}

/* Extension: deliver the next stanza on one of a client's links. */
static void play_deliver(player *p, bool to_client)
{
	const scs_action *act = p->act;
	client *c = p->actors[act->client].c;
	size_t link = c ? 2 * client_index(c) + (to_client ? 1 : 0) : 0;
	if (!c || !world_step_link(p->w, link))
		fail(p, act->line, "nothing is in flight %s %s", to_client ? "to" : "from",
				actor_name(p, act->client));
}

/* Extension: bytes that need not be one stanza, base64 in the block. */
static void play_sends_bytes(player *p)
{
	const scs_action *act = p->act;
	client *c = p->actors[act->client].c;
	size_t n = strlen(act->block), len;
	unsigned char *bytes = arena_alloc(world_arena(p->w), n / 4 * 3 + 1);
	if (!base64_decode(act->block, n, bytes, &len)) {
		fail(p, act->line, "'%s' is not base64", act->block);
		return;
	}
	if (c)
		client_send_raw(c, (const char *)bytes, len);
}

/* Which actions leave the world to run to quiescence afterwards: those
 * that make traffic, except the extensions that hold it back. */
static bool runs_world(scs_verb v)
{
	return v == SCS_CONNECTS || v == SCS_DISCONNECTS || v == SCS_SENDS
		|| v == SCS_SENDS_BYTES || v == SCS_SETTLES;
}

static void play_action(player *p)
{
	const scs_action *act = p->act;
	bool same_read = act->verb == SCS_RECEIVES && p->reader == (long)act->client;
	if (!same_read)
		close_read(p);
	switch (act->verb) {
	case SCS_CONNECTS:
		play_connects(p);
		break;
	case SCS_DISCONNECTS:
		if (p->actors[act->client].c)
			client_disconnect(p->actors[act->client].c);
		break;
	case SCS_SENDS:
	case SCS_QUEUES:
		play_sends(p);
		break;
	case SCS_RECEIVES:
		play_receives(p);
		break;
	case SCS_RECEIVES_NOTHING:
		play_nothing(p);
		break;
	case SCS_DELIVER_FROM:
	case SCS_DELIVER_TO:
		play_deliver(p, act->verb == SCS_DELIVER_TO);
		break;
	case SCS_SETTLES:
		break;
	case SCS_ADVANCES:
		world_advance(p->w, act->ms);
		break;
	case SCS_SENDS_BYTES:
		play_sends_bytes(p);
		break;
	case SCS_FORGES:
		play_forges(p);
		break;
	}
	if (runs_world(act->verb) && !world_run(p->w, 0))
		fail(p, act->line, "the world does not quiesce after this action");
}

/* --check: judge what happened so far; the first violation fails the
 * script at the action where it is seen. */
static void play_check(player *p, unsigned line)
{
	if (!p->check)
		return;
	check_quiescent(p->check);
	const check_violation *v = check_first(p->check);
	if (!v || p->failed)
		return;
	fail(p, line, "the invariant checker objects:");
	check_write(p->report, v);
}

/* Strict mode: everything delivered must have been read. */
static void check_all_read(player *p)
{
	for (size_t i = 0; i < scs_client_count(p->s) && !p->failed; i++) {
		actor *a = &p->actors[i];
		if (!a->c || a->cursor == client_inbox_count(a->c))
			continue;
		fail(p, p->act ? p->act->line : 0, "%s has %zu unread stanza(s) at the end; the first:",
				actor_name(p, i), client_inbox_count(a->c) - a->cursor);
		report_stanza(p, "received", client_inbox_at(a->c, a->cursor));
	}
}

/* Options win over the script's [Simulator] settings, which win over
 * the defaults.  False (with a report) for a setting that is not valid. */
static bool resolve_settings(const scs_script *s, const run_options *o,
		world_config *cfg, buf *report)
{
	const char *name = scs_setting(s, "profile");
	cfg->profile = o->profile ? o->profile : profile_find(name ? name : PROFILE_DEFAULT);
	if (!cfg->profile) {
		buf_printf(report, "%s: unknown profile '%s' (known: %s)\n", scs_file(s),
				name, profile_names());
		return false;
	}
	const char *seed = scs_setting(s, "seed");
	cfg->seed = o->seed;
	if (!o->seed_set && seed) {
		char *end;
		cfg->seed = strtoull(seed, &end, 0);
		if (!*seed || *end) {
			buf_printf(report, "%s: the seed must be a number, not '%s'\n",
					scs_file(s), seed);
			return false;
		}
	}
	return true;
}

run_result run_script(const scs_script *s, const run_options *o, buf *report)
{
	world_config cfg = {.admins = service_admins};
	if (!resolve_settings(s, o, &cfg, report))
		return (run_result){.passed = false};
	player p = {0};
	p.s = s;
	p.o = o;
	p.report = report;
	p.w = world_new(&cfg);
	muc_attach(p.w, MUC_DOMAIN);
	if (o->check)
		p.check = check_attach(p.w, MUC_DOMAIN);
	p.reader = -1;
	p.caps = match_captures_new(world_arena(p.w));
	p.actors = arena_alloc(world_arena(p.w), (scs_client_count(s) + 1) * sizeof *p.actors);
	for (size_t i = 0; i < scs_action_count(s) && !p.failed; i++) {
		p.act = scs_action_at(s, i);
		play_action(&p);
		play_check(&p, p.act->line);
	}
	if (!p.failed) {
		close_read(&p);
		if (o->strict)
			check_all_read(&p);
	}
	for (size_t i = 0; i < scs_client_count(s); i++)
		if (p.actors[i].c)
			client_disconnect(p.actors[i].c);
	world_run(p.w, 0);
	play_check(&p, p.act ? p.act->line : 0);
	if (o->verbose) {
		buf_puts(report, "transcript:\n");
		world_write_transcript(report, p.w);
	}
	run_result r = {!p.failed, p.failed && p.act ? p.act->line : 0,
		world_transcript_hash(p.w), world_steps(p.w)};
	world_free(p.w);
	return r;
}
