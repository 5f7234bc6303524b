"""/api/technicians (seed 000 Technician Management, seed 004's nearby search): the staff
list, bookable technicians near a point, one technician, the profile and status writes,
who may do what, what others see, and the statements' plans (docs/technicians.md).

Each run works around its own random point in the Western Desert, where no generated
technician lives, so its technicians are the only ones near it."""
import math
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (ENV, SOURCE_DIR, Skip, api, q, expect, expect_list, check,
                         admin_token, make_user_with_role, register_user, db_query, db_scalar,
                         activity_rows, uniq, run, free_spot)

CENTER = free_spot((22.0, 23.0), (26.0, 28.0), south=0.6, north=1.1)
KM_LAT = 111.195


def haversine_km(lat1, lng1, lat2, lng2):
    """geo_distance_km() of fcgi/domain/booking.h."""
    r, rad = 6371.0088, math.pi / 180
    dlat, dlng = (lat2 - lat1) * rad, (lng2 - lng1) * rad
    a = (math.sin(dlat / 2) ** 2 +
         math.cos(lat1 * rad) * math.cos(lat2 * rad) * math.sin(dlng / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def east_of(center, km):
    """The point km east of center (rounded as the column keeps it)."""
    lat, lng = center
    return (round(lat, 6), round(lng + km / (KM_LAT * math.cos(math.radians(lat))), 6))


def plumbing_service():
    """The id of a live plumbing service (one is made when there is none)."""
    sid = db_scalar("SELECT COALESCE(MIN(id), 0) FROM services WHERE category = 'plumbing'"
                    " AND is_active = 1")
    if int(sid):
        return int(sid)
    body = expect(201, api("POST", "/api/services", {
        "nameAr": "سباكة اختبار " + uniq(6), "nameEn": "QA plumbing " + uniq(8),
        "descriptionAr": "وصف", "descriptionEn": "A service of the technician tests",
        "category": "plumbing"}, token=admin_token()))
    return body["data"]["id"]


def technician(point=None, status="available", verification="verified",
               specializations=("plumbing",), radius=50):
    """A registered technician with this profile, set through the API: their own
    specializations, radius and status, the verification by an admin."""
    t = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {
        "specializations": list(specializations), "serviceRadiusKm": radius},
        token=t["token"]))
    body = {"status": status}
    if point is not None:
        body["location"] = {"latitude": point[0], "longitude": point[1]}
    expect(200, api("PUT", "/api/technicians/status", body, token=t["token"]))
    if verification != "pending":
        v = {"status": verification}
        if verification == "rejected":
            v["reason"] = "documents unreadable"
        expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"verification": v},
                        token=admin_token()))
    t["point"] = point
    return t


def available(token, **params):
    return api("GET", q("/api/technicians/available", **params), token=token)


# ------------------------------------------------------------------ who may call what

def test_roles_of_the_seed_matrix():
    cust = make_user_with_role("customer")
    tech = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    expect(401, api("GET", "/api/technicians"), "UNAUTHORIZED")
    expect(403, api("GET", "/api/technicians", token=cust["token"]))
    expect(403, api("GET", "/api/technicians", token=tech["token"]))
    expect_list(api("GET", q("/api/technicians", limit=5), token=mod["token"]), limit=5)
    expect_list(api("GET", q("/api/technicians", limit=5), token=admin_token()), limit=5)
    # the status is the technician's own (or staff's)
    expect(403, api("PUT", "/api/technicians/status", {"status": "available"},
                    token=cust["token"]))
    expect(401, api("PUT", "/api/technicians/status", {"status": "available"}))
    # a new technician is made by an admin only
    expect(403, api("POST", "/api/technicians", {"userId": cust["id"]}, token=mod["token"]))
    expect(403, api("POST", "/api/technicians", {"userId": cust["id"]}, token=tech["token"]))
    # a profile is the technician's or staff's to change
    expect(403, api("PUT", "/api/technicians/%d" % tech["id"], {"experienceYears": 3},
                    token=cust["token"]))
    # near a point: anyone signed in
    expect(401, api("GET", q("/api/technicians/available", location="30,31")))
    expect(200, available(cust["token"], location="30,31"))


def test_another_technician_cannot_change_a_status_or_profile():
    a = technician(status="offline")
    b = technician(status="offline")
    expect(403, api("PUT", "/api/technicians/status", {"status": "available",
                                                        "technicianId": b["id"]}, token=a["token"]),
           message=None)
    expect(403, api("PUT", "/api/technicians/%d" % b["id"], {"bio": "not mine"},
                    token=a["token"]))
    st = db_scalar("SELECT work_status FROM technician_profiles WHERE user_id = %d" % b["id"])
    check(st == "offline", "b's status changed to %s" % st)
    # naming themself is fine
    expect(200, api("PUT", "/api/technicians/status", {"status": "busy",
                                                        "technicianId": a["id"]}, token=a["token"]))


def test_staff_set_a_status_by_technician_id_and_it_is_logged():
    t = technician(status="offline")
    tok = admin_token()
    expect(422, api("PUT", "/api/technicians/status", {"status": "busy"}, token=tok),
           fields={"technicianId": "REQUIRED"})
    cust = make_user_with_role("customer")
    expect(404, api("PUT", "/api/technicians/status", {"status": "busy",
                                                        "technicianId": cust["id"]}, token=tok))
    body = expect(200, api("PUT", "/api/technicians/status", {
        "status": "busy", "technicianId": t["id"],
        "location": {"latitude": 30.05, "longitude": 31.24}}, token=tok))
    tech = body["data"]["technician"]["technician"]
    check(tech["workStatus"] == "busy", "status %r" % tech["workStatus"])
    check(abs(tech["location"]["latitude"] - 30.05) < 1e-9, "location %r" % tech["location"])
    rows = activity_rows("action = 'technician.status' AND target_id = '%d'" % t["id"])
    check(len(rows) == 1, "activity rows %r" % rows)
    # the technician's own change is not logged
    expect(200, api("PUT", "/api/technicians/status", {"status": "offline"}, token=t["token"]))
    rows = activity_rows("action = 'technician.status' AND target_id = '%d'" % t["id"])
    check(len(rows) == 1, "the technician's own change was logged: %r" % rows)


# ------------------------------------------------------------------ bad input

def test_bad_input_names_the_field():
    tok = make_user_with_role("customer")["token"]
    cases = [
        ({}, {"location": "REQUIRED"}),
        ({"location": "abc"}, {"location": "INVALID_FORMAT"}),
        ({"location": "30.1"}, {"location": "INVALID_FORMAT"}),
        ({"location": "91,31"}, {"location": "OUT_OF_RANGE"}),
        ({"location": "30,181"}, {"location": "OUT_OF_RANGE"}),
        ({"location": "30,1e2"}, {"location": "INVALID_FORMAT"}),
        ({"location": "30,31", "distance": "0"}, {"distance": "OUT_OF_RANGE"}),
        ({"location": "30,31", "distance": "100.5"}, {"distance": "OUT_OF_RANGE"}),
        ({"location": "30,31", "distance": "-5"}, {"distance": "OUT_OF_RANGE"}),
        ({"location": "30,31", "distance": "far"}, {"distance": "INVALID_FORMAT"}),
        ({"location": "30,31", "limit": "51"}, {"limit": None}),
        ({"location": "30,31", "serviceId": "x"}, {"serviceId": None}),
    ]
    for params, fields in cases:
        expect(422, available(tok, **params), "VALIDATION_ERROR", fields=fields)
    expect(422, available(tok, location="30,31", serviceId="999999999999"), "VALIDATION_ERROR",
           fields={"serviceId": "NOT_FOUND"})
    expect(200, available(tok, location="30,31", distance="100"))
    near = "/api/v1/users/technicians/nearby"
    expect(422, api("GET", q(near, lng="31"), token=tok), fields={"lat": "REQUIRED"})
    expect(422, api("GET", q(near, lat="-90.5", lng="31"), token=tok),
           fields={"lat": "OUT_OF_RANGE"})
    expect(422, api("GET", q(near, lat="30", lng="31", radius="101"), token=tok),
           fields={"radius": "OUT_OF_RANGE"})
    t = technician(status="offline")
    for body, fields in (({"status": "sleeping"}, {"status": "INVALID_VALUE"}),
                         ({}, {"status": "REQUIRED"}),
                         ({"status": "busy", "location": {"latitude": 30}},
                          {"location.longitude": "REQUIRED"}),
                         ({"status": "busy", "location": {"latitude": 95, "longitude": 31}},
                          {"location.latitude": "OUT_OF_RANGE"})):
        expect(422, api("PUT", "/api/technicians/status", body, token=t["token"]),
               fields=fields)
    lst = "/api/technicians"
    adm = admin_token()
    expect(422, api("GET", q(lst, status="sleeping"), token=adm), fields={"status": None})
    expect(422, api("GET", q(lst, cursor="!!"), token=adm), fields={"cursor": None})
    expect(422, api("GET", q(lst, limit="0"), token=adm), fields={"limit": None})


def test_profile_updates():
    t = technician(status="offline")
    other = make_user_with_role("technician")
    tid = "/api/technicians/%d" % t["id"]
    expect(422, api("PUT", tid, {"specializations": ["plumbing", "astrology"]}, token=t["token"]),
           fields={"specializations": "INVALID_VALUE"})
    expect(422, api("PUT", tid, {"workingAreas": {"governorates": ["Atlantis"]}},
                    token=t["token"]), fields={"workingAreas.governorates": "INVALID_VALUE"})
    expect(422, api("PUT", tid, {"serviceRadiusKm": 0}, token=t["token"]),
           fields={"serviceRadiusKm": None})
    expect(422, api("PUT", tid, {"nothing": 1}, token=t["token"]), fields={"body": None})
    expect(403, api("PUT", tid, {"verification": {"status": "verified"}}, token=t["token"]))
    expect(403, api("PUT", tid, {"bio": "x"}, token=other["token"]))
    body = expect(200, api("PUT", tid, {
        "bio": "Fifteen years of pipes", "specializations": ["plumbing", "electrical", "plumbing"],
        "experienceYears": 15, "serviceRadiusKm": 30,
        "workingAreas": {"governorates": ["Giza", "C"], "city": "Dokki"}}, token=t["token"]))
    v = body["data"]["technician"]
    p = v["technician"]
    check(v["profile"]["bio"] == "Fifteen years of pipes", "bio %r" % v["profile"])
    check(p["specializations"] == ["plumbing", "electrical"], "specializations %r" % p)
    check(p["workingAreas"] == {"governorates": ["GZ", "C"], "city": "Dokki"}, "areas %r" % p)
    check(p["experienceYears"] == 15 and p["serviceRadiusKm"] == 30, "numbers %r" % p)
    rows = db_query("SELECT category FROM technician_specializations WHERE user_id = %d"
                    " ORDER BY category" % t["id"])
    check([r[0] for r in rows] == ["electrical", "plumbing"], "rows %r" % rows)
    # verification: staff only, a rejection says why, logged
    adm = admin_token()
    expect(422, api("PUT", tid, {"verification": {"status": "rejected"}}, token=adm),
           fields={"verification.reason": "REQUIRED"})
    body = expect(200, api("PUT", tid, {"verification": {"status": "rejected",
                                                         "reason": "expired licence"}}, token=adm))
    ver = body["data"]["technician"]["technician"]["verification"]
    check(ver["status"] == "rejected" and ver["reason"] == "expired licence"
          and ver["verifiedAt"], "verification %r" % ver)
    # the helper's verification, then the rejection; the refused ones wrote nothing
    rows = activity_rows("action = 'technician.update' AND target_id = '%d'" % t["id"])
    check(len(rows) == 2 and rows[-1][1] is not None, "activity %r" % rows)
    details = db_scalar("SELECT details FROM activity_log WHERE id = %s" % rows[-1][0])
    check("expired licence" in details and "rejected" in details, "details %r" % details)


def test_admin_promotes_an_existing_user():
    cust = make_user_with_role("customer")
    adm = admin_token()
    body = expect(201, api("POST", "/api/technicians", {
        "userId": cust["id"], "specializations": ["carpentry"], "experienceYears": 4},
        token=adm))
    v = body["data"]["technician"]
    check(v["role"] == "technician" and v["technician"]["specializations"] == ["carpentry"]
          and v["technician"]["workStatus"] == "offline"
          and v["technician"]["verification"]["status"] == "pending", "created %r" % v)
    expect(409, api("POST", "/api/technicians", {"userId": cust["id"]}, token=adm))
    mod = make_user_with_role("moderator")
    expect(409, api("POST", "/api/technicians", {"userId": mod["id"]}, token=adm))
    expect(404, api("POST", "/api/technicians", {"userId": 999999999999}, token=adm))
    expect(422, api("POST", "/api/technicians", {}, token=adm), fields={"userId": "REQUIRED"})
    rows = activity_rows("action IN ('user.role_change', 'technician.create')"
                         " AND target_id = '%d'" % cust["id"])
    check(sorted(r[3] for r in rows) == ["technician.create", "user.role_change"],
          "activity %r" % rows)
    # registering as a technician gives a profile too (the trigger)
    t = make_user_with_role("technician")
    check(db_scalar("SELECT COUNT(*) FROM technician_profiles WHERE user_id = %d" % t["id"])
          == "1", "no profile for a registered technician")


# ------------------------------------------------------------------ near a point

def test_available_filters_and_orders_by_distance():
    sid = plumbing_service()
    c = CENTER
    near1 = technician(east_of(c, 1.0))
    near3 = technician(east_of(c, 3.0), specializations=("electrical", "plumbing"))
    near7 = technician(east_of(c, 7.0))
    busy = technician(east_of(c, 2.0), status="busy")
    offline = technician(east_of(c, 2.5), status="offline")
    pending = technician(east_of(c, 1.5), verification="pending")
    rejected = technician(east_of(c, 1.6), verification="rejected")
    wrong = technician(east_of(c, 0.5), specializations=("electrical",))
    far = technician(east_of(c, 15.0))
    small = technician(east_of(c, 6.0), radius=5)       # beyond its own radius
    cust = make_user_with_role("customer")
    loc = "%.6f,%.6f" % c
    body = expect(200, available(cust["token"], serviceId=sid, location=loc, distance="10"))
    got = body["data"]["technicians"]
    ids = [t["id"] for t in got]
    check(ids == [near1["id"], near3["id"], near7["id"]],
          "expected near1, near3, near7, got %r (busy %d offline %d pending %d rejected %d"
          " wrong %d far %d small %d)" % (ids, busy["id"], offline["id"], pending["id"],
                                          rejected["id"], wrong["id"], far["id"], small["id"]))
    for t, want in zip(got, (near1, near3, near7)):
        d = haversine_km(c[0], c[1], *want["point"])
        check(abs(t["distanceKm"] - d) < 0.002, "distanceKm %s, geo_distance_km %.4f"
              % (t["distanceKm"], d))
    check(body["data"]["search"]["category"] == "plumbing", "search %r" % body["data"]["search"])
    # the default distance (20 km) takes the far one in; limit cuts
    ids = [t["id"] for t in expect(200, available(cust["token"], serviceId=sid,
                                                  location=loc))["data"]["technicians"]]
    check(ids == [near1["id"], near3["id"], near7["id"], far["id"]], "20 km: %r" % ids)
    ids = [t["id"] for t in expect(200, available(cust["token"], serviceId=sid, location=loc,
                                                  limit="2"))["data"]["technicians"]]
    check(ids == [near1["id"], near3["id"]], "limit 2: %r" % ids)
    # without a service every specialization counts; seed 004's alias the same
    ids = [t["id"] for t in expect(200, available(cust["token"], location=loc,
                                                  distance="10"))["data"]["technicians"]]
    check(ids == [wrong["id"], near1["id"], near3["id"], near7["id"]], "any service: %r" % ids)
    body = expect(200, api("GET", q("/api/v1/users/technicians/nearby", lat="%.6f" % c[0],
                                    lng="%.6f" % c[1], radius="10"), token=cust["token"]))
    check([t["id"] for t in body["data"]["technicians"]] == ids, "nearby %r" % body["data"])
    # a banned technician is not offered
    db_query("UPDATE users SET is_banned = 1 WHERE id = %d" % near3["id"])
    try:
        ids = [t["id"] for t in expect(200, available(cust["token"], serviceId=sid, location=loc,
                                                      distance="10"))["data"]["technicians"]]
        check(ids == [near1["id"], near7["id"]], "banned still offered: %r" % ids)
    finally:
        db_query("UPDATE users SET is_banned = 0 WHERE id = %d" % near3["id"])


def test_role_changes_and_bans_follow_the_profile():
    """The triggers of the migration: a user made a technician through PUT
    /api/users/:id/role gets a profile; one demoted, or banned through the admin API, is
    offered no more, and offered again when unbanned."""
    c = (CENTER[0] + 0.25, CENTER[1])
    cust = make_user_with_role("customer")
    adm = admin_token()
    expect(200, api("PUT", "/api/users/%d/role" % cust["id"], {"role": "technician"},
                    token=adm))
    check(db_scalar("SELECT COUNT(*) FROM technician_profiles WHERE user_id = %d"
                    % cust["id"]) == "1", "no profile after the role change")
    t = technician(east_of(c, 1.0))
    viewer = make_user_with_role("customer")["token"]
    loc = "%.6f,%.6f" % c

    def offered():
        return [x["id"] for x in expect(200, available(viewer, location=loc, distance="5"))
                ["data"]["technicians"]]
    check(offered() == [t["id"]], "not offered at first: %r" % offered())
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % t["id"], {"reason": "tests"},
                    token=adm))
    check(offered() == [], "a banned technician is offered")
    expect(200, api("PATCH", "/api/admin/users/%d/unban" % t["id"], token=adm))
    check(offered() == [t["id"]], "an unbanned technician is not offered")
    expect(200, api("PUT", "/api/users/%d/role" % t["id"], {"role": "customer"}, token=adm))
    check(offered() == [], "a former technician is offered")
    expect(404, api("GET", "/api/technicians/%d" % t["id"], token=viewer))


# ------------------------------------------------------------------ privacy

def test_others_see_the_public_view_only():
    c = (CENTER[0] + 0.5, CENTER[1])
    t = technician(east_of(c, 1.0))
    cust = make_user_with_role("customer")
    other = make_user_with_role("technician")
    loc = "%.6f,%.6f" % c
    for tok in (cust["token"], other["token"]):
        got = expect(200, available(tok, location=loc, distance="5"))["data"]["technicians"]
        check([x["id"] for x in got] == [t["id"]], "got %r" % got)
        v = got[0]
        for key in ("email", "phone", "username", "location", "isBanned", "lastLogin"):
            check(key not in v, "%s shown to a non-staff caller: %r" % (key, v))
        check("location" not in v["technician"] and "verification" not in v["technician"],
              "the profile's location or verification shown: %r" % v["technician"])
        check(v["technician"]["isVerified"] is True and v["distanceKm"] >= 0, "view %r" % v)
        one = expect(200, api("GET", "/api/technicians/%d" % t["id"], token=tok))
        one = one["data"]["technician"]
        check("email" not in one and "phone" not in one and "location" not in one["technician"],
              "GET one shows private fields: %r" % one)
    me = expect(200, api("GET", "/api/technicians/%d" % t["id"], token=t["token"]))
    me = me["data"]["technician"]
    check(me["email"] == t["email"] and "location" in me["technician"], "self view %r" % me)
    staff = expect(200, available(admin_token(), location=loc, distance="5"))
    check(staff["data"]["technicians"][0]["email"] == t["email"], "staff view lacks email")
    # a customer is no technician
    expect(404, api("GET", "/api/technicians/%d" % cust["id"], token=other["token"]))
    expect(404, api("GET", "/api/technicians/abc", token=other["token"]))


# ------------------------------------------------------------------ the staff list

def test_staff_list_filters_and_cursor():
    city = "QA-City-" + uniq(6)
    made = []
    for i, (st, spec) in enumerate((("available", "plumbing"), ("busy", "plumbing"),
                                    ("available", "electrical"), ("offline", "plumbing"),
                                    ("available", "plumbing"))):
        t = technician(status=st, specializations=(spec,))
        expect(200, api("PUT", "/api/technicians/%d" % t["id"],
                        {"workingAreas": {"city": city}}, token=t["token"]))
        made.append((t["id"], st, spec))
    adm = admin_token()
    newest_first = [m[0] for m in reversed(made)]
    body = expect_list(api("GET", q("/api/technicians", city=city, limit=2), token=adm), limit=2)
    check(body["pagination"]["totalItems"] == 5, "total %r" % body["pagination"])
    ids = [x["id"] for x in body["data"]]
    cur = body["pagination"]["nextCursor"]
    while cur:
        body = expect_list(api("GET", q("/api/technicians", city=city, limit=2, cursor=cur),
                               token=adm), limit=2)
        ids += [x["id"] for x in body["data"]]
        cur = body["pagination"]["nextCursor"]
    check(ids == newest_first, "by cursor %r, expected %r" % (ids, newest_first))
    for params, want in (({"status": "available"}, [m[0] for m in made if m[1] == "available"]),
                         ({"specialization": "plumbing"}, [m[0] for m in made if m[2] == "plumbing"]),
                         ({"status": "available", "specialization": "plumbing"},
                          [m[0] for m in made if m[1] == "available" and m[2] == "plumbing"])):
        body = expect_list(api("GET", q("/api/technicians", city=city, limit=20, **params),
                               token=adm), limit=20)
        got = [x["id"] for x in body["data"]]
        check(got == list(reversed(want)), "%s: %r, expected %r" % (params, got, want))
        check(body["pagination"]["totalItems"] == len(want), "%s total %r" % (params,
                                                                            body["pagination"]))
    # the staff list shows everything
    check("email" in body["data"][0] and "location" in body["data"][0]["technician"],
          "staff list lacks private fields")


# ------------------------------------------------------------------ plans and load

def _explain():
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def _plan_faults(line):
    """As tests/api/test_lists.py: a full scan of a table of a thousand rows or more, a
    sort of more than 10,000 rows, a read without an index."""
    f = dict(c.split("=", 1) for c in line.split("\t")[3:])
    rows = int((f.get("rows") or "0").split()[0])   # "12 (3%)" with a rowid filter
    table, typ, extra = f.get("table", ""), f.get("type", ""), f.get("Extra", "")
    derived = table.startswith("<")
    faults = []
    if typ == "ALL" and not derived and rows >= 1000:
        faults.append("a full scan of %s (%d rows)" % (table, rows))
    if "Using filesort" in extra and rows > 10000:
        faults.append("a sort of %d rows of %s" % (rows, table))
    if not derived and typ not in ("ALL", "system", "const") and not f.get("key"):
        faults.append("no index on %s" % table)
    return faults


def _gen(*args):
    conf = ENV("WARSHA_TEST_CONFIG")
    if not conf:
        raise Skip("WARSHA_TEST_CONFIG is not set")
    p = subprocess.run(["bash", os.path.join(SOURCE_DIR, "tests/load/gen_technicians.sh"),
                        "--config", conf] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    check(p.returncode == 0, "gen_technicians.sh failed: %s" % p.stdout.decode("utf-8", "replace"))


def test_plans_and_latency_at_ten_thousand_technicians():
    _gen("--replace", "--count", "10000")
    try:
        rc, out = _explain()
        lines = [l for l in out.splitlines() if l.split("\t")[1:2] == ["technicians"]]
        stmts = {l.split("\t")[2] for l in lines if l.startswith("stmt\t")}
        planned = {l.split("\t")[2] for l in lines if l.startswith("plan\t")}
        errors = [l for l in lines if l.startswith("error\t")]
        check(rc == 0 and not errors, "--explain-lists failed: %s" % errors)
        # 35 lists (16 of them with the verification filter), the 8 of GET
        # /api/search/technicians and its 7 by an index (docs/search.md)
        check(len(stmts) == 50 and stmts == planned, "statements %s, planned %s"
              % (sorted(stmts), sorted(planned)))
        bad = ["%s: %s" % (l, f) for l in lines if l.startswith("plan\t")
               for f in _plan_faults(l)]
        check(not bad, "statements that do not read an index:\n%s" % "\n".join(bad))
        near = [l for l in lines if l.startswith("plan\t") and "\ttable=p\t" in l
                and "select_type=DERIVED" in l and l.split("\t")[2] in ("32", "33")]
        # any trade: the profiles' ix_technicians_nearby; one trade: its copy in
        # technician_reach (migration 0025), from the index alone
        keys = {l.split("\t")[2]: l for l in near}
        check(len(near) == 2 and "key=ix_technicians_nearby" in keys.get("32", "") and
              "key=ix_technician_reach_near" in keys.get("33", "") and
              all("Using index" in l for l in near),
              "the nearby search does not read its index alone: %s" % near)
        # the figures of docs/technicians.md: median of 15 through nginx
        tok = make_user_with_role("customer")["token"]
        sid = plumbing_service()
        for label, params in (("Cairo 20 km plumbing", {"serviceId": sid, "distance": "20"}),
                              ("Cairo 100 km any", {"distance": "100", "limit": "50"})):
            times = []
            for _ in range(15):
                t0 = time.time()
                body = expect(200, available(tok, location="30.0444,31.2357", **params))
                times.append((time.time() - t0) * 1000)
            check(body["data"]["technicians"], "%s: nobody found" % label)
            print("  %s: %d found, median %.1f ms" % (label, len(body["data"]["technicians"]),
                                                      sorted(times)[7]), flush=True)
    finally:
        _gen("--delete")


if __name__ == "__main__":
    run(globals())
