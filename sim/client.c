/* client.c — see client.h. */
#define MUCSIM_INTERNAL
#include "client.h"

#include <string.h>

#include "jid.h"
#include "server.h"
#include "vec.h"

struct client {
	world *world;
	size_t idx;
	const char *jid;       /* bound full JID */
	const char *bare;
	bool connected;        /* may send: the client has not closed */
	bool reading;          /* still reads its stream */
	vec inbox;             /* xml_node *, in arrival order */
};

/* Resource names Prosody generates are util.id.short(): 9 random bytes. */
enum { GENERATED_RESOURCE_BYTES = 9 };

static bool client_check_jid(world *w, const char *s, jid *out, buf *err)
{
	if (!jid_prep(world_arena(w), s, out)) {
		if (err)
			buf_printf(err, "invalid JID '%s'", s);
		return false;
	}
	if (!out->node || strcmp(out->domain, WORLD_HOST) != 0) {
		if (err)
			buf_printf(err, "'%s' is not an account on %s", s, WORLD_HOST);
		return false;
	}
	return true;
}

client *client_connect(world *w, const char *jid_text, const char *resource,
		buf *err)
{
	arena *a = world_arena(w);
	jid j;
	if (!client_check_jid(w, jid_text, &j, err))
		return NULL;
	if (!resource)
		resource = j.resource;
	if (resource) {
		resource = jid_resourceprep(a, resource, false);
		if (!resource || !*resource) {
			if (err)
				buf_printf(err, "invalid resource for '%s'", jid_text);
			return NULL;
		}
	} else {
		resource = world_random_id(w, GENERATED_RESOURCE_BYTES);
	}
	client *c = arena_alloc(a, sizeof *c);
	c->world = w;
	c->bare = jid_join(a, j.node, j.domain, NULL);
	c->jid = jid_join(a, j.node, j.domain, resource);
	client *old = client_find(w, c->jid);
	c->connected = c->reading = true;
	c->idx = world_add_client(w, c);
	if (old)
		server_replace(world_server(w), old->idx);
	server_bind(world_server(w), c->idx);
	return c;
}

size_t client_count(const world *w)
{
	return world_client_count(w);
}

client *client_at(const world *w, size_t i)
{
	return world_client(w, i);
}

client *client_find(const world *w, const char *full_jid)
{
	size_t n = world_client_count(w);
	for (size_t i = 0; i < n; i++) {
		client *c = world_client(w, i);
		if (c->connected && !strcmp(c->jid, full_jid))
			return c;
	}
	return NULL;
}

size_t client_index(const client *c) { return c->idx; }
const char *client_jid(const client *c) { return c->jid; }
const char *client_bare_jid(const client *c) { return c->bare; }
bool client_is_connected(const client *c) { return c->connected; }

void client_send(client *c, const xml_node *stanza)
{
	if (!c->connected)
		return;
	world_send_stanza(c->world, c->idx, xml_copy(world_arena(c->world), stanza));
}

void client_send_raw(client *c, const char *bytes, size_t len)
{
	if (!c->connected)
		return;
	world_send_raw(c->world, c->idx, bytes, len);
}

void client_disconnect(client *c)
{
	if (!c->connected)
		return;
	world_send_close(c->world, c->idx);
	c->connected = c->reading = false;
}

size_t client_inbox_count(const client *c)
{
	return c->inbox.len;
}

xml_node *client_inbox_at(const client *c, size_t i)
{
	return i < c->inbox.len ? c->inbox.items[i] : NULL;
}

bool client_is_reading(const client *c)
{
	return c->reading;
}

void client_deliver(client *c, xml_node *stanza)
{
	vec_push(world_arena(c->world), &c->inbox, stanza);
}

void client_drop(client *c)
{
	c->connected = false;
}
