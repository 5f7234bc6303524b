/* Plain HTTP on the notifier: GET /health for monitors and load balancers, a JSON 404
 * for every other path. nginx sends only /socket.io/ and /ws here; /health is asked
 * directly on the notifier's own port.
 *
 * A reply is built whole when the request arrives (it is a few hundred bytes), the
 * headers go out from LWS_CALLBACK_HTTP and the body from LWS_CALLBACK_HTTP_WRITEABLE,
 * then the connection waits for the next request (keep-alive) or closes.
 *
 * A request that announces a body (Content-Length) is answered only once lws has
 * delivered and we have dropped that body: answering early and going back to
 * keep-alive would parse the body as the next request, and closing with unread bytes
 * makes the kernel reset the connection, which can destroy the reply in flight.
 * lws 4.1 does not decode a chunked request body at all, so a request with
 * Transfer-Encoding gets its answer with "connection: close" and the connection ends. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/http.h"
#include "core/log.h"
#include "notifier.h"

#define HTTP_BODY_DISCARD_MAX (64 * 1024)   /* nothing here reads a body */

enum http_state {
	HTTP_IDLE = 0,       /* no request, or the reply has gone out */
	HTTP_WAIT_BODY,      /* reply built; dropping the request body first */
	HTTP_WAIT_WRITE,     /* headers sent; the body goes out when writeable */
};

static const char *
method_name(int m)
{
	switch (m) {
	case LWSHUMETH_GET: return "GET";
	case LWSHUMETH_POST: return "POST";
	case LWSHUMETH_OPTIONS: return "OPTIONS";
	case LWSHUMETH_PUT: return "PUT";
	case LWSHUMETH_PATCH: return "PATCH";
	case LWSHUMETH_DELETE: return "DELETE";
	case LWSHUMETH_CONNECT: return "CONNECT";
	case LWSHUMETH_HEAD: return "HEAD";
	default: return "OTHER";
	}
}

/* Serializes o (and releases it) into the reply. */
static int
reply_set(struct http_reply *r, int status, json_object *o)
{
	const char *s;
	size_t len = 0;
	int rc = -1;

	if (o == NULL)
		return -1;
	s = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL && len <= sizeof(r->body)) {
		memcpy(r->body, s, len);
		r->len = len;
		r->status = status;
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

/* docs/api-conventions.md error shape; the codes come from the one table in core/http.c. This is
 * an operator's endpoint, so the message is English only. */
static json_object *
error_body(enum err e, const char *message)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "success", json_object_new_boolean(0));
	json_object_object_add(o, "code", json_object_new_string(err_code(e)));
	json_object_object_add(o, "message", json_object_new_string(message));
	return o;
}

/* The database state comes from the tick's cache (tick.c): /health never waits on the
 * database. "status" follows warsha-fcgi's /health: "ok", or "degraded" with a 503. */
static json_object *
health_body(const struct notifier *n, int up)
{
	json_object *o = json_object_new_object();
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "dbStatus",
	    json_object_new_string(up ? "connected" : "disconnected"));
	json_object_object_add(o, "service", json_object_new_string(NOTIFIER_NAME));
	json_object_object_add(o, "uptimeSeconds",
	    json_object_new_int64((int64_t)(now.tv_sec - n->started.tv_sec)));
	/* the WebSockets open here, and the realtime_events id delivered up to (null
	 * until the tail has started) */
	json_object_object_add(o, "sockets", json_object_new_int64(n->nsocks));
	json_object_object_add(o, "lastEventId", n->last_event >= 0 ?
	    json_object_new_int64(n->last_event) : NULL);
	json_object_object_add(o, "eventsDelivered", json_object_new_int64(n->delivered));
	json_object_object_add(o, "socketsDropped", json_object_new_int64(n->dropped));
	return o;
}

static int
route(const struct notifier *n, struct http_reply *r, const char *path, int method)
{
	if (strcmp(path, "/health") == 0) {
		int up = n->db_up == 1;

		if (method == LWSHUMETH_GET || method == LWSHUMETH_HEAD)
			return reply_set(r, up ? 200 : 503, health_body(n, up));
		return reply_set(r, err_status(ERR_METHOD_NOT_ALLOWED),
		    error_body(ERR_METHOD_NOT_ALLOWED, "Method not allowed"));
	}
	/* Engine.IO's polling transport is not served: WebSocket only (docs/realtime.md) */
	if (strcmp(path, "/socket.io/") == 0 || strcmp(path, "/socket.io") == 0)
		return reply_set(r, err_status(ERR_BAD_REQUEST), error_body(ERR_BAD_REQUEST,
		    "Transport unknown: connect with transport=websocket"));
	return reply_set(r, err_status(ERR_NOT_FOUND), error_body(ERR_NOT_FOUND, "Not found"));
}

static int
send_headers(struct lws *wsi, struct http_reply *r)
{
	unsigned char buf[LWS_PRE + 1024], *start = &buf[LWS_PRE], *p = start;
	unsigned char *end = &buf[sizeof(buf) - 1];

	if (lws_add_http_common_headers(wsi, (unsigned int)r->status, "application/json",
	    (lws_filepos_t)r->len, &p, end) != 0 ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	    (const unsigned char *)"no-store", 8, &p, end) != 0)
		return -1;
	if (r->status == 405 && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_ALLOW,
	    (const unsigned char *)"GET, HEAD", 9, &p, end) != 0)
		return -1;
	if (r->close && lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
	    (const unsigned char *)"close", 5, &p, end) != 0)
		return -1;
	if (lws_finalize_write_http_header(wsi, start, &p, end) != 0)
		return -1;
	r->state = HTTP_WAIT_WRITE;
	lws_callback_on_writable(wsi);
	return 0;
}

static int
send_body(struct lws *wsi, struct http_reply *r)
{
	unsigned char buf[LWS_PRE + HTTP_REPLY_MAX];
	size_t len = r->head ? 0 : r->len;

	if (r->state != HTTP_WAIT_WRITE)
		return 0;           /* lws may call writeable when we have nothing to say */
	r->state = HTTP_IDLE;
	memcpy(&buf[LWS_PRE], r->body, len);
	if (lws_write(wsi, &buf[LWS_PRE], len, LWS_WRITE_HTTP_FINAL) != (int)len)
		return -1;
	if (r->close)
		return -1;
	/* keep-alive: wait for the next request; otherwise (HTTP/1.0, "close") hang up */
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Bytes of request body the client announced; -1 when the header is malformed. */
static long long
announced_body(struct lws *wsi)
{
	char v[32], *e;
	long long n;

	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
		return 0;
	if (lws_hdr_copy(wsi, v, sizeof(v), WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
		return -1;
	n = strtoll(v, &e, 10);
	return (e == v || *e != '\0' || n < 0) ? -1 : n;
}

static int
on_request(struct lws *wsi, struct http_reply *r, const char *path)
{
	char *uri = NULL, clean[128];
	int urilen = 0, method = lws_http_get_uri_and_method(wsi, &uri, &urilen);
	long long body = announced_body(wsi);

	memset(r, 0, sizeof(*r));
	r->head = method == LWSHUMETH_HEAD;
	r->close = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	if (route(notifier_of(wsi), r, path, method) != 0) {
		log_error("msg=reply_build_failed");
		return -1;
	}
	log_info("msg=request method=%s path=%s status=%d", method_name(method),
	    log_clean(clean, sizeof(clean), path), r->status);
	if (body < 0 || body > HTTP_BODY_DISCARD_MAX) {
		log_info("msg=request_refused reason=body_length");
		return -1;
	}
	if (body > 0) {
		r->state = HTTP_WAIT_BODY;
		return 0;
	}
	return send_headers(wsi, r);
}

int
http_callback(struct lws *wsi, enum lws_callback_reasons reason, struct conn *c,
    void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_request(wsi, &c->http, in != NULL ? (const char *)in : "/");
	case LWS_CALLBACK_HTTP_BODY:
		return 0;           /* dropped: no route takes a body */
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (c->http.state != HTTP_WAIT_BODY)
			return -1;
		return send_headers(wsi, &c->http);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return send_body(wsi, &c->http);
	default:
		return 0;
	}
}
