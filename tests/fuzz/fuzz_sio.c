/* libFuzzer target: what a WebSocket client sends the notifier, one text frame at a
 * time — the Engine.IO / Socket.IO packet (sio_decode), an EVENT's or CONNECT's payload
 * (sio_event, sio_connect_auth) and a plain /ws JSON frame (ws_json_frame), fed the same
 * bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sio.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *ev;
	struct sio_packet p;
	json_object *o, *payload;
	long long ack;
	int bad;

	if (sio_decode(s, size, &p) == 0) {
		ASSERT(p.data != NULL && p.data >= s && p.data + p.data_len == s + size);
		ASSERT(p.nsp != NULL && p.nsp_len >= 1 && p.nsp_len <= SIO_NSP_MAX);
		ASSERT(p.ack >= -1 && p.ack <= SIO_ACK_MAX);
		if (p.type == SIO_EVENT) {
			o = sio_event(p.data, p.data_len);
			if (o != NULL)
				ASSERT(json_object_array_length(o) >= 1);
			json_object_put(o);
		}
		if (p.type == SIO_CONNECT)
			json_object_put(sio_connect_auth(p.data, p.data_len, &bad));
	}
	o = ws_json_frame(s, size, &ev, &payload, &ack);
	if (o != NULL)
		ASSERT(ev != NULL && *ev != '\0' && ack >= -1);
	json_object_put(o);
	return 0;
}
