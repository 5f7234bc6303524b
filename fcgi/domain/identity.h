/* Identity rules (docs/decisions.md; seeds 000-003): role words, who may register as what,
 * which roles a login "type" admits, how a login identifier is read, and the failed-
 * login limit. */
#ifndef WARSHA_DOMAIN_IDENTITY_H
#define WARSHA_DOMAIN_IDENTITY_H

#include <stddef.h>

/* Canonical role names: customer, technician, admin, moderator, corporate. */

/* Maps the seeds' words (USER, user, client, Client, TECHNICIAN, craftsman, professional,
 * mechanic, ADMIN, ...) to a canonical role name; NULL for unknown words. */
const char *role_from_alias(const char *word);

/* Self-registration never yields admin or moderator: returns the canonical role a
 * sign-up may take for the requested word (NULL word: customer), or NULL if refused. */
const char *role_for_signup(const char *word);

enum login_type { LOGIN_ANY, LOGIN_CLIENTS, LOGIN_ADMINS, LOGIN_INVALID };

/* "clients", "admins", NULL/empty -> LOGIN_ANY; anything else LOGIN_INVALID (403). */
enum login_type login_type_parse(const char *s);
/* Whether a user of this role may sign in with this login type (seed 001 §7.5). */
int login_type_admits(enum login_type t, const char *role);

/* Usernames: letters, digits, '_' and '.', with at least one letter, so a username never
 * reads as a phone number or an email at login (seed 002's identifier detection). */
int username_valid(const char *u);

enum identifier_kind { IDENT_EMAIL, IDENT_PHONE, IDENT_USERNAME };
/* Seed 002's "smart detection": '@' makes an email, a phone-shaped value a phone
 * (normalized into phone_out), anything else a username. */
enum identifier_kind identifier_kind(const char *id, char *phone_out, size_t phone_len);

/* Failed-login limit: given the failures inside the window and the age in seconds of the
 * oldest of them, the seconds to wait (0: allowed). */
long login_retry_after(long failures, long max_failures, long oldest_age, long window);

#endif
