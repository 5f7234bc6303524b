#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

enum ctype { C_STR, C_INT, C_LONG, C_BOOL };

/* What a value must be, beyond its type; checked once every source is read. */
enum vcheck {
	V_NONE,
	V_RANGE,      /* min..max */
	V_POW2,       /* a power of two in min..max */
	V_ENUM,       /* one of choices ("a|b|c") */
	V_LISTEN,     /* a unix socket path or host:port (libfcgi: no IPv6) */
	V_HOSTPORT,   /* IPv4:port, [IPv6]:port, *:port or :port (the notifier) */
	V_URL,        /* http:// or https:// */
	V_SECRET,     /* never a placeholder; min: its least length when set */
};

struct ckey {
	const char *name;
	enum ctype  type;
	size_t      off;
	const char *def;
	enum vcheck check;
	long        min, max;
	const char *choices;
};

/* The installed paths come from CMakeLists.txt (GNUInstallDirs), never from here. */
#if !defined(WARSHA_DEFAULT_SQL_DIR) || !defined(WARSHA_DEFAULT_SPOOL_DIR) || \
    !defined(WARSHA_DEFAULT_UPLOAD_DIR)
#error "CMakeLists.txt defines WARSHA_DEFAULT_SQL_DIR, _SPOOL_DIR and _UPLOAD_DIR"
#endif

#define K(f, t, d, v, lo, hi, ch) { #f, t, offsetof(struct config, f), d, v, lo, hi, ch }
#define S(f, d)             K(f, C_STR, d, V_NONE, 0, 0, NULL)
#define SV(f, d, v)         K(f, C_STR, d, v, 0, 0, NULL)
#define SECRET(f, least)    K(f, C_STR, "", V_SECRET, least, 0, NULL)
#define ENUM(f, d, ch)      K(f, C_STR, d, V_ENUM, 0, 0, ch)
#define I(f, d, lo, hi)     K(f, C_INT, d, V_RANGE, lo, hi, NULL)
#define L(f, d, lo, hi)     K(f, C_LONG, d, V_RANGE, lo, hi, NULL)
#define B(f, d)             K(f, C_BOOL, d, V_NONE, 0, 0, NULL)

static const struct ckey keys[] = {
	S(db_host, "127.0.0.1"),
	I(db_port, "3306", 1, 65535),
	S(db_socket, ""),
	S(db_user, "warsha"),
	SECRET(db_password, 0),
	S(db_password_file, ""),
	S(db_name, "warsha"),
	SV(listen, "127.0.0.1:9000", V_LISTEN),
	I(workers, "4", 1, 256),
	SECRET(jwt_secret, 32),
	S(jwt_secret_file, ""),
	SECRET(maintenance_token, 32),
	S(maintenance_token_file, ""),
	L(body_limit, "1048576", 1024, 1L << 30),
	S(sql_dir, WARSHA_DEFAULT_SQL_DIR),
	S(spool_dir, WARSHA_DEFAULT_SPOOL_DIR),
	SV(notifier_listen, "127.0.0.1:8090", V_HOSTPORT),
	SV(public_url, "http://127.0.0.1:8080", V_URL),
	S(cors_origins, ""),
	ENUM(log_level, "info", "debug|info|warn|error"),
	B(cookie_secure, "0"),
	K(scrypt_n, C_INT, "16384", V_POW2, 1024, 1L << 20, NULL),
	I(login_max_failures, "5", 1, 1000000),
	I(login_window_seconds, "900", 1, 30 * 86400),
	I(access_token_ttl, "3600", 1, 30 * 86400),
	I(refresh_token_ttl, "604800", 1, 366 * 86400),
	I(cache_check_ms, "1000", 0, 3600 * 1000),
	ENUM(email_provider, "file", "file|smtp|resend"),
	S(smtp_url, ""),
	S(smtp_user, ""),
	SECRET(smtp_password, 0),
	S(email_from, "Warsha <no-reply@warsha.local>"),
	SECRET(resend_api_key, 0),
	S(fcm_credentials, ""),
	ENUM(sms_provider, "file", "file|http"),
	/* outbox delivery (warsha-notifier, docs/notifications.md "Delivery") */
	S(templates_dir, WARSHA_DEFAULT_TEMPLATE_DIR),
	I(outbox_batch, "50", 1, 1000),
	I(outbox_poll_ms, "1000", 10, 60000),
	I(outbox_lease_seconds, "120", 5, 86400),
	I(outbox_max_attempts, "8", 1, 100),
	I(outbox_backoff_ms, "30000", 1, 86400000),
	I(outbox_backoff_max_ms, "3600000", 1, 86400000),
	I(outbox_timeout_seconds, "30", 1, 600),
	ENUM(smtp_tls, "starttls", "starttls|none"),
	SV(resend_url, "https://api.resend.com", V_URL),
	S(sms_url, ""),
	S(sms_user, ""),
	SECRET(sms_password, 0),
	SECRET(sms_auth_header, 0),
	S(sms_body, "to={{{to_url}}}&message={{{text_url}}}"),
	S(sms_content_type, "application/x-www-form-urlencoded"),
	SV(fcm_url, "https://fcm.googleapis.com", V_URL),
	S(upload_dir, WARSHA_DEFAULT_UPLOAD_DIR),
	L(upload_body_limit, "12582912", 1024, 1L << 30),
	L(upload_file_limit, "5242880", 1024, 1L << 30),
	I(upload_max_files, "10", 1, 100),
	L(upload_max_pixels, "40000000", 1, 1000000000L),
	S(files_types, "image/jpeg image/png image/webp application/pdf"),
	SECRET(files_key, 64),
	S(files_key_file, ""),
	I(notifier_ping_interval_ms, "25000", 100, 3600 * 1000),
	I(notifier_ping_timeout_ms, "20000", 100, 3600 * 1000),
	S(geocode_url, ""),
	S(geocode_user_agent, "Warsha/" WARSHA_VERSION " (car and home services, Egypt)"),
	I(geocode_timeout_ms, "3000", 100, 30000),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(sizeof(keys) / sizeof(keys[0]) <= CONFIG_MAX_KEYS, "CONFIG_MAX_KEYS is too small");

/* The secrets that may live in a file of their own (<key>_file, or a systemd credential
 * named <key>). */
static const char *const file_secrets[] = { "jwt_secret", "db_password", "maintenance_token",
	"files_key" };

/* Secrets no deployment may run with: the example file's values, and any "change-me". */
#define PLACEHOLDER "change-me"

#define SECRET_MAX 4096

static int
key_index(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

static char **
str_slot(struct config *c, int i)
{
	return (char **)((char *)c + keys[i].off);
}

static const char *
str_of(const struct config *c, int i)
{
	return *(char *const *)((const char *)c + keys[i].off);
}

static long
num_of(const struct config *c, int i)
{
	const char *p = (const char *)c + keys[i].off;

	return keys[i].type == C_LONG ? *(const long *)p : (long)*(const int *)p;
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
	int i = key_index(key);
	char *base = (char *)c;
	long n;

	if (i < 0) {
		snprintf(err, errlen, "unknown configuration key '%s'", key);
		return -1;
	}
	switch (keys[i].type) {
	case C_STR: {
		char **slot = str_slot(c, i);
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
			snprintf(err, errlen, "%s: expected a boolean (1|0|true|false|yes|no), got '%s'",
			    key, value);
			return -1;
		}
		*(int *)(base + keys[i].off) = (int)n;
		return 0;
	case C_INT:
		if (parse_long(value, &n) != 0 || n < INT_MIN || n > INT_MAX) {
			snprintf(err, errlen, "%s: expected an integer, got '%s'", key, value);
			return -1;
		}
		*(int *)(base + keys[i].off) = (int)n;
		return 0;
	case C_LONG:
		if (parse_long(value, &n) != 0) {
			snprintf(err, errlen, "%s: expected an integer, got '%s'", key, value);
			return -1;
		}
		*(long *)(base + keys[i].off) = n;
		return 0;
	}
	return -1;
}

static void
set_src(struct config *c, int i, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_src(struct config *c, int i, const char *fmt, ...)
{
	va_list ap;
	char buf[1200];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(c->src[i]);
	c->src[i] = strdup(buf);
}

/* Where key i's value came from, for a message: "file:line", "WARSHA_X", a secret's
 * file, or "default". */
static const char *
where(const struct config *c, int i)
{
	return c->src[i] != NULL ? c->src[i] : "default";
}

static void
warn_add(struct config *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn_add(struct config *c, const char *fmt, ...)
{
	va_list ap;
	char line[1400];
	size_t old = c->warnings != NULL ? strlen(c->warnings) : 0;
	int n;
	char *w;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	if ((w = realloc(c->warnings, old + (size_t)n + 1)) == NULL)
		return;
	memcpy(w + old, line, (size_t)n + 1);
	c->warnings = w;
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

/* A '#' that starts the value or follows a blank: what reads as a comment must not
 * silently become part of a value (a password, a log level), so it is refused. */
static int
has_inline_comment(const char *v)
{
	const char *p;

	for (p = v; (p = strchr(p, '#')) != NULL; p++)
		if (p == v || p[-1] == ' ' || p[-1] == '\t')
			return 1;
	return 0;
}

static void
warn_if_world_readable(struct config *c, const char *path, const char *what)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & S_IROTH) != 0)
		warn_add(c, "%s: %s is readable by every user on this machine (mode %04o): "
		    "chmod o-r %s", path, what, (unsigned)(st.st_mode & 07777), path);
}

static int
load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], msg[512];
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char *p, *eq, *key, *value;
		int i;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %zu bytes", path, lineno,
			    sizeof(line) - 2);
			rc = -1;
			break;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(p);
		value = trim(eq + 1);
		if ((i = key_index(key)) < 0) {
			snprintf(err, errlen, "%s:%d: unknown configuration key '%s'", path, lineno, key);
			rc = -1;
			break;
		}
		if (has_inline_comment(value)) {
			snprintf(err, errlen, "%s:%d: %s: '#' after a blank: a comment goes on a line "
			    "of its own (a secret holding \" #\" goes in %s_file)", path, lineno, key, key);
			rc = -1;
			break;
		}
		if (c->line[i] > 0)
			warn_add(c, "%s:%d: %s: duplicate key (also on line %d); the last one counts",
			    path, lineno, key, c->line[i]);
		if (config_set(c, key, value, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
			break;
		}
		c->line[i] = lineno;
		set_src(c, i, "%s:%d", path, lineno);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

static int
load_env(struct config *c, char *err, size_t errlen)
{
	char name[128], msg[512];
	size_t i, j;

	for (i = 0; i < NKEYS; i++) {
		const char *v;

		snprintf(name, sizeof(name), "WARSHA_%s", keys[i].name);
		for (j = 7; name[j] != '\0'; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		if ((v = getenv(name)) == NULL)
			continue;
		if (config_set(c, keys[i].name, v, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s (environment): %s", name, msg);
			return -1;
		}
		set_src(c, (int)i, "%s (environment)", name);
	}
	return 0;
}

/* Reads a secret kept in a file of its own: one trailing newline (LF or CRLF) is
 * dropped; an empty file, or a second line, is an error. */
static int
read_secret(const char *path, char **out, char *msg, size_t msglen)
{
	char buf[SECRET_MAX + 2];
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(msg, msglen, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > SECRET_MAX) {
		snprintf(msg, msglen, "%s: longer than %d bytes", path, SECRET_MAX);
		return -1;
	}
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	if (n == 0) {
		snprintf(msg, msglen, "%s: empty", path);
		return -1;
	}
	if (strlen(buf) != n || strchr(buf, '\n') != NULL) {
		snprintf(msg, msglen, "%s: holds more than one line", path);
		return -1;
	}
	if ((*out = strdup(buf)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	return 0;
}

/* jwt_secret_file and friends, then systemd's credentials: a secret set nowhere else is
 * read from $CREDENTIALS_DIRECTORY/<key> when that file exists. */
static int
load_secret_files(struct config *c, char *err, size_t errlen)
{
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	char name[64], path[1024], msg[1200];
	size_t s;

	for (s = 0; s < sizeof(file_secrets) / sizeof(file_secrets[0]); s++) {
		int k = key_index(file_secrets[s]), fk;
		const char *file;
		char *value = NULL;

		snprintf(name, sizeof(name), "%s_file", file_secrets[s]);
		fk = key_index(name);
		file = str_of(c, fk);
		if (file[0] != '\0') {
			if (str_of(c, k)[0] != '\0') {
				snprintf(err, errlen, "%s: %s: %s is set as well (%s); keep one",
				    where(c, fk), name, keys[k].name, where(c, k));
				return -1;
			}
			if (read_secret(file, &value, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "%s: %s: %s", where(c, fk), name, msg);
				return -1;
			}
			warn_if_world_readable(c, file, name);
			snprintf(path, sizeof(path), "%s", file);
		} else if (str_of(c, k)[0] == '\0' && creds != NULL && creds[0] != '\0') {
			snprintf(path, sizeof(path), "%s/%s", creds, keys[k].name);
			if (access(path, F_OK) != 0)
				continue;
			if (read_secret(path, &value, msg, sizeof(msg)) != 0) {
				snprintf(err, errlen, "systemd credential %s: %s", keys[k].name, msg);
				return -1;
			}
		} else {
			continue;
		}
		free(*str_slot(c, k));
		*str_slot(c, k) = value;
		set_src(c, k, "%s", path);
	}
	return 0;
}

int
config_parse_hostport(const char *s, char *host, size_t hostlen, int *port)
{
	const char *h = s, *colon;
	size_t hl;
	char *end;
	long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - s);
		if (memchr(s, ':', hl) != NULL)   /* an IPv6 address needs its brackets */
			return -1;
	}
	if (hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (strcmp(host, "*") == 0)
		host[0] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || p < 1 || p > 65535 ||
	    !isdigit((unsigned char)colon[1]))
		return -1;
	*port = (int)p;
	return 0;
}

static int
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static int
in_choices(const char *v, const char *choices)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (*p != '\0') {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, v, n) == 0)
			return 1;
		p += len;
		if (*p == '|')
			p++;
	}
	return 0;
}

static int
contains_placeholder(const char *v)
{
	size_t n = strlen(PLACEHOLDER), i;

	for (i = 0; v[i] != '\0'; i++)
		if (strncasecmp(v + i, PLACEHOLDER, n) == 0)
			return 1;
	return 0;
}

/* One key's value against its rule; on error msg says what is wrong. */
static int
check_key(const struct config *c, int i, char *msg, size_t msglen)
{
	const struct ckey *k = &keys[i];
	char host[256];
	long n;
	int port;
	const char *v;

	switch (k->check) {
	case V_NONE:
		return 0;
	case V_RANGE:
		n = num_of(c, i);
		if (n < k->min || n > k->max) {
			snprintf(msg, msglen, "%s must be between %ld and %ld, got %ld", k->name,
			    k->min, k->max, n);
			return -1;
		}
		return 0;
	case V_POW2:
		n = num_of(c, i);
		if (n < k->min || n > k->max || (n & (n - 1)) != 0) {
			snprintf(msg, msglen, "%s must be a power of two between %ld and %ld, got %ld",
			    k->name, k->min, k->max, n);
			return -1;
		}
		return 0;
	case V_ENUM:
		v = str_of(c, i);
		if (!in_choices(v, k->choices)) {
			snprintf(msg, msglen, "%s must be one of %s, got '%s'", k->name, k->choices, v);
			return -1;
		}
		return 0;
	case V_LISTEN:
		v = str_of(c, i);
		if (v[0] == '/') {
			if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
				snprintf(msg, msglen, "%s: a unix socket path must be shorter than %zu bytes",
				    k->name, sizeof(((struct sockaddr_un *)0)->sun_path));
				return -1;
			}
			return 0;
		}
		if (v[0] == '[' || config_parse_hostport(v, host, sizeof(host), &port) != 0 ||
		    strpbrk(host, " \t") != NULL) {
			snprintf(msg, msglen, "%s must be a unix socket path (/run/warsha/fcgi.sock) or "
			    "host:port (127.0.0.1:9000; no IPv6), got '%s'", k->name, v);
			return -1;
		}
		return 0;
	case V_HOSTPORT:
		v = str_of(c, i);
		if (config_parse_hostport(v, host, sizeof(host), &port) != 0 ||
		    (host[0] != '\0' && !is_ip_literal(host))) {
			snprintf(msg, msglen, "%s must be address:port (127.0.0.1:8090, [::1]:8090, "
			    "*:8090 for every address), got '%s'", k->name, v);
			return -1;
		}
		return 0;
	case V_URL:
		v = str_of(c, i);
		if ((strncmp(v, "http://", 7) != 0 || v[7] == '\0') &&
		    (strncmp(v, "https://", 8) != 0 || v[8] == '\0')) {
			snprintf(msg, msglen, "%s must start with http:// or https://, got '%s'",
			    k->name, v);
			return -1;
		}
		return 0;
	case V_SECRET:
		v = str_of(c, i);
		if (v[0] == '\0')
			return 0;
		if (contains_placeholder(v)) {
			snprintf(msg, msglen, "%s is a placeholder ('" PLACEHOLDER "'), not a secret: "
			    "set a generated one (openssl rand -hex 32)", k->name);
			return -1;
		}
		if (k->min > 0 && strlen(v) < (size_t)k->min) {
			snprintf(msg, msglen, "%s must be at least %ld characters (openssl rand -hex 32), "
			    "got %zu", k->name, k->min, strlen(v));
			return -1;
		}
		return 0;
	}
	return 0;
}

static int
validate(const struct config *c, char *err, size_t errlen)
{
	char msg[512];
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (check_key(c, (int)i, msg, sizeof(msg)) != 0) {
			snprintf(err, errlen, "%s: %s", where(c, (int)i), msg);
			return -1;
		}
	if (strcmp(c->email_provider, "smtp") == 0 &&
	    strncmp(c->smtp_url, "smtp://", 7) != 0 && strncmp(c->smtp_url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "%s: email_provider = smtp needs smtp_url = smtp://... or "
		    "smtps://... (got '%s')", where(c, key_index("email_provider")), c->smtp_url);
		return -1;
	}
	if (c->files_key[0] != '\0' && (strlen(c->files_key) != 64 ||
	    strspn(c->files_key, "0123456789abcdefABCDEF") != 64)) {
		snprintf(err, errlen, "%s: files_key must be 64 hex digits, a 256-bit key "
		    "(openssl rand -hex 32)", where(c, key_index("files_key")));
		return -1;
	}
	if (c->geocode_url[0] != '\0' && strncmp(c->geocode_url, "http://", 7) != 0 &&
	    strncmp(c->geocode_url, "https://", 8) != 0) {
		snprintf(err, errlen, "%s: geocode_url must be empty (no provider) or an http:// or "
		    "https:// URL (got '%s')", where(c, key_index("geocode_url")), c->geocode_url);
		return -1;
	}
	if (strlen(c->geocode_user_agent) < 8 ||
	    strcspn(c->geocode_user_agent, "\r\n") != strlen(c->geocode_user_agent)) {
		snprintf(err, errlen, "%s: geocode_user_agent must name the application in 8 "
		    "characters or more, on one line", where(c, key_index("geocode_user_agent")));
		return -1;
	}
	if (c->upload_file_limit > c->upload_body_limit) {
		snprintf(err, errlen, "%s: upload_file_limit (%ld) is larger than upload_body_limit "
		    "(%ld)", where(c, key_index("upload_file_limit")), c->upload_file_limit,
		    c->upload_body_limit);
		return -1;
	}
	if (strcmp(c->email_provider, "resend") == 0 && c->resend_api_key[0] == '\0') {
		snprintf(err, errlen, "%s: email_provider = resend needs resend_api_key",
		    where(c, key_index("email_provider")));
		return -1;
	}
	if (strcmp(c->sms_provider, "http") == 0 && strncmp(c->sms_url, "http://", 7) != 0 &&
	    strncmp(c->sms_url, "https://", 8) != 0) {
		snprintf(err, errlen, "%s: sms_provider = http needs sms_url = http://... or "
		    "https://... (got '%s')", where(c, key_index("sms_provider")), c->sms_url);
		return -1;
	}
	if (c->outbox_backoff_max_ms < c->outbox_backoff_ms) {
		snprintf(err, errlen, "%s: outbox_backoff_max_ms (%d) is below outbox_backoff_ms "
		    "(%d)", where(c, key_index("outbox_backoff_max_ms")), c->outbox_backoff_max_ms,
		    c->outbox_backoff_ms);
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
	if (path != NULL) {
		if ((c->path = strdup(path)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (load_file(c, path, err, errlen) != 0)
			return -1;
		warn_if_world_readable(c, path, "the configuration file");
	}
	if (load_env(c, err, errlen) != 0 || load_secret_files(c, err, errlen) != 0 ||
	    validate(c, err, errlen) != 0)
		return -1;
	return 0;
}

int
config_check_serve(const struct config *c, char *err, size_t errlen)
{
	int k = key_index("jwt_secret");

	if (strlen(c->jwt_secret) < 32) {
		snprintf(err, errlen, "%s: jwt_secret must be at least 32 characters "
		    "(openssl rand -hex 32; or jwt_secret_file)", c->src[k] != NULL ? c->src[k] :
		    c->path != NULL ? c->path : "configuration");
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
			char **slot = str_slot(c, (int)i);

			free(*slot);
			*slot = NULL;
		}
	for (i = 0; i < CONFIG_MAX_KEYS; i++) {
		free(c->src[i]);
		c->src[i] = NULL;
	}
	free(c->path);
	c->path = NULL;
	free(c->warnings);
	c->warnings = NULL;
}

void
config_log_warnings(const struct config *c)
{
	const char *p = c->warnings;
	char clean[512], line[512];

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		log_warn("msg=config_warning text=\"%s\"", log_clean(clean, sizeof(clean), line));
		p += n;
		if (*p == '\n')
			p++;
	}
}
