/* Craftsman recommendations for a job (seed 001 §2.6, §5.12): the score of one
 * candidate, as a plain function of numbers the store has already read, and the order
 * of a list of them. No database, no clock: the same numbers give the same score and
 * the same order. docs/technicians.md, "Recommendations", gives the formula.
 *
 * The score is out of 100 points, the sum of six parts, each its weight times a
 * fraction in [0, 1]:
 *
 *   skill        25  0.6 * focus + 0.4 * experience
 *                    focus = 1 / the number of categories the craftsman lists (the
 *                    job's among them: a specialist is a better match than someone who
 *                    lists every trade); experience = min(years, 10) / 10
 *   distance     20  1 - distance / radius (0 at the edge of the search)
 *   rating       25  (bayesian - 1) / 4, bayesian = (C * m + n * r) / (C + n),
 *                    m = RC_PRIOR_MEAN, C = RC_PRIOR_WEIGHT: a few reviews move a
 *                    rating little from the prior, fifty move it almost all the way
 *   completion   10  (completed + C' * p) / (taken + C'), p = RC_COMPLETION_PRIOR,
 *                    C' = RC_COMPLETION_WEIGHT (taken = completed + dropped)
 *   response     10  H / (H + mean response seconds), H = RC_RESPONSE_HALF_S (an hour
 *                    scores half); no response on record: RC_RESPONSE_UNKNOWN
 *   availability 10  available 1, busy RC_BUSY_FRACTION
 *
 * Each part is rounded to a thousandth of a point, and the score is the sum of the
 * rounded parts, so the parts a client sees add up to the score exactly and equal
 * scores are equal (the order then falls to the lower id). */
#ifndef WARSHA_DOMAIN_RECOMMEND_H
#define WARSHA_DOMAIN_RECOMMEND_H

#include <stddef.h>

#define RC_W_SKILL        25
#define RC_W_DISTANCE     20
#define RC_W_RATING       25
#define RC_W_COMPLETION   10
#define RC_W_RESPONSE     10
#define RC_W_AVAILABILITY 10

#define RC_PRIOR_MEAN        4.0   /* stars a craftsman without reviews is taken to have */
#define RC_PRIOR_WEIGHT     10.0   /* ... worth this many reviews */
#define RC_COMPLETION_PRIOR  0.8   /* the completion rate of one without history */
#define RC_COMPLETION_WEIGHT 5.0   /* ... worth this many jobs */
#define RC_RESPONSE_HALF_S   3600.0
#define RC_RESPONSE_UNKNOWN  0.5
#define RC_BUSY_FRACTION     0.4
#define RC_EXPERIENCE_CAP    10

/* What is known of one candidate (a craftsman with the job's category, inside the
 * search circle). */
struct rc_candidate {
	long long id;
	double    distance_km;
	double    radius_km;        /* the search's radius (> 0) */
	int       specializations;  /* categories listed, the job's included (<= 0: as 1) */
	int       experience_years;
	double    rating;           /* the mean of visible reviews, 1..5 (ignored when 0 of them) */
	long long rating_count;
	long long completed;        /* jobs and bookings completed */
	long long dropped;          /* declined when assigned, or cancelled after setting off */
	long long responses;        /* answers to an assignment or an invitation */
	double    response_seconds; /* their total */
	int       available;        /* 1: available, 0: busy */
};

/* The parts in thousandths of a point; total is their sum. */
enum rc_part {
	RC_SKILL, RC_DISTANCE, RC_RATING, RC_COMPLETION, RC_RESPONSE, RC_AVAILABILITY,
	RC__PARTS
};
struct rc_score {
	long long id;
	long long part[RC__PARTS];
	long long total;
	double    bayesian_rating;  /* the rating the rating part used */
	double    completion_rate;  /* completed / taken, or -1 with none taken */
	double    mean_response_s;  /* or -1 with no response on record */
};

/* The JSON names of the parts, in enum rc_part order. */
extern const char *const rc_part_names[RC__PARTS];

/* The Bayesian average of count ratings of this mean. */
double rc_bayesian(double mean, long long count);
void   rc_score(const struct rc_candidate *c, struct rc_score *out);
/* Best first: the higher total, then the lower id. */
int    rc_compare(const struct rc_score *a, const struct rc_score *b);
void   rc_rank(struct rc_score *s, size_t n);

#endif
