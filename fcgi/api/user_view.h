/* Helpers the user-facing resources share (users.c, admin_users.c, auth.c). */
#ifndef WARSHA_USER_VIEW_H
#define WARSHA_USER_VIEW_H

#include "../core/http.h"

#include "../store/user_view.h"
#define USER_COLUMNS USER_VIEW_COLUMNS

/* The user with this id (not deleted) as JSON, or NULL (then *rc says why: DB_OK means
 * not found). auth.c's; the store's db_users_view() is the one to call. */
json_object *user_view_load(struct req *r, long long id, enum db_rc *rc);

/* users.c, shared with admin_users.c and auth.c */
/* GET /api/users and /api/admin/users, as their declared query (r->qin) asks. */
enum err   users_list_filtered(struct req *r);
/* Replies {"user": ...} for the user, or fails with 404. */
enum err   users_reply_user(struct req *r, int status, enum msg msg, long long id);
/* A failed write: a duplicate email, phone or username is 409 naming the field. (For
 * auth.c; a handler returning its outcome uses fail_db() and fcgi/store/keys.c.) */
void       users_reply_taken(struct req *r, enum db_rc rc);

#endif
