/* Tokens and passwords (DESIGN.md §4).
 * Access tokens: JWT HS256, algorithm pinned, claims sub, role, iat, exp, jti, and
 * iat_us, the issue time in microseconds: a password change ends the tokens issued
 * before it (users.tokens_valid_after), not the fresh one it hands back in the same
 * second.
 * libjwt 1.10's jwt_decode() trusts the token's own "alg" (even "none") and does not
 * look at "exp": jwt_verify() checks both after decoding.
 * Passwords: scrypt (libscrypt) MCF strings. */
#ifndef WARSHA_AUTH_H
#define WARSHA_AUTH_H

#include <stddef.h>

#include "arena.h"
#include "config.h"

#define PASSWORD_HASH_LEN 128

struct jwt_claims {
	long long sub;
	char      role[16];
	char      jti[33];
	long long iat;
	long long iat_us;    /* microseconds since the epoch; iat * 10^6 for older tokens */
	long long exp;
	char      sid[33];   /* the session (refresh family) it belongs to; "" for none */
};

/* Now, in microseconds since the epoch (the clock tokens are issued by). */
long long   auth_now_us(void);

enum jwt_rc { JWT_OK = 0, JWT_INVALID = -1, JWT_EXPIRED = -2 };

/* A signed access token for the user, or NULL. Fills the claims used. */
char       *jwt_issue(struct arena *a, const struct config *cfg, long long uid,
    const char *role, struct jwt_claims *claims);
/* The same for a session: the token carries "sid", the session's refresh family (32 hex
 * characters), so ending the session ends its access tokens at once. */
char       *jwt_issue_session(struct arena *a, const struct config *cfg, long long uid,
    const char *role, const char *sid, struct jwt_claims *claims);
enum jwt_rc jwt_verify(const struct config *cfg, const char *token, struct jwt_claims *out);

int  password_hash(const struct config *cfg, const char *pw, char out[PASSWORD_HASH_LEN]);
/* 1 when pw matches the stored MCF string, 0 otherwise (also for a malformed hash). */
int  password_verify(const char *mcf, const char *pw);
/* Spends the same time as a real check, for logins of unknown users. */
void password_burn(const struct config *cfg, const char *pw);

#endif
