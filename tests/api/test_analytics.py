"""Seed 000's /api/analytics, seed 002's GET /api/admin/stats and seed 001's GET
/api/admin/activity-log (docs/dashboard.md): admin only, the seeds' shapes, and figures
that agree with the bookings they roll up (booking_daily_stats and
technician_booking_stats are kept by the booking writes, never counted at request
time)."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, check, admin_token, make_user_with_role,
                         register_user, db_query, db_scalar, uniq, run)

ENDPOINTS = ("/api/analytics/dashboard", "/api/analytics/bookings", "/api/analytics/revenue",
             "/api/analytics/technicians", "/api/analytics/services", "/api/admin/stats",
             "/api/admin/activity-log")


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def future(days=2):
    d = today() + datetime.timedelta(days=days)
    return "%sT10:00:00.000Z" % d.isoformat()


def make_service(price=15000):
    b = {"nameAr": "خدمة إحصاء " + uniq(8), "nameEn": "Analytics QA " + uniq(10),
         "descriptionAr": "وصف", "descriptionEn": "A service for the analytics tests",
         "category": "plumbing", "duration": 60, "price": {"basePrice": price},
         "availability": {"isActive": True, "workingHours": {"start": "00:00", "end": "23:59"},
                          "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"]},
         "requirements": {"requiresApproval": True}}
    return expect(201, api("POST", "/api/services", b, token=admin_token()))["data"]["id"]


def book(token, service_id):
    b = {"serviceId": service_id, "scheduledDateTime": future(),
         "location": {"address": "1 Nile St", "city": "Cairo", "governorate": "cairo",
                      "coordinates": {"lat": 30.05, "lng": 31.24}},
         "customerInfo": {"customerName": "Sara Adel", "phoneNumber": "01012345678"},
         "serviceDetails": {"problemDescription": "It is broken"}, "isEmergency": False}
    return expect(201, api("POST", "/api/bookings", b, token=token))["data"]


def rollup_matches_bookings():
    """The roll-ups hold exactly the GROUP BYs of bookings (zero rows aside)."""
    want = db_query("SELECT DATE(created_at), status, COUNT(*), SUM(is_emergency), SUM(total)"
                    " FROM bookings GROUP BY 1, 2 ORDER BY 1, 2")
    got = db_query("SELECT day, status, bookings, emergency, amount FROM booking_daily_stats"
                   " WHERE bookings <> 0 ORDER BY 1, 2")
    check(want == got, "booking_daily_stats drifted from the bookings:\n want %s\n got  %s"
          % (want[:10], got[:10]))
    want = db_query("SELECT DATE(created_at), service_id, COUNT(*), SUM(status = 'completed'),"
                    " SUM(status = 'cancelled'), SUM(is_emergency),"
                    " SUM(IF(status = 'completed', total, 0)) FROM bookings GROUP BY 1, 2"
                    " ORDER BY 1, 2")
    got = db_query("SELECT day, service_id, bookings, completed, cancelled, emergency, revenue"
                   " FROM booking_daily_services WHERE bookings <> 0 ORDER BY 1, 2")
    check(want == got, "booking_daily_services drifted from the bookings:\n want %s\n got  %s"
          % (want[:10], got[:10]))
    want = db_query("SELECT technician_id, status, COUNT(*), SUM(total) FROM bookings WHERE"
                    " technician_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")
    got = db_query("SELECT technician_id, status, bookings, amount FROM technician_booking_stats"
                   " WHERE bookings <> 0 ORDER BY 1, 2")
    check(want == got, "the technicians' roll-up drifted:\n want %s\n got  %s" % (want, got))
    want = db_query("SELECT work_status, verification, user_bookable, COUNT(*) FROM"
                    " technician_profiles GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    got = db_query("SELECT work_status, verification, bookable, n FROM technician_counts"
                   " WHERE n <> 0 ORDER BY 1, 2, 3")
    check(want == got, "technician_counts drifted:\n want %s\n got  %s" % (want, got))


def test_only_admins_read_analytics():
    cust = register_user()
    tech = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    for path in ENDPOINTS:
        expect(401, api("GET", path))
        for who in (cust, tech, mod):
            expect(403, api("GET", path, token=who["token"]))
        expect(200, api("GET", path, token=admin_token()))


def test_dashboard_shape_and_figures_follow_the_bookings():
    before = expect(200, api("GET", q("/api/analytics/dashboard", period="7days"),
                             token=admin_token()))["data"]
    for key in ("overview", "trends", "topServices", "performance", "period"):
        check(key in before, "dashboard lacks %s: %s" % (key, before))
    for key in ("totalBookings", "completedBookings", "revenue", "activeUsers",
                "techniciansAvailable"):
        check(isinstance(before["overview"].get(key), int), "overview.%s: %s" % (key, before))
    check(before["period"]["days"] == 7 and before["period"]["endDate"] == today().isoformat(),
          "period: %s" % before["period"])
    sid = make_service(price=20000)
    cust = register_user()
    ids = [book(cust["token"], sid)["id"] for _ in range(3)]
    # one approved, one cancelled: they move between statuses in the roll-up
    expect(200, api("PUT", "/api/bookings/%d/approve" % ids[0], {"approved": True},
                    token=admin_token()))
    expect(200, api("PUT", "/api/bookings/%d/cancel" % ids[1], {"reason": "changed my mind"},
                    token=cust["token"]))
    after = expect(200, api("GET", q("/api/analytics/dashboard", period="7days"),
                            token=admin_token()))["data"]
    check(after["overview"]["totalBookings"] == before["overview"]["totalBookings"] + 3,
          "totalBookings: %s -> %s" % (before["overview"], after["overview"]))
    check(after["overview"]["cancelledBookings"] == before["overview"]["cancelledBookings"] + 1,
          "cancelledBookings: %s" % after["overview"])
    top = [s for s in after["topServices"] if s["serviceId"] == sid]
    check(top and top[0]["bookings"] == 3 and top[0]["nameEn"].startswith("Analytics QA"),
          "topServices: %s" % after["topServices"])
    statuses = {s["status"]: s["count"] for s in after["trends"]["bookingsByStatus"]}
    check(statuses.get("cancelled", 0) >= 1, "bookingsByStatus: %s" % statuses)
    days = {d["date"]: d for d in after["trends"]["daily"]}
    check(today().isoformat() in days and days[today().isoformat()]["bookings"] >= 3,
          "daily: %s" % after["trends"]["daily"])
    tech = make_user_with_role("technician")
    before_t = expect(200, api("GET", "/api/analytics/technicians", token=admin_token()))["data"]
    expect(200, api("PUT", "/api/technicians/status", {"status": "available",
                    "location": {"latitude": 30.05, "longitude": 31.24}}, token=tech["token"]))
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % tech["id"], {"reason": "counted"},
                    token=admin_token()))
    after_t = expect(200, api("GET", "/api/analytics/technicians", token=admin_token()))["data"]
    check(after_t["summary"]["total"] == before_t["summary"]["total"] - 1,
          "a banned technician is still counted: %s -> %s" % (before_t["summary"],
                                                              after_t["summary"]))
    rollup_matches_bookings()


def test_bookings_group_by_day_week_month():
    tok = admin_token()
    for group in ("day", "week", "month"):
        d = expect(200, api("GET", q("/api/analytics/bookings", period="90days", groupBy=group),
                            token=tok))["data"]
        check(d["groupBy"] == group and isinstance(d["data"], list), "groupBy %s: %s" % (group, d))
        check("totalBookings" in d["summary"] and "byStatus" in d["summary"], "summary: %s" % d)
        total = sum(x.get("bookings", 0) for x in d["data"])
        check(total == d["summary"]["totalBookings"], "the groups do not add up: %s" % d)
        if group == "month":
            check(all(x["period"].endswith("-01") for x in d["data"]), "months: %s" % d["data"])
    expect(422, api("GET", q("/api/analytics/bookings", groupBy="hour"), token=tok),
           fields=["groupBy"])
    expect(422, api("GET", q("/api/analytics/bookings", period="forever"), token=tok),
           fields=["period"])
    expect(422, api("GET", q("/api/analytics/bookings", startDate="2026-05-02",
                             endDate="2026-05-01"), token=tok), fields=["startDate"])
    expect(422, api("GET", q("/api/analytics/bookings", startDate="2016-05-02",
                             endDate="2026-05-01"), token=tok), fields=["startDate"])
    d = expect(200, api("GET", q("/api/analytics/bookings", startDate="2026-01-01",
                                 endDate="2026-01-31"), token=tok))["data"]
    check(d["period"]["days"] == 31 and d["period"]["period"] == "custom", d["period"])


def test_revenue_by_service_and_by_day():
    tok = admin_token()
    d = expect(200, api("GET", q("/api/analytics/revenue", period="1month", breakdown="service"),
                        token=tok))["data"]
    check(d["breakdown"] == "service" and isinstance(d["data"], list), d)
    for key in ("totalRevenue", "completedBookings", "averageBookingValue", "currency"):
        check(key in d["summary"], "revenue summary lacks %s: %s" % (key, d["summary"]))
    check(sum(x["revenue"] for x in d["data"]) == d["summary"]["totalRevenue"],
          "services do not add up to the total: %s" % d)
    d = expect(200, api("GET", q("/api/analytics/revenue", period="30days"), token=tok))["data"]
    check(d["breakdown"] == "day", d)


def test_technicians_and_services():
    tok = admin_token()
    d = expect(200, api("GET", "/api/analytics/technicians", token=tok))["data"]
    check(isinstance(d["data"], list), d)
    for key in ("total", "available", "busy", "offline", "verified", "pending", "availableNow"):
        check(isinstance(d["summary"].get(key), int), "technicians summary %s: %s" % (key, d))
    d = expect(200, api("GET", q("/api/analytics/services", period="30days"), token=tok))["data"]
    check(isinstance(d["data"], list) and "totalBookings" in d["summary"], d)
    for s in d["data"]:
        for key in ("serviceId", "nameAr", "nameEn", "bookings", "completed", "revenue"):
            check(key in s, "service row lacks %s: %s" % (key, s))


def test_admin_stats_shape():
    d = expect(200, api("GET", "/api/admin/stats", token=admin_token()))["data"]
    check("stats" in d and "recentActivity" in d, d)
    st = d["stats"]
    for key in ("users", "bookings", "technicians", "content"):
        check(key in st, "stats lacks %s: %s" % (key, st))
    check(isinstance(st["users"]["byRole"], dict) and st["users"]["byRole"].get("admin", 0) >= 1,
          "users by role: %s" % st["users"])
    check(isinstance(d["recentActivity"], list) and len(d["recentActivity"]) <= 10, d)


def test_activity_log_filters_and_pages():
    tok = admin_token()
    users = [register_user() for _ in range(3)]
    for u in users:
        expect(200, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "analytics"},
                        token=tok))
    body = expect(200, api("GET", q("/api/admin/activity-log", limit=2), token=tok))
    check(len(body["data"]) == 2 and body["pagination"]["limit"] == 2, body)
    check(body["pagination"]["totalItems"] >= 3, body["pagination"])
    row = body["data"][0]
    for key in ("id", "actorId", "action", "targetType", "targetId", "createdAt"):
        check(key in row, "row lacks %s: %s" % (key, row))
    # newest first; the cursor continues without gaps or repeats
    seen, cursor = [], None
    while len(seen) < 6:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        b = expect(200, api("GET", q("/api/admin/activity-log", **params), token=tok))
        seen += [x["id"] for x in b["data"]]
        cursor = b["pagination"].get("nextCursor")
        if not cursor:
            break
    check(seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)), seen)
    want = [int(x[0]) for x in db_query("SELECT id FROM activity_log ORDER BY id DESC LIMIT %d"
                                        % len(seen))]
    check(seen == want, "cursor pages %s, table %s" % (seen, want))
    target = users[1]["id"]
    b = expect(200, api("GET", q("/api/admin/activity-log", targetType="user",
                                 targetId=str(target)), token=tok))
    check(b["data"] and all(x["targetId"] == str(target) for x in b["data"]), b["data"])
    b = expect(200, api("GET", q("/api/admin/activity-log", action=b["data"][0]["action"]),
                        token=tok))
    check(all(x["action"] == b["data"][0]["action"] for x in b["data"]), b["data"])
    me = expect(200, api("GET", "/api/auth/me", token=tok))["data"]
    me = me.get("user", me)
    b = expect(200, api("GET", q("/api/admin/activity-log", actor=me["id"]), token=tok))
    check(all(x["actorId"] == me["id"] for x in b["data"]), b["data"])
    d = today().isoformat()
    b = expect(200, api("GET", q("/api/admin/activity-log", **{"from": d, "to": d}), token=tok))
    check(all(x["createdAt"].startswith(d) for x in b["data"]), b["data"])
    b = expect(200, api("GET", q("/api/admin/activity-log", **{"from": "2001-01-01",
                                                              "to": "2001-01-02"}), token=tok))
    check(b["data"] == [] and b["pagination"]["totalItems"] == 0, b)
    expect(422, api("GET", q("/api/admin/activity-log", action="user.ban", actor=1), token=tok),
           fields=["action"])
    expect(422, api("GET", q("/api/admin/activity-log", targetType="user"), token=tok),
           fields=["targetId"])
    expect(422, api("GET", q("/api/admin/activity-log", cursor="x1"), token=tok),
           fields=["cursor"])
    expect(422, api("GET", q("/api/admin/activity-log", page=1001, limit=10), token=tok),
           fields=["cursor"])


def test_activity_list_statements_read_their_index():
    import subprocess
    from warsha_test import ENV, SOURCE_DIR
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        return
    out = subprocess.run([binary, "--config", conf, "--explain-lists"], capture_output=True,
                         text=True, timeout=60)
    lines = [l for l in out.stdout.splitlines() if "activity_list" in l or "error" in l]
    check(not [l for l in out.stdout.splitlines() if l.startswith("error")],
          "explain errors: %s" % out.stdout[-2000:])
    check(any("activity_list" in l for l in lines), "activity_list not explained: %s"
          % out.stdout[-800:])


run(globals())
