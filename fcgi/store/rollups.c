#include "rollups.h"

#include <stdlib.h>
#include <string.h>

/* Each table's three statements, in this order: its window's last key, the zero rows of
 * a window, the zero rows after the last window (fewer than ROLLUP_WINDOW keys left). */
enum stmt {
	STMT_DAILY_STATS,
	STMT_DAILY_STATS_PURGE,
	STMT_DAILY_STATS_TAIL,
	STMT_DAILY_SERVICES,
	STMT_DAILY_SERVICES_PURGE,
	STMT_DAILY_SERVICES_TAIL,
	STMT_TECH_STATS,
	STMT_TECH_STATS_PURGE,
	STMT_TECH_STATS_TAIL,
	STMT_LIST_DAYS,
	STMT_LIST_DAYS_PURGE,
	STMT_LIST_DAYS_TAIL,
	STMT_LIST_COUNTS,
	STMT_LIST_COUNTS_PURGE,
	STMT_LIST_COUNTS_TAIL,
	STMT__MAX
};

#define STR_(x) #x
#define STR(x) STR_(x)
#define WINDOW_OFFSET 999   /* ROLLUP_WINDOW - 1, written out for the SQL text */
_Static_assert(WINDOW_OFFSET == ROLLUP_WINDOW - 1, "WINDOW_OFFSET is ROLLUP_WINDOW - 1");

/* Keys after (k1, k2) and keys up to (k1, k2), in the expanded form the range optimizer
 * reads as ranges of the primary key (a row comparison (k1, k2) > (?, ?) is a scan of
 * the whole index in MariaDB 10.11). pre: the key columns fixed for the walk (a table
 * kept per filter), each "col = ? AND ". */
#define AFTER(k1, k2) "(" k1 " > ? OR (" k1 " = ? AND " k2 " > ?))"
#define UPTO(k1, k2) "(" k1 " < ? OR (" k1 " = ? AND " k2 " <= ?))"

/* The window's last key: the ROLLUP_WINDOW-th key after the previous window, from the
 * primary key alone; no row when fewer are left. */
#define WINDOW_END(tbl, pre, np, k1, k2) { DB_LIST_LIMIT "SELECT " k1 ", " k2 " FROM " tbl \
	" FORCE INDEX (PRIMARY) WHERE " pre AFTER(k1, k2) " ORDER BY " k1 ", " k2 \
	" LIMIT 1 OFFSET " STR(WINDOW_OFFSET), (np) + 3, 2, DBS_LIST }
/* The zero rows of a window, a range of the primary key; of the rest of the table */
#define PURGE(tbl, pre, np, k1, k2, zero) { DB_LIST_LIMIT "DELETE FROM " tbl " WHERE " pre \
	AFTER(k1, k2) " AND " UPTO(k1, k2) " AND " zero, (np) + 6, 0, DBS_LIST }
#define PURGE_TAIL(tbl, pre, np, k1, k2, zero) { DB_LIST_LIMIT "DELETE FROM " tbl " WHERE " \
	pre AFTER(k1, k2) " AND " zero, (np) + 3, 0, DBS_LIST }
#define WALK(s, tbl, pre, np, k1, k2, zero) \
	[s] = WINDOW_END(tbl, pre, np, k1, k2), \
	[s + 1] = PURGE(tbl, pre, np, k1, k2, zero), \
	[s + 2] = PURGE_TAIL(tbl, pre, np, k1, k2, zero)

/* A row is deleted only when every count is zero: a row whose bookings are zero and
 * whose other counts are not has drifted, and is left to be seen. */
#define ZERO_DAILY_STATS "bookings = 0 AND emergency = 0 AND amount = 0"
#define ZERO_DAILY_SERVICES "bookings = 0 AND completed = 0 AND cancelled = 0" \
	" AND emergency = 0 AND revenue = 0"
#define ZERO_TECH_STATS "bookings = 0 AND amount = 0"

static const struct db_stmt stmts[STMT__MAX] = {
	WALK(STMT_DAILY_STATS, "booking_daily_stats", "", 0, "day", "status",
	    ZERO_DAILY_STATS),
	WALK(STMT_DAILY_SERVICES, "booking_daily_services", "", 0, "day", "service_id",
	    ZERO_DAILY_SERVICES),
	WALK(STMT_TECH_STATS, "technician_booking_stats", "", 0, "technician_id", "status",
	    ZERO_TECH_STATS),
	WALK(STMT_LIST_DAYS, "booking_list_days", "filter = ? AND ", 1, "value", "day", "n = 0"),
	WALK(STMT_LIST_COUNTS, "booking_list_counts", "scope = ? AND filter = ? AND ", 2,
	    "owner_id", "value", "n = 0"),
};

/* --explain-lists: a window in the middle of each table */
static const struct db_arg s_day_word[] = { DB_SAMPLE_STR("2026-01-01"),
	DB_SAMPLE_STR("2026-01-01"), DB_SAMPLE_STR("completed") };
static const struct db_arg s_day_word2[] = { DB_SAMPLE_STR("2026-01-01"),
	DB_SAMPLE_STR("2026-01-01"), DB_SAMPLE_STR("completed"), DB_SAMPLE_STR("2026-02-01"),
	DB_SAMPLE_STR("2026-02-01"), DB_SAMPLE_STR("pending") };
static const struct db_arg s_day_id[] = { DB_SAMPLE_STR("2026-01-01"),
	DB_SAMPLE_STR("2026-01-01"), DB_SAMPLE_INT(5) };
static const struct db_arg s_day_id2[] = { DB_SAMPLE_STR("2026-01-01"),
	DB_SAMPLE_STR("2026-01-01"), DB_SAMPLE_INT(5), DB_SAMPLE_STR("2026-01-03"),
	DB_SAMPLE_STR("2026-01-03"), DB_SAMPLE_INT(40) };
static const struct db_arg s_id_word[] = { DB_SAMPLE_INT(500), DB_SAMPLE_INT(500),
	DB_SAMPLE_STR("completed") };
static const struct db_arg s_id_word2[] = { DB_SAMPLE_INT(500), DB_SAMPLE_INT(500),
	DB_SAMPLE_STR("completed"), DB_SAMPLE_INT(700), DB_SAMPLE_INT(700),
	DB_SAMPLE_STR("pending") };
static const struct db_arg s_days[] = { DB_SAMPLE_STR("service"), DB_SAMPLE_STR("17"),
	DB_SAMPLE_STR("17"), DB_SAMPLE_STR("2026-01-01") };
static const struct db_arg s_days2[] = { DB_SAMPLE_STR("service"), DB_SAMPLE_STR("17"),
	DB_SAMPLE_STR("17"), DB_SAMPLE_STR("2026-01-01"), DB_SAMPLE_STR("19"),
	DB_SAMPLE_STR("19"), DB_SAMPLE_STR("2026-01-01") };
static const struct db_arg s_counts[] = { DB_SAMPLE_STR("customer"), DB_SAMPLE_STR("status"),
	DB_SAMPLE_INT(500), DB_SAMPLE_INT(500), DB_SAMPLE_STR("pending") };
static const struct db_arg s_counts2[] = { DB_SAMPLE_STR("customer"),
	DB_SAMPLE_STR("status"), DB_SAMPLE_INT(500), DB_SAMPLE_INT(500),
	DB_SAMPLE_STR("pending"), DB_SAMPLE_INT(700), DB_SAMPLE_INT(700),
	DB_SAMPLE_STR("pending") };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_DAILY_STATS] = DB_SAMPLE(s_day_word),
	[STMT_DAILY_STATS_PURGE] = DB_SAMPLE(s_day_word2),
	[STMT_DAILY_STATS_TAIL] = DB_SAMPLE(s_day_word),
	[STMT_DAILY_SERVICES] = DB_SAMPLE(s_day_id),
	[STMT_DAILY_SERVICES_PURGE] = DB_SAMPLE(s_day_id2),
	[STMT_DAILY_SERVICES_TAIL] = DB_SAMPLE(s_day_id),
	[STMT_TECH_STATS] = DB_SAMPLE(s_id_word),
	[STMT_TECH_STATS_PURGE] = DB_SAMPLE(s_id_word2),
	[STMT_TECH_STATS_TAIL] = DB_SAMPLE(s_id_word),
	[STMT_LIST_DAYS] = DB_SAMPLE(s_days),
	[STMT_LIST_DAYS_PURGE] = DB_SAMPLE(s_days2),
	[STMT_LIST_DAYS_TAIL] = DB_SAMPLE(s_days),
	[STMT_LIST_COUNTS] = DB_SAMPLE(s_counts),
	[STMT_LIST_COUNTS_PURGE] = DB_SAMPLE(s_counts2),
	[STMT_LIST_COUNTS_TAIL] = DB_SAMPLE(s_counts),
};

struct db_family store_rollups = DB_FAMILY_SAMPLES("rollups", stmts, samples);

/* The tables kept per filter are walked one filter at a time: the filter's columns are
 * an equality, the rest of the key a range. Their words are the ENUMs of
 * sql/migrations/0029_booking_list_counts.sql; a word added there is added here. */
static const char *const list_days_parts[] = { "none", "status", "service", "emergency",
	"scheduled" };
static const char *const list_counts_parts[] = {
	"customer", "none", "customer", "status", "customer", "service", "customer", "emergency",
	"technician", "none", "technician", "status", "technician", "service",
	"technician", "emergency",
};

/* A table's walk. Its keys start before the first row: a date before every day a
 * booking can have, id 0, the empty word (every key (k1, k2) of the table is after
 * (min1, min2)). */
static const struct table {
	const char        *name;
	unsigned           stmt;      /* its WINDOW_END; PURGE and PURGE_TAIL follow */
	unsigned           nprefix;   /* key columns fixed per part */
	const char *const *parts;     /* nparts x nprefix words */
	unsigned           nparts;
	int                k1_int, k2_int;
	const char        *min1, *min2;
} tables[ROLLUP_TABLES] = {
	{ "bookingDailyStats", STMT_DAILY_STATS, 0, NULL, 1, 0, 0, "1000-01-01", "" },
	{ "bookingDailyServices", STMT_DAILY_SERVICES, 0, NULL, 1, 0, 1, "1000-01-01", "0" },
	{ "technicianBookingStats", STMT_TECH_STATS, 0, NULL, 1, 1, 0, "0", "" },
	{ "bookingListDays", STMT_LIST_DAYS, 1, list_days_parts,
	    sizeof(list_days_parts) / sizeof(list_days_parts[0]), 0, 0, "", "1000-01-01" },
	{ "bookingListCounts", STMT_LIST_COUNTS, 2, list_counts_parts,
	    sizeof(list_counts_parts) / sizeof(list_counts_parts[0]) / 2, 1, 0, "0", "" },
};

const char *
db_rollups_name(unsigned t)
{
	return t < ROLLUP_TABLES ? tables[t].name : "";
}

static void
pos_key(struct rollup_pos *pos, const char *k1, const char *k2)
{
	strncpy(pos->k1, k1, sizeof(pos->k1) - 1);
	pos->k1[sizeof(pos->k1) - 1] = '\0';
	strncpy(pos->k2, k2, sizeof(pos->k2) - 1);
	pos->k2[sizeof(pos->k2) - 1] = '\0';
}

void
db_rollups_start(struct rollup_pos *pos, unsigned table)
{
	memset(pos, 0, sizeof(*pos));
	pos->table = table;
	if (table >= ROLLUP_TABLES) {
		pos->done = 1;
		return;
	}
	pos_key(pos, tables[table].min1, tables[table].min2);
}

static struct db_arg
key_arg(int is_int, const char *v)
{
	return is_int ? DB_INT(strtoll(v, NULL, 10)) : DB_STR(v);
}

/* args[*k..]: the key (k1, k2) as AFTER and UPTO bind it */
static void
push_key(struct db_arg *args, size_t *k, const struct table *t, const char *k1, const char *k2)
{
	args[(*k)++] = key_arg(t->k1_int, k1);
	args[(*k)++] = key_arg(t->k1_int, k1);
	args[(*k)++] = key_arg(t->k2_int, k2);
}

enum db_rc
db_rollups_purge_window(struct db *db, struct arena *a, const struct rollup_pos *pos,
    struct rollup_pos *next, unsigned long long *n)
{
	const struct table *t;
	struct db_arg args[8];
	struct db_result res;
	const char *end1, *end2;
	size_t k = 0, i;
	enum db_rc rc;

	*next = *pos;
	*n = 0;
	if (pos->done || pos->table >= ROLLUP_TABLES) {
		next->done = 1;
		return DB_OK;
	}
	t = &tables[pos->table];
	for (i = 0; i < t->nprefix; i++)
		args[k++] = DB_STR(t->parts[pos->part * t->nprefix + i]);
	push_key(args, &k, t, pos->k1, pos->k2);
	if ((rc = db_exec(db, a, &store_rollups, t->stmt, args, k, &res)) != DB_OK)
		return rc;
	if (res.nrows > 0) {
		end1 = db_get(&res, 0, 0);
		end2 = db_get(&res, 0, 1);
		if (end1 == NULL || end2 == NULL || strlen(end1) >= sizeof(pos->k1) ||
		    strlen(end2) >= sizeof(pos->k2))
			return DB_ERR;   /* no key of these tables is NULL or that long */
		push_key(args, &k, t, end1, end2);
		if ((rc = db_exec(db, a, &store_rollups, t->stmt + 1, args, k, &res)) != DB_OK)
			return rc;
		pos_key(next, end1, end2);
	} else {
		/* fewer than a window left of this part: the rest of it, then the next part */
		if ((rc = db_exec(db, a, &store_rollups, t->stmt + 2, args, k, &res)) != DB_OK)
			return rc;
		if (++next->part < t->nparts)
			pos_key(next, t->min1, t->min2);
		else
			next->done = 1;
	}
	*n = res.affected;
	return DB_OK;
}
