"""Shared helpers of the black-box API tests (tests/api/test_*.py).

The tests talk HTTP to the real stack that `scripts/dev test` starts (nginx in front of
the FastCGI pool and MariaDB) and read the database directly only for what the API
never shows (codes queued in the outbox, anonymized rows, row counts). They use the
Python standard library only (docs/architecture.md).

Environment (exported by scripts/dev test; without WARSHA_TEST_URL a test exits 77,
which ctest reports as "skipped"):

  WARSHA_TEST_URL               nginx base, e.g. http://127.0.0.1:18080
  WARSHA_TEST_FCGI_ADDR         the FastCGI pool's address
  WARSHA_TEST_FCGI_PIDFILE      pid file of the warsha-fcgi supervisor
  WARSHA_TEST_CONFIG            warsha.conf of the stack
  WARSHA_TEST_DB_SOCKET, _DB_USER, _DB_PASSWORD, _DB_NAME   MariaDB access
  WARSHA_TEST_JWT_SECRET        to forge tokens (expired, wrong algorithm...)
  WARSHA_TEST_MAINTENANCE_TOKEN the X-Maintenance-Token value
  WARSHA_TEST_ADMIN_EMAIL, WARSHA_TEST_ADMIN_PASSWORD   the first admin
  WARSHA_TEST_LOG_DIR           the servers' logs, scanned after each suite (LogScan)

A test module defines test_* functions and ends with `run(globals())`; the runner runs
them in file order, prints `ok name` or `FAIL name: ...` and exits 1 on any failure.
`python3 tests/api/test_auth.py test_login_by_phone` runs only the named tests.
Every test makes its own users, so each one can run alone and in any order.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

ENV = os.environ.get
BASE_URL = (ENV("WARSHA_TEST_URL") or "").rstrip("/")
TIMEOUT = float(ENV("WARSHA_TEST_HTTP_TIMEOUT") or 60)
SOURCE_DIR = ENV("WARSHA_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

ARABIC = re.compile("[\u0600-\u06ff]")
ROLES = ("customer", "technician", "admin", "moderator", "corporate")


class TestFailure(AssertionError):
    pass


class Skip(Exception):
    """Raised by a test that cannot run here (printed as `skip name: why`)."""


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


# ------------------------------------------------------------------ HTTP

class Resp(tuple):
    """(status, headers, body) with the request it answers, for error messages.

    headers is an http.client.HTTPMessage: get() is case-insensitive and get_all()
    returns every Set-Cookie line. body is the parsed JSON when the answer is JSON,
    else the text (or bytes when it is not UTF-8)."""

    def __new__(cls, status, headers, body, method, path, raw):
        self = tuple.__new__(cls, (status, headers, body))
        self.method, self.path, self.raw = method, path, raw
        return self

    status = property(lambda self: self[0])
    headers = property(lambda self: self[1])
    body = property(lambda self: self[2])

    def describe(self):
        text = self.raw[:600].decode("utf-8", "replace") if isinstance(self.raw, bytes) else ""
        return "%s %s -> %s %s" % (self.method, self.path, self.status, text)


def _split_url():
    u = urllib.parse.urlsplit(BASE_URL)
    return u.hostname or "127.0.0.1", u.port or 80


# The loopback address requests are sent from: run() gives every test one of its own
# (Linux routes all of 127/8 to lo), so the per-address limits of one test never meet
# another's (docs/decisions.md). None: the system's choice.
SOURCE_ADDRESS = None


def _new_source_address():
    host, _ = _split_url()
    if not host.startswith("127."):
        return None
    b = os.urandom(3)
    ip = "127.%d.%d.%d" % (1 + b[0] % 250, b[1], 1 + b[2] % 250)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((ip, 0))
        finally:
            s.close()
    except OSError:
        return None
    return ip


def connection(timeout=None):
    host, port = _split_url()
    src = (SOURCE_ADDRESS, 0) if SOURCE_ADDRESS else None
    return http.client.HTTPConnection(host, port, timeout=timeout or TIMEOUT, source_address=src)


def api(method, path, body=None, token=None, headers=None, raw=None, cookies=None,
        conn=None):
    """One request to the stack. body: JSON-encoded with Content-Type application/json;
    raw: bytes (or str) sent exactly as given, Content-Type only when headers says so.
    token: "Authorization: Bearer <token>". cookies: dict for the Cookie header.
    conn: an open http.client connection to reuse (keep-alive); else a new one."""
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if raw is not None:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    if cookies:
        hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    for k, v in (headers or {}).items():
        if v is None:
            hdrs.pop(k, None)
        else:
            hdrs[k] = v
    own = conn is None
    c = conn or connection()
    try:
        c.request(method, path, body=data, headers=hdrs)
        r = c.getresponse()
        payload = r.read()
        status, rh = r.status, r.headers
    finally:
        if own:
            c.close()
    parsed = payload
    try:
        parsed = payload.decode("utf-8")
        if "json" in (rh.get("Content-Type") or "") and parsed:
            parsed = json.loads(parsed)
    except ValueError:
        pass
    return Resp(status, rh, parsed, method, path, payload)


def q(path, **params):
    """path with a query string: q('/api/services', lang='en', limit=5)."""
    if not params:
        return path
    return path + ("&" if "?" in path else "?") + urllib.parse.urlencode(params)


def en(path):
    return path + ("&" if "?" in path else "?") + "lang=en"


# ------------------------------------------------------------------ assertions

def expect(status, resp, code=None, fields=None, message=None, reason=None):
    """Checks the answer's status and docs/api-conventions.md shape; returns the body.

    Errors: success false, a non-empty message, a code (== code when given), the finer
    cause beside it (== reason when given: INVALID_CREDENTIALS under UNAUTHORIZED) and, when
    fields is given, errors[] whose entries each have field, message and code and name
    exactly those fields (a list/set of names, or a dict name -> expected code).
    Successes: success true, a non-empty message and a data member.
    message: a substring the message must contain."""
    st, hd, body = resp
    if isinstance(status, (tuple, list, set)):
        check(st in status, "expected status in %s, got %s" % (sorted(status), resp.describe()))
    else:
        check(st == status, "expected status %s, got %s" % (status, resp.describe()))
    check(isinstance(body, dict), "expected a JSON object: %s" % resp.describe())
    ctype = hd.get("Content-Type") or ""
    check(ctype.startswith("application/json"), "Content-Type %r: %s" % (ctype, resp.describe()))
    msg = body.get("message")
    check(isinstance(msg, str) and msg.strip() != "", "no message: %s" % resp.describe())
    if message is not None:
        check(message in msg, "message %r lacks %r: %s" % (msg, message, resp.describe()))
    if st >= 400:
        check(body.get("success") is False, "success is not false: %s" % resp.describe())
        check(isinstance(body.get("code"), str) and body["code"],
              "no error code: %s" % resp.describe())
        if code is not None:
            check(body["code"] == code, "code %r, expected %r: %s" % (body["code"], code,
                                                                       resp.describe()))
        if reason is not None:
            check(body.get("reason") == reason, "reason %r, expected %r: %s"
                  % (body.get("reason"), reason, resp.describe()))
        if st >= 500:
            low = json.dumps(body).lower()
            for leak in ("mysql", "mariadb", "sql", "errno", "stack", "/work/", ".c:"):
                check(leak not in low, "5xx leaks internals (%s): %s" % (leak, resp.describe()))
    else:
        check(body.get("success") is True, "success is not true: %s" % resp.describe())
        check("data" in body, "no data member: %s" % resp.describe())
    if fields is not None:
        errs = body.get("errors")
        check(isinstance(errs, list) and errs, "no errors[]: %s" % resp.describe())
        for e in errs:
            check(isinstance(e, dict) and isinstance(e.get("field"), str) and
                  isinstance(e.get("message"), str) and e["message"].strip() and
                  isinstance(e.get("code"), str) and e["code"],
                  "malformed errors[] entry %r: %s" % (e, resp.describe()))
        got = sorted({e["field"] for e in errs})
        want = sorted(fields)
        check(got == want, "errors name %s, expected exactly %s: %s" % (got, want,
                                                                     resp.describe()))
        if isinstance(fields, dict):
            for e in errs:
                wc = fields[e["field"]]
                if wc is not None:
                    check(e["code"] == wc, "field %s has code %s, expected %s: %s" % (
                        e["field"], e["code"], wc, resp.describe()))
    return body


def expect_list(resp, page=1, limit=10):
    """A 200 list answer with its pagination object (docs/api-conventions.md); returns the body."""
    body = expect(200, resp)
    check(isinstance(body["data"], list), "data is not a list: %s" % resp.describe())
    pg = body.get("pagination")
    check(isinstance(pg, dict), "no pagination object: %s" % resp.describe())
    for k in ("page", "limit", "totalPages", "totalItems"):
        check(isinstance(pg.get(k), int) and not isinstance(pg.get(k), bool),
              "pagination.%s is not an integer: %s" % (k, resp.describe()))
    check(pg["page"] == page, "pagination.page %s != %s" % (pg["page"], page))
    check(pg["limit"] == limit, "pagination.limit %s != %s" % (pg["limit"], limit))
    total = pg["totalItems"]
    check(pg["totalPages"] == (total + limit - 1) // limit,
          "totalPages %s does not fit totalItems %s / limit %s" % (pg["totalPages"], total, limit))
    check(len(body["data"]) <= limit, "more items than limit: %d" % len(body["data"]))
    return body


def is_arabic(s):
    return isinstance(s, str) and ARABIC.search(s) is not None


def expect_bilingual(method, path, body=None, token=None, status=None, headers=None):
    """The same request with ?lang=en and with Accept-Language: ar answers in English
    and in Arabic. Returns (english_message, arabic_message). Only for requests that
    can be repeated (reads, or calls that fail the same way twice)."""
    h = dict(headers or {})
    r_en = api(method, en(path), body=body, token=token, headers=h)
    h_ar = dict(h)
    h_ar["Accept-Language"] = "ar-EG,ar;q=0.9"
    r_ar = api(method, path, body=body, token=token, headers=h_ar)
    for r in (r_en, r_ar):
        if status is not None:
            check(r.status == status, "expected %s: %s" % (status, r.describe()))
        check(isinstance(r.body, dict) and isinstance(r.body.get("message"), str),
              "no message: %s" % r.describe())
    m_en, m_ar = r_en.body["message"], r_ar.body["message"]
    check(not is_arabic(m_en) and re.search("[A-Za-z]", m_en),
          "?lang=en message is not English: %r (%s)" % (m_en, path))
    check(is_arabic(m_ar), "Accept-Language: ar message is not Arabic: %r (%s)" % (m_ar, path))
    return m_en, m_ar


# ------------------------------------------------------------------ database

def _unescape_batch(v):
    if v == "NULL":
        return None
    if "\\" not in v:
        return v
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v):
            n = v[i + 1]
            out.append({"n": "\n", "t": "\t", "0": "\0", "\\": "\\"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def db_query(sql, database=None):
    """Rows of one SQL statement (lists of strings; NULL is None), through the mariadb
    client as the application's account (in the stack's database unless told)."""
    sock = ENV("WARSHA_TEST_DB_SOCKET")
    if not sock:
        raise Skip("WARSHA_TEST_DB_SOCKET is not set")
    env = dict(os.environ)
    env["MYSQL_PWD"] = ENV("WARSHA_TEST_DB_PASSWORD") or ""
    cmd = ["mariadb", "--no-defaults", "--socket=" + sock, "-u" + (ENV("WARSHA_TEST_DB_USER") or "warsha"),
           "-N", "-B", "--default-character-set=utf8mb4", "-e", sql,
           database or ENV("WARSHA_TEST_DB_NAME") or "warsha"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
    if p.returncode != 0:
        fail("SQL failed: %s\n%s" % (sql, p.stderr.decode("utf-8", "replace")))
    rows = []
    for line in p.stdout.decode("utf-8").split("\n"):
        if line == "":
            continue
        rows.append([_unescape_batch(v) for v in line.split("\t")])
    return rows


def db_scalar(sql):
    rows = db_query(sql)
    return rows[0][0] if rows else None


def db_count(table, where="1"):
    return int(db_scalar("SELECT COUNT(*) FROM %s WHERE %s" % (table, where)))


def sql_str(s):
    """A SQL string literal (for the tests' own generated values only)."""
    if s is None:
        return "NULL"
    return "'" + str(s).replace("\\", "\\\\").replace("'", "''") + "'"


def outbox_rows(user_id, template):
    """[(id, recipient, payload dict, lang)] of the user's outbox rows of a template,
    newest first."""
    rows = db_query("SELECT id, recipient, payload, lang FROM outbox WHERE user_id = %d AND"
                    " template = %s ORDER BY id DESC" % (int(user_id), sql_str(template)))
    return [(int(r[0]), r[1], json.loads(r[2]), r[3]) for r in rows]


def outbox_code(user_id, template, key):
    """The newest code (payload[key]) queued for the user with this template."""
    rows = outbox_rows(user_id, template)
    check(rows, "no outbox row with template %s for user %s" % (template, user_id))
    v = rows[0][2].get(key)
    check(isinstance(v, str) and v, "outbox payload has no %s: %r" % (key, rows[0][2]))
    return v


def activity_rows(where):
    return db_query("SELECT id, actor_id, actor_role, action, target_type, target_id"
                    " FROM activity_log WHERE %s ORDER BY id" % where)


def max_id(table):
    return int(db_scalar("SELECT COALESCE(MAX(id), 0) FROM %s" % table))


def free_spot(lat_range, lng_range, south=0.6, north=0.6, west=0.7, east=0.7):
    """A random point (lat, lng) in the ranges (a corner of the Western Desert, say)
    with no technician of any suite in the box [lat - south, lat + north] x
    [lng - west, lng + east] degrees, so searches around it see only the caller's own
    technicians whatever ran before."""
    import random
    for _ in range(200):
        lat = round(random.uniform(*lat_range), 4)
        lng = round(random.uniform(*lng_range), 4)
        near = db_scalar("SELECT COUNT(*) FROM technician_profiles WHERE latitude BETWEEN"
                         " %f AND %f AND longitude BETWEEN %f AND %f"
                         % (lat - south, lat + north, lng - west, lng + east))
        if int(near) == 0:
            return lat, lng
    fail("no free point left in %r x %r" % (lat_range, lng_range))


# ------------------------------------------------------------------ users

def uniq(n=10):
    return os.urandom(n).hex()[:n]


def new_phone():
    """A random valid Egyptian mobile in local form, 01[0125]XXXXXXXX."""
    r = int.from_bytes(os.urandom(6), "big")
    return "01" + "0125"[r % 4] + "%08d" % ((r // 4) % 100000000)


def e164(local):
    return "+2" + local


def new_password():
    return "Pw%sA9z" % uniq(8)


def login(identifier, password, field="identifier", **extra):
    body = {field: identifier, "password": password}
    body.update(extra)
    return api("POST", "/api/auth/login", body)


def register_user(role=None, lang=None, tries=3, **fields):
    """Registers a fresh user through POST /api/auth/register and returns a dict:
    id, email, phone (local 01...), phone_e164, username, password, role, token,
    refresh, user (the answer's user object), resp. Extra keyword fields are sent too
    (None removes a default field)."""
    last = None
    for _ in range(tries):
        u = {"email": "t%s@example.com" % uniq(12), "phone": new_phone(),
             "username": "u%s" % uniq(12), "password": new_password(),
             "firstName": "Test", "lastName": "User"}
        if role is not None:
            u["role"] = role
        if lang is not None:
            u["preferredLanguage"] = lang
        for k, v in fields.items():
            if v is None:
                u.pop(k, None)
            else:
                u[k] = v
        r = api("POST", "/api/auth/register", u)
        last = r
        if r.status == 409 and isinstance(r.body, dict) and not any(
                isinstance(e, dict) and e.get("field") in fields for e in r.body.get("errors") or []):
            continue  # a random phone, email or username already taken: draw again
        body = expect(201, r)
        d = body["data"]
        check(isinstance(d.get("token"), str) and isinstance(d.get("refreshToken"), str),
              "register: no token/refreshToken: %s" % r.describe())
        check(isinstance(d.get("user"), dict) and isinstance(d["user"].get("id"), int),
              "register: no user.id: %s" % r.describe())
        return {"id": d["user"]["id"], "email": u.get("email"), "phone": u.get("phone"),
                "phone_e164": e164(u["phone"]) if u.get("phone", "").startswith("01") else None,
                "username": u.get("username"), "password": u.get("password"),
                "role": d["user"].get("role"), "token": d["token"],
                "refresh": d["refreshToken"], "user": d["user"], "resp": r}
    fail("could not register a user: %s" % last.describe())


_admin = {}
_admin_lock = threading.Lock()


def admin_login():
    """{token, id, refresh} of the first admin (WARSHA_TEST_ADMIN_EMAIL/_PASSWORD); one
    login per test process."""
    with _admin_lock:
        if not _admin:
            email, pw = ENV("WARSHA_TEST_ADMIN_EMAIL"), ENV("WARSHA_TEST_ADMIN_PASSWORD")
            if not email or not pw:
                raise Skip("WARSHA_TEST_ADMIN_EMAIL/PASSWORD are not set")
            r = login(email, pw, field="email")
            body = expect(200, r)
            _admin.update(token=body["data"]["token"], id=body["data"]["user"]["id"],
                          refresh=body["data"]["refreshToken"], email=email, password=pw)
        return dict(_admin)


def admin_token():
    return admin_login()["token"]


def set_role(user_id, role, token=None):
    """PUT /api/users/:id/role as admin; returns the response."""
    return api("PUT", "/api/users/%d/role" % user_id, {"role": role}, token=token or admin_token())


def make_user_with_role(role, **fields):
    """A fresh user with this role and a token carrying it. customer and technician
    register as such; other roles are set by an admin through PUT /api/users/:id/role.
    When that endpoint does not answer 200 (users.c missing or broken), the role is set
    in the database instead and a note goes to stderr, so resource tests do not fail
    for another resource's bug (test_users.py tests the endpoint itself)."""
    if role in ("customer", "technician"):
        u = register_user(role=role, **fields)
        check(u["role"] == role, "registered as %s, got role %r" % (role, u["role"]))
        return u
    u = register_user(**fields)
    r = set_role(u["id"], role)
    if r.status != 200:
        sys.stderr.write("note: PUT /api/users/%d/role answered %s; role set in the database\n"
                         % (u["id"], r.status))
        db_query("UPDATE users SET role = %s WHERE id = %d" % (sql_str(role), u["id"]))
    r = login(u["email"], u["password"], field="email")
    body = expect(200, r)
    u["token"], u["refresh"] = body["data"]["token"], body["data"]["refreshToken"]
    u["role"] = body["data"]["user"]["role"]
    check(u["role"] == role, "user %d has role %r, expected %s" % (u["id"], u["role"], role))
    return u


def user_of(body):
    """The user object of an answer: data.user, or data itself when it is the user."""
    d = body.get("data")
    if isinstance(d, dict) and isinstance(d.get("user"), dict):
        return d["user"]
    return d


def db_user(user_id):
    """The users row as a dict of strings (selected columns)."""
    cols = ["id", "email", "phone", "username", "role", "first_name", "last_name", "is_active",
            "email_verified", "phone_verified", "is_banned", "ban_reason", "banned_at",
            "deleted_at", "preferred_language"]
    rows = db_query("SELECT %s FROM users WHERE id = %d" % (", ".join(cols), int(user_id)))
    check(rows, "no users row %s" % user_id)
    return dict(zip(cols, rows[0]))


# ------------------------------------------------------------------ tokens

def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def forge_jwt(claims, secret=None, alg="HS256", header=None):
    """A JWT built by hand: HS256/HS384/HS512 signed with secret, or alg "none" with an
    empty signature. header replaces the default {"alg": alg, "typ": "JWT"}."""
    h = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing = b64url(json.dumps(h, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    if alg.lower() == "none":
        return signing + "."
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    key = (secret or "").encode()
    return signing + "." + b64url(hmac.new(key, signing.encode(), digest).digest())


def claims_for(user_id, role="customer", exp_in=3600, iat=None, **extra):
    now = int(time.time())
    c = {"sub": str(user_id), "role": role, "iat": now if iat is None else iat,
         "exp": now + exp_in, "jti": os.urandom(16).hex()}
    c.update(extra)
    return c


def jwt_secret():
    s = ENV("WARSHA_TEST_JWT_SECRET")
    if not s:
        raise Skip("WARSHA_TEST_JWT_SECRET is not set")
    return s


def jwt_claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def cookies_of(resp):
    """{name: (value, attributes string)} of the answer's Set-Cookie lines."""
    out = {}
    for line in resp.headers.get_all("Set-Cookie") or []:
        first, _, attrs = line.partition(";")
        name, _, value = first.partition("=")
        out[name.strip()] = (value.strip(), attrs)
    return out


# ------------------------------------------------------------------ races

def at_once(*calls):
    """Runs the calls (functions of no argument) in threads released together, for
    tests where two requests race for one row; their answers in order."""
    results = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def go(i, fn):
        gate.wait()
        results[i] = fn()

    threads = [threading.Thread(target=go, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(all(r is not None for r in results), "a concurrent call did not answer")
    return results


# ------------------------------------------------------------------ FastCGI

# A FastCGI client of the standard library, for tests that talk to the pool as nginx
# does (a socket of their own, a pool started by the test).
FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6


def _fcgi_record(rtype, content, req_id=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBx", 1, rtype, req_id, len(content), pad) + content + b"\0" * pad


def _fcgi_nv(name, value):
    def length(n):
        return struct.pack(">B", n) if n < 128 else struct.pack(">I", n | 0x80000000)
    name, value = name.encode(), value.encode()
    return length(len(name)) + length(len(value)) + name + value


def fastcgi_send(method, path, sock_path, body=b"", timeout=10):
    """Sends one FastCGI request, as nginx does; returns the open connection."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sock_path)
    env = [("REQUEST_METHOD", method), ("REQUEST_URI", path), ("DOCUMENT_URI", path),
           ("QUERY_STRING", ""), ("REMOTE_ADDR", "127.0.0.1"),
           ("SERVER_PROTOCOL", "HTTP/1.1"), ("CONTENT_LENGTH", str(len(body)))]
    if body:
        env.append(("CONTENT_TYPE", "application/json"))
    params = b"".join(_fcgi_nv(k, v) for k, v in env)
    s.sendall(_fcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 0)) +
              _fcgi_record(FCGI_PARAMS, params) + _fcgi_record(FCGI_PARAMS, b"") +
              (_fcgi_record(FCGI_STDIN, body) if body else b"") + _fcgi_record(FCGI_STDIN, b""))
    return s


def fastcgi_receive(s):
    """Reads the answer to the end; returns (stdout bytes, app status or None)."""
    out, status, buf = b"", None, b""
    while status is None:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack(">BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_END_REQUEST:
                status = struct.unpack(">I", content[:4])[0]
    s.close()
    return out, status


def fastcgi_get(path, sock_path, timeout=10):
    """One GET over FastCGI; returns (stdout bytes, app status or None)."""
    return fastcgi_receive(fastcgi_send("GET", path, sock_path, timeout=timeout))


# ------------------------------------------------------------------ routes.c

# { METHOD, "pattern", handler, ROLES, FLAGS[, .body = &x, .query = &y] }
ROUTE_RE = re.compile(r'\{\s*(GET|POST|PUT|PATCH|DELETE)\s*,\s*"([^"]+)"\s*,\s*(\w+)\s*,'
                      r'\s*([A-Z_| ]+?)\s*,\s*([A-Z_0-9| ]+?)\s*'
                      r'((?:,\s*\.\w+\s*=\s*&?\w+\s*)*),?\s*\}')
ROLE_BITS = {"ROLE_CUSTOMER": {"customer"}, "ROLE_TECHNICIAN": {"technician"},
             "ROLE_ADMIN": {"admin"}, "ROLE_MODERATOR": {"moderator"},
             "ROLE_CORPORATE": {"corporate"}, "ROLE_STAFF": {"admin", "moderator"},
             "ROLE_ANY": set(ROLES), "ROUTE_PUBLIC": set()}


class Route:
    def __init__(self, method, pattern, handler, roles, flags):
        self.method, self.pattern, self.handler = method, pattern, handler
        self.roles, self.flags = roles, flags

    public = property(lambda self: not self.roles)

    def __repr__(self):
        return "%s %s" % (self.method, self.pattern)


def routes():
    """The route table of fcgi/api/routes.c: [Route], roles a set of role names (empty
    for a public route), flags a set of ROUTE_* names."""
    path = os.path.join(SOURCE_DIR, "fcgi", "api", "routes.c")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    for m in ROUTE_RE.finditer(text):
        roles = set()
        for word in m.group(4).split("|"):
            word = word.strip()
            check(word in ROLE_BITS, "routes.c: unknown role word %r" % word)
            roles |= ROLE_BITS[word]
        flags = {w.strip() for w in m.group(5).split("|") if w.strip() not in ("0", "")}
        out.append(Route(m.group(1), m.group(2), m.group(3), roles, flags))
    check(len(out) >= 40, "parsed only %d routes from %s" % (len(out), path))
    return out


def fill(pattern, **values):
    """/api/users/:id -> /api/users/<values['id']>."""
    return re.sub(r":(\w+)", lambda m: str(values.get(m.group(1), "1")), pattern)


# ------------------------------------------------------------------ misc

def poll(fn, timeout=3.0, interval=0.1):
    """Calls fn until it returns a true value or timeout seconds pass; returns the last
    value."""
    end = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() >= end:
            return v
        time.sleep(interval)


def stack_required():
    if not BASE_URL:
        print("skip: WARSHA_TEST_URL is not set (scripts/dev test starts a stack and sets it)")
        sys.exit(77)


# ------------------------------------------------------------------ server logs

# What the servers must never log, at any level: a broken reply or transaction contract,
# a message without its text, a statement or key the store does not describe
# (docs/data-layer.md, "Tests that keep it so").
LOG_FORBIDDEN = re.compile(r"\bmsg=(second_reply|no_reply|transaction_left_open|tx_closed_by_work"
                           r"|failure_ignored|i18n_missing|db_statement_shape|db_key_unmapped"
                           r"|fail_without_error)\b")
LOG_ERROR = re.compile(r"(?:^|\s)level=error\s")
LOG_SANITIZER = re.compile(r"==\d+==\s*ERROR: \w*Sanitizer|\bruntime error: |SUMMARY: \w*Sanitizer"
                           r"|WARNING: \w*Sanitizer")
LOG_TS = re.compile(r"^ts=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z\s")
_log_expected = []


def expect_log(pattern):
    """Declares that the servers may log lines matching pattern (a regex searched in the
    whole line) during this suite: an error a test provokes on purpose. A module can
    declare its own for all its tests with EXPECTED_LOG_ERRORS = [pattern, ...]."""
    _log_expected.append(re.compile(pattern))


def _utc_ms(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03d" % (int(t * 1000) % 1000)


class LogScan:
    """The lines the test stack's servers append to their logs ($WARSHA_TEST_LOG_DIR/
    warsha-*.log) while one suite runs, and the sanitizer reports that appear then.
    A suite fails on any level=error line it did not declare, on any LOG_FORBIDDEN
    line and on sanitizer output."""

    def __init__(self):
        self.dir = ENV("WARSHA_TEST_LOG_DIR") or ""
        self.san_dir = os.path.join(self.dir, "..", "sanitizer") if self.dir else ""
        self.start = self._sizes(self.dir, "warsha-", ".log")
        self.san_start = self._sizes(self.san_dir, "", "")
        self.tests = []   # (name, UTC start) of each test run, to tell which one logged a line

    @staticmethod
    def _sizes(d, prefix, suffix):
        out = {}
        if d and os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                p = os.path.join(d, f)
                if f.startswith(prefix) and f.endswith(suffix) and os.path.isfile(p):
                    out[p] = os.path.getsize(p)
        return out

    @staticmethod
    def _read(path, offset):
        try:
            with open(path, "rb") as f:
                if os.fstat(f.fileno()).st_size < offset:
                    offset = 0   # truncated or replaced: all of it is new
                f.seek(offset)
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _settle(self):
        """Waits until the pool has written what it logged so far: workers buffer their
        access lines for up to a second, so a request to a marker path is sent and its
        access line awaited (an error line is written at once, before any later line)."""
        log = os.path.join(self.dir, "warsha-fcgi.log")
        if not os.path.exists(log):
            return
        marker = "/api/log-scan-" + uniq(12)
        offset = os.path.getsize(log)
        try:
            api("GET", marker, conn=connection(timeout=5))
        except (OSError, http.client.HTTPException):
            time.sleep(1.2)
            return
        if not poll(lambda: marker in self._read(log, offset), timeout=3.0, interval=0.05):
            time.sleep(0.2)

    def _during(self, line):
        m = LOG_TS.match(line)
        if not m:
            return ""
        ts = m.group(1)
        last = None
        for name, t0 in self.tests:
            if t0 <= ts:
                last = name
        return " (during %s)" % last if last else ""

    def problems(self, expected):
        """[(line, where)] of what the suite may not log; marks the patterns used."""
        if not self.dir or not os.path.isdir(self.dir):
            return []
        self._settle()
        out = []
        for path in sorted(self._sizes(self.dir, "warsha-", ".log")):
            for line in self._read(path, self.start.get(path, 0)).splitlines():
                if not (LOG_FORBIDDEN.search(line) or LOG_ERROR.search(line) or
                        LOG_SANITIZER.search(line)):
                    continue
                hit = [p for p in expected if p.search(line)]
                if hit:
                    for p in hit:
                        p.used = True
                    continue
                out.append((line, os.path.basename(path) + self._during(line)))
        for path, size in sorted(self._sizes(self.san_dir, "", "").items()):
            if size != self.san_start.get(path):
                text = self._read(path, self.san_start.get(path, 0)).strip().splitlines()
                out.append(("sanitizer report: " + " | ".join(text[:3]),
                            os.path.relpath(path, os.path.join(self.dir, ".."))))
        return out


class _Pattern:
    """A compiled pattern that remembers whether it matched a line."""

    def __init__(self, rx):
        self.rx, self.used = rx, False
        self.pattern = rx.pattern

    def search(self, line):
        return self.rx.search(line)


def run(ns):
    """Runs the module's test_* functions in file order, then scans the server logs the
    suite produced (LogScan); exit 1 on any failure. WARSHA_TEST_LOG_SCAN=report prints
    what the scan finds without failing the suite."""
    stack_required()
    tests = [(v.__code__.co_firstlineno, k, v) for k, v in ns.items()
             if k.startswith("test_") and callable(v) and getattr(v, "__module__", None) == ns.get("__name__")]
    tests.sort()
    only = set(sys.argv[1:])
    failed = skipped = passed = 0
    t_all = time.time()
    scan = LogScan()
    for _, name, fn in tests:
        if only and name not in only:
            continue
        SOURCE_ADDRESS = _new_source_address()
        t0 = time.time()
        scan.tests.append((name, _utc_ms(t0 - 0.005)))
        try:
            fn()
        except Skip as e:
            skipped += 1
            print("skip %s: %s" % (name, e), flush=True)
            continue
        except TestFailure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
            tb = traceback.extract_tb(sys.exc_info()[2])
            here = [f for f in tb if os.path.basename(f.filename).startswith("test_")]
            if here:
                print("     at %s:%d" % (os.path.basename(here[-1].filename), here[-1].lineno), flush=True)
            continue
        except Exception:
            failed += 1
            print("FAIL %s: %s" % (name, traceback.format_exc().rstrip()), flush=True)
            continue
        passed += 1
        print("ok %s (%.2f s)" % (name, time.time() - t0), flush=True)
    if passed + failed + skipped:
        expected = [_Pattern(re.compile(p)) for p in ns.get("EXPECTED_LOG_ERRORS", ())]
        expected += [_Pattern(p) for p in _log_expected]
        found = scan.problems(expected)
        report = (ENV("WARSHA_TEST_LOG_SCAN") or "") == "report"
        if found:
            print("%s server_logs: %d line(s) the servers may not log (a test that provokes"
                  " an error on purpose declares it: EXPECTED_LOG_ERRORS or expect_log())"
                  % ("report" if report else "FAIL", len(found)), flush=True)
            for line, where in found[:40]:
                print("     %s: %s" % (where, line[:400]), flush=True)
            if len(found) > 40:
                print("     ... and %d more" % (len(found) - 40), flush=True)
            if not report:
                failed += 1
        else:
            print("ok server_logs", flush=True)
        if not only:
            for p in expected:
                if not p.used:
                    print("note: declared log pattern %r matched no line" % p.pattern, flush=True)
    print("%d passed, %d failed, %d skipped in %.1f s" % (passed, failed, skipped,
                                                          time.time() - t_all), flush=True)
    if only and passed + failed + skipped == 0:
        print("no test matched %s" % sorted(only))
        sys.exit(1)
    sys.exit(1 if failed else 0)
