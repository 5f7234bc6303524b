/* verifications: craftsmen's verification requests (KYC) and their documents
 * (sql/migrations/0023_verifications.sql; docs/technicians.md, "Verification"). The
 * national ID number is stored sealed (filecrypt.h) with a keyed digest and the parts a
 * list shows; the views here never select the sealed value, only
 * db_verifications_lock() does. */
#ifndef WARSHA_STORE_VERIFICATIONS_H
#define WARSHA_STORE_VERIFICATIONS_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_verifications;

/* `page` reaches this many rows; deeper pages take a cursor. Totals count up to it. */
#define VERIFICATIONS_WINDOW 10000

struct verification_new {
	long long   user_id;
	const char *national_id_enc;    /* hex text of filecrypt_seal() */
	const char *national_id_hash;   /* filecrypt_mac(), 64 hex digits */
	const char *last4;
	const char *birth_date;         /* YYYY-MM-DD */
	const char *governorate;        /* "01".."35", "88" */
};

struct verification_row {
	long long   id, user_id;
	const char *status;
	const char *national_id_enc;
};

/* The craftsman's pending request, 0 when none (read inside the transaction that
 * locked their profile). */
enum db_rc db_verifications_pending_of(struct db *db, struct arena *a, long long user_id,
    long long *id);
/* Whether another user has a pending or approved request with this digest. */
enum db_rc db_verifications_hash_taken(struct db *db, struct arena *a, const char *hash,
    long long user_id, int *yes);
enum db_rc db_verifications_insert(struct db *db, struct arena *a,
    const struct verification_new *v, long long *id);
enum db_rc db_verifications_add_document(struct db *db, struct arena *a,
    long long verification_id, long long upload_id, const char *type, const char *sha256);
/* The request, its row locked (FOR UPDATE); DB_NOTFOUND when there is none. */
enum db_rc db_verifications_lock(struct db *db, struct arena *a, long long id,
    struct verification_row *out);
/* The staff's decision: approved or rejected, with the reason (or NULL). */
enum db_rc db_verifications_decide(struct db *db, struct arena *a, long long id,
    const char *status, const char *reason, long long by);
/* One request as the API shows it, without the number (its last four digits only);
 * DB_NOTFOUND when there is none. */
enum db_rc db_verifications_view(struct db *db, struct arena *a, long long id,
    json_object **out);
/* The user's latest request as the view shows it; DB_NOTFOUND when they have none. */
enum db_rc db_verifications_latest(struct db *db, struct arena *a, long long user_id,
    json_object **out);
/* The sealed number of a request (for staff's detail view). */
enum db_rc db_verifications_sealed(struct db *db, struct arena *a, long long id,
    long long *user_id, const char **enc);
/* The documents of a request (a JSON array, in the order sent). */
enum db_rc db_verifications_documents(struct db *db, struct arena *a, long long id,
    json_object **out);

/* The technician profile's verification state, reason and time (NULL when unset). */
enum db_rc db_verifications_profile(struct db *db, struct arena *a, long long user_id,
    const char **state, const char **reason, const char **at);

struct verification_list_query {
	const char *status;       /* NULL: every status */
	long long   limit, offset;
	const char *after_at;     /* a cursor's key, or NULL */
	long long   after_id;
};
struct verification_list_page {
	json_object *items;
	long long    total;
	int          total_capped;
	int          has_next;
	char         next_at[24];
	long long    next_id;
};
/* Newest first, keyset on (created_at, id). */
enum db_rc db_verifications_list(struct db *db, struct arena *a,
    const struct verification_list_query *q, struct verification_list_page *out);

#endif
