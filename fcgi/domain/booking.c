#include "booking.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define S  (1u << BK_SERVICE)
#define J  (1u << BK_JOB)
#define SJ (S | J)
#define CU BK_CUSTOMER
#define TE BK_TECHNICIAN
#define ST BK_STAFF
#define SY BK_SYSTEM

/* The state machine. Read a row as: for bookings of these kinds, in status `from`,
 * event moves to `to` when one of `who` causes it. Rows of one (from, event) are never
 * repeated with different targets: an event has one outcome. */
const struct bk_transition bk_transitions[] = {
	/* approval (services that need it) */
	{ S,  BK_PENDING_APPROVAL,    EV_APPROVE,         BK_APPROVED,            ST,      0 },
	{ S,  BK_PENDING_APPROVAL,    EV_REJECT,          BK_REJECTED,            ST,      0 },
	/* quotes and hiring (jobs) */
	{ J,  BK_POSTED,              EV_QUOTE,           BK_QUOTED,              SY,      0 },
	{ J,  BK_POSTED,              EV_HIRE,            BK_HIRED,               CU,      0 },
	{ J,  BK_QUOTED,              EV_HIRE,            BK_HIRED,               CU,      0 },
	/* assignment (services) */
	{ S,  BK_APPROVED,            EV_ASSIGN,          BK_TECHNICIAN_ASSIGNED, ST | SY, 0 },
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_ASSIGN,          BK_TECHNICIAN_ASSIGNED, ST | SY, 0 },
	{ S,  BK_ACCEPTED,            EV_ASSIGN,          BK_TECHNICIAN_ASSIGNED, ST,      0 },
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_UNASSIGN,        BK_APPROVED,            ST,      0 },
	{ S,  BK_ACCEPTED,            EV_UNASSIGN,        BK_APPROVED,            ST,      0 },
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_ACCEPT,          BK_ACCEPTED,            TE,      0 },
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_DECLINE,         BK_APPROVED,            TE,      0 },
	/* on the way, there, at work */
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_DEPART,          BK_ON_WAY,              TE,      0 },
	{ S,  BK_ACCEPTED,            EV_DEPART,          BK_ON_WAY,              TE,      0 },
	{ J,  BK_HIRED,               EV_DEPART,          BK_ON_WAY,              TE,      0 },
	{ SJ, BK_ON_WAY,              EV_ARRIVE,          BK_ARRIVED,             TE,      0 },
	{ SJ, BK_ON_WAY,              EV_START,           BK_IN_PROGRESS,         TE,      BKT_NEEDS_CODE },
	{ SJ, BK_ARRIVED,             EV_START,           BK_IN_PROGRESS,         TE,      BKT_NEEDS_CODE },
	{ J,  BK_HIRED,               EV_START,           BK_IN_PROGRESS,         TE,      BKT_NEEDS_CODE },
	{ SJ, BK_IN_PROGRESS,         EV_COMPLETE,        BK_COMPLETED,           TE | ST, 0 },
	/* after the work */
	{ SJ, BK_COMPLETED,           EV_VERIFY,          BK_VERIFIED,            CU | ST | SY, 0 },
	{ SJ, BK_VERIFIED,            EV_REQUEST_PAYMENT, BK_PAYMENT_PENDING,     ST | SY, 0 },
	{ SJ, BK_PAYMENT_PENDING,     EV_PAY,             BK_PAID,                ST | SY, 0 },
	{ SJ, BK_COMPLETED,           EV_DISPUTE,         BK_DISPUTED,            CU | TE, 0 },
	/* a job may be disputed while the hired craftsman works on it, too (seed 001 §2.3) */
	{ J,  BK_HIRED,               EV_DISPUTE,         BK_DISPUTED,            CU | TE, 0 },
	{ J,  BK_ON_WAY,              EV_DISPUTE,         BK_DISPUTED,            CU | TE, 0 },
	{ J,  BK_ARRIVED,             EV_DISPUTE,         BK_DISPUTED,            CU | TE, 0 },
	{ J,  BK_IN_PROGRESS,         EV_DISPUTE,         BK_DISPUTED,            CU | TE, 0 },
	{ SJ, BK_DISPUTED,            EV_RESOLVE,         BK_VERIFIED,            ST,      0 },
	/* cancellation: free until the technician sets off (bk_cancel_fee) */
	{ S,  BK_PENDING_APPROVAL,    EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ S,  BK_APPROVED,            EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ J,  BK_POSTED,              EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ J,  BK_QUOTED,              EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ J,  BK_HIRED,               EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ S,  BK_TECHNICIAN_ASSIGNED, EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ S,  BK_ACCEPTED,            EV_CANCEL,          BK_CANCELLED,           CU | ST, 0 },
	{ SJ, BK_ON_WAY,              EV_CANCEL,          BK_CANCELLED,           CU | ST, BKT_FEE },
	{ SJ, BK_ARRIVED,             EV_CANCEL,          BK_CANCELLED,           CU | ST, BKT_FEE },
	{ SJ, BK_IN_PROGRESS,         EV_CANCEL,          BK_CANCELLED,           ST,      BKT_FEE },
	{ SJ, BK_DISPUTED,            EV_CANCEL,          BK_CANCELLED,           ST,      0 },
};
const size_t bk_ntransitions = sizeof(bk_transitions) / sizeof(bk_transitions[0]);

enum bk_status
bk_initial(enum bk_kind kind, int requires_approval)
{
	if (kind == BK_JOB)
		return BK_POSTED;
	return requires_approval ? BK_PENDING_APPROVAL : BK_APPROVED;
}

static const struct bk_transition *
find(enum bk_kind kind, enum bk_status from, enum bk_event event)
{
	size_t i;

	for (i = 0; i < bk_ntransitions; i++) {
		const struct bk_transition *t = &bk_transitions[i];

		if ((t->kinds & (1u << kind)) && t->from == from && t->event == event)
			return t;
	}
	return NULL;
}

enum bk_result
bk_apply(enum bk_kind kind, enum bk_status from, enum bk_event event, unsigned who,
    int with_code, const struct bk_transition **out)
{
	const struct bk_transition *t;

	*out = NULL;
	if ((unsigned)kind >= BK__KINDS || (t = find(kind, from, event)) == NULL)
		return BK_NO_MOVE;
	if ((t->who & who) == 0)
		return BK_NOT_ALLOWED;
	if ((t->flags & BKT_NEEDS_CODE) && !with_code)
		return BK_NEEDS_CODE;
	*out = t;
	return BK_OK;
}

int
bk_event_possible(enum bk_kind kind, enum bk_status from, enum bk_event event)
{
	return (unsigned)kind < BK__KINDS && find(kind, from, event) != NULL;
}

/* --- names --- */

static const char *const core_names[BK__STATUSES] = {
	[BK_PENDING_APPROVAL] = "pending_approval", [BK_APPROVED] = "approved",
	[BK_REJECTED] = "rejected", [BK_POSTED] = "posted", [BK_QUOTED] = "quoted",
	[BK_HIRED] = "hired", [BK_TECHNICIAN_ASSIGNED] = "technician_assigned",
	[BK_ACCEPTED] = "accepted", [BK_ON_WAY] = "on_way", [BK_ARRIVED] = "arrived",
	[BK_IN_PROGRESS] = "in_progress", [BK_COMPLETED] = "completed",
	[BK_VERIFIED] = "verified", [BK_PAYMENT_PENDING] = "payment_pending",
	[BK_PAID] = "paid", [BK_DISPUTED] = "disputed", [BK_CANCELLED] = "cancelled",
};

/* /api/bookings knows seven: the statuses between are shown as the one before them
 * that it knows (assigned and accepted are still "approved", arrived is still
 * "on_way"), and everything after the work as "completed". */
static const char *const v0_names[BK__STATUSES] = {
	[BK_PENDING_APPROVAL] = "pending_approval", [BK_APPROVED] = "approved",
	[BK_REJECTED] = "rejected", [BK_POSTED] = "pending_approval",
	[BK_QUOTED] = "pending_approval", [BK_HIRED] = "approved",
	[BK_TECHNICIAN_ASSIGNED] = "approved", [BK_ACCEPTED] = "approved",
	[BK_ON_WAY] = "on_way", [BK_ARRIVED] = "on_way", [BK_IN_PROGRESS] = "in_progress",
	[BK_COMPLETED] = "completed", [BK_VERIFIED] = "completed",
	[BK_PAYMENT_PENDING] = "completed", [BK_PAID] = "completed",
	[BK_DISPUTED] = "completed", [BK_CANCELLED] = "cancelled",
};

static const char *const jobs_names[BK__STATUSES] = {
	[BK_PENDING_APPROVAL] = "Posted", [BK_APPROVED] = "Posted",
	[BK_REJECTED] = "Cancelled", [BK_POSTED] = "Posted", [BK_QUOTED] = "Quoted",
	[BK_HIRED] = "Hired", [BK_TECHNICIAN_ASSIGNED] = "Hired", [BK_ACCEPTED] = "Hired",
	[BK_ON_WAY] = "On The Way", [BK_ARRIVED] = "On The Way",
	[BK_IN_PROGRESS] = "In Progress", [BK_COMPLETED] = "Completed",
	[BK_VERIFIED] = "Completed", [BK_PAYMENT_PENDING] = "Completed",
	[BK_PAID] = "Completed", [BK_DISPUTED] = "Disputed", [BK_CANCELLED] = "Cancelled",
};

static const char *const booking_names[BK__STATUSES] = {
	[BK_PENDING_APPROVAL] = "pending", [BK_APPROVED] = "confirmed",
	[BK_REJECTED] = "rejected", [BK_POSTED] = "pending", [BK_QUOTED] = "pending",
	[BK_HIRED] = "confirmed", [BK_TECHNICIAN_ASSIGNED] = "confirmed",
	[BK_ACCEPTED] = "confirmed", [BK_ON_WAY] = "confirmed", [BK_ARRIVED] = "confirmed",
	[BK_IN_PROGRESS] = "confirmed", [BK_COMPLETED] = "completed",
	[BK_VERIFIED] = "completed", [BK_PAYMENT_PENDING] = "completed",
	[BK_PAID] = "completed", [BK_DISPUTED] = "completed", [BK_CANCELLED] = "cancelled",
};

static const char *const v1_names[BK__STATUSES] = {
	[BK_PENDING_APPROVAL] = "pending", [BK_APPROVED] = "matching",
	[BK_REJECTED] = "rejected", [BK_POSTED] = "pending", [BK_QUOTED] = "pending",
	[BK_HIRED] = "assigned", [BK_TECHNICIAN_ASSIGNED] = "assigned",
	[BK_ACCEPTED] = "accepted", [BK_ON_WAY] = "en_route", [BK_ARRIVED] = "arrived",
	[BK_IN_PROGRESS] = "in_progress", [BK_COMPLETED] = "completed",
	[BK_VERIFIED] = "verified", [BK_PAYMENT_PENDING] = "payment_pending",
	[BK_PAID] = "paid", [BK_DISPUTED] = "disputed", [BK_CANCELLED] = "cancelled",
};

static const char *const *const families[BK__NAMES] = {
	[BK_NAMES_CORE] = core_names, [BK_NAMES_V0] = v0_names, [BK_NAMES_JOBS] = jobs_names,
	[BK_NAMES_BOOKING] = booking_names, [BK_NAMES_V1] = v1_names,
};

const char *
bk_status_name(enum bk_status s, enum bk_names n)
{
	if ((unsigned)s >= BK__STATUSES || s == BK_NONE || (unsigned)n >= BK__NAMES)
		return NULL;
	return families[n][s];
}

enum bk_status
bk_status_parse(const char *word, enum bk_names n)
{
	int s;

	if (word == NULL || (unsigned)n >= BK__NAMES)
		return BK_NONE;
	for (s = BK_NONE + 1; s < BK__STATUSES; s++)
		if (strcmp(families[n][s], word) == 0)
			return (enum bk_status)s;
	return BK_NONE;
}

static const char *const event_names[EV__EVENTS] = {
	[EV_APPROVE] = "approve", [EV_REJECT] = "reject", [EV_QUOTE] = "quote",
	[EV_HIRE] = "hire", [EV_ASSIGN] = "assign", [EV_UNASSIGN] = "unassign",
	[EV_ACCEPT] = "accept", [EV_DECLINE] = "decline", [EV_DEPART] = "depart",
	[EV_ARRIVE] = "arrive", [EV_START] = "start", [EV_COMPLETE] = "complete",
	[EV_VERIFY] = "verify", [EV_REQUEST_PAYMENT] = "request_payment", [EV_PAY] = "pay",
	[EV_DISPUTE] = "dispute", [EV_RESOLVE] = "resolve", [EV_CANCEL] = "cancel",
};

const char *
bk_event_name(enum bk_event e)
{
	if ((unsigned)e >= EV__EVENTS || e == EV_NONE)
		return NULL;
	return event_names[e];
}

enum bk_event
bk_event_parse(const char *word)
{
	int e;

	if (word == NULL)
		return EV_NONE;
	for (e = EV_NONE + 1; e < EV__EVENTS; e++)
		if (strcmp(event_names[e], word) == 0)
			return (enum bk_event)e;
	return EV_NONE;
}

/* --- paths: PUT .../status with a status word --- */

/* Breadth-first over the moves usable under mask conditions: the fewest moves from
 * `from` to a status shown as word. Returns the length and fills path, or -1. A move
 * that keeps the status (a reassignment) is never part of a path. */
static int
search(enum bk_kind kind, enum bk_status from, const char *word, enum bk_names n,
    unsigned who, int with_code, const struct bk_transition **path, size_t max)
{
	const struct bk_transition *via[BK__STATUSES];
	enum bk_status queue[BK__STATUSES];
	int seen[BK__STATUSES];
	size_t head = 0, tail = 0, i, len;
	enum bk_status s, at;

	memset(seen, 0, sizeof(seen));
	memset(via, 0, sizeof(via));
	seen[from] = 1;
	queue[tail++] = from;
	while (head < tail) {
		s = queue[head++];
		if (strcmp(families[n][s], word) == 0) {
			for (len = 0, at = s; at != from; at = via[at]->from)
				len++;
			if (len > max)
				return -1;
			for (i = len, at = s; at != from; at = via[at]->from)
				path[--i] = via[at];
			return (int)len;
		}
		for (i = 0; i < bk_ntransitions; i++) {
			const struct bk_transition *t = &bk_transitions[i];

			if (!(t->kinds & (1u << kind)) || t->from != s || seen[t->to] ||
			    !(t->who & who) || ((t->flags & BKT_NEEDS_CODE) && !with_code))
				continue;
			seen[t->to] = 1;
			via[t->to] = t;
			queue[tail++] = t->to;
		}
	}
	return -1;
}

int
bk_path(enum bk_kind kind, enum bk_status from, const char *word, enum bk_names n,
    unsigned who, int with_code, const struct bk_transition **path, size_t max,
    enum bk_result *why)
{
	int len;

	*why = BK_OK;
	if ((unsigned)kind >= BK__KINDS || (unsigned)n >= BK__NAMES || from == BK_NONE ||
	    (unsigned)from >= BK__STATUSES || bk_status_parse(word, n) == BK_NONE) {
		*why = BK_NO_MOVE;
		return -1;
	}
	if ((len = search(kind, from, word, n, who, with_code, path, max)) >= 0)
		return len;
	/* why not: through someone else's moves, through a start without its code, or
	 * not at all */
	if (search(kind, from, word, n, who, 1, path, max) >= 0)
		*why = BK_NEEDS_CODE;
	else if (search(kind, from, word, n, BK_CUSTOMER | BK_TECHNICIAN | BK_STAFF |
	    BK_SYSTEM, 1, path, max) >= 0)
		*why = BK_NOT_ALLOWED;
	else
		*why = BK_NO_MOVE;
	return -1;
}

/* --- cancellation --- */

long long
bk_cancel_fee(const struct bk_cancel_policy *p, enum bk_status s, long long price)
{
	long long pct, fee;

	if (s != BK_ON_WAY && s != BK_ARRIVED && s != BK_IN_PROGRESS)
		return 0;
	if (price < 0)
		price = 0;
	pct = p->fee_percent <= 0 ? 0 : p->fee_percent >= 100 ? price :
	    (price * p->fee_percent + 99) / 100;
	fee = p->fee_fixed > pct ? p->fee_fixed : pct;
	return fee > price ? price : fee;
}

int
bk_can_cancel(enum bk_kind kind, enum bk_status s, unsigned who)
{
	const struct bk_transition *t;

	return bk_apply(kind, s, EV_CANCEL, who, 0, &t) == BK_OK;
}

/* --- time and place --- */

int
bk_fits_hours(int wday, int minute, int duration, unsigned days_mask, int open, int close)
{
	if (wday < 0 || wday > 6 || minute < 0 || minute >= 24 * 60 || duration < 0)
		return 0;
	if (!(days_mask & (1u << wday)) || close <= open)
		return 0;
	return minute >= open && minute + duration <= close;
}

double
geo_distance_km(double lat1, double lng1, double lat2, double lng2)
{
	const double r = 6371.0088, rad = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
	    cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);

	if (a > 1)
		a = 1;
	return 2 * r * asin(sqrt(a));
}

int
bk_eta_minutes(double km, double speed_kmh)
{
	double m;

	if (!(speed_kmh > 0) || !(km >= 0))
		return -1;
	if (km == 0)
		return 0;
	m = ceil(km / speed_kmh * 60.0);
	if (m > 100000)
		return 100000;
	return m < 1 ? 1 : (int)m;
}

int
bk_number(char *out, size_t outlen, int year, long long seq)
{
	int n;

	if (year < 2000 || year > 9999 || seq < 1)
		return -1;
	n = snprintf(out, outlen, "BK-%04d-%06lld", year, seq);
	return n < 0 || (size_t)n >= outlen ? -1 : n;
}
