#include "recommendations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"

enum stmt {
	STMT_JOB,
	STMT_CANDIDATES,
	STMT__MAX
};

/* The haversine of fcgi/store/technicians.c (geo_distance_km() of
 * fcgi/domain/booking.h), in km. */
#define HAVERSINE "2 * 6371.0088 * ASIN(LEAST(1, SQRT(" \
	"POW(SIN(RADIANS(p.latitude - ?) / 2), 2) + COS(RADIANS(?)) * COS(RADIANS(p.latitude))" \
	" * POW(SIN(RADIANS(p.longitude - ?) / 2), 2))))"

/* Inside: the nearest ids, from technician_reach's ix_technician_reach_near (the
 * category, two work statuses, then the latitude range of the box; longitude, distance
 * and radius checked on the index entries, so only the craftsmen of the job's trade
 * are read); only those inside the circle are sorted. Outside: the few rows of each,
 * by primary key, and its stats row. */
#define CANDIDATES_SQL DB_LIST_LIMIT \
	"SELECT n.user_id, n.distanceKm, p.work_status = 'available' AS available," \
	" p.experience_years, JSON_LENGTH(p.specializations) AS nspec, p.specializations," \
	" u.first_name, u.last_name, u.avatar, u.rating, u.rating_count," \
	" COALESCE(s.completed, 0), COALESCE(s.dropped, 0), COALESCE(s.responses, 0)," \
	" COALESCE(s.response_seconds, 0)" \
	" FROM (SELECT p.user_id, ROUND(" HAVERSINE ", 3) AS distanceKm" \
	" FROM technician_reach p FORCE INDEX (ix_technician_reach_near)" \
	" WHERE p.category = ? AND p.work_status IN ('available', 'busy')" \
	" AND p.verification = 'verified'" \
	" AND p.user_bookable = 1" \
	" AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?" \
	" AND " HAVERSINE " <= LEAST(?, p.service_radius_km)" \
	" ORDER BY distanceKm, p.user_id LIMIT ?) n" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = n.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = n.user_id" \
	" LEFT JOIN technician_stats s ON s.user_id = n.user_id" \
	" WHERE u.role = 'technician' AND u.deleted_at IS NULL AND u.is_active = 1" \
	" AND u.is_banned = 0" \
	" ORDER BY n.distanceKm, n.user_id"
#define CANDIDATE_NCOLS 15

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_JOB] = { "SELECT customer_id, kind, category, latitude, longitude FROM bookings"
	    " WHERE id = ?", 1, 5, 0 },
	[STMT_CANDIDATES] = { CANDIDATES_SQL, 13, CANDIDATE_NCOLS, DBS_LIST },
};

#define S_POINT DB_SAMPLE_STR("30.0444"), DB_SAMPLE_STR("30.0444"), DB_SAMPLE_STR("31.2357")
static const struct db_arg s_candidates[] = { S_POINT, DB_SAMPLE_STR("plumbing"),
	DB_SAMPLE_STR("29.145"), DB_SAMPLE_STR("30.944"), DB_SAMPLE_STR("30.196"),
	DB_SAMPLE_STR("32.275"), S_POINT, DB_SAMPLE_INT(100), DB_SAMPLE_INT(200) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_CANDIDATES] = DB_SAMPLE(s_candidates),
};

struct db_family store_recommendations = DB_FAMILY_SAMPLES("recommendations", stmts, samples);

static double
num(const char *s)
{
	return s != NULL ? strtod(s, NULL) : 0;
}

enum db_rc
db_recs_job(struct db *db, struct arena *a, long long id, struct rec_job *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_recommendations, STMT_JOB, DB_ARGS(DB_INT(id)),
	    &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->customer_id = db_get_ll(&res, 0, 0, 0);
	out->kind = db_get(&res, 0, 1);
	out->category = db_get(&res, 0, 2);
	out->has_point = db_get(&res, 0, 3) != NULL && db_get(&res, 0, 4) != NULL;
	out->lat = num(db_get(&res, 0, 3));
	out->lng = num(db_get(&res, 0, 4));
	return DB_OK;
}

enum db_rc
db_recs_candidates(struct db *db, struct arena *a, const char *category, double lat,
    double lng, double km, long long limit, struct rec_candidate **out, size_t *n)
{
	/* the box around the circle, as db_technicians_nearby() */
	double dlat = km / 111.195, edge = fabs(lat) + dlat, c, dlng;
	struct db_result res;
	enum db_rc rc;
	size_t i;

	c = edge >= 89.0 ? 0.0 : cos(edge * M_PI / 180.0);
	dlng = c < 0.01 ? 180.0 : km / (111.195 * c);
	*out = NULL;
	*n = 0;
	if ((rc = db_exec(db, a, &store_recommendations, STMT_CANDIDATES, DB_ARGS(
	    DB_DBL(lat), DB_DBL(lat), DB_DBL(lng), DB_STR(category),
	    DB_DBL(lat - dlat), DB_DBL(lat + dlat), DB_DBL(lng - dlng), DB_DBL(lng + dlng),
	    DB_DBL(lat), DB_DBL(lat), DB_DBL(lng), DB_DBL(km), DB_INT(limit)), &res)) != DB_OK)
		return rc;
	*out = arena_alloc(a, sizeof(**out) * (res.nrows > 0 ? res.nrows : 1));
	for (i = 0; i < res.nrows; i++) {
		struct rec_candidate *r = &(*out)[i];

		memset(r, 0, sizeof(*r));
		r->id = db_get_ll(&res, i, 0, 0);
		r->distance_km = num(db_get(&res, i, 1));
		r->available = db_get_ll(&res, i, 2, 0) != 0;
		r->experience_years = (int)db_get_ll(&res, i, 3, 0);
		r->specializations = (int)db_get_ll(&res, i, 4, 1);
		r->specializations_json = db_get(&res, i, 5);
		r->first_name = db_get(&res, i, 6);
		r->last_name = db_get(&res, i, 7);
		r->avatar = db_get(&res, i, 8);
		r->rating = num(db_get(&res, i, 9));
		r->rating_count = db_get_ll(&res, i, 10, 0);
		r->completed = db_get_ll(&res, i, 11, 0);
		r->dropped = db_get_ll(&res, i, 12, 0);
		r->responses = db_get_ll(&res, i, 13, 0);
		r->response_seconds = num(db_get(&res, i, 14));
	}
	*n = res.nrows;
	return DB_OK;
}
