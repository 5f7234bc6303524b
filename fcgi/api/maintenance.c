/* POST /api/maintenance/:task, called by cron or the systemd timers with the
 * X-Maintenance-Token header (routes.c). Each task is idempotent and bounded, so a
 * timer that fires twice or on two hosts does no harm. */
#include <string.h>

#include "../store/codes.h"
#include "../store/events.h"
#include "../store/limits.h"
#include "../store/sessions.h"
#include "api.h"

/* One purge: a batch of one table's dead rows (the store bounds it), so a long backlog
 * never holds locks for long. */
typedef enum db_rc (*purge_fn)(struct db *db, struct arena *a, unsigned long long *n);

static const struct {
	const char *name;
	purge_fn    purge;
} cleanup_steps[] = {
	{ "oneTimeCodes", db_codes_purge },
	{ "refreshTokens", db_sessions_purge_refresh },
	{ "revokedAccessTokens", db_sessions_purge_revoked },
	{ "loginFailures", db_limits_purge },
	{ "realtimeEvents", db_events_purge },
};

struct purge_tx {
	purge_fn           purge;
	unsigned long long n;
};

static enum err
purge_work(struct req *r, void *ctx)
{
	struct purge_tx *t = ctx;
	enum db_rc rc;

	if ((rc = t->purge(r->db, r->a, &t->n)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Each purge is a unit of work of its own: one that fails leaves the earlier ones done,
 * and the next run takes up where it stopped. */
static enum err
task_cleanup(struct req *r)
{
	json_object *out;
	struct purge_tx t[sizeof(cleanup_steps) / sizeof(cleanup_steps[0])];
	size_t i;
	enum err e;

	for (i = 0; i < sizeof(cleanup_steps) / sizeof(cleanup_steps[0]); i++) {
		t[i].purge = cleanup_steps[i].purge;
		t[i].n = 0;
		if ((e = req_tx(r, purge_work, &t[i])) != ERR_OK)
			return e;
	}
	out = json_object_new_object();
	for (i = 0; i < sizeof(cleanup_steps) / sizeof(cleanup_steps[0]); i++)
		json_object_object_add(out, cleanup_steps[i].name,
		    json_object_new_int64((int64_t)t[i].n));
	return reply_ok(r, 200, MSG_MAINTENANCE_DONE, out);
}

static const struct {
	const char *name;
	enum err  (*run)(struct req *);
} tasks[] = {
	{ "cleanup", task_cleanup },
	/* double-blind reviews of jobs whose window has passed (reviews.c) */
	{ "reveal-reviews", reviews_reveal_task },
};

enum err
maintenance_run(struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof(tasks) / sizeof(tasks[0]); i++)
		if (strcmp(tasks[i].name, r->params[0]) == 0)
			return tasks[i].run(r);
	return fail(r, ERR_NOT_FOUND);
}
