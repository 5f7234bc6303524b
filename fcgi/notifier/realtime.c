/* The realtime_events tail and its fan-out (docs/realtime.md).
 *
 * Workers write a realtime_events row (room, event, payload) in the transaction of the
 * change it tells of. Every notifier reads the rows after the last id it has seen, by
 * primary key, every TAIL_MS (sooner while a backlog lasts), and pushes each to its own
 * sockets in the row's room: so several notifiers side by side each deliver to the
 * sockets they hold, and a room nobody here is in costs one hash lookup.
 *
 * The tail starts at the newest id when the notifier starts (a client that connects
 * later missed nothing it could have heard). A database that is down is retried on
 * the next pass, from the same id.
 *
 * A row's frame is built once per kind of socket and queued by reference to each of
 * the room's sockets. seed 002's clients listen for "newNotification" where seed
 * 000's listen for "notification:new": that row is sent under both names.
 *
 * A backlog (a full batch) is read on at once, as long as no socket here is more than
 * half a send queue behind; otherwise at the usual pace, so that a burst does not
 * drop a client that reads, and one that does not read fills its queue and is dropped
 * (ws.c).
 *
 * Ids are handed out at insert and become visible at commit, so a row can appear
 * behind one already delivered (a longer transaction, or several inserts at once).
 * The gaps of each batch are remembered for GAP_MS and looked at again; a gap still
 * empty then was a rolled-back insert or an id the server reserved and did not use.
 * Old rows are purged by the maintenance task "cleanup" (fcgi/api/maintenance.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "notifier.h"
#include "store/events.h"

#define TAIL_MS     250
#define TAIL_BATCH  1000
#define GAP_MAX     512        /* ids waited for at most; beyond, the oldest give up */
#define GAP_MS      3000

struct gap {
	long long id;
	long long seen_ms;
};

static struct gap gaps[GAP_MAX];
static size_t     ngaps;

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* {"<event>" as a JSON string} into out; the names are short words */
static size_t
json_name(const char *s, char *out, size_t n)
{
	json_object *o = json_object_new_string(s);
	size_t len = 0;
	const char *t = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);

	if (t == NULL || len >= n)
		len = 0;
	else
		memcpy(out, t, len);
	out[len] = '\0';
	json_object_put(o);
	return len;
}

static struct ws_msg *
frame(const char *head, const char *name, const char *mid, const char *payload,
    const char *tail)
{
	size_t hl = strlen(head), nl = strlen(name), ml = strlen(mid), pl = strlen(payload),
	    tl = strlen(tail);
	struct ws_msg *m = malloc(sizeof(*m) + LWS_PRE + hl + nl + ml + pl + tl);
	unsigned char *p;

	if (m == NULL)
		return NULL;
	m->refs = 1;
	m->len = hl + nl + ml + pl + tl;
	p = m->buf + LWS_PRE;
	memcpy(p, head, hl);
	memcpy(p += hl, name, nl);
	memcpy(p += nl, mid, ml);
	memcpy(p += ml, payload, pl);
	memcpy(p + pl, tail, tl);
	return m;
}

/* One event to the room's sockets here, under one name. */
static void
fan_out(struct room *r, const char *event, const char *payload)
{
	struct ws_msg *sio = NULL, *plain = NULL;
	char name[160];
	size_t i;

	if (json_name(event, name, sizeof(name)) == 0)
		return;
	/* backwards: a socket dropped meanwhile stays in the room until lws closes it */
	for (i = room_size(r); i-- > 0;) {
		struct ws *w = room_member(r, i);
		struct ws_msg **m = w->kind == CONN_SIO ? &sio : &plain;

		if (w->kind == CONN_SIO && !w->sio_connected)
			continue;
		if (*m == NULL) {
			*m = w->kind == CONN_SIO ? frame("42[", name, ",", payload, "]") :
			    frame("{\"event\":", name, ",\"data\":", payload, "}");
			if (*m == NULL) {
				log_error("msg=out_of_memory");
				break;
			}
		}
		if (ws_send_msg(w, *m) == 0 && w->qlen > w->n->queue_peak)
			w->n->queue_peak = w->qlen;
	}
	ws_msg_unref(sio);
	ws_msg_unref(plain);
}

/* auth:check (written by the workers when a user's tokens may have ended: a ban, a
 * deletion, a new role, a password change, a sign-out, a session ended): the room's
 * sockets are checked again and those whose token no longer holds are closed (1008).
 * The event itself is never sent to clients. */
static void
recheck(struct room *r)
{
	size_t i;

	for (i = room_size(r); i-- > 0;) {
		struct ws *w = room_member(r, i);

		if (ws_still_valid(w) == 0) {
			log_info("msg=ws_closed reason=token_revoked user=%lld", w->user_id);
			ws_close(w, LWS_CLOSE_STATUS_POLICY_VIOLATION, 1);
		}
	}
}

static void
deliver(struct notifier *n, const char *room, const char *event, const char *payload)
{
	struct room *r = room_find(n, room);

	if (r == NULL || payload == NULL || event == NULL)
		return;
	if (strcmp(event, "auth:check") == 0) {
		recheck(r);
		return;
	}
	fan_out(r, event, payload);
	if (strcmp(event, "notification:new") == 0 && (r = room_find(n, room)) != NULL)
		fan_out(r, "newNotification", payload);
	n->delivered++;
}

static void
gap_add(long long id, long long t)
{
	if (ngaps == GAP_MAX) {
		/* the oldest is given up: ids a bulk insert reserved come by the hundred */
		memmove(gaps, gaps + 1, (GAP_MAX - 1) * sizeof(gaps[0]));
		ngaps--;
	}
	gaps[ngaps].id = id;
	gaps[ngaps].seen_ms = t;
	ngaps++;
}

/* Rows that filled a gap since: delivered now, late. Expired gaps are forgotten. */
static void
gaps_recheck(struct notifier *n, long long t)
{
	struct db_result res;
	size_t i, j, r;

	while (ngaps > 0 && t - gaps[0].seen_ms > GAP_MS) {
		memmove(gaps, gaps + 1, (ngaps - 1) * sizeof(gaps[0]));
		ngaps--;
	}
	if (ngaps == 0)
		return;
	if (db_events_tail(n->db, &n->arena, gaps[0].id - 1, TAIL_BATCH, &res) != DB_OK)
		return;
	for (r = 0; r < res.nrows; r++) {
		long long id = db_get_ll(&res, r, 0, 0);

		if (id > gaps[ngaps - 1].id)
			break;
		for (i = 0; i < ngaps; i++)
			if (gaps[i].id == id)
				break;
		if (i == ngaps)
			continue;
		log_info("msg=realtime_late id=%lld", id);
		deliver(n, db_get(&res, r, 1), db_get(&res, r, 2), db_get(&res, r, 3));
		for (j = i; j + 1 < ngaps; j++)
			gaps[j] = gaps[j + 1];
		ngaps--;
	}
}

static void
tail_run(lws_sorted_usec_list_t *sul)
{
	struct notifier *n = lws_container_of(sul, struct notifier, tail);
	lws_usec_t next = (lws_usec_t)TAIL_MS * 1000;
	struct db_result res;
	long long t = now_ms();
	size_t r;

	if (n->last_event < 0) {
		long long id;

		if (db_events_last_id(n->db, &n->arena, &id) == DB_OK) {
			n->last_event = id;
			log_info("msg=realtime_tail_started after=%lld", id);
		}
	} else {
		if (ngaps > 0)
			gaps_recheck(n, t);
		n->queue_peak = 0;
		if (db_events_tail(n->db, &n->arena, n->last_event, TAIL_BATCH, &res) == DB_OK) {
			for (r = 0; r < res.nrows; r++) {
				long long id = db_get_ll(&res, r, 0, 0), g;

				for (g = n->last_event + 1; g < id && g < n->last_event + 1 + GAP_MAX; g++)
					gap_add(g, t);
				deliver(n, db_get(&res, r, 1), db_get(&res, r, 2), db_get(&res, r, 3));
				n->last_event = id;
			}
			/* a backlog: the next batch at once, unless a socket is still half a
			 * queue behind; then at the usual pace, so that a client that reads
			 * keeps up and only one that does not fills its queue */
			if (res.nrows == TAIL_BATCH && n->queue_peak < WS_QUEUE_MAX / 2)
				next = 1000;
		}
	}
	arena_reset(&n->arena);
	lws_sul_schedule(n->ctx, 0, &n->tail, tail_run, next);
}

void
realtime_start(struct notifier *n)
{
	n->last_event = -1;
	lws_sul_schedule(n->ctx, 0, &n->tail, tail_run, 1);
}

void
realtime_stop(struct notifier *n)
{
	lws_sul_cancel(&n->tail);
}
