/* profile.h — the Prosody release a run models.
 *
 * Where Prosody releases differ in what a client can observe, the
 * difference is a named behaviour in one table (profile.c), each row
 * justified by the Prosody commit or source line that introduced it.
 * Code asks profile_has(p, BEHAVIOUR), never for a version number.
 */
#ifndef MUCSIM_PROFILE_H
#define MUCSIM_PROFILE_H

#include <stdbool.h>

typedef enum behaviour {
	/* Errors carry the legacy numeric code attribute (code='401'). */
	BEHAVIOUR_LEGACY_ERROR_CODES,
	/* A ban's reason is stored and returned in the outcast list. */
	BEHAVIOUR_OUTCAST_REASON,
	BEHAVIOUR_COUNT
} behaviour;

typedef struct profile profile;

#define PROFILE_DEFAULT "0.12"

/* The profile called name ("0.11", "0.12", "13"), or NULL. */
const profile *profile_find(const char *name);
const char *profile_name(const profile *p);
bool profile_has(const profile *p, behaviour b);
/* The accepted names, comma-separated, for usage messages. */
const char *profile_names(void);

#endif
