/* /api/settings (seed 000 "System Settings"): public ones for everybody (cached),
 * all of them and changes for admins. A value is any JSON; changes bump the cache
 * version and land in the activity log. */
#include <ctype.h>
#include <string.h>

#include "../store/activity.h"
#include "../core/cache.h"
#include "../core/validate.h"
#include "api.h"

#define SETTING_COLUMNS \
	"SELECT `key`, value AS `value:json`, is_public AS isPublic," \
	" description_ar AS descriptionAr, description_en AS descriptionEn," \
	" updated_at AS updatedAt FROM settings"

static const char SQL_PUBLIC[] = SETTING_COLUMNS " WHERE is_public = 1 ORDER BY `key`";
static const char SQL_ALL[] = SETTING_COLUMNS " ORDER BY `key`";
static const char SQL_ONE[] = SETTING_COLUMNS " WHERE `key` = ?";
static const char SQL_UPDATE[] =
    "UPDATE settings SET value = ?, updated_by = ? WHERE `key` = ?";
static const char SQL_INSERT[] =
    "INSERT INTO settings (`key`, value, is_public, description_ar, description_en, updated_by)"
    " VALUES (?, ?, ?, ?, ?, ?)";

static const struct vfield update_fields[] = {
	{ "value", V_ANY, VF_REQUIRED | VF_NULLABLE, 0, 0, NULL, 0, NULL },
};

static const struct vfield create_fields[] = {
	{ "key", V_STRING, VF_REQUIRED, 1, 100, NULL, 0, NULL },
	{ "value", V_ANY, VF_REQUIRED | VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "isPublic", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "descriptionAr", V_STRING, 0, 0, 500, NULL, 0, NULL },
	{ "descriptionEn", V_STRING, 0, 0, 500, NULL, 0, NULL },
};

/* Keys are identifiers: lower case, digits, '_' and '.', starting with a letter. */
static int
key_ok(const char *k)
{
	if (k == NULL || !islower((unsigned char)k[0]) || strlen(k) > 100)
		return 0;
	for (; *k != '\0'; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_' && *k != '.')
			return 0;
	return 1;
}

/* {"key": value, ...} for the public list, as apps read it (seed 000: { settings }) */
static json_object *
settings_object(const struct db_result *res)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < res->nrows; i++)
		json_object_object_add(o, db_get(res, i, 0),
		    json_tokener_parse(db_get(res, i, 1)));
	return o;
}

void
settings_public(struct req *r)
{
	const struct cached *c;
	struct db_result res;
	enum db_rc rc;

	if ((c = cache_get(r->db, r->a, "settings", lang_code(r->lang),
	    r->cfg->cache_check_ms)) != NULL) {
		reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
		return;
	}
	if ((rc = db_run(r->db, r->a, SQL_PUBLIC, DB_NOARGS, &res)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	reply_ok(r, 200, MSG_SETTINGS_LIST, settings_object(&res));
	cache_put("settings", lang_code(r->lang), r->status, r->resp_body, r->resp_len);
}

void
settings_all(struct req *r)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_run(r->db, r->a, SQL_ALL, DB_NOARGS, &res)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	reply_ok(r, 200, MSG_SETTINGS_LIST, db_rows_json(&res));
}

static void
reply_setting(struct req *r, int status, enum msg msg, const char *key)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = db_run(r->db, r->a, SQL_ONE, DB_ARGS(DB_STR(key)), &res)) != DB_OK)
		reply_db_error(r, rc);
	else
		reply_ok(r, status, msg, db_row_json(&res, 0));
}

void
settings_update(struct req *r)
{
	const char *key = r->params[0];
	json_object *value;
	struct db_result res;
	enum db_rc rc;

	if (!key_ok(key)) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if (validate_or_reply(r, r->json, update_fields, NFIELDS(update_fields)) != 0)
		return;
	json_object_object_get_ex(r->json, "value", &value);
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_UPDATE, DB_ARGS(
	    DB_STR(value ? json_text(r->a, value, NULL) : "null"), DB_INT(r->user.id),
	    DB_STR(key)), &res)) != DB_OK)
		goto fail;
	if (res.affected == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "setting.update", "setting", 0, r->json)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "settings")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_setting(r, 200, MSG_SETTING_UPDATED, key);
	return;
fail:
	reply_rollback(r, rc);
}

void
settings_create(struct req *r)
{
	const char *key = json_get_str(r->json, "key");
	json_object *value;
	int pub = 0;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, create_fields, NFIELDS(create_fields)) != 0)
		return;
	if (!key_ok(key)) {
		reply_field_error(r, ERR_VALIDATION, "key", "INVALID_FORMAT", MSG_V_INVALID_FORMAT);
		return;
	}
	json_object_object_get_ex(r->json, "value", &value);
	(void)json_get_bool(r->json, "isPublic", &pub);
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_INSERT, DB_ARGS(DB_STR(key),
	    DB_STR(value ? json_text(r->a, value, NULL) : "null"), DB_INT(pub),
	    DB_STR(json_get_str(r->json, "descriptionAr")), DB_STR(json_get_str(r->json, "descriptionEn")),
	    DB_INT(r->user.id)), NULL)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "setting.create", "setting", 0, r->json)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "settings")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_setting(r, 201, MSG_SETTING_CREATED, key);
	return;
fail:
	db_rollback(r->db);
	if (rc == DB_DUP)
		reply_field_error(r, ERR_CONFLICT, "key", "DUPLICATE", MSG_ERR_CONFLICT);
	else
		reply_db_error(r, rc);
}
