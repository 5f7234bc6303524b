/* warsha-fcgi: the FastCGI supervisor and its workers.
 *
 * The supervisor opens (or inherits) the listening socket, forks `workers` processes,
 * restarts any that die and, on SIGTERM, lets each finish its request and exit. On
 * SIGHUP it reads the configuration again: a bad one is refused (an error line, the
 * old one stays); a good one gets a new generation of workers, and the old ones finish
 * the request in hand and exit, so no request is dropped. A worker
 * holds one MariaDB connection and serves one request at a time: parse, route,
 * authorize, handle, reply, log, release the request's memory. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "admin/admin.h"
#include "api/api.h"
#include "core/arena.h"
#include "core/cache.h"
#include "core/config.h"
#include "core/cors.h"
#include "core/db.h"
#include "core/form.h"
#include "core/http.h"
#include "core/image.h"
#include "core/log.h"
#include "core/migrate.h"
#include "store/store.h"
#include "core/router.h"

#define MAX_WORKERS 256

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t child_exited;
static volatile sig_atomic_t reload_requested;

static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		child_exited = 1;
	else if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_requested = 1;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a blocking wait must return so the flags are seen */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* --- one request --- */

static enum http_method
method_of(const char *m)
{
	static const struct { const char *name; enum http_method m; } t[] = {
		{ "GET", HTTP_GET }, { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
		{ "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE }, { "HEAD", HTTP_HEAD },
		{ "OPTIONS", HTTP_OPTIONS },
	};
	size_t i;

	for (i = 0; m != NULL && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].name, m) == 0)
			return t[i].m;
	return HTTP_OTHER;
}

/* The FastCGI parameters a request needs, found in one pass over the environment. */
struct params {
	const char *method, *document_uri, *request_uri, *query_string, *content_type;
	const char *content_length, *remote_addr, *user_agent, *authorization, *https;
	const char *cookie, *accept_language, *origin, *request_id;
};

static void
read_params(struct req *r, struct params *p)
{
	static const struct { const char *name; size_t len; size_t off; } want[] = {
#define P(n, f) { n "=", sizeof(n), offsetof(struct params, f) }
		P("REQUEST_METHOD", method), P("DOCUMENT_URI", document_uri),
		P("REQUEST_URI", request_uri), P("QUERY_STRING", query_string),
		P("CONTENT_TYPE", content_type), P("CONTENT_LENGTH", content_length),
		P("REMOTE_ADDR", remote_addr), P("HTTP_USER_AGENT", user_agent),
		P("HTTP_AUTHORIZATION", authorization), P("HTTPS", https),
		P("HTTP_COOKIE", cookie), P("HTTP_ACCEPT_LANGUAGE", accept_language),
		P("HTTP_ORIGIN", origin), P("REQUEST_ID", request_id),
#undef P
	};
	char **e;
	size_t i;

	memset(p, 0, sizeof(*p));
	for (e = r->envp; e != NULL && *e != NULL; e++)
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if ((*e)[0] == want[i].name[0] && strncmp(*e, want[i].name, want[i].len) == 0) {
				*(const char **)((char *)p + want[i].off) = *e + want[i].len;
				break;
			}
}

/* nginx gives the decoded, normalised path in DOCUMENT_URI; /api/v1/... is /api/... */
static const char *
request_path(struct req *r, const struct params *params)
{
	const char *p = params->document_uri;
	char *path;

	if (p == NULL) {
		const char *uri = params->request_uri;

		if (uri == NULL)
			return "/";
		p = arena_strndup(r->a, uri, strcspn(uri, "?"));
	}
	if (strncmp(p, "/api/v1/", 8) == 0 || strcmp(p, "/api/v1") == 0) {
		path = arena_printf(r->a, "/api%s", p + 7);
		return path;
	}
	return p;
}

static int
is_json_type(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

/* Reads stdin to its end: the empty record that closes it is still in the socket after
 * CONTENT_LENGTH bytes, and a close() with unread data resets the connection, losing
 * the answer. Returns 1 when the end was reached. */
static int
drain(FCGX_Stream *in)
{
	while (FCGX_GetChar(in) != EOF)
		;
	return FCGX_HasSeenEOF(in) == EOF;
}

/* 413 before anything is read: a Content-Length over the limit, or one that does not
 * parse (400). Cheap, so it runs before the route's caller is known. */
static enum err
body_length(struct req *r, const char *cl, long long *len)
{
	char *end;

	*len = 0;
	if (cl == NULL || *cl == '\0')
		return ERR_OK;
	*len = strtoll(cl, &end, 10);
	if (*end != '\0' || *len < 0)
		return fail(r, ERR_BAD_REQUEST);
	/* the larger limit here; a route's own once it is known (body_fits) */
	if (*len > r->cfg->body_limit && *len > r->cfg->upload_body_limit)
		return fail(r, ERR_PAYLOAD_TOO_LARGE);
	return ERR_OK;
}

/* The body limit of the route: an upload's (ROUTE_STREAM_BODY) or a JSON body's. */
static long
route_body_limit(const struct req *r, const struct route *rt)
{
	return rt != NULL && (rt->flags & ROUTE_STREAM_BODY) ? r->cfg->upload_body_limit :
	    r->cfg->body_limit;
}

/* An upload's body is read by its handler as it arrives (req_body_read): never whole
 * into memory. */
static long
stdin_read(void *stream, void *buf, size_t n)
{
	int got;

	if (n > 1 << 20)
		n = 1 << 20;
	got = FCGX_GetStr(buf, (int)n, stream);
	if (got < 0 || (got == 0 && FCGX_GetError(stream) != 0))
		return -1;
	return got;
}

/* Reads and parses the body of len bytes: ERR_OK, or 400/415. *drained is set when
 * stdin was read to its end (so the connection can be closed without lingering). */
static enum err
read_body(struct req *r, FCGX_Stream *in, long long len, int *drained)
{
	char *buf;
	int got;

	if (len == 0) {
		*drained = drain(in);
		/* handlers that take a body see {} when none came (a DELETE's optional reason
		 * too); reads need none */
		if (r->method & (HTTP_POST | HTTP_PUT | HTTP_PATCH | HTTP_DELETE))
			r->json = json_owned(r->a, json_object_new_object());
		return ERR_OK;
	}
	/* the dashboard's forms post urlencoded bodies, which its pages read (fcgi/admin/) */
	if (!is_json_type(r->content_type) && !(admin_page_path(r->path) &&
	    admin_form_type(r->content_type)))
		return fail(r, ERR_UNSUPPORTED_MEDIA);
	buf = arena_alloc(r->a, (size_t)len + 1);
	got = FCGX_GetStr(buf, (int)len, in);
	if (got != len)
		return fail(r, ERR_BAD_REQUEST);
	buf[len] = '\0';
	*drained = drain(in);
	r->body = buf;
	r->body_len = (size_t)len;
	if (!is_json_type(r->content_type)) {
		r->json = json_owned(r->a, json_object_new_object());
		return ERR_OK;
	}
	if ((r->json = parse_json_body(r->a, buf, (size_t)len)) == NULL)
		return fail(r, ERR_BAD_REQUEST);
	return ERR_OK;
}

static void
choose_lang(struct req *r, const char *accept_language)
{
	enum lang l;

	r->lang = LANG_AR;
	if (lang_parse(req_query(r, "lang"), &l) == 0 ||
	    lang_from_accept(accept_language, &l) == 0) {
		r->lang = l;
		r->lang_fixed = 1;
	}
}

static const char *
status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return s >= 500 ? "Internal Server Error" : "OK";
	}
}

static int
write_reply(struct req *r, FCGX_Stream *out)
{
	struct resp_header *h;
	int head_only = r->method == HTTP_HEAD;

	char head[512];
	int n;

	/* libfcgi's own FCGX_FPrintF knows few conversions: format with snprintf */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n",
	    r->status, status_text(r->status), r->resp_type, r->resp_len);
	if (n < 0 || (size_t)n >= sizeof(head) || FCGX_PutStr(head, n, out) != n)
		return -1;
	for (h = r->keep_headers; h != NULL; h = h->next)
		if (FCGX_PutS(h->line, out) < 0 || FCGX_PutS("\r\n", out) < 0)
			return -1;
	for (h = r->resp_headers; h != NULL; h = h->next)
		if (FCGX_PutS(h->line, out) < 0 || FCGX_PutS("\r\n", out) < 0)
			return -1;
	if (FCGX_PutS("\r\n", out) < 0)
		return -1;
	if (!head_only && r->resp_len > 0 &&
	    FCGX_PutStr(r->resp_body, (int)r->resp_len, out) != (int)r->resp_len)
		return -1;
	return 0;
}

static void
handle(FCGX_Request *fr, struct arena *a, struct db *db, const struct config *cfg)
{
	struct req r;
	struct timespec t0, t1;
	const struct route *rt;
	unsigned allowed;
	int drained = 0;
	long long len = 0;
	long limit = cfg->body_limit;
	enum err e = ERR_OK;
	char path_log[256], ip_log[64];
	struct params p;
	long us;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.db = db;
	r.cfg = cfg;
	r.envp = fr->envp;
	read_params(&r, &p);
	r.method_name = p.method;
	r.method = method_of(r.method_name);
	r.path = request_path(&r, &p);
	r.query_string = p.query_string;
	parse_query(a, r.query_string, &r.query, 64);
	parse_cookies(a, p.cookie, &r.cookies, 32);
	r.content_type = p.content_type;
	r.remote_addr = p.remote_addr;
	/* nginx's $request_id (never the client's X-Request-Id, which is HTTP_X_REQUEST_ID) */
	r.request_id = request_id_of(a, p.request_id);
	resp_header_keep(&r, "X-Request-Id: %s", r.request_id);
	log_request(r.request_id);
	r.user_agent = p.user_agent;
	r.authorization = p.authorization;
	r.https = p.https != NULL && strcmp(p.https, "on") == 0;
	choose_lang(&r, p.accept_language);
	if (p.origin != NULL && cors_apply(&r, p.origin))
		goto reply;   /* a preflight, answered */

	/* route, caller, then body: a caller that may not call the route is refused before
	 * a large body is read or parsed */
	if ((e = body_length(&r, p.content_length, &len)) != ERR_OK)
		goto reply;
	if (admin_page_path(r.path)) {
		/* the dashboard: its own page table, session cookie and HTML answers; its
		 * forms are JSON-sized (body_limit), never uploads */
		if (len > limit)
			e = fail(&r, ERR_PAYLOAD_TOO_LARGE);
		else if ((e = read_body(&r, fr->in, len, &drained)) == ERR_OK)
			e = admin_dispatch(&r);
		goto ran;
	}
	if ((rt = route_match(app_routes, app_nroutes, &r, &allowed)) == NULL) {
		if (allowed != 0) {
			char allow[64];

			route_allow_header(allowed, allow, sizeof(allow));
			resp_header_keep(&r, "Allow: %s", allow);
			e = fail(&r, ERR_METHOD_NOT_ALLOWED);
		} else {
			e = fail(&r, ERR_ROUTE_NOT_FOUND);
		}
		goto reply;
	}
	limit = route_body_limit(&r, rt);
	if (len > limit) {
		e = fail(&r, ERR_PAYLOAD_TOO_LARGE);
		goto reply;
	}
	if ((e = app_version_gate(&r, rt->flags)) != ERR_OK ||
	    (e = route_authorize(&r, rt)) != ERR_OK)
		goto reply;
	if (rt->flags & ROUTE_STREAM_BODY) {
		r.body_length = p.content_length != NULL && *p.content_length != '\0' ? len : -1;
		r.body_reader = stdin_read;
		r.body_stream = fr->in;
	} else if ((e = read_body(&r, fr->in, len, &drained)) != ERR_OK) {
		goto reply;
	}
	if ((e = route_input(&r, rt)) != ERR_OK)
		goto reply;
	e = route_run(&r, rt);
ran:
	if (db_in_transaction(db)) {
		/* a handler that leaves its transaction open has not said whether it meant it:
		 * roll back, and never answer success for work that was not committed */
		log_error("msg=transaction_left_open path=%s", log_clean(path_log, sizeof(path_log), r.path));
		db_rollback(db);
		if (e == ERR_OK)
			e = fail(&r, ERR_INTERNAL);
	}
reply:
	/* an early refusal still reads a body within the limit, so the close is plain. An
	 * upload refused at its 5 MiB + 1st byte reads (and drops) the rest too: nginx
	 * passes an upload on as it arrives (fastcgi_request_buffering off) and takes no
	 * answer before it has sent the whole body; answering first leaves both waiting. */
	if (!drained && len <= limit)
		drained = drain(fr->in);
	if (!r.replied || e != ERR_OK)
		reply_finish(&r, e);
	if (write_reply(&r, fr->out) != 0)
		log_info("msg=client_gone path=%s", log_clean(path_log, sizeof(path_log), r.path));
	/* stdin read to its end: a plain close() instead of libfcgi's lingering one */
	if (drained)
		FCGX_Detach(fr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000L;
	log_access("msg=request method=%s path=%s status=%d ms=%ld.%03ld user=%lld ip=%s",
	    r.method_name ? r.method_name : "-", log_clean(path_log, sizeof(path_log), r.path),
	    r.status, us / 1000, us % 1000, r.user.id,
	    log_clean(ip_log, sizeof(ip_log), r.remote_addr));
	log_request(NULL);
}

static volatile sig_atomic_t timer_fired;

static void
on_timer(int sig)
{
	(void)sig;
	timer_fired = 1;
}

/* Waits for the next connection: accept(2) wakes one waiter per connection, where
 * poll(2) on the shared socket would wake every idle worker for each one (a thundering
 * herd that cost a fifth of the throughput on 2 cores). Signals are let in only here,
 * so SIGTERM (stop) and SIGALRM (write the buffered access lines of an idle worker
 * within their second) interrupt the wait and never a request: no handler has
 * SA_RESTART. A SIGTERM that lands in the instant before accept() blocks is repeated
 * by the supervisor every second. Returns the connection or -1. */
static int
wait_connection(int sock, const sigset_t *block)
{
	int fd = -1, err = 0;

	sigprocmask(SIG_UNBLOCK, block, NULL);
	/* A signal that came during the last request runs its handler right here (under
	 * load, the log timer does about once a second): then there is no accept at all,
	 * nothing failed, and errno is whatever the request left in it. */
	if (!stop_requested && !timer_fired) {
		fd = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
		err = fd < 0 ? errno : 0;   /* before sigprocmask can change it */
	}
	sigprocmask(SIG_BLOCK, block, NULL);
	if (err != 0 && err != EINTR && err != EAGAIN && err != ECONNABORTED) {
		log_error("msg=accept_failed error=\"%s\"", strerror(err));
		usleep(100000);   /* EMFILE and friends: do not spin */
	}
	return fd;
}

/* A worker: one request at a time. The connection is accepted by wait_connection()
 * and handed to libfcgi, which skips its own accept for a request whose ipcFd is set;
 * keepConnection = 1 keeps FCGX_Accept_r's opening FCGX_Finish_r from closing it (the
 * FastCGI BEGIN_REQUEST record then sets the real value). libfcgi reads the request
 * with signals blocked, so a signal never cuts a request's parameters short. */
static int
worker_main(int sock, const struct config *cfg)
{
	FCGX_Request fr;
	struct arena a;
	struct db *db;
	struct sigaction sa;
	sigset_t block;
	int timer_armed = 0;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	log_init("warsha-fcgi", cfg->log_level);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	/* the supervisor polls nothing: the socket blocks in accept */
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) & ~O_NONBLOCK);
	if ((db = db_open(cfg)) == NULL)
		return 1;
	/* libvips once per worker, after the fork (its threads do not survive one) */
	if (image_init() != 0)
		log_error("msg=image_uploads_off note=\"libvips did not start\"");
	form_tmp_sweep(cfg->upload_dir);
	arena_init(&a, 64 * 1024);
	/* no listening socket for libfcgi: after a broken request it must not block in an
	 * accept of its own (with signals blocked); it fails and we wait again */
	FCGX_InitRequest(&fr, -1, FCGI_FAIL_ACCEPT_ON_INTR);
	while (!stop_requested) {
		int due = log_flush_due_ms(), fd;

		if (timer_fired) {
			timer_fired = timer_armed = 0;
			log_flush();
			due = -1;
		}
		if (due >= 0 && !timer_armed) {
			struct itimerval it = { { 0, 0 }, { due / 1000, (due % 1000) * 1000 + 1 } };

			setitimer(ITIMER_REAL, &it, NULL);
			timer_armed = 1;
		}
		if ((fd = wait_connection(sock, &block)) < 0)
			continue;
		fr.ipcFd = fd;
		fr.keepConnection = 1;
		if (FCGX_Accept_r(&fr) < 0)
			continue;   /* a broken request: libfcgi closed the connection */
		handle(&fr, &a, db, cfg);
		FCGX_Finish_r(&fr);
		arena_reset(&a);
	}
	FCGX_Free(&fr, 1);
	log_flush();
	cache_clear_all();
	arena_free(&a);
	db_close(db);
	image_shutdown();
	return 0;
}

/* --- the supervisor --- */

static int
inherited_socket(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	int type;
	socklen_t len = sizeof(type);

	/* systemd socket activation: the socket is fd 3 */
	if (fds != NULL && pid != NULL && atoi(fds) >= 1 && atoi(pid) == (int)getpid()) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		return 3;
	}
	/* spawn-fcgi: the listening socket is fd 0 */
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM)
		return 0;
	return -1;
}

static pid_t
spawn(int sock, const struct config *cfg)
{
	pid_t pid = fork();

	if (pid == 0) {
		int rc;

		signal(SIGCHLD, SIG_DFL);
		rc = worker_main(sock, cfg);
#ifdef __SANITIZE_ADDRESS__
		/* _exit skips LeakSanitizer's exit hook: ask for the check (a no-op unless
		 * ASAN_OPTIONS has detect_leaks=1, as the sanitizer test pass sets) */
		__lsan_do_leak_check();
#endif
		_exit(rc);
	}
	if (pid < 0)
		log_error("msg=fork_failed error=\"%s\"", strerror(errno));
	return pid;
}

/* What the command line sets over the file; it keeps doing so after a reload. */
struct cli {
	const char *config_path;
	const char *listen;
	int         workers;     /* 0: the file's */
};

/* The file, the environment, then the command line. */
static int
load_config(struct config *c, const struct cli *cli, char *err, size_t errlen)
{
	if (config_load(c, cli->config_path, err, errlen) != 0)
		return -1;
	if (cli->workers > 0)
		c->workers = cli->workers;
	if (cli->listen != NULL) {
		free(c->listen);
		if ((c->listen = strdup(cli->listen)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

#define RETIRING_MAX (4 * MAX_WORKERS)
#define RETIRE_KILL_SECONDS 30

/* The workers of the current generation and those of earlier ones still finishing. */
struct pool {
	pid_t  pids[MAX_WORKERS];
	time_t started[MAX_WORKERS];
	int    n;
	pid_t  old[RETIRING_MAX];
	time_t retired[RETIRING_MAX];
	int    nold;
	int    generation;
};

static void
pool_spawn_all(struct pool *p, int sock, const struct config *cfg)
{
	int i;

	p->n = cfg->workers;
	for (i = 0; i < p->n; i++) {
		p->pids[i] = spawn(sock, cfg);
		p->started[i] = time(NULL);
	}
}

/* The current generation becomes the retiring one: SIGTERM lets each finish the request
 * in hand (a worker takes signals only while it waits for a connection). */
static void
pool_retire_all(struct pool *p)
{
	int i;

	for (i = 0; i < p->n; i++) {
		if (p->pids[i] <= 0)
			continue;
		kill(p->pids[i], SIGTERM);
		if (p->nold < RETIRING_MAX) {
			p->old[p->nold] = p->pids[i];
			p->retired[p->nold++] = time(NULL);
		} else {
			kill(p->pids[i], SIGKILL);   /* reloads faster than workers finish */
		}
		p->pids[i] = -1;
	}
	p->n = 0;
}

/* Once a second: a SIGTERM that landed just before a retiring worker blocked in
 * accept() is repeated; one still busy after RETIRE_KILL_SECONDS is killed. */
static void
pool_nudge_retiring(struct pool *p)
{
	time_t now = time(NULL);
	int i;

	for (i = 0; i < p->nold; i++) {
		if (now - p->retired[i] >= RETIRE_KILL_SECONDS) {
			log_error("msg=worker_killed pid=%d reason=\"still busy %d s after a reload\"",
			    (int)p->old[i], RETIRE_KILL_SECONDS);
			kill(p->old[i], SIGKILL);
		} else {
			kill(p->old[i], SIGTERM);
		}
	}
}

/* SIGHUP: the configuration again. A bad one is refused and the old one stays. */
static void
reload(struct pool *p, int sock, struct config *cfg, const struct cli *cli)
{
	struct config next;
	char err[1024], clean[1024];

	if (load_config(&next, cli, err, sizeof(err)) != 0 ||
	    config_check_serve(&next, err, sizeof(err)) != 0) {
		log_error("msg=reload_refused error=\"%s\" note=\"the running configuration stays\"",
		    log_clean(clean, sizeof(clean), err));
		config_free(&next);
		return;
	}
	if (strcmp(next.listen, cfg->listen) != 0)
		log_warn("msg=reload_listen_kept listen=%s wanted=%s note=\"a new address needs a restart\"",
		    log_clean(clean, sizeof(clean), cfg->listen), next.listen);
	log_info("msg=reloading workers=%d log_level=%s generation=%d", next.workers,
	    next.log_level, p->generation + 1);
	config_free(cfg);
	*cfg = next;   /* the strings move with it */
	log_init("warsha-fcgi", cfg->log_level);
	config_log_warnings(cfg);
	/* old workers stop accepting first, the new ones take the queue: the listening
	 * socket keeps every connection that arrives meanwhile */
	pool_retire_all(p);
	pool_spawn_all(p, sock, cfg);
	p->generation++;
}

static int
supervise(int sock, struct config *cfg, const struct cli *cli)
{
	static struct pool p;
	time_t last_nudge = 0;
	int i, alive, waited;
	sigset_t block, none;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pool_spawn_all(&p, sock, cfg);
	log_info("msg=started workers=%d listen=%s", p.n, cfg->listen);
	while (!stop_requested) {
		/* pselect: the signals come in only here, and with workers retiring the loop
		 * wakes at least once a second to nudge them */
		struct timespec second = { 1, 0 };

		(void)pselect(0, NULL, NULL, NULL, p.nold > 0 ? &second : NULL, &none);
		if (p.nold > 0 && time(NULL) != last_nudge) {
			last_nudge = time(NULL);
			pool_nudge_retiring(&p);
		}
		if (reload_requested) {
			reload_requested = 0;
			reload(&p, sock, cfg, cli);
		}
		if (!child_exited)
			continue;
		child_exited = 0;
		for (;;) {
			int status, found = 0;
			pid_t pid = waitpid(-1, &status, WNOHANG);

			if (pid <= 0)
				break;
			for (i = 0; i < p.nold; i++)
				if (p.old[i] == pid) {
					if (WIFSIGNALED(status))
						log_error("msg=worker_died pid=%d signal=%d", (int)pid, WTERMSIG(status));
					p.old[i] = p.old[p.nold - 1];
					p.retired[i] = p.retired[p.nold - 1];
					p.nold--;
					found = 1;
					break;
				}
			for (i = 0; !found && i < p.n; i++) {
				if (p.pids[i] != pid)
					continue;
				if (WIFSIGNALED(status))
					log_error("msg=worker_died pid=%d signal=%d", (int)pid, WTERMSIG(status));
				p.pids[i] = -1;
				if (stop_requested)
					break;
				/* a worker that dies at once is not restarted in a tight loop */
				if (time(NULL) - p.started[i] < 1)
					sleep(1);
				p.pids[i] = spawn(sock, cfg);
				p.started[i] = time(NULL);
			}
		}
	}
	log_info("msg=stopping");
	pool_retire_all(&p);
	/* in-flight requests finish; after 30 s the stragglers are killed */
	for (alive = p.nold, waited = 0; alive > 0;) {
		int status;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (i = 0; i < p.nold; i++)
				if (p.old[i] == pid)
					p.old[i] = -1;
		for (alive = 0, i = 0; i < p.nold; i++)
			alive += p.old[i] > 0;
		if (alive == 0)
			break;
		if (waited % 100 == 99 && waited < 3000) {
			/* a SIGTERM can land just before a worker blocks in accept: repeat it */
			for (i = 0; i < p.nold; i++)
				if (p.old[i] > 0)
					kill(p.old[i], SIGTERM);
		}
		if (++waited == 3000) {
			for (i = 0; i < p.nold; i++)
				if (p.old[i] > 0)
					kill(p.old[i], SIGKILL);
		}
		usleep(10000);
	}
	log_info("msg=stopped");
	return 0;
}

/* FCGX_OpenSocket unlinks a socket path before binding it: a second pool started by
 * mistake would take the path from a running one. Refuse when someone answers there. */
static int
unix_socket_in_use(const char *path)
{
	struct sockaddr_un sa;
	int fd, in_use;

	if (strlen(path) >= sizeof(sa.sun_path) || (fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	in_use = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return in_use;
}

static int
open_listener(const char *cli_listen, const struct config *cfg)
{
	const char *addr = cli_listen;
	int sock = -1;

	if (addr == NULL && (sock = inherited_socket()) >= 0) {
		log_info("msg=inherited_socket fd=%d", sock);
	} else {
		if (addr == NULL)
			addr = cfg->listen;
		if (addr[0] == '/' && unix_socket_in_use(addr)) {
			log_error("msg=listen_failed addr=%s error=\"another process is listening there\"",
			    addr);
			return -1;
		}
		/* FCGX_OpenSocket takes ":port", "host:port" or a path (which it unlinks first) */
		if ((sock = FCGX_OpenSocket(addr, 1024)) < 0) {
			log_error("msg=listen_failed addr=%s", addr);
			return -1;
		}
		if (addr[0] == '/')
			chmod(addr, 0660);
	}
	return sock;
}

#ifndef WARSHA_VERSION
#define WARSHA_VERSION "unknown"
#endif

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: warsha-fcgi [--config FILE] [--listen ADDR] [--workers N]   (serve; SIGHUP reloads)\n"
	    "       warsha-fcgi [--config FILE] --migrate\n"
	    "       warsha-fcgi [--config FILE] --create-admin   (WARSHA_ADMIN_EMAIL, WARSHA_ADMIN_PASSWORD)\n"
	    "       warsha-fcgi [--config FILE] --check-sql      (prepare every statement of the store)\n"
	    "       warsha-fcgi [--config FILE] --explain-lists  (EXPLAIN every list statement)\n"
	    "       warsha-fcgi --check-config [FILE]            (validate; exit 0 or 1)\n"
	    "       warsha-fcgi --version | --help\n"
	    "FILE defaults to $WARSHA_CONFIG; every key can be set as WARSHA_<KEY> in the\n"
	    "environment. docs/configuration.md lists the keys.\n");
}

/* --check-config: every message on stderr, exit 0 when the file would start a pool. */
static int
check_config(const struct cli *cli)
{
	struct config c;
	char err[1024];
	const char *p, *name = cli->config_path != NULL ? cli->config_path : "(environment and defaults)";
	int rc = 0;

	if (load_config(&c, cli, err, sizeof(err)) != 0 ||
	    config_check_serve(&c, err, sizeof(err)) != 0) {
		fprintf(stderr, "warsha-fcgi: %s\n", err);
		rc = 1;
	}
	for (p = c.warnings; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "warsha-fcgi: warning: %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (rc == 0)
		fprintf(stderr, "warsha-fcgi: %s: configuration OK\n", name);
	config_free(&c);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "workers", required_argument, NULL, 'w' },
		{ "migrate", no_argument, NULL, 'm' },
		{ "create-admin", no_argument, NULL, 'a' },
		{ "check-sql", no_argument, NULL, 'q' },
		{ "explain-lists", no_argument, NULL, 'x' },
		{ "check-config", optional_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { getenv("WARSHA_CONFIG"), NULL, 0 };
	int mode = 's', ch, sock, rc;
	struct config cfg;
	char err[1024], *end;
	long n;

	while ((ch = getopt_long(argc, argv, "c:l:w:maqhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cli.config_path = optarg; break;
		case 'l': cli.listen = optarg; break;
		case 'w':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 || n > MAX_WORKERS) {
				fprintf(stderr, "warsha-fcgi: --workers must be between 1 and %d, got '%s'\n",
				    MAX_WORKERS, optarg);
				return 2;
			}
			cli.workers = (int)n;
			break;
		case 'm': mode = 'm'; break;
		case 'a': mode = 'a'; break;
		case 'q': mode = 'q'; break;
		case 'x': mode = 'x'; break;
		case 'k':
			mode = 'k';
			if (optarg != NULL)
				cli.config_path = optarg;
			else if (optind < argc && argv[optind][0] != '-')
				cli.config_path = argv[optind++];
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("warsha-fcgi %s\n", WARSHA_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "warsha-fcgi: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	/* Neither --config nor WARSHA_CONFIG: the installed file (CMakeLists.txt places it);
	 * an empty WARSHA_CONFIG reads no file (defaults and WARSHA_<KEY> only). A reload
	 * re-reads the same path. */
	if (cli.config_path == NULL)
		cli.config_path = WARSHA_DEFAULT_CONFIG;
	else if (*cli.config_path == '\0')
		cli.config_path = NULL;
	if (mode == 'k')
		return check_config(&cli);
	if (load_config(&cfg, &cli, err, sizeof(err)) != 0) {
		fprintf(stderr, "warsha-fcgi: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	log_init("warsha-fcgi", cfg.log_level);
	config_log_warnings(&cfg);
	if (mode == 'm') {
		cfg.migrate_session = 1;
		rc = migrate_run(&cfg) == 0 ? 0 : 1;
		goto out;
	}
	if (mode == 'a') {
		rc = admin_bootstrap(&cfg) == 0 ? 0 : 1;
		goto out;
	}
	if (mode == 'q') {
		struct db *db = db_open(&cfg);

		rc = db != NULL && store_check(db) == 0 ? 0 : 1;
		db_close(db);
		goto out;
	}
	if (mode == 'x') {
		struct db *db = db_open(&cfg);

		rc = db != NULL && store_explain_lists(db) == 0 ? 0 : 1;
		db_close(db);
		goto out;
	}
	if (config_check_serve(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "warsha-fcgi: %s\n", err);
		rc = 2;
		goto out;
	}
	install_signals();
	if (FCGX_Init() != 0 || (sock = open_listener(cli.listen, &cfg)) < 0) {
		rc = 1;
		goto out;
	}
	rc = supervise(sock, &cfg, &cli);
out:
	config_free(&cfg);
	return rc;
}
