/* The activity log (seed 001 §7.11): every admin action, deletion, registration and
 * service change, written in the same transaction as the change itself. */
#ifndef WARSHA_ACTIVITY_H
#define WARSHA_ACTIVITY_H

#include <json-c/json.h>

#include "http.h"

/* details may be NULL; it is not taken. */
enum db_rc activity_record(struct req *r, const char *action, const char *target_type,
    long long target_id, json_object *details);

#endif
