#include "sessions.h"

#include <limits.h>
#include <string.h>

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
	STMT_SESS_ALL,
	STMT_SESS_USER,
	STMT_SESS_ONE,
	STMT__MAX
};

/* A session is a refresh family, shown by its live row: its id is the family's first
 * row's, its start that row's time, its last use the live row's (made at the last
 * rotation). rowId and family are for the handler, never shown. */
#define SESS_COLS "SELECT (SELECT MIN(f.id) FROM refresh_tokens f" \
	" WHERE f.family_id = t.family_id) AS id, t.user_id AS userId, t.user_agent AS device," \
	" t.ip, (SELECT MIN(f.created_at) FROM refresh_tokens f" \
	" WHERE f.family_id = t.family_id) AS createdAt, t.created_at AS lastUsedAt," \
	" t.expires_at AS expiresAt, t.id AS rowId, t.family_id AS family FROM refresh_tokens t"
#define SESS_NCOLS 9
#define SESS_LIVE " t.revoked_at IS NULL AND t.expires_at > CURRENT_TIMESTAMP(3)"

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
	/* newest use first, after the row id of the cursor */
	[STMT_SESS_ALL] = { DB_LIST_LIMIT SESS_COLS " FORCE INDEX (ix_refresh_tokens_live)"
	    " WHERE" SESS_LIVE " AND t.id < ? ORDER BY t.id DESC LIMIT ?", 2, SESS_NCOLS,
	    DBS_LIST },
	[STMT_SESS_USER] = { DB_LIST_LIMIT SESS_COLS " FORCE INDEX (ix_refresh_tokens_user_live)"
	    " WHERE t.user_id = ? AND" SESS_LIVE " AND t.id < ? ORDER BY t.id DESC LIMIT ?", 3,
	    SESS_NCOLS, DBS_LIST },
	[STMT_SESS_ONE] = { SESS_COLS " WHERE t.family_id = (SELECT f.family_id FROM"
	    " refresh_tokens f WHERE f.id = ?) AND" SESS_LIVE " ORDER BY t.id DESC LIMIT 1", 1,
	    SESS_NCOLS, 0 },
};

static const struct db_arg s_all[] = { DB_SAMPLE_INT(LLONG_MAX), DB_SAMPLE_INT(21) };
static const struct db_arg s_user[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(LLONG_MAX),
	DB_SAMPLE_INT(21) };
static const struct db_sample samples[STMT__MAX] = {
	[STMT_SESS_ALL] = DB_SAMPLE(s_all),
	[STMT_SESS_USER] = DB_SAMPLE(s_user),
};

struct db_family store_sessions = DB_FAMILY_SAMPLES("sessions", stmts, samples);

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

/* Takes rowId and family out of each row into the page. */
static void
sessions_rows(struct db_result *res, long long limit, struct session_page *out)
{
	json_object *items = db_rows_json(res);
	size_t i, n = json_object_array_length(items);

	out->has_next = (long long)n > limit;
	if (out->has_next)
		json_object_array_del_idx(items, (size_t)limit, n - (size_t)limit);
	n = json_object_array_length(items);
	out->families = n > 0 ? arena_alloc(out->a, sizeof(*out->families) * n) : NULL;
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(items, i), *v;

		out->families[i] = json_object_object_get_ex(o, "family", &v) ?
		    arena_strdup(out->a, json_object_get_string(v)) : "";
		if (json_object_object_get_ex(o, "rowId", &v))
			out->last_row = json_object_get_int64(v);
		json_object_object_del(o, "family");
		json_object_object_del(o, "rowId");
	}
	out->items = items;
}

enum db_rc
db_sessions_list(struct db *db, struct arena *a, long long user_id, long long before_row,
    long long limit, struct session_page *out)
{
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	out->a = a;
	if (before_row <= 0)
		before_row = LLONG_MAX;
	if (user_id > 0)
		rc = RUN(db, a, STMT_SESS_USER, &res, DB_INT(user_id), DB_INT(before_row),
		    DB_INT(limit + 1));
	else
		rc = RUN(db, a, STMT_SESS_ALL, &res, DB_INT(before_row), DB_INT(limit + 1));
	if (rc != DB_OK)
		return rc;
	sessions_rows(&res, limit, out);
	return DB_OK;
}

enum db_rc
db_sessions_get(struct db *db, struct arena *a, long long id, struct session_page *out)
{
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	out->a = a;
	if ((rc = RUN(db, a, STMT_SESS_ONE, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	sessions_rows(&res, 1, out);
	return DB_OK;
}
