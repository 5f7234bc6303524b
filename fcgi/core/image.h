/* Image variants with libvips: decode, turn upright, re-encode without metadata.
 *
 * An upload is never served as sent: it is decoded (the last proof that it is the image
 * its bytes claim) and written again in its own format at the sizes the apps show, with
 * no EXIF, XMP, IPTC or ICC block (strip): a phone photo's GPS position does not leave
 * the server. Callers check the declared dimensions first (imghdr.h): nothing here is
 * asked to decode a bomb.
 *
 * libvips is started once per worker process (image_init, after the fork: its thread
 * pool must not cross a fork), with one worker thread and its operation cache off
 * (docs/uploads.md, "Memory"). */
#ifndef WARSHA_IMAGE_H
#define WARSHA_IMAGE_H

#include <stddef.h>

#include "imghdr.h"

/* VIPS_INIT, one worker thread, no operation cache. 0, or -1 (logged). Safe to call
 * again: later calls do nothing. */
int  image_init(void);
void image_shutdown(void);

#define IMAGE_MAX_VARIANTS 4

struct image_variant {
	const char *name;      /* "150", "500", "1200", "avatar" */
	int         width, height;
	void       *buf;       /* the encoded file (g_malloc'd: image_variants_free) */
	size_t      len;
};

/* The variants of the image file at path (its kind as the header said): 150, 500 and
 * 1200 pixels wide (never wider than the original), or one 400 x 400 avatar cropped
 * from the middle. *n is set to their number. 0, or -1 when the file does not decode
 * (truncated, corrupt): the message is in err. */
int  image_variants(const char *path, enum imghdr_kind kind, int avatar,
    struct image_variant out[IMAGE_MAX_VARIANTS], size_t *n, char *err, size_t errlen);
void image_variants_free(struct image_variant *v, size_t n);

#endif
