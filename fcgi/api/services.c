/* /api/services: the bilingual catalog (seed 000 "Services Model", DESIGN.md §5).
 * Reads are public and served from the per-worker answer cache (core/cache.h); writes
 * are for admins and moderators, run in one transaction with the activity log and the
 * cache version bump. */
#include <stdio.h>
#include <string.h>

#include "../store/activity.h"
#include "../core/cache.h"
#include "../core/validate.h"
#include "api.h"

#define SERVICE_COLUMNS \
	"SELECT s.id, s.name_ar AS nameAr, s.name_en AS nameEn," \
	" s.description_ar AS descriptionAr, s.description_en AS descriptionEn," \
	" s.category, s.sub_category AS subCategory, s.duration_minutes AS duration," \
	" s.base_price AS `price.basePrice`, s.currency AS `price.currency`," \
	" s.is_active AS `availability.isActive`," \
	" s.working_hours_start AS `availability.workingHours.start`," \
	" s.working_hours_end AS `availability.workingHours.end`," \
	" s.working_days AS `availability.workingDays:json`," \
	" s.emergency_available AS `availability.emergencyAvailable`," \
	" s.requires_approval AS `requirements.requiresApproval`," \
	" s.admin_approval_only AS `requirements.adminApprovalOnly`," \
	" s.images AS `media.images:json`, s.icon AS `media.icon`, s.tags AS `tags:json`," \
	" s.is_popular AS isPopular, s.sort_order AS sortOrder," \
	" s.created_at AS createdAt, s.updated_at AS updatedAt" \
	" FROM services s"

/* Filters are bound as (? IS NULL OR ...): one statement for every combination. */
#define SERVICE_FILTER \
	" WHERE s.deleted_at IS NULL AND s.is_active = 1" \
	" AND (? IS NULL OR s.category = ?)" \
	" AND (? IS NULL OR s.is_popular = ?)" \
	" AND (? = 0 OR s.emergency_available = 1 OR s.category = 'emergency')" \
	" AND (? IS NULL OR s.name_ar LIKE ? OR s.name_en LIKE ? OR s.description_ar LIKE ?" \
	"      OR s.description_en LIKE ? OR s.tags LIKE ?)"

static const char SQL_LIST[] = SERVICE_COLUMNS SERVICE_FILTER
    " ORDER BY s.is_popular DESC, s.sort_order, s.id LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM services s" SERVICE_FILTER;
/* a switched-off service is visible to staff only */
static const char SQL_GET[] = SERVICE_COLUMNS
    " WHERE s.id = ? AND s.deleted_at IS NULL AND (s.is_active = 1 OR ? = 1)";
static const char SQL_CATEGORIES[] =
    "SELECT c.`key`, c.kind, c.name_ar AS nameAr, c.name_en AS nameEn, c.icon,"
    " c.sort_order AS sortOrder,"
    " (SELECT COUNT(*) FROM services s WHERE s.category = c.`key`"
    "   AND s.deleted_at IS NULL AND s.is_active = 1) AS servicesCount"
    " FROM service_categories c ORDER BY c.kind, c.sort_order, c.`key`";
static const char SQL_INSERT[] =
    "INSERT INTO services (name_ar, name_en, description_ar, description_en, category,"
    " sub_category, duration_minutes, base_price, is_active, working_hours_start,"
    " working_hours_end, working_days, emergency_available, requires_approval,"
    " admin_approval_only, images, icon, tags, is_popular, sort_order)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_UPDATE[] =
    "UPDATE services SET name_ar = ?, name_en = ?, description_ar = ?, description_en = ?,"
    " category = ?, sub_category = ?, duration_minutes = ?, base_price = ?, is_active = ?,"
    " working_hours_start = ?, working_hours_end = ?, working_days = ?,"
    " emergency_available = ?, requires_approval = ?, admin_approval_only = ?, images = ?,"
    " icon = ?, tags = ?, is_popular = ?, sort_order = ?"
    " WHERE id = ? AND deleted_at IS NULL";
static const char SQL_DELETE[] =
    "UPDATE services SET deleted_at = CURRENT_TIMESTAMP(3), is_active = 0"
    " WHERE id = ? AND deleted_at IS NULL";
static const char SQL_ROW[] =
    "SELECT name_ar, name_en, description_ar, description_en, category, sub_category,"
    " duration_minutes, base_price, is_active, working_hours_start, working_hours_end,"
    " working_days, emergency_available, requires_approval, admin_approval_only, images,"
    " icon, tags, is_popular, sort_order FROM services WHERE id = ? AND deleted_at IS NULL"
    " FOR UPDATE";

static const char *const days[] = { "sunday", "monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", NULL };

/* The body of POST /api/services; PUT takes the same fields, none required. */
static const struct vfield service_fields[] = {
	{ "nameAr", V_STRING, VF_REQUIRED, 1, 200, NULL, 0, NULL },
	{ "nameEn", V_STRING, VF_REQUIRED, 1, 200, NULL, 0, NULL },
	{ "descriptionAr", V_STRING, VF_REQUIRED, 1, 4000, NULL, 0, NULL },
	{ "descriptionEn", V_STRING, VF_REQUIRED, 1, 4000, NULL, 0, NULL },
	{ "category", V_STRING, VF_REQUIRED, 1, 40, NULL, 0, NULL },
	{ "subCategory", V_STRING, VF_NULLABLE, 0, 100, NULL, 0, NULL },
	{ "duration", V_INT, VF_NULLABLE, 1, 100000, NULL, 0, NULL },
	{ "price", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "price.basePrice", V_INT, 0, 0, 100000000, NULL, 0, NULL },      /* piastres: up to 1M EGP */
	{ "availability", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "availability.isActive", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "availability.workingHours", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "availability.workingHours.start", V_HHMM, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "availability.workingHours.end", V_HHMM, VF_NULLABLE, 0, 0, NULL, 0, NULL },
	{ "availability.workingDays", V_STRINGS, VF_NULLABLE, 0, 7, NULL, 0, NULL },
	{ "availability.emergencyAvailable", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "requirements", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "requirements.requiresApproval", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "requirements.adminApprovalOnly", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "media", V_OBJECT, 0, 0, 0, NULL, 0, NULL },
	{ "media.images", V_STRINGS, VF_NULLABLE, 0, 20, NULL, 0, NULL },
	{ "media.icon", V_STRING, VF_NULLABLE, 0, 512, NULL, 0, NULL },
	{ "tags", V_STRINGS, VF_NULLABLE, 0, 30, NULL, 0, NULL },
	{ "isPopular", V_BOOL, 0, 0, 0, NULL, 0, NULL },
	{ "sortOrder", V_INT, 0, -1000000, 1000000, NULL, 0, NULL },
};

/* One service's column values, as text, in SQL_INSERT order. */
enum { SV_NAME_AR, SV_NAME_EN, SV_DESC_AR, SV_DESC_EN, SV_CATEGORY, SV_SUB, SV_DURATION,
	SV_PRICE, SV_ACTIVE, SV_START, SV_END, SV_DAYS, SV_EMERGENCY, SV_APPROVAL,
	SV_ADMIN_ONLY, SV_IMAGES, SV_ICON, SV_TAGS, SV_POPULAR, SV_SORT, SV__MAX };

struct svc {
	const char *v[SV__MAX];   /* NULL is SQL NULL */
};

static const struct { const char *path; int col; } svc_paths[] = {
	{ "nameAr", SV_NAME_AR }, { "nameEn", SV_NAME_EN },
	{ "descriptionAr", SV_DESC_AR }, { "descriptionEn", SV_DESC_EN },
	{ "category", SV_CATEGORY }, { "subCategory", SV_SUB }, { "duration", SV_DURATION },
	{ "price.basePrice", SV_PRICE }, { "availability.isActive", SV_ACTIVE },
	{ "availability.workingHours.start", SV_START },
	{ "availability.workingHours.end", SV_END },
	{ "availability.workingDays", SV_DAYS },
	{ "availability.emergencyAvailable", SV_EMERGENCY },
	{ "requirements.requiresApproval", SV_APPROVAL },
	{ "requirements.adminApprovalOnly", SV_ADMIN_ONLY },
	{ "media.images", SV_IMAGES }, { "media.icon", SV_ICON }, { "tags", SV_TAGS },
	{ "isPopular", SV_POPULAR }, { "sortOrder", SV_SORT },
};

static void
svc_defaults(struct svc *s)
{
	memset(s, 0, sizeof(*s));
	s->v[SV_PRICE] = "0";
	s->v[SV_ACTIVE] = "1";
	s->v[SV_EMERGENCY] = "0";
	s->v[SV_APPROVAL] = "0";
	s->v[SV_ADMIN_ONLY] = "0";
	s->v[SV_POPULAR] = "0";
	s->v[SV_SORT] = "0";
}

/* Copies every field present in the (validated) body over s. */
static void
svc_apply(struct req *r, struct svc *s, json_object *body)
{
	size_t i;

	for (i = 0; i < sizeof(svc_paths) / sizeof(svc_paths[0]); i++) {
		const char *path = svc_paths[i].path, *last = strrchr(path, '.');
		json_object *parent = body, *v;

		if (last != NULL)
			parent = json_path(body, arena_strndup(r->a, path, (size_t)(last - path)));
		if (parent == NULL || !json_object_is_type(parent, json_type_object) ||
		    !json_object_object_get_ex(parent, last ? last + 1 : path, &v))
			continue;
		if (v == NULL)
			s->v[svc_paths[i].col] = NULL;
		else if (json_object_is_type(v, json_type_boolean))
			s->v[svc_paths[i].col] = json_object_get_boolean(v) ? "1" : "0";
		else if (json_object_is_type(v, json_type_array))
			s->v[svc_paths[i].col] = arena_strdup(r->a, json_text(r->a, v, NULL));
		else
			s->v[svc_paths[i].col] = arena_strdup(r->a, json_object_get_string(v));
	}
}

/* Rules beyond the field list: known day names, start before end. */
static int
svc_check(struct req *r, json_object *body, const struct svc *s)
{
	json_object *d = json_path(body, "availability.workingDays");
	size_t i, j;

	for (i = 0; d != NULL && json_object_is_type(d, json_type_array) &&
	    i < json_object_array_length(d); i++) {
		const char *day = json_object_get_string(json_object_array_get_idx(d, i));

		for (j = 0; days[j] != NULL && strcmp(days[j], day) != 0; j++)
			;
		if (days[j] == NULL) {
			reply_field_error(r, ERR_VALIDATION, "availability.workingDays",
			    "INVALID_VALUE", MSG_V_INVALID_VALUE);
			return -1;
		}
	}
	if (s->v[SV_START] != NULL && s->v[SV_END] != NULL &&
	    strcmp(s->v[SV_START], s->v[SV_END]) >= 0) {
		reply_field_error(r, ERR_VALIDATION, "availability.workingHours.end",
		    "OUT_OF_RANGE", MSG_V_OUT_OF_RANGE);
		return -1;
	}
	return 0;
}

#define SVC_ARGS(s) \
	DB_STR((s)->v[SV_NAME_AR]), DB_STR((s)->v[SV_NAME_EN]), DB_STR((s)->v[SV_DESC_AR]), \
	DB_STR((s)->v[SV_DESC_EN]), DB_STR((s)->v[SV_CATEGORY]), DB_STR((s)->v[SV_SUB]), \
	DB_STR((s)->v[SV_DURATION]), DB_STR((s)->v[SV_PRICE]), DB_STR((s)->v[SV_ACTIVE]), \
	DB_STR((s)->v[SV_START]), DB_STR((s)->v[SV_END]), DB_STR((s)->v[SV_DAYS]), \
	DB_STR((s)->v[SV_EMERGENCY]), DB_STR((s)->v[SV_APPROVAL]), \
	DB_STR((s)->v[SV_ADMIN_ONLY]), DB_STR((s)->v[SV_IMAGES]), DB_STR((s)->v[SV_ICON]), \
	DB_STR((s)->v[SV_TAGS]), DB_STR((s)->v[SV_POPULAR]), DB_STR((s)->v[SV_SORT])

/* Maps a write's failure to the answer: a taken name is 409, an unknown category 422. */
static void
reply_write_error(struct req *r, enum db_rc rc)
{
	if (rc == DB_DUP)
		reply_field_error(r, ERR_CONFLICT, "nameEn", "DUPLICATE", MSG_ERR_CONFLICT);
	else if (rc == DB_FK)
		reply_field_error(r, ERR_VALIDATION, "category", "INVALID_VALUE", MSG_V_INVALID_VALUE);
	else
		reply_db_error(r, rc);
}

static json_object *
load_service(struct req *r, long long id, enum db_rc *rc)
{
	struct db_result res;
	int staff = r->user.id != 0 && (r->user.role & ROLE_STAFF) != 0;

	*rc = db_run(r->db, r->a, SQL_GET, DB_ARGS(DB_INT(id), DB_INT(staff)), &res);
	if (*rc != DB_OK || res.nrows == 0)
		return NULL;
	return db_row_json(&res, 0);
}

/* --- reads --- */

static void
list(struct req *r, int emergency_only)
{
	const char *category = req_query(r, "category"), *popular = req_query(r, "isPopular");
	const struct cached *c;
	long long page, limit;
	char *key, *like = NULL;
	const char *pop = NULL;

	key = arena_join(r->a, "|", lang_code(r->lang), emergency_only ? "1" : "0",
	    r->query_string ? r->query_string : "", (char *)NULL);
	if ((c = cache_get(r->db, r->a, "catalog", key, r->cfg->cache_check_ms)) != NULL) {
		reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
		return;
	}
	if (req_page(r, &page, &limit) != 0)
		return;
	if (emergency_only && req_query(r, "limit") == NULL)
		limit = 100;
	if (popular != NULL) {
		if (strcmp(popular, "true") == 0)
			pop = "1";
		else if (strcmp(popular, "false") == 0)
			pop = "0";
		else {
			reply_field_error(r, ERR_VALIDATION, "isPopular", "INVALID_VALUE",
			    MSG_V_INVALID_VALUE);
			return;
		}
	}
	if (category != NULL && (*category == '\0' || strlen(category) > 40))
		category = NULL;
	if (req_search(r, "search", 100, &like) != 0)
		return;
	reply_paged(r, MSG_SERVICE_LIST, SQL_COUNT, SQL_LIST, DB_ARGS(DB_STR(category),
	    DB_STR(category), DB_STR(pop), DB_STR(pop), DB_INT(emergency_only), DB_STR(like),
	    DB_STR(like), DB_STR(like), DB_STR(like), DB_STR(like), DB_STR(like)), page, limit);
	if (r->status == 200)
			cache_put("catalog", key, r->status, r->resp_body, r->resp_len);
}

void
services_list(struct req *r)
{
	list(r, 0);
}

void
services_emergency(struct req *r)
{
	list(r, 1);
}

void
services_categories(struct req *r)
{
	const char *key = lang_code(r->lang);
	const struct cached *c;
	struct db_result res;
	enum db_rc rc;

	if ((c = cache_get(r->db, r->a, "catalog", key, r->cfg->cache_check_ms)) != NULL) {
		reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
		return;
	}
	if ((rc = db_run(r->db, r->a, SQL_CATEGORIES, DB_NOARGS, &res)) != DB_OK) {
		reply_db_error(r, rc);
		return;
	}
	reply_ok(r, 200, MSG_SERVICES_CATEGORIES, db_rows_json(&res));
	cache_put("catalog", key, r->status, r->resp_body, r->resp_len);
}

void
services_get(struct req *r)
{
	json_object *svc;
	long long id;
	enum db_rc rc;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if ((svc = load_service(r, id, &rc)) != NULL)
		reply_ok(r, 200, MSG_SERVICE_FOUND, svc);
	else if (rc != DB_OK)
		reply_db_error(r, rc);
	else
		reply_error(r, ERR_NOT_FOUND, NULL);
}

/* --- writes --- */

/* Inserts one validated service; returns its id or 0 with *rc set. */
static long long
insert_service(struct req *r, json_object *body, enum db_rc *rc)
{
	struct db_result res;
	struct svc s;

	svc_defaults(&s);
	svc_apply(r, &s, body);
	*rc = db_run(r->db, r->a, SQL_INSERT, DB_ARGS(SVC_ARGS(&s)), &res);
	return *rc == DB_OK ? (long long)res.insert_id : 0;
}

void
services_create(struct req *r)
{
	json_object *svc = NULL, *d;
	struct svc s;
	long long id = 0;
	enum db_rc rc;

	if (validate_or_reply(r, r->json, service_fields, NFIELDS(service_fields)) != 0)
		return;
	svc_defaults(&s);
	svc_apply(r, &s, r->json);
	if (svc_check(r, r->json, &s) != 0)
		return;
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((id = insert_service(r, r->json, &rc)) == 0)
		goto fail;
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "nameEn", json_object_new_string(s.v[SV_NAME_EN]));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.create", "service", id, d)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	if ((svc = load_service(r, id, &rc)) == NULL)
		goto fail;
	reply_ok(r, 201, MSG_SERVICE_CREATED, svc);
	return;
fail:
	db_rollback(r->db);
	reply_write_error(r, rc);
}

void
services_bulk(struct req *r)
{
	json_object *items = r->json, *out, *errs;
	enum db_rc rc = DB_OK;
	size_t i, n;

	/* seed 002 posts a bare array; {"services": [...]} is accepted too */
	if (json_object_is_type(items, json_type_object))
		items = json_path(items, "services");
	if (items == NULL || !json_object_is_type(items, json_type_array) ||
	    (n = json_object_array_length(items)) == 0 || n > 100) {
		reply_field_error(r, ERR_VALIDATION, "services", items == NULL ? "REQUIRED" :
		    "OUT_OF_RANGE", items == NULL ? MSG_V_REQUIRED : MSG_V_OUT_OF_RANGE);
		return;
	}
	/* every item is checked before anything is written; errors name "[i].field" */
	errs = json_owned(r->a, json_object_new_array());
	for (i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(items, i), *e = NULL;
		size_t k;

		if (validate(item, service_fields, NFIELDS(service_fields), r->lang, &e) == 0)
			continue;
		for (k = 0; k < json_object_array_length(e); k++) {
			json_object *one = json_object_array_get_idx(e, k), *f;
			const char *name;

			json_object_object_get_ex(one, "field", &f);
			name = arena_printf(r->a, "[%zu].%s", i, json_object_get_string(f));
			json_object_object_add(one, "field", json_object_new_string(name));
			json_object_array_add(errs, json_object_get(one));
		}
		json_object_put(e);
	}
	if (json_object_array_length(errs) > 0) {
		reply_error(r, ERR_VALIDATION, json_object_get(errs));
		return;
	}
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	out = json_owned(r->a, json_object_new_array());
	for (i = 0; i < n; i++) {
		long long id = insert_service(r, json_object_array_get_idx(items, i), &rc);
		json_object *svc;

		if (id == 0 || (rc = db_activity_record(r->db, r->a, req_actor(r), "service.create", "service", id, NULL)) != DB_OK)
			goto fail;
		if ((svc = load_service(r, id, &rc)) == NULL)
			goto fail;
		json_object_array_add(out, svc);
	}
	if ((rc = cache_bump(r->db, r->a, "catalog")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 201, MSG_SERVICES_BULK_CREATED, json_object_get(out));
	return;
fail:
	db_rollback(r->db);
	reply_write_error(r, rc == DB_OK ? DB_ERR : rc);
}

void
services_update(struct req *r)
{
	struct vfield fields[NFIELDS(service_fields)];
	struct db_result row;
	json_object *svc;
	struct svc s;
	long long id;
	enum db_rc rc;
	size_t i;

	if (req_param_id(r, 0, &id) != 0)
		return;
	/* the same fields as create, none required */
	for (i = 0; i < NFIELDS(service_fields); i++) {
		fields[i] = service_fields[i];
		fields[i].flags &= ~(unsigned)VF_REQUIRED;
	}
	if (validate_or_reply(r, r->json, fields, NFIELDS(fields)) != 0)
		return;
	if (begin_locked_row(r, SQL_ROW, id, &row) != 0)
		return;
	for (i = 0; i < SV__MAX; i++)
		s.v[i] = db_get(&row, 0, i);
	svc_apply(r, &s, r->json);
	if (svc_check(r, r->json, &s) != 0) {
		db_rollback(r->db);
		return;
	}
	if ((rc = db_run(r->db, r->a, SQL_UPDATE, DB_ARGS(SVC_ARGS(&s), DB_INT(id)), NULL)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "service.update", "service", id, r->json)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	if ((svc = load_service(r, id, &rc)) == NULL)
		goto fail;
	reply_ok(r, 200, MSG_SERVICE_UPDATED, svc);
	return;
fail:
	db_rollback(r->db);
	reply_write_error(r, rc == DB_OK ? DB_ERR : rc);
}

void
services_delete(struct req *r)
{
	struct db_result res;
	long long id;
	enum db_rc rc;

	if (req_param_id(r, 0, &id) != 0)
		return;
	if ((rc = db_begin(r->db)) != DB_OK)
		goto fail;
	if ((rc = db_run(r->db, r->a, SQL_DELETE, DB_ARGS(DB_INT(id)), &res)) != DB_OK)
		goto fail;
	if (res.affected == 0) {
		db_rollback(r->db);
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.delete", "service", id, NULL)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK || (rc = db_commit(r->db)) != DB_OK)
		goto fail;
	reply_ok(r, 200, MSG_SERVICE_DELETED, NULL);
	return;
fail:
	reply_rollback(r, rc);
}
