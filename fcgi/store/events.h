/* events: realtime_events, the rows the notifier tails for WebSocket rooms. */
#ifndef WARSHA_STORE_EVENTS_H
#define WARSHA_STORE_EVENTS_H

#include <json-c/json.h>

#include "store.h"

/* A row for the notifier to push to a WebSocket room: room, event name, payload (not
 * taken; written as JSON text). Runs in the caller's transaction, so the event exists
 * exactly when the change it announces does. */
enum db_rc db_events_add(struct db *db, struct arena *a, const char *room,
    const char *event, json_object *payload);

/* Maintenance, a batch at a time: events over a day old. *n: the rows deleted. */
enum db_rc db_events_purge(struct db *db, struct arena *a, unsigned long long *n);

/* The notifier's tail: the newest id now (0 for none), and up to limit rows after an
 * id, oldest first, as columns id, room, event, payload (JSON text). */
enum db_rc db_events_last_id(struct db *db, struct arena *a, long long *id);
enum db_rc db_events_tail(struct db *db, struct arena *a, long long after, int limit,
    struct db_result *res);

#endif
