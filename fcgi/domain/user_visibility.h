/* Who sees what of a user (docs/decisions.md "Users and staff").
 *
 * Staff (admin, moderator) and the user themself see the whole profile. Everybody else
 * sees the public view that a directory of professionals needs and nothing contact-like
 * (seed 002's "limited user information for public consumption (no contact details,
 * private info)", seed 001's public profile): id, role, name, avatar, bio, city and
 * governorate, rating, member since. A technician's e-mail and phone join it when they
 * chose so (seed 002's settings showEmail and showPhone; hidden by default). Staff
 * accounts are no member of the marketplace: others do not see them at all.
 *
 * Contact details between a customer and a technician follow a booking that links them
 * (the relation). Until bookings exist every caller passes USER_REL_NONE; the bookings
 * module will answer the relation of a viewer and a subject (an open booking of the
 * subject assigned to the viewer, or the other way round) and pass it here. */
#ifndef WARSHA_DOMAIN_USER_VISIBILITY_H
#define WARSHA_DOMAIN_USER_VISIBILITY_H

#include <json-c/json.h>

/* The groups of a user's fields, as bits of a field set. */
enum user_field {
	UF_ID      = 1u << 0,
	UF_ROLE    = 1u << 1,
	UF_NAME    = 1u << 2,    /* first and last name */
	UF_AVATAR  = 1u << 3,
	UF_BIO     = 1u << 4,
	UF_AREA    = 1u << 5,    /* city and governorate; never the street */
	UF_RATING  = 1u << 6,    /* rating and ratingCount */
	UF_SINCE   = 1u << 7,    /* createdAt: "member since" */
	UF_EMAIL   = 1u << 8,
	UF_PHONE   = 1u << 9,
	UF_PRIVATE = 1u << 10,   /* everything else: username, street, location, birth date,
	                          * gender, language, car, preferences, account state, bans,
	                          * last login, and any field added to the view later */
};

#define UF_NONE    0u
#define UF_PUBLIC  (UF_ID | UF_ROLE | UF_NAME | UF_AVATAR | UF_BIO | UF_AREA | UF_RATING | \
	UF_SINCE)
#define UF_CONTACT (UF_EMAIL | UF_PHONE)
#define UF_ALL     (UF_PUBLIC | UF_CONTACT | UF_PRIVATE)

/* What links the viewer and the subject. */
enum user_relation {
	USER_REL_NONE = 0,              /* nothing (the only value until bookings exist) */
	USER_REL_ASSIGNED_TECHNICIAN,   /* the viewer is the technician assigned to an open
	                                 * booking of the subject */
	USER_REL_BOOKED_TECHNICIAN,     /* the subject is the technician assigned to an open
	                                 * booking of the viewer */
};

/* The one who asks: id 0 is nobody signed in; role is a canonical word or NULL. */
struct user_viewer {
	long long   id;
	const char *role;
};

/* The one shown, with their own choices (seed 002 settings). */
struct user_subject {
	long long   id;
	const char *role;
	int         show_email;
	int         show_phone;
};

/* Whether a role is staff (admin, moderator). */
int user_role_is_staff(const char *role);

/* The fields of subject the viewer may see: UF_ALL, a subset of UF_PUBLIC | UF_CONTACT,
 * or UF_NONE (the subject is not shown at all: answer as if there were no such user).
 * An unknown subject role shows nothing; an unknown viewer role is no staff. */
unsigned user_visibility(const struct user_viewer *viewer, const struct user_subject *subject,
    enum user_relation rel);

/* The group a field of the user view belongs to, by its dotted path ("profile.bio"):
 * a path this module does not name is UF_PRIVATE. */
unsigned user_field_of(const char *path);

/* The user view (fcgi/store/user_view.h's JSON) cut to a field set: with UF_ALL the
 * object itself, else a new object with only the named fields of the set, each at its
 * place (a field absent from the view stays absent; null stays null). NULL for
 * UF_NONE. The caller owns the result (a new reference either way). */
json_object *user_view_project(json_object *full, unsigned fields);

#endif
