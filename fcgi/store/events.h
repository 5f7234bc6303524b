/* events: realtime_events, the rows the notifier tails for WebSocket rooms. */
#ifndef WARSHA_STORE_EVENTS_H
#define WARSHA_STORE_EVENTS_H

#include "store.h"

/* Maintenance, a batch at a time: events over a day old. *n: the rows deleted. */
enum db_rc db_events_purge(struct db *db, struct arena *a, unsigned long long *n);

#endif
