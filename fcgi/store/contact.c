#include "contact.h"

enum stmt {
	STMT_INSERT,
	STMT__MAX
};

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO contact_messages (user_id, name, email, phone, subject,"
	    " message, lang, ip) VALUES (NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)", 8, 0, 0 },
};

struct db_family store_contact = DB_FAMILY("contact", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_contact, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_contact_insert(struct db *db, struct arena *a, const struct contact_new *c, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_INT(c->user_id), DB_STR(c->name),
	    DB_STR(c->email), DB_STR(c->phone), DB_STR(c->subject), DB_STR(c->message),
	    DB_STR(c->lang), DB_STR(c->ip))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}
