/* The dashboard's figures from roll-ups (analytics.h). Each statement reads a range
 * of days of booking_daily_stats (a row per day and status) or booking_daily_services
 * (a row per day and service) through its primary key, or a few counter rows. */
#include "analytics.h"

#include <string.h>

enum stmt {
	STMT_TOTALS,
	STMT_BY_DAY,
	STMT_BY_STATUS,
	STMT_BY_SERVICE,
	STMT_USERS,
	STMT_TECHNICIANS,
	STMT_TOP_TECHNICIANS,
	STMT__MAX
};

#define REVENUE "SUM(CASE WHEN status = 'completed' THEN amount ELSE 0 END)"

/* booking_daily_stats (day, status) for totals, days and statuses; booking_daily_services
 * (day, service_id) for services: each a range of its primary key's days. */
static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_TOTALS] = { "SELECT COALESCE(SUM(bookings), 0),"
	    " COALESCE(SUM(CASE WHEN status = 'completed' THEN bookings ELSE 0 END), 0),"
	    " COALESCE(SUM(CASE WHEN status = 'cancelled' THEN bookings ELSE 0 END), 0),"
	    " COALESCE(SUM(emergency), 0), COALESCE(" REVENUE ", 0)"
	    " FROM booking_daily_stats WHERE day BETWEEN ? AND ?", 2, 5, 0 },
	[STMT_BY_DAY] = { "SELECT DATE_FORMAT(day, '%Y-%m-%d') AS date,"
	    " CAST(SUM(bookings) AS INTEGER) AS bookings,"
	    " CAST(SUM(CASE WHEN status = 'completed' THEN bookings ELSE 0 END) AS INTEGER)"
	    " AS completed,"
	    " CAST(SUM(CASE WHEN status = 'cancelled' THEN bookings ELSE 0 END) AS INTEGER)"
	    " AS cancelled, CAST(SUM(emergency) AS INTEGER) AS emergency,"
	    " CAST(" REVENUE " AS INTEGER) AS revenue"
	    " FROM booking_daily_stats WHERE day BETWEEN ? AND ? GROUP BY day"
	    " HAVING SUM(bookings) <> 0 ORDER BY day", 2, 6, 0 },
	[STMT_BY_STATUS] = { "SELECT status, CAST(SUM(bookings) AS INTEGER) AS count"
	    " FROM booking_daily_stats WHERE day BETWEEN ? AND ? GROUP BY status"
	    " HAVING SUM(bookings) > 0 ORDER BY count DESC, status", 2, 2, 0 },
	[STMT_BY_SERVICE] = { "SELECT d.service_id AS serviceId, s.name_ar AS nameAr,"
	    " s.name_en AS nameEn, s.category, CAST(d.bookings AS INTEGER) AS bookings,"
	    " CAST(d.completed AS INTEGER) AS completed, CAST(d.revenue AS INTEGER) AS revenue"
	    " FROM (SELECT service_id, SUM(bookings) AS bookings, SUM(completed) AS completed,"
	    " SUM(revenue) AS revenue FROM booking_daily_services WHERE day BETWEEN ? AND ?"
	    " GROUP BY service_id HAVING SUM(bookings) > 0) d"
	    " JOIN services s ON s.id = d.service_id"
	    " ORDER BY d.bookings DESC, d.service_id LIMIT ?", 3, 7, 0 },
	[STMT_USERS] = { "SELECT role, state, n FROM user_counts", 0, 3, 0 },
	/* the counters the profiles' triggers keep (at most 18 rows) */
	[STMT_TECHNICIANS] = { "SELECT work_status, verification, bookable, n"
	    " FROM technician_counts", 0, 4, 0 },
	/* the top of ix_technician_booking_stats_top, read backwards */
	[STMT_TOP_TECHNICIANS] = { "SELECT t.technician_id AS technicianId,"
	    " u.first_name AS firstName, u.last_name AS lastName,"
	    " CAST(u.rating AS DOUBLE) AS rating, u.rating_count AS ratingCount,"
	    " t.bookings AS completed, t.amount AS revenue"
	    " FROM technician_booking_stats t JOIN users u ON u.id = t.technician_id"
	    " WHERE t.status = 'completed' AND t.bookings > 0"
	    " ORDER BY t.bookings DESC, t.technician_id DESC LIMIT ?", 1, 7, 0 },
};

struct db_family store_analytics = DB_FAMILY("analytics", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_analytics, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_analytics_totals(struct db *db, struct arena *a, const char *from, const char *to,
    struct booking_totals *out)
{
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_TOTALS, &res, DB_STR(from), DB_STR(to))) != DB_OK)
		return rc;
	if (res.nrows == 1) {
		out->bookings = db_get_ll(&res, 0, 0, 0);
		out->completed = db_get_ll(&res, 0, 1, 0);
		out->cancelled = db_get_ll(&res, 0, 2, 0);
		out->emergency = db_get_ll(&res, 0, 3, 0);
		out->revenue = db_get_ll(&res, 0, 4, 0);
	}
	return DB_OK;
}

static enum db_rc
rows(struct db *db, struct arena *a, unsigned stmt, const struct db_arg *args, size_t n,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_analytics, stmt, args, n, &res)) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_analytics_by_day(struct db *db, struct arena *a, const char *from, const char *to,
    json_object **out)
{
	return rows(db, a, STMT_BY_DAY, DB_ARGS(DB_STR(from), DB_STR(to)), out);
}

enum db_rc
db_analytics_by_status(struct db *db, struct arena *a, const char *from, const char *to,
    json_object **out)
{
	return rows(db, a, STMT_BY_STATUS, DB_ARGS(DB_STR(from), DB_STR(to)), out);
}

enum db_rc
db_analytics_by_service(struct db *db, struct arena *a, const char *from, const char *to,
    long long limit, json_object **out)
{
	return rows(db, a, STMT_BY_SERVICE, DB_ARGS(DB_STR(from), DB_STR(to), DB_INT(limit)), out);
}

enum db_rc
db_analytics_users(struct db *db, struct arena *a, json_object **out)
{
	static const char *const states[] = { "active", "inactive", "banned" };
	long long by_state[3] = { 0, 0, 0 }, total = 0, n;
	json_object *by_role = json_object_new_object(), *v;
	struct db_result res;
	enum db_rc rc;
	size_t i, k;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_analytics, STMT_USERS, DB_NOARGS, &res)) != DB_OK) {
		json_object_put(by_role);
		return rc;
	}
	for (i = 0; i < res.nrows; i++) {
		const char *role = db_get(&res, i, 0), *state = db_get(&res, i, 1);

		if (role == NULL || state == NULL || strcmp(state, "deleted") == 0)
			continue;
		n = db_get_ll(&res, i, 2, 0);
		for (k = 0; k < 3; k++)
			if (strcmp(state, states[k]) == 0)
				by_state[k] += n;
		total += n;
		if (json_object_object_get_ex(by_role, role, &v))
			json_object_set_int64(v, json_object_get_int64(v) + n);
		else
			json_object_object_add(by_role, role, json_object_new_int64(n));
	}
	*out = json_object_new_object();
	json_object_object_add(*out, "total", json_object_new_int64(total));
	for (k = 0; k < 3; k++)
		json_object_object_add(*out, states[k], json_object_new_int64(by_state[k]));
	json_object_object_add(*out, "byRole", by_role);
	return DB_OK;
}

enum db_rc
db_analytics_technicians(struct db *db, struct arena *a, json_object **out)
{
	static const char *const keys[] = { "available", "busy", "offline", "verified", "pending",
		"rejected" };
	long long count[6] = { 0 }, total = 0, now = 0, n;
	struct db_result res;
	enum db_rc rc;
	size_t i, k;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_analytics, STMT_TECHNICIANS, DB_NOARGS, &res)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		const char *status = db_get(&res, i, 0), *ver = db_get(&res, i, 1);

		if (db_get_ll(&res, i, 2, 0) != 1 || status == NULL || ver == NULL)
			continue;   /* a banned, inactive or deleted technician's profile */
		n = db_get_ll(&res, i, 3, 0);
		total += n;
		for (k = 0; k < 6; k++)
			if (strcmp(k < 3 ? status : ver, keys[k]) == 0)
				count[k] += n;
		if (strcmp(status, "available") == 0 && strcmp(ver, "verified") == 0)
			now += n;
	}
	*out = json_object_new_object();
	json_object_object_add(*out, "total", json_object_new_int64(total));
	for (k = 0; k < 6; k++)
		json_object_object_add(*out, keys[k], json_object_new_int64(count[k]));
	json_object_object_add(*out, "availableNow", json_object_new_int64(now));
	return DB_OK;
}

enum db_rc
db_analytics_top_technicians(struct db *db, struct arena *a, long long limit, json_object **out)
{
	return rows(db, a, STMT_TOP_TECHNICIANS, DB_ARGS(DB_INT(limit)), out);
}
