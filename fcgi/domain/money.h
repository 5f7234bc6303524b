/* Money as people type it on the dashboard: Egyptian pounds with at most two decimals
 * ("150", "150.5", "150.50"), kept and computed in piastres (1 pound = 100 piastres),
 * as the API and the database hold every amount (docs/dashboard.md, "Money").
 *
 * The reading is strict: digits (ASCII or Arabic-Indic, as an Arabic keyboard types
 * them), one decimal point ('.' or the Arabic decimal separator U+066B) followed by one
 * or two digits, spaces around the whole allowed and nothing else: no sign, no
 * thousands separators, no exponent, no third decimal (never rounded away). */
#ifndef WARSHA_DOMAIN_MONEY_H
#define WARSHA_DOMAIN_MONEY_H

#include <stddef.h>

enum money_error {
	MONEY_OK = 0,
	MONEY_EMPTY,       /* nothing but spaces */
	MONEY_FORMAT,      /* not an amount: letters, separators, a lone point, "1e5" */
	MONEY_NEGATIVE,    /* a minus sign in front of an amount */
	MONEY_DECIMALS,    /* more than two digits after the point */
	MONEY_RANGE        /* more than max piastres */
};

/* Reads s (pounds) into *piastres, at most max piastres. *piastres is set only on
 * MONEY_OK. */
enum money_error money_parse_pounds(const char *s, long long max, long long *piastres);

/* piastres as pounds with two decimals ("150.50", "-3.05"), in buf of n bytes (24 hold
 * any long long). Returns buf. */
char *money_format_pounds(long long piastres, char *buf, size_t n);

#endif
