#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>
#include <libscrypt.h>

#include "crypto.h"
#include "log.h"

long long
auth_now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (long long)time(NULL) * 1000000;
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *
jwt_issue(struct arena *a, const struct config *cfg, long long uid, const char *role,
    struct jwt_claims *c)
{
	return jwt_issue_session(a, cfg, uid, role, NULL, c);
}

static int
hex32(const char *s)
{
	size_t i;

	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[32] == '\0';
}

char *
jwt_issue_session(struct arena *a, const struct config *cfg, long long uid, const char *role,
    const char *sid, struct jwt_claims *c)
{
	jwt_t *j = NULL;
	char *s = NULL, *out = NULL, sub[24];
	unsigned char raw[16];

	memset(c, 0, sizeof(*c));
	if (random_bytes(raw, sizeof(raw)) != 0)
		return NULL;
	hex_encode(raw, sizeof(raw), c->jti);
	if (sid != NULL) {
		if (!hex32(sid))
			return NULL;
		memcpy(c->sid, sid, 33);
	}
	c->sub = uid;
	snprintf(c->role, sizeof(c->role), "%s", role);
	c->iat_us = auth_now_us();
	c->iat = c->iat_us / 1000000;
	c->exp = c->iat + cfg->access_token_ttl;
	snprintf(sub, sizeof(sub), "%lld", uid);
	if (jwt_new(&j) != 0)
		return NULL;
	if (jwt_add_grant(j, "sub", sub) != 0 || jwt_add_grant(j, "role", role) != 0 ||
	    jwt_add_grant_int(j, "iat", (long)c->iat) != 0 ||
	    jwt_add_grant_int(j, "iat_us", (long)c->iat_us) != 0 ||
	    jwt_add_grant_int(j, "exp", (long)c->exp) != 0 ||
	    jwt_add_grant(j, "jti", c->jti) != 0 ||
	    (c->sid[0] != '\0' && jwt_add_grant(j, "sid", c->sid) != 0) ||
	    jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)cfg->jwt_secret,
	    (int)strlen(cfg->jwt_secret)) != 0)
		goto out;
	if ((s = jwt_encode_str(j)) != NULL)
		out = arena_strdup(a, s);
out:
	free(s);
	jwt_free(j);
	return out;
}

enum jwt_rc
jwt_verify(const struct config *cfg, const char *token, struct jwt_claims *out)
{
	jwt_t *j = NULL;
	enum jwt_rc rc = JWT_INVALID;
	const char *sub, *role, *jti, *sid;
	char *end;
	long exp;

	memset(out, 0, sizeof(out[0]));
	if (token == NULL || strlen(token) > 4096 || cfg->jwt_secret[0] == '\0')
		return JWT_INVALID;
	if (jwt_decode(&j, token, (const unsigned char *)cfg->jwt_secret,
	    (int)strlen(cfg->jwt_secret)) != 0 || j == NULL)
		return JWT_INVALID;
	/* the algorithm is ours to choose, never the token's */
	if (jwt_get_alg(j) != JWT_ALG_HS256)
		goto out;
	sub = jwt_get_grant(j, "sub");
	role = jwt_get_grant(j, "role");
	jti = jwt_get_grant(j, "jti");
	exp = jwt_get_grant_int(j, "exp");
	if (sub == NULL || role == NULL || jti == NULL || exp <= 0 || strlen(jti) != 32 ||
	    strlen(role) >= sizeof(out->role))
		goto out;
	out->sub = strtoll(sub, &end, 10);
	if (*end != '\0' || out->sub <= 0)
		goto out;
	snprintf(out->role, sizeof(out->role), "%s", role);
	snprintf(out->jti, sizeof(out->jti), "%s", jti);
	/* a session's token names it; one without (older, or not a session's) has none */
	if ((sid = jwt_get_grant(j, "sid")) != NULL) {
		if (!hex32(sid))
			goto out;
		memcpy(out->sid, sid, 33);
	}
	out->exp = exp;
	out->iat = jwt_get_grant_int(j, "iat");
	out->iat_us = jwt_get_grant_int(j, "iat_us");
	/* a token without it (issued before it existed) counts from the start of its second;
	 * one that claims a time outside its own second is not ours */
	if (out->iat_us <= 0)
		out->iat_us = out->iat * 1000000;
	else if (out->iat_us / 1000000 != out->iat)
		goto out;
	rc = (long long)time(NULL) >= out->exp ? JWT_EXPIRED : JWT_OK;
out:
	jwt_free(j);
	return rc;
}

int
password_hash(const struct config *cfg, const char *pw, char out[PASSWORD_HASH_LEN])
{
	/* p = 1: one scrypt block of N * r * 128 bytes (16 MiB at N=16384), ~50 ms */
	if (libscrypt_hash(out, pw, (uint32_t)cfg->scrypt_n, 8, 1) <= 0) {
		log_error("msg=scrypt_failed");
		return -1;
	}
	return 0;
}

int
password_verify(const char *mcf, const char *pw)
{
	char copy[PASSWORD_HASH_LEN];

	/* libscrypt_check() writes into its argument */
	if (mcf == NULL || strlen(mcf) >= sizeof(copy) || strncmp(mcf, "$s1$", 4) != 0)
		return 0;
	memcpy(copy, mcf, strlen(mcf) + 1);
	return libscrypt_check(copy, pw) > 0;
}

void
password_burn(const struct config *cfg, const char *pw)
{
	char out[PASSWORD_HASH_LEN];

	(void)password_hash(cfg, pw, out);
}
