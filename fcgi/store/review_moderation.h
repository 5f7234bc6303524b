/* review_moderation: the staff's queue of reported reviews and what closes its reports
 * (sql/migrations/0030_review_moderation.sql, docs/reviews.md "Moderation").
 *
 * A review is in the queue while it has open reports (reviews.open_reports, and
 * reported_at, the newest open report's time, kept by the trigger on review_reports);
 * a moderator's hide or dismiss closes them all. Hiding and restoring change the
 * review's status through fcgi/store/reviews.h, under its locks and tallies. */
#ifndef WARSHA_STORE_REVIEW_MODERATION_H
#define WARSHA_STORE_REVIEW_MODERATION_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_review_moderation;

/* `page` reaches this many rows; deeper pages take a cursor; the total counts up to it. */
#define REVIEW_QUEUE_WINDOW 10000
/* The newest open reports shown per review (openReports counts them all). */
#define REVIEW_QUEUE_REASONS 10

struct review_queue_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

/* One page of reviews with open reports, newest report first (ties: the larger id
 * first), after the key (after_at, after_id) when after_at is set, else from offset. */
enum db_rc db_review_queue(struct db *db, struct arena *a, const char *after_at,
    long long after_id, long long offset, long long limit, struct review_queue_page *out);

/* The review's open reports, its row locked (FOR UPDATE): inside the unit of work, after
 * the review's own lock (db_reviews_get). DB_NOTFOUND when there is no such review. */
enum db_rc db_review_open_reports(struct db *db, struct arena *a, long long id, long long *n);
/* Closes every open report of the review with resolution "hidden" or "dismissed" by
 * staff member `by`, and takes the review out of the queue. */
enum db_rc db_review_close_reports(struct db *db, struct arena *a, long long id,
    const char *resolution, long long by);

#endif
