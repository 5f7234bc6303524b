/* Content sniffing for uploads: libmagic's type and our own image signatures, on tiny
 * embedded samples (made with cjpeg and the usual 1x1 PNG and WebP). */
#include "check.h"

#include "core/sniff.h"

void
check_teardown(void)
{
	sniff_close();
}

/* 1x1 PNG, RGBA */
static const unsigned char png_1x1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
	0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00,
	0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* 1x1 JPEG, greyscale, JFIF */
static const unsigned char jpeg_1x1[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
	0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10, 0x0e, 0x0d, 0x0e, 0x12,
	0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
	0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40,
	0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51,
	0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79, 0x70, 0x64,
	0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01,
	0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
	0x3f, 0xff, 0xd9
};

/* 1x1 WebP, lossless (VP8L) */
static const unsigned char webp_1x1[] = {
	0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
	0x56, 0x50, 0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00,
	0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00
};

static const char html_named_png[] =
	"<!DOCTYPE html>\n<html><head><title>x</title></head>"
	"<body><script>alert(1)</script></body></html>\n";

static const char svg[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\">"
	"<script>alert(1)</script></svg>\n";

TEST(mime_of_samples)
{
	char m[64];

	CHECK_INT(sniff_mime(png_1x1, sizeof(png_1x1), m, sizeof(m)), 0);
	CHECK_STR(m, "image/png");
	CHECK_INT(sniff_mime(jpeg_1x1, sizeof(jpeg_1x1), m, sizeof(m)), 0);
	CHECK_STR(m, "image/jpeg");
	CHECK_INT(sniff_mime(webp_1x1, sizeof(webp_1x1), m, sizeof(m)), 0);
	CHECK_STR(m, "image/webp");
	CHECK_INT(sniff_mime(html_named_png, sizeof(html_named_png) - 1, m, sizeof(m)), 0);
	CHECK_STR(m, "text/html");
	CHECK_INT(sniff_mime(svg, sizeof(svg) - 1, m, sizeof(m)), 0);
	CHECK_STR(m, "image/svg+xml");
	CHECK_INT(sniff_mime("", 0, m, sizeof(m)), 0);
	CHECK_STR(m, "application/x-empty");
	/* out too small: nothing half-written */
	CHECK_INT(sniff_mime(png_1x1, sizeof(png_1x1), m, 5), -1);
	CHECK_STR(m, "");
}

TEST(image_kinds)
{
	CHECK_INT(sniff_image_kind(png_1x1, sizeof(png_1x1)), SNIFF_PNG);
	CHECK_INT(sniff_image_kind(jpeg_1x1, sizeof(jpeg_1x1)), SNIFF_JPEG);
	CHECK_INT(sniff_image_kind(webp_1x1, sizeof(webp_1x1)), SNIFF_WEBP);
	CHECK_STR(sniff_image_mime(SNIFF_WEBP), "image/webp");
	CHECK_STR(sniff_image_ext(SNIFF_JPEG), "jpg");
	CHECK(sniff_image_mime(SNIFF_NOT_IMAGE) == NULL && sniff_image_ext(SNIFF_NOT_IMAGE) == NULL);
}

TEST(not_images)
{
	unsigned char buf[64];

	/* an HTML page named .png, an SVG (scripts inside): never images here */
	CHECK_INT(sniff_image_kind(html_named_png, sizeof(html_named_png) - 1), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(svg, sizeof(svg) - 1), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind("", 0), SNIFF_NOT_IMAGE);
	/* a PNG cut after its signature, and before the end of IHDR's name */
	CHECK_INT(sniff_image_signature(png_1x1, 8), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(png_1x1, 8), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(png_1x1, 15), SNIFF_NOT_IMAGE);
	/* a WebP's RIFF header without the WEBP form, a JPEG SOI alone */
	memcpy(buf, webp_1x1, sizeof(webp_1x1));
	memcpy(buf + 8, "AVI ", 4);
	CHECK_INT(sniff_image_kind(buf, sizeof(webp_1x1)), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(jpeg_1x1, 3), SNIFF_NOT_IMAGE);
	/* GIF and BMP are images, but not ones we take */
	CHECK_INT(sniff_image_kind("GIF89a\x01\0\x01\0\x80\0\0\0\0\0", 16), SNIFF_NOT_IMAGE);
}

TEST(both_must_agree)
{
	unsigned char buf[64];
	char m[64];

	/* libmagic takes FF D8 FF and any byte for a JPEG; we want a marker after it */
	memcpy(buf, "\xff\xd8\xff\x00", 4);
	memset(buf + 4, 0, sizeof(buf) - 4);
	CHECK_INT(sniff_mime(buf, sizeof(buf), m, sizeof(m)), 0);
	CHECK_STR(m, "image/jpeg");
	CHECK_INT(sniff_image_signature(buf, sizeof(buf)), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(buf, sizeof(buf)), SNIFF_NOT_IMAGE);
	/* libmagic takes RIFF/WEBP with any chunk; we want VP8, VP8L or VP8X */
	memcpy(buf, webp_1x1, sizeof(webp_1x1));
	buf[15] = 'Q';
	CHECK_INT(sniff_mime(buf, sizeof(webp_1x1), m, sizeof(m)), 0);
	CHECK_STR(m, "image/webp");
	CHECK_INT(sniff_image_kind(buf, sizeof(webp_1x1)), SNIFF_NOT_IMAGE);
	/* and the other way: ours says JPEG for SOI + APP0 followed by a page; libmagic
	 * too (a polyglot is the image library's to refuse when it decodes) */
	memcpy(buf, "\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", 43);
	CHECK_INT(sniff_image_signature(buf, 43), SNIFF_JPEG);
	CHECK_INT(sniff_image_kind(buf, 43), SNIFF_JPEG);
	/* a PNG whose first chunk is not IHDR: neither takes it */
	memcpy(buf, png_1x1, 16);
	memcpy(buf + 12, "IDAT", 4);
	CHECK_INT(sniff_image_signature(buf, 16), SNIFF_NOT_IMAGE);
	CHECK_INT(sniff_image_kind(buf, 16), SNIFF_NOT_IMAGE);
	/* 16 bytes of a PNG (signature and IHDR's name) is a PNG to both */
	CHECK_INT(sniff_image_kind(png_1x1, 16), SNIFF_PNG);
}
