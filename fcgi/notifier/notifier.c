/* warsha-notifier: the realtime and delivery daemon (docs/architecture.md).
 *
 * Today it serves GET /health from libwebsockets' built-in poll loop, keeps its MariaDB
 * connection checked from a once-a-second tick, and stops cleanly on SIGTERM or SIGINT:
 * the loop ends, the context, the database connection and the configuration are
 * released, and the exit status is 0. notifier.h lists the parts and where the
 * WebSocket and outbox work will hook in. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "notifier.h"
#include "delivery.h"

#define SIGNALS_PROTOCOL "warsha-signals"

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
		/* WebSocket upgrades for /socket.io/ and /ws come with the next issue: they
		 * will be admitted here and told apart by path in
		 * LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION, which records the kind of socket in
		 * struct conn. Until then every WebSocket upgrade is hung up on (-1: lws
		 * sends nothing and logs nothing). */
		if (in == NULL || strcmp(in, "websocket") != 0)
			return 0;
		if (lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI) < 0)
			path[0] = '\0';
		log_info("msg=upgrade_refused path=%s", log_clean(clean, sizeof(clean), path));
		return -1;
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
	info.timeout_secs = 10;
	info.uid = -1;
	info.gid = -1;
	return lws_create_context(&info);
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
out:
	delivery_stop();
	if (n.ctx != NULL) {
		tick_stop(&n);
		lws_context_destroy(n.ctx);
	}
	db_close(n.db);
	config_free(&n.cfg);
	log_info("msg=stopped status=%d", rc);
	return rc;
}
