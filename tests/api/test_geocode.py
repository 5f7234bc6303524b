"""Geocoding (seed 002's /api/geocode; docs/search.md, "Geocoding"): without a provider
the governorates answer (nearest centroid, a name in the address); with a Nominatim-
compatible provider (a fake one here, on loopback) each address is asked once and then
read from geocode_cache, the calls carry the configured User-Agent and come at most one a
second, and a provider that fails or is absent leaves the answer to the governorates.

The stack itself has no provider (geocode_url empty); the provider's tests run a pool of
their own over the stack's database, configured with the fake's URL, and talk FastCGI to
it as nginx would."""
import http.server
import json
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (ENV, SOURCE_DIR, Skip, api, q, expect, expect_bilingual, check,
                         db_query, db_scalar, poll, run)
import warsha_test as wt

REV = "/api/geocode/reverse"
FWD = "/api/geocode/forward"
UA = "Warsha-test/1.0 (geocoding tests; qa@warsha.local)"


# ------------------------------------------------------------------ no provider (the stack)

def test_reverse_without_a_provider_names_the_nearest_governorate():
    for (lat, lon), code, ar in (((31.21, 29.95), "ALX", "الإسكندرية"),
                                 ((30.05, 31.24), "C", "القاهرة"),
                                 ((24.09, 32.90), "ASN", "أسوان")):
        body = expect(200, api("GET", q(REV, lat=lat, lon=lon)))
        d = body["data"]
        check(d["source"] == "governorates", d)
        check(d["governorate"]["code"] == code and d["governorate"]["nameAr"] == ar, d)
        check(d["lat"] == lat and d["lon"] == lon, d)
        check(d["address"]["country_code"] == "eg", d)
    en = expect(200, api("GET", q(REV, lat=31.21, lon=29.95, lang="en")))["data"]
    check(en["displayName"] == "Alexandria" and en["governorate"]["nameEn"] == "Alexandria", en)


def test_every_governorate_has_a_centroid():
    check(int(db_scalar("SELECT COUNT(*) FROM governorates WHERE centroid_lat BETWEEN 22 AND 32"
                        " AND centroid_lng BETWEEN 24 AND 37")) == 27, "27 centroids in Egypt")


def test_forward_without_a_provider_finds_a_governorate_by_name():
    for address, code in (("شارع 9، المعادي، القاهرة", "C"), ("Pyramids Road, GIZA", "GZ"),
                          ("كورنيش الاسكندريه", "ALX"), ("ميدان الجيزة", "GZ")):
        d = expect(200, api("GET", q(FWD, address=address)))["data"]
        check(d["source"] == "governorates" and d["governorate"]["code"] == code, (address, d))
        check(isinstance(d["lat"], float) and isinstance(d["lon"], float), d)
    expect(404, api("GET", q(FWD, address="Atlantis, under the sea")))


def test_bad_input_is_422_naming_the_field():
    expect(422, api("GET", q(REV, lat=95, lon="east")), "VALIDATION_ERROR",
           {"lat": "OUT_OF_RANGE", "lon": "INVALID_FORMAT"})
    expect(422, api("GET", q(REV, lat=30)), "VALIDATION_ERROR", {"lon": "REQUIRED"})
    expect(422, api("GET", q(REV, lat="1e3", lon="31")), "VALIDATION_ERROR", ["lat"])
    expect(422, api("GET", q(REV, lat="30", lon="-181")), "VALIDATION_ERROR", ["lon"])
    expect(422, api("GET", FWD), "VALIDATION_ERROR", {"address": "REQUIRED"})
    expect(422, api("GET", q(FWD, address="x" * 201)), "VALIDATION_ERROR", ["address"])
    expect(422, api("GET", q(FWD, address="   ")), "VALIDATION_ERROR", ["address"])
    expect_bilingual("GET", q(REV, lat=95, lon=31), status=422)
    expect_bilingual("GET", q(REV, lat=30, lon=31), status=200)


# ------------------------------------------------------------------ a provider (a pool of our own)

class FakeNominatim:
    """Nominatim's /reverse and /search on loopback. mode: "ok", "fail" (500), "junk"."""

    def __init__(self):
        fake = self
        self.requests, self.mode = [], "ok"

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                u = urllib.parse.urlsplit(self.path)
                qs = dict(urllib.parse.parse_qsl(u.query))
                fake.requests.append((time.monotonic(), u.path, qs, self.headers.get("User-Agent")))
                status, out = 200, None
                if fake.mode == "fail":
                    status, out = 500, {"error": "down"}
                elif fake.mode == "junk":
                    out = b"<html>not json</html>"
                elif u.path == "/reverse":
                    out = {"place_id": 1, "lat": qs["lat"], "lon": qs["lon"],
                           "display_name": "Tahrir Square, Cairo, Egypt",
                           "address": {"road": "Tahrir Square", "city": "Cairo",
                                       "state": "Cairo Governorate", "country": "Egypt",
                                       "country_code": "eg"}}
                elif u.path == "/search":
                    out = [{"lat": "30.0444196", "lon": "31.2357116",
                            "display_name": "Tahrir Square, Cairo, Egypt"}]
                else:
                    status, out = 404, {"error": "no such path"}
                out = out if isinstance(out, bytes) else json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def calls(self, path):
        return [r for r in self.requests if r[1] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _stack_conf():
    path = ENV("WARSHA_TEST_CONFIG")
    if not path:
        raise Skip("WARSHA_TEST_CONFIG is not set")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, _, v = line.partition("=")
                out[k.strip()] = v.strip()
    return out


class Pool:
    """warsha-fcgi over the stack's database with geocode_url = url."""

    def __init__(self, url):
        fcgi = ENV("WARSHA_TEST_FCGI_BIN")
        if not fcgi or not os.path.exists(fcgi):
            raise Skip("WARSHA_TEST_FCGI_BIN is not set")
        conf = _stack_conf()
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.sock = os.path.join(d, "fcgi.sock")
        keys = ["db_host", "db_port", "db_socket", "db_user", "db_password", "db_name",
                "jwt_secret", "maintenance_token", "sql_dir", "spool_dir", "public_url"]
        vals = {k: conf[k] for k in keys if k in conf}
        vals.update(listen=self.sock, workers="2", log_level="warn",
                    templates_dir=os.path.join(SOURCE_DIR, "templates"),
                    notifier_listen="127.0.0.1:%d" % _free_port(),
                    geocode_url=url, geocode_user_agent=UA, geocode_timeout_ms="1500")
        path = os.path.join(d, "warsha.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join("%s = %s\n" % kv for kv in vals.items()))
        os.chmod(path, 0o600)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("WARSHA_") or k.startswith("WARSHA_TEST_")}
        env.pop("CREDENTIALS_DIRECTORY", None)
        self.log = os.path.join(d, "fcgi.log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([fcgi, "--config", path], stdout=subprocess.DEVNULL,
                                         stderr=log, cwd=SOURCE_DIR, env=env)
        if not poll(lambda: os.path.exists(self.sock) and self._alive(), timeout=15):
            self.close()
            raise AssertionError("the pool does not answer")

    def _alive(self):
        try:
            return self.get("/health")[0] in (200, 503)
        except OSError:
            return False

    def get(self, path, **params):
        """GET over FastCGI; returns (status, parsed JSON body)."""
        qs = urllib.parse.urlencode(params)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(self.sock)
        env = [("REQUEST_METHOD", "GET"), ("REQUEST_URI", path + ("?" + qs if qs else "")),
               ("DOCUMENT_URI", path), ("QUERY_STRING", qs), ("REMOTE_ADDR", "127.0.0.1"),
               ("SERVER_PROTOCOL", "HTTP/1.1"), ("CONTENT_LENGTH", "0")]
        params_rec = b"".join(wt._fcgi_nv(k, v) for k, v in env)
        s.sendall(wt._fcgi_record(wt.FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 0)) +
                  wt._fcgi_record(wt.FCGI_PARAMS, params_rec) +
                  wt._fcgi_record(wt.FCGI_PARAMS, b"") + wt._fcgi_record(wt.FCGI_STDIN, b""))
        out, _ = wt.fastcgi_receive(s)
        head, _, body = out.partition(b"\r\n\r\n")
        status = int(head.split(b"\r\n")[0].split()[1])
        try:
            return status, json.loads(body.decode("utf-8"))
        except ValueError:
            return status, body

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.dir.cleanup()


def _point():
    """A point of this run's own, so no earlier run's cache answers it."""
    return round(29.5 + random.random(), 5), round(30.5 + random.random(), 5)


def test_provider_is_called_once_per_cached_address():
    fake = FakeNominatim()
    pool = Pool(fake.url)
    try:
        lat, lon = _point()
        st, b = pool.get(REV, lat=lat, lon=lon)
        check(st == 200 and b["data"]["source"] == "provider", b)
        check(b["data"]["address"]["road"] == "Tahrir Square", b)
        check(b["data"]["displayName"] == "Tahrir Square, Cairo, Egypt", b)
        check(len(b["data"]["governorate"]["code"]) >= 1, b)
        st, b2 = pool.get(REV, lat=lat, lon=lon)
        check(st == 200 and b2["data"]["source"] == "cache", b2)
        check(b2["data"]["address"] == b["data"]["address"], (b, b2))
        calls = fake.calls("/reverse")
        check(len(calls) == 1, "the provider was called %d times" % len(calls))
        check(calls[0][3] == UA, "User-Agent %r" % calls[0][3])
        check(calls[0][2]["format"] == "jsonv2" and abs(float(calls[0][2]["lat"]) - lat) < 1e-6,
              calls[0][2])
        check(int(db_scalar("SELECT COUNT(*) FROM geocode_cache WHERE kind = 'reverse' AND"
                            " query_key = '%.5f,%.5f'" % (lat, lon))) == 1, "no cache row")

        addr = "Midan El Tahrir %d, Cairo" % random.randrange(10 ** 9)
        st, f1 = pool.get(FWD, address=addr)
        check(st == 200 and f1["data"]["source"] == "provider", f1)
        check(abs(f1["data"]["lat"] - 30.0444196) < 1e-6 and f1["data"]["governorate"]["code"] == "C",
              f1)
        # the same address in another case and spacing is the same cached answer
        st, f2 = pool.get(FWD, address="  " + addr.upper().replace(" ", "   ") + " ")
        check(st == 200 and f2["data"]["source"] == "cache", f2)
        check(len(fake.calls("/search")) == 1, "forward calls %d" % len(fake.calls("/search")))
        check(fake.calls("/search")[0][2]["q"] == addr, fake.calls("/search")[0][2])
    finally:
        pool.close()
        fake.close()


def test_at_most_one_call_a_second():
    fake = FakeNominatim()
    pool = Pool(fake.url)
    try:
        pts = [_point() for _ in range(3)]
        out = []
        threads = [threading.Thread(target=lambda p=p: out.append(pool.get(REV, lat=p[0], lon=p[1])))
                   for p in pts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check(all(st == 200 for st, _ in out), out)
        times = sorted(r[0] for r in fake.calls("/reverse"))
        check(len(times) >= 2, "calls %r" % times)
        gaps = [b - a for a, b in zip(times, times[1:])]
        check(all(g >= 0.95 for g in gaps), "calls closer than a second: %r" % gaps)
    finally:
        pool.close()
        fake.close()


def test_failing_or_absent_provider_falls_back_to_the_governorates():
    fake = FakeNominatim()
    pool = Pool(fake.url)
    try:
        for mode in ("fail", "junk"):
            fake.mode = mode
            lat, lon = 31.2 + random.random() / 100, 29.9 + random.random() / 100
            time.sleep(1.05)
            st, b = pool.get(REV, lat=lat, lon=lon)
            check(st == 200 and b["data"]["source"] == "governorates", (mode, b))
            check(b["data"]["governorate"]["code"] == "ALX", b)
            # not cached: the provider is asked again, and now answers
            fake.mode = "ok"
            time.sleep(1.05)
            st, b = pool.get(REV, lat=lat, lon=lon)
            check(st == 200 and b["data"]["source"] == "provider", (mode, b))
        fake.mode = "fail"
        time.sleep(1.05)
        st, b = pool.get(FWD, address="شارع %d، الجيزة" % random.randrange(10 ** 9))
        check(st == 200 and b["data"]["source"] == "governorates", b)
        check(b["data"]["governorate"]["code"] == "GZ", b)
    finally:
        pool.close()
        fake.close()
    # a provider that is not there at all
    port = _free_port()
    pool = Pool("http://127.0.0.1:%d/" % port)
    try:
        lat, lon = _point()
        st, b = pool.get(REV, lat=lat, lon=lon)
        check(st == 200 and b["data"]["source"] == "governorates", b)
    finally:
        pool.close()


if __name__ == "__main__":
    run(globals())
