/* Who a socket is, and what its client may ask (docs/realtime.md).
 *
 * The token is checked as the API's router checks a request's (fcgi/core/router.c):
 * jwt_verify() for the signature and expiry, then db_users_caller() for the user's
 * current state (gone, banned, disabled, the token revoked or issued before
 * tokens_valid_after, its session ended). It is checked when the socket
 * authenticates, and the socket is closed when the token expires (ws_expired()).
 *
 * Client events, each answered by an acknowledgement when the client asked for one
 * and by an "error" event when refused:
 *   authenticate     {token}: seed 000's way in for a socket that came without one
 *   join-booking     {bookingId}: the booking's customer, its technician, or staff
 *   leave-booking    {bookingId}
 *   update-location  {bookingId, latitude, longitude}: the assigned technician, under
 *                    the rules of PUT /api/bookings/:id/location, with the same store
 *                    calls; the events go out through realtime_events like the API's
 *   notification:read {notificationId}: as PUT /api/notifications/:id/read
 *   register         seed 002's (userId): the socket is the token's user already; an
 *                    id that is someone else's is refused
 *   ping             answered with "pong" (plain /ws clients have no Engine.IO ping)
 * Every database call runs on the service thread over the notifier's one connection,
 * each write in a transaction of its own. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth.h"
#include "core/cairo_time.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/router.h"
#include "domain/booking.h"
#include "notifier.h"
#include "store/bookings.h"
#include "store/events.h"
#include "store/notifications.h"
#include "store/settings.h"
#include "store/users.h"

/* the setting PUT /api/bookings/:id/location reads (fcgi/api/bookings.c) */
#define SPEED_KEY     "average_speed_kmh"
#define SPEED_DEFAULT 30.0

static const char *
role_room(int role)
{
	switch (role) {
	case ROLE_ADMIN: return "admins";
	case ROLE_MODERATOR: return "moderators";
	case ROLE_TECHNICIAN: return "technicians";
	case ROLE_CORPORATE: return "corporates";
	default: return "customers";
	}
}

static int
db_error(enum db_rc rc, const char **code, int *msg)
{
	log_error("msg=ws_db_failed rc=%d", (int)rc);
	*code = "UNAVAILABLE";
	*msg = MSG_ERR_UNAVAILABLE;
	return -1;
}

int
ws_authenticate(struct ws *w, const char *token, const char **code, int *msg)
{
	struct notifier *n = w->n;
	struct jwt_claims c;
	struct user_caller u;
	enum jwt_rc jr;
	enum db_rc rc;
	enum role role;
	enum lang lang = LANG_AR;
	int ret = -1;

	*code = "TOKEN_INVALID";
	*msg = MSG_AUTH_TOKEN_INVALID;
	if (token == NULL || strlen(token) > 4096)
		return -1;
	if ((jr = jwt_verify(&n->cfg, token, &c)) != JWT_OK) {
		if (jr == JWT_EXPIRED)
			*code = "TOKEN_EXPIRED";
		log_info("msg=ws_auth_refused reason=%s", *code);
		return -1;
	}
	rc = db_users_caller(n->db, &n->arena, c.sub, c.jti, c.sid, c.iat_us, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		ret = db_error(rc, code, msg);
		goto out;
	}
	if (rc == DB_NOTFOUND || u.token_revoked || role_parse(u.role, &role) != 0) {
		log_info("msg=ws_auth_refused reason=token_revoked user=%lld", c.sub);
		goto out;
	}
	if (u.preferred_language != NULL)
		(void)lang_parse(u.preferred_language, &lang);
	if (u.is_banned) {
		*code = "USER_BANNED";
		*msg = MSG_ERR_USER_BANNED;
		log_info("msg=ws_auth_refused reason=banned user=%lld", c.sub);
		goto out;
	}
	if (!u.is_active) {
		*code = "ACCOUNT_DISABLED";
		*msg = MSG_ACCOUNT_DISABLED;
		log_info("msg=ws_auth_refused reason=disabled user=%lld", c.sub);
		goto out;
	}
	w->user_id = c.sub;
	w->token_exp = c.exp;
	memcpy(w->tok_jti, c.jti, sizeof(w->tok_jti));
	memcpy(w->tok_sid, c.sid, sizeof(w->tok_sid));
	w->tok_iat_us = c.iat_us;
	w->role = role;
	w->lang = lang;
	ret = 0;
out:
	arena_reset(&n->arena);
	return ret;
}

int
ws_still_valid(struct ws *w)
{
	struct notifier *n = w->n;
	struct user_caller u;
	enum db_rc rc;
	enum role role;
	int ok;

	if (w->user_id == 0)
		return 1;
	rc = db_users_caller(n->db, &n->arena, w->user_id, w->tok_jti, w->tok_sid,
	    w->tok_iat_us, &u);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		log_error("msg=ws_db_failed rc=%d", (int)rc);
		arena_reset(&n->arena);
		return -1;
	}
	ok = rc == DB_OK && !u.token_revoked && !u.is_banned && u.is_active &&
	    role_parse(u.role, &role) == 0 && (int)role == w->role;
	arena_reset(&n->arena);
	return ok;
}

/* presence:update for the admins (and technician:status-change for a technician), a
 * realtime_events row like any other, so admins on every notifier hear it. */
static void
presence(struct ws *w, int online)
{
	struct notifier *n = w->n;
	json_object *o = json_object_new_object();
	enum db_rc rc;
	char at[32];

	json_object_object_add(o, "userId", json_object_new_int64(w->user_id));
	json_object_object_add(o, "role", json_object_new_string(role_name((enum role)w->role)));
	json_object_object_add(o, "online", json_object_new_boolean(online));
	json_object_object_add(o, "at", json_object_new_string(db_time_utc(time(NULL), 0, at,
	    sizeof(at))));
	rc = db_events_add(n->db, &n->arena, "admins", "presence:update", o);
	if (rc == DB_OK && w->role == ROLE_TECHNICIAN) {
		json_object_object_add(o, "technicianId", json_object_new_int64(w->user_id));
		json_object_object_add(o, "status", json_object_new_string(online ? "online" :
		    "offline"));
		rc = db_events_add(n->db, &n->arena, "admins", "technician:status-change",
		    o);
	}
	if (rc != DB_OK)
		log_warn("msg=presence_not_written user=%lld rc=%d", w->user_id, (int)rc);
	json_object_put(o);
	arena_reset(&n->arena);
}

void
ws_welcome(struct ws *w)
{
	long long now = (long long)time(NULL);
	char room[32];
	json_object *o;
	int first;

	/* the deadline is now the token's expiry (ws.c, deadline_run()) */
	lws_sul_schedule(lws_get_context(w->wsi), 0, &w->deadline, ws_expired,
	    (lws_usec_t)(w->token_exp > now ? w->token_exp - now : 0) * LWS_US_PER_SEC + 1);
	snprintf(room, sizeof(room), "user:%lld", w->user_id);
	first = room_user_count(w->n, w->user_id) == 0;
	if (room_join(w, room) != 0 || room_join(w, role_room(w->role)) != 0 ||
	    ((w->role & ROLE_STAFF) && room_join(w, "staff") != 0)) {
		log_error("msg=out_of_memory");
		ws_close(w, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, 1);
		return;
	}
	if (first)
		presence(w, 1);
	o = json_object_new_object();
	json_object_object_add(o, "userId", json_object_new_int64(w->user_id));
	json_object_object_add(o, "role", json_object_new_string(role_name((enum role)w->role)));
	if (w->kind == CONN_SIO)
		json_object_object_add(o, "sid", json_object_new_string(w->sid));
	ws_emit(w, "authenticated", o);
	json_object_put(o);
	log_info("msg=ws_authenticated user=%lld kind=%s", w->user_id,
	    w->kind == CONN_SIO ? "socket.io" : "ws");
}

/* A socket lives as long as its token: at its expiry the error TOKEN_EXPIRED and a
 * close (1008); the client reconnects with a fresh one. */
void
ws_expired(lws_sorted_usec_list_t *sul)
{
	struct ws *w = lws_container_of(sul, struct ws, deadline);

	log_info("msg=ws_closed reason=token_expired user=%lld", w->user_id);
	ws_error(w, "TOKEN_EXPIRED", MSG_AUTH_TOKEN_INVALID, NULL, -1);
	ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 0);
}

void
ws_gone(struct ws *w)
{
	char room[32];

	if (w->user_id == 0)
		return;
	snprintf(room, sizeof(room), "user:%lld", w->user_id);
	room_leave(w, room);
	if (room_user_count(w->n, w->user_id) == 0 && w->n->stop == STOP_NO)
		presence(w, 0);
}

void
ws_error(struct ws *w, const char *code, int msg, const char *event, long long ack)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "success", json_object_new_boolean(0));
	json_object_object_add(o, "code", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(msg_text((enum lang)w->lang,
	    (enum msg)msg)));
	json_object_object_add(o, "messageAr", json_object_new_string(msg_text(LANG_AR,
	    (enum msg)msg)));
	json_object_object_add(o, "messageEn", json_object_new_string(msg_text(LANG_EN,
	    (enum msg)msg)));
	if (event != NULL)
		json_object_object_add(o, "event", json_object_new_string(event));
	ws_emit(w, "error", o);
	ws_ack(w, ack, o);
	json_object_put(o);
}

static void
ok(struct ws *w, long long ack, json_object *o)
{
	if (o == NULL)
		o = json_object_new_object();
	json_object_object_add(o, "success", json_object_new_boolean(1));
	ws_ack(w, ack, o);
	json_object_put(o);
}

/* A positive id from {key: id}, {key: "id"}, or the data itself being the id. */
static long long
id_of(json_object *data, const char *key)
{
	json_object *v = data;
	const char *s;
	char *end;
	long long id;

	if (data != NULL && json_object_is_type(data, json_type_object) &&
	    !json_object_object_get_ex(data, key, &v))
		return -1;
	if (v == NULL)
		return -1;
	if (json_object_is_type(v, json_type_int))
		return (id = json_object_get_int64(v)) > 0 ? id : -1;
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	id = strtoll(s, &end, 10);
	return (end != s && *end == '\0' && id > 0) ? id : -1;
}

static int
number_of(json_object *data, const char *key, double lo, double hi, double *out)
{
	json_object *v;

	if (data == NULL || !json_object_object_get_ex(data, key, &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return isfinite(*out) && *out >= lo && *out <= hi ? 0 : -1;
}

static void
join_booking(struct ws *w, json_object *data, long long ack)
{
	struct notifier *n = w->n;
	struct booking_row b;
	long long id = id_of(data, "bookingId");
	enum db_rc rc;
	char room[32];
	json_object *o;

	if (id < 0) {
		ws_error(w, "VALIDATION_ERROR", MSG_ERR_VALIDATION, "join-booking", ack);
		return;
	}
	rc = db_bookings_get(n->db, &n->arena, id, 0, &b);
	arena_reset(&n->arena);
	if (rc == DB_NOTFOUND) {
		ws_error(w, "NOT_FOUND", MSG_ERR_NOT_FOUND, "join-booking", ack);
		return;
	}
	if (rc != DB_OK) {
		ws_error(w, "UNAVAILABLE", MSG_ERR_UNAVAILABLE, "join-booking", ack);
		return;
	}
	if (!(w->role & ROLE_STAFF) && !(b.customer_id != 0 && b.customer_id == w->user_id) &&
	    !((w->role & ROLE_TECHNICIAN) && b.technician_id == w->user_id)) {
		log_info("msg=ws_join_refused user=%lld booking=%lld", w->user_id, id);
		ws_error(w, "FORBIDDEN", MSG_ERR_FORBIDDEN, "join-booking", ack);
		return;
	}
	snprintf(room, sizeof(room), "booking:%lld", id);
	if (room_join(w, room) != 0) {
		ws_error(w, "TOO_MANY_ROOMS", MSG_ERR_FORBIDDEN, "join-booking", ack);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "bookingId", json_object_new_int64(id));
	json_object_object_add(o, "room", json_object_new_string(room));
	ok(w, ack, o);
}

static void
leave_booking(struct ws *w, json_object *data, long long ack)
{
	long long id = id_of(data, "bookingId");
	char room[32];

	if (id < 0) {
		ws_error(w, "VALIDATION_ERROR", MSG_ERR_VALIDATION, "leave-booking", ack);
		return;
	}
	snprintf(room, sizeof(room), "booking:%lld", id);
	room_leave(w, room);
	ok(w, ack, NULL);
}

/* The work of PUT /api/bookings/:id/location (fcgi/api/bookings.c, location_work()):
 * the same checks, the same store calls, the same two events for the booking's room.
 * Returns 0, or -1 with the error set. */
static int
location_tx(struct ws *w, long long id, double lat, double lng, int *eta,
    const char **code, int *msg)
{
	struct notifier *n = w->n;
	struct arena *a = &n->arena;
	struct booking_row b;
	enum bk_status s;
	json_object *ev;
	const char *room, *at, *eta_at = NULL, *v;
	char buf[32], *end;
	time_t now = time(NULL);
	double speed = SPEED_DEFAULT, km = -1;
	int minutes = -1;
	enum db_rc rc;

	if ((rc = db_begin(n->db)) != DB_OK)
		return db_error(rc, code, msg);
	if ((rc = db_bookings_get(n->db, a, id, 1, &b)) != DB_OK)
		goto db_fail;
	if (!((w->role & ROLE_TECHNICIAN) && b.technician_id == w->user_id)) {
		*code = "FORBIDDEN";
		*msg = MSG_BOOKING_NOT_ALLOWED;
		goto refuse;
	}
	s = bk_status_parse(b.status, BK_NAMES_CORE);
	if (s != BK_ON_WAY && s != BK_ARRIVED && s != BK_IN_PROGRESS) {
		*code = "CONFLICT";
		*msg = MSG_BOOKING_NOT_UNDERWAY;
		goto refuse;
	}
	rc = db_settings_value(n->db, a, SPEED_KEY, &v);
	if (rc == DB_OK) {
		speed = strtod(v, &end);
		if (end == v || *end != '\0' || !(speed > 0))
			speed = SPEED_DEFAULT;
	} else if (rc != DB_NOTFOUND) {
		goto db_fail;
	}
	if (b.latitude != NULL && b.longitude != NULL) {
		km = geo_distance_km(lat, lng, strtod(b.latitude, NULL), strtod(b.longitude, NULL));
		minutes = bk_eta_minutes(km, speed);
	}
	at = arena_strdup(a, db_time_utc(now, 0, buf, sizeof(buf)));
	if (minutes >= 0)
		eta_at = arena_strdup(a, db_time_utc(now + (time_t)minutes * 60, 0, buf,
		    sizeof(buf)));
	if ((rc = db_bookings_location(n->db, a, b.id, arena_printf(a, "%.6f", lat),
	    arena_printf(a, "%.6f", lng), at, eta_at)) != DB_OK)
		goto db_fail;
	room = arena_printf(a, "booking:%lld", b.id);
	ev = json_object_new_object();
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "technicianId", json_object_new_int64(b.technician_id));
	json_object_object_add(ev, "latitude", json_object_new_double(lat));
	json_object_object_add(ev, "longitude", json_object_new_double(lng));
	rc = db_events_add(n->db, a, room, "booking:location-update", ev);
	json_object_put(ev);
	if (rc != DB_OK)
		goto db_fail;
	ev = json_object_new_object();
	json_object_object_add(ev, "bookingId", json_object_new_int64(b.id));
	json_object_object_add(ev, "etaMinutes", minutes >= 0 ? json_object_new_int(minutes) :
	    NULL);
	json_object_object_add(ev, "distanceKm", km >= 0 ? json_object_new_double(km) : NULL);
	rc = db_events_add(n->db, a, room, "booking:eta-update", ev);
	json_object_put(ev);
	if (rc != DB_OK || (rc = db_commit(n->db)) != DB_OK)
		goto db_fail;
	*eta = minutes;
	return 0;
refuse:
	db_rollback(n->db);
	return -1;
db_fail:
	db_rollback(n->db);
	if (rc == DB_NOTFOUND) {
		*code = "NOT_FOUND";
		*msg = MSG_ERR_NOT_FOUND;
		return -1;
	}
	return db_error(rc, code, msg);
}

static void
update_location(struct ws *w, json_object *data, long long ack)
{
	long long id = id_of(data, "bookingId");
	double lat, lng;
	const char *code = NULL;
	int msg = 0, eta = -1, tries;
	json_object *o;

	if (id < 0 || !json_object_is_type(data, json_type_object) ||
	    number_of(data, "latitude", -90, 90, &lat) != 0 ||
	    number_of(data, "longitude", -180, 180, &lng) != 0) {
		ws_error(w, "VALIDATION_ERROR", MSG_ERR_VALIDATION, "update-location", ack);
		return;
	}
	for (tries = 0; tries < 3; tries++) {
		int rc = location_tx(w, id, lat, lng, &eta, &code, &msg);

		arena_reset(&w->n->arena);
		if (rc == 0) {
			o = json_object_new_object();
			json_object_object_add(o, "bookingId", json_object_new_int64(id));
			json_object_object_add(o, "etaMinutes", eta >= 0 ? json_object_new_int(eta) :
			    NULL);
			ok(w, ack, o);
			return;
		}
		if (strcmp(code, "UNAVAILABLE") != 0)
			break;
	}
	ws_error(w, code, msg, "update-location", ack);
}

static void
notification_read(struct ws *w, json_object *data, long long ack)
{
	struct notifier *n = w->n;
	long long id = id_of(data, "notificationId");
	json_object *what, *ids;
	int changed = 0;
	enum db_rc rc;

	if (id < 0) {
		ws_error(w, "VALIDATION_ERROR", MSG_ERR_VALIDATION, "notification:read", ack);
		return;
	}
	if ((rc = db_begin(n->db)) == DB_OK &&
	    (rc = db_notifications_read(n->db, &n->arena, w->user_id, id, &changed)) == DB_OK &&
	    changed) {
		what = json_object_new_object();
		ids = json_object_new_array();
		json_object_array_add(ids, json_object_new_int64(id));
		json_object_object_add(what, "ids", ids);
		rc = db_notifications_read_event(n->db, &n->arena, w->user_id, what);
		json_object_put(what);
	}
	if (rc == DB_OK)
		rc = db_commit(n->db);
	if (rc != DB_OK)
		db_rollback(n->db);
	arena_reset(&n->arena);
	if (rc == DB_NOTFOUND) {
		ws_error(w, "NOT_FOUND", MSG_ERR_NOT_FOUND, "notification:read", ack);
		return;
	}
	if (rc != DB_OK) {
		log_error("msg=ws_db_failed rc=%d", (int)rc);
		ws_error(w, "UNAVAILABLE", MSG_ERR_UNAVAILABLE, "notification:read", ack);
		return;
	}
	what = json_object_new_object();
	json_object_object_add(what, "notificationId", json_object_new_int64(id));
	ok(w, ack, what);
}

static void
authenticate(struct ws *w, json_object *data, long long ack)
{
	json_object *t = data, *o;
	const char *code;
	int msg;

	if (w->user_id != 0) {
		o = json_object_new_object();
		json_object_object_add(o, "userId", json_object_new_int64(w->user_id));
		ok(w, ack, o);
		return;
	}
	if (data != NULL && json_object_is_type(data, json_type_object))
		json_object_object_get_ex(data, "token", &t);
	if (t == NULL || !json_object_is_type(t, json_type_string) ||
	    ws_authenticate(w, json_object_get_string(t), &code, &msg) != 0) {
		if (t == NULL || !json_object_is_type(t, json_type_string)) {
			code = "UNAUTHORIZED";
			msg = MSG_ERR_UNAUTHORIZED;
		}
		ws_error(w, code, msg, "authenticate", ack);
		if (w->kind == CONN_WS)
			ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 0);
		return;
	}
	ws_welcome(w);
	o = json_object_new_object();
	json_object_object_add(o, "userId", json_object_new_int64(w->user_id));
	ok(w, ack, o);
}

void
ws_client_event(struct ws *w, const char *event, json_object *data, long long ack)
{
	if (strcmp(event, "authenticate") == 0) {
		authenticate(w, data, ack);
		return;
	}
	if (strcmp(event, "ping") == 0) {
		ws_emit(w, "pong", NULL);
		ok(w, ack, NULL);
		return;
	}
	if (w->user_id == 0) {
		ws_error(w, "UNAUTHORIZED", MSG_ERR_UNAUTHORIZED, event, ack);
		return;
	}
	if (strcmp(event, "join-booking") == 0)
		join_booking(w, data, ack);
	else if (strcmp(event, "leave-booking") == 0)
		leave_booking(w, data, ack);
	else if (strcmp(event, "update-location") == 0)
		update_location(w, data, ack);
	else if (strcmp(event, "notification:read") == 0)
		notification_read(w, data, ack);
	else if (strcmp(event, "register") == 0) {
		long long id = id_of(data, "userId");

		if (id != w->user_id) {
			ws_error(w, "FORBIDDEN", MSG_ERR_FORBIDDEN, "register", ack);
			return;
		}
		ok(w, ack, NULL);
	} else if (ack >= 0) {
		ws_error(w, "UNKNOWN_EVENT", MSG_ERR_NOT_FOUND, event, ack);
	}
}
