/* SIGTERM and SIGINT (stop) and SIGHUP (no reload: a note in the log) for the notifier,
 * delivered as ordinary lws events.
 *
 * Why a signalfd and not a handler that sets a flag and calls lws_cancel_service():
 * lws documents lws_cancel_service() as safe from another *thread*, not from a signal
 * handler. In 4.1.6 it happens to be a field check and an eventfd write, but that is an
 * implementation detail we would be leaning on, and a bare flag alone leaves a window
 * (the signal lands after the loop tested the flag, before poll() sleeps) that only the
 * next timer closes. Polling the flag from a 100 ms timer would close it at the cost of
 * ten wake-ups a second forever.
 *
 * With the signals blocked and read from a signalfd adopted into the lws loop, no code
 * runs in signal context at all: the signal makes the descriptor readable, poll()
 * returns at once whenever it arrives, and the callback below runs on the service
 * thread like any other event, where it may log and touch state freely. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/log.h"
#include "notifier.h"

static void
stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	/* the pool reloads on SIGHUP; the notifier would die of it (the default action) */
	sigaddset(set, SIGHUP);
}

int
signals_block(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* A background job of a non-interactive shell starts with SIGINT ignored, and an
	 * ignored signal never reaches a signalfd: take the default action back first. */
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	stop_signals(&set);
	/* the process has one thread; any thread started later inherits the mask */
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		log_error("msg=sigprocmask_failed error=\"%s\"", strerror(errno));
		return -1;
	}
	return 0;
}

int
signals_adopt(struct lws_context *ctx, const char *protocol_name)
{
	struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "default");
	lws_sock_file_fd_type fd;
	sigset_t set;

	stop_signals(&set);
	fd.filefd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd.filefd < 0) {
		log_error("msg=signalfd_failed error=\"%s\"", strerror(errno));
		return -1;
	}
	/* From here lws owns the descriptor and closes it with the context. On failure it
	 * does not close a file descriptor (only sockets), so we do. */
	if (vh == NULL || lws_adopt_descriptor_vhost(vh, LWS_ADOPT_RAW_FILE_DESC, fd,
	    protocol_name, NULL) == NULL) {
		log_error("msg=signalfd_adopt_failed");
		close(fd.filefd);
		return -1;
	}
	return 0;
}

int
signals_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct signalfd_siginfo si;
	struct notifier *n;
	ssize_t got;

	if (reason != LWS_CALLBACK_RAW_RX_FILE)
		return 0;
	n = notifier_of(wsi);
	for (;;) {
		got = read(lws_get_socket_fd(wsi), &si, sizeof(si));
		if (got == (ssize_t)sizeof(si) && si.ssi_signo == SIGHUP) {
			log_warn("msg=reload_unsupported note=\"restart the notifier to apply a new "
			    "configuration\"");
			continue;
		}
		if (got == (ssize_t)sizeof(si)) {
			log_info("msg=stopping signal=%s", si.ssi_signo == SIGINT ? "INT" : "TERM");
			if (n->stop == STOP_NO)
				n->stop = STOP_SIGNAL;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return 0;
		/* Without this descriptor no signal could stop us cleanly: stop now. */
		log_error("msg=signalfd_read_failed error=\"%s\"",
		    got < 0 ? strerror(errno) : "short read");
		n->stop = STOP_ERROR;
		return -1;
	}
}
