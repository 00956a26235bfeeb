/* client.h — simulated XMPP clients.
 *
 * A client connects to the home server (any password is accepted, as in
 * Prosody's test configuration), binds a resource, sends stanzas and
 * collects what it receives in an inbox.  Connecting sends no presence;
 * the script decides that.  Clients belong to their world and are freed
 * with it.
 */
#ifndef MUCSIM_CLIENT_H
#define MUCSIM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "world.h"
#include "xml.h"

/* Authenticate as jid (a user of WORLD_HOST) and bind `resource`, or the
 * jid's resource, or else a server-generated one.  Binding a full JID that
 * is already online replaces the old session, as Prosody's default
 * conflict policy does.  On failure returns NULL and appends the reason
 * to err (if not NULL). */
client *client_connect(world *w, const char *jid, const char *resource,
		buf *err);

size_t client_count(const world *w);
client *client_at(const world *w, size_t i);     /* in connection order */
/* The connected client bound to this full JID, or NULL. */
client *client_find(const world *w, const char *full_jid);

size_t client_index(const client *c);
const char *client_jid(const client *c);         /* bound full JID */
const char *client_bare_jid(const client *c);
bool client_is_connected(const client *c);

/* Put a stanza in flight to the server (copied).  Ignored once the client
 * has disconnected. */
void client_send(client *c, const xml_node *stanza);
/* Send raw bytes as one stanza; the server parses them on delivery, and
 * answers bytes that are not one well-formed stanza with a stream error,
 * closing the stream, as Prosody does. */
void client_send_raw(client *c, const char *bytes, size_t len);
/* Close the stream.  What the client sent before still reaches the server;
 * what the server sends from now on is lost. */
void client_disconnect(client *c);

/* Everything received so far, in order (never removed). */
size_t client_inbox_count(const client *c);
xml_node *client_inbox_at(const client *c, size_t i);

#ifdef MUCSIM_INTERNAL
/* For world.c: whether the client still reads (after the server closed
 * the stream it does, to see the stream error). */
bool client_is_reading(const client *c);
/* For world.c: a stanza delivered on the client's server→client link. */
void client_deliver(client *c, xml_node *stanza);
/* For server.c: the server closed the stream (conflict, stream error);
 * the client can send no more but still reads what is in flight. */
void client_drop(client *c);
#endif

#endif
