/* The dashboard's frame (admin.h, page.h): templates loaded once per worker, the
 * language, the sign-in session, the CSRF check, the form, the bridge to the API's
 * handlers, and HTML answers for every outcome.
 *
 * Session: the cookie holds 256 random bits; the admin_sessions row their SHA-256, the
 * CSRF secret, an idle end (moved on use) and an absolute end. The account is read with
 * the session on every request (fcgi/store/admin_sessions.c), so a ban or a demotion
 * ends it at once. The cookie is HttpOnly and SameSite=Strict; over HTTPS it is Secure
 * and named with the __Host- prefix (no Domain, Path=/), so no other site or subdomain
 * can set it.
 *
 * CSRF: every POST carries _csrf. Signed in, it must equal the session's secret; the
 * sign-in form (no session yet) carries the value of a cookie it set (double submit).
 * A missing or wrong token is a 403 page before the page's handler runs: nothing is
 * changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../api/api.h"
#include "../core/crypto.h"
#include "../core/log.h"
#include "../core/mustache.h"
#include "../store/activity.h"
#include "../store/settings.h"
#include "page.h"

#define SESSION_COOKIE        "warsha_admin"
#define SESSION_COOKIE_SECURE "__Host-warsha_admin"
#define LOGIN_CSRF_COOKIE     "warsha_login_csrf"
#define LANG_COOKIE           "warsha_lang"

static struct mustache_set *templates;
static struct dash_state *current;

int
admin_page_path(const char *path)
{
	return path != NULL && (strncmp(path, "/admin/", 7) == 0 || strcmp(path, "/admin") == 0);
}

int
admin_form_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	return n == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

struct dash_state *
page_of(struct req *r)
{
	(void)r;
	return current;
}

/* --- output --- */

char *
html_escape(struct arena *a, const char *s)
{
	size_t n = 0;
	const char *p;
	char *out, *o;

	if (s == NULL)
		return arena_strdup(a, "");
	for (p = s; *p != '\0'; p++)
		n += (*p == '&' || *p == '\'') ? 5 : (*p == '<' || *p == '>') ? 4 : (*p == '"') ? 6 : 1;
	out = o = arena_alloc(a, n + 1);
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': memcpy(o, "&amp;", 5); o += 5; break;
		case '<': memcpy(o, "&lt;", 4); o += 4; break;
		case '>': memcpy(o, "&gt;", 4); o += 4; break;
		case '"': memcpy(o, "&quot;", 6); o += 6; break;
		case '\'': memcpy(o, "&#39;", 5); o += 5; break;
		default: *o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static int
templates_load(const struct config *cfg)
{
	struct mustache_error err;
	char dir[4096];

	if (templates != NULL)
		return 0;
	snprintf(dir, sizeof(dir), "%s/admin", cfg->templates_dir);
	if ((templates = mustache_set_load(dir, &err)) == NULL) {
		log_error("msg=admin_templates dir=%s error=\"%s:%d:%d: %s\"", dir, err.name,
		    err.line, err.column, err.message);
		return -1;
	}
	return 0;
}

enum err
page_render(struct req *r, int status, const char *name, json_object *data)
{
	struct mustache_error err;
	size_t len;
	char *html;

	html = mustache_set_render(r->a, templates, name, data, &len, &err);
	if (html == NULL) {
		log_error("msg=admin_render template=%s error=\"%s:%d:%d: %s\"", name, err.name,
		    err.line, err.column, err.message);
		return fail(r, ERR_INTERNAL);
	}
	r->replied = 0;
	return reply_raw(r, status, "text/html; charset=utf-8", html, len);
}

enum err
page_redirect(struct req *r, const char *location)
{
	resp_header(r, "Location: %s", location);
	r->replied = 0;
	return reply_raw(r, 303, "text/html; charset=utf-8", "", 0);
}

/* --- the language: ?lang= (kept in a cookie), else the cookie, else Arabic --- */

static void
page_lang(struct req *r)
{
	const char *q = req_query(r, "lang"), *c = req_cookie(r, LANG_COOKIE);
	enum lang l;

	r->lang = LANG_AR;
	if (q != NULL && lang_parse(q, &l) == 0) {
		r->lang = l;
		resp_header_keep(r, "Set-Cookie: " LANG_COOKIE "=%s; Path=/admin/; Max-Age=31536000;"
		    " SameSite=Strict%s", lang_code(l), page_of(r)->secure ? "; Secure" : "");
	} else if (c != NULL && lang_parse(c, &l) == 0) {
		r->lang = l;
	}
	r->lang_fixed = 1;
}

/* --- the form --- */

const char *
form_get(struct req *r, const char *name)
{
	const struct kvlist *f = &page_of(r)->form;
	const char *v = NULL;
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].key, name) == 0)
			v = f->items[i].val;
	return v;
}

/* Puts v at the dotted path name of o, making the objects on the way. */
static void
put_path(json_object *o, const char *name, json_object *v)
{
	char key[128];
	const char *dot;
	json_object *child;

	while ((dot = strchr(name, '.')) != NULL) {
		size_t n = (size_t)(dot - name);

		if (n >= sizeof(key)) {
			json_object_put(v);
			return;
		}
		memcpy(key, name, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &child) ||
		    !json_object_is_type(child, json_type_object)) {
			child = json_object_new_object();
			json_object_object_add(o, key, child);
		}
		o = child;
		name = dot + 1;
	}
	json_object_object_add(o, name, v);
}

static json_object *
typed(enum vtype t, const char *s)
{
	char *end;

	switch (t) {
	case V_INT: {
		long long v = strtoll(s, &end, 10);

		return (*end == '\0' && end != s) ? json_object_new_int64(v) : json_object_new_string(s);
	}
	case V_NUMBER: {
		double d = strtod(s, &end);

		return (*end == '\0' && end != s) ? json_object_new_double(d) : json_object_new_string(s);
	}
	case V_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "on") == 0 || strcmp(s, "1") == 0)
			return json_object_new_boolean(1);
		if (strcmp(s, "false") == 0 || strcmp(s, "off") == 0 || strcmp(s, "0") == 0)
			return json_object_new_boolean(0);
		return json_object_new_string(s);
	case V_STRINGS:
	case V_ARRAY: {
		/* one item a line (or comma-separated) */
		json_object *arr = json_object_new_array();
		const char *p = s;

		while (*p != '\0') {
			size_t n = strcspn(p, ",\r\n");
			size_t b = 0;

			while (b < n && p[b] == ' ')
				b++;
			while (n > b && p[n - 1] == ' ')
				n--;
			if (n > b)
				json_object_array_add(arr, json_object_new_string_len(p + b, (int)(n - b)));
			p += strcspn(p, ",\r\n");
			while (*p == ',' || *p == '\r' || *p == '\n')
				p++;
		}
		return arr;
	}
	case V_OBJECT:
	case V_ANY: {
		json_object *j = json_tokener_parse(s);

		return j != NULL ? j : json_object_new_string(s);
	}
	default:
		return json_object_new_string(s);
	}
}

json_object *
form_json(struct req *r, const struct input *in)
{
	json_object *body = json_object_new_object();
	size_t i;

	for (i = 0; i < in->n; i++) {
		const struct vfield *f = &in->fields[i];
		const char *v = form_get(r, f->name);

		if (v == NULL || (*v == '\0' && f->type != V_STRINGS))
			continue;
		if (f->type == V_OBJECT && f->slot == 0)
			continue;   /* declared for its type only: its members carry the values */
		put_path(body, f->name, typed(f->type, v));
	}
	return json_owned(r->a, body);
}

json_object *
form_values(struct req *r)
{
	const struct kvlist *f = &page_of(r)->form;
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < f->n; i++) {
		char *k;

		if (strcmp(f->items[i].key, "_csrf") == 0 || strstr(f->items[i].key, "password") != NULL)
			continue;
		k = arena_strdup(r->a, f->items[i].key);
		for (char *c = k; *c != '\0'; c++)
			if (*c == '.')
				*c = '_';
		json_object_object_add(o, k, json_object_new_string(f->items[i].val));
	}
	return o;
}

json_object *
query_json(struct req *r, const struct input *in)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < in->n; i++) {
		const char *v = req_query(r, in->fields[i].name);

		if (v != NULL && *v != '\0')
			json_object_object_add(o, in->fields[i].name, json_object_new_string(v));
	}
	return o;
}

/* --- the API's handlers, for pages --- */

enum err
page_api(struct req *r, handler_fn h, const struct input *qdecl, const struct input *bdecl,
    json_object *body, json_object **out)
{
	return page_api_query(r, h, qdecl, &r->query, bdecl, body, out);
}

enum err
page_api_query(struct req *r, handler_fn h, const struct input *qdecl,
    const struct kvlist *query, const struct input *bdecl, json_object *body,
    json_object **out)
{
	const void *in0 = r->in, *qin0 = r->qin;
	json_object *errs = NULL, *json0 = r->json, *got;
	void *v;
	enum err e;

	*out = NULL;
	if (qdecl != NULL) {
		struct kvlist q;
		size_t i, j;

		/* only the declared parameters: a page's own (lang, saved) are not the API's */
		q.items = arena_alloc(r->a, (query->n + 1) * sizeof(*q.items));
		q.n = 0;
		for (i = 0; i < query->n; i++)
			for (j = 0; j < qdecl->n; j++)
				if (strcmp(query->items[i].key, qdecl->fields[j].name) == 0) {
					q.items[q.n++] = query->items[i];
					break;
				}
		if (input_read_query(r->a, &q, qdecl, r->lang, &v, &errs) != 0)
			return fail_errors(r, ERR_VALIDATION, errs);
		r->qin = v;
	}
	if (bdecl != NULL) {
		if (body == NULL)
			body = json_owned(r->a, json_object_new_object());
		if (input_read(r->a, body, bdecl, r->lang, &v, &errs) != 0)
			return fail_errors(r, ERR_VALIDATION, errs);
		r->in = v;
		r->json = body;
	}
	r->replied = 0;
	r->resp_body = NULL;
	r->resp_len = 0;
	e = h(r);
	r->in = in0;
	r->qin = qin0;
	r->json = json0;
	if (e != ERR_OK)
		return e;
	got = r->resp_body != NULL ? json_tokener_parse(r->resp_body) : NULL;
	r->replied = 0;
	r->resp_body = NULL;
	r->resp_len = 0;
	r->resp_headers = NULL;
	if (got == NULL)
		return fail(r, ERR_INTERNAL);
	*out = json_owned(r->a, got);
	return ERR_OK;
}

json_object *
page_failure(struct req *r, int *status)
{
	json_object *o = json_object_new_object(), *fields = json_object_new_object();
	enum err e = r->fail.e != ERR_OK ? r->fail.e : ERR_INTERNAL;
	enum msg m = r->fail.msg != MSG_NONE ? r->fail.msg : err_msg(e);
	size_t i, n;

	*status = err_status(e);
	json_object_object_add(o, "message", json_object_new_string(msg_text(r->lang, m)));
	json_object_object_add(o, "status", json_object_new_int(*status));
	json_object_object_add(o, "code", json_object_new_string(err_code(e)));
	if (r->fail.errors != NULL) {
		n = json_object_array_length(r->fail.errors);
		for (i = 0; i < n; i++) {
			json_object *x = json_object_array_get_idx(r->fail.errors, i);
			const char *f = json_get_str(x, "field"), *msg = json_get_str(x, "message");
			char *k;

			if (f == NULL || msg == NULL)
				continue;
			/* "price.basePrice" is failure.fields.price_basePrice in a template */
			k = arena_strdup(r->a, f);
			for (char *c = k; *c != '\0'; c++)
				if (*c == '.')
					*c = '_';
			if (!json_object_object_get_ex(fields, k, NULL))
				json_object_object_add(fields, k, json_object_new_string(msg));
		}
		json_object_object_add(o, "errors", json_object_get(r->fail.errors));
	}
	json_object_object_add(o, "fields", fields);
	if (e == ERR_UNAVAILABLE || e == ERR_RATE_LIMITED)
		resp_header_keep(r, "Retry-After: %d", e == ERR_UNAVAILABLE ? 2 : 60);
	memset(&r->fail, 0, sizeof(r->fail));
	r->resp_headers = NULL;
	r->replied = 0;
	return o;
}

/* --- the frame of every page --- */

static const struct {
	const char *section, *href, *label;
	unsigned roles;
} nav[] = {
	{ "overview", "/admin/", "nav.overview", ROLE_STAFF },
	{ "users", "/admin/users", "nav.users", ROLE_STAFF },
	{ "bookings", "/admin/bookings", "nav.bookings", ROLE_STAFF },
	{ "services", "/admin/services", "nav.services", ROLE_STAFF },
	{ "technicians", "/admin/technicians", "nav.technicians", ROLE_STAFF },
	{ "verifications", "/admin/verifications", "nav.verifications", ROLE_STAFF },
	{ "analytics", "/admin/analytics", "nav.analytics", ROLE_ADMIN },
	{ "notifications", "/admin/notifications", "nav.notifications", ROLE_ADMIN },
	{ "settings", "/admin/settings", "nav.settings", ROLE_ADMIN },
	{ "activity", "/admin/activity", "nav.activity", ROLE_ADMIN },
};

json_object *
page_data(struct req *r, const char *section, const char *title_key)
{
	struct dash_state *p = page_of(r);
	json_object *d = json_owned(r->a, json_object_new_object()), *items, *u;
	int ar = r->lang == LANG_AR;
	size_t i;

	json_object_object_add(d, "lang", json_object_new_string(ar ? "ar" : "en"));
	json_object_object_add(d, "dir", json_object_new_string(ar ? "rtl" : "ltr"));
	json_object_object_add(d, "otherLang", json_object_new_string(ar ? "en" : "ar"));
	json_object_object_add(d, "otherLangName", json_object_new_string(ar ? "English" : "العربية"));
	json_object_object_add(d, "t", labels_json(r->lang));
	json_object_object_add(d, "title", json_object_new_string(label(r->lang, title_key)));
	if (req_query(r, "saved") != NULL)
		json_object_object_add(d, "flash", json_object_new_string(msg_text(r->lang,
		    MSG_ADMIN_SAVED)));
	if (p->signed_in) {
		u = json_object_new_object();
		json_object_object_add(u, "id", json_object_new_int64(p->s.user_id));
		json_object_object_add(u, "name", json_object_new_string(arena_printf(r->a, "%s %s",
		    p->s.first_name ? p->s.first_name : "", p->s.last_name ? p->s.last_name : "")));
		json_object_object_add(u, "email", json_new_str(p->s.email));
		json_object_object_add(u, "role", json_new_str(p->s.role));
		json_object_object_add(u, "roleName", json_new_str(label(r->lang,
		    arena_printf(r->a, "role.%s", p->s.role))));
		if (r->user.role == ROLE_ADMIN)
			json_object_object_add(u, "isAdmin", json_object_new_boolean(1));
		json_object_object_add(d, "user", u);
		json_object_object_add(d, "csrf", json_object_new_string(p->s.csrf_secret));
		items = json_object_new_array();
		for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
			json_object *n;

			if (!(nav[i].roles & r->user.role))
				continue;
			n = json_object_new_object();
			json_object_object_add(n, "href", json_object_new_string(nav[i].href));
			json_object_object_add(n, "label", json_object_new_string(label(r->lang,
			    nav[i].label)));
			if (section != NULL && strcmp(section, nav[i].section) == 0)
				json_object_object_add(n, "active", json_object_new_boolean(1));
			json_object_array_add(items, n);
		}
		json_object_object_add(d, "nav", items);
	}
	return d;
}

static enum err
error_page(struct req *r, int status, const char *message)
{
	json_object *d = page_data(r, NULL, status == 404 ? "error.not_found" :
	    status == 403 ? "error.forbidden" : "error.title");

	json_object_object_add(d, "status", json_object_new_int(status));
	json_object_object_add(d, "message", json_object_new_string(message));
	return page_render(r, status, "error", d);
}

/* --- the session --- */

static const char *
session_cookie_name(const struct dash_state *p)
{
	return p->secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE;
}

static enum err
session_load(struct req *r, struct dash_state *p)
{
	const char *tok = req_cookie(r, session_cookie_name(p));
	char hash[65];
	enum role role;
	enum db_rc rc;
	long long idle;

	if (tok == NULL || strlen(tok) != 64)
		return ERR_OK;
	sha256_hex(tok, strlen(tok), hash);
	p->token_hash = arena_strdup(r->a, hash);
	rc = db_admin_sessions_find(r->db, r->a, hash, &p->s);
	if (rc == DB_NOTFOUND)
		return ERR_OK;
	if (rc != DB_OK)
		return fail_db(r, rc);
	if (role_parse(p->s.role, &role) != 0)
		return ERR_OK;
	if (db_settings_int(r->db, r->a, "admin_session_idle_minutes", 1, 7 * 24 * 60, &idle) !=
	    DB_OK)
		idle = 30;
	if ((rc = db_admin_sessions_touch(r->db, r->a, p->s.id, idle * 60)) != DB_OK)
		return fail_db(r, rc);
	p->signed_in = 1;
	r->user.id = p->s.user_id;
	r->user.role = role;
	return ERR_OK;
}

struct open_ctx {
	struct dash_state *p;
	char         token[65];
	long long    max_seconds;
};

/* Inside the sign-in's transaction (auth_sign_in_staff): the session row. Runs again
 * on a retry, with a fresh token each time. */
static enum err
session_open(struct req *r, long long uid, const char *role, void *ctx)
{
	struct open_ctx *o = ctx;
	struct admin_session_new s;
	struct actor who;
	long long idle, hours;
	char hash[65];
	const char *tok;
	enum db_rc rc;

	if (db_settings_int(r->db, r->a, "admin_session_idle_minutes", 1, 7 * 24 * 60, &idle) !=
	    DB_OK)
		idle = 30;
	if (db_settings_int(r->db, r->a, "admin_session_max_hours", 1, 30 * 24, &hours) != DB_OK)
		hours = 12;
	if ((tok = random_hex(r->a, 32)) == NULL)
		return fail(r, ERR_INTERNAL);
	snprintf(o->token, sizeof(o->token), "%s", tok);
	sha256_hex(o->token, strlen(o->token), hash);
	memset(&s, 0, sizeof(s));
	s.token_hash = hash;
	s.user_id = uid;
	s.csrf_secret = random_hex(r->a, 32);
	s.ip = r->remote_addr;
	/* at most the column's 255 bytes: arena_strndup copies exactly n */
	s.user_agent = r->user_agent != NULL ? arena_strndup(r->a, r->user_agent,
	    strnlen(r->user_agent, 255)) : NULL;
	s.idle_seconds = idle * 60;
	s.max_seconds = hours * 3600;
	o->max_seconds = s.max_seconds;
	if (s.csrf_secret == NULL)
		return fail(r, ERR_INTERNAL);
	who.id = uid;
	who.role = role;
	who.ip = r->remote_addr;
	if ((rc = db_admin_sessions_purge(r->db, r->a)) != DB_OK ||
	    (rc = db_admin_sessions_insert(r->db, r->a, &s)) != DB_OK ||
	    (rc = db_activity_record(r->db, r->a, &who, "admin.sign_in", "user", uid, NULL)) !=
	    DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* Signs in with the posted e-mail and password: ERR_OK with the cookie set, or the
 * failure (wrong password, banned, not staff, too many tries). */
enum err
page_sign_in(struct req *r, const char *email, const char *password)
{
	struct dash_state *p = page_of(r);
	struct open_ctx o;
	enum err e;

	memset(&o, 0, sizeof(o));
	o.p = p;
	if ((e = auth_sign_in_staff(r, email, password, session_open, &o)) != ERR_OK)
		return e;
	resp_header(r, "Set-Cookie: %s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
	    session_cookie_name(p), o.token, o.max_seconds, p->secure ? "; Secure" : "");
	resp_header(r, "Set-Cookie: " LOGIN_CSRF_COOKIE "=; Path=/admin/; Max-Age=0; HttpOnly;"
	    " SameSite=Strict%s", p->secure ? "; Secure" : "");
	return ERR_OK;
}

enum err
page_sign_out(struct req *r)
{
	struct dash_state *p = page_of(r);
	enum db_rc rc;

	if (p->token_hash != NULL &&
	    (rc = db_admin_sessions_delete(r->db, r->a, p->token_hash)) != DB_OK)
		return fail_db(r, rc);
	resp_header(r, "Set-Cookie: %s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
	    session_cookie_name(p), p->secure ? "; Secure" : "");
	return ERR_OK;
}

/* The token of the sign-in form: the cookie's when it has one, else a new one (set). */
const char *
page_login_csrf(struct req *r)
{
	struct dash_state *p = page_of(r);
	const char *c = req_cookie(r, LOGIN_CSRF_COOKIE);

	if (c != NULL && strlen(c) == 64)
		return c;
	if ((c = random_hex(r->a, 32)) == NULL)
		return "";
	resp_header(r, "Set-Cookie: " LOGIN_CSRF_COOKIE "=%s; Path=/admin/; HttpOnly;"
	    " SameSite=Strict%s", c, p->secure ? "; Secure" : "");
	return c;
}

static int
csrf_ok(struct req *r, const struct dash_state *p)
{
	const char *sent = form_get(r, "_csrf");
	const char *want;

	if (sent == NULL || *sent == '\0')
		return 0;
	want = p->signed_in ? p->s.csrf_secret : req_cookie(r, LOGIN_CSRF_COOKIE);
	return want != NULL && strlen(want) == 64 && ct_streq(sent, want);
}

/* A path of the dashboard to come back to after signing in, or NULL. */
const char *
page_safe_next(const char *next)
{
	const char *c;

	if (next == NULL || strncmp(next, "/admin/", 7) != 0 || strstr(next, "//") != NULL)
		return NULL;
	for (c = next; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("/_-.?=&%", *c) != NULL))
			return NULL;
	return next;
}

/* --- the dispatcher --- */

enum err
admin_dispatch(struct req *r)
{
	const struct route *rt;
	struct dash_state p;
	unsigned allowed;
	enum err e;
	int status;

	memset(&p, 0, sizeof(p));
	current = &p;
	p.secure = r->https || r->cfg->cookie_secure;
	page_lang(r);
	if (templates_load(r->cfg) != 0) {
		current = NULL;
		return fail(r, ERR_INTERNAL);
	}
	if ((e = session_load(r, &p)) != ERR_OK) {
		json_object *f = page_failure(r, &status);

		e = error_page(r, status, json_get_str(f, "message"));
		json_object_put(f);
		goto out;
	}
	if ((rt = route_match(admin_pages, admin_npages, r, &allowed)) == NULL) {
		if (allowed != 0) {
			char allow[64];

			route_allow_header(allowed, allow, sizeof(allow));
			resp_header(r, "Allow: %s", allow);
			e = error_page(r, 405, msg_text(r->lang, err_msg(ERR_METHOD_NOT_ALLOWED)));
		} else {
			e = error_page(r, 404, msg_text(r->lang, err_msg(ERR_NOT_FOUND)));
		}
		goto out;
	}
	if (rt->roles != ROUTE_PUBLIC && !p.signed_in) {
		/* nothing a signed-out request asks is done: to the sign-in, and back */
		const char *next = r->method == HTTP_GET ? page_safe_next(r->path) : NULL;

		e = page_redirect(r, next != NULL && strcmp(next, "/admin/") != 0 ?
		    arena_printf(r->a, "/admin/login?next=%s", next) : "/admin/login");
		goto out;
	}
	if (rt->roles != ROUTE_PUBLIC && (rt->roles & r->user.role) == 0) {
		e = error_page(r, 403, msg_text(r->lang, err_msg(ERR_FORBIDDEN)));
		goto out;
	}
	if (r->method == HTTP_POST) {
		parse_query(r->a, r->body != NULL ? r->body : "", &p.form, 256);
		if (!csrf_ok(r, &p)) {
			log_info("msg=admin_csrf_refused path=%s user=%lld", r->path, r->user.id);
			e = error_page(r, 403, msg_text(r->lang, MSG_ADMIN_CSRF));
			goto out;
		}
	}
	e = rt->handler(r);
	if (e != ERR_OK) {
		json_object *f = page_failure(r, &status);

		e = error_page(r, status, json_get_str(f, "message"));
		json_object_put(f);
	}
out:
	current = NULL;
	return e;
}
