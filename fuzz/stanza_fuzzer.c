/* stanza_fuzzer.c — raw XML from connected clients into a world with rooms.
 *
 * Hunts memory errors in the server's stanza parsing and the MUC's
 * handlers, and logic errors: a violation the invariant checker
 * (check/check.h) reports, or a world that never settles.
 *
 * Input format: records separated by NUL bytes.  NUL can never occur in
 * XML, so the separator takes nothing away from what a record can say.
 * A record's first byte picks the sending client (its value modulo
 * CLIENTS: '0' is Romeo, '1' Juliet, '2' the service admin, which keeps
 * the seeds readable); the rest of the record goes to the server as one
 * raw stanza with client_send_raw(), and the world then runs until nothing
 * is in flight.  Empty records are skipped.  Work per input is bounded:
 * inputs over MAX_INPUT bytes are ignored, records after the first
 * MAX_RECORDS too, and the world may take at most MAX_STEPS deliveries to
 * settle after each record; not settling by then is a finding, since one
 * stanza among three clients causes a few dozen deliveries at most.  Once
 * the world has settled, the checker judges it.
 *
 * The server cuts off a client that sends bytes which are not one
 * well-formed stanza.  Such a client reconnects with the same JID before
 * it sends again, as a real client would, so one malformed record does not
 * mute the rest of the input; it comes back as a new session, in no room.
 *
 * The world: each input gets a fresh one, set up by the same proper
 * stanzas (setup[] below), and freed before returning; nothing carries
 * over between inputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "client.h"
#include "fuzz.h"
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
} harness;

/* Run the world after the n-th setup stanza or record (`what`), and have
 * the checker judge it. */
static void settle(harness *h, const char *what, size_t n)
{
	if (!world_run(h->w, MAX_STEPS)) {
		fprintf(stderr, "stanza_fuzzer: the world did not settle within %d "
				"deliveries after %s %zu\n", MAX_STEPS, what, n);
		abort();
	}
	check_quiescent(h->chk);
	const check_violation *v = check_first(h->chk);
	if (v) {
		buf report = BUF_INIT;
		check_write(&report, v);
		fprintf(stderr, "stanza_fuzzer: after %s %zu: %s\n", what, n,
				buf_str(&report));
		abort();
	}
}

/* A harness whose setup did not do what setup[] says would fuzz
 * something else than intended, silently: refuse to run. */
static void check_setup(const harness *h, const muc *m)
{
	for (size_t i = 0; i < CLIENTS; i++) {
		const client *c = h->clients[i];
		for (size_t k = 0; k < client_inbox_count(c); k++)
			if (!strcmp(stanza_type(client_inbox_at(c, k)), "error")) {
				fprintf(stderr, "stanza_fuzzer: setup failed: %s got an "
						"error\n", client_jid(c));
				abort();
			}
	}
	if (muc_room_count(m) != SETUP_ROOMS) {
		fprintf(stderr, "stanza_fuzzer: setup failed: %zu rooms, not %d\n",
				muc_room_count(m), SETUP_ROOMS);
		abort();
	}
}

static void harness_new(harness *h)
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
		settle(h, "setup stanza", i + 1);
	}
	check_setup(h, m);
}

/* The client that sends a record, reconnected if the server cut it off. */
static client *sender(harness *h, uint8_t choice)
{
	size_t i = choice % CLIENTS;
	if (!client_is_connected(h->clients[i]))
		h->clients[i] = client_connect(h->w, jids[i], NULL, NULL);
	return h->clients[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	harness h;
	harness_new(&h);
	size_t at = 0, records = 0;
	while (at < size && records < MAX_RECORDS) {
		const uint8_t *record = data + at;
		const uint8_t *nul = memchr(record, '\0', size - at);
		size_t len = nul ? (size_t)(nul - record) : size - at;
		at += len + 1;
		if (!len)
			continue;
		client_send_raw(sender(&h, record[0]), (const char *)record + 1, len - 1);
		settle(&h, "record", ++records);
	}
	world_free(h.w);
	return 0;
}
