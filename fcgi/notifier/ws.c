/* WebSockets on protocols[0] (docs/realtime.md): /socket.io/?EIO=4&transport=websocket
 * (Engine.IO v4 carrying Socket.IO v5, namespace "/" only) and /ws (plain JSON text
 * frames {"event", "data"}).
 *
 * A socket's life:
 *   FILTER_PROTOCOL_CONNECTION  the path picks the kind; a Socket.IO upgrade without
 *                               EIO=4 and transport=websocket is refused
 *   ESTABLISHED                 headers are still readable: a token from ?token=, the
 *                               access_token (or accessToken) cookie or Authorization:
 *                               Bearer is kept. Socket.IO: the open packet, the
 *                               heartbeat. /ws: the token is checked at once.
 *   RECEIVE                     frames (fragments gathered up to WS_MAX_PAYLOAD) go to
 *                               the decoder of fcgi/core/sio.c, then to ws_events.c
 *   SERVER_WRITEABLE            one queued frame per call; a close when asked
 *   CLOSED                      rooms left, presence, the queue released
 *
 * Frames to send wait in a bounded queue per socket (WS_QUEUE_MAX); the fan-out builds
 * each frame once and queues it to every socket of the room with a reference count. A
 * socket whose queue is full is too far behind: it is dropped (logged) and its client
 * reconnects. A socket without a valid token WS_CONNECT_MS after the upgrade is closed
 * (1008). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/log.h"
#include "core/sio.h"
#include "notifier.h"

#define TOKEN_MAX 4096

/* --- frames and queues --- */

struct ws_msg *
ws_msg_new(const char *text, size_t len)
{
	struct ws_msg *m = malloc(sizeof(*m) + LWS_PRE + len);

	if (m == NULL)
		return NULL;
	m->refs = 1;
	m->len = len;
	memcpy(m->buf + LWS_PRE, text, len);
	return m;
}

void
ws_msg_unref(struct ws_msg *m)
{
	if (m != NULL && --m->refs == 0)
		free(m);
}

static int
dropped(const struct ws *w)
{
	return w->close_now && w->close_code != 0;
}

/* Doubles the ring (from 8), keeping the order; -1 when out of memory. */
static int
queue_grow(struct ws *w)
{
	unsigned cap = w->qcap ? w->qcap * 2 : 8, i;
	struct ws_msg **q = malloc(cap * sizeof(*q));

	if (q == NULL)
		return -1;
	for (i = 0; i < w->qlen; i++)
		q[i] = w->q[(w->qhead + i) % w->qcap];
	free(w->q);
	w->q = q;
	w->qcap = cap;
	w->qhead = 0;
	return 0;
}

static void
drop(struct ws *w, const char *why)
{
	/* no close frame could get past the queue anyway */
	log_warn("msg=ws_dropped reason=%s user=%lld queued=%u", why, w->user_id, w->qlen);
	w->n->dropped++;
	w->close_now = 1;
	w->close_code = LWS_CLOSE_STATUS_POLICY_VIOLATION;
	lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

int
ws_send_msg(struct ws *w, struct ws_msg *m)
{
	if (dropped(w))
		return -1;
	if (w->qlen >= WS_QUEUE_MAX) {
		drop(w, "send_queue_full");
		return -1;
	}
	if (w->qlen == w->qcap && queue_grow(w) != 0) {
		drop(w, "out_of_memory");
		return -1;
	}
	m->refs++;
	w->q[(w->qhead + w->qlen) % w->qcap] = m;
	w->qlen++;
	lws_callback_on_writable(w->wsi);
	return 0;
}

int
ws_send(struct ws *w, const char *text, size_t len)
{
	struct ws_msg *m = ws_msg_new(text, len);
	int rc;

	if (m == NULL)
		return -1;
	rc = ws_send_msg(w, m);
	ws_msg_unref(m);
	return rc;
}

static int
send_json(struct ws *w, const char *prefix, json_object *o)
{
	size_t len = 0, plen = strlen(prefix);
	const char *s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	struct ws_msg *m;
	int rc;

	if (s == NULL || (m = malloc(sizeof(*m) + LWS_PRE + plen + len)) == NULL)
		return -1;
	m->refs = 1;
	m->len = plen + len;
	memcpy(m->buf + LWS_PRE, prefix, plen);
	memcpy(m->buf + LWS_PRE + plen, s, len);
	rc = ws_send_msg(w, m);
	ws_msg_unref(m);
	return rc;
}

int
ws_emit(struct ws *w, const char *event, json_object *data)
{
	json_object *o;
	int rc;

	if (w->kind == CONN_SIO) {
		o = json_object_new_array();
		json_object_array_add(o, json_object_new_string(event));
		json_object_array_add(o, json_object_get(data));
		rc = send_json(w, "42", o);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "event", json_object_new_string(event));
		json_object_object_add(o, "data", json_object_get(data));
		rc = send_json(w, "", o);
	}
	json_object_put(o);
	return rc;
}

int
ws_ack(struct ws *w, long long ack, json_object *data)
{
	char prefix[32];
	json_object *o;
	int rc;

	if (ack < 0)
		return 0;
	if (w->kind == CONN_SIO) {
		snprintf(prefix, sizeof(prefix), "43%lld", ack);
		o = json_object_new_array();
		json_object_array_add(o, json_object_get(data));
		rc = send_json(w, prefix, o);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "event", json_object_new_string("ack"));
		json_object_object_add(o, "id", json_object_new_int64(ack));
		json_object_object_add(o, "data", json_object_get(data));
		rc = send_json(w, "", o);
	}
	json_object_put(o);
	return rc;
}

void
ws_close(struct ws *w, unsigned short code, int now)
{
	if (w->close_code != 0 && !now)
		return;
	w->close_code = code;
	w->close_now |= now;
	lws_callback_on_writable(w->wsi);
}

void
ws_shutdown(struct notifier *n)
{
	struct ws *w;

	for (w = n->socks; w != NULL; w = w->next)
		if (!dropped(w))
			ws_close(w, LWS_CLOSE_STATUS_GOINGAWAY, 1);
}

static int
on_writeable(struct ws *w)
{
	struct ws_msg *m;
	int n;

	if (w->close_code != 0 && (w->close_now || w->qlen == 0)) {
		static const char *why[] = { "going away", "bye", "policy" };
		const char *r = w->close_code == LWS_CLOSE_STATUS_GOINGAWAY ? why[0] :
		    w->close_code == LWS_CLOSE_STATUS_NORMAL ? why[1] : why[2];

		lws_close_reason(w->wsi, (enum lws_close_status)w->close_code,
		    (unsigned char *)r, strlen(r));
		return -1;
	}
	if (w->qlen == 0)
		return 0;
	m = w->q[w->qhead];
	w->qhead = (w->qhead + 1) % w->qcap;
	w->qlen--;
	n = lws_write(w->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
	ws_msg_unref(m);
	if (n < 0)
		return -1;
	if (w->qlen > 0 || w->close_code != 0)
		lws_callback_on_writable(w->wsi);
	return 0;
}

/* --- timers --- */

static void
deadline_run(lws_sorted_usec_list_t *sul)
{
	struct ws *w = lws_container_of(sul, struct ws, deadline);

	if (w->user_id != 0)
		return;
	log_info("msg=ws_closed reason=no_token kind=%s", w->kind == CONN_SIO ? "socket.io" : "ws");
	ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 0);
}

static void
heartbeat_run(lws_sorted_usec_list_t *sul)
{
	struct ws *w = lws_container_of(sul, struct ws, hb);
	const struct config *cfg = &w->n->cfg;

	if (w->hb_wait) {
		/* no pong within pingTimeout: the client is gone; a close frame would not
		 * reach it either */
		log_info("msg=ws_closed reason=ping_timeout user=%lld", w->user_id);
		w->close_now = 1;
		w->close_code = LWS_CLOSE_STATUS_GOINGAWAY;
		lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	w->hb_wait = 1;
	ws_send(w, "2", 1);
	lws_sul_schedule(lws_get_context(w->wsi), 0, &w->hb, heartbeat_run,
	    (lws_usec_t)cfg->notifier_ping_timeout_ms * 1000);
}

/* --- admission --- */

static int
filter(struct lws *wsi, struct ws *w)
{
	char path[128], clean[128], eio[16], transport[32];   /* name=value fits */

	if (lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) < 0)
		path[0] = '\0';
	if (strcmp(path, "/ws") == 0) {
		w->kind = CONN_WS;
		log_info("msg=upgrade path=/ws");
		return 0;
	}
	if (strcmp(path, "/socket.io/") == 0 || strcmp(path, "/socket.io") == 0) {
		const char *e = lws_get_urlarg_by_name(wsi, "EIO=", eio, sizeof(eio));
		const char *t = lws_get_urlarg_by_name(wsi, "transport=", transport,
		    sizeof(transport));

		if (e != NULL && strcmp(e, "4") == 0 && t != NULL && strcmp(t, "websocket") == 0) {
			w->kind = CONN_SIO;
			log_info("msg=upgrade path=/socket.io/");
			return 0;
		}
	}
	log_info("msg=upgrade_refused path=%s", log_clean(clean, sizeof(clean), path));
	return -1;
}

/* The token a client may bring with the upgrade itself. */
static char *
upgrade_token(struct lws *wsi)
{
	static char buf[TOKEN_MAX];
	size_t len;
	const char *t;

	if ((t = lws_get_urlarg_by_name(wsi, "token=", buf, sizeof(buf))) != NULL && *t)
		return strdup(t);
	len = sizeof(buf);
	if (lws_http_cookie_get(wsi, "access_token", buf, &len) == 0 && len > 0)
		return strndup(buf, len);
	len = sizeof(buf);
	if (lws_http_cookie_get(wsi, "accessToken", buf, &len) == 0 && len > 0)
		return strndup(buf, len);
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    lws_hdr_copy(wsi, buf, sizeof(buf), WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
	    strncasecmp(buf, "Bearer ", 7) == 0) {
		t = buf + 7;
		while (*t == ' ')
			t++;
		if (*t != '\0')
			return strdup(t);
	}
	return NULL;
}

static void
fail_token(struct ws *w, const char *code, int msg)
{
	ws_error(w, code, msg, "authenticate", -1);
	ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 0);
}

static int
established(struct lws *wsi, struct notifier *n, struct ws *w)
{
	const struct config *cfg = &n->cfg;
	unsigned char raw[15];
	char sid[24], open[256];
	const char *code;
	int msg;

	w->wsi = wsi;
	w->n = n;
	w->next = n->socks;
	if (n->socks != NULL)
		n->socks->prev = w;
	n->socks = w;
	n->nsocks++;
	w->token = upgrade_token(wsi);
	lws_sul_schedule(lws_get_context(wsi), 0, &w->deadline, deadline_run,
	    (lws_usec_t)WS_CONNECT_MS * 1000);
	if (w->kind == CONN_WS) {
		if (w->token == NULL)
			return 0;    /* {"event":"authenticate"} may follow */
		if (ws_authenticate(w, w->token, &code, &msg) != 0)
			fail_token(w, code, msg);
		else
			ws_welcome(w);
		free(w->token);
		w->token = NULL;
		return 0;
	}
	/* Engine.IO open: an sid of our own; the Socket.IO sid is another one */
	if (random_bytes(raw, sizeof(raw)) != 0 ||
	    lws_b64_encode_string_url((const char *)raw, sizeof(raw), sid, sizeof(sid)) < 0)
		return -1;
	snprintf(open, sizeof(open), "0{\"sid\":\"%s\",\"upgrades\":[],\"pingInterval\":%d,"
	    "\"pingTimeout\":%d,\"maxPayload\":%d}", sid, cfg->notifier_ping_interval_ms,
	    cfg->notifier_ping_timeout_ms, WS_MAX_PAYLOAD);
	if (random_bytes(raw, sizeof(raw)) != 0 ||
	    lws_b64_encode_string_url((const char *)raw, sizeof(raw), w->sid,
	    sizeof(w->sid)) < 0)
		return -1;
	ws_send(w, open, strlen(open));
	lws_sul_schedule(lws_get_context(wsi), 0, &w->hb, heartbeat_run,
	    (lws_usec_t)cfg->notifier_ping_interval_ms * 1000);
	return 0;
}

static void
closed(struct ws *w)
{
	struct notifier *n = w->n;

	if (n == NULL)
		return;     /* never established */
	lws_sul_cancel(&w->hb);
	lws_sul_cancel(&w->deadline);
	ws_gone(w);
	room_leave_all(w);
	while (w->qlen > 0) {
		ws_msg_unref(w->q[w->qhead]);
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qlen--;
	}
	free(w->q);
	w->q = NULL;
	free(w->rx);
	free(w->token);
	w->rx = w->token = NULL;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		n->socks = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	n->nsocks--;
	w->n = NULL;
}

/* --- what clients send --- */

static void
sio_connect(struct ws *w, const struct sio_packet *p)
{
	json_object *auth, *t, *o;
	const char *token = NULL, *code;
	char prefix[SIO_NSP_MAX + 8];
	int bad, msg;

	if (p->nsp_len != 1) {
		snprintf(prefix, sizeof(prefix), "44%.*s,", (int)p->nsp_len, p->nsp);
		o = json_object_new_object();
		json_object_object_add(o, "message", json_object_new_string("Invalid namespace"));
		send_json(w, prefix, o);
		json_object_put(o);
		return;
	}
	auth = sio_connect_auth(p->data, p->data_len, &bad);
	if (auth != NULL && json_object_object_get_ex(auth, "token", &t) &&
	    json_object_is_type(t, json_type_string))
		token = json_object_get_string(t);
	if (token == NULL)
		token = w->token;
	if (token != NULL && w->user_id == 0 && ws_authenticate(w, token, &code, &msg) != 0) {
		/* CONNECT_ERROR: the client gets err.message and err.data and does not
		 * reconnect by itself; the socket closes at its deadline */
		o = json_object_new_object();
		json_object_object_add(o, "message", json_object_new_string(msg_text(LANG_EN,
		    (enum msg)msg)));
		t = json_object_new_object();
		json_object_object_add(t, "code", json_object_new_string(code));
		json_object_object_add(t, "messageAr", json_object_new_string(msg_text(LANG_AR,
		    (enum msg)msg)));
		json_object_object_add(o, "data", t);
		send_json(w, "44", o);
		json_object_put(o);
		json_object_put(auth);
		return;
	}
	json_object_put(auth);
	free(w->token);
	w->token = NULL;
	w->sio_connected = 1;
	o = json_object_new_object();
	json_object_object_add(o, "sid", json_object_new_string(w->sid));
	send_json(w, "40", o);
	json_object_put(o);
	/* without any token the socket is connected but anonymous until seed 000's
	 * "authenticate" event brings one */
	if (w->user_id != 0)
		ws_welcome(w);
}

static void
bad_frame(struct ws *w, const char *why)
{
	log_info("msg=ws_closed reason=%s user=%lld", why, w->user_id);
	ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 1);
}

static void
sio_frame(struct ws *w, const char *s, size_t len)
{
	const struct config *cfg = &w->n->cfg;
	struct sio_packet p;
	json_object *arr;

	if (sio_decode(s, len, &p) != 0) {
		bad_frame(w, "bad_packet");
		return;
	}
	switch (p.eio) {
	case EIO_PONG:
		if (w->hb_wait) {
			w->hb_wait = 0;
			lws_sul_schedule(lws_get_context(w->wsi), 0, &w->hb, heartbeat_run,
			    (lws_usec_t)cfg->notifier_ping_interval_ms * 1000);
		}
		return;
	case EIO_CLOSE:
		ws_close(w, LWS_CLOSE_STATUS_NORMAL, 1);
		return;
	case EIO_MESSAGE:
		break;
	default:
		return;     /* ping from a client, upgrade, noop: nothing to do in v4 */
	}
	if (p.type == SIO_CONNECT) {
		sio_connect(w, &p);
		return;
	}
	if (!w->sio_connected) {
		bad_frame(w, "no_connect");
		return;
	}
	switch (p.type) {
	case SIO_EVENT:
		if (p.nsp_len != 1)
			return;
		if ((arr = sio_event(p.data, p.data_len)) == NULL) {
			bad_frame(w, "bad_event");
			return;
		}
		ws_client_event(w, json_object_get_string(json_object_array_get_idx(arr, 0)),
		    json_object_array_length(arr) > 1 ? json_object_array_get_idx(arr, 1) : NULL,
		    p.ack);
		json_object_put(arr);
		return;
	case SIO_DISCONNECT:
		if (p.nsp_len == 1)
			ws_close(w, LWS_CLOSE_STATUS_NORMAL, 0);
		return;
	case SIO_BINARY_EVENT:
	case SIO_BINARY_ACK:
		/* attachments are not taken: the frames that follow are dropped as binary */
		log_info("msg=ws_binary_dropped user=%lld", w->user_id);
		return;
	case SIO_CONNECT_ERROR:
		bad_frame(w, "bad_packet");
		return;
	default:
		return;     /* ACK: the server never asks for one */
	}
}

static void
ws_frame(struct ws *w, const char *s, size_t len)
{
	const char *event;
	json_object *o, *data;
	long long ack;

	if ((o = ws_json_frame(s, len, &event, &data, &ack)) == NULL) {
		ws_error(w, "BAD_REQUEST", MSG_ERR_BAD_REQUEST, NULL, -1);
		return;
	}
	ws_client_event(w, event, data, ack);
	json_object_put(o);
}

static int
receive(struct ws *w, const char *in, size_t len)
{
	int last = lws_is_final_fragment(w->wsi) && !lws_remaining_packet_payload(w->wsi);

	if (lws_frame_is_binary(w->wsi))
		w->rx_skip = 1;
	if (!w->rx_skip && w->rxlen == 0 && last) {
		/* the common case: a whole message in one piece, read in place */
		if (w->kind == CONN_SIO)
			sio_frame(w, in, len);
		else
			ws_frame(w, in, len);
		return 0;
	}
	if (!w->rx_skip) {
		if (w->rxlen + len > WS_MAX_PAYLOAD) {
			log_info("msg=ws_closed reason=message_too_big user=%lld", w->user_id);
			lws_close_reason(w->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, NULL, 0);
			return -1;
		}
		if (w->rx == NULL && (w->rx = malloc(WS_MAX_PAYLOAD)) == NULL)
			return -1;
		memcpy(w->rx + w->rxlen, in, len);
		w->rxlen += len;
	}
	if (!last)
		return 0;
	if (!w->rx_skip) {
		if (w->kind == CONN_SIO)
			sio_frame(w, w->rx, w->rxlen);
		else
			ws_frame(w, w->rx, w->rxlen);
	}
	w->rxlen = 0;
	w->rx_skip = 0;
	free(w->rx);
	w->rx = NULL;
	return 0;
}

int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
    void *in, size_t len)
{
	struct ws *w = &c->ws;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return filter(wsi, w);
	case LWS_CALLBACK_ESTABLISHED:
		return established(wsi, notifier_of(wsi), w);
	case LWS_CALLBACK_RECEIVE:
		if (w->n == NULL || dropped(w))
			return 0;
		return receive(w, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (w->n == NULL)
			return 0;
		return on_writeable(w);
	case LWS_CALLBACK_CLOSED:
		closed(w);
		return 0;
	default:
		return 0;
	}
}
