"""/api/bookings, second part (docs/bookings.md "Endpoints"): guests' emergencies and
their guest tokens, tracking and the technician's location, and the booking window
(lead time and advance days).

Bad input is 422 naming the field, a role the route does not admit 403, and a booking
the caller may not see 404."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, check, admin_token, make_user_with_role,
                         register_user, db_count, db_query, db_scalar, run, at_once, uniq)
from booking_fixtures import (future, make_service, booking_body, create, put, history, row,
                              technician, iso, now, em_service, emergency_body, set_setting,
                              guest, gget, on_the_way)


# ------------------------------------------------------------------ guests

def test_guest_emergency_gets_a_token_that_reads_and_cancels_its_booking_only():
    db_query("DELETE FROM booking_guest_limits")
    b, tok = guest()
    check(isinstance(tok, str) and len(tok) == 43 and "=" not in tok, "guest token %r" % tok)
    check(b["userId"] is None and b["isEmergency"] is True, "guest booking %r" % b)
    check(b["status"] == "approved", "no approval needed: %r" % b["status"])
    # scheduled "now"
    at = datetime.datetime.strptime(b["scheduledDateTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    check(abs((at - now()).total_seconds()) < 120, "scheduled %r" % b["scheduledDateTime"])
    # only the hash is stored
    h = db_scalar("SELECT guest_token_hash FROM bookings WHERE id = %d" % b["id"])
    check(h is not None and len(h) == 64 and tok not in h, "stored %r" % h)
    check(history(b["id"]) == [[None, "approved", "create", None]], "history %r" % history(b["id"]))
    # the token reads it, by header or query
    d = expect(200, gget(b["id"], tok))["data"]
    check(d["id"] == b["id"] and "guestToken" not in d, "read %r" % d)
    expect(200, api("GET", q("/api/bookings/%d" % b["id"], guestToken=tok)))
    expect(200, gget(b["id"], tok, "/tracking"))
    # another booking, a wrong token, no token
    other, other_tok = guest()
    expect(404, gget(other["id"], tok))
    expect(404, gget(b["id"], other_tok))
    expect(404, gget(b["id"], "x" * 43))
    expect(401, api("GET", "/api/bookings/%d" % b["id"]))
    expect(401, api("PUT", "/api/bookings/%d/cancel" % b["id"], {}))
    # other actions with it: 401 (no account)
    expect(401, api("PUT", "/api/bookings/%d/status" % b["id"], {"status": "on_way"},
                    headers={"X-Guest-Token": tok}))
    expect(401, api("GET", "/api/bookings", headers={"X-Guest-Token": tok}))
    expect(401, api("PUT", "/api/bookings/%d/approve" % b["id"], {"approved": True},
                    headers={"X-Guest-Token": tok}))
    # a signed-in stranger with nothing else gets 404
    c = register_user(role="customer")
    expect(404, api("GET", "/api/bookings/%d" % b["id"], token=c["token"]))
    # cancels its own, not another's
    expect(404, api("PUT", "/api/bookings/%d/cancel" % other["id"], {"reason": "x"},
                    headers={"X-Guest-Token": tok}))
    d = expect(200, api("PUT", "/api/bookings/%d/cancel" % b["id"], {"reason": "fixed it"},
                        headers={"X-Guest-Token": tok}))["data"]
    check(d["status"] == "cancelled" and d["cancellationFee"] == 0 and
          d["cancellationReason"] == "fixed it", "cancel %r" % d)
    check(history(b["id"])[-1] == ["approved", "cancelled", "cancel", None], "history %r" %
          history(b["id"]))
    check(row(other["id"])[0] == "approved", "the other booking changed")


def test_guest_emergency_needs_approval_when_the_service_does():
    db_query("DELETE FROM booking_guest_limits")
    b, _ = guest(em_service(approval=True))
    check(b["status"] == "pending_approval", "status %r" % b["status"])


def test_signed_in_emergency_is_an_ordinary_booking():
    c = register_user(role="customer")
    r = api("POST", "/api/bookings/emergency", emergency_body(em_service()), token=c["token"])
    b = expect(201, r)["data"]
    check(b["userId"] == c["id"] and "guestToken" not in b and b["isEmergency"] is True,
          "signed-in emergency %r" % b)
    check(db_scalar("SELECT guest_token_hash FROM bookings WHERE id = %d" % b["id"]) is None,
          "a signed-in booking has a guest token hash")
    expect(200, api("GET", "/api/bookings/%d" % b["id"], token=c["token"]))
    # a technician does not book
    t = technician()
    expect(403, api("POST", "/api/bookings/emergency", emergency_body(em_service()),
                    token=t["token"]))


def test_emergency_bad_input_names_the_field():
    db_query("DELETE FROM booking_guest_limits")
    before = db_count("bookings")
    sid = em_service()
    b = emergency_body(sid)
    del b["customerInfo"]["phoneNumber"]
    expect(422, api("POST", "/api/bookings/emergency", b), fields=["customerInfo.phoneNumber"])
    b = emergency_body(sid)
    b["customerInfo"]["phoneNumber"] = "12"
    expect(422, api("POST", "/api/bookings/emergency", b), fields=["customerInfo.phoneNumber"])
    expect(422, api("POST", "/api/bookings/emergency", emergency_body(sid, serviceId="x")),
           fields=["serviceId"])
    expect(422, api("POST", "/api/bookings/emergency", emergency_body(sid, scheduledDateTime="soon")),
           fields={"scheduledDateTime": "INVALID_FORMAT"})
    # two hours back is too far back
    expect(422, api("POST", "/api/bookings/emergency", emergency_body(
        sid, scheduledDateTime=iso(now() - datetime.timedelta(hours=2)))),
        fields={"scheduledDateTime": "OUT_OF_RANGE"})
    # a service without emergencies
    plain = make_service(requires_approval=False)
    expect(422, api("POST", "/api/bookings/emergency", emergency_body(plain)),
           fields={"isEmergency": "INVALID_VALUE"})
    expect(422, api("POST", "/api/bookings/emergency", emergency_body(999999999)),
           fields={"serviceId": "INVALID_VALUE"})
    check(db_count("bookings") == before, "a refused emergency was written")
    # a time given is kept, outside the service's hours (23:00 UTC), with no lead time
    soon = iso(now() + datetime.timedelta(minutes=5))
    b, _ = guest(sid, scheduledDateTime=soon)
    check(b["scheduledDateTime"] == soon, "kept %r" % b["scheduledDateTime"])


def test_guest_emergencies_are_limited_per_address():
    db_query("DELETE FROM booking_guest_limits")
    set_setting("guest_emergency_per_hour", "3")
    try:
        made = [guest()[0]["id"] for _ in range(2)]
        # the third and fourth at once: one gets in, the other is refused
        r1, r2 = at_once(lambda: api("POST", "/api/bookings/emergency", emergency_body(em_service())),
                         lambda: api("POST", "/api/bookings/emergency", emergency_body(em_service())))
        check(sorted([r1.status, r2.status]) == [201, 429], "at once %s %s" % (r1.status, r2.status))
        refused = r1 if r1.status == 429 else r2
        expect(429, refused)
        check(int(refused.headers.get("Retry-After") or 0) > 0, "no Retry-After")
        before = db_count("bookings")
        expect(429, api("POST", "/api/bookings/emergency", emergency_body(em_service())))
        check(db_count("bookings") == before, "a limited emergency was written")
        # a signed-in customer is not limited by it
        c = register_user(role="customer")
        expect(201, api("POST", "/api/bookings/emergency", emergency_body(em_service()),
                        token=c["token"]))
        check(len(made) == 2, "made")
    finally:
        set_setting("guest_emergency_per_hour", "5")
        db_query("DELETE FROM booking_guest_limits")


def test_a_guest_booking_gets_a_start_code_by_sms_when_assigned():
    db_query("DELETE FROM booking_guest_limits")
    b, tok = guest()
    t = technician()
    adm = admin_token()
    d = expect(200, put(b["id"], "assign-technician", {"technicianId": t["id"]}, adm))["data"]
    check(d["technicianId"] == t["id"], "assigned %r" % d)
    n = db_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = '+201012345678' AND"
                  " template = 'booking_start_code' AND user_id IS NULL")
    check(int(n) >= 1, "no start code for the guest")
    # the technician sees it; the guest still does
    expect(200, api("GET", "/api/bookings/%d" % b["id"], token=t["token"]))
    expect(200, gget(b["id"], tok))


# ------------------------------------------------------------------ tracking

def test_location_and_tracking():
    c, t, bid = on_the_way()
    # before setting off: 409
    expect(409, put(bid, "location", {"latitude": 30.0, "longitude": 31.2}, t["token"]))
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    # about 11.1 km south of the booking (30.0444, 31.2357) at 30 km/h: 23 minutes
    body = expect(200, put(bid, "location", {"latitude": 29.9444, "longitude": 31.2357},
                           t["token"]))
    d = body["data"]
    check(d["status"] == "on_way" and d["technician"]["id"] == t["id"], "tracking %r" % d)
    loc = d["technician"]["location"]
    check(abs(loc["latitude"] - 29.9444) < 1e-6 and abs(loc["longitude"] - 31.2357) < 1e-6,
          "location %r" % loc)
    check(d["etaMinutes"] in (22, 23), "eta %r" % d["etaMinutes"])
    rows = db_query("SELECT event, payload FROM realtime_events WHERE room = 'booking:%d'"
                    " AND event IN ('booking:location-update', 'booking:eta-update')"
                    " ORDER BY id" % bid)
    check([r[0] for r in rows] == ["booking:location-update", "booking:eta-update"],
          "realtime %r" % rows)
    check('"etaMinutes":23' in rows[1][1].replace(" ", ""), "eta payload %r" % rows[1][1])
    eta = db_query("SELECT TIMESTAMPDIFF(SECOND, tech_location_at, eta_at) FROM bookings"
                   " WHERE id = %d" % bid)[0][0]
    check(int(eta) == 23 * 60, "eta_at %r" % eta)
    # the customer, staff and the technician read the tracking; history with times
    for tok in (c["token"], admin_token(), t["token"]):
        d = expect(200, api("GET", "/api/bookings/%d/tracking" % bid, token=tok))["data"]
        check([h["event"] for h in d["history"]] == ["create", "assign", "depart"] and
              all(h["timestamp"] for h in d["history"]), "history %r" % d["history"])
        check([h["status"] for h in d["history"]] == ["approved", "approved", "on_way"],
              "history words %r" % d["history"])
        check(d["technician"]["location"] is not None and d["etaMinutes"] in (22, 23),
              "tracking %r" % d)
    # a stranger, another technician
    other = register_user(role="customer")
    expect(404, api("GET", "/api/bookings/%d/tracking" % bid, token=other["token"]))
    t2 = technician()
    expect(404, api("GET", "/api/bookings/%d/tracking" % bid, token=t2["token"]))
    expect(401, api("GET", "/api/bookings/%d/tracking" % bid))
    # only the assigned technician sends a location
    expect(403, put(bid, "location", {"latitude": 30.0, "longitude": 31.2}, t2["token"]))
    expect(403, put(bid, "location", {"latitude": 30.0, "longitude": 31.2}, c["token"]))
    expect(403, put(bid, "location", {"latitude": 30.0, "longitude": 31.2}, admin_token()))
    expect(404, put(999999999, "location", {"latitude": 30.0, "longitude": 31.2}, t["token"]))
    # bad input
    expect(422, put(bid, "location", {"latitude": 91, "longitude": 31.2}, t["token"]),
           fields=["latitude"])
    expect(422, put(bid, "location", {"latitude": 30}, t["token"]), fields=["longitude"])
    expect(422, put(bid, "location", {"latitude": "north", "longitude": "x"}, t["token"]),
           fields=["latitude", "longitude"])
    # at the place: 0 minutes
    d = expect(200, put(bid, "location", {"latitude": 30.0444, "longitude": 31.2357},
                        t["token"]))["data"]
    check(d["etaMinutes"] == 0, "there %r" % d)
    # cancelled: 409
    expect(200, put(bid, "cancel", {}, c["token"]))
    expect(409, put(bid, "location", {"latitude": 30.0, "longitude": 31.2}, t["token"]))


def test_location_speed_setting_and_unknown_place():
    c, t, bid = on_the_way()
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    set_setting("average_speed_kmh", "60")
    try:
        d = expect(200, put(bid, "location", {"latitude": 29.9444, "longitude": 31.2357},
                            t["token"]))["data"]
        check(d["etaMinutes"] in (11, 12), "60 km/h eta %r" % d["etaMinutes"])
    finally:
        set_setting("average_speed_kmh", "30")
    # a booking without coordinates: the position is kept, the arrival time unknown
    c, t, bid = on_the_way(coords=False)
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    d = expect(200, put(bid, "location", {"latitude": 30.0, "longitude": 31.0},
                        t["token"]))["data"]
    check(d["technician"]["location"] is not None and d["etaMinutes"] is None, "no place %r" % d)


def test_guest_tracks_its_emergency():
    db_query("DELETE FROM booking_guest_limits")
    b, tok = guest()
    d = expect(200, gget(b["id"], tok, "/tracking"))["data"]
    check(d["technician"] is None and d["etaMinutes"] is None and d["status"] == "approved",
          "untouched %r" % d)
    t = technician()
    expect(200, put(b["id"], "assign-technician", {"technicianId": t["id"]}, admin_token()))
    expect(200, put(b["id"], "status", {"status": "on_way"}, t["token"]))
    expect(200, put(b["id"], "location", {"latitude": 30.1, "longitude": 31.2357}, t["token"]))
    d = expect(200, gget(b["id"], tok, "/tracking"))["data"]
    check(d["status"] == "on_way" and d["etaMinutes"] is not None and d["etaMinutes"] > 0,
          "guest tracking %r" % d)


# ------------------------------------------------------------------ the booking window

def test_lead_time_and_advance_days():
    c = register_user(role="customer")
    sid = make_service(requires_approval=False, start="00:00", end="23:59")
    lead = int(db_scalar("SELECT COALESCE((SELECT value FROM settings WHERE `key` ="
                         " 'booking_lead_time_minutes'), 60)"))
    days = int(db_scalar("SELECT COALESCE((SELECT value FROM settings WHERE `key` ="
                         " 'booking_max_advance_days'), 30)"))
    before = db_count("bookings")
    soon = iso(now() + datetime.timedelta(minutes=max(lead - 10, 1)))
    r = expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=soon),
                        token=c["token"]), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    check("lead" in api("POST", "/api/bookings?lang=en", booking_body(sid, scheduledDateTime=soon),
                        token=c["token"]).body["errors"][0]["message"].lower(), "lead message %r" % r)
    far = iso(now() + datetime.timedelta(days=days, hours=2))
    expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=far),
                    token=c["token"]), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    check(db_count("bookings") == before, "a refused booking was written")
    # inside the window: fine (the service is open all day; 00:00-23:59 Cairo)
    ok = iso(now() + datetime.timedelta(minutes=lead + 15))
    at = now() + datetime.timedelta(minutes=lead + 15)
    if all(datetime.time(0, 5) < (at + datetime.timedelta(hours=h)).time() < datetime.time(22, 30)
           for h in (2, 3)):
        create(c["token"], sid, scheduledDateTime=ok)
    create(c["token"], sid, scheduledDateTime=future(days=days - 1))
    # an emergency skips the lead time
    em = em_service()
    b = create(c["token"], em, isEmergency=True,
               scheduledDateTime=iso(now() + datetime.timedelta(minutes=5)))
    check(b["isEmergency"] is True, "emergency %r" % b)
    # but not the advance days
    expect(422, api("POST", "/api/bookings", booking_body(em, isEmergency=True, scheduledDateTime=far),
                    token=c["token"]), fields={"scheduledDateTime": "OUT_OF_RANGE"})


# ------------------------------------------------------------------ list filters

def ids_of(path, token, **params):
    ids, cursor = [], None
    for _ in range(20):
        p = dict(params, limit=3)
        if cursor:
            p["cursor"] = cursor
        body = expect(200, api("GET", q(path, **p), token=token))
        ids += [b["id"] for b in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        if not cursor:
            return ids, body["pagination"]["totalItems"]
    check(False, "too many pages")


def test_list_filters_service_and_emergency():
    c = register_user(role="customer")
    a, b = make_service(requires_approval=False), make_service(requires_approval=False)
    em = em_service()
    made_a = [create(c["token"], a)["id"] for _ in range(4)]
    made_b = [create(c["token"], b)["id"] for _ in range(2)]
    made_e = [create(c["token"], em, isEmergency=True, scheduledDateTime=future(hour=23))["id"]
              for _ in range(2)]
    made_e.append(expect(201, api("POST", "/api/bookings/emergency", emergency_body(em),
                                  token=c["token"]))["data"]["id"])
    newest = lambda ids: sorted(ids, reverse=True)
    check(ids_of("/api/bookings/my", c["token"], serviceId=a) == (newest(made_a), 4), "serviceId a")
    check(ids_of("/api/bookings/my", c["token"], serviceId=b) == (newest(made_b), 2), "serviceId b")
    check(ids_of("/api/bookings/my", c["token"], isEmergency="true") == (newest(made_e), 3),
          "isEmergency true %r" % (ids_of("/api/bookings/my", c["token"], isEmergency="true"),))
    check(ids_of("/api/bookings/my", c["token"], isEmergency="false") ==
          (newest(made_a + made_b), 6), "isEmergency false")
    # staff: every booking of the service; a technician: the assigned ones only
    adm = admin_token()
    check(ids_of("/api/bookings", adm, serviceId=b) == (newest(made_b), 2), "staff serviceId")
    got, _ = ids_of("/api/bookings", adm, isEmergency="true")
    check(set(made_e) <= set(got) and got == sorted(got, reverse=True), "staff emergencies")
    t = technician()
    expect(200, put(made_e[0], "assign-technician", {"technicianId": t["id"]}, adm))
    expect(200, put(made_a[0], "assign-technician", {"technicianId": t["id"]}, adm))
    check(ids_of("/api/bookings", t["token"], isEmergency="1") == ([made_e[0]], 1), "tech em")
    check(ids_of("/api/bookings", t["token"], serviceId=a) == ([made_a[0]], 1), "tech service")
    check(ids_of("/api/bookings", t["token"], serviceId=b) == ([], 0), "tech other service")
    # with the creation days
    today = datetime.datetime.now(datetime.timezone.utc).date()
    check(ids_of("/api/bookings/my", c["token"], serviceId=a, to=(today - datetime.timedelta(
        days=2)).isoformat()) == ([], 0), "serviceId and to")
    # another customer sees none
    other = register_user(role="customer")
    check(ids_of("/api/bookings/my", other["token"], serviceId=a) == ([], 0), "other customer")
    # bad or combined filters
    for params, field in (({"serviceId": "x"}, "serviceId"), ({"serviceId": 0}, "serviceId"),
                          ({"isEmergency": "maybe"}, "isEmergency"),
                          ({"serviceId": a, "status": "approved"}, "serviceId"),
                          ({"isEmergency": "true", "status": "approved"}, "isEmergency"),
                          ({"isEmergency": "true", "serviceId": a}, "isEmergency")):
        expect(422, api("GET", q("/api/bookings/my", **params), token=c["token"]), fields=[field])
    # roles: a technician has no /my, a customer no staff list
    expect(403, api("GET", q("/api/bookings/my", serviceId=a), token=t["token"]))
    expect(403, api("GET", q("/api/bookings", serviceId=a), token=c["token"]))


def test_list_by_scheduled_days():
    c = register_user(role="customer")
    sid = make_service(requires_approval=False)
    day = lambda n: (datetime.datetime.now(datetime.timezone.utc).date() +
                     datetime.timedelta(days=n)).isoformat()
    # made out of order: the list is by the scheduled time, latest first
    d5 = create(c["token"], sid, scheduledDateTime=future(days=5))["id"]
    d2 = create(c["token"], sid, scheduledDateTime=future(days=2))["id"]
    d3a = create(c["token"], sid, scheduledDateTime=future(days=3, hour=9))["id"]
    d3b = create(c["token"], sid, scheduledDateTime=future(days=3, hour=11))["id"]
    d4 = create(c["token"], sid, scheduledDateTime=future(days=4))["id"]
    got = ids_of("/api/bookings/my", c["token"], scheduledFrom=day(3))
    check(got == ([d5, d4, d3b, d3a], 4), "from day 3 %r" % (got,))
    got = ids_of("/api/bookings/my", c["token"], scheduledTo=day(3))
    check(got == ([d3b, d3a, d2], 3), "to day 3 %r" % (got,))
    got = ids_of("/api/bookings/my", c["token"], scheduledFrom=day(3), scheduledTo=day(4))
    check(got == ([d4, d3b, d3a], 3), "days 3-4 %r" % (got,))
    body = expect(200, api("GET", q("/api/bookings/my", scheduledFrom=day(1), limit=2, page=2),
                           token=c["token"]))
    check([b["id"] for b in body["data"]] == [d3b, d3a], "page 2 %r" % body["data"])
    # staff and the technician's scopes
    adm = admin_token()
    got, _ = ids_of("/api/bookings", adm, scheduledFrom=day(5), scheduledTo=day(5))
    check(d5 in got and d4 not in got, "staff %r" % got)
    t = technician()
    expect(200, put(d4, "assign-technician", {"technicianId": t["id"]}, adm))
    check(ids_of("/api/bookings", t["token"], scheduledFrom=day(1)) == ([d4], 1), "technician")
    check(ids_of("/api/booking", c["token"], scheduledTo=day(2)) == ([d2], 1), "/api/booking")
    other = register_user(role="customer")
    check(ids_of("/api/bookings/my", other["token"], scheduledFrom=day(1)) == ([], 0), "other")
    # alone: with another filter or the creation days it is 422
    for params, field in (({"scheduledFrom": day(1), "status": "approved"}, "scheduledFrom"),
                          ({"scheduledTo": day(1), "serviceId": sid}, "scheduledTo"),
                          ({"scheduledFrom": day(1), "from": day(-1)}, "scheduledFrom"),
                          ({"scheduledFrom": "tomorrow"}, "scheduledFrom")):
        expect(422, api("GET", q("/api/bookings/my", **params), token=c["token"]), fields=[field])


# ------------------------------------------------------------------ /api/booking, /api/v1/bookings

def b2_body(service_id, **over):
    d = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=2))
    b = {"service": service_id, "date": d.isoformat(), "time": "12:00",
         "address": "5 Zamalek St", "notes": "The tap drips"}
    b.update(over)
    return b


def test_booking_family_creates_in_its_words():
    c = register_user(role="customer")
    direct = make_service(requires_approval=False)
    r = api("POST", "/api/booking", b2_body(direct), token=c["token"])
    b = expect(201, r)["data"]
    check(b["status"] == "confirmed" and b["detailedStatus"] == "approved", "words %r" % b)
    # 12:00 Cairo is 10:00 (winter) or 09:00 (summer) UTC
    check(b["scheduledDateTime"][11:] in ("10:00:00.000Z", "09:00:00.000Z"),
          "time %r" % b["scheduledDateTime"])
    check(b["customerInfo"]["phoneNumber"] == c["phone_e164"] and
          b["customerInfo"]["customerName"] == "Test User" and
          b["serviceDetails"]["problemDescription"] == "The tap drips" and
          b["location"]["address"] == "5 Zamalek St", "contact %r" % b)
    # with a professional: assigned by the platform, start code by SMS
    t = technician()
    b = expect(201, api("POST", "/api/booking", b2_body(direct, professionalId=t["id"]),
                        token=c["token"]))["data"]
    check(b["technicianId"] == t["id"] and b["detailedStatus"] == "technician_assigned" and
          b["status"] == "confirmed", "professional %r" % b)
    check([h[2] for h in history(b["id"])] == ["create", "assign"] and history(b["id"])[1][3] is None,
          "history %r" % history(b["id"]))
    check(int(db_scalar("SELECT COUNT(*) FROM outbox WHERE template = 'booking_start_code' AND"
                        " user_id = %d" % c["id"])) == 1, "no start code")
    expect(200, api("GET", "/api/booking/%d" % b["id"], token=t["token"]))
    # a service that needs approval: the request waits, noted for staff
    appr = make_service(requires_approval=True)
    b = expect(201, api("POST", "/api/booking", b2_body(appr, professionalId=t["id"],
                                                        phoneNumber="01112345678"),
                        token=c["token"]))["data"]
    check(b["status"] == "pending" and b["technicianId"] is None and
          b["customerInfo"]["phoneNumber"] == "+201112345678", "pending %r" % b)
    check(db_scalar("SELECT note FROM booking_history WHERE booking_id = %d" % b["id"]) ==
          "professionalId %d" % t["id"], "note")
    # bad input names the field; nothing is written
    before = db_count("bookings")
    for over, field in (({"professionalId": c["id"]}, "professionalId"),
                        ({"service": 999999999}, "service"), ({"time": "25:00"}, "time"),
                        ({"time": "9am"}, "time"), ({"date": "2026-13-01"}, "date"),
                        ({"address": ""}, "address"), ({"time": "22:30"}, "date"),
                        ({"date": (datetime.date.today() + datetime.timedelta(days=90)).isoformat()},
                         "date")):
        expect(422, api("POST", "/api/booking", b2_body(direct, **over), token=c["token"]),
               fields=[field])
    b = b2_body(direct)
    del b["service"]
    expect(422, api("POST", "/api/booking", b, token=c["token"]), fields=["service"])
    check(db_count("bookings") == before, "a refused booking was written")
    # roles
    expect(403, api("POST", "/api/booking", b2_body(direct), token=t["token"]))
    expect(401, api("POST", "/api/booking", b2_body(direct)))


def test_booking_family_reads_and_moves_in_its_words():
    c = register_user(role="customer")
    adm = admin_token()
    appr = make_service(requires_approval=True)
    made = [expect(201, api("POST", "/api/booking", b2_body(appr), token=c["token"]))["data"]["id"]
            for _ in range(3)]
    body = expect(200, api("GET", "/api/booking", token=c["token"]))
    check([b["id"] for b in body["data"]] == sorted(made, reverse=True) and
          all(b["status"] == "pending" for b in body["data"]), "list %r" % body["data"])
    expect(422, api("GET", q("/api/booking", limit=0), token=c["token"]), fields=["limit"])
    # staff confirm, the customer may not
    expect(403, api("PUT", "/api/booking/%d/status" % made[0], {"status": "confirmed"},
                    token=c["token"]))
    d = expect(200, api("PUT", "/api/booking/%d/status" % made[0], {"status": "confirmed"},
                        token=adm))["data"]
    check(d["status"] == "confirmed" and d["detailedStatus"] == "approved", "confirm %r" % d)
    d = expect(200, api("PUT", "/api/booking/%d/status" % made[1], {"status": "rejected"},
                        token=adm))["data"]
    check(d["status"] == "rejected", "reject %r" % d)
    # the customer cancels in these words
    d = expect(200, api("PUT", "/api/booking/%d/status" % made[0], {"status": "cancelled"},
                        token=c["token"]))["data"]
    check(d["status"] == "cancelled" and d["cancellationFee"] == 0, "cancel %r" % d)
    expect(409, api("PUT", "/api/booking/%d/status" % made[0], {"status": "confirmed"},
                    token=adm))
    expect(422, api("PUT", "/api/booking/%d/status" % made[2], {"status": "approved"},
                    token=adm), fields=["status"])
    # a technician sees the assigned ones only; strangers 404
    t = technician()
    expect(200, put(made[2], "approve", {"approved": True}, adm))
    expect(200, put(made[2], "assign-technician", {"technicianId": t["id"]}, adm))
    body = expect(200, api("GET", "/api/booking", token=t["token"]))
    check([b["id"] for b in body["data"]] == [made[2]] and body["data"][0]["status"] == "confirmed",
          "technician list %r" % body["data"])
    other = register_user(role="customer")
    expect(404, api("GET", "/api/booking/%d" % made[2], token=other["token"]))
    expect(404, api("PUT", "/api/booking/%d/status" % made[2], {"status": "cancelled"},
                    token=other["token"]))
    check(expect(200, api("GET", "/api/booking", token=other["token"]))["data"] == [],
          "another customer's list")
    d = expect(200, api("GET", "/api/booking/%d" % made[2], token=c["token"]))["data"]
    check(d["status"] == "confirmed" and d["detailedStatus"] == "technician_assigned", "get %r" % d)
    # the same booking on /api/bookings keeps that family's words
    d = expect(200, api("GET", "/api/bookings/%d" % made[2], token=c["token"]))["data"]
    check(d["status"] == "approved", "v0 word %r" % d["status"])


def test_v1_bookings_and_delete_cancels():
    c = register_user(role="customer")
    sid = make_service(requires_approval=False)
    r = api("POST", "/api/v1/bookings", booking_body(sid), token=c["token"])
    b = expect(201, r)["data"]
    d = expect(200, api("GET", "/api/v1/bookings/%d" % b["id"], token=c["token"]))["data"]
    check(d["status"] == "approved" and d["detailedStatus"] == "approved", "v1 words %r" % d)
    other = register_user(role="customer")
    expect(404, api("DELETE", "/api/v1/bookings/%d" % b["id"], token=other["token"]))
    expect(401, api("DELETE", "/api/v1/bookings/%d" % b["id"]))
    t = technician()
    expect(404, api("DELETE", "/api/v1/bookings/%d" % b["id"], token=t["token"]))
    d = expect(200, api("DELETE", "/api/v1/bookings/%d" % b["id"], token=c["token"]))["data"]
    check(d["status"] == "cancelled" and d["cancellationFee"] == 0, "deleted %r" % d)
    check(row(b["id"])[0] == "cancelled", "row")
    expect(409, api("DELETE", "/api/v1/bookings/%d" % b["id"], token=c["token"]))
    # a guest deletes theirs with the token
    db_query("DELETE FROM booking_guest_limits")
    g, tok = guest()
    expect(200, api("DELETE", "/api/v1/bookings/%d" % g["id"], headers={"X-Guest-Token": tok}))


def test_a_technicians_bookings():
    """GET /api/technicians/:id/bookings: staff see anyone's, a technician only their own,
    with the filters of GET /api/bookings."""
    c = register_user(role="customer")
    t, other = technician(), technician()
    adm = admin_token()
    bid = create(c["token"], make_service(requires_approval=True))["id"]
    expect(200, put(bid, "approve", {"approved": True}, adm))
    expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    path = "/api/technicians/%d/bookings" % t["id"]
    for token in (t["token"], adm):
        ids = [b["id"] for b in expect(200, api("GET", path, token=token))["data"]]
        check(ids == [bid], "bookings of the technician %r" % ids)
    ids = [b["id"] for b in expect(200, api("GET", path + "?status=approved", token=adm))["data"]]
    check(ids == [bid], "status filter %r" % ids)
    check(expect(200, api("GET", path + "?status=completed", token=adm))["data"] == [],
          "completed filter")
    check(expect(200, api("GET", "/api/technicians/%d/bookings" % other["id"],
                          token=other["token"]))["data"] == [], "another technician's list")
    expect(403, api("GET", path, token=other["token"]), "FORBIDDEN")
    expect(403, api("GET", path, token=c["token"]), "FORBIDDEN")
    expect(401, api("GET", path), "UNAUTHORIZED")
    expect(404, api("GET", "/api/technicians/x/bookings", token=adm))
    expect(422, api("GET", path + "?limit=0", token=adm), fields=["limit"])


run(globals())
