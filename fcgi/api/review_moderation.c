/* The staff's moderation of reported reviews (docs/reviews.md, "Moderation"):
 *
 *   GET   /api/admin/reviews/reported   the reviews with open reports, newest report
 *                                       first, each with its report count and the
 *                                       newest reasons
 *   PATCH /api/admin/reviews/:id        {action: hide | restore | dismiss, reason}
 *
 * Admins and moderators only (the route). Hiding and restoring change the review's
 * status and its reviewee's and service's tallies in one unit of work, with the locks
 * of every review edit (fcgi/store/reviews.h: reviewee, service, then the review); hide
 * and dismiss close the review's open reports. Each action is logged in activity_log
 * with its reason. */
#include <string.h>

#include "../store/activity.h"
#include "../store/review_moderation.h"
#include "../store/reviews.h"
#include "api.h"

/* --- GET /api/admin/reviews/reported --- */

struct queue_in {
	struct in_val page, limit, cursor;
};

static const struct vfield queue_fields[] = {
	{ "page", V_INT, 0, 1, 1000000, NULL, IN(struct queue_in, page), NULL },
	{ "limit", V_INT, 0, 1, 100, NULL, IN(struct queue_in, limit), NULL },
	{ "cursor", V_STRING, 0, 1, 64, NULL, IN(struct queue_in, cursor), list_cursor_check },
};

const struct input review_reports_query = INPUT(struct queue_in, queue_fields, NULL);

enum err
review_reports_list(struct req *r)
{
	const struct queue_in *in = r->qin;
	struct review_queue_page out;
	struct list_pos pos;
	struct page pg = { 0 };
	enum db_rc rc;
	enum err e;

	pg.page = in->page.set ? in->page.i : 1;
	pg.limit = in->limit.set ? in->limit.i : 20;
	if ((e = list_position(r, &in->cursor, pg.page, pg.limit, REVIEW_QUEUE_WINDOW, &pos)) !=
	    ERR_OK)
		return e;
	if ((rc = db_review_queue(r->db, r->a, pos.after_at, pos.after_id, pos.offset, pg.limit,
	    &out)) != DB_OK)
		return fail_db(r, rc);
	pg.total = out.total;
	pg.total_capped = out.total_capped;
	if (out.has_next)
		pg.next_cursor = list_next_cursor(r->a, out.next_at, out.next_id);
	return reply_list(r, MSG_REVIEWS_REPORTED_LIST, out.items, &pg);
}

/* --- PATCH /api/admin/reviews/:id --- */

static const char *const actions[] = { "hide", "restore", "dismiss", NULL };

struct moderate_in {
	struct in_val action, reason;
};

/* hiding a customer's words takes a reason */
static void
check_moderate(const void *p, json_object *errs, enum lang lang)
{
	const struct moderate_in *in = p;

	if (in->action.set && strcmp(in->action.s, "hide") == 0 && !in->reason.set)
		verror_add(errs, lang, "reason", "REQUIRED", MSG_V_MODERATION_REASON);
}

static const struct vfield moderate_fields[] = {
	{ "action", V_ENUM, VF_REQUIRED, 0, 0, actions, IN(struct moderate_in, action), NULL },
	{ "reason", V_STRING, 0, 3, 500, NULL, IN(struct moderate_in, reason), NULL },
};

const struct input review_moderate_input = INPUT(struct moderate_in, moderate_fields,
    check_moderate);

struct moderate_tx {
	long long                 id;
	const struct moderate_in *in;
};

static enum err
moderate_work(struct req *r, void *ctx)
{
	const struct moderate_tx *t = ctx;
	const char *action = t->in->action.s, *to, *what;
	struct review_row peek, rv;
	long long open = 0;
	int was, now;
	json_object *d;
	enum db_rc rc;

	/* the order of every review edit: reviewee, service, then the review */
	if ((rc = db_reviews_get(r->db, r->a, t->id, 0, &peek)) != DB_OK ||
	    (rc = db_reviews_lock_subjects(r->db, r->a, peek.reviewee_id, peek.service_id)) !=
	    DB_OK || (rc = db_reviews_get(r->db, r->a, t->id, 1, &rv)) != DB_OK ||
	    (rc = db_review_open_reports(r->db, r->a, rv.id, &open)) != DB_OK)
		return fail_db(r, rc);
	to = rv.status;
	if (strcmp(action, "hide") == 0) {
		if (strcmp(rv.status, "hidden") == 0)
			return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_HIDDEN_ALREADY);
		to = "hidden";
		what = "review.hide";
	} else if (strcmp(action, "restore") == 0) {
		if (strcmp(rv.status, "hidden") != 0)
			return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NOT_HIDDEN);
		to = "published";
		what = "review.show";
	} else {
		if (open == 0)
			return fail_msg(r, ERR_CONFLICT, MSG_REVIEW_NO_OPEN_REPORTS);
		what = "review.dismiss_reports";
	}
	if (strcmp(to, rv.status) != 0) {
		was = strcmp(rv.status, "published") == 0 ? rv.v.rating : 0;
		now = strcmp(to, "published") == 0 ? rv.v.rating : 0;
		if ((rc = db_reviews_set_status(r->db, r->a, rv.id, to, r->user.id)) != DB_OK ||
		    (rc = db_reviews_tally(r->db, r->a, rv.reviewee_id, rv.service_id, was, now)) !=
		    DB_OK)
			return fail_db(r, rc);
	}
	if (strcmp(action, "restore") != 0 && open > 0 &&
	    (rc = db_review_close_reports(r->db, r->a, rv.id, strcmp(action, "hide") == 0 ?
	    "hidden" : "dismissed", r->user.id)) != DB_OK)
		return fail_db(r, rc);
	d = json_owned(r->a, json_object_new_object());
	json_object_object_add(d, "action", json_object_new_string(action));
	json_object_object_add(d, "from", json_object_new_string(rv.status));
	json_object_object_add(d, "to", json_object_new_string(to));
	json_object_object_add(d, "reportsClosed", json_object_new_int64(
	    strcmp(action, "restore") != 0 ? open : 0));
	if (t->in->reason.set)
		json_object_object_add(d, "reason", json_object_new_string(t->in->reason.s));
	if ((rc = db_activity_record(r->db, r->a, req_actor(r), what, "review", rv.id, d)) != DB_OK)
		return fail_db(r, rc);
	return ERR_OK;
}

enum err
review_moderate(struct req *r)
{
	struct moderate_tx t = { 0, r->in };
	json_object *v;
	enum db_rc rc;
	enum err e;

	if ((e = req_param_id(r, 0, &t.id)) != ERR_OK || (e = req_tx(r, moderate_work, &t)) !=
	    ERR_OK)
		return e;
	if ((rc = db_reviews_view(r->db, r->a, t.id, &v)) != DB_OK)
		return fail_db(r, rc);
	return reply_ok(r, 200, MSG_REVIEW_MODERATED, v);
}
