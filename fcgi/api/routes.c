/* The one route table: method, pattern, handler, who may call it (docs/decisions.md and the
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
	{ GET, "/", api_root, ROUTE_PUBLIC, ROUTE_ANY_APP_VERSION },
	{ GET, "/health", api_health, ROUTE_PUBLIC, ROUTE_ANY_APP_VERSION },
	{ GET, "/api/health", api_health, ROUTE_PUBLIC, ROUTE_ANY_APP_VERSION },

	/* auth (seeds 000, 001, 002) */
	{ POST, "/api/auth/register", auth_register, ROUTE_PUBLIC, 0,
	    .body = &auth_register_input },
	{ POST, "/api/auth/login", auth_login, ROUTE_PUBLIC, 0, .body = &auth_login_input },
	{ POST, "/api/auth/refresh-token", auth_refresh, ROUTE_PUBLIC, 0,
	    .body = &auth_refresh_input },
	{ POST, "/api/auth/refresh", auth_refresh, ROUTE_PUBLIC, 0, .body = &auth_refresh_input },
	{ POST, "/api/auth/logout", auth_logout, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .body = &auth_logout_input },
	{ POST, "/api/auth/forgot-password", auth_forgot_password, ROUTE_PUBLIC, 0,
	    .body = &auth_forgot_password_input },
	{ POST, "/api/auth/reset-password", auth_reset_password, ROUTE_PUBLIC, 0,
	    .body = &auth_reset_password_input },
	{ POST, "/api/auth/verify-email", auth_verify_email, ROUTE_PUBLIC, 0,
	    .body = &auth_verify_email_input },
	{ POST, "/api/_/users/verify-email", auth_verify_email, ROUTE_PUBLIC, 0,
	    .body = &auth_verify_email_input },
	{ POST, "/api/auth/send-phone-code", auth_send_phone_code, ROLE_ANY, 0 },
	{ POST, "/api/auth/verify-phone", auth_verify_phone, ROLE_ANY, 0,
	    .body = &auth_verify_phone_input },
	{ POST, "/api/auth/change-password", auth_change_password, ROLE_ANY, 0,
	    .body = &auth_change_password_input },
	{ GET, "/api/auth/me", auth_me, ROLE_ANY, 0 },
	/* seed 003 (reached as /api/v1/user/...) */
	{ POST, "/api/user/registration", auth_v1_register, ROUTE_PUBLIC, 0,
	    .body = &auth_v1_register_input },
	{ POST, "/api/user/login", auth_v1_login, ROUTE_PUBLIC, 0, .body = &auth_v1_login_input },

	/* users (seed 000; seed 001's /users/me; seed 002's /user/settings) */
	{ GET, "/api/users/profile", users_profile_get, ROLE_ANY, 0 },
	{ PUT, "/api/users/profile", users_profile_put, ROLE_ANY, 0,
	    .body = &users_profile_put_input },
	{ GET, "/api/users/me", users_profile_get, ROLE_ANY, 0 },
	/* seed 004's nearby technicians (technicians.c): before /api/users/:id */
	{ GET, "/api/users/technicians/nearby", technicians_nearby, ROLE_ANY, 0,
	    .query = &technicians_nearby_query },
	{ PUT, "/api/users/me", users_profile_put, ROLE_ANY, 0, .body = &users_profile_put_input },
	{ GET, "/api/user/settings", users_settings_get, ROLE_ANY, 0 },
	{ PUT, "/api/user/settings", users_settings_put, ROLE_ANY, 0,
	    .body = &users_settings_put_input },
	/* the erasure of one's own account (privacy.c), above the admins' :id row */
	{ DELETE, "/api/users/me", users_me_delete, ROLE_ANY, 0, .body = &users_me_delete_input },
	/* seed 004's push devices (devices.c): before /api/users/:id */
	{ POST, "/api/users/fcm-token", devices_register, ROLE_ANY, 0,
	    .body = &devices_register_input },
	{ DELETE, "/api/users/fcm-token", devices_unregister, ROLE_ANY, 0,
	    .body = &devices_unregister_input },
	/* seed 001 §5.12: craftsmen recommended for the caller's job (recommendations.c):
	 * before /api/users/:id */
	{ GET, "/api/users/recommendations", recommendations_get, ROLE_CUSTOMER | ROLE_CORPORATE, 0,
	    .query = &recommendations_query },
	/* whole for staff, the public view for the others (users.c) */
	{ GET, "/api/users", users_list, ROLE_ANY, 0, .query = &users_list_query },
	{ GET, "/api/users/:id", users_get, ROLE_ANY, 0 },
	{ PUT, "/api/users/:id/role", users_set_role, ROLE_ADMIN, 0, .body = &users_set_role_input },
	{ DELETE, "/api/users/:id", users_delete, ROLE_ADMIN, 0 },
	/* sessions (seed 002): a refresh family each; ending one ends its access tokens */
	{ GET, "/api/users/me/sessions", sessions_mine, ROLE_ANY, 0,
	    .query = &sessions_list_query },
	{ DELETE, "/api/users/me/sessions/:id", sessions_end_mine, ROLE_ANY, 0 },
	/* a person's own data (seed 001 §4): everything held about them */
	{ GET, "/api/users/me/export", users_me_export, ROLE_ANY, 0 },
	{ GET, "/api/refresh-token", sessions_list, ROLE_ADMIN, 0, .query = &sessions_list_query },
	{ GET, "/api/refresh-token/:id", sessions_get, ROLE_ADMIN, 0 },
	{ DELETE, "/api/refresh-token/:id", sessions_end, ROLE_ANY, 0 },
	/* seed 002's /api/user: the same handlers and rules as /api/users (the settings
	 * rows come first: "settings" is no id) */
	{ GET, "/api/user", users_list, ROLE_ADMIN, 0, .query = &users_list_query },
	{ GET, "/api/user/:id", users_get, ROLE_ANY, 0 },
	{ PUT, "/api/user", users_profile_put, ROLE_ANY, 0, .body = &users_profile_put_input },
	{ PUT, "/api/user/:id", users_admin_put, ROLE_ADMIN, 0,
	    .body = &users_profile_put_input },
	{ DELETE, "/api/user/:id", users_delete, ROLE_ADMIN, 0 },

	/* admin user management (seed 001) */
	{ GET, "/api/admin/users", admin_users_list, ROLE_STAFF, 0,
	    .query = &admin_users_list_query },
	{ POST, "/api/admin/users/create-admin", admin_users_create_admin, ROLE_STAFF, 0,
	    .body = &admin_users_create_input },
	{ PATCH, "/api/admin/users/:id/ban", admin_users_ban, ROLE_STAFF, 0,
	    .body = &admin_users_ban_input },
	{ PATCH, "/api/admin/users/:id/unban", admin_users_unban, ROLE_STAFF, 0 },

	/* services (seed 000; write access for admin or moderator per seed 001) */
	{ GET, "/api/services", services_list, ROUTE_PUBLIC, 0, .query = &services_list_query },
	{ GET, "/api/services/emergency", services_emergency, ROUTE_PUBLIC, 0,
	    .query = &services_list_query },
	{ GET, "/api/services/categories", services_categories, ROUTE_PUBLIC, 0 },
	/* seed 001's service images (uploads.c): a literal row, above the :id rows */
	{ POST, "/api/services/uploads", uploads_service_images, ROLE_STAFF, ROUTE_STREAM_BODY },
	{ GET, "/api/services/:id", services_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ POST, "/api/services", services_create, ROLE_STAFF, 0, .body = &services_create_input },
	/* a bare array or {"services": [...]}: each item is read by services_create_input */
	{ POST, "/api/services/bulk", services_bulk, ROLE_STAFF, 0,
	    .body_list = &services_bulk_input },
	{ PUT, "/api/services/:id", services_update, ROLE_STAFF, 0, .body = &services_update_input },
	{ DELETE, "/api/services/:id", services_delete, ROLE_STAFF, 0 },
	/* the catalog's order, one place at a time (the dashboard's services page) */
	{ POST, "/api/services/:id/move", services_move, ROLE_STAFF, 0,
	    .body = &services_move_input },

	/* technicians (seed 000): the literal paths before :id; the handlers refuse a
	 * technician's writes to another technician */
	{ GET, "/api/technicians", technicians_list, ROLE_STAFF, 0,
	    .query = &technicians_list_query },
	{ GET, "/api/technicians/available", technicians_available, ROLE_ANY, 0,
	    .query = &technicians_available_query },
	{ PUT, "/api/technicians/status", technicians_status, ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .body = &technicians_status_input },
	{ POST, "/api/technicians", technicians_create, ROLE_ADMIN, 0,
	    .body = &technicians_create_input },
	{ GET, "/api/technicians/:id", technicians_get, ROLE_ANY, 0 },
	{ GET, "/api/technicians/:id/bookings", bookings_of_technician,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .query = &bookings_list_query },
	{ PUT, "/api/technicians/:id", technicians_update, ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .body = &technicians_update_input },

	/* settings (seed 000) */
	{ GET, "/api/settings", settings_public, ROUTE_PUBLIC, ROUTE_ANY_APP_VERSION },
	{ GET, "/api/settings/all", settings_all, ROLE_ADMIN, 0 },
	{ PUT, "/api/settings/:key", settings_update, ROLE_ADMIN, 0, .body = &settings_update_input },
	{ POST, "/api/settings", settings_create, ROLE_ADMIN, 0, .body = &settings_create_input },

	/* bookings (seed 000's matrix; kind service); a booking the caller may not see is
	 * 404 (bookings.c) */
	{ POST, "/api/bookings", bookings_create, ROLE_CUSTOMER | ROLE_STAFF, 0,
	    .body = &bookings_create_input },
	{ GET, "/api/bookings/my", bookings_my, ROLE_CUSTOMER | ROLE_STAFF, 0,
	    .query = &bookings_list_query },
	{ GET, "/api/bookings", bookings_list, ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .query = &bookings_list_query },
	/* guests: public, a booking's guest token reads and cancels it (bookings.c) */
	{ POST, "/api/bookings/emergency", bookings_emergency, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .body = &bookings_emergency_input },
	{ GET, "/api/bookings/:id", bookings_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ GET, "/api/bookings/:id/tracking", bookings_tracking, ROUTE_PUBLIC,
	    ROUTE_OPTIONAL_AUTH },
	{ PUT, "/api/bookings/:id/location", bookings_location, ROLE_TECHNICIAN, 0,
	    .body = &bookings_location_input },
	{ PUT, "/api/bookings/:id/approve", bookings_approve, ROLE_STAFF, 0,
	    .body = &bookings_approve_input },
	{ PUT, "/api/bookings/:id/assign-technician", bookings_assign, ROLE_STAFF, 0,
	    .body = &bookings_assign_input },
	{ PUT, "/api/bookings/:id/cancel", bookings_cancel, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .body = &bookings_cancel_input },
	{ PUT, "/api/bookings/:id/status", bookings_status, ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .body = &bookings_status_input },
	/* /api/v1/bookings is /api/bookings (folded before routing); its DELETE cancels */
	{ DELETE, "/api/bookings/:id", bookings_cancel, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	/* seed 002's family: the same bookings in its words (bookings.c, family()) */
	{ POST, "/api/booking", booking_create, ROLE_CUSTOMER | ROLE_STAFF, 0,
	    .body = &booking_create_input },
	{ GET, "/api/booking", booking_list, ROLE_ANY, 0, .query = &booking_list_query },
	{ GET, "/api/booking/:id", bookings_get, ROLE_ANY, 0 },
	{ PUT, "/api/booking/:id/status", bookings_status, ROLE_ANY, 0,
	    .body = &booking_status_input },

	/* jobs, quotes and invitations (seed 001 §5.3-5.5; jobs.c): a job is a booking of
	 * kind job; one the caller may not see is 404 */
	{ POST, "/api/jobs", jobs_create, ROLE_CUSTOMER | ROLE_CORPORATE, 0,
	    .body = &jobs_create_input },
	{ GET, "/api/jobs", jobs_list, ROLE_ANY, 0, .query = &jobs_list_query },
	{ GET, "/api/jobs/:jobId", jobs_get, ROLE_ANY, 0 },
	{ PUT, "/api/jobs/:jobId", jobs_update, ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_STAFF, 0,
	    .body = &jobs_update_input },
	{ DELETE, "/api/jobs/:jobId", jobs_cancel, ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_STAFF,
	    0 },
	{ PATCH, "/api/jobs/:jobId/status", jobs_status, ROLE_ANY, 0,
	    .body = &jobs_status_input },
	/* seed 001 §5.8, §7.6: staff take a posting down (jobs.c, jobs_remove) */
	{ DELETE, "/api/admin/jobs/:jobId", jobs_remove, ROLE_STAFF, 0,
	    .body = &jobs_remove_input },
	{ POST, "/api/jobs/:jobId/quotes", quotes_create, ROLE_TECHNICIAN, 0,
	    .body = &quotes_create_input },
	{ GET, "/api/jobs/:jobId/quotes", quotes_list, ROLE_ANY, 0 },
	{ PUT, "/api/jobs/:jobId/quotes/:quoteId", quotes_revise, ROLE_TECHNICIAN, 0,
	    .body = &quotes_revise_input },
	{ POST, "/api/jobs/:jobId/quotes/:quoteId/withdraw", quotes_withdraw, ROLE_TECHNICIAN,
	    0 },
	{ POST, "/api/jobs/:jobId/quotes/:quoteId/accept", quotes_accept,
	    ROLE_CUSTOMER | ROLE_CORPORATE, 0, .body = &quotes_accept_input },
	{ POST, "/api/jobs/:jobId/invite", jobs_invite, ROLE_CUSTOMER | ROLE_CORPORATE, 0,
	    .body = &jobs_invite_input },
	{ GET, "/api/jobs/:jobId/invitations", jobs_invitations,
	    ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_STAFF, 0 },
	{ POST, "/api/jobs/:jobId/invitations/respond", jobs_respond, ROLE_TECHNICIAN, 0,
	    .body = &jobs_respond_input },

	/* notifications: the caller's own (someone else's id is 404); sending is the
	 * admins' (seed 000). /api/v1/notifications (seed 004) reaches the same rows. */
	{ GET, "/api/notifications", notifications_list, ROLE_ANY, 0,
	    .query = &notifications_list_query },
	{ PUT, "/api/notifications/read-all", notifications_read_all, ROLE_ANY, 0 },
	{ PUT, "/api/notifications/:id/read", notifications_read, ROLE_ANY, 0 },
	{ DELETE, "/api/notifications/:id", notifications_delete, ROLE_ANY, 0 },
	{ POST, "/api/notifications/mark-read", notifications_mark_read, ROLE_ANY, 0,
	    .body = &notifications_mark_read_input },
	{ POST, "/api/notifications/send", notifications_send, ROLE_ADMIN, 0,
	    .body = &notifications_send_input },
	/* seed 002's /api/notification: the same handlers */
	{ GET, "/api/notification", notifications_list, ROLE_ANY, 0,
	    .query = &notifications_list_query },
	{ PUT, "/api/notification/read-all", notifications_read_all, ROLE_ANY, 0 },
	{ PUT, "/api/notification/:id/read", notifications_read, ROLE_ANY, 0 },

	/* the contact form (seed 001 §5.9): anyone; a valid token names the sender */
	{ POST, "/api/send-email", contact_send, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .body = &contact_send_input },
	/* analytics (seed 000, admin only), admin statistics (seed 002) and the activity log
	 * (seed 001: admin only, not moderators) */
	{ GET, "/api/analytics/dashboard", analytics_dashboard, ROLE_ADMIN, 0,
	    .query = &analytics_period_query },
	{ GET, "/api/analytics/bookings", analytics_bookings, ROLE_ADMIN, 0,
	    .query = &analytics_period_query },
	{ GET, "/api/analytics/revenue", analytics_revenue, ROLE_ADMIN, 0,
	    .query = &analytics_period_query },
	{ GET, "/api/analytics/technicians", analytics_technicians, ROLE_ADMIN, 0 },
	{ GET, "/api/analytics/services", analytics_services, ROLE_ADMIN, 0,
	    .query = &analytics_period_query },
	{ GET, "/api/admin/stats", admin_stats, ROLE_ADMIN, 0 },
	{ GET, "/api/admin/activity-log", admin_activity_log, ROLE_ADMIN, 0,
	    .query = &admin_activity_query },
	/* uploads (seed 000; uploads.c) and files (seed 002; files.c): the handler streams
	 * the body (ROUTE_STREAM_BODY, docs/uploads.md) */
	{ POST, "/api/upload/image", uploads_image, ROLE_ANY, ROUTE_STREAM_BODY },
	{ POST, "/api/upload/images", uploads_images, ROLE_ANY, ROUTE_STREAM_BODY },
	{ DELETE, "/api/upload/:filename", uploads_delete, ROLE_ANY, 0 },
	{ POST, "/api/users/upload-avatar", uploads_avatar, ROLE_ANY, ROUTE_STREAM_BODY },
	{ POST, "/api/files", files_create, ROLE_ANY, ROUTE_STREAM_BODY },
	{ GET, "/api/files/:id", files_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ PUT, "/api/files/:id", files_update, ROLE_ANY, ROUTE_STREAM_BODY },
	{ DELETE, "/api/files/:id", files_delete, ROLE_ANY, 0 },
	/* reviews (seed 000; seed 004's response; seed 002's /api/review family, its
	 * /api/user/:id/reviews and PUT /api/booking/:id/rating): reviews.c. A review the
	 * caller may not see is 404. */
	{ POST, "/api/reviews", reviews_create,
	    ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .body = &reviews_create_input },
	{ GET, "/api/reviews/service/:serviceId", reviews_of_service, ROUTE_PUBLIC,
	    ROUTE_OPTIONAL_AUTH, .query = &reviews_list_query },
	{ GET, "/api/reviews/technician/:technicianId", reviews_of_technician, ROUTE_PUBLIC,
	    ROUTE_OPTIONAL_AUTH, .query = &reviews_list_query },
	{ GET, "/api/reviews/user/:id", reviews_of_user, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .query = &reviews_user_query },
	{ GET, "/api/reviews/:id", reviews_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ PUT, "/api/reviews/:id", reviews_update, ROLE_ANY, 0, .body = &reviews_update_input },
	{ DELETE, "/api/reviews/:id", reviews_delete, ROLE_ANY, 0 },
	{ POST, "/api/reviews/:id/helpful", reviews_helpful, ROLE_ANY, 0 },
	{ POST, "/api/reviews/:id/report", reviews_report, ROLE_ANY, 0,
	    .body = &reviews_report_input },
	{ PUT, "/api/reviews/:id/response", reviews_response, ROLE_TECHNICIAN, 0,
	    .body = &reviews_response_input },
	{ POST, "/api/review", reviews_create,
	    ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_TECHNICIAN | ROLE_STAFF, 0,
	    .body = &reviews_create_input },
	{ GET, "/api/review", reviews_list, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .query = &reviews_all_query },
	{ GET, "/api/review/:id", reviews_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ PUT, "/api/review/:id", reviews_update, ROLE_ANY, 0, .body = &reviews_update_input },
	{ DELETE, "/api/review/:id", reviews_delete, ROLE_ANY, 0 },
	{ GET, "/api/user/:id/reviews", reviews_of_user, ROLE_ANY, 0,
	    .query = &reviews_user_query },
	{ PUT, "/api/booking/:id/rating", booking_rating, ROLE_ANY, 0,
	    .body = &booking_rating_input },
	{ GET, "/api/technicians/:id/performance", technicians_performance,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0 },
	/* double-blind reviews of jobs (seed 001 §2.3, §7.7): the job's client and hired
	 * craftsman review each other once; POST /api/reviews takes a job too (reviews.c) */
	{ POST, "/api/jobs/:jobId/reviews", reviews_job_create, ROLE_ANY, 0,
	    .body = &reviews_job_input },
	{ GET, "/api/jobs/:jobId/reviews", reviews_job_list, ROLE_ANY, 0 },

	/* maintenance: cron and systemd timers */
	{ POST, "/api/maintenance/:task", maintenance_run, ROUTE_PUBLIC, ROUTE_MAINTENANCE },

	/* a booking's service progress (seed 000's model; progress.c): read by the
	 * booking's readers (404 for others), written by its assigned technician and staff;
	 * the customer (or guest token) answers interactions */
	{ GET, "/api/bookings/:id/progress", progress_get, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH },
	{ PUT, "/api/bookings/:id/progress/stages/:stage", progress_stage,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_stage_input },
	{ POST, "/api/bookings/:id/progress/blockers", progress_blocker_report,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_blocker_input },
	{ PUT, "/api/bookings/:id/progress/blockers/:blockerId/resolve", progress_blocker_resolve,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_resolve_input },
	{ POST, "/api/bookings/:id/progress/quality-checks", progress_check,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_check_input },
	{ POST, "/api/bookings/:id/progress/interactions", progress_interaction,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_interaction_input },
	{ PUT, "/api/bookings/:id/progress/interactions/:interactionId/response",
	    progress_interaction_answer, ROUTE_PUBLIC, ROUTE_OPTIONAL_AUTH,
	    .body = &progress_answer_input },
	{ POST, "/api/bookings/:id/progress/milestones", progress_milestone_add,
	    ROLE_TECHNICIAN | ROLE_STAFF, 0, .body = &progress_milestone_input },
	{ PUT, "/api/bookings/:id/progress/milestones/:milestoneId/complete",
	    progress_milestone_reach, ROLE_TECHNICIAN | ROLE_STAFF, 0 },

	/* craftsmen's verification (KYC, seed 001 §5.2, §5.8; verifications.c): the
	 * craftsman sends and reads their own; staff list, read and decide */
	{ POST, "/api/users/craftsman/verification", verification_submit, ROLE_TECHNICIAN, 0,
	    .body = &verification_submit_input },
	{ GET, "/api/users/craftsman/verification", verification_mine, ROLE_TECHNICIAN, 0 },
	{ GET, "/api/admin/verifications", verification_list, ROLE_STAFF, 0,
	    .query = &verification_list_query },
	{ GET, "/api/admin/verifications/:id", verification_get, ROLE_STAFF, 0 },
	{ POST, "/api/admin/verifications/:id/approve", verification_approve, ROLE_STAFF, 0,
	    .body = &verification_approve_input },
	{ POST, "/api/admin/verifications/:id/reject", verification_reject, ROLE_STAFF, 0,
	    .body = &verification_reject_input },
	/* disputes (seed 001 §5.7, §5.8; disputes.c): a party of a job opens one, parties
	 * and staff add evidence, staff follow them, an admin decides */
	{ POST, "/api/disputes", disputes_open, ROLE_CUSTOMER | ROLE_CORPORATE | ROLE_TECHNICIAN,
	    0, .body = &disputes_open_input },
	{ GET, "/api/disputes/:disputeId", disputes_get, ROLE_ANY, 0 },
	{ POST, "/api/disputes/:disputeId/evidence", disputes_evidence, ROLE_ANY, 0,
	    .body = &disputes_evidence_input },
	{ GET, "/api/admin/disputes", disputes_admin_list, ROLE_STAFF, 0,
	    .query = &disputes_list_query },
	{ GET, "/api/admin/disputes/stats", disputes_admin_stats, ROLE_STAFF, 0,
	    .query = &disputes_stats_query },
	{ POST, "/api/admin/disputes/:disputeId/resolve", disputes_admin_resolve, ROLE_ADMIN, 0,
	    .body = &disputes_resolve_input },
	/* search (seed 000; docs/search.md): services public, technicians and users staff */
	{ GET, "/api/search/services", search_services, ROUTE_PUBLIC, 0,
	    .query = &search_services_query },
	{ GET, "/api/search/technicians", search_technicians, ROLE_STAFF, 0,
	    .query = &search_technicians_query },
	{ GET, "/api/search/users", search_users, ROLE_STAFF, 0, .query = &search_users_query },
	/* geocoding (seed 002; geocode.c): public */
	{ GET, "/api/geocode/reverse", geocode_reverse, ROUTE_PUBLIC, 0,
	    .query = &geocode_reverse_query },
	{ GET, "/api/geocode/forward", geocode_forward, ROUTE_PUBLIC, 0,
	    .query = &geocode_forward_query },
	/* the moderation of reported reviews (review_moderation.c; docs/reviews.md) */
	{ GET, "/api/admin/reviews/reported", review_reports_list, ROLE_STAFF, 0,
	    .query = &review_reports_query },
	{ PATCH, "/api/admin/reviews/:id", review_moderate, ROLE_STAFF, 0,
	    .body = &review_moderate_input },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
