/* The rules of outbox delivery that need neither database nor network
 * (docs/notifications.md, "Delivery"); unit-tested in tests/unit/test_outbox_rules.c. */
#ifndef WARSHA_DOMAIN_OUTBOX_RULES_H
#define WARSHA_DOMAIN_OUTBOX_RULES_H

/* The wait before attempt `attempts + 1` after `attempts` failed ones (1, 2, ...):
 * base * 2^(attempts - 1), capped at max, then "equal jitter": half of it fixed, the
 * other half scaled by rnd (0 <= rnd < 1), so notifiers that failed together do not
 * all come back at the same instant. Never below 1 ms. */
long long outbox_backoff_ms(int attempts, long long base_ms, long long max_ms, double rnd);

/* 1 for a message a user needs whatever their preferences say (codes, links to set a
 * password): sent even with notifications turned off, and without List-Unsubscribe. */
int outbox_transactional(const char *template_name);

/* What an FCM HTTP v1 error means for the token (fcm_error_action). */
enum fcm_action {
	FCM_RETRY,         /* 429, 5xx: again later, honouring Retry-After */
	FCM_DROP_TOKEN,    /* UNREGISTERED, a token FCM does not accept, another project's */
	FCM_REFRESH,       /* 401 without an FCM error: the access token expired */
	FCM_FAIL,          /* our request or credentials are wrong: retrying will not help */
};
/* status: the HTTP status (not 200); error_code: details[].errorCode of the FcmError
 * (NULL if none); message: error.message (NULL if none). */
enum fcm_action fcm_error_action(long status, const char *error_code, const char *message);

#endif
