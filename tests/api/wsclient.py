"""A small WebSocket client (RFC 6455) on the Python standard library, and Engine.IO v4 /
Socket.IO v5 framing on top of it: what tests/api/test_ws.py and tests/load/bench_ws.py
speak to warsha-notifier, through nginx or on the notifier's own port.

    ws = WebSocket("http://127.0.0.1:18080", "/ws?token=...")
    ws.send_text('{"event":"ping"}'); kind, data = ws.recv()

    s = SocketIO("http://127.0.0.1:18080", auth={"token": t})
    s.wait_event("authenticated"); s.emit("join-booking", {"bookingId": 3}, ack=True)
"""
import base64
import hashlib
import json
import os
import socket
import struct
import time
import urllib.parse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Closed(Exception):
    """The server closed the WebSocket: .code and .reason of its close frame."""

    def __init__(self, code, reason):
        super().__init__("closed %s %r" % (code, reason))
        self.code = code
        self.reason = reason


class Refused(Exception):
    """The upgrade was answered with something else than 101."""

    def __init__(self, status, head):
        super().__init__("upgrade refused: %s" % status)
        self.status = status
        self.head = head


class WebSocket:
    def __init__(self, base, path, headers=None, timeout=10, rcvbuf=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        if rcvbuf is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=timeout)
        else:   # a small receive buffer: a reader the server fills quickly
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            self.sock.settimeout(timeout)
            self.sock.connect((self.host, self.port))
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (self.host, self.port),
                 "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Refused(0, self.buf.decode("latin-1"))
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        head = head.decode("latin-1")
        status = int(head.split(" ", 2)[1])
        if status != 101:
            raise Refused(status, head)
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if ("sec-websocket-accept: " + want.lower()) not in head.lower():
            raise AssertionError("bad Sec-WebSocket-Accept in %r" % head)

    def _send(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            hdr = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(hdr + mask + masked)

    def send_text(self, s):
        self._send(1, s.encode())

    def send_binary(self, b):
        self._send(2, b)

    def close(self, code=1000):
        try:
            self._send(8, struct.pack("!H", code))
        except OSError:
            pass
        self.sock.close()

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Closed(None, "connection ended")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self, timeout=10):
        """The next data message as ("text", str) or ("binary", bytes); answers pings;
        raises Closed on a close frame, socket.timeout when nothing came."""
        self.sock.settimeout(timeout)
        parts, kind = [], None
        while True:
            b1, b2 = self._read(2)
            op, n = b1 & 0x0F, b2 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            if b2 & 0x80:
                mask = self._read(4)
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._read(n)))
            else:
                data = self._read(n)
            if op == 8:
                code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
                raise Closed(code, data[2:].decode("utf-8", "replace"))
            if op == 9:
                self._send(10, data)
                continue
            if op == 10:
                continue
            if op in (1, 2):
                kind = "text" if op == 1 else "binary"
            parts.append(data)
            if b1 & 0x80:
                raw = b"".join(parts)
                return (kind, raw.decode() if kind == "text" else raw)


class SocketIO:
    """A Socket.IO v4 client over WebSocket only, namespace "/"."""

    def __init__(self, base, auth=None, query="", headers=None, connect=True, timeout=10,
                 rcvbuf=None):
        path = "/socket.io/?EIO=4&transport=websocket" + query
        self.ws = WebSocket(base, path, headers=headers, timeout=timeout, rcvbuf=rcvbuf)
        kind, s = self.ws.recv()
        assert kind == "text" and s.startswith("0{"), s
        self.open = json.loads(s[1:])
        self.events = []        # (name, data) received and not yet taken
        self.acks = {}
        self.next_ack = 0
        self.pings = 0
        self.answer_pings = True
        self.connect_error = None
        self.sid = None
        if connect:
            self.connect(auth)

    def connect(self, auth=None, timeout=10):
        self.ws.send_text("40" + (json.dumps(auth) if auth is not None else ""))
        end = time.time() + timeout
        while time.time() < end:
            s = self.recv_packet(timeout=max(0.1, end - time.time()))
            if s is None:
                continue
            if s.startswith("40"):
                self.sid = json.loads(s[2:])["sid"]
                return True
            if s.startswith("44"):
                self.connect_error = json.loads(s[2:])
                return False
        raise AssertionError("no answer to CONNECT")

    def recv_packet(self, timeout=10):
        """The next Engine.IO packet other than a ping (answered); an event or an ack is
        kept (self.events, self.acks) and answered as None."""
        while True:
            kind, s = self.ws.recv(timeout)
            if kind != "text":
                continue
            if s == "2":
                self.pings += 1
                if self.answer_pings:
                    self.ws.send_text("3")
                return None
            if s.startswith("42"):
                arr = json.loads(s[2:])
                self.events.append((arr[0], arr[1] if len(arr) > 1 else None))
                return None
            if s.startswith("43"):
                i = 2
                while s[i].isdigit():
                    i += 1
                self.acks[int(s[2:i])] = json.loads(s[i:])
                return None
            return s

    def pump(self, timeout):
        """Reads what comes for timeout seconds (events kept, pings answered)."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                s = self.recv_packet(max(0.01, end - time.time()))
            except socket.timeout:
                return
            if s is not None:
                raise AssertionError("unexpected packet %r" % s)

    def wait_event(self, name, timeout=10, pred=None):
        end = time.time() + timeout
        while True:
            for i, (n, d) in enumerate(self.events):
                if n == name and (pred is None or pred(d)):
                    del self.events[i]
                    return d
            left = end - time.time()
            if left <= 0:
                raise AssertionError("no %r event in %.1fs; got %r" % (name, timeout, self.events))
            try:
                s = self.recv_packet(timeout=left)
            except socket.timeout:
                continue
            if s is not None:
                raise AssertionError("unexpected packet %r" % s)

    def emit(self, name, data=None, ack=False, timeout=10):
        payload = [name] if data is None else [name, data]
        if not ack:
            self.ws.send_text("42" + json.dumps(payload))
            return None
        i = self.next_ack
        self.next_ack += 1
        self.ws.send_text("42%d%s" % (i, json.dumps(payload)))
        end = time.time() + timeout
        while i not in self.acks:
            left = end - time.time()
            if left <= 0:
                raise AssertionError("no ack %d for %r" % (i, name))
            try:
                s = self.recv_packet(timeout=left)
            except socket.timeout:
                continue
            if s is not None:
                raise AssertionError("unexpected packet %r" % s)
        return self.acks.pop(i)

    def close(self):
        self.ws.close()


class PlainWS:
    """/ws: JSON text frames {"event", "data"}."""

    def __init__(self, base, token=None, headers=None, timeout=10):
        path = "/ws" + ("?token=" + urllib.parse.quote(token) if token else "")
        self.ws = WebSocket(base, path, headers=headers, timeout=timeout)
        self.events = []

    def send(self, event, data=None, id=None):
        o = {"event": event, "data": data}
        if id is not None:
            o["id"] = id
        self.ws.send_text(json.dumps(o))

    def wait_event(self, name, timeout=10, pred=None):
        end = time.time() + timeout
        while True:
            for i, (n, d) in enumerate(self.events):
                if n == name and (pred is None or pred(d)):
                    del self.events[i]
                    return d
            left = end - time.time()
            if left <= 0:
                raise AssertionError("no %r event in %.1fs; got %r" % (name, timeout, self.events))
            try:
                kind, s = self.ws.recv(left)
            except socket.timeout:
                continue
            o = json.loads(s)
            if o.get("event") == "ack":     # the answer to a frame with "id": "ack:<id>"
                self.events.append(("ack:%s" % o.get("id"), o.get("data")))
            else:
                self.events.append((o.get("event"), o.get("data")))

    def close(self):
        self.ws.close()
