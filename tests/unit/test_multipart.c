/* The multipart/form-data parser: the boundary helper, RFC 7578 bodies, every chunking
 * of the same body, parameters, limits, malformed bodies, display names. */
#include "check.h"

#include "core/multipart.h"

#define CRLF "\r\n"

static struct arena A;

void
check_setup(void)
{
	arena_init(&A, 16384);
}

void
check_teardown(void)
{
	arena_free(&A);
}

/* --- a recorder: every event written into one string, so two parses compare with
 * strcmp. Data runs are appended as they come, so the log does not depend on where
 * the chunks fell; sizes are checked against part->size at every call. --- */

struct rec {
	char   log[65536];
	size_t len;
	int    bad;        /* an invariant broke inside a callback */
	size_t abort_at;   /* a callback (1-based) that returns non-zero; 0 = none */
	size_t calls;
	size_t data_calls;
	unsigned long long data_bytes, part_bytes;
};

static void
rec_put(struct rec *r, const char *s, size_t n)
{
	if (n > sizeof(r->log) - 1 - r->len) {
		r->bad = 1;
		return;
	}
	memcpy(r->log + r->len, s, n);
	r->len += n;
	r->log[r->len] = '\0';
}

static void
rec_str(struct rec *r, const char *s)
{
	rec_put(r, s, strlen(s));
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct rec *r = ctx;

	r->part_bytes = 0;
	if (p->name == NULL || p->name[0] == '\0' || p->size != 0)
		r->bad = 1;
	rec_str(r, "[begin name=");
	rec_str(r, p->name ? p->name : "(null)");
	rec_str(r, " file=");
	rec_str(r, p->filename ? p->filename : "(none)");
	rec_str(r, " type=");
	rec_str(r, p->content_type ? p->content_type : "(none)");
	rec_str(r, "]");
	return ++r->calls == r->abort_at;
}

static int
on_data(void *ctx, const struct multipart_part *p, const void *buf, size_t len)
{
	struct rec *r = ctx;

	if (len == 0)
		r->bad = 1;
	r->data_bytes += len;
	r->part_bytes += len;
	r->data_calls++;
	if (p->size != r->part_bytes)
		r->bad = 1;
	rec_put(r, buf, len);
	return ++r->calls == r->abort_at;
}

static int
on_end(void *ctx, const struct multipart_part *p)
{
	struct rec *r = ctx;
	char s[64];

	if (p->size != r->part_bytes)
		r->bad = 1;
	snprintf(s, sizeof(s), "[end %zu %llu]", p->index, (unsigned long long)p->size);
	rec_str(r, s);
	return ++r->calls == r->abort_at;
}

static const struct multipart_callbacks CB = { on_begin, on_data, on_end };

/* the log holds data bytes, NULs included: compare and search by length */
static int
same_log(const struct rec *a, const struct rec *b)
{
	return a->len == b->len && memcmp(a->log, b->log, a->len) == 0;
}

static int
has(const struct rec *r, const char *lit)
{
	return memmem(r->log, r->len, lit, strlen(lit)) != NULL;
}

/* Parses body in chunks: chunk 0 = whole, else that many bytes a call; split > 0 cuts
 * the body in two there instead. Returns the first error (feed or finish). */
static enum multipart_err
parse_ex(const char *boundary, const char *body, size_t len, size_t chunk, size_t split,
    const struct multipart_limits *lim, struct rec *r, struct multipart **out)
{
	struct multipart *p;
	enum multipart_err e = MP_OK;
	size_t i;

	memset(r, 0, sizeof(*r));
	p = multipart_new(&A, boundary, lim, &CB, r);
	if (out != NULL)
		*out = p;
	if (p == NULL)
		return MP_ERR__MAX;
	if (split > 0) {
		e = multipart_feed(p, body, split);
		if (e == MP_OK)
			e = multipart_feed(p, body + split, len - split);
	} else if (chunk == 0) {
		e = multipart_feed(p, body, len);
	} else {
		for (i = 0; i < len && e == MP_OK; i += chunk)
			e = multipart_feed(p, body + i, len - i < chunk ? len - i : chunk);
	}
	if (e == MP_OK)
		e = multipart_finish(p);
	if (r->data_bytes > len)
		r->bad = 1;
	return e;
}

static enum multipart_err
parse(const char *boundary, const char *body, size_t len, struct rec *r)
{
	return parse_ex(boundary, body, len, 0, 0, NULL, r, NULL);
}

#define S(lit) lit, sizeof(lit) - 1

/* --- the boundary --- */

TEST(boundary_from_content_type)
{
	char b[MULTIPART_BOUNDARY_MAX + 1];
	char long71[128];

	CHECK_INT(multipart_boundary("multipart/form-data; boundary=AaB03x", b, sizeof(b)), MP_OK);
	CHECK_STR(b, "AaB03x");
	CHECK_INT(multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b:c?\"", b, sizeof(b)), MP_OK);
	CHECK_STR(b, "a b:c?");
	CHECK_INT(multipart_boundary("multipart/form-data; charset=utf-8; Boundary=x ", b,
	    sizeof(b)), MP_OK);
	CHECK_STR(b, "x");
	/* WebKit's and curl's shapes */
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk"
	    "TrZu0gW", b, sizeof(b)), MP_OK);
	CHECK_STR(b, "----WebKitFormBoundary7MA4YWxkTrZu0gW");
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"q\\\"\"", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);   /* '"' is no bchar, escaped or not */
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"a\\=b\"", b, sizeof(b)), MP_OK);
	CHECK_STR(b, "a=b");

	/* 70 is the most */
	memset(long71, 'x', 71);
	memcpy(long71, "multipart/form-data;boundary=", 29);
	memset(long71 + 29, 'b', 70);
	long71[99] = '\0';
	CHECK_INT(multipart_boundary(long71, b, sizeof(b)), MP_OK);
	CHECK_INT(strlen(b), 70);
	long71[99] = 'b';
	long71[100] = '\0';
	CHECK_INT(multipart_boundary(long71, b, sizeof(b)), MP_ERR_BAD_BOUNDARY);
	CHECK_STR(b, "");

	CHECK_INT(multipart_boundary(NULL, b, sizeof(b)), MP_ERR_NOT_MULTIPART);
	CHECK_INT(multipart_boundary("application/json", b, sizeof(b)), MP_ERR_NOT_MULTIPART);
	CHECK_INT(multipart_boundary("multipart/mixed; boundary=x", b, sizeof(b)),
	    MP_ERR_NOT_MULTIPART);
	CHECK_INT(multipart_boundary("multipart/form-datax; boundary=x", b, sizeof(b)),
	    MP_ERR_NOT_MULTIPART);
	CHECK_INT(multipart_boundary("multipart/form-data", b, sizeof(b)), MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"\"", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"ends \"", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"a\tb\"", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=x; boundary=x", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=\"open", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data boundary=x", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=x*y", b, sizeof(b)),
	    MP_ERR_BAD_BOUNDARY);   /* '*' is a tchar, not a bchar */
	/* out too small for the boundary */
	CHECK_INT(multipart_boundary("multipart/form-data; boundary=abcdef", b, 4),
	    MP_ERR_BAD_BOUNDARY);
	/* the parser takes only what the helper would give */
	CHECK(multipart_new(&A, "", NULL, &CB, NULL) == NULL);
	CHECK(multipart_new(&A, "a\"b", NULL, &CB, NULL) == NULL);
	CHECK(multipart_new(&A, "trailing ", NULL, &CB, NULL) == NULL);
	CHECK(multipart_new(&A, NULL, NULL, &CB, NULL) == NULL);
	CHECK(multipart_new(&A, "ok", NULL, NULL, NULL) != NULL);
}

/* --- RFC 7578 and the HTML form examples --- */

static const char rfc_body[] =
	"--AaB03x" CRLF
	"content-disposition: form-data; name=\"field1\"" CRLF
	"content-type: text/plain;charset=windows-1250" CRLF
	"content-transfer-encoding: quoted-printable" CRLF
	CRLF
	"Joe owes =80100." CRLF
	"--AaB03x" CRLF
	"Content-Disposition: form-data; name=\"_charset_\"" CRLF
	CRLF
	"iso-8859-1" CRLF
	"--AaB03x" CRLF
	"Content-Disposition: form-data; name=\"files\"; filename=\"file1.txt\"" CRLF
	"Content-Type: text/plain" CRLF
	CRLF
	"... contents of file1.txt ..." CRLF
	"--AaB03x--" CRLF;

TEST(rfc7578_example)
{
	static struct rec r;

	CHECK_INT(parse("AaB03x", S(rfc_body), &r), MP_OK);
	CHECK(!r.bad);
	CHECK_STR(r.log,
	    "[begin name=field1 file=(none) type=text/plain;charset=windows-1250]"
	    "Joe owes =80100.[end 0 16]"
	    "[begin name=_charset_ file=(none) type=(none)]iso-8859-1[end 1 10]"
	    "[begin name=files file=file1.txt type=text/plain]"
	    "... contents of file1.txt ...[end 2 29]");
}

/* A body with every awkward thing in it: binary data with CRs, LFs and prefixes of the
 * delimiter, an empty part, a file with no Content-Type, padding after a boundary. */
static char tricky[1024];
static size_t tricky_len;

static void
build_tricky(void)
{
	static const char head[] =
		"preamble, ignored\r\n--Xy\r\n-XyZ\n--XyZ" CRLF
		"--XyZ  \t" CRLF   /* transport padding */
		"Content-Disposition: form-data; name=\"bin\"; filename=\"b.bin\"" CRLF
		"Content-Type: application/octet-stream" CRLF
		CRLF;
	static const char tail[] =
		CRLF "--XyZ" CRLF
		"Content-Disposition: form-data; name=\"empty\"" CRLF
		CRLF
		CRLF "--XyZ" CRLF
		"content-disposition: form-data; name=\"nofiletype\"; filename=\"a.txt\"" CRLF
		CRLF
		"x--XyZ--y\n--XyZ\r--XyZ\r\n-XyZ" CRLF
		"--XyZ--" CRLF
		"epilogue, ignored\r\n--XyZ\r\ngarbage";
	size_t n = 0;
	int i;

	memcpy(tricky, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	/* every byte value, then near-delimiters */
	for (i = 0; i < 256; i++)
		tricky[n++] = (char)i;
	memcpy(tricky + n, "\r\n--XyX\r\n--Xy\r\r\n-\r\n--XyZx", 25);
	n += 25;
	memcpy(tricky + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	tricky_len = n;
}

TEST(tricky_body_whole)
{
	static struct rec r;

	build_tricky();
	/* "\r\n--XyZx" is the delimiter followed by garbage: refused */
	CHECK_INT(parse("XyZ", tricky, tricky_len, &r), MP_ERR_BAD_DELIMITER);
}

/* the same body without the delimiter-then-garbage sequence parses */
static void
build_tricky_ok(void)
{
	char *x;

	build_tricky();
	x = memmem(tricky, tricky_len, "\r\n--XyZx", 8);
	if (x != NULL)
		x[2] = '+';   /* "\r\n+-XyZx" */
}

TEST(tricky_body_events)
{
	static struct rec r;
	const char *d;
	size_t i;

	build_tricky_ok();
	CHECK_INT(parse("XyZ", tricky, tricky_len, &r), MP_OK);
	CHECK(!r.bad);
	/* the binary part holds its 256 bytes and the near-delimiters, whole */
	CHECK(memcmp(r.log, "[begin name=bin", 15) == 0);
	d = memmem(r.log, r.len, "[begin name=bin file=b.bin type=application/octet-stream]", 57);
	REQUIRE(d != NULL);
	d += strlen("[begin name=bin file=b.bin type=application/octet-stream]");
	for (i = 0; i < 256; i++)
		if ((unsigned char)d[i] != i)
			break;
	CHECK_INT(i, 256);
	CHECK(has(&r, "\r\n--XyX\r\n--Xy\r\r\n-\r\n+-XyZx[end 0 281]"));
	CHECK(has(&r, "[end 0 281][begin name=empty file=(none) type=(none)][end 1 0]"));
	CHECK(has(&r, "[end 1 0][begin name=nofiletype file=a.txt type=(none)]"
	    "x--XyZ--y\n--XyZ\r--XyZ\r\n-XyZ[end 2 27]"));
	CHECK(r.len > 300 && has(&r, "[end 2 27]") &&
	    strcmp(r.log + r.len - 10, "[end 2 27]") == 0);
	CHECK(!has(&r, "epilogue") && !has(&r, "preamble"));
}

/* The same body fed in every way must give the same events and the same outcome. */
static void
every_split(const char *boundary, const char *body, size_t len)
{
	static struct rec whole, r;
	enum multipart_err ew, e;
	size_t k;

	ew = parse(boundary, body, len, &whole);
	CHECK(!whole.bad);
	e = parse_ex(boundary, body, len, 1, 0, NULL, &r, NULL);
	CHECK_INT(e, ew);
	CHECK(!r.bad);
	CHECK(same_log(&r, &whole));
	for (k = 2; k < 9; k++) {
		e = parse_ex(boundary, body, len, k, 0, NULL, &r, NULL);
		CHECK_INT(e, ew);
		CHECK(same_log(&r, &whole));
	}
	for (k = 1; k < len; k++) {
		e = parse_ex(boundary, body, len, 0, k, NULL, &r, NULL);
		if (!CHECK_INT(e, ew) || !CHECK(same_log(&r, &whole)) || !CHECK(!r.bad)) {
			fprintf(stderr, "    split at %zu\n", k);
			return;
		}
	}
}

TEST(split_at_every_offset)
{
	build_tricky_ok();
	every_split("XyZ", tricky, tricky_len);
	every_split("AaB03x", S(rfc_body));
}

TEST(split_at_every_offset_errors)
{
	/* the error, too, does not depend on the chunking */
	build_tricky();
	every_split("XyZ", tricky, tricky_len);
	every_split("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF "xy"));
	every_split("b", S("--b" CRLF "Content-Disposition: form-data; name=a\n\nxy\n--b--"));
	every_split("b", S("--b" CRLF " Content-Disposition: form-data; name=a" CRLF CRLF
	    "1" CRLF "--b--"));
}

/* one 1-byte feed after another: the candidate delimiter is carried over many calls */
TEST(one_byte_chunks_counts)
{
	static struct rec r;

	build_tricky_ok();
	CHECK_INT(parse_ex("XyZ", tricky, tricky_len, 1, 0, NULL, &r, NULL), MP_OK);
	CHECK(r.data_bytes == 281 + 0 + 27);
	/* whole: few data calls (runs are not cut at every CR) */
	CHECK_INT(parse("XyZ", tricky, tricky_len, &r), MP_OK);
	CHECK(r.data_calls <= 4);
}

/* --- parameters --- */

static enum multipart_err
one_part(const char *headers, struct rec *r, struct multipart **p)
{
	static char body[4096];
	int n = snprintf(body, sizeof(body), "--b" CRLF "%s" CRLF CRLF "v" CRLF "--b--" CRLF,
	    headers);

	return parse_ex("b", body, (size_t)n, 0, 0, NULL, r, p);
}

TEST(disposition_parameters)
{
	static struct rec r;

	CHECK_INT(one_part("Content-Disposition: form-data; name=\"a\\\"b\"; "
	    "filename=\"c:\\\\dir\\\\x.txt\"", &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=a\"b file=c:\\dir\\x.txt type=(none)]v[end 0 1]");
	/* parameter names and the type in any case, tokens unquoted, odd spacing */
	CHECK_INT(one_part("CONTENT-DISPOSITION:FORM-DATA;NAME=tok.en;FileName=f.png ;x=y",
	    &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=tok.en file=f.png type=(none)]v[end 0 1]");
	/* a trailing ';' and other parameters ignored */
	CHECK_INT(one_part("Content-Disposition: form-data; name=\"a\"; size=3;", &r, NULL), MP_OK);
	/* UTF-8 raw in a quoted-string, as browsers send it */
	CHECK_INT(one_part("Content-Disposition: form-data; name=\"\xd8\xa7\xd8\xb3\xd9\x85\"; "
	    "filename=\"\xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9.jpg\"", &r, NULL), MP_OK);
	CHECK(strstr(r.log, "file=\xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9.jpg") != NULL);
	/* other headers pass by; Content-Type kept as sent */
	CHECK_INT(one_part("X-Other: 1" CRLF "Content-Type:  image/png ; q=1 " CRLF
	    "Content-Disposition: form-data; name=p; filename=\"\"", &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=p file= type=image/png ; q=1]v[end 0 1]");
}

TEST(filename_star)
{
	static struct rec r;

	/* filename* wins over filename, whatever the order */
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; "
	    "filename*=UTF-8''%D8%B5%D9%88%D8%B1%D8%A9%20%231.png; filename=\"fallback.png\"",
	    &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=f file=\xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9 #1.png "
	    "type=(none)]v[end 0 1]");
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename=\"fallback.png\"; "
	    "FILENAME*=utf-8'ar'a%2fb.png", &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=f file=a/b.png type=(none)]v[end 0 1]");
	/* quoted is tolerated */
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=\"UTF-8''x.png\"",
	    &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=f file=x.png type=(none)]v[end 0 1]");
	/* refused: another charset, bad escapes, raw octets, NUL, bad UTF-8, twice */
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=ISO-8859-1''a%E9",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''a%zz",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''a%4",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''a%00b",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''%C0%AF",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''%ED%A0%80",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8'a.png",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=\"UTF-8''a b\"",
	    &r, NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=f; filename*=UTF-8''a; "
	    "filename*=UTF-8''b", &r, NULL), MP_ERR_BAD_DISPOSITION);
}

TEST(bad_disposition)
{
	static struct rec r;
	struct multipart *p;

	CHECK_INT(one_part("Content-Disposition: attachment; name=a", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-datax; name=a", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=\"unclosed", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=a b", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data name=a", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=a; name=b", &r, NULL),
	    MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=a; filename=x; filename=y", &r,
	    NULL), MP_ERR_BAD_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=\"a\x01\"", &r, NULL),
	    MP_ERR_HEADER_SYNTAX);
	/* no name, an empty one */
	CHECK_INT(one_part("Content-Disposition: form-data; filename=x.png", &r, &p), MP_ERR_NO_NAME);
	CHECK(multipart_error_field(p) == NULL);
	CHECK_INT(multipart_err_status(MP_ERR_NO_NAME), 422);
	CHECK_INT(one_part("Content-Disposition: form-data", &r, NULL), MP_ERR_NO_NAME);
	CHECK_INT(one_part("Content-Disposition: form-data; name=\"\"", &r, NULL), MP_ERR_NO_NAME);
	/* no disposition at all, twice, headers we cannot read */
	CHECK_INT(one_part("Content-Type: text/plain", &r, NULL), MP_ERR_NO_DISPOSITION);
	CHECK_INT(one_part("Content-Disposition: form-data; name=a" CRLF
	    "Content-Disposition: form-data; name=b", &r, NULL), MP_ERR_DUPLICATE_HEADER);
	CHECK_INT(one_part("Content-Type: a/b" CRLF "Content-Type: c/d" CRLF
	    "Content-Disposition: form-data; name=b", &r, NULL), MP_ERR_DUPLICATE_HEADER);
	CHECK_INT(one_part("Content-Disposition form-data; name=a", &r, NULL), MP_ERR_HEADER_SYNTAX);
	CHECK_INT(one_part("Content-Disposition : form-data; name=a", &r, NULL),
	    MP_ERR_HEADER_SYNTAX);
	CHECK_INT(one_part(": x" CRLF "Content-Disposition: form-data; name=a", &r, NULL),
	    MP_ERR_HEADER_SYNTAX);
	/* folding, the first line or a continuation */
	CHECK_INT(one_part("Content-Disposition: form-data;" CRLF " name=a", &r, NULL),
	    MP_ERR_HEADER_FOLDED);
	CHECK_INT(one_part("\tContent-Disposition: form-data; name=a", &r, NULL),
	    MP_ERR_HEADER_FOLDED);
}

/* --- structure --- */

TEST(preamble_epilogue_padding)
{
	static struct rec r;

	CHECK_INT(parse("b", S("This is the preamble." CRLF "--b \t " CRLF
	    "Content-Disposition: form-data; name=a" CRLF CRLF "1" CRLF "--b--  trailing" CRLF
	    "epilogue --b" CRLF "Content-Disposition: form-data; name=z" CRLF CRLF "2"), &r),
	    MP_OK);
	CHECK_STR(r.log, "[begin name=a file=(none) type=(none)]1[end 0 1]");
	/* a body with no part at all (browsers send this for an empty FormData) */
	CHECK_INT(parse("b", S("--b--" CRLF), &r), MP_OK);
	CHECK_STR(r.log, "");
	/* data after the close delimiter, even a whole part, is ignored */
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    CRLF "--b--" CRLF "--b" CRLF "Content-Disposition: form-data; name=c" CRLF CRLF
	    "x" CRLF "--b--" CRLF), &r), MP_OK);
	CHECK_STR(r.log, "[begin name=a file=(none) type=(none)][end 0 0]");
}

TEST(boundary_inside_data)
{
	static struct rec r;

	/* "--b" not after CRLF, or after a bare LF or CR, is data */
	CHECK_INT(parse("bnd", S("--bnd" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "x--bnd y\n--bnd\r--bnd--\r\r--bnd" CRLF "--bnd--"), &r), MP_OK);
	CHECK_STR(r.log, "[begin name=a file=(none) type=(none)]x--bnd y\n--bnd\r--bnd--\r\r--bnd"
	    "[end 0 29]");
	/* a longer boundary's prefix is data: "--bn" then CRLF */
	CHECK_INT(parse("bnd", S("--bnd" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    CRLF "--bn" CRLF "--b" CRLF "--bnd--"), &r), MP_OK);
	CHECK_STR(r.log, "[begin name=a file=(none) type=(none)]\r\n--bn\r\n--b[end 0 11]");
	/* the delimiter followed by anything else is refused, not taken for data */
	CHECK_INT(parse("bnd", S("--bnd" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    CRLF "--bndx" CRLF "--bnd--"), &r), MP_ERR_BAD_DELIMITER);
	CHECK_INT(parse("bnd", S("--bnd" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    CRLF "--bnd-x" CRLF "--bnd--"), &r), MP_ERR_BAD_DELIMITER);
	CHECK_INT(parse("bnd", S("--bnd  x" CRLF), &r), MP_ERR_BAD_DELIMITER);
	CHECK_INT(parse("bnd", S("--bnd" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "--bnd--"), &r), MP_ERR_TRUNCATED);   /* no CRLF before it: data, then no close */
}

TEST(line_ends)
{
	static struct rec r;

	/* bare LF everywhere: refused at the first boundary line */
	CHECK_INT(parse("b", S("--b\nContent-Disposition: form-data; name=a\n\nv\n--b--\n"), &r),
	    MP_ERR_LINE_END);
	CHECK_INT(parse("b", S("--b \nx"), &r), MP_ERR_LINE_END);
	CHECK_INT(parse("b", S("--b\rx"), &r), MP_ERR_LINE_END);
	/* bare LF or CR inside the headers */
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a\n" CRLF "v"),
	    &r), MP_ERR_LINE_END);
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a\rx" CRLF CRLF
	    "v"), &r), MP_ERR_LINE_END);
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF "\n"),
	    &r), MP_ERR_LINE_END);
}

TEST(truncated)
{
	static struct rec r;
	struct multipart *p;

	CHECK_INT(parse("b", S(""), &r), MP_ERR_TRUNCATED);
	CHECK_INT(parse("b", S("no boundary here"), &r), MP_ERR_TRUNCATED);
	CHECK_INT(parse("b", S("--b"), &r), MP_ERR_TRUNCATED);
	CHECK_INT(parse("b", S("--b-"), &r), MP_ERR_TRUNCATED);
	/* headers that never end */
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF), &r),
	    MP_ERR_TRUNCATED);
	/* data and no close delimiter; the part began but never ended; the field is named */
	CHECK_INT(parse_ex("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "v" CRLF "--"), 0, 0, NULL, &r, &p), MP_ERR_TRUNCATED);
	CHECK_STR(r.log, "[begin name=a file=(none) type=(none)]v");
	CHECK_STR(multipart_error_field(p), "a");
	CHECK_INT(multipart_err_status(MP_ERR_TRUNCATED), 422);
	/* the delimiter of a next part, and nothing after */
	CHECK_INT(parse("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "v" CRLF "--b" CRLF), &r), MP_ERR_TRUNCATED);
}

TEST(errors_are_sticky)
{
	static struct rec r;
	struct multipart *p;

	CHECK_INT(parse_ex("b", S("--b\n"), 0, 0, NULL, &r, &p), MP_ERR_LINE_END);
	CHECK_INT(multipart_error_offset(p), 3);
	CHECK_INT(multipart_feed(p, S("--b--" CRLF)), MP_ERR_LINE_END);
	CHECK_INT(multipart_finish(p), MP_ERR_LINE_END);
	CHECK_STR(r.log, "");
}

TEST(callback_aborts)
{
	static struct rec r;
	static const char body[] = "--b" CRLF "Content-Disposition: form-data; name=a" CRLF
		CRLF "v" CRLF "--b" CRLF "Content-Disposition: form-data; name=c" CRLF CRLF "w"
		CRLF "--b--";
	struct multipart *p;
	size_t at;

	for (at = 1; at <= 6; at++) {
		memset(&r, 0, sizeof(r));
		r.abort_at = at;
		p = multipart_new(&A, "b", NULL, &CB, &r);
		REQUIRE(p != NULL);
		CHECK_INT(multipart_feed(p, S(body)), MP_ERR_ABORTED);
		CHECK_INT(r.calls, at);
		CHECK_INT(multipart_finish(p), MP_ERR_ABORTED);
	}
	CHECK_INT(multipart_err_status(MP_ERR_ABORTED), 400);
	/* no callbacks at all is fine */
	p = multipart_new(&A, "b", NULL, NULL, NULL);
	CHECK_INT(multipart_feed(p, S(body)), MP_OK);
	CHECK_INT(multipart_finish(p), MP_OK);
	CHECK_INT(multipart_parts(p), 2);
}

/* --- limits --- */

static char big[8192];

/* n parts; each a file when files, with size bytes of data */
static size_t
build_parts(int n, int files, size_t size)
{
	size_t o = 0;
	int i;

	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(big + o, sizeof(big) - o,
		    "--b" CRLF "Content-Disposition: form-data; name=\"f%d\"%s" CRLF CRLF, i,
		    files ? "; filename=\"x.png\"" : "");
		memset(big + o, 'd', size);
		o += size;
		o += (size_t)snprintf(big + o, sizeof(big) - o, CRLF);
	}
	o += (size_t)snprintf(big + o, sizeof(big) - o, "--b--" CRLF);
	return o;
}

static struct multipart_limits
small_limits(void)
{
	struct multipart_limits l = {
		.max_parts = 4, .max_files = 2, .max_header_bytes = 128,
		.max_file_bytes = 100, .max_field_bytes = 10, .max_total = 4096,
	};

	return l;
}

TEST(limit_parts_and_files)
{
	static struct rec r;
	struct multipart_limits l = small_limits();
	struct multipart *p;
	size_t n;

	n = build_parts(4, 0, 1);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, NULL), MP_OK);
	n = build_parts(5, 0, 1);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, &p), MP_ERR_TOO_MANY_PARTS);
	CHECK(multipart_error_field(p) == NULL);
	CHECK_INT(r.calls, 4 * 3);   /* four parts went through whole */
	n = build_parts(2, 1, 1);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, NULL), MP_OK);
	n = build_parts(3, 1, 1);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, &p), MP_ERR_TOO_MANY_FILES);
	CHECK_STR(multipart_error_field(p), "f2");
	CHECK_INT(multipart_err_status(MP_ERR_TOO_MANY_FILES), 413);
	CHECK_INT(multipart_err_status(MP_ERR_TOO_MANY_PARTS), 413);
	/* zero means none */
	l.max_parts = 0;
	n = build_parts(1, 0, 1);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, NULL), MP_ERR_TOO_MANY_PARTS);
}

TEST(limit_file_and_field_size)
{
	static struct rec r;
	struct multipart_limits l = small_limits();
	struct multipart *p;
	size_t n, k;

	n = build_parts(1, 1, 100);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, NULL), MP_OK);
	n = build_parts(1, 1, 101);
	CHECK_INT(parse_ex("b", big, n, 0, 0, &l, &r, &p), MP_ERR_FILE_TOO_LARGE);
	CHECK_STR(multipart_error_field(p), "f0");
	CHECK(r.data_bytes <= 100);
	CHECK_INT(multipart_err_status(MP_ERR_FILE_TOO_LARGE), 413);
	/* enforced while streaming: a file over the limit is stopped before its end arrives */
	n = build_parts(1, 1, 3000);
	CHECK_INT(parse_ex("b", big, 200, 0, 0, &l, &r, NULL), MP_ERR_FILE_TOO_LARGE);
	/* in any chunking, exactly at the limit passes and one more fails */
	n = build_parts(1, 1, 100);
	for (k = 1; k < n; k++)
		CHECK_INT(parse_ex("b", big, n, 0, k, &l, &r, NULL), MP_OK);
	n = build_parts(1, 1, 101);
	for (k = 1; k < n; k++)
		CHECK_INT(parse_ex("b", big, n, 0, k, &l, &r, NULL), MP_ERR_FILE_TOO_LARGE);

	n = build_parts(1, 0, 10);
	CHECK_INT(parse_ex("b", big, n, 1, 0, &l, &r, NULL), MP_OK);
	n = build_parts(1, 0, 11);
	CHECK_INT(parse_ex("b", big, n, 1, 0, &l, &r, &p), MP_ERR_FIELD_TOO_LARGE);
	CHECK_STR(multipart_error_field(p), "f0");
	CHECK_INT(multipart_err_status(MP_ERR_FIELD_TOO_LARGE), 413);
	/* held-back CRs that turn out to be data count too */
	l.max_field_bytes = 3;
	CHECK_INT(parse_ex("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "\r\r\r" CRLF "--b--"), 1, 0, &l, &r, NULL), MP_OK);
	CHECK_INT(parse_ex("b", S("--b" CRLF "Content-Disposition: form-data; name=a" CRLF CRLF
	    "\r\r\r\r" CRLF "--b--"), 1, 0, &l, &r, NULL), MP_ERR_FIELD_TOO_LARGE);
}

TEST(limit_header_bytes)
{
	static struct rec r;
	struct multipart_limits l = small_limits();
	char body[512], hdr[256];
	size_t hl;
	int n;

	/* the section is the header lines with their CRLFs and the empty line's CRLF */
	snprintf(hdr, sizeof(hdr), "Content-Disposition: form-data; name=a" CRLF "X-Pad: ");
	hl = strlen(hdr);
	memset(hdr + hl, 'p', 128 - hl - 4);
	hdr[128 - 4] = '\0';
	n = snprintf(body, sizeof(body), "--b" CRLF "%s" CRLF CRLF "v" CRLF "--b--", hdr);
	CHECK_INT(parse_ex("b", body, (size_t)n, 0, 0, &l, &r, NULL), MP_OK);
	l.max_header_bytes = 127;
	CHECK_INT(parse_ex("b", body, (size_t)n, 0, 0, &l, &r, NULL), MP_ERR_HEADER_TOO_LARGE);
	CHECK_INT(multipart_err_status(MP_ERR_HEADER_TOO_LARGE), 413);
	/* a header section with no end is stopped at the limit, not buffered */
	memset(body, 'h', sizeof(body));
	memcpy(body, "--b" CRLF, 5);
	CHECK_INT(parse_ex("b", body, sizeof(body), 0, 0, &l, &r, NULL), MP_ERR_HEADER_TOO_LARGE);
	/* the values we keep fit even when they fill the section */
	l.max_header_bytes = 75;
	CHECK_INT(parse_ex("b", S("--b" CRLF "Content-Disposition:form-data;name=n;filename=f" CRLF
	    "Content-Type:ttttttttt" CRLF CRLF "v" CRLF "--b--"), 0, 0, &l, &r, NULL), MP_OK);
	CHECK_STR(r.log, "[begin name=n file=f type=ttttttttt]v[end 0 1]");
	l.max_header_bytes = 74;
	CHECK_INT(parse_ex("b", S("--b" CRLF "Content-Disposition:form-data;name=n;filename=f" CRLF
	    "Content-Type:ttttttttt" CRLF CRLF "v" CRLF "--b--"), 0, 0, &l, &r, NULL),
	    MP_ERR_HEADER_TOO_LARGE);
}

TEST(limit_total)
{
	static struct rec r;
	struct multipart_limits l = small_limits();
	size_t n = build_parts(2, 1, 50), k;

	l.max_total = n;
	CHECK_INT(parse_ex("b", big, n, 7, 0, &l, &r, NULL), MP_OK);
	l.max_total = n - 1;
	for (k = 1; k < n; k += 13)
		CHECK_INT(parse_ex("b", big, n, k, 0, &l, &r, NULL), MP_ERR_TOTAL_TOO_LARGE);
	/* the epilogue counts */
	l.max_total = 40;
	CHECK_INT(parse_ex("b", S("--b--" CRLF "0123456789012345678901234567890123456789"), 0, 0,
	    &l, &r, NULL), MP_ERR_TOTAL_TOO_LARGE);
	CHECK_INT(multipart_err_status(MP_ERR_TOTAL_TOO_LARGE), 413);
	/* the bytes before the limit are parsed first: an error there wins, in any chunking */
	l.max_total = 8;
	CHECK_INT(parse_ex("b", S("--b\nxxxxxxxxxxxxxxxxxxxx"), 0, 0, &l, &r, NULL),
	    MP_ERR_LINE_END);
	CHECK_INT(parse_ex("b", S("--b\nxxxxxxxxxxxxxxxxxxxx"), 3, 0, &l, &r, NULL),
	    MP_ERR_LINE_END);
	CHECK_INT(parse_ex("b", S("--b--\r\nxxxxxxxxxxxxxxxxxxxx"), 0, 0, &l, &r, NULL),
	    MP_ERR_TOTAL_TOO_LARGE);
}

TEST(default_limits)
{
	CHECK_INT(multipart_default_limits.max_files, 10);
	CHECK(multipart_default_limits.max_file_bytes == 5ULL * 1024 * 1024);
	CHECK(multipart_default_limits.max_total == 12ULL * 1024 * 1024);   /* nginx's ceiling */
	CHECK(multipart_default_limits.max_total >= 2 * multipart_default_limits.max_file_bytes);
	CHECK(multipart_default_limits.max_parts >= multipart_default_limits.max_files);
}

TEST(error_table)
{
	int e, f;

	for (e = 0; e < MP_ERR__MAX; e++) {
		CHECK(strcmp(multipart_err_code((enum multipart_err)e), "unknown") != 0);
		for (f = 0; f < e; f++)
			CHECK(strcmp(multipart_err_code((enum multipart_err)e),
			    multipart_err_code((enum multipart_err)f)) != 0);
	}
	CHECK_STR(multipart_err_code(MP_ERR__MAX), "unknown");
	CHECK_INT(multipart_err_status(MP_ERR_NOT_MULTIPART), 415);
	CHECK_INT(multipart_err_status(MP_ERR_BAD_BOUNDARY), 415);
	CHECK_INT(multipart_err_status(MP_ERR_BAD_DELIMITER), 422);
	CHECK(multipart_err_is_limit(MP_ERR_TOTAL_TOO_LARGE));
	CHECK(!multipart_err_is_limit(MP_ERR_TRUNCATED));
}

/* --- display names --- */

TEST(safe_name)
{
	char o[16], tiny[5], one[1] = { 'x' };

	CHECK_STR(multipart_safe_name("photo.jpg", o, sizeof(o)), "photo.jpg");
	CHECK_STR(multipart_safe_name("../../etc/passwd", o, sizeof(o)), "passwd");
	CHECK_STR(multipart_safe_name("C:\\Users\\me\\a.png", o, sizeof(o)), "a.png");
	CHECK_STR(multipart_safe_name("..", o, sizeof(o)), "file");
	CHECK_STR(multipart_safe_name("dir/..", o, sizeof(o)), "file");
	CHECK_STR(multipart_safe_name(".htaccess", o, sizeof(o)), "htaccess");
	CHECK_STR(multipart_safe_name("a..b...png", o, sizeof(o)), "a.b.png");
	CHECK_STR(multipart_safe_name("a\x01\x1b[31m\x7f.png\r\n", o, sizeof(o)), "a[31m.png");
	CHECK_STR(multipart_safe_name("name. . ", o, sizeof(o)), "name");
	CHECK_STR(multipart_safe_name("", o, sizeof(o)), "file");
	CHECK_STR(multipart_safe_name(NULL, o, sizeof(o)), "file");
	CHECK_STR(multipart_safe_name("a/", o, sizeof(o)), "file");
	/* cut at 15 bytes, never inside a UTF-8 sequence (each letter is 2 bytes) */
	CHECK_STR(multipart_safe_name("\xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9\xd8\xb5\xd9\x88\xd8\xb1"
	    "\xd8\xa9.png", o, sizeof(o)), "\xd8\xb5\xd9\x88\xd8\xb1\xd8\xa9\xd8\xb5\xd9\x88\xd8\xb1");
	CHECK_STR(multipart_safe_name("abcdefghijklmn\xe2\x82\xac", o, sizeof(o)), "abcdefghijklmn");
	CHECK_STR(multipart_safe_name("abcdefghijklmnopqrstuvwxyz", o, sizeof(o)),
	    "abcdefghijklmno");
	CHECK_STR(multipart_safe_name("", tiny, sizeof(tiny)), "file");
	multipart_safe_name("abc", one, 0);
	CHECK_INT(one[0], 'x');
	CHECK_STR(multipart_safe_name("abc", one, 1), "");
}
