/* muc_internal.h — the contract between the MUC core and its features.
 *
 * Prosody's mod_muc is a core that fires named events, and feature files
 * that hook them at priorities (higher first; the first handler that
 * returns true stops the event).  mucsim mirrors that: each feature file
 * exports a table of muc_hook rows, service.c gathers the tables, and
 * muc_fire() runs an event's hooks in priority order.  Reading a feature
 * file next to its Prosody namesake (password.c ↔ password.lib.lua) should
 * show the same checks at the same priorities.
 *
 * Occupants are kept in join order and sessions in arrival order wherever
 * Prosody iterates a Lua hash: the simulator's order is deterministic,
 * Prosody's is not (../shared/SCANSION.md, "Versions").
 */
#ifndef MUCSIM_MUC_INTERNAL_H
#define MUCSIM_MUC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "muc.h"
#include "vec.h"
#include "xml.h"

#define NS_MUC       "http://jabber.org/protocol/muc"
#define NS_MUC_USER  "http://jabber.org/protocol/muc#user"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_DATA      "jabber:x:data"
#define NS_DELAY     "urn:xmpp:delay"
#define NS_OCCUPANT_ID "urn:xmpp:occupant-id:0"
#define NS_SID       "urn:xmpp:sid:0"
#define NS_HINTS     "urn:xmpp:hints"
#define NS_REGISTER  "jabber:iq:register"
#define FORM_ROOMCONFIG "http://jabber.org/protocol/muc#roomconfig"

/* Ranks, as in Prosody's muc/util.lib.lua: comparisons use these values. */
typedef enum muc_role {
	ROLE_NONE = 0, ROLE_VISITOR, ROLE_PARTICIPANT, ROLE_MODERATOR
} muc_role;

typedef enum muc_affiliation {
	AFF_OUTCAST = -1, AFF_NONE = 0, AFF_MEMBER, AFF_ADMIN, AFF_OWNER
} muc_affiliation;

const char *muc_role_name(muc_role r);
const char *muc_affiliation_name(muc_affiliation a);
bool muc_role_parse(const char *s, muc_role *out);          /* NULL → none */
bool muc_affiliation_parse(const char *s, muc_affiliation *out);

typedef struct muc_room muc_room;
typedef struct muc_occupant muc_occupant;

/* One session (real full JID) of an occupant and its last presence, which
 * is kept filtered of MUC payloads, from the occupant JID, to the session. */
typedef struct muc_session {
	const char *addr;
	xml_node *presence;
} muc_session;

struct muc_occupant {
	const char *nick;          /* occupant JID: room@service/nick */
	const char *bare_jid;      /* real bare JID */
	muc_role role;
	const char *primary;       /* primary session's full JID, or NULL */
	vec sessions;              /* muc_session *, arrival order */
	const char *occupant_id;   /* cached XEP-0421 id */
};

/* ---- events ------------------------------------------------------------ */

typedef enum muc_event_kind {
	EV_ROOM_PRE_CREATE,
	EV_OCCUPANT_PRE_JOIN,
	EV_OCCUPANT_PRE_CHANGE,
	EV_OCCUPANT_PRE_LEAVE,
	EV_OCCUPANT_JOINED,
	EV_OCCUPANT_SESSION_NEW,
	EV_OCCUPANT_LEFT,
	EV_OCCUPANT_GROUPCHAT,
	EV_PRIVATE_MESSAGE,
	EV_PRE_INVITE,
	EV_INVITE,
	EV_BROADCAST_MESSAGE,
	EV_BUILD_OCCUPANT_PRESENCE,
	EV_BROADCAST_PRESENCE,
	EV_GET_DEFAULT_ROLE,
	EV_CONFIG_SUBMITTED,
	EV_ROOM_DESTROYED,
	EV_DISCO_INFO_NODE,        /* muc-disco#info/<node> */
	EV_COUNT
} muc_event_kind;

typedef struct muc_event {
	muc_room *room;
	xml_node *stanza;          /* the stanza being handled or built */
	muc_occupant *occupant;    /* the occupant concerned */
	muc_occupant *dest_occupant;  /* pre-change: where the session goes */
	bool is_new_room;          /* pre-join of the creating presence */
	muc_affiliation affiliation;  /* get-default-role: input */
	muc_role role;             /* get-default-role: output */
	bool *status_codes;        /* config-submitted: codes to announce */
	const char *reason, *newjid;  /* room-destroyed */
	xml_node *reply;           /* disco#info node: the <query/> being built */
} muc_event;

/* A handler returns true to stop the event (it has answered). */
typedef bool (*muc_hook_fn)(muc_event *ev);

typedef struct muc_hook {
	muc_event_kind event;
	int priority;
	muc_hook_fn fn;
} muc_hook;

/* Run an event's hooks, highest priority first; true if one stopped it. */
bool muc_fire(muc_room *r, muc_event_kind kind, muc_event *ev);

/* ---- configuration fields ------------------------------------------------ */

/* Status codes a configuration change announces (XEP-0045 §10.2.1). */
enum { STATUS_CONFIG_CHANGED, STATUS_LOGGING_ON, STATUS_LOGGING_OFF,
	STATUS_NON_ANONYMOUS, STATUS_SEMI_ANONYMOUS, STATUS_COUNT };

typedef enum muc_field_type {
	FIELD_FIXED, FIELD_HIDDEN, FIELD_BOOLEAN, FIELD_TEXT_SINGLE,
	FIELD_TEXT_PRIVATE, FIELD_LIST_SINGLE, FIELD_LIST_MULTI
} muc_field_type;

/* A submitted value: absent (not in the form), or present with 0..n
 * values, or present but unreadable (Prosody then passes nil). */
typedef struct muc_value {
	const char *text;          /* first <value>, NULL when none/invalid */
	bool flag;                 /* booleans: parsed value */
	bool valid;                /* the field reader accepted it */
	const char *const *list;   /* list-multi: NULL-terminated values */
} muc_value;

/* One row of the owner configuration form (tables end with a row whose
 * var and label are both NULL).  Rows appear in the form in
 * the order of their priority (Prosody's muc-config-form hook priorities)
 * and are applied in table order on submission (muc-config-submitted/…). */
typedef struct muc_field {
	int priority;
	const char *var;           /* NULL for a fixed section title */
	muc_field_type type;
	const char *label;         /* a fixed field's text */
	const char *desc;
	const char *datatype;      /* xs:integer etc., or NULL */
	/* Write the current value(s) as <value/> children of field. */
	void (*current)(muc_room *r, xml_node *field);
	/* Options of a list field: NULL-terminated value/label pairs. */
	const char *const *options;
	/* Apply a submitted value; set status codes when something changed.
	 * Returns false where Prosody raises a Lua error: the stanza is then
	 * dropped unanswered, with what was applied so far kept. */
	bool (*submit)(muc_room *r, const muc_value *v, bool *codes);
} muc_field;

/* ---- the service (service.c) -------------------------------------------- */

world *muc_world(const muc *m);
const profile *muc_profile(const muc *m);
arena *muc_arena(const muc *m);
const char *muc_domain(const muc *m);
/* Rooms in creation order (tombstones included), and by JID. */
muc_room *muc_room_at(const muc *m, size_t i);
muc_room *muc_find_room(const muc *m, const char *room);
/* Forget a room (destroyed, or empty and temporary). */
void muc_forget_room(muc *m, muc_room *r);
/* A version 4 UUID drawn from the world's PRNG. */
const char *muc_uuid(muc *m);
/* Ad-hoc sessions left executing: was `id` open?  Afterwards it is open
 * exactly when keep is true. */
bool muc_command_session(muc *m, const char *id, bool keep);
/* IQs to the service's own JID (disco, unique names, ad-hoc commands),
 * adhoc.c; false when the stanza is not one of these. */
bool muc_service_iq(muc *m, xml_node *stanza);
bool room_is_tombstone(const muc_room *r);

/* ---- the room core (room.c) ---------------------------------------------- */

muc_room *room_new(muc *m, const char *addr);
muc *muc_of(const muc_room *r);
world *room_world(const muc_room *r);
arena *room_arena(const muc_room *r);
const char *room_jid(const muc_room *r);

/* Per-room settings, one slot per feature (Prosody's room._data). */
typedef enum room_option {
	OPT_PASSWORD, OPT_NAME, OPT_DESCRIPTION, OPT_LANGUAGE, OPT_SUBJECT,
	OPT_SUBJECT_FROM, OPT_SALT, OPT_WHOIS, OPT_DESTROY_REASON,
	OPT_DESTROY_NEWJID, OPT_COUNT
} room_option;
typedef enum room_flag {
	FLAG_PERSISTENT, FLAG_HIDDEN, FLAG_MEMBERS_ONLY, FLAG_MODERATED,
	FLAG_CHANGESUBJECT, FLAG_ALLOW_MEMBER_INVITES, FLAG_TOMBSTONE, FLAG_COUNT
} room_flag;
typedef enum room_number_slot {
	NUM_LOCKED_UNTIL, NUM_SUBJECT_TIME, NUM_BROADCAST, NUM_COUNT
} room_number_slot;

const char *room_get(const muc_room *r, room_option o);   /* NULL if unset */
/* Store (copied; NULL or "" unsets); true when the value changed. */
bool room_set(muc_room *r, room_option o, const char *value);
bool room_flag_get(const muc_room *r, room_flag f);
bool room_flag_set(muc_room *r, room_flag f, bool value); /* true: changed */
uint64_t room_number(const muc_room *r, room_number_slot n);
void room_number_set(muc_room *r, room_number_slot n, uint64_t value);
/* A feature's own state in a room: zeroed `size` bytes on first use. */
typedef enum room_slot_id { SLOT_HISTORY, SLOT_RELAY, SLOT_COUNT } room_slot_id;
void *room_slot(muc_room *r, room_slot_id s, size_t size);
const char *room_whois(const muc_room *r);  /* "moderators" or "anyone" */
bool room_is_destroying(const muc_room *r);
void room_set_destroying(muc_room *r);

/* Send a copy of a stanza from the room (module:send). */
void room_route(muc_room *r, xml_node *stanza);
/* Error replies as util.stanza builds them (legacy codes per profile). */
xml_node *room_error(muc_room *r, const xml_node *stanza, const char *type,
		const char *condition, const char *text, const char *by);
/* Send that error back, unless stanza is an error or a result. */
void room_reply_error(muc_room *r, const xml_node *stanza, const char *type,
		const char *condition, const char *text, const char *by);
/* Send a result (st.reply) with an optional payload. */
void room_reply(muc_room *r, const xml_node *stanza, xml_node *payload);

/* Affiliations, by bare JID (or domain, for host-wide bans).  Storing
 * one keeps the registration data (the reserved nick) when reserved_nick
 * is NULL, clears it when it is "", and sets it otherwise, as
 * set_affiliation does with data nil, false or a table; affiliation none
 * clears everything. */
muc_affiliation room_affiliation(const muc_room *r, const char *addr);
void room_store_affiliation(muc_room *r, const char *bare, muc_affiliation a,
		const char *reserved_nick, const char *reason);
size_t room_affiliation_count(const muc_room *r);
bool room_affiliation_at(const muc_room *r, size_t i, const char **addr,
		muc_affiliation *a, const char **reserved_nick, const char **reason);
muc_role room_default_role(muc_room *r, muc_affiliation a);

/* Occupants.  Lookups return copies; changes take effect through
 * room_save_occupant(), which returns the stored copy, or NULL when the
 * occupant has no live session left and so has left the room. */
muc_occupant *occupant_new(muc_room *r, const char *bare_jid, const char *nick);
muc_occupant *occupant_copy(muc_room *r, const muc_occupant *o);
void occupant_set_session(muc_room *r, muc_occupant *o, const char *real_jid,
		const xml_node *presence, bool replace_primary);
void occupant_remove_session(muc_room *r, muc_occupant *o, const char *real_jid);
xml_node *occupant_presence(const muc_occupant *o, const char *addr); /* NULL: primary */
size_t occupant_session_count(const muc_occupant *o);
const char *occupant_session_jid(const muc_occupant *o, size_t i);
muc_occupant *room_save_occupant(muc_room *r, const muc_occupant *o);
muc_occupant *room_occupant_by_nick(const muc_room *r, const char *occupant_jid);
muc_occupant *room_occupant_by_real_jid(const muc_room *r, const char *real_jid);
const char *room_occupant_jid(const muc_room *r, const char *real_jid);
size_t room_occupant_count(const muc_room *r);
muc_occupant *room_occupant_at(const muc_room *r, size_t i);
/* A presence without MUC payloads (muc/util filter_muc_x). */
xml_node *presence_filtered(arena *a, const xml_node *presence);

/* The occupant JIDs of everyone in the room now, for loops whose body
 * may change the room: look each up again and skip those gone, as
 * Prosody's next() over the live table does. */
const char **room_occupant_nicks(const muc_room *r, size_t *n);
void room_route_to_occupant(muc_room *r, const muc_occupant *o, xml_node *stanza);
void room_broadcast(muc_room *r, xml_node *stanza, muc_role min_role);
void room_broadcast_message(muc_room *r, xml_node *stanza);
/* Whether mod_muc_mam archives this room's messages (on by default). */
bool room_archiving(muc_room *r);
/* Whether presence of occupants with this role is shown to others. */
bool room_broadcasts(const muc_room *r, muc_role role);

/* ---- presence (presence.c) ----------------------------------------------- */

void room_handle_first_presence(muc_room *r, xml_node *stanza);
void room_handle_presence_to_occupant(muc_room *r, xml_node *stanza);
void room_handle_presence_to_room(muc_room *r, xml_node *stanza);
/* publicise_occupant_status: x is the muc#user template for everyone,
 * self_x (or NULL: x) for the occupant itself. */
void room_publicise(muc_room *r, const muc_occupant *o, xml_node *x,
		xml_node *self_x, const char *nick, const char *actor,
		const char *reason, muc_role prev_role, bool force_unavailable,
		const muc_occupant *recipient);
/* send_occupant_list to `to`: skip_session leaves out the occupant whose
 * session `to` is; except_bare leaves out that real bare JID. */
void room_send_occupant_list(muc_room *r, const char *to, bool skip_session,
		const char *except_bare);
void room_add_status(muc_room *r, xml_node *x, const char *code);
void room_handle_kickable(muc_room *r, xml_node *stanza);
void room_respond_to_probe(muc_room *r, xml_node *stanza, muc_occupant *prober);
/* The unavailable presence of a registered nick not in the room. */
void room_send_unavailable_registered(muc_room *r, const char *nick_jid,
		const char *to);
/* The room's salt for occupant ids and relayed IQ tags (a UUID drawn
 * from the world's PRNG on first use, as occupant_id.lib.lua does). */
const char *room_salt(muc_room *r);
/* A result or error for an IQ the room relayed to an occupant. */
void room_relay_iq_reply(muc_room *r, xml_node *stanza, muc_occupant *to);
/* No handler: what Prosody's stanza router answers (service-unavailable). */
void room_unhandled(muc_room *r, xml_node *stanza);
/* Announce that occupant o left (muc-occupant-left). */
void room_occupant_left(muc_room *r, muc_occupant *o);

/* ---- messages, owner and admin queries ----------------------------------- */

void room_handle_message_to_room(muc_room *r, xml_node *stanza);
void room_handle_message_to_occupant(muc_room *r, xml_node *stanza);
void room_handle_iq_to_occupant(muc_room *r, xml_node *stanza);
/* Voice requests and their answers (request.c). */
bool room_is_voice_request(const xml_node *form);
void room_handle_voice_request(muc_room *r, xml_node *stanza, const xml_node *form);
void room_handle_owner_get(muc_room *r, xml_node *stanza);
void room_handle_owner_set(muc_room *r, xml_node *stanza);
void room_handle_admin_get(muc_room *r, xml_node *stanza);
void room_handle_admin_set(muc_room *r, xml_node *stanza);
void room_handle_disco_info(muc_room *r, xml_node *stanza);
void room_handle_disco_items(muc_room *r, xml_node *stanza);
/* jabber:iq:register gets and sets to the room (register.c). */
void room_handle_register_iq(muc_room *r, xml_node *stanza);
/* Reserved nicks (register.lib.lua get_registered_nick and
 * get_registered_jid): the nick reserved by a bare JID, and who reserved
 * a nick; NULL when none. */
const char *room_registered_nick(const muc_room *r, const char *bare);
const char *room_registered_jid(const muc_room *r, const char *nick);
bool room_destroy(muc_room *r, const char *newjid, const char *reason,
		const char *password);
/* set_affiliation / set_role; actor NULL means the service itself;
 * reserved_nick as for room_store_affiliation.
 * On refusal return false with the error type and condition. */
bool room_set_affiliation(muc_room *r, const char *actor, const char *addr,
		muc_affiliation a, const char *reason, const char *reserved_nick,
		const char **err_type, const char **err_cond);
bool room_set_role(muc_room *r, const char *actor, const char *occupant_jid,
		muc_role role, const char *reason, const char **err_type,
		const char **err_cond);

/* ---- permissions (permissions.c) ----------------------------------------- */

/* An affiliation change as set_affiliation judges it.  `from` is the
 * target's own affiliation (not a host-wide ban); `self` when the actor
 * changes its own; `other_owner` when someone else is an owner too. */
typedef struct muc_affiliation_change {
	muc_affiliation actor, from, to;
	bool self, other_owner;
} muc_affiliation_change;

/* NULL if allowed, else the error condition (type cancel). */
const char *muc_affiliation_refusal(const muc_affiliation_change *c);

/* A role change as may_set_role judges it; actor_role is ROLE_NONE when
 * the actor is not in the room. */
typedef struct muc_role_change {
	muc_affiliation actor_affiliation, target_affiliation;
	muc_role actor_role, from, to;
} muc_role_change;

const char *muc_role_refusal(const muc_role_change *c);

/* ---- features (features.c lists them) ------------------------------------ */

extern const muc_hook *const muc_feature_hooks[];
extern const muc_field *const muc_feature_fields[];

extern const muc_hook muc_core_hooks[], muc_service_hooks[], muc_message_hooks[],
	muc_nick_hooks[], muc_lock_hooks[], muc_password_hooks[],
	muc_members_only_hooks[], muc_options_hooks[], muc_history_hooks[],
	muc_subject_hooks[], muc_register_hooks[], muc_occupant_id_hooks[];
extern const muc_field muc_options_fields[], muc_password_fields[],
	muc_members_only_fields[], muc_history_fields[],
	muc_presence_broadcast_fields[];

#endif
