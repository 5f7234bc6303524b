#include "outbox.h"

#include <stdlib.h>
#include <string.h>

#include "../core/http.h"

enum stmt {
	STMT_QUEUE,
	STMT_SESSION, STMT_LOCK_DUE, STMT_LEASE, STMT_SENT, STMT_RETRY, STMT_CLOSE,
	STMT_RELEASE, STMT_PREFS,
	STMT__MAX
};

/* Every outcome changes the row only while the caller still holds it. */
#define HELD " WHERE id = ? AND locked_by = ? AND status = 'sending'"
#define UNLOCK " locked_by = NULL, lease_until = NULL"

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_QUEUE] = { "INSERT INTO outbox (channel, user_id, recipient, template, lang,"
	    " subject, payload) VALUES (?, ?, ?, ?, ?, ?, ?)", 7, 0, 0 },
	[STMT_SESSION] = { "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", 0, 0, 0 },
	/* ix_outbox_due (status, next_attempt_at): a claimed row's next_attempt_at is the
	 * end of its lease, so a lease run out is due like any pending row. No ORDER BY:
	 * the index gives pending rows first, then expired leases, then retries, each
	 * oldest first, and the scan stops after max rows. */
	[STMT_LOCK_DUE] = { "SELECT id, channel, IFNULL(user_id, 0), recipient, template, lang,"
	    " subject, payload, attempts FROM outbox FORCE INDEX (ix_outbox_due)"
	    " WHERE status IN ('pending', 'sending', 'failed') AND next_attempt_at <= NOW(3)"
	    " LIMIT ? FOR UPDATE SKIP LOCKED", 1, 9, 0 },
	[STMT_LEASE] = { "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
	    " locked_by = ?, locked_at = NOW(3), lease_until = NOW(3) + INTERVAL ? SECOND,"
	    " next_attempt_at = NOW(3) + INTERVAL ? SECOND WHERE id = ?", 4, 0, 0 },
	[STMT_SENT] = { "UPDATE outbox SET status = 'sent', sent_at = NOW(3)," UNLOCK HELD,
	    2, 0, 0 },
	[STMT_RETRY] = { "UPDATE outbox SET status = 'failed', next_attempt_at = NOW(3) +"
	    " INTERVAL ? MICROSECOND, last_error = LEFT(?, 1000)," UNLOCK HELD, 4, 0, 0 },
	[STMT_CLOSE] = { "UPDATE outbox SET status = ?, last_error = LEFT(?, 1000)," UNLOCK HELD,
	    4, 0, 0 },
	[STMT_RELEASE] = { "UPDATE outbox SET status = IF(attempts > 1, 'failed', 'pending'),"
	    " attempts = GREATEST(attempts, 1) - 1, next_attempt_at = NOW(3)," UNLOCK HELD,
	    2, 0, 0 },
	[STMT_PREFS] = { "SELECT email, phone, is_active = 1 AND is_banned = 0,"
	    " notifications_enabled, email_notifications, sms_notifications, push_notifications,"
	    " IFNULL(JSON_VALUE(settings, '$.marketingEmails') IN ('1', 'true'), 0),"
	    " IFNULL(JSON_VALUE(settings, '$.reviewNotifications') NOT IN ('0', 'false'), 1)"
	    " FROM users WHERE id = ? AND deleted_at IS NULL", 1, 9, 0 },
};

struct db_family store_outbox = DB_FAMILY("outbox", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_outbox, s, DB_ARGS(__VA_ARGS__), res)

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

enum db_rc
db_outbox_session(struct db *db, struct arena *a)
{
	return db_exec(db, a, &store_outbox, STMT_SESSION, DB_NOARGS, NULL);
}

enum db_rc
db_outbox_lock_due(struct db *db, struct arena *a, int max, struct outbox_row **rows,
    size_t *n)
{
	struct db_result res;
	struct outbox_row *r;
	const char *ch, *lang;
	enum db_rc rc;
	size_t i;

	*rows = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_LOCK_DUE, &res, DB_INT(max))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	r = arena_alloc(a, res.nrows * sizeof(*r));
	for (i = 0; i < res.nrows; i++) {
		r[i].id = db_get_ll(&res, i, 0, 0);
		ch = db_get(&res, i, 1);
		r[i].channel = strcmp(ch, "sms") == 0 ? OUTBOX_SMS : strcmp(ch, "push") == 0 ?
		    OUTBOX_PUSH : OUTBOX_EMAIL;
		r[i].user_id = db_get_ll(&res, i, 2, 0);
		r[i].recipient = db_get(&res, i, 3);
		r[i].template_name = db_get(&res, i, 4);
		lang = db_get(&res, i, 5);
		r[i].lang = lang != NULL && strcmp(lang, "en") == 0 ? LANG_EN : LANG_AR;
		r[i].subject = db_get(&res, i, 6);
		r[i].payload = db_get(&res, i, 7);
		r[i].attempts = (int)db_get_ll(&res, i, 8, 0) + 1;
	}
	*rows = r;
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_outbox_lease(struct db *db, struct arena *a, long long id, const char *owner,
    int lease_seconds)
{
	return RUN(db, a, STMT_LEASE, NULL, DB_STR(owner), DB_INT(lease_seconds),
	    DB_INT(lease_seconds), DB_INT(id));
}

static enum db_rc
changed_of(enum db_rc rc, const struct db_result *res, int *changed)
{
	if (changed != NULL)
		*changed = rc == DB_OK && res->affected > 0;
	return rc;
}

enum db_rc
db_outbox_sent(struct db *db, struct arena *a, long long id, const char *owner, int *changed)
{
	struct db_result res;

	return changed_of(RUN(db, a, STMT_SENT, &res, DB_INT(id), DB_STR(owner)), &res,
	    changed);
}

enum db_rc
db_outbox_retry(struct db *db, struct arena *a, long long id, const char *owner,
    long long delay_ms, const char *error, int *changed)
{
	struct db_result res;

	return changed_of(RUN(db, a, STMT_RETRY, &res, DB_INT(delay_ms * 1000), DB_STR(error),
	    DB_INT(id), DB_STR(owner)), &res, changed);
}

enum db_rc
db_outbox_close(struct db *db, struct arena *a, long long id, const char *owner,
    const char *status, const char *error, int *changed)
{
	struct db_result res;

	return changed_of(RUN(db, a, STMT_CLOSE, &res, DB_STR(status), DB_STR(error),
	    DB_INT(id), DB_STR(owner)), &res, changed);
}

enum db_rc
db_outbox_release(struct db *db, struct arena *a, long long id, const char *owner)
{
	return RUN(db, a, STMT_RELEASE, NULL, DB_INT(id), DB_STR(owner));
}

enum db_rc
db_outbox_prefs(struct db *db, struct arena *a, long long user_id, struct notify_prefs *out)
{
	struct db_result res;
	const char *email;
	enum db_rc rc;
	size_t len;

	if ((rc = RUN(db, a, STMT_PREFS, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	memset(out, 0, sizeof(*out));
	email = db_get(&res, 0, 0);
	out->reachable = db_get_ll(&res, 0, 2, 0) != 0;
	out->enabled = db_get_ll(&res, 0, 3, 0) != 0;
	out->email = db_get_ll(&res, 0, 4, 0) != 0;
	out->sms = db_get_ll(&res, 0, 5, 0) != 0;
	out->push = db_get_ll(&res, 0, 6, 0) != 0;
	out->marketing = db_get_ll(&res, 0, 7, 0) != 0;
	out->reviews = db_get_ll(&res, 0, 8, 1) != 0;
	/* as notify() judges it: an anonymized address ends in .invalid */
	len = email != NULL ? strlen(email) : 0;
	out->has_email = len > 0 && (len < 8 || strcmp(email + len - 8, ".invalid") != 0);
	out->has_phone = db_get(&res, 0, 1) != NULL && *db_get(&res, 0, 1) != '\0';
	return DB_OK;
}
