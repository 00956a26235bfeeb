/* message.c — messages to a room and to occupants, and IQs to occupants
 * (muc.lib.lua handle_message_to_room, handle_groupchat_to_room,
 * handle_mediated_invite/decline, handle_message_to_occupant,
 * handle_iq_to_occupant). */
#include "muc_internal.h"

#include <string.h>

#include "hash.h"
#include "jid.h"
#include "stanza.h"

static arena *A(muc_room *r)
{
	return room_arena(r);
}

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Error conditions that make the room drop the session that sent them
 * (muc/util.lib.lua kickable_error_conditions). */
static const char *const kickable_conditions[] = {
	"gone", "internal-server-error", "item-not-found", "jid-malformed",
	"recipient-unavailable", "redirect", "remote-server-not-found",
	"remote-server-timeout", "service-unavailable", NULL,
};

static bool is_kickable_error(const xml_node *stanza)
{
	const xml_node *err = xml_child(stanza, "error", NULL);
	const xml_node *cond = NULL;
	for (xml_node *c = err ? xml_first(err) : NULL; c && !cond; c = xml_next(c))
		if (!strcmp(xml_ns(c), NS_STANZAS) && strcmp(xml_name(c), "text") != 0)
			cond = c;
	if (!cond)
		return true;  /* "malformed error" is kickable too */
	for (const char *const *k = kickable_conditions; *k; k++)
		if (!strcmp(*k, xml_name(cond)))
			return true;
	return false;
}

/* ---- groupchat ------------------------------------------------------------- */

/* Role check, muc-occupant-groupchat at 50. */
static bool groupchat_role_check(muc_event *ev)
{
	muc_role role = ev->occupant ? ev->occupant->role : ROLE_NONE;
	if (role == ROLE_NONE) {
		room_reply_error(ev->room, ev->stanza, "cancel", "not-acceptable",
				"You are not currently connected to this chat", NULL);
		return true;
	}
	if (role == ROLE_VISITOR) {
		room_reply_error(ev->room, ev->stanza, "auth", "forbidden",
				"You do not currently have permission to speak in this chat", NULL);
		return true;
	}
	return false;
}

/* Strip delays claiming to be from the room (#1055), at priority 0. */
static bool groupchat_strip_delay(muc_event *ev)
{
	const char *room = room_jid(ev->room);
	for (xml_node *c = xml_first(ev->stanza), *next; c; c = next) {
		next = xml_next(c);
		bool delay = is(xml_name(c), "delay") && is(xml_ns(c), NS_DELAY);
		bool legacy = is(xml_name(c), "x") && is(xml_ns(c), "jabber:x:delay");
		if ((delay || legacy) && is(xml_attr(c, "from"), room))
			xml_remove(c);
	}
	return false;
}

static void handle_groupchat(muc_room *r, xml_node *stanza)
{
	const char *from = xml_attr(stanza, "from");
	if (!xml_attr(stanza, "id"))  /* util.id.medium: 12 random bytes */
		xml_set_attr(A(r), stanza, "id", world_random_id(room_world(r), 12));
	muc_event ev = {.room = r, .stanza = stanza,
		.occupant = room_occupant_by_real_jid(r, from)};
	if (muc_fire(r, EV_OCCUPANT_GROUPCHAT, &ev))
		return;
	xml_set_attr(A(r), stanza, "from", ev.occupant ? ev.occupant->nick : room_jid(r));
	room_broadcast_message(r, stanza);
}

/* ---- invitations ----------------------------------------------------------- */

static xml_node *muc_user_payload(const xml_node *stanza, const char *name)
{
	xml_node *x = xml_child(stanza, "x", NS_MUC_USER);
	return x ? xml_child(x, name, NULL) : NULL;
}

/* A copy of stanza without MUC payloads, from the room to `to`, carrying
 * <x muc#user><name from=…><reason>…</reason></name></x>. */
static xml_node *relay_copy(muc_room *r, const xml_node *stanza, const char *to,
		const char *name, const char *reason)
{
	xml_node *m = presence_filtered(A(r), stanza);
	xml_set_attr(A(r), m, "from", room_jid(r));
	xml_set_attr(A(r), m, "to", to);
	xml_node *x = xml_add_elem(A(r), m, NS_MUC_USER, "x", NULL);
	xml_node *item = xml_add_elem(A(r), x, NULL, name, NULL);
	xml_set_attr(A(r), item, "from", xml_attr(stanza, "from"));
	xml_add_elem(A(r), item, NULL, "reason", reason ? reason : "");
	return m;
}

static const char *reason_suffix(muc_room *r, const char *reason)
{
	return reason && *reason ? arena_printf(A(r), " (%s)", reason) : "";
}

static void handle_invite(muc_room *r, xml_node *stanza, xml_node *payload)
{
	jid invitee;
	if (!jid_prep(A(r), xml_attr(payload, "to"), &invitee)) {
		room_reply_error(r, stanza, "cancel", "jid-malformed", NULL, NULL);
		return;
	}
	const char *from = xml_attr(stanza, "from");
	muc_occupant *inviter = room_occupant_by_real_jid(r, from);
	muc_role role = inviter ? inviter->role
		: room_default_role(r, room_affiliation(r, from));
	muc_event pre = {.room = r, .stanza = stanza};
	if (role <= ROLE_VISITOR) {
		room_reply_error(r, stanza, "auth", "forbidden", NULL, NULL);
		return;
	}
	if (muc_fire(r, EV_PRE_INVITE, &pre))
		return;
	const char *reason = xml_child_text(payload, "reason", NULL);
	const char *to = jid_full(A(r), &invitee);
	xml_node *invite = relay_copy(r, stanza, to, "invite", reason);
	muc_event ev = {.room = r, .stanza = invite};
	muc_fire(r, EV_INVITE, &ev);
	room_route(r, invite);
}

/* Hooks on muc-invite: the legacy jabber:x:conference element and a body
 * for clients without invitation support. */
static bool invite_compat(muc_event *ev)
{
	muc_room *r = ev->room;
	xml_node *invite = muc_user_payload(ev->stanza, "invite");
	const char *reason = xml_child_text(invite, "reason", NULL);
	xml_node *x = xml_add_elem(A(r), ev->stanza, "jabber:x:conference", "x",
			reason ? reason : "");
	xml_set_attr(A(r), x, "jid", room_jid(r));
	if (!xml_child(ev->stanza, "body", NULL))
		xml_add_elem(A(r), ev->stanza, NULL, "body", arena_printf(A(r),
				"%s invited you to the room %s%s", xml_attr(invite, "from"),
				room_jid(r), reason_suffix(r, reason)));
	return false;
}

/* whois.lib.lua muc-invite at 50: hide the inviter's real JID from an
 * invitee who would not be a moderator. */
static bool invite_mask_inviter(muc_event *ev)
{
	muc_room *r = ev->room;
	const char *to = xml_attr(ev->stanza, "to");
	if (strcmp(room_whois(r), "moderators") != 0
			|| room_default_role(r, room_affiliation(r, to)) == ROLE_MODERATOR)
		return false;
	xml_node *invite = muc_user_payload(ev->stanza, "invite");
	const char *nick = room_occupant_jid(r, xml_attr(invite, "from"));
	if (nick)
		xml_set_attr(A(r), invite, "from", nick);
	return false;
}

static void handle_decline(muc_room *r, xml_node *stanza, xml_node *payload)
{
	jid declinee;
	if (!jid_prep(A(r), xml_attr(payload, "to"), &declinee)) {
		room_reply_error(r, stanza, "cancel", "jid-malformed", NULL, NULL);
		return;
	}
	const char *reason = xml_child_text(payload, "reason", NULL);
	const char *to = jid_full(A(r), &declinee);
	xml_node *decline = relay_copy(r, stanza, to, "decline", reason);
	if (!xml_child(decline, "body", NULL))
		xml_add_elem(A(r), decline, NULL, "body", arena_printf(A(r),
				"%s declined your invite to the room %s%s",
				xml_attr(stanza, "from"), room_jid(r), reason_suffix(r, reason)));
	muc_occupant *o = NULL;
	if (is(jid_bare(A(r), &declinee), room_jid(r)))
		o = room_occupant_by_nick(r, to);
	if (o)
		room_route_to_occupant(r, o, decline);
	else
		room_route(r, decline);
}

void room_handle_message_to_room(muc_room *r, xml_node *stanza)
{
	const char *type = xml_attr(stanza, "type");
	if (is(type, "groupchat")) {
		handle_groupchat(r, stanza);
		return;
	}
	if (is(type, "error") && is_kickable_error(stanza)) {
		room_handle_kickable(r, stanza);
		return;
	}
	if (!type || is(type, "normal")) {
		xml_node *x = xml_child(stanza, "x", NS_MUC_USER);
		if (x) {
			xml_node *payload = xml_first(x);
			if (payload && is(xml_name(payload), "invite") && xml_attr(payload, "to"))
				handle_invite(r, stanza, payload);
			else if (payload && is(xml_name(payload), "decline") && xml_attr(payload, "to"))
				handle_decline(r, stanza, payload);
			else
				room_reply_error(r, stanza, "cancel", "bad-request", NULL, NULL);
			return;
		}
		xml_node *form = xml_child(stanza, "x", NS_DATA);
		if (room_is_voice_request(form)) {
			room_handle_voice_request(r, stanza, form);
			return;
		}
	}
	room_unhandled(r, stanza);
}

/* ---- private messages and IQs ----------------------------------------------- */

void room_handle_message_to_occupant(muc_room *r, xml_node *stanza)
{
	const char *from = xml_attr(stanza, "from");
	const char *type = xml_attr(stanza, "type");
	const char *current = room_occupant_jid(r, from);
	if (!current) {
		room_reply_error(r, stanza, "cancel", "not-acceptable",
				"You are not currently connected to this chat", room_jid(r));
		return;
	}
	if (is(type, "groupchat")) {
		room_reply_error(r, stanza, "modify", "bad-request", NULL, room_jid(r));
		return;
	}
	if (is(type, "error") && is_kickable_error(stanza)) {
		room_handle_kickable(r, stanza);
		return;
	}
	muc_occupant *to = room_occupant_by_nick(r, xml_attr(stanza, "to"));
	if (!to) {
		room_reply_error(r, stanza, "cancel", "item-not-found",
				"Recipient not in room", room_jid(r));
		return;
	}
	xml_node *pm = presence_filtered(A(r), stanza);
	xml_add_elem(A(r), pm, NS_MUC_USER, "x", NULL);
	xml_set_attr(A(r), pm, "from", current);
	muc_event ev = {.room = r, .stanza = pm};
	if (!muc_fire(r, EV_PRIVATE_MESSAGE, &ev))
		room_route_to_occupant(r, to, pm);
}

/* The first 8 bytes of HMAC-SHA256(salt, addr), as the room tags the
 * IQs it relays so that only the right session's reply is accepted. */
static void session_tag(muc_room *r, const char *addr, unsigned char out[8])
{
	const char *salt = room_salt(r);
	unsigned char mac[SHA256_DIGEST_LEN];
	hmac_sha256(salt, strlen(salt), addr, strlen(addr), mac);
	memcpy(out, mac, 8);
}

/* The relayed IQ's id: base64(target jid NUL original id NUL tag). */
static const char *relay_id(muc_room *r, const char *target, const char *id,
		const char *from)
{
	size_t tn = strlen(target), in = strlen(id);
	size_t n = tn + 1 + in + 1 + 8;
	unsigned char *raw = arena_alloc(A(r), n);
	memcpy(raw, target, tn);
	memcpy(raw + tn + 1, id, in);
	session_tag(r, from, raw + tn + 1 + in + 1);
	char *out = arena_alloc(A(r), BASE64_ENCODED_SIZE(n));
	base64_encode(raw, n, out);
	return out;
}

/* Relayed IQs awaiting their reply: Prosody encodes this in the id and
 * decodes it again; a record keyed by the id it sent has the same effect. */
typedef struct relay {
	const char *id;            /* the id the room sent */
	const char *target;        /* the session it went to */
	const char *orig_id;
	const char *requester;     /* the session that asked */
} relay;

static vec *relays(muc_room *r)
{
	return room_slot(r, SLOT_RELAY, sizeof(vec));
}

void room_relay_iq_reply(muc_room *r, xml_node *stanza, muc_occupant *to)
{
	if (!to)
		return;
	const char *from = xml_attr(stanza, "from"), *id = xml_attr(stanza, "id");
	vec *v = relays(r);
	for (size_t i = 0; i < v->len; i++) {
		relay *rl = v->items[i];
		if (!is(rl->id, id))
			continue;
		if (!is(from, rl->target) && !is(from, jid_bare_of(A(r), rl->target)))
			return;
		const char *from_nick = room_occupant_jid(r, rl->target);
		if (!from_nick || !occupant_presence(to, rl->requester))
			return;
		xml_node *reply = xml_copy(A(r), stanza);
		xml_set_attr(A(r), reply, "from", from_nick);
		xml_set_attr(A(r), reply, "to", rl->requester);
		xml_set_attr(A(r), reply, "id", rl->orig_id);
		room_route(r, reply);
		return;
	}
}

void room_handle_iq_to_occupant(muc_room *r, xml_node *stanza)
{
	const char *from = xml_attr(stanza, "from"), *to = xml_attr(stanza, "to");
	const char *type = stanza_type(stanza);
	muc_occupant *o = room_occupant_by_nick(r, to);
	if (is(type, "error") || is(type, "result")) {
		room_relay_iq_reply(r, stanza, o);
		return;
	}
	const char *current = room_occupant_jid(r, from);
	if (!current) {
		room_reply_error(r, stanza, "cancel", "not-acceptable",
				"You are not currently connected to this chat", room_jid(r));
		return;
	}
	if (!o) {
		room_reply_error(r, stanza, "cancel", "item-not-found",
				"Recipient not in room", room_jid(r));
		return;
	}
	xml_node *payload = xml_first(stanza);
	if (is(to, current) && is(type, "get") && payload
			&& is(xml_name(payload), "ping") && is(xml_ns(payload), NS_PING)) {
		room_reply(r, stanza, NULL);  /* XEP-0410 self-ping */
		return;
	}
	relay *rl = arena_alloc(A(r), sizeof *rl);
	rl->id = relay_id(r, o->primary, xml_attr(stanza, "id"), from);
	rl->target = o->primary;
	rl->orig_id = xml_attr(stanza, "id");
	rl->requester = from;
	vec_push(A(r), relays(r), rl);
	xml_node *out = xml_copy(A(r), stanza);
	xml_set_attr(A(r), out, "id", rl->id);
	xml_set_attr(A(r), out, "from", current);
	const char *ns = payload ? xml_ns(payload) : "";
	bool to_bare = is(ns, "vcard-temp") || is(ns, "http://jabber.org/protocol/pubsub")
		|| is(ns, "urn:ietf:params:xml:ns:vcard-4.0");
	xml_set_attr(A(r), out, "to", to_bare ? jid_bare_of(A(r), o->primary) : o->primary);
	room_route(r, out);
}

const muc_hook muc_message_hooks[] = {
	{EV_OCCUPANT_GROUPCHAT, 50, groupchat_role_check},
	{EV_OCCUPANT_GROUPCHAT, 0, groupchat_strip_delay},
	{EV_INVITE, 50, invite_mask_inviter},
	{EV_INVITE, 0, invite_compat},
	{0, 0, NULL},
};
