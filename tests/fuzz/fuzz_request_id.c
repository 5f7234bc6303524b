/* libFuzzer target: the REQUEST_ID parameter (request_id_of) and the log's handling of
 * the id it returns (log_request): an id is always 1-64 characters of [A-Za-z0-9._-],
 * the given value itself when it qualifies, else 32 fresh hex digits. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http.h"
#include "core/log.h"

static struct arena A;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 4096);
	log_init("fuzz", "error");   /* nothing below error is written */
	return 0;
}

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *given = arena_alloc(&A, size + 1);
	const char *id;
	size_t i, n;

	memcpy(given, data, size);
	given[size] = '\0';
	id = request_id_of(&A, given);
	n = strlen(id);
	ASSERT(n >= 1 && n <= LOG_RID_MAX);
	for (i = 0; i < n; i++)
		ASSERT(isalnum((unsigned char)id[i]) || id[i] == '-' || id[i] == '_' || id[i] == '.');
	if (id != given)
		ASSERT(n == 32);
	else
		ASSERT(strlen(given) == n);
	log_request(given);   /* any bytes: copied, cut and cleaned */
	log_request(id);
	log_request(NULL);
	arena_reset(&A);
	return 0;
}
