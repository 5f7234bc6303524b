/* core/crypto: digests, randomness for tokens and codes, constant-time comparison. */
#include "core/crypto.h"
#include "check.h"

static struct arena A;

void
check_setup(void)
{
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	arena_free(&A);
}

TEST(sha256_known_vectors)
{
	char out[65];

	/* FIPS 180-2 examples */
	sha256_hex("abc", 3, out);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, out);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* binary input with a NUL is hashed whole */
	sha256_hex("a\0b", 3, out);
	CHECK(strcmp(out, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb") != 0);
	CHECK_INT(strlen(out), 64);
}

TEST(hex_encoding)
{
	static const unsigned char in[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[13];

	hex_encode(in, sizeof(in), out);
	CHECK_STR(out, "00017f80abff");
	hex_encode(in, 0, out);
	CHECK_STR(out, "");
	hex_encode(in + 4, 1, out);
	CHECK_STR(out, "ab");
}

static int
all_in(const char *s, const char *set)
{
	return s != NULL && strspn(s, set) == strlen(s);
}

TEST(random_hex_shape_and_uniqueness)
{
	char *seen[200];
	size_t i, j, dup = 0;

	for (i = 0; i < 200; i++) {
		seen[i] = random_hex(&A, 32);
		REQUIRE(seen[i] != NULL);
		CHECK_INT(strlen(seen[i]), 64);
		CHECK(all_in(seen[i], "0123456789abcdef"));
	}
	for (i = 0; i < 200; i++)
		for (j = i + 1; j < 200; j++)
			dup += strcmp(seen[i], seen[j]) == 0;
	CHECK_INT(dup, 0);
	CHECK_STR(random_hex(&A, 0), "");
	CHECK_INT(strlen(random_hex(&A, 1)), 2);
	CHECK_INT(strlen(random_hex(&A, 64)), 128);
	CHECK(random_hex(&A, 65) == NULL);
}

TEST(random_bytes_fill)
{
	unsigned char a[64], b[64];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	CHECK_INT(random_bytes(a, sizeof(a)), 0);
	CHECK_INT(random_bytes(b, sizeof(b)), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_INT(random_bytes(a, 0), 0);
}

TEST(random_digits_shape_and_spread)
{
	unsigned counts[10] = { 0 };
	char *s;
	size_t i, j, repeats = 0;
	char *prev = NULL;

	for (i = 0; i < 500; i++) {
		s = random_digits(&A, 6);
		REQUIRE(s != NULL);
		CHECK_INT(strlen(s), 6);
		CHECK(all_in(s, "0123456789"));
		for (j = 0; j < 6; j++)
			counts[s[j] - '0']++;
		if (prev != NULL && strcmp(prev, s) == 0)
			repeats++;
		prev = s;
	}
	CHECK(repeats < 3);
	/* 3000 digits: each value expected 300 times; 200 is far outside chance */
	for (i = 0; i < 10; i++)
		if (!CHECK(counts[i] > 200 && counts[i] < 400))
			fprintf(stderr, "    digit %zu seen %u times\n", i, counts[i]);
	CHECK_STR(random_digits(&A, 0), "");
	CHECK_INT(strlen(random_digits(&A, 40)), 40);
	/* leading zeros are kept: a code is a string */
	for (i = 0, j = 0; i < 2000 && j == 0; i++)
		j = random_digits(&A, 4)[0] == '0';
	CHECK(j == 1);
}

TEST(constant_time_equality)
{
	CHECK_INT(ct_streq("token", "token"), 1);
	CHECK_INT(ct_streq("", ""), 1);
	CHECK_INT(ct_streq("token", "tokeN"), 0);
	CHECK_INT(ct_streq("token", "token2"), 0);
	CHECK_INT(ct_streq("token2", "token"), 0);
	CHECK_INT(ct_streq("", "x"), 0);
	CHECK_INT(ct_streq(NULL, "x"), 0);
	CHECK_INT(ct_streq("x", NULL), 0);
	CHECK_INT(ct_streq(NULL, NULL), 0);
	CHECK_INT(ct_streq("ورشة", "ورشة"), 1);
}
