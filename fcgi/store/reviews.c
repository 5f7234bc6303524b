#include "reviews.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/http.h"

/* The list variants: a scope, with (+1) or without a star filter; the last scope
 * (REVIEWS_BY_USER) has no star filter. */
#define V(scope, star) ((unsigned)(scope) * 2u + (star))
enum { V__MAX = REVIEWS__SCOPES * 2 - 1 };

enum stmt {
	STMT_BOOKING_LOCK,
	STMT_LOCK_USER,
	STMT_LOCK_SERVICE,
	STMT_GET,
	STMT_GET_LOCK,
	STMT_FIND_LOCK,
	STMT_INSERT,
	STMT_UPDATE,
	STMT_STATUS,
	STMT_DELETE,
	STMT_RESPOND,
	STMT_TALLY_USER,
	STMT_TALLY_SERVICE,
	STMT_STAR_ADD,
	STMT_STAR_SUB,
	STMT_VOTE,
	STMT_VOTE_COUNT,
	STMT_REPORT,
	STMT_REPORT_COUNT,
	STMT_VIEW,
	STMT_USER_TOTAL,
	STMT_SERVICE_TOTAL,
	STMT_TECH_TOTAL,
	STMT_STARS,
	STMT_PERF_BOOKINGS,
	STMT_PERF_RESPONSE,
	STMT_BOOKING_GET,
	STMT_FIND,
	STMT_INSERT_JOB,
	STMT_PUBLISH_BOOKING,
	STMT_STAR_ADD_N,
	STMT_PAGE,
	STMT_COUNT = STMT_PAGE + V__MAX,
	STMT__MAX = STMT_COUNT + V__MAX
};

/* A review as the API shows it: seed 000's userId and ratings, seed 004's categories
 * and response, seed 002's comment; the reviewer by first name only. */
#define VIEW_SELECT \
	"SELECT r.id, r.booking_id AS bookingId, r.reviewer_id AS userId," \
	" r.reviewer_role AS reviewerRole, u.first_name AS `reviewer.firstName`," \
	" u.avatar AS `reviewer.avatar`, r.reviewee_id AS technicianId," \
	" r.service_id AS serviceId, r.rating, r.rating AS `ratings.overall`," \
	" r.quality AS `ratings.quality`, r.professionalism AS `ratings.professionalism`," \
	" r.communication AS `ratings.communication`, r.punctuality AS `ratings.punctuality`," \
	" r.value_for_money AS `ratings.value`, r.comment, r.is_recommended AS isRecommended," \
	" r.response AS `response.text`, r.response_at AS `response.respondedAt`," \
	" r.helpful_count AS helpfulCount, r.report_count AS reportCount, r.status," \
	" r.status = 'hidden' AS `isHidden:bool`, r.visible_at AS visibleAt," \
	" r.created_at AS createdAt, r.updated_at AS updatedAt"
#define VIEW_NCOLS 26

#define ROW_SELECT "SELECT id, booking_id, reviewer_id, reviewee_id, service_id, status," \
	" rating, quality, professionalism, communication, punctuality, value_for_money," \
	" comment, is_recommended," \
	" (SELECT b.kind FROM bookings b WHERE b.id = reviews.booking_id) FROM reviews"
#define ROW_NCOLS 15

/* A page: the variant's index read backwards from the key (created_at, id). */
#define PAGE(ix, where) DB_LIST_LIMIT VIEW_SELECT " FROM reviews r FORCE INDEX (" ix ")" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = r.reviewer_id WHERE " where \
	" r.created_at <= ? AND (r.created_at < ? OR r.id < ?)" \
	" ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?"
/* a capped count: at most REVIEWS_WINDOW + 1 index entries */
#define COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM reviews r" \
	" FORCE INDEX (" ix ") WHERE " where " 1 LIMIT ?) t"
#define W_PUB "r.status = 'published' AND"
#define W_STAR " r.rating = ? AND"
#define VARIANT(v, ix, where, nf) \
	[STMT_PAGE + (v)] = { PAGE(ix, where), (nf) + 5, VIEW_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (v)] = { COUNT(ix, where), (nf) + 1, 1, DBS_LIST }

/* A tally: the rounded average from the old sum and count and the delta (first, so
 * it reads the old values whatever the order of assignment), then the sum and count.
 * The row's updated_at stays: a rating is no edit of the profile or the service. */
#define TALLY(table) "UPDATE " table " SET rating = IF(CAST(rating_count AS SIGNED) + ? <= 0," \
	" 0, ROUND((CAST(rating_sum AS SIGNED) + ?) / (CAST(rating_count AS SIGNED) + ?), 2))," \
	" rating_sum = CAST(rating_sum AS SIGNED) + ?," \
	" rating_count = CAST(rating_count AS SIGNED) + ?, updated_at = updated_at WHERE id = ?"

#define REVIEWABLE "('completed', 'verified', 'payment_pending', 'paid')"

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_BOOKING_LOCK] = { "SELECT id, kind, status, customer_id, technician_id, service_id,"
	    " completed_at, TIMESTAMPDIFF(SECOND, completed_at, CURRENT_TIMESTAMP(3))"
	    " FROM bookings WHERE id = ? FOR UPDATE", 1, 8, 0 },
	[STMT_LOCK_USER] = { "SELECT id FROM users WHERE id = ? FOR UPDATE", 1, 1, 0 },
	[STMT_LOCK_SERVICE] = { "SELECT id FROM services WHERE id = ? FOR UPDATE", 1, 1, 0 },
	[STMT_GET] = { ROW_SELECT " WHERE id = ?", 1, ROW_NCOLS, 0 },
	[STMT_GET_LOCK] = { ROW_SELECT " WHERE id = ? FOR UPDATE", 1, ROW_NCOLS, 0 },
	[STMT_FIND_LOCK] = { ROW_SELECT " WHERE booking_id = ? AND reviewer_id = ? FOR UPDATE", 2,
	    ROW_NCOLS, 0 },
	[STMT_INSERT] = { "INSERT INTO reviews (booking_id, reviewer_id, reviewer_role,"
	    " reviewee_id, service_id, rating, quality, professionalism, communication,"
	    " punctuality, value_for_money, comment, is_recommended)"
	    " VALUES (?, ?, 'customer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 12, 0, 0 },
	[STMT_BOOKING_GET] = { "SELECT id, kind, status, customer_id, technician_id, service_id,"
	    " completed_at, TIMESTAMPDIFF(SECOND, completed_at, CURRENT_TIMESTAMP(3))"
	    " FROM bookings WHERE id = ?", 1, 8, 0 },
	[STMT_FIND] = { ROW_SELECT " WHERE booking_id = ? AND reviewer_id = ?", 2, ROW_NCOLS, 0 },
	/* a job's review: pending (not shown, not counted) until the other side's, or
	 * until the reveal window has passed since the job's completion */
	[STMT_INSERT_JOB] = { "INSERT INTO reviews (booking_id, reviewer_id, reviewer_role,"
	    " reviewee_id, rating, quality, professionalism, communication, punctuality,"
	    " value_for_money, comment, is_recommended, status, visible_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending',"
	    " COALESCE(CAST(? AS DATETIME(3)), CURRENT_TIMESTAMP(3)) + INTERVAL ? DAY)", 14, 0, 0 },
	/* both sides have reviewed: the booking's pending reviews show at once (the row
	 * change is no edit by the author: updated_at stays) */
	[STMT_PUBLISH_BOOKING] = { "UPDATE reviews SET status = 'published',"
	    " visible_at = CURRENT_TIMESTAMP(3), updated_at = updated_at"
	    " WHERE booking_id = ? AND status = 'pending'", 1, 0, 0 },
	[STMT_STAR_ADD_N] = { "INSERT INTO review_counts (target, target_id, stars, n)"
	    " VALUES ('user', ?, ?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)", 3, 0, 0 },
	[STMT_UPDATE] = { "UPDATE reviews SET rating = ?, quality = ?, professionalism = ?,"
	    " communication = ?, punctuality = ?, value_for_money = ?, comment = ?,"
	    " is_recommended = ? WHERE id = ?", 9, 0, 0 },
	[STMT_STATUS] = { "UPDATE reviews SET status = ?, hidden_by = ?,"
	    " hidden_at = IF(? = 'hidden', CURRENT_TIMESTAMP(3), NULL) WHERE id = ?", 4, 0, 0 },
	[STMT_DELETE] = { "DELETE FROM reviews WHERE id = ?", 1, 0, 0 },
	[STMT_RESPOND] = { "UPDATE reviews SET response = ?,"
	    " response_at = IF(? IS NULL, NULL, CURRENT_TIMESTAMP(3)) WHERE id = ?", 3, 0, 0 },
	[STMT_TALLY_USER] = { TALLY("users"), 6, 0, 0 },
	[STMT_TALLY_SERVICE] = { TALLY("services"), 6, 0, 0 },
	[STMT_STAR_ADD] = { "INSERT INTO review_counts (target, target_id, stars, n)"
	    " VALUES (?, ?, ?, 1) ON DUPLICATE KEY UPDATE n = n + 1", 3, 0, 0 },
	[STMT_STAR_SUB] = { "UPDATE review_counts SET n = n - 1 WHERE target = ?"
	    " AND target_id = ? AND stars = ?", 3, 0, 0 },
	[STMT_VOTE] = { "INSERT INTO review_helpful_votes (review_id, user_id) VALUES (?, ?)", 2,
	    0, 0 },
	[STMT_VOTE_COUNT] = { "UPDATE reviews SET helpful_count = helpful_count + 1,"
	    " updated_at = updated_at WHERE id = ?", 1, 0, 0 },
	[STMT_REPORT] = { "INSERT INTO review_reports (review_id, user_id, reason)"
	    " VALUES (?, ?, ?)", 3, 0, 0 },
	[STMT_REPORT_COUNT] = { "UPDATE reviews SET report_count = report_count + 1,"
	    " updated_at = updated_at WHERE id = ?", 1, 0, 0 },
	[STMT_VIEW] = { VIEW_SELECT " FROM reviews r JOIN users u ON u.id = r.reviewer_id"
	    " WHERE r.id = ?", 1, VIEW_NCOLS, 0 },
	[STMT_USER_TOTAL] = { "SELECT rating, rating_count FROM users WHERE id = ?"
	    " AND deleted_at IS NULL", 1, 2, 0 },
	[STMT_SERVICE_TOTAL] = { "SELECT rating, rating_count FROM services WHERE id = ?"
	    " AND deleted_at IS NULL", 1, 2, 0 },
	[STMT_TECH_TOTAL] = { "SELECT rating, rating_count FROM users WHERE id = ?"
	    " AND role = 'technician' AND deleted_at IS NULL", 1, 2, 0 },
	[STMT_STARS] = { "SELECT stars, n FROM review_counts WHERE target = ? AND target_id = ?",
	    2, 2, 0 },
	/* the technician's bookings, from their own index range */
	[STMT_PERF_BOOKINGS] = { DB_LIST_LIMIT "SELECT COUNT(*),"
	    " COALESCE(SUM(b.status IN " REVIEWABLE "), 0),"
	    " COALESCE(SUM(b.status = 'cancelled'), 0),"
	    " COALESCE(SUM(IF(b.status IN " REVIEWABLE ", b.total, 0)), 0)"
	    " FROM bookings b FORCE INDEX (ix_bookings_technician) WHERE b.technician_id = ?",
	    1, 4, DBS_LIST },
	/* per booking, the last assignment and the first answer after it (accept, decline
	 * or set off), both from the booking's history index */
	[STMT_PERF_RESPONSE] = { DB_LIST_LIMIT "SELECT COUNT(t.secs), COALESCE(AVG(t.secs), 0)"
	    " FROM (SELECT TIMESTAMPDIFF(MICROSECOND, a.created_at,"
	    " (SELECT MIN(h.created_at) FROM booking_history h"
	    " FORCE INDEX (ix_booking_history_booking) WHERE h.booking_id = a.booking_id"
	    " AND h.id > a.id AND h.event IN ('accept', 'decline', 'depart'))) / 1000000 AS secs"
	    " FROM bookings b FORCE INDEX (ix_bookings_technician)"
	    " STRAIGHT_JOIN booking_history a FORCE INDEX (PRIMARY) ON a.id ="
	    " (SELECT MAX(h2.id) FROM booking_history h2 FORCE INDEX (ix_booking_history_booking)"
	    " WHERE h2.booking_id = b.id AND h2.event = 'assign')"
	    " WHERE b.technician_id = ?) t", 1, 2, DBS_LIST },

	VARIANT(V(REVIEWS_OF_USER, 0), "ix_reviews_reviewee", "r.reviewee_id = ? AND " W_PUB, 1),
	VARIANT(V(REVIEWS_OF_USER, 1), "ix_reviews_reviewee_rating",
	    "r.reviewee_id = ? AND " W_PUB W_STAR, 2),
	VARIANT(V(REVIEWS_OF_SERVICE, 0), "ix_reviews_service", "r.service_id = ? AND " W_PUB, 1),
	VARIANT(V(REVIEWS_OF_SERVICE, 1), "ix_reviews_service_rating",
	    "r.service_id = ? AND " W_PUB W_STAR, 2),
	VARIANT(V(REVIEWS_ALL, 0), "ix_reviews_list", W_PUB, 0),
	VARIANT(V(REVIEWS_ALL, 1), "ix_reviews_list_rating", W_PUB W_STAR, 1),
	VARIANT(V(REVIEWS_BY_USER, 0), "ix_reviews_reviewer", "r.reviewer_id = ? AND " W_PUB, 1),
};

/* Sample arguments for each list statement's EXPLAIN: the top of the list. */
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX), \
	DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
#define S_CAP DB_SAMPLE_INT(REVIEWS_WINDOW + 1)
#define S_ID DB_SAMPLE_INT(1),
#define S_STAR DB_SAMPLE_INT(5),
#define SAMPLES(name, filters) \
	static const struct db_arg s_page_##name[] = { filters S_KEY }; \
	static const struct db_arg s_count_##name[] = { filters S_CAP };

SAMPLES(user, S_ID)
SAMPLES(user_star, S_ID S_STAR)
SAMPLES(service, S_ID)
SAMPLES(service_star, S_ID S_STAR)
SAMPLES(all, )
SAMPLES(all_star, S_STAR)
SAMPLES(by, S_ID)
static const struct db_arg s_perf[] = { DB_SAMPLE_INT(1) };

#define SAMPLE_PAIR(v, name) \
	[STMT_PAGE + (v)] = DB_SAMPLE(s_page_##name), [STMT_COUNT + (v)] = DB_SAMPLE(s_count_##name)

static const struct db_sample samples[STMT__MAX] = {
	SAMPLE_PAIR(V(REVIEWS_OF_USER, 0), user),
	SAMPLE_PAIR(V(REVIEWS_OF_USER, 1), user_star),
	SAMPLE_PAIR(V(REVIEWS_OF_SERVICE, 0), service),
	SAMPLE_PAIR(V(REVIEWS_OF_SERVICE, 1), service_star),
	SAMPLE_PAIR(V(REVIEWS_ALL, 0), all),
	SAMPLE_PAIR(V(REVIEWS_ALL, 1), all_star),
	SAMPLE_PAIR(V(REVIEWS_BY_USER, 0), by),
	[STMT_PERF_BOOKINGS] = DB_SAMPLE(s_perf),
	[STMT_PERF_RESPONSE] = DB_SAMPLE(s_perf),
};

struct db_family store_reviews = DB_FAMILY_SAMPLES("reviews", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_reviews, s, DB_ARGS(__VA_ARGS__), res)

static struct db_arg
opt_int(long long v)
{
	return v > 0 ? DB_INT(v) : DB_NULL;
}

static enum db_rc booking_of(struct db *db, struct arena *a, int lock, long long booking_id,
    struct review_booking *out);

enum db_rc
db_reviews_booking_lock(struct db *db, struct arena *a, long long booking_id,
    struct review_booking *out)
{
	return booking_of(db, a, 1, booking_id, out);
}

enum db_rc
db_reviews_booking_get(struct db *db, struct arena *a, long long booking_id,
    struct review_booking *out)
{
	return booking_of(db, a, 0, booking_id, out);
}

static enum db_rc
booking_of(struct db *db, struct arena *a, int lock, long long booking_id,
    struct review_booking *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, lock ? STMT_BOOKING_LOCK : STMT_BOOKING_GET, &res,
	    DB_INT(booking_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, 0, 0);
	out->kind = db_get(&res, 0, 1);
	out->status = db_get(&res, 0, 2);
	out->customer_id = db_get_ll(&res, 0, 3, 0);
	out->technician_id = db_get_ll(&res, 0, 4, 0);
	out->service_id = db_get_ll(&res, 0, 5, 0);
	out->completed_at = db_get(&res, 0, 6);
	out->since_completed = db_get_ll(&res, 0, 7, -1);
	return DB_OK;
}

enum db_rc
db_reviews_lock_subjects(struct db *db, struct arena *a, long long reviewee_id,
    long long service_id)
{
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_USER, NULL, DB_INT(reviewee_id))) != DB_OK)
		return rc;
	if (service_id > 0)
		return RUN(db, a, STMT_LOCK_SERVICE, NULL, DB_INT(service_id));
	return DB_OK;
}

static enum db_rc
row_of(const struct db_result *res, struct review_row *out)
{
	size_t c;

	if (res->nrows == 0)
		return DB_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->id = db_get_ll(res, 0, 0, 0);
	out->booking_id = db_get_ll(res, 0, 1, 0);
	out->reviewer_id = db_get_ll(res, 0, 2, 0);
	out->reviewee_id = db_get_ll(res, 0, 3, 0);
	out->service_id = db_get_ll(res, 0, 4, 0);
	out->status = db_get(res, 0, 5);
	out->v.rating = (int)db_get_ll(res, 0, 6, 0);
	for (c = 0; c < RC__MAX; c++)
		out->v.category[c] = (int)db_get_ll(res, 0, 7 + c, 0);
	out->v.comment = db_get(res, 0, 12);
	out->v.is_recommended = (int)db_get_ll(res, 0, 13, -1);
	out->kind = db_get(res, 0, 14);
	return DB_OK;
}

enum db_rc
db_reviews_get(struct db *db, struct arena *a, long long id, int lock, struct review_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, lock ? STMT_GET_LOCK : STMT_GET, &res, DB_INT(id))) != DB_OK)
		return rc;
	return row_of(&res, out);
}

enum db_rc
db_reviews_find(struct db *db, struct arena *a, long long booking_id, long long reviewer_id,
    struct review_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_FIND, &res, DB_INT(booking_id), DB_INT(reviewer_id))) != DB_OK)
		return rc;
	return row_of(&res, out);
}

enum db_rc
db_reviews_find_lock(struct db *db, struct arena *a, long long booking_id, long long reviewer_id,
    struct review_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_FIND_LOCK, &res, DB_INT(booking_id), DB_INT(reviewer_id))) !=
	    DB_OK)
		return rc;
	return row_of(&res, out);
}

static struct db_arg
opt_bool(int v)
{
	return v < 0 ? DB_NULL : DB_INT(v != 0);
}

enum db_rc
db_reviews_insert(struct db *db, struct arena *a, const struct review_row *r, long long *id)
{
	const struct review_values *v = &r->v;
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_INT(r->booking_id), DB_INT(r->reviewer_id),
	    DB_INT(r->reviewee_id), opt_int(r->service_id), DB_INT(v->rating),
	    opt_int(v->category[RC_QUALITY]), opt_int(v->category[RC_PROFESSIONALISM]),
	    opt_int(v->category[RC_COMMUNICATION]), opt_int(v->category[RC_PUNCTUALITY]),
	    opt_int(v->category[RC_VALUE]), DB_STR(v->comment), opt_bool(v->is_recommended))) !=
	    DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_reviews_insert_job(struct db *db, struct arena *a, const struct review_row *r,
    const char *role, const char *completed_at, long long days, long long *id)
{
	const struct review_values *v = &r->v;
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT_JOB, &res, DB_INT(r->booking_id), DB_INT(r->reviewer_id),
	    DB_STR(role), DB_INT(r->reviewee_id), DB_INT(v->rating),
	    opt_int(v->category[RC_QUALITY]), opt_int(v->category[RC_PROFESSIONALISM]),
	    opt_int(v->category[RC_COMMUNICATION]), opt_int(v->category[RC_PUNCTUALITY]),
	    opt_int(v->category[RC_VALUE]), DB_STR(v->comment), opt_bool(v->is_recommended),
	    DB_STR(completed_at), DB_INT(days))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_reviews_publish_booking(struct db *db, struct arena *a, long long booking_id,
    unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_PUBLISH_BOOKING, &res, DB_INT(booking_id))) != DB_OK)
		return rc;
	if (n != NULL)
		*n = res.affected;
	return DB_OK;
}

enum db_rc
db_reviews_update(struct db *db, struct arena *a, long long id, const struct review_values *v)
{
	return RUN(db, a, STMT_UPDATE, NULL, DB_INT(v->rating), opt_int(v->category[RC_QUALITY]),
	    opt_int(v->category[RC_PROFESSIONALISM]), opt_int(v->category[RC_COMMUNICATION]),
	    opt_int(v->category[RC_PUNCTUALITY]), opt_int(v->category[RC_VALUE]),
	    DB_STR(v->comment), opt_bool(v->is_recommended), DB_INT(id));
}

enum db_rc
db_reviews_set_status(struct db *db, struct arena *a, long long id, const char *status,
    long long by)
{
	return RUN(db, a, STMT_STATUS, NULL, DB_STR(status), opt_int(by), DB_STR(status),
	    DB_INT(id));
}

enum db_rc
db_reviews_delete(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_DELETE, NULL, DB_INT(id));
}

enum db_rc
db_reviews_respond(struct db *db, struct arena *a, long long id, const char *text)
{
	return RUN(db, a, STMT_RESPOND, NULL, DB_STR(text), DB_STR(text), DB_INT(id));
}

/* One star's count of a target moved by d (+1 or -1). */
static enum db_rc
star(struct db *db, struct arena *a, const char *target, long long id, int stars, int d)
{
	return RUN(db, a, d > 0 ? STMT_STAR_ADD : STMT_STAR_SUB, NULL, DB_STR(target), DB_INT(id),
	    DB_INT(stars));
}

enum db_rc
db_reviews_tally(struct db *db, struct arena *a, long long reviewee_id, long long service_id,
    int old_rating, int new_rating)
{
	long long dsum = new_rating - old_rating;
	long long dcount = (new_rating > 0) - (old_rating > 0);
	enum db_rc rc;

	if (old_rating == new_rating)
		return DB_OK;
	if ((rc = RUN(db, a, STMT_TALLY_USER, NULL, DB_INT(dcount), DB_INT(dsum), DB_INT(dcount),
	    DB_INT(dsum), DB_INT(dcount), DB_INT(reviewee_id))) != DB_OK)
		return rc;
	if (service_id > 0 && (rc = RUN(db, a, STMT_TALLY_SERVICE, NULL, DB_INT(dcount),
	    DB_INT(dsum), DB_INT(dcount), DB_INT(dsum), DB_INT(dcount), DB_INT(service_id))) !=
	    DB_OK)
		return rc;
	if (old_rating > 0) {
		if ((rc = star(db, a, "user", reviewee_id, old_rating, -1)) != DB_OK)
			return rc;
		if (service_id > 0 && (rc = star(db, a, "service", service_id, old_rating, -1)) !=
		    DB_OK)
			return rc;
	}
	if (new_rating > 0) {
		if ((rc = star(db, a, "user", reviewee_id, new_rating, 1)) != DB_OK)
			return rc;
		if (service_id > 0 && (rc = star(db, a, "service", service_id, new_rating, 1)) !=
		    DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_rc
db_reviews_tally_add(struct db *db, struct arena *a, long long reviewee_id,
    const long long per_star[6])
{
	long long dsum = 0, dcount = 0;
	enum db_rc rc;
	int s;

	for (s = 1; s <= 5; s++) {
		dsum += per_star[s] * s;
		dcount += per_star[s];
	}
	if (dcount == 0)
		return DB_OK;
	if ((rc = RUN(db, a, STMT_TALLY_USER, NULL, DB_INT(dcount), DB_INT(dsum), DB_INT(dcount),
	    DB_INT(dsum), DB_INT(dcount), DB_INT(reviewee_id))) != DB_OK)
		return rc;
	for (s = 1; s <= 5; s++)
		if (per_star[s] > 0 && (rc = RUN(db, a, STMT_STAR_ADD_N, NULL, DB_INT(reviewee_id),
		    DB_INT(s), DB_INT(per_star[s]))) != DB_OK)
			return rc;
	return DB_OK;
}

enum db_rc
db_reviews_vote(struct db *db, struct arena *a, long long id, long long user_id)
{
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_VOTE, NULL, DB_INT(id), DB_INT(user_id))) != DB_OK)
		return rc;
	return RUN(db, a, STMT_VOTE_COUNT, NULL, DB_INT(id));
}

enum db_rc
db_reviews_report(struct db *db, struct arena *a, long long id, long long user_id,
    const char *reason)
{
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_REPORT, NULL, DB_INT(id), DB_INT(user_id), DB_STR(reason))) !=
	    DB_OK)
		return rc;
	return RUN(db, a, STMT_REPORT_COUNT, NULL, DB_INT(id));
}

enum db_rc
db_reviews_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

/* The rating and count of a reviewee or service: DB_NOTFOUND when there is none. */
static enum db_rc
totals(struct db *db, struct arena *a, enum review_scope scope, long long id,
    const char **rating, long long *count)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, scope == REVIEWS_OF_SERVICE ? STMT_SERVICE_TOTAL : STMT_USER_TOTAL,
	    &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*rating = db_get(&res, 0, 0);
	*count = db_get_ll(&res, 0, 1, 0);
	return DB_OK;
}

/* n[1..5]: the published reviews per star of a reviewee or service. */
static enum db_rc
stars(struct db *db, struct arena *a, enum review_scope scope, long long id, long long n[6])
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	memset(n, 0, sizeof(long long) * 6);
	if ((rc = RUN(db, a, STMT_STARS, &res, DB_STR(scope == REVIEWS_OF_SERVICE ? "service" :
	    "user"), DB_INT(id))) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		long long s = db_get_ll(&res, i, 0, 0);

		if (s >= 1 && s <= 5)
			n[s] = db_get_ll(&res, i, 1, 0);
	}
	return DB_OK;
}

enum db_rc
db_reviews_summary(struct db *db, struct arena *a, enum review_scope scope, long long target_id,
    json_object **out)
{
	const char *rating;
	long long count, n[6];
	json_object *dist;
	enum db_rc rc;
	char key[12];
	int s;

	*out = NULL;
	if ((rc = totals(db, a, scope, target_id, &rating, &count)) != DB_OK ||
	    (rc = stars(db, a, scope, target_id, n)) != DB_OK)
		return rc;
	*out = json_object_new_object();
	json_object_object_add(*out, "averageRating", json_object_new_double(rating != NULL ?
	    strtod(rating, NULL) : 0.0));
	json_object_object_add(*out, "ratingCount", json_object_new_int64(count));
	dist = json_object_new_object();
	for (s = 1; s <= 5; s++) {
		snprintf(key, sizeof(key), "%d", s);
		json_object_object_add(dist, key, json_object_new_int64(n[s]));
	}
	json_object_object_add(*out, "distribution", dist);
	return DB_OK;
}

/* The exact total of a reviewee's or service's list from the tallies. */
static enum db_rc
tally_total(struct db *db, struct arena *a, const struct review_list_query *q, long long *total)
{
	const char *rating;
	long long n[6];
	enum db_rc rc;

	if (q->rating == 0) {
		rc = totals(db, a, q->scope, q->target_id, &rating, total);
		if (rc == DB_NOTFOUND) {
			*total = 0;
			return DB_OK;
		}
		return rc;
	}
	if ((rc = stars(db, a, q->scope, q->target_id, n)) != DB_OK)
		return rc;
	*total = n[q->rating];
	return DB_OK;
}

enum db_rc
db_reviews_list(struct db *db, struct arena *a, const struct review_list_query *q,
    struct review_list_page *out)
{
	struct db_arg args[8];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX;
	unsigned v = V(q->scope, q->rating > 0);
	size_t n = 0, nf;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((unsigned)q->scope >= REVIEWS__SCOPES || (q->scope == REVIEWS_BY_USER && q->rating > 0))
		return DB_ERR;
	if (q->scope != REVIEWS_ALL)
		args[n++] = DB_INT(q->target_id);
	if (q->rating > 0)
		args[n++] = DB_INT(q->rating);
	nf = n;
	if (q->scope == REVIEWS_OF_USER || q->scope == REVIEWS_OF_SERVICE) {
		if ((rc = tally_total(db, a, q, &out->total)) != DB_OK)
			return rc;
	} else {
		args[n++] = DB_INT(REVIEWS_WINDOW + 1);
		if ((rc = db_exec(db, a, &store_reviews, STMT_COUNT + v, args, n, &res)) != DB_OK)
			return rc;
		out->total = db_get_ll(&res, 0, 0, 0);
		if ((out->total_capped = out->total > REVIEWS_WINDOW))
			out->total = REVIEWS_WINDOW;
	}
	n = nf;
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(q->offset);
	if ((rc = db_exec(db, a, &store_reviews, STMT_PAGE + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "createdAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, q->limit);
	return DB_OK;
}

enum db_rc
db_reviews_performance(struct db *db, struct arena *a, long long technician_id,
    struct technician_performance *out)
{
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_TECH_TOTAL, &res, DB_INT(technician_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->rating = db_get(&res, 0, 0);
	out->rating_count = db_get_ll(&res, 0, 1, 0);
	if ((rc = RUN(db, a, STMT_PERF_BOOKINGS, &res, DB_INT(technician_id))) != DB_OK)
		return rc;
	out->assigned = db_get_ll(&res, 0, 0, 0);
	out->completed = db_get_ll(&res, 0, 1, 0);
	out->cancelled = db_get_ll(&res, 0, 2, 0);
	out->earnings = db_get_ll(&res, 0, 3, 0);
	if ((rc = RUN(db, a, STMT_PERF_RESPONSE, &res, DB_INT(technician_id))) != DB_OK)
		return rc;
	out->responses = db_get_ll(&res, 0, 0, 0);
	out->response_avg_s = db_get(&res, 0, 1) != NULL ? strtod(db_get(&res, 0, 1), NULL) : 0;
	return DB_OK;
}
