/* lock.c — a new room is locked until its owner configures it or five
 * minutes pass (lock.lib.lua: muc_room_locking, muc_room_lock_timeout). */
#include "muc_internal.h"

#include "stanza.h"

enum { LOCK_TIMEOUT_MS = 300 * 1000 };

/* room._data.locked holds the unlock time; 0 means unlocked.  Prosody
 * compares whole seconds (Lua's os.time against the unlock time). */
static void lock_unlock(muc_room *r)
{
	room_number_set(r, NUM_LOCKED_UNTIL, 0);
}

static bool lock_is_locked(muc_room *r)
{
	uint64_t until = room_number(r, NUM_LOCKED_UNTIL);
	if (!until)
		return false;
	if (world_now(room_world(r)) / 1000 < until / 1000)
		return true;
	lock_unlock(r);
	return false;
}

/* muc-room-pre-create at 10; the old groupchat protocol does not lock. */
static bool lock_on_create(muc_event *ev)
{
	if (xml_child(ev->stanza, "x", NS_MUC))
		room_number_set(ev->room, NUM_LOCKED_UNTIL,
				world_now(room_world(ev->room)) + LOCK_TIMEOUT_MS);
	return false;
}

/* muc-occupant-pre-join at -30: only the creating presence enters. */
static bool lock_check_join(muc_event *ev)
{
	if (ev->is_new_room || !lock_is_locked(ev->room))
		return false;
	xml_node *e = room_error(ev->room, ev->stanza, "cancel", "item-not-found",
			NULL, muc_domain(muc_of(ev->room)));
	room_route(ev->room, e);
	return true;
}

/* muc-config-submitted at -1: any accepted configuration unlocks. */
static bool lock_on_config(muc_event *ev)
{
	if (lock_is_locked(ev->room))
		lock_unlock(ev->room);
	return false;
}

const muc_hook muc_lock_hooks[] = {
	{EV_ROOM_PRE_CREATE, 10, lock_on_create},
	{EV_OCCUPANT_PRE_JOIN, -30, lock_check_join},
	{EV_CONFIG_SUBMITTED, -1, lock_on_config},
	{0, 0, NULL},
};
