#include "geocode.h"

#include <stdlib.h>

enum stmt {
	STMT_CACHED,
	STMT_REMEMBER,
	STMT_CLOCK,
	STMT_CLOCK_MOVE,
	STMT_GOVERNORATES,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_CACHED] = { "SELECT answer FROM geocode_cache WHERE kind = ? AND query_key = ?",
	    2, 1, 0 },
	[STMT_REMEMBER] = { "INSERT INTO geocode_cache (kind, query_key, answer) VALUES (?, ?, ?)"
	    " ON DUPLICATE KEY UPDATE answer = VALUES(answer), created_at = CURRENT_TIMESTAMP(3)",
	    3, 0, 0 },
	/* the next free second, taken when it is at most SLOT_AHEAD seconds away: one
	 * statement (autocommit), its row locked for its own length only; the second taken
	 * is kept in a session variable for the next statement */
	[STMT_CLOCK_MOVE] = { "UPDATE geocode_clock SET last_call ="
	    " (@geocode_slot := GREATEST(NOW(3), last_call + INTERVAL 1 SECOND))"
	    " WHERE id = 1 AND last_call <= NOW(3) + INTERVAL 1 SECOND", 0, 0, 0 },
	[STMT_CLOCK] = { "SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, NOW(3), @geocode_slot))",
	    0, 1, 0 },
	/* 27 rows, read whole */
	[STMT_GOVERNORATES] = { "SELECT code, name_ar, name_en, centroid_lat, centroid_lng"
	    " FROM governorates WHERE centroid_lat IS NOT NULL ORDER BY sort_order", 0, 5, 0 },
};

struct db_family store_geocode = DB_FAMILY("geocode", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_geocode, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_geocode_cached(struct db *db, struct arena *a, const char *kind, const char *key,
    json_object **answer)
{
	struct db_result res;
	enum db_rc rc;
	const char *v;

	*answer = NULL;
	if ((rc = RUN(db, a, STMT_CACHED, &res, DB_STR(kind), DB_STR(key))) != DB_OK)
		return rc;
	if (res.nrows == 0 || (v = db_get(&res, 0, 0)) == NULL ||
	    (*answer = json_tokener_parse(v)) == NULL)
		return DB_NOTFOUND;
	return DB_OK;
}

enum db_rc
db_geocode_remember(struct db *db, struct arena *a, const char *kind, const char *key,
    const char *answer_json)
{
	return RUN(db, a, STMT_REMEMBER, NULL, DB_STR(kind), DB_STR(key), DB_STR(answer_json));
}

enum db_rc
db_geocode_take_slot(struct db *db, struct arena *a, long long *wait_ms)
{
	struct db_result res;
	enum db_rc rc;
	long long us;

	*wait_ms = -1;
	if ((rc = db_exec(db, a, &store_geocode, STMT_CLOCK_MOVE, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.affected == 0)
		return DB_OK;        /* the next two seconds are taken */
	if ((rc = db_exec(db, a, &store_geocode, STMT_CLOCK, DB_NOARGS, &res)) != DB_OK)
		return rc;
	us = db_get_ll(&res, 0, 0, 0);
	*wait_ms = (us + 999) / 1000;
	return DB_OK;
}

enum db_rc
db_geocode_governorates(struct db *db, struct arena *a, struct governorate **out, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((rc = db_exec(db, a, &store_geocode, STMT_GOVERNORATES, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, sizeof(**out) * (res.nrows > 0 ? res.nrows : 1));
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].code = arena_strdup(a, db_get(&res, i, 0));
		(*out)[i].name_ar = arena_strdup(a, db_get(&res, i, 1));
		(*out)[i].name_en = arena_strdup(a, db_get(&res, i, 2));
		(*out)[i].lat = strtod(db_get(&res, i, 3), NULL);
		(*out)[i].lng = strtod(db_get(&res, i, 4), NULL);
	}
	*n = res.nrows;
	return DB_OK;
}
