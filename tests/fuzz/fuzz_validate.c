/* libFuzzer target: a body parsed as the worker parses it, then validate() against a
 * field list that covers every vtype and flag, with dotted paths; input_read() with the
 * same list filling a typed struct; plus the phone and email normalizers on every
 * string the body holds.
 *
 * validate() must report at most one error per declared field (or the single "body"
 * error), each {field, message, code} with a real translation; input_read() must agree
 * with it and, on success, fill every required field with a value of its type. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "core/phone.h"
#include "core/validate.h"

static struct arena A;

static const char *const categories[] = { "mobile_workshop", "emergency",
	"regular_maintenance", "periodic_maintenance", "plumbing", "electrical", NULL };
static const char *const none[] = { NULL };

static const struct vfield fields[] = {
	{ "nameAr", V_STRING, VF_REQUIRED, 2, 100, NULL, 0, NULL },
	{ "nameEn", V_STRING, 0, 0, 100, NULL, 0, NULL },
	{ "description", V_STRING, VF_NULLABLE, 0, 2000, NULL, 0, NULL },
	{ "email", V_EMAIL, 0, 0, 254, NULL, 0, NULL },
	{ "phone", V_PHONE, VF_REQUIRED, 0, 0, NULL, 0, NULL },
	{ "password", V_PASSWORD, 0, 0, 0, NULL, 0, NULL },
	{ "basePrice", V_INT, VF_REQUIRED, 0, 10000000, NULL, 0, NULL },
	{ "count", V_INT, 0, 0, 0, NULL, 0, NULL },
	{ "rating", V_NUMBER, VF_NULLABLE, 1, 5, NULL, 0, NULL },
	{ "isEmergency", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "category", V_ENUM, VF_REQUIRED, 0, 0, categories, 0, NULL },
	{ "nothing", V_ENUM, 0, 0, 0, none, 0, NULL },
	{ "price", V_OBJECT, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "images", V_ARRAY, 0, 0, 10, NULL, 0, NULL },
	{ "tags", V_STRINGS, 0, 1, 20, NULL, 0, NULL },
	{ "availability.workingHours.from", V_HHMM, 0, 0, 0, NULL, 0, NULL },
	{ "availability.workingHours.to", V_HHMM, VF_REQUIRED, 0, 0, NULL, 0, NULL },
	{ "availability.date", V_DATE, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "location.lat", V_NUMBER, 0, -90, 90, NULL, 0, NULL },
	{ "location.city", V_STRING, VF_REQUIRED | VF_NULLABLE, 1, 50, NULL, 0, NULL },
	{ "meta", V_ANY, 0, 0, 0, NULL, 0, NULL },
	{ "a.b.c.d", V_ANY, VF_REQUIRED, 0, 0, NULL, 0, NULL },
};
#define NF (sizeof(fields) / sizeof(fields[0]))

/* The same fields, each filling its own slot of a typed struct. */
struct all_in {
	struct in_val v[NF];
};
static struct vfield typed[NF];
static struct input typed_input = { typed, NF, sizeof(struct all_in), NULL, NULL };

static const char *const codes[] = { "REQUIRED", "INVALID_TYPE", "TOO_SHORT", "TOO_LONG",
	"OUT_OF_RANGE", "INVALID_FORMAT", "INVALID_VALUE", "WEAK_PASSWORD", NULL };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	arena_init(&A, 4096);
	for (i = 0; i < NF; i++) {
		typed[i] = fields[i];
		typed[i].slot = offsetof(struct all_in, v) + i * sizeof(struct in_val) + 1;
	}
	return 0;
}

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static int
known_code(const char *c)
{
	size_t i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(codes[i], c) == 0)
			return 1;
	return 0;
}

static void
check_errors(json_object *body, json_object *errs, size_t count, enum lang lang)
{
	unsigned char seen[NF + 1];
	size_t i, j;

	ASSERT((count == 0) == (errs == NULL));
	if (errs == NULL)
		return;
	ASSERT(json_object_is_type(errs, json_type_array));
	ASSERT(json_object_array_length(errs) == count);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < count; i++) {
		json_object *e = json_object_array_get_idx(errs, i);
		const char *field = json_get_str(e, "field"), *code = json_get_str(e, "code");
		const char *msg = json_get_str(e, "message");

		ASSERT(json_object_object_length(e) == 3 && field && code && msg);
		ASSERT(known_code(code));
		ASSERT(msg[0] != '\0' && strncmp(msg, "v.", 2) != 0);   /* translated */
		ASSERT(lang == LANG_EN ? !(msg[0] & 0x80) : (msg[0] & 0x80));
		if (strcmp(field, "body") == 0) {
			ASSERT(count == 1 && !json_object_is_type(body, json_type_object));
			continue;
		}
		ASSERT(json_object_is_type(body, json_type_object));
		for (j = 0; j < NF && strcmp(fields[j].name, field) != 0; j++)
			;
		ASSERT(j < NF && !seen[j]);          /* a declared field, reported once */
		seen[j] = 1;
	}
}

/* The normalizers on any text: E.164 out, or a refusal; email lower-cased in place. */
static void
check_string(const char *s, size_t n)
{
	char phone[PHONE_E164_LEN], email[256];
	size_t i;

	if (strlen(s) != n)
		return;                     /* an embedded NUL: validate() refuses it first */
	if (phone_normalize(s, phone, sizeof(phone)) == 0) {
		ASSERT(strlen(phone) == 13 && strncmp(phone, "+201", 4) == 0);
		ASSERT(strchr("0125", phone[4]) != NULL);
		for (i = 1; i < 13; i++)
			ASSERT(isdigit((unsigned char)phone[i]));
	}
	if (email_normalize(s, email, sizeof(email)) == 0) {
		ASSERT(strlen(email) == n && strchr(email, '@') != NULL);
		for (i = 0; i < n; i++)
			ASSERT(!isupper((unsigned char)email[i]) &&
			    tolower((unsigned char)s[i]) == (unsigned char)email[i]);
	}
	ASSERT(utf8_len(s) <= n);
}

static void
walk_strings(json_object *o, int depth)
{
	size_t i;

	if (depth > 40)
		return;
	switch (json_object_get_type(o)) {
	case json_type_string:
		check_string(json_object_get_string(o), (size_t)json_object_get_string_len(o));
		break;
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			walk_strings(json_object_array_get_idx(o, i), depth + 1);
		break;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			check_string(k, strlen(k));
			walk_strings(v, depth + 1);
		}
		break;
	}
	default:
		break;
	}
}

static int
string_type(enum vtype t)
{
	return t == V_STRING || t == V_EMAIL || t == V_PHONE || t == V_PASSWORD || t == V_ENUM ||
	    t == V_HHMM || t == V_DATE;
}

static void
check_typed(json_object *body, enum lang lang)
{
	json_object *errs = NULL, *errs2 = NULL;
	const struct all_in *in;
	void *out;
	size_t count, count2, i;

	count = input_read(&A, body, &typed_input, lang, &out, &errs);
	json_owned(&A, errs);
	count2 = validate(body, fields, NF, lang, &errs2);
	json_owned(&A, errs2);
	ASSERT(count == count2);
	check_errors(body, errs, count, lang);
	if (count != 0)
		return;
	in = out;
	for (i = 0; i < NF; i++) {
		const struct in_val *v = &in->v[i];

		if (fields[i].flags & VF_REQUIRED)
			ASSERT(v->set);
		if (!v->set)
			continue;
		ASSERT(v->null == (v->j == NULL));
		if (v->null) {
			ASSERT(fields[i].flags & VF_NULLABLE);
			continue;
		}
		if (string_type(fields[i].type))
			ASSERT(v->s != NULL);
		if (fields[i].type == V_PHONE)
			ASSERT(strncmp(v->s, "+201", 4) == 0 && strlen(v->s) == 13);
		if (fields[i].type == V_INT)
			ASSERT(fields[i].min >= fields[i].max ||
			    (v->i >= fields[i].min && v->i <= fields[i].max));
		if (fields[i].type == V_INT || fields[i].type == V_NUMBER)
			ASSERT(v->num != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = arena_alloc(&A, size + 1);
	json_object *body, *errs = NULL;
	enum lang lang = (size & 1) ? LANG_EN : LANG_AR;
	size_t count;

	memcpy(text, data, size);
	text[size] = '\0';
	body = parse_json_body(&A, text, size);

	count = validate(body, fields, NF, lang, &errs);
	json_owned(&A, errs);
	check_errors(body, errs, count, lang);
	if (body == NULL || !json_object_is_type(body, json_type_object))
		ASSERT(count == 1);
	else
		ASSERT(count <= NF);

	/* a subset of the list, as endpoints declare a few fields each */
	count = validate(body, fields + 4, 6, lang, &errs);
	json_owned(&A, errs);
	check_errors(body, errs, count, lang);

	check_typed(body, lang);
	if (body != NULL)
		walk_strings(body, 0);
	arena_reset(&A);
	return 0;
}
