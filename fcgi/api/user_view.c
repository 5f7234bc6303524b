#include "user_view.h"

static const char SQL_USER[] = USER_COLUMNS " WHERE u.id = ? AND u.deleted_at IS NULL";

json_object *
user_view_load(struct req *r, long long id, enum db_rc *rc)
{
	struct db_result res;

	*rc = db_run(r->db, r->a, SQL_USER, DB_ARGS(DB_INT(id)), &res);
	if (*rc != DB_OK || res.nrows == 0)
		return NULL;
	return db_row_json(&res, 0);
}
