"""docs/api-conventions.md errors across the whole route table (fcgi/api/routes.c): unknown routes,
malformed ids, unreadable bodies (400), wrong content types (415), bodies over 1 MiB
(413), missing or bad tokens (401), refused roles (403), and the /api/v1 alias."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_bilingual, check, routes, fill, register_user,
                         admin_token, make_user_with_role, forge_jwt, claims_for, ENV, connection,
                         is_arabic, run)

ONE_MIB = 1024 * 1024


def _every_route(json_body=False):
    """(route, path) for every row of routes.c, ids filled with a valid-looking id.
    json_body: only the routes whose body is JSON (an upload's, ROUTE_STREAM_BODY, is a
    form: tests/api/test_uploads.py and test_files.py test its refusals)."""
    return [(rt, fill(rt.pattern, id="1", key="app_name", task="cleanup")) for rt in routes()
            if not (json_body and "ROUTE_STREAM_BODY" in rt.flags)]


_callers = {}


def _caller_headers(rt):
    """Headers of a caller the route admits: none for a public route, the maintenance
    token for a maintenance route, else a bearer token of an admitted role. The body is
    read only once the caller is known (a refused caller is refused first)."""
    if "ROUTE_MAINTENANCE" in rt.flags:
        return {"X-Maintenance-Token": ENV("WARSHA_TEST_MAINTENANCE_TOKEN") or ""}
    if rt.public:
        return {}
    role = "admin" if "admin" in rt.roles else sorted(rt.roles)[0]
    if role not in _callers:
        _callers[role] = admin_token() if role == "admin" else make_user_with_role(role)["token"]
    return {"Authorization": "Bearer " + _callers[role]}


def test_unknown_route_404():
    for path in ("/api/nope", "/api/v1/nope", "/api/services/1/extra", "/api/auth", "/api/auth/",
                 "/api/users/1/role/x", "/api/v1", "/api/admin", "/api/v2/services", "/api/settings/a/b"):
        r = api("GET", en(path))
        expect(404, r, "NOT_FOUND", message="API route not found")
        check(r.body["message"] == "API route not found", "%s: %r" % (path, r.body["message"]))
    r = api("POST", en("/api/nope"), {"a": 1}, token="garbage")
    expect(404, r, "NOT_FOUND", message="API route not found")
    m_en, m_ar = expect_bilingual("GET", "/api/nope", status=404)
    check(m_en == "API route not found" and is_arabic(m_ar), "messages %r / %r" % (m_en, m_ar))
    # the default language is Arabic
    check(is_arabic(api("GET", "/api/nope").body["message"]), "default language")


BAD_IDS = ("abc", "0", "1e3", "-5", "007", "1.5", "12345678901234567890", "%E2%82%AC")


def _malformed_ids(cases):
    for method, pat, tok in cases:
        for bad in BAD_IDS:
            body = {"role": "technician"} if "role" in pat else ({} if method != "GET" else None)
            r = api(method, en(pat % bad), body, token=tok)
            expect(404, r, "NOT_FOUND", message="Resource not found (invalid ID)")


def test_malformed_service_ids_404():
    t = admin_token()
    _malformed_ids([("GET", "/api/services/%s", None), ("PUT", "/api/services/%s", t),
                    ("DELETE", "/api/services/%s", t)])
    expect_bilingual("GET", "/api/services/abc", status=404)
    # the /api/v1 alias answers the same
    expect(404, api("GET", en("/api/v1/services/1e3")), "NOT_FOUND", message="Resource not found (invalid ID)")


def test_malformed_user_ids_404():
    t = admin_token()
    _malformed_ids([("GET", "/api/users/%s", t), ("DELETE", "/api/users/%s", t), ("PUT", "/api/users/%s/role", t),
                    ("PATCH", "/api/admin/users/%s/ban", t), ("PATCH", "/api/admin/users/%s/unban", t)])


def test_malformed_json_400_on_every_route():
    bad_bodies = ['{"a":', "{", "[1,2", '{"a" 1}', '{"a": 1} trailing', "{} {}",
                  '{"a": 01}', '{"a": tru}', "nul", "\ufeff{}", '{"a":1,}', "{a:1}",
                  "[" * 40 + "]" * 40, '{"a":' * 40 + "1" + "}" * 40]
    for rt, path in _every_route(json_body=True):
        for i, raw in enumerate(bad_bodies):
            if i % 3 and rt.method == "GET":
                continue   # a few for GET routes, all for the others
            r = api(rt.method, en(path), raw=raw,
                    headers=dict(_caller_headers(rt), **{"Content-Type": "application/json"}))
            check(r.status == 400, "%s with body %r: %s" % (rt, raw[:30], r.describe()))
            expect(400, r, "BAD_REQUEST")
        # invalid UTF-8 is not JSON
        r = api(rt.method, path, raw=b'{"a": "\xff\xfe"}',
                headers=dict(_caller_headers(rt), **{"Content-Type": "application/json"}))
        expect(400, r, "BAD_REQUEST")
        # a caller the route refuses is refused before the body is parsed
        if not rt.public:
            r = api(rt.method, en(path), raw='{"a":', headers={"Content-Type": "application/json"})
            expect(401, r, "UNAUTHORIZED")
    r_en = api("POST", en("/api/auth/login"), raw="{", headers={"Content-Type": "application/json"})
    r_ar = api("POST", "/api/auth/login", raw="{", headers={"Content-Type": "application/json",
                                                            "Accept-Language": "ar"})
    check(not is_arabic(r_en.body["message"]) and is_arabic(r_ar.body["message"]), "400 messages not bilingual")


def test_non_rfc8259_json_400():
    """What RFC 8259 does not allow is unparseable too: NaN and Infinity are not JSON
    numbers, strings are in double quotes, and control characters inside strings must
    be escaped."""
    accepted = []
    for raw in ("{'identifier': 'x', 'password': 'y'}", "{'password': 5}", '{"identifier": NaN, "password": "x"}', '{"identifier": Infinity, "password": "x"}',
                '{"identifier": -Infinity, "password": "x"}', '{"identifier": "a\x01b", "password": "x"}',
                '{"identifier": "tab\there", "password": "x"}', '{"identifier": "nl\nhere", "password": "x"}'):
        r = api("POST", "/api/auth/login", raw=raw, headers={"Content-Type": "application/json"})
        if r.status != 400:
            accepted.append("%r -> %s %s" % (raw, r.status, r.body.get("code") if isinstance(r.body, dict) else ""))
        else:
            expect(400, r, "BAD_REQUEST")
    check(not accepted, "invalid JSON accepted as a body (POST /api/auth/login):\n       " + "\n       ".join(accepted))


def test_wrong_content_type_415_on_every_route():
    types = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
             "application/xml", "application/jsonp", "text/json", "application/json-patch+json", None]
    for rt, path in _every_route(json_body=True):
        for ct in types:
            h = dict(_caller_headers(rt), **({"Content-Type": ct} if ct else {}))
            r = api(rt.method, en(path), raw='{"a": 1}', headers=h)
            check(r.status == 415, "%s with Content-Type %r: %s" % (rt, ct, r.describe()))
            expect(415, r, "UNSUPPORTED_MEDIA_TYPE")


def test_json_content_type_spellings_accepted():
    for ct in ("application/json", "application/json; charset=utf-8", "Application/JSON",
               "application/json;charset=UTF-8", " application/json"):
        r = api("POST", "/api/auth/login", raw="{}", headers={"Content-Type": ct})
        expect(422, r, "VALIDATION_ERROR")     # read and validated: not 415


def test_body_over_one_mib_413_on_every_route():
    big = b'{"a":"' + b"x" * ONE_MIB + b'"}'
    for rt, path in _every_route(json_body=True):
        r = api(rt.method, en(path), raw=big, headers={"Content-Type": "application/json"})
        check(r.status == 413, "%s with %d bytes: %s" % (rt, len(big), r.describe()))
        expect(413, r, "PAYLOAD_TOO_LARGE")
    # exactly the limit is read (and then judged on its content)
    exact = b'{"password":"' + b"x" * (ONE_MIB - 15) + b'"}'
    check(len(exact) == ONE_MIB, "exact body is %d bytes" % len(exact))
    r = api("POST", "/api/auth/login", raw=exact, headers={"Content-Type": "application/json"})
    expect(422, r, "VALIDATION_ERROR")
    over = exact[:-2] + b'x"}'
    expect(413, api("POST", "/api/auth/login", raw=over, headers={"Content-Type": "application/json"}),
           "PAYLOAD_TOO_LARGE")


def test_empty_body_is_an_empty_object():
    r = api("POST", "/api/auth/login", raw=b"", headers={"Content-Type": "text/plain"})
    expect(422, r, "VALIDATION_ERROR", ["password"])
    r = api("POST", "/api/auth/login")
    expect(422, r, "VALIDATION_ERROR", ["password"])


def test_chunked_body_is_read():
    c = connection()
    try:
        c.putrequest("POST", "/api/auth/login?lang=en")
        c.putheader("Content-Type", "application/json")
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        payload = b'{"identifier": "nobody@example.com", "password": "Whatever123"}'
        for part in (payload[:10], payload[10:]):
            c.send(b"%x\r\n%s\r\n" % (len(part), part))
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        body = r.read().decode()
    finally:
        c.close()
    check(r.status == 401 and '"reason":"INVALID_CREDENTIALS"' in body, "chunked login: %s %s" % (r.status, body[:200]))


def test_missing_and_bad_tokens_401_on_every_protected_route():
    u = register_user()
    secret = ENV("WARSHA_TEST_JWT_SECRET")
    tokens = {"none": None, "garbage": "garbage", "empty bearer": ""}
    if secret:
        tokens["expired"] = forge_jwt(claims_for(u["id"], exp_in=-1, iat=int(time.time()) - 3600), secret)
        tokens["wrong secret"] = forge_jwt(claims_for(u["id"]), secret[::-1])
        tokens["alg none"] = forge_jwt(claims_for(u["id"]), alg="none")
        tokens["HS512"] = forge_jwt(claims_for(u["id"]), secret, alg="HS512")
    for rt, path in _every_route():
        if rt.public:
            continue
        for name, tok in tokens.items():
            h = {"Authorization": "Bearer "} if tok == "" else None
            r = api(rt.method, en(path), {} if rt.method != "GET" else None, token=tok or None, headers=h)
            check(r.status == 401, "%s with %s token: %s" % (rt, name, r.describe()))
            expect(401, r, "UNAUTHORIZED")


def test_refused_roles_403_on_every_route():
    """Every role a route of routes.c does not admit gets 403 FORBIDDEN, before any
    handler runs (so even an empty body is refused with 403, not 422)."""
    users = {role: make_user_with_role(role) for role in ("customer", "technician", "moderator", "corporate")}
    users["admin"] = {"token": admin_token()}
    checked = 0
    for rt, path in _every_route():
        if rt.public:
            continue
        for role, u in users.items():
            if role in rt.roles:
                continue
            r = api(rt.method, en(path), {} if rt.method != "GET" else None, token=u["token"])
            check(r.status == 403, "%s as %s: %s" % (rt, role, r.describe()))
            expect(403, r, "FORBIDDEN")
            checked += 1
    check(checked >= 30, "only %d refusals checked" % checked)


def test_common_headers():
    for method, path, body in (("GET", "/api/services", None), ("GET", "/api/nope", None),
                               ("POST", "/api/auth/login", {}), ("GET", "/health", None)):
        r = api(method, path, body)
        check((r.headers.get("Content-Type") or "").lower().startswith("application/json"),
              "%s Content-Type %r" % (path, r.headers.get("Content-Type")))
        check("charset=utf-8" in (r.headers.get("Content-Type") or "").lower(), "%s charset" % path)
        check("no-store" in (r.headers.get("Cache-Control") or ""), "%s Cache-Control %r" % (path, r.headers.get("Cache-Control")))
        nosniff = r.headers.get_all("X-Content-Type-Options") or []
        check(nosniff == ["nosniff"], "%s X-Content-Type-Options %r" % (path, nosniff))


def test_v1_alias_reaches_the_same_routes():
    a = api("GET", "/api/services?limit=5")
    b = api("GET", "/api/v1/services?limit=5")
    check(a.status == b.status == 200 and a.body == b.body, "/api/v1/services differs")
    expect(200, api("GET", "/api/v1/services/categories"))
    expect(200, api("GET", "/api/v1/settings"))
    expect(401, api("GET", "/api/v1/auth/me"), "UNAUTHORIZED")
    expect(422, api("POST", "/api/v1/auth/login", {}), "VALIDATION_ERROR")
    expect(404, api("GET", en("/api/v1/nope")), "NOT_FOUND", message="API route not found")


def test_outside_api_is_json_404():
    for path in ("/nope", "/index.php", "/.env", "/apix/services", "/admin.php"):
        r = api("GET", path)
        check(r.status == 404, "%s: %s" % (path, r.describe()))
        check(isinstance(r.body, dict) and r.body.get("success") is False, "%s: not a JSON error: %s" % (path, r.describe()))


run(globals())
