/* users: accounts as they are shown and managed — the view every endpoint returns,
 * the caller read of every authenticated request, staff accounts, role, ban, deletion.
 * Credentials (password hashes, sign-in lookups) are in accounts.h, never here. */
#ifndef WARSHA_STORE_USERS_H
#define WARSHA_STORE_USERS_H

#include <json-c/json.h>

#include "store.h"

/* What every authenticated request needs to know of its caller (router.c). */
struct user_caller {
	const char *role;
	int         is_active;
	int         is_banned;
	const char *ban_reason;
	const char *banned_at;           /* "YYYY-MM-DD HH:MM:SS.fff", UTC */
	const char *preferred_language;
	int         token_revoked;       /* this access token's jti was revoked at logout */
};
enum db_rc db_users_caller(struct db *db, struct arena *a, long long id, const char *jti,
    struct user_caller *out);

/* The user (not deleted) as JSON, shaped by column aliases: id, email, phone, username,
 * role, profile{…}, carInfo{…}, preferences{…}, location{…}, flags, rating, times.
 * No secret column is selected. DB_NOTFOUND when there is no such user. */
enum db_rc db_users_view(struct db *db, struct arena *a, long long id, json_object **out);

/* The row an admin action works on, locked (FOR UPDATE): inside a transaction only. */
struct user_target {
	const char *role;
	int         is_banned;
	const char *ban_reason;
};
enum db_rc db_users_lock_target(struct db *db, struct arena *a, long long id,
    struct user_target *out);

enum db_rc db_users_ban(struct db *db, struct arena *a, long long id, const char *reason,
    long long by);
enum db_rc db_users_unban(struct db *db, struct arena *a, long long id);
enum db_rc db_users_set_role(struct db *db, struct arena *a, long long id, const char *role);
/* Soft delete: the row stays (ledger, bookings and the log refer to it), anonymized. */
enum db_rc db_users_anonymize(struct db *db, struct arena *a, long long id);

/* A staff account (admin or moderator), e-mail verified. */
struct staff_new {
	const char *email;           /* normalized */
	const char *phone;           /* +201…, or NULL */
	const char *password_hash;
	const char *role;            /* "admin" or "moderator" */
	const char *first_name;
	const char *last_name;
};
enum db_rc db_users_insert_staff(struct db *db, struct arena *a, const struct staff_new *s,
    long long *id);
/* Any account with this (normalized) e-mail, deleted ones too: DB_NOTFOUND if none. */
enum db_rc db_users_id_by_email(struct db *db, struct arena *a, const char *email,
    long long *id);

#endif
