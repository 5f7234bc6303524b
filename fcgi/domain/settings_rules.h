/* What each platform setting the code reads may hold (docs/settings.md). A change
 * through PUT /api/settings/:key is checked against its key's rule, so a setting never
 * holds a value its reader would have to ignore. Keys without a rule (an admin's own)
 * take any JSON. */
#ifndef WARSHA_DOMAIN_SETTINGS_RULES_H
#define WARSHA_DOMAIN_SETTINGS_RULES_H

#include <json-c/json.h>

enum setting_kind {
	SK_INT,         /* a whole number in [lo, hi] */
	SK_NUMBER,      /* a number (a fraction allowed) in [lo, hi] */
	SK_LANG,        /* "ar" or "en" */
	SK_BILINGUAL,   /* {"ar": text, "en": text}, each 1..hi characters */
	SK_PHONE,       /* digits with an optional leading '+', lo..hi characters */
	SK_EMAIL,       /* an e-mail address */
	SK_VERSIONS,    /* {"android": "1.2.3", "ios": "1.2.3"} */
	SK_BOOL         /* true or false */
};

struct setting_rule {
	const char       *key;
	enum setting_kind kind;
	long long         lo, hi;
};

/* The rule of a key the code reads, or NULL. */
const struct setting_rule *setting_rule(const char *key);
/* Every rule, ending with a NULL key (the settings the platform reads). */
extern const struct setting_rule setting_rules[];

/* NULL when v fits the rule, else the error code to name the value with
 * ("INVALID_TYPE", "OUT_OF_RANGE", "INVALID_FORMAT"). */
const char *setting_value_check(const struct setting_rule *rule, json_object *v);

/* An app version "1", "1.2", "1.2.3" or "1.2.3.4", each part 0..99999 without signs or
 * spaces: 0 and its parts in out[4] (missing parts 0), or -1. */
int app_version_parse(const char *s, long out[4]);
/* <0, 0, >0 as version a is older than, the same as or newer than b (both parsed). */
int app_version_cmp(const long a[4], const long b[4]);

#endif
