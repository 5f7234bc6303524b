/* Disputes (disputes.h). The admin list reads ix_disputes_status (one status) or
 * ix_disputes_opened (every status) backwards from a keyset (opened_at, id); the stats
 * read ix_disputes_resolved from the period's start. */
#include "disputes.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum variant { V_ALL, V_STATUS, V__MAX };

enum stmt {
	STMT_INSERT,
	STMT_GET,
	STMT_LOCK,
	STMT_OPEN_OF,
	STMT_COMPLETED_WITHIN,
	STMT_RESPOND,
	STMT_RESOLVE,
	STMT_EVIDENCE_ADD,
	STMT_VIEW,
	STMT_EVIDENCE,
	STMT_STATS_RESOLVED,
	STMT_STATS_OPEN,
	STMT_ADMINS,
	STMT_EVIDENCE_READER,
	STMT_PAGE,
	STMT_COUNT = STMT_PAGE + V__MAX,
	STMT__MAX = STMT_COUNT + V__MAX
};

#define ROW_SELECT "SELECT id, booking_id, opened_by, status, first_response_at IS NOT NULL" \
	" FROM disputes WHERE id = ?"

/* A dispute as the API shows it (the list and the one). */
#define VIEW_SELECT \
	"SELECT d.id, d.booking_id AS jobId, b.title AS `job.title`, b.status AS `job.status`," \
	" b.customer_id AS `job.clientId`, b.technician_id AS `job.craftsmanId`," \
	" b.total AS `job.price`, d.opened_by AS openedBy, d.opener_role AS openerRole," \
	" d.reason, d.description, d.status, d.decision, d.amount," \
	" d.client_amount AS clientAmount, d.craftsman_amount AS craftsmanAmount," \
	" d.client_percent AS clientPercent, d.resolution_notes AS resolutionNotes," \
	" d.resolved_by AS resolvedBy, d.opened_at AS openedAt," \
	" d.first_response_at AS firstResponseAt, d.resolved_at AS resolvedAt"
#define VIEW_NCOLS 22

#define PAGE(ix, where) DB_LIST_LIMIT VIEW_SELECT " FROM disputes d FORCE INDEX (" ix ")" \
	" JOIN bookings b ON b.id = d.booking_id WHERE " where " d.opened_at <= ? AND" \
	" (d.opened_at < ? OR d.id < ?) ORDER BY d.opened_at DESC, d.id DESC LIMIT ? OFFSET ?"
#define COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM disputes d" \
	" FORCE INDEX (" ix ") WHERE " where " d.opened_at <= ? LIMIT ?) t"
#define W_STATUS "d.status = ? AND"

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO disputes (booking_id, opened_by, opener_role, reason,"
	    " description) VALUES (?, ?, ?, ?, ?)", 5, 0, 0 },
	[STMT_GET] = { ROW_SELECT, 1, 5, 0 },
	[STMT_LOCK] = { ROW_SELECT " FOR UPDATE", 1, 5, 0 },
	[STMT_OPEN_OF] = { "SELECT id FROM disputes WHERE booking_id = ? AND open_key = 1", 1,
	    1, 0 },
	[STMT_COMPLETED_WITHIN] = { "SELECT 1 FROM booking_history WHERE booking_id = ? AND"
	    " to_status = 'completed' AND created_at >= CURRENT_TIMESTAMP(3) - INTERVAL ? HOUR"
	    " LIMIT 1", 2, 1, 0 },
	[STMT_RESPOND] = { "UPDATE disputes SET first_response_at = IFNULL(first_response_at,"
	    " CURRENT_TIMESTAMP(3)), status = IF(status = 'open', 'under_review', status)"
	    " WHERE id = ?", 1, 0, 0 },
	[STMT_RESOLVE] = { "UPDATE disputes SET status = 'resolved', open_key = NULL,"
	    " decision = ?, amount = ?, client_amount = ?, craftsman_amount = ?,"
	    " client_percent = NULLIF(?, -1), resolution_notes = ?, resolved_by = ?,"
	    " resolved_at = CURRENT_TIMESTAMP(3), first_response_at = IFNULL(first_response_at,"
	    " CURRENT_TIMESTAMP(3)) WHERE id = ? AND status <> 'resolved'", 8, 0, 0 },
	[STMT_EVIDENCE_ADD] = { "INSERT INTO dispute_evidence (dispute_id, author_id,"
	    " author_role, message, upload_id) VALUES (?, ?, ?, ?, NULLIF(?, 0))", 5, 0, 0 },
	[STMT_VIEW] = { VIEW_SELECT " FROM disputes d JOIN bookings b ON b.id = d.booking_id"
	    " WHERE d.id = ?", 1, VIEW_NCOLS, 0 },
	[STMT_EVIDENCE] = { "SELECT e.id, e.author_id AS authorId, e.author_role AS authorRole,"
	    " e.message, e.upload_id AS fileId, u.filename AS fileName, u.mime AS fileMimetype,"
	    " u.size AS fileSize, e.created_at AS createdAt FROM dispute_evidence e"
	    " LEFT JOIN uploads u ON u.id = e.upload_id WHERE e.dispute_id = ? ORDER BY e.id"
	    " LIMIT 500", 1, 9, 0 },
	[STMT_STATS_RESOLVED] = { DB_LIST_LIMIT "SELECT TIMESTAMPDIFF(SECOND, opened_at,"
	    " resolved_at), TIMESTAMPDIFF(SECOND, opened_at, first_response_at) FROM disputes"
	    " FORCE INDEX (ix_disputes_resolved) WHERE resolved_at >= ? LIMIT 10001", 1, 2, 0 },
	[STMT_STATS_OPEN] = { "SELECT SUM(status = 'open'), SUM(status = 'under_review') FROM"
	    " disputes FORCE INDEX (ix_disputes_status) WHERE status IN ('open',"
	    " 'under_review')", 0, 2, 0 },
	[STMT_ADMINS] = { "SELECT id FROM users WHERE role = 'admin' AND is_active = 1 AND"
	    " is_banned = 0 AND deleted_at IS NULL ORDER BY id LIMIT ?", 1, 1, 0 },
	/* the upload is evidence of a dispute whose job has this user as client or craftsman
	 * (fk_dispute_evidence_upload's index finds the evidence rows) */
	[STMT_EVIDENCE_READER] = { "SELECT 1 FROM dispute_evidence e"
	    " JOIN disputes d ON d.id = e.dispute_id JOIN bookings b ON b.id = d.booking_id"
	    " WHERE e.upload_id = ? AND (b.customer_id = ? OR b.technician_id = ?) LIMIT 1", 3,
	    1, 0 },
	[STMT_PAGE + V_ALL] = { PAGE("ix_disputes_opened", ""), 5, VIEW_NCOLS, DBS_LIST },
	[STMT_PAGE + V_STATUS] = { PAGE("ix_disputes_status", W_STATUS), 6, VIEW_NCOLS,
	    DBS_LIST },
	[STMT_COUNT + V_ALL] = { COUNT("ix_disputes_opened", ""), 2, 1, DBS_LIST },
	[STMT_COUNT + V_STATUS] = { COUNT("ix_disputes_status", W_STATUS), 3, 1, DBS_LIST },
};

#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
static const struct db_arg s_all[] = { S_KEY, S_PAGE };
static const struct db_arg s_status[] = { DB_SAMPLE_STR("open"), S_KEY, S_PAGE };
static const struct db_arg s_count_all[] = { DB_SAMPLE_STR(TOP_TIME),
	DB_SAMPLE_INT(DISPUTES_WINDOW + 1) };
static const struct db_arg s_count_status[] = { DB_SAMPLE_STR("open"),
	DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(DISPUTES_WINDOW + 1) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_PAGE + V_ALL] = DB_SAMPLE(s_all),
	[STMT_PAGE + V_STATUS] = DB_SAMPLE(s_status),
	[STMT_COUNT + V_ALL] = DB_SAMPLE(s_count_all),
	[STMT_COUNT + V_STATUS] = DB_SAMPLE(s_count_status),
};

struct db_family store_disputes = DB_FAMILY_SAMPLES("disputes", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_disputes, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_disputes_insert(struct db *db, struct arena *a, const struct dispute_new *d, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_INT(d->booking_id), DB_INT(d->opened_by),
	    DB_STR(d->opener_role), DB_STR(d->reason), DB_STR(d->description))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_disputes_get(struct db *db, struct arena *a, long long id, int lock,
    struct dispute_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, lock ? STMT_LOCK : STMT_GET, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, 0, 0);
	out->booking_id = db_get_ll(&res, 0, 1, 0);
	out->opened_by = db_get_ll(&res, 0, 2, 0);
	out->status = db_get(&res, 0, 3);
	out->responded = (int)db_get_ll(&res, 0, 4, 0);
	return DB_OK;
}

enum db_rc
db_disputes_open_of(struct db *db, struct arena *a, long long booking_id, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	if ((rc = RUN(db, a, STMT_OPEN_OF, &res, DB_INT(booking_id))) != DB_OK)
		return rc;
	if (res.nrows > 0)
		*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_disputes_completed_within(struct db *db, struct arena *a, long long booking_id,
    long long hours, int *yes)
{
	struct db_result res;
	enum db_rc rc;

	*yes = 0;
	if ((rc = RUN(db, a, STMT_COMPLETED_WITHIN, &res, DB_INT(booking_id),
	    DB_INT(hours))) != DB_OK)
		return rc;
	*yes = res.nrows > 0;
	return DB_OK;
}

enum db_rc
db_disputes_respond(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_RESPOND, NULL, DB_INT(id));
}

enum db_rc
db_disputes_resolve(struct db *db, struct arena *a, const struct dispute_decision *d)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_RESOLVE, &res, DB_STR(d->decision), DB_INT(d->amount),
	    DB_INT(d->client_amount), DB_INT(d->craftsman_amount), DB_INT(d->client_percent),
	    DB_STR(d->notes), DB_INT(d->resolved_by), DB_INT(d->id))) != DB_OK)
		return rc;
	return res.affected == 0 ? DB_NOTFOUND : DB_OK;
}

enum db_rc
db_disputes_evidence_add(struct db *db, struct arena *a, long long dispute_id,
    long long author_id, const char *author_role, const char *message, long long upload_id,
    long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_EVIDENCE_ADD, &res, DB_INT(dispute_id), DB_INT(author_id),
	    DB_STR(author_role), DB_STR(message), DB_INT(upload_id))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

/* fileId, fileName ... become file: {id, filename, mimetype, size} or null */
static void
shape_evidence(json_object *e)
{
	static const char *const from[] = { "fileId", "fileName", "fileMimetype", "fileSize" };
	static const char *const to[] = { "id", "filename", "mimetype", "size" };
	json_object *file = NULL, *v;
	size_t i;

	if (json_object_object_get_ex(e, "fileId", &v) && v != NULL)
		file = json_object_new_object();
	for (i = 0; i < 4; i++) {
		if (file != NULL && json_object_object_get_ex(e, from[i], &v))
			json_object_object_add(file, to[i], json_object_get(v));
		json_object_object_del(e, from[i]);
	}
	json_object_object_add(e, "file", file);
}

enum db_rc
db_disputes_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	json_object *ev;
	enum db_rc rc;
	size_t i;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	if ((rc = RUN(db, a, STMT_EVIDENCE, &res, DB_INT(id))) != DB_OK) {
		json_object_put(*out);
		*out = NULL;
		return rc;
	}
	ev = json_object_new_array();
	for (i = 0; i < res.nrows; i++) {
		json_object *e = db_row_json(&res, i);

		shape_evidence(e);
		json_object_array_add(ev, e);
	}
	json_object_object_add(*out, "evidence", ev);
	return DB_OK;
}

enum db_rc
db_disputes_list(struct db *db, struct arena *a, const struct dispute_list_query *q,
    struct dispute_list_page *out)
{
	struct db_arg args[8];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX;
	enum variant v = q->status != NULL ? V_STATUS : V_ALL;
	size_t n = 0, nf;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->status != NULL)
		args[n++] = DB_STR(q->status);
	nf = n;
	args[n++] = DB_STR(TOP_TIME);
	args[n++] = DB_INT(DISPUTES_WINDOW + 1);
	if ((rc = db_exec(db, a, &store_disputes, STMT_COUNT + v, args, n, &res)) != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if ((out->total_capped = out->total > DISPUTES_WINDOW))
		out->total = DISPUTES_WINDOW;
	n = nf;
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(q->offset);
	if ((rc = db_exec(db, a, &store_disputes, STMT_PAGE + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "openedAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, q->limit);
	return DB_OK;
}

static int
cmp_ll(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b;
}

/* the median of n sorted seconds, in hours; -1 for none */
static double
median_hours(long long *v, size_t n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmp_ll);
	return (n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) / 3600.0;
}

enum db_rc
db_disputes_stats(struct db *db, struct arena *a, const char *since, long long sla_hours,
    struct dispute_stats *out)
{
	struct db_result res;
	long long *res_s, *first_s;
	size_t i, nfirst = 0;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_STATS_RESOLVED, &res, DB_STR(since))) != DB_OK)
		return rc;
	res_s = arena_alloc(a, (res.nrows + 1) * sizeof(*res_s));
	first_s = arena_alloc(a, (res.nrows + 1) * sizeof(*first_s));
	for (i = 0; i < res.nrows; i++) {
		res_s[i] = db_get_ll(&res, i, 0, 0);
		if (res_s[i] <= sla_hours * 3600)
			out->within_sla++;
		if (db_get(&res, i, 1) != NULL)
			first_s[nfirst++] = db_get_ll(&res, i, 1, 0);
	}
	out->resolved = (long long)res.nrows;
	out->median_resolution_hours = median_hours(res_s, res.nrows);
	out->median_first_response_hours = median_hours(first_s, nfirst);
	if ((rc = db_exec(db, a, &store_disputes, STMT_STATS_OPEN, DB_NOARGS, &res)) != DB_OK)
		return rc;
	out->open = db_get_ll(&res, 0, 0, 0);
	out->under_review = db_get_ll(&res, 0, 1, 0);
	return DB_OK;
}

enum db_rc
db_disputes_admins(struct db *db, struct arena *a, long long *ids, size_t max, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*n = 0;
	if ((rc = RUN(db, a, STMT_ADMINS, &res, DB_INT((long long)max))) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows && i < max; i++)
		ids[(*n)++] = db_get_ll(&res, i, 0, 0);
	return DB_OK;
}

enum db_rc
db_disputes_evidence_reader(struct db *db, struct arena *a, long long upload_id,
    long long user_id, int *yes)
{
	struct db_result res;
	enum db_rc rc;

	*yes = 0;
	if ((rc = RUN(db, a, STMT_EVIDENCE_READER, &res, DB_INT(upload_id), DB_INT(user_id),
	    DB_INT(user_id))) != DB_OK)
		return rc;
	*yes = res.nrows > 0;
	return DB_OK;
}
