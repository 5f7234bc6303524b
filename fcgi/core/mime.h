/* Internet messages (RFC 5322 + MIME) as the notifier sends them: multipart/alternative
 * with a text/plain and a text/html part, both UTF-8 in base64, headers encoded per
 * RFC 2047 where they are not plain ASCII. The same bytes go into an .eml file, to an
 * SMTP server, and into the unit tests (tests/unit/test_mime.c).
 *
 * Lines end in CRLF. No header line is longer than 76 characters unless an address
 * itself is (an address is never encoded or folded). */
#ifndef WARSHA_MIME_H
#define WARSHA_MIME_H

#include <stddef.h>
#include <time.h>

#include "core/arena.h"

struct mime_mail {
	const char *from;              /* "Display Name <addr@domain>" or "addr@domain" */
	const char *to;                /* addr@domain */
	const char *subject;           /* UTF-8 */
	const char *text;              /* UTF-8, \n or \r\n line ends */
	const char *html;              /* UTF-8; NULL: a text/plain message alone */
	const char *message_id;        /* "id@domain", without the angle brackets */
	const char *list_unsubscribe;  /* the header's value ("<https://...>"); NULL: none */
	const char *reply_to;          /* addr@domain; NULL: none (answers go to from) */
	const char *boundary;          /* ASCII, at most 60 characters, not in the bodies */
	time_t      date;
};

/* The whole message, NUL-terminated in a (len: its length), or NULL when a header value
 * is unusable (a CR or LF in an address, an address that is not local@domain). */
char *mime_build(struct arena *a, const struct mime_mail *m, size_t *len);

/* "Name: value" with value as RFC 2047 encoded words (=?UTF-8?B?...?=) when it is not
 * printable ASCII, each word whole UTF-8 characters, folded with CRLF SP so that every
 * line stays within 76 characters; plain ASCII is written as it is. No trailing CRLF. */
char *mime_header(struct arena *a, const char *name, const char *value);

/* The address of "Name <addr>" (or the whole of a bare address), in a; NULL if there is
 * none that is usable. *name (may be NULL) gets the display name, or NULL. */
char *mime_from_parts(struct arena *a, const char *from, char **name);

/* 1 when s is local@domain with neither spaces, control characters, quotes nor angle
 * brackets: what may follow "<" in a header and in SMTP's MAIL FROM and RCPT TO. */
int mime_addr_ok(const char *s);

/* The domain of an address (after the last '@'), or "localhost". */
const char *mime_domain(const char *addr);

/* base64 of n bytes; with wrap, lines of 76 characters ending in CRLF. */
char *mime_base64(struct arena *a, const void *data, size_t n, int wrap);

/* RFC 5322 date: "Tue, 01 Dec 2026 12:00:00 +0000". */
void mime_date(time_t t, char out[40]);

#endif
