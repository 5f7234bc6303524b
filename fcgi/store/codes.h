/* codes: one-time codes (e-mail verification, password reset, phone OTP), stored
 * hashed, single use, expiring, counting failed attempts. */
#ifndef WARSHA_STORE_CODES_H
#define WARSHA_STORE_CODES_H

#include "store.h"

enum code_purpose { CODE_EMAIL_VERIFY, CODE_PHONE_VERIFY, CODE_PASSWORD_RESET };

/* Marks every unused code of the user used (a deleted account's codes die with it). */
enum db_rc db_codes_retire_user(struct db *db, struct arena *a, long long user_id);

/* Marks the user's unused codes of one purpose used (a new one replaces them). */
enum db_rc db_codes_retire(struct db *db, struct arena *a, long long user_id,
    enum code_purpose p);

struct code_new {
	long long          user_id;
	enum code_purpose  purpose;
	const char        *code_hash;    /* SHA-256 hex */
	const char        *target;       /* the e-mail or phone it is sent to */
	long long          ttl;          /* seconds */
};
enum db_rc db_codes_insert(struct db *db, struct arena *a, const struct code_new *c);

/* How many codes of this purpose the user was given in the last hour: a locking read,
 * under the account's lock (db_accounts_lock_contact…), so requests count one by one. */
enum db_rc db_codes_recent(struct db *db, struct arena *a, long long user_id,
    enum code_purpose p, long long *count);

/* A live (unused, unexpired) code of this purpose and hash whose user is not deleted,
 * locked (FOR UPDATE): inside a transaction only. DB_NOTFOUND if none. */
struct code_ref {
	long long id;
	long long user_id;
};
enum db_rc db_codes_lock_live(struct db *db, struct arena *a, enum code_purpose p,
    const char *code_hash, struct code_ref *out);

/* The user's latest live phone code, locked (FOR UPDATE). DB_NOTFOUND if none. */
struct code_otp {
	long long   id;
	const char *code_hash;
	long long   attempts;
	const char *target;              /* the phone it was sent to, or NULL */
};
enum db_rc db_codes_lock_otp(struct db *db, struct arena *a, long long user_id,
    struct code_otp *out);
/* Counts a wrong guess. A code with as many as it allows is refused, right or not
 * (TOO_MANY_ATTEMPTS), until a new one replaces it or it expires. */
enum db_rc db_codes_attempt(struct db *db, struct arena *a, long long id);
/* Marks the code used. */
enum db_rc db_codes_use(struct db *db, struct arena *a, long long id);

/* Maintenance, a batch at a time: codes expired over a day ago. *n: the rows deleted. */
enum db_rc db_codes_purge(struct db *db, struct arena *a, unsigned long long *n);

#endif
