"""Cross-origin calls from the web apps: the test stack lists http://localhost:5173 in
cors_origins (scripts/lib.sh); any other origin gets no Access-Control-* header."""

from warsha_test import api, check, expect, run

ALLOWED = "http://localhost:5173"


def test_preflight_of_a_listed_origin_is_answered():
    r = api("OPTIONS", "/api/auth/login", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    check(r.status == 204, "preflight: %s" % r.describe())
    h = r.headers
    check(h.get("Access-Control-Allow-Origin") == ALLOWED, "allow-origin: %r" % h.get("Access-Control-Allow-Origin"))
    check(h.get("Access-Control-Allow-Credentials") == "true", "credentials not allowed")
    check("POST" in (h.get("Access-Control-Allow-Methods") or ""), "methods: %r" % h.get("Access-Control-Allow-Methods"))
    check("Content-Type" in (h.get("Access-Control-Allow-Headers") or ""), "headers: %r" % h.get("Access-Control-Allow-Headers"))
    # a guest's emergency booking is read and cancelled with X-Guest-Token from browsers too
    check("X-Guest-Token" in (h.get("Access-Control-Allow-Headers") or ""),
          "headers: %r" % h.get("Access-Control-Allow-Headers"))


def test_requests_of_a_listed_origin_carry_the_headers():
    for path in ("/api/services?limit=1", "/api/services?limit=1", "/api/nope"):
        r = api("GET", path, headers={"Origin": ALLOWED})
        check(r.headers.get("Access-Control-Allow-Origin") == ALLOWED,
              "%s without Access-Control-Allow-Origin" % path)
        # nginx adds its own "Vary: Accept-Encoding" line to a compressible answer
        check("Origin" in ", ".join(r.headers.get_all("Vary") or []), "%s without Vary: Origin" % path)


def test_other_origins_get_nothing():
    for origin in ("https://evil.example", "http://localhost:5173.evil.example", "null"):
        r = api("GET", "/api/services?limit=1", headers={"Origin": origin})
        expect(200, r)
        check(r.headers.get("Access-Control-Allow-Origin") is None,
              "origin %s was allowed" % origin)
        p = api("OPTIONS", "/api/auth/login", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        check(p.headers.get("Access-Control-Allow-Origin") is None,
              "preflight of %s was allowed" % origin)
        check(p.status != 204, "preflight of %s answered 204" % origin)


run(globals())
