/* /api/reviews: reviews of bookings (seed 000 "Review Endpoints", seed 004's category
 * ratings and business response, seed 002's /api/review family and PUT
 * /api/booking/:id/rating), and GET /api/technicians/:id/performance (seed 000).
 * docs/reviews.md.
 *
 * A review is written by a booking's customer once its service is completed (409
 * before, 409 a second time), about the booking's technician and service. Every write
 * is one unit of work that keeps the tallies exact (fcgi/store/reviews.h): the rating,
 * count and sum of the technician and the service, and the counts per star, changed
 * by the review's own delta under the technician's (then the service's) row lock.
 * Only published reviews count; a hidden one (staff) or a deleted one is taken out.
 *
 * A review the caller may not see (hidden, to anyone but its author and staff) is 404;
 * one they may see but not change is 403. A booking the caller is no party to is 404. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../core/log.h"
#include "../domain/blind_review.h"
#include "../store/activity.h"
#include "../store/notifications.h"
#include "../store/review_reveal.h"
#include "../store/reviews.h"
#include "../store/settings.h"
#include "api.h"

#define REVEAL_DAYS_KEY "review_reveal_days"

/* --- how a review is shown --- */

/* Whether the caller may see a review of this status by this author. */
static int
may_see(const struct req *r, const char *status, long long reviewer_id)
{
	return strcmp(status, "published") == 0 || req_is_staff(r) ||
	    (r->user.id != 0 && r->user.id == reviewer_id);
}

/* The stored view as the caller sees it: reports are the staff's. */
static void
shape(const struct req *r, json_object *v)
{
	json_object *st;

	if (!req_is_staff(r))
		json_object_object_del(v, "reportCount");
	/* a job's review not yet revealed (its author and staff only see it): marked, with
	 * visibleAt the latest it shows */
	if (json_object_object_get_ex(v, "status", &st) &&
	    strcmp(json_object_get_string(st), "pending") == 0)
		json_object_object_add(v, "isRevealed", json_object_new_boolean(0));
}

static enum err
reply_review(struct req *r, int status, enum msg msg, long long id)
{
	json_object *v;
	enum db_rc rc;

	if ((rc = db_reviews_view(r->db, r->a, id, &v)) != DB_OK)
		return fail_db(r, rc);
	shape(r, v);
	return reply_ok(r, status, msg, v);
}

/* --- what a review says: POST /api/reviews, PUT /api/reviews/:id --- */

struct review_in {
	struct in_val booking_id, rating, ratings, overall;
	struct in_val category[RC__MAX];
	struct in_val comment, recommended, hidden;
};

/* seed 000's `ratings`: an object of the categories, or (its model) the overall number */
static const char *
check_ratings(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_V_REVIEW_RATING;
	if (json_object_is_type(v->j, json_type_object))
		return NULL;
	if (!json_object_is_type(v->j, json_type_int))
		return "INVALID_TYPE";
	v->i = json_object_get_int64(v->j);
	return v->i >= 1 && v->i <= 5 ? NULL : "OUT_OF_RANGE";
}

#define STAR(name, member) \
	{ name, V_INT, VF_NULLABLE, 1, 5, NULL, IN(struct review_in, member), NULL }
#define REVIEW_FIELDS \
	/* the overall rating: rating (seeds 001, 002, 004), or ratings.overall, or a \
	 * number in ratings (seed 000's model) */ \
	{ "rating", V_INT, 0, 1, 5, NULL, IN(struct review_in, rating), NULL }, \
	{ "ratings", V_ANY, 0, 0, 0, NULL, IN(struct review_in, ratings), check_ratings }, \
	{ "ratings.overall", V_INT, 0, 1, 5, NULL, IN(struct review_in, overall), NULL }, \
	/* seed 004's categories, 1..5 each; null clears one */ \
	STAR("ratings.quality", category[RC_QUALITY]), \
	STAR("ratings.professionalism", category[RC_PROFESSIONALISM]), \
	STAR("ratings.communication", category[RC_COMMUNICATION]), \
	STAR("ratings.punctuality", category[RC_PUNCTUALITY]), \
	STAR("ratings.value", category[RC_VALUE]), \
	/* the text (seed 000 and 002 call it review) */ \
	{ "comment", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct review_in, comment), NULL }, \
	{ "isRecommended", V_BOOL, VF_NULLABLE, 0, 0, NULL, IN(struct review_in, recommended), \
	    NULL }

static const struct vfield create_fields[] = {
	{ "bookingId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct review_in, booking_id),
	    NULL },
	REVIEW_FIELDS,
};

static const struct vfield update_fields[] = {
	REVIEW_FIELDS,
	/* staff only: take the review down, or put it back */
	{ "isHidden", V_BOOL, 0, 0, 0, NULL, IN(struct review_in, hidden), NULL },
};

/* seed 002 and seed 000 name the text `review`; seed 001's review names its `job` */
static const char *const review_aliases[] = { "review", "comment", "jobId", "bookingId",
	"job", "bookingId", NULL };

/* The overall rating given: rating, else ratings.overall, else a number in ratings;
 * 0 when none. */
static int
overall(const struct review_in *in)
{
	if (in->rating.set)
		return (int)in->rating.i;
	if (in->overall.set)
		return (int)in->overall.i;
	if (in->ratings.set && !json_object_is_type(in->ratings.j, json_type_object))
		return (int)in->ratings.i;
	return 0;
}

static void
check_create(const void *p, json_object *errs, enum lang lang)
{
	if (overall(p) == 0)
		verror_add(errs, lang, "rating", "REQUIRED", MSG_V_REVIEW_RATING);
}

const struct input reviews_create_input = INPUT_ALIASED(struct review_in, create_fields,
    check_create, review_aliases);

/* POST /api/jobs/:jobId/reviews: the job from the path */
static const struct vfield job_fields[] = { REVIEW_FIELDS };
const struct input reviews_job_input = INPUT_ALIASED(struct review_in, job_fields,
    check_create, review_aliases);
const struct input reviews_update_input = INPUT_ALIASED(struct review_in, update_fields, NULL,
    review_aliases);

/* The values of in over old (NULL: none before). */
static void
merge(const struct review_in *in, const struct review_values *old, struct review_values *v)
{
	size_t c;

	if (old != NULL)
		*v = *old;
	else {
		memset(v, 0, sizeof(*v));
		v->is_recommended = -1;
	}
	if (overall(in) > 0)
		v->rating = overall(in);
	for (c = 0; c < RC__MAX; c++)
		if (in->category[c].set)
			v->category[c] = in->category[c].null ? 0 : (int)in->category[c].i;
	if (in->comment.set)
		v->comment = in->comment.null ? NULL : in->comment.s;
	if (in->recommended.set)
		v->is_recommended = in->recommended.null ? -1 : (int)in->recommended.i;
}

static int
any_content(const struct review_in *in)
{
	size_t c;

	for (c = 0; c < RC__MAX; c++)
		if (in->category[c].set)
			return 1;
	return overall(in) > 0 || in->comment.set || in->recommended.set;
}

/* --- POST /api/reviews, POST /api/review, PUT /api/booking/:id/rating --- */

struct create_tx {
	long long               booking_id;
	const struct review_in *in;
	int                     upsert;     /* PUT .../rating: a second rating edits the first */
	int                     job_only;   /* POST /api/jobs/:jobId/reviews: a job, or 404 */
	long long               id;         /* out: the review */
	int                     created;    /* out */
};

static int
reviewable(const char *status)
{
	static const char *const ok[] = { "completed", "verified", "payment_pending", "paid",
		NULL };
	size_t i;

	for (i = 0; ok[i] != NULL; i++)
		if (strcmp(status, ok[i]) == 0)
			return 1;
	return 0;
}

/* The technician hears of a new review in-app (and by push where their preferences,
 * seed 002's reviewNotifications among them, allow). A deleted account is skipped. */
static enum err
tell(struct req *r, const struct review_row *rv)
{
	json_object *data = json_owned(r->a, json_object_new_object());
	struct notify_result res;
	enum db_rc rc;

	json_object_object_add(data, "reviewId", json_object_new_int64(rv->id));
	json_object_object_add(data, "bookingId", json_object_new_int64(rv->booking_id));
	json_object_object_add(data, "rating", json_object_new_int(rv->v.rating));
	rc = notify_msg(r->db, r->a, rv->reviewee_id, "review", MSG_NOTIFY_REVIEW_TITLE,
	    MSG_NOTIFY_REVIEW_BODY, data, NOTIFY_PUSH, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}

/* --- double-blind reviews of jobs (docs/reviews.md, "Double-blind reviews of jobs") --- */

/* The review_reveal_days setting (domain/blind_review.h: 14 when absent). */
static enum err
reveal_days(struct req *r, long long *days)
{
	long long v;
	enum db_rc rc;

	rc = db_settings_int(r->db, r->a, REVEAL_DAYS_KEY, BR_MIN_DAYS, BR_MAX_DAYS, &v);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	*days = br_days(rc == DB_OK ? v : -1);
	return ERR_OK;
}

/* One party told of a job's reviews: that they were reviewed (no stars, no words: the
 * review is still blind), or that both reviews show now. */
static enum err
tell_job(struct req *r, long long user_id, long long job_id, int revealed)
{
	json_object *data = json_owned(r->a, json_object_new_object());
	struct notify_result res;
	enum db_rc rc;

	json_object_object_add(data, "jobId", json_object_new_int64(job_id));
	json_object_object_add(data, "revealed", json_object_new_boolean(revealed));
	rc = notify_msg(r->db, r->a, user_id, "review", revealed ?
	    MSG_NOTIFY_REVIEWS_REVEALED_TITLE : MSG_NOTIFY_BLIND_REVIEW_TITLE, revealed ?
	    MSG_NOTIFY_REVIEWS_REVEALED_BODY : MSG_NOTIFY_BLIND_REVIEW_BODY, data, NOTIFY_PUSH,
	    &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}

/* The job b (locked) reviewed by the caller: pending until the other side's review, which
 * it reveals with this one in this unit of work. Locks: the job (taken), both parties'
 * users rows in ascending order (a reveal counts for both), then the reviews. */
static enum err
job_work(struct req *r, struct create_tx *t, const struct review_booking *b)
{
	struct review_row rv, mine, other;
	enum br_side side;
	long long days, lo, hi;
	int other_found;
	enum db_rc rc;
	enum err e;

	if ((e = reveal_days(r, &days)) != ERR_OK)
		return e;
	switch (br_may_review(b->customer_id, b->technician_id, r->user.id, b->status,
	    b->since_completed, days)) {
	case BR_OK:
		break;
	case BR_NOT_PARTY:
		/* staff see the job: not theirs to review; anyone else learns nothing */
		return req_is_staff(r) ? fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_JOB_PARTY_ONLY) :
		    fail(r, ERR_NOT_FOUND);
	case BR_NOT_COMPLETED:
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NOT_REVIEWABLE);
	case BR_NO_CRAFTSMAN:
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NO_TECHNICIAN);
	case BR_WINDOW_CLOSED:
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_WINDOW_CLOSED);
	}
	side = br_side_of(b->customer_id, b->technician_id, r->user.id);
	lo = b->customer_id < b->technician_id ? b->customer_id : b->technician_id;
	hi = b->customer_id < b->technician_id ? b->technician_id : b->customer_id;
	if ((rc = db_reviews_lock_subjects(r->db, r->a, lo, 0)) != DB_OK ||
	    (rc = db_reviews_lock_subjects(r->db, r->a, hi, 0)) != DB_OK)
		return fail_db(r, rc);
	if (t->upsert) {
		/* PUT /api/booking/:id/rating: the caller's own review changes while blind */
		rc = db_reviews_find_lock(r->db, r->a, b->id, r->user.id, &mine);
		if (rc == DB_OK) {
			if (!br_may_change(mine.kind, mine.status))
				return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_FINAL);
			merge(t->in, &mine.v, &rv.v);
			if ((rc = db_reviews_update(r->db, r->a, mine.id, &rv.v)) != DB_OK)
				return fail_db(r, rc);
			t->id = mine.id;
			return ERR_OK;
		}
		if (rc != DB_NOTFOUND)
			return fail_db(r, rc);
	}
	memset(&rv, 0, sizeof(rv));
	merge(t->in, NULL, &rv.v);
	rv.booking_id = b->id;
	rv.reviewer_id = r->user.id;
	rv.reviewee_id = br_reviewee(side, b->customer_id, b->technician_id);
	/* the other side's review: written by the one this review is about */
	rc = db_reviews_find_lock(r->db, r->a, b->id, rv.reviewee_id, &other);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	other_found = rc == DB_OK;
	rc = db_reviews_insert_job(r->db, r->a, &rv, side == BR_CLIENT ? "customer" : "technician",
	    b->completed_at, days, &rv.id);
	if (rc == DB_DUP)
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_EXISTS);
	if (rc != DB_OK)
		return fail_db(r, rc);
	t->id = rv.id;
	t->created = 1;
	if (!other_found)
		return tell_job(r, rv.reviewee_id, b->id, 0);
	/* both sides have reviewed: every pending review of the job shows now, and counts */
	if ((rc = db_reviews_publish_booking(r->db, r->a, b->id, NULL)) != DB_OK ||
	    (rc = db_reviews_tally(r->db, r->a, rv.reviewee_id, 0, 0, rv.v.rating)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(other.status, "pending") == 0 && (rc = db_reviews_tally(r->db, r->a,
	    other.reviewee_id, 0, 0, other.v.rating)) != DB_OK)
		return fail_db(r, rc);
	if ((e = tell_job(r, b->customer_id, b->id, 1)) != ERR_OK)
		return e;
	return tell_job(r, b->technician_id, b->id, 1);
}

static enum err
create_work(struct req *r, void *ctx)
{
	struct create_tx *t = ctx;
	struct review_booking b;
	struct review_row rv, old;
	enum db_rc rc;

	t->created = 0;
	if ((rc = db_reviews_booking_lock(r->db, r->a, t->booking_id, &b)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(b.kind, "job") == 0)
		return job_work(r, t, &b);
	if (t->job_only)
		return fail(r, ERR_NOT_FOUND);
	/* POST /api/reviews: a service booking is its customer's to review (staff are
	 * answered below); the other roles reach the handler for jobs only */
	if (!t->upsert && (r->user.role & (ROLE_CUSTOMER | ROLE_STAFF)) == 0)
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_CUSTOMER_ONLY);
	if (b.customer_id == 0 || b.customer_id != r->user.id) {
		/* staff and the assigned technician see the booking: theirs is no review */
		if (req_is_staff(r) || (b.technician_id != 0 && b.technician_id == r->user.id))
			return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_CUSTOMER_ONLY);
		return fail(r, ERR_NOT_FOUND);
	}
	if (strcmp(b.kind, "service") != 0 || !reviewable(b.status))
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NOT_REVIEWABLE);
	if (b.technician_id == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NO_TECHNICIAN);
	if ((rc = db_reviews_lock_subjects(r->db, r->a, b.technician_id, b.service_id)) != DB_OK)
		return fail_db(r, rc);
	if (t->upsert) {
		rc = db_reviews_find_lock(r->db, r->a, b.id, r->user.id, &old);
		if (rc == DB_OK) {
			merge(t->in, &old.v, &rv.v);
			if ((rc = db_reviews_update(r->db, r->a, old.id, &rv.v)) != DB_OK)
				return fail_db(r, rc);
			if (strcmp(old.status, "published") == 0 && (rc = db_reviews_tally(r->db, r->a,
			    old.reviewee_id, old.service_id, old.v.rating, rv.v.rating)) != DB_OK)
				return fail_db(r, rc);
			t->id = old.id;
			return ERR_OK;
		}
		if (rc != DB_NOTFOUND)
			return fail_db(r, rc);
	}
	memset(&rv, 0, sizeof(rv));
	merge(t->in, NULL, &rv.v);
	rv.booking_id = b.id;
	rv.reviewer_id = r->user.id;
	rv.reviewee_id = b.technician_id;
	rv.service_id = b.service_id;
	rc = db_reviews_insert(r->db, r->a, &rv, &rv.id);
	if (rc == DB_DUP)
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_EXISTS);
	if (rc != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_reviews_tally(r->db, r->a, rv.reviewee_id, rv.service_id, 0, rv.v.rating)) !=
	    DB_OK)
		return fail_db(r, rc);
	t->id = rv.id;
	t->created = 1;
	return tell(r, &rv);
}

enum err
reviews_create(struct req *r)
{
	const struct review_in *in = r->in;
	struct create_tx t = { in->booking_id.i, in, 0, 0, 0, 0 };
	enum err e;

	if ((e = req_tx(r, create_work, &t)) != ERR_OK)
		return e;
	return reply_review(r, 201, MSG_REVIEW_CREATED, t.id);
}

/* POST /api/jobs/:jobId/reviews: the job's client or its hired craftsman */
enum err
reviews_job_create(struct req *r)
{
	struct create_tx t = { 0, r->in, 0, 1, 0, 0 };
	enum err e;

	if ((e = req_param_id(r, 0, &t.booking_id)) != ERR_OK ||
	    (e = req_tx(r, create_work, &t)) != ERR_OK)
		return e;
	return reply_review(r, 201, MSG_REVIEW_CREATED, t.id);
}

/* GET /api/jobs/:jobId/reviews: the job's reviews as the caller may see them (its
 * parties and staff; 404 to anyone else): the shown ones, the caller's own while blind
 * (marked, with when it shows), and of the other side's blind review only that it was
 * written. */
static const char *
blind_state(const struct review_row *rv, int found)
{
	if (!found)
		return "none";
	return strcmp(rv->status, "pending") == 0 ? "submitted" : rv->status;
}

enum err
reviews_job_list(struct req *r)
{
	struct review_booking b;
	struct review_row rv[2];
	json_object *d, *items, *v, *blind;
	long long id, who[2];
	int found[2], staff = req_is_staff(r), mine = -1;
	enum db_rc rc;
	enum err e;
	size_t i;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_reviews_booking_get(r->db, r->a, id, &b)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(b.kind, "job") != 0)
		return fail(r, ERR_NOT_FOUND);
	if (br_side_of(b.customer_id, b.technician_id, r->user.id) == BR_NONE && !staff)
		return fail(r, ERR_NOT_FOUND);
	who[0] = b.customer_id;
	who[1] = b.technician_id;
	items = json_object_new_array();
	d = json_object_new_object();
	json_object_object_add(d, "jobId", json_object_new_int64(id));
	json_object_object_add(d, "reviews", items);
	for (i = 0; i < 2; i++) {
		found[i] = 0;
		if (who[i] == 0)
			continue;
		if (who[i] == r->user.id)
			mine = (int)i;
		rc = db_reviews_find(r->db, r->a, id, who[i], &rv[i]);
		if (rc == DB_NOTFOUND)
			continue;
		if (rc != DB_OK) {
			json_object_put(d);
			return fail_db(r, rc);
		}
		found[i] = 1;
		if (!may_see(r, rv[i].status, rv[i].reviewer_id))
			continue;
		if ((rc = db_reviews_view(r->db, r->a, rv[i].id, &v)) != DB_OK) {
			json_object_put(d);
			return fail_db(r, rc);
		}
		shape(r, v);
		json_object_array_add(items, v);
	}
	if (mine >= 0) {
		blind = json_object_new_object();
		json_object_object_add(blind, "mine", json_object_new_string(found[mine] ?
		    rv[mine].status : "none"));
		json_object_object_add(blind, "theirs", json_object_new_string(
		    blind_state(&rv[1 - mine], found[1 - mine])));
		json_object_object_add(d, "blind", blind);
	}
	return reply_ok(r, 200, MSG_REVIEW_JOB_LIST, d);
}

/* POST /api/maintenance/reveal-reviews: the jobs whose reveal window has passed have
 * their pending reviews shown and counted, a batch per unit of work (store/review_reveal.h);
 * nothing pending, nothing done. */
struct reveal_tx {
	long long          days;
	long long          jobs;
	unsigned long long reviews;
	int                more;
};

static enum err
reveal_work(struct req *r, void *ctx)
{
	struct reveal_tx *t = ctx;
	struct reveal_tally *tal;
	unsigned long long published;
	const char *ids;
	long long n, counted;
	size_t k, i;
	enum db_rc rc;

	t->more = 0;
	if ((rc = db_reveal_due(r->db, r->a, t->days, REVEAL_BATCH, &ids, &n)) != DB_OK)
		return fail_db(r, rc);
	if (n == 0)
		return ERR_OK;
	t->more = n >= REVEAL_BATCH;
	if ((rc = db_reveal_lock(r->db, r->a, ids)) != DB_OK ||
	    (rc = db_reveal_pending(r->db, r->a, ids, &tal, &k, &counted)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < k; i++)
		if ((rc = db_reviews_tally_add(r->db, r->a, tal[i].reviewee_id, tal[i].per_star)) !=
		    DB_OK)
			return fail_db(r, rc);
	if ((rc = db_reveal_publish(r->db, r->a, ids, &published)) != DB_OK)
		return fail_db(r, rc);
	if ((long long)published != counted) {
		/* under the locks nothing else changes them: never, but never count wrong */
		log_error("msg=reveal_mismatch counted=%lld published=%llu", counted, published);
		return fail_db(r, DB_ERR);
	}
	t->jobs += n;
	t->reviews += published;
	return ERR_OK;
}

enum err
reviews_reveal_task(struct req *r)
{
	struct reveal_tx t;
	json_object *out;
	int batch;
	enum err e;

	memset(&t, 0, sizeof(t));
	if ((e = reveal_days(r, &t.days)) != ERR_OK)
		return e;
	/* bounded: a long backlog is taken up by the next run */
	for (batch = 0; batch < 50; batch++)
		if ((e = req_tx(r, reveal_work, &t)) != ERR_OK || !t.more)
			break;
	if (e != ERR_OK)
		return e;
	out = json_object_new_object();
	json_object_object_add(out, "revealed", json_object_new_int64((int64_t)t.reviews));
	json_object_object_add(out, "jobs", json_object_new_int64(t.jobs));
	json_object_object_add(out, "revealDays", json_object_new_int64(t.days));
	return reply_ok(r, 200, MSG_REVIEWS_REVEALED, out);
}

/* PUT /api/booking/:id/rating (seed 002): {rating, review}; the booking's review made,
 * or changed when the customer rated it before. */
struct rating_in {
	struct in_val rating, comment;
};

static const struct vfield rating_fields[] = {
	{ "rating", V_INT, VF_REQUIRED, 1, 5, NULL, IN(struct rating_in, rating), NULL },
	{ "comment", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct rating_in, comment), NULL },
};

const struct input booking_rating_input = INPUT_ALIASED(struct rating_in, rating_fields, NULL,
    review_aliases);

enum err
booking_rating(struct req *r)
{
	const struct rating_in *rin = r->in;
	struct review_in in;
	struct create_tx t;
	json_object *v, *booking, *fb, *x;
	enum db_rc rc;
	enum err e;

	memset(&in, 0, sizeof(in));
	in.rating = rin->rating;
	in.comment = rin->comment;
	memset(&t, 0, sizeof(t));
	t.in = &in;
	t.upsert = 1;
	if ((e = req_param_id(r, 0, &t.booking_id)) != ERR_OK ||
	    (e = req_tx(r, create_work, &t)) != ERR_OK)
		return e;
	if ((rc = db_reviews_view(r->db, r->a, t.id, &v)) != DB_OK)
		return fail_db(r, rc);
	shape(r, v);
	/* seed 002 answers the booking; seed 000's booking carries feedback */
	booking = json_object_new_object();
	fb = json_object_new_object();
	json_object_object_add(booking, "id", json_object_new_int64(t.booking_id));
	json_object_object_add(fb, "rating", json_object_new_int((int)in.rating.i));
	json_object_object_add(fb, "comment", json_object_object_get_ex(v, "comment", &x) ?
	    json_object_get(x) : NULL);
	json_object_object_add(fb, "submittedAt", json_object_object_get_ex(v, "updatedAt", &x) ?
	    json_object_get(x) : NULL);
	json_object_object_add(booking, "feedback", fb);
	x = json_object_new_object();
	json_object_object_add(x, "booking", booking);
	json_object_object_add(x, "review", v);
	return reply_ok(r, t.created ? 201 : 200, t.created ? MSG_REVIEW_CREATED :
	    MSG_REVIEW_UPDATED, x);
}

/* --- GET /api/reviews/:id --- */

enum err
reviews_get(struct req *r)
{
	struct review_row rv;
	long long id;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_reviews_get(r->db, r->a, id, 0, &rv)) != DB_OK)
		return fail_db(r, rc);
	if (!may_see(r, rv.status, rv.reviewer_id))
		return fail(r, ERR_NOT_FOUND);
	return reply_review(r, 200, MSG_REVIEW_FOUND, id);
}

/* --- PUT /api/reviews/:id: the author's words, or staff's visibility --- */

struct change_tx {
	long long               id;
	const struct review_in *in;
};

static enum err
change_work(struct req *r, void *ctx)
{
	const struct change_tx *t = ctx;
	const struct review_in *in = t->in;
	struct review_row peek, rv;
	struct review_values v;
	const char *status;
	int was, now;
	json_object *d;
	enum db_rc rc;

	/* who is reviewed and which service never change: read them first, lock in the
	 * tallies' order (reviewee, service, review), then read the review again */
	if ((rc = db_reviews_get(r->db, r->a, t->id, 0, &peek)) != DB_OK ||
	    (rc = db_reviews_lock_subjects(r->db, r->a, peek.reviewee_id, peek.service_id)) !=
	    DB_OK || (rc = db_reviews_get(r->db, r->a, t->id, 1, &rv)) != DB_OK)
		return fail_db(r, rc);
	/* a job's review is final once it shows (domain/blind_review.h) */
	if (any_content(in) && !br_may_change(rv.kind, rv.status))
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_FINAL);
	merge(in, &rv.v, &v);
	status = rv.status;
	if (in->hidden.set && in->hidden.i)
		status = "hidden";
	else if (in->hidden.set && strcmp(rv.status, "hidden") == 0)
		status = "published";
	was = strcmp(rv.status, "published") == 0 ? rv.v.rating : 0;
	now = strcmp(status, "published") == 0 ? v.rating : 0;
	if (any_content(in) && (rc = db_reviews_update(r->db, r->a, rv.id, &v)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(status, rv.status) != 0) {
		if ((rc = db_reviews_set_status(r->db, r->a, rv.id, status, r->user.id)) != DB_OK)
			return fail_db(r, rc);
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "from", json_object_new_string(rv.status));
		json_object_object_add(d, "to", json_object_new_string(status));
		if ((rc = db_activity_record(r->db, r->a, req_actor(r), strcmp(status, "hidden") == 0 ?
		    "review.hide" : "review.show", "review", rv.id, d)) != DB_OK)
			return fail_db(r, rc);
	}
	if ((rc = db_reviews_tally(r->db, r->a, rv.reviewee_id, rv.service_id, was, now)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
reviews_update(struct req *r)
{
	const struct review_in *in = r->in;
	struct change_tx t = { 0, in };
	struct review_row rv;
	enum db_rc rc;
	enum err e;
	int author;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK)
		return e;
	if ((rc = db_reviews_get(r->db, r->a, t.id, 0, &rv)) != DB_OK)
		return fail_db(r, rc);
	if (!may_see(r, rv.status, rv.reviewer_id))
		return fail(r, ERR_NOT_FOUND);
	author = rv.reviewer_id == r->user.id;
	if (!author && !req_is_staff(r))
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_AUTHOR_ONLY);
	if (!author && any_content(in))
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_STAFF_HIDE_ONLY);
	if (in->hidden.set && !req_is_staff(r))
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_STAFF_HIDE_ONLY);
	if (!any_content(in) && !in->hidden.set)
		return fail_field(r, ERR_VALIDATION, "body", "NO_KNOWN_FIELD", MSG_V_NO_KNOWN_FIELD);
	if ((e = req_tx(r, change_work, &t)) != ERR_OK)
		return e;
	return reply_review(r, 200, MSG_REVIEW_UPDATED, t.id);
}

/* --- DELETE /api/reviews/:id: the author, or staff (logged) --- */

static enum err
delete_work(struct req *r, void *ctx)
{
	const long long *id = ctx;
	struct review_row peek, rv;
	json_object *d;
	enum db_rc rc;

	if ((rc = db_reviews_get(r->db, r->a, *id, 0, &peek)) != DB_OK ||
	    (rc = db_reviews_lock_subjects(r->db, r->a, peek.reviewee_id, peek.service_id)) !=
	    DB_OK || (rc = db_reviews_get(r->db, r->a, *id, 1, &rv)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_reviews_delete(r->db, r->a, rv.id)) != DB_OK ||
	    (rc = db_reviews_tally(r->db, r->a, rv.reviewee_id, rv.service_id,
	    strcmp(rv.status, "published") == 0 ? rv.v.rating : 0, 0)) != DB_OK)
		return fail_db(r, rc);
	if (rv.reviewer_id == r->user.id)
		return ERR_OK;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "bookingId", json_object_new_int64(rv.booking_id));
	json_object_object_add(d, "reviewerId", json_object_new_int64(rv.reviewer_id));
	json_object_object_add(d, "rating", json_object_new_int(rv.v.rating));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "review.delete", "review", rv.id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
reviews_delete(struct req *r)
{
	struct review_row rv;
	long long id;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_reviews_get(r->db, r->a, id, 0, &rv)) != DB_OK)
		return fail_db(r, rc);
	if (!may_see(r, rv.status, rv.reviewer_id))
		return fail(r, ERR_NOT_FOUND);
	if (rv.reviewer_id != r->user.id && !req_is_staff(r))
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_AUTHOR_ONLY);
	/* a job's review once shown stays (staff may still take it down): its author deleting
	 * it to write another would answer the other side's review */
	if (!req_is_staff(r) && !br_may_change(rv.kind, rv.status))
		return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_FINAL);
	if ((e = req_tx(r, delete_work, &id)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_REVIEW_DELETED, NULL);
}

/* --- helpful votes and reports: once per user; never on a review one wrote or that
 * is about one (the technician answers with a response instead) --- */

struct vote_tx {
	long long   id;
	const char *reason;     /* NULL: a helpful vote */
};

static enum err
vote_work(struct req *r, void *ctx)
{
	const struct vote_tx *t = ctx;
	struct review_row rv;
	enum db_rc rc;

	if ((rc = db_reviews_get(r->db, r->a, t->id, 1, &rv)) != DB_OK)
		return fail_db(r, rc);
	if (!may_see(r, rv.status, rv.reviewer_id))
		return fail(r, ERR_NOT_FOUND);
	if (t->reason == NULL) {
		if (rv.reviewer_id == r->user.id || rv.reviewee_id == r->user.id)
			return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_OWN);
		rc = db_reviews_vote(r->db, r->a, rv.id, r->user.id);
		return rc == DB_DUP ? fail_msg(r, ERR_CONFLICT, MSG_REVIEW_VOTED) :
		    rc != DB_OK ? fail_db(r, rc) : ERR_OK;
	}
	if (rv.reviewer_id == r->user.id)
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_OWN);
	rc = db_reviews_report(r->db, r->a, rv.id, r->user.id, t->reason);
	return rc == DB_DUP ? fail_msg(r, ERR_CONFLICT, MSG_REVIEW_REPORTED_ALREADY) :
	    rc != DB_OK ? fail_db(r, rc) : ERR_OK;
}

enum err
reviews_helpful(struct req *r)
{
	struct vote_tx t = { 0, NULL };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, vote_work, &t)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_REVIEW_HELPFUL, NULL);
}

struct report_in {
	struct in_val reason;
};

static const struct vfield report_fields[] = {
	{ "reason", V_STRING, VF_REQUIRED, 3, 500, NULL, IN(struct report_in, reason), NULL },
};

const struct input reviews_report_input = INPUT(struct report_in, report_fields, NULL);

enum err
reviews_report(struct req *r)
{
	const struct report_in *in = r->in;
	struct vote_tx t = { 0, in->reason.s };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, vote_work, &t)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_REVIEW_REPORTED, NULL);
}

/* --- PUT /api/reviews/:id/response (seed 004): the reviewed technician only --- */

struct response_in {
	struct in_val text;
};

static const struct vfield response_fields[] = {
	/* null takes the response back */
	{ "response", V_STRING, VF_REQUIRED | VF_NULLABLE, 1, 2000, NULL,
	    IN(struct response_in, text), NULL },
};

static const char *const response_aliases[] = { "text", "response", "comment", "response",
	NULL };

const struct input reviews_response_input = INPUT_ALIASED(struct response_in, response_fields,
    NULL, response_aliases);

struct response_tx {
	long long   id;
	const char *text;
};

static enum err
response_work(struct req *r, void *ctx)
{
	const struct response_tx *t = ctx;
	struct review_row rv;
	enum db_rc rc;

	if ((rc = db_reviews_get(r->db, r->a, t->id, 1, &rv)) != DB_OK)
		return fail_db(r, rc);
	if (!may_see(r, rv.status, rv.reviewer_id))
		return fail(r, ERR_NOT_FOUND);
	if (rv.reviewee_id != r->user.id)
		return fail_msg(r, ERR_FORBIDDEN, MSG_REVIEW_REVIEWEE_ONLY);
	if ((rc = db_reviews_respond(r->db, r->a, rv.id, t->text)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
reviews_response(struct req *r)
{
	const struct response_in *in = r->in;
	struct response_tx t = { 0, in->text.null ? NULL : in->text.s };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK ||
	    (e = req_tx(r, response_work, &t)) != ERR_OK)
		return e;
	return reply_review(r, 200, MSG_REVIEW_RESPONDED, t.id);
}

/* --- lists --- */

struct list_in {
	struct in_val page, limit, cursor, rating, professional, service, written;
};

#define LIST_FIELDS \
	LIST_PAGING_FIELDS(struct list_in), \
	/* only the reviews of this many stars */ \
	{ "rating", V_INT, 0, 1, 5, NULL, IN(struct list_in, rating), NULL }

static const struct vfield list_fields[] = { LIST_FIELDS };
const struct input reviews_list_query = INPUT(struct list_in, list_fields, NULL);

/* GET /api/review (seed 002): professionalId or serviceId narrows it */
static const struct vfield all_fields[] = {
	LIST_FIELDS,
	{ "professionalId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct list_in, professional), NULL },
	{ "serviceId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct list_in, service), NULL },
};
const struct input reviews_all_query = INPUT(struct list_in, all_fields, NULL);

/* GET /api/user/:id/reviews: written=true lists the reviews the user wrote */
static const struct vfield user_fields[] = {
	LIST_FIELDS,
	{ "written", V_BOOL, 0, 0, 0, NULL, IN(struct list_in, written), NULL },
};
const struct input reviews_user_query = INPUT(struct list_in, user_fields, NULL);

/* The list envelope with the summary of a reviewee or service beside pagination (seed
 * 000's averageRating, the count and the distribution per star). */
static enum err
reply_page(struct req *r, json_object *items, const struct page *p, json_object *summary)
{
	json_object *root = json_object_new_object(), *pg = json_object_new_object(), *x;

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(
	    msg_text(r->lang, MSG_REVIEW_LIST)));
	json_object_object_add(root, "data", items);
	json_object_object_add(pg, "page", json_object_new_int64(p->page));
	json_object_object_add(pg, "limit", json_object_new_int64(p->limit));
	json_object_object_add(pg, "totalPages", json_object_new_int64(
	    (p->total + p->limit - 1) / p->limit));
	json_object_object_add(pg, "totalItems", json_object_new_int64(p->total));
	if (p->total_capped)
		json_object_object_add(pg, "totalIsLowerBound", json_object_new_boolean(1));
	json_object_object_add(pg, "nextCursor", json_new_str(p->next_cursor));
	json_object_object_add(root, "pagination", pg);
	if (summary != NULL) {
		if (json_object_object_get_ex(summary, "averageRating", &x))
			json_object_object_add(root, "averageRating", json_object_get(x));
		json_object_object_add(root, "summary", summary);
	}
	return reply_json(r, 200, root);
}

static enum err
list_of(struct req *r, enum review_scope scope, long long target)
{
	const struct list_in *in = r->qin;
	struct review_list_query q;
	struct review_list_page out;
	json_object *summary = NULL;
	struct list_pos pos;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	size_t i;
	enum db_rc rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	q.scope = scope;
	q.target_id = target;
	q.limit = in->limit.set ? in->limit.i : 10;
	q.rating = in->rating.set ? (int)in->rating.i : 0;
	if (scope == REVIEWS_BY_USER && q.rating > 0)
		return fail_field(r, ERR_VALIDATION, "rating", "INVALID_VALUE",
		    MSG_V_REVIEW_STAR_WRITTEN);
	if ((e = list_position(r, &in->cursor, page, q.limit, REVIEWS_WINDOW, &pos)) != ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if (scope == REVIEWS_OF_USER || scope == REVIEWS_OF_SERVICE) {
		/* an unknown technician or service is 404, not an empty list */
		if ((rc = db_reviews_summary(r->db, r->a, scope, target, &summary)) != DB_OK)
			return fail_db(r, rc);
		json_owned(r->a, summary);
	}
	if ((rc = db_reviews_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < json_object_array_length(out.items); i++)
		shape(r, json_object_array_get_idx(out.items, i));
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_page(r, out.items, &pg, summary != NULL ? json_object_get(summary) : NULL);
}

static enum err
list_by_param(struct req *r, enum review_scope scope)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	return list_of(r, scope, id);
}

enum err
reviews_of_service(struct req *r)
{
	return list_by_param(r, REVIEWS_OF_SERVICE);
}

enum err
reviews_of_technician(struct req *r)
{
	return list_by_param(r, REVIEWS_OF_USER);
}

enum err
reviews_of_user(struct req *r)
{
	const struct list_in *in = r->qin;

	return list_by_param(r, in->written.set && in->written.i ? REVIEWS_BY_USER :
	    REVIEWS_OF_USER);
}

enum err
reviews_list(struct req *r)
{
	const struct list_in *in = r->qin;

	if (in->professional.set && in->service.set)
		return fail_field(r, ERR_VALIDATION, "serviceId", "INVALID_VALUE",
		    MSG_V_REVIEW_ONE_TARGET);
	if (in->professional.set)
		return list_of(r, REVIEWS_OF_USER, in->professional.i);
	if (in->service.set)
		return list_of(r, REVIEWS_OF_SERVICE, in->service.i);
	return list_of(r, REVIEWS_ALL, 0);
}

/* --- GET /api/technicians/:id/performance (seed 000): staff any, a technician their
 * own --- */

enum err
technicians_performance(struct req *r)
{
	struct technician_performance p;
	json_object *d, *perf, *resp, *earn;
	long long id, ended;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if (!req_is_staff(r) && id != r->user.id)
		return fail_msg(r, ERR_FORBIDDEN, MSG_TECHNICIAN_SELF_ONLY);
	if ((rc = db_reviews_performance(r->db, r->a, id, &p)) != DB_OK)
		return fail_db(r, rc);
	perf = json_object_new_object();
	json_object_object_add(perf, "technicianId", json_object_new_int64(id));
	json_object_object_add(perf, "assignedBookings", json_object_new_int64(p.assigned));
	json_object_object_add(perf, "completedBookings", json_object_new_int64(p.completed));
	json_object_object_add(perf, "cancelledBookings", json_object_new_int64(p.cancelled));
	/* of the bookings that ended (completed or cancelled), the completed share */
	ended = p.completed + p.cancelled;
	json_object_object_add(perf, "completionRate", ended > 0 ? json_object_new_double(
	    (double)(p.completed * 10000 / ended) / 10000.0) : NULL);
	json_object_object_add(perf, "rating", json_object_new_double(p.rating != NULL ?
	    strtod(p.rating, NULL) : 0.0));
	json_object_object_add(perf, "ratingCount", json_object_new_int64(p.rating_count));
	resp = json_object_new_object();
	json_object_object_add(resp, "averageSeconds", p.responses > 0 ?
	    json_object_new_int64((long long)(p.response_avg_s + 0.5)) : NULL);
	json_object_object_add(resp, "samples", json_object_new_int64(p.responses));
	json_object_object_add(perf, "responseTime", resp);
	earn = json_object_new_object();
	json_object_object_add(earn, "total", json_object_new_int64(p.earnings));
	json_object_object_add(earn, "currency", json_object_new_string("EGP"));
	json_object_object_add(earn, "basis", json_object_new_string("completed_booking_totals"));
	json_object_object_add(perf, "earnings", earn);
	d = json_object_new_object();
	json_object_object_add(d, "performance", perf);
	return reply_ok(r, 200, MSG_TECHNICIAN_PERFORMANCE, d);
}
