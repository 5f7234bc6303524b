#include "activity.h"

#include <stdio.h>

#include "../core/http.h"

enum stmt { STMT_INSERT, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_INSERT] = { "INSERT INTO activity_log (actor_id, actor_role, action, target_type,"
	    " target_id, details, ip) VALUES (?, ?, ?, ?, ?, ?, ?)", 7, 0, 0 },
};

struct db_family store_activity = DB_FAMILY("activity", stmts);

enum db_rc
db_activity_record(struct db *db, struct arena *a, const struct actor *who, const char *action,
    const char *target_type, long long target_id, json_object *details)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", target_id);
	return db_exec(db, a, &store_activity, STMT_INSERT, DB_ARGS(
	    who->id > 0 ? DB_INT(who->id) : DB_NULL, DB_STR(who->id > 0 ? who->role : NULL),
	    DB_STR(action), DB_STR(target_type), target_id > 0 ? DB_STR(id) : DB_NULL,
	    details != NULL ? DB_STR(json_text(a, details, NULL)) : DB_NULL, DB_STR(who->ip)),
	    NULL);
}
