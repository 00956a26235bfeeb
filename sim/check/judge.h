/* judge.h — judging one transaction: the context the rule files share.
 *
 * judge_txn (judge.c) runs the phases in this order, so that what is found
 * first is what the MUC got wrong first:
 *   1. creations: a presence the room answers with status 201 starts a new
 *      incarnation of the room in the model;
 *   2. the room's decisions, against the model as it stood when the room
 *      made them: joins (access.c), groupchat messages (traffic.c), changes
 *      of rank and privileged queries (authority.c);
 *   3. each delivery in delivery order (traffic.c), then its effect on the
 *      sessions' views and on who is in the room (view.c);
 *   4. the effects of the inputs on the model (effects.c);
 *   5. the state the transaction leaves (access.c), the replies
 *      (authority.c) and the number of deliveries (traffic.c).
 * Within one transaction, a violation of an access rule (password, lock,
 * ban, members-only, nick, destroy: who may be in a room) is reported
 * before any other found in it, even one found earlier: a state rule can
 * be judged only at the end, and what an intruder then receives (copies,
 * presences, occupant ids) is a consequence, not the cause.
 */
#ifndef MUCSIM_CHECK_JUDGE_H
#define MUCSIM_CHECK_JUDGE_H

#include "check_internal.h"

typedef enum input_kind {
	IN_OTHER,
	IN_PRESENCE,                   /* to an occupant JID or a room */
	IN_GROUPCHAT,                  /* message type groupchat to a room */
	IN_ROOM_MESSAGE,               /* other message to a room */
	IN_PRIVATE,                    /* message to an occupant JID */
	IN_IQ_GET,                     /* get to the service, a room or an occupant */
	IN_IQ_RELAYED,                 /* result or error to an occupant JID */
	IN_IQ_SET_ROOM,                /* set to a room or an occupant JID */
	IN_IQ_SET_SERVICE,             /* set to the service itself */
	IN_KIND_COUNT
} input_kind;

typedef struct judge {
	checker *c;
	txn *t;
	bool alone;                    /* a delivery no transaction explains */
	bool *member;                  /* per delivery: occupant session before or during */
	/* The transaction's first violation of a rule other than access, held
	 * back until the transaction is judged (judge_report). */
	bool held;
	finding held_finding;
	const char *held_text;
} judge;

input *judge_input(const judge *j, size_t i);
size_t judge_input_count(const judge *j);
delivery *judge_delivery(const judge *j, size_t i);
size_t judge_delivery_count(const judge *j);
input_kind judge_kind(const input *in);

/* The model of the room an input addresses, or NULL for the service. */
shadow_room *judge_room(judge *j, const input *in);
/* Report, with the transaction's first input as the cause: at once for an
 * access rule, at the end of the transaction for the others. */
void judge_report(judge *j, const char *invariant, uint64_t step,
		const xml_node *stanza, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The available self-presence that makes `session` join `room` in this
 * transaction (it was no occupant session before), or NULL. */
const delivery *judge_join_of(const judge *j, const char *session, const char *room);
/* The presence `session` sent to `room` in this transaction, or NULL. */
const input *judge_presence_from(const judge *j, const char *session, const char *room);
/* Replies (type result or error) to an IQ: how many, and the first. */
size_t judge_replies(const judge *j, const input *in, const delivery **first);
/* The occupant JID a muc#admin item's nick names in room r, interned:
 * resourceprepped first, as Prosody does (muc.lib.lua L1062-1068); NULL
 * when nick is NULL or does not prepare. */
const char *judge_item_occupant(judge *j, const shadow_room *r, const char *nick);
/* Whether the room sent `session` an error in this transaction. */
bool judge_error_to(const judge *j, const char *session, const char *room);

/* ---- the rule files --------------------------------------------------- */

void access_check_joins(judge *j);             /* password, lock, ban, members-only */
void access_check_state(judge *j);             /* ban, members-only, nick, destroy */
void traffic_check_groupchat(judge *j);        /* moderation, delivery */
void traffic_check_delivery(judge *j, size_t i);  /* wellformed, spoofing, destroy, privacy */
void traffic_check_amplification(judge *j);
void authority_check_decisions(judge *j);      /* privilege, privacy of lists */
void authority_check_replies(judge *j);        /* iq, privilege's owners */
/* set_affiliation's refusal (muc.lib.lua L1411-1433, mod_muc.lua L126-130)
 * of the change `in` asks to `target`'s affiliation, or NULL when allowed;
 * "" when the oracle cannot tell. */
const char *authority_affiliation_refusal(judge *j, shadow_room *r, const input *in,
		const char *target, rank_affiliation to);
void view_apply(judge *j, size_t i);
void view_check(checker *c);
/* After each transaction: mark the rooms the model lost track of, and
 * the view entries that may show occupants gone unannounced. */
void view_note_murk(checker *c, uint64_t txn_step);
/* A room became members-only: its non-members are gone, unannounced. */
void view_expel_non_members(checker *c, shadow_room *r);
/* A room may have become members-only: non-members may be gone,
 * unannounced, so its views are no longer judged (view_note_murk). */
void view_maybe_expel_non_members(checker *c, shadow_room *r);
/* A room in doubt was vacated: whoever is left in it may be in a room no
 * longer served. */
void view_strand(checker *c, shadow_room *r);
void effects_apply(judge *j);

#endif
