#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "validate.h"

static const struct {
	int         status;
	const char *code;
	const char *msg;
} errors[ERR__MAX] = {
	[ERR_BAD_REQUEST] = { 400, "BAD_REQUEST", "err.bad_request" },
	[ERR_UNAUTHORIZED] = { 401, "UNAUTHORIZED", "err.unauthorized" },
	[ERR_TOKEN_INVALID] = { 401, "UNAUTHORIZED", "auth.token_invalid" },
	[ERR_INVALID_CREDENTIALS] = { 401, "INVALID_CREDENTIALS", "auth.invalid_credentials" },
	[ERR_FORBIDDEN] = { 403, "FORBIDDEN", "err.forbidden" },
	[ERR_ROLE_NOT_ALLOWED] = { 403, "FORBIDDEN", "auth.role_not_allowed" },
	[ERR_ACCOUNT_DISABLED] = { 403, "ACCOUNT_DISABLED", "account.disabled" },
	[ERR_USER_BANNED] = { 403, "USER_BANNED", "err.user_banned" },
	[ERR_NOT_FOUND] = { 404, "NOT_FOUND", "err.not_found" },
	[ERR_ROUTE_NOT_FOUND] = { 404, "NOT_FOUND", "err.route_not_found" },
	[ERR_INVALID_ID] = { 404, "NOT_FOUND", "err.invalid_id" },
	[ERR_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED", "err.method_not_allowed" },
	[ERR_CONFLICT] = { 409, "CONFLICT", "err.conflict" },
	[ERR_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE", "err.payload_too_large" },
	[ERR_UNSUPPORTED_MEDIA] = { 415, "UNSUPPORTED_MEDIA_TYPE", "err.unsupported_media" },
	[ERR_VALIDATION] = { 422, "VALIDATION_ERROR", "err.validation" },
	[ERR_RATE_LIMITED] = { 429, "RATE_LIMITED", "err.rate_limited" },
	[ERR_INTERNAL] = { 500, "INTERNAL", "err.internal" },
	[ERR_UNAVAILABLE] = { 503, "UNAVAILABLE", "err.unavailable" },
};

int
err_status(enum err e)
{
	return errors[e].status;
}

const char *
err_code(enum err e)
{
	return errors[e].code;
}

const char *
req_env(const struct req *r, const char *name)
{
	size_t n = strlen(name);
	char **p;

	for (p = r->envp; p != NULL && *p != NULL; p++)
		if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

static const char *
kv_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}

const char *
req_query(const struct req *r, const char *name)
{
	return kv_get(&r->query, name);
}

const char *
req_cookie(const struct req *r, const char *name)
{
	return kv_get(&r->cookies, name);
}

/* Strictly "1".."999999999999999999" (18 digits, so no overflow): no sign, no spaces,
 * no leading zeros. */
static int
parse_id(const char *s, long long *out)
{
	long long v = 0;
	size_t i;

	if (s == NULL || s[0] < '1' || s[0] > '9' || strlen(s) > 18)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
req_param_id(struct req *r, size_t i, long long *id)
{
	if (i >= r->nparams || parse_id(r->params[i], id) != 0) {
		reply_error(r, ERR_INVALID_ID, NULL);
		return -1;
	}
	return 0;
}

static int
query_number(struct req *r, const char *name, long long def, long long min, long long max,
    long long *out)
{
	const char *v = req_query(r, name);
	long long n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (parse_id(v, &n) != 0) {
		reply_field_error(r, ERR_VALIDATION, name, "INVALID_FORMAT", "v.INVALID_FORMAT");
		return -1;
	}
	if (n < min || n > max) {
		reply_field_error(r, ERR_VALIDATION, name, "OUT_OF_RANGE", "v.OUT_OF_RANGE");
		return -1;
	}
	*out = n;
	return 0;
}

int
req_page(struct req *r, long long *page, long long *limit)
{
	if (query_number(r, "page", 1, 1, 1000000, page) != 0)
		return -1;
	return query_number(r, "limit", 10, 1, 100, limit);
}

int
req_search(struct req *r, const char *name, size_t max, char **like)
{
	const char *v = req_query(r, name);

	*like = NULL;
	if (v == NULL || *v == '\0')
		return 0;
	if (utf8_len(v) > max) {
		reply_field_error(r, ERR_VALIDATION, name, "TOO_LONG", "v.TOO_LONG");
		return -1;
	}
	*like = db_like_contains(r->a, v);
	return 0;
}

void
req_set_user_lang(struct req *r, const char *pref)
{
	enum lang l;

	if (!r->lang_fixed && lang_parse(pref, &l) == 0)
		r->lang = l;
}

/* --- parsers --- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
url_decode(struct arena *a, const char *s, size_t len, int plus_is_space)
{
	char *out = arena_alloc(a, len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			*o = (char)(hi * 16 + lo);
			if (*o == '\0')
				return NULL;
			o++;
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

void
parse_query(struct arena *a, const char *qs, struct kvlist *out, size_t max)
{
	size_t cap = 0;
	const char *p = qs;

	out->items = NULL;
	out->n = 0;
	if (qs == NULL || *qs == '\0' || max == 0)
		return;
	for (p = qs, cap = 1; *p != '\0'; p++)
		cap += (*p == '&');
	if (cap > max)
		cap = max;
	out->items = arena_alloc(a, sizeof(struct kv) * cap);
	p = qs;
	while (*p != '\0' && out->n < cap) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		char *k, *v;

		if (len > 0) {
			if (eq != NULL) {
				k = url_decode(a, p, (size_t)(eq - p), 1);
				v = url_decode(a, eq + 1, len - (size_t)(eq - p) - 1, 1);
			} else {
				k = url_decode(a, p, len, 1);
				v = arena_strdup(a, "");
			}
			/* pairs that decode to a NUL byte are dropped, never truncated */
			if (k != NULL && v != NULL && *k != '\0') {
				out->items[out->n].key = k;
				out->items[out->n].val = v;
				out->n++;
			}
		}
		p += len;
		if (*p == '&')
			p++;
	}
}

void
parse_cookies(struct arena *a, const char *h, struct kvlist *out, size_t max)
{
	size_t cap = 1;
	const char *p;

	out->items = NULL;
	out->n = 0;
	if (h == NULL || *h == '\0' || max == 0)
		return;
	for (p = h; *p != '\0'; p++)
		cap += (*p == ';');
	if (cap > max)
		cap = max;
	out->items = arena_alloc(a, sizeof(struct kv) * cap);
	p = h;
	while (*p != '\0' && out->n < cap) {
		size_t len = strcspn(p, ";");
		const char *eq = memchr(p, '=', len);

		if (eq != NULL) {
			const char *ks = p, *ke = eq, *vs = eq + 1, *ve = p + len;

			while (ks < ke && (*ks == ' ' || *ks == '\t'))
				ks++;
			while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			if (ke > ks) {
				out->items[out->n].key = arena_strndup(a, ks, (size_t)(ke - ks));
				out->items[out->n].val = arena_strndup(a, vs, (size_t)(ve - vs));
				out->n++;
			}
		}
		p += len;
		if (*p == ';')
			p++;
	}
}

static void
put_json(void *o)
{
	json_object_put(o);
}

json_object *
json_owned(struct arena *a, json_object *o)
{
	if (o != NULL)
		arena_defer(a, put_json, o);
	return o;
}

/* RFC 8259 number text: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_number_text(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* RFC 3629. JSON_TOKENER_VALIDATE_UTF8 checks only the byte pattern: overlong forms,
 * surrogates and code points past U+10FFFF pass it, and MariaDB refuses them (1366). */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, j, k;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3;
		else
			return 0;
		if (n - i <= k)
			return 0;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
		    (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
			return 0;
		for (j = 1; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* What json-c's strict mode still lets through: single-quoted strings and raw control
 * characters inside strings. A scan of the bytes with the string state. */
static int
json_lexically_strict(const char *s, size_t n)
{
	size_t i;
	int in_string = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (in_string) {
			if (c < 0x20)
				return 0;
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '\'') {
			return 0;
		}
	}
	return !in_string;
}

/* json-c accepts NaN, Infinity and numbers like "1." or "-.5" even in strict mode;
 * JSON has none of them (and MariaDB's JSON_VALID refuses them). */
static int
all_finite(json_object *o)
{
	size_t i;

	switch (json_object_get_type(o)) {
	case json_type_double:
		/* a parsed double keeps its text, which json-c lets be "1.", "-.5" or "NaN" */
		return isfinite(json_object_get_double(o)) &&
		    json_number_text(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	case json_type_array:
		for (i = 0; i < json_object_array_length(o); i++)
			if (!all_finite(json_object_array_get_idx(o, i)))
				return 0;
		return 1;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			if (!all_finite(v))
				return 0;
		}
		return 1;
	}
	default:
		return 1;
	}
}

json_object *
parse_json_body(struct arena *a, const char *body, size_t len)
{
	json_tokener *tok;
	json_object *o;

	if (body == NULL || len == 0 || len > 0x7fffffff ||
	    !utf8_valid((const unsigned char *)body, len) || !json_lexically_strict(body, len))
		return NULL;
	if ((tok = json_tokener_new_ex(32)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len || !all_finite(o))) {
		/* a second value or trailing bytes after the first */
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return json_owned(a, o);
}

/* --- replies --- */

void
resp_header(struct req *r, const char *fmt, ...)
{
	struct resp_header *h = arena_alloc(r->a, sizeof(*h));
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	h->line = arena_strdup(r->a, buf);
	h->next = r->resp_headers;
	r->resp_headers = h;
}

const char *
json_text(struct arena *a, json_object *o, size_t *len)
{
	size_t n = 0;
	const char *s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

	(void)a; /* the text belongs to o, which the arena owns */
	if (len != NULL)
		*len = n;
	return s;
}

void
reply_raw(struct req *r, int status, const char *type, const char *body, size_t len)
{
	if (r->replied) {
		log_error("msg=second_reply path=%s status=%d", r->path, status);
		return;
	}
	r->replied = 1;
	r->status = status;
	r->resp_type = type;
	r->resp_body = body;
	r->resp_len = len;
}

void
reply_json(struct req *r, int status, json_object *root)
{
	size_t len;
	const char *s;

	json_owned(r->a, root);
	s = json_text(r->a, root, &len);
	reply_raw(r, status, "application/json; charset=utf-8", s, len);
}

void
reply_ok(struct req *r, int status, const char *msg_key, json_object *data)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(i18n(r->lang, msg_key)));
	json_object_object_add(root, "data", data);
	reply_json(r, status, root);
}

void
reply_list(struct req *r, const char *msg_key, json_object *items, long long page,
    long long limit, long long total)
{
	json_object *root = json_object_new_object(), *pg = json_object_new_object();

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(i18n(r->lang, msg_key)));
	json_object_object_add(root, "data", items);
	json_object_object_add(pg, "page", json_object_new_int64(page));
	json_object_object_add(pg, "limit", json_object_new_int64(limit));
	json_object_object_add(pg, "totalPages",
	    json_object_new_int64(limit > 0 ? (total + limit - 1) / limit : 0));
	json_object_object_add(pg, "totalItems", json_object_new_int64(total));
	json_object_object_add(root, "pagination", pg);
	reply_json(r, 200, root);
}

void
reply_paged(struct req *r, const char *msg_key, const char *sql_count, const char *sql_list,
    const struct db_arg *filters, size_t nfilters, long long page, long long limit)
{
	struct db_arg *args = arena_alloc(r->a, sizeof(*args) * (nfilters + 2));
	struct db_result cnt, res;
	enum db_rc rc;

	memcpy(args, filters, sizeof(*args) * nfilters);
	args[nfilters] = DB_INT(limit);
	args[nfilters + 1] = DB_INT((page - 1) * limit);
	if ((rc = db_run(r->db, r->a, sql_count, filters, nfilters, &cnt)) != DB_OK ||
	    (rc = db_run(r->db, r->a, sql_list, args, nfilters + 2, &res)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	reply_list(r, msg_key, db_rows_json(&res), page, limit, db_get_ll(&cnt, 0, 0, 0));
}

static void
error_body(struct req *r, enum err e, const char *msg_key, json_object *errs)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "success", json_object_new_boolean(0));
	json_object_object_add(root, "message", json_object_new_string(i18n(r->lang, msg_key)));
	json_object_object_add(root, "code", json_object_new_string(errors[e].code));
	if (errs != NULL)
		json_object_object_add(root, "errors", errs);
	reply_json(r, errors[e].status, root);
}

void
reply_error(struct req *r, enum err e, json_object *errs)
{
	error_body(r, e, errors[e].msg, errs);
}

void
reply_error_msg(struct req *r, enum err e, const char *msg_key)
{
	error_body(r, e, msg_key, NULL);
}

void
reply_field_error(struct req *r, enum err e, const char *field, const char *code,
    const char *msg_key)
{
	json_object *arr = json_object_new_array(), *one = json_object_new_object();

	json_object_object_add(one, "field", json_object_new_string(field));
	json_object_object_add(one, "message", json_object_new_string(i18n(r->lang, msg_key)));
	json_object_object_add(one, "code", json_object_new_string(code));
	json_object_array_add(arr, one);
	error_body(r, e, e == ERR_VALIDATION ? errors[e].msg : msg_key, arr);
}

void
reply_db_error(struct req *r, enum db_rc rc)
{
	switch (rc) {
	case DB_DOWN:
	case DB_RETRY:
		resp_header(r, "Retry-After: 2");
		reply_error(r, ERR_UNAVAILABLE, NULL);
		break;
	case DB_DUP:
		reply_error(r, ERR_CONFLICT, NULL);
		break;
	default:
		reply_error(r, ERR_INTERNAL, NULL);
		break;
	}
}

void
reply_rollback(struct req *r, enum db_rc rc)
{
	db_rollback(r->db);
	reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
}

int
begin_locked_row(struct req *r, const char *sql, long long id, struct db_result *row)
{
	enum db_rc rc;

	if ((rc = db_begin(r->db)) != DB_OK ||
	    (rc = db_run(r->db, r->a, sql, DB_ARGS(DB_INT(id)), row)) != DB_OK) {
		reply_rollback(r, rc);
		return -1;
	}
	if (row->nrows == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return -1;
	}
	return 0;
}

void
reply_user_banned(struct req *r, const char *reason, const char *at)
{
	json_object *root = json_object_new_object(), *d = json_object_new_object();
	char iso[32];

	json_object_object_add(root, "success", json_object_new_boolean(0));
	json_object_object_add(root, "message",
	    json_object_new_string(i18n(r->lang, errors[ERR_USER_BANNED].msg)));
	json_object_object_add(root, "code", json_object_new_string("USER_BANNED"));
	json_object_object_add(d, "reason", json_new_str(reason));
	json_object_object_add(d, "bannedAt", json_new_str(db_time_iso(at, iso, sizeof(iso))));
	json_object_object_add(root, "data", d);
	reply_json(r, 403, root);
}

/* --- json helpers --- */

const char *
json_get_str(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int
json_has(json_object *o, const char *key)
{
	return o != NULL && json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, key, NULL);
}

int
json_get_int(json_object *o, const char *key, long long *out)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

int
json_get_bool(json_object *o, const char *key, int *out)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

json_object *
json_path(json_object *o, const char *path)
{
	char key[128];

	while (o != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");
		json_object *child;

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &child))
			return NULL;
		o = child;
		path += n;
		if (*path == '.')
			path++;
	}
	return o;
}

void
json_alias(json_object *body, const char *alias, const char *name)
{
	json_object *v;

	if (body != NULL && json_object_is_type(body, json_type_object) &&
	    !json_object_object_get_ex(body, name, NULL) &&
	    json_object_object_get_ex(body, alias, &v))
		json_object_object_add(body, name, json_object_get(v));
}

json_object *
json_new_str(const char *s)
{
	return s == NULL ? NULL : json_object_new_string(s);
}
