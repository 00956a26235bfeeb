/* permissions.c — who may change whose affiliation and role, as
 * muc.lib.lua's set_affiliation (L1400-1439) and may_set_role
 * (L1578-1613) decide.  Pure functions of ranks, so they can be tested
 * as tables. */
#include "muc_internal.h"

/* The affiliation ladder by the actor's affiliation: the highest
 * affiliation it may grant, and the highest it may take away.  Admins
 * move people between outcast, none and member only; owners do anything
 * (but see the last owner below); the rest nothing. */
static const struct {
	muc_affiliation actor;
	muc_affiliation max_grant, max_target;
} ladder[] = {
	{AFF_OWNER, AFF_OWNER, AFF_OWNER},
	{AFF_ADMIN, AFF_MEMBER, AFF_MEMBER},
};

const char *muc_affiliation_refusal(const muc_affiliation_change *c)
{
	for (size_t i = 0; i < sizeof ladder / sizeof *ladder; i++) {
		if (ladder[i].actor != c->actor)
			continue;
		if (c->to > ladder[i].max_grant || c->from > ladder[i].max_target)
			return "not-allowed";
		/* "need at least one owner": an owner's own downgrade. */
		if (c->actor == AFF_OWNER && c->self && c->to < c->from && !c->other_owner)
			return "conflict";
		return NULL;
	}
	return "not-allowed";
}

const char *muc_role_refusal(const muc_role_change *c)
{
	/* Nothing may be done to someone of higher affiliation. */
	if (c->actor_affiliation < c->target_affiliation)
		return "not-allowed";
	/* Giving or taking the moderator role takes an admin or owner. */
	if ((c->from == ROLE_MODERATOR || c->to == ROLE_MODERATOR)
			&& c->actor_affiliation < AFF_ADMIN)
		return "not-allowed";
	/* And the actor must be in the room as a moderator. */
	if (c->actor_role != ROLE_MODERATOR)
		return "not-allowed";
	return NULL;
}
