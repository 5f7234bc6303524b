#include "progress.h"

#include <limits.h>
#include <string.h>

#include "../core/http.h"

enum stmt {
	STMT_STAGES_LOCK,
	STMT_STAGE_INSERT,
	STMT_STAGE_UPDATE,
	STMT_OPEN_IMPACTS,
	STMT_BLOCKER_INSERT,
	STMT_BLOCKER_LOCK,
	STMT_BLOCKER_RESOLVE,
	STMT_CHECK_INSERT,
	STMT_CRITERION_INSERT,
	STMT_INTERACTION_INSERT,
	STMT_INTERACTION_LOCK,
	STMT_INTERACTION_ANSWER,
	STMT_MILESTONE_INSERT,
	STMT_MILESTONE_LOCK,
	STMT_MILESTONE_REACH,
	STMT_UPDATE_INSERT,
	/* the lists of GET /api/bookings/:id/progress: each one range of an index that
	 * starts with booking_id */
	STMT_STAGES,
	STMT_MILESTONES,
	STMT_BLOCKERS,
	STMT_CHECKS,
	STMT_CRITERIA,
	STMT_INTERACTIONS,
	STMT_HISTORY,
	STMT__MAX
};

#define STAGE_COLS "stage, position, status, percent, notes, estimated_minutes AS" \
	" estimatedDuration, TIMESTAMPDIFF(MINUTE, started_at, completed_at) AS actualDuration," \
	" started_at AS startedAt, completed_at AS completedAt, updated_by AS updatedBy," \
	" updated_at AS updatedAt, version FROM booking_progress_stages WHERE booking_id = ?" \
	" ORDER BY position"
#define STAGE_NCOLS 12

static const struct db_stmt stmts[STMT__MAX] = {
	[STMT_STAGES_LOCK] = { "SELECT " STAGE_COLS " FOR UPDATE", 1, STAGE_NCOLS, 0 },
	[STMT_STAGE_INSERT] = { "INSERT INTO booking_progress_stages (booking_id, stage, position)"
	    " VALUES (?, ?, ?)", 3, 0, 0 },
	/* started: the start time stays the first one; completed: now, else none */
	[STMT_STAGE_UPDATE] = { "UPDATE booking_progress_stages SET status = ?, percent = ?,"
	    " notes = ?, estimated_minutes = ?,"
	    " started_at = IF(?, COALESCE(started_at, CURRENT_TIMESTAMP(3)), started_at),"
	    " completed_at = IF(?, CURRENT_TIMESTAMP(3), NULL), updated_by = ?,"
	    " updated_at = CURRENT_TIMESTAMP(3), version = version + 1"
	    " WHERE booking_id = ? AND stage = ?", 9, 0, 0 },
	[STMT_OPEN_IMPACTS] = { "SELECT impact FROM booking_blockers WHERE booking_id = ?"
	    " AND resolved_at IS NULL FOR UPDATE", 1, 1, 0 },
	[STMT_BLOCKER_INSERT] = { "INSERT INTO booking_blockers (booking_id, type, description,"
	    " impact, reported_by) VALUES (?, ?, ?, ?, ?)", 5, 0, 0 },
	[STMT_BLOCKER_LOCK] = { "SELECT resolved_at IS NULL, type, impact FROM booking_blockers"
	    " WHERE id = ? AND booking_id = ? FOR UPDATE", 2, 3, 0 },
	[STMT_BLOCKER_RESOLVE] = { "UPDATE booking_blockers SET resolved_at = CURRENT_TIMESTAMP(3),"
	    " resolved_by = ?, resolution = ? WHERE id = ? AND booking_id = ?"
	    " AND resolved_at IS NULL", 4, 0, 0 },
	[STMT_CHECK_INSERT] = { "INSERT INTO booking_quality_checks (booking_id, check_type,"
	    " status, notes, checked_by) VALUES (?, ?, ?, ?, ?)", 5, 0, 0 },
	[STMT_CRITERION_INSERT] = { "INSERT INTO booking_quality_criteria (check_id, position,"
	    " booking_id, item, status, notes) VALUES (?, ?, ?, ?, ?, ?)", 6, 0, 0 },
	[STMT_INTERACTION_INSERT] = { "INSERT INTO booking_interactions (booking_id, type, content,"
	    " initiated_by, response, satisfaction, responded_at) VALUES (?, ?, ?, ?, ?, ?,"
	    " IF(? IS NULL, NULL, CURRENT_TIMESTAMP(3)))", 7, 0, 0 },
	[STMT_INTERACTION_LOCK] = { "SELECT type, initiated_by, responded_at IS NOT NULL"
	    " FROM booking_interactions WHERE id = ? AND booking_id = ? FOR UPDATE", 2, 3, 0 },
	[STMT_INTERACTION_ANSWER] = { "UPDATE booking_interactions SET response = ?, approved = ?,"
	    " satisfaction = ?, responded_by = ?, responded_at = CURRENT_TIMESTAMP(3)"
	    " WHERE id = ? AND booking_id = ? AND responded_at IS NULL", 6, 0, 0 },
	[STMT_MILESTONE_INSERT] = { "INSERT INTO booking_milestones (booking_id, name, description,"
	    " priority, target_at, created_by) VALUES (?, ?, ?, ?, ?, ?)", 6, 0, 0 },
	[STMT_MILESTONE_LOCK] = { "SELECT completed_at IS NOT NULL FROM booking_milestones"
	    " WHERE id = ? AND booking_id = ? FOR UPDATE", 2, 1, 0 },
	[STMT_MILESTONE_REACH] = { "UPDATE booking_milestones SET completed_at = CURRENT_TIMESTAMP(3)"
	    " WHERE id = ? AND booking_id = ? AND completed_at IS NULL", 2, 0, 0 },
	[STMT_UPDATE_INSERT] = { "INSERT INTO booking_progress_updates (booking_id, kind, action,"
	    " stage, item_id, from_status, to_status, percent, actor_id, actor_role, note)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 11, 0, 0 },

	[STMT_STAGES] = { DB_LIST_LIMIT "SELECT " STAGE_COLS, 1, STAGE_NCOLS, DBS_LIST },
	[STMT_MILESTONES] = { DB_LIST_LIMIT "SELECT id, name, description, priority,"
	    " target_at AS targetDate, completed_at AS completedDate,"
	    " completed_at IS NOT NULL AS `isCompleted:bool`, created_by AS createdBy,"
	    " created_at AS createdAt FROM booking_milestones WHERE booking_id = ?"
	    " ORDER BY id DESC LIMIT ?", 2, 9, DBS_LIST },
	[STMT_BLOCKERS] = { DB_LIST_LIMIT "SELECT id, type, description, impact,"
	    " reported_by AS reportedBy, reported_at AS reportedAt,"
	    " resolved_at IS NOT NULL AS `isResolved:bool`, resolved_by AS resolvedBy,"
	    " resolved_at AS resolvedAt, resolution FROM booking_blockers WHERE booking_id = ?"
	    " ORDER BY id DESC LIMIT ?", 2, 10, DBS_LIST },
	[STMT_CHECKS] = { DB_LIST_LIMIT "SELECT id, check_type AS checkType, status,"
	    " status = 'passed' AS `passed:bool`, notes, checked_by AS checkedBy,"
	    " checked_at AS checkedAt FROM booking_quality_checks WHERE booking_id = ?"
	    " ORDER BY id DESC LIMIT ?", 2, 7, DBS_LIST },
	/* the criteria of the checks shown: from the oldest of them on */
	[STMT_CRITERIA] = { DB_LIST_LIMIT "SELECT check_id, item, status, notes"
	    " FROM booking_quality_criteria WHERE booking_id = ? AND check_id >= ?"
	    " ORDER BY check_id, position", 2, 4, DBS_LIST },
	[STMT_INTERACTIONS] = { DB_LIST_LIMIT "SELECT id, type, content,"
	    " initiated_by AS initiatedBy, created_at AS timestamp, response,"
	    " approved AS `approved:bool`, satisfaction, responded_by AS respondedBy,"
	    " responded_at AS respondedAt,"
	    " TIMESTAMPDIFF(MINUTE, created_at, responded_at) AS responseTime"
	    " FROM booking_interactions WHERE booking_id = ? ORDER BY id DESC LIMIT ?", 2, 11,
	    DBS_LIST },
	[STMT_HISTORY] = { DB_LIST_LIMIT "SELECT id, kind, action, stage, item_id AS itemId,"
	    " from_status AS `from`, to_status AS `to`, percent, actor_id AS actorId,"
	    " actor_role AS actorRole, note, created_at AS timestamp"
	    " FROM booking_progress_updates WHERE booking_id = ? ORDER BY id DESC LIMIT ?", 2, 12,
	    DBS_LIST },
};

/* --explain-lists: a booking's lists at their widest */
static const struct db_arg s_booking[] = { DB_SAMPLE_INT(1) };
static const struct db_arg s_booking_limit[] = { DB_SAMPLE_INT(1),
	DB_SAMPLE_INT(PROGRESS_LIST_MAX) };
static const struct db_arg s_criteria[] = { DB_SAMPLE_INT(1), DB_SAMPLE_INT(0) };

static const struct db_sample samples[STMT__MAX] = {
	[STMT_STAGES] = DB_SAMPLE(s_booking),
	[STMT_MILESTONES] = DB_SAMPLE(s_booking_limit),
	[STMT_BLOCKERS] = DB_SAMPLE(s_booking_limit),
	[STMT_CHECKS] = DB_SAMPLE(s_booking_limit),
	[STMT_CRITERIA] = DB_SAMPLE(s_criteria),
	[STMT_INTERACTIONS] = DB_SAMPLE(s_booking_limit),
	[STMT_HISTORY] = DB_SAMPLE(s_booking_limit),
};

struct db_family store_progress = DB_FAMILY_SAMPLES("progress", stmts, samples);

#define RUN(db, a, s, res, ...) db_exec(db, a, &store_progress, s, DB_ARGS(__VA_ARGS__), res)

static struct db_arg
opt_int(long long v, long long none)
{
	return v == none ? DB_NULL : DB_INT(v);
}

enum db_rc
db_progress_stages(struct db *db, struct arena *a, long long booking_id,
    struct progress_stage *out, size_t max, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*n = 0;
	if ((rc = RUN(db, a, STMT_STAGES_LOCK, &res, DB_INT(booking_id))) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows && i < max; i++) {
		out[i].stage = db_get(&res, i, 0);
		out[i].position = (int)db_get_ll(&res, i, 1, 0);
		out[i].status = db_get(&res, i, 2);
		out[i].percent = (int)db_get_ll(&res, i, 3, 0);
		out[i].notes = db_get(&res, i, 4);
		out[i].estimated = db_get_ll(&res, i, 5, -1);
		out[i].started_at = db_get(&res, i, 7);
		out[i].version = db_get_ll(&res, i, 11, 0);
	}
	*n = i;
	return DB_OK;
}

enum db_rc
db_progress_stage_insert(struct db *db, struct arena *a, long long booking_id,
    const char *stage, int position)
{
	return RUN(db, a, STMT_STAGE_INSERT, NULL, DB_INT(booking_id), DB_STR(stage),
	    DB_INT(position));
}

enum db_rc
db_progress_stage_update(struct db *db, struct arena *a, long long booking_id,
    const char *stage, const struct progress_stage_set *s)
{
	return RUN(db, a, STMT_STAGE_UPDATE, NULL, DB_STR(s->status), DB_INT(s->percent),
	    DB_STR(s->notes), opt_int(s->estimated, -1), DB_INT(s->started != 0),
	    DB_INT(s->completed != 0), opt_int(s->actor_id, 0), DB_INT(booking_id),
	    DB_STR(stage));
}

enum db_rc
db_progress_open_impacts(struct db *db, struct arena *a, long long booking_id,
    const char ***impacts, size_t *n)
{
	struct db_result res;
	enum db_rc rc;
	size_t i;

	*impacts = NULL;
	*n = 0;
	if ((rc = RUN(db, a, STMT_OPEN_IMPACTS, &res, DB_INT(booking_id))) != DB_OK)
		return rc;
	*impacts = arena_alloc(a, (res.nrows + 1) * sizeof(**impacts));
	for (i = 0; i < res.nrows; i++)
		(*impacts)[i] = db_get(&res, i, 0);
	*n = res.nrows;
	return DB_OK;
}

enum db_rc
db_progress_blocker_insert(struct db *db, struct arena *a, long long booking_id,
    const char *type, const char *description, const char *impact, long long actor_id,
    long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_BLOCKER_INSERT, &res, DB_INT(booking_id), DB_STR(type),
	    DB_STR(description), DB_STR(impact), opt_int(actor_id, 0))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_progress_blocker_lock(struct db *db, struct arena *a, long long booking_id, long long id,
    int *open, const char **type, const char **impact)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_BLOCKER_LOCK, &res, DB_INT(id), DB_INT(booking_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*open = db_get_ll(&res, 0, 0, 0) != 0;
	*type = db_get(&res, 0, 1);
	*impact = db_get(&res, 0, 2);
	return DB_OK;
}

enum db_rc
db_progress_blocker_resolve(struct db *db, struct arena *a, long long booking_id, long long id,
    const char *resolution, long long actor_id)
{
	return RUN(db, a, STMT_BLOCKER_RESOLVE, NULL, opt_int(actor_id, 0), DB_STR(resolution),
	    DB_INT(id), DB_INT(booking_id));
}

enum db_rc
db_progress_check_insert(struct db *db, struct arena *a, long long booking_id,
    const char *check_type, const char *status, const char *notes, long long actor_id,
    long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_CHECK_INSERT, &res, DB_INT(booking_id), DB_STR(check_type),
	    DB_STR(status), DB_STR(notes), opt_int(actor_id, 0))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_progress_criterion_insert(struct db *db, struct arena *a, long long booking_id,
    long long check_id, int position, const char *item, const char *status, const char *notes)
{
	return RUN(db, a, STMT_CRITERION_INSERT, NULL, DB_INT(check_id), DB_INT(position),
	    DB_INT(booking_id), DB_STR(item), DB_STR(status), DB_STR(notes));
}

enum db_rc
db_progress_interaction_insert(struct db *db, struct arena *a, long long booking_id,
    const struct progress_interaction_new *in, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INTERACTION_INSERT, &res, DB_INT(booking_id), DB_STR(in->type),
	    DB_STR(in->content), opt_int(in->actor_id, 0), DB_STR(in->response),
	    opt_int(in->satisfaction, 0), DB_STR(in->response))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_progress_interaction_lock(struct db *db, struct arena *a, long long booking_id,
    long long id, const char **type, long long *initiated_by, int *answered)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_INTERACTION_LOCK, &res, DB_INT(id), DB_INT(booking_id))) !=
	    DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*type = db_get(&res, 0, 0);
	*initiated_by = db_get_ll(&res, 0, 1, 0);
	*answered = db_get_ll(&res, 0, 2, 0) != 0;
	return DB_OK;
}

enum db_rc
db_progress_interaction_answer(struct db *db, struct arena *a, long long booking_id,
    long long id, const char *response, int approved, int satisfaction, long long responder)
{
	return RUN(db, a, STMT_INTERACTION_ANSWER, NULL, DB_STR(response),
	    opt_int(approved, -1), opt_int(satisfaction, 0), opt_int(responder, 0), DB_INT(id),
	    DB_INT(booking_id));
}

enum db_rc
db_progress_milestone_insert(struct db *db, struct arena *a, long long booking_id,
    const char *name, const char *description, const char *priority, const char *target_at,
    long long actor_id, long long *id)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_MILESTONE_INSERT, &res, DB_INT(booking_id), DB_STR(name),
	    DB_STR(description), DB_STR(priority), DB_STR(target_at), opt_int(actor_id, 0))) !=
	    DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	return DB_OK;
}

enum db_rc
db_progress_milestone_lock(struct db *db, struct arena *a, long long booking_id, long long id,
    int *reached)
{
	struct db_result res;
	enum db_rc rc;

	if ((rc = RUN(db, a, STMT_MILESTONE_LOCK, &res, DB_INT(id), DB_INT(booking_id))) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_NOTFOUND;
	*reached = db_get_ll(&res, 0, 0, 0) != 0;
	return DB_OK;
}

enum db_rc
db_progress_milestone_reach(struct db *db, struct arena *a, long long booking_id, long long id)
{
	return RUN(db, a, STMT_MILESTONE_REACH, NULL, DB_INT(id), DB_INT(booking_id));
}

enum db_rc
db_progress_update_insert(struct db *db, struct arena *a, long long booking_id,
    const struct progress_update *u)
{
	return RUN(db, a, STMT_UPDATE_INSERT, NULL, DB_INT(booking_id), DB_STR(u->kind),
	    DB_STR(u->action), DB_STR(u->stage), opt_int(u->item_id, 0), DB_STR(u->from_status),
	    DB_STR(u->to_status), opt_int(u->percent, -1), opt_int(u->actor_id, 0),
	    DB_STR(u->actor_id > 0 ? u->actor_role : NULL), DB_STR(u->note));
}

void
progress_lists_put(struct progress_lists *l)
{
	json_object_put(l->stages);
	json_object_put(l->milestones);
	json_object_put(l->blockers);
	json_object_put(l->checks);
	json_object_put(l->interactions);
	json_object_put(l->history);
	memset(l, 0, sizeof(*l));
}

static enum db_rc
list(struct db *db, struct arena *a, enum stmt s, long long booking_id, long long limit,
    json_object **out)
{
	struct db_result res;
	enum db_rc rc;

	rc = s == STMT_STAGES ? RUN(db, a, s, &res, DB_INT(booking_id)) :
	    RUN(db, a, s, &res, DB_INT(booking_id), DB_INT(limit));
	if (rc != DB_OK)
		return rc;
	*out = db_rows_json(&res);
	return DB_OK;
}

/* Each check shown gets its criteria, in their order, from one range read. */
static enum db_rc
attach_criteria(struct db *db, struct arena *a, long long booking_id, json_object *checks)
{
	struct db_result res;
	size_t n = json_object_array_length(checks), i, c = 0;
	long long oldest = LLONG_MAX;
	enum db_rc rc;

	for (i = 0; i < n; i++) {
		json_object *k = json_object_array_get_idx(checks, i), *id;

		json_object_object_add(k, "criteria", json_object_new_array());
		if (json_object_object_get_ex(k, "id", &id) && json_object_get_int64(id) < oldest)
			oldest = json_object_get_int64(id);
	}
	if (n == 0)
		return DB_OK;
	if ((rc = RUN(db, a, STMT_CRITERIA, &res, DB_INT(booking_id), DB_INT(oldest))) != DB_OK)
		return rc;
	/* the checks are newest first, the criteria oldest first: walk both */
	for (i = n; i-- > 0;) {
		json_object *k = json_object_array_get_idx(checks, i), *id, *list;
		long long kid;

		json_object_object_get_ex(k, "id", &id);
		json_object_object_get_ex(k, "criteria", &list);
		kid = json_object_get_int64(id);
		for (; c < res.nrows && db_get_ll(&res, c, 0, 0) <= kid; c++) {
			json_object *it;

			if (db_get_ll(&res, c, 0, 0) != kid)
				continue;
			it = json_object_new_object();
			json_object_object_add(it, "item", json_new_str(db_get(&res, c, 1)));
			json_object_object_add(it, "status", json_new_str(db_get(&res, c, 2)));
			json_object_object_add(it, "notes", json_new_str(db_get(&res, c, 3)));
			json_object_array_add(list, it);
		}
	}
	return DB_OK;
}

enum db_rc
db_progress_lists(struct db *db, struct arena *a, long long booking_id,
    struct progress_lists *out)
{
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = list(db, a, STMT_STAGES, booking_id, 0, &out->stages)) != DB_OK ||
	    (rc = list(db, a, STMT_MILESTONES, booking_id, PROGRESS_LIST_MAX,
	    &out->milestones)) != DB_OK ||
	    (rc = list(db, a, STMT_BLOCKERS, booking_id, PROGRESS_LIST_MAX, &out->blockers)) !=
	    DB_OK ||
	    (rc = list(db, a, STMT_CHECKS, booking_id, PROGRESS_LIST_MAX, &out->checks)) !=
	    DB_OK ||
	    (rc = attach_criteria(db, a, booking_id, out->checks)) != DB_OK ||
	    (rc = list(db, a, STMT_INTERACTIONS, booking_id, PROGRESS_LIST_MAX,
	    &out->interactions)) != DB_OK ||
	    (rc = list(db, a, STMT_HISTORY, booking_id, PROGRESS_HISTORY_MAX, &out->history)) !=
	    DB_OK) {
		progress_lists_put(out);
		return rc;
	}
	return DB_OK;
}
