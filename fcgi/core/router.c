#include "router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "crypto.h"
#include "log.h"

static const struct {
	enum role   role;
	const char *name;
} roles[] = {
	{ ROLE_CUSTOMER, "customer" },
	{ ROLE_TECHNICIAN, "technician" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_MODERATOR, "moderator" },
	{ ROLE_CORPORATE, "corporate" },
};

const char *
role_name(enum role role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "customer";
}

int
role_parse(const char *name, enum role *out)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, name) == 0) {
			*out = roles[i].role;
			return 0;
		}
	return -1;
}

/* Matches one pattern against the path, segment by segment, character by character
 * (it runs for every row until one matches, so it allocates nothing until it has). */
static int
match(const char *pat, const char *path, struct req *r)
{
	const char *start[8];
	size_t len[8], np = 0, i;

	while (*pat != '\0' && *path != '\0') {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		if (*pat == ':') {
			if (*path == '/' || *path == '\0' || np == sizeof(start) / sizeof(start[0]))
				return 0;
			start[np] = path;
			while (*pat != '/' && *pat != '\0')
				pat++;
			while (*path != '/' && *path != '\0')
				path++;
			len[np] = (size_t)(path - start[np]);
			np++;
		} else {
			while (*pat != '/' && *pat != '\0' && *pat == *path) {
				pat++;
				path++;
			}
			if ((*pat != '/' && *pat != '\0') || (*path != '/' && *path != '\0'))
				return 0;
		}
	}
	/* a trailing slash on the request is tolerated: /api/v1/user/login/ */
	if (*pat == '\0' && path[0] == '/' && path[1] == '\0')
		path++;
	if (*pat != '\0' || *path != '\0')
		return 0;
	for (i = 0; i < np; i++)
		r->params[i] = arena_strndup(r->a, start[i], len[i]);
	r->nparams = np;
	return 1;
}

const struct route *
route_match(const struct route *t, size_t n, struct req *r, unsigned *allowed)
{
	unsigned want = r->method;
	size_t i;

	/* HEAD is GET without the body (RFC 9110 §9.3.2): the GET row answers it and
	 * write_reply() leaves the body out, so no table needs a HEAD row */
	if (want == HTTP_HEAD)
		want |= HTTP_GET;
	*allowed = 0;
	for (i = 0; i < n; i++) {
		if (!match(t[i].pattern, r->path, r))
			continue;
		if (t[i].methods & want)
			return &t[i];
		*allowed |= t[i].methods;
	}
	r->nparams = 0;
	return NULL;
}

size_t
route_allow_header(unsigned methods, char *buf, size_t n)
{
	static const struct { unsigned m; const char *name; } t[] = {
		{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" },
		{ HTTP_PUT, "PUT" }, { HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" },
		{ HTTP_OPTIONS, "OPTIONS" },
	};
	size_t len = 0, i;

	/* whatever answers GET answers HEAD (route_match) */
	if (methods & HTTP_GET)
		methods |= HTTP_HEAD;
	if (n > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *sep = len > 0 ? ", " : "";

		if (!(methods & t[i].m))
			continue;
		/* snprintf's contract: cut short but terminated, the full length returned */
		if (len < n)
			(void)snprintf(buf + len, n - len, "%s%s", sep, t[i].name);
		len += strlen(sep) + strlen(t[i].name);
	}
	return len;
}

static const char *
bearer(const struct req *r)
{
	const char *h = r->authorization;

	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0) {
		h += 7;
		while (*h == ' ')
			h++;
		return *h != '\0' ? h : NULL;
	}
	return req_cookie(r, "accessToken");
}

/* The caller's current state, and whether this very token was revoked at logout. Read on
 * every authenticated request, so a ban or a role change applies at once. */
static const char SQL_CALLER[] =
    "SELECT role, is_active, is_banned, ban_reason, banned_at, preferred_language,"
    " EXISTS(SELECT 1 FROM revoked_access_tokens WHERE jti = ?) AS revoked"
    " FROM users WHERE id = ? AND deleted_at IS NULL";

int
route_authorize(struct req *r, const struct route *rt)
{
	struct jwt_claims c;
	struct db_result res;
	const char *tok;
	enum db_rc rc;
	enum role role;

	if (rt->flags & ROUTE_MAINTENANCE) {
		const char *t = req_env(r, "HTTP_X_MAINTENANCE_TOKEN");

		if (r->cfg->maintenance_token[0] == '\0' || !ct_streq(t, r->cfg->maintenance_token)) {
			reply_error(r, ERR_UNAUTHORIZED, NULL);
			return -1;
		}
		return 0;
	}
	tok = bearer(r);
	/* public routes never fail on a missing or stale token; ROUTE_OPTIONAL_AUTH ones
	 * still learn who a valid token belongs to */
	if (rt->roles == ROUTE_PUBLIC && (tok == NULL || !(rt->flags & ROUTE_OPTIONAL_AUTH) ||
	    jwt_verify(r->cfg, tok, &c) != JWT_OK))
		return 0;
	if (tok == NULL) {
		reply_error(r, ERR_UNAUTHORIZED, NULL);
		return -1;
	}
	if (rt->roles != ROUTE_PUBLIC && jwt_verify(r->cfg, tok, &c) != JWT_OK) {
		reply_error(r, ERR_TOKEN_INVALID, NULL);
		return -1;
	}
	rc = db_run(r->db, r->a, SQL_CALLER, DB_ARGS(DB_STR(c.jti), DB_INT(c.sub)), &res);
	if (rc != DB_OK) {
		reply_db_error(r, rc);
		return -1;
	}
	if (res.nrows == 0 || db_get_ll(&res, 0, 6, 1) != 0 ||
	    role_parse(db_get(&res, 0, 0), &role) != 0) {
		if (rt->roles == ROUTE_PUBLIC)
			return 0;
		reply_error(r, ERR_TOKEN_INVALID, NULL);
		return -1;
	}
	req_set_user_lang(r, db_get(&res, 0, 5));
	if (db_get_ll(&res, 0, 2, 0) != 0) {
		reply_user_banned(r, db_get(&res, 0, 3), db_get(&res, 0, 4));
		return -1;
	}
	if (db_get_ll(&res, 0, 1, 1) == 0) {
		reply_error(r, ERR_ACCOUNT_DISABLED, NULL);
		return -1;
	}
	r->user.id = c.sub;
	r->user.role = role;
	r->user.jti = arena_strdup(r->a, c.jti);
	r->user.token_exp = c.exp;
	if (rt->roles != ROUTE_PUBLIC && (rt->roles & role) == 0) {
		reply_error(r, ERR_FORBIDDEN, NULL);
		return -1;
	}
	return 0;
}
