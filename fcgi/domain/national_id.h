/* Egyptian national ID numbers (docs/decisions.md, "National ID numbers"): 14 digits,
 *
 *   C YYMMDD GG SSSS K
 *
 * C the century of birth (2: 1900s, 3: 2000s), YYMMDD the birth date, GG the
 * governorate of birth (01 Cairo … 35, 88 born abroad), SSSS a sequence whose last
 * digit is odd for men and even for women, K a check digit. The check digit's rule is
 * not published, so it is not checked: a number passes when its parts are consistent
 * (a real birth date, not in the future; a governorate that exists), which catches
 * mistyped and made-up numbers, not forged ones. Arabic-Indic digits, spaces and
 * dashes are accepted as people write them. */
#ifndef WARSHA_DOMAIN_NATIONAL_ID_H
#define WARSHA_DOMAIN_NATIONAL_ID_H

#define NATIONAL_ID_LEN 14

enum nid_error {
	NID_OK = 0,
	NID_FORMAT,        /* not 14 digits */
	NID_CENTURY,       /* the first digit is not 2 or 3 */
	NID_BIRTH_DATE,    /* not a calendar date, or after today */
	NID_GOVERNORATE    /* no governorate has this code */
};

struct national_id {
	char digits[NATIONAL_ID_LEN + 1];   /* the number in ASCII digits */
	int  year, month, day;              /* the birth date */
	char governorate[3];                /* its national-ID code, "01".."35" or "88" */
	int  male;                          /* 1 male, 0 female */
};

/* Reads s into out, checked against today's date (year, month, day): NID_OK, or why
 * it is refused (out is then undefined). */
enum nid_error national_id_parse(const char *s, int today_y, int today_m, int today_d,
    struct national_id *out);

/* Whole years of age on today's date for a birth date. */
int national_id_age(const struct national_id *id, int today_y, int today_m, int today_d);

#endif
