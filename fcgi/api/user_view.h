/* Helpers the user-facing resources share (users.c, admin_users.c, auth.c). */
#ifndef WARSHA_USER_VIEW_H
#define WARSHA_USER_VIEW_H

#include "../core/http.h"
#include "../domain/user_visibility.h"

#include "../store/user_view.h"
#define USER_COLUMNS USER_VIEW_COLUMNS

/* What links the caller and a user (fcgi/domain/user_visibility.h). The hook of the
 * bookings: until they exist, always USER_REL_NONE. */
enum user_relation user_view_relation(struct req *r, long long subject_id);
/* The same over a list: the technicians linked to a customer caller are read once, on
 * the first call, into links (zeroed by the caller; the request's arena holds it). */
struct user_links {
	int              loaded;
	long long       *ids;
	size_t           n;
};
enum user_relation user_view_relation_in(struct req *r, struct user_links *links,
    long long subject_id);

/* A user's whole view (user, taken) cut to what this request's caller may see of it
 * (fcgi/domain/user_visibility.h): the public fields omitted, not nulled. NULL when the
 * caller may not see this user at all (answer 404). The result is the caller's. */
json_object *user_view_for(struct req *r, json_object *user, const struct user_shown *shown,
    enum user_relation rel);

/* users.c, shared with admin_users.c and auth.c */
/* GET /api/users and /api/admin/users, as their declared query (r->qin) asks. */
enum err   users_list_filtered(struct req *r);
/* Replies {"user": ...} with the whole view of the user, or fails with 404: for the
 * user themself and for staff only. */
enum err   users_reply_user(struct req *r, int status, enum msg msg, long long id);

#endif
