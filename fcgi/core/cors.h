/* Cross-origin requests from the web apps (seed 002: "multi-origin support with
 * credentials"). Only origins listed in the config key cors_origins (space or comma
 * separated, exact "scheme://host[:port]") get Access-Control-* headers; cookies may
 * then travel with their requests, so "*" is never used. */
#ifndef WARSHA_CORS_H
#define WARSHA_CORS_H

#include <stddef.h>

#include "http.h"

/* 1 when origin is one of the list's entries (exact, case-sensitive match). */
int cors_origin_allowed(const char *list, const char *origin);

/* Adds the CORS headers for an allowed Origin. For a preflight (OPTIONS with
 * Access-Control-Request-Method) it also replies 204 and returns 1: the request is done. */
int cors_apply(struct req *r, const char *origin);

#endif
