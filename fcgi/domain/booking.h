/* Bookings: the one state machine of the work orders of both kinds (a catalog service
 * booked by a customer, a job posted for quotes), the names each client knows the
 * statuses by, cancellation fees, scheduling against a service's hours, arrival times
 * and booking numbers. Plain functions over plain values: no database, no HTTP.
 *
 * Every transition is a row of one table (booking.c): from, event, to, who may cause it
 * and how. Nothing else changes a booking's status. docs/bookings.md draws the table. */
#ifndef WARSHA_DOMAIN_BOOKING_H
#define WARSHA_DOMAIN_BOOKING_H

#include <stddef.h>

enum bk_kind {
	BK_SERVICE,    /* a catalog service booked by a customer: /api/bookings */
	BK_JOB,        /* a job posted for technicians' quotes: /api/jobs */
	BK__KINDS
};

/* The internal statuses, in the order a booking moves through them. BK_NONE is "not yet
 * created" (and "unknown" from the parsers). */
enum bk_status {
	BK_NONE = 0,
	BK_PENDING_APPROVAL,
	BK_APPROVED,
	BK_REJECTED,
	BK_POSTED,
	BK_QUOTED,
	BK_HIRED,
	BK_TECHNICIAN_ASSIGNED,
	BK_ACCEPTED,
	BK_ON_WAY,
	BK_ARRIVED,
	BK_IN_PROGRESS,
	BK_COMPLETED,
	BK_VERIFIED,
	BK_PAYMENT_PENDING,
	BK_PAID,
	BK_DISPUTED,
	BK_CANCELLED,
	BK__STATUSES
};

enum bk_event {
	EV_NONE = 0,
	EV_APPROVE,         /* staff accept a booking that needs approval */
	EV_REJECT,          /* ... or refuse it */
	EV_QUOTE,           /* the first quote arrives on a posted job */
	EV_HIRE,            /* the customer accepts a quote (or hires an invited technician) */
	EV_ASSIGN,          /* staff or the matcher assign (or reassign) a technician */
	EV_UNASSIGN,        /* staff take the technician off again */
	EV_ACCEPT,          /* the assigned technician takes the job */
	EV_DECLINE,         /* ... or gives it back */
	EV_DEPART,          /* the technician sets off */
	EV_ARRIVE,          /* ... and is there */
	EV_START,           /* work starts: the customer's start code proves presence */
	EV_COMPLETE,        /* the work is done */
	EV_VERIFY,          /* the customer (or staff, or time) confirms it */
	EV_REQUEST_PAYMENT, /* the bill is issued */
	EV_PAY,             /* ... and paid */
	EV_DISPUTE,         /* a party contests the work */
	EV_RESOLVE,         /* staff settle a dispute in favour of the work */
	EV_CANCEL,
	EV__EVENTS
};

/* Who causes a transition. The technician is the booking's assigned one only, the
 * customer its own customer (or the holder of its guest token): the caller decides
 * which of these the requester is, the table decides what each may do. */
#define BK_CUSTOMER   0x1u
#define BK_TECHNICIAN 0x2u
#define BK_STAFF      0x4u      /* admin or moderator */
#define BK_SYSTEM     0x8u      /* the platform itself: matcher, payments, timers */

/* A transition's conditions. */
#define BKT_NEEDS_CODE 0x1u     /* only with the booking's start code (the caller checks it) */
#define BKT_FEE        0x2u     /* a cancellation that may cost a fee (bk_cancel_fee) */

struct bk_transition {
	unsigned       kinds;     /* 1u << BK_SERVICE | 1u << BK_JOB */
	enum bk_status from;
	enum bk_event  event;
	enum bk_status to;
	unsigned       who;       /* BK_CUSTOMER | ... */
	unsigned       flags;     /* BKT_* */
};

extern const struct bk_transition bk_transitions[];
extern const size_t bk_ntransitions;

enum bk_result {
	BK_OK = 0,
	BK_NOT_ALLOWED,   /* the move exists, but not for this party: 403 */
	BK_NO_MOVE,       /* no such move from this status: 409 */
	BK_NEEDS_CODE     /* the move needs the start code and none was given: 422 */
};

/* The status a new booking starts in: a service that needs approval waits for it, one
 * that does not starts approved; a job starts posted. */
enum bk_status bk_initial(enum bk_kind kind, int requires_approval);

/* The transition event causes from status `from` for `who` (one BK_* party bit); *t gets
 * the table row when the answer is BK_OK. with_code: the caller has checked a start
 * code. */
enum bk_result bk_apply(enum bk_kind kind, enum bk_status from, enum bk_event event,
    unsigned who, int with_code, const struct bk_transition **t);

/* Whether anyone (any party) could still cause event from this status. */
int bk_event_possible(enum bk_kind kind, enum bk_status from, enum bk_event event);

/* The names clients know the statuses by. Each client family has its own words; a
 * coarse family folds several internal statuses onto one word. */
enum bk_names {
	BK_NAMES_CORE,   /* the internal names (pending_approval ... technician_assigned ...) */
	BK_NAMES_V0,     /* /api/bookings: pending_approval approved on_way in_progress
	                  * completed cancelled rejected */
	BK_NAMES_JOBS,   /* /api/jobs: Posted Quoted Hired "On The Way" "In Progress"
	                  * Completed Disputed Cancelled */
	BK_NAMES_BOOKING,/* /api/booking: pending confirmed completed cancelled rejected */
	BK_NAMES_V1,     /* /api/v1/bookings: pending matching assigned accepted en_route
	                  * arrived in_progress completed verified payment_pending paid
	                  * disputed cancelled rejected */
	BK__NAMES
};

const char    *bk_status_name(enum bk_status s, enum bk_names n);
/* The internal status a word stands for when it is the only one it stands for, else the
 * first of them in move order; BK_NONE for a word the family does not use. */
enum bk_status bk_status_parse(const char *word, enum bk_names n);

const char   *bk_event_name(enum bk_event e);
enum bk_event bk_event_parse(const char *word);

/* PUT .../status with a word: the moves that take the booking from `from` to a status
 * the word names, for `who`, fewest first. Up to max transitions go to path; returns how
 * many (0: the booking already shows that word), or -1 with *why set (BK_NO_MOVE: no
 * way there; BK_NOT_ALLOWED: a way exists only through another party's moves;
 * BK_NEEDS_CODE: only through a start without the code). */
int bk_path(enum bk_kind kind, enum bk_status from, const char *word, enum bk_names n,
    unsigned who, int with_code, const struct bk_transition **path, size_t max,
    enum bk_result *why);

/* Cancellation (settings decide the figures): free until the technician sets off; from
 * then on a fixed fee or a percentage of the price, whichever is more, never more than
 * the price. Amounts in piastres. */
struct bk_cancel_policy {
	long long fee_fixed;      /* piastres, >= 0 */
	int       fee_percent;    /* 0..100 of the booking's price */
};
long long bk_cancel_fee(const struct bk_cancel_policy *p, enum bk_status s,
    long long price);
/* Whether who may cancel a booking in status s (seed 004's canBeCancelled). */
int bk_can_cancel(enum bk_kind kind, enum bk_status s, unsigned who);

/* Scheduling: whether a booking of duration minutes starting at local (Africa/Cairo)
 * weekday wday (0 Sunday .. 6 Saturday) and minute of the day fits a service's working
 * days (bit wday of days_mask) and hours [open, close) in minutes of the day. A service
 * open past midnight (close <= open) is not supported: it is refused as closed. */
int bk_fits_hours(int wday, int minute, int duration, unsigned days_mask, int open,
    int close);

/* Great-circle distance in kilometres between two points in degrees. */
double geo_distance_km(double lat1, double lng1, double lat2, double lng2);
/* Minutes to arrive over km at an average speed in km/h, rounded up; at least 1 when
 * km > 0, 0 when there. A speed <= 0 gives -1 (unknown). */
int bk_eta_minutes(double km, double speed_kmh);

/* "BK-2026-000123": the year and the year's sequence number, at least six digits.
 * Returns the length, or -1 when out does not hold it. */
int bk_number(char *out, size_t outlen, int year, long long seq);

#endif
