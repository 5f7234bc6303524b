/* What the transports share: outcomes, the spool files of the `file` transports, one
 * HTTP request on the delivery thread's curl handle, rendering. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/http.h"
#include "core/log.h"
#include "delivery.h"

void
result_set(struct result *r, enum outcome k, const char *fmt, ...)
{
	va_list ap;

	r->kind = k;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
}

static int
mkdir_p(const char *dir)
{
	char tmp[4096], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -1;
	for (p = tmp + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

int
spool_write(struct delivery *d, const char *kind, const char *name, const char *data,
    size_t len, struct result *r)
{
	char *dir = arena_printf(&d->a, "%s/%s", d->cfg.spool_dir, kind);
	char *path = arena_printf(&d->a, "%s/%s", dir, name);
	char *tmp = arena_printf(&d->a, "%s/.%s.tmp", dir, name);
	size_t off = 0;
	ssize_t w;
	int fd;

	if (mkdir_p(dir) != 0 || (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) < 0) {
		result_set(r, OUT_RETRY, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, data + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			result_set(r, OUT_RETRY, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		result_set(r, OUT_RETRY, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct body_buf {
	struct delivery *d;
	char            *p;
	size_t           len, cap;
};

#define ANSWER_MAX (1u << 20)

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct body_buf *b = userdata;
	size_t n = size * nmemb;
	char *p;

	if (b->len + n > ANSWER_MAX)
		return 0;
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		p = arena_alloc(&b->d->a, b->cap);
		if (b->len > 0)
			memcpy(p, b->p, b->len);
		b->p = p;
	}
	memcpy(b->p + b->len, ptr, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

int
transfer_progress(void *p, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	return delivery_stopping() ? 1 : 0;
}

int
http_request(struct delivery *d, const char *method, const char *url,
    const char *const *headers, const char *body, size_t body_len, const char *userpwd,
    struct http_answer *ans, struct result *r)
{
	struct body_buf b = { d, NULL, 0, 0 };
	struct curl_slist *h = NULL, *t;
	CURL *c = d->curl;
	CURLcode cc;
	curl_off_t ra = 0;
	size_t i;

	memset(ans, 0, sizeof(*ans));
	curl_easy_reset(c);
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((t = curl_slist_append(h, headers[i])) == NULL) {
			curl_slist_free_all(h);
			result_set(r, OUT_RETRY, "out of memory");
			return -1;
		}
		h = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "warsha-notifier/" WARSHA_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)d->cfg.outbox_timeout_seconds);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, transfer_progress);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	if (userpwd != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, userpwd);
	}
	cc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (cc != CURLE_OK) {
		if (cc == CURLE_ABORTED_BY_CALLBACK)
			result_set(r, OUT_RELEASE, "stopping");
		else
			result_set(r, OUT_RETRY, "%s: %s", url, curl_easy_strerror(cc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ans->status);
	if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		ans->retry_after_s = (long)ra;
	ans->body = b.p != NULL ? b.p : arena_strdup(&d->a, "");
	return 0;
}

void
http_outcome(const struct http_answer *ans, const char *what, struct result *r)
{
	long s = ans->status;
	char clean[200];

	log_clean(clean, sizeof(clean), ans->body != NULL ? ans->body : "");
	if (s == 408 || s == 409 || s == 425 || s == 429 || s >= 500) {
		result_set(r, OUT_RETRY, "%s: HTTP %ld %s", what, s, clean);
		r->retry_after_ms = ans->retry_after_s > 0 ? ans->retry_after_s * 1000LL : 0;
	} else {
		result_set(r, OUT_DEAD, "%s: HTTP %ld %s", what, s, clean);
	}
}

json_object *
payload_of(struct delivery *d, const char *text)
{
	json_object *o = text != NULL ? json_tokener_parse(text) : NULL;

	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	if (o == NULL)
		o = json_object_new_object();
	return json_owned(&d->a, o);
}

char *
render(struct delivery *d, const char *name, json_object *data, int optional,
    struct result *r)
{
	struct mustache_error err;
	char *out;

	if (mustache_set_get(d->templates, name) == NULL) {
		if (!optional)
			result_set(r, OUT_DEAD, "no template %s", name);
		return NULL;
	}
	if ((out = mustache_set_render(&d->a, d->templates, name, data, NULL, &err)) == NULL)
		result_set(r, OUT_DEAD, "%s:%d:%d: %s", err.name, err.line, err.column,
		    err.message);
	return out;
}
