/* domain/recommend: the score of a recommended craftsman, its parts, the Bayesian
 * rating, missing data, and the order (ties by id). */
#include <math.h>

#include "domain/recommend.h"
#include "check.h"

/* a plain candidate: one category, no history, available, at the centre */
static struct rc_candidate
base(long long id)
{
	struct rc_candidate c = { 0 };

	c.id = id;
	c.radius_km = 30;
	c.specializations = 1;
	c.available = 1;
	return c;
}

TEST(bayesian_one_five_star_does_not_beat_fifty_4_8)
{
	struct rc_candidate one = base(1), fifty = base(2);
	struct rc_score s1, s50, all[2];

	one.rating = 5.0;
	one.rating_count = 1;
	fifty.rating = 4.8;
	fifty.rating_count = 50;
	rc_score(&one, &s1);
	rc_score(&fifty, &s50);
	CHECK(s50.bayesian_rating > s1.bayesian_rating);
	CHECK(s50.part[RC_RATING] > s1.part[RC_RATING]);
	CHECK(s50.total > s1.total);
	all[0] = s1;
	all[1] = s50;
	rc_rank(all, 2);
	CHECK_INT(all[0].id, 2);
	/* the formula: (10 * 4 + 50 * 4.8) / 60 */
	CHECK(fabs(rc_bayesian(4.8, 50) - 280.0 / 60) < 1e-9);
	CHECK(fabs(rc_bayesian(5.0, 1) - 45.0 / 11) < 1e-9);
}

TEST(missing_data_takes_the_priors)
{
	struct rc_candidate c = base(7);
	struct rc_score s;

	rc_score(&c, &s);
	CHECK(fabs(s.bayesian_rating - RC_PRIOR_MEAN) < 1e-9);
	CHECK_INT(s.part[RC_RATING], 18750);           /* 25 * (4 - 1) / 4 */
	CHECK_INT(s.part[RC_COMPLETION], 8000);        /* 10 * 0.8 */
	CHECK_INT(s.part[RC_RESPONSE], 5000);          /* 10 * 0.5 */
	CHECK_INT(s.part[RC_AVAILABILITY], 10000);
	CHECK_INT(s.part[RC_DISTANCE], 20000);         /* at the job's point */
	CHECK_INT(s.part[RC_SKILL], 15000);            /* 25 * 0.6, no experience */
	CHECK(s.completion_rate < 0);
	CHECK(s.mean_response_s < 0);
	/* a count without reviews, a NaN distance: no crash, prior and zero */
	c.rating = 0;
	c.rating_count = 0;
	c.specializations = 0;
	c.distance_km = NAN;
	rc_score(&c, &s);
	CHECK_INT(s.part[RC_DISTANCE], 0);
	CHECK_INT(s.part[RC_SKILL], 15000);
}

TEST(parts_add_up_to_the_total)
{
	struct rc_candidate c = base(3);
	struct rc_score s;
	long long sum = 0;
	int i;

	c.distance_km = 7.123;
	c.specializations = 3;
	c.experience_years = 4;
	c.rating = 4.37;
	c.rating_count = 13;
	c.completed = 9;
	c.dropped = 2;
	c.responses = 5;
	c.response_seconds = 5 * 1800;
	c.available = 0;
	rc_score(&c, &s);
	for (i = 0; i < RC__PARTS; i++) {
		CHECK(s.part[i] >= 0);
		sum += s.part[i];
	}
	CHECK_INT(s.total, sum);
	CHECK(s.total <= 100000);
	CHECK_INT(s.part[RC_AVAILABILITY], 4000);
	CHECK(fabs(s.mean_response_s - 1800) < 1e-9);
	CHECK_INT(s.part[RC_RESPONSE], 6667);          /* 10 * 3600 / 5400 */
	CHECK(fabs(s.completion_rate - 9.0 / 11) < 1e-9);
}

TEST(skill_distance_order)
{
	struct rc_candidate spec = base(10), gen = base(11), near = base(12), far = base(13);
	struct rc_score a, b, c, d;

	gen.specializations = 4;
	rc_score(&spec, &a);
	rc_score(&gen, &b);
	CHECK(a.part[RC_SKILL] > b.part[RC_SKILL]);
	near.distance_km = 1;
	far.distance_km = 25;
	rc_score(&near, &c);
	rc_score(&far, &d);
	CHECK(c.total > d.total);
	far.distance_km = 40;                          /* outside: no points, never negative */
	rc_score(&far, &d);
	CHECK_INT(d.part[RC_DISTANCE], 0);
}

TEST(ties_fall_to_the_lower_id_and_order_is_stable)
{
	struct rc_score s[5];
	long long ids[5] = { 42, 7, 19, 3, 100 };
	int i;

	for (i = 0; i < 5; i++) {
		struct rc_candidate c = base(ids[i]);

		rc_score(&c, &s[i]);
	}
	rc_rank(s, 5);
	CHECK_INT(s[0].id, 3);
	CHECK_INT(s[1].id, 7);
	CHECK_INT(s[2].id, 19);
	CHECK_INT(s[3].id, 42);
	CHECK_INT(s[4].id, 100);
	CHECK_INT(rc_compare(&s[0], &s[0]), 0);
}
