/* warsha-notifier: the realtime and delivery daemon (docs/architecture.md).
 *
 * It serves GET /health and the WebSockets of /socket.io/ and /ws from libwebsockets'
 * built-in poll loop, keeps its MariaDB connection checked from a once-a-second tick,
 * tails realtime_events to the sockets' rooms, and stops cleanly on SIGTERM or SIGINT:
 * every socket gets a close frame (1001, going away), the loop ends once they are
 * closed (or after SHUTDOWN_MS), the context, the database connection and the
 * configuration are released, and the exit status is 0. notifier.h lists the parts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/log.h"
#include "notifier.h"
#include "delivery.h"

#define SIGNALS_PROTOCOL "warsha-signals"
#define SHUTDOWN_MS      3000     /* SIGTERM: how long the sockets get to close */

struct notifier *
notifier_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* protocols[0]: every plain HTTP request and every WebSocket upgrade that names no
 * subprotocol (Socket.IO clients name none) lands here. */
static int
conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
    size_t len)
{
	char path[128], clean[128];

	switch (reason) {
	case LWS_CALLBACK_HTTP:
	case LWS_CALLBACK_HTTP_BODY:
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (user == NULL)
			return -1;
		return http_callback(wsi, reason, user, in, len);
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		/* WebSocket upgrades are admitted here; FILTER_PROTOCOL_CONNECTION below tells
		 * /socket.io/ from /ws by path (ws.c) and refuses any other. Anything but a
		 * WebSocket upgrade (h2c) is hung up on. */
		if (in == NULL || strcmp(in, "websocket") != 0) {
			if (lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) < 0)
				path[0] = '\0';
			log_info("msg=upgrade_refused path=%s", log_clean(clean, sizeof(clean),
			    path));
			return -1;
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		if (user == NULL)
			return -1;
		return ws_callback(wsi, reason, user, in, len);
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols protocols[] = {
	{
		.name = "warsha",
		.callback = conn_callback,
		.per_session_data_size = sizeof(struct conn),
		.rx_buffer_size = 4096,
	},
	{
		.name = SIGNALS_PROTOCOL,
		.callback = signals_callback,
	},
	{ .name = NULL },
};

/* lws's own warnings and errors become ordinary log lines. */
static void
lws_log_emit(int level, const char *line)
{
	char text[256], clean[256];
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n >= sizeof(text))
		n = sizeof(text) - 1;
	memcpy(text, line, n);
	text[n] = '\0';
	log_msg((level & LLL_ERR) ? LOG_ERROR : LOG_WARN, "msg=lws text=%s",
	    log_clean(clean, sizeof(clean), text));
}

static const lws_retry_bo_t idle_policy = {
	.secs_since_valid_ping = 60,
	.secs_since_valid_hangup = 90,
};

static struct lws_context *
create_context(struct notifier *n, const char *host, int port)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.port = port;
	/* Exactly the configured address. lws binds an IPv6 socket by default, and with
	 * an IPv4 iface on it ended up on every address (*:port), around nginx: an IPv4
	 * address gets an IPv4-only vhost. An empty host ("*:port", ":port") is every
	 * address, "[::]:port" too (dual stack). */
	info.iface = host[0] != '\0' ? host : NULL;
	if (host[0] != '\0' && strchr(host, ':') == NULL)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.protocols = protocols;
	info.user = n;
	info.server_string = NOTIFIER_NAME;
	/* without FAIL_UPON_UNABLE_TO_BIND a busy port is only a warning and the daemon
	 * would run deaf */
	info.options |= LWS_SERVER_OPTION_VALIDATE_UTF8 |
	    LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE |
	    LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND;
	info.max_http_header_data = 8192;    /* Socket.IO clients send long auth headers */
	/* headers are held only until the upgrade; a burst of connections waits for one */
	info.max_http_header_pool = 256;
	info.timeout_secs = 10;
	/* plain /ws clients have no Engine.IO heartbeat: WebSocket PINGs find the dead */
	info.retry_and_idle_policy = &idle_policy;
	info.uid = -1;
	info.gid = -1;
	return lws_create_context(&info);
}

/* Every socket is a descriptor: the soft limit goes up to the hard one. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_warn("msg=fd_limit_unchanged error=\"%s\"", strerror(errno));
	}
}

static void
wake_run(lws_sorted_usec_list_t *sul)
{
	struct notifier *n = lws_container_of(sul, struct notifier, wake);

	lws_sul_schedule(n->ctx, 0, &n->wake, wake_run, 50 * LWS_US_PER_MS);
}

/* SIGTERM: a close frame (1001) to every socket, then the loop runs until they are
 * closed or SHUTDOWN_MS passed. */
static void
close_sockets(struct notifier *n)
{
	struct timespec t0, t;
	long ms = 0;
	long before = n->nsocks;

	if (n->nsocks == 0)
		return;
	ws_shutdown(n);
	wake_run(&n->wake);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n->nsocks > 0 && ms < SHUTDOWN_MS) {
		if (lws_service(n->ctx, 0) < 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
	}
	lws_sul_cancel(&n->wake);
	log_info("msg=sockets_closed closed=%ld left=%ld ms=%ld", before - n->nsocks,
	    n->nsocks, ms);
}

#ifndef WARSHA_VERSION
#define WARSHA_VERSION "unknown"
#endif

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " NOTIFIER_NAME " [--config FILE]   (or WARSHA_CONFIG=FILE)\n"
	    "       " NOTIFIER_NAME " --version\n"
	    "       " NOTIFIER_NAME " --help\n"
	    "The realtime and delivery daemon of Warsha; docs/configuration.md lists the keys.\n");
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = getenv("WARSHA_CONFIG");
	struct notifier n;
	char err[512], host[256], clean[128];
	int ch, port, rc = 1;

	memset(&n, 0, sizeof(n));
	n.db_up = -1;
	n.last_event = -1;
	arena_init(&n.arena, 16384);
	while ((ch = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': config_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf(NOTIFIER_NAME " " WARSHA_VERSION "\n"); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	/* Neither --config nor WARSHA_CONFIG: the installed file (CMakeLists.txt places it);
	 * an empty WARSHA_CONFIG reads no file (defaults and WARSHA_<KEY> only). */
	if (config_path == NULL)
		config_path = WARSHA_DEFAULT_CONFIG;
	else if (*config_path == '\0')
		config_path = NULL;
	if (config_load(&n.cfg, config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, NOTIFIER_NAME ": %s\n", err);
		config_free(&n.cfg);
		return 2;
	}
	log_init(NOTIFIER_NAME, n.cfg.log_level);
	config_log_warnings(&n.cfg);
	if (config_parse_hostport(n.cfg.notifier_listen, host, sizeof(host), &port) != 0) {
		log_error("msg=bad_config key=notifier_listen value=%s expected=host:port",
		    log_clean(clean, sizeof(clean), n.cfg.notifier_listen));
		rc = 2;
		goto out;
	}
	if (signals_block() != 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &n.started);
	raise_fd_limit();
	if (rooms_init(&n) != 0) {
		log_error("msg=out_of_memory");
		goto out;
	}

	/* A database that is down is a state /health reports, not a reason to exit. */
	if ((n.db = db_open(&n.cfg)) == NULL) {
		log_error("msg=out_of_memory");
		goto out;
	}
	db_state_refresh(&n);

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);
	if ((n.ctx = create_context(&n, host, port)) == NULL) {
		log_error("msg=listen_failed listen=%s", log_clean(clean, sizeof(clean),
		    n.cfg.notifier_listen));
		goto out;
	}
	if (signals_adopt(n.ctx, SIGNALS_PROTOCOL) != 0)
		goto out;
	tick_start(&n);
	realtime_start(&n);
	if (delivery_start(&n.cfg) != 0)
		goto out;
	log_info("msg=started listen=%s db=%s", log_clean(clean, sizeof(clean),
	    n.cfg.notifier_listen), n.db_up ? "connected" : "disconnected");

	while (n.stop == STOP_NO) {
		if (lws_service(n.ctx, 0) < 0) {
			log_error("msg=service_failed");
			break;
		}
	}
	rc = n.stop == STOP_SIGNAL ? 0 : 1;
	if (n.stop == STOP_SIGNAL)
		close_sockets(&n);
out:
	delivery_stop();
	if (n.ctx != NULL) {
		realtime_stop(&n);
		tick_stop(&n);
		lws_context_destroy(n.ctx);
	}
	rooms_free(&n);
	arena_free(&n.arena);
	db_close(n.db);
	config_free(&n.cfg);
	log_info("msg=stopped status=%d", rc);
	return rc;
}
