/* stanza.c — see stanza.h. */
#include "stanza.h"

#include <string.h>

xml_node *stanza_reply(arena *a, const xml_node *orig)
{
	xml_node *r = xml_new(a, NS_CLIENT, xml_name(orig));
	xml_set_attr(a, r, "to", xml_attr(orig, "from"));
	xml_set_attr(a, r, "from", xml_attr(orig, "to"));
	xml_set_attr(a, r, "id", xml_attr(orig, "id"));
	if (!strcmp(xml_name(orig), "iq"))
		xml_set_attr(a, r, "type", "result");
	return r;
}

xml_node *stanza_error(arena *a, const xml_node *orig, const char *type,
		const char *condition, const char *text, const char *by)
{
	xml_node *r = stanza_reply(a, orig);
	xml_set_attr(a, r, "type", "error");
	const char *from = xml_attr(r, "from");
	if (by && from && !strcmp(by, from))
		by = NULL;
	xml_node *e = xml_add_elem(a, r, NULL, "error", NULL);
	xml_set_attr(a, e, "type", type);
	xml_set_attr(a, e, "by", by);
	xml_add_elem(a, e, NS_STANZAS, condition, NULL);
	if (text)
		xml_add_elem(a, e, NS_STANZAS, "text", text);
	return r;
}

const char *stanza_type(const xml_node *s)
{
	const char *t = xml_attr(s, "type");
	return t ? t : "";
}

bool stanza_is_error_or_result(const xml_node *s)
{
	const char *t = stanza_type(s);
	return !strcmp(t, "error") || (!strcmp(xml_name(s), "iq") && !strcmp(t, "result"));
}

/* XEP-0086 section 3, condition to legacy code. */
static const struct {
	const char *condition, *code;
} legacy_codes[] = {
	{"bad-request", "400"}, {"conflict", "409"},
	{"feature-not-implemented", "501"}, {"forbidden", "403"},
	{"gone", "302"}, {"internal-server-error", "500"},
	{"item-not-found", "404"}, {"jid-malformed", "400"},
	{"not-acceptable", "406"}, {"not-allowed", "405"},
	{"not-authorized", "401"}, {"payment-required", "402"},
	{"recipient-unavailable", "404"}, {"redirect", "302"},
	{"registration-required", "407"}, {"remote-server-not-found", "404"},
	{"remote-server-timeout", "504"}, {"resource-constraint", "500"},
	{"service-unavailable", "503"}, {"subscription-required", "407"},
	{"undefined-condition", "500"}, {"unexpected-request", "400"},
};

void stanza_add_legacy_code(arena *a, xml_node *error_stanza)
{
	xml_node *e = xml_child(error_stanza, "error", NULL);
	xml_node *cond = e ? xml_first(e) : NULL;
	if (!cond || strcmp(xml_ns(cond), NS_STANZAS) != 0)
		return;
	for (size_t i = 0; i < sizeof legacy_codes / sizeof *legacy_codes; i++) {
		if (!strcmp(legacy_codes[i].condition, xml_name(cond))) {
			xml_set_attr(a, e, "code", legacy_codes[i].code);
			return;
		}
	}
}
