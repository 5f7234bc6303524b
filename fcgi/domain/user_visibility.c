#include "user_visibility.h"

#include <string.h>

/* The fields others may ever see, in the order of the view. A public view is built from
 * this list, never by removing fields from the whole one: a column added to the view
 * later is private until it is named here. */
static const struct {
	const char *path;
	unsigned    field;
} shown_fields[] = {
	{ "id", UF_ID },
	{ "email", UF_EMAIL },
	{ "phone", UF_PHONE },
	{ "role", UF_ROLE },
	{ "profile.firstName", UF_NAME },
	{ "profile.lastName", UF_NAME },
	{ "profile.avatar", UF_AVATAR },
	{ "profile.bio", UF_BIO },
	{ "profile.address.city", UF_AREA },
	{ "profile.address.governorate", UF_AREA },
	{ "rating", UF_RATING },
	{ "ratingCount", UF_RATING },
	{ "createdAt", UF_SINCE },
};

#define NSHOWN (sizeof(shown_fields) / sizeof(shown_fields[0]))

static int
role_is(const char *role, const char *word)
{
	return role != NULL && strcmp(role, word) == 0;
}

int
user_role_is_staff(const char *role)
{
	return role_is(role, "admin") || role_is(role, "moderator");
}

/* The roles that book work: customers and corporate accounts. */
static int
role_books(const char *role)
{
	return role_is(role, "customer") || role_is(role, "corporate");
}

unsigned
user_visibility(const struct user_viewer *viewer, const struct user_subject *subject,
    enum user_relation rel)
{
	unsigned f = UF_PUBLIC;

	if (subject == NULL)
		return UF_NONE;
	if (viewer != NULL && viewer->id > 0 && viewer->id == subject->id)
		return UF_ALL;
	if (viewer != NULL && viewer->id > 0 && user_role_is_staff(viewer->role))
		return UF_ALL;
	if (!role_books(subject->role) && !role_is(subject->role, "technician"))
		return UF_NONE;   /* staff, or a role this module does not know */
	/* a professional's own choice (seed 002): hidden unless they said so */
	if (role_is(subject->role, "technician")) {
		if (subject->show_email)
			f |= UF_EMAIL;
		if (subject->show_phone)
			f |= UF_PHONE;
	}
	/* the two sides of a booking reach each other; the relation must fit the roles */
	if (viewer != NULL && viewer->id > 0) {
		if (rel == USER_REL_ASSIGNED_TECHNICIAN && role_is(viewer->role, "technician") &&
		    role_books(subject->role))
			f |= UF_CONTACT;
		if (rel == USER_REL_BOOKED_TECHNICIAN && role_books(viewer->role) &&
		    role_is(subject->role, "technician"))
			f |= UF_CONTACT;
	}
	return f;
}

unsigned
user_field_of(const char *path)
{
	size_t i;

	for (i = 0; path != NULL && i < NSHOWN; i++)
		if (strcmp(shown_fields[i].path, path) == 0)
			return shown_fields[i].field;
	return UF_PRIVATE;
}

/* The value at a dotted path; 0 when a step is missing. */
static int
get_path(json_object *o, const char *path, json_object **out)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return 0;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return 0;
		path = dot + 1;
	}
	return json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, path, out);
}

/* Puts val (a reference the caller gives away) at a dotted path, creating the objects
 * on the way. */
static void
put_path(json_object *o, const char *path, json_object *val)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);
		json_object *child;

		if (n >= sizeof(key))
			n = sizeof(key) - 1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &child) ||
		    !json_object_is_type(child, json_type_object)) {
			child = json_object_new_object();
			json_object_object_add(o, key, child);
		}
		o = child;
		path = dot + 1;
	}
	json_object_object_add(o, path, val);
}

json_object *
user_view_project(json_object *full, unsigned fields)
{
	json_object *out, *v;
	size_t i;

	if (full == NULL || fields == UF_NONE)
		return NULL;
	if ((fields & UF_ALL) == UF_ALL)
		return json_object_get(full);
	out = json_object_new_object();
	for (i = 0; i < NSHOWN; i++)
		if ((fields & shown_fields[i].field) != 0 && get_path(full, shown_fields[i].path, &v))
			put_path(out, shown_fields[i].path, json_object_get(v));
	return out;
}
