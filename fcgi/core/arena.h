/* Per-request memory: every allocation a request makes comes from its arena and is
 * released at once when the request ends. Objects that own memory elsewhere (json-c
 * trees) register a cleanup that runs on arena_reset(). */
#ifndef WARSHA_ARENA_H
#define WARSHA_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena_cleanup;

struct arena {
	struct arena_block   *head;     /* current block; older ones follow */
	struct arena_cleanup *cleanups; /* run in reverse order of registration */
	size_t                block_size;
};

void  arena_init(struct arena *a, size_t block_size);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed, aligned, never NULL */
char *arena_strdup(struct arena *a, const char *s);    /* NULL stays NULL */
/* exactly n bytes of s (which must hold them; they may include NUL) and a NUL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* s without its leading and trailing ASCII white space (NULL stays NULL) */
char *arena_strtrim(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The strings up to a NULL, joined with sep between them (no printf: hot paths use it). */
char *arena_join(struct arena *a, const char *sep, ...) __attribute__((sentinel));
void  arena_defer(struct arena *a, void (*fn)(void *), void *arg);
/* Runs the cleanups and frees all blocks but the first, which is kept for reuse. */
void  arena_reset(struct arena *a);
void  arena_free(struct arena *a);

#endif
