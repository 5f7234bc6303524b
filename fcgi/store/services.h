/* services: the catalog (services) and its categories (service_categories).
 *
 * A live service is one with is_active = 1: deleting sets deleted_at and clears
 * is_active in one statement, and nothing updates a deleted row, so the lists and their
 * counts filter on is_active alone and stay inside their indexes. */
#ifndef WARSHA_STORE_SERVICES_H
#define WARSHA_STORE_SERVICES_H

#include <json-c/json.h>

#include "store.h"

/* Lists page within this many rows; their totals are counted up to it (capped). */
#define SERVICES_WINDOW 10000

/* Which services a list shows. Each combination has its own statement, served by an
 * index in its ORDER BY (sql/migrations/0003_services_lists.sql). */
struct service_filter {
	const char *category;    /* NULL: every category */
	int         emergency;   /* only those available in an emergency (or in its category) */
	int         popular;     /* -1: either; 0 or 1: isPopular */
	const char *search;      /* text found in the names, descriptions or tags; NULL: none */
};

/* How many live services match, counted up to SERVICES_WINDOW + 1: *capped is set (and
 * *total is SERVICES_WINDOW) when there are more. */
enum db_rc db_services_count(struct db *db, struct arena *a, const struct service_filter *f,
    long long *total, int *capped);
/* One page of live services, popular first, then by sortOrder and id, as the JSON the
 * API shows (an array, owned by the caller). */
enum db_rc db_services_list(struct db *db, struct arena *a, const struct service_filter *f,
    long long limit, long long offset, json_object **items);
/* One service as JSON (owned by the caller); a switched-off one only when
 * include_inactive is set (staff). DB_NOTFOUND: no such (visible) service. */
enum db_rc db_services_view(struct db *db, struct arena *a, long long id, int include_inactive,
    json_object **out);
/* Every category with its count of live services, car ones first (a JSON array). */
enum db_rc db_services_categories(struct db *db, struct arena *a, json_object **out);

/* The writable columns of a service as the text bound to them: NULL is SQL NULL,
 * booleans are "0"/"1", numbers their digits, JSON columns JSON text. */
enum service_col {
	SVC_NAME_AR, SVC_NAME_EN, SVC_DESC_AR, SVC_DESC_EN, SVC_CATEGORY, SVC_SUB_CATEGORY,
	SVC_DURATION, SVC_PRICE, SVC_ACTIVE, SVC_HOURS_START, SVC_HOURS_END, SVC_DAYS,
	SVC_EMERGENCY, SVC_APPROVAL, SVC_ADMIN_ONLY, SVC_IMAGES, SVC_ICON, SVC_TAGS,
	SVC_POPULAR, SVC_SORT, SVC_COLOR, SVC__MAX
};
struct service_values {
	const char *v[SVC__MAX];
};

/* The service's columns, its row locked (FOR UPDATE): inside a transaction only.
 * DB_NOTFOUND when there is no such service (or it was deleted). */
enum db_rc db_services_lock(struct db *db, struct arena *a, long long id,
    struct service_values *out);
/* DB_DUP on uq_services_name_en, DB_FK on fk_services_category (fcgi/store/keys.c). */
enum db_rc db_services_insert(struct db *db, struct arena *a, const struct service_values *v,
    long long *id);
enum db_rc db_services_update(struct db *db, struct arena *a, long long id,
    const struct service_values *v);
/* Soft delete (bookings will point at services): DB_NOTFOUND when there is none. */
enum db_rc db_services_delete(struct db *db, struct arena *a, long long id);

/* The page of a search (f->search set; the other filters of f narrow it) through the
 * catalog's words (service_words): the services where the driving word occurs most
 * first, then popular, then by sortOrder (docs/search.md); FULLTEXT's relevance order
 * for what the words table does not serve (the catalog's order with f->emergency or
 * f->popular). db_services_search_count() counts it. */
enum db_rc db_services_search(struct db *db, struct arena *a, const struct service_filter *f,
    long long limit, long long offset, json_object **items);
enum db_rc db_services_search_count(struct db *db, struct arena *a,
    const struct service_filter *f, long long *total, int *capped);

/* Reordering (POST /api/services/:id/move): the live services of one popularity
 * (isPopular 0 or 1) in the catalog's order (sortOrder, then id), their rows locked,
 * at most SERVICES_ORDER_MAX + 1 of them; inside a transaction only. The arrays are
 * the arena's. */
#define SERVICES_ORDER_MAX 1000
enum db_rc db_services_order_lock(struct db *db, struct arena *a, int popular,
    long long **ids, long long **sorts, size_t *n);
/* One service's sortOrder. */
enum db_rc db_services_set_sort(struct db *db, struct arena *a, long long id, long long sort);

#endif
