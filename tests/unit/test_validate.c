/* core/validate: declared body fields checked in one pass, every failure reported. */
#include "core/http.h"
#include "core/validate.h"
#include "check.h"

static struct arena A;

void
check_setup(void)
{
	arena_init(&A, 8192);
}

void
check_teardown(void)
{
	arena_free(&A);
}

static json_object *
body(const char *text)
{
	return parse_json_body(&A, text, strlen(text));
}

static int
has_arabic(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if ((p[0] == 0xD8 || p[0] == 0xD9) && (p[1] & 0xC0) == 0x80)
			return 1;
	return 0;
}

/* Every element of errors[] is exactly {field, message, code}, all non-empty strings,
 * with a message that is a real translation (i18n() returns an unknown key as itself). */
static int
errors_well_formed(json_object *errs, enum lang lang)
{
	size_t i, n;

	if (errs == NULL || !json_object_is_type(errs, json_type_array))
		return 0;
	n = json_object_array_length(errs);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(errs, i);
		const char *field = json_get_str(e, "field"), *msg = json_get_str(e, "message");
		const char *code = json_get_str(e, "code");

		if (!json_object_is_type(e, json_type_object) || json_object_object_length(e) != 3 ||
		    field == NULL || msg == NULL || code == NULL || *field == '\0' || *code == '\0')
			return 0;
		if (strncmp(msg, "v.", 2) == 0 || *msg == '\0')
			return 0;
		if (lang == LANG_AR && !has_arabic(msg))
			return 0;
		if (lang == LANG_EN && has_arabic(msg))
			return 0;
	}
	return 1;
}

/* Runs validate() on a JSON text; the errors belong to the arena. */
static json_object *
run(const char *text, const struct vfield *f, size_t n, enum lang lang, size_t *count)
{
	json_object *b = text ? body(text) : NULL;
	json_object *errs = (json_object *)1;

	if (!CHECK(text == NULL || b != NULL))
		fprintf(stderr, "    unparseable test body: %s\n", text);
	*count = validate(b, f, n, lang, &errs);
	/* none: errors is NULL; some: errors[] holds exactly that many */
	CHECK(*count > 0 || errs == NULL);
	CHECK(*count == 0 || (errs != NULL && json_object_array_length(errs) == *count));
	return json_owned(&A, *count ? errs : NULL);
}

/* The code reported for field, "" when none, "?" when reported twice. */
static const char *
code_of(json_object *errs, const char *field)
{
	const char *found = "";
	size_t i;

	for (i = 0; errs != NULL && i < json_object_array_length(errs); i++) {
		json_object *e = json_object_array_get_idx(errs, i);

		if (strcmp(json_get_str(e, "field"), field) == 0)
			found = *found ? "?" : json_get_str(e, "code");
	}
	return found;
}

static const char *
message_of(json_object *errs, const char *field)
{
	size_t i;

	for (i = 0; errs != NULL && i < json_object_array_length(errs); i++) {
		json_object *e = json_object_array_get_idx(errs, i);

		if (strcmp(json_get_str(e, "field"), field) == 0)
			return json_get_str(e, "message");
	}
	return NULL;
}

/* One field, one body: the code validate() gives ("" for none), in both languages. */
static const char *
one(const struct vfield *f, const char *text)
{
	size_t n, n_en;
	json_object *errs = run(text, f, 1, LANG_AR, &n);
	json_object *errs_en = run(text, f, 1, LANG_EN, &n_en);

	if (n > 1 || n != n_en)
		return "<several>";
	if (n == 1 && (!errors_well_formed(errs, LANG_AR) || !errors_well_formed(errs_en, LANG_EN)))
		return "<malformed errors[]>";
	return code_of(errs, f->name);
}

#define EXPECT(f, text, code)                                                    \
	do {                                                                     \
		if (!CHECK_STR(one(&(f), (text)), (code)))                       \
			fprintf(stderr, "    body: %s\n", (text));                   \
	} while (0)

TEST(required_absent_and_blank)
{
	const struct vfield name = { "name", V_STRING, VF_REQUIRED, 0, 0, NULL, 0, NULL };
	const struct vfield opt = { "name", V_STRING, 0, 1, 0, NULL, 0, NULL };

	EXPECT(name, "{}", "REQUIRED");
	EXPECT(name, "{\"other\":\"x\"}", "REQUIRED");
	EXPECT(name, "{\"name\":\"\"}", "REQUIRED");
	EXPECT(name, "{\"name\":\"   \"}", "REQUIRED");
	EXPECT(name, "{\"name\":\" \\t\\r\\n \"}", "REQUIRED");
	EXPECT(name, "{\"name\":null}", "REQUIRED");
	EXPECT(name, "{\"name\":\" x \"}", "");
	EXPECT(name, "{\"name\":\"ورشة\"}", "");
	/* optional: absent is fine, empty is checked against min */
	EXPECT(opt, "{}", "");
	EXPECT(opt, "{\"name\":\"\"}", "TOO_SHORT");
	EXPECT(opt, "{\"name\":null}", "INVALID_TYPE");
}

TEST(nullable)
{
	const struct vfield f = { "notes", V_STRING, VF_NULLABLE, 0, 10, NULL, 0, NULL };
	const struct vfield req = { "notes", V_STRING, VF_NULLABLE | VF_REQUIRED, 0, 10, NULL, 0, NULL };
	const struct vfield num = { "lat", V_NUMBER, VF_NULLABLE, -90, 90, NULL, 0, NULL };

	EXPECT(f, "{\"notes\":null}", "");
	EXPECT(f, "{}", "");
	EXPECT(f, "{\"notes\":\"ok\"}", "");
	EXPECT(f, "{\"notes\":\"much too long here\"}", "TOO_LONG");
	EXPECT(f, "{\"notes\":5}", "INVALID_TYPE");
	EXPECT(req, "{\"notes\":null}", "");         /* null means "clear" */
	EXPECT(req, "{}", "REQUIRED");
	EXPECT(num, "{\"lat\":null}", "");
	EXPECT(num, "{\"lat\":91}", "OUT_OF_RANGE");
}

TEST(invalid_type)
{
	static const char *const cats[] = { "plumbing", NULL };
	const struct vfield s = { "v", V_STRING, 0, 0, 0, NULL, 0, NULL };
	const struct vfield i = { "v", V_INT, 0, 0, 0, NULL, 0, NULL };
	const struct vfield d = { "v", V_NUMBER, 0, 0, 0, NULL, 0, NULL };
	const struct vfield b = { "v", V_BOOL, 0, 0, 0, NULL, 0, NULL };
	const struct vfield o = { "v", V_OBJECT, 0, 0, 0, NULL, 0, NULL };
	const struct vfield a = { "v", V_ARRAY, 0, 0, 0, NULL, 0, NULL };
	const struct vfield ss = { "v", V_STRINGS, 0, 0, 0, NULL, 0, NULL };
	const struct vfield e = { "v", V_ENUM, 0, 0, 0, cats, 0, NULL };
	const struct vfield em = { "v", V_EMAIL, 0, 0, 0, NULL, 0, NULL };
	const struct vfield ph = { "v", V_PHONE, 0, 0, 0, NULL, 0, NULL };
	const struct vfield pw = { "v", V_PASSWORD, 0, 0, 0, NULL, 0, NULL };
	const struct vfield hm = { "v", V_HHMM, 0, 0, 0, NULL, 0, NULL };
	const struct vfield dt = { "v", V_DATE, 0, 0, 0, NULL, 0, NULL };
	const struct vfield any = { "v", V_ANY, 0, 0, 0, NULL, 0, NULL };

	EXPECT(s, "{\"v\":5}", "INVALID_TYPE");
	EXPECT(s, "{\"v\":true}", "INVALID_TYPE");
	EXPECT(s, "{\"v\":[\"x\"]}", "INVALID_TYPE");
	EXPECT(s, "{\"v\":{}}", "INVALID_TYPE");
	EXPECT(i, "{\"v\":\"5\"}", "INVALID_TYPE");
	EXPECT(i, "{\"v\":5.5}", "INVALID_TYPE");
	EXPECT(i, "{\"v\":5.0}", "INVALID_TYPE");
	EXPECT(i, "{\"v\":true}", "INVALID_TYPE");
	EXPECT(i, "{\"v\":-5}", "");
	EXPECT(d, "{\"v\":\"1.5\"}", "INVALID_TYPE");
	EXPECT(d, "{\"v\":1.5}", "");
	EXPECT(d, "{\"v\":2}", "");
	EXPECT(b, "{\"v\":\"true\"}", "INVALID_TYPE");
	EXPECT(b, "{\"v\":1}", "INVALID_TYPE");
	EXPECT(b, "{\"v\":false}", "");
	EXPECT(o, "{\"v\":[]}", "INVALID_TYPE");
	EXPECT(o, "{\"v\":\"{}\"}", "INVALID_TYPE");
	EXPECT(o, "{\"v\":{\"a\":1}}", "");
	EXPECT(a, "{\"v\":{}}", "INVALID_TYPE");
	EXPECT(a, "{\"v\":[1,\"x\",null]}", "");
	EXPECT(ss, "{\"v\":\"x\"}", "INVALID_TYPE");
	EXPECT(e, "{\"v\":1}", "INVALID_TYPE");
	EXPECT(em, "{\"v\":1}", "INVALID_TYPE");
	EXPECT(ph, "{\"v\":1012345678}", "INVALID_TYPE");
	EXPECT(pw, "{\"v\":12345678}", "INVALID_TYPE");
	EXPECT(hm, "{\"v\":930}", "INVALID_TYPE");
	EXPECT(dt, "{\"v\":20260101}", "INVALID_TYPE");
	EXPECT(any, "{\"v\":[1,{\"x\":\"y\"}]}", "");
	EXPECT(any, "{\"v\":\"s\"}", "");
	EXPECT(any, "{\"v\":0}", "");
}

TEST(length_in_utf8_characters)
{
	const struct vfield f = { "nameAr", V_STRING, 0, 2, 5, NULL, 0, NULL };

	CHECK_INT(utf8_len(""), 0);
	CHECK_INT(utf8_len("abc"), 3);
	CHECK_INT(utf8_len("سباكة"), 5);             /* 10 bytes */
	CHECK_INT(strlen("سباكة"), 10);
	CHECK_INT(utf8_len("😀x"), 2);
	CHECK_INT(utf8_len("٠١٢"), 3);

	EXPECT(f, "{\"nameAr\":\"سباكة\"}", "");        /* 5 characters, 10 bytes */
	EXPECT(f, "{\"nameAr\":\"نجارة\"}", "");
	EXPECT(f, "{\"nameAr\":\"سباكات\"}", "TOO_LONG"); /* 6 characters */
	EXPECT(f, "{\"nameAr\":\"س\"}", "TOO_SHORT");     /* 1 character, 2 bytes */
	EXPECT(f, "{\"nameAr\":\"سب\"}", "");
	EXPECT(f, "{\"nameAr\":\"😀😀\"}", "");            /* 8 bytes, 2 characters */
	EXPECT(f, "{\"nameAr\":\"\\u0633\\u0628\\u0627\\u0643\\u0629x\"}", "TOO_LONG");
	EXPECT(f, "{\"nameAr\":\"abcde\"}", "");
	EXPECT(f, "{\"nameAr\":\"abcdef\"}", "TOO_LONG");
	EXPECT(f, "{\"nameAr\":\"a\"}", "TOO_SHORT");
}

TEST(out_of_range)
{
	const struct vfield i = { "limit", V_INT, 0, 1, 100, NULL, 0, NULL };
	const struct vfield any = { "n", V_INT, 0, 0, 0, NULL, 0, NULL };
	const struct vfield d = { "rating", V_NUMBER, 0, 1, 5, NULL, 0, NULL };

	EXPECT(i, "{\"limit\":1}", "");
	EXPECT(i, "{\"limit\":100}", "");
	EXPECT(i, "{\"limit\":0}", "OUT_OF_RANGE");
	EXPECT(i, "{\"limit\":101}", "OUT_OF_RANGE");
	EXPECT(i, "{\"limit\":-5}", "OUT_OF_RANGE");
	EXPECT(i, "{\"limit\":99999999999999999999}", "OUT_OF_RANGE");
	EXPECT(i, "{\"limit\":-99999999999999999999}", "OUT_OF_RANGE");
	EXPECT(any, "{\"n\":-9223372036854775808}", "");   /* min == max: no range */
	EXPECT(d, "{\"rating\":4.5}", "");
	EXPECT(d, "{\"rating\":5}", "");
	EXPECT(d, "{\"rating\":1}", "");
	EXPECT(d, "{\"rating\":5.01}", "OUT_OF_RANGE");
	EXPECT(d, "{\"rating\":0.99}", "OUT_OF_RANGE");
	EXPECT(d, "{\"rating\":-1e300}", "OUT_OF_RANGE");
}

TEST(enum_values)
{
	static const char *const cats[] = { "mobile_workshop", "emergency",
		"regular_maintenance", "periodic_maintenance", "plumbing", NULL };
	static const char *const none[] = { NULL };
	const struct vfield f = { "category", V_ENUM, VF_REQUIRED, 0, 0, cats, 0, NULL };
	const struct vfield opt = { "category", V_ENUM, 0, 0, 0, cats, 0, NULL };
	const struct vfield empty = { "category", V_ENUM, 0, 0, 0, none, 0, NULL };

	EXPECT(f, "{\"category\":\"emergency\"}", "");
	EXPECT(f, "{\"category\":\"plumbing\"}", "");
	EXPECT(f, "{\"category\":\"Emergency\"}", "INVALID_VALUE");
	EXPECT(f, "{\"category\":\"emergency \"}", "INVALID_VALUE");
	EXPECT(f, "{\"category\":\"cooking\"}", "INVALID_VALUE");
	EXPECT(f, "{\"category\":\"\"}", "REQUIRED");
	EXPECT(f, "{}", "REQUIRED");
	EXPECT(opt, "{\"category\":\"\"}", "INVALID_VALUE");
	EXPECT(empty, "{\"category\":\"x\"}", "INVALID_VALUE");
}

TEST(email)
{
	static const char *const ok[] = { "ahmed@example.com", "Ahmed.Ali+x@Mail.Example.EG",
		"a@b.co", "x_y-z@sub.domain.org" };
	static const char *const bad[] = { "ahmed", "ahmed@", "@example.com", "a@b",
		"a@b.", "a@.com", "a@b..com", "a b@c.com", "a@@b.com", "a@b@c.com", "a<b@c.com",
		"\\\"a\\\"@b.com", "a@b.com;x", "ab" };
	const struct vfield f = { "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, 0, NULL };
	char text[512], out[256];
	size_t i, n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "{\"email\":\"%s\"}", ok[i]);
		EXPECT(f, text, "");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"email\":\"%s\"}", bad[i]);
		EXPECT(f, text, "INVALID_FORMAT");
	}
	json_object *errs = run("{\"email\":\"nope\"}", &f, 1, LANG_EN, &n);
	CHECK_STR(message_of(errs, "email"), "Invalid email address");
	errs = run("{\"email\":\"nope\"}", &f, 1, LANG_AR, &n);
	CHECK_STR(message_of(errs, "email"), "البريد الإلكتروني غير صحيح");

	CHECK_INT(email_normalize("Ahmed.Ali@Example.COM", out, sizeof(out)), 0);
	CHECK_STR(out, "ahmed.ali@example.com");
	CHECK_INT(email_normalize("a@b.com", out, 7), -1);     /* no room for the NUL */
	CHECK_INT(email_normalize("a@b.com", out, 8), 0);
	memset(text, 'a', 65);
	strcpy(text + 65, "@example.com");                     /* local part of 65 */
	CHECK_INT(email_normalize(text, out, sizeof(out)), -1);
	memset(text, 'a', 64);
	strcpy(text + 64, "@example.com");
	CHECK_INT(email_normalize(text, out, sizeof(out)), 0);
	memset(text, 'a', 300);
	strcpy(text + 250, "@example.com");                     /* 262 characters */
	CHECK_INT(email_normalize(text, out, sizeof(out)), -1);
}

TEST(phone_field)
{
	const struct vfield f = { "phone", V_PHONE, VF_REQUIRED, 0, 0, NULL, 0, NULL };
	size_t n;

	EXPECT(f, "{\"phone\":\"01012345678\"}", "");
	EXPECT(f, "{\"phone\":\"+201112345678\"}", "");
	EXPECT(f, "{\"phone\":\"٠١٢٢٣٤٥٦٧٨٩\"}", "");
	EXPECT(f, "{\"phone\":\"0101 234 5678\"}", "");
	EXPECT(f, "{\"phone\":\"01312345678\"}", "INVALID_FORMAT");
	EXPECT(f, "{\"phone\":\"0101234567\"}", "INVALID_FORMAT");
	EXPECT(f, "{\"phone\":\"phone\"}", "INVALID_FORMAT");
	EXPECT(f, "{\"phone\":\"\"}", "REQUIRED");
	json_object *errs = run("{\"phone\":\"123\"}", &f, 1, LANG_EN, &n);
	CHECK_STR(message_of(errs, "phone"), "Invalid phone number; use an Egyptian mobile number");
}

TEST(password_policy)
{
	const struct vfield f = { "password", V_PASSWORD, VF_REQUIRED, 0, 0, NULL, 0, NULL };
	char text[400];
	size_t n;

	EXPECT(f, "{\"password\":\"Passw0rd\"}", "");
	EXPECT(f, "{\"password\":\"Aa1aaaaa\"}", "");
	EXPECT(f, "{\"password\":\"Aa1كلمةس\"}", "");              /* 8 characters */
	EXPECT(f, "{\"password\":\"Aa1 with spaces!\"}", "");
	EXPECT(f, "{\"password\":\"Aa1aaaa\"}", "WEAK_PASSWORD");   /* 7 */
	EXPECT(f, "{\"password\":\"password1\"}", "WEAK_PASSWORD"); /* no upper */
	EXPECT(f, "{\"password\":\"PASSWORD1\"}", "WEAK_PASSWORD"); /* no lower */
	EXPECT(f, "{\"password\":\"Password\"}", "WEAK_PASSWORD");  /* no digit */
	EXPECT(f, "{\"password\":\"كلمةالسرA1\"}", "WEAK_PASSWORD"); /* no ASCII lower */
	EXPECT(f, "{\"password\":\"12345678\"}", "WEAK_PASSWORD");
	EXPECT(f, "{\"password\":\"\"}", "REQUIRED");
	/* 128 bytes is the longest accepted: scrypt input stays bounded */
	memset(text, 0, sizeof(text));
	strcpy(text, "{\"password\":\"Aa1");
	memset(text + strlen(text), 'x', 125);
	strcat(text, "\"}");
	EXPECT(f, text, "");
	memset(text, 0, sizeof(text));
	strcpy(text, "{\"password\":\"Aa1");
	memset(text + strlen(text), 'x', 126);
	strcat(text, "\"}");
	EXPECT(f, text, "WEAK_PASSWORD");
	json_object *errs = run("{\"password\":\"weak\"}", &f, 1, LANG_EN, &n);
	CHECK(message_of(errs, "password") != NULL &&
	    strstr(message_of(errs, "password"), "at least 8 characters") != NULL);
}

TEST(hhmm)
{
	static const char *const ok[] = { "00:00", "23:59", "09:30", "12:00" };
	static const char *const bad[] = { "24:00", "12:60", "9:30", "12:5", "ab:cd",
		"12-30", "12:300", "1230", " 9:30", "09:30 ", "-1:30", "٠٩:٣٠" };
	const struct vfield f = { "openAt", V_HHMM, 0, 0, 0, NULL, 0, NULL };
	char text[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "{\"openAt\":\"%s\"}", ok[i]);
		EXPECT(f, text, "");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"openAt\":\"%s\"}", bad[i]);
		EXPECT(f, text, "INVALID_FORMAT");
	}
}

TEST(calendar_dates)
{
	static const char *const ok[] = { "2024-02-29", "2000-02-29", "2026-12-31",
		"2026-01-01", "2026-04-30", "1900-01-01", "2200-12-31" };
	static const char *const bad[] = { "2023-02-29", "1900-02-29", "2100-02-29",
		"2026-04-31", "2026-06-31", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-01-32", "2026-1-01", "2026/12/31", "26-12-31", "1899-12-31", "2201-01-01",
		"2026-02-30", "2026-12-31T00:00", "abcd-ef-gh", "" };
	const struct vfield f = { "date", V_DATE, 0, 0, 0, NULL, 0, NULL };
	char text[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "{\"date\":\"%s\"}", ok[i]);
		EXPECT(f, text, "");
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"date\":\"%s\"}", bad[i]);
		EXPECT(f, text, "INVALID_FORMAT");
	}
}

TEST(arrays_and_strings_lists)
{
	const struct vfield ss = { "skills", V_STRINGS, 0, 1, 3, NULL, 0, NULL };
	const struct vfield arr = { "items", V_ARRAY, 0, 0, 2, NULL, 0, NULL };
	char text[1200], *p;
	int i;

	EXPECT(ss, "{\"skills\":[\"سباكة\",\"كهرباء\"]}", "");
	EXPECT(ss, "{\"skills\":[\"a\",\"b\",\"c\"]}", "");
	EXPECT(ss, "{\"skills\":[\"a\",\"b\",\"c\",\"d\"]}", "TOO_LONG");
	EXPECT(ss, "{\"skills\":[]}", "TOO_SHORT");
	EXPECT(ss, "{\"skills\":[\"a\",1]}", "INVALID_TYPE");
	EXPECT(ss, "{\"skills\":[\"a\",null]}", "INVALID_TYPE");
	EXPECT(ss, "{\"skills\":[[\"a\"]]}", "INVALID_TYPE");
	EXPECT(ss, "{\"skills\":[\"a\",\"\"]}", "INVALID_FORMAT");
	EXPECT(ss, "{\"skills\":[\"a\\u0000b\"]}", "INVALID_FORMAT");
	/* each item 1..200 characters, counted in characters */
	p = text + sprintf(text, "{\"skills\":[\"");
	for (i = 0; i < 200; i++)
		p += sprintf(p, "س");
	strcpy(p, "\"]}");
	EXPECT(ss, text, "");
	strcpy(p, "س\"]}");
	EXPECT(ss, text, "INVALID_FORMAT");

	EXPECT(arr, "{\"items\":[]}", "");
	EXPECT(arr, "{\"items\":[1,{}]}", "");
	EXPECT(arr, "{\"items\":[1,2,3]}", "TOO_LONG");
	EXPECT(arr, "{\"items\":\"1,2\"}", "INVALID_TYPE");
}

TEST(embedded_nul_rejected)
{
	static const char *const cats[] = { "emergency", NULL };
	const struct vfield s = { "name", V_STRING, 0, 0, 0, NULL, 0, NULL };
	const struct vfield e = { "email", V_EMAIL, 0, 0, 0, NULL, 0, NULL };
	const struct vfield en = { "category", V_ENUM, 0, 0, 0, cats, 0, NULL };
	const struct vfield pw = { "password", V_PASSWORD, 0, 0, 0, NULL, 0, NULL };
	const struct vfield ph = { "phone", V_PHONE, 0, 0, 0, NULL, 0, NULL };

	EXPECT(s, "{\"name\":\"ab\\u0000cd\"}", "INVALID_FORMAT");
	EXPECT(s, "{\"name\":\"\\u0000\"}", "INVALID_FORMAT");
	EXPECT(e, "{\"email\":\"a@b.com\\u0000x\"}", "INVALID_FORMAT");
	EXPECT(en, "{\"category\":\"emergency\\u0000\"}", "INVALID_FORMAT");
	EXPECT(pw, "{\"password\":\"Passw0rd\\u0000\"}", "INVALID_FORMAT");
	EXPECT(ph, "{\"phone\":\"01012345678\\u0000\"}", "INVALID_FORMAT");
}

TEST(dotted_paths)
{
	const struct vfield city = { "location.city", V_STRING, VF_REQUIRED, 2, 50, NULL, 0, NULL };
	const struct vfield lat = { "location.geo.lat", V_NUMBER, 0, -90, 90, NULL, 0, NULL };
	const struct vfield note = { "meta.note", V_STRING, VF_NULLABLE, 0, 0, NULL, 0, NULL };

	EXPECT(city, "{\"location\":{\"city\":\"القاهرة\"}}", "");
	EXPECT(city, "{\"location\":{}}", "REQUIRED");
	EXPECT(city, "{\"location\":{\"city\":\" \"}}", "REQUIRED");
	EXPECT(city, "{\"location\":\"Cairo\"}", "REQUIRED");
	EXPECT(city, "{\"location\":null}", "REQUIRED");
	EXPECT(city, "{}", "REQUIRED");
	EXPECT(city, "{\"location.city\":\"Cairo\"}", "REQUIRED");   /* a path, not a key */
	EXPECT(city, "{\"location\":{\"city\":5}}", "INVALID_TYPE");
	EXPECT(city, "{\"location\":{\"city\":\"x\"}}", "TOO_SHORT");
	EXPECT(lat, "{\"location\":{\"geo\":{\"lat\":30.04}}}", "");
	EXPECT(lat, "{\"location\":{\"geo\":{\"lat\":130}}}", "OUT_OF_RANGE");
	EXPECT(lat, "{\"location\":{\"geo\":{\"lat\":\"30\"}}}", "INVALID_TYPE");
	EXPECT(lat, "{\"location\":{\"geo\":[]}}", "");             /* optional, parent wrong */
	EXPECT(lat, "{\"location\":{\"geo\":{\"lat\":null}}}", "INVALID_TYPE");
	EXPECT(note, "{\"meta\":{\"note\":null}}", "");
	EXPECT(note, "{\"meta\":{\"note\":1}}", "INVALID_TYPE");
}

TEST(body_not_an_object)
{
	static const char *const bodies[] = { "[]", "[{\"name\":\"x\"}]", "\"text\"", "1 " };
	const struct vfield fields[] = {
		{ "name", V_STRING, VF_REQUIRED, 0, 0, NULL, 0, NULL },
		{ "price", V_INT, VF_REQUIRED, 0, 0, NULL, 0, NULL },
	};
	json_object *errs;
	size_t i, n;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		errs = run(bodies[i], fields, 2, LANG_EN, &n);
		CHECK_INT(n, 1);
		CHECK_STR(code_of(errs, "body"), "INVALID_TYPE");
		CHECK(errors_well_formed(errs, LANG_EN));
	}
	errs = run(NULL, fields, 2, LANG_AR, &n);            /* no body at all */
	CHECK_INT(n, 1);
	CHECK_STR(code_of(errs, "body"), "INVALID_TYPE");
	CHECK(errors_well_formed(errs, LANG_AR));
}

static const char *const categories[] = { "emergency", "plumbing", NULL };
static const struct vfield service_fields[] = {
	{ "nameAr", V_STRING, VF_REQUIRED, 2, 100, NULL, 0, NULL },
	{ "nameEn", V_STRING, VF_REQUIRED, 2, 100, NULL, 0, NULL },
	{ "category", V_ENUM, VF_REQUIRED, 0, 0, categories, 0, NULL },
	{ "basePrice", V_INT, VF_REQUIRED, 0, 10000000, NULL, 0, NULL },
	{ "isEmergency", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "workingHours.from", V_HHMM, 0, 0, 0, NULL, 0, NULL },
	{ "workingHours.to", V_HHMM, 0, 0, 0, NULL, 0, NULL },
	{ "contactPhone", V_PHONE, 0, 0, 0, NULL, 0, NULL },
	{ "tags", V_STRINGS, 0, 0, 10, NULL, 0, NULL },
};

TEST(several_fields_at_once_in_order)
{
	json_object *errs;
	size_t n;

	errs = run("{\"nameAr\":\"س\",\"category\":\"cooking\",\"basePrice\":-1,"
	    "\"isEmergency\":\"yes\",\"workingHours\":{\"from\":\"25:00\",\"to\":\"18:00\"},"
	    "\"contactPhone\":\"0123\",\"tags\":[\"\"],\"role\":\"admin\"}",
	    service_fields, NFIELDS(service_fields), LANG_EN, &n);
	CHECK_INT(n, 8);
	CHECK(errors_well_formed(errs, LANG_EN));
	CHECK_STR(code_of(errs, "nameAr"), "TOO_SHORT");
	CHECK_STR(code_of(errs, "nameEn"), "REQUIRED");
	CHECK_STR(code_of(errs, "category"), "INVALID_VALUE");
	CHECK_STR(code_of(errs, "basePrice"), "OUT_OF_RANGE");
	CHECK_STR(code_of(errs, "isEmergency"), "INVALID_TYPE");
	CHECK_STR(code_of(errs, "workingHours.from"), "INVALID_FORMAT");
	CHECK_STR(code_of(errs, "workingHours.to"), "");
	CHECK_STR(code_of(errs, "contactPhone"), "INVALID_FORMAT");
	CHECK_STR(code_of(errs, "tags"), "INVALID_FORMAT");
	CHECK_STR(code_of(errs, "role"), "");          /* undeclared: ignored */
	/* declaration order */
	REQUIRE(n == 8);
	CHECK_STR(json_get_str(json_object_array_get_idx(errs, 0), "field"), "nameAr");
	CHECK_STR(json_get_str(json_object_array_get_idx(errs, 7), "field"), "tags");

	errs = run("{\"nameAr\":\"سباكة\",\"nameEn\":\"Plumbing\",\"category\":\"plumbing\","
	    "\"basePrice\":15000,\"workingHours\":{\"from\":\"08:00\",\"to\":\"20:00\"},"
	    "\"contactPhone\":\"+201012345678\",\"tags\":[\"مواسير\"],\"extra\":[1,2]}",
	    service_fields, NFIELDS(service_fields), LANG_EN, &n);
	CHECK_INT(n, 0);
	CHECK(errs == NULL);
}

TEST(messages_in_both_languages)
{
	const struct vfield f = { "name", V_STRING, VF_REQUIRED, 0, 0, NULL, 0, NULL };
	json_object *errs;
	size_t n;

	errs = run("{}", &f, 1, LANG_AR, &n);
	CHECK(errors_well_formed(errs, LANG_AR));
	CHECK_STR(message_of(errs, "name"), "هذا الحقل مطلوب");
	CHECK_STR(json_text(&A, errs, NULL),
	    "[{\"field\":\"name\",\"message\":\"هذا الحقل مطلوب\",\"code\":\"REQUIRED\"}]");
	errs = run("{}", &f, 1, LANG_EN, &n);
	CHECK_STR(json_text(&A, errs, NULL),
	    "[{\"field\":\"name\",\"message\":\"This field is required\",\"code\":\"REQUIRED\"}]");
}

/* A failed validation recorded with fail_errors() becomes one 422 naming each field. */
static int
validate_and_record(struct req *r, json_object *b, const struct vfield *f, size_t n)
{
	json_object *errs = NULL;

	if (validate(b, f, n, r->lang, &errs) == 0)
		return 0;
	(void)fail_errors(r, ERR_VALIDATION, errs);
	return -1;
}

TEST(a_failed_validation_gives_a_422)
{
	struct req r;
	json_object *b, *reply;

	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.lang = LANG_EN;
	b = body("{\"nameEn\":5}");
	CHECK_INT(validate_and_record(&r, b, service_fields, NFIELDS(service_fields)), -1);
	reply_finish(&r, r.fail.e);
	CHECK_INT(r.status, 422);
	CHECK(r.resp_type != NULL && strncmp(r.resp_type, "application/json", 16) == 0);
	REQUIRE(r.resp_body != NULL);
	reply = parse_json_body(&A, r.resp_body, r.resp_len);
	REQUIRE(reply != NULL);
	CHECK_INT(json_get_bool(reply, "success", &(int){ 0 }), 0);
	CHECK_STR(json_get_str(reply, "code"), "VALIDATION_ERROR");
	CHECK_STR(json_get_str(reply, "message"), "Invalid data");
	CHECK_INT(json_object_array_length(json_path(reply, "errors")), 4);
	CHECK(errors_well_formed(json_path(reply, "errors"), LANG_EN));

	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.lang = LANG_AR;
	b = body("[]");
	CHECK_INT(validate_and_record(&r, b, service_fields, NFIELDS(service_fields)), -1);
	reply_finish(&r, r.fail.e);
	reply = parse_json_body(&A, r.resp_body, r.resp_len);
	REQUIRE(reply != NULL);
	CHECK_STR(json_get_str(reply, "message"), "بيانات غير صحيحة");
	CHECK(errors_well_formed(json_path(reply, "errors"), LANG_AR));

	memset(&r, 0, sizeof(r));
	r.a = &A;
	b = body("{\"nameAr\":\"سباكة\",\"nameEn\":\"Plumbing\","
	    "\"category\":\"emergency\",\"basePrice\":0}");
	REQUIRE(b != NULL);
	CHECK_INT(validate_and_record(&r, b, service_fields, NFIELDS(service_fields)), 0);
	CHECK_INT(r.replied, 0);
}

TEST(verror_add_shape)
{
	json_object *errs = json_owned(&A, json_object_new_array());

	verror_add(errs, LANG_EN, "username", "INVALID_FORMAT", MSG_V_USERNAME);
	verror_add(errs, LANG_AR, "email", "REQUIRED", MSG_NONE); /* MSG_NONE: "v.<code>" */
	verror_add(errs, LANG_EN, "x", "TAKEN", MSG_V_EMAIL_TAKEN);
	REQUIRE(json_object_array_length(errs) == 3);
	CHECK_STR(json_text(&A, json_object_array_get_idx(errs, 1), NULL),
	    "{\"field\":\"email\",\"message\":\"هذا الحقل مطلوب\",\"code\":\"REQUIRED\"}");
	CHECK_STR(json_get_str(json_object_array_get_idx(errs, 2), "message"),
	    "This email is already registered");
	CHECK(strncmp(json_get_str(json_object_array_get_idx(errs, 0), "message"), "Username", 8) == 0);
}

/* --- declared input filling a typed struct --- */

struct sample_in {
	struct in_val email, phone, name, year, price, active, bio, tags, lat;
};

static const char *
no_admin(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_NONE;
	return strcmp(v->s, "admin") == 0 ? "INVALID_VALUE" : NULL;
}

static const struct vfield sample_fields[] = {
	{ "email", V_EMAIL, VF_REQUIRED, 0, 254, NULL, IN(struct sample_in, email), NULL },
	{ "phone", V_PHONE, 0, 0, 0, NULL, IN(struct sample_in, phone), NULL },
	{ "name", V_STRING, 0, 1, 50, NULL, IN(struct sample_in, name), no_admin },
	{ "year", V_INT, 0, 1950, 2100, NULL, IN(struct sample_in, year), NULL },
	{ "price", V_NUMBER, 0, 0, 1000, NULL, IN(struct sample_in, price), NULL },
	{ "active", V_BOOL, 0, 0, 0, NULL, IN(struct sample_in, active), NULL },
	{ "bio", V_STRING, VF_NULLABLE, 0, 100, NULL, IN(struct sample_in, bio), NULL },
	{ "tags", V_STRINGS, 0, 0, 5, NULL, IN(struct sample_in, tags), NULL },
	{ "location", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "location.lat", V_NUMBER, 0, -90, 90, NULL, IN(struct sample_in, lat), NULL },
};

static int checked_across;

static void
year_needs_price(const void *in, json_object *errs, enum lang lang)
{
	const struct sample_in *s = in;

	checked_across++;
	if (s->year.set && !s->price.set)
		verror_add(errs, lang, "price", "REQUIRED", MSG_NONE);
}

static const struct input sample_input = INPUT(struct sample_in, sample_fields, year_needs_price);

TEST(input_fills_a_typed_struct)
{
	const struct sample_in *in;
	json_object *errs = NULL;
	void *out;

	REQUIRE(input_read(&A, body("{\"email\":\"Sara@Example.COM\",\"phone\":\"01012345678\","
	    "\"name\":\"Sara\",\"year\":2020,\"price\":12.50,\"active\":true,\"bio\":null,"
	    "\"tags\":[\"a\"],\"location\":{\"lat\":30.05},\"undeclared\":1}"), &sample_input,
	    LANG_EN, &out, &errs) == 0);
	CHECK(errs == NULL);
	in = out;
	CHECK(in->email.set && !in->email.null);
	CHECK_STR(in->email.s, "sara@example.com");          /* normalized once, here */
	CHECK_STR(in->phone.s, "+201012345678");
	CHECK_STR(in->name.s, "Sara");
	CHECK_INT(in->year.i, 2020);
	CHECK(in->price.d == 12.5);
	CHECK_STR(in->price.num, "12.50");                    /* the number as written */
	CHECK_INT(in->active.i, 1);
	CHECK(in->bio.set && in->bio.null);                   /* null: "clear it" */
	CHECK(in->tags.set && json_object_array_length(in->tags.j) == 1);
	CHECK(in->lat.set && in->lat.d == 30.05);

	/* absent fields are not set; the check across fields runs once the fields pass */
	checked_across = 0;
	REQUIRE(input_read(&A, body("{\"email\":\"a@b.co\",\"year\":2000}"), &sample_input,
	    LANG_EN, &out, &errs) == 1);
	CHECK_INT(checked_across, 1);
	CHECK(strstr(json_text(&A, errs, NULL), "\"field\":\"price\"") != NULL);
	json_object_put(errs);

	/* a field's own check, after its type's */
	checked_across = 0;
	CHECK(input_read(&A, body("{\"email\":\"a@b.co\",\"name\":\"admin\"}"), &sample_input,
	    LANG_EN, &out, &errs) == 1);
	CHECK_INT(checked_across, 0);
	CHECK(strstr(json_text(&A, errs, NULL), "\"field\":\"name\",\"message\":\"Value not "
	    "allowed\",\"code\":\"INVALID_VALUE\"") != NULL);
	json_object_put(errs);
	in = out;
	CHECK(!in->year.set);
}

static const struct input_list sample_list = INPUT_LIST(sample_input, "items", 3);

TEST(input_list_reads_every_item_and_names_the_failing_ones)
{
	struct in_list *l;
	json_object *errs = NULL;
	const char *t;

	/* a bare array: items named [i] */
	REQUIRE(input_read_list(&A, body("[{\"email\":\"a@b.co\"},{\"email\":\"C@D.CO\"}]"),
	    &sample_list, LANG_EN, &l, &errs) == 0);
	CHECK(errs == NULL);
	REQUIRE(l != NULL && l->n == 2);
	CHECK_STR(((const struct sample_in *)l->items[1])->email.s, "c@d.co");
	CHECK_STR(l->names[1], "[1]");

	/* the keyed shape: items named key[i]; every failing item is named, the cross-field
	 * check included, and no list is given */
	CHECK(input_read_list(&A, body("{\"items\":[{\"email\":\"a@b.co\"},{\"email\":5},"
	    "{\"email\":\"a@b.co\",\"year\":2000}]}"), &sample_list, LANG_EN, &l, &errs) == 2);
	CHECK(l == NULL);
	t = json_text(&A, errs, NULL);
	CHECK(strstr(t, "\"field\":\"items[1].email\"") != NULL);
	CHECK(strstr(t, "\"field\":\"items[2].price\"") != NULL);
	CHECK(strstr(t, "items[0]") == NULL);
	json_object_put(errs);

	/* the list itself: absent, not an array, empty, too long */
	CHECK(input_read_list(&A, body("{}"), &sample_list, LANG_EN, &l, &errs) == 1);
	CHECK(strstr(json_text(&A, errs, NULL), "\"field\":\"items\"") != NULL &&
	    strstr(json_text(&A, errs, NULL), "REQUIRED") != NULL);
	json_object_put(errs);
	CHECK(input_read_list(&A, body("{\"items\":{}}"), &sample_list, LANG_EN, &l, &errs) == 1);
	CHECK(strstr(json_text(&A, errs, NULL), "INVALID_TYPE") != NULL);
	json_object_put(errs);
	CHECK(input_read_list(&A, body("[]"), &sample_list, LANG_EN, &l, &errs) == 1);
	CHECK(strstr(json_text(&A, errs, NULL), "OUT_OF_RANGE") != NULL);
	json_object_put(errs);
	CHECK(input_read_list(&A, body("[{},{},{},{}]"), &sample_list, LANG_AR, &l, &errs) == 1);
	CHECK(strstr(json_text(&A, errs, NULL), "OUT_OF_RANGE") != NULL);
	json_object_put(errs);
}

struct sample_query {
	struct in_val page, role, active;
};

static const char *const sample_roles[] = { "customer", "technician", NULL };

static const struct vfield sample_query_fields[] = {
	{ "page", V_INT, 0, 1, 1000, NULL, IN(struct sample_query, page), NULL },
	{ "role", V_ENUM, 0, 0, 0, sample_roles, IN(struct sample_query, role), NULL },
	{ "active", V_BOOL, 0, 0, 0, NULL, IN(struct sample_query, active), NULL },
};

static const struct input sample_query_input = INPUT(struct sample_query, sample_query_fields,
    NULL);

static const char *const sample_aliases[] = { "mail", "email", "fullName", "name", NULL };
static const struct input sample_aliased = INPUT_ALIASED(struct sample_in, sample_fields, NULL,
    sample_aliases);

TEST(aliases_are_read_as_their_names)
{
	const struct sample_in *in;
	json_object *errs = NULL;
	void *out;

	REQUIRE(input_read(&A, body("{\"mail\":\"A@B.co\",\"fullName\":\"Sara\"}"),
	    &sample_aliased, LANG_EN, &out, &errs) == 0);
	in = out;
	CHECK_STR(in->email.s, "a@b.co");
	CHECK_STR(in->name.s, "Sara");
	/* the name wins over its alias */
	REQUIRE(input_read(&A, body("{\"email\":\"x@y.co\",\"mail\":\"a@b.co\"}"),
	    &sample_aliased, LANG_EN, &out, &errs) == 0);
	in = out;
	CHECK_STR(in->email.s, "x@y.co");
}

TEST(query_parameters_are_declared_too)
{
	const struct sample_query *q;
	struct kvlist l;
	json_object *errs = NULL;
	void *out;

	parse_query(&A, "page=3&role=technician&active=false&other=x", &l, 32);
	REQUIRE(input_read_query(&A, &l, &sample_query_input, LANG_EN, &out, &errs) == 0);
	q = out;
	CHECK_INT(q->page.i, 3);
	CHECK_STR(q->role.s, "technician");
	CHECK(q->active.set && q->active.i == 0);

	/* empty is absent; words where numbers belong and unknown values are 422 */
	parse_query(&A, "page=&role=", &l, 32);
	REQUIRE(input_read_query(&A, &l, &sample_query_input, LANG_EN, &out, &errs) == 0);
	q = out;
	CHECK(!q->page.set && !q->role.set);
	parse_query(&A, "page=abc&role=admin&active=maybe", &l, 32);
	CHECK(input_read_query(&A, &l, &sample_query_input, LANG_EN, &out, &errs) == 3);
	json_object_put(errs);
	parse_query(&A, "page=1001", &l, 32);
	CHECK(input_read_query(&A, &l, &sample_query_input, LANG_EN, &out, &errs) == 1);
	CHECK(strstr(json_text(&A, errs, NULL), "OUT_OF_RANGE") != NULL);
	json_object_put(errs);
}
