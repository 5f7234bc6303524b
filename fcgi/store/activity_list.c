/* The activity log's list (activity_list.h). Each filter has its own index that ends
 * in id (sql/migrations/0018_dashboard.sql), so every variant is one range read
 * backwards: the filter's equality, then an id range. A range of days becomes an id
 * range first (two reads of ix_activity_created): ids grow with time. */
#include "activity_list.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum variant { V_NONE, V_ACTION, V_ACTOR, V_TARGET, V__MAX };

enum stmt {
	STMT_KEY,                          /* + variant: the id at an offset */
	STMT_LIST = STMT_KEY + V__MAX,     /* + variant: the rows from an id down */
	STMT_COUNT = STMT_LIST + V__MAX,   /* + variant: capped count */
	STMT_FIRST_ID = STMT_COUNT + V__MAX,
	STMT_LAST_ID,
	STMT__MAX
};

/* each variant: its index, then its filter */
#define W_NONE   "FORCE INDEX (PRIMARY)", ""
#define W_ACTION "FORCE INDEX (ix_activity_action)", " l.action = ? AND"
#define W_ACTOR  "FORCE INDEX (ix_activity_actor_id)", " l.actor_id = ? AND"
#define W_TARGET "FORCE INDEX (ix_activity_target_id)", \
	" l.target_type = ? AND l.target_id = ? AND"
#define RANGE " l.id BETWEEN ? AND ?"

#define KEY_SQL(w) KEY_SQL_(w)
#define KEY_SQL_(hint, cond) DB_LIST_LIMIT "SELECT l.id FROM activity_log l " hint \
	" WHERE" cond RANGE " ORDER BY l.id DESC LIMIT 1 OFFSET ?"
#define LIST_SQL(w) LIST_SQL_(w)
#define LIST_SQL_(hint, cond) DB_LIST_LIMIT "SELECT l.id, l.actor_id AS actorId," \
	" l.actor_role AS actorRole, u.first_name AS `actor.firstName`," \
	" u.last_name AS `actor.lastName`, u.email AS `actor.email`, l.action," \
	" l.target_type AS targetType, l.target_id AS targetId, l.details AS `details:json`," \
	" l.ip, l.created_at AS createdAt FROM activity_log l " hint " LEFT JOIN users u" \
	" ON u.id = l.actor_id WHERE" cond RANGE " ORDER BY l.id DESC LIMIT ?"
#define COUNT_SQL(w) COUNT_SQL_(w)
#define COUNT_SQL_(hint, cond) DB_LIST_LIMIT "SELECT COUNT(*) FROM (SELECT 1 FROM" \
	" activity_log l " hint " WHERE" cond RANGE " LIMIT 10001) t"
#define NCOLS 12

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_KEY + V_NONE] = { KEY_SQL(W_NONE), 3, 1, DBS_LIST },
	[STMT_KEY + V_ACTION] = { KEY_SQL(W_ACTION), 4, 1, DBS_LIST },
	[STMT_KEY + V_ACTOR] = { KEY_SQL(W_ACTOR), 4, 1, DBS_LIST },
	[STMT_KEY + V_TARGET] = { KEY_SQL(W_TARGET), 5, 1, DBS_LIST },
	[STMT_LIST + V_NONE] = { LIST_SQL(W_NONE), 3, NCOLS, DBS_LIST },
	[STMT_LIST + V_ACTION] = { LIST_SQL(W_ACTION), 4, NCOLS, DBS_LIST },
	[STMT_LIST + V_ACTOR] = { LIST_SQL(W_ACTOR), 4, NCOLS, DBS_LIST },
	[STMT_LIST + V_TARGET] = { LIST_SQL(W_TARGET), 5, NCOLS, DBS_LIST },
	[STMT_COUNT + V_NONE] = { COUNT_SQL(W_NONE), 2, 1, DBS_LIST },
	[STMT_COUNT + V_ACTION] = { COUNT_SQL(W_ACTION), 3, 1, DBS_LIST },
	[STMT_COUNT + V_ACTOR] = { COUNT_SQL(W_ACTOR), 3, 1, DBS_LIST },
	[STMT_COUNT + V_TARGET] = { COUNT_SQL(W_TARGET), 4, 1, DBS_LIST },
	[STMT_FIRST_ID] = { "SELECT id FROM activity_log FORCE INDEX (ix_activity_created)"
	    " WHERE created_at >= ? ORDER BY created_at, id LIMIT 1", 1, 1, 0 },
	[STMT_LAST_ID] = { "SELECT id FROM activity_log FORCE INDEX (ix_activity_created)"
	    " WHERE created_at < ? ORDER BY created_at DESC, id DESC LIMIT 1", 1, 1, 0 },
};

static const struct db_arg s_key_0[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(1LL << 60),
	DB_SAMPLE_INT(100) };
static const struct db_arg s_key_a[] = { DB_SAMPLE_STR("user.ban"), DB_SAMPLE_INT(1),
	DB_SAMPLE_INT(1LL << 60), DB_SAMPLE_INT(100) };
static const struct db_arg s_key_u[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(1),
	DB_SAMPLE_INT(1LL << 60), DB_SAMPLE_INT(100) };
static const struct db_arg s_key_t[] = { DB_SAMPLE_STR("user"), DB_SAMPLE_STR("1"),
	DB_SAMPLE_INT(1), DB_SAMPLE_INT(1LL << 60), DB_SAMPLE_INT(100) };
static const struct db_arg s_count_0[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(1LL << 60) };
static const struct db_arg s_count_a[] = { DB_SAMPLE_STR("user.ban"), DB_SAMPLE_INT(1),
	DB_SAMPLE_INT(1LL << 60) };
static const struct db_arg s_count_u[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(1),
	DB_SAMPLE_INT(1LL << 60) };
static const struct db_arg s_count_t[] = { DB_SAMPLE_STR("user"), DB_SAMPLE_STR("1"),
	DB_SAMPLE_INT(1), DB_SAMPLE_INT(1LL << 60) };

/* the list statements take the same arguments as the key ones (the limit last) */
static const struct db_sample samples[STMT__MAX] = {
	[STMT_KEY + V_NONE] = DB_SAMPLE(s_key_0),
	[STMT_KEY + V_ACTION] = DB_SAMPLE(s_key_a),
	[STMT_KEY + V_ACTOR] = DB_SAMPLE(s_key_u),
	[STMT_KEY + V_TARGET] = DB_SAMPLE(s_key_t),
	[STMT_LIST + V_NONE] = DB_SAMPLE(s_key_0),
	[STMT_LIST + V_ACTION] = DB_SAMPLE(s_key_a),
	[STMT_LIST + V_ACTOR] = DB_SAMPLE(s_key_u),
	[STMT_LIST + V_TARGET] = DB_SAMPLE(s_key_t),
	[STMT_COUNT + V_NONE] = DB_SAMPLE(s_count_0),
	[STMT_COUNT + V_ACTION] = DB_SAMPLE(s_count_a),
	[STMT_COUNT + V_ACTOR] = DB_SAMPLE(s_count_u),
	[STMT_COUNT + V_TARGET] = DB_SAMPLE(s_count_t),
};

struct db_family store_activity_list = DB_FAMILY_SAMPLES("activity_list", stmts, samples);

#define ID_MAX (1LL << 62)

/* The id bound of a day: the first id at or after its start (STMT_FIRST_ID), or the
 * last one before the start of the next day (STMT_LAST_ID); none: -1. */
static enum db_rc
day_bound(struct db *db, struct arena *a, unsigned stmt, const char *day, long long *id)
{
	struct db_result res;
	struct tm tm;
	time_t t;
	char at[32];
	enum db_rc rc;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return DB_ERR;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (stmt == STMT_LAST_ID)
		tm.tm_mday += 1;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d 00:00:00", &tm);
	if ((rc = db_exec(db, a, &store_activity_list, stmt, DB_ARGS(DB_STR(at)), &res)) != DB_OK)
		return rc;
	*id = res.nrows > 0 ? db_get_ll(&res, 0, 0, 0) : -1;
	return DB_OK;
}

enum db_rc
db_activity_list(struct db *db, struct arena *a, const struct activity_query *q,
    json_object **items, long long *total, int *capped, long long *next_id)
{
	struct db_arg args[6];
	struct db_result res;
	enum variant v = V_NONE;
	long long lo = 1, hi = ID_MAX, id;
	size_t n = 0, nf;
	enum db_rc rc;

	*items = NULL;
	*total = 0;
	*capped = 0;
	*next_id = 0;
	if (q->action != NULL) {
		v = V_ACTION;
		args[n++] = DB_STR(q->action);
	} else if (q->actor_id > 0) {
		v = V_ACTOR;
		args[n++] = DB_INT(q->actor_id);
	} else if (q->target_type != NULL) {
		v = V_TARGET;
		args[n++] = DB_STR(q->target_type);
		args[n++] = DB_STR(q->target_id);
	}
	nf = n;
	if (q->from != NULL) {
		if ((rc = day_bound(db, a, STMT_FIRST_ID, q->from, &id)) != DB_OK)
			return rc;
		lo = id < 0 ? ID_MAX : id;
	}
	if (q->to != NULL) {
		if ((rc = day_bound(db, a, STMT_LAST_ID, q->to, &id)) != DB_OK)
			return rc;
		hi = id < 0 ? 0 : id;
	}
	args[n++] = DB_INT(lo);
	args[n++] = DB_INT(hi);
	/* the total of the filter and range, counted up to the window and one */
	if ((rc = db_exec(db, a, &store_activity_list, STMT_COUNT + v, args, n, &res)) != DB_OK)
		return rc;
	*total = res.nrows > 0 ? db_get_ll(&res, 0, 0, 0) : 0;
	*capped = *total > ACTIVITY_WINDOW;
	if (q->before_id > 0 && q->before_id - 1 < hi)
		args[nf + 1] = DB_INT(q->before_id - 1);
	else if (q->offset > 0) {
		args[n] = DB_INT(q->offset);
		if ((rc = db_exec(db, a, &store_activity_list, STMT_KEY + v, args, n + 1, &res)) !=
		    DB_OK)
			return rc;
		if (res.nrows == 0) {
			*items = json_object_new_array();
			return DB_OK;
		}
		args[nf + 1] = DB_INT(db_get_ll(&res, 0, 0, 0));
	}
	args[n] = DB_INT(q->limit + 1);
	if ((rc = db_exec(db, a, &store_activity_list, STMT_LIST + v, args, n + 1, &res)) != DB_OK)
		return rc;
	if (res.nrows > (size_t)q->limit) {
		*next_id = db_get_ll(&res, (size_t)q->limit - 1, 0, 0);
		res.nrows = (size_t)q->limit;
	}
	*items = db_rows_json(&res);
	return DB_OK;
}
