/* Rooms: a name ("user:12", "admins", "booking:7") and the sockets in it, in a hash
 * table owned by the service thread. A socket remembers its rooms and its place in
 * each (struct room_slot), so leaving is a swap with the room's last socket, and a room
 * that empties is freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "notifier.h"

#define NBUCKETS 4096

struct room {
	struct room *next;         /* in its bucket */
	struct ws  **socks;
	size_t       n, cap;
	char         name[];
};

static size_t
hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

int
rooms_init(struct notifier *n)
{
	n->nbuckets = NBUCKETS;
	n->rooms = calloc(n->nbuckets, sizeof(*n->rooms));
	return n->rooms != NULL ? 0 : -1;
}

void
rooms_free(struct notifier *n)
{
	size_t i;

	for (i = 0; n->rooms != NULL && i < n->nbuckets; i++) {
		struct room *r = n->rooms[i], *next;

		for (; r != NULL; r = next) {
			next = r->next;
			free(r->socks);
			free(r);
		}
	}
	free(n->rooms);
	n->rooms = NULL;
}

struct room *
room_find(struct notifier *n, const char *name)
{
	struct room *r;

	for (r = n->rooms[hash(name) % n->nbuckets]; r != NULL; r = r->next)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

size_t
room_size(const struct room *r)
{
	return r != NULL ? r->n : 0;
}

struct ws *
room_member(const struct room *r, size_t i)
{
	return r->socks[i];
}

int
room_join(struct ws *w, const char *name)
{
	struct notifier *n = w->n;
	struct room *r;
	unsigned i;

	for (i = 0; i < w->nrooms; i++)
		if (strcmp(w->rooms[i].room->name, name) == 0)
			return 0;
	if (w->nrooms >= WS_ROOMS_MAX)
		return -1;
	if ((r = room_find(n, name)) == NULL) {
		size_t b = hash(name) % n->nbuckets, len = strlen(name);

		if ((r = calloc(1, sizeof(*r) + len + 1)) == NULL)
			return -1;
		memcpy(r->name, name, len + 1);
		r->next = n->rooms[b];
		n->rooms[b] = r;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		struct ws **s = realloc(r->socks, cap * sizeof(*s));

		if (s == NULL)
			return -1;
		r->socks = s;
		r->cap = cap;
	}
	r->socks[r->n] = w;
	w->rooms[w->nrooms].room = r;
	w->rooms[w->nrooms].idx = r->n;
	w->nrooms++;
	r->n++;
	return 0;
}

static void
room_free_if_empty(struct notifier *n, struct room *r)
{
	struct room **p;

	if (r->n > 0)
		return;
	for (p = &n->rooms[hash(r->name) % n->nbuckets]; *p != NULL; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	free(r->socks);
	free(r);
}

/* Takes the socket's slot k out of its room and its own list. */
static void
leave_slot(struct ws *w, unsigned k)
{
	struct room *r = w->rooms[k].room;
	size_t idx = w->rooms[k].idx;
	struct ws *moved;
	unsigned j;

	r->n--;
	if (idx != r->n) {
		moved = r->socks[r->n];
		r->socks[idx] = moved;
		for (j = 0; j < moved->nrooms; j++)
			if (moved->rooms[j].room == r) {
				moved->rooms[j].idx = idx;
				break;
			}
	}
	w->rooms[k] = w->rooms[--w->nrooms];
	room_free_if_empty(w->n, r);
}

void
room_leave(struct ws *w, const char *name)
{
	unsigned k;

	for (k = 0; k < w->nrooms; k++)
		if (strcmp(w->rooms[k].room->name, name) == 0) {
			leave_slot(w, k);
			return;
		}
}

void
room_leave_all(struct ws *w)
{
	while (w->nrooms > 0)
		leave_slot(w, w->nrooms - 1);
}

size_t
room_user_count(struct notifier *n, long long user_id)
{
	char name[32];

	snprintf(name, sizeof(name), "user:%lld", user_id);
	return room_size(room_find(n, name));
}
