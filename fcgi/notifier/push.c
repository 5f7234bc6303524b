/* Push: a row's recipient is "user:<id>" (every device the user registered, newest
 * DEVICES_PER_USER) or one registration token. The message is the row's title (subject)
 * and message, with the payload's notificationId, type and data as FCM data (strings).
 *   file  (no fcm_credentials) <spool_dir>/push/<id>.json: the tokens and the message
 *   fcm   FCM HTTP v1: POST <fcm_url>/v1/projects/<project>/messages:send per device,
 *         with an OAuth2 access token got from an RS256 JWT signed with the
 *         service-account key (fcm_credentials) and kept until 5 minutes before it
 *         expires. UNREGISTERED, a token FCM calls invalid and another project's token
 *         are deleted from device_tokens; 429 and 5xx retry the row after Retry-After
 *         (at least the back-off); a 401 gets a new access token once.
 * A retried row goes to all its devices again; android collapse_key and apns-collapse-id
 * (outbox-<id>) let a device show a repeat once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>

#include "core/http.h"
#include "core/log.h"
#include "delivery.h"
#include "domain/outbox_rules.h"
#include "store/devices.h"

#define FCM_SCOPE "https://www.googleapis.com/auth/firebase.messaging"
#define DEFAULT_TOKEN_URI "https://oauth2.googleapis.com/token"
#define KEY_FILE_MAX (64 * 1024)

static char *
dup_field(json_object *o, const char *k)
{
	json_object *v = json_object_object_get(o, k);
	const char *s = v != NULL && json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;

	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

int
push_setup(struct delivery *d)
{
	const char *path = d->cfg.fcm_credentials;
	json_object *o;
	struct fcm_key *k = &d->fcm;

	if (path[0] == '\0')
		return 0;
	if ((o = json_object_from_file(path)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		log_error("msg=fcm_credentials_unreadable path=%s error=\"%s\"", path,
		    json_util_get_last_err() ? json_util_get_last_err() : "not a JSON object");
		json_object_put(o);
		return -1;
	}
	k->client_email = dup_field(o, "client_email");
	k->private_key = dup_field(o, "private_key");
	k->key_id = dup_field(o, "private_key_id");
	k->project_id = dup_field(o, "project_id");
	k->token_uri = dup_field(o, "token_uri");
	json_object_put(o);
	if (k->token_uri == NULL)
		k->token_uri = strdup(DEFAULT_TOKEN_URI);
	if (k->client_email == NULL || k->private_key == NULL || k->project_id == NULL ||
	    k->token_uri == NULL) {
		log_error("msg=fcm_credentials_incomplete path=%s need=\"client_email private_key "
		    "project_id\"", path);
		return -1;
	}
	d->fcm_on = 1;
	return 0;
}

void
push_cleanup(struct delivery *d)
{
	struct fcm_key *k = &d->fcm;

	free(k->client_email);
	free(k->private_key);
	free(k->key_id);
	free(k->project_id);
	free(k->token_uri);
	free(k->access_token);
	memset(k, 0, sizeof(*k));
}

/* The signed assertion (RFC 7523), malloc'd, or NULL. */
static char *
assertion(struct fcm_key *k, time_t now)
{
	jwt_t *j = NULL;
	char *out = NULL;

	if (jwt_new(&j) != 0)
		return NULL;
	if (jwt_add_grant(j, "iss", k->client_email) == 0 &&
	    jwt_add_grant(j, "scope", FCM_SCOPE) == 0 &&
	    jwt_add_grant(j, "aud", k->token_uri) == 0 &&
	    jwt_add_grant_int(j, "iat", (long)now) == 0 &&
	    jwt_add_grant_int(j, "exp", (long)now + 3600) == 0 &&
	    (k->key_id == NULL || jwt_add_header(j, "kid", k->key_id) == 0) &&
	    jwt_set_alg(j, JWT_ALG_RS256, (const unsigned char *)k->private_key,
	    (int)strlen(k->private_key)) == 0)
		out = jwt_encode_str(j);
	jwt_free(j);
	return out;
}

/* An access token, from the cache while it is good; NULL with r filled. */
static const char *
access_token(struct delivery *d, struct result *r)
{
	struct fcm_key *k = &d->fcm;
	time_t now = time(NULL);
	struct http_answer ans;
	const char *headers[] = { "Content-Type: application/x-www-form-urlencoded", NULL };
	json_object *o, *tok, *exp;
	char *jwt, *body, *esc;
	long long expires_in;

	if (k->access_token != NULL && now < k->expires)
		return k->access_token;
	if ((jwt = assertion(k, now)) == NULL) {
		result_set(r, OUT_RETRY, "fcm: the JWT cannot be signed (private_key)");
		return NULL;
	}
	esc = curl_easy_escape(d->curl, jwt, 0);
	free(jwt);
	body = arena_printf(&d->a, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type"
	    "%%3Ajwt-bearer&assertion=%s", esc != NULL ? esc : "");
	curl_free(esc);
	if (http_request(d, "POST", k->token_uri, headers, body, strlen(body), NULL, &ans, r) != 0)
		return NULL;
	if (ans.status != 200) {
		http_outcome(&ans, "oauth2 token", r);
		r->kind = OUT_RETRY;    /* credentials fixed or a clock set right: it goes */
		return NULL;
	}
	o = payload_of(d, ans.body);
	tok = json_object_object_get(o, "access_token");
	exp = json_object_object_get(o, "expires_in");
	if (tok == NULL || !json_object_is_type(tok, json_type_string)) {
		result_set(r, OUT_RETRY, "oauth2 token: no access_token in the answer");
		return NULL;
	}
	free(k->access_token);
	k->access_token = strdup(json_object_get_string(tok));
	expires_in = exp != NULL ? json_object_get_int64(exp) : 3600;
	/* renewed 5 minutes before it ends (at least a minute of use) */
	k->expires = now + (expires_in > 360 ? expires_in - 300 : 60);
	log_info("msg=fcm_access_token expires_in=%lld", expires_in);
	return k->access_token;
}

/* FCM data: string values only. */
static json_object *
data_of(json_object *payload)
{
	json_object *data = json_object_new_object(), *v, *inner;
	static const char *const keys[] = { "notificationId", "type", NULL };
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		if ((v = json_object_object_get(payload, keys[i])) != NULL)
			json_object_object_add(data, keys[i],
			    json_object_new_string(json_object_get_string(v)));
	if ((inner = json_object_object_get(payload, "data")) != NULL &&
	    json_object_is_type(inner, json_type_object)) {
		json_object_object_foreach(inner, key, val) {
			if (strcmp(key, "from") == 0 || strcmp(key, "message_type") == 0 ||
			    strncmp(key, "google", 6) == 0 || strncmp(key, "gcm", 3) == 0)
				continue;
			json_object_object_add(data, key, json_object_new_string(val == NULL ? "" :
			    json_object_is_type(val, json_type_string) ? json_object_get_string(val) :
			    json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN)));
		}
	}
	return data;
}

static json_object *
message_of(struct delivery *d, const struct outbox_row *row, json_object *payload,
    const char *token)
{
	json_object *msg = json_object_new_object(), *n = json_object_new_object(), *t, *m;
	json_object *android = json_object_new_object(), *apns = json_object_new_object(), *h;
	const char *collapse = arena_printf(&d->a, "outbox-%lld", row->id);

	t = json_object_object_get(payload, "title");
	m = json_object_object_get(payload, "message");
	json_object_object_add(n, "title", json_object_new_string(row->subject != NULL ?
	    row->subject : t != NULL ? json_object_get_string(t) : "Warsha"));
	json_object_object_add(n, "body", json_object_new_string(m != NULL ?
	    json_object_get_string(m) : ""));
	if (token != NULL)
		json_object_object_add(msg, "token", json_object_new_string(token));
	json_object_object_add(msg, "notification", n);
	json_object_object_add(msg, "data", data_of(payload));
	json_object_object_add(android, "collapse_key", json_object_new_string(collapse));
	json_object_object_add(android, "priority", json_object_new_string("HIGH"));
	json_object_object_add(msg, "android", android);
	h = json_object_new_object();
	json_object_object_add(h, "apns-collapse-id", json_object_new_string(collapse));
	json_object_object_add(apns, "headers", h);
	json_object_object_add(msg, "apns", apns);
	return msg;
}

/* error.details[] FcmError errorCode and error.message of an FCM answer */
static void
fcm_error(struct delivery *d, const char *body, const char **code, const char **message)
{
	json_object *o = payload_of(d, body), *e, *details, *x, *v;
	size_t i;

	*code = *message = NULL;
	if ((e = json_object_object_get(o, "error")) == NULL)
		return;
	if ((v = json_object_object_get(e, "message")) != NULL)
		*message = json_object_get_string(v);
	if ((details = json_object_object_get(e, "details")) == NULL ||
	    !json_object_is_type(details, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(details); i++) {
		x = json_object_array_get_idx(details, i);
		v = json_object_object_get(x, "@type");
		if (v != NULL && strstr(json_object_get_string(v), "FcmError") != NULL &&
		    (v = json_object_object_get(x, "errorCode")) != NULL)
			*code = json_object_get_string(v);
	}
}

enum sent_as { TOKEN_SENT, TOKEN_DROPPED, TOKEN_RETRY, TOKEN_FAILED };

static enum sent_as
send_one(struct delivery *d, const struct outbox_row *row, json_object *payload,
    const char *token, struct result *r)
{
	json_object *root = json_owned(&d->a, json_object_new_object());
	const char *bearer, *headers[3], *code, *message, *body;
	char *url = arena_printf(&d->a, "%s/v1/projects/%s/messages:send", d->cfg.fcm_url,
	    d->fcm.project_id), clean[200];
	struct http_answer ans;
	int refreshed = 0;
	size_t len;

	json_object_object_add(root, "message", message_of(d, row, payload, token));
	body = json_text(&d->a, root, &len);
again:
	if ((bearer = access_token(d, r)) == NULL)
		return TOKEN_RETRY;
	headers[0] = "Content-Type: application/json; charset=UTF-8";
	headers[1] = arena_printf(&d->a, "Authorization: Bearer %s", bearer);
	headers[2] = NULL;
	if (http_request(d, "POST", url, headers, body, len, NULL, &ans, r) != 0)
		return TOKEN_RETRY;
	if (ans.status == 200)
		return TOKEN_SENT;
	fcm_error(d, ans.body, &code, &message);
	log_clean(clean, sizeof(clean), message != NULL ? message : ans.body);
	switch (fcm_error_action(ans.status, code, message)) {
	case FCM_DROP_TOKEN:
		if (db_devices_forget(d->db, &d->a, token) != DB_OK)
			log_warn("msg=fcm_token_delete_failed error=\"%s\"", db_last_error(d->db));
		log_info("msg=fcm_token_deleted user=%lld status=%ld code=%s", row->user_id,
		    ans.status, code != NULL ? code : "-");
		return TOKEN_DROPPED;
	case FCM_REFRESH:
		free(d->fcm.access_token);
		d->fcm.access_token = NULL;
		if (!refreshed++)
			goto again;
		result_set(r, OUT_RETRY, "fcm: HTTP 401 with a new access token: %s", clean);
		return TOKEN_RETRY;
	case FCM_RETRY:
		result_set(r, OUT_RETRY, "fcm: HTTP %ld %s %s", ans.status, code ? code : "", clean);
		r->retry_after_ms = ans.retry_after_s > 0 ? ans.retry_after_s * 1000LL : 0;
		if (code != NULL && strcmp(code, "QUOTA_EXCEEDED") == 0 && r->retry_after_ms < 60000)
			r->retry_after_ms = 60000;
		return TOKEN_RETRY;
	case FCM_FAIL:
		break;
	}
	result_set(r, OUT_DEAD, "fcm: HTTP %ld %s %s", ans.status, code ? code : "", clean);
	return TOKEN_FAILED;
}

void
push_deliver(struct delivery *d, const struct outbox_row *row, struct result *r)
{
	json_object *payload = payload_of(d, row->payload);
	struct device_token one, *tokens = NULL;
	struct result tr;
	size_t n = 0, i, sent = 0, retry = 0, failed = 0;
	long long uid;
	char *end;
	enum db_rc rc;

	if (strncmp(row->recipient, "user:", 5) == 0) {
		uid = strtoll(row->recipient + 5, &end, 10);
		if (*end != '\0' || uid <= 0) {
			result_set(r, OUT_DEAD, "not a push recipient");
			return;
		}
		if ((rc = db_devices_of_user(d->db, &d->a, uid, &tokens, &n)) != DB_OK) {
			result_set(r, OUT_RETRY, "reading the devices: %s", db_last_error(d->db));
			return;
		}
	} else {
		one.token = row->recipient;
		one.platform = NULL;
		tokens = &one;
		n = 1;
	}
	if (n == 0) {
		result_set(r, OUT_SKIPPED, "no device");
		return;
	}
	if (!d->fcm_on) {
		json_object *o = json_owned(&d->a, json_object_new_object()), *a;
		const char *text;
		size_t len;

		a = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_string(tokens[i].token));
		json_object_object_add(o, "tokens", a);
		json_object_object_add(o, "message", message_of(d, row, payload, NULL));
		text = json_text(&d->a, o, &len);
		(void)spool_write(d, "push", arena_printf(&d->a, "%lld.json", row->id), text, len, r);
		return;
	}
	for (i = 0; i < n && !delivery_stopping(); i++) {
		memset(&tr, 0, sizeof(tr));
		switch (send_one(d, row, payload, tokens[i].token, &tr)) {
		case TOKEN_SENT: sent++; break;
		case TOKEN_DROPPED: break;
		case TOKEN_RETRY: retry++; *r = tr; break;
		case TOKEN_FAILED: failed++; if (!retry) *r = tr; break;
		}
		if (tr.kind == OUT_RELEASE) {
			*r = tr;
			return;
		}
	}
	if (retry > 0 || (i < n && sent == 0))
		r->kind = OUT_RETRY;
	else if (sent > 0)
		r->kind = OUT_SENT;
	else if (failed == 0)
		result_set(r, OUT_SKIPPED, "no live device");
}
