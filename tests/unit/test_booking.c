/* domain/booking: the state machine, the names of each client family, cancellation
 * fees, working hours, distances and arrival times, booking numbers. */
#include <math.h>

#include "domain/domain.h"
#include "check.h"

TEST(the_table_is_well_formed)
{
	size_t i, j;

	for (i = 0; i < bk_ntransitions; i++) {
		const struct bk_transition *t = &bk_transitions[i];

		if (!CHECK(t->kinds != 0 && t->from != BK_NONE && t->to != BK_NONE &&
		    t->event != EV_NONE && t->who != 0 && bk_event_name(t->event) != NULL))
			fprintf(stderr, "    row %zu\n", i);
		/* one outcome per (kind, from, event) */
		for (j = i + 1; j < bk_ntransitions; j++) {
			const struct bk_transition *u = &bk_transitions[j];

			if (!CHECK(!((t->kinds & u->kinds) && t->from == u->from &&
			    t->event == u->event)))
				fprintf(stderr, "    rows %zu and %zu repeat a move\n", i, j);
		}
		/* no move out of an end */
		CHECK(t->from != BK_CANCELLED && t->from != BK_REJECTED && t->from != BK_PAID);
	}
}

/* Every status of a kind can be reached from its start, and every non-final status can
 * still be left. */
TEST(every_status_is_reachable_and_every_non_end_can_be_left)
{
	static const enum bk_status service[] = { BK_PENDING_APPROVAL, BK_APPROVED,
	    BK_REJECTED, BK_TECHNICIAN_ASSIGNED, BK_ACCEPTED, BK_ON_WAY, BK_ARRIVED,
	    BK_IN_PROGRESS, BK_COMPLETED, BK_VERIFIED, BK_PAYMENT_PENDING, BK_PAID,
	    BK_DISPUTED, BK_CANCELLED };
	static const enum bk_status job[] = { BK_POSTED, BK_QUOTED, BK_HIRED, BK_ON_WAY,
	    BK_ARRIVED, BK_IN_PROGRESS, BK_COMPLETED, BK_VERIFIED, BK_PAYMENT_PENDING,
	    BK_PAID, BK_DISPUTED, BK_CANCELLED };
	const struct bk_transition *path[16];
	enum bk_result why;
	size_t i;
	int e, leaves;

	for (i = 0; i < sizeof(service) / sizeof(service[0]); i++)
		if (!CHECK(bk_path(BK_SERVICE, BK_PENDING_APPROVAL,
		    bk_status_name(service[i], BK_NAMES_CORE), BK_NAMES_CORE, 0xf, 1, path, 16,
		    &why) >= 0))
			fprintf(stderr, "    service: %s\n", bk_status_name(service[i], BK_NAMES_CORE));
	for (i = 0; i < sizeof(job) / sizeof(job[0]); i++)
		if (!CHECK(bk_path(BK_JOB, BK_POSTED, bk_status_name(job[i], BK_NAMES_CORE),
		    BK_NAMES_CORE, 0xf, 1, path, 16, &why) >= 0))
			fprintf(stderr, "    job: %s\n", bk_status_name(job[i], BK_NAMES_CORE));
	for (i = 0; i < sizeof(service) / sizeof(service[0]); i++) {
		enum bk_status s = service[i];

		for (leaves = 0, e = EV_NONE + 1; e < EV__EVENTS; e++)
			leaves += bk_event_possible(BK_SERVICE, s, (enum bk_event)e);
		CHECK_INT(leaves > 0, !(s == BK_CANCELLED || s == BK_REJECTED || s == BK_PAID));
	}
}

TEST(the_happy_path_of_a_service_booking)
{
	static const struct {
		enum bk_event e;
		unsigned      who;
		enum bk_status to;
	} steps[] = {
		{ EV_APPROVE, BK_STAFF, BK_APPROVED },
		{ EV_ASSIGN, BK_STAFF, BK_TECHNICIAN_ASSIGNED },
		{ EV_ACCEPT, BK_TECHNICIAN, BK_ACCEPTED },
		{ EV_DEPART, BK_TECHNICIAN, BK_ON_WAY },
		{ EV_ARRIVE, BK_TECHNICIAN, BK_ARRIVED },
		{ EV_START, BK_TECHNICIAN, BK_IN_PROGRESS },
		{ EV_COMPLETE, BK_TECHNICIAN, BK_COMPLETED },
		{ EV_VERIFY, BK_CUSTOMER, BK_VERIFIED },
		{ EV_REQUEST_PAYMENT, BK_SYSTEM, BK_PAYMENT_PENDING },
		{ EV_PAY, BK_SYSTEM, BK_PAID },
	};
	const struct bk_transition *t;
	enum bk_status s = bk_initial(BK_SERVICE, 1);
	size_t i;

	CHECK_INT(s, BK_PENDING_APPROVAL);
	CHECK_INT(bk_initial(BK_SERVICE, 0), BK_APPROVED);
	CHECK_INT(bk_initial(BK_JOB, 1), BK_POSTED);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		REQUIRE(bk_apply(BK_SERVICE, s, steps[i].e, steps[i].who, 1, &t) == BK_OK);
		CHECK_INT(t->to, steps[i].to);
		s = t->to;
	}
}

TEST(who_may_do_what)
{
	const struct bk_transition *t;

	/* only staff approve; a customer cannot approve their own booking */
	CHECK_INT(bk_apply(BK_SERVICE, BK_PENDING_APPROVAL, EV_APPROVE, BK_CUSTOMER, 0, &t),
	    BK_NOT_ALLOWED);
	CHECK(t == NULL);
	CHECK_INT(bk_apply(BK_SERVICE, BK_PENDING_APPROVAL, EV_APPROVE, BK_TECHNICIAN, 0, &t),
	    BK_NOT_ALLOWED);
	/* a technician cannot assign, a customer cannot complete */
	CHECK_INT(bk_apply(BK_SERVICE, BK_APPROVED, EV_ASSIGN, BK_TECHNICIAN, 0, &t),
	    BK_NOT_ALLOWED);
	CHECK_INT(bk_apply(BK_SERVICE, BK_IN_PROGRESS, EV_COMPLETE, BK_CUSTOMER, 0, &t),
	    BK_NOT_ALLOWED);
	/* work starts with the start code only */
	CHECK_INT(bk_apply(BK_SERVICE, BK_ARRIVED, EV_START, BK_TECHNICIAN, 0, &t),
	    BK_NEEDS_CODE);
	CHECK_INT(bk_apply(BK_SERVICE, BK_ARRIVED, EV_START, BK_TECHNICIAN, 1, &t), BK_OK);
	/* moves that do not exist: 409 */
	CHECK_INT(bk_apply(BK_SERVICE, BK_PENDING_APPROVAL, EV_COMPLETE, BK_STAFF, 1, &t),
	    BK_NO_MOVE);
	CHECK_INT(bk_apply(BK_SERVICE, BK_CANCELLED, EV_APPROVE, BK_STAFF, 1, &t), BK_NO_MOVE);
	CHECK_INT(bk_apply(BK_SERVICE, BK_COMPLETED, EV_CANCEL, BK_STAFF, 1, &t), BK_NO_MOVE);
	/* a job's moves are not a service's */
	CHECK_INT(bk_apply(BK_SERVICE, BK_PENDING_APPROVAL, EV_HIRE, BK_CUSTOMER, 0, &t),
	    BK_NO_MOVE);
	CHECK_INT(bk_apply(BK_JOB, BK_POSTED, EV_APPROVE, BK_STAFF, 0, &t), BK_NO_MOVE);
	CHECK_INT(bk_apply(BK_JOB, BK_QUOTED, EV_HIRE, BK_CUSTOMER, 0, &t), BK_OK);
	CHECK_INT(t->to, BK_HIRED);
	/* out of range */
	CHECK_INT(bk_apply((enum bk_kind)7, BK_POSTED, EV_HIRE, BK_CUSTOMER, 0, &t), BK_NO_MOVE);
	/* reassigning keeps the status */
	CHECK_INT(bk_apply(BK_SERVICE, BK_TECHNICIAN_ASSIGNED, EV_ASSIGN, BK_STAFF, 0, &t),
	    BK_OK);
	CHECK_INT(t->to, BK_TECHNICIAN_ASSIGNED);
}

TEST(a_job_is_disputed_while_hired_at_work_or_completed)
{
	static const enum bk_status open[] = { BK_HIRED, BK_ON_WAY, BK_ARRIVED, BK_IN_PROGRESS,
	    BK_COMPLETED };
	static const enum bk_status closed[] = { BK_POSTED, BK_QUOTED, BK_VERIFIED,
	    BK_DISPUTED, BK_CANCELLED };
	const struct bk_transition *t;
	size_t i;

	for (i = 0; i < sizeof(open) / sizeof(open[0]); i++) {
		CHECK_INT(bk_apply(BK_JOB, open[i], EV_DISPUTE, BK_CUSTOMER, 0, &t), BK_OK);
		CHECK_INT(t->to, BK_DISPUTED);
		CHECK_INT(bk_apply(BK_JOB, open[i], EV_DISPUTE, BK_TECHNICIAN, 0, &t), BK_OK);
		CHECK_INT(bk_apply(BK_JOB, open[i], EV_DISPUTE, BK_STAFF, 0, &t), BK_NOT_ALLOWED);
	}
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		CHECK_INT(bk_apply(BK_JOB, closed[i], EV_DISPUTE, BK_CUSTOMER, 0, &t), BK_NO_MOVE);
	/* a service booking is disputed only once completed */
	CHECK_INT(bk_apply(BK_SERVICE, BK_IN_PROGRESS, EV_DISPUTE, BK_CUSTOMER, 0, &t),
	    BK_NO_MOVE);
	/* the decision: resolve (verified) or the staff's cancel */
	CHECK_INT(bk_apply(BK_JOB, BK_DISPUTED, EV_RESOLVE, BK_STAFF, 0, &t), BK_OK);
	CHECK_INT(t->to, BK_VERIFIED);
	CHECK_INT(bk_apply(BK_JOB, BK_DISPUTED, EV_CANCEL, BK_STAFF, 0, &t), BK_OK);
	CHECK_INT(t->to, BK_CANCELLED);
	CHECK_INT(bk_apply(BK_JOB, BK_DISPUTED, EV_RESOLVE, BK_CUSTOMER, 0, &t), BK_NOT_ALLOWED);
}

TEST(cancellation_by_status_and_party)
{
	static const struct bk_cancel_policy p = { .fee_fixed = 5000, .fee_percent = 20 };
	static const struct bk_cancel_policy none = { 0, 0 }, pct = { 0, 20 }, all = { 0, 150 };

	/* free until the technician sets off */
	CHECK(bk_can_cancel(BK_SERVICE, BK_PENDING_APPROVAL, BK_CUSTOMER));
	CHECK(bk_can_cancel(BK_SERVICE, BK_ACCEPTED, BK_CUSTOMER));
	CHECK_INT(bk_cancel_fee(&p, BK_ACCEPTED, 100000), 0);
	/* then a fee: the larger of the fixed fee and the percentage, at most the price */
	CHECK(bk_can_cancel(BK_SERVICE, BK_ON_WAY, BK_CUSTOMER));
	CHECK_INT(bk_cancel_fee(&p, BK_ON_WAY, 100000), 20000);
	CHECK_INT(bk_cancel_fee(&p, BK_ARRIVED, 10000), 5000);
	CHECK_INT(bk_cancel_fee(&p, BK_ARRIVED, 3000), 3000);
	CHECK_INT(bk_cancel_fee(&p, BK_ON_WAY, 0), 0);
	CHECK_INT(bk_cancel_fee(&pct, BK_ON_WAY, 101), 21);            /* rounded up */
	CHECK_INT(bk_cancel_fee(&pct, BK_ON_WAY, 101), 21);
	CHECK_INT(bk_cancel_fee(&all, BK_IN_PROGRESS, 101), 101);
	CHECK_INT(bk_cancel_fee(&none, BK_IN_PROGRESS, 100000), 0);
	/* once work started only staff cancel; nobody cancels finished work */
	CHECK(!bk_can_cancel(BK_SERVICE, BK_IN_PROGRESS, BK_CUSTOMER));
	CHECK(bk_can_cancel(BK_SERVICE, BK_IN_PROGRESS, BK_STAFF));
	CHECK(!bk_can_cancel(BK_SERVICE, BK_COMPLETED, BK_STAFF));
	CHECK(!bk_can_cancel(BK_SERVICE, BK_CANCELLED, BK_STAFF));
	/* a technician gives a job back instead of cancelling it */
	CHECK(!bk_can_cancel(BK_SERVICE, BK_TECHNICIAN_ASSIGNED, BK_TECHNICIAN));
	CHECK(bk_can_cancel(BK_JOB, BK_HIRED, BK_CUSTOMER));
}

/* Every client family names every status, and each word it uses reads back as a status
 * it names so. */
TEST(each_family_names_every_status)
{
	int n, s;

	for (n = 0; n < BK__NAMES; n++)
		for (s = BK_NONE + 1; s < BK__STATUSES; s++) {
			const char *w = bk_status_name((enum bk_status)s, (enum bk_names)n);
			enum bk_status back;

			if (!CHECK(w != NULL)) {
				fprintf(stderr, "    family %d status %d\n", n, s);
				continue;
			}
			back = bk_status_parse(w, (enum bk_names)n);
			CHECK(back != BK_NONE &&
			    strcmp(bk_status_name(back, (enum bk_names)n), w) == 0);
		}
	/* the core names are one to one */
	for (s = BK_NONE + 1; s < BK__STATUSES; s++)
		CHECK_INT(bk_status_parse(bk_status_name((enum bk_status)s, BK_NAMES_CORE),
		    BK_NAMES_CORE), s);
	CHECK(bk_status_name(BK_NONE, BK_NAMES_CORE) == NULL);
	CHECK(bk_status_name(BK__STATUSES, BK_NAMES_CORE) == NULL);
	CHECK_INT(bk_status_parse("on_way", BK_NAMES_V1), BK_NONE);    /* v1 says en_route */
	CHECK_INT(bk_status_parse(NULL, BK_NAMES_V0), BK_NONE);
}

TEST(the_words_each_client_sees)
{
	CHECK_STR(bk_status_name(BK_TECHNICIAN_ASSIGNED, BK_NAMES_V0), "approved");
	CHECK_STR(bk_status_name(BK_ARRIVED, BK_NAMES_V0), "on_way");
	CHECK_STR(bk_status_name(BK_PAID, BK_NAMES_V0), "completed");
	CHECK_STR(bk_status_name(BK_PENDING_APPROVAL, BK_NAMES_BOOKING), "pending");
	CHECK_STR(bk_status_name(BK_IN_PROGRESS, BK_NAMES_BOOKING), "confirmed");
	CHECK_STR(bk_status_name(BK_APPROVED, BK_NAMES_V1), "matching");
	CHECK_STR(bk_status_name(BK_ON_WAY, BK_NAMES_V1), "en_route");
	CHECK_STR(bk_status_name(BK_ON_WAY, BK_NAMES_JOBS), "On The Way");
	CHECK_STR(bk_status_name(BK_QUOTED, BK_NAMES_JOBS), "Quoted");
	CHECK_STR(bk_event_name(EV_REQUEST_PAYMENT), "request_payment");
	CHECK_INT(bk_event_parse("cancel"), EV_CANCEL);
	CHECK_INT(bk_event_parse("Cancel"), EV_NONE);
	CHECK(bk_event_name(EV_NONE) == NULL);
}

TEST(status_words_become_paths)
{
	const struct bk_transition *path[8];
	enum bk_result why;

	/* one move */
	CHECK_INT(bk_path(BK_SERVICE, BK_PENDING_APPROVAL, "approved", BK_NAMES_V0, BK_STAFF,
	    0, path, 8, &why), 1);
	CHECK_INT(path[0]->event, EV_APPROVE);
	/* already there: nothing to do */
	CHECK_INT(bk_path(BK_SERVICE, BK_ACCEPTED, "approved", BK_NAMES_V0, BK_STAFF, 0, path,
	    8, &why), 0);
	/* a technician who was assigned says "on_way": one move, the acceptance implied */
	CHECK_INT(bk_path(BK_SERVICE, BK_TECHNICIAN_ASSIGNED, "on_way", BK_NAMES_V0,
	    BK_TECHNICIAN, 0, path, 8, &why), 1);
	CHECK_INT(path[0]->event, EV_DEPART);
	/* "in_progress" needs the start code */
	CHECK_INT(bk_path(BK_SERVICE, BK_ON_WAY, "in_progress", BK_NAMES_V0, BK_TECHNICIAN, 0,
	    path, 8, &why), -1);
	CHECK_INT(why, BK_NEEDS_CODE);
	CHECK_INT(bk_path(BK_SERVICE, BK_ON_WAY, "in_progress", BK_NAMES_V0, BK_TECHNICIAN, 1,
	    path, 8, &why), 1);
	/* seed 002's professional completes a confirmed booking: all of its own moves, in
	 * order, when it has the code */
	CHECK_INT(bk_path(BK_SERVICE, BK_TECHNICIAN_ASSIGNED, "completed", BK_NAMES_BOOKING,
	    BK_TECHNICIAN, 1, path, 8, &why), 3);
	CHECK_INT(path[0]->event, EV_DEPART);
	CHECK_INT(path[1]->event, EV_START);
	CHECK_INT(path[2]->event, EV_COMPLETE);
	CHECK_INT(path[2]->to, BK_COMPLETED);
	/* a customer cannot reach "completed": others' moves */
	CHECK_INT(bk_path(BK_SERVICE, BK_APPROVED, "completed", BK_NAMES_V0, BK_CUSTOMER, 1,
	    path, 8, &why), -1);
	CHECK_INT(why, BK_NOT_ALLOWED);
	/* nobody goes back from cancelled; unknown words are no move */
	CHECK_INT(bk_path(BK_SERVICE, BK_CANCELLED, "approved", BK_NAMES_V0, BK_STAFF, 1, path,
	    8, &why), -1);
	CHECK_INT(why, BK_NO_MOVE);
	CHECK_INT(bk_path(BK_SERVICE, BK_APPROVED, "en_route", BK_NAMES_V0, BK_STAFF, 1, path,
	    8, &why), -1);
	CHECK_INT(why, BK_NO_MOVE);
	/* a path longer than the room given is refused, not cut */
	CHECK_INT(bk_path(BK_SERVICE, BK_PENDING_APPROVAL, "paid", BK_NAMES_V1, 0xf, 1, path, 2,
	    &why), -1);
}

TEST(working_hours)
{
	unsigned weekdays = 0x7f & ~(1u << 5);     /* closed on Friday */

	CHECK(bk_fits_hours(0, 9 * 60, 60, weekdays, 9 * 60, 17 * 60));
	CHECK(bk_fits_hours(0, 16 * 60, 60, weekdays, 9 * 60, 17 * 60));   /* ends at close */
	CHECK(!bk_fits_hours(0, 16 * 60 + 1, 60, weekdays, 9 * 60, 17 * 60));
	CHECK(!bk_fits_hours(0, 8 * 60 + 59, 60, weekdays, 9 * 60, 17 * 60));
	CHECK(!bk_fits_hours(5, 10 * 60, 60, weekdays, 9 * 60, 17 * 60));
	CHECK(!bk_fits_hours(7, 10 * 60, 60, 0x7f, 9 * 60, 17 * 60));
	CHECK(!bk_fits_hours(1, 23 * 60, 30, 0x7f, 22 * 60, 2 * 60));      /* past midnight */
	CHECK(!bk_fits_hours(1, -1, 30, 0x7f, 0, 24 * 60));
}

TEST(distances_and_arrival)
{
	/* Tahrir Square to the Giza pyramids: about 13 km as the crow flies */
	double d = geo_distance_km(30.0444, 31.2357, 29.9792, 31.1342);

	CHECK(d > 12.0 && d < 13.5);
	CHECK(geo_distance_km(30, 31, 30, 31) == 0);
	CHECK(fabs(geo_distance_km(0, 0, 0, 180) - 20015.1) < 1.0);
	CHECK_INT(bk_eta_minutes(13.0, 30.0), 26);
	CHECK_INT(bk_eta_minutes(0.01, 30.0), 1);
	CHECK_INT(bk_eta_minutes(0, 30.0), 0);
	CHECK_INT(bk_eta_minutes(5, 0), -1);
	CHECK_INT(bk_eta_minutes(NAN, 30), -1);
}

TEST(booking_numbers)
{
	char b[32];

	CHECK_INT(bk_number(b, sizeof(b), 2026, 123), 14);
	CHECK_STR(b, "BK-2026-000123");
	CHECK_INT(bk_number(b, sizeof(b), 2026, 1234567), 15);
	CHECK_STR(b, "BK-2026-1234567");
	CHECK_INT(bk_number(b, 14, 2026, 1), -1);
	CHECK_INT(bk_number(b, sizeof(b), 2026, 0), -1);
	CHECK_INT(bk_number(b, sizeof(b), 1999, 5), -1);
}
