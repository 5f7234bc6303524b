/* Double-blind reviews of jobs (seed 001 §2.3, §7.7; docs/reviews.md, "Double-blind
 * reviews of jobs"): after a job is completed its client and its hired craftsman each
 * review the other once; a review stays pending (shown to its author and staff only, not
 * counted) until both have reviewed, when both show at once, or until the reveal window
 * (the review_reveal_days setting) has passed since the job's completion, when the
 * reveal-reviews maintenance task shows it. Plain functions over plain values. */
#ifndef WARSHA_DOMAIN_BLIND_REVIEW_H
#define WARSHA_DOMAIN_BLIND_REVIEW_H

/* The reveal window when the setting is absent, and the setting's bounds. */
#define BR_DEFAULT_DAYS 14
#define BR_MIN_DAYS     1
#define BR_MAX_DAYS     60

/* Which side of a job the caller is. */
enum br_side {
	BR_NONE = 0,      /* no party of the job */
	BR_CLIENT,        /* the job's owner: reviews the craftsman */
	BR_CRAFTSMAN      /* the hired technician: reviews the client */
};

/* Why a job review is refused (each maps to one answer: see the handler). */
enum br_result {
	BR_OK = 0,
	BR_NOT_PARTY,       /* 404 (403 to staff, who see the job) */
	BR_NO_CRAFTSMAN,    /* nobody was hired: nobody to review (409) */
	BR_NOT_COMPLETED,   /* the job is not completed (409) */
	BR_WINDOW_CLOSED,   /* the reveal window has passed: reviews are closed (409) */
};

/* The caller's side of a job of this client and craftsman (0: none). The client and the
 * craftsman are never one user; if they were, the client's side wins. */
enum br_side br_side_of(long long client_id, long long craftsman_id, long long caller_id);

/* The user a side reviews: the craftsman for the client, the client for the craftsman;
 * 0 for BR_NONE. */
long long br_reviewee(enum br_side side, long long client_id, long long craftsman_id);

/* Whether the job's stored status lets its parties review it: completed, and the
 * payment steps after it (verified, payment_pending, paid). A disputed job waits. */
int br_completed(const char *status);

/* Whether the reveal window has passed: the seconds since the job's completion
 * (negative: no completion time known, the window is open) against days. */
int br_window_passed(long long seconds_since_completion, long long days);

/* May this caller write a review of this job now? Every rule above, in the order the
 * answers are given: party, completed, hired craftsman, window. */
enum br_result br_may_review(long long client_id, long long craftsman_id, long long caller_id,
    const char *status, long long seconds_since_completion, long long days);

/* Whether a review's words and stars may still change: a job review only while it is
 * pending (once both sides have read each other, a change would be a reply in disguise);
 * a service booking's review always (its author's right, docs/reviews.md). */
int br_may_change(const char *booking_kind, const char *review_status);

/* The setting's value, or the default when it is absent (value < 0) or out of bounds. */
long long br_days(long long value);

#endif
