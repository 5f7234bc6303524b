/* The dimensions an image file declares, read from its header alone, before anything
 * decodes it: the decompression-bomb check (docs/uploads.md). A 20000 x 20000 PNG of
 * one colour compresses to a few kilobytes and decodes to 1.6 GB; its IHDR says so in
 * its first 24 bytes.
 *
 * imghdr_read() parses JPEG (the first SOFn frame header, walking the marker segments),
 * PNG (IHDR) and WebP (VP8, VP8L or VP8X). It reads only the bytes it is given and
 * never trusts a length without checking it against them. */
#ifndef WARSHA_IMGHDR_H
#define WARSHA_IMGHDR_H

#include <stddef.h>
#include <stdint.h>

enum imghdr_rc {
	IMGHDR_OK = 0,
	IMGHDR_SHORT,       /* the header goes on past the bytes given: give more */
	IMGHDR_BAD,         /* not a JPEG, PNG or WebP header, or one that contradicts itself */
};

enum imghdr_kind { IMGHDR_NONE = 0, IMGHDR_JPEG, IMGHDR_PNG, IMGHDR_WEBP };

struct imghdr {
	enum imghdr_kind kind;
	uint32_t         width, height;   /* as declared, never 0 on IMGHDR_OK */
};

enum imghdr_rc imghdr_read(const void *buf, size_t len, struct imghdr *out);

/* 1 when width x height exceeds max_pixels (computed without overflow). */
int imghdr_too_many_pixels(const struct imghdr *h, uint64_t max_pixels);

#endif
