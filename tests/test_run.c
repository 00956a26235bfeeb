/* test_run.c — the scansion runner: delivery modes, diagnostics,
 * determinism.  Scripts are inline; the MUC answers them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <stdio.h>

#include <cmocka.h>

#include "run.h"
#include "scs.h"

#define HEADER \
	"# test\n[Client] Romeo\n\tjid: romeo@localhost\n\tpassword: x\n\n-----\n\n" \
	"Romeo connects\n\nRomeo sends:\n" \
	"\t<presence to='room@conference.localhost/Romeo'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"

#define CREATED \
	"Romeo receives:\n" \
	"\t<presence from='room@conference.localhost/Romeo'>\n" \
	"\t\t<x xmlns='http://jabber.org/protocol/muc#user'>\n" \
	"\t\t\t<status code='201'/>\n" \
	"\t\t\t<item jid=\"${Romeo's full JID}\" affiliation='owner' role='%s'/>\n" \
	"\t\t\t<status code='110'/>\n" \
	"\t\t</x>\n\t</presence>\n\n"

#define SUBJECT \
	"Romeo receives:\n\t<message type='groupchat' from='room@conference.localhost'><subject/></message>\n\n"

static run_result play(const char *text, bool strict, buf *report)
{
	scs_error err;
	scs_script *s = scs_parse("inline.scs", text, strlen(text), &err);
	assert_non_null(s);
	run_options o = {.strict = strict, .show_dropped = true, .profile = profile_find("0.12")};
	run_result r = run_script(s, &o, report);
	scs_free(s);
	return r;
}

static char *script(char *out, size_t n, const char *role, const char *tail)
{
	snprintf(out, n, HEADER CREATED "%s", role, tail);
	return out;
}

static void test_passes_in_both_modes(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", SUBJECT);
	buf report = BUF_INIT;
	assert_true(play(text, false, &report).passed);
	assert_true(play(text, true, &report).passed);
	buf_free(&report);
}

static void test_changed_attribute_is_named(void **state)
{
	char text[4096];
	script(text, sizeof text, "participant", SUBJECT);
	buf report = BUF_INIT;
	run_result r = play(text, false, &report);
	assert_false(r.passed);
	assert_int_equal(r.fail_line, 13);
	assert_non_null(strstr(buf_str(&report), "inline.scs:13:"));
	assert_non_null(strstr(buf_str(&report), "'role'"));
	assert_non_null(strstr(buf_str(&report), "expected 'participant', got 'moderator'"));
	assert_non_null(strstr(buf_str(&report), "received:"));
	buf_free(&report);
}

/* The subject is unread: scansion mode drops it when the script ends,
 * strict mode reports it. */
static void test_strict_needs_everything_read(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", "");
	buf report = BUF_INIT;
	assert_true(play(text, false, &report).passed);
	assert_non_null(strstr(buf_str(&report), "dropped, unread by Romeo"));
	buf_reset(&report);
	assert_false(play(text, true, &report).passed);
	assert_non_null(strstr(buf_str(&report), "Romeo has 1 unread stanza(s)"));
	buf_free(&report);
}

/* In scansion mode a read ends when the script does something else:
 * the subject that arrived with the self-presence is gone by then. */
static void test_scansion_mode_drops_on_next_action(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator",
		"Romeo sends:\n\t<message to='room@conference.localhost' type='groupchat'><body>x</body></message>\n\n"
		SUBJECT);
	buf report = BUF_INIT;
	run_result r = play(text, false, &report);
	assert_false(r.passed);
	assert_non_null(strstr(buf_str(&report), "does not match"));
	buf_free(&report);
}

static void test_nothing(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", SUBJECT "Romeo receives: nothing\n");
	buf report = BUF_INIT;
	assert_true(play(text, true, &report).passed);
	script(text, sizeof text, "moderator", "Romeo receives: nothing\n");
	assert_false(play(text, true, &report).passed);
	assert_non_null(strstr(buf_str(&report), "should receive nothing"));
	buf_free(&report);
}

static void test_received_nothing(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", SUBJECT SUBJECT);
	buf report = BUF_INIT;
	assert_false(play(text, true, &report).passed);
	assert_non_null(strstr(buf_str(&report), "Romeo received nothing"));
	buf_free(&report);
}

static void test_same_seed_same_hash(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", SUBJECT);
	scs_error err;
	scs_script *s = scs_parse("inline.scs", text, strlen(text), &err);
	buf report = BUF_INIT;
	run_options o = {.seed = 5};
	uint64_t a = run_script(s, &o, &report).transcript_hash;
	uint64_t b = run_script(s, &o, &report).transcript_hash;
	o.seed = 6;
	uint64_t c = run_script(s, &o, &report).transcript_hash;
	assert_true(a == b);
	assert_true(a != c);  /* the generated resource differs */
	buf_free(&report);
	scs_free(s);
}

static void test_verbose_transcript(void **state)
{
	char text[4096];
	script(text, sizeof text, "moderator", SUBJECT);
	scs_error err;
	scs_script *s = scs_parse("inline.scs", text, strlen(text), &err);
	buf report = BUF_INIT;
	run_options o = {.verbose = true};
	assert_true(run_script(s, &o, &report).passed);
	assert_non_null(strstr(buf_str(&report), "transcript:"));
	assert_non_null(strstr(buf_str(&report), "-> conference.localhost: <presence"));
	buf_free(&report);
	scs_free(s);
}

#define TWO \
	"# ext\n[Client] Romeo\n\tjid: romeo@localhost/r\n\tpassword: x\n\n" \
	"[Client] Juliet\n\tjid: juliet@localhost/j\n\tpassword: x\n\n-----\n\n" \
	"Romeo connects\n\nJuliet connects\n\n"

/* Held traffic moves only when the script says so, link by link. */
static void test_extensions_control_the_network(void **state)
{
	const char *text = TWO
		"Romeo queues:\n\t<message to='juliet@localhost/j' id='1'/>\n\n"
		"Juliet receives: nothing\n\n"
		"Network delivers from Romeo\n\n"
		"Juliet receives: nothing\n\n"
		"Network delivers to Juliet\n\n"
		"Juliet receives:\n\t<message from='romeo@localhost/r' id='1'/>\n\n"
		"Romeo queues:\n\t<message to='juliet@localhost/j' id='2'/>\n\n"
		"Network settles\n\n"
		"Juliet receives:\n\t<message id='2'/>\n";
	buf report = BUF_INIT;
	run_result r = play(text, true, &report);
	if (!r.passed)
		fail_msg("%s", buf_str(&report));
	buf_reset(&report);
	/* "<foo" is not one stanza: the server closes the stream. */
	const char *bytes = TWO "Romeo sends bytes: PGZvbw==\n\n"
		"Romeo receives:\n\t<error xmlns='http://etherx.jabber.org/streams'>"
		"<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>\n";
	r = play(bytes, true, &report);
	if (!r.passed)
		fail_msg("%s", buf_str(&report));
	const char *bad = TWO "Network delivers from Romeo\n";
	assert_false(play(bad, true, &report).passed);
	assert_non_null(strstr(buf_str(&report), "nothing is in flight from Romeo"));
	buf_free(&report);
}

/* The clock: a locked room opens to others after five minutes. */
static void test_clock_extension(void **state)
{
	char text[4096];
	snprintf(text, sizeof text, "%s",
		"# clock\n[Client] Romeo\n\tjid: romeo@localhost/r\n\tpassword: x\n\n"
		"[Client] Juliet\n\tjid: juliet@localhost/j\n\tpassword: x\n\n-----\n\n"
		"Romeo connects\n\nJuliet connects\n\n"
		"Romeo sends:\n\t<presence to='room@conference.localhost/Romeo'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Clock advances 299999 ms\n\n"
		"Juliet sends:\n\t<presence to='room@conference.localhost/Juliet'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Juliet receives:\n\t<presence type='error' from='room@conference.localhost/Juliet'/>\n\n"
		"Clock advances 1 ms\n\n"
		"Juliet sends:\n\t<presence to='room@conference.localhost/Juliet'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Juliet receives:\n\t<presence from='room@conference.localhost/Romeo'/>\n"
		"\t<presence from='room@conference.localhost/Juliet'/>\n");
	buf report = BUF_INIT;
	run_result r = play(text, false, &report);
	if (!r.passed)
		fail_msg("%s", buf_str(&report));
	buf_free(&report);
}

/* A [Simulator] block picks the profile; --profile would override it. */
static void test_settings_choose_profile(void **state)
{
	static const char *const fmt =
		"# settings\n[Client] Romeo\n\tjid: romeo@localhost/r\n\tpassword: x\n\n"
		"[Client] Juliet\n\tjid: juliet@localhost/j\n\tpassword: x\n\n"
		"[Simulator]\n\tprofile: %s\n\n-----\n\n"
		"Romeo connects\n\nJuliet connects\n\n"
		"Romeo sends:\n\t<presence to='room@conference.localhost/Romeo'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Juliet sends:\n\t<presence to='room@conference.localhost/Juliet'><x xmlns='http://jabber.org/protocol/muc'/></presence>\n\n"
		"Juliet receives:\n\t<presence type='error'><error code='404'/></presence>\n";
	char text[2048];
	buf report = BUF_INIT;
	snprintf(text, sizeof text, fmt, "0.11");
	scs_error err;
	scs_script *s = scs_parse("settings.scs", text, strlen(text), &err);
	assert_non_null(s);
	run_options o = {0};
	assert_true(run_script(s, &o, &report).passed);
	o.profile = profile_find("0.12");
	assert_false(run_script(s, &o, &report).passed);
	scs_free(s);
	snprintf(text, sizeof text, fmt, "9.9");
	s = scs_parse("settings.scs", text, strlen(text), &err);
	assert_non_null(s);
	buf_reset(&report);
	o.profile = NULL;
	assert_false(run_script(s, &o, &report).passed);
	assert_non_null(strstr(buf_str(&report), "unknown profile '9.9'"));
	scs_free(s);
	buf_free(&report);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_in_both_modes),
		cmocka_unit_test(test_changed_attribute_is_named),
		cmocka_unit_test(test_strict_needs_everything_read),
		cmocka_unit_test(test_scansion_mode_drops_on_next_action),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_received_nothing),
		cmocka_unit_test(test_same_seed_same_hash),
		cmocka_unit_test(test_verbose_transcript),
		cmocka_unit_test(test_extensions_control_the_network),
		cmocka_unit_test(test_clock_extension),
		cmocka_unit_test(test_settings_choose_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
