/* GET / and GET /health (seed 002 "Root APIs"): status and database state, for load
 * balancers and monitors. The database is pinged at most once a second per worker, so
 * a health check costs no round trip under load. */
#include "../core/db.h"
#include "api.h"

#define WARSHA_VERSION "1.0.0"

static json_object *
status_body(struct req *r, int up)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "dbStatus",
	    json_object_new_string(up ? "connected" : "disconnected"));
	json_object_object_add(o, "version", json_object_new_string(WARSHA_VERSION));
	(void)r;
	return o;
}

void
api_health(struct req *r)
{
	int up = db_alive(r->db, 1000);

	reply_json(r, up ? 200 : 503, status_body(r, up));
}

void
api_root(struct req *r)
{
	int up = db_alive(r->db, 1000);
	json_object *o = status_body(r, up);

	json_object_object_add(o, "message", json_object_new_string(i18n(r->lang, "health.ok")));
	json_object_object_add(o, "name", json_object_new_string("Warsha API"));
	json_object_object_add(o, "docs", json_object_new_string("/static/openapi.yaml"));
	reply_json(r, 200, o);
}
