/* domain/blind_review: who reviews a job, when, until when, and what may change after. */
#include "domain/blind_review.h"
#include "check.h"

#define DAY 86400LL

TEST(sides_and_reviewees)
{
	CHECK_INT(br_side_of(10, 20, 10), BR_CLIENT);
	CHECK_INT(br_side_of(10, 20, 20), BR_CRAFTSMAN);
	CHECK_INT(br_side_of(10, 20, 30), BR_NONE);
	CHECK_INT(br_side_of(10, 0, 0), BR_NONE);          /* nobody signed in */
	CHECK_INT(br_side_of(0, 20, 0), BR_NONE);          /* a guest's booking */
	CHECK_INT(br_side_of(10, 0, 20), BR_NONE);         /* nobody hired */
	CHECK(br_reviewee(BR_CLIENT, 10, 20) == 20);
	CHECK(br_reviewee(BR_CRAFTSMAN, 10, 20) == 10);
	CHECK(br_reviewee(BR_NONE, 10, 20) == 0);
}

TEST(completed_jobs_only)
{
	static const char *const yes[] = { "completed", "verified", "payment_pending", "paid" };
	static const char *const no[] = { "posted", "quoted", "hired", "on_way", "arrived",
		"in_progress", "disputed", "cancelled", "", "Completed" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK_INT(br_completed(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK_INT(br_completed(no[i]), 0);
	CHECK_INT(br_completed(NULL), 0);
}

TEST(the_window_closes_after_the_days)
{
	CHECK_INT(br_window_passed(0, 14), 0);
	CHECK_INT(br_window_passed(14 * DAY - 1, 14), 0);
	CHECK_INT(br_window_passed(14 * DAY, 14), 1);
	CHECK_INT(br_window_passed(30 * DAY, 14), 1);
	CHECK_INT(br_window_passed(2 * DAY, 1), 1);
	CHECK_INT(br_window_passed(-1, 14), 0);            /* no completion time: open */
}

TEST(may_review_in_the_order_of_the_answers)
{
	CHECK_INT(br_may_review(10, 20, 10, "completed", 60, 14), BR_OK);
	CHECK_INT(br_may_review(10, 20, 20, "paid", 13 * DAY, 14), BR_OK);
	/* a stranger learns nothing else, whatever the job's state */
	CHECK_INT(br_may_review(10, 20, 30, "in_progress", 60, 14), BR_NOT_PARTY);
	CHECK_INT(br_may_review(10, 20, 30, "completed", 60, 14), BR_NOT_PARTY);
	CHECK_INT(br_may_review(10, 20, 10, "in_progress", 60, 14), BR_NOT_COMPLETED);
	CHECK_INT(br_may_review(10, 20, 20, "disputed", 60, 14), BR_NOT_COMPLETED);
	CHECK_INT(br_may_review(10, 0, 10, "completed", 60, 14), BR_NO_CRAFTSMAN);
	CHECK_INT(br_may_review(10, 20, 10, "completed", 15 * DAY, 14), BR_WINDOW_CLOSED);
	CHECK_INT(br_may_review(10, 20, 20, "completed", 2 * DAY, 1), BR_WINDOW_CLOSED);
}

TEST(job_reviews_change_only_while_pending)
{
	CHECK_INT(br_may_change("job", "pending"), 1);
	CHECK_INT(br_may_change("job", "published"), 0);
	CHECK_INT(br_may_change("job", "hidden"), 0);
	CHECK_INT(br_may_change("service", "published"), 1);
	CHECK_INT(br_may_change("service", "hidden"), 1);
	CHECK_INT(br_may_change(NULL, "published"), 1);
}

TEST(days_fall_back_to_the_default)
{
	CHECK(br_days(-1) == BR_DEFAULT_DAYS);
	CHECK(br_days(0) == BR_DEFAULT_DAYS);
	CHECK(br_days(1) == 1);
	CHECK(br_days(14) == 14);
	CHECK(br_days(60) == 60);
	CHECK(br_days(61) == BR_DEFAULT_DAYS);
}
