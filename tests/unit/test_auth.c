/* core/auth: scrypt passwords and HS256 access tokens with the algorithm pinned. */
#include <time.h>

#include <jwt.h>

#include "core/auth.h"
#include "check.h"

static struct config cfg;
static struct arena A;

#define SECRET "unit-test-secret-0123456789abcdef"
#define JTI    "0123456789abcdef0123456789abcdef"

void
check_setup(void)
{
	char err[256];

	if (config_load(&cfg, NULL, err, sizeof(err)) != 0 ||
	    config_set(&cfg, "jwt_secret", SECRET, err, sizeof(err)) != 0 ||
	    config_set(&cfg, "scrypt_n", "1024", err, sizeof(err)) != 0) {
		fprintf(stderr, "test config: %s\n", err);
		exit(2);
	}
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	config_free(&cfg);
	arena_free(&A);
}

static void
b64url(const void *data, size_t n, char *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*out++ = tab[p[i + 2] & 63];
	}
	if (n - i == 1) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[(p[i] & 3) << 4];
	} else if (n - i == 2) {
		*out++ = tab[p[i] >> 2];
		*out++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*out++ = tab[(p[i + 1] & 15) << 2];
	}
	*out = '\0';
}

/* A token made with libjwt directly; NULL sub/role/jti and exp 0 leave the claim out.
 * sub_as_int puts "sub" as a JSON number instead of a string. */
static char *
craft(jwt_alg_t alg, const char *secret, const char *sub, int sub_as_int, const char *role,
    long exp, const char *jti)
{
	jwt_t *j = NULL;
	char *s, *out;

	if (!CHECK(jwt_new(&j) == 0))
		return NULL;
	if (sub != NULL)
		sub_as_int ? jwt_add_grant_int(j, "sub", atol(sub)) : jwt_add_grant(j, "sub", sub);
	if (role != NULL)
		jwt_add_grant(j, "role", role);
	jwt_add_grant_int(j, "iat", (long)time(NULL) - 100);
	if (exp != 0)
		jwt_add_grant_int(j, "exp", exp);
	if (jti != NULL)
		jwt_add_grant(j, "jti", jti);
	if (alg == JWT_ALG_NONE ? jwt_set_alg(j, alg, NULL, 0) != 0 :
	    jwt_set_alg(j, alg, (const unsigned char *)secret, (int)strlen(secret)) != 0) {
		jwt_free(j);
		CHECK(!"jwt_set_alg failed");
		return NULL;
	}
	s = jwt_encode_str(j);
	jwt_free(j);
	out = arena_strdup(&A, s);
	free(s);
	CHECK(out != NULL);     /* a NULL token would make the verify() checks vacuous */
	return out;
}

static enum jwt_rc
verify(const char *token)
{
	struct jwt_claims c;

	return jwt_verify(&cfg, token, &c);
}

TEST(password_hash_and_verify)
{
	char h1[PASSWORD_HASH_LEN], h2[PASSWORD_HASH_LEN], copy[PASSWORD_HASH_LEN];

	CHECK_INT(password_hash(&cfg, "Passw0rd", h1), 0);
	CHECK(strncmp(h1, "$s1$0a0801$", 11) == 0);          /* N = 2^10, r = 8, p = 1 */
	CHECK(strlen(h1) < PASSWORD_HASH_LEN);
	CHECK_INT(password_hash(&cfg, "Passw0rd", h2), 0);
	CHECK(strcmp(h1, h2) != 0);                           /* a fresh salt each time */

	memcpy(copy, h1, sizeof(copy));
	CHECK_INT(password_verify(h1, "Passw0rd"), 1);
	CHECK_STR(h1, copy);                                  /* verify leaves it intact */
	CHECK_INT(password_verify(h1, "Passw0rd"), 1);        /* ...so it works twice */
	CHECK_INT(password_verify(h2, "Passw0rd"), 1);
	CHECK_INT(password_verify(h1, "passw0rd"), 0);
	CHECK_INT(password_verify(h1, "Passw0rd "), 0);
	CHECK_INT(password_verify(h1, ""), 0);
	CHECK_STR(h1, copy);

	CHECK_INT(password_hash(&cfg, "كلمة سر Ab1", h2), 0);
	CHECK_INT(password_verify(h2, "كلمة سر Ab1"), 1);
	CHECK_INT(password_verify(h2, "كلمة سر Ab2"), 0);
	password_burn(&cfg, "whatever");
}

TEST(password_verify_malformed_hash)
{
	char h[PASSWORD_HASH_LEN], bad[PASSWORD_HASH_LEN], longer[300];
	size_t n;

	REQUIRE(password_hash(&cfg, "Passw0rd", h) == 0);
	n = strlen(h);
	CHECK_INT(password_verify(NULL, "Passw0rd"), 0);
	CHECK_INT(password_verify("", "Passw0rd"), 0);
	CHECK_INT(password_verify("Passw0rd", "Passw0rd"), 0);
	CHECK_INT(password_verify("$s1$", "Passw0rd"), 0);
	CHECK_INT(password_verify("$s1$$$", "Passw0rd"), 0);
	CHECK_INT(password_verify("$s1$zz$abc$def", "Passw0rd"), 0);
	CHECK_INT(password_verify("$s1$0a0801$", "Passw0rd"), 0);
	CHECK_INT(password_verify("$2b$10$abcdefghijklmnopqrstuv", "Passw0rd"), 0);
	/* cut short, and one character changed */
	snprintf(bad, sizeof(bad), "%.*s", (int)(n - 10), h);
	CHECK_INT(password_verify(bad, "Passw0rd"), 0);
	memcpy(bad, h, n + 1);
	bad[n - 5] = bad[n - 5] == 'A' ? 'B' : 'A';
	CHECK_INT(password_verify(bad, "Passw0rd"), 0);
	/* longer than any stored hash */
	memset(longer, 'A', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, h, n);
	CHECK_INT(password_verify(longer, "Passw0rd"), 0);
}

TEST(jwt_round_trip)
{
	struct jwt_claims in, out;
	char *tok, *tok2;
	const char *p;
	int dots = 0;
	size_t i;

	tok = jwt_issue(&A, &cfg, 42, "technician", &in);
	REQUIRE(tok != NULL);
	for (p = tok; *p != '\0'; p++)
		dots += *p == '.';
	CHECK_INT(dots, 2);
	CHECK_INT(in.sub, 42);
	CHECK_STR(in.role, "technician");
	CHECK_INT(strlen(in.jti), 32);
	for (i = 0; i < 32; i++)
		CHECK(strchr("0123456789abcdef", in.jti[i]) != NULL);
	CHECK(in.iat >= (long long)time(NULL) - 5 && in.iat <= (long long)time(NULL));
	CHECK_INT(in.exp, in.iat + 3600);

	memset(&out, 0x55, sizeof(out));
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_OK);
	CHECK_INT(out.sub, 42);
	CHECK_STR(out.role, "technician");
	CHECK_STR(out.jti, in.jti);
	CHECK_INT(out.iat, in.iat);
	CHECK_INT(out.exp, in.exp);

	tok2 = jwt_issue(&A, &cfg, 42, "technician", &in);
	REQUIRE(tok2 != NULL);
	CHECK(strcmp(tok, tok2) != 0);                        /* a new jti each time */

	tok = jwt_issue(&A, &cfg, 9007199254740993LL, "admin", &in);
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_OK);
	CHECK_INT(out.sub, 9007199254740993LL);               /* beyond double precision */
	CHECK_STR(out.role, "admin");

	/* a crafted token with our secret and every claim is accepted: the helper is sound */
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "7", 0, "customer", time(NULL) + 60, JTI)),
	    JWT_OK);
}

TEST(jwt_expired)
{
	struct jwt_claims out;
	char err[64], *tok;

	tok = craft(JWT_ALG_HS256, SECRET, "42", 0, "customer", (long)time(NULL) - 1, JTI);
	REQUIRE(tok != NULL);
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_EXPIRED);
	tok = craft(JWT_ALG_HS256, SECRET, "42", 0, "customer", (long)time(NULL) - 86400, JTI);
	CHECK_INT(verify(tok), JWT_EXPIRED);
	/* an expired token with a bad signature is invalid, not expired */
	tok = craft(JWT_ALG_HS256, "another-secret", "42", 0, "customer", (long)time(NULL) - 1, JTI);
	CHECK_INT(verify(tok), JWT_INVALID);
	/* a token whose lifetime is 0 is expired from birth */
	REQUIRE(config_set(&cfg, "access_token_ttl", "0", err, sizeof(err)) == 0);
	tok = jwt_issue(&A, &cfg, 1, "customer", &out);
	CHECK_INT(verify(tok), JWT_EXPIRED);
	REQUIRE(config_set(&cfg, "access_token_ttl", "3600", err, sizeof(err)) == 0);
}

TEST(jwt_tampered)
{
	struct jwt_claims c;
	char *tok, forged[2048], payload[512], b64[1024];
	const char *dot1, *dot2;

	tok = jwt_issue(&A, &cfg, 42, "customer", &c);
	REQUIRE(tok != NULL);
	dot1 = strchr(tok, '.');
	dot2 = strrchr(tok, '.');
	REQUIRE(dot1 != NULL && dot2 != NULL && dot1 != dot2);

	/* the same header and signature, a payload that says admin */
	snprintf(payload, sizeof(payload),
	    "{\"sub\":\"42\",\"role\":\"admin\",\"iat\":%lld,\"exp\":%lld,\"jti\":\"%s\"}",
	    c.iat, c.exp, c.jti);
	b64url(payload, strlen(payload), b64);
	snprintf(forged, sizeof(forged), "%.*s.%s%s", (int)(dot1 - tok), tok, b64, dot2);
	CHECK_INT(verify(forged), JWT_INVALID);

	/* one character of the signature changed */
	snprintf(forged, sizeof(forged), "%s", tok);
	forged[strlen(forged) - 3] = forged[strlen(forged) - 3] == 'A' ? 'B' : 'A';
	CHECK_INT(verify(forged), JWT_INVALID);

	/* signature dropped */
	snprintf(forged, sizeof(forged), "%.*s.", (int)(dot2 - tok), tok);
	CHECK_INT(verify(forged), JWT_INVALID);
	snprintf(forged, sizeof(forged), "%.*s", (int)(dot2 - tok), tok);
	CHECK_INT(verify(forged), JWT_INVALID);
	CHECK_INT(verify(tok), JWT_OK);
}

TEST(jwt_wrong_secret)
{
	struct config other;
	struct jwt_claims c;
	char err[256], *tok;

	REQUIRE(config_load(&other, NULL, err, sizeof(err)) == 0);
	REQUIRE(config_set(&other, "jwt_secret", "a-different-secret", err, sizeof(err)) == 0);
	tok = jwt_issue(&A, &cfg, 42, "customer", &c);
	CHECK_INT(jwt_verify(&other, tok, &c), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, "a-different-secret", "42", 0, "customer",
	    time(NULL) + 60, JTI)), JWT_INVALID);
	/* no secret configured: nothing verifies */
	REQUIRE(config_set(&other, "jwt_secret", "", err, sizeof(err)) == 0);
	CHECK_INT(jwt_verify(&other, tok, &c), JWT_INVALID);
	config_free(&other);
}

TEST(jwt_alg_none_refused)
{
	static const char none[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
	static const char none_uc[] = "{\"alg\":\"NONE\",\"typ\":\"JWT\"}";
	char head[128], body[512], token[1024], payload[512];
	long now = (long)time(NULL);

	b64url(none, strlen(none), head);
	snprintf(payload, sizeof(payload),
	    "{\"sub\":\"42\",\"role\":\"admin\",\"iat\":%ld,\"exp\":%ld,\"jti\":\"%s\"}",
	    now, now + 3600, JTI);
	b64url(payload, strlen(payload), body);
	snprintf(token, sizeof(token), "%s.%s.", head, body);
	CHECK_INT(verify(token), JWT_INVALID);
	snprintf(token, sizeof(token), "%s.%s", head, body);
	CHECK_INT(verify(token), JWT_INVALID);
	snprintf(token, sizeof(token), "%s.%s.c2lnbmF0dXJl", head, body);
	CHECK_INT(verify(token), JWT_INVALID);
	b64url(none_uc, strlen(none_uc), head);
	snprintf(token, sizeof(token), "%s.%s.", head, body);
	CHECK_INT(verify(token), JWT_INVALID);
	/* libjwt's own unsigned token */
	CHECK_INT(verify(craft(JWT_ALG_NONE, "", "42", 0, "admin", now + 60, JTI)), JWT_INVALID);
}

TEST(jwt_algorithm_pinned)
{
	long exp = (long)time(NULL) + 600;

	CHECK_INT(verify(craft(JWT_ALG_HS512, SECRET, "42", 0, "admin", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS384, SECRET, "42", 0, "admin", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, "admin", exp, JTI)), JWT_OK);
}

TEST(jwt_claims_checked)
{
	long exp = (long)time(NULL) + 600;

	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, NULL, 0, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 1, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "0", 0, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "-4", 0, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42x", 0, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "", 0, "customer", exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, NULL, exp, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, "a-role-name-far-too-long", exp,
	    JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, "customer", 0, JTI)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, "customer", exp, NULL)), JWT_INVALID);
	CHECK_INT(verify(craft(JWT_ALG_HS256, SECRET, "42", 0, "customer", exp, "short")),
	    JWT_INVALID);
}

TEST(jwt_garbage)
{
	char big[5000];
	struct jwt_claims c;

	CHECK_INT(verify(NULL), JWT_INVALID);
	CHECK_INT(verify(""), JWT_INVALID);
	CHECK_INT(verify("."), JWT_INVALID);
	CHECK_INT(verify(".."), JWT_INVALID);
	CHECK_INT(verify("a.b.c"), JWT_INVALID);
	CHECK_INT(verify("eyJhbGciOiJIUzI1NiJ9.e30."), JWT_INVALID);
	CHECK_INT(verify("Bearer x.y.z"), JWT_INVALID);
	CHECK_INT(verify("%%%.%%%.%%%"), JWT_INVALID);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[100] = '.';
	big[200] = '.';
	CHECK_INT(verify(big), JWT_INVALID);
	/* the claims are cleared on failure */
	memset(&c, 0x55, sizeof(c));
	CHECK_INT(jwt_verify(&cfg, "a.b.c", &c), JWT_INVALID);
	CHECK_INT(c.sub, 0);
	CHECK_STR(c.role, "");
}

/* A token with our secret whose iat_us is given (0: left out). */
static char *
craft_iat_us(long iat, long iat_us)
{
	jwt_t *j = NULL;
	char *s, *out;

	if (!CHECK(jwt_new(&j) == 0))
		return NULL;
	jwt_add_grant(j, "sub", "42");
	jwt_add_grant(j, "role", "customer");
	jwt_add_grant_int(j, "iat", iat);
	if (iat_us != 0)
		jwt_add_grant_int(j, "iat_us", iat_us);
	jwt_add_grant_int(j, "exp", (long)time(NULL) + 600);
	jwt_add_grant(j, "jti", JTI);
	jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)SECRET, (int)strlen(SECRET));
	s = jwt_encode_str(j);
	jwt_free(j);
	out = arena_strdup(&A, s);
	free(s);
	CHECK(out != NULL);
	return out;
}

TEST(jwt_issue_time_in_microseconds)
{
	struct jwt_claims in, out;
	long long before = auth_now_us(), after;
	long now = (long)time(NULL);
	char *tok;

	/* issued: iat_us inside iat's second, between the clock readings around it */
	tok = jwt_issue(&A, &cfg, 42, "customer", &in);
	after = auth_now_us();
	REQUIRE(tok != NULL);
	CHECK(in.iat_us >= before && in.iat_us <= after);
	CHECK_INT(in.iat_us / 1000000, in.iat);
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_OK);
	CHECK_INT(out.iat_us, in.iat_us);
	/* a token without it counts from the start of its iat second */
	CHECK_INT(jwt_verify(&cfg, craft_iat_us(now - 100, 0), &out), JWT_OK);
	CHECK_INT(out.iat_us, (long long)(now - 100) * 1000000);
	CHECK_INT(jwt_verify(&cfg, craft_iat_us(now - 100, (now - 100) * 1000000L + 999999), &out),
	    JWT_OK);
	CHECK_INT(out.iat_us, (long long)(now - 100) * 1000000 + 999999);
	/* one outside its own second is not ours */
	CHECK_INT(verify(craft_iat_us(now - 100, (now - 99) * 1000000L)), JWT_INVALID);
	CHECK_INT(verify(craft_iat_us(now - 100, (now - 101) * 1000000L + 5)), JWT_INVALID);
}

/* A session's access token names its refresh family ("sid"); a malformed one is
 * refused at issue and at verification. */
TEST(jwt_session_id)
{
	struct jwt_claims in, out;
	const char *sid = "0123456789abcdef0123456789abcdef";
	char *tok;

	tok = jwt_issue_session(&A, &cfg, 42, "customer", sid, &in);
	REQUIRE(tok != NULL);
	CHECK_STR(in.sid, sid);
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_OK);
	CHECK_STR(out.sid, sid);
	/* none: an empty sid */
	tok = jwt_issue(&A, &cfg, 42, "customer", &in);
	REQUIRE(tok != NULL);
	CHECK_INT(jwt_verify(&cfg, tok, &out), JWT_OK);
	CHECK_STR(out.sid, "");
	/* not 32 lower-case hex characters: no token */
	CHECK(jwt_issue_session(&A, &cfg, 42, "customer", "0123", &in) == NULL);
	CHECK(jwt_issue_session(&A, &cfg, 42, "customer", "0123456789ABCDEF0123456789abcdef",
	    &in) == NULL);
}
