/* Outbox delivery: e-mail, SMS and push from the `outbox` table, on a thread of its own
 * (docs/notifications.md, "Delivery").
 *
 * The lws service thread never waits on SMTP or HTTP: delivery has its own thread, its
 * own configuration copy, its own MariaDB connection, its own curl handle and its own
 * arena, and shares nothing with the service thread but the stop flag.
 *
 *   outbox.c   the thread: claim (lease), deliver, record the outcome, retry and
 *              back-off, release on stop; delivery_start() / delivery_stop()
 *   mail.c     e-mail: rendering (templates/email/), the message (core/mime.c), and
 *              the file, smtp and resend transports
 *   sms.c      SMS: the file and http (gateway) transports
 *   push.c     push: the file and FCM HTTP v1 transports, the OAuth2 token
 *   transport.c  what they share: curl requests, the spool files, outcomes */
#ifndef WARSHA_NOTIFIER_DELIVERY_H
#define WARSHA_NOTIFIER_DELIVERY_H

#include <stddef.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/db.h"
#include "core/mustache.h"
#include "store/outbox.h"

/* Started by main after the database handle and the service are set up; 0 or -1 (a
 * template that does not compile, an unreadable FCM key: logged). */
int  delivery_start(const struct config *cfg);
/* Asks the thread to stop and waits for it: a transfer under way is cut short, rows
 * claimed and not delivered go back to due. Safe without a start. */
void delivery_stop(void);

/* --- inside the delivery thread --- */

enum outcome {
	OUT_SENT,
	OUT_RETRY,      /* a passing failure: again after the back-off (or retry_after_ms) */
	OUT_DEAD,       /* it will never go: kept with its error */
	OUT_SKIPPED,    /* nothing to send (preferences, no device) */
	OUT_RELEASE,    /* not tried: the notifier is stopping */
};

struct result {
	enum outcome kind;
	long long    retry_after_ms;   /* > 0: the server asked for this wait */
	char         error[512];
};

struct fcm_key {
	char  *client_email, *private_key, *key_id, *project_id, *token_uri;
	char  *access_token;
	time_t expires;                /* when to ask for a new one */
};

struct delivery {
	struct config        cfg;
	struct db           *db;
	struct arena         a;
	struct mustache_set *templates;
	CURL                *curl;
	char                 owner[64];      /* locked_by: host:pid:random */
	struct fcm_key       fcm;
	int                  fcm_on;
	unsigned long        delivered;      /* counters for the stop line */
};

int  delivery_stopping(void);

/* transport.c */
void result_set(struct result *r, enum outcome k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes data to <spool_dir>/<kind>/<name> through a temporary file and a rename, so a
 * reader never sees half a message. 0 or -1 (r filled: retry). */
int  spool_write(struct delivery *d, const char *kind, const char *name, const char *data,
    size_t len, struct result *r);
struct http_answer {
	long   status;          /* 0: no answer (r filled) */
	char  *body;            /* in the arena, NUL-terminated */
	long   retry_after_s;   /* Retry-After, 0 if none */
};
/* One HTTP request on the thread's handle. headers: NULL-terminated "Name: value". */
int  http_request(struct delivery *d, const char *method, const char *url,
    const char *const *headers, const char *body, size_t body_len, const char *userpwd,
    struct http_answer *ans, struct result *r);
/* The outcome of an HTTP status that is not success: 408, 409, 425, 429 and 5xx are
 * passing (retry, after Retry-After when given), any other 4xx is final. */
void http_outcome(const struct http_answer *ans, const char *what, struct result *r);
/* Rows' payload as json-c (owned by the arena); an object, never NULL. */
json_object *payload_of(struct delivery *d, const char *text);
/* Renders template name over data; NULL (with r set dead) when it fails or is missing,
 * or when optional and missing (r untouched). */
char *render(struct delivery *d, const char *name, json_object *data, int optional,
    struct result *r);
/* curl's progress callback: a transfer ends at once when the notifier stops */
int  transfer_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un);

/* mail.c, sms.c, push.c: deliver one row, fill r */
void mail_deliver(struct delivery *d, const struct outbox_row *row, struct result *r);
void sms_deliver(struct delivery *d, const struct outbox_row *row, struct result *r);
void push_deliver(struct delivery *d, const struct outbox_row *row, struct result *r);
int  push_setup(struct delivery *d);     /* reads the FCM key file; 0 or -1 */
void push_cleanup(struct delivery *d);

#endif
