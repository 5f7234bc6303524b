/* How a user is shown: one column list for every endpoint that returns a user (seed
 * 000's Users model, grouped as profile, carInfo, preferences). Secret columns (the
 * password hash) are never selected. */
#ifndef WARSHA_USER_VIEW_H
#define WARSHA_USER_VIEW_H

#include "../core/http.h"

#define USER_COLUMNS \
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

/* The user with this id (not deleted) as JSON, or NULL (then *rc says why: DB_OK means
 * not found). */
json_object *user_view_load(struct req *r, long long id, enum db_rc *rc);

/* users.c, shared with admin_users.c and auth.c */
/* GET /api/users and /api/admin/users (with_status: the admin list's ?status=). */
void       users_list_filtered(struct req *r, int with_status);
/* Replies {"user": ...} for the user, or 404. */
void       users_reply_user(struct req *r, int status, const char *msg_key, long long id);
/* A failed write: a duplicate email, phone or username is 409 naming the field. */
void       users_reply_taken(struct req *r, enum db_rc rc);
/* Revokes every refresh token of the user (reason: banned, deleted, password...). */
enum db_rc users_revoke_sessions(struct req *r, long long id, const char *reason);

#endif
