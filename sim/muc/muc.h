/* muc.h — the Multi-User Chat service (XEP-0045) as Prosody 0.12's mod_muc
 * runs it, plugged into a world as a component.
 *
 * The service is a small core (room.c: occupants, presence, messages,
 * roles and affiliations; service.c: routing to rooms and creating them)
 * and one file per feature (lock.c, password.c, history.c, subject.c, …),
 * each contributing hooks to the core's events at Prosody's priorities and
 * rows to the configuration form.  muc_internal.h is the contract between
 * them; this header is all the rest of the simulator needs.
 */
#ifndef MUCSIM_MUC_H
#define MUCSIM_MUC_H

#include <stddef.h>

#include "profile.h"
#include "world.h"

#define MUC_DOMAIN "conference.localhost"

typedef struct muc muc;

/* Create the service for `domain` and register it with the world; it
 * models the world's profile.  It
 * lives in the world's arena and dies with the world. */
muc *muc_attach(world *w, const char *domain);

/* Rooms that currently exist (including locked ones), for tests. */
size_t muc_room_count(const muc *m);

#endif
