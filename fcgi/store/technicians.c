#include "technicians.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The search variants (docs/search.md), added to STMT_SEARCH or STMT_SEARCH_COUNT. */
enum { TS_RATING, TS_TEXT, TS_NEAR, TS_TEXT_NEAR, TS__MAX };

/* The list variants: one per combination of filters, indexed by these bits added to
 * STMT_LIST or STMT_COUNT. */
enum {
	F_STATUS = 1 << 0,
	F_CATEGORY = 1 << 1,
	F_CITY = 1 << 2,
	F_VERIFICATION = 1 << 3,
	F__ALL = 1 << 4
};

enum stmt {
	STMT_LIST,
	STMT_COUNT = STMT_LIST + F__ALL,
	STMT_NEARBY = STMT_COUNT + F__ALL,
	STMT_NEARBY_CATEGORY,
	STMT_VIEW,
	STMT_LOCK,
	STMT_UPDATE,
	STMT_UPDATE_BIO,
	STMT_VERIFY,
	STMT_SPEC_DELETE,
	STMT_SPEC_INSERT,
	STMT_STATUS,
	STMT_STATUS_LOCATION,
	STMT_LIST_RATING,
	STMT_SEARCH,                 /* GET /api/search/technicians: TS_* added */
	STMT_SEARCH_COUNT = STMT_SEARCH + TS__MAX,
	/* the search driven by an index instead of FULLTEXT (docs/search.md): how many
	 * technicians' name words a prefix spans (capped), the categories' folded text, and
	 * the page by the name's words or by the specialization's categories, each also
	 * near a point (TW_* added) */
	STMT_TW_SPAN = STMT_SEARCH_COUNT + TS__MAX,
	STMT_TW_CATEGORIES,
	STMT_TW,
	STMT__MAX = STMT_TW + 6
};
enum { TW_NAME, TW_NAME_NEAR, TW_SPEC, TW_SPEC_NEAR, TW_REACH, TW_REACH_NEAR };

/* The user view with the user's choices (as USER_SHOWN_COLUMNS, which ends in its own
 * FROM), then the profile under "technician". */
#define TECH_SELECT USER_VIEW_SELECT "," \
	" COALESCE(JSON_EXTRACT(u.settings, '$.showEmail') = 'true', 0) AS `_showEmail`," \
	" COALESCE(JSON_EXTRACT(u.settings, '$.showPhone') = 'true', 0) AS `_showPhone`," \
	" p.specializations AS `technician.specializations:json`," \
	" p.experience_years AS `technician.experienceYears`," \
	" p.working_governorates AS `technician.workingAreas.governorates:json`," \
	" p.working_city AS `technician.workingAreas.city`," \
	" p.work_status AS `technician.workStatus`," \
	" p.verification = 'verified' AS `technician.isVerified:bool`," \
	" p.verification AS `technician.verification.status`," \
	" p.verification_reason AS `technician.verification.reason`," \
	" p.verified_at AS `technician.verification.verifiedAt`," \
	" p.service_radius_km AS `technician.serviceRadiusKm`," \
	" p.latitude AS `technician.location.latitude`," \
	" p.longitude AS `technician.location.longitude`," \
	" p.location_updated_at AS `technician.location.updatedAt`," \
	" p.created_at AS `technician.createdAt`"
#define TECH_NCOLS (USER_SHOWN_NCOLS + 14)

/* a listed technician: the user is one still, and not deleted */
#define W_USER "u.role = 'technician' AND u.deleted_at IS NULL"

/* The staff's list, newest first. The first filter of category, city, verification,
 * status that is given picks the index (category: the specialization rows'); the others are checked
 * on the rows it gives, joined by primary key. Every table names its index: left free,
 * the optimizer adds a rowid filter from another index (a status no row has yet). */
#define FROM_ALL " FROM technician_profiles p FORCE INDEX (ix_technicians_list)" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id"
#define FROM_STATUS " FROM technician_profiles p FORCE INDEX (ix_technicians_list_status)" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id"
#define FROM_CITY " FROM technician_profiles p FORCE INDEX (ix_technicians_list_city)" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id"
#define FROM_CATEGORY " FROM technician_specializations k" \
	" FORCE INDEX (ix_technician_specializations_list)" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = k.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id"
#define FROM_VERIFICATION " FROM technician_profiles p" \
	" FORCE INDEX (ix_technicians_list_verification)" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id"
#define W_CATEGORY "k.category = ? AND "
#define W_STATUS "p.work_status = ? AND "
#define W_CITY "p.working_city = ? AND "
#define W_VERIFICATION "p.verification = ? AND "
/* the rows at or after the key (created_at, user_id), newest first, as user_lists.c */
#define KEYSET(t) " AND " t ".created_at <= ? AND (" t ".created_at < ? OR " t ".user_id < ?)" \
	" ORDER BY " t ".created_at DESC, " t ".user_id DESC LIMIT ?"
#define LIST_SQL(from, where, t) DB_LIST_LIMIT TECH_SELECT from " WHERE " where W_USER KEYSET(t)
#define COUNT_SQL(from, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1" from \
	" WHERE " where W_USER " LIMIT ?) t"
#define VARIANT(bits, from, where, t, nparams) \
	[STMT_LIST + (bits)] = { LIST_SQL(from, where, t), (nparams) + 4, TECH_NCOLS, DBS_LIST }, \
	[STMT_COUNT + (bits)] = { COUNT_SQL(from, where), (nparams) + 1, 1, DBS_LIST }

/* Near a point, in two steps. Inside: the bounding box of the circle, available,
 * verified, a user who can be booked, a latitude range; the longitude, the distance and
 * the technician's own radius checked from the index alone, nearest first: only the ids
 * and distances of the technicians inside the circle are sorted, and no row is read.
 * Any trade: ix_technicians_nearby of the profiles. One trade: technician_reach (one
 * row per specialization with the profile's search columns copied beside it by the
 * triggers of sql/migrations/0025_recommendations.sql), so only that trade's entries
 * are read. Outside: the views of the few that page keeps (the user is checked again
 * there, so a user changed since the profile's flag was written is left out rather
 * than shown). db_technicians_nearby() runs it in expanding rings. The distance is the
 * haversine of geo_distance_km() (fcgi/domain/booking.h), in km to three decimals. */
#define HAVERSINE_T(t) "2 * 6371.0088 * ASIN(LEAST(1, SQRT(" \
	"POW(SIN(RADIANS(" t "latitude - ?) / 2), 2) + COS(RADIANS(?)) * COS(RADIANS(" t "latitude))" \
	" * POW(SIN(RADIANS(" t "longitude - ?) / 2), 2))))"
#define HAVERSINE HAVERSINE_T("p.")
#define NEAR_IDS(from, where) "SELECT p.user_id, ROUND(" HAVERSINE ", 3) AS distanceKm" \
	from " WHERE " where "p.work_status = 'available' AND p.verification = 'verified'" \
	" AND p.user_bookable = 1" \
	" AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?" \
	" AND " HAVERSINE " <= LEAST(?, p.service_radius_km)" \
	" ORDER BY distanceKm, p.user_id LIMIT ?"
#define NEAR_SQL(from, where) DB_LIST_LIMIT TECH_SELECT ", n.distanceKm" \
	" FROM (" NEAR_IDS(from, where) ") n" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = n.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = n.user_id" \
	" WHERE " W_USER " AND u.is_active = 1 AND u.is_banned = 0" \
	" ORDER BY n.distanceKm, n.user_id"
#define NEAR_ANY " FROM technician_profiles p FORCE INDEX (ix_technicians_nearby)"
#define NEAR_CATEGORY " FROM technician_reach p FORCE INDEX (ix_technician_reach_near)"

/* The search, in two steps as near a point: inside, the ids (and distances) of one page
 * in the search's order, read from the profile (its folded text, rating and position,
 * kept by sql/migrations/0022_search_geocode.sql) and the user's primary key; outside,
 * the views of that page's rows. Text: ft_technicians_search, the matches sorted by
 * relevance, then rating. Near a point: the bounding box of the circle (as
 * db_technicians_nearby()) on ix_technicians_geo, or on the text's matches, nearest
 * first. Neither: ix_technicians_rating backwards, best rated first. */
#define TS_FROM(ix) " FROM technician_profiles p" ix \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id WHERE "
#define TS_MATCH "MATCH(p.search_key) AGAINST (? IN BOOLEAN MODE)"
#define TS_BOX " AND p.latitude BETWEEN ? AND ? AND p.longitude BETWEEN ? AND ?" \
	" AND " HAVERSINE " <= ?"
#define TS_RATING_W "p.rating >= ? AND " W_USER
#define TS_IDS_RATING "SELECT p.user_id, NULL AS distanceKm, 0 AS score" \
	TS_FROM(" FORCE INDEX (ix_technicians_rating)") TS_RATING_W \
	" ORDER BY p.rating DESC, p.user_id DESC LIMIT ? OFFSET ?"
#define TS_IDS_TEXT "SELECT p.user_id, NULL AS distanceKm, " TS_MATCH " AS score" \
	TS_FROM("") TS_MATCH " AND " TS_RATING_W \
	" ORDER BY score DESC, p.rating DESC, p.user_id LIMIT ? OFFSET ?"
#define TS_IDS_NEAR(ix, text) "SELECT p.user_id, ROUND(" HAVERSINE ", 3) AS distanceKm," \
	" 0 AS score" TS_FROM(ix) text TS_RATING_W TS_BOX \
	" ORDER BY distanceKm, p.user_id LIMIT ? OFFSET ?"
#define TS_SQL(ids, order) DB_LIST_LIMIT TECH_SELECT ", n.distanceKm FROM (" ids ") n" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = n.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = n.user_id ORDER BY " order
#define TS_COUNT(ix, where) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1" TS_FROM(ix) where \
	" LIMIT ?) t"

/* The search by an index (docs/search.md, "The technicians' search"). The driver: the
 * technicians' words of the name's rarest word (user_name_words by
 * ix_user_name_words_role (role, word, user_id), sql/migrations/0028_service_words.sql),
 * or the specializations of the categories the specialization names (the primary key
 * (category, user_id); up to TW_CATS, an unused slot binds ''). Every other word of the
 * search (q, specialization, city) must start a word of the profile's folded text, as
 * with FULLTEXT (TW_CHECKS slots, "%" unused); the rating and the circle are checked on
 * the same row. The matches are sorted: best rated first, or nearest first. One
 * category: its rows of technician_reach (the profile's rating and position copied
 * beside each specialization, sql/migrations/0034_technician_reach_rating.sql), read in
 * the search's order (ix_technician_reach_rating) so the read stops once the page is
 * full, or near a point in the box of one ring (ix_technician_reach_geo). */
#define TW_CATS 8
#define TW_CHECKS 6
#define TW_CHECK " AND CONCAT(' ', p.search_key) LIKE ?"
#define TW_W_CHECKS TW_CHECK TW_CHECK TW_CHECK TW_CHECK TW_CHECK TW_CHECK
#define TW_FROM_NAME " FROM user_name_words w FORCE INDEX (ix_user_name_words_role)" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = w.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id" \
	" WHERE w.role = 'technician' AND w.word LIKE ? AND "
#define TW_FROM_SPEC " FROM technician_specializations k FORCE INDEX (PRIMARY)" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = k.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id" \
	" WHERE k.category IN (?, ?, ?, ?, ?, ?, ?, ?) AND "
#define TW_IDS(from) "SELECT DISTINCT p.user_id, NULL AS distanceKm, 0 AS score, p.rating" \
	from TS_RATING_W TW_W_CHECKS " ORDER BY p.rating DESC, p.user_id LIMIT ? OFFSET ?"
#define TW_IDS_NEAR(from) "SELECT DISTINCT p.user_id, ROUND(" HAVERSINE ", 3) AS distanceKm," \
	" 0 AS score" from TS_RATING_W TW_W_CHECKS TS_BOX \
	" ORDER BY distanceKm, p.user_id LIMIT ? OFFSET ?"
#define TW_FROM_REACH(ix) " FROM technician_reach r FORCE INDEX (" ix ")" \
	" STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = r.user_id" \
	" STRAIGHT_JOIN users u FORCE INDEX (PRIMARY) ON u.id = p.user_id" \
	" WHERE r.category = ? AND r.rating >= ? AND " W_USER TW_W_CHECKS
#define TW_IDS_REACH "SELECT p.user_id, NULL AS distanceKm, 0 AS score, r.rating" \
	TW_FROM_REACH("ix_technician_reach_rating") \
	" ORDER BY r.rating DESC, r.user_id LIMIT ? OFFSET ?"
#define TW_IDS_REACH_NEAR "SELECT p.user_id, ROUND(" HAVERSINE_T("r.") ", 3) AS distanceKm," \
	" 0 AS score" TW_FROM_REACH("ix_technician_reach_geo") \
	" AND r.latitude BETWEEN ? AND ? AND r.longitude BETWEEN ? AND ?" \
	" AND " HAVERSINE_T("r.") " <= ? ORDER BY distanceKm, p.user_id LIMIT ? OFFSET ?"

/* The writable columns in enum technician_col order. */
#define LOCK_COLUMNS "p.specializations, p.experience_years, p.working_governorates," \
	" p.working_city, p.service_radius_km, p.work_status, p.verification," \
	" p.verification_reason, p.latitude, p.longitude, u.bio"

static const struct db_stmt stmts[STMT__MAX] = {
	VARIANT(0, FROM_ALL, "", "p", 0),
	VARIANT(F_STATUS, FROM_STATUS, W_STATUS, "p", 1),
	VARIANT(F_CATEGORY, FROM_CATEGORY, W_CATEGORY, "k", 1),
	VARIANT(F_CATEGORY | F_STATUS, FROM_CATEGORY, W_CATEGORY W_STATUS, "k", 2),
	VARIANT(F_CITY, FROM_CITY, W_CITY, "p", 1),
	VARIANT(F_CITY | F_STATUS, FROM_CITY, W_STATUS W_CITY, "p", 2),
	VARIANT(F_CATEGORY | F_CITY, FROM_CATEGORY, W_CATEGORY W_CITY, "k", 2),
	VARIANT(F_CATEGORY | F_CITY | F_STATUS, FROM_CATEGORY, W_CATEGORY W_STATUS W_CITY, "k", 3),
	VARIANT(F_VERIFICATION, FROM_VERIFICATION, W_VERIFICATION, "p", 1),
	VARIANT(F_VERIFICATION | F_STATUS, FROM_VERIFICATION, W_STATUS W_VERIFICATION, "p", 2),
	VARIANT(F_VERIFICATION | F_CATEGORY, FROM_CATEGORY, W_CATEGORY W_VERIFICATION, "k", 2),
	VARIANT(F_VERIFICATION | F_CATEGORY | F_STATUS, FROM_CATEGORY,
	    W_CATEGORY W_STATUS W_VERIFICATION, "k", 3),
	VARIANT(F_VERIFICATION | F_CITY, FROM_CITY, W_CITY W_VERIFICATION, "p", 2),
	VARIANT(F_VERIFICATION | F_CITY | F_STATUS, FROM_CITY, W_STATUS W_CITY W_VERIFICATION,
	    "p", 3),
	VARIANT(F_VERIFICATION | F_CATEGORY | F_CITY, FROM_CATEGORY,
	    W_CATEGORY W_CITY W_VERIFICATION, "k", 3),
	VARIANT(F_VERIFICATION | F_CATEGORY | F_CITY | F_STATUS, FROM_CATEGORY,
	    W_CATEGORY W_STATUS W_CITY W_VERIFICATION, "k", 4),

	[STMT_NEARBY] = { NEAR_SQL(NEAR_ANY, ""), 12, TECH_NCOLS + 1, DBS_LIST },
	[STMT_SEARCH + TS_RATING] = { TS_SQL(TS_IDS_RATING, "p.rating DESC, p.user_id DESC"), 3,
	    TECH_NCOLS + 1, DBS_LIST },
	[STMT_SEARCH + TS_TEXT] = { TS_SQL(TS_IDS_TEXT, "n.score DESC, p.rating DESC, p.user_id"),
	    5, TECH_NCOLS + 1, DBS_LIST },
	[STMT_SEARCH + TS_NEAR] = { TS_SQL(TS_IDS_NEAR(" FORCE INDEX (ix_technicians_geo)", ""),
	    "n.distanceKm, p.user_id"), 14, TECH_NCOLS + 1, DBS_LIST },
	[STMT_SEARCH + TS_TEXT_NEAR] = { TS_SQL(TS_IDS_NEAR("", TS_MATCH " AND "),
	    "n.distanceKm, p.user_id"), 15, TECH_NCOLS + 1, DBS_LIST },
	[STMT_SEARCH_COUNT + TS_RATING] = { TS_COUNT(" FORCE INDEX (ix_technicians_rating)",
	    TS_RATING_W), 2, 1, DBS_LIST },
	[STMT_SEARCH_COUNT + TS_TEXT] = { TS_COUNT("", TS_MATCH " AND " TS_RATING_W), 3, 1,
	    DBS_LIST },
	[STMT_SEARCH_COUNT + TS_NEAR] = { TS_COUNT(" FORCE INDEX (ix_technicians_geo)",
	    TS_RATING_W TS_BOX), 10, 1, DBS_LIST },
	[STMT_SEARCH_COUNT + TS_TEXT_NEAR] = { TS_COUNT("", TS_MATCH " AND " TS_RATING_W TS_BOX),
	    11, 1, DBS_LIST },
	[STMT_TW_SPAN] = { DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM user_name_words"
	    " FORCE INDEX (ix_user_name_words_role) WHERE role = 'technician' AND word LIKE ?"
	    " LIMIT ?) t", 2, 1, DBS_LIST },
	/* a few dozen rows, folded as the profiles' text */
	[STMT_TW_CATEGORIES] = { "SELECT c.`key`, search_fold(CONCAT_WS(' ',"
	    " REPLACE(c.`key`, '_', ' '), c.name_ar, c.name_en)) FROM service_categories c", 0, 2,
	    0 },
	[STMT_TW + TW_NAME] = { TS_SQL(TW_IDS(TW_FROM_NAME), "p.rating DESC, p.user_id"),
	    2 + TW_CHECKS + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_TW + TW_NAME_NEAR] = { TS_SQL(TW_IDS_NEAR(TW_FROM_NAME), "n.distanceKm, p.user_id"),
	    3 + 2 + TW_CHECKS + 8 + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_TW + TW_SPEC] = { TS_SQL(TW_IDS(TW_FROM_SPEC), "p.rating DESC, p.user_id"),
	    TW_CATS + 1 + TW_CHECKS + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_TW + TW_SPEC_NEAR] = { TS_SQL(TW_IDS_NEAR(TW_FROM_SPEC), "n.distanceKm, p.user_id"),
	    3 + TW_CATS + 1 + TW_CHECKS + 8 + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_TW + TW_REACH] = { TS_SQL(TW_IDS_REACH, "p.rating DESC, p.user_id"),
	    1 + 1 + TW_CHECKS + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_TW + TW_REACH_NEAR] = { TS_SQL(TW_IDS_REACH_NEAR, "n.distanceKm, p.user_id"),
	    3 + 1 + 1 + TW_CHECKS + 8 + 2, TECH_NCOLS + 1, DBS_LIST },
	[STMT_NEARBY_CATEGORY] = { NEAR_SQL(NEAR_CATEGORY, "p.category = ? AND "), 13,
	    TECH_NCOLS + 1, DBS_LIST },
	[STMT_VIEW] = { TECH_SELECT " FROM technician_profiles p JOIN users u ON u.id = p.user_id"
	    " WHERE p.user_id = ? AND " W_USER, 1, TECH_NCOLS, 0 },
	[STMT_LOCK] = { "SELECT " LOCK_COLUMNS " FROM technician_profiles p"
	    " JOIN users u ON u.id = p.user_id WHERE p.user_id = ? AND " W_USER " FOR UPDATE",
	    1, TC__MAX, 0 },
	[STMT_UPDATE] = { "UPDATE technician_profiles SET specializations = ?,"
	    " experience_years = ?, working_governorates = ?, working_city = ?,"
	    " service_radius_km = ? WHERE user_id = ?", 6, 0, 0 },
	[STMT_UPDATE_BIO] = { "UPDATE users SET bio = ? WHERE id = ?", 2, 0, 0 },
	[STMT_VERIFY] = { "UPDATE technician_profiles SET verification = ?,"
	    " verification_reason = ?, verified_at = CURRENT_TIMESTAMP(3), verified_by = ?"
	    " WHERE user_id = ?", 4, 0, 0 },
	[STMT_SPEC_DELETE] = { "DELETE FROM technician_specializations WHERE user_id = ?", 1, 0,
	    0 },
	[STMT_SPEC_INSERT] = { "INSERT INTO technician_specializations (category, user_id,"
	    " created_at) SELECT ?, user_id, created_at FROM technician_profiles"
	    " WHERE user_id = ?", 2, 0, 0 },
	[STMT_STATUS] = { "UPDATE technician_profiles SET work_status = ? WHERE user_id = ?", 2,
	    0, 0 },
	[STMT_STATUS_LOCATION] = { "UPDATE technician_profiles SET work_status = ?,"
	    " latitude = ?, longitude = ?, location_updated_at = CURRENT_TIMESTAMP(3)"
	    " WHERE user_id = ?", 4, 0, 0 },
	/* the staff's list by rating, best first (sort=rating): ix_users_technician_rating
	 * (role, deleted_at, rating, id) read backwards from the key (rating, id), each
	 * profile joined by primary key; the rating bound as exact decimal text */
	[STMT_LIST_RATING] = { DB_LIST_LIMIT TECH_SELECT
	    " FROM users u FORCE INDEX (ix_users_technician_rating)"
	    " STRAIGHT_JOIN technician_profiles p FORCE INDEX (PRIMARY) ON p.user_id = u.id"
	    " WHERE " W_USER " AND u.rating <= CAST(? AS DECIMAL(3,2))"
	    " AND (u.rating < CAST(? AS DECIMAL(3,2)) OR u.id < ?)"
	    " ORDER BY u.rating DESC, u.id DESC LIMIT ?", 4, TECH_NCOLS, DBS_LIST },
};

/* Sample arguments for each statement's EXPLAIN (warsha-fcgi --explain-lists): the
 * widest cases (the top of the list; Cairo, 100 km). */
#define TOP_TIME "9999-12-31 23:59:59.999"
#define S_TOP DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_STR(TOP_TIME), DB_SAMPLE_INT(LLONG_MAX), \
	DB_SAMPLE_INT(21)
#define S_CAP DB_SAMPLE_INT(TECHNICIANS_COUNT_CAP + 1)
#define S_C DB_SAMPLE_STR("plumbing"),
#define S_S DB_SAMPLE_STR("available"),
#define S_Y DB_SAMPLE_STR("Cairo"),
#define SAMPLES(name, filters) \
	static const struct db_arg s_list_##name[] = { filters S_TOP }; \
	static const struct db_arg s_count_##name[] = { filters S_CAP };

SAMPLES(0, )
SAMPLES(s, S_S)
SAMPLES(c, S_C)
SAMPLES(cs, S_C S_S)
SAMPLES(y, S_Y)
SAMPLES(ys, S_S S_Y)
SAMPLES(cy, S_C S_Y)
SAMPLES(csy, S_C S_S S_Y)
#define S_V DB_SAMPLE_STR("pending"),
SAMPLES(v, S_V)
SAMPLES(sv, S_S S_V)
SAMPLES(cv, S_C S_V)
SAMPLES(csv, S_C S_S S_V)
SAMPLES(yv, S_Y S_V)
SAMPLES(syv, S_S S_Y S_V)
SAMPLES(cyv, S_C S_Y S_V)
SAMPLES(csyv, S_C S_S S_Y S_V)

#define S_POINT DB_SAMPLE_STR("30.0444"), DB_SAMPLE_STR("30.0444"), DB_SAMPLE_STR("31.2357")
#define S_BOX DB_SAMPLE_STR("29.145"), DB_SAMPLE_STR("30.944"), DB_SAMPLE_STR("30.196"), \
	DB_SAMPLE_STR("32.275"), S_POINT, DB_SAMPLE_INT(100), DB_SAMPLE_INT(50)
static const struct db_arg s_nearby[] = { S_POINT, S_BOX };
static const struct db_arg s_list_rating[] = { DB_SAMPLE_STR("9.99"), DB_SAMPLE_STR("9.99"),
	DB_SAMPLE_INT(LLONG_MAX), DB_SAMPLE_INT(21) };
#define S_TQ DB_SAMPLE_STR("+plumb*")
#define S_TBOX DB_SAMPLE_STR("29.145"), DB_SAMPLE_STR("30.944"), DB_SAMPLE_STR("30.196"), \
	DB_SAMPLE_STR("32.275"), S_POINT, DB_SAMPLE_INT(100)
#define S_PAGE DB_SAMPLE_INT(21), DB_SAMPLE_INT(20)
static const struct db_arg s_ts_rating[] = { DB_SAMPLE_INT(3), S_PAGE };
static const struct db_arg s_ts_text[] = { S_TQ, S_TQ, DB_SAMPLE_INT(0), S_PAGE };
static const struct db_arg s_ts_near[] = { S_POINT, DB_SAMPLE_INT(0), S_TBOX, S_PAGE };
static const struct db_arg s_ts_text_near[] = { S_POINT, S_TQ, DB_SAMPLE_INT(0), S_TBOX, S_PAGE };
static const struct db_arg s_tc_rating[] = { DB_SAMPLE_INT(3), DB_SAMPLE_INT(10001) };
static const struct db_arg s_tc_text[] = { S_TQ, DB_SAMPLE_INT(0), DB_SAMPLE_INT(10001) };
static const struct db_arg s_tc_near[] = { DB_SAMPLE_INT(0), S_TBOX, DB_SAMPLE_INT(10001) };
static const struct db_arg s_tc_text_near[] = { S_TQ, DB_SAMPLE_INT(0), S_TBOX,
	DB_SAMPLE_INT(10001) };
static const struct db_arg s_nearby_category[] = { S_POINT, DB_SAMPLE_STR("plumbing"), S_BOX };

#define S_TW_CHECKS DB_SAMPLE_STR("% cairo%"), DB_SAMPLE_STR("%"), DB_SAMPLE_STR("%"), \
	DB_SAMPLE_STR("%"), DB_SAMPLE_STR("%"), DB_SAMPLE_STR("%")
#define S_TW_CATS DB_SAMPLE_STR("plumbing"), DB_SAMPLE_STR("electrical"), DB_SAMPLE_STR(""), \
	DB_SAMPLE_STR(""), DB_SAMPLE_STR(""), DB_SAMPLE_STR(""), DB_SAMPLE_STR(""), \
	DB_SAMPLE_STR("")
static const struct db_arg s_tw_span[] = { DB_SAMPLE_STR("moh%"), DB_SAMPLE_INT(1001) };
static const struct db_arg s_tw_name[] = { DB_SAMPLE_STR("moh%"), DB_SAMPLE_INT(0),
	S_TW_CHECKS, S_PAGE };
static const struct db_arg s_tw_name_near[] = { S_POINT, DB_SAMPLE_STR("moh%"),
	DB_SAMPLE_INT(0), S_TW_CHECKS, S_TBOX, S_PAGE };
static const struct db_arg s_tw_spec[] = { S_TW_CATS, DB_SAMPLE_INT(0), S_TW_CHECKS, S_PAGE };
static const struct db_arg s_tw_spec_near[] = { S_POINT, S_TW_CATS, DB_SAMPLE_INT(0),
	S_TW_CHECKS, S_TBOX, S_PAGE };
static const struct db_arg s_tw_reach[] = { DB_SAMPLE_STR("plumbing"), DB_SAMPLE_INT(0),
	S_TW_CHECKS, S_PAGE };
static const struct db_arg s_tw_reach_near[] = { S_POINT, DB_SAMPLE_STR("plumbing"),
	DB_SAMPLE_INT(0), S_TW_CHECKS, S_TBOX, S_PAGE };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_LIST + 0] = DB_SAMPLE(s_list_0),
	[STMT_COUNT + 0] = DB_SAMPLE(s_count_0),
	[STMT_LIST + F_STATUS] = DB_SAMPLE(s_list_s),
	[STMT_COUNT + F_STATUS] = DB_SAMPLE(s_count_s),
	[STMT_LIST + F_CATEGORY] = DB_SAMPLE(s_list_c),
	[STMT_COUNT + F_CATEGORY] = DB_SAMPLE(s_count_c),
	[STMT_LIST + (F_CATEGORY | F_STATUS)] = DB_SAMPLE(s_list_cs),
	[STMT_COUNT + (F_CATEGORY | F_STATUS)] = DB_SAMPLE(s_count_cs),
	[STMT_LIST + F_CITY] = DB_SAMPLE(s_list_y),
	[STMT_COUNT + F_CITY] = DB_SAMPLE(s_count_y),
	[STMT_LIST + (F_CITY | F_STATUS)] = DB_SAMPLE(s_list_ys),
	[STMT_COUNT + (F_CITY | F_STATUS)] = DB_SAMPLE(s_count_ys),
	[STMT_LIST + (F_CATEGORY | F_CITY)] = DB_SAMPLE(s_list_cy),
	[STMT_COUNT + (F_CATEGORY | F_CITY)] = DB_SAMPLE(s_count_cy),
	[STMT_LIST + (F_CATEGORY | F_CITY | F_STATUS)] = DB_SAMPLE(s_list_csy),
	[STMT_COUNT + (F_CATEGORY | F_CITY | F_STATUS)] = DB_SAMPLE(s_count_csy),
#define VSAMPLE(bits, name) \
	[STMT_LIST + (F_VERIFICATION | (bits))] = DB_SAMPLE(s_list_##name), \
	[STMT_COUNT + (F_VERIFICATION | (bits))] = DB_SAMPLE(s_count_##name)
	VSAMPLE(0, v),
	VSAMPLE(F_STATUS, sv),
	VSAMPLE(F_CATEGORY, cv),
	VSAMPLE(F_CATEGORY | F_STATUS, csv),
	VSAMPLE(F_CITY, yv),
	VSAMPLE(F_CITY | F_STATUS, syv),
	VSAMPLE(F_CATEGORY | F_CITY, cyv),
	VSAMPLE(F_CATEGORY | F_CITY | F_STATUS, csyv),
	[STMT_NEARBY] = DB_SAMPLE(s_nearby),
	[STMT_LIST_RATING] = DB_SAMPLE(s_list_rating),
	[STMT_SEARCH + TS_RATING] = DB_SAMPLE(s_ts_rating),
	[STMT_SEARCH + TS_TEXT] = DB_SAMPLE(s_ts_text),
	[STMT_SEARCH + TS_NEAR] = DB_SAMPLE(s_ts_near),
	[STMT_SEARCH + TS_TEXT_NEAR] = DB_SAMPLE(s_ts_text_near),
	[STMT_SEARCH_COUNT + TS_RATING] = DB_SAMPLE(s_tc_rating),
	[STMT_SEARCH_COUNT + TS_TEXT] = DB_SAMPLE(s_tc_text),
	[STMT_SEARCH_COUNT + TS_NEAR] = DB_SAMPLE(s_tc_near),
	[STMT_SEARCH_COUNT + TS_TEXT_NEAR] = DB_SAMPLE(s_tc_text_near),
	[STMT_NEARBY_CATEGORY] = DB_SAMPLE(s_nearby_category),
	[STMT_TW_SPAN] = DB_SAMPLE(s_tw_span),
	[STMT_TW + TW_NAME] = DB_SAMPLE(s_tw_name),
	[STMT_TW + TW_NAME_NEAR] = DB_SAMPLE(s_tw_name_near),
	[STMT_TW + TW_SPEC] = DB_SAMPLE(s_tw_spec),
	[STMT_TW + TW_SPEC_NEAR] = DB_SAMPLE(s_tw_spec_near),
	[STMT_TW + TW_REACH] = DB_SAMPLE(s_tw_reach),
	[STMT_TW + TW_REACH_NEAR] = DB_SAMPLE(s_tw_reach_near),
};

struct db_family store_technicians = DB_FAMILY_SAMPLES("technicians", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_technicians, s, DB_ARGS(__VA_ARGS__), res)

/* The variant of f and its filter parameters, in the order of its text. */
static size_t
filter_args(const struct technician_filter *f, unsigned *bits, struct db_arg args[4])
{
	size_t n = 0;

	*bits = 0;
	if (f->category != NULL) {
		*bits |= F_CATEGORY;
		args[n++] = DB_STR(f->category);
	}
	if (f->status != NULL) {
		*bits |= F_STATUS;
		args[n++] = DB_STR(f->status);
	}
	if (f->city != NULL) {
		*bits |= F_CITY;
		args[n++] = DB_STR(f->city);
	}
	if (f->verification != NULL) {
		*bits |= F_VERIFICATION;
		args[n++] = DB_STR(f->verification);
	}
	return n;
}

/* The rows of res as user views with their choices, the first n of them. */
static void
rows_json(struct arena *a, const struct db_result *res, size_t n, json_object **items,
    struct user_shown **shown)
{
	size_t i;

	if (n > res->nrows)
		n = res->nrows;
	*items = json_object_new_array_ext((int)n);
	*shown = arena_alloc(a, sizeof(**shown) * (n > 0 ? n : 1));
	for (i = 0; i < n; i++)
		json_object_array_add(*items, user_view_row(res, i, &(*shown)[i]));
}

enum db_rc
db_technicians_list(struct db *db, struct arena *a, const struct technician_filter *f,
    const struct user_cursor *after, long long limit, struct technician_page *out)
{
	struct db_arg args[4 + 4];
	struct db_result res;
	unsigned bits;
	size_t n = filter_args(f, &bits, args);
	const char *at = after != NULL ? after->created_at : TOP_TIME;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	args[n++] = DB_STR(at);
	args[n++] = DB_STR(at);
	args[n++] = DB_INT(after != NULL ? after->id : LLONG_MAX);
	args[n++] = DB_INT(limit + 1);
	if ((rc = db_exec(db, a, &store_technicians, STMT_LIST + bits, args, n, &res)) != DB_OK)
		return rc;
	out->has_next = store_next_key(&res, limit, "technician.createdAt", out->next.created_at, &out->next.id);
	rows_json(a, &res, (size_t)limit, &out->items, &out->shown);
	return DB_OK;
}

enum db_rc
db_technicians_count(struct db *db, struct arena *a, const struct technician_filter *f,
    long long *total, int *capped)
{
	struct db_arg args[4 + 1];
	struct db_result res;
	unsigned bits;
	size_t n = filter_args(f, &bits, args);
	enum db_rc rc;
	long long c;

	args[n++] = DB_INT(TECHNICIANS_COUNT_CAP + 1);
	if ((rc = db_exec(db, a, &store_technicians, STMT_COUNT + bits, args, n, &res)) != DB_OK)
		return rc;
	c = db_get_ll(&res, 0, 0, 0);
	*capped = c > TECHNICIANS_COUNT_CAP;
	*total = *capped ? TECHNICIANS_COUNT_CAP : c;
	return DB_OK;
}

/* The circle of r km around (lat, lng) as the near statements bind it after their other
 * filters: the box around it (a degree of latitude is 111.195 km, one of longitude that
 * times the cosine of the latitude, taken at the edge nearer a pole), the point, r. */
static size_t
circle_args(double lat, double lng, double r, struct db_arg *args)
{
	double dlat = r / 111.195, edge = fabs(lat) + dlat, c, dlng;
	size_t n = 0;

	c = edge >= 89.0 ? 0.0 : cos(edge * M_PI / 180.0);
	dlng = c < 0.01 ? 180.0 : r / (111.195 * c);
	args[n++] = DB_DBL(lat - dlat);
	args[n++] = DB_DBL(lat + dlat);
	args[n++] = DB_DBL(lng - dlng);
	args[n++] = DB_DBL(lng + dlng);
	args[n++] = DB_DBL(lat);
	args[n++] = DB_DBL(lat);
	args[n++] = DB_DBL(lng);
	args[n++] = DB_DBL(r);
	return n;
}

/* One ring of the search near a point: the statement with the circle of r km. */
static enum db_rc
near_ring(struct db *db, struct arena *a, const void *ctx, double r, struct db_result *res)
{
	const struct technician_near *q = ctx;
	struct db_arg args[13];
	size_t n = 0;

	args[n++] = DB_DBL(q->lat);
	args[n++] = DB_DBL(q->lat);
	args[n++] = DB_DBL(q->lng);
	if (q->category != NULL)
		args[n++] = DB_STR(q->category);
	n += circle_args(q->lat, q->lng, r, args + n);
	args[n++] = DB_INT(q->limit);
	return db_exec(db, a, &store_technicians, q->category != NULL ? STMT_NEARBY_CATEGORY :
	    STMT_NEARBY, args, n, res);
}

/* Nearest first by expanding rings: page() runs its statement with a small circle first,
 * and its answer (rows from offset on, at most limit) is kept when it holds limit rows
 * and the farthest of them is nearer than the circle's edge (by more than the rounding
 * of distanceKm): everyone outside the circle is farther than all of them, so the answer
 * is the whole circle's. Else the circle grows (by the area the count found so far asks
 * for, at least twice) until it is the asked one of km, whose answer is taken as it is.
 * A dense place costs the index entries of a small box, a sparse one a few more short
 * reads. The first circle: 2 km among every trade; 4 km (four times the area) within
 * one, as one trade holds a quarter to a third of the technicians. Measured around Cairo
 * with 10,000 technicians (README, "The available search"). */
#define NEAR_FIRST_RING_KM 2.0
#define NEAR_FIRST_RING_TRADE_KM 4.0

typedef enum db_rc ring_page(struct db *, struct arena *, const void *ctx, double r,
    struct db_result *);

static enum db_rc
rings(struct db *db, struct arena *a, double first, double km, long long offset,
    long long limit, ring_page *page, const void *ctx, struct db_result *res)
{
	double r = first < km ? first : km, grow;
	enum db_rc rc;
	int col;

	for (;;) {
		if ((rc = page(db, a, ctx, r, res)) != DB_OK || r >= km)
			return rc;
		if (limit > 0 && (long long)res->nrows >= limit &&
		    (col = db_col(res, "distanceKm")) >= 0 &&
		    db_get(res, res->nrows - 1, (size_t)col) != NULL &&
		    strtod(db_get(res, res->nrows - 1, (size_t)col), NULL) < r - 0.001)
			return DB_OK;
		/* the found ones fill the area pi r^2: offset + limit of them would fill
		 * (offset + limit) / found times it */
		grow = res->nrows > 0 ? sqrt((double)(offset + limit) /
		    (double)(offset + (long long)res->nrows)) * 1.25 : 4.0;
		r *= grow < 2.0 ? 2.0 : grow;
		if (r > km)
			r = km;
	}
}

enum db_rc
db_technicians_nearby(struct db *db, struct arena *a, const struct technician_near *q,
    json_object **items, struct user_shown **shown)
{
	struct db_result res;
	enum db_rc rc;

	*items = NULL;
	if ((rc = rings(db, a, q->category != NULL ? NEAR_FIRST_RING_TRADE_KM :
	    NEAR_FIRST_RING_KM, q->km, 0, q->limit, near_ring, q, &res)) != DB_OK)
		return rc;
	rows_json(a, &res, res.nrows, items, shown);
	return DB_OK;
}

enum db_rc
db_technicians_view(struct db *db, struct arena *a, long long id, json_object **out,
    struct user_shown *shown)
{
	struct db_result res;
	enum db_rc rc;

	*out = NULL;
	if ((rc = RUN(db, a, STMT_VIEW, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*out = user_view_row(&res, 0, shown);
	return DB_OK;
}

enum db_rc
db_technicians_lock(struct db *db, struct arena *a, long long id, struct technician_values *out)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	if ((rc = RUN(db, a, STMT_LOCK, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	for (i = 0; i < TC__MAX; i++)
		out->v[i] = db_get(&res, 0, i);
	return DB_OK;
}

enum db_rc
db_technicians_update(struct db *db, struct arena *a, long long id,
    const struct technician_values *v)
{
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_UPDATE, NULL, DB_STR(v->v[TC_SPECIALIZATIONS]),
	    DB_STR(v->v[TC_EXPERIENCE]), DB_STR(v->v[TC_GOVERNORATES]), DB_STR(v->v[TC_CITY]),
	    DB_STR(v->v[TC_RADIUS]), DB_INT(id))) != DB_OK)
		return rc;
	return RUN(db, a, STMT_UPDATE_BIO, NULL, DB_STR(v->v[TC_BIO]), DB_INT(id));
}

enum db_rc
db_technicians_verify(struct db *db, struct arena *a, long long id, const char *state,
    const char *reason, long long by)
{
	return RUN(db, a, STMT_VERIFY, NULL, DB_STR(state), DB_STR(reason), DB_INT(by), DB_INT(id));
}

enum db_rc
db_technicians_set_specializations(struct db *db, struct arena *a, long long id,
    json_object *categories)
{
	enum db_rc rc;
	size_t i;

	if ((rc = RUN(db, a, STMT_SPEC_DELETE, NULL, DB_INT(id))) != DB_OK)
		return rc;
	for (i = 0; i < json_object_array_length(categories); i++)
		if ((rc = RUN(db, a, STMT_SPEC_INSERT, NULL, DB_STR(json_object_get_string(
		    json_object_array_get_idx(categories, i))), DB_INT(id))) != DB_OK)
			return rc;
	return DB_OK;
}

enum db_rc
db_technicians_set_status(struct db *db, struct arena *a, long long id, const char *status,
    int has_location, double lat, double lng)
{
	if (has_location)
		return RUN(db, a, STMT_STATUS_LOCATION, NULL, DB_STR(status), DB_DBL(lat), DB_DBL(lng),
		    DB_INT(id));
	return RUN(db, a, STMT_STATUS, NULL, DB_STR(status), DB_INT(id));
}

enum db_rc
db_technicians_list_by_rating(struct db *db, struct arena *a, const struct technician_rating_key *after,
    long long limit, struct technician_rating_page *out)
{
	struct db_result res;
	const char *at = after != NULL ? after->rating : "9.99";
	enum db_rc rc;
	int c_rating, c_id;

	memset(out, 0, sizeof(*out));
	if ((rc = RUN(db, a, STMT_LIST_RATING, &res, DB_STR(at), DB_STR(at),
	    DB_INT(after != NULL ? after->id : LLONG_MAX), DB_INT(limit + 1))) != DB_OK)
		return rc;
	if ((long long)res.nrows > limit && limit > 0 && (c_rating = db_col(&res, "rating")) >= 0 &&
	    (c_id = db_col(&res, "id")) >= 0 && db_get(&res, (size_t)limit - 1,
	    (size_t)c_rating) != NULL) {
		out->has_next = 1;
		snprintf(out->next.rating, sizeof(out->next.rating), "%s",
		    db_get(&res, (size_t)limit - 1, (size_t)c_rating));
		out->next.id = db_get_ll(&res, (size_t)limit - 1, (size_t)c_id, 0);
	}
	rows_json(a, &res, (size_t)limit, &out->items, &out->shown);
	return DB_OK;
}

/* The arguments of a search's variant up to its paging (or its cap), with the circle of
 * r km near a point: returns how many; *ts the variant. */
static size_t
search_args(const struct technician_search *q, double r, int *ts, int count,
    struct db_arg *args)
{
	size_t n = 0;

	*ts = (q->ft != NULL ? TS_TEXT : TS_RATING) + (q->near ? TS_NEAR : 0);
	if (q->near && !count) {
		args[n++] = DB_DBL(q->lat);
		args[n++] = DB_DBL(q->lat);
		args[n++] = DB_DBL(q->lng);
	}
	if (q->ft != NULL) {
		args[n++] = DB_STR(q->ft);
		if (*ts == TS_TEXT && !count)
			args[n++] = DB_STR(q->ft);
	}
	args[n++] = DB_DBL(q->min_rating);
	if (q->near)
		n += circle_args(q->lat, q->lng, r, args + n);
	return n;
}

/* Does every word of words start a word of text (both folded; text lower-cased)? */
static int
words_in(const char *const *words, int nw, const char *text)
{
	int i;

	for (i = 0; i < nw; i++) {
		const char *p = text;
		size_t len = strlen(words[i]);
		int found = 0;

		while (!found && (p = strstr(p, words[i])) != NULL) {
			found = p == text || p[-1] == ' ';
			p += len;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* ASCII lower-cased, as search_fold() lower-cases the stored text */
static const char *
lower(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s), *p;

	for (p = o; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return o;
}

/* How a search by an index runs (tw_plan()): the variant (TW_NAME, TW_SPEC or TW_REACH,
 * TW_*_NEAR added near a point), its driver (the name word's prefix, or the categories)
 * and the words checked on each row it reaches. */
struct tw_plan {
	int         tw;
	const char *name;
	const char *cats[TW_CATS];
	int         ncats;
	const char *checks[TW_CHECKS];
	int         nk;
};

/* The plan of a search by an index: DB_NOTFOUND when none serves it (FULLTEXT then).
 * The name drives when one of its words starts a technician's name word (the rarest
 * such); else the specialization, when it names 1 to TW_CATS categories (each of its
 * words starts a word of the category's key or names). Every word of the name but the
 * driving one, and the city's, is checked on the profile's folded text; the
 * specialization's words too when the name drives (when they drive, each row reached is
 * of a category whose text holds them, and the profile's text holds its categories'). */
static enum db_rc
tw_plan(struct db *db, struct arena *a, const struct technician_search *q,
    struct tw_plan *p, struct db_result *res)
{
	const char *name[TW_CHECKS + 1], *spec[TW_CHECKS + 1], *city[TW_CHECKS + 1];
	struct db_arg two[2];
	int nn = 0, ns = 0, nc = 0, i, drive = -1;
	long long span = -1;
	enum db_rc rc;

	memset(p, 0, sizeof(*p));
	if (q->name != NULL && (nn = user_lists_words(a, lower(a, q->name), name,
	    TW_CHECKS + 1)) < 0)
		return DB_NOTFOUND;
	if (q->specialization != NULL && (ns = user_lists_words(a, lower(a, q->specialization),
	    spec, TW_CHECKS + 1)) < 0)
		return DB_NOTFOUND;
	if (q->city != NULL && (nc = user_lists_words(a, lower(a, q->city), city,
	    TW_CHECKS + 1)) < 0)
		return DB_NOTFOUND;
	/* the name's rarest word among the technicians' names */
	for (i = 0; i < nn; i++) {
		long long k;

		two[0] = DB_STR(db_like_contains(a, name[i]) + 1);
		two[1] = DB_INT(TECHNICIANS_COUNT_CAP + 1);
		if ((rc = db_exec(db, a, &store_technicians, STMT_TW_SPAN, two, 2, res)) != DB_OK)
			return rc;
		k = db_get_ll(res, 0, 0, 0);
		if (k > 0 && (span < 0 || k < span)) {
			span = k;
			drive = i;
		}
	}
	if (drive < 0 && ns > 0) {
		size_t r;

		if ((rc = db_exec(db, a, &store_technicians, STMT_TW_CATEGORIES, DB_NOARGS,
		    res)) != DB_OK)
			return rc;
		for (r = 0; r < res->nrows; r++)
			if (db_get(res, r, 1) != NULL && words_in(spec, ns, db_get(res, r, 1))) {
				if (p->ncats == TW_CATS)
					return DB_NOTFOUND;
				p->cats[p->ncats++] = arena_strdup(a, db_get(res, r, 0));
			}
		if (p->ncats == 0)
			return DB_NOTFOUND;
		ns = 0;
	} else if (drive < 0) {
		return DB_NOTFOUND;
	}
	if (nn - (drive >= 0) + ns + nc > TW_CHECKS)
		return DB_NOTFOUND;
	for (i = 0; i < nn; i++)
		if (i != drive)
			p->checks[p->nk++] = name[i];
	for (i = 0; i < ns; i++)
		p->checks[p->nk++] = spec[i];
	for (i = 0; i < nc; i++)
		p->checks[p->nk++] = city[i];
	if (drive >= 0) {
		p->tw = TW_NAME;
		p->name = db_like_contains(a, name[drive]) + 1;
	} else {
		p->tw = p->ncats == 1 ? TW_REACH : TW_SPEC;
	}
	return DB_OK;
}

/* One page of a search by an index, with the circle of r km near a point. */
static enum db_rc
tw_page(struct db *db, struct arena *a, const struct technician_search *q,
    const struct tw_plan *p, double r, long long limit, long long offset,
    struct db_result *res)
{
	struct db_arg args[3 + TW_CATS + 1 + TW_CHECKS + 8 + 2];
	size_t n = 0;
	int i;

	if (q->near) {
		args[n++] = DB_DBL(q->lat);
		args[n++] = DB_DBL(q->lat);
		args[n++] = DB_DBL(q->lng);
	}
	if (p->tw == TW_NAME)
		args[n++] = DB_STR(p->name);
	else if (p->tw == TW_REACH)
		args[n++] = DB_STR(p->cats[0]);
	else
		for (i = 0; i < TW_CATS; i++)
			args[n++] = DB_STR(i < p->ncats ? p->cats[i] : "");
	args[n++] = DB_DBL(q->min_rating);
	/* "% word%": the word starts a word of the text */
	for (i = 0; i < TW_CHECKS; i++)
		args[n++] = DB_STR(i < p->nk ? arena_printf(a, "%% %s", db_like_contains(a,
		    p->checks[i]) + 1) : "%");
	if (q->near)
		n += circle_args(q->lat, q->lng, r, args + n);
	args[n++] = DB_INT(limit);
	args[n++] = DB_INT(offset);
	return db_exec(db, a, &store_technicians, STMT_TW + p->tw + (q->near ? 1 : 0), args, n,
	    res);
}

/* A page of the search: by an index when plan is set, else by the TS_* statement. */
struct search_run {
	const struct technician_search *q;
	const struct tw_plan           *plan;
	long long                       limit, offset;
};

static enum db_rc
search_page(struct db *db, struct arena *a, const void *ctx, double r, struct db_result *res)
{
	const struct search_run *s = ctx;
	struct db_arg args[16];
	int ts;
	size_t n;

	if (s->plan != NULL)
		return tw_page(db, a, s->q, s->plan, r, s->limit, s->offset, res);
	n = search_args(s->q, r, &ts, 0, args);
	args[n++] = DB_INT(s->limit);
	args[n++] = DB_INT(s->offset);
	return db_exec(db, a, &store_technicians, STMT_SEARCH + ts, args, n, res);
}

/* Near a point, the searches whose driver is the box (no text: ix_technicians_geo; one
 * category: ix_technician_reach_geo) run in expanding rings, as db_technicians_nearby();
 * the others read their driver's rows whatever the circle, so they run once. */
enum db_rc
db_technicians_search(struct db *db, struct arena *a, const struct technician_search *q,
    long long limit, long long offset, json_object **items, struct user_shown **shown)
{
	struct search_run s = { q, NULL, limit, offset };
	struct db_result res;
	struct tw_plan plan;
	enum db_rc rc;

	*items = NULL;
	if (q->ft != NULL) {
		if ((rc = tw_plan(db, a, q, &plan, &res)) == DB_OK)
			s.plan = &plan;
		else if (rc != DB_NOTFOUND)
			return rc;
	}
	if (q->near && (s.plan != NULL ? s.plan->tw == TW_REACH : q->ft == NULL))
		rc = rings(db, a, s.plan != NULL ? NEAR_FIRST_RING_TRADE_KM : NEAR_FIRST_RING_KM,
		    q->km, offset, limit, search_page, &s, &res);
	else
		rc = search_page(db, a, &s, q->km, &res);
	if (rc != DB_OK)
		return rc;
	rows_json(a, &res, res.nrows, items, shown);
	return DB_OK;
}

enum db_rc
db_technicians_search_count(struct db *db, struct arena *a, const struct technician_search *q,
    long long *total, int *capped)
{
	struct db_arg args[16];
	struct db_result res;
	int ts;
	size_t n = search_args(q, q->km, &ts, 1, args);
	enum db_rc rc;
	long long c;

	args[n++] = DB_INT(TECHNICIANS_COUNT_CAP + 1);
	if ((rc = db_exec(db, a, &store_technicians, STMT_SEARCH_COUNT + ts, args, n, &res)) != DB_OK)
		return rc;
	c = db_get_ll(&res, 0, 0, 0);
	*capped = c > TECHNICIANS_COUNT_CAP;
	*total = *capped ? TECHNICIANS_COUNT_CAP : c;
	return DB_OK;
}
