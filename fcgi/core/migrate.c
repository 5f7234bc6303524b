#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Applies the .sql files of one folder; name recorded as "<folder>/<file>". */
static int
apply_dir(struct db *db, struct arena *a, const char *root, const char *sub)
{
	char dir[1024], path[1536], name[512];
	struct dirent *de;
	char **files = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		log_error("msg=migrate_opendir dir=%s error=\"%s\"", dir, strerror(errno));
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
	struct db *db = db_open(cfg);
	struct arena a;
	struct db_result res;
	int rc = -1;

	arena_init(&a, 0);
	if (db == NULL || db_run(db, &a, SQL_CREATE, DB_NOARGS, NULL) != DB_OK) {
		log_error("msg=migrate_no_db error=\"%s\"", db ? db_last_error(db) : "");
		goto out;
	}
	if (db_run(db, &a, SQL_LOCK, DB_NOARGS, &res) != DB_OK || db_get_ll(&res, 0, 0, 0) != 1) {
		log_error("msg=migrate_lock_busy");
		goto out;
	}
	rc = apply_dir(db, &a, cfg->sql_dir, "migrations");
	if (rc == 0)
		rc = apply_dir(db, &a, cfg->sql_dir, "seed");
	(void)db_run(db, &a, SQL_UNLOCK, DB_NOARGS, NULL);
out:
	arena_free(&a);
	db_close(db);
	return rc;
}
