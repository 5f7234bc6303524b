#include "outbox_rules.h"

#include <string.h>

long long
outbox_backoff_ms(int attempts, long long base_ms, long long max_ms, double rnd)
{
	long long d = base_ms > 0 ? base_ms : 1;
	int i;

	if (max_ms < d)
		max_ms = d;
	for (i = 1; i < attempts && d < max_ms; i++)
		d = d > max_ms / 2 ? max_ms : d * 2;
	if (d > max_ms)
		d = max_ms;
	if (rnd < 0 || rnd >= 1)
		rnd = 0;
	d = d / 2 + (long long)((double)(d - d / 2) * rnd);
	return d > 0 ? d : 1;
}

int
outbox_transactional(const char *t)
{
	static const char *const names[] = { "verify_email", "reset_password", "phone_otp",
		"booking_start_code", "welcome", "contact_message", NULL };
	size_t i;

	for (i = 0; t != NULL && names[i] != NULL; i++)
		if (strcmp(t, names[i]) == 0)
			return 1;
	return 0;
}

enum fcm_action
fcm_error_action(long status, const char *code, const char *message)
{
	if (code != NULL) {
		if (strcmp(code, "UNREGISTERED") == 0 || strcmp(code, "SENDER_ID_MISMATCH") == 0)
			return FCM_DROP_TOKEN;
		if (strcmp(code, "INVALID_ARGUMENT") == 0)
			/* only when it is the token that is wrong; otherwise our payload is */
			return message != NULL && (strstr(message, "registration token") != NULL ||
			    strstr(message, "message.token") != NULL) ? FCM_DROP_TOKEN : FCM_FAIL;
		if (strcmp(code, "QUOTA_EXCEEDED") == 0 || strcmp(code, "UNAVAILABLE") == 0 ||
		    strcmp(code, "INTERNAL") == 0)
			return FCM_RETRY;
		if (strcmp(code, "THIRD_PARTY_AUTH_ERROR") == 0)
			return FCM_FAIL;
	}
	if (status == 404 && code == NULL && message != NULL &&
	    strstr(message, "Requested entity was not found") != NULL)
		return FCM_DROP_TOKEN;
	if (status == 401)
		return FCM_REFRESH;
	if (status == 429 || status == 408 || status >= 500 || status == 0)
		return FCM_RETRY;
	return FCM_FAIL;
}
