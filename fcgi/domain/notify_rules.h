/* Which outside channels a notification goes out on (docs/notifications.md,
 * "Channels"): the ones its sender wants, cut to what the recipient's preferences and
 * account allow. The in-app notification and its realtime event are not channels here:
 * they are always written.
 *
 * The rules, in order:
 * - nothing goes out to an account that cannot be reached: deleted, deactivated or
 *   banned;
 * - notificationsEnabled off stops every outside channel (seed 000's master switch);
 * - each channel needs its own preference (emailNotifications, smsNotifications,
 *   pushNotifications) and an address to send to (an e-mail that is not an
 *   anonymized one, a phone);
 * - a promotion goes by e-mail only with seed 002's marketingEmails (off by default),
 *   and never by SMS (no setting consents to marketing text messages);
 * - a review notification goes out only with seed 002's reviewNotifications (on by
 *   default). */
#ifndef WARSHA_DOMAIN_NOTIFY_RULES_H
#define WARSHA_DOMAIN_NOTIFY_RULES_H

enum notify_channel {
	NOTIFY_EMAIL = 1u << 0,
	NOTIFY_SMS   = 1u << 1,
	NOTIFY_PUSH  = 1u << 2,
};
#define NOTIFY_ALL (NOTIFY_EMAIL | NOTIFY_SMS | NOTIFY_PUSH)

/* The recipient as the rules read them. */
struct notify_prefs {
	int reachable;      /* active, not banned, not deleted */
	int enabled;        /* notificationsEnabled */
	int email, sms, push;
	int marketing;      /* settings.marketingEmails */
	int reviews;        /* settings.reviewNotifications */
	int has_email;      /* an address mail can reach */
	int has_phone;
};

/* The notification types, as the API and the notifications.type column spell them
 * (seed 000's, seed 001's, seed 002's); NULL-terminated. */
extern const char *const notify_types[];

/* The channels of wanted (NOTIFY_* bits) that a notification of type goes out on. */
unsigned notify_channels(unsigned wanted, const char *type, const struct notify_prefs *p);

#endif
