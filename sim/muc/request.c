/* request.c — voice requests in moderated rooms (request.lib.lua): a
 * visitor's muc#request form goes to the moderators; a moderator's
 * answer with muc#request_allow grants the visitor voice. */
#include "muc_internal.h"

#include <string.h>

#include "jid.h"
#include "stanza.h"

#define FORM_REQUEST "http://jabber.org/protocol/muc#request"

static bool is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static const char *field_value(const xml_node *form, const char *var)
{
	for (xml_node *f = xml_first(form); f; f = xml_next(f))
		if (is(xml_name(f), "field") && is(xml_attr(f, "var"), var))
			return xml_child_text(f, "value", NS_DATA);
	return NULL;
}

bool room_is_voice_request(const xml_node *form)
{
	return form && is(field_value(form, "FORM_TYPE"), FORM_REQUEST);
}

static xml_node *request_field(arena *a, xml_node *form, const char *type,
		const char *var, const char *label, const char *desc, const char *value)
{
	xml_node *f = xml_add_elem(a, form, NULL, "field", NULL);
	xml_set_attr(a, f, "label", label);
	xml_set_attr(a, f, "type", type);
	xml_set_attr(a, f, "var", var);
	if (desc)
		xml_add_elem(a, f, NULL, "desc", desc);
	if (value)
		xml_add_elem(a, f, NULL, "value", value);
	return f;
}

/* The form moderators receive (voice_request_form:form(formdata)). */
static xml_node *request_form(arena *a, const char *requester, const char *nick)
{
	xml_node *x = xml_new(a, NS_DATA, "x");
	xml_set_attr(a, x, "type", "form");
	xml_add_elem(a, x, NULL, "title", "Voice Request");
	request_field(a, x, "hidden", "FORM_TYPE", NULL, NULL, FORM_REQUEST);
	request_field(a, x, "jid-single", "muc#jid", "User ID",
			"The user's JID (address)", requester);
	request_field(a, x, "text-single", "muc#roomnick", "Room nickname",
			"The user's nickname within the room", nick);
	xml_node *role = request_field(a, x, "list-single", "muc#role", "Requested role",
			NULL, NULL);
	static const char *const roles[] = {"none", "visitor", "participant", "moderator"};
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
		xml_node *o = xml_add_elem(a, role, NULL, "option", NULL);
		xml_set_attr(a, o, "label", roles[i]);
		xml_add_elem(a, o, NULL, "value", roles[i]);
	}
	xml_add_elem(a, role, NULL, "value", "participant");
	request_field(a, x, "boolean", "muc#request_allow", "Grant voice to this person?",
			"Specify whether this person is able to speak in a moderated room", "0");
	return x;
}

/* muc-voice-response: only a grant to a visitor does anything. */
static void voice_response(muc_room *r, xml_node *stanza, const xml_node *form)
{
	const char *allow = field_value(form, "muc#request_allow");
	if (!is(allow, "1") && !is(allow, "true"))
		return;
	jid who;
	const char *target = field_value(form, "muc#jid");
	if (!target || !jid_prep(room_arena(r), target, &who))
		return;
	muc_occupant *o = room_occupant_by_real_jid(r, jid_full(room_arena(r), &who));
	if (!o || o->role != ROLE_VISITOR)
		return;
	const char *type, *cond;
	if (!room_set_role(r, xml_attr(stanza, "from"), o->nick, ROLE_PARTICIPANT,
			"Voice granted", &type, &cond))
		room_reply_error(r, stanza, type, cond, NULL, NULL);
}

void room_handle_voice_request(muc_room *r, xml_node *stanza, const xml_node *form)
{
	muc_occupant *o = room_occupant_by_real_jid(r, xml_attr(stanza, "from"));
	/* A non-occupant makes Prosody index a nil occupant: the stanza dies
	 * unanswered. */
	if (!o)
		return;
	if (o->role == ROLE_MODERATOR) {
		voice_response(r, stanza, form);
		return;
	}
	if (o->role != ROLE_VISITOR)
		return;  /* participants' requests go nowhere */
	xml_node *m = xml_new(room_arena(r), NS_CLIENT, "message");
	xml_set_attr(room_arena(r), m, "from", room_jid(r));
	xml_set_attr(room_arena(r), m, "type", "normal");
	xml_add_child(m, request_form(room_arena(r), xml_attr(stanza, "from"),
			jid_resource_of(room_arena(r), o->nick)));
	room_broadcast(r, m, ROLE_MODERATOR);
}
