"""The database goes away and comes back (issue: "a request while the database is down
gets 503 and the worker lives on").

MariaDB of the test stack is stopped with `scripts/dev db test stop` while nginx and the
pool keep running: every endpoint that needs the database answers 503 UNAVAILABLE with
Retry-After, /health says so, no worker dies; after `scripts/dev db test start` the same
workers serve again without a restart.
"""

import os
import subprocess
import time

from warsha_test import (SOURCE_DIR, Skip, api, check, en, expect, poll, run, uniq)

ENV = os.environ.get


def _stack():
    conf = ENV("WARSHA_TEST_CONFIG") or ""
    if os.sep + os.path.join("var", "test") + os.sep not in conf:
        raise Skip("only on the test stack of scripts/dev test")
    return "test"


def _dev(*args):
    out = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "dev"), *args],
                         capture_output=True, text=True, timeout=180)
    check(out.returncode == 0, "scripts/dev %s failed: %s%s" % (" ".join(args), out.stdout,
                                                             out.stderr))


def _workers():
    sup = open(ENV("WARSHA_TEST_FCGI_PIDFILE")).read().strip()
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", sup], capture_output=True, text=True)
    return sorted(int(p) for p in out.stdout.split())


def test_outage_is_503_and_the_pool_recovers():
    stack = _stack()
    before = _workers()
    check(len(before) > 0, "no workers found")
    expect(200, api("GET", "/api/services?limit=1&outage=%s" % uniq()))
    _dev("db", stack, "stop")
    try:
        # every worker loses its connection: ask several times so each one answers
        for _ in range(3 * len(before)):
            r = api("GET", en("/api/services?limit=1&outage=%s" % uniq()))
            expect(503, r, code="UNAVAILABLE")
            check(r[1].get("Retry-After"), "503 without Retry-After")
        r = api("POST", en("/api/auth/login"),
                {"identifier": "nobody@example.com", "password": "Secret123"})
        expect(503, r, code="UNAVAILABLE")
        health = poll(lambda: (lambda h: h if h.status == 503 else None)(api("GET", "/health")),
                      timeout=5)
        check(health is not None and health[2].get("dbStatus") == "disconnected",
              "/health did not report the outage: %r" % (health and health[2],))
        check(_workers() == before, "workers changed during the outage: %s -> %s"
              % (before, _workers()))
    finally:
        _dev("db", stack, "start")
    ok = poll(lambda: api("GET", "/api/services?limit=1&outage=%s" % uniq()).status == 200,
              timeout=15, interval=0.3)
    check(ok, "the pool did not serve again after the database came back")
    check(poll(lambda: api("GET", "/health").status == 200, timeout=5), "/health stayed 503")
    check(_workers() == before, "workers were restarted: %s -> %s" % (before, _workers()))


run(globals())
