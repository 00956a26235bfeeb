/* support.h — what the tests share for driving a world.  Each helper
 * fails the running cmocka test when its precondition does not hold. */
#ifndef MUCSIM_TEST_SUPPORT_H
#define MUCSIM_TEST_SUPPORT_H

#include <stddef.h>

#include "client.h"
#include "world.h"
#include "xml.h"

/* One stanza parsed in jabber:client, in w's arena. */
xml_node *support_parse(world *w, const char *text);
/* c sends the stanza, and the world runs to quiescence. */
void support_send(world *w, client *c, const char *text);
/* What c received `back` stanzas before its last one (0: the last). */
xml_node *support_received(const client *c, size_t back);
/* The defined condition of an error stanza, or "" when it has none. */
const char *support_condition(const xml_node *s);

#endif
