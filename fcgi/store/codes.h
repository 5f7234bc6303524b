/* codes: one-time codes (e-mail verification, password reset, phone OTP), stored
 * hashed, single use, expiring, counting failed attempts. */
#ifndef WARSHA_STORE_CODES_H
#define WARSHA_STORE_CODES_H

#include "store.h"

/* Marks every unused code of the user used (a deleted account's codes die with it). */
enum db_rc db_codes_retire_user(struct db *db, struct arena *a, long long user_id);

#endif
