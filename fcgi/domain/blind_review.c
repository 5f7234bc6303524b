#include "blind_review.h"

#include <string.h>

enum br_side
br_side_of(long long client_id, long long craftsman_id, long long caller_id)
{
	if (caller_id <= 0)
		return BR_NONE;
	if (client_id > 0 && client_id == caller_id)
		return BR_CLIENT;
	if (craftsman_id > 0 && craftsman_id == caller_id)
		return BR_CRAFTSMAN;
	return BR_NONE;
}

long long
br_reviewee(enum br_side side, long long client_id, long long craftsman_id)
{
	switch (side) {
	case BR_CLIENT:
		return craftsman_id;
	case BR_CRAFTSMAN:
		return client_id;
	default:
		return 0;
	}
}

int
br_completed(const char *status)
{
	static const char *const done[] = { "completed", "verified", "payment_pending", "paid",
		NULL };
	size_t i;

	if (status == NULL)
		return 0;
	for (i = 0; done[i] != NULL; i++)
		if (strcmp(status, done[i]) == 0)
			return 1;
	return 0;
}

int
br_window_passed(long long seconds_since_completion, long long days)
{
	if (seconds_since_completion < 0)
		return 0;
	return seconds_since_completion >= days * 86400LL;
}

enum br_result
br_may_review(long long client_id, long long craftsman_id, long long caller_id,
    const char *status, long long seconds_since_completion, long long days)
{
	if (br_side_of(client_id, craftsman_id, caller_id) == BR_NONE)
		return BR_NOT_PARTY;
	if (!br_completed(status))
		return BR_NOT_COMPLETED;
	if (craftsman_id <= 0)
		return BR_NO_CRAFTSMAN;
	if (br_window_passed(seconds_since_completion, days))
		return BR_WINDOW_CLOSED;
	return BR_OK;
}

int
br_may_change(const char *booking_kind, const char *review_status)
{
	if (booking_kind == NULL || strcmp(booking_kind, "job") != 0)
		return 1;
	return review_status != NULL && strcmp(review_status, "pending") == 0;
}

long long
br_days(long long value)
{
	if (value < BR_MIN_DAYS || value > BR_MAX_DAYS)
		return BR_DEFAULT_DAYS;
	return value;
}
