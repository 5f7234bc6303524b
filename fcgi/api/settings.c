/* /api/settings (seed 000 "System Settings"): public ones for everybody (cached),
 * all of them and changes for admins. A value is any JSON; a change is one unit of work
 * with its activity log row and the cache version bump. */
#include <ctype.h>
#include <string.h>

#include "../core/cache.h"
#include "../core/router.h"
#include "../core/validate.h"
#include "../domain/settings_rules.h"
#include "../store/activity.h"
#include "../store/settings.h"
#include "api.h"

/* Keys are identifiers: lower case, digits, '_' and '.', starting with a letter. */
static int
key_ok(const char *k)
{
	if (k == NULL || !islower((unsigned char)k[0]) || strlen(k) > 100)
		return 0;
	for (; *k != '\0'; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_' &&
		    *k != '.')
			return 0;
	return 1;
}

static const char *
check_key(struct in_val *v, struct arena *a, enum msg *msg)
{
	(void)a;
	*msg = MSG_V_SETTING_KEY;
	return key_ok(v->s) ? NULL : "INVALID_FORMAT";
}

/* A declared value as the JSON text stored (JSON null included). */
static const char *
value_text(struct arena *a, const struct in_val *v)
{
	return v->null ? "null" : arena_strdup(a, json_text(a, v->j, NULL));
}

/* Facts of the code, served beside the settings but not settings: no value an admin
 * could store would change them (docs/settings.md). */
static const struct { const char *key, *json; } facts[] = {
	{ "currency", "\"EGP\"" },                     /* amounts are piastres of EGP */
	{ "timezone", "\"Africa/Cairo\"" },            /* core/cairo_time.c */
	{ "supported_languages", "[\"ar\",\"en\"]" },  /* core/i18n.c */
};

static int
is_fact(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (strcmp(facts[i].key, key) == 0)
			return 1;
	return 0;
}

static void
add_facts(json_object *pub)
{
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		json_object_object_add(pub, facts[i].key, json_tokener_parse(facts[i].json));
}

/* A value for a setting the code reads must fit its rule: 422 naming "value". */
static enum err
check_value(struct req *r, const char *key, json_object *v)
{
	const struct setting_rule *rule = setting_rule(key);
	const char *code;

	if (rule == NULL || (code = setting_value_check(rule, v)) == NULL)
		return ERR_OK;
	return fail_field(r, ERR_VALIDATION, "value", code, MSG_V_SETTING_VALUE);
}

enum err
settings_public(struct req *r)
{
	const struct cached *c;
	json_object *pub;
	enum db_rc rc;
	enum err e;

	if ((c = cache_get(r->db, r->a, "settings", lang_code(r->lang),
	    r->cfg->cache_check_ms)) != NULL)
		return reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
	if ((rc = db_settings_public(r->db, r->a, &pub)) != DB_OK)
		return fail_db(r, rc);
	add_facts(pub);
	if ((e = reply_ok(r, 200, MSG_SETTINGS_LIST, pub)) == ERR_OK)
		cache_put("settings", lang_code(r->lang), r->status, r->resp_body, r->resp_len);
	return e;
}

enum err
settings_all(struct req *r)
{
	json_object *all;
	enum db_rc rc;

	if ((rc = db_settings_all(r->db, r->a, &all)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, 200, MSG_SETTINGS_LIST, all);
}

static enum err
reply_setting(struct req *r, int status, enum msg msg, const char *key)
{
	json_object *s;
	enum db_rc rc;

	if ((rc = db_settings_view(r->db, r->a, key, &s)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, status, msg, s);
}

/* --- PUT /api/settings/:key --- */

struct update_in {
	struct in_val value;
};

static const struct vfield update_fields[] = {
	{ "value", V_ANY, VF_REQUIRED | VF_NULLABLE, 0, 0, NULL, IN(struct update_in, value),
	    NULL },
};

const struct input settings_update_input = INPUT(struct update_in, update_fields, NULL);

struct update_tx {
	const char *key;
	const char *value;     /* JSON text */
};

static enum err
update_work(struct req *r, void *ctx)
{
	const struct update_tx *u = ctx;
	json_object *d, *was, *now;
	const char *old;
	enum db_rc rc;

	if ((rc = db_settings_lock(r->db, r->a, u->key, &old)) != DB_OK)
		return fail_db(r, rc);
	/* the details name the setting and, when it changed, its value before and after */
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "key", json_object_new_string(u->key));
	was = json_owned(r->a, json_tokener_parse(old));
	now = json_owned(r->a, json_tokener_parse(u->value));
	if (!json_object_equal(was, now)) {
		json_object *ch = json_object_new_object();

		json_object_object_add(ch, "from", json_object_get(was));
		json_object_object_add(ch, "to", json_object_get(now));
		json_object_object_add(d, "value", ch);
	}
	if ((rc = db_settings_update(r->db, r->a, u->key, u->value, r->user.id)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "setting.update", "setting", 0,
	    d)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "settings")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
settings_update(struct req *r)
{
	const struct update_in *in = r->in;
	struct update_tx u;
	enum err e;

	u.key = r->params[0];
	if (!key_ok(u.key))
		return fail(r, ERR_NOT_FOUND);
	if ((e = check_value(r, u.key, in->value.null ? NULL : in->value.j)) != ERR_OK)
		return e;
	u.value = value_text(r->a, &in->value);
	if ((e = req_tx(r, update_work, &u)) != ERR_OK)
		return e;
	return reply_setting(r, 200, MSG_SETTING_UPDATED, u.key);
}

/* --- POST /api/settings --- */

struct create_in {
	struct in_val key, value, is_public, description_ar, description_en;
};

static const struct vfield create_fields[] = {
	{ "key", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct create_in, key), check_key },
	{ "value", V_ANY, VF_REQUIRED | VF_NULLABLE, 0, 0, NULL, IN(struct create_in, value),
	    NULL },
	{ "isPublic", V_BOOL, 0, 0, 0, NULL, IN(struct create_in, is_public), NULL },
	{ "descriptionAr", V_STRING, 0, 0, 500, NULL, IN(struct create_in, description_ar),
	    NULL },
	{ "descriptionEn", V_STRING, 0, 0, 500, NULL, IN(struct create_in, description_en),
	    NULL },
};

const struct input settings_create_input = INPUT(struct create_in, create_fields, NULL);

static enum err
create_work(struct req *r, void *ctx)
{
	const struct setting_new *s = ctx;
	json_object *d;
	enum db_rc rc;

	/* the primary key has no name of its own for fcgi/store/keys.c: a duplicate here
	 * can only be the key */
	if ((rc = db_settings_insert(r->db, r->a, s)) == DB_DUP)
		return fail_field(r, ERR_CONFLICT, "key", "DUPLICATE", MSG_V_SETTING_KEY_TAKEN);
	if (rc != DB_OK)
		return fail_db(r, rc);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "key", json_object_new_string(s->key));
	json_object_object_add(d, "value", json_tokener_parse(s->value));
	json_object_object_add(d, "isPublic", json_object_new_boolean(s->is_public));
	if (s->description_ar != NULL)
		json_object_object_add(d, "descriptionAr", json_object_new_string(s->description_ar));
	if (s->description_en != NULL)
		json_object_object_add(d, "descriptionEn", json_object_new_string(s->description_en));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "setting.create", "setting", 0,
	    d)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "settings")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
settings_create(struct req *r)
{
	const struct create_in *in = r->in;
	struct setting_new s;
	enum err e;

	s.key = in->key.s;
	if (is_fact(s.key))
		return fail_field(r, ERR_CONFLICT, "key", "DUPLICATE", MSG_V_SETTING_KEY_TAKEN);
	if ((e = check_value(r, s.key, in->value.null ? NULL : in->value.j)) != ERR_OK)
		return e;
	s.value = value_text(r->a, &in->value);
	s.is_public = in->is_public.set && in->is_public.i;
	s.description_ar = in->description_ar.set ? in->description_ar.s : NULL;
	s.description_en = in->description_en.set ? in->description_en.s : NULL;
	s.by = r->user.id;
	if ((e = req_tx(r, create_work, &s)) != ERR_OK)
		return e;
	return reply_setting(r, 201, MSG_SETTING_CREATED, s.key);
}

/* --- the language of people who name none --- */

enum lang
settings_default_lang(struct req *r)
{
	const char *v;
	json_object *j;

	/* a failed read keeps the code's default (Arabic): a registration never fails
	 * for its language */
	if (!r->lang_fixed && db_settings_value(r->db, r->a, "default_language", &v) == DB_OK &&
	    (j = json_owned(r->a, json_tokener_parse(v))) != NULL &&
	    json_object_is_type(j, json_type_string))
		req_set_user_lang(r, json_object_get_string(j));
	return r->lang;
}

/* --- the app version gate (docs/settings.md) --- */

#define MIN_VERSION_KEY "min_app_version"

/* The min_app_version setting's JSON text, or NULL when it is absent or unreadable;
 * cached with the settings (absent too, as a 404 entry). */
static const char *
min_versions(struct req *r)
{
	const struct cached *c;
	const char *v;
	enum db_rc rc;

	if ((c = cache_get(r->db, r->a, "settings", MIN_VERSION_KEY,
	    r->cfg->cache_check_ms)) != NULL)
		return c->status == 200 ? c->body : NULL;
	rc = db_settings_value(r->db, r->a, MIN_VERSION_KEY, &v);
	if (rc == DB_NOTFOUND)
		cache_put("settings", MIN_VERSION_KEY, 404, "", 0);
	if (rc != DB_OK)
		return NULL;   /* unreadable: the handler meets the outage itself */
	cache_put("settings", MIN_VERSION_KEY, 200, v, strlen(v));
	return v;
}

enum err
app_version_gate(struct req *r, unsigned route_flags)
{
	const char *platform = req_env(r, "HTTP_X_APP_PLATFORM");
	const char *version = req_env(r, "HTTP_X_APP_VERSION");
	const char *text;
	json_object *all, *min;
	long have[4], need[4];

	/* the web and other clients send no platform: never gated */
	if ((route_flags & ROUTE_ANY_APP_VERSION) || platform == NULL || version == NULL ||
	    (strcmp(platform, "android") != 0 && strcmp(platform, "ios") != 0))
		return ERR_OK;
	if (app_version_parse(version, have) != 0)
		return fail_msg(r, ERR_BAD_REQUEST, MSG_APP_VERSION_BAD);
	if ((text = min_versions(r)) == NULL ||
	    (all = json_owned(r->a, json_tokener_parse(text))) == NULL ||
	    !json_object_object_get_ex(all, platform, &min) ||
	    !json_object_is_type(min, json_type_string) ||
	    app_version_parse(json_object_get_string(min), need) != 0 ||
	    app_version_cmp(have, need) >= 0)
		return ERR_OK;
	/* the value passed the setting's rule: digits and dots only */
	resp_header_keep(r, "X-Min-App-Version: %s", json_object_get_string(min));
	return fail(r, ERR_UPGRADE_REQUIRED);
}
