/* core/db: turning result rows into JSON, on hand-built results (no database). */
#include <math.h>
#include <stdint.h>

#include "core/db.h"
#include "core/http.h"
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

static const char *
iso(const char *t)
{
	static char buf[32];

	return db_time_iso(t, buf, sizeof(buf));
}

TEST(time_iso)
{
	char small[24];

	CHECK_STR(iso("2026-11-21 10:00:00"), "2026-11-21T10:00:00.000Z");
	CHECK_STR(iso("2026-11-21 10:00:00.123"), "2026-11-21T10:00:00.123Z");
	CHECK_STR(iso("2026-11-21 10:00:00.123456"), "2026-11-21T10:00:00.123Z");
	CHECK_STR(iso("2026-11-21 10:00:00.1"), "2026-11-21T10:00:00.100Z");
	CHECK_STR(iso("2026-11-21 10:00:00.12"), "2026-11-21T10:00:00.120Z");
	CHECK_STR(iso("2026-11-21 10:00:00.999999"), "2026-11-21T10:00:00.999Z");
	CHECK_STR(iso("1999-12-31 23:59:59."), "1999-12-31T23:59:59.000Z");
	CHECK(iso(NULL) == NULL);
	CHECK(iso("") == NULL);
	CHECK(iso("2026-11-21") == NULL);
	CHECK(iso("2026-11-21 10:00:0") == NULL);
	CHECK(db_time_iso("2026-11-21 10:00:00", small, sizeof(small)) == NULL);
}

enum { NCOLS = 14 };

static const char *names[NCOLS] = {
	"id", "profile.firstName", "profile.lastName", "isActive", "isBanned", "rating",
	"createdAt", "tags", "bio", "location.geo.lat", "deletedAt", "settings", "birthDate",
	"location.city",
};
static enum db_coltype types[NCOLS] = {
	DBC_INT, DBC_STR, DBC_STR, DBC_BOOL, DBC_BOOL, DBC_NUM,
	DBC_TIME, DBC_JSON, DBC_STR, DBC_NUM, DBC_TIME, DBC_JSON, DBC_DATE,
	DBC_STR,
};
static char *row0[NCOLS] = {
	"7", "Ahmed", NULL, "1", "0", "4.50",
	"2026-11-21 10:00:00.123456", "[\"سباكة\",\"كهرباء\"]", "فني \"محترف\"\nخبرة", "30.0444",
	NULL, NULL, "1990-05-01",
	"القاهرة",
};
static char *row1[NCOLS] = {
	"-9223372036854775808", "", "Ali", "0", "1", "0",
	"2026-01-01 00:00:00", "{\"a\":{\"b\":[1,2]}}", "x", "-31.5",
	"2026-02-03 04:05:06.7", "{broken", "2000-02-29",
	NULL,
};
static unsigned long lens0[NCOLS], lens1[NCOLS];
static char **rows[2] = { row0, row1 };
static unsigned long *lens[2] = { lens0, lens1 };

static struct db_result
result(size_t nrows)
{
	struct db_result r;
	size_t c;

	for (c = 0; c < NCOLS; c++) {
		lens0[c] = row0[c] ? strlen(row0[c]) : 0;
		lens1[c] = row1[c] ? strlen(row1[c]) : 0;
	}
	memset(&r, 0, sizeof(r));
	r.ncols = NCOLS;
	r.nrows = nrows;
	r.names = names;
	r.types = types;
	r.rows = rows;
	r.lens = lens;
	return r;
}

TEST(row_json_types_and_paths)
{
	struct db_result r = result(2);
	json_object *o, *v;

	o = json_owned(&A, db_row_json(&r, 0));
	REQUIRE(o != NULL);
	v = json_path(o, "id");
	CHECK(json_object_is_type(v, json_type_int) && json_object_get_int64(v) == 7);
	CHECK_STR(json_object_get_string(json_path(o, "profile.firstName")), "Ahmed");
	/* SQL NULL is JSON null, and it still makes its parent object */
	CHECK(json_object_is_type(json_path(o, "profile"), json_type_object));
	CHECK(json_has(json_path(o, "profile"), "lastName"));
	CHECK(json_path(o, "profile.lastName") == NULL);
	v = json_path(o, "isActive");
	CHECK(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v) == 1);
	v = json_path(o, "isBanned");
	CHECK(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v) == 0);
	v = json_path(o, "rating");
	CHECK(json_object_is_type(v, json_type_double) && json_object_get_double(v) == 4.5);
	CHECK_STR(json_object_get_string(json_path(o, "createdAt")), "2026-11-21T10:00:00.123Z");
	v = json_path(o, "tags");
	CHECK(json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2);
	CHECK_STR(json_object_get_string(json_object_array_get_idx(v, 0)), "سباكة");
	CHECK_STR(json_object_get_string(json_path(o, "bio")), "فني \"محترف\"\nخبرة");
	v = json_path(o, "location.geo.lat");
	CHECK(v != NULL && fabs(json_object_get_double(v) - 30.0444) < 1e-12);
	CHECK_STR(json_object_get_string(json_path(o, "location.city")), "القاهرة");
	CHECK(json_has(o, "deletedAt") && json_path(o, "deletedAt") == NULL);
	CHECK(json_has(o, "settings") && json_path(o, "settings") == NULL);
	CHECK_STR(json_object_get_string(json_path(o, "birthDate")), "1990-05-01");
	CHECK_INT(json_object_object_length(o), 12);      /* id, profile ... birthDate */
	CHECK_INT(json_object_object_length(json_path(o, "location")), 2);   /* geo and city */

	o = json_owned(&A, db_row_json(&r, 1));
	v = json_path(o, "id");
	CHECK(json_object_get_int64(v) == INT64_MIN);
	CHECK_STR(json_object_get_string(json_path(o, "profile.firstName")), "");
	CHECK_STR(json_object_get_string(json_path(o, "profile.lastName")), "Ali");
	CHECK(json_object_get_boolean(json_path(o, "isActive")) == 0);
	CHECK(json_object_get_boolean(json_path(o, "isBanned")) == 1);
	CHECK(json_object_get_double(json_path(o, "rating")) == 0.0);
	CHECK_STR(json_object_get_string(json_path(o, "createdAt")), "2026-01-01T00:00:00.000Z");
	CHECK_STR(json_object_get_string(json_path(o, "deletedAt")), "2026-02-03T04:05:06.700Z");
	CHECK(json_object_is_type(json_path(o, "tags.a.b"), json_type_array));
	CHECK(json_has(o, "settings") && json_path(o, "settings") == NULL);  /* unparseable */
	CHECK(json_has(json_path(o, "location"), "city"));

	/* a row past the end is an empty object */
	o = json_owned(&A, db_row_json(&r, 2));
	CHECK_INT(json_object_object_length(o), 0);
}

/* The text a client reads: exact, compact, with the slash unescaped. */
TEST(row_json_text)
{
	static char *vals[4] = { "12", "2026-11-21 10:00:00", "a/b", NULL };
	static const char *nm[4] = { "id", "createdAt", "path", "service.nameEn" };
	static enum db_coltype ty[4] = { DBC_INT, DBC_TIME, DBC_STR, DBC_STR };
	static unsigned long ln[4] = { 2, 19, 3, 0 };
	static char **rw[1] = { vals };
	static unsigned long *lp[1] = { ln };
	struct db_result r = { .ncols = 4, .nrows = 1, .names = nm, .types = ty, .rows = rw,
		.lens = lp };

	CHECK_STR(json_text(&A, json_owned(&A, db_row_json(&r, 0)), NULL),
	    "{\"id\":12,\"createdAt\":\"2026-11-21T10:00:00.000Z\",\"path\":\"a/b\","
	    "\"service\":{\"nameEn\":null}}");
}

/* A string column keeps its bytes, NULs included: lens, not strlen, is the length. */
TEST(row_json_uses_lengths)
{
	static char bin[] = { 'a', '\0', 'b', '\0' };
	static char *vals[1] = { bin };
	static const char *nm[1] = { "raw" };
	static enum db_coltype ty[1] = { DBC_STR };
	static unsigned long ln[1] = { 3 };
	static char **rw[1] = { vals };
	static unsigned long *lp[1] = { ln };
	struct db_result r = { .ncols = 1, .nrows = 1, .names = nm, .types = ty, .rows = rw,
		.lens = lp };
	json_object *o = json_owned(&A, db_row_json(&r, 0));

	CHECK_INT(json_object_get_string_len(json_path(o, "raw")), 3);
}

/* Decimal columns (ratings, coordinates) read back as the number the database holds:
 * "4.33", not the nearest double's 17 digits "4.3300000000000001". */
TEST(decimal_columns_print_as_stored)
{
	static char *vals[3] = { "4.33", "31.2357", "0.10" };
	static const char *nm[3] = { "rating", "lng", "fee" };
	static enum db_coltype ty[3] = { DBC_NUM, DBC_NUM, DBC_NUM };
	static unsigned long ln[3] = { 4, 7, 4 };
	static char **rw[1] = { vals };
	static unsigned long *lp[1] = { ln };
	struct db_result r = { .ncols = 3, .nrows = 1, .names = nm, .types = ty, .rows = rw,
		.lens = lp };
	const char *t = json_text(&A, json_owned(&A, db_row_json(&r, 0)), NULL);

	CHECK(strstr(t, "\"rating\":4.33,") != NULL);
	CHECK(strstr(t, "\"lng\":31.2357,") != NULL);
	if (!CHECK(strstr(t, "0000000") == NULL))
		fprintf(stderr, "    got: %s\n", t);
}

TEST(rows_json_array)
{
	struct db_result r = result(2), empty = result(0);
	json_object *a;

	a = json_owned(&A, db_rows_json(&r));
	REQUIRE(json_object_is_type(a, json_type_array));
	CHECK_INT(json_object_array_length(a), 2);
	CHECK_INT(json_object_get_int64(json_path(json_object_array_get_idx(a, 0), "id")), 7);
	CHECK_STR(json_object_get_string(json_path(json_object_array_get_idx(a, 1),
	    "profile.lastName")), "Ali");
	a = json_owned(&A, db_rows_json(&empty));
	CHECK(json_object_is_type(a, json_type_array));
	CHECK_INT(json_object_array_length(a), 0);
	CHECK_STR(json_text(&A, a, NULL), "[]");
}

TEST(result_accessors)
{
	struct db_result r = result(2);

	CHECK_STR(db_get(&r, 0, 1), "Ahmed");
	CHECK(db_get(&r, 0, 2) == NULL);
	CHECK(db_get(&r, 2, 0) == NULL);
	CHECK(db_get(&r, 0, NCOLS) == NULL);
	CHECK(db_get(NULL, 0, 0) == NULL);
	CHECK_INT(db_get_ll(&r, 0, 0, -1), 7);
	CHECK_INT(db_get_ll(&r, 1, 0, -1), INT64_MIN);
	CHECK_INT(db_get_ll(&r, 0, 2, -1), -1);            /* NULL */
	CHECK_INT(db_get_ll(&r, 0, 1, -1), -1);            /* not a number */
	CHECK_INT(db_get_ll(&r, 5, 0, 99), 99);
	CHECK_INT(db_col(&r, "id"), 0);
	CHECK_INT(db_col(&r, "profile.firstName"), 1);
	CHECK_INT(db_col(&r, "location.city"), 13);
	CHECK_INT(db_col(&r, "profile"), -1);
	CHECK_INT(db_col(NULL, "id"), -1);
}

TEST(arg_helpers)
{
	struct db_arg a = db_arg_str("سباكة");
	struct db_arg n = db_arg_str(NULL);
	struct db_arg p = db_arg_strn("abcdef", 3);
	struct db_arg i = DB_INT(42);

	CHECK_INT(a.type, DBA_STR);
	CHECK_INT(a.len, 10);
	CHECK_INT(n.type, DBA_NULL);
	CHECK_INT(p.type, DBA_STR);
	CHECK_INT(p.len, 3);
	CHECK_INT(db_arg_strn(NULL, 3).type, DBA_NULL);
	CHECK_INT(i.type, DBA_INT);
	CHECK_INT(i.i, 42);
}

TEST(like_pattern_escapes_wildcards)
{
	CHECK_STR(db_like_contains(&A, "plumb"), "%plumb%");
	CHECK_STR(db_like_contains(&A, ""), "%%");
	CHECK_STR(db_like_contains(&A, "50%_off\\"), "%50\\%\\_off\\\\%");
	CHECK_STR(db_like_contains(&A, "%%%"), "%\\%\\%\\%%");
	CHECK_STR(db_like_contains(&A, "سباكة"), "%سباكة%");
}
