#include "review_moderation.h"

#include <limits.h>
#include <string.h>

enum stmt {
	STMT_PAGE,
	STMT_COUNT,
	STMT_OPEN,
	STMT_CLOSE,
	STMT_CLEAR,
	STMT__MAX
};

/* The queue: ix_reviews_reported (reported_at, id) read backwards from the key, each
 * reviewer by primary key, and each review's newest open reports by the primary key of
 * review_reports (review_id, user_id): at most the review's own reports. */
#define ISO(col) "CONCAT(LEFT(DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define QUEUE_SELECT "SELECT r.id, r.booking_id AS bookingId, r.reviewer_id AS userId," \
	" u.first_name AS `reviewer.firstName`, r.reviewee_id AS technicianId," \
	" r.service_id AS serviceId, r.rating, r.comment, r.status," \
	" r.status = 'hidden' AS `isHidden:bool`, r.report_count AS reportCount," \
	" r.open_reports AS openReports, r.reported_at AS reportedAt," \
	" (SELECT JSON_ARRAYAGG(JSON_OBJECT('userId', x.user_id, 'reason', x.reason," \
	" 'reportedAt', " ISO("x.created_at") ") ORDER BY x.created_at DESC, x.user_id DESC" \
	" LIMIT 10) FROM review_reports x WHERE x.review_id = r.id AND x.resolved_at IS NULL)" \
	" AS `reports:json`, r.created_at AS createdAt"
#define QUEUE_NCOLS 15

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_PAGE] = { DB_LIST_LIMIT QUEUE_SELECT
	    " FROM reviews r FORCE INDEX (ix_reviews_reported)"
	    " STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = r.reviewer_id"
	    " WHERE r.reported_at IS NOT NULL AND r.reported_at <= ?"
	    " AND (r.reported_at < ? OR r.id < ?)"
	    " ORDER BY r.reported_at DESC, r.id DESC LIMIT ? OFFSET ?", 5, QUEUE_NCOLS, DBS_LIST },
	[STMT_COUNT] = { DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM reviews r"
	    " FORCE INDEX (ix_reviews_reported) WHERE r.reported_at IS NOT NULL LIMIT ?) t", 1, 1,
	    DBS_LIST },
	[STMT_OPEN] = { "SELECT open_reports FROM reviews WHERE id = ? FOR UPDATE", 1, 1, 0 },
	[STMT_CLOSE] = { "UPDATE review_reports SET resolution = ?, resolved_by = ?,"
	    " resolved_at = CURRENT_TIMESTAMP(3) WHERE review_id = ? AND resolved_at IS NULL", 3,
	    0, 0 },
	[STMT_CLEAR] = { "UPDATE reviews SET open_reports = 0, reported_at = NULL,"
	    " updated_at = updated_at WHERE id = ?", 1, 0, 0 },
};

#define TOP_TIME "9999-12-31 23:59:59.999"
static const struct db_arg s_page[] = { DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME),
	DB_SAMPLE_INT(LLONG_MAX), DB_SAMPLE_INT(21), DB_SAMPLE_INT(0) };
static const struct db_arg s_count[] = { DB_SAMPLE_INT(REVIEW_QUEUE_WINDOW + 1) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_PAGE] = DB_SAMPLE(s_page),
	[STMT_COUNT] = DB_SAMPLE(s_count),
};

struct db_family store_review_moderation = DB_FAMILY_SAMPLES("review_moderation", stmts,
    samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_review_moderation, s, \
	DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_review_queue(struct db *db, struct arena *a, const char *after_at, long long after_id,
    long long offset, long long limit, struct review_queue_page *out)
{
	const char *at = after_at != NULL ? after_at : TOP_TIME;
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_COUNT, &res, DB_INT(REVIEW_QUEUE_WINDOW + 1))) != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if ((out->total_capped = out->total > REVIEW_QUEUE_WINDOW))
		out->total = REVIEW_QUEUE_WINDOW;
	if ((rc = RUN(db, a, STMT_PAGE, &res, DB_STR(at), DB_STR(at),
	    DB_INT(after_at != NULL ? after_id : LLONG_MAX), DB_INT(limit + 1),
	    DB_INT(offset))) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, limit, "reportedAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, limit);
	return DB_OK;
}

enum db_rc
db_review_open_reports(struct db *db, struct arena *a, long long id, long long *n)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_OPEN, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*n = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_review_close_reports(struct db *db, struct arena *a, long long id, const char *resolution,
    long long by)
{
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CLOSE, NULL, DB_STR(resolution), DB_INT(by), DB_INT(id))) !=
	    DB_OK)
		return rc;
	return RUN(db, a, STMT_CLEAR, NULL, DB_INT(id));
}
