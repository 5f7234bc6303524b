/* Limits on guessing (docs/decisions.md, "Identity"): how many failures of a kind a key
 * may have in a window before it waits, and how long. The counters live in the
 * database (fcgi/store/limits.h); these are the rules they are read against. */
#ifndef WARSHA_DOMAIN_LIMITS_H
#define WARSHA_DOMAIN_LIMITS_H

/* Failed sign-ins from one address, whatever the accounts (password spraying), in the
 * login window (login_window_seconds). High enough for a carrier's shared address. */
#define LOGIN_IP_MAX_FAILURES       100
/* An account's failed sign-ins from every address in the login window: from this many
 * on, each further attempt waits LOGIN_BACKOFF_BASE seconds, doubled for every failure
 * beyond, at most LOGIN_BACKOFF_MAX, after the latest failure. */
#define LOGIN_BACKOFF_AFTER         10
#define LOGIN_BACKOFF_BASE          15
#define LOGIN_BACKOFF_MAX           300
/* Wrong reset or e-mail verification tokens from one address. */
#define CODE_GUESS_MAX              10
#define CODE_GUESS_WINDOW           900
/* Registrations refused as taken (409) from one address. */
#define SIGNUP_CONFLICT_MAX         10
#define SIGNUP_CONFLICT_WINDOW      900

/* Contact-form messages (POST /api/send-email) from one address, and signed with one
 * e-mail address, in an hour; a person's data exports in an hour. */
#define CONTACT_MAX                 5
#define CONTACT_EMAIL_MAX           3
#define CONTACT_WINDOW              3600
#define EXPORT_MAX                  3
#define EXPORT_WINDOW               3600

/* A counter at n of max, whose window started window_age seconds ago and lasts window
 * seconds: the seconds to wait (0: allowed). Never 0 once at the limit. */
long limit_retry_after(long n, long max, long window_age, long window);

/* An account's back-off: n failures in the window, the latest since_last seconds ago:
 * the seconds still to wait (0: allowed). */
long login_backoff(long n, long since_last);

#endif
