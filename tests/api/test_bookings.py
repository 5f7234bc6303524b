"""/api/bookings: bookings of catalog services (seed 000 "Booking Management", its
authorization matrix; docs/bookings.md "Endpoints").

Every change goes through the state machine in one transaction: a refused move is 409
(no such move), 403 (not this party's move) or 422 (a start without its code), and
changes nothing: neither the row nor its history. A booking the caller may not see is
404."""
import datetime
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, q, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, register_user, db_count, db_query, db_scalar,
                         outbox_rows, uniq, run, Skip, ENV, SOURCE_DIR)

NUMBER = re.compile(r"^BK-(\d{4})-(\d{6,})$")


def future(days=2, hour=10, minute=0):
    """An ISO time `days` days ahead at hour:minute UTC (12:00 or 13:00 in Cairo)."""
    d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)
    return "%sT%02d:%02d:00.000Z" % (d.isoformat(), hour, minute)


def make_service(requires_approval=True, days=None, start="08:00", end="20:00", active=True,
                 emergency=False, price=15000):
    b = {"nameAr": "خدمة حجز " + uniq(8), "nameEn": "Booking QA " + uniq(10),
         "descriptionAr": "وصف", "descriptionEn": "A service for the booking tests",
         "category": "plumbing", "duration": 60, "price": {"basePrice": price},
         "availability": {"isActive": active, "workingHours": {"start": start, "end": end},
                          "workingDays": days or ["sunday", "monday", "tuesday", "wednesday",
                                                  "thursday", "friday", "saturday"],
                          "emergencyAvailable": emergency},
         "requirements": {"requiresApproval": requires_approval}}
    r = api("POST", "/api/services", b, token=admin_token())
    return expect(201, r)["data"]["id"]


def booking_body(service_id, **over):
    b = {"serviceId": service_id, "scheduledDateTime": future(),
         "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo",
                      "locationNotes": "3rd floor", "coordinates": {"lat": 30.0444, "lng": 31.2357}},
         "customerInfo": {"customerName": "Mona Ali", "phoneNumber": "01012345678",
                          "carDetails": {"brand": "Kia", "model": "Cerato", "year": 2019}},
         "serviceDetails": {"problemDescription": "The sink leaks",
                            "images": ["https://img.example/leak.jpg"]},
         "isEmergency": False}
    b.update(over)
    return b


def create(token, service_id, status=201, **over):
    r = api("POST", "/api/bookings", booking_body(service_id, **over), token=token)
    body = expect(status, r)
    return body["data"] if status == 201 else body


_svc = {}


def svc(kind="approval"):
    if kind not in _svc:
        _svc[kind] = make_service(requires_approval=(kind == "approval"))
    return _svc[kind]


def put(bid, action, body, token):
    return api("PUT", "/api/bookings/%d/%s" % (bid, action), body, token=token)


def history(bid):
    return db_query("SELECT from_status, to_status, event, actor_id FROM booking_history"
                    " WHERE booking_id = %d ORDER BY id" % bid)


def row(bid):
    return db_query("SELECT status, list_status, technician_id, cancellation_fee, updated_at"
                    " FROM bookings WHERE id = %d" % bid)[0]


def technician():
    return make_user_with_role("technician")


# ------------------------------------------------------------------ create

def test_create_answers_the_booking():
    c = register_user(role="customer")
    sid = svc()
    b = create(c["token"], sid)
    check(isinstance(b.get("id"), int), "no id: %r" % b)
    m = NUMBER.match(b.get("bookingNumber") or "")
    check(m is not None, "booking number %r" % b.get("bookingNumber"))
    check(b["status"] == "pending_approval" and b["detailedStatus"] == "pending_approval",
          "status %r / %r" % (b["status"], b["detailedStatus"]))
    check(b["userId"] == c["id"] and b["serviceId"] == sid, "owner/service: %r" % b)
    check(b["scheduledDateTime"] == booking_body(sid)["scheduledDateTime"],
          "scheduledDateTime %r" % b["scheduledDateTime"])
    check(b["pricing"] == {"basePrice": 15000, "discount": 0, "total": 15000, "currency": "EGP"},
          "pricing %r" % b["pricing"])
    check(b["location"]["city"] == "Cairo" and b["location"]["coordinates"]["lat"] == 30.0444,
          "location %r" % b["location"])
    check(b["customerInfo"]["phoneNumber"] == "+201012345678" and
          b["customerInfo"]["carDetails"] == {"brand": "Kia", "model": "Cerato", "year": 2019},
          "customerInfo %r" % b["customerInfo"])
    check(b["serviceDetails"]["images"] == ["https://img.example/leak.jpg"], "images %r" % b)
    check(b["isEmergency"] is False and b["technicianId"] is None, "flags %r" % b)
    check("adminNotes" not in b, "a customer sees admin notes: %r" % b)
    check([h["event"] for h in b["statusHistory"]] == ["create"], "history %r" % b["statusHistory"])
    check(history(b["id"]) == [[None, "pending_approval", "create", str(c["id"])]],
          "history rows %r" % history(b["id"]))
    check(db_count("realtime_events", "room = 'booking:%d'" % b["id"]) == 1, "no realtime row")
    # without approval a booking starts approved
    b2 = create(c["token"], svc("direct"))
    check(b2["status"] == "approved" and b2["detailedStatus"] == "approved", "direct %r" % b2)


def test_admin_may_create_technician_may_not():
    sid = svc()
    b = create(admin_token(), sid)
    check("adminNotes" in b, "staff see adminNotes")
    t = technician()
    expect(403, api("POST", "/api/bookings", booking_body(sid), token=t["token"]))
    expect(401, api("POST", "/api/bookings", booking_body(sid)))


def test_create_validation_names_the_field():
    c = register_user(role="customer")
    tok = c["token"]
    sid = svc()
    full = booking_body(sid)
    for f in ("serviceId", "scheduledDateTime"):
        b = dict(full)
        del b[f]
        expect(422, api("POST", "/api/bookings", b, token=tok), fields={f: "REQUIRED"})
    for parent, child in (("location", "address"), ("location", "city"),
                          ("location", "governorate"), ("customerInfo", "customerName"),
                          ("customerInfo", "phoneNumber"), ("serviceDetails", "problemDescription")):
        b = booking_body(sid)
        del b[parent][child]
        expect(422, api("POST", "/api/bookings", b, token=tok),
               fields={"%s.%s" % (parent, child): "REQUIRED"})
    b = booking_body(sid)
    del b["location"]
    expect(422, api("POST", "/api/bookings", b, token=tok),
           fields=["location", "location.address", "location.city", "location.governorate"])
    bad = [({"serviceId": "7"}, "serviceId"), ({"serviceId": 0}, "serviceId"),
           ({"isEmergency": "yes"}, "isEmergency"), ({"scheduledDateTime": 5}, "scheduledDateTime"),
           ({"scheduledDateTime": "tomorrow"}, "scheduledDateTime"),
           ({"scheduledDateTime": "2030-01-01T10:00:00"}, "scheduledDateTime"),
           ({"scheduledDateTime": "2030-02-30T10:00:00Z"}, "scheduledDateTime"),
           ({"location": "Cairo"}, "location")]
    for over, field in bad:
        r = api("POST", "/api/bookings", booking_body(sid, **over), token=tok)
        body = expect(422, r)
        check(field in {e["field"] for e in body["errors"]}, "%r: %s" % (over, r.describe()))
    b = booking_body(sid)
    b["customerInfo"]["phoneNumber"] = "12345"
    expect(422, api("POST", "/api/bookings", b, token=tok), fields=["customerInfo.phoneNumber"])
    b = booking_body(sid)
    b["customerInfo"]["carDetails"]["year"] = 1800
    expect(422, api("POST", "/api/bookings", b, token=tok),
           fields=["customerInfo.carDetails.year"])
    b = booking_body(sid)
    b["location"]["coordinates"]["lat"] = 91
    expect(422, api("POST", "/api/bookings", b, token=tok), fields=["location.coordinates.lat"])
    before = db_count("bookings")
    # the past, an unknown and a switched-off service, hours, days, emergencies
    past = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1))
    expect(422, api("POST", "/api/bookings", booking_body(
        sid, scheduledDateTime=past.strftime("%Y-%m-%dT%H:%M:%S.000Z")), token=tok),
        fields={"scheduledDateTime": "OUT_OF_RANGE"})
    expect(422, api("POST", "/api/bookings", booking_body(999999999), token=tok),
           fields={"serviceId": "INVALID_VALUE"})
    off = make_service(active=False)
    expect(422, api("POST", "/api/bookings", booking_body(off), token=tok),
           fields={"serviceId": "INVALID_VALUE"})
    # 23:00 UTC is 01:00 or 02:00 in Cairo: closed (08:00-20:00)
    expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=future(hour=23)),
                    token=tok), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    # 18:30 UTC is 20:30 or 21:30 in Cairo; 17:30 UTC is 19:30/20:30: an hour's work does not fit
    expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=future(hour=17, minute=30)),
                    token=tok), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    day = (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=2))
    other_day = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                 "saturday"][(day.isoweekday() + 1) % 7]    # the day after, by name
    mon = make_service(days=[other_day])
    expect(422, api("POST", "/api/bookings", booking_body(mon), token=tok),
           fields={"scheduledDateTime": "OUT_OF_RANGE"})
    expect(422, api("POST", "/api/bookings", booking_body(sid, isEmergency=True), token=tok),
           fields={"isEmergency": "INVALID_VALUE"})
    check(db_count("bookings") == before, "a refused booking was written")
    # an emergency service takes an emergency at any hour
    em = make_service(emergency=True, start="09:00", end="10:00")
    b = create(tok, em, isEmergency=True, scheduledDateTime=future(hour=23))
    check(b["isEmergency"] is True, "emergency %r" % b)
    expect_bilingual("POST", "/api/bookings", booking_body(999999999), token=tok, status=422)


def test_twenty_parallel_creates_take_consecutive_numbers():
    c = register_user(role="customer")
    sid = svc("direct")
    out, errs = [], []

    def one():
        r = api("POST", "/api/bookings", booking_body(sid), token=c["token"])
        (out if r.status == 201 else errs).append(r)

    ts = [threading.Thread(target=one) for _ in range(20)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check(not errs, "failed creates: %s" % [r.describe() for r in errs[:3]])
    nums = [r.body["data"]["bookingNumber"] for r in out]
    check(len(set(nums)) == 20, "numbers not distinct: %s" % nums)
    years = {NUMBER.match(n).group(1) for n in nums}
    seqs = sorted(int(NUMBER.match(n).group(2)) for n in nums)
    check(len(years) == 1 and seqs == list(range(seqs[0], seqs[0] + 20)),
          "not 20 consecutive numbers: %s" % nums)


# ------------------------------------------------------------------ the moves

def test_full_path_and_cancellation_fee():
    c = register_user(role="customer")
    t = technician()
    adm = admin_token()
    b = create(c["token"], svc())
    bid = b["id"]
    body = expect(200, put(bid, "approve", {"approved": True, "notes": "ok by phone"}, adm))
    check(body["data"]["status"] == "approved" and body["data"]["adminNotes"] == "ok by phone",
          "approve %r" % body["data"])
    body = expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    d = body["data"]
    check(d["status"] == "approved" and d["detailedStatus"] == "technician_assigned" and
          d["technicianId"] == t["id"], "assign %r" % d)
    # the technician sees it, in the list and alone
    expect(200, api("GET", "/api/bookings/%d" % bid, token=t["token"]))
    ids = [x["id"] for x in expect_list(api("GET", "/api/bookings", token=t["token"]))["data"]]
    check(ids == [bid], "technician's list %r" % ids)
    body = expect(200, put(bid, "status", {"status": "on_way", "notes": "leaving"}, t["token"]))
    check(body["data"]["status"] == "on_way" and body["data"]["detailedStatus"] == "on_way",
          "on_way %r" % body["data"])
    # work starts only with the customer's start code (not built yet): 422, nothing changes
    n = len(history(bid))
    expect(422, put(bid, "status", {"status": "in_progress"}, t["token"]),
           fields={"startCode": "REQUIRED"})
    check(len(history(bid)) == n and row(bid)[0] == "on_way", "a refused start changed the booking")
    # the customer cancels after the technician set off: the fee (fixed 5000 or a share)
    fixed = int(db_scalar("SELECT COALESCE((SELECT value FROM settings WHERE `key` ="
                          " 'cancellation_fee_piastres'), 5000)"))
    body = expect(200, put(bid, "cancel", {"reason": "changed my mind"}, c["token"]))
    d = body["data"]
    check(d["status"] == "cancelled" and d["cancellationReason"] == "changed my mind" and
          d["cancellationFee"] == min(fixed, 15000), "cancel %r" % d)
    check([h[2] for h in history(bid)] == ["create", "approve", "assign", "depart", "cancel"],
          "history %r" % history(bid))
    # seed 000's events: created, then a status update per move and the assignment
    events = [e[0] for e in db_query("SELECT event FROM realtime_events WHERE room ="
                                      " 'booking:%d' ORDER BY id" % bid)]
    check(events == ["booking.created", "booking:status-update", "booking:status-update",
                     "booking:technician-assigned", "booking:status-update",
                     "booking:status-update"], "realtime rows %r" % events)
    # each party is told in-app of the moves of others, never of their own
    told = db_query("SELECT user_id, title_en, body_en FROM notifications WHERE type ="
                    " 'booking_status' AND JSON_VALUE(data, '$.bookingId') = %d ORDER BY id" % bid)
    by_customer = [n[2] for n in told if n[0] == str(c["id"])]
    by_tech = [n[2] for n in told if n[0] == str(t["id"])]
    check(by_customer == ["Your booking was approved; a technician will be assigned soon",
                          "A technician was assigned to your booking",
                          "Your technician is on the way"], "customer told %r" % by_customer)
    check(by_tech == ["A booking was assigned to you", "The booking was cancelled"],
          "technician told %r" % by_tech)
    check(all(n[1] == "An update on your booking" for n in told), "titles %r" % told)
    acts = db_query("SELECT action FROM activity_log WHERE target_type = 'booking' AND"
                    " target_id = '%d' ORDER BY id" % bid)
    check([a[0] for a in acts] == ["booking.approve", "booking.assign"], "activity %r" % acts)


def test_an_assigned_booking_opens_contact_details_both_ways():
    """A technician sees the public view of a customer, and the customer of a technician,
    until a booking links them: while it is assigned, both see each other's email and
    phone; once it is cancelled, neither does (fcgi/domain/user_visibility.c)."""
    c = register_user(role="customer")
    t = technician()
    other = technician()
    adm = admin_token()

    def sees_contact(viewer, subject):
        u = expect(200, api("GET", "/api/users/%d" % subject["id"], token=viewer["token"]))
        u = u["data"]["user"]
        return "email" in u and "phone" in u

    check(not sees_contact(t, c) and not sees_contact(c, t), "contact shown before a booking")
    bid = create(c["token"], svc())["id"]
    expect(200, put(bid, "approve", {"approved": True}, adm))
    expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    check(sees_contact(t, c), "the assigned technician does not see the customer's contact")
    check(sees_contact(c, t), "the customer does not see the assigned technician's contact")
    check(not sees_contact(other, c), "another technician sees the customer's contact")
    expect(200, put(bid, "cancel", {"reason": "changed my mind"}, c["token"]))
    check(not sees_contact(t, c) and not sees_contact(c, t), "contact shown after cancelling")


def test_free_cancellation_before_departure_and_reject():
    c = register_user(role="customer")
    b = create(c["token"], svc())
    d = expect(200, put(b["id"], "cancel", {}, c["token"]))["data"]
    check(d["status"] == "cancelled" and d["cancellationFee"] == 0, "free cancel %r" % d)
    b = create(c["token"], svc())
    d = expect(200, put(b["id"], "approve", {"approved": False, "notes": "no slot"},
                        admin_token()))["data"]
    check(d["status"] == "rejected", "reject %r" % d)


def test_refused_moves_are_409_and_change_nothing():
    c = register_user(role="customer")
    t = technician()
    adm = admin_token()
    done = create(c["token"], svc())["id"]
    expect(200, put(done, "cancel", {"reason": "x"}, c["token"]))
    direct = create(c["token"], svc("direct"))["id"]
    cases = [(done, "approve", {"approved": True}), (done, "approve", {"approved": False}),
             (done, "assign-technician", {"technicianId": t["id"]}),
             (done, "cancel", {"reason": "again"}), (done, "status", {"status": "completed"}),
             (direct, "approve", {"approved": True}), (direct, "approve", {"approved": False}),
             (direct, "status", {"status": "pending_approval"})]
    for bid, action, body in cases:
        before, hist = row(bid), history(bid)
        r = put(bid, action, body, adm)
        expect(409, r, code="CONFLICT")
        check(row(bid) == before and history(bid) == hist,
              "a refused %s changed booking %d" % (action, bid))
    expect_bilingual("PUT", "/api/bookings/%d/approve" % done, body={"approved": True},
                     token=adm, status=409)


def test_same_word_changes_nothing():
    c = register_user(role="customer")
    bid = create(c["token"], svc("direct"))["id"]
    hist = history(bid)
    d = expect(200, put(bid, "status", {"status": "approved"}, admin_token()))["data"]
    check(d["status"] == "approved" and history(bid) == hist, "same word moved %r" % d)


def test_roles_refused_403():
    c = register_user(role="customer")
    t = technician()
    bid = create(c["token"], svc())["id"]
    for action, body in (("approve", {"approved": True}),
                         ("assign-technician", {"technicianId": t["id"]}),
                         ("status", {"status": "on_way"})):
        expect(403, put(bid, action, body, c["token"]))
    expect(403, put(bid, "approve", {"approved": True}, t["token"]))
    expect(403, put(bid, "assign-technician", {"technicianId": t["id"]}, t["token"]))
    expect(403, api("GET", "/api/bookings", token=c["token"]))
    expect(403, api("GET", "/api/bookings/my", token=t["token"]))
    # the machine's party rules: only the technician departs; the technician does not cancel
    adm = admin_token()
    expect(200, put(bid, "approve", {"approved": True}, adm))
    expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    before, hist = row(bid), history(bid)
    expect(403, put(bid, "status", {"status": "on_way"}, adm))
    expect(403, put(bid, "cancel", {"reason": "busy"}, t["token"]))
    check(row(bid) == before and history(bid) == hist, "a refused move changed the booking")
    # a moderator is staff
    mod = make_user_with_role("moderator")
    expect(200, api("GET", "/api/bookings/%d" % bid, token=mod["token"]))


def test_strangers_get_404():
    c = register_user(role="customer")
    other = register_user(role="customer")
    t = technician()
    bid = create(c["token"], svc())["id"]
    expect(404, api("GET", "/api/bookings/%d" % bid, token=other["token"]))
    expect(404, put(bid, "cancel", {"reason": "x"}, other["token"]))
    expect(404, api("GET", "/api/bookings/%d" % bid, token=t["token"]))
    expect(404, put(bid, "status", {"status": "on_way"}, t["token"]))
    expect(404, api("GET", "/api/bookings/999999999", token=c["token"]))
    expect(404, api("GET", "/api/bookings/abc", token=c["token"]))
    expect(404, put(999999999, "approve", {"approved": True}, admin_token()))
    check(row(bid)[0] == "pending_approval", "a stranger changed the booking")


def test_assign_needs_an_active_technician():
    c = register_user(role="customer")
    adm = admin_token()
    bid = create(c["token"], svc("direct"))["id"]
    for tid in (999999999, c["id"]):
        expect(422, put(bid, "assign-technician", {"technicianId": tid}, adm),
               fields={"technicianId": "INVALID_VALUE"})
    banned = technician()
    db_query("UPDATE users SET is_active = 0 WHERE id = %d" % banned["id"])
    expect(422, put(bid, "assign-technician", {"technicianId": banned["id"]}, adm),
           fields={"technicianId": "INVALID_VALUE"})
    expect(422, put(bid, "assign-technician", {"technicianId": "1"}, adm), fields=["technicianId"])
    expect(422, put(bid, "assign-technician", {}, adm), fields={"technicianId": "REQUIRED"})
    expect(422, put(bid, "approve", {}, adm), fields={"approved": "REQUIRED"})
    expect(422, put(bid, "status", {"status": "arrived"}, adm), fields=["status"])
    check(history(bid) == [[None, "approved", "create", str(c["id"])]], "history changed")


def test_two_admins_assign_at_once():
    """Both assignments apply, one after the other (the second reassigns): the row
    lock orders them; the booking ends with the technician of the last history row."""
    c = register_user(role="customer")
    t1, t2 = technician(), technician()
    mod = make_user_with_role("moderator")
    bid = create(c["token"], svc("direct"))["id"]
    res = {}

    def go(tok, tid):
        res[tid] = put(bid, "assign-technician", {"technicianId": tid}, tok)

    ths = [threading.Thread(target=go, args=(admin_token(), t1["id"])),
           threading.Thread(target=go, args=(mod["token"], t2["id"]))]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    for tid, r in res.items():
        expect(200, r)
    hist = db_query("SELECT event, to_status FROM booking_history WHERE booking_id = %d"
                    " ORDER BY id" % bid)
    check(hist == [["create", "approved"], ["assign", "technician_assigned"],
                   ["assign", "technician_assigned"]], "history %r" % hist)
    last = int(db_scalar("SELECT JSON_VALUE(payload, '$.technicianId') FROM realtime_events"
                         " WHERE room = 'booking:%d' ORDER BY id DESC LIMIT 1" % bid))
    check(int(row(bid)[2]) == last, "technician %s, last assignment %s" % (row(bid)[2], last))


def start_code(customer_id):
    rows = outbox_rows(customer_id, "booking_start_code")
    check(rows, "no start code queued for customer %s" % customer_id)
    return rows[0][2]["code"], rows[0][1]


def test_start_code_starts_the_work():
    c = register_user(role="customer")
    t = technician()
    adm = admin_token()
    bid = create(c["token"], svc("direct"))["id"]
    expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    code, phone = start_code(c["id"])
    check(re.match(r"^[0-9]{6}$", code) and phone == "+201012345678",
          "start code %r to %r" % (code, phone))
    h = db_scalar("SELECT start_code_hash FROM bookings WHERE id = %d" % bid)
    check(h and code not in h and len(h) == 64, "the code is not stored hashed: %r" % h)
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    n = len(history(bid))
    expect(422, put(bid, "status", {"status": "in_progress", "startCode": wrong}, t["token"]),
           fields={"startCode": "INVALID_VALUE"})
    expect(422, put(bid, "status", {"status": "in_progress", "startCode": "12ab56"}, t["token"]),
           fields={"startCode": "INVALID_FORMAT"})
    check(len(history(bid)) == n and row(bid)[0] == "on_way", "a wrong code moved the booking")
    d = expect(200, put(bid, "status", {"status": "in_progress", "startCode": code},
                        t["token"]))["data"]
    check(d["status"] == "in_progress", "start %r" % d)
    d = expect(200, put(bid, "status", {"status": "completed", "notes": "fixed"}, t["token"]))["data"]
    check(d["status"] == "completed" and d["detailedStatus"] == "completed", "complete %r" % d)
    check([h[2] for h in history(bid)] == ["create", "assign", "depart", "start", "complete"],
          "history %r" % history(bid))
    # the customer cannot cancel finished work; a reassignment issues a new code
    expect(409, put(bid, "cancel", {}, c["token"]))
    bid2 = create(c["token"], svc("direct"))["id"]
    t2 = technician()
    expect(200, put(bid2, "assign-technician", {"technicianId": t["id"]}, adm))
    first, _ = start_code(c["id"])
    expect(200, put(bid2, "assign-technician", {"technicianId": t2["id"]}, adm))
    expect(404, put(bid2, "status", {"status": "on_way"}, t["token"]))
    expect(200, put(bid2, "status", {"status": "on_way"}, t2["token"]))
    second, _ = start_code(c["id"])
    if first != second:
        expect(422, put(bid2, "status", {"status": "in_progress", "startCode": first},
                        t2["token"]), fields={"startCode": "INVALID_VALUE"})
    expect(200, put(bid2, "status", {"status": "in_progress", "startCode": second}, t2["token"]))


def test_wrong_start_codes_run_out():
    c = register_user(role="customer")
    t = technician()
    adm = admin_token()
    bid = create(c["token"], svc("direct"))["id"]
    expect(200, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    code, _ = start_code(c["id"])
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    wrong = "%06d" % ((int(code) + 7) % 1000000)
    for i in range(5):
        expect(422, put(bid, "status", {"status": "in_progress", "startCode": wrong}, t["token"]),
               fields={"startCode": "INVALID_VALUE"})
        check(int(db_scalar("SELECT start_code_failures FROM bookings WHERE id = %d" % bid)) ==
              (i + 1 if i < 4 else 5), "tries not counted")
    # five wrong tries void the code: the right one no longer starts the work
    expect(422, put(bid, "status", {"status": "in_progress", "startCode": code}, t["token"]),
           fields={"startCode": "INVALID_VALUE"})
    check(row(bid)[0] == "on_way", "a void code started the work")
    # on the way there is no reassignment (staff can only cancel); a new assignment of
    # another booking gets a new code, counted afresh
    expect(409, put(bid, "assign-technician", {"technicianId": t["id"]}, adm))
    bid2 = create(c["token"], svc("direct"))["id"]
    expect(200, put(bid2, "assign-technician", {"technicianId": t["id"]}, adm))
    fresh, _ = start_code(c["id"])
    expect(200, put(bid2, "status", {"status": "on_way"}, t["token"]))
    expect(200, put(bid2, "status", {"status": "in_progress", "startCode": fresh}, t["token"]))


# ------------------------------------------------------------------ lists

def test_list_statements_read_their_index():
    """--explain-lists EXPLAINs every bookings list statement (tests/api/test_lists.py
    judges all families' plans on loaded tables); here: each reads its own index."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    db_query("ANALYZE TABLE bookings")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
    plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\tbookings\t")]
    stmts = {l.split("\t")[2] for l in out.splitlines() if l.startswith("stmt\tbookings\t")}
    # 15 variants: a page, a capped count, the key of a deep page's first row; and the
    # two counter reads of the totals
    check(len(stmts) == 47, "bookings list statements explained: %s" % sorted(stmts))
    tables = {}
    for cols in plans:
        f = dict(c.split("=", 1) for c in cols[3:])
        tables.setdefault(cols[2], set()).add(f["table"])
        if f["table"] == "b":
            check(f["key"].startswith("ix_bookings_") and "filesort" not in f["Extra"],
                  "bookings read without its index: %s" % "\t".join(cols))
        elif f["table"] == "s":
            check(f["key"] == "PRIMARY", "services not joined by key: %s" % "\t".join(cols))
        elif f["table"] in ("booking_list_days", "booking_list_counts"):
            check(f["key"] == "PRIMARY" and f["type"] in ("range", "ref", "eq_ref", "const"),
                  "a total not read by its key: %s" % "\t".join(cols))
        elif f["table"] == "":
            # a counter row that is not there, found so by its primary key
            check("const table" in f["Extra"], "a plan without a table: %s" % "\t".join(cols))
            tables[cols[2]].add("booking_list_counts")
    # a deep page's key (the statements that read bookings alone) comes from the index
    # alone, never a row
    seeks = [st for st, t in tables.items() if t == {"b"}]
    check(len(seeks) == 15, "seek statements: %s" % sorted(tables.items()))
    for cols in plans:
        if cols[2] in seeks:
            f = dict(c.split("=", 1) for c in cols[3:])
            check("Using index" in f["Extra"], "a seek reads rows: %s" % "\t".join(cols))
    check(len([t for t in tables.values() if t & {"booking_list_days", "booking_list_counts"}])
          == 2, "counter reads: %s" % sorted(tables.items()))

def walk(path, token, limit, **params):
    ids, cursor, pages = [], None, 0
    while True:
        p = dict(params, limit=limit)
        if cursor:
            p["cursor"] = cursor
        body = expect_list(api("GET", q(path, **p), token=token), limit=limit)
        ids += [b["id"] for b in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        pages += 1
        if not cursor:
            return ids, body["pagination"]["totalItems"]
        check(pages < 50, "too many pages")


def test_lists_page_by_cursor_without_gaps():
    c = register_user(role="customer")
    sid = svc("direct")
    made = [create(c["token"], sid)["id"] for _ in range(23)]
    want = sorted(made, reverse=True)      # created in this order: newest first
    ids, total = walk("/api/bookings/my", c["token"], 5)
    check(ids == want and total == 23, "cursor walk %r (total %s), expected %r" % (ids, total, want))
    # page mode agrees
    paged = []
    for page in range(1, 6):
        body = expect_list(api("GET", q("/api/bookings/my", page=page, limit=5), token=c["token"]),
                           page=page, limit=5)
        paged += [b["id"] for b in body["data"]]
    check(paged == want, "pages %r" % paged)
    # status words pick the internal statuses they stand for
    adm = admin_token()
    t = technician()
    expect(200, put(made[0], "assign-technician", {"technicianId": t["id"]}, adm))
    expect(200, put(made[1], "cancel", {}, c["token"]))
    ids, total = walk("/api/bookings/my", c["token"], 10, status="approved")
    check(ids == [i for i in want if i != made[1]] and total == 22, "approved %r" % ids)
    ids, total = walk("/api/bookings/my", c["token"], 10, status="cancelled")
    check(ids == [made[1]] and total == 1, "cancelled %r" % ids)
    ids, _ = walk("/api/bookings", t["token"], 10)
    check(ids == [made[0]], "technician %r" % ids)
    ids, _ = walk("/api/bookings", t["token"], 10, status="cancelled")
    check(ids == [], "technician cancelled %r" % ids)
    # staff see everything: the newest page holds this customer's newest
    body = expect_list(api("GET", q("/api/bookings", limit=3, status="cancelled"), token=adm), limit=3)
    check(body["data"][0]["id"] == made[1], "staff list %r" % [b["id"] for b in body["data"]])
    # dates (created_at, UTC days)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    ids, _ = walk("/api/bookings/my", c["token"], 50, to=(today - datetime.timedelta(days=2)).isoformat())
    check(ids == [], "to=two days ago %r" % ids)
    ids, _ = walk("/api/bookings/my", c["token"], 50, **{"from": (today - datetime.timedelta(days=1)).isoformat()})
    check(ids == want, "from=yesterday %r" % ids)
    # bad parameters
    for params, field in (({"status": "pending"}, "status"), ({"cursor": "!!"}, "cursor"),
                          ({"limit": 101}, "limit"), ({"from": "2026-13-01"}, "from"),
                          ({"page": 2000, "limit": 10}, "cursor")):
        expect(422, api("GET", q("/api/bookings/my", **params), token=c["token"]), fields=[field])
    # another customer sees none of them
    other = register_user(role="customer")
    check(walk("/api/bookings/my", other["token"], 10) == ([], 0), "another customer's list")


run(globals())
