/* The multipart/form-data parser: multipart.h says what it accepts, docs/uploads.md why.
 *
 * The trick that keeps memory bounded: the delimiter is CRLF "--" boundary, and CR
 * occurs in it only at its first byte (bchars hold no CR). So when a candidate match
 * fails, no later start inside the matched bytes can succeed, and the bytes held back
 * at a chunk's end are always a prefix of the delimiter itself: they are re-emitted
 * from the delimiter, never copied. No carry buffer, no KMP table. */
#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct multipart_limits multipart_default_limits = {
	.max_parts = MULTIPART_DEFAULT_MAX_PARTS,
	.max_files = MULTIPART_DEFAULT_MAX_FILES,
	.max_header_bytes = MULTIPART_DEFAULT_MAX_HEADER_BYTES,
	.max_file_bytes = MULTIPART_DEFAULT_MAX_FILE_BYTES,
	.max_field_bytes = MULTIPART_DEFAULT_MAX_FIELD_BYTES,
	.max_total = MULTIPART_DEFAULT_MAX_TOTAL,
};

enum mp_state {
	S_PREAMBLE,     /* looking for the first delimiter, discarding */
	S_AFTER_DELIM,  /* "--boundary" matched: "--", padding or CR next */
	S_CLOSE_DASH,   /* one '-' of the close delimiter seen */
	S_PADDING,      /* transport padding after the boundary */
	S_DELIM_CR,     /* CR after the boundary line */
	S_HEADER,       /* inside a part's header section */
	S_HEADER_CR,    /* CR of a header line seen */
	S_DATA,         /* a part's data, looking for the delimiter */
	S_EPILOGUE,     /* after the close delimiter: discarding */
	S_ERROR,
};

struct multipart {
	struct multipart_limits    lim;
	struct multipart_callbacks cb;
	void                      *ctx;
	enum mp_state              state;
	enum multipart_err         err;
	uint64_t                   offset;    /* body bytes consumed so far */
	uint64_t                   err_offset;
	int                        err_in_part;

	char                       delim[MULTIPART_BOUNDARY_MAX + 5]; /* CRLF "--" boundary */
	size_t                     dlen;
	size_t                     match;     /* delimiter bytes matched, maybe in earlier chunks */

	size_t                     nparts, nfiles;
	int                        in_part;   /* begin() was called, end() not yet */
	struct multipart_part      part;

	/* the header section of the current part: lines without their CRLF, each
	 * followed by '\0'; cd/ct are offsets of the values of the two headers we read */
	char                      *hdr;
	size_t                     hdr_len;   /* bytes stored */
	size_t                     hdr_seen;  /* bytes of the section so far, CRLFs included */
	size_t                     line;      /* start of the current line in hdr */
	long                       cd, ct;
	/* decoded values (name, filename, content type), never longer than the raw ones */
	char                      *val;
	size_t                     val_len, val_cap;
};

/* --- characters --- */

static int
is_tchar(unsigned char c)
{
	/* RFC 7230 token characters */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
is_bchar(unsigned char c)
{
	/* RFC 2046 §5.1.1 bchars (space allowed, but not last) */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != 0 && strchr("'()+_,-./:=? ", c) != NULL);
}

static int
is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			k = 1, cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3, cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i - 1 < k)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* --- header parameters (RFC 7231 §3.1.1.1 and RFC 6266 shape) ---
 *
 *   value *( OWS ";" OWS name "=" ( token / quoted-string ) ) OWS
 *
 * A cursor over s[0..n): next_param() reads one parameter, decodes its value into
 * out[0..cap) NUL-terminated and reports the name as a span of s. */

struct span {
	const char *s;
	size_t      n;
};

enum param_rc { PARAM_END, PARAM_OK, PARAM_BAD };

static void
skip_ows(const char *s, size_t n, size_t *i)
{
	while (*i < n && is_ows((unsigned char)s[*i]))
		(*i)++;
}

/* A quoted-string starting at s[*i] == '"'. qdtext is HT, SP, VCHAR except '"' and
 * '\', and obs-text (browsers send UTF-8 filenames raw); quoted-pair unescapes. */
static int
read_quoted(const char *s, size_t n, size_t *i, char *out, size_t cap, size_t *olen)
{
	size_t o = 0, j = *i + 1;

	for (; j < n; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c == '"')
			break;
		if (c == '\\') {
			if (++j == n)
				return -1;
			c = (unsigned char)s[j];
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return -1;
		if (o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	if (j == n)
		return -1;  /* no closing quote */
	out[o] = '\0';
	*olen = o;
	*i = j + 1;
	return 0;
}

static enum param_rc
next_param(const char *s, size_t n, size_t *i, struct span *name, char *out, size_t cap,
    size_t *olen, int *quoted)
{
	size_t j;

	skip_ows(s, n, i);
	if (*i == n)
		return PARAM_END;
	if (s[*i] != ';')
		return PARAM_BAD;
	(*i)++;
	skip_ows(s, n, i);
	if (*i == n)
		return PARAM_END;  /* a trailing ';' is harmless: some clients send one */
	for (j = *i; j < n && is_tchar((unsigned char)s[j]); j++)
		;
	if (j == *i || j == n || s[j] != '=')
		return PARAM_BAD;
	name->s = s + *i;
	name->n = j - *i;
	*i = j + 1;
	*quoted = *i < n && s[*i] == '"';
	if (*quoted)
		return read_quoted(s, n, i, out, cap, olen) == 0 ? PARAM_OK : PARAM_BAD;
	for (j = *i; j < n && is_tchar((unsigned char)s[j]); j++)
		;
	if (j == *i || j - *i + 1 > cap)
		return PARAM_BAD;
	memcpy(out, s + *i, j - *i);
	out[j - *i] = '\0';
	*olen = j - *i;
	*i = j;
	return PARAM_OK;
}

static int
span_is(struct span sp, const char *lit)
{
	return strlen(lit) == sp.n && strncasecmp(sp.s, lit, sp.n) == 0;
}

/* 1 when b is a boundary RFC 2046 allows. */
static int
boundary_valid(const char *b, size_t n)
{
	size_t i;

	if (n == 0 || n > MULTIPART_BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_bchar((unsigned char)b[i]))
			return 0;
	return 1;
}

enum multipart_err
multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	static const char type[] = "multipart/form-data";
	/* other parameters (charset) pass through here too: room for longer ones */
	char v[256];
	size_t n, i = 0, vlen = 0;
	int found = 0, quoted;
	struct span name;
	enum param_rc rc;

	if (outlen > 0)
		out[0] = '\0';
	if (content_type == NULL)
		return MP_ERR_NOT_MULTIPART;
	n = strlen(content_type);
	skip_ows(content_type, n, &i);
	if (n - i < sizeof(type) - 1 || strncasecmp(content_type + i, type, sizeof(type) - 1) != 0)
		return MP_ERR_NOT_MULTIPART;
	i += sizeof(type) - 1;
	if (i < n && !is_ows((unsigned char)content_type[i]) && content_type[i] != ';')
		return MP_ERR_NOT_MULTIPART;  /* "multipart/form-datax" */
	while ((rc = next_param(content_type, n, &i, &name, v, sizeof(v), &vlen, &quoted)) ==
	    PARAM_OK) {
		if (!span_is(name, "boundary"))
			continue;
		if (found || !boundary_valid(v, vlen) || vlen + 1 > outlen)
			return MP_ERR_BAD_BOUNDARY;
		memcpy(out, v, vlen + 1);
		found = 1;
	}
	if (rc == PARAM_BAD || !found) {
		if (outlen > 0)
			out[0] = '\0';
		return MP_ERR_BAD_BOUNDARY;
	}
	return MP_OK;
}

/* --- the parser --- */

struct multipart *
multipart_new(struct arena *a, const char *boundary, const struct multipart_limits *limits,
    const struct multipart_callbacks *cb, void *ctx)
{
	struct multipart *p;
	size_t blen;

	if (boundary == NULL)
		return NULL;
	blen = strlen(boundary);
	if (!boundary_valid(boundary, blen))
		return NULL;
	p = arena_alloc(a, sizeof(*p));
	p->lim = limits != NULL ? *limits : multipart_default_limits;
	if (cb != NULL)
		p->cb = *cb;
	p->ctx = ctx;
	memcpy(p->delim, "\r\n--", 4);
	memcpy(p->delim + 4, boundary, blen);
	p->dlen = 4 + blen;
	/* the body may open with the boundary itself: as if a CRLF came before it */
	p->state = S_PREAMBLE;
	p->match = 2;
	/* +1: the '\0' after the last stored line; the section's last CRLF pair is never
	 * stored, so hdr_len + 1 <= max_header_bytes + 1 always */
	p->hdr = arena_alloc(a, p->lim.max_header_bytes + 1);
	p->val_cap = p->lim.max_header_bytes + 4;
	p->val = arena_alloc(a, p->val_cap);
	return p;
}

static enum multipart_err
fail(struct multipart *p, enum multipart_err e)
{
	p->err = e;
	p->err_offset = p->offset;
	p->err_in_part = p->part.name != NULL;
	p->state = S_ERROR;
	return e;
}

/* Stores a copy of s[0..n) in p->val; NULL if it does not fit (it always should: a
 * value and its NUL are shorter than the header line that held it). */
static const char *
val_put(struct multipart *p, const char *s, size_t n)
{
	char *d;

	if (n + 1 > p->val_cap - p->val_len)
		return NULL;
	d = p->val + p->val_len;
	memcpy(d, s, n);
	d[n] = '\0';
	p->val_len += n + 1;
	return d;
}

/* filename*=UTF-8'[language]'percent-encoded (RFC 5987 §3.2, RFC 2231 §4), decoded in
 * place in v[0..n): 0, or -1 when the charset is not UTF-8, an octet is neither an
 * attr-char nor %XX, or the result is not UTF-8 (or holds a NUL). */
static int
ext_value(char *v, size_t n, size_t *olen)
{
	const char *q1, *q2;
	size_t i, o = 0;

	q1 = memchr(v, '\'', n);
	if (q1 == NULL || q1 - v != 5 || strncasecmp(v, "UTF-8", 5) != 0)
		return -1;
	q2 = memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v));
	if (q2 == NULL)
		return -1;
	for (i = (size_t)(q2 + 1 - v); i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		int hi, lo;

		if (c == '%') {
			if (n - i < 3 || (hi = hexval((unsigned char)v[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)v[i + 2])) < 0 || (hi | lo) == 0)
				return -1;
			v[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL)) {
			v[o++] = (char)c;  /* attr-char */
		} else {
			return -1;
		}
	}
	if (!utf8_valid((const unsigned char *)v, o))
		return -1;
	v[o] = '\0';
	*olen = o;
	return 0;
}

/* Content-Disposition: form-data; name="…"[; filename="…"][; filename*=UTF-8''…]
 * Each value is decoded straight into p->val and kept (val_len advanced) only when it
 * is one we read; a parameter named twice is refused (which one would count?). */
static enum multipart_err
parse_disposition(struct multipart *p, const char *s, size_t n)
{
	static const char type[] = "form-data";
	size_t i = sizeof(type) - 1, vlen;
	const char *fname = NULL, *fstar = NULL;
	int quoted, seen_name = 0, seen_file = 0, seen_star = 0;
	struct span pname;
	enum param_rc rc;

	if (n < i || strncasecmp(s, type, i) != 0 ||
	    (i < n && !is_ows((unsigned char)s[i]) && s[i] != ';'))
		return MP_ERR_BAD_DISPOSITION;
	for (;;) {
		char *v = p->val + p->val_len;

		rc = next_param(s, n, &i, &pname, v, p->val_cap - p->val_len, &vlen, &quoted);
		if (rc != PARAM_OK)
			break;
		if (span_is(pname, "name")) {
			if (seen_name++)
				return MP_ERR_BAD_DISPOSITION;
			p->part.name = v;
		} else if (span_is(pname, "filename")) {
			if (seen_file++)
				return MP_ERR_BAD_DISPOSITION;
			fname = v;
		} else if (span_is(pname, "filename*")) {
			if (seen_star++ || ext_value(v, vlen, &vlen) != 0)
				return MP_ERR_BAD_DISPOSITION;
			fstar = v;
		} else {
			continue;  /* other parameters (creation-date…) are ignored */
		}
		p->val_len += vlen + 1;
	}
	if (rc == PARAM_BAD)
		return MP_ERR_BAD_DISPOSITION;
	if (p->part.name == NULL || p->part.name[0] == '\0')
		return MP_ERR_NO_NAME;
	p->part.filename = fstar != NULL ? fstar : fname;
	return MP_OK;
}

/* A complete header line hdr[line..hdr_len) (its CRLF dropped). */
static enum multipart_err
header_line(struct multipart *p)
{
	char *l = p->hdr + p->line;
	size_t n = p->hdr_len - p->line, k;

	if (is_ows((unsigned char)l[0]))
		return MP_ERR_HEADER_FOLDED;
	for (k = 0; k < n && is_tchar((unsigned char)l[k]); k++)
		;
	if (k == 0 || k == n || l[k] != ':')
		return MP_ERR_HEADER_SYNTAX;
	if ((k == 19 && strncasecmp(l, "Content-Disposition", k) == 0) ||
	    (k == 12 && strncasecmp(l, "Content-Type", k) == 0)) {
		long *slot = k == 19 ? &p->cd : &p->ct;
		size_t v = k + 1, e = n;

		if (*slot >= 0)
			return MP_ERR_DUPLICATE_HEADER;
		while (v < e && is_ows((unsigned char)l[v]))
			v++;
		while (e > v && is_ows((unsigned char)l[e - 1]))
			e--;
		/* keep the trimmed value, NUL-terminated, where the line was */
		memmove(l, l + v, e - v);
		l[e - v] = '\0';
		*slot = (long)p->line;
		p->hdr_len = p->line + (e - v) + 1;
	} else {
		p->hdr_len = p->line;  /* a header we do not read: forget it */
	}
	p->line = p->hdr_len;
	return MP_OK;
}

/* The empty line: the header section is over; the part begins. */
static enum multipart_err
headers_done(struct multipart *p)
{
	enum multipart_err e;

	if (p->cd < 0)
		return MP_ERR_NO_DISPOSITION;
	e = parse_disposition(p, p->hdr + p->cd, strlen(p->hdr + p->cd));
	if (e != MP_OK)
		return e;
	if (p->ct >= 0 && (p->part.content_type = val_put(p, p->hdr + p->ct,
	    strlen(p->hdr + p->ct))) == NULL)
		return MP_ERR_HEADER_TOO_LARGE;
	if (p->part.filename != NULL && ++p->nfiles > p->lim.max_files)
		return MP_ERR_TOO_MANY_FILES;
	p->in_part = 1;
	if (p->cb.begin != NULL && p->cb.begin(p->ctx, &p->part) != 0)
		return MP_ERR_ABORTED;
	return MP_OK;
}

static enum multipart_err
part_start(struct multipart *p)
{
	if (p->nparts >= p->lim.max_parts)
		return MP_ERR_TOO_MANY_PARTS;
	memset(&p->part, 0, sizeof(p->part));
	p->part.index = p->nparts++;
	p->hdr_len = p->hdr_seen = p->line = 0;
	p->cd = p->ct = -1;
	p->val_len = 0;
	return MP_OK;
}

static enum multipart_err
part_end(struct multipart *p)
{
	int rc = 0;

	if (p->in_part && p->cb.end != NULL)
		rc = p->cb.end(p->ctx, &p->part);
	p->in_part = 0;
	memset(&p->part, 0, sizeof(p->part));
	return rc != 0 ? MP_ERR_ABORTED : MP_OK;
}

/* Data of the current part (or of the preamble, dropped), with its limit. */
static enum multipart_err
emit(struct multipart *p, const char *buf, size_t n)
{
	uint64_t max;

	if (n == 0 || p->state == S_PREAMBLE)
		return MP_OK;
	max = p->part.filename != NULL ? p->lim.max_file_bytes : p->lim.max_field_bytes;
	if (n > max - p->part.size)
		return p->part.filename != NULL ? MP_ERR_FILE_TOO_LARGE : MP_ERR_FIELD_TOO_LARGE;
	p->part.size += n;
	if (p->cb.data != NULL && p->cb.data(p->ctx, &p->part, buf, n) != 0)
		return MP_ERR_ABORTED;
	return MP_OK;
}

/* S_PREAMBLE and S_DATA: scans buf[*pos..len) for the delimiter, emitting what is not
 * part of a candidate. On return either *pos == len (the chunk is used up, a partial
 * match may be carried in p->match) or the delimiter ended just before *pos. */
static enum multipart_err
scan(struct multipart *p, const char *buf, size_t len, size_t *pos)
{
	size_t i = *pos, start = i, mstart = i;
	int carried = p->match > 0;  /* the candidate began in an earlier chunk */
	enum multipart_err e;

	while (i < len) {
		const char *cr;

		if (p->match == 0) {
			cr = memchr(buf + i, '\r', len - i);
			if (cr == NULL) {
				i = len;
				break;
			}
			mstart = (size_t)(cr - buf);
			i = mstart + 1;
			p->match = 1;
			continue;
		}
		if (buf[i] == p->delim[p->match]) {
			i++;
			if (++p->match < p->dlen)
				continue;
			/* the delimiter: what came before it is the part's */
			p->match = 0;
			p->offset += i - *pos;
			*pos = i;
			if (!carried && (e = emit(p, buf + start, mstart - start)) != MP_OK)
				return e;
			if (p->state == S_DATA && (e = part_end(p)) != MP_OK)
				return e;
			p->state = S_AFTER_DELIM;
			return MP_OK;
		}
		/* no match: the held bytes were data after all */
		if (carried) {
			if ((e = emit(p, p->delim, p->match)) != MP_OK) {
				p->offset += i - *pos;
				return e;
			}
			carried = 0;
			start = i;
		}
		p->match = 0;  /* buf[i] is looked at again: it may be a CR */
	}
	/* end of the chunk: emit all but a candidate begun in it */
	p->offset += len - *pos;
	*pos = len;
	if (p->match == 0)
		return emit(p, buf + start, len - start);
	if (!carried)
		return emit(p, buf + start, mstart - start);
	return MP_OK;  /* the whole chunk continued an earlier candidate */
}

/* One byte of the boundary line or the header section. */
static enum multipart_err
step(struct multipart *p, unsigned char c)
{
	enum multipart_err e;

	switch (p->state) {
	case S_AFTER_DELIM:
		if (c == '-')
			p->state = S_CLOSE_DASH;
		else if (is_ows(c))
			p->state = S_PADDING;
		else if (c == '\r')
			p->state = S_DELIM_CR;
		else
			return c == '\n' ? MP_ERR_LINE_END : MP_ERR_BAD_DELIMITER;
		return MP_OK;
	case S_CLOSE_DASH:
		if (c != '-')
			return MP_ERR_BAD_DELIMITER;
		p->state = S_EPILOGUE;
		return MP_OK;
	case S_PADDING:
		if (c == '\r')
			p->state = S_DELIM_CR;
		else if (!is_ows(c))
			return c == '\n' ? MP_ERR_LINE_END : MP_ERR_BAD_DELIMITER;
		return MP_OK;
	case S_DELIM_CR:
		if (c != '\n')
			return MP_ERR_LINE_END;
		if ((e = part_start(p)) != MP_OK)
			return e;
		p->state = S_HEADER;
		return MP_OK;
	case S_HEADER:
		if (++p->hdr_seen > p->lim.max_header_bytes)
			return MP_ERR_HEADER_TOO_LARGE;
		if (c == '\r') {
			p->state = S_HEADER_CR;
		} else if (c == '\n') {
			return MP_ERR_LINE_END;
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			return MP_ERR_HEADER_SYNTAX;
		} else {
			/* hdr_len < hdr_seen <= max_header_bytes: it fits */
			p->hdr[p->hdr_len++] = (char)c;
		}
		return MP_OK;
	case S_HEADER_CR:
		if (++p->hdr_seen > p->lim.max_header_bytes)
			return MP_ERR_HEADER_TOO_LARGE;
		if (c != '\n')
			return MP_ERR_LINE_END;
		p->state = S_HEADER;
		if (p->hdr_len == p->line) {
			if ((e = headers_done(p)) != MP_OK)
				return e;
			p->state = S_DATA;
			return MP_OK;
		}
		return header_line(p);
	default:
		return MP_OK;
	}
}

enum multipart_err
multipart_feed(struct multipart *p, const void *data, size_t len)
{
	const char *buf = data;
	size_t i = 0, whole = len;
	enum multipart_err e;

	if (p->state == S_ERROR)
		return p->err;
	/* past max_total: the bytes up to it are parsed first, so the error a body gets
	 * does not depend on where its chunks were cut */
	if (p->offset > p->lim.max_total)
		return fail(p, MP_ERR_TOTAL_TOO_LARGE);
	if (len > p->lim.max_total - p->offset)
		len = (size_t)(p->lim.max_total - p->offset);
	while (i < len) {
		switch (p->state) {
		case S_PREAMBLE:
		case S_DATA:
			if ((e = scan(p, buf, len, &i)) != MP_OK)
				return fail(p, e);
			break;
		case S_EPILOGUE:
			p->offset += len - i;
			i = len;
			break;
		default:
			if ((e = step(p, (unsigned char)buf[i])) != MP_OK)
				return fail(p, e);
			i++;
			p->offset++;
			break;
		}
	}
	if (whole > len)
		return fail(p, MP_ERR_TOTAL_TOO_LARGE);
	return MP_OK;
}

enum multipart_err
multipart_finish(struct multipart *p)
{
	if (p->state == S_ERROR)
		return p->err;
	if (p->state != S_EPILOGUE)
		return fail(p, MP_ERR_TRUNCATED);
	return MP_OK;
}

const char *
multipart_error_field(const struct multipart *p)
{
	/* the part's strings are kept after an error: nothing resets them */
	return p->state == S_ERROR && p->err_in_part ? p->part.name : NULL;
}

uint64_t
multipart_error_offset(const struct multipart *p)
{
	return p->err_offset;
}

size_t
multipart_parts(const struct multipart *p)
{
	return p->nparts;
}

static const char *const err_codes[MP_ERR__MAX] = {
	[MP_OK] = "ok",
	[MP_ERR_NOT_MULTIPART] = "not_multipart",
	[MP_ERR_BAD_BOUNDARY] = "bad_boundary",
	[MP_ERR_TOO_MANY_PARTS] = "too_many_parts",
	[MP_ERR_TOO_MANY_FILES] = "too_many_files",
	[MP_ERR_HEADER_TOO_LARGE] = "part_headers_too_large",
	[MP_ERR_FILE_TOO_LARGE] = "file_too_large",
	[MP_ERR_FIELD_TOO_LARGE] = "field_too_large",
	[MP_ERR_TOTAL_TOO_LARGE] = "body_too_large",
	[MP_ERR_LINE_END] = "bad_line_end",
	[MP_ERR_BAD_DELIMITER] = "bad_delimiter",
	[MP_ERR_HEADER_SYNTAX] = "bad_part_header",
	[MP_ERR_HEADER_FOLDED] = "folded_part_header",
	[MP_ERR_DUPLICATE_HEADER] = "duplicate_part_header",
	[MP_ERR_NO_DISPOSITION] = "no_content_disposition",
	[MP_ERR_BAD_DISPOSITION] = "bad_content_disposition",
	[MP_ERR_NO_NAME] = "no_field_name",
	[MP_ERR_TRUNCATED] = "truncated",
	[MP_ERR_ABORTED] = "aborted",
};

const char *
multipart_err_code(enum multipart_err e)
{
	return (unsigned)e < MP_ERR__MAX && err_codes[e] != NULL ? err_codes[e] : "unknown";
}

int
multipart_err_is_limit(enum multipart_err e)
{
	return e >= MP_ERR_TOO_MANY_PARTS && e <= MP_ERR_TOTAL_TOO_LARGE;
}

int
multipart_err_status(enum multipart_err e)
{
	if (e == MP_OK)
		return 200;
	if (e == MP_ERR_NOT_MULTIPART || e == MP_ERR_BAD_BOUNDARY)
		return 415;
	if (multipart_err_is_limit(e))
		return 413;
	if (e == MP_ERR_ABORTED)
		return 400;
	return 422;
}

/* --- display names --- */

char *
multipart_safe_name(const char *raw, char *out, size_t outlen)
{
	const char *s = raw != NULL ? raw : "", *q;
	size_t o = 0;

	if (outlen == 0)
		return out;
	/* the last path component, for either kind of separator */
	for (q = s; *q != '\0'; q++)
		if (*q == '/' || *q == '\\')
			s = q + 1;
	for (; *s != '\0' && o + 1 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7F)
			continue;
		if ((c == '.' || c == ' ') && o == 0)
			continue;  /* no "..", no hidden file, no leading blank */
		if (c == '.' && out[o - 1] == '.')
			continue;  /* ".." inside collapses to "." */
		out[o++] = (char)c;
	}
	/* a cut may have split a UTF-8 sequence: drop its lead and continuation bytes */
	if (*s != '\0' && o > 0) {
		size_t k = o;

		while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)out[k - 1] >= 0xC0) {
			size_t need = (unsigned char)out[k - 1] >= 0xF0 ? 4 :
			    (unsigned char)out[k - 1] >= 0xE0 ? 3 : 2;

			if (o - (k - 1) < need)
				o = k - 1;
		}
	}
	/* no trailing dots or blanks (Windows drops them, and "name." hides the type) */
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	if (o == 0) {
		snprintf(out, outlen, "file");
		return out;
	}
	out[o] = '\0';
	return out;
}
