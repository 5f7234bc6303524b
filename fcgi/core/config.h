/* Configuration: one key=value file, each key overridable by WARSHA_<KEY> in the
 * environment (docs/configuration.md). Unknown keys in the file are an error, so a typo does
 * not silently leave a default in place; so is a value out of its range, a word not in
 * its list, an address that does not parse and a placeholder secret. Every error names
 * where the value came from (file:line, or the environment variable).
 * docs/configuration.md lists every key with its type, range and default. */
#ifndef WARSHA_CONFIG_H
#define WARSHA_CONFIG_H

#include <stddef.h>

#define CONFIG_MAX_KEYS 80

struct config {
	char *db_host;
	int   db_port;
	char *db_socket;
	char *db_user;
	char *db_password;
	char *db_password_file;   /* read db_password from this file */
	char *db_name;
	char *listen;          /* host:port or a unix socket path */
	int   workers;
	char *jwt_secret;
	char *jwt_secret_file;
	char *maintenance_token;
	char *maintenance_token_file;
	long  body_limit;      /* bytes of request body accepted */
	char *sql_dir;
	char *spool_dir;       /* where the local email/SMS sinks write */
	char *notifier_listen;
	char *public_url;
	char *cors_origins;    /* web app origins allowed cross-origin, space separated */
	char *log_level;       /* debug | info | warn | error */
	int   cookie_secure;   /* 1: Secure cookies (served over HTTPS) */
	int   scrypt_n;        /* scrypt cost N (power of two) */
	int   login_max_failures;
	int   login_window_seconds;
	int   access_token_ttl;   /* seconds */
	int   refresh_token_ttl;  /* seconds */
	int   cache_check_ms;     /* how often cached answers ask for their version */
	char *email_provider;     /* file | smtp | resend */
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;
	char *email_from;
	char *resend_api_key;
	char *fcm_credentials;    /* path to a service-account JSON; empty: log only */
	char *sms_provider;       /* file | http */
	/* outbox delivery (docs/notifications.md, "Delivery") */
	char *templates_dir;
	int   outbox_batch;           /* rows claimed at once */
	int   outbox_poll_ms;         /* the wait when nothing is due */
	int   outbox_lease_seconds;
	int   outbox_max_attempts;    /* then dead */
	int   outbox_backoff_ms;      /* the first retry's delay; doubled each attempt */
	int   outbox_backoff_max_ms;
	int   outbox_timeout_seconds; /* one SMTP or HTTP exchange */
	char *smtp_tls;               /* starttls | none (smtp:// only) */
	char *resend_url;
	char *sms_url;
	char *sms_user;
	char *sms_password;
	char *sms_auth_header;        /* a whole header line, "Authorization: ..." */
	char *sms_body;               /* a Mustache template of the request body */
	char *sms_content_type;
	char *fcm_url;
	/* uploads (docs/uploads.md) */
	char *upload_dir;         /* content-addressed files; nginx serves the public ones */
	long  upload_body_limit;  /* bytes of one upload request (nginx's client_max_body_size) */
	long  upload_file_limit;  /* bytes of one file in it (seed 000: 5 MB) */
	int   upload_max_files;   /* files in one request (seed 000: 10) */
	long  upload_max_pixels;  /* width x height an image may declare before it is decoded */
	char *files_types;        /* MIME types /api/files takes, space separated */
	char *files_key;          /* AES-256-GCM key of private files: 64 hex digits */
	char *files_key_file;
	int   notifier_ping_interval_ms;   /* Engine.IO pingInterval of the notifier's sockets */
	int   notifier_ping_timeout_ms;    /* Engine.IO pingTimeout: no pong by then drops it */
	/* geocoding (docs/search.md): a Nominatim-compatible base URL; empty, none */
	char *geocode_url;
	char *geocode_user_agent;     /* sent with every call: who calls (provider policies) */
	int   geocode_timeout_ms;     /* one call, connecting included */

	/* Not keys. */
	int   migrate_session;    /* set by --migrate: its connection has no read timeout */
	char *path;               /* the file loaded, or NULL */
	char *warnings;           /* lines ("...\n") the caller logs once logging is set up */
	int   line[CONFIG_MAX_KEYS];   /* per key: its line in path; 0 elsewhere */
	char *src[CONFIG_MAX_KEYS];    /* per key: where a value that is not the default came from */
};

/* Fills defaults, then the file (when path is not NULL), then the environment, then the
 * secrets kept in files (<key>_file, or $CREDENTIALS_DIRECTORY/<key>), and validates
 * the result. On error writes a one-line reason naming the file, line and key to err
 * and returns -1. Warnings (a duplicate key, a file others may read) are kept in
 * c->warnings. */
int  config_load(struct config *c, const char *path, char *err, size_t errlen);
/* What a server that answers requests needs beyond a valid file: a jwt_secret of at
 * least 32 characters. Returns 0, or -1 with err. */
int  config_check_serve(const struct config *c, char *err, size_t errlen);
/* Applies one "key = value" setting (its type only, no range); used by the loader and
 * by tests. */
int  config_set(struct config *c, const char *key, const char *value,
    char *err, size_t errlen);
void config_free(struct config *c);
/* Logs c->warnings, one level=warn msg=config_warning line each (after log_init). */
void config_log_warnings(const struct config *c);

/* "host:port", "[ipv6]:port", or ":port" / "*:port" for every address (host becomes "").
 * Returns 0 or -1. */
int  config_parse_hostport(const char *s, char *host, size_t hostlen, int *port);

#endif
