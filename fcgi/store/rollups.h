/* rollups: the purge-rollups maintenance task's statements (docs/dashboard.md, "Zero
 * rows"). The counters the booking triggers keep (booking_daily_stats,
 * booking_daily_services and technician_booking_stats of
 * sql/migrations/0018_dashboard.sql; booking_list_days and booking_list_counts of
 * sql/migrations/0029_booking_list_counts.sql) keep a row whose counts have all come back
 * to zero when its bookings are deleted or move on. Every reader skips or adds such a
 * row as nothing, so deleting it changes no figure; the triggers' increments are upserts
 * that make it again when a booking comes back to its key.
 *
 * No index finds the zero rows (an index on a counter would be rewritten by every
 * booking write), so each table is walked in the order of its primary key, a window of
 * ROLLUP_WINDOW keys at a time: the window's last key is read from the key alone
 * (LIMIT 1 OFFSET), then the zero rows between the previous window's last key and it are
 * deleted, a range read of the primary key. A window is one unit of work; a walk is
 * resumed from the last key of the window done. */
#ifndef WARSHA_STORE_ROLLUPS_H
#define WARSHA_STORE_ROLLUPS_H

#include "store.h"

extern struct db_family store_rollups;

/* Keys a window holds. */
#define ROLLUP_WINDOW 1000

/* The tables walked, in this order (0 .. ROLLUP_TABLES - 1). */
#define ROLLUP_TABLES 5
/* The reply's name of table t: "bookingDailyStats", … */
const char *db_rollups_name(unsigned t);

/* Where a walk of one table stands. Start with db_rollups_start(). The keys are copied
 * in (a key column is a date, a number or a word of at most 24 characters). */
struct rollup_pos {
	unsigned table;    /* 0 .. ROLLUP_TABLES - 1 */
	unsigned part;     /* a table kept per filter: which filter's keys */
	char     k1[32];   /* the last key done, or before the first */
	char     k2[32];
	int      done;     /* the table is walked to its end */
};
void db_rollups_start(struct rollup_pos *pos, unsigned table);

/* One window from *pos: deletes its zero rows (*n: how many) and moves *next past it
 * (next->done at the end of the table). pos is left as it was, so the unit of work can
 * run again. Call inside req_tx(). */
enum db_rc db_rollups_purge_window(struct db *db, struct arena *a, const struct rollup_pos *pos,
    struct rollup_pos *next, unsigned long long *n);

#endif
