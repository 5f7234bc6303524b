/* Messages to users (email, SMS, push) are rows in `outbox`, written in the same
 * transaction as the change that caused them; the notifier delivers them
 * (docs/notifications.md, "Delivery"). */
#ifndef WARSHA_STORE_OUTBOX_H
#define WARSHA_STORE_OUTBOX_H

#include <json-c/json.h>

#include "../core/i18n.h"
#include "../domain/notify_rules.h"
#include "store.h"

enum outbox_channel { OUTBOX_EMAIL, OUTBOX_SMS, OUTBOX_PUSH };

/* payload is not taken; it holds the template's data (a code to send, a name...). */
enum db_rc db_outbox_queue(struct db *db, struct arena *a, enum outbox_channel ch,
    long long user_id, const char *recipient, const char *template_name, enum lang lang,
    const char *subject, json_object *payload);

/* --- delivery (the notifier) --- */

/* One claimed row; strings in the arena. */
struct outbox_row {
	long long           id;
	enum outbox_channel channel;
	long long           user_id;     /* 0: none */
	const char         *recipient;
	const char         *template_name;
	enum lang           lang;
	const char         *subject;     /* NULL: the template's */
	const char         *payload;     /* JSON text */
	int                 attempts;    /* this one included */
};

/* The claim's isolation: READ COMMITTED for this connection, so that the claim's
 * FOR UPDATE locks the rows it returns and no gaps (inserts of new rows never wait on
 * a claim). */
enum db_rc db_outbox_session(struct db *db, struct arena *a);
/* Inside a transaction: up to max due rows (pending, failed and due, or a lease run
 * out), locked FOR UPDATE SKIP LOCKED, so notifiers side by side never take the same
 * row. *rows in the arena. */
enum db_rc db_outbox_lock_due(struct db *db, struct arena *a, int max,
    struct outbox_row **rows, size_t *n);
/* Inside the same transaction: the row is owner's for lease_seconds; attempts + 1. */
enum db_rc db_outbox_lease(struct db *db, struct arena *a, long long id, const char *owner,
    int lease_seconds);
/* The outcomes; each changes the row only while owner still holds its lease (a row
 * whose lease ran out and was claimed again is the new owner's). *changed: 0 or 1. */
enum db_rc db_outbox_sent(struct db *db, struct arena *a, long long id, const char *owner,
    int *changed);
enum db_rc db_outbox_retry(struct db *db, struct arena *a, long long id, const char *owner,
    long long delay_ms, const char *error, int *changed);
/* status: "dead" (given up; error kept) or "skipped" (nothing to send) */
enum db_rc db_outbox_close(struct db *db, struct arena *a, long long id, const char *owner,
    const char *status, const char *error, int *changed);
/* Back to due now, the claim's attempt not counted (the notifier is stopping). */
enum db_rc db_outbox_release(struct db *db, struct arena *a, long long id, const char *owner);

/* What the channel rules read of the recipient now (notify_rules.h); DB_NOTFOUND for
 * a user that is gone. */
enum db_rc db_outbox_prefs(struct db *db, struct arena *a, long long user_id,
    struct notify_prefs *out);

#endif
