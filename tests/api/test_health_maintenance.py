"""GET /, /health, /api/health (seed 002 Root APIs) and POST /api/maintenance/:task
(X-Maintenance-Token; docs/architecture.md)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_bilingual, check, register_user, admin_token,
                         db_query, db_count, Skip, ENV, run, SOURCE_DIR)

CLEANUP = "/api/maintenance/cleanup"
COUNTS = ("oneTimeCodes", "refreshTokens", "revokedAccessTokens", "loginFailures", "realtimeEvents")


def _mtoken():
    t = ENV("WARSHA_TEST_MAINTENANCE_TOKEN")
    if not t:
        raise Skip("WARSHA_TEST_MAINTENANCE_TOKEN is not set")
    return t


def test_health():
    for path in ("/health", "/api/health", "/api/v1/health"):
        r = api("GET", path)
        check(r.status == 200, "%s: %s" % (path, r.describe()))
        check((r.headers.get("Content-Type") or "").startswith("application/json"), "%s content type" % path)
        check(r.body.get("status") == "ok" and r.body.get("dbStatus") == "connected", "%s body %r" % (path, r.body))
        check("no-store" in (r.headers.get("Cache-Control") or ""), "%s is cacheable" % path)
    # a token, good or bad, changes nothing on a public route
    expect_ok = api("GET", "/health", token="garbage")
    check(expect_ok.status == 200, "/health with a bad token: %s" % expect_ok.describe())


def _project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(warsha VERSION ([0-9.]+)", f.read()).group(1)


def test_root():
    r = api("GET", en("/"))
    check(r.status == 200, "GET /: %s" % r.describe())
    # seed 002's root: {message, status, version, author}
    for k in ("message", "status", "version", "author", "name"):
        check(k in r.body, "GET / lacks %s: %r" % (k, r.body))
    check(r.body["version"] == _project_version(), "GET / version %r" % r.body["version"])
    check(r.body["status"] == "ok" and r.body["dbStatus"] == "connected", "GET / %r" % r.body)
    expect_bilingual("GET", "/", status=200)


def test_maintenance_requires_token():
    for hdrs in ({}, {"X-Maintenance-Token": ""}, {"X-Maintenance-Token": "wrong"},
                 {"X-Maintenance-Token": _mtoken() + "x"}, {"X-Maintenance-Token": _mtoken()[:-1]},
                 {"Authorization": "Bearer " + _mtoken()}):
        r = api("POST", en(CLEANUP), headers=hdrs)
        expect(401, r, "UNAUTHORIZED")
    # a user token, even an admin's, is no maintenance token
    expect(401, api("POST", CLEANUP, token=admin_token()), "UNAUTHORIZED")
    expect(401, api("POST", "/api/maintenance/nosuchtask"), "UNAUTHORIZED")
    expect_bilingual("POST", CLEANUP, status=401)


def test_maintenance_cleanup_counts():
    r = api("POST", en(CLEANUP), headers={"X-Maintenance-Token": _mtoken()})
    body = expect(200, r)
    for k in COUNTS:
        v = body["data"].get(k)
        check(isinstance(v, int) and not isinstance(v, bool) and v >= 0, "data.%s = %r" % (k, v))
    # idempotent: a second run right away has nothing left to do
    body = expect(200, api("POST", CLEANUP, headers={"X-Maintenance-Token": _mtoken()}))
    check(all(body["data"][k] == 0 for k in COUNTS), "second run still removed rows: %r" % body["data"])
    # the /api/v1 alias
    expect(200, api("POST", "/api/v1/maintenance/cleanup", headers={"X-Maintenance-Token": _mtoken()}))


def test_maintenance_cleanup_removes_only_expired_rows():
    u = register_user()
    uid = u["id"]
    db_query("INSERT INTO one_time_codes (user_id, purpose, code_hash, expires_at) VALUES"
             " (%d, 'email_verify', REPEAT('a', 64), CURRENT_TIMESTAMP(3) - INTERVAL 3 DAY)" % uid)
    db_query("INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES"
             " (%d, REPEAT('f', 32), SHA2(UUID(), 256), CURRENT_TIMESTAMP(3) - INTERVAL 3 DAY)" % uid)
    db_query("INSERT INTO login_failures (identifier, ip, created_at) VALUES"
             " ('qa-old-%d', '127.0.0.9', CURRENT_TIMESTAMP(3) - INTERVAL 3 DAY)" % uid)
    live_codes = db_count("one_time_codes", "user_id = %d AND expires_at > CURRENT_TIMESTAMP(3)" % uid)
    live_tokens = db_count("refresh_tokens", "user_id = %d AND expires_at > CURRENT_TIMESTAMP(3)" % uid)
    body = expect(200, api("POST", CLEANUP, headers={"X-Maintenance-Token": _mtoken()}))
    check(body["data"]["oneTimeCodes"] >= 1 and body["data"]["refreshTokens"] >= 1 and
          body["data"]["loginFailures"] >= 1, "counts %r" % body["data"])
    check(db_count("one_time_codes", "user_id = %d AND expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY" % uid) == 0,
          "expired code left")
    check(db_count("refresh_tokens", "user_id = %d AND expires_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY" % uid) == 0,
          "expired refresh token left")
    check(db_count("login_failures", "identifier = 'qa-old-%d'" % uid) == 0, "old login failure left")
    # live rows stay, and the user's session still works
    check(db_count("one_time_codes", "user_id = %d AND expires_at > CURRENT_TIMESTAMP(3)" % uid) == live_codes,
          "a live code was removed")
    check(db_count("refresh_tokens", "user_id = %d AND expires_at > CURRENT_TIMESTAMP(3)" % uid) == live_tokens,
          "a live refresh token was removed")
    expect(200, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}))


def test_maintenance_cleanup_purges_revoked_tokens_and_events():
    marker = "qa-%d" % os.getpid()
    db_query("INSERT INTO revoked_access_tokens (jti, expires_at) VALUES"
             " (LEFT(MD5(CONCAT('%s', 'old')), 32), CURRENT_TIMESTAMP(3) - INTERVAL 1 HOUR),"
             " (LEFT(MD5(CONCAT('%s', 'live')), 32), CURRENT_TIMESTAMP(3) + INTERVAL 1 HOUR)"
             % (marker, marker))
    db_query("INSERT INTO realtime_events (room, event, payload, created_at) VALUES"
             " ('%s', 'old', '{}', CURRENT_TIMESTAMP(3) - INTERVAL 3 DAY),"
             " ('%s', 'live', '{}', CURRENT_TIMESTAMP(3))" % (marker, marker))
    body = expect(200, api("POST", CLEANUP, headers={"X-Maintenance-Token": _mtoken()}))
    check(body["data"]["revokedAccessTokens"] >= 1 and body["data"]["realtimeEvents"] >= 1,
          "counts %r" % body["data"])
    check(db_count("revoked_access_tokens", "jti = LEFT(MD5(CONCAT('%s', 'old')), 32)" % marker) == 0,
          "expired revoked token left")
    check(db_count("revoked_access_tokens", "jti = LEFT(MD5(CONCAT('%s', 'live')), 32)" % marker) == 1,
          "a live revoked token was removed")
    check(db_count("realtime_events", "room = '%s' AND event = 'old'" % marker) == 0, "old event left")
    check(db_count("realtime_events", "room = '%s' AND event = 'live'" % marker) == 1,
          "a fresh event was removed")
    db_query("DELETE FROM revoked_access_tokens WHERE jti = LEFT(MD5(CONCAT('%s', 'live')), 32)" % marker)
    db_query("DELETE FROM realtime_events WHERE room = '%s'" % marker)


def test_maintenance_unknown_task_and_methods():
    h = {"X-Maintenance-Token": _mtoken()}
    for task in ("nosuchtask", "CLEANUP", "cleanup.sh", "cleanup%20", "%D8%AA"):
        r = api("POST", en("/api/maintenance/" + task), headers=h)
        expect(404, r, "NOT_FOUND")
    r = api("GET", CLEANUP, headers=h)
    expect(405, r, "METHOD_NOT_ALLOWED")
    check("POST" in (r.headers.get("Allow") or ""), "Allow: %r" % r.headers.get("Allow"))
    expect(404, api("POST", "/api/maintenance", headers=h), "NOT_FOUND")
    expect(404, api("POST", "/api/maintenance/", headers=h), "NOT_FOUND")


run(globals())
