/* disputes: a job's disputes and their evidence (sql/migrations/0024_disputes.sql;
 * docs/bookings.md, "Disputes"). */
#ifndef WARSHA_STORE_DISPUTES_H
#define WARSHA_STORE_DISPUTES_H

#include "store.h"

/* The most rows a list counts, and the most evidence a dispute shows. */
#define DISPUTES_WINDOW 10000
#define DISPUTES_EVIDENCE_MAX 500

struct dispute_row {
	long long   id;
	long long   booking_id;
	long long   opened_by;
	const char *status;            /* open | under_review | resolved */
	int         responded;         /* first_response_at is set */
};

struct dispute_new {
	long long   booking_id;
	long long   opened_by;
	const char *opener_role;       /* client | craftsman */
	const char *reason;
	const char *description;       /* or NULL */
};

struct dispute_decision {
	long long   id;
	const char *decision;          /* refund_client | release_to_craftsman | split */
	long long   amount, client_amount, craftsman_amount;   /* piastres */
	int         client_percent;    /* -1: the split was given in piastres */
	const char *notes;             /* or NULL */
	long long   resolved_by;
};

struct dispute_list_query {
	const char *status;            /* NULL: every status */
	long long   limit, offset;
	const char *after_at;          /* keyset (opened_at, id), or NULL */
	long long   after_id;
};

struct dispute_list_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

struct dispute_stats {
	long long resolved;            /* resolved in the period */
	double    median_resolution_hours;      /* -1: none */
	double    median_first_response_hours;  /* -1: none */
	long long within_sla;          /* resolved within sla_hours */
	long long open, under_review;  /* now */
};

extern struct db_family store_disputes;

enum db_rc db_disputes_insert(struct db *db, struct arena *a, const struct dispute_new *d,
    long long *id);
/* The dispute, locked (FOR UPDATE) or not. */
enum db_rc db_disputes_get(struct db *db, struct arena *a, long long id, int lock,
    struct dispute_row *out);
/* The open (or under review) dispute of a job: *id, or 0. */
enum db_rc db_disputes_open_of(struct db *db, struct arena *a, long long booking_id,
    long long *id);
/* Whether the job reached completed within the last hours. */
enum db_rc db_disputes_completed_within(struct db *db, struct arena *a,
    long long booking_id, long long hours, int *yes);
/* Staff's first answer starts the review: first_response_at (once) and
 * open -> under_review. */
enum db_rc db_disputes_respond(struct db *db, struct arena *a, long long id);
/* Records the decision on a dispute not yet resolved; DB_NOTFOUND when it is. */
enum db_rc db_disputes_resolve(struct db *db, struct arena *a,
    const struct dispute_decision *d);
enum db_rc db_disputes_evidence_add(struct db *db, struct arena *a, long long dispute_id,
    long long author_id, const char *author_role, const char *message, long long upload_id,
    long long *id);
/* The dispute as shown, with its evidence (oldest first). */
enum db_rc db_disputes_view(struct db *db, struct arena *a, long long id,
    json_object **out);
enum db_rc db_disputes_list(struct db *db, struct arena *a,
    const struct dispute_list_query *q, struct dispute_list_page *out);
/* The resolved disputes of the days since `since` ("YYYY-MM-DD HH:MM:SS"). */
enum db_rc db_disputes_stats(struct db *db, struct arena *a, const char *since,
    long long sla_hours, struct dispute_stats *out);
/* Up to max active admins, to be told of a new dispute. */
enum db_rc db_disputes_admins(struct db *db, struct arena *a, long long *ids, size_t max,
    size_t *n);
/* Whether the upload is evidence of a dispute whose job has the user as its client or
 * its craftsman: the parties read each other's evidence files (fcgi/api/files.c). */
enum db_rc db_disputes_evidence_reader(struct db *db, struct arena *a, long long upload_id,
    long long user_id, int *yes);

#endif
