#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ctype { C_STR, C_INT, C_LONG, C_BOOL };

struct ckey {
	const char *name;
	enum ctype  type;
	size_t      off;
	const char *def;
};

/* The installed paths come from CMakeLists.txt (GNUInstallDirs), never from here. */
#if !defined(WARSHA_DEFAULT_SQL_DIR) || !defined(WARSHA_DEFAULT_SPOOL_DIR)
#error "CMakeLists.txt defines WARSHA_DEFAULT_SQL_DIR and WARSHA_DEFAULT_SPOOL_DIR"
#endif

#define S(f, d) { #f, C_STR, offsetof(struct config, f), d }
#define I(f, d) { #f, C_INT, offsetof(struct config, f), d }
#define L(f, d) { #f, C_LONG, offsetof(struct config, f), d }
#define B(f, d) { #f, C_BOOL, offsetof(struct config, f), d }

static const struct ckey keys[] = {
	S(db_host, "127.0.0.1"),
	I(db_port, "3306"),
	S(db_socket, ""),
	S(db_user, "warsha"),
	S(db_password, ""),
	S(db_name, "warsha"),
	S(listen, "127.0.0.1:9000"),
	I(workers, "4"),
	S(jwt_secret, ""),
	S(maintenance_token, ""),
	L(body_limit, "1048576"),
	S(sql_dir, WARSHA_DEFAULT_SQL_DIR),
	S(spool_dir, WARSHA_DEFAULT_SPOOL_DIR),
	S(notifier_listen, "127.0.0.1:8090"),
	S(public_url, "http://127.0.0.1:8080"),
	S(cors_origins, ""),
	S(log_level, "info"),
	B(cookie_secure, "0"),
	I(scrypt_n, "16384"),
	I(login_max_failures, "5"),
	I(login_window_seconds, "900"),
	I(access_token_ttl, "3600"),
	I(refresh_token_ttl, "604800"),
	I(cache_check_ms, "1000"),
	S(email_provider, "file"),
	S(smtp_url, ""),
	S(smtp_user, ""),
	S(smtp_password, ""),
	S(email_from, "Warsha <no-reply@warsha.local>"),
	S(resend_api_key, ""),
	S(fcm_credentials, ""),
	S(sms_provider, "file"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct ckey *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_long(const char *v, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -1;
	*out = n;
	return 0;
}

int
config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct ckey *k = find_key(key);
	char *base = (char *)c;
	long n;

	if (k == NULL) {
		snprintf(err, errlen, "unknown configuration key '%s'", key);
		return -1;
	}
	switch (k->type) {
	case C_STR: {
		char **slot = (char **)(base + k->off);
		char *dup = strdup(value);

		if (dup == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		free(*slot);
		*slot = dup;
		return 0;
	}
	case C_BOOL:
		if (strcmp(value, "1") == 0 || strcmp(value, "true") == 0 || strcmp(value, "yes") == 0)
			n = 1;
		else if (strcmp(value, "0") == 0 || strcmp(value, "false") == 0 || strcmp(value, "no") == 0)
			n = 0;
		else {
			snprintf(err, errlen, "%s: expected a boolean, got '%s'", key, value);
			return -1;
		}
		*(int *)(base + k->off) = (int)n;
		return 0;
	case C_INT:
		if (parse_long(value, &n) != 0 || n < INT_MIN || n > INT_MAX) {
			snprintf(err, errlen, "%s: expected an integer, got '%s'", key, value);
			return -1;
		}
		*(int *)(base + k->off) = (int)n;
		return 0;
	case C_LONG:
		if (parse_long(value, &n) != 0) {
			snprintf(err, errlen, "%s: expected an integer, got '%s'", key, value);
			return -1;
		}
		*(long *)(base + k->off) = n;
		return 0;
	}
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], msg[256];
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *p = trim(line), *eq;

		lineno++;
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		if (config_set(c, trim(p), trim(eq + 1), msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

static int
load_env(struct config *c, char *err, size_t errlen)
{
	char name[128];
	size_t i, j;

	for (i = 0; i < NKEYS; i++) {
		const char *v;

		snprintf(name, sizeof(name), "WARSHA_%s", keys[i].name);
		for (j = 7; name[j] != '\0'; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		if ((v = getenv(name)) != NULL && config_set(c, keys[i].name, v, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++)
		if (config_set(c, keys[i].name, keys[i].def, err, errlen) != 0)
			return -1;
	if (path != NULL && load_file(c, path, err, errlen) != 0)
		return -1;
	if (load_env(c, err, errlen) != 0)
		return -1;
	if (c->workers < 1 || c->workers > 256) {
		snprintf(err, errlen, "workers must be between 1 and 256");
		return -1;
	}
	if (c->body_limit < 1024) {
		snprintf(err, errlen, "body_limit must be at least 1024 bytes");
		return -1;
	}
	if (c->scrypt_n < 1024 || (c->scrypt_n & (c->scrypt_n - 1)) != 0) {
		snprintf(err, errlen, "scrypt_n must be a power of two, at least 1024");
		return -1;
	}
	return 0;
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == C_STR) {
			char **slot = (char **)((char *)c + keys[i].off);

			free(*slot);
			*slot = NULL;
		}
}
