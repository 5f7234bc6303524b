#include "validate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "phone.h"

size_t
utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int
email_normalize(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in), i, at = 0, nat = 0;
	const char *dot;

	if (n < 3 || n > 254 || n >= outlen)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' ||
		    c == ';' || c == '\\')
			return -1;
		if (c == '@') {
			at = i;
			nat++;
		}
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	/* local@domain.tld: one '@', something before it, a dot inside the domain */
	if (nat != 1 || at == 0 || at > 64)
		return -1;
	dot = strrchr(out + at + 1, '.');
	if (dot == NULL || dot == out + at + 1 || dot[1] == '\0' || strstr(out + at, "..") != NULL)
		return -1;
	return 0;
}

int
password_policy_ok(const char *pw)
{
	int up = 0, low = 0, dig = 0;
	size_t n = strlen(pw);

	if (utf8_len(pw) < 8 || n > 128)
		return 0;
	for (; *pw != '\0'; pw++) {
		up |= isupper((unsigned char)*pw) != 0;
		low |= islower((unsigned char)*pw) != 0;
		dig |= isdigit((unsigned char)*pw) != 0;
	}
	return up && low && dig;
}

static int
is_hhmm(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    (s[0] - '0') * 10 + (s[1] - '0') < 24 && (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

static int
is_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

const char *
in_str(const struct in_val *v)
{
	return v->set && !v->null ? v->s : NULL;
}

void
verror_add(json_object *errs, enum lang lang, const char *field, const char *code,
    enum msg msg)
{
	json_object *e = json_object_new_object();
	char key[64];

	if (msg == MSG_NONE) {
		snprintf(key, sizeof(key), "v.%s", code);
		msg = msg_by_key(key);
	}
	json_object_object_add(e, "field", json_object_new_string(field));
	json_object_object_add(e, "message", json_object_new_string(msg_text(lang, msg)));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_array_add(errs, e);
}

/* Checks a string's content: valid text without NUL bytes, bounded length. */
static const char *
check_string(json_object *v, const struct vfield *f, enum msg *msg)
{
	const char *s = json_object_get_string(v);
	size_t chars;

	*msg = MSG_NONE;
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return "INVALID_FORMAT";    /* an embedded \u0000 */
	chars = utf8_len(s);
	if (f->flags & VF_REQUIRED) {
		const char *p = s;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			return "REQUIRED";
	}
	if (f->min > 0 && chars < (size_t)f->min)
		return "TOO_SHORT";
	if (f->max > 0 && chars > (size_t)f->max)
		return "TOO_LONG";
	return NULL;
}

/* NULL when v satisfies f, else the error code (and maybe a specific message key). */
static const char *
check_value(json_object *v, const struct vfield *f, enum msg *msg)
{
	enum json_type t = json_object_get_type(v);
	const char *code;
	char buf[256];
	size_t i, n;

	*msg = MSG_NONE;
	switch (f->type) {
	case V_STRING:
	case V_EMAIL:
	case V_PHONE:
	case V_PASSWORD:
	case V_ENUM:
	case V_HHMM:
	case V_DATE:
		if (t != json_type_string)
			return "INVALID_TYPE";
		if ((code = check_string(v, f, msg)) != NULL)
			return code;
		break;
	case V_INT:
		if (t != json_type_int)
			return "INVALID_TYPE";
		if (f->min < f->max && (json_object_get_int64(v) < f->min ||
		    json_object_get_int64(v) > f->max))
			return "OUT_OF_RANGE";
		return NULL;
	case V_NUMBER: {
		double d;

		if (t != json_type_int && t != json_type_double)
			return "INVALID_TYPE";
		d = json_object_get_double(v);
		if (!isfinite(d) || (f->min < f->max && (d < (double)f->min || d > (double)f->max)))
			return "OUT_OF_RANGE";
		return NULL;
	}
	case V_BOOL:
		return t == json_type_boolean ? NULL : "INVALID_TYPE";
	case V_OBJECT:
		return t == json_type_object ? NULL : "INVALID_TYPE";
	case V_ARRAY:
	case V_STRINGS:
		if (t != json_type_array)
			return "INVALID_TYPE";
		n = json_object_array_length(v);
		if (f->max > 0 && n > (size_t)f->max)
			return "TOO_LONG";
		if (f->min > 0 && n < (size_t)f->min)
			return "TOO_SHORT";
		for (i = 0; f->type == V_STRINGS && i < n; i++) {
			json_object *it = json_object_array_get_idx(v, i);
			const char *s;

			if (!json_object_is_type(it, json_type_string))
				return "INVALID_TYPE";
			s = json_object_get_string(it);
			if ((size_t)json_object_get_string_len(it) != strlen(s) || *s == '\0' ||
			    utf8_len(s) > 200)
				return "INVALID_FORMAT";
		}
		return NULL;
	case V_ANY:
		return NULL;
	}
	/* string-shaped types: the content */
	{
		const char *s = json_object_get_string(v);

		switch (f->type) {
		case V_EMAIL:
			if (email_normalize(s, buf, sizeof(buf)) != 0) {
				*msg = MSG_V_EMAIL;
				return "INVALID_FORMAT";
			}
			break;
		case V_PHONE:
			if (phone_normalize(s, buf, sizeof(buf)) != 0) {
				*msg = MSG_V_PHONE;
				return "INVALID_FORMAT";
			}
			break;
		case V_PASSWORD:
			if (!password_policy_ok(s))
				return "WEAK_PASSWORD";
			break;
		case V_ENUM:
			for (i = 0; f->allowed != NULL && f->allowed[i] != NULL; i++)
				if (strcmp(f->allowed[i], s) == 0)
					return NULL;
			return "INVALID_VALUE";
		case V_HHMM:
			if (!is_hhmm(s))
				return "INVALID_FORMAT";
			break;
		case V_DATE:
			if (!is_date(s))
				return "INVALID_FORMAT";
			break;
		default:
			break;
		}
	}
	return NULL;
}

/* The checked value v of field f, into its slot of out. */
static void
fill(struct arena *a, const struct vfield *f, json_object *v, void *out)
{
	struct in_val *iv = (struct in_val *)((char *)out + f->slot - 1);
	char buf[256];

	iv->set = 1;
	iv->j = v;
	if (v == NULL) {
		iv->null = 1;
		return;
	}
	switch (f->type) {
	case V_EMAIL:
		(void)email_normalize(json_object_get_string(v), buf, sizeof(buf));
		iv->s = arena_strdup(a, buf);
		break;
	case V_PHONE:
		(void)phone_normalize(json_object_get_string(v), buf, sizeof(buf));
		iv->s = arena_strdup(a, buf);
		break;
	case V_STRING:
	case V_PASSWORD:
	case V_ENUM:
	case V_HHMM:
	case V_DATE:
		iv->s = json_object_get_string(v);
		break;
	case V_INT:
	case V_NUMBER:
		iv->i = json_object_get_int64(v);
		iv->d = json_object_get_double(v);
		iv->num = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		break;
	case V_BOOL:
		iv->i = json_object_get_boolean(v);
		break;
	default:
		break;
	}
}

/* json_path() cannot tell an absent member from a JSON null: this can. */
static int
lookup(json_object *body, const char *name, json_object **v)
{
	const char *last = strrchr(name, '.');
	char parent[128];
	json_object *p;

	*v = NULL;
	if (last == NULL)
		return json_object_object_get_ex(body, name, v);
	snprintf(parent, sizeof(parent), "%.*s", (int)(last - name), name);
	p = json_path(body, parent);
	return p != NULL && json_object_is_type(p, json_type_object) &&
	    json_object_object_get_ex(p, last + 1, v);
}

static size_t
check_fields(struct arena *a, json_object *body, const struct vfield *fields, size_t n,
    enum lang lang, void *out, json_object **errors)
{
	json_object *errs = json_object_new_array();
	size_t i, count;

	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		verror_add(errs, lang, "body", "INVALID_TYPE", MSG_NONE);
	} else {
		for (i = 0; i < n; i++) {
			const struct vfield *f = &fields[i];
			json_object *v = NULL;
			const char *code;
			enum msg msg = MSG_NONE;
			int present = lookup(body, f->name, &v);

			if (!present || (v == NULL && !(f->flags & VF_NULLABLE))) {
				if (f->flags & VF_REQUIRED)
					verror_add(errs, lang, f->name, "REQUIRED", MSG_NONE);
				else if (present)
					verror_add(errs, lang, f->name, "INVALID_TYPE", MSG_NONE);
				continue;
			}
			if (v != NULL && (code = check_value(v, f, &msg)) != NULL) {
				verror_add(errs, lang, f->name, code, msg);
				continue;
			}
			if (out == NULL || f->slot == 0)
				continue;
			fill(a, f, v, out);
			if (v != NULL && f->check != NULL &&
			    (code = f->check((struct in_val *)((char *)out + f->slot - 1), a,
			    &msg)) != NULL)
				verror_add(errs, lang, f->name, code, msg);
		}
	}
	count = json_object_array_length(errs);
	if (count == 0) {
		json_object_put(errs);
		errs = NULL;
	}
	*errors = errs;
	return count;
}

size_t
validate(json_object *body, const struct vfield *fields, size_t n, enum lang lang,
    json_object **errors)
{
	return check_fields(NULL, body, fields, n, lang, NULL, errors);
}

size_t
input_read(struct arena *a, json_object *body, const struct input *in, enum lang lang,
    void **out, json_object **errors)
{
	size_t count, i;

	for (i = 0; in->aliases != NULL && in->aliases[i] != NULL && in->aliases[i + 1] != NULL;
	    i += 2)
		json_alias(body, in->aliases[i], in->aliases[i + 1]);
	*out = arena_alloc(a, in->size > 0 ? in->size : 1);
	memset(*out, 0, in->size > 0 ? in->size : 1);
	count = check_fields(a, body, in->fields, in->n, lang, *out, errors);
	if (count == 0 && in->check != NULL) {
		json_object *errs = json_object_new_array();

		in->check(*out, errs, lang);
		if ((count = json_object_array_length(errs)) > 0)
			*errors = errs;
		else
			json_object_put(errs);
	}
	return count;
}

void
verrors_of_item(struct arena *a, json_object *errs, const char *item)
{
	size_t k;

	for (k = 0; errs != NULL && k < json_object_array_length(errs); k++) {
		json_object *one = json_object_array_get_idx(errs, k), *f;

		if (!json_object_object_get_ex(one, "field", &f))
			continue;
		json_object_object_add(one, "field", json_object_new_string(arena_join(a, ".",
		    item, json_object_get_string(f), (char *)NULL)));
	}
}

size_t
input_read_list(struct arena *a, json_object *body, const struct input_list *l,
    enum lang lang, struct in_list **out, json_object **errors)
{
	const char *field = l->key != NULL ? l->key : "body";
	json_object *items = body, *errs;
	struct in_list *list;
	size_t i, k;

	*out = NULL;
	*errors = NULL;
	if (l->key != NULL && json_object_is_type(body, json_type_object) &&
	    !json_object_object_get_ex(body, l->key, &items))
		items = NULL;
	errs = json_object_new_array();
	if (items == NULL)
		verror_add(errs, lang, field, "REQUIRED", MSG_V_REQUIRED);
	else if (!json_object_is_type(items, json_type_array))
		verror_add(errs, lang, field, "INVALID_TYPE", MSG_V_INVALID_TYPE);
	else if (json_object_array_length(items) == 0 ||
	    json_object_array_length(items) > l->max)
		verror_add(errs, lang, field, "OUT_OF_RANGE", MSG_V_OUT_OF_RANGE);
	if (json_object_array_length(errs) > 0) {
		*errors = errs;
		return 1;
	}
	list = arena_alloc(a, sizeof(*list));
	list->n = json_object_array_length(items);
	list->items = arena_alloc(a, sizeof(*list->items) * list->n);
	list->names = arena_alloc(a, sizeof(*list->names) * list->n);
	for (i = 0; i < list->n; i++) {
		json_object *e1 = NULL;
		void *in;

		list->names[i] = arena_printf(a, "%s[%zu]", items == body ? "" : l->key, i);
		if (input_read(a, json_object_array_get_idx(items, i), l->item, lang, &in,
		    &e1) == 0) {
			list->items[i] = in;
			continue;
		}
		verrors_of_item(a, e1, list->names[i]);
		for (k = 0; k < json_object_array_length(e1); k++)
			json_object_array_add(errs, json_object_get(json_object_array_get_idx(e1, k)));
		json_object_put(e1);
	}
	if ((k = json_object_array_length(errs)) > 0) {
		*errors = errs;
		return k;
	}
	json_object_put(errs);
	*out = list;
	return 0;
}

/* A query value as the JSON its declared type expects; text that does not read as that
 * type stays a string, which the type check then refuses. */
static json_object *
query_value(const struct vfield *f, const char *s)
{
	long long n = 0;
	char *end;

	switch (f->type) {
	case V_INT:
	case V_NUMBER:
		if (*s != '\0' && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 18) {
			n = strtoll(s, &end, 10);
			return json_object_new_int64(n);
		}
		break;
	case V_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
			return json_object_new_boolean(1);
		if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
			return json_object_new_boolean(0);
		break;
	default:
		break;
	}
	return json_object_new_string(s);
}

size_t
input_read_query(struct arena *a, const struct kvlist *q, const struct input *in,
    enum lang lang, void **out, json_object **errors)
{
	json_object *o = json_owned(a, json_object_new_object());
	size_t i, j;

	for (i = 0; i < in->n; i++)
		for (j = 0; j < q->n; j++)
			if (strcmp(q->items[j].key, in->fields[i].name) == 0 &&
			    q->items[j].val[0] != '\0') {
				json_object_object_add(o, in->fields[i].name,
				    query_value(&in->fields[i], q->items[j].val));
				break;
			}
	return input_read(a, o, in, lang, out, errors);
}
