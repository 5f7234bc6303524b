/* The database layer: prepared statements with bound parameters only.
 *
 * Statements live in the store modules (fcgi/store/), each holding its table family's
 * statements in one enum-indexed array of struct db_stmt (a db_family). db_exec()
 * prepares a statement on first use per connection, into an array indexed by the same
 * enum, and checks its parameter and result-column counts against the declaration; it
 * is prepared again after a reconnect. (db_run() with a string constant is the older
 * form, cached by the constant's address, kept for the migration runner.) Parameters are passed as an array of db_arg built with DB_INT/DB_STR…,
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
	DB_FK = -5,       /* foreign key violation; db_dup_key() names the constraint */
	DB_TIMEOUT = -6,  /* the statement ran past its time limit (lists): becomes 503 */
	DB_NOTFOUND = -7, /* a store function found no such row: becomes 404 */
};

/* One statement of a store: its text, how many parameters it binds and how many columns
 * it returns (0: no result set). Both counts are checked when it is prepared. */
struct db_stmt {
	const char *sql;
	unsigned    nparams;
	unsigned    ncols;
	unsigned    flags;
};
#define DBS_LIST 0x1u   /* a list or search: held to the index rules by the EXPLAIN test */

struct db_sample;

/* A store's statements, indexed by its own enum. slot is given by db.c on first use. */
struct db_family {
	const char             *name;
	const struct db_stmt   *stmts;
	size_t                  n;
	int                     slot;
	const struct db_sample *samples;   /* indexed like stmts, or NULL (DB_FAMILY_SAMPLES) */
};
#define DB_FAMILY(name, stmts) { name, stmts, sizeof(stmts) / sizeof(stmts[0]), -1, NULL }
/* A family whose DBS_LIST statements carry the arguments the EXPLAIN test binds
 * (warsha-fcgi --explain-lists): samples[STMT__MAX], each DB_SAMPLE(array of
 * DB_SAMPLE_INT/DB_SAMPLE_STR) declared beside its statement. */
#define DB_FAMILY_SAMPLES(name, stmts, samples) \
	{ name, stmts, sizeof(stmts) / sizeof(stmts[0]), -1, samples }
/* The time limit of a read-only list or search statement, written at its head, so one
 * heavy query cannot hold a worker for seconds (MariaDB's max_statement_time). */
#define DB_LIST_LIMIT "SET STATEMENT max_statement_time = 1 FOR "

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

/* Sample arguments of a list statement, for its EXPLAIN: constant initializers. */
struct db_sample {
	const struct db_arg *args;
	size_t               n;
};
#define DB_SAMPLE(arr)       { arr, sizeof(arr) / sizeof(arr[0]) }
#define DB_SAMPLE_INT(x)     { .type = DBA_INT, .i = (x) }
#define DB_SAMPLE_STR(lit)   { .type = DBA_STR, .s = (lit), .len = sizeof(lit) - 1 }

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

/* Runs statement stmt of family f: prepared once per connection with its counts checked,
 * bound, executed; rows as db_run() stores them. */
enum db_rc db_exec(struct db *db, struct arena *a, struct db_family *f, unsigned stmt,
    const struct db_arg *args, size_t nargs, struct db_result *res);
/* Prepares every statement of f (the statement check of the tests and --check-sql). */
enum db_rc db_prepare_family(struct db *db, struct db_family *f);

/* Transactions are all or nothing. db_begin() fails with DB_DOWN when there is no
 * connection. Once a statement inside a transaction fails (a lost connection, a
 * timeout, a deadlock, any error), the transaction is broken: every later statement and
 * db_commit() return that error without touching the server, and nothing reconnects
 * until db_rollback() ends it, so no statement of a unit of work ever runs outside it.
 * Lock waits end on the server (innodb_lock_wait_timeout, a few seconds) well before the
 * client's read timeout, so a held lock is DB_RETRY, never a lost connection. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void       db_rollback(struct db *db);   /* safe to call when no transaction is open */
int        db_in_transaction(const struct db *db);
/* DB_OK, or the error that broke the open transaction. */
enum db_rc db_tx_error(const struct db *db);

/* The key named by the last DB_DUP or DB_FK, e.g. "uq_users_email" (empty when unknown). */
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
