/* presence_broadcast.c — whose presence the room shows
 * (presence_broadcast.lib.lua): occupants whose role is not in the set
 * are invisible to others; changing the set announces or hides them. */
#include "muc_internal.h"

#include <string.h>

static const char *const role_options[] = {
	"none", "none", "visitor", "visitor", "participant", "participant",
	"moderator", "moderator", NULL,
};

/* Stored as a bit per role, with STORED set once a configuration chose
 * the set (which may be empty); 0 means the default: visitor,
 * participant, moderator. */
enum {
	DEFAULT_SET = (1 << ROLE_VISITOR) | (1 << ROLE_PARTICIPANT) | (1 << ROLE_MODERATOR),
	STORED = 1 << 8,
};

static unsigned broadcast_set(const muc_room *r)
{
	uint64_t set = room_number(r, NUM_BROADCAST);
	return set ? (unsigned)set & ~STORED : DEFAULT_SET;
}

bool room_broadcasts(const muc_room *r, muc_role role)
{
	return broadcast_set(r) & (1u << role);
}

static void broadcast_current(muc_room *r, xml_node *f)
{
	for (int role = ROLE_NONE; role <= ROLE_MODERATOR; role++)
		if (room_broadcasts(r, (muc_role)role))
			xml_add_elem(room_arena(r), f, NULL, "value", muc_role_name((muc_role)role));
}

/* A list-multi with no value makes Prosody iterate nil: an error. */
static bool broadcast_submit(muc_room *r, const muc_value *v, bool *codes)
{
	if (!v->list)
		return false;
	unsigned set = 0;
	for (const char *const *s = v->list; *s; s++) {
		muc_role role;
		if (muc_role_parse(*s, &role))
			set |= 1u << role;
	}
	unsigned old = broadcast_set(r);
	if (set == old)
		return true;
	/* Even a set of unknown role names is a table, not nil: nobody's
	 * presence is broadcast then (presence_broadcast.lib.lua L24). */
	room_number_set(r, NUM_BROADCAST, set | STORED);
	codes[STATUS_CONFIG_CHANGED] = true;
	for (size_t i = 0; i < room_occupant_count(r); i++) {
		muc_occupant *o = room_occupant_at(r, i);
		bool now = set & (1u << o->role), before = old & (1u << o->role);
		xml_node *x = xml_new(room_arena(r), NS_MUC_USER, "x");
		if (now && !before)
			room_publicise(r, o, x, NULL, NULL, NULL, NULL, ROLE_NONE, false, NULL);
		else if (before && !now)
			room_publicise(r, o, x, NULL, NULL, NULL, NULL, ROLE_NONE, true, NULL);
	}
	return true;
}

const muc_field muc_presence_broadcast_fields[] = {
	{70 - 7, "muc#roomconfig_presencebroadcast", FIELD_LIST_MULTI,
		"Only show participants with roles:", NULL, NULL, broadcast_current,
		role_options, broadcast_submit},
	{0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};
