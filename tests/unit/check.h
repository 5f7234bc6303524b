/* A tiny test harness for the unit tests: no framework, one header.
 *
 *   #include "check.h"
 *
 *   TEST(arena_alignment)
 *   {
 *           CHECK(p != NULL);
 *           CHECK_INT(n, 3);
 *           CHECK_STR(s, "abc");
 *           REQUIRE(o != NULL);     // a failure ends this test, the others still run
 *   }
 *
 * TEST() registers the function before main() runs (a constructor); check.h supplies
 * main(), which runs every test in file order (or only those named on the command
 * line), prints a failing check as file:line with both values, ends with one summary
 * line and exits 1 when any check failed. Include it from one file per executable.
 *
 * A file may define check_setup() and check_teardown(); main() calls them before the
 * first and after the last test (teardown is where shared state is freed, so that
 * LeakSanitizer sees a clean exit). */
#ifndef WARSHA_CHECK_H
#define WARSHA_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MAX_TESTS 256
#define CHECK_UNUSED    __attribute__((unused))

struct check_test {
	const char *name;
	void      (*fn)(void);
};

static struct check_test check_tests[CHECK_MAX_TESTS];
static size_t            check_ntests;
static unsigned long     check_count, check_failed;
static const char       *check_current = "";
static int               check_current_failed;

CHECK_UNUSED static void
check_register(const char *name, void (*fn)(void))
{
	if (check_ntests == CHECK_MAX_TESTS) {
		fprintf(stderr, "check.h: more than %d tests\n", CHECK_MAX_TESTS);
		exit(2);
	}
	check_tests[check_ntests].name = name;
	check_tests[check_ntests].fn = fn;
	check_ntests++;
}

#define TEST(name)                                                               \
	static void name(void);                                                  \
	__attribute__((constructor)) static void check_register_##name(void)     \
	{                                                                        \
		check_register(#name, name);                                     \
	}                                                                        \
	static void name(void)

/* Records one check; returns 1 when it passed. */
CHECK_UNUSED static int
check_result(int ok, const char *file, int line)
{
	check_count++;
	if (!ok) {
		check_failed++;
		check_current_failed = 1;
		fprintf(stderr, "%s:%d: [%s] ", file, line, check_current);
	}
	return ok;
}

CHECK_UNUSED static int
check_bool(int ok, const char *file, int line, const char *expr)
{
	if (!check_result(ok, file, line))
		fprintf(stderr, "CHECK(%s) failed\n", expr);
	return ok;
}

CHECK_UNUSED static int
check_str(const char *file, int line, const char *ea, const char *eb, const char *a,
    const char *b)
{
	int ok = (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;

	if (!check_result(ok, file, line)) {
		fprintf(stderr, "CHECK_STR(%s, %s) failed\n", ea, eb);
		fprintf(stderr, "    got:      %s%s%s\n", a ? "\"" : "", a ? a : "NULL", a ? "\"" : "");
		fprintf(stderr, "    expected: %s%s%s\n", b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
	}
	return ok;
}

CHECK_UNUSED static int
check_int(const char *file, int line, const char *ea, const char *eb, long long a, long long b)
{
	int ok = a == b;

	if (!check_result(ok, file, line))
		fprintf(stderr, "CHECK_INT(%s, %s) failed: got %lld, expected %lld\n", ea, eb, a, b);
	return ok;
}

#define CHECK(cond)      check_bool(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_STR(a, b)  check_str(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_INT(a, b)  check_int(__FILE__, __LINE__, #a, #b, (long long)(a), (long long)(b))
/* A check the rest of the test depends on (a pointer about to be used). */
#define REQUIRE(cond)                                                            \
	do {                                                                     \
		if (!CHECK(cond))                                                \
			return;                                                  \
	} while (0)

CHECK_UNUSED static int
check_selected(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

void check_setup(void) __attribute__((weak));
void check_teardown(void) __attribute__((weak));

int
main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	size_t i, ran = 0, tests_failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (check_setup != NULL)
		check_setup();
	for (i = 0; i < check_ntests; i++) {
		if (!check_selected(argc, argv, check_tests[i].name))
			continue;
		check_current = check_tests[i].name;
		check_current_failed = 0;
		check_tests[i].fn();
		ran++;
		tests_failed += check_current_failed;
		printf("%s %s\n", check_current_failed ? "FAIL" : "ok  ", check_tests[i].name);
	}
	if (check_teardown != NULL)
		check_teardown();
	printf("%s: %zu tests, %zu failed; %lu checks, %lu failed\n", prog, ran, tests_failed,
	    check_count, check_failed);
	if (ran == 0) {
		fprintf(stderr, "%s: no test ran\n", prog);
		return 1;
	}
	return check_failed == 0 ? 0 : 1;
}

#endif
