/* read.c — addresses, ranks, arrays and the stanza reading the checker
 * needs; see check_internal.h. */
#include "check_internal.h"

#include <string.h>

#include "jid.h"

/* ---- ranks ------------------------------------------------------------ */

static const char *const role_names[] = {"none", "visitor", "participant", "moderator"};
static const char *const affiliation_names[] = {"outcast", "none", "member", "admin", "owner"};

bool rank_parse_role(const char *s, rank_role *out)
{
	for (int i = ROLE_NONE; i <= ROLE_MODERATOR; i++) {
		if (read_is(s, role_names[i])) {
			*out = (rank_role)i;
			return true;
		}
	}
	return false;
}

bool rank_parse_affiliation(const char *s, rank_affiliation *out)
{
	for (int i = AFF_OUTCAST; i <= AFF_OWNER; i++) {
		if (read_is(s, affiliation_names[i - AFF_OUTCAST])) {
			*out = (rank_affiliation)i;
			return true;
		}
	}
	return false;
}

/* ---- arrays ----------------------------------------------------------- */

void *array_push(arena *a, array *arr, size_t size)
{
	if (arr->len == arr->cap) {
		size_t cap = arr->cap ? arr->cap * 2 : 4;
		void *data = arena_alloc(a, cap * size);
		if (arr->len)
			memcpy(data, arr->data, arr->len * size);
		arr->data = data;
		arr->cap = cap;
	}
	unsigned char *slot = (unsigned char *)arr->data + arr->len++ * size;
	memset(slot, 0, size);
	return slot;
}

void array_remove(array *arr, size_t i, size_t size)
{
	unsigned char *base = arr->data;
	memmove(base + i * size, base + (i + 1) * size, (arr->len - i - 1) * size);
	arr->len--;
}

/* ---- addresses -------------------------------------------------------- */

size_t addr_bare_len(const char *s)
{
	const char *slash = strchr(s, '/');
	return slash ? (size_t)(slash - s) : strlen(s);
}

const char *addr_resource(const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	return slash ? slash + 1 : NULL;
}

/* The domain part: after an '@' that comes before the resource. */
static const char *domain_start(const char *s, size_t bare_len)
{
	const char *at = memchr(s, '@', bare_len);
	return at ? at + 1 : s;
}

bool addr_has_node(const char *s)
{
	return s && memchr(s, '@', addr_bare_len(s)) != NULL;
}

bool addr_domain_is(const char *s, const char *domain)
{
	if (!s)
		return false;
	size_t n = addr_bare_len(s);
	const char *d = domain_start(s, n);
	size_t k = n - (size_t)(d - s);
	return strlen(domain) == k && !memcmp(d, domain, k);
}

const char *addr_bare(checker *c, const char *s)
{
	return s ? check_intern(c, s, addr_bare_len(s)) : NULL;
}

const char *addr_domain(checker *c, const char *s)
{
	size_t n = addr_bare_len(s);
	const char *d = domain_start(s, n);
	return check_intern(c, d, n - (size_t)(d - s));
}

bool addr_same(checker *c, const char *raw, const char *prepped)
{
	if (!raw || !prepped)
		return false;
	if (!strcmp(raw, prepped))
		return true;
	jid j;
	return jid_prep(c->a, raw, &j) && !strcmp(jid_full(c->a, &j), prepped);
}

/* ---- stanzas ---------------------------------------------------------- */

bool read_is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

const char *read_attr(const xml_node *e, const char *name)
{
	return e ? xml_attr(e, name) : NULL;
}

const char *read_type(const xml_node *s)
{
	const char *t = xml_attr(s, "type");
	return t ? t : "";
}

bool read_is_error(const xml_node *s)
{
	return !strcmp(read_type(s), "error");
}

size_t read_count(const xml_node *s, const char *name, const char *ns)
{
	size_t n = 0;
	for (const xml_node *e = xml_first(s); e; e = xml_next(e))
		n += !strcmp(xml_name(e), name) && !strcmp(xml_ns(e), ns);
	return n;
}

const xml_node *read_muc_user(const xml_node *s)
{
	return xml_child(s, "x", NS_MUC_USER_CHECK);
}

bool read_has_status(const xml_node *x, const char *code)
{
	for (const xml_node *e = x ? xml_first(x) : NULL; e; e = xml_next(e))
		if (!strcmp(xml_name(e), "status") && read_is(xml_attr(e, "code"), code))
			return true;
	return false;
}

const xml_node *read_item(const xml_node *x)
{
	return x ? xml_child(x, "item", NULL) : NULL;
}

bool read_is_self_presence(const xml_node *s)
{
	return !strcmp(xml_name(s), "presence") && !read_is_error(s)
		&& read_has_status(read_muc_user(s), "110");
}

/* RFC 6120 §8.3.3. */
static const char *const defined_conditions[] = {
	"bad-request", "conflict", "feature-not-implemented", "forbidden", "gone",
	"internal-server-error", "item-not-found", "jid-malformed", "not-acceptable",
	"not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
	"redirect", "registration-required", "remote-server-not-found",
	"remote-server-timeout", "resource-constraint", "service-unavailable",
	"subscription-required", "undefined-condition", "unexpected-request", NULL,
};

static const char *const error_types[] = {"auth", "cancel", "continue", "modify", "wait", NULL};

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (read_is(*list, s))
			return true;
	return false;
}

/* Exactly one condition element besides <text/>, of a defined name, in an
 * <error/> of a defined type. */
const char *read_error_condition(const xml_node *s)
{
	const xml_node *err = xml_child(s, "error", NS_CLIENT_CHECK);
	if (!err || !listed(error_types, xml_attr(err, "type")))
		return NULL;
	const char *condition = NULL;
	size_t n = 0;
	for (const xml_node *e = xml_first(err); e; e = xml_next(e)) {
		if (strcmp(xml_ns(e), NS_STANZAS_CHECK) != 0 || !strcmp(xml_name(e), "text"))
			continue;
		condition = xml_name(e);
		n++;
	}
	return n == 1 && listed(defined_conditions, condition) ? condition : NULL;
}

const xml_node *read_field(const xml_node *form, const char *var)
{
	for (const xml_node *f = form ? xml_first(form) : NULL; f; f = xml_next(f))
		if (!strcmp(xml_name(f), "field") && read_is(xml_attr(f, "var"), var))
			return f;
	return NULL;
}

const char *read_field_text(const xml_node *field)
{
	return field ? xml_child_text(field, "value", NS_DATA_CHECK) : NULL;
}

bool read_field_true(const xml_node *field)
{
	const char *v = read_field_text(field);
	return read_is(v, "1") || read_is(v, "true");
}
