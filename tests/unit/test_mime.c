/* core/mime: the messages the notifier sends (headers, RFC 2047, multipart/alternative). */
#include <openssl/evp.h>
#include <stdint.h>

#include "core/mime.h"
#include "check.h"

static struct arena A;

void check_setup(void) { arena_init(&A, 4096); }
void check_teardown(void) { arena_free(&A); }

/* the bytes of a base64 text */
static size_t
unbase64(const char *in, unsigned char *out)
{
	int n = EVP_DecodeBlock(out, (const unsigned char *)in, (int)strlen(in));
	size_t len = strlen(in);

	if (n < 0)
		return 0;
	while (len > 0 && in[len - 1] == '=') {
		n--;
		len--;
	}
	return (size_t)n;
}

/* Decodes every =?UTF-8?B?...?= word of a header (whatever is between words dropped). */
static char *
decode_words(const char *h)
{
	static char out[4096];
	char word[512];
	size_t o = 0;
	const char *p = h, *e;

	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		e = strstr(p, "?=");
		if (e == NULL || (size_t)(e - p) >= sizeof(word))
			break;
		memcpy(word, p, (size_t)(e - p));
		word[e - p] = '\0';
		o += unbase64(word, (unsigned char *)out + o);
		p = e + 2;
	}
	out[o] = '\0';
	return out;
}

static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 :
		    (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		if (k == 0 || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

TEST(plain_ascii_headers_stay_as_they_are)
{
	CHECK_STR(mime_header(&A, "Subject", "Confirm your email"), "Subject: Confirm your email");
	/* =? would read as an encoded word: encoded */
	CHECK(strstr(mime_header(&A, "Subject", "a =?b"), "=?UTF-8?B?") != NULL);
}

TEST(an_arabic_subject_is_encoded_in_whole_characters_within_76)
{
	const char *s = "تأكيد الحجز رقم ١٢ في ورشة — موعدك مع الفني غداً الساعة العاشرة صباحاً";
	char *h = mime_header(&A, "Subject", s), *line, *save = NULL, buf[4096];
	int lines = 0;

	CHECK(strncmp(h, "Subject: =?UTF-8?B?", 19) == 0);
	CHECK_STR(decode_words(h), s);
	snprintf(buf, sizeof(buf), "%s", h);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n > 0 && line[n - 1] == '\r')
			n--;
		CHECK(n <= 76);
		if (lines > 0)
			CHECK(line[0] == ' ');
		lines++;
	}
	CHECK(lines > 2);
	/* every word decodes to valid UTF-8 on its own: no character split across words */
	{
		const char *p = h, *e;
		char word[256];
		unsigned char raw[256];

		while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
			p += 10;
			e = strstr(p, "?=");
			REQUIRE(e != NULL);
			memcpy(word, p, (size_t)(e - p));
			word[e - p] = '\0';
			CHECK(utf8_valid(raw, unbase64(word, raw)));
			CHECK(strlen(word) + 12 <= 75);
			p = e + 2;
		}
	}
}

TEST(addresses)
{
	char *name;

	CHECK(mime_addr_ok("a@b.c"));
	CHECK(!mime_addr_ok("a@b.c\r\nBcc: x@y"));
	CHECK(!mime_addr_ok("a b@c"));
	CHECK(!mime_addr_ok("<a@b>"));
	CHECK(!mime_addr_ok("ab"));
	CHECK(!mime_addr_ok("@b"));
	CHECK(!mime_addr_ok("a@"));
	CHECK_STR(mime_from_parts(&A, "Warsha <no-reply@warsha.example>", &name),
	    "no-reply@warsha.example");
	CHECK_STR(name, "Warsha");
	CHECK_STR(mime_from_parts(&A, "\"ورشة\" <n@w.eg>", &name), "n@w.eg");
	CHECK_STR(name, "ورشة");
	CHECK_STR(mime_from_parts(&A, " n@w.eg ", &name), "n@w.eg");
	CHECK(name == NULL);
	CHECK(mime_from_parts(&A, "x <bad address>", &name) == NULL);
	CHECK_STR(mime_domain("a@b.example"), "b.example");
	CHECK_STR(mime_domain("nothing"), "localhost");
}

TEST(the_date_is_rfc5322_in_utc)
{
	char d[40];

	mime_date(1796128689, d);   /* 2026-12-01T12:38:09Z */
	CHECK_STR(d, "Tue, 01 Dec 2026 12:38:09 +0000");
}

static struct mime_mail
sample(void)
{
	struct mime_mail m = {
		.from = "ورشة <no-reply@warsha.example>",
		.to = "sara@example.com",
		.subject = "تم تأكيد الحجز",
		.text = "أهلاً سارة،\nتم تأكيد حجزك.\n",
		.html = "<p>أهلاً سارة</p>",
		.message_id = "outbox-17@warsha.example",
		.boundary = "=_warsha_17_abc",
		.date = 1796128689,
	};

	return m;
}

TEST(a_message_is_multipart_alternative_with_crlf_and_base64_parts)
{
	struct mime_mail m = sample();
	size_t len, i;
	char *msg = mime_build(&A, &m, &len), *body;

	REQUIRE(msg != NULL);
	CHECK_INT(strlen(msg), len);
	for (i = 0; i < len; i++)
		if (msg[i] == '\n')
			CHECK(i > 0 && msg[i - 1] == '\r');
	body = strstr(msg, "\r\n\r\n");
	REQUIRE(body != NULL);
	/* the header is ASCII */
	for (i = 0; msg + i < body; i++)
		CHECK((unsigned char)msg[i] < 0x80);
	CHECK(strstr(msg, "Date: Tue, 01 Dec 2026 12:38:09 +0000\r\n") == msg);
	CHECK(strstr(msg, "\r\nTo: <sara@example.com>\r\n") != NULL);
	CHECK(strstr(msg, "\r\nFrom: =?UTF-8?B?") != NULL);
	CHECK(strstr(msg, " <no-reply@warsha.example>\r\n") != NULL);
	CHECK(strstr(msg, "\r\nMessage-ID: <outbox-17@warsha.example>\r\n") != NULL);
	CHECK(strstr(msg, "\r\nMIME-Version: 1.0\r\n") != NULL);
	CHECK(strstr(msg, "List-Unsubscribe") == NULL);
	CHECK(strstr(msg, "Reply-To") == NULL);
	CHECK(strstr(msg, "Content-Type: multipart/alternative;\r\n boundary=\"=_warsha_17_abc\"")
	    != NULL);
	CHECK(strstr(msg, "\r\n--=_warsha_17_abc\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n") != NULL);
	CHECK(strstr(msg, "\r\n--=_warsha_17_abc\r\nContent-Type: text/html; charset=UTF-8\r\n")
	    != NULL);
	CHECK(strstr(msg, "\r\n--=_warsha_17_abc--\r\n") != NULL);
	/* the text part: its lines made CRLF, then base64 */
	{
		char *p = strstr(msg, "text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64"
		    "\r\n\r\n"), b64[1024], *e;
		unsigned char raw[1024];
		size_t n;

		REQUIRE(p != NULL);
		p = strstr(p, "\r\n\r\n") + 4;
		e = strstr(p, "\r\n");
		memcpy(b64, p, (size_t)(e - p));
		b64[e - p] = '\0';
		n = unbase64(b64, raw);
		raw[n] = '\0';
		CHECK_STR((char *)raw, "أهلاً سارة،\r\nتم تأكيد حجزك.\r\n");
	}
	CHECK_STR(decode_words(strstr(msg, "\r\nSubject: ")), "تم تأكيد الحجز");
}

TEST(list_unsubscribe_and_a_text_only_message)
{
	struct mime_mail m = sample();
	char *msg;

	m.list_unsubscribe = "<mailto:no-reply@warsha.example?subject=unsubscribe>";
	m.html = NULL;
	msg = mime_build(&A, &m, NULL);
	REQUIRE(msg != NULL);
	CHECK(strstr(msg, "\r\nList-Unsubscribe: <mailto:no-reply@warsha.example?subject="
	    "unsubscribe>\r\n") != NULL);
	CHECK(strstr(msg, "multipart") == NULL);
	CHECK(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") != NULL);
}

TEST(reply_to_names_who_answers_go_to)
{
	struct mime_mail m = sample();
	char *msg;

	m.reply_to = "mona.ali@example.com";
	msg = mime_build(&A, &m, NULL);
	REQUIRE(msg != NULL);
	CHECK(strstr(msg, "\r\nReply-To: <mona.ali@example.com>\r\n") != NULL);
	CHECK(strstr(msg, "\r\nTo: <sara@example.com>\r\n") != NULL);
}

TEST(header_injection_is_refused)
{
	struct mime_mail m = sample();

	m.to = "a@b.c\r\nBcc: everyone@example.com";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	m = sample();
	m.from = "W <a@b.c>\r\nBcc: x@y.z";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	m = sample();
	m.message_id = "x@y>\r\nBcc: z@q";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	m = sample();
	m.list_unsubscribe = "<a>\r\nBcc: z@q";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	m = sample();
	m.reply_to = "mona@example.com>\r\nBcc: z@q";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	m.reply_to = "not an address";
	CHECK(mime_build(&A, &m, NULL) == NULL);
	/* a subject with a line break is encoded, never a second header */
	m = sample();
	m.subject = "hi\r\nBcc: z@q";
	{
		char *msg = mime_build(&A, &m, NULL);

		REQUIRE(msg != NULL);
		CHECK(strstr(msg, "\r\nBcc:") == NULL);
	}
}

TEST(base64_wraps_at_76)
{
	unsigned char data[200];
	char *b;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	b = mime_base64(&A, data, sizeof(data), 1);
	CHECK(strlen(b) == 268 + 2 * 4);   /* 268 characters on 4 lines */
	CHECK(b[76] == '\r' && b[77] == '\n');
	CHECK_STR(mime_base64(&A, "", 0, 0), "");
	CHECK_STR(mime_base64(&A, "ab", 2, 0), "YWI=");
}
