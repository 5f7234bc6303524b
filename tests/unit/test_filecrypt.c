/* Private files at rest (core/filecrypt.h): AES-256-GCM round trips, and every kind of
 * change to a stored file refused. */
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filecrypt.h"

static const char *KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

static int
tmpfd(const void *data, size_t n)
{
	char path[] = "/tmp/warsha-filecrypt-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (n > 0 && write(fd, data, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static size_t
slurp(int fd, unsigned char *buf, size_t max)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, max);
	return n < 0 ? 0 : (size_t)n;
}

static void
rewrite(int fd, const unsigned char *buf, size_t n)
{
	CHECK(ftruncate(fd, 0) == 0);
	lseek(fd, 0, SEEK_SET);
	CHECK(write(fd, buf, n) == (ssize_t)n);
}

TEST(key_parse)
{
	unsigned char k[FILECRYPT_KEY_LEN];

	CHECK_INT(filecrypt_key_parse(KEY_HEX, k), 0);
	CHECK_INT(k[0], 0);
	CHECK_INT(k[31], 0x1f);
	CHECK_INT(filecrypt_key_parse("00", k), -1);
	CHECK_INT(filecrypt_key_parse(NULL, k), -1);
	CHECK_INT(filecrypt_key_parse("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    k), -1);
}

TEST(round_trip_and_tamper)
{
	static unsigned char plain[200000], disk[210000], copy[210000];
	unsigned char key[FILECRYPT_KEY_LEN], other[FILECRYPT_KEY_LEN];
	struct arena a;
	size_t i, n, len;
	char *out;
	int in, enc;

	arena_init(&a, 4096);
	for (i = 0; i < sizeof(plain); i++)
		plain[i] = (unsigned char)("Warsha private document "[i % 24]);
	CHECK_INT(filecrypt_key_parse(KEY_HEX, key), 0);
	in = tmpfd(plain, sizeof(plain));
	enc = tmpfd(NULL, 0);
	REQUIRE(in >= 0 && enc >= 0);
	CHECK_INT(filecrypt_encrypt_fd(key, "files/ab/abcd.enc", in, enc), 0);
	n = slurp(enc, disk, sizeof(disk));
	CHECK_INT(n, sizeof(plain) + FILECRYPT_OVERHEAD);
	CHECK(memcmp(disk, FILECRYPT_MAGIC, 4) == 0);
	/* not the plaintext anywhere */
	CHECK(memmem(disk, n, "Warsha private", 14) == NULL);
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain), &a, &out, &len),
	    0);
	CHECK_INT(len, sizeof(plain));
	CHECK(out != NULL && memcmp(out, plain, len) == 0);
	/* too large for the caller's limit */
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain) - 1, &a, &out,
	    &len), -2);
	/* another label (the file copied over another's name) */
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abce.enc", enc, sizeof(plain), &a, &out, &len),
	    -1);
	CHECK(out == NULL && len == 0);
	/* another key */
	memcpy(other, key, sizeof(key));
	other[5] ^= 1;
	CHECK_INT(filecrypt_decrypt_fd(other, "files/ab/abcd.enc", enc, sizeof(plain), &a, &out,
	    &len), -1);
	/* one bit anywhere: magic, nonce, ciphertext, tag */
	{
		size_t at[] = { 1, 6, 20, 1000, n / 2, n - 17, n - 1 };

		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			memcpy(copy, disk, n);
			copy[at[i]] ^= 0x80;
			rewrite(enc, copy, n);
			CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain), &a,
			    &out, &len), -1);
		}
	}
	/* cut short, extended, emptied */
	rewrite(enc, disk, n - 1);
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain), &a, &out, &len),
	    -1);
	memcpy(copy, disk, n);
	copy[n] = 0;
	rewrite(enc, copy, n + 1);
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain) + 1, &a, &out,
	    &len), -1);
	rewrite(enc, disk, 10);
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain), &a, &out, &len),
	    -1);
	/* and the original still opens */
	rewrite(enc, disk, n);
	CHECK_INT(filecrypt_decrypt_fd(key, "files/ab/abcd.enc", enc, sizeof(plain), &a, &out, &len),
	    0);
	close(in);
	close(enc);
	arena_free(&a);
}

TEST(two_encryptions_differ)
{
	static unsigned char d1[200], d2[200];
	unsigned char key[FILECRYPT_KEY_LEN];
	int in, e1, e2;
	size_t n1, n2;

	CHECK_INT(filecrypt_key_parse(KEY_HEX, key), 0);
	in = tmpfd("same bytes", 10);
	e1 = tmpfd(NULL, 0);
	e2 = tmpfd(NULL, 0);
	REQUIRE(in >= 0 && e1 >= 0 && e2 >= 0);
	CHECK_INT(filecrypt_encrypt_fd(key, "x", in, e1), 0);
	lseek(in, 0, SEEK_SET);
	CHECK_INT(filecrypt_encrypt_fd(key, "x", in, e2), 0);
	n1 = slurp(e1, d1, sizeof(d1));
	n2 = slurp(e2, d2, sizeof(d2));
	CHECK_INT(n1, n2);
	CHECK(memcmp(d1, d2, n1) != 0);   /* a fresh nonce each time */
	close(in);
	close(e1);
	close(e2);
}

TEST(seal_open_and_mac)
{
	unsigned char key[FILECRYPT_KEY_LEN], other[FILECRYPT_KEY_LEN];
	char m1[65], m2[65], m3[65], *hex, *hex2, *out;
	struct arena a;
	size_t len;

	arena_init(&a, 4096);
	CHECK_INT(filecrypt_key_parse(KEY_HEX, key), 0);
	memcpy(other, key, sizeof(key));
	other[0] ^= 1;
	hex = filecrypt_seal(key, "nid:7", "29001011234567", 14, &a);
	REQUIRE(hex != NULL);
	CHECK_INT(strlen(hex), 2 * (FILECRYPT_OVERHEAD + 14));
	CHECK(strstr(hex, "29001011234567") == NULL);
	CHECK_INT(filecrypt_open(key, "nid:7", hex, &a, &out, &len), 0);
	CHECK_STR(out, "29001011234567");
	CHECK_INT(len, 14);
	/* another label (row), another key, a changed digit: refused */
	CHECK_INT(filecrypt_open(key, "nid:8", hex, &a, &out, &len), -1);
	CHECK_INT(filecrypt_open(other, "nid:7", hex, &a, &out, &len), -1);
	hex[40] = hex[40] == '0' ? '1' : '0';
	CHECK_INT(filecrypt_open(key, "nid:7", hex, &a, &out, &len), -1);
	CHECK_INT(filecrypt_open(key, "nid:7", "zz", &a, &out, &len), -1);
	CHECK_INT(filecrypt_open(key, "nid:7", NULL, &a, &out, &len), -1);
	/* a fresh nonce every time */
	hex = filecrypt_seal(key, "nid:7", "29001011234567", 14, &a);
	hex2 = filecrypt_seal(key, "nid:7", "29001011234567", 14, &a);
	CHECK(strcmp(hex, hex2) != 0);
	/* the digest: the same for the same input, not for another key, context or input */
	filecrypt_mac(key, "national_id", "29001011234567", 14, m1);
	filecrypt_mac(key, "national_id", "29001011234567", 14, m2);
	CHECK_STR(m1, m2);
	CHECK_INT(strlen(m1), 64);
	filecrypt_mac(other, "national_id", "29001011234567", 14, m3);
	CHECK(strcmp(m1, m3) != 0);
	filecrypt_mac(key, "other", "29001011234567", 14, m3);
	CHECK(strcmp(m1, m3) != 0);
	filecrypt_mac(key, "national_id", "29001011234568", 14, m3);
	CHECK(strcmp(m1, m3) != 0);
	arena_free(&a);
}
