/* warsha-notifier: the daemon's shared state and the parts it is built from
 * (docs/architecture.md).
 *
 * One process, one libwebsockets service thread (Debian's lws has LWS_MAX_SMP 1) with
 * its MariaDB connection: every lws call and every database call of the parts below
 * happens on that thread, so nothing here is shared with another thread and nothing
 * takes a lock. Outbox delivery (e-mail, SMS, push) runs on a thread of its own with its
 * own configuration copy, connection and curl handle (delivery.h: delivery_start() and
 * delivery_stop() in main()), so the service thread never waits on SMTP or HTTP.
 *
 *   notifier.c     main: configuration, the lws context and its protocol table, the loop
 *   signals.c      SIGTERM, SIGINT and SIGHUP arrive as lws events through a signalfd
 *   http_server.c  plain HTTP on protocols[0]: GET /health, a JSON 404 for the rest
 *   tick.c         the once-a-second job; today it refreshes the database state
 *   ws.c           WebSockets on protocols[0]: /socket.io/ (Engine.IO v4 + Socket.IO v5)
 *                  and /ws (JSON text frames); admission, frames, send queues, close
 *   ws_events.c    who a socket is (the token check) and what clients may ask: rooms of
 *                  bookings, update-location, notification:read, register
 *   rooms.c        rooms by name and their sockets; presence per user
 *   realtime.c     the realtime_events tail (a 250 ms lws_sul timer) and its fan-out
 * docs/realtime.md describes the protocol as clients see it.
 *
 * Clients send no subprotocol, so lws binds every upgrade to protocols[0]
 * (conn_callback() in notifier.c), the protocol that serves plain HTTP too;
 * LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION tells the kinds apart by path and ws.c keeps
 * a socket's state in struct conn.
 *
 * The outbox's delivery thread starts and stops beside tick_start()/realtime_start()
 * in main(). */
#ifndef WARSHA_NOTIFIER_H
#define WARSHA_NOTIFIER_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>
#include <libwebsockets.h>

#include "core/config.h"
#include "core/arena.h"
#include "core/db.h"

#define NOTIFIER_NAME "warsha-notifier"

enum { STOP_NO = 0, STOP_SIGNAL, STOP_ERROR };

struct notifier {
	struct config          cfg;
	struct db             *db;
	struct lws_context    *ctx;
	struct timespec        started;  /* CLOCK_MONOTONIC, for uptimeSeconds */
	int                    db_up;    /* 1 up, 0 down, -1 not asked yet; kept by the tick */
	int                    stop;     /* STOP_*: ends the service loop */
	lws_sorted_usec_list_t tick;
	struct arena           arena;    /* for database calls; reset after each */
	/* WebSockets */
	struct ws             *socks;    /* every open socket */
	long                   nsocks;
	struct room          **rooms;    /* hash table of rooms by name */
	size_t                 nbuckets;
	long long              last_event;   /* realtime_events id delivered up to; -1: not
	                                      * started (database down at start) */
	long long              delivered;    /* events fanned out since start */
	long long              dropped;      /* sockets dropped for a full queue */
	unsigned               queue_peak;   /* the longest send queue the last batch left */
	lws_sorted_usec_list_t tail;
	lws_sorted_usec_list_t wake;
};

/* The reply to one plain HTTP request. It is built whole when the request arrives, so
 * the writeable callback only has to send it. */
#define HTTP_REPLY_MAX 512

struct http_reply {
	int    state;         /* enum in http_server.c */
	int    status;
	int    head;          /* HEAD: headers only */
	int    close;         /* a body we cannot read follows: hang up after the reply */
	size_t len;
	char   body[HTTP_REPLY_MAX];
};

/* --- WebSockets (ws.c) --- */

enum conn_kind { CONN_HTTP = 0, CONN_SIO, CONN_WS };

#define WS_QUEUE_MAX    4096           /* frames waiting per socket: past it, dropped;
                                        * above two tail batches (realtime.c) */
#define WS_ROOMS_MAX    16             /* rooms a socket is in (user, role, bookings) */
#define WS_MAX_PAYLOAD  65536          /* the largest frame taken (Engine.IO maxPayload) */
#define WS_CONNECT_MS   45000          /* from upgrade to a valid token */

/* A frame, built once and queued to every socket it goes to (counted references). */
struct ws_msg {
	unsigned      refs;
	size_t        len;
	unsigned char buf[];               /* LWS_PRE bytes of room, then the text */
};

struct room;
struct room_slot {
	struct room *room;
	size_t       idx;                  /* this socket's place in room->socks */
};

struct ws {
	struct lws            *wsi;
	struct notifier       *n;
	struct ws             *prev, *next;       /* every open socket (struct notifier) */
	enum conn_kind         kind;
	int                    sio_connected;     /* Socket.IO CONNECT to "/" done */
	int                    close_now;         /* close before the queue drains */
	unsigned short         close_code;        /* non-zero: close with it */
	long long              user_id;           /* 0: not authenticated yet */
	long long              token_exp;         /* the token's exp: the socket closes then */
	char                   tok_jti[33];       /* the token's jti, sid and issue time: */
	char                   tok_sid[33];       /* checked again when an auth:check event */
	long long              tok_iat_us;        /* comes for the user (ws_still_valid) */
	int                    role;              /* enum role */
	int                    lang;              /* enum lang, for error texts */
	char                  *token;             /* from the query, cookie or header */
	char                   sid[24];           /* Socket.IO sid */
	struct ws_msg        **q;                 /* a ring that grows up to WS_QUEUE_MAX */
	unsigned               qcap, qhead, qlen;
	struct room_slot       rooms[WS_ROOMS_MAX];
	unsigned               nrooms;
	char                  *rx;                /* a message arriving in fragments */
	size_t                 rxlen;
	int                    rx_skip;           /* binary frame or too long: dropped */
	int                    hb_wait;           /* a ping sent, its pong not yet back */
	lws_sorted_usec_list_t hb, deadline;
};

/* Per-connection state of protocols[0]; lws allocates it zeroed and frees it after
 * LWS_CALLBACK_CLOSED. kind 0 is plain HTTP. */
struct conn {
	struct http_reply http;
	struct ws         ws;
};

/* notifier.c */
struct notifier *notifier_of(struct lws *wsi);

/* http_server.c: LWS_CALLBACK_HTTP, _HTTP_BODY, _HTTP_BODY_COMPLETION and
 * _HTTP_WRITEABLE of protocols[0]. */
int  http_callback(struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
    void *in, size_t len);

/* ws.c */
int  ws_callback(struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
    void *in, size_t len);
/* Queues one text frame (copied); -1 when the socket is dropped for a full queue. */
int  ws_send(struct ws *w, const char *text, size_t len);
/* Queues a built frame (one more reference); the same -1. */
int  ws_send_msg(struct ws *w, struct ws_msg *m);
struct ws_msg *ws_msg_new(const char *text, size_t len);
void ws_msg_unref(struct ws_msg *m);
/* An event in the socket's own framing: 42["name",data] or {"event":..,"data":..}.
 * data is not taken; NULL is sent as null. */
int  ws_emit(struct ws *w, const char *event, json_object *data);
/* The answer to a client's event that asked for one (ack >= 0). */
int  ws_ack(struct ws *w, long long ack, json_object *data);
/* Closes after the queue drains (now: at once) with a WebSocket close code. */
void ws_close(struct ws *w, unsigned short code, int now);
/* SIGTERM: every socket closes with 1001. */
void ws_shutdown(struct notifier *n);

/* ws_events.c */
/* A token's user, checked as the API checks it (signature, expiry, the user neither
 * gone, banned nor disabled, the token not revoked, its session alive): 0 and the
 * socket's user set, or -1 with the error's code and message (enum msg). */
int  ws_authenticate(struct ws *w, const char *token, const char **code, int *msg);
/* After a good token: the user's rooms, presence, and the "authenticated" event. */
void ws_welcome(struct ws *w);
/* The socket's token checked again as at connect (a ban, a password change, an ended
 * session, a new role since): 1 still good, 0 no longer, -1 the database did not
 * answer (the socket stays). */
int  ws_still_valid(struct ws *w);
/* One client event: name, its data (may be NULL), the ack id or -1. */
void ws_client_event(struct ws *w, const char *event, json_object *data, long long ack);
/* The error event: {code, message, messageAr, event?}. */
void ws_error(struct ws *w, const char *code, int msg, const char *event, long long ack);
/* The socket goes: presence. */
void ws_gone(struct ws *w);
/* The timer of an authenticated socket: its token expired. */
void ws_expired(lws_sorted_usec_list_t *sul);

/* rooms.c */
int  rooms_init(struct notifier *n);
void rooms_free(struct notifier *n);
struct room *room_find(struct notifier *n, const char *name);
/* 0 joined (or already in), -1 too many rooms or out of memory. */
int  room_join(struct ws *w, const char *name);
void room_leave(struct ws *w, const char *name);
void room_leave_all(struct ws *w);
size_t room_size(const struct room *r);
struct ws *room_member(const struct room *r, size_t i);
/* Sockets of the user on this notifier. */
size_t room_user_count(struct notifier *n, long long user_id);

/* realtime.c */
void realtime_start(struct notifier *n);
void realtime_stop(struct notifier *n);

/* tick.c */
void db_state_refresh(struct notifier *n);
void tick_start(struct notifier *n);
void tick_stop(struct notifier *n);

/* signals.c */
/* Resets SIGTERM and SIGINT to their default action and blocks them, so that they are
 * only ever seen through the signalfd. Call before anything starts a thread. */
int  signals_block(void);
/* Creates the signalfd and hands it to lws; its events go to signals_callback(). */
int  signals_adopt(struct lws_context *ctx, const char *protocol_name);
int  signals_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len);

#endif
