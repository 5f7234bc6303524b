/* One route table says who may call what (kore's habit): a request the table does not
 * admit never reaches a handler. Patterns are literal segments and ":name" segments. */
#ifndef WARSHA_ROUTER_H
#define WARSHA_ROUTER_H

#include <stddef.h>

#include "http.h"

#include "validate.h"

/* A handler returns its outcome: ERR_OK after recording its reply, or a fail_*() value
 * (http.h). */
typedef enum err (*handler_fn)(struct req *r);

#define ROUTE_PUBLIC        0u       /* roles == 0: anyone, no token needed */
#define ROUTE_OPTIONAL_AUTH 0x1u     /* public, but a valid token identifies the caller */
#define ROUTE_MAINTENANCE   0x2u     /* guarded by X-Maintenance-Token instead of a user */
#define ROUTE_ANY_APP_VERSION 0x4u   /* answered to apps older than min_app_version too */
#define ROUTE_STREAM_BODY   0x8u     /* an upload: the handler streams the body itself, up
                                      * to upload_body_limit (docs/uploads.md) */

struct route {
	unsigned            methods;   /* HTTP_GET | HTTP_POST ... */
	const char         *pattern;
	handler_fn          handler;
	unsigned            roles;     /* ROLE_* bits that may call it; 0 = public */
	unsigned            flags;
	const struct input *body;      /* declared body fields: checked into r->in */
	const struct input *query;     /* declared query parameters: into r->qin */
	const struct input_list *body_list; /* a body that is a list: into r->in */
};

/* The application's table (fcgi/api/routes.c). */
extern const struct route app_routes[];
extern const size_t app_nroutes;

/* Finds the route for r->path and r->method, filling r->params; HEAD matches the GET
 * rows. When the path matches but the method does not, returns NULL and sets *allowed
 * to the table's methods for that path. */
const struct route *route_match(const struct route *table, size_t n, struct req *r,
    unsigned *allowed);

/* The value of the Allow header of a 405 for these methods, as RFC 9110 §10.2.1 writes
 * it: "GET, HEAD, POST" (HEAD whenever GET, since route_match lets HEAD reach GET rows).
 * Written into buf as snprintf would (cut short to n bytes, always terminated); returns
 * the length of the whole value, so a result >= n means it did not fit. */
size_t route_allow_header(unsigned methods, char *buf, size_t n);

/* Identifies the caller from "Authorization: Bearer" or the accessToken cookie and
 * applies the route's roles: ERR_OK, or the failure (401/403/503). */
enum err route_authorize(struct req *r, const struct route *rt);
/* Reads the route's declared body and query into r->in and r->qin: ERR_OK or the 422. */
enum err route_input(struct req *r, const struct route *rt);
/* Runs the route's handler and returns its outcome. */
enum err route_run(struct req *r, const struct route *rt);

const char *role_name(enum role role);
int         role_parse(const char *name, enum role *out);   /* canonical names only */

#endif
