#include "sniff.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* what we need of libmagic: the type of a buffer, from the soft magic database and the
 * text checks (an HTML or SVG file must be recognised as one) */
#define SNIFF_FLAGS (MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | \
	MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_TOKENS | \
	MAGIC_NO_CHECK_JSON | MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_APPTYPE | MAGIC_ERROR)

static magic_t cookie;
static int     load_failed;

static magic_t
sniff_cookie(void)
{
	size_t bytes_max = SNIFF_HEAD_BYTES;

	if (cookie != NULL || load_failed)
		return cookie;
	cookie = magic_open(SNIFF_FLAGS);
	if (cookie == NULL || magic_load(cookie, NULL) != 0) {
		log_error("event=sniff_load_failed error=\"%s\"",
		    cookie != NULL && magic_error(cookie) != NULL ? magic_error(cookie) : "magic_open");
		if (cookie != NULL)
			magic_close(cookie);
		cookie = NULL;
		load_failed = 1;  /* once: not on every upload */
		return NULL;
	}
	(void)magic_setparam(cookie, MAGIC_PARAM_BYTES_MAX, &bytes_max);
	return cookie;
}

int
sniff_mime(const void *buf, size_t len, char *out, size_t outlen)
{
	magic_t m = sniff_cookie();
	const char *t;

	if (outlen > 0)
		out[0] = '\0';
	if (m == NULL || outlen == 0)
		return -1;
	t = magic_buffer(m, buf, len < SNIFF_HEAD_BYTES ? len : SNIFF_HEAD_BYTES);
	if (t == NULL || strlen(t) + 1 > outlen)
		return -1;
	memcpy(out, t, strlen(t) + 1);
	return 0;
}

enum sniff_image
sniff_image_signature(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	/* JPEG: SOI then the first marker's 0xFF (JFIF, Exif and raw all start so) */
	if (len >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF && b[3] >= 0xC0 &&
	    b[3] != 0xFF)
		return SNIFF_JPEG;
	/* PNG: the 8-byte signature, then the IHDR chunk of length 13 (PNG spec §5.2, §11.2.2) */
	if (len >= 16 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	    memcmp(b + 8, "\0\0\0\x0dIHDR", 8) == 0)
		return SNIFF_PNG;
	/* WebP: RIFF container of form WEBP, first chunk VP8, VP8L or VP8X (RFC 9649 §2) */
	if (len >= 16 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBPVP8", 7) == 0 &&
	    (b[15] == ' ' || b[15] == 'L' || b[15] == 'X'))
		return SNIFF_WEBP;
	return SNIFF_NOT_IMAGE;
}

enum sniff_image
sniff_image_kind(const void *buf, size_t len)
{
	enum sniff_image k = sniff_image_signature(buf, len);
	char mime[64];

	if (k == SNIFF_NOT_IMAGE || sniff_mime(buf, len, mime, sizeof(mime)) != 0)
		return SNIFF_NOT_IMAGE;
	return strcmp(mime, sniff_image_mime(k)) == 0 ? k : SNIFF_NOT_IMAGE;
}

const char *
sniff_image_mime(enum sniff_image k)
{
	switch (k) {
	case SNIFF_JPEG: return "image/jpeg";
	case SNIFF_PNG:  return "image/png";
	case SNIFF_WEBP: return "image/webp";
	default:         return NULL;
	}
}

const char *
sniff_image_ext(enum sniff_image k)
{
	switch (k) {
	case SNIFF_JPEG: return "jpg";
	case SNIFF_PNG:  return "png";
	case SNIFF_WEBP: return "webp";
	default:         return NULL;
	}
}

void
sniff_close(void)
{
	if (cookie != NULL)
		magic_close(cookie);
	cookie = NULL;
	load_failed = 0;
}
