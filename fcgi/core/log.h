/* One structured line per event on stderr: `ts=... level=... pid=... msg key=value`.
 * Values that come from requests go through log_clean() first. */
#ifndef WARSHA_LOG_H
#define WARSHA_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *ident, const char *level);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The access log: one line per request, at info level, collected in a 4 KiB buffer and
 * written when it fills, when its oldest line is a second old, before any other log
 * line, and at exit (log_flush). One write per ~30 requests instead of one each. */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_flush(void);
/* Milliseconds until the buffered lines are due (0: now), or -1 when none wait. */
int  log_flush_due_ms(void);

/* Copies s into buf (size n), replacing control characters, quotes and backslashes so a
 * request value cannot forge a log line; truncates long values with "...". */
const char *log_clean(char *buf, size_t n, const char *s);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
