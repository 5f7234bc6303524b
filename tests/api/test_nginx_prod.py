#!/usr/bin/env python3
"""The production nginx configuration, run: rate limits, request ids, headers, errors.

The test stack's nginx runs without rate limits (nginx/warsha-dev.conf.in), so these
tests start an nginx of their own from the production files: nginx/warsha-http.conf
(zones, then nginx/snippets/warsha-http-common.conf) and nginx/snippets/warsha-site.conf
(every location), exactly as they are, in a temporary prefix. Only the small site
wrapper is written here, as nginx/warsha.conf is for a machine: the upstreams (the
test stack's FastCGI socket, $WARSHA_TEST_FCGI_ADDR, and its notifier), a free loopback
port, log files and the /static/ and /uploads/ directories. test_site_file_is_a_wrapper
checks that nginx/warsha.conf holds nothing else, so what runs here is what production
runs. Each test that counts requests starts a fresh nginx (fresh zones).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import http.client

from warsha_test import (ENV, SOURCE_DIR, Skip, api, check, expect, fail, poll, routes,
                         run, uniq)
import warsha_test

NGINX_DIR = os.path.join(SOURCE_DIR, "nginx")
RID = re.compile(r"^[0-9a-f]{32}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=()",
}

# The calls of a signed-in session: the general zone only (nginx/snippets/warsha-site.conf).
SESSION = {"/api/auth/me", "/api/auth/refresh", "/api/auth/refresh-token", "/api/auth/logout"}
# Sign-in paths outside /api/auth/ (fcgi/api/routes.c): seed 003 and seed 002.
SIGNIN_ELSEWHERE = {"/api/user/login", "/api/user/registration", "/api/_/users/verify-email"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nginx_bin():
    for d in ("/usr/sbin", "/usr/bin", "/sbin"):
        p = os.path.join(d, "nginx")
        if os.access(p, os.X_OK):
            return p
    p = shutil.which("nginx")
    if not p:
        raise Skip("nginx is not installed")
    return p


class ProdNginx:
    """nginx with the production files in a temporary prefix, on a free loopback port."""

    def __init__(self, notifier=None):
        fcgi = ENV("WARSHA_TEST_FCGI_ADDR")
        if not fcgi:
            raise Skip("WARSHA_TEST_FCGI_ADDR is not set")
        self.fcgi = fcgi if fcgi.startswith("unix:") or ":" in fcgi else "unix:" + fcgi
        if notifier is None:
            url = ENV("WARSHA_TEST_NOTIFIER_URL") or "http://127.0.0.1:%d" % free_port()
            notifier = url.split("://", 1)[-1].rstrip("/")
        self.notifier = notifier
        self.prefix = tempfile.mkdtemp(prefix="warsha-nginx-prod-")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.pid = None

    def render(self):
        p = self.prefix
        for d in ("logs", "tmp", "uploads"):
            os.makedirs(os.path.join(p, d), exist_ok=True)
        shutil.copytree(os.path.join(NGINX_DIR, "snippets"), os.path.join(p, "snippets"))
        shutil.copy(os.path.join(NGINX_DIR, "warsha-http.conf"), os.path.join(p, "warsha-http.conf"))
        user = "user root root;" if os.getuid() == 0 else ""
        conf = """%(user)s
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    client_body_temp_path tmp/client_body;
    fastcgi_temp_path tmp/fastcgi;
    proxy_temp_path tmp/proxy;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;

    # /etc/nginx/conf.d/warsha-http.conf, as it is
    include warsha-http.conf;

    # /etc/nginx/sites-available/warsha (nginx/warsha.conf), for this machine
    upstream warsha_fcgi { server %(fcgi)s; }
    upstream warsha_notifier { server %(notifier)s; }
    server {
        listen 127.0.0.1:%(port)d;
        server_name _;
        access_log logs/warsha.access.log warsha;
        error_log logs/warsha.error.log error;
        location /static/ {
            alias %(static)s/;
            include snippets/warsha-static.conf;
            expires 1h;
        }
        location /uploads/ {
            internal;
            alias %(uploads)s/;
        }
        include snippets/warsha-site.conf;
    }
}
""" % {"user": user, "fcgi": self.fcgi, "notifier": self.notifier, "port": self.port,
       "static": os.path.join(SOURCE_DIR, "static"), "uploads": os.path.join(p, "uploads")}
        with open(os.path.join(p, "nginx.conf"), "w") as f:
            f.write(conf)

    def cmd(self, *args):
        return [nginx_bin(), "-p", self.prefix + "/", "-c", "nginx.conf",
                "-e", os.path.join(self.prefix, "logs", "error.log")] + list(args)

    def __enter__(self):
        self.render()
        t = subprocess.run(self.cmd("-t"), capture_output=True, text=True)
        check(t.returncode == 0, "nginx -t rejects the production files: %s" % t.stderr.strip())
        s = subprocess.run(self.cmd(), capture_output=True, text=True)
        check(s.returncode == 0, "nginx did not start: %s" % s.stderr.strip())
        pidf = os.path.join(self.prefix, "nginx.pid")
        check(poll(lambda: os.path.exists(pidf) and open(pidf).read().strip(), timeout=5),
              "nginx wrote no pid file")
        self.pid = int(open(pidf).read().strip())
        check(poll(lambda: self.alive(), timeout=5), "nginx does not answer on %s" % self.base)
        return self

    def alive(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def __exit__(self, *exc):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            poll(lambda: not os.path.exists("/proc/%d" % self.pid), timeout=5)
        if not ENV("WARSHA_TEST_KEEP_NGINX"):
            shutil.rmtree(self.prefix, ignore_errors=True)
        return False

    def req(self, method, path, **kw):
        """api() against this nginx."""
        saved = warsha_test.BASE_URL
        warsha_test.BASE_URL = self.base
        try:
            return api(method, path, **kw)
        finally:
            warsha_test.BASE_URL = saved

    def log(self, name):
        try:
            with open(os.path.join(self.prefix, "logs", name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def fcgi_log():
    d = ENV("WARSHA_TEST_LOG_DIR")
    if not d:
        raise Skip("WARSHA_TEST_LOG_DIR is not set")
    return os.path.join(d, "warsha-fcgi.log")


def fcgi_lines_with(rid):
    with open(fcgi_log(), encoding="utf-8", errors="replace") as f:
        return [l for l in f if ("rid=%s" % rid) in l]


def access_line(rid, timeout=3.0):
    """warsha-fcgi's access line of the request with this id (written at once)."""
    lines = poll(lambda: [l for l in fcgi_lines_with(rid) if " msg=request " in l], timeout=timeout)
    check(lines, "no access line with rid=%s in %s" % (rid, fcgi_log()))
    check(len(lines) == 1, "%d access lines with rid=%s" % (len(lines), rid))
    return lines[0]


def expect_nginx_429(r, retry_after):
    body = expect(429, r, "RATE_LIMITED")
    check(r.headers.get("Retry-After") == str(retry_after),
          "%s: Retry-After %r, want %s" % (r.describe(), r.headers.get("Retry-After"), retry_after))
    for h, v in SECURITY_HEADERS.items():
        check(r.headers.get_all(h) == [v], "%s: %s is %r, want once %r"
              % (r.describe(), h, r.headers.get_all(h), v))
    rid = r.headers.get("X-Request-Id") or ""
    check(RID.match(rid), "%s: X-Request-Id %r" % (r.describe(), rid))
    # nginx's own answer: the request never reached warsha-fcgi
    check(not fcgi_lines_with(rid), "%s reached warsha-fcgi (rid=%s in its log)" % (r.describe(), rid))
    return body


def wrong_login(ng, path="/api/auth/login"):
    return ng.req("POST", path, body={"identifier": "nobody-%s@warsha.test" % uniq(),
                                      "password": "Wrong-pass-1"})


def signin_paths():
    """Every sign-in path of fcgi/api/routes.c, and the session calls, from the table."""
    signin, session = set(), set()
    for rt in routes():
        p = rt.pattern.rstrip("/")
        if p in SESSION:
            session.add(p)
        elif p.startswith("/api/auth/") or p in SIGNIN_ELSEWHERE:
            signin.add(p)
        elif rt.handler.startswith("auth_"):
            fail("routes.c: %s %s (%s) signs in or registers outside the paths the sign-in "
                 "zone covers: add it to nginx/snippets/warsha-site.conf and to this test"
                 % (rt.method, rt.pattern, rt.handler))
    check(SESSION <= session, "routes.c lacks session calls %s" % sorted(SESSION - session))
    check(SIGNIN_ELSEWHERE <= signin, "routes.c lacks %s" % sorted(SIGNIN_ELSEWHERE - signin))
    return sorted(signin), sorted(session)


# ------------------------------------------------------------------ the files


def strip_comments(text):
    return "\n".join(l.split("#", 1)[0] for l in text.splitlines())


def blocks(text):
    """Top-level (directive, [inner text]) of an nginx file without comments."""
    out, depth, cur, start = [], 0, "", 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "{":
            if depth == 0:
                head, cur, start = cur.strip(), "", i + 1
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                out.append((head, text[start:i]))
        elif c == ";" and depth == 0:
            out.append((cur.strip(), None))
            cur = ""
        elif depth == 0:
            cur += c
        i += 1
    check(depth == 0, "unbalanced braces")
    return out


def test_site_file_is_a_wrapper():
    """nginx/warsha.conf gives only the machine's addresses, names, logs and directories
    and includes the site snippet: what this file's nginx runs is what production runs."""
    with open(os.path.join(NGINX_DIR, "warsha.conf"), encoding="utf-8") as f:
        top = blocks(strip_comments(f.read()))
    heads = [h for h, _ in top]
    check("upstream warsha_fcgi" in heads and "upstream warsha_notifier" in heads,
          "nginx/warsha.conf: upstreams warsha_fcgi and warsha_notifier, found %s" % heads)
    servers = [inner for h, inner in top if h == "server"]
    check(len(servers) == 1, "nginx/warsha.conf: %d server blocks (one expected)" % len(servers))
    allowed = re.compile(r"^(listen|server_name|access_log|error_log|ssl_\w+)\b")
    inner = blocks(servers[0])
    includes = []
    for head, body in inner:
        if body is None and head.startswith("include "):
            includes.append(head.split(None, 1)[1])
        elif body is None:
            check(allowed.match(head), "nginx/warsha.conf: %r belongs in nginx/snippets/"
                  "warsha-site.conf (the tests run that file, not this one)" % head)
        else:
            check(head in ("location /static/", "location /uploads/"),
                  "nginx/warsha.conf: block %r belongs in nginx/snippets/warsha-site.conf" % head)
            for d, _ in blocks(body):
                check(re.match(r"^(alias|internal|expires|include snippets/warsha-static\.conf)\b", d),
                      "nginx/warsha.conf %s: %r belongs in a snippet" % (head, d))
    check(includes == ["snippets/warsha-site.conf"],
          "nginx/warsha.conf includes %s, want snippets/warsha-site.conf" % includes)
    # and the access log is in the format the operators' tools read
    check(any(h.startswith("access_log ") and h.split()[-1] == "warsha" for h, b in inner if b is None),
          "nginx/warsha.conf: access_log ... warsha")
    # the dev/test stacks run the same site
    with open(os.path.join(NGINX_DIR, "warsha-dev.conf.in"), encoding="utf-8") as f:
        dev = strip_comments(f.read())
    for inc in ("include snippets/warsha-site.conf;", "include snippets/warsha-http-common.conf;"):
        check(inc in dev, "nginx/warsha-dev.conf.in lacks %r" % inc)


def test_session_calls_are_not_signin_attempts():
    """Many GET /api/auth/me (and refresh, logout) are never 429 and spend nothing of the
    sign-in budget: five sign-ins still pass after them, the sixth is nginx's 429."""
    signin, session = signin_paths()
    with ProdNginx() as ng:
        for i in range(24):
            r = ng.req("GET", ["/api/auth/me", "/api/v1/auth/me", "/api/auth/me/"][i % 3])
            expect(401, r, "UNAUTHORIZED")
        for p in session:
            for v in (p, p.replace("/api/", "/api/v1/", 1)):
                r = ng.req("POST", v, body={"refreshToken": "x"})
                check(r.status != 429, "%s: 429 in the general zone after %d requests"
                      % (r.describe(), 30))
        # the sign-in budget is whole: 5 attempts reach the application
        for i in range(5):
            r = wrong_login(ng)
            expect(401, r, "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
            rid = r.headers.get("X-Request-Id")
            check(" status=401 " in access_line(rid), "attempt %d: not the application's 401" % (i + 1))
        r = wrong_login(ng)
        expect_nginx_429(r, 60)
        # the session calls still pass, and so does the rest of the API
        expect(401, ng.req("GET", "/api/auth/me"), "UNAUTHORIZED")
        expect(200, ng.req("GET", "/api/services"))
        # logged at level error in the site's error log, for fail2ban
        err = ng.log("warsha.error.log")
        check(re.search(r'\[error\] .*limiting requests, excess: \S+ by zone "warsha_auth", '
                        r'client: 127\.0\.0\.1', err), "no [error] limiting line in the error log: %r"
              % err[-400:])


def test_every_signin_path_is_limited():
    """Once the sign-in budget is spent, every sign-in, registration, code and password
    path of routes.c gets nginx's 429, as /api/... and /api/v1/..., with or without the
    trailing slash (seed 003 writes /api/v1/user/login/)."""
    signin, _ = signin_paths()
    with ProdNginx() as ng:
        for i in range(5):
            check(wrong_login(ng).status == 401, "attempt %d did not reach the application" % (i + 1))
        tried = 0
        for p in signin:
            variants = {p, p + "/", p.replace("/api/", "/api/v1/", 1),
                        p.replace("/api/", "/api/v1/", 1) + "/"}
            for v in sorted(variants):
                expect_nginx_429(ng.req("POST", v, body={}), 60)
                tried += 1
        check(tried >= 4 * 11, "only %d sign-in paths tried" % tried)
        # a preflight is no sign-in attempt
        r = ng.req("OPTIONS", "/api/auth/login", headers={
            "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"})
        check(r.status != 429, "%s: a CORS preflight counted as a sign-in" % r.describe())


def test_signin_budget_is_shared_by_aliases():
    """The seed-003 aliases draw on the same budget as /api/auth/login."""
    with ProdNginx() as ng:
        for p in ("/api/v1/user/login/", "/api/user/registration/", "/api/v1/user/registration/",
                  "/api/_/users/verify-email", "/api/auth/register"):
            r = ng.req("POST", p, body={})
            check(r.status != 429, "%s: limited before the budget was spent" % r.describe())
        expect_nginx_429(wrong_login(ng), 60)


def test_general_zone_limit():
    """The general zone's 100 requests at once, then nginx's 429 with its own Retry-After."""
    with ProdNginx() as ng:
        c = http.client.HTTPConnection("127.0.0.1", ng.port, timeout=10)
        statuses = []
        for _ in range(100):
            statuses.append(ng.req("GET", "/api/services?limit=1", conn=c).status)
        check(set(statuses) == {200}, "the first 100: %s" % sorted(set(statuses)))
        expect_nginx_429(ng.req("GET", "/api/services?limit=1", conn=c), 9)
        c.close()


def test_request_id():
    """X-Request-Id on every answer (the application's successes and errors, nginx's
    own); the same id in warsha-fcgi's access line, with the client address, and in
    nginx's access line; a client's own X-Request-Id is not taken."""
    with ProdNginx() as ng:
        seen = set()
        for method, path, status in (("GET", "/api/services?limit=1", 200),
                                     ("GET", "/api/no-such-route", 404),
                                     ("POST", "/api/services", 401),
                                     ("GET", "/health", 200)):
            r = ng.req(method, path, headers={"X-Request-Id": "client-chosen-id"}, body={} if method == "POST" else None)
            check(r.status == status, "%s, want %d" % (r.describe(), status))
            ids = r.headers.get_all("X-Request-Id") or []
            check(len(ids) == 1, "%s: X-Request-Id %r (one expected)" % (r.describe(), ids))
            rid = ids[0]
            check(RID.match(rid), "%s: X-Request-Id %r is not nginx's 32 hex digits" % (r.describe(), rid))
            check(rid not in seen, "an id used twice")
            seen.add(rid)
            line = access_line(rid)
            check(" path=%s " % path.split("?")[0] in line and " status=%d " % status in line,
                  "the access line of %s: %s" % (rid, line))
            check(re.search(r" ip=127\.0\.0\.1\b", line), "no client address in %s" % line)
            check("client-chosen-id" not in line, "the client's id was logged: %s" % line)
            if path != "/health":   # access_log off there
                nl = poll(lambda: [l for l in ng.log("warsha.access.log").splitlines()
                                   if l.endswith("rid=" + rid)], timeout=3)
                check(nl and re.search(r'" %d \d+ ".*" ".*" rt=\d+\.\d{3} urt=\d+\.\d{3} rid=' % status, nl[0]),
                      "nginx's access line of %s: %s" % (rid, nl))
        # nginx's own answers carry one too
        for path in ("/nothing-here", "/ws-not"):
            r = ng.req("GET", path)
            expect(404, r, "NOT_FOUND")
            check(RID.match(r.headers.get("X-Request-Id") or ""), "%s: no X-Request-Id" % r.describe())


def test_request_id_from_the_test_stack():
    """The test stack's nginx (same site snippet) does the same."""
    r = api("GET", "/api/services?limit=1", headers={"X-Request-Id": "abc"})
    expect(200, r)
    rid = r.headers.get("X-Request-Id") or ""
    check(RID.match(rid), "X-Request-Id %r" % rid)
    check(" ip=" in access_line(rid), "no ip= in the access line")


def test_gzip_and_yaml():
    with ProdNginx() as ng:
        r = ng.req("GET", "/static/openapi.yaml", headers={"Accept-Encoding": "gzip"})
        check(r.status == 200, r.describe())
        ct = r.headers.get("Content-Type") or ""
        check(ct.split(";")[0] == "application/yaml", "openapi.yaml served as %r" % ct)
        check(r.headers.get("Content-Encoding") == "gzip", "openapi.yaml not gzipped: %s" % dict(r.headers))
        check(r.raw[:2] == b"\x1f\x8b", "not a gzip body")
        for h, v in SECURITY_HEADERS.items():
            check(r.headers.get_all(h) == [v], "%s: %s %r" % (r.describe(), h, r.headers.get_all(h)))
        r = ng.req("GET", "/api/services?limit=50&lang=en", headers={"Accept-Encoding": "gzip"})
        check(r.status == 200, r.describe())
        check((r.headers.get("Content-Type") or "").startswith("application/json"), r.describe())
        if int(r.headers.get("Content-Length") or 2000) >= 1024:
            check(r.headers.get("Content-Encoding") == "gzip", "a JSON list not gzipped: %s" % dict(r.headers))
        check("Accept-Encoding" in (r.headers.get("Vary") or ""), "no Vary: Accept-Encoding")
        # without Accept-Encoding: plain
        r = ng.req("GET", "/static/openapi.yaml")
        check(r.headers.get("Content-Encoding") is None and r.raw.startswith(b"#"), "plain YAML expected")


def test_notifier_down_answers_json():
    """/ws and /socket.io/ with the notifier down: 502 in the API's error shape, with the
    site's headers, not nginx's HTML page."""
    with ProdNginx(notifier="127.0.0.1:%d" % free_port()) as ng:
        for path in ("/ws", "/socket.io/?EIO=4&transport=polling"):
            r = ng.req("GET", path, headers={"Accept-Language": "en"})
            expect(502, r, "UNAVAILABLE")
            check((r.headers.get("Content-Type") or "").startswith("application/json"), r.describe())
            for h, v in SECURITY_HEADERS.items():
                check(r.headers.get_all(h) == [v], "%s: %s %r" % (r.describe(), h, r.headers.get_all(h)))
            check(RID.match(r.headers.get("X-Request-Id") or ""), "%s: no X-Request-Id" % r.describe())


def test_notifier_headers_hidden():
    """The notifier's own security headers stay behind nginx: one set, the site's."""
    if not ENV("WARSHA_TEST_NOTIFIER_URL"):
        raise Skip("WARSHA_TEST_NOTIFIER_URL is not set")
    with ProdNginx() as ng:
        r = ng.req("GET", "/socket.io/?EIO=4&transport=polling")
        check(r.status < 500, r.describe())
        for h, v in SECURITY_HEADERS.items():
            check(r.headers.get_all(h) == [v], "%s: %s %r" % (r.describe(), h, r.headers.get_all(h)))
        for h in ("X-XSS-Protection", "Content-Security-Policy"):
            check(r.headers.get(h) is None, "%s: the notifier's %s passed through" % (r.describe(), h))
        check(len(r.headers.get_all("X-Request-Id") or []) == 1, "X-Request-Id: %r"
              % r.headers.get_all("X-Request-Id"))


def test_fail2ban_filter_matches():
    """The sample fail2ban filter finds the client of a 429 in nginx's error log."""
    path = os.path.join(NGINX_DIR, "fail2ban", "filter.d", "warsha-nginx-limit-req.conf")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^failregex\s*=\s*(.+?)\n(?=\S|\Z)", text, re.M | re.S)
    check(m, "%s: no failregex" % path)
    rxs = [l.strip() for l in m.group(1).splitlines() if l.strip()]
    with ProdNginx() as ng:
        for i in range(6):
            wrong_login(ng)
        # fail2ban cuts the date off the line before it applies failregex
        lines = [re.sub(r"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d", "", l)
                 for l in ng.log("warsha.error.log").splitlines() if "limiting requests" in l]
        check(lines, "no limiting line")
        for rx in rxs:
            py = re.compile(rx.replace("<HOST>", r"(?P<host>\S+)").replace("<F-CONTENT>", "").replace("</F-CONTENT>", ""))
            hits = [py.search(l) for l in lines]
            check(all(hits) and hits[0].group("host") == "127.0.0.1",
                  "%s does not find the client in %r" % (rx, lines[0]))


def test_websockets_through_the_site():
    """/socket.io/ and /ws upgrade through the production site to the notifier."""
    if not ENV("WARSHA_TEST_NOTIFIER_URL"):
        raise Skip("WARSHA_TEST_NOTIFIER_URL is not set")
    from wsclient import SocketIO, PlainWS
    u = warsha_test.register_user(role="customer")
    with ProdNginx() as ng:
        s = SocketIO(ng.base, auth={"token": u["token"]})
        check(s.wait_event("authenticated")["userId"] == u["id"], "Socket.IO through nginx")
        s.close()
        p = PlainWS(ng.base, token=u["token"])
        check(p.wait_event("authenticated")["userId"] == u["id"], "/ws through nginx")
        p.close()


if __name__ == "__main__":
    run(globals())
