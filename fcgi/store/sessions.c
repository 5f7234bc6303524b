#include "sessions.h"

enum stmt {
	STMT_REVOKE_USER,
	STMT_INSERT,
	STMT_LOCK_REFRESH,
	STMT_ROTATE,
	STMT_REVOKE_FAMILY,
	STMT_REVOKE_FAMILY_OF,
	STMT_REVOKE_ACCESS,
	STMT_PURGE_REFRESH,
	STMT_PURGE_REVOKED,
	STMT_TOKENS_VALID_AFTER,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_REVOKE_USER] = { "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3),"
	    " revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL", 2, 0, 0 },
	[STMT_INSERT] = { "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at,"
	    " user_agent, ip) VALUES (?, ?, ?, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND, ?, ?)",
	    6, 0, 0 },
	[STMT_LOCK_REFRESH] = { "SELECT t.id, t.user_id, t.family_id,"
	    " t.expires_at < CURRENT_TIMESTAMP(3), t.revoked_at IS NOT NULL, u.role, u.is_active,"
	    " u.is_banned, u.deleted_at IS NOT NULL, u.ban_reason, u.banned_at"
	    " FROM refresh_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE t.token_hash = ? FOR UPDATE", 1, 11, 0 },
	[STMT_ROTATE] = { "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3),"
	    " revoke_reason = 'rotated' WHERE id = ?", 1, 0, 0 },
	[STMT_REVOKE_FAMILY] = { "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3),"
	    " revoke_reason = ? WHERE family_id = ? AND revoked_at IS NULL", 2, 0, 0 },
	[STMT_REVOKE_FAMILY_OF] = { "UPDATE refresh_tokens t JOIN refresh_tokens f"
	    " ON f.family_id = t.family_id SET t.revoked_at = CURRENT_TIMESTAMP(3),"
	    " t.revoke_reason = 'logout' WHERE f.token_hash = ? AND t.revoked_at IS NULL", 1, 0, 0 },
	[STMT_REVOKE_ACCESS] = { "INSERT IGNORE INTO revoked_access_tokens (jti, expires_at)"
	    " VALUES (?, FROM_UNIXTIME(?))", 2, 0, 0 },
	/* batches, so a long backlog never holds locks for long */
	[STMT_PURGE_REFRESH] = { "DELETE FROM refresh_tokens"
	    " WHERE expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
	[STMT_PURGE_REVOKED] = { "DELETE FROM revoked_access_tokens"
	    " WHERE expires_at < CURRENT_TIMESTAMP(3) LIMIT 10000", 0, 0, 0 },
	[STMT_TOKENS_VALID_AFTER] = { "UPDATE users SET tokens_valid_after ="
	    " FROM_UNIXTIME(?) + INTERVAL ? MICROSECOND WHERE id = ?", 3, 0, 0 },
};

struct db_family store_sessions = DB_FAMILY("sessions", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_sessions, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_sessions_revoke_user(struct db *db, struct arena *a, long long user_id, const char *reason)
{
	return RUN(db, a, STMT_REVOKE_USER, NULL, DB_STR(reason), DB_INT(user_id));
}

enum db_rc
db_sessions_end_access(struct db *db, struct arena *a, long long user_id, long long after_us)
{
	return RUN(db, a, STMT_TOKENS_VALID_AFTER, NULL, DB_INT(after_us / 1000000),
	    DB_INT(after_us % 1000000), DB_INT(user_id));
}

enum db_rc
db_sessions_insert(struct db *db, struct arena *a, const struct refresh_new *t)
{
	return RUN(db, a, STMT_INSERT, NULL, DB_INT(t->user_id), DB_STR(t->family_id),
	    DB_STR(t->token_hash), DB_INT(t->ttl), DB_STR(t->user_agent), DB_STR(t->ip));
}

enum db_rc
db_sessions_lock_refresh(struct db *db, struct arena *a, const char *token_hash,
    struct refresh_token *out)
{
	enum { C_ID, C_USER, C_FAMILY, C_EXPIRED, C_REVOKED, C_ROLE, C_ACTIVE, C_BANNED,
		C_DELETED, C_REASON, C_AT };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_REFRESH, &res, DB_STR(token_hash))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, C_ID, 0);
	out->user_id = db_get_ll(&res, 0, C_USER, 0);
	out->family_id = db_get(&res, 0, C_FAMILY);
	out->expired = db_get_ll(&res, 0, C_EXPIRED, 1) != 0;
	out->revoked = db_get_ll(&res, 0, C_REVOKED, 0) != 0;
	out->role = db_get(&res, 0, C_ROLE);
	out->is_active = db_get_ll(&res, 0, C_ACTIVE, 1) != 0;
	out->is_banned = db_get_ll(&res, 0, C_BANNED, 0) != 0;
	out->user_deleted = db_get_ll(&res, 0, C_DELETED, 1) != 0;
	out->ban_reason = db_get(&res, 0, C_REASON);
	out->banned_at = db_get(&res, 0, C_AT);
	return DB_OK;
}

enum db_rc
db_sessions_rotate(struct db *db, struct arena *a, long long id)
{
	return RUN(db, a, STMT_ROTATE, NULL, DB_INT(id));
}

enum db_rc
db_sessions_revoke_family(struct db *db, struct arena *a, const char *family_id,
    const char *reason)
{
	return RUN(db, a, STMT_REVOKE_FAMILY, NULL, DB_STR(reason), DB_STR(family_id));
}

enum db_rc
db_sessions_revoke_family_of(struct db *db, struct arena *a, const char *token_hash)
{
	return RUN(db, a, STMT_REVOKE_FAMILY_OF, NULL, DB_STR(token_hash));
}

enum db_rc
db_sessions_revoke_access(struct db *db, struct arena *a, const char *jti, long long exp)
{
	return RUN(db, a, STMT_REVOKE_ACCESS, NULL, DB_STR(jti), DB_INT(exp));
}

static enum db_rc
purge(struct db *db, struct arena *a, unsigned stmt, unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = db_exec(db, a, &store_sessions, stmt, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*n = res.affected;
	return DB_OK;
}

enum db_rc
db_sessions_purge_refresh(struct db *db, struct arena *a, unsigned long long *n)
{
	return purge(db, a, STMT_PURGE_REFRESH, n);
}

enum db_rc
db_sessions_purge_revoked(struct db *db, struct arena *a, unsigned long long *n)
{
	return purge(db, a, STMT_PURGE_REVOKED, n);
}
