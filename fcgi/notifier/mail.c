/* E-mail: the row rendered from templates/email/<template>.<lang>.{subject,txt,html}
 * into one multipart/alternative message (core/mime.c), then handed to the configured
 * transport:
 *   file    <spool_dir>/mail/<id>.eml, the message as an SMTP server would get it
 *   smtp    libcurl: smtps:// (TLS from the start) or smtp:// with STARTTLS required
 *           (smtp_tls = none: plain, for a relay on the host itself); AUTH with
 *           smtp_user and smtp_password when set
 *   resend  POST <resend_url>/emails with the Idempotency-Key outbox-<id>
 * The Message-ID is <outbox-<id>@<the sender's domain>> on every attempt, so a reader
 * (and a provider) can tell a message sent again after a crash. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto.h"
#include "core/http.h"
#include "core/mime.h"
#include "delivery.h"
#include "domain/outbox_rules.h"

struct mail {
	const char *to, *subject, *text, *html, *message_id, *unsubscribe;
	char       *eml;
	size_t      eml_len;
};

/* A subject template's text on one line: line ends and runs of spaces become one space. */
static char *
one_line(char *s)
{
	char *r = s, *w = s;
	int space = 0;

	for (; *r != '\0'; r++) {
		if (*r == '\r' || *r == '\n' || *r == '\t' || *r == ' ') {
			space = w != s;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* The template family: a notification whose type has e-mail templates of its own
 * (booking_status, invitation, quote...) uses them. */
static const char *
family_of(struct delivery *d, const struct outbox_row *row, json_object *payload)
{
	json_object *type;
	const char *t;

	if (strcmp(row->template_name, "notification") != 0 ||
	    (type = json_object_object_get(payload, "type")) == NULL ||
	    (t = json_object_get_string(type)) == NULL || strchr(t, '/') != NULL)
		return row->template_name;
	if (mustache_set_get(d->templates, arena_printf(&d->a, "email/%s.%s.txt", t,
	    lang_code(row->lang))) != NULL)
		return t;
	return row->template_name;
}

static int
compose(struct delivery *d, const struct outbox_row *row, struct mail *m, struct result *r)
{
	json_object *payload = payload_of(d, row->payload);
	const char *fam = family_of(d, row, payload), *lang = lang_code(row->lang);
	char *base = arena_printf(&d->a, "email/%s.%s", fam, lang), *subject, *from_addr;
	struct mime_mail mm;
	json_object *reply;

	memset(m, 0, sizeof(*m));
	m->to = row->recipient;
	if (!mime_addr_ok(m->to)) {
		result_set(r, OUT_DEAD, "not an e-mail address");
		return -1;
	}
	if ((from_addr = mime_from_parts(&d->a, d->cfg.email_from, NULL)) == NULL) {
		result_set(r, OUT_DEAD, "email_from has no usable address");
		return -1;
	}
	if (row->subject != NULL && row->subject[0] != '\0')
		subject = arena_strdup(&d->a, row->subject);
	else if ((subject = render(d, arena_printf(&d->a, "%s.subject", base), payload, 0, r))
	    == NULL)
		return -1;
	m->subject = one_line(subject);
	if ((m->text = render(d, arena_printf(&d->a, "%s.txt", base), payload, 0, r)) == NULL)
		return -1;
	r->kind = OUT_SENT;
	m->html = render(d, arena_printf(&d->a, "%s.html", base), payload, 1, r);
	if (r->kind != OUT_SENT)
		return -1;
	m->message_id = arena_printf(&d->a, "outbox-%lld@%s", row->id, mime_domain(from_addr));
	if (!outbox_transactional(row->template_name))
		m->unsubscribe = arena_printf(&d->a, "<mailto:%s?subject=unsubscribe>", from_addr);
	memset(&mm, 0, sizeof(mm));
	mm.from = d->cfg.email_from;
	mm.to = m->to;
	mm.subject = m->subject;
	mm.text = m->text;
	mm.html = m->html;
	mm.message_id = m->message_id;
	mm.list_unsubscribe = m->unsubscribe;
	/* answers to a person's own message go to them (the contact form's replyTo) */
	if (json_object_object_get_ex(payload, "replyTo", &reply) &&
	    json_object_is_type(reply, json_type_string) &&
	    mime_addr_ok(json_object_get_string(reply)))
		mm.reply_to = json_object_get_string(reply);
	mm.boundary = arena_printf(&d->a, "=_warsha_%lld_%s", row->id, random_hex(&d->a, 6));
	mm.date = time(NULL);
	if ((m->eml = mime_build(&d->a, &mm, &m->eml_len)) == NULL) {
		result_set(r, OUT_DEAD, "the message cannot be built (a header value)");
		return -1;
	}
	return 0;
}

/* --- smtp --- */

struct upload {
	const char *p;
	size_t      left;
};

static size_t
on_read(char *buf, size_t size, size_t nitems, void *userdata)
{
	struct upload *u = userdata;
	size_t n = size * nitems;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

static void
send_smtp(struct delivery *d, const struct mail *m, struct result *r)
{
	CURL *c = d->curl;
	struct curl_slist *rcpt;
	struct upload u = { m->eml, m->eml_len };
	char *from_addr = mime_from_parts(&d->a, d->cfg.email_from, NULL);
	CURLcode cc;
	long code = 0;

	curl_easy_reset(c);
	if ((rcpt = curl_slist_append(NULL, arena_printf(&d->a, "<%s>", m->to))) == NULL) {
		result_set(r, OUT_RETRY, "out of memory");
		return;
	}
	curl_easy_setopt(c, CURLOPT_URL, d->cfg.smtp_url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	if (strncmp(d->cfg.smtp_url, "smtps://", 8) == 0 || strcmp(d->cfg.smtp_tls, "none") != 0)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (d->cfg.smtp_user[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, d->cfg.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, d->cfg.smtp_password);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(&d->a, "<%s>", from_addr));
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->eml_len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)d->cfg.outbox_timeout_seconds);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, transfer_progress);
	cc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK)
		return;
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		result_set(r, OUT_RELEASE, "stopping");
	/* a 5xx reply is the server's final word on this message (RFC 5321 4.2.1): a
	 * mailbox that does not exist, a message refused */
	else if (code >= 500 && code < 600 && cc != CURLE_LOGIN_DENIED)
		result_set(r, OUT_DEAD, "smtp: %ld %s", code, curl_easy_strerror(cc));
	else
		result_set(r, OUT_RETRY, "smtp: %s%s%ld", curl_easy_strerror(cc),
		    code ? " reply " : "", code);
}

/* --- resend --- */

static void
send_resend(struct delivery *d, const struct outbox_row *row, const struct mail *m,
    struct result *r)
{
	json_object *o = json_owned(&d->a, json_object_new_object()), *to, *h;
	struct http_answer ans;
	const char *body, *headers[6];
	size_t len;

	json_object_object_add(o, "from", json_object_new_string(d->cfg.email_from));
	to = json_object_new_array();
	json_object_array_add(to, json_object_new_string(m->to));
	json_object_object_add(o, "to", to);
	json_object_object_add(o, "subject", json_object_new_string(m->subject));
	json_object_object_add(o, "text", json_object_new_string(m->text));
	if (m->html != NULL)
		json_object_object_add(o, "html", json_object_new_string(m->html));
	h = json_object_new_object();
	json_object_object_add(h, "Message-ID", json_object_new_string(arena_printf(&d->a,
	    "<%s>", m->message_id)));
	if (m->unsubscribe != NULL)
		json_object_object_add(h, "List-Unsubscribe", json_object_new_string(m->unsubscribe));
	json_object_object_add(o, "headers", h);
	body = json_text(&d->a, o, &len);
	headers[0] = "Content-Type: application/json";
	headers[1] = arena_printf(&d->a, "Authorization: Bearer %s", d->cfg.resend_api_key);
	headers[2] = arena_printf(&d->a, "Idempotency-Key: outbox-%lld", row->id);
	headers[3] = "Accept: application/json";
	headers[4] = NULL;
	if (http_request(d, "POST", arena_printf(&d->a, "%s/emails", d->cfg.resend_url), headers,
	    body, len, NULL, &ans, r) != 0)
		return;
	if (ans.status >= 200 && ans.status < 300)
		return;
	http_outcome(&ans, "resend", r);
	/* 409 is a passing state only for concurrent_idempotent_requests; the other 409
	 * (the same key with another payload) will never succeed */
	if (ans.status == 409 && strstr(ans.body, "concurrent") == NULL)
		r->kind = OUT_DEAD;
	/* a daily or monthly quota: not before it resets */
	if (ans.status == 429 && strstr(ans.body, "quota") != NULL && r->retry_after_ms == 0)
		r->retry_after_ms = 3600 * 1000LL;
}

void
mail_deliver(struct delivery *d, const struct outbox_row *row, struct result *r)
{
	struct mail m;

	if (compose(d, row, &m, r) != 0)
		return;
	if (strcmp(d->cfg.email_provider, "smtp") == 0)
		send_smtp(d, &m, r);
	else if (strcmp(d->cfg.email_provider, "resend") == 0)
		send_resend(d, row, &m, r);
	else
		(void)spool_write(d, "mail", arena_printf(&d->a, "%lld.eml", row->id), m.eml,
		    m.eml_len, r);
}
