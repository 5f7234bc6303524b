#include "filecrypt.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto.h"

#define CHUNK 65536

int
filecrypt_key_parse(const char *hex, unsigned char key[FILECRYPT_KEY_LEN])
{
	size_t i;

	if (hex == NULL || strlen(hex) != 2 * FILECRYPT_KEY_LEN)
		return -1;
	for (i = 0; i < FILECRYPT_KEY_LEN; i++) {
		unsigned v = 0, k;

		for (k = 0; k < 2; k++) {
			char c = hex[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -1;
		}
		key[i] = (unsigned char)v;
	}
	return 0;
}

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t
read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int
start(EVP_CIPHER_CTX *c, int enc, const unsigned char *key, const unsigned char *nonce,
    const char *label)
{
	int n;

	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, FILECRYPT_NONCE_LEN, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) != 1 ||
	    EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)FILECRYPT_MAGIC, 4) != 1 ||
	    EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)label, (int)strlen(label)) != 1)
		return -1;
	return 0;
}

int
filecrypt_encrypt_fd(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    int in, int out)
{
	unsigned char nonce[FILECRYPT_NONCE_LEN], tag[FILECRYPT_TAG_LEN];
	static unsigned char buf[CHUNK], enc[CHUNK + 32];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int rc = -1, n;
	ssize_t got;

	if (c == NULL || random_bytes(nonce, sizeof(nonce)) != 0 ||
	    start(c, 1, key, nonce, label) != 0 ||
	    write_all(out, FILECRYPT_MAGIC, 4) != 0 || write_all(out, nonce, sizeof(nonce)) != 0)
		goto out;
	while ((got = read_full(in, buf, sizeof(buf))) > 0) {
		if (EVP_EncryptUpdate(c, enc, &n, buf, (int)got) != 1 ||
		    write_all(out, enc, (size_t)n) != 0)
			goto out;
	}
	if (got < 0 || EVP_EncryptFinal_ex(c, enc, &n) != 1 || write_all(out, enc, (size_t)n) != 0 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, sizeof(tag), tag) != 1 ||
	    write_all(out, tag, sizeof(tag)) != 0)
		goto out;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

int
filecrypt_decrypt_fd(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    int fd, uint64_t max, struct arena *a, char **plain, size_t *len)
{
	unsigned char head[4 + FILECRYPT_NONCE_LEN], tag[FILECRYPT_TAG_LEN], *ct = NULL;
	EVP_CIPHER_CTX *c = NULL;
	struct stat st;
	size_t clen;
	char *out;
	int rc = -2, n, fin;

	*plain = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -2;
	if (st.st_size < (off_t)FILECRYPT_OVERHEAD)
		return -1;
	clen = (size_t)st.st_size - FILECRYPT_OVERHEAD;
	if (clen > max)
		return -2;
	if (read_full(fd, head, sizeof(head)) != (ssize_t)sizeof(head))
		return -2;
	if (memcmp(head, FILECRYPT_MAGIC, 4) != 0)
		return -1;
	ct = arena_alloc(a, clen + 1);
	out = arena_alloc(a, clen + 32);
	if (read_full(fd, ct, clen) != (ssize_t)clen ||
	    read_full(fd, tag, sizeof(tag)) != (ssize_t)sizeof(tag))
		return -2;
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -2;
	rc = -1;
	if (start(c, 0, key, head + 4, label) != 0 ||
	    EVP_DecryptUpdate(c, (unsigned char *)out, &n, ct, (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, sizeof(tag), tag) != 1)
		goto done;
	fin = 0;
	if (EVP_DecryptFinal_ex(c, (unsigned char *)out + n, &fin) != 1)
		goto done;   /* the tag does not match: tampered, cut, or another key */
	out[n + fin] = '\0';
	*plain = out;
	*len = (size_t)(n + fin);
	rc = 0;
done:
	EVP_CIPHER_CTX_free(c);
	return rc;
}

char *
filecrypt_seal(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    const void *plain, size_t len, struct arena *a)
{
	unsigned char *buf, *ct;
	EVP_CIPHER_CTX *c;
	char *hex = NULL;
	int n = 0, fin = 0;

	if (len > 4096)
		return NULL;
	buf = arena_alloc(a, FILECRYPT_OVERHEAD + len + 16);
	memcpy(buf, FILECRYPT_MAGIC, 4);
	ct = buf + 4 + FILECRYPT_NONCE_LEN;
	if (random_bytes(buf + 4, FILECRYPT_NONCE_LEN) != 0 || (c = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (start(c, 1, key, buf + 4, label) == 0 &&
	    EVP_EncryptUpdate(c, ct, &n, plain, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(c, ct + n, &fin) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, FILECRYPT_TAG_LEN, ct + n + fin) == 1) {
		size_t total = 4 + FILECRYPT_NONCE_LEN + (size_t)(n + fin) + FILECRYPT_TAG_LEN;

		hex = arena_alloc(a, 2 * total + 1);
		hex_encode(buf, total, hex);
	}
	EVP_CIPHER_CTX_free(c);
	return hex;
}

static int
unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v = 0, k;

		for (k = 0; k < 2; k++) {
			char ch = hex[2 * i + k];

			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

int
filecrypt_open(const unsigned char key[FILECRYPT_KEY_LEN], const char *label,
    const char *hex, struct arena *a, char **plain, size_t *len)
{
	size_t hl = hex != NULL ? strlen(hex) : 0, total, clen;
	unsigned char *buf;
	EVP_CIPHER_CTX *c;
	char *out;
	int n = 0, fin = 0, rc = -1;

	*plain = NULL;
	*len = 0;
	if (hl % 2 != 0 || hl / 2 < FILECRYPT_OVERHEAD || hl / 2 > FILECRYPT_OVERHEAD + 4096)
		return -1;
	total = hl / 2;
	buf = arena_alloc(a, total);
	if (unhex(hex, buf, total) != 0 || memcmp(buf, FILECRYPT_MAGIC, 4) != 0)
		return -1;
	clen = total - FILECRYPT_OVERHEAD;
	out = arena_alloc(a, clen + 32);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	if (start(c, 0, key, buf + 4, label) == 0 &&
	    EVP_DecryptUpdate(c, (unsigned char *)out, &n, buf + 4 + FILECRYPT_NONCE_LEN,
	    (int)clen) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, FILECRYPT_TAG_LEN,
	    buf + total - FILECRYPT_TAG_LEN) == 1 &&
	    EVP_DecryptFinal_ex(c, (unsigned char *)out + n, &fin) == 1) {
		out[n + fin] = '\0';
		*plain = out;
		*len = (size_t)(n + fin);
		rc = 0;
	}
	EVP_CIPHER_CTX_free(c);
	return rc;
}

void
filecrypt_mac(const unsigned char key[FILECRYPT_KEY_LEN], const char *context,
    const void *data, size_t len, char out[65])
{
	unsigned char sub[32], mac[32];
	unsigned int n = 0;
	size_t cl = strlen(context);
	unsigned char lbuf[128];

	/* a key of its own for the context: HMAC(key, "warsha-mac:" context) */
	if (cl > sizeof(lbuf) - 11)
		cl = sizeof(lbuf) - 11;
	memcpy(lbuf, "warsha-mac:", 11);
	memcpy(lbuf + 11, context, cl);
	HMAC(EVP_sha256(), key, FILECRYPT_KEY_LEN, lbuf, 11 + cl, sub, &n);
	HMAC(EVP_sha256(), sub, sizeof(sub), data, len, mac, &n);
	hex_encode(mac, sizeof(mac), out);
}
