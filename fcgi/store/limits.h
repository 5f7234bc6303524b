/* limits: counters of failures (rate_limits), one row per limit and key, read and
 * written under the row's lock inside the unit of work that acts on them, so requests
 * racing on one key are counted one at a time (the rules: fcgi/domain/limits.h); and
 * the log of failed sign-ins (login_failures). */
#ifndef WARSHA_STORE_LIMITS_H
#define WARSHA_STORE_LIMITS_H

#include "store.h"

enum limit_scope {
	LIMIT_LOGIN,            /* an account (or unknown identifier) from an address */
	LIMIT_LOGIN_ACCOUNT,    /* an account from every address */
	LIMIT_LOGIN_IP,         /* an address, every account */
	LIMIT_CODE_GUESS,       /* wrong reset or verification tokens from an address */
	LIMIT_SIGNUP_CONFLICT,  /* registrations refused as taken from an address */
	LIMIT_CONTACT,          /* contact-form messages from an address */
	LIMIT_CONTACT_EMAIL,    /* contact-form messages signed with an e-mail address */
	LIMIT_EXPORT,           /* a person's data exports */
};

/* A counter: subject "user:<id>" or "id:<identifier>", or NULL; ip or NULL. */
struct limit_key {
	enum limit_scope scope;
	const char      *subject;
	const char      *ip;
};

/* Its state: the count in the current window, the window's age and the seconds since
 * the latest count (-1: none), in seconds. */
struct limit_state {
	long long n;
	long long window_age;
	long long since_last;
};

/* Locks the counter (creating it; a window older than window seconds starts again at
 * 0, and a counter at 0 starts its window now) and reads it: inside a transaction
 * only. Lock counters in the order of enum
 * limit_scope, so two units of work never wait on each other in a circle. */
enum db_rc db_limits_lock(struct db *db, struct arena *a, const struct limit_key *k,
    long long window, struct limit_state *out);
/* One more on a counter this unit of work locked. */
enum db_rc db_limits_add(struct db *db, struct arena *a, const struct limit_key *k);
/* One less (an attempt counted in advance that did not fail). */
enum db_rc db_limits_release(struct db *db, struct arena *a, const struct limit_key *k);

/* A failed sign-in, for the record (identifier: its phone form, else lower-cased). */
enum db_rc db_limits_add_failure(struct db *db, struct arena *a, const char *identifier,
    const char *ip);

/* Maintenance, a batch at a time: failures over a day old and counters whose window
 * ended over a day ago. *n: the rows deleted. */
enum db_rc db_limits_purge(struct db *db, struct arena *a, unsigned long long *n);

#endif
