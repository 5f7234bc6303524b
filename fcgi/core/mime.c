#include "mime.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#define LINE_MAX_CHARS   76
#define WORD_OVERHEAD    12     /* "=?UTF-8?B?" + "?=" */

char *
mime_base64(struct arena *a, const void *data, size_t n, int wrap)
{
	size_t enc = 4 * ((n + 2) / 3), lines = wrap ? enc / LINE_MAX_CHARS + 1 : 0;
	char *tmp = arena_alloc(a, enc + 1), *out, *p;
	size_t i;

	if (n > 0)
		EVP_EncodeBlock((unsigned char *)tmp, data, (int)n);
	tmp[enc] = '\0';
	if (!wrap)
		return tmp;
	out = p = arena_alloc(a, enc + 2 * lines + 1);
	for (i = 0; i < enc; i += LINE_MAX_CHARS) {
		size_t k = enc - i < LINE_MAX_CHARS ? enc - i : LINE_MAX_CHARS;

		memcpy(p, tmp + i, k);
		p += k;
		*p++ = '\r';
		*p++ = '\n';
	}
	*p = '\0';
	return out;
}

void
mime_date(time_t t, char out[40])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	/* the C locale's names are RFC 5322's; %a/%b depend on the locale: spelled out */
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
mime_addr_ok(const char *s)
{
	const char *at = NULL, *p;

	if (s == NULL || *s == '\0' || strlen(s) > 254)
		return 0;
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '(' ||
		    c == ')' || c == ',' || c == ';' || c == '\\' || c == '[' || c == ']')
			return 0;
		if (c == '@')
			at = p;
	}
	return at != NULL && at != s && at[1] != '\0';
}

const char *
mime_domain(const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL && at[1] != '\0' ? at + 1 : "localhost";
}

static int
is_plain(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < ' ' || *p >= 0x7f)
			return 0;
	/* "=?" would read as the start of an encoded word */
	return strstr(s, "=?") == NULL;
}

/* The length of the longest run of whole UTF-8 characters of s (len bytes) within max
 * bytes; at least one character. */
static size_t
utf8_cut(const unsigned char *s, size_t len, size_t max)
{
	size_t n = 0, k;

	while (n < len) {
		unsigned char c = s[n];

		k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		    (c & 0xf8) == 0xf0 ? 4 : 1;
		/* a broken sequence: its continuation bytes go with it */
		while (k > 1 && n + k > len)
			k--;
		if (n + k > max && n > 0)
			break;
		n += k;
	}
	return n;
}

char *
mime_header(struct arena *a, const char *name, const char *value)
{
	const unsigned char *v = (const unsigned char *)value;
	size_t len = strlen(value), used, col, out_cap, o, n, max;
	char *out, *b64;

	if (is_plain(value) && strlen(name) + 2 + len <= 998)
		return arena_printf(a, "%s: %s", name, value);
	/* a word holds at least 4 bytes in at most 15 + 8 characters */
	out_cap = strlen(name) + 16 + 8 * len + 64;
	out = arena_alloc(a, out_cap);
	o = (size_t)snprintf(out, out_cap, "%s: ", name);
	col = o;
	for (used = 0; used < len; used += n) {
		/* base64 of max bytes must fit: col + 12 + 4*ceil(max/3) <= 76 */
		size_t room = LINE_MAX_CHARS - col - WORD_OVERHEAD;

		max = room / 4 * 3;
		if (max < 4)
			max = 4;
		n = utf8_cut(v + used, len - used, max);
		b64 = mime_base64(a, v + used, n, 0);
		o += (size_t)snprintf(out + o, out_cap - o, "=?UTF-8?B?%s?=", b64);
		if (used + n < len) {
			memcpy(out + o, "\r\n ", 3);
			o += 3;
			col = 1;
		}
	}
	out[o] = '\0';
	return out;
}

char *
mime_from_parts(struct arena *a, const char *from, char **name)
{
	const char *lt = strrchr(from, '<'), *gt;
	char *addr, *nm;
	size_t nl;

	if (name != NULL)
		*name = NULL;
	if (strpbrk(from, "\r\n") != NULL)
		return NULL;
	if (lt == NULL) {
		while (*from == ' ')
			from++;
		addr = arena_strdup(a, from);
		nl = strlen(addr);
		while (nl > 0 && addr[nl - 1] == ' ')
			addr[--nl] = '\0';
		return mime_addr_ok(addr) ? addr : NULL;
	}
	if ((gt = strchr(lt, '>')) == NULL)
		return NULL;
	addr = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	if (!mime_addr_ok(addr))
		return NULL;
	while (*from == ' ' || *from == '"')
		from++;
	nl = (size_t)(lt - from);
	while (nl > 0 && (from[nl - 1] == ' ' || from[nl - 1] == '"'))
		nl--;
	if (nl > 0 && name != NULL) {
		nm = arena_strndup(a, from, nl);
		*name = nm;
	}
	return addr;
}

/* text with every line ending made CRLF */
static char *
crlf(struct arena *a, const char *s, size_t *len)
{
	size_t n = strlen(s), i, o = 0;
	char *out = arena_alloc(a, 2 * n + 3);

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = s[i];
	}
	if (o < 2 || out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o] = '\0';
	*len = o;
	return out;
}

static char *
part(struct arena *a, const char *type, const char *body)
{
	size_t n;
	char *text = crlf(a, body, &n);

	return arena_printf(a, "Content-Type: %s; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s", type, mime_base64(a, text, n, 1));
}

char *
mime_build(struct arena *a, const struct mime_mail *m, size_t *len)
{
	char date[40], *name = NULL, *from_addr, *from, *head, *msg;
	const char *b = m->boundary;

	if (!mime_addr_ok(m->to) || (from_addr = mime_from_parts(a, m->from, &name)) == NULL ||
	    b == NULL || *b == '\0' || strlen(b) > 60 || strpbrk(b, "\r\n\"") != NULL ||
	    strpbrk(m->message_id, "\r\n<> ") != NULL ||
	    (m->list_unsubscribe != NULL && strpbrk(m->list_unsubscribe, "\r\n") != NULL) ||
	    (m->reply_to != NULL && !mime_addr_ok(m->reply_to)))
		return NULL;
	if (name == NULL)
		from = arena_printf(a, "From: %s", from_addr);
	else if (is_plain(name) && strpbrk(name, "\"\\()<>[]:;@,.") == NULL)
		from = arena_printf(a, "From: %s <%s>", name, from_addr);
	else
		/* the display name encoded, the address as it is, on a line of its own when
		 * the encoded name fills the first */
		from = arena_printf(a, "%s\r\n <%s>", mime_header(a, "From", name), from_addr);
	mime_date(m->date, date);
	head = arena_printf(a, "Date: %s\r\n%s\r\nTo: <%s>\r\n%s\r\nMessage-ID: <%s>\r\n"
	    "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n%s%s%s%s%s%s",
	    date, from, m->to, mime_header(a, "Subject", m->subject != NULL ? m->subject : ""),
	    m->message_id, m->list_unsubscribe != NULL ? "List-Unsubscribe: " : "",
	    m->list_unsubscribe != NULL ? m->list_unsubscribe : "",
	    m->list_unsubscribe != NULL ? "\r\n" : "",
	    m->reply_to != NULL ? "Reply-To: <" : "", m->reply_to != NULL ? m->reply_to : "",
	    m->reply_to != NULL ? ">\r\n" : "");
	if (m->html == NULL)
		msg = arena_printf(a, "%s%s", head, part(a, "text/plain", m->text ? m->text : ""));
	else
		msg = arena_printf(a, "%sContent-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n"
		    "\r\nThis is a MIME message.\r\n\r\n--%s\r\n%s\r\n--%s\r\n%s\r\n--%s--\r\n",
		    head, b, b, part(a, "text/plain", m->text ? m->text : ""), b,
		    part(a, "text/html", m->html), b);
	if (len != NULL)
		*len = strlen(msg);
	return msg;
}
