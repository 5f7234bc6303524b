/* The dimensions an image header declares (core/imghdr.h): the decompression-bomb check
 * that runs before anything decodes an upload. */
#include "check.h"

#include <stdint.h>
#include <string.h>

#include "core/imghdr.h"

static size_t
png_header(unsigned char *b, uint32_t w, uint32_t h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	memcpy(b, sig, 8);
	memcpy(b + 8, "\0\0\0\rIHDR", 8);
	b[16] = (unsigned char)(w >> 24); b[17] = (unsigned char)(w >> 16);
	b[18] = (unsigned char)(w >> 8);  b[19] = (unsigned char)w;
	b[20] = (unsigned char)(h >> 24); b[21] = (unsigned char)(h >> 16);
	b[22] = (unsigned char)(h >> 8);  b[23] = (unsigned char)h;
	b[24] = 8; b[25] = 2; b[26] = b[27] = b[28] = 0;
	return 29;
}

TEST(png_dimensions_and_the_bomb)
{
	unsigned char b[64];
	struct imghdr h;
	size_t n = png_header(b, 20000, 20000);

	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_OK);
	CHECK_INT(h.kind, IMGHDR_PNG);
	CHECK_INT(h.width, 20000);
	CHECK_INT(h.height, 20000);
	/* 400 million pixels against the default 40 million */
	CHECK(imghdr_too_many_pixels(&h, 40000000));
	CHECK(!imghdr_too_many_pixels(&h, 400000000));
	CHECK(imghdr_too_many_pixels(&h, 399999999));
	n = png_header(b, 6324, 6324);   /* 39.99 million: under */
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_OK);
	CHECK(!imghdr_too_many_pixels(&h, 40000000));
	/* the largest PNG allows: no overflow in the product */
	n = png_header(b, 0x7fffffff, 0x7fffffff);
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_OK);
	CHECK(imghdr_too_many_pixels(&h, (uint64_t)1 << 61));
	CHECK(!imghdr_too_many_pixels(&h, (uint64_t)1 << 62));
}

TEST(png_refused)
{
	unsigned char b[64];
	struct imghdr h;
	size_t n = png_header(b, 0, 10);

	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_BAD);
	n = png_header(b, 0x80000000u, 10);
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_BAD);
	n = png_header(b, 10, 10);
	CHECK_INT(imghdr_read(b, 20, &h), IMGHDR_SHORT);
	CHECK_INT(imghdr_read(b, 5, &h), IMGHDR_SHORT);
	b[12] = 'X';   /* IHDR is not first */
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read("GIF89a........................", 30, &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read("", 0, &h), IMGHDR_SHORT);
}

TEST(jpeg_frame_after_segments)
{
	/* SOI, APP0 (16), an APP1 of 300 bytes, fill bytes, SOF2 (progressive) 3000 x 4000 */
	unsigned char b[400];
	struct imghdr h;
	size_t n = 0;

	memset(b, 0, sizeof(b));
	b[n++] = 0xff; b[n++] = 0xd8;
	b[n++] = 0xff; b[n++] = 0xe0; b[n++] = 0; b[n++] = 16;
	memcpy(b + n, "JFIF", 4);
	n += 14;
	b[n++] = 0xff; b[n++] = 0xe1; b[n++] = 300 >> 8; b[n++] = 300 & 0xff;
	n += 298;
	b[n++] = 0xff; b[n++] = 0xff;   /* fill */
	b[n++] = 0xff; b[n++] = 0xc2; b[n++] = 0; b[n++] = 17; b[n++] = 8;
	b[n++] = 4000 >> 8; b[n++] = 4000 & 0xff; b[n++] = 3000 >> 8; b[n++] = 3000 & 0xff;
	n += 12;
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_OK);
	CHECK_INT(h.kind, IMGHDR_JPEG);
	CHECK_INT(h.width, 3000);
	CHECK_INT(h.height, 4000);
	CHECK(!imghdr_too_many_pixels(&h, 12000000));
	CHECK(imghdr_too_many_pixels(&h, 11999999));
	/* cut inside the APP1: more is needed, never a guess */
	CHECK_INT(imghdr_read(b, 100, &h), IMGHDR_SHORT);
	/* a DHT (C4) is no frame header: it is skipped, and what follows is no marker */
	b[325] = 0xc4;
	CHECK_INT(imghdr_read(b, n, &h), IMGHDR_BAD);
}

TEST(jpeg_refused)
{
	static const unsigned char sos_first[] = { 0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 2, 3, 4, 5, 6 };
	static const unsigned char zero_height[] = { 0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 10,
		1, 1, 0x11, 0 };
	static const unsigned char bad_len[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 1 };
	static const unsigned char no_marker[] = { 0xff, 0xd8, 0x12, 0x34 };
	struct imghdr h;

	CHECK_INT(imghdr_read(sos_first, sizeof(sos_first), &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read(zero_height, sizeof(zero_height), &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read(bad_len, sizeof(bad_len), &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read(no_marker, sizeof(no_marker), &h), IMGHDR_BAD);
}

TEST(webp_three_kinds)
{
	unsigned char b[40];
	struct imghdr h;

	/* VP8X: canvas 16384 x 16384 (stored minus one, 24 bits) */
	memset(b, 0, sizeof(b));
	memcpy(b, "RIFF\x20\0\0\0WEBPVP8X\x0a\0\0\0", 20);
	b[24] = 0xff; b[25] = 0x3f; b[26] = 0;
	b[27] = 0xff; b[28] = 0x3f; b[29] = 0;
	CHECK_INT(imghdr_read(b, 30, &h), IMGHDR_OK);
	CHECK_INT(h.kind, IMGHDR_WEBP);
	CHECK_INT(h.width, 16384);
	CHECK_INT(h.height, 16384);
	CHECK(imghdr_too_many_pixels(&h, 40000000));
	/* VP8L: 14-bit sizes minus one after the 0x2f signature */
	memset(b, 0, sizeof(b));
	memcpy(b, "RIFF\x20\0\0\0WEBPVP8L\x0a\0\0\0\x2f", 21);
	{
		uint32_t bits = (640 - 1) | (uint32_t)(480 - 1) << 14;

		b[21] = (unsigned char)bits; b[22] = (unsigned char)(bits >> 8);
		b[23] = (unsigned char)(bits >> 16); b[24] = (unsigned char)(bits >> 24);
	}
	CHECK_INT(imghdr_read(b, 30, &h), IMGHDR_OK);
	CHECK_INT(h.width, 640);
	CHECK_INT(h.height, 480);
	/* VP8 (lossy): a key frame's start code, then 14-bit sizes */
	memset(b, 0, sizeof(b));
	memcpy(b, "RIFF\x20\0\0\0WEBPVP8 \x14\0\0\0", 20);
	b[20] = 0x10;                       /* key frame (bit 0 clear) */
	b[23] = 0x9d; b[24] = 0x01; b[25] = 0x2a;
	b[26] = 1200 & 0xff; b[27] = 1200 >> 8; b[28] = 800 & 0xff; b[29] = 800 >> 8;
	CHECK_INT(imghdr_read(b, 30, &h), IMGHDR_OK);
	CHECK_INT(h.width, 1200);
	CHECK_INT(h.height, 800);
	b[25] = 0;                          /* no start code */
	CHECK_INT(imghdr_read(b, 30, &h), IMGHDR_BAD);
	memcpy(b + 12, "ALPH", 4);          /* not one of the three */
	CHECK_INT(imghdr_read(b, 30, &h), IMGHDR_BAD);
	CHECK_INT(imghdr_read(b, 20, &h), IMGHDR_SHORT);
}
