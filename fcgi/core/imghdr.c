#include "imghdr.h"

#include <string.h>

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
le24(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t
le32(const unsigned char *p)
{
	return le24(p) | (uint32_t)p[3] << 24;
}

/* PNG: the signature, then IHDR (length 13) first: width and height, big-endian, each
 * 1..2^31-1 (PNG 1.2 §11.2.2). */
static enum imghdr_rc
png(const unsigned char *p, size_t len, struct imghdr *out)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	if (len < 24)
		return memcmp(p, sig, len < 8 ? len : 8) == 0 ? IMGHDR_SHORT : IMGHDR_BAD;
	if (memcmp(p, sig, 8) != 0 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return IMGHDR_BAD;
	out->width = be32(p + 16);
	out->height = be32(p + 20);
	if (out->width == 0 || out->height == 0 || out->width > 0x7fffffffu ||
	    out->height > 0x7fffffffu)
		return IMGHDR_BAD;
	out->kind = IMGHDR_PNG;
	return IMGHDR_OK;
}

/* JPEG: SOI, then marker segments until a start-of-frame (SOF0..SOF15 but DHT C4, JPG
 * C8 and DAC CC), whose payload holds precision, height and width. Fill bytes (FF FF…)
 * may precede a marker; RSTn and TEM stand alone. A scan (SOS) before any frame header,
 * or EOI, is malformed. */
static enum imghdr_rc
jpeg(const unsigned char *p, size_t len, struct imghdr *out)
{
	size_t i = 2;

	if (len < 3)
		return len < 2 || (p[0] == 0xff && p[1] == 0xd8) ? IMGHDR_SHORT : IMGHDR_BAD;
	if (p[0] != 0xff || p[1] != 0xd8)
		return IMGHDR_BAD;
	for (;;) {
		unsigned m;
		uint32_t seg;

		if (i >= len)
			return IMGHDR_SHORT;
		if (p[i] != 0xff)
			return IMGHDR_BAD;
		while (i < len && p[i] == 0xff)
			i++;
		if (i >= len)
			return IMGHDR_SHORT;
		m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;          /* TEM, RSTn: no length */
		if (m == 0x00 || m == 0xd8 || m == 0xd9 || m == 0xda)
			return IMGHDR_BAD;  /* stuffing, a second SOI, EOI or a scan before a frame */
		if (i + 2 > len)
			return IMGHDR_SHORT;
		seg = be16(p + i);
		if (seg < 2)
			return IMGHDR_BAD;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (seg < 8)
				return IMGHDR_BAD;
			if (i + 7 > len)
				return IMGHDR_SHORT;
			out->height = be16(p + i + 3);
			out->width = be16(p + i + 5);
			/* a height of 0 means "given by a DNL marker later": refused, as every
			 * encoder we know writes it here */
			if (out->width == 0 || out->height == 0)
				return IMGHDR_BAD;
			out->kind = IMGHDR_JPEG;
			return IMGHDR_OK;
		}
		if (seg > len - i)
			return IMGHDR_SHORT;
		i += seg;
	}
}

/* WebP: RIFF size WEBP, then the first chunk: VP8 (lossy; a key frame's start code
 * 9D 01 2A and 14-bit sizes), VP8L (lossless; signature 2F, 14-bit sizes minus one) or
 * VP8X (extended; 24-bit canvas sizes minus one). */
static enum imghdr_rc
webp(const unsigned char *p, size_t len, struct imghdr *out)
{
	const unsigned char *c;

	if (len < 30)
		return IMGHDR_SHORT;
	if (memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
		return IMGHDR_BAD;
	c = p + 12;
	if (memcmp(c, "VP8 ", 4) == 0) {
		if (le32(c + 4) < 10 || (c[8] & 1) != 0 || c[11] != 0x9d || c[12] != 0x01 ||
		    c[13] != 0x2a)
			return IMGHDR_BAD;   /* not a key frame */
		out->width = le16(c + 14) & 0x3fff;
		out->height = le16(c + 16) & 0x3fff;
	} else if (memcmp(c, "VP8L", 4) == 0) {
		uint32_t bits;

		if (le32(c + 4) < 5 || c[8] != 0x2f)
			return IMGHDR_BAD;
		bits = le32(c + 9);
		out->width = (bits & 0x3fff) + 1;
		out->height = ((bits >> 14) & 0x3fff) + 1;
	} else if (memcmp(c, "VP8X", 4) == 0) {
		if (le32(c + 4) < 10)
			return IMGHDR_BAD;
		out->width = le24(c + 12) + 1;
		out->height = le24(c + 15) + 1;
	} else {
		return IMGHDR_BAD;
	}
	if (out->width == 0 || out->height == 0)
		return IMGHDR_BAD;
	out->kind = IMGHDR_WEBP;
	return IMGHDR_OK;
}

enum imghdr_rc
imghdr_read(const void *buf, size_t len, struct imghdr *out)
{
	const unsigned char *p = buf;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return IMGHDR_SHORT;
	if (p[0] == 0x89)
		return png(p, len, out);
	if (p[0] == 0xff)
		return jpeg(p, len, out);
	if (p[0] == 'R')
		return webp(p, len, out);
	return IMGHDR_BAD;
}

int
imghdr_too_many_pixels(const struct imghdr *h, uint64_t max_pixels)
{
	/* both are below 2^31: the product fits in 64 bits */
	return (uint64_t)h->width * (uint64_t)h->height > max_pixels;
}
