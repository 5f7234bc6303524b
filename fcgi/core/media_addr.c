#include "media_addr.h"

#include <string.h>

/* "<aa>/<sha256>_<150|500|1200>.<jpg|png|webp>": the part after "/media/" */
static int
variant_name(const char *p, char sha[65])
{
	static const char *const variants[] = { "_150.", "_500.", "_1200.", NULL };
	static const char *const exts[] = { "jpg", "png", "webp", NULL };
	const char *h = p + 3, *e = NULL;
	size_t i;

	if (strspn(p, "0123456789abcdef") < 2 || p[2] != '/')
		return -1;
	if (strspn(h, "0123456789abcdef") != 64 || memcmp(p, h, 2) != 0)
		return -1;
	for (i = 0; variants[i] != NULL && e == NULL; i++)
		if (strncmp(h + 64, variants[i], strlen(variants[i])) == 0)
			e = h + 64 + strlen(variants[i]);
	if (e == NULL)
		return -1;
	for (i = 0; exts[i] != NULL; i++)
		if (strcmp(e, exts[i]) == 0) {
			memcpy(sha, h, 64);
			sha[64] = '\0';
			return 0;
		}
	return -1;
}

enum media_addr
media_addr_parse(const char *public_url, const char *url, char sha[65])
{
	size_t n = public_url != NULL ? strlen(public_url) : 0;
	const char *path = NULL;

	while (n > 0 && public_url[n - 1] == '/')
		n--;
	if (n > 0 && strncmp(url, public_url, n) == 0 && strncmp(url + n, "/media/", 7) == 0)
		path = url + n;
	else if (strncmp(url, "/media/", 7) == 0)
		path = url;
	if (path == NULL)
		return MEDIA_OTHER;
	return variant_name(path + 7, sha) == 0 ? MEDIA_IMAGE : MEDIA_BAD;
}
