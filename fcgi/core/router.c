#include "router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "crypto.h"
#include "log.h"
#include "../store/users.h"

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

enum err
route_authorize(struct req *r, const struct route *rt)
{
	struct jwt_claims c;
	struct user_caller u;
	const char *tok;
	enum db_rc rc;
	enum role role;

	if (rt->flags & ROUTE_MAINTENANCE) {
		const char *t = req_env(r, "HTTP_X_MAINTENANCE_TOKEN");

		if (r->cfg->maintenance_token[0] == '\0' || !ct_streq(t, r->cfg->maintenance_token))
			return fail(r, ERR_UNAUTHORIZED);
		return ERR_OK;
	}
	tok = bearer(r);
	/* public routes never fail on a missing or stale token; ROUTE_OPTIONAL_AUTH ones
	 * still learn who a valid token belongs to */
	if (rt->roles == ROUTE_PUBLIC && (tok == NULL || !(rt->flags & ROUTE_OPTIONAL_AUTH) ||
	    jwt_verify(r->cfg, tok, &c) != JWT_OK))
		return ERR_OK;
	if (tok == NULL)
		return fail(r, ERR_UNAUTHORIZED);
	if (rt->roles != ROUTE_PUBLIC && jwt_verify(r->cfg, tok, &c) != JWT_OK)
		return fail(r, ERR_TOKEN_INVALID);
	/* the caller's current state, read on every authenticated request, so a ban, a
	 * deletion or a role change applies at once */
	rc = db_users_caller(r->db, r->a, c.sub, c.jti, c.sid, c.iat_us, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	if (rc == DB_NOTFOUND || u.token_revoked || role_parse(u.role, &role) != 0) {
		if (rt->roles == ROUTE_PUBLIC)
			return ERR_OK;
		return fail(r, ERR_TOKEN_INVALID);
	}
	req_set_user_lang(r, u.preferred_language);
	if (u.is_banned)
		return fail_banned(r, u.ban_reason, u.banned_at);
	if (!u.is_active)
		return fail(r, ERR_ACCOUNT_DISABLED);
	r->user.id = c.sub;
	r->user.role = role;
	r->user.jti = arena_strdup(r->a, c.jti);
	r->user.sid = c.sid[0] != '\0' ? arena_strdup(r->a, c.sid) : NULL;
	r->user.token_exp = c.exp;
	if (rt->roles != ROUTE_PUBLIC && (rt->roles & role) == 0)
		return fail(r, ERR_FORBIDDEN);
	return ERR_OK;
}

/* Route parameters named "id" or "…Id" are ids: a malformed one is 404 "invalid ID"
 * before the body is looked at (a bad id with a bad body is not a 422). */
static enum err
check_ids(struct req *r, const struct route *rt)
{
	const char *p = rt->pattern;
	long long id;
	size_t i = 0, n;

	while ((p = strchr(p, ':')) != NULL && i < r->nparams) {
		n = strcspn(++p, "/");
		if ((n == 2 && strncmp(p, "id", 2) == 0) || (n > 2 && strncmp(p + n - 2, "Id", 2) == 0))
			if (req_param_id(r, i, &id) != ERR_OK)
				return r->fail.e;
		p += n;
		i++;
	}
	return ERR_OK;
}

enum err
route_input(struct req *r, const struct route *rt)
{
	json_object *errs = NULL;
	void *in;
	enum err e;

	if ((e = check_ids(r, rt)) != ERR_OK)
		return e;
	if (rt->query != NULL) {
		if (input_read_query(r->a, &r->query, rt->query, r->lang, &in, &errs) != 0)
			return fail_errors(r, ERR_VALIDATION, errs);
		r->qin = in;
	}
	if (rt->body_list != NULL) {
		struct in_list *list;

		if (input_read_list(r->a, r->json, rt->body_list, r->lang, &list, &errs) != 0)
			return fail_errors(r, ERR_VALIDATION, errs);
		r->in = list;
	}
	if (rt->body != NULL) {
		if (input_read(r->a, r->json, rt->body, r->lang, &in, &errs) != 0)
			return fail_errors(r, ERR_VALIDATION, errs);
		r->in = in;
	}
	return ERR_OK;
}

enum err
route_run(struct req *r, const struct route *rt)
{
	return rt->handler(r);
}
