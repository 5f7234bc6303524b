/* A request as handlers see it, and the replies they can give.
 *
 * The worker fills a struct req from the FastCGI parameters and body, the router picks
 * the handler and authenticates the caller, and the handler answers with exactly one
 * reply_*() call. Everything hangs off the request's arena and is released when the
 * request ends. Replies follow DESIGN.md §3. */
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

/* Roles are bits so a route can admit several (DESIGN.md §4). */
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
	ERR__MAX
};

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
	long long   token_exp;
};

struct resp_header {
	struct resp_header *next;
	const char         *line;  /* "Name: value" */
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
	const char          *user_agent;
	const char          *authorization; /* the Authorization header */
	int                  https;
	enum lang            lang;
	int                  lang_fixed;    /* chosen by ?lang or Accept-Language */

	struct caller        user;
	const char          *params[8];     /* route parameters, in pattern order */
	size_t               nparams;

	/* the reply */
	int                  status;
	const char          *resp_type;
	const char          *resp_body;
	size_t               resp_len;
	struct resp_header  *resp_headers;
	int                  replied;
};

/* --- request access --- */
const char *req_env(const struct req *r, const char *name);      /* "HTTP_AUTHORIZATION" */
const char *req_query(const struct req *r, const char *name);
const char *req_cookie(const struct req *r, const char *name);
/* Parses params[i] as a positive integer id; on failure replies 404 "invalid ID" and
 * returns -1. */
int         req_param_id(struct req *r, size_t i, long long *id);
/* page/limit from the query: page >= 1, 1 <= limit <= 100, limit defaults to 10. On bad
 * values replies 422 naming the field and returns -1. */
int         req_page(struct req *r, long long *page, long long *limit);
/* A text search in the query (at most max characters, else 422 naming it) as a LIKE
 * pattern for a bound parameter; *like is NULL when the parameter is absent or empty. */
int         req_search(struct req *r, const char *name, size_t max, char **like);
/* Language of the reply, once the caller's own preference is known. */
void        req_set_user_lang(struct req *r, const char *pref);

/* --- parsers of outside input (fuzzed) --- */
/* "a=1&b=%20x" -> decoded pairs; '+' is a space; pairs without '=' get "". At most
 * max pairs are kept. */
void        parse_query(struct arena *a, const char *qs, struct kvlist *out, size_t max);
/* "a=1; b=2" -> pairs (values not decoded, surrounding quotes removed). */
void        parse_cookies(struct arena *a, const char *header, struct kvlist *out, size_t max);
/* Percent-decodes into a new arena string; NULL when the result would hold a NUL byte. */
char       *url_decode(struct arena *a, const char *s, size_t len, int plus_is_space);
/* Parses a JSON body strictly (valid UTF-8, no trailing garbage, depth <= 32).
 * Returns NULL on any error. The object is put when the arena is reset. */
json_object *parse_json_body(struct arena *a, const char *body, size_t len);

/* --- replies: exactly one per request --- */
void reply_json(struct req *r, int status, json_object *root);          /* takes root */
void reply_ok(struct req *r, int status, const char *msg_key, json_object *data);
void reply_list(struct req *r, const char *msg_key, json_object *items,
    long long page, long long limit, long long total);
/* A paginated list from two statements that share their filter parameters: sql_count
 * (COUNT(*) with the filters) and sql_list (the same filters, then LIMIT ? OFFSET ?). */
void reply_paged(struct req *r, const char *msg_key, const char *sql_count,
    const char *sql_list, const struct db_arg *filters, size_t nfilters, long long page,
    long long limit);
void reply_error(struct req *r, enum err e, json_object *errors);       /* takes errors */
void reply_error_msg(struct req *r, enum err e, const char *msg_key);
/* One field error: 422, or another status such as 409 for a taken email. */
void reply_field_error(struct req *r, enum err e, const char *field, const char *code,
    const char *msg_key);
void reply_db_error(struct req *r, enum db_rc rc);
/* A handler's failure exit: rolls back the open transaction (if any) and replies for rc;
 * DB_OK there means a step failed without a database error, which is a 500. */
void reply_rollback(struct req *r, enum db_rc rc);
/* 403 USER_BANNED with the reason and the time of the ban (DESIGN.md §3). */
void reply_user_banned(struct req *r, const char *reason, const char *banned_at);
/* Opens a transaction and runs sql, a SELECT ... FOR UPDATE of the row with this id.
 * Returns 0 with the row locked and the transaction open; otherwise the transaction is
 * closed, the reply given (404 when there is no such row) and -1 returned. */
int  begin_locked_row(struct req *r, const char *sql, long long id, struct db_result *row);
void reply_raw(struct req *r, int status, const char *type, const char *body, size_t len);
void resp_header(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int         err_status(enum err e);
const char *err_code(enum err e);

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
