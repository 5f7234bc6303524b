"""Transactions are all or nothing (docs/data-layer.md): a held lock, a killed
connection or a deadlock inside a unit of work leaves either everything or nothing
written, and every statement of the store prepares with the counts it declares."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, check, fail, register_user, admin_token, db_query,
                         db_scalar, ENV, SOURCE_DIR, Skip, run)


def _mariadb(sql):
    """A second MariaDB session running sql in the background (as the application's
    account), like another worker or an operator holding rows."""
    sock = ENV("WARSHA_TEST_DB_SOCKET")
    if not sock:
        raise Skip("WARSHA_TEST_DB_SOCKET is not set")
    env = dict(os.environ)
    env["MYSQL_PWD"] = ENV("WARSHA_TEST_DB_PASSWORD") or ""
    cmd = ["mariadb", "--no-defaults", "--socket=" + sock, "-u" + (ENV("WARSHA_TEST_DB_USER") or "warsha"),
           "-N", "-B", "-e", sql, ENV("WARSHA_TEST_DB_NAME") or "warsha"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _hold_sessions(user_id, seconds):
    """Locks the user's refresh_tokens rows for `seconds` from another session; returns
    once the lock is held."""
    marker = "hold_%d_%d" % (user_id, os.getpid())
    p = _mariadb("BEGIN; SELECT id FROM refresh_tokens WHERE user_id = %d FOR UPDATE;"
                 " SELECT '%s'; DO SLEEP(%d); ROLLBACK;" % (user_id, marker, seconds))
    # the holder is in its SLEEP once its connection shows it
    deadline = time.time() + 10
    while time.time() < deadline:
        if db_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                     " WHERE INFO LIKE 'DO SLEEP(%d)%%'" % seconds) != "0":
            return p
        time.sleep(0.05)
    p.kill()
    fail("the lock holder did not start")


def _ban_state(user_id):
    return {
        "banned": db_scalar("SELECT is_banned FROM users WHERE id = %d" % user_id),
        "live_sessions": db_scalar("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = %d"
                                   " AND revoked_at IS NULL" % user_id),
        "log": db_scalar("SELECT COUNT(*) FROM activity_log WHERE action = 'user.ban'"
                         " AND target_id = '%d'" % user_id),
    }


def _all_or_nothing(r, user_id, before):
    after = _ban_state(user_id)
    if r.status == 200:
        check(after["banned"] == "1" and after["live_sessions"] == "0" and after["log"] == "1",
              "200 but the ban is partial: %s" % after)
    else:
        check(r.status == 503, "expected 200 or 503, got %s" % r.describe())
        check(r.headers.get("Retry-After") is not None, "503 without Retry-After")
        check(after == before, "an error, yet something was written: %s -> %s" % (before, after))
    return after


def test_ban_against_a_held_lock_is_all_or_nothing():
    """The sessions of the user are held by another session for longer than every
    retry waits: the ban answers 503 and nothing of it is written (before, the client
    timed out first, reconnected and ran the rest on an autocommit session: 200 with
    is_banned = 0, sessions revoked and the log saying user.ban)."""
    u = register_user()
    before = _ban_state(u["id"])
    check(before["live_sessions"] != "0", "the user has no session to hold")
    holder = _hold_sessions(u["id"], 25)
    try:
        t0 = time.time()
        r = api("PATCH", en("/api/admin/users/%d/ban" % u["id"]), {"reason": "held lock"},
                token=admin_token())
        took = time.time() - t0
    finally:
        holder.kill()
        holder.wait()
    after = _all_or_nothing(r, u["id"], before)
    check(r.status == 503, "the lock was held for 25 s; got %s" % r.describe())
    check(took < 24, "the request waited %.1f s: lock waits must end on the server" % took)
    check(after["banned"] == "0", "user banned by a failed request")
    # the same ban, with the lock gone, goes through whole
    r = api("PATCH", en("/api/admin/users/%d/ban" % u["id"]), {"reason": "no lock"}, token=admin_token())
    _all_or_nothing(r, u["id"], before)
    check(r.status == 200, r.describe())


def test_ban_waits_out_a_short_lock():
    """A lock held a little longer than one lock wait: the whole unit of work runs
    again and the ban goes through whole."""
    u = register_user()
    before = _ban_state(u["id"])
    holder = _hold_sessions(u["id"], 7)
    try:
        r = api("PATCH", en("/api/admin/users/%d/ban" % u["id"]), {"reason": "short lock"},
                token=admin_token())
    finally:
        holder.kill()
        holder.wait()
    _all_or_nothing(r, u["id"], before)
    check(r.status == 200, "a 7 s lock outlasts one 5 s wait, not three: %s" % r.describe())


def test_connection_killed_mid_transaction_leaves_nothing():
    """The worker's connection is killed (KILL CONNECTION) while its ban waits on a
    held row, after it has already updated the user: the request fails and nothing is
    written, never a statement re-run outside the transaction."""
    u = register_user()
    before = _ban_state(u["id"])
    holder = _hold_sessions(u["id"], 20)
    result = {}

    def ban():
        result["r"] = api("PATCH", en("/api/admin/users/%d/ban" % u["id"]), {"reason": "killed"},
                          token=admin_token())

    t = threading.Thread(target=ban)
    t.start()
    try:
        victim = None
        deadline = time.time() + 4
        while victim is None and time.time() < deadline:
            rows = db_query("SELECT ID FROM information_schema.PROCESSLIST"
                            " WHERE INFO LIKE 'UPDATE refresh_tokens%'")
            victim = rows[0][0] if rows else None
            time.sleep(0.05)
        check(victim is not None, "the ban never waited on the held sessions")
        db_query("KILL CONNECTION %s" % victim)
        t.join(30)
    finally:
        holder.kill()
        holder.wait()
    r = result.get("r")
    check(r is not None, "no answer")
    check(r.status == 503, "expected 503 after the connection was killed, got %s" % r.describe())
    check(_ban_state(u["id"]) == before, "a killed transaction left writes: %s -> %s"
          % (before, _ban_state(u["id"])))
    # the worker serves the next request on a new connection
    expect(200, api("GET", "/api/auth/me", token=u["token"]))


def test_concurrent_forgot_password_all_200():
    """Twelve forgot-password calls for one e-mail at once: deadlocks between them are
    retried as whole units of work, so every caller gets 200."""
    u = register_user()
    results = []
    lock = threading.Lock()

    def call():
        r = api("POST", en("/api/auth/forgot-password"), {"email": u["email"]})
        with lock:
            results.append(r)

    threads = [threading.Thread(target=call) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results)
    check(statuses == [200] * 12, "statuses %s" % statuses)


def test_every_store_statement_prepares():
    """warsha-fcgi --check-sql prepares every statement of every store family against
    the real schema, with the parameter and column counts each declares."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    p = subprocess.run([binary, "--config", conf, "--check-sql"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode() + p.stderr.decode()
    check(p.returncode == 0, "--check-sql failed:\n%s" % out)
    for family in ("users", "sessions", "codes", "activity", "outbox", "services", "settings",
                   "cache", "accounts", "limits", "events", "user_lists", "bookings"):
        check("store %s:" % family in out, "family %s not checked:\n%s" % (family, out))


if __name__ == "__main__":
    run(globals())
