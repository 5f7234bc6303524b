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

void
verror_add(json_object *errs, enum lang lang, const char *field, const char *code,
    const char *msg_key)
{
	json_object *e = json_object_new_object();
	char key[64];

	if (msg_key == NULL) {
		snprintf(key, sizeof(key), "v.%s", code);
		msg_key = key;
	}
	json_object_object_add(e, "field", json_object_new_string(field));
	json_object_object_add(e, "message", json_object_new_string(i18n(lang, msg_key)));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_array_add(errs, e);
}

/* Checks a string's content: valid text without NUL bytes, bounded length. */
static const char *
check_string(json_object *v, const struct vfield *f, const char **msg)
{
	const char *s = json_object_get_string(v);
	size_t chars;

	*msg = NULL;
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
check_value(json_object *v, const struct vfield *f, const char **msg)
{
	enum json_type t = json_object_get_type(v);
	const char *code;
	char buf[256];
	size_t i, n;

	*msg = NULL;
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
				*msg = "v.email";
				return "INVALID_FORMAT";
			}
			break;
		case V_PHONE:
			if (phone_normalize(s, buf, sizeof(buf)) != 0) {
				*msg = "v.phone";
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

size_t
validate(json_object *body, const struct vfield *fields, size_t n, enum lang lang,
    json_object **errors)
{
	json_object *errs = json_object_new_array();
	size_t i, count;

	if (body == NULL || !json_object_is_type(body, json_type_object)) {
		verror_add(errs, lang, "body", "INVALID_TYPE", NULL);
	} else {
		for (i = 0; i < n; i++) {
			const struct vfield *f = &fields[i];
			json_object *v = NULL;
			const char *code, *msg = NULL;
			int present;

			/* json_path() cannot tell an absent member from a JSON null */
			if (strchr(f->name, '.') == NULL) {
				present = json_object_object_get_ex(body, f->name, &v);
			} else {
				const char *last = strrchr(f->name, '.');
				char parent[128];
				json_object *p;

				snprintf(parent, sizeof(parent), "%.*s", (int)(last - f->name), f->name);
				p = json_path(body, parent);
				present = p != NULL && json_object_is_type(p, json_type_object) &&
				    json_object_object_get_ex(p, last + 1, &v);
			}
			if (!present || (v == NULL && !(f->flags & VF_NULLABLE))) {
				if (f->flags & VF_REQUIRED)
					verror_add(errs, lang, f->name, "REQUIRED", NULL);
				else if (present)
					verror_add(errs, lang, f->name, "INVALID_TYPE", NULL);
				continue;
			}
			if (v == NULL)
				continue;    /* an accepted null */
			if ((code = check_value(v, f, &msg)) != NULL)
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

int
validate_or_reply(struct req *r, json_object *body, const struct vfield *fields, size_t n)
{
	json_object *errs = NULL;

	if (validate(body, fields, n, r->lang, &errs) == 0)
		return 0;
	reply_error(r, ERR_VALIDATION, errs);
	return -1;
}
