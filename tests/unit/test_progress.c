/* domain/progress: the work stages' order and moves, percentages, the current stage,
 * which booking statuses take progress, blockers, quality checks, interactions. */
#include <string.h>

#include "domain/progress.h"
#include "check.h"

#define P PGS_PENDING
#define I PGS_IN_PROGRESS
#define C PGS_COMPLETED
#define S PGS_SKIPPED
#define F PGS_FAILED

static void
set(struct pg_stage_state *st, enum pg_stage_status a, enum pg_stage_status b,
    enum pg_stage_status c, enum pg_stage_status d)
{
	enum pg_stage_status v[PG_NSTAGES] = { a, b, c, d };
	int i;

	for (i = 0; i < PG_NSTAGES; i++) {
		st[i].status = v[i];
		st[i].percent = v[i] == C ? 100 : 0;
	}
}

TEST(names_round_trip)
{
	int i;

	for (i = 1; i < PG__STAGES; i++)
		CHECK_INT(pg_stage_parse(pg_stage_name((enum pg_stage)i)), i);
	for (i = 1; i < PGS__MAX; i++)
		CHECK_INT(pg_stage_status_parse(pg_stage_status_name((enum pg_stage_status)i)), i);
	for (i = 1; i < PGI__MAX; i++)
		CHECK_INT(pg_impact_parse(pg_impact_name((enum pg_impact)i)), i);
	for (i = 1; i < PGC__MAX; i++)
		CHECK_INT(pg_criterion_parse(pg_criterion_name((enum pg_criterion)i)), i);
	for (i = 1; i < PGK__MAX; i++)
		CHECK_INT(pg_check_parse(pg_check_name((enum pg_check)i)), i);
	for (i = 1; i < PGN__MAX; i++)
		CHECK_INT(pg_interaction_parse(pg_interaction_name((enum pg_interaction)i)), i);
	CHECK_STR(pg_stage_name(PG_DIAGNOSIS), "diagnosis");
	CHECK_STR(pg_stage_name(PG_QUALITY_CHECK), "quality_check");
	CHECK(pg_stage_parse("on_way") == PG_STAGE_NONE);
	CHECK(pg_stage_parse(NULL) == PG_STAGE_NONE);
	CHECK(pg_stage_name(PG_STAGE_NONE) == NULL && pg_stage_name(PG__STAGES) == NULL);
	CHECK(pg_impact_parse("severe") == PGI_NONE);
}

TEST(stages_go_in_order)
{
	struct pg_stage_state st[PG_NSTAGES];

	set(st, P, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, I, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, C, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_PARTS_NEEDED, I, 0), PG_OUT_OF_ORDER);
	CHECK_INT(pg_stage_move(st, PG_WORK_IN_PROGRESS, I, 0), PG_OUT_OF_ORDER);
	CHECK_INT(pg_stage_move(st, PG_PARTS_NEEDED, S, 0), PG_OUT_OF_ORDER);
	set(st, I, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, I, 0), PG_OK);    /* a new percent */
	CHECK_INT(pg_stage_move(st, PG_PARTS_NEEDED, I, 0), PG_OUT_OF_ORDER);
	set(st, C, S, P, P);
	CHECK_INT(pg_stage_move(st, PG_WORK_IN_PROGRESS, I, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_PARTS_NEEDED, I, 0), PG_OK);  /* needed after all */
	set(st, C, S, I, P);
	CHECK_INT(pg_stage_move(st, PG_PARTS_NEEDED, I, 0), PG_OUT_OF_ORDER);
	CHECK_INT(pg_stage_move(st, PG_QUALITY_CHECK, I, 0), PG_OUT_OF_ORDER);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, I, 0), PG_BAD_MOVE);  /* completed is an end */
	set(st, C, C, C, P);
	CHECK_INT(pg_stage_move(st, PG_QUALITY_CHECK, C, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_QUALITY_CHECK, S, 0), PG_OK);
}

TEST(stage_moves)
{
	struct pg_stage_state st[PG_NSTAGES];

	set(st, P, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, P, 0), PG_BAD_MOVE);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, F, 0), PG_BAD_MOVE);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, S, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_STAGE_NONE, I, 0), PG_BAD_MOVE);
	CHECK_INT(pg_stage_move(st, PG__STAGES, I, 0), PG_BAD_MOVE);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, PGS_NONE, 0), PG_BAD_MOVE);
	set(st, F, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, I, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, C, 0), PG_BAD_MOVE);
	set(st, I, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, F, 0), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, S, 0), PG_BAD_MOVE);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, P, 0), PG_BAD_MOVE);
	/* the work itself is never skipped */
	set(st, C, C, P, P);
	CHECK_INT(pg_stage_move(st, PG_WORK_IN_PROGRESS, S, 0), PG_NOT_SKIPPABLE);
}

TEST(a_serious_blocker_stops_completion_only)
{
	struct pg_stage_state st[PG_NSTAGES];

	set(st, I, P, P, P);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, C, 1), PG_BLOCKED);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, I, 1), PG_OK);
	CHECK_INT(pg_stage_move(st, PG_DIAGNOSIS, F, 1), PG_OK);
	CHECK(!pg_impact_blocks(PGI_LOW) && !pg_impact_blocks(PGI_MEDIUM));
	CHECK(pg_impact_blocks(PGI_HIGH) && pg_impact_blocks(PGI_CRITICAL));
	CHECK(!pg_impact_blocks(PGI_NONE));
}

TEST(percentages)
{
	struct pg_stage_state st[PG_NSTAGES];

	CHECK_INT(pg_stage_percent(C, 40, 10), 100);
	CHECK_INT(pg_stage_percent(I, 40, 10), 40);
	CHECK_INT(pg_stage_percent(I, -1, 10), 10);
	CHECK_INT(pg_stage_percent(I, 140, 10), 100);
	CHECK_INT(pg_stage_percent(F, -1, 70), 70);
	CHECK_INT(pg_stage_percent(S, 50, 50), 0);
	CHECK_INT(pg_stage_percent(P, 50, 50), 0);

	set(st, P, P, P, P);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_ARRIVED), 0);
	set(st, C, S, I, P);
	st[2].percent = 50;
	/* (100 + 50 + 0) / 3 stages that count */
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_IN_PROGRESS), 50);
	set(st, C, C, C, C);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_IN_PROGRESS), 100);
	set(st, C, P, P, P);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_IN_PROGRESS), 25);
	set(st, S, S, S, S);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_IN_PROGRESS), 0);
	set(st, P, P, P, P);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_COMPLETED), 100);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_PAID), 100);
	CHECK_INT(pg_overall_percent(st, PG_NSTAGES, BK_CANCELLED), 0);
}

TEST(the_current_stage)
{
	struct pg_stage_state st[PG_NSTAGES];

	set(st, P, P, P, P);
	CHECK_STR(pg_current_stage(BK_PENDING_APPROVAL, st, PG_NSTAGES), "under_review");
	CHECK_STR(pg_current_stage(BK_APPROVED, st, PG_NSTAGES), "approved");
	CHECK_STR(pg_current_stage(BK_TECHNICIAN_ASSIGNED, st, PG_NSTAGES), "technician_assigned");
	CHECK_STR(pg_current_stage(BK_ACCEPTED, st, PG_NSTAGES), "technician_notified");
	CHECK_STR(pg_current_stage(BK_ON_WAY, st, PG_NSTAGES), "on_way");
	CHECK_STR(pg_current_stage(BK_ARRIVED, st, PG_NSTAGES), "arrived");
	CHECK_STR(pg_current_stage(BK_IN_PROGRESS, st, PG_NSTAGES), "diagnosis");
	CHECK_STR(pg_current_stage(BK_COMPLETED, st, PG_NSTAGES), "completed");
	CHECK_STR(pg_current_stage(BK_VERIFIED, st, PG_NSTAGES), "completed");
	CHECK_STR(pg_current_stage(BK_CANCELLED, st, PG_NSTAGES), "cancelled");
	CHECK_STR(pg_current_stage(BK_REJECTED, st, PG_NSTAGES), "rejected");
	CHECK_STR(pg_current_stage(BK_POSTED, st, PG_NSTAGES), "submitted");
	set(st, C, I, P, P);
	CHECK_STR(pg_current_stage(BK_ARRIVED, st, PG_NSTAGES), "parts_needed");
	set(st, C, S, F, P);
	CHECK_STR(pg_current_stage(BK_IN_PROGRESS, st, PG_NSTAGES), "work_in_progress");
	set(st, C, S, P, P);
	CHECK_STR(pg_current_stage(BK_IN_PROGRESS, st, PG_NSTAGES), "work_in_progress");
	set(st, C, S, C, C);
	CHECK_STR(pg_current_stage(BK_IN_PROGRESS, st, PG_NSTAGES), "quality_check");
}

TEST(which_statuses_take_progress)
{
	int s, w;

	for (s = BK_NONE; s < BK__STATUSES; s++) {
		int working = s == BK_ARRIVED || s == BK_IN_PROGRESS;
		int engaged = working || s == BK_ACCEPTED || s == BK_HIRED || s == BK_ON_WAY;

		CHECK_INT(pg_writable((enum bk_status)s, PG_W_STAGE), working);
		CHECK_INT(pg_writable((enum bk_status)s, PG_W_QUALITY), working);
		CHECK_INT(pg_writable((enum bk_status)s, PG_W_BLOCKER), engaged);
		CHECK_INT(pg_writable((enum bk_status)s, PG_W_INTERACTION), engaged);
		CHECK_INT(pg_writable((enum bk_status)s, PG_W_MILESTONE), engaged);
	}
	/* a finished booking takes nothing */
	for (w = 0; w < PG__WRITES; w++) {
		CHECK(!pg_writable(BK_COMPLETED, (enum pg_write)w));
		CHECK(!pg_writable(BK_CANCELLED, (enum pg_write)w));
		CHECK(!pg_writable(BK_VERIFIED, (enum pg_write)w));
	}
	CHECK(!pg_writable(BK_IN_PROGRESS, PG__WRITES));
}

TEST(quality_checks)
{
	enum pg_criterion ok[] = { PGC_OK, PGC_OK };
	enum pg_criterion issue[] = { PGC_OK, PGC_ISSUE, PGC_OK };
	enum pg_criterion crit[] = { PGC_ISSUE, PGC_CRITICAL, PGC_OK };

	CHECK_INT(pg_check_from_criteria(ok, 2), PGK_PASSED);
	CHECK_INT(pg_check_from_criteria(ok, 0), PGK_PASSED);
	CHECK_INT(pg_check_from_criteria(issue, 3), PGK_NEEDS_ATTENTION);
	CHECK_INT(pg_check_from_criteria(crit, 3), PGK_FAILED);
	/* stricter than the criteria, never kinder */
	CHECK(pg_check_fits(PGK_PASSED, PGK_PASSED));
	CHECK(pg_check_fits(PGK_FAILED, PGK_PASSED));
	CHECK(pg_check_fits(PGK_NEEDS_ATTENTION, PGK_PASSED));
	CHECK(!pg_check_fits(PGK_PASSED, PGK_NEEDS_ATTENTION));
	CHECK(!pg_check_fits(PGK_NEEDS_ATTENTION, PGK_FAILED));
	CHECK(pg_check_fits(PGK_FAILED, PGK_FAILED));
	CHECK(!pg_check_fits(PGK_NONE, PGK_PASSED));
}

TEST(interactions)
{
	CHECK(pg_interaction_awaits_answer(PGN_APPROVAL_REQUEST));
	CHECK(pg_interaction_awaits_answer(PGN_MESSAGE));
	CHECK(pg_interaction_awaits_answer(PGN_APP_NOTIFICATION));
	CHECK(!pg_interaction_awaits_answer(PGN_CALL));
	CHECK(!pg_interaction_awaits_answer(PGN_SMS));
	CHECK(!pg_interaction_awaits_answer(PGN_IN_PERSON));
	CHECK(!pg_interaction_awaits_answer(PGN_NONE));
}
