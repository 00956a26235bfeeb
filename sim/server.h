/* server.h — the home server "localhost", as Prosody 0.12 behaves for what
 * MUC scenarios rely on.  Internal to the world: world.c and client.c call
 * it; scripts and tests use client.h and world.h.
 *
 * For each stanza a client sends, the server (like Prosody's c2s stream,
 * stanza_router and mod_presence):
 *   - closes the stream with <unsupported-stanza-type/> if it is not a
 *     message, presence or iq in jabber:client;
 *   - stamps `from` with the session's full JID and xml:lang with the
 *     stream's language when the stanza has none;
 *   - prepares `to`, answering an invalid one with jid-malformed;
 *   - tracks directed presence (to any JID, as the test accounts have empty
 *     rosters) and adds <x xmlns='vcard-temp:x:update'><photo/></x> to
 *     available presence (mod_vcard_legacy);
 *   - routes: to a component, to local users (full JID: that session; bare
 *     JID: every available resource for messages), to itself (ping), or
 *     answers not-allowed "Communication with remote domains is not
 *     enabled" for other domains.
 * When a session ends, it sends unavailable presence to every JID the
 * session sent directed presence to (resource-unbind in mod_presence).
 */
#ifndef MUCSIM_SERVER_H
#define MUCSIM_SERVER_H

#include <stddef.h>

#include "world.h"
#include "xml.h"

typedef struct server server;

server *server_new(world *w);

/* A client bound a session (client index idx). */
void server_bind(server *s, size_t idx);
/* A new session bound the same full JID: close session idx with a
 * <conflict/> stream error, as Prosody's default "kick_old" does. */
void server_replace(server *s, size_t idx);
/* A delivered client→server stanza, or raw bytes still to be parsed. */
void server_receive(server *s, size_t idx, xml_node *stanza);
void server_receive_raw(server *s, size_t idx, const char *bytes, size_t len);
/* The client closed its stream (delivered in order after its stanzas). */
void server_close(server *s, size_t idx);
/* A stanza from a component (or the server itself) to route. */
void server_route(server *s, xml_node *stanza);

#endif
