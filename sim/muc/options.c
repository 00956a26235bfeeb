/* options.c — the room settings that are only stored and shown: name,
 * description, language, persistence, visibility, subject changes by
 * participants, moderation,
 * whois, and the form's section titles (name.lib.lua, description.lib.lua,
 * language.lib.lua, persistent.lib.lua, hidden.lib.lua,
 * config_form_sections.lib.lua, moderated.lib.lua, whois.lib.lua). */
#include "muc_internal.h"

#include <string.h>

static void add_value(muc_room *r, xml_node *field, const char *value)
{
	xml_add_elem(room_arena(r), field, NULL, "value", value);
}

/* Text settings: unset shows no value (name) or an empty one. */
#define TEXT_OPTION(fn, opt, empty_when_unset)                                   \
	static void fn##_current(muc_room *r, xml_node *f)                       \
	{                                                                        \
		const char *v = room_get(r, opt);                                \
		if (v || empty_when_unset)                                       \
			add_value(r, f, v ? v : "");                             \
	}                                                                        \
	static bool fn##_submit(muc_room *r, const muc_value *v, bool *codes)    \
	{                                                                        \
		if (room_set(r, opt, v->text))                                   \
			codes[STATUS_CONFIG_CHANGED] = true;                     \
		return true;                                                     \
	}

TEXT_OPTION(name, OPT_NAME, false)
TEXT_OPTION(description, OPT_DESCRIPTION, true)
TEXT_OPTION(language, OPT_LANGUAGE, true)

/* Boolean settings stored as flags; `inverted` shows and takes the
 * opposite (publicroom is "not hidden").  An unset flag shows no value,
 * as Prosody's nil does; an unreadable submitted value counts as false. */
#define FLAG_OPTION(fn, which, inverted)                                          \
	static void fn##_current(muc_room *r, xml_node *f)                       \
	{                                                                        \
		bool on = room_flag_get(r, which);                                \
		if (on != inverted)                                              \
			add_value(r, f, "1");                                    \
		else if (inverted)                                               \
			add_value(r, f, "0");                                    \
	}                                                                        \
	static bool fn##_submit(muc_room *r, const muc_value *v, bool *codes)    \
	{                                                                        \
		if (room_flag_set(r, which, (v->valid && v->flag) != inverted))   \
			codes[STATUS_CONFIG_CHANGED] = true;                     \
		return true;                                                     \
	}

FLAG_OPTION(persistent, FLAG_PERSISTENT, false)
FLAG_OPTION(public, FLAG_HIDDEN, true)
FLAG_OPTION(changesubject, FLAG_CHANGESUBJECT, false)
FLAG_OPTION(moderated, FLAG_MODERATED, false)

static const char *const whois_options[] = {
	"moderators", "Moderators only", "anyone", "Anyone", NULL,
};

static void whois_current(muc_room *r, xml_node *f)
{
	add_value(r, f, room_whois(r));
}

/* set_whois asserts a valid value: anything else raises an error. */
static bool whois_submit(muc_room *r, const muc_value *v, bool *codes)
{
	const char *w = v->text;
	if (!w || (strcmp(w, "moderators") != 0 && strcmp(w, "anyone") != 0))
		return false;
	if (!strcmp(w, room_whois(r)))
		return true;
	room_set(r, OPT_WHOIS, w);
	codes[!strcmp(w, "moderators") ? STATUS_SEMI_ANONYMOUS : STATUS_NON_ANONYMOUS] = true;
	return true;
}

/* moderated.lib.lua muc-get-default-role at 1: visitors by default. */
static bool moderated_default_role(muc_event *ev)
{
	if (ev->affiliation != AFF_NONE || !room_flag_get(ev->room, FLAG_MODERATED))
		return false;
	ev->role = ROLE_VISITOR;
	return true;
}

const muc_hook muc_options_hooks[] = {
	{EV_GET_DEFAULT_ROLE, 1, moderated_default_role},
	{0, 0, NULL},
};

const muc_field muc_options_fields[] = {
	{100, NULL, FIELD_FIXED, "Room information", NULL, NULL, NULL, NULL, NULL},
	{100 - 1, "muc#roomconfig_roomname", FIELD_TEXT_SINGLE, "Title", NULL, NULL,
		name_current, NULL, name_submit},
	{100 - 2, "muc#roomconfig_roomdesc", FIELD_TEXT_SINGLE, "Description",
		"A brief description of the room", NULL, description_current, NULL,
		description_submit},
	{100 - 3, "muc#roomconfig_lang", FIELD_TEXT_SINGLE,
		"Language tag for room (e.g. 'en', 'de', 'fr' etc.)",
		"Indicate the primary language spoken in this room", "xs:language",
		language_current, NULL, language_submit},
	{100 - 5, "muc#roomconfig_persistentroom", FIELD_BOOLEAN,
		"Persistent (room should remain even when it is empty)",
		"Rooms are automatically deleted when they are empty, unless this option is enabled",
		NULL, persistent_current, NULL, persistent_submit},
	{100 - 9, "muc#roomconfig_publicroom", FIELD_BOOLEAN,
		"Include room information in public lists",
		"Enable this to allow people to find the room", NULL, public_current,
		NULL, public_submit},
	{90, NULL, FIELD_FIXED, "Access to the room", NULL, NULL, NULL, NULL, NULL},
	{80, NULL, FIELD_FIXED, "Permissions in the room", NULL, NULL, NULL, NULL, NULL},
	{80 - 1, "muc#roomconfig_changesubject", FIELD_BOOLEAN,
		"Allow anyone to set the room's subject",
		"Choose whether anyone, or only moderators, may set the room's subject",
		NULL, changesubject_current, NULL, changesubject_submit},
	{80 - 3, "muc#roomconfig_moderatedroom", FIELD_BOOLEAN,
		"Moderated (require permission to speak)",
		"In moderated rooms occupants must be given permission to speak by a room moderator",
		NULL, moderated_current, NULL, moderated_submit},
	{80 - 4, "muc#roomconfig_whois", FIELD_LIST_SINGLE,
		"Addresses (JIDs) of room occupants may be viewed by:", NULL, NULL,
		whois_current, whois_options, whois_submit},
	{70, NULL, FIELD_FIXED, "Other options", NULL, NULL, NULL, NULL, NULL},
	{0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL},
};
