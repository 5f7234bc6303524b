#include "store.h"

#include <stdio.h>

/* Every family, for the statement check: a family missing here is never prepared by
 * warsha-fcgi --check-sql, so its typos would wait for the first request. */
struct db_family *const store_families[] = {
	&store_users,
	&store_sessions,
	&store_codes,
	&store_activity,
	&store_outbox,
	&store_services,
	&store_settings,
	&store_cache,
	&store_accounts,
	&store_limits,
	&store_events,
};

const size_t store_nfamilies = sizeof(store_families) / sizeof(store_families[0]);

int
store_check(struct db *db)
{
	enum db_rc rc;
	size_t i;
	int bad = 0;

	for (i = 0; i < store_nfamilies; i++) {
		if ((rc = db_prepare_family(db, store_families[i])) != DB_OK) {
			fprintf(stderr, "store %s: %s\n", store_families[i]->name,
			    rc == DB_DOWN ? "no database" : db_last_error(db));
			bad++;
			continue;
		}
		printf("store %s: %zu statements prepared\n", store_families[i]->name,
		    store_families[i]->n);
	}
	return bad;
}
