/* libFuzzer target: arbitrary bytes compiled as a Mustache template and rendered over a
 * fixed context (fcgi/core/mustache.c), with partials that include the template itself.
 *
 * Oracles: a compile error has a position inside the text; a render either gives a text
 * of the length it reports or stops at one of the engine's limits; and the bytes as a
 * {{x}} value come out with no & < > " ' left raw and read back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mustache.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static struct arena A;
static json_object *ctx;
static struct mustache_template *partial_p, *escape_x, *current;

static const char CONTEXT[] =
    "{\"name\": \"سارة <&> \\\"'\", \"n\": 42, \"d\": 1.5, \"t\": true, \"f\": false,"
    " \"z\": null, \"empty\": [], \"s\": \"\", \"zero\": 0,"
    " \"list\": [{\"name\": \"a\", \"list\": [1, 2.5, \"x\"]}, {\"name\": \"b\", \"t\": false}],"
    " \"a\": {\"b\": {\"c\": \"deep\", \"list\": [[1, 2], [\"y\"]]}}, \"x\": \"<x>\"}";

static const struct mustache_template *
lookup(void *c, const char *name, const struct mustache_template *from)
{
	(void)c;
	(void)from;
	if (strcmp(name, "self") == 0)
		return current;
	if (strcmp(name, "p") == 0)
		return partial_p;
	return NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char p[] = "  {{name}}\n  {{#list}}\n    {{> p}}\n  {{/list}}\n{{.}}";
	struct mustache_error err;

	(void)argc;
	(void)argv;
	arena_init(&A, 65536);
	ctx = json_tokener_parse(CONTEXT);
	partial_p = mustache_compile("p", p, sizeof(p) - 1, &err);
	escape_x = mustache_compile("x", "{{x}}", 5, &err);
	ASSERT(ctx != NULL && partial_p != NULL && escape_x != NULL);
	return 0;
}

/* out is the escaped form of in: no special byte raw, and the entities undo to in. */
static void
check_escaped(const uint8_t *in, size_t n, const char *out, size_t len)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	size_t i = 0, j = 0, k;

	while (i < len) {
		char c = out[i];

		ASSERT(c != '<' && c != '>' && c != '"' && c != '\'');
		if (c == '&') {
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (strncmp(out + i, ents[k].ent, strlen(ents[k].ent)) == 0)
					break;
			ASSERT(k < sizeof(ents) / sizeof(ents[0]));
			c = ents[k].c;
			i += strlen(ents[k].ent);
		} else {
			i++;
		}
		ASSERT(j < n && (char)in[j] == c);
		j++;
	}
	ASSERT(j == n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mustache_error err;
	json_object *d;
	const char *out;
	size_t len = 0, i, lines = 1;

	current = mustache_compile("fuzz", (const char *)data, size, &err);
	if (current == NULL) {
		for (i = 0; i < size; i++)
			lines += data[i] == '\n';
		ASSERT(err.line >= 1 && (size_t)err.line <= lines && err.column >= 1);
		ASSERT(err.message[0] != '\0' && strcmp(err.name, "fuzz") == 0);
	} else {
		out = mustache_render(&A, current, ctx, lookup, NULL, &len, &err);
		if (out == NULL)
			ASSERT(strstr(err.message, "nested more than") != NULL ||
			    strstr(err.message, "too many steps") != NULL ||
			    strstr(err.message, "longer than") != NULL);
		else
			ASSERT(len <= MUSTACHE_MAX_OUTPUT && out[len] == '\0');
		mustache_free(current);
		current = NULL;
	}

	/* the same bytes as a value */
	d = json_object_new_object();
	json_object_object_add(d, "x", json_object_new_string_len((const char *)data, (int)size));
	out = mustache_render(&A, escape_x, d, NULL, NULL, &len, &err);
	ASSERT(out != NULL);
	check_escaped(data, size, out, len);
	json_object_put(d);
	arena_reset(&A);
	return 0;
}
