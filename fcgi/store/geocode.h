/* geocode: the provider's cached answers (geocode_cache), the clock that spaces calls to
 * the provider across workers (geocode_clock) and the governorates' centroids, for
 * GET /api/geocode/reverse and /forward (docs/search.md, "Geocoding"). */
#ifndef WARSHA_STORE_GEOCODE_H
#define WARSHA_STORE_GEOCODE_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_geocode;

/* kind: "reverse" or "forward". *answer (owned by the caller) or DB_NOTFOUND. */
enum db_rc db_geocode_cached(struct db *db, struct arena *a, const char *kind, const char *key,
    json_object **answer);
enum db_rc db_geocode_remember(struct db *db, struct arena *a, const char *kind,
    const char *key, const char *answer_json);
/* Outside a transaction: takes the next free second of the provider when it is at most
 * two seconds away; *wait_ms is how long the caller waits before its call (0 when the
 * last call was a second ago or more), or -1 when no second was free. */
enum db_rc db_geocode_take_slot(struct db *db, struct arena *a, long long *wait_ms);

struct governorate {
	const char *code, *name_ar, *name_en;
	double      lat, lng;
};
/* Every governorate with a centroid (27 rows), in *out (arena), *n of them. */
enum db_rc db_geocode_governorates(struct db *db, struct arena *a, struct governorate **out,
    size_t *n);

#endif
