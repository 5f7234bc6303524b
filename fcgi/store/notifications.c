#include "notifications.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../core/http.h"
#include "outbox.h"

/* The list variants: bit 0 a read state, bit 1 a type. */
enum { V_ALL, V_READ, V_TYPE, V_TYPE_READ, V__MAX };

enum stmt {
	STMT_RECIPIENT,
	STMT_INSERT,
	STMT_COUNT_NEW,
	STMT_REALTIME_ONE,
	STMT_SEND_NEW,
	STMT_FANOUT_ROLE,
	STMT_FANOUT_ALL,
	STMT_REALTIME_SEND,
	STMT_COUNT_SEND,
	STMT_SEND_DONE,
	STMT_COUNTS,
	STMT_VIEW,
	STMT_READ_ONE,
	STMT_OWNS,
	STMT_UNREAD_SUB,
	STMT_READ_ALL,
	STMT_LOCK_ONE,
	STMT_DELETE,
	STMT_COUNT_DELETE,
	STMT_READ_EVENT,
	STMT_PAGE,
	STMT_TYPE_COUNT = STMT_PAGE + V__MAX,        /* V_TYPE and V_TYPE_READ only */
	STMT__MAX = STMT_TYPE_COUNT + 2
};

/* A notification as the API shows it: seed 000's titleAr/messageAr names; title and
 * message in the reply's language are added by the handler. */
#define VIEW_SELECT \
	"SELECT n.id, n.type, n.title_ar AS titleAr, n.title_en AS titleEn," \
	" n.body_ar AS messageAr, n.body_en AS messageEn, n.data AS `data:json`," \
	" n.is_read AS isRead, n.read_at AS readAt, n.created_at AS createdAt"
#define VIEW_NCOLS 10

/* The realtime event's payload: the notification as the list shows it. */
#define PAYLOAD \
	"JSON_OBJECT('id', n.id, 'userId', n.user_id, 'type', n.type, 'titleAr', n.title_ar," \
	" 'titleEn', n.title_en, 'messageAr', n.body_ar, 'messageEn', n.body_en," \
	" 'data', JSON_QUERY(n.data, '$'), 'isRead', JSON_EXTRACT('false', '$')," \
	" 'createdAt', CONCAT(DATE_FORMAT(n.created_at, '%Y-%m-%dT%H:%i:%s.')," \
	" LPAD(MICROSECOND(n.created_at) DIV 1000, 3, '0'), 'Z'))"
#define REALTIME(where) "INSERT INTO realtime_events (room, event, payload)" \
	" SELECT CONCAT('user:', n.user_id), 'notification:new', " PAYLOAD \
	" FROM notifications n WHERE " where

#define FANOUT(ix, where) "INSERT INTO notifications (user_id, type, title_ar, title_en," \
	" body_ar, body_en, data, send_id) SELECT u.id, ?, ?, ?, ?, ?, ?, ?" \
	" FROM users u FORCE INDEX (" ix ") WHERE " where "u.list_state = 'active'"

/* A page: the variant's index read backwards from the key (created_at, id). */
#define PAGE(ix, where) DB_LIST_LIMIT VIEW_SELECT " FROM notifications n FORCE INDEX (" ix \
	") WHERE n.user_id = ? AND " where " n.created_at <= ? AND (n.created_at < ? OR" \
	" n.id < ?) ORDER BY n.created_at DESC, n.id DESC LIMIT ? OFFSET ?"
/* a capped count: at most NOTIFICATIONS_WINDOW + 1 index entries */
#define TYPE_COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM" \
	" notifications n FORCE INDEX (" ix ") WHERE n.user_id = ? AND n.type = ?" where \
	" LIMIT ?) t"
#define W_READ " n.is_read = ? AND"
#define W_TYPE "n.type = ? AND"

static const struct db_stmt stmts[STMT__MAX] = {
	/* what the channel rules read (notify_rules.h); seed 002's settings default to
	 * marketingEmails off and reviewNotifications on */
	[STMT_RECIPIENT] = { "SELECT email, phone, preferred_language,"
	    " is_active = 1 AND is_banned = 0, notifications_enabled, email_notifications,"
	    " sms_notifications, push_notifications,"
	    " IFNULL(JSON_VALUE(settings, '$.marketingEmails') IN ('1', 'true'), 0),"
	    " IFNULL(JSON_VALUE(settings, '$.reviewNotifications') NOT IN ('0', 'false'), 1)"
	    " FROM users WHERE id = ? AND deleted_at IS NULL", 1, 10, 0 },
	[STMT_INSERT] = { "INSERT INTO notifications (user_id, type, title_ar, title_en,"
	    " body_ar, body_en, data) VALUES (?, ?, ?, ?, ?, ?, ?)", 7, 0, 0 },
	[STMT_COUNT_NEW] = { "INSERT INTO notification_counts (user_id, total, unread)"
	    " VALUES (?, 1, 1) ON DUPLICATE KEY UPDATE total = total + 1, unread = unread + 1",
	    1, 0, 0 },
	[STMT_REALTIME_ONE] = { REALTIME("n.id = ?"), 1, 0, 0 },
	[STMT_SEND_NEW] = { "INSERT INTO notification_sends (sender_id, audience, role)"
	    " VALUES (?, ?, ?)", 3, 0, 0 },
	/* the recipients: active users (not banned, deactivated or deleted), read from the
	 * users lists' state indexes (0002) */
	[STMT_FANOUT_ROLE] = { FANOUT("ix_users_list_role_state", "u.role = ? AND "), 8, 0, 0 },
	[STMT_FANOUT_ALL] = { FANOUT("ix_users_list_state", ""), 7, 0, 0 },
	[STMT_REALTIME_SEND] = { REALTIME("n.send_id = ?"), 1, 0, 0 },
	[STMT_COUNT_SEND] = { "INSERT INTO notification_counts (user_id, total, unread)"
	    " SELECT n.user_id, 1, 1 FROM notifications n WHERE n.send_id = ?"
	    " ON DUPLICATE KEY UPDATE total = total + 1, unread = unread + 1", 1, 0, 0 },
	[STMT_SEND_DONE] = { "UPDATE notification_sends SET recipients = ? WHERE id = ?", 2,
	    0, 0 },
	[STMT_COUNTS] = { "SELECT total, unread FROM notification_counts WHERE user_id = ?", 1,
	    2, 0 },
	[STMT_VIEW] = { VIEW_SELECT " FROM notifications n WHERE n.id = ? AND n.user_id = ?",
	    2, VIEW_NCOLS, 0 },
	/* only an unread row changes: of two requests marking it, one counts it */
	[STMT_READ_ONE] = { "UPDATE notifications SET is_read = 1,"
	    " read_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND user_id = ? AND is_read = 0", 2,
	    0, 0 },
	[STMT_OWNS] = { "SELECT 1 FROM notifications WHERE id = ? AND user_id = ?", 2, 1, 0 },
	[STMT_UNREAD_SUB] = { "UPDATE notification_counts SET unread = unread - ?"
	    " WHERE user_id = ?", 2, 0, 0 },
	[STMT_READ_ALL] = { "UPDATE notifications SET is_read = 1,"
	    " read_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND is_read = 0", 1, 0, 0 },
	[STMT_LOCK_ONE] = { "SELECT is_read FROM notifications WHERE id = ? AND user_id = ?"
	    " FOR UPDATE", 2, 1, 0 },
	[STMT_DELETE] = { "DELETE FROM notifications WHERE id = ? AND user_id = ?", 2, 0, 0 },
	[STMT_COUNT_DELETE] = { "UPDATE notification_counts SET total = total - 1,"
	    " unread = unread - ? WHERE user_id = ?", 2, 0, 0 },
	/* the user's other devices follow: what was read and the unread count after */
	[STMT_READ_EVENT] = { "INSERT INTO realtime_events (room, event, payload)"
	    " SELECT CONCAT('user:', ?), 'notification:read',"
	    " JSON_SET(?, '$.unreadCount', IFNULL(MAX(c.unread), 0))"
	    " FROM notification_counts c WHERE c.user_id = ?", 3, 0, 0 },
	[STMT_PAGE + V_ALL] = { PAGE("ix_notifications_user", ""), 6, VIEW_NCOLS, DBS_LIST },
	[STMT_PAGE + V_READ] = { PAGE("ix_notifications_user_read", W_READ), 7, VIEW_NCOLS,
	    DBS_LIST },
	[STMT_PAGE + V_TYPE] = { PAGE("ix_notifications_user_type", W_TYPE), 7, VIEW_NCOLS,
	    DBS_LIST },
	[STMT_PAGE + V_TYPE_READ] = { PAGE("ix_notifications_user_type_read", W_TYPE W_READ),
	    8, VIEW_NCOLS, DBS_LIST },
	[STMT_TYPE_COUNT] = { TYPE_COUNT("ix_notifications_user_type", ""), 3, 1, DBS_LIST },
	[STMT_TYPE_COUNT + 1] = { TYPE_COUNT("ix_notifications_user_type_read",
	    " AND n.is_read = ?"), 4, 1, DBS_LIST },
};

/* --explain-lists: the widest case of each variant (the top of a user's list). */
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
#define S_USER DB_SAMPLE_INT(1)
#define S_TYPE DB_SAMPLE_STR("booking_status")
#define S_READ DB_SAMPLE_INT(0)
static const struct db_arg s_all[] = { S_USER, S_KEY, S_PAGE };
static const struct db_arg s_read[] = { S_USER, S_READ, S_KEY, S_PAGE };
static const struct db_arg s_type[] = { S_USER, S_TYPE, S_KEY, S_PAGE };
static const struct db_arg s_type_read[] = { S_USER, S_TYPE, S_READ, S_KEY, S_PAGE };
static const struct db_arg s_count[] = { S_USER, S_TYPE,
	DB_SAMPLE_INT(NOTIFICATIONS_WINDOW + 1) };
static const struct db_arg s_count_read[] = { S_USER, S_TYPE, S_READ,
	DB_SAMPLE_INT(NOTIFICATIONS_WINDOW + 1) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_PAGE + V_ALL] = DB_SAMPLE(s_all),
	[STMT_PAGE + V_READ] = DB_SAMPLE(s_read),
	[STMT_PAGE + V_TYPE] = DB_SAMPLE(s_type),
	[STMT_PAGE + V_TYPE_READ] = DB_SAMPLE(s_type_read),
	[STMT_TYPE_COUNT] = DB_SAMPLE(s_count),
	[STMT_TYPE_COUNT + 1] = DB_SAMPLE(s_count_read),
};

struct db_family store_notifications = DB_FAMILY_SAMPLES("notifications", stmts, samples);

#define RUN(db, a, s, res, ...) \
	db_exec(db, a, &store_notifications, s, DB_ARGS(__VA_ARGS__), res)

/* --- notify() --- */

/* The recipient's preferences and addresses. */
struct recipient {
	struct notify_prefs prefs;
	const char         *email, *phone;
	enum lang           lang;
};

static enum db_rc
recipient_read(struct db *db, struct arena *a, long long user_id, struct recipient *out)
{
	struct db_result res;
	const char *lang;
	size_t len;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_RECIPIENT, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->email = db_get(&res, 0, 0);
	out->phone = db_get(&res, 0, 1);
	lang = db_get(&res, 0, 2);
	out->lang = lang != NULL && strcmp(lang, "en") == 0 ? LANG_EN : LANG_AR;
	out->prefs.reachable = db_get_ll(&res, 0, 3, 0) != 0;
	out->prefs.enabled = db_get_ll(&res, 0, 4, 0) != 0;
	out->prefs.email = db_get_ll(&res, 0, 5, 0) != 0;
	out->prefs.sms = db_get_ll(&res, 0, 6, 0) != 0;
	out->prefs.push = db_get_ll(&res, 0, 7, 0) != 0;
	out->prefs.marketing = db_get_ll(&res, 0, 8, 0) != 0;
	out->prefs.reviews = db_get_ll(&res, 0, 9, 1) != 0;
	/* an anonymized account's address ends in .invalid (RFC 2606): nobody reads it */
	len = out->email != NULL ? strlen(out->email) : 0;
	out->prefs.has_email = len > 0 && (len < 8 || strcmp(out->email + len - 8, ".invalid") != 0);
	out->prefs.has_phone = out->phone != NULL && *out->phone != '\0';
	return DB_OK;
}

/* One outbox row per channel: the template's data in the recipient's language. */
static enum db_rc
queue_channels(struct db *db, struct arena *a, const struct notification_new *n,
    const struct recipient *to, long long id, unsigned channels)
{
	const char *title = to->lang == LANG_EN ? n->title_en : n->title_ar;
	const char *body = to->lang == LANG_EN ? n->body_en : n->body_ar;
	json_object *p = json_owned(a, json_object_new_object());
	const char *push_to = arena_printf(a, "user:%lld", n->user_id);
	enum db_rc rc = DB_OK;

	json_object_object_add(p, "notificationId", json_object_new_int64(id));
	json_object_object_add(p, "type", json_object_new_string(n->type));
	json_object_object_add(p, "title", json_object_new_string(title));
	json_object_object_add(p, "message", json_object_new_string(body));
	if (n->data != NULL)
		json_object_object_add(p, "data", json_object_get(n->data));
	/* push goes to the user's devices, which the notifier looks up when it delivers */
	if ((channels & NOTIFY_EMAIL) && (rc = db_outbox_queue(db, a, OUTBOX_EMAIL, n->user_id,
	    to->email, NOTIFY_TEMPLATE, to->lang, title, p)) != DB_OK)
		return rc;
	if ((channels & NOTIFY_SMS) && (rc = db_outbox_queue(db, a, OUTBOX_SMS, n->user_id,
	    to->phone, NOTIFY_TEMPLATE, to->lang, NULL, p)) != DB_OK)
		return rc;
	if ((channels & NOTIFY_PUSH) && (rc = db_outbox_queue(db, a, OUTBOX_PUSH, n->user_id,
	    push_to, NOTIFY_TEMPLATE, to->lang, title, p)) != DB_OK)
		return rc;
	return DB_OK;
}

enum db_rc
notify(struct db *db, struct arena *a, const struct notification_new *n,
    struct notify_result *out)
{
	struct recipient to;
	struct db_result res;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = recipient_read(db, a, n->user_id, &to)) != DB_OK)
		return rc;
	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_INT(n->user_id), DB_STR(n->type),
	    DB_STR(n->title_ar), DB_STR(n->title_en), DB_STR(n->body_ar), DB_STR(n->body_en),
	    n->data != NULL ? DB_STR(json_text(a, n->data, NULL)) : DB_NULL)) != DB_OK)
		return rc;
	out->id = (long long)res.insert_id;
	if ((rc = RUN(db, a, STMT_COUNT_NEW, NULL, DB_INT(n->user_id))) != DB_OK ||
	    (rc = RUN(db, a, STMT_REALTIME_ONE, NULL, DB_INT(out->id))) != DB_OK)
		return rc;
	out->channels = notify_channels(n->channels, n->type, &to.prefs);
	return queue_channels(db, a, n, &to, out->id, out->channels);
}

enum db_rc
notify_msg(struct db *db, struct arena *a, long long user_id, const char *type,
    enum msg title, enum msg body, json_object *data, unsigned channels,
    struct notify_result *out)
{
	struct notification_new n = { user_id, type, msg_text(LANG_AR, title),
		msg_text(LANG_EN, title), msg_text(LANG_AR, body), msg_text(LANG_EN, body), data,
		channels };

	return notify(db, a, &n, out);
}

/* --- an admin's send --- */

enum db_rc
db_notifications_send(struct db *db, struct arena *a, const struct notification_send *s,
    long long *recipients)
{
	struct db_result res;
	const char *data = s->data != NULL ? json_text(a, s->data, NULL) : NULL;
	long long send_id;
	enum db_rc rc;

	*recipients = 0;
	if ((rc = RUN(db, a, STMT_SEND_NEW, &res, s->sender_id > 0 ? DB_INT(s->sender_id) :
	    DB_NULL, DB_STR(s->role != NULL ? "role" : "all"), DB_STR(s->role))) != DB_OK)
		return rc;
	send_id = (long long)res.insert_id;
	if (s->role != NULL)
		rc = RUN(db, a, STMT_FANOUT_ROLE, &res, DB_STR(s->type), DB_STR(s->title_ar),
		    DB_STR(s->title_en), DB_STR(s->body_ar), DB_STR(s->body_en), DB_STR(data),
		    DB_INT(send_id), DB_STR(s->role));
	else
		rc = RUN(db, a, STMT_FANOUT_ALL, &res, DB_STR(s->type), DB_STR(s->title_ar),
		    DB_STR(s->title_en), DB_STR(s->body_ar), DB_STR(s->body_en), DB_STR(data),
		    DB_INT(send_id));
	if (rc != DB_OK)
		return rc;
	*recipients = (long long)res.affected;
	if ((rc = RUN(db, a, STMT_REALTIME_SEND, NULL, DB_INT(send_id))) != DB_OK ||
	    (rc = RUN(db, a, STMT_COUNT_SEND, NULL, DB_INT(send_id))) != DB_OK)
		return rc;
	return RUN(db, a, STMT_SEND_DONE, NULL, DB_INT(*recipients), DB_INT(send_id));
}

/* --- reads --- */

enum db_rc
db_notifications_counts(struct db *db, struct arena *a, long long user_id, long long *total,
    long long *unread)
{
	struct db_result res;
	enum db_rc rc;

	*total = *unread = 0;
	if ((rc = RUN(db, a, STMT_COUNTS, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows > 0) {
		*total = db_get_ll(&res, 0, 0, 0);
		*unread = db_get_ll(&res, 0, 1, 0);
	}
	return DB_OK;
}

enum db_rc
db_notifications_list(struct db *db, struct arena *a, const struct notification_list_query *q,
    struct notification_list_page *out)
{
	struct db_arg args[8];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX, total;
	unsigned v = (q->type != NULL ? 2u : 0u) + (q->is_read >= 0 ? 1u : 0u);
	size_t n = 0, nf;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = db_notifications_counts(db, a, q->user_id, &total, &out->unread)) != DB_OK)
		return rc;
	args[n++] = DB_INT(q->user_id);
	if (q->type != NULL)
		args[n++] = DB_STR(q->type);
	if (q->is_read >= 0)
		args[n++] = DB_INT(q->is_read);
	nf = n;
	if (q->type != NULL) {
		/* a type's total is a capped count over its index */
		args[n++] = DB_INT(NOTIFICATIONS_WINDOW + 1);
		if ((rc = db_exec(db, a, &store_notifications, STMT_TYPE_COUNT + (v & 1u), args, n,
		    &res)) != DB_OK)
			return rc;
		out->total = db_get_ll(&res, 0, 0, 0);
		if ((out->total_capped = out->total > NOTIFICATIONS_WINDOW))
			out->total = NOTIFICATIONS_WINDOW;
	} else {
		/* every type: the counters */
		out->total = q->is_read < 0 ? total : q->is_read ? total - out->unread : out->unread;
	}
	n = nf;
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(q->offset);
	if ((rc = db_exec(db, a, &store_notifications, STMT_PAGE + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, "createdAt", out->next_at, &out->next_id);
	out->items = store_page_rows(&res, q->limit);
	return DB_OK;
}

enum db_rc
db_notifications_view(struct db *db, struct arena *a, long long user_id, long long id,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id), DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

/* --- changes --- */

enum db_rc
db_notifications_read(struct db *db, struct arena *a, long long user_id, long long id,
    int *changed)
{
	struct db_result res;
	enum db_rc rc;

	*changed = 0;
	if ((rc = RUN(db, a, STMT_READ_ONE, &res, DB_INT(id), DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.affected == 0) {
		if ((rc = RUN(db, a, STMT_OWNS, &res, DB_INT(id), DB_INT(user_id))) != DB_OK)
			return rc;
		return res.nrows > 0 ? DB_OK : DB_NOTFOUND;
	}
	*changed = 1;
	return RUN(db, a, STMT_UNREAD_SUB, NULL, DB_INT(1), DB_INT(user_id));
}

enum db_rc
db_notifications_read_all(struct db *db, struct arena *a, long long user_id, long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = RUN(db, a, STMT_READ_ALL, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if ((*n = (long long)res.affected) == 0)
		return DB_OK;
	return RUN(db, a, STMT_UNREAD_SUB, NULL, DB_INT(*n), DB_INT(user_id));
}

enum db_rc
db_notifications_delete(struct db *db, struct arena *a, long long user_id, long long id)
{
	struct db_result res;
	long long unread;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK_ONE, &res, DB_INT(id), DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	unread = db_get_ll(&res, 0, 0, 1) == 0;
	if ((rc = RUN(db, a, STMT_DELETE, NULL, DB_INT(id), DB_INT(user_id))) != DB_OK)
		return rc;
	return RUN(db, a, STMT_COUNT_DELETE, NULL, DB_INT(unread), DB_INT(user_id));
}

enum db_rc
db_notifications_read_event(struct db *db, struct arena *a, long long user_id,
    json_object *what)
{
	return RUN(db, a, STMT_READ_EVENT, NULL, DB_INT(user_id),
	    DB_STR(json_text(a, what, NULL)), DB_INT(user_id));
}
