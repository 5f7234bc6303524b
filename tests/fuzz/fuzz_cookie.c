/* libFuzzer target: the request headers a worker reads before any handler runs —
 * Cookie (parse_cookies), the access token found in it (jwt_verify) and
 * Accept-Language (lang_from_accept) — fed the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/http.h"

#define MAX_COOKIES 32

static struct arena A;
static struct config cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	arena_init(&A, 4096);
	if (config_load(&cfg, NULL, err, sizeof(err)) != 0 ||
	    config_set(&cfg, "jwt_secret", "fuzz-secret", err, sizeof(err)) != 0)
		abort();
	return 0;
}

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l;
	struct jwt_claims c;
	enum lang lang = (enum lang)7;
	char *h = arena_alloc(&A, size + 1);
	size_t i, semis = 0, len;

	memcpy(h, data, size);
	h[size] = '\0';
	len = strlen(h);
	for (i = 0; i < len; i++)
		semis += h[i] == ';';

	parse_cookies(&A, h, &l, MAX_COOKIES);
	ASSERT(l.n <= MAX_COOKIES && l.n <= semis + 1);
	for (i = 0; i < l.n; i++) {
		const char *k = l.items[i].key, *v = l.items[i].val;
		size_t kn = strlen(k), vn = strlen(v);

		ASSERT(kn > 0 && kn <= len && vn <= len);
		ASSERT(!is_blank(k[0]) && !is_blank(k[kn - 1]));
		ASSERT(strchr(k, '=') == NULL && strchr(k, ';') == NULL && strchr(v, ';') == NULL);
		/* the access token, as route_authorize() would take it */
		if (strcmp(k, "accessToken") == 0) {
			enum jwt_rc rc = jwt_verify(&cfg, v, &c);

			ASSERT(rc == JWT_OK || rc == JWT_INVALID || rc == JWT_EXPIRED);
			ASSERT(rc != JWT_INVALID || (c.sub == 0 && c.role[0] == '\0'));
		}
	}
	/* the raw header as a token too: garbage in, JWT_INVALID out, no crash */
	(void)jwt_verify(&cfg, h, &c);

	if (lang_from_accept(h, &lang) == 0)
		ASSERT(lang == LANG_AR || lang == LANG_EN);
	else
		ASSERT(lang == (enum lang)7);

	arena_reset(&A);
	return 0;
}
