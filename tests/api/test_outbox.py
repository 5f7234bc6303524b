"""Outbox delivery by warsha-notifier (docs/notifications.md, "Delivery").

The stack's own notifier delivers with the `file` transports into the stack's spool
directory. The other transports are tested against notifiers this suite starts with a
configuration of its own (the stack's database, a spool directory of their own) and
servers of its own on loopback: a tiny SMTP server (socketserver; smtpd is gone from
Python 3.12), a fake Resend API, a fake OAuth2 token endpoint and FCM API, a fake SMS
gateway. While one of them runs, the stack's notifier is paused (SIGSTOP), so that the
rows this suite queues go to the transport under test; it is continued afterwards.

Rows are inserted straight into `outbox`, as the pool's handlers do in their
transactions, with the templates the pool queues.
"""
import base64
import contextlib
import email
import email.policy
import http.server
import json
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (ENV, SOURCE_DIR, Skip, api, check, db_query, db_scalar, fail,  # noqa: E402
                         poll, register_user, run, sql_str, uniq)

SPOOL = ENV("WARSHA_TEST_SPOOL_DIR") or ""
ARABIC_SUBJECT = "تأكيد الحجز رقم ١٢ في ورشة — موعدك مع الفني غداً الساعة العاشرة صباحاً"


# ------------------------------------------------------------------ helpers

def _notifier_bin():
    fcgi = ENV("WARSHA_TEST_FCGI_BIN")
    b = os.path.join(os.path.dirname(fcgi or ""), "warsha-notifier")
    if not fcgi or not os.path.exists(b):
        raise Skip("warsha-notifier is not built")
    return b


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


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def queue(channel, recipient, template, payload, lang="ar", subject=None, user_id=None):
    """Inserts one outbox row; returns its id."""
    rows = db_query("INSERT INTO outbox (channel, user_id, recipient, template, lang, subject,"
                    " payload) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id"
                    % (sql_str(channel), "NULL" if user_id is None else int(user_id),
                       sql_str(recipient), sql_str(template), sql_str(lang), sql_str(subject),
                       sql_str(json.dumps(payload, ensure_ascii=False))))
    return int(rows[0][0])


def queue_many(n, recipient_fmt, template="verify_email"):
    """n e-mail rows in one statement; their ids."""
    tag = uniq(8)
    values = ",".join("('email', %s, %s, 'en', %s)" % (
        sql_str(recipient_fmt % i), sql_str(template),
        sql_str(json.dumps({"name": "n%d" % i, "link": "http://x/%s/%d" % (tag, i)})))
        for i in range(n))
    db_query("INSERT INTO outbox (channel, recipient, template, lang, payload) VALUES " + values)
    rows = db_query("SELECT id FROM outbox WHERE JSON_VALUE(payload, '$.link') LIKE %s ORDER BY id"
                    % sql_str("http://x/%s/%%" % tag))
    return [int(r[0]) for r in rows]


def row(id_):
    r = db_query("SELECT status, attempts, IFNULL(last_error, ''), IFNULL(locked_by, '')"
                 " FROM outbox WHERE id = %d" % id_)
    return {"status": r[0][0], "attempts": int(r[0][1]), "error": r[0][2], "locked_by": r[0][3]}


def wait_status(ids, statuses=("sent",), timeout=20):
    ids = list(ids)
    where = "id IN (%s)" % ",".join(str(i) for i in ids)
    want = ",".join(sql_str(s) for s in statuses)

    def done():
        return int(db_scalar("SELECT COUNT(*) FROM outbox WHERE %s AND status IN (%s)"
                             % (where, want))) == len(ids)
    if not poll(done, timeout=timeout, interval=0.1):
        left = db_query("SELECT id, status, attempts, last_error FROM outbox WHERE %s AND status"
                        " NOT IN (%s) LIMIT 5" % (where, want))
        fail("rows not %s after %ss: %r" % ("/".join(statuses), timeout, left))


def due_count():
    return int(db_scalar("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending',"
                         " 'failed') AND next_attempt_at <= NOW(3) + INTERVAL 1 SECOND"))


@contextlib.contextmanager
def stack_notifier_paused():
    """The stack's notifier stopped (SIGSTOP) for the block, after it delivered what was
    due, so that only the suite's own notifier claims the rows queued meanwhile."""
    pidfile = os.path.join(os.path.dirname(ENV("WARSHA_TEST_FCGI_PIDFILE") or "/nonexistent"),
                           "warsha-notifier.pid")
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        raise Skip("no pid file of the stack's notifier")
    poll(lambda: due_count() == 0, timeout=10)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


class Notifier:
    """A warsha-notifier of the suite's own: the stack's database, a spool directory and a
    port of its own, the given keys on top."""

    def __init__(self, **keys):
        self.dir = tempfile.mkdtemp(prefix="warsha-outbox-")
        conf = _stack_conf()
        vals = {k: conf[k] for k in ("db_host", "db_port", "db_socket", "db_user", "db_password",
                                     "db_name", "public_url") if k in conf}
        vals.update(notifier_listen="127.0.0.1:%d" % _free_port(), log_level="info",
                    spool_dir=os.path.join(self.dir, "spool"),
                    templates_dir=os.path.join(SOURCE_DIR, "templates"),
                    outbox_poll_ms="50", email_from="ورشة <no-reply@warsha.test>")
        vals.update({k: str(v) for k, v in keys.items()})
        self.conf = os.path.join(self.dir, "warsha.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write("".join("%s = %s\n" % kv for kv in vals.items()))
        os.chmod(self.conf, 0o600)
        self.log = os.path.join(self.dir, "notifier.log")
        self.proc = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("WARSHA_")}
        self.logf = open(self.log, "ab")
        self.proc = subprocess.Popen([_notifier_bin(), "--config", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.logf, env=env)
        if not poll(lambda: "msg=delivery_started" in self.text() or self.proc.poll() is not None,
                    timeout=10):
            fail("the notifier did not start: %s" % self.text()[-2000:])
        check(self.proc.poll() is None, "the notifier exited: %s" % self.text()[-2000:])
        return self

    def text(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            fail("the notifier did not stop within 30 s of %s" % sig)
        self.logf.close()
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        sanitizer = [ln for ln in self.text().splitlines() if "Sanitizer" in ln or "level=error" in ln]
        check(not sanitizer, "the notifier logged: %r" % sanitizer[:5])


def parse_mail(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def check_mime(msg, subject=None, raw=None):
    """A multipart/alternative message with a UTF-8 text and an HTML part; raw: its bytes
    as sent (CRLF line ends, no line over 998 bytes, 76 in the header)."""
    check(msg.get_content_type() == "multipart/alternative", msg.get_content_type())
    for h in ("Date", "From", "To", "Subject", "Message-ID"):
        check(msg[h], "no %s header" % h)
    if subject is not None:
        check(str(msg["Subject"]) == subject, "Subject %r != %r" % (str(msg["Subject"]), subject))
    parts = [p.get_content_type() for p in msg.iter_parts()]
    check(parts == ["text/plain", "text/html"], "parts %r" % parts)
    for p in msg.iter_parts():
        check(p.get_content_charset() == "utf-8", "charset %r" % p.get_content_charset())
    if raw is not None:
        head, _, body = raw.partition(b"\r\n\r\n")
        check(b"\n" not in raw.replace(b"\r\n", b""), "a line end that is not CRLF")
        for line in head.split(b"\r\n"):
            check(len(line) <= 78, "a header line of %d bytes: %r" % (len(line), line[:100]))
        for line in body.split(b"\r\n"):
            check(len(line) <= 998, "a body line of %d bytes" % len(line))
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


# ------------------------------------------------------------------ fake servers

class SMTPServer(socketserver.ThreadingTCPServer):
    """A tiny ESMTP server: EHLO, AUTH PLAIN, MAIL, RCPT, DATA (dot-unstuffed), RSET, NOOP,
    QUIT. Messages land in .messages as (mail_from, [rcpt], bytes)."""
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, user=None, password=None, delay=0.0, starttls=False):
        self.messages, self.auths, self.user, self.password = [], [], user, password
        self.delay, self.starttls, self.lock = delay, starttls, threading.Lock()
        super().__init__(("127.0.0.1", 0), SMTPHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self):
        self.shutdown()
        self.server_close()


class SMTPHandler(socketserver.StreamRequestHandler):
    def w(self, s):
        self.wfile.write(s.encode() + b"\r\n")

    def handle(self):
        srv = self.server
        self.w("220 fake.test ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"):
                caps = ["250-fake.test", "250-8BITMIME", "250-SIZE 10000000"]
                if srv.user:
                    caps.append("250-AUTH PLAIN")
                if srv.starttls:
                    caps.append("250-STARTTLS")
                caps.append("250 SMTPUTF8")
                self.w("\r\n".join(caps))
            elif up.startswith("AUTH PLAIN"):
                parts = cmd.split(" ")
                if len(parts) < 3:
                    self.w("334 ")
                    data = self.rfile.readline().decode().strip()
                else:
                    data = parts[2]
                fields = base64.b64decode(data).split(b"\0")
                srv.auths.append(fields)
                ok = len(fields) == 3 and fields[1].decode() == srv.user and fields[2].decode() == srv.password
                self.w("235 2.7.0 ok" if ok else "535 5.7.8 bad credentials")
            elif up.startswith("STARTTLS"):
                self.w("454 4.7.0 TLS not available")
            elif up.startswith("MAIL FROM:"):
                mail_from, rcpts = cmd[10:].strip(), []
                self.w("250 ok")
            elif up.startswith("RCPT TO:"):
                rcpts.append(cmd[8:].strip())
                self.w("250 ok")
            elif up == "DATA":
                self.w("354 go ahead")
                data = []
                while True:
                    ln = self.rfile.readline()
                    if not ln or ln == b".\r\n":
                        break
                    data.append(ln[1:] if ln.startswith(b"..") else ln)
                if srv.delay:
                    time.sleep(srv.delay)
                with srv.lock:
                    srv.messages.append((mail_from, rcpts, b"".join(data)))
                self.w("250 2.0.0 queued")
            elif up in ("RSET", "NOOP"):
                self.w("250 ok")
            elif up == "QUIT":
                self.w("221 bye")
                return
            else:
                self.w("502 5.5.2 not implemented")


class HTTPFake:
    """An HTTP server on loopback: handler(method, path, headers, body) -> (status,
    {headers}, body). Requests are kept in .requests as (method, path, headers, body)."""

    def __init__(self, handler):
        fake = self
        self.requests, self.handler = [], handler

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                fake.requests.append(("POST", self.path, self.headers, body))
                status, headers, out = fake.handler("POST", self.path, self.headers, body)
                out = out if isinstance(out, bytes) else json.dumps(out).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------ the stack's file transport

def test_registration_mail_and_sms_reach_the_spool():
    if not SPOOL:
        raise Skip("WARSHA_TEST_SPOOL_DIR is not set")
    u = register_user(lang="ar", firstName="سارة")
    ids = db_query("SELECT id, channel, template FROM outbox WHERE user_id = %d ORDER BY id" % u["id"])
    check(ids, "registration queued nothing")
    wait_status([int(r[0]) for r in ids], timeout=15)
    for id_, channel, template in ids:
        if channel == "email":
            path = os.path.join(SPOOL, "mail", "%s.eml" % id_)
            check(os.path.exists(path), "no %s" % path)
            with open(path, "rb") as f:
                raw = f.read()
            msg = parse_mail(raw)
            text, html = check_mime(msg, raw=raw)
            check("ورشة" in str(msg["Subject"]), "subject %r" % str(msg["Subject"]))
            check(msg["To"].addresses[0].addr_spec == u["email"], msg["To"])
            check(str(msg["Message-ID"]) == "<outbox-%s@warsha.local>" % id_ or
                  str(msg["Message-ID"]).startswith("<outbox-%s@" % id_), msg["Message-ID"])
            check(msg["List-Unsubscribe"] is None, "a transactional message with List-Unsubscribe")
            check("سارة" in text and "سارة" in html, "the name is not in both parts")
            check('dir="rtl"' in html, "the Arabic HTML is not right-to-left")
        elif channel == "sms":
            path = os.path.join(SPOOL, "sms", "%s.txt" % id_)
            check(os.path.exists(path), "no %s" % path)
            with open(path, encoding="utf-8") as f:
                t = f.read()
            check(t.startswith("To: +20"), t)
            check("رمز التحقق" in t, t)


def test_english_notification_mail_has_list_unsubscribe():
    if not SPOOL:
        raise Skip("WARSHA_TEST_SPOOL_DIR is not set")
    u = register_user(lang="en")
    id_ = queue("email", u["email"], "notification", {"type": "booking_status", "title": "Booking approved",
                "message": "Your booking BK-1 was approved.", "data": {"bookingId": 41}},
                lang="en", subject="Booking approved", user_id=u["id"])
    wait_status([id_])
    with open(os.path.join(SPOOL, "mail", "%d.eml" % id_), "rb") as f:
        raw = f.read()
    msg = parse_mail(raw)
    text, html = check_mime(msg, "Booking approved", raw)
    check(msg["List-Unsubscribe"] and "mailto:" in msg["List-Unsubscribe"], msg["List-Unsubscribe"])
    check("Booking number: 41" in text, "the booking_status template was not used: %r" % text)
    check('lang="en"' in html, html[:200])


def test_preferences_decide_what_is_sent():
    u = register_user(lang="ar")
    db_query("UPDATE users SET email_notifications = 0 WHERE id = %d" % u["id"])
    off = queue("email", u["email"], "notification", {"type": "system", "title": "t", "message": "m"},
                subject="t", user_id=u["id"])
    # a code is sent whatever the preferences say
    code = queue("email", u["email"], "verify_email", {"name": "x", "link": "http://x/1"}, user_id=u["id"])
    wait_status([off], ("skipped",))
    wait_status([code])
    check("preferences" in row(off)["error"], row(off))


def test_push_without_devices_is_skipped():
    u = register_user()
    id_ = queue("push", "user:%d" % u["id"], "notification", {"type": "system", "title": "t", "message": "m"},
                subject="t", user_id=u["id"])
    wait_status([id_], ("skipped",))


# ------------------------------------------------------------------ device tokens API

def test_fcm_token_register_and_delete():
    u = register_user()
    tok = "fcm-" + uniq(20)
    r = api("POST", "/api/v1/users/fcm-token", {"token": tok, "device": "iPhone 14 Pro", "platform": "ios"},
            token=u["token"])
    check(r.status == 200 and r.body["data"]["platform"] == "ios", r.describe())
    check(db_scalar("SELECT user_id FROM device_tokens WHERE token = %s" % sql_str(tok)) == str(u["id"]), "not stored")
    # the same token from another account moves to it
    v = register_user()
    r = api("POST", "/api/users/fcm-token", {"token": tok, "platform": "android"}, token=v["token"])
    check(r.status == 200, r.describe())
    check(db_scalar("SELECT CONCAT(user_id, ' ', platform) FROM device_tokens WHERE token = %s"
                    % sql_str(tok)) == "%d android" % v["id"], "not moved")
    # the first user cannot remove it any more
    r = api("DELETE", "/api/users/fcm-token", {"token": tok}, token=u["token"])
    check(r.status == 200 and r.body["data"]["removed"] == 0, r.describe())
    r = api("DELETE", "/api/users/fcm-token", {"token": tok}, token=v["token"])
    check(r.status == 200 and r.body["data"]["removed"] == 1, r.describe())
    check(int(db_scalar("SELECT COUNT(*) FROM device_tokens WHERE token = %s" % sql_str(tok))) == 0, "not deleted")


def test_fcm_token_validation():
    u = register_user()
    r = api("POST", "/api/users/fcm-token", {"token": "x", "platform": "symbian"}, token=u["token"])
    check(r.status == 422 and "platform" in json.dumps(r.body), r.describe())
    r = api("POST", "/api/users/fcm-token", {"token": "has space", "platform": "web"}, token=u["token"])
    check(r.status == 422 and "token" in json.dumps(r.body), r.describe())
    r = api("POST", "/api/users/fcm-token", {"token": "a" * 513, "platform": "web"}, token=u["token"])
    check(r.status == 422, r.describe())
    r = api("POST", "/api/users/fcm-token", {"token": "abc", "platform": "web"})
    check(r.status == 401, r.describe())


# ------------------------------------------------------------------ SMTP

def test_smtp_delivers_mime_with_an_arabic_subject():
    smtp = SMTPServer(user="mailer", password="s3cret-pass")
    try:
        with stack_notifier_paused(), Notifier(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % smtp.port,
                                               smtp_tls="none", smtp_user="mailer",
                                               smtp_password="s3cret-pass"):
            to = "r%s@example.com" % uniq(8)
            id_ = queue("email", to, "notification", {"type": "booking_status", "title": ARABIC_SUBJECT,
                        "message": "الفني في الطريق إليك", "data": {"bookingId": 12}},
                        subject=ARABIC_SUBJECT)
            wait_status([id_])
        mine = [m for m in smtp.messages if m[1] == ["<%s>" % to]]
        check(len(mine) == 1, "messages to %s: %d" % (to, len(mine)))
        mail_from, rcpts, raw = mine[0]
        check(mail_from.split(" ")[0] == "<no-reply@warsha.test>", mail_from)
        check(smtp.auths and smtp.auths[0][1:] == [b"mailer", b"s3cret-pass"], smtp.auths)
        # RFC 2047: encoded words, no raw 8-bit bytes in the headers, lines within 76
        head = raw.split(b"\r\n\r\n", 1)[0]
        check(all(b < 0x80 for b in head), "8-bit bytes in the header")
        for line in head.split(b"\r\n"):
            if line.startswith((b"Subject:", b" =?UTF-8")):
                check(len(line) <= 76, "header line of %d: %r" % (len(line), line))
        check(b"=?UTF-8?B?" in head, head)
        msg = parse_mail(raw)
        text, html = check_mime(msg, ARABIC_SUBJECT, raw)
        check(str(msg["From"]).startswith("ورشة"), str(msg["From"]))
        check(msg["Message-ID"].startswith("<outbox-%d@warsha.test>" % id_), msg["Message-ID"])
        check(msg["List-Unsubscribe"], "no List-Unsubscribe on a notification")
        check("الفني في الطريق إليك" in text and "الفني في الطريق إليك" in html, text)
    finally:
        smtp.close()


def test_smtp_starttls_required_is_never_plain():
    smtp = SMTPServer(starttls=False)
    try:
        with stack_notifier_paused(), Notifier(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % smtp.port,
                                               outbox_max_attempts=1):
            id_ = queue("email", "t%s@example.com" % uniq(8), "verify_email", {"name": "x", "link": "http://x"})
            wait_status([id_], ("dead",))
        check(not smtp.messages, "a message went without TLS")
        check(row(id_)["error"], row(id_))
    finally:
        smtp.close()


def test_dead_smtp_server_retries_then_dead():
    port = _free_port()   # nothing listens there
    with stack_notifier_paused(), Notifier(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % port,
                                           smtp_tls="none", outbox_max_attempts=3, outbox_backoff_ms=200,
                                           outbox_backoff_max_ms=400) as n:
        id_ = queue("email", "d%s@example.com" % uniq(8), "reset_password", {"name": "x", "link": "http://x"})
        seen = set()

        def dead():
            r = row(id_)
            seen.add(r["status"])
            return r["status"] == "dead"
        check(poll(dead, timeout=20, interval=0.02), "not dead: %r" % row(id_))
        r = row(id_)
        check(r["attempts"] == 3, r)
        check("connect" in r["error"].lower(), r)
        check(r["locked_by"] == "", r)
        check("failed" in seen, "never seen waiting for a retry: %r" % seen)
        check(n.text().count("msg=outbox_retry id=%d " % id_) == 2, n.text()[-1500:])
        check("msg=outbox_dead id=%d " % id_ in n.text(), n.text()[-1500:])


def test_sigkill_mid_batch_loses_nothing():
    smtp = SMTPServer(delay=0.01)
    try:
        with stack_notifier_paused():
            conf = dict(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % smtp.port, smtp_tls="none",
                        outbox_batch=25, outbox_lease_seconds=5)
            tag = uniq(6)
            ids = queue_many(200, "k%s-%%d@example.com" % tag)
            check(len(ids) == 200, len(ids))
            n = Notifier(**conf).start()
            check(poll(lambda: len(smtp.messages) >= 30, timeout=20), "nothing delivered")
            n.stop(signal.SIGKILL)
            sending = int(db_scalar("SELECT COUNT(*) FROM outbox WHERE id IN (%s) AND status = 'sending'"
                                    % ",".join(map(str, ids))))
            check(sending > 0, "no row was held when the notifier died")
            with Notifier(**conf):
                wait_status(ids, timeout=60)
        got = {}
        for _, rcpts, raw in smtp.messages:
            mid = parse_mail(raw)["Message-ID"]
            got[mid] = got.get(mid, 0) + 1
        missing = [i for i in ids if not any(k.startswith("<outbox-%d@" % i) for k in got)]
        check(not missing, "never delivered: %r" % missing[:10])
        dups = sum(v - 1 for v in got.values())
        print("     %d rows, %d repeats after the SIGKILL (at least once)" % (len(ids), dups))
    finally:
        smtp.close()


def test_sigterm_releases_claimed_rows():
    smtp = SMTPServer(delay=0.2)
    try:
        with stack_notifier_paused():
            ids = queue_many(20, "t%s-%%d@example.com" % uniq(6))
            n = Notifier(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % smtp.port, smtp_tls="none",
                         outbox_batch=20).start()
            check(poll(lambda: len(smtp.messages) >= 2, timeout=10), "nothing delivered")
            t0 = time.time()
            rc = n.stop(signal.SIGTERM)
            check(rc == 0 and time.time() - t0 < 5, "exit %r after %.1f s" % (rc, time.time() - t0))
            states = db_query("SELECT status, COUNT(*) FROM outbox WHERE id IN (%s) GROUP BY status"
                              % ",".join(map(str, ids)))
            states = {s: int(c) for s, c in states}
            check("sending" not in states, "rows still held after SIGTERM: %r" % states)
            check(states.get("sent", 0) >= 2 and states.get("pending", 0) > 0, states)
            check("msg=delivery_stopped" in n.text(), n.text()[-800:])
    finally:
        smtp.close()


def test_health_answers_while_smtp_is_slow():
    """Delivery has its own thread: the service thread answers /health at once while a
    message is stuck in a slow SMTP exchange."""
    smtp = SMTPServer(delay=3.0)
    try:
        with stack_notifier_paused(), Notifier(email_provider="smtp", smtp_url="smtp://127.0.0.1:%d" % smtp.port,
                                               smtp_tls="none") as n:
            id_ = queue("email", "h%s@example.com" % uniq(8), "verify_email", {"name": "x", "link": "l"})
            check(poll(lambda: row(id_)["status"] == "sending", timeout=5, interval=0.02), row(id_))
            time.sleep(0.3)   # inside the 3 s DATA
            url = "http://" + [ln.split("=", 1)[1].strip() for ln in open(n.conf, encoding="utf-8")
                               if ln.startswith("notifier_listen")][0] + "/health"
            import urllib.request
            for _ in range(5):
                t0 = time.time()
                with urllib.request.urlopen(url, timeout=5) as resp:
                    check(resp.status == 200, resp.status)
                check(time.time() - t0 < 0.5, "/health took %.2f s during an SMTP exchange" % (time.time() - t0))
            check(row(id_)["status"] == "sending", "the exchange was not under way: %r" % row(id_))
            wait_status([id_], timeout=10)
    finally:
        smtp.close()


# ------------------------------------------------------------------ Resend

def test_resend_request_and_retry():
    calls = {"n": 0}

    def handler(method, path, headers, body):
        calls["n"] += 1
        if calls["n"] == 1:
            return 500, {}, {"statusCode": 500, "name": "internal_server_error", "message": "x"}
        return 200, {}, {"id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}
    fake = HTTPFake(handler)
    try:
        with stack_notifier_paused(), Notifier(email_provider="resend", resend_api_key="re_test_123456",
                                               resend_url=fake.url, outbox_backoff_ms=100,
                                               outbox_backoff_max_ms=200):
            to = "rs%s@example.com" % uniq(8)
            id_ = queue("email", to, "verify_email", {"name": "Omar", "link": "https://w/verify?t=1"}, lang="en")
            wait_status([id_])
        mine = [r for r in fake.requests if to.encode() in r[3]]
        check(len(mine) == 2, "requests: %d" % len(mine))
        for method, path, h, body in mine:
            check(path == "/emails", path)
            check(h["Authorization"] == "Bearer re_test_123456", h["Authorization"])
            check(h["Idempotency-Key"] == "outbox-%d" % id_, h["Idempotency-Key"])
            check(h["User-Agent"] and h["User-Agent"].startswith("warsha-notifier/"), h["User-Agent"])
            check(h["Content-Type"] == "application/json", h["Content-Type"])
            b = json.loads(body)
            check(b["to"] == [to] and b["from"] == "ورشة <no-reply@warsha.test>", b)
            check(b["subject"] == "Confirm your email address for Warsha", b["subject"])
            check("https://w/verify?t=1" in b["text"] and "https://w/verify?t=1" in b["html"], b)
            check(b["headers"]["Message-ID"].startswith("<outbox-%d@" % id_), b["headers"])
        check(row(id_)["attempts"] == 2, row(id_))
    finally:
        fake.close()


def test_resend_refusal_is_dead():
    fake = HTTPFake(lambda *a: (422, {}, {"statusCode": 422, "name": "invalid_from_address", "message": "bad from"}))
    try:
        with stack_notifier_paused(), Notifier(email_provider="resend", resend_api_key="re_test_123456",
                                               resend_url=fake.url):
            id_ = queue("email", "x%s@example.com" % uniq(8), "verify_email", {"name": "x", "link": "l"})
            wait_status([id_], ("dead",))
        r = row(id_)
        check(r["attempts"] == 1 and "422" in r["error"] and "invalid_from_address" in r["error"], r)
    finally:
        fake.close()


# ------------------------------------------------------------------ SMS gateway

def test_sms_http_gateway():
    fake = HTTPFake(lambda *a: (201, {}, {"ok": True}))
    try:
        with stack_notifier_paused(), Notifier(sms_provider="http", sms_url=fake.url + "/send",
                                               sms_user="acct", sms_password="gw-pass"):
            id_ = queue("sms", "+201012345678", "phone_otp", {"name": "x", "code": "482913"})
            wait_status([id_])
        mine = [r for r in fake.requests if b"482913" in r[3]]
        check(len(mine) == 1, len(mine))
        method, path, h, body = mine[0]
        check(path == "/send", path)
        check(h["Authorization"] == "Basic " + base64.b64encode(b"acct:gw-pass").decode(), h["Authorization"])
        check(h["Content-Type"] == "application/x-www-form-urlencoded", h["Content-Type"])
        form = dict(x.split("=", 1) for x in body.decode().split("&"))
        import urllib.parse
        check(urllib.parse.unquote(form["to"]) == "+201012345678", form)
        check("482913" in urllib.parse.unquote(form["message"]) and
              "رمز التحقق" in urllib.parse.unquote(form["message"]), form)
    finally:
        fake.close()


# ------------------------------------------------------------------ FCM

def _b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def test_fcm_oauth_send_and_unregistered_token_deleted():
    d = tempfile.mkdtemp(prefix="warsha-fcm-")
    key, pub = os.path.join(d, "key.pem"), os.path.join(d, "pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", pub], check=True, capture_output=True)
    assertions, sends = [], []

    def handler(method, path, headers, body):
        if path == "/token":
            form = dict(x.split("=", 1) for x in body.decode().split("&"))
            assertions.append(form)
            return 200, {}, {"access_token": "ya29.test-token", "expires_in": 3599, "token_type": "Bearer"}
        if headers.get("Authorization") != "Bearer ya29.test-token":
            return 401, {}, {"error": {"code": 401, "message": "bad token", "status": "UNAUTHENTICATED"}}
        msg = json.loads(body)["message"]
        sends.append((path, msg))
        if msg["token"].startswith("dead-"):
            return 404, {}, {"error": {"code": 404, "message": "Requested entity was not found.",
                                       "status": "NOT_FOUND", "details": [
                                           {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                            "errorCode": "UNREGISTERED"}]}}
        return 200, {}, {"name": "projects/warsha-test/messages/0:1"}
    fake = HTTPFake(handler)
    sa = os.path.join(d, "service-account.json")
    with open(key) as f:
        pem = f.read()
    with open(sa, "w") as f:
        json.dump({"type": "service_account", "project_id": "warsha-test", "private_key_id": "kid-1",
                   "private_key": pem, "client_email": "notifier@warsha-test.iam.gserviceaccount.com",
                   "token_uri": fake.url + "/token"}, f)
    try:
        u = register_user()
        live, dead = "live-" + uniq(20), "dead-" + uniq(20)
        for t, p in ((live, "android"), (dead, "ios")):
            r = api("POST", "/api/users/fcm-token", {"token": t, "platform": p}, token=u["token"])
            check(r.status == 200, r.describe())
        with stack_notifier_paused(), Notifier(fcm_credentials=sa, fcm_url=fake.url):
            ids = [queue("push", "user:%d" % u["id"], "notification",
                         {"notificationId": 7 + i, "type": "booking_status", "title": "تم تأكيد الحجز",
                          "message": "الفني في الطريق", "data": {"bookingId": 17}},
                         subject="تم تأكيد الحجز", user_id=u["id"]) for i in range(2)]
            wait_status(ids)
        check(len(assertions) == 1, "access tokens asked: %d (not cached)" % len(assertions))
        form = assertions[0]
        import urllib.parse
        check(urllib.parse.unquote(form["grant_type"]) == "urn:ietf:params:oauth:grant-type:jwt-bearer", form)
        jwt = urllib.parse.unquote(form["assertion"])
        h64, c64, s64 = jwt.split(".")
        header, claims = json.loads(_b64url_decode(h64)), json.loads(_b64url_decode(c64))
        check(header["alg"] == "RS256" and header.get("kid") == "kid-1", header)
        check(claims["iss"] == "notifier@warsha-test.iam.gserviceaccount.com", claims)
        check(claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging", claims)
        check(claims["aud"] == fake.url + "/token", claims)
        check(0 < claims["exp"] - claims["iat"] <= 3600 and abs(claims["iat"] - time.time()) < 120, claims)
        with open(os.path.join(d, "signed"), "wb") as f:
            f.write((h64 + "." + c64).encode())
        with open(os.path.join(d, "sig"), "wb") as f:
            f.write(_b64url_decode(s64))
        v = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", os.path.join(d, "sig"),
                            os.path.join(d, "signed")], capture_output=True)
        check(v.returncode == 0, "the JWT signature does not verify: %r" % v.stdout)
        to_live = [m for p, m in sends if m["token"] == live]
        check(len(to_live) == 2, "sends to the live token: %d" % len(to_live))
        check(all(p == "/v1/projects/warsha-test/messages:send" for p, _ in sends), sends[0][0])
        m = to_live[0]
        check(m["notification"] == {"title": "تم تأكيد الحجز", "body": "الفني في الطريق"}, m)
        check(all(isinstance(v, str) for v in m["data"].values()) and m["data"]["bookingId"] == "17", m["data"])
        check(m["android"]["collapse_key"].startswith("outbox-"), m["android"])
        # UNREGISTERED: asked once, then deleted; the live token stays
        check(len([1 for p, m in sends if m["token"] == dead]) == 1, "the dead token was tried again")
        left = [r[0] for r in db_query("SELECT token FROM device_tokens WHERE user_id = %d" % u["id"])]
        check(left == [live], "tokens left: %r" % left)
    finally:
        fake.close()


def test_fcm_unavailable_is_retried_after_retry_after():
    d = tempfile.mkdtemp(prefix="warsha-fcm-")
    key = os.path.join(d, "key.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key],
                   check=True, capture_output=True)
    times = []

    def handler(method, path, headers, body):
        if path == "/token":
            return 200, {}, {"access_token": "ya29.t", "expires_in": 3599}
        times.append(time.time())
        if len(times) == 1:
            return 503, {"Retry-After": "2"}, {"error": {"code": 503, "status": "UNAVAILABLE", "details": [
                {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNAVAILABLE"}]}}
        return 200, {}, {"name": "projects/p/messages/1"}
    fake = HTTPFake(handler)
    sa = os.path.join(d, "sa.json")
    with open(key) as f:
        json.dump({"project_id": "p", "private_key": f.read(), "client_email": "n@p.test",
                   "token_uri": fake.url + "/token"}, open(sa, "w"))
    try:
        with stack_notifier_paused(), Notifier(fcm_credentials=sa, fcm_url=fake.url, outbox_backoff_ms=50,
                                               outbox_backoff_max_ms=100):
            id_ = queue("push", "tok-" + uniq(20), "notification", {"title": "t", "message": "m"}, subject="t")
            wait_status([id_], timeout=15)
        check(len(times) == 2 and times[1] - times[0] >= 1.9, "retried after %.2f s" % (times[-1] - times[0]))
        check(row(id_)["attempts"] == 2, row(id_))
    finally:
        fake.close()


run(globals())
