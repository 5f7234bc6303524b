/* Service progress (seed 000, "Service Progress Tracking"): the work stages a
 * technician reports on a booking, its blockers, quality checks and customer
 * interactions. Plain functions over plain values: no database, no HTTP.
 *
 * The booking's own statuses (booking.h) carry the journey up to the technician's
 * arrival; the work after it is four stages, in this order, each pending, in progress,
 * completed, skipped or failed. docs/bookings.md, "Progress", draws the rules. */
#ifndef WARSHA_DOMAIN_PROGRESS_H
#define WARSHA_DOMAIN_PROGRESS_H

#include <stddef.h>

#include "booking.h"

/* The work stages, in the order they are worked (seed 000's currentStage words). */
enum pg_stage {
	PG_STAGE_NONE = 0,
	PG_DIAGNOSIS,
	PG_PARTS_NEEDED,
	PG_WORK_IN_PROGRESS,
	PG_QUALITY_CHECK,
	PG__STAGES
};
#define PG_NSTAGES (PG__STAGES - 1)

/* A stage's status (seed 000's stages[].status). */
enum pg_stage_status {
	PGS_NONE = 0,
	PGS_PENDING,
	PGS_IN_PROGRESS,
	PGS_COMPLETED,
	PGS_SKIPPED,
	PGS_FAILED,
	PGS__MAX
};

/* One stage as the rules see it. */
struct pg_stage_state {
	enum pg_stage_status status;
	int                  percent;     /* 0..100 */
};

enum pg_result {
	PG_OK = 0,
	PG_BAD_MOVE,      /* the stage's status cannot go there: 409 */
	PG_OUT_OF_ORDER,  /* an earlier stage is not done, or a later one has begun: 409 */
	PG_BLOCKED,       /* an open blocker of high or critical impact: 409 */
	PG_NOT_SKIPPABLE  /* the work itself is never skipped: 409 */
};

const char          *pg_stage_name(enum pg_stage s);
enum pg_stage        pg_stage_parse(const char *word);
const char          *pg_stage_status_name(enum pg_stage_status s);
enum pg_stage_status pg_stage_status_parse(const char *word);

/* Whether stage s (1-based, stages[s - 1] is its state) may go to status `to` now.
 * stages holds all PG_NSTAGES stages in order. blocked: the booking has an open blocker
 * whose impact stops completion (pg_impact_blocks). Staying in progress (a new percent
 * or note) is a move too, and follows the same rules. */
enum pg_result pg_stage_move(const struct pg_stage_state *stages, enum pg_stage s,
    enum pg_stage_status to, int blocked);

/* The percent a stage keeps after moving to `to` with the given percent (-1: none
 * given) from `before`: completed is 100, pending and skipped 0, in progress and
 * failed keep what was given (else what they had), within 0..100. */
int pg_stage_percent(enum pg_stage_status to, int given, int before);

/* The booking's overall progress in percent: 100 once the booking's work is done
 * (completed and after), else the mean of the stages that are not skipped (0 when all
 * are), rounded down. */
int pg_overall_percent(const struct pg_stage_state *stages, size_t n, enum bk_status booking);

/* Seed 000's currentStage word for a booking in status b with these work stages:
 * the booking's own step before the work (under_review, approved, technician_assigned,
 * technician_notified, on_way, arrived), the stage in progress (or the last that
 * failed, or the next pending one) during the work, and completed, cancelled or
 * rejected at the end. */
const char *pg_current_stage(enum bk_status b, const struct pg_stage_state *stages, size_t n);

/* What a write changes, for pg_writable(). */
enum pg_write {
	PG_W_STAGE,        /* a stage's status, percent, notes */
	PG_W_QUALITY,      /* a quality check */
	PG_W_BLOCKER,      /* a blocker reported or resolved */
	PG_W_INTERACTION,  /* a customer interaction logged, or the customer's answer */
	PG_W_MILESTONE,    /* a milestone added or reached */
	PG__WRITES
};

/* Whether a booking in status b takes this write: the stages and quality checks while
 * the technician is there or at work; blockers, interactions and milestones from the
 * technician's acceptance on. A finished, cancelled or rejected booking takes none. */
int pg_writable(enum bk_status b, enum pg_write w);

/* Blockers (seed 000's blockers[]). */
enum pg_impact { PGI_NONE = 0, PGI_LOW, PGI_MEDIUM, PGI_HIGH, PGI_CRITICAL, PGI__MAX };
const char    *pg_impact_name(enum pg_impact i);
enum pg_impact pg_impact_parse(const char *word);
/* An open blocker of this impact stops any stage from being completed. */
int            pg_impact_blocks(enum pg_impact i);

/* Quality checks: each criterion is ok, issue or critical; a check passed, needs
 * attention or failed. */
enum pg_criterion { PGC_NONE = 0, PGC_OK, PGC_ISSUE, PGC_CRITICAL, PGC__MAX };
enum pg_check { PGK_NONE = 0, PGK_PASSED, PGK_NEEDS_ATTENTION, PGK_FAILED, PGK__MAX };
const char       *pg_criterion_name(enum pg_criterion c);
enum pg_criterion pg_criterion_parse(const char *word);
const char       *pg_check_name(enum pg_check k);
enum pg_check     pg_check_parse(const char *word);
/* The worst criterion decides: a critical one fails the check, an issue needs
 * attention, all ok (or none) passes. */
enum pg_check     pg_check_from_criteria(const enum pg_criterion *c, size_t n);
/* Whether an inspector's verdict stands beside the criteria: it may be stricter than
 * they are, never kinder (no pass over a critical criterion). */
int               pg_check_fits(enum pg_check given, enum pg_check derived);

/* Customer interactions (seed 000's customerInteractions[].type, plus message and
 * approval_request). */
enum pg_interaction {
	PGN_NONE = 0, PGN_CALL, PGN_SMS, PGN_IN_PERSON, PGN_APP_NOTIFICATION, PGN_MESSAGE,
	PGN_APPROVAL_REQUEST, PGN__MAX
};
const char         *pg_interaction_name(enum pg_interaction t);
enum pg_interaction pg_interaction_parse(const char *word);
/* The customer answers it in the app (and is told of it): a message, an app
 * notification, an approval request. A call, an SMS or a visit is logged by the
 * technician with the answer it got. */
int                 pg_interaction_awaits_answer(enum pg_interaction t);

#endif
