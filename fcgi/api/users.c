/* /api/users and /api/user/settings: a user's own profile and settings (seed 000
 * "User Management", seed 001 §5.2 /users/me, seed 002 /user/settings), the read of
 * users — whole for staff (admin, moderator), the public view for everybody else
 * (seed 002's public professional listings, seed 001's public profile; the rules are
 * fcgi/domain/user_visibility.h) — and the admin's role change and deletion.
 *
 * Answers follow the seeds' shapes inside docs/api-conventions.md's envelope, as auth_me does:
 * one user is data.user, a list is data[] with pagination, settings are data.settings.
 *
 * Decisions where the seeds are silent:
 * - PUT /api/users/profile takes seed 000's top-level keys ({firstName, lastName,
 *   address, carInfo, preferences, ...}). Because GET shows firstName, lastName,
 *   avatar, bio, dateOfBirth, gender, address and preferredLanguage under "profile", a
 *   client that sends them back nested ({"profile": {...}}) is understood too: both
 *   places are declared fields, a top-level key wins over its nested twin ("address"
 *   as a whole over "profile.address"), and an error names the field where it was
 *   sent. "profilePicture" (seed 001) is another name for avatar.
 * - A null object clears it: "address": null empties street, city and governorate;
 *   the same for carInfo and location. Empty strings in optional text become NULL.
 * - Self-edits are not audited, except changes of a login identifier (phone,
 *   username): those are what an account takeover changes, so they are written to the
 *   activity log with the old and new value.
 * - An admin can change neither their own role nor delete their own account: 409
 *   (a state change that is not allowed on oneself), which also guarantees that at
 *   least one admin always remains. Other admins may be demoted or deleted.
 * - Deletion is a soft delete that anonymizes the row (the id stays for the ledger,
 *   bookings and the log), revokes every session and retires the user's unused codes.
 * - Settings: users.email_notifications, sms_notifications, push_notifications and
 *   preferred_language are the columns the rest of the system reads; they win over the
 *   JSON on read (a profile update may have changed them) and are written with it.
 *   twoFactorEnabled and sessionTimeout are stored preferences only, for now.
 *
 * Every write is one unit of work (req_tx): it locks the user's row, decides on what it
 * read there and writes, so two updates of one user run one after the other. */
#include <ctype.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../store/activity.h"
#include "../store/codes.h"
#include "../store/sessions.h"
#include "../core/phone.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "api.h"
#include "user_view.h"
#include "../store/privacy.h"
#include "../store/users.h"
#include "../store/user_lists.h"

/* --- statements --- */


/* --- shared helpers --- */

/* Answers with the user as every endpoint shows one (store/user_view.h): data.user. */
enum err
users_reply_user(struct req *r, int status, enum msg msg, long long id)
{
	json_object *user, *data;
	enum db_rc rc;

	if ((rc = db_users_view(r->db, r->a, id, &user)) != DB_OK)
		return fail_db(r, rc);
	data = json_object_new_object();
	json_object_object_add(data, "user", user);
	return reply_ok(r, status, msg, data);
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* An identifier's change for the activity log: {"from": old, "to": new}. */
static json_object *
change(struct arena *a, const char *from, const char *to)
{
	json_object *d = json_owned(a, json_object_new_object());

	json_object_object_add(d, "from", json_new_str(from));
	json_object_object_add(d, "to", json_new_str(to));
	return d;
}

/* --- lists --- */

/* GET /api/users (seed 000) and GET /api/admin/users (seed 001 §5.8): page, limit,
 * cursor, role (any alias), search and, for the admin list, status (active | banned |
 * all). Deleted users are never listed. A list is newest first with an exact total;
 * a search is in the order of what it looks like with a total capped at the window
 * (fcgi/store/user_lists.h, docs/data-layer.md "Lists").
 *
 * Staff see every user whole. For anyone else GET /api/users is the directory of
 * professionals (seed 002's public professional listings): active technicians only, in
 * their public view; another role is 403, and a search goes by name only (422 naming
 * search otherwise): an e-mail, phone or username search would tell who is registered
 * even with the fields hidden. Both read the same indexes as the staff's lists (role
 * and state). */

struct users_list_in {
	struct in_val page, limit, cursor, role, search, status;
};

/* Any role alias, as its canonical word. */
static const char *
list_role(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	v->s = role_from_alias(v->s);
	return v->s == NULL ? "INVALID_VALUE" : NULL;
}

static const char *const list_statuses[] = { "all", "active", "banned", NULL };

/* status last: the admin list declares it, GET /api/users does not */
static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct users_list_in),
	{ "role", V_STRING, 0, 1, 32, NULL, IN(struct users_list_in, role), list_role },
	{ "search", V_STRING, 0, 1, 100, NULL, IN(struct users_list_in, search), NULL },
	{ "status", V_ENUM, 0, 0, 0, list_statuses, IN(struct users_list_in, status), NULL },
};

const struct input users_list_query = { list_fields, NFIELDS(list_fields) - 1,
	sizeof(struct users_list_in), NULL, NULL };
const struct input admin_users_list_query = INPUT(struct users_list_in, list_fields, NULL);

/* A page's users as the caller may see each (a list links nobody: USER_REL_NONE). */
static json_object *
list_items_for(struct req *r, struct user_list_page *out)
{
	size_t i, n = json_object_array_length(out->items);
	json_object *items = json_object_new_array_ext((int)n), *v;

	for (i = 0; i < n; i++)
		if ((v = user_view_for(r, json_object_get(json_object_array_get_idx(out->items, i)),
		    &out->shown[i], USER_REL_NONE)) != NULL)
			json_object_array_add(items, v);
	json_object_put(out->items);
	return items;
}

enum err
users_list_filtered(struct req *r)
{
	const struct users_list_in *in = r->qin;
	struct user_list_query q = { .page = 1, .limit = 10 };
	struct user_list_page out;
	struct user_cursor after;
	struct page pg;
	enum db_rc rc;
	int searching;

	if (in->page.set)
		q.page = in->page.i;
	if (in->limit.set)
		q.limit = in->limit.i;
	q.role = in->role.set ? in->role.s : NULL;
	if (in->status.set && strcmp(in->status.s, "active") == 0)
		q.status = USER_STATUS_ACTIVE;
	else if (in->status.set && strcmp(in->status.s, "banned") == 0)
		q.status = USER_STATUS_BANNED;
	q.search = in->search.set ? in->search.s : NULL;
	searching = user_lists_searching(q.search);
	if (in->cursor.set) {
		/* a search pages within its window; a cursor starts its own pages */
		if (searching)
			return fail_field(r, ERR_VALIDATION, "cursor", "INVALID_VALUE",
			    MSG_V_CURSOR_SEARCH);
		if (q.page > 1)
			return fail_field(r, ERR_VALIDATION, "page", "INVALID_VALUE",
			    MSG_V_INVALID_VALUE);
		user_lists_cursor_decode(in->cursor.s, &after);   /* checked by list_cursor_check */
		q.after = &after;
	} else if (q.page * q.limit > USER_LIST_WINDOW) {
		if (searching)
			return fail_field(r, ERR_VALIDATION, "page", "OUT_OF_RANGE",
			    MSG_V_SEARCH_WINDOW);
		return fail_field(r, ERR_VALIDATION, "cursor", "REQUIRED", MSG_V_PAGE_WINDOW);
	}
	if ((r->user.role & ROLE_STAFF) == 0) {
		if (in->role.set && strcmp(in->role.s, "technician") != 0)
			return fail_msg(r, ERR_FORBIDDEN, MSG_USER_DIRECTORY_ONLY);
		q.role = "technician";
		q.status = USER_STATUS_ACTIVE;
		if (searching && user_lists_search_kind(r->a, q.search) != USER_SEARCH_NAME)
			return fail_field(r, ERR_VALIDATION, "search", "INVALID_VALUE",
			    MSG_V_SEARCH_NAMES_ONLY);
	}
	if ((rc = db_user_lists_page(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	pg.page = q.page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	pg.next_cursor = out.has_next ? user_lists_cursor_encode(r->a, &out.next) : NULL;
	return reply_list(r, MSG_USER_LIST, list_items_for(r, &out), &pg);
}

enum err
users_list(struct req *r)
{
	return users_list_filtered(r);
}

/* One user as the caller may see them: whole for staff and themself, else the public
 * view (and contact details a booking opens); a staff account is 404 to others. */
enum err
users_get(struct req *r)
{
	struct user_shown shown;
	json_object *full, *user, *data;
	long long id;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_users_view_shown(r->db, r->a, id, &full, &shown)) != DB_OK)
		return fail_db(r, rc);
	if ((user = user_view_for(r, full, &shown, user_view_relation(r, id))) == NULL)
		return fail(r, ERR_NOT_FOUND);
	data = json_object_new_object();
	json_object_object_add(data, "user", user);
	return reply_ok(r, 200, MSG_USER_FOUND, data);
}

/* --- role and deletion (admin) --- */

/* Any of the seeds' role words (role_from_alias), as its canonical name. */
static const char *
role_word(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	v->s = role_from_alias(v->s);
	return v->s == NULL ? "INVALID_VALUE" : NULL;
}

struct role_in {
	struct in_val role;
};

static const struct vfield role_fields[] = {
	{ "role", V_STRING, VF_REQUIRED, 1, 32, NULL, IN(struct role_in, role), role_word },
};

const struct input users_set_role_input = INPUT(struct role_in, role_fields, NULL);

struct role_tx {
	long long   id;
	const char *role;
};

static enum err
role_work(struct req *r, void *ctx)
{
	const struct role_tx *t = ctx;
	struct user_target u;
	enum db_rc rc;

	if ((rc = db_users_lock_target(r->db, r->a, t->id, &u)) != DB_OK)
		return fail_db(r, rc);
	/* the same role again changes nothing and logs nothing */
	if (strcmp(u.role, t->role) == 0)
		return ERR_OK;
	if ((rc = db_users_set_role(r->db, r->a, t->id, t->role)) != DB_OK ||
	    (rc = sessions_auth_check(r, t->id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.role_change", "user", t->id,
	    change(r->a, u.role, t->role))) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
users_set_role(struct req *r)
{
	const struct role_in *in = r->in;
	struct role_tx t = { 0, in->role.s };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK)
		return e;
	if (t.id == r->user.id)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
	if ((e = req_tx(r, role_work, &t)) != ERR_OK)
		return e;
	return users_reply_user(r, 200, MSG_USER_ROLE_UPDATED, t.id);
}

static enum err
delete_work(struct req *r, void *ctx)
{
	const long long *id = ctx;
	struct user_target u;
	json_object *d;
	enum db_rc rc;
	enum err e;

	if ((rc = db_users_lock_target(r->db, r->a, *id, &u)) != DB_OK)
		return fail_db(r, rc);
	/* the log keeps what kind of account it was, nothing that identifies the person */
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(u.role));
	if ((e = uploads_erase_owner(r, *id)) != ERR_OK)
		return e;
	if ((rc = db_users_anonymize(r->db, r->a, *id)) != DB_OK ||
	    (rc = db_privacy_erase(r->db, r->a, *id)) != DB_OK ||
	    (rc = db_sessions_revoke_user(r->db, r->a, *id, "deleted")) != DB_OK ||
	    (rc = sessions_auth_check(r, *id)) != DB_OK ||
	    (rc = db_codes_retire_user(r->db, r->a, *id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.delete", "user", *id,
	    d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
users_delete(struct req *r)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if (id == r->user.id)
		return fail_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
	if ((e = req_tx(r, delete_work, &id)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_USER_DELETED, NULL);
}

/* --- the caller's profile --- */

enum err
users_profile_get(struct req *r)
{
	return users_reply_user(r, 200, MSG_USER_PROFILE, r->user.id);
}

static const char *const genders[] = { "male", "female", NULL };
static const char *const langs[] = { "ar", "en", NULL };

/* Names are trimmed and may not be blank. */
static const char *
name_text(struct in_val *v, struct arena *a, enum msg *msg)
{
	*msg = MSG_NONE;
	v->s = arena_strtrim(a, v->s);
	return *v->s == '\0' ? "REQUIRED" : NULL;
}

/* Optional text is trimmed; blank is no value (NULL). */
static const char *
optional_text(struct in_val *v, struct arena *a, enum msg *msg)
{
	*msg = MSG_NONE;
	v->s = arena_strtrim(a, v->s);
	if (*v->s == '\0') {
		v->s = NULL;
		v->null = 1;
	}
	return NULL;
}

/* Avatars are shown in pages and apps: only web addresses or our own paths, never
 * "javascript:" or "data:". */
static int
url_ok(const char *s)
{
	if (strncasecmp(s, "https://", 8) == 0 || strncasecmp(s, "http://", 7) == 0)
		return strlen(s) > 8 && strpbrk(s, " \t\r\n\"'<>\\") == NULL;
	return s[0] == '/' && s[1] != '/' && strpbrk(s, " \t\r\n\"'<>\\") == NULL;
}

static const char *
avatar_url(struct in_val *v, struct arena *a, enum msg *msg)
{
	*msg = MSG_NONE;
	if (*v->s != '\0' && !url_ok(v->s)) {
		*msg = MSG_V_INVALID_FORMAT;
		return "INVALID_FORMAT";
	}
	return optional_text(v, a, msg);
}

static const char *
username_ok(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	if (username_valid(v->s))
		return NULL;
	*msg = MSG_V_USERNAME;
	return "INVALID_FORMAT";
}

/* Not in the future anywhere: not after today's date at UTC+14, the earliest zone. */
static const char *
past_date(struct in_val *v, struct arena *a, enum msg *msg)
{
	time_t ahead = time(NULL) + 14 * 3600;
	char today[16];
	struct tm tm;

	(void)a;
	*msg = MSG_NONE;
	gmtime_r(&ahead, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(v->s, today) <= 0)
		return NULL;
	*msg = MSG_V_DATE_FUTURE;
	return "OUT_OF_RANGE";
}

/* Next year's models are sold this year; no later one. */
static const char *
year_not_ahead(struct in_val *v, struct arena *a, enum msg *msg)
{
	time_t now = time(NULL);
	struct tm tm;

	(void)a;
	*msg = MSG_NONE;
	gmtime_r(&now, &tm);
	if (v->i <= tm.tm_year + 1900 + 1)
		return NULL;
	*msg = MSG_V_OUT_OF_RANGE;
	return "OUT_OF_RANGE";
}

/* A governorate's ISO code ("C", "EG-GZ") or its Arabic or English name, trimmed and
 * without the "EG-" of a full ISO code; the unit of work looks it up. Blank is none. */
static const char *
governorate_name(struct in_val *v, struct arena *a, enum msg *msg)
{
	optional_text(v, a, msg);
	if (v->s != NULL && strncasecmp(v->s, "EG-", 3) == 0 && *(v->s += 3) == '\0') {
		*msg = MSG_V_GOVERNORATE;
		return "INVALID_VALUE";
	}
	return NULL;
}

/* What GET shows under "profile", and PUT therefore also takes from there. */
struct profile_part {
	struct in_val first_name, last_name, avatar, bio, date_of_birth, gender, address,
	    street, city, governorate, preferred_language;
};

/* The body of PUT /api/users/profile (and /api/users/me); nothing is required. */
struct profile_in {
	struct profile_part top;     /* "firstName", "address.city"… */
	struct profile_part nested;  /* their twins "profile.firstName", "profile.address.city"… */
	struct in_val profile, phone, username, car_info, car_brand, car_model, car_year,
	    preferences, notifications, sms, email, push, location, latitude, longitude,
	    full_name;
};

#define PROFILE_PART(P, part) \
	{ P "firstName", V_STRING, 0, 1, 100, NULL, \
	    IN(struct profile_in, part.first_name), name_text }, \
	{ P "lastName", V_STRING, 0, 1, 100, NULL, \
	    IN(struct profile_in, part.last_name), name_text }, \
	{ P "avatar", V_STRING, VF_NULLABLE, 0, 512, NULL, \
	    IN(struct profile_in, part.avatar), avatar_url }, \
	{ P "bio", V_STRING, VF_NULLABLE, 0, 2000, NULL, \
	    IN(struct profile_in, part.bio), optional_text }, \
	{ P "dateOfBirth", V_DATE, VF_NULLABLE, 0, 0, NULL, \
	    IN(struct profile_in, part.date_of_birth), past_date }, \
	{ P "gender", V_ENUM, VF_NULLABLE, 0, 0, genders, \
	    IN(struct profile_in, part.gender), NULL }, \
	{ P "address", V_OBJECT, VF_NULLABLE, 0, 0, NULL, \
	    IN(struct profile_in, part.address), NULL }, \
	{ P "address.street", V_STRING, VF_NULLABLE, 0, 255, NULL, \
	    IN(struct profile_in, part.street), optional_text }, \
	{ P "address.city", V_STRING, VF_NULLABLE, 0, 100, NULL, \
	    IN(struct profile_in, part.city), optional_text }, \
	{ P "address.governorate", V_STRING, VF_NULLABLE, 0, 64, NULL, \
	    IN(struct profile_in, part.governorate), governorate_name }, \
	{ P "preferredLanguage", V_ENUM, 0, 0, 0, langs, \
	    IN(struct profile_in, part.preferred_language), NULL }

#define PF(name, type, flags, min, max, allowed, member, check) \
	{ name, type, flags, min, max, allowed, IN(struct profile_in, member), check }

static const struct vfield profile_fields[] = {
	PF("profile", V_OBJECT, 0, 0, 0, NULL, profile, NULL),
	PROFILE_PART("", top),
	/* seed 002: one name, split at its first space (firstName and lastName win) */
	PF("fullName", V_STRING, 0, 1, 201, NULL, full_name, name_text),
	PF("phone", V_PHONE, 0, 0, 0, NULL, phone, NULL),
	PF("username", V_STRING, 0, 3, 64, NULL, username, username_ok),
	PF("carInfo", V_OBJECT, VF_NULLABLE, 0, 0, NULL, car_info, NULL),
	PF("carInfo.brand", V_STRING, VF_NULLABLE, 0, 64, NULL, car_brand, optional_text),
	PF("carInfo.model", V_STRING, VF_NULLABLE, 0, 64, NULL, car_model, optional_text),
	PF("carInfo.year", V_INT, VF_NULLABLE, 1950, 9999, NULL, car_year, year_not_ahead),
	PF("preferences", V_OBJECT, 0, 0, 0, NULL, preferences, NULL),
	PF("preferences.notificationsEnabled", V_BOOL, 0, 0, 0, NULL, notifications, NULL),
	PF("preferences.smsNotifications", V_BOOL, 0, 0, 0, NULL, sms, NULL),
	PF("preferences.emailNotifications", V_BOOL, 0, 0, 0, NULL, email, NULL),
	PF("preferences.pushNotifications", V_BOOL, 0, 0, 0, NULL, push, NULL),
	PF("location", V_OBJECT, VF_NULLABLE, 0, 0, NULL, location, NULL),
	PF("location.latitude", V_NUMBER, VF_NULLABLE, -90, 90, NULL, latitude, NULL),
	PF("location.longitude", V_NUMBER, VF_NULLABLE, -180, 180, NULL, longitude, NULL),
	PROFILE_PART("profile.", nested),
};

/* seed 001's name for avatar; "avatar" wins when both are sent */
static const char *const profile_aliases[] = { "profilePicture", "avatar", NULL };

const struct input users_profile_put_input = INPUT_ALIASED(struct profile_in, profile_fields,
    NULL, profile_aliases);

/* A twin's value: the top-level field when it was sent, else its "profile." twin. */
static const struct in_val *
twin(const struct in_val *top, const struct in_val *nested)
{
	return top->set ? top : nested;
}

static void
put_text(const char **col, const struct in_val *v)
{
	if (v->set)
		*col = v->null ? NULL : v->s;
}

static void
put_flag(int *col, const struct in_val *v)
{
	if (v->set)
		*col = v->i != 0;
}

/* A coordinate as it will be: unchanged, cleared, or the one sent. */
static void
put_coordinate(int *has, double *col, const struct in_val *v)
{
	if (v->set) {
		*has = !v->null;
		*col = v->null ? 0 : v->d;
	}
}

/* Lays the declared fields that were sent over the row (the governorate is the
 * caller's: it needs a look-up). Fails only on a half location, which depends on the
 * row: a location is a point, both coordinates or neither. */
static enum err
profile_apply(struct req *r, const struct profile_in *in, struct user_profile *p)
{
	const struct profile_part *addr = in->top.address.set ? &in->top : &in->nested;
	int has_lat = p->has_location, has_lng = p->has_location;

	if (in->full_name.set) {
		const char *sp = strchr(in->full_name.s, ' ');

		/* "Mona Abdel Rahman": Mona, Abdel Rahman; one word changes the first name only */
		p->first_name = sp == NULL ? in->full_name.s :
		    arena_strndup(r->a, in->full_name.s, (size_t)(sp - in->full_name.s));
		if (sp != NULL)
			p->last_name = arena_strtrim(r->a, sp + 1);
	}
	put_text(&p->first_name, twin(&in->top.first_name, &in->nested.first_name));
	put_text(&p->last_name, twin(&in->top.last_name, &in->nested.last_name));
	put_text(&p->phone, &in->phone);
	put_text(&p->username, &in->username);
	put_text(&p->avatar, twin(&in->top.avatar, &in->nested.avatar));
	put_text(&p->bio, twin(&in->top.bio, &in->nested.bio));
	put_text(&p->date_of_birth, twin(&in->top.date_of_birth, &in->nested.date_of_birth));
	put_text(&p->gender, twin(&in->top.gender, &in->nested.gender));
	put_text(&p->preferred_language, twin(&in->top.preferred_language,
	    &in->nested.preferred_language));
	if (addr->address.null)
		p->street = p->city = p->governorate = NULL;
	put_text(&p->street, &addr->street);
	put_text(&p->city, &addr->city);
	if (in->car_info.null) {
		p->car_brand = p->car_model = NULL;
		p->car_year = 0;
	}
	put_text(&p->car_brand, &in->car_brand);
	put_text(&p->car_model, &in->car_model);
	if (in->car_year.set)
		p->car_year = in->car_year.null ? 0 : in->car_year.i;
	put_flag(&p->notifications_enabled, &in->notifications);
	put_flag(&p->sms_notifications, &in->sms);
	put_flag(&p->email_notifications, &in->email);
	put_flag(&p->push_notifications, &in->push);
	if (in->location.null)
		has_lat = has_lng = 0;
	put_coordinate(&has_lat, &p->latitude, &in->latitude);
	put_coordinate(&has_lng, &p->longitude, &in->longitude);
	if (has_lat != has_lng)
		return fail_field(r, ERR_VALIDATION, has_lat ? "location.longitude" :
		    "location.latitude", "REQUIRED", MSG_V_REQUIRED);
	p->has_location = has_lat;
	return ERR_OK;
}

/* The names of the profile's columns that differ between a and b, for the log of an
 * update by staff (names only: the values stay in the row). */
static json_object *
changed_fields(struct arena *a, const struct user_profile *o, const struct user_profile *n)
{
	json_object *d = json_owned(a, json_object_new_object()), *f = json_object_new_array();
	static const struct {
		const char *name;
		size_t      off;
	} texts[] = {
#define T(m, name) { name, offsetof(struct user_profile, m) }
		T(first_name, "firstName"), T(last_name, "lastName"), T(phone, "phone"),
		T(username, "username"), T(avatar, "avatar"), T(bio, "bio"),
		T(date_of_birth, "dateOfBirth"), T(gender, "gender"), T(street, "address.street"),
		T(city, "address.city"), T(governorate, "address.governorate"),
		T(preferred_language, "preferredLanguage"), T(car_brand, "carInfo.brand"),
		T(car_model, "carInfo.model"),
#undef T
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!str_eq(*(const char *const *)(const void *)((const char *)o + texts[i].off),
		    *(const char *const *)(const void *)((const char *)n + texts[i].off)))
			json_object_array_add(f, json_object_new_string(texts[i].name));
	if (o->car_year != n->car_year)
		json_object_array_add(f, json_object_new_string("carInfo.year"));
	if (o->notifications_enabled != n->notifications_enabled ||
	    o->sms_notifications != n->sms_notifications ||
	    o->email_notifications != n->email_notifications ||
	    o->push_notifications != n->push_notifications)
		json_object_array_add(f, json_object_new_string("notifications"));
	if (o->has_location != n->has_location || o->latitude != n->latitude ||
	    o->longitude != n->longitude)
		json_object_array_add(f, json_object_new_string("location"));
	json_object_object_add(d, "fields", f);
	return d;
}

/* Whose profile a PUT writes: the caller's own, or (staff, PUT /api/user/:id) any
 * user's, logged. */
struct profile_target {
	long long id;
	int       by_staff;
};

static enum err
profile_work(struct req *r, void *ctx)
{
	const struct profile_target *t = ctx;
	const struct profile_in *in = r->in;
	const struct profile_part *addr = in->top.address.set ? &in->top : &in->nested;
	const char *gov = NULL;
	struct user_profile p, old;
	enum db_rc rc;
	enum err e;

	if (addr->governorate.set && !addr->governorate.null) {
		rc = db_users_governorate_code(r->db, r->a, addr->governorate.s, &gov);
		if (rc == DB_NOTFOUND)
			return fail_field(r, ERR_VALIDATION, addr == &in->top ? "address.governorate" :
			    "profile.address.governorate", "INVALID_VALUE", MSG_V_GOVERNORATE);
		if (rc != DB_OK)
			return fail_db(r, rc);
	}
	if ((rc = db_users_lock_profile(r->db, r->a, t->id, &old)) != DB_OK)
		return fail_db(r, rc);
	p = old;
	if ((e = profile_apply(r, in, &p)) != ERR_OK)
		return e;
	if (addr->governorate.set)
		p.governorate = gov;
	/* a new number is not verified yet (the OTP flow of auth.c verifies it) */
	if (!str_eq(old.phone, p.phone))
		p.phone_verified = 0;
	/* a taken phone or username is 409 naming it, a governorate gone since the look-up
	 * 422 naming it (keys.c) */
	if ((rc = db_users_update_profile(r->db, r->a, t->id, &p)) != DB_OK)
		return fail_db(r, rc);
	if (t->by_staff) {
		json_object *d = changed_fields(r->a, &old, &p), *f;

		/* nothing changed (undeclared fields only, or the same values): nothing logged */
		if (json_object_object_get_ex(d, "fields", &f) && json_object_array_length(f) > 0 &&
		    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.update", "user",
		    t->id, d)) != DB_OK)
			return fail_db(r, rc);
	}
	/* login identifiers are audited (see the top of the file); nothing else is */
	if (!str_eq(old.phone, p.phone) &&
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.phone_change", "user",
	    t->id, change(r->a, old.phone, p.phone))) != DB_OK)
		return fail_db(r, rc);
	if (!str_eq(old.username, p.username) &&
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.username_change", "user",
	    t->id, change(r->a, old.username, p.username))) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
users_profile_put(struct req *r)
{
	struct profile_target t = { r->user.id, 0 };
	enum err e;

	if ((e = req_tx(r, profile_work, &t)) != ERR_OK)
		return e;
	return users_reply_user(r, 200, MSG_USER_PROFILE_UPDATED, r->user.id);
}

/* PUT /api/user/:id (seed 002, admin): any user's profile through the same declared
 * fields and rules as the user's own PUT, with the changed field names logged. Role,
 * ban and verification are not fields here: they have their own admin actions. A
 * deleted or unknown user is 404. */
enum err
users_admin_put(struct req *r)
{
	struct profile_target t = { 0, 1 };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, profile_work, &t)) != ERR_OK)
		return e;
	return users_reply_user(r, 200, MSG_USER_PROFILE_UPDATED, t.id);
}

/* --- the caller's settings (seed 002) --- */

static const char *const visibilities[] = { "public", "private", NULL };
static const char *const themes[] = { "light", "dark", "system", NULL };

/* IANA names look like "Africa/Cairo", "Etc/GMT+2" or "UTC". */
static const char *
timezone_name(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *p;

	(void)a;
	*msg = MSG_V_INVALID_FORMAT;
	if (*v->s == '/' || strstr(v->s, "..") != NULL)
		return "INVALID_FORMAT";
	for (p = v->s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return "INVALID_FORMAT";
	*msg = MSG_NONE;
	return NULL;
}

/* Every key of the settings object; SETTINGS_DEFAULTS has a default for each. */
enum { S_EMAIL, S_PUSH, S_SMS, S_MARKETING, S_REMINDERS, S_REVIEWS, S_VISIBILITY,
	S_SHOW_EMAIL, S_SHOW_PHONE, S_MESSAGES, S_THEME, S_LANGUAGE, S_TIMEZONE, S_TWO_FACTOR,
	S_TIMEOUT, S__MAX };

static const char *const settings_keys[S__MAX] = {
	[S_EMAIL] = "emailNotifications", [S_PUSH] = "pushNotifications",
	[S_SMS] = "smsNotifications", [S_MARKETING] = "marketingEmails",
	[S_REMINDERS] = "bookingReminders", [S_REVIEWS] = "reviewNotifications",
	[S_VISIBILITY] = "profileVisibility", [S_SHOW_EMAIL] = "showEmail",
	[S_SHOW_PHONE] = "showPhone", [S_MESSAGES] = "allowDirectMessages", [S_THEME] = "theme",
	[S_LANGUAGE] = "language", [S_TIMEZONE] = "timezone",
	[S_TWO_FACTOR] = "twoFactorEnabled", [S_TIMEOUT] = "sessionTimeout",
};

static const char SETTINGS_DEFAULTS[] =
    "{\"emailNotifications\":true,\"pushNotifications\":true,\"smsNotifications\":true,"
    "\"marketingEmails\":false,\"bookingReminders\":true,\"reviewNotifications\":true,"
    "\"profileVisibility\":\"public\",\"showEmail\":false,\"showPhone\":false,"
    "\"allowDirectMessages\":true,\"theme\":\"light\",\"language\":\"ar\","
    "\"timezone\":\"Africa/Cairo\",\"twoFactorEnabled\":false,\"sessionTimeout\":60}";

/* Seed 002 sends {"settings": {...}}; the keys at the top level are accepted too. */
struct settings_in {
	struct in_val settings;
	struct in_val nested[S__MAX];   /* "settings.theme"… */
	struct in_val top[S__MAX];      /* "theme"… */
};

#define SETTINGS_FIELDS(P, part) \
	SF(P "emailNotifications", V_BOOL, 0, 0, NULL, part[S_EMAIL], NULL), \
	SF(P "pushNotifications", V_BOOL, 0, 0, NULL, part[S_PUSH], NULL), \
	SF(P "smsNotifications", V_BOOL, 0, 0, NULL, part[S_SMS], NULL), \
	SF(P "marketingEmails", V_BOOL, 0, 0, NULL, part[S_MARKETING], NULL), \
	SF(P "bookingReminders", V_BOOL, 0, 0, NULL, part[S_REMINDERS], NULL), \
	SF(P "reviewNotifications", V_BOOL, 0, 0, NULL, part[S_REVIEWS], NULL), \
	SF(P "profileVisibility", V_ENUM, 0, 0, visibilities, part[S_VISIBILITY], NULL), \
	SF(P "showEmail", V_BOOL, 0, 0, NULL, part[S_SHOW_EMAIL], NULL), \
	SF(P "showPhone", V_BOOL, 0, 0, NULL, part[S_SHOW_PHONE], NULL), \
	SF(P "allowDirectMessages", V_BOOL, 0, 0, NULL, part[S_MESSAGES], NULL), \
	SF(P "theme", V_ENUM, 0, 0, themes, part[S_THEME], NULL), \
	SF(P "language", V_ENUM, 0, 0, langs, part[S_LANGUAGE], NULL), \
	SF(P "timezone", V_STRING, 1, 64, NULL, part[S_TIMEZONE], timezone_name), \
	SF(P "twoFactorEnabled", V_BOOL, 0, 0, NULL, part[S_TWO_FACTOR], NULL), \
	SF(P "sessionTimeout", V_INT, 5, 1440, NULL, part[S_TIMEOUT], NULL)   /* minutes */

#define SF(name, type, min, max, allowed, member, check) \
	{ name, type, 0, min, max, allowed, IN(struct settings_in, member), check }

static const struct vfield settings_fields[] = {
	SF("settings", V_OBJECT, 0, 0, NULL, settings, NULL),
	SETTINGS_FIELDS("settings.", nested),
	SETTINGS_FIELDS("", top),
};

const struct input users_settings_put_input = INPUT(struct settings_in, settings_fields, NULL);

/* The settings as stored, over the defaults, under the columns that mirror four keys.
 * A stored value of the wrong type (never written by us) falls back to the default. */
static json_object *
settings_current(struct req *r, const struct user_settings *row)
{
	json_object *s = json_owned(r->a, json_tokener_parse(SETTINGS_DEFAULTS)), *stored = NULL;
	size_t i;

	if (row->settings != NULL)
		stored = json_owned(r->a, json_tokener_parse(row->settings));
	for (i = 0; stored != NULL && json_object_is_type(stored, json_type_object) &&
	    i < S__MAX; i++) {
		json_object *def = NULL, *v;

		json_object_object_get_ex(s, settings_keys[i], &def);
		if (json_object_object_get_ex(stored, settings_keys[i], &v) && v != NULL &&
		    json_object_get_type(v) == json_object_get_type(def))
			json_object_object_add(s, settings_keys[i], json_object_get(v));
	}
	json_object_object_add(s, "emailNotifications",
	    json_object_new_boolean(row->email_notifications));
	json_object_object_add(s, "smsNotifications",
	    json_object_new_boolean(row->sms_notifications));
	json_object_object_add(s, "pushNotifications",
	    json_object_new_boolean(row->push_notifications));
	json_object_object_add(s, "language", json_object_new_string(
	    row->preferred_language != NULL ? row->preferred_language : "ar"));
	return s;
}

static enum err
reply_settings(struct req *r, enum msg msg_key, json_object *settings)
{
	json_object *data = json_object_new_object();

	json_object_object_add(data, "settings", json_object_get(settings));
	return reply_ok(r, 200, msg_key, data);
}

/* A boolean key of the merged settings. */
static int
settings_flag(json_object *s, int key)
{
	json_object *v;

	return json_object_object_get_ex(s, settings_keys[key], &v) && json_object_get_boolean(v);
}

enum err
users_settings_get(struct req *r)
{
	struct user_settings row;
	enum db_rc rc;

	if ((rc = db_users_settings(r->db, r->a, r->user.id, &row)) != DB_OK)
		return fail_db(r, rc);
	return reply_settings(r, MSG_USER_SETTINGS, settings_current(r, &row));
}

/* Only the keys sent change; the rest keep their stored (or default) values. With
 * "settings" in the body its members are read, else the same keys at the top level. */
static enum err
settings_work(struct req *r, void *ctx)
{
	const struct settings_in *in = r->in;
	const struct in_val *sent = in->settings.set ? in->nested : in->top;
	json_object **out = ctx, *cur, *lang = NULL;
	struct user_settings row;
	enum db_rc rc;
	size_t i;

	if ((rc = db_users_lock_settings(r->db, r->a, r->user.id, &row)) != DB_OK)
		return fail_db(r, rc);
	cur = settings_current(r, &row);
	for (i = 0; i < S__MAX; i++)
		if (sent[i].set)
			json_object_object_add(cur, settings_keys[i], json_object_get(sent[i].j));
	json_object_object_get_ex(cur, settings_keys[S_LANGUAGE], &lang);
	row.settings = json_text(r->a, cur, NULL);
	row.email_notifications = settings_flag(cur, S_EMAIL);
	row.sms_notifications = settings_flag(cur, S_SMS);
	row.push_notifications = settings_flag(cur, S_PUSH);
	row.preferred_language = json_object_get_string(lang);
	if ((rc = db_users_update_settings(r->db, r->a, r->user.id, &row)) != DB_OK)
		return fail_db(r, rc);
	*out = cur;
	return ERR_OK;
}

enum err
users_settings_put(struct req *r)
{
	json_object *settings = NULL;
	enum err e;

	if ((e = req_tx(r, settings_work, &settings)) != ERR_OK)
		return e;
	return reply_settings(r, MSG_USER_SETTINGS_UPDATED, settings);
}

/* --- GET /api/search/users (seed 000, staff; docs/search.md) ---
 * The staff's users list with its search (docs/data-layer.md, "Searches"): q, or phone
 * when q is absent, is its search. */

struct search_users_in {
	struct in_val q, phone, role, status, page, limit;
};

static const struct vfield search_users_fields[] = {
	{ "q", V_STRING, 0, 1, 100, NULL, IN(struct search_users_in, q), NULL },
	{ "phone", V_STRING, 0, 1, 30, NULL, IN(struct search_users_in, phone), NULL },
	{ "role", V_STRING, 0, 1, 32, NULL, IN(struct search_users_in, role), list_role },
	{ "status", V_ENUM, 0, 0, 0, list_statuses, IN(struct search_users_in, status), NULL },
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct search_users_in, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct search_users_in, limit), NULL },
};

const struct input search_users_query = INPUT(struct search_users_in, search_users_fields, NULL);

enum err
search_users(struct req *r)
{
	const struct search_users_in *in = r->qin;
	struct users_list_in l;
	enum err e;

	if (in->q.set && in->phone.set)
		return fail_field(r, ERR_VALIDATION, "phone", "INVALID_VALUE", MSG_V_INVALID_VALUE);
	if (!user_lists_searching(in->q.set ? in->q.s : in->phone.set ? in->phone.s : NULL))
		return fail_field(r, ERR_VALIDATION, "q", "REQUIRED", MSG_V_REQUIRED);
	memset(&l, 0, sizeof(l));
	l.page = in->page;
	l.limit = in->limit;
	l.role = in->role;
	l.status = in->status;
	l.search = in->q.set ? in->q : in->phone;
	r->qin = &l;
	e = users_list_filtered(r);
	r->qin = in;
	return e;
}
