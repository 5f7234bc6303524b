/* core/cairo_time: ISO 8601 times in, DATETIME(3) text out, and Cairo's wall clock with
 * Egypt's summer time (since 2023). */
#include <stdlib.h>
#include <unistd.h>

#include "core/cairo_time.h"
#include "check.h"

static time_t
utc(const char *s)
{
	time_t t = 0;
	int ms = 0;

	if (iso_time_parse(s, &t, &ms) != 0)
		return (time_t)-1;
	return t;
}

/* "YYYY-MM-DD HH:MM w" of the Cairo wall clock at the UTC time s */
static const char *
cairo(const char *s)
{
	static char buf[64];
	struct tm tm;

	cairo_local(utc(s), &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d %d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_wday);
	return buf;
}

TEST(iso_times_parse)
{
	char buf[32];
	time_t t;
	int ms;

	CHECK_INT(iso_time_parse("2026-12-01T10:00:00.000Z", &t, &ms), 0);
	CHECK_STR(db_time_utc(t, ms, buf, sizeof(buf)), "2026-12-01 10:00:00.000");
	CHECK_INT(iso_time_parse("2026-12-01T12:30:05.1234+02:00", &t, &ms), 0);
	CHECK_STR(db_time_utc(t, ms, buf, sizeof(buf)), "2026-12-01 10:30:05.123");
	CHECK_INT(iso_time_parse("2026-12-01 08:00-0230", &t, &ms), 0);
	CHECK_STR(db_time_utc(t, ms, buf, sizeof(buf)), "2026-12-01 10:30:00.000");
	CHECK_INT(iso_time_parse("2024-02-29T00:00:00Z", &t, &ms), 0);
}

TEST(bad_times_refused)
{
	static const char *const bad[] = { "", "2026-12-01", "2026-12-01T10:00:00",
		"2026-12-01T10:00:00.Z", "2026-13-01T10:00Z", "2026-02-29T10:00Z",
		"2026-12-01T24:00Z", "2026-12-01T10:60Z", "2026-12-01T10:00:60Z",
		"2026-12-01T10:00Zjunk", "1969-12-31T23:59Z", "2026-12-01T10:00+2:00",
		"2026-12-01T10:00+24:00", "２026-12-01T10:00Z", "2026/12/01T10:00Z",
		"2026-12-01T10:00:00.000000000000000000000000Z", NULL };
	time_t t;
	int ms, i;

	CHECK_INT(iso_time_parse(NULL, &t, &ms), -1);
	for (i = 0; bad[i] != NULL; i++)
		if (!CHECK_INT(iso_time_parse(bad[i], &t, &ms), -1))
			fprintf(stderr, "    input: \"%s\"\n", bad[i]);
}

TEST(winter_and_summer)
{
	/* winter: UTC+2; 2026-12-01 is a Tuesday */
	CHECK_STR(cairo("2026-12-01T10:00Z"), "2026-12-01 12:00 2");
	/* before 2023 no summer time (2022-07-01, a Friday) */
	CHECK_STR(cairo("2022-07-01T10:00Z"), "2022-07-01 12:00 5");
	/* summer: UTC+3 */
	CHECK_STR(cairo("2026-07-01T10:00Z"), "2026-07-01 13:00 3");
	/* a late UTC evening is the next Cairo day */
	CHECK_STR(cairo("2026-07-01T21:30Z"), "2026-07-02 00:30 4");
}

TEST(transitions)
{
	/* 2024: from Friday 26 April 00:00 EET to the end of Thursday 31 October */
	CHECK_INT(cairo_offset(utc("2024-04-25T21:59:59Z")), 7200);
	CHECK_INT(cairo_offset(utc("2024-04-25T22:00:00Z")), 10800);
	CHECK_INT(cairo_offset(utc("2024-10-31T20:59:59Z")), 10800);
	CHECK_INT(cairo_offset(utc("2024-10-31T21:00:00Z")), 7200);
	/* 2026: Friday 24 April; Thursday 29 October */
	CHECK_STR(cairo("2026-04-23T21:59Z"), "2026-04-23 23:59 4");
	CHECK_STR(cairo("2026-04-23T22:00Z"), "2026-04-24 01:00 5");
	CHECK_STR(cairo("2026-10-29T20:59Z"), "2026-10-29 23:59 4");
	CHECK_STR(cairo("2026-10-29T21:00Z"), "2026-10-29 23:00 4");
	/* 2023, the first year back */
	CHECK_INT(cairo_offset(utc("2023-04-27T22:00:00Z")), 10800);
	CHECK_INT(cairo_offset(utc("2023-04-27T21:00:00Z")), 7200);
}

/* The rule against the system's tz database, every hour of 2023..2032, where the
 * database is installed (Debian's tzdata). */
TEST(agrees_with_tzdata)
{
	time_t t, from = utc("2023-01-01T00:00Z"), to = utc("2033-01-01T00:00Z");
	int bad = 0;

	if (access("/usr/share/zoneinfo/Africa/Cairo", R_OK) != 0) {
		fprintf(stderr, "    (no tz database here: skipped)\n");
		return;
	}
	setenv("TZ", "Africa/Cairo", 1);
	tzset();
	for (t = from; t < to && bad < 5; t += 1800) {
		struct tm sys, ours;

		localtime_r(&t, &sys);
		cairo_local(t, &ours);
		if (sys.tm_hour != ours.tm_hour || sys.tm_min != ours.tm_min ||
		    sys.tm_mday != ours.tm_mday || sys.tm_wday != ours.tm_wday) {
			fprintf(stderr, "    %lld: tzdata %02d:%02d, rule %02d:%02d\n",
			    (long long)t, sys.tm_hour, sys.tm_min, ours.tm_hour, ours.tm_min);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	unsetenv("TZ");
	tzset();
}
