/* The dashboard's pages and their table. A page reads through the API's handlers
 * (page_api: the same declared input, rules, store calls and activity log as the JSON
 * endpoint) and renders templates/admin/<page>.mustache over what they answered; a form
 * posts to a path of its own, which acts through the same handler and then redirects
 * (303) to the page, or shows the form again with the refusal beside its fields and
 * what was typed. Who may see a page is in the table below; the handler called decides
 * again as it does for the API (seed 001 §7.6: moderators manage users, bookings and
 * services; notifications, settings, the activity log and analytics are admins'). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/api.h"
#include "../core/cairo_time.h"
#include "../domain/money.h"
#include "page.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* --- helpers --- */

static json_object *
data_of(json_object *answer)
{
	json_object *d;

	return json_object_object_get_ex(answer, "data", &d) ? d : NULL;
}

/* A query value for a link: every byte but the unreserved ones percent-encoded. */
static const char *
url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out, *o;

	if (s == NULL)
		return "";
	out = o = arena_alloc(a, strlen(s) * 3 + 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* The amount in piastres at path of o shown in pounds ("150.50") as key of o. */
static void
add_pounds(json_object *o, const char *path, const char *key)
{
	json_object *v = json_path(o, path);
	char b[32];

	if (o == NULL || v == NULL || json_object_is_type(v, json_type_null))
		return;
	json_object_object_add(o, key, json_object_new_string(money_format_pounds(
	    json_object_get_int64(v), b, sizeof(b))));
}

/* The base price typed in pounds (the form's price.basePrice) put into body in
 * piastres, as the API takes it; a refusal names the field, in both languages. An
 * empty field is left to the API (required on a create). */
#define PRICE_MAX_PIASTRES 100000000LL   /* services.c's bound: a million pounds */

static enum err
pounds_into(struct req *r, const struct input *decl, json_object *body)
{
	const char *typed = form_get(r, "price.basePrice"), *code = "INVALID_FORMAT";
	json_object *price, *errs = NULL;
	enum msg m = MSG_V_POUNDS_FORMAT;
	long long p = 0;
	void *ignored;

	if (typed == NULL || *typed == '\0')
		return ERR_OK;
	switch (money_parse_pounds(typed, PRICE_MAX_PIASTRES, &p)) {
	case MONEY_OK:
		m = MSG_NONE;
		break;
	case MONEY_NEGATIVE:
		code = "OUT_OF_RANGE";
		m = MSG_V_POUNDS_NEGATIVE;
		break;
	case MONEY_DECIMALS:
		m = MSG_V_POUNDS_DECIMALS;
		break;
	case MONEY_RANGE:
		code = "OUT_OF_RANGE";
		m = MSG_V_POUNDS_RANGE;
		break;
	case MONEY_EMPTY:
	case MONEY_FORMAT:
	default:
		break;
	}
	if (!json_object_object_get_ex(body, "price", &price) ||
	    !json_object_is_type(price, json_type_object)) {
		price = json_object_new_object();
		json_object_object_add(body, "price", price);
	}
	json_object_object_add(price, "basePrice", json_object_new_int64(p));
	if (m == MSG_NONE)
		return ERR_OK;
	/* the form's other fields are checked too, so every refusal shows at once */
	if (input_read(r->a, body, decl, r->lang, &ignored, &errs) == 0 || errs == NULL) {
		json_object_put(errs);
		errs = json_object_new_array();
	}
	verror_add(errs, r->lang, "price.basePrice", code, m);
	return fail_errors(r, ERR_VALIDATION, errs);
}

/* Adds the answer's items and paging, with the links of the pages before and after
 * (keeping the filters q of the page). */
static void
add_list(struct req *r, json_object *d, json_object *answer, const char *base,
    json_object *q)
{
	json_object *items = data_of(answer), *pg, *v, *pager = json_object_new_object();
	long long page = 1, total = 0, limit = 10;
	const char *next = NULL;
	char *qs = arena_strdup(r->a, "");

	json_object_object_add(d, "items", json_object_get(items));
	if (items != NULL && json_object_array_length(items) > 0)
		json_object_object_add(d, "hasItems", json_object_new_boolean(1));
	json_object_object_foreach(q, k, val) {
		if (strcmp(k, "page") == 0 || strcmp(k, "cursor") == 0)
			continue;
		qs = arena_printf(r->a, "%s&%s=%s", qs, k, url_encode(r->a,
		    json_object_get_string(val)));
	}
	if (json_object_object_get_ex(answer, "pagination", &pg)) {
		if (json_object_object_get_ex(pg, "page", &v))
			page = json_object_get_int64(v);
		if (json_object_object_get_ex(pg, "totalItems", &v))
			total = json_object_get_int64(v);
		if (json_object_object_get_ex(pg, "limit", &v))
			limit = json_object_get_int64(v);
		next = json_get_str(pg, "nextCursor");
	}
	json_object_object_add(pager, "page", json_object_new_int64(page));
	json_object_object_add(pager, "total", json_object_new_int64(total));
	json_object_object_add(pager, "pages", json_object_new_int64(limit > 0 ?
	    (total + limit - 1) / limit : 1));
	if (req_query(r, "cursor") != NULL || page > 1)
		json_object_object_add(pager, "first", json_object_new_string(arena_printf(r->a,
		    "%s?page=1%s", base, qs)));
	if (page > 1 && req_query(r, "cursor") == NULL)
		json_object_object_add(pager, "prev", json_object_new_string(arena_printf(r->a,
		    "%s?page=%lld%s", base, page - 1, qs)));
	if (next != NULL)
		json_object_object_add(pager, "next", json_object_new_string(arena_printf(r->a,
		    "%s?cursor=%s%s", base, next, qs)));
	json_object_object_add(d, "pager", pager);
	json_object_object_add(d, "q", q);
}

/* A select's options: [{value, label, selected}]. */
static json_object *
options(struct req *r, const char *const *values, const char *prefix, const char *current)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; values[i] != NULL; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "value", json_object_new_string(values[i]));
		json_object_object_add(o, "label", json_object_new_string(prefix != NULL ?
		    label(r->lang, arena_printf(r->a, "%s%s", prefix, values[i])) : values[i]));
		if (current != NULL && strcmp(current, values[i]) == 0)
			json_object_object_add(o, "selected", json_object_new_boolean(1));
		json_object_array_add(arr, o);
	}
	return arr;
}

static const char *
id_param(struct req *r)
{
	return r->nparams > 0 ? r->params[0] : "";
}

/* --- sign-in --- */

static enum err
login_form(struct req *r, int status, json_object *failure)
{
	json_object *d = page_data(r, NULL, "login.title"), *form = json_object_new_object();
	const char *next = page_safe_next(form_get(r, "next") != NULL ? form_get(r, "next") :
	    req_query(r, "next"));

	json_object_object_add(d, "loginCsrf", json_object_new_string(page_login_csrf(r)));
	if (next != NULL)
		json_object_object_add(d, "next", json_object_new_string(next));
	if (form_get(r, "email") != NULL)
		json_object_object_add(form, "email", json_object_new_string(form_get(r, "email")));
	json_object_object_add(d, "form", form);
	if (failure != NULL)
		json_object_object_add(d, "failure", failure);
	return page_render(r, status, "login", d);
}

static enum err
login_get(struct req *r)
{
	if (page_of(r)->signed_in)
		return page_redirect(r, "/admin/");
	return login_form(r, 200, NULL);
}

static enum err
login_post(struct req *r)
{
	const char *email = form_get(r, "email"), *pw = form_get(r, "password");
	const char *next = page_safe_next(form_get(r, "next"));
	int status;
	enum err e;

	if (email == NULL || *email == '\0' || pw == NULL || *pw == '\0')
		e = fail_field(r, ERR_VALIDATION, email == NULL || *email == '\0' ? "email" :
		    "password", "REQUIRED", MSG_V_REQUIRED);
	else
		e = page_sign_in(r, email, pw);
	if (e != ERR_OK) {
		json_object *f = page_failure(r, &status);

		return login_form(r, status, f);
	}
	return page_redirect(r, next != NULL ? next : "/admin/");
}

static enum err
logout_post(struct req *r)
{
	enum err e;

	if ((e = page_sign_out(r)) != ERR_OK)
		return e;
	return page_redirect(r, "/admin/login");
}

/* --- overview --- */

static const char *const period_choices[] = { "7days", "30days", "90days", "1year", NULL };

static enum err
overview_get(struct req *r)
{
	json_object *d = page_data(r, "overview", "overview.title"), *data, *v, *trends, *top,
	    *status;
	const char *period = req_query(r, "period");
	struct analytics_period p;
	const char *chart;
	size_t i;
	enum err e;

	if (r->user.role != ROLE_ADMIN)
		return page_render(r, 200, "overview", d);
	if (period == NULL || (strcmp(period, "7days") != 0 && strcmp(period, "30days") != 0 &&
	    strcmp(period, "90days") != 0 && strcmp(period, "1year") != 0))
		period = "30days";
	if ((e = analytics_period(r, period, NULL, NULL, &p)) != ERR_OK ||
	    (e = analytics_dashboard_data(r, &p, &data)) != ERR_OK)
		return e;
	json_owned(r->a, data);
	json_object_object_add(d, "analytics", json_object_get(data));
	json_object_object_add(d, "periods", options(r, period_choices, "period.", period));
	json_object_object_get_ex(data, "overview", &v);
	add_pounds(v, "revenue", "revenuePounds");
	json_object_object_add(d, "revenuePounds", json_object_get(json_object_object_get(v,
	    "revenuePounds")));
	json_object_object_get_ex(data, "trends", &trends);
	if ((chart = svg_line(r->a, json_object_object_get(trends, "daily"), "date", "bookings",
	    0)) != NULL)
		json_object_object_add(d, "chartBookings", json_object_new_string(chart));
	if ((chart = svg_line(r->a, json_object_object_get(trends, "daily"), "date", "revenue",
	    1)) != NULL)
		json_object_object_add(d, "chartRevenue", json_object_new_string(chart));
	status = json_object_object_get(trends, "bookingsByStatus");
	for (i = 0; status != NULL && i < json_object_array_length(status); i++) {
		json_object *x = json_object_array_get_idx(status, i);

		json_object_object_add(x, "name", json_object_new_string(label(r->lang,
		    arena_printf(r->a, "status.%s", json_get_str(x, "status") ?: ""))));
	}
	if ((chart = svg_bars(r->a, status, "name", "count", 0, r->lang)) != NULL)
		json_object_object_add(d, "chartStatus", json_object_new_string(chart));
	top = json_object_object_get(data, "topServices");
	for (i = 0; top != NULL && i < json_object_array_length(top); i++) {
		json_object *s = json_object_array_get_idx(top, i);

		json_object_object_add(s, "name", json_object_new_string(json_get_str(s,
		    r->lang == LANG_EN ? "nameEn" : "nameAr") ?: ""));
	}
	if ((chart = svg_bars(r->a, top, "name", "bookings", 0, r->lang)) != NULL)
		json_object_object_add(d, "chartServices", json_object_new_string(chart));
	return page_render(r, 200, "overview", d);
}

/* --- users --- */

static const char *const role_choices[] = { "customer", "technician", "admin", "moderator",
	"corporate", NULL };
static const char *const state_choices[] = { "active", "inactive", "banned", NULL };
static const char *const staff_choices[] = { "moderator", "admin", NULL };

static enum err
users_page(struct req *r)
{
	json_object *d = page_data(r, "users", "users.title"), *answer;
	enum err e;

	if ((e = page_api(r, admin_users_list, &admin_users_list_query, NULL, NULL, &answer)) !=
	    ERR_OK)
		return e;
	add_list(r, d, answer, "/admin/users", query_json(r, &admin_users_list_query));
	json_object_object_add(d, "roles", options(r, role_choices, "role.", req_query(r, "role")));
	json_object_object_add(d, "states", options(r, state_choices, "state.",
	    req_query(r, "status")));
	return page_render(r, 200, "users", d);
}

/* The user page, with a failure of one of its forms (or none). */
static enum err
user_page(struct req *r, int fail_status)
{
	json_object *d = page_data(r, "users", "users.detail"), *answer, *failure = NULL, *form = NULL,
	    *u, *v;
	int status = 200;
	enum err e;

	if (fail_status != 0) {
		failure = page_failure(r, &status);
		form = form_values(r);
	}
	if ((e = page_api(r, users_get, NULL, NULL, NULL, &answer)) != ERR_OK) {
		json_object_put(failure);
		json_object_put(form);
		return e;
	}
	u = data_of(answer);
	if (json_object_object_get_ex(u, "user", &v))   /* {"user": {...}} */
		u = v;
	json_object_object_add(d, "u", json_object_get(u));
	json_object_object_add(d, "roles", options(r, role_choices, "role.", json_get_str(u,
	    "role")));
	if (failure != NULL) {
		json_object_object_add(d, "failure", failure);
		json_object_object_add(d, "form", form);
	}
	return page_render(r, status, "user", d);
}

static enum err
user_get(struct req *r)
{
	return user_page(r, 0);
}

/* An action on a user through its API handler, then back to the user's page. */
static enum err
user_act(struct req *r, handler_fn h, const struct input *in)
{
	json_object *answer;
	enum err e;

	e = page_api(r, h, NULL, in, in != NULL ? form_json(r, in) : NULL, &answer);
	if (e != ERR_OK)
		return r->fail.e == ERR_NOT_FOUND || r->fail.e == ERR_INVALID_ID ? e :
		    user_page(r, 1);
	return page_redirect(r, arena_printf(r->a, "/admin/users/%s?saved=1", id_param(r)));
}

static enum err
user_ban_post(struct req *r)
{
	return user_act(r, admin_users_ban, &admin_users_ban_input);
}

static enum err
user_unban_post(struct req *r)
{
	return user_act(r, admin_users_unban, NULL);
}

static enum err
user_role_post(struct req *r)
{
	return user_act(r, users_set_role, &users_set_role_input);
}

/* Deleting anonymizes the account (users_delete, admin only), then back to the list. */
static enum err
user_delete_post(struct req *r)
{
	json_object *answer;
	enum err e;

	if ((e = page_api(r, users_delete, NULL, NULL, NULL, &answer)) != ERR_OK)
		return r->fail.e == ERR_CONFLICT ? user_page(r, 1) : e;
	return page_redirect(r, "/admin/users?saved=1");
}

static enum err
user_new_form(struct req *r, int status, json_object *failure)
{
	json_object *d = page_data(r, "users", "users.create_staff");

	json_object_object_add(d, "roles", options(r, staff_choices, "role.",
	    form_get(r, "role")));
	if (failure != NULL)
		json_object_object_add(d, "failure", failure);
	json_object_object_add(d, "form", form_values(r));
	return page_render(r, status, "user_new", d);
}

static enum err
user_new_get(struct req *r)
{
	return user_new_form(r, 200, NULL);
}

static enum err
user_new_post(struct req *r)
{
	json_object *answer, *u;
	long long id = 0;
	int status;

	if (page_api(r, admin_users_create_admin, NULL, &admin_users_create_input,
	    form_json(r, &admin_users_create_input), &answer) != ERR_OK) {
		json_object *f = page_failure(r, &status);

		return user_new_form(r, status, f);
	}
	u = data_of(answer);
	if (json_get_int(u, "id", &id) != 0 && json_object_object_get_ex(u, "user", &u))
		json_get_int(u, "id", &id);
	return page_redirect(r, id > 0 ? arena_printf(r->a, "/admin/users/%lld?saved=1", id) :
	    "/admin/users?saved=1");
}

/* --- bookings --- */

static const char *const booking_status_choices[] = { "pending_approval", "approved",
	"on_way", "in_progress", "completed", "cancelled", "rejected", NULL };

static enum err
bookings_page(struct req *r)
{
	json_object *d = page_data(r, "bookings", "bookings.title"), *answer;
	int status = 200;

	if (page_api(r, bookings_list, &bookings_list_query, NULL, NULL, &answer) != ERR_OK) {
		/* a bad filter: the page with the refusal next to the filters */
		json_object_object_add(d, "failure", page_failure(r, &status));
		answer = NULL;
	}
	if (answer != NULL) {
		json_object *items = data_of(answer);
		size_t i;

		for (i = 0; items != NULL && i < json_object_array_length(items); i++)
			add_pounds(json_object_array_get_idx(items, i), "pricing.total", "totalPounds");
		add_list(r, d, answer, "/admin/bookings", query_json(r, &bookings_list_query));
	}
	else
		json_object_object_add(d, "q", query_json(r, &bookings_list_query));
	json_object_object_add(d, "statuses", options(r, booking_status_choices, "status.",
	    req_query(r, "status")));
	return page_render(r, status, "bookings", d);
}

static enum err
booking_page(struct req *r, int fail_status)
{
	json_object *d = page_data(r, "bookings", "bookings.detail"), *answer, *b, *near,
	    *failure = NULL, *form = NULL;
	const char *lat, *lng;
	int status = 200;
	enum err e;

	if (fail_status != 0) {
		failure = page_failure(r, &status);
		form = form_values(r);
	}
	if ((e = page_api(r, bookings_get, NULL, NULL, NULL, &answer)) != ERR_OK) {
		json_object_put(failure);
		json_object_put(form);
		return e;
	}
	b = data_of(answer);
	add_pounds(b, "pricing.total", "totalPounds");
	json_object_object_add(d, "b", json_object_get(b));
	/* the nearest available technicians, when the booking has a place on the map */
	lat = json_object_get_string(json_path(b, "location.coordinates.lat"));
	lng = json_object_get_string(json_path(b, "location.coordinates.lng"));
	if (lat != NULL && lng != NULL && json_path(b, "location.coordinates.lat") != NULL &&
	    !json_object_is_type(json_path(b, "location.coordinates.lat"), json_type_null)) {
		struct kvlist q;
		struct kv kv[3];
		long long sid = 0;

		json_get_int(b, "serviceId", &sid);
		kv[0] = (struct kv){ "location", arena_printf(r->a, "%s,%s", lat, lng) };
		kv[1] = (struct kv){ "limit", "5" };
		kv[2] = (struct kv){ "distance", "50" };
		q.items = kv;
		q.n = 3;
		if (page_api_query(r, technicians_available, &technicians_available_query, &q, NULL,
		    NULL, &near) == ERR_OK)
			json_object_object_add(d, "suggested", json_object_get(json_object_object_get(
			    data_of(near), "technicians")));
		else {
			int ignored;

			json_object_put(page_failure(r, &ignored));
		}
	}
	if (failure != NULL) {
		json_object_object_add(d, "failure", failure);
		json_object_object_add(d, "form", form);
	}
	return page_render(r, status, "booking", d);
}

static enum err
booking_get(struct req *r)
{
	return booking_page(r, 0);
}

static enum err
booking_act(struct req *r, handler_fn h, const struct input *in)
{
	json_object *answer;
	enum err e;

	e = page_api(r, h, NULL, in, form_json(r, in), &answer);
	if (e != ERR_OK)
		return r->fail.e == ERR_NOT_FOUND || r->fail.e == ERR_INVALID_ID ? e :
		    booking_page(r, 1);
	return page_redirect(r, arena_printf(r->a, "/admin/bookings/%s?saved=1", id_param(r)));
}

static enum err
booking_approve_post(struct req *r)
{
	return booking_act(r, bookings_approve, &bookings_approve_input);
}

static enum err
booking_assign_post(struct req *r)
{
	return booking_act(r, bookings_assign, &bookings_assign_input);
}

static enum err
booking_cancel_post(struct req *r)
{
	return booking_act(r, bookings_cancel, &bookings_cancel_input);
}

/* --- services --- */

static enum err
services_page(struct req *r)
{
	json_object *d = page_data(r, "services", "services.title"), *answer, *items;
	size_t i;
	enum err e;

	if ((e = page_api(r, services_list, &services_list_query, NULL, NULL, &answer)) != ERR_OK)
		return e;
	add_list(r, d, answer, "/admin/services", query_json(r, &services_list_query));
	items = data_of(answer);
	for (i = 0; items != NULL && i < json_object_array_length(items); i++) {
		json_object *s = json_object_array_get_idx(items, i);

		add_pounds(s, "price.basePrice", "pricePounds");
	}
	/* a move comes back to the list as it was (its filters and page) */
	{
		const char *back = "/admin/services?";
		size_t k;

		for (k = 0; k < r->query.n; k++)
			if (strcmp(r->query.items[k].key, "saved") != 0 &&
			    strcmp(r->query.items[k].key, "lang") != 0)
				back = arena_printf(r->a, "%s%s=%s&", back, url_encode(r->a,
				    r->query.items[k].key), url_encode(r->a, r->query.items[k].val));
		json_object_object_add(d, "back", json_object_new_string(back));
	}
	return page_render(r, 200, "services", d);
}

/* The service form: new (s NULL) or an existing service s; a failure shown with what
 * was typed. */
static enum err
service_form(struct req *r, int status, json_object *s, json_object *failure)
{
	json_object *d = page_data(r, "services", s != NULL ? "services.edit" : "services.new");
	json_object *form = json_object_new_object(), *v;

	if (s != NULL) {
		static const char *const keys[][2] = {
			{ "nameAr", "nameAr" }, { "nameEn", "nameEn" },
			{ "descriptionAr", "descriptionAr" }, { "descriptionEn", "descriptionEn" },
			{ "category", "category" }, { "price_basePrice", "price.basePrice" },
			{ "duration", "duration" }, { "sortOrder", "sortOrder" },
		};
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if ((v = json_path(s, keys[i][1])) != NULL &&
			    !json_object_is_type(v, json_type_null))
				json_object_object_add(form, keys[i][0],
				    json_object_new_string(json_object_get_string(v)));
		if ((v = json_path(s, "price.basePrice")) != NULL &&
		    !json_object_is_type(v, json_type_null)) {
			char b[32];

			json_object_object_add(form, "price_basePrice", json_object_new_string(
			    money_format_pounds(json_object_get_int64(v), b, sizeof(b))));
		}
		if ((v = json_path(s, "availability.emergencyAvailable")) != NULL &&
		    json_object_get_boolean(v))
			json_object_object_add(form, "emergency", json_object_new_boolean(1));
		if ((v = json_path(s, "availability.isActive")) != NULL && json_object_get_boolean(v))
			json_object_object_add(form, "active", json_object_new_boolean(1));
		json_object_object_add(d, "s", json_object_get(s));
		json_object_object_add(d, "action", json_object_new_string(arena_printf(r->a,
		    "/admin/services/%s/edit", id_param(r))));
	} else {
		json_object_object_add(form, "active", json_object_new_boolean(1));
		json_object_object_add(d, "action", json_object_new_string("/admin/services/new"));
	}
	if (failure != NULL) {
		json_object *typed = form_values(r);

		json_object_put(form);
		form = typed;
		if (form_get(r, "availability.emergencyAvailable") != NULL &&
		    strcmp(form_get(r, "availability.emergencyAvailable"), "true") == 0)
			json_object_object_add(form, "emergency", json_object_new_boolean(1));
		if (form_get(r, "availability.isActive") != NULL &&
		    strcmp(form_get(r, "availability.isActive"), "true") == 0)
			json_object_object_add(form, "active", json_object_new_boolean(1));
		json_object_object_add(d, "failure", failure);
	}
	json_object_object_add(d, "form", form);
	return page_render(r, status, "service_form", d);
}

static enum err
service_new_get(struct req *r)
{
	return service_form(r, 200, NULL, NULL);
}

static enum err
service_new_post(struct req *r)
{
	json_object *answer, *body = form_json(r, &services_create_input);
	int status;

	if (pounds_into(r, &services_create_input, body) != ERR_OK ||
	    page_api(r, services_create, NULL,
	    &services_create_input, body, &answer) != ERR_OK) {
		json_object *f = page_failure(r, &status);

		return service_form(r, status, NULL, f);
	}
	return page_redirect(r, "/admin/services?saved=1");
}

static enum err
service_edit_get(struct req *r)
{
	json_object *answer;
	enum err e;

	if ((e = page_api(r, services_get, NULL, NULL, NULL, &answer)) != ERR_OK)
		return e;
	return service_form(r, 200, data_of(answer), NULL);
}

static enum err
service_edit_post(struct req *r)
{
	json_object *answer, *f, *body = form_json(r, &services_update_input);
	int status;
	enum err e;

	if (pounds_into(r, &services_update_input, body) == ERR_OK &&
	    page_api(r, services_update, NULL,
	    &services_update_input, body, &answer) == ERR_OK)
		return page_redirect(r, "/admin/services?saved=1");
	if (r->fail.e == ERR_NOT_FOUND || r->fail.e == ERR_INVALID_ID)
		return r->fail.e;
	f = page_failure(r, &status);
	if ((e = page_api(r, services_get, NULL, NULL, NULL, &answer)) != ERR_OK) {
		json_object_put(f);
		return e;
	}
	return service_form(r, status, data_of(answer), f);
}

static enum err
service_deactivate_post(struct req *r)
{
	json_object *body = json_owned(r->a, json_object_new_object()), *av, *answer;
	enum err e;

	av = json_object_new_object();
	json_object_object_add(av, "isActive", json_object_new_boolean(0));
	json_object_object_add(body, "availability", av);
	if ((e = page_api(r, services_update, NULL, &services_update_input, body, &answer)) !=
	    ERR_OK)
		return e;
	return page_redirect(r, "/admin/services?saved=1");
}

static enum err
service_move_post(struct req *r)
{
	json_object *answer;
	enum err e;

	/* a refusal (a switched-off service, a direction that is neither) is the error page
	 * with the handler's message: the list has no field to show it beside */
	const char *back = page_safe_next(form_get(r, "back"));

	if ((e = page_api(r, services_move, NULL, &services_move_input,
	    form_json(r, &services_move_input), &answer)) != ERR_OK)
		return e;
	if (back == NULL || strncmp(back, "/admin/services?", 16) != 0)
		back = "/admin/services?";
	return page_redirect(r, arena_printf(r->a, "%ssaved=1", back));
}

/* --- technicians --- */

static const char *const work_status_choices[] = { "available", "busy", "offline", NULL };
static const char *const verification_choices[] = { "pending", "verified", "rejected", NULL };

static enum err
technicians_page(struct req *r)
{
	json_object *d = page_data(r, "technicians", "technicians.title"), *answer, *items;
	int status = 200;
	size_t i;

	if (page_api(r, technicians_list, &technicians_list_query, NULL, NULL, &answer) !=
	    ERR_OK) {
		json_object_object_add(d, "failure", page_failure(r, &status));
		json_object_object_add(d, "q", query_json(r, &technicians_list_query));
	} else {
		items = data_of(answer);
		for (i = 0; items != NULL && i < json_object_array_length(items); i++) {
			json_object *t = json_object_array_get_idx(items, i);
			const char *ws = json_object_get_string(json_path(t, "technician.workStatus"));
			const char *vs = json_object_get_string(json_path(t,
			    "technician.verification.status"));

			if (ws != NULL)
				json_object_object_add(t, "workStatusName", json_object_new_string(
				    label(r->lang, arena_printf(r->a, "work.%s", ws))));
			if (vs != NULL)
				json_object_object_add(t, "verificationName", json_object_new_string(
				    label(r->lang, arena_printf(r->a, "verification.%s", vs))));
		}
		add_list(r, d, answer, "/admin/technicians", query_json(r,
		    &technicians_list_query));
	}
	json_object_object_add(d, "statuses", options(r, work_status_choices, "work.",
	    req_query(r, "status")));
	json_object_object_add(d, "verifications", options(r, verification_choices,
	    "verification.", req_query(r, "verification")));
	return page_render(r, status, "technicians", d);
}

static enum err
technician_get(struct req *r)
{
	json_object *d = page_data(r, "technicians", "technicians.detail"), *answer, *t, *perf,
	    *v;
	enum err e;

	if ((e = page_api(r, technicians_get, NULL, NULL, NULL, &answer)) != ERR_OK)
		return e;
	t = json_object_object_get(data_of(answer), "technician");
	if ((e = page_api(r, technicians_performance, NULL, NULL, NULL, &answer)) != ERR_OK)
		return e;
	perf = json_object_object_get(data_of(answer), "performance");
	add_pounds(perf, "earnings.total", "earningsPounds");
	if ((v = json_object_object_get(perf, "completionRate")) != NULL &&
	    !json_object_is_type(v, json_type_null))
		json_object_object_add(perf, "completionPercent", json_object_new_string(
		    arena_printf(r->a, "%.1f", json_object_get_double(v) * 100.0)));
	if ((v = json_path(perf, "responseTime.averageSeconds")) != NULL &&
	    !json_object_is_type(v, json_type_null))
		json_object_object_add(perf, "responseMinutes", json_object_new_string(
		    arena_printf(r->a, "%.1f", (double)json_object_get_int64(v) / 60.0)));
	if ((v = json_path(t, "technician.workStatus")) != NULL)
		json_object_object_add(t, "workStatusName", json_object_new_string(label(r->lang,
		    arena_printf(r->a, "work.%s", json_object_get_string(v)))));
	if ((v = json_path(t, "technician.verification.status")) != NULL)
		json_object_object_add(t, "verificationName", json_object_new_string(label(r->lang,
		    arena_printf(r->a, "verification.%s", json_object_get_string(v)))));
	json_object_object_add(d, "tech", json_object_get(t));
	json_object_object_add(d, "perf", json_object_get(perf));
	return page_render(r, 200, "technician", d);
}

/* --- the verification queue (KYC) --- */

static const char *const request_status_choices[] = { "pending", "approved", "rejected",
	NULL };

static enum err
verifications_page(struct req *r)
{
	json_object *d = page_data(r, "verifications", "verifications.title"), *answer, *q;
	const char *st = req_query(r, "status");
	int status = 200;
	struct kvlist ql;
	size_t i;

	/* the queue: pending requests unless another state is asked for ("all": any) */
	ql.items = arena_alloc(r->a, (r->query.n + 1) * sizeof(*ql.items));
	ql.n = 0;
	for (i = 0; i < r->query.n; i++)
		if (strcmp(r->query.items[i].key, "status") != 0)
			ql.items[ql.n++] = r->query.items[i];
	if (st == NULL || *st == '\0')
		st = "pending";
	if (strcmp(st, "all") != 0)
		ql.items[ql.n++] = (struct kv){ "status", st };
	if (page_api_query(r, verification_list, &verification_list_query, &ql, NULL, NULL,
	    &answer) != ERR_OK) {
		json_object_object_add(d, "failure", page_failure(r, &status));
		q = query_json(r, &verification_list_query);
	} else {
		json_object *items = data_of(answer);

		for (i = 0; items != NULL && i < json_object_array_length(items); i++) {
			json_object *x = json_object_array_get_idx(items, i);

			json_object_object_add(x, "statusName", json_object_new_string(label(r->lang,
			    arena_printf(r->a, "request.%s", json_get_str(x, "status") ?: ""))));
		}
		add_list(r, d, answer, "/admin/verifications", query_json(r,
		    &verification_list_query));
		q = json_object_object_get(d, "q");
	}
	if (json_object_object_get(q, "status") == NULL)
		json_object_object_add(q, "status", json_object_new_string(st));
	if (json_object_object_get(d, "q") == NULL)
		json_object_object_add(d, "q", q);
	json_object_object_add(d, "statuses", options(r, request_status_choices, "request.", st));
	if (strcmp(st, "all") == 0)
		json_object_object_add(d, "allSelected", json_object_new_boolean(1));
	return page_render(r, status, "verifications", d);
}

/* The request's page, with a failure of one of its forms (or none). */
static enum err
verification_page(struct req *r, int fail_status)
{
	json_object *d = page_data(r, "verifications", "verifications.detail"), *answer, *v, *docs,
	    *failure = NULL, *form = NULL;
	int status = 200;
	size_t i;
	enum err e;

	if (fail_status != 0) {
		failure = page_failure(r, &status);
		form = form_values(r);
	}
	if ((e = page_api(r, verification_get, NULL, NULL, NULL, &answer)) != ERR_OK) {
		json_object_put(failure);
		json_object_put(form);
		return e;
	}
	v = data_of(answer);
	json_object_object_add(v, "statusName", json_object_new_string(label(r->lang,
	    arena_printf(r->a, "request.%s", json_get_str(v, "status") ?: ""))));
	if (json_get_str(v, "status") != NULL && strcmp(json_get_str(v, "status"), "pending") == 0)
		json_object_object_add(v, "isPending", json_object_new_boolean(1));
	docs = json_object_object_get(v, "documents");
	for (i = 0; docs != NULL && i < json_object_array_length(docs); i++) {
		json_object *x = json_object_array_get_idx(docs, i);
		const char *mime = json_get_str(x, "mime");
		long long fid;

		/* read through the dashboard's own session (a private file, staff only) */
		if (json_get_int(x, "fileId", &fid) == 0)
			json_object_object_add(x, "href", json_object_new_string(arena_printf(r->a,
			    "/admin/verifications/%s/documents/%lld", id_param(r), fid)));
		if (mime != NULL && strncmp(mime, "image/", 6) == 0)
			json_object_object_add(x, "isImage", json_object_new_boolean(1));
		json_object_object_add(x, "typeName", json_object_new_string(label(r->lang,
		    arena_printf(r->a, "doc.%s", json_get_str(x, "type") ?: ""))));
	}
	json_object_object_add(d, "v", json_object_get(v));
	if (failure != NULL) {
		json_object_object_add(d, "failure", failure);
		json_object_object_add(d, "form", form);
	}
	return page_render(r, status, "verification", d);
}

static enum err
verification_get_page(struct req *r)
{
	return verification_page(r, 0);
}

static enum err
verification_decide(struct req *r, handler_fn h, const struct input *in)
{
	json_object *answer;
	enum err e;

	e = page_api(r, h, NULL, in, form_json(r, in), &answer);
	if (e != ERR_OK)
		return r->fail.e == ERR_NOT_FOUND || r->fail.e == ERR_INVALID_ID ? e :
		    verification_page(r, 1);
	return page_redirect(r, "/admin/verifications?saved=1");
}

static enum err
verification_approve_post(struct req *r)
{
	return verification_decide(r, verification_approve, &verification_approve_input);
}

static enum err
verification_reject_post(struct req *r)
{
	return verification_decide(r, verification_reject, &verification_reject_input);
}

/* A document of the request, as GET /api/files/:id answers it to staff (decrypted,
 * checked, with its type and disposition): only the request's own files, so the
 * dashboard opens no other private file by this path. */
static enum err
verification_document(struct req *r)
{
	json_object *answer, *docs;
	const char *want = r->nparams > 1 ? r->params[1] : "", *saved;
	size_t i, nsaved;
	int found = 0;
	enum err e;

	if ((e = page_api(r, verification_get, NULL, NULL, NULL, &answer)) != ERR_OK)
		return e;
	docs = json_object_object_get(data_of(answer), "documents");
	for (i = 0; docs != NULL && i < json_object_array_length(docs); i++) {
		json_object *f = json_object_object_get(json_object_array_get_idx(docs, i),
		    "fileId");

		if (f != NULL && !json_object_is_type(f, json_type_null) &&
		    strcmp(json_object_get_string(f), want) == 0)
			found = 1;
	}
	if (!found)
		return fail(r, ERR_NOT_FOUND);
	/* files_get reads its id from the first parameter */
	saved = r->params[0];
	nsaved = r->nparams;
	r->params[0] = want;
	r->nparams = 1;
	r->replied = 0;
	e = files_get(r);
	r->params[0] = saved;
	r->nparams = nsaved;
	if (e == ERR_OK)
		resp_header(r, "Cache-Control: private, no-store");
	return e;
}

/* --- analytics --- */

static const char *const analytics_period_choices[] = { "7days", "30days", "90days",
	"6months", "1year", NULL };
static const char *const group_choices[] = { "day", "week", "month", NULL };

/* Names each row of rows by the request's language from its nameAr / nameEn (services)
 * or firstName / lastName (technicians). */
static void
name_rows(struct req *r, json_object *rows)
{
	size_t i;

	for (i = 0; rows != NULL && i < json_object_array_length(rows); i++) {
		json_object *x = json_object_array_get_idx(rows, i);

		if (json_get_str(x, "nameEn") != NULL || json_get_str(x, "nameAr") != NULL)
			json_object_object_add(x, "name", json_object_new_string(json_get_str(x,
			    r->lang == LANG_EN ? "nameEn" : "nameAr") ?: ""));
		else
			json_object_object_add(x, "name", json_object_new_string(arena_printf(r->a,
			    "%s %s", json_get_str(x, "firstName") ?: "",
			    json_get_str(x, "lastName") ?: "")));
		add_pounds(x, "revenue", "revenuePounds");
	}
}

static void
add_chart(json_object *d, const char *key, char *svg)
{
	if (svg != NULL)
		json_object_object_add(d, key, json_object_new_string(svg));
}

static enum err
analytics_page(struct req *r)
{
	json_object *d = page_data(r, "analytics", "analytics.title"), *answer, *bk, *rev, *svc,
	    *tech, *rows, *status_rows, *q;
	const char *group = req_query(r, "groupBy");
	int status = 200;
	size_t i;

	q = query_json(r, &analytics_period_query);
	json_object_object_add(d, "q", q);
	json_object_object_add(d, "periods", options(r, analytics_period_choices, "period.",
	    req_query(r, "period") != NULL ? req_query(r, "period") : "30days"));
	json_object_object_add(d, "groups", options(r, group_choices, "group.",
	    group != NULL ? group : "day"));
	/* the same handlers as GET /api/analytics/bookings, /revenue, /services and
	 * /technicians, over the page's query */
	if (page_api(r, analytics_bookings, &analytics_period_query, NULL, NULL, &answer) !=
	    ERR_OK) {
		json_object_object_add(d, "failure", page_failure(r, &status));
		return page_render(r, status, "analytics", d);
	}
	bk = data_of(answer);
	if (page_api(r, analytics_revenue, &analytics_period_query, NULL, NULL, &answer) != ERR_OK)
		return r->fail.e;
	rev = data_of(answer);
	if (page_api(r, analytics_services, &analytics_period_query, NULL, NULL, &answer) !=
	    ERR_OK)
		return r->fail.e;
	svc = data_of(answer);
	if (page_api(r, analytics_technicians, NULL, NULL, NULL, &answer) != ERR_OK)
		return r->fail.e;
	tech = data_of(answer);

	json_object_object_add(d, "period", json_object_get(json_object_object_get(bk, "period")));
	json_object_object_add(d, "bookings", json_object_get(json_object_object_get(bk,
	    "summary")));
	add_pounds(json_object_object_get(bk, "summary"), "revenue", "revenuePounds");
	add_pounds(json_object_object_get(rev, "summary"), "totalRevenue", "totalPounds");
	add_pounds(json_object_object_get(rev, "summary"), "averageBookingValue",
	    "averagePounds");
	json_object_object_add(d, "rev", json_object_get(json_object_object_get(rev,
	    "summary")));
	rows = json_object_object_get(bk, "data");
	add_chart(d, "chartBookings", svg_line(r->a, rows, "period", "bookings", 0));
	add_chart(d, "chartCompleted", svg_line(r->a, rows, "period", "completed", 0));
	rows = json_object_object_get(rev, "data");
	add_chart(d, "chartRevenue", svg_line(r->a, rows, "period", "revenue", 1));
	status_rows = json_path(bk, "summary.byStatus");
	for (i = 0; status_rows != NULL && i < json_object_array_length(status_rows); i++) {
		json_object *x = json_object_array_get_idx(status_rows, i);

		json_object_object_add(x, "name", json_object_new_string(label(r->lang,
		    arena_printf(r->a, "status.%s", json_get_str(x, "status") ?: ""))));
	}
	add_chart(d, "chartStatus", svg_bars(r->a, status_rows, "name", "count", 0, r->lang));
	rows = json_object_object_get(svc, "data");
	name_rows(r, rows);
	add_chart(d, "chartServices", svg_bars(r->a, rows, "name", "bookings", 0, r->lang));
	add_chart(d, "chartServiceRevenue", svg_bars(r->a, rows, "name", "revenue", 1, r->lang));
	json_object_object_add(d, "services", json_object_get(rows));
	if (rows != NULL && json_object_array_length(rows) > 0)
		json_object_object_add(d, "hasServices", json_object_new_boolean(1));
	rows = json_object_object_get(tech, "data");
	name_rows(r, rows);
	add_chart(d, "chartTechnicians", svg_bars(r->a, rows, "name", "completed", 0, r->lang));
	json_object_object_add(d, "technicians", json_object_get(rows));
	if (rows != NULL && json_object_array_length(rows) > 0)
		json_object_object_add(d, "hasTechnicians", json_object_new_boolean(1));
	json_object_object_add(d, "techSummary", json_object_get(json_object_object_get(tech,
	    "summary")));
	return page_render(r, 200, "analytics", d);
}

/* --- notifications --- */

static const char *const notify_type_choices[] = { "system", "promotion", NULL };

static enum err
notifications_form(struct req *r, int status, json_object *failure)
{
	json_object *d = page_data(r, "notifications", "notifications.title");

	json_object_object_add(d, "types", options(r, notify_type_choices, NULL,
	    form_get(r, "type")));
	if (failure != NULL)
		json_object_object_add(d, "failure", failure);
	json_object_object_add(d, "form", form_values(r));
	return page_render(r, status, "notifications", d);
}

static enum err
notifications_get(struct req *r)
{
	return notifications_form(r, 200, NULL);
}

static enum err
notifications_post(struct req *r)
{
	json_object *answer;
	int status;

	if (page_api(r, notifications_send, NULL, &notifications_send_input,
	    form_json(r, &notifications_send_input), &answer) != ERR_OK) {
		json_object *f = page_failure(r, &status);

		return notifications_form(r, status, f);
	}
	return page_redirect(r, "/admin/notifications?saved=1");
}

/* --- settings --- */

static enum err
settings_page(struct req *r, int fail_status)
{
	json_object *d = page_data(r, "settings", "settings.title"), *answer, *items, *failure = NULL;
	int status = 200;
	size_t i;
	enum err e;

	if (fail_status != 0)
		failure = page_failure(r, &status);
	if ((e = page_api(r, settings_all, NULL, NULL, NULL, &answer)) != ERR_OK) {
		json_object_put(failure);
		return e;
	}
	items = data_of(answer);
	if (json_object_is_type(items, json_type_object)) {
		json_object *s;

		if (json_object_object_get_ex(items, "settings", &s))
			items = s;
	}
	for (i = 0; items != NULL && json_object_is_type(items, json_type_array) &&
	    i < json_object_array_length(items); i++) {
		json_object *s = json_object_array_get_idx(items, i), *v;

		if (json_object_object_get_ex(s, "value", &v))
			json_object_object_add(s, "valueText", json_object_new_string(
			    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE)));
		if (fail_status != 0 && r->nparams > 0 &&
		    strcmp(json_get_str(s, "key") ?: "", r->params[0]) == 0) {
			json_object_object_add(s, "failed", json_object_get(failure));
			if (form_get(r, "value") != NULL)
				json_object_object_add(s, "valueText",
				    json_object_new_string(form_get(r, "value")));
		}
	}
	json_object_object_add(d, "items", json_object_get(items));
	if (failure != NULL)
		json_object_object_add(d, "failure", failure);
	return page_render(r, status, "settings", d);
}

static enum err
settings_get(struct req *r)
{
	return settings_page(r, 0);
}

static enum err
setting_post(struct req *r)
{
	json_object *answer;

	if (page_api(r, settings_update, NULL, &settings_update_input,
	    form_json(r, &settings_update_input), &answer) != ERR_OK)
		return settings_page(r, 1);
	return page_redirect(r, "/admin/settings?saved=1");
}

/* --- activity log --- */

static enum err
activity_page(struct req *r)
{
	json_object *d = page_data(r, "activity", "activity.title"), *answer, *items;
	int status = 200;
	size_t i;

	if (page_api(r, admin_activity_log, &admin_activity_query, NULL, NULL, &answer) !=
	    ERR_OK) {
		json_object_object_add(d, "failure", page_failure(r, &status));
		json_object_object_add(d, "q", query_json(r, &admin_activity_query));
		return page_render(r, status, "activity", d);
	}
	items = data_of(answer);
	for (i = 0; items != NULL && i < json_object_array_length(items); i++) {
		json_object *x = json_object_array_get_idx(items, i), *v;

		if (json_object_object_get_ex(x, "details", &v) && v != NULL)
			json_object_object_add(x, "detailsText", json_object_new_string(
			    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
			    JSON_C_TO_STRING_NOSLASHESCAPE)));
	}
	add_list(r, d, answer, "/admin/activity", query_json(r, &admin_activity_query));
	return page_render(r, 200, "activity", d);
}

/* --- the table: who may see what (seed 001 §7.6) --- */

#define GET  HTTP_GET
#define POST HTTP_POST

const struct route admin_pages[] = {
	{ GET, "/admin/login", login_get, ROUTE_PUBLIC, 0 },
	{ POST, "/admin/login", login_post, ROUTE_PUBLIC, 0 },
	{ POST, "/admin/logout", logout_post, ROLE_STAFF, 0 },
	{ GET, "/admin/", overview_get, ROLE_STAFF, 0 },
	{ GET, "/admin/users", users_page, ROLE_STAFF, 0 },
	{ GET, "/admin/users/new", user_new_get, ROLE_STAFF, 0 },
	{ POST, "/admin/users/new", user_new_post, ROLE_STAFF, 0 },
	{ GET, "/admin/users/:id", user_get, ROLE_STAFF, 0 },
	{ POST, "/admin/users/:id/ban", user_ban_post, ROLE_STAFF, 0 },
	{ POST, "/admin/users/:id/unban", user_unban_post, ROLE_STAFF, 0 },
	{ POST, "/admin/users/:id/role", user_role_post, ROLE_ADMIN, 0 },
	{ POST, "/admin/users/:id/delete", user_delete_post, ROLE_ADMIN, 0 },
	{ GET, "/admin/bookings", bookings_page, ROLE_STAFF, 0 },
	{ GET, "/admin/bookings/:id", booking_get, ROLE_STAFF, 0 },
	{ POST, "/admin/bookings/:id/approve", booking_approve_post, ROLE_STAFF, 0 },
	{ POST, "/admin/bookings/:id/assign", booking_assign_post, ROLE_STAFF, 0 },
	{ POST, "/admin/bookings/:id/cancel", booking_cancel_post, ROLE_STAFF, 0 },
	{ GET, "/admin/services", services_page, ROLE_STAFF, 0 },
	{ GET, "/admin/services/new", service_new_get, ROLE_STAFF, 0 },
	{ POST, "/admin/services/new", service_new_post, ROLE_STAFF, 0 },
	{ GET, "/admin/services/:id/edit", service_edit_get, ROLE_STAFF, 0 },
	{ POST, "/admin/services/:id/edit", service_edit_post, ROLE_STAFF, 0 },
	{ POST, "/admin/services/:id/deactivate", service_deactivate_post, ROLE_STAFF, 0 },
	{ POST, "/admin/services/:id/move", service_move_post, ROLE_STAFF, 0 },
	{ GET, "/admin/technicians", technicians_page, ROLE_STAFF, 0 },
	{ GET, "/admin/technicians/:id", technician_get, ROLE_STAFF, 0 },
	{ GET, "/admin/verifications", verifications_page, ROLE_STAFF, 0 },
	{ GET, "/admin/verifications/:id", verification_get_page, ROLE_STAFF, 0 },
	{ GET, "/admin/verifications/:id/documents/:file", verification_document, ROLE_STAFF, 0 },
	{ POST, "/admin/verifications/:id/approve", verification_approve_post, ROLE_STAFF, 0 },
	{ POST, "/admin/verifications/:id/reject", verification_reject_post, ROLE_STAFF, 0 },
	{ GET, "/admin/analytics", analytics_page, ROLE_ADMIN, 0 },
	{ GET, "/admin/notifications", notifications_get, ROLE_ADMIN, 0 },
	{ POST, "/admin/notifications", notifications_post, ROLE_ADMIN, 0 },
	{ GET, "/admin/settings", settings_get, ROLE_ADMIN, 0 },
	{ POST, "/admin/settings/:key", setting_post, ROLE_ADMIN, 0 },
	{ GET, "/admin/activity", activity_page, ROLE_ADMIN, 0 },
};

const size_t admin_npages = sizeof(admin_pages) / sizeof(admin_pages[0]);
