#include "codes.h"

enum stmt { STMT_RETIRE_USER, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_RETIRE_USER] = { "UPDATE one_time_codes SET used_at = CURRENT_TIMESTAMP(3)"
	    " WHERE user_id = ? AND used_at IS NULL", 1, 0, 0 },
};

struct db_family store_codes = DB_FAMILY("codes", stmts);

enum db_rc
db_codes_retire_user(struct db *db, struct arena *a, long long user_id)
{
	return db_exec(db, a, &store_codes, STMT_RETIRE_USER, DB_ARGS(DB_INT(user_id)), NULL);
}
