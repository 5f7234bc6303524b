/* technicians: the work profiles of technicians (technician_profiles, one per user with
 * role technician; technician_specializations, one row per category of a profile), the
 * staff's list of them and the search of bookable technicians near a point
 * (sql/migrations/0008_technicians.sql, docs/technicians.md).
 *
 * Every read returns the user view (fcgi/store/user_view.h, with the user's choices of
 * what others see) and, under "technician", the profile; near a point also distanceKm.
 * What a caller may see of them is the handler's to cut (fcgi/api/technicians.c). */
#ifndef WARSHA_STORE_TECHNICIANS_H
#define WARSHA_STORE_TECHNICIANS_H

#include <json-c/json.h>

#include "store.h"
#include "user_lists.h"
#include "user_view.h"

extern struct db_family store_technicians;

/* Which technicians the staff's list shows: each combination has its own statement,
 * read from one index in the list's order (newest first). */
struct technician_filter {
	const char *status;      /* available | busy | offline, or NULL */
	const char *category;    /* a service category key, or NULL */
	const char *city;        /* the working city, exactly, or NULL */
	const char *verification; /* pending | verified | rejected, or NULL */
};

/* The rows the capped count of a list reads at most; a larger total is a lower bound. */
#define TECHNICIANS_COUNT_CAP 1000

struct technician_page {
	json_object       *items;     /* user views, each with "technician" */
	struct user_shown *shown;     /* per item */
	int                has_next;
	struct user_cursor next;      /* the key of the last item, when has_next */
};

/* One page of limit technicians after the key *after (NULL: from the newest). */
enum db_rc db_technicians_list(struct db *db, struct arena *a, const struct technician_filter *f,
    const struct user_cursor *after, long long limit, struct technician_page *out);
/* How many technicians the filter matches, counted up to TECHNICIANS_COUNT_CAP + 1. */
enum db_rc db_technicians_count(struct db *db, struct arena *a, const struct technician_filter *f,
    long long *total, int *capped);

/* Bookable technicians near a point: available, verified, active, not banned, with the
 * category among their specializations (NULL: any), within km of the point and within
 * their own service radius; nearest first, at most limit. Each item has distanceKm.
 * Read in expanding rings from ix_technicians_nearby (any category) or technician_reach
 * (one category); the answer is the whole circle's. */
struct technician_near {
	double      lat, lng, km;
	const char *category;
	long long   limit;
};
enum db_rc db_technicians_nearby(struct db *db, struct arena *a, const struct technician_near *q,
    json_object **items, struct user_shown **shown);

/* One technician (a user with role technician, not deleted): DB_NOTFOUND otherwise. */
enum db_rc db_technicians_view(struct db *db, struct arena *a, long long id, json_object **out,
    struct user_shown *shown);

/* The writable fields of a profile as the text bound to them (NULL is SQL NULL; JSON
 * columns JSON text), and the user's bio. */
enum technician_col {
	TC_SPECIALIZATIONS, TC_EXPERIENCE, TC_GOVERNORATES, TC_CITY, TC_RADIUS, TC_STATUS,
	TC_VERIFICATION, TC_REASON, TC_LAT, TC_LNG, TC_BIO, TC__MAX
};
struct technician_values {
	const char *v[TC__MAX];
};

/* The profile, its row and its user's row locked (FOR UPDATE): inside a transaction.
 * DB_NOTFOUND when id is no technician. */
enum db_rc db_technicians_lock(struct db *db, struct arena *a, long long id,
    struct technician_values *out);
/* Writes the profile's fields but verification, and the bio. */
enum db_rc db_technicians_update(struct db *db, struct arena *a, long long id,
    const struct technician_values *v);
/* The verification state and its reason, by staff member `by`. */
enum db_rc db_technicians_verify(struct db *db, struct arena *a, long long id,
    const char *state, const char *reason, long long by);
/* The specialization rows from the categories (a JSON array of existing keys). */
enum db_rc db_technicians_set_specializations(struct db *db, struct arena *a, long long id,
    json_object *categories);
/* The work status, and the current location when has_location. */
enum db_rc db_technicians_set_status(struct db *db, struct arena *a, long long id,
    const char *status, int has_location, double lat, double lng);

/* The staff's list ordered by rating, best first, then by id (newest account first among
 * equals); no filter. The key of a row is its rating as decimal text ("4.50") and id. */
struct technician_rating_key {
	char      rating[8];
	long long id;
};
struct technician_rating_page {
	json_object                 *items;
	struct user_shown           *shown;
	int                          has_next;
	struct technician_rating_key next;
};
/* One page of limit technicians after *after (NULL: from the best). */
enum db_rc db_technicians_list_by_rating(struct db *db, struct arena *a,
    const struct technician_rating_key *after, long long limit, struct technician_rating_page *out);
/* GET /api/search/technicians (docs/search.md): ft, the FULLTEXT query of the folded
 * words (user_lists_ft_query()), or NULL; near, a point and a distance in km. Text alone
 * is ordered by relevance then rating; near a point, nearest first; neither, best rated
 * first. Every technician not deleted, whatever their status. */
struct technician_search {
	const char *ft;
	double      min_rating;
	int         near;
	double      lat, lng, km;
	/* the same words by parameter, folded (user_lists_fold(), "_" as a space), or NULL:
	 * the name (q) drives through user_name_words, the specialization through the
	 * specializations of the categories it names; FULLTEXT serves what they cannot */
	const char *name, *specialization, *city;
};
enum db_rc db_technicians_search(struct db *db, struct arena *a, const struct technician_search *q,
    long long limit, long long offset, json_object **items, struct user_shown **shown);
/* Counted up to TECHNICIANS_COUNT_CAP + 1: *capped beyond. */
enum db_rc db_technicians_search_count(struct db *db, struct arena *a,
    const struct technician_search *q, long long *total, int *capped);

#endif
