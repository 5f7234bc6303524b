#include "activity.h"

#include <stdio.h>

#include "router.h"

static const char SQL_ACTIVITY[] =
    "INSERT INTO activity_log (actor_id, actor_role, action, target_type, target_id, details, ip)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)";

enum db_rc
activity_record(struct req *r, const char *action, const char *target_type,
    long long target_id, json_object *details)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", target_id);
	return db_run(r->db, r->a, SQL_ACTIVITY, DB_ARGS(
	    r->user.id > 0 ? DB_INT(r->user.id) : DB_NULL,
	    r->user.id > 0 ? DB_STR(role_name(r->user.role)) : DB_NULL,
	    DB_STR(action), DB_STR(target_type), target_id > 0 ? DB_STR(id) : DB_NULL,
	    details != NULL ? DB_STR(json_text(r->a, details, NULL)) : DB_NULL,
	    DB_STR(r->remote_addr)), NULL);
}
