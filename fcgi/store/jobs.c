#include "jobs.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../core/http.h"
#include "uploads.h"

/* The list variants (each with its own index): the board with or without a category,
 * with or without a point; a customer's own jobs; every job; the board near a point,
 * with or without a category, read by place (the cells of
 * sql/migrations/0027_jobs_near.sql). */
enum { V_OPEN, V_OPEN_CAT, V_OPEN_NEAR, V_OPEN_CAT_NEAR, V_CUSTOMER, V_ALL, V_OPEN_CELLS,
	V_OPEN_CAT_CELLS, V__MAX };

/* geo_cell (0027): quarter-degree cells numbered row by row; a band of latitude is one
 * range of numbers. The box of the widest circle (100 km: 1.8 degrees of latitude)
 * touches at most 9 bands. */
#define CELLS_PER_DEGREE 4
#define CELL_BANDS 10
/* Near a point, a total (counted from the cells) up to this is read from the cells and
 * sorted by time; above it (or a capped total), from the time index, where the
 * circle's jobs come often enough that the walk stops soon. */
#define CELLS_SORT_MAX 3000

enum stmt {
	STMT_CATEGORY_OK,
	STMT_INSERT,
	STMT_EDIT,
	STMT_HIRE,
	STMT_CATEGORY,
	STMT_VIEW,
	STMT_SPECIALIZED,
	STMT_INVOLVED,
	STMT_Q_INSERT,
	STMT_Q_LOCK,
	STMT_Q_LIVE,
	STMT_Q_UPDATE,
	STMT_Q_PENDING,
	STMT_Q_DECLINE,
	STMT_Q_LIST,
	STMT_Q_LIST_MINE,
	STMT_Q_VIEW,
	STMT_I_INSERT,
	STMT_I_LOCK,
	STMT_I_RESPOND,
	STMT_I_LIST,
	STMT_I_VIEW,
	STMT_PAGE,
	STMT_COUNT = STMT_PAGE + V__MAX,
	STMT__MAX = STMT_COUNT + V__MAX
};

/* A job as the API shows it; the handler makes `location` GeoJSON of lat and lng. */
#define JOB_SELECT \
	"SELECT b.id, b.number AS jobNumber, b.title, b.problem_description AS description," \
	" b.category, b.customer_id AS clientId, b.technician_id AS craftsmanId, b.status," \
	" b.budget_min AS `budget.min`, b.budget_max AS `budget.max`," \
	" b.currency AS `budget.currency`, b.address, b.city, b.governorate," \
	" b.latitude AS lat, b.longitude AS lng, b.images AS `photos:json`," \
	" b.total AS jobPrice, b.currency, b.cancellation_reason AS cancellationReason," \
	" b.cancellation_fee AS cancellationFee, b.created_at AS createdAt," \
	" b.updated_at AS updatedAt, b.hired_at AS hiredAt, b.payment_type AS paymentType," \
	" b.platform_fee AS platformFee," \
	" " UPLOAD_REF_IDS("'booking'", "b.id") " AS `photoIds:json`"
#define JOB_NCOLS 27

/* The board: kind job, posted or quoted (both are 'pending_approval' in list_status),
 * newest first from (created_at, id) backwards; the point's box, its circle and the
 * budget are checked from the index entries (PAGE reads the keys from the index alone). */
#define W_OPEN "b.kind = 'job' AND b.list_status = 'pending_approval' AND"
#define W_CAT " b.category = ? AND"
#define HAVERSINE "2 * 6371.0088 * ASIN(LEAST(1, SQRT(" \
	"POW(SIN(RADIANS(b.latitude - ?) / 2), 2) + COS(RADIANS(?)) * COS(RADIANS(b.latitude))" \
	" * POW(SIN(RADIANS(b.longitude - ?) / 2), 2))))"
/* near a point: the box (W_BOX), the budget, then the circle (W_HAV), so that the
 * haversine, the dearest condition, is computed only for entries that passed the rest */
#define W_BOX " b.latitude BETWEEN ? AND ? AND b.longitude BETWEEN ? AND ? AND"
#define W_HAV " " HAVERSINE " <= ? AND"
#define W_BUDGET " COALESCE(b.budget_max, b.budget_min, 0) >= ? AND" \
	" COALESCE(b.budget_min, b.budget_max, 0) <= ? AND"
#define CELL_RANGE " b.geo_cell BETWEEN ? AND ?"
#define W_CELLS " (" CELL_RANGE " OR" CELL_RANGE " OR" CELL_RANGE " OR" CELL_RANGE " OR" \
	CELL_RANGE " OR" CELL_RANGE " OR" CELL_RANGE " OR" CELL_RANGE " OR" CELL_RANGE " OR" \
	CELL_RANGE ") AND"
#define W_CUSTOMER "b.customer_id = ? AND b.kind = 'job' AND"
#define W_ALL "b.kind = 'job' AND"
#define RANGE " b.created_at >= ? AND b.created_at <= ? AND (b.created_at < ? OR b.id < ?)"
/* the page's keys from the index alone (every filter is a column of it), then its rows
 * by primary key: a sparse filter walks index entries, not rows */
#define PAGE(ix, where) DB_LIST_LIMIT JOB_SELECT " FROM (SELECT b.id, b.created_at" \
	" FROM bookings b FORCE INDEX (" ix ") WHERE " where RANGE \
	" ORDER BY b.created_at DESC, b.id DESC LIMIT ? OFFSET ?) k" \
	" STRAIGHT_JOIN bookings b FORCE INDEX (PRIMARY) ON b.id = k.id" \
	" ORDER BY k.created_at DESC, k.id DESC"
#define COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM bookings b" \
	" FORCE INDEX (" ix ") WHERE " where " b.created_at >= ? AND b.created_at <= ?" \
	" LIMIT ?) t"
#define VARIANT(v, ix, where, nf) \
	[STMT_PAGE + (v)] = { PAGE(ix, where), (nf) + 6, JOB_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (v)] = { COUNT(ix, where), (nf) + 3, 1, DBS_LIST }

#define QUOTE_SELECT \
	"SELECT q.id, q.job_id AS jobId, q.technician_id AS craftsmanId," \
	" u.first_name AS `craftsman.firstName`, u.last_name AS `craftsman.lastName`," \
	" u.avatar AS `craftsman.avatar`, u.rating AS `craftsman.rating`," \
	" u.rating_count AS `craftsman.ratingCount`, q.price, q.currency, q.notes," \
	" q.valid_until AS validUntil, q.status, q.revisions, q.created_at AS createdAt," \
	" q.updated_at AS updatedAt," \
	" COALESCE((SELECT p.verification = 'verified' FROM technician_profiles p" \
	" WHERE p.user_id = q.technician_id), 0) AS `craftsman.verified:bool`" \
	" FROM quotes q JOIN users u ON u.id = q.technician_id"
#define QUOTE_NCOLS 17
#define INVITATION_SELECT \
	"SELECT i.id, i.job_id AS jobId, i.technician_id AS craftsmanId," \
	" u.first_name AS `craftsman.firstName`, u.last_name AS `craftsman.lastName`," \
	" u.avatar AS `craftsman.avatar`, u.rating AS `craftsman.rating`," \
	" u.rating_count AS `craftsman.ratingCount`, i.status, i.responded_at AS respondedAt," \
	" i.created_at AS createdAt FROM job_invitations i JOIN users u ON u.id = i.technician_id"
#define INVITATION_NCOLS 11
#define STR_(x) #x
#define STR(x) STR_(x)

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_CATEGORY_OK] = { "SELECT 1 FROM service_categories WHERE `key` = ?", 1, 1, 0 },
	[STMT_INSERT] = { "INSERT INTO bookings (number, kind, title, category, budget_min,"
	    " budget_max, customer_id, service_id, status, list_status, scheduled_at, address,"
	    " city, governorate, latitude, longitude, customer_name, customer_phone,"
	    " problem_description, images, payment_type) VALUES (?, 'job', ?, ?, ?, ?, ?, NULL,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 19, 0, 0 },
	/* NULL keeps a column; a flag before a nullable one says whether to write it */
	[STMT_EDIT] = { "UPDATE bookings SET title = COALESCE(?, title),"
	    " problem_description = COALESCE(?, problem_description),"
	    " category = COALESCE(?, category), address = COALESCE(?, address),"
	    " city = COALESCE(?, city), governorate = COALESCE(?, governorate),"
	    " budget_min = IF(?, ?, budget_min), budget_max = IF(?, ?, budget_max),"
	    " latitude = IF(?, ?, latitude), longitude = IF(?, ?, longitude),"
	    " images = IF(?, ?, images), payment_type = COALESCE(?, payment_type)"
	    " WHERE id = ? AND kind = 'job'", 18, 0, 0 },
	/* the payment type named at the acceptance, else the job's, else cash */
	[STMT_HIRE] = { "UPDATE bookings SET base_price = ?, total = ?, hired_at = NOW(3),"
	    " payment_type = COALESCE(?, payment_type, 'cash'), platform_fee = ?"
	    " WHERE id = ? AND kind = 'job'", 5, 0, 0 },
	[STMT_CATEGORY] = { "SELECT category FROM bookings WHERE id = ?", 1, 1, 0 },
	[STMT_VIEW] = { JOB_SELECT " FROM bookings b WHERE b.id = ? AND b.kind = 'job'", 1,
	    JOB_NCOLS, 0 },
	[STMT_SPECIALIZED] = { "SELECT 1 FROM technician_specializations WHERE category = ?"
	    " AND user_id = ?", 2, 1, 0 },
	[STMT_INVOLVED] = { "SELECT EXISTS (SELECT 1 FROM quotes WHERE job_id = ?"
	    " AND technician_id = ?) OR EXISTS (SELECT 1 FROM job_invitations WHERE job_id = ?"
	    " AND technician_id = ?)", 4, 1, 0 },
	[STMT_Q_INSERT] = { "INSERT INTO quotes (job_id, technician_id, price, notes,"
	    " valid_until) VALUES (?, ?, ?, ?, ?)", 5, 0, 0 },
	[STMT_Q_LOCK] = { "SELECT id, job_id, technician_id, price, revisions, status, notes,"
	    " valid_until, COALESCE(valid_until < NOW(3), 0) FROM quotes WHERE id = ?"
	    " AND job_id = ? FOR UPDATE", 2, 9, 0 },
	[STMT_Q_LIVE] = { "SELECT id FROM quotes WHERE job_id = ? AND technician_id = ?"
	    " AND live = 1", 2, 1, 0 },
	[STMT_Q_UPDATE] = { "UPDATE quotes SET price = ?, notes = ?, valid_until = ?,"
	    " status = ?, live = IF(? IN ('Pending', 'Accepted'), 1, NULL), revisions = ?"
	    " WHERE id = ?", 7, 0, 0 },
	[STMT_Q_PENDING] = { "SELECT technician_id FROM quotes WHERE job_id = ?"
	    " AND status = 'Pending' AND id <> ? ORDER BY id LIMIT " STR(JOBS_CHILD_MAX)
	    " FOR UPDATE", 2, 1, 0 },
	[STMT_Q_DECLINE] = { "UPDATE quotes SET status = 'Declined', live = NULL"
	    " WHERE job_id = ? AND status = 'Pending' AND id <> ?", 2, 0, 0 },
	[STMT_Q_LIST] = { QUOTE_SELECT " WHERE q.job_id = ? ORDER BY q.id LIMIT "
	    STR(JOBS_CHILD_MAX), 1, QUOTE_NCOLS, 0 },
	[STMT_Q_LIST_MINE] = { QUOTE_SELECT " WHERE q.job_id = ? AND q.technician_id = ?"
	    " ORDER BY q.id LIMIT " STR(JOBS_CHILD_MAX), 2, QUOTE_NCOLS, 0 },
	[STMT_Q_VIEW] = { QUOTE_SELECT " WHERE q.id = ?", 1, QUOTE_NCOLS, 0 },
	[STMT_I_INSERT] = { "INSERT INTO job_invitations (job_id, technician_id, invited_by)"
	    " VALUES (?, ?, ?)", 3, 0, 0 },
	[STMT_I_LOCK] = { "SELECT id, status FROM job_invitations WHERE job_id = ?"
	    " AND technician_id = ? FOR UPDATE", 2, 2, 0 },
	[STMT_I_RESPOND] = { "UPDATE job_invitations SET status = ?, responded_at = NOW(3)"
	    " WHERE id = ?", 2, 0, 0 },
	[STMT_I_LIST] = { INVITATION_SELECT " WHERE i.job_id = ? ORDER BY i.id LIMIT "
	    STR(JOBS_CHILD_MAX), 1, INVITATION_NCOLS, 0 },
	[STMT_I_VIEW] = { INVITATION_SELECT " WHERE i.id = ?", 1, INVITATION_NCOLS, 0 },
	VARIANT(V_OPEN, "ix_bookings_jobs_open", W_OPEN W_BUDGET, 2),
	VARIANT(V_OPEN_CAT, "ix_bookings_jobs_open_category", W_OPEN W_CAT W_BUDGET, 3),
	VARIANT(V_OPEN_NEAR, "ix_bookings_jobs_open", W_OPEN W_BOX W_BUDGET W_HAV, 10),
	VARIANT(V_OPEN_CAT_NEAR, "ix_bookings_jobs_open_category", W_OPEN W_CAT W_BOX W_BUDGET W_HAV,
	    11),
	VARIANT(V_CUSTOMER, "ix_bookings_jobs_customer", W_CUSTOMER, 1),
	VARIANT(V_ALL, "ix_bookings_jobs_all", W_ALL, 0),
	VARIANT(V_OPEN_CELLS, "ix_bookings_jobs_open_cell", W_OPEN W_CELLS W_BOX W_BUDGET W_HAV,
	    2 * CELL_BANDS + 10),
	VARIANT(V_OPEN_CAT_CELLS, "ix_bookings_jobs_open_category_cell",
	    W_OPEN W_CAT W_CELLS W_BOX W_BUDGET W_HAV, 2 * CELL_BANDS + 11),
};

/* --explain-lists: the widest case of each variant (the whole time range, the top of
 * the list; around central Cairo, 100 km). */
#define BOTTOM_TIME "1000-01-01 00:00:00.000"
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_RANGE DB_SAMPLE_STR(BOTTOM_TIME), DB_SAMPLE_STR(TOP_TIME)
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
#define S_CAP DB_SAMPLE_INT(JOBS_WINDOW + 1)
#define S_CAT DB_SAMPLE_STR("plumbing"),
#define S_BOX DB_SAMPLE_STR("29.145"), DB_SAMPLE_STR("30.945"), DB_SAMPLE_STR("30.19"), \
	DB_SAMPLE_STR("32.28"),
#define S_HAV DB_SAMPLE_STR("30.045"), DB_SAMPLE_STR("30.045"), DB_SAMPLE_STR("31.235"), \
	DB_SAMPLE_INT(100),
#define S_BUDGET DB_SAMPLE_INT(0), DB_SAMPLE_INT(LLONG_MAX),
#define S_NEAR S_BOX S_BUDGET S_HAV
/* the 10 bands of the 100 km box around central Cairo, 9 cells of longitude each */
#define S_BAND(b) DB_SAMPLE_INT((b) * 2000 + 840), DB_SAMPLE_INT((b) * 2000 + 848),
#define S_CELLS S_BAND(476) S_BAND(477) S_BAND(478) S_BAND(479) S_BAND(480) S_BAND(481) \
	S_BAND(482) S_BAND(483) S_BAND(484) S_BAND(485)
#define S_USER DB_SAMPLE_INT(1),
#define SAMPLES(name, filters) \
	static const struct db_arg s_page_##name[] = { filters S_RANGE, S_KEY, S_PAGE }; \
	static const struct db_arg s_count_##name[] = { filters S_RANGE, S_CAP };

SAMPLES(open, S_BUDGET)
SAMPLES(open_cat, S_CAT S_BUDGET)
SAMPLES(open_near, S_NEAR)
SAMPLES(open_cat_near, S_CAT S_NEAR)
SAMPLES(customer, S_USER)
SAMPLES(all, )
SAMPLES(open_cells, S_CELLS S_NEAR)
SAMPLES(open_cat_cells, S_CAT S_CELLS S_NEAR)

#define SAMPLED(v, name) \
	[STMT_PAGE + (v)] = DB_SAMPLE(s_page_##name), \
	[STMT_COUNT + (v)] = DB_SAMPLE(s_count_##name)

static const struct db_sample samples[STMT__MAX] = {
	SAMPLED(V_OPEN, open),
	SAMPLED(V_OPEN_CAT, open_cat),
	SAMPLED(V_OPEN_NEAR, open_near),
	SAMPLED(V_OPEN_CAT_NEAR, open_cat_near),
	SAMPLED(V_CUSTOMER, customer),
	SAMPLED(V_ALL, all),
	SAMPLED(V_OPEN_CELLS, open_cells),
	SAMPLED(V_OPEN_CAT_CELLS, open_cat_cells),
};

struct db_family store_jobs = DB_FAMILY_SAMPLES("jobs", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_jobs, s, DB_ARGS(__VA_ARGS__), res)

static struct db_arg
opt_ll(long long v)
{
	return v >= 0 ? DB_INT(v) : DB_NULL;
}

enum db_rc
db_jobs_category_ok(struct db *db, struct arena *a, const char *key, int *ok)
{
	struct db_result res;
	enum db_rc rc;

	*ok = 0;
	if ((rc = RUN(db, a, STMT_CATEGORY_OK, &res, DB_STR(key))) != DB_OK)
		return rc;
	*ok = res.nrows > 0;
	return DB_OK;
}

enum db_rc
db_jobs_insert(struct db *db, struct arena *a, const struct job_new *j, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_STR(j->number), DB_STR(j->title),
	    DB_STR(j->category), opt_ll(j->budget_min), opt_ll(j->budget_max),
	    DB_INT(j->customer_id), DB_STR(j->status), DB_STR(j->list_status),
	    DB_STR(j->scheduled_at), DB_STR(j->address), DB_STR(j->city),
	    DB_STR(j->governorate), DB_STR(j->latitude), DB_STR(j->longitude),
	    DB_STR(j->customer_name), DB_STR(j->customer_phone), DB_STR(j->description),
	    DB_STR(j->images), DB_STR(j->payment_type))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_jobs_edit(struct db *db, struct arena *a, long long id, const struct job_edit *e)
{
	return RUN(db, a, STMT_EDIT, NULL, DB_STR(e->title), DB_STR(e->description),
	    DB_STR(e->category), DB_STR(e->address), DB_STR(e->city), DB_STR(e->governorate),
	    DB_INT(e->budget_min != -2), opt_ll(e->budget_min),
	    DB_INT(e->budget_max != -2), opt_ll(e->budget_max),
	    DB_INT(e->set_point != 0), DB_STR(e->latitude),
	    DB_INT(e->set_point != 0), DB_STR(e->longitude),
	    DB_INT(e->set_images != 0), DB_STR(e->images), DB_STR(e->payment_type), DB_INT(id));
}

enum db_rc
db_jobs_hire(struct db *db, struct arena *a, long long id, long long price,
    const char *payment_type, long long platform_fee)
{
	return RUN(db, a, STMT_HIRE, NULL, DB_INT(price), DB_INT(price), DB_STR(payment_type),
	    DB_INT(platform_fee), DB_INT(id));
}

enum db_rc
db_jobs_category(struct db *db, struct arena *a, long long id, const char **cat)
{
	struct db_result res;
	enum db_rc rc;

	*cat = NULL;
	if ((rc = RUN(db, a, STMT_CATEGORY, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*cat = db_get(&res, 0, 0);
	return DB_OK;
}

enum db_rc
db_jobs_view(struct db *db, struct arena *a, long long id, json_object **out)
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

static enum db_rc
exists(struct db *db, struct arena *a, int s, const struct db_arg *args, size_t n, int *yes)
{
	struct db_result res;
	enum db_rc rc;

	*yes = 0;
	if ((rc = db_exec(db, a, &store_jobs, s, args, n, &res)) != DB_OK)
		return rc;
	*yes = res.nrows > 0 && db_get_ll(&res, 0, 0, 0) == 1;
	return DB_OK;
}

enum db_rc
db_jobs_specialized(struct db *db, struct arena *a, long long technician_id,
    const char *category, int *yes)
{
	struct db_arg args[2] = { DB_STR(category), DB_INT(technician_id) };

	*yes = 0;
	if (category == NULL)
		return DB_OK;
	return exists(db, a, STMT_SPECIALIZED, args, 2, yes);
}

enum db_rc
db_jobs_involved(struct db *db, struct arena *a, long long job_id, long long technician_id,
    int *yes)
{
	struct db_arg args[4] = { DB_INT(job_id), DB_INT(technician_id), DB_INT(job_id),
		DB_INT(technician_id) };

	return exists(db, a, STMT_INVOLVED, args, 4, yes);
}

/* The geo_cell ranges of the box: one per band of latitude, CELL_BANDS of them (the
 * first repeated when fewer); 0 when the box has more bands or crosses the antimeridian
 * (the time index then reads it). The edges are widened by a hair so that a point on
 * a cell's border is never missed: the box and the circle are checked after. */
static int
cell_ranges(double lat_lo, double lat_hi, double lng_lo, double lng_hi, long long *r)
{
	long long b, b0, b1, c0, c1;
	int k = 0;

	if (lng_lo < -180.0 || lng_hi >= 180.0)
		return 0;
	b0 = (long long)floor(fmax(lat_lo, -90.0) * CELLS_PER_DEGREE - 1e-7);
	b1 = (long long)floor(fmin(lat_hi, 90.0) * CELLS_PER_DEGREE + 1e-7);
	c0 = (long long)floor(lng_lo * CELLS_PER_DEGREE - 1e-7);
	c1 = (long long)floor(lng_hi * CELLS_PER_DEGREE + 1e-7);
	if (b1 - b0 + 1 > CELL_BANDS)
		return 0;
	for (b = b0; b <= b1; b++, k++) {
		r[2 * k] = (b + 90 * CELLS_PER_DEGREE) * 2000 + c0 + 180 * CELLS_PER_DEGREE;
		r[2 * k + 1] = (b + 90 * CELLS_PER_DEGREE) * 2000 + c1 + 180 * CELLS_PER_DEGREE;
	}
	for (; k < CELL_BANDS; k++) {
		r[2 * k] = r[0];
		r[2 * k + 1] = r[1];
	}
	return 1;
}

enum db_rc
db_jobs_list(struct db *db, struct arena *a, const struct job_list_query *q,
    struct job_list_page *out)
{
	struct db_arg args[48], cargs[48];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	const char *from = q->since != NULL ? q->since : BOTTOM_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX;
	long long cells[2 * CELL_BANDS];
	long long cap = q->scope == JOBS_OPEN ? JOBS_BOARD_COUNT : JOBS_WINDOW;
	unsigned v;
	size_t n = 0, nf, i, k, cn = 0, cnf = 0;
	unsigned cv = V_OPEN_CELLS;
	int by_cell = 0;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	switch (q->scope) {
	case JOBS_CUSTOMER:
		v = V_CUSTOMER;
		args[n++] = DB_INT(q->user_id);
		break;
	case JOBS_ALL:
		v = V_ALL;
		break;
	default:
		v = q->category != NULL ? (q->near ? V_OPEN_CAT_NEAR : V_OPEN_CAT) :
		    (q->near ? V_OPEN_NEAR : V_OPEN);
		if (q->category != NULL)
			args[n++] = DB_STR(q->category);
		if (q->near) {
			/* the box around the circle: a degree of latitude is 111.195 km, one of
			 * longitude that times the cosine of the latitude (at the edge nearer a
			 * pole) */
			double dlat = q->km / 111.195, edge = fabs(q->lat) + dlat, c, dlng;

			c = edge >= 89.0 ? 0.0 : cos(edge * M_PI / 180.0);
			dlng = c < 0.01 ? 180.0 : q->km / (111.195 * c);
			args[n++] = DB_DBL(q->lat - dlat);
			args[n++] = DB_DBL(q->lat + dlat);
			args[n++] = DB_DBL(q->lng - dlng);
			args[n++] = DB_DBL(q->lng + dlng);
			/* the same filters behind the box's cells */
			by_cell = cell_ranges(q->lat - dlat, q->lat + dlat, q->lng - dlng,
			    q->lng + dlng, cells);
		}
		args[n++] = DB_INT(q->budget_min > 0 ? q->budget_min : 0);
		args[n++] = DB_INT(q->budget_max >= 0 ? q->budget_max : LLONG_MAX);
		if (q->near) {
			args[n++] = DB_DBL(q->lat);
			args[n++] = DB_DBL(q->lat);
			args[n++] = DB_DBL(q->lng);
			args[n++] = DB_DBL(q->km);
		}
		break;
	}
	nf = n;
	if (by_cell) {
		/* the category (when there is one), the cells, then the other filters */
		cv = q->category != NULL ? V_OPEN_CAT_CELLS : V_OPEN_CELLS;
		i = 0;
		if (q->category != NULL)
			cargs[cn++] = args[i++];
		for (k = 0; k < 2 * CELL_BANDS; k++)
			cargs[cn++] = DB_INT(cells[k]);
		for (; i < nf; i++)
			cargs[cn++] = args[i];
		cnf = cn;
		cargs[cn++] = DB_STR(from);
		cargs[cn++] = DB_STR(TOP_TIME);
		cargs[cn++] = DB_INT(cap + 1);
		rc = db_exec(db, a, &store_jobs, STMT_COUNT + cv, cargs, cn, &res);
	} else {
		args[n++] = DB_STR(from);
		args[n++] = DB_STR(TOP_TIME);
		args[n++] = DB_INT(cap + 1);
		rc = db_exec(db, a, &store_jobs, STMT_COUNT + v, args, n, &res);
	}
	if (rc != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if ((out->total_capped = out->total > cap))
		out->total = cap;
	if (by_cell && !out->total_capped && out->total <= CELLS_SORT_MAX) {
		/* few jobs in the circle: read them from its cells and sort them */
		cn = cnf;
		cargs[cn++] = DB_STR(from);
		cargs[cn++] = DB_STR(at);
		cargs[cn++] = DB_STR(at);
		cargs[cn++] = DB_INT(id);
		cargs[cn++] = DB_INT(q->limit + 1);
		cargs[cn++] = DB_INT(q->offset);
		rc = db_exec(db, a, &store_jobs, STMT_PAGE + cv, cargs, cn, &res);
	} else {
		n = nf;
		args[n++] = DB_STR(from);
		args[n++] = DB_STR(at);
		args[n++] = DB_STR(at);
		args[n++] = DB_INT(id);
		args[n++] = DB_INT(q->limit + 1);
		args[n++] = DB_INT(q->offset);
		rc = db_exec(db, a, &store_jobs, STMT_PAGE + v, args, n, &res);
	}
	if (rc != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "createdAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, q->limit);
	return DB_OK;
}

/* --- quotes --- */

enum db_rc
db_quotes_insert(struct db *db, struct arena *a, long long job_id, long long technician_id,
    long long price, const char *notes, const char *valid_until, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_Q_INSERT, &res, DB_INT(job_id), DB_INT(technician_id),
	    DB_INT(price), DB_STR(notes), DB_STR(valid_until))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_quotes_lock(struct db *db, struct arena *a, long long job_id, long long id,
    struct quote_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_Q_LOCK, &res, DB_INT(id), DB_INT(job_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, 0, 0);
	out->job_id = db_get_ll(&res, 0, 1, 0);
	out->technician_id = db_get_ll(&res, 0, 2, 0);
	out->price = db_get_ll(&res, 0, 3, 0);
	out->revisions = db_get_ll(&res, 0, 4, 0);
	out->status = db_get(&res, 0, 5);
	out->notes = db_get(&res, 0, 6);
	out->valid_until = db_get(&res, 0, 7);
	out->expired = db_get_ll(&res, 0, 8, 0) != 0;
	return DB_OK;
}

enum db_rc
db_quotes_live(struct db *db, struct arena *a, long long job_id, long long technician_id,
    long long *id)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	if ((rc = RUN(db, a, STMT_Q_LIVE, &res, DB_INT(job_id), DB_INT(technician_id))) !=
	    DB_OK)
		return rc;
	if (res.nrows > 0)
		*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_quotes_update(struct db *db, struct arena *a, const struct quote_row *q)
{
	return RUN(db, a, STMT_Q_UPDATE, NULL, DB_INT(q->price), DB_STR(q->notes),
	    DB_STR(q->valid_until), DB_STR(q->status), DB_STR(q->status), DB_INT(q->revisions),
	    DB_INT(q->id));
}

enum db_rc
db_quotes_decline_others(struct db *db, struct arena *a, long long job_id, long long except,
    long long **ids, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*ids = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_Q_PENDING, &res, DB_INT(job_id), DB_INT(except))) != DB_OK)
		return rc;
	if (res.nrows > 0) {
		*ids = arena_alloc(a, res.nrows * sizeof(**ids));
		for (i = 0; i < res.nrows; i++)
			(*ids)[i] = db_get_ll(&res, i, 0, 0);
		*n = res.nrows;
	}
	return RUN(db, a, STMT_Q_DECLINE, NULL, DB_INT(job_id), DB_INT(except));
}

static enum db_rc
rows(struct db *db, struct arena *a, int s, const struct db_arg *args, size_t n,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_jobs, s, args, n, &res)) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

static enum db_rc
row(struct db *db, struct arena *a, int s, long long id, json_object **out)
{
	struct db_arg args[1] = { DB_INT(id) };
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_jobs, s, args, 1, &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_quotes_list(struct db *db, struct arena *a, long long job_id, long long technician_id,
    json_object **out)
{
	struct db_arg args[2] = { DB_INT(job_id), DB_INT(technician_id) };

	return rows(db, a, technician_id > 0 ? STMT_Q_LIST_MINE : STMT_Q_LIST, args,
	    technician_id > 0 ? 2 : 1, out);
}

enum db_rc
db_quotes_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	return row(db, a, STMT_Q_VIEW, id, out);
}

/* --- invitations --- */

enum db_rc
db_invitations_insert(struct db *db, struct arena *a, long long job_id,
    long long technician_id, long long invited_by, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_I_INSERT, &res, DB_INT(job_id), DB_INT(technician_id),
	    invited_by > 0 ? DB_INT(invited_by) : DB_NULL)) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_invitations_lock(struct db *db, struct arena *a, long long job_id, long long technician_id,
    long long *id, const char **status)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	*status = NULL;
	if ((rc = RUN(db, a, STMT_I_LOCK, &res, DB_INT(job_id), DB_INT(technician_id))) !=
	    DB_OK)
		return rc;
	if (res.nrows > 0) {
		*id = db_get_ll(&res, 0, 0, 0);
		*status = db_get(&res, 0, 1);
	}
	return DB_OK;
}

enum db_rc
db_invitations_respond(struct db *db, struct arena *a, long long id, const char *status)
{
	return RUN(db, a, STMT_I_RESPOND, NULL, DB_STR(status), DB_INT(id));
}

enum db_rc
db_invitations_list(struct db *db, struct arena *a, long long job_id, json_object **out)
{
	struct db_arg args[1] = { DB_INT(job_id) };

	return rows(db, a, STMT_I_LIST, args, 1, out);
}

enum db_rc
db_invitations_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	return row(db, a, STMT_I_VIEW, id, out);
}
