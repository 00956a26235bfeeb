/* occupant_id.c — XEP-0421 occupant ids (occupant_id.lib.lua): a stable
 * id per real bare JID and room, base64(HMAC-SHA256(bare JID, salt)),
 * stamped on presences and messages, replacing any a client sent. */
#include "muc_internal.h"

#include <string.h>

#include "hash.h"

/* The salt is a UUID made on first use; here it comes from the world's
 * PRNG, so the seed decides it. */
const char *room_salt(muc_room *r)
{
	const char *salt = room_get(r, OPT_SALT);
	if (!salt) {
		room_set(r, OPT_SALT, muc_uuid(muc_of(r)));
		salt = room_get(r, OPT_SALT);
	}
	return salt;
}

static const char *occupant_id(muc_room *r, muc_occupant *o)
{
	if (o->occupant_id)
		return o->occupant_id;
	const char *salt = room_salt(r);
	unsigned char mac[SHA256_DIGEST_LEN];
	hmac_sha256(o->bare_jid, strlen(o->bare_jid), salt, strlen(salt), mac);
	char *id = arena_alloc(room_arena(r), BASE64_ENCODED_SIZE(sizeof mac));
	base64_encode(mac, sizeof mac, id);
	o->occupant_id = id;
	return id;
}

static void stamp(muc_room *r, xml_node *stanza, muc_occupant *o)
{
	for (xml_node *c = xml_first(stanza), *next; c; c = next) {
		next = xml_next(c);
		if (!strcmp(xml_name(c), "occupant-id") && !strcmp(xml_ns(c), NS_OCCUPANT_ID))
			xml_remove(c);
	}
	if (!o)
		return;  /* no occupant to stamp: earlier hooks refuse such stanzas */
	xml_node *e = xml_add_elem(room_arena(r), stanza, NS_OCCUPANT_ID, "occupant-id", NULL);
	xml_set_attr(room_arena(r), e, "id", occupant_id(r, o));
}

/* pre-change stamps the destination occupant, the others the occupant. */
static bool occupant_id_update(muc_event *ev)
{
	stamp(ev->room, ev->stanza, ev->dest_occupant ? ev->dest_occupant : ev->occupant);
	return false;
}

/* Private messages: the sender, found by its occupant JID. */
static bool occupant_id_private(muc_event *ev)
{
	muc_occupant *o = room_occupant_by_nick(ev->room, xml_attr(ev->stanza, "from"));
	stamp(ev->room, ev->stanza, o);
	return false;
}

const muc_hook muc_occupant_id_hooks[] = {
	{EV_BROADCAST_PRESENCE, 0, occupant_id_update},
	{EV_OCCUPANT_PRE_JOIN, 0, occupant_id_update},
	{EV_OCCUPANT_PRE_CHANGE, 0, occupant_id_update},
	{EV_OCCUPANT_GROUPCHAT, 0, occupant_id_update},
	{EV_PRIVATE_MESSAGE, 0, occupant_id_private},
	{0, 0, NULL},
};
