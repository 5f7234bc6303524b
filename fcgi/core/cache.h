/* Per-worker cache of whole answers for data that rarely changes (catalog, public
 * settings). Each namespace has a version row in cache_versions, bumped in the same
 * transaction as any change; a worker asks for it at most every check_ms and drops its
 * copies when it moved. */
#ifndef WARSHA_CACHE_H
#define WARSHA_CACHE_H

#include <stddef.h>

#include "arena.h"
#include "db.h"

struct cached {
	int         status;
	const char *body;
	size_t      len;
};

/* The cached answer for (ns, key) or NULL. May query the version (one indexed read). */
const struct cached *cache_get(struct db *db, struct arena *a, const char *ns,
    const char *key, int check_ms);
void       cache_put(const char *ns, const char *key, int status, const char *body, size_t len);
/* Bumps the namespace's version inside the caller's transaction and forgets the local
 * copies at once. */
enum db_rc cache_bump(struct db *db, struct arena *a, const char *ns);
void       cache_clear_all(void);

#endif
