/* core/config: defaults, the key=value file, WARSHA_<KEY> overrides, validation. */
#include <stdlib.h>
#include <sys/stat.h>
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
	    "jwt_secret = a=b = c-and-enough-characters-to-be-32\n"
	    "maintenance_token = tok#not-a-comment-0123456789abcdef\n"
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
	CHECK_STR(c.jwt_secret, "a=b = c-and-enough-characters-to-be-32");   /* split at the first '=' */
	CHECK_STR(c.maintenance_token, "tok#not-a-comment-0123456789abcdef");
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
	setenv("WARSHA_JWT_SECRET", "from env 0123456789abcdef0123456789", 1);
	CHECK_INT(load_text(&c, "workers = 8\ndb_host = file-host\ndb_port = 3310\n",
	    err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.workers, 2);
	CHECK_STR(c.db_host, "env-host");
	CHECK_INT(c.db_port, 3310);               /* the file still counts where env is silent */
	CHECK_INT(c.cookie_secure, 1);
	CHECK_STR(c.jwt_secret, "from env 0123456789abcdef0123456789");
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

/* --- ranges, word lists, addresses: errors name the file, the line and the key --- */

TEST(out_of_range_wrong_word_or_bad_address_names_file_line_key)
{
	static const char *const bad[] = {
		"db_port = 0", "db_port = 65536", "access_token_ttl = 0", "refresh_token_ttl = -5",
		"login_max_failures = 0", "login_window_seconds = 0", "cache_check_ms = -1",
		"body_limit = 2000000000000", "scrypt_n = 2097152",
		"log_level = verbose", "log_level = INFO", "log_level =", "email_provider = sendgrid",
		"sms_provider = twilio", "listen = nonsense", "listen = 127.0.0.1:0",
		"listen = 127.0.0.1:9000x", "listen = [::1]:9000", "listen =",
		"notifier_listen = localhost:8090", "notifier_listen = 127.0.0.1",
		"notifier_listen = 127.0.0.1:99999", "notifier_listen = ::1:8090",
		"notifier_listen = 127.0.0.1:+80", "public_url = ftp://warsha.example",
		"public_url = warsha.example",
	};
	char text[256], err[512];
	size_t i;

	clear_env();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(bad[i], " "), bad[i]);
		snprintf(text, sizeof(text), "# first\ndb_host = x\n%s\nworkers = 2\n", bad[i]);
		err[0] = '\0';
		if (!CHECK_INT(load_one(text, err, sizeof(err)), -1))
			fprintf(stderr, "    input: %s\n", bad[i]);
		if (!(CHECK(contains(err, ":3:")) && CHECK(contains(err, key)) &&
		    CHECK(contains(err, path))))
			fprintf(stderr, "    input: %s -> %s\n", bad[i], err);
	}
}

TEST(good_addresses_and_words)
{
	static const char *const good[] = {
		"listen = /run/warsha/fcgi.sock", "listen = :9000", "listen = 0.0.0.0:9000",
		"listen = fcgi.internal:9000", "notifier_listen = [::1]:8090",
		"notifier_listen = *:8090", "notifier_listen = 10.1.2.3:65535",
		"notifier_listen = [::]:8090", "log_level = debug", "log_level = warn",
		"log_level = error", "email_provider = file", "cache_check_ms = 0",
		"public_url = https://warsha.example", "db_port = 65535",
		"email_provider = smtp\nsmtp_url = smtps://smtp.example.com:465",
		"email_provider = resend\nresend_api_key = re_0123456789",
	};
	char text[256], err[512];
	size_t i;

	clear_env();
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "%s\n", good[i]);
		if (!CHECK_INT(load_one(text, err, sizeof(err)), 0))
			fprintf(stderr, "    input: %s -> %s\n", good[i], err);
	}
	/* a provider without what it needs */
	CHECK_INT(load_one("email_provider = smtp\n", err, sizeof(err)), -1);
	CHECK(contains(err, "smtp_url"));
	CHECK_INT(load_one("email_provider = resend\n", err, sizeof(err)), -1);
	CHECK(contains(err, "resend_api_key"));
}

TEST(environment_errors_name_the_variable)
{
	char err[512];

	clear_env();
	setenv("WARSHA_LOG_LEVEL", "loud", 1);
	CHECK_INT(load_one("log_level = info\n", err, sizeof(err)), -1);
	CHECK(contains(err, "WARSHA_LOG_LEVEL"));
	CHECK(contains(err, "loud"));
	clear_env();
	setenv("WARSHA_DB_PORT", "0", 1);
	CHECK_INT(load_one("", err, sizeof(err)), -1);
	CHECK(contains(err, "WARSHA_DB_PORT"));
	clear_env();
}

/* --- comments, duplicates, permissions --- */

TEST(inline_comments_are_refused)
{
	char err[512];
	struct config c;

	clear_env();
	CHECK_INT(load_one("workers = 2\nlog_level = info # chatty\n", err, sizeof(err)), -1);
	CHECK(contains(err, ":2:"));
	CHECK(contains(err, "log_level"));
	CHECK(contains(err, "comment"));
	CHECK_INT(load_one("db_password = s3cret\t# prod\n", err, sizeof(err)), -1);
	CHECK(contains(err, "db_password"));
	CHECK_INT(load_one("smtp_user = # nobody\n", err, sizeof(err)), -1);
	CHECK(contains(err, "smtp_user"));
	/* a '#' inside a word is part of the value */
	CHECK_INT(load_text(&c, "db_password = pa#ss#\n", err, sizeof(err)), 0);
	CHECK_STR(c.db_password, "pa#ss#");
	config_free(&c);
}

TEST(duplicate_key_is_a_warning_and_the_last_counts)
{
	struct config c;
	char err[512] = "";

	clear_env();
	CHECK_INT(load_text(&c, "workers = 2\ndb_host = a\nworkers = 3\n", err, sizeof(err)), 0);
	CHECK_INT(c.workers, 3);
	CHECK(contains(c.warnings, "workers"));
	CHECK(contains(c.warnings, ":3:"));
	CHECK(contains(c.warnings, "line 1"));
	CHECK(contains(c.warnings, "duplicate"));
	config_free(&c);
	CHECK_INT(load_text(&c, "workers = 2\n", err, sizeof(err)), 0);
	CHECK(c.warnings == NULL);
	config_free(&c);
}

TEST(config_file_others_may_read_is_a_warning)
{
	struct config c;
	char err[512] = "";
	const char *p;

	clear_env();
	REQUIRE((p = write_file("workers = 2\n")) != NULL);
	chmod(p, 0644);
	CHECK_INT(config_load(&c, p, err, sizeof(err)), 0);
	CHECK(contains(c.warnings, p));
	CHECK(contains(c.warnings, "readable"));
	config_free(&c);
	chmod(p, 0640);
	CHECK_INT(config_load(&c, p, err, sizeof(err)), 0);
	CHECK(c.warnings == NULL);
	config_free(&c);
	unlink(p);
}

/* --- secrets --- */

#define GOOD_SECRET "0123456789abcdef0123456789abcdef"

TEST(placeholder_secrets_are_refused)
{
	static const char *const bad[] = {
		"jwt_secret = change-me-change-me-change-me-change-me",   /* the old example */
		"jwt_secret = " GOOD_SECRET "CHANGE-ME",
		"db_password = change-me",
		"maintenance_token = change-me",
		"maintenance_token = " GOOD_SECRET "-Change-Me",
		"smtp_password = change-me",
		"resend_api_key = re_change-me",
	};
	char text[256], err[512];
	size_t i;

	clear_env();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[32];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(bad[i], " "), bad[i]);
		snprintf(text, sizeof(text), "workers = 2\n%s\n", bad[i]);
		if (!CHECK_INT(load_one(text, err, sizeof(err)), -1))
			fprintf(stderr, "    input: %s\n", bad[i]);
		CHECK(contains(err, ":2:"));
		CHECK(contains(err, key));
		CHECK(contains(err, "placeholder"));
	}
}

TEST(the_example_file_does_not_start)
{
	const char *src = getenv("WARSHA_SOURCE_DIR");
	char p[1024], err[512];
	struct config c;

	clear_env();
	REQUIRE(src != NULL);
	snprintf(p, sizeof(p), "%s/docs/warsha.conf.example", src);
	CHECK_INT(config_load(&c, p, err, sizeof(err)), -1);
	CHECK(contains(err, "placeholder"));
	CHECK(contains(err, "warsha.conf.example:"));
	config_free(&c);
}

TEST(short_secrets_are_refused_empty_ones_are_unset)
{
	char err[512];
	struct config c;

	clear_env();
	CHECK_INT(load_one("maintenance_token = 0123456789abcdef0123456789abcde\n", err, sizeof(err)), -1);
	CHECK(contains(err, "maintenance_token"));
	CHECK(contains(err, "32"));
	CHECK(contains(err, ":1:"));
	CHECK_INT(load_one("jwt_secret = short\n", err, sizeof(err)), -1);
	CHECK(contains(err, "jwt_secret"));
	CHECK_INT(load_one("maintenance_token = " GOOD_SECRET "\n", err, sizeof(err)), 0);
	CHECK_INT(load_one("maintenance_token =\n", err, sizeof(err)), 0);

	/* a pool that serves needs a jwt_secret */
	REQUIRE(load_text(&c, "workers = 2\n", err, sizeof(err)) == 0);
	CHECK_INT(config_check_serve(&c, err, sizeof(err)), -1);
	CHECK(contains(err, "jwt_secret"));
	config_free(&c);
	REQUIRE(load_text(&c, "jwt_secret = " GOOD_SECRET "\n", err, sizeof(err)) == 0);
	CHECK_INT(config_check_serve(&c, err, sizeof(err)), 0);
	config_free(&c);
}

static char secret_dir[64];

static const char *
secret_file(const char *name, const char *content, mode_t mode)
{
	static char p[256];
	FILE *f;

	if (secret_dir[0] == '\0') {
		snprintf(secret_dir, sizeof(secret_dir), "/tmp/warsha-test-secrets-XXXXXX");
		if (mkdtemp(secret_dir) == NULL)
			return NULL;
	}
	snprintf(p, sizeof(p), "%s/%s", secret_dir, name);
	if ((f = fopen(p, "w")) == NULL)
		return NULL;
	fputs(content, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

TEST(secrets_from_files)
{
	struct config c;
	char text[512], err[512] = "";
	const char *p;

	clear_env();
	REQUIRE((p = secret_file("jwt", GOOD_SECRET "\n", 0600)) != NULL);
	snprintf(text, sizeof(text), "workers = 2\njwt_secret_file = %s\n", p);
	CHECK_INT(load_text(&c, text, err, sizeof(err)), 0);
	CHECK_STR(c.jwt_secret, GOOD_SECRET);   /* the trailing newline is not the secret's */
	CHECK(c.warnings == NULL);
	config_free(&c);

	REQUIRE((p = secret_file("db", "pa ss #word\r\n", 0640)) != NULL);
	snprintf(text, sizeof(text), "db_password_file = %s\n", p);
	CHECK_INT(load_text(&c, text, err, sizeof(err)), 0);
	CHECK_STR(c.db_password, "pa ss #word");
	config_free(&c);

	REQUIRE((p = secret_file("maint", GOOD_SECRET, 0644)) != NULL);   /* no newline; o+r */
	snprintf(text, sizeof(text), "maintenance_token_file = %s\n", p);
	CHECK_INT(load_text(&c, text, err, sizeof(err)), 0);
	CHECK_STR(c.maintenance_token, GOOD_SECRET);
	CHECK(contains(c.warnings, p));            /* a secret others may read */
	config_free(&c);

	/* the value and its file: which one was meant? */
	REQUIRE((p = secret_file("jwt2", GOOD_SECRET "\n", 0600)) != NULL);
	snprintf(text, sizeof(text), "jwt_secret = " GOOD_SECRET "\njwt_secret_file = %s\n", p);
	CHECK_INT(load_text(&c, text, err, sizeof(err)), -1);
	CHECK(contains(err, ":2:"));
	CHECK(contains(err, "jwt_secret_file"));
	config_free(&c);

	/* a missing, empty, multi-line or placeholder file */
	CHECK_INT(load_one("workers = 2\njwt_secret_file = /nonexistent/jwt\n", err, sizeof(err)), -1);
	CHECK(contains(err, ":2:"));
	CHECK(contains(err, "/nonexistent/jwt"));
	REQUIRE((p = secret_file("empty", "\n", 0600)) != NULL);
	snprintf(text, sizeof(text), "db_password_file = %s\n", p);
	CHECK_INT(load_one(text, err, sizeof(err)), -1);
	CHECK(contains(err, "empty"));
	REQUIRE((p = secret_file("two", "one\ntwo\n", 0600)) != NULL);
	snprintf(text, sizeof(text), "db_password_file = %s\n", p);
	CHECK_INT(load_one(text, err, sizeof(err)), -1);
	CHECK(contains(err, "line"));
	REQUIRE((p = secret_file("ph", "change-me\n", 0600)) != NULL);
	snprintf(text, sizeof(text), "db_password_file = %s\n", p);
	CHECK_INT(load_one(text, err, sizeof(err)), -1);
	CHECK(contains(err, "placeholder"));
	CHECK(contains(err, p));                   /* the error names the secret's file */
}

TEST(secrets_from_systemd_credentials)
{
	struct config c;
	char err[512] = "";

	clear_env();
	REQUIRE(secret_file("jwt_secret", GOOD_SECRET "\n", 0400) != NULL);
	REQUIRE(secret_file("db_password", "from-credentials\n", 0400) != NULL);
	setenv("CREDENTIALS_DIRECTORY", secret_dir, 1);
	CHECK_INT(load_text(&c, "workers = 2\n", err, sizeof(err)), 0);
	CHECK_STR(c.jwt_secret, GOOD_SECRET);
	CHECK_STR(c.db_password, "from-credentials");
	CHECK_STR(c.maintenance_token, "");        /* no such credential: unset */
	config_free(&c);
	/* a value in the file is used over a credential */
	CHECK_INT(load_text(&c, "db_password = from-file\n", err, sizeof(err)), 0);
	CHECK_STR(c.db_password, "from-file");
	CHECK_STR(c.jwt_secret, GOOD_SECRET);
	config_free(&c);
	/* a bad credential is an error that names it */
	REQUIRE(secret_file("maintenance_token", "short\n", 0400) != NULL);
	CHECK_INT(load_text(&c, "workers = 2\n", err, sizeof(err)), -1);
	CHECK(contains(err, "maintenance_token"));
	CHECK(contains(err, secret_dir));
	config_free(&c);
	unsetenv("CREDENTIALS_DIRECTORY");
}

TEST(parse_hostport)
{
	char host[64];
	int port = 0;

	CHECK_INT(config_parse_hostport("127.0.0.1:8090", host, sizeof(host), &port), 0);
	CHECK_STR(host, "127.0.0.1");
	CHECK_INT(port, 8090);
	CHECK_INT(config_parse_hostport("[::1]:443", host, sizeof(host), &port), 0);
	CHECK_STR(host, "::1");
	CHECK_INT(port, 443);
	CHECK_INT(config_parse_hostport("*:1", host, sizeof(host), &port), 0);
	CHECK_STR(host, "");
	CHECK_INT(config_parse_hostport(":65535", host, sizeof(host), &port), 0);
	CHECK_STR(host, "");
	CHECK_INT(config_parse_hostport("::1:80", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("[::1]80", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("[::1", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("host:", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("host: 80", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("host:0", host, sizeof(host), &port), -1);
	CHECK_INT(config_parse_hostport("host", host, sizeof(host), &port), -1);
}

void
check_teardown(void)
{
	char cmd[128];

	if (secret_dir[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", secret_dir);
		(void)!system(cmd);
	}
}
