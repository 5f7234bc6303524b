/* libFuzzer target: the query string (QUERY_STRING) as parse_query() and the page/limit
 * and id readers see it.
 *
 *   CC=clang cmake -S . -B build-fuzz -DWARSHA_FUZZ=ON && cmake --build build-fuzz \
 *       --target fuzz_query && build-fuzz/fuzz_query tests/fuzz/corpus/fuzz_query
 *
 * Besides the sanitizers, the checks below abort on a broken promise of http.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"

#define MAX_PAIRS 64

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist l;
	struct req r;
	char *qs = arena_alloc(&A, size + 1), *d;
	size_t i, amps = 0, len;
	long long page, limit, id;
	enum err e;

	memcpy(qs, data, size);
	qs[size] = '\0';                    /* FastCGI parameters are C strings */
	len = strlen(qs);
	for (i = 0; i < len; i++)
		amps += qs[i] == '&';

	parse_query(&A, qs, &l, MAX_PAIRS);
	ASSERT(l.n <= MAX_PAIRS && l.n <= amps + 1);
	for (i = 0; i < l.n; i++) {
		/* keys are never empty; values may be */
		ASSERT(l.items[i].key != NULL && l.items[i].key[0] != '\0');
		ASSERT(l.items[i].val != NULL);
		ASSERT(strlen(l.items[i].key) <= len && strlen(l.items[i].val) <= len);
	}
	parse_query(&A, qs, &l, 1);
	ASSERT(l.n <= 1);

	/* url_decode never grows the text, and refuses rather than truncates */
	d = url_decode(&A, qs, len, 1);
	ASSERT(d == NULL || strlen(d) <= len);
	if (d != NULL && memchr(qs, '+', len) == NULL && memchr(qs, '%', len) == NULL)
		ASSERT(strcmp(d, qs) == 0);
	d = url_decode(&A, qs, len, 0);
	ASSERT(d == NULL || strlen(d) <= len);

	/* what the handlers read from it */
	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.path = "/api/fuzz";
	parse_query(&A, qs, &r.query, MAX_PAIRS);
	if ((e = req_page(&r, &page, &limit)) == ERR_OK) {
		ASSERT(page >= 1 && page <= 1000000);
		ASSERT(limit >= 1 && limit <= 100);
	} else {
		/* a failure is recorded, and becomes the one reply */
		ASSERT(e == ERR_VALIDATION && r.fail.e == ERR_VALIDATION);
		reply_finish(&r, e);
		ASSERT(r.status == 422 && r.resp_body != NULL);
	}
	memset(&r, 0, sizeof(r));
	r.a = &A;
	r.path = "/api/fuzz";
	r.params[0] = qs;
	r.nparams = 1;
	if ((e = req_param_id(&r, 0, &id)) == ERR_OK) {
		ASSERT(id >= 1);
	} else {
		reply_finish(&r, e);
		ASSERT(r.status == 404);
	}

	arena_reset(&A);
	return 0;
}
