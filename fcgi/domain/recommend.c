#include "recommend.h"

#include <math.h>
#include <stdlib.h>

const char *const rc_part_names[RC__PARTS] = {
	[RC_SKILL] = "skill", [RC_DISTANCE] = "distance", [RC_RATING] = "rating",
	[RC_COMPLETION] = "completion", [RC_RESPONSE] = "response",
	[RC_AVAILABILITY] = "availability",
};

static double
clamp01(double x)
{
	if (!(x > 0))     /* NaN too */
		return 0;
	return x > 1 ? 1 : x;
}

/* weight * fraction in thousandths of a point */
static long long
milli(int weight, double fraction)
{
	return llround(weight * clamp01(fraction) * 1000.0);
}

double
rc_bayesian(double mean, long long count)
{
	if (count <= 0 || !isfinite(mean))
		return RC_PRIOR_MEAN;
	return (RC_PRIOR_WEIGHT * RC_PRIOR_MEAN + (double)count * mean) /
	    (RC_PRIOR_WEIGHT + (double)count);
}

void
rc_score(const struct rc_candidate *c, struct rc_score *out)
{
	int nspec = c->specializations > 0 ? c->specializations : 1;
	int years = c->experience_years < 0 ? 0 : c->experience_years;
	long long taken = (c->completed > 0 ? c->completed : 0) + (c->dropped > 0 ? c->dropped : 0);
	double skill, completion, response;
	size_t i;

	if (years > RC_EXPERIENCE_CAP)
		years = RC_EXPERIENCE_CAP;
	skill = 0.6 / nspec + 0.4 * years / RC_EXPERIENCE_CAP;
	out->id = c->id;
	out->bayesian_rating = rc_bayesian(c->rating, c->rating_count);
	completion = ((c->completed > 0 ? c->completed : 0) + RC_COMPLETION_WEIGHT *
	    RC_COMPLETION_PRIOR) / ((double)taken + RC_COMPLETION_WEIGHT);
	out->completion_rate = taken > 0 ? (double)c->completed / (double)taken : -1;
	if (c->responses > 0 && c->response_seconds >= 0) {
		out->mean_response_s = c->response_seconds / (double)c->responses;
		response = RC_RESPONSE_HALF_S / (RC_RESPONSE_HALF_S + out->mean_response_s);
	} else {
		out->mean_response_s = -1;
		response = RC_RESPONSE_UNKNOWN;
	}
	out->part[RC_SKILL] = milli(RC_W_SKILL, skill);
	out->part[RC_DISTANCE] = milli(RC_W_DISTANCE, c->radius_km > 0 ?
	    1 - c->distance_km / c->radius_km : 0);
	out->part[RC_RATING] = milli(RC_W_RATING, (out->bayesian_rating - 1) / 4);
	out->part[RC_COMPLETION] = milli(RC_W_COMPLETION, completion);
	out->part[RC_RESPONSE] = milli(RC_W_RESPONSE, response);
	out->part[RC_AVAILABILITY] = milli(RC_W_AVAILABILITY, c->available ? 1 : RC_BUSY_FRACTION);
	out->total = 0;
	for (i = 0; i < RC__PARTS; i++)
		out->total += out->part[i];
}

int
rc_compare(const struct rc_score *a, const struct rc_score *b)
{
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return rc_compare(a, b);
}

void
rc_rank(struct rc_score *s, size_t n)
{
	if (n > 1)
		qsort(s, n, sizeof(*s), cmp);
}
