#include "users.h"

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
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	/* the caller's current state, and whether this very token was revoked at logout:
	 * read on every authenticated request, so a ban or a role change applies at once */
	[STMT_CALLER] = { "SELECT role, is_active, is_banned, ban_reason, banned_at,"
	    " preferred_language,"
	    " EXISTS(SELECT 1 FROM revoked_access_tokens WHERE jti = ?) AS revoked"
	    " FROM users WHERE id = ? AND deleted_at IS NULL", 2, 7, 0 },
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
};

struct db_family store_users = DB_FAMILY("users", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_users, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_users_caller(struct db *db, struct arena *a, long long id, const char *jti,
    struct user_caller *out)
{
	enum { C_ROLE, C_ACTIVE, C_BANNED, C_REASON, C_AT, C_LANG, C_REVOKED };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CALLER, &res, DB_STR(jti), DB_INT(id))) != DB_OK)
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
