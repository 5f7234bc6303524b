/* How a user is shown: one column list for every statement that returns a user (seed
 * 000's Users model, grouped as profile, carInfo, preferences through column aliases;
 * db_row_json() nests them). Secret columns (the password hash) are never selected.
 * Shared by the users and user_lists stores. */
#ifndef WARSHA_STORE_USER_VIEW_H
#define WARSHA_STORE_USER_VIEW_H

#define USER_VIEW_COLUMNS \
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
	" u.created_at AS createdAt, u.updated_at AS updatedAt" \
	" FROM users u"

#define USER_VIEW_NCOLS 36

#endif
