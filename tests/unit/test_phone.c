/* core/phone: every accepted spelling of an Egyptian mobile becomes +201XXXXXXXXX. */
#include "core/phone.h"
#include "check.h"

/* The normalized number, or "<invalid>". */
static const char *
norm(const char *in)
{
	static char out[64];

	memset(out, 'x', sizeof(out));
	if (phone_normalize(in, out, PHONE_E164_LEN) != 0)
		return "<invalid>";
	if (memchr(out, '\0', PHONE_E164_LEN) == NULL)
		return "<not terminated>";
	return out;
}

#define GOOD(in, want)                                                           \
	do {                                                                     \
		if (!CHECK_STR(norm(in), want))                                  \
			fprintf(stderr, "    input: \"%s\"\n", (in) ? (in) : "NULL");\
	} while (0)
#define BAD(in) GOOD(in, "<invalid>")

TEST(spellings_of_one_number)
{
	GOOD("01012345678", "+201012345678");
	GOOD("+201012345678", "+201012345678");
	GOOD("00201012345678", "+201012345678");
	GOOD("٠١٠١٢٣٤٥٦٧٨", "+201012345678");               /* Arabic-Indic U+0660.. */
	GOOD("+٢٠١٠١٢٣٤٥٦٧٨", "+201012345678");
	GOOD("٠٠٢٠١٠١٢٣٤٥٦٧٨", "+201012345678");
	GOOD("۰۱۰۱۲۳۴۵۶۷۸", "+201012345678");               /* Extended U+06F0.. */
	GOOD("+۲۰۱۰۱۲۳۴۵۶۷۸", "+201012345678");
	GOOD("٠1٠12٣4٥6٧8", "+201012345678");               /* mixed scripts */
	GOOD("010 1234 5678", "+201012345678");
	GOOD("010-1234-5678", "+201012345678");
	GOOD("+20 10 1234 5678", "+201012345678");
	GOOD("+20-101-234-5678", "+201012345678");
	GOOD("(010) 1234-5678", "+201012345678");
	GOOD("0020 10 12345678", "+201012345678");
	GOOD("  01012345678  ", "+201012345678");
	GOOD("٠١٠ ١٢٣٤ ٥٦٧٨", "+201012345678");
}

TEST(each_operator_prefix)
{
	GOOD("01012345678", "+201012345678");   /* Vodafone */
	GOOD("01112345678", "+201112345678");   /* Etisalat */
	GOOD("01212345678", "+201212345678");   /* Orange */
	GOOD("01512345678", "+201512345678");   /* WE */
	GOOD("+201599999999", "+201599999999");
	GOOD("00201200000000", "+201200000000");
	BAD("01312345678");
	BAD("01412345678");
	BAD("01612345678");
	BAD("01712345678");
	BAD("01812345678");
	BAD("01912345678");
	BAD("02012345678");     /* a Cairo landline shape */
	BAD("00012345678");
	BAD("11012345678");
	BAD("+201312345678");
	BAD("00201912345678");
	BAD("+200101234567");   /* the national 0 kept after +20 */
	BAD("+2001012345678");
}

TEST(wrong_lengths)
{
	BAD("0101234567");       /* 10 digits */
	BAD("010123456789");     /* 12 */
	BAD("1012345678");       /* without the leading 0 */
	BAD("201012345678");     /* 20 without + or 00 */
	BAD("+20101234567");
	BAD("+2010123456789");
	BAD("0020101234567");
	BAD("002010123456789");
	BAD("+01012345678");     /* + without the country code */
	BAD("0");
	BAD("+");
	BAD("+20");
	BAD("01012345678012345678901234567890123456789");
}

TEST(letters_symbols_and_empty)
{
	BAD("");
	BAD("   ");
	BAD("--");
	BAD(NULL);
	BAD("0101234567a");
	BAD("O1012345678");      /* a letter O */
	BAD("phone");
	BAD("010.1234.5678");
	BAD("010\t1234\t5678");
	BAD("++201012345678");
	BAD("0+1012345678");
	BAD("01012345678+");
	BAD("０１０１２３４５６７８");    /* full-width digits are not accepted */
	BAD("٠١٠١٢٣٤٥٦٧\xd9");   /* a cut UTF-8 sequence */
	BAD("٠١٠١٢٣٤٥٦٧٪");      /* U+066A, the Arabic percent sign */
	BAD("01012345678\n");
}

TEST(output_buffer)
{
	char out[PHONE_E164_LEN];

	CHECK_INT(phone_normalize("01012345678", out, sizeof(out) - 1), -1);
	CHECK_INT(phone_normalize("01012345678", out, sizeof(out)), 0);
	CHECK_STR(out, "+201012345678");
	CHECK_INT(strlen(out), PHONE_E164_LEN - 1);
	CHECK_INT(phone_normalize("01012345678", out, 0), -1);
}

/* phone_digits() is what a phone-shaped search term is folded with too: any length, a
 * leading + kept, nothing else accepted. */
TEST(digits_of_a_partial_number)
{
	char d[8];

	CHECK_INT(phone_digits("010 12", d, sizeof(d)), 5);
	CHECK_STR(d, "01012");
	CHECK_INT(phone_digits("+٢٠١", d, sizeof(d)), 4);
	CHECK_STR(d, "+201");
	CHECK_INT(phone_digits("(۰۱۰)", d, sizeof(d)), 3);
	CHECK_STR(d, "010");
	CHECK_INT(phone_digits("", d, sizeof(d)), 0);
	CHECK_INT(phone_digits("1+2", d, sizeof(d)), -1);
	CHECK_INT(phone_digits("01a", d, sizeof(d)), -1);
	CHECK_INT(phone_digits("1234567", d, sizeof(d)), 7);
	CHECK_INT(phone_digits("12345678", d, sizeof(d)), -1);   /* and its NUL: 9 bytes */
	CHECK_INT(phone_digits("1", d, 0), -1);
}
