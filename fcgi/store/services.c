#include "services.h"

#include <string.h>
#include "user_lists.h"

/* The list statements: one per combination of filters, indexed by these bits added to
 * STMT_LIST or STMT_COUNT. */
enum {
	F_CATEGORY = 1 << 0,
	F_EMERGENCY = 1 << 1,
	F_POPULAR = 1 << 2,
	F_SEARCH = 1 << 3,
	F__ALL = 1 << 4
};

enum stmt {
	STMT_LIST,
	STMT_COUNT = STMT_LIST + F__ALL,
	STMT_VIEW = STMT_COUNT + F__ALL,
	STMT_VIEW_STAFF,
	STMT_CATEGORIES,
	STMT_LOCK,
	STMT_INSERT,
	STMT_UPDATE,
	STMT_DELETE,
	STMT_SEARCH,            /* GET /api/search/services: by relevance */
	STMT_SEARCH_CATEGORY,
	STMT_ORDER_LOCK,        /* reordering: one group of the catalog, locked in order */
	STMT_SET_SORT,
	STMT__MAX
};

#define SERVICE_COLUMNS \
	"SELECT s.id, s.name_ar AS nameAr, s.name_en AS nameEn," \
	" s.description_ar AS descriptionAr, s.description_en AS descriptionEn," \
	" s.category, s.sub_category AS subCategory, s.duration_minutes AS duration," \
	" s.base_price AS `price.basePrice`, s.currency AS `price.currency`," \
	" s.is_active AS `availability.isActive`," \
	" s.working_hours_start AS `availability.workingHours.start`," \
	" s.working_hours_end AS `availability.workingHours.end`," \
	" s.working_days AS `availability.workingDays:json`," \
	" s.emergency_available AS `availability.emergencyAvailable`," \
	" s.requires_approval AS `requirements.requiresApproval`," \
	" s.admin_approval_only AS `requirements.adminApprovalOnly`," \
	" s.images AS `media.images:json`, s.icon AS `media.icon`, s.tags AS `tags:json`," \
	" s.is_popular AS isPopular, s.sort_order AS sortOrder, s.color," \
	" s.created_at AS createdAt, s.updated_at AS updatedAt" \
	" FROM services s"
#define SERVICE_NCOLS 25

/* The writable columns in enum service_col order. */
#define SERVICE_WRITABLE \
	"name_ar, name_en, description_ar, description_en, category, sub_category," \
	" duration_minutes, base_price, is_active, working_hours_start, working_hours_end," \
	" working_days, emergency_available, requires_approval, admin_approval_only, images," \
	" icon, tags, is_popular, sort_order, color"

/* Lists. The leading filters pick the index that gives the ORDER BY (popular first, then
 * sortOrder, then id): ix_services_category_list with a category, else
 * ix_services_emergency_list for emergency services, else ix_services_popular_sort;
 * isPopular is the next column of each. A search reads ft_services_search (the folded
 * text of sql/migrations/0022_search_geocode.sql: each word of three characters or more
 * starts a word of the service) and sorts what it finds; docs/search.md. */
#define W_CATEGORY "s.category = ? AND "
#define W_EMERGENCY "s.is_emergency = 1 AND "
#define W_ACTIVE "s.is_active = 1"
#define W_POPULAR " AND s.is_popular = ?"
#define W_SEARCH " AND MATCH(s.search_key) AGAINST (? IN BOOLEAN MODE)"
#define NSEARCH 1

#define SEARCH_IDS(where) "SELECT s.id, MATCH(s.search_key) AGAINST (? IN BOOLEAN MODE) AS score," \
	" s.is_popular, s.sort_order FROM services s WHERE " where W_ACTIVE W_SEARCH \
	" ORDER BY score DESC, s.is_popular DESC, s.sort_order, s.id LIMIT ? OFFSET ?"
#define SEARCH_SQL(where) DB_LIST_LIMIT SERVICE_COLUMNS " JOIN (" SEARCH_IDS(where) ") n" \
	" ON n.id = s.id ORDER BY n.score DESC, n.is_popular DESC, n.sort_order, n.id"
#define LIST_SQL(where) DB_LIST_LIMIT SERVICE_COLUMNS " WHERE " where \
	" ORDER BY s.is_popular DESC, s.sort_order, s.id LIMIT ? OFFSET ?"
/* a capped count: at most SERVICES_WINDOW + 1 index entries are read */
#define COUNT_SQL(where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM services s" \
	" WHERE " where " LIMIT ?) t"
/* nparams: the filters' parameters */
#define VARIANT(bits, where, nparams) \
	[STMT_LIST + (bits)] = { LIST_SQL(where), (nparams) + 2, SERVICE_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (bits)] = { COUNT_SQL(where), (nparams) + 1, 1, DBS_LIST }

#define F_C  F_CATEGORY
#define F_E  F_EMERGENCY
#define F_P  F_POPULAR
#define F_S  F_SEARCH
#define W_C  W_CATEGORY
#define W_E  W_EMERGENCY
#define W_A  W_ACTIVE
#define W_P  W_POPULAR
#define W_S  W_SEARCH

static const struct db_stmt stmts[STMT__MAX] = {
	VARIANT(0, W_A, 0),
	VARIANT(F_C, W_C W_A, 1),
	VARIANT(F_E, W_E W_A, 0),
	VARIANT(F_C | F_E, W_C W_E W_A, 1),
	VARIANT(F_P, W_A W_P, 1),
	VARIANT(F_C | F_P, W_C W_A W_P, 2),
	VARIANT(F_E | F_P, W_E W_A W_P, 1),
	VARIANT(F_C | F_E | F_P, W_C W_E W_A W_P, 2),
	VARIANT(F_S, W_A W_S, NSEARCH),
	VARIANT(F_C | F_S, W_C W_A W_S, 1 + NSEARCH),
	VARIANT(F_E | F_S, W_E W_A W_S, NSEARCH),
	VARIANT(F_C | F_E | F_S, W_C W_E W_A W_S, 1 + NSEARCH),
	VARIANT(F_P | F_S, W_A W_P W_S, 1 + NSEARCH),
	VARIANT(F_C | F_P | F_S, W_C W_A W_P W_S, 2 + NSEARCH),
	VARIANT(F_E | F_P | F_S, W_E W_A W_P W_S, 1 + NSEARCH),
	VARIANT(F_C | F_E | F_P | F_S, W_C W_E W_A W_P W_S, 2 + NSEARCH),

	[STMT_VIEW] = { SERVICE_COLUMNS " WHERE s.id = ? AND s.deleted_at IS NULL"
	    " AND s.is_active = 1", 1, SERVICE_NCOLS, 0 },
	/* staff see a switched-off service too */
	[STMT_VIEW_STAFF] = { SERVICE_COLUMNS " WHERE s.id = ? AND s.deleted_at IS NULL", 1,
	    SERVICE_NCOLS, 0 },
	/* a fixed table of a few dozen rows, answered whole and cached (core/cache.h) */
	[STMT_CATEGORIES] = { "SELECT c.`key`, c.kind, c.name_ar AS nameAr,"
	    " c.name_en AS nameEn, c.icon, c.sort_order AS sortOrder,"
	    " (SELECT COUNT(*) FROM services s WHERE s.category = c.`key` AND s.is_active = 1)"
	    " AS servicesCount FROM service_categories c ORDER BY c.kind, c.sort_order, c.`key`",
	    0, 7, 0 },
	[STMT_LOCK] = { "SELECT " SERVICE_WRITABLE " FROM services WHERE id = ?"
	    " AND deleted_at IS NULL FOR UPDATE", 1, SVC__MAX, 0 },
	[STMT_INSERT] = { "INSERT INTO services (" SERVICE_WRITABLE ") VALUES (?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", SVC__MAX, 0, 0 },
	[STMT_UPDATE] = { "UPDATE services SET name_ar = ?, name_en = ?, description_ar = ?,"
	    " description_en = ?, category = ?, sub_category = ?, duration_minutes = ?,"
	    " base_price = ?, is_active = ?, working_hours_start = ?, working_hours_end = ?,"
	    " working_days = ?, emergency_available = ?, requires_approval = ?,"
	    " admin_approval_only = ?, images = ?, icon = ?, tags = ?, is_popular = ?,"
	    " sort_order = ?, color = ? WHERE id = ? AND deleted_at IS NULL", SVC__MAX + 1, 0, 0 },
	/* is_active goes with deleted_at: the lists rely on it (services.h) */
	[STMT_DELETE] = { "UPDATE services SET deleted_at = CURRENT_TIMESTAMP(3), is_active = 0"
	    " WHERE id = ? AND deleted_at IS NULL", 1, 0, 0 },
	/* the most relevant first, then popular, then sortOrder: the matches are sorted
	 * narrow (ids and keys, in memory), then the page's rows are read. Sorting the wide
	 * rows made MariaDB 10.11 put them in an on-disk temporary table, and a statement
	 * stopped by its time limit then crashed the server while dropping it. */
	[STMT_SEARCH] = { SEARCH_SQL(""), 4, SERVICE_NCOLS, DBS_LIST },
	[STMT_SEARCH_CATEGORY] = { SEARCH_SQL(W_CATEGORY), 5, SERVICE_NCOLS, DBS_LIST },
	/* the live services of one popularity in the catalog's order, on
	 * ix_services_popular_sort, each row locked (the catalog is a few dozen rows) */
	[STMT_ORDER_LOCK] = { "SELECT id, sort_order FROM services"
	    " FORCE INDEX (ix_services_popular_sort) WHERE is_active = 1 AND is_popular = ?"
	    " ORDER BY sort_order, id LIMIT ? FOR UPDATE", 2, 2, 0 },
	[STMT_SET_SORT] = { "UPDATE services SET sort_order = ? WHERE id = ?"
	    " AND deleted_at IS NULL", 2, 0, 0 },
};

/* Sample arguments for each variant's EXPLAIN (warsha-fcgi --explain-lists), in the
 * order of filter_args(): category, popular, the search text five times; then LIMIT and
 * OFFSET of a list or the cap of a count. */
#define SMP_C DB_SAMPLE_STR("emergency"),
#define SMP_E
#define SMP_P DB_SAMPLE_INT(1),
#define SMP_S DB_SAMPLE_STR("+oil*"),
#define SAMPLES(name, filters) \
	static const struct db_arg s_list_##name[] = { filters DB_SAMPLE_INT(20), DB_SAMPLE_INT(40) }; \
	static const struct db_arg s_count_##name[] = { filters DB_SAMPLE_INT(SERVICES_WINDOW + 1) };

SAMPLES(0, )
SAMPLES(c, SMP_C)
SAMPLES(e, SMP_E)
SAMPLES(ce, SMP_C SMP_E)
SAMPLES(p, SMP_P)
SAMPLES(cp, SMP_C SMP_P)
SAMPLES(ep, SMP_E SMP_P)
SAMPLES(cep, SMP_C SMP_E SMP_P)
SAMPLES(s, SMP_S)
SAMPLES(cs, SMP_C SMP_S)
SAMPLES(es, SMP_E SMP_S)
SAMPLES(ces, SMP_C SMP_E SMP_S)
SAMPLES(ps, SMP_P SMP_S)
SAMPLES(cps, SMP_C SMP_P SMP_S)
SAMPLES(eps, SMP_E SMP_P SMP_S)
SAMPLES(ceps, SMP_C SMP_E SMP_P SMP_S)
static const struct db_arg s_search[] = { SMP_S SMP_S DB_SAMPLE_INT(20), DB_SAMPLE_INT(40) };
static const struct db_arg s_search_c[] = { SMP_S SMP_C SMP_S DB_SAMPLE_INT(20),
	DB_SAMPLE_INT(40) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_LIST + (0)] = DB_SAMPLE(s_list_0),
	[STMT_COUNT + (0)] = DB_SAMPLE(s_count_0),
	[STMT_LIST + (F_C)] = DB_SAMPLE(s_list_c),
	[STMT_COUNT + (F_C)] = DB_SAMPLE(s_count_c),
	[STMT_LIST + (F_E)] = DB_SAMPLE(s_list_e),
	[STMT_COUNT + (F_E)] = DB_SAMPLE(s_count_e),
	[STMT_LIST + (F_C | F_E)] = DB_SAMPLE(s_list_ce),
	[STMT_COUNT + (F_C | F_E)] = DB_SAMPLE(s_count_ce),
	[STMT_LIST + (F_P)] = DB_SAMPLE(s_list_p),
	[STMT_COUNT + (F_P)] = DB_SAMPLE(s_count_p),
	[STMT_LIST + (F_C | F_P)] = DB_SAMPLE(s_list_cp),
	[STMT_COUNT + (F_C | F_P)] = DB_SAMPLE(s_count_cp),
	[STMT_LIST + (F_E | F_P)] = DB_SAMPLE(s_list_ep),
	[STMT_COUNT + (F_E | F_P)] = DB_SAMPLE(s_count_ep),
	[STMT_LIST + (F_C | F_E | F_P)] = DB_SAMPLE(s_list_cep),
	[STMT_COUNT + (F_C | F_E | F_P)] = DB_SAMPLE(s_count_cep),
	[STMT_LIST + (F_S)] = DB_SAMPLE(s_list_s),
	[STMT_COUNT + (F_S)] = DB_SAMPLE(s_count_s),
	[STMT_LIST + (F_C | F_S)] = DB_SAMPLE(s_list_cs),
	[STMT_COUNT + (F_C | F_S)] = DB_SAMPLE(s_count_cs),
	[STMT_LIST + (F_E | F_S)] = DB_SAMPLE(s_list_es),
	[STMT_COUNT + (F_E | F_S)] = DB_SAMPLE(s_count_es),
	[STMT_LIST + (F_C | F_E | F_S)] = DB_SAMPLE(s_list_ces),
	[STMT_COUNT + (F_C | F_E | F_S)] = DB_SAMPLE(s_count_ces),
	[STMT_LIST + (F_P | F_S)] = DB_SAMPLE(s_list_ps),
	[STMT_COUNT + (F_P | F_S)] = DB_SAMPLE(s_count_ps),
	[STMT_LIST + (F_C | F_P | F_S)] = DB_SAMPLE(s_list_cps),
	[STMT_COUNT + (F_C | F_P | F_S)] = DB_SAMPLE(s_count_cps),
	[STMT_LIST + (F_E | F_P | F_S)] = DB_SAMPLE(s_list_eps),
	[STMT_COUNT + (F_E | F_P | F_S)] = DB_SAMPLE(s_count_eps),
	[STMT_LIST + (F_C | F_E | F_P | F_S)] = DB_SAMPLE(s_list_ceps),
	[STMT_COUNT + (F_C | F_E | F_P | F_S)] = DB_SAMPLE(s_count_ceps),
	[STMT_SEARCH] = DB_SAMPLE(s_search),
	[STMT_SEARCH_CATEGORY] = DB_SAMPLE(s_search_c),
};

struct db_family store_services = DB_FAMILY_SAMPLES("services", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_services, s, DB_ARGS(__VA_ARGS__), res)

/* The statement variant of f and its filter parameters, in the order of its text;
 * returns how many. */
static size_t
filter_args(struct arena *a, const struct service_filter *f, unsigned *bits,
    struct db_arg args[])
{
	size_t n = 0, i;

	*bits = 0;
	if (f->category != NULL) {
		*bits |= F_CATEGORY;
		args[n++] = DB_STR(f->category);
	}
	if (f->emergency)
		*bits |= F_EMERGENCY;
	if (f->popular >= 0) {
		*bits |= F_POPULAR;
		args[n++] = DB_INT(f->popular != 0);
	}
	if (f->search != NULL) {
		/* the words as FULLTEXT operands (no operator of the text is kept); none
		 * long enough: the empty query, which matches nothing */
		const char *ft = user_lists_ft_query(a, user_lists_fold(a, f->search));

		*bits |= F_SEARCH;
		for (i = 0; i < NSEARCH; i++)
			args[n++] = DB_STR(ft != NULL ? ft : "");
	}
	return n;
}

enum db_rc
db_services_count(struct db *db, struct arena *a, const struct service_filter *f,
    long long *total, int *capped)
{
	struct db_arg args[2 + NSEARCH + 1];
	struct db_result res;
	unsigned bits;
	size_t n = filter_args(a, f, &bits, args);
	enum db_rc rc;
	long long c;

	args[n++] = DB_INT(SERVICES_WINDOW + 1);
	if ((rc = db_exec(db, a, &store_services, STMT_COUNT + bits, args, n, &res)) != DB_OK)
		return rc;
	c = db_get_ll(&res, 0, 0, 0);
	*capped = c > SERVICES_WINDOW;
	*total = *capped ? SERVICES_WINDOW : c;
	return DB_OK;
}

enum db_rc
db_services_list(struct db *db, struct arena *a, const struct service_filter *f,
    long long limit, long long offset, json_object **items)
{
	struct db_arg args[2 + NSEARCH + 2];
	struct db_result res;
	unsigned bits;
	size_t n = filter_args(a, f, &bits, args);
	enum db_rc rc;

	*items = NULL;
	args[n++] = DB_INT(limit);
	args[n++] = DB_INT(offset);
	if ((rc = db_exec(db, a, &store_services, STMT_LIST + bits, args, n, &res)) != DB_OK)
		return rc;
	*items = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_services_view(struct db *db, struct arena *a, long long id, int include_inactive,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, include_inactive ? STMT_VIEW_STAFF : STMT_VIEW, &res,
	    DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_services_categories(struct db *db, struct arena *a, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_services, STMT_CATEGORIES, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_services_lock(struct db *db, struct arena *a, long long id, struct service_values *out)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	if ((rc = RUN(db, a, STMT_LOCK, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	/* the statement selects SERVICE_WRITABLE, in enum service_col order */
	for (i = 0; i < SVC__MAX; i++)
		out->v[i] = db_get(&res, 0, i);
	return DB_OK;
}

/* The values as bound parameters, in enum service_col order, and id after them. */
static size_t
value_args(const struct service_values *v, long long id, struct db_arg args[SVC__MAX + 1])
{
	size_t i;

	for (i = 0; i < SVC__MAX; i++)
		args[i] = DB_STR(v->v[i]);
	args[i] = DB_INT(id);
	return id > 0 ? SVC__MAX + 1 : SVC__MAX;
}

enum db_rc
db_services_insert(struct db *db, struct arena *a, const struct service_values *v,
    long long *id)
{
	struct db_arg args[SVC__MAX + 1];
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_services, STMT_INSERT, args, value_args(v, 0, args),
	    &res)) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_services_update(struct db *db, struct arena *a, long long id, const struct service_values *v)
{
	struct db_arg args[SVC__MAX + 1];

	return db_exec(db, a, &store_services, STMT_UPDATE, args, value_args(v, id, args), NULL);
}

enum db_rc
db_services_delete(struct db *db, struct arena *a, long long id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_DELETE, &res, DB_INT(id))) != DB_OK)
		return rc;
	return res.affected == 0 ? DB_NOTFOUND : DB_OK;
}

enum db_rc
db_services_search(struct db *db, struct arena *a, const struct service_filter *f,
    long long limit, long long offset, json_object **items)
{
	struct db_arg args[1 + 2 + 2];
	struct db_result res;
	unsigned bits;
	size_t n = filter_args(a, f, &bits, args);
	enum db_rc rc;

	*items = NULL;
	if (bits != F_SEARCH && bits != (F_SEARCH | F_CATEGORY))
		return DB_ERR;
	/* the query first too, for the relevance it selects */
	memmove(args + 1, args, n * sizeof(args[0]));
	args[0] = args[n];
	n++;
	args[n++] = DB_INT(limit);
	args[n++] = DB_INT(offset);
	if ((rc = db_exec(db, a, &store_services, (bits & F_CATEGORY) ? STMT_SEARCH_CATEGORY :
	    STMT_SEARCH, args, n, &res)) != DB_OK)
		return rc;
	*items = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_services_order_lock(struct db *db, struct arena *a, int popular, long long **ids,
    long long **sorts, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*n = 0;
	if ((rc = RUN(db, a, STMT_ORDER_LOCK, &res, DB_INT(popular != 0),
	    DB_INT(SERVICES_ORDER_MAX + 1))) != DB_OK)
		return rc;
	*ids = arena_alloc(a, sizeof(**ids) * (res.nrows + 1));
	*sorts = arena_alloc(a, sizeof(**sorts) * (res.nrows + 1));
	for (i = 0; i < res.nrows; i++) {
		(*ids)[i] = db_get_ll(&res, i, 0, 0);
		(*sorts)[i] = db_get_ll(&res, i, 1, 0);
	}
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_services_set_sort(struct db *db, struct arena *a, long long id, long long sort)
{
	struct db_result res;

	return RUN(db, a, STMT_SET_SORT, &res, DB_INT(sort), DB_INT(id));
}
