/* libFuzzer target: the X-App-Version header as the app version gate reads it
 * (domain/settings_rules.h, app_version_parse and app_version_cmp).
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_app_version && build-fuzz/fuzz_app_version tests/fuzz/corpus/fuzz_app_version
 *
 * Besides the sanitizers: a parsed version has parts within 0..99999, equals itself,
 * and printed back with all four parts parses to the same version. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/settings_rules.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], back[64];
	long v[4], w[4];
	int i;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (app_version_parse(s, v) != 0)
		return 0;
	for (i = 0; i < 4; i++)
		ASSERT(v[i] >= 0 && v[i] <= 99999);
	ASSERT(app_version_cmp(v, v) == 0);
	snprintf(back, sizeof(back), "%ld.%ld.%ld.%ld", v[0], v[1], v[2], v[3]);
	ASSERT(app_version_parse(back, w) == 0);
	ASSERT(app_version_cmp(v, w) == 0 && app_version_cmp(w, v) == 0);
	return 0;
}
