/* /api/bookings: bookings of catalog services (seed 000 "Booking Management", kind
 * `service`), moved only by the state machine of fcgi/domain/booking.c.
 *
 * Every change is one unit of work: the booking's row locked, the machine asked, the
 * row written, a history row per move, a realtime_events row for the booking's room
 * and, for staff, an activity log row. Status words are the /api/bookings family's
 * (BK_NAMES_V0); `detailedStatus` carries the internal name. A booking the caller may
 * not see is 404, never 403: its existence does not leak. docs/bookings.md,
 * "Endpoints". */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/cairo_time.h"
#include "../core/crypto.h"
#include "../core/router.h"
#include "../domain/booking.h"
#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/notifications.h"
#include "../store/outbox.h"
#include "../store/settings.h"
#include "../store/user_lists.h"
#include "../store/events.h"
#include "api.h"
#include "upload_refs.h"
#include "../store/uploads.h"

/* Settings of the cancellation fee (docs/bookings.md): a fixed fee in piastres and a
 * percentage of the price; the defaults apply while a setting is absent. */
#define FEE_FIXED_KEY     "cancellation_fee_piastres"
#define FEE_FIXED_DEFAULT 5000
#define FEE_PERCENT_KEY   "cancellation_fee_percent"
#define FEE_PERCENT_DEFAULT 0
/* An emergency may be dated up to this long ago (clocks differ); others lie ahead. */
#define EMERGENCY_PAST_SECONDS 3600
#define MAX_MOVES 8
/* The start code the customer gets by SMS when a technician is assigned. */
#define START_CODE_DIGITS 6
#define START_CODE_TEMPLATE "booking_start_code"
/* Wrong tries a code survives: then it is void until staff reassign (a new code). */
#define START_CODE_TRIES 5
/* Scheduling settings (seeded): how soon a booking may start and how far ahead it may
 * be made. Emergencies skip the lead time. */
#define LEAD_KEY "booking_lead_time_minutes"
#define LEAD_DEFAULT 60
#define ADVANCE_KEY "booking_max_advance_days"
#define ADVANCE_DEFAULT 30
/* Guests' emergencies per address and hour. */
#define GUEST_LIMIT_KEY "guest_emergency_per_hour"
#define GUEST_LIMIT_DEFAULT 5
/* The guest token: random bytes, shown once as base64url; the row keeps its SHA-256. */
#define GUEST_TOKEN_BYTES 32
#define GUEST_TOKEN_HEADER "HTTP_X_GUEST_TOKEN"
#define GUEST_TOKEN_QUERY "guestToken"
/* Arrival times: the average speed (km/h) when the setting is absent. */
#define SPEED_KEY "average_speed_kmh"
#define SPEED_DEFAULT 30.0

static const char *const v0_words[] = { "pending_approval", "approved", "on_way",
	"in_progress", "completed", "cancelled", "rejected", NULL };
/* /api/booking's (BK_NAMES_BOOKING) */
static const char *const booking_words[] = { "pending", "confirmed", "completed",
	"cancelled", "rejected", NULL };

/* The status words of the caller's family: /api/booking has its own; /api/bookings and
 * /api/v1/bookings (folded into it before routing) share BK_NAMES_V0. */
static enum bk_names
family(const struct req *r)
{
	const char *p = r->path != NULL ? r->path : "";

	return strncmp(p, "/api/booking", 12) == 0 && (p[12] == '\0' || p[12] == '/') ?
	    BK_NAMES_BOOKING : BK_NAMES_V0;
}

/* A setting's number (a fraction allowed), or def while it is absent, not a number or
 * not above 0. */
static enum db_rc
setting_d(struct req *r, const char *key, double def, double *out)
{
	const char *v;
	char *end;
	enum db_rc rc = db_settings_value(r->db, r->a, key, &v);

	*out = def;
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK)
		return rc;
	*out = strtod(v, &end);
	if (end == v || *end != '\0' || !(*out > 0))
		*out = def;
	return DB_OK;
}

/* The guest token the request carries (header X-Guest-Token, or ?guestToken=), or
 * NULL. */
static const char *
guest_token(const struct req *r)
{
	const char *t = req_env(r, GUEST_TOKEN_HEADER);

	if (t == NULL || *t == '\0')
		t = req_query(r, GUEST_TOKEN_QUERY);
	return t != NULL && *t != '\0' ? t : NULL;
}

/* A new guest token (base64url, no padding) and its SHA-256 hex. */
static const char *
new_guest_token(struct arena *a, const char **hash)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char raw[GUEST_TOKEN_BYTES];
	char *out = arena_alloc(a, GUEST_TOKEN_BYTES * 4 / 3 + 4), *o = out;
	char *h = arena_alloc(a, 65);
	size_t i;

	if (random_bytes(raw, sizeof(raw)) != 0)
		return NULL;
	for (i = 0; i < sizeof(raw); i += 3) {
		unsigned v = (unsigned)raw[i] << 16;

		if (i + 1 < sizeof(raw))
			v |= (unsigned)raw[i + 1] << 8;
		if (i + 2 < sizeof(raw))
			v |= raw[i + 2];
		*o++ = abc[(v >> 18) & 63];
		*o++ = abc[(v >> 12) & 63];
		if (i + 1 < sizeof(raw))
			*o++ = abc[(v >> 6) & 63];
		if (i + 2 < sizeof(raw))
			*o++ = abc[v & 63];
	}
	*o = '\0';
	sha256_hex(out, strlen(out), h);
	*hash = h;
	return out;
}

/* A caller who is neither signed in nor holds a guest token: 401 before anything is
 * read. */
static int
anonymous(const struct req *r)
{
	return r->user.id == 0 && guest_token(r) == NULL;
}

/* --- how a booking is shown --- */

/* The stored view as the caller sees it: the status in the family's word, the internal
 * one beside it, admin notes for staff only. */
static void
shape(const struct req *r, json_object *b)
{
	json_object *st;
	enum bk_status s;

	if (json_object_object_get_ex(b, "status", &st) && json_object_is_type(st,
	    json_type_string)) {
		s = bk_status_parse(json_object_get_string(st), BK_NAMES_CORE);
		json_object_object_add(b, "detailedStatus",
		    json_object_new_string(bk_status_name(s, BK_NAMES_CORE)));
		json_object_object_add(b, "status",
		    json_object_new_string(bk_status_name(s, family(r))));
	}
	if (!req_is_staff(r))
		json_object_object_del(b, "adminNotes");
}

static enum err
reply_booking_token(struct req *r, int status, enum msg msg, long long id,
    const char *token)
{
	json_object *b, *hist;
	enum db_rc rc;

	if ((rc = db_bookings_view(r->db, r->a, id, &b)) != DB_OK)
		return fail_db(r, rc);
	shape(r, b);
	if ((rc = db_bookings_history_list(r->db, r->a, id, &hist)) != DB_OK) {
		json_object_put(b);
		return fail_db(r, rc);
	}
	json_object_object_add(b, "statusHistory", hist);
	if (token != NULL)
		json_object_object_add(b, "guestToken", json_object_new_string(token));
	return reply_ok(r, status, msg, b);
}

static enum err
reply_booking(struct req *r, int status, enum msg msg, long long id)
{
	return reply_booking_token(r, status, msg, id, NULL);
}

/* The caller's part in a booking: BK_STAFF, BK_TECHNICIAN (the assigned one),
 * BK_CUSTOMER (its own customer, or the holder of its guest token), or 0: not theirs
 * to see. */
static unsigned
party(const struct req *r, const struct booking_row *b)
{
	const char *t;

	if (req_is_staff(r))
		return BK_STAFF;
	if ((r->user.role & ROLE_TECHNICIAN) && b->technician_id == r->user.id)
		return BK_TECHNICIAN;
	if (b->customer_id != 0 && b->customer_id == r->user.id)
		return BK_CUSTOMER;
	if (b->guest_token_hash != NULL && (t = guest_token(r)) != NULL) {
		char hash[65];

		sha256_hex(t, strlen(t), hash);
		if (ct_streq(hash, b->guest_token_hash))
			return BK_CUSTOMER;
	}
	return 0;
}

/* --- POST /api/bookings --- */

struct create_in {
	struct in_val service_id, scheduled, emergency;
	struct in_val address, city, governorate, location_notes, lat, lng;
	struct in_val name, phone, brand, model, year;
	struct in_val problem, images, image_ids;
};

static const char *
check_time(struct in_val *v, struct arena *a, enum msg *msg)
{
	time_t t;
	int ms;

	(void)a;
	*msg = MSG_V_DATETIME;
	if (iso_time_parse(v->s, &t, &ms) != 0)
		return "INVALID_FORMAT";
	*msg = MSG_NONE;
	return NULL;
}

/* Every field but the time, which an emergency may leave out. */
#define COMMON_FIELDS \
	{ "isEmergency", V_BOOL, 0, 0, 0, NULL, IN(struct create_in, emergency), NULL }, \
	{ "location", V_OBJECT, VF_REQUIRED, 0, 0, NULL, 0, NULL }, \
	{ "location.address", V_STRING, VF_REQUIRED, 1, 500, NULL, \
	    IN(struct create_in, address), NULL }, \
	{ "location.city", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct create_in, city), \
	    NULL }, \
	{ "location.governorate", V_STRING, VF_REQUIRED, 1, 100, NULL, \
	    IN(struct create_in, governorate), NULL }, \
	{ "location.locationNotes", V_STRING, VF_NULLABLE, 0, 1000, NULL, \
	    IN(struct create_in, location_notes), NULL }, \
	{ "location.coordinates", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "location.coordinates.lat", V_NUMBER, 0, -90, 90, NULL, IN(struct create_in, lat), \
	    NULL }, \
	{ "location.coordinates.lng", V_NUMBER, 0, -180, 180, NULL, IN(struct create_in, lng), \
	    NULL }, \
	{ "customerInfo", V_OBJECT, VF_REQUIRED, 0, 0, NULL, 0, NULL }, \
	{ "customerInfo.customerName", V_STRING, VF_REQUIRED, 1, 200, NULL, \
	    IN(struct create_in, name), NULL }, \
	{ "customerInfo.phoneNumber", V_PHONE, VF_REQUIRED, 0, 0, NULL, \
	    IN(struct create_in, phone), NULL }, \
	{ "customerInfo.carDetails", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "customerInfo.carDetails.brand", V_STRING, VF_NULLABLE, 0, 100, NULL, \
	    IN(struct create_in, brand), NULL }, \
	{ "customerInfo.carDetails.model", V_STRING, VF_NULLABLE, 0, 100, NULL, \
	    IN(struct create_in, model), NULL }, \
	{ "customerInfo.carDetails.year", V_INT, VF_NULLABLE, 1950, 2100, NULL, \
	    IN(struct create_in, year), NULL }, \
	{ "serviceDetails", V_OBJECT, VF_REQUIRED, 0, 0, NULL, 0, NULL }, \
	{ "serviceDetails.problemDescription", V_STRING, VF_REQUIRED, 1, 4000, NULL, \
	    IN(struct create_in, problem), NULL }, \
	{ "serviceDetails.images", V_STRINGS, VF_NULLABLE, 0, 10, NULL, \
	    IN(struct create_in, images), NULL }, \
	/* the caller's own uploads by id, after images' entries (docs/uploads.md) */ \
	{ "serviceDetails.imageIds", V_ARRAY, VF_NULLABLE, 0, 10, NULL, \
	    IN(struct create_in, image_ids), check_upload_ids },

static const struct vfield create_fields[] = {
	{ "serviceId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct create_in, service_id),
	    NULL },
	{ "scheduledDateTime", V_STRING, VF_REQUIRED, 1, 40, NULL,
	    IN(struct create_in, scheduled), check_time },
	COMMON_FIELDS
};

const struct input bookings_create_input = INPUT(struct create_in, create_fields, NULL);

/* POST /api/bookings/emergency: the time is "now" when left out. */
static const struct vfield emergency_fields[] = {
	{ "serviceId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct create_in, service_id),
	    NULL },
	{ "scheduledDateTime", V_STRING, 0, 1, 40, NULL, IN(struct create_in, scheduled),
	    check_time },
	COMMON_FIELDS
};

const struct input bookings_emergency_input = INPUT(struct create_in, emergency_fields, NULL);


/* "HH:mm" as minutes of the day; def when NULL. */
static int
hhmm(const char *s, int def)
{
	if (s == NULL || strlen(s) != 5)
		return def;
	return atoi(s) * 60 + atoi(s + 3);
}

/* The working_days JSON (["sunday", ...]) as bits by tm_wday; every day when NULL. */
static unsigned
days_mask(struct arena *a, const char *json)
{
	static const char *const names[] = { "sunday", "monday", "tuesday", "wednesday",
		"thursday", "friday", "saturday" };
	json_object *days;
	unsigned mask = 0;
	size_t i, j;

	if (json == NULL)
		return 0x7f;
	days = json_owned(a, json_tokener_parse(json));
	if (days == NULL || !json_object_is_type(days, json_type_array))
		return 0x7f;
	for (i = 0; i < json_object_array_length(days); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(days, i));

		for (j = 0; j < 7; j++)
			if (d != NULL && strcmp(d, names[j]) == 0)
				mask |= 1u << j;
	}
	return mask;
}

struct create_tx {
	const struct create_in *in;
	time_t                  when;
	const char             *scheduled_at;
	int                     year;
	int                     emergency;
	const char             *guest_hash;   /* a guest's booking: its token's hash */
	const char             *limit_hour;   /* a guest's: the hour the address is counted in */
	long long               technician;   /* /api/booking's professionalId, or 0 */
	const char             *time_field;   /* the fields a 422 names: scheduledDateTime, */
	const char             *service_field;/* serviceId (or /api/booking's date, service) */
	long long               id;
	int                     limited;      /* out: the address is over its limit */
};

static enum err issue_code(struct req *r, struct booking_row *b);

/* What each party is told of a booking's last move: the customer of every move but
 * their own; the technician of being given or taken the booking, and of its end.
 * MSG_NONE: nothing. */
static enum msg
told_customer(enum bk_event e)
{
	switch (e) {
	case EV_APPROVE: return MSG_NOTIFY_BOOKING_APPROVED;
	case EV_REJECT: return MSG_NOTIFY_BOOKING_REJECTED;
	case EV_ASSIGN: return MSG_NOTIFY_BOOKING_ASSIGNED;
	case EV_DEPART: return MSG_NOTIFY_BOOKING_ON_WAY;
	case EV_ARRIVE: return MSG_NOTIFY_BOOKING_ARRIVED;
	case EV_START: return MSG_NOTIFY_BOOKING_STARTED;
	case EV_COMPLETE: return MSG_NOTIFY_BOOKING_COMPLETED;
	case EV_CANCEL: return MSG_NOTIFY_BOOKING_CANCELLED;
	default: return MSG_NOTIFY_BOOKING_CHANGED;
	}
}

static enum msg
told_technician(enum bk_event e)
{
	switch (e) {
	case EV_ASSIGN: return MSG_NOTIFY_BOOKING_YOURS;
	case EV_UNASSIGN: return MSG_NOTIFY_BOOKING_UNASSIGNED;
	case EV_CANCEL: return MSG_NOTIFY_BOOKING_CANCELLED;
	default: return MSG_NONE;
	}
}

/* The in-app notification of a move for one party (and a push where their preferences
 * allow it), in the move's transaction (fcgi/store/notifications.h). A party that is
 * gone (a deleted account) is skipped. */
static enum err
tell(struct req *r, long long user_id, enum msg body, const struct booking_row *b)
{
	json_object *data = json_owned(r->a, json_object_new_object());
	struct notify_result res;
	enum db_rc rc;

	if (user_id <= 0 || user_id == r->user.id || body == MSG_NONE)
		return ERR_OK;
	json_object_object_add(data, "bookingId", json_object_new_int64(b->id));
	json_object_object_add(data, "status", json_object_new_string(b->list_status));
	json_object_object_add(data, "detailedStatus", json_object_new_string(b->status));
	rc = notify_msg(r->db, r->a, user_id, "booking_status", MSG_NOTIFY_BOOKING_TITLE, body,
	    data, NOTIFY_PUSH, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}


/* /api/booking's professionalId: the platform assigns the new booking to them when it
 * starts approved (a move of the machine by BK_SYSTEM, with its start code); one that
 * waits for approval keeps the request in its creation's history note, for staff. */
static enum err
assign_requested(struct req *r, struct create_tx *c, enum bk_status st)
{
	const struct bk_transition *t;
	struct booking_row b;
	json_object *ev;
	enum db_rc rc;
	enum err e;

	if (bk_apply(BK_SERVICE, st, EV_ASSIGN, BK_SYSTEM, 0, &t) != BK_OK)
		return ERR_OK;
	if ((rc = db_bookings_get(r->db, r->a, c->id, 1, &b)) != DB_OK)
		return fail_db(r, rc);
	b.technician_id = c->technician;
	if ((e = issue_code(r, &b)) != ERR_OK)
		return e;
	b.status = bk_status_name(t->to, BK_NAMES_CORE);
	b.list_status = bk_status_name(t->to, BK_NAMES_V0);
	if ((rc = db_bookings_update(r->db, r->a, &b)) != DB_OK ||
	    (rc = db_bookings_history(r->db, r->a, b.id, bk_status_name(st, BK_NAMES_CORE),
	    b.status, bk_event_name(EV_ASSIGN), 0, NULL, "professionalId")) != DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "status", json_object_new_string(b.list_status));
	json_object_object_add(ev, "detailedStatus", json_object_new_string(b.status));
	json_object_object_add(ev, "from", json_object_new_string(bk_status_name(st,
	    BK_NAMES_CORE)));
	json_object_object_add(ev, "event", json_object_new_string(bk_event_name(EV_ASSIGN)));
	json_object_object_add(ev, "technicianId", json_object_new_int64(b.technician_id));
	/* seed 000's events: every move is a status update; an assignment is also told as
	 * such */
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", b.id),
	    "booking:status-update", ev)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", b.id),
	    "booking:technician-assigned", ev)) != DB_OK)
		return fail_db(r, rc);
	return tell(r, b.technician_id, MSG_NOTIFY_BOOKING_YOURS, &b);
}

static enum err
create_work(struct req *r, void *ctx)
{
	struct create_tx *c = ctx;
	const struct create_in *in = c->in;
	struct booking_service svc;
	struct booking_new b;
	struct image_list images;
	enum bk_status st;
	json_object *ev;
	char number[32];
	long long seq;
	enum db_rc rc;
	enum err e;
	int emergency = c->emergency;

	if (c->guest_hash != NULL) {
		long long n, max;
		const char *ip = r->remote_addr != NULL ? r->remote_addr : "-";

		/* one locked step: the count of the address's hour, taken and read under its
		 * row lock; a refusal rolls it back */
		if ((rc = db_settings_int_or(r->db, r->a, GUEST_LIMIT_KEY, GUEST_LIMIT_DEFAULT, &max)) != DB_OK ||
		    (rc = db_bookings_guest_take(r->db, r->a, ip, c->limit_hour, &n)) != DB_OK)
			return fail_db(r, rc);
		if (n > max) {
			c->limited = 1;
			return fail_msg(r, ERR_RATE_LIMITED, MSG_BOOKING_GUEST_LIMIT);
		}
	}

	rc = db_bookings_service(r->db, r->a, in->service_id.i, &svc);
	if (rc == DB_NOTFOUND || (rc == DB_OK && !svc.is_active))
		return fail_field(r, ERR_VALIDATION, c->service_field, "INVALID_VALUE",
		    MSG_V_BOOKING_SERVICE);
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (emergency && !svc.is_emergency)
		return fail_field(r, ERR_VALIDATION, "isEmergency", "INVALID_VALUE",
		    MSG_V_BOOKING_EMERGENCY);
	if (!emergency) {
		struct tm local;
		long long dur = svc.duration > 0 && svc.duration < 24 * 60 ? svc.duration : 0;

		cairo_local(c->when, &local);
		if (!bk_fits_hours(local.tm_wday, local.tm_hour * 60 + local.tm_min, (int)dur,
		    days_mask(r->a, svc.working_days), hhmm(svc.hours_start, 0),
		    hhmm(svc.hours_end, 24 * 60)))
			return fail_field(r, ERR_VALIDATION, c->time_field, "OUT_OF_RANGE",
			    MSG_V_BOOKING_HOURS);
	}
	if ((rc = db_bookings_next_seq(r->db, r->a, c->year, &seq)) != DB_OK)
		return fail_db(r, rc);
	if (bk_number(number, sizeof(number), c->year, seq) < 0)
		return fail(r, ERR_INTERNAL);
	st = bk_initial(BK_SERVICE, svc.requires_approval);
	memset(&b, 0, sizeof(b));
	b.number = number;
	b.kind = "service";
	b.status = bk_status_name(st, BK_NAMES_CORE);
	b.list_status = bk_status_name(st, BK_NAMES_V0);
	b.customer_id = c->guest_hash != NULL ? 0 : r->user.id;
	b.guest_token_hash = c->guest_hash;
	b.service_id = in->service_id.i;
	b.scheduled_at = c->scheduled_at;
	b.is_emergency = emergency;
	b.address = in->address.s;
	b.city = in->city.s;
	b.governorate = in->governorate.s;
	b.location_notes = in_str(&in->location_notes);
	b.latitude = in->lat.set ? arena_printf(r->a, "%.6f", in->lat.d) : NULL;
	b.longitude = in->lng.set ? arena_printf(r->a, "%.6f", in->lng.d) : NULL;
	b.customer_name = in->name.s;
	b.customer_phone = in->phone.s;
	b.car_brand = in_str(&in->brand);
	b.car_model = in_str(&in->model);
	b.car_year = in->year.set && !in->year.null ? in->year.num : NULL;
	b.problem = in->problem.s;
	/* our uploads among them: the caller's own, read under a shared lock */
	if ((e = image_list_resolve(r, in->images.set && !in->images.null ? in->images.j : NULL,
	    "serviceDetails.images", in->image_ids.set && !in->image_ids.null ?
	    in->image_ids.j : NULL, "serviceDetails.imageIds", 10, &images)) != ERR_OK)
		return e;
	b.images = images.n > 0 || (in->images.set && !in->images.null) ?
	    image_list_text(r, &images) : NULL;
	b.base_price = svc.base_price;
	b.discount = 0;
	b.total = svc.base_price;
	b.currency = svc.currency != NULL ? svc.currency : "EGP";
	if (c->technician > 0) {
		int ok;

		if ((rc = db_bookings_technician_ok(r->db, r->a, c->technician, &ok)) != DB_OK)
			return fail_db(r, rc);
		if (!ok)
			return fail_field(r, ERR_VALIDATION, "professionalId", "INVALID_VALUE",
			    MSG_V_TECHNICIAN);
	}
	if ((rc = db_bookings_insert(r->db, r->a, &b, &c->id)) != DB_OK ||
	    (rc = db_upload_refs_replace(r->db, r->a, "booking", c->id, images.ids,
	    images.n)) != DB_OK ||
	    (rc = db_bookings_history(r->db, r->a, c->id, NULL, b.status, "create", r->user.id,
	    req_actor(r)->role, c->technician > 0 ? arena_printf(r->a,
	    "professionalId %lld", c->technician) : NULL)) != DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingId", json_object_new_int64(c->id));
	json_object_object_add(ev, "bookingNumber", json_object_new_string(number));
	json_object_object_add(ev, "status", json_object_new_string(b.list_status));
	json_object_object_add(ev, "detailedStatus", json_object_new_string(b.status));
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", c->id),
	    "booking.created", ev)) != DB_OK)
		return fail_db(r, rc);
	if (req_is_staff(r) && (rc = db_activity_record(r->db, r->a, req_actor(r), "booking.create",
	    "booking", c->id, ev)) != DB_OK)
		return fail_db(r, rc);
	if (c->technician > 0)
		return assign_requested(r, c, st);
	return ERR_OK;
}

/* The scheduled time against the settings: no sooner than the lead time (emergencies
 * are exempt) and no further ahead than the advance days. */
static enum err
check_window(struct req *r, const struct create_tx *c, time_t when, time_t now,
    int emergency)
{
	long long lead, days;
	enum db_rc rc;

	if ((rc = db_settings_int_or(r->db, r->a, LEAD_KEY, LEAD_DEFAULT, &lead)) != DB_OK ||
	    (rc = db_settings_int_or(r->db, r->a, ADVANCE_KEY, ADVANCE_DEFAULT, &days)) != DB_OK)
		return fail_db(r, rc);
	if (!emergency && when < now + lead * 60)
		return fail_field(r, ERR_VALIDATION, c->time_field, "OUT_OF_RANGE",
		    MSG_V_BOOKING_LEAD);
	if (when > now + days * 86400)
		return fail_field(r, ERR_VALIDATION, c->time_field, "OUT_OF_RANGE",
		    MSG_V_BOOKING_ADVANCE);
	return ERR_OK;
}

/* Both creations: the time checked, then one unit of work. */
static enum err
create(struct req *r, struct create_tx *c, time_t now, int ms)
{
	struct tm local;
	char buf[32];
	enum err e;

	if (c->time_field == NULL)
		c->time_field = "scheduledDateTime";
	if (c->service_field == NULL)
		c->service_field = "serviceId";
	if (c->emergency ? c->when < now - EMERGENCY_PAST_SECONDS : c->when <= now)
		return fail_field(r, ERR_VALIDATION, c->time_field, "OUT_OF_RANGE",
		    MSG_V_BOOKING_PAST);
	if ((e = check_window(r, c, c->when, now, c->emergency)) != ERR_OK)
		return e;
	c->scheduled_at = arena_strdup(r->a, db_time_utc(c->when, ms, buf, sizeof(buf)));
	cairo_local(now, &local);
	c->year = local.tm_year + 1900;
	return req_tx(r, create_work, c);
}

enum err
bookings_create(struct req *r)
{
	const struct create_in *in = r->in;
	struct create_tx c;
	time_t now = time(NULL);
	int ms;
	enum err e;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.emergency = in->emergency.set && in->emergency.i;
	iso_time_parse(in->scheduled.s, &c.when, &ms);   /* checked by check_time */
	if ((e = create(r, &c, now, ms)) != ERR_OK)
		return e;
	return reply_booking(r, 201, MSG_BOOKING_CREATED, c.id);
}

/* POST /api/bookings/emergency: public. A signed-in customer (or staff) gets an
 * ordinary booking of their own; a guest gets a booking without an account and its
 * guest token, shown once. */
enum err
bookings_emergency(struct req *r)
{
	const struct create_in *in = r->in;
	struct create_tx c;
	const char *token = NULL;
	time_t now = time(NULL);
	int ms = 0;
	enum err e;

	if (r->user.id != 0 && (r->user.role & (ROLE_CUSTOMER | ROLE_STAFF)) == 0)
		return fail(r, ERR_FORBIDDEN);
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.emergency = 1;
	c.when = now;
	if (in->scheduled.set)
		iso_time_parse(in->scheduled.s, &c.when, &ms);   /* checked by check_time */
	if (r->user.id == 0) {
		char hour[32];

		if ((token = new_guest_token(r->a, &c.guest_hash)) == NULL)
			return fail(r, ERR_INTERNAL);
		db_time_utc(now - now % 3600, 0, hour, sizeof(hour));
		c.limit_hour = arena_strndup(r->a, hour, 19);
	}
	if ((e = create(r, &c, now, ms)) != ERR_OK) {
		if (c.limited)
			resp_header_keep(r, "Retry-After: %lld", (long long)(3600 - now % 3600));
		return e;
	}
	return reply_booking_token(r, 201, MSG_BOOKING_CREATED, c.id, token);
}

/* --- POST /api/booking: {professionalId, service, date, time, address, notes} --- */

struct booking2_in {
	struct in_val professional, service, date, time, address, notes, city, governorate;
	struct in_val phone, name;
};

/* "HH:mm", 00:00 to 23:59. */
static const char *
check_hhmm(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *t = v->s;

	(void)a;
	*msg = MSG_V_BOOKING_TIME;
	if (strlen(t) != 5 || t[2] != ':' || strspn(t, "0123456789:") != 5 ||
	    atoi(t) > 23 || atoi(t + 3) > 59 || t[0] == ':' || t[3] == ':')
		return "INVALID_FORMAT";
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield booking2_fields[] = {
	{ "professionalId", V_INT, VF_NULLABLE, 1, LLONG_MAX, NULL,
	    IN(struct booking2_in, professional), NULL },
	{ "service", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct booking2_in, service),
	    NULL },
	{ "date", V_DATE, VF_REQUIRED, 0, 0, NULL, IN(struct booking2_in, date), NULL },
	{ "time", V_STRING, VF_REQUIRED, 5, 5, NULL, IN(struct booking2_in, time), check_hhmm },
	{ "address", V_STRING, VF_REQUIRED, 1, 500, NULL, IN(struct booking2_in, address), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 4000, NULL, IN(struct booking2_in, notes), NULL },
	{ "city", V_STRING, VF_NULLABLE, 0, 100, NULL, IN(struct booking2_in, city), NULL },
	{ "governorate", V_STRING, VF_NULLABLE, 0, 100, NULL, IN(struct booking2_in, governorate),
	    NULL },
	/* the contact: the account's phone and name unless given */
	{ "phoneNumber", V_PHONE, 0, 0, 0, NULL, IN(struct booking2_in, phone), NULL },
	{ "customerName", V_STRING, 0, 1, 200, NULL, IN(struct booking2_in, name), NULL },
};

const struct input booking_create_input = INPUT(struct booking2_in, booking2_fields, NULL);

static void
set_str(struct in_val *v, const char *s)
{
	v->set = 1;
	v->s = s != NULL ? s : "";
}

/* The date and time are Cairo wall-clock time: the booking is created as POST
 * /api/bookings would, and a 422 names date (the time) or service. */
enum err
booking_create(struct req *r)
{
	const struct booking2_in *in = r->in;
	struct create_in *ci = arena_alloc(r->a, sizeof(*ci));
	struct create_tx c;
	const char *phone = NULL, *name = NULL;
	time_t now = time(NULL);
	const char *iso;
	int ms;
	enum db_rc rc;
	enum err e;

	memset(ci, 0, sizeof(*ci));
	if ((rc = db_bookings_user_contact(r->db, r->a, r->user.id, &phone, &name)) != DB_OK)
		return fail_db(r, rc);
	if (in->phone.set)
		phone = in->phone.s;
	if (in->name.set)
		name = in->name.s;
	if (phone == NULL)
		return fail_field(r, ERR_VALIDATION, "phoneNumber", "REQUIRED", MSG_NONE);
	ci->service_id.set = 1;
	ci->service_id.i = in->service.i;
	set_str(&ci->address, in->address.s);
	set_str(&ci->city, in_str(&in->city));
	set_str(&ci->governorate, in_str(&in->governorate));
	set_str(&ci->name, name);
	set_str(&ci->phone, phone);
	set_str(&ci->problem, in_str(&in->notes));
	/* Cairo's offset at that wall-clock time: tried at +02:00, corrected in summer */
	iso = arena_printf(r->a, "%sT%s:00+02:00", in->date.s, in->time.s);
	memset(&c, 0, sizeof(c));
	if (iso_time_parse(iso, &c.when, &ms) != 0)
		return fail_field(r, ERR_VALIDATION, "date", "INVALID_FORMAT", MSG_NONE);
	if (cairo_offset(c.when - 3600) != 7200) {
		iso = arena_printf(r->a, "%sT%s:00+03:00", in->date.s, in->time.s);
		iso_time_parse(iso, &c.when, &ms);
	}
	c.in = ci;
	c.technician = in->professional.set && !in->professional.null ? in->professional.i : 0;
	c.time_field = "date";
	c.service_field = "service";
	if ((e = create(r, &c, now, 0)) != ERR_OK)
		return e;
	return reply_booking(r, 201, MSG_BOOKING_CREATED, c.id);
}

/* --- reads --- */

struct list_in {
	struct in_val page, limit, cursor, status, from, to, service, emergency;
	struct in_val sched_from, sched_to;
};

static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "status", V_ENUM, 0, 0, 0, v0_words, IN(struct list_in, status), NULL },
	/* created on or after this day, on or before that one (UTC days) */
	{ "from", V_DATE, 0, 0, 0, NULL, IN(struct list_in, from), NULL },
	{ "to", V_DATE, 0, 0, 0, NULL, IN(struct list_in, to), NULL },
	/* one of status, serviceId and isEmergency at a time: each has its own index */
	{ "serviceId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct list_in, service), NULL },
	{ "isEmergency", V_BOOL, 0, 0, 0, NULL, IN(struct list_in, emergency), NULL },
	/* scheduled on or after / on or before (UTC days): the list is then ordered by the
	 * scheduled time, alone (no other filter) */
	{ "scheduledFrom", V_DATE, 0, 0, 0, NULL, IN(struct list_in, sched_from), NULL },
	{ "scheduledTo", V_DATE, 0, 0, 0, NULL, IN(struct list_in, sched_to), NULL },
};

const struct input bookings_list_query = INPUT(struct list_in, list_fields, NULL);

/* GET /api/booking: no status filter (its words are not the lists' index). */
static const struct vfield booking_list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "from", V_DATE, 0, 0, 0, NULL, IN(struct list_in, from), NULL },
	{ "to", V_DATE, 0, 0, 0, NULL, IN(struct list_in, to), NULL },
	{ "serviceId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct list_in, service), NULL },
	{ "isEmergency", V_BOOL, 0, 0, 0, NULL, IN(struct list_in, emergency), NULL },
	/* scheduled on or after / on or before (UTC days): the list is then ordered by the
	 * scheduled time, alone (no other filter) */
	{ "scheduledFrom", V_DATE, 0, 0, 0, NULL, IN(struct list_in, sched_from), NULL },
	{ "scheduledTo", V_DATE, 0, 0, 0, NULL, IN(struct list_in, sched_to), NULL },
};

const struct input booking_list_query = INPUT(struct list_in, booking_list_fields, NULL);

static enum err
list_of(struct req *r, enum booking_scope scope, long long user_id)
{
	const struct list_in *in = r->qin;
	struct booking_list_query q;
	struct booking_list_page out;
	struct list_pos pos;
	enum err e;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	size_t i;
	enum db_rc rc;

	memset(&q, 0, sizeof(q));
	q.scope = scope;
	q.user_id = user_id;
	q.limit = in->limit.set ? in->limit.i : 10;
	q.list_status = in->status.set ? in->status.s : NULL;
	q.service_id = in->service.set ? in->service.i : 0;
	q.emergency = in->emergency.set ? (in->emergency.i != 0) : -1;
	if (in->service.set && in->status.set)
		return fail_field(r, ERR_VALIDATION, "serviceId", "INVALID_VALUE",
		    MSG_V_BOOKING_ONE_FILTER);
	if (in->emergency.set && (in->status.set || in->service.set))
		return fail_field(r, ERR_VALIDATION, "isEmergency", "INVALID_VALUE",
		    MSG_V_BOOKING_ONE_FILTER);
	q.from = in->from.set ? arena_printf(r->a, "%s 00:00:00.000", in->from.s) : NULL;
	q.to = in->to.set ? arena_printf(r->a, "%s 23:59:59.999", in->to.s) : NULL;
	if (in->sched_from.set || in->sched_to.set) {
		const char *f = in->sched_from.set ? "scheduledFrom" : "scheduledTo";

		if (in->status.set || in->service.set || in->emergency.set || in->from.set ||
		    in->to.set)
			return fail_field(r, ERR_VALIDATION, f, "INVALID_VALUE",
			    MSG_V_BOOKING_ONE_FILTER);
		q.by_scheduled = 1;
		q.from = in->sched_from.set ? arena_printf(r->a, "%s 00:00:00.000",
		    in->sched_from.s) : NULL;
		q.to = in->sched_to.set ? arena_printf(r->a, "%s 23:59:59.999", in->sched_to.s) :
		    NULL;
	}
	if ((e = list_position(r, &in->cursor, page, q.limit, BOOKINGS_WINDOW, &pos)) != ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if ((rc = db_bookings_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < json_object_array_length(out.items); i++)
		shape(r, json_object_array_get_idx(out.items, i));
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_list(r, MSG_BOOKING_LIST, out.items, &pg);
}

static enum err
list(struct req *r, enum booking_scope scope)
{
	return list_of(r, scope, r->user.id);
}

enum err
bookings_my(struct req *r)
{
	return list(r, BOOKINGS_CUSTOMER);
}

enum err
bookings_list(struct req *r)
{
	return list(r, req_is_staff(r) ? BOOKINGS_ALL : BOOKINGS_TECHNICIAN);
}

/* GET /api/technicians/:id/bookings (seed 000): the bookings assigned to that
 * technician, with the filters and paging of GET /api/bookings; staff see anyone's, a
 * technician only their own (403 otherwise, as the seed's matrix marks it). */
enum err
bookings_of_technician(struct req *r)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if (!req_is_staff(r) && id != r->user.id)
		return fail(r, ERR_FORBIDDEN);
	return list_of(r, BOOKINGS_TECHNICIAN, id);
}

/* GET /api/booking: "the user's bookings": a technician's assigned ones, staff every
 * one, anyone else their own. */
enum err
booking_list(struct req *r)
{
	if (req_is_staff(r))
		return list(r, BOOKINGS_ALL);
	return list(r, (r->user.role & ROLE_TECHNICIAN) ? BOOKINGS_TECHNICIAN :
	    BOOKINGS_CUSTOMER);
}

enum err
bookings_get(struct req *r)
{
	struct booking_row b;
	long long id;
	enum db_rc rc;
	enum err e;

	if (anonymous(r))
		return fail(r, ERR_UNAUTHORIZED);
	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_bookings_get(r->db, r->a, id, 0, &b)) != DB_OK)
		return fail_db(r, rc);
	if (party(r, &b) == 0)
		return fail(r, ERR_NOT_FOUND);
	return reply_booking(r, 200, MSG_BOOKING_FOUND, id);
}

/* Whole minutes from now until an ISO time, rounded up; 0 once it has passed. */
static long long
eta_minutes_left(const char *iso)
{
	time_t t, now = time(NULL);
	int ms;

	if (iso == NULL || iso_time_parse(iso, &t, &ms) != 0 || t <= now)
		return 0;
	return ((long long)(t - now) + 59) / 60;
}

/* GET /api/bookings/:id/tracking: the status word, its history with times, and the
 * technician's last position with the arrival time computed from it. */
enum err
bookings_tracking(struct req *r)
{
	struct booking_row b;
	json_object *out, *hist, *pos, *v;
	enum bk_status s;
	long long id;
	enum db_rc rc;
	enum err e;
	size_t i;

	if (anonymous(r))
		return fail(r, ERR_UNAUTHORIZED);
	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_bookings_get(r->db, r->a, id, 0, &b)) != DB_OK)
		return fail_db(r, rc);
	if (party(r, &b) == 0)
		return fail(r, ERR_NOT_FOUND);
	if ((rc = db_bookings_history_list(r->db, r->a, id, &hist)) != DB_OK)
		return fail_db(r, rc);
	json_owned(r->a, hist);
	if ((rc = db_bookings_tracking(r->db, r->a, id, &pos)) != DB_OK)
		return fail_db(r, rc);
	json_owned(r->a, pos);
	s = bk_status_parse(b.status, BK_NAMES_CORE);
	out = json_object_new_object();
	json_object_object_add(out, "bookingId", json_object_new_int64(id));
	json_object_object_add(out, "status", json_object_new_string(bk_status_name(s,
	    BK_NAMES_V0)));
	json_object_object_add(out, "detailedStatus", json_object_new_string(b.status));
	json_object_object_add(out, "history", json_object_new_array());
	json_object_object_get_ex(out, "history", &v);
	for (i = 0; i < json_object_array_length(hist); i++) {
		json_object *h = json_object_array_get_idx(hist, i), *to, *at, *item;

		item = json_object_new_object();
		if (json_object_object_get_ex(h, "to", &to)) {
			enum bk_status hs = bk_status_parse(json_object_get_string(to), BK_NAMES_CORE);

			json_object_object_add(item, "status", json_object_new_string(
			    bk_status_name(hs, BK_NAMES_V0)));
			json_object_object_add(item, "detailedStatus", json_object_get(to));
		}
		if (json_object_object_get_ex(h, "event", &to))
			json_object_object_add(item, "event", json_object_get(to));
		if (json_object_object_get_ex(h, "timestamp", &at))
			json_object_object_add(item, "timestamp", json_object_get(at));
		json_object_array_add(v, item);
	}
	if (b.technician_id > 0) {
		json_object *tech = json_object_new_object(), *lat, *eta;

		json_object_object_add(tech, "id", json_object_new_int64(b.technician_id));
		if (json_object_object_get_ex(pos, "latitude", &lat) && lat != NULL)
			json_object_object_add(tech, "location", json_object_get(pos));
		else
			json_object_object_add(tech, "location", NULL);
		json_object_object_add(out, "technician", tech);
		if (json_object_object_get_ex(pos, "etaAt", &eta) && eta != NULL) {
			json_object_object_add(out, "etaAt", json_object_get(eta));
			json_object_object_add(out, "etaMinutes", json_object_new_int64(
			    eta_minutes_left(json_object_get_string(eta))));
		} else {
			json_object_object_add(out, "etaAt", NULL);
			json_object_object_add(out, "etaMinutes", NULL);
		}
	} else {
		json_object_object_add(out, "technician", NULL);
		json_object_object_add(out, "etaAt", NULL);
		json_object_object_add(out, "etaMinutes", NULL);
	}
	return reply_ok(r, 200, MSG_BOOKING_TRACKING, out);
}

/* --- moves --- */

struct approve_in {
	struct in_val approved, notes;
};
static const struct vfield approve_fields[] = {
	{ "approved", V_BOOL, VF_REQUIRED, 0, 0, NULL, IN(struct approve_in, approved), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct approve_in, notes), NULL },
};
const struct input bookings_approve_input = INPUT(struct approve_in, approve_fields, NULL);

struct assign_in {
	struct in_val technician;
};
static const struct vfield assign_fields[] = {
	{ "technicianId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL,
	    IN(struct assign_in, technician), NULL },
};
const struct input bookings_assign_input = INPUT(struct assign_in, assign_fields, NULL);

struct cancel_in {
	struct in_val reason;
};
static const struct vfield cancel_fields[] = {
	{ "reason", V_STRING, VF_NULLABLE, 0, 1000, NULL, IN(struct cancel_in, reason), NULL },
};
const struct input bookings_cancel_input = INPUT(struct cancel_in, cancel_fields, NULL);

struct status_in {
	struct in_val status, notes, code;
};

/* Six digits. */
static const char *
check_code(struct in_val *v, struct arena *a, enum msg *msg)
{
	size_t i;

	(void)a;
	*msg = MSG_V_START_CODE;
	for (i = 0; v->s[i] != '\0'; i++)
		if (v->s[i] < '0' || v->s[i] > '9')
			return "INVALID_FORMAT";
	if (i != START_CODE_DIGITS)
		return "INVALID_FORMAT";
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield status_fields[] = {
	{ "status", V_ENUM, VF_REQUIRED, 0, 0, v0_words, IN(struct status_in, status), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct status_in, notes), NULL },
	/* the customer's start code, to start the work (in_progress) */
	{ "startCode", V_STRING, 0, 1, 12, NULL, IN(struct status_in, code), check_code },
};
const struct input bookings_status_input = INPUT(struct status_in, status_fields, NULL);

/* PUT /api/booking/:id/status: the same, in that family's words. */
static const struct vfield booking_status_fields[] = {
	{ "status", V_ENUM, VF_REQUIRED, 0, 0, booking_words, IN(struct status_in, status),
	    NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct status_in, notes), NULL },
	{ "startCode", V_STRING, 0, 1, 12, NULL, IN(struct status_in, code), check_code },
};
const struct input booking_status_input = INPUT(struct status_in, booking_status_fields,
    NULL);

/* One request's change: a single event, or (word) the moves to a status word. */
struct move_tx {
	long long     id;
	enum bk_event event;
	const char   *word;
	long long     technician;    /* EV_ASSIGN: who */
	const char   *note;          /* for the history (and staff's admin notes) */
	const char   *reason;        /* EV_CANCEL */
	const char   *code;          /* the start code given, or NULL */
	int           wrong_code;    /* out: the code was wrong (the try is counted) */
};

enum err
bookings_refuse(struct req *r, enum bk_result why)
{
	switch (why) {
	case BK_NOT_ALLOWED:
		return fail_msg(r, ERR_FORBIDDEN, MSG_BOOKING_NOT_ALLOWED);
	case BK_NEEDS_CODE:
		return fail_field(r, ERR_VALIDATION, "startCode", "REQUIRED", MSG_V_START_CODE);
	default:
		return fail_msg(r, ERR_CONFLICT, MSG_BOOKING_NO_MOVE);
	}
}

/* A new start code for the booking (every assignment gets its own): its hash on the
 * row, the code by SMS to the booking's contact phone, in the same transaction. */
static enum err
issue_code(struct req *r, struct booking_row *b)
{
	struct booking_contact to;
	json_object *payload;
	const char *code = random_digits(r->a, START_CODE_DIGITS);
	char *hash = arena_alloc(r->a, 65);
	enum lang lang = LANG_AR;
	enum db_rc rc;

	if ((rc = db_bookings_contact(r->db, r->a, b->id, &to)) != DB_OK)
		return fail_db(r, rc);
	if (to.lang != NULL)
		lang_parse(to.lang, &lang);
	sha256_hex(code, strlen(code), hash);
	b->start_code_hash = hash;
	b->start_code_failures = 0;
	payload = json_owned(r->a, json_object_new_object());
	json_object_object_add(payload, "name", json_new_str(to.first_name));
	json_object_object_add(payload, "code", json_object_new_string(code));
	if ((rc = db_outbox_queue(r->db, r->a, OUTBOX_SMS, b->customer_id, to.phone,
	    START_CODE_TEMPLATE, lang, NULL, payload)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
move_work(struct req *r, void *ctx)
{
	struct move_tx *m = ctx;
	const struct bk_transition *path[MAX_MOVES];
	struct booking_row b;
	enum bk_status from, cur;
	enum bk_kind kind;
	enum bk_result why;
	json_object *ev;
	enum err e;
	const char *role = req_actor(r)->role;
	unsigned who;
	int n, i, ok, with_code = 0;
	long long before_technician;
	enum db_rc rc;

	m->wrong_code = 0;
	if ((rc = db_bookings_get(r->db, r->a, m->id, 1, &b)) != DB_OK)
		return fail_db(r, rc);
	before_technician = b.technician_id;
	if ((who = party(r, &b)) == 0)
		return fail(r, ERR_NOT_FOUND);
	kind = b.kind != NULL && strcmp(b.kind, "job") == 0 ? BK_JOB : BK_SERVICE;
	from = cur = bk_status_parse(b.status, BK_NAMES_CORE);
	if (m->code != NULL && b.start_code_hash != NULL) {
		char hash[65];

		sha256_hex(m->code, strlen(m->code), hash);
		with_code = ct_streq(hash, b.start_code_hash);
	}
	if (m->word != NULL) {
		n = bk_path(kind, from, m->word, family(r), who, with_code, path, MAX_MOVES,
		    &why);
		if (n < 0 && why == BK_NEEDS_CODE && m->code != NULL) {
			/* the try is counted, and kept: this unit commits, the handler answers
			 * 422 (a code guessed one try at a time runs out) */
			m->wrong_code = 1;
			if (b.start_code_hash == NULL)
				return ERR_OK;
			if (++b.start_code_failures >= START_CODE_TRIES)
				b.start_code_hash = NULL;
			if ((rc = db_bookings_update(r->db, r->a, &b)) != DB_OK)
				return fail_db(r, rc);
			return ERR_OK;
		}
		if (n < 0)
			return bookings_refuse(r, why);
	} else {
		if ((why = bk_apply(kind, from, m->event, who, 0, &path[0])) != BK_OK)
			return bookings_refuse(r, why);
		n = 1;
	}
	if (n == 0)
		return ERR_OK;     /* the booking already shows that word: nothing changes */
	if (m->event == EV_ASSIGN) {
		if ((rc = db_bookings_technician_ok(r->db, r->a, m->technician, &ok)) != DB_OK)
			return fail_db(r, rc);
		if (!ok)
			return fail_field(r, ERR_VALIDATION, "technicianId", "INVALID_VALUE",
			    MSG_V_TECHNICIAN);
	}
	for (i = 0; i < n; i++) {
		const struct bk_transition *t = path[i];

		switch (t->event) {
		case EV_ASSIGN:
			if (m->technician == 0)    /* a status word never names a technician */
				return bookings_refuse(r, BK_NO_MOVE);
			b.technician_id = m->technician;
			if ((e = issue_code(r, &b)) != ERR_OK)
				return e;
			break;
		case EV_START:
			b.start_code_hash = NULL;    /* used */
			break;
		case EV_UNASSIGN:
		case EV_DECLINE:
			b.technician_id = 0;
			break;
		case EV_CANCEL: {
			struct bk_cancel_policy pol;
			long long fixed, pct;

			if ((rc = db_settings_int_or(r->db, r->a, FEE_FIXED_KEY, FEE_FIXED_DEFAULT, &fixed)) != DB_OK ||
			    (rc = db_settings_int_or(r->db, r->a, FEE_PERCENT_KEY, FEE_PERCENT_DEFAULT, &pct)) != DB_OK)
				return fail_db(r, rc);
			pol.fee_fixed = fixed;
			pol.fee_percent = pct > 100 ? 100 : (int)pct;
			b.cancellation_fee = bk_cancel_fee(&pol, cur, b.total);
			b.cancellation_reason = m->reason;
			break;
		}
		default:
			break;
		}
		if ((rc = db_bookings_history(r->db, r->a, b.id, bk_status_name(cur, BK_NAMES_CORE),
		    bk_status_name(t->to, BK_NAMES_CORE), bk_event_name(t->event), r->user.id, role,
		    m->note)) != DB_OK)
			return fail_db(r, rc);
		cur = t->to;
	}
	b.status = bk_status_name(cur, BK_NAMES_CORE);
	b.list_status = bk_status_name(cur, BK_NAMES_V0);
	if (who == BK_STAFF && m->note != NULL)
		b.admin_notes = m->note;
	if ((rc = db_bookings_update(r->db, r->a, &b)) != DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "status", json_object_new_string(b.list_status));
	json_object_object_add(ev, "detailedStatus", json_object_new_string(b.status));
	json_object_object_add(ev, "from", json_object_new_string(bk_status_name(from,
	    BK_NAMES_CORE)));
	json_object_object_add(ev, "event", json_object_new_string(bk_event_name(
	    path[n - 1]->event)));
	if (b.technician_id > 0)
		json_object_object_add(ev, "technicianId", json_object_new_int64(b.technician_id));
	if (b.cancellation_fee >= 0)
		json_object_object_add(ev, "cancellationFee",
		    json_object_new_int64(b.cancellation_fee));
	/* seed 000's events: every move is a status update; an assignment is also told as
	 * such */
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", b.id),
	    "booking:status-update", ev)) != DB_OK)
		return fail_db(r, rc);
	if (path[n - 1]->event == EV_ASSIGN && (rc = db_events_add(r->db, r->a,
	    arena_printf(r->a, "booking:%lld", b.id), "booking:technician-assigned", ev)) != DB_OK)
		return fail_db(r, rc);
	if (who == BK_STAFF && (rc = db_activity_record(r->db, r->a, req_actor(r),
	    arena_printf(r->a, "booking.%s", bk_event_name(path[n - 1]->event)), "booking",
	    b.id, ev)) != DB_OK)
		return fail_db(r, rc);
	/* each party hears of it (the one who made the move does not) */
	if ((e = tell(r, b.customer_id, told_customer(path[n - 1]->event), &b)) != ERR_OK ||
	    (e = tell(r, b.technician_id > 0 ? b.technician_id : before_technician,
	    told_technician(path[n - 1]->event), &b)) != ERR_OK)
		return e;
	return ERR_OK;
}

static enum err
move(struct req *r, struct move_tx *m, enum msg msg)
{
	enum err e;

	if (anonymous(r))
		return fail(r, ERR_UNAUTHORIZED);
	if ((e = req_param_id(r, 0, &m->id)) != ERR_OK)
		return e;
	m->wrong_code = 0;
	if ((e = req_tx(r, move_work, m)) != ERR_OK)
		return e;
	if (m->wrong_code)
		return fail_field(r, ERR_VALIDATION, "startCode", "INVALID_VALUE",
		    MSG_V_START_CODE_WRONG);
	return reply_booking(r, 200, msg, m->id);
}

enum err
bookings_approve(struct req *r)
{
	const struct approve_in *in = r->in;
	struct move_tx m = { 0, in->approved.i ? EV_APPROVE : EV_REJECT, NULL, 0,
		in_str(&in->notes), NULL, NULL, 0 };

	return move(r, &m, in->approved.i ? MSG_BOOKING_APPROVED : MSG_BOOKING_REJECTED);
}

enum err
bookings_assign(struct req *r)
{
	const struct assign_in *in = r->in;
	struct move_tx m = { 0, EV_ASSIGN, NULL, in->technician.i, NULL, NULL, NULL, 0 };

	return move(r, &m, MSG_BOOKING_ASSIGNED);
}

/* PUT .../cancel {reason}, and DELETE /api/v1/bookings/:id (no body). */
enum err
bookings_cancel(struct req *r)
{
	const struct cancel_in *in = r->in;
	const char *reason = in != NULL ? in_str(&in->reason) : NULL;
	struct move_tx m = { 0, EV_CANCEL, NULL, 0, reason, reason, NULL, 0 };

	return move(r, &m, MSG_BOOKING_CANCELLED);
}

enum err
bookings_status(struct req *r)
{
	const struct status_in *in = r->in;
	struct move_tx m = { 0, EV_NONE, in->status.s, 0, in_str(&in->notes),
		in_str(&in->notes), in->code.set ? in->code.s : NULL, 0 };

	return move(r, &m, MSG_BOOKING_UPDATED);
}

/* --- PUT /api/bookings/:id/location --- */

struct location_in {
	struct in_val lat, lng;
};
static const struct vfield location_fields[] = {
	{ "latitude", V_NUMBER, VF_REQUIRED, -90, 90, NULL, IN(struct location_in, lat), NULL },
	{ "longitude", V_NUMBER, VF_REQUIRED, -180, 180, NULL, IN(struct location_in, lng),
	    NULL },
};
const struct input bookings_location_input = INPUT(struct location_in, location_fields, NULL);

struct location_tx {
	long long id;
	double    lat, lng;
};

/* The assigned technician only, while travelling, there or at work: the position on
 * the booking, the arrival time from it (distance to the booking's place at the
 * configured average speed), and one realtime event of each for the booking's room. */
static enum err
location_work(struct req *r, void *ctx)
{
	struct location_tx *l = ctx;
	struct booking_row b;
	json_object *ev;
	enum bk_status s;
	const char *room, *at, *eta_at = NULL;
	char buf[32];
	time_t now = time(NULL);
	double speed, km = -1;
	int minutes = -1;
	unsigned who;
	enum db_rc rc;

	if ((rc = db_bookings_get(r->db, r->a, l->id, 1, &b)) != DB_OK)
		return fail_db(r, rc);
	if ((who = party(r, &b)) != BK_TECHNICIAN)
		return fail_msg(r, ERR_FORBIDDEN, MSG_BOOKING_NOT_ALLOWED);
	s = bk_status_parse(b.status, BK_NAMES_CORE);
	if (s != BK_ON_WAY && s != BK_ARRIVED && s != BK_IN_PROGRESS)
		return fail_msg(r, ERR_CONFLICT, MSG_BOOKING_NOT_UNDERWAY);
	if ((rc = setting_d(r, SPEED_KEY, SPEED_DEFAULT, &speed)) != DB_OK)
		return fail_db(r, rc);
	if (b.latitude != NULL && b.longitude != NULL) {
		km = geo_distance_km(l->lat, l->lng, strtod(b.latitude, NULL),
		    strtod(b.longitude, NULL));
		minutes = bk_eta_minutes(km, speed);
	}
	at = arena_strdup(r->a, db_time_utc(now, 0, buf, sizeof(buf)));
	if (minutes >= 0)
		eta_at = arena_strdup(r->a, db_time_utc(now + (time_t)minutes * 60, 0, buf,
		    sizeof(buf)));
	if ((rc = db_bookings_location(r->db, r->a, b.id, arena_printf(r->a, "%.6f", l->lat),
	    arena_printf(r->a, "%.6f", l->lng), at, eta_at)) != DB_OK)
		return fail_db(r, rc);
	room = arena_printf(r->a, "booking:%lld", b.id);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "technicianId", json_object_new_int64(b.technician_id));
	json_object_object_add(ev, "latitude", json_object_new_double(l->lat));
	json_object_object_add(ev, "longitude", json_object_new_double(l->lng));
	if ((rc = db_events_add(r->db, r->a, room, "booking:location-update", ev)) !=
	    DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "etaMinutes", minutes >= 0 ?
	    json_object_new_int(minutes) : NULL);
	json_object_object_add(ev, "distanceKm", km >= 0 ? json_object_new_double(km) : NULL);
	if ((rc = db_events_add(r->db, r->a, room, "booking:eta-update", ev)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
bookings_location(struct req *r)
{
	const struct location_in *in = r->in;
	struct location_tx l = { 0, in->lat.d, in->lng.d };
	enum err e;

	if ((e = req_param_id(r, 0, &l.id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, location_work, &l)) != ERR_OK)
		return e;
	return bookings_tracking(r);
}

/* --- for a booking's sub-resources (progress.c) --- */

unsigned
bookings_party(const struct req *r, const struct booking_row *b)
{
	return party(r, b);
}

int
bookings_anonymous(const struct req *r)
{
	return anonymous(r);
}

/* For jobs.c: a hired job's start code, made as an assignment's is. */
enum err
bookings_new_start_code(struct req *r, struct booking_row *b)
{
	return issue_code(r, b);
}
