/* scs.h — scansion scripts: the script object, its parser and its writer.
 *
 * A script is what ../shared/SCANSION.md describes: a title, a header of
 * [Client] blocks, a line of dashes, then actions.  The parser builds a
 * script object; the runner (run.h) plays it against a world; the fuzzer
 * builds script objects with the same builder functions and writes them
 * out with scs_write(), so a fuzz run becomes a readable script.
 *
 * Stanza blocks are kept as text with their variables (${Name's JID},
 * ${Name's full JID}) unexpanded, because a full JID is only known once
 * the client has connected.  The parser still checks every block: it
 * expands the variables with placeholder values and parses the result, so
 * a syntax error is reported at parse time with its file and line.
 *
 * A script owns one arena; every string and array reachable from it lives
 * there and dies with scs_free().
 */
#ifndef MUCSIM_SCS_H
#define MUCSIM_SCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "xml.h"

/* Namespace of the scansion: attribute prefix in expected stanzas. */
#define SCS_NS "https://matthewwild.co.uk/projects/scansion"

typedef enum scs_verb {
	SCS_CONNECTS,
	SCS_DISCONNECTS,
	SCS_SENDS,
	SCS_RECEIVES,
	SCS_RECEIVES_NOTHING,
	/* mucsim extensions (README, "Beyond scansion"): runs that control
	 * the network and the clock.  Scripts without them stay valid for
	 * real scansion. */
	SCS_QUEUES,             /* "Romeo queues:" — sends, the network waits */
	SCS_DELIVER_FROM,       /* "Network delivers from Romeo" */
	SCS_DELIVER_TO,         /* "Network delivers to Romeo" */
	SCS_SETTLES,            /* "Network settles" — everything in flight */
	SCS_ADVANCES,           /* "Clock advances 300000 ms" */
	SCS_SENDS_BYTES,        /* "Romeo sends bytes: PGZvbz4=" (base64 in
				 * block): what is not one stanza */
	SCS_FORGES,             /* "Network forges to Romeo:" + block: stanzas
				 * put in flight to Romeo that no service sent,
				 * in runs built to show an oracle firing */
} scs_verb;

/* True for the mucsim extension verbs. */
bool scs_verb_is_extension(scs_verb v);

typedef struct scs_client {
	const char *name;       /* "Juliet's phone" */
	const char *jid;        /* as written: bare or full */
	const char *password;   /* NULL when absent */
	const char *resource;   /* explicit resource: line, else NULL */
	unsigned line;          /* line of the [Client] header */
} scs_client;

typedef struct scs_action {
	scs_verb verb;
	size_t client;          /* index of the acting client */
	unsigned line;          /* line of the action itself */
	const char *block;      /* stanza text (sends/receives), else NULL; its
				 * lines' common indentation removed, no blank
				 * lines at either end, no final line break */
	unsigned block_line;    /* line of the block's first text line */
	const char *comment;    /* '#' lines since the previous action (the
				 * text after '#', trimmed), joined by '\n';
				 * NULL when none */
	uint64_t ms;            /* SCS_ADVANCES: how far the clock moves */
} scs_action;

typedef struct scs_script scs_script;

typedef struct scs_error {
	char file[256];
	unsigned line;          /* 1-based; 0 when not about a line */
	char message[256];
} scs_error;

/* Parse a script.  `file` names it in error messages.  Returns NULL and
 * fills *err on any problem; any bytes at all are acceptable input.  A
 * script must be UTF-8 without NUL bytes (a BOM and CRLF line ends are
 * accepted), at most 4 MiB, with at most 256 clients and 65536 actions. */
scs_script *scs_parse(const char *file, const char *text, size_t len,
		scs_error *err);
/* Read and parse a file (errors: unreadable file, too large, syntax). */
scs_script *scs_load(const char *path, scs_error *err);
void scs_free(scs_script *s);                     /* NULL is allowed */

const char *scs_file(const scs_script *s);
const char *scs_title(const scs_script *s);       /* "" when none */
size_t scs_client_count(const scs_script *s);
const scs_client *scs_client_at(const scs_script *s, size_t i);
/* Index of the client with this name, or -1. */
long scs_client_find(const scs_script *s, const char *name);
size_t scs_action_count(const scs_script *s);
const scs_action *scs_action_at(const scs_script *s, size_t i);

/* ---- building (used by the parser, the fuzzer and replay) ------------- */

scs_script *scs_new(const char *file, const char *title);
/* Returns the new client's index.  password/resource may be NULL. */
size_t scs_add_client(scs_script *s, const char *name, const char *jid,
		const char *password, const char *resource);
/* Append an action; block is copied in the stored form described at
 * scs_action (NULL for connects/disconnects/nothing), comment is copied
 * (NULL for none; lines joined by '\n').  line 0 lets the writer number it. */
void scs_add_action(scs_script *s, scs_verb verb, size_t client,
		const char *block, const char *comment);

/* Settings of the [Simulator] header block (a mucsim extension: a script
 * that does not need one stays valid for scansion): "profile" and "seed".
 * NULL when unset. */
const char *scs_setting(const scs_script *s, const char *key);
void scs_set_setting(scs_script *s, const char *key, const char *value);

/* Append "Clock advances MS ms". */
void scs_add_advance(scs_script *s, uint64_t ms, const char *comment);

/* Write the script in scansion's format: it parses back to an equal script
 * (same clients, actions, blocks modulo indentation). */
void scs_write(buf *out, const scs_script *s);

/* ---- variables --------------------------------------------------------- */

/* Resolves a client's JIDs while a script runs: bare JID from the header,
 * full JID once connected (NULL before). */
typedef const char *(*scs_jid_fn)(void *ctx, size_t client, bool full);

/* Expand ${Name's JID} and ${Name's full JID} in text, XML-escaping the
 * values.  Returns an arena string, or NULL with err filled (unknown
 * client, full JID not yet known, malformed ${…}); err->line is then the
 * line within text, so block_line + err->line - 1 in the script. */
char *scs_expand(const scs_script *s, arena *a, const char *text,
		scs_jid_fn jid_of, void *ctx, scs_error *err);

#endif
