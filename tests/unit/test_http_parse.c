/* core/http: the parsers of outside input (query, cookies, JSON body), the json helpers
 * and the request accessors built on them. */
#include <math.h>

#include "core/http.h"
#include "check.h"

static struct arena A;

static void
setup(void)
{
	arena_reset(&A);
}

static const char *
kv(const struct kvlist *l, size_t i, int val)
{
	if (i >= l->n)
		return "<missing>";
	return val ? l->items[i].val : l->items[i].key;
}

#define CHECK_PAIR(l, i, k, v)                                                   \
	do {                                                                     \
		CHECK_STR(kv(l, i, 0), k);                                       \
		CHECK_STR(kv(l, i, 1), v);                                       \
	} while (0)

/* --- url_decode --- */

TEST(url_decode_basics)
{
	setup();
	CHECK_STR(url_decode(&A, "abc", 3, 1), "abc");
	CHECK_STR(url_decode(&A, "", 0, 1), "");
	CHECK_STR(url_decode(&A, "a%2Fb+c", 7, 0), "a/b+c");
	CHECK_STR(url_decode(&A, "a%2fb+c", 7, 1), "a/b c");
	CHECK_STR(url_decode(&A, "%D9%88%D8%B1%D8%B4%D8%A9", 24, 1), "ورشة");
	CHECK_STR(url_decode(&A, "%e2%9c%93", 9, 1), "✓");
	/* invalid escapes stay literally */
	CHECK_STR(url_decode(&A, "%zz", 3, 1), "%zz");
	CHECK_STR(url_decode(&A, "%4", 2, 1), "%4");
	CHECK_STR(url_decode(&A, "%", 1, 1), "%");
	CHECK_STR(url_decode(&A, "%%41", 4, 1), "%A");
	CHECK_STR(url_decode(&A, "%G1%1G", 6, 1), "%G1%1G");
	CHECK_STR(url_decode(&A, "100%", 4, 1), "100%");
	/* len bounds the input: an escape cut by len is literal */
	CHECK_STR(url_decode(&A, "abc%41", 4, 1), "abc%");
	CHECK_STR(url_decode(&A, "abc%41", 5, 1), "abc%4");
	CHECK_STR(url_decode(&A, "abc%41", 6, 1), "abcA");
	/* a NUL byte is refused, never truncated */
	CHECK(url_decode(&A, "%00", 3, 1) == NULL);
	CHECK(url_decode(&A, "ab%00cd", 7, 0) == NULL);
	/* bytes above 0x7f pass through */
	CHECK_STR(url_decode(&A, "%ff", 3, 1), "\xff");
}

/* --- parse_query --- */

TEST(query_realistic)
{
	struct kvlist l;

	setup();
	parse_query(&A, "page=1&limit=20&search=%D8%B3%D8%A8%D8%A7%D9%83%D8%A9+%D9%85%D9%86%D8%B2%D9%84",
	    &l, 32);
	REQUIRE(l.n == 3);
	CHECK_PAIR(&l, 0, "page", "1");
	CHECK_PAIR(&l, 1, "limit", "20");
	CHECK_PAIR(&l, 2, "search", "سباكة منزل");
}

TEST(query_edge_cases)
{
	struct kvlist l;

	setup();
	parse_query(&A, "a+b=c+d&x%3Dy=1%262", &l, 32);
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a b", "c d");
	CHECK_PAIR(&l, 1, "x=y", "1&2");

	parse_query(&A, "flag&lang=en", &l, 32);           /* missing '=' */
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "flag", "");
	CHECK_PAIR(&l, 1, "lang", "en");

	parse_query(&A, "a=&=b&c", &l, 32);                 /* empty key dropped */
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a", "");
	CHECK_PAIR(&l, 1, "c", "");

	parse_query(&A, "&&a=1&&&b=2&", &l, 32);            /* empty pairs */
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a", "1");
	CHECK_PAIR(&l, 1, "b", "2");

	parse_query(&A, "a=b=c", &l, 32);                   /* first '=' splits */
	REQUIRE(l.n == 1);
	CHECK_PAIR(&l, 0, "a", "b=c");

	parse_query(&A, "a=1&a=2", &l, 32);                 /* duplicates kept in order */
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a", "1");
	CHECK_PAIR(&l, 1, "a", "2");

	parse_query(&A, "x=%zz&y=%4&z=%", &l, 32);          /* invalid escapes literal */
	REQUIRE(l.n == 3);
	CHECK_PAIR(&l, 0, "x", "%zz");
	CHECK_PAIR(&l, 1, "y", "%4");
	CHECK_PAIR(&l, 2, "z", "%");

	parse_query(&A, "a=%00&b=2&c%00=3&%00&d=4", &l, 32); /* NUL pairs dropped */
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "b", "2");
	CHECK_PAIR(&l, 1, "d", "4");

	parse_query(&A, "&", &l, 32);
	CHECK_INT(l.n, 0);
	parse_query(&A, "=", &l, 32);
	CHECK_INT(l.n, 0);
	parse_query(&A, "", &l, 32);
	CHECK_INT(l.n, 0);
	parse_query(&A, NULL, &l, 32);
	CHECK_INT(l.n, 0);
	CHECK(l.items == NULL);
}

TEST(query_max_pairs)
{
	struct kvlist l;
	char qs[8192], *p = qs;
	int i;

	setup();
	parse_query(&A, "a=1&b=2&c=3&d=4", &l, 2);
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a", "1");
	CHECK_PAIR(&l, 1, "b", "2");

	parse_query(&A, "a=1&b=2", &l, 0);
	CHECK_INT(l.n, 0);

	/* dropped pairs do not use up the cap */
	parse_query(&A, "%00=x&&=y&a=1&b=2&c=3", &l, 2);
	REQUIRE(l.n == 2);
	CHECK_PAIR(&l, 0, "a", "1");
	CHECK_PAIR(&l, 1, "b", "2");

	for (i = 0; i < 500; i++)
		p += sprintf(p, "k%d=%d&", i, i);
	parse_query(&A, qs, &l, 64);
	CHECK_INT(l.n, 64);
	CHECK_PAIR(&l, 63, "k63", "63");
}

TEST(req_query_and_env_accessors)
{
	char *envp[] = { "HTTP_AUTHORIZATION_X=no", "HTTP_AUTHORIZATION=Bearer t",
		"QUERY_STRING=a=1", "EMPTY=", NULL };
	struct req r;

	setup();
	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.envp = envp;
	parse_query(&A, "a=1&a=2&b=", &r.query, 32);
	CHECK_STR(req_query(&r, "a"), "1");                 /* the first one wins */
	CHECK_STR(req_query(&r, "b"), "");
	CHECK(req_query(&r, "c") == NULL);
	CHECK_STR(req_env(&r, "HTTP_AUTHORIZATION"), "Bearer t");
	CHECK_STR(req_env(&r, "EMPTY"), "");
	CHECK(req_env(&r, "HTTP_AUTH") == NULL);            /* a prefix is not a name */
	CHECK(req_env(&r, "MISSING") == NULL);
	r.envp = NULL;
	CHECK(req_env(&r, "QUERY_STRING") == NULL);
}

/* page/limit and ids: outside input turned into numbers */
TEST(req_page_and_param_id)
{
	struct req r;
	long long page, limit, id;

	setup();
	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.lang = LANG_EN;
	CHECK_INT(req_page(&r, &page, &limit), 0);
	CHECK_INT(page, 1);
	CHECK_INT(limit, 10);

	parse_query(&A, "page=3&limit=100", &r.query, 32);
	CHECK_INT(req_page(&r, &page, &limit), 0);
	CHECK_INT(page, 3);
	CHECK_INT(limit, 100);

	parse_query(&A, "page=&limit=", &r.query, 32);
	CHECK_INT(req_page(&r, &page, &limit), 0);
	CHECK_INT(limit, 10);

	parse_query(&A, "limit=101", &r.query, 32);
	CHECK_INT(req_page(&r, &page, &limit), ERR_VALIDATION);
	reply_finish(&r, ERR_VALIDATION);
	CHECK_INT(r.status, 422);
	CHECK(r.resp_body != NULL && strstr(r.resp_body, "\"field\":\"limit\"") != NULL);
	CHECK(r.resp_body != NULL && strstr(r.resp_body, "OUT_OF_RANGE") != NULL);

	static const char *const bad[] = { "page=abc", "page=-1", "page=0", "page=1.5",
		"page=+2", "page=%201", "limit=0", "limit=01", "page=99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r.fail, 0, sizeof(r.fail));
		r.replied = 0;
		r.status = 0;
		parse_query(&A, bad[i], &r.query, 32);
		if (!CHECK_INT(req_page(&r, &page, &limit), ERR_VALIDATION))
			fprintf(stderr, "    query: %s\n", bad[i]);
		reply_finish(&r, ERR_VALIDATION);
		CHECK_INT(r.status, 422);
	}

	const char *params[] = { "42", "0", "007", "12a", "", "-1", "123456789012345678",
		"99999999999999999999" };
	memcpy(r.params, params, sizeof(params));
	r.nparams = 8;
	r.replied = 0;
	CHECK_INT(req_param_id(&r, 0, &id), 0);
	CHECK_INT(id, 42);
	CHECK_INT(req_param_id(&r, 6, &id), 0);
	CHECK_INT(id, 123456789012345678LL);
	for (size_t i = 1; i < 8; i++) {
		if (i == 6)
			continue;
		r.replied = 0;
		r.status = 0;
		memset(&r.fail, 0, sizeof(r.fail));
		if (!CHECK_INT(req_param_id(&r, i, &id), ERR_INVALID_ID))
			fprintf(stderr, "    id: %s\n", params[i]);
		reply_finish(&r, ERR_INVALID_ID);
		CHECK_INT(r.status, 404);
		CHECK(r.resp_body != NULL && strstr(r.resp_body, "invalid ID") != NULL);
	}
	r.replied = 0;
	CHECK_INT(req_param_id(&r, 8, &id), ERR_INVALID_ID);   /* past nparams */
}

/* --- parse_cookies --- */

TEST(cookies)
{
	struct kvlist l;

	setup();
	parse_cookies(&A, "accessToken=abc.def.ghi; refreshToken=0123; lang=ar", &l, 32);
	REQUIRE(l.n == 3);
	CHECK_PAIR(&l, 0, "accessToken", "abc.def.ghi");
	CHECK_PAIR(&l, 1, "refreshToken", "0123");
	CHECK_PAIR(&l, 2, "lang", "ar");

	parse_cookies(&A, "  a = 1 ;\tb\t=\t\"quoted value\"\t; c=\"\"; d=\"; e=\"x", &l, 32);
	REQUIRE(l.n == 5);
	CHECK_PAIR(&l, 0, "a", "1");
	CHECK_PAIR(&l, 1, "b", "quoted value");
	CHECK_PAIR(&l, 2, "c", "");
	CHECK_PAIR(&l, 3, "d", "\"");                       /* one quote is not a pair */
	CHECK_PAIR(&l, 4, "e", "\"x");

	parse_cookies(&A, "novalue; =x; b=2;;; c=%20x; d=1=2", &l, 32);
	REQUIRE(l.n == 3);
	CHECK_PAIR(&l, 0, "b", "2");
	CHECK_PAIR(&l, 1, "c", "%20x");                     /* not decoded */
	CHECK_PAIR(&l, 2, "d", "1=2");

	parse_cookies(&A, "a=", &l, 32);
	REQUIRE(l.n == 1);
	CHECK_PAIR(&l, 0, "a", "");

	parse_cookies(&A, "", &l, 32);
	CHECK_INT(l.n, 0);
	parse_cookies(&A, NULL, &l, 32);
	CHECK_INT(l.n, 0);
	parse_cookies(&A, ";", &l, 32);
	CHECK_INT(l.n, 0);
	parse_cookies(&A, "a=1", &l, 0);
	CHECK_INT(l.n, 0);
}

TEST(cookies_many_and_cap)
{
	struct kvlist l;
	struct req r;
	char h[8192], *p = h;
	int i;

	setup();
	for (i = 0; i < 300; i++)
		p += sprintf(p, "c%d=v%d; ", i, i);
	strcpy(p, "accessToken=tok");
	parse_cookies(&A, h, &l, 1000);
	REQUIRE(l.n == 301);
	CHECK_PAIR(&l, 299, "c299", "v299");
	CHECK_PAIR(&l, 300, "accessToken", "tok");

	parse_cookies(&A, h, &l, 32);
	CHECK_INT(l.n, 32);
	CHECK_PAIR(&l, 31, "c31", "v31");

	memset(&r, 0, sizeof(r));
	parse_cookies(&A, "a=1; accessToken=\"x.y.z\"; a=2", &r.cookies, 32);
	CHECK_STR(req_cookie(&r, "accessToken"), "x.y.z");
	CHECK_STR(req_cookie(&r, "a"), "1");
	CHECK(req_cookie(&r, "b") == NULL);
}

/* --- parse_json_body --- */

static json_object *
body(const char *s)
{
	return parse_json_body(&A, s, strlen(s));
}

TEST(json_body_valid)
{
	json_object *o;
	size_t len;

	setup();
	o = body("{\"nameAr\":\"سباكة\",\"nameEn\":\"Plumbing\",\"basePrice\":15000,"
	    "\"isEmergency\":false,\"location\":{\"city\":\"القاهرة\"},\"tags\":[\"a\",\"b\"]}");
	REQUIRE(o != NULL);
	CHECK(json_object_is_type(o, json_type_object));
	CHECK_STR(json_get_str(o, "nameAr"), "سباكة");
	CHECK_STR(json_text(&A, o, &len),
	    "{\"nameAr\":\"سباكة\",\"nameEn\":\"Plumbing\",\"basePrice\":15000,"
	    "\"isEmergency\":false,\"location\":{\"city\":\"القاهرة\"},\"tags\":[\"a\",\"b\"]}");
	CHECK_INT(len, strlen(json_text(&A, o, NULL)));

	CHECK(body("{}") != NULL);
	CHECK(body("  \r\n\t{ \"a\" : 1 }  \n") != NULL);   /* whitespace around is JSON */
	CHECK(body("{}\n") != NULL);
	CHECK(body("[1,2]") != NULL);                         /* not an object: validate()'s job */
	CHECK(body("\"x\"") != NULL);
	CHECK_STR(json_text(&A, body("{\"url\":\"a\\/b\"}"), NULL), "{\"url\":\"a/b\"}");
	/* the length given is the body: bytes after it are not read */
	CHECK(parse_json_body(&A, "{}garbage", 2) != NULL);
}

TEST(json_body_rejected)
{
	static const char *const bad[] = {
		"{}x", "{\"a\":1}}", "{}{}", "{} {}", "{}[]", "[] 1", "{\"a\":1}\n{\"b\":2}",
		"{", "{\"a\":", "{\"a\":1,}", "{\"a\":[1,2,]}", "{a:1}", "{\"a\":'x'}",
		"{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":tru}", "{\"a\":1 /* c */}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "\xfe{}", "\xef\xbb\xbf{}",
		" ", "\n",
	};
	size_t i;

	setup();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK(body(bad[i]) == NULL))
			fprintf(stderr, "    accepted: %s\n", bad[i]);
	CHECK(parse_json_body(&A, "", 0) == NULL);
	CHECK(parse_json_body(&A, NULL, 5) == NULL);
	CHECK(parse_json_body(&A, "{}\0", 3) == NULL);        /* a NUL after the value */
	CHECK(parse_json_body(&A, "{\"a\":\"x\0y\"}", 11) == NULL);  /* raw NUL in a string */
}

/* JSON (RFC 8259) has no NaN or Infinity, 1e999 is no finite double, and a number has
 * digits on both sides of its point and no leading zero. json-c accepts all of these even
 * in strict mode and keeps a double's text as written, so they are echoed verbatim into
 * replies and JSON columns: {"value":-.5} or {"value":05.5} in a setting fails the
 * column's JSON_VALID check (a 500), and {"value":1.} is stored and served back as text
 * that JSON.parse() refuses. (Found by fuzz_json_body; reproducers in its corpus.) */
TEST(json_body_rejects_numbers_json_does_not_allow)
{
	static const char *const bad[] = {
		"{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e999}",
		"{\"a\":-1e999}", "{\"a\":{\"b\":[1,NaN]}}", "{\"a\":1.}", "{\"a\":-1.}",
		"{\"a\":0.}", "{\"a\":-.5}", "{\"a\":1.e5}", "{\"a\":2.e-3}", "[1.]",
		"{\"a\":05.5}", "{\"a\":-02.5}", "{\"a\":00E8}", "{\"a\":-00.}",
	};
	size_t i;

	setup();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK(body(bad[i]) == NULL))
			fprintf(stderr, "    accepted: %s\n", bad[i]);
	CHECK(body("{\"a\":1e308,\"b\":-2.5e-300,\"c\":0,\"d\":-0.0,\"e\":1E+2,\"f\":0.5}") != NULL);
	CHECK_STR(json_text(&A, body("{\"a\":1.50,\"b\":-0.0,\"c\":1E+2}"), NULL),
	    "{\"a\":1.50,\"b\":-0.0,\"c\":1E+2}");
}

/* "valid UTF-8" means RFC 3629: json-c's JSON_TOKENER_VALIDATE_UTF8 only checks the
 * byte pattern, so overlong forms, UTF-16 surrogates and code points past U+10FFFF get
 * through. MariaDB (utf8mb4, strict mode) then refuses the INSERT of an overlong form or
 * of U+110000 (error 1366: a 500 for the client's bad input) and stores a surrogate as
 * is. (Found by fuzz_json_body; reproducers in its corpus.) */
TEST(json_body_rejects_ill_formed_utf8)
{
	static const char *const bad[] = {
		"{\"a\":\"\xc0\xaf\"}",              /* overlong '/' */
		"{\"a\":\"\xc1\xbf\"}",              /* overlong */
		"{\"a\":\"\xe0\x80\xaf\"}",          /* overlong, 3 bytes */
		"{\"a\":\"\xed\xa0\x80\"}",          /* U+D800, a surrogate */
		"{\"a\":\"\xed\xbf\xbf\"}",          /* U+DFFF */
		"{\"a\":\"\xf0\x80\x80\xaf\"}",      /* overlong, 4 bytes */
		"{\"a\":\"\xf4\x90\x80\x80\"}",      /* U+110000 */
		"{\"\xc0\xaf\":1}",                  /* in a key */
	};
	size_t i;

	setup();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK(body(bad[i]) == NULL))
			fprintf(stderr, "    accepted input #%zu\n", i);
	/* the edges of the valid ranges stay valid */
	CHECK(body("{\"a\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"}") != NULL);
	CHECK(body("{\"a\":\"\\ud83d\\ude00 ٠١٢ ۰۱۲\"}") != NULL);
}

static json_object *
nest(int depth)
{
	char buf[256];
	int i;

	for (i = 0; i < depth; i++) {
		buf[i] = '[';
		buf[2 * depth - 1 - i] = ']';
	}
	buf[2 * depth] = '\0';
	return body(buf);
}

TEST(json_body_depth)
{
	setup();
	CHECK(nest(1) != NULL);
	CHECK(nest(32) != NULL);
	CHECK(nest(33) == NULL);
	CHECK(nest(100) == NULL);
	CHECK(body("{\"a\":{\"b\":{\"c\":{\"d\":[[[[{}]]]]}}}}") != NULL);
}

TEST(json_body_is_owned_by_the_arena)
{
	struct arena a;
	int i;

	/* LeakSanitizer: every object parsed here is put by arena_reset/arena_free */
	arena_init(&a, 1024);
	for (i = 0; i < 100; i++) {
		static const char text[] = "{\"a\":[1,2,{\"b\":\"c\"}]}";
		json_object *o = parse_json_body(&a, text, sizeof(text) - 1);

		CHECK(o != NULL);
		if (i % 10 == 0)
			arena_reset(&a);
	}
	(void)json_owned(&a, json_object_new_array());
	CHECK(json_owned(&a, NULL) == NULL);
	arena_free(&a);
}

/* --- json helpers --- */

TEST(json_path_lookup)
{
	json_object *o, *v;
	char longpath[300];

	setup();
	o = body("{\"location\":{\"city\":\"Cairo\",\"geo\":{\"lat\":30.05}},\"name\":\"x\","
	    "\"n\":null,\"\":{\"e\":1}}");
	REQUIRE(o != NULL);
	CHECK_STR(json_object_get_string(json_path(o, "location.city")), "Cairo");
	v = json_path(o, "location.geo.lat");
	CHECK(v != NULL && fabs(json_object_get_double(v) - 30.05) < 1e-9);
	CHECK(json_path(o, "location.geo") != NULL);
	CHECK(json_path(o, "location.zip") == NULL);
	CHECK(json_path(o, "location.city.x") == NULL);   /* a string has no members */
	CHECK(json_path(o, "name.x") == NULL);
	CHECK(json_path(o, "missing") == NULL);
	CHECK(json_path(o, "missing.x") == NULL);
	CHECK(json_path(o, "n") == NULL);                 /* JSON null is NULL here */
	CHECK(json_path(o, "") == o);
	CHECK(json_path(NULL, "a") == NULL);
	CHECK(json_path(body("[1]"), "0") == NULL);
	memset(longpath, 'k', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK(json_path(o, longpath) == NULL);            /* longer than any key buffer */
}

TEST(json_get_helpers)
{
	json_object *o, *arr;
	long long i = -7;
	int b = -7;

	setup();
	o = body("{\"s\":\"x\",\"i\":5,\"neg\":-12,\"d\":1.5,\"b\":true,\"f\":false,\"n\":null,"
	    "\"big\":9223372036854775807,\"si\":\"5\",\"o\":{},\"a\":[]}");
	REQUIRE(o != NULL);
	CHECK_STR(json_get_str(o, "s"), "x");
	CHECK(json_get_str(o, "i") == NULL);
	CHECK(json_get_str(o, "n") == NULL);
	CHECK(json_get_str(o, "o") == NULL);
	CHECK(json_get_str(o, "missing") == NULL);
	CHECK(json_get_str(NULL, "s") == NULL);

	CHECK_INT(json_has(o, "n"), 1);
	CHECK_INT(json_has(o, "s"), 1);
	CHECK_INT(json_has(o, "missing"), 0);
	CHECK_INT(json_has(NULL, "s"), 0);
	arr = body("[\"s\"]");
	CHECK_INT(json_has(arr, "s"), 0);

	CHECK_INT(json_get_int(o, "i", &i), 0);
	CHECK_INT(i, 5);
	CHECK_INT(json_get_int(o, "neg", &i), 0);
	CHECK_INT(i, -12);
	CHECK_INT(json_get_int(o, "big", &i), 0);
	CHECK_INT(i, 9223372036854775807LL);
	i = -7;
	CHECK_INT(json_get_int(o, "d", &i), -1);
	CHECK_INT(json_get_int(o, "si", &i), -1);        /* "5" is a string, not a number */
	CHECK_INT(json_get_int(o, "b", &i), -1);
	CHECK_INT(json_get_int(o, "n", &i), -1);
	CHECK_INT(json_get_int(o, "missing", &i), -1);
	CHECK_INT(json_get_int(NULL, "i", &i), -1);
	CHECK_INT(i, -7);                                /* untouched on failure */

	CHECK_INT(json_get_bool(o, "b", &b), 0);
	CHECK_INT(b, 1);
	CHECK_INT(json_get_bool(o, "f", &b), 0);
	CHECK_INT(b, 0);
	b = -7;
	CHECK_INT(json_get_bool(o, "i", &b), -1);
	CHECK_INT(json_get_bool(o, "s", &b), -1);
	CHECK_INT(json_get_bool(o, "n", &b), -1);
	CHECK_INT(json_get_bool(o, "missing", &b), -1);
	CHECK_INT(b, -7);

	CHECK(json_new_str(NULL) == NULL);
	json_object *s = json_owned(&A, json_new_str("نص"));
	CHECK_STR(json_object_get_string(s), "نص");
}

TEST(json_text_round_trip)
{
	static const char *const texts[] = {
		"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e/f\"}}",
		"{\"ar\":\"مرحبا \\\"يا\\\" عالم\",\"esc\":\"\\n\\t\\\\\",\"nul\":\"x\\u0000y\"}",
		"[1.5,-2,1e300,\"\\u001f\"]",
	};
	size_t i, len;

	setup();
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_object *o = body(texts[i]), *o2;
		const char *t;

		REQUIRE(o != NULL);
		t = json_text(&A, o, &len);
		CHECK_INT(len, strlen(t));
		o2 = parse_json_body(&A, t, len);
		CHECK(o2 != NULL && json_object_equal(o, o2));
	}
}

TEST(error_codes_and_statuses)
{
	CHECK_INT(err_status(ERR_BAD_REQUEST), 400);
	CHECK_STR(err_code(ERR_BAD_REQUEST), "BAD_REQUEST");
	CHECK_INT(err_status(ERR_UNAUTHORIZED), 401);
	CHECK_INT(err_status(ERR_USER_BANNED), 403);
	CHECK_STR(err_code(ERR_USER_BANNED), "USER_BANNED");
	CHECK_INT(err_status(ERR_ROUTE_NOT_FOUND), 404);
	CHECK_INT(err_status(ERR_INVALID_ID), 404);
	CHECK_INT(err_status(ERR_CONFLICT), 409);
	CHECK_INT(err_status(ERR_PAYLOAD_TOO_LARGE), 413);
	CHECK_INT(err_status(ERR_UNSUPPORTED_MEDIA), 415);
	CHECK_INT(err_status(ERR_VALIDATION), 422);
	CHECK_STR(err_code(ERR_VALIDATION), "VALIDATION_ERROR");
	CHECK_INT(err_status(ERR_RATE_LIMITED), 429);
	CHECK_STR(err_code(ERR_RATE_LIMITED), "RATE_LIMITED");
	CHECK_INT(err_status(ERR_INTERNAL), 500);
	CHECK_STR(err_code(ERR_INTERNAL), "INTERNAL");
	CHECK_INT(err_status(ERR_UNAVAILABLE), 503);
	CHECK_INT(err_status(ERR_OK), 200);
	for (int e = 1; e < ERR__MAX; e++) {
		CHECK(err_status((enum err)e) >= 400 && err_status((enum err)e) < 600);
		CHECK(err_code((enum err)e) != NULL && err_code((enum err)e)[0] != '\0');
	}
}

/* --- replies: one per request, docs/api-conventions.md --- */

static json_object *
reply_of(struct req *r)
{
	json_object *o;

	if (!CHECK(r->resp_body != NULL))
		return NULL;
	o = parse_json_body(&A, r->resp_body, r->resp_len);
	CHECK(o != NULL);
	return o;
}

static void
new_req(struct req *r, enum lang lang)
{
	memset(r, 0, sizeof(*r));
	r->a = &A;
	r->lang = lang;
}

static const char *
header(const struct req *r, const char *prefix)
{
	const struct resp_header *h;

	for (h = r->resp_headers; h != NULL; h = h->next)
		if (strncmp(h->line, prefix, strlen(prefix)) == 0)
			return h->line;
	for (h = r->keep_headers; h != NULL; h = h->next)
		if (strncmp(h->line, prefix, strlen(prefix)) == 0)
			return h->line;
	return NULL;
}

TEST(reply_ok_and_list)
{
	struct req r;
	json_object *o, *data = json_object_new_object();
	struct page pg = { .page = 2, .limit = 10, .total = 42 };
	int b = 0;

	setup();
	new_req(&r, LANG_EN);
	json_object_object_add(data, "id", json_object_new_int(5));
	CHECK(reply_ok(&r, 201, MSG_SERVICE_CREATED, data) == ERR_OK);
	reply_finish(&r, ERR_OK);
	CHECK_INT(r.status, 201);
	CHECK_INT(r.replied, 1);
	CHECK_STR(r.resp_type, "application/json; charset=utf-8");
	o = reply_of(&r);
	CHECK(json_get_bool(o, "success", &b) == 0 && b == 1);
	CHECK_STR(json_get_str(o, "message"), "Service created successfully");
	CHECK_INT(json_object_get_int(json_path(o, "data.id")), 5);

	/* a second success body is ignored (and logged): the first one stands */
	reply_ok(&r, 200, MSG_SERVICE_FOUND, NULL);
	CHECK_INT(r.status, 201);

	new_req(&r, LANG_AR);
	reply_list(&r, MSG_SERVICE_LIST, json_object_new_array(), &pg);
	o = reply_of(&r);
	CHECK_INT(r.status, 200);
	CHECK_STR(json_get_str(o, "message"), "قائمة الخدمات");
	CHECK_STR(json_text(&A, json_path(o, "pagination"), NULL),
	    "{\"page\":2,\"limit\":10,\"totalPages\":5,\"totalItems\":42,\"nextCursor\":null}");
	new_req(&r, LANG_AR);
	pg = (struct page){ .page = 1, .limit = 10, .total = 0 };
	reply_list(&r, MSG_SERVICE_LIST, json_object_new_array(), &pg);
	CHECK_INT(json_object_get_int(json_path(reply_of(&r), "pagination.totalPages")), 0);
	new_req(&r, LANG_AR);
	pg = (struct page){ .page = 1, .limit = 10, .total = 40, .next_cursor = "abc" };
	reply_list(&r, MSG_SERVICE_LIST, json_object_new_array(), &pg);
	CHECK_INT(json_object_get_int(json_path(reply_of(&r), "pagination.totalPages")), 4);
	CHECK_STR(json_get_str(json_path(reply_of(&r), "pagination"), "nextCursor"), "abc");
}

TEST(reply_errors)
{
	struct req r;
	json_object *o, *e;
	int b = 1;

	setup();
	new_req(&r, LANG_EN);
	reply_finish(&r, fail(&r, ERR_ROUTE_NOT_FOUND));
	o = reply_of(&r);
	CHECK_INT(r.status, 404);
	CHECK(json_get_bool(o, "success", &b) == 0 && b == 0);
	CHECK_STR(json_get_str(o, "message"), "API route not found");
	CHECK_STR(json_get_str(o, "code"), "NOT_FOUND");
	CHECK(!json_has(o, "errors"));

	new_req(&r, LANG_EN);
	reply_finish(&r, fail_field(&r, ERR_CONFLICT, "email", "TAKEN", MSG_V_EMAIL_TAKEN));
	o = reply_of(&r);
	CHECK_INT(r.status, 409);
	CHECK_STR(json_get_str(o, "code"), "CONFLICT");
	CHECK_STR(json_get_str(o, "message"), "This email is already registered");
	e = json_object_array_get_idx(json_path(o, "errors"), 0);
	CHECK_STR(json_text(&A, e, NULL), "{\"field\":\"email\",\"message\":"
	    "\"This email is already registered\",\"code\":\"TAKEN\"}");

	new_req(&r, LANG_AR);
	reply_finish(&r, fail_field(&r, ERR_VALIDATION, "page", "OUT_OF_RANGE",
	    MSG_V_OUT_OF_RANGE));
	o = reply_of(&r);
	CHECK_INT(r.status, 422);
	CHECK_STR(json_get_str(o, "message"), "بيانات غير صحيحة");
	CHECK_STR(json_get_str(o, "code"), "VALIDATION_ERROR");

	new_req(&r, LANG_EN);
	reply_finish(&r, fail_msg(&r, ERR_FORBIDDEN, MSG_ADMIN_ADMINS_ONLY));
	CHECK_INT(r.status, 403);
	CHECK_STR(json_get_str(reply_of(&r), "message"), "Only an admin can do this");

	/* the first failure stands */
	new_req(&r, LANG_EN);
	fail(&r, ERR_NOT_FOUND);
	CHECK(fail(&r, ERR_INTERNAL) == ERR_NOT_FOUND);
	reply_finish(&r, ERR_NOT_FOUND);
	CHECK_INT(r.status, 404);
}

/* Exactly one reply by construction: a failure after a success body answers the
 * failure, without the headers the handler added (a session cookie); the headers of
 * any reply (CORS) stay. An outcome of success with no body is a 500. */
TEST(one_reply_from_the_outcome)
{
	struct req r;

	setup();
	new_req(&r, LANG_EN);
	resp_header_keep(&r, "Access-Control-Allow-Origin: https://app.example");
	resp_header(&r, "Set-Cookie: refreshToken=x; HttpOnly");
	reply_ok(&r, 200, MSG_AUTH_LOGGED_IN, NULL);
	reply_finish(&r, fail_db(&r, DB_DOWN));
	CHECK_INT(r.status, 503);
	CHECK(header(&r, "Set-Cookie") == NULL);
	CHECK_STR(header(&r, "Access-Control-Allow-Origin"),
	    "Access-Control-Allow-Origin: https://app.example");
	CHECK_STR(header(&r, "Retry-After"), "Retry-After: 2");
	CHECK_STR(json_get_str(reply_of(&r), "code"), "UNAVAILABLE");

	new_req(&r, LANG_EN);
	reply_finish(&r, ERR_OK);          /* a handler that said "done" and replied nothing */
	CHECK_INT(r.status, 500);

	new_req(&r, LANG_EN);
	reply_finish(&r, ERR_FORBIDDEN);   /* an error value no fail_*() recorded */
	CHECK_INT(r.status, 403);
	CHECK_STR(json_get_str(reply_of(&r), "code"), "FORBIDDEN");
}

TEST(reply_db_errors)
{
	struct req r;

	setup();
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_DOWN));
	CHECK_INT(r.status, 503);
	CHECK_STR(header(&r, "Retry-After"), "Retry-After: 2");
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_RETRY));
	CHECK_INT(r.status, 503);
	CHECK(r.fail.db == DB_RETRY);
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_TIMEOUT));
	CHECK_INT(r.status, 503);
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_NOTFOUND));
	CHECK_INT(r.status, 404);
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_DUP));      /* a key the table does not know */
	CHECK_INT(r.status, 409);
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_ERR));
	CHECK_INT(r.status, 500);
	CHECK_STR(json_get_str(reply_of(&r), "message"), "Internal server error");
	CHECK(header(&r, "Retry-After") == NULL);
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_db(&r, DB_FK));
	CHECK_INT(r.status, 500);
}

/* Every key in the table names a field, a code and a real message. */
TEST(key_table_is_complete)
{
	size_t i;

	CHECK(store_nkeys > 0);
	for (i = 0; i < store_nkeys; i++) {
		CHECK(store_keys[i].key != NULL && (strncmp(store_keys[i].key, "uq_", 3) == 0 ||
		    strncmp(store_keys[i].key, "fk_", 3) == 0));
		CHECK(store_keys[i].e == ERR_CONFLICT || store_keys[i].e == ERR_VALIDATION);
		CHECK(store_keys[i].field != NULL && store_keys[i].field[0] != '\0');
		CHECK(store_keys[i].code != NULL && store_keys[i].code[0] != '\0');
		CHECK(store_keys[i].msg != MSG_NONE);
	}
}

TEST(reply_banned_user)
{
	struct req r;
	json_object *o;

	setup();
	new_req(&r, LANG_EN);
	reply_finish(&r, fail_banned(&r, "Spam", "2026-11-21 10:00:00"));
	o = reply_of(&r);
	CHECK_INT(r.status, 403);
	CHECK_STR(json_get_str(o, "code"), "USER_BANNED");
	CHECK_STR(json_get_str(o, "message"), "This account has been banned");
	CHECK_STR(json_get_str(json_path(o, "data"), "reason"), "Spam");
	CHECK_STR(json_get_str(json_path(o, "data"), "bannedAt"), "2026-11-21T10:00:00.000Z");
	new_req(&r, LANG_AR);
	reply_finish(&r, fail_banned(&r, NULL, NULL));
	o = reply_of(&r);
	CHECK(json_has(json_path(o, "data"), "reason") && json_path(o, "data.reason") == NULL);
	CHECK(json_has(json_path(o, "data"), "bannedAt") && json_path(o, "data.bannedAt") == NULL);
	CHECK_STR(json_get_str(o, "message"), "تم حظر هذا الحساب");
}

TEST(resp_headers_and_user_lang)
{
	struct req r;

	setup();
	new_req(&r, LANG_AR);
	resp_header(&r, "X-Test: %d", 7);
	resp_header(&r, "Set-Cookie: a=%s; HttpOnly", "b");
	CHECK_STR(header(&r, "X-Test"), "X-Test: 7");
	CHECK_STR(header(&r, "Set-Cookie"), "Set-Cookie: a=b; HttpOnly");
	req_set_user_lang(&r, "en");
	CHECK_INT(r.lang, LANG_EN);
	req_set_user_lang(&r, "fr");                      /* unknown: unchanged */
	CHECK_INT(r.lang, LANG_EN);
	req_set_user_lang(&r, NULL);
	CHECK_INT(r.lang, LANG_EN);
	r.lang_fixed = 1;                                  /* ?lang= wins over the profile */
	req_set_user_lang(&r, "ar");
	CHECK_INT(r.lang, LANG_EN);
}

void
check_setup(void)
{
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	arena_free(&A);
}
