"""Warsha behind Apache httpd: apache/warsha.conf in a real apache2, in front of the test
stack's FastCGI pool (WARSHA_TEST_FCGI_ADDR) and notifier (WARSHA_TEST_NOTIFIER_URL).

The suite writes a small main configuration in a temporary directory (its own
ServerRoot, PidFile, logs, a free loopback port, LoadModule lines for the modules
docs/apache.md says to enable) that includes apache/warsha.conf with only its
deployment paths replaced: the pool's socket, the port, the static root and the
notifier's address. It then runs a smoke subset of the black-box suite through it and
compares answers with nginx's where they must agree (the path the application routes
on, query strings, error bodies).

Without apache2 installed the suite reports "skipped" (exit 77); scripts/lib.sh lists
apache2 among the Debian packages, so CI has it. Run as root (CI), Apache refuses to
serve as root, so it is started as www-data with the capability to read the stack's
private files (the checkout's var/ is mode 0700): what production gives it by group
membership (systemd/warsha-fcgi.socket, SocketGroup=warsha).
"""
import atexit
import base64
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (ENV, SOURCE_DIR, TIMEOUT, Skip, api, check, expect, fail, is_arabic,
                         new_password, new_phone, poll, run, stack_required, uniq, admin_token)

APACHE_BIN = "/usr/sbin/apache2"
MODULE_DIR = "/usr/lib/apache2/modules"
# What docs/apache.md enables with a2enmod (the ones Debian has on already included).
MODULES = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_host_module", "mod_authz_host.so"),
    ("alias_module", "mod_alias.so"),
    ("mime_module", "mod_mime.so"),
    ("headers_module", "mod_headers.so"),
    ("setenvif_module", "mod_setenvif.so"),
    ("proxy_module", "mod_proxy.so"),
    ("proxy_fcgi_module", "mod_proxy_fcgi.so"),
    ("proxy_http_module", "mod_proxy_http.so"),
    ("unique_id_module", "mod_unique_id.so"),
    ("filter_module", "mod_filter.so"),
    ("deflate_module", "mod_deflate.so"),
]
SITE = os.path.join(SOURCE_DIR, "apache", "warsha.conf")
NOTIFIER_URL = (ENV("WARSHA_TEST_NOTIFIER_URL") or "").rstrip("/")
LOG_DIR = ENV("WARSHA_TEST_LOG_DIR") or ""
OPENAPI = os.path.join(SOURCE_DIR, "static", "openapi.yaml")

# The production values in apache/warsha.conf that the test replaces; each must be there.
PROD_SOCKET = "unix:/run/warsha/fcgi.sock|"
PROD_PORT = "<VirtualHost *:80>"
PROD_STATIC = "/usr/share/warsha/static/"
PROD_NOTIFIER = "http://127.0.0.1:8090/"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(self), payment=()",
}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Apache:
    """One apache2 in the foreground, in its own session, under a temporary ServerRoot."""

    def __init__(self, tls=False, rate_limits=False, fcgi=None):
        self.rate_limits = rate_limits
        self.fcgi = fcgi
        self.dir = tempfile.mkdtemp(prefix="warsha-apache-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.proc = None

    def site_text(self):
        with open(SITE, encoding="utf-8") as f:
            text = f.read()
        for prod in (PROD_SOCKET, PROD_PORT, PROD_STATIC, PROD_NOTIFIER):
            check(prod in text, "apache/warsha.conf no longer contains %r (the test replaces it)" % prod)
        fcgi = self.fcgi or ENV("WARSHA_TEST_FCGI_ADDR") or ""
        check(fcgi, "WARSHA_TEST_FCGI_ADDR is not set")
        if fcgi.startswith("/"):
            backend = "unix:%s|" % fcgi
        else:   # host:port
            backend = None
            text = re.sub(r'unix:/run/warsha/fcgi\.sock\|fcgi://([\w.-]+)/',
                          lambda m: "fcgi://%s/" % fcgi, text)
        if backend:
            text = text.replace(PROD_SOCKET, backend)
        notifier = urllib.parse.urlsplit(NOTIFIER_URL).netloc
        text = text.replace(PROD_NOTIFIER, "http://%s/" % notifier)
        text = text.replace(PROD_STATIC, os.path.join(SOURCE_DIR, "static") + "/")
        text = text.replace(PROD_PORT, "<VirtualHost 127.0.0.1:%d>" % self.port)
        if self.tls_port:
            # What `certbot --apache` does: a copy of the VirtualHost on the TLS port with
            # the SSL lines added.
            m = re.search(r"^<VirtualHost [^>]*>\n(.*?)^</VirtualHost>\n", text, re.S | re.M)
            check(m, "no VirtualHost block in apache/warsha.conf")
            text += ("\n<VirtualHost 127.0.0.1:%d>\n    SSLEngine on\n"
                     "    SSLCertificateFile %s/tls.crt\n    SSLCertificateKeyFile %s/tls.key\n%s"
                     "</VirtualHost>\n" % (self.tls_port, self.dir, self.dir, m.group(1)))
        return text

    def main_text(self):
        d = self.dir
        mods = list(MODULES)
        if self.tls_port:
            mods.append(("ssl_module", "mod_ssl.so"))
            mods.append(("socache_shmcb_module", "mod_socache_shmcb.so"))
        if self.rate_limits:
            mods.append(("security2_module", "mod_security2.so"))
        lines = [
            'ServerRoot "%s"' % d,
            'PidFile "%s/httpd.pid"' % d,
            'DefaultRuntimeDir "%s"' % d,
            'Mutex file:%s default' % d,
            'ErrorLog "%s/error.log"' % d,
            'Define APACHE_LOG_DIR "%s"' % d,
            "LogLevel warn",
            "ServerName 127.0.0.1",
            "Listen 127.0.0.1:%d" % self.port,
        ]
        if self.tls_port:
            lines.append("Listen 127.0.0.1:%d" % self.tls_port)
        lines += ["LoadModule %s %s/%s" % (name, MODULE_DIR, so) for name, so in mods]
        if self.rate_limits:
            lines.append('SecDataDir "%s"' % d)
        lines += [
            "TypesConfig /etc/mime.types",
            "StartServers 1",
            "ServerLimit 2",
            "ThreadsPerChild 16",
            "MaxRequestWorkers 32",
            'Include "%s/warsha.conf"' % d,
        ]
        return "\n".join(lines) + "\n"

    def error_log(self):
        out = ""
        for name in ("error.log", "warsha.error.log"):
            try:
                with open(os.path.join(self.dir, name), encoding="utf-8", errors="replace") as f:
                    out += "%s:\n%s\n" % (name, f.read()[-3000:])
            except OSError:
                pass
        return out

    def access_log(self):
        try:
            with open(os.path.join(self.dir, "warsha.access.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def start(self):
        if self.tls_port:
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-keyout", os.path.join(self.dir, "tls.key"),
                            "-out", os.path.join(self.dir, "tls.crt")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(self.dir, "warsha.conf"), "w", encoding="utf-8") as f:
            f.write(self.site_text())
        conf = os.path.join(self.dir, "httpd.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(self.main_text())
        cmd = [APACHE_BIN, "-f", conf, "-DFOREGROUND"]
        if os.geteuid() == 0:
            # Apache will not serve as root; as www-data it needs what production grants
            # through the socket's group, here the right to pass the stack's 0700 dirs.
            cmd = ["setpriv", "--reuid=www-data", "--regid=www-data", "--clear-groups",
                   "--inh-caps=+dac_override,+dac_read_search",
                   "--ambient-caps=+dac_override,+dac_read_search"] + cmd
        t = subprocess.run(cmd[:-1] + ["-t"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check(t.returncode == 0, "apache2 -t refused the configuration:\n%s" %
              t.stdout.decode("utf-8", "replace"))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        atexit.register(self.stop)

        def up():
            if self.proc.poll() is not None:
                return "exited"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return "up"
            except OSError:
                return None
        state = poll(up, timeout=15, interval=0.1)
        if state != "up":
            err = self.proc.stderr.read().decode("utf-8", "replace") if state == "exited" else ""
            fail("apache2 did not start (%s):\n%s%s" % (state, err, self.error_log()))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.proc = None
        if os.environ.get("WARSHA_TEST_KEEP_APACHE"):
            print("note: Apache's files kept in %s" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


_apache = {}


def apache():
    if "main" not in _apache:
        a = Apache(tls=True)
        _apache["main"] = a
        a.start()
    a = _apache["main"]
    check(a.proc is not None and a.proc.poll() is None, "apache2 is not running:\n%s" % a.error_log())
    return a


def A(method, path, body=None, token=None, headers=None, raw=None, tls=False, a=None, source=None):
    """One request through Apache (api() of warsha_test, another address); source: the
    client's own loopback address (127.0.0.2 is "another host" to Apache)."""
    a = a or apache()
    if source:
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=TIMEOUT,
                                          source_address=(source, 0))
    elif tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", a.tls_port, timeout=TIMEOUT, context=ctx)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=TIMEOUT)
    try:
        return api(method, path, body=body, token=token, headers=headers, raw=raw, conn=conn)
    finally:
        conn.close()


def check_security_headers(r, csp=False, hsts=False):
    for name, value in SECURITY_HEADERS.items():
        got = r.headers.get_all(name) or []
        check(got == [value], "%s: %r, expected exactly one %r: %s" % (name, got, value, r.describe()))
    got_csp = r.headers.get_all("Content-Security-Policy") or []
    if csp:
        check(len(got_csp) == 1 and "frame-ancestors 'none'" in got_csp[0] and
              "default-src 'self'" in got_csp[0], "CSP %r: %s" % (got_csp, r.describe()))
    else:
        check(got_csp == [], "CSP outside /admin/: %r: %s" % (got_csp, r.describe()))
    got_hsts = r.headers.get_all("Strict-Transport-Security") or []
    if hsts:
        check(got_hsts == ["max-age=31536000; includeSubDomains"], "HSTS %r on TLS: %s" % (got_hsts, r.describe()))
    else:
        check(got_hsts == [], "HSTS on plain HTTP: %r: %s" % (got_hsts, r.describe()))


def fcgi_log_lines(since):
    path = os.path.join(LOG_DIR, "warsha-fcgi.log")
    if not LOG_DIR or not os.path.exists(path):
        raise Skip("WARSHA_TEST_LOG_DIR/warsha-fcgi.log is not there")
    with open(path, "rb") as f:
        f.seek(since)
        return f.read().decode("utf-8", "replace")


def log_size(name):
    path = os.path.join(LOG_DIR, name)
    return os.path.getsize(path) if LOG_DIR and os.path.exists(path) else 0


def register_via_apache():
    u = {"email": "t%s@example.com" % uniq(12), "phone": new_phone(), "username": "u%s" % uniq(12),
         "password": new_password(), "firstName": "Test", "lastName": "User"}
    r = A("POST", "/api/auth/register", u)
    body = expect(201, r)
    u["id"], u["token"] = body["data"]["user"]["id"], body["data"]["token"]
    return u


# ------------------------------------------------------------------ tests

def test_health_and_security_headers():
    r = A("GET", "/health")
    check(r.status in (200, 503), "GET /health: %s" % r.describe())
    check(isinstance(r.body, dict) and (r.headers.get("Content-Type") or "").startswith("application/json"),
          "GET /health: %s" % r.describe())
    n = api("GET", "/health")
    check(sorted(r.body) == sorted(n.body), "keys %s, nginx %s" % (sorted(r.body), sorted(n.body)))
    check_security_headers(r)
    check(r.headers.get("Server", "").startswith("Apache"), "Server: %r" % r.headers.get("Server"))
    # the expressions that read Accept-Language and Content-Length add no Vary (nginx's
    # answers have only gzip's Accept-Encoding either)
    check(r.headers.get("Vary") in (None, "Accept-Encoding"), "Vary: %r" % r.headers.get("Vary"))


def test_bearer_token_reaches_the_application():
    u = register_via_apache()
    r = A("POST", "/api/auth/login", {"identifier": u["email"], "password": u["password"]})
    body = expect(200, r)
    token = body["data"]["token"]
    me = expect(200, A("GET", "/api/auth/me", token=token))
    got = me["data"].get("user", me["data"]) if isinstance(me["data"], dict) else None
    check(isinstance(got, dict) and got.get("id") == u["id"], "/api/auth/me: %r" % me)
    # and without it the same call is refused: the token, not something else, let it in
    expect(401, A("GET", "/api/auth/me"))
    check_security_headers(r)


def test_application_routes_on_the_same_path_as_under_nginx():
    """DOCUMENT_URI: percent-encoding, dot segments, doubled slashes and /api/v1 reach the
    router as nginx hands them (decoded, normalised); the raw REQUEST_URI would not."""
    since = log_size("warsha-fcgi.log")
    for path in ("/api/services/%31", "/api/v1/services/1", "/api/./services/1",
                 "/api//services//1", "/api/services/x/../1", "/api/%73ervices/1",
                 "/api/services/%D8%A8", "/api/nope?x=1"):
        a, n = A("GET", path), api("GET", path)
        check(a.status == n.status, "%s: Apache %s, nginx %s" % (path, a.describe(), n.describe()))
        check(isinstance(a.body, dict) and isinstance(n.body, dict) and
              a.body.get("code") == n.body.get("code") and a.body.get("data") == n.body.get("data"),
              "%s: Apache %s, nginx %s" % (path, a.describe(), n.describe()))
    lines = poll(lambda: "path=/api/services/1 " in fcgi_log_lines(since) and fcgi_log_lines(since), 3)
    check(lines and "%31" not in lines, "the pool logged a raw path: %s" % lines[-600:])


def test_query_strings_with_utf8():
    for params in ({"search": "سباكة", "lang": "en"}, {"search": "كهرباء منزلية"},
                   {"search": "a&b=c", "limit": "5"}, {"category": "تكييف", "page": "1"}):
        path = "/api/services?" + urllib.parse.urlencode(params)
        a, n = A("GET", path), api("GET", path)
        check(a.status == n.status == 200, "%s: Apache %s, nginx %s" % (path, a.describe(), n.describe()))
        check(a.body.get("data") == n.body.get("data") and a.body.get("pagination") == n.body.get("pagination"),
              "%s: Apache %s, nginx %s" % (path, a.describe(), n.describe()))
        check(a.body.get("message") == n.body.get("message"), "%s: message %r vs %r" % (
            path, a.body.get("message"), n.body.get("message")))
    # a validation error names the field read from the query
    path = "/api/services?" + urllib.parse.urlencode({"search": "س" * 101, "lang": "en"})
    expect(422, A("GET", path), "VALIDATION_ERROR", ["search"])


def test_put_and_patch_with_body():
    u = register_via_apache()
    r = A("PUT", "/api/users/profile", {"firstName": "نادية", "lastName": "Kamal"}, token=u["token"])
    expect(200, r)
    me = expect(200, A("GET", "/api/users/profile", token=u["token"]))
    user = me["data"].get("user", me["data"])
    check(user["profile"]["firstName"] == "نادية", "profile after PUT: %r" % user.get("profile"))
    # A chunked body (no Content-Length): mod_proxy_fcgi would pass it without a length
    # and the application would take it as empty (200, nothing changed); refused with 411.
    conn = http.client.HTTPConnection("127.0.0.1", apache().port, timeout=TIMEOUT)
    try:
        data = json.dumps({"lastName": "كمال"}, ensure_ascii=False).encode("utf-8")
        conn.request("PUT", "/api/users/profile?lang=en", body=iter([data[:7], data[7:]]),
                     encode_chunked=True, headers={"Content-Type": "application/json",
                                                   "Authorization": "Bearer " + u["token"]})
        resp = conn.getresponse()
        raw = resp.read()
        check(resp.status == 411, "chunked PUT: %s %r" % (resp.status, raw[:300]))
        check(resp.getheader("Content-Type") == "application/json; charset=utf-8",
              "411 Content-Type %r" % resp.getheader("Content-Type"))
        body = json.loads(raw.decode("utf-8"))
        check(body == {"success": False, "message": "A request body needs a Content-Length",
                       "code": "LENGTH_REQUIRED"}, "411 body %r" % body)
    finally:
        conn.close()
    me = expect(200, A("GET", "/api/users/profile", token=u["token"]))
    user = me["data"].get("user", me["data"])
    check(user["profile"]["lastName"] == "Kamal", "profile after the chunked PUT: %r" % user.get("profile"))
    adm = admin_token()
    expect(200, A("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "تجربة عبر أباتشي"}, token=adm))
    check(api("GET", "/api/auth/me", token=u["token"]).status in (401, 403), "banned user still signed in")
    expect(200, A("PATCH", "/api/admin/users/%d/unban" % u["id"], token=adm))


def test_unknown_paths_404_json_in_both_languages():
    for path in ("/nope", "/index.html", "/api", "/server-status", "/icons/", "/uploads/x.png",
                 "/static/missing.css", "/wsx", "/healthz", "/api/services%2F1", "/static/..%2Fx"):
        r = A("GET", path)
        body = expect(404, r, "NOT_FOUND")
        check(r.headers.get("Content-Type") == "application/json; charset=utf-8",
              "%s: Content-Type %r" % (path, r.headers.get("Content-Type")))
        check(is_arabic(body["message"]), "%s: default message not Arabic: %r" % (path, body))
        check_security_headers(r)
    check(A("GET", "/nope?lang=en").body["message"] == "Not found", "?lang=en")
    check(A("GET", "/nope", headers={"Accept-Language": "en-US,en;q=0.8"}).body["message"] == "Not found",
          "Accept-Language: en")
    check(is_arabic(A("GET", "/nope?lang=ar", headers={"Accept-Language": "en"}).body["message"]),
          "?lang=ar over Accept-Language: en")
    # the pool's own 404 passes through untouched
    r = A("GET", "/api/nope?lang=en")
    expect(404, r, "NOT_FOUND")
    check(r.body == api("GET", "/api/nope?lang=en").body, "pool 404 differs from nginx: %s" % r.describe())
    # /admin → /admin/
    r = A("GET", "/admin")
    check(r.status == 301 and (r.headers.get("Location") or "").endswith("/admin/"), r.describe())


def test_body_limits_413():
    # over the application's 1 MiB: its own 413, as under nginx
    big = b'{"password":"' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = A("POST", "/api/auth/login?lang=en", raw=big, headers={"Content-Type": "application/json"})
    expect(413, r, "PAYLOAD_TOO_LARGE")
    # over LimitRequestBody (12 MiB): Apache's, as JSON, from the announced length alone
    a = apache()
    s = socket.create_connection(("127.0.0.1", a.port), timeout=TIMEOUT)
    try:
        s.sendall(b"POST /api/auth/login?lang=en HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 13000000\r\n\r\n" +
                  b'{"password":"' + b"x" * 65536)
        resp = http.client.HTTPResponse(s)
        resp.begin()
        raw = resp.read()
        check(resp.status == 413, "13 MB body: %s %r" % (resp.status, raw[:300]))
        body = json.loads(raw.decode("utf-8"))
        check(body.get("code") == "PAYLOAD_TOO_LARGE" and body.get("success") is False and
              body.get("message") == "The request body is too large", "413 body %r" % body)
        check(resp.getheader("Content-Type") == "application/json; charset=utf-8",
              "413 Content-Type %r" % resp.getheader("Content-Type"))
    finally:
        s.close()


def test_maintenance_only_from_this_host():
    hdrs = {"X-Maintenance-Token": "wrong-" + uniq(8)}
    for path in ("/api/maintenance/cleanup", "/api/v1/maintenance/cleanup",
                 "/api/%6daintenance/cleanup", "/api//maintenance/cleanup"):
        r = A("POST", path + "?lang=en", headers=hdrs, source="127.0.0.2")
        expect(403, r, "FORBIDDEN")
        check(r.body["message"] == "Forbidden", "not Apache's 403: %s" % r.describe())
        check(r.headers.get("Content-Type") == "application/json; charset=utf-8", r.describe())
        # from this host the application itself decides (the wrong token: its own answer)
        r = A("POST", path + "?lang=en", headers=hdrs)
        n = api("POST", path + "?lang=en", headers=hdrs)
        check(r.status == n.status and r.body == n.body, "%s: Apache %s, nginx %s" % (
            path, r.describe(), n.describe()))
    # the rest of the API answers other hosts as usual
    expect(200, A("GET", "/api/services?limit=1", source="127.0.0.2"))


def test_pool_down_is_json_503():
    """An Apache whose pool refuses connections: mod_proxy answers 503 (nginx: 502), as
    the API's JSON UNAVAILABLE error; once the pool is back the next request is answered
    (retry=0, should this Apache put the backend out of use)."""
    real = ENV("WARSHA_TEST_FCGI_ADDR") or ""
    if not real.startswith("/"):
        raise Skip("the test stack's pool is not on a unix socket")
    sock = os.path.join(tempfile.gettempdir(), "warsha-pool-%s.sock" % uniq(8))
    dead = socket.socket(socket.AF_UNIX)   # a socket nobody listens on: ECONNREFUSED
    dead.bind(sock)
    a = Apache(fcgi=sock)
    a.start()
    try:
        for path in ("/health", "/api/services?lang=en", "/api/services"):
            r = A("GET", path, a=a)
            expect(503, r, "UNAVAILABLE")
            check(r.headers.get("Content-Type") == "application/json; charset=utf-8", r.describe())
            check_security_headers(r)
        check(A("GET", "/health?lang=en", a=a).body["message"] ==
              "The service is temporarily unavailable, please try again shortly", "English 503")
        # the pool is back (a link to the stack's socket): answered at once, not after
        # mod_proxy's default minute out of use
        os.symlink(real, sock + ".new")
        os.replace(sock + ".new", sock)
        expect(200, A("GET", "/api/services?limit=1", a=a))
    finally:
        a.stop()
        dead.close()
        for p in (sock, sock + ".new"):
            if os.path.lexists(p):
                os.unlink(p)


def test_request_id():
    """mod_unique_id's id, one per request, answered as X-Request-Id (one copy), on
    Apache's own answers too; the pool logs it (rid=) and so does Apache's access log."""
    since = log_size("warsha-fcgi.log")
    ids = []
    for path in ("/api/services?limit=1&rid=" + uniq(6), "/nope", "/health"):
        r = A("GET", path)
        got = r.headers.get_all("X-Request-Id") or []
        check(len(got) == 1 and re.match(r"^[A-Za-z0-9_-]{20,64}$", got[0]), "%s: X-Request-Id %r" % (path, got))
        ids.append(got[0])
    check(len(set(ids)) == 3, "request ids repeat: %r" % ids)
    text = poll(lambda: ("rid=%s" % ids[0]) in fcgi_log_lines(since) and fcgi_log_lines(since), 3)
    check(text, "the pool did not log rid=%s" % ids[0])
    log = poll(lambda: all(("rid=%s" % i) in apache().access_log() for i in ids) and apache().access_log(), 3)
    check(log, "Apache's access log lacks the ids %r:\n%s" % (ids, apache().access_log()[-600:]))
    # a client's own X-Request-Id is not taken
    r = A("GET", "/api/services?limit=1", headers={"X-Request-Id": "client-chosen-id"})
    check(r.headers.get("X-Request-Id") != "client-chosen-id", "the client's X-Request-Id came back")


def test_compression_but_not_on_sign_in_and_session_answers():
    a = apache()
    u = register_via_apache()

    def get(method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=TIMEOUT)
        try:
            h = {"Accept-Encoding": "gzip"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                h["Content-Type"] = "application/json"
            if token:
                h["Authorization"] = "Bearer " + token
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            raw = resp.read()
            if resp.getheader("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            return resp, json.loads(raw.decode("utf-8"))
        finally:
            conn.close()
    resp, body = get("GET", "/api/services?limit=20")
    check(resp.status == 200 and body["success"] is True, "services: %s" % resp.status)
    check(resp.getheader("Content-Encoding") == "gzip", "a JSON list not compressed")
    for method, path, data, token in (("GET", "/api/auth/me", None, u["token"]),
                                      ("GET", "/api/v1/auth/me/", None, u["token"]),
                                      ("POST", "/api/auth/login", {"identifier": u["email"],
                                                                   "password": u["password"]}, None)):
        resp, body = get(method, path, data, token)
        check(resp.status == 200, "%s %s: %s %r" % (method, path, resp.status, body))
        check(resp.getheader("Content-Encoding") is None, "%s %s compressed" % (method, path))


def test_static_openapi():
    r = A("GET", "/static/openapi.yaml")
    check(r.status == 200, r.describe())
    with open(OPENAPI, "rb") as f:
        check(r.raw == f.read(), "/static/openapi.yaml differs from static/openapi.yaml")
    check(r.headers.get("Content-Type") == "application/yaml; charset=utf-8",
          "Content-Type %r" % r.headers.get("Content-Type"))
    check(r.headers.get("Cache-Control") == "max-age=3600", "Cache-Control %r" % r.headers.get("Cache-Control"))
    check_security_headers(r)
    check(A("GET", "/static/").status == 404, "/static/ lists the directory")


def test_admin_gets_csp():
    r = A("GET", "/admin/")
    check(r.status < 500, r.describe())
    check_security_headers(r, csp=True)
    check_security_headers(A("GET", "/"))


def test_notifier_paths_reach_the_notifier():
    if not NOTIFIER_URL:
        raise Skip("WARSHA_TEST_NOTIFIER_URL is not set")
    since = log_size("warsha-notifier.log")
    # Socket.IO's long-polling handshake is plain HTTP. The notifier speaks Socket.IO over
    # WebSocket only: polling is its own JSON 400 (Cache-Control: no-store, English).
    r = A("GET", "/socket.io/?EIO=4&transport=polling")
    check(r.status in (200, 400, 404), r.describe())
    if r.status in (400, 404):
        check(r.headers.get("Cache-Control") == "no-store" and
              r.body.get("code") in ("BAD_REQUEST", "NOT_FOUND"),
              "not the notifier's answer: %s" % r.describe())
    # the site's security headers, one set: the notifier's own are dropped
    check_security_headers(r)
    check(r.headers.get("X-XSS-Protection") is None, "the notifier's X-XSS-Protection: %s" % r.describe())
    check(len(r.headers.get_all("X-Request-Id") or []) == 1, "X-Request-Id: %r" % r.headers.get_all("X-Request-Id"))
    # WebSocket upgrades: 101 when Apache passes them on (mod_proxy_wstunnel) and the
    # notifier takes them; a notifier that hangs up is Apache's JSON 502.
    for path in ("/socket.io/?EIO=4&transport=websocket", "/ws"):
        a = apache()
        s = socket.create_connection(("127.0.0.1", a.port), timeout=TIMEOUT)
        try:
            key = base64.b64encode(os.urandom(16))
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                      b"Sec-WebSocket-Key: " + key + b"\r\n\r\n")
            resp = http.client.HTTPResponse(s)
            resp.begin()
            if resp.status == 101:
                check((resp.getheader("Upgrade") or "").lower() == "websocket", "101 without Upgrade")
                continue
            raw = resp.read()
            check(resp.status in (502, 503), "%s upgrade: %s %r" % (path, resp.status, raw[:300]))
            body = json.loads(raw.decode("utf-8"))
            check(body.get("code") == "UNAVAILABLE", "%s upgrade: %r" % (path, body))
        finally:
            s.close()
    if LOG_DIR:
        def seen():
            with open(os.path.join(LOG_DIR, "warsha-notifier.log"), "rb") as f:
                f.seek(since)
                return f.read().decode("utf-8", "replace")
        text = poll(lambda: ("path=/ws" in seen() and "path=/socket.io/" in seen()) and seen(), 3)
        check(text and re.search(r"msg=request method=GET path=/socket\.io/ ", text),
              "the notifier did not log the polling request: %r" % seen())
        check(re.search(r"msg=(upgrade_refused|upgrade\w*) path=/socket\.io/", text) and
              re.search(r"msg=(upgrade_refused|upgrade\w*) path=/ws\b", text),
              "the notifier did not see both upgrades: %r" % text)


def test_tls_sends_hsts_and_tells_the_application():
    r = A("GET", "/health", tls=True)
    check(r.status in (200, 503), r.describe())
    check_security_headers(r, hsts=True)
    # HTTPS=on reaches warsha-fcgi: its cookies are Secure on TLS, not on plain HTTP
    u = register_via_apache()
    creds = {"identifier": u["email"], "password": u["password"]}
    plain = A("POST", "/api/auth/login", creds)
    tls = A("POST", "/api/auth/login", creds, tls=True)
    expect(200, plain)
    expect(200, tls)
    c_plain = plain.headers.get_all("Set-Cookie") or []
    c_tls = tls.headers.get_all("Set-Cookie") or []
    if not c_tls:
        raise Skip("login sets no cookie in this configuration; HTTPS=on is not observable")
    check(all("; Secure" in c for c in c_tls), "cookies over TLS not Secure: %r" % c_tls)
    check(not any("; Secure" in c for c in c_plain), "cookies over plain HTTP are Secure: %r" % c_plain)


SLACK = 3


def test_rate_limits_with_modsecurity():
    """The spec's limits per client address, with fixed windows: 10 uploads a minute, 5
    auth and 100 API requests per 15 minutes; auth and upload requests count against the
    general limit too. A fresh Apache (its own counters) with mod_security2 loaded."""
    if not os.path.exists(os.path.join(MODULE_DIR, "mod_security2.so")):
        raise Skip("libapache2-mod-security2 is not installed")
    a = Apache(rate_limits=True)
    a.start()
    try:
        def over(r, code="RATE_LIMITED", window=900):
            expect(429, r, code)
            check(r.headers.get("Content-Type") == "application/json; charset=utf-8", r.describe())
            ra = r.headers.get("Retry-After") or ""
            check(ra.isdigit() and 0 < int(ra) <= window, "Retry-After %r: %s" % (ra, r.describe()))
            check_security_headers(r)

        def until_limited(send, allowed, what):
            """send() `allowed` times, none refused, then until refused: at most SLACK more,
            as ModSecurity stores a count after its answer has gone out, so a request sent
            right after it may still read the count before."""
            for i in range(allowed):
                r = send()
                check(r.status != 429, "%s %d of %d refused: %s" % (what, i + 1, allowed, r.describe()))
            for extra in range(SLACK + 1):
                r = send()
                if r.status == 429:
                    if extra:
                        print("note: %s: %d request(s) over the limit got through" % (what, extra))
                    return r, allowed + extra + 1
            fail("%s: no 429 after %d requests: %s" % (what, allowed + SLACK + 1, r.describe()))

        used = 0
        r, n = until_limited(lambda: A("GET", "/api/v1/upload/x?lang=en", a=a), 10, "uploads")
        over(r, window=60)
        check(r.body["message"] == "Too many requests, please try again later", r.describe())
        over(A("GET", "/api/upload/x", a=a), window=60)   # refused until the window closes
        used += n + 1
        # a session's own calls and CORS preflights are no sign-in: the general limit only
        for method, path in (("GET", "/api/auth/me"), ("POST", "/api/auth/refresh"),
                             ("POST", "/api/v1/auth/logout/"), ("OPTIONS", "/api/auth/login"),
                             ("OPTIONS", "/api/auth/login"), ("GET", "/api/auth/me")):
            r = A(method, path, a=a)
            check(r.status != 429, "%s %s: %s" % (method, path, r.describe()))
            used += 1
        paths = iter(["/api/auth/login", "/api/%61uth//login", "/api/v1/auth/login", "/api/user/login",
                      "/api/auth/forgot-password", "/api/v1/user/registration/"] * 2)
        creds = {"identifier": "nobody%s@example.com" % uniq(8), "password": "Wrong-pass-1"}
        r, n = until_limited(lambda: A("POST", next(paths), creds, a=a), 5, "sign-in")
        over(r)   # the same limit, however the path is written
        check(is_arabic(r.body["message"]), "default language: %s" % r.describe())
        used += n
        # maintenance calls count against nothing; /health and /static/ are not /api/
        for _ in range(3):
            A("POST", "/api/maintenance/none", a=a)
        check(A("GET", "/health", a=a).status in (200, 503), "/health")
        r, n = until_limited(lambda: A("GET", "/api/services?limit=1", a=a), 100 - used, "general")
        over(r)
        check(A("GET", "/static/openapi.yaml", a=a).status == 200, "static limited")
        check(A("GET", "/health", a=a).status in (200, 503), "/health limited")
    finally:
        a.stop()
    # the main Apache (no ModSecurity) and nginx's test stack are not limited by this
    expect(200, A("GET", "/api/services?limit=1"))


def main():
    stack_required()
    if not os.path.exists(APACHE_BIN):
        print("skip: apache2 is not installed (%s); scripts/dev deps installs it" % APACHE_BIN)
        sys.exit(77)
    run(globals())


if __name__ == "__main__":
    main()
