#include "outbox.h"

#include "../core/http.h"

enum stmt { STMT_QUEUE, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_QUEUE] = { "INSERT INTO outbox (channel, user_id, recipient, template, lang,"
	    " subject, payload) VALUES (?, ?, ?, ?, ?, ?, ?)", 7, 0, 0 },
};

struct db_family store_outbox = DB_FAMILY("outbox", stmts);

enum db_rc
db_outbox_queue(struct db *db, struct arena *a, enum outbox_channel ch, long long user_id,
    const char *recipient, const char *template_name, enum lang lang, const char *subject,
    json_object *payload)
{
	static const char *const channels[] = { "email", "sms", "push" };

	return db_exec(db, a, &store_outbox, STMT_QUEUE, DB_ARGS(DB_STR(channels[ch]),
	    user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_STR(recipient), DB_STR(template_name),
	    DB_STR(lang_code(lang)), DB_STR(subject), DB_STR(json_text(a, payload, NULL))), NULL);
}
