/* Configuration: one key=value file, each key overridable by WARSHA_<KEY> in the
 * environment (DESIGN.md §7). Unknown keys in the file are an error, so a typo does
 * not silently leave a default in place. */
#ifndef WARSHA_CONFIG_H
#define WARSHA_CONFIG_H

#include <stddef.h>

struct config {
	char *db_host;
	int   db_port;
	char *db_socket;
	char *db_user;
	char *db_password;
	char *db_name;
	char *listen;          /* host:port or a unix socket path */
	int   workers;
	char *jwt_secret;
	char *maintenance_token;
	long  body_limit;      /* bytes of request body accepted */
	char *sql_dir;
	char *spool_dir;       /* where the local email/SMS sinks write */
	char *notifier_listen;
	char *public_url;
	char *cors_origins;    /* web app origins allowed cross-origin, space separated */
	char *log_level;
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
	char *sms_provider;       /* file */
};

/* Fills defaults, then the file (when path is not NULL), then the environment.
 * On error writes a one-line reason to err and returns -1. */
int  config_load(struct config *c, const char *path, char *err, size_t errlen);
/* Applies one "key = value" setting; used by the loader and by tests. */
int  config_set(struct config *c, const char *key, const char *value,
    char *err, size_t errlen);
void config_free(struct config *c);

#endif
