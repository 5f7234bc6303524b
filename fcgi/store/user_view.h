/* How a user is shown: one column list for every statement that returns a user (seed
 * 000's Users model, grouped as profile, carInfo, preferences through column aliases;
 * db_row_json() nests them). Secret columns (the password hash) are never selected.
 * Shared by the users and user_lists stores.
 *
 * This is the whole view, as staff and the user themself see it. What others see of it
 * is decided by fcgi/domain/user_visibility.h, which needs the user's own choices:
 * USER_SHOWN_COLUMNS adds them, and user_view_row() takes them out of the JSON. */
#ifndef WARSHA_STORE_USER_VIEW_H
#define WARSHA_STORE_USER_VIEW_H

#include <json-c/json.h>

#include "store.h"

#define USER_VIEW_SELECT \
	"SELECT u.id, u.email, u.phone, u.username, u.role," \
	" u.first_name AS `profile.firstName`, u.last_name AS `profile.lastName`," \
	" u.avatar AS `profile.avatar`, u.date_of_birth AS `profile.dateOfBirth`," \
	" u.gender AS `profile.gender`, u.bio AS `profile.bio`," \
	" u.address_street AS `profile.address.street`, u.address_city AS `profile.address.city`," \
	" u.address_governorate AS `profile.address.governorate`," \
	" u.preferred_language AS `profile.preferredLanguage`," \
	" u.car_brand AS `carInfo.brand`, u.car_model AS `carInfo.model`, u.car_year AS `carInfo.year`," \
	" u.notifications_enabled AS `preferences.notificationsEnabled`," \
	" u.sms_notifications AS `preferences.smsNotifications`," \
	" u.email_notifications AS `preferences.emailNotifications`," \
	" u.push_notifications AS `preferences.pushNotifications`," \
	" u.latitude AS `location.latitude`, u.longitude AS `location.longitude`," \
	" u.is_active AS isActive, u.email_verified AS isVerified, u.email_verified AS emailVerified," \
	" u.phone_verified AS phoneVerified, u.is_banned AS isBanned, u.ban_reason AS banReason," \
	" u.banned_at AS bannedAt, u.rating, u.rating_count AS ratingCount, u.last_login AS lastLogin," \
	" u.created_at AS createdAt, u.updated_at AS updatedAt"

#define USER_VIEW_COLUMNS USER_VIEW_SELECT " FROM users u"
#define USER_VIEW_NCOLS 36

/* The view and what its user chose to show others: seed 002's settings showEmail and
 * showPhone, 1 only when stored as JSON true (absent, null or another value is the
 * default: hidden). Read by user_view_row(), never shown as columns. */
#define USER_SHOWN_COLUMNS USER_VIEW_SELECT "," \
	" COALESCE(JSON_EXTRACT(u.settings, '$.showEmail') = 'true', 0) AS `_showEmail`," \
	" COALESCE(JSON_EXTRACT(u.settings, '$.showPhone') = 'true', 0) AS `_showPhone`" \
	" FROM users u"
#define USER_SHOWN_NCOLS (USER_VIEW_NCOLS + 2)

/* A user's own choices of what others see (seed 002 settings). */
struct user_shown {
	int email;
	int phone;
};

/* Row i of a result of USER_SHOWN_COLUMNS: the view as JSON (a new object), the
 * choices in *shown (both 0 when the result lacks them). */
json_object *user_view_row(const struct db_result *res, size_t i, struct user_shown *shown);

#endif
