/* /api/disputes and /api/admin/disputes: a party of a job contests it, both parties and
 * staff add evidence, an admin decides where the money goes (seed 001 §2.3, §5.7,
 * §5.8). docs/bookings.md, "Disputes".
 *
 * A dispute belongs to a job (a booking of kind job) and moves it through the state
 * machine of fcgi/domain/booking.c: opening is the machine's dispute move (from hired,
 * on the way, arrived, in progress, or completed within DISPUTE_WINDOW_HOURS), the
 * decision its resolve move (release or split: the job is verified) or the staff's
 * cancel (a refund: the job is cancelled, without a fee). The decision is recorded for
 * the money work; nothing is paid here. A dispute the caller may not see is 404. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/router.h"
#include "../domain/booking.h"
#include "../store/activity.h"
#include "../store/bookings.h"
#include "../store/disputes.h"
#include "../store/notifications.h"
#include "../store/uploads.h"
#include "../store/events.h"
#include "api.h"

/* A completed job may be disputed for this long after its completion. */
#define DISPUTE_WINDOW_HOURS 168
/* The resolution target the stats measure against (seed 001's 72-hour SLA). */
#define DISPUTE_SLA_HOURS 72
/* Admins told of a new dispute, at most. */
#define DISPUTE_ADMINS_TOLD 50
#define MONEY_MAX 10000000000LL
#define DISPUTE_CHANNELS (NOTIFY_PUSH | NOTIFY_EMAIL)

static const char *const reasons[] = { "not_completed", "poor_quality", "no_show",
	"damage", "overcharge", "conduct", "other", NULL };
static const char *const statuses[] = { "open", "under_review", "resolved", NULL };
static const char *const decisions[] = { "refund_client", "release_to_craftsman", "split",
	NULL };

/* The job; a booking that is not a job is no job (404). */
static enum err
load_job(struct req *r, long long id, int lock, struct booking_row *b)
{
	enum db_rc rc = db_bookings_get(r->db, r->a, id, lock, b);

	if (rc == DB_OK && (b->kind == NULL || strcmp(b->kind, "job") != 0))
		rc = DB_NOTFOUND;
	return rc == DB_OK ? ERR_OK : fail_db(r, rc);
}

static const char *
party_word(const struct req *r, unsigned p)
{
	return p == BK_CUSTOMER ? "client" : p == BK_TECHNICIAN ? "craftsman" :
	    role_name((enum role)r->user.role);
}

/* One user told (in-app, push and e-mail as their preferences allow), never the caller;
 * a gone account is skipped. */
static enum err
tell(struct req *r, long long user_id, enum msg body, long long dispute_id,
    const struct booking_row *b)
{
	json_object *data = json_owned(r->a, json_object_new_object());
	struct notify_result res;
	enum db_rc rc;

	if (user_id <= 0 || user_id == r->user.id)
		return ERR_OK;
	json_object_object_add(data, "disputeId", json_object_new_int64(dispute_id));
	json_object_object_add(data, "jobId", json_object_new_int64(b->id));
	rc = notify_msg(r->db, r->a, user_id, "dispute", MSG_NOTIFY_DISPUTE_TITLE, body, data,
	    DISPUTE_CHANNELS, &res);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return fail_db(r, rc);
	return ERR_OK;
}

/* One move of the machine on the locked job: the history row, the row written, the
 * realtime status event in the job's room. */
static enum err
move_job(struct req *r, struct booking_row *b, enum bk_event ev, unsigned who,
    const char *note)
{
	const struct bk_transition *t;
	enum bk_status from = bk_status_parse(b->status, BK_NAMES_CORE);
	enum bk_result why;
	json_object *p;
	enum db_rc rc;

	if ((why = bk_apply(BK_JOB, from, ev, who, 0, &t)) != BK_OK)
		return why == BK_NOT_ALLOWED ? fail_msg(r, ERR_FORBIDDEN, MSG_BOOKING_NOT_ALLOWED) :
		    fail_msg(r, ERR_CONFLICT, MSG_BOOKING_NO_MOVE);
	if ((rc = db_bookings_history(r->db, r->a, b->id, bk_status_name(from, BK_NAMES_CORE),
	    bk_status_name(t->to, BK_NAMES_CORE), bk_event_name(ev), r->user.id,
	    req_actor(r)->role, note)) != DB_OK)
		return fail_db(r, rc);
	b->status = bk_status_name(t->to, BK_NAMES_CORE);
	b->list_status = bk_status_name(t->to, BK_NAMES_V0);
	if (ev == EV_CANCEL) {
		b->cancellation_fee = 0;
		b->cancellation_reason = note;
	}
	if ((rc = db_bookings_update(r->db, r->a, b)) != DB_OK)
		return fail_db(r, rc);
	p = json_owned(r->a, json_object_new_object());
	json_object_object_add(p, "bookingId", json_object_new_int64(b->id));
	json_object_object_add(p, "jobId", json_object_new_int64(b->id));
	json_object_object_add(p, "status", json_new_str(bk_status_name(t->to, BK_NAMES_JOBS)));
	json_object_object_add(p, "detailedStatus", json_new_str(b->status));
	json_object_object_add(p, "from", json_new_str(bk_status_name(from, BK_NAMES_CORE)));
	json_object_object_add(p, "event", json_new_str(bk_event_name(ev)));
	if ((rc = db_events_add(r->db, r->a, arena_printf(r->a, "booking:%lld", b->id),
	    "booking:status-update", p)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

static enum err
reply_dispute(struct req *r, int status, enum msg m, long long id)
{
	json_object *j;
	enum db_rc rc;

	if ((rc = db_disputes_view(r->db, r->a, id, &j)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, status, m, j);
}

/* The dispute and its job, when the caller is a party of the job or staff; else 404. */
static enum err
load_seen(struct req *r, long long id, int lock, struct dispute_row *d,
    struct booking_row *b, unsigned *who)
{
	enum db_rc rc;
	enum err e;

	if ((rc = db_disputes_get(r->db, r->a, id, lock, d)) != DB_OK)
		return fail_db(r, rc);
	if ((e = load_job(r, d->booking_id, lock, b)) != ERR_OK)
		return e;
	if ((*who = bookings_party(r, b)) == 0)
		return fail(r, ERR_NOT_FOUND);
	return ERR_OK;
}

/* --- POST /api/disputes --- */

struct open_in {
	struct in_val job, reason, description;
};

static const struct vfield open_fields[] = {
	{ "jobId", V_INT, VF_REQUIRED, 1, LLONG_MAX, NULL, IN(struct open_in, job), NULL },
	{ "reason", V_ENUM, VF_REQUIRED, 0, 0, reasons, IN(struct open_in, reason), NULL },
	{ "description", V_STRING, VF_NULLABLE, 0, 4000, NULL, IN(struct open_in, description),
	    NULL },
};
static const char *const open_aliases[] = { "bookingId", "jobId", NULL };
const struct input disputes_open_input = INPUT_ALIASED(struct open_in, open_fields, NULL,
    open_aliases);

struct open_tx {
	const struct open_in *in;
	long long id;
};

static enum err
open_work(struct req *r, void *ctx)
{
	struct open_tx *o = ctx;
	struct booking_row b;
	struct dispute_new d;
	enum bk_status s;
	long long ids[DISPUTE_ADMINS_TOLD], other;
	size_t n, i;
	unsigned who;
	enum db_rc rc;
	enum err e;

	if ((e = load_job(r, o->in->job.i, 1, &b)) != ERR_OK)
		return e;
	if ((who = bookings_party(r, &b)) == 0 || who == BK_STAFF)
		return fail(r, ERR_NOT_FOUND);
	if ((rc = db_disputes_open_of(r->db, r->a, b.id, &other)) != DB_OK)
		return fail_db(r, rc);
	if (other != 0)
		return fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_EXISTS);
	s = bk_status_parse(b.status, BK_NAMES_CORE);
	if (s != BK_DISPUTED) {
		/* (a job moved to disputed by PATCH .../status has no record yet: this makes it) */
		if (!bk_event_possible(BK_JOB, s, EV_DISPUTE))
			return fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_WRONG_STATUS);
		if (s == BK_COMPLETED) {
			int yes;

			if ((rc = db_disputes_completed_within(r->db, r->a, b.id,
			    DISPUTE_WINDOW_HOURS, &yes)) != DB_OK)
				return fail_db(r, rc);
			if (!yes)
				return fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_WINDOW_PASSED);
		}
		if ((e = move_job(r, &b, EV_DISPUTE, who, in_str(&o->in->description))) !=
		    ERR_OK)
			return e;
	}
	d.booking_id = b.id;
	d.opened_by = r->user.id;
	d.opener_role = party_word(r, who);
	d.reason = o->in->reason.s;
	d.description = in_str(&o->in->description);
	if ((rc = db_disputes_insert(r->db, r->a, &d, &o->id)) != DB_OK)
		return rc == DB_DUP ? fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_EXISTS) :
		    fail_db(r, rc);
	if ((e = tell(r, b.customer_id, MSG_NOTIFY_DISPUTE_OPENED, o->id, &b)) != ERR_OK ||
	    (e = tell(r, b.technician_id, MSG_NOTIFY_DISPUTE_OPENED, o->id, &b)) != ERR_OK)
		return e;
	if ((rc = db_disputes_admins(r->db, r->a, ids, DISPUTE_ADMINS_TOLD, &n)) != DB_OK)
		return fail_db(r, rc);
	for (i = 0; i < n; i++)
		if ((e = tell(r, ids[i], MSG_NOTIFY_DISPUTE_OPENED, o->id, &b)) != ERR_OK)
			return e;
	return ERR_OK;
}

enum err
disputes_open(struct req *r)
{
	struct open_tx o = { r->in, 0 };
	enum err e;

	if ((e = req_tx(r, open_work, &o)) != ERR_OK)
		return e;
	return reply_dispute(r, 201, MSG_DISPUTE_OPENED, o.id);
}

/* --- GET /api/disputes/:disputeId --- */

enum err
disputes_get(struct req *r)
{
	struct dispute_row d;
	struct booking_row b;
	long long id;
	unsigned who;
	enum err e;

	if ((e = req_param_id(r, 0, &id)) != ERR_OK ||
	    (e = load_seen(r, id, 0, &d, &b, &who)) != ERR_OK)
		return e;
	return reply_dispute(r, 200, MSG_DISPUTE_FOUND, id);
}

/* --- POST /api/disputes/:disputeId/evidence --- */

struct evidence_in {
	struct in_val message, file;
};

static void
check_evidence(const void *p, json_object *errs, enum lang lang)
{
	const struct evidence_in *in = p;

	if (!in->message.set && !in->file.set)
		verror_add(errs, lang, "message", "REQUIRED", MSG_V_DISPUTE_EVIDENCE);
}

static const struct vfield evidence_fields[] = {
	{ "message", V_STRING, 0, 1, 4000, NULL, IN(struct evidence_in, message), NULL },
	{ "fileId", V_INT, 0, 1, LLONG_MAX, NULL, IN(struct evidence_in, file), NULL },
};
const struct input disputes_evidence_input = INPUT(struct evidence_in, evidence_fields,
    check_evidence);

struct evidence_tx {
	const struct evidence_in *in;
	long long id;
};

static enum err
evidence_work(struct req *r, void *ctx)
{
	struct evidence_tx *x = ctx;
	struct dispute_row d;
	struct booking_row b;
	long long eid, file = 0;
	unsigned who;
	enum db_rc rc;
	enum err e;

	if ((e = load_seen(r, x->id, 1, &d, &b, &who)) != ERR_OK)
		return e;
	if (strcmp(d.status, "resolved") == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_CLOSED);
	if (x->in->file.set) {
		struct upload_row u;

		/* the author's own private upload; anyone else's (or none) is one answer */
		rc = db_uploads_get(r->db, r->a, x->in->file.i, &u);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return fail_db(r, rc);
		if (rc == DB_NOTFOUND || u.owner_id != r->user.id || !u.is_private)
			return fail_field(r, ERR_VALIDATION, "fileId", "INVALID_VALUE",
			    MSG_V_DISPUTE_FILE);
		file = u.id;
	}
	if ((rc = db_disputes_evidence_add(r->db, r->a, d.id, r->user.id, party_word(r, who),
	    in_str(&x->in->message), file, &eid)) != DB_OK)
		return fail_db(r, rc);
	if (who == BK_STAFF && (rc = db_disputes_respond(r->db, r->a, d.id)) != DB_OK)
		return fail_db(r, rc);
	if ((e = tell(r, b.customer_id, MSG_NOTIFY_DISPUTE_EVIDENCE, d.id, &b)) != ERR_OK ||
	    (e = tell(r, b.technician_id, MSG_NOTIFY_DISPUTE_EVIDENCE, d.id, &b)) != ERR_OK)
		return e;
	return ERR_OK;
}

enum err
disputes_evidence(struct req *r)
{
	struct evidence_tx x = { r->in, 0 };
	enum err e;

	if ((e = req_param_id(r, 0, &x.id)) != ERR_OK || (e = req_tx(r, evidence_work, &x)) !=
	    ERR_OK)
		return e;
	return reply_dispute(r, 201, MSG_DISPUTE_EVIDENCE_ADDED, x.id);
}

/* --- GET /api/admin/disputes --- */

struct list_in {
	struct in_val page, limit, cursor, status;
};

static const struct vfield list_fields[] = {
	LIST_PAGING_FIELDS(struct list_in),
	{ "status", V_ENUM, 0, 0, 0, statuses, IN(struct list_in, status), NULL },
};
const struct input disputes_list_query = INPUT(struct list_in, list_fields, NULL);

enum err
disputes_admin_list(struct req *r)
{
	const struct list_in *in = r->qin;
	struct dispute_list_query q;
	struct dispute_list_page out;
	struct list_pos pos;
	struct page pg = { 0 };
	long long page = in->page.set ? in->page.i : 1;
	enum db_rc rc;
	enum err e;

	memset(&q, 0, sizeof(q));
	q.limit = in->limit.set ? in->limit.i : 10;
	q.status = in->status.set ? in->status.s : NULL;
	if ((e = list_position(r, &in->cursor, page, q.limit, DISPUTES_WINDOW, &pos)) != ERR_OK)
		return e;
	q.after_at = pos.after_at;
	q.after_id = pos.after_id;
	q.offset = pos.offset;
	if ((rc = db_disputes_list(r->db, r->a, &q, &out)) != DB_OK)
		return fail_db(r, rc);
	pg.page = page;
	pg.limit = q.limit;
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_list(r, MSG_DISPUTE_LIST, out.items, &pg);
}

/* --- GET /api/admin/disputes/stats --- */

struct stats_in {
	struct in_val days;
};

static const struct vfield stats_fields[] = {
	{ "days", V_INT, 0, 1, 366, NULL, IN(struct stats_in, days), NULL },
};
const struct input disputes_stats_query = INPUT(struct stats_in, stats_fields, NULL);

static json_object *
hours(double h)
{
	return h < 0 ? NULL : json_object_new_double((double)(long long)(h * 100 + 0.5) / 100);
}

enum err
disputes_admin_stats(struct req *r)
{
	const struct stats_in *in = r->qin;
	long long days = in->days.set ? in->days.i : 30;
	struct dispute_stats st;
	json_object *j;
	char since[32];
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	enum db_rc rc;

	gmtime_r(&t, &tm);
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S", &tm);
	if ((rc = db_disputes_stats(r->db, r->a, since, DISPUTE_SLA_HOURS, &st)) != DB_OK)
		return fail_db(r, rc);
	j = json_object_new_object();
	json_object_object_add(j, "periodDays", json_object_new_int64(days));
	json_object_object_add(j, "slaHours", json_object_new_int64(DISPUTE_SLA_HOURS));
	json_object_object_add(j, "resolved", json_object_new_int64(st.resolved));
	json_object_object_add(j, "medianResolutionHours", hours(st.median_resolution_hours));
	json_object_object_add(j, "medianFirstResponseHours",
	    hours(st.median_first_response_hours));
	json_object_object_add(j, "resolvedWithinSla", json_object_new_int64(st.within_sla));
	json_object_object_add(j, "slaMet", st.resolved == 0 ? NULL : json_object_new_boolean(
	    st.median_resolution_hours <= DISPUTE_SLA_HOURS));
	json_object_object_add(j, "open", json_object_new_int64(st.open));
	json_object_object_add(j, "underReview", json_object_new_int64(st.under_review));
	return reply_ok(r, 200, MSG_DISPUTE_STATS, j);
}

/* --- POST /api/admin/disputes/:disputeId/resolve --- */

struct resolve_in {
	struct in_val decision, percent, amount, notes;
};

static const struct vfield resolve_fields[] = {
	{ "decision", V_ENUM, VF_REQUIRED, 0, 0, decisions, IN(struct resolve_in, decision),
	    NULL },
	{ "clientPercent", V_INT, 0, 0, 100, NULL, IN(struct resolve_in, percent), NULL },
	{ "clientAmount", V_INT, 0, 0, MONEY_MAX, NULL, IN(struct resolve_in, amount), NULL },
	{ "notes", V_STRING, VF_NULLABLE, 0, 4000, NULL, IN(struct resolve_in, notes), NULL },
};

static void
check_resolve(const void *p, json_object *errs, enum lang lang)
{
	const struct resolve_in *in = p;
	int split;

	if (!in->decision.set || in->decision.s == NULL)
		return;
	split = strcmp(in->decision.s, "split") == 0;
	if (split && in->percent.set == in->amount.set)
		verror_add(errs, lang, "clientPercent", "REQUIRED", MSG_V_DISPUTE_SPLIT);
	if (!split && in->percent.set)
		verror_add(errs, lang, "clientPercent", "NOT_ALLOWED", MSG_V_DISPUTE_SPLIT_ONLY);
	if (!split && in->amount.set)
		verror_add(errs, lang, "clientAmount", "NOT_ALLOWED", MSG_V_DISPUTE_SPLIT_ONLY);
}
const struct input disputes_resolve_input = INPUT(struct resolve_in, resolve_fields,
    check_resolve);

struct resolve_tx {
	const struct resolve_in *in;
	long long id;
};

static enum err
resolve_work(struct req *r, void *ctx)
{
	struct resolve_tx *x = ctx;
	const struct resolve_in *in = x->in;
	struct dispute_decision dd;
	struct dispute_row d;
	struct booking_row b;
	json_object *det;
	long long total;
	unsigned who;
	enum db_rc rc;
	enum err e;

	if ((e = load_seen(r, x->id, 1, &d, &b, &who)) != ERR_OK)
		return e;
	if (strcmp(d.status, "resolved") == 0)
		return fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_CLOSED);
	total = b.total > 0 ? b.total : 0;
	memset(&dd, 0, sizeof(dd));
	dd.id = d.id;
	dd.decision = in->decision.s;
	dd.amount = total;
	dd.client_percent = -1;
	dd.notes = in_str(&in->notes);
	dd.resolved_by = r->user.id;
	if (strcmp(dd.decision, "refund_client") == 0) {
		dd.client_amount = total;
	} else if (strcmp(dd.decision, "release_to_craftsman") == 0) {
		dd.craftsman_amount = total;
	} else {
		if (in->percent.set) {
			dd.client_percent = (int)in->percent.i;
			dd.client_amount = total * in->percent.i / 100;
		} else if (in->amount.i > total) {
			return fail_field(r, ERR_VALIDATION, "clientAmount", "TOO_LARGE",
			    MSG_V_DISPUTE_AMOUNT);
		} else {
			dd.client_amount = in->amount.i;
		}
		dd.craftsman_amount = total - dd.client_amount;
	}
	if ((rc = db_disputes_resolve(r->db, r->a, &dd)) != DB_OK)
		return rc == DB_NOTFOUND ? fail_msg(r, ERR_CONFLICT, MSG_DISPUTE_CLOSED) :
		    fail_db(r, rc);
	/* the job moves on: a refund cancels it (no fee), a release or split verifies it */
	if (strcmp(b.status, bk_status_name(BK_DISPUTED, BK_NAMES_CORE)) == 0 &&
	    (e = move_job(r, &b, strcmp(dd.decision, "refund_client") == 0 ? EV_CANCEL :
	    EV_RESOLVE, BK_STAFF, dd.notes)) != ERR_OK)
		return e;
	det = json_owned(r->a, json_object_new_object());
	json_object_object_add(det, "jobId", json_object_new_int64(b.id));
	json_object_object_add(det, "decision", json_new_str(dd.decision));
	json_object_object_add(det, "amount", json_object_new_int64(dd.amount));
	json_object_object_add(det, "clientAmount", json_object_new_int64(dd.client_amount));
	json_object_object_add(det, "craftsmanAmount",
	    json_object_new_int64(dd.craftsman_amount));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), "dispute.resolve", "dispute",
	    d.id, det)) != DB_OK)
		return fail_db(r, rc);
	if ((e = tell(r, b.customer_id, MSG_NOTIFY_DISPUTE_RESOLVED, d.id, &b)) != ERR_OK ||
	    (e = tell(r, b.technician_id, MSG_NOTIFY_DISPUTE_RESOLVED, d.id, &b)) != ERR_OK)
		return e;
	return ERR_OK;
}

enum err
disputes_admin_resolve(struct req *r)
{
	struct resolve_tx x = { r->in, 0 };
	enum err e;

	if ((e = req_param_id(r, 0, &x.id)) != ERR_OK || (e = req_tx(r, resolve_work, &x)) !=
	    ERR_OK)
		return e;
	return reply_dispute(r, 200, MSG_DISPUTE_RESOLVED, x.id);
}
