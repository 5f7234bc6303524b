#include "devices.h"

enum stmt { STMT_REGISTER, STMT_UNREGISTER, STMT_OF_USER, STMT_FORGET, STMT__MAX };

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_REGISTER] = { "INSERT INTO device_tokens (user_id, token, device, platform)"
	    " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE user_id = VALUES(user_id),"
	    " device = VALUES(device), platform = VALUES(platform), updated_at = NOW(3)",
	    4, 0, 0 },
	[STMT_UNREGISTER] = { "DELETE FROM device_tokens WHERE user_id = ? AND token = ?",
	    2, 0, 0 },
	[STMT_OF_USER] = { "SELECT token, platform FROM device_tokens WHERE user_id = ?"
	    " ORDER BY id DESC LIMIT ?", 2, 2, 0 },
	[STMT_FORGET] = { "DELETE FROM device_tokens WHERE token = ?", 1, 0, 0 },
};

struct db_family store_devices = DB_FAMILY("devices", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_devices, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_devices_register(struct db *db, struct arena *a, long long user_id, const char *token,
    const char *device, const char *platform)
{
	return RUN(db, a, STMT_REGISTER, NULL, DB_INT(user_id), DB_STR(token), DB_STR(device),
	    DB_STR(platform));
}

enum db_rc
db_devices_unregister(struct db *db, struct arena *a, long long user_id, const char *token,
    unsigned long long *n)
{
	struct db_result res;
	enum db_rc rc = RUN(db, a, STMT_UNREGISTER, &res, DB_INT(user_id), DB_STR(token));

	*n = rc == DB_OK ? res.affected : 0;
	return rc;
}

enum db_rc
db_devices_of_user(struct db *db, struct arena *a, long long user_id,
    struct device_token **out, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*out = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_OF_USER, &res, DB_INT(user_id), DB_INT(DEVICES_PER_USER)))
	    != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	*out = arena_alloc(a, res.nrows * sizeof(**out));
	for (i = 0; i < res.nrows; i++) {
		(*out)[i].token = db_get(&res, i, 0);
		(*out)[i].platform = db_get(&res, i, 1);
	}
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_devices_forget(struct db *db, struct arena *a, const char *token)
{
	return RUN(db, a, STMT_FORGET, NULL, DB_STR(token));
}
