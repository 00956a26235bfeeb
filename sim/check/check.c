/* check.c — the checker's life cycle, its reports, and the one place where
 * every invariant is defined (check_invariants[]).  How it follows
 * causality and keeps its model is in check_internal.h. */
#include "check_internal.h"

#include <stdarg.h>
#include <string.h>

/* Source lines cite Prosody 0.12 as Debian 12 ships it, under
 * /usr/lib/prosody/modules/muc/ unless another path is given.  "Occupant
 * session" means a real full JID the room last told, by a presence with
 * status 110, that it is in the room under some nick; "joins" means such a
 * session receives that presence while not being one. */
const check_invariant check_invariants[] = {
	{"password",
		"No session joins a room that had a password when the room handled its "
		"join presence unless that presence's <x xmlns='http://jabber.org/protocol/muc'> "
		"carried <password/> with exactly that text.  The password is the one the "
		"creating presence carried (password.lib.lua L68-74) or the one in the last "
		"configuration form that got a result; an empty one is none (L16-21).  "
		"Refinements: a nick change or presence update is not a join: Prosody checks "
		"the password in muc-occupant-pre-join only (L42-57); after a submission that "
		"got no reply (a Lua error aborted it, fields being applied in hash order, "
		"muc.lib.lua L976-979) the password is unknown until a form sets it again, "
		"unless that submission set the password the room had: each field's handler "
		"sets its own setting alone, so it is the same whether reached or not (so "
		"too for the other settings the oracle follows)."},
	{"lock",
		"While a room is locked no session joins it except by the presence that "
		"created it.  A room is locked from its creation (lock.lib.lua L33-38) until an "
		"owner's configuration submission passes the form-type check, or until 300 s "
		"of virtual time pass, compared in whole seconds as Lua's os.time does (L13, L17, L23-30).  "
		"Refinements: the creator's other sessions are refused too, since only the "
		"creating presence is exempt (is_new_room, L43-46); a submission that gets no "
		"reply still unlocks, because muc-config-submitted, where the lock is lifted "
		"(L52-56), fires before the per-field handler whose Lua error aborts it "
		"(muc.lib.lua L975-979); a form of type cancel does not unlock (L942-943)."},
	{"ban",
		"No outcast joins or stays.  A session whose bare JID, or whose domain, is an "
		"outcast when the room handles its join presence does not join "
		"(muc.lib.lua L446-455, L1374-1381), and after a transaction no connected "
		"occupant session has an outcast bare JID or domain: a ban removes its "
		"occupants in the same transaction (L1466-1494).  Refinement: service admins "
		"are owners of every room and cannot be banned (mod_muc.lua L118-131)."},
	{"members-only",
		"In a members-only room no session whose affiliation is below member joins "
		"(members_only.lib.lua L118-128), and after a transaction no connected "
		"occupant session of a members-only room is below member: making a room "
		"members-only removes them (322, L19-47) and so does revoking a membership "
		"(321, default role none L111-116, muc.lib.lua L1489-1494).  A join presence "
		"from below member gets an error and nothing else, since the pre-join check "
		"refuses it before anything is sent: a room that lets it through sends the "
		"occupant list even when the default role none then turns the session away "
		"(muc.lib.lua L761-767, L320-322); being turned away so also shows the room "
		"is members-only when the model does not know it, since only members-only "
		"gives the affiliation none the role none (members_only.lib.lua L111-116).  "
		"Refinements: an "
		"invitation relayed by a members-only room makes the invitee, outcasts "
		"included, a member (members_only.lib.lua L148-165); outcasts are told "
		"registration-required (priority -5 before the ban at -10)."},
	{"nick",
		"No session joins a room under a nick that a connected occupant session of "
		"another bare JID holds, or that another bare JID has reserved, and after every "
		"transaction the connected occupant sessions holding a nick in "
		"a room all have one bare JID (muc.lib.lua L686-696), and none holds a nick "
		"that another bare JID has reserved (register.lib.lua L77-90; reserving an "
		"occupied nick removes its holder, muc.lib.lua L1083-1089).  Refinement: "
		"reservations survive affiliation changes that do not give one, and end with "
		"the affiliation none or a registration removal (muc.lib.lua L1457-1464, "
		"register.lib.lua L149-152)."},
	{"view",
		"At quiescence each connected occupant session's view of its room, built only "
		"from the available and unavailable presences from occupant JIDs it received, "
		"has exactly the occupants whose role the room broadcasts, plus itself, each "
		"with the role and affiliation that occupant was last told of itself.  "
		"Refinements: the broadcast roles are visitor, participant and moderator by "
		"default (presence_broadcast.lib.lua L13-17) and otherwise the values of the "
		"last accepted muc#roomconfig_presencebroadcast, unknown names showing nobody "
		"(a table of them is not nil, L23-24, L70-76); what the room shows outside "
		"its broadcast rules it does not keep up to date, so a view may keep it, "
		"whatever it became: answers to the session's occupant's probes "
		"(respond_to_probe publicises to the prober alone, muc.lib.lua L597-615, "
		"L299-301) and occupants of the session's own bare JID with a hidden role, "
		"which the occupant list includes (L349-351) but later broadcasts do not (L308-313); "
		"occupants a room removes on becoming members-only are not announced to the "
		"others (members_only.lib.lua L40-45 publicises them without their previous "
		"role, and role none is not broadcast), so views may keep them too, as ghosts "
		"that say nothing of whoever takes the nick until the room shows it again "
		"(a holder whose role is not broadcast is never announced, muc.lib.lua "
		"L308-313; one whose role is must still be shown); a session a room drops "
		"for an error it sent is not told when other sessions of its occupant remain "
		"(muc.lib.lua L409-439), so it is no longer an occupant session from that "
		"error on.  A room the model loses track of is not judged again until it "
		"starts afresh (a creation seen, by a 201, or the room's certain end): "
		"one whose existence comes into doubt (a join handled after its sender's "
		"stream closed, an answer as by a room the model held gone, a temporary "
		"room perhaps emptied by its only occupant's nick change, L743-759, "
		"mod_muc.lua L191-199, and created again unseen by a refused join, "
		"L491-493), whose broadcast roles become unknown (a form with no reply), "
		"which may have removed non-members unseen (a members-only form with no "
		"reply), which may hold occupants nobody saw join, or whose occupants may "
		"be stranded in an incarnation that is gone: what its sessions were shown "
		"meanwhile may be any incarnation's, and stays in their views."},
	{"delivery",
		"A groupchat message the room accepts from an occupant session (it sends the "
		"sender no error) reaches every connected occupant session of the room exactly "
		"once and no other session, and one it refuses reaches nobody.  Refinement: a "
		"subject change that repeats the subject and its author is accepted without "
		"a broadcast (subject.lib.lua L74-77), so while the subject is unknown (a "
		"change whose sender's stream closed before anyone saw its broadcast) a "
		"subject change reaches every connected occupant session once, or none."},
	{"privacy",
		"(a) A session that is not an occupant session of a room before or during a "
		"transaction receives from the room only errors, IQ results, invitations, "
		"declines, affiliation notices (message with an item and no body, "
		"muc.lib.lua L1519-1526), destruction notices and voice-request forms.  "
		"(b) In a room whose whois is moderators, a real JID in a muc#user item@jid, "
		"actor@jid, invite@from or decline@from reaches a session only if the JID "
		"has the session's own bare JID, or the session's occupant is a moderator "
		"(can_see_real_jids, L211-217), or the session's affiliation is admin or "
		"owner and the presence answers its own presence or an affiliation change "
		"(is_anonymous_for, L553-566, used by send_occupant_list L338 and "
		"build_unavailable_presence L576).  (c) A muc#admin list reaches only an admin "
		"or owner asking for a rank not above its own, a member of a members-only "
		"room with whois anyone, or, for role lists, a moderator (L1115-1149).  "
		"Refinements: an invitation shows the inviter's real JID when the inviter is "
		"not an occupant or the invitee's affiliation makes it a moderator "
		"(whois.lib.lua L51-62, the FIXME at L57); a decline shows the decliner's "
		"(muc.lib.lua L1306-1313); (b) does not judge a transaction with an owner's "
		"form setting whois to anyone, since other stanzas handled in the same step "
		"(an error bounced by a gone session that removes its occupant) may be "
		"announced after the form was applied (whois.lib.lua L44-49); (a) and (b) "
		"judge a delivery only at the session the room addressed: a message to a "
		"session gone by the time it arrives goes to the other sessions of its bare "
		"JID (RFC 6121 8.5.3.2.1, as Prosody's mod_message does)."},
	{"moderation",
		"A groupchat message from a session whose occupant is a visitor, or that is "
		"not an occupant session, reaches no one.  Refinement: this holds in "
		"unmoderated rooms too, as the role check does not look at the setting "
		"(muc.lib.lua L1214-1225), and covers subject changes (the check runs at "
		"priority 50, subject.lib.lua's at 20)."},
	{"privilege",
		"(a) A muc#admin change that gets a result was allowed to its sender: an owner "
		"changes any affiliation except demoting itself as the last stored owner "
		"(conflict), an admin only moves JIDs between outcast, none and member, no one "
		"else changes affiliations (muc.lib.lua L1411-1433), no one makes a service "
		"admin anything but owner (mod_muc.lua L126-130); a role change needs an "
		"occupant session with role moderator, an affiliation not below the target's, "
		"and admin or owner to give or take the moderator role (muc.lib.lua "
		"L1586-1607).  A voice request's approval obeys the same role rule "
		"(request.lib.lua L93-126).  (b) Only owners get results to muc#owner queries "
		"(muc.lib.lua L1156-1169).  (c) A room always keeps an owner: a request that "
		"gets a result never takes a room's last stored owner unless a service admin "
		"sent it.  Refinement: service admins are owners of every room "
		"(component_admins_as_room_owners, mod_muc.lua L118-124) and may demote the "
		"last stored owner, the room keeping them as owners; nobody else can, since "
		"an owner demoting itself as the last one is refused (muc.lib.lua L1416-1424); "
		"an affiliation the model does not know (a change whose reply went to a closed "
		"stream, muc.lib.lua L1457) may be another owner if the change asked for one "
		"and its sender's rank allowed it (an admin never grants owner, L1425-1430), "
		"so an owner's self-demotion is then not judged; an invitation's unknown "
		"outcome or a registration's gives at most a member (members_only.lib.lua "
		"L148-165, register.lib.lua L147-229)."},
	{"spoofing",
		"What only the room asserts never reaches anyone in a form a client wrote: "
		"(1) a stanza from a room has at most one <occupant-id/>, and within one "
		"incarnation of the room each real bare JID has one id and no two have the "
		"same (occupant_id.lib.lua L34-47, the client's are removed at L43); "
		"(2) a presence from a room that is not an error has exactly one muc#user "
		"<x/>, the room's, since clients' are filtered (occupant.lib.lua L6-7, "
		"L51-52; util.lib.lua L44-56); (3) an accepted groupchat message is broadcast "
		"from its sender's occupant JID (muc.lib.lua L1204-1208) with no urn:xmpp:delay "
		"<delay/> or jabber:x:delay <x/> whose from is the room JID (L180-199) and at "
		"most one <stanza-id/> whose by prepares to the room JID, none of the sender's "
		"(mod_muc_mam.lua L353-365); (4) a private message is relayed from its "
		"sender's occupant JID with exactly one muc#user <x/>, empty (muc.lib.lua "
		"L910-912).  Refinements: a groupchat message keeps muc#user elements its "
		"sender wrote, as Prosody does not filter them (L1194-1212); they come from "
		"the sender's occupant JID, not the room's; the sender's occupant JID is the "
		"one it was last told of, so (3) and (4) do not judge where it comes from once "
		"the sender's stream has closed (it may have lost the news of a nick change), "
		"and (1) binds an id seen from an occupant JID only to the bare JID of a "
		"connected session holding it: a closed one may still hold, in the model, a "
		"nick it left (muc.lib.lua L724-759), which someone else may hold by now; nor "
		"to one stranded by its nick change as the only occupant of a room that may "
		"be temporary (muc.lib.lua L746-759, mod_muc.lua L191-199): the room may be "
		"gone and created again unseen (mod_muc.lua L491-493), where another bare JID "
		"may take that nick, until the room tells it of itself again; and (1) binds "
		"nothing from a delivery no transaction explains (read out of a stream that "
		"closed): the room may have gone and come back with a new salt since it was "
		"put in flight."},
	{"iq",
		"Every IQ get or set the service is given for its own JID or a room's bare JID "
		"gets exactly one reply, result or error, with the same id, from that address, "
		"to the sender, unless the sender's stream is gone.  Refinement: where Prosody "
		"raises a Lua error it sends none: a muc#admin get without <item/> "
		"(muc.lib.lua L1111-1112); an owner's configuration submission whose "
		"muc#roomconfig_whois is not moderators or anyone (whois.lib.lua L20) or "
		"whose muc#roomconfig_presencebroadcast has no <value/> (presence_broadcast.lib.lua "
		"L72, util/dataforms.lua L262-272); a member's registration whose FORM_TYPE "
		"field has no value (register.lib.lua L165-167) or whose nickname is missing "
		"or empty (L173-179).  Those cases need the room: an item-not-found from the "
		"service itself (mod_muc.lua L490-496), or the gone of a destroyed room's "
		"tombstone (L466-475), says it was gone, whatever the oracle believed, and "
		"then one reply is right; after an item-not-found the model holds the room "
		"absent with nobody in it (an empty temporary room goes even when its only "
		"occupant changes nick, mod_muc.lua L191-199), so a refused join creates it "
		"again (muc.lib.lua L492-512); a tombstone's gone for a room the model "
		"already holds absent (destroyed) keeps it so, since a service admin's join "
		"replaces the tombstone with a fresh room, with the default settings, even "
		"when refused for its nick (mod_muc.lua L466-471, L491-493).  A join handled after its sender's stream "
		"closed may have got in unseen (the subject sent to the new session, "
		"subject.lib.lua L86-89, bounces, and the bounce drops it, muc.lib.lua "
		"L1344-1345, L409-439), so once that sender is gone a room left with nobody "
		"the model knows of may be gone too, and created again by someone else's "
		"refused join: it is in doubt."},
	{"destroy",
		"After a room is destroyed (an owner's destroy request that gets a result, "
		"muc.lib.lua L1020-1034, or a service admin's Destroy Rooms command, "
		"mod_muc.lua L532-549), no connected session is an occupant session of it, "
		"and until a presence creates it again it sends nothing but errors.  "
		"Refinements: a persistent room leaves a tombstone answering gone, which a "
		"service admin's presence may replace (mod_muc.lua L389-412, L466-475); a "
		"temporary room also goes when its last occupant leaves (L191-199), without "
		"a word, and in 0.12 even when its only occupant merely changes nick, since "
		"muc-occupant-left fires for the old nick (muc.lib.lua L743-754) before the "
		"new one is saved (L758-759): that occupant is then in a room no longer served, "
		"which the model follows but this invariant does not judge."},
	{"wellformed",
		"Every stanza the MUC delivers has from and to; every error the room itself "
		"writes has an <error/> of a defined type with exactly one defined condition "
		"(RFC 6120 §8.3.3); and every 32nd delivery, the first included, serializes "
		"and re-parses to an equal tree.  Refinement: errors the room relays from an "
		"occupant (IQ replies L833-854, private messages L886-919) carry whatever "
		"that occupant wrote."},
	{"amplification",
		"The deliveries one transaction causes are at most the sum, over the stanzas "
		"the MUC was given, of a bound for each, where S is the room's occupant "
		"sessions (the larger of before and after), A its affiliations, H the groupchat "
		"messages it has accepted (what history can replay) and C all client sessions: an IQ get, "
		"or an IQ reply relayed to an occupant: 1; a groupchat message to a room, or a "
		"message to an occupant: max(S, 1); a presence: 4S + A + H + 4; another message "
		"to a room: C + S^2 + S + 1; an IQ set to a room or occupant: 1 + 2S + 2S^2 + SA; "
		"an IQ set to the service: the same with S and A summed over all rooms; "
		"anything else: 1.  With no input, the room sends nothing."},
	{NULL, NULL},
};

/* ---- life cycle ------------------------------------------------------- */

static void check_observe(void *ctx, const world_event *ev)
{
	track_event(ctx, ev);
}

checker *check_attach(world *w, const char *muc_domain)
{
	checker *c = arena_alloc(world_arena(w), sizeof *c);
	c->w = w;
	c->a = world_arena(w);
	c->domain = check_intern_str(c, muc_domain);
	c->root = HOP_TO_CLIENT;
	world_observe(w, check_observe, c);
	return c;
}

void check_quiescent(checker *c)
{
	track_flush(c);
	if (world_in_flight(c->w) == 0 && !c->head)
		judge_quiescent(c);
}

const check_violation *check_first(const checker *c)
{
	return c->violated ? &c->first : NULL;
}

void check_report(checker *c, const finding *f, const char *fmt, ...)
{
	if (c->violated)
		return;
	va_list ap;
	va_start(ap, fmt);
	c->first = (check_violation){f->invariant, f->step, arena_vprintf(c->a, fmt, ap),
		f->stanza, f->cause};
	va_end(ap);
	c->violated = true;
}

void check_write(buf *out, const check_violation *v)
{
	buf_printf(out, "invariant '%s' violated at step %llu: %s\n", v->invariant,
			(unsigned long long)v->step, v->explanation);
	if (v->stanza) {
		buf_puts(out, "stanza:\n");
		xml_write_pretty(out, v->stanza, NS_CLIENT_CHECK, 1);
	}
	if (v->cause) {
		buf_puts(out, "in answer to:\n");
		xml_write_pretty(out, v->cause, NS_CLIENT_CHECK, 1);
	}
}

/* ---- interned strings ------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static void pool_grow(checker *c)
{
	size_t cap = c->pool_cap ? c->pool_cap * 2 : 64;
	const char **slots = arena_alloc(c->a, cap * sizeof *slots);
	for (size_t i = 0; i < c->pool_cap; i++) {
		const char *s = c->pool[i];
		if (!s)
			continue;
		size_t k = hash_bytes(s, strlen(s)) & (cap - 1);
		while (slots[k])
			k = (k + 1) & (cap - 1);
		slots[k] = s;
	}
	c->pool = slots;
	c->pool_cap = cap;
}

const char *check_intern(checker *c, const char *s, size_t n)
{
	if (2 * (c->pool_len + 1) > c->pool_cap)
		pool_grow(c);
	size_t k = hash_bytes(s, n) & (c->pool_cap - 1);
	for (; c->pool[k]; k = (k + 1) & (c->pool_cap - 1))
		if (!strncmp(c->pool[k], s, n) && !c->pool[k][n])
			return c->pool[k];
	c->pool_len++;
	return c->pool[k] = arena_strndup(c->a, s, n);
}

const char *check_intern_str(checker *c, const char *s)
{
	return s ? check_intern(c, s, strlen(s)) : NULL;
}
