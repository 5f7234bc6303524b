"""The pool's life outside nginx's view: warsha-fcgi on a socket it did not open
(systemd's socket activation: LISTEN_FDS and the socket on fd 3; spawn-fcgi: the
listening socket on fd 0), and SIGTERM letting the request in flight finish.

Each case starts a second pool (one worker, the test stack's configuration) on a unix
socket this test opened, speaks FastCGI to it directly (a small client below, as nginx
would), then stops it with SIGTERM and expects a clean exit.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time

from warsha_test import SOURCE_DIR, Skip, check, fastcgi_get, fastcgi_receive, fastcgi_send, run

ENV = os.environ.get



def _binary():
    conf = ENV("WARSHA_TEST_CONFIG")
    pidfile = ENV("WARSHA_TEST_FCGI_PIDFILE")
    if not conf or not pidfile:
        raise Skip("needs the test stack's configuration")
    # the same binary the stack runs (plain or sanitizer build)
    sup = open(pidfile).read().strip()
    return os.readlink("/proc/%s/exe" % sup), conf


def _env(tmpdir):
    """The test's environment; should the socket not be taken over, the pool falls back
    to a listen address of its own in tmpdir (never the stack's)."""
    env = dict(os.environ)
    env.pop("LISTEN_FDS", None)
    env.pop("LISTEN_PID", None)
    env["WARSHA_LISTEN"] = os.path.join(tmpdir, "fallback.sock")
    return env


def _listening_unix_socket(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(16)
    return s


def _spawn_fcgi_style(binary, conf, tmpdir):
    """A one-worker pool on a socket of tmpdir handed over as fd 0, as spawn-fcgi does."""
    path = os.path.join(tmpdir, "fcgi.sock")
    lsock = _listening_unix_socket(path)
    proc = subprocess.Popen([binary, "--config", conf, "--workers", "1"],
                            stdin=lsock.fileno(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=SOURCE_DIR, env=_env(tmpdir))
    lsock.close()
    return path, proc


def _wait_health(sock_path, proc):
    deadline = time.time() + 10
    while time.time() < deadline:
        check(proc.poll() is None, "the pool exited at once (status %s)" % proc.returncode)
        try:
            out, status = fastcgi_get("/health", sock_path)
            return out, status
        except OSError:
            time.sleep(0.1)
    raise AssertionError("no answer on the inherited socket")


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the pool did not stop on SIGTERM")
    check(rc == 0, "the pool exited with status %s after SIGTERM" % rc)


def _check_health(out, status):
    check(status == 0, "FastCGI app status %s" % status)
    text = out.decode("utf-8", "replace")
    check(text.startswith("Status: 200"), "unexpected answer: %r" % text[:200])
    check('"dbStatus":"connected"' in text, "health body: %r" % text[-200:])


def test_systemd_socket_activation():
    binary, conf = _binary()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "fcgi.sock")
        lsock = _listening_unix_socket(path)

        def child():
            os.dup2(lsock.fileno(), 3)   # systemd hands the socket over as fd 3

        # LISTEN_PID names the receiving process: sh's own pid, which exec keeps
        proc = subprocess.Popen(["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"',
                                 binary, "--config", conf, "--workers", "1"],
                                preexec_fn=child, pass_fds=(lsock.fileno(), 3),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=SOURCE_DIR, env=_env(d))
        lsock.close()
        try:
            _check_health(*_wait_health(path, proc))
        finally:
            _stop(proc)


def test_spawn_fcgi_socket_on_fd_0():
    binary, conf = _binary()
    with tempfile.TemporaryDirectory() as d:
        path, proc = _spawn_fcgi_style(binary, conf, d)
        try:
            _check_health(*_wait_health(path, proc))
        finally:
            _stop(proc)


def test_sigterm_lets_the_request_in_flight_finish():
    """SIGTERM while a worker hashes a password (a login takes ~50 ms of scrypt): the
    answer still arrives whole, then the pool exits 0."""
    binary, conf = _binary()
    with tempfile.TemporaryDirectory() as d:
        path, proc = _spawn_fcgi_style(binary, conf, d)
        try:
            _check_health(*_wait_health(path, proc))
            body = b'{"identifier":"nobody-%d@example.com","password":"Wrong12345"}' % os.getpid()
            conn = fastcgi_send("POST", "/api/auth/login", path, body)
            time.sleep(0.01)
            proc.send_signal(signal.SIGTERM)
            out, status = fastcgi_receive(conn)
            text = out.decode("utf-8", "replace")
            check(status == 0 and text.startswith("Status: 401"),
                  "the request in flight was not answered whole: %r" % text[:300])
            check(text.rstrip().endswith("}"), "truncated body: %r" % text[-100:])
            rc = proc.wait(timeout=15)
            check(rc == 0, "exit status %s after SIGTERM" % rc)
        finally:
            if proc.poll() is None:
                proc.kill()


run(globals())
