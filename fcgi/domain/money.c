#include "money.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The digit at s (ASCII, or Arabic-Indic U+0660..U+0669 as UTF-8 D9 A0..A9): its value,
 * with *len the bytes it takes; -1 for anything else. */
static int
digit_at(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] >= '0' && u[0] <= '9') {
		*len = 1;
		return u[0] - '0';
	}
	if (u[0] == 0xD9 && u[1] >= 0xA0 && u[1] <= 0xA9) {
		*len = 2;
		return u[1] - 0xA0;
	}
	return -1;
}

/* A decimal point at s ('.' or U+066B, D9 AB): its length, else 0. */
static size_t
point_at(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == '.')
		return 1;
	if (u[0] == 0xD9 && u[1] == 0xAB)
		return 2;
	return 0;
}

static int
space(char c)
{
	return c == ' ' || c == '\t';
}

enum money_error
money_parse_pounds(const char *s, long long max, long long *piastres)
{
	long long pounds = 0, frac = 0;
	int ndig = 0, nfrac = 0, over = 0, d;
	size_t len, pl;

	if (s == NULL)
		return MONEY_EMPTY;
	while (space(*s))
		s++;
	if (*s == '\0')
		return MONEY_EMPTY;
	if (*s == '-') {
		/* a negative amount, when what follows is one */
		const char *p = s + 1;

		return digit_at(p, &len) >= 0 ? MONEY_NEGATIVE : MONEY_FORMAT;
	}
	while ((d = digit_at(s, &len)) >= 0) {
		/* pounds * 100 + 99 must fit: keeps reading, a bad character still wins */
		if (over || pounds > ((LLONG_MAX - 99) / 100 - d) / 10)
			over = 1;
		else
			pounds = pounds * 10 + d;
		ndig++;
		s += len;
	}
	if (ndig == 0)
		return MONEY_FORMAT;
	if ((pl = point_at(s)) != 0) {
		s += pl;
		while ((d = digit_at(s, &len)) >= 0) {
			if (nfrac < 2)
				frac = frac * 10 + d;
			nfrac++;
			s += len;
		}
		if (nfrac == 0)
			return MONEY_FORMAT;
	}
	while (space(*s))
		s++;
	if (*s != '\0')
		return MONEY_FORMAT;
	if (nfrac > 2)
		return MONEY_DECIMALS;
	if (nfrac == 1)
		frac *= 10;
	if (over || pounds * 100 + frac > max)
		return MONEY_RANGE;
	*piastres = pounds * 100 + frac;
	return MONEY_OK;
}

char *
money_format_pounds(long long piastres, char *buf, size_t n)
{
	unsigned long long v = piastres < 0 ? 0ULL - (unsigned long long)piastres :
	    (unsigned long long)piastres;

	snprintf(buf, n, "%s%llu.%02llu", piastres < 0 ? "-" : "", v / 100, v % 100);
	return buf;
}
