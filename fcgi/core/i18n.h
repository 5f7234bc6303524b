/* Every user-facing message exists in Arabic and English (docs/api-conventions.md). Code names a
 * message by its enum value, so a typo is a compile error; the table is filled with
 * designated initializers and a unit test proves no slot is empty. Templates name
 * messages by their string key ("user.found"), looked up in the same table. */
#ifndef WARSHA_I18N_H
#define WARSHA_I18N_H

enum lang { LANG_AR = 0, LANG_EN = 1 };

enum msg {
	MSG_NONE = 0,      /* no message: a reply without "message" text of its own */
	MSG_ACCOUNT_DISABLED,
	MSG_ACTIVITY_LIST,
	MSG_ADMIN_ADMINS_ONLY,
	MSG_ADMIN_CREATED,
	MSG_AUTH_CODE_INVALID,
	MSG_AUTH_CODE_TOO_MANY,
	MSG_AUTH_EMAIL_VERIFIED,
	MSG_AUTH_INVALID_CREDENTIALS,
	MSG_AUTH_LOGGED_IN,
	MSG_AUTH_LOGGED_OUT,
	MSG_AUTH_ME,
	MSG_AUTH_PASSWORD_CHANGED,
	MSG_AUTH_PASSWORD_RESET,
	MSG_AUTH_PHONE_VERIFIED,
	MSG_AUTH_REFRESHED,
	MSG_AUTH_REGISTERED,
	MSG_AUTH_RESET_SENT,
	MSG_AUTH_ROLE_NOT_ALLOWED,
	MSG_AUTH_STAFF_EMAIL_ONLY,
	MSG_AUTH_TOKEN_INVALID,
	MSG_AUTH_TOO_MANY_LOGINS,
	MSG_AUTH_VERIFICATION_SENT,
	MSG_AUTH_WRONG_PASSWORD,
	MSG_ERR_BAD_REQUEST,
	MSG_ERR_CONFLICT,
	MSG_ERR_FORBIDDEN,
	MSG_ERR_INTERNAL,
	MSG_ERR_INVALID_ID,
	MSG_ERR_METHOD_NOT_ALLOWED,
	MSG_ERR_NOT_FOUND,
	MSG_ERR_PAYLOAD_TOO_LARGE,
	MSG_ERR_RATE_LIMITED,
	MSG_ERR_ROUTE_NOT_FOUND,
	MSG_ERR_UNAUTHORIZED,
	MSG_ERR_UNAVAILABLE,
	MSG_ERR_UNSUPPORTED_MEDIA,
	MSG_ERR_USER_BANNED,
	MSG_ERR_VALIDATION,
	MSG_HEALTH_OK,
	MSG_MAINTENANCE_DONE,
	MSG_SERVICE_CREATED,
	MSG_SERVICE_DELETED,
	MSG_SERVICE_FOUND,
	MSG_SERVICE_LIST,
	MSG_SERVICE_UPDATED,
	MSG_SERVICES_BULK_CREATED,
	MSG_SERVICES_CATEGORIES,
	MSG_SETTING_CREATED,
	MSG_SETTING_UPDATED,
	MSG_SETTINGS_LIST,
	MSG_USER_ALREADY_BANNED,
	MSG_USER_BANNED,
	MSG_USER_DELETED,
	MSG_USER_FOUND,
	MSG_USER_LIST,
	MSG_USER_NOT_BANNED,
	MSG_USER_PROFILE,
	MSG_USER_PROFILE_UPDATED,
	MSG_USER_ROLE_UPDATED,
	MSG_USER_SELF_ACTION,
	MSG_USER_SETTINGS,
	MSG_USER_SETTINGS_UPDATED,
	MSG_USER_UNBANNED,
	MSG_V_INVALID_FORMAT,
	MSG_V_INVALID_TYPE,
	MSG_V_INVALID_VALUE,
	MSG_V_OUT_OF_RANGE,
	MSG_V_REQUIRED,
	MSG_V_TOO_LONG,
	MSG_V_TOO_SHORT,
	MSG_V_WEAK_PASSWORD,
	MSG_V_CATEGORY,
	MSG_V_CURSOR_SEARCH,
	MSG_V_DATE_FUTURE,
	MSG_V_EMAIL,
	MSG_V_EMAIL_TAKEN,
	MSG_V_GOVERNORATE,
	MSG_V_HOURS_ORDER,
	MSG_V_PAGE_WINDOW,
	MSG_V_PHONE,
	MSG_V_PHONE_TAKEN,
	MSG_V_SEARCH_WINDOW,
	MSG_V_SERVICE_NAME_TAKEN,
	MSG_V_SETTING_KEY,
	MSG_V_SETTING_KEY_TAKEN,
	MSG_V_USERNAME,
	MSG_V_USERNAME_TAKEN,
	MSG_V_WORKING_DAYS,
	MSG_USER_DIRECTORY_ONLY,
	MSG_V_SEARCH_NAMES_ONLY,
	MSG_V_NO_KNOWN_FIELD,
	MSG_TECHNICIAN_LIST,
	MSG_TECHNICIAN_AVAILABLE,
	MSG_TECHNICIAN_FOUND,
	MSG_TECHNICIAN_CREATED,
	MSG_TECHNICIAN_UPDATED,
	MSG_TECHNICIAN_STATUS_UPDATED,
	MSG_TECHNICIAN_SELF_ONLY,
	MSG_TECHNICIAN_VERIFY_STAFF,
	MSG_TECHNICIAN_STAFF_ACCOUNT,
	MSG_TECHNICIAN_EXISTS,
	MSG_V_LOCATION,
	MSG_V_SERVICE_UNKNOWN,
	MSG_V_TECHNICIAN_ID,
	MSG_V_REASON_REQUIRED,
	MSG__MAX
};

struct i18n_msg {
	const char *key;
	const char *ar;
	const char *en;
};

/* The text of message m in lang. */
const char *msg_text(enum lang lang, enum msg m);
/* The message with this string key (templates), or MSG_NONE (logged). */
enum msg    msg_by_key(const char *key);
/* The message for key in lang; an unknown key is returned as itself (and logged). */
const char *i18n(enum lang lang, const char *key);
const char *lang_code(enum lang lang);
/* "ar"/"en" (also "ar-EG", "en-US") -> 0 and *out; anything else -> -1 */
int         lang_parse(const char *s, enum lang *out);
/* Picks ar or en from an Accept-Language header by quality; -1 when neither is named. */
int         lang_from_accept(const char *header, enum lang *out);

/* for tests: the whole table, MSG__MAX entries indexed by enum msg */
const struct i18n_msg *i18n_table(unsigned *count);

#endif
