/* users: accounts as they are shown and managed — the view every endpoint returns,
 * the caller read of every authenticated request, staff accounts, role, ban, deletion,
 * a user's own profile and settings, and the governorate names a profile may give.
 * Credentials (password hashes, sign-in lookups) are in accounts.h, never here. */
#ifndef WARSHA_STORE_USERS_H
#define WARSHA_STORE_USERS_H

#include <json-c/json.h>

#include "store.h"

/* What every authenticated request needs to know of its caller (router.c). */
struct user_caller {
	const char *role;
	int         is_active;
	int         is_banned;
	const char *ban_reason;
	const char *banned_at;           /* "YYYY-MM-DD HH:MM:SS.fff", UTC */
	const char *preferred_language;
	int         token_revoked;       /* this access token's jti was revoked at logout, or
	                                  * it was issued before tokens_valid_after */
};
/* iat_us: the token's issue time, microseconds since the epoch (jwt_claims). */
enum db_rc db_users_caller(struct db *db, struct arena *a, long long id, const char *jti,
    const char *sid, long long iat_us, struct user_caller *out);

/* The user (not deleted) as JSON, shaped by column aliases: id, email, phone, username,
 * role, profile{…}, carInfo{…}, preferences{…}, location{…}, flags, rating, times.
 * No secret column is selected. DB_NOTFOUND when there is no such user. */
enum db_rc db_users_view(struct db *db, struct arena *a, long long id, json_object **out);

/* The same view, and what the user chose to show others (user_view.h): for answers to
 * somebody else, cut by fcgi/domain/user_visibility.h. */
struct user_shown;
enum db_rc db_users_view_shown(struct db *db, struct arena *a, long long id, json_object **out,
    struct user_shown *shown);

/* The row an admin action works on, locked (FOR UPDATE): inside a transaction only. */
struct user_target {
	const char *role;
	int         is_banned;
	const char *ban_reason;
};
enum db_rc db_users_lock_target(struct db *db, struct arena *a, long long id,
    struct user_target *out);

enum db_rc db_users_ban(struct db *db, struct arena *a, long long id, const char *reason,
    long long by);
enum db_rc db_users_unban(struct db *db, struct arena *a, long long id);
enum db_rc db_users_set_role(struct db *db, struct arena *a, long long id, const char *role);
/* Soft delete: the row stays (ledger, bookings and the log refer to it), anonymized. */
enum db_rc db_users_anonymize(struct db *db, struct arena *a, long long id);

/* A staff account (admin or moderator), e-mail verified. */
struct staff_new {
	const char *email;           /* normalized */
	const char *phone;           /* +201…, or NULL */
	const char *password_hash;
	const char *role;            /* "admin" or "moderator" */
	const char *first_name;
	const char *last_name;
};
enum db_rc db_users_insert_staff(struct db *db, struct arena *a, const struct staff_new *s,
    long long *id);
/* Any account with this (normalized) e-mail, deleted ones too: DB_NOTFOUND if none. */
enum db_rc db_users_id_by_email(struct db *db, struct arena *a, const char *email,
    long long *id);

/* The columns a user's own profile update may change (PUT /api/users/profile), and the
 * phone's verification, which a new number resets. Role, ban, e-mail, activity and
 * rating are not here, so no profile body can reach them (DESIGN.md §4). */
struct user_profile {
	const char *first_name;
	const char *last_name;
	const char *phone;                /* +201…, or NULL */
	const char *username;             /* or NULL, as every text below */
	const char *avatar;
	const char *bio;
	const char *date_of_birth;        /* YYYY-MM-DD */
	const char *gender;               /* male, female */
	const char *street;
	const char *city;
	const char *governorate;          /* a governorates.code */
	const char *preferred_language;   /* ar, en */
	const char *car_brand;
	const char *car_model;
	long long   car_year;             /* 0: none */
	int         notifications_enabled;
	int         sms_notifications;
	int         email_notifications;
	int         push_notifications;
	int         has_location;         /* 0: latitude and longitude are NULL */
	double      latitude;
	double      longitude;
	int         phone_verified;
};
/* The user's profile columns, locked (FOR UPDATE): inside a transaction only. */
enum db_rc db_users_lock_profile(struct db *db, struct arena *a, long long id,
    struct user_profile *out);
/* Writes every column of p; a taken phone or username is DB_DUP (keys.c names it), a
 * governorate code that is no row is DB_FK. */
enum db_rc db_users_update_profile(struct db *db, struct arena *a, long long id,
    const struct user_profile *p);

/* A user's settings (seed 002): the stored JSON object and the four columns the rest of
 * Warsha reads, which it mirrors. */
struct user_settings {
	const char *settings;             /* the JSON object's text, or NULL: none stored */
	int         email_notifications;
	int         sms_notifications;
	int         push_notifications;
	const char *preferred_language;   /* ar, en */
};
enum db_rc db_users_settings(struct db *db, struct arena *a, long long id,
    struct user_settings *out);
/* The same, locked (FOR UPDATE): inside a transaction only. */
enum db_rc db_users_lock_settings(struct db *db, struct arena *a, long long id,
    struct user_settings *out);
enum db_rc db_users_update_settings(struct db *db, struct arena *a, long long id,
    const struct user_settings *s);

/* The code of the governorate whose code, English or Arabic name is name ("GZ", "Giza",
 * "الجيزة"; case-insensitive): DB_NOTFOUND when none is. */
enum db_rc db_users_governorate_code(struct db *db, struct arena *a, const char *name,
    const char **code);

#endif
