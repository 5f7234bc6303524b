/* recommendations: what GET /api/users/recommendations reads (docs/technicians.md,
 * "Recommendations"): the job (its owner, category and place) and the candidates, the
 * nearest bookable craftsmen of the job's category around it, each with the numbers
 * the score is made of (technician_stats of sql/migrations/0025_recommendations.sql,
 * kept on write). The score itself is fcgi/domain/recommend.c's. */
#ifndef WARSHA_STORE_RECOMMENDATIONS_H
#define WARSHA_STORE_RECOMMENDATIONS_H

#include "store.h"

extern struct db_family store_recommendations;

struct rec_job {
	long long   customer_id;   /* 0: none */
	const char *kind;
	const char *category;      /* NULL: none */
	int         has_point;
	double      lat, lng;
};

/* The booking id (any kind: the caller checks it is a job); DB_NOTFOUND if none. */
enum db_rc db_recs_job(struct db *db, struct arena *a, long long id, struct rec_job *out);

struct rec_candidate {
	long long   id;
	double      distance_km;
	int         available;           /* 1 available, 0 busy */
	int         experience_years;
	int         specializations;     /* how many */
	const char *specializations_json;
	const char *first_name, *last_name, *avatar;
	double      rating;
	long long   rating_count;
	long long   completed, dropped, responses;
	double      response_seconds;
};

/* At most limit craftsmen with the category, available or busy, verified, active and
 * not banned, within km of the point and within their own service radius: nearest
 * first (ties by id), read from ix_technicians_nearby as the search near a point. */
enum db_rc db_recs_candidates(struct db *db, struct arena *a, const char *category,
    double lat, double lng, double km, long long limit, struct rec_candidate **out,
    size_t *n);

#endif
