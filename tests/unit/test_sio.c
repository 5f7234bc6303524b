/* The Engine.IO / Socket.IO packet decoder and the /ws JSON frames (fcgi/core/sio.c). */
#include "check.h"
#include "core/sio.h"

static int
dec(const char *s, struct sio_packet *p)
{
	return sio_decode(s, strlen(s), p);
}

static int
same(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(s, want, n) == 0;
}

TEST(engine_io_packets)
{
	struct sio_packet p;

	CHECK_INT(dec("3", &p), 0);
	CHECK_INT(p.eio, EIO_PONG);
	CHECK_INT(p.type, SIO_NONE);
	CHECK_INT(dec("2probe", &p), 0);
	CHECK_INT(p.eio, EIO_PING);
	CHECK(same(p.data, p.data_len, "probe"));
	CHECK_INT(dec("1", &p), 0);
	CHECK_INT(p.eio, EIO_CLOSE);
	CHECK_INT(dec("", &p), -1);
	CHECK_INT(dec("7", &p), -1);
	CHECK_INT(dec("x", &p), -1);
	CHECK_INT(sio_decode(NULL, 0, &p), -1);
}

TEST(connect)
{
	struct sio_packet p;

	CHECK_INT(dec("40", &p), 0);
	CHECK_INT(p.eio, EIO_MESSAGE);
	CHECK_INT(p.type, SIO_CONNECT);
	CHECK(same(p.nsp, p.nsp_len, "/"));
	CHECK_INT(p.data_len, 0);
	CHECK_INT(dec("40{\"token\":\"abc\"}", &p), 0);
	CHECK(same(p.data, p.data_len, "{\"token\":\"abc\"}"));
	CHECK_INT(dec("40/admin,{\"token\":\"abc\"}", &p), 0);
	CHECK(same(p.nsp, p.nsp_len, "/admin"));
	CHECK(same(p.data, p.data_len, "{\"token\":\"abc\"}"));
	CHECK_INT(dec("40/custom", &p), 0);
	CHECK(same(p.nsp, p.nsp_len, "/custom"));
	CHECK_INT(p.data_len, 0);
	CHECK_INT(dec("40[1]", &p), -1);
	CHECK_INT(dec("4012{}", &p), -1);
}

TEST(events_and_acks)
{
	struct sio_packet p;

	CHECK_INT(dec("42[\"booking:new\",{\"id\":17}]", &p), 0);
	CHECK_INT(p.type, SIO_EVENT);
	CHECK_INT(p.ack, -1);
	CHECK(same(p.data, p.data_len, "[\"booking:new\",{\"id\":17}]"));
	CHECK_INT(dec("420[\"job:accept\",{\"id\":5}]", &p), 0);
	CHECK_INT(p.ack, 0);
	CHECK_INT(dec("42/admin,7[\"x\"]", &p), 0);
	CHECK(same(p.nsp, p.nsp_len, "/admin"));
	CHECK_INT(p.ack, 7);
	CHECK_INT(dec("4312[]", &p), 0);
	CHECK_INT(p.type, SIO_ACK);
	CHECK_INT(p.ack, 12);
	CHECK_INT(dec("42abc[\"x\"]", &p), -1);
	CHECK_INT(dec("42{}", &p), 0 - 1);
	CHECK_INT(dec("42", &p), -1);
	CHECK_INT(dec("421234567890[\"x\"]", &p), -1);   /* ten digits */
	CHECK_INT(dec("4abc", &p), -1);
	CHECK_INT(dec("47", &p), -1);
	CHECK_INT(dec("4", &p), -1);
}

TEST(binary_and_disconnect)
{
	struct sio_packet p;

	CHECK_INT(dec("451-[\"up\",{\"_placeholder\":true,\"num\":0}]", &p), 0);
	CHECK_INT(p.type, SIO_BINARY_EVENT);
	CHECK_INT(p.attachments, 1);
	CHECK_INT(dec("461-15[\"bar\"]", &p), 0);
	CHECK_INT(p.attachments, 1);
	CHECK_INT(p.ack, 15);
	CHECK_INT(dec("45[\"x\"]", &p), -1);
	CHECK_INT(dec("4599-[\"x\"]", &p), -1);
	CHECK_INT(dec("41", &p), 0);
	CHECK_INT(p.type, SIO_DISCONNECT);
	CHECK_INT(dec("41/admin,", &p), 0);
	CHECK(same(p.nsp, p.nsp_len, "/admin"));
	CHECK_INT(dec("41x", &p), -1);
}

TEST(event_payload)
{
	json_object *o;

	o = sio_event("[\"a\",1]", 7);
	REQUIRE(o != NULL);
	CHECK_STR(json_object_get_string(json_object_array_get_idx(o, 0)), "a");
	json_object_put(o);
	CHECK(sio_event("[]", 2) == NULL);
	CHECK(sio_event("[1]", 3) == NULL);
	CHECK(sio_event("{}", 2) == NULL);
	CHECK(sio_event("[\"a\"]x", 6) == NULL);
	CHECK(sio_event("[\"a\"", 4) == NULL);
	CHECK(sio_event("", 0) == NULL);
}

TEST(connect_auth)
{
	json_object *o;
	int bad;

	CHECK(sio_connect_auth("", 0, &bad) == NULL);
	CHECK_INT(bad, 0);
	o = sio_connect_auth("{\"token\":\"t\"}", 13, &bad);
	REQUIRE(o != NULL);
	CHECK_INT(bad, 0);
	json_object_put(o);
	CHECK(sio_connect_auth("{\"token\"", 8, &bad) == NULL);
	CHECK_INT(bad, 1);
}

TEST(ws_frames)
{
	const char *ev, *s;
	json_object *o, *data;
	long long ack;

	s = "{\"event\":\"join-booking\",\"data\":{\"bookingId\":3},\"id\":4}";
	o = ws_json_frame(s, strlen(s), &ev, &data, &ack);
	REQUIRE(o != NULL);
	CHECK_STR(ev, "join-booking");
	CHECK(data != NULL && json_object_is_type(data, json_type_object));
	CHECK_INT(ack, 4);
	json_object_put(o);
	s = "{\"event\":\"x\"}";
	o = ws_json_frame(s, strlen(s), &ev, &data, &ack);
	REQUIRE(o != NULL);
	CHECK(data == NULL);
	CHECK_INT(ack, -1);
	json_object_put(o);
	s = "{\"event\":\"\"}";
	CHECK(ws_json_frame(s, strlen(s), &ev, &data, &ack) == NULL);
	s = "{\"event\":1}";
	CHECK(ws_json_frame(s, strlen(s), &ev, &data, &ack) == NULL);
	s = "{\"event\":\"x\",\"id\":-1}";
	CHECK(ws_json_frame(s, strlen(s), &ev, &data, &ack) == NULL);
	s = "[\"x\"]";
	CHECK(ws_json_frame(s, strlen(s), &ev, &data, &ack) == NULL);
	s = "{\"event\":\"x\"} ";
	o = ws_json_frame(s, strlen(s), &ev, &data, &ack);
	CHECK(o == NULL || 1);    /* trailing white space is the tokener's to judge */
	json_object_put(o);
}
