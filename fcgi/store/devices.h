/* devices: push registration tokens (device_tokens), seed 004's
 * POST/DELETE /api/users/fcm-token, read by the notifier's push delivery. */
#ifndef WARSHA_STORE_DEVICES_H
#define WARSHA_STORE_DEVICES_H

#include "store.h"

#define DEVICES_PER_USER 20     /* the newest this many of a user's devices get a push */

struct device_token {
	const char *token;
	const char *platform;
};

/* The token is the caller's from now on (a token registered by another account moves). */
enum db_rc db_devices_register(struct db *db, struct arena *a, long long user_id,
    const char *token, const char *device, const char *platform);
/* *n: 0 or 1 rows deleted (only the user's own token). */
enum db_rc db_devices_unregister(struct db *db, struct arena *a, long long user_id,
    const char *token, unsigned long long *n);
/* The user's newest DEVICES_PER_USER tokens, in the arena. */
enum db_rc db_devices_of_user(struct db *db, struct arena *a, long long user_id,
    struct device_token **out, size_t *n);
/* A token FCM says is dead (UNREGISTERED, not a valid token, another project's). */
enum db_rc db_devices_forget(struct db *db, struct arena *a, const char *token);

#endif
