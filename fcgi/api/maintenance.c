/* POST /api/maintenance/:task, called by cron or the systemd timers with the
 * X-Maintenance-Token header (routes.c). Each task is idempotent and bounded, so a
 * timer that fires twice or on two hosts does no harm. */
#include <string.h>

#include "api.h"

/* Deletes run in batches so a long backlog never holds locks for long. */
static const char SQL_CODES[] =
    "DELETE FROM one_time_codes WHERE expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY"
    " LIMIT 10000";
static const char SQL_REFRESH[] =
    "DELETE FROM refresh_tokens WHERE expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY"
    " LIMIT 10000";
static const char SQL_REVOKED[] =
    "DELETE FROM revoked_access_tokens WHERE expires_at < CURRENT_TIMESTAMP(3) LIMIT 10000";
static const char SQL_FAILURES[] =
    "DELETE FROM login_failures WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY"
    " LIMIT 10000";
static const char SQL_EVENTS[] =
    "DELETE FROM realtime_events WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY"
    " LIMIT 10000";

static const struct {
	const char *name;
	const char *sql;
} cleanup_steps[] = {
	{ "oneTimeCodes", SQL_CODES },
	{ "refreshTokens", SQL_REFRESH },
	{ "revokedAccessTokens", SQL_REVOKED },
	{ "loginFailures", SQL_FAILURES },
	{ "realtimeEvents", SQL_EVENTS },
};

static void
task_cleanup(struct req *r)
{
	json_object *out = json_object_new_object();
	size_t i;

	json_owned(r->a, out);
	for (i = 0; i < sizeof(cleanup_steps) / sizeof(cleanup_steps[0]); i++) {
		struct db_result res;
		enum db_rc rc = db_run(r->db, r->a, cleanup_steps[i].sql, DB_NOARGS, &res);

		if (rc != DB_OK) {
			reply_db_error(r, rc);
			return;
		}
		json_object_object_add(out, cleanup_steps[i].name,
		    json_object_new_int64((int64_t)res.affected));
	}
	reply_ok(r, 200, MSG_MAINTENANCE_DONE, json_object_get(out));
}

static const struct {
	const char *name;
	void (*run)(struct req *);
} tasks[] = {
	{ "cleanup", task_cleanup },
};

void
maintenance_run(struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++)
		if (strcmp(tasks[i].name, r->params[0]) == 0) {
			tasks[i].run(r);
			return;
		}
	reply_error(r, ERR_NOT_FOUND, NULL);
}
