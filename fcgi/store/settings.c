#include "settings.h"

#include <limits.h>
#include <stdlib.h>

enum stmt {
	STMT_PUBLIC,
	STMT_ALL,
	STMT_VIEW,
	STMT_LOCK,
	STMT_VALUE,
	STMT_UPDATE,
	STMT_INSERT,
	STMT__MAX
};

#define SETTING_COLUMNS \
	"SELECT `key`, value AS `value:json`, is_public AS isPublic," \
	" description_ar AS descriptionAr, description_en AS descriptionEn," \
	" updated_at AS updatedAt FROM settings"

/* The lists are the whole (small) table in primary-key order. */
static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_PUBLIC] = { "SELECT `key`, value FROM settings WHERE is_public = 1"
	    " ORDER BY `key`", 0, 2, 0 },
	[STMT_ALL] = { SETTING_COLUMNS " ORDER BY `key`", 0, 6, 0 },
	[STMT_VIEW] = { SETTING_COLUMNS " WHERE `key` = ?", 1, 6, 0 },
	[STMT_LOCK] = { "SELECT value FROM settings WHERE `key` = ? FOR UPDATE", 1, 1, 0 },
	[STMT_VALUE] = { "SELECT value FROM settings WHERE `key` = ?", 1, 1, 0 },
	[STMT_UPDATE] = { "UPDATE settings SET value = ?, updated_by = ? WHERE `key` = ?", 3, 0,
	    0 },
	[STMT_INSERT] = { "INSERT INTO settings (`key`, value, is_public, description_ar,"
	    " description_en, updated_by) VALUES (?, ?, ?, ?, ?, ?)", 6, 0, 0 },
};

struct db_family store_settings = DB_FAMILY("settings", stmts);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_settings, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_settings_public(struct db *db, struct arena *a, json_object **out)
{
	enum { C_KEY, C_VALUE };
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_settings, STMT_PUBLIC, DB_NOARGS, &res)) != DB_OK)
		return rc;
	/* {"key": value}, as apps read it (seed 000: { settings }) */
	*out = json_object_new_object();
	for (i = 0; i < res.nrows; i++)
		json_object_object_add(*out, db_get(&res, i, C_KEY),
		    json_tokener_parse(db_get(&res, i, C_VALUE)));
	return DB_OK;
}

enum db_rc
db_settings_all(struct db *db, struct arena *a, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = db_exec(db, a, &store_settings, STMT_ALL, DB_NOARGS, &res)) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_settings_view(struct db *db, struct arena *a, const char *key, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_STR(key))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_settings_lock(struct db *db, struct arena *a, const char *key, const char **value)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_LOCK, &res, DB_STR(key))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*value = db_get(&res, 0, 0);
	return DB_OK;
}

enum db_rc
db_settings_value(struct db *db, struct arena *a, const char *key, const char **value)
{
	struct db_result res;
	enum db_rc rc;

	*value = NULL;
	if ((rc = RUN(db, a, STMT_VALUE, &res, DB_STR(key))) != DB_OK)
		return rc;
	if (res.nrows == 0 || (*value = db_get(&res, 0, 0)) == NULL)
		return DB_NOTFOUND;
	return DB_OK;
}

enum db_rc
db_settings_int(struct db *db, struct arena *a, const char *key, long long lo, long long hi,
    long long *value)
{
	const char *text;
	char *end;
	long long v;
	enum db_rc rc;

	if ((rc = db_settings_value(db, a, key, &text)) != DB_OK)
		return rc;
	v = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || v < lo || v > hi)
		return DB_NOTFOUND;
	*value = v;
	return DB_OK;
}

enum db_rc
db_settings_int_or(struct db *db, struct arena *a, const char *key, long long def,
    long long *value)
{
	enum db_rc rc = db_settings_int(db, a, key, 0, LLONG_MAX, value);

	if (rc == DB_OK)
		return DB_OK;
	*value = def;
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

enum db_rc
db_settings_update(struct db *db, struct arena *a, const char *key, const char *value,
    long long by)
{
	return RUN(db, a, STMT_UPDATE, NULL, DB_STR(value), DB_INT(by), DB_STR(key));
}

enum db_rc
db_settings_insert(struct db *db, struct arena *a, const struct setting_new *s)
{
	return RUN(db, a, STMT_INSERT, NULL, DB_STR(s->key), DB_STR(s->value),
	    DB_INT(s->is_public != 0), DB_STR(s->description_ar), DB_STR(s->description_en),
	    DB_INT(s->by));
}
