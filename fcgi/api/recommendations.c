/* GET /api/users/recommendations?jobId=: craftsmen recommended for a job (seed 001
 * §2.6, §5.12), for the job's owner only. The candidates are the nearest craftsmen of
 * the job's category around its place (the store reads them from the geo index, never
 * every technician); each is scored by fcgi/domain/recommend.c and the list is the best
 * first, ties by id, each item with its score and the parts it is made of.
 * docs/technicians.md, "Recommendations". */
#include <math.h>
#include <string.h>

#include "../domain/recommend.h"
#include "../store/recommendations.h"
#include "api.h"

/* The search: this far around the job (each craftsman's own service radius cuts it
 * further), the nearest this many scored, this many answered unless asked. */
#define RECS_RADIUS_KM   30.0
#define RECS_CANDIDATES  200
#define RECS_DEFAULT     10
#define RECS_MAX         50

struct recs_in {
	struct in_val job_id, limit;
};

static const struct vfield recs_fields[] = {
	{ "jobId", V_INT, VF_REQUIRED, 1, 9223372036854775807LL, NULL,
	    IN(struct recs_in, job_id), NULL },
	{ "limit", V_INT, 0, 1, RECS_MAX, NULL, IN(struct recs_in, limit), NULL },
};

const struct input recommendations_query = INPUT(struct recs_in, recs_fields, NULL);

static json_object *
points(long long milli)
{
	return json_object_new_double((double)milli / 1000.0);
}

static json_object *
item(const struct rec_candidate *c, const struct rc_score *s)
{
	json_object *o = json_object_new_object(), *t = json_object_new_object();
	json_object *parts = json_object_new_object(), *st = json_object_new_object(), *spec;
	size_t i;

	json_object_object_add(t, "id", json_object_new_int64(c->id));
	json_object_object_add(t, "firstName", json_new_str(c->first_name));
	json_object_object_add(t, "lastName", json_new_str(c->last_name));
	json_object_object_add(t, "avatar", json_new_str(c->avatar));
	json_object_object_add(t, "rating", json_object_new_double(c->rating));
	json_object_object_add(t, "ratingCount", json_object_new_int64(c->rating_count));
	spec = c->specializations_json != NULL ? json_tokener_parse(c->specializations_json) :
	    NULL;
	json_object_object_add(t, "specializations", spec != NULL ? spec :
	    json_object_new_array());
	json_object_object_add(t, "experienceYears", json_object_new_int(c->experience_years));
	json_object_object_add(t, "workStatus", json_object_new_string(c->available ?
	    "available" : "busy"));
	json_object_object_add(o, "craftsman", t);
	json_object_object_add(o, "distanceKm", json_object_new_double(c->distance_km));
	json_object_object_add(o, "score", points(s->total));
	for (i = 0; i < RC__PARTS; i++)
		json_object_object_add(parts, rc_part_names[i], points(s->part[i]));
	json_object_object_add(o, "components", parts);
	json_object_object_add(st, "bayesianRating",
	    json_object_new_double(round(s->bayesian_rating * 1000) / 1000));
	json_object_object_add(st, "completedJobs", json_object_new_int64(c->completed));
	json_object_object_add(st, "completionRate", s->completion_rate < 0 ? NULL :
	    json_object_new_double(round(s->completion_rate * 1000) / 1000));
	json_object_object_add(st, "meanResponseSeconds", s->mean_response_s < 0 ? NULL :
	    json_object_new_int64(llround(s->mean_response_s)));
	json_object_object_add(o, "stats", st);
	return o;
}

enum err
recommendations_get(struct req *r)
{
	const struct recs_in *in = r->qin;
	long long limit = in->limit.set ? in->limit.i : RECS_DEFAULT;
	struct rec_candidate *cands = NULL;
	struct rc_score *scores;
	struct rec_job job;
	json_object *data, *list, *search;
	enum db_rc rc;
	size_t n = 0, i;

	/* a job the caller does not own is 404, as /api/jobs/:jobId */
	rc = db_recs_job(r->db, r->a, in->job_id.i, &job);
	if (rc == DB_OK && (job.kind == NULL || strcmp(job.kind, "job") != 0 ||
	    job.customer_id == 0 || job.customer_id != r->user.id))
		rc = DB_NOTFOUND;
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (job.has_point && job.category != NULL &&
	    (rc = db_recs_candidates(r->db, r->a, job.category, job.lat, job.lng,
	    RECS_RADIUS_KM, RECS_CANDIDATES, &cands, &n)) != DB_OK)
		return fail_db(r, rc);
	scores = arena_alloc(r->a, sizeof(*scores) * (n > 0 ? n : 1));
	for (i = 0; i < n; i++) {
		struct rc_candidate c = {
			.id = cands[i].id, .distance_km = cands[i].distance_km,
			.radius_km = RECS_RADIUS_KM, .specializations = cands[i].specializations,
			.experience_years = cands[i].experience_years, .rating = cands[i].rating,
			.rating_count = cands[i].rating_count, .completed = cands[i].completed,
			.dropped = cands[i].dropped, .responses = cands[i].responses,
			.response_seconds = cands[i].response_seconds,
			.available = cands[i].available,
		};

		rc_score(&c, &scores[i]);
	}
	rc_rank(scores, n);
	list = json_object_new_array();
	for (i = 0; i < n && (long long)i < limit; i++) {
		size_t k;

		for (k = 0; k < n && cands[k].id != scores[i].id; k++)
			;
		json_object_array_add(list, item(&cands[k], &scores[i]));
	}
	data = json_object_new_object();
	json_object_object_add(data, "jobId", json_object_new_int64(in->job_id.i));
	search = json_object_new_object();
	json_object_object_add(search, "category", json_new_str(job.category));
	json_object_object_add(search, "latitude", job.has_point ?
	    json_object_new_double(job.lat) : NULL);
	json_object_object_add(search, "longitude", job.has_point ?
	    json_object_new_double(job.lng) : NULL);
	json_object_object_add(search, "radiusKm", json_object_new_double(RECS_RADIUS_KM));
	json_object_object_add(search, "candidates", json_object_new_int64((long long)n));
	json_object_object_add(data, "search", search);
	json_object_object_add(data, "recommendations", list);
	return reply_ok(r, 200, MSG_RECOMMENDATIONS, data);
}
