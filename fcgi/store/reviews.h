/* reviews: the reviews of bookings, their helpful votes and reports, and the rating
 * tallies they keep exact on the reviewee (users.rating, rating_count, rating_sum), on
 * the service (the same columns) and per star (review_counts)
 * (sql/migrations/0012_reviews.sql, docs/reviews.md).
 *
 * Locks are taken in one order by every unit of work that changes a tally: the booking
 * (when one is read), the reviewee's users row, the service's row, then the review.
 * db_reviews_lock_subjects() takes the middle two; db_reviews_tally() then applies a
 * review's delta with set-based statements, never a scan. */
#ifndef WARSHA_STORE_REVIEWS_H
#define WARSHA_STORE_REVIEWS_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_reviews;

/* `page` reaches this many rows; deeper pages take a cursor; capped totals count up
 * to it. */
#define REVIEWS_WINDOW 10000

/* The category ratings of seed 004, in column order. */
enum review_category {
	RC_QUALITY, RC_PROFESSIONALISM, RC_COMMUNICATION, RC_PUNCTUALITY, RC_VALUE, RC__MAX
};

/* What a review says: 0 is "not given" for the categories, -1 for isRecommended. */
struct review_values {
	int         rating;                 /* 1..5 */
	int         category[RC__MAX];      /* 1..5 or 0 */
	const char *comment;                /* or NULL */
	int         is_recommended;         /* 1, 0, or -1 */
};

/* A review as its writes need it. */
struct review_row {
	long long            id, booking_id, reviewer_id, reviewee_id;
	long long            service_id;    /* 0: none */
	const char          *status;        /* pending | published | hidden */
	const char          *kind;          /* the booking's: service | job */
	struct review_values v;
};

/* The booking a review is written for. */
struct review_booking {
	long long   id;
	const char *kind;                   /* service | job */
	const char *status;                 /* the internal name */
	long long   customer_id;            /* 0: a guest */
	long long   technician_id;          /* 0: none */
	long long   service_id;
	const char *completed_at;           /* when it was first completed, or NULL */
	long long   since_completed;        /* seconds since then; -1: not completed */
};

/* The booking locked (FOR UPDATE): DB_NOTFOUND when there is none. */
enum db_rc db_reviews_booking_lock(struct db *db, struct arena *a, long long booking_id,
    struct review_booking *out);
/* The same, not locked (a read outside a unit of work). */
enum db_rc db_reviews_booking_get(struct db *db, struct arena *a, long long booking_id,
    struct review_booking *out);
/* The reviewee's users row and the service's row (service_id 0: none) locked. */
enum db_rc db_reviews_lock_subjects(struct db *db, struct arena *a, long long reviewee_id,
    long long service_id);
/* One review, locked (FOR UPDATE) or not: DB_NOTFOUND when there is none. */
enum db_rc db_reviews_get(struct db *db, struct arena *a, long long id, int lock,
    struct review_row *out);
/* The review of a booking by a reviewer, not locked: DB_NOTFOUND when there is none. */
enum db_rc db_reviews_find(struct db *db, struct arena *a, long long booking_id,
    long long reviewer_id, struct review_row *out);
/* The review of a booking by a reviewer, locked: DB_NOTFOUND when there is none. */
enum db_rc db_reviews_find_lock(struct db *db, struct arena *a, long long booking_id,
    long long reviewer_id, struct review_row *out);

/* A new published review of r (its values, booking, reviewer, reviewee and service):
 * DB_DUP when the reviewer has reviewed the booking already. */
enum db_rc db_reviews_insert(struct db *db, struct arena *a, const struct review_row *r,
    long long *id);
/* A new pending review of a job (docs/reviews.md, "Double-blind reviews of jobs"): role
 * customer or technician, no service; visible_at the job's completion (NULL: now) plus
 * days, the latest it shows. DB_DUP when the reviewer has reviewed the job already. */
enum db_rc db_reviews_insert_job(struct db *db, struct arena *a, const struct review_row *r,
    const char *role, const char *completed_at, long long days, long long *id);
/* The booking's pending reviews published at once (the tallies are the caller's, under
 * the reviewees' locks); *n: how many (n may be NULL). */
enum db_rc db_reviews_publish_booking(struct db *db, struct arena *a, long long booking_id,
    unsigned long long *n);
enum db_rc db_reviews_update(struct db *db, struct arena *a, long long id,
    const struct review_values *v);
/* status published or hidden; by: the staff member (0: none). */
enum db_rc db_reviews_set_status(struct db *db, struct arena *a, long long id,
    const char *status, long long by);
enum db_rc db_reviews_delete(struct db *db, struct arena *a, long long id);
/* The reviewee's response (NULL removes it). */
enum db_rc db_reviews_respond(struct db *db, struct arena *a, long long id, const char *text);

/* Applies a review's change to the tallies of its reviewee and service: old_rating is
 * the rating it counted with before (0: it did not count), new_rating after (0: it does
 * not count now). Inside the unit of work, after db_reviews_lock_subjects(). */
enum db_rc db_reviews_tally(struct db *db, struct arena *a, long long reviewee_id,
    long long service_id, int old_rating, int new_rating);

/* Adds per_star[s] newly counted reviews of s stars (s 1..5) to the reviewee's tallies in
 * two kinds of statements whatever their number: one rating update, one counter per star.
 * A job's reviews have no service. Inside the unit of work, after the reviewee's lock. */
enum db_rc db_reviews_tally_add(struct db *db, struct arena *a, long long reviewee_id,
    const long long per_star[6]);

/* One helpful vote or report of user on review id (locked by the caller), and the
 * review's counter: DB_DUP when the user voted or reported already. */
enum db_rc db_reviews_vote(struct db *db, struct arena *a, long long id, long long user_id);
enum db_rc db_reviews_report(struct db *db, struct arena *a, long long id, long long user_id,
    const char *reason);

/* One review as the API shows it (every field; the handler cuts what the caller may
 * not see). */
enum db_rc db_reviews_view(struct db *db, struct arena *a, long long id, json_object **out);

/* Lists of published reviews, newest first. */
enum review_scope {
	REVIEWS_OF_USER,      /* about a reviewee (a technician) */
	REVIEWS_OF_SERVICE,
	REVIEWS_ALL,
	REVIEWS_BY_USER,      /* written by a user (no star filter) */
	REVIEWS__SCOPES
};

struct review_list_query {
	enum review_scope scope;
	long long         target_id;        /* the user or service of the scope */
	int               rating;           /* 1..5, or 0: every star */
	const char       *after_at;         /* the cursor: the rows after (at, id), or NULL */
	long long         after_id;
	long long         offset, limit;
};

struct review_list_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

/* The page; its total from the tallies (a reviewee or a service) or a capped count. */
enum db_rc db_reviews_list(struct db *db, struct arena *a, const struct review_list_query *q,
    struct review_list_page *out);

/* {averageRating, ratingCount, distribution: {"1": n, … "5": n}} of a reviewee or a
 * service, from the tallies (primary-key reads). DB_NOTFOUND: no such user or service. */
enum db_rc db_reviews_summary(struct db *db, struct arena *a, enum review_scope scope,
    long long target_id, json_object **out);

/* GET /api/technicians/:id/performance: the technician's bookings read from their own
 * index range (never the platform's), with the history rows of each. */
struct technician_performance {
	long long assigned, completed, cancelled;
	long long earnings;                 /* piastres: the totals of completed bookings */
	long long responses;                /* bookings with an answer to their assignment */
	double    response_avg_s;           /* the mean seconds from assignment to answer */
	const char *rating;                 /* users.rating as text */
	long long rating_count;
};
enum db_rc db_reviews_performance(struct db *db, struct arena *a, long long technician_id,
    struct technician_performance *out);

#endif
