#include "settings_rules.h"

#include <math.h>
#include <string.h>

#include "core/validate.h"

/* Bounds are those of the readers: a lead time up to a week, bookings up to a year
 * ahead, fees up to 100,000 EGP, the login limits fcgi/api/auth.c accepts. */
const struct setting_rule setting_rules[] = {
	{ "app_name",                  SK_BILINGUAL, 1, 100 },
	{ "default_language",          SK_LANG,      0, 0 },
	{ "support_phone",             SK_PHONE,     3, 20 },
	{ "support_email",             SK_EMAIL,     0, 0 },
	{ "emergency_hotline",         SK_PHONE,     3, 20 },
	{ "min_app_version",           SK_VERSIONS,  0, 0 },
	{ "booking_lead_time_minutes", SK_INT,       0, 10080 },
	{ "booking_max_advance_days",  SK_INT,       1, 365 },
	{ "cancellation_fee_piastres", SK_INT,       0, 10000000 },
	{ "cancellation_fee_percent",  SK_INT,       0, 100 },
	{ "guest_emergency_per_hour",  SK_INT,       1, 1000 },
	{ "average_speed_kmh",         SK_NUMBER,    5, 150 },
	{ "max_login_attempts",        SK_INT,       3, 20 },
	{ "login_window_minutes",      SK_INT,       1, 1440 },
	/* the dashboard's sessions (fcgi/admin/page.c) */
	{ "admin_session_idle_minutes", SK_INT,      1, 10080 },
	{ "admin_session_max_hours",   SK_INT,       1, 720 },
	/* the marketplace: whether craftsmen not yet verified may quote (fcgi/api/jobs.c) */
	{ "unverified_can_quote",      SK_BOOL,      0, 0 },
	/* the platform's fee on a hired job's price, basis points (fcgi/api/jobs.c) */
	{ "platform_fee_bps",          SK_INT,       0, 10000 },
	/* the days until a job's reviews show (fcgi/api/reviews.c; domain/blind_review.h) */
	{ "review_reveal_days",        SK_INT,       1, 60 },
	{ NULL, 0, 0, 0 },
};

const struct setting_rule *
setting_rule(const char *key)
{
	const struct setting_rule *r;

	if (key == NULL)
		return NULL;
	for (r = setting_rules; r->key != NULL; r++)
		if (strcmp(r->key, key) == 0)
			return r;
	return NULL;
}

static const char *
text_check(json_object *v, size_t lo, size_t hi)
{
	size_t n;

	if (!json_object_is_type(v, json_type_string))
		return "INVALID_TYPE";
	n = utf8_len(json_object_get_string(v));
	return n < lo || n > hi ? "OUT_OF_RANGE" : NULL;
}

static const char *
phone_check(json_object *v, long long lo, long long hi)
{
	const char *s, *p;
	size_t n;

	if (!json_object_is_type(v, json_type_string))
		return "INVALID_TYPE";
	s = json_object_get_string(v);
	n = strlen(s);
	if (n < (size_t)lo || n > (size_t)hi)
		return "OUT_OF_RANGE";
	for (p = s; *p != '\0'; p++)
		if (!(*p >= '0' && *p <= '9') && !(*p == '+' && p == s))
			return "INVALID_FORMAT";
	return strcmp(s, "+") == 0 ? "INVALID_FORMAT" : NULL;
}

/* An object with exactly the named keys, each checked by check(). */
static const char *
object_check(json_object *v, const char *const *keys,
    const char *(*check)(json_object *, long long), long long arg)
{
	const char *e;
	size_t i, n = 0;
	json_object *x;

	if (!json_object_is_type(v, json_type_object))
		return "INVALID_TYPE";
	for (i = 0; keys[i] != NULL; i++, n++) {
		if (!json_object_object_get_ex(v, keys[i], &x))
			return "INVALID_FORMAT";
		if ((e = check(x, arg)) != NULL)
			return e;
	}
	return (size_t)json_object_object_length(v) == n ? NULL : "INVALID_FORMAT";
}

static const char *
bilingual_part(json_object *v, long long hi)
{
	return text_check(v, 1, (size_t)hi);
}

static const char *
version_part(json_object *v, long long unused)
{
	long parts[4];

	(void)unused;
	if (!json_object_is_type(v, json_type_string))
		return "INVALID_TYPE";
	return app_version_parse(json_object_get_string(v), parts) == 0 ? NULL :
	    "INVALID_FORMAT";
}

const char *
setting_value_check(const struct setting_rule *rule, json_object *v)
{
	static const char *const langs[] = { "ar", "en", NULL };
	static const char *const platforms[] = { "android", "ios", NULL };
	char email[256];
	double d;
	int64_t i;

	switch (rule->kind) {
	case SK_INT:
		if (!json_object_is_type(v, json_type_int))
			return "INVALID_TYPE";
		i = json_object_get_int64(v);
		return i < rule->lo || i > rule->hi ? "OUT_OF_RANGE" : NULL;
	case SK_NUMBER:
		if (!json_object_is_type(v, json_type_int) &&
		    !json_object_is_type(v, json_type_double))
			return "INVALID_TYPE";
		d = json_object_get_double(v);
		return !isfinite(d) || d < (double)rule->lo || d > (double)rule->hi ?
		    "OUT_OF_RANGE" : NULL;
	case SK_LANG:
		if (!json_object_is_type(v, json_type_string))
			return "INVALID_TYPE";
		return strcmp(json_object_get_string(v), langs[0]) == 0 ||
		    strcmp(json_object_get_string(v), langs[1]) == 0 ? NULL : "INVALID_FORMAT";
	case SK_BILINGUAL:
		return object_check(v, langs, bilingual_part, rule->hi);
	case SK_PHONE:
		return phone_check(v, rule->lo, rule->hi);
	case SK_EMAIL:
		if (!json_object_is_type(v, json_type_string))
			return "INVALID_TYPE";
		return email_normalize(json_object_get_string(v), email, sizeof(email)) == 0 ?
		    NULL : "INVALID_FORMAT";
	case SK_VERSIONS:
		return object_check(v, platforms, version_part, 0);
	case SK_BOOL:
		return json_object_is_type(v, json_type_boolean) ? NULL : "INVALID_TYPE";
	}
	return "INVALID_FORMAT";
}

int
app_version_parse(const char *s, long out[4])
{
	int part = 0, digits = 0;
	long cur = 0;

	memset(out, 0, 4 * sizeof(out[0]));
	if (s == NULL || *s == '\0')
		return -1;
	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 5)
				return -1;
			cur = cur * 10 + (*s - '0');
			continue;
		}
		if (digits == 0 || (*s != '.' && *s != '\0'))
			return -1;
		out[part++] = cur;
		if (*s == '\0')
			return 0;
		if (part == 4)
			return -1;
		cur = 0;
		digits = 0;
	}
}

int
app_version_cmp(const long a[4], const long b[4])
{
	int i;

	for (i = 0; i < 4; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}
