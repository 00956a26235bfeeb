/* support.c — see support.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stanza.h"
#include "support.h"

xml_node *support_parse(world *w, const char *text)
{
	const xml_context ctx = {NS_CLIENT, NULL, NULL};
	xml_error err;
	xml_node *e = xml_parse_one(world_parser(w), world_arena(w), text, strlen(text),
			&ctx, &err);
	assert_non_null(e);
	return e;
}

void support_send(world *w, client *c, const char *text)
{
	client_send(c, support_parse(w, text));
	assert_true(world_run(w, 0));
}

xml_node *support_received(const client *c, size_t back)
{
	size_t n = client_inbox_count(c);
	assert_true(n > back);
	return client_inbox_at(c, n - 1 - back);
}

const char *support_condition(const xml_node *s)
{
	xml_node *e = xml_child(s, "error", NS_CLIENT);
	xml_node *cond = e ? xml_first(e) : NULL;
	return cond ? xml_name(cond) : "";
}
