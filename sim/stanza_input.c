/* stanza_input.c — see stanza_input.h. */
#include "stanza_input.h"

#include <string.h>

#include "check/check.h"
#include "client.h"
#include "muc/muc.h"
#include "stanza.h"
#include "world.h"

enum {
	MAX_INPUT = 16384,
	MAX_RECORDS = 32,
	MAX_STEPS = 10000,         /* deliveries to settle after one stanza */
	SEED = 1,
};

enum { ROMEO, JULIET, ADMIN, CLIENTS };

static const char *const jids[CLIENTS] = {
	"romeo@localhost/a", "juliet@localhost/b", "admin@localhost/c",
};

static const char *const service_admins[] = {"admin@localhost", NULL};

#define JOIN(room, nick, x) \
	"<presence to='" room "@conference.localhost/" nick "'>" \
	"<x xmlns='http://jabber.org/protocol/muc'>" x "</x></presence>"
#define CONFIGURE(room, fields) \
	"<iq type='set' id='config' to='" room "@conference.localhost'>" \
	"<query xmlns='http://jabber.org/protocol/muc#owner'>" \
	"<x xmlns='jabber:x:data' type='submit'>" \
	"<field var='FORM_TYPE'>" \
	"<value>http://jabber.org/protocol/muc#roomconfig</value></field>" \
	fields "</x></query></iq>"
#define FIELD(var, value) \
	"<field var='muc#roomconfig_" var "'><value>" value "</value></field>"

/* Two rooms whose settings differ in what guards them, so inputs start
 * next to the interesting paths: "hall" is Romeo's persistent,
 * members-only, non-anonymous room where Juliet is a member; "garden" is
 * Juliet's password-protected, moderated room where Romeo is a visitor.
 * The admin is in no room. */
static const struct {
	size_t client;
	const char *xml;
} setup[] = {
	{ROMEO, JOIN("hall", "Romeo", "")},
	{ROMEO, CONFIGURE("hall", FIELD("persistentroom", "1")
			FIELD("membersonly", "1") FIELD("whois", "anyone"))},
	{ROMEO, "<iq type='set' id='member' to='hall@conference.localhost'>"
		"<query xmlns='http://jabber.org/protocol/muc#admin'>"
		"<item affiliation='member' jid='juliet@localhost'/></query></iq>"},
	{JULIET, JOIN("hall", "Juliet", "")},
	{JULIET, JOIN("garden", "Juliet", "")},
	{JULIET, CONFIGURE("garden", FIELD("roomsecret", "secret")
			FIELD("moderatedroom", "1"))},
	{ROMEO, JOIN("garden", "Romeo", "<password>secret</password>")},
};
enum { SETUP_ROOMS = 2 };

typedef struct harness {
	world *w;
	checker *chk;
	client *clients[CLIENTS];
	stanza_input_result res;
	buf *report;
} harness;

/* Run the world after the n-th setup stanza or record (`what`), and have
 * the checker judge it.  False once the run has a finding. */
static bool settle(harness *h, const char *what, size_t n)
{
	if (!world_run(h->w, MAX_STEPS)) {
		h->res.stuck = true;
		if (h->report)
			buf_printf(h->report, "the world did not settle within %d "
					"deliveries after %s %zu\n", MAX_STEPS, what, n);
		return false;
	}
	check_quiescent(h->chk);
	const check_violation *v = check_first(h->chk);
	if (!v)
		return true;
	h->res.violated = true;
	if (h->report) {
		buf_printf(h->report, "after %s %zu: ", what, n);
		check_write(h->report, v);
	}
	return false;
}

/* A harness whose setup did not do what setup[] says would fuzz
 * something else than intended, silently: refuse to run. */
static bool check_setup(harness *h, const muc *m)
{
	bool errors = false;
	for (size_t i = 0; i < CLIENTS; i++) {
		const client *c = h->clients[i];
		for (size_t k = 0; k < client_inbox_count(c); k++)
			errors |= !strcmp(stanza_type(client_inbox_at(c, k)), "error");
	}
	if (!errors && muc_room_count(m) == SETUP_ROOMS)
		return true;
	h->res.setup_failed = true;
	if (h->report)
		buf_printf(h->report, "setup failed: %s, %zu rooms (not %d)\n",
				errors ? "an error reply" : "no error", muc_room_count(m), SETUP_ROOMS);
	return false;
}

static bool harness_setup(harness *h)
{
	world_config cfg = {.seed = SEED, .admins = service_admins};
	h->w = world_new(&cfg);
	muc *m = muc_attach(h->w, MUC_DOMAIN);
	h->chk = check_attach(h->w, MUC_DOMAIN);
	for (size_t i = 0; i < CLIENTS; i++)
		h->clients[i] = client_connect(h->w, jids[i], NULL, NULL);
	for (size_t i = 0; i < sizeof setup / sizeof *setup; i++) {
		client_send_raw(h->clients[setup[i].client], setup[i].xml,
				strlen(setup[i].xml));
		if (!settle(h, "setup stanza", i + 1))
			return false;
	}
	return check_setup(h, m);
}

/* The client that sends a record, reconnected if the server cut it off. */
static client *sender(harness *h, uint8_t choice)
{
	size_t i = choice % CLIENTS;
	if (!client_is_connected(h->clients[i]))
		h->clients[i] = client_connect(h->w, jids[i], NULL, NULL);
	return h->clients[i];
}

stanza_input_result stanza_input_run(const uint8_t *data, size_t size,
		buf *report, buf *transcript)
{
	harness h = {.report = report};
	if (size > MAX_INPUT) {
		h.res.too_big = true;
		return h.res;
	}
	bool ok = harness_setup(&h);
	size_t at = 0, records = 0;
	while (ok && at < size && records < MAX_RECORDS) {
		const uint8_t *record = data + at;
		const uint8_t *nul = memchr(record, '\0', size - at);
		size_t len = nul ? (size_t)(nul - record) : size - at;
		at += len + 1;
		if (!len)
			continue;
		client_send_raw(sender(&h, record[0]), (const char *)record + 1, len - 1);
		ok = settle(&h, "record", ++records);
	}
	if (transcript)
		world_write_transcript(transcript, h.w);
	world_free(h.w);
	return h.res;
}
