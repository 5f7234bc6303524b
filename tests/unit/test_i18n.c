/* core/i18n: the message table, language choice, and that every message key the code
 * uses has both translations. */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>

#include "core/http.h"
#include "core/i18n.h"
#include "check.h"

/* U+0621..U+064A: the Arabic letters proper (not digits or punctuation). */
static int
has_arabic_letter(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; p[0] != '\0'; p++) {
		unsigned cp;

		if (p[0] == 0xD8 && p[1] >= 0xA1 && p[1] <= 0xBF)
			return 1;
		cp = ((unsigned)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
		if (p[0] == 0xD9 && cp >= 0x640 && cp <= 0x64A)
			return 1;
	}
	return 0;
}

static int
has_arabic_byte(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s == 0xD8 || (unsigned char)*s == 0xD9)
			return 1;
	return 0;
}

/* Every slot of the enum-indexed table (but MSG_NONE, the "no message" value) holds a
 * unique key and both texts: a message added to the enum and forgotten in the table is
 * an empty slot, and this fails. */
TEST(every_slot_is_filled)
{
	unsigned n, i, j;
	const struct i18n_msg *t = i18n_table(&n);

	REQUIRE(t != NULL);
	CHECK(n == MSG__MAX);
	CHECK(n > 10);
	for (i = 1; i < n; i++) {
		if (!CHECK(t[i].key != NULL && t[i].key[0] != '\0')) {
			fprintf(stderr, "    slot %u has no key\n", i);
			continue;
		}
		for (j = 1; j < i; j++)
			if (!CHECK(strcmp(t[i].key, t[j].key) != 0))
				fprintf(stderr, "    duplicate key \"%s\"\n", t[i].key);
		if (!CHECK(t[i].ar != NULL && t[i].ar[0] != '\0' && has_arabic_letter(t[i].ar)))
			fprintf(stderr, "    no Arabic text for %s\n", t[i].key);
		if (!CHECK(t[i].en != NULL && t[i].en[0] != '\0' && !has_arabic_byte(t[i].en)))
			fprintf(stderr, "    no English text for %s\n", t[i].key);
		CHECK(strchr(t[i].key, ' ') == NULL);
	}
}

TEST(lookup_finds_every_key)
{
	unsigned n, i;
	const struct i18n_msg *t = i18n_table(&n);

	for (i = 1; i < n; i++) {
		CHECK(msg_by_key(t[i].key) == (enum msg)i);
		CHECK(i18n(LANG_AR, t[i].key) == t[i].ar);
		CHECK(i18n(LANG_EN, t[i].key) == t[i].en);
		CHECK(msg_text(LANG_EN, (enum msg)i) == t[i].en);
	}
	CHECK_STR(msg_text(LANG_EN, MSG_ERR_VALIDATION), "Invalid data");
	CHECK_STR(i18n(LANG_EN, "err.validation"), "Invalid data");
	CHECK_STR(i18n(LANG_AR, "err.validation"), "بيانات غير صحيحة");
	CHECK_STR(i18n(LANG_EN, "err.route_not_found"), "API route not found");
	CHECK_STR(i18n(LANG_EN, "err.invalid_id"), "Resource not found (invalid ID)");
	/* an unknown key comes back as itself; MSG_NONE has no text of its own */
	CHECK_STR(i18n(LANG_EN, "no.such.key"), "no.such.key");
	CHECK_STR(i18n(LANG_AR, ""), "");
	CHECK(msg_by_key("") == MSG_NONE);
	CHECK_STR(msg_text(LANG_EN, MSG_NONE), msg_text(LANG_EN, MSG_ERR_INTERNAL));
}

TEST(validation_codes_have_messages)
{
	static const char *const codes[] = { "REQUIRED", "INVALID_TYPE", "TOO_SHORT",
		"TOO_LONG", "OUT_OF_RANGE", "INVALID_FORMAT", "INVALID_VALUE", "WEAK_PASSWORD",
		"email", "phone" };
	char key[64];
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(key, sizeof(key), "v.%s", codes[i]);
		if (!CHECK(strcmp(i18n(LANG_EN, key), key) != 0))
			fprintf(stderr, "    missing %s\n", key);
		CHECK(has_arabic_letter(i18n(LANG_AR, key)));
	}
}

/* Every enum err replies with a translated message in both languages. */
TEST(every_error_reply_is_translated)
{
	struct arena a;
	int e, l;

	arena_init(&a, 4096);
	for (e = 1; e < ERR__MAX; e++)
		for (l = LANG_AR; l <= LANG_EN; l++) {
			struct req r;
			json_object *o;
			const char *msg;

			memset(&r, 0, sizeof(r));
			r.a = &a;
			r.lang = (enum lang)l;
			reply_finish(&r, fail(&r, (enum err)e));
			CHECK_INT(r.status, err_status((enum err)e));
			o = parse_json_body(&a, r.resp_body, r.resp_len);
			REQUIRE(o != NULL);
			msg = json_get_str(o, "message");
			CHECK_STR(json_get_str(o, "code"), err_code((enum err)e));
			if (!CHECK(msg != NULL && strchr(msg, ' ') != NULL &&
			    (l == LANG_EN ? !has_arabic_byte(msg) : has_arabic_letter(msg))))
				fprintf(stderr, "    err %d lang %d: %s\n", e, l, msg ? msg : "NULL");
		}
	arena_free(&a);
}

TEST(lang_parse_and_code)
{
	enum lang l = LANG_EN;

	CHECK_INT(lang_parse("ar", &l), 0);
	CHECK_INT(l, LANG_AR);
	CHECK_INT(lang_parse("en", &l), 0);
	CHECK_INT(l, LANG_EN);
	CHECK_INT(lang_parse("AR", &l), 0);
	CHECK_INT(l, LANG_AR);
	CHECK_INT(lang_parse("en-US", &l), 0);
	CHECK_INT(l, LANG_EN);
	CHECK_INT(lang_parse("ar_EG", &l), 0);
	CHECK_INT(l, LANG_AR);
	l = LANG_EN;
	CHECK_INT(lang_parse("", &l), -1);
	CHECK_INT(lang_parse("a", &l), -1);
	CHECK_INT(lang_parse("eng", &l), -1);
	CHECK_INT(lang_parse("arabic", &l), -1);
	CHECK_INT(lang_parse("fr", &l), -1);
	CHECK_INT(lang_parse(" ar", &l), -1);
	CHECK_INT(lang_parse(NULL, &l), -1);
	CHECK_INT(l, LANG_EN);                        /* untouched on failure */
	CHECK_STR(lang_code(LANG_AR), "ar");
	CHECK_STR(lang_code(LANG_EN), "en");
}

/* lang_from_accept's answer as "ar", "en" or "none". */
static const char *
pick_lang(const char *h)
{
	enum lang l = (enum lang)77;

	if (lang_from_accept(h, &l) != 0)
		return l == (enum lang)77 ? "none" : "<written on failure>";
	return l == LANG_AR ? "ar" : l == LANG_EN ? "en" : "<bad value>";
}

TEST(lang_from_accept_language)
{
	char big[600];

	CHECK_STR(pick_lang("en-US,en;q=0.9,ar;q=0.8"), "en");
	CHECK_STR(pick_lang("ar-EG"), "ar");
	CHECK_STR(pick_lang("ar-EG,ar;q=0.9,en-US;q=0.8,en;q=0.7"), "ar");
	CHECK_STR(pick_lang("fr"), "none");
	CHECK_STR(pick_lang("fr-FR,de;q=0.5"), "none");
	CHECK_STR(pick_lang("fr-FR, ar;q=0.5"), "ar");
	CHECK_STR(pick_lang("ar;q=0.5, en;q=0.6"), "en");
	CHECK_STR(pick_lang("ar;q=0.5,en"), "en");
	CHECK_STR(pick_lang("ar, en"), "ar");            /* equal quality: the first named */
	CHECK_STR(pick_lang("EN-gb"), "en");
	CHECK_STR(pick_lang("en; q=0.3, fr"), "en");
	/* q=0 means "not acceptable" */
	CHECK_STR(pick_lang("en;q=0"), "none");
	CHECK_STR(pick_lang("en;q=0, ar;q=0.1"), "ar");
	CHECK_STR(pick_lang("ar;q=0.0,en;q=0.001"), "en");
	CHECK_STR(pick_lang("*"), "none");
	CHECK_STR(pick_lang("*;q=0.5, ar;q=0.2"), "ar");
	/* malformed input is safe */
	CHECK_STR(pick_lang(NULL), "none");
	CHECK_STR(pick_lang(""), "none");
	CHECK_STR(pick_lang(",,,"), "none");
	CHECK_STR(pick_lang(" , ; ,"), "none");
	CHECK_STR(pick_lang(";q=1"), "none");
	CHECK_STR(pick_lang("en;q="), "none");
	CHECK_STR(pick_lang("en;q=abc"), "none");
	CHECK_STR(pick_lang("en;q=-1"), "none");
	CHECK_STR(pick_lang("en;q=nan"), "none");
	CHECK_STR(pick_lang("ar;q"), "ar");
	CHECK_STR(pick_lang("arabic"), "none");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_STR(pick_lang(big), "none");
	memcpy(big, "en-", 3);                        /* a tag longer than any buffer */
	CHECK_STR(pick_lang(big), "en");
	memcpy(big, "fr,ar;q=0.7,", 12);
	CHECK_STR(pick_lang(big), "ar");
}

/* Every message named in the source exists: code names messages by enum msg, so a
 * missing one is a compile error, and every_slot_is_filled proves each has its texts. */
