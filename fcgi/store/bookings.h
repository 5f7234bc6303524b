/* bookings: the work orders (sql/migrations/0006_bookings.sql), their history, their
 * numbers, and the lists of GET /api/bookings and /api/bookings/my.
 *
 * The store knows columns, not the state machine: statuses come and go as the text the
 * handler gives (the internal name and the word the lists filter on, see the
 * migration). Every write here runs inside the handler's req_tx(). */
#ifndef WARSHA_STORE_BOOKINGS_H
#define WARSHA_STORE_BOOKINGS_H

#include <json-c/json.h>

#include "store.h"

/* `page` reaches this many rows; deeper pages take a cursor. Totals count up to it. */
#define BOOKINGS_WINDOW 10000

/* What a new booking is made of: text as the columns take it (NULL is SQL NULL). */
struct booking_new {
	const char *number, *kind, *status, *list_status;
	long long   customer_id;        /* 0: a guest */
	long long   service_id;
	const char *scheduled_at;       /* "YYYY-MM-DD HH:MM:SS.fff", UTC */
	int         is_emergency;
	const char *address, *city, *governorate, *location_notes;
	const char *latitude, *longitude;
	const char *customer_name, *customer_phone;
	const char *car_brand, *car_model, *car_year;
	const char *problem, *images;   /* images: JSON text */
	long long   base_price, discount, total;
	const char *currency;
	const char *guest_token_hash;   /* sha256 hex of a guest's token, or NULL */
};

/* What a booking's service says about booking it. */
struct booking_service {
	int         is_active, requires_approval;
	int         is_emergency;   /* emergencyAvailable, or the category emergency */
	long long   base_price;
	const char *currency;
	const char *hours_start, *hours_end;   /* "HH:mm" or NULL */
	const char *working_days;              /* JSON text or NULL */
	long long   duration;                  /* minutes; 0 when unknown */
};

/* The state of a booking that moves change. */
struct booking_row {
	long long   id;
	const char *kind;                /* "service" or "job" */
	const char *status;              /* the internal name */
	const char *list_status;         /* the word the lists filter on */
	long long   customer_id;         /* 0: a guest */
	long long   technician_id;       /* 0: none */
	long long   total;               /* piastres */
	const char *cancellation_reason;
	long long   cancellation_fee;    /* -1: none */
	const char *admin_notes;
	const char *start_code_hash;     /* sha256 hex of the start code, or NULL */
	long long   start_code_failures; /* wrong tries of that code */
	const char *guest_token_hash;    /* sha256 hex of a guest's token, or NULL (read only) */
	const char *latitude, *longitude;/* the booking's place, or NULL (read only) */
};

/* Whom the start code goes to: the booking's contact phone, the customer's first name
 * and language (NULL for a guest). */
struct booking_contact {
	const char *phone, *first_name, *lang;
};

/* The service as booking it needs; DB_NOTFOUND when there is none (or it was
 * deleted). */
enum db_rc db_bookings_service(struct db *db, struct arena *a, long long service_id,
    struct booking_service *out);
/* The next sequence number of the year, in the caller's transaction (the year's row
 * stays locked until it ends). */
enum db_rc db_bookings_next_seq(struct db *db, struct arena *a, int year, long long *seq);
enum db_rc db_bookings_insert(struct db *db, struct arena *a, const struct booking_new *b,
    long long *id);

/* The row locked (FOR UPDATE), or read without a lock when lock is 0. DB_NOTFOUND when
 * there is none. */
enum db_rc db_bookings_get(struct db *db, struct arena *a, long long id, int lock,
    struct booking_row *out);
/* Writes back what moves change: status, list_status, technician, cancellation reason
 * and fee, admin notes, start code. */
enum db_rc db_bookings_update(struct db *db, struct arena *a, const struct booking_row *b);

enum db_rc db_bookings_contact(struct db *db, struct arena *a, long long id,
    struct booking_contact *out);

/* One history row; from NULL for the creation. actor_id 0: the platform. */
enum db_rc db_bookings_history(struct db *db, struct arena *a, long long booking_id,
    const char *from, const char *to, const char *event, long long actor_id,
    const char *actor_role, const char *note);
/* The history as JSON (an array, oldest first). */
enum db_rc db_bookings_history_list(struct db *db, struct arena *a, long long booking_id,
    json_object **out);

/* Whether the user may be given bookings: an active, unbanned technician. */
enum db_rc db_bookings_technician_ok(struct db *db, struct arena *a, long long user_id,
    int *ok);
/* Whether the technician works a booking of the customer now (assigned, accepted, on
 * the way, arrived or at work): what opens their contact details to each other. */
enum db_rc db_bookings_linked(struct db *db, struct arena *a, long long technician_id,
    long long customer_id, int *linked);
/* The technicians db_bookings_linked links to the customer, all at once (at most
 * BOOKINGS_LINKED_MAX: a customer has a handful of bookings under way). */
#define BOOKINGS_LINKED_MAX 200
enum db_rc db_bookings_linked_technicians(struct db *db, struct arena *a,
    long long customer_id, long long **ids, size_t *n);

/* One booking as the API shows it (status as stored: the handler names it). */
enum db_rc db_bookings_view(struct db *db, struct arena *a, long long id, json_object **out);

/* Guests' emergencies: counts one more for the address in the hour (hour: "YYYY-MM-DD
 * HH:00:00", UTC) and gives the count, the counter's row locked until the caller's
 * transaction ends. */
enum db_rc db_bookings_guest_take(struct db *db, struct arena *a, const char *ip,
    const char *hour, long long *n);
/* The assigned technician's position (decimal text), its time and the arrival time
 * computed from it (eta_at NULL: unknown). */
enum db_rc db_bookings_location(struct db *db, struct arena *a, long long id, const char *lat,
    const char *lng, const char *at, const char *eta_at);
/* {latitude, longitude, updatedAt, etaAt} of the technician's last position. */
enum db_rc db_bookings_tracking(struct db *db, struct arena *a, long long id,
    json_object **out);

/* A user's phone (NULL when none) and full name, for a booking made without them. */
enum db_rc db_bookings_user_contact(struct db *db, struct arena *a, long long user_id,
    const char **phone, const char **name);

/* Lists, newest first. */
enum booking_scope {
	BOOKINGS_ALL,          /* staff: every booking */
	BOOKINGS_CUSTOMER,     /* the customer's own */
	BOOKINGS_TECHNICIAN,   /* those assigned to the technician */
};

struct booking_list_query {
	enum booking_scope scope;
	long long          user_id;        /* the customer or technician of the scope */
	/* at most one filter (each has its own index): */
	const char        *list_status;    /* a word of the lists, or NULL */
	long long          service_id;     /* the booking's service, or 0 */
	int                emergency;      /* 1 emergencies, 0 the others, -1 no filter */
	/* or: ordered by scheduled_at (latest first), from and to bounding it instead of
	 * created_at; the cursor's time is then a scheduled time */
	int                by_scheduled;
	const char        *from, *to;      /* created_at (or scheduled_at) bounds, inclusive,
	                                    * "YYYY-MM-DD HH:MM:SS.fff" */
	const char        *after_at;       /* the cursor: the rows after (at, id), or NULL */
	long long          after_id;
	long long          offset, limit;
};

struct booking_list_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

enum db_rc db_bookings_list(struct db *db, struct arena *a, const struct booking_list_query *q,
    struct booking_list_page *out);

#endif
