#include "outbox.h"

#include "http.h"

static const char SQL_QUEUE[] =
    "INSERT INTO outbox (channel, user_id, recipient, template, lang, subject, payload)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

enum db_rc
outbox_queue(struct db *db, struct arena *a, enum outbox_channel ch, long long user_id,
    const char *recipient, const char *template_name, enum lang lang, const char *subject,
    json_object *payload)
{
	static const char *const channels[] = { "email", "sms", "push" };

	return db_run(db, a, SQL_QUEUE, DB_ARGS(DB_STR(channels[ch]),
	    user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_STR(recipient), DB_STR(template_name),
	    DB_STR(lang_code(lang)), DB_STR(subject), DB_STR(json_text(a, payload, NULL))), NULL);
}
