/* notifications: the in-app notifications, their per-user counters and admins' sends
 * (sql/migrations/0010_notifications.sql, docs/notifications.md).
 *
 * notify() is how anything in Warsha tells a user something: it stores the
 * notification, queues its realtime event (room user:<id>, event notification:new) and
 * the outbox rows of the channels the user's preferences allow
 * (fcgi/domain/notify_rules.h), and counts it unread, all inside the caller's
 * transaction: it never begins or commits, so the notification exists exactly when the
 * change that caused it does. Call it from req_tx() work.
 *
 * Every statement that inserts, reads or deletes a notification keeps the user's row
 * of notification_counts in step, in the same transaction, so the unread count and the
 * list's total are one primary-key read. */
#ifndef WARSHA_STORE_NOTIFICATIONS_H
#define WARSHA_STORE_NOTIFICATIONS_H

#include <json-c/json.h>

#include "../core/i18n.h"
#include "../domain/notify_rules.h"
#include "store.h"

/* `page` reaches this many rows; deeper pages take a cursor. Filtered totals count up
 * to it. */
#define NOTIFICATIONS_WINDOW 10000

/* The outbox template of a notification sent by e-mail, SMS or push. */
#define NOTIFY_TEMPLATE "notification"

struct notification_new {
	long long    user_id;
	const char  *type;                 /* one of notify_types[] */
	const char  *title_ar, *title_en;  /* at most 200 characters */
	const char  *body_ar, *body_en;    /* at most 2000 characters */
	json_object *data;                 /* not taken; NULL: none ({"bookingId": 12}) */
	unsigned     channels;             /* the NOTIFY_* bits wanted besides in-app */
};

struct notify_result {
	long long id;          /* the notification */
	unsigned  channels;    /* the NOTIFY_* bits queued in the outbox */
};

/* Stores n for its user inside the open transaction (see the top of this file).
 * DB_NOTFOUND: no such user, or a deleted one. */
enum db_rc notify(struct db *db, struct arena *a, const struct notification_new *n,
    struct notify_result *out);
/* The same with the title and body of two messages (both languages from the table). */
enum db_rc notify_msg(struct db *db, struct arena *a, long long user_id, const char *type,
    enum msg title, enum msg body, json_object *data, unsigned channels,
    struct notify_result *out);

/* An admin's send to every active user of a role (role NULL: of every role), in a few
 * set-based statements whatever the number of recipients: the notifications, their
 * realtime rows and the counters. No outbox rows (docs/notifications.md, "Sends").
 * *recipients: how many got it. */
struct notification_send {
	long long    sender_id;
	const char  *role;                 /* a canonical role word, or NULL for everyone */
	const char  *type;
	const char  *title_ar, *title_en, *body_ar, *body_en;
	json_object *data;
};
enum db_rc db_notifications_send(struct db *db, struct arena *a,
    const struct notification_send *s, long long *recipients);

/* A position in a list: the key (created_at, id) of a row (user_lists.h's cursor). */
struct notification_list_query {
	long long   user_id;
	int         is_read;        /* -1: either */
	const char *type;           /* or NULL */
	const char *after_at;       /* the cursor: the rows after (at, id), or NULL */
	long long   after_id;
	long long   limit, offset;  /* offset + limit <= NOTIFICATIONS_WINDOW */
};

struct notification_list_page {
	json_object *items;
	long long    total;
	int          total_capped;  /* a filter by type with more rows than the window */
	long long    unread;        /* the user's unread notifications, every type */
	int          has_next;
	char         next_at[24];
	long long    next_id;
};

enum db_rc db_notifications_list(struct db *db, struct arena *a,
    const struct notification_list_query *q, struct notification_list_page *out);

/* The user's counters (0 and 0 for a user with no notifications). */
enum db_rc db_notifications_counts(struct db *db, struct arena *a, long long user_id,
    long long *total, long long *unread);

/* One of the user's notifications as the API shows it; DB_NOTFOUND when it is not
 * theirs. */
enum db_rc db_notifications_view(struct db *db, struct arena *a, long long user_id,
    long long id, json_object **out);

/* Marks one of the user's notifications read (DB_NOTFOUND when it is not theirs);
 * *changed: 1 when it was unread. */
enum db_rc db_notifications_read(struct db *db, struct arena *a, long long user_id,
    long long id, int *changed);
/* Marks every unread notification of the user read; *n: how many were unread. */
enum db_rc db_notifications_read_all(struct db *db, struct arena *a, long long user_id,
    long long *n);
/* The realtime event notification:read (seed 000) for the user's room: what (not
 * taken: {"ids": [...]} or {"all": true}) with the unread count after. */
enum db_rc db_notifications_read_event(struct db *db, struct arena *a, long long user_id,
    json_object *what);
/* Deletes one of the user's notifications; DB_NOTFOUND when it is not theirs. */
enum db_rc db_notifications_delete(struct db *db, struct arena *a, long long user_id,
    long long id);

#endif
