#include "user_view.h"

#include "../store/users.h"

json_object *
user_view_load(struct req *r, long long id, enum db_rc *rc)
{
	json_object *user;

	*rc = db_users_view(r->db, r->a, id, &user);
	if (*rc == DB_NOTFOUND)
		*rc = DB_OK;
	return *rc == DB_OK ? user : NULL;
}
