#include "events.h"

#include "../core/http.h"

enum stmt { STMT_ADD, STMT_PURGE, STMT_LAST_ID, STMT_TAIL, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_ADD] = { "INSERT INTO realtime_events (room, event, payload) VALUES (?, ?, ?)",
	    3, 0, 0 },
	/* a batch, so a long backlog never holds locks for long */
	[STMT_PURGE] = { "DELETE FROM realtime_events"
	    " WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 10000", 0, 0, 0 },
	/* the notifier's tail (fcgi/notifier/realtime.c): where it starts, then the rows
	 * after the last one it delivered, by primary key */
	[STMT_LAST_ID] = { "SELECT COALESCE(MAX(id), 0) FROM realtime_events", 0, 1, 0 },
	[STMT_TAIL] = { "SELECT id, room, event, payload FROM realtime_events"
	    " WHERE id > ? ORDER BY id LIMIT ?", 2, 4, 0 },
};

struct db_family store_events = DB_FAMILY("events", stmts);

enum db_rc
db_events_add(struct db *db, struct arena *a, const char *room, const char *event,
    json_object *payload)
{
	return db_exec(db, a, &store_events, STMT_ADD, DB_ARGS(DB_STR(room), DB_STR(event),
	    DB_STR(json_text(a, payload, NULL))), NULL);
}

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

enum db_rc
db_events_last_id(struct db *db, struct arena *a, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	if ((rc = db_exec(db, a, &store_events, STMT_LAST_ID, DB_NOARGS, &res)) != DB_OK)
		return rc;
	if (res.nrows == 1)
		*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_events_tail(struct db *db, struct arena *a, long long after, int limit,
    struct db_result *res)
{
	return db_exec(db, a, &store_events, STMT_TAIL, DB_ARGS(DB_INT(after), DB_INT(limit)),
	    res);
}
