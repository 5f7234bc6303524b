/* Engine.IO v4 / Socket.IO v5 packet decoding and the plain /ws JSON frames (sio.h). */
#include <string.h>

#include "sio.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
sio_decode(const char *s, size_t len, struct sio_packet *p)
{
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	p->type = SIO_NONE;
	p->nsp = "/";
	p->nsp_len = 1;
	p->ack = -1;
	if (s == NULL || len == 0 || s[0] < '0' || s[0] > '6')
		return -1;
	p->eio = (enum eio_type)(s[0] - '0');
	i = 1;
	if (p->eio != EIO_MESSAGE) {
		p->data = s + i;
		p->data_len = len - i;
		return 0;
	}
	/* the Socket.IO packet: its type, one digit */
	if (i >= len || s[i] < '0' || s[i] > '6')
		return -1;
	p->type = (enum sio_type)(s[i++] - '0');
	/* binary packets: the attachment count, digits up to '-' */
	if (p->type == SIO_BINARY_EVENT || p->type == SIO_BINARY_ACK) {
		int n = 0, digits = 0;

		while (i < len && is_digit(s[i]) && digits < 3) {
			n = n * 10 + (s[i++] - '0');
			digits++;
		}
		if (digits == 0 || i >= len || s[i] != '-' || n > SIO_ATTACH_MAX)
			return -1;
		p->attachments = n;
		i++;
	}
	/* the namespace, from '/' up to ',' or the end */
	if (i < len && s[i] == '/') {
		size_t start = i;

		while (i < len && s[i] != ',')
			i++;
		if (i - start > SIO_NSP_MAX)
			return -1;
		p->nsp = s + start;
		p->nsp_len = i - start;
		if (i < len)
			i++;       /* the comma */
	}
	/* the ack id: digits */
	if (i < len && is_digit(s[i])) {
		long long id = 0;
		int digits = 0;

		while (i < len && is_digit(s[i])) {
			if (++digits > 9)
				return -1;
			id = id * 10 + (s[i++] - '0');
		}
		if (id > SIO_ACK_MAX)
			return -1;
		p->ack = id;
	}
	p->data = s + i;
	p->data_len = len - i;
	switch (p->type) {
	case SIO_EVENT:
	case SIO_ACK:
	case SIO_BINARY_EVENT:
	case SIO_BINARY_ACK:
		/* their payload is an array */
		if (p->data_len == 0 || p->data[0] != '[')
			return -1;
		break;
	case SIO_CONNECT:
	case SIO_CONNECT_ERROR:
		if (p->ack >= 0)
			return -1;
		if (p->data_len > 0 && p->data[0] != '{')
			return -1;
		break;
	case SIO_DISCONNECT:
		if (p->ack >= 0 || p->data_len > 0)
			return -1;
		break;
	default:
		return -1;
	}
	return 0;
}

json_object *
sio_json_parse(const char *s, size_t len)
{
	struct json_tokener *tok;
	json_object *o;

	if (s == NULL || len == 0 || len > (size_t)0x7fffffff)
		return NULL;
	if ((tok = json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	/* the whole text, not a prefix of it: "[1]x" is no JSON */
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

json_object *
sio_event(const char *data, size_t len)
{
	json_object *o = sio_json_parse(data, len);

	if (o == NULL)
		return NULL;
	if (!json_object_is_type(o, json_type_array) || json_object_array_length(o) == 0 ||
	    !json_object_is_type(json_object_array_get_idx(o, 0), json_type_string)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *
sio_connect_auth(const char *data, size_t len, int *bad)
{
	json_object *o;

	*bad = 0;
	if (len == 0)
		return NULL;
	o = sio_json_parse(data, len);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		*bad = 1;
		return NULL;
	}
	return o;
}

json_object *
ws_json_frame(const char *s, size_t len, const char **event, json_object **payload,
    long long *ack)
{
	json_object *o = sio_json_parse(s, len), *e, *id;

	*event = NULL;
	*payload = NULL;
	*ack = -1;
	if (o == NULL)
		return NULL;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "event", &e) ||
	    !json_object_is_type(e, json_type_string) || json_object_get_string_len(e) == 0) {
		json_object_put(o);
		return NULL;
	}
	if (json_object_object_get_ex(o, "id", &id)) {
		long long v;

		if (!json_object_is_type(id, json_type_int) ||
		    (v = json_object_get_int64(id)) < 0 || v > SIO_ACK_MAX) {
			json_object_put(o);
			return NULL;
		}
		*ack = v;
	}
	*event = json_object_get_string(e);
	json_object_object_get_ex(o, "data", payload);
	return o;
}
