/* jobs: what the craftsmen marketplace adds to a booking of kind job
 * (sql/migrations/0020_jobs.sql): the job's own columns, the open-jobs board of
 * GET /api/jobs, quotes and invitations. A job's status, history, number and events go
 * through the bookings store (bookings.h), as every booking's do. */
#ifndef WARSHA_STORE_JOBS_H
#define WARSHA_STORE_JOBS_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_jobs;

/* `page` reaches this many rows; deeper pages take a cursor. Totals count up to it. */
#define JOBS_WINDOW 10000
/* At most this many quotes or invitations are listed for one job. */
#define JOBS_CHILD_MAX 200

/* A new job: text as the columns take it (NULL is SQL NULL). */
struct job_new {
	const char *number, *status, *list_status;
	long long   customer_id;
	const char *title, *description, *category;
	long long   budget_min, budget_max;          /* -1: none */
	const char *scheduled_at;                    /* "YYYY-MM-DD HH:MM:SS.fff", UTC */
	const char *address, *city, *governorate;
	const char *latitude, *longitude;            /* decimal text, or NULL */
	const char *customer_name, *customer_phone;
	const char *images;                          /* JSON text, or NULL */
	const char *payment_type;                    /* "escrow" ..., or NULL: not yet chosen */
};

/* A job's edit: NULL (or -2 for numbers, set 0 for the coordinates) keeps a column;
 * -1 clears a budget. */
struct job_edit {
	const char *title, *description, *category, *address, *city, *governorate;
	long long   budget_min, budget_max;
	int         set_point;
	const char *latitude, *longitude;
	int         set_images;
	const char *images;
	const char *payment_type;                    /* NULL keeps it */
};

enum db_rc db_jobs_category_ok(struct db *db, struct arena *a, const char *key, int *ok);
enum db_rc db_jobs_insert(struct db *db, struct arena *a, const struct job_new *j,
    long long *id);
enum db_rc db_jobs_edit(struct db *db, struct arena *a, long long id, const struct job_edit *e);
/* The accepted quote's price on the job, when it was hired, how it is paid (the
 * stored word, or NULL: the job's choice, else cash) and the platform's fee. */
enum db_rc db_jobs_hire(struct db *db, struct arena *a, long long id, long long price,
    const char *payment_type, long long platform_fee);
/* The job's category (NULL when it has none). */
enum db_rc db_jobs_category(struct db *db, struct arena *a, long long id, const char **cat);
/* One job as the API shows it (status as stored: the handler names it); DB_NOTFOUND
 * when there is none, or the booking is not a job. */
enum db_rc db_jobs_view(struct db *db, struct arena *a, long long id, json_object **out);
/* Whether the category is among the technician's specializations. */
enum db_rc db_jobs_specialized(struct db *db, struct arena *a, long long technician_id,
    const char *category, int *yes);
/* Whether the technician has a quote or an invitation on the job. */
enum db_rc db_jobs_involved(struct db *db, struct arena *a, long long job_id,
    long long technician_id, int *yes);

/* --- lists --- */
enum job_scope {
	JOBS_OPEN,        /* the board: posted or quoted jobs */
	JOBS_CUSTOMER,    /* the customer's own */
	JOBS_ALL,         /* staff: every job */
};

struct job_list_query {
	enum job_scope scope;
	long long      user_id;          /* JOBS_CUSTOMER */
	/* JOBS_OPEN only: */
	const char    *category;         /* or NULL */
	int            near;             /* a point and a distance */
	double         lat, lng, km;
	long long      budget_min;       /* the job's budget reaches it (0: any) */
	long long      budget_max;       /* the job's budget starts at most at it (-1: any) */
	const char    *since;            /* created on or after, or NULL */
	const char    *after_at;         /* the cursor: the rows after (at, id), or NULL */
	long long      after_id;
	long long      offset, limit;
};

struct job_list_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

enum db_rc db_jobs_list(struct db *db, struct arena *a, const struct job_list_query *q,
    struct job_list_page *out);

/* --- quotes --- */
struct quote_row {
	long long   id, job_id, technician_id, price, revisions;
	const char *status;      /* Pending ... */
	const char *notes, *valid_until;
	int         expired;     /* valid_until has passed */
};

enum db_rc db_quotes_insert(struct db *db, struct arena *a, long long job_id,
    long long technician_id, long long price, const char *notes, const char *valid_until,
    long long *id);
/* The quote of the job, locked; DB_NOTFOUND when there is none. */
enum db_rc db_quotes_lock(struct db *db, struct arena *a, long long job_id, long long id,
    struct quote_row *out);
/* The technician's live (pending or accepted) quote on the job: its id, or 0. */
enum db_rc db_quotes_live(struct db *db, struct arena *a, long long job_id,
    long long technician_id, long long *id);
/* Writes price, notes, validity, status (live follows it) and revisions back. */
enum db_rc db_quotes_update(struct db *db, struct arena *a, const struct quote_row *q);
/* The technicians of the job's pending quotes other than `except`, locked (an array of
 * ids in *ids, *n of them), then declines those quotes. */
enum db_rc db_quotes_decline_others(struct db *db, struct arena *a, long long job_id,
    long long except, long long **ids, size_t *n);
/* The job's quotes (technician_id 0: all of them; else that technician's), oldest
 * first, at most JOBS_CHILD_MAX. */
enum db_rc db_quotes_list(struct db *db, struct arena *a, long long job_id,
    long long technician_id, json_object **out);
enum db_rc db_quotes_view(struct db *db, struct arena *a, long long id, json_object **out);

/* --- invitations --- */
enum db_rc db_invitations_insert(struct db *db, struct arena *a, long long job_id,
    long long technician_id, long long invited_by, long long *id);
/* The technician's invitation to the job (locked): id and status, or *id 0 and status
 * NULL when there is none. */
enum db_rc db_invitations_lock(struct db *db, struct arena *a, long long job_id,
    long long technician_id, long long *id, const char **status);
enum db_rc db_invitations_respond(struct db *db, struct arena *a, long long id,
    const char *status);
enum db_rc db_invitations_list(struct db *db, struct arena *a, long long job_id,
    json_object **out);
enum db_rc db_invitations_view(struct db *db, struct arena *a, long long id, json_object **out);

#endif
