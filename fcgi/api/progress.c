/* /api/bookings/:id/progress: seed 000's "Service Progress Tracking" of a booking: the
 * four work stages the technician reports, blockers, quality checks with their
 * criteria, interactions with the customer and milestones. The rules are
 * fcgi/domain/progress.c; the tables sql/migrations/0013_booking_progress.sql.
 *
 * Seed 000 gives the model and no endpoints: the paths are Warsha's, under
 * /api/bookings/:id/progress/ (docs/bookings.md, "Progress"). Every write is one unit
 * of work: the booking's row locked, its status asked whether it takes the write, the
 * change, a row of the progress's history, a realtime_events row booking:progress-update
 * for the booking's room, the customer told in-app (the technician, of the customer's
 * answer) and, for staff, an activity log row. Readers are those of the booking itself
 * (its customer or guest token, its assigned technician, staff); anyone else gets 404,
 * as for the booking. Writers are the assigned technician and staff; the customer only
 * answers what waits for their answer. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/cairo_time.h"
#include "../core/router.h"
#include "../domain/booking.h"
#include "../domain/progress.h"
#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/notifications.h"
#include "../store/progress.h"
#include "../store/events.h"
#include "api.h"

#define EVENT "booking:progress-update"
/* the most criteria a quality check holds */
#define CRITERIA_MAX 50

static const char *const stage_status_words[] = { "pending", "in_progress", "completed",
	"skipped", "failed", NULL };
static const char *const blocker_types[] = { "parts_unavailable", "weather",
	"customer_unavailable", "technical_issue", "approval_pending", "other", NULL };
static const char *const impact_words[] = { "low", "medium", "high", "critical", NULL };
static const char *const check_types[] = { "initial_diagnosis", "pre_work", "during_work",
	"final_inspection", "customer_approval", NULL };
static const char *const check_words[] = { "passed", "failed", "needs_attention", NULL };
static const char *const interaction_types[] = { "call", "sms", "in_person",
	"app_notification", "message", "approval_request", NULL };

/* --- the unit of work every write shares --- */

/* Who may make a write: the assigned technician and staff, or the customer. */
enum writer { BY_WORKER, BY_CUSTOMER };

struct pg_tx {
	long long             id;          /* the booking */
	struct booking_row    b;
	enum bk_status        status;
	unsigned              who;
	struct progress_stage rows[PG_NSTAGES];
	size_t                nrows;       /* 0: the stages were never written */
	struct pg_stage_state st[PG_NSTAGES];
	long long             created;     /* out: the new blocker, check, ... */
};

/* The stages as the rules see them: from their rows, or all pending. */
static void
stage_states(struct pg_tx *t)
{
	size_t i;

	for (i = 0; i < PG_NSTAGES; i++) {
		t->st[i].status = PGS_PENDING;
		t->st[i].percent = 0;
	}
	for (i = 0; i < t->nrows; i++) {
		enum pg_stage s = pg_stage_parse(t->rows[i].stage);

		if (s == PG_STAGE_NONE)
			continue;
		t->st[s - 1].status = pg_stage_status_parse(t->rows[i].status);
		t->st[s - 1].percent = t->rows[i].percent;
		if (t->st[s - 1].status == PGS_NONE)
			t->st[s - 1].status = PGS_PENDING;
	}
}

/* The booking locked, the caller's part in it and whether its status takes write w;
 * then the stages, locked too. */
static enum err
begin(struct req *r, struct pg_tx *t, enum writer by, enum pg_write w)
{
	enum db_rc rc;

	t->created = 0;
	if ((rc = db_bookings_get(r->db, r->a, t->id, 1, &t->b)) != DB_OK)
		return fail_db(r, rc);
	if ((t->who = bookings_party(r, &t->b)) == 0)
		return fail(r, ERR_NOT_FOUND);
	if (by == BY_WORKER ? !(t->who & (BK_TECHNICIAN | BK_STAFF)) : t->who != BK_CUSTOMER)
		return fail_msg(r, ERR_FORBIDDEN, MSG_PROGRESS_NOT_YOURS);
	t->status = bk_status_parse(t->b.status, BK_NAMES_CORE);
	if (!pg_writable(t->status, w))
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_CLOSED);
	if ((rc = db_progress_stages(r->db, r->a, t->id, t->rows, PG_NSTAGES, &t->nrows)) !=
	    DB_OK)
		return fail_db(r, rc);
	stage_states(t);
	return ERR_OK;
}

/* The realtime event of a write, for the booking's room: what changed and where the
 * work stands after it. */
static enum err
announce(struct req *r, struct pg_tx *t, const char *kind, const char *action,
    const char *stage, const char *stage_status, long long item_id)
{
	json_object *ev = json_owned(r->a, json_object_new_object());
	enum db_rc rc;

	json_object_object_add(ev, "bookingId", json_object_new_int64(t->id));
	json_object_object_add(ev, "type", json_object_new_string(kind));
	json_object_object_add(ev, "action", json_object_new_string(action));
	if (stage != NULL)
		json_object_object_add(ev, "stage", json_object_new_string(stage));
	if (stage_status != NULL)
		json_object_object_add(ev, "stageStatus", json_object_new_string(stage_status));
	if (item_id > 0)
		json_object_object_add(ev, "itemId", json_object_new_int64(item_id));
	json_object_object_add(ev, "currentStage", json_object_new_string(
	    pg_current_stage(t->status, t->st, PG_NSTAGES)));
	json_object_object_add(ev, "overallProgress", json_object_new_int(
	    pg_overall_percent(t->st, PG_NSTAGES, t->status)));
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", t->id),
	    EVENT, ev)) != DB_OK)
		return fail_db(r, rc);
	if (t->who == BK_STAFF && (rc = db_activity_record(r->db, r->a, req_actor(r),
	    arena_printf(r->a, "booking.progress.%s.%s", kind, action), "booking", t->id,
	    ev)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* One row of the progress's history. */
static enum err
record(struct req *r, struct pg_tx *t, struct progress_update *u)
{
	enum db_rc rc;

	u->actor_id = r->user.id;
	u->actor_role = req_actor(r)->role;
	if ((rc = db_progress_update_insert(r->db, r->a, t->id, u)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

/* An in-app notification (and a push where the user allows it) to user_id, never to
 * the caller; a guest's booking has nobody to tell. */
static enum err
tell(struct req *r, struct pg_tx *t, long long user_id, enum msg body, const char *kind,
    const char *action, const char *stage, long long item_id)
{
	json_object *data;
	struct notify_result res;
	enum db_rc rc;

	if (user_id <= 0 || user_id == r->user.id || body == MSG_NONE)
		return ERR_OK;
	data = json_owned(r->a, json_object_new_object());
	json_object_object_add(data, "bookingId", json_object_new_int64(t->id));
	json_object_object_add(data, "progress", json_object_new_string(kind));
	json_object_object_add(data, "action", json_object_new_string(action));
	if (stage != NULL)
		json_object_object_add(data, "stage", json_object_new_string(stage));
	if (item_id > 0)
		json_object_object_add(data, "itemId", json_object_new_int64(item_id));
	rc = notify_msg(r->db, r->a, user_id, "booking_status", MSG_NOTIFY_PROGRESS_TITLE, body,
	    data, NOTIFY_PUSH, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}

/* --- the progress as the API shows it --- */

static json_object *
member(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static json_object *
pending_stage(enum pg_stage s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "stage", json_object_new_string(pg_stage_name(s)));
	json_object_object_add(o, "position", json_object_new_int(s));
	json_object_object_add(o, "status", json_object_new_string("pending"));
	json_object_object_add(o, "percent", json_object_new_int(0));
	json_object_object_add(o, "notes", NULL);
	json_object_object_add(o, "estimatedDuration", NULL);
	json_object_object_add(o, "actualDuration", NULL);
	json_object_object_add(o, "startedAt", NULL);
	json_object_object_add(o, "completedAt", NULL);
	json_object_object_add(o, "updatedBy", NULL);
	json_object_object_add(o, "updatedAt", NULL);
	json_object_object_add(o, "version", json_object_new_int(0));
	return o;
}

static enum err
reply_progress(struct req *r, int status, enum msg msg, long long id, long long created)
{
	struct booking_row b;
	struct progress_lists l;
	struct pg_stage_state st[PG_NSTAGES];
	json_object *out, *meta, *last = NULL;
	enum bk_status bs;
	size_t i, n;
	int completed = 0, skipped = 0, open = 0;
	enum db_rc rc;

	if ((rc = db_bookings_get(r->db, r->a, id, 0, &b)) != DB_OK)
		return fail_db(r, rc);
	if ((rc = db_progress_lists(r->db, r->a, id, &l)) != DB_OK)
		return fail_db(r, rc);
	if (json_object_array_length(l.stages) == 0) {
		enum pg_stage s;

		for (s = PG_DIAGNOSIS; s < PG__STAGES; s++)
			json_object_array_add(l.stages, pending_stage(s));
	}
	for (i = 0; i < PG_NSTAGES; i++) {
		st[i].status = PGS_PENDING;
		st[i].percent = 0;
	}
	n = json_object_array_length(l.stages);
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(l.stages, i);
		enum pg_stage k = pg_stage_parse(json_object_get_string(member(s, "stage")));
		enum pg_stage_status ss = pg_stage_status_parse(json_object_get_string(
		    member(s, "status")));

		if (k == PG_STAGE_NONE || ss == PGS_NONE)
			continue;
		st[k - 1].status = ss;
		st[k - 1].percent = json_object_get_int(member(s, "percent"));
		completed += ss == PGS_COMPLETED;
		skipped += ss == PGS_SKIPPED;
	}
	n = json_object_array_length(l.blockers);
	for (i = 0; i < n; i++)
		open += !json_object_get_boolean(member(json_object_array_get_idx(l.blockers, i),
		    "isResolved"));
	n = json_object_array_length(l.interactions);
	for (i = 0; i < n; i++) {
		json_object *it = json_object_array_get_idx(l.interactions, i);
		enum pg_interaction k = pg_interaction_parse(json_object_get_string(
		    member(it, "type")));

		json_object_object_add(it, "awaitingResponse", json_object_new_boolean(
		    pg_interaction_awaits_answer(k) && member(it, "respondedAt") == NULL));
	}
	bs = bk_status_parse(b.status, BK_NAMES_CORE);
	out = json_object_new_object();
	json_object_object_add(out, "bookingId", json_object_new_int64(id));
	json_object_object_add(out, "status", json_object_new_string(bk_status_name(bs,
	    BK_NAMES_V0)));
	json_object_object_add(out, "detailedStatus", json_object_new_string(b.status));
	json_object_object_add(out, "technicianId", b.technician_id > 0 ?
	    json_object_new_int64(b.technician_id) : NULL);
	json_object_object_add(out, "currentStage", json_object_new_string(
	    pg_current_stage(bs, st, PG_NSTAGES)));
	json_object_object_add(out, "overallProgress", json_object_new_int(
	    pg_overall_percent(st, PG_NSTAGES, bs)));
	if (created > 0)
		json_object_object_add(out, "createdId", json_object_new_int64(created));
	json_object_object_add(out, "stages", l.stages);
	json_object_object_add(out, "milestones", l.milestones);
	json_object_object_add(out, "blockers", l.blockers);
	json_object_object_add(out, "qualityChecks", l.checks);
	json_object_object_add(out, "customerInteractions", l.interactions);
	json_object_object_add(out, "history", l.history);
	if (json_object_array_length(l.history) > 0)
		last = json_object_array_get_idx(l.history, 0);
	meta = json_object_new_object();
	json_object_object_add(meta, "totalStages", json_object_new_int(PG_NSTAGES));
	json_object_object_add(meta, "completedStages", json_object_new_int(completed));
	json_object_object_add(meta, "skippedStages", json_object_new_int(skipped));
	json_object_object_add(meta, "openBlockers", json_object_new_int(open));
	json_object_object_add(meta, "lastUpdated", last != NULL ?
	    json_object_get(member(last, "timestamp")) : NULL);
	json_object_object_add(meta, "updatedBy", last != NULL ?
	    json_object_get(member(last, "actorId")) : NULL);
	json_object_object_add(out, "metadata", meta);
	return reply_ok(r, status, msg, out);
}

/* GET /api/bookings/:id/progress */
enum err
progress_get(struct req *r)
{
	struct booking_row b;
	long long id;
	enum db_rc rc;
	enum err e;

	if (bookings_anonymous(r))
		return fail(r, ERR_UNAUTHORIZED);
	if ((e = req_param_id(r, 0, &id)) != ERR_OK)
		return e;
	if ((rc = db_bookings_get(r->db, r->a, id, 0, &b)) != DB_OK)
		return fail_db(r, rc);
	if (bookings_party(r, &b) == 0)
		return fail(r, ERR_NOT_FOUND);
	return reply_progress(r, 200, MSG_PROGRESS_FOUND, id, 0);
}

/* One write: the booking's id, its unit of work (ctx holds t), the answer. */
static enum err
one_write(struct req *r, struct pg_tx *t, void *ctx, enum err (*work)(struct req *, void *),
    int status, enum msg msg)
{
	enum err e;

	if (bookings_anonymous(r))
		return fail(r, ERR_UNAUTHORIZED);
	if ((e = req_param_id(r, 0, &t->id)) != ERR_OK)
		return e;
	if ((e = req_tx(r, work, ctx)) != ERR_OK)
		return e;
	return reply_progress(r, status, msg, t->id, t->created);
}

/* --- PUT /api/bookings/:id/progress/stages/:stage --- */

struct stage_in {
	struct in_val status, percent, notes, estimated, version;
};
static const struct vfield stage_fields[] = {
	{ "status", V_ENUM, VF_REQUIRED, 0, 0, stage_status_words, IN(struct stage_in, status),
	    NULL },
	/* of an in-progress or failed stage; completed is 100, pending and skipped 0 */
	{ "percent", V_INT, 0, 0, 100, NULL, IN(struct stage_in, percent), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct stage_in, notes), NULL },
	/* minutes */
	{ "estimatedDuration", V_INT, VF_NULLABLE, 1, 100000, NULL,
	    IN(struct stage_in, estimated), NULL },
	/* the stage's version the client saw: a stale one is 409, nothing changes */
	{ "version", V_INT, 0, 0, INT_MAX, NULL, IN(struct stage_in, version), NULL },
};
const struct input progress_stage_input = INPUT(struct stage_in, stage_fields, NULL);

struct stage_tx {
	struct pg_tx  t;
	enum pg_stage stage;
};

static enum msg
stage_refusal(enum pg_result why)
{
	switch (why) {
	case PG_OUT_OF_ORDER: return MSG_PROGRESS_STAGE_ORDER;
	case PG_BLOCKED: return MSG_PROGRESS_BLOCKED;
	case PG_NOT_SKIPPABLE: return MSG_PROGRESS_NOT_SKIPPABLE;
	default: return MSG_PROGRESS_STAGE_MOVE;
	}
}

/* Whether an open blocker of the booking stops completion. */
static enum err
blocked(struct req *r, struct pg_tx *t, int *out)
{
	const char **impacts;
	size_t i, n;
	enum db_rc rc;

	*out = 0;
	if ((rc = db_progress_open_impacts(r->db, r->a, t->id, &impacts, &n)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < n; i++)
		if (pg_impact_blocks(pg_impact_parse(impacts[i])))
			*out = 1;
	return ERR_OK;
}

static enum err
stage_work(struct req *r, void *ctx)
{
	struct stage_tx *x = ctx;
	struct pg_tx *t = &x->t;
	const struct stage_in *in = r->in;
	struct progress_stage *row;
	struct progress_stage_set set;
	struct progress_update u;
	enum pg_stage_status to = pg_stage_status_parse(in->status.s), from;
	enum pg_result why;
	enum msg body;
	const char *name = pg_stage_name(x->stage);
	int stop;
	size_t i;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_STAGE)) != ERR_OK)
		return e;
	if (t->nrows == 0) {
		/* the booking's first stage write: its four stages, pending */
		for (i = 1; i < PG__STAGES; i++)
			if ((rc = db_progress_stage_insert(r->db, r->a, t->id,
			    pg_stage_name((enum pg_stage)i), (int)i)) != DB_OK)
				return fail_db(r, rc);
		if ((rc = db_progress_stages(r->db, r->a, t->id, t->rows, PG_NSTAGES,
		    &t->nrows)) != DB_OK)
			return fail_db(r, rc);
		stage_states(t);
	}
	for (row = NULL, i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].stage, name) == 0)
			row = &t->rows[i];
	if (row == NULL)
		return fail(r, ERR_INTERNAL);
	if (in->version.set && in->version.i != row->version)
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_STALE);
	/* only a completion asks whether a blocker stops it */
	stop = 0;
	if (to == PGS_COMPLETED && (e = blocked(r, t, &stop)) != ERR_OK)
		return e;
	from = t->st[x->stage - 1].status;
	if ((why = pg_stage_move(t->st, x->stage, to, stop)) != PG_OK)
		return fail_msg(r, ERR_CONFLICT, stage_refusal(why));
	memset(&set, 0, sizeof(set));
	set.status = pg_stage_status_name(to);
	set.percent = pg_stage_percent(to, in->percent.set ? (int)in->percent.i : -1,
	    row->percent);
	set.notes = in->notes.set ? in_str(&in->notes) : row->notes;
	set.estimated = in->estimated.set ? (in->estimated.null ? -1 : in->estimated.i) :
	    row->estimated;
	set.started = to == PGS_IN_PROGRESS || to == PGS_COMPLETED;
	set.completed = to == PGS_COMPLETED;
	set.actor_id = r->user.id;
	if ((rc = db_progress_stage_update(r->db, r->a, t->id, name, &set)) != DB_OK)
		return fail_db(r, rc);
	t->st[x->stage - 1].status = to;
	t->st[x->stage - 1].percent = set.percent;
	memset(&u, 0, sizeof(u));
	u.kind = "stage";
	u.action = "update";
	u.stage = name;
	u.from_status = pg_stage_status_name(from);
	u.to_status = set.status;
	u.percent = set.percent;
	u.note = in->notes.set ? in_str(&in->notes) : NULL;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "stage", "update", name, set.status, 0)) != ERR_OK)
		return e;
	/* the customer hears of a stage that changed status, not of a new percent */
	if (from == to)
		return ERR_OK;
	body = to == PGS_IN_PROGRESS ? MSG_NOTIFY_PROGRESS_STAGE_STARTED :
	    to == PGS_COMPLETED ? MSG_NOTIFY_PROGRESS_STAGE_COMPLETED :
	    MSG_NOTIFY_PROGRESS_STAGE_CHANGED;
	return tell(r, t, t->b.customer_id, body, "stage", set.status, name, 0);
}

enum err
progress_stage(struct req *r)
{
	struct stage_tx x;

	memset(&x, 0, sizeof(x));
	if (r->nparams < 2 || (x.stage = pg_stage_parse(r->params[1])) == PG_STAGE_NONE)
		return fail(r, ERR_NOT_FOUND);
	return one_write(r, &x.t, &x, stage_work, 200, MSG_PROGRESS_STAGE_UPDATED);
}

/* --- POST /api/bookings/:id/progress/blockers --- */

struct blocker_in {
	struct in_val type, description, impact;
};
static const struct vfield blocker_fields[] = {
	{ "type", V_ENUM, VF_REQUIRED, 0, 0, blocker_types, IN(struct blocker_in, type), NULL },
	{ "description", V_STRING, VF_REQUIRED, 1, 2000, NULL,
	    IN(struct blocker_in, description), NULL },
	{ "impact", V_ENUM, 0, 0, 0, impact_words, IN(struct blocker_in, impact), NULL },
};
/* "severity" is read as seed 000's "impact" */
static const char *const blocker_aliases[] = { "severity", "impact", NULL };
const struct input progress_blocker_input = INPUT_ALIASED(struct blocker_in, blocker_fields,
    NULL, blocker_aliases);

static enum err
blocker_work(struct req *r, void *ctx)
{
	struct pg_tx *t = ctx;
	const struct blocker_in *in = r->in;
	const char *impact = in->impact.set ? in->impact.s : "medium";
	struct progress_update u;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_BLOCKER)) != ERR_OK)
		return e;
	if ((rc = db_progress_blocker_insert(r->db, r->a, t->id, in->type.s, in->description.s,
	    impact, r->user.id, &t->created)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "blocker";
	u.action = "report";
	u.item_id = t->created;
	u.to_status = "open";
	u.percent = -1;
	u.note = arena_printf(r->a, "%s (%s)", in->type.s, impact);
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "blocker", "report", NULL, NULL, t->created)) != ERR_OK)
		return e;
	return tell(r, t, t->b.customer_id, MSG_NOTIFY_PROGRESS_BLOCKER, "blocker", "report",
	    NULL, t->created);
}

enum err
progress_blocker_report(struct req *r)
{
	struct pg_tx t;

	memset(&t, 0, sizeof(t));
	return one_write(r, &t, &t, blocker_work, 201, MSG_PROGRESS_BLOCKER_REPORTED);
}

/* --- PUT /api/bookings/:id/progress/blockers/:blockerId/resolve --- */

struct resolve_in {
	struct in_val resolution;
};
static const struct vfield resolve_fields[] = {
	{ "resolution", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct resolve_in, resolution),
	    NULL },
};
const struct input progress_resolve_input = INPUT(struct resolve_in, resolve_fields, NULL);

struct item_tx {
	struct pg_tx t;
	long long    item;
};

static enum err
resolve_work(struct req *r, void *ctx)
{
	struct item_tx *x = ctx;
	struct pg_tx *t = &x->t;
	const struct resolve_in *in = r->in;
	const char *type, *impact, *resolution = in != NULL ? in_str(&in->resolution) : NULL;
	struct progress_update u;
	int open;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_BLOCKER)) != ERR_OK)
		return e;
	if ((rc = db_progress_blocker_lock(r->db, r->a, t->id, x->item, &open, &type, &impact)) !=
	    DB_OK)
		return fail_db(r, rc);
	if (!open)
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_RESOLVED_ALREADY);
	if ((rc = db_progress_blocker_resolve(r->db, r->a, t->id, x->item, resolution,
	    r->user.id)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "blocker";
	u.action = "resolve";
	u.item_id = x->item;
	u.from_status = "open";
	u.to_status = "resolved";
	u.percent = -1;
	u.note = resolution;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "blocker", "resolve", NULL, NULL, x->item)) != ERR_OK)
		return e;
	return tell(r, t, t->b.customer_id, MSG_NOTIFY_PROGRESS_BLOCKER_RESOLVED, "blocker",
	    "resolve", NULL, x->item);
}

/* The second id of the path (a blocker's, an interaction's, a milestone's). */
static enum err
item_write(struct req *r, struct item_tx *x, enum err (*work)(struct req *, void *),
    enum msg msg)
{
	enum err e;

	if ((e = req_param_id(r, 1, &x->item)) != ERR_OK)
		return e;
	return one_write(r, &x->t, x, work, 200, msg);
}

enum err
progress_blocker_resolve(struct req *r)
{
	struct item_tx x;

	memset(&x, 0, sizeof(x));
	return item_write(r, &x, resolve_work, MSG_PROGRESS_BLOCKER_RESOLVED);
}

/* --- POST /api/bookings/:id/progress/quality-checks --- */

struct check_in {
	struct in_val check_type, status, notes, criteria;
};

/* Each criterion: {item, status, notes}; errors name "criteria[i].item". */
static void
check_criteria(const void *p, json_object *errs, enum lang lang)
{
	const struct check_in *in = p;
	size_t i, n = json_object_array_length(in->criteria.j);
	char field[48];

	for (i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(in->criteria.j, i), *v;
		const char *s;

		if (!json_object_is_type(c, json_type_object)) {
			snprintf(field, sizeof(field), "criteria[%zu]", i);
			verror_add(errs, lang, field, "INVALID_TYPE", MSG_NONE);
			continue;
		}
		snprintf(field, sizeof(field), "criteria[%zu].item", i);
		if (!json_object_object_get_ex(c, "item", &v) || v == NULL)
			verror_add(errs, lang, field, "REQUIRED", MSG_NONE);
		else if (!json_object_is_type(v, json_type_string))
			verror_add(errs, lang, field, "INVALID_TYPE", MSG_NONE);
		else if ((size_t)json_object_get_string_len(v) !=
		    strlen(s = json_object_get_string(v)))
			verror_add(errs, lang, field, "INVALID_FORMAT", MSG_NONE);
		else if (utf8_len(s) < 1 || utf8_len(s) > 200)
			verror_add(errs, lang, field, utf8_len(s) > 200 ? "TOO_LONG" : "TOO_SHORT",
			    MSG_NONE);
		snprintf(field, sizeof(field), "criteria[%zu].status", i);
		if (!json_object_object_get_ex(c, "status", &v) || v == NULL)
			verror_add(errs, lang, field, "REQUIRED", MSG_NONE);
		else if (!json_object_is_type(v, json_type_string) ||
		    pg_criterion_parse(json_object_get_string(v)) == PGC_NONE)
			verror_add(errs, lang, field, "INVALID_VALUE", MSG_NONE);
		snprintf(field, sizeof(field), "criteria[%zu].notes", i);
		if (json_object_object_get_ex(c, "notes", &v) && v != NULL && (!json_object_is_type(v,
		    json_type_string) || utf8_len(json_object_get_string(v)) > 1000 ||
		    (size_t)json_object_get_string_len(v) != strlen(json_object_get_string(v))))
			verror_add(errs, lang, field, "INVALID_VALUE", MSG_NONE);
	}
}

static const struct vfield check_fields[] = {
	{ "checkType", V_ENUM, VF_REQUIRED, 0, 0, check_types, IN(struct check_in, check_type),
	    NULL },
	/* the inspector's verdict; from the criteria when absent (never kinder than they) */
	{ "status", V_ENUM, 0, 0, 0, check_words, IN(struct check_in, status), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 2000, NULL, IN(struct check_in, notes), NULL },
	{ "criteria", V_ARRAY, VF_REQUIRED, 1, CRITERIA_MAX, NULL, IN(struct check_in, criteria),
	    NULL },
};
const struct input progress_check_input = INPUT(struct check_in, check_fields,
    check_criteria);

static enum err
check_work(struct req *r, void *ctx)
{
	struct pg_tx *t = ctx;
	const struct check_in *in = r->in;
	size_t i, n = json_object_array_length(in->criteria.j);
	enum pg_criterion crit[CRITERIA_MAX];
	enum pg_check derived, verdict;
	struct progress_update u;
	enum db_rc rc;
	enum err e;

	for (i = 0; i < n && i < CRITERIA_MAX; i++)
		crit[i] = pg_criterion_parse(json_object_get_string(member(
		    json_object_array_get_idx(in->criteria.j, i), "status")));
	derived = pg_check_from_criteria(crit, i);
	verdict = in->status.set ? pg_check_parse(in->status.s) : derived;
	if (!pg_check_fits(verdict, derived))
		return fail_field(r, ERR_VALIDATION, "status", "INVALID_VALUE",
		    MSG_V_CHECK_VERDICT);
	if ((e = begin(r, t, BY_WORKER, PG_W_QUALITY)) != ERR_OK)
		return e;
	if ((rc = db_progress_check_insert(r->db, r->a, t->id, in->check_type.s,
	    pg_check_name(verdict), in_str(&in->notes), r->user.id, &t->created)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < n && i < CRITERIA_MAX; i++) {
		json_object *c = json_object_array_get_idx(in->criteria.j, i), *notes;

		notes = member(c, "notes");
		if ((rc = db_progress_criterion_insert(r->db, r->a, t->id, t->created, (int)i,
		    json_object_get_string(member(c, "item")), pg_criterion_name(crit[i]),
		    notes != NULL ? json_object_get_string(notes) : NULL)) != DB_OK)
			return fail_db(r, rc);
	}
	memset(&u, 0, sizeof(u));
	u.kind = "quality_check";
	u.action = "record";
	u.item_id = t->created;
	u.to_status = pg_check_name(verdict);
	u.percent = -1;
	u.note = in->check_type.s;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "quality_check", "record", NULL, u.to_status, t->created)) !=
	    ERR_OK)
		return e;
	return tell(r, t, t->b.customer_id, MSG_NOTIFY_PROGRESS_CHECK, "quality_check", "record",
	    NULL, t->created);
}

enum err
progress_check(struct req *r)
{
	struct pg_tx t;

	memset(&t, 0, sizeof(t));
	return one_write(r, &t, &t, check_work, 201, MSG_PROGRESS_CHECK_RECORDED);
}

/* --- POST /api/bookings/:id/progress/interactions --- */

struct interaction_in {
	struct in_val type, content, response, satisfaction;
};
static const struct vfield interaction_fields[] = {
	{ "type", V_ENUM, VF_REQUIRED, 0, 0, interaction_types, IN(struct interaction_in, type),
	    NULL },
	{ "content", V_STRING, VF_REQUIRED, 1, 2000, NULL, IN(struct interaction_in, content),
	    NULL },
	/* what a call, an SMS or a visit got for an answer (the others wait for the
	 * customer's own) */
	{ "response", V_STRING, VF_NULLABLE, 1, 2000, NULL, IN(struct interaction_in, response),
	    NULL },
	{ "satisfaction", V_INT, VF_NULLABLE, 1, 5, NULL, IN(struct interaction_in, satisfaction),
	    NULL },
};
/* "summary" is read as seed 000's "content" */
static const char *const interaction_aliases[] = { "summary", "content", NULL };
const struct input progress_interaction_input = INPUT_ALIASED(struct interaction_in,
    interaction_fields, NULL, interaction_aliases);

static enum err
interaction_work(struct req *r, void *ctx)
{
	struct pg_tx *t = ctx;
	const struct interaction_in *in = r->in;
	enum pg_interaction type = pg_interaction_parse(in->type.s);
	struct progress_interaction_new n;
	struct progress_update u;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_INTERACTION)) != ERR_OK)
		return e;
	memset(&n, 0, sizeof(n));
	n.type = in->type.s;
	n.content = in->content.s;
	n.response = in_str(&in->response);
	n.satisfaction = in->satisfaction.set && !in->satisfaction.null ?
	    (int)in->satisfaction.i : 0;
	n.actor_id = r->user.id;
	if ((rc = db_progress_interaction_insert(r->db, r->a, t->id, &n, &t->created)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "interaction";
	u.action = "log";
	u.item_id = t->created;
	u.percent = -1;
	u.note = in->type.s;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "interaction", "log", NULL, NULL, t->created)) != ERR_OK)
		return e;
	if (!pg_interaction_awaits_answer(type))
		return ERR_OK;    /* a call or a visit: the customer was there */
	return tell(r, t, t->b.customer_id, type == PGN_APPROVAL_REQUEST ?
	    MSG_NOTIFY_PROGRESS_APPROVAL : MSG_NOTIFY_PROGRESS_MESSAGE, "interaction", "log",
	    NULL, t->created);
}

enum err
progress_interaction(struct req *r)
{
	const struct interaction_in *in = r->in;
	struct pg_tx t;

	/* the customer answers messages and approval requests in the app, not the sender */
	if (pg_interaction_awaits_answer(pg_interaction_parse(in->type.s))) {
		if (in->response.set && !in->response.null)
			return fail_field(r, ERR_VALIDATION, "response", "INVALID_VALUE",
			    MSG_V_INTERACTION_RESPONSE);
		if (in->satisfaction.set && !in->satisfaction.null)
			return fail_field(r, ERR_VALIDATION, "satisfaction", "INVALID_VALUE",
			    MSG_V_INTERACTION_RESPONSE);
	}
	memset(&t, 0, sizeof(t));
	return one_write(r, &t, &t, interaction_work, 201, MSG_PROGRESS_INTERACTION_LOGGED);
}

/* --- PUT /api/bookings/:id/progress/interactions/:interactionId/response --- */

struct answer_in {
	struct in_val response, approved, satisfaction;
};
static const struct vfield answer_fields[] = {
	{ "response", V_STRING, VF_REQUIRED, 1, 2000, NULL, IN(struct answer_in, response), NULL },
	/* an approval request's yes or no */
	{ "approved", V_BOOL, 0, 0, 0, NULL, IN(struct answer_in, approved), NULL },
	{ "satisfaction", V_INT, VF_NULLABLE, 1, 5, NULL, IN(struct answer_in, satisfaction),
	    NULL },
};
const struct input progress_answer_input = INPUT(struct answer_in, answer_fields, NULL);

static enum err
answer_work(struct req *r, void *ctx)
{
	struct item_tx *x = ctx;
	struct pg_tx *t = &x->t;
	const struct answer_in *in = r->in;
	const char *type;
	long long by;
	int answered, approved = -1;
	enum pg_interaction k;
	struct progress_update u;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_CUSTOMER, PG_W_INTERACTION)) != ERR_OK)
		return e;
	if ((rc = db_progress_interaction_lock(r->db, r->a, t->id, x->item, &type, &by,
	    &answered)) != DB_OK)
		return fail_db(r, rc);
	k = pg_interaction_parse(type);
	if (!pg_interaction_awaits_answer(k))
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_NO_ANSWER);
	if (answered)
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_ANSWERED_ALREADY);
	if (k == PGN_APPROVAL_REQUEST) {
		if (!in->approved.set)
			return fail_field(r, ERR_VALIDATION, "approved", "REQUIRED",
			    MSG_V_APPROVED_REQUIRED);
		approved = in->approved.i != 0;
	}
	if ((rc = db_progress_interaction_answer(r->db, r->a, t->id, x->item, in->response.s,
	    approved, in->satisfaction.set && !in->satisfaction.null ? (int)in->satisfaction.i :
	    0, r->user.id)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "interaction";
	u.action = "answer";
	u.item_id = x->item;
	u.to_status = approved < 0 ? "answered" : approved ? "approved" : "declined";
	u.percent = -1;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "interaction", "answer", NULL, u.to_status, x->item)) != ERR_OK)
		return e;
	/* the one who asked hears the answer (and the assigned technician, if another) */
	if ((e = tell(r, t, by, MSG_NOTIFY_PROGRESS_ANSWERED, "interaction", "answer", NULL,
	    x->item)) != ERR_OK)
		return e;
	if (t->b.technician_id != by)
		return tell(r, t, t->b.technician_id, MSG_NOTIFY_PROGRESS_ANSWERED, "interaction",
		    "answer", NULL, x->item);
	return ERR_OK;
}

enum err
progress_interaction_answer(struct req *r)
{
	struct item_tx x;

	memset(&x, 0, sizeof(x));
	return item_write(r, &x, answer_work, MSG_PROGRESS_INTERACTION_ANSWERED);
}

/* --- POST /api/bookings/:id/progress/milestones --- */

struct milestone_in {
	struct in_val name, description, priority, target;
};

static const char *
check_time(struct in_val *v, struct arena *a, enum msg *msg)
{
	time_t t;
	int ms;

	(void)a;
	*msg = MSG_V_DATETIME;
	if (iso_time_parse(v->s, &t, &ms) != 0)
		return "INVALID_FORMAT";
	*msg = MSG_NONE;
	return NULL;
}

static const struct vfield milestone_fields[] = {
	{ "name", V_STRING, VF_REQUIRED, 1, 200, NULL, IN(struct milestone_in, name), NULL },
	{ "description", V_STRING, VF_NULLABLE, 0, 2000, NULL,
	    IN(struct milestone_in, description), NULL },
	{ "priority", V_ENUM, 0, 0, 0, impact_words, IN(struct milestone_in, priority), NULL },
	/* ISO 8601 with its zone */
	{ "targetDate", V_STRING, VF_NULLABLE, 1, 40, NULL, IN(struct milestone_in, target),
	    check_time },
};
const struct input progress_milestone_input = INPUT(struct milestone_in, milestone_fields,
    NULL);

static enum err
milestone_work(struct req *r, void *ctx)
{
	struct pg_tx *t = ctx;
	const struct milestone_in *in = r->in;
	const char *target = NULL;
	struct progress_update u;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_MILESTONE)) != ERR_OK)
		return e;
	if (in->target.set && !in->target.null) {
		char buf[32];
		time_t when;
		int ms;

		iso_time_parse(in->target.s, &when, &ms);    /* checked by check_time */
		target = arena_strdup(r->a, db_time_utc(when, ms, buf, sizeof(buf)));
	}
	if ((rc = db_progress_milestone_insert(r->db, r->a, t->id, in->name.s,
	    in_str(&in->description), in->priority.set ? in->priority.s : "medium", target,
	    r->user.id, &t->created)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "milestone";
	u.action = "add";
	u.item_id = t->created;
	u.percent = -1;
	u.note = in->name.s;
	if ((e = record(r, t, &u)) != ERR_OK)
		return e;
	return announce(r, t, "milestone", "add", NULL, NULL, t->created);
}

enum err
progress_milestone_add(struct req *r)
{
	struct pg_tx t;

	memset(&t, 0, sizeof(t));
	return one_write(r, &t, &t, milestone_work, 201, MSG_PROGRESS_MILESTONE_ADDED);
}

/* --- PUT /api/bookings/:id/progress/milestones/:milestoneId/complete --- */

static enum err
reach_work(struct req *r, void *ctx)
{
	struct item_tx *x = ctx;
	struct pg_tx *t = &x->t;
	struct progress_update u;
	int reached;
	enum db_rc rc;
	enum err e;

	if ((e = begin(r, t, BY_WORKER, PG_W_MILESTONE)) != ERR_OK)
		return e;
	if ((rc = db_progress_milestone_lock(r->db, r->a, t->id, x->item, &reached)) != DB_OK)
		return fail_db(r, rc);
	if (reached)
		return fail_msg(r, ERR_CONFLICT, MSG_PROGRESS_MILESTONE_DONE);
	if ((rc = db_progress_milestone_reach(r->db, r->a, t->id, x->item)) != DB_OK)
		return fail_db(r, rc);
	memset(&u, 0, sizeof(u));
	u.kind = "milestone";
	u.action = "complete";
	u.item_id = x->item;
	u.to_status = "completed";
	u.percent = -1;
	if ((e = record(r, t, &u)) != ERR_OK ||
	    (e = announce(r, t, "milestone", "complete", NULL, NULL, x->item)) != ERR_OK)
		return e;
	return tell(r, t, t->b.customer_id, MSG_NOTIFY_PROGRESS_MILESTONE, "milestone",
	    "complete", NULL, x->item);
}

enum err
progress_milestone_reach(struct req *r)
{
	struct item_tx x;

	memset(&x, 0, sizeof(x));
	return item_write(r, &x, reach_work, MSG_PROGRESS_MILESTONE_REACHED);
}
