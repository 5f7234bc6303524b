/* domain/settings_rules: what each setting the platform reads may hold, and app
 * versions (docs/settings.md). */
#include "domain/domain.h"
#include "check.h"

static const char *
check_text(const char *key, const char *json)
{
	json_object *v = json_tokener_parse(json);
	const char *e = setting_value_check(setting_rule(key), v);

	json_object_put(v);
	return e == NULL ? "ok" : e;
}

TEST(every_rule_is_found_by_its_key)
{
	const struct setting_rule *r;

	for (r = setting_rules; r->key != NULL; r++)
		CHECK(setting_rule(r->key) == r);
	CHECK(setting_rule("qa.unknown") == NULL);
	CHECK(setting_rule(NULL) == NULL);
	/* settings the code no longer reads have no rule (docs/settings.md) */
	CHECK(setting_rule("currency") == NULL);
	CHECK(setting_rule("escrow_release_days") == NULL);
}

TEST(whole_numbers_within_bounds)
{
	CHECK_STR(check_text("platform_fee_bps", "0"), "ok");
	CHECK_STR(check_text("platform_fee_bps", "10000"), "ok");
	CHECK_STR(check_text("platform_fee_bps", "10001"), "OUT_OF_RANGE");
	CHECK_STR(check_text("platform_fee_bps", "-1"), "OUT_OF_RANGE");
	CHECK_STR(check_text("max_login_attempts", "5"), "ok");
	CHECK_STR(check_text("max_login_attempts", "3"), "ok");
	CHECK_STR(check_text("max_login_attempts", "20"), "ok");
	CHECK_STR(check_text("max_login_attempts", "2"), "OUT_OF_RANGE");
	CHECK_STR(check_text("max_login_attempts", "21"), "OUT_OF_RANGE");
	CHECK_STR(check_text("max_login_attempts", "5.5"), "INVALID_TYPE");
	CHECK_STR(check_text("max_login_attempts", "\"5\""), "INVALID_TYPE");
	CHECK_STR(check_text("max_login_attempts", "null"), "INVALID_TYPE");
	CHECK_STR(check_text("booking_lead_time_minutes", "0"), "ok");
	CHECK_STR(check_text("booking_lead_time_minutes", "-1"), "OUT_OF_RANGE");
	CHECK_STR(check_text("cancellation_fee_piastres", "99999999999999999999"),
	    "OUT_OF_RANGE");
	CHECK_STR(check_text("cancellation_fee_percent", "101"), "OUT_OF_RANGE");
}

TEST(numbers_may_have_fractions)
{
	CHECK_STR(check_text("average_speed_kmh", "30"), "ok");
	CHECK_STR(check_text("average_speed_kmh", "42.5"), "ok");
	CHECK_STR(check_text("average_speed_kmh", "4.9"), "OUT_OF_RANGE");
	CHECK_STR(check_text("average_speed_kmh", "151"), "OUT_OF_RANGE");
	CHECK_STR(check_text("average_speed_kmh", "true"), "INVALID_TYPE");
}

TEST(texts_languages_phones_emails)
{
	CHECK_STR(check_text("default_language", "\"en\""), "ok");
	CHECK_STR(check_text("default_language", "\"ar\""), "ok");
	CHECK_STR(check_text("default_language", "\"fr\""), "INVALID_FORMAT");
	CHECK_STR(check_text("default_language", "1"), "INVALID_TYPE");
	CHECK_STR(check_text("app_name", "{\"ar\":\"ورشة\",\"en\":\"Warsha\"}"), "ok");
	CHECK_STR(check_text("app_name", "{\"ar\":\"ورشة\"}"), "INVALID_FORMAT");
	CHECK_STR(check_text("app_name", "{\"ar\":\"ورشة\",\"en\":\"\"}"), "OUT_OF_RANGE");
	CHECK_STR(check_text("app_name", "{\"ar\":\"a\",\"en\":\"b\",\"fr\":\"c\"}"),
	    "INVALID_FORMAT");
	CHECK_STR(check_text("app_name", "\"Warsha\""), "INVALID_TYPE");
	CHECK_STR(check_text("support_phone", "\"+20212345678\""), "ok");
	CHECK_STR(check_text("emergency_hotline", "\"19911\""), "ok");
	CHECK_STR(check_text("emergency_hotline", "\"12\""), "OUT_OF_RANGE");
	CHECK_STR(check_text("emergency_hotline", "\"0100-123\""), "INVALID_FORMAT");
	CHECK_STR(check_text("emergency_hotline", "\"10+0\""), "INVALID_FORMAT");
	CHECK_STR(check_text("support_email", "\"help@warsha.example\""), "ok");
	CHECK_STR(check_text("support_email", "\"help\""), "INVALID_FORMAT");
}

TEST(app_versions)
{
	long a[4], b[4];

	CHECK_STR(check_text("min_app_version", "{\"android\":\"1.2.0\",\"ios\":\"1.3\"}"), "ok");
	CHECK_STR(check_text("min_app_version", "{\"android\":\"1.2.0\"}"), "INVALID_FORMAT");
	CHECK_STR(check_text("min_app_version", "{\"android\":\"x\",\"ios\":\"1\"}"),
	    "INVALID_FORMAT");
	CHECK_STR(check_text("min_app_version", "{\"android\":1,\"ios\":\"1\"}"), "INVALID_TYPE");

	CHECK_INT(app_version_parse("1.2.3", a), 0);
	CHECK_INT(a[0], 1);
	CHECK_INT(a[1], 2);
	CHECK_INT(a[2], 3);
	CHECK_INT(a[3], 0);
	CHECK_INT(app_version_parse("10", b), 0);
	CHECK(app_version_cmp(a, b) < 0);
	CHECK_INT(app_version_parse("1.2.3.0", b), 0);
	CHECK_INT(app_version_cmp(a, b), 0);
	CHECK_INT(app_version_parse("1.10", b), 0);
	CHECK(app_version_cmp(a, b) < 0);
	CHECK(app_version_cmp(b, a) > 0);
	CHECK_INT(app_version_parse("99999.0", b), 0);
	/* refused: empty, signs, spaces, empty parts, too many parts or digits */
	CHECK_INT(app_version_parse("", a), -1);
	CHECK_INT(app_version_parse(NULL, a), -1);
	CHECK_INT(app_version_parse("1.", a), -1);
	CHECK_INT(app_version_parse(".1", a), -1);
	CHECK_INT(app_version_parse("1..2", a), -1);
	CHECK_INT(app_version_parse("-1", a), -1);
	CHECK_INT(app_version_parse("1.2.3.4.5", a), -1);
	CHECK_INT(app_version_parse("100000", a), -1);
	CHECK_INT(app_version_parse(" 1", a), -1);
	CHECK_INT(app_version_parse("1.2-beta", a), -1);
}

TEST(booleans)
{
	CHECK_STR(check_text("unverified_can_quote", "true"), "ok");
	CHECK_STR(check_text("unverified_can_quote", "false"), "ok");
	CHECK_STR(check_text("unverified_can_quote", "1"), "INVALID_TYPE");
	CHECK_STR(check_text("unverified_can_quote", "\"true\""), "INVALID_TYPE");
	CHECK_STR(check_text("unverified_can_quote", "null"), "INVALID_TYPE");
}

/* the days until a job's reviews show: whole days, 1 to 60 (domain/blind_review.h) */
TEST(review_reveal_days)
{
	CHECK_STR(check_text("review_reveal_days", "14"), "ok");
	CHECK_STR(check_text("review_reveal_days", "1"), "ok");
	CHECK_STR(check_text("review_reveal_days", "60"), "ok");
	CHECK_STR(check_text("review_reveal_days", "0"), "OUT_OF_RANGE");
	CHECK_STR(check_text("review_reveal_days", "61"), "OUT_OF_RANGE");
	CHECK_STR(check_text("review_reveal_days", "\"14\""), "INVALID_TYPE");
	CHECK_STR(check_text("review_reveal_days", "1.5"), "INVALID_TYPE");
}
