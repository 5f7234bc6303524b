/* Times as the API writes them (ISO 8601) and as Egypt lives them (Africa/Cairo).
 *
 * The API's times are UTC. A booking's working hours are Cairo wall-clock hours, so a
 * scheduled time is turned into Cairo local time before it is held against them.
 * Egypt's offset is computed from its rule, not read from the system's time zone files
 * (a fresh machine may lack them, and TZ is process-wide):
 *   - UTC+2 (EET) all year, and
 *   - from 2023 on, UTC+3 (EEST) from the last Friday of April at 00:00 local time to
 *     the end (24:00) of the last Thursday of October (tzdata's "Rule Egypt 2023 max").
 * Egypt kept no daylight time from 2015 to 2022; earlier years (which a booking never
 * needs: it is scheduled in the future) are given as UTC+2. Should Egypt change its
 * rule, cairo_offset() is the one place to change; tests/unit/test_cairo_time.c checks
 * it against the system's tz database where that is installed. */
#ifndef WARSHA_CAIRO_TIME_H
#define WARSHA_CAIRO_TIME_H

#include <stddef.h>
#include <time.h>

/* An ISO 8601 time with its zone: "YYYY-MM-DDTHH:MM[:SS[.f...]]" followed by "Z" or
 * "+HH:MM" / "-HH:MM" (a space for the "T" and "+HHMM" are accepted too). A real
 * calendar time only; years 1970..9999. *t gets the UTC seconds, *ms the milliseconds
 * (digits past the third are dropped). Returns 0, or -1 when s is not such a time. */
int iso_time_parse(const char *s, time_t *t, int *ms);

/* "YYYY-MM-DD HH:MM:SS.fff" (UTC, as DATETIME(3) columns take it) into buf (>= 24). */
const char *db_time_utc(time_t t, int ms, char *buf, size_t n);

/* Seconds east of UTC in Cairo at the instant t: 7200 or 10800. */
int cairo_offset(time_t t);
/* The Cairo wall-clock time of t (tm_wday 0 = Sunday; tm_isdst set in summer time). */
void cairo_local(time_t t, struct tm *out);

#endif
