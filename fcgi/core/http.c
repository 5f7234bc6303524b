#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "router.h"
#include "../store/activity.h"
#include "log.h"
#include "validate.h"

#define RETRY_TX_MAX 3

/* One code per status, as seed 000's clients check it (UNAUTHORIZED for every 401);
 * the finer cause, where there is one, goes beside it as "reason". A banned user's 403
 * is USER_BANNED, the one exception the API conventions name. */
static const struct {
	int         status;
	const char *code;
	enum msg    msg;
	const char *reason;
} errors[ERR__MAX] = {
	[ERR_OK] = { 200, "OK", MSG_NONE, NULL },
	[ERR_BAD_REQUEST] = { 400, "BAD_REQUEST", MSG_ERR_BAD_REQUEST, NULL },
	[ERR_UNAUTHORIZED] = { 401, "UNAUTHORIZED", MSG_ERR_UNAUTHORIZED, NULL },
	[ERR_TOKEN_INVALID] = { 401, "UNAUTHORIZED", MSG_AUTH_TOKEN_INVALID, "TOKEN_INVALID" },
	[ERR_INVALID_CREDENTIALS] = { 401, "UNAUTHORIZED", MSG_AUTH_INVALID_CREDENTIALS,
	    "INVALID_CREDENTIALS" },
	[ERR_FORBIDDEN] = { 403, "FORBIDDEN", MSG_ERR_FORBIDDEN, NULL },
	[ERR_ROLE_NOT_ALLOWED] = { 403, "FORBIDDEN", MSG_AUTH_ROLE_NOT_ALLOWED, "ROLE_NOT_ALLOWED" },
	[ERR_ACCOUNT_DISABLED] = { 403, "FORBIDDEN", MSG_ACCOUNT_DISABLED, "ACCOUNT_DISABLED" },
	[ERR_USER_BANNED] = { 403, "USER_BANNED", MSG_ERR_USER_BANNED, NULL },
	[ERR_NOT_FOUND] = { 404, "NOT_FOUND", MSG_ERR_NOT_FOUND, NULL },
	[ERR_ROUTE_NOT_FOUND] = { 404, "NOT_FOUND", MSG_ERR_ROUTE_NOT_FOUND, "ROUTE_NOT_FOUND" },
	[ERR_INVALID_ID] = { 404, "NOT_FOUND", MSG_ERR_INVALID_ID, "INVALID_ID" },
	[ERR_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED", MSG_ERR_METHOD_NOT_ALLOWED, NULL },
	[ERR_CONFLICT] = { 409, "CONFLICT", MSG_ERR_CONFLICT, NULL },
	[ERR_PAYLOAD_TOO_LARGE] = { 413, "PAYLOAD_TOO_LARGE", MSG_ERR_PAYLOAD_TOO_LARGE, NULL },
	[ERR_UNSUPPORTED_MEDIA] = { 415, "UNSUPPORTED_MEDIA_TYPE", MSG_ERR_UNSUPPORTED_MEDIA, NULL },
	[ERR_VALIDATION] = { 422, "VALIDATION_ERROR", MSG_ERR_VALIDATION, NULL },
	[ERR_RATE_LIMITED] = { 429, "RATE_LIMITED", MSG_ERR_RATE_LIMITED, NULL },
	[ERR_INTERNAL] = { 500, "INTERNAL", MSG_ERR_INTERNAL, NULL },
	[ERR_UNAVAILABLE] = { 503, "UNAVAILABLE", MSG_ERR_UNAVAILABLE, NULL },
	[ERR_UPGRADE_REQUIRED] = { 426, "UPGRADE_REQUIRED", MSG_APP_UPDATE_REQUIRED, NULL },
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

enum msg
err_msg(enum err e)
{
	return errors[e].msg;
}

long
req_body_read(struct req *r, void *buf, size_t n)
{
	long got;

	if (r->body_reader == NULL || n == 0)
		return 0;
	got = r->body_reader(r->body_stream, buf, n);
	if (got > 0)
		r->body_read += (unsigned long long)got;
	return got;
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

enum err
req_param_id(struct req *r, size_t i, long long *id)
{
	if (i >= r->nparams || parse_id(r->params[i], id) != 0)
		return fail(r, ERR_INVALID_ID);
	return ERR_OK;
}

static enum err
query_number(struct req *r, const char *name, long long def, long long min, long long max,
    long long *out)
{
	const char *v = req_query(r, name);
	long long n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return ERR_OK;
	}
	if (parse_id(v, &n) != 0)
		return fail_field(r, ERR_VALIDATION, name, "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
	if (n < min || n > max)
		return fail_field(r, ERR_VALIDATION, name, "OUT_OF_RANGE", MSG_V_OUT_OF_RANGE);
	*out = n;
	return ERR_OK;
}

enum err
req_page(struct req *r, long long *page, long long *limit)
{
	enum err e;

	if ((e = query_number(r, "page", 1, 1, 1000000, page)) != ERR_OK)
		return e;
	return query_number(r, "limit", 10, 1, 100, limit);
}

const struct actor *
req_actor(struct req *r)
{
	struct actor *who = arena_alloc(r->a, sizeof(*who));

	who->id = r->user.id;
	who->role = r->user.id > 0 ? role_name(r->user.role) : NULL;
	who->ip = r->remote_addr;
	return who;
}

int
req_is_staff(const struct req *r)
{
	return r->user.id > 0 && (r->user.role & ROLE_STAFF) != 0;
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

/* --- request id --- */

const char *
request_id_of(struct arena *a, const char *given)
{
	size_t i;
	unsigned char raw[16];
	char *hex;

	for (i = 0; given != NULL && given[i] != '\0' && i <= LOG_RID_MAX; i++) {
		unsigned char c = (unsigned char)given[i];

		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			break;
	}
	if (given != NULL && i > 0 && i <= LOG_RID_MAX && given[i] == '\0')
		return given;
	/* no nginx in front (a direct FastCGI client), or a value we do not vouch for */
	if (random_bytes(raw, sizeof(raw)) != 0)
		memset(raw, 0, sizeof(raw));
	hex = arena_alloc(a, 2 * sizeof(raw) + 1);
	hex_encode(raw, sizeof(raw), hex);
	return hex;
}

/* --- replies --- */

/* Adds a formatted header line to the front of *list. */
static void header_add(struct req *r, struct resp_header **list, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
header_add(struct req *r, struct resp_header **list, const char *fmt, va_list ap)
{
	struct resp_header *h = arena_alloc(r->a, sizeof(*h));
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	h->line = arena_strdup(r->a, buf);
	h->next = *list;
	*list = h;
}

void
resp_header(struct req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	header_add(r, &r->resp_headers, fmt, ap);
	va_end(ap);
}

void
resp_header_keep(struct req *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	header_add(r, &r->keep_headers, fmt, ap);
	va_end(ap);
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

enum err
reply_raw(struct req *r, int status, const char *type, const char *body, size_t len)
{
	if (r->replied) {
		log_error("msg=second_reply path=%s status=%d", r->path, status);
		return ERR_OK;
	}
	r->replied = 1;
	r->status = status;
	r->resp_type = type;
	r->resp_body = body;
	r->resp_len = len;
	return ERR_OK;
}

enum err
reply_json(struct req *r, int status, json_object *root)
{
	size_t len;
	const char *s;

	json_owned(r->a, root);
	s = json_text(r->a, root, &len);
	return reply_raw(r, status, "application/json; charset=utf-8", s, len);
}

enum err
reply_ok(struct req *r, int status, enum msg m, json_object *data)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(msg_text(r->lang, m)));
	json_object_object_add(root, "data", data);
	return reply_json(r, status, root);
}

enum err
reply_list(struct req *r, enum msg m, json_object *items, const struct page *p)
{
	json_object *root = json_object_new_object(), *pg = json_object_new_object();
	long long pages = p->limit > 0 ? (p->total + p->limit - 1) / p->limit : 0;

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(msg_text(r->lang, m)));
	json_object_object_add(root, "data", items);
	json_object_object_add(pg, "page", json_object_new_int64(p->page));
	json_object_object_add(pg, "limit", json_object_new_int64(p->limit));
	json_object_object_add(pg, "totalPages", json_object_new_int64(pages));
	json_object_object_add(pg, "totalItems", json_object_new_int64(p->total));
	if (p->total_capped)
		json_object_object_add(pg, "totalIsLowerBound", json_object_new_boolean(1));
	json_object_object_add(pg, "nextCursor", json_new_str(p->next_cursor));
	json_object_object_add(root, "pagination", pg);
	return reply_json(r, 200, root);
}

/* --- failures --- */

static enum err
record(struct req *r, enum err e, enum msg m, json_object *errs, json_object *data)
{
	if (e == ERR_OK || (unsigned)e >= ERR__MAX) {
		log_error("msg=fail_without_error path=%s", r->path);
		e = ERR_INTERNAL;
	}
	if (r->fail.e != ERR_OK) {
		/* the first failure stands; a second means a helper failed twice */
		json_object_put(errs);
		json_object_put(data);
		return r->fail.e;
	}
	r->fail.e = e;
	r->fail.msg = m;
	r->fail.errors = json_owned(r->a, errs);
	r->fail.data = json_owned(r->a, data);
	return e;
}

enum err
fail(struct req *r, enum err e)
{
	return record(r, e, MSG_NONE, NULL, NULL);
}

enum err
fail_msg(struct req *r, enum err e, enum msg m)
{
	return record(r, e, m, NULL, NULL);
}

enum err
fail_errors(struct req *r, enum err e, json_object *errs)
{
	return record(r, e, MSG_NONE, errs, NULL);
}

enum err
fail_field(struct req *r, enum err e, const char *field, const char *code, enum msg m)
{
	json_object *arr = json_object_new_array();

	verror_add(arr, r->lang, field, code, m);
	return record(r, e, e == ERR_VALIDATION ? MSG_NONE : m, arr, NULL);
}

enum err
fail_banned(struct req *r, const char *reason, const char *at)
{
	json_object *d = json_object_new_object();
	char iso[32];

	json_object_object_add(d, "reason", json_new_str(reason));
	json_object_object_add(d, "bannedAt", json_new_str(db_time_iso(at, iso, sizeof(iso))));
	return record(r, ERR_USER_BANNED, MSG_NONE, NULL, d);
}

static const struct key_field *
key_field(const char *key)
{
	size_t i;

	for (i = 0; key != NULL && key[0] != '\0' && i < store_nkeys; i++)
		if (strcmp(store_keys[i].key, key) == 0)
			return &store_keys[i];
	return NULL;
}

enum err
fail_db(struct req *r, enum db_rc rc)
{
	const struct key_field *k;
	const char *key;
	enum err e;

	switch (rc) {
	case DB_DOWN:
	case DB_RETRY:
	case DB_TIMEOUT:
		e = fail(r, ERR_UNAVAILABLE);
		break;
	case DB_NOTFOUND:
		e = fail(r, ERR_NOT_FOUND);
		break;
	case DB_DUP:
	case DB_FK:
		key = r->db != NULL ? db_dup_key(r->db) : "";
		if ((k = key_field(key)) != NULL) {
			e = fail_field(r, k->e, k->field, k->code, k->msg);
		} else {
			log_error("msg=db_key_unmapped key=%s", key[0] != '\0' ? key : "-");
			e = fail(r, rc == DB_DUP ? ERR_CONFLICT : ERR_INTERNAL);
		}
		break;
	default:
		e = fail(r, ERR_INTERNAL);
		break;
	}
	if (r->fail.db == DB_OK)
		r->fail.db = rc == DB_OK ? DB_ERR : rc;
	return e;
}

/* --- the unit of work --- */

/* Forgets a failure or a success body of an attempt that is run again. */
static void
attempt_reset(struct req *r)
{
	memset(&r->fail, 0, sizeof(r->fail));
	r->replied = 0;
	r->status = 0;
	r->resp_body = NULL;
	r->resp_len = 0;
	r->resp_headers = NULL;
}

/* 20, 40, 80 ms, each with up to as much again of jitter, so two requests that
 * deadlocked on each other do not meet again at the same instant. */
static void
backoff(int attempt)
{
	unsigned char j = 0;
	struct timespec ts;
	long ms = 20L << attempt;

	(void)random_bytes(&j, 1);
	ms += (ms * j) / 255;
	ts.tv_sec = 0;
	ts.tv_nsec = ms * 1000000L;
	nanosleep(&ts, NULL);
}

enum err
req_tx(struct req *r, tx_work_fn work, void *ctx)
{
	enum err e = ERR_OK;
	enum db_rc rc;
	int attempt;

	if (r->fail.e != ERR_OK)
		return r->fail.e;
	for (attempt = 0; attempt < RETRY_TX_MAX; attempt++) {
		if (attempt > 0) {
			log_info("msg=tx_retry path=%s attempt=%d", r->path, attempt + 1);
			attempt_reset(r);
			backoff(attempt - 1);
		}
		if ((rc = db_begin(r->db)) != DB_OK)
			return fail_db(r, rc);
		e = work(r, ctx);
		if (db_in_transaction(r->db)) {
			if (e == ERR_OK && (rc = db_commit(r->db)) != DB_OK)
				e = fail_db(r, rc);
			else if (e != ERR_OK)
				db_rollback(r->db);
		} else {
			log_error("msg=tx_closed_by_work path=%s", r->path);
			e = e != ERR_OK ? e : fail(r, ERR_INTERNAL);
		}
		if (e == ERR_OK || r->fail.db != DB_RETRY)
			break;
	}
	if (e != ERR_OK && r->fail.db == DB_RETRY)
		log_warn("msg=tx_gave_up path=%s attempts=%d", r->path, RETRY_TX_MAX);
	return e;
}

/* --- the one reply --- */

static void
error_reply(struct req *r)
{
	const struct req_fail *f = &r->fail;
	json_object *root = json_object_new_object();
	enum msg m = f->msg != MSG_NONE ? f->msg : errors[f->e].msg;

	json_object_object_add(root, "success", json_object_new_boolean(0));
	json_object_object_add(root, "message", json_object_new_string(msg_text(r->lang, m)));
	json_object_object_add(root, "code", json_object_new_string(errors[f->e].code));
	if (errors[f->e].reason != NULL)
		json_object_object_add(root, "reason", json_object_new_string(errors[f->e].reason));
	if (f->errors != NULL)
		json_object_object_add(root, "errors", json_object_get(f->errors));
	if (f->data != NULL)
		json_object_object_add(root, "data", json_object_get(f->data));
	if (f->e == ERR_UNAVAILABLE)
		resp_header_keep(r, "Retry-After: 2");
	/* nothing the handler recorded survives a failure */
	r->replied = 0;
	r->resp_headers = NULL;
	reply_json(r, errors[f->e].status, root);
}

void
reply_finish(struct req *r, enum err outcome)
{
	if (outcome != ERR_OK && r->fail.e == ERR_OK) {
		/* an error value that no fail_*() recorded: its own message */
		record(r, outcome, MSG_NONE, NULL, NULL);
	} else if (outcome == ERR_OK && r->fail.e != ERR_OK) {
		log_error("msg=failure_ignored path=%s code=%s", r->path, errors[r->fail.e].code);
	} else if (outcome == ERR_OK && !r->replied) {
		log_error("msg=no_reply path=%s", r->path);
		record(r, ERR_INTERNAL, MSG_NONE, NULL, NULL);
	}
	if (r->fail.e != ERR_OK)
		error_reply(r);
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
