"""WebSocket benchmark of warsha-notifier (tests/load/bench_ws.sh; scripts/dev bench ws).

1. N (10,000) concurrent Socket.IO connections to one notifier, each with its own user's
   token (Engine.IO open, CONNECT with auth, "authenticated"), every one answering the
   server's pings; the notifier's RSS before and with them all open.
2. A room of R (1,000) of those sockets: staff users who joined one booking's room. The
   booking's technician sends PUT /api/bookings/:id/location through nginx K (20)
   times; for each, the time from sending the request to each socket's receipt of
   booking:location-update. Percentiles over all receipts.

The users are made in the database (e-mails @ws.bench.test, deleted first on every run)
and their tokens are signed here with the stack's jwt_secret, as warsha-fcgi signs them:
N scrypt sign-ins would measure scrypt. The sockets go straight to the notifier's port
(nginx's worker_connections is not what is measured).
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import resource
import statistics
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from warsha_test import db_query, db_scalar, api, expect  # noqa: E402

DOMAIN = "ws.bench.test"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def token(secret, uid, role):
    now = time.time()
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": str(uid), "role": role, "iat": int(now),
                              "iat_us": int(now * 1e6), "exp": int(now) + 7200,
                              "jti": os.urandom(16).hex()}).encode())
    sig = hmac.new(secret.encode(), (head + "." + body).encode(), hashlib.sha256).digest()
    return head + "." + body + "." + b64url(sig)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def sockets_users():
    """Deletes the users of the sockets of earlier runs (the booking's three stay: their
    booking points at them)."""
    db_query("DELETE FROM users WHERE email LIKE 'mod-%%@%s' OR email LIKE 'cust-%%@%s'"
             % (DOMAIN, DOMAIN))


def make_users(n, staff):
    """n users: the first `staff` moderators, then customers; one admin, one technician
    and one customer for the booking. Returns {role: [ids]}."""
    sockets_users()
    tag = os.urandom(3).hex()

    def insert(count, role, what):
        db_query("INSERT INTO users (email, password_hash, first_name, last_name, role)"
                 " SELECT CONCAT('%s-', seq, '-%s@%s'), '!', 'Bench', 'User', '%s'"
                 " FROM seq_1_to_%d" % (what, tag, DOMAIN, role, count))
        return [int(r[0]) for r in db_query(
            "SELECT id FROM users WHERE email LIKE '%s-%%-%s@%s' ORDER BY id" % (what, tag, DOMAIN))]
    return {"moderator": insert(staff, "moderator", "mod"),
            "customer": insert(n - staff, "customer", "cust"),
            "admin": insert(1, "admin", "adm"),
            "technician": insert(1, "technician", "tech"),
            "owner": insert(1, "customer", "owner")}


class Conn:
    """One Socket.IO client over a raw asyncio stream; reads until closed."""

    def __init__(self, host, port, tok):
        self.host, self.port, self.tok = host, port, tok
        self.waiters = {}
        self.received = {}

    async def open(self):
        self.r, self.w = await asyncio.open_connection(self.host, self.port)
        key = b64url(os.urandom(16)) + "=="
        self.w.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: %s:%d\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n" % (self.host, self.port, key)).encode())
        head = await self.r.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("upgrade refused: %r" % head[:80])
        op, s = await self.frame()
        assert s.startswith("0{"), s
        self.send("40" + json.dumps({"token": self.tok}))
        while True:
            op, s = await self.frame()
            if s.startswith("42") and '"authenticated"' in s:
                return
            if s.startswith("44"):
                raise RuntimeError("connect_error %s" % s)

    def send(self, s):
        data = s.encode()
        mask = os.urandom(4)
        n = len(data)
        hdr = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
        self.w.write(hdr + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    async def frame(self):
        b = await self.r.readexactly(2)
        n = b[1] & 0x7F
        if n == 126:
            n = int.from_bytes(await self.r.readexactly(2), "big")
        elif n == 127:
            n = int.from_bytes(await self.r.readexactly(8), "big")
        data = await self.r.readexactly(n)
        op = b[0] & 0x0F
        if op == 8:
            raise ConnectionError("closed by the server")
        if op == 9:
            self.w.write(bytes([0x8A, 0x80]) + os.urandom(4))
            return await self.frame()
        return op, data.decode("utf-8", "replace")

    async def read_loop(self):
        try:
            while True:
                op, s = await self.frame()
                if s == "2":
                    self.send("3")
                    continue
                if s.startswith("43"):
                    i = 2
                    while s[i].isdigit():
                        i += 1
                    f = self.waiters.pop(int(s[2:i]), None)
                    if f is not None and not f.done():
                        f.set_result(json.loads(s[i:]))
                    continue
                if s.startswith('42["booking:location-update"'):
                    lat = json.loads(s[2:])[1]["latitude"]
                    self.received[lat] = time.perf_counter()
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass

    async def emit_ack(self, i, name, data):
        f = asyncio.get_running_loop().create_future()
        self.waiters[i] = f
        self.send("42%d%s" % (i, json.dumps([name, data])))
        return await asyncio.wait_for(f, 30)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


async def main_async(a):
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    u = urllib.parse.urlsplit(a.notifier)
    secret = a.secret
    pid = int(open(a.pidfile).read().strip())
    rest = rss_mib(pid)
    print("warsha-notifier pid %d at %s; RSS at rest %.1f MiB" % (pid, a.notifier, rest))
    t = time.time()
    users = make_users(a.connections, a.room)
    print("%d users made in the database in %.1f s" % (a.connections + 3, time.time() - t))

    adm = token(secret, users["admin"][0], "admin")
    tech = token(secret, users["technician"][0], "technician")
    owner = token(secret, users["owner"][0], "customer")
    svc = {"nameAr": "خدمة قياس", "nameEn": "WS bench " + os.urandom(3).hex(),
           "descriptionAr": "وصف", "descriptionEn": "WebSocket benchmark", "category": "plumbing",
           "duration": 60, "price": {"basePrice": 15000},
           "availability": {"isActive": True, "workingHours": {"start": "08:00", "end": "20:00"},
                            "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday"]},
           "requirements": {"requiresApproval": True}}
    sid = expect(201, api("POST", "/api/services", svc, token=adm))["data"]["id"]
    day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 2 * 86400))
    bk = {"serviceId": sid, "scheduledDateTime": day + "T10:00:00.000Z",
          "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo",
                       "coordinates": {"lat": 30.0444, "lng": 31.2357}},
          "customerInfo": {"customerName": "Bench", "phoneNumber": "01012345678"},
          "serviceDetails": {"problemDescription": "bench"}, "isEmergency": False}
    bid = expect(201, api("POST", "/api/bookings", bk, token=owner))["data"]["id"]
    expect(200, api("PUT", "/api/bookings/%d/approve" % bid, {"approved": True}, token=adm))
    expect(200, api("PUT", "/api/bookings/%d/assign-technician" % bid,
                    {"technicianId": users["technician"][0]}, token=adm))
    expect(200, api("PUT", "/api/bookings/%d/status" % bid, {"status": "on_way"}, token=tech))

    ids = users["moderator"] + users["customer"]
    roles = ["moderator"] * len(users["moderator"]) + ["customer"] * len(users["customer"])
    conns = [Conn(u.hostname, u.port, token(secret, i, r)) for i, r in zip(ids, roles)]
    sem = asyncio.Semaphore(a.parallel)
    failures = []

    async def open_one(c):
        async with sem:
            try:
                await c.open()
            except Exception as e:   # counted and reported
                failures.append(repr(e))
                return
        c.task = asyncio.create_task(c.read_loop())

    t = time.time()
    await asyncio.gather(*(open_one(c) for c in conns))
    took = time.time() - t
    ok = [c for c in conns if hasattr(c, "task")]
    await asyncio.sleep(2)
    h = json.loads(urllib.request.urlopen(a.notifier + "/health", timeout=10).read())
    rss = rss_mib(pid)
    print("%d of %d connections authenticated in %.1f s (%d failed%s); /health sockets %d"
          % (len(ok), len(conns), took, len(failures),
             (": " + failures[0]) if failures else "", h["sockets"]))
    print("notifier RSS with them open: %.1f MiB (%.1f KiB a socket above rest)"
          % (rss, 0 if not ok else ((rss - rest) * 1024) / len(ok)))

    room = ok[:a.room]
    t = time.time()
    acks = await asyncio.gather(*(c.emit_ack(0, "join-booking", {"bookingId": bid}) for c in room))
    joined = sum(1 for x in acks if x and x[0].get("success"))
    print("%d sockets joined booking:%d in %.2f s" % (joined, bid, time.time() - t))

    lat = []
    missing = 0
    for k in range(a.events):
        value = round(30.0 + (k + 1) / 1000.0, 6)
        t0 = time.perf_counter()
        await asyncio.to_thread(lambda: expect(200, api(
            "PUT", "/api/bookings/%d/location" % bid,
            {"latitude": value, "longitude": 31.24}, token=tech)))
        end = time.perf_counter() + 5
        while time.perf_counter() < end and sum(1 for c in room if value in c.received) < len(room):
            await asyncio.sleep(0.005)
        for c in room:
            if value in c.received:
                lat.append((c.received[value] - t0) * 1000)
            else:
                missing += 1
        await asyncio.sleep(0.1)
    print("booking:location-update to a room of %d sockets, %d events: %d receipts, %d missing"
          % (len(room), a.events, len(lat), missing))
    if lat:
        print("API call to receipt: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms, mean %.0f ms"
              % (pct(lat, 50), pct(lat, 90), pct(lat, 99), max(lat), statistics.mean(lat)))
    h = json.loads(urllib.request.urlopen(a.notifier + "/health", timeout=10).read())
    print("notifier RSS after the events: %.1f MiB; /health %s" % (rss_mib(pid), json.dumps(h)))
    for c in ok:
        c.w.close()
    await asyncio.sleep(1)
    sockets_users()
    failed = failures or missing or len(ok) < len(conns)
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--notifier", required=True)
    p.add_argument("--pidfile", required=True)
    p.add_argument("--secret", default=os.environ.get("WARSHA_TEST_JWT_SECRET", ""))
    p.add_argument("--connections", type=int, default=10000)
    p.add_argument("--room", type=int, default=1000)
    p.add_argument("--events", type=int, default=20)
    p.add_argument("--parallel", type=int, default=200)
    a = p.parse_args()
    sys.exit(asyncio.run(main_async(a)))


if __name__ == "__main__":
    main()
