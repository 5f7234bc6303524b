/* Declared input: each endpoint lists its body fields (and query parameters) once —
 * name, type, required, bounds, allowed values, where the value goes — in a struct
 * input that hangs off its route row. Before the handler runs, input_read() checks the
 * body against the list, collecting every failing field for one 422, and fills a typed
 * struct the handler reads (r->in, r->qin): values arrive checked and normalized (an
 * e-mail lower-cased, a phone as +20…), so a handler never re-reads the body.
 * Undeclared fields are ignored, never copied anywhere. */
#ifndef WARSHA_VALIDATE_H
#define WARSHA_VALIDATE_H

#include <stddef.h>
#include <json-c/json.h>

#include "arena.h"
#include "i18n.h"

struct kvlist;

enum vtype {
	V_STRING,     /* min/max: length in characters */
	V_EMAIL,
	V_PHONE,      /* Egyptian mobile, any accepted spelling (phone.h) */
	V_PASSWORD,   /* the password policy of docs/api-conventions.md */
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

/* One declared value as the handler receives it. */
struct in_val {
	unsigned char set;     /* present (a JSON null included) */
	unsigned char null;    /* present as null (only for VF_NULLABLE fields) */
	const char   *s;       /* string types: the text; V_EMAIL lower-cased, V_PHONE +201… */
	long long     i;       /* V_INT; V_BOOL as 0 or 1 */
	double        d;       /* V_NUMBER (and V_INT) */
	const char   *num;     /* V_NUMBER, V_INT: the number as written ("4.50") */
	json_object  *j;       /* the JSON value itself, owned by the body */
};

/* A field's own check after the type's: returns NULL, or an error code (and *msg, or
 * MSG_NONE for "v.<code>"). It may normalize v (a role alias to its canonical word). */
typedef const char *(*vcheck_fn)(struct in_val *v, struct arena *a, enum msg *msg);

struct vfield {
	const char        *name;     /* dotted path: "location.city" */
	enum vtype         type;
	unsigned           flags;
	long long          min, max;
	const char *const *allowed;  /* NULL-terminated, for V_ENUM */
	size_t             slot;     /* IN(type, member): where the value goes; 0: nowhere */
	vcheck_fn          check;    /* optional */
};

/* The slot of member m of the input struct T (0 means "no slot", hence the + 1). */
#define IN(T, m) (offsetof(T, m) + 1)

/* What an endpoint reads: its fields, the struct they fill, an optional check across
 * fields (start before end) that adds to errs, and the seeds' second names for fields
 * (pairs "alias", "name", NULL-terminated: a body with the alias and not the name is
 * read as if it had the name). */
struct input {
	const struct vfield *fields;
	size_t               n;
	size_t               size;
	void               (*check)(const void *in, json_object *errs, enum lang lang);
	const char *const   *aliases;
};
#define INPUT(T, fields, check) { fields, NFIELDS(fields), sizeof(T), check, NULL }
#define INPUT_ALIASED(T, fields, check, aliases) \
	{ fields, NFIELDS(fields), sizeof(T), check, aliases }

/* Returns the number of failing fields; *errors gets a docs/api-conventions.md errors[] array (or
 * NULL when there are none), which the caller owns. A body that is not a JSON object
 * is one error on the field "body". */
size_t validate(json_object *body, const struct vfield *fields, size_t n, enum lang lang,
    json_object **errors);

/* A body that is a list of items, each read by item: a bare JSON array, or (when key is
 * set) an object holding the array under key. */
struct input_list {
	const struct input *item;
	const char         *key;      /* or NULL: a bare array only */
	size_t              max;      /* at least 1 and at most max items */
};
#define INPUT_LIST(item, key, max) { &(item), key, max }

/* What input_read_list() gives the handler (r->in of a route with .body_list). */
struct in_list {
	size_t        n;
	const void  **items;          /* n structs of item->size bytes */
	const char  **names;          /* how errors name item i: "[i]" or "key[i]" */
};

/* Reads every item by l->item, its cross-field check included, and fails unless all
 * are valid; errors name the item's field ("[1].nameEn", "services[1].nameEn"), and the
 * list itself is the field l->key ("body" for a bare array). *errors as validate(). */
size_t input_read_list(struct arena *a, json_object *body, const struct input_list *l,
    enum lang lang, struct in_list **out, json_object **errors);
/* Prefixes the "field" of each error in errs with item ("[3]" + ".nameEn"). */
void   verrors_of_item(struct arena *a, json_object *errs, const char *item);

/* Checks body against in and fills a new struct of in->size bytes from the arena
 * (*out). Returns the number of failing fields; *errors as validate(). */
size_t input_read(struct arena *a, json_object *body, const struct input *in, enum lang lang,
    void **out, json_object **errors);
/* The same for query parameters: each declared one is read from its text (V_INT from
 * digits, V_BOOL from true/false/1/0); an empty value counts as absent. */
size_t input_read_query(struct arena *a, const struct kvlist *q, const struct input *in,
    enum lang lang, void **out, json_object **errors);

/* The field's text when it was sent and not null, else NULL. */
const char *in_str(const struct in_val *v);

/* Appends one {field, message, code} to an errors[] array; MSG_NONE means "v.<code>". */
void verror_add(json_object *errs, enum lang lang, const char *field, const char *code,
    enum msg msg);

/* docs/api-conventions.md's password rule: at least 8 characters with upper case, lower case and a
 * digit (and at most 128 bytes). */
int    password_policy_ok(const char *pw);

/* Length of a UTF-8 string in code points. */
size_t utf8_len(const char *s);
/* Lower-cases ASCII and checks the shape local@domain.tld; 0 when valid. */
int    email_normalize(const char *in, char *out, size_t outlen);

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

#endif
