/* sessions: refresh tokens (stored hashed, rotated on every use, a family per sign-in)
 * and the access tokens revoked at logout. */
#ifndef WARSHA_STORE_SESSIONS_H
#define WARSHA_STORE_SESSIONS_H

#include "store.h"

/* Ends every session of the user (reason: banned, deleted, password…). Access tokens
 * die by themselves: the caller read (db_users_caller) sees the ban or the deletion. */
enum db_rc db_sessions_revoke_user(struct db *db, struct arena *a, long long user_id,
    const char *reason);

#endif
