#include "events.h"

enum stmt { STMT_PURGE, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	/* a batch, so a long backlog never holds locks for long */
	[STMT_PURGE] = { "DELETE FROM realtime_events"
	    " WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
};

struct db_family store_events = DB_FAMILY("events", stmts);

enum db_rc
db_events_purge(struct db *db, struct arena *a, unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = db_exec(db, a, &store_events, STMT_PURGE, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*n = res.affected;
	return DB_OK;
}
