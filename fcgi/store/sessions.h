/* sessions: refresh tokens (stored hashed, rotated on every use, a family per sign-in)
 * and the access tokens revoked at logout. */
#ifndef WARSHA_STORE_SESSIONS_H
#define WARSHA_STORE_SESSIONS_H

#include "store.h"

/* Ends every session of the user (reason: banned, deleted, password…). Access tokens
 * die by themselves: the caller read (db_users_caller) sees the ban or the deletion. */
enum db_rc db_sessions_revoke_user(struct db *db, struct arena *a, long long user_id,
    const char *reason);
/* Ends the user's access tokens issued before after_us (microseconds since the epoch,
 * the clock of jwt_issue): users.tokens_valid_after, read by db_users_caller. */
enum db_rc db_sessions_end_access(struct db *db, struct arena *a, long long user_id,
    long long after_us);

/* A new refresh token of a family (a new family at sign-in, the same one on rotation). */
struct refresh_new {
	long long   user_id;
	const char *family_id;       /* 32 hex characters */
	const char *token_hash;      /* SHA-256 hex of the token given to the client */
	long long   ttl;             /* seconds */
	const char *user_agent;      /* at most 255 bytes, or NULL */
	const char *ip;              /* or NULL */
};
enum db_rc db_sessions_insert(struct db *db, struct arena *a, const struct refresh_new *t);

/* A presented refresh token and its user's current state. */
struct refresh_token {
	long long   id;
	long long   user_id;
	const char *family_id;
	int         expired;
	int         revoked;             /* rotated or revoked: presented again, it is reuse */
	const char *role;
	int         is_active;
	int         is_banned;
	int         user_deleted;
	const char *ban_reason;
	const char *banned_at;
};
/* The token of this hash, locked (FOR UPDATE) with its user's row, so two refreshes of
 * one token run one after the other: inside a transaction only. DB_NOTFOUND if none. */
enum db_rc db_sessions_lock_refresh(struct db *db, struct arena *a, const char *token_hash,
    struct refresh_token *out);
/* Retires a token that was just used (reason "rotated"). */
enum db_rc db_sessions_rotate(struct db *db, struct arena *a, long long id);
/* Revokes every live token of the family (reason: reuse…). */
enum db_rc db_sessions_revoke_family(struct db *db, struct arena *a, const char *family_id,
    const char *reason);
/* Logout: revokes every live token of the family the token of this hash belongs to. */
enum db_rc db_sessions_revoke_family_of(struct db *db, struct arena *a,
    const char *token_hash);
/* An access token that stops working before its expiry (exp: its Unix time). */
enum db_rc db_sessions_revoke_access(struct db *db, struct arena *a, const char *jti,
    long long exp);

/* Maintenance, a batch at a time: refresh tokens expired over a day ago, revoked access
 * tokens past their expiry. *n: the rows deleted. */
/* Sessions as seed 002 lists them (live refresh families, newest use first): JSON
 * objects {id, userId, device, ip, createdAt, lastUsedAt, expiresAt}, never a token or
 * its hash. families[i] is item i's refresh family (for "current" and revoking). */
struct session_page {
	struct arena *a;
	json_object  *items;
	const char  **families;
	int           has_next;
	long long     last_row;     /* the cursor of the next page: before this row */
};
/* One user's (user_id > 0) or everyone's sessions, before_row (0: from the newest). */
enum db_rc db_sessions_list(struct db *db, struct arena *a, long long user_id,
    long long before_row, long long limit, struct session_page *out);
/* The live session whose id is id (items holds one); DB_NOTFOUND when none. */
enum db_rc db_sessions_get(struct db *db, struct arena *a, long long id,
    struct session_page *out);
enum db_rc db_sessions_purge_refresh(struct db *db, struct arena *a, unsigned long long *n);
enum db_rc db_sessions_purge_revoked(struct db *db, struct arena *a, unsigned long long *n);

#endif
