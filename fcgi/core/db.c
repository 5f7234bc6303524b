#include "db.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "log.h"

#define STMT_CACHE_MAX 256
#define FAMILIES_MAX   32
#define RETRY_TX_MAX   3

/* How long a statement waits for a row lock before the server gives up (seconds). It
 * must stay well below READ_TIMEOUT: a client that times out first cannot tell a lock
 * wait from a dead server. */
#define LOCK_WAIT_SECONDS "5"
#define READ_TIMEOUT      30
/* Every session: UTC times, strict input, no silent truncation; then the lock wait, in
 * seconds: LOCK_WAIT_SECONDS for requests, the server's default (50) for --migrate,
 * whose backfills may wait on rows a live request holds. */
#define SESSION_SETTINGS "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES," \
	"NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'," \
	" innodb_lock_wait_timeout = "

static int next_family_slot;

struct stmt_slot {
	const char *sql;     /* the constant's address is the key */
	MYSQL_STMT *stmt;
};

struct db {
	const struct config *cfg;
	MYSQL              *conn;       /* NULL while disconnected */
	int                 in_tx;
	enum db_rc          tx_error;   /* what broke the open transaction; DB_OK: intact */
	MYSQL_STMT        **family[FAMILIES_MAX];   /* per store family, by its enum */
	size_t              family_n[FAMILIES_MAX];
	struct stmt_slot    cache[STMT_CACHE_MAX];
	size_t              ncache;
	char                dup_key[128];
	char                error[512];
	struct timespec     last_ping;
	int                 last_ping_ok;
	time_t              last_connect_log;   /* 0: the last attempt succeeded */
};

struct db_arg
db_arg_str(const char *s)
{
	struct db_arg a = { .type = DBA_NULL };

	if (s != NULL) {
		a.type = DBA_STR;
		a.s = s;
		a.len = strlen(s);
	}
	return a;
}

struct db_arg
db_arg_strn(const char *s, size_t n)
{
	struct db_arg a = { .type = DBA_NULL };

	if (s != NULL) {
		a.type = DBA_STR;
		a.s = s;
		a.len = n;
	}
	return a;
}

static void
cache_clear(struct db *db)
{
	size_t i, j;

	for (i = 0; i < db->ncache; i++)
		mysql_stmt_close(db->cache[i].stmt);
	db->ncache = 0;
	for (i = 0; i < FAMILIES_MAX; i++) {
		for (j = 0; db->family[i] != NULL && j < db->family_n[i]; j++)
			if (db->family[i][j] != NULL)
				mysql_stmt_close(db->family[i][j]);
		free(db->family[i]);
		db->family[i] = NULL;
		db->family_n[i] = 0;
	}
}

/* Drops the connection. An open transaction stays open, broken: its statements are
 * gone with the connection, and until db_rollback() nothing may reconnect and run the
 * rest of the unit of work on an autocommit session. */
static void
disconnect(struct db *db)
{
	cache_clear(db);
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	if (db->in_tx && db->tx_error == DB_OK)
		db->tx_error = DB_DOWN;
}

static int
is_conn_error(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	    e == CR_CONN_HOST_ERROR || e == CR_SERVER_LOST_EXTENDED || e == ER_CONNECTION_KILLED ||
	    e == ER_SERVER_SHUTDOWN || e == CR_COMMANDS_OUT_OF_SYNC;
}

static enum db_rc
connect_db(struct db *db)
{
	const struct config *c = db->cfg;
	unsigned int timeout = 2, rw_timeout = READ_TIMEOUT;
	const char *sock = (c->db_socket != NULL && c->db_socket[0] != '\0') ? c->db_socket : NULL;
	MYSQL *m;

	if (db->conn != NULL)
		return DB_OK;
	if ((m = mysql_init(NULL)) == NULL)
		return DB_DOWN;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/* --migrate waits as long as the server works: an ALTER of a table of a million
	 * rows takes minutes, and a read timeout would drop the connection mid-statement
	 * (the server carries on; the runner would report a failure and never record it) */
	if (!c->migrate_session)
		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* every session: UTC times, strict input, no silent truncation, lock waits that end
	 * on the server before the client's read timeout */
	mysql_options(m, MYSQL_INIT_COMMAND, c->migrate_session ? SESSION_SETTINGS "50" :
	    SESSION_SETTINGS LOCK_WAIT_SECONDS);
	/* libmariadb uses the socket only for the host "localhost" */
	if (mysql_real_connect(m, sock != NULL ? "localhost" : c->db_host, c->db_user, c->db_password, c->db_name,
	    (unsigned int)c->db_port, sock, CLIENT_FOUND_ROWS) == NULL) {
		snprintf(db->error, sizeof(db->error), "%s", mysql_error(m));
		/* while the server is down every request tries again: log once a minute */
		if (time(NULL) - db->last_connect_log >= 60) {
			log_warn("msg=db_connect_failed error=\"%s\"", mysql_error(m));
			db->last_connect_log = time(NULL);
		}
		mysql_close(m);
		return DB_DOWN;
	}
	if (db->last_connect_log != 0)
		log_info("msg=db_connected");
	db->last_connect_log = 0;
	db->conn = m;
	return DB_OK;
}

struct db *
db_open(const struct config *cfg)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->cfg = cfg;
	(void)connect_db(db);
	return db;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db);
}

/* Maps the server's error to a db_rc, remembering the message and, for a duplicate
 * key, the key's name ("Duplicate entry 'x' for key 'uq_users_email'"). */
static void
copy_name(char *dst, size_t cap, const char *from, const char *stop)
{
	size_t n = strcspn(from, stop);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, from, n);
	dst[n] = '\0';
}

static enum db_rc classify_one(struct db *db, unsigned int e, const char *msg);

/* Maps the server's error to a db_rc. Inside a transaction, any error breaks it. */
static enum db_rc
classify(struct db *db, unsigned int e, const char *msg)
{
	enum db_rc rc = classify_one(db, e, msg);

	if (db->in_tx && db->tx_error == DB_OK)
		db->tx_error = rc;
	return rc;
}

static enum db_rc
classify_one(struct db *db, unsigned int e, const char *msg)
{
	const char *k;

	snprintf(db->error, sizeof(db->error), "%u: %s", e, msg);
	db->dup_key[0] = '\0';
	if (e == ER_DUP_ENTRY || e == ER_DUP_KEY) {
		if ((k = strstr(msg, "for key '")) != NULL)
			copy_name(db->dup_key, sizeof(db->dup_key), k + 9, "'");
		return DB_DUP;
	}
	if (e == ER_LOCK_DEADLOCK || e == ER_LOCK_WAIT_TIMEOUT)
		return DB_RETRY;
	if (e == ER_NO_REFERENCED_ROW_2 || e == ER_ROW_IS_REFERENCED_2 || e == ER_NO_REFERENCED_ROW ||
	    e == ER_ROW_IS_REFERENCED) {
		/* "... a foreign key constraint fails (`db`.`t`, CONSTRAINT `fk_x` FOREIGN KEY" */
		if ((k = strstr(msg, "CONSTRAINT `")) != NULL)
			copy_name(db->dup_key, sizeof(db->dup_key), k + 12, "`");
		return DB_FK;
	}
	if (e == ER_STATEMENT_TIMEOUT) {
		log_warn("msg=db_statement_timeout error=\"%s\"", db->error);
		return DB_TIMEOUT;
	}
	if (is_conn_error(e)) {
		disconnect(db);
		return DB_DOWN;
	}
	log_error("msg=db_error error=\"%s\"", db->error);
	return DB_ERR;
}

static MYSQL_STMT *
prepare(struct db *db, const char *sql, enum db_rc *rc)
{
	MYSQL_STMT *st;
	my_bool one = 1;
	size_t i;

	for (i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].stmt;
	if ((st = mysql_stmt_init(db->conn)) == NULL) {
		*rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
		*rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (*rc == DB_ERR)
			log_error("msg=db_prepare_failed sql=\"%.80s\"", sql);
		mysql_stmt_close(st);
		return NULL;
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
	if (db->ncache == STMT_CACHE_MAX) {
		/* more distinct statements than expected: drop the oldest */
		mysql_stmt_close(db->cache[0].stmt);
		memmove(&db->cache[0], &db->cache[1], sizeof(db->cache[0]) * (STMT_CACHE_MAX - 1));
		db->ncache--;
	}
	db->cache[db->ncache].sql = sql;
	db->cache[db->ncache].stmt = st;
	db->ncache++;
	return st;
}

static enum db_coltype
coltype(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
		return f->length == 1 ? DBC_BOOL : DBC_INT;
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_YEAR:
		return DBC_INT;
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
	case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE:
		return DBC_NUM;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		return DBC_TIME;
	case MYSQL_TYPE_DATE:
		return DBC_DATE;
	default:
		return DBC_STR;
	}
}

/* "name:json" -> name "name", type DBC_JSON */
static void
column_name(struct arena *a, const MYSQL_FIELD *f, const char **name, enum db_coltype *type)
{
	const char *colon = strrchr(f->name, ':');

	*type = coltype(f);
	if (colon == NULL) {
		*name = arena_strdup(a, f->name);
		return;
	}
	*name = arena_strndup(a, f->name, (size_t)(colon - f->name));
	if (strcmp(colon + 1, "json") == 0)
		*type = DBC_JSON;
	else if (strcmp(colon + 1, "bool") == 0)
		*type = DBC_BOOL;
	else if (strcmp(colon + 1, "int") == 0)
		*type = DBC_INT;
	else if (strcmp(colon + 1, "str") == 0)
		*type = DBC_STR;
}

static enum db_rc
fetch_rows(struct db *db, struct arena *a, MYSQL_STMT *st, MYSQL_RES *meta, struct db_result *res)
{
	unsigned int n = mysql_num_fields(meta), i;
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	MYSQL_BIND *b;
	unsigned long *lens;
	my_bool *nulls, *errs;
	size_t r = 0, nrows;
	enum db_rc rc = DB_OK;
	int f;

	if (mysql_stmt_store_result(st) != 0)
		return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	nrows = (size_t)mysql_stmt_num_rows(st);
	if (res != NULL) {
		res->ncols = n;
		res->nrows = nrows;
		res->names = arena_alloc(a, sizeof(char *) * n);
		res->types = arena_alloc(a, sizeof(enum db_coltype) * n);
		res->rows = arena_alloc(a, sizeof(char **) * (nrows ? nrows : 1));
		res->lens = arena_alloc(a, sizeof(unsigned long *) * (nrows ? nrows : 1));
		for (i = 0; i < n; i++)
			column_name(a, &fields[i], &res->names[i], &res->types[i]);
	}
	b = arena_alloc(a, sizeof(MYSQL_BIND) * n);
	lens = arena_alloc(a, sizeof(unsigned long) * n);
	nulls = arena_alloc(a, sizeof(my_bool) * n);
	errs = arena_alloc(a, sizeof(my_bool) * n);
	for (i = 0; i < n; i++) {
		/* max_length is exact for text; numbers and times are bounded by 64 */
		unsigned long cap = fields[i].max_length < 64 ? 64 : fields[i].max_length;

		b[i].buffer_type = MYSQL_TYPE_STRING;
		b[i].buffer = arena_alloc(a, cap + 1);
		b[i].buffer_length = cap + 1;
		b[i].length = &lens[i];
		b[i].is_null = &nulls[i];
		b[i].error = &errs[i];
	}
	if (mysql_stmt_bind_result(st, b) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		if (res == NULL || r >= nrows)
			continue;
		res->rows[r] = arena_alloc(a, sizeof(char *) * n);
		res->lens[r] = arena_alloc(a, sizeof(unsigned long) * n);
		for (i = 0; i < n; i++) {
			if (nulls[i])
				continue;
			res->lens[r][i] = lens[i];
			if (lens[i] < b[i].buffer_length) {
				res->rows[r][i] = arena_strndup(a, b[i].buffer, lens[i]);
			} else {
				/* longer than max_length promised: fetch the column whole */
				MYSQL_BIND one;
				unsigned long len = 0;
				char *buf = arena_alloc(a, lens[i] + 1);

				memset(&one, 0, sizeof(one));
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = buf;
				one.buffer_length = lens[i] + 1;
				one.length = &len;
				if (mysql_stmt_fetch_column(st, &one, i, 0) != 0) {
					rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
					goto out;
				}
				buf[lens[i]] = '\0';
				res->rows[r][i] = buf;
			}
		}
		r++;
	}
	if (f == 1)
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	else if (res != NULL)
		res->nrows = r;
out:
	mysql_stmt_free_result(st);
	return rc;
}

static enum db_rc execute(struct db *db, struct arena *a, MYSQL_STMT *st, const char *sql,
    const struct db_arg *args, size_t nargs, struct db_result *res);

/* Before any statement: a broken transaction answers its error; a transaction whose
 * connection is gone is never continued on a new one. */
static enum db_rc
tx_guard(struct db *db)
{
	if (!db->in_tx)
		return DB_OK;
	if (db->tx_error != DB_OK)
		return db->tx_error;
	if (db->conn == NULL) {
		db->tx_error = DB_DOWN;
		return DB_DOWN;
	}
	return DB_OK;
}

static enum db_rc
run_once(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
    size_t nargs, struct db_result *res)
{
	MYSQL_STMT *st;
	enum db_rc rc;

	if ((rc = connect_db(db)) != DB_OK)
		return rc;
	if ((st = prepare(db, sql, &rc)) == NULL)
		return rc;
	return execute(db, a, st, sql, args, nargs, res);
}

static enum db_rc
execute(struct db *db, struct arena *a, MYSQL_STMT *st, const char *sql,
    const struct db_arg *args, size_t nargs, struct db_result *res)
{
	MYSQL_BIND *b = NULL;
	MYSQL_RES *meta;
	enum db_rc rc = DB_OK;
	size_t i;

	if (mysql_stmt_param_count(st) != nargs) {
		log_error("msg=db_param_count expected=%lu given=%zu sql=\"%.80s\"",
		    mysql_stmt_param_count(st), nargs, sql);
		return DB_ERR;
	}
	if (nargs > 0) {
		b = arena_alloc(a, sizeof(MYSQL_BIND) * nargs);
		for (i = 0; i < nargs; i++) {
			const struct db_arg *p = &args[i];

			switch (p->type) {
			case DBA_NULL:
				b[i].buffer_type = MYSQL_TYPE_NULL;
				break;
			case DBA_INT:
				b[i].buffer_type = MYSQL_TYPE_LONGLONG;
				b[i].buffer = (void *)&p->i;
				b[i].buffer_length = sizeof(p->i);
				break;
			case DBA_DOUBLE:
				b[i].buffer_type = MYSQL_TYPE_DOUBLE;
				b[i].buffer = (void *)&p->d;
				b[i].buffer_length = sizeof(p->d);
				break;
			case DBA_STR:
				b[i].buffer_type = MYSQL_TYPE_STRING;
				b[i].buffer = (void *)p->s;
				b[i].buffer_length = (unsigned long)p->len;
				b[i].length = &b[i].buffer_length;
				break;
			}
		}
		if (mysql_stmt_bind_param(st, b) != 0)
			return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	}
	if (mysql_stmt_execute(st) != 0)
		return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	if ((meta = mysql_stmt_result_metadata(st)) != NULL) {
		rc = fetch_rows(db, a, st, meta, res);
		mysql_free_result(meta);
	} else if (res != NULL) {
		memset(res, 0, sizeof(*res));
		res->affected = mysql_stmt_affected_rows(st);
		res->insert_id = mysql_stmt_insert_id(st);
	}
	return rc;
}

enum db_rc
db_run(struct db *db, struct arena *a, const char *sql, const struct db_arg *args,
    size_t nargs, struct db_result *res)
{
	enum db_rc rc;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if ((rc = tx_guard(db)) != DB_OK)
		return rc;
	rc = run_once(db, a, sql, args, nargs, res);
	/* A connection that died between requests is retried once; inside a transaction the
	 * earlier statements are gone with it, so the caller must give up instead. */
	if (rc == DB_DOWN && !db->in_tx && db->conn == NULL)
		rc = run_once(db, a, sql, args, nargs, res);
	return rc;
}

/* --- store families: statements prepared per connection, indexed by their enum --- */

static MYSQL_STMT *
family_stmt(struct db *db, struct db_family *f, unsigned i, enum db_rc *rc)
{
	const struct db_stmt *d = &f->stmts[i];
	MYSQL_STMT *st;
	MYSQL_RES *meta;
	unsigned ncols = 0;

	if (__atomic_load_n(&f->slot, __ATOMIC_ACQUIRE) < 0) {
		/* the notifier's threads each have a connection; the slot is shared */
		static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;

		pthread_mutex_lock(&slot_mu);
		if (f->slot < 0 && next_family_slot < FAMILIES_MAX)
			__atomic_store_n(&f->slot, next_family_slot++, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&slot_mu);
		if (f->slot < 0) {
			log_error("msg=db_too_many_families family=%s", f->name);
			*rc = DB_ERR;
			return NULL;
		}
	}
	if (db->family[f->slot] == NULL) {
		if ((db->family[f->slot] = calloc(f->n, sizeof(MYSQL_STMT *))) == NULL) {
			*rc = DB_ERR;
			return NULL;
		}
		db->family_n[f->slot] = f->n;
	}
	if ((st = db->family[f->slot][i]) != NULL)
		return st;
	if (d->sql == NULL) {
		log_error("msg=db_statement_missing family=%s stmt=%u", f->name, i);
		*rc = DB_ERR;
		return NULL;
	}
	if ((st = mysql_stmt_init(db->conn)) == NULL) {
		*rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		return NULL;
	}
	if (mysql_stmt_prepare(st, d->sql, (unsigned long)strlen(d->sql)) != 0) {
		*rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (*rc == DB_ERR)
			log_error("msg=db_prepare_failed family=%s stmt=%u sql=\"%.80s\"", f->name, i,
			    d->sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if ((meta = mysql_stmt_result_metadata(st)) != NULL) {
		ncols = mysql_num_fields(meta);
		mysql_free_result(meta);
	}
	if (mysql_stmt_param_count(st) != d->nparams || ncols != d->ncols) {
		log_error("msg=db_statement_shape family=%s stmt=%u params=%lu/%u columns=%u/%u",
		    f->name, i, mysql_stmt_param_count(st), d->nparams, ncols, d->ncols);
		mysql_stmt_close(st);
		*rc = DB_ERR;
		if (db->in_tx && db->tx_error == DB_OK)
			db->tx_error = DB_ERR;
		return NULL;
	}
	{
		my_bool one = 1;

		mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &one);
	}
	db->family[f->slot][i] = st;
	return st;
}

enum db_rc
db_exec(struct db *db, struct arena *a, struct db_family *f, unsigned stmt,
    const struct db_arg *args, size_t nargs, struct db_result *res)
{
	MYSQL_STMT *st;
	enum db_rc rc = DB_OK;
	int tries;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (stmt >= f->n) {
		log_error("msg=db_statement_out_of_range family=%s stmt=%u", f->name, stmt);
		return DB_ERR;
	}
	/* outside a transaction, a connection that died between requests is retried once */
	for (tries = 0; tries < 2; tries++) {
		if ((rc = tx_guard(db)) != DB_OK)
			return rc;
		if ((rc = connect_db(db)) != DB_OK)
			return rc;
		if ((st = family_stmt(db, f, stmt, &rc)) != NULL)
			rc = execute(db, a, st, f->stmts[stmt].sql, args, nargs, res);
		if (rc != DB_DOWN || db->in_tx || db->conn != NULL)
			break;
	}
	return rc;
}

enum db_rc
db_prepare_family(struct db *db, struct db_family *f)
{
	enum db_rc rc;
	unsigned i;

	if ((rc = connect_db(db)) != DB_OK)
		return rc;
	for (i = 0; i < f->n; i++)
		if (family_stmt(db, f, i, &rc) == NULL)
			return rc;
	return DB_OK;
}

enum db_rc
db_begin(struct db *db)
{
	enum db_rc rc;

	if (db->in_tx) {
		log_error("msg=db_nested_transaction");
		return DB_ERR;
	}
	if ((rc = connect_db(db)) != DB_OK)
		return rc;
	if (mysql_autocommit(db->conn, 0) != 0) {
		/* the connection may have died while idle: one reconnect */
		disconnect(db);
		if ((rc = connect_db(db)) != DB_OK)
			return rc;
		if (mysql_autocommit(db->conn, 0) != 0)
			return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	}
	db->in_tx = 1;
	db->tx_error = DB_OK;
	return DB_OK;
}

/* Commits, unless the transaction is broken: then it is rolled back and the error that
 * broke it returned. Either way the transaction is over. */
enum db_rc
db_commit(struct db *db)
{
	enum db_rc rc = DB_OK;

	if (!db->in_tx) {
		log_error("msg=db_commit_without_transaction");
		return DB_ERR;
	}
	if (db->tx_error != DB_OK || db->conn == NULL) {
		rc = db->tx_error != DB_OK ? db->tx_error : DB_DOWN;
		db_rollback(db);
		return rc;
	}
	if (mysql_commit(db->conn) != 0)
		rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	db->in_tx = 0;
	db->tx_error = DB_OK;
	if (rc != DB_OK && db->conn != NULL && mysql_rollback(db->conn) != 0)
		disconnect(db);
	if (db->conn != NULL && mysql_autocommit(db->conn, 1) != 0)
		disconnect(db);
	return rc;
}

void
db_rollback(struct db *db)
{
	int was = db->in_tx;

	db->in_tx = 0;
	db->tx_error = DB_OK;
	if (was && db->conn != NULL &&
	    (mysql_rollback(db->conn) != 0 || mysql_autocommit(db->conn, 1) != 0))
		disconnect(db);   /* a session in an unknown state is not used again */
}

int
db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

enum db_rc
db_tx_error(const struct db *db)
{
	return db->in_tx ? db->tx_error : DB_OK;
}

const char *
db_dup_key(const struct db *db)
{
	return db->dup_key;
}

const char *
db_last_error(const struct db *db)
{
	return db->error;
}

int
db_alive(struct db *db, int check_ms)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - db->last_ping.tv_sec) * 1000LL +
	    (now.tv_nsec - db->last_ping.tv_nsec) / 1000000LL;
	if (db->last_ping.tv_sec != 0 && ms < check_ms && db->conn != NULL)
		return db->last_ping_ok;
	db->last_ping = now;
	if (connect_db(db) != DB_OK) {
		db->last_ping_ok = 0;
		return 0;
	}
	if (mysql_ping(db->conn) != 0) {
		disconnect(db);
		db->last_ping_ok = connect_db(db) == DB_OK;
		return db->last_ping_ok;
	}
	db->last_ping_ok = 1;
	return 1;
}

enum db_rc
db_exec_script(struct db *db, const char *sql_text)
{
	enum db_rc rc;
	int status;

	if ((rc = connect_db(db)) != DB_OK)
		return rc;
	if (mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	/* fixed DDL from sql/ on disk, never request data */
	if (mysql_real_query(db->conn, sql_text, (unsigned long)strlen(sql_text)) != 0) {
		rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		goto out;
	}
	do {
		MYSQL_RES *r = mysql_store_result(db->conn);

		if (r != NULL)
			mysql_free_result(r);
		else if (mysql_field_count(db->conn) != 0) {
			rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
			goto out;
		}
		status = mysql_next_result(db->conn);
		if (status > 0) {
			rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
			goto out;
		}
	} while (status == 0);
out:
	if (db->conn != NULL)
		mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc;
}

char *
db_like_contains(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) * 2 + 3), *p = out;

	*p++ = '%';
	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

const char *
db_get(const struct db_result *r, size_t row, size_t col)
{
	if (r == NULL || row >= r->nrows || col >= r->ncols)
		return NULL;
	return r->rows[row][col];
}

long long
db_get_ll(const struct db_result *r, size_t row, size_t col, long long def)
{
	const char *s = db_get(r, row, col);
	char *end;
	long long v;

	if (s == NULL)
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return def;
	return v;
}

int
db_col(const struct db_result *r, const char *name)
{
	size_t i;

	for (i = 0; r != NULL && i < r->ncols; i++)
		if (strcmp(r->names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
db_time_iso(const char *t, char *buf, size_t n)
{
	/* "YYYY-MM-DD HH:MM:SS[.fff...]" */
	const char *frac;
	char ms[4] = "000";
	size_t i;

	if (t == NULL || strlen(t) < 19 || n < 25)
		return NULL;
	frac = t[19] == '.' ? t + 20 : "";
	for (i = 0; i < 3 && frac[i] >= '0' && frac[i] <= '9'; i++)
		ms[i] = frac[i];
	snprintf(buf, n, "%.10sT%.8s.%sZ", t, t + 11, ms);
	return buf;
}

static json_object *
value_json(enum db_coltype type, const char *v, unsigned long len)
{
	char iso[32];

	if (v == NULL)
		return NULL;
	switch (type) {
	case DBC_INT:
		return json_object_new_int64(strtoll(v, NULL, 10));
	case DBC_BOOL:
		return json_object_new_boolean(strcmp(v, "0") != 0);
	case DBC_NUM:
		/* the column's own text: DECIMAL 4.33, not the double's 4.3300000000000001 */
		return json_object_new_double_s(strtod(v, NULL), v);
	case DBC_TIME:
		if (db_time_iso(v, iso, sizeof(iso)) != NULL)
			return json_object_new_string(iso);
		return json_object_new_string_len(v, (int)len);
	case DBC_JSON: {
		json_object *o = json_tokener_parse(v);

		return o;
	}
	case DBC_DATE:
	case DBC_STR:
		break;
	}
	return json_object_new_string_len(v, (int)len);
}

/* Puts val at the dotted path inside obj, creating the intermediate objects. */
static void
put_path(json_object *obj, const char *path, json_object *val)
{
	const char *dot;
	char key[128];

	while ((dot = strchr(path, '.')) != NULL) {
		json_object *child;
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(obj, key, &child) ||
		    !json_object_is_type(child, json_type_object)) {
			child = json_object_new_object();
			json_object_object_add(obj, key, child);
		}
		obj = child;
		path = dot + 1;
	}
	json_object_object_add(obj, path, val);
}

json_object *
db_row_json(const struct db_result *r, size_t row)
{
	json_object *o = json_object_new_object();
	size_t c;

	if (row >= r->nrows)
		return o;
	for (c = 0; c < r->ncols; c++)
		put_path(o, r->names[c], value_json(r->types[c], r->rows[row][c], r->lens[row][c]));
	return o;
}

json_object *
db_rows_json(const struct db_result *r)
{
	json_object *a = json_object_new_array_ext((int)r->nrows);
	size_t i;

	for (i = 0; i < r->nrows; i++)
		json_object_array_add(a, db_row_json(r, i));
	return a;
}
