#include "user_view.h"

#include "../core/router.h"
#include "../store/bookings.h"
#include "../store/users.h"

enum user_relation
user_view_relation(struct req *r, long long subject_id)
{
	/* Whether an open booking links the caller and the subject: the caller the
	 * technician assigned to a booking of the subject (USER_REL_ASSIGNED_TECHNICIAN), or
	 * the subject the technician assigned to one of the caller's
	 * (USER_REL_BOOKED_TECHNICIAN). One indexed read, only for a signed-in caller who is
	 * not staff and not the subject; a failed read opens nothing. */
	int linked = 0;

	if (r->user.id == 0 || r->user.id == subject_id || (r->user.role & ROLE_STAFF))
		return USER_REL_NONE;
	if (r->user.role == ROLE_TECHNICIAN) {
		if (db_bookings_linked(r->db, r->a, r->user.id, subject_id, &linked) == DB_OK &&
		    linked)
			return USER_REL_ASSIGNED_TECHNICIAN;
		return USER_REL_NONE;
	}
	if (db_bookings_linked(r->db, r->a, subject_id, r->user.id, &linked) == DB_OK && linked)
		return USER_REL_BOOKED_TECHNICIAN;
	return USER_REL_NONE;
}

enum user_relation
user_view_relation_in(struct req *r, struct user_links *links, long long subject_id)
{
	size_t i;

	if (links == NULL || r->user.id == 0 || r->user.id == subject_id ||
	    (r->user.role & ROLE_STAFF) || r->user.role == ROLE_TECHNICIAN)
		return user_view_relation(r, subject_id);
	if (!links->loaded) {
		links->loaded = 1;
		/* a failed read opens nothing */
		if (db_bookings_linked_technicians(r->db, r->a, r->user.id, &links->ids,
		    &links->n) != DB_OK)
			links->n = 0;
	}
	for (i = 0; i < links->n; i++)
		if (links->ids[i] == subject_id)
			return USER_REL_BOOKED_TECHNICIAN;
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
