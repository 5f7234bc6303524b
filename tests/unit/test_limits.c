/* domain/limits: the counters' rules (failures in a window, an account's back-off). */
#include "domain/domain.h"
#include "check.h"

TEST(limit_retry_after_window)
{
	/* under the limit: allowed */
	CHECK_INT(limit_retry_after(0, 10, 0, 900), 0);
	CHECK_INT(limit_retry_after(9, 10, 899, 900), 0);
	/* at the limit: wait until the window ends, never 0 */
	CHECK_INT(limit_retry_after(10, 10, 100, 900), 800);
	CHECK_INT(limit_retry_after(10, 10, 0, 900), 900);
	CHECK_INT(limit_retry_after(11, 10, 900, 900), 1);
	CHECK_INT(limit_retry_after(10, 10, 5000, 900), 1);
}

TEST(login_backoff_doubles_up_to_its_ceiling)
{
	/* below the threshold: no back-off */
	CHECK_INT(login_backoff(0, 0), 0);
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER - 1, 0), 0);
	/* at it: the base delay, counted from the latest failure */
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER, 0), LOGIN_BACKOFF_BASE);
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER, 5), LOGIN_BACKOFF_BASE - 5);
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER, LOGIN_BACKOFF_BASE), 0);
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER, -3), LOGIN_BACKOFF_BASE);
	/* each further failure doubles it */
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER + 1, 0), 2 * LOGIN_BACKOFF_BASE);
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER + 2, 10), 4 * LOGIN_BACKOFF_BASE - 10);
	/* up to the ceiling, however many failures */
	CHECK_INT(login_backoff(LOGIN_BACKOFF_AFTER + 20, 0), LOGIN_BACKOFF_MAX);
	CHECK_INT(login_backoff(1000000, 0), LOGIN_BACKOFF_MAX);
	CHECK_INT(login_backoff(1000000, LOGIN_BACKOFF_MAX), 0);
}
