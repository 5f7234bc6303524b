/* settings: the system settings (seed 000 "System Settings"), a value of any JSON per
 * key. A small table, read whole: the public ones by everybody (cached), all of them by
 * admins. */
#ifndef WARSHA_STORE_SETTINGS_H
#define WARSHA_STORE_SETTINGS_H

#include <json-c/json.h>

#include "store.h"

/* The public settings as one object {key: value} (owned by the caller). */
enum db_rc db_settings_public(struct db *db, struct arena *a, json_object **out);
/* Every setting with its visibility and descriptions (a JSON array). */
enum db_rc db_settings_all(struct db *db, struct arena *a, json_object **out);
/* One setting as /all shows it; DB_NOTFOUND when there is none. */
enum db_rc db_settings_view(struct db *db, struct arena *a, const char *key,
    json_object **out);

/* The value (JSON text) of the setting, its row locked (FOR UPDATE): inside a
 * transaction only. DB_NOTFOUND when there is none. */
enum db_rc db_settings_lock(struct db *db, struct arena *a, const char *key,
    const char **value);
/* A setting's value (JSON text), not locked; DB_NOTFOUND when it is not set. */
enum db_rc db_settings_value(struct db *db, struct arena *a, const char *key,
    const char **value);
/* A setting whose value is a whole number within [lo, hi]; DB_NOTFOUND when it is not
 * set, or is no such number (the caller keeps its default). */
enum db_rc db_settings_int(struct db *db, struct arena *a, const char *key, long long lo,
    long long hi, long long *value);
/* A setting's whole number of 0 or more, or def while it is not set or is no such number;
 * fails only when the database does. */
enum db_rc db_settings_int_or(struct db *db, struct arena *a, const char *key, long long def,
    long long *value);
enum db_rc db_settings_update(struct db *db, struct arena *a, const char *key,
    const char *value, long long by);

struct setting_new {
	const char *key;
	const char *value;          /* JSON text */
	int         is_public;
	const char *description_ar; /* or NULL */
	const char *description_en; /* or NULL */
	long long   by;
};
/* DB_DUP when the key exists. (Its key is the table's primary key, which the server
 * names only "PRIMARY", so fcgi/store/keys.c cannot tell it from another table's.) */
enum db_rc db_settings_insert(struct db *db, struct arena *a, const struct setting_new *s);

#endif
