#include "services.h"
#include "uploads.h"

#include <limits.h>
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
	/* the catalog's words (service_words, sql/migrations/0028_service_words.sql): the
	 * live words a prefix starts with their counts (service_word_counts, 0035), a page
	 * of one word, a page merged from up to SW_WORDS_MAX words, a page of a small
	 * prefix range sorted, a capped count; each for 0 to SW_WORDS_MAX - 1 other words of
	 * the search, without and with a category (SW_V() added) */
	STMT_W_WORDS,
	STMT_W_ONE,
	STMT_W_MERGED = STMT_W_ONE + 8,
	STMT_W_SORTED = STMT_W_MERGED + 8,
	STMT_W_COUNT = STMT_W_SORTED + 8,
	STMT__MAX = STMT_W_COUNT + 8
};
#define SW_CAT 1
/* the variant of k other words, with a category or not */
#define SW_V(k, cat) ((k) * 2 + (cat))

/* The uploads media.images shows, in its order (sql/migrations/0036_upload_refs.sql) */
#define SERVICE_IMAGE_IDS UPLOAD_REF_IDS("'service'", "s.id")
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
	" s.images AS `media.images:json`, " SERVICE_IMAGE_IDS " AS `media.imageIds:json`," \
	" s.icon AS `media.icon`, s.tags AS `tags:json`," \
	" s.is_popular AS isPopular, s.sort_order AS sortOrder, s.color," \
	" s.created_at AS createdAt, s.updated_at AS updatedAt" \
	" FROM services s"
#define SERVICE_NCOLS 26

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

/* Searches through the catalog's words (docs/search.md, "The catalog's words"). A word's
 * live services are read in the search's order (hits DESC, is_popular DESC, sort_order,
 * service_id) from ix_service_words_search, or ix_service_words_category with a
 * category; each other word of the search must start a word of the same service (the
 * primary key (service_id, word)), one check per other word: a statement for each count
 * of them, so no row runs a check that tests nothing. A scalar subquery, not EXISTS, as
 * fcgi/store/user_lists.c: as a semi-join the optimizer may materialize it. */
#define SW_WORDS_MAX 4
#define SW_SPAN_SORTED 2000
/* the words of a prefix read for its span: more is "many" */
#define SW_SPAN_WORDS 50
#define SW_IX_ALL " FORCE INDEX (ix_service_words_search)"
#define SW_IX_CAT " FORCE INDEX (ix_service_words_category)"
#define SW_W_ALL ""
#define SW_W_CAT " AND w.category = ?"
#define SW_ALSO " AND (SELECT 1 FROM service_words o FORCE INDEX (PRIMARY)" \
	" WHERE o.service_id = w.service_id AND o.word LIKE ? LIMIT 1) IS NOT NULL"
#define SW_ALSO_0 ""
#define SW_ALSO_1 SW_ALSO
#define SW_ALSO_2 SW_ALSO SW_ALSO
#define SW_ALSO_3 SW_ALSO SW_ALSO SW_ALSO
/* the list's filters (GET /api/services?search=): isPopular (-1 either) from the index,
 * emergency from the service's row; each a constant when not asked for */
#define SW_FILTERS " AND (? < 0 OR w.is_popular = ?) AND (? = 0 OR (SELECT e.is_emergency" \
	" FROM services e FORCE INDEX (PRIMARY) WHERE e.id = w.service_id) = 1)"
#define SW_WHERE(ix, word, cat, also) " FROM service_words w" ix " WHERE w.word " word cat \
	" AND w.live = 1" SW_FILTERS also
#define SW_ORDER(t) " ORDER BY " t "hits DESC, " t "is_popular DESC, " t "sort_order, " \
	t "service_id"
#define SW_KEYS "SELECT w.service_id, w.hits, w.is_popular, w.sort_order"
/* one word's first rows in the search's order */
#define SW_BRANCH(ix, cat, also) "(" SW_KEYS SW_WHERE(ix, "= ?", cat, also) SW_ORDER("w.") \
	" LIMIT ?)"
/* the services of the keys n, in the search's order (the live flag checked again) */
#define SW_ROWS(keys) DB_LIST_LIMIT SERVICE_COLUMNS " JOIN (" keys ") n" \
	" ON s.id = n.service_id WHERE s.is_active = 1" SW_ORDER("n.")
/* one word: its index range, in order, from the page's first row */
#define SW_ONE(ix, cat, also) SW_ROWS(SW_KEYS SW_WHERE(ix, "= ?", cat, also) SW_ORDER("w.") \
	" LIMIT ? OFFSET ?")
/* up to four words a prefix spans, each read up to the page's end and merged: a service
 * two of whose words start with the prefix comes once, with the more frequent one's
 * hits (so each branch's first offset + limit rows hold every row of the merged page) */
#define SW_MERGED(ix, cat, also) SW_ROWS("SELECT service_id, MAX(hits) AS hits, is_popular," \
	" sort_order FROM (" SW_BRANCH(ix, cat, also) " UNION ALL " SW_BRANCH(ix, cat, also) \
	" UNION ALL " SW_BRANCH(ix, cat, also) " UNION ALL " SW_BRANCH(ix, cat, also) ") m" \
	" GROUP BY service_id, is_popular, sort_order" SW_ORDER("") " LIMIT ? OFFSET ?")
/* a prefix spanning more words but at most SW_SPAN_SORTED rows, read whole and sorted */
#define SW_SORTED(ix, cat, also) SW_ROWS("SELECT w.service_id, MAX(w.hits) AS hits," \
	" w.is_popular, w.sort_order" SW_WHERE(ix, "LIKE ?", cat, also) \
	" GROUP BY w.service_id, w.is_popular, w.sort_order" SW_ORDER("") " LIMIT ? OFFSET ?")
#define SW_COUNT(ix, cat, also) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT DISTINCT" \
	" w.service_id" SW_WHERE(ix, "LIKE ?", cat, also) " LIMIT ?) t"
/* the statements of k other words: parameters the word or prefix, the category (c: 0 or
 * 1), the 3 of SW_FILTERS, the k other words, then a page's limit and offset (each merged
 * branch its limit) or a count's cap */
#define SW_K_C(k, c, ix, cat, also) \
	[STMT_W_ONE + SW_V(k, c)] = { SW_ONE(ix, cat, also), 1 + (c) + 3 + (k) + 2, \
	    SERVICE_NCOLS, DBS_LIST }, \
	[STMT_W_MERGED + SW_V(k, c)] = { SW_MERGED(ix, cat, also), \
	    4 * (1 + (c) + 3 + (k) + 1) + 2, SERVICE_NCOLS, DBS_LIST }, \
	[STMT_W_SORTED + SW_V(k, c)] = { SW_SORTED(ix, cat, also), 1 + (c) + 3 + (k) + 2, \
	    SERVICE_NCOLS, DBS_LIST }, \
	[STMT_W_COUNT + SW_V(k, c)] = { SW_COUNT(ix, cat, also), 1 + (c) + 3 + (k) + 1, 1, \
	    DBS_LIST }
#define SW_K(k, also) SW_K_C(k, 0, SW_IX_ALL, SW_W_ALL, also), \
	SW_K_C(k, SW_CAT, SW_IX_CAT, SW_W_CAT, also)

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

	/* one short range of the counts' primary key */
	[STMT_W_WORDS] = { DB_LIST_LIMIT "SELECT word, live FROM service_word_counts"
	    " FORCE INDEX (PRIMARY) WHERE word LIKE ? AND live > 0 ORDER BY word LIMIT ?", 2, 2,
	    DBS_LIST },
	SW_K(0, SW_ALSO_0),
	SW_K(1, SW_ALSO_1),
	SW_K(2, SW_ALSO_2),
	SW_K(3, SW_ALSO_3),
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

/* the catalog's words: the widest cases of tests/load/gen_services.sh (a word in one
 * service in eight), a page at the end of the window; each other word "%" (every
 * service passes it) */
#define SMP_ALSO_0
#define SMP_ALSO_1 DB_SAMPLE_STR("%"),
#define SMP_ALSO_2 SMP_ALSO_1 SMP_ALSO_1
#define SMP_ALSO_3 SMP_ALSO_2 SMP_ALSO_1
#define SMP_CAT_0 SMP_FILTERS
#define SMP_CAT_1 DB_SAMPLE_STR("plumbing"), SMP_FILTERS
/* neither isPopular nor emergency: the plain search */
#define SMP_FILTERS DB_SAMPLE_INT(-1), DB_SAMPLE_INT(-1), DB_SAMPLE_INT(0),
#define SMP_WPAGE DB_SAMPLE_INT(21), DB_SAMPLE_INT(9979)
#define SMP_BRANCH(word, c, k) DB_SAMPLE_STR(word), SMP_CAT_##c SMP_ALSO_##k \
	DB_SAMPLE_INT(10000)
static const struct db_arg s_w_words[] = { DB_SAMPLE_STR("oil%"),
	DB_SAMPLE_INT(SW_SPAN_WORDS + 1) };
/* a prefix spanning at most SW_SPAN_SORTED rows for the sorted page: the sort is bounded */
#define SMP_W(k, c) \
	static const struct db_arg s_w_one_##k##c[] = { DB_SAMPLE_STR("oil"), SMP_CAT_##c \
		SMP_ALSO_##k SMP_WPAGE }; \
	static const struct db_arg s_w_merged_##k##c[] = { SMP_BRANCH("oil", c, k), \
		SMP_BRANCH("brakes", c, k), SMP_BRANCH("radiator", c, k), \
		SMP_BRANCH("battery", c, k), SMP_WPAGE }; \
	static const struct db_arg s_w_sorted_##k##c[] = { DB_SAMPLE_STR("25578%"), \
		SMP_CAT_##c SMP_ALSO_##k SMP_WPAGE }; \
	static const struct db_arg s_w_count_##k##c[] = { DB_SAMPLE_STR("oil%"), SMP_CAT_##c \
		SMP_ALSO_##k DB_SAMPLE_INT(SERVICES_WINDOW + 1) };
SMP_W(0, 0)
SMP_W(0, 1)
SMP_W(1, 0)
SMP_W(1, 1)
SMP_W(2, 0)
SMP_W(2, 1)
SMP_W(3, 0)
SMP_W(3, 1)
#define SMP_W_SAMPLES(k, c) \
	[STMT_W_ONE + SW_V(k, c)] = DB_SAMPLE(s_w_one_##k##c), \
	[STMT_W_MERGED + SW_V(k, c)] = DB_SAMPLE(s_w_merged_##k##c), \
	[STMT_W_SORTED + SW_V(k, c)] = DB_SAMPLE(s_w_sorted_##k##c), \
	[STMT_W_COUNT + SW_V(k, c)] = DB_SAMPLE(s_w_count_##k##c)

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
	[STMT_W_WORDS] = DB_SAMPLE(s_w_words),
	SMP_W_SAMPLES(0, 0), SMP_W_SAMPLES(0, 1), SMP_W_SAMPLES(1, 0), SMP_W_SAMPLES(1, 1),
	SMP_W_SAMPLES(2, 0), SMP_W_SAMPLES(2, 1), SMP_W_SAMPLES(3, 0), SMP_W_SAMPLES(3, 1),
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

/* What a word of a search spans: the first SW_WORDS_MAX + 1 live words its prefix starts
 * (in word order) and how many live rows they hold (the sum of the words' counts: a
 * service holding two of them is counted twice, so it bounds the rows from above), or
 * LLONG_MAX beyond SW_SPAN_WORDS words. */
struct sw_span {
	const char *word[SW_WORDS_MAX + 1];
	size_t      nd;
	long long   rows;
};

static enum db_rc
words_span(struct db *db, struct arena *a, const char *prefix, struct sw_span *sp,
    struct db_result *res)
{
	struct db_arg two[2];
	size_t i;
	enum db_rc rc;

	two[0] = DB_STR(prefix);
	two[1] = DB_INT(SW_SPAN_WORDS + 1);
	if ((rc = db_exec(db, a, &store_services, STMT_W_WORDS, two, 2, res)) != DB_OK)
		return rc;
	sp->nd = 0;
	sp->rows = res->nrows > SW_SPAN_WORDS ? LLONG_MAX : 0;
	for (i = 0; i < res->nrows; i++) {
		if (sp->nd <= SW_WORDS_MAX)
			sp->word[sp->nd++] = arena_strdup(a, db_get(res, i, 0));
		if (sp->rows != LLONG_MAX)
			sp->rows += db_get_ll(res, i, 1, 0);
	}
	return DB_OK;
}

/* The driving word of a search, the one whose prefix spans the fewest live rows (the
 * first of equals): *drive its index, *sp its span. */
static enum db_rc
words_driver(struct db *db, struct arena *a, const char *const *prefix, size_t nw,
    size_t *drive, struct sw_span *sp, struct db_result *res)
{
	struct sw_span each;
	size_t i;
	enum db_rc rc;

	*drive = 0;
	for (i = 0; i < nw; i++) {
		if ((rc = words_span(db, a, prefix[i], &each, res)) != DB_OK)
			return rc;
		if (i == 0 || each.rows < sp->rows) {
			*sp = each;
			*drive = i;
		}
	}
	return DB_OK;
}

/* The list's filters (SW_FILTERS) of f. */
static size_t
words_filters(const struct service_filter *f, struct db_arg *args)
{
	args[0] = DB_INT(f->popular);
	args[1] = DB_INT(f->popular);
	args[2] = DB_INT(f->emergency != 0);
	return 3;
}

/* The search's other words (each the prefix of a word of the same service) after the
 * driving one. */
static size_t
words_also(const char *const *prefix, size_t nw, size_t drive, struct db_arg *args)
{
	size_t i, n = 0;

	for (i = 0; i < nw; i++)
		if (i != drive)
			args[n++] = DB_STR(prefix[i]);
	return n;
}

/* A search through the catalog's words (docs/search.md, "The catalog's words").
 *
 * The word whose prefix spans the fewest live rows drives; the live words each prefix
 * starts and their counts come from one short range of service_word_counts. One
 * word: the page straight from its index range, in the search's order (hits, then
 * popular, sortOrder, id: for one word InnoDB's relevance orders by hits too). Two to
 * SW_WORDS_MAX: each read in that order up to the page's end and merged. More: read
 * whole and sorted when the prefix spans at most SW_SPAN_SORTED rows, else DB_NOTFOUND
 * (FULLTEXT serves it, as a search of more than SW_WORDS_MAX words). Each other word of
 * the search must start a word of the same service, checked on the driver's rows in
 * their order. */
static enum db_rc
words_search(struct db *db, struct arena *a, const char *const *words, size_t nw,
    const struct service_filter *f, long long limit, long long offset, struct db_result *res)
{
	const char *prefix[SW_WORDS_MAX], *category = f->category;
	struct db_arg args[SW_WORDS_MAX * 9 + 2];
	struct sw_span sp;
	size_t n = 0, i, drive;
	int v = SW_V((int)nw - 1, category != NULL ? SW_CAT : 0), stmt;
	enum db_rc rc;

	for (i = 0; i < nw; i++)
		prefix[i] = db_like_contains(a, words[i]) + 1;   /* "x%" */
	if ((rc = words_driver(db, a, prefix, nw, &drive, &sp, res)) != DB_OK)
		return rc;
	if (sp.nd == 0) {
		res->nrows = 0;
		return DB_OK;
	}
	if (sp.nd == 1 || sp.nd > SW_WORDS_MAX) {
		if (sp.nd > SW_WORDS_MAX) {
			if (sp.rows > SW_SPAN_SORTED)
				return DB_NOTFOUND;
			args[n++] = DB_STR(prefix[drive]);
			stmt = STMT_W_SORTED;
		} else {
			args[n++] = DB_STR(sp.word[0]);
			stmt = STMT_W_ONE;
		}
		if (category != NULL)
			args[n++] = DB_STR(category);
		n += words_filters(f, args + n);
		n += words_also(prefix, nw, drive, args + n);
	} else {
		for (i = 0; i < SW_WORDS_MAX; i++) {
			/* '' for an unused branch: no word is empty */
			args[n++] = DB_STR(i < sp.nd ? sp.word[i] : "");
			if (category != NULL)
				args[n++] = DB_STR(category);
			n += words_filters(f, args + n);
			n += words_also(prefix, nw, drive, args + n);
			args[n++] = DB_INT(offset + limit);
		}
		stmt = STMT_W_MERGED;
	}
	args[n++] = DB_INT(limit);
	args[n++] = DB_INT(offset);
	return db_exec(db, a, &store_services, stmt + v, args, n, res);
}

enum db_rc
db_services_search(struct db *db, struct arena *a, const struct service_filter *f,
    long long limit, long long offset, json_object **items)
{
	struct db_arg args[1 + 2 + 2];
	struct db_result res;
	const char *words[SW_WORDS_MAX];
	unsigned bits;
	size_t n;
	int nw;
	enum db_rc rc;

	*items = NULL;
	if (f->search == NULL)
		return DB_ERR;
	/* no word of three characters or more: nothing, as FULLTEXT finds nothing */
	nw = user_lists_words(a, user_lists_fold(a, f->search), words, SW_WORDS_MAX);
	if (nw == 0) {
		*items = json_object_new_array();
		return DB_OK;
	}
	if (nw > 0 && (rc = words_search(db, a, words, (size_t)nw, f, limit, offset,
	    &res)) != DB_NOTFOUND) {
		if (rc != DB_OK)
			return rc;
		*items = res.nrows > 0 ? db_rows_json(&res) : json_object_new_array();
		return DB_OK;
	}
	/* more words than the words table merges, or a short prefix of many common words:
	 * FULLTEXT, the most relevant first; with the list's filters, in the catalog's order
	 * (the list's own statement) */
	if (f->emergency || f->popular >= 0)
		return db_services_list(db, a, f, limit, offset, items);
	n = filter_args(a, f, &bits, args);
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

/* How many live services a search finds past its last page, counted up to
 * SERVICES_WINDOW + 1 through the catalog's words (the driving word as above, each other
 * word checked); FULLTEXT where the page came from it. */
enum db_rc
db_services_search_count(struct db *db, struct arena *a, const struct service_filter *f,
    long long *total, int *capped)
{
	const char *words[SW_WORDS_MAX], *prefix[SW_WORDS_MAX];
	struct db_arg args[11];
	struct db_result res;
	struct sw_span sp;
	long long c;
	size_t i, n = 0, drive;
	int nw;
	enum db_rc rc;

	nw = user_lists_words(a, user_lists_fold(a, f->search), words, SW_WORDS_MAX);
	if (nw <= 0)
		return nw == 0 ? (*total = 0, *capped = 0, DB_OK) :
		    db_services_count(db, a, f, total, capped);
	for (i = 0; i < (size_t)nw; i++)
		prefix[i] = db_like_contains(a, words[i]) + 1;
	if ((rc = words_driver(db, a, prefix, (size_t)nw, &drive, &sp, &res)) != DB_OK)
		return rc;
	args[n++] = DB_STR(prefix[drive]);
	if (f->category != NULL)
		args[n++] = DB_STR(f->category);
	n += words_filters(f, args + n);
	n += words_also(prefix, (size_t)nw, drive, args + n);
	args[n++] = DB_INT(SERVICES_WINDOW + 1);
	if ((rc = db_exec(db, a, &store_services, STMT_W_COUNT + SW_V(nw - 1, f->category !=
	    NULL ? SW_CAT : 0), args, n, &res)) != DB_OK)
		return rc;
	c = db_get_ll(&res, 0, 0, 0);
	*capped = c > SERVICES_WINDOW;
	*total = *capped ? SERVICES_WINDOW : c;
	return DB_OK;
}
