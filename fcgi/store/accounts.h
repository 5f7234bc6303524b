/* accounts: the users table as sign-up and sign-in see it — a new account, the login
 * lookup, the password hash, the verified flags, the last login, the contact details
 * codes are sent to. The only store that selects password_hash; users.h shows and
 * manages accounts without it. */
#ifndef WARSHA_STORE_ACCOUNTS_H
#define WARSHA_STORE_ACCOUNTS_H

#include "store.h"

/* A self-registered account (seeds 000-003). */
struct account_new {
	const char *email;           /* normalized */
	const char *phone;           /* +201…, or NULL */
	const char *username;        /* or NULL */
	const char *password_hash;
	const char *role;            /* canonical: customer, technician, corporate */
	const char *first_name;
	const char *last_name;
	const char *lang;            /* "ar" or "en" */
};
enum db_rc db_accounts_insert(struct db *db, struct arena *a, const struct account_new *n,
    long long *id);

/* What sign-in decides on. */
struct account_login {
	long long   id;
	const char *password_hash;
	const char *role;
	int         is_active;
	int         is_banned;
	const char *ban_reason;
	const char *banned_at;
	const char *preferred_language;
};
/* The account (not deleted) whose e-mail, phone or username is the identifier; an
 * e-mail match wins (DESIGN.md §4). email: the identifier lower-cased; phone: its +201…
 * form or NULL; username: as typed. DB_NOTFOUND when none matches. */
enum db_rc db_accounts_find_login(struct db *db, struct arena *a, const char *email,
    const char *phone, const char *username, struct account_login *out);
/* The same row by id, locked (FOR UPDATE): inside a transaction only. */
enum db_rc db_accounts_lock_login(struct db *db, struct arena *a, long long id,
    struct account_login *out);

/* The password hash of the account (not deleted); DB_NOTFOUND if none. */
enum db_rc db_accounts_password(struct db *db, struct arena *a, long long id,
    const char **hash);
/* A new password hash (reset: verify_email marks the e-mail verified as well). */
enum db_rc db_accounts_set_password(struct db *db, struct arena *a, long long id,
    const char *hash, int verify_email);
/* The new hash only while the account's hash is still old_hash: DB_NOTFOUND when it
 * changed since it was checked (or the account is gone). */
enum db_rc db_accounts_change_password(struct db *db, struct arena *a, long long id,
    const char *old_hash, const char *new_hash);

enum db_rc db_accounts_email_verified(struct db *db, struct arena *a, long long id);
/* Marks the phone verified while the account's phone is still this one. */
enum db_rc db_accounts_phone_verified(struct db *db, struct arena *a, long long id,
    const char *phone);
enum db_rc db_accounts_last_login(struct db *db, struct arena *a, long long id);

/* Where codes to the account go, and in which language. */
struct account_contact {
	long long   id;
	const char *email;
	const char *phone;               /* or NULL */
	const char *first_name;
	const char *preferred_language;
};
/* The account (not deleted) of this normalized e-mail, locked (FOR UPDATE), so the
 * codes asked for it are counted one request at a time. DB_NOTFOUND if none. */
enum db_rc db_accounts_lock_by_email(struct db *db, struct arena *a, const char *email,
    struct account_contact *out);
/* The same by id. */
enum db_rc db_accounts_lock_contact(struct db *db, struct arena *a, long long id,
    struct account_contact *out);

#endif
