/* warsha-notifier: the daemon's shared state and the parts it is built from
 * (docs/architecture.md).
 *
 * One process, one libwebsockets service thread (Debian's lws has LWS_MAX_SMP 1) and
 * one MariaDB connection. Every lws call and every database call happens on that
 * thread, so nothing here is shared with another thread and nothing takes a lock.
 *
 *   notifier.c     main: configuration, the lws context and its protocol table, the loop
 *   signals.c      SIGTERM, SIGINT and SIGHUP arrive as lws events through a signalfd
 *   http_server.c  plain HTTP on protocols[0]: GET /health, a JSON 404 for the rest
 *   tick.c         the once-a-second job; today it refreshes the database state
 *
 * Where the next parts hook in:
 *   - WebSockets (/socket.io/ Socket.IO v4, /ws plain JSON frames). Clients send no
 *     subprotocol, so lws binds every upgrade to protocols[0] (conn_callback() in
 *     notifier.c), the same protocol that serves plain HTTP. There
 *     LWS_CALLBACK_HTTP_CONFIRM_UPGRADE admits the upgrade (today it hangs up on
 *     every one) and LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION picks the kind of socket
 *     by path and records it in struct conn.
 *   - Outbox delivery and realtime_events tailing: more work in tick_run() (tick.c),
 *     still on the service thread, each job bounded so that one tick stays short. */
#ifndef WARSHA_NOTIFIER_H
#define WARSHA_NOTIFIER_H

#include <stddef.h>
#include <time.h>

#include <libwebsockets.h>

#include "core/config.h"
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

/* Per-connection state of protocols[0]; lws allocates it zeroed and frees it after
 * LWS_CALLBACK_CLOSED. The WebSocket issue adds the socket kind and its state here. */
struct conn {
	struct http_reply http;
};

/* notifier.c */
struct notifier *notifier_of(struct lws *wsi);

/* http_server.c: LWS_CALLBACK_HTTP, _HTTP_BODY, _HTTP_BODY_COMPLETION and
 * _HTTP_WRITEABLE of protocols[0]. */
int  http_callback(struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
    void *in, size_t len);

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
