/* Every user-facing message exists in Arabic and English (DESIGN.md §3). Messages are
 * looked up by key; the table is sorted by key and a unit test keeps it so. */
#ifndef WARSHA_I18N_H
#define WARSHA_I18N_H

enum lang { LANG_AR = 0, LANG_EN = 1 };

struct i18n_msg {
	const char *key;
	const char *ar;
	const char *en;
};

/* The message for key in lang; an unknown key is returned as itself (and logged). */
const char *i18n(enum lang lang, const char *key);
const char *lang_code(enum lang lang);
/* "ar"/"en" (also "ar-EG", "en-US") -> 0 and *out; anything else -> -1 */
int         lang_parse(const char *s, enum lang *out);
/* Picks ar or en from an Accept-Language header by quality; -1 when neither is named. */
int         lang_from_accept(const char *header, enum lang *out);

/* for tests */
const struct i18n_msg *i18n_table(unsigned *count);

#endif
