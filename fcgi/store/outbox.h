/* Messages to users (email, SMS, push) are rows in `outbox`, written in the same
 * transaction as the change that caused them; the notifier delivers them. */
#ifndef WARSHA_STORE_OUTBOX_H
#define WARSHA_STORE_OUTBOX_H

#include <json-c/json.h>

#include "../core/i18n.h"
#include "store.h"

enum outbox_channel { OUTBOX_EMAIL, OUTBOX_SMS, OUTBOX_PUSH };

/* payload is not taken; it holds the template's data (a code to send, a name...). */
enum db_rc db_outbox_queue(struct db *db, struct arena *a, enum outbox_channel ch,
    long long user_id, const char *recipient, const char *template_name, enum lang lang,
    const char *subject, json_object *payload);

#endif
