/* libFuzzer target: ISO 8601 times as POST /api/bookings reads scheduledDateTime
 * (core/cairo_time.h), and the Cairo wall clock of whatever they parse to.
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_iso_time && build-fuzz/fuzz_iso_time tests/fuzz/corpus/fuzz_iso_time
 *
 * Besides the sanitizers, the checks below abort on a broken promise of cairo_time.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cairo_time.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], buf[32], again[40];
	time_t t, t2;
	struct tm tm;
	int ms, ms2, off;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (iso_time_parse(s, &t, &ms) != 0)
		return 0;
	ASSERT(ms >= 0 && ms <= 999);
	off = cairo_offset(t);
	ASSERT(off == 7200 || off == 10800);
	cairo_local(t, &tm);
	ASSERT(tm.tm_wday >= 0 && tm.tm_wday <= 6 && tm.tm_hour >= 0 && tm.tm_hour <= 23);
	/* what the database gets reads back as the same instant */
	db_time_utc(t, ms, buf, sizeof(buf));
	ASSERT(strlen(buf) == 23);
	memcpy(again, buf, 23);
	again[10] = 'T';
	memcpy(again + 23, "Z", 2);
	if (t < 253402300800LL) {   /* before year 10000 */
		ASSERT(iso_time_parse(again, &t2, &ms2) == 0);
		ASSERT(t2 == t && ms2 == ms);
	}
	return 0;
}
