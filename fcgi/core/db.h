/* The database layer: prepared statements with bound parameters only.
 *
 * A statement is a string constant beside its resource; it is prepared once per
 * connection (cached by the constant's address) and prepared again after a
 * reconnect. Parameters are passed as an array of db_arg built with DB_INT/DB_STR…,
 * results come back as text in the request's arena, and db_result_json() turns rows
 * into json-c objects using the column aliases:
 *   `profile.firstName`  nests the value as {"profile":{"firstName":…}}
 *   `tags:json`          parses the column text as JSON
 *   `isAdmin:bool`       forces a boolean (TINYINT(1) columns are booleans already)
 * DATETIME columns (stored UTC) become ISO 8601 strings with milliseconds and "Z". */
#ifndef WARSHA_DB_H
#define WARSHA_DB_H

#include <stddef.h>
#include <json-c/json.h>

#include "arena.h"
#include "config.h"

enum db_rc {
	DB_OK = 0,
	DB_ERR = -1,      /* any other failure: logged, becomes 500 */
	DB_DOWN = -2,     /* no connection to the server: becomes 503 */
	DB_DUP = -3,      /* unique key violation: becomes 409; db_dup_key() names the key */
	DB_RETRY = -4,    /* deadlock or lock wait timeout: the transaction was rolled back */
	DB_FK = -5,       /* foreign key violation */
};

enum db_argtype { DBA_NULL, DBA_INT, DBA_STR, DBA_DOUBLE };

struct db_arg {
	enum db_argtype type;
	long long       i;
	double          d;
	const char     *s;
	size_t          len;
};

struct db_arg db_arg_str(const char *s);      /* NULL becomes SQL NULL */
struct db_arg db_arg_strn(const char *s, size_t n);

#define DB_INT(x)  ((struct db_arg){ .type = DBA_INT, .i = (long long)(x) })
#define DB_DBL(x)  ((struct db_arg){ .type = DBA_DOUBLE, .d = (double)(x) })
#define DB_STR(x)  db_arg_str(x)
#define DB_NULL    ((struct db_arg){ .type = DBA_NULL })
/* DB_ARGS(a, b, c) expands to "array, count" for db_run() */
#define DB_ARGS(...) (const struct db_arg[]){ __VA_ARGS__ }, \
	(sizeof((const struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

enum db_coltype { DBC_STR, DBC_INT, DBC_BOOL, DBC_NUM, DBC_TIME, DBC_DATE, DBC_JSON };

struct db_result {
	size_t            ncols;
	size_t            nrows;
	const char      **names;     /* alias without a ":type" suffix */
	enum db_coltype  *types;
	char           ***rows;      /* rows[r][c]: NUL-terminated text or NULL for SQL NULL */
	unsigned long   **lens;
	unsigned long long affected;
	unsigned long long insert_id;
};

struct db;

/* Never fails for a down server: the connection is made on first use. */
struct db *db_open(const struct config *cfg);
void       db_close(struct db *db);

/* Prepares (once), binds, executes and, for statements with a result set, stores every
 * row in the arena. res may be NULL when the caller needs nothing back. */
enum db_rc db_run(struct db *db, struct arena *a, const char *sql,
    const struct db_arg *args, size_t nargs, struct db_result *res);

/* Transactions. db_begin() fails with DB_DOWN when there is no connection. While one is
 * open, a lost connection is not retried: the work is gone and the caller answers 503. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void       db_rollback(struct db *db);   /* safe to call when no transaction is open */
int        db_in_transaction(const struct db *db);

/* The key named by the last DB_DUP, e.g. "uq_users_email" (empty when unknown). */
const char *db_dup_key(const struct db *db);
const char *db_last_error(const struct db *db);
/* 1 when the server answered a ping in the last check_ms milliseconds (or now). */
int        db_alive(struct db *db, int check_ms);

/* Runs a file of fixed SQL (several statements) — for migrations only, never with
 * request data. */
enum db_rc db_exec_script(struct db *db, const char *sql_text);

/* "%text%" for a LIKE bound as a parameter: the user's text is data, so its wildcards
 * (% _ \) are escaped, never meant. */
char *db_like_contains(struct arena *a, const char *s);

/* Result access. */
const char *db_get(const struct db_result *r, size_t row, size_t col);   /* NULL for NULL */
long long   db_get_ll(const struct db_result *r, size_t row, size_t col, long long def);
int         db_col(const struct db_result *r, const char *name);         /* -1 if absent */
json_object *db_row_json(const struct db_result *r, size_t row);
json_object *db_rows_json(const struct db_result *r);                    /* an array */
/* "2026-11-21 10:00:00.123" -> "2026-11-21T10:00:00.123Z" into buf (>= 25 bytes). */
const char *db_time_iso(const char *dbtime, char *buf, size_t n);

#endif
