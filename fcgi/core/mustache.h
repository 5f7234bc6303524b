/* Mustache templates: compiled once into a tree, rendered over json-c data.
 *
 * The subset (docs/templates.md): variables {{x}} (HTML-escaped: & < > " '), {{{x}}} and
 * {{& x}} (raw), sections {{#x}}...{{/x}}, inverted sections {{^x}}...{{/x}}, comments
 * {{! }}, partials {{> name}}, dotted names and the implicit iterator {{.}}, with the
 * specification's standalone-line and partial-indentation rules. Set delimiters
 * ({{=<% %>=}}), lambdas and template inheritance are not supported: their tags are
 * parse errors that say so.
 *
 * Ownership: a template owns its copy of the source and its tree (mustache_free); a set
 * owns its templates (mustache_set_free); a rendered text belongs to the caller's arena. */
#ifndef WARSHA_MUSTACHE_H
#define WARSHA_MUSTACHE_H

#include <stddef.h>

#include <json-c/json.h>

#include "core/arena.h"

#define MUSTACHE_MAX_NESTING   100        /* sections nested in one template */
#define MUSTACHE_MAX_DEPTH     200        /* sections + partials nested while rendering */
#define MUSTACHE_MAX_OUTPUT    (16u << 20) /* bytes of one rendered text */
#define MUSTACHE_MAX_STEPS     4000000L   /* nodes visited by one render */
#define MUSTACHE_MAX_SOURCE    (1u << 20) /* bytes of one template file in a set */

struct mustache_template;
struct mustache_set;

/* Where and why compiling, loading or rendering failed. line and column are 1-based
 * (column in characters, UTF-8 aware); both are 0 when the error has no position (an
 * unreadable file). name is the template (for a set: its file, relative to the set's
 * directory). */
struct mustache_error {
	char name[256];
	int  line, column;
	char message[256];
};

/* The partial a render asks for: NULL renders as the empty string, as the
 * specification says. from is the template whose {{> name}} tag is being rendered. */
typedef const struct mustache_template *(*mustache_partial_fn)(void *ctx, const char *name,
    const struct mustache_template *from);

/* NULL on a parse error (err filled). name is kept for error messages and partial
 * lookup in a set; src need not be NUL-terminated. */
struct mustache_template *mustache_compile(const char *name, const char *src, size_t len,
    struct mustache_error *err);
void mustache_free(struct mustache_template *t);
const char *mustache_name(const struct mustache_template *t);

/* The text, NUL-terminated, in a's memory (*len its length when len is not NULL), or
 * NULL with err filled (a limit above was reached). data may be NULL (empty context). */
char *mustache_render(struct arena *a, const struct mustache_template *t, json_object *data,
    mustache_partial_fn partials, void *ctx, size_t *len, struct mustache_error *err);

/* Every *.mustache file under dir (subdirectories included, dot files skipped), named by
 * its path relative to dir without the suffix: templates/email/verify_email.en.html.mustache
 * is "email/verify_email.en.html". Every partial tag must name a template of the set
 * (checked here, so a typo fails at load time, not in a user's mailbox). NULL with err
 * filled on the first failure. */
struct mustache_set *mustache_set_load(const char *dir, struct mustache_error *err);
void mustache_set_free(struct mustache_set *s);
size_t mustache_set_count(const struct mustache_set *s);
const struct mustache_template *mustache_set_get(const struct mustache_set *s, const char *name);
/* {{> name}} inside a template of the set: first "<dir of the including template>/name",
 * then "name" from the set's root. */
const struct mustache_template *mustache_set_partial(void *set, const char *name,
    const struct mustache_template *from);
/* mustache_render of the set's template name; an unknown name is an error. */
char *mustache_set_render(struct arena *a, const struct mustache_set *s, const char *name,
    json_object *data, size_t *len, struct mustache_error *err);

#endif
