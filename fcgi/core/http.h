/* A request as handlers see it, and the replies they can give.
 *
 * The worker fills a struct req from the FastCGI parameters, the router picks the route
 * and authenticates the caller, the route's declared input is read into r->in and
 * r->qin, and the handler runs. A handler returns its outcome: ERR_OK after recording
 * its success body with reply_ok()/reply_list()/reply_json(), or the error value that
 * a fail_*() call returned. The worker then produces exactly one reply from that
 * outcome (reply_finish): an error reply carries only the headers that belong to
 * errors (CORS, Allow, Retry-After), never one a handler added before failing, such as
 * a session cookie. Everything hangs off the request's arena and is released when the
 * request ends. Replies follow docs/api-conventions.md. */
#ifndef WARSHA_HTTP_H
#define WARSHA_HTTP_H

#include <stddef.h>
#include <json-c/json.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "i18n.h"

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_POST = 1 << 1,
	HTTP_PUT = 1 << 2,
	HTTP_PATCH = 1 << 3,
	HTTP_DELETE = 1 << 4,
	HTTP_HEAD = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
	HTTP_OTHER = 1 << 7,
};

/* Roles are bits so a route can admit several (docs/decisions.md). */
enum role {
	ROLE_CUSTOMER = 1 << 0,
	ROLE_TECHNICIAN = 1 << 1,
	ROLE_ADMIN = 1 << 2,
	ROLE_MODERATOR = 1 << 3,
	ROLE_CORPORATE = 1 << 4,
};
#define ROLE_ANY   (ROLE_CUSTOMER | ROLE_TECHNICIAN | ROLE_ADMIN | ROLE_MODERATOR | ROLE_CORPORATE)
#define ROLE_STAFF (ROLE_ADMIN | ROLE_MODERATOR)

/* Error values: one table maps each to its status, code and message (http.c). */
enum err {
	ERR_OK = 0,         /* the handler recorded its success reply */
	ERR_BAD_REQUEST,
	ERR_UNAUTHORIZED,
	ERR_TOKEN_INVALID,
	ERR_INVALID_CREDENTIALS,
	ERR_FORBIDDEN,
	ERR_ROLE_NOT_ALLOWED,
	ERR_ACCOUNT_DISABLED,
	ERR_USER_BANNED,
	ERR_NOT_FOUND,
	ERR_ROUTE_NOT_FOUND,
	ERR_INVALID_ID,
	ERR_METHOD_NOT_ALLOWED,
	ERR_CONFLICT,
	ERR_PAYLOAD_TOO_LARGE,
	ERR_UNSUPPORTED_MEDIA,
	ERR_VALIDATION,
	ERR_RATE_LIMITED,
	ERR_INTERNAL,
	ERR_UNAVAILABLE,
	ERR_UPGRADE_REQUIRED,   /* 426: the app is older than min_app_version */
	ERR__MAX
};

struct actor;

struct kv {
	const char *key;
	const char *val;
};

struct kvlist {
	struct kv *items;
	size_t     n;
};

struct caller {
	long long   id;            /* 0: anonymous */
	enum role   role;
	const char *jti;
	const char *sid;           /* the session (refresh family) of the token, or NULL */
	long long   token_exp;
};

struct resp_header {
	struct resp_header *next;
	const char         *line;  /* "Name: value" */
};

/* Why a request failed, as the fail_*() calls recorded it. */
struct req_fail {
	enum err     e;
	enum msg     msg;        /* MSG_NONE: the error's own message */
	json_object *errors;     /* errors[] */
	json_object *data;       /* data (USER_BANNED: reason and time) */
	enum db_rc   db;         /* the database error behind it, if any */
};

struct req {
	struct arena        *a;
	struct db           *db;
	const struct config *cfg;
	char               **envp;          /* FastCGI parameters */

	enum http_method     method;
	const char          *method_name;
	const char          *path;          /* /api/... with /api/v1 folded in, no query */
	const char          *query_string;
	struct kvlist        query;
	struct kvlist        cookies;
	const char          *content_type;
	const char          *body;          /* raw body, NUL-terminated */
	size_t               body_len;
	json_object         *json;          /* parsed body or NULL; owned by the arena */
	const char          *remote_addr;
	const char          *request_id;    /* nginx's $request_id, or one of our own */
	const char          *user_agent;
	const char          *authorization; /* the Authorization header */
	int                  https;
	enum lang            lang;
	int                  lang_fixed;    /* chosen by ?lang or Accept-Language */

	struct caller        user;
	const char          *params[8];     /* route parameters, in pattern order */
	size_t               nparams;
	const void          *in;            /* the route's declared body, typed (validate.h) */
	const void          *qin;           /* the route's declared query parameters */

	/* the reply */
	int                  status;
	const char          *resp_type;
	const char          *resp_body;
	size_t               resp_len;
	struct resp_header  *resp_headers;  /* a success reply's (cookies…) */
	struct resp_header  *keep_headers;  /* any reply's: CORS, Allow, Retry-After */
	int                  replied;       /* a success body is recorded */
	struct req_fail      fail;

	/* A streamed body (routes with ROUTE_STREAM_BODY: uploads): the worker reads none
	 * of it; the handler reads it through req_body_read() as it arrives. */
	long long            body_length;   /* CONTENT_LENGTH; -1 when not given */
	long               (*body_reader)(void *stream, void *buf, size_t n);
	void                *body_stream;
	unsigned long long   body_read;     /* bytes read so far */
};

/* The next bytes of a streamed body: their number, 0 at its end, -1 on an error. */
long        req_body_read(struct req *r, void *buf, size_t n);

/* --- request access --- */
const char *req_env(const struct req *r, const char *name);      /* "HTTP_AUTHORIZATION" */
const char *req_query(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
/* Parses params[i] as a positive integer id: ERR_OK, or the 404 "invalid ID" failure. */
enum err    req_param_id(struct req *r, size_t i, long long *id);
/* page/limit from the query: page >= 1, 1 <= limit <= 100, limit defaults to 10; bad
 * values are the 422 naming the field. */
enum err    req_page(struct req *r, long long *page, long long *limit);
/* A text search in the query (at most max characters, else 422 naming it) as a LIKE
 * pattern for a bound parameter; *like is NULL when the parameter is absent or empty. */
/* The caller as the activity log records an actor (store/activity.h). */
const struct actor *req_actor(struct req *r);
/* Whether the caller is signed in as staff (an admin or a moderator). */
int         req_is_staff(const struct req *r);
/* Language of the reply, once the caller's own preference is known. */
void        req_set_user_lang(struct req *r, const char *pref);

/* --- parsers of outside input (fuzzed) --- */
/* "a=1&b=%20x" -> decoded pairs; '+' is a space; pairs without '=' get "". At most
 * max pairs are kept. */
void        parse_query(struct arena *a, const char *qs, struct kvlist *out, size_t max);
/* The request's id: given (nginx's REQUEST_ID parameter, 32 hex digits) when it is 1-64
 * characters of [A-Za-z0-9._-], else 32 fresh hex digits. Answered as X-Request-Id and
 * written in the request's log lines. */
const char *request_id_of(struct arena *a, const char *given);
/* "a=1; b=2" -> pairs (values not decoded, surrounding quotes removed). */
void        parse_cookies(struct arena *a, const char *header, struct kvlist *out, size_t max);
/* Percent-decodes into a new arena string; NULL when the result would hold a NUL byte. */
char       *url_decode(struct arena *a, const char *s, size_t len, int plus_is_space);
/* Parses a JSON body strictly (valid UTF-8, no trailing garbage, depth <= 32).
 * Returns NULL on any error. The object is put when the arena is reset. */
json_object *parse_json_body(struct arena *a, const char *body, size_t len);

/* --- success: record the body, return ERR_OK (so a handler can `return reply_ok(…)`) --- */
enum err reply_json(struct req *r, int status, json_object *root);          /* takes root */
enum err reply_ok(struct req *r, int status, enum msg m, json_object *data);
enum err reply_raw(struct req *r, int status, const char *type, const char *body, size_t len);

/* A list page (docs/api-conventions.md): page/limit as asked, the total (or a lower bound when
 * capped), and the key of the next page for keyset paging (NULL: none). */
struct page {
	long long   page, limit;
	long long   total;
	int         total_capped;     /* total is "at least" */
	const char *next_cursor;
};
enum err reply_list(struct req *r, enum msg m, json_object *items, const struct page *pg);

/* --- failure: record why, return the error value (`return fail(…)`) --- */
enum err fail(struct req *r, enum err e);
enum err fail_msg(struct req *r, enum err e, enum msg m);
/* One field error: 422, or another status such as 409 for a taken email. */
enum err fail_field(struct req *r, enum err e, const char *field, const char *code,
    enum msg m);
enum err fail_errors(struct req *r, enum err e, json_object *errors);   /* takes errors */
/* A database error: DB_DOWN, DB_RETRY and DB_TIMEOUT are 503 with Retry-After;
 * DB_NOTFOUND 404; DB_DUP and DB_FK name their field through the key table
 * (fcgi/store/keys.c), else 409; anything else 500. */
enum err fail_db(struct req *r, enum db_rc rc);
/* 403 USER_BANNED with the reason and the time of the ban (docs/api-conventions.md). */
enum err fail_banned(struct req *r, const char *reason, const char *banned_at);

/* The unit of work of a write: runs work inside one transaction (begin, work, commit).
 * When work or the commit fails with a deadlock or a lock-wait timeout, the whole unit
 * runs again (at most three tries, jittered back-off) before answering 503; any other
 * failure rolls back and is the outcome. work returns ERR_OK or a fail_*() value and
 * never commits; a success body it recorded is dropped on a retry or a failure. */
typedef enum err (*tx_work_fn)(struct req *r, void *ctx);
enum err req_tx(struct req *r, tx_work_fn work, void *ctx);

/* What a unique or foreign key means to a client: the table is fcgi/store/keys.c. */
struct key_field {
	const char *key;      /* "uq_users_email", "fk_users_governorate" */
	enum err    e;        /* ERR_CONFLICT (409) or ERR_VALIDATION (422) */
	const char *field;    /* "email" */
	const char *code;     /* "DUPLICATE", "INVALID_VALUE" */
	enum msg    msg;
};
extern const struct key_field store_keys[];
extern const size_t store_nkeys;

/* Produces the one reply from the handler's outcome (the worker calls it). */
void reply_finish(struct req *r, enum err outcome);

/* A header for the success reply (dropped if the request fails) */
void resp_header(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A header for whatever reply is given: CORS, Allow, Retry-After */
void resp_header_keep(struct req *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


int         err_status(enum err e);
const char *err_code(enum err e);
enum msg    err_msg(enum err e);       /* the error's own message */

/* json helpers */
const char *json_get_str(json_object *o, const char *key);       /* string members only */
int         json_has(json_object *o, const char *key);
int         json_get_int(json_object *o, const char *key, long long *out);   /* -1 if absent/wrong */
int         json_get_bool(json_object *o, const char *key, int *out);
/* json_object_get for a dotted path "location.city" */
json_object *json_path(json_object *o, const char *path);
/* Serializes compactly (no escaped slashes). The string lives until the arena resets. */
const char *json_text(struct arena *a, json_object *o, size_t *len);
/* Registers o to be put when the arena is reset; returns o. */
json_object *json_owned(struct arena *a, json_object *o);
json_object *json_new_str(const char *s);                    /* NULL -> JSON null */
/* The seeds name some fields two ways: when body has `alias` but not `name`, the value
 * is also put under `name` (so the declared field list sees it). */
void         json_alias(json_object *body, const char *alias, const char *name);

#endif
