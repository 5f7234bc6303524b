/* What an uploaded file is, decided by its bytes, never by its name or the Content-Type
 * the client sent.
 *
 * sniff_mime() asks libmagic (MAGIC_MIME_TYPE) about the first bytes; the magic
 * database is loaded once per process, on first use (a worker is single-threaded:
 * libmagic's handle is not shared between threads). Decompression, ELF, tar, CDF,
 * JSON, CSV and text-token checks are off: an upload needs its type, not an analysis.
 *
 * sniff_image_kind() is the gate for image uploads: JPEG, PNG or WebP, checked by our
 * own reading of the signatures AND by libmagic; both must name the same type, so a
 * file crafted to fool one of them (an HTML page with a PNG name, a polyglot whose
 * header is cut short) is refused. It says what the bytes claim to be, not that the
 * image decodes: the image library that makes the variants is the last check. */
#ifndef WARSHA_SNIFF_H
#define WARSHA_SNIFF_H

#include <stddef.h>

/* libmagic reads at most this many leading bytes (its own limit is set to match). */
#define SNIFF_HEAD_BYTES 8192

enum sniff_image {
	SNIFF_NOT_IMAGE = 0,  /* none of ours, or the two checks disagree */
	SNIFF_JPEG,
	SNIFF_PNG,
	SNIFF_WEBP,
};

/* The MIME type of buf[0..len) ("image/png", "text/html", "application/octet-stream")
 * written to out; 0, or -1 when libmagic could not be loaded or answered nothing (out
 * is then ""). */
int sniff_mime(const void *buf, size_t len, char *out, size_t outlen);

/* Our own signature check alone: the kind the first bytes announce. */
enum sniff_image sniff_image_signature(const void *buf, size_t len);

/* JPEG, PNG or WebP when our signature check and libmagic agree, else SNIFF_NOT_IMAGE. */
enum sniff_image sniff_image_kind(const void *buf, size_t len);

/* "image/jpeg", "image/png", "image/webp"; NULL for SNIFF_NOT_IMAGE. */
const char *sniff_image_mime(enum sniff_image k);
/* "jpg", "png", "webp"; NULL for SNIFF_NOT_IMAGE. */
const char *sniff_image_ext(enum sniff_image k);

/* Releases the magic database (tests, so LeakSanitizer sees a clean exit). */
void sniff_close(void);

#endif
