/* Which of our images an address names (core/media_addr.h): a record's image list keeps
 * other sites' addresses as given and resolves ours to uploads. */
#include "check.h"

#include <string.h>

#include "core/media_addr.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define PATH "/media/01/" SHA

TEST(our_variants_by_address_and_by_path)
{
	static const char *const ok[] = { "https://warsha.example" PATH "_1200.jpg",
		"https://warsha.example" PATH "_500.png", "https://warsha.example" PATH "_150.webp",
		PATH "_1200.png" };
	char sha[65];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(sha, 'x', sizeof(sha));
		CHECK_INT(media_addr_parse("https://warsha.example/", ok[i], sha), MEDIA_IMAGE);
		CHECK_STR(sha, SHA);
	}
	/* public_url without its slash, or none: the bare path is still ours */
	CHECK_INT(media_addr_parse("https://warsha.example", ok[0], sha), MEDIA_IMAGE);
	CHECK_INT(media_addr_parse(NULL, PATH "_500.jpg", sha), MEDIA_IMAGE);
	CHECK_INT(media_addr_parse("", PATH "_500.jpg", sha), MEDIA_IMAGE);
}

TEST(other_sites_are_not_ours)
{
	char sha[65];

	CHECK_INT(media_addr_parse("https://warsha.example", "https://img.example/a.png", sha),
	    MEDIA_OTHER);
	/* the same path on another host */
	CHECK_INT(media_addr_parse("https://warsha.example", "https://evil.example" PATH
	    "_1200.jpg", sha), MEDIA_OTHER);
	/* a longer host that starts like ours */
	CHECK_INT(media_addr_parse("https://warsha.example", "https://warsha.example.evil" PATH
	    "_1200.jpg", sha), MEDIA_OTHER);
	CHECK_INT(media_addr_parse("https://warsha.example", "media/01/x.jpg", sha), MEDIA_OTHER);
	CHECK_INT(media_addr_parse(NULL, "https://img.example/a.png", sha), MEDIA_OTHER);
}

TEST(ours_in_a_shape_no_image_has)
{
	static const char *const bad[] = {
		PATH "_avatar.jpg",                 /* a picture, not an image to show */
		PATH "_1200.gif", PATH "_1200.jpg.png", PATH "_1200.", PATH "_1200", PATH "_999.jpg",
		PATH ".jpg", PATH,
		"/media/02/" SHA "_1200.jpg",       /* the directory is not the hash's */
		"/media/01/" SHA "0_1200.jpg",      /* 65 digits */
		"/media/01/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef_1200.jpg",
		"/media/01/../" SHA "_1200.jpg", "/media/01", "/media/", "/media/0", "/media/01/",
	};
	char sha[65];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(media_addr_parse("https://warsha.example", bad[i], sha), MEDIA_BAD);
}
