#include "crypto.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

int
random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

char *
random_hex(struct arena *a, size_t nbytes)
{
	unsigned char buf[64];
	char *out;

	if (nbytes > sizeof(buf) || random_bytes(buf, nbytes) != 0)
		return NULL;
	out = arena_alloc(a, 2 * nbytes + 1);
	hex_encode(buf, nbytes, out);
	return out;
}

char *
random_digits(struct arena *a, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t i = 0;

	while (i < n) {
		unsigned char b;

		if (random_bytes(&b, 1) != 0)
			return NULL;
		if (b >= 250)   /* reject to keep the digits uniform */
			continue;
		out[i++] = (char)('0' + b % 10);
	}
	out[n] = '\0';
	return out;
}

void
sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;

	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	hex_encode(md, 32, out);
}

int
ct_streq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
