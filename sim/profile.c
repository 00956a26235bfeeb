/* profile.c — see profile.h. */
#include "profile.h"

#include <string.h>

struct profile {
	const char *name;
	bool has[BEHAVIOUR_COUNT];
};

/* Rows: which releases show each behaviour, and why.
 *  LEGACY_ERROR_CODES: util.stanza error_reply added legacy codes until
 *    Prosody 0.12.0 removed them (commit d621e0626); the seed script of
 *    Prosody changeset 10473 (0.11 era) expects code='401'.
 *  OUTCAST_REASON: Prosody 13.0 stores the reason of a ban and returns it
 *    in the outcast list (commit cb66977bd, issue 1227); 0.12.3 does not. */
static const profile profiles[] = {
	{"0.11", {[BEHAVIOUR_LEGACY_ERROR_CODES] = true}},
	{"0.12", {0}},
	{"13", {[BEHAVIOUR_OUTCAST_REASON] = true}},
};

const profile *profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
		if (name && !strcmp(profiles[i].name, name))
			return &profiles[i];
	return NULL;
}

const char *profile_name(const profile *p)
{
	return p->name;
}

bool profile_has(const profile *p, behaviour b)
{
	return b < BEHAVIOUR_COUNT && p->has[b];
}

const char *profile_names(void)
{
	return "0.11, 0.12, 13";
}
