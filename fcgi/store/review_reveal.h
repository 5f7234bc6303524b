/* review_reveal: the reveal-reviews maintenance task's statements (docs/reviews.md,
 * "Double-blind reviews of jobs"). A batch of jobs whose reveal window has passed is
 * found through ix_reviews_reveal, then, in one unit of work and in the tallies' lock
 * order (the bookings, the users reviewed, the reviews), every pending review of those
 * jobs is read, counted and published by statements over the whole batch (the jobs' ids
 * pass as one JSON array). A second run, or one beside it, finds nothing left pending
 * once it holds the locks: the reveal is idempotent. */
#ifndef WARSHA_STORE_REVIEW_REVEAL_H
#define WARSHA_STORE_REVIEW_REVEAL_H

#include "store.h"

extern struct db_family store_review_reveal;

/* The most jobs one unit of work reveals. */
#define REVEAL_BATCH 200

/* Up to limit (at most REVEAL_BATCH) jobs with a pending review completed at least days
 * ago, as a JSON array of their ids in ascending order ("[]": none), not locked. */
enum db_rc db_reveal_due(struct db *db, struct arena *a, long long days, long long limit,
    const char **ids, long long *n);

/* Locks the jobs of ids (ascending) and then their parties' users rows (ascending), the
 * lock order of every tally (fcgi/store/reviews.h). */
enum db_rc db_reveal_lock(struct db *db, struct arena *a, const char *ids);

/* The pending reviews of the jobs of ids, locked: per reviewee the count of each star
 * (a row per reviewee of reviewee_ids[i], per_star[i][1..5]); *n rows, at most
 * 2 * REVEAL_BATCH. */
struct reveal_tally {
	long long reviewee_id;
	long long per_star[6];
};
enum db_rc db_reveal_pending(struct db *db, struct arena *a, const char *ids,
    struct reveal_tally **out, size_t *n, long long *reviews);

/* Publishes the pending reviews of the jobs of ids; *n: how many. */
enum db_rc db_reveal_publish(struct db *db, struct arena *a, const char *ids,
    unsigned long long *n);

#endif
