#include "privacy.h"

enum stmt {
	STMT_X_PROFILE,
	STMT_X_TECHNICIAN,
	STMT_X_SESSIONS,
	STMT_X_BOOKINGS,
	STMT_X_WORK,
	STMT_X_NOTIFICATIONS,
	STMT_X_ACTIVITY,
	STMT_X_MESSAGES,
	STMT_X_CONTACT,
	STMT_X_DEVICES,
	STMT_X_UPLOADS,
	STMT_X_QUOTES,
	STMT_X_INVITATIONS,
	STMT_X_REVIEWS,
	STMT_X_VERIFICATIONS,
	STMT_OPEN_BOOKING,
	STMT_OPEN_WORK,
	STMT_E_BOOKING_IMAGES,
	STMT_E_BOOKINGS,
	STMT_E_NOTIFICATIONS,
	STMT_E_NOTIFICATION_COUNTS,
	STMT_E_OUTBOX,
	STMT_E_CONTACT,
	STMT_E_SESSIONS,
	STMT_E_TECHNICIAN,
	STMT_E_DEVICES,
	STMT_E_VERIFICATIONS,
	STMT__MAX
};

/* Statuses a booking ends in (fcgi/domain/booking.c); a person with a booking in any
 * other is still a party to work under way. */
#define ENDED "('completed','verified','paid','cancelled','rejected')"

static const struct db_stmt stmts[STMT__MAX] = {
	/* the export: every statement reads by the person's id through an index */
	[STMT_X_PROFILE] = { "SELECT id, email, phone, username, role, first_name AS firstName,"
	    " last_name AS lastName, avatar, bio, date_of_birth AS dateOfBirth, gender,"
	    " address_street AS `address.street`, address_city AS `address.city`,"
	    " address_governorate AS `address.governorate`,"
	    " preferred_language AS preferredLanguage, car_brand AS `carInfo.brand`,"
	    " car_model AS `carInfo.model`, car_year AS `carInfo.year`,"
	    " notifications_enabled AS `notifications.enabled`,"
	    " sms_notifications AS `notifications.sms`,"
	    " email_notifications AS `notifications.email`,"
	    " push_notifications AS `notifications.push`, settings AS `settings:json`,"
	    " latitude, longitude, is_active AS isActive, email_verified AS emailVerified,"
	    " phone_verified AS phoneVerified, is_banned AS isBanned, ban_reason AS banReason,"
	    " banned_at AS bannedAt, rating, rating_count AS ratingCount,"
	    " last_login AS lastLogin, created_at AS createdAt, updated_at AS updatedAt"
	    " FROM users WHERE id = ? AND deleted_at IS NULL", 1, 36, 0 },
	[STMT_X_TECHNICIAN] = { "SELECT specializations AS `specializations:json`,"
	    " experience_years AS experienceYears,"
	    " working_governorates AS `workingGovernorates:json`, working_city AS workingCity,"
	    " work_status AS workStatus, verification,"
	    " verification_reason AS verificationReason, verified_at AS verifiedAt,"
	    " service_radius_km AS serviceRadiusKm, latitude, longitude,"
	    " location_updated_at AS locationUpdatedAt, created_at AS createdAt"
	    " FROM technician_profiles WHERE user_id = ?", 1, 13, 0 },
	/* sessions: devices and addresses, never a token or its hash */
	[STMT_X_SESSIONS] = { "SELECT id, user_agent AS device, ip, created_at AS createdAt,"
	    " expires_at AS expiresAt, revoked_at AS revokedAt, revoke_reason AS revokeReason"
	    " FROM refresh_tokens WHERE user_id = ? ORDER BY id", 1, 7, 0 },
	/* as a customer: the whole booking but its secrets (guest token, start code) */
	[STMT_X_BOOKINGS] = { "SELECT id, number, kind, service_id AS serviceId, title, category,"
	    " budget_min AS budgetMin, budget_max AS budgetMax,"
	    " technician_id AS technicianId, status, scheduled_at AS scheduledAt,"
	    " is_emergency AS isEmergency, address, city, governorate,"
	    " location_notes AS locationNotes, latitude, longitude,"
	    " customer_name AS customerName, customer_phone AS customerPhone,"
	    " car_brand AS `carDetails.brand`, car_model AS `carDetails.model`,"
	    " car_year AS `carDetails.year`, problem_description AS problemDescription,"
	    " images AS `images:json`, base_price AS basePrice, discount, total, currency,"
	    " payment_status AS paymentStatus, cancellation_reason AS cancellationReason,"
	    " cancellation_fee AS cancellationFee, created_at AS createdAt,"
	    " updated_at AS updatedAt FROM bookings WHERE customer_id = ?"
	    " ORDER BY created_at, id", 1, 34, 0 },
	/* as a technician: the work, without the customers' own details */
	[STMT_X_WORK] = { "SELECT id, number, kind, service_id AS serviceId, title, category, status,"
	    " scheduled_at AS scheduledAt, city, governorate, total, currency,"
	    " created_at AS createdAt FROM bookings WHERE technician_id = ?"
	    " ORDER BY created_at, id", 1, 13, 0 },
	/* a craftsman's verification requests: what the lists show, never the number */
	[STMT_X_VERIFICATIONS] = { "SELECT id, status, national_id_last4 AS nationalIdLast4,"
	    " birth_date AS birthDate, governorate, reason, reviewed_at AS reviewedAt,"
	    " created_at AS createdAt FROM verifications WHERE user_id = ?"
	    " ORDER BY created_at, id", 1, 8, 0 },
	[STMT_X_NOTIFICATIONS] = { "SELECT id, type, title_ar AS titleAr, title_en AS titleEn,"
	    " body_ar AS bodyAr, body_en AS bodyEn, data AS `data:json`, is_read AS isRead,"
	    " read_at AS readAt, created_at AS createdAt FROM notifications WHERE user_id = ?"
	    " ORDER BY created_at, id", 1, 10, 0 },
	[STMT_X_ACTIVITY] = { "SELECT id, action, target_type AS targetType,"
	    " target_id AS targetId, details AS `details:json`, ip, created_at AS createdAt"
	    " FROM activity_log WHERE actor_id = ? ORDER BY created_at, id", 1, 7, 0 },
	/* what was sent to them: the channel, address and kind, never the payload (codes) */
	[STMT_X_MESSAGES] = { "SELECT id, channel, recipient, template, lang, status,"
	    " created_at AS createdAt, sent_at AS sentAt FROM outbox WHERE user_id = ?"
	    " ORDER BY created_at, id", 1, 8, 0 },
	[STMT_X_CONTACT] = { "SELECT id, name, email, phone, subject, message,"
	    " created_at AS createdAt FROM contact_messages WHERE user_id = ? ORDER BY id",
	    1, 7, 0 },
	/* push devices: the platform and name, never the token (it addresses the device) */
	[STMT_X_DEVICES] = { "SELECT id, device, platform, created_at AS createdAt,"
	    " updated_at AS updatedAt FROM device_tokens WHERE user_id = ? ORDER BY id", 1, 5, 0 },
	/* images and files: what they are and where they are shown, not the bytes (the
	 * images are at their addresses; a private file through GET /api/files/:id) */
	[STMT_X_UPLOADS] = { "SELECT id, kind, is_private AS isPrivate, mime, size, width,"
	    " height, filename, variants AS `variants:json`, created_at AS createdAt"
	    " FROM uploads WHERE owner_id = ? ORDER BY created_at, id", 1, 10, 0 },
	/* a craftsman's quotes and the invitations they received (the marketplace) */
	[STMT_X_QUOTES] = { "SELECT id, job_id AS jobId, price, currency, notes,"
	    " valid_until AS validUntil, status, revisions, created_at AS createdAt,"
	    " updated_at AS updatedAt FROM quotes WHERE technician_id = ?"
	    " ORDER BY created_at, id", 1, 10, 0 },
	[STMT_X_INVITATIONS] = { "SELECT id, job_id AS jobId, status,"
	    " responded_at AS respondedAt, created_at AS createdAt FROM job_invitations"
	    " WHERE technician_id = ? ORDER BY created_at, id", 1, 5, 0 },
	/* the reviews the person wrote (those about them are in their profile's rating) */
	[STMT_X_REVIEWS] = { "SELECT id, booking_id AS bookingId, reviewee_id AS revieweeId,"
	    " rating, quality, professionalism, communication, punctuality,"
	    " value_for_money AS valueForMoney, comment, status, created_at AS createdAt,"
	    " updated_at AS updatedAt FROM reviews WHERE reviewer_id = ?"
	    " ORDER BY created_at, id", 1, 13, 0 },
	[STMT_OPEN_BOOKING] = { "SELECT id FROM bookings WHERE customer_id = ? AND status"
	    " NOT IN " ENDED " LIMIT 1", 1, 1, 0 },
	[STMT_OPEN_WORK] = { "SELECT id FROM bookings WHERE technician_id = ? AND status"
	    " NOT IN " ENDED " LIMIT 1", 1, 1, 0 },
	/* the erasure: the bookings stay (prices, dates, the technician's record of work,
	 * the city for the statistics); who and where the customer was go, and the
	 * pictures of their bookings and jobs (their home, their car) with the references */
	[STMT_E_BOOKING_IMAGES] = { "DELETE ur FROM upload_refs ur JOIN bookings b"
	    " ON ur.subject = 'booking' AND ur.subject_id = b.id WHERE b.customer_id = ?", 1, 0, 0 },
	[STMT_E_BOOKINGS] = { "UPDATE bookings SET customer_name = 'Deleted User',"
	    " customer_phone = '', address = '', location_notes = NULL, latitude = NULL,"
	    " longitude = NULL, car_brand = NULL, car_model = NULL, car_year = NULL,"
	    " guest_token_hash = NULL, start_code_hash = NULL, images = NULL"
	    " WHERE customer_id = ?", 1, 0, 0 },
	[STMT_E_NOTIFICATIONS] = { "DELETE FROM notifications WHERE user_id = ?", 1, 0, 0 },
	[STMT_E_NOTIFICATION_COUNTS] = { "DELETE FROM notification_counts WHERE user_id = ?",
	    1, 0, 0 },
	[STMT_E_OUTBOX] = { "DELETE FROM outbox WHERE user_id = ? AND status IN"
	    " ('pending','failed')", 1, 0, 0 },
	[STMT_E_CONTACT] = { "DELETE FROM contact_messages WHERE user_id = ?", 1, 0, 0 },
	[STMT_E_SESSIONS] = { "UPDATE refresh_tokens SET user_agent = NULL, ip = NULL"
	    " WHERE user_id = ?", 1, 0, 0 },
	[STMT_E_TECHNICIAN] = { "UPDATE technician_profiles SET latitude = NULL,"
	    " longitude = NULL, location_updated_at = NULL, working_city = NULL,"
	    " work_status = 'offline', verification_reason = NULL WHERE user_id = ?", 1, 0, 0 },
	[STMT_E_DEVICES] = { "DELETE FROM device_tokens WHERE user_id = ?", 1, 0, 0 },
	/* the encrypted national ID and its hash go with the requests (their documents are
	 * uploads, erased with the others; the rows cascade) */
	[STMT_E_VERIFICATIONS] = { "DELETE FROM verifications WHERE user_id = ?", 1, 0, 0 },
};

struct db_family store_privacy = DB_FAMILY("privacy", stmts);

static enum db_rc
part(struct db *db, struct arena *a, enum stmt s, long long user_id, json_object *out,
    const char *name, int one)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_exec(db, a, &store_privacy, s, DB_ARGS(DB_INT(user_id)), &res)) != DB_OK)
		return rc;
	if (one)
		json_object_object_add(out, name, res.nrows > 0 ? db_row_json(&res, 0) : NULL);
	else
		json_object_object_add(out, name, db_rows_json(&res));
	return DB_OK;
}

enum db_rc
db_privacy_export(struct db *db, struct arena *a, long long user_id, json_object *out)
{
	json_object *bookings;
	enum db_rc rc;

	if ((rc = part(db, a, STMT_X_PROFILE, user_id, out, "profile", 1)) != DB_OK)
		return rc;
	if (json_object_object_get(out, "profile") == NULL)
		return DB_NOTFOUND;
	bookings = json_object_new_object();
	json_object_object_add(out, "bookings", bookings);
	if ((rc = part(db, a, STMT_X_TECHNICIAN, user_id, out, "technicianProfile", 1)) != DB_OK ||
	    (rc = part(db, a, STMT_X_SESSIONS, user_id, out, "sessions", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_BOOKINGS, user_id, bookings, "asCustomer", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_WORK, user_id, bookings, "asTechnician", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_NOTIFICATIONS, user_id, out, "notifications", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_ACTIVITY, user_id, out, "activity", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_MESSAGES, user_id, out, "messages", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_CONTACT, user_id, out, "contactMessages", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_DEVICES, user_id, out, "devices", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_UPLOADS, user_id, out, "uploads", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_QUOTES, user_id, out, "quotes", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_INVITATIONS, user_id, out, "invitations", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_REVIEWS, user_id, out, "reviews", 0)) != DB_OK ||
	    (rc = part(db, a, STMT_X_VERIFICATIONS, user_id, out, "verifications", 0)) != DB_OK)
		return rc;
	return DB_OK;
}

enum db_rc
db_privacy_open_booking(struct db *db, struct arena *a, long long user_id, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	*id = 0;
	if ((rc = db_exec(db, a, &store_privacy, STMT_OPEN_BOOKING, DB_ARGS(DB_INT(user_id)),
	    &res)) != DB_OK)
		return rc;
	if (res.nrows == 0 && (rc = db_exec(db, a, &store_privacy, STMT_OPEN_WORK,
	    DB_ARGS(DB_INT(user_id)), &res)) != DB_OK)
		return rc;
	if (res.nrows > 0)
		*id = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_privacy_erase(struct db *db, struct arena *a, long long user_id)
{
	static const enum stmt steps[] = { STMT_E_BOOKING_IMAGES, STMT_E_BOOKINGS,
		STMT_E_NOTIFICATIONS,
		STMT_E_NOTIFICATION_COUNTS, STMT_E_OUTBOX, STMT_E_CONTACT, STMT_E_SESSIONS,
		STMT_E_TECHNICIAN, STMT_E_DEVICES, STMT_E_VERIFICATIONS };
	enum db_rc rc;
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((rc = db_exec(db, a, &store_privacy, steps[i], DB_ARGS(DB_INT(user_id)),
		    NULL)) != DB_OK)
			return rc;
	return DB_OK;
}
