#include "cairo_time.h"

#include <stdio.h>
#include <string.h>

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int
iso_time_parse(const char *s, time_t *t, int *ms)
{
	int y, mo, d, h, mi, sec = 0, frac = 0, oh = 0, om = 0, sign = 0, i;
	struct tm tm;
	const char *p;

	if (s == NULL || strlen(s) < 17 || strlen(s) > 40)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi))
		return -1;
	p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &sec))
			return -1;
		p += 3;
		if (*p == '.') {
			p++;
			for (i = 0; *p >= '0' && *p <= '9'; i++, p++)
				if (i < 3)
					frac = frac * 10 + (*p - '0');
			if (i == 0)
				return -1;
			for (; i < 3; i++)
				frac *= 10;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh))
			return -1;
		p += 3;
		if (*p == ':')
			p++;
		if (digits(p, 2, &om))
			return -1;
		p += 2;
	} else {
		return -1;     /* no zone: the time would mean different instants */
	}
	if (*p != '\0')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
	if (*t < 0)
		return -1;    /* before 1970 in UTC */
	*ms = frac;
	return 0;
}

const char *
db_time_utc(time_t t, int ms, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

/* The UTC instant of 00:00 on the last `wday` of month mo of year y, Cairo standard
 * time (UTC+2), plus `days` days. */
static time_t
last_wday_midnight(int y, int mo, int wday, int days)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = month_days(y, mo);
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	t -= (time_t)((tm.tm_wday - wday + 7) % 7) * 86400;
	return t + (time_t)days * 86400;
}

int
cairo_offset(time_t t)
{
	struct tm tm;
	time_t start, end;
	int y;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	if (y < 2023)
		return 7200;
	/* the last Friday of April, 00:00 EET */
	start = last_wday_midnight(y, 4, 5, 0) - 7200;
	/* the last Thursday of October, 24:00 EEST: the Friday after, 00:00 at UTC+3 */
	end = last_wday_midnight(y, 10, 4, 1) - 10800;
	return t >= start && t < end ? 10800 : 7200;
}

void
cairo_local(time_t t, struct tm *out)
{
	int off = cairo_offset(t);
	time_t local = t + off;

	gmtime_r(&local, out);
	out->tm_isdst = off == 10800;
}
