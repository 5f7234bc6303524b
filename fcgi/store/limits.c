#include "limits.h"

enum stmt {
	STMT_TOUCH,
	STMT_READ,
	STMT_ADD,
	STMT_RELEASE,
	STMT_ADD_FAILURE,
	STMT_PURGE,
	STMT_PURGE_COUNTERS,
	STMT__MAX
};

#define KEY_WHERE " WHERE scope = ? AND subject = ? AND ip = ?"

static const struct db_stmt stmts[STMT__MAX] = {
	/* takes the row's lock. MariaDB assigns left to right: n, reset when its window
	 * has passed, is read by the window_start assignment after it, so a counter at 0
	 * (reset, or given back) starts its window again with its next count */
	[STMT_TOUCH] = { "INSERT INTO rate_limits (scope, subject, ip, n, window_start)"
	    " VALUES (?, ?, ?, 0, CURRENT_TIMESTAMP(3)) ON DUPLICATE KEY UPDATE"
	    " n = IF(window_start <= CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND, 0, n),"
	    " window_start = IF(n = 0, CURRENT_TIMESTAMP(3), window_start)", 4, 0, 0 },
	[STMT_READ] = { "SELECT n, TIMESTAMPDIFF(SECOND, window_start, CURRENT_TIMESTAMP(3)),"
	    " COALESCE(TIMESTAMPDIFF(SECOND, last_at, CURRENT_TIMESTAMP(3)), -1)"
	    " FROM rate_limits" KEY_WHERE " FOR UPDATE", 3, 3, 0 },
	[STMT_ADD] = { "UPDATE rate_limits SET n = n + 1, last_at = CURRENT_TIMESTAMP(3)"
	    KEY_WHERE, 3, 0, 0 },
	[STMT_RELEASE] = { "UPDATE rate_limits SET n = GREATEST(n, 1) - 1" KEY_WHERE, 3, 0, 0 },
	[STMT_ADD_FAILURE] = { "INSERT INTO login_failures (identifier, ip) VALUES (?, ?)",
	    2, 0, 0 },
	/* batches, so a long backlog never holds locks for long */
	[STMT_PURGE] = { "DELETE FROM login_failures"
	    " WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
	[STMT_PURGE_COUNTERS] = { "DELETE FROM rate_limits"
	    " WHERE window_start < CURRENT_TIMESTAMP(3) - INTERVAL 2 DAY LIMIT 10000", 0, 0, 0 },
};

struct db_family store_limits = DB_FAMILY("limits", stmts);

/* The values of rate_limits.scope, in the order of enum limit_scope. */
static const char *
scope_name(enum limit_scope s)
{
	switch (s) {
	case LIMIT_LOGIN:
		return "login";
	case LIMIT_LOGIN_ACCOUNT:
		return "login_account";
	case LIMIT_LOGIN_IP:
		return "login_ip";
	case LIMIT_CODE_GUESS:
		return "code_guess";
	case LIMIT_SIGNUP_CONFLICT:
		return "signup_conflict";
	case LIMIT_CONTACT:
		return "contact";
	case LIMIT_CONTACT_EMAIL:
		return "contact_email";
	case LIMIT_EXPORT:
		break;
	}
	return "export";
}

#define KEY_ARGS(k) DB_STR(scope_name((k)->scope)), DB_STR((k)->subject ? (k)->subject : ""), \
	DB_STR((k)->ip ? (k)->ip : "")

enum db_rc
db_limits_lock(struct db *db, struct arena *a, const struct limit_key *k, long long window,
    struct limit_state *out)
{
	enum { C_N, C_AGE, C_LAST };
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_limits, STMT_TOUCH, DB_ARGS(KEY_ARGS(k), DB_INT(window)),
	    NULL)) != DB_OK ||
	    (rc = db_exec(db, a, &store_limits, STMT_READ, DB_ARGS(KEY_ARGS(k)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->n = db_get_ll(&res, 0, C_N, 0);
	out->window_age = db_get_ll(&res, 0, C_AGE, 0);
	out->since_last = db_get_ll(&res, 0, C_LAST, -1);
	return DB_OK;
}

enum db_rc
db_limits_add(struct db *db, struct arena *a, const struct limit_key *k)
{
	return db_exec(db, a, &store_limits, STMT_ADD, DB_ARGS(KEY_ARGS(k)), NULL);
}

enum db_rc
db_limits_release(struct db *db, struct arena *a, const struct limit_key *k)
{
	return db_exec(db, a, &store_limits, STMT_RELEASE, DB_ARGS(KEY_ARGS(k)), NULL);
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
	if ((rc = db_exec(db, a, &store_limits, STMT_PURGE_COUNTERS, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*n += res.affected;
	return DB_OK;
}
