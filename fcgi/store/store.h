/* The store: one module per table family, the only place SQL text lives.
 *
 * Each module (users.c, sessions.c, services.c…) holds its statements in one static
 * array indexed by its own enum (openradtool's stmts[STMT__MAX] shape), wrapped in a
 * struct db_family that db.c prepares per connection with the parameter and column
 * counts checked. It exposes typed functions that fill structs (db_users_lock_target(db,
 * a, id, &row)): a handler holds no SQL and reads no column by number. Views that shape
 * JSON through column aliases (`profile.firstName`) live here too, returning json-c.
 *
 * Conventions:
 * - A function returns enum db_rc: DB_OK, DB_NOTFOUND when the row it was asked for
 *   does not exist, or the database's error. Out-structs are filled only on DB_OK;
 *   their strings live in the arena.
 * - "lock" in a name means SELECT … FOR UPDATE: call it inside req_tx() only.
 * - Lists follow the index rules of docs/data-layer.md; their statements carry
 *   DBS_LIST and DB_LIST_LIMIT, and the EXPLAIN test holds them to it.
 * - Every family is listed in store_families[] (store.c), so the statement check
 *   (warsha-fcgi --check-sql) prepares every statement of every store. */
#ifndef WARSHA_STORE_H
#define WARSHA_STORE_H

#include "../core/db.h"

extern struct db_family store_users;        /* users.c: accounts as shown and managed */
extern struct db_family store_accounts;     /* accounts.c: credentials, sign-up, sign-in */
extern struct db_family store_sessions;     /* sessions.c: refresh and revoked tokens */
extern struct db_family store_codes;        /* codes.c: one-time codes */
extern struct db_family store_limits;       /* limits.c: login failures */
extern struct db_family store_events;       /* events.c: realtime_events */
extern struct db_family store_activity;     /* activity.c: the activity log */
extern struct db_family store_outbox;       /* outbox.c: messages to users */
extern struct db_family store_services;     /* services.c: catalog and categories */
extern struct db_family store_settings;     /* settings.c: system settings */
extern struct db_family store_cache;        /* cache.c: cache_versions */
extern struct db_family store_user_lists;   /* user_lists.c: user lists and search */
extern struct db_family store_bookings;     /* bookings.c: bookings, history, numbers */
extern struct db_family store_notifications; /* notifications.c: in-app notifications */
extern struct db_family store_devices;      /* devices.c: push registration tokens */
extern struct db_family store_uploads;      /* uploads.c: uploaded images and files */

extern struct db_family *const store_families[];
extern const size_t store_nfamilies;

/* Prepares every statement of every family (warsha-fcgi --check-sql): a typo, a
 * missing column or a wrong parameter or column count is found before any request.
 * Prints one line per family; returns the number of families that failed. */
int store_check(struct db *db);

/* EXPLAINs every DBS_LIST statement of every family with the sample arguments declared
 * beside it (warsha-fcgi --explain-lists; tests/api/test_lists.py judges the plans).
 * Prints "stmt", then one "plan" line per table read, or an "error" line (no
 * DB_LIST_LIMIT at its head, no samples, a failed EXPLAIN); returns the number of
 * errors. */
int store_explain_lists(struct db *db);

/* A keyset list's next position. The list's statement asks for limit + 1 rows; when more
 * than limit came back, the key (at_col, "id") of row limit - 1 (the last one shown) goes
 * to at (a "YYYY-MM-DD HH:MM:SS.fff" time) and *id, and the answer is 1: there is a next
 * page. 0 otherwise. */
int store_next_key(struct db_result *res, long long limit, const char *at_col, char at[24],
    long long *id);
/* The page a keyset list shows: the first limit rows of res (which may hold limit + 1),
 * each as db_row_json makes it, in a new array. */
json_object *store_page_rows(struct db_result *res, long long limit);

#endif
