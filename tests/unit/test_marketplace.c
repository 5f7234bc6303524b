/* domain/marketplace: who may invite, answer, quote, revise and accept on a job, and
 * the names of quote and invitation statuses. */
#include "domain/marketplace.h"
#include "check.h"

TEST(names_round_trip_in_any_case)
{
	CHECK_STR(mk_quote_name(MKQ_PENDING), "Pending");
	CHECK_STR(mk_quote_name(MKQ_WITHDRAWN), "Withdrawn");
	CHECK_INT(mk_quote_parse("accepted"), MKQ_ACCEPTED);
	CHECK_INT(mk_quote_parse("DECLINED"), MKQ_DECLINED);
	CHECK_INT(mk_quote_parse("Submitted"), MKQ_NONE);
	CHECK_INT(mk_quote_parse(NULL), MKQ_NONE);
	CHECK_STR(mk_invitation_name(MKI_REJECTED), "Rejected");
	CHECK_INT(mk_invitation_parse("Accepted"), MKI_ACCEPTED);
	CHECK_INT(mk_invitation_parse("rejected"), MKI_REJECTED);
	CHECK_INT(mk_invitation_parse("maybe"), MKI_NONE);
	CHECK_INT(mk_invitation_parse(""), MKI_NONE);
}

TEST(open_jobs_are_posted_or_quoted)
{
	int s;

	for (s = BK_NONE + 1; s < BK__STATUSES; s++)
		CHECK_INT(mk_job_open((enum bk_status)s), s == BK_POSTED || s == BK_QUOTED);
}

/* seed 001 §7.10: only Posted jobs take invitations; never twice; a rejection is
 * final for the job */
TEST(invitations)
{
	CHECK_INT(mk_can_invite(BK_POSTED, MKI_NONE), MK_OK);
	CHECK_INT(mk_can_invite(BK_QUOTED, MKI_NONE), MK_JOB_NOT_POSTED);
	CHECK_INT(mk_can_invite(BK_HIRED, MKI_NONE), MK_JOB_NOT_POSTED);
	CHECK_INT(mk_can_invite(BK_CANCELLED, MKI_NONE), MK_JOB_NOT_POSTED);
	CHECK_INT(mk_can_invite(BK_POSTED, MKI_PENDING), MK_ALREADY_INVITED);
	CHECK_INT(mk_can_invite(BK_POSTED, MKI_ACCEPTED), MK_ALREADY_INVITED);
	CHECK_INT(mk_can_invite(BK_POSTED, MKI_REJECTED), MK_INVITE_REJECTED);

	CHECK_INT(mk_can_respond(BK_POSTED, MKI_PENDING), MK_OK);
	CHECK_INT(mk_can_respond(BK_QUOTED, MKI_PENDING), MK_OK);
	CHECK_INT(mk_can_respond(BK_POSTED, MKI_NONE), MK_NOT_INVITED);
	CHECK_INT(mk_can_respond(BK_POSTED, MKI_ACCEPTED), MK_ALREADY_ANSWERED);
	CHECK_INT(mk_can_respond(BK_POSTED, MKI_REJECTED), MK_ALREADY_ANSWERED);
	CHECK_INT(mk_can_respond(BK_HIRED, MKI_PENDING), MK_JOB_CLOSED);
}

/* "Accepted invitations allow direct quote submission": an accepted invitation stands
 * in for the specialization */
TEST(quotes)
{
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_NONE, 1, 0), MK_OK);
	CHECK_INT(mk_can_quote(BK_QUOTED, MKI_NONE, 1, 0), MK_OK);
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_NONE, 0, 0), MK_NOT_SPECIALIZED);
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_PENDING, 0, 0), MK_NOT_SPECIALIZED);
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_ACCEPTED, 0, 0), MK_OK);
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_REJECTED, 1, 0), MK_INVITE_REJECTED);
	CHECK_INT(mk_can_quote(BK_POSTED, MKI_ACCEPTED, 1, 1), MK_ALREADY_QUOTED);
	CHECK_INT(mk_can_quote(BK_HIRED, MKI_ACCEPTED, 1, 0), MK_JOB_CLOSED);
	CHECK_INT(mk_can_quote(BK_CANCELLED, MKI_NONE, 1, 0), MK_JOB_CLOSED);

	CHECK_INT(mk_can_change_quote(BK_QUOTED, MKQ_PENDING), MK_OK);
	CHECK_INT(mk_can_change_quote(BK_QUOTED, MKQ_WITHDRAWN), MK_QUOTE_CLOSED);
	CHECK_INT(mk_can_change_quote(BK_HIRED, MKQ_ACCEPTED), MK_QUOTE_CLOSED);
	CHECK_INT(mk_can_change_quote(BK_HIRED, MKQ_PENDING), MK_JOB_CLOSED);

	CHECK_INT(mk_can_accept(BK_QUOTED, MKQ_PENDING, 0), MK_OK);
	CHECK_INT(mk_can_accept(BK_QUOTED, MKQ_PENDING, 1), MK_QUOTE_EXPIRED);
	CHECK_INT(mk_can_accept(BK_QUOTED, MKQ_DECLINED, 0), MK_QUOTE_CLOSED);
	CHECK_INT(mk_can_accept(BK_QUOTED, MKQ_WITHDRAWN, 0), MK_QUOTE_CLOSED);
	CHECK_INT(mk_can_accept(BK_HIRED, MKQ_PENDING, 0), MK_JOB_CLOSED);
}

TEST(status_words_in_either_form)
{
	CHECK_STR(mk_job_word("On The Way"), "On The Way");
	CHECK_STR(mk_job_word("on the way"), "On The Way");
	CHECK_STR(mk_job_word("on_way"), "On The Way");
	CHECK_STR(mk_job_word("in_progress"), "In Progress");
	CHECK_STR(mk_job_word("IN PROGRESS"), "In Progress");
	CHECK_STR(mk_job_word("completed"), "Completed");
	CHECK_STR(mk_job_word("Hired"), "Hired");
	CHECK_STR(mk_job_word("cancelled"), "Cancelled");
	/* seed 001's "hire, start, complete" */
	CHECK_STR(mk_job_word("hire"), "Hired");
	CHECK_STR(mk_job_word("start"), "In Progress");
	CHECK_STR(mk_job_word("complete"), "Completed");
	CHECK_STR(mk_job_word("depart"), "On The Way");
	CHECK_STR(mk_job_word("cancel"), "Cancelled");
	CHECK_STR(mk_job_word("dispute"), "Disputed");
	CHECK(mk_job_word("approve") == NULL);   /* not a job's event */
	CHECK(mk_job_word("done") == NULL);
	CHECK(mk_job_word("") == NULL);
	CHECK(mk_job_word(NULL) == NULL);
}

TEST(payment_types_in_either_form)
{
	CHECK_STR(mk_payment_name(MKP_ESCROW), "Escrow");
	CHECK_STR(mk_payment_name(MKP_CASH), "Cash");
	CHECK_STR(mk_payment_name(MKP_CASH_PROTECTED), "CashProtected");
	CHECK(mk_payment_name(MKP_NONE) == NULL);
	CHECK(mk_payment_name(MKP__MAX) == NULL);
	CHECK_STR(mk_payment_key(MKP_CASH_PROTECTED), "cash_protected");
	CHECK_INT(mk_payment_parse("Escrow"), MKP_ESCROW);
	CHECK_INT(mk_payment_parse("ESCROW"), MKP_ESCROW);
	CHECK_INT(mk_payment_parse("cash"), MKP_CASH);
	CHECK_INT(mk_payment_parse("CashProtected"), MKP_CASH_PROTECTED);
	CHECK_INT(mk_payment_parse("cash_protected"), MKP_CASH_PROTECTED);
	CHECK_INT(mk_payment_parse("Cash Protected"), MKP_CASH_PROTECTED);
	CHECK_INT(mk_payment_parse("card"), MKP_NONE);
	CHECK_INT(mk_payment_parse(""), MKP_NONE);
	CHECK_INT(mk_payment_parse(NULL), MKP_NONE);
}

TEST(platform_fee_rounds_half_up_in_piastres)
{
	CHECK_INT(mk_platform_fee(30000, 1000), 3000);       /* 300 EGP at 10 % */
	CHECK_INT(mk_platform_fee(12345, 1000), 1235);       /* 1234.5 rounds up */
	CHECK_INT(mk_platform_fee(12344, 1000), 1234);
	CHECK_INT(mk_platform_fee(1, 4999), 0);              /* 0.4999 piastre */
	CHECK_INT(mk_platform_fee(1, 5000), 1);              /* half a piastre rounds up */
	CHECK_INT(mk_platform_fee(30000, 0), 0);
	CHECK_INT(mk_platform_fee(30000, -5), 0);
	CHECK_INT(mk_platform_fee(0, 1000), 0);
	CHECK_INT(mk_platform_fee(-100, 1000), 0);
	CHECK_INT(mk_platform_fee(30000, 10000), 30000);
	CHECK_INT(mk_platform_fee(30000, 20000), 30000);     /* never more than the price */
	/* the largest price a job takes (10^10 piastres) at 99.99 % */
	CHECK(mk_platform_fee(10000000000LL, 9999) == 9999000000LL);
	CHECK(mk_platform_fee(99999999999999LL, 9999) == 99989999999999LL);
}
