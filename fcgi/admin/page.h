/* What the dashboard's pages share (page.c): the session of the request, the form it
 * posted, the templates, and the bridge to the API's handlers. Internal to fcgi/admin/. */
#ifndef WARSHA_ADMIN_PAGE_H
#define WARSHA_ADMIN_PAGE_H

#include <json-c/json.h>

#include "../core/router.h"
#include "../store/admin_sessions.h"
#include "admin.h"

/* The request's dashboard state (one request at a time per worker). */
struct dash_state {
	int                  signed_in;
	struct admin_session s;
	const char          *token_hash;   /* of the session cookie */
	struct kvlist        form;         /* a POST's fields, decoded */
	int                  secure;       /* served over HTTPS (or cookie_secure) */
};

/* The page table (pages.c). */
extern const struct route admin_pages[];
extern const size_t admin_npages;

struct dash_state *page_of(struct req *r);

/* The data every page starts from: lang, dir, the labels (t), the user, the csrf token,
 * the navigation with `active` the current section, and the page's title (a label key).
 * The request's arena owns it. */
json_object *page_data(struct req *r, const char *section, const char *title_key);
/* Renders templates/admin/<name>.mustache over data (page_data()'s) as the reply. */
enum err     page_render(struct req *r, int status, const char *name, json_object *data);
/* 303 See Other to a path of the dashboard (built by the caller, never taken from
 * input as it is). */
enum err     page_redirect(struct req *r, const char *location);
/* The last value of a posted field, or NULL. */
const char  *form_get(struct req *r, const char *name);
/* The posted form as the JSON body a declared input reads: each declared field that was
 * posted non-empty, typed by its declaration (numbers, booleans, lists of lines), dotted
 * names nested. */
json_object *form_json(struct req *r, const struct input *in);
/* The query's declared parameters as the page's own query (for links that keep the
 * filters). */
json_object *query_json(struct req *r, const struct input *in);

/* Runs an API handler for the page: the declared query (from the request's query) and
 * body (JSON, e.g. form_json()) are read as the route would read them, then the handler
 * runs as the signed-in user. ERR_OK with *out the handler's whole JSON answer, or the
 * handler's failure, still recorded in r->fail for page_failure(). */
enum err     page_api(struct req *r, handler_fn h, const struct input *query,
    const struct input *body_decl, json_object *body, json_object **out);
/* The same with the query parameters given (not the request's). */
enum err     page_api_query(struct req *r, handler_fn h, const struct input *query,
    const struct kvlist *q, const struct input *body_decl, json_object *body,
    json_object **out);
/* The posted fields as typed (passwords and the token left out), dots in names as
 * underscores: what a form shows again after a refusal. */
json_object *form_values(struct req *r);
/* Takes the recorded failure off the request: {message, status, fields: {name:
 * message}, errors: [{field, message}]}; *status its HTTP status. */
json_object *page_failure(struct req *r, int *status);

/* The sign-in (auth_sign_in_staff): ERR_OK with the session cookie set, or the
 * failure. */
enum err     page_sign_in(struct req *r, const char *email, const char *password);
enum err     page_sign_out(struct req *r);
/* The sign-in form's CSRF token (a cookie, set when missing). */
const char  *page_login_csrf(struct req *r);
/* next when it is a plain path of the dashboard, else NULL. */
const char  *page_safe_next(const char *next);

/* Text for HTML (and SVG), escaped as the templates escape. */
char        *html_escape(struct arena *a, const char *s);

/* svg.c: charts as inline SVG, drawn on the server. rows: [{label_key: text, value_key:
 * n}]; every text is escaped. */
char *svg_bars(struct arena *a, json_object *rows, const char *label_key,
    const char *value_key, int money, enum lang lang);
char *svg_line(struct arena *a, json_object *rows, const char *label_key,
    const char *value_key, int money);

/* labels.c: the pages' own words in the request's language, {key: text}. */
json_object *labels_json(enum lang lang);
const char  *label(enum lang lang, const char *key);

#endif
