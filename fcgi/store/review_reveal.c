#include "review_reveal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/arena.h"

enum stmt {
	STMT_DUE,
	STMT_LOCK_BOOKINGS,
	STMT_LOCK_USERS,
	STMT_PENDING,
	STMT_PUBLISH,
	STMT__MAX
};

/* the ids of a batch, ascending: a JSON array read as a table */
#define IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"

static const struct db_stmt stmts[STMT__MAX] = {
	/* pending reviews by their reveal time (ix_reviews_reveal), each one's job by its
	 * key: those completed at least ? days ago */
	[STMT_DUE] = { DB_LIST_LIMIT "SELECT r.booking_id FROM reviews r"
	    " FORCE INDEX (ix_reviews_reveal) STRAIGHT_JOIN bookings b FORCE INDEX (PRIMARY)"
	    " ON b.id = r.booking_id WHERE r.status = 'pending'"
	    " AND b.completed_at <= CURRENT_TIMESTAMP(3) - INTERVAL ? DAY"
	    " ORDER BY r.visible_at, r.id LIMIT ?", 2, 1, DBS_LIST },
	/* the jobs in the order of the array (ascending), then their parties */
	[STMT_LOCK_BOOKINGS] = { "SELECT b.customer_id, b.technician_id FROM " IDS
	    " STRAIGHT_JOIN bookings b FORCE INDEX (PRIMARY) ON b.id = j.id FOR UPDATE", 1, 2,
	    0 },
	[STMT_LOCK_USERS] = { "SELECT u.id FROM " IDS
	    " STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = j.id FOR UPDATE", 1, 1, 0 },
	[STMT_PENDING] = { "SELECT r.reviewee_id, r.rating, COUNT(*) FROM " IDS
	    " STRAIGHT_JOIN reviews r FORCE INDEX (uq_reviews_booking_reviewer)"
	    " ON r.booking_id = j.id WHERE r.status = 'pending'"
	    " GROUP BY r.reviewee_id, r.rating ORDER BY r.reviewee_id FOR UPDATE", 1, 3, 0 },
	/* shown from now: visible_at is when it showed; updated_at stays (no edit) */
	[STMT_PUBLISH] = { "UPDATE " IDS " STRAIGHT_JOIN reviews r"
	    " FORCE INDEX (uq_reviews_booking_reviewer) ON r.booking_id = j.id"
	    " SET r.status = 'published', r.visible_at = CURRENT_TIMESTAMP(3),"
	    " r.updated_at = r.updated_at WHERE r.status = 'pending'", 1, 0, 0 },
};

static const struct db_arg s_due[] = { DB_SAMPLE_INT(14), DB_SAMPLE_INT(REVEAL_BATCH * 2) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_DUE] = DB_SAMPLE(s_due),
};

struct db_family store_review_reveal = DB_FAMILY_SAMPLES("review_reveal", stmts, samples);

#define RUN(db, a, s, res, ...) \
	db_exec(db, a, &store_review_reveal, s, DB_ARGS(__VA_ARGS__), res)

static int
cmp_ll(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return (a > b) - (a < b);
}

/* The distinct positive values of v[0..n) as a JSON array, ascending. */
static const char *
id_array(struct arena *a, long long *v, size_t n, long long *count)
{
	size_t i, k = 0, len = 3;
	char *out, *p;

	qsort(v, n, sizeof(v[0]), cmp_ll);
	for (i = 0; i < n; i++)
		len += 21;
	out = arena_alloc(a, len);
	p = out;
	*p++ = '[';
	for (i = 0; i < n; i++) {
		if (v[i] <= 0 || (i > 0 && v[i] == v[i - 1]))
			continue;
		p += snprintf(p, len - (size_t)(p - out), "%s%lld", k > 0 ? "," : "", v[i]);
		k++;
	}
	*p++ = ']';
	*p = '\0';
	*count = (long long)k;
	return out;
}

enum db_rc
db_reveal_due(struct db *db, struct arena *a, long long days, long long limit,
    const char **ids, long long *n)
{
	struct db_result res;
	long long *v;
	enum db_rc rc;
	size_t i;

	if (limit < 1 || limit > REVEAL_BATCH)
		limit = REVEAL_BATCH;
	/* two reviews per job at most: twice the rows give up to limit jobs */
	if ((rc = RUN(db, a, STMT_DUE, &res, DB_INT(days), DB_INT(limit * 2))) != DB_OK)
		return rc;
	v = arena_alloc(a, sizeof(*v) * (res.nrows + 1));
	for (i = 0; i < res.nrows; i++)
		v[i] = db_get_ll(&res, i, 0, 0);
	*ids = id_array(a, v, res.nrows, n);
	return DB_OK;
}

enum db_rc
db_reveal_lock(struct db *db, struct arena *a, const char *ids)
{
	struct db_result res;
	const char *users;
	long long *v, count;
	enum db_rc rc;
	size_t i;

	if ((rc = RUN(db, a, STMT_LOCK_BOOKINGS, &res, DB_STR(ids))) != DB_OK)
		return rc;
	v = arena_alloc(a, sizeof(*v) * (res.nrows * 2 + 1));
	for (i = 0; i < res.nrows; i++) {
		v[2 * i] = db_get_ll(&res, i, 0, 0);
		v[2 * i + 1] = db_get_ll(&res, i, 1, 0);
	}
	users = id_array(a, v, res.nrows * 2, &count);
	if (count == 0)
		return DB_OK;
	return RUN(db, a, STMT_LOCK_USERS, NULL, DB_STR(users));
}

enum db_rc
db_reveal_pending(struct db *db, struct arena *a, const char *ids, struct reveal_tally **out,
    size_t *n, long long *reviews)
{
	struct db_result res;
	struct reveal_tally *t;
	enum db_rc rc;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	*reviews = 0;
	if ((rc = RUN(db, a, STMT_PENDING, &res, DB_STR(ids))) != DB_OK)
		return rc;
	t = arena_alloc(a, sizeof(*t) * (res.nrows + 1));
	memset(t, 0, sizeof(*t) * (res.nrows + 1));
	for (i = 0; i < res.nrows; i++) {
		long long who = db_get_ll(&res, i, 0, 0), stars = db_get_ll(&res, i, 1, 0);
		long long c = db_get_ll(&res, i, 2, 0);

		if (stars < 1 || stars > 5)
			continue;
		/* rows come by reviewee: a new one starts a new tally */
		if (k == 0 || t[k - 1].reviewee_id != who)
			t[k++].reviewee_id = who;
		t[k - 1].per_star[stars] += c;
		*reviews += c;
	}
	*out = t;
	*n = k;
	return DB_OK;
}

enum db_rc
db_reveal_publish(struct db *db, struct arena *a, const char *ids, unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_PUBLISH, &res, DB_STR(ids))) != DB_OK)
		return rc;
	*n = res.affected;
	return DB_OK;
}
