/* One structured line per event on stderr: `ts=... level=... pid=... msg key=value`,
 * with ` rid=<request id>` at the end of the lines logged while a request is served.
 * Values that come from requests go through log_clean() first. */
#ifndef WARSHA_LOG_H
#define WARSHA_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *ident, const char *level);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The access log: one line per request, at info level. Like every line it is written at
 * once, in one write(2), to stderr opened O_APPEND (docs/operations-logs.md). */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Nothing is buffered any more: log_flush() does nothing and log_flush_due_ms() is
 * always -1 (kept for the worker loop, which still asks). */
void log_flush(void);
int  log_flush_due_ms(void);

/* The request being served: every line logged until log_request(NULL) ends with
 * " rid=<id>" (nginx's $request_id), so an error line names its request. */
#define LOG_RID_MAX 64
void log_request(const char *rid);

/* Copies s into buf (size n), replacing control characters, quotes and backslashes so a
 * request value cannot forge a log line; truncates long values with "...". */
const char *log_clean(char *buf, size_t n, const char *s);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
