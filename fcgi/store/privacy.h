/* privacy: what a person's data touches beyond their users row, for their export
 * (GET /api/users/me/export) and their erasure (DELETE /api/users/me, DELETE
 * /api/users/:id). docs/privacy.md lists every table and what happens to it.
 *
 * These statements read and change rows of several tables (bookings, notifications,
 * sessions, outbox, contact messages, technician profiles): they are kept together so
 * that the answer to "what does Warsha hold about a person, and what does it erase" is
 * one file. A new table that holds personal data adds its export and its erasure here. */
#ifndef WARSHA_STORE_PRIVACY_H
#define WARSHA_STORE_PRIVACY_H

#include <json-c/json.h>

#include "store.h"

extern struct db_family store_privacy;

/* Adds the person's data to out (an object): profile, technicianProfile, sessions,
 * bookings (as customer, whole; as technician, without the customers' details),
 * notifications, activity, messages (what was sent to them, never the codes),
 * contactMessages, devices (push; never the token), uploads (what and where, not the
 * bytes), and a craftsman's quotes and invitations. DB_NOTFOUND when there is no such user. */
enum db_rc db_privacy_export(struct db *db, struct arena *a, long long user_id,
    json_object *out);

/* *id: a booking of the person (as customer or assigned technician) that has not ended
 * (completed, verified, paid, cancelled and rejected have), or 0. */
enum db_rc db_privacy_open_booking(struct db *db, struct arena *a, long long user_id,
    long long *id);

/* Erases what identifies the person outside the users row (which
 * db_users_anonymize() clears): their bookings' contact details and place, their
 * notifications, the unsent messages to them, their contact-form messages, their
 * sessions' devices and addresses, their push devices, their technician profile's
 * location. Inside the unit of work that anonymizes the account. */
enum db_rc db_privacy_erase(struct db *db, struct arena *a, long long user_id);

#endif
