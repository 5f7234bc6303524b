/* admin_sessions: the dashboard's sign-in sessions (docs/dashboard.md). The cookie's
 * value is never stored, only its SHA-256; the account is read with the session, so a
 * ban, a deactivation, a deletion, a password change or a role other than admin or
 * moderator ends the session on its next request. */
#ifndef WARSHA_STORE_ADMIN_SESSIONS_H
#define WARSHA_STORE_ADMIN_SESSIONS_H

#include "store.h"

extern struct db_family store_admin_sessions;

struct admin_session_new {
	const char *token_hash;     /* sha256 hex of the cookie's value */
	long long   user_id;
	const char *csrf_secret;    /* hex */
	const char *ip;
	const char *user_agent;
	long long   idle_seconds;
	long long   max_seconds;
};
enum db_rc db_admin_sessions_insert(struct db *db, struct arena *a,
    const struct admin_session_new *s);

/* The live session of this token hash and its staff account; DB_NOTFOUND when there is
 * none, it has expired (idle or absolute), or its account may no longer use the
 * dashboard. */
struct admin_session {
	long long   id;
	long long   user_id;
	const char *csrf_secret;
	const char *role;
	const char *first_name;
	const char *last_name;
	const char *email;
	const char *preferred_language;
};
enum db_rc db_admin_sessions_find(struct db *db, struct arena *a, const char *token_hash,
    struct admin_session *out);
/* Records a use: last_seen_at now, the idle end moved on (at most to the absolute end);
 * written at most every 30 seconds per session. */
enum db_rc db_admin_sessions_touch(struct db *db, struct arena *a, long long id,
    long long idle_seconds);
enum db_rc db_admin_sessions_delete(struct db *db, struct arena *a, const char *token_hash);
/* Removes ended sessions (at most 1000 at a time). */
enum db_rc db_admin_sessions_purge(struct db *db, struct arena *a);

#endif
