#include "sessions.h"

enum stmt { STMT_REVOKE_USER, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_REVOKE_USER] = { "UPDATE refresh_tokens SET revoked_at = CURRENT_TIMESTAMP(3),"
	    " revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL", 2, 0, 0 },
};

struct db_family store_sessions = DB_FAMILY("sessions", stmts);

enum db_rc
db_sessions_revoke_user(struct db *db, struct arena *a, long long user_id, const char *reason)
{
	return db_exec(db, a, &store_sessions, STMT_REVOKE_USER,
	    DB_ARGS(DB_STR(reason), DB_INT(user_id)), NULL);
}
