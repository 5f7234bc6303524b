#include "cache.h"

enum stmt { STMT_VERSION, STMT_BUMP, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_VERSION] = { "SELECT version FROM cache_versions WHERE name = ?", 1, 1, 0 },
	[STMT_BUMP] = { "INSERT INTO cache_versions (name, version) VALUES (?, 2)"
	    " ON DUPLICATE KEY UPDATE version = version + 1", 1, 0, 0 },
};

struct db_family store_cache = DB_FAMILY("cache", stmts);

enum db_rc
db_cache_version(struct db *db, struct arena *a, const char *name, unsigned long long *version)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_cache, STMT_VERSION, DB_ARGS(DB_STR(name)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*version = (unsigned long long)db_get_ll(&res, 0, 0, 1);
	return DB_OK;
}

enum db_rc
db_cache_bump(struct db *db, struct arena *a, const char *name)
{
	return db_exec(db, a, &store_cache, STMT_BUMP, DB_ARGS(DB_STR(name)), NULL);
}
