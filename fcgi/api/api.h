/* The handlers of the API, one file per resource; routes.c says who may call each.
 *
 * A handler returns its outcome (http.h): ERR_OK after reply_ok()/reply_list(), or the
 * value of a fail_*() call. Its declared input (struct input, validate.h) hangs off its
 * route row, so the body and query arrive checked and typed in r->in and r->qin.
 * (Handlers still declared void reply from anywhere; they are being converted.) */
#ifndef WARSHA_API_H
#define WARSHA_API_H

#include "../core/config.h"
#include "../core/http.h"
#include "../core/validate.h"

/* health.c */
void api_root(struct req *r);
void api_health(struct req *r);

/* auth.c */
void auth_register(struct req *r);
void auth_login(struct req *r);
void auth_refresh(struct req *r);
void auth_logout(struct req *r);
void auth_forgot_password(struct req *r);
void auth_reset_password(struct req *r);
void auth_verify_email(struct req *r);
void auth_verify_phone(struct req *r);
void auth_send_phone_code(struct req *r);
void auth_change_password(struct req *r);
void auth_me(struct req *r);
void auth_v1_register(struct req *r);     /* seed 003: /api/v1/user/registration/ */
void auth_v1_login(struct req *r);        /* seed 003: /api/v1/user/login/ */

/* users.c */
void users_profile_get(struct req *r);
void users_profile_put(struct req *r);
enum err users_list(struct req *r);
extern const struct input users_list_query;         /* page, limit, cursor, role, search */
extern const struct input admin_users_list_query;   /* the same and status */
void users_get(struct req *r);
void users_set_role(struct req *r);
void users_delete(struct req *r);
void users_settings_get(struct req *r);
void users_settings_put(struct req *r);

/* admin_users.c (seed 001's admin user management) */
enum err admin_users_list(struct req *r);
enum err admin_users_create_admin(struct req *r);
enum err admin_users_ban(struct req *r);
enum err admin_users_unban(struct req *r);
extern const struct input admin_users_create_input;
extern const struct input admin_users_ban_input;
/* warsha-fcgi --create-admin: the first admin from WARSHA_ADMIN_EMAIL/_PASSWORD */
int  admin_bootstrap(const struct config *cfg);

/* services.c */
void services_list(struct req *r);
void services_emergency(struct req *r);
void services_categories(struct req *r);
void services_get(struct req *r);
void services_create(struct req *r);
void services_update(struct req *r);
void services_delete(struct req *r);
void services_bulk(struct req *r);

/* settings.c */
void settings_public(struct req *r);
void settings_all(struct req *r);
void settings_update(struct req *r);
void settings_create(struct req *r);

/* maintenance.c */
void maintenance_run(struct req *r);

#endif
