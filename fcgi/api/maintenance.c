/* POST /api/maintenance/:task, called by cron or the systemd timers with the
 * X-Maintenance-Token header (routes.c). Each task is idempotent and bounded, so a
 * timer that fires twice or on two hosts does no harm. */
#include <string.h>

#include "../store/codes.h"
#include "../store/events.h"
#include "../store/limits.h"
#include "../store/rollups.h"
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

/* purge-rollups: the roll-up rows of the booking triggers whose counts are all back to
 * zero (fcgi/store/rollups.h; docs/dashboard.md, "Zero rows"). Not a step of cleanup:
 * cleanup's steps are one indexed batch of each table an hour, while this walks every
 * row of five tables in windows of their primary keys, a position carried from window
 * to window; it runs daily on its own timer. Each window is a unit of work of its own:
 * a run that fails leaves the windows before done, and the next run walks again. */
struct rollup_tx {
	struct rollup_pos  pos, next;
	unsigned long long n;
};

static enum err
rollup_work(struct req *r, void *ctx)
{
	struct rollup_tx *t = ctx;
	enum db_rc rc;

	if ((rc = db_rollups_purge_window(r->db, r->a, &t->pos, &t->next, &t->n)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
task_purge_rollups(struct req *r)
{
	unsigned long long removed[ROLLUP_TABLES];
	struct rollup_tx t;
	json_object *out;
	unsigned i;
	enum err e;

	for (i = 0; i < ROLLUP_TABLES; i++) {
		removed[i] = 0;
		db_rollups_start(&t.pos, i);
		while (!t.pos.done) {
			/* the position moves only once the window's work is committed, so a
			 * unit of work run again starts from the same key */
			if ((e = req_tx(r, rollup_work, &t)) != ERR_OK)
				return e;
			removed[i] += t.n;
			t.pos = t.next;
		}
	}
	out = json_object_new_object();
	for (i = 0; i < ROLLUP_TABLES; i++)
		json_object_object_add(out, db_rollups_name(i),
		    json_object_new_int64((int64_t)removed[i]));
	return reply_ok(r, 200, MSG_MAINTENANCE_DONE, out);
}

static const struct {
	const char *name;
	enum err  (*run)(struct req *);
} tasks[] = {
	{ "cleanup", task_cleanup },
	/* double-blind reviews of jobs whose window has passed (reviews.c) */
	{ "reveal-reviews", reviews_reveal_task },
	/* roll-up rows whose counts are all zero (above) */
	{ "purge-rollups", task_purge_rollups },
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
