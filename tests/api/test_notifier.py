"""Black-box tests of warsha-notifier's plain HTTP surface: /health and the JSON 404.

Needs WARSHA_TEST_NOTIFIER_URL (e.g. http://127.0.0.1:18090, exported by
`scripts/dev test`); without it the test reports "skipped" (exit 77).

/health answers 200 with dbStatus "connected" or, when the notifier cannot reach the
database, 503 with "disconnected"; both are valid here, but the status code and the body
must agree.
"""
import json
import os
import sys
import urllib.error
import urllib.request

BASE = os.environ.get("WARSHA_TEST_NOTIFIER_URL", "").rstrip("/")
TIMEOUT = 10


def request(method, path, body=None):
    """Returns (status, headers, parsed JSON body); HTTP errors are answers too."""
    req = urllib.request.Request(BASE + path, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            status, headers, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        status, headers, raw = e.code, e.headers, e.read()
    ctype = headers.get("Content-Type", "")
    assert ctype.startswith("application/json"), f"{method} {path}: Content-Type {ctype!r}"
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        raise AssertionError(f"{method} {path}: body is not JSON: {raw[:200]!r}")
    return status, headers, data


def check_health_body(status, data):
    assert isinstance(data, dict), f"body is not an object: {data!r}"
    assert data.get("service") == "warsha-notifier", data
    uptime = data.get("uptimeSeconds")
    assert isinstance(uptime, int) and not isinstance(uptime, bool) and uptime >= 0, data
    if status == 200:
        assert data.get("status") == "ok", data
        assert data.get("dbStatus") == "connected", data
    elif status == 503:
        assert data.get("dbStatus") == "disconnected", data
        assert data.get("status") != "ok", data
    else:
        raise AssertionError(f"GET /health: status {status}, want 200 or 503: {data!r}")


def test_health():
    status, headers, data = request("GET", "/health")
    check_health_body(status, data)
    assert headers.get("Cache-Control") == "no-store", headers.get("Cache-Control")


def test_health_ignores_query():
    status, _, data = request("GET", "/health?probe=1")
    check_health_body(status, data)


def test_health_head_has_no_body():
    req = urllib.request.Request(BASE + "/health", method="HEAD")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    assert status in (200, 503), status
    assert raw == b"", raw


def test_health_uptime_grows():
    _, _, first = request("GET", "/health")
    _, _, second = request("GET", "/health")
    assert second["uptimeSeconds"] >= first["uptimeSeconds"], (first, second)


def test_health_post_not_allowed():
    status, headers, data = request("POST", "/health", body=b'{"x":1}')
    assert status == 405, status
    assert data == {"success": False, "code": "METHOD_NOT_ALLOWED",
                    "message": "Method not allowed"}, data
    assert "GET" in headers.get("Allow", ""), headers.get("Allow")


def test_unknown_path_404():
    status, _, data = request("GET", "/nope")
    assert status == 404, status
    assert data == {"success": False, "code": "NOT_FOUND", "message": "Not found"}, data


def test_unknown_nested_path_404():
    for path in ("/health/extra", "/api/health", "/healthz"):
        status, _, data = request("GET", path)
        assert status == 404, (path, status)
        assert data.get("code") == "NOT_FOUND", (path, data)


def main():
    if not BASE:
        print("skipped: WARSHA_TEST_NOTIFIER_URL is not set")
        return 77
    tests = [(name, fn) for name, fn in globals().items()
             if name.startswith("test_") and callable(fn)]
    failed = 0
    for name, fn in tests:
        try:
            fn()
        except Exception as e:  # a failure, an unexpected error or a refused connection
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
        else:
            print(f"ok {name}")
    print(f"{len(tests) - failed}/{len(tests)} passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
