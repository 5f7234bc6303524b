"""The junk round: random bodies, query strings and headers against every route of
fcgi/api/routes.c, without any valid credentials.

It asserts that nothing answers 5xx (a crash shows as 502 from nginx), that every error
the application gives has the docs/api-conventions.md shape, that the pool still answers afterwards,
and that no request wrote a row: users, services, settings, refresh_tokens, outbox,
one_time_codes, revoked_access_tokens and activity_log keep their row counts and
checksums. (login_failures does grow: a failed login is recorded by design.)

The generator is seeded; the seed is printed. Replay one run with
    WARSHA_JUNK_SEED=<seed> python3 tests/api/test_junk.py
and change its size with WARSHA_JUNK_REQUESTS (default 700)."""
import json
import os
import random
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import warsha_test
from warsha_test import (api, fail, routes, fill, db_query, b64url, ENV, run)

# an answer that has not come in 20 s is not coming (nothing here is slow)
warsha_test.TIMEOUT = float(ENV("WARSHA_TEST_HTTP_TIMEOUT") or 20)

SEED = int(ENV("WARSHA_JUNK_SEED") or 20261121)
REQUESTS = int(ENV("WARSHA_JUNK_REQUESTS") or 700)
# WARSHA_JUNK_ONLY=12,345: generate the same sequence but send only these requests, and
# print each in full (to replay a finding)
ONLY = {int(x) for x in (ENV("WARSHA_JUNK_ONLY") or "").replace(",", " ").split()}
WATCHED = ("users", "services", "settings", "refresh_tokens", "outbox", "one_time_codes",
           "revoked_access_tokens", "activity_log")

# Field names each handler reads (fcgi/api/*.c and the seeds), to aim wrong types at.
FIELDS = {
    "auth_register": ["email", "phone", "password", "firstName", "lastName", "username", "role",
                      "preferredLanguage", "fullName"],
    "auth_login": ["identifier", "email", "phone", "username", "loginIdentifier", "password", "type"],
    "auth_refresh": ["refreshToken", "refresh_token"],
    "auth_logout": ["refreshToken", "refresh_token"],
    "auth_forgot_password": ["email"],
    "auth_reset_password": ["token", "newPassword", "password"],
    "auth_verify_email": ["token"],
    "auth_verify_phone": ["phone", "otp", "code"],
    "auth_change_password": ["currentPassword", "newPassword"],
    "auth_v1_register": ["username", "first_name", "last_name", "email", "phone_number", "password",
                         "user_type"],
    "auth_v1_login": ["username", "password"],
    "users_profile_put": ["firstName", "lastName", "phone", "address", "carInfo", "preferences", "role",
                          "isBanned", "avatar", "bio", "gender", "dateOfBirth"],
    "users_settings_put": ["settings"],
    "users_set_role": ["role"],
    "admin_users_create_admin": ["email", "phone", "password", "firstName", "lastName", "role"],
    "admin_users_ban": ["reason"],
    "services_create": ["nameAr", "nameEn", "descriptionAr", "descriptionEn", "category", "subCategory",
                        "duration", "price", "availability", "requirements", "media", "tags", "isPopular",
                        "sortOrder"],
    "services_update": ["nameAr", "nameEn", "category", "price", "availability", "isPopular", "sortOrder"],
    "services_bulk": ["services"],
    "settings_create": ["key", "value", "isPublic", "descriptionAr", "descriptionEn"],
    "settings_update": ["value"],
}
QUERY_KEYS = ["page", "limit", "lang", "search", "category", "isPopular", "role", "sort", "q", "type",
              "token", "id", "user_type"]
JUNK_IDS = ["1", "0", "-1", "abc", "1e3", "99999999999999999999", "%2e%2e", "%E2%80%AE", "1%3BDROP",
            "18446744073709551616", "1" * 300, "%F0%9F%92%A9", "nan", "0x1f", "%20", "9223372036854775807"]


class Junk:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # ---- values

    def text(self, n=None):
        r = self.r
        n = r.randint(0, 40) if n is None else n
        pools = ["abcXYZ019", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي٠١٢٣٤٥٦٧٨٩", "\u200f\u200e\u202e\u2066",
                 "😀🔧🚗👩‍🔧", "\u0301\u0308\u034f", "<>&\"'\\/%_;--", "\ufffd\ufeff\u00a0\u2028\u2029",
                 "\x01\x7f\x1b"]
        return "".join(r.choice(r.choice(pools)) for _ in range(n))

    def number(self):
        return self.r.choice([0, -1, 1, 2 ** 31, 2 ** 63 - 1, -2 ** 63, 2 ** 64, 10 ** 30, -10 ** 30,
                              0.5, -0.0, 1e308, 3.14159, 7])

    def value(self, depth=0):
        r = self.r
        k = r.randint(0, 8 if depth < 3 else 5)
        if k == 0:
            return None
        if k == 1:
            return r.choice([True, False])
        if k == 2:
            return self.number()
        if k in (3, 4, 5):
            return self.text()
        if k == 6:
            return [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        return {self.text(r.randint(1, 8)): self.value(depth + 1) for _ in range(r.randint(0, 4))}

    # ---- bodies: (bytes or None, kind)

    def body(self, handler):
        r = self.r
        fields = FIELDS.get(handler) or r.choice(list(FIELDS.values()))
        kind = r.choice(["bytes", "truncated", "nested", "numbers", "wrong_types", "unicode", "nul",
                         "empty", "big", "mutated", "scalar", "dup_keys", "wrong_types", "mutated"])
        if kind == "bytes":
            return bytes(r.randrange(256) for _ in range(r.randint(1, 1500))), kind
        if kind == "truncated":
            s = json.dumps({f: self.value() for f in fields}, ensure_ascii=r.random() < 0.5)
            return s[:r.randint(0, max(0, len(s) - 1))].encode("utf-8", "surrogatepass"), kind
        if kind == "nested":
            d = r.choice([5, 31, 32, 33, 100, 3000])
            o, c = r.choice([("[", "]"), ('{"a":', "}")])
            inner = "1" if o == "{\"a\":" else ""
            return (o * d + inner + c * d).encode(), kind
        if kind == "numbers":
            nums = ["1e999999", "-1e999999", "123456789012345678901234567890", "-0", "0.0000000001e-400",
                    "1.7976931348623157e309", "9223372036854775808", "-9223372036854775809", "1E2", "0e0"]
            return ("{%s}" % ", ".join('"%s": %s' % (f, r.choice(nums)) for f in fields)).encode(), kind
        if kind == "wrong_types":
            return json.dumps({f: self.value() for f in fields}).encode(), kind
        if kind == "unicode":
            parts = ['"%s": "%s"' % (f, r.choice(["\\ud800", "\\udfff\\ud800", "\\u0000", "\\uffff", "\\u202e",
                                                    self.text(20).replace("\\", "\\\\").replace('"', '\\"')])) for f in fields]
            raw = "{" + ", ".join(parts) + "}"
            b = raw.encode("utf-8", "surrogatepass")
            if r.random() < 0.4:   # and some invalid UTF-8 sequences
                i = r.randint(0, len(b))
                b = b[:i] + r.choice([b"\xc3\x28", b"\xe2\x82", b"\xf0\x28\x8c\xbc", b"\xff", b"\xed\xa0\x80"]) + b[i:]
            return b, kind
        if kind == "nul":
            b = json.dumps({f: self.text(5) + "\u0000" + self.text(3) for f in fields}).encode()
            if r.random() < 0.5:
                i = r.randint(0, len(b))
                b = b[:i] + b"\x00" + b[i:]
            return b, kind
        if kind == "empty":
            return r.choice([None, b"", b" ", b"\n\t ", b"{}", b"[]", b"null", b'""']), kind
        if kind == "big":
            n = r.choice([10000, 200000, 1024 * 1024 - 20, 1024 * 1024 + 1])
            return json.dumps({fields[0]: "x" * n}).encode(), kind
        if kind == "scalar":
            return json.dumps(self.value()).encode(), kind
        if kind == "dup_keys":
            f = r.choice(fields)
            return ('{"%s": 1, "%s": "x", "%s": null}' % (f, f, f)).encode(), kind
        # mutated: plausible values, at least one field wrong
        good = {"email": "junk%d@example.com" % r.randrange(10 ** 9), "password": "Aa1" + "x" * 8,
                "phone": "010%08d" % r.randrange(10 ** 8), "firstName": "J", "lastName": "K",
                "nameAr": "خدمة", "nameEn": "Junk %d" % r.randrange(10 ** 9), "descriptionAr": "و",
                "descriptionEn": "d", "category": "plumbing", "key": "junk_%d" % r.randrange(10 ** 9),
                "value": 1, "role": "technician", "token": "%064x" % r.getrandbits(256), "otp": "123456",
                "refreshToken": "%064x" % r.getrandbits(256), "identifier": "junk%d" % r.randrange(10 ** 9)}
        b = {f: good.get(f, self.value()) for f in fields}
        bad = r.choice(fields)
        b[bad] = r.choice([None, [], {}, 12345, True, "", self.text(300)])
        return json.dumps(b).encode(), kind

    # ---- headers, query, path

    def headers(self):
        r = self.r
        h = {}
        k = r.random()
        if k < 0.75:    # mostly JSON, so the bodies reach the parsers and the handlers
            h["Content-Type"] = r.choice(["application/json", "application/json; charset=utf-8",
                                          "APPLICATION/JSON", "application/json;charset=latin1",
                                          " application/json ; x=y"])
        elif k < 0.95:
            h["Content-Type"] = r.choice([
                "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=----x",
                "application/jsonx", "json", "", "*/*", "application/json, text/plain", "text/json"])
        k = r.random()
        if k < 0.15:
            h["Authorization"] = "Bearer " + self.text(r.randint(0, 60)).encode("ascii", "ignore").decode()
        elif k < 0.3:
            head = b64url(json.dumps({"alg": r.choice(["HS256", "none", "HS512", "RS256"]), "typ": "JWT"}).encode())
            body = b64url(json.dumps({"sub": str(r.choice([1, 2, 0, -1])), "role": "admin",
                                      "exp": int(time.time()) + 3600, "iat": int(time.time()),
                                      "jti": "%032x" % r.getrandbits(128)}).encode())
            h["Authorization"] = "Bearer %s.%s.%s" % (head, body, b64url(r.getrandbits(256).to_bytes(32, "big")))
        elif k < 0.4:
            h["Authorization"] = r.choice(["Basic YWRtaW46YWRtaW4=", "Bearer", "bearer x", "Bearer " + "A" * 5000,
                                           "Digest x", "Bearer a.b.c", "Bearer ..", "Bearer \u00e9".encode("utf-8").decode("latin-1")])
        if r.random() < 0.25:
            size = r.choice([10, 1000, 6000, 7000])
            h["Cookie"] = r.choice([
                "accessToken=" + "x" * size,
                "refreshToken=" + "%064x" % r.getrandbits(256) + "; accessToken=bad",
                "; ".join("c%d=%s" % (i, "v" * r.randint(0, 20)) for i in range(r.randint(1, 200))),
                "===; ;;; a", 'accessToken="quoted"; refreshToken='])
        if r.random() < 0.3:
            h["Accept-Language"] = r.choice(["en", "ar", "fr", "en;q=abc", "ar-EG,en;q=0.5", "*", "e" * 500,
                                             "en-US,en;q=0.9,ar;q=1.5", ";;;,,,", "q=1"])
        if r.random() < 0.15:
            h["X-Maintenance-Token"] = r.choice(["", "x" * 64, "%064x" % r.getrandbits(256)])
        if r.random() < 0.1:
            h["User-Agent"] = "J" * r.choice([1, 300, 4000])
        if r.random() < 0.1:
            h["X-Forwarded-For"] = "1.2.3.4, " * r.randint(1, 50)
        if r.random() < 0.05:
            h["X-HTTP-Method-Override"] = "DELETE"
        return h

    def query(self):
        r = self.r
        if r.random() < 0.45:
            return ""
        parts = []
        for _ in range(r.randint(1, r.choice([3, 8, 70]))):
            k = r.choice(QUERY_KEYS + [self.text(3)])
            v = r.choice(["", "0", "-1", "101", "abc", "1e3", "true", "false", "%00", "%FF", "%zz", "%",
                          "x" * r.choice([100, 1500]), "1&2", self.text(10), "ar", "en", "99999999999999999999"])
            ek = urllib.parse.quote(k, safe="")
            ev = v if v in ("%00", "%FF", "%zz", "%") else urllib.parse.quote(v, safe="")
            parts.append(ek + ("=" + ev if r.random() < 0.9 else ""))
        if r.random() < 0.1:
            parts.append(r.choice(["&&&", "=", "==", "a=%", "&=&"]))
        return "?" + "&".join(parts)

    def path(self, pattern):
        r = self.r
        vals = {"id": r.choice(JUNK_IDS), "task": r.choice(["cleanup", "nope", "CLEANUP", "%2e%2e", "x" * 300]),
                "key": r.choice(["app_name", "currency", "Bad%20Key", "x" * 300, "a.b_c", "%00a"])}
        p = fill(pattern, **vals)
        if r.random() < 0.2:
            p = p.replace("/api/", "/api/v1/", 1) if p.startswith("/api/") else p
        if r.random() < 0.05:
            p += "/"
        return p


def _counts():
    out = {}
    for t in WATCHED:
        out[t] = int(db_query("SELECT COUNT(*) FROM %s" % t)[0][0])
    # outbox rows change under the notifier's delivery thread (status, attempts, leases)
    # while the round runs: for it, the count and the newest id say whether a request
    # queued a message
    out["outbox newest"] = db_query("SELECT COALESCE(MAX(id), 0) FROM outbox")[0][0]
    for row in db_query("CHECKSUM TABLE %s" % ", ".join(t for t in WATCHED if t != "outbox")):
        out[row[0].split(".")[-1] + " checksum"] = row[1]
    return out


def test_junk_round():
    table = routes()
    g = Junk(SEED)
    print("     junk seed %d, %d requests (replay: WARSHA_JUNK_SEED=%d python3 %s)"
          % (SEED, REQUESTS, SEED, os.path.relpath(__file__)), flush=True)
    before = _counts()
    bad, shapes, writes, errors = [], [], [], []
    stats = {}
    for i in range(REQUESTS):
        rt = table[i % len(table)] if i < len(table) * 4 else g.r.choice(table)
        method = rt.method if g.r.random() < 0.85 else g.r.choice(["GET", "POST", "PUT", "PATCH", "DELETE",
                                                                     "OPTIONS", "HEAD"])
        path = g.path(rt.pattern) + g.query()
        body, kind = g.body(rt.handler)
        if method == "HEAD":
            body = None
        headers = g.headers()
        desc = "#%d %s %s [%s body %s bytes] headers %s" % (
            i, method, path[:150], kind, len(body) if body is not None else "no",
            {k: (v[:60] + "...") if len(v) > 60 else v for k, v in headers.items()})
        if ONLY:
            if i not in ONLY:
                continue
            print("     #%d %s %s\n     headers %r\n     body %r" % (i, method, path, headers,
                                                                 body if body is None or len(body) < 3000 else body[:3000] + b"..."))
        try:
            r = api(method, path, raw=body, headers=headers)
            if ONLY:
                print("     -> %s" % r.describe()[:500])
        except ValueError as e:            # a header http.client itself refuses to send
            errors.append("%s: client refused: %s" % (desc, e))
            continue
        except Exception as e:            # noqa: BLE001 - a dropped connection is a finding
            bad.append("%s -> %r" % (desc, e))
            continue
        stats[r.status] = stats.get(r.status, 0) + 1
        if r.status >= 500:
            bad.append("%s -> %s" % (desc, r.describe()[:300]))
            continue
        ctype = r.headers.get("Content-Type") or ""
        if r.status >= 400 and ctype.startswith("application/json") and method != "HEAD":
            b = r.body
            if not (isinstance(b, dict) and b.get("success") is False and isinstance(b.get("message"), str)
                    and b.get("message") and isinstance(b.get("code"), str)):
                shapes.append("%s -> %s" % (desc, r.describe()[:300]))
        if r.status < 300 and method != "GET":
            writes.append("%s -> %s" % (desc, r.describe()[:200]))
    after = _counts()
    print("     statuses: %s" % ", ".join("%d x%d" % kv for kv in sorted(stats.items())), flush=True)
    if errors:
        print("     %d requests not sent (the client refused their headers)" % len(errors))
    problems = []
    if bad:
        problems.append("%d requests got 5xx or lost the connection:\n       %s" % (len(bad), "\n       ".join(bad[:15])))
    if shapes:
        problems.append("%d error answers lack the docs/api-conventions.md shape:\n       %s" % (len(shapes), "\n       ".join(shapes[:10])))
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    if changed:
        problems.append("rows were written: %s%s" % (changed, ("\n     non-GET requests that got 2xx:\n       "
                                                             + "\n       ".join(writes[:10])) if writes else ""))
    r = api("GET", "/health")
    if r.status != 200:
        problems.append("the pool does not answer after the junk round: %s" % r.describe())
    sent = sum(stats.values())
    if sent < 500 and not ONLY:
        problems.append("only %d requests were answered (at least 500 wanted)" % sent)
    if problems:
        fail("seed %d:\n     " % SEED + "\n     ".join(problems))


run(globals())
