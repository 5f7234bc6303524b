/* contact: messages sent through the contact form (POST /api/send-email). */
#ifndef WARSHA_STORE_CONTACT_H
#define WARSHA_STORE_CONTACT_H

#include "store.h"

struct contact_new {
	long long   user_id;      /* 0: not signed in */
	const char *name;
	const char *email;
	const char *phone;        /* E.164 or NULL */
	const char *subject;      /* or NULL */
	const char *message;
	const char *lang;         /* "ar" or "en" */
	const char *ip;
};

extern struct db_family store_contact;

enum db_rc db_contact_insert(struct db *db, struct arena *a, const struct contact_new *c,
    long long *id);

#endif
