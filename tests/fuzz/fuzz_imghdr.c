/* libFuzzer target: the image header reader (core/imghdr.h) that decides, before any
 * decoding, whether an upload declares too many pixels.
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_imghdr && build-fuzz/fuzz_imghdr tests/fuzz/corpus/fuzz_imghdr
 *
 * Besides the sanitizers (it must never read past the bytes given), the checks below
 * abort on a broken promise of imghdr.h: OK means non-zero sizes of a known kind; an
 * answer on a prefix never contradicts the answer on the whole (OK stays OK with the
 * same sizes, BAD stays BAD). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/imghdr.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imghdr whole, part;
	enum imghdr_rc rc = imghdr_read(data, size, &whole), prc;
	size_t cut;

	if (rc == IMGHDR_OK) {
		ASSERT(whole.kind != IMGHDR_NONE);
		ASSERT(whole.width > 0 && whole.height > 0);
		ASSERT(whole.width <= 0x7fffffffu && whole.height <= 0x7fffffffu);
		ASSERT(imghdr_too_many_pixels(&whole, 0));
		ASSERT(!imghdr_too_many_pixels(&whole, UINT64_MAX));
	}
	/* a prefix: the same answer, or "give more" */
	for (cut = 0; cut < size; cut += 1 + size / 16) {
		prc = imghdr_read(data, cut, &part);
		if (prc == IMGHDR_OK) {
			ASSERT(rc == IMGHDR_OK);
			ASSERT(part.kind == whole.kind && part.width == whole.width &&
			    part.height == whole.height);
		} else if (prc == IMGHDR_BAD) {
			ASSERT(rc == IMGHDR_BAD);
		}
	}
	return 0;
}
