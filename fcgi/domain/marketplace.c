#include "marketplace.h"

#include <stddef.h>
#include <strings.h>

static const char *const quote_names[MKQ__MAX] = {
	[MKQ_PENDING] = "Pending", [MKQ_ACCEPTED] = "Accepted", [MKQ_DECLINED] = "Declined",
	[MKQ_WITHDRAWN] = "Withdrawn",
};

static const char *const invitation_names[MKI__MAX] = {
	[MKI_PENDING] = "Pending", [MKI_ACCEPTED] = "Accepted", [MKI_REJECTED] = "Rejected",
};

static const char *const payment_names[MKP__MAX] = {
	[MKP_ESCROW] = "Escrow", [MKP_CASH] = "Cash", [MKP_CASH_PROTECTED] = "CashProtected",
};

static const char *const payment_keys[MKP__MAX] = {
	[MKP_ESCROW] = "escrow", [MKP_CASH] = "cash", [MKP_CASH_PROTECTED] = "cash_protected",
};

/* The index of s among names[1..n-1] in any letter case, or 0 (the NONE of each enum). */
static int
name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 1; s != NULL && i < n; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return 0;
}

const char *
mk_payment_name(enum mk_payment p)
{
	return (unsigned)p < MKP__MAX ? payment_names[p] : NULL;
}

const char *
mk_payment_key(enum mk_payment p)
{
	return (unsigned)p < MKP__MAX ? payment_keys[p] : NULL;
}

enum mk_payment
mk_payment_parse(const char *s)
{
	int i;

	if (s != NULL && strcasecmp(s, "Cash Protected") == 0)
		return MKP_CASH_PROTECTED;
	if ((i = name_index(payment_names, MKP__MAX, s)) == 0)
		i = name_index(payment_keys, MKP__MAX, s);
	return (enum mk_payment)i;
}

long long
mk_platform_fee(long long price, long long bps)
{
	if (price <= 0 || bps <= 0)
		return 0;
	if (bps >= 10000)
		return price;
	/* price < 10^14 and bps < 10^4: the product stays below 2^63 */
	return (price * bps + 5000) / 10000;
}

const char *
mk_quote_name(enum mk_quote q)
{
	return (unsigned)q < MKQ__MAX ? quote_names[q] : NULL;
}

enum mk_quote
mk_quote_parse(const char *s)
{
	return (enum mk_quote)name_index(quote_names, MKQ__MAX, s);
}

const char *
mk_invitation_name(enum mk_invitation v)
{
	return (unsigned)v < MKI__MAX ? invitation_names[v] : NULL;
}

enum mk_invitation
mk_invitation_parse(const char *s)
{
	return (enum mk_invitation)name_index(invitation_names, MKI__MAX, s);
}

int
mk_job_open(enum bk_status job)
{
	return job == BK_POSTED || job == BK_QUOTED;
}

enum mk_result
mk_can_invite(enum bk_status job, enum mk_invitation existing)
{
	if (existing == MKI_REJECTED)
		return MK_INVITE_REJECTED;
	if (existing != MKI_NONE)
		return MK_ALREADY_INVITED;
	if (job != BK_POSTED)
		return MK_JOB_NOT_POSTED;
	return MK_OK;
}

enum mk_result
mk_can_respond(enum bk_status job, enum mk_invitation inv)
{
	if (inv == MKI_NONE)
		return MK_NOT_INVITED;
	if (inv != MKI_PENDING)
		return MK_ALREADY_ANSWERED;
	if (!mk_job_open(job))
		return MK_JOB_CLOSED;
	return MK_OK;
}

enum mk_result
mk_can_quote(enum bk_status job, enum mk_invitation inv, int specialized, int has_live)
{
	if (!mk_job_open(job))
		return MK_JOB_CLOSED;
	if (inv == MKI_REJECTED)
		return MK_INVITE_REJECTED;
	if (has_live)
		return MK_ALREADY_QUOTED;
	if (inv != MKI_ACCEPTED && !specialized)
		return MK_NOT_SPECIALIZED;
	return MK_OK;
}

enum mk_result
mk_can_change_quote(enum bk_status job, enum mk_quote q)
{
	if (q != MKQ_PENDING)
		return MK_QUOTE_CLOSED;
	if (!mk_job_open(job))
		return MK_JOB_CLOSED;
	return MK_OK;
}

enum mk_result
mk_can_accept(enum bk_status job, enum mk_quote q, int expired)
{
	if (!mk_job_open(job))
		return MK_JOB_CLOSED;
	if (q != MKQ_PENDING)
		return MK_QUOTE_CLOSED;
	if (expired)
		return MK_QUOTE_EXPIRED;
	return MK_OK;
}

const char *
mk_job_word(const char *in)
{
	enum bk_status s;
	enum bk_event e;
	int i;

	if (in == NULL)
		return NULL;
	/* the seed's words, in any letter case ("On The Way", "on the way") */
	for (i = BK_NONE + 1; i < BK__STATUSES; i++) {
		const char *w = bk_status_name((enum bk_status)i, BK_NAMES_JOBS);

		if (w != NULL && strcasecmp(w, in) == 0)
			return w;
	}
	/* the internal names (on_way, in_progress) */
	if ((s = bk_status_parse(in, BK_NAMES_CORE)) != BK_NONE)
		return bk_status_name(s, BK_NAMES_JOBS);
	/* seed 001's verbs (hire, start, complete): where the event takes a job */
	if ((e = bk_event_parse(in)) != EV_NONE)
		for (i = 0; (size_t)i < bk_ntransitions; i++)
			if ((bk_transitions[i].kinds & (1u << BK_JOB)) &&
			    bk_transitions[i].event == e)
				return bk_status_name(bk_transitions[i].to, BK_NAMES_JOBS);
	return NULL;
}
