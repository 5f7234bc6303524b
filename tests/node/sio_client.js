// An unmodified socket.io-client (tests/package.json pins it) against warsha-notifier,
// WebSocket transport only: what a seed 000 app does. Driven by tests/api/test_ws.py,
// which makes the users and the booking and passes them in WARSHA_WS_CASE (JSON):
//   {base, customer, stranger, admin, technician, technicianId, bookingId}
// Prints one "ok <step>" line per step; exits 0 when all passed, 1 on the first failure.
"use strict";
const { io } = require("socket.io-client");

const cfg = JSON.parse(process.env.WARSHA_WS_CASE || "{}");
const sockets = [];

function connect(token) {
  const s = io(cfg.base, { transports: ["websocket"], auth: { token }, reconnection: false,
    timeout: 5000 });
  sockets.push(s);
  return s;
}

function once(sock, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    sock.once(event, (data) => { clearTimeout(t); resolve(data); });
  });
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

async function api(method, path, body, token) {
  const r = await fetch(cfg.base + path, {
    method, body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
  });
  const j = await r.json();
  check(r.status === 200, `${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function main() {
  const id = cfg.bookingId;
  const c = connect(cfg.customer);
  const who = await once(c, "authenticated");
  check(typeof who.userId === "number", "authenticated " + JSON.stringify(who));
  console.log("ok authenticated");

  const joined = await c.timeout(5000).emitWithAck("join-booking", { bookingId: id });
  check(joined.success === true, "join-booking ack " + JSON.stringify(joined));
  console.log("ok join-booking");

  const s = connect(cfg.stranger);
  await once(s, "authenticated");
  const refused = once(s, "error");
  s.emit("join-booking", { bookingId: id });
  const err = await refused;
  check(err.code === "FORBIDDEN", "stranger's join " + JSON.stringify(err));
  console.log("ok stranger refused");

  const bad = connect("not-a-token");
  const ce = await once(bad, "connect_error");
  check(ce.message && ce.data && ce.data.code === "TOKEN_INVALID",
    "connect_error " + JSON.stringify({ message: ce.message, data: ce.data }));
  console.log("ok connect_error");

  let next = once(c, "booking:status-update");
  await api("PUT", `/api/bookings/${id}/approve`, { approved: true }, cfg.admin);
  const up = await next;
  check(up.bookingId === id && up.status === "approved", "status-update " + JSON.stringify(up));
  console.log("ok booking:status-update");

  next = once(c, "booking:technician-assigned");
  await api("PUT", `/api/bookings/${id}/assign-technician`, { technicianId: cfg.technicianId },
    cfg.admin);
  const as = await next;
  check(as.technicianId === cfg.technicianId, "technician-assigned " + JSON.stringify(as));
  console.log("ok booking:technician-assigned");
  await api("PUT", `/api/bookings/${id}/status`, { status: "on_way" }, cfg.technician);

  const t = connect(cfg.technician);
  await once(t, "authenticated");
  const loc = once(c, "booking:location-update");
  const eta = once(c, "booking:eta-update");
  const sent = await t.timeout(5000).emitWithAck("update-location",
    { bookingId: id, latitude: 30.05, longitude: 31.24 });
  check(sent.success === true, "update-location ack " + JSON.stringify(sent));
  const l = await loc;
  check(l.bookingId === id && l.latitude === 30.05 && l.longitude === 31.24,
    "location-update " + JSON.stringify(l));
  const e = await eta;
  check(e.bookingId === id && typeof e.etaMinutes === "number", "eta-update " + JSON.stringify(e));
  console.log("ok update-location reached the customer");
}

main().then(() => {
  sockets.forEach((s) => s.close());
  process.exit(0);
}, (e) => {
  console.log("FAIL " + e.message);
  sockets.forEach((s) => s.close());
  process.exit(1);
});
