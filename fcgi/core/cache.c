#include "cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/cache.h"

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
		unsigned long long v = 1;   /* a namespace without a row is at version 1 */
		enum db_rc rc = db_cache_version(db, a, name, &v);

		if (rc != DB_OK && rc != DB_NOTFOUND)
			return NULL;
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
	return db_cache_bump(db, a, name);
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
