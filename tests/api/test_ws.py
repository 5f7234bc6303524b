"""warsha-notifier's WebSockets (docs/realtime.md): Socket.IO v4 at /socket.io/ and JSON
frames at /ws, through nginx like the apps, plus a second and third notifier of our own
for what needs one (short heartbeats, SIGTERM, several notifiers side by side).

Socket.IO is spoken by tests/api/wsclient.py (RFC 6455 on the standard library) and,
when `npm ci` has installed tests/node_modules, by an unmodified socket.io-client
(tests/node/sio_client.js)."""
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, check, admin_token, make_user_with_role, register_user,
                         db_query, db_scalar, forge_jwt, claims_for, jwt_secret, poll, run, uniq,
                         Skip, ENV, SOURCE_DIR, BASE_URL)
from wsclient import SocketIO, PlainWS, WebSocket, Closed, Refused

NOTIFIER = (ENV("WARSHA_TEST_NOTIFIER_URL") or "").rstrip("/")


class tb:
    """The booking helpers of test_bookings.py, in short."""
    _svc = []

    @staticmethod
    def svc():
        if not tb._svc:
            b = {"nameAr": "خدمة " + uniq(8), "nameEn": "WS QA " + uniq(10),
                 "descriptionAr": "وصف", "descriptionEn": "A service for the WebSocket tests",
                 "category": "plumbing", "duration": 60, "price": {"basePrice": 15000},
                 "availability": {"isActive": True,
                                  "workingHours": {"start": "08:00", "end": "20:00"},
                                  "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                                  "thursday", "friday", "saturday"]},
                 "requirements": {"requiresApproval": True}}
            tb._svc.append(expect(201, api("POST", "/api/services", b,
                                           token=admin_token()))["data"]["id"])
        return tb._svc[0]

    @staticmethod
    def create(token, service_id):
        d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=2)
        b = {"serviceId": service_id, "scheduledDateTime": "%sT10:00:00.000Z" % d.isoformat(),
             "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo",
                          "coordinates": {"lat": 30.0444, "lng": 31.2357}},
             "customerInfo": {"customerName": "Mona Ali", "phoneNumber": "01012345678"},
             "serviceDetails": {"problemDescription": "The sink leaks"}, "isEmergency": False}
        return expect(201, api("POST", "/api/bookings", b, token=token))["data"]

    @staticmethod
    def put(bid, action, body, token):
        return api("PUT", "/api/bookings/%d/%s" % (bid, action), body, token=token)


def booking_of(customer):
    return tb.create(customer["token"], tb.svc())["id"]


def underway(customer, tech):
    """A booking of the customer, approved, given to the technician, who is on the way."""
    adm = admin_token()
    bid = booking_of(customer)
    expect(200, tb.put(bid, "approve", {"approved": True}, adm))
    expect(200, tb.put(bid, "assign-technician", {"technicianId": tech["id"]}, adm))
    expect(200, tb.put(bid, "status", {"status": "on_way"}, tech["token"]))
    return bid


def health(base=None):
    with urllib.request.urlopen((base or NOTIFIER) + "/health", timeout=5) as r:
        return json.loads(r.read())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Notifier:
    """Another warsha-notifier on the test stack's configuration and database, on a port
    of its own, with extra settings from the environment (WARSHA_<KEY>)."""

    def __init__(self, **settings):
        binary = os.path.join(os.path.dirname(ENV("WARSHA_TEST_FCGI_BIN") or ""),
                              "warsha-notifier")
        if not os.path.exists(binary) or not ENV("WARSHA_TEST_CONFIG"):
            raise Skip("no warsha-notifier binary beside WARSHA_TEST_FCGI_BIN")
        self.port = free_port()
        env = dict(os.environ, WARSHA_NOTIFIER_LISTEN="127.0.0.1:%d" % self.port)
        for k, v in settings.items():
            env["WARSHA_" + k.upper()] = str(v)
        self.log = tempfile.NamedTemporaryFile(prefix="warsha-ws-notifier-", suffix=".log")
        self.proc = subprocess.Popen([binary, "--config", ENV("WARSHA_TEST_CONFIG")], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.base = "http://127.0.0.1:%d" % self.port

        def up():
            try:
                return health(self.base).get("lastEventId") is not None
            except OSError:
                return False
        check(poll(up, timeout=10), "the extra notifier did not come up: %s" % self.text())

    def text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        self.log.close()


# ------------------------------------------------------------------ handshake

def test_open_packet_and_connect():
    c = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    o = s.open
    check(isinstance(o.get("sid"), str) and o.get("upgrades") == [] and
          o.get("pingInterval") == 25000 and o.get("pingTimeout") == 20000 and
          isinstance(o.get("maxPayload"), int), "open packet %r" % o)
    check(s.sid and s.sid != o["sid"], "Socket.IO sid %r vs Engine.IO sid %r" % (s.sid, o["sid"]))
    who = s.wait_event("authenticated")
    check(who["userId"] == c["id"] and who["role"] == "customer", "authenticated %r" % who)
    s.close()


def test_polling_and_other_paths_refused():
    r = api("GET", "/socket.io/?EIO=4&transport=polling")
    expect(400, r)
    for path in ("/socket.io/?EIO=3&transport=websocket", "/socket.io/?transport=websocket",
                 "/socket.io/?EIO=4&transport=polling", "/nothing"):
        try:
            WebSocket(NOTIFIER, path)
            raise AssertionError("upgrade of %s admitted" % path)
        except (Refused, Closed, ConnectionError):
            pass


def test_bad_expired_revoked_banned_tokens_connect_error():
    def refused(token, code):
        s = SocketIO(BASE_URL, auth={"token": token})
        e = s.connect_error
        check(e is not None and isinstance(e.get("message"), str) and
              e.get("data", {}).get("code") == code, "%s: connect_error %r" % (code, e))
        s.close()

    refused("not-a-token", "TOKEN_INVALID")
    c = register_user(role="customer")
    refused(forge_jwt(claims_for(c["id"], exp_in=-60), secret=jwt_secret()), "TOKEN_EXPIRED")
    refused(forge_jwt(claims_for(c["id"]), secret="another-secret-of-enough-length-123456"),
            "TOKEN_INVALID")
    # logout revokes the access token
    u = register_user(role="customer")
    expect(200, api("POST", "/api/auth/logout", {"refreshToken": u["refresh"]}, token=u["token"]))
    refused(u["token"], "TOKEN_INVALID")
    # a banned user
    b = register_user(role="customer")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % b["id"], {"reason": "fraud"},
                    token=admin_token()))
    refused(b["token"], "USER_BANNED")
    # a plain /ws client with a bad token: an error event, then close 1008
    p = PlainWS(BASE_URL, token="not-a-token")
    err = p.wait_event("error")
    check(err["code"] == "TOKEN_INVALID", "ws error %r" % err)
    try:
        p.wait_event("never", timeout=5)
        raise AssertionError("no close after a bad token")
    except Closed as e:
        check(e.code == 1008, "close code %r" % e.code)


def test_socket_closes_when_its_token_expires():
    c = register_user(role="customer")
    t = forge_jwt(claims_for(c["id"], exp_in=2, iat_us=int(time.time() * 1e6)),
                  secret=jwt_secret())
    s = SocketIO(BASE_URL, auth={"token": t})
    check(s.connect_error is None, "connect %r" % s.connect_error)
    s.wait_event("authenticated")
    t0 = time.time()
    err = s.wait_event("error", timeout=6)
    check(err["code"] == "TOKEN_EXPIRED", "error %r" % err)
    try:
        s.pump(5)
        raise AssertionError("still open after the token's expiry")
    except Closed as e:
        check(e.code == 1008, "close %r" % e.code)
    check(time.time() - t0 < 4, "closed %.1f s late" % (time.time() - t0))


def test_token_sources():
    c = register_user(role="customer")
    t = c["token"]
    for kw in ({"query": "&token=" + t}, {"headers": {"Cookie": "access_token=" + t}},
               {"headers": {"Cookie": "accessToken=" + t}},
               {"headers": {"Authorization": "Bearer " + t}}):
        s = SocketIO(BASE_URL, **kw)
        check(s.connect_error is None, "%r: %r" % (kw, s.connect_error))
        check(s.wait_event("authenticated")["userId"] == c["id"], "%r" % kw)
        s.close()
    # seed 000's way: connect bare, then the authenticate event
    s = SocketIO(BASE_URL)
    check(s.connect_error is None and s.sid, "bare connect %r" % s.connect_error)
    a = s.emit("join-booking", {"bookingId": 1}, ack=True)[0]
    check(a["success"] is False and a["code"] == "UNAUTHORIZED", "anonymous join %r" % a)
    a = s.emit("authenticate", {"token": t}, ack=True)[0]
    check(a["success"] is True and a["userId"] == c["id"], "authenticate ack %r" % a)
    s.wait_event("authenticated")
    s.close()
    # /ws: the token in the query, or the authenticate event
    p = PlainWS(BASE_URL, token=t)
    check(p.wait_event("authenticated")["userId"] == c["id"], "/ws ?token=")
    p.close()
    p = PlainWS(BASE_URL)
    p.send("authenticate", {"token": t}, id=1)
    check(p.wait_event("authenticated")["userId"] == c["id"], "/ws authenticate")
    check(p.wait_event("ack:1")["success"] is True, "/ws ack")
    p.close()


def test_first_packet_must_be_connect_and_bad_packets_close():
    for first in ('42["join-booking",{"bookingId":1}]', "4abc", '42{}'):
        s = SocketIO(BASE_URL, connect=False)
        s.ws.send_text(first)
        try:
            s.pump(5)
            raise AssertionError("%r: still open" % first)
        except Closed as e:
            check(e.code == 1008, "%r: close %r" % (first, e.code))
    c = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    s.wait_event("authenticated")
    s.ws.send_text('42abc["x"]')
    try:
        s.pump(5)
        raise AssertionError("malformed ack id: still open")
    except Closed as e:
        check(e.code == 1008, "close %r" % e.code)
    # another namespace: CONNECT_ERROR for it, the socket stays
    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    s.wait_event("authenticated")
    s.ws.send_text('40/admin,{"token":"x"}')
    check(s.recv_packet(5) == '44/admin,{"message":"Invalid namespace"}', "namespace")
    s.close()


# ------------------------------------------------------------------ rooms and events

def test_booking_room_status_and_location():
    c = register_user(role="customer")
    tech = make_user_with_role("technician")
    stranger = register_user(role="customer")
    adm = admin_token()
    bid = booking_of(c)

    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    s.wait_event("authenticated")
    a = s.emit("join-booking", {"bookingId": bid}, ack=True)[0]
    check(a["success"] is True and a["room"] == "booking:%d" % bid, "join ack %r" % a)
    p = PlainWS(BASE_URL, token=c["token"])
    p.wait_event("authenticated")
    p.send("join-booking", {"bookingId": bid}, id=7)
    check(p.wait_event("ack:7")["success"] is True, "/ws join")

    x = SocketIO(BASE_URL, auth={"token": stranger["token"]})
    x.wait_event("authenticated")
    x.emit("join-booking", {"bookingId": bid})
    err = x.wait_event("error")
    check(err["code"] == "FORBIDDEN" and err["event"] == "join-booking" and
          err["messageAr"] and err["messageEn"], "stranger %r" % err)

    t0 = time.time()
    expect(200, tb.put(bid, "approve", {"approved": True}, adm))
    up = s.wait_event("booking:status-update")
    took = time.time() - t0
    check(up["bookingId"] == bid and up["status"] == "approved", "status-update %r" % up)
    check(took < 2, "status-update took %.2f s" % took)
    check(p.wait_event("booking:status-update")["bookingId"] == bid, "/ws status-update")

    expect(200, tb.put(bid, "assign-technician", {"technicianId": tech["id"]}, adm))
    check(s.wait_event("booking:technician-assigned")["technicianId"] == tech["id"], "assigned")
    t = SocketIO(BASE_URL, auth={"token": tech["token"]})
    t.wait_event("authenticated")
    # not underway yet: refused, nothing stored
    a = t.emit("update-location", {"bookingId": bid, "latitude": 30.1, "longitude": 31.2},
               ack=True)[0]
    check(a["success"] is False and a["code"] == "CONFLICT", "early location %r" % a)
    expect(200, tb.put(bid, "status", {"status": "on_way"}, tech["token"]))
    a = t.emit("update-location", {"bookingId": bid, "latitude": 30.05, "longitude": 31.24},
               ack=True)[0]
    check(a["success"] is True and isinstance(a["etaMinutes"], int), "location ack %r" % a)
    loc = s.wait_event("booking:location-update")
    check(loc == {"bookingId": bid, "technicianId": tech["id"], "latitude": 30.05,
                  "longitude": 31.24}, "location-update %r" % loc)
    eta = s.wait_event("booking:eta-update")
    check(eta["bookingId"] == bid and eta["etaMinutes"] == a["etaMinutes"], "eta %r" % eta)
    check(p.wait_event("booking:location-update")["latitude"] == 30.05, "/ws location")
    # stored as PUT /api/bookings/:id/location stores it
    row = db_query("SELECT tech_lat, tech_lng FROM bookings WHERE id = %d"
                   % bid)
    check(row and float(row[0][0]) == 30.05 and float(row[0][1]) == 31.24, "stored %r" % row)
    tr = expect(200, api("GET", "/api/bookings/%d/tracking" % bid, token=c["token"]))
    check("30.05" in json.dumps(tr["data"]), "tracking %r" % tr["data"])
    # the customer may not send a location; a bad body is a validation error
    a = s.emit("update-location", {"bookingId": bid, "latitude": 30, "longitude": 31},
               ack=True)[0]
    check(a["code"] == "FORBIDDEN", "customer's location %r" % a)
    a = t.emit("update-location", {"bookingId": bid, "latitude": 91, "longitude": 31},
               ack=True)[0]
    check(a["code"] == "VALIDATION_ERROR", "latitude 91 %r" % a)
    # leave-booking: no more events of it
    s.pump(0.3)
    del s.events[:]
    check(s.emit("leave-booking", {"bookingId": bid}, ack=True)[0]["success"] is True, "leave")
    t.emit("update-location", {"bookingId": bid, "latitude": 30.06, "longitude": 31.25}, ack=True)
    p.wait_event("booking:location-update", pred=lambda d: d["latitude"] == 30.06)
    s.pump(0.5)
    check(not [e for e in s.events if e[0].startswith("booking:")], "after leave %r" % s.events)
    for x_ in (s, p, x, t):
        x_.close()


def test_staff_may_join_any_booking():
    c = register_user(role="customer")
    bid = booking_of(c)
    s = SocketIO(BASE_URL, auth={"token": admin_token()})
    s.wait_event("authenticated")
    check(s.emit("join-booking", {"bookingId": bid}, ack=True)[0]["success"] is True, "admin")
    a = s.emit("join-booking", {"bookingId": 999999999}, ack=True)[0]
    check(a["code"] == "NOT_FOUND", "no such booking %r" % a)
    s.close()


def test_notifications_new_read_and_register():
    c = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    s.wait_event("authenticated")
    check(s.emit("register", c["id"], ack=True)[0]["success"] is True, "register self")
    check(s.emit("register", c["id"] + 1, ack=True)[0]["success"] is False, "register other")
    s.wait_event("error")
    p = PlainWS(BASE_URL, token=c["token"])
    p.wait_event("authenticated")
    body = {"userId": c["id"], "type": "system", "titleAr": "عنوان", "titleEn": "Title",
            "messageAr": "رسالة", "messageEn": "Message"}
    expect(201, api("POST", "/api/notifications/send", body, token=admin_token()))
    n1 = s.wait_event("notification:new")
    n2 = s.wait_event("newNotification")
    check(n1 == n2 and n1["titleEn"] == "Title" and n1["isRead"] is False, "%r %r" % (n1, n2))
    check(p.wait_event("notification:new")["id"] == n1["id"], "/ws notification:new")
    p.wait_event("newNotification")
    a = s.emit("notification:read", {"notificationId": n1["id"]}, ack=True)[0]
    check(a["success"] is True, "read ack %r" % a)
    r = p.wait_event("notification:read")
    check(r["ids"] == [n1["id"]] and r["unreadCount"] == 0, "notification:read %r" % r)
    check(db_scalar("SELECT is_read FROM notifications WHERE id = %d" % n1["id"]) == "1", "read")
    a = s.emit("notification:read", {"notificationId": 999999999}, ack=True)[0]
    check(a["code"] == "NOT_FOUND", "someone else's %r" % a)
    s.close()
    p.close()


def test_presence_for_admins_and_health():
    adm = SocketIO(BASE_URL, auth={"token": admin_token()})
    adm.wait_event("authenticated")
    tech = make_user_with_role("technician")
    before = health()
    t = SocketIO(BASE_URL, auth={"token": tech["token"]})
    t.wait_event("authenticated")
    on = adm.wait_event("presence:update", pred=lambda d: d["userId"] == tech["id"])
    check(on["online"] is True and on["role"] == "technician", "online %r" % on)
    st = adm.wait_event("technician:status-change", pred=lambda d: d["userId"] == tech["id"])
    check(st["status"] == "online", "technician status %r" % st)
    h = health()
    check(h["sockets"] >= 2 and h["lastEventId"] >= (before["lastEventId"] or 0), "health %r" % h)
    t2 = PlainWS(BASE_URL, token=tech["token"])   # a second device: no second "online"
    t2.wait_event("authenticated")
    t.close()
    t2.close()
    off = adm.wait_event("presence:update", pred=lambda d: d["userId"] == tech["id"])
    check(off["online"] is False, "offline %r" % off)
    adm.pump(0.3)
    check(not [e for e in adm.events if e[0] == "presence:update" and
               e[1]["userId"] == tech["id"]], "extra presence events %r" % adm.events)
    adm.close()



def test_admins_follow_technicians_work_status_and_position():
    """PUT /api/technicians/status reaches the admins' sockets: technician:status-change
    (kind "work") and technician:location-update."""
    adm = SocketIO(BASE_URL, auth={"token": admin_token()})
    adm.wait_event("authenticated")
    tech = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/status", {
        "status": "available", "location": {"latitude": 30.0512, "longitude": 31.2461}},
        token=tech["token"]))
    st = adm.wait_event("technician:status-change",
                        pred=lambda d: d.get("technicianId") == tech["id"] and d.get("kind") == "work")
    check(st["status"] == "available", "work status %r" % st)
    loc = adm.wait_event("technician:location-update",
                         pred=lambda d: d.get("technicianId") == tech["id"])
    check(abs(loc["latitude"] - 30.0512) < 1e-6 and abs(loc["longitude"] - 31.2461) < 1e-6,
          "position %r" % loc)
    # a customer's socket hears none of it
    c = register_user(role="customer")
    cs = SocketIO(BASE_URL, auth={"token": c["token"]})
    cs.wait_event("authenticated")
    expect(200, api("PUT", "/api/technicians/status", {
        "status": "busy", "location": {"latitude": 30.06, "longitude": 31.25}}, token=tech["token"]))
    adm.wait_event("technician:location-update",
                   pred=lambda d: d.get("technicianId") == tech["id"] and d["latitude"] > 30.055)
    cs.pump(0.3)
    check(not [e for e in cs.events if e[0].startswith("technician:")], "a customer heard %r" % cs.events)
    cs.close()
    adm.close()


def _closed_1008(sock, seconds=5):
    try:
        sock.pump(seconds)
    except Closed as e:
        return e.code
    return None


def test_open_sockets_close_when_their_tokens_end():
    """A ban, a new password, a sign-out, a new role and an ended session reach sockets
    already open (auth:check): each closes with 1008; other users' sockets stay."""
    adm = admin_token()
    bystander = register_user(role="customer")
    b = SocketIO(BASE_URL, auth={"token": bystander["token"]})
    b.wait_event("authenticated")
    # a ban
    u = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": u["token"]})
    s.wait_event("authenticated")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "abuse"}, token=adm))
    check(_closed_1008(s) == 1008, "a banned user's socket stayed open")
    # a new password: the other device's socket closes
    u = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": u["token"]})
    s.wait_event("authenticated")
    expect(200, api("POST", "/api/auth/change-password", {"currentPassword": u["password"],
                    "newPassword": "N3w-Passw0rd!x"}, token=u["token"]))
    check(_closed_1008(s) == 1008, "a socket outlived the password change")
    # signing out ends the socket of that token
    u = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": u["token"]})
    s.wait_event("authenticated")
    expect(200, api("POST", "/api/auth/logout", {"refreshToken": u["refresh"]}, token=u["token"]))
    check(_closed_1008(s) == 1008, "a socket outlived its sign-out")
    # a new role: the socket closes (its rooms were the old role's)
    u = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": u["token"]})
    s.wait_event("authenticated")
    expect(200, api("PUT", "/api/users/%d/role" % u["id"], {"role": "technician"}, token=adm))
    check(_closed_1008(s) == 1008, "a socket kept its old role")
    # the bystander heard nothing and is still connected
    b.pump(0.3)
    check(not [e for e in b.events if e[0] == "auth:check"], "auth:check reached a client")
    b.close()

def test_a_client_too_far_behind_is_dropped():
    """A socket that reads nothing while its room gets more than the kernel's buffers and
    its send queue hold is dropped (logged, counted); one that reads keeps up."""
    with Notifier() as n:
        c = register_user(role="customer")
        slow = SocketIO(n.base, auth={"token": c["token"]}, rcvbuf=4096)
        slow.wait_event("authenticated")
        fast = PlainWS(n.base, token=c["token"])
        fast.wait_event("authenticated")
        # 12,000 events of 1 KiB for the user's room, written as workers write them
        total = 12000
        db_query("INSERT INTO realtime_events (room, event, payload) SELECT 'user:%d',"
                 " 'test:filler', JSON_OBJECT('n', seq, 'pad', REPEAT('x', 1024))"
                 " FROM seq_1_to_%d" % (c["id"], total))
        got = 0
        end = time.time() + 60
        while got < total and time.time() < end:
            d = fast.wait_event("test:filler", timeout=10)
            got += 1
            check(d["n"] == got, "event %d came as number %d" % (got, d["n"]))
        check(got == total, "the reading socket got %d of %d" % (got, total))
        check(poll(lambda: health(n.base)["socketsDropped"] == 1, timeout=10),
              "not dropped: %r" % health(n.base))
        check("msg=ws_dropped reason=send_queue_full user=%d" % c["id"] in n.text(), "no log line")
        try:
            while True:
                slow.ws.recv(5)
        except (Closed, ConnectionError):
            pass
        check(health(n.base)["sockets"] == 1, "sockets %r" % health(n.base))
        fast.close()


def test_large_messages_and_binary():
    """A message in several fragments is put together; one over maxPayload closes the
    socket (1009); binary frames are dropped and the socket stays."""
    c = register_user(role="customer")
    s = SocketIO(BASE_URL, auth={"token": c["token"]})
    s.wait_event("authenticated")
    a = s.emit("register", {"userId": c["id"], "pad": "x" * 20000}, ack=True)[0]
    check(a["success"] is True, "20 KB event %r" % a)
    s.ws.send_binary(b"\x00" * 100)
    s.ws.send_text('451-["up",{"_placeholder":true,"num":0}]')
    check(s.emit("ping", ack=True)[0]["success"] is True, "after binary")
    s.ws.send_text("42" + json.dumps(["register", "x" * 70000]))
    try:
        s.pump(5)
        raise AssertionError("70 KB message: still open")
    except Closed as e:
        check(e.code == 1009, "close %r" % e.code)


def test_late_commit_is_delivered():
    """A row whose id was handed out before one already delivered, committed after it,
    still reaches its room (the tail looks at its gaps again)."""
    c = register_user(role="customer")
    p = PlainWS(BASE_URL, token=c["token"])
    p.wait_event("authenticated")
    room = "user:%d" % c["id"]
    slow = threading.Thread(target=db_query, args=(
        "BEGIN; INSERT INTO realtime_events (room, event, payload) VALUES ('%s', 'test:late',"
        " '{\"n\": 1}'); SELECT SLEEP(1.5); COMMIT;" % room,))
    slow.start()
    time.sleep(0.3)
    db_query("INSERT INTO realtime_events (room, event, payload) VALUES ('%s', 'test:early',"
             " '{\"n\": 2}')" % room)
    check(p.wait_event("test:early", timeout=5)["n"] == 2, "early")
    slow.join()
    check(p.wait_event("test:late", timeout=5)["n"] == 1, "late")
    p.close()


# ------------------------------------------------------------------ heartbeat, shutdown, several

def test_heartbeat_and_ping_timeout():
    with Notifier(notifier_ping_interval_ms=300, notifier_ping_timeout_ms=300) as n:
        c = register_user(role="customer")
        good = SocketIO(n.base, auth={"token": c["token"]})
        check(good.open["pingInterval"] == 300, "open %r" % good.open)
        good.wait_event("authenticated")
        bad = SocketIO(n.base, auth={"token": c["token"]})
        bad.answer_pings = False
        bad.wait_event("authenticated")
        good.pump(1.5)
        check(good.pings >= 3, "pings %d" % good.pings)
        try:
            bad.pump(2)
            raise AssertionError("no pong, still open")
        except Closed:
            pass
        good.pump(0.5)     # the answering one stays
        check(health(n.base)["sockets"] == 1, "sockets %r" % health(n.base))
        check("reason=ping_timeout" in n.text(), "no ping_timeout line")
        good.close()


def test_sigterm_closes_with_1001():
    with Notifier() as n:
        c = register_user(role="customer")
        s = SocketIO(n.base, auth={"token": c["token"]})
        s.wait_event("authenticated")
        p = PlainWS(n.base, token=c["token"])
        p.wait_event("authenticated")
        n.proc.send_signal(signal.SIGTERM)
        for sock in (s.ws, p.ws):
            try:
                while True:
                    sock.recv(5)
            except Closed as e:
                check(e.code == 1001, "close %r" % e.code)
        check(n.proc.wait(10) == 0, "exit status %r" % n.proc.returncode)
        check("msg=sockets_closed closed=2 left=0" in n.text(), n.text()[-500:])


def test_two_notifiers_each_deliver_to_their_own():
    c = register_user(role="customer")
    bid = booking_of(c)
    with Notifier() as n:
        a = SocketIO(BASE_URL, auth={"token": c["token"]})
        b = SocketIO(n.base, auth={"token": c["token"]})
        for s in (a, b):
            s.wait_event("authenticated")
            check(s.emit("join-booking", {"bookingId": bid}, ack=True)[0]["success"], "join")
        expect(200, tb.put(bid, "approve", {"approved": True}, admin_token()))
        for s in (a, b):
            check(s.wait_event("booking:status-update")["bookingId"] == bid, "both hear it")
            s.close()


def test_socket_io_client_from_npm():
    """tests/node/sio_client.js: the published client, unmodified, WebSocket only."""
    node_modules = os.path.join(SOURCE_DIR, "tests", "node_modules", "socket.io-client")
    if not os.path.isdir(node_modules):
        raise Skip("tests/node_modules is not installed (scripts/dev deps runs npm ci)")
    c = register_user(role="customer")
    stranger = register_user(role="customer")
    tech = make_user_with_role("technician")
    case = {"base": BASE_URL, "customer": c["token"], "stranger": stranger["token"],
            "admin": admin_token(), "technician": tech["token"], "technicianId": tech["id"],
            "bookingId": booking_of(c)}
    r = subprocess.run(["node", os.path.join(SOURCE_DIR, "tests", "node", "sio_client.js")],
                       env=dict(os.environ, WARSHA_WS_CASE=json.dumps(case)),
                       capture_output=True, text=True, timeout=60)
    out = r.stdout + r.stderr
    check(r.returncode == 0, "node: %s" % out[-1500:])
    for step in ("authenticated", "join-booking", "stranger refused", "connect_error",
                 "booking:status-update", "booking:technician-assigned",
                 "update-location reached the customer"):
        check("ok " + step in out, "step %r missing: %s" % (step, out[-800:]))


if __name__ == "__main__":
    run(globals())
