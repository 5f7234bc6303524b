#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "warsha";
static enum log_level log_min = LOG_INFO;
static time_t last_sec = -1;
static char last_ts[32];
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

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	char line[2048], ts[32];
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n, m;

	if (lvl < log_min)
		return;
	gettimeofday(&tv, NULL);
	/* one strftime per second, not per line */
	if (tv.tv_sec != last_sec) {
		gmtime_r(&tv.tv_sec, &tm);
		strftime(last_ts, sizeof(last_ts), "%Y-%m-%dT%H:%M:%S", &tm);
		last_sec = tv.tv_sec;
	}
	memcpy(ts, last_ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "ts=%s.%03dZ level=%s app=%s pid=%d ", ts,
	    (int)(tv.tv_usec / 1000), level_names[lvl], log_ident, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line keeps lines whole when several workers share the file */
	(void)!write(STDERR_FILENO, line, (size_t)n);
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
