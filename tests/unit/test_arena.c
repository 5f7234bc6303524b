/* core/arena: per-request memory. */
#include <signal.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/arena.h"
#include "check.h"

static int
aligned(const void *p)
{
	return ((uintptr_t)p % alignof(max_align_t)) == 0;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

TEST(alloc_is_aligned_and_zeroed)
{
	struct arena a;
	size_t sizes[] = { 1, 3, 7, 8, 15, 16, 17, 33, 100, 255 };
	size_t i;

	arena_init(&a, 1024);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);

		REQUIRE(p != NULL);
		CHECK(aligned(p));
		CHECK(all_zero(p, sizes[i]));
		memset(p, 0xAB, sizes[i]);
	}
	/* memory handed out again after a reset is zeroed again */
	arena_reset(&a);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = arena_alloc(&a, sizes[i]);

		CHECK(aligned(p));
		CHECK(all_zero(p, sizes[i]));
	}
	arena_free(&a);
}

TEST(alloc_zero_bytes_gives_distinct_pointers)
{
	struct arena a;
	void *p, *q;

	arena_init(&a, 0);            /* 0: the default block size */
	CHECK(a.block_size > 0);
	p = arena_alloc(&a, 0);
	q = arena_alloc(&a, 0);
	CHECK(p != NULL);
	CHECK(q != NULL);
	CHECK(p != q);
	arena_free(&a);
}

TEST(many_allocations_across_blocks_do_not_overlap)
{
	enum { N = 2000, SZ = 100 };
	static unsigned char *ptrs[N];
	struct arena a;
	size_t i, j, bad = 0;

	arena_init(&a, 1024);         /* ten allocations per block: ~200 blocks */
	for (i = 0; i < N; i++) {
		ptrs[i] = arena_alloc(&a, SZ);
		if (!aligned(ptrs[i]) || !all_zero(ptrs[i], SZ))
			bad++;
		memset(ptrs[i], (int)(i & 0xff), SZ);
	}
	CHECK_INT(bad, 0);
	for (i = 0; i < N; i++)
		for (j = 0; j < SZ; j++)
			if (ptrs[i][j] != (unsigned char)(i & 0xff)) {
				bad++;
				break;
			}
	CHECK_INT(bad, 0);
	/* a reset frees all those blocks (LeakSanitizer would say otherwise) and keeps one */
	arena_reset(&a);
	CHECK(a.head != NULL);
	arena_free(&a);
	CHECK(a.head == NULL);
}

TEST(big_one_off_keeps_current_block_on_top)
{
	struct arena a;
	unsigned char *p, *big, *q;

	arena_init(&a, 1024);
	p = arena_alloc(&a, 16);
	big = arena_alloc(&a, 10000);
	REQUIRE(big != NULL);
	CHECK(aligned(big));
	CHECK(all_zero(big, 10000));
	memset(big, 0x5A, 10000);
	/* the small block was not abandoned: the next small allocation follows p in it */
	q = arena_alloc(&a, 16);
	CHECK(q > p && q < p + 1024);
	memset(q, 0x11, 16);
	CHECK(big[0] == 0x5A && big[9999] == 0x5A);
	arena_free(&a);
}

TEST(big_first_allocation_then_small_ones)
{
	struct arena a;
	unsigned char *big, *s;
	size_t i;

	arena_init(&a, 1024);
	big = arena_alloc(&a, 4096);
	CHECK(all_zero(big, 4096));
	memset(big, 0x77, 4096);
	for (i = 0; i < 100; i++) {
		s = arena_alloc(&a, 24);
		CHECK(all_zero(s, 24));
		memset(s, 0x22, 24);
	}
	CHECK(big[0] == 0x77 && big[4095] == 0x77);
	arena_reset(&a);
	s = arena_alloc(&a, 8);
	CHECK(all_zero(s, 8));
	arena_free(&a);
}

TEST(reset_reuses_the_first_block)
{
	struct arena a;
	void *p1, *p2;
	int i;

	arena_init(&a, 1024);
	p1 = arena_alloc(&a, 64);
	for (i = 0; i < 50; i++)
		(void)arena_alloc(&a, 200);   /* spill into more blocks */
	arena_reset(&a);
	REQUIRE(a.head != NULL);
	p2 = arena_alloc(&a, 64);
	CHECK(p1 == p2);
	/* twice in a row, and on an arena that never allocated */
	arena_reset(&a);
	arena_reset(&a);
	CHECK(arena_alloc(&a, 64) == p1);
	arena_free(&a);

	arena_init(&a, 1024);
	arena_reset(&a);
	CHECK(a.head == NULL);
	CHECK(arena_alloc(&a, 1) != NULL);
	arena_free(&a);
}

/* arena.h: reset "frees all blocks but the first, which is kept for reuse". A request
 * whose first block is followed by a big one-off (a large body, a long query) must not
 * lose that block: every later request would malloc it again. */
TEST(reset_keeps_the_first_block_after_a_big_one_off)
{
	struct arena a;

	arena_init(&a, 1024);
	(void)arena_alloc(&a, 16);
	(void)arena_alloc(&a, 5000);
	arena_reset(&a);
	CHECK(a.head != NULL);
	CHECK(arena_alloc(&a, 16) != NULL);
	arena_free(&a);
}

TEST(strdup_strndup_printf)
{
	struct arena a;
	char *s, big[3000];

	arena_init(&a, 256);
	CHECK(arena_strdup(&a, NULL) == NULL);
	CHECK(arena_strndup(&a, NULL, 3) == NULL);
	CHECK_STR(arena_strdup(&a, ""), "");
	CHECK_STR(arena_strdup(&a, "ورشة"), "ورشة");
	s = arena_strndup(&a, "abcdef", 3);
	CHECK_STR(s, "abc");
	CHECK(aligned(s));
	CHECK_STR(arena_strndup(&a, "ab\0cd", 5), "ab");    /* copies n bytes, NUL at n */
	CHECK_STR(arena_strndup(&a, "xyz", 0), "");
	CHECK_STR(arena_printf(&a, "%s-%d-%05.1f", "BK", 2026, 3.5), "BK-2026-003.5");
	CHECK_STR(arena_printf(&a, "%s", ""), "");
	CHECK_STR(arena_printf(&a, "BK-%04d-%06lld", 2026, 123LL), "BK-2026-000123");
	/* longer than a block */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = arena_printf(&a, "<%s>", big);
	REQUIRE(s != NULL);
	CHECK_INT(strlen(s), sizeof(big) + 1);
	CHECK(s[0] == '<' && s[1] == 'x' && s[sizeof(big)] == '>');
	s = arena_strdup(&a, big);
	CHECK_STR(s, big);
	arena_free(&a);
}

static int order[8], norder;

static void
record(void *arg)
{
	order[norder++] = (int)(intptr_t)arg;
}

static void
free_it(void *p)
{
	free(p);
}

TEST(strtrim)
{
	struct arena a;

	arena_init(&a, 256);
	CHECK(arena_strtrim(&a, NULL) == NULL);
	CHECK_STR(arena_strtrim(&a, ""), "");
	CHECK_STR(arena_strtrim(&a, " \t\r\n\v\f"), "");
	CHECK_STR(arena_strtrim(&a, "  محمد علي \n"), "محمد علي");
	CHECK_STR(arena_strtrim(&a, "a"), "a");
	CHECK_STR(arena_strtrim(&a, "\ta b\t"), "a b");
	/* only ASCII white space: a no-break space (UTF-8 C2 A0) is kept */
	CHECK_STR(arena_strtrim(&a, "\xc2\xa0x "), "\xc2\xa0x");
	arena_free(&a);
}

TEST(defer_runs_on_reset_in_reverse_order)
{
	struct arena a;

	arena_init(&a, 128);
	norder = 0;
	arena_defer(&a, record, (void *)1);
	(void)arena_alloc(&a, 500);           /* cleanups spread over several blocks */
	arena_defer(&a, record, (void *)2);
	arena_defer(&a, record, (void *)3);
	arena_defer(&a, free_it, malloc(10)); /* LeakSanitizer checks this one ran */
	CHECK_INT(norder, 0);
	arena_reset(&a);
	CHECK_INT(norder, 3);
	CHECK_INT(order[0], 3);
	CHECK_INT(order[1], 2);
	CHECK_INT(order[2], 1);
	/* they ran once: a second reset runs nothing */
	arena_reset(&a);
	CHECK_INT(norder, 3);
	/* arena_free runs the pending ones too */
	arena_defer(&a, record, (void *)4);
	arena_free(&a);
	CHECK_INT(norder, 4);
	CHECK_INT(order[3], 4);
}

/* arena_alloc promises memory of the size asked or an abort, never a short block.
 * (size + alignment - 1) wraps for sizes near SIZE_MAX: SIZE_MAX becomes a 16-byte
 * allocation and SIZE_MAX - 20 a heap overflow. Run in a child: it must die by abort(). */
static int
child_aborts(size_t n)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return 0;
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		struct arena a;
		int fd = open("/dev/null", O_WRONLY);

		setrlimit(RLIMIT_CORE, &no_core);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);   /* a sanitizer report is expected noise here */
		arena_init(&a, 1024);
		(void)arena_alloc(&a, 16);
		(void)arena_alloc(&a, n);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

TEST(huge_sizes_abort_instead_of_wrapping)
{
	CHECK(child_aborts(SIZE_MAX));
	CHECK(child_aborts(SIZE_MAX - 20));
}
