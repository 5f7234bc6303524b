/* /api/services: the bilingual catalog (seed 000 "Services Model", docs/architecture.md).
 * Reads are public and served from the per-worker answer cache (core/cache.h); writes
 * are for admins and moderators, each one unit of work with its activity log row and
 * the cache version bump. */
#include <stdlib.h>
#include <string.h>

#include "../core/cache.h"
#include "../core/validate.h"
#include "../store/activity.h"
#include "../store/services.h"
#include "api.h"
#include "upload_refs.h"
#include "../store/uploads.h"

/* --- the declared body --- */

struct service_in {
	struct in_val name_ar, name_en, desc_ar, desc_en, category, sub_category, duration;
	struct in_val price;
	struct in_val hours_start, hours_end, days, is_active, emergency;
	struct in_val approval, admin_only;
	struct in_val images, image_ids, icon;
	struct in_val tags, is_popular, sort_order;
	struct in_val title, description, color, icon_top;   /* seed 002's names */
};

static const char *const days[] = { "sunday", "monday", "tuesday", "wednesday", "thursday",
	"friday", "saturday", NULL };

/* Known day names, each once. */
static const char *
check_days(struct in_val *v, struct arena *a, enum msg *msg)
{
	unsigned seen = 0;
	size_t i, j;

	(void)a;
	*msg = MSG_V_WORKING_DAYS;
	for (i = 0; i < json_object_array_length(v->j); i++) {
		const char *day = json_object_get_string(json_object_array_get_idx(v->j, i));

		for (j = 0; days[j] != NULL && strcmp(days[j], day) != 0; j++)
			;
		if (days[j] == NULL || (seen & (1u << j)))
			return "INVALID_VALUE";
		seen |= 1u << j;
	}
	*msg = MSG_NONE;
	return NULL;
}

/* "HH:mm" texts (either may be NULL): a day's hours start before they end. */
static int
hours_in_order(const char *start, const char *end)
{
	return start == NULL || end == NULL || strcmp(start, end) < 0;
}

/* Across fields: the hours given start before they end. (An update that gives one of
 * them is checked again against the other, stored one, in update_work.) */
static void
check_hours(const void *p, json_object *errs, enum lang lang)
{
	const struct service_in *in = p;

	if (!hours_in_order(in->hours_start.set ? in->hours_start.s : NULL,
	    in->hours_end.set ? in->hours_end.s : NULL))
		verror_add(errs, lang, "availability.workingHours.end", "OUT_OF_RANGE",
		    MSG_V_HOURS_ORDER);
}

/* A colour as seed 002 gives one: "#rgb", "#rrggbb" (or with alpha) or a CSS name. */
static const char *
color_ok(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *p = v->s;
	size_t n = strlen(p), i;

	(void)a;
	*msg = MSG_V_INVALID_FORMAT;
	if (p[0] == '#') {
		if (n != 4 && n != 5 && n != 7 && n != 9)
			return "INVALID_FORMAT";
		for (i = 1; i < n; i++)
			if (!strchr("0123456789abcdefABCDEF", p[i]))
				return "INVALID_FORMAT";
	} else {
		for (i = 0; i < n; i++)
			if (p[i] < 'a' || p[i] > 'z')
				return "INVALID_FORMAT";
	}
	*msg = MSG_NONE;
	return NULL;
}

/* POST takes these with the names, descriptions and category required (seed 002's
 * title and description stand for both languages' names and descriptions: the create
 * input's aliases); PUT the same, none required. The objects are declared for their
 * type only. */
#define SERVICE_FIELDS(REQ) \
	{ "nameAr", V_STRING, REQ, 1, 200, NULL, IN(struct service_in, name_ar), NULL }, \
	{ "nameEn", V_STRING, REQ, 1, 200, NULL, IN(struct service_in, name_en), NULL }, \
	{ "descriptionAr", V_STRING, REQ, 1, 4000, NULL, IN(struct service_in, desc_ar), NULL }, \
	{ "descriptionEn", V_STRING, REQ, 1, 4000, NULL, IN(struct service_in, desc_en), NULL }, \
	{ "title", V_STRING, 0, 1, 200, NULL, IN(struct service_in, title), NULL }, \
	{ "description", V_STRING, 0, 1, 4000, NULL, IN(struct service_in, description), NULL }, \
	{ "color", V_STRING, VF_NULLABLE, 1, 32, NULL, IN(struct service_in, color), color_ok }, \
	/* seed 002's top-level icon; media.icon wins when both are sent */ \
	{ "icon", V_STRING, VF_NULLABLE, 0, 512, NULL, IN(struct service_in, icon_top), NULL }, \
	{ "category", V_STRING, REQ, 1, 40, NULL, IN(struct service_in, category), NULL }, \
	{ "subCategory", V_STRING, VF_NULLABLE, 0, 100, NULL, \
	    IN(struct service_in, sub_category), NULL }, \
	/* minutes */ \
	{ "duration", V_INT, VF_NULLABLE, 1, 100000, NULL, IN(struct service_in, duration), \
	    NULL }, \
	{ "price", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	/* piastres: up to 1M EGP */ \
	{ "price.basePrice", V_INT, 0, 0, 100000000, NULL, IN(struct service_in, price), NULL }, \
	{ "availability", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "availability.isActive", V_BOOL, 0, 0, 0, NULL, IN(struct service_in, is_active), \
	    NULL }, \
	{ "availability.workingHours", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "availability.workingHours.start", V_HHMM, VF_NULLABLE, 0, 0, NULL, \
	    IN(struct service_in, hours_start), NULL }, \
	{ "availability.workingHours.end", V_HHMM, VF_NULLABLE, 0, 0, NULL, \
	    IN(struct service_in, hours_end), NULL }, \
	{ "availability.workingDays", V_STRINGS, VF_NULLABLE, 0, 7, NULL, \
	    IN(struct service_in, days), check_days }, \
	{ "availability.emergencyAvailable", V_BOOL, 0, 0, 0, NULL, \
	    IN(struct service_in, emergency), NULL }, \
	{ "requirements", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "requirements.requiresApproval", V_BOOL, 0, 0, 0, NULL, \
	    IN(struct service_in, approval), NULL }, \
	{ "requirements.adminApprovalOnly", V_BOOL, 0, 0, 0, NULL, \
	    IN(struct service_in, admin_only), NULL }, \
	{ "media", V_OBJECT, 0, 0, 0, NULL, 0, NULL }, \
	{ "media.images", V_STRINGS, VF_NULLABLE, 0, 20, NULL, IN(struct service_in, images), \
	    NULL }, \
	/* uploads by id, after media.images' entries (docs/uploads.md, "References") */ \
	{ "media.imageIds", V_ARRAY, VF_NULLABLE, 0, 20, NULL, IN(struct service_in, image_ids), \
	    check_upload_ids }, \
	{ "media.icon", V_STRING, VF_NULLABLE, 0, 512, NULL, IN(struct service_in, icon), NULL }, \
	{ "tags", V_STRINGS, VF_NULLABLE, 0, 30, NULL, IN(struct service_in, tags), NULL }, \
	{ "isPopular", V_BOOL, 0, 0, 0, NULL, IN(struct service_in, is_popular), NULL }, \
	{ "sortOrder", V_INT, 0, -1000000, 1000000, NULL, IN(struct service_in, sort_order), NULL }

static const struct vfield create_fields[] = { SERVICE_FIELDS(VF_REQUIRED) };
static const struct vfield update_fields[] = { SERVICE_FIELDS(0) };

/* On a new service, seed 002's title and description fill whichever language's name
 * and description are not given themselves. */
static const char *const create_aliases[] = { "title", "nameAr", "title", "nameEn",
	"description", "descriptionAr", "description", "descriptionEn", NULL };

const struct input services_create_input = INPUT_ALIASED(struct service_in, create_fields,
    check_hours, create_aliases);
const struct input services_update_input = INPUT(struct service_in, update_fields, check_hours);

/* --- declared values to columns --- */

enum kind { K_TEXT, K_INT, K_BOOL, K_JSON };

/* Where each declared value goes, and how its column text reads. */
static const struct {
	size_t           slot;
	enum service_col col;
	enum kind        kind;
} columns[] = {
	{ IN(struct service_in, name_ar), SVC_NAME_AR, K_TEXT },
	{ IN(struct service_in, name_en), SVC_NAME_EN, K_TEXT },
	{ IN(struct service_in, desc_ar), SVC_DESC_AR, K_TEXT },
	{ IN(struct service_in, desc_en), SVC_DESC_EN, K_TEXT },
	{ IN(struct service_in, category), SVC_CATEGORY, K_TEXT },
	{ IN(struct service_in, sub_category), SVC_SUB_CATEGORY, K_TEXT },
	{ IN(struct service_in, duration), SVC_DURATION, K_INT },
	{ IN(struct service_in, price), SVC_PRICE, K_INT },
	{ IN(struct service_in, is_active), SVC_ACTIVE, K_BOOL },
	{ IN(struct service_in, hours_start), SVC_HOURS_START, K_TEXT },
	{ IN(struct service_in, hours_end), SVC_HOURS_END, K_TEXT },
	{ IN(struct service_in, days), SVC_DAYS, K_JSON },
	{ IN(struct service_in, emergency), SVC_EMERGENCY, K_BOOL },
	{ IN(struct service_in, approval), SVC_APPROVAL, K_BOOL },
	{ IN(struct service_in, admin_only), SVC_ADMIN_ONLY, K_BOOL },
	{ IN(struct service_in, images), SVC_IMAGES, K_JSON },
	{ IN(struct service_in, icon_top), SVC_ICON, K_TEXT },  /* before media.icon: it wins */
	{ IN(struct service_in, icon), SVC_ICON, K_TEXT },
	{ IN(struct service_in, tags), SVC_TAGS, K_JSON },
	{ IN(struct service_in, is_popular), SVC_POPULAR, K_BOOL },
	{ IN(struct service_in, sort_order), SVC_SORT, K_INT },
	{ IN(struct service_in, color), SVC_COLOR, K_TEXT },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The declared name of the field in this slot ("price.basePrice"). */
static const char *
field_name(size_t slot)
{
	size_t i;

	for (i = 0; i < NFIELDS(create_fields); i++)
		if (create_fields[i].slot == slot)
			return create_fields[i].name;
	return "?";
}

static void
defaults(struct service_values *v)
{
	memset(v, 0, sizeof(*v));
	v->v[SVC_PRICE] = "0";
	v->v[SVC_ACTIVE] = "1";
	v->v[SVC_EMERGENCY] = "0";
	v->v[SVC_APPROVAL] = "0";
	v->v[SVC_ADMIN_ONLY] = "0";
	v->v[SVC_POPULAR] = "0";
	v->v[SVC_SORT] = "0";
}

/* Every declared value that was given, over v (null clears). */
static void
apply(struct arena *a, const struct service_in *in, struct service_values *v)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		const struct in_val *iv = (const struct in_val *)((const char *)in +
		    columns[i].slot - 1);
		const char **to = &v->v[columns[i].col];

		if (!iv->set)
			continue;
		if (iv->null)
			*to = NULL;
		else if (columns[i].kind == K_INT)
			*to = arena_strdup(a, iv->num);
		else if (columns[i].kind == K_BOOL)
			*to = iv->i ? "1" : "0";
		else if (columns[i].kind == K_JSON)
			*to = arena_strdup(a, json_text(a, iv->j, NULL));
		else
			*to = iv->s;
	}
}

static int
same_text(const char *x, const char *y)
{
	return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
}

/* Seed 002's title (or description) t: it writes the text in the request's language
 * unless that field was given itself, and the other language's too while that one is
 * still a copy (equal before; always, on a new service: old NULL) and was not given. */
static void
apply_title(const struct in_val *t, const struct in_val *ar_given, const struct in_val *en_given,
    enum service_col ar, enum service_col en, enum lang lang, const struct service_values *old,
    struct service_values *now)
{
	enum service_col mine = lang == LANG_AR ? ar : en, other = lang == LANG_AR ? en : ar;
	const struct in_val *mine_given = lang == LANG_AR ? ar_given : en_given;
	const struct in_val *other_given = lang == LANG_AR ? en_given : ar_given;

	if (!t->set)
		return;
	if (!other_given->set && (old == NULL || same_text(old->v[other], old->v[mine])))
		now->v[other] = t->s;
	if (!mine_given->set)
		now->v[mine] = t->s;
}

static void
apply_titles(const struct service_in *in, enum lang lang, const struct service_values *old,
    struct service_values *now)
{
	apply_title(&in->title, &in->name_ar, &in->name_en, SVC_NAME_AR, SVC_NAME_EN, lang, old,
	    now);
	apply_title(&in->description, &in->desc_ar, &in->desc_en, SVC_DESC_AR, SVC_DESC_EN, lang,
	    old, now);
}

/* Whether the body gave any declared field at all (an update of undeclared fields only
 * changes nothing: 422, not a 200 that writes a log line). */
static int
any_field(const struct service_in *in)
{
	size_t i;

	for (i = 0; i < NFIELDS(update_fields); i++)
		if (update_fields[i].slot != 0 && ((const struct in_val *)(const void *)
		    ((const char *)in + update_fields[i].slot - 1))->set)
			return 1;
	return 0;
}

/* A column's text as the JSON the activity log keeps. */
static json_object *
value_json(enum kind kind, const char *text)
{
	if (text == NULL)
		return NULL;
	switch (kind) {
	case K_INT:
		return json_object_new_int64(strtoll(text, NULL, 10));
	case K_BOOL:
		return json_object_new_boolean(strcmp(text, "0") != 0);
	case K_JSON:
		return json_tokener_parse(text);
	default:
		return json_object_new_string(text);
	}
}

static int
same_value(struct arena *a, enum kind kind, const char *x, const char *y)
{
	json_object *jx, *jy;
	int same;

	if (x == NULL || y == NULL)
		return x == y;
	if (kind != K_JSON)
		return strcmp(x, y) == 0;
	/* stored JSON keeps its own spacing: compared as values */
	jx = json_owned(a, json_tokener_parse(x));
	jy = json_owned(a, json_tokener_parse(y));
	same = jx != NULL && jy != NULL ? json_object_equal(jx, jy) : strcmp(x, y) == 0;
	return same;
}

/* What an update changed: {"nameEn": {"from": …, "to": …}, …}, declared fields only. */
static json_object *
changes(struct arena *a, const struct service_values *old, const struct service_values *now)
{
	json_object *d = json_owned(a, json_object_new_object());
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		enum service_col c = columns[i].col;
		json_object *ch;

		/* a column two fields write (icon, media.icon) is named once, by the last */
		if ((i + 1 < NCOLUMNS && columns[i + 1].col == c) ||
		    same_value(a, columns[i].kind, old->v[c], now->v[c]))
			continue;
		ch = json_object_new_object();
		json_object_object_add(ch, "from", value_json(columns[i].kind, old->v[c]));
		json_object_object_add(ch, "to", value_json(columns[i].kind, now->v[c]));
		json_object_object_add(d, field_name(columns[i].slot), ch);
	}
	return d;
}

/* The activity details of a new service. */
static json_object *
created(struct arena *a, const struct service_values *v)
{
	json_object *d = json_owned(a, json_object_new_object());

	json_object_object_add(d, "nameEn", json_new_str(v->v[SVC_NAME_EN]));
	json_object_object_add(d, "category", json_new_str(v->v[SVC_CATEGORY]));
	return d;
}

/* media.images and media.imageIds, when either is given (*given): the images column
 * (our uploads as their addresses) and the references, read in the unit of work
 * (upload_refs.h). A list given empty is kept empty; null (or only the other field's
 * null) clears it. */
static enum err
images_of(struct req *r, const struct service_in *in, struct service_values *v,
    struct image_list *l, int *given)
{
	int urls = in->images.set && !in->images.null, ids = in->image_ids.set &&
	    !in->image_ids.null;
	enum err e;

	*given = in->images.set || in->image_ids.set;
	if (!*given)
		return ERR_OK;
	if ((e = image_list_resolve(r, urls ? in->images.j : NULL, "media.images",
	    ids ? in->image_ids.j : NULL, "media.imageIds", 20, l)) != ERR_OK)
		return e;
	v->v[SVC_IMAGES] = urls || ids ? image_list_text(r, l) : NULL;
	return ERR_OK;
}

/* The service's references after its images were written. */
static enum err
images_refs(struct req *r, long long id, const struct image_list *l, int given)
{
	enum db_rc rc;

	if (given && (rc = db_upload_refs_replace(r->db, r->a, "service", id, l->ids, l->n)) !=
	    DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* --- reads --- */

struct list_q {
	struct in_val page, limit, category, popular, search, view;
};

static const char *const true_false[] = { "true", "false", NULL };
/* short: seed 001's {id, name, icon, description}, in the request's language */
static const char *const views[] = { "full", "short", NULL };

static const struct vfield list_fields[] = {
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct list_q, page), NULL },
	/* default 10, or 100 for /emergency */
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct list_q, limit), NULL },
	/* a category key; an unknown one lists nothing */
	{ "category", V_STRING, 0, 1, 40, NULL, IN(struct list_q, category), NULL },
	{ "isPopular", V_ENUM, 0, 0, 0, true_false, IN(struct list_q, popular), NULL },
	{ "search", V_STRING, 0, 1, 100, NULL, IN(struct list_q, search), NULL },
	{ "view", V_ENUM, 0, 0, 0, views, IN(struct list_q, view), NULL },
};

/* Seed 001's short shape of each service: {id, name, icon, description}. */
static json_object *
short_view(struct arena *a, json_object *items, enum lang lang)
{
	json_object *out = json_owned(a, json_object_new_array());
	size_t i;

	for (i = 0; i < json_object_array_length(items); i++) {
		json_object *s = json_object_array_get_idx(items, i), *o = json_object_new_object();
		json_object *v;

		if (json_object_object_get_ex(s, "id", &v))
			json_object_object_add(o, "id", json_object_get(v));
		json_object_object_add(o, "name", json_new_str(json_get_str(s,
		    lang == LANG_AR ? "nameAr" : "nameEn")));
		json_object_object_add(o, "icon", json_new_str(json_get_str(json_path(s, "media"),
		    "icon")));
		json_object_object_add(o, "description", json_new_str(json_get_str(s,
		    lang == LANG_AR ? "descriptionAr" : "descriptionEn")));
		json_object_array_add(out, o);
	}
	return json_object_get(out);
}

const struct input services_list_query = INPUT(struct list_q, list_fields, NULL);

/* One page of a search (f->search set) and its pagination, as GET /api/search/services
 * and GET /api/services?search= answer it: one row more than the page, the total from
 * it (list_extra_row()), counted only past the end. *items is the caller's when ERR_OK
 * is returned. */
static enum err
search_paged(struct req *r, const struct service_filter *f, struct page *pg,
    json_object **items)
{
	long long offset = (pg->page - 1) * pg->limit;
	enum db_rc rc;

	*items = NULL;
	if (pg->page * pg->limit > SERVICES_WINDOW)
		return fail_field(r, ERR_VALIDATION, "page", "OUT_OF_RANGE", MSG_V_SEARCH_WINDOW);
	if ((rc = db_services_search(r->db, r->a, f, pg->limit + 1, offset, items)) != DB_OK)
		return fail_db(r, rc);
	if (list_extra_row(pg, offset, *items) && (rc = db_services_search_count(r->db, r->a, f,
	    &pg->total, &pg->total_capped)) != DB_OK) {
		json_object_put(*items);
		*items = NULL;
		return fail_db(r, rc);
	}
	return ERR_OK;
}

static enum err
list(struct req *r, int emergency)
{
	const struct list_q *q = r->qin;
	struct service_filter f = { NULL, emergency, -1, NULL };
	struct page pg = { 0 };
	const struct cached *c;
	json_object *items = NULL;
	long long offset;
	const char *key;
	enum db_rc rc;
	enum err e;

	key = arena_join(r->a, "|", lang_code(r->lang), emergency ? "1" : "0",
	    r->query_string ? r->query_string : "", (char *)NULL);
	if ((c = cache_get(r->db, r->a, "catalog", key, r->cfg->cache_check_ms)) != NULL)
		return reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
	pg.page = q->page.set ? q->page.i : 1;
	pg.limit = q->limit.set ? q->limit.i : emergency ? 100 : 10;
	offset = (pg.page - 1) * pg.limit;
	if (q->category.set)
		f.category = q->category.s;
	if (q->popular.set)
		f.popular = strcmp(q->popular.s, "true") == 0;
	if (q->search.set) {
		/* the search's pages, most relevant first (docs/search.md) */
		f.search = q->search.s;
		if ((e = search_paged(r, &f, &pg, &items)) != ERR_OK)
			return e;
	} else {
		if ((rc = db_services_count(r->db, r->a, &f, &pg.total, &pg.total_capped)) !=
		    DB_OK)
			return fail_db(r, rc);
		/* pages reach SERVICES_WINDOW rows deep, which holds the whole catalog; a page
		 * past the end is empty and costs no list query */
		if (pg.total_capped && offset + pg.limit > SERVICES_WINDOW)
			return fail_field(r, ERR_VALIDATION, "page", "OUT_OF_RANGE",
			    MSG_V_OUT_OF_RANGE);
		if (offset >= pg.total)
			items = json_object_new_array();
		else if ((rc = db_services_list(r->db, r->a, &f, pg.limit, offset, &items)) !=
		    DB_OK)
			return fail_db(r, rc);
	}
	if (q->view.set && strcmp(q->view.s, "short") == 0) {
		json_object *full = json_owned(r->a, items);

		items = short_view(r->a, full, r->lang);
	}
	if ((e = reply_list(r, MSG_SERVICE_LIST, items, &pg)) == ERR_OK)
		cache_put("catalog", key, r->status, r->resp_body, r->resp_len);
	return e;
}

enum err
services_list(struct req *r)
{
	return list(r, 0);
}

enum err
services_emergency(struct req *r)
{
	return list(r, 1);
}

enum err
services_categories(struct req *r)
{
	const char *key = lang_code(r->lang);
	const struct cached *c;
	json_object *cats;
	enum db_rc rc;
	enum err e;

	if ((c = cache_get(r->db, r->a, "catalog", key, r->cfg->cache_check_ms)) != NULL)
		return reply_raw(r, c->status, "application/json; charset=utf-8", c->body, c->len);
	if ((rc = db_services_categories(r->db, r->a, &cats)) != DB_OK)
		return fail_db(r, rc);
	if ((e = reply_ok(r, 200, MSG_SERVICES_CATEGORIES, cats)) == ERR_OK)
		cache_put("catalog", key, r->status, r->resp_body, r->resp_len);
	return e;
}

/* The service as the API shows it; staff see a switched-off one too. */
static enum err
reply_service(struct req *r, int status, enum msg msg, long long id)
{
	json_object *svc;
	enum db_rc rc;

	if ((rc = db_services_view(r->db, r->a, id, req_is_staff(r), &svc)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, status, msg, svc);
}

enum err
services_get(struct req *r)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	return reply_service(r, 200, MSG_SERVICE_FOUND, id);
}

/* --- writes --- */

struct create_tx {
	struct service_values    v;
	long long                id;
	const struct service_in *in;
};

static enum err
create_work(struct req *r, void *ctx)
{
	struct create_tx *t = ctx;
	struct image_list l;
	enum db_rc rc;
	enum err e;
	int given;

	if ((e = images_of(r, t->in, &t->v, &l, &given)) != ERR_OK)
		return e;
	/* a taken name is 409 naming nameEn, an unknown category 422 (fcgi/store/keys.c) */
	if ((rc = db_services_insert(r->db, r->a, &t->v, &t->id)) != DB_OK)
		return fail_db(r, rc);
	if ((e = images_refs(r, t->id, &l, given)) != ERR_OK)
		return e;
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.create", "service",
	    t->id, created(r->a, &t->v))) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
services_create(struct req *r)
{
	struct create_tx t;
	enum err e;

	defaults(&t.v);
	apply(r->a, r->in, &t.v);
	apply_titles(r->in, r->lang, NULL, &t.v);
	t.id = 0;
	t.in = r->in;
	if ((e = req_tx(r, create_work, &t)) != ERR_OK)
		return e;
	return reply_service(r, 201, MSG_SERVICE_CREATED, t.id);
}

struct bulk_tx {
	const struct in_list  *list;
	struct service_values *v;
	long long             *ids;
};

static enum err
bulk_work(struct req *r, void *ctx)
{
	struct bulk_tx *b = ctx;
	enum db_rc rc;
	enum err e;
	size_t i;

	for (i = 0; i < b->list->n; i++) {
		struct image_list l;
		int given;

		if ((e = images_of(r, b->list->items[i], &b->v[i], &l, &given)) != ERR_OK) {
			verrors_of_item(r->a, r->fail.errors, b->list->names[i]);
			return e;
		}
		if ((rc = db_services_insert(r->db, r->a, &b->v[i], &b->ids[i])) != DB_OK) {
			e = fail_db(r, rc);
			verrors_of_item(r->a, r->fail.errors, b->list->names[i]);
			return e;
		}
		if ((e = images_refs(r, b->ids[i], &l, given)) != ERR_OK)
			return e;
		if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.create", "service",
		    b->ids[i], created(r->a, &b->v[i]))) != DB_OK)
			return fail_db(r, rc);
	}
	if ((rc = cache_bump(r->db, r->a, "catalog")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Seed 002 posts a bare array; {"services": [...]} is accepted too. Each item is read
 * by the declared input of POST /api/services, its cross-field check included, before
 * anything is written (the route's .body_list); errors name the item ("[1].nameEn", or
 * "services[1].nameEn" in the second shape), and one failure writes nothing. */
const struct input_list services_bulk_input = INPUT_LIST(services_create_input, "services", 100);

enum err
services_bulk(struct req *r)
{
	const struct in_list *list = r->in;
	json_object *out, *svc;
	struct bulk_tx b;
	enum db_rc rc;
	enum err e;
	size_t i;

	b.list = list;
	b.v = arena_alloc(r->a, sizeof(*b.v) * list->n);
	b.ids = arena_alloc(r->a, sizeof(*b.ids) * list->n);
	for (i = 0; i < list->n; i++) {
		defaults(&b.v[i]);
		apply(r->a, list->items[i], &b.v[i]);
		apply_titles(list->items[i], r->lang, NULL, &b.v[i]);
	}
	if ((e = req_tx(r, bulk_work, &b)) != ERR_OK)
		return e;
	out = json_object_new_array_ext((int)list->n);
	json_owned(r->a, out);
	for (i = 0; i < list->n; i++) {
		if ((rc = db_services_view(r->db, r->a, b.ids[i], 1, &svc)) != DB_OK)
			return fail_db(r, rc);
		json_object_array_add(out, svc);
	}
	return reply_ok(r, 201, MSG_SERVICES_BULK_CREATED, json_object_get(out));
}

struct update_tx {
	long long               id;
	const struct service_in *in;
};

static enum err
update_work(struct req *r, void *ctx)
{
	const struct update_tx *u = ctx;
	struct service_values old, now;
	struct image_list l;
	enum db_rc rc;
	enum err e;
	int given;

	/* read under the row lock: two updates at once apply one after the other, each
	 * whole, and the log says what each one changed */
	if ((rc = db_services_lock(r->db, r->a, u->id, &old)) != DB_OK)
		return fail_db(r, rc);
	now = old;
	apply(r->a, u->in, &now);
	apply_titles(u->in, r->lang, &old, &now);
	if ((e = images_of(r, u->in, &now, &l, &given)) != ERR_OK)
		return e;
	if (!hours_in_order(now.v[SVC_HOURS_START], now.v[SVC_HOURS_END]))
		return fail_field(r, ERR_VALIDATION, "availability.workingHours.end", "OUT_OF_RANGE",
		    MSG_V_HOURS_ORDER);
	if ((rc = db_services_update(r->db, r->a, u->id, &now)) != DB_OK)
		return fail_db(r, rc);
	if ((e = images_refs(r, u->id, &l, given)) != ERR_OK)
		return e;
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.update", "service",
	    u->id, changes(r->a, &old, &now))) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
services_update(struct req *r)
{
	struct update_tx u = { 0, r->in };
	enum err e;

	if ((e = req_param_id(r, 0, &u.id)) != ERR_OK)
		return e;
	if (!any_field(u.in))
		return fail_field(r, ERR_VALIDATION, "body", "NO_KNOWN_FIELD", MSG_V_NO_KNOWN_FIELD);
	if ((e = req_tx(r, update_work, &u)) != ERR_OK)
		return e;
	return reply_service(r, 200, MSG_SERVICE_UPDATED, u.id);
}

static enum err
delete_work(struct req *r, void *ctx)
{
	const long long *id = ctx;
	enum db_rc rc;

	/* a deleted service shows nothing: its images may be deleted */
	if ((rc = db_services_delete(r->db, r->a, *id)) != DB_OK ||
	    (rc = db_upload_refs_replace(r->db, r->a, "service", *id, NULL, 0)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, req_actor(r), "service.delete", "service", *id,
	    NULL)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
services_delete(struct req *r)
{
	long long id;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, delete_work, &id)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_SERVICE_DELETED, NULL);
}

/* --- GET /api/search/services (seed 000, public; docs/search.md) --- */

struct search_q {
	struct in_val q, category, location, page, limit;
};

static const struct vfield search_fields[] = {
	{ "q", V_STRING, VF_REQUIRED, 1, 100, NULL, IN(struct search_q, q), NULL },
	{ "category", V_STRING, 0, 1, 40, NULL, IN(struct search_q, category), NULL },
	/* seed 000 sends it; the catalog is the same in every governorate, so it narrows
	 * nothing (docs/search.md) */
	{ "location", V_STRING, 0, 1, 100, NULL, IN(struct search_q, location), NULL },
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct search_q, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct search_q, limit), NULL },
};

const struct input search_services_query = INPUT(struct search_q, search_fields, NULL);

enum err
search_services(struct req *r)
{
	const struct search_q *q = r->qin;
	struct service_filter f = { NULL, 0, -1, NULL };
	struct page pg = { 0 };
	json_object *items;
	enum err e;

	pg.page = q->page.set ? q->page.i : 1;
	pg.limit = q->limit.set ? q->limit.i : 10;
	f.search = q->q.s;
	if (q->category.set)
		f.category = q->category.s;
	if ((e = search_paged(r, &f, &pg, &items)) != ERR_OK)
		return e;
	return reply_list(r, MSG_SEARCH_RESULTS, items, &pg);
}

/* --- POST /api/services/:id/move (staff): one place up or down in the catalog --- */

/* The catalog lists popular services first, then by sortOrder and id; a move swaps the
 * service with its neighbour among the live services of its popularity and numbers that
 * group 10, 20, 30... in one transaction (only the rows whose number changes are
 * written), so ties and gaps left by hand-typed sortOrders never stall a move. The group
 * is locked in its index order before anything is written: two moves at once apply one
 * after the other. The first one up (or the last one down) stays where it is. */

static const char *const move_directions[] = { "up", "down", NULL };

struct move_in {
	struct in_val direction;
};

static const struct vfield move_fields[] = {
	{ "direction", V_ENUM, VF_REQUIRED, 0, 0, move_directions, IN(struct move_in, direction),
	    NULL },
};
const struct input services_move_input = INPUT(struct move_in, move_fields, NULL);

struct move_tx {
	long long id;
	int       popular, up;
	long long position;      /* 1-based, after the move */
};

static void
swap_rows(long long *ids, long long *sorts, size_t a, size_t b)
{
	long long t;

	t = ids[a], ids[a] = ids[b], ids[b] = t;
	t = sorts[a], sorts[a] = sorts[b], sorts[b] = t;
}

static enum err
move_work(struct req *r, void *ctx)
{
	struct move_tx *t = ctx;
	long long *ids, *sorts;
	json_object *details;
	size_t n, i, k;
	enum db_rc rc;

	if ((rc = db_services_order_lock(r->db, r->a, t->popular, &ids, &sorts, &n)) != DB_OK)
		return fail_db(r, rc);
	if (n > SERVICES_ORDER_MAX)
		return fail(r, ERR_CONFLICT);
	for (k = 0; k < n && ids[k] != t->id; k++)
		;
	if (k == n)   /* switched off (or its popularity changed) since it was read */
		return fail_msg(r, ERR_CONFLICT, MSG_SERVICE_NOT_LISTED);
	/* the neighbour's place, each row keeping its own number until it is renumbered */
	if (t->up && k > 0)
		swap_rows(ids, sorts, k - 1, k), k--;
	else if (!t->up && k + 1 < n)
		swap_rows(ids, sorts, k, k + 1), k++;
	t->position = (long long)k + 1;
	for (i = 0; i < n; i++)
		if (sorts[i] != ((long long)i + 1) * 10 &&
		    (rc = db_services_set_sort(r->db, r->a, ids[i], ((long long)i + 1) * 10)) != DB_OK)
			return fail_db(r, rc);
	details = json_owned(r->a, json_object_new_object());
	json_object_object_add(details, "direction", json_object_new_string(t->up ? "up" :
	    "down"));
	json_object_object_add(details, "position", json_object_new_int64(t->position));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "service.move", "service", t->id,
	    details)) != DB_OK ||
	    (rc = cache_bump(r->db, r->a, "catalog")) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
services_move(struct req *r)
{
	const struct move_in *in = r->in;
	struct move_tx t = { 0, 0, 0, 0 };
	json_object *svc;
	int active = 0;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK)
		return e;
	/* its group, read before the lock; move_work finds it there again or refuses */
	if ((rc = db_services_view(r->db, r->a, t.id, 1, &svc)) != DB_OK)
		return fail_db(r, rc);
	json_owned(r->a, svc);
	json_get_bool(svc, "isPopular", &t.popular);
	json_get_bool(json_object_object_get(svc, "availability"), "isActive", &active);
	if (!active)
		return fail_msg(r, ERR_CONFLICT, MSG_SERVICE_NOT_LISTED);
	t.up = strcmp(in->direction.s, "up") == 0;
	if ((e = req_tx(r, move_work, &t)) != ERR_OK)
		return e;
	return reply_service(r, 200, MSG_SERVICE_MOVED, t.id);
}
