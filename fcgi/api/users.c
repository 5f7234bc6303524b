/* /api/users and /api/user/settings: a user's own profile and settings (seed 000
 * "User Management", seed 001 §5.2 /users/me, seed 002 /user/settings) and the staff's
 * read of users (seed 000: admin, and technicians read-only; moderators too), the
 * admin's role change and deletion.
 *
 * Answers follow the seeds' shapes inside DESIGN.md §3's envelope, as auth_me does:
 * one user is data.user, a list is data[] with pagination, settings are data.settings.
 *
 * Decisions where the seeds are silent:
 * - PUT /api/users/profile takes seed 000's top-level keys ({firstName, lastName,
 *   address, carInfo, preferences, ...}). Because GET shows firstName, lastName,
 *   avatar, bio, dateOfBirth, gender, address and preferredLanguage under "profile", a
 *   client that sends them back nested ({"profile": {...}}) is understood too; a
 *   top-level key wins over its nested twin and errors name the top-level key.
 *   "profilePicture" (seed 001) is another name for avatar.
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
 *   twoFactorEnabled and sessionTimeout are stored preferences only, for now. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../store/activity.h"
#include "../core/phone.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/identity.h"
#include "api.h"
#include "user_view.h"
#include "../store/users.h"
#include "../store/user_lists.h"

/* --- statements --- */

static const char SQL_REVOKE_SESSIONS[] =
    "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3), revoke_reason = ?"
    " WHERE user_id = ? AND revoked_at IS NULL";
static const char SQL_RETIRE_CODES[] =
    "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3)"
    " WHERE user_id = ? AND used_at IS NULL";

static const char SQL_LOCK_ROLE[] =
    "SELECT role FROM users WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
static const char SQL_SET_ROLE[] =
    "UPDATE users SET role = ? WHERE id = ? AND deleted_at IS NULL";
/* The e-mail becomes deleted-<id>@deleted.invalid (RFC 2606's reserved .invalid), made
 * from the row's own id; the hash "!" is no scrypt MCF string, so nothing matches it. */
static const char SQL_ANONYMIZE[] =
    "UPDATE users SET email = CONCAT('deleted-', id, '@deleted.invalid'), phone = NULL,"
    " username = NULL, first_name = 'Deleted', last_name = 'User', avatar = NULL,"
    " bio = NULL, date_of_birth = NULL, gender = NULL, address_street = NULL,"
    " address_city = NULL, address_governorate = NULL, car_brand = NULL, car_model = NULL,"
    " car_year = NULL, latitude = NULL, longitude = NULL, settings = NULL,"
    " password_hash = '!', email_verified = 0, phone_verified = 0, is_active = 0,"
    " deleted_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND deleted_at IS NULL";

static const char SQL_GOVERNORATE[] =
    "SELECT code FROM governorates WHERE code = ? OR name_en = ? OR name_ar = ? LIMIT 1";

/* The columns a profile update may change, in this order in both statements. Role,
 * ban, verification (but the phone's reset), e-mail, active state and rating are not
 * among them, so no body can reach them (DESIGN.md §4). */
static const char SQL_PROFILE_ROW[] =
    "SELECT first_name, last_name, phone, username, avatar, bio, date_of_birth, gender,"
    " address_street, address_city, address_governorate, preferred_language, car_brand,"
    " car_model, car_year, notifications_enabled, sms_notifications, email_notifications,"
    " push_notifications, latitude, longitude, phone_verified"
    " FROM users WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
static const char SQL_PROFILE_UPDATE[] =
    "UPDATE users SET first_name = ?, last_name = ?, phone = ?, username = ?, avatar = ?,"
    " bio = ?, date_of_birth = ?, gender = ?, address_street = ?, address_city = ?,"
    " address_governorate = ?, preferred_language = ?, car_brand = ?, car_model = ?,"
    " car_year = ?, notifications_enabled = ?, sms_notifications = ?,"
    " email_notifications = ?, push_notifications = ?, latitude = ?, longitude = ?,"
    " phone_verified = ? WHERE id = ? AND deleted_at IS NULL";

#define SETTINGS_ROW \
	"SELECT settings, email_notifications, sms_notifications, push_notifications," \
	" preferred_language FROM users WHERE id = ? AND deleted_at IS NULL"
static const char SQL_SETTINGS_ROW[] = SETTINGS_ROW;
static const char SQL_SETTINGS_LOCK[] = SETTINGS_ROW " FOR UPDATE";
static const char SQL_SETTINGS_UPDATE[] =
    "UPDATE users SET settings = ?, email_notifications = ?, sms_notifications = ?,"
    " push_notifications = ?, preferred_language = ? WHERE id = ? AND deleted_at IS NULL";

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

/* A write's failure: a duplicate key is 409 naming the field it belongs to. */
void
users_reply_taken(struct req *r, enum db_rc rc)
{
	const char *key = db_dup_key(r->db);

	if (rc != DB_DUP)
		reply_db_error(r, rc == DB_OK ? DB_ERR : rc);
	else if (strcmp(key, "uq_users_phone") == 0)
		reply_field_error(r, ERR_CONFLICT, "phone", "DUPLICATE", MSG_V_PHONE_TAKEN);
	else if (strcmp(key, "uq_users_username") == 0)
		reply_field_error(r, ERR_CONFLICT, "username", "DUPLICATE", MSG_V_USERNAME_TAKEN);
	else if (strcmp(key, "uq_users_email") == 0)
		reply_field_error(r, ERR_CONFLICT, "email", "DUPLICATE", MSG_V_EMAIL_TAKEN);
	else
		reply_db_error(r, rc);
}

/* Ends every session of the user (refresh tokens; access tokens die by themselves,
 * since the router reads is_banned and deleted_at on every request). */
enum db_rc
users_revoke_sessions(struct req *r, long long id, const char *reason)
{
	return db_run(r->db, r->a, SQL_REVOKE_SESSIONS, DB_ARGS(DB_STR(reason), DB_INT(id)), NULL);
}

static int
has_error(json_object *errs, const char *field)
{
	size_t i;

	for (i = 0; i < json_object_array_length(errs); i++) {
		json_object *f;

		if (json_object_object_get_ex(json_object_array_get_idx(errs, i), "field", &f) &&
		    strcmp(json_object_get_string(f), field) == 0)
			return 1;
	}
	return 0;
}

/* The string at path when it is present, a string and has not failed already. */
static const char *
checkable(json_object *body, json_object *errs, const char *path)
{
	json_object *v = json_path(body, path);

	if (v == NULL || !json_object_is_type(v, json_type_string) || has_error(errs, path))
		return NULL;
	return json_object_get_string(v);
}

/* Copy of s without surrounding white space. */
static char *
trimmed(struct arena *a, const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* --- lists --- */

/* GET /api/users (seed 000) and GET /api/admin/users (seed 001 §5.8): page, limit,
 * cursor, role (any alias), search and, for the admin list, status (active | banned |
 * all). Deleted users are never listed. A list is newest first with an exact total;
 * a search is in the order of what it looks like with a total capped at the window
 * (fcgi/store/user_lists.h, docs/data-layer.md "Lists"). */

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

static const char *
list_cursor(struct in_val *v, struct arena *a, enum msg *msg)
{
	struct user_cursor c;

	(void)a;
	*msg = MSG_NONE;
	return user_lists_cursor_decode(v->s, &c) == 0 ? NULL : "INVALID_FORMAT";
}

static const char *const list_statuses[] = { "all", "active", "banned", NULL };

/* status last: the admin list declares it, GET /api/users does not */
static const struct vfield list_fields[] = {
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct users_list_in, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct users_list_in, limit), NULL },
	{ "cursor", V_STRING, 0, 1, 64, NULL, IN(struct users_list_in, cursor), list_cursor },
	{ "role", V_STRING, 0, 1, 32, NULL, IN(struct users_list_in, role), list_role },
	{ "search", V_STRING, 0, 1, 100, NULL, IN(struct users_list_in, search), NULL },
	{ "status", V_ENUM, 0, 0, 0, list_statuses, IN(struct users_list_in, status), NULL },
};

const struct input users_list_query = { list_fields, NFIELDS(list_fields) - 1,
	sizeof(struct users_list_in), NULL, NULL };
const struct input admin_users_list_query = INPUT(struct users_list_in, list_fields, NULL);

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
		user_lists_cursor_decode(in->cursor.s, &after);   /* checked by list_cursor */
		q.after = &after;
	} else if (q.page * q.limit > USER_LIST_WINDOW) {
		if (searching)
			return fail_field(r, ERR_VALIDATION, "page", "OUT_OF_RANGE",
			    MSG_V_SEARCH_WINDOW);
		return fail_field(r, ERR_VALIDATION, "cursor", "REQUIRED", MSG_V_PAGE_WINDOW);
	}
	if ((rc = db_user_lists_page(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	pg.page = q.page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	pg.next_cursor = out.has_next ? user_lists_cursor_encode(r->a, &out.next) : NULL;
	return reply_list(r, MSG_USER_LIST, out.items, &pg);
}

enum err
users_list(struct req *r)
{
	return users_list_filtered(r);
}

void
users_get(struct req *r)
{
	long long id;

	if (req_param_id(r, 0, &id) != 0)
		return;
	users_reply_user(r, 200, MSG_USER_FOUND, id);
}

/* --- role and deletion (admin) --- */

static const struct vfield role_fields[] = {
	{ "role", V_STRING, VF_REQUIRED, 1, 32, NULL, 0, NULL },
};

void
users_set_role(struct req *r)
{
	const char *role, *from;
	struct db_result row;
	json_object *d;
	long long id;
	enum db_rc rc;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if (validate_or_reply(r, r->json, role_fields, NFIELDS(role_fields)) != 0)
		return;
	if ((role = role_from_alias(json_get_str(r->json, "role"))) == NULL) {
		reply_field_error(r, ERR_VALIDATION, "role", "INVALID_VALUE", MSG_V_INVALID_VALUE);
		return;
	}
	if (id == r->user.id) {
		reply_error_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
		return;
	}
	if (begin_locked_row(r, SQL_LOCK_ROLE, id, &row) != 0)
		return;
	from = db_get(&row, 0, 0);
	if (strcmp(from, role) != 0) {
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "from", json_object_new_string(from));
		json_object_object_add(d, "to", json_object_new_string(role));
		if ((rc = db_run(r->db, r->a, SQL_SET_ROLE, DB_ARGS(DB_STR(role), DB_INT(id)),
		    NULL)) != DB_OK ||
		    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.role_change", "user", id, d)) != DB_OK)
			goto fail;
	}
	/* the same role again changes nothing and logs nothing */
	if ((rc = db_commit(r->db)) != DB_OK)
		goto fail;
	users_reply_user(r, 200, MSG_USER_ROLE_UPDATED, id);
	return;
fail:
	reply_rollback(r, rc);
}

void
users_delete(struct req *r)
{
	struct db_result row, res;
	json_object *d;
	long long id;
	enum db_rc rc;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if (id == r->user.id) {
		reply_error_msg(r, ERR_CONFLICT, MSG_USER_SELF_ACTION);
		return;
	}
	if (begin_locked_row(r, SQL_LOCK_ROLE, id, &row) != 0)
		return;
	/* the log keeps what kind of account it was, nothing that identifies the person */
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "role", json_object_new_string(db_get(&row, 0, 0)));
	if ((rc = db_run(r->db, r->a, SQL_ANONYMIZE, DB_ARGS(DB_INT(id)), &res)) != DB_OK ||
	    (rc = users_revoke_sessions(r, id, "deleted")) != DB_OK ||
	    (rc = db_run(r->db, r->a, SQL_RETIRE_CODES, DB_ARGS(DB_INT(id)), NULL)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "user.delete", "user", id, d)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_USER_DELETED, NULL);
	return;
fail:
	reply_rollback(r, rc);
}

/* --- the caller's profile --- */

void
users_profile_get(struct req *r)
{
	users_reply_user(r, 200, MSG_USER_PROFILE, r->user.id);
}

static const char *const genders[] = { "male", "female", NULL };
static const char *const langs[] = { "ar", "en", NULL };

/* The body of PUT /api/users/profile (and /api/users/me); nothing is required. */
static const struct vfield profile_fields[] = {
	{ "profile", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "firstName", V_STRING, 0, 1, 100, NULL, 0, NULL },
	{ "lastName", V_STRING, 0, 1, 100, NULL, 0, NULL },
	{ "phone", V_PHONE, 0, 0, 0, NULL, 0, NULL },
	{ "username", V_STRING, 0, 3, 64, NULL, 0, NULL },
	{ "avatar", V_STRING, VF_NULLABLE, 0, 512, NULL, 0, NULL },
	{ "profilePicture", V_STRING, VF_NULLABLE, 0, 512, NULL, 0, NULL },
	{ "bio", V_STRING, VF_NULLABLE, 0, 2000, NULL, 0, NULL },
	{ "dateOfBirth", V_DATE, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "gender", V_ENUM, VF_NULLABLE, 0, 0, genders, 0, NULL },
	{ "address", V_OBJECT, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "address.street", V_STRING, VF_NULLABLE, 0, 255, NULL, 0, NULL },
	{ "address.city", V_STRING, VF_NULLABLE, 0, 100, NULL, 0, NULL },
	{ "address.governorate", V_STRING, VF_NULLABLE, 0, 64, NULL, 0, NULL },
	{ "preferredLanguage", V_ENUM, 0, 0, 0, langs, 0, NULL },
	{ "carInfo", V_OBJECT, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "carInfo.brand", V_STRING, VF_NULLABLE, 0, 64, NULL, 0, NULL },
	{ "carInfo.model", V_STRING, VF_NULLABLE, 0, 64, NULL, 0, NULL },
	{ "carInfo.year", V_INT, VF_NULLABLE, 1950, 9999, NULL, 0, NULL },   /* upper bound: the clock */
	{ "preferences", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "preferences.notificationsEnabled", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "preferences.smsNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "preferences.emailNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "preferences.pushNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "location", V_OBJECT, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "location.latitude", V_NUMBER, VF_NULLABLE, -90, 90, NULL, 0, NULL },
	{ "location.longitude", V_NUMBER, VF_NULLABLE, -180, 180, NULL, 0, NULL },
};

/* What GET shows under "profile" and PUT therefore also takes from there. */
static const char *const profile_nested[] = { "firstName", "lastName", "avatar", "bio",
	"dateOfBirth", "gender", "address", "preferredLanguage", NULL };

/* Column order of SQL_PROFILE_ROW and SQL_PROFILE_UPDATE. */
enum { P_FIRST, P_LAST, P_PHONE, P_USERNAME, P_AVATAR, P_BIO, P_DOB, P_GENDER, P_STREET,
	P_CITY, P_GOV, P_LANG, P_BRAND, P_MODEL, P_YEAR, P_NOTIF, P_SMS, P_EMAIL, P_PUSH,
	P_LAT, P_LNG, P_PHONE_VERIFIED, P__MAX };

/* Body path -> column. profilePicture comes before avatar so that avatar wins. */
static const struct { const char *path; int col; } profile_paths[] = {
	{ "firstName", P_FIRST }, { "lastName", P_LAST }, { "phone", P_PHONE },
	{ "username", P_USERNAME }, { "profilePicture", P_AVATAR }, { "avatar", P_AVATAR },
	{ "bio", P_BIO }, { "dateOfBirth", P_DOB }, { "gender", P_GENDER },
	{ "address.street", P_STREET }, { "address.city", P_CITY },
	{ "address.governorate", P_GOV }, { "preferredLanguage", P_LANG },
	{ "carInfo.brand", P_BRAND }, { "carInfo.model", P_MODEL }, { "carInfo.year", P_YEAR },
	{ "preferences.notificationsEnabled", P_NOTIF },
	{ "preferences.smsNotifications", P_SMS },
	{ "preferences.emailNotifications", P_EMAIL },
	{ "preferences.pushNotifications", P_PUSH },
	{ "location.latitude", P_LAT }, { "location.longitude", P_LNG },
};

/* The body with the members of "profile" lifted to the top where the top lacks them. */
static json_object *
profile_body(struct req *r)
{
	json_object *body = r->json, *nested, *flat;
	size_t i;

	if (body == NULL || !json_object_is_type(body, json_type_object) ||
	    !json_object_object_get_ex(body, "profile", &nested) || nested == NULL ||
	    !json_object_is_type(nested, json_type_object))
		return body;
	flat = json_owned(r->a, json_object_new_object());
	{
		json_object_object_foreach(body, key, val)
			json_object_object_add(flat, key, json_object_get(val));
	}
	for (i = 0; profile_nested[i] != NULL; i++) {
		json_object *inner;

		if (!json_object_object_get_ex(flat, profile_nested[i], NULL) &&
		    json_object_object_get_ex(nested, profile_nested[i], &inner))
			json_object_object_add(flat, profile_nested[i], json_object_get(inner));
	}
	return flat;
}

/* Finds path in body. A JSON null on the way ("address": null) counts as present with
 * the value NULL, so clearing an object clears each of its members. */
static int
body_lookup(json_object *o, const char *path, json_object **out)
{
	char key[64];

	for (;;) {
		size_t n = strcspn(path, ".");
		json_object *child;

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return 0;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &child))
			return 0;
		path += n;
		if (*path == '\0' || child == NULL) {
			*out = child;
			return 1;
		}
		o = child;
		path++;
	}
}

/* A validated JSON value as column text; NULL is SQL NULL. */
static const char *
value_text(struct arena *a, json_object *v)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return NULL;
	case json_type_boolean:
		return json_object_get_boolean(v) ? "1" : "0";
	case json_type_double:
		return arena_printf(a, "%.6f", json_object_get_double(v));
	case json_type_int:
		return arena_printf(a, "%lld", (long long)json_object_get_int64(v));
	default:
		s = trimmed(a, json_object_get_string(v));
		return *s != '\0' ? s : NULL;
	}
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

/* The governorate's code for an ISO code ("C", "EG-GZ") or its Arabic or English name;
 * *code is NULL when none matches. */
static enum db_rc
governorate_code(struct req *r, const char *in, const char **code)
{
	struct db_result res;
	const char *s = trimmed(r->a, in);
	enum db_rc rc;

	*code = NULL;
	if (strncasecmp(s, "EG-", 3) == 0)
		s += 3;
	if (*s == '\0')
		return DB_OK;
	rc = db_run(r->db, r->a, SQL_GOVERNORATE, DB_ARGS(DB_STR(s), DB_STR(s), DB_STR(s)), &res);
	if (rc == DB_OK && res.nrows > 0)
		*code = db_get(&res, 0, 0);
	return rc;
}

/* Rules beyond the field list, for the fields that passed it; every failure is added to
 * errs. *gov gets the governorate's code when one was named. */
static enum db_rc
profile_check(struct req *r, json_object *body, json_object *errs, const char **gov)
{
	char today[16];
	const char *s;
	json_object *year;
	struct tm tm;
	time_t now = time(NULL), ahead;
	int max_year;
	enum db_rc rc;

	*gov = NULL;
	if ((s = checkable(body, errs, "firstName")) != NULL && *trimmed(r->a, s) == '\0')
		verror_add(errs, r->lang, "firstName", "REQUIRED", MSG_V_REQUIRED);
	if ((s = checkable(body, errs, "lastName")) != NULL && *trimmed(r->a, s) == '\0')
		verror_add(errs, r->lang, "lastName", "REQUIRED", MSG_V_REQUIRED);
	if ((s = checkable(body, errs, "username")) != NULL && !username_valid(s))
		verror_add(errs, r->lang, "username", "INVALID_FORMAT", MSG_V_USERNAME);
	if ((s = checkable(body, errs, "avatar")) != NULL && *s != '\0' && !url_ok(s))
		verror_add(errs, r->lang, "avatar", "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
	if ((s = checkable(body, errs, "profilePicture")) != NULL && *s != '\0' && !url_ok(s))
		verror_add(errs, r->lang, "profilePicture", "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
	/* "not in the future" anywhere: today's date at UTC+14, the earliest time zone */
	ahead = now + 14 * 3600;
	gmtime_r(&ahead, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if ((s = checkable(body, errs, "dateOfBirth")) != NULL && strcmp(s, today) > 0)
		verror_add(errs, r->lang, "dateOfBirth", "OUT_OF_RANGE", MSG_V_DATE_FUTURE);
	gmtime_r(&now, &tm);
	max_year = tm.tm_year + 1900 + 1;   /* next year's models are sold this year */
	if ((year = json_path(body, "carInfo.year")) != NULL &&
	    json_object_is_type(year, json_type_int) && !has_error(errs, "carInfo.year") &&
	    json_object_get_int64(year) > max_year)
		verror_add(errs, r->lang, "carInfo.year", "OUT_OF_RANGE", MSG_V_OUT_OF_RANGE);
	if ((s = checkable(body, errs, "address.governorate")) != NULL && *trimmed(r->a, s) != '\0') {
		if ((rc = governorate_code(r, s, gov)) != DB_OK)
			return rc;
		if (*gov == NULL)
			verror_add(errs, r->lang, "address.governorate", "INVALID_VALUE", MSG_V_GOVERNORATE);
	}
	return DB_OK;
}

/* Copies every declared field present in the (validated) body over the row. */
static void
profile_apply(struct req *r, json_object *body, const char *v[P__MAX], const char *gov)
{
	char e164[PHONE_E164_LEN];
	size_t i;

	for (i = 0; i < sizeof(profile_paths) / sizeof(profile_paths[0]); i++) {
		json_object *val;

		if (body_lookup(body, profile_paths[i].path, &val))
			v[profile_paths[i].col] = value_text(r->a, val);
	}
	/* stored forms: E.164 phones (a stored one stays as it is), governorate codes */
	if (v[P_PHONE] != NULL && phone_normalize(v[P_PHONE], e164, sizeof(e164)) == 0)
		v[P_PHONE] = arena_strdup(r->a, e164);
	if (gov != NULL)
		v[P_GOV] = gov;
}

void
users_profile_put(struct req *r)
{
	const char *v[P__MAX], *old_phone, *old_username, *gov;
	json_object *body, *errs = NULL, *d;
	struct db_result row;
	enum db_rc rc;
	size_t i;

	body = profile_body(r);
	validate(body, profile_fields, NFIELDS(profile_fields), r->lang, &errs);
	if (errs == NULL)
		errs = json_object_new_array();
	json_owned(r->a, errs);
	if ((rc = profile_check(r, body, errs, &gov)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	if (json_object_array_length(errs) > 0) {
		reply_error(r, ERR_VALIDATION, json_object_get(errs));
		return;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_PROFILE_ROW, DB_ARGS(DB_INT(r->user.id)), &row)) != DB_OK)
		goto fail;
	if (row.nrows == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	for (i = 0; i < P__MAX; i++)
		v[i] = db_get(&row, 0, i);
	old_phone = v[P_PHONE];
	old_username = v[P_USERNAME];
	profile_apply(r, body, v, gov);
	/* a location is a point: both coordinates or neither */
	if ((v[P_LAT] == NULL) != (v[P_LNG] == NULL)) {
		db_rollback(r->db);
		reply_field_error(r, ERR_VALIDATION, v[P_LAT] == NULL ? "location.latitude" :
		    "location.longitude", "REQUIRED", MSG_V_REQUIRED);
		return;
	}
	/* a new number is not verified yet (the OTP flow of auth.c verifies it) */
	if (!str_eq(old_phone, v[P_PHONE]))
		v[P_PHONE_VERIFIED] = "0";
	rc = db_run(r->db, r->a, SQL_PROFILE_UPDATE, DB_ARGS(DB_STR(v[P_FIRST]),
	    DB_STR(v[P_LAST]), DB_STR(v[P_PHONE]), DB_STR(v[P_USERNAME]), DB_STR(v[P_AVATAR]),
	    DB_STR(v[P_BIO]), DB_STR(v[P_DOB]), DB_STR(v[P_GENDER]), DB_STR(v[P_STREET]),
	    DB_STR(v[P_CITY]), DB_STR(v[P_GOV]), DB_STR(v[P_LANG]), DB_STR(v[P_BRAND]),
	    DB_STR(v[P_MODEL]), DB_STR(v[P_YEAR]), DB_STR(v[P_NOTIF]), DB_STR(v[P_SMS]),
	    DB_STR(v[P_EMAIL]), DB_STR(v[P_PUSH]), DB_STR(v[P_LAT]), DB_STR(v[P_LNG]),
	    DB_STR(v[P_PHONE_VERIFIED]), DB_INT(r->user.id)), NULL);
	if (rc != DB_OK)
		goto fail;
	/* login identifiers are audited (see the top of the file); nothing else is */
	if (!str_eq(old_phone, v[P_PHONE])) {
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "from", json_new_str(old_phone));
		json_object_object_add(d, "to", json_new_str(v[P_PHONE]));
		if ((rc = db_activity_record(r->db, r->a, req_actor(r), "user.phone_change", "user", r->user.id, d)) != DB_OK)
			goto fail;
	}
	if (!str_eq(old_username, v[P_USERNAME])) {
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "from", json_new_str(old_username));
		json_object_object_add(d, "to", json_new_str(v[P_USERNAME]));
		if ((rc = db_activity_record(r->db, r->a, req_actor(r), "user.username_change", "user", r->user.id, d)) != DB_OK)
			goto fail;
	}
	if ((rc = db_commit(r->db)) != DB_OK)
		goto fail;
	users_reply_user(r, 200, MSG_USER_PROFILE_UPDATED, r->user.id);
	return;
fail:
	db_rollback(r->db);
	if (rc == DB_FK)   /* the governorate vanished between the look-up and the write */
		reply_field_error(r, ERR_VALIDATION, "address.governorate", "INVALID_VALUE",
		    MSG_V_GOVERNORATE);
	else
		users_reply_taken(r, rc);
}

/* --- the caller's settings (seed 002) --- */

static const char *const visibilities[] = { "public", "private", NULL };
static const char *const themes[] = { "light", "dark", "system", NULL };

/* Every key of the settings object, its rule and (SETTINGS_DEFAULTS) its default. */
static const struct vfield settings_fields[] = {
	{ "emailNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "pushNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "smsNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "marketingEmails", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "bookingReminders", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "reviewNotifications", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "profileVisibility", V_ENUM, 0, 0, 0, visibilities, 0, NULL },
	{ "showEmail", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "showPhone", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "allowDirectMessages", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "theme", V_ENUM, 0, 0, 0, themes, 0, NULL },
	{ "language", V_ENUM, 0, 0, 0, langs, 0, NULL },
	{ "timezone", V_STRING, 0, 1, 64, NULL, 0, NULL },
	{ "twoFactorEnabled", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "sessionTimeout", V_INT, 0, 5, 1440, NULL, 0, NULL },   /* minutes */
};

static const char SETTINGS_DEFAULTS[] =
    "{\"emailNotifications\":true,\"pushNotifications\":true,\"smsNotifications\":true,"
    "\"marketingEmails\":false,\"bookingReminders\":true,\"reviewNotifications\":true,"
    "\"profileVisibility\":\"public\",\"showEmail\":false,\"showPhone\":false,"
    "\"allowDirectMessages\":true,\"theme\":\"light\",\"language\":\"ar\","
    "\"timezone\":\"Africa/Cairo\",\"twoFactorEnabled\":false,\"sessionTimeout\":60}";

/* IANA names look like "Africa/Cairo", "Etc/GMT+2" or "UTC". */
static int
timezone_ok(const char *s)
{
	const char *p;

	if (*s == '/' || strstr(s, "..") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
			return 0;
	return 1;
}

/* The settings as stored, over the defaults, under the columns that mirror four keys.
 * A stored value of the wrong type (never written by us) falls back to the default. */
static json_object *
settings_current(struct req *r, const struct db_result *row)
{
	json_object *s = json_owned(r->a, json_tokener_parse(SETTINGS_DEFAULTS)), *stored = NULL;
	const char *text = db_get(row, 0, 0), *lang = db_get(row, 0, 4);
	size_t i;

	if (text != NULL)
		stored = json_owned(r->a, json_tokener_parse(text));
	for (i = 0; stored != NULL && json_object_is_type(stored, json_type_object) &&
	    i < NFIELDS(settings_fields); i++) {
		const char *k = settings_fields[i].name;
		json_object *def = NULL, *v;

		json_object_object_get_ex(s, k, &def);
		if (json_object_object_get_ex(stored, k, &v) && v != NULL &&
		    json_object_get_type(v) == json_object_get_type(def))
			json_object_object_add(s, k, json_object_get(v));
	}
	json_object_object_add(s, "emailNotifications",
	    json_object_new_boolean(db_get_ll(row, 0, 1, 1) != 0));
	json_object_object_add(s, "smsNotifications",
	    json_object_new_boolean(db_get_ll(row, 0, 2, 1) != 0));
	json_object_object_add(s, "pushNotifications",
	    json_object_new_boolean(db_get_ll(row, 0, 3, 1) != 0));
	json_object_object_add(s, "language", json_object_new_string(lang != NULL ? lang : "ar"));
	return s;
}

static void
reply_settings(struct req *r, enum msg msg_key, json_object *settings)
{
	json_object *data = json_object_new_object();

	json_object_object_add(data, "settings", json_object_get(settings));
	reply_ok(r, 200, msg_key, data);
}

/* "1"/"0" for a boolean key of the merged settings. */
static const char *
settings_flag(json_object *s, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(s, key, &v) && json_object_get_boolean(v) ? "1" : "0";
}

void
users_settings_get(struct req *r)
{
	struct db_result row;
	enum db_rc rc;

	if ((rc = db_run(r->db, r->a, SQL_SETTINGS_ROW, DB_ARGS(DB_INT(r->user.id)), &row)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	if (row.nrows == 0) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	reply_settings(r, MSG_USER_SETTINGS, settings_current(r, &row));
}

/* Seed 002 sends {"settings": {...}}; the keys at the top level are accepted too. Only
 * the keys present change; the rest keep their stored (or default) values. */
void
users_settings_put(struct req *r)
{
	json_object *src = r->json, *nested, *errs = NULL, *cur, *tz, *lang;
	const char *prefix = "";
	struct db_result row;
	enum db_rc rc;
	size_t i;

	if (json_has(r->json, "settings")) {
		json_object_object_get_ex(r->json, "settings", &nested);
		if (nested == NULL || !json_object_is_type(nested, json_type_object)) {
			reply_field_error(r, ERR_VALIDATION, "settings", "INVALID_TYPE",
			    MSG_V_INVALID_TYPE);
			return;
		}
		src = nested;
		prefix = "settings.";
	}
	if (validate(src, settings_fields, NFIELDS(settings_fields), r->lang, &errs) == 0)
		errs = json_object_new_array();
	/* errors name the field where the client put it */
	for (i = 0; *prefix != '\0' && i < json_object_array_length(errs); i++) {
		json_object *e = json_object_array_get_idx(errs, i), *f;

		if (json_object_object_get_ex(e, "field", &f))
			json_object_object_add(e, "field", json_object_new_string(
			    arena_printf(r->a, "%s%s", prefix, json_object_get_string(f))));
	}
	if ((tz = json_path(src, "timezone")) != NULL && json_object_is_type(tz, json_type_string) &&
	    !has_error(errs, arena_printf(r->a, "%stimezone", prefix)) &&
	    !timezone_ok(json_object_get_string(tz)))
		verror_add(errs, r->lang, arena_printf(r->a, "%stimezone", prefix), "INVALID_FORMAT",
		    MSG_V_INVALID_FORMAT);
	if (json_object_array_length(errs) > 0) {
		reply_error(r, ERR_VALIDATION, errs);
		return;
	}
	json_object_put(errs);
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_SETTINGS_LOCK, DB_ARGS(DB_INT(r->user.id)), &row)) != DB_OK)
		goto fail;
	if (row.nrows == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	cur = settings_current(r, &row);
	for (i = 0; i < NFIELDS(settings_fields); i++) {
		json_object *v;

		if (json_object_object_get_ex(src, settings_fields[i].name, &v) && v != NULL)
			json_object_object_add(cur, settings_fields[i].name, json_object_get(v));
	}
	json_object_object_get_ex(cur, "language", &lang);
	if ((rc = db_run(r->db, r->a, SQL_SETTINGS_UPDATE, DB_ARGS(
	    DB_STR(json_text(r->a, cur, NULL)), DB_STR(settings_flag(cur, "emailNotifications")),
	    DB_STR(settings_flag(cur, "smsNotifications")),
	    DB_STR(settings_flag(cur, "pushNotifications")), DB_STR(json_object_get_string(lang)),
	    DB_INT(r->user.id)), NULL)) != DB_OK ||
	    (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_settings(r, MSG_USER_SETTINGS_UPDATED, cur);
	return;
fail:
	reply_rollback(r, rc);
}
