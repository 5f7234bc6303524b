#include "codes.h"

enum stmt {
	STMT_RETIRE_USER,
	STMT_RETIRE,
	STMT_INSERT,
	STMT_RECENT,
	STMT_LOCK_LIVE,
	STMT_LOCK_OTP,
	STMT_ATTEMPT,
	STMT_USE,
	STMT_PURGE,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_RETIRE_USER] = { "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3)"
	    " WHERE user_id = ? AND used_at IS NULL", 1, 0, 0 },
	[STMT_RETIRE] = { "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3)"
	    " WHERE user_id = ? AND purpose = ? AND used_at IS NULL", 2, 0, 0 },
	[STMT_INSERT] = { "INSERT INTO one_time_codes (user_id, purpose, code_hash, target,"
	    " expires_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)", 5, 0, 0 },
	/* a locking read: it sees the codes a request that held the account's lock just
	 * committed, where a plain read may see the transaction's older snapshot */
	[STMT_RECENT] = { "SELECT COUNT(*) FROM one_time_codes WHERE user_id = ? AND purpose = ?"
	    " AND created_at > CURRENT_TIMESTAMP(3) - INTERVAL 1 HOUR FOR UPDATE", 2, 1, 0 },
	[STMT_LOCK_LIVE] = { "SELECT c.id, c.user_id FROM one_time_codes c"
	    " JOIN users u ON u.id = c.user_id"
	    " WHERE c.purpose = ? AND c.code_hash = ? AND c.used_at IS NULL"
	    " AND c.expires_at > CURRENT_TIMESTAMP(3) AND u.deleted_at IS NULL FOR UPDATE",
	    2, 2, 0 },
	[STMT_LOCK_OTP] = { "SELECT id, code_hash, attempts, target FROM one_time_codes"
	    " WHERE user_id = ? AND purpose = 'phone_verify' AND used_at IS NULL"
	    " AND expires_at > CURRENT_TIMESTAMP(3) ORDER BY id DESC LIMIT 1 FOR UPDATE", 1, 4, 0 },
	[STMT_ATTEMPT] = { "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ?",
	    1, 0, 0 },
	[STMT_USE] = { "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
	    1, 0, 0 },
	/* a batch, so a long backlog never holds locks for long */
	[STMT_PURGE] = { "DELETE FROM one_time_codes"
	    " WHERE expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
};

struct db_family store_codes = DB_FAMILY("codes", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_codes, s, DB_ARGS(__VA_ARGS__), res)

/* The values of one_time_codes.purpose. */
static const char *
purpose_name(enum code_purpose p)
{
	switch (p) {
	case CODE_PHONE_VERIFY:
		return "phone_verify";
	case CODE_PASSWORD_RESET:
		return "password_reset";
	case CODE_EMAIL_VERIFY:
		break;
	}
	return "email_verify";
}

enum db_rc
db_codes_retire_user(struct db *db, struct arena *a, long long user_id)
{
	return RUN(db, a, STMT_RETIRE_USER, NULL, DB_INT(user_id));
}

enum db_rc
db_codes_retire(struct db *db, struct arena *a, long long user_id, enum code_purpose p)
{
	return RUN(db, a, STMT_RETIRE, NULL, DB_INT(user_id), DB_STR(purpose_name(p)));
}

enum db_rc
db_codes_insert(struct db *db, struct arena *a, const struct code_new *c)
{
	return RUN(db, a, STMT_INSERT, NULL, DB_INT(c->user_id), DB_STR(purpose_name(c->purpose)),
	    DB_STR(c->code_hash), DB_STR(c->target), DB_INT(c->ttl));
}

enum db_rc
db_codes_recent(struct db *db, struct arena *a, long long user_id, enum code_purpose p,
    long long *count)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_RECENT, &res, DB_INT(user_id), DB_STR(purpose_name(p)))) != DB_OK)
		return rc;
	*count = res.nrows > 0 ? db_get_ll(&res, 0, 0, 0) : 0;
	return DB_OK;
}

enum db_rc
db_codes_lock_live(struct db *db, struct arena *a, enum code_purpose p, const char *code_hash,
    struct code_ref *out)
{
	enum { C_ID, C_USER };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_LIVE, &res, DB_STR(purpose_name(p)),
	    DB_STR(code_hash))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, C_ID, 0);
	out->user_id = db_get_ll(&res, 0, C_USER, 0);
	return DB_OK;
}

enum db_rc
db_codes_lock_otp(struct db *db, struct arena *a, long long user_id, struct code_otp *out)
{
	enum { C_ID, C_HASH, C_ATTEMPTS, C_TARGET };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_OTP, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, C_ID, 0);
	out->code_hash = db_get(&res, 0, C_HASH);
	out->attempts = db_get_ll(&res, 0, C_ATTEMPTS, 0);
	out->target = db_get(&res, 0, C_TARGET);
	return DB_OK;
}

enum db_rc
db_codes_attempt(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_ATTEMPT, NULL, DB_INT(id));
}

enum db_rc
db_codes_use(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_USE, NULL, DB_INT(id));
}

enum db_rc
db_codes_purge(struct db *db, struct arena *a, unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = db_exec(db, a, &store_codes, STMT_PURGE, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*n = res.affected;
	return DB_OK;
}
