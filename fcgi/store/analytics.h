/* analytics: the figures of the dashboard and of /api/analytics (docs/dashboard.md),
 * read from roll-ups the booking writes keep (booking_daily_stats,
 * booking_daily_services, technician_booking_stats; sql/migrations/0018_dashboard.sql) and from the counters of
 * users (user_counts), never from a scan of bookings. Days are UTC dates "YYYY-MM-DD",
 * both ends included. */
#ifndef WARSHA_STORE_ANALYTICS_H
#define WARSHA_STORE_ANALYTICS_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_analytics;

struct booking_totals {
	long long bookings, completed, cancelled, emergency, revenue;   /* revenue: piastres */
};
enum db_rc db_analytics_totals(struct db *db, struct arena *a, const char *from, const char *to,
    struct booking_totals *out);
/* [{date, bookings, completed, cancelled, emergency, revenue}], days with bookings only,
 * oldest first. */
enum db_rc db_analytics_by_day(struct db *db, struct arena *a, const char *from, const char *to,
    json_object **out);
/* [{status, count}], most first. */
enum db_rc db_analytics_by_status(struct db *db, struct arena *a, const char *from,
    const char *to, json_object **out);
/* [{serviceId, nameAr, nameEn, category, bookings, completed, revenue}], most booked first,
 * at most limit. */
enum db_rc db_analytics_by_service(struct db *db, struct arena *a, const char *from,
    const char *to, long long limit, json_object **out);
/* {total, active, banned, inactive, byRole: {customer: n, ...}} of accounts not deleted. */
enum db_rc db_analytics_users(struct db *db, struct arena *a, json_object **out);
/* {total, available, busy, offline, verified, pending, rejected} of bookable
 * technicians (availableNow: available, verified and bookable). */
enum db_rc db_analytics_technicians(struct db *db, struct arena *a, json_object **out);
/* [{technicianId, firstName, lastName, rating, ratingCount, completed, revenue}]: the
 * technicians with the most completed bookings, at most limit. */
enum db_rc db_analytics_top_technicians(struct db *db, struct arena *a, long long limit,
    json_object **out);

#endif
