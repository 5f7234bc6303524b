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
#include "../domain/booking.h"

/* health.c */
enum err api_root(struct req *r);
enum err api_health(struct req *r);

/* auth.c */
enum err auth_register(struct req *r);
enum err auth_login(struct req *r);
enum err auth_refresh(struct req *r);
enum err auth_logout(struct req *r);
enum err auth_forgot_password(struct req *r);
enum err auth_reset_password(struct req *r);
enum err auth_verify_email(struct req *r);
enum err auth_verify_phone(struct req *r);
enum err auth_send_phone_code(struct req *r);
enum err auth_change_password(struct req *r);
enum err auth_me(struct req *r);
enum err auth_v1_register(struct req *r);     /* seed 003: /api/v1/user/registration/ */
enum err auth_v1_login(struct req *r);        /* seed 003: /api/v1/user/login/ */
extern const struct input auth_register_input;
extern const struct input auth_login_input;
extern const struct input auth_refresh_input;
extern const struct input auth_logout_input;
extern const struct input auth_forgot_password_input;
extern const struct input auth_reset_password_input;
extern const struct input auth_verify_email_input;
extern const struct input auth_verify_phone_input;
extern const struct input auth_change_password_input;
extern const struct input auth_v1_register_input;
extern const struct input auth_v1_login_input;
/* The dashboard's sign-in (fcgi/admin/): the same limits, password check and refusals
 * as POST /api/auth/login with type admins; instead of tokens, open runs inside the
 * sign-in's transaction with the account (and returns ERR_OK or a failure). */
typedef enum err (*staff_session_fn)(struct req *r, long long uid, const char *role,
    void *ctx);
enum err auth_sign_in_staff(struct req *r, const char *email, const char *password,
    staff_session_fn open, void *ctx);

/* users.c */
enum err users_profile_get(struct req *r);
enum err users_profile_put(struct req *r);
enum err users_admin_put(struct req *r);        /* PUT /api/user/:id */
enum err users_list(struct req *r);
extern const struct input users_list_query;         /* page, limit, cursor, role, search */
extern const struct input admin_users_list_query;   /* the same and status */
enum err users_get(struct req *r);
enum err users_set_role(struct req *r);
enum err users_delete(struct req *r);
enum err users_settings_get(struct req *r);
enum err users_settings_put(struct req *r);
extern const struct input users_profile_put_input;
extern const struct input users_set_role_input;
extern const struct input users_settings_put_input;

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
enum err services_list(struct req *r);
enum err services_emergency(struct req *r);
enum err services_categories(struct req *r);
enum err services_get(struct req *r);
enum err services_create(struct req *r);
enum err services_update(struct req *r);
enum err services_delete(struct req *r);
enum err services_bulk(struct req *r);
extern const struct input services_list_query;     /* /api/services and /emergency */
extern const struct input services_create_input;   /* also each item of /bulk */
extern const struct input_list services_bulk_input;
extern const struct input services_update_input;
enum err services_move(struct req *r);
extern const struct input services_move_input;     /* {"direction": "up" | "down"} */

/* settings.c */
enum err settings_public(struct req *r);
enum err settings_all(struct req *r);
enum err settings_update(struct req *r);
enum err settings_create(struct req *r);
/* 426 for a mobile app older than the min_app_version setting (X-App-Platform and
 * X-App-Version); others pass. Routes flagged ROUTE_ANY_APP_VERSION always pass. */
enum err app_version_gate(struct req *r, unsigned route_flags);
/* A registration that names no language takes the default_language setting (and the
 * answer is in it); one that names one keeps it. */
enum lang settings_default_lang(struct req *r);

/* privacy.c: the contact form, a person's export and the erasure of their account */
extern const struct input contact_send_input;
extern const struct input users_me_delete_input;
enum err contact_send(struct req *r);
enum err users_me_export(struct req *r);
enum err users_me_delete(struct req *r);
extern const struct input settings_update_input;
extern const struct input settings_create_input;

/* bookings.c (seed 000 "Booking Management", kind service) */
enum err bookings_create(struct req *r);
enum err bookings_my(struct req *r);
enum err bookings_list(struct req *r);
enum err bookings_get(struct req *r);
enum err bookings_approve(struct req *r);
enum err bookings_assign(struct req *r);
enum err bookings_cancel(struct req *r);
enum err bookings_status(struct req *r);
extern const struct input bookings_create_input;
enum err bookings_of_technician(struct req *r);  /* GET /api/technicians/:id/bookings */
extern const struct input bookings_list_query;      /* /my and the staff/technician list */
extern const struct input bookings_approve_input;
extern const struct input bookings_assign_input;
extern const struct input bookings_cancel_input;
extern const struct input bookings_status_input;
enum err bookings_emergency(struct req *r);
enum err bookings_tracking(struct req *r);
enum err bookings_location(struct req *r);
extern const struct input bookings_emergency_input;
extern const struct input bookings_location_input;
/* the same bookings in seed 002's family (/api/booking) */
enum err booking_create(struct req *r);
enum err booking_list(struct req *r);
extern const struct input booking_create_input;
extern const struct input booking_list_query;
extern const struct input booking_status_input;

/* notifications.c (seed 000's notification endpoints, seed 001's mark-read, seed 002's
 * /api/notification) */
enum err notifications_list(struct req *r);
enum err notifications_read(struct req *r);
enum err notifications_read_all(struct req *r);
enum err notifications_mark_read(struct req *r);
enum err notifications_delete(struct req *r);
enum err notifications_send(struct req *r);
extern const struct input notifications_list_query;
extern const struct input notifications_mark_read_input;
extern const struct input notifications_send_input;

/* maintenance.c */
enum err maintenance_run(struct req *r);

/* devices.c (seed 004's push device tokens) */
enum err devices_register(struct req *r);
enum err devices_unregister(struct req *r);
extern const struct input devices_register_input;
extern const struct input devices_unregister_input;

/* technicians.c (seed 000's technician management; seed 004's nearby search) */
enum err technicians_list(struct req *r);
enum err technicians_available(struct req *r);
enum err technicians_nearby(struct req *r);         /* GET /api/users/technicians/nearby */
enum err technicians_get(struct req *r);
enum err technicians_create(struct req *r);
enum err technicians_update(struct req *r);
enum err technicians_status(struct req *r);
extern const struct input technicians_list_query;
extern const struct input technicians_available_query;
extern const struct input technicians_nearby_query;
extern const struct input technicians_create_input;
extern const struct input technicians_update_input;
extern const struct input technicians_status_input;

/* sessions.c: seed 002's /api/refresh-token and the user's own sessions */
extern const struct input sessions_list_query;
enum err sessions_list(struct req *r);
enum err sessions_get(struct req *r);
enum err sessions_end(struct req *r);
enum err sessions_mine(struct req *r);
/* Inside a unit of work that may end a user's tokens (a ban, a deletion, a new role, a
 * new password, a sign-out, an ended session): an auth:check event for their room, so
 * the notifiers check their open sockets again and close those no longer allowed
 * (docs/realtime.md). */
enum db_rc sessions_auth_check(struct req *r, long long user_id);
enum err sessions_end_mine(struct req *r);

/* uploads.c: seed 000's image uploads and avatars, seed 001's service images */
enum err uploads_image(struct req *r);
enum err uploads_images(struct req *r);
enum err uploads_delete(struct req *r);
/* Inside the unit of work that erases an account: the person's uploads and their files. */
enum err uploads_erase_owner(struct req *r, long long owner_id);
enum err uploads_avatar(struct req *r);
enum err uploads_service_images(struct req *r);

/* files.c: seed 002's /api/files */
enum err files_create(struct req *r);
enum err files_get(struct req *r);
enum err files_update(struct req *r);
enum err files_delete(struct req *r);

/* paging.c: the paging every list shares (docs/data-layer.md, "Lists") */
/* The check of a `cursor` query parameter (a vfield's .check). */
const char *list_cursor_check(struct in_val *v, struct arena *a, enum msg *msg);
/* Where a list starts: after the cursor's (created_at, id) when one is given (then
 * page must be 1: 422 naming page), else at the offset of page, which must lie within
 * window rows (422 naming cursor beyond). */
struct list_pos {
	const char *after_at;     /* NULL: no cursor */
	long long   after_id;
	long long   offset;
};
enum err    list_position(struct req *r, const struct in_val *cursor, long long page,
    long long limit, long long window, struct list_pos *pos);
/* The cursor of the page after the row (at, id). */
const char *list_next_cursor(struct arena *a, const char *at, long long id);
/* A search's page read with one row more than it shows, from offset: the extra row
 * dropped and pg's total set, the lower bound a full page proves (total_capped) or the
 * exact total of the last page. Returns 1 when the page is empty past the first: only a
 * count (capped) can say the total then, and counting would build the match set a
 * second time, so it is done only there. */
int         list_extra_row(struct page *pg, long long offset, json_object *rows);
/* The paging fields of a keyset list's query, into T's members page, limit and cursor:
 * page 1-1000000 (within the list's window), limit 1-100, an opaque cursor. */
#define LIST_PAGING_FIELDS(T) \
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(T, page), NULL }, \
	{ "limit", V_INT, 0, 1, 100, NULL, IN(T, limit), NULL }, \
	{ "cursor", V_STRING, 0, 1, 64, NULL, IN(T, cursor), list_cursor_check }

/* bookings.c, for a booking's sub-resources: the caller's part in a booking
 * (BK_STAFF, BK_TECHNICIAN for the assigned one, BK_CUSTOMER for its customer or the
 * holder of its guest token, 0: not theirs to see), and whether the caller is neither
 * signed in nor holds a guest token */
struct booking_row;
unsigned bookings_party(const struct req *r, const struct booking_row *b);
/* A move the state machine refused, answered: 403 not theirs to make, 422 naming
 * startCode when the move needs one, else 409. */
enum err bookings_refuse(struct req *r, enum bk_result why);
int      bookings_anonymous(const struct req *r);

/* progress.c: seed 000's service progress of a booking (docs/bookings.md, "Progress") */
enum err progress_get(struct req *r);
enum err progress_stage(struct req *r);
enum err progress_blocker_report(struct req *r);
enum err progress_blocker_resolve(struct req *r);
enum err progress_check(struct req *r);
enum err progress_interaction(struct req *r);
enum err progress_interaction_answer(struct req *r);
enum err progress_milestone_add(struct req *r);
enum err progress_milestone_reach(struct req *r);
extern const struct input progress_stage_input;
extern const struct input progress_blocker_input;
extern const struct input progress_resolve_input;
extern const struct input progress_check_input;
extern const struct input progress_interaction_input;
extern const struct input progress_answer_input;
extern const struct input progress_milestone_input;
/* analytics.c: seed 000's /api/analytics, seed 002's admin stats, seed 001's activity
 * log (admin only); the dashboard's pages draw the same data */
struct analytics_period {
	char from[11], to[11];     /* UTC days, both included */
	long days;
	char word[16];             /* the period asked for, or "custom" */
};
enum err analytics_period(struct req *r, const char *period, const char *start,
    const char *end, struct analytics_period *out);
enum err analytics_dashboard_data(struct req *r, const struct analytics_period *p,
    json_object **out);
/* daily rows [{date, n...}] summed into [{period, n...}] by day, week or month */
json_object *analytics_group(json_object *days, const char *group);
enum err analytics_dashboard(struct req *r);
enum err analytics_bookings(struct req *r);
enum err analytics_revenue(struct req *r);
enum err analytics_technicians(struct req *r);
enum err analytics_services(struct req *r);
enum err admin_stats(struct req *r);
enum err admin_activity_log(struct req *r);
extern const struct input analytics_period_query;
extern const struct input admin_activity_query;
/* jobs.c: seed 001's jobs, quotes and invitations (bookings of kind job) */
extern const struct input jobs_create_input;
extern const struct input jobs_update_input;
extern const struct input jobs_list_query;
extern const struct input jobs_status_input;
extern const struct input quotes_create_input;
extern const struct input quotes_revise_input;
extern const struct input quotes_accept_input;
extern const struct input jobs_invite_input;
extern const struct input jobs_respond_input;
enum err jobs_create(struct req *r);
enum err jobs_list(struct req *r);
enum err jobs_get(struct req *r);
enum err jobs_update(struct req *r);
enum err jobs_cancel(struct req *r);
extern const struct input jobs_remove_input;
enum err jobs_remove(struct req *r);
enum err jobs_status(struct req *r);
enum err quotes_create(struct req *r);
enum err quotes_list(struct req *r);
enum err quotes_revise(struct req *r);
enum err quotes_withdraw(struct req *r);
enum err quotes_accept(struct req *r);
enum err jobs_invite(struct req *r);
enum err jobs_invitations(struct req *r);
enum err jobs_respond(struct req *r);
/* recommendations.c: GET /api/users/recommendations (seed 001 §5.12) */
extern const struct input recommendations_query;
enum err recommendations_get(struct req *r);
/* bookings.c, for jobs.c: a new start code for the booking (its hash on b, the code by
 * SMS to the booking's contact phone), as every assignment gets */
enum err bookings_new_start_code(struct req *r, struct booking_row *b);
/* reviews.c: reviews of bookings (seed 000's review endpoints, seed 004's categories
 * and response, seed 002's /api/review and PUT /api/booking/:id/rating) and a
 * technician's performance */
enum err reviews_create(struct req *r);
enum err reviews_get(struct req *r);
enum err reviews_update(struct req *r);
enum err reviews_delete(struct req *r);
enum err reviews_helpful(struct req *r);
enum err reviews_report(struct req *r);
enum err reviews_response(struct req *r);
enum err reviews_of_service(struct req *r);
enum err reviews_of_technician(struct req *r);
enum err reviews_of_user(struct req *r);            /* GET /api/user/:id/reviews */
enum err reviews_list(struct req *r);               /* GET /api/review */
enum err booking_rating(struct req *r);             /* PUT /api/booking/:id/rating */
enum err technicians_performance(struct req *r);    /* GET /api/technicians/:id/performance */
extern const struct input reviews_create_input;
extern const struct input reviews_update_input;
extern const struct input reviews_report_input;
extern const struct input reviews_response_input;
extern const struct input reviews_list_query;
extern const struct input reviews_all_query;
extern const struct input reviews_user_query;
extern const struct input booking_rating_input;
/* reviews.c: double-blind reviews of jobs (docs/reviews.md) */
enum err reviews_job_create(struct req *r);         /* POST /api/jobs/:jobId/reviews */
enum err reviews_job_list(struct req *r);           /* GET /api/jobs/:jobId/reviews */
enum err reviews_reveal_task(struct req *r);        /* maintenance task reveal-reviews */
extern const struct input reviews_job_input;

/* verifications.c: craftsmen's verification (KYC; docs/technicians.md, "Verification") */
enum err verification_submit(struct req *r);
enum err verification_mine(struct req *r);
enum err verification_list(struct req *r);
enum err verification_get(struct req *r);
enum err verification_approve(struct req *r);
enum err verification_reject(struct req *r);
extern const struct input verification_submit_input;
extern const struct input verification_list_query;
extern const struct input verification_approve_input;
extern const struct input verification_reject_input;
/* ERR_OK when the caller (a technician) may quote under unverified_can_quote, else 403 */
enum err verification_may_quote(struct req *r);

/* disputes.c: a job's disputes, evidence and the admins' decision (seed 001 §5.7, §5.8;
 * docs/bookings.md, "Disputes") */
enum err disputes_open(struct req *r);
enum err disputes_get(struct req *r);
enum err disputes_evidence(struct req *r);
enum err disputes_admin_list(struct req *r);
enum err disputes_admin_stats(struct req *r);
enum err disputes_admin_resolve(struct req *r);
extern const struct input disputes_open_input;
extern const struct input disputes_evidence_input;
extern const struct input disputes_list_query;
extern const struct input disputes_stats_query;
extern const struct input disputes_resolve_input;

/* search (docs/search.md): services.c, technicians.c, users.c */
extern const struct input search_services_query;
extern const struct input search_technicians_query;
extern const struct input search_users_query;
enum err search_services(struct req *r);
enum err search_technicians(struct req *r);
enum err search_users(struct req *r);

/* geocode.c (docs/search.md, "Geocoding") */
extern const struct input geocode_reverse_query;
extern const struct input geocode_forward_query;
enum err geocode_reverse(struct req *r);
enum err geocode_forward(struct req *r);

/* review_moderation.c: the staff's queue of reported reviews (docs/reviews.md) */
enum err review_reports_list(struct req *r);
enum err review_moderate(struct req *r);
extern const struct input review_reports_query;
extern const struct input review_moderate_input;

#endif
