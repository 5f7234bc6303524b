/* domain/money: pounds typed on the dashboard read strictly into piastres. */
#include <limits.h>

#include "domain/domain.h"
#include "check.h"

#define MAX 100000000LL   /* the API's bound on a price: a million pounds */

static long long
ok(const char *s)
{
	long long p = -1;

	CHECK_INT(money_parse_pounds(s, MAX, &p), MONEY_OK);
	return p;
}

TEST(pounds_become_piastres)
{
	CHECK_INT(ok("150.50"), 15050);
	CHECK_INT(ok("150.5"), 15050);
	CHECK_INT(ok("150"), 15000);
	CHECK_INT(ok("0"), 0);
	CHECK_INT(ok("0.05"), 5);
	CHECK_INT(ok("007.10"), 710);
	CHECK_INT(ok("  12.34 "), 1234);
	CHECK_INT(ok("1000000"), MAX);
	CHECK_INT(ok("1000000.00"), MAX);
}

TEST(arabic_digits_and_separator)
{
	CHECK_INT(ok("١٥٠٫٥٠"), 15050);     /* Arabic-Indic digits, U+066B */
	CHECK_INT(ok("١٥٠.٥"), 15050);
	CHECK_INT(ok("٢٥"), 2500);
}

TEST(refusals_say_why)
{
	long long p = 77;

	CHECK_INT(money_parse_pounds("", MAX, &p), MONEY_EMPTY);
	CHECK_INT(money_parse_pounds("   ", MAX, &p), MONEY_EMPTY);
	CHECK_INT(money_parse_pounds(NULL, MAX, &p), MONEY_EMPTY);
	CHECK_INT(money_parse_pounds("-5", MAX, &p), MONEY_NEGATIVE);
	CHECK_INT(money_parse_pounds("-0.50", MAX, &p), MONEY_NEGATIVE);
	CHECK_INT(money_parse_pounds("150.505", MAX, &p), MONEY_DECIMALS);
	CHECK_INT(money_parse_pounds("0.001", MAX, &p), MONEY_DECIMALS);
	CHECK_INT(money_parse_pounds("1000000.01", MAX, &p), MONEY_RANGE);
	CHECK_INT(money_parse_pounds("99999999999999999999999999", MAX, &p), MONEY_RANGE);
	static const char *const bad[] = { "abc", ".5", "5.", "1,000", "1 000", "+5", "1e5",
		"0x10", "15O", "150.5.0", "--5", "-", ".", "١٥٠,٥", "5..0", "12 .5", "NaN",
		"inf", "5\n", "\xd9", "\xd9\xa0\xd9", NULL };
	for (size_t i = 0; bad[i] != NULL; i++) {
		if (money_parse_pounds(bad[i], MAX, &p) != MONEY_FORMAT)
			printf("  accepted or misread: \"%s\"\n", bad[i]);
		CHECK_INT(money_parse_pounds(bad[i], MAX, &p), MONEY_FORMAT);
	}
	CHECK_INT(p, 77);   /* untouched by any refusal */
}

TEST(the_bound_is_inclusive_and_overflow_is_range)
{
	long long p;

	CHECK_INT(money_parse_pounds("1.00", 100, &p), MONEY_OK);
	CHECK_INT(p, 100);
	CHECK_INT(money_parse_pounds("1.01", 100, &p), MONEY_RANGE);
	CHECK_INT(money_parse_pounds("92233720368547758.07", LLONG_MAX, &p), MONEY_RANGE);
	CHECK_INT(money_parse_pounds("92233720368547757", LLONG_MAX, &p), MONEY_OK);
	CHECK_INT(p, 9223372036854775700LL);
}

TEST(piastres_shown_as_pounds)
{
	char b[32];

	CHECK_STR(money_format_pounds(15050, b, sizeof(b)), "150.50");
	CHECK_STR(money_format_pounds(5, b, sizeof(b)), "0.05");
	CHECK_STR(money_format_pounds(0, b, sizeof(b)), "0.00");
	CHECK_STR(money_format_pounds(-305, b, sizeof(b)), "-3.05");
	CHECK_STR(money_format_pounds(LLONG_MIN, b, sizeof(b)), "-92233720368547758.08");
	CHECK_STR(money_format_pounds(LLONG_MAX, b, sizeof(b)), "92233720368547758.07");
}

TEST(what_is_shown_reads_back)
{
	static const long long v[] = { 0, 1, 9, 10, 99, 100, 15050, 99999999, MAX };
	char b[32];
	long long p;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		CHECK_INT(money_parse_pounds(money_format_pounds(v[i], b, sizeof(b)), MAX, &p),
		    MONEY_OK);
		CHECK_INT(p, v[i]);
	}
}
