#include "progress.h"

#include <string.h>

static const char *const stage_names[PG__STAGES] = {
	[PG_DIAGNOSIS] = "diagnosis", [PG_PARTS_NEEDED] = "parts_needed",
	[PG_WORK_IN_PROGRESS] = "work_in_progress", [PG_QUALITY_CHECK] = "quality_check",
};

static const char *const status_names[PGS__MAX] = {
	[PGS_PENDING] = "pending", [PGS_IN_PROGRESS] = "in_progress",
	[PGS_COMPLETED] = "completed", [PGS_SKIPPED] = "skipped", [PGS_FAILED] = "failed",
};

static const char *const impact_names[PGI__MAX] = {
	[PGI_LOW] = "low", [PGI_MEDIUM] = "medium", [PGI_HIGH] = "high",
	[PGI_CRITICAL] = "critical",
};

static const char *const criterion_names[PGC__MAX] = {
	[PGC_OK] = "ok", [PGC_ISSUE] = "issue", [PGC_CRITICAL] = "critical",
};

static const char *const check_names[PGK__MAX] = {
	[PGK_PASSED] = "passed", [PGK_NEEDS_ATTENTION] = "needs_attention",
	[PGK_FAILED] = "failed",
};

static const char *const interaction_names[PGN__MAX] = {
	[PGN_CALL] = "call", [PGN_SMS] = "sms", [PGN_IN_PERSON] = "in_person",
	[PGN_APP_NOTIFICATION] = "app_notification", [PGN_MESSAGE] = "message",
	[PGN_APPROVAL_REQUEST] = "approval_request",
};

/* names[1..n-1] are the words; 0 is "none" */
static const char *
name_of(const char *const *names, int n, int v)
{
	return v > 0 && v < n ? names[v] : NULL;
}

static int
parse_of(const char *const *names, int n, const char *word)
{
	int i;

	if (word == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], word) == 0)
			return i;
	return 0;
}

const char *
pg_stage_name(enum pg_stage s)
{
	return name_of(stage_names, PG__STAGES, s);
}

enum pg_stage
pg_stage_parse(const char *word)
{
	return (enum pg_stage)parse_of(stage_names, PG__STAGES, word);
}

const char *
pg_stage_status_name(enum pg_stage_status s)
{
	return name_of(status_names, PGS__MAX, s);
}

enum pg_stage_status
pg_stage_status_parse(const char *word)
{
	return (enum pg_stage_status)parse_of(status_names, PGS__MAX, word);
}

const char *
pg_impact_name(enum pg_impact i)
{
	return name_of(impact_names, PGI__MAX, i);
}

enum pg_impact
pg_impact_parse(const char *word)
{
	return (enum pg_impact)parse_of(impact_names, PGI__MAX, word);
}

const char *
pg_criterion_name(enum pg_criterion c)
{
	return name_of(criterion_names, PGC__MAX, c);
}

enum pg_criterion
pg_criterion_parse(const char *word)
{
	return (enum pg_criterion)parse_of(criterion_names, PGC__MAX, word);
}

const char *
pg_check_name(enum pg_check k)
{
	return name_of(check_names, PGK__MAX, k);
}

enum pg_check
pg_check_parse(const char *word)
{
	return (enum pg_check)parse_of(check_names, PGK__MAX, word);
}

const char *
pg_interaction_name(enum pg_interaction t)
{
	return name_of(interaction_names, PGN__MAX, t);
}

enum pg_interaction
pg_interaction_parse(const char *word)
{
	return (enum pg_interaction)parse_of(interaction_names, PGN__MAX, word);
}

/* --- stages --- */

/* The moves of one stage's status: from, to. Staying in progress is a move (a new
 * percent or note); completed is an end; a failed stage is tried again. */
static const struct { enum pg_stage_status from, to; } stage_moves[] = {
	{ PGS_PENDING,     PGS_IN_PROGRESS },
	{ PGS_PENDING,     PGS_COMPLETED },     /* a quick stage reported when done */
	{ PGS_PENDING,     PGS_SKIPPED },
	{ PGS_IN_PROGRESS, PGS_IN_PROGRESS },
	{ PGS_IN_PROGRESS, PGS_COMPLETED },
	{ PGS_IN_PROGRESS, PGS_FAILED },
	{ PGS_FAILED,      PGS_IN_PROGRESS },
	{ PGS_SKIPPED,     PGS_IN_PROGRESS },   /* needed after all, while nothing later began */
};

static int
done(enum pg_stage_status s)
{
	return s == PGS_COMPLETED || s == PGS_SKIPPED;
}

enum pg_result
pg_stage_move(const struct pg_stage_state *stages, enum pg_stage s, enum pg_stage_status to,
    int blocked)
{
	enum pg_stage_status from;
	size_t i, k, found = 0;

	if (s <= PG_STAGE_NONE || s >= PG__STAGES || to <= PGS_NONE || to >= PGS__MAX)
		return PG_BAD_MOVE;
	k = (size_t)s - 1;
	from = stages[k].status;
	for (i = 0; i < sizeof(stage_moves) / sizeof(stage_moves[0]); i++)
		if (stage_moves[i].from == from && stage_moves[i].to == to)
			found = 1;
	if (!found)
		return PG_BAD_MOVE;
	if (to == PGS_SKIPPED && s == PG_WORK_IN_PROGRESS)
		return PG_NOT_SKIPPABLE;
	/* in order: every earlier stage done, no later one begun */
	for (i = 0; i < k; i++)
		if (!done(stages[i].status))
			return PG_OUT_OF_ORDER;
	for (i = k + 1; i < PG_NSTAGES; i++)
		if (stages[i].status != PGS_PENDING && stages[i].status != PGS_SKIPPED)
			return PG_OUT_OF_ORDER;
	if (to == PGS_COMPLETED && blocked)
		return PG_BLOCKED;
	return PG_OK;
}

int
pg_stage_percent(enum pg_stage_status to, int given, int before)
{
	int p;

	switch (to) {
	case PGS_COMPLETED:
		return 100;
	case PGS_IN_PROGRESS:
	case PGS_FAILED:
		p = given >= 0 ? given : before;
		return p < 0 ? 0 : p > 100 ? 100 : p;
	default:
		return 0;
	}
}

static int
work_done(enum bk_status b)
{
	return b == BK_COMPLETED || b == BK_VERIFIED || b == BK_PAYMENT_PENDING ||
	    b == BK_PAID || b == BK_DISPUTED;
}

int
pg_overall_percent(const struct pg_stage_state *stages, size_t n, enum bk_status booking)
{
	size_t i, counted = 0;
	long sum = 0;

	if (work_done(booking))
		return 100;
	for (i = 0; i < n; i++) {
		if (stages[i].status == PGS_SKIPPED)
			continue;
		counted++;
		sum += stages[i].status == PGS_COMPLETED ? 100 :
		    stages[i].status == PGS_PENDING ? 0 : stages[i].percent;
	}
	return counted == 0 ? 0 : (int)(sum / (long)counted);
}

const char *
pg_current_stage(enum bk_status b, const struct pg_stage_state *stages, size_t n)
{
	size_t i;
	int begun = 0;

	if (work_done(b))
		return "completed";
	switch (b) {
	case BK_CANCELLED: return "cancelled";
	case BK_REJECTED: return "rejected";
	case BK_POSTED: case BK_QUOTED: return "submitted";
	case BK_PENDING_APPROVAL: return "under_review";
	case BK_APPROVED: return "approved";
	case BK_HIRED: case BK_TECHNICIAN_ASSIGNED: return "technician_assigned";
	case BK_ACCEPTED: return "technician_notified";
	case BK_ON_WAY: return "on_way";
	case BK_ARRIVED: case BK_IN_PROGRESS: break;
	default: return "submitted";
	}
	for (i = 0; i < n; i++) {
		if (stages[i].status == PGS_IN_PROGRESS || stages[i].status == PGS_FAILED)
			return pg_stage_name((enum pg_stage)(i + 1));
		if (stages[i].status != PGS_PENDING)
			begun = 1;
	}
	if (!begun && b == BK_ARRIVED)
		return "arrived";
	for (i = 0; i < n; i++)
		if (stages[i].status == PGS_PENDING)
			return pg_stage_name((enum pg_stage)(i + 1));
	return "quality_check";    /* every stage done: the check before the end */
}

int
pg_writable(enum bk_status b, enum pg_write w)
{
	switch (w) {
	case PG_W_STAGE:
	case PG_W_QUALITY:
		return b == BK_ARRIVED || b == BK_IN_PROGRESS;
	case PG_W_BLOCKER:
	case PG_W_INTERACTION:
	case PG_W_MILESTONE:
		return b == BK_ACCEPTED || b == BK_HIRED || b == BK_ON_WAY || b == BK_ARRIVED ||
		    b == BK_IN_PROGRESS;
	default:
		return 0;
	}
}

int
pg_impact_blocks(enum pg_impact i)
{
	return i == PGI_HIGH || i == PGI_CRITICAL;
}

enum pg_check
pg_check_from_criteria(const enum pg_criterion *c, size_t n)
{
	enum pg_check k = PGK_PASSED;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i] == PGC_CRITICAL)
			return PGK_FAILED;
		if (c[i] == PGC_ISSUE)
			k = PGK_NEEDS_ATTENTION;
	}
	return k;
}

int
pg_check_fits(enum pg_check given, enum pg_check derived)
{
	/* the enum is ordered from kindest to strictest */
	return given > PGK_NONE && given < PGK__MAX && given >= derived;
}

int
pg_interaction_awaits_answer(enum pg_interaction t)
{
	return t == PGN_APP_NOTIFICATION || t == PGN_MESSAGE || t == PGN_APPROVAL_REQUEST;
}
