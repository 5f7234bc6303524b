/* core/config: defaults, the key=value file, WARSHA_<KEY> overrides, validation. */
#include <stdlib.h>
#include <unistd.h>

#include "core/config.h"
#include "check.h"

extern char **environ;

/* The tests own the environment: drop every WARSHA_* a developer's shell may carry. */
static void
clear_env(void)
{
	char name[256];
	int again = 1;

	while (again) {
		char **e;

		again = 0;
		for (e = environ; e != NULL && *e != NULL; e++) {
			size_t n = strcspn(*e, "=");

			if (strncmp(*e, "WARSHA_", 7) != 0 || n >= sizeof(name))
				continue;
			memcpy(name, *e, n);
			name[n] = '\0';
			if (strcmp(name, "WARSHA_SOURCE_DIR") == 0)
				continue;
			unsetenv(name);
			again = 1;     /* environ changed under us: start over */
			break;
		}
	}
}

static char path[64];

static const char *
write_file(const char *text)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/warsha-test-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	close(fd);
	return path;
}

/* Loads text as a config file; returns config_load's result, err filled. */
static int
load_text(struct config *c, const char *text, char *err, size_t errlen)
{
	const char *p = write_file(text);
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "test: cannot write a temporary file");
		memset(c, 0, sizeof(*c));
		return -2;
	}
	rc = config_load(c, p, err, errlen);
	unlink(p);
	return rc;
}

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

TEST(defaults)
{
	struct config c;
	char err[256] = "";

	clear_env();
	CHECK_INT(config_load(&c, NULL, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(c.db_host, "127.0.0.1");
	CHECK_INT(c.db_port, 3306);
	CHECK_STR(c.db_socket, "");
	CHECK_STR(c.db_user, "warsha");
	CHECK_STR(c.db_name, "warsha");
	CHECK_STR(c.listen, "127.0.0.1:9000");
	CHECK_INT(c.workers, 4);
	CHECK_STR(c.jwt_secret, "");
	CHECK_INT(c.body_limit, 1048576);
	CHECK_INT(c.cookie_secure, 0);
	CHECK_INT(c.scrypt_n, 16384);
	CHECK_INT(c.login_max_failures, 5);
	CHECK_INT(c.login_window_seconds, 900);
	CHECK_INT(c.access_token_ttl, 3600);
	CHECK_INT(c.refresh_token_ttl, 7 * 24 * 3600);
	CHECK_STR(c.email_provider, "file");
	CHECK_STR(c.sms_provider, "file");
	CHECK_STR(c.email_from, "Warsha <no-reply@warsha.local>");
	CHECK_STR(c.log_level, "info");
	config_free(&c);
	CHECK(c.db_host == NULL);
	config_free(&c);    /* twice is harmless */
}

TEST(file_with_comments_blank_lines_and_spaces)
{
	struct config c;
	char err[256] = "";

	clear_env();
	CHECK_INT(load_text(&c,
	    "# Warsha test configuration\n"
	    "\n"
	    "db_host = db.internal\n"
	    "   db_port=3307   \n"
	    "\t# an indented comment\n"
	    "workers\t=\t8\r\n"
	    "   \n"
	    "jwt_secret = a=b = c\n"
	    "maintenance_token = tok#not-a-comment\n"
	    "cookie_secure = yes\n"
	    "body_limit = 2048\n"
	    "email_from = ورشة <team@warsha.eg>\n"
	    "db_password =\n"
	    "scrypt_n = 1024",          /* no newline at the end */
	    err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(c.db_host, "db.internal");
	CHECK_INT(c.db_port, 3307);
	CHECK_INT(c.workers, 8);
	CHECK_STR(c.jwt_secret, "a=b = c");           /* split at the first '=' */
	CHECK_STR(c.maintenance_token, "tok#not-a-comment");
	CHECK_INT(c.cookie_secure, 1);
	CHECK_INT(c.body_limit, 2048);
	CHECK_STR(c.email_from, "ورشة <team@warsha.eg>");
	CHECK_STR(c.db_password, "");
	CHECK_INT(c.scrypt_n, 1024);
	CHECK_STR(c.db_user, "warsha");               /* untouched keys keep defaults */
	config_free(&c);
}

TEST(unknown_key_names_key_and_line)
{
	struct config c;
	char err[256] = "";

	clear_env();
	CHECK_INT(load_text(&c, "# comment\ndb_host = x\ndb_hots = y\nworkers = 2\n",
	    err, sizeof(err)), -1);
	CHECK(contains(err, "db_hots"));
	CHECK(contains(err, ":3:"));
	CHECK(contains(err, path));
	config_free(&c);

	CHECK_INT(load_text(&c, "= value\n", err, sizeof(err)), -1);
	CHECK(contains(err, ":1:"));
	config_free(&c);

	CHECK_INT(load_text(&c, "\n\nthis line has no equals sign\n", err, sizeof(err)), -1);
	CHECK(contains(err, ":3:"));
	CHECK(contains(err, "key = value"));
	config_free(&c);
}

TEST(bad_integer_or_bool_is_an_error)
{
	static const char *const bad[] = {
		"workers = four\n", "db_port = 12abc\n", "workers =\n", "workers = 1.5\n",
		"workers = 99999999999\n", "body_limit = 1e6\n", "scrypt_n = 0x400\n",
		"cookie_secure = maybe\n", "cookie_secure = 2\n", "cookie_secure = YES!\n",
	};
	struct config c;
	char err[256];
	size_t i;

	clear_env();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(bad[i], " "), bad[i]);
		err[0] = '\0';
		if (!CHECK_INT(load_text(&c, bad[i], err, sizeof(err)), -1))
			fprintf(stderr, "    input: %s", bad[i]);
		CHECK(contains(err, key));
		CHECK(contains(err, ":1:"));
		config_free(&c);
	}
}

TEST(config_set_types)
{
	struct config c;
	char err[256];

	clear_env();
	REQUIRE(config_load(&c, NULL, err, sizeof(err)) == 0);
	CHECK_INT(config_set(&c, "cookie_secure", "true", err, sizeof(err)), 0);
	CHECK_INT(c.cookie_secure, 1);
	CHECK_INT(config_set(&c, "cookie_secure", "no", err, sizeof(err)), 0);
	CHECK_INT(c.cookie_secure, 0);
	CHECK_INT(config_set(&c, "cookie_secure", "1", err, sizeof(err)), 0);
	CHECK_INT(c.cookie_secure, 1);
	CHECK_INT(config_set(&c, "cookie_secure", "false", err, sizeof(err)), 0);
	CHECK_INT(c.cookie_secure, 0);
	CHECK_INT(config_set(&c, "db_port", "-1", err, sizeof(err)), 0);
	CHECK_INT(c.db_port, -1);
	CHECK_INT(config_set(&c, "body_limit", "5000000000", err, sizeof(err)), 0);
	CHECK_INT(c.body_limit, 5000000000LL);
	CHECK_INT(config_set(&c, "workers", "2147483648", err, sizeof(err)), -1);
	CHECK(contains(err, "workers"));
	CHECK_INT(config_set(&c, "jwt_secret", "one", err, sizeof(err)), 0);
	CHECK_INT(config_set(&c, "jwt_secret", "two", err, sizeof(err)), 0);  /* no leak */
	CHECK_STR(c.jwt_secret, "two");
	CHECK_INT(config_set(&c, "no_such_key", "1", err, sizeof(err)), -1);
	CHECK(contains(err, "no_such_key"));
	CHECK_INT(config_set(&c, "DB_HOST", "x", err, sizeof(err)), -1);  /* keys are lower case */
	config_free(&c);
}

TEST(environment_overrides_file)
{
	struct config c;
	char err[256] = "";

	clear_env();
	setenv("WARSHA_WORKERS", "2", 1);
	setenv("WARSHA_DB_HOST", "env-host", 1);
	setenv("WARSHA_COOKIE_SECURE", "yes", 1);
	setenv("WARSHA_JWT_SECRET", "from env", 1);
	CHECK_INT(load_text(&c, "workers = 8\ndb_host = file-host\ndb_port = 3310\n",
	    err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.workers, 2);
	CHECK_STR(c.db_host, "env-host");
	CHECK_INT(c.db_port, 3310);               /* the file still counts where env is silent */
	CHECK_INT(c.cookie_secure, 1);
	CHECK_STR(c.jwt_secret, "from env");
	config_free(&c);

	/* without a file too */
	CHECK_INT(config_load(&c, NULL, err, sizeof(err)), 0);
	CHECK_INT(c.workers, 2);
	config_free(&c);

	/* a bad value in the environment is an error naming the key */
	setenv("WARSHA_WORKERS", "lots", 1);
	CHECK_INT(config_load(&c, NULL, err, sizeof(err)), -1);
	CHECK(contains(err, "workers"));
	CHECK(contains(err, "lots"));
	config_free(&c);
	clear_env();
}

TEST(missing_file_is_an_error)
{
	struct config c;
	char err[256] = "";

	clear_env();
	CHECK_INT(config_load(&c, "/nonexistent/warsha.conf", err, sizeof(err)), -1);
	CHECK(contains(err, "/nonexistent/warsha.conf"));
	config_free(&c);
}

static int
load_one(const char *line, char *err, size_t errlen)
{
	struct config c;
	int rc;

	rc = load_text(&c, line, err, errlen);
	config_free(&c);
	return rc;
}

TEST(validation_of_workers_body_limit_scrypt_n)
{
	char err[256];

	clear_env();
	CHECK_INT(load_one("workers = 0\n", err, sizeof(err)), -1);
	CHECK(contains(err, "workers"));
	CHECK_INT(load_one("workers = -3\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("workers = 257\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("workers = 1\n", err, sizeof(err)), 0);
	CHECK_INT(load_one("workers = 256\n", err, sizeof(err)), 0);

	CHECK_INT(load_one("body_limit = 1023\n", err, sizeof(err)), -1);
	CHECK(contains(err, "body_limit"));
	CHECK_INT(load_one("body_limit = -1\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("body_limit = 1024\n", err, sizeof(err)), 0);

	CHECK_INT(load_one("scrypt_n = 512\n", err, sizeof(err)), -1);
	CHECK(contains(err, "scrypt_n"));
	CHECK_INT(load_one("scrypt_n = 1000\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("scrypt_n = 3072\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("scrypt_n = 0\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("scrypt_n = -1024\n", err, sizeof(err)), -1);
	CHECK_INT(load_one("scrypt_n = 1024\n", err, sizeof(err)), 0);
	CHECK_INT(load_one("scrypt_n = 65536\n", err, sizeof(err)), 0);

	/* validation applies to the environment's values as well */
	setenv("WARSHA_SCRYPT_N", "100", 1);
	CHECK_INT(load_one("scrypt_n = 1024\n", err, sizeof(err)), -1);
	clear_env();
}
