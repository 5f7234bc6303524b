"""GET /api/technicians/available and seed 004's nearby search read in expanding rings
(fcgi/store/technicians.c, db_technicians_nearby; docs/technicians.md): the answer is
the whole circle's, nearest first, whatever ring it was found in; and a technician
leaves and joins the list of one trade (technician_reach, kept by the triggers of
sql/migrations/0025_recommendations.sql) as their trade, status, place, radius and
verification change.

Each run works around its own random point of the Western Desert, away from the other
suites' points (tests/api/test_technicians.py, test_recommendations.py)."""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, check, admin_token, make_user_with_role, db_scalar,
                         uniq, run, free_spot)

CENTER = free_spot((28.9, 29.9), (26.0, 28.0), south=0.6, north=0.6)
KM_LAT = 111.195


def haversine_km(lat1, lng1, lat2, lng2):
    """geo_distance_km() of fcgi/domain/booking.h."""
    r, rad = 6371.0088, math.pi / 180
    dlat, dlng = (lat2 - lat1) * rad, (lng2 - lng1) * rad
    a = (math.sin(dlat / 2) ** 2 +
         math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin(dlng / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def toward(center, km, bearing):
    """The point km from center at bearing degrees (0 north, 90 east), rounded as the
    column keeps it."""
    lat, lng = center
    b = math.radians(bearing)
    dlat = km * math.cos(b) / KM_LAT
    dlng = km * math.sin(b) / (KM_LAT * math.cos(math.radians(lat)))
    return (round(lat + dlat, 6), round(lng + dlng, 6))


def plumbing_service():
    sid = db_scalar("SELECT COALESCE(MIN(id), 0) FROM services WHERE category = 'plumbing'"
                    " AND is_active = 1")
    if int(sid):
        return int(sid)
    body = expect(201, api("POST", "/api/services", {
        "nameAr": "سباكة اختبار " + uniq(6), "nameEn": "QA plumbing " + uniq(8),
        "descriptionAr": "وصف", "descriptionEn": "A service of the available tests",
        "category": "plumbing"}, token=admin_token()))
    return body["data"]["id"]


def technician(point, status="available", specializations=("plumbing",), radius=50):
    t = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {
        "specializations": list(specializations), "serviceRadiusKm": radius},
        token=t["token"]))
    expect(200, api("PUT", "/api/technicians/status", {
        "status": status, "location": {"latitude": point[0], "longitude": point[1]}},
        token=t["token"]))
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {
        "verification": {"status": "verified"}}, token=admin_token()))
    t.update(point=point, radius=radius, specs=set(specializations))
    return t


def available(token, **params):
    return api("GET", q("/api/technicians/available", **params), token=token)


def expected(techs, center, km, limit, category=None):
    """The whole circle by brute force: within km and each one's own radius, of the
    trade, nearest first (ties by id), the first limit."""
    rows = []
    for t in techs:
        d = haversine_km(center[0], center[1], *t["point"])
        if d <= min(km, t["radius"]) and (category is None or category in t["specs"]):
            rows.append((round(d, 3), t["id"]))
    return [i for _, i in sorted(rows)[:limit]]


def test_rings_answer_as_the_whole_circle():
    """Technicians from 0.3 to 28 km around the point: every distance and limit gives
    what one search of the whole circle gives, the first ring enough or not."""
    c = CENTER
    sid = plumbing_service()
    kms = (0.3, 0.8, 1.4, 1.9, 2.6, 3.3, 3.95, 4.2, 5.5, 7.0, 8.8, 11.0, 13.5, 16.0, 19.5,
           23.0, 27.5)
    techs = []
    for i, km in enumerate(kms):
        spec = ("plumbing",) if i % 3 else ("electrical",)
        techs.append(technician(toward(c, km, (i * 47) % 360), specializations=spec,
                                radius=3 if i == 6 else 50))
    tok = make_user_with_role("customer")["token"]
    loc = "%.6f,%.6f" % c
    for km in ("1", "3", "4", "5", "10", "20", "30"):
        for limit in (1, 2, 3, 5, 8, 20, 50):
            want = expected(techs, c, float(km), limit, "plumbing")
            got = expect(200, available(tok, serviceId=sid, location=loc, distance=km,
                                        limit=str(limit)))["data"]["technicians"]
            check([t["id"] for t in got] == want, "plumbing %s km, limit %d: %r, expected %r"
                  % (km, limit, [t["id"] for t in got], want))
            want = expected(techs, c, float(km), limit)
            got = expect(200, available(tok, location=loc, distance=km,
                                        limit=str(limit)))["data"]["technicians"]
            check([t["id"] for t in got] == want, "any %s km, limit %d: %r, expected %r"
                  % (km, limit, [t["id"] for t in got], want))
            near = expect(200, api("GET", q("/api/v1/users/technicians/nearby",
                                            lat="%.6f" % c[0], lng="%.6f" % c[1], radius=km,
                                            limit=str(limit)), token=tok))
            check([t["id"] for t in near["data"]["technicians"]] == want,
                  "nearby %s km, limit %d: %r, expected %r"
                  % (km, limit, [t["id"] for t in near["data"]["technicians"]], want))
    # the distances are the haversine's, to three decimals
    got = expect(200, available(tok, location=loc, distance="30", limit="50"))
    by_id = {t["id"]: t for t in techs}
    for row in got["data"]["technicians"]:
        d = haversine_km(c[0], c[1], *by_id[row["id"]]["point"])
        check(abs(row["distanceKm"] - d) < 0.002, "distanceKm %s, haversine %.4f"
              % (row["distanceKm"], d))


def test_leaves_and_joins_as_the_profile_changes():
    c = (CENTER[0] + 0.35, CENTER[1])
    sid = plumbing_service()
    t = technician(toward(c, 3.0, 90))
    tok = make_user_with_role("customer")["token"]
    adm = admin_token()
    loc = "%.6f,%.6f" % c

    def listed(trade=True):
        params = {"location": loc, "distance": "10"}
        if trade:
            params["serviceId"] = sid
        return t["id"] in [x["id"] for x in expect(200, available(tok, **params))
                           ["data"]["technicians"]]

    def put(body, token=None):
        expect(200, api("PUT", "/api/technicians/%d" % t["id"], body,
                        token=token or t["token"]))

    def status(st, point=None):
        body = {"status": st}
        if point is not None:
            body["location"] = {"latitude": point[0], "longitude": point[1]}
        expect(200, api("PUT", "/api/technicians/status", body, token=t["token"]))

    check(listed() and listed(False), "not listed at first")
    # the trade
    put({"specializations": ["electrical"]})
    check(not listed() and listed(False), "an electrician is listed among plumbers")
    put({"specializations": ["electrical", "plumbing"]})
    check(listed(), "a plumber again is not listed")
    # the work status
    status("busy")
    check(not listed() and not listed(False), "a busy technician is listed")
    status("offline")
    check(not listed(), "an offline technician is listed")
    status("available")
    check(listed() and listed(False), "available again, not listed")
    # the place
    status("available", toward(c, 60.0, 0))
    check(not listed() and not listed(False), "a technician 60 km away is listed")
    status("available", toward(c, 2.0, 180))
    check(listed() and listed(False), "back within 2 km, not listed")
    # their own radius
    put({"serviceRadiusKm": 1})
    check(not listed(), "listed beyond their own radius")
    put({"serviceRadiusKm": 30})
    check(listed(), "within their radius again, not listed")
    # the verification
    put({"verification": {"status": "rejected", "reason": "documents unreadable"}}, adm)
    check(not listed() and not listed(False), "a rejected technician is listed")
    put({"verification": {"status": "pending"}}, adm)
    check(not listed(), "a pending technician is listed")
    put({"verification": {"status": "verified"}}, adm)
    check(listed() and listed(False), "verified again, not listed")
    # the copy of the trade follows the profile in every column the search reads
    row = db_scalar("SELECT CONCAT_WS(',', COUNT(*), MIN(work_status), MIN(verification),"
                    " MIN(user_bookable)) FROM technician_reach WHERE user_id = %d" % t["id"])
    check(row == "2,available,verified,1", "technician_reach %r" % row)


def test_a_customer_reaches_the_technician_of_a_booking_under_way():
    """Contact details in the list follow the booking link of each row (read once for
    the whole list, fcgi/api/user_view.c user_view_relation_in): the technician working
    the customer's booking shows email and phone to that customer, the one beside him
    does not, and another customer sees neither."""
    from booking_fixtures import make_service, create, put
    c = free_spot((28.9, 29.9), (28.0, 29.5), south=0.3, north=0.3, west=0.4, east=0.4)
    mine, other = technician(toward(c, 1.0, 90)), technician(toward(c, 2.0, 90))
    cust, stranger = make_user_with_role("customer"), make_user_with_role("customer")
    b = create(cust["token"], make_service(requires_approval=False))
    expect(200, put(b["id"], "assign-technician", {"technicianId": mine["id"]}, admin_token()))
    # whatever the assignment did to his work status, he is on the map again
    expect(200, api("PUT", "/api/technicians/status", {
        "status": "available", "location": {"latitude": mine["point"][0],
                                            "longitude": mine["point"][1]}},
        token=mine["token"]))

    def rows(tok):
        got = expect(200, available(tok, location="%.6f,%.6f" % c, distance="5"))
        return {t["id"]: t for t in got["data"]["technicians"]}

    seen = rows(cust["token"])
    check(set(seen) == {mine["id"], other["id"]}, "both listed: %r" % sorted(seen))
    check(seen[mine["id"]].get("email") and seen[mine["id"]].get("phone"),
          "the booked technician's contact: %r" % seen[mine["id"]])
    check("email" not in seen[other["id"]] and "phone" not in seen[other["id"]],
          "another technician's contact shown: %r" % seen[other["id"]])
    for row in rows(stranger["token"]).values():
        check("email" not in row and "phone" not in row, "contact shown to a stranger: %r" % row)
    # once the booking is cancelled, the link is gone
    expect(200, put(b["id"], "cancel", {"reason": "plans changed"}, cust["token"]))
    seen = rows(cust["token"])
    check("phone" not in seen[mine["id"]], "contact after the booking ended: %r" % seen[mine["id"]])


if __name__ == "__main__":
    run(globals())
