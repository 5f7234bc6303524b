/* activity_list: the activity log as GET /api/admin/activity-log and the dashboard read
 * it (seed 001 §7.11), newest first by id, one filter at a time (an actor, an action,
 * or a target) within an optional range of days, paged by the data-layer rules
 * (docs/data-layer.md, "Lists"). */
#ifndef WARSHA_STORE_ACTIVITY_LIST_H
#define WARSHA_STORE_ACTIVITY_LIST_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_activity_list;

#define ACTIVITY_WINDOW 10000     /* page x limit within it; further by cursor */

struct activity_query {
	long long   actor_id;        /* 0: any */
	const char *action;          /* NULL: any */
	const char *target_type;     /* with target_id; NULL: any */
	const char *target_id;
	const char *from, *to;       /* "YYYY-MM-DD" (UTC, both ends included), or NULL */
	long long   before_id;       /* a cursor: rows with a smaller id; 0: none */
	long long   offset;          /* rows to skip (page mode), <= ACTIVITY_WINDOW */
	long long   limit;
};
/* [{id, actorId, actorRole, actor{firstName, lastName, email}, action, targetType,
 * targetId, details, ip, createdAt}] into *items; *total (capped at ACTIVITY_WINDOW + 1
 * when *capped); *next_id the cursor of the next page (0: none). */
enum db_rc db_activity_list(struct db *db, struct arena *a, const struct activity_query *q,
    json_object **items, long long *total, int *capped, long long *next_id);

#endif
