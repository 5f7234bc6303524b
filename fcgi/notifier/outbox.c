/* The delivery thread (delivery.h): claims due outbox rows in short transactions, delivers
 * them outside any transaction, records each outcome (docs/notifications.md,
 * "Delivery").
 *
 * A claim: BEGIN; SELECT ... FOR UPDATE SKIP LOCKED (up to outbox_batch rows); for each,
 * status 'sending', locked_by = this thread's owner name, lease_until = now + lease,
 * attempts + 1; COMMIT. Several notifiers never take the same row. A notifier that dies
 * holding rows leaves them 'sending' until the lease runs out; next_attempt_at is the
 * end of the lease, so they are due again and another claim takes them (each delivery
 * is at least once; the idempotency key and Message-ID are the row's id, so providers
 * and mail readers can tell a repeat).
 *
 * The outcomes of a batch are written in one transaction after it, or earlier when half
 * the lease has gone, so no row is still being delivered when its lease runs out. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "core/crypto.h"
#include "core/log.h"
#include "delivery.h"
#include "domain/notify_rules.h"
#include "domain/outbox_rules.h"

static struct delivery *running;
static pthread_t thread;
static pthread_mutex_t wake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cv;
static atomic_int stopping;

int
delivery_stopping(void)
{
	return atomic_load(&stopping);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleeps ms unless the notifier stops first. */
static void
nap(int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_mu);
	while (!delivery_stopping())
		if (pthread_cond_timedwait(&wake_cv, &wake_mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&wake_mu);
}

static double
random_unit(void)
{
	unsigned int v;

	if (random_bytes(&v, sizeof(v)) != 0)
		return 0.5;
	return (double)v / 4294967296.0;
}

/* Claims up to outbox_batch rows; -1 when the database failed (logged). */
static int
claim(struct delivery *d, struct outbox_row **rows, size_t *n)
{
	enum db_rc rc;
	size_t i;

	*n = 0;
	if ((rc = db_outbox_session(d->db, &d->a)) != DB_OK || (rc = db_begin(d->db)) != DB_OK)
		return -1;
	if ((rc = db_outbox_lock_due(d->db, &d->a, d->cfg.outbox_batch, rows, n)) != DB_OK)
		goto fail;
	for (i = 0; i < *n; i++)
		if ((rc = db_outbox_lease(d->db, &d->a, (*rows)[i].id, d->owner,
		    d->cfg.outbox_lease_seconds)) != DB_OK)
			goto fail;
	if ((rc = db_commit(d->db)) != DB_OK)
		goto fail;
	return 0;
fail:
	db_rollback(d->db);
	*n = 0;
	if (rc != DB_DOWN && rc != DB_RETRY)
		log_warn("msg=outbox_claim_failed error=\"%s\"", db_last_error(d->db));
	return -1;
}

static const char *
channel_name(enum outbox_channel c)
{
	return c == OUTBOX_SMS ? "sms" : c == OUTBOX_PUSH ? "push" : "email";
}

/* The recipient's preferences now: a non-transactional message whose channel they have
 * since turned off is not sent. 1: send. */
static int
still_wanted(struct delivery *d, const struct outbox_row *row, struct result *r)
{
	static const unsigned bits[] = { NOTIFY_EMAIL, NOTIFY_SMS, NOTIFY_PUSH };
	struct notify_prefs p;
	json_object *payload, *type;
	enum db_rc rc;

	if (row->user_id <= 0 || outbox_transactional(row->template_name))
		return 1;
	if ((rc = db_outbox_prefs(d->db, &d->a, row->user_id, &p)) == DB_NOTFOUND) {
		result_set(r, OUT_SKIPPED, "the user is gone");
		return 0;
	}
	if (rc != DB_OK) {
		result_set(r, OUT_RETRY, "reading the user's preferences: %s", db_last_error(d->db));
		return 0;
	}
	payload = payload_of(d, row->payload);
	type = json_object_object_get(payload, "type");
	if (notify_channels(bits[row->channel], type != NULL ? json_object_get_string(type) :
	    "system", &p) == 0) {
		result_set(r, OUT_SKIPPED, "the user's preferences no longer allow %s",
		    channel_name(row->channel));
		return 0;
	}
	return 1;
}

static void
deliver(struct delivery *d, const struct outbox_row *row, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = OUT_SENT;
	if (!still_wanted(d, row, r))
		return;
	switch (row->channel) {
	case OUTBOX_EMAIL: mail_deliver(d, row, r); break;
	case OUTBOX_SMS: sms_deliver(d, row, r); break;
	case OUTBOX_PUSH: push_deliver(d, row, r); break;
	}
}

static enum db_rc
record_one(struct delivery *d, const struct outbox_row *row, const struct result *r)
{
	long long delay;
	int changed = 1;
	enum db_rc rc = DB_OK;
	char clean[300];

	log_clean(clean, sizeof(clean), r->error);
	switch (r->kind) {
	case OUT_SENT:
		rc = db_outbox_sent(d->db, &d->a, row->id, d->owner, &changed);
		if (rc == DB_OK && changed)
			d->delivered++;
		log_debug("msg=outbox_sent id=%lld channel=%s template=%s attempt=%d", row->id,
		    channel_name(row->channel), row->template_name, row->attempts);
		break;
	case OUT_SKIPPED:
		rc = db_outbox_close(d->db, &d->a, row->id, d->owner, "skipped", r->error,
		    &changed);
		log_info("msg=outbox_skipped id=%lld channel=%s reason=\"%s\"", row->id,
		    channel_name(row->channel), clean);
		break;
	case OUT_RETRY:
		if (row->attempts < d->cfg.outbox_max_attempts) {
			delay = outbox_backoff_ms(row->attempts, d->cfg.outbox_backoff_ms,
			    d->cfg.outbox_backoff_max_ms, random_unit());
			if (r->retry_after_ms > delay)
				delay = r->retry_after_ms;
			rc = db_outbox_retry(d->db, &d->a, row->id, d->owner, delay, r->error,
			    &changed);
			log_warn("msg=outbox_retry id=%lld channel=%s attempt=%d delay_ms=%lld "
			    "error=\"%s\"", row->id, channel_name(row->channel), row->attempts, delay,
			    clean);
			break;
		}
		/* the last attempt failed */
		__attribute__((fallthrough));
	case OUT_DEAD:
		rc = db_outbox_close(d->db, &d->a, row->id, d->owner, "dead", r->error, &changed);
		log_warn("msg=outbox_dead id=%lld channel=%s template=%s attempts=%d error=\"%s\"",
		    row->id, channel_name(row->channel), row->template_name, row->attempts, clean);
		break;
	case OUT_RELEASE:
		rc = db_outbox_release(d->db, &d->a, row->id, d->owner);
		break;
	}
	if (rc == DB_OK && !changed)
		log_warn("msg=outbox_lease_lost id=%lld note=\"the lease ran out before the "
		    "outcome was written; another claim has the row\"", row->id);
	return rc;
}

/* The outcomes of rows[from, to) in one transaction; a failure is tried row by row
 * (autocommit), and a row whose outcome cannot be written stays 'sending' until its
 * lease runs out: delivered again, never lost. */
static void
record(struct delivery *d, const struct outbox_row *rows, const struct result *res,
    size_t from, size_t to)
{
	size_t i;

	if (from >= to)
		return;
	if (db_begin(d->db) == DB_OK) {
		for (i = from; i < to; i++)
			if (record_one(d, &rows[i], &res[i]) != DB_OK)
				break;
		if (i == to && db_commit(d->db) == DB_OK)
			return;
		db_rollback(d->db);
	}
	for (i = from; i < to; i++)
		if (record_one(d, &rows[i], &res[i]) != DB_OK)
			log_warn("msg=outbox_record_failed id=%lld error=\"%s\"", rows[i].id,
			    db_last_error(d->db));
}

static void
run_batch(struct delivery *d, struct outbox_row *rows, size_t n)
{
	struct result *res = arena_alloc(&d->a, n * sizeof(*res));
	double start = now_s(), half = d->cfg.outbox_lease_seconds / 2.0;
	size_t i, done = 0;

	for (i = 0; i < n; i++) {
		if (delivery_stopping() || now_s() - start > half) {
			result_set(&res[i], OUT_RELEASE, "not tried");
			continue;
		}
		deliver(d, &rows[i], &res[i]);
		/* half the lease gone: what is done is written now */
		if (now_s() - start > half / 2 && i + 1 < n && done <= i) {
			record(d, rows, res, done, i + 1);
			done = i + 1;
		}
	}
	record(d, rows, res, done, n);
}

static void *
thread_main(void *arg)
{
	struct delivery *d = arg;
	struct outbox_row *rows;
	size_t n;

	mysql_thread_init();
	log_info("msg=delivery_started owner=%s email=%s sms=%s push=%s batch=%d",
	    d->owner, d->cfg.email_provider, d->cfg.sms_provider, d->fcm_on ? "fcm" : "file",
	    d->cfg.outbox_batch);
	while (!delivery_stopping()) {
		arena_reset(&d->a);
		if (claim(d, &rows, &n) != 0) {
			nap(d->cfg.outbox_poll_ms > 1000 ? d->cfg.outbox_poll_ms : 1000);
			continue;
		}
		if (n == 0) {
			nap(d->cfg.outbox_poll_ms);
			continue;
		}
		run_batch(d, rows, n);
	}
	arena_reset(&d->a);
	log_info("msg=delivery_stopped delivered=%lu", d->delivered);
	db_close(d->db);
	d->db = NULL;
	mysql_thread_end();
	return NULL;
}

static void
free_delivery(struct delivery *d)
{
	if (d == NULL)
		return;
	push_cleanup(d);
	if (d->curl != NULL)
		curl_easy_cleanup(d->curl);
	if (d->templates != NULL)
		mustache_set_free(d->templates);
	db_close(d->db);
	arena_free(&d->a);
	config_free(&d->cfg);
	free(d);
}

int
delivery_start(const struct config *cfg)
{
	struct mustache_error merr;
	pthread_condattr_t ca;
	struct delivery *d;
	char err[512], host[64], rnd[9];
	unsigned int r = 0;

	if (running != NULL)
		return 0;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -1;
	/* the thread's own copy: nothing it reads changes under it */
	if (config_load(&d->cfg, cfg->path, err, sizeof(err)) != 0) {
		log_error("msg=delivery_config error=\"%s\"", err);
		free(d);
		return -1;
	}
	arena_init(&d->a, 64 * 1024);
	if ((d->templates = mustache_set_load(d->cfg.templates_dir, &merr)) == NULL) {
		log_error("msg=templates_failed dir=%s error=\"%s:%d:%d: %s\"", d->cfg.templates_dir,
		    merr.name, merr.line, merr.column, merr.message);
		goto fail;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (d->curl = curl_easy_init()) == NULL) {
		log_error("msg=curl_init_failed");
		goto fail;
	}
	if (strcmp(d->cfg.sms_provider, "http") == 0) {
		/* the gateway's body template: a mistake stops the start, not each message */
		struct mustache_template *t = mustache_compile("sms_body", d->cfg.sms_body,
		    strlen(d->cfg.sms_body), &merr);

		if (t == NULL) {
			log_error("msg=bad_config key=sms_body error=\"%d:%d: %s\"", merr.line,
			    merr.column, merr.message);
			goto fail;
		}
		mustache_free(t);
	}
	if (push_setup(d) != 0)
		goto fail;
	if ((d->db = db_open(&d->cfg)) == NULL)
		goto fail;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	(void)random_bytes(&r, sizeof(r));
	snprintf(rnd, sizeof(rnd), "%08x", r);
	snprintf(d->owner, sizeof(d->owner), "%.40s:%ld:%s", host, (long)getpid(), rnd);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_store(&stopping, 0);
	if (pthread_create(&thread, NULL, thread_main, d) != 0) {
		log_error("msg=delivery_thread_failed");
		goto fail;
	}
	running = d;
	return 0;
fail:
	free_delivery(d);
	return -1;
}

void
delivery_stop(void)
{
	if (running == NULL)
		return;
	pthread_mutex_lock(&wake_mu);
	atomic_store(&stopping, 1);
	pthread_cond_broadcast(&wake_cv);
	pthread_mutex_unlock(&wake_mu);
	pthread_join(thread, NULL);
	free_delivery(running);
	running = NULL;
	curl_global_cleanup();
}
