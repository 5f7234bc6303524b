#include "accounts.h"

enum stmt {
	STMT_INSERT,
	STMT_FIND_LOGIN,
	STMT_LOCK_LOGIN,
	STMT_PASSWORD,
	STMT_SET_PASSWORD,
	STMT_CHANGE_PASSWORD,
	STMT_EMAIL_VERIFIED,
	STMT_PHONE_VERIFIED,
	STMT_LAST_LOGIN,
	STMT_LOCK_BY_EMAIL,
	STMT_LOCK_CONTACT,
	STMT__MAX
};

#define LOGIN_COLUMNS "SELECT id, password_hash, role, is_active, is_banned, ban_reason," \
	" banned_at, preferred_language FROM users"
#define CONTACT_COLUMNS "SELECT id, email, phone, first_name, preferred_language FROM users"

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO users (email, phone, username, password_hash, role,"
	    " first_name, last_name, preferred_language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", 8, 0, 0 },
	/* seed 002's "fallback search": one statement tries the three unique keys */
	[STMT_FIND_LOGIN] = { LOGIN_COLUMNS
	    " WHERE (email = ? OR phone = ? OR username = ?) AND deleted_at IS NULL"
	    " ORDER BY (email = ?) DESC LIMIT 1", 4, 8, 0 },
	[STMT_LOCK_LOGIN] = { LOGIN_COLUMNS " WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
	    1, 8, 0 },
	[STMT_PASSWORD] = { "SELECT password_hash FROM users WHERE id = ? AND deleted_at IS NULL",
	    1, 1, 0 },
	[STMT_SET_PASSWORD] = { "UPDATE users SET password_hash = ?,"
	    " email_verified = IF(?, 1, email_verified) WHERE id = ?", 3, 0, 0 },
	[STMT_CHANGE_PASSWORD] = { "UPDATE users SET password_hash = ? WHERE id = ?"
	    " AND password_hash = ? AND deleted_at IS NULL", 3, 0, 0 },
	[STMT_EMAIL_VERIFIED] = { "UPDATE users SET email_verified = 1 WHERE id = ?", 1, 0, 0 },
	[STMT_PHONE_VERIFIED] = { "UPDATE users SET phone_verified = 1 WHERE id = ? AND phone = ?",
	    2, 0, 0 },
	[STMT_LAST_LOGIN] = { "UPDATE users SET last_login = CURRENT_TIMESTAMP(3) WHERE id = ?",
	    1, 0, 0 },
	[STMT_LOCK_BY_EMAIL] = { CONTACT_COLUMNS " WHERE email = ? AND deleted_at IS NULL"
	    " FOR UPDATE", 1, 5, 0 },
	[STMT_LOCK_CONTACT] = { CONTACT_COLUMNS " WHERE id = ? AND deleted_at IS NULL FOR UPDATE",
	    1, 5, 0 },
};

struct db_family store_accounts = DB_FAMILY("accounts", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_accounts, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_accounts_insert(struct db *db, struct arena *a, const struct account_new *n, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_STR(n->email), DB_STR(n->phone),
	    DB_STR(n->username), DB_STR(n->password_hash), DB_STR(n->role), DB_STR(n->first_name),
	    DB_STR(n->last_name), DB_STR(n->lang))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

static enum db_rc
login_row(const struct db_result *res, struct account_login *out)
{
	enum { C_ID, C_HASH, C_ROLE, C_ACTIVE, C_BANNED, C_REASON, C_AT, C_LANG };

	if (res->nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(res, 0, C_ID, 0);
	out->password_hash = db_get(res, 0, C_HASH);
	out->role = db_get(res, 0, C_ROLE);
	out->is_active = db_get_ll(res, 0, C_ACTIVE, 1) != 0;
	out->is_banned = db_get_ll(res, 0, C_BANNED, 0) != 0;
	out->ban_reason = db_get(res, 0, C_REASON);
	out->banned_at = db_get(res, 0, C_AT);
	out->preferred_language = db_get(res, 0, C_LANG);
	return DB_OK;
}

enum db_rc
db_accounts_find_login(struct db *db, struct arena *a, const char *email, const char *phone,
    const char *username, struct account_login *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_FIND_LOGIN, &res, DB_STR(email), DB_STR(phone),
	    DB_STR(username), DB_STR(email))) != DB_OK)
		return rc;
	return login_row(&res, out);
}

enum db_rc
db_accounts_lock_login(struct db *db, struct arena *a, long long id, struct account_login *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_LOGIN, &res, DB_INT(id))) != DB_OK)
		return rc;
	return login_row(&res, out);
}

enum db_rc
db_accounts_password(struct db *db, struct arena *a, long long id, const char **hash)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_PASSWORD, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*hash = db_get(&res, 0, 0);
	return DB_OK;
}

enum db_rc
db_accounts_set_password(struct db *db, struct arena *a, long long id, const char *hash,
    int verify_email)
{
	return RUN(db, a, STMT_SET_PASSWORD, NULL, DB_STR(hash), DB_INT(verify_email != 0),
	    DB_INT(id));
}

enum db_rc
db_accounts_change_password(struct db *db, struct arena *a, long long id, const char *old_hash,
    const char *new_hash)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CHANGE_PASSWORD, &res, DB_STR(new_hash), DB_INT(id),
	    DB_STR(old_hash))) != DB_OK)
		return rc;
	return res.affected == 0 ? DB_NOTFOUND : DB_OK;
}

enum db_rc
db_accounts_email_verified(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_EMAIL_VERIFIED, NULL, DB_INT(id));
}

enum db_rc
db_accounts_phone_verified(struct db *db, struct arena *a, long long id, const char *phone)
{
	return RUN(db, a, STMT_PHONE_VERIFIED, NULL, DB_INT(id), DB_STR(phone));
}

enum db_rc
db_accounts_last_login(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_LAST_LOGIN, NULL, DB_INT(id));
}

static enum db_rc
contact_row(const struct db_result *res, struct account_contact *out)
{
	enum { C_ID, C_EMAIL, C_PHONE, C_FIRST, C_LANG };

	if (res->nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(res, 0, C_ID, 0);
	out->email = db_get(res, 0, C_EMAIL);
	out->phone = db_get(res, 0, C_PHONE);
	out->first_name = db_get(res, 0, C_FIRST);
	out->preferred_language = db_get(res, 0, C_LANG);
	return DB_OK;
}

enum db_rc
db_accounts_lock_by_email(struct db *db, struct arena *a, const char *email,
    struct account_contact *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_BY_EMAIL, &res, DB_STR(email))) != DB_OK)
		return rc;
	return contact_row(&res, out);
}

enum db_rc
db_accounts_lock_contact(struct db *db, struct arena *a, long long id,
    struct account_contact *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_CONTACT, &res, DB_INT(id))) != DB_OK)
		return rc;
	return contact_row(&res, out);
}
