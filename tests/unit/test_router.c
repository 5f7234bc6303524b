/* core/router: matching a path against a route table, role names, and the parts of
 * route_authorize() that are decided before any database read. */
#include "core/auth.h"
#include "core/router.h"
#include "check.h"

static struct arena A;
static struct config cfg;

#define SECRET "router-test-secret"
#define MAINT  "maintenance-token-123"

void
check_setup(void)
{
	char err[256];

	if (config_load(&cfg, NULL, err, sizeof(err)) != 0 ||
	    config_set(&cfg, "jwt_secret", SECRET, err, sizeof(err)) != 0 ||
	    config_set(&cfg, "maintenance_token", MAINT, err, sizeof(err)) != 0 ||
	    /* no server here: a connection attempt fails at once */
	    config_set(&cfg, "db_host", "localhost", err, sizeof(err)) != 0 ||
	    config_set(&cfg, "db_socket", "/nonexistent/warsha-test.sock", err, sizeof(err)) != 0) {
		fprintf(stderr, "test config: %s\n", err);
		exit(2);
	}
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	config_free(&cfg);
	arena_free(&A);
}

/* rows name what they have, as in routes.c */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static enum err h(struct req *r) { (void)r; return ERR_OK; }

enum { R_LIST, R_CREATE, R_CATEGORIES, R_GET, R_UPDATE, R_DELETE, R_ITEM, R_ROOT, R_NINE,
	R_LOGIN, R_MAINT };

static const struct route table[] = {
	[R_LIST] = { HTTP_GET, "/api/services", h, ROUTE_PUBLIC, 0 },
	[R_CREATE] = { HTTP_POST, "/api/services", h, ROLE_ADMIN, 0 },
	[R_CATEGORIES] = { HTTP_GET, "/api/services/categories", h, ROUTE_PUBLIC, 0 },
	[R_GET] = { HTTP_GET, "/api/services/:id", h, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	[R_UPDATE] = { HTTP_PUT | HTTP_PATCH, "/api/services/:id", h, ROLE_STAFF, 0 },
	[R_DELETE] = { HTTP_DELETE, "/api/services/:id", h, ROLE_ADMIN, 0 },
	[R_ITEM] = { HTTP_GET, "/api/bookings/:id/items/:itemId", h, ROLE_ANY, 0 },
	[R_ROOT] = { HTTP_GET, "/", h, ROUTE_PUBLIC, 0 },
	[R_NINE] = { HTTP_GET, "/n/:a/:b/:c/:d/:e/:f/:g/:h/:i", h, ROUTE_PUBLIC, 0 },
	[R_LOGIN] = { HTTP_POST, "/api/user/login", h, ROUTE_PUBLIC, 0 },
	[R_MAINT] = { HTTP_POST, "/api/maintenance/:task", h, ROUTE_PUBLIC, ROUTE_MAINTENANCE },
};
#define NROUTES (sizeof(table) / sizeof(table[0]))

static struct req R;

/* The index of the matched route, or -1; R keeps the params and allowed methods. */
static int
match(enum http_method m, const char *path, unsigned *allowed)
{
	const struct route *rt;

	memset(&R, 0, sizeof(R));
	R.a = &A;
	R.method = m;
	R.path = path;
	R.nparams = 99;
	rt = route_match(table, NROUTES, &R, allowed);
	return rt == NULL ? -1 : (int)(rt - table);
}

TEST(literal_segments)
{
	unsigned allowed = 12345;

	CHECK_INT(match(HTTP_GET, "/api/services", &allowed), R_LIST);
	CHECK_INT(allowed, 0);
	CHECK_INT(R.nparams, 0);
	CHECK_INT(match(HTTP_POST, "/api/services", &allowed), R_CREATE);
	CHECK_INT(match(HTTP_POST, "/api/user/login", &allowed), R_LOGIN);
	/* the literal comes first in the table, so it wins over :id */
	CHECK_INT(match(HTTP_GET, "/api/services/categories", &allowed), R_CATEGORIES);
	CHECK_INT(match(HTTP_GET, "/", &allowed), R_ROOT);
}

TEST(params)
{
	unsigned allowed;

	CHECK_INT(match(HTTP_GET, "/api/services/42", &allowed), R_GET);
	CHECK_INT(R.nparams, 1);
	CHECK_STR(R.params[0], "42");
	CHECK_INT(match(HTTP_DELETE, "/api/services/abc", &allowed), R_DELETE);
	CHECK_STR(R.params[0], "abc");                     /* the handler checks the shape */
	CHECK_INT(match(HTTP_PATCH, "/api/services/%41", &allowed), R_UPDATE);
	CHECK_STR(R.params[0], "%41");                     /* not decoded */
	CHECK_INT(match(HTTP_GET, "/api/bookings/5/items/9", &allowed), R_ITEM);
	CHECK_INT(R.nparams, 2);
	CHECK_STR(R.params[0], "5");
	CHECK_STR(R.params[1], "9");
	CHECK_INT(match(HTTP_POST, "/api/maintenance/expire-tokens", &allowed), R_MAINT);
	CHECK_STR(R.params[0], "expire-tokens");
	/* nine parameters are more than a request holds */
	CHECK_INT(match(HTTP_GET, "/n/1/2/3/4/5/6/7/8/9", &allowed), -1);
	CHECK_INT(R.nparams, 0);
}

TEST(trailing_slash_tolerated)
{
	unsigned allowed;

	CHECK_INT(match(HTTP_GET, "/api/services/", &allowed), R_LIST);
	CHECK_INT(match(HTTP_POST, "/api/user/login/", &allowed), R_LOGIN);
	CHECK_INT(match(HTTP_GET, "/api/services/42/", &allowed), R_GET);
	CHECK_STR(R.params[0], "42");
	CHECK_INT(match(HTTP_GET, "/api/bookings/5/items/9/", &allowed), R_ITEM);
	/* one slash only, and an empty segment is not a parameter */
	CHECK_INT(match(HTTP_GET, "/api/services//", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/api//services", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/api/bookings//items/9", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "//", &allowed), R_ROOT);     /* "/" plus the tolerated slash */
	CHECK_INT(match(HTTP_GET, "///", &allowed), -1);
}

TEST(method_mismatch_fills_allowed)
{
	unsigned allowed;

	CHECK_INT(match(HTTP_PATCH, "/api/services", &allowed), -1);
	CHECK_INT(allowed, HTTP_GET | HTTP_POST);
	CHECK_INT(R.nparams, 0);
	CHECK_INT(match(HTTP_OPTIONS, "/api/services/42", &allowed), -1);
	CHECK_INT(allowed, HTTP_GET | HTTP_PUT | HTTP_PATCH | HTTP_DELETE);
	CHECK_INT(R.nparams, 0);
	CHECK_INT(match(HTTP_GET, "/api/user/login", &allowed), -1);
	CHECK_INT(allowed, HTTP_POST);
	CHECK_INT(match(HTTP_POST, "/api/services/categories", &allowed), -1);
	/* the :id routes match this path too */
	CHECK_INT(allowed, HTTP_GET | HTTP_PUT | HTTP_PATCH | HTTP_DELETE);
	CHECK_INT(match(HTTP_OTHER, "/", &allowed), -1);
	CHECK_INT(allowed, HTTP_GET);
}

TEST(head_matches_get_rows)
{
	unsigned allowed = 12345;

	CHECK_INT(match(HTTP_HEAD, "/api/services", &allowed), R_LIST);
	CHECK_INT(allowed, 0);
	CHECK_INT(match(HTTP_HEAD, "/api/services/categories", &allowed), R_CATEGORIES);
	CHECK_INT(match(HTTP_HEAD, "/api/services/42", &allowed), R_GET);
	CHECK_INT(R.nparams, 1);
	CHECK_STR(R.params[0], "42");
	CHECK_INT(match(HTTP_HEAD, "/", &allowed), R_ROOT);
	/* a path without a GET row is still 405 */
	CHECK_INT(match(HTTP_HEAD, "/api/user/login", &allowed), -1);
	CHECK_INT(allowed, HTTP_POST);
	CHECK_INT(match(HTTP_HEAD, "/api/maintenance/expire-tokens", &allowed), -1);
	CHECK_INT(allowed, HTTP_POST);
	CHECK_INT(R.nparams, 0);
	CHECK_INT(match(HTTP_HEAD, "/api/nothing", &allowed), -1);
	CHECK_INT(allowed, 0);
}

static const char *
allow(unsigned methods)
{
	static char buf[64];
	size_t n = route_allow_header(methods, buf, sizeof(buf));

	CHECK_INT(n, strlen(buf));
	return buf;
}

TEST(allow_header)
{
	char small[10];
	unsigned allowed;

	/* RFC 9110 §10.2.1: a comma-separated list; HEAD whenever GET */
	CHECK_STR(allow(HTTP_GET), "GET, HEAD");
	CHECK_STR(allow(HTTP_POST), "POST");
	CHECK_STR(allow(HTTP_GET | HTTP_POST), "GET, HEAD, POST");
	CHECK_STR(allow(HTTP_DELETE | HTTP_PUT | HTTP_GET | HTTP_PATCH),
	    "GET, HEAD, PUT, PATCH, DELETE");
	CHECK_STR(allow(HTTP_PUT | HTTP_DELETE), "PUT, DELETE");
	CHECK_STR(allow(HTTP_HEAD), "HEAD");
	CHECK_STR(allow(HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE |
	    HTTP_OPTIONS), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	CHECK_STR(allow(0), "");
	CHECK_STR(allow(HTTP_OTHER), "");
	/* what route_match gathers from a path's rows */
	CHECK_INT(match(HTTP_PATCH, "/api/services", &allowed), -1);
	CHECK_STR(allow(allowed), "GET, HEAD, POST");
	CHECK_INT(match(HTTP_GET, "/api/maintenance/cleanup", &allowed), -1);
	CHECK_STR(allow(allowed), "POST");
	/* too small: cut short like snprintf, the needed length returned */
	CHECK_INT(route_allow_header(HTTP_GET | HTTP_POST, small, sizeof(small)), 15);
	CHECK_STR(small, "GET, HEAD");
	CHECK_INT(route_allow_header(HTTP_GET | HTTP_POST, small, 4), 15);
	CHECK_STR(small, "GET");
	CHECK_INT(route_allow_header(HTTP_POST, small, 1), 4);
	CHECK_STR(small, "");
	CHECK_INT(route_allow_header(HTTP_POST, NULL, 0), 4);
}

TEST(no_match)
{
	unsigned allowed;

	CHECK_INT(match(HTTP_GET, "/api/nothing", &allowed), -1);
	CHECK_INT(allowed, 0);
	CHECK_INT(match(HTTP_GET, "/api/services/42/extra", &allowed), -1);
	CHECK_INT(allowed, 0);
	CHECK_INT(match(HTTP_GET, "/api/servicesx", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/api/service", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/API/services", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "api/services", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/api", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "", &allowed), -1);
	CHECK_INT(match(HTTP_GET, "/api/bookings/5/items", &allowed), -1);
	CHECK_INT(allowed, 0);
	CHECK_INT(R.nparams, 0);
	CHECK(route_match(table, 0, &R, &allowed) == NULL);
}

TEST(role_names)
{
	enum role r = ROLE_CUSTOMER;

	CHECK_STR(role_name(ROLE_CUSTOMER), "customer");
	CHECK_STR(role_name(ROLE_TECHNICIAN), "technician");
	CHECK_STR(role_name(ROLE_ADMIN), "admin");
	CHECK_STR(role_name(ROLE_MODERATOR), "moderator");
	CHECK_STR(role_name(ROLE_CORPORATE), "corporate");
	CHECK_INT(role_parse("customer", &r), 0);
	CHECK_INT(r, ROLE_CUSTOMER);
	CHECK_INT(role_parse("technician", &r), 0);
	CHECK_INT(r, ROLE_TECHNICIAN);
	CHECK_INT(role_parse("admin", &r), 0);
	CHECK_INT(r, ROLE_ADMIN);
	CHECK_INT(role_parse("moderator", &r), 0);
	CHECK_INT(r, ROLE_MODERATOR);
	CHECK_INT(role_parse("corporate", &r), 0);
	CHECK_INT(r, ROLE_CORPORATE);
	/* canonical names only: aliases are the domain's business (identity.h) */
	r = ROLE_CUSTOMER;
	CHECK_INT(role_parse("ADMIN", &r), -1);
	CHECK_INT(role_parse("user", &r), -1);
	CHECK_INT(role_parse("admin ", &r), -1);
	CHECK_INT(role_parse("", &r), -1);
	CHECK_INT(role_parse(NULL, &r), -1);
	CHECK_INT(r, ROLE_CUSTOMER);
	/* every role survives the round trip */
	for (unsigned bit = ROLE_CUSTOMER; bit <= ROLE_CORPORATE; bit <<= 1) {
		CHECK_INT(role_parse(role_name((enum role)bit), &r), 0);
		CHECK_INT(r, bit);
	}
}

/* --- route_authorize, the refusals that need no database --- */

static char *envp[4];
static struct db *DB;     /* NULL unless a test opens one */
static char env_buf[1200];

static int
authorize(int route, const char *authorization, const char *maint, const char *cookie)
{
	size_t n = 0;

	memset(&R, 0, sizeof(R));
	R.a = &A;
	R.cfg = &cfg;
	R.db = DB;
	R.lang = LANG_EN;
	R.path = table[route].pattern;
	R.authorization = authorization;
	if (maint != NULL) {
		snprintf(env_buf, sizeof(env_buf), "HTTP_X_MAINTENANCE_TOKEN=%s", maint);
		envp[n++] = env_buf;
	}
	envp[n] = NULL;
	R.envp = envp;
	parse_cookies(&A, cookie, &R.cookies, 32);
	/* a refusal is the reply the worker would give for it */
	if (route_authorize(&R, &table[route]) == ERR_OK)
		return 0;
	reply_finish(&R, R.fail.e);
	return -1;
}

static int
reply_has(const char *needle)
{
	return R.resp_body != NULL && strstr(R.resp_body, needle) != NULL;
}

TEST(maintenance_token)
{
	char err[64];

	CHECK_INT(authorize(R_MAINT, NULL, MAINT, NULL), 0);
	CHECK_INT(R.replied, 0);
	CHECK_INT(authorize(R_MAINT, NULL, NULL, NULL), -1);
	CHECK_INT(R.status, 401);
	CHECK_INT(authorize(R_MAINT, NULL, "wrong", NULL), -1);
	CHECK_INT(R.status, 401);
	CHECK_INT(authorize(R_MAINT, NULL, MAINT "x", NULL), -1);
	CHECK_INT(authorize(R_MAINT, NULL, "", NULL), -1);
	/* a user's token is no substitute */
	CHECK_INT(authorize(R_MAINT, "Bearer " MAINT, NULL, NULL), -1);
	/* no token configured: the maintenance routes are closed, even to an empty header */
	REQUIRE(config_set(&cfg, "maintenance_token", "", err, sizeof(err)) == 0);
	CHECK_INT(authorize(R_MAINT, NULL, "", NULL), -1);
	CHECK_INT(R.status, 401);
	REQUIRE(config_set(&cfg, "maintenance_token", MAINT, err, sizeof(err)) == 0);
}

TEST(missing_and_invalid_tokens)
{
	/* public: no token needed, and a stale one is ignored */
	CHECK_INT(authorize(R_LIST, NULL, NULL, NULL), 0);
	CHECK_INT(authorize(R_LIST, "Bearer not.a.token", NULL, NULL), 0);
	CHECK_INT(R.replied, 0);
	CHECK_INT(R.user.id, 0);
	CHECK_INT(authorize(R_GET, "Bearer not.a.token", NULL, NULL), 0);   /* optional auth */
	CHECK_INT(R.user.id, 0);
	CHECK_INT(authorize(R_GET, NULL, NULL, "accessToken=garbage"), 0);

	/* protected: no token is 401 UNAUTHORIZED, a bad one 401 with "sign in again" */
	CHECK_INT(authorize(R_CREATE, NULL, NULL, NULL), -1);
	CHECK_INT(R.status, 401);
	CHECK(reply_has("\"code\":\"UNAUTHORIZED\""));
	CHECK(reply_has("Authentication required"));
	CHECK_INT(authorize(R_CREATE, "Bearer not.a.token", NULL, NULL), -1);
	CHECK_INT(R.status, 401);
	CHECK(reply_has("Invalid session"));
	CHECK_INT(authorize(R_CREATE, NULL, NULL, "accessToken=not.a.token"), -1);
	CHECK(reply_has("Invalid session"));
	CHECK_INT(authorize(R_CREATE, "Basic dXNlcjpwYXNz", NULL, NULL), -1);
	CHECK(reply_has("Authentication required"));
	CHECK_INT(authorize(R_CREATE, "Bearer ", NULL, NULL), -1);
	CHECK_INT(R.status, 401);
	CHECK_INT(authorize(R_ITEM, "Bearer    ", NULL, NULL), -1);
	CHECK_INT(R.status, 401);
}

TEST(valid_token_on_a_public_route_needs_no_database)
{
	struct jwt_claims c;
	char bearer[1024];
	char *tok = jwt_issue(&A, &cfg, 42, "customer", &c);

	REQUIRE(tok != NULL);
	snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
	CHECK_INT(authorize(R_LIST, bearer, NULL, NULL), 0);   /* R.db is NULL: not touched */
	CHECK_INT(R.replied, 0);
	CHECK_INT(R.user.id, 0);
	snprintf(bearer, sizeof(bearer), "bearer   %s", tok);  /* scheme is case-insensitive */
	CHECK_INT(authorize(R_LIST, bearer, NULL, NULL), 0);
}

TEST(valid_token_with_the_database_down_is_503)
{
	struct jwt_claims c;
	char bearer[1024], cookie[1024];
	char *tok = jwt_issue(&A, &cfg, 42, "admin", &c);
	struct resp_header *hd;
	int retry_after = 0;

	REQUIRE(tok != NULL);
	snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
	snprintf(cookie, sizeof(cookie), "lang=ar; accessToken=%s", tok);
	DB = db_open(&cfg);
	REQUIRE(DB != NULL);
	CHECK_INT(authorize(R_CREATE, bearer, NULL, NULL), -1);
	CHECK_INT(R.status, 503);
	CHECK(reply_has("\"code\":\"UNAVAILABLE\""));
	for (hd = R.keep_headers; hd != NULL; hd = hd->next)
		retry_after |= strcmp(hd->line, "Retry-After: 2") == 0;
	CHECK(retry_after);
	/* the same through the accessToken cookie, and on an optional-auth route */
	CHECK_INT(authorize(R_ITEM, NULL, NULL, cookie), -1);
	CHECK_INT(R.status, 503);
	CHECK_INT(authorize(R_GET, bearer, NULL, NULL), -1);
	CHECK_INT(R.status, 503);
	db_close(DB);
	DB = NULL;
}
