/* The dashboard's sessions (admin_sessions.h). */
#include "admin_sessions.h"

enum stmt {
	STMT_INSERT,
	STMT_FIND,
	STMT_TOUCH,
	STMT_DELETE,
	STMT_PURGE,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO admin_sessions (token_hash, user_id, csrf_secret, ip,"
	    " user_agent, idle_expires_at, expires_at) VALUES (?, ?, ?, ?, ?,"
	    " CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)",
	    7, 0, 0 },
	/* the account's current state decides, on every request */
	[STMT_FIND] = { "SELECT s.id, s.user_id, s.csrf_secret, u.role, u.first_name,"
	    " u.last_name, u.email, u.preferred_language FROM admin_sessions s"
	    " JOIN users u ON u.id = s.user_id"
	    " WHERE s.token_hash = ? AND s.idle_expires_at > CURRENT_TIMESTAMP(3)"
	    " AND s.expires_at > CURRENT_TIMESTAMP(3) AND u.deleted_at IS NULL"
	    " AND u.is_active = 1 AND u.is_banned = 0 AND u.role IN ('admin', 'moderator')"
	    " AND COALESCE(u.tokens_valid_after <= s.created_at, 1)", 1, 8, 0 },
	[STMT_TOUCH] = { "UPDATE admin_sessions SET last_seen_at = CURRENT_TIMESTAMP(3),"
	    " idle_expires_at = LEAST(expires_at, CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)"
	    " WHERE id = ? AND last_seen_at < CURRENT_TIMESTAMP(3) - INTERVAL 30 SECOND", 2, 0, 0 },
	[STMT_DELETE] = { "DELETE FROM admin_sessions WHERE token_hash = ?", 1, 0, 0 },
	[STMT_PURGE] = { "DELETE FROM admin_sessions WHERE expires_at < CURRENT_TIMESTAMP(3)"
	    " OR idle_expires_at < CURRENT_TIMESTAMP(3) LIMIT 1000", 0, 0, 0 },
};

struct db_family store_admin_sessions = DB_FAMILY("admin_sessions", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_admin_sessions, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_admin_sessions_insert(struct db *db, struct arena *a, const struct admin_session_new *s)
{
	return RUN(db, a, STMT_INSERT, NULL, DB_STR(s->token_hash), DB_INT(s->user_id),
	    DB_STR(s->csrf_secret), DB_STR(s->ip), DB_STR(s->user_agent),
	    DB_INT(s->idle_seconds), DB_INT(s->max_seconds));
}

enum db_rc
db_admin_sessions_find(struct db *db, struct arena *a, const char *token_hash,
    struct admin_session *out)
{
	enum { C_ID, C_USER, C_CSRF, C_ROLE, C_FIRST, C_LAST, C_EMAIL, C_LANG };
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_FIND, &res, DB_STR(token_hash))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = db_get_ll(&res, 0, C_ID, 0);
	out->user_id = db_get_ll(&res, 0, C_USER, 0);
	out->csrf_secret = db_get(&res, 0, C_CSRF);
	out->role = db_get(&res, 0, C_ROLE);
	out->first_name = db_get(&res, 0, C_FIRST);
	out->last_name = db_get(&res, 0, C_LAST);
	out->email = db_get(&res, 0, C_EMAIL);
	out->preferred_language = db_get(&res, 0, C_LANG);
	return DB_OK;
}

enum db_rc
db_admin_sessions_touch(struct db *db, struct arena *a, long long id, long long idle_seconds)
{
	return RUN(db, a, STMT_TOUCH, NULL, DB_INT(idle_seconds), DB_INT(id));
}

enum db_rc
db_admin_sessions_delete(struct db *db, struct arena *a, const char *token_hash)
{
	return RUN(db, a, STMT_DELETE, NULL, DB_STR(token_hash));
}

enum db_rc
db_admin_sessions_purge(struct db *db, struct arena *a)
{
	return db_exec(db, a, &store_admin_sessions, STMT_PURGE, DB_NOARGS, NULL);
}
