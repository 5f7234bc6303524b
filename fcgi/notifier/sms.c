/* SMS: templates/sms/<template>.<lang> rendered over the row's payload (a notification
 * without an SMS template of its own is its title and message), then:
 *   file  <spool_dir>/sms/<id>.txt: "To: <phone>", a blank line, the text
 *   http  a generic gateway: POST sms_url with sms_content_type, the body rendered from
 *         the Mustache template sms_body over {to, text, id, idempotencyKey} and the
 *         same values encoded for a form (to_url, text_url) and for JSON (to_json,
 *         text_json: quoted strings); basic auth from sms_user and sms_password, and
 *         sms_auth_header sent as it is. 2xx is sent; 408, 429 and 5xx are retried;
 *         any other answer is final. */
#include <stdio.h>
#include <string.h>

#include "core/http.h"
#include "core/log.h"
#include "delivery.h"

static char *
sms_text(struct delivery *d, const struct outbox_row *row, json_object *payload,
    struct result *r)
{
	char *name = arena_printf(&d->a, "sms/%s.%s", row->template_name, lang_code(row->lang));
	json_object *t, *m;
	char *text;

	if ((text = render(d, name, payload, strcmp(row->template_name, "notification") == 0,
	    r)) != NULL || r->kind != OUT_SENT)
		return text;
	t = json_object_object_get(payload, "title");
	m = json_object_object_get(payload, "message");
	return arena_printf(&d->a, "%s%s%s", t ? json_object_get_string(t) : "",
	    t && m ? ": " : "", m ? json_object_get_string(m) : "");
}

/* trailing line ends off: an SMS template file ends with one */
static char *
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static char *
url_encoded(struct delivery *d, const char *s)
{
	char *e = curl_easy_escape(d->curl, s, 0), *out;

	out = arena_strdup(&d->a, e != NULL ? e : "");
	curl_free(e);
	return out;
}

static void
send_http(struct delivery *d, const struct outbox_row *row, const char *text,
    struct result *r)
{
	json_object *v = json_owned(&d->a, json_object_new_object());
	struct mustache_template *t;
	struct mustache_error err;
	struct http_answer ans;
	const char *headers[4];
	char *key = arena_printf(&d->a, "outbox-%lld", row->id), *body;
	size_t len, h = 0;

	json_object_object_add(v, "to", json_object_new_string(row->recipient));
	json_object_object_add(v, "text", json_object_new_string(text));
	json_object_object_add(v, "id", json_object_new_int64(row->id));
	json_object_object_add(v, "idempotencyKey", json_object_new_string(key));
	json_object_object_add(v, "to_url", json_object_new_string(url_encoded(d, row->recipient)));
	json_object_object_add(v, "text_url", json_object_new_string(url_encoded(d, text)));
	json_object_object_add(v, "to_json", json_object_new_string(json_object_to_json_string_ext(
	    json_object_object_get(v, "to"), JSON_C_TO_STRING_NOSLASHESCAPE)));
	json_object_object_add(v, "text_json", json_object_new_string(
	    json_object_to_json_string_ext(json_object_object_get(v, "text"),
	    JSON_C_TO_STRING_NOSLASHESCAPE)));
	if ((t = mustache_compile("sms_body", d->cfg.sms_body, strlen(d->cfg.sms_body), &err))
	    == NULL) {
		result_set(r, OUT_DEAD, "sms_body:%d:%d: %s", err.line, err.column, err.message);
		return;
	}
	body = mustache_render(&d->a, t, v, NULL, NULL, &len, &err);
	mustache_free(t);
	if (body == NULL) {
		result_set(r, OUT_DEAD, "sms_body: %s", err.message);
		return;
	}
	headers[h++] = arena_printf(&d->a, "Content-Type: %s", d->cfg.sms_content_type);
	headers[h++] = arena_printf(&d->a, "Idempotency-Key: %s", key);
	if (d->cfg.sms_auth_header[0] != '\0')
		headers[h++] = d->cfg.sms_auth_header;
	headers[h] = NULL;
	if (http_request(d, "POST", d->cfg.sms_url, headers, body, len,
	    d->cfg.sms_user[0] != '\0' ? arena_printf(&d->a, "%s:%s", d->cfg.sms_user,
	    d->cfg.sms_password) : NULL, &ans, r) != 0)
		return;
	if (ans.status < 200 || ans.status >= 300)
		http_outcome(&ans, "sms gateway", r);
}

void
sms_deliver(struct delivery *d, const struct outbox_row *row, struct result *r)
{
	json_object *payload = payload_of(d, row->payload);
	char *text;

	if (strpbrk(row->recipient, "\r\n") != NULL || row->recipient[0] == '\0') {
		result_set(r, OUT_DEAD, "not a phone number");
		return;
	}
	if ((text = sms_text(d, row, payload, r)) == NULL)
		return;
	text = trim(text);
	if (strcmp(d->cfg.sms_provider, "http") == 0)
		send_http(d, row, text, r);
	else {
		char *file = arena_printf(&d->a, "To: %s\nIdempotency-Key: outbox-%lld\n\n%s\n",
		    row->recipient, row->id, text);

		(void)spool_write(d, "sms", arena_printf(&d->a, "%lld.txt", row->id), file,
		    strlen(file), r);
	}
}
