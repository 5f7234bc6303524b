/* core/log: every line in one write, at once, O_APPEND; the request id on the lines of
 * a request; request_id_of() takes nginx's id and never a malformed one. */
#include "core/http.h"
#include "core/log.h"
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct arena A;
static int saved_stderr = -1;
static char path[64];

/* stderr becomes a fresh file, opened WITHOUT O_APPEND (as `2>file` would) */
static void
capture(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/warsha-test-log-XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* what was written since capture(); stderr is restored */
static char *
captured(void)
{
	static char buf[16384];
	FILE *f;
	size_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	f = fopen(path, "r");
	n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f != NULL)
		fclose(f);
	unlink(path);
	return buf;
}

void
check_setup(void)
{
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	arena_free(&A);
}

TEST(access_line_written_at_once_with_o_append)
{
	char *out;
	int fl;

	capture();
	log_init("test", "info");
	fl = fcntl(STDERR_FILENO, F_GETFL);
	CHECK(fl >= 0 && (fl & O_APPEND));
	log_access("msg=request path=/a status=200");
	/* no buffer: the line is in the file before anything else is logged or flushed */
	{
		char tmp[256];
		int fd = open(path, O_RDONLY);
		ssize_t n = read(fd, tmp, sizeof(tmp) - 1);

		close(fd);
		CHECK(n > 0);
		tmp[n > 0 ? n : 0] = '\0';
		CHECK(strstr(tmp, "msg=request path=/a status=200\n") != NULL);
	}
	CHECK_INT(log_flush_due_ms(), -1);
	log_warn("msg=second");
	log_access("msg=request path=/b status=404");
	out = captured();
	{
		char *a = strstr(out, "path=/a"), *w = strstr(out, "msg=second"), *b = strstr(out, "path=/b");

		CHECK(a != NULL && w != NULL && b != NULL);
		CHECK(a < w && w < b);   /* in the order they were logged */
	}
	CHECK(strstr(out, " level=info app=test ") != NULL);
}

TEST(request_id_ends_each_line_of_the_request)
{
	char *out, *line;

	capture();
	log_init("test", "info");
	log_request("0123456789abcdef0123456789abcdef");
	log_error("msg=boom");
	log_access("msg=request status=500");
	log_request(NULL);
	log_info("msg=idle");
	log_request("bad id\n\"x");
	log_info("msg=cleaned");
	log_request(NULL);
	out = captured();
	line = strstr(out, "msg=boom");
	CHECK(line != NULL && strncmp(line, "msg=boom rid=0123456789abcdef0123456789abcdef\n", 46) == 0);
	CHECK(strstr(out, "msg=request status=500 rid=0123456789abcdef0123456789abcdef\n") != NULL);
	CHECK(strstr(out, "msg=idle\n") != NULL);
	/* a value that could break the line is made harmless */
	CHECK(strstr(out, "msg=cleaned rid=bad_id__x\n") != NULL);
}

TEST(request_id_survives_a_long_message)
{
	char big[4000], *out, *nl;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	capture();
	log_init("test", "info");
	log_request("feedfacefeedfacefeedfacefeedface");
	log_info("msg=%s", big);
	log_request(NULL);
	out = captured();
	nl = strchr(out, '\n');
	CHECK(nl != NULL && nl[1] == '\0');   /* one line */
	CHECK(nl - out < 2048);
	CHECK(nl - out > 40 && strncmp(nl - 37, " rid=feedfacefeedfacefeedfacefeedface", 37) == 0);
}

TEST(request_id_of_takes_nginx_id)
{
	const char *id = "4f1c2a9be0d3a6c7b8e9f00112233445";

	CHECK(request_id_of(&A, id) == id);
	CHECK_STR(request_id_of(&A, "a"), "a");
	CHECK_STR(request_id_of(&A, "123e4567-e89b-12d3-a456-426614174000"),
	    "123e4567-e89b-12d3-a456-426614174000");
}

TEST(request_id_of_replaces_missing_or_odd_ids)
{
	static const char *bad[] = {
		NULL, "", "has space", "quote\"", "new\nline", "semi;colon",
		/* 65 characters */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	size_t i, j;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *id = request_id_of(&A, bad[i]);

		CHECK(id != NULL && id != bad[i]);
		CHECK_INT(strlen(id), 32);
		for (j = 0; j < 32; j++)
			CHECK(strchr("0123456789abcdef", id[j]) != NULL);
	}
	/* fresh each time */
	CHECK(strcmp(request_id_of(&A, NULL), request_id_of(&A, NULL)) != 0);
	/* 64 characters is still taken */
	CHECK_INT(strlen(request_id_of(&A,
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")), 64);
}
