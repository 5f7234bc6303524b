/* Seed 000's /api/analytics, seed 002's GET /api/admin/stats and seed 001's GET
 * /api/admin/activity-log (admin only, as the seeds' matrices say).
 *
 * Every figure comes from a roll-up kept by the writes themselves (fcgi/store/analytics.h,
 * docs/dashboard.md): a period of a year is a range read of its days' rows, whatever
 * the number of bookings. A period is a number of whole UTC days ending today (or
 * endDate); startDate and endDate override it. The dashboard's overview page draws the
 * same data (fcgi/admin/). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/log.h"
#include "../store/activity_list.h"
#include "../store/analytics.h"
#include "../store/services.h"
#include "api.h"

#define PERIOD_MAX_DAYS 1100     /* three years */
#define TOP_SERVICES    10

/* --- the period --- */

static const char *const period_words[] = { "today", "7days", "30days", "90days", "1month",
	"3months", "6months", "12months", "1year", "1week", "week", "month", "year", NULL };
static const char *const group_words[] = { "day", "week", "month", NULL };
static const char *const breakdown_words[] = { "service", "day", "week", "month", NULL };

struct period_in {
	struct in_val period, start, end, group_by, breakdown;
};

static void
period_check(const void *in, json_object *errs, enum lang lang)
{
	const struct period_in *p = in;

	if (p->start.set && p->end.set && strcmp(p->start.s, p->end.s) > 0)
		verror_add(errs, lang, "startDate", "INVALID_VALUE", MSG_V_PERIOD_RANGE);
}

static const struct vfield period_fields[] = {
	{ "period", V_ENUM, 0, 0, 0, period_words, IN(struct period_in, period), NULL },
	{ "startDate", V_DATE, 0, 0, 0, NULL, IN(struct period_in, start), NULL },
	{ "endDate", V_DATE, 0, 0, 0, NULL, IN(struct period_in, end), NULL },
	{ "groupBy", V_ENUM, 0, 0, 0, group_words, IN(struct period_in, group_by), NULL },
	{ "breakdown", V_ENUM, 0, 0, 0, breakdown_words, IN(struct period_in, breakdown), NULL },
};

const struct input analytics_period_query = INPUT(struct period_in, period_fields,
    period_check);

static long
period_days(const char *word)
{
	static const struct { const char *w; long days; } t[] = {
		{ "today", 1 }, { "7days", 7 }, { "1week", 7 }, { "week", 7 }, { "30days", 30 },
		{ "1month", 30 }, { "month", 30 }, { "90days", 90 }, { "3months", 90 },
		{ "6months", 182 }, { "12months", 365 }, { "1year", 365 }, { "year", 365 },
	};
	size_t i;

	for (i = 0; word != NULL && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(word, t[i].w) == 0)
			return t[i].days;
	return 30;
}

static time_t
day_time(const char *ymd)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

static void
day_text(time_t t, char out[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

enum err
analytics_period(struct req *r, const char *period, const char *start, const char *end,
    struct analytics_period *out)
{
	time_t to, from;
	long days;

	to = end != NULL ? day_time(end) : time(NULL) / 86400 * 86400;
	if (start != NULL) {
		from = day_time(start);
	} else {
		days = period_days(period);
		from = to - (days - 1) * 86400;
	}
	if (from == (time_t)-1 || to == (time_t)-1 || from > to ||
	    (to - from) / 86400 + 1 > PERIOD_MAX_DAYS)
		return fail_field(r, ERR_VALIDATION, "startDate", "INVALID_VALUE", MSG_V_PERIOD_RANGE);
	day_text(from, out->from);
	day_text(to, out->to);
	out->days = (long)((to - from) / 86400 + 1);
	snprintf(out->word, sizeof(out->word), "%s", start == NULL && end == NULL && period != NULL ?
	    period : start == NULL && end == NULL ? "30days" : "custom");
	return ERR_OK;
}

static enum err
period_of(struct req *r, struct analytics_period *p)
{
	const struct period_in *in = r->qin;

	return analytics_period(r, in->period.set ? in->period.s : NULL,
	    in->start.set ? in->start.s : NULL, in->end.set ? in->end.s : NULL, p);
}

static json_object *
period_json(const struct analytics_period *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "period", json_object_new_string(p->word));
	json_object_object_add(o, "startDate", json_object_new_string(p->from));
	json_object_object_add(o, "endDate", json_object_new_string(p->to));
	json_object_object_add(o, "days", json_object_new_int(p->days));
	return o;
}

/* --- grouping days into weeks and months --- */

/* The first day of the bucket of day (a "YYYY-MM-DD"): itself, the Saturday that starts
 * its week (the Egyptian week), or the first of its month. */
static void
bucket_of(const char *day, const char *group, char out[11])
{
	time_t t = day_time(day);
	struct tm tm;

	if (strcmp(group, "month") == 0) {
		snprintf(out, 11, "%.7s-01", day);
		return;
	}
	if (strcmp(group, "week") == 0 && t != (time_t)-1) {
		gmtime_r(&t, &tm);
		t -= (time_t)((tm.tm_wday + 1) % 7) * 86400;   /* back to Saturday */
		day_text(t, out);
		return;
	}
	snprintf(out, 11, "%s", day);
}

/* Sums the daily rows [{date, n...}] into buckets [{period, n...}] in order. */
json_object *
analytics_group(json_object *days, const char *group)
{
	json_object *out = json_object_new_array(), *cur = NULL;
	char last[11] = "", b[11];
	size_t i, n = json_object_array_length(days);

	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(days, i);
		const char *date = json_get_str(d, "date");

		if (date == NULL)
			continue;
		bucket_of(date, group, b);
		if (cur == NULL || strcmp(b, last) != 0) {
			cur = json_object_new_object();
			json_object_object_add(cur, "period", json_object_new_string(b));
			json_object_array_add(out, cur);
			snprintf(last, sizeof(last), "%s", b);
		}
		json_object_object_foreach(d, k, v) {
			json_object *have;

			if (!json_object_is_type(v, json_type_int))
				continue;
			if (json_object_object_get_ex(cur, k, &have))
				json_object_set_int64(have, json_object_get_int64(have) +
				    json_object_get_int64(v));
			else
				json_object_object_add(cur, k, json_object_new_int64(json_object_get_int64(v)));
		}
	}
	return out;
}

/* --- the data of each endpoint (the pages draw the same) --- */

static json_object *
totals_json(const struct booking_totals *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "totalBookings", json_object_new_int64(t->bookings));
	json_object_object_add(o, "completedBookings", json_object_new_int64(t->completed));
	json_object_object_add(o, "cancelledBookings", json_object_new_int64(t->cancelled));
	json_object_object_add(o, "emergencyBookings", json_object_new_int64(t->emergency));
	json_object_object_add(o, "revenue", json_object_new_int64(t->revenue));
	json_object_object_add(o, "currency", json_object_new_string("EGP"));
	return o;
}

/* per mille, as a number with one decimal: 12.5 (%) */
static json_object *
percent(long long part, long long whole)
{
	return json_object_new_double(whole > 0 ? (double)(part * 1000 / whole) / 10.0 : 0.0);
}

enum err
analytics_dashboard_data(struct req *r, const struct analytics_period *p, json_object **out)
{
	json_object *data, *overview, *trends, *perf, *days = NULL, *status = NULL, *top = NULL,
	    *users = NULL, *techs = NULL, *v;
	struct booking_totals t;
	enum db_rc rc;

	if ((rc = db_analytics_totals(r->db, r->a, p->from, p->to, &t)) != DB_OK ||
	    (rc = db_analytics_by_day(r->db, r->a, p->from, p->to, &days)) != DB_OK ||
	    (rc = db_analytics_by_status(r->db, r->a, p->from, p->to, &status)) != DB_OK ||
	    (rc = db_analytics_by_service(r->db, r->a, p->from, p->to, TOP_SERVICES, &top)) !=
	    DB_OK || (rc = db_analytics_users(r->db, r->a, &users)) != DB_OK ||
	    (rc = db_analytics_technicians(r->db, r->a, &techs)) != DB_OK) {
		json_object_put(days);
		json_object_put(status);
		json_object_put(top);
		json_object_put(users);
		return fail_db(r, rc);
	}
	data = json_object_new_object();
	json_object_object_add(data, "period", period_json(p));
	overview = totals_json(&t);
	json_object_object_add(overview, "activeUsers",
	    json_object_object_get_ex(users, "active", &v) ? json_object_get(v) :
	    json_object_new_int(0));
	json_object_object_add(overview, "techniciansAvailable",
	    json_object_object_get_ex(techs, "availableNow", &v) ? json_object_get(v) :
	    json_object_new_int(0));
	json_object_object_add(data, "overview", overview);
	trends = json_object_new_object();
	json_object_object_add(trends, "daily", days);
	json_object_object_add(trends, "bookingsByStatus", status);
	json_object_object_add(data, "trends", trends);
	json_object_object_add(data, "topServices", top);
	perf = json_object_new_object();
	json_object_object_add(perf, "completionRate", percent(t.completed, t.bookings));
	json_object_object_add(perf, "cancellationRate", percent(t.cancelled, t.bookings));
	json_object_object_add(perf, "averageBookingValue",
	    json_object_new_int64(t.completed > 0 ? t.revenue / t.completed : 0));
	json_object_object_add(perf, "users", users);
	json_object_object_add(perf, "technicians", techs);
	json_object_object_add(data, "performance", perf);
	*out = data;
	return ERR_OK;
}

enum err
analytics_dashboard(struct req *r)
{
	struct analytics_period p;
	json_object *data;
	enum err e;

	if ((e = period_of(r, &p)) != ERR_OK ||
	    (e = analytics_dashboard_data(r, &p, &data)) != ERR_OK)
		return e;
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

enum err
analytics_bookings(struct req *r)
{
	const struct period_in *in = r->qin;
	json_object *data, *days, *status, *summary;
	struct analytics_period p;
	struct booking_totals t;
	enum db_rc rc;
	enum err e;

	if ((e = period_of(r, &p)) != ERR_OK)
		return e;
	if ((rc = db_analytics_totals(r->db, r->a, p.from, p.to, &t)) != DB_OK ||
	    (rc = db_analytics_by_day(r->db, r->a, p.from, p.to, &days)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_analytics_by_status(r->db, r->a, p.from, p.to, &status)) != DB_OK) {
		json_object_put(days);
		return fail_db(r, rc);
	}
	data = json_object_new_object();
	json_object_object_add(data, "period", period_json(&p));
	json_object_object_add(data, "groupBy", json_object_new_string(in->group_by.set ?
	    in->group_by.s : "day"));
	json_object_object_add(data, "data", analytics_group(days, in->group_by.set ?
	    in->group_by.s : "day"));
	json_object_put(days);
	summary = totals_json(&t);
	json_object_object_add(summary, "byStatus", status);
	json_object_object_add(summary, "completionRate", percent(t.completed, t.bookings));
	json_object_object_add(data, "summary", summary);
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

enum err
analytics_revenue(struct req *r)
{
	const struct period_in *in = r->qin;
	const char *by = in->breakdown.set ? in->breakdown.s :
	    in->group_by.set ? in->group_by.s : "day";
	json_object *data, *rows, *summary;
	struct analytics_period p;
	struct booking_totals t;
	enum db_rc rc;
	enum err e;

	if ((e = period_of(r, &p)) != ERR_OK)
		return e;
	if ((rc = db_analytics_totals(r->db, r->a, p.from, p.to, &t)) != DB_OK)
		return fail_db(r, rc);
	if (strcmp(by, "service") == 0) {
		if ((rc = db_analytics_by_service(r->db, r->a, p.from, p.to, 100, &rows)) != DB_OK)
			return fail_db(r, rc);
	} else {
		json_object *days;

		if ((rc = db_analytics_by_day(r->db, r->a, p.from, p.to, &days)) != DB_OK)
			return fail_db(r, rc);
		rows = analytics_group(days, by);
		json_object_put(days);
	}
	data = json_object_new_object();
	json_object_object_add(data, "period", period_json(&p));
	json_object_object_add(data, "breakdown", json_object_new_string(by));
	json_object_object_add(data, "data", rows);
	summary = json_object_new_object();
	json_object_object_add(summary, "totalRevenue", json_object_new_int64(t.revenue));
	json_object_object_add(summary, "completedBookings", json_object_new_int64(t.completed));
	json_object_object_add(summary, "averageBookingValue",
	    json_object_new_int64(t.completed > 0 ? t.revenue / t.completed : 0));
	json_object_object_add(summary, "currency", json_object_new_string("EGP"));
	json_object_object_add(data, "summary", summary);
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

enum err
analytics_technicians(struct req *r)
{
	json_object *data, *top, *summary;
	enum db_rc rc;

	if ((rc = db_analytics_top_technicians(r->db, r->a, 20, &top)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_analytics_technicians(r->db, r->a, &summary)) != DB_OK) {
		json_object_put(top);
		return fail_db(r, rc);
	}
	data = json_object_new_object();
	json_object_object_add(data, "data", top);
	json_object_object_add(data, "summary", summary);
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

enum err
analytics_services(struct req *r)
{
	json_object *data, *rows, *summary;
	struct analytics_period p;
	struct booking_totals t;
	enum db_rc rc;
	enum err e;

	if ((e = period_of(r, &p)) != ERR_OK)
		return e;
	if ((rc = db_analytics_totals(r->db, r->a, p.from, p.to, &t)) != DB_OK ||
	    (rc = db_analytics_by_service(r->db, r->a, p.from, p.to, 100, &rows)) != DB_OK)
		return fail_db(r, rc);
	data = json_object_new_object();
	json_object_object_add(data, "period", period_json(&p));
	json_object_object_add(data, "data", rows);
	summary = json_object_new_object();
	json_object_object_add(summary, "servicesBooked",
	    json_object_new_int64((long long)json_object_array_length(rows)));
	json_object_object_add(summary, "totalBookings", json_object_new_int64(t.bookings));
	json_object_object_add(summary, "completedBookings", json_object_new_int64(t.completed));
	json_object_object_add(summary, "revenue", json_object_new_int64(t.revenue));
	json_object_object_add(data, "summary", summary);
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

/* Seed 002: {stats, recentActivity}. Bookings over every day kept (the roll-up of
 * all days: one row per day, service and status). */
enum err
admin_stats(struct req *r)
{
	json_object *data, *stats, *bookings, *status = NULL, *users = NULL, *techs = NULL,
	    *recent = NULL, *services;
	struct activity_query q;
	struct booking_totals t;
	struct service_filter f;
	long long total, nsvc = 0;
	int capped;
	enum db_rc rc;

	memset(&q, 0, sizeof(q));
	q.limit = 10;
	memset(&f, 0, sizeof(f));
	f.popular = -1;
	if ((rc = db_analytics_totals(r->db, r->a, "1970-01-01", "9999-12-31", &t)) != DB_OK ||
	    (rc = db_analytics_by_status(r->db, r->a, "1970-01-01", "9999-12-31", &status)) !=
	    DB_OK || (rc = db_analytics_users(r->db, r->a, &users)) != DB_OK ||
	    (rc = db_analytics_technicians(r->db, r->a, &techs)) != DB_OK ||
	    (rc = db_services_count(r->db, r->a, &f, &nsvc, &capped)) != DB_OK ||
	    (rc = db_activity_list(r->db, r->a, &q, &recent, &total, &capped, &total)) != DB_OK) {
		json_object_put(status);
		json_object_put(users);
		json_object_put(techs);
		return fail_db(r, rc);
	}
	stats = json_object_new_object();
	json_object_object_add(stats, "users", users);
	bookings = totals_json(&t);
	json_object_object_add(bookings, "byStatus", status);
	json_object_object_add(stats, "bookings", bookings);
	json_object_object_add(stats, "technicians", techs);
	services = json_object_new_object();
	json_object_object_add(services, "services", json_object_new_int64(nsvc));
	json_object_object_add(stats, "content", services);
	data = json_object_new_object();
	json_object_object_add(data, "stats", stats);
	json_object_object_add(data, "recentActivity", recent);
	return reply_ok(r, 200, MSG_ANALYTICS_FOUND, data);
}

/* --- the activity log (seed 001 §7.11) --- */

struct activity_in {
	struct in_val page, limit, cursor, actor, action, target_type, target_id, from, to;
};

static const char *
activity_cursor_check(struct in_val *v, struct arena *a, enum msg *msg)
{
	const char *p = v->s;

	(void)a;
	*msg = MSG_NONE;
	if (*p == '\0')
		return "INVALID_FORMAT";
	for (; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return "INVALID_FORMAT";
	return NULL;
}

static void
activity_check(const void *in, json_object *errs, enum lang lang)
{
	const struct activity_in *q = in;
	int n = q->actor.set + q->action.set + (q->target_type.set || q->target_id.set);

	if (n > 1)
		verror_add(errs, lang, "action", "INVALID_VALUE", MSG_V_ACTIVITY_ONE_FILTER);
	if (q->target_type.set != q->target_id.set)
		verror_add(errs, lang, q->target_type.set ? "targetId" : "targetType", "REQUIRED",
		    MSG_V_REQUIRED);
	if (q->from.set && q->to.set && strcmp(q->from.s, q->to.s) > 0)
		verror_add(errs, lang, "from", "INVALID_VALUE", MSG_V_PERIOD_RANGE);
}

static const struct vfield activity_fields[] = {
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct activity_in, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct activity_in, limit), NULL },
	{ "cursor", V_STRING, 0, 1, 20, NULL, IN(struct activity_in, cursor),
	    activity_cursor_check },
	{ "actor", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct activity_in, actor), NULL },
	{ "action", V_STRING, 0, 1, 64, NULL, IN(struct activity_in, action), NULL },
	{ "targetType", V_STRING, 0, 1, 32, NULL, IN(struct activity_in, target_type), NULL },
	{ "targetId", V_STRING, 0, 1, 64, NULL, IN(struct activity_in, target_id), NULL },
	{ "from", V_DATE, 0, 0, 0, NULL, IN(struct activity_in, from), NULL },
	{ "to", V_DATE, 0, 0, 0, NULL, IN(struct activity_in, to), NULL },
};

const struct input admin_activity_query = INPUT(struct activity_in, activity_fields,
    activity_check);

enum err
admin_activity_log(struct req *r)
{
	const struct activity_in *in = r->qin;
	long long page = in->page.set ? in->page.i : 1, limit = in->limit.set ? in->limit.i : 20;
	struct activity_query q;
	json_object *items;
	struct page pg;
	long long next;
	int capped;
	enum db_rc rc;

	if (in->cursor.set && page != 1)
		return fail_field(r, ERR_VALIDATION, "page", "INVALID_VALUE", MSG_NONE);
	if (!in->cursor.set && (page - 1) * limit >= ACTIVITY_WINDOW)
		return fail_field(r, ERR_VALIDATION, "cursor", "REQUIRED", MSG_NONE);
	memset(&q, 0, sizeof(q));
	q.actor_id = in->actor.set ? in->actor.i : 0;
	q.action = in->action.set ? in->action.s : NULL;
	q.target_type = in->target_type.set ? in->target_type.s : NULL;
	q.target_id = in->target_id.set ? in->target_id.s : NULL;
	q.from = in->from.set ? in->from.s : NULL;
	q.to = in->to.set ? in->to.s : NULL;
	q.before_id = in->cursor.set ? strtoll(in->cursor.s, NULL, 10) : 0;
	q.offset = (page - 1) * limit;
	q.limit = limit;
	if ((rc = db_activity_list(r->db, r->a, &q, &items, &pg.total, &capped, &next)) != DB_OK)
		return fail_db(r, rc);
	pg.page = page;
	pg.limit = limit;
	pg.total_capped = capped;
	if (capped)
		pg.total = ACTIVITY_WINDOW;
	pg.next_cursor = next > 0 ? arena_printf(r->a, "%lld", next) : NULL;
	return reply_list(r, MSG_ACTIVITY_LIST, items, &pg);
}
