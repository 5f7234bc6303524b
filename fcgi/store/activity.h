/* The activity log (seed 001 §7.11): every admin action, deletion, registration and
 * service change, written in the same transaction as the change itself. The writer
 * takes a database handle and an actor, not a request, so the command-line tools
 * (warsha-fcgi --create-admin) write the same rows. */
#ifndef WARSHA_STORE_ACTIVITY_H
#define WARSHA_STORE_ACTIVITY_H

#include <json-c/json.h>

#include "store.h"

/* Who acted: a signed-in user from a request (req_actor()), or nobody (id 0) for a
 * command-line tool. */
struct actor {
	long long   id;
	const char *role;     /* NULL for nobody */
	const char *ip;       /* NULL without a request */
};

/* details (may be NULL; not taken) holds what changed: declared fields only, never a
 * raw request body. target_id 0: none. */
enum db_rc db_activity_record(struct db *db, struct arena *a, const struct actor *who,
    const char *action, const char *target_type, long long target_id, json_object *details);

#endif
