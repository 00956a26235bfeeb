/* stanza.h — XMPP stanza vocabulary shared by the server and the MUC:
 * namespaces, replies and errors built the way Prosody's util.stanza does. */
#ifndef MUCSIM_STANZA_H
#define MUCSIM_STANZA_H

#include <stdbool.h>

#include "arena.h"
#include "xml.h"

#define NS_CLIENT   "jabber:client"
#define NS_STANZAS  "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_STREAM   "http://etherx.jabber.org/streams"
#define NS_STREAMS  "urn:ietf:params:xml:ns:xmpp-streams"
#define NS_PING     "urn:xmpp:ping"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_VCARD_UPDATE "vcard-temp:x:update"

/* A reply skeleton: same name, to/from swapped, same id; type "result"
 * for an iq (st.reply). */
xml_node *stanza_reply(arena *a, const xml_node *orig);

/* An error reply (st.error_reply): the reply skeleton with type "error"
 * and <error type=… by=…><condition/><text>…</text></error>.  text and by
 * may be NULL; `by` is dropped when it equals the reply's `from`. */
xml_node *stanza_error(arena *a, const xml_node *orig, const char *type,
		const char *condition, const char *text, const char *by);

/* Add the XEP-0086 legacy numeric code for the error's condition to its
 * <error/> element, as Prosody did before 0.12. */
void stanza_add_legacy_code(arena *a, xml_node *error_stanza);

/* True for stanzas one must never answer with an error: type "error", and
 * iq results. */
bool stanza_is_error_or_result(const xml_node *s);

/* The type attribute, or "" when absent. */
const char *stanza_type(const xml_node *s);

#endif
