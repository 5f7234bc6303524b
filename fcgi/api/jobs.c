/* /api/jobs: the craftsmen marketplace of seed 001 (§5.3–5.5). A job is a booking of
 * kind job, moved only by the state machine of fcgi/domain/booking.c with the same
 * history, realtime events and notifications as a service booking; quotes and
 * invitations hang off it (fcgi/domain/marketplace.h decides what may happen beside
 * the machine). Status words are the jobs family's Title Case (BK_NAMES_JOBS: Posted,
 * Quoted, Hired, "On The Way" ...); input takes them in any letter case or as the
 * internal names. A job the caller may not see is 404, never 403. docs/bookings.md,
 * "Jobs". */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/cairo_time.h"
#include "../core/crypto.h"
#include "../core/router.h"
#include "../domain/booking.h"
#include "../domain/marketplace.h"
#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/jobs.h"
#include "../store/notifications.h"
#include "../store/settings.h"
#include "../store/events.h"
#include "api.h"
#include "upload_refs.h"
#include "../store/uploads.h"

#define MAX_MOVES 8
#define START_CODE_TRIES 5
#define FEE_FIXED_KEY     "cancellation_fee_piastres"
#define FEE_FIXED_DEFAULT 5000
#define FEE_PERCENT_KEY   "cancellation_fee_percent"
#define FEE_PERCENT_DEFAULT 0
/* GET /api/jobs near a point: the distance when none is asked, and the most. */
#define NEAR_DEFAULT_KM 20.0
#define NEAR_MAX_KM 100.0
/* The platform's fee on a hired job's price, in basis points (1000 = 10 %). */
#define PLATFORM_FEE_KEY     "platform_fee_bps"
#define PLATFORM_FEE_DEFAULT 1000
/* Money in piastres: at most a hundred million pounds. */
#define MONEY_MAX 10000000000LL
/* The channels a marketplace notification asks for besides in-app (seed 001 §2.5:
 * in-app, push, e-mail); the recipient's preferences cut them. */
#define JOB_CHANNELS (NOTIFY_PUSH | NOTIFY_EMAIL)

static int
is_technician(const struct req *r)
{
	return (r->user.role & ROLE_TECHNICIAN) != 0;
}

static int
decimal(const char *s, double *out)
{
	char *end;

	if (s == NULL || *s == '\0' || strlen(s) > 24)
		return -1;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

/* --- the job row, the caller's part in it --- */

/* The job, locked or not; a booking that is not a job is no job (404). */
static enum err
load(struct req *r, long long id, int lock, struct booking_row *b)
{
	enum db_rc rc = db_bookings_get(r->db, r->a, id, lock, b);

	if (rc == DB_OK && (b->kind == NULL || strcmp(b->kind, "job") != 0))
		rc = DB_NOTFOUND;
	return rc == DB_OK ? ERR_OK : fail_db(r, rc);
}

static enum bk_status
status_of(const struct booking_row *b)
{
	return bk_status_parse(b->status, BK_NAMES_CORE);
}

/* Whether the caller may see the job: its parties; any technician while it is open
 * (the board); a technician who quoted on it or was invited to it. */
static enum err
visible(struct req *r, const struct booking_row *b, int *yes)
{
	enum db_rc rc;

	*yes = bookings_party(r, b) != 0;
	if (*yes || !is_technician(r))
		return ERR_OK;
	if (mk_job_open(status_of(b))) {
		*yes = 1;
		return ERR_OK;
	}
	if ((rc = db_jobs_involved(r->db, r->a, b->id, r->user.id, yes)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* --- how a job is shown --- */

static void
shape(json_object *j)
{
	json_object *st, *lat, *lng, *loc, *coords;
	enum bk_status s;

	if (json_object_object_get_ex(j, "status", &st) && json_object_is_type(st,
	    json_type_string)) {
		s = bk_status_parse(json_object_get_string(st), BK_NAMES_CORE);
		json_object_object_add(j, "detailedStatus",
		    json_object_new_string(bk_status_name(s, BK_NAMES_CORE)));
		json_object_object_add(j, "status",
		    json_object_new_string(bk_status_name(s, BK_NAMES_JOBS)));
	}
	/* seed 001's GeoJSON point: [longitude, latitude] */
	if (json_object_object_get_ex(j, "lat", &lat) && json_object_object_get_ex(j, "lng",
	    &lng) && !json_object_is_type(lat, json_type_null) &&
	    !json_object_is_type(lng, json_type_null)) {
		loc = json_object_new_object();
		coords = json_object_new_array();
		json_object_array_add(coords, json_object_get(lng));
		json_object_array_add(coords, json_object_get(lat));
		json_object_object_add(loc, "type", json_object_new_string("Point"));
		json_object_object_add(loc, "coordinates", coords);
		json_object_object_add(j, "location", loc);
	} else {
		json_object_object_add(j, "location", NULL);
	}
	json_object_object_del(j, "lat");
	json_object_object_del(j, "lng");
	/* seed 001's paymentType: Escrow, Cash, CashProtected (null until chosen) */
	if (json_object_object_get_ex(j, "paymentType", &st) && json_object_is_type(st,
	    json_type_string))
		json_object_object_add(j, "paymentType", json_object_new_string(mk_payment_name(
		    mk_payment_parse(json_object_get_string(st)))));
}

static enum err
reply_job(struct req *r, int status, enum msg msg, long long id, int history,
    json_object *extra, const char *extra_key)
{
	json_object *j, *hist;
	enum db_rc rc;

	if ((rc = db_jobs_view(r->db, r->a, id, &j)) != DB_OK)
		return fail_db(r, rc);
	shape(j);
	if (history) {
		if ((rc = db_bookings_history_list(r->db, r->a, id, &hist)) != DB_OK) {
			json_object_put(j);
			return fail_db(r, rc);
		}
		json_object_object_add(j, "statusHistory", hist);
	}
	if (extra != NULL)
		json_object_object_add(j, extra_key, extra);
	return reply_ok(r, status, msg, j);
}

/* --- notifications and events --- */

/* One party is told (in-app, and push and e-mail where their preferences allow), in the
 * step's transaction; never the one who took the step; a gone account is skipped. */
static enum err
tell(struct req *r, long long user_id, const char *type, enum msg body,
    const struct booking_row *b, const char *key, long long key_id)
{
	json_object *data = json_owned(r->a, json_object_new_object());
	struct notify_result res;
	enum bk_status s = status_of(b);
	enum db_rc rc;

	if (user_id <= 0 || user_id == r->user.id || body == MSG_NONE)
		return ERR_OK;
	json_object_object_add(data, "jobId", json_object_new_int64(b->id));
	json_object_object_add(data, "status", json_new_str(bk_status_name(s, BK_NAMES_JOBS)));
	json_object_object_add(data, "detailedStatus", json_new_str(b->status));
	if (key != NULL)
		json_object_object_add(data, key, json_object_new_int64(key_id));
	rc = notify_msg(r->db, r->a, user_id, type, MSG_NOTIFY_JOB_TITLE, body, data,
	    JOB_CHANNELS, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}

/* A realtime event in the job's room (booking:<id>, as every booking's). */
static enum err
event(struct req *r, const struct booking_row *b, const char *name, json_object *payload)
{
	enum db_rc rc;

	json_object_object_add(payload, "bookingId", json_object_new_int64(b->id));
	json_object_object_add(payload, "jobId", json_object_new_int64(b->id));
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", b->id),
	    name, payload)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Applies the machine's moves to the locked job b: a history row per move, the row
 * written, the status event, staff's activity row, and both parties told (seed 001
 * §2.5: "job status changes: both parties"). actor 0: the platform. */
static enum err
apply(struct req *r, struct booking_row *b, const struct bk_transition **path, int n,
    const char *note, const char *reason, int system)
{
	enum bk_status from = status_of(b), cur = from;
	json_object *ev;
	enum db_rc rc;
	enum err e;
	enum bk_event last;
	int i;

	for (i = 0; i < n; i++) {
		const struct bk_transition *t = path[i];

		if (t->event == EV_START)
			b->start_code_hash = NULL;    /* used */
		if (t->event == EV_CANCEL) {
			struct bk_cancel_policy pol;
			long long fixed, pct;

			if ((rc = db_settings_int_or(r->db, r->a, FEE_FIXED_KEY, FEE_FIXED_DEFAULT, &fixed)) != DB_OK ||
			    (rc = db_settings_int_or(r->db, r->a, FEE_PERCENT_KEY, FEE_PERCENT_DEFAULT, &pct)) != DB_OK)
				return fail_db(r, rc);
			pol.fee_fixed = fixed;
			pol.fee_percent = pct > 100 ? 100 : (int)pct;
			b->cancellation_fee = bk_cancel_fee(&pol, cur, b->total);
			b->cancellation_reason = reason;
		}
		if ((rc = db_bookings_history(r->db, r->a, b->id, bk_status_name(cur,
		    BK_NAMES_CORE), bk_status_name(t->to, BK_NAMES_CORE), bk_event_name(t->event),
		    system ? 0 : r->user.id, req_actor(r)->role, note)) != DB_OK)
			return fail_db(r, rc);
		cur = t->to;
	}
	last = path[n - 1]->event;
	b->status = bk_status_name(cur, BK_NAMES_CORE);
	b->list_status = bk_status_name(cur, BK_NAMES_V0);
	if ((rc = db_bookings_update(r->db, r->a, b)) != DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "status", json_object_new_string(bk_status_name(cur,
	    BK_NAMES_JOBS)));
	json_object_object_add(ev, "detailedStatus", json_object_new_string(b->status));
	json_object_object_add(ev, "from", json_object_new_string(bk_status_name(from,
	    BK_NAMES_CORE)));
	json_object_object_add(ev, "event", json_object_new_string(bk_event_name(last)));
	if (b->technician_id > 0)
		json_object_object_add(ev, "technicianId", json_object_new_int64(b->technician_id));
	if (b->cancellation_fee >= 0)
		json_object_object_add(ev, "cancellationFee",
		    json_object_new_int64(b->cancellation_fee));
	if ((e = event(r, b, "booking:status-update", ev)) != ERR_OK)
		return e;
	if (!system && req_is_staff(r) && (rc = db_activity_record(r->db, r->a, req_actor(r),
	    arena_printf(r->a, "job.%s", bk_event_name(last)), "booking", b->id, ev)) != DB_OK)
		return fail_db(r, rc);
	if (last == EV_QUOTE || last == EV_HIRE)
		return ERR_OK;    /* told by the quote's own notifications */
	if ((e = tell(r, b->customer_id, "status", last == EV_CANCEL ? MSG_NOTIFY_JOB_CANCELLED :
	    MSG_NOTIFY_JOB_STATUS, b, NULL, 0)) != ERR_OK ||
	    (e = tell(r, b->technician_id, "status", last == EV_CANCEL ?
	    MSG_NOTIFY_JOB_CANCELLED : MSG_NOTIFY_JOB_STATUS, b, NULL, 0)) != ERR_OK)
		return e;
	return ERR_OK;
}

/* The marketplace's refusals, each with its answer. */
static enum err
refuse_mk(struct req *r, enum mk_result why)
{
	switch (why) {
	case MK_JOB_NOT_POSTED:
		return fail_msg(r, ERR_CONFLICT, MSG_INVITE_NOT_POSTED);
	case MK_ALREADY_INVITED:
		return fail_field(r, ERR_CONFLICT, "craftsmanId", "DUPLICATE", MSG_INVITE_TWICE);
	case MK_INVITE_REJECTED:
		return r->user.id != 0 && is_technician(r) ?
		    fail_msg(r, ERR_CONFLICT, MSG_QUOTE_INVITE_REJECTED) :
		    fail_field(r, ERR_CONFLICT, "craftsmanId", "REJECTED", MSG_INVITE_REJECTED);
	case MK_ALREADY_ANSWERED:
		return fail_msg(r, ERR_CONFLICT, MSG_INVITATION_CLOSED);
	case MK_NOT_INVITED:
		return fail(r, ERR_NOT_FOUND);
	case MK_NOT_SPECIALIZED:
		return fail_msg(r, ERR_FORBIDDEN, MSG_QUOTE_NOT_SPECIALIZED);
	case MK_ALREADY_QUOTED:
		return fail_msg(r, ERR_CONFLICT, MSG_QUOTE_EXISTS);
	case MK_QUOTE_CLOSED:
		return fail_msg(r, ERR_CONFLICT, MSG_QUOTE_CLOSED);
	case MK_QUOTE_EXPIRED:
		return fail_msg(r, ERR_CONFLICT, MSG_QUOTE_EXPIRED);
	default:
		return fail_msg(r, ERR_CONFLICT, MSG_JOB_NOT_OPEN);
	}
}

/* --- input --- */

/* Seed 001's GeoJSON point's coordinates: [longitude, latitude]. */
static const char *
check_coordinates(struct in_val *v, struct arena *a, enum msg *msg)
{
	json_object *lng, *lat;

	(void)a;
	*msg = MSG_V_COORDINATES;
	if (!json_object_is_type(v->j, json_type_array) || json_object_array_length(v->j) != 2)
		return "INVALID_FORMAT";
	lng = json_object_array_get_idx(v->j, 0);
	lat = json_object_array_get_idx(v->j, 1);
	if ((!json_object_is_type(lng, json_type_int) && !json_object_is_type(lng,
	    json_type_double)) || (!json_object_is_type(lat, json_type_int) &&
	    !json_object_is_type(lat, json_type_double)))
		return "INVALID_FORMAT";
	if (fabs(json_object_get_double(lng)) > 180 || fabs(json_object_get_double(lat)) > 90)
		return "OUT_OF_RANGE";
	*msg = MSG_NONE;
	return NULL;
}

/* A category key, lower-cased ("Plumbing" is plumbing). */
static const char *
check_category(struct in_val *v, struct arena *a, enum msg *msg)
{
	char *s = arena_strdup(a, v->s), *p;

	(void)msg;
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	v->s = s;
	return NULL;
}

static const char *
check_future(struct in_val *v, struct arena *a, enum msg *msg)
{
	time_t t;
	int ms;

	(void)a;
	*msg = MSG_V_DATETIME;
	if (iso_time_parse(v->s, &t, &ms) != 0)
		return "INVALID_FORMAT";
	*msg = MSG_V_VALID_UNTIL;
	if (t <= time(NULL))
		return "OUT_OF_RANGE";
	*msg = MSG_NONE;
	return NULL;
}

/* An ISO time as the columns take it, UTC; NULL when absent (checked already). */
static const char *
db_time(struct req *r, const struct in_val *v)
{
	time_t t;
	int ms;
	char buf[32];

	if (!v->set || v->null || iso_time_parse(v->s, &t, &ms) != 0)
		return NULL;
	return arena_strdup(r->a, db_time_utc(t, ms, buf, sizeof(buf)));
}

struct job_in {
	struct in_val title, description, category, budget_min, budget_max;
	struct in_val address, city, governorate, location, type, coordinates, photos;
	struct in_val payment, photo_ids;
};

/* Seed 001's paymentType in either form; the stored word from here on. */
static const char *
check_payment(struct in_val *v, struct arena *a, enum msg *msg)
{
	enum mk_payment p = mk_payment_parse(v->s);

	(void)a;
	if (p == MKP_NONE) {
		*msg = MSG_V_PAYMENT_TYPE;
		return "INVALID_VALUE";
	}
	v->s = mk_payment_key(p);
	return NULL;
}

static void
check_budget(const void *p, json_object *errs, enum lang lang)
{
	const struct job_in *in = p;

	if (in->budget_min.set && !in->budget_min.null && in->budget_max.set &&
	    !in->budget_max.null && in->budget_min.i > in->budget_max.i)
		verror_add(errs, lang, "budgetMax", "OUT_OF_RANGE", MSG_V_BUDGET);
	/* a location is its coordinates */
	if (in->location.set && !in->location.null && !in->coordinates.set)
		verror_add(errs, lang, "location.coordinates", "REQUIRED", MSG_NONE);
}

static const char *const point_types[] = { "Point", NULL };

#define JOB_FIELDS(req) \
	{ "title", V_STRING, req, 3, 200, NULL, IN(struct job_in, title), NULL }, \
	{ "description", V_STRING, req, 1, 4000, NULL, IN(struct job_in, description), NULL }, \
	{ "category", V_STRING, req, 1, 40, NULL, IN(struct job_in, category), \
	    check_category }, \
	{ "budgetMin", V_INT, VF_NULLABLE, 0, MONEY_MAX, NULL, IN(struct job_in, budget_min), \
	    NULL }, \
	{ "budgetMax", V_INT, VF_NULLABLE, 0, MONEY_MAX, NULL, IN(struct job_in, budget_max), \
	    NULL }, \
	{ "address", V_STRING, req, 1, 500, NULL, IN(struct job_in, address), NULL }, \
	{ "city", V_STRING, 0, 0, 100, NULL, IN(struct job_in, city), NULL }, \
	{ "governorate", V_STRING, 0, 0, 100, NULL, IN(struct job_in, governorate), NULL }, \
	{ "location", V_OBJECT, VF_NULLABLE, 0, 0, NULL, IN(struct job_in, location), NULL }, \
	{ "location.type", V_ENUM, 0, 0, 0, point_types, IN(struct job_in, type), NULL }, \
	{ "location.coordinates", V_ANY, 0, 0, 0, NULL, \
	    IN(struct job_in, coordinates), check_coordinates }, \
	{ "photos", V_STRINGS, VF_NULLABLE, 0, 10, NULL, IN(struct job_in, photos), NULL }, \
	/* uploads by id, after photos' entries (docs/uploads.md, "References") */ \
	{ "photoIds", V_ARRAY, VF_NULLABLE, 0, 10, NULL, IN(struct job_in, photo_ids), \
	    check_upload_ids }, \
	{ "paymentType", V_STRING, 0, 1, 40, NULL, IN(struct job_in, payment), check_payment },

static const struct vfield create_fields[] = { JOB_FIELDS(VF_REQUIRED) };
static const struct vfield update_fields[] = { JOB_FIELDS(0) };

/* photos and photoIds: the list's addresses and its references, read in the unit of work
 * (upload_refs.h): the client's own uploads (staff: anyone's). */
static enum err
photos_of(struct req *r, const struct job_in *in, struct image_list *l)
{
	return image_list_resolve(r, in->photos.set && !in->photos.null ? in->photos.j : NULL,
	    "photos", in->photo_ids.set && !in->photo_ids.null ? in->photo_ids.j : NULL,
	    "photoIds", 10, l);
}

const struct input jobs_create_input = INPUT(struct job_in, create_fields, check_budget);
const struct input jobs_update_input = INPUT(struct job_in, update_fields, check_budget);

static void
point_of(struct req *r, const struct job_in *in, const char **lat, const char **lng)
{
	*lat = *lng = NULL;
	if (in->location.set && !in->location.null && in->coordinates.set) {
		*lng = arena_printf(r->a, "%.6f", json_object_get_double(
		    json_object_array_get_idx(in->coordinates.j, 0)));
		*lat = arena_printf(r->a, "%.6f", json_object_get_double(
		    json_object_array_get_idx(in->coordinates.j, 1)));
	}
}

static long long
budget(const struct in_val *v)
{
	return v->set && !v->null ? v->i : -1;
}

/* --- POST /api/jobs --- */

struct create_tx {
	const struct job_in *in;
	const char          *scheduled_at;
	int                  year;
	long long            id;
};

static enum err
category_ok(struct req *r, const char *key)
{
	enum db_rc rc;
	int ok;

	if ((rc = db_jobs_category_ok(r->db, r->a, key, &ok)) != DB_OK)
		return fail_db(r, rc);
	if (!ok)
		return fail_field(r, ERR_VALIDATION, "category", "INVALID_VALUE",
		    MSG_V_JOB_CATEGORY);
	return ERR_OK;
}

static enum err
create_work(struct req *r, void *ctx)
{
	struct create_tx *c = ctx;
	const struct job_in *in = c->in;
	struct booking_row b;
	struct job_new j;
	struct image_list photos;
	const char *phone, *name;
	enum bk_status st = bk_initial(BK_JOB, 0);
	char number[32];
	long long seq;
	enum db_rc rc;
	enum err e;
	json_object *ev;

	if ((e = category_ok(r, in->category.s)) != ERR_OK)
		return e;
	if ((rc = db_bookings_user_contact(r->db, r->a, r->user.id, &phone, &name)) != DB_OK ||
	    (rc = db_bookings_next_seq(r->db, r->a, c->year, &seq)) != DB_OK)
		return fail_db(r, rc);
	if (bk_number(number, sizeof(number), c->year, seq) < 0)
		return fail(r, ERR_INTERNAL);
	memset(&j, 0, sizeof(j));
	j.number = number;
	j.status = bk_status_name(st, BK_NAMES_CORE);
	j.list_status = bk_status_name(st, BK_NAMES_V0);
	j.customer_id = r->user.id;
	j.title = in->title.s;
	j.description = in->description.s;
	j.category = in->category.s;
	j.budget_min = budget(&in->budget_min);
	j.budget_max = budget(&in->budget_max);
	j.scheduled_at = c->scheduled_at;
	j.address = in->address.s;
	j.city = in->city.set ? in->city.s : "";
	j.governorate = in->governorate.set ? in->governorate.s : "";
	point_of(r, in, &j.latitude, &j.longitude);
	j.customer_name = name != NULL ? name : "";
	j.customer_phone = phone != NULL ? phone : "";
	if ((e = photos_of(r, in, &photos)) != ERR_OK)
		return e;
	j.images = photos.n > 0 || (in->photos.set && !in->photos.null) ?
	    image_list_text(r, &photos) : NULL;
	j.payment_type = in_str(&in->payment);
	if ((rc = db_jobs_insert(r->db, r->a, &j, &c->id)) != DB_OK ||
	    (rc = db_upload_refs_replace(r->db, r->a, "booking", c->id, photos.ids,
	    photos.n)) != DB_OK ||
	    (rc = db_bookings_history(r->db, r->a, c->id, NULL, j.status, "create", r->user.id,
	    req_actor(r)->role, NULL)) != DB_OK)
		return fail_db(r, rc);
	memset(&b, 0, sizeof(b));
	b.id = c->id;
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "bookingNumber", json_object_new_string(number));
	json_object_object_add(ev, "status", json_object_new_string(bk_status_name(st,
	    BK_NAMES_JOBS)));
	json_object_object_add(ev, "detailedStatus", json_object_new_string(j.status));
	json_object_object_add(ev, "category", json_object_new_string(j.category));
	return event(r, &b, "booking.created", ev);
}

enum err
jobs_create(struct req *r)
{
	struct create_tx c;
	struct tm local;
	time_t now = time(NULL);
	char buf[32];
	enum err e;

	memset(&c, 0, sizeof(c));
	c.in = r->in;
	c.scheduled_at = arena_strdup(r->a, db_time_utc(now, 0, buf, sizeof(buf)));
	cairo_local(now, &local);
	c.year = local.tm_year + 1900;
	if ((e = req_tx(r, create_work, &c)) != ERR_OK)
		return e;
	return reply_job(r, 201, MSG_JOB_CREATED, c.id, 1, NULL, NULL);
}

/* --- GET /api/jobs --- */

struct list_in {
	struct in_val page, limit, cursor, category, lat, lng, distance, budget_min, budget_max;
	struct in_val since, all;
};

static const char *
check_decimal(struct in_val *v, struct arena *a, enum msg *msg)
{
	double d;

	(void)a;
	*msg = MSG_V_LOCATION;
	if (decimal(v->s, &d) != 0)
		return "INVALID_FORMAT";
	v->d = d;
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "category", V_STRING, 0, 1, 40, NULL, IN(struct list_in, category), check_category },
	{ "lat", V_STRING, 0, 1, 24, NULL, IN(struct list_in, lat), check_decimal },
	{ "lng", V_STRING, 0, 1, 24, NULL, IN(struct list_in, lng), check_decimal },
	{ "distance", V_STRING, 0, 1, 24, NULL, IN(struct list_in, distance), check_decimal },
	{ "minBudget", V_INT, 0, 0, MONEY_MAX, NULL, IN(struct list_in, budget_min), NULL },
	{ "maxBudget", V_INT, 0, 0, MONEY_MAX, NULL, IN(struct list_in, budget_max), NULL },
	/* posted on or after this day (UTC) */
	{ "since", V_DATE, 0, 0, 0, NULL, IN(struct list_in, since), NULL },
	/* staff: every job, not only the open ones */
	{ "all", V_BOOL, 0, 0, 0, NULL, IN(struct list_in, all), NULL },
};

const struct input jobs_list_query = INPUT(struct list_in, list_fields, NULL);

enum err
jobs_list(struct req *r)
{
	const struct list_in *in = r->qin;
	struct job_list_query q;
	struct job_list_page out;
	struct list_pos pos;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	const char *board_only = NULL;
	enum err e;
	enum db_rc rc;
	size_t i;

	memset(&q, 0, sizeof(q));
	q.limit = in->limit.set ? in->limit.i : 10;
	q.budget_max = -1;
	if (in->category.set)
		board_only = "category";
	else if (in->lat.set || in->lng.set)
		board_only = in->lat.set ? "lat" : "lng";
	else if (in->distance.set)
		board_only = "distance";
	else if (in->budget_min.set)
		board_only = "minBudget";
	else if (in->budget_max.set)
		board_only = "maxBudget";
	if (req_is_staff(r) && in->all.set && in->all.i) {
		q.scope = JOBS_ALL;
	} else if (req_is_staff(r) || is_technician(r)) {
		q.scope = JOBS_OPEN;
		board_only = NULL;
	} else {
		q.scope = JOBS_CUSTOMER;
		q.user_id = r->user.id;
	}
	if (in->all.set && in->all.i && !req_is_staff(r))
		return fail(r, ERR_FORBIDDEN);
	if (board_only != NULL)
		return fail_field(r, ERR_VALIDATION, board_only, "INVALID_VALUE",
		    MSG_V_BROWSE_ONLY);
	if (q.scope == JOBS_OPEN) {
		if (in->lat.set != in->lng.set)
			return fail_field(r, ERR_VALIDATION, in->lat.set ? "lng" : "lat", "REQUIRED",
			    MSG_V_POINT_PAIR);
		if (in->distance.set && !in->lat.set)
			return fail_field(r, ERR_VALIDATION, "lat", "REQUIRED", MSG_V_POINT_PAIR);
		if (in->lat.set) {
			if (fabs(in->lat.d) > 90)
				return fail_field(r, ERR_VALIDATION, "lat", "OUT_OF_RANGE",
				    MSG_V_LOCATION);
			if (fabs(in->lng.d) > 180)
				return fail_field(r, ERR_VALIDATION, "lng", "OUT_OF_RANGE",
				    MSG_V_LOCATION);
			q.near = 1;
			q.lat = in->lat.d;
			q.lng = in->lng.d;
			q.km = in->distance.set ? in->distance.d : NEAR_DEFAULT_KM;
			if (!(q.km > 0) || q.km > NEAR_MAX_KM)
				return fail_field(r, ERR_VALIDATION, "distance", "OUT_OF_RANGE",
				    MSG_V_OUT_OF_RANGE);
		}
		q.category = in->category.set ? in->category.s : NULL;
		q.budget_min = in->budget_min.set ? in->budget_min.i : 0;
		q.budget_max = in->budget_max.set ? in->budget_max.i : -1;
	} else if (in->all.set && q.scope == JOBS_ALL && (in->category.set || in->lat.set ||
	    in->lng.set || in->distance.set || in->budget_min.set || in->budget_max.set)) {
		return fail_field(r, ERR_VALIDATION, "all", "INVALID_VALUE", MSG_V_BROWSE_ONLY);
	}
	q.since = in->since.set ? arena_printf(r->a, "%s 00:00:00.000", in->since.s) : NULL;
	if ((e = list_position(r, &in->cursor, page, q.limit, JOBS_WINDOW, &pos)) != ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if ((rc = db_jobs_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < json_object_array_length(out.items); i++)
		shape(json_object_array_get_idx(out.items, i));
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_list(r, MSG_JOB_LIST, out.items, &pg);
}

/* --- GET /api/jobs/:jobId --- */

enum err
jobs_get(struct req *r)
{
	struct booking_row b;
	long long id;
	enum err e;
	int yes;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK || (e = load(r, id, 0, &b)) != ERR_OK ||
	    (e = visible(r, &b, &yes)) != ERR_OK)
		return e;
	if (!yes)
		return fail(r, ERR_NOT_FOUND);
	return reply_job(r, 200, MSG_JOB_FOUND, id, bookings_party(r, &b) != 0, NULL, NULL);
}

/* --- PUT /api/jobs/:jobId --- */

struct update_tx {
	long long            id;
	const struct job_in *in;
};

static enum err
update_work(struct req *r, void *ctx)
{
	struct update_tx *u = ctx;
	const struct job_in *in = u->in;
	struct booking_row b;
	struct job_edit ed;
	struct image_list photos = { NULL, NULL, 0 };
	json_object *view, *bud, *v;
	long long lo, hi;
	enum db_rc rc;
	enum err e;

	if ((e = load(r, u->id, 1, &b)) != ERR_OK)
		return e;
	if (bookings_party(r, &b) != BK_CUSTOMER && bookings_party(r, &b) != BK_STAFF)
		return fail(r, ERR_NOT_FOUND);
	if (!mk_job_open(status_of(&b)))
		return fail_msg(r, ERR_CONFLICT, MSG_JOB_NOT_OPEN);
	if (in->category.set && (e = category_ok(r, in->category.s)) != ERR_OK)
		return e;
	memset(&ed, 0, sizeof(ed));
	ed.title = in_str(&in->title);
	ed.description = in_str(&in->description);
	ed.category = in_str(&in->category);
	ed.address = in_str(&in->address);
	ed.city = in_str(&in->city);
	ed.governorate = in_str(&in->governorate);
	ed.budget_min = in->budget_min.set ? budget(&in->budget_min) : -2;
	ed.budget_max = in->budget_max.set ? budget(&in->budget_max) : -2;
	/* the budget as it will be: its minimum no more than its maximum */
	if ((rc = db_jobs_view(r->db, r->a, b.id, &view)) != DB_OK)
		return fail_db(r, rc);
	json_owned(r->a, view);
	lo = ed.budget_min;
	hi = ed.budget_max;
	if (json_object_object_get_ex(view, "budget", &bud)) {
		if (lo == -2)
			lo = json_object_object_get_ex(bud, "min", &v) && !json_object_is_type(v,
			    json_type_null) ? json_object_get_int64(v) : -1;
		if (hi == -2)
			hi = json_object_object_get_ex(bud, "max", &v) && !json_object_is_type(v,
			    json_type_null) ? json_object_get_int64(v) : -1;
	}
	if (lo >= 0 && hi >= 0 && lo > hi)
		return fail_field(r, ERR_VALIDATION, in->budget_max.set ? "budgetMax" :
		    "budgetMin", "OUT_OF_RANGE", MSG_V_BUDGET);
	if (in->location.set) {
		ed.set_point = 1;
		point_of(r, in, &ed.latitude, &ed.longitude);
	}
	if (in->photos.set || in->photo_ids.set) {
		/* either field replaces the list (photos first, then photoIds) */
		if ((e = photos_of(r, in, &photos)) != ERR_OK)
			return e;
		ed.set_images = 1;
		ed.images = photos.n > 0 || (in->photos.set && !in->photos.null) ||
		    (in->photo_ids.set && !in->photo_ids.null) ? image_list_text(r, &photos) : NULL;
	}
	ed.payment_type = in_str(&in->payment);
	if ((rc = db_jobs_edit(r->db, r->a, b.id, &ed)) != DB_OK)
		return fail_db(r, rc);
	if (ed.set_images && (rc = db_upload_refs_replace(r->db, r->a, "booking", b.id,
	    photos.ids, photos.n)) != DB_OK)
		return fail_db(r, rc);
	v = json_owned(r->a, json_object_new_object());
	json_object_object_add(v, "status", json_object_new_string(bk_status_name(
	    status_of(&b), BK_NAMES_JOBS)));
	if ((e = event(r, &b, "job:updated", v)) != ERR_OK)
		return e;
	if (req_is_staff(r) && (rc = db_activity_record(r->db, r->a, req_actor(r), "job.update",
	    "booking", b.id, NULL)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
jobs_update(struct req *r)
{
	const struct job_in *in = r->in;
	struct update_tx u = { 0, in };
	enum err e;

	if ((e = req_param_id(r, 0, &u.id)) != ERR_OK)
		return e;
	if (!in->title.set && !in->description.set && !in->category.set &&
	    !in->budget_min.set && !in->budget_max.set && !in->address.set && !in->city.set &&
	    !in->governorate.set && !in->location.set && !in->photos.set && !in->payment.set &&
	    !in->photo_ids.set)
		return fail_field(r, ERR_VALIDATION, "body", "NO_KNOWN_FIELD", MSG_V_NO_KNOWN_FIELD);
	if ((e = req_tx(r, update_work, &u)) != ERR_OK)
		return e;
	return reply_job(r, 200, MSG_JOB_UPDATED, u.id, 1, NULL, NULL);
}

/* --- moves: DELETE /api/jobs/:jobId, PATCH /api/jobs/:jobId/status --- */

struct move_tx {
	long long   id;
	const char *word;        /* a jobs word, or NULL: cancel */
	const char *code, *note, *reason;
	int         wrong_code;  /* out */
};

/* The quotes still pending when a job closes are declined, their technicians told. */
static enum err
decline_pending(struct req *r, const struct booking_row *b, long long except)
{
	long long *ids;
	size_t n, i;
	enum db_rc rc;
	enum err e;

	if ((rc = db_quotes_decline_others(r->db, r->a, b->id, except, &ids, &n)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < n; i++)
		if ((e = tell(r, ids[i], "quote", MSG_NOTIFY_JOB_QUOTE_DECLINED, b, NULL, 0)) !=
		    ERR_OK)
			return e;
	return ERR_OK;
}

static enum err
move_work(struct req *r, void *ctx)
{
	struct move_tx *m = ctx;
	const struct bk_transition *path[MAX_MOVES];
	struct booking_row b;
	enum bk_result why;
	unsigned who;
	int n, yes, with_code = 0;
	enum db_rc rc;
	enum err e;

	m->wrong_code = 0;
	if ((e = load(r, m->id, 1, &b)) != ERR_OK || (e = visible(r, &b, &yes)) != ERR_OK)
		return e;
	if (!yes)
		return fail(r, ERR_NOT_FOUND);
	who = bookings_party(r, &b);
	/* a disputed job has its dispute record (reason, clock, evidence, decision): it is
	 * opened by POST /api/disputes, never by a status change alone */
	if (m->word != NULL && strcmp(m->word, bk_status_name(BK_DISPUTED, BK_NAMES_JOBS)) == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_JOB_DISPUTE_ROUTE);
	if (m->word == NULL) {
		if (who != BK_CUSTOMER && who != BK_STAFF)
			return fail(r, ERR_NOT_FOUND);
		if ((why = bk_apply(BK_JOB, status_of(&b), EV_CANCEL, who, 0, &path[0])) != BK_OK)
			return bookings_refuse(r, why);
		n = 1;
	} else {
		if (m->code != NULL && b.start_code_hash != NULL) {
			char hash[65];

			sha256_hex(m->code, strlen(m->code), hash);
			with_code = ct_streq(hash, b.start_code_hash);
		}
		n = bk_path(BK_JOB, status_of(&b), m->word, BK_NAMES_JOBS, who, with_code, path,
		    MAX_MOVES, &why);
		if (n < 0 && why == BK_NEEDS_CODE && m->code != NULL) {
			/* the wrong try is counted and kept (this unit commits; 422 after) */
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
		if (n == 0)
			return ERR_OK;
		/* a hire names a quote: POST .../quotes/:quoteId/accept, or quoteId here */
		if (path[0]->event == EV_HIRE)
			return fail_field(r, ERR_VALIDATION, "quoteId", "REQUIRED", MSG_V_QUOTE_ID);
	}
	if ((e = apply(r, &b, path, n, m->note, m->reason, 0)) != ERR_OK)
		return e;
	if (path[n - 1]->event == EV_CANCEL)
		return decline_pending(r, &b, 0);
	return ERR_OK;
}

static enum err
move(struct req *r, struct move_tx *m, enum msg msg)
{
	enum err e;

	if ((e = req_param_id(r, 0, &m->id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, move_work, m)) != ERR_OK)
		return e;
	if (m->wrong_code)
		return fail_field(r, ERR_VALIDATION, "startCode", "INVALID_VALUE",
		    MSG_V_START_CODE_WRONG);
	return reply_job(r, 200, msg, m->id, 1, NULL, NULL);
}

/* DELETE /api/jobs/:jobId: the client (or staff) cancels; no body (a reason goes with
 * PATCH .../status {"status": "Cancelled", "notes"}). */
enum err
jobs_cancel(struct req *r)
{
	struct move_tx m = { 0, NULL, NULL, NULL, NULL, 0 };

	return move(r, &m, MSG_JOB_CANCELLED);
}

/* DELETE /api/admin/jobs/:jobId (seed 001 §5.8): staff take a posting down whatever
 * its owner wants, with an optional reason. It is the staff's cancel: the pending quotes
 * are declined, the owner and the quoters told, the activity log records job.cancel
 * with the staff member as actor, and the job leaves the board; its history stays. */
struct remove_in {
	struct in_val reason;
};

static const struct vfield remove_fields[] = {
	{ "reason", V_STRING, VF_NULLABLE, 0, 1000, NULL, IN(struct remove_in, reason), NULL },
};
const struct input jobs_remove_input = INPUT(struct remove_in, remove_fields, NULL);

enum err
jobs_remove(struct req *r)
{
	const struct remove_in *in = r->in;
	const char *why = in != NULL ? in_str(&in->reason) : NULL;
	struct move_tx m = { 0, NULL, NULL, why, why, 0 };

	return move(r, &m, MSG_JOB_CANCELLED);
}

struct status_in {
	struct in_val status, code, notes, quote, payment;
};

static const char *
check_word(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *w = mk_job_word(v->s);

	(void)a;
	if (w == NULL) {
		*msg = MSG_V_JOB_STATUS;
		return "INVALID_VALUE";
	}
	v->s = w;
	return NULL;
}

static const char *
check_code(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *p;

	(void)a;
	for (p = v->s; *p >= '0' && *p <= '9'; p++)
		;
	if (*p != '\0' || p - v->s != 6) {
		*msg = MSG_V_START_CODE_WRONG;
		return "INVALID_FORMAT";
	}
	return NULL;
}

static const struct vfield status_fields[] = {
	{ "status", V_STRING, VF_REQUIRED, 1, 40, NULL, IN(struct status_in, status), check_word },
	{ "startCode", V_STRING, 0, 1, 6, NULL, IN(struct status_in, code), check_code },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct status_in, notes), NULL },
	{ "quoteId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct status_in, quote), NULL },
	{ "paymentType", V_STRING, 0, 1, 40, NULL, IN(struct status_in, payment), check_payment },
};
const struct input jobs_status_input = INPUT(struct status_in, status_fields, NULL);

static enum err accept(struct req *r, long long job, long long quote, const char *payment);

enum err
jobs_status(struct req *r)
{
	const struct status_in *in = r->in;
	struct move_tx m = { 0, in->status.s, in->code.set ? in->code.s : NULL,
		in_str(&in->notes), in_str(&in->notes), 0 };
	enum err e;

	if (strcmp(in->status.s, bk_status_name(BK_HIRED, BK_NAMES_JOBS)) == 0 &&
	    in->quote.set) {
		if ((e = req_param_id(r, 0, &m.id)) != ERR_OK)
			return e;
		return accept(r, m.id, in->quote.i, in_str(&in->payment));
	}
	return move(r, &m, MSG_BOOKING_UPDATED);
}

/* --- quotes --- */

struct quote_in {
	struct in_val price, notes, valid_until;
};

static const struct vfield quote_fields[] = {
	{ "price", V_INT, VF_REQUIRED, 1, MONEY_MAX, NULL, IN(struct quote_in, price), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct quote_in, notes), NULL },
	{ "validUntil", V_STRING, VF_NULLABLE, 1, 40, NULL, IN(struct quote_in, valid_until),
	    check_future },
};
static const struct vfield revise_fields[] = {
	{ "price", V_INT, 0, 1, MONEY_MAX, NULL, IN(struct quote_in, price), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct quote_in, notes), NULL },
	{ "validUntil", V_STRING, VF_NULLABLE, 1, 40, NULL, IN(struct quote_in, valid_until),
	    check_future },
};
const struct input quotes_create_input = INPUT(struct quote_in, quote_fields, NULL);
const struct input quotes_revise_input = INPUT(struct quote_in, revise_fields, NULL);

struct quote_tx {
	long long               job, quote;
	const struct quote_in  *in;
	int                     withdraw;
	const char             *payment;  /* acceptance: the stored word, or NULL */
};

static enum err
quote_work(struct req *r, void *ctx)
{
	struct quote_tx *t = ctx;
	struct booking_row b;
	const char *cat, *inv_status;
	long long inv_id, live;
	int yes, specialized;
	enum mk_result why;
	enum db_rc rc;
	enum err e;
	json_object *ev;

	/* the job's row first: every step on a job's quotes is ordered by it */
	if ((e = load(r, t->job, 1, &b)) != ERR_OK || (e = visible(r, &b, &yes)) != ERR_OK)
		return e;
	if (!yes)
		return fail(r, ERR_NOT_FOUND);
	if ((rc = db_invitations_lock(r->db, r->a, b.id, r->user.id, &inv_id, &inv_status)) !=
	    DB_OK || (rc = db_jobs_category(r->db, r->a, b.id, &cat)) != DB_OK ||
	    (rc = db_jobs_specialized(r->db, r->a, r->user.id, cat, &specialized)) != DB_OK ||
	    (rc = db_quotes_live(r->db, r->a, b.id, r->user.id, &live)) != DB_OK)
		return fail_db(r, rc);
	if ((why = mk_can_quote(status_of(&b), mk_invitation_parse(inv_status), specialized,
	    live != 0)) != MK_OK)
		return refuse_mk(r, why);
	if ((rc = db_quotes_insert(r->db, r->a, b.id, r->user.id, t->in->price.i,
	    in_str(&t->in->notes), db_time(r, &t->in->valid_until), &t->quote)) != DB_OK)
		return fail_db(r, rc);
	/* the first quote moves a posted job to quoted (the platform's move) */
	if (status_of(&b) == BK_POSTED) {
		const struct bk_transition *path[1];

		if (bk_apply(BK_JOB, BK_POSTED, EV_QUOTE, BK_SYSTEM, 0, &path[0]) == BK_OK &&
		    (e = apply(r, &b, path, 1, arena_printf(r->a, "quote %lld", t->quote), NULL,
		    1)) != ERR_OK)
			return e;
	}
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "quoteId", json_object_new_int64(t->quote));
	json_object_object_add(ev, "craftsmanId", json_object_new_int64(r->user.id));
	json_object_object_add(ev, "price", json_object_new_int64(t->in->price.i));
	if ((e = event(r, &b, "job:quote-submitted", ev)) != ERR_OK)
		return e;
	return tell(r, b.customer_id, "quote", MSG_NOTIFY_JOB_QUOTED, &b, "quoteId", t->quote);
}

static enum err
reply_quote(struct req *r, int status, enum msg msg, long long id)
{
	json_object *q;
	enum db_rc rc;

	if ((rc = db_quotes_view(r->db, r->a, id, &q)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, status, msg, q);
}

enum err
quotes_create(struct req *r)
{
	struct quote_tx t = { 0, 0, r->in, 0, NULL };
	enum err e;

	if ((e = req_param_id(r, 0, &t.job)) != ERR_OK ||
	    (e = verification_may_quote(r)) != ERR_OK ||   /* unverified_can_quote */
	    (e = req_tx(r, quote_work, &t)) != ERR_OK)
		return e;
	return reply_quote(r, 201, MSG_QUOTE_CREATED, t.quote);
}

enum err
quotes_list(struct req *r)
{
	struct booking_row b;
	struct page pg = { 0 };
	json_object *items;
	long long id;
	unsigned who;
	enum db_rc rc;
	enum err e;
	int yes;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK || (e = load(r, id, 0, &b)) != ERR_OK ||
	    (e = visible(r, &b, &yes)) != ERR_OK)
		return e;
	if (!yes)
		return fail(r, ERR_NOT_FOUND);
	who = bookings_party(r, &b);
	/* the client and staff see every quote; a technician only their own */
	rc = db_quotes_list(r->db, r->a, id, who == BK_CUSTOMER || who == BK_STAFF ? 0 :
	    r->user.id, &items);
	if (rc != DB_OK)
		return fail_db(r, rc);
	pg.page = 1;
	pg.limit = JOBS_CHILD_MAX;
	pg.total = (long long)json_object_array_length(items);
	return reply_list(r, MSG_QUOTE_LIST, items, &pg);
}

/* PUT .../quotes/:quoteId (revise) and POST .../withdraw: the quote's technician, while
 * it is pending on an open job. */
static enum err
change_work(struct req *r, void *ctx)
{
	struct quote_tx *t = ctx;
	struct booking_row b;
	struct quote_row q;
	enum mk_result why;
	enum db_rc rc;
	enum err e;
	json_object *ev;

	if ((e = load(r, t->job, 1, &b)) != ERR_OK)
		return e;
	rc = db_quotes_lock(r->db, r->a, b.id, t->quote, &q);
	if (rc == DB_OK && q.technician_id != r->user.id)
		rc = DB_NOTFOUND;
	if (rc != DB_OK)
		return fail_db(r, rc);
	if ((why = mk_can_change_quote(status_of(&b), mk_quote_parse(q.status))) != MK_OK)
		return refuse_mk(r, why);
	if (t->withdraw) {
		q.status = mk_quote_name(MKQ_WITHDRAWN);
	} else {
		if (t->in->price.set)
			q.price = t->in->price.i;
		if (t->in->notes.set)
			q.notes = in_str(&t->in->notes);
		if (t->in->valid_until.set)
			q.valid_until = db_time(r, &t->in->valid_until);
		q.revisions++;
	}
	if ((rc = db_quotes_update(r->db, r->a, &q)) != DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "quoteId", json_object_new_int64(q.id));
	json_object_object_add(ev, "quoteStatus", json_object_new_string(q.status));
	json_object_object_add(ev, "price", json_object_new_int64(q.price));
	if ((e = event(r, &b, t->withdraw ? "job:quote-withdrawn" : "job:quote-revised", ev)) !=
	    ERR_OK)
		return e;
	return tell(r, b.customer_id, "quote", t->withdraw ? MSG_NOTIFY_JOB_QUOTE_WITHDRAWN :
	    MSG_NOTIFY_JOB_QUOTE_REVISED, &b, "quoteId", q.id);
}

static enum err
change(struct req *r, int withdraw, enum msg msg)
{
	struct quote_tx t = { 0, 0, r->in, withdraw, NULL };
	enum err e;

	if ((e = req_param_id(r, 0, &t.job)) != ERR_OK ||
	    (e = req_param_id(r, 1, &t.quote)) != ERR_OK)
		return e;
	if (!withdraw && !t.in->price.set && !t.in->notes.set && !t.in->valid_until.set)
		return fail_field(r, ERR_VALIDATION, "body", "NO_KNOWN_FIELD", MSG_V_NO_KNOWN_FIELD);
	if ((e = req_tx(r, change_work, &t)) != ERR_OK)
		return e;
	return reply_quote(r, 200, msg, t.quote);
}

enum err
quotes_revise(struct req *r)
{
	return change(r, 0, MSG_QUOTE_UPDATED);
}

enum err
quotes_withdraw(struct req *r)
{
	return change(r, 1, MSG_QUOTE_WITHDRAWN);
}

/* POST .../quotes/:quoteId/accept: in one unit of work, under the job's row lock, the
 * job is hired (the machine's hire, by the client) with the quote's price and
 * craftsman, the quote Accepted, every other pending quote Declined, the start code
 * sent to the client, and every quoter told. Two accepts at once: the second finds the
 * job hired (409). */
static enum err
accept_work(struct req *r, void *ctx)
{
	struct quote_tx *t = ctx;
	const struct bk_transition *path[1];
	struct booking_row b;
	struct quote_row q;
	enum mk_result why;
	enum bk_result bw;
	enum db_rc rc;
	enum err e;
	long long bps;
	int yes;

	if ((e = load(r, t->job, 1, &b)) != ERR_OK || (e = visible(r, &b, &yes)) != ERR_OK)
		return e;
	/* the client's step: others who see the job are refused, others do not see it */
	if (bookings_party(r, &b) != BK_CUSTOMER)
		return yes ? fail_msg(r, ERR_FORBIDDEN, MSG_BOOKING_NOT_ALLOWED) :
		    fail(r, ERR_NOT_FOUND);
	if ((rc = db_quotes_lock(r->db, r->a, b.id, t->quote, &q)) != DB_OK)
		return fail_db(r, rc);
	if ((why = mk_can_accept(status_of(&b), mk_quote_parse(q.status), q.expired)) != MK_OK)
		return refuse_mk(r, why);
	if ((bw = bk_apply(BK_JOB, status_of(&b), EV_HIRE, BK_CUSTOMER, 0, &path[0])) != BK_OK)
		return bookings_refuse(r, bw);
	q.status = mk_quote_name(MKQ_ACCEPTED);
	if ((rc = db_settings_int_or(r->db, r->a, PLATFORM_FEE_KEY, PLATFORM_FEE_DEFAULT, &bps)) != DB_OK ||
	    (rc = db_quotes_update(r->db, r->a, &q)) != DB_OK ||
	    (rc = db_jobs_hire(r->db, r->a, b.id, q.price, t->payment,
	    mk_platform_fee(q.price, bps))) != DB_OK)
		return fail_db(r, rc);
	b.technician_id = q.technician_id;
	b.total = q.price;
	if ((e = bookings_new_start_code(r, &b)) != ERR_OK ||
	    (e = apply(r, &b, path, 1, arena_printf(r->a, "quote %lld", q.id), NULL, 0)) !=
	    ERR_OK ||
	    (e = decline_pending(r, &b, q.id)) != ERR_OK)
		return e;
	return tell(r, q.technician_id, "quote", MSG_NOTIFY_JOB_HIRED, &b, "quoteId", q.id);
}

static enum err
accept(struct req *r, long long job, long long quote, const char *payment)
{
	struct quote_tx t = { job, quote, NULL, 0, payment };
	json_object *q;
	enum db_rc rc;
	enum err e;

	if ((e = req_tx(r, accept_work, &t)) != ERR_OK)
		return e;
	if ((rc = db_quotes_view(r->db, r->a, quote, &q)) != DB_OK)
		return fail_db(r, rc);
	return reply_job(r, 200, MSG_QUOTE_ACCEPTED, job, 1, q, "acceptedQuote");
}

struct accept_in {
	struct in_val payment;
};
static const struct vfield accept_fields[] = {
	{ "paymentType", V_STRING, 0, 1, 40, NULL, IN(struct accept_in, payment), check_payment },
};
const struct input quotes_accept_input = INPUT(struct accept_in, accept_fields, NULL);

enum err
quotes_accept(struct req *r)
{
	const struct accept_in *in = r->in;
	long long job, quote;
	enum err e;

	if ((e = req_param_id(r, 0, &job)) != ERR_OK || (e = req_param_id(r, 1, &quote)) !=
	    ERR_OK)
		return e;
	return accept(r, job, quote, in_str(&in->payment));
}

/* --- invitations --- */

struct invite_in {
	struct in_val craftsman;
};
static const struct vfield invite_fields[] = {
	{ "craftsmanId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct invite_in, craftsman),
	    NULL },
};
static const char *const invite_aliases[] = { "technicianId", "craftsmanId", NULL };
const struct input jobs_invite_input = INPUT_ALIASED(struct invite_in, invite_fields, NULL,
    invite_aliases);

struct invite_tx {
	long long       job, craftsman, id;
	enum mk_invitation answer;
};

static enum err
invite_work(struct req *r, void *ctx)
{
	struct invite_tx *t = ctx;
	struct booking_row b;
	const char *status;
	long long existing;
	enum mk_result why;
	enum db_rc rc;
	enum err e;
	int ok;
	json_object *ev;

	if ((e = load(r, t->job, 1, &b)) != ERR_OK)
		return e;
	if (bookings_party(r, &b) != BK_CUSTOMER)
		return fail(r, ERR_NOT_FOUND);
	if ((rc = db_bookings_technician_ok(r->db, r->a, t->craftsman, &ok)) != DB_OK)
		return fail_db(r, rc);
	if (!ok)
		return fail_field(r, ERR_VALIDATION, "craftsmanId", "INVALID_VALUE",
		    MSG_V_CRAFTSMAN);
	if ((rc = db_invitations_lock(r->db, r->a, b.id, t->craftsman, &existing, &status)) !=
	    DB_OK)
		return fail_db(r, rc);
	if ((why = mk_can_invite(status_of(&b), mk_invitation_parse(status))) != MK_OK)
		return refuse_mk(r, why);
	if ((rc = db_invitations_insert(r->db, r->a, b.id, t->craftsman, r->user.id, &t->id)) !=
	    DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "invitationId", json_object_new_int64(t->id));
	json_object_object_add(ev, "craftsmanId", json_object_new_int64(t->craftsman));
	if ((e = event(r, &b, "job:invitation-sent", ev)) != ERR_OK)
		return e;
	return tell(r, t->craftsman, "invitation", MSG_NOTIFY_JOB_INVITED, &b, "invitationId",
	    t->id);
}

static enum err
reply_invitation(struct req *r, int status, enum msg msg, long long id)
{
	json_object *v;
	enum db_rc rc;

	if ((rc = db_invitations_view(r->db, r->a, id, &v)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, status, msg, v);
}

enum err
jobs_invite(struct req *r)
{
	const struct invite_in *in = r->in;
	struct invite_tx t = { 0, in->craftsman.i, 0, MKI_NONE };
	enum err e;

	if ((e = req_param_id(r, 0, &t.job)) != ERR_OK || (e = req_tx(r, invite_work, &t)) !=
	    ERR_OK)
		return e;
	return reply_invitation(r, 201, MSG_INVITATION_SENT, t.id);
}

enum err
jobs_invitations(struct req *r)
{
	struct booking_row b;
	struct page pg = { 0 };
	json_object *items;
	long long id;
	unsigned who;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK || (e = load(r, id, 0, &b)) != ERR_OK)
		return e;
	who = bookings_party(r, &b);
	if (who != BK_CUSTOMER && who != BK_STAFF)
		return fail(r, ERR_NOT_FOUND);
	if ((rc = db_invitations_list(r->db, r->a, id, &items)) != DB_OK)
		return fail_db(r, rc);
	pg.page = 1;
	pg.limit = JOBS_CHILD_MAX;
	pg.total = (long long)json_object_array_length(items);
	return reply_list(r, MSG_INVITATION_LIST, items, &pg);
}

struct respond_in {
	struct in_val response;
};

static const char *
check_response(struct in_val *v, struct arena *a, enum msg *msg)
{
	enum mk_invitation i = mk_invitation_parse(v->s);

	(void)a;
	(void)msg;
	if (i != MKI_ACCEPTED && i != MKI_REJECTED)
		return "INVALID_VALUE";
	v->s = mk_invitation_name(i);
	v->i = i;
	return NULL;
}

static const struct vfield respond_fields[] = {
	{ "response", V_STRING, VF_REQUIRED, 1, 20, NULL, IN(struct respond_in, response),
	    check_response },
};
static const char *const respond_aliases[] = { "status", "response", NULL };
const struct input jobs_respond_input = INPUT_ALIASED(struct respond_in, respond_fields,
    NULL, respond_aliases);

static enum err
respond_work(struct req *r, void *ctx)
{
	struct invite_tx *t = ctx;
	struct booking_row b;
	const char *status;
	enum mk_result why;
	enum db_rc rc;
	enum err e;
	json_object *ev;

	if ((e = load(r, t->job, 1, &b)) != ERR_OK)
		return e;
	if ((rc = db_invitations_lock(r->db, r->a, b.id, r->user.id, &t->id, &status)) != DB_OK)
		return fail_db(r, rc);
	if ((why = mk_can_respond(status_of(&b), mk_invitation_parse(status))) != MK_OK)
		return refuse_mk(r, why);
	if ((rc = db_invitations_respond(r->db, r->a, t->id, mk_invitation_name(t->answer))) !=
	    DB_OK)
		return fail_db(r, rc);
	ev = json_owned(r->a, json_object_new_object());
	json_object_object_add(ev, "invitationId", json_object_new_int64(t->id));
	json_object_object_add(ev, "craftsmanId", json_object_new_int64(r->user.id));
	json_object_object_add(ev, "response", json_object_new_string(mk_invitation_name(
	    t->answer)));
	if ((e = event(r, &b, "job:invitation-answered", ev)) != ERR_OK)
		return e;
	return tell(r, b.customer_id, "invitation", t->answer == MKI_ACCEPTED ?
	    MSG_NOTIFY_JOB_INVITE_ACCEPTED : MSG_NOTIFY_JOB_INVITE_REJECTED, &b, "invitationId",
	    t->id);
}

enum err
jobs_respond(struct req *r)
{
	const struct respond_in *in = r->in;
	struct invite_tx t = { 0, r->user.id, 0, (enum mk_invitation)in->response.i };
	enum err e;

	if ((e = req_param_id(r, 0, &t.job)) != ERR_OK || (e = req_tx(r, respond_work, &t)) !=
	    ERR_OK)
		return e;
	return reply_invitation(r, 200, MSG_INVITATION_ANSWERED, t.id);
}
