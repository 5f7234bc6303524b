/* libFuzzer target: a request body through parse_json_body(), then the json helpers and
 * a json_text() round trip on whatever it accepts.
 *
 * What is accepted must be JSON as RFC 8259 and 3629 define it, because it is stored in
 * JSON columns and served back: well-formed UTF-8, finite numbers written the JSON way,
 * at most 32 levels deep; and its text must parse back to an equal value. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 4096);
	return 0;
}

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

/* The oracle: RFC 3629 well-formed UTF-8 (no overlong forms, surrogates or code points
 * > U+10FFFF), written from the RFC on purpose rather than calling the code under test. */
static int
utf8_well_formed(const unsigned char *s, size_t n)
{
	size_t i = 0, j, k;

	while (i < n) {
		unsigned char c = s[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 3;
		else
			return 0;
		if (n - i <= k)
			return 0;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
		    (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
			return 0;
		for (j = 1; j <= k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Depth in the parser's sense (a scalar is 0, [] is 1), -1 when a number is not JSON. */
static int
check_tree(json_object *o)
{
	int d, max = 0;
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_double:
		if (!isfinite(json_object_get_double(o)) ||
		    !json_number(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)))
			return -1;
		return 0;
	case json_type_string:
		ASSERT(utf8_well_formed((const unsigned char *)json_object_get_string(o),
		    (size_t)json_object_get_string_len(o)));
		return 0;
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if ((d = check_tree(json_object_array_get_idx(o, i))) < 0)
				return -1;
			max = d > max ? d : max;
		}
		return max + 1;
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			ASSERT(utf8_well_formed((const unsigned char *)k, strlen(k)));
			if ((d = check_tree(v)) < 0)
				return -1;
			max = d > max ? d : max;
		}
		return max + 1;
	}
	default:
		return 0;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = arena_alloc(&A, size + 1);
	json_object *o, *o2;
	const char *t;
	size_t len;
	long long ll;
	int b;

	memcpy(body, data, size);
	body[size] = '\0';                  /* the worker NUL-terminates the body it read */
	o = parse_json_body(&A, body, size);
	if (o == NULL) {
		arena_reset(&A);
		return 0;
	}
	ASSERT(utf8_well_formed(data, size));
	ASSERT(check_tree(o) >= 0 && check_tree(o) <= 32);

	/* the helpers handlers use, on a tree of any shape */
	(void)json_get_str(o, "name");
	(void)json_has(o, "name");
	(void)json_get_int(o, "page", &ll);
	(void)json_get_bool(o, "isActive", &b);
	(void)json_path(o, "location.city");
	(void)json_path(o, "a.b.c.d");
	(void)json_path(o, "");

	/* the reply text parses back to the same value. Only for objects and arrays: json-c
	 * wants a byte after a top-level number or literal, so the text "7" is refused
	 * while "7\n" is accepted (harmless for bodies, which are objects). */
	t = json_text(&A, o, &len);
	ASSERT(t != NULL && len == strlen(t));
	ASSERT(utf8_well_formed((const unsigned char *)t, len));
	if (json_object_is_type(o, json_type_object) || json_object_is_type(o, json_type_array)) {
		o2 = parse_json_body(&A, t, len);
		ASSERT(o2 != NULL);
		ASSERT(json_object_equal(o, o2));
	}

	arena_reset(&A);
	return 0;
}
