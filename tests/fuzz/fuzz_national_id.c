/* libFuzzer target: national ID numbers as verification requests carry them
 * (domain/national_id.h).
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_national_id && build-fuzz/fuzz_national_id tests/fuzz/corpus/fuzz_national_id
 *
 * Besides the sanitizers: an accepted number is 14 ASCII digits whose parts are what
 * the parser says, and its digits parse again to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/national_id.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128];
	struct national_id a, b;
	int i;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (national_id_parse(s, 2026, 12, 1, &a) != NID_OK)
		return 0;
	ASSERT(strlen(a.digits) == NATIONAL_ID_LEN);
	for (i = 0; i < NATIONAL_ID_LEN; i++)
		ASSERT(a.digits[i] >= '0' && a.digits[i] <= '9');
	ASSERT(a.year >= 1900 && a.year <= 2026 && a.month >= 1 && a.month <= 12 &&
	    a.day >= 1 && a.day <= 31);
	ASSERT(national_id_age(&a, 2026, 12, 1) >= 0);
	ASSERT(national_id_parse(a.digits, 2026, 12, 1, &b) == NID_OK);
	ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
	return 0;
}
