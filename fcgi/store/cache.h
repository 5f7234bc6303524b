/* cache: the version rows of the per-worker answer cache (core/cache.h). A change bumps
 * its namespace's row in its own transaction; workers read it to know their copies are
 * stale. */
#ifndef WARSHA_STORE_CACHE_H
#define WARSHA_STORE_CACHE_H

#include "store.h"

/* The namespace's version; DB_NOTFOUND when it has no row yet (version 1). */
enum db_rc db_cache_version(struct db *db, struct arena *a, const char *name,
    unsigned long long *version);
/* Moves the version on (the first bump of a namespace without a row makes it 2). */
enum db_rc db_cache_bump(struct db *db, struct arena *a, const char *name);

#endif
