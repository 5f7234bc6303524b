#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_NS_MAX      8
#define CACHE_ENTRIES_MAX 256
#define CACHE_KEY_MAX     512

struct entry {
	char  *key;
	char  *body;
	size_t len;
	int    status;
};

struct ns {
	char               name[40];
	unsigned long long version;      /* 0: unknown, ask before serving */
	struct timespec    checked;
	struct entry       entries[CACHE_ENTRIES_MAX];
	size_t             n;
};

static struct ns spaces[CACHE_NS_MAX];
static size_t nspaces;

static const char SQL_VERSION[] = "SELECT version FROM cache_versions WHERE name = ?";
static const char SQL_BUMP[] =
    "INSERT INTO cache_versions (name, version) VALUES (?, 2)"
    " ON DUPLICATE KEY UPDATE version = version + 1";

static void
drop(struct ns *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->entries[i].key);
		free(s->entries[i].body);
	}
	s->n = 0;
}

static struct ns *
find_ns(const char *name, int create)
{
	size_t i;

	for (i = 0; i < nspaces; i++)
		if (strcmp(spaces[i].name, name) == 0)
			return &spaces[i];
	if (!create || nspaces == CACHE_NS_MAX || strlen(name) >= sizeof(spaces[0].name))
		return NULL;
	memset(&spaces[nspaces], 0, sizeof(spaces[0]));
	memcpy(spaces[nspaces].name, name, strlen(name) + 1);   /* length checked above */
	return &spaces[nspaces++];
}

static long long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000LL;
}

const struct cached *
cache_get(struct db *db, struct arena *a, const char *name, const char *key, int check_ms)
{
	static struct cached hit;
	struct ns *s = find_ns(name, 1);
	size_t i;

	if (s == NULL || strlen(key) > CACHE_KEY_MAX)
		return NULL;
	if (s->version == 0 || ms_since(&s->checked) >= check_ms) {
		struct db_result res;
		unsigned long long v;

		if (db_run(db, a, SQL_VERSION, DB_ARGS(DB_STR(name)), &res) != DB_OK)
			return NULL;
		v = (unsigned long long)db_get_ll(&res, 0, 0, 1);
		if (v != s->version) {
			drop(s);
			s->version = v;
		}
		clock_gettime(CLOCK_MONOTONIC, &s->checked);
	}
	for (i = 0; i < s->n; i++)
		if (strcmp(s->entries[i].key, key) == 0) {
			hit.status = s->entries[i].status;
			hit.body = s->entries[i].body;
			hit.len = s->entries[i].len;
			return &hit;
		}
	return NULL;
}

void
cache_put(const char *name, const char *key, int status, const char *body, size_t len)
{
	struct ns *s = find_ns(name, 1);
	struct entry *e;

	if (s == NULL || s->version == 0 || strlen(key) > CACHE_KEY_MAX)
		return;
	if (s->n == CACHE_ENTRIES_MAX)
		drop(s);   /* many distinct queries: start over rather than grow */
	e = &s->entries[s->n];
	e->key = strdup(key);
	e->body = malloc(len + 1);
	if (e->key == NULL || e->body == NULL) {
		free(e->key);
		free(e->body);
		return;
	}
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->len = len;
	e->status = status;
	s->n++;
}

enum db_rc
cache_bump(struct db *db, struct arena *a, const char *name)
{
	struct ns *s = find_ns(name, 1);

	if (s != NULL) {
		drop(s);
		s->version = 0;
	}
	return db_run(db, a, SQL_BUMP, DB_ARGS(DB_STR(name)), NULL);
}

void
cache_clear_all(void)
{
	size_t i;

	for (i = 0; i < nspaces; i++) {
		drop(&spaces[i]);
		spaces[i].version = 0;
	}
}
