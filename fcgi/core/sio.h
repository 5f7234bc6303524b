/* Engine.IO v4 / Socket.IO v5 packets and the plain /ws JSON frames, as text: the
 * notifier's decoder of what WebSocket clients send (docs/realtime.md).
 *
 * One WebSocket text frame is one Engine.IO packet: a type digit, then its data. A
 * message packet ("4") carries one Socket.IO packet:
 *   <type>[<attachments>-][<nsp>,][<ack id>][<JSON>]
 * sio_decode() splits a frame into those parts without copying; the JSON is checked
 * later, by whoever reads it (sio_event() for EVENT packets). Nothing here allocates
 * except sio_event() and ws_json_frame(), which return json-c objects. */
#ifndef WARSHA_SIO_H
#define WARSHA_SIO_H

#include <stddef.h>
#include <json-c/json.h>

enum eio_type { EIO_OPEN = 0, EIO_CLOSE, EIO_PING, EIO_PONG, EIO_MESSAGE, EIO_UPGRADE,
	EIO_NOOP };
enum sio_type { SIO_CONNECT = 0, SIO_DISCONNECT, SIO_EVENT, SIO_ACK, SIO_CONNECT_ERROR,
	SIO_BINARY_EVENT, SIO_BINARY_ACK, SIO_NONE = -1 };

#define SIO_NSP_MAX     128          /* bytes of a namespace name */
#define SIO_ACK_MAX     999999999LL  /* the largest ack id taken (9 digits) */
#define SIO_ATTACH_MAX  16           /* the most binary attachments announced */

struct sio_packet {
	enum eio_type eio;
	enum sio_type type;         /* SIO_NONE unless eio is EIO_MESSAGE */
	int           attachments;  /* BINARY_EVENT / BINARY_ACK only */
	const char   *nsp;          /* "/" when the packet names none; not terminated */
	size_t        nsp_len;
	long long     ack;          /* -1: none */
	const char   *data;         /* the rest: JSON text, or an Engine.IO packet's data */
	size_t        data_len;
};

/* 0 and the parts, or -1 for a frame that is no packet: empty, an unknown type, a
 * malformed attachment count, namespace or ack id, an EVENT or ACK without its JSON. */
int  sio_decode(const char *s, size_t len, struct sio_packet *p);

/* An EVENT's payload: a non-empty array whose first element is a string. Returns the
 * array (the caller puts it) or NULL. */
json_object *sio_event(const char *data, size_t len);

/* A CONNECT's payload (the client's auth): NULL when absent; *bad set when present but
 * not a JSON object. Returns the object (the caller puts it). */
json_object *sio_connect_auth(const char *data, size_t len, int *bad);

/* A plain /ws frame: {"event": "<name>", "data": <any>, "id": <ack id, optional>}.
 * Returns the object (the caller puts it) and points *event at its name, *payload at
 * its data (NULL when absent), *ack at the id (-1 when absent); NULL when the frame is
 * not such an object. */
json_object *ws_json_frame(const char *s, size_t len, const char **event,
    json_object **payload, long long *ack);

/* Parses exactly len bytes of JSON text (no trailing bytes); NULL when it is not. */
json_object *sio_json_parse(const char *s, size_t len);

#endif
