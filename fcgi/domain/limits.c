#include "limits.h"

long
limit_retry_after(long n, long max, long window_age, long window)
{
	long wait;

	if (n < max)
		return 0;
	wait = window - window_age;
	return wait > 0 ? wait : 1;
}

long
login_backoff(long n, long since_last)
{
	long delay = LOGIN_BACKOFF_BASE, k;

	if (n < LOGIN_BACKOFF_AFTER)
		return 0;
	for (k = n - LOGIN_BACKOFF_AFTER; k > 0 && delay < LOGIN_BACKOFF_MAX; k--)
		delay *= 2;
	if (delay > LOGIN_BACKOFF_MAX)
		delay = LOGIN_BACKOFF_MAX;
	if (since_last < 0)
		since_last = 0;
	return delay > since_last ? delay - since_last : 0;
}
