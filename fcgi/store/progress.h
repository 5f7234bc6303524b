/* progress: a booking's service progress (sql/migrations/0013_booking_progress.sql):
 * work stages, milestones, blockers, quality checks and their criteria, customer
 * interactions, and the history of progress writes.
 *
 * The store knows columns, not rules: statuses, types and impacts come as the words the
 * handler gives (fcgi/domain/progress.h decides them). Every write runs inside the
 * handler's req_tx() with the booking's row locked (db_bookings_get(.., lock 1)), which
 * orders the progress writes of one booking. Each per-booking list reads one range of
 * its index (booking_id, ...), newest first, at most PROGRESS_LIST_MAX rows. */
#ifndef WARSHA_STORE_PROGRESS_H
#define WARSHA_STORE_PROGRESS_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_progress;

/* How many rows each list of the progress shows (the newest); the history of writes
 * shows PROGRESS_HISTORY_MAX. */
#define PROGRESS_LIST_MAX 100
#define PROGRESS_HISTORY_MAX 50

/* One work stage's row. */
struct progress_stage {
	const char *stage;          /* diagnosis, ... */
	int         position;       /* 1.. in the order of the work */
	const char *status;         /* pending, in_progress, completed, skipped, failed */
	int         percent;
	const char *notes;
	long long   estimated;      /* minutes; -1: not given */
	const char *started_at;     /* NULL: not started */
	long long   version;
};

/* The booking's stages in order (n 0: not written yet). */
enum db_rc db_progress_stages(struct db *db, struct arena *a, long long booking_id,
    struct progress_stage *out, size_t max, size_t *n);
/* Writes one stage row (its first write). */
enum db_rc db_progress_stage_insert(struct db *db, struct arena *a, long long booking_id,
    const char *stage, int position);
/* What one stage update writes. started: set the start time if it has none; completed:
 * the completion time is now (else none). */
struct progress_stage_set {
	const char *status;
	int         percent;
	const char *notes;          /* NULL: none */
	long long   estimated;      /* -1: none */
	int         started, completed;
	long long   actor_id;
};
enum db_rc db_progress_stage_update(struct db *db, struct arena *a, long long booking_id,
    const char *stage, const struct progress_stage_set *s);

/* The impacts of the booking's open blockers, one string each (an array of n). */
enum db_rc db_progress_open_impacts(struct db *db, struct arena *a, long long booking_id,
    const char ***impacts, size_t *n);
enum db_rc db_progress_blocker_insert(struct db *db, struct arena *a, long long booking_id,
    const char *type, const char *description, const char *impact, long long actor_id,
    long long *id);
/* The blocker of this booking, locked: *open is 1 while it is not resolved; its type and
 * impact. DB_NOTFOUND when the booking has no such blocker. */
enum db_rc db_progress_blocker_lock(struct db *db, struct arena *a, long long booking_id,
    long long id, int *open, const char **type, const char **impact);
enum db_rc db_progress_blocker_resolve(struct db *db, struct arena *a, long long booking_id,
    long long id, const char *resolution, long long actor_id);

/* A quality check; then each criterion at its position (0..). */
enum db_rc db_progress_check_insert(struct db *db, struct arena *a, long long booking_id,
    const char *check_type, const char *status, const char *notes, long long actor_id,
    long long *id);
enum db_rc db_progress_criterion_insert(struct db *db, struct arena *a, long long booking_id,
    long long check_id, int position, const char *item, const char *status,
    const char *notes);

/* An interaction: response given for those logged with their answer (or NULL). */
struct progress_interaction_new {
	const char *type, *content, *response;
	int         satisfaction;   /* 0: none */
	long long   actor_id;
};
enum db_rc db_progress_interaction_insert(struct db *db, struct arena *a, long long booking_id,
    const struct progress_interaction_new *in, long long *id);
/* The interaction of this booking, locked: its type, who logged it, and whether it was
 * answered. DB_NOTFOUND when the booking has no such interaction. */
enum db_rc db_progress_interaction_lock(struct db *db, struct arena *a, long long booking_id,
    long long id, const char **type, long long *initiated_by, int *answered);
/* The customer's answer: approved -1 (none), 0 or 1; satisfaction 0 (none) or 1..5;
 * responder 0 for a guest. */
enum db_rc db_progress_interaction_answer(struct db *db, struct arena *a, long long booking_id,
    long long id, const char *response, int approved, int satisfaction, long long responder);

enum db_rc db_progress_milestone_insert(struct db *db, struct arena *a, long long booking_id,
    const char *name, const char *description, const char *priority, const char *target_at,
    long long actor_id, long long *id);
/* Locked: *reached is 1 once it was reached. DB_NOTFOUND when there is no such one. */
enum db_rc db_progress_milestone_lock(struct db *db, struct arena *a, long long booking_id,
    long long id, int *reached);
enum db_rc db_progress_milestone_reach(struct db *db, struct arena *a, long long booking_id,
    long long id);

/* One row of the history of progress writes. */
struct progress_update {
	const char *kind, *action, *stage;
	long long   item_id;        /* 0: none */
	const char *from_status, *to_status;
	int         percent;        /* -1: none */
	long long   actor_id;       /* 0: a guest */
	const char *actor_role, *note;
};
enum db_rc db_progress_update_insert(struct db *db, struct arena *a, long long booking_id,
    const struct progress_update *u);

/* The lists as the API shows them (JSON arrays the caller owns), newest first but the
 * stages, which come in the order of the work. */
struct progress_lists {
	json_object *stages, *milestones, *blockers, *checks, *interactions, *history;
};
enum db_rc db_progress_lists(struct db *db, struct arena *a, long long booking_id,
    struct progress_lists *out);
void       progress_lists_put(struct progress_lists *l);

#endif
