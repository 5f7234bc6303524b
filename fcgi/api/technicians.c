/* /api/technicians: the work profiles of technicians (seed 000 "Technician Management
 * Endpoints"; seed 004's GET /api/v1/users/technicians/nearby), docs/technicians.md.
 *
 * A technician is a user with role technician; the profile beside the user row holds
 * specializations, experience, working areas, work status, verification, service radius
 * and the current location (fcgi/store/technicians.h). Who sees what of the user is
 * fcgi/domain/user_visibility.h; of the profile, everybody sees the work side, and only
 * staff and the technician themself the location and the verification's details.
 * Every write is one unit of work; a staff member's write logs an activity row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/validate.h"
#include "../domain/identity.h"
#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/services.h"
#include "../store/technicians.h"
#include "../store/user_lists.h"
#include "../store/users.h"
#include "../store/events.h"
#include "api.h"
#include "user_view.h"

#define NEAR_DEFAULT_KM 20.0
#define NEAR_MAX_KM 100.0
#define NEAR_DEFAULT_LIMIT 20
#define NEAR_MAX_LIMIT 50

/* --- decimals in a query ("30.0444", "-0.5") --- */

/* A plain decimal number of at most 20 characters: an optional '-', digits, an optional
 * fraction. 0 and *out when it is one. */
static int
decimal(const char *s, double *out)
{
	const char *p = s;
	char *end;
	size_t digits = 0;

	if (strlen(s) > 20)
		return -1;
	if (*p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (*p != '\0' || digits == 0)
		return -1;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static const char *
check_range(struct in_val *v, enum msg *msg, enum msg bad, double min, double max, int open_min)
{
	double d;

	*msg = bad;
	if (decimal(v->s, &d) != 0)
		return "INVALID_FORMAT";
	if (d > max || d < min || (open_min && d <= min))
		return "OUT_OF_RANGE";
	v->d = d;
	*msg = MSG_NONE;
	return NULL;
}

static const char *
check_lat(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_range(v, msg, MSG_V_LOCATION, -90, 90, 0);
}

static const char *
check_lng(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_range(v, msg, MSG_V_LOCATION, -180, 180, 0);
}

/* a distance: more than 0, at most NEAR_MAX_KM */
static const char *
check_km(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_range(v, msg, MSG_V_OUT_OF_RANGE, 0, NEAR_MAX_KM, 1);
}

/* "lat,lng": a latitude and a longitude, in *pt (0), or -1 with the error's code */
struct point {
	double lat, lng;
};

static int
parse_point(struct arena *a, const char *s, struct point *pt, const char **code)
{
	const char *comma = strchr(s, ',');

	*code = "INVALID_FORMAT";
	if (comma == NULL || decimal(arena_strndup(a, s, (size_t)(comma - s)), &pt->lat) != 0 ||
	    decimal(comma + 1, &pt->lng) != 0)
		return -1;
	*code = "OUT_OF_RANGE";
	return fabs(pt->lat) > 90 || fabs(pt->lng) > 180 ? -1 : 0;
}

static const char *
check_location(struct in_val *v, struct arena *a, enum msg *msg)
{
	struct point pt;
	const char *code;

	*msg = MSG_V_LOCATION;
	if (parse_point(a, v->s, &pt, &code) != 0)
		return code;
	*msg = MSG_NONE;
	return NULL;
}

/* --- how a technician is shown --- */

/* The row (a user view with "technician" and maybe "distanceKm", taken) as this caller
 * may see it: NULL when not at all. Others than staff and the technician themself see
 * no location and no verification details of the profile. */
static json_object *
technician_for(struct req *r, json_object *row, const struct user_shown *shown,
    struct user_links *links)
{
	json_object *tech = NULL, *dist = NULL, *out;
	long long id = 0;

	json_get_int(row, "id", &id);
	if (json_object_object_get_ex(row, "technician", &tech))
		json_object_get(tech);
	if (json_object_object_get_ex(row, "distanceKm", &dist))
		json_object_get(dist);
	json_object_object_del(row, "technician");
	json_object_object_del(row, "distanceKm");
	out = user_view_for(r, row, shown, user_view_relation_in(r, links, id));
	if (out == NULL) {
		json_object_put(tech);
		json_object_put(dist);
		return NULL;
	}
	if (tech != NULL && !req_is_staff(r) && r->user.id != id) {
		json_object_object_del(tech, "location");
		json_object_object_del(tech, "verification");
	}
	if (tech != NULL)
		json_object_object_add(out, "technician", tech);
	if (dist != NULL)
		json_object_object_add(out, "distanceKm", dist);
	return out;
}

static json_object *
items_for(struct req *r, json_object *rows, const struct user_shown *shown)
{
	size_t i, n = json_object_array_length(rows);
	json_object *items = json_object_new_array_ext((int)n), *v;
	struct user_links links = { 0, NULL, 0 };

	/* a customer's links to the listed technicians: one read, not one a row */
	for (i = 0; i < n; i++)
		if ((v = technician_for(r, json_object_get(json_object_array_get_idx(rows, i)),
		    &shown[i], &links)) != NULL)
			json_object_array_add(items, v);
	json_object_put(rows);
	return items;
}

/* Replies {"technician": ...} as the caller may see it, or 404. */
static enum err
reply_technician(struct req *r, int status, enum msg msg, long long id)
{
	struct user_shown shown;
	json_object *row, *t, *data;
	enum db_rc rc;

	if ((rc = db_technicians_view(r->db, r->a, id, &row, &shown)) != DB_OK)
		return fail_db(r, rc);
	if ((t = technician_for(r, row, &shown, NULL)) == NULL)
		return fail(r, ERR_NOT_FOUND);
	data = json_object_new_object();
	json_object_object_add(data, "technician", t);
	return reply_ok(r, status, msg, data);
}

/* --- GET /api/technicians (staff) --- */

static const char *const work_statuses[] = { "available", "busy", "offline", NULL };

struct list_q {
	struct in_val status, specialization, city, limit, cursor;
	struct in_val sort, verification;
};

static const char *const list_verifications[] = { "pending", "verified", "rejected", NULL };

/* sort=rating: the list by rating, best first (list_by_rating, at the end) */
static const char *const list_sorts[] = { "newest", "rating", NULL };
static enum err list_by_rating(struct req *r);

static const struct vfield list_fields[] = {
	{ "status", V_ENUM, 0, 0, 0, work_statuses, IN(struct list_q, status), NULL },
	/* a service category key; an unknown one lists nothing */
	{ "specialization", V_STRING, 0, 1, 40, NULL, IN(struct list_q, specialization), NULL },
	{ "city", V_STRING, 0, 1, 100, NULL, IN(struct list_q, city), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct list_q, limit), NULL },
	{ "cursor", V_STRING, 0, 1, 64, NULL, IN(struct list_q, cursor), list_cursor_check },
	{ "sort", V_ENUM, 0, 0, 0, list_sorts, IN(struct list_q, sort), NULL },
	/* the profile's verification state (the dashboard's technicians page) */
	{ "verification", V_ENUM, 0, 0, 0, list_verifications, IN(struct list_q, verification),
	    NULL },
};

const struct input technicians_list_query = INPUT(struct list_q, list_fields, NULL);

enum err
technicians_list(struct req *r)
{
	const struct list_q *q = r->qin;
	struct technician_filter f = { NULL, NULL, NULL, NULL };
	struct technician_page out;
	struct user_cursor after;
	struct page pg = { 0 };
	enum db_rc rc;

	if (q->sort.set && strcmp(q->sort.s, "rating") == 0)
		return list_by_rating(r);
	pg.page = 1;
	pg.limit = q->limit.set ? q->limit.i : 20;
	if (q->status.set)
		f.status = q->status.s;
	if (q->specialization.set)
		f.category = q->specialization.s;
	if (q->city.set)
		f.city = q->city.s;
	if (q->verification.set)
		f.verification = q->verification.s;
	if (q->cursor.set)
		user_lists_cursor_decode(q->cursor.s, &after);   /* checked by check_cursor */
	if ((rc = db_technicians_count(r->db, r->a, &f, &pg.total, &pg.total_capped)) != DB_OK ||
	    (rc = db_technicians_list(r->db, r->a, &f, q->cursor.set ? &after : NULL, pg.limit,
	    &out)) != DB_OK)
		return fail_db(r, rc);
	pg.next_cursor = out.has_next ? user_lists_cursor_encode(r->a, &out.next) : NULL;
	return reply_list(r, MSG_TECHNICIAN_LIST, items_for(r, out.items, out.shown), &pg);
}

/* --- near a point: GET /api/technicians/available, GET /api/users/technicians/nearby --- */

struct available_q {
	struct in_val service_id, location, distance, limit;
};

static const struct vfield available_fields[] = {
	{ "serviceId", V_INT, 0, 1, 9223372036854775807LL, NULL,
	    IN(struct available_q, service_id), NULL },
	{ "location", V_STRING, VF_REQUIRED, 3, 50, NULL, IN(struct available_q, location),
	    check_location },
	{ "distance", V_STRING, 0, 1, 20, NULL, IN(struct available_q, distance), check_km },
	{ "limit", V_INT, 0, 1, NEAR_MAX_LIMIT, NULL, IN(struct available_q, limit), NULL },
};

const struct input technicians_available_query = INPUT(struct available_q, available_fields,
    NULL);

struct nearby_q {
	struct in_val lat, lng, radius, limit;
};

static const struct vfield nearby_fields[] = {
	{ "lat", V_STRING, VF_REQUIRED, 1, 20, NULL, IN(struct nearby_q, lat), check_lat },
	{ "lng", V_STRING, VF_REQUIRED, 1, 20, NULL, IN(struct nearby_q, lng), check_lng },
	{ "radius", V_STRING, 0, 1, 20, NULL, IN(struct nearby_q, radius), check_km },
	{ "limit", V_INT, 0, 1, NEAR_MAX_LIMIT, NULL, IN(struct nearby_q, limit), NULL },
};

const struct input technicians_nearby_query = INPUT(struct nearby_q, nearby_fields, NULL);

static enum err
reply_near(struct req *r, const struct technician_near *q)
{
	struct user_shown *shown;
	json_object *rows, *data, *near;
	enum db_rc rc;

	if ((rc = db_technicians_nearby(r->db, r->a, q, &rows, &shown)) != DB_OK)
		return fail_db(r, rc);
	data = json_object_new_object();
	near = json_object_new_object();
	json_object_object_add(near, "latitude", json_object_new_double(q->lat));
	json_object_object_add(near, "longitude", json_object_new_double(q->lng));
	json_object_object_add(near, "distanceKm", json_object_new_double(q->km));
	json_object_object_add(near, "category", json_new_str(q->category));
	json_object_object_add(data, "technicians", items_for(r, rows, shown));
	json_object_object_add(data, "search", near);
	return reply_ok(r, 200, MSG_TECHNICIAN_AVAILABLE, data);
}

enum err
technicians_available(struct req *r)
{
	const struct available_q *in = r->qin;
	struct technician_near q;
	struct point pt;
	const char *code;
	json_object *svc;
	enum db_rc rc;

	parse_point(r->a, in->location.s, &pt, &code);   /* checked by check_location */
	q.lat = pt.lat;
	q.lng = pt.lng;
	q.km = in->distance.set ? in->distance.d : NEAR_DEFAULT_KM;
	q.limit = in->limit.set ? in->limit.i : NEAR_DEFAULT_LIMIT;
	q.category = NULL;
	if (in->service_id.set) {
		/* a live service's category; none is 422 naming serviceId */
		rc = db_services_view(r->db, r->a, in->service_id.i, 0, &svc);
		if (rc == DB_NOTFOUND)
			return fail_field(r, ERR_VALIDATION, "serviceId", "NOT_FOUND",
			    MSG_V_SERVICE_UNKNOWN);
		if (rc != DB_OK)
			return fail_db(r, rc);
		json_owned(r->a, svc);
		q.category = arena_strdup(r->a, json_get_str(svc, "category"));
	}
	return reply_near(r, &q);
}

enum err
technicians_nearby(struct req *r)
{
	const struct nearby_q *in = r->qin;
	struct technician_near q;

	q.lat = in->lat.d;
	q.lng = in->lng.d;
	q.km = in->radius.set ? in->radius.d : NEAR_DEFAULT_KM;
	q.limit = in->limit.set ? in->limit.i : NEAR_DEFAULT_LIMIT;
	q.category = NULL;
	return reply_near(r, &q);
}

/* --- GET /api/technicians/:id --- */

enum err
technicians_get(struct req *r)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	return reply_technician(r, 200, MSG_TECHNICIAN_FOUND, id);
}

/* --- the profile's fields: PUT /api/technicians/:id, POST /api/technicians --- */

struct profile_in {
	struct in_val user_id;
	struct in_val bio, specializations, experience, governorates, city, radius;
	struct in_val verification, reason;
};

static const char *const verification_states[] = { "pending", "verified", "rejected", NULL };

#define PROFILE_FIELDS \
	{ "bio", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct profile_in, bio), NULL }, \
	/* service category keys, each known (checked against the categories) */ \
	{ "specializations", V_STRINGS, 0, 0, 20, NULL, IN(struct profile_in, specializations), \
	    NULL }, \
	{ "experienceYears", V_INT, 0, 0, 70, NULL, IN(struct profile_in, experience), NULL }, \
	{ "workingAreas", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	/* governorate codes or names, stored as codes */ \
	{ "workingAreas.governorates", V_STRINGS, 0, 0, 27, NULL, \
	    IN(struct profile_in, governorates), NULL }, \
	{ "workingAreas.city", V_STRING, VF_NULLABLE, 1, 100, NULL, IN(struct profile_in, city), \
	    NULL }, \
	{ "serviceRadiusKm", V_INT, 0, 1, 100, NULL, IN(struct profile_in, radius), NULL }, \
	/* staff only */ \
	{ "verification", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "verification.status", V_ENUM, 0, 0, 0, verification_states, \
	    IN(struct profile_in, verification), NULL }, \
	{ "verification.reason", V_STRING, VF_NULLABLE, 1, 500, NULL, \
	    IN(struct profile_in, reason), NULL }

static const struct vfield update_fields[] = { PROFILE_FIELDS };
static const struct vfield create_fields[] = {
	{ "userId", V_INT, VF_REQUIRED, 1, 9223372036854775807LL, NULL,
	    IN(struct profile_in, user_id), NULL },
	PROFILE_FIELDS
};

/* A rejection says why. */
static void
check_reason(const void *p, json_object *errs, enum lang lang)
{
	const struct profile_in *in = p;

	if (in->verification.set && strcmp(in->verification.s, "rejected") == 0 &&
	    (!in->reason.set || in->reason.null))
		verror_add(errs, lang, "verification.reason", "REQUIRED", MSG_V_REASON_REQUIRED);
}

const struct input technicians_update_input = INPUT(struct profile_in, update_fields,
    check_reason);
const struct input technicians_create_input = INPUT(struct profile_in, create_fields,
    check_reason);

/* What the caller gave, checked against the tables: the specializations as known
 * category keys (422 naming the field), the governorates as codes. */
struct profile_tx {
	long long               id;
	const struct profile_in *in;
	json_object            *specializations;   /* or NULL: not given */
	json_object            *governorates;      /* codes, or NULL */
	int                     staff;
};

static enum err
resolve(struct req *r, struct profile_tx *t)
{
	const struct profile_in *in = t->in;
	json_object *cats;
	size_t i, j, n;
	enum db_rc rc;

	if (in->specializations.set) {
		if ((rc = db_services_categories(r->db, r->a, &cats)) != DB_OK)
			return fail_db(r, rc);
		json_owned(r->a, cats);
		t->specializations = json_owned(r->a, json_object_new_array());
		for (i = 0; i < json_object_array_length(in->specializations.j); i++) {
			const char *want = json_object_get_string(json_object_array_get_idx(
			    in->specializations.j, i));
			int known = 0, seen = 0;

			n = json_object_array_length(cats);
			for (j = 0; j < n && !known; j++)
				known = strcmp(json_get_str(json_object_array_get_idx(cats, j), "key"),
				    want) == 0;
			if (!known)
				return fail_field(r, ERR_VALIDATION, "specializations", "INVALID_VALUE",
				    MSG_V_CATEGORY);
			for (j = 0; j < json_object_array_length(t->specializations) && !seen; j++)
				seen = strcmp(json_object_get_string(json_object_array_get_idx(
				    t->specializations, j)), want) == 0;
			if (!seen)
				json_object_array_add(t->specializations, json_object_new_string(want));
		}
	}
	if (in->governorates.set) {
		t->governorates = json_owned(r->a, json_object_new_array());
		for (i = 0; i < json_object_array_length(in->governorates.j); i++) {
			const char *code;

			rc = db_users_governorate_code(r->db, r->a, json_object_get_string(
			    json_object_array_get_idx(in->governorates.j, i)), &code);
			if (rc == DB_NOTFOUND)
				return fail_field(r, ERR_VALIDATION, "workingAreas.governorates",
				    "INVALID_VALUE", MSG_V_GOVERNORATE);
			if (rc != DB_OK)
				return fail_db(r, rc);
			json_object_array_add(t->governorates, json_object_new_string(code));
		}
	}
	return ERR_OK;
}

static const char *const col_names[TC__MAX] = {
	[TC_SPECIALIZATIONS] = "specializations", [TC_EXPERIENCE] = "experienceYears",
	[TC_GOVERNORATES] = "workingAreas.governorates", [TC_CITY] = "workingAreas.city",
	[TC_RADIUS] = "serviceRadiusKm", [TC_STATUS] = "workStatus",
	[TC_VERIFICATION] = "verification.status", [TC_REASON] = "verification.reason",
	[TC_LAT] = "location.latitude", [TC_LNG] = "location.longitude", [TC_BIO] = "bio",
};

static int
same_text(const char *x, const char *y)
{
	return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
}

/* {"field": {"from": …, "to": …}} of what changed (texts as stored). */
static json_object *
changes(struct arena *a, const struct technician_values *old, const struct technician_values *now)
{
	json_object *d = json_owned(a, json_object_new_object()), *ch;
	size_t i;

	for (i = 0; i < TC__MAX; i++) {
		if (same_text(old->v[i], now->v[i]))
			continue;
		ch = json_object_new_object();
		json_object_object_add(ch, "from", json_new_str(old->v[i]));
		json_object_object_add(ch, "to", json_new_str(now->v[i]));
		json_object_object_add(d, col_names[i], ch);
	}
	return d;
}

/* The profile of t->id with the given fields over it, written; a staff member's change
 * logged as action. */
static enum err
apply_work(struct req *r, struct profile_tx *t, const char *action)
{
	const struct profile_in *in = t->in;
	struct technician_values old, now;
	enum db_rc rc;

	if ((rc = db_technicians_lock(r->db, r->a, t->id, &old)) != DB_OK)
		return fail_db(r, rc);
	now = old;
	if (t->specializations != NULL)
		now.v[TC_SPECIALIZATIONS] = json_text(r->a, t->specializations, NULL);
	if (in->experience.set)
		now.v[TC_EXPERIENCE] = in->experience.num;
	if (t->governorates != NULL)
		now.v[TC_GOVERNORATES] = json_text(r->a, t->governorates, NULL);
	if (in->city.set)
		now.v[TC_CITY] = in->city.null ? NULL : in->city.s;
	if (in->radius.set)
		now.v[TC_RADIUS] = in->radius.num;
	if (in->bio.set)
		now.v[TC_BIO] = in->bio.null ? NULL : in->bio.s;
	if (in->verification.set) {
		now.v[TC_VERIFICATION] = in->verification.s;
		now.v[TC_REASON] = in->reason.set && !in->reason.null ? in->reason.s : NULL;
	}
	/* stored JSON keeps its own spacing: the old texts as the new ones are written */
	if (t->specializations == NULL)
		now.v[TC_SPECIALIZATIONS] = old.v[TC_SPECIALIZATIONS];
	else if (same_text(json_text(r->a, json_owned(r->a, json_tokener_parse(
	    old.v[TC_SPECIALIZATIONS])), NULL), now.v[TC_SPECIALIZATIONS]))
		now.v[TC_SPECIALIZATIONS] = old.v[TC_SPECIALIZATIONS];
	if (t->governorates != NULL && same_text(json_text(r->a, json_owned(r->a,
	    json_tokener_parse(old.v[TC_GOVERNORATES])), NULL), now.v[TC_GOVERNORATES]))
		now.v[TC_GOVERNORATES] = old.v[TC_GOVERNORATES];
	if ((rc = db_technicians_update(r->db, r->a, t->id, &now)) != DB_OK)
		return fail_db(r, rc);
	if (t->specializations != NULL && (rc = db_technicians_set_specializations(r->db, r->a,
	    t->id, t->specializations)) != DB_OK)
		return fail_db(r, rc);
	if (in->verification.set && (rc = db_technicians_verify(r->db, r->a, t->id,
	    now.v[TC_VERIFICATION], now.v[TC_REASON], r->user.id)) != DB_OK)
		return fail_db(r, rc);
	if (t->staff && (rc = db_activity_record(r->db, r->a, req_actor(r), action, "user",
	    t->id, changes(r->a, &old, &now))) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
update_work(struct req *r, void *ctx)
{
	return apply_work(r, ctx, "technician.update");
}

/* Whether the body gave a declared field of the profile. */
static int
any_field(const struct profile_in *in)
{
	return in->bio.set || in->specializations.set || in->experience.set ||
	    in->governorates.set || in->city.set || in->radius.set || in->verification.set ||
	    in->reason.set;
}

enum err
technicians_update(struct req *r)
{
	struct profile_tx t = { 0, r->in, NULL, NULL, req_is_staff(r) };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK)
		return e;
	if (!t.staff && t.id != r->user.id)
		return fail_msg(r, ERR_FORBIDDEN, MSG_TECHNICIAN_SELF_ONLY);
	if (!t.staff && (t.in->verification.set || t.in->reason.set))
		return fail_msg(r, ERR_FORBIDDEN, MSG_TECHNICIAN_VERIFY_STAFF);
	if (!any_field(t.in))
		return fail_field(r, ERR_VALIDATION, "body", "NO_KNOWN_FIELD", MSG_V_NO_KNOWN_FIELD);
	if (t.in->reason.set && !t.in->verification.set)
		return fail_field(r, ERR_VALIDATION, "verification.status", "REQUIRED",
		    MSG_V_REQUIRED);
	if ((e = resolve(r, &t)) != ERR_OK || (e = req_tx(r, update_work, &t)) != ERR_OK)
		return e;
	return reply_technician(r, 200, MSG_TECHNICIAN_UPDATED, t.id);
}

/* POST /api/technicians (admin): an existing customer or corporate account becomes a
 * technician (its role changes; the profile is made by the migration's trigger), with
 * the profile's fields given. New accounts register themselves (POST /api/auth/register
 * with role technician); staff accounts stay staff (409). */
static enum err
create_work(struct req *r, void *ctx)
{
	struct profile_tx *t = ctx;
	struct user_target u;
	json_object *d;
	enum db_rc rc;

	if ((rc = db_users_lock_target(r->db, r->a, t->id, &u)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(u.role, "technician") == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_TECHNICIAN_EXISTS);
	if (user_role_is_staff(u.role))
		return fail_msg(r, ERR_CONFLICT, MSG_TECHNICIAN_STAFF_ACCOUNT);
	if ((rc = db_users_set_role(r->db, r->a, t->id, "technician")) != DB_OK ||
	    (rc = sessions_auth_check(r, t->id)) != DB_OK)
		return fail_db(r, rc);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "from", json_new_str(u.role));
	json_object_object_add(d, "to", json_new_str("technician"));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "user.role_change", "user", t->id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return apply_work(r, t, "technician.create");
}

enum err
technicians_create(struct req *r)
{
	const struct profile_in *in = r->in;
	struct profile_tx t = { in->user_id.i, in, NULL, NULL, 1 };
	enum err e;

	if ((e = resolve(r, &t)) != ERR_OK || (e = req_tx(r, create_work, &t)) != ERR_OK)
		return e;
	return reply_technician(r, 201, MSG_TECHNICIAN_CREATED, t.id);
}

/* --- PUT /api/technicians/status --- */

struct status_in {
	struct in_val status, lat, lng, technician_id;
};

static const struct vfield status_fields[] = {
	{ "status", V_ENUM, VF_REQUIRED, 0, 0, work_statuses, IN(struct status_in, status), NULL },
	{ "location", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "location.latitude", V_NUMBER, 0, -90, 90, NULL, IN(struct status_in, lat), NULL },
	{ "location.longitude", V_NUMBER, 0, -180, 180, NULL, IN(struct status_in, lng), NULL },
	/* staff: whose status; a technician may name themself only */
	{ "technicianId", V_INT, 0, 1, 9223372036854775807LL, NULL,
	    IN(struct status_in, technician_id), NULL },
};

/* A location has both coordinates. */
static void
check_point(const void *p, json_object *errs, enum lang lang)
{
	const struct status_in *in = p;

	if (in->lat.set && !in->lng.set)
		verror_add(errs, lang, "location.longitude", "REQUIRED", MSG_V_LOCATION);
	if (in->lng.set && !in->lat.set)
		verror_add(errs, lang, "location.latitude", "REQUIRED", MSG_V_LOCATION);
}

const struct input technicians_status_input = INPUT(struct status_in, status_fields,
    check_point);

struct status_tx {
	long long               id;
	const struct status_in *in;
	int                     staff;
};

static enum err
status_work(struct req *r, void *ctx)
{
	const struct status_tx *t = ctx;
	struct technician_values old;
	json_object *d;
	enum db_rc rc;

	if ((rc = db_technicians_lock(r->db, r->a, t->id, &old)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_technicians_set_status(r->db, r->a, t->id, t->in->status.s, t->in->lat.set,
	    t->in->lat.d, t->in->lng.d)) != DB_OK)
		return fail_db(r, rc);
	/* the admins' live map (seed 000's events; docs/realtime.md), in the same unit */
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "technicianId", json_object_new_int64(t->id));
	json_object_object_add(d, "status", json_object_new_string(t->in->status.s));
	json_object_object_add(d, "kind", json_object_new_string("work"));
	if ((rc = db_events_add(r->db, r->a, "admins", "technician:status-change", d)) !=
	    DB_OK)
		return fail_db(r, rc);
	if (t->in->lat.set) {
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "technicianId", json_object_new_int64(t->id));
		json_object_object_add(d, "latitude", json_object_new_double(t->in->lat.d));
		json_object_object_add(d, "longitude", json_object_new_double(t->in->lng.d));
		if ((rc = db_events_add(r->db, r->a, "admins", "technician:location-update",
		    d)) != DB_OK)
			return fail_db(r, rc);
	}
	if (!t->staff)
		return ERR_OK;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "from", json_new_str(old.v[TC_STATUS]));
	json_object_object_add(d, "to", json_new_str(t->in->status.s));
	json_object_object_add(d, "location", json_object_new_boolean(t->in->lat.set));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "technician.status", "user", t->id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
technicians_status(struct req *r)
{
	const struct status_in *in = r->in;
	struct status_tx t = { r->user.id, in, req_is_staff(r) };
	enum err e;

	if (t.staff) {
		if (!in->technician_id.set)
			return fail_field(r, ERR_VALIDATION, "technicianId", "REQUIRED",
			    MSG_V_TECHNICIAN_ID);
		t.id = in->technician_id.i;
	} else if (in->technician_id.set && in->technician_id.i != r->user.id) {
		return fail_msg(r, ERR_FORBIDDEN, MSG_TECHNICIAN_SELF_ONLY);
	}
	if ((e = req_tx(r, status_work, &t)) != ERR_OK)
		return e;
	return reply_technician(r, 200, MSG_TECHNICIAN_STATUS_UPDATED, t.id);
}

/* --- GET /api/technicians?sort=rating (staff): best rated first --- */

/* The list's key (rating, id) travels in the cursor format of every list (a time and an
 * id): the rating in hundredths as the seconds after 2000-01-01 00:00:00, so 4.50 is
 * 00:07:30. A cursor of the newest-first list is no such time: 422 naming cursor. */
#define RATING_EPOCH "2000-01-01 00:"

static const char *
rating_cursor(struct arena *a, const struct technician_rating_key *k)
{
	char at[32];
	int whole = 0, cents = 0, h;

	sscanf(k->rating, "%d.%d", &whole, &cents);
	h = whole * 100 + cents;
	snprintf(at, sizeof(at), RATING_EPOCH "%02d:%02d.000", h / 60, h % 60);
	return list_next_cursor(a, at, k->id);
}

static int
rating_key(const char *cursor, struct technician_rating_key *k)
{
	struct user_cursor c;
	int h;

	if (user_lists_cursor_decode(cursor, &c) != 0 ||
	    strncmp(c.created_at, RATING_EPOCH, strlen(RATING_EPOCH)) != 0 ||
	    strcmp(c.created_at + 19, ".000") != 0)
		return -1;
	h = atoi(c.created_at + 14) * 60 + atoi(c.created_at + 17);
	if (h < 0 || h > 999)
		return -1;
	snprintf(k->rating, sizeof(k->rating), "%u.%02u", (unsigned)h / 100 % 10,
	    (unsigned)h % 100);
	k->id = c.id;
	return 0;
}

static enum err
list_by_rating(struct req *r)
{
	const struct list_q *q = r->qin;
	struct technician_filter f = { NULL, NULL, NULL, NULL };
	struct technician_rating_page out;
	struct technician_rating_key after;
	struct page pg = { 0 };
	enum db_rc rc;

	/* the rating's index holds no profile: no filter with this order */
	if (q->status.set || q->specialization.set || q->city.set ||
	    q->verification.set)
		return fail_field(r, ERR_VALIDATION, "sort", "INVALID_VALUE",
		    MSG_V_TECHNICIAN_RATING_SORT);
	if (q->cursor.set && rating_key(q->cursor.s, &after) != 0)
		return fail_field(r, ERR_VALIDATION, "cursor", "INVALID_FORMAT", MSG_NONE);
	pg.page = 1;
	pg.limit = q->limit.set ? q->limit.i : 20;
	if ((rc = db_technicians_count(r->db, r->a, &f, &pg.total, &pg.total_capped)) != DB_OK ||
	    (rc = db_technicians_list_by_rating(r->db, r->a, q->cursor.set ? &after : NULL,
	    pg.limit, &out)) != DB_OK)
		return fail_db(r, rc);
	pg.next_cursor = out.has_next ? rating_cursor(r->a, &out.next) : NULL;
	return reply_list(r, MSG_TECHNICIAN_LIST, items_for(r, out.items, out.shown), &pg);
}

/* --- GET /api/search/technicians (seed 000, staff; docs/search.md) --- */

struct search_q {
	struct in_val q, specialization, city, rating, location, distance, page, limit;
};

/* a minimum rating, 0 to 5 */
static const char *
check_rating(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	return check_range(v, msg, MSG_V_OUT_OF_RANGE, 0, 5, 0);
}

static const struct vfield search_fields[] = {
	{ "q", V_STRING, 0, 1, 100, NULL, IN(struct search_q, q), NULL },
	/* words of a specialization (a category's key or name) and of a city or governorate */
	{ "specialization", V_STRING, 0, 1, 100, NULL, IN(struct search_q, specialization), NULL },
	{ "city", V_STRING, 0, 1, 100, NULL, IN(struct search_q, city), NULL },
	{ "rating", V_STRING, 0, 1, 10, NULL, IN(struct search_q, rating), check_rating },
	{ "location", V_STRING, 0, 3, 50, NULL, IN(struct search_q, location), check_location },
	{ "distance", V_STRING, 0, 1, 20, NULL, IN(struct search_q, distance), check_km },
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct search_q, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct search_q, limit), NULL },
};

const struct input search_technicians_query = INPUT(struct search_q, search_fields, NULL);

/* a parameter's text as the search compares it: folded, "_" (a category key's) a space */
static const char *
search_text(struct arena *a, const char *s)
{
	char *t = user_lists_fold(a, s), *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	return t;
}

enum err
search_technicians(struct req *r)
{
	const struct search_q *in = r->qin;
	struct technician_search q = { 0 };
	struct user_shown *shown;
	struct page pg = { 0 };
	json_object *rows;
	const char *text = "";
	long long offset;
	enum db_rc rc;

	/* q, specialization and city are words the technician's text must all hold (a
	 * category key's "_" is a space there) */
	if (in->q.set)
		text = in->q.s;
	if (in->specialization.set)
		text = arena_join(r->a, " ", text, in->specialization.s, (char *)NULL);
	if (in->city.set)
		text = arena_join(r->a, " ", text, in->city.s, (char *)NULL);
	text = arena_strdup(r->a, text);
	for (char *p = (char *)text; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	/* each by itself too: the name drives through its words, the specialization through
	 * its categories (docs/search.md) */
	q.name = in->q.set ? search_text(r->a, in->q.s) : NULL;
	q.specialization = in->specialization.set ? search_text(r->a, in->specialization.s) : NULL;
	q.city = in->city.set ? search_text(r->a, in->city.s) : NULL;
	if (*text != '\0' && (q.ft = user_lists_ft_query(r->a, user_lists_fold(r->a, text))) == NULL)
		return fail_field(r, ERR_VALIDATION, in->q.set ? "q" : in->specialization.set ?
		    "specialization" : "city", "TOO_SHORT", MSG_V_INVALID_VALUE);
	q.min_rating = in->rating.set ? in->rating.d : 0;
	if (in->location.set) {
		struct point pt;
		const char *code;

		parse_point(r->a, in->location.s, &pt, &code);   /* checked by check_location */
		q.near = 1;
		q.lat = pt.lat;
		q.lng = pt.lng;
		q.km = in->distance.set ? in->distance.d : NEAR_DEFAULT_KM;
	} else if (in->distance.set) {
		return fail_field(r, ERR_VALIDATION, "location", "REQUIRED", MSG_V_REQUIRED);
	}
	pg.page = in->page.set ? in->page.i : 1;
	pg.limit = in->limit.set ? in->limit.i : 20;
	if (pg.page * pg.limit > TECHNICIANS_COUNT_CAP)
		return fail_field(r, ERR_VALIDATION, "page", "OUT_OF_RANGE", MSG_V_SEARCH_WINDOW);
	/* one row more than the page, and a total counted only past the end
	 * (list_extra_row()) */
	offset = (pg.page - 1) * pg.limit;
	if ((rc = db_technicians_search(r->db, r->a, &q, pg.limit + 1, offset, &rows, &shown)) !=
	    DB_OK)
		return fail_db(r, rc);
	if (list_extra_row(&pg, offset, rows) && (rc = db_technicians_search_count(r->db, r->a,
	    &q, &pg.total, &pg.total_capped)) != DB_OK) {
		json_object_put(rows);
		return fail_db(r, rc);
	}
	return reply_list(r, MSG_SEARCH_RESULTS, items_for(r, rows, shown), &pg);
}
