/* The craftsmen marketplace's rules around a job (a booking of kind job): who may edit
 * it, invite to it, quote on it and accept a quote, and the names of quote and
 * invitation statuses. The job's own status moves stay in the state machine
 * (booking.h); these rules say what may happen beside it. Plain functions over plain
 * values: no database, no HTTP. docs/bookings.md, "Jobs". */
#ifndef WARSHA_DOMAIN_MARKETPLACE_H
#define WARSHA_DOMAIN_MARKETPLACE_H

#include "booking.h"

enum mk_quote {
	MKQ_NONE = 0,
	MKQ_PENDING,     /* submitted (seed 001's "Submitted"), may be revised or withdrawn */
	MKQ_ACCEPTED,    /* the client hired with it */
	MKQ_DECLINED,    /* another quote was accepted, or the job was cancelled */
	MKQ_WITHDRAWN,   /* its technician took it back */
	MKQ__MAX
};

enum mk_invitation {
	MKI_NONE = 0,    /* not invited */
	MKI_PENDING,
	MKI_ACCEPTED,
	MKI_REJECTED,
	MKI__MAX
};

/* How the client pays for a hired job (seed 001 §2.2, §6.2 paymentType): through the
 * platform's escrow, in cash to the craftsman, or in cash with the platform's payment
 * protection. The money work moves the amounts; a job records the choice. */
enum mk_payment {
	MKP_NONE = 0,
	MKP_ESCROW,
	MKP_CASH,
	MKP_CASH_PROTECTED,
	MKP__MAX
};

/* Why a step is refused (each maps to one answer: see the handler). */
enum mk_result {
	MK_OK = 0,
	MK_JOB_CLOSED,        /* the job no longer takes this (409) */
	MK_JOB_NOT_POSTED,    /* invitations only while Posted (409) */
	MK_ALREADY_INVITED,   /* never twice to one craftsman (409) */
	MK_INVITE_REJECTED,   /* the craftsman rejected: no new invitation, no quote (409) */
	MK_ALREADY_ANSWERED,  /* an invitation is answered once (409) */
	MK_NOT_INVITED,       /* no invitation to answer (404) */
	MK_NOT_SPECIALIZED,   /* a quote needs the job's category among the technician's
	                       * specializations, or an accepted invitation (403) */
	MK_ALREADY_QUOTED,    /* one live quote per technician and job (409) */
	MK_QUOTE_CLOSED,      /* the quote is no longer pending (409) */
	MK_QUOTE_EXPIRED,     /* past its validity (409) */
};

/* "Pending" ... as stored and shown; parse takes any letter case. */
const char        *mk_quote_name(enum mk_quote q);
enum mk_quote      mk_quote_parse(const char *s);
const char        *mk_invitation_name(enum mk_invitation i);
enum mk_invitation mk_invitation_parse(const char *s);

/* "Escrow", "Cash", "CashProtected" as the API shows them; the stored words "escrow",
 * "cash", "cash_protected". Parse takes either form in any letter case (and "Cash
 * Protected"); MKP_NONE for anything else. */
const char     *mk_payment_name(enum mk_payment p);
const char     *mk_payment_key(enum mk_payment p);
enum mk_payment mk_payment_parse(const char *s);

/* The platform's fee on a job's price (piastres) at a rate in basis points (1000 =
 * 10 %), rounded half up to a whole piastre; 0 for a rate or price below 1, the
 * price itself for a rate above 10000. Exact for any price up to 10^14 piastres. */
long long mk_platform_fee(long long price, long long bps);

/* Whether a job takes edits, quotes and an acceptance: Posted or Quoted. */
int mk_job_open(enum bk_status job);

/* The client invites a craftsman: only while Posted, once per craftsman (existing: the
 * invitation already there, MKI_NONE when none). */
enum mk_result mk_can_invite(enum bk_status job, enum mk_invitation existing);
/* The craftsman answers: a pending invitation of an open job. */
enum mk_result mk_can_respond(enum bk_status job, enum mk_invitation inv);
/* A technician quotes: an open job; no live quote of theirs on it; a rejected
 * invitation closes the job to them; otherwise an accepted invitation or the job's
 * category among their specializations. */
enum mk_result mk_can_quote(enum bk_status job, enum mk_invitation inv, int specialized,
    int has_live_quote);
/* The technician revises or withdraws a quote: pending, on an open job. */
enum mk_result mk_can_change_quote(enum bk_status job, enum mk_quote q);
/* The client accepts a quote: pending, not expired, on an open job. */
enum mk_result mk_can_accept(enum bk_status job, enum mk_quote q, int expired);

/* A status word of PATCH /api/jobs/:id/status as the jobs family spells it (Posted,
 * "On The Way" ...): the seed's Title Case in any letter case, an internal name
 * (on_way, in_progress), or one of the seed's verbs (hire, start, complete: the status
 * the machine's event leads a job to); NULL for anything else. */
const char *mk_job_word(const char *in);

#endif
