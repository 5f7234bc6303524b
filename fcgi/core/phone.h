/* Egyptian mobile numbers (docs/api-conventions.md): accepted as 01…, +201…,
 * 00201…, with Arabic-Indic digits (٠١٠…) and spaces or dashes; stored E.164. */
#ifndef WARSHA_PHONE_H
#define WARSHA_PHONE_H

#include <stddef.h>

#define PHONE_E164_LEN 14  /* "+20" and 10 national digits, and NUL */

/* The phone-shaped text in ASCII digits: Arabic-Indic digits folded, spaces, dashes and
 * parentheses dropped, a leading '+' kept. Returns the length, or -1 when the text holds
 * anything else or does not fit in outlen. */
int phone_digits(const char *in, char *out, size_t outlen);

/* Writes the E.164 form ("+201012345678") to out (at least PHONE_E164_LEN bytes); 0 when valid. */
int phone_normalize(const char *in, char *out, size_t outlen);

#endif
