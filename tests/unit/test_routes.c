/* api/routes.c: the application's route table, walked row by row. route_match takes
 * the first row whose pattern fits the path and whose methods include the request's, so
 * a row placed after a ":id" row of the same shape is never reached: a literal
 * /api/users/recommendations below GET /api/users/:id would be answered by users_get
 * with a 404 "invalid ID". Every row must be reachable through its own pattern. */
#include "core/router.h"
#include "check.h"

static struct arena A;

void
check_setup(void)
{
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	arena_free(&A);
}

static const struct { unsigned m; const char *name; } methods[] = {
	{ HTTP_GET, "GET" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
	{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" }, { HTTP_HEAD, "HEAD" },
	{ HTTP_OPTIONS, "OPTIONS" },
};

/* The path a request to this row would have: ":name" segments become "1", which no
 * literal segment of the table is. */
static void
example_path(const char *pattern, char *buf, size_t n)
{
	size_t len = 0;
	char prev = '\0';

	while (*pattern != '\0' && len + 2 < n) {
		if (*pattern == ':' && prev == '/') {
			buf[len++] = '1';
			while (*pattern != '/' && *pattern != '\0')
				pattern++;
		} else
			buf[len++] = *pattern++;
		prev = buf[len - 1];
	}
	buf[len] = '\0';
}

/* Counts the rows of t that a request for one of their methods on their own pattern
 * does not reach (another pattern answers it, or nothing does), printing each one when
 * report is set. A row of the same pattern that comes first is no finding: the methods
 * of one pattern may be split over several rows. */
static size_t
unreachable(const struct route *t, size_t n, int report)
{
	const struct route *got;
	struct req r;
	char path[512];
	unsigned allowed, m;
	size_t i, j, bad = 0;

	for (i = 0; i < n; i++) {
		example_path(t[i].pattern, path, sizeof(path));
		for (j = 0; j < sizeof(methods) / sizeof(methods[0]); j++) {
			m = methods[j].m;
			/* HEAD reaches the GET rows */
			if (!(t[i].methods & m) && !(m == HTTP_HEAD && (t[i].methods & HTTP_GET)))
				continue;
			memset(&r, 0, sizeof(r));
			r.a = &A;
			r.method = m;
			r.path = path;
			got = route_match(t, n, &r, &allowed);
			if (got != NULL && strcmp(got->pattern, t[i].pattern) == 0)
				continue;
			if (report)
				fprintf(stderr, "    row %zu (%s): %s %s reaches %s\n", i, t[i].pattern,
				    methods[j].name, path, got != NULL ? got->pattern : "no row");
			bad++;
		}
		arena_reset(&A);
	}
	return bad;
}

/* rows name what they have, as in routes.c */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static enum err h(struct req *r) { (void)r; return ERR_OK; }

TEST(a_literal_after_a_parameter_row_is_caught)
{
	static const struct route bad[] = {
		{ HTTP_GET, "/api/users", h, ROUTE_PUBLIC, 0 },
		{ HTTP_GET, "/api/users/:id", h, ROUTE_PUBLIC, 0 },
		{ HTTP_GET, "/api/users/recommendations", h, ROUTE_PUBLIC, 0 },
		{ HTTP_POST, "/api/users/fcm-token", h, ROUTE_PUBLIC, 0 },   /* other method: fine */
		{ HTTP_DELETE, "/api/users/:id", h, ROUTE_PUBLIC, 0 },
		{ HTTP_DELETE, "/api/users/:userId", h, ROUTE_PUBLIC, 0 },   /* a duplicate */
	};
	static const struct route good[] = {
		{ HTTP_GET, "/api/users", h, ROUTE_PUBLIC, 0 },
		{ HTTP_GET, "/api/users/recommendations", h, ROUTE_PUBLIC, 0 },
		{ HTTP_GET | HTTP_PUT, "/api/users/:id", h, ROUTE_PUBLIC, 0 },
		{ HTTP_DELETE, "/api/users/:id", h, ROUTE_PUBLIC, 0 },
		{ HTTP_POST, "/api/users/fcm-token", h, ROUTE_PUBLIC, 0 },
	};

	/* GET and HEAD of recommendations, DELETE of :userId */
	CHECK_INT(unreachable(bad, sizeof(bad) / sizeof(bad[0]), 0), 3);
	CHECK_INT(unreachable(good, sizeof(good) / sizeof(good[0]), 1), 0);
}

TEST(every_app_route_is_reachable)
{
	REQUIRE(app_nroutes > 0);
	CHECK_INT(unreachable(app_routes, app_nroutes, 1), 0);
}

TEST(app_route_patterns_are_well_formed)
{
	const struct route *rt;
	size_t i;

	for (i = 0; i < app_nroutes; i++) {
		rt = &app_routes[i];
		/* match() compares segment by segment from a leading slash; a trailing one is
		 * the request's to add, and /api/v1/... is folded to /api/... before matching */
		if (!CHECK(rt->pattern[0] == '/' && strstr(rt->pattern, "//") == NULL &&
		    (strcmp(rt->pattern, "/") == 0 || rt->pattern[strlen(rt->pattern) - 1] != '/') &&
		    strncmp(rt->pattern, "/api/v1/", 8) != 0 && rt->methods != 0 &&
		    rt->handler != NULL))
			fprintf(stderr, "    row %zu: %s\n", i, rt->pattern);
	}
}
