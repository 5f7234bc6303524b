/* The notifier's periodic work: one lws_sul timer, once a second, on the service thread.
 *
 * Today the tick keeps the database state that /health reports, so a health check never
 * waits on MariaDB. The outbox delivery and the realtime_events tail (docs/architecture.md) are
 * the next jobs to run from tick_run().
 *
 * Everything here blocks the service thread while it runs: a ping to a healthy server
 * is one round trip, and a server that refuses connections fails at once. A host that
 * drops packets holds the loop for up to the 2 s connect timeout of core/db.c on every
 * tick; jobs added here must stay short for the same reason. */
#include "core/log.h"
#include "notifier.h"

#define TICK_US        LWS_US_PER_SEC
#define DB_CHECK_MS    1000

void
db_state_refresh(struct notifier *n)
{
	/* db_alive() reconnects when the connection is gone; a down server is a state,
	 * never an error that ends the daemon. */
	int up = db_alive(n->db, DB_CHECK_MS);

	/* one line per change; core/db.c already logs each failed connection attempt */
	if (up != n->db_up) {
		if (up)
			log_info("msg=db_state state=connected");
		else
			log_warn("msg=db_state state=disconnected");
	}
	n->db_up = up;
}

static void
tick_run(lws_sorted_usec_list_t *sul)
{
	struct notifier *n = lws_container_of(sul, struct notifier, tick);

	db_state_refresh(n);
	/* Re-armed after the work, so a slow tick delays the next one instead of piling
	 * ticks up behind it. */
	lws_sul_schedule(n->ctx, 0, &n->tick, tick_run, TICK_US);
}

void
tick_start(struct notifier *n)
{
	lws_sul_schedule(n->ctx, 0, &n->tick, tick_run, TICK_US);
}

void
tick_stop(struct notifier *n)
{
	lws_sul_cancel(&n->tick);
}
