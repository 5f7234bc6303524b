/* The admin dashboard: server-rendered pages under /admin/ (docs/dashboard.md).
 *
 * Pages have their own route table (pages.c) with the roles that may see each, a
 * sign-in session of their own (a cookie backed by an admin_sessions row), a CSRF token
 * on every form, and HTML answers for everything, errors included. They act through the
 * API's own handlers (fcgi/api/): a form is read by the handler's declared input and the
 * handler runs as it would for the JSON endpoint, so a page never holds a rule or a
 * statement of its own. */
#ifndef WARSHA_ADMIN_H
#define WARSHA_ADMIN_H

#include "../core/http.h"

/* /admin/... (the worker hands these to admin_dispatch) */
int      admin_page_path(const char *path);
/* application/x-www-form-urlencoded */
int      admin_form_type(const char *content_type);
/* Answers a dashboard request: always an HTML page or a redirect (ERR_OK), but for a
 * database failure the page could not even say (then the failure). */
enum err admin_dispatch(struct req *r);

#endif
