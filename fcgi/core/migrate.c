#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "db.h"
#include "log.h"

static const char SQL_CREATE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name VARCHAR(255) NOT NULL PRIMARY KEY,"
    " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
static const char SQL_LOCK[] = "SELECT GET_LOCK('warsha_migrate', 60)";
static const char SQL_UNLOCK[] = "SELECT RELEASE_LOCK('warsha_migrate')";
static const char SQL_APPLIED[] = "SELECT 1 FROM schema_migrations WHERE name = ?";
static const char SQL_RECORD[] = "INSERT INTO schema_migrations (name) VALUES (?)";

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* Applies the .sql files of one folder; name recorded as "<folder>/<file>". A folder
 * that must exist (migrations/) and is missing or empty is an error: a wrong sql_dir
 * must not look like a database that is up to date. Each file applied is one line on
 * stdout; *applied counts them. */
static int
apply_dir(struct db *db, struct arena *a, const char *root, const char *sub, int required,
    int *applied)
{
	char dir[1024], path[1536], name[512];
	struct dirent *de;
	char **files = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT && !required)
			return 0;
		log_error("msg=migrate_opendir dir=%s error=\"%s\"", dir, strerror(errno));
		fprintf(stderr, "warsha-fcgi: %s: %s (sql_dir = %s)\n", dir, strerror(errno), root);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if (n == cap) {
			char **nf = realloc(files, sizeof(char *) * (cap = cap ? cap * 2 : 16));

			if (nf == NULL) {
				rc = -1;
				break;
			}
			files = nf;
		}
		files[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (rc == 0 && n == 0 && required) {
		log_error("msg=migrate_no_files dir=%s", dir);
		fprintf(stderr, "warsha-fcgi: %s holds no .sql file (sql_dir = %s)\n", dir, root);
		rc = -1;
	}
	if (files != NULL)
		qsort(files, n, sizeof(char *), cmp_names);
	for (i = 0; rc == 0 && i < n; i++) {
		struct db_result res;
		char *text;

		snprintf(name, sizeof(name), "%s/%s", sub, files[i]);
		if (db_run(db, a, SQL_APPLIED, DB_ARGS(DB_STR(name)), &res) != DB_OK) {
			rc = -1;
			break;
		}
		if (res.nrows > 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((text = read_file(path)) == NULL) {
			log_error("msg=migrate_read path=%s", path);
			rc = -1;
			break;
		}
		if (db_exec_script(db, text) != DB_OK ||
		    db_run(db, a, SQL_RECORD, DB_ARGS(DB_STR(name)), NULL) != DB_OK) {
			log_error("msg=migrate_failed file=%s error=\"%s\"", name, db_last_error(db));
			rc = -1;
		} else {
			log_info("msg=migrated file=%s", name);
			printf("applied %s\n", name);
			fflush(stdout);
			(*applied)++;
		}
		free(text);
	}
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return rc;
}

int
migrate_run(const struct config *cfg)
{
	struct db *db;
	struct arena a;
	struct db_result res;
	struct stat st;
	int rc = -1, applied = 0, serr;

	/* before any connection: a wrong sql_dir is the operator's mistake, not the
	 * database's */
	serr = stat(cfg->sql_dir, &st) != 0 ? errno : 0;
	if (serr != 0 || !S_ISDIR(st.st_mode)) {
		const char *why = serr != 0 ? strerror(serr) : "not a directory";

		log_error("msg=migrate_no_sql_dir sql_dir=%s error=\"%s\"", cfg->sql_dir, why);
		fprintf(stderr, "warsha-fcgi: sql_dir %s: %s\n", cfg->sql_dir, why);
		return -1;
	}
	db = db_open(cfg);
	arena_init(&a, 0);
	if (db == NULL || db_run(db, &a, SQL_CREATE, DB_NOARGS, NULL) != DB_OK) {
		log_error("msg=migrate_no_db error=\"%s\"", db ? db_last_error(db) : "");
		goto out;
	}
	if (db_run(db, &a, SQL_LOCK, DB_NOARGS, &res) != DB_OK || db_get_ll(&res, 0, 0, 0) != 1) {
		log_error("msg=migrate_lock_busy");
		goto out;
	}
	rc = apply_dir(db, &a, cfg->sql_dir, "migrations", 1, &applied);
	if (rc == 0)
		rc = apply_dir(db, &a, cfg->sql_dir, "seed", 0, &applied);
	(void)db_run(db, &a, SQL_UNLOCK, DB_NOARGS, NULL);
	if (rc == 0 && applied == 0)
		printf("up to date\n");
out:
	arena_free(&a);
	db_close(db);
	return rc;
}
