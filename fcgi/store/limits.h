/* limits: failed sign-ins, counted per identifier and address for the login limit
 * (fcgi/domain/identity.h, login_retry_after). */
#ifndef WARSHA_STORE_LIMITS_H
#define WARSHA_STORE_LIMITS_H

#include "store.h"

/* The failures of this identifier from this address in the last window seconds, and
 * the age in seconds of the oldest of them (0 when there are none). */
struct login_failures {
	long long count;
	long long oldest_age;
};
enum db_rc db_limits_failures(struct db *db, struct arena *a, const char *identifier,
    const char *ip, long long window, struct login_failures *out);
enum db_rc db_limits_add_failure(struct db *db, struct arena *a, const char *identifier,
    const char *ip);

/* Maintenance, a batch at a time: failures over a day old. *n: the rows deleted. */
enum db_rc db_limits_purge(struct db *db, struct arena *a, unsigned long long *n);

#endif
