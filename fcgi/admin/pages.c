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
#include "page.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* --- helpers --- */

static json_object *
data_of(json_object *answer)
{
	json_object *d;

	return json_object_object_get_ex(answer, "data", &d) ? d : NULL;
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
		qs = arena_printf(r->a, "%s&%s=%s", qs, k, json_object_get_string(val));
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
	json_object_object_add(d, "revenuePounds", json_object_new_string(arena_printf(r->a,
	    "%lld", (long long)json_object_get_int64(json_object_object_get(v, "revenue")) / 100)));
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
	if (answer != NULL)
		add_list(r, d, answer, "/admin/bookings", query_json(r, &bookings_list_query));
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
		json_object *price = json_path(s, "price.basePrice");

		if (price != NULL)
			json_object_object_add(s, "pricePounds", json_object_new_string(arena_printf(
			    r->a, "%.2f", (double)json_object_get_int64(price) / 100.0)));
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
	json_object *answer;
	int status;

	if (page_api(r, services_create, NULL, &services_create_input,
	    form_json(r, &services_create_input), &answer) != ERR_OK) {
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
	json_object *answer, *f;
	int status;
	enum err e;

	if (page_api(r, services_update, NULL, &services_update_input,
	    form_json(r, &services_update_input), &answer) == ERR_OK)
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
	{ GET, "/admin/notifications", notifications_get, ROLE_ADMIN, 0 },
	{ POST, "/admin/notifications", notifications_post, ROLE_ADMIN, 0 },
	{ GET, "/admin/settings", settings_get, ROLE_ADMIN, 0 },
	{ POST, "/admin/settings/:key", setting_post, ROLE_ADMIN, 0 },
	{ GET, "/admin/activity", activity_page, ROLE_ADMIN, 0 },
};

const size_t admin_npages = sizeof(admin_pages) / sizeof(admin_pages[0]);
