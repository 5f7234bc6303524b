#include "users.h"

#include <stdlib.h>

#include "user_view.h"

enum stmt {
	STMT_CALLER,
	STMT_VIEW,
	STMT_LOCK_TARGET,
	STMT_BAN,
	STMT_UNBAN,
	STMT_SET_ROLE,
	STMT_ANONYMIZE,
	STMT_INSERT_STAFF,
	STMT_ID_BY_EMAIL,
	STMT_LOCK_PROFILE,
	STMT_UPDATE_PROFILE,
	STMT_SETTINGS,
	STMT_LOCK_SETTINGS,
	STMT_UPDATE_SETTINGS,
	STMT_GOVERNORATE,
	STMT_VIEW_SHOWN,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	/* the caller's current state, and whether this very token was revoked at logout or
	 * issued before the account's tokens_valid_after (a password change or reset): read
	 * on every authenticated request, so a ban or a role change applies at once */
	[STMT_CALLER] = { "SELECT role, is_active, is_banned, ban_reason, banned_at,"
	    " preferred_language,"
	    " EXISTS(SELECT 1 FROM revoked_access_tokens WHERE jti IN (?, ?))"
	    " OR COALESCE(tokens_valid_after > FROM_UNIXTIME(?) + INTERVAL ? MICROSECOND, 0)"
	    " AS revoked FROM users WHERE id = ? AND deleted_at IS NULL", 5, 7, 0 },
	[STMT_VIEW] = { USER_VIEW_COLUMNS " WHERE u.id = ? AND u.deleted_at IS NULL", 1,
	    USER_VIEW_NCOLS, 0 },
	[STMT_LOCK_TARGET] = { "SELECT role, is_banned, ban_reason FROM users"
	    " WHERE id = ? AND deleted_at IS NULL FOR UPDATE", 1, 3, 0 },
	[STMT_BAN] = { "UPDATE users SET is_banned = 1, ban_reason = ?,"
	    " banned_at = CURRENT_TIMESTAMP(3), banned_by = ? WHERE id = ?", 3, 0, 0 },
	[STMT_UNBAN] = { "UPDATE users SET is_banned = 0, ban_reason = NULL, banned_at = NULL,"
	    " banned_by = NULL WHERE id = ?", 1, 0, 0 },
	[STMT_SET_ROLE] = { "UPDATE users SET role = ? WHERE id = ? AND deleted_at IS NULL",
	    2, 0, 0 },
	/* The e-mail becomes deleted-<id>@deleted.invalid (RFC 2606's reserved .invalid),
	 * made from the row's own id; the hash "!" is no scrypt MCF string, so nothing
	 * matches it. */
	[STMT_ANONYMIZE] = { "UPDATE users SET email = CONCAT('deleted-', id,"
	    " '@deleted.invalid'), phone = NULL, username = NULL, first_name = 'Deleted',"
	    " last_name = 'User', avatar = NULL, bio = NULL, date_of_birth = NULL, gender = NULL,"
	    " address_street = NULL, address_city = NULL, address_governorate = NULL,"
	    " car_brand = NULL, car_model = NULL, car_year = NULL, latitude = NULL,"
	    " longitude = NULL, settings = NULL, password_hash = '!', email_verified = 0,"
	    " phone_verified = 0, is_active = 0, deleted_at = CURRENT_TIMESTAMP(3)"
	    " WHERE id = ? AND deleted_at IS NULL", 1, 0, 0 },
	[STMT_INSERT_STAFF] = { "INSERT INTO users (email, phone, password_hash, role,"
	    " first_name, last_name, email_verified) VALUES (?, ?, ?, ?, ?, ?, 1)", 6, 0, 0 },
	[STMT_ID_BY_EMAIL] = { "SELECT id FROM users WHERE email = ?", 1, 1, 0 },
	/* The columns of struct user_profile, in its order, in both statements. */
	[STMT_LOCK_PROFILE] = { "SELECT first_name, last_name, phone, username, avatar, bio,"
	    " date_of_birth, gender, address_street, address_city, address_governorate,"
	    " preferred_language, car_brand, car_model, car_year, notifications_enabled,"
	    " sms_notifications, email_notifications, push_notifications, latitude, longitude,"
	    " phone_verified FROM users WHERE id = ? AND deleted_at IS NULL FOR UPDATE", 1, 22, 0 },
	[STMT_UPDATE_PROFILE] = { "UPDATE users SET first_name = ?, last_name = ?, phone = ?,"
	    " username = ?, avatar = ?, bio = ?, date_of_birth = ?, gender = ?,"
	    " address_street = ?, address_city = ?, address_governorate = ?,"
	    " preferred_language = ?, car_brand = ?, car_model = ?, car_year = ?,"
	    " notifications_enabled = ?, sms_notifications = ?, email_notifications = ?,"
	    " push_notifications = ?, latitude = ?, longitude = ?, phone_verified = ?"
	    " WHERE id = ? AND deleted_at IS NULL", 23, 0, 0 },
	[STMT_SETTINGS] = { "SELECT settings, email_notifications, sms_notifications,"
	    " push_notifications, preferred_language FROM users"
	    " WHERE id = ? AND deleted_at IS NULL", 1, 5, 0 },
	[STMT_LOCK_SETTINGS] = { "SELECT settings, email_notifications, sms_notifications,"
	    " push_notifications, preferred_language FROM users"
	    " WHERE id = ? AND deleted_at IS NULL FOR UPDATE", 1, 5, 0 },
	[STMT_UPDATE_SETTINGS] = { "UPDATE users SET settings = ?, email_notifications = ?,"
	    " sms_notifications = ?, push_notifications = ?, preferred_language = ?"
	    " WHERE id = ? AND deleted_at IS NULL", 6, 0, 0 },
	/* 27 rows, each column unique: the code, or either name (case-insensitive) */
	[STMT_GOVERNORATE] = { "SELECT code FROM governorates"
	    " WHERE code = ? OR name_en = ? OR name_ar = ? LIMIT 1", 3, 1, 0 },
	/* the view and the user's own choices of what others see (user_view.h) */
	[STMT_VIEW_SHOWN] = { USER_SHOWN_COLUMNS " WHERE u.id = ? AND u.deleted_at IS NULL", 1,
	    USER_SHOWN_NCOLS, 0 },
};

struct db_family store_users = DB_FAMILY("users", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_users, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_users_caller(struct db *db, struct arena *a, long long id, const char *jti,
    const char *sid, long long iat_us, struct user_caller *out)
{
	enum { C_ROLE, C_ACTIVE, C_BANNED, C_REASON, C_AT, C_LANG, C_REVOKED };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CALLER, &res, DB_STR(jti),
	    DB_STR(sid != NULL && *sid != '\0' ? sid : jti), DB_INT(iat_us / 1000000),
	    DB_INT(iat_us % 1000000), DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->role = db_get(&res, 0, C_ROLE);
	out->is_active = db_get_ll(&res, 0, C_ACTIVE, 0) != 0;
	out->is_banned = db_get_ll(&res, 0, C_BANNED, 0) != 0;
	out->ban_reason = db_get(&res, 0, C_REASON);
	out->banned_at = db_get(&res, 0, C_AT);
	out->preferred_language = db_get(&res, 0, C_LANG);
	out->token_revoked = db_get_ll(&res, 0, C_REVOKED, 1) != 0;
	return DB_OK;
}

enum db_rc
db_users_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_users_view_shown(struct db *db, struct arena *a, long long id, json_object **out,
    struct user_shown *shown)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW_SHOWN, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = user_view_row(&res, 0, shown);
	return DB_OK;
}

enum db_rc
db_users_lock_target(struct db *db, struct arena *a, long long id, struct user_target *out)
{
	enum { C_ROLE, C_BANNED, C_REASON };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_TARGET, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->role = db_get(&res, 0, C_ROLE);
	out->is_banned = db_get_ll(&res, 0, C_BANNED, 0) != 0;
	out->ban_reason = db_get(&res, 0, C_REASON);
	return DB_OK;
}

enum db_rc
db_users_ban(struct db *db, struct arena *a, long long id, const char *reason, long long by)
{
	return RUN(db, a, STMT_BAN, NULL, DB_STR(reason), DB_INT(by), DB_INT(id));
}

enum db_rc
db_users_unban(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_UNBAN, NULL, DB_INT(id));
}

enum db_rc
db_users_set_role(struct db *db, struct arena *a, long long id, const char *role)
{
	return RUN(db, a, STMT_SET_ROLE, NULL, DB_STR(role), DB_INT(id));
}

enum db_rc
db_users_anonymize(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_ANONYMIZE, NULL, DB_INT(id));
}

enum db_rc
db_users_insert_staff(struct db *db, struct arena *a, const struct staff_new *s, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT_STAFF, &res, DB_STR(s->email), DB_STR(s->phone),
	    DB_STR(s->password_hash), DB_STR(s->role), DB_STR(s->first_name),
	    DB_STR(s->last_name))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_users_id_by_email(struct db *db, struct arena *a, const char *email, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_ID_BY_EMAIL, &res, DB_STR(email))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_users_lock_profile(struct db *db, struct arena *a, long long id, struct user_profile *out)
{
	enum { C_FIRST, C_LAST, C_PHONE, C_USERNAME, C_AVATAR, C_BIO, C_DOB, C_GENDER, C_STREET,
		C_CITY, C_GOV, C_LANG, C_BRAND, C_MODEL, C_YEAR, C_NOTIF, C_SMS, C_EMAIL, C_PUSH,
		C_LAT, C_LNG, C_PHONE_VERIFIED };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_PROFILE, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->first_name = db_get(&res, 0, C_FIRST);
	out->last_name = db_get(&res, 0, C_LAST);
	out->phone = db_get(&res, 0, C_PHONE);
	out->username = db_get(&res, 0, C_USERNAME);
	out->avatar = db_get(&res, 0, C_AVATAR);
	out->bio = db_get(&res, 0, C_BIO);
	out->date_of_birth = db_get(&res, 0, C_DOB);
	out->gender = db_get(&res, 0, C_GENDER);
	out->street = db_get(&res, 0, C_STREET);
	out->city = db_get(&res, 0, C_CITY);
	out->governorate = db_get(&res, 0, C_GOV);
	out->preferred_language = db_get(&res, 0, C_LANG);
	out->car_brand = db_get(&res, 0, C_BRAND);
	out->car_model = db_get(&res, 0, C_MODEL);
	out->car_year = db_get_ll(&res, 0, C_YEAR, 0);
	out->notifications_enabled = db_get_ll(&res, 0, C_NOTIF, 1) != 0;
	out->sms_notifications = db_get_ll(&res, 0, C_SMS, 1) != 0;
	out->email_notifications = db_get_ll(&res, 0, C_EMAIL, 1) != 0;
	out->push_notifications = db_get_ll(&res, 0, C_PUSH, 1) != 0;
	out->has_location = db_get(&res, 0, C_LAT) != NULL && db_get(&res, 0, C_LNG) != NULL;
	out->latitude = out->has_location ? strtod(db_get(&res, 0, C_LAT), NULL) : 0;
	out->longitude = out->has_location ? strtod(db_get(&res, 0, C_LNG), NULL) : 0;
	out->phone_verified = db_get_ll(&res, 0, C_PHONE_VERIFIED, 0) != 0;
	return DB_OK;
}

/* DECIMAL(9,6) as text, so the server stores the six places it is given */
static struct db_arg
coordinate(struct arena *a, int has, double v)
{
	return has ? DB_STR(arena_printf(a, "%.6f", v)) : DB_NULL;
}

enum db_rc
db_users_update_profile(struct db *db, struct arena *a, long long id,
    const struct user_profile *p)
{
	return RUN(db, a, STMT_UPDATE_PROFILE, NULL, DB_STR(p->first_name), DB_STR(p->last_name),
	    DB_STR(p->phone), DB_STR(p->username), DB_STR(p->avatar), DB_STR(p->bio),
	    DB_STR(p->date_of_birth), DB_STR(p->gender), DB_STR(p->street), DB_STR(p->city),
	    DB_STR(p->governorate), DB_STR(p->preferred_language), DB_STR(p->car_brand),
	    DB_STR(p->car_model), p->car_year > 0 ? DB_INT(p->car_year) : DB_NULL,
	    DB_INT(p->notifications_enabled != 0), DB_INT(p->sms_notifications != 0),
	    DB_INT(p->email_notifications != 0), DB_INT(p->push_notifications != 0),
	    coordinate(a, p->has_location, p->latitude),
	    coordinate(a, p->has_location, p->longitude), DB_INT(p->phone_verified != 0),
	    DB_INT(id));
}

static enum db_rc
settings_read(struct db *db, struct arena *a, unsigned stmt, long long id,
    struct user_settings *out)
{
	enum { C_SETTINGS, C_EMAIL, C_SMS, C_PUSH, C_LANG };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, stmt, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->settings = db_get(&res, 0, C_SETTINGS);
	out->email_notifications = db_get_ll(&res, 0, C_EMAIL, 1) != 0;
	out->sms_notifications = db_get_ll(&res, 0, C_SMS, 1) != 0;
	out->push_notifications = db_get_ll(&res, 0, C_PUSH, 1) != 0;
	out->preferred_language = db_get(&res, 0, C_LANG);
	return DB_OK;
}

enum db_rc
db_users_settings(struct db *db, struct arena *a, long long id, struct user_settings *out)
{
	return settings_read(db, a, STMT_SETTINGS, id, out);
}

enum db_rc
db_users_lock_settings(struct db *db, struct arena *a, long long id,
    struct user_settings *out)
{
	return settings_read(db, a, STMT_LOCK_SETTINGS, id, out);
}

enum db_rc
db_users_update_settings(struct db *db, struct arena *a, long long id,
    const struct user_settings *s)
{
	return RUN(db, a, STMT_UPDATE_SETTINGS, NULL, DB_STR(s->settings),
	    DB_INT(s->email_notifications != 0), DB_INT(s->sms_notifications != 0),
	    DB_INT(s->push_notifications != 0), DB_STR(s->preferred_language), DB_INT(id));
}

enum db_rc
db_users_governorate_code(struct db *db, struct arena *a, const char *name,
    const char **code)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_GOVERNORATE, &res, DB_STR(name), DB_STR(name),
	    DB_STR(name))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*code = db_get(&res, 0, 0);
	return DB_OK;
}
