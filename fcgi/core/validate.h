/* Declared input: each endpoint lists its body fields once (name, type, required,
 * bounds, allowed values) and validate() checks a json-c body against the list,
 * collecting every failing field for one 422. Undeclared fields are ignored by
 * handlers, which only read what they declared. */
#ifndef WARSHA_VALIDATE_H
#define WARSHA_VALIDATE_H

#include <stddef.h>
#include <json-c/json.h>

#include "i18n.h"

enum vtype {
	V_STRING,     /* min/max: length in characters */
	V_EMAIL,
	V_PHONE,      /* Egyptian mobile, any accepted spelling (phone.h) */
	V_PASSWORD,   /* the password policy of DESIGN.md §3 */
	V_INT,        /* min/max: inclusive range when min < max */
	V_NUMBER,     /* int or double; min/max range */
	V_BOOL,
	V_ENUM,       /* a string among allowed[] */
	V_OBJECT,
	V_ARRAY,      /* max: most items */
	V_STRINGS,    /* array of strings; max items, each 1..200 characters */
	V_HHMM,       /* "HH:mm", 00:00..23:59 */
	V_DATE,       /* "YYYY-MM-DD", a real calendar date */
	V_ANY,        /* any JSON value */
};

#define VF_REQUIRED 0x1
#define VF_NULLABLE 0x2  /* JSON null is accepted (and means "clear") */

struct vfield {
	const char        *name;     /* dotted path: "location.city" */
	enum vtype         type;
	unsigned           flags;
	long long          min, max;
	const char *const *allowed;  /* NULL-terminated, for V_ENUM */
};

/* Returns the number of failing fields; *errors gets a DESIGN.md §3 errors[] array (or
 * NULL when there are none), which the caller owns. A body that is not a JSON object
 * is one error on the field "body". */
size_t validate(json_object *body, const struct vfield *fields, size_t n, enum lang lang,
    json_object **errors);

/* Appends one {field, message, code} to an errors[] array; msg_key NULL means "v.<code>". */
void verror_add(json_object *errs, enum lang lang, const char *field, const char *code,
    const char *msg_key);

/* DESIGN.md §3's password rule: at least 8 characters with upper case, lower case and a
 * digit (and at most 128 bytes). */
int    password_policy_ok(const char *pw);

/* Length of a UTF-8 string in code points. */
size_t utf8_len(const char *s);
/* Lower-cases ASCII and checks the shape local@domain.tld; 0 when valid. */
int    email_normalize(const char *in, char *out, size_t outlen);

struct req;
/* validate() and, on failure, reply 422; returns 0 when the body is valid. */
int validate_or_reply(struct req *r, json_object *body, const struct vfield *fields, size_t n);

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

#endif
