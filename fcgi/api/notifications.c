/* /api/notifications: a user's in-app notifications (seed 000 "Notification
 * Endpoints", seed 001 §5.11, seed 002's /api/notification, seed 004's
 * /api/v1/notifications) and an admin's send (docs/notifications.md).
 *
 * A user reads, marks and deletes their own notifications only: someone else's id is
 * 404, as if there were none. Every change keeps the user's counters in the same unit
 * of work (fcgi/store/notifications.h), so unreadCount is one primary-key read. */
#include <string.h>

#include "../core/router.h"
#include "../domain/identity.h"
#include "../domain/notify_rules.h"
#include "../store/activity.h"
#include "../store/notifications.h"
#include "../store/user_lists.h"
#include "api.h"

/* Most ids seed 001's mark-read takes at once. */
#define MARK_READ_MAX 100

/* title and message in the reply's language beside both languages (seed 001 and 002
 * read one title and one message). */
static void
shape(const struct req *r, json_object *n)
{
	json_object *v;

	if (json_object_object_get_ex(n, r->lang == LANG_EN ? "titleEn" : "titleAr", &v))
		json_object_object_add(n, "title", json_object_get(v));
	if (json_object_object_get_ex(n, r->lang == LANG_EN ? "messageEn" : "messageAr", &v))
		json_object_object_add(n, "message", json_object_get(v));
}

/* data: extra members, and the caller's unread count after the change. */
static enum err
reply_counted(struct req *r, int status, enum msg m, json_object *data)
{
	long long total, unread;
	enum db_rc rc;

	if ((rc = db_notifications_counts(r->db, r->a, r->user.id, &total, &unread)) != DB_OK) {
		json_object_put(data);
		return fail_db(r, rc);
	}
	json_object_object_add(data, "unreadCount", json_object_new_int64(unread));
	return reply_ok(r, status, m, data);
}

/* --- the list --- */

struct list_in {
	struct in_val page, limit, cursor, is_read, type;
};

static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "isRead", V_BOOL, 0, 0, 0, NULL, IN(struct list_in, is_read), NULL },
	{ "type", V_ENUM, 0, 0, 0, notify_types, IN(struct list_in, type), NULL },
};

const struct input notifications_list_query = INPUT(struct list_in, list_fields, NULL);

/* The list envelope (docs/api-conventions.md) with seed 000's unreadCount beside
 * pagination: the unread notifications of every type, whatever the filters. */
static enum err
reply_page(struct req *r, const struct notification_list_page *out, const struct page *p)
{
	json_object *root = json_object_new_object(), *pg = json_object_new_object();

	json_object_object_add(root, "success", json_object_new_boolean(1));
	json_object_object_add(root, "message", json_object_new_string(
	    msg_text(r->lang, MSG_NOTIFICATION_LIST)));
	json_object_object_add(root, "data", out->items);
	json_object_object_add(pg, "page", json_object_new_int64(p->page));
	json_object_object_add(pg, "limit", json_object_new_int64(p->limit));
	json_object_object_add(pg, "totalPages", json_object_new_int64(
	    (p->total + p->limit - 1) / p->limit));
	json_object_object_add(pg, "totalItems", json_object_new_int64(p->total));
	if (p->total_capped)
		json_object_object_add(pg, "totalIsLowerBound", json_object_new_boolean(1));
	json_object_object_add(pg, "nextCursor", json_new_str(p->next_cursor));
	json_object_object_add(root, "pagination", pg);
	json_object_object_add(root, "unreadCount", json_object_new_int64(out->unread));
	return reply_json(r, 200, root);
}

enum err
notifications_list(struct req *r)
{
	const struct list_in *in = r->qin;
	struct notification_list_query q;
	struct notification_list_page out;
	struct list_pos pos;
	enum err e;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	size_t i;
	enum db_rc rc;

	memset(&q, 0, sizeof(q));
	q.user_id = r->user.id;
	q.limit = in->limit.set ? in->limit.i : 10;
	q.is_read = in->is_read.set ? (int)in->is_read.i : -1;
	q.type = in->type.set ? in->type.s : NULL;
	if ((e = list_position(r, &in->cursor, page, q.limit, NOTIFICATIONS_WINDOW, &pos)) !=
	    ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if ((rc = db_notifications_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < json_object_array_length(out.items); i++)
		shape(r, json_object_array_get_idx(out.items, i));
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_page(r, &out, &pg);
}

/* --- marking read, deleting --- */

struct one_tx {
	long long id;
	long long n;
};

/* notification:read for the caller's other devices: ids (an array, taken), or every
 * notification when ids is NULL. */
static enum db_rc
read_event_of(struct req *r, json_object *ids)
{
	json_object *what = json_owned(r->a, json_object_new_object());

	if (ids != NULL)
		json_object_object_add(what, "ids", ids);
	else
		json_object_object_add(what, "all", json_object_new_boolean(1));
	return db_notifications_read_event(r->db, r->a, r->user.id, what);
}

static enum db_rc
read_event(struct req *r, long long id)
{
	json_object *ids = json_object_new_array();

	json_object_array_add(ids, json_object_new_int64(id));
	return read_event_of(r, ids);
}

static enum err
read_work(struct req *r, void *ctx)
{
	struct one_tx *t = ctx;
	int changed;
	enum db_rc rc;

	if ((rc = db_notifications_read(r->db, r->a, r->user.id, t->id, &changed)) != DB_OK)
		return fail_db(r, rc);
	if ((t->n = changed) && (rc = read_event(r, t->id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Marking an already read notification is no error: the answer is the same. */
enum err
notifications_read(struct req *r)
{
	struct one_tx t = { 0, 0 };
	json_object *data, *n;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, read_work, &t)) != ERR_OK)
		return e;
	if ((rc = db_notifications_view(r->db, r->a, r->user.id, t.id, &n)) != DB_OK)
		return fail_db(r, rc);
	shape(r, n);
	data = json_object_new_object();
	json_object_object_add(data, "notification", n);
	return reply_counted(r, 200, MSG_NOTIFICATION_READ, data);
}

static enum err
read_all_work(struct req *r, void *ctx)
{
	struct one_tx *t = ctx;
	enum db_rc rc;

	if ((rc = db_notifications_read_all(r->db, r->a, r->user.id, &t->n)) != DB_OK ||
	    (t->n > 0 && (rc = read_event_of(r, NULL)) != DB_OK))
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
notifications_read_all(struct req *r)
{
	struct one_tx t = { 0, 0 };
	json_object *data;
	enum err e;

	if ((e = req_tx(r, read_all_work, &t)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "updated", json_object_new_int64(t.n));
	return reply_counted(r, 200, MSG_NOTIFICATION_READ_ALL, data);
}

/* seed 001: {"ids": [3, 4]}; ids that are not the caller's are passed over */
struct mark_in {
	struct in_val ids;
};

static const char *
check_ids(struct in_val *v, struct arena *a, enum msg *msg)
{
	size_t i, n = json_object_array_length(v->j);

	(void)a;
	*msg = MSG_V_NOTIFY_IDS;
	if (n == 0 || n > MARK_READ_MAX)
		return "INVALID_VALUE";
	for (i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(v->j, i);

		if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 1)
			return "INVALID_VALUE";
	}
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield mark_fields[] = {
	{ "ids", V_ARRAY, VF_REQUIRED, 0, MARK_READ_MAX, NULL, IN(struct mark_in, ids), check_ids },
};

const struct input notifications_mark_read_input = INPUT(struct mark_in, mark_fields, NULL);

static enum err
mark_work(struct req *r, void *ctx)
{
	const struct mark_in *in = r->in;
	struct one_tx *t = ctx;
	json_object *done = json_owned(r->a, json_object_new_array());
	size_t i, n = json_object_array_length(in->ids.j);
	int changed;
	enum db_rc rc;

	t->n = 0;
	for (i = 0; i < n; i++) {
		long long id = json_object_get_int64(json_object_array_get_idx(in->ids.j, i));

		rc = db_notifications_read(r->db, r->a, r->user.id, id, &changed);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return fail_db(r, rc);
		if (rc == DB_OK && changed) {
			json_object_array_add(done, json_object_new_int64(id));
			t->n++;
		}
	}
	if (t->n > 0 && (rc = read_event_of(r, json_object_get(done))) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
notifications_mark_read(struct req *r)
{
	struct one_tx t = { 0, 0 };
	json_object *data;
	enum err e;

	if ((e = req_tx(r, mark_work, &t)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "updated", json_object_new_int64(t.n));
	return reply_counted(r, 200, MSG_NOTIFICATION_READ, data);
}

static enum err
delete_work(struct req *r, void *ctx)
{
	struct one_tx *t = ctx;
	enum db_rc rc;

	if ((rc = db_notifications_delete(r->db, r->a, r->user.id, t->id)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
notifications_delete(struct req *r)
{
	struct one_tx t = { 0, 0 };
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, delete_work, &t)) != ERR_OK)
		return e;
	return reply_counted(r, 200, MSG_NOTIFICATION_DELETED, json_object_new_object());
}

/* --- an admin's send (seed 000) --- */

struct send_in {
	struct in_val user_id, role, all, type;
	struct in_val title_ar, title_en, title, message_ar, message_en, message;
	struct in_val data, channels, email, sms, push;
};

static const char *
role_word(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	v->s = role_from_alias(v->s);
	return v->s == NULL ? "INVALID_VALUE" : NULL;
}

#define SEND(name, type, flags, min, max, allowed, member, check) \
	{ name, type, flags, min, max, allowed, IN(struct send_in, member), check }

static const struct vfield send_fields[] = {
	/* the recipients: exactly one of these */
	SEND("userId", V_INT, 0, 1, 999999999999999999LL, NULL, user_id, NULL),
	SEND("role", V_STRING, 0, 1, 32, NULL, role, role_word),
	SEND("all", V_BOOL, 0, 0, 0, NULL, all, NULL),
	SEND("type", V_ENUM, VF_REQUIRED, 0, 0, notify_types, type, NULL),
	/* seed 000's bilingual names; seed 001's title and message fill a missing language */
	SEND("titleAr", V_STRING, 0, 1, 200, NULL, title_ar, NULL),
	SEND("titleEn", V_STRING, 0, 1, 200, NULL, title_en, NULL),
	SEND("title", V_STRING, 0, 1, 200, NULL, title, NULL),
	SEND("messageAr", V_STRING, 0, 1, 2000, NULL, message_ar, NULL),
	SEND("messageEn", V_STRING, 0, 1, 2000, NULL, message_en, NULL),
	SEND("message", V_STRING, 0, 1, 2000, NULL, message, NULL),
	SEND("data", V_OBJECT, 0, 0, 0, NULL, data, NULL),
	/* seed 000's channels, for a send to one user: each one still needs the user's
	 * preference (fcgi/domain/notify_rules.h) */
	SEND("channels", V_OBJECT, 0, 0, 0, NULL, channels, NULL),
	SEND("channels.email", V_BOOL, 0, 0, 0, NULL, email, NULL),
	SEND("channels.sms", V_BOOL, 0, 0, 0, NULL, sms, NULL),
	SEND("channels.push", V_BOOL, 0, 0, 0, NULL, push, NULL),
};

static void
send_check(const void *p, json_object *errs, enum lang lang)
{
	const struct send_in *in = p;
	int targets = in->user_id.set + in->role.set + (in->all.set && in->all.i);

	if (targets != 1)
		verror_add(errs, lang, "userId", targets == 0 ? "REQUIRED" : "INVALID_VALUE",
		    MSG_V_NOTIFY_TARGET);
	else if (in->channels.set && !in->user_id.set)
		verror_add(errs, lang, "channels", "INVALID_VALUE", MSG_V_NOTIFY_CHANNELS);
	if (!in->title_ar.set && !in->title_en.set && !in->title.set)
		verror_add(errs, lang, "titleAr", "REQUIRED", MSG_NONE);
	if (!in->message_ar.set && !in->message_en.set && !in->message.set)
		verror_add(errs, lang, "messageAr", "REQUIRED", MSG_NONE);
}

const struct input notifications_send_input = INPUT(struct send_in, send_fields, send_check);

/* The first of the values given. */
static const char *
first(const struct in_val *a, const struct in_val *b, const struct in_val *c)
{
	return a->set ? a->s : b->set ? b->s : c->s;
}

struct send_tx {
	long long recipients, id;
	unsigned  channels;
};

static enum err
send_work(struct req *r, void *ctx)
{
	const struct send_in *in = r->in;
	struct send_tx *t = ctx;
	json_object *details = json_owned(r->a, json_object_new_object());
	struct notification_send s = { r->user.id, in->role.set ? in->role.s : NULL,
		in->type.s, first(&in->title_ar, &in->title, &in->title_en),
		first(&in->title_en, &in->title, &in->title_ar),
		first(&in->message_ar, &in->message, &in->message_en),
		first(&in->message_en, &in->message, &in->message_ar),
		in->data.set ? in->data.j : NULL };
	enum db_rc rc;

	json_object_object_add(details, "type", json_object_new_string(s.type));
	if (in->user_id.set) {
		struct notification_new n = { in->user_id.i, s.type, s.title_ar, s.title_en,
			s.body_ar, s.body_en, s.data, 0 };
		struct notify_result res;

		n.channels = (in->email.set && in->email.i ? NOTIFY_EMAIL : 0u) |
		    (in->sms.set && in->sms.i ? NOTIFY_SMS : 0u) |
		    (in->push.set && in->push.i ? NOTIFY_PUSH : 0u);
		if ((rc = notify(r->db, r->a, &n, &res)) == DB_NOTFOUND)
			return fail_field(r, ERR_VALIDATION, "userId", "INVALID_VALUE",
			    MSG_V_NOTIFY_USER);
		if (rc != DB_OK)
			return fail_db(r, rc);
		t->recipients = 1;
		t->id = res.id;
		t->channels = res.channels;
	} else {
		if ((rc = db_notifications_send(r->db, r->a, &s, &t->recipients)) != DB_OK)
			return fail_db(r, rc);
		json_object_object_add(details, s.role != NULL ? "role" : "all", s.role != NULL ?
		    json_object_new_string(s.role) : json_object_new_boolean(1));
	}
	json_object_object_add(details, "recipients", json_object_new_int64(t->recipients));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "notification.send",
	    in->user_id.set ? "user" : NULL, in->user_id.set ? in->user_id.i : 0, details)) !=
	    DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
notifications_send(struct req *r)
{
	struct send_tx t = { 0, 0, 0 };
	json_object *data, *ch;
	enum err e;

	if ((e = req_tx(r, send_work, &t)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "recipients", json_object_new_int64(t.recipients));
	if (t.id > 0) {
		json_object_object_add(data, "notificationId", json_object_new_int64(t.id));
		ch = json_object_new_array();
		if (t.channels & NOTIFY_EMAIL)
			json_object_array_add(ch, json_object_new_string("email"));
		if (t.channels & NOTIFY_SMS)
			json_object_array_add(ch, json_object_new_string("sms"));
		if (t.channels & NOTIFY_PUSH)
			json_object_array_add(ch, json_object_new_string("push"));
		json_object_object_add(data, "channels", ch);
	}
	return reply_ok(r, 201, MSG_NOTIFICATION_SENT, data);
}
