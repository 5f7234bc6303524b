/* libFuzzer target: amounts in pounds as the dashboard's forms carry them
 * (domain/money.h).
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_money && build-fuzz/fuzz_money tests/fuzz/corpus/fuzz_money
 *
 * Besides the sanitizers: an accepted amount is within its bound, and shown as pounds
 * it reads back to the same piastres. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/money.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256], shown[32];
	long long p = -1, q = -1, max;

	if (size < 1 || size >= sizeof(s))
		return 0;
	/* the first byte picks the bound: the API's, or none */
	max = (data[0] & 1) ? 100000000LL : INT64_MAX;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (money_parse_pounds(s, max, &p) != MONEY_OK)
		return 0;
	ASSERT(p >= 0 && p <= max);
	money_format_pounds(p, shown, sizeof(shown));
	ASSERT(money_parse_pounds(shown, max, &q) == MONEY_OK && q == p);
	return 0;
}
