/* core/mustache: the Mustache subset of docs/templates.md, compiled once, rendered over
 * json-c data.
 *
 * A template is a tree of nodes in the template's own arena; text nodes point into the
 * template's copy of its source. The standalone-line rule of the specification is applied
 * while parsing (a section, inverted, closing, comment or partial tag alone on its line
 * takes the whole line with it), so rendering only walks the tree.
 *
 * Partial indentation: the specification indents every line of a standalone partial's
 * template (not of the values it interpolates). Each node records whether it starts a
 * line of its template's source (bol); rendering a partial with an indentation writes it
 * before each such node and after each newline inside a text node that is not its last
 * byte, which is what indenting the source would do, without compiling it again. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mustache.h"

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
	enum node_kind kind;
	int            bol;        /* starts a line of the template's source */
	int            line, column;
	const char    *text;       /* N_TEXT: into the template's source */
	size_t         len;
	const char    *name;       /* the tag's name as written, trimmed */
	const char   **path;       /* the name split at dots; npath 0 is "." */
	size_t         npath;
	const char    *indent;     /* N_PARTIAL: a standalone tag's indentation, else "" */
	struct node   *first;      /* N_SECTION, N_INVERTED: the body */
	struct node   *next;
};

struct mustache_template {
	struct arena arena;        /* owns everything below */
	char        *name;
	char        *src;
	size_t       len;
	struct node *root;
};

/* --- errors and positions --- */

static void
set_error(struct mustache_error *err, const char *name, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
set_error(struct mustache_error *err, const char *name, int line, int column, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	snprintf(err->name, sizeof(err->name), "%s", name != NULL ? name : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* --- parsing --- */

struct frame {
	struct node  *section;     /* NULL for the template's top level */
	struct node **tail;        /* where the next node of this level goes */
};

struct parser {
	struct mustache_template *t;
	const char               *s;
	size_t                    n;
	struct mustache_error    *err;
	struct frame              stack[MUSTACHE_MAX_NESTING + 1];
	int                       depth;
	int                       bol;
	size_t                    loc_off;    /* line/column of loc_off, moved forward only */
	int                       loc_line, loc_col;
};

/* Line and column (in characters: UTF-8 continuation bytes do not count) of offset off.
 * Offsets come in increasing order while parsing, so this stays linear. */
static void
locate(struct parser *p, size_t off, int *line, int *col)
{
	if (off < p->loc_off) {
		p->loc_off = 0;
		p->loc_line = p->loc_col = 1;
	}
	for (; p->loc_off < off; p->loc_off++) {
		unsigned char c = (unsigned char)p->s[p->loc_off];

		if (c == '\n') {
			p->loc_line++;
			p->loc_col = 1;
		} else if ((c & 0xC0) != 0x80) {
			p->loc_col++;
		}
	}
	*line = p->loc_line;
	*col = p->loc_col;
}

static int
parse_error(struct parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
parse_error(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[sizeof(p->err->message)];
	va_list ap;
	int line, col;

	locate(p, off, &line, &col);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(p->err, p->t->name, line, col, "%s", msg);
	return -1;
}

static struct node *
add_node(struct parser *p, enum node_kind kind, size_t off)
{
	struct frame *f = &p->stack[p->depth];
	struct node *n = arena_alloc(&p->t->arena, sizeof(*n));

	n->kind = kind;
	n->indent = "";
	locate(p, off, &n->line, &n->column);
	*f->tail = n;
	f->tail = &n->next;
	return n;
}

static void
add_text(struct parser *p, size_t from, size_t to)
{
	struct node *n;

	if (to <= from)
		return;
	n = add_node(p, N_TEXT, from);
	n->text = p->s + from;
	n->len = to - from;
	n->bol = p->bol;
	p->bol = p->s[to - 1] == '\n';
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A name: "." or dot-separated non-empty parts without spaces, braces or control bytes. */
static int
parse_name(struct parser *p, struct node *n, const char *name, size_t off)
{
	const char *q;
	size_t i, k;

	if (*name == '\0')
		return parse_error(p, off, "empty tag name");
	for (q = name; *q != '\0'; q++)
		if ((unsigned char)*q <= ' ' || *q == '{' || *q == '}' || *q == 0x7F)
			return parse_error(p, off, "bad tag name '%s': names hold no spaces, braces "
			    "or control characters", name);
	n->name = name;
	if (strcmp(name, ".") == 0)
		return 0;
	if (name[0] == '.' || name[strlen(name) - 1] == '.' || strstr(name, "..") != NULL)
		return parse_error(p, off, "bad tag name '%s': an empty part between dots", name);
	for (k = 1, q = name; *q != '\0'; q++)
		k += *q == '.';
	n->path = arena_alloc(&p->t->arena, k * sizeof(*n->path));
	for (i = 0, q = name; i < k; i++) {
		size_t m = strcspn(q, ".");

		n->path[i] = arena_strndup(&p->t->arena, q, m);
		q += m + 1;
	}
	n->npath = k;
	return 0;
}

/* The line around [tag, end) holds nothing else but spaces and tabs: *ls is where that
 * line starts and *le where the next one does (past "\n", "\r\n" or at the end). */
static int
standalone(const struct parser *p, size_t tag, size_t end, size_t *ls, size_t *le)
{
	size_t a = tag, e = end;

	while (a > 0 && (p->s[a - 1] == ' ' || p->s[a - 1] == '\t'))
		a--;
	if (a > 0 && p->s[a - 1] != '\n')
		return 0;
	while (e < p->n && (p->s[e] == ' ' || p->s[e] == '\t'))
		e++;
	if (e < p->n) {
		if (p->s[e] == '\n')
			e++;
		else if (p->s[e] == '\r' && e + 1 < p->n && p->s[e + 1] == '\n')
			e += 2;
		else
			return 0;
	}
	*ls = a;
	*le = e;
	return 1;
}

static const char *
find(const struct parser *p, size_t from, const char *what)
{
	return from > p->n ? NULL : memmem(p->s + from, p->n - from, what, strlen(what));
}

/* One tag at offset tag; *pos is where parsing goes on. */
static int
parse_tag(struct parser *p, size_t *text_start, size_t tag, size_t *pos)
{
	const char *close, *b, *e;
	size_t body, end, ls = 0, le = 0;
	char sigil = p->s[tag + 2 < p->n ? tag + 2 : tag], *name;
	struct node *n;
	int alone = 0;

	if (tag + 2 < p->n && sigil == '{') {
		body = tag + 3;
		if ((close = find(p, body, "}}}")) == NULL)
			return parse_error(p, tag, "unclosed tag: '{{{' without '}}}'");
		end = (size_t)(close - p->s) + 3;
	} else {
		if (tag + 2 >= p->n || strchr("#^/!>&=<$", sigil) == NULL || sigil == '\0')
			sigil = 0;
		body = tag + 2 + (sigil != 0);
		if ((close = find(p, tag + 2, "}}")) == NULL)
			return parse_error(p, tag, "unclosed tag: '{{' without '}}'");
		end = (size_t)(close - p->s) + 2;
	}
	if (sigil == '=')
		return parse_error(p, tag, "set delimiters ({{=...=}}) are not supported");
	if (sigil == '<' || sigil == '$')
		return parse_error(p, tag, "template inheritance ({{%c...}}) is not supported", sigil);
	if (sigil != 0 && strchr("#^/!>", sigil) != NULL)
		alone = standalone(p, tag, end, &ls, &le);
	if (!alone)
		ls = tag;
	add_text(p, *text_start, ls);
	*pos = *text_start = alone ? le : end;

	if (sigil == '!') {                  /* a comment leaves bol as it was */
		if (alone)
			p->bol = 1;
		return 0;
	}
	for (b = p->s + body, e = close; b < e && is_space(*b); b++)
		;
	while (e > b && is_space(e[-1]))
		e--;
	name = arena_strndup(&p->t->arena, b, (size_t)(e - b));
	if (memchr(b, '\0', (size_t)(e - b)) != NULL)
		return parse_error(p, tag, "bad tag name: a NUL byte");

	switch (sigil) {
	case '/': {
		struct frame *f = &p->stack[p->depth];

		if (p->depth == 0)
			return parse_error(p, tag, "{{/%s}} closes no open section", name);
		if (strcmp(f->section->name, name) != 0)
			return parse_error(p, tag, "{{/%s}} does not close {{%c%s}} opened at line %d, "
			    "column %d", name, f->section->kind == N_SECTION ? '#' : '^',
			    f->section->name, f->section->line, f->section->column);
		if (!alone && p->bol) {
			/* the indentation of a partial's line ending here belongs to the body */
			struct node *m = arena_alloc(&p->t->arena, sizeof(*m));

			m->kind = N_TEXT;
			m->bol = 1;
			m->indent = "";
			m->text = "";
			*f->tail = m;
			f->tail = &m->next;
		}
		p->depth--;
		p->bol = alone;
		return 0;
	}
	case '#':
	case '^':
		if (p->depth == MUSTACHE_MAX_NESTING)
			return parse_error(p, tag, "sections nested more than %d deep", MUSTACHE_MAX_NESTING);
		n = add_node(p, sigil == '#' ? N_SECTION : N_INVERTED, tag);
		if (parse_name(p, n, name, tag) != 0)
			return -1;
		n->bol = alone ? 0 : p->bol;
		p->depth++;
		p->stack[p->depth].section = n;
		p->stack[p->depth].tail = &n->first;
		p->bol = alone;
		return 0;
	case '>':
		n = add_node(p, N_PARTIAL, tag);
		if (*name == '\0')
			return parse_error(p, tag, "empty partial name");
		for (b = name; *b != '\0'; b++)
			if ((unsigned char)*b <= ' ' || *b == '{' || *b == '}')
				return parse_error(p, tag, "bad partial name '%s'", name);
		n->name = name;
		n->bol = alone ? 0 : p->bol;
		if (alone)
			n->indent = arena_strndup(&p->t->arena, p->s + ls, tag - ls);
		p->bol = alone;
		return 0;
	default:                             /* {{x}}, {{&x}}, {{{x}}} */
		n = add_node(p, sigil == 0 ? N_VAR : N_RAW, tag);
		if (parse_name(p, n, name, tag) != 0)
			return -1;
		n->bol = p->bol;
		p->bol = 0;
		return 0;
	}
}

struct mustache_template *
mustache_compile(const char *name, const char *src, size_t len, struct mustache_error *err)
{
	struct mustache_template *t = calloc(1, sizeof(*t));
	struct parser p;
	size_t pos = 0, text_start = 0;
	const char *tag;

	if (t == NULL) {
		set_error(err, name, 0, 0, "out of memory");
		return NULL;
	}
	arena_init(&t->arena, 4096);
	t->name = arena_strdup(&t->arena, name != NULL ? name : "");
	t->src = arena_alloc(&t->arena, len + 1);
	if (len > 0)
		memcpy(t->src, src, len);
	t->len = len;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.s = t->src;
	p.n = len;
	p.err = err;
	p.bol = 1;
	p.loc_line = p.loc_col = 1;
	p.stack[0].tail = &t->root;
	while ((tag = find(&p, pos, "{{")) != NULL) {
		if (parse_tag(&p, &text_start, (size_t)(tag - p.s), &pos) != 0)
			goto fail;
	}
	add_text(&p, text_start, len);
	if (p.depth > 0) {
		struct node *s = p.stack[p.depth].section;

		set_error(err, t->name, s->line, s->column, "{{%c%s}} is never closed (no {{/%s}})",
		    s->kind == N_SECTION ? '#' : '^', s->name, s->name);
		goto fail;
	}
	return t;
fail:
	mustache_free(t);
	return NULL;
}

void
mustache_free(struct mustache_template *t)
{
	if (t == NULL)
		return;
	arena_free(&t->arena);
	free(t);
}

const char *
mustache_name(const struct mustache_template *t)
{
	return t->name;
}

/* --- rendering --- */

struct render {
	struct arena         *a;         /* the caller's: partial indentations */
	char                 *out;       /* owned here; copied into a at the end */
	size_t                len, cap;
	json_object          *stack[MUSTACHE_MAX_DEPTH + 2];
	int                   sp;
	int                   depth;
	long                  steps;
	mustache_partial_fn   partials;
	void                 *ctx;
	struct mustache_error *err;
	int                   failed;
};

static void
render_fail(struct render *r, const struct mustache_template *t, const struct node *n,
    const char *msg)
{
	if (r->failed)
		return;
	r->failed = 1;
	set_error(r->err, t->name, n != NULL ? n->line : 0, n != NULL ? n->column : 0, "%s", msg);
}

static void
put(struct render *r, const char *s, size_t n)
{
	if (r->failed || n == 0)
		return;
	if (n > MUSTACHE_MAX_OUTPUT - r->len) {
		r->failed = 1;
		set_error(r->err, "", 0, 0, "the rendered text is longer than %u bytes",
		    MUSTACHE_MAX_OUTPUT);
		return;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		if ((p = realloc(r->out, cap)) == NULL) {
			r->failed = 1;
			set_error(r->err, "", 0, 0, "out of memory");
			return;
		}
		r->out = p;
		r->cap = cap;
	}
	memcpy(r->out + r->len, s, n);
	r->len += n;
}

/* & < > " as the specification asks, and ' too: a value may land in an attribute
 * written with single quotes. */
static void
put_escaped(struct render *r, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		put(r, s + from, i - from);
		put(r, rep, strlen(rep));
		from = i + 1;
	}
	put(r, s + from, n - from);
}

/* The shortest %g text that reads back as the same double: 1.5 is "1.5", not
 * "1.5000000000000000"; 2.0 is "2". Non-finite values as json-c writes them. */
static void
format_double(double d, char *buf, size_t size)
{
	int prec;

	if (isnan(d)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(buf, size, "%sInfinity", d < 0 ? "-" : "");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

static void
put_value(struct render *r, json_object *v, int escape)
{
	char num[64];
	const char *s;
	size_t n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return;
	case json_type_boolean:
		s = json_object_get_boolean(v) ? "true" : "false";
		n = strlen(s);
		break;
	case json_type_double:
		format_double(json_object_get_double(v), num, sizeof(num));
		s = num;
		n = strlen(s);
		break;
	case json_type_string:
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		break;
	default:                             /* integers as json-c writes them; objects, arrays as JSON */
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		n = strlen(s);
		break;
	}
	if (escape)
		put_escaped(r, s, n);
	else
		put(r, s, n);
}

/* The specification's resolution: "." is the top of the context stack; otherwise the
 * first part is looked up from the top of the stack down, in objects only, and the
 * other parts in what the first one found, and nowhere else. 0 when the name misses. */
static int
lookup(const struct render *r, const struct node *n, json_object **out)
{
	json_object *v = NULL;
	size_t i;
	int k;

	if (n->npath == 0) {
		*out = r->stack[r->sp - 1];
		return 1;
	}
	for (k = r->sp - 1; k >= 0; k--)
		if (json_object_is_type(r->stack[k], json_type_object) &&
		    json_object_object_get_ex(r->stack[k], n->path[0], &v))
			break;
	if (k < 0)
		return 0;
	for (i = 1; i < n->npath; i++)
		if (!json_object_is_type(v, json_type_object) ||
		    !json_object_object_get_ex(v, n->path[i], &v))
			return 0;
	*out = v;
	return 1;
}

/* Falsy: a missing name, null, false, an empty list. Everything else is truthy,
 * 0 and "" included (as in the specification). */
static int
truthy(int found, json_object *v)
{
	if (!found || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v) > 0;
	return 1;
}

static void render_nodes(struct render *r, const struct mustache_template *t,
    const struct node *first, const char *indent);

/* Text, with the indentation after each newline that is not its last byte. */
static void
render_text(struct render *r, const struct node *n, const char *indent)
{
	const char *s = n->text, *nl, *end = n->text + n->len;

	if (*indent == '\0') {
		put(r, s, n->len);
		return;
	}
	while ((nl = memchr(s, '\n', (size_t)(end - s))) != NULL && nl + 1 < end) {
		put(r, s, (size_t)(nl + 1 - s));
		put(r, indent, strlen(indent));
		s = nl + 1;
	}
	put(r, s, (size_t)(end - s));
}

static int
enter(struct render *r, const struct mustache_template *t, const struct node *n)
{
	if (r->depth == MUSTACHE_MAX_DEPTH) {
		char msg[128];

		snprintf(msg, sizeof(msg), "sections and partials nested more than %d deep while "
		    "rendering (a partial including itself?)", MUSTACHE_MAX_DEPTH);
		render_fail(r, t, n, msg);
		return 0;
	}
	r->depth++;
	return 1;
}

static void
render_section(struct render *r, const struct mustache_template *t, const struct node *n,
    json_object *v, const char *indent)
{
	size_t i, len;

	if (!enter(r, t, n))
		return;
	if (json_object_is_type(v, json_type_array)) {
		len = json_object_array_length(v);
		for (i = 0; i < len && !r->failed; i++) {
			r->stack[r->sp++] = json_object_array_get_idx(v, i);
			render_nodes(r, t, n->first, indent);
			r->sp--;
		}
	} else {
		r->stack[r->sp++] = v;
		render_nodes(r, t, n->first, indent);
		r->sp--;
	}
	r->depth--;
}

static void
render_partial(struct render *r, const struct mustache_template *t, const struct node *n,
    const char *indent)
{
	const struct mustache_template *p;
	const char *inner = n->indent;

	p = r->partials != NULL ? r->partials(r->ctx, n->name, t) : NULL;
	if (p == NULL || !enter(r, t, n))
		return;
	/* a standalone partial inside an indented one gets both indentations; an inline
	 * one gets none (its lines are not lines of the including template) */
	if (*n->indent != '\0' && *indent != '\0')
		inner = arena_join(r->a, "", indent, n->indent, (char *)NULL);
	render_nodes(r, p, p->root, inner);
	r->depth--;
}

static void
render_nodes(struct render *r, const struct mustache_template *t, const struct node *first,
    const char *indent)
{
	const struct node *n;
	json_object *v = NULL;
	int found;

	for (n = first; n != NULL && !r->failed; n = n->next) {
		if (++r->steps > MUSTACHE_MAX_STEPS) {
			render_fail(r, t, n, "the template takes too many steps to render");
			return;
		}
		if (n->bol && *indent != '\0')
			put(r, indent, strlen(indent));
		switch (n->kind) {
		case N_TEXT:
			render_text(r, n, indent);
			break;
		case N_VAR:
		case N_RAW:
			if (lookup(r, n, &v))
				put_value(r, v, n->kind == N_VAR);
			break;
		case N_SECTION:
			found = lookup(r, n, &v);
			if (truthy(found, v))
				render_section(r, t, n, v, indent);
			break;
		case N_INVERTED:
			found = lookup(r, n, &v);
			if (!truthy(found, v) && enter(r, t, n)) {
				render_nodes(r, t, n->first, indent);
				r->depth--;
			}
			break;
		case N_PARTIAL:
			render_partial(r, t, n, indent);
			break;
		}
	}
}

char *
mustache_render(struct arena *a, const struct mustache_template *t, json_object *data,
    mustache_partial_fn partials, void *ctx, size_t *len, struct mustache_error *err)
{
	struct render *r = calloc(1, sizeof(*r));
	char *out = NULL;

	if (r == NULL) {
		set_error(err, t->name, 0, 0, "out of memory");
		return NULL;
	}
	r->a = a;
	r->partials = partials;
	r->ctx = ctx;
	r->err = err;
	r->stack[0] = data;
	r->sp = 1;
	render_nodes(r, t, t->root, "");
	if (!r->failed) {
		out = arena_alloc(a, r->len + 1);
		if (r->len > 0)
			memcpy(out, r->out, r->len);
		if (len != NULL)
			*len = r->len;
	} else if (err != NULL && err->name[0] == '\0') {
		snprintf(err->name, sizeof(err->name), "%s", t->name);
	}
	free(r->out);
	free(r);
	return out;
}

/* --- template sets --- */

struct set_entry {
	char                     *name;
	struct mustache_template *t;
};

struct mustache_set {
	struct set_entry *v;
	size_t            n, cap;
};

#define SUFFIX ".mustache"
#define MAX_DIR_DEPTH 16

static int
read_file(const char *path, const char *rel, char **out, size_t *len, struct mustache_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	long size;

	if (f == NULL) {
		set_error(err, rel, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		set_error(err, rel, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if ((unsigned long)size > MUSTACHE_MAX_SOURCE) {
		set_error(err, rel, 0, 0, "larger than %u bytes", MUSTACHE_MAX_SOURCE);
		goto fail;
	}
	if ((buf = malloc((size_t)size + 1)) == NULL) {
		set_error(err, rel, 0, 0, "out of memory");
		goto fail;
	}
	n = fread(buf, 1, (size_t)size, f);
	if (ferror(f)) {
		set_error(err, rel, 0, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	fclose(f);
	return -1;
}

static int
set_add(struct mustache_set *s, const char *path, const char *rel, struct mustache_error *err)
{
	size_t rl = strlen(rel) - strlen(SUFFIX), n;
	char *src, *name;
	struct mustache_template *t;

	if (read_file(path, rel, &src, &n, err) != 0)
		return -1;
	if ((name = strndup(rel, rl)) == NULL) {
		free(src);
		set_error(err, rel, 0, 0, "out of memory");
		return -1;
	}
	t = mustache_compile(name, src, n, err);
	free(src);
	free(name);
	if (t == NULL) {
		if (err != NULL)             /* the file, for editors */
			snprintf(err->name, sizeof(err->name), "%s", rel);
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct set_entry *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL) {
			mustache_free(t);
			set_error(err, rel, 0, 0, "out of memory");
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n].t = t;
	s->v[s->n].name = t->name;
	s->n++;
	return 0;
}

/* rel is "" for the top directory, else "sub/dir/". */
static int
set_walk(struct mustache_set *s, const char *root, const char *rel, int depth,
    struct mustache_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX], sub[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	if ((dp = opendir(dir)) == NULL) {
		set_error(err, *rel ? rel : root, 0, 0, "cannot open directory: %s", strerror(errno));
		return -1;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		size_t nl = strlen(d->d_name);

		if (d->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s", dir, d->d_name) >= sizeof(path) ||
		    (size_t)snprintf(sub, sizeof(sub), "%s%s", rel, d->d_name) + 1 >= sizeof(sub)) {
			set_error(err, rel, 0, 0, "path too long: %s", d->d_name);
			rc = -1;
			break;
		}
		if (stat(path, &st) != 0)
			continue;                    /* a dangling link */
		if (S_ISDIR(st.st_mode)) {
			if (depth == MAX_DIR_DEPTH) {
				set_error(err, sub, 0, 0, "directories nested more than %d deep", MAX_DIR_DEPTH);
				rc = -1;
				break;
			}
			strcat(sub, "/");
			rc = set_walk(s, root, sub, depth + 1, err);
		} else if (S_ISREG(st.st_mode) && nl > strlen(SUFFIX) &&
		    strcmp(d->d_name + nl - strlen(SUFFIX), SUFFIX) == 0) {
			rc = set_add(s, path, sub, err);
		}
	}
	closedir(dp);
	return rc;
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct set_entry *)a)->name, ((const struct set_entry *)b)->name);
}

const struct mustache_template *
mustache_set_get(const struct mustache_set *s, const char *name)
{
	struct set_entry key = { (char *)name, NULL }, *e;

	if (s->n == 0)
		return NULL;
	e = bsearch(&key, s->v, s->n, sizeof(*s->v), entry_cmp);
	return e != NULL ? e->t : NULL;
}

const struct mustache_template *
mustache_set_partial(void *set, const char *name, const struct mustache_template *from)
{
	const struct mustache_set *s = set;
	const char *slash = from != NULL ? strrchr(from->name, '/') : NULL;
	const struct mustache_template *t;
	char buf[512];

	if (slash != NULL && (size_t)snprintf(buf, sizeof(buf), "%.*s/%s",
	    (int)(slash - from->name), from->name, name) < sizeof(buf) &&
	    (t = mustache_set_get(s, buf)) != NULL)
		return t;
	return mustache_set_get(s, name);
}

/* Every partial tag of the set names one of its templates. */
static int
check_partials(const struct mustache_set *s, const struct mustache_template *t,
    const struct node *n, struct mustache_error *err)
{
	for (; n != NULL; n = n->next) {
		if (n->kind == N_PARTIAL && mustache_set_partial((void *)s, n->name, t) == NULL) {
			set_error(err, "", n->line, n->column, "partial '%s' is not a template of the set",
			    n->name);
			if (err != NULL)
				snprintf(err->name, sizeof(err->name), "%s" SUFFIX, t->name);
			return -1;
		}
		if (n->first != NULL && check_partials(s, t, n->first, err) != 0)
			return -1;
	}
	return 0;
}

struct mustache_set *
mustache_set_load(const char *dir, struct mustache_error *err)
{
	struct mustache_set *s = calloc(1, sizeof(*s));
	size_t i;

	if (s == NULL) {
		set_error(err, dir, 0, 0, "out of memory");
		return NULL;
	}
	if (set_walk(s, dir, "", 0, err) != 0)
		goto fail;
	if (s->n > 0)
		qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	for (i = 0; i < s->n; i++)
		if (check_partials(s, s->v[i].t, s->v[i].t->root, err) != 0)
			goto fail;
	return s;
fail:
	mustache_set_free(s);
	return NULL;
}

void
mustache_set_free(struct mustache_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		mustache_free(s->v[i].t);
	free(s->v);
	free(s);
}

size_t
mustache_set_count(const struct mustache_set *s)
{
	return s->n;
}

char *
mustache_set_render(struct arena *a, const struct mustache_set *s, const char *name,
    json_object *data, size_t *len, struct mustache_error *err)
{
	const struct mustache_template *t = mustache_set_get(s, name);

	if (t == NULL) {
		set_error(err, name, 0, 0, "no template named '%s' in the set", name);
		return NULL;
	}
	return mustache_render(a, t, data, mustache_set_partial, (void *)s, len, err);
}
