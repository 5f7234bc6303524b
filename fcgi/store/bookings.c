#include "bookings.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/http.h"
#include "uploads.h"

/* The list variants: a scope times at most one filter (none, a status word, a service,
 * emergencies or not; or, ordered by the scheduled time instead of the creation, a
 * range of scheduled times), each with its own index: V_<scope> + F_<filter>. */
enum { F_NONE, F_STATUS, F_SERVICE, F_EMERGENCY, F_SCHEDULED, F__MAX };
enum { V_ALL = 0, V_CUSTOMER = F__MAX, V_TECHNICIAN = 2 * F__MAX, V__MAX = 3 * F__MAX };

enum stmt {
	STMT_SERVICE,
	STMT_SEQ_TAKE,
	STMT_SEQ_READ,
	STMT_INSERT,
	STMT_GET,
	STMT_LOCK,
	STMT_UPDATE,
	STMT_HISTORY,
	STMT_HISTORY_LIST,
	STMT_TECHNICIAN,
	STMT_CONTACT,
	STMT_LINKED,
	STMT_LINKED_TECHNICIANS,
	STMT_VIEW,
	STMT_GUEST_TAKE,
	STMT_GUEST_READ,
	STMT_LOCATION,
	STMT_TRACKING,
	STMT_USER_CONTACT,
	STMT_DAYS_TOTAL,
	STMT_OWNER_TOTAL,
	STMT_PAGE,
	STMT_COUNT = STMT_PAGE + V__MAX,
	STMT_SEEK = STMT_COUNT + V__MAX,
	STMT__MAX = STMT_SEEK + V__MAX
};

#define VIEW_SELECT \
	"SELECT b.id, b.number AS bookingNumber, b.kind, b.customer_id AS userId," \
	" b.service_id AS serviceId, s.name_ar AS `service.nameAr`," \
	" s.name_en AS `service.nameEn`, s.category AS `service.category`," \
	" b.technician_id AS technicianId, b.status, b.scheduled_at AS scheduledDateTime," \
	" b.is_emergency AS isEmergency, b.address AS `location.address`," \
	" b.city AS `location.city`, b.governorate AS `location.governorate`," \
	" b.location_notes AS `location.locationNotes`," \
	" b.latitude AS `location.coordinates.lat`, b.longitude AS `location.coordinates.lng`," \
	" b.customer_name AS `customerInfo.customerName`," \
	" b.customer_phone AS `customerInfo.phoneNumber`," \
	" b.car_brand AS `customerInfo.carDetails.brand`," \
	" b.car_model AS `customerInfo.carDetails.model`," \
	" b.car_year AS `customerInfo.carDetails.year`," \
	" b.problem_description AS `serviceDetails.problemDescription`," \
	" b.images AS `serviceDetails.images:json`, b.base_price AS `pricing.basePrice`," \
	" b.discount AS `pricing.discount`, b.total AS `pricing.total`," \
	" b.currency AS `pricing.currency`, b.payment_status AS paymentStatus," \
	" b.cancellation_reason AS cancellationReason, b.cancellation_fee AS cancellationFee," \
	" b.admin_notes AS adminNotes, b.created_at AS createdAt, b.updated_at AS updatedAt," \
	" " UPLOAD_REF_IDS("'booking'", "b.id") " AS `serviceDetails.imageIds:json`"
#define VIEW_NCOLS 36
#define VIEW_JOIN " LEFT JOIN services s ON s.id = b.service_id"   /* jobs have none */

/* A page: the variant's index read backwards from the key (created_at, id), inside
 * the created_at bounds. The upper bound is the smaller of `to` and the key's time
 * (the caller binds it): one range on the index; ties at the key's time are cut by
 * id. */
#define RANGE_ON(col) " b." col " >= ? AND b." col " <= ? AND (b." col " < ? OR b.id < ?)"
#define NEWEST_ON(col) " ORDER BY b." col " DESC, b.id DESC"
#define PAGE_ON(col, ix, where) DB_LIST_LIMIT VIEW_SELECT " FROM bookings b" \
	" FORCE INDEX (" ix ")" VIEW_JOIN " WHERE " where RANGE_ON(col) NEWEST_ON(col) \
	" LIMIT ? OFFSET ?"
#define PAGE(ix, where) PAGE_ON("created_at", ix, where)
/* a capped count: at most BOOKINGS_WINDOW + 1 index entries */
#define COUNT_ON(col, ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM" \
	" bookings b FORCE INDEX (" ix ") WHERE " where " b." col " >= ? AND b." col " <= ?" \
	" LIMIT ?) t"
#define COUNT(ix, where) COUNT_ON("created_at", ix, where)
/* the key of the row at an offset (a page past the first), from the index alone */
#define SEEK_ON(col, ix, where) DB_LIST_LIMIT "SELECT b." col ", b.id FROM bookings b" \
	" FORCE INDEX (" ix ") WHERE " where " b." col " >= ? AND b." col " <= ?" NEWEST_ON(col) \
	" LIMIT 1 OFFSET ?"
#define SEEK(ix, where) SEEK_ON("created_at", ix, where)
#define W_CUSTOMER "b.customer_id = ? AND"
#define W_TECHNICIAN "b.technician_id = ? AND"
#define W_STATUS " b.list_status = ? AND"
#define W_SERVICE " b.service_id = ? AND"
#define W_EMERGENCY " b.is_emergency = ? AND"
#define VARIANT(v, ix, where, nf) \
	[STMT_PAGE + (v)] = { PAGE(ix, where), (nf) + 6, VIEW_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (v)] = { COUNT(ix, where), (nf) + 3, 1, DBS_LIST }, \
	[STMT_SEEK + (v)] = { SEEK(ix, where), (nf) + 3, 2, DBS_LIST }
/* ordered by the scheduled time, its range bound */
#define SCHEDULED(v, ix, where, nf) \
	[STMT_PAGE + (v)] = { PAGE_ON("scheduled_at", ix, where), (nf) + 6, VIEW_NCOLS, \
	    DBS_LIST }, \
	[STMT_COUNT + (v)] = { COUNT_ON("scheduled_at", ix, where), (nf) + 3, 1, DBS_LIST }, \
	[STMT_SEEK + (v)] = { SEEK_ON("scheduled_at", ix, where), (nf) + 3, 2, DBS_LIST }

#define BOOKING_STATE "SELECT kind, status, list_status, customer_id, technician_id, total," \
	" cancellation_reason, cancellation_fee, admin_notes, start_code_hash," \
	" start_code_failures, guest_token_hash, latitude, longitude FROM bookings" \
	" WHERE id = ?"

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_SERVICE] = { "SELECT is_active, requires_approval, is_emergency, base_price,"
	    " currency, working_hours_start, working_hours_end, working_days, duration_minutes"
	    " FROM services WHERE id = ? AND deleted_at IS NULL", 1, 9, 0 },
	/* the year's row locked until the transaction ends: numbers are consecutive */
	[STMT_SEQ_TAKE] = { "INSERT INTO booking_numbers (year, last_seq) VALUES (?, 1)"
	    " ON DUPLICATE KEY UPDATE last_seq = last_seq + 1", 1, 0, 0 },
	[STMT_SEQ_READ] = { "SELECT last_seq FROM booking_numbers WHERE year = ?", 1, 1, 0 },
	[STMT_INSERT] = { "INSERT INTO bookings (number, kind, customer_id, service_id, status,"
	    " list_status, scheduled_at, is_emergency, address, city, governorate,"
	    " location_notes, latitude, longitude, customer_name, customer_phone, car_brand,"
	    " car_model, car_year, problem_description, images, base_price, discount, total,"
	    " currency, guest_token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 26, 0, 0 },
	[STMT_GET] = { BOOKING_STATE, 1, 14, 0 },
	[STMT_LOCK] = { BOOKING_STATE " FOR UPDATE", 1, 14, 0 },
	[STMT_UPDATE] = { "UPDATE bookings SET status = ?, list_status = ?, technician_id = ?,"
	    " cancellation_reason = ?, cancellation_fee = ?, admin_notes = ?,"
	    " start_code_hash = ?, start_code_failures = ? WHERE id = ?", 9, 0, 0 },
	[STMT_HISTORY] = { "INSERT INTO booking_history (booking_id, from_status, to_status,"
	    " event, actor_id, actor_role, note) VALUES (?, ?, ?, ?, ?, ?, ?)", 7, 0, 0 },
	[STMT_HISTORY_LIST] = { "SELECT from_status AS `from`, to_status AS `to`, event,"
	    " actor_id AS actorId, actor_role AS actorRole, note, created_at AS timestamp"
	    " FROM booking_history WHERE booking_id = ? ORDER BY id", 1, 7, 0 },
	[STMT_TECHNICIAN] = { "SELECT role = 'technician' AND is_active = 1 AND is_banned = 0"
	    " FROM users WHERE id = ? AND deleted_at IS NULL", 1, 1, 0 },
	[STMT_CONTACT] = { "SELECT b.customer_phone, u.first_name, u.preferred_language"
	    " FROM bookings b LEFT JOIN users u ON u.id = b.customer_id WHERE b.id = ?", 1, 3, 0 },
	/* the statuses in which a technician works a customer's booking: from assignment
	 * to the end of the work (ix_bookings_technician, then the customer) */
	[STMT_LINKED] = { "SELECT 1 FROM bookings WHERE technician_id = ? AND customer_id = ?"
	    " AND status IN ('technician_assigned', 'accepted', 'on_way', 'arrived',"
	    " 'in_progress') LIMIT 1", 2, 1, 0 },
	/* the same link for every technician at once: the customer's bookings of those
	 * statuses are the few of three list statuses on ix_bookings_customer_status */
	[STMT_LINKED_TECHNICIANS] = { "SELECT DISTINCT technician_id FROM bookings"
	    " FORCE INDEX (ix_bookings_customer_status) WHERE customer_id = ?"
	    " AND list_status IN ('approved', 'on_way', 'in_progress')"
	    " AND status IN ('technician_assigned', 'accepted', 'on_way', 'arrived',"
	    " 'in_progress') AND technician_id IS NOT NULL LIMIT " STR(BOOKINGS_LINKED_MAX), 1, 1,
	    0 },
	[STMT_VIEW] = { VIEW_SELECT " FROM bookings b" VIEW_JOIN " WHERE b.id = ?", 1,
	    VIEW_NCOLS, 0 },
	/* guests' emergencies: the address's count of the hour, its row locked until the
	 * transaction ends */
	[STMT_GUEST_TAKE] = { "INSERT INTO booking_guest_limits (ip, hour_start, n)"
	    " VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE n = n + 1", 2, 0, 0 },
	[STMT_GUEST_READ] = { "SELECT n FROM booking_guest_limits WHERE ip = ? AND hour_start = ?",
	    2, 1, 0 },
	[STMT_LOCATION] = { "UPDATE bookings SET tech_lat = ?, tech_lng = ?, tech_location_at = ?,"
	    " eta_at = ? WHERE id = ?", 5, 0, 0 },
	[STMT_TRACKING] = { "SELECT tech_lat AS latitude, tech_lng AS longitude,"
	    " tech_location_at AS updatedAt, eta_at AS etaAt FROM bookings WHERE id = ?", 1, 4,
	    0 },
	[STMT_USER_CONTACT] = { "SELECT phone, CONCAT(first_name, ' ', last_name) FROM users"
	    " WHERE id = ? AND deleted_at IS NULL", 1, 2, 0 },
	/* totals (sql/migrations/0029_booking_list_counts.sql): the staff's lists sum the
	 * day rows of their filter over their range; a customer's or a technician's list
	 * without a range reads its one counter row */
	[STMT_DAYS_TOTAL] = { DB_LIST_LIMIT "SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED)"
	    " FROM booking_list_days WHERE filter = ? AND value = ? AND day >= ? AND day <= ?",
	    4, 1, DBS_LIST },
	[STMT_OWNER_TOTAL] = { DB_LIST_LIMIT "SELECT n FROM booking_list_counts"
	    " WHERE scope = ? AND owner_id = ? AND filter = ? AND value = ?", 4, 1, DBS_LIST },
	VARIANT(V_ALL, "ix_bookings_list", "", 0),
	VARIANT(V_ALL + F_STATUS, "ix_bookings_status", W_STATUS, 1),
	VARIANT(V_ALL + F_SERVICE, "ix_bookings_service_list", W_SERVICE, 1),
	VARIANT(V_ALL + F_EMERGENCY, "ix_bookings_emergency", W_EMERGENCY, 1),
	VARIANT(V_CUSTOMER, "ix_bookings_customer", W_CUSTOMER, 1),
	VARIANT(V_CUSTOMER + F_STATUS, "ix_bookings_customer_status", W_CUSTOMER W_STATUS, 2),
	VARIANT(V_CUSTOMER + F_SERVICE, "ix_bookings_customer_service", W_CUSTOMER W_SERVICE, 2),
	VARIANT(V_CUSTOMER + F_EMERGENCY, "ix_bookings_customer_emergency",
	    W_CUSTOMER W_EMERGENCY, 2),
	VARIANT(V_TECHNICIAN, "ix_bookings_technician", W_TECHNICIAN, 1),
	VARIANT(V_TECHNICIAN + F_STATUS, "ix_bookings_technician_status", W_TECHNICIAN W_STATUS,
	    2),
	VARIANT(V_TECHNICIAN + F_SERVICE, "ix_bookings_technician_service",
	    W_TECHNICIAN W_SERVICE, 2),
	VARIANT(V_TECHNICIAN + F_EMERGENCY, "ix_bookings_technician_emergency",
	    W_TECHNICIAN W_EMERGENCY, 2),
	SCHEDULED(V_ALL + F_SCHEDULED, "ix_bookings_scheduled", "", 0),
	SCHEDULED(V_CUSTOMER + F_SCHEDULED, "ix_bookings_customer_scheduled", W_CUSTOMER, 1),
	SCHEDULED(V_TECHNICIAN + F_SCHEDULED, "ix_bookings_technician_scheduled", W_TECHNICIAN,
	    1),
};

/* --explain-lists: the widest case of each variant (the whole time range, the top of
 * the list). */
#define BOTTOM_TIME "1000-01-01 00:00:00.000"
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_RANGE DB_SAMPLE_STR(BOTTOM_TIME), DB_SAMPLE_STR(TOP_TIME)
#define S_KEY DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX)
#define S_PAGE DB_SAMPLE_INT(11), DB_SAMPLE_INT(0)
#define S_CAP DB_SAMPLE_INT(BOOKINGS_WINDOW + 1)
#define S_USER DB_SAMPLE_INT(1),
#define S_STATUS DB_SAMPLE_STR("approved"),
#define S_SERVICE DB_SAMPLE_INT(1),
#define S_EMERGENCY DB_SAMPLE_INT(1),
#define S_OFFSET DB_SAMPLE_INT(BOOKINGS_WINDOW - 10)
#define SAMPLES(name, filters) \
	static const struct db_arg s_page_##name[] = { filters S_RANGE, S_KEY, S_PAGE }; \
	static const struct db_arg s_count_##name[] = { filters S_RANGE, S_CAP }; \
	static const struct db_arg s_seek_##name[] = { filters S_RANGE, S_OFFSET };

SAMPLES(all, )
SAMPLES(all_status, S_STATUS)
SAMPLES(user, S_USER)
SAMPLES(user_status, S_USER S_STATUS)
SAMPLES(all_service, S_SERVICE)
SAMPLES(user_service, S_USER S_SERVICE)
SAMPLES(all_emergency, S_EMERGENCY)
SAMPLES(user_emergency, S_USER S_EMERGENCY)

#define SAMPLED(v, name) \
	[STMT_PAGE + (v)] = DB_SAMPLE(s_page_##name), \
	[STMT_COUNT + (v)] = DB_SAMPLE(s_count_##name), \
	[STMT_SEEK + (v)] = DB_SAMPLE(s_seek_##name)

/* the widest day range of the commonest status; a customer's */
static const struct db_arg s_days_total[] = { DB_SAMPLE_STR("status"),
	DB_SAMPLE_STR("completed"), DB_SAMPLE_STR("1000-01-01"), DB_SAMPLE_STR("9999-12-31") };
static const struct db_arg s_owner_total[] = { DB_SAMPLE_STR("customer"), DB_SAMPLE_INT(1),
	DB_SAMPLE_STR("status"), DB_SAMPLE_STR("completed") };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_DAYS_TOTAL] = DB_SAMPLE(s_days_total),
	[STMT_OWNER_TOTAL] = DB_SAMPLE(s_owner_total),
	SAMPLED(V_ALL, all),
	SAMPLED(V_ALL + F_STATUS, all_status),
	SAMPLED(V_ALL + F_SERVICE, all_service),
	SAMPLED(V_ALL + F_EMERGENCY, all_emergency),
	SAMPLED(V_CUSTOMER, user),
	SAMPLED(V_CUSTOMER + F_STATUS, user_status),
	SAMPLED(V_CUSTOMER + F_SERVICE, user_service),
	SAMPLED(V_CUSTOMER + F_EMERGENCY, user_emergency),
	SAMPLED(V_TECHNICIAN, user),
	SAMPLED(V_TECHNICIAN + F_STATUS, user_status),
	SAMPLED(V_TECHNICIAN + F_SERVICE, user_service),
	SAMPLED(V_TECHNICIAN + F_EMERGENCY, user_emergency),
	SAMPLED(V_ALL + F_SCHEDULED, all),
	SAMPLED(V_CUSTOMER + F_SCHEDULED, user),
	SAMPLED(V_TECHNICIAN + F_SCHEDULED, user),
};

struct db_family store_bookings = DB_FAMILY_SAMPLES("bookings", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_bookings, s, DB_ARGS(__VA_ARGS__), res)

enum db_rc
db_bookings_service(struct db *db, struct arena *a, long long service_id,
    struct booking_service *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_SERVICE, &res, DB_INT(service_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->is_active = db_get_ll(&res, 0, 0, 0) != 0;
	out->requires_approval = db_get_ll(&res, 0, 1, 0) != 0;
	out->is_emergency = db_get_ll(&res, 0, 2, 0) != 0;
	out->base_price = db_get_ll(&res, 0, 3, 0);
	out->currency = db_get(&res, 0, 4);
	out->hours_start = db_get(&res, 0, 5);
	out->hours_end = db_get(&res, 0, 6);
	out->working_days = db_get(&res, 0, 7);
	out->duration = db_get_ll(&res, 0, 8, 0);
	return DB_OK;
}

enum db_rc
db_bookings_next_seq(struct db *db, struct arena *a, int year, long long *seq)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_SEQ_TAKE, NULL, DB_INT(year))) != DB_OK ||
	    (rc = RUN(db, a, STMT_SEQ_READ, &res, DB_INT(year))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_ERR;
	*seq = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_bookings_insert(struct db *db, struct arena *a, const struct booking_new *b, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INSERT, &res, DB_STR(b->number), DB_STR(b->kind),
	    b->customer_id > 0 ? DB_INT(b->customer_id) : DB_NULL, DB_INT(b->service_id),
	    DB_STR(b->status), DB_STR(b->list_status), DB_STR(b->scheduled_at),
	    DB_INT(b->is_emergency != 0), DB_STR(b->address), DB_STR(b->city),
	    DB_STR(b->governorate), DB_STR(b->location_notes), DB_STR(b->latitude),
	    DB_STR(b->longitude), DB_STR(b->customer_name), DB_STR(b->customer_phone),
	    DB_STR(b->car_brand), DB_STR(b->car_model), DB_STR(b->car_year), DB_STR(b->problem),
	    DB_STR(b->images), DB_INT(b->base_price), DB_INT(b->discount), DB_INT(b->total),
	    DB_STR(b->currency), DB_STR(b->guest_token_hash))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_bookings_get(struct db *db, struct arena *a, long long id, int lock, struct booking_row *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, lock ? STMT_LOCK : STMT_GET, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->id = id;
	out->kind = db_get(&res, 0, 0);
	out->status = db_get(&res, 0, 1);
	out->list_status = db_get(&res, 0, 2);
	out->customer_id = db_get_ll(&res, 0, 3, 0);
	out->technician_id = db_get_ll(&res, 0, 4, 0);
	out->total = db_get_ll(&res, 0, 5, 0);
	out->cancellation_reason = db_get(&res, 0, 6);
	out->cancellation_fee = db_get_ll(&res, 0, 7, -1);
	out->admin_notes = db_get(&res, 0, 8);
	out->start_code_hash = db_get(&res, 0, 9);
	out->start_code_failures = db_get_ll(&res, 0, 10, 0);
	out->guest_token_hash = db_get(&res, 0, 11);
	out->latitude = db_get(&res, 0, 12);
	out->longitude = db_get(&res, 0, 13);
	return DB_OK;
}

enum db_rc
db_bookings_update(struct db *db, struct arena *a, const struct booking_row *b)
{
	return RUN(db, a, STMT_UPDATE, NULL, DB_STR(b->status), DB_STR(b->list_status),
	    b->technician_id > 0 ? DB_INT(b->technician_id) : DB_NULL,
	    DB_STR(b->cancellation_reason),
	    b->cancellation_fee >= 0 ? DB_INT(b->cancellation_fee) : DB_NULL,
	    DB_STR(b->admin_notes), DB_STR(b->start_code_hash), DB_INT(b->start_code_failures),
	    DB_INT(b->id));
}

enum db_rc
db_bookings_contact(struct db *db, struct arena *a, long long id, struct booking_contact *out)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CONTACT, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	out->phone = db_get(&res, 0, 0);
	out->first_name = db_get(&res, 0, 1);
	out->lang = db_get(&res, 0, 2);
	return DB_OK;
}

enum db_rc
db_bookings_history(struct db *db, struct arena *a, long long booking_id, const char *from,
    const char *to, const char *event, long long actor_id, const char *actor_role,
    const char *note)
{
	return RUN(db, a, STMT_HISTORY, NULL, DB_INT(booking_id), DB_STR(from), DB_STR(to),
	    DB_STR(event), actor_id > 0 ? DB_INT(actor_id) : DB_NULL,
	    DB_STR(actor_id > 0 ? actor_role : NULL), DB_STR(note));
}

enum db_rc
db_bookings_history_list(struct db *db, struct arena *a, long long booking_id,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_HISTORY_LIST, &res, DB_INT(booking_id))) != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

enum db_rc
db_bookings_technician_ok(struct db *db, struct arena *a, long long user_id, int *ok)
{
	struct db_result res;
	enum db_rc rc;

	*ok = 0;
	if ((rc = RUN(db, a, STMT_TECHNICIAN, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	*ok = res.nrows > 0 && db_get_ll(&res, 0, 0, 0) == 1;
	return DB_OK;
}

enum db_rc
db_bookings_linked(struct db *db, struct arena *a, long long technician_id,
    long long customer_id, int *linked)
{
	struct db_result res;
	enum db_rc rc;

	*linked = 0;
	if ((rc = RUN(db, a, STMT_LINKED, &res, DB_INT(technician_id), DB_INT(customer_id))) !=
	    DB_OK)
		return rc;
	*linked = res.nrows > 0;
	return DB_OK;
}

enum db_rc
db_bookings_linked_technicians(struct db *db, struct arena *a, long long customer_id,
    long long **ids, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*ids = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_LINKED_TECHNICIANS, &res, DB_INT(customer_id))) != DB_OK)
		return rc;
	*ids = arena_alloc(a, (res.nrows + 1) * sizeof(**ids));
	for (i = 0; i < res.nrows; i++)
		(*ids)[i] = db_get_ll(&res, i, 0, 0);
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_bookings_view(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_bookings_guest_take(struct db *db, struct arena *a, const char *ip, const char *hour,
    long long *n)
{
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = RUN(db, a, STMT_GUEST_TAKE, NULL, DB_STR(ip), DB_STR(hour))) != DB_OK ||
	    (rc = RUN(db, a, STMT_GUEST_READ, &res, DB_STR(ip), DB_STR(hour))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_ERR;
	*n = db_get_ll(&res, 0, 0, 0);
	return DB_OK;
}

enum db_rc
db_bookings_location(struct db *db, struct arena *a, long long id, const char *lat,
    const char *lng, const char *at, const char *eta_at)
{
	return RUN(db, a, STMT_LOCATION, NULL, DB_STR(lat), DB_STR(lng), DB_STR(at),
	    DB_STR(eta_at), DB_INT(id));
}

enum db_rc
db_bookings_tracking(struct db *db, struct arena *a, long long id, json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_TRACKING, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = db_row_json(&res, 0);
	return DB_OK;
}

enum db_rc
db_bookings_user_contact(struct db *db, struct arena *a, long long user_id, const char **phone,
    const char **name)
{
	struct db_result res;
	enum db_rc rc;

	*phone = *name = NULL;
	if ((rc = RUN(db, a, STMT_USER_CONTACT, &res, DB_INT(user_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*phone = db_get(&res, 0, 0);
	*name = db_get(&res, 0, 1);
	return DB_OK;
}

/* A list's total. The staff's lists and the undated lists of one customer or technician
 * read counters the booking triggers keep (sql/migrations/0029_booking_list_counts.sql):
 * exact, at any size. A customer's or technician's list with a date range counts its own
 * index, capped: at most BOOKINGS_WINDOW + 1 entries (2-3 ms past the window). Once such
 * a count has come back over the window, this worker answers that total (a lower bound)
 * without counting for CAPPED_TTL seconds: the next pages of the same list, the same
 * list again. Exact counts are always counted. */
#define CAPPED_TTL 5
#define CAPPED_SLOTS 64
static struct { char key[160]; time_t at; } capped[CAPPED_SLOTS];

static unsigned
capped_slot(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % CAPPED_SLOTS;
}

static time_t
capped_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* "YYYY-MM-DD HH:MM:SS.fff" -> its day */
static struct db_arg
day_of(struct arena *a, const char *t)
{
	return DB_STR(arena_strndup(a, t, 10));
}

static enum db_rc
list_total(struct db *db, struct arena *a, const struct booking_list_query *q, unsigned v,
    const struct db_arg *filters, size_t nf, const char *from, const char *to,
    struct booking_list_page *out)
{
	static const char *const names[F__MAX] = {
		[F_NONE] = "none", [F_STATUS] = "status", [F_SERVICE] = "service",
		[F_EMERGENCY] = "emergency", [F_SCHEDULED] = "scheduled",
	};
	unsigned f = v % F__MAX;
	const char *value = f == F_STATUS ? q->list_status : f == F_SERVICE ?
	    arena_printf(a, "%lld", q->service_id) : f == F_EMERGENCY ?
	    (q->emergency ? "1" : "0") : "";
	struct db_arg args[8];
	struct db_result res;
	char key[sizeof(capped[0].key)];
	unsigned slot;
	size_t n;
	int ck;
	enum db_rc rc;

	if (q->scope == BOOKINGS_ALL) {
		if ((rc = RUN(db, a, STMT_DAYS_TOTAL, &res, DB_STR(names[f]), DB_STR(value),
		    day_of(a, from), day_of(a, to))) != DB_OK)
			return rc;
		out->total = db_get_ll(&res, 0, 0, 0);
		return DB_OK;
	}
	if (f != F_SCHEDULED && q->from == NULL && q->to == NULL) {
		if ((rc = RUN(db, a, STMT_OWNER_TOTAL, &res,
		    DB_STR(q->scope == BOOKINGS_CUSTOMER ? "customer" : "technician"),
		    DB_INT(q->user_id), DB_STR(names[f]), DB_STR(value))) != DB_OK)
			return rc;
		out->total = res.nrows > 0 ? db_get_ll(&res, 0, 0, 0) : 0;
		return DB_OK;
	}
	ck = snprintf(key, sizeof(key), "%u|%lld|%s|%s|%s", v, q->user_id, value, from, to);
	slot = ck > 0 && (size_t)ck < sizeof(key) ? capped_slot(key) : CAPPED_SLOTS;
	if (slot < CAPPED_SLOTS && strcmp(capped[slot].key, key) == 0 &&
	    capped_now() - capped[slot].at < CAPPED_TTL) {
		out->total = BOOKINGS_WINDOW;
		out->total_capped = 1;
		return DB_OK;
	}
	memcpy(args, filters, nf * sizeof(*args));
	n = nf;
	args[n++] = DB_STR(from);
	args[n++] = DB_STR(to);
	args[n++] = DB_INT(BOOKINGS_WINDOW + 1);
	if ((rc = db_exec(db, a, &store_bookings, STMT_COUNT + v, args, n, &res)) != DB_OK)
		return rc;
	out->total = db_get_ll(&res, 0, 0, 0);
	if ((out->total_capped = out->total > BOOKINGS_WINDOW))
		out->total = BOOKINGS_WINDOW;
	if (out->total_capped && slot < CAPPED_SLOTS) {
		memcpy(capped[slot].key, key, (size_t)ck + 1);
		capped[slot].at = capped_now();
	}
	return DB_OK;
}

enum db_rc
db_bookings_list(struct db *db, struct arena *a, const struct booking_list_query *q,
    struct booking_list_page *out)
{
	struct db_arg args[10];
	struct db_result res;
	const char *at = q->after_at != NULL ? q->after_at : TOP_TIME;
	const char *from = q->from != NULL ? q->from : BOTTOM_TIME;
	const char *to = q->to != NULL ? q->to : TOP_TIME;
	long long id = q->after_at != NULL ? q->after_id : LLONG_MAX, offset = q->offset;
	unsigned v = (unsigned)q->scope * F__MAX + (q->by_scheduled ? F_SCHEDULED :
	    q->list_status != NULL ? F_STATUS : q->service_id > 0 ? F_SERVICE :
	    q->emergency >= 0 ? F_EMERGENCY : F_NONE);
	size_t n = 0, nf, i;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if (q->scope != BOOKINGS_ALL)
		args[n++] = DB_INT(q->user_id);
	if (q->by_scheduled)
		;   /* the range is the filter */
	else if (q->list_status != NULL)
		args[n++] = DB_STR(q->list_status);
	else if (q->service_id > 0)
		args[n++] = DB_INT(q->service_id);
	else if (q->emergency >= 0)
		args[n++] = DB_INT(q->emergency != 0);
	nf = n;
	if ((rc = list_total(db, a, q, v, args, nf, from, to, out)) != DB_OK)
		return rc;
	out->items = json_object_new_array();
	if (q->after_at == NULL && offset > 0) {
		/* the key of the page's first row from the index alone (at most
		 * BOOKINGS_WINDOW entries, no row read), then the page from that key */
		args[n++] = DB_STR(from);
		args[n++] = DB_STR(to);
		args[n++] = DB_INT(offset);
		if ((rc = db_exec(db, a, &store_bookings, STMT_SEEK + v, args, n, &res)) != DB_OK)
			return rc;
		if (res.nrows == 0)
			return DB_OK;   /* past the end */
		at = db_get(&res, 0, 0);
		id = db_get_ll(&res, 0, 1, 0) + 1;   /* that row itself included */
		offset = 0;
		if (at == NULL || strlen(at) != 23)
			return DB_ERR;
	}
	n = nf;
	args[n++] = DB_STR(from);
	args[n++] = DB_STR(strcmp(to, at) < 0 ? to : at);   /* both "YYYY-MM-DD HH:MM:SS.fff" */
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(id);
	args[n++] = DB_INT(q->limit + 1);
	args[n++] = DB_INT(offset);
	if ((rc = db_exec(db, a, &store_bookings, STMT_PAGE + v, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, q->limit, q->by_scheduled ? "scheduledDateTime" :
	    "createdAt", out->next_at, &out->next_id);
	for (i = 0; i < res.nrows && (long long)i < q->limit; i++)
		json_object_array_add(out->items, db_row_json(&res, i));
	return DB_OK;
}
