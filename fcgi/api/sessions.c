/* Sessions (seed 002's /api/refresh-token; the user's own under /api/users/me/sessions):
 * a session is a refresh family, shown as {id, userId, device, ip, createdAt,
 * lastUsedAt, expiresAt, current}, never its token or hash. Ending one revokes its
 * refresh family and, at once, every access token it issued: they carry the family as
 * "sid", which the per-request read checks (fcgi/core/auth.h, fcgi/store/users.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/sessions.h"
#include "../store/events.h"
#include "api.h"

#define SESSIONS_DEFAULT_LIMIT 20

struct sessions_q {
	struct in_val limit, cursor, user;
};

/* The cursor is the row id the next page starts before: digits. */
static const char *
check_row_cursor(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *p;

	(void)a;
	*msg = MSG_NONE;
	for (p = v->s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return "INVALID_FORMAT";
	return *v->s == '\0' || strlen(v->s) > 18 ? "INVALID_FORMAT" : NULL;
}

static const struct vfield sessions_q_fields[] = {
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct sessions_q, limit), NULL },
	{ "cursor", V_STRING, 0, 1, 20, NULL, IN(struct sessions_q, cursor), check_row_cursor },
	/* staff only: one user's sessions */
	{ "userId", V_INT, 0, 1, 9007199254740991LL, NULL, IN(struct sessions_q, user), NULL },
};

const struct input sessions_list_query = INPUT(struct sessions_q, sessions_q_fields, NULL);

/* Marks the caller's own session as current. */
static void
mark_current(struct req *r, const struct session_page *p)
{
	size_t i;

	for (i = 0; i < json_object_array_length(p->items); i++)
		json_object_object_add(json_object_array_get_idx(p->items, i), "current",
		    json_object_new_boolean(r->user.sid != NULL &&
		    strcmp(r->user.sid, p->families[i]) == 0));
}

static enum err
list(struct req *r, long long user_id)
{
	const struct sessions_q *q = r->qin;
	struct session_page p;
	struct page pg = { 0 };
	enum db_rc rc;

	pg.page = 1;
	pg.limit = q->limit.set ? q->limit.i : SESSIONS_DEFAULT_LIMIT;
	if ((rc = db_sessions_list(r->db, r->a, user_id, q->cursor.set ?
	    strtoll(q->cursor.s, NULL, 10) : 0, pg.limit, &p)) != DB_OK)
		return fail_db(r, rc);
	mark_current(r, &p);
	/* no count: a page that is not the last says there is more */
	pg.total = (long long)json_object_array_length(p.items) + (p.has_next ? 1 : 0);
	pg.total_capped = p.has_next;
	if (p.has_next)
		pg.next_cursor = arena_printf(r->a, "%lld", p.last_row);
	return reply_list(r, MSG_SESSION_LIST, p.items, &pg);
}

/* GET /api/refresh-token (admin): every live session, or one user's (userId). */
enum err
sessions_list(struct req *r)
{
	const struct sessions_q *q = r->qin;

	return list(r, q->user.set ? q->user.i : 0);
}

/* GET /api/users/me/sessions: the caller's own; userId is not theirs to give. */
enum err
sessions_mine(struct req *r)
{
	const struct sessions_q *q = r->qin;

	if (q->user.set)
		return fail_field(r, ERR_VALIDATION, "userId", "INVALID_VALUE", MSG_V_INVALID_VALUE);
	return list(r, r->user.id);
}

/* The session of the path's id as the caller may see it: staff any, others their own
 * (someone else's is 404, as is an ended one). */
static enum err
load(struct req *r, int own_only, struct session_page *p)
{
	long long id, owner;
	json_object *user;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_sessions_get(r->db, r->a, id, p)) != DB_OK)
		return fail_db(r, rc);
	owner = json_object_object_get_ex(json_object_array_get_idx(p->items, 0), "userId",
	    &user) ? json_object_get_int64(user) : 0;
	if ((own_only || !(r->user.role & ROLE_STAFF)) && owner != r->user.id) {
		json_object_put(p->items);
		return fail(r, ERR_NOT_FOUND);
	}
	mark_current(r, p);
	return ERR_OK;
}

enum err
sessions_get(struct req *r)
{
	struct session_page p;
	json_object *data;
	enum err e;

	if ((e = load(r, 0, &p)) != ERR_OK)
		return e;
	data = json_object_new_object();
	json_object_object_add(data, "session", json_object_get(json_object_array_get_idx(p.items,
	    0)));
	json_object_put(p.items);
	return reply_ok(r, 200, MSG_SESSION_FOUND, data);
}

struct end_tx {
	const char *family;
	long long   id;
	long long   owner;
};

enum db_rc
sessions_auth_check(struct req *r, long long user_id)
{
	char room[32];

	snprintf(room, sizeof(room), "user:%lld", user_id);
	return db_events_add(r->db, r->a, room, "auth:check",
	    json_owned(r->a, json_object_new_object()));
}

static enum err
end_work(struct req *r, void *ctx)
{
	const struct end_tx *t = ctx;
	json_object *d;
	enum db_rc rc;

	/* the refresh family, and every access token it issued (they carry it as sid:
	 * revoked until the longest of them has expired) */
	if ((rc = db_sessions_revoke_family(r->db, r->a, t->family, "logout")) != DB_OK ||
	    (rc = db_sessions_revoke_access(r->db, r->a, t->family,
	    (long long)time(NULL) + r->cfg->access_token_ttl + 60)) != DB_OK ||
	    (rc = sessions_auth_check(r, t->owner)) != DB_OK)
		return fail_db(r, rc);
	if (t->owner != r->user.id) {
		d = json_owned(r->a, json_object_new_object());
		json_object_object_add(d, "sessionId", json_object_new_int64(t->id));
		if ((rc = db_activity_record(r->db, r->a, req_actor(r), "session.revoke", "user",
		    t->owner, d)) != DB_OK)
			return fail_db(r, rc);
	}
	return ERR_OK;
}

static enum err
end(struct req *r, int own_only)
{
	struct session_page p;
	struct end_tx t;
	json_object *o, *v;
	enum err e;

	if ((e = load(r, own_only, &p)) != ERR_OK)
		return e;
	o = json_object_array_get_idx(p.items, 0);
	t.family = p.families[0];
	t.id = json_object_object_get_ex(o, "id", &v) ? json_object_get_int64(v) : 0;
	t.owner = json_object_object_get_ex(o, "userId", &v) ? json_object_get_int64(v) : 0;
	json_object_put(p.items);
	if ((e = req_tx(r, end_work, &t)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_SESSION_ENDED, NULL);
}

/* DELETE /api/refresh-token/:id: the session's owner or staff. */
enum err
sessions_end(struct req *r)
{
	return end(r, 0);
}

/* DELETE /api/users/me/sessions/:id: the caller's own only. */
enum err
sessions_end_mine(struct req *r)
{
	return end(r, 1);
}
