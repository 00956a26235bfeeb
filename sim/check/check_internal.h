/* check_internal.h — the contract between the checker's files.
 *
 * The checker works in three layers, one file each:
 *
 *  - track.c follows causality.  The MUC handles every stanza it is given
 *    synchronously and puts its answers in flight on server→client links,
 *    which are FIFOs; the checker sees them only when they are delivered.
 *    By watching how many stanzas each link holds (world_link_pending) at
 *    every event, it tags each stanza put in flight with the step that put
 *    it there, and so knows, for every delivery, which incoming stanzas
 *    caused it.  A *transaction* is what one step gave the MUC (usually one
 *    stanza; several when the server sends a session's unavailable presence
 *    to every room, or bounces the MUC's own output back to it) together
 *    with every delivery it caused.
 *  - shadow.c keeps the oracle's own model of each room, built only from
 *    observed outcomes: who each session was told it is (its self-presence),
 *    what it was shown of the others (its view), and the settings and
 *    affiliations as last accepted by requests that got a result.
 *  - judge.c and the rule files judge each transaction once all its
 *    deliveries are in, in the order the MUC handled them, against the
 *    model as it stood when the MUC decided; then apply the transaction's
 *    effects to the model.
 *
 * Nothing here includes the MUC's headers: the oracle shares no code with
 * what it judges.
 */
#ifndef MUCSIM_CHECK_INTERNAL_H
#define MUCSIM_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "vec.h"

#define NS_CLIENT_CHECK "jabber:client"
#define NS_MUC_CHECK "http://jabber.org/protocol/muc"
#define NS_MUC_USER_CHECK "http://jabber.org/protocol/muc#user"
#define NS_MUC_ADMIN_CHECK "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER_CHECK "http://jabber.org/protocol/muc#owner"
#define NS_DATA_CHECK "jabber:x:data"
#define NS_STANZAS_CHECK "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_OCCUPANT_ID_CHECK "urn:xmpp:occupant-id:0"
#define NS_SID_CHECK "urn:xmpp:sid:0"
#define NS_DELAY_CHECK "urn:xmpp:delay"
#define NS_LEGACY_DELAY_CHECK "jabber:x:delay"
#define NS_REGISTER_CHECK "jabber:iq:register"
#define NS_COMMANDS_CHECK "http://jabber.org/protocol/commands"

/* ---- ranks (muc/util.lib.lua L12-25) ---------------------------------- */

typedef enum rank_role {
	ROLE_NONE, ROLE_VISITOR, ROLE_PARTICIPANT, ROLE_MODERATOR
} rank_role;

typedef enum rank_affiliation {
	AFF_OUTCAST = -1, AFF_NONE, AFF_MEMBER, AFF_ADMIN, AFF_OWNER
} rank_affiliation;

/* Parse a role or affiliation name; false for anything else. */
bool rank_parse_role(const char *s, rank_role *out);
bool rank_parse_affiliation(const char *s, rank_affiliation *out);

/* ---- growable arrays of structs in the world's arena ------------------ */

typedef struct array {
	void *data;
	size_t len, cap;
} array;

/* A zeroed new last element of `size` bytes. */
void *array_push(arena *a, array *arr, size_t size);
/* Remove element i, keeping the order of the rest. */
void array_remove(array *arr, size_t i, size_t size);

/* ---- the shadow model (shadow.c) -------------------------------------- */

/* A setting as far as the oracle knows it: unknown after a request whose
 * outcome it could not see (a reply lost to a closed stream, a request
 * aborted half-way by a Lua error). */
typedef struct known_flag {
	bool known, value;
} known_flag;

typedef struct known_text {
	bool known;
	const char *value;             /* NULL: unset */
} known_text;

typedef enum room_existence { ROOM_ABSENT, ROOM_PRESENT, ROOM_UNCERTAIN } room_existence;

typedef struct affiliation_entry {
	const char *addr;              /* bare JID or domain (interned) */
	rank_affiliation affiliation;
	const char *reserved_nick;     /* registration data, or NULL */
	bool known;
	rank_affiliation ceiling;      /* while unknown: the highest it may be */
} affiliation_entry;

/* One occupant session, as the session itself was told (self-presence). */
typedef struct roster_entry {
	const char *session;           /* real full JID (interned) */
	const char *nick;              /* occupant JID room/nick (interned) */
	rank_role role;
	rank_affiliation affiliation;
	bool moving;                   /* told of a nick change (303), not yet of the new nick */
	bool stranded;                 /* perhaps in an incarnation no longer served (effects.c) */
} roster_entry;

/* The stable occupant id the room showed for a real bare JID. */
typedef struct id_binding {
	const char *bare, *id;         /* interned */
} id_binding;

typedef struct shadow_room {
	const char *addr;              /* bare room JID (interned) */
	room_existence existence;
	bool destroyed;                /* by an accepted destroy, until created again */
	const char *creator;           /* bare JID of the creating session */
	uint64_t created_s;            /* whole seconds, as Lua's os.time */
	known_flag locked, members_only, whois_anyone, persistent;
	known_text password;
	known_text subject, subject_from;
	bool broadcast_known;
	unsigned broadcast;            /* bit per rank_role whose presence is shown */
	array affiliations;            /* affiliation_entry, unknown ones included */
	array roster;                  /* roster_entry */
	array ids;                     /* id_binding */
	vec ghosts;                    /* occupant JIDs removed unannounced (322) */
	size_t broadcasts;             /* groupchat messages broadcast: bounds history */
	bool vacated;                  /* its only occupant changed nick (view.c) */
	bool murky;                    /* its views may hold what the model cannot follow,
	                                  until a new incarnation or its end (view.c) */
	vec unseen;                    /* sessions whose join it handled after their stream
	                                  closed: occupants perhaps, nobody told (effects.c) */
	bool unseen_left;              /* one of them left in the transaction judged */
	bool unseen_move;              /* its only occupant changed nick, nobody told (effects.c) */
	size_t sessions_before;        /* occupant sessions before the transaction judged */
	bool owned_before;             /* a stored owner before it (or not known) */
	room_existence existence_before; /* and whether it existed, destroyed or not */
	bool destroyed_before;
} shadow_room;

/* What a session was shown of a room: one entry per occupant nick. */
typedef struct view_entry {
	const char *nick;              /* occupant JID (interned) */
	rank_role role;
	rank_affiliation affiliation;
	bool unkept;                   /* shown outside the broadcast rules: not kept up to date */
	bool ghost;                    /* removed unannounced (322), not shown again since */
	bool stale;                    /* may have left unannounced since shown (view.c) */
	uint64_t shown_in;             /* step of the transaction that last showed it */
} view_entry;

typedef struct session_view {
	const char *session, *room;    /* interned */
	array entries;                 /* view_entry */
} session_view;

typedef struct affiliation_lookup {
	bool known;
	rank_affiliation affiliation;
	rank_affiliation ceiling;      /* the highest it may be (affiliation when known) */
} affiliation_lookup;

shadow_room *shadow_room_get(checker *c, const char *room);   /* created ABSENT */
shadow_room *shadow_room_find(checker *c, const char *room);  /* or NULL */
size_t shadow_room_count(const checker *c);
shadow_room *shadow_room_at(checker *c, size_t i);
/* A new incarnation created by `creator` at `now_ms` with the creating
 * presence's password (password.lib.lua L68-74). */
void shadow_room_create(checker *c, shadow_room *r, const char *creator,
		uint64_t now_ms, const char *password);
/* get_affiliation: service admins are owners (mod_muc.lua L118-124), then
 * the bare JID, then a ban of its domain (muc.lib.lua L1374-1381). */
affiliation_lookup shadow_affiliation(checker *c, shadow_room *r, const char *bare);
/* The stored entry of exactly this bare JID or domain, or NULL. */
affiliation_entry *shadow_affiliation_entry(shadow_room *r, const char *addr);
/* The highest affiliation an entry may stand for: its own when known, its
 * ceiling while unknown; none for no entry. */
rank_affiliation shadow_highest(const affiliation_entry *e);
/* set_affiliation's storage: `nick` NULL keeps reserved-nick data unless
 * the affiliation becomes none (muc.lib.lua L1457-1464). */
void shadow_affiliation_set(checker *c, shadow_room *r, const char *addr,
		rank_affiliation a, const char *nick, bool clear_data);
/* A change to `to` whose outcome is unseen: the entry is either what it
 * was or `to`, unknown, but no higher than either. */
void shadow_affiliation_forget(checker *c, shadow_room *r, const char *addr,
		rank_affiliation to);
/* Who reserved a nick (register.lib.lua get_registered_jid), or NULL. */
const char *shadow_reserved_by(shadow_room *r, const char *nick_resource);
/* Whether the room exists is no longer known (nor, then, whether it was
 * destroyed, or which incarnation the ids seen belong to).  A room held
 * absent can only be a fresh incarnation now: the default settings, its
 * password and lock unknown. */
void shadow_room_doubt(shadow_room *r);
/* A room the service no longer has: whoever was left in it is in a room
 * no longer served, and no longer an occupant session of this one. */
void shadow_room_forget(checker *c, shadow_room *r);
bool shadow_locked(const shadow_room *r, uint64_t now_ms);
bool shadow_broadcasts(const shadow_room *r, rank_role role);
/* No stored owner, as far as known: false while an unknown entry may be one. */
bool shadow_ownerless(const shadow_room *r);

roster_entry *shadow_roster_find(shadow_room *r, const char *session);
roster_entry *shadow_roster_at(shadow_room *r, size_t i);
void shadow_roster_remove(checker *c, shadow_room *r, const char *session);
/* The bare JID of the occupant holding this occupant JID, or NULL. */
const char *shadow_nick_bare(checker *c, shadow_room *r, const char *nick);
size_t shadow_session_count(const shadow_room *r);
/* Whether every occupant session but `e` (NULL: every one) is stranded:
 * one stranded may be in an incarnation that is gone (mod_muc.lua
 * L191-199), so the room in service may hold nobody else, and a departure
 * or nick change (muc.lib.lua L743-754) by `e` may empty it. */
bool shadow_only_stranded_besides(shadow_room *r, const roster_entry *e);

session_view *shadow_view(checker *c, const char *session, const char *room);
void shadow_view_clear(checker *c, const char *session, const char *room);
void shadow_view_clear_room(checker *c, const char *room);

/* The room's stable id for `bare`: bind it on first sight; false when it
 * contradicts an earlier binding (another id, or an id of another JID). */
bool shadow_bind_id(checker *c, shadow_room *r, const char *bare, const char *id);

/* ---- causality (track.c) ---------------------------------------------- */

/* A stanza the MUC was given. */
typedef struct input {
	const xml_node *stanza;
	uint64_t step, now_ms;
	const char *from;              /* interned: the real full JID, or an address of the service */
	const char *room;              /* interned bare room JID addressed, or NULL (the service) */
	const char *occupant;          /* interned `to` when it is an occupant JID, else NULL */
	bool internal;                 /* sent by the MUC itself */
} input;

/* A delivery caused by a transaction. */
typedef struct delivery {
	const xml_node *stanza;
	uint64_t step;
	const char *to;                /* interned session full JID */
	const char *room;              /* interned bare room JID of `from`, or NULL */
	const char *nick;              /* interned `from` when an occupant JID, else NULL */
} delivery;

typedef struct txn {
	struct txn *next;
	uint64_t step;
	array inputs;                  /* input */
	array deliveries;              /* delivery, in delivery order */
	size_t outstanding;            /* tagged stanzas still in flight */
	bool closed;                   /* its step is over: nothing more can be tagged */
} txn;

/* Observe one event: tag, record, and judge what is complete. */
void track_event(checker *c, const world_event *ev);
/* End the current step and judge everything complete. */
void track_flush(checker *c);
/* Whether the session's client is still connected. */
bool track_connected(checker *c, const char *session);

/* ---- the checker ------------------------------------------------------ */

/* A violation found, kept if it is the first. */
typedef struct finding {
	const char *invariant;
	uint64_t step;
	const xml_node *stanza, *cause;
} finding;

struct checker {
	world *w;
	arena *a;
	const char *domain;            /* the MUC's, interned */
	bool violated;
	check_violation first;
	/* track.c */
	bool started;
	uint64_t step;                 /* of the last event */
	world_hop root;                /* hop of the step's first event */
	txn *current;                  /* the step's transaction, if any */
	txn *head, *tail, *spare;      /* to judge, in order; recycled */
	array links;                   /* link_state, per client */
	uint64_t outputs;              /* deliveries judged: round-trip sampling */
	array scratch_member;          /* judge.c, reused per transaction */
	/* shadow.c */
	vec rooms;                     /* shadow_room * */
	array views;                   /* session_view */
	const char **pool;             /* interned strings: open addressing */
	size_t pool_len, pool_cap;
};

/* The interned copy of s[0..n). */
const char *check_intern(checker *c, const char *s, size_t n);
const char *check_intern_str(checker *c, const char *s);     /* NULL → NULL */

/* Record a violation (kept only if it is the first). */
void check_report(checker *c, const finding *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- addresses (read.c) ---------------------------------------------------
 * The MUC and the server only hand out prepared JIDs, so splitting is enough:
 * the bare JID ends at the first '/', the domain starts after an '@' before
 * it. */

size_t addr_bare_len(const char *s);
const char *addr_resource(const char *s);        /* after the first '/', or NULL */
bool addr_has_node(const char *s);
bool addr_domain_is(const char *s, const char *domain);
const char *addr_bare(checker *c, const char *s);           /* interned */
const char *addr_domain(checker *c, const char *s);         /* interned */
/* Jid equality as jid_prep compares: equal strings, or equal once prepared. */
bool addr_same(checker *c, const char *raw, const char *prepped);

/* ---- reading stanzas (read.c) ----------------------------------------- */

bool read_is(const char *a, const char *b);                 /* both set and equal */
const char *read_attr(const xml_node *e, const char *name); /* e may be NULL */
const char *read_type(const xml_node *s);                   /* "" when absent */
bool read_is_error(const xml_node *s);
size_t read_count(const xml_node *s, const char *name, const char *ns);
const xml_node *read_muc_user(const xml_node *s);
bool read_has_status(const xml_node *x, const char *code);
const xml_node *read_item(const xml_node *x);
/* A presence carrying status 110: what the room tells a session of itself. */
bool read_is_self_presence(const xml_node *s);
/* The error's defined condition (RFC 6120 §8.3.3), or NULL. */
const char *read_error_condition(const xml_node *s);
/* The first <field var=…> of a data form, or NULL. */
const xml_node *read_field(const xml_node *form, const char *var);
/* util.dataforms readers: the first <value/>'s text (NULL when none). */
const char *read_field_text(const xml_node *field);
bool read_field_true(const xml_node *field);                 /* "1" or "true" */

/* ---- judging (judge.c, rules_*.c) ------------------------------------- */

/* Judge one complete transaction, then apply its effects to the model. */
void judge_txn(checker *c, txn *t);
/* Judge a delivery that no transaction explains (a closed stream's). */
void judge_untracked(checker *c, const delivery *d);
/* The checks that hold only at quiescence. */
void judge_quiescent(checker *c);

#endif
