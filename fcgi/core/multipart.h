/* A streaming multipart/form-data parser (RFC 7578 over RFC 2046 §5.1), for uploads.
 *
 * A push parser with callbacks: the body is handed over in chunks as it is read, split
 * anywhere (inside a boundary, a CRLF or a header line), and the parser calls back
 * when a part begins (its headers parsed), for each run of the part's data, and when
 * the part ends. Nothing is buffered but one part's header section (bounded by
 * max_header_bytes) and the few bytes of a possible boundary at the end of a chunk;
 * the limits are enforced while the bytes stream, so a handler never holds more than
 * it chooses to.
 *
 *   char b[MULTIPART_BOUNDARY_MAX + 1];
 *   if (multipart_boundary(content_type, b, sizeof(b)) != MP_OK) → 415
 *   struct multipart *p = multipart_new(arena, b, NULL, &callbacks, ctx);
 *   while ((n = read(...)) > 0)
 *           if ((e = multipart_feed(p, buf, n)) != MP_OK) → multipart_err_status(e)
 *   e = multipart_finish(p);
 *
 * Callbacks rather than pulled events: a pulled event would have to point into the
 * chunk being fed, so the caller would juggle the parser's position within its own
 * buffer; with callbacks the parser walks the chunk and the caller only consumes.
 *
 * What is accepted (docs/uploads.md has the whole list):
 * - lines end in CRLF; a bare LF or a bare CR where a line ends is MP_ERR_LINE_END
 *   (no "be liberal" here: two parsers disagreeing on a body is how smuggling starts);
 * - the delimiter is CRLF "--" boundary anywhere but at the very start of the body;
 *   "--" boundary not after a CRLF is data; a delimiter followed by anything but
 *   "--", transport padding (spaces, tabs) and CRLF is MP_ERR_BAD_DELIMITER;
 * - preamble and epilogue are skipped (their bytes still count toward max_total);
 * - each part needs Content-Disposition: form-data with a non-empty name; header
 *   line folding is refused; a part's headers end at an empty line.
 *
 * Memory: multipart_new() takes everything it needs from the arena at once (the
 * struct and two buffers of max_header_bytes); feeding allocates nothing. One parser
 * per request, single-threaded. */
#ifndef WARSHA_MULTIPART_H
#define WARSHA_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define MULTIPART_BOUNDARY_MAX 70   /* RFC 2046 §5.1.1 */

enum multipart_err {
	MP_OK = 0,
	/* the request is not one this parser takes (415) */
	MP_ERR_NOT_MULTIPART,     /* Content-Type missing or not multipart/form-data */
	MP_ERR_BAD_BOUNDARY,      /* boundary parameter missing, duplicated, empty, > 70, bad chars */
	/* a limit of struct multipart_limits (413) */
	MP_ERR_TOO_MANY_PARTS,    /* max_parts */
	MP_ERR_TOO_MANY_FILES,    /* max_files */
	MP_ERR_HEADER_TOO_LARGE,  /* max_header_bytes */
	MP_ERR_FILE_TOO_LARGE,    /* max_file_bytes */
	MP_ERR_FIELD_TOO_LARGE,   /* max_field_bytes */
	MP_ERR_TOTAL_TOO_LARGE,   /* max_total */
	/* a malformed body (422; the field is named when the part's name was read) */
	MP_ERR_LINE_END,          /* bare LF or CR where CRLF is required */
	MP_ERR_BAD_DELIMITER,     /* boundary followed by something else than "--", padding, CRLF */
	MP_ERR_HEADER_SYNTAX,     /* no colon, a bad header name, a control character */
	MP_ERR_HEADER_FOLDED,     /* a header line starting with a space or a tab */
	MP_ERR_DUPLICATE_HEADER,  /* Content-Disposition or Content-Type twice */
	MP_ERR_NO_DISPOSITION,    /* no Content-Disposition header */
	MP_ERR_BAD_DISPOSITION,   /* not form-data, parameter syntax, duplicate parameter, bad filename* */
	MP_ERR_NO_NAME,           /* no name parameter, or an empty one */
	MP_ERR_TRUNCATED,         /* the body ended before the close delimiter */
	/* the caller's own refusal */
	MP_ERR_ABORTED,           /* a callback returned non-zero */
	MP_ERR__MAX
};

/* Every limit is a hard ceiling: exceeding one stops the parse with its own error.
 * A zero means zero (none allowed), not "unlimited". */
struct multipart_limits {
	size_t   max_parts;        /* parts of any kind in one body */
	size_t   max_files;        /* parts with a filename parameter */
	size_t   max_header_bytes; /* one part's header section, CRLFs included */
	uint64_t max_file_bytes;   /* data of one part with a filename */
	uint64_t max_field_bytes;  /* data of one part without a filename */
	uint64_t max_total;        /* every byte fed, preamble and epilogue included */
};

/* The defaults (seed 000: 5 MB a file, 10 files a request); docs/uploads.md. */
#define MULTIPART_DEFAULT_MAX_PARTS        32
#define MULTIPART_DEFAULT_MAX_FILES        10
#define MULTIPART_DEFAULT_MAX_HEADER_BYTES 4096
#define MULTIPART_DEFAULT_MAX_FILE_BYTES   (5ULL * 1024 * 1024)
#define MULTIPART_DEFAULT_MAX_FIELD_BYTES  (64ULL * 1024)
/* nginx's client_max_body_size (nginx/snippets/warsha-site.conf): raise both together */
#define MULTIPART_DEFAULT_MAX_TOTAL        (12ULL * 1024 * 1024)

extern const struct multipart_limits multipart_default_limits;

/* One part, as its headers said. The strings live in the parser and stay valid until
 * the part's end callback returns. */
struct multipart_part {
	size_t      index;        /* 0 for the first part */
	const char *name;         /* the name parameter, decoded, never empty */
	const char *filename;     /* filename* (RFC 5987, UTF-8) or filename, decoded; NULL when
	                           * neither was given ("" is a file input left empty) */
	const char *content_type; /* the part's Content-Type as sent, trimmed; NULL when absent
	                           * (RFC 7578 §4.4: text/plain is meant then) */
	uint64_t    size;         /* data bytes delivered so far */
};

/* Each returns 0 to go on; anything else stops the parse with MP_ERR_ABORTED (a handler
 * refusing an undeclared field, say). Any of them may be NULL. data() is never called
 * with len 0; a part's data may come in any number of calls, wherever the chunks fell. */
struct multipart_callbacks {
	int (*begin)(void *ctx, const struct multipart_part *part);
	int (*data)(void *ctx, const struct multipart_part *part, const void *buf, size_t len);
	int (*end)(void *ctx, const struct multipart_part *part);
};

struct multipart;

/* The boundary of a Content-Type header value: "multipart/form-data" (any case) with a
 * boundary parameter, token or quoted-string (backslash escapes honoured), parameter
 * names in any case. Writes it NUL-terminated to out (at least MULTIPART_BOUNDARY_MAX
 * + 1 bytes). MP_ERR_NOT_MULTIPART when the type is another, MP_ERR_BAD_BOUNDARY when
 * the parameter is missing, duplicated, empty, longer than 70, holds a character outside
 * RFC 2046's bchars or ends with a space, or the header is malformed after the type. */
enum multipart_err multipart_boundary(const char *content_type, char *out, size_t outlen);

/* A parser for one body; limits NULL = multipart_default_limits (copied). NULL when the
 * boundary is not one multipart_boundary() would return. */
struct multipart *multipart_new(struct arena *a, const char *boundary,
    const struct multipart_limits *limits, const struct multipart_callbacks *cb, void *ctx);

/* The next chunk. MP_OK, or the error that stopped the parse; once stopped, every later
 * call returns the same error and calls no callback. Bytes after the close delimiter
 * are ignored (but counted toward max_total). */
enum multipart_err multipart_feed(struct multipart *p, const void *buf, size_t len);

/* The body is over: MP_OK when the close delimiter was seen, else MP_ERR_TRUNCATED (or
 * the error that stopped the parse). */
enum multipart_err multipart_finish(struct multipart *p);

/* After an error: the name of the part it happened in (NULL before that part's headers
 * were read, or between parts), and the offset in the body of the byte that stopped it. */
const char *multipart_error_field(const struct multipart *p);
uint64_t    multipart_error_offset(const struct multipart *p);

/* Parts begun so far (the one in progress included). */
size_t multipart_parts(const struct multipart *p);

/* "file_too_large", "no_name"…: a stable code for logs and error bodies. */
const char *multipart_err_code(enum multipart_err e);
/* 1 for the limits of struct multipart_limits. */
int         multipart_err_is_limit(enum multipart_err e);
/* The HTTP status a handler answers: 415 (not multipart), 413 (a limit), 422 (malformed),
 * 400 for MP_ERR_ABORTED (the callback's own reason should be answered instead). */
int         multipart_err_status(enum multipart_err e);

/* A filename fit to show or log: the part after the last '/' or '\', with control
 * characters (C0, DEL) dropped, leading dots and spaces removed (no "..", no hidden
 * file), cut to at most outlen - 1 bytes without splitting a UTF-8 sequence. "" and
 * names that become empty give "file". Storage names files by content hash; this is
 * only the display name. Returns out. */
char *multipart_safe_name(const char *raw, char *out, size_t outlen);

#endif
