/* libFuzzer target: the multipart/form-data parser (fcgi/core/multipart.c).
 *
 * Input: byte 0 seeds the chunk sizes; then a Content-Type header value up to the first
 * '\n' (given to multipart_boundary(); when refused, the boundary "b" is used); the
 * rest is the body. The body is parsed twice, whole and in fuzzer-chosen chunks, with
 * small limits so that every one of them is reached; both runs must end with the same
 * outcome and, when it is success, deliver the same events and data. Checked on the way: callbacks balanced, part sizes honest,
 * limits never passed, data never more than the body, display names safe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/multipart.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static struct arena A;

static const struct multipart_limits LIM = {
	.max_parts = 8, .max_files = 3, .max_header_bytes = 256,
	.max_file_bytes = 1024, .max_field_bytes = 256, .max_total = 3000,
};

struct run {
	uint64_t data;        /* data bytes of all parts */
	uint64_t part;        /* of the part in progress */
	uint64_t hash;        /* FNV-1a over every event */
	size_t   begins, ends, files;
	int      open;
};

static void
mix(struct run *r, const void *buf, size_t n)
{
	const unsigned char *b = buf;
	size_t i;

	for (i = 0; i < n; i++)
		r->hash = (r->hash ^ b[i]) * 1099511628211ULL;
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct run *r = ctx;
	char safe[32];
	size_t i, n;

	ASSERT(!r->open && p->size == 0 && p->index == r->begins);
	ASSERT(p->name != NULL && p->name[0] != '\0');
	r->open = 1;
	r->part = 0;
	r->begins++;
	mix(r, "B", 1);
	mix(r, p->name, strlen(p->name) + 1);
	if (p->filename != NULL) {
		r->files++;
		mix(r, p->filename, strlen(p->filename) + 1);
		multipart_safe_name(p->filename, safe, sizeof(safe));
		n = strlen(safe);
		ASSERT(n > 0 && n < sizeof(safe) && safe[0] != '.' && safe[0] != ' ');
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)safe[i];

			ASSERT(c >= 0x20 && c != 0x7F && c != '/' && c != '\\');
			ASSERT(!(c == '.' && i > 0 && safe[i - 1] == '.'));
		}
	}
	if (p->content_type != NULL)
		mix(r, p->content_type, strlen(p->content_type) + 1);
	ASSERT(r->begins <= LIM.max_parts && r->files <= LIM.max_files);
	return 0;
}

static int
on_data(void *ctx, const struct multipart_part *p, const void *buf, size_t len)
{
	struct run *r = ctx;

	ASSERT(r->open && len > 0);
	r->part += len;
	r->data += len;
	ASSERT(p->size == r->part);
	ASSERT(p->size <= (p->filename != NULL ? LIM.max_file_bytes : LIM.max_field_bytes));
	mix(r, buf, len);
	return 0;
}

static int
on_end(void *ctx, const struct multipart_part *p)
{
	struct run *r = ctx;

	ASSERT(r->open && p->size == r->part);
	r->open = 0;
	r->ends++;
	mix(r, "E", 1);
	return 0;
}

static const struct multipart_callbacks CB = { on_begin, on_data, on_end };

static enum multipart_err
run(const char *boundary, const uint8_t *body, size_t len, unsigned seed, struct run *r)
{
	struct multipart *p;
	enum multipart_err e = MP_OK, e2;
	size_t i = 0;

	memset(r, 0, sizeof(*r));
	r->hash = 14695981039346656037ULL;
	p = multipart_new(&A, boundary, &LIM, &CB, r);
	ASSERT(p != NULL);
	while (i < len && e == MP_OK) {
		size_t n = len - i;

		if (seed != 0) {
			/* xorshift: chunks of 1..32 bytes, sometimes 0 */
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			n = seed % 33;
			if (n > len - i)
				n = len - i;
		}
		e = multipart_feed(p, body + i, n);
		i += n;
	}
	if (e == MP_OK)
		e = multipart_finish(p);
	/* sticky */
	if (e != MP_OK) {
		e2 = multipart_feed(p, "x", 1);
		ASSERT(e2 == e && multipart_finish(p) == e);
		ASSERT(multipart_err_code(e) != NULL && multipart_err_status(e) >= 400);
	} else {
		ASSERT(r->begins == r->ends && !r->open);
	}
	ASSERT(r->data <= len);
	ASSERT(r->begins - r->ends <= 1);
	ASSERT(multipart_parts(p) <= LIM.max_parts && multipart_parts(p) >= r->begins);
	return e;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	arena_init(&A, 16384);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ct[512], b[MULTIPART_BOUNDARY_MAX + 1];
	const uint8_t *nl, *body;
	size_t ctlen, blen;
	struct run whole, chunked;
	enum multipart_err e1, e2;
	unsigned seed;

	if (size < 1)
		return 0;
	seed = data[0] ? data[0] * 2654435761u : 1;
	nl = memchr(data + 1, '\n', size - 1);
	ctlen = nl != NULL ? (size_t)(nl - (data + 1)) : 0;
	if (ctlen >= sizeof(ct))
		ctlen = sizeof(ct) - 1;
	memcpy(ct, data + 1, ctlen);
	ct[ctlen] = '\0';
	if (multipart_boundary(ct, b, sizeof(b)) != MP_OK)
		memcpy(b, "b", 2);
	blen = strlen(b);
	ASSERT(blen >= 1 && blen <= MULTIPART_BOUNDARY_MAX);
	body = nl != NULL ? nl + 1 : data + 1;
	size -= (size_t)(body - data);

	e1 = run(b, body, size, 0, &whole);
	e2 = run(b, body, size, seed, &chunked);
	/* the chunking changes nothing: same outcome, same events, same data */
	ASSERT(e1 == e2);
	if (e1 == MP_OK) {
		ASSERT(whole.hash == chunked.hash && whole.data == chunked.data);
		ASSERT(whole.begins == chunked.begins && whole.ends == chunked.ends);
	}

	arena_reset(&A);
	return 0;
}
