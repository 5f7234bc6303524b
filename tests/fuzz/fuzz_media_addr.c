/* libFuzzer target: the image addresses a service, booking or job list holds
 * (core/media_addr.h).
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_media_addr && build-fuzz/fuzz_media_addr tests/fuzz/corpus/fuzz_media_addr
 *
 * The input is "<public_url>\n<address>". Besides the sanitizers: an image's hash is 64
 * lower-case hex digits found in the address, which names /media/<its first two>/; an
 * address not of the two shapes of ours is another site's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/media_addr.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[512], sha[65], dir[12];
	const char *url, *base;
	enum media_addr k;
	char *nl;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		base = s;
		url = nl + 1;
	} else {
		base = NULL;
		url = s;
	}
	memset(sha, 'x', sizeof(sha));
	k = media_addr_parse(base, url, sha);
	ASSERT(k == MEDIA_OTHER || k == MEDIA_BAD || k == MEDIA_IMAGE);
	if (k == MEDIA_IMAGE) {
		ASSERT(strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64);
		ASSERT(strstr(url, sha) != NULL);
		memcpy(dir, "/media/", 7);
		memcpy(dir + 7, sha, 2);
		dir[9] = '/';
		dir[10] = '\0';
		ASSERT(strstr(url, dir) != NULL);
		ASSERT(strstr(url, "..") == NULL);
	}
	if (strstr(url, "/media/") == NULL)
		ASSERT(k == MEDIA_OTHER);
	return 0;
}
