#include "user_view.h"

#include "../core/router.h"
#include "../store/users.h"

enum user_relation
user_view_relation(struct req *r, long long subject_id)
{
	/* Bookings will answer here whether an open booking links the caller and the
	 * subject: the caller the technician assigned to a booking of the subject
	 * (USER_REL_ASSIGNED_TECHNICIAN), or the subject the technician assigned to one of
	 * the caller's (USER_REL_BOOKED_TECHNICIAN). One indexed read, only for a caller
	 * who is not staff and not the subject. */
	(void)r;
	(void)subject_id;
	return USER_REL_NONE;
}

json_object *
user_view_for(struct req *r, json_object *user, const struct user_shown *shown,
    enum user_relation rel)
{
	struct user_viewer viewer = { r->user.id, r->user.id > 0 ? role_name(r->user.role) : NULL };
	struct user_subject subject = { 0, NULL, shown->email, shown->phone };
	json_object *out;
	long long id;

	if (json_get_int(user, "id", &id) == 0)
		subject.id = id;
	subject.role = json_get_str(user, "role");
	out = user_view_project(user, user_visibility(&viewer, &subject, rel));
	json_object_put(user);
	return out;
}
