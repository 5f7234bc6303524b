#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

static const char *log_ident = "warsha";
static enum log_level log_min = LOG_INFO;
static time_t last_sec = -1;
static char last_ts[40];
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *ident, const char *level)
{
	int i;

	if (ident != NULL)
		log_ident = ident;
	for (i = 0; level != NULL && i < 4; i++)
		if (strcmp(level, level_names[i]) == 0)
			log_min = (enum log_level)i;
}

static char   access_buf[4096];
static size_t access_len;
static struct timespec access_first;

void
log_flush(void)
{
	size_t off = 0;

	while (off < access_len) {
		ssize_t w = write(STDERR_FILENO, access_buf + off, access_len - off);

		if (w <= 0)
			break;   /* a log that cannot be written must not stop the service */
		off += (size_t)w;
	}
	access_len = 0;
}

int
log_flush_due_ms(void)
{
	struct timespec now;
	long long age;

	if (access_len == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	age = (now.tv_sec - access_first.tv_sec) * 1000LL +
	    (now.tv_nsec - access_first.tv_nsec) / 1000000LL;
	return age >= 1000 ? 0 : (int)(1000 - age);
}

static int format_line(char *line, size_t size, enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

void
log_access(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (LOG_INFO < log_min)
		return;
	va_start(ap, fmt);
	n = format_line(line, sizeof(line), LOG_INFO, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	if (access_len + (size_t)n > sizeof(access_buf))
		log_flush();
	if (access_len == 0)
		clock_gettime(CLOCK_MONOTONIC, &access_first);
	memcpy(access_buf + access_len, line, (size_t)n);
	access_len += (size_t)n;
	if (log_flush_due_ms() == 0)
		log_flush();
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (lvl < log_min)
		return;
	log_flush();   /* keep the lines in order */
	va_start(ap, fmt);
	n = format_line(line, sizeof(line), lvl, fmt, ap);
	va_end(ap);
	/* one write per line keeps lines whole when several workers share the file */
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n);
}

/* "ts=... level=... app=... pid=... <message>\n" into line; returns its length. The
 * prefix is assembled from parts that change once a second (the time) or never (level,
 * app, pid): printf runs for the message only. */
static int
format_line(char *line, size_t size, enum log_level lvl, const char *fmt, va_list ap)
{
	static char tail[4][96];
	static size_t tail_len[4];
	static pid_t tail_pid;
	struct timeval tv;
	struct tm tm;
	size_t n;
	int ms, m;

	gettimeofday(&tv, NULL);
	if (tv.tv_sec != last_sec) {
		gmtime_r(&tv.tv_sec, &tm);
		strftime(last_ts, sizeof(last_ts), "ts=%Y-%m-%dT%H:%M:%S.", &tm);
		last_sec = tv.tv_sec;
	}
	if (tail_pid != getpid()) {   /* after fork the pid differs */
		int i;

		tail_pid = getpid();
		for (i = 0; i < 4; i++)
			tail_len[i] = (size_t)snprintf(tail[i], sizeof(tail[i]), "Z level=%s app=%s pid=%d ",
			    level_names[i], log_ident, (int)tail_pid);
	}
	n = strlen(last_ts);
	if (n + 3 + tail_len[lvl] + 2 >= size)
		return -1;
	memcpy(line, last_ts, n);
	ms = (int)(tv.tv_usec / 1000);
	line[n++] = (char)('0' + ms / 100);
	line[n++] = (char)('0' + ms / 10 % 10);
	line[n++] = (char)('0' + ms % 10);
	memcpy(line + n, tail[lvl], tail_len[lvl]);
	n += tail_len[lvl];
	m = vsnprintf(line + n, size - n - 1, fmt, ap);
	if (m < 0)
		return -1;
	n += (size_t)m;
	if (n > size - 2)
		n = size - 2;
	line[n++] = '\n';
	return (int)n;
}

const char *
log_clean(char *buf, size_t n, const char *s)
{
	size_t i = 0;

	if (n == 0)
		return "";
	if (s == NULL)
		s = "-";
	for (; *s != '\0' && i + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;

		buf[i++] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == ' ') ? '_' : (char)c;
	}
	buf[i] = '\0';
	if (*s != '\0' && n > 4)
		memcpy(buf + n - 4, "...", 4);
	return buf;
}
