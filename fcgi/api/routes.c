/* The one route table: method, pattern, handler, who may call it (DESIGN.md §4 and the
 * seeds' access matrices), and the declared input the handler reads (.body, .query). /api/v1/... reaches the same rows (worker.c folds it). A test
 * keeps static/openapi.yaml in step with this table. */
#include "../core/router.h"
#include "api.h"

/* A row names what it has; a route without declared input leaves .body and .query out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define GET    HTTP_GET
#define POST   HTTP_POST
#define PUT    HTTP_PUT
#define PATCH  HTTP_PATCH
#define DELETE HTTP_DELETE

const struct route app_routes[] = {
	{ GET, "/", NULL, ROUTE_PUBLIC, 0, .legacy = api_root },
	{ GET, "/health", NULL, ROUTE_PUBLIC, 0, .legacy = api_health },
	{ GET, "/api/health", NULL, ROUTE_PUBLIC, 0, .legacy = api_health },

	/* auth (seeds 000, 001, 002) */
	{ POST, "/api/auth/register", NULL, ROUTE_PUBLIC, 0, .legacy = auth_register },
	{ POST, "/api/auth/login", NULL, ROUTE_PUBLIC, 0, .legacy = auth_login },
	{ POST, "/api/auth/refresh-token", NULL, ROUTE_PUBLIC, 0, .legacy = auth_refresh },
	{ POST, "/api/auth/refresh", NULL, ROUTE_PUBLIC, 0, .legacy = auth_refresh },
	{ POST, "/api/auth/logout", NULL, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH, .legacy = auth_logout },
	{ POST, "/api/auth/forgot-password", NULL, ROUTE_PUBLIC, 0, .legacy = auth_forgot_password },
	{ POST, "/api/auth/reset-password", NULL, ROUTE_PUBLIC, 0, .legacy = auth_reset_password },
	{ POST, "/api/auth/verify-email", NULL, ROUTE_PUBLIC, 0, .legacy = auth_verify_email },
	{ POST, "/api/_/users/verify-email", NULL, ROUTE_PUBLIC, 0, .legacy = auth_verify_email },
	{ POST, "/api/auth/send-phone-code", NULL, ROLE_ANY, 0, .legacy = auth_send_phone_code },
	{ POST, "/api/auth/verify-phone", NULL, ROLE_ANY, 0, .legacy = auth_verify_phone },
	{ POST, "/api/auth/change-password", NULL, ROLE_ANY, 0, .legacy = auth_change_password },
	{ GET, "/api/auth/me", NULL, ROLE_ANY, 0, .legacy = auth_me },
	/* seed 003 (reached as /api/v1/user/...) */
	{ POST, "/api/user/registration", NULL, ROUTE_PUBLIC, 0, .legacy = auth_v1_register },
	{ POST, "/api/user/login", NULL, ROUTE_PUBLIC, 0, .legacy = auth_v1_login },

	/* users (seed 000; seed 001's /users/me; seed 002's /user/settings) */
	{ GET, "/api/users/profile", NULL, ROLE_ANY, 0, .legacy = users_profile_get },
	{ PUT, "/api/users/profile", NULL, ROLE_ANY, 0, .legacy = users_profile_put },
	{ GET, "/api/users/me", NULL, ROLE_ANY, 0, .legacy = users_profile_get },
	{ PUT, "/api/users/me", NULL, ROLE_ANY, 0, .legacy = users_profile_put },
	{ GET, "/api/user/settings", NULL, ROLE_ANY, 0, .legacy = users_settings_get },
	{ PUT, "/api/user/settings", NULL, ROLE_ANY, 0, .legacy = users_settings_put },
	{ GET, "/api/users", users_list, ROLE_ADMIN | ROLE_MODERATOR | ROLE_TECHNICIAN, 0,
	    .query = &users_list_query },
	{ GET, "/api/users/:id", NULL, ROLE_ADMIN | ROLE_MODERATOR | ROLE_TECHNICIAN, 0, .legacy = users_get },
	{ PUT, "/api/users/:id/role", NULL, ROLE_ADMIN, 0, .legacy = users_set_role },
	{ DELETE, "/api/users/:id", NULL, ROLE_ADMIN, 0, .legacy = users_delete },

	/* admin user management (seed 001) */
	{ GET, "/api/admin/users", admin_users_list, ROLE_STAFF, 0,
	    .query = &admin_users_list_query },
	{ POST, "/api/admin/users/create-admin", admin_users_create_admin, ROLE_STAFF, 0,
	    .body = &admin_users_create_input },
	{ PATCH, "/api/admin/users/:id/ban", admin_users_ban, ROLE_STAFF, 0,
	    .body = &admin_users_ban_input },
	{ PATCH, "/api/admin/users/:id/unban", admin_users_unban, ROLE_STAFF, 0 },

	/* services (seed 000; write access for admin or moderator per seed 001) */
	{ GET, "/api/services", NULL, ROUTE_PUBLIC, 0, .legacy = services_list },
	{ GET, "/api/services/emergency", NULL, ROUTE_PUBLIC, 0, .legacy = services_emergency },
	{ GET, "/api/services/categories", NULL, ROUTE_PUBLIC, 0, .legacy = services_categories },
	{ GET, "/api/services/:id", NULL, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH, .legacy = services_get },
	{ POST, "/api/services", NULL, ROLE_STAFF, 0, .legacy = services_create },
	{ POST, "/api/services/bulk", NULL, ROLE_STAFF, 0, .legacy = services_bulk },
	{ PUT, "/api/services/:id", NULL, ROLE_STAFF, 0, .legacy = services_update },
	{ DELETE, "/api/services/:id", NULL, ROLE_STAFF, 0, .legacy = services_delete },

	/* settings (seed 000) */
	{ GET, "/api/settings", NULL, ROUTE_PUBLIC, 0, .legacy = settings_public },
	{ GET, "/api/settings/all", NULL, ROLE_ADMIN, 0, .legacy = settings_all },
	{ PUT, "/api/settings/:key", NULL, ROLE_ADMIN, 0, .legacy = settings_update },
	{ POST, "/api/settings", NULL, ROLE_ADMIN, 0, .legacy = settings_create },

	/* maintenance: cron and systemd timers */
	{ POST, "/api/maintenance/:task", NULL, ROUTE_PUBLIC, ROUTE_MAINTENANCE, .legacy = maintenance_run },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
