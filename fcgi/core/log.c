#include "log.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char *log_ident = "warsha";
static enum log_level log_min = LOG_INFO;
/* per thread: the notifier logs from its service and delivery threads */
static __thread time_t last_sec = -1;
static __thread char last_ts[40];
static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* A log file shared by several processes must be written O_APPEND: every write then
 * lands at the end as one piece. scripts/dev and systemd's StandardError=append: open it
 * so; a plain `2>file` does not, and is put right here (the flag belongs to the open
 * file, which all the processes share). */
static void
log_append_mode(void)
{
	struct stat st;
	int fl;

	if (fstat(STDERR_FILENO, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	if ((fl = fcntl(STDERR_FILENO, F_GETFL)) >= 0 && !(fl & O_APPEND))
		(void)fcntl(STDERR_FILENO, F_SETFL, fl | O_APPEND);
}

void
log_init(const char *ident, const char *level)
{
	int i;

	if (ident != NULL)
		log_ident = ident;
	for (i = 0; level != NULL && i < 4; i++)
		if (strcmp(level, level_names[i]) == 0)
			log_min = (enum log_level)i;
	log_append_mode();
}

/* The id of the request being served (log_request), or "" between requests. */
static char cur_rid[LOG_RID_MAX + 1];

static int format_line(char *line, size_t size, enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* Every line goes out in one write(2) of its own, at once: with stderr opened O_APPEND
 * (log_init makes sure of it for a file) the kernel appends each write whole, so the
 * lines of all workers sharing the file stay whole and in the order they were written
 * (no line waits in a buffer while another worker's later line goes out). A line is at
 * most 2 KiB, under PIPE_BUF, so the same holds for a pipe. */
static void
write_line(const char *line, int n)
{
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n);   /* a log that cannot be written must not stop the service */
}

void
log_flush(void)
{
}

int
log_flush_due_ms(void)
{
	return -1;
}

void
log_request(const char *rid)
{
	size_t i;

	for (i = 0; rid != NULL && rid[i] != '\0' && i < LOG_RID_MAX; i++) {
		unsigned char c = (unsigned char)rid[i];

		cur_rid[i] = (isalnum(c) || c == '-' || c == '_' || c == '.') ? (char)c : '_';
	}
	cur_rid[i] = '\0';
}

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
	write_line(line, n);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (lvl < log_min)
		return;
	va_start(ap, fmt);
	n = format_line(line, sizeof(line), lvl, fmt, ap);
	va_end(ap);
	write_line(line, n);
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
	if (cur_rid[0] != '\0') {
		/* " rid=<id>" always fits: a cut message makes room for it */
		size_t k = strlen(cur_rid);

		if (n > size - 2 - 5 - k)
			n = size - 2 - 5 - k;
		memcpy(line + n, " rid=", 5);
		memcpy(line + n + 5, cur_rid, k);
		n += 5 + k;
	}
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
