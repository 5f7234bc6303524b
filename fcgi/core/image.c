#include "image.h"

#include <stdio.h>
#include <string.h>

#include <vips/vips.h>

#include "log.h"

static int started;

int
image_init(void)
{
	if (started)
		return 0;
	if (VIPS_INIT("warsha-fcgi") != 0) {
		log_error("msg=vips_init_failed error=\"%s\"", vips_error_buffer());
		vips_error_clear();
		return -1;
	}
	/* one request at a time per worker, several workers per core: a thread pool per
	 * worker would only add memory and contention */
	vips_concurrency_set(1);
	/* No operation cache: every upload is a new image, so a cached result would never
	 * be used again, only hold memory; and a cached load is keyed by its file name,
	 * which for a temporary file may come back later holding other bytes. */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	started = 1;
	return 0;
}

void
image_shutdown(void)
{
	if (started)
		vips_shutdown();
	started = 0;
}

static int
encode(VipsImage *im, enum imghdr_kind kind, void **buf, size_t *len)
{
	switch (kind) {
	case IMGHDR_JPEG:
		return vips_jpegsave_buffer(im, buf, len, "Q", 85, "strip", TRUE,
		    "optimize_coding", TRUE, NULL);
	case IMGHDR_PNG:
		return vips_pngsave_buffer(im, buf, len, "strip", TRUE, "compression", 6, NULL);
	case IMGHDR_WEBP:
		return vips_webpsave_buffer(im, buf, len, "Q", 80, "strip", TRUE, NULL);
	default:
		return -1;
	}
}

static int
add(struct image_variant *v, const char *name, VipsImage *im, enum imghdr_kind kind)
{
	v->name = name;
	v->width = vips_image_get_width(im);
	v->height = vips_image_get_height(im);
	v->buf = NULL;
	v->len = 0;
	return encode(im, kind, &v->buf, &v->len);
}

int
image_variants(const char *path, enum imghdr_kind kind, int avatar,
    struct image_variant out[IMAGE_MAX_VARIANTS], size_t *n, char *err, size_t errlen)
{
	static const int widths[] = { 1200, 500, 150 };
	static const char *const names[] = { "1200", "500", "150" };
	VipsImage *in = NULL, *big = NULL, *mem = NULL, *t = NULL;
	size_t i;
	int rc = -1;

	*n = 0;
	err[0] = '\0';
	/* the whole file is decoded, in order, refusing a truncated or corrupt one: a
	 * thumbnail of the first rows of a cut file would be accepted otherwise */
	in = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL,
	    "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	if (in == NULL)
		goto out;
	if (avatar) {
		if (vips_thumbnail_image(in, &t, 400, "height", 400, "crop", VIPS_INTERESTING_CENTRE,
		    "size", VIPS_SIZE_BOTH, NULL) != 0 ||
		    (mem = vips_image_copy_memory(t)) == NULL || add(&out[0], "avatar", mem, kind) != 0)
			goto out;
		*n = 1;
		rc = 0;
		goto out;
	}
	if (vips_thumbnail_image(in, &big, widths[0], "height", VIPS_MAX_COORD,
	    "size", VIPS_SIZE_DOWN, NULL) != 0 || (mem = vips_image_copy_memory(big)) == NULL ||
	    add(&out[0], names[0], mem, kind) != 0)
		goto out;
	*n = 1;
	for (i = 1; i < sizeof(widths) / sizeof(widths[0]); i++) {
		if (vips_thumbnail_image(mem, &t, widths[i], "height", VIPS_MAX_COORD,
		    "size", VIPS_SIZE_DOWN, NULL) != 0 || add(&out[i], names[i], t, kind) != 0)
			goto out;
		*n = i + 1;
		g_object_unref(t);
		t = NULL;
	}
	rc = 0;
out:
	if (rc != 0) {
		snprintf(err, errlen, "%s", vips_error_buffer());
		vips_error_clear();
		image_variants_free(out, *n);
		*n = 0;
	}
	if (t != NULL)
		g_object_unref(t);
	if (mem != NULL)
		g_object_unref(mem);
	if (big != NULL)
		g_object_unref(big);
	if (in != NULL)
		g_object_unref(in);
	return rc;
}

void
image_variants_free(struct image_variant *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g_free(v[i].buf);
		v[i].buf = NULL;
	}
}
