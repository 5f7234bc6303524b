#include "national_id.h"

#include <string.h>

#include "core/phone.h"

/* Digits 8-9: the governorates' codes of the seed (sql/seed/0001_governorates.sql),
 * and 88 for those born abroad. */
static const char *const governorates[] = {
	"01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
	"22", "23", "24", "25", "26", "27", "28", "29", "31", "32", "33", "34", "35", "88",
	NULL
};

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int
days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

enum nid_error
national_id_parse(const char *s, int today_y, int today_m, int today_d,
    struct national_id *out)
{
	char buf[NATIONAL_ID_LEN + 8];
	const char *const *g;
	int n, i;

	memset(out, 0, sizeof(*out));
	if (s == NULL || (n = phone_digits(s, buf, sizeof(buf))) != NATIONAL_ID_LEN)
		return NID_FORMAT;
	for (i = 0; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return NID_FORMAT;
	memcpy(out->digits, buf, NATIONAL_ID_LEN + 1);
	if (buf[0] != '2' && buf[0] != '3')
		return NID_CENTURY;
	out->year = (buf[0] == '2' ? 1900 : 2000) + two(buf + 1);
	out->month = two(buf + 3);
	out->day = two(buf + 5);
	if (out->month < 1 || out->month > 12 || out->day < 1 ||
	    out->day > days_in(out->year, out->month))
		return NID_BIRTH_DATE;
	if (out->year > today_y || (out->year == today_y && (out->month > today_m ||
	    (out->month == today_m && out->day > today_d))))
		return NID_BIRTH_DATE;
	memcpy(out->governorate, buf + 7, 2);
	for (g = governorates; *g != NULL; g++)
		if (strcmp(*g, out->governorate) == 0)
			break;
	if (*g == NULL)
		return NID_GOVERNORATE;
	out->male = (buf[12] - '0') % 2 == 1;
	return NID_OK;
}

int
national_id_age(const struct national_id *id, int today_y, int today_m, int today_d)
{
	int age = today_y - id->year;

	if (today_m < id->month || (today_m == id->month && today_d < id->day))
		age--;
	return age;
}
