#include "limits.h"

enum stmt { STMT_FAILURES, STMT_ADD_FAILURE, STMT_PURGE, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_FAILURES] = { "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at),"
	    " CURRENT_TIMESTAMP(3)), 0) FROM login_failures WHERE identifier = ? AND ip = ?"
	    " AND created_at > CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND", 3, 2, 0 },
	[STMT_ADD_FAILURE] = { "INSERT INTO login_failures (identifier, ip) VALUES (?, ?)",
	    2, 0, 0 },
	/* a batch, so a long backlog never holds locks for long */
	[STMT_PURGE] = { "DELETE FROM login_failures"
	    " WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
};

struct db_family store_limits = DB_FAMILY("limits", stmts);

enum db_rc
db_limits_failures(struct db *db, struct arena *a, const char *identifier, const char *ip,
    long long window, struct login_failures *out)
{
	enum { C_COUNT, C_AGE };
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_limits, STMT_FAILURES, DB_ARGS(DB_STR(identifier),
	    DB_STR(ip), DB_INT(window)), &res)) != DB_OK)
		return rc;
	out->count = res.nrows > 0 ? db_get_ll(&res, 0, C_COUNT, 0) : 0;
	out->oldest_age = res.nrows > 0 ? db_get_ll(&res, 0, C_AGE, 0) : 0;
	return DB_OK;
}

enum db_rc
db_limits_add_failure(struct db *db, struct arena *a, const char *identifier, const char *ip)
{
	return db_exec(db, a, &store_limits, STMT_ADD_FAILURE, DB_ARGS(DB_STR(identifier),
	    DB_STR(ip)), NULL);
}

enum db_rc
db_limits_purge(struct db *db, struct arena *a, unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = db_exec(db, a, &store_limits, STMT_PURGE, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*n = res.affected;
	return DB_OK;
}
