#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next;
	size_t              size;
	size_t              used;
	max_align_t         data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void                (*fn)(void *);
	void                 *arg;
};

static struct arena_block *
block_new(size_t size)
{
	struct arena_block *b = malloc(sizeof(*b) + size);

	if (b == NULL)
		abort(); /* out of memory is not a request error; the supervisor restarts us */
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

void
arena_init(struct arena *a, size_t block_size)
{
	a->block_size = block_size ? block_size : 16384;
	a->head = NULL;
	a->cleanups = NULL;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = _Alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX / 2)
		abort();   /* a size this large is a bug, never a request */
	need = (n + align - 1) & ~(align - 1);
	if (need == 0)
		need = align;
	if (b == NULL || b->size - b->used < need) {
		size_t size = need > a->block_size ? need : a->block_size;
		struct arena_block *nb = block_new(size);

		if (b != NULL && need > a->block_size) {
			/* a big one-off: keep the current block on top for small allocations */
			nb->next = b->next;
			b->next = nb;
			nb->used = need;
			memset(nb->data, 0, need);
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

static int
ascii_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

char *
arena_strtrim(struct arena *a, const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (ascii_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && ascii_space(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

char *
arena_join(struct arena *a, const char *sep, ...)
{
	size_t len = 0, seplen = strlen(sep), n = 0, k;
	const char *s;
	va_list ap;
	char *out, *p;

	va_start(ap, sep);
	while ((s = va_arg(ap, const char *)) != NULL) {
		len += strlen(s) + (n++ ? seplen : 0);
	}
	va_end(ap);
	p = out = arena_alloc(a, len + 1);
	va_start(ap, sep);
	for (k = 0; (s = va_arg(ap, const char *)) != NULL; k++) {
		size_t l = strlen(s);

		if (k > 0) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		memcpy(p, s, l);
		p += l;
	}
	va_end(ap);
	*p = '\0';
	return out;
}

void
arena_defer(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

static void
run_cleanups(struct arena *a)
{
	struct arena_cleanup *c = a->cleanups;

	a->cleanups = NULL;
	/* the list lives in the arena, so walk it before any block is freed */
	for (; c != NULL; c = c->next)
		c->fn(c->arg);
}

void
arena_reset(struct arena *a)
{
	struct arena_block *b, *next, *keep = NULL;

	run_cleanups(a);
	/* keep the oldest block of the default size (big one-offs may sit after it) */
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (b->size == a->block_size) {
			free(keep);
			keep = b;
		} else {
			free(b);
		}
	}
	a->head = keep;
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
	}
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	run_cleanups(a);
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
}
