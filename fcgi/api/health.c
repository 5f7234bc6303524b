/* GET / and GET /health (seed 002 "Root APIs"): status and database state, for load
 * balancers and monitors. The database is pinged at most once a second per worker, so
 * a health check costs no round trip under load. */
#include "../core/db.h"
#include "api.h"

#ifndef WARSHA_VERSION                  /* CMake's project(VERSION) */
#define WARSHA_VERSION "unknown"
#endif

static json_object *
status_body(int up)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "dbStatus",
	    json_object_new_string(up ? "connected" : "disconnected"));
	json_object_object_add(o, "version", json_object_new_string(WARSHA_VERSION));
	return o;
}

/* The two possible answers are constant: written once, not rebuilt per request. */
enum err
api_health(struct req *r)
{
	static const char up_body[] =
	    "{\"status\":\"ok\",\"dbStatus\":\"connected\",\"version\":\"" WARSHA_VERSION "\"}";
	static const char down_body[] =
	    "{\"status\":\"degraded\",\"dbStatus\":\"disconnected\",\"version\":\""
	    WARSHA_VERSION "\"}";
	int up = db_alive(r->db, 1000);

	if (up)
		return reply_raw(r, 200, "application/json; charset=utf-8", up_body,
		    sizeof(up_body) - 1);
	return reply_raw(r, 503, "application/json; charset=utf-8", down_body,
	    sizeof(down_body) - 1);
}

enum err
api_root(struct req *r)
{
	int up = db_alive(r->db, 1000);
	json_object *o = status_body(up);

	json_object_object_add(o, "message", json_object_new_string(msg_text(r->lang, MSG_HEALTH_OK)));
	json_object_object_add(o, "name", json_object_new_string("Warsha API"));
	/* seed 002's root answers {message, status, version, author} */
	json_object_object_add(o, "author", json_object_new_string("Warsha"));
	json_object_object_add(o, "docs", json_object_new_string("/static/openapi.yaml"));
	return reply_json(r, 200, o);
}
