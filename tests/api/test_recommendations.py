"""GET /api/users/recommendations?jobId=: craftsmen recommended for a job (seed 001
§2.6, §5.12; docs/technicians.md "Recommendations").

Only the job's owner asks (other roles 403, another client 404, as /api/jobs). The
candidates are the verified, bookable craftsmen of the job's category within the
search radius, available or busy; each carries its score and the parts that made it
(skill, distance, Bayesian rating, completion, response, availability), which add up to
the score; the order is the score's, ties by id, the same for the same data. Each test
works in its own far corner of the desert, so other tests' craftsmen are never near."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, check, admin_token, make_user_with_role, db_query,
                         db_scalar, uniq, run, free_spot)

RECS = "/api/users/recommendations"


def spot():
    """A point of the Western Desert with no craftsman (of any suite) within about 60 km."""
    return free_spot((22.5, 28.5), (25.2, 29.5), 0.55, 0.55, 0.65, 0.65)


def east(lat, lng, km):
    import math
    return lat, round(lng + km / (111.195 * math.cos(math.radians(lat))), 6)


def client():
    return make_user_with_role("customer")


def craftsman(lat, lng, specs=("plumbing",), rating=0, count=0, years=0, status="available",
              verified=True, stats=None):
    t = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"],
                    {"specializations": list(specs)}, token=t["token"]))
    db_query("UPDATE technician_profiles SET work_status = '%s', verification = '%s',"
             " latitude = %f, longitude = %f, experience_years = %d, service_radius_km = 50"
             " WHERE user_id = %d" % (status, "verified" if verified else "pending", lat, lng,
                                      years, t["id"]))
    db_query("UPDATE users SET rating = %s, rating_count = %d WHERE id = %d"
             % (rating, count, t["id"]))
    if stats:
        db_query("INSERT INTO technician_stats (user_id, completed, dropped, responses,"
                 " response_seconds) VALUES (%d, %d, %d, %d, %d) ON DUPLICATE KEY UPDATE"
                 " completed = VALUES(completed), dropped = VALUES(dropped),"
                 " responses = VALUES(responses), response_seconds = VALUES(response_seconds)"
                 % ((t["id"],) + tuple(stats)))
    return t


def post_job(owner, lat, lng, category="plumbing"):
    body = {"title": "Recommend me " + uniq(6), "description": "A pipe drips.",
            "category": category, "address": "1 Desert Rd", "city": "Kharga",
            "governorate": "New Valley",
            "location": {"type": "Point", "coordinates": [lng, lat]}}
    return expect(201, api("POST", "/api/jobs", body, token=owner["token"]))["data"]


def recs(owner, job_id, **params):
    body = expect(200, api("GET", q(RECS, jobId=job_id, **params), token=owner["token"]))
    return body["data"]["recommendations"]


def ids(items):
    return [it["craftsman"]["id"] for it in items]


def test_ranks_by_skill_distance_and_bayesian_rating():
    lat, lng = spot()
    c = client()
    # equal but for one thing each
    near = craftsman(*east(lat, lng, 1))
    far = craftsman(*east(lat, lng, 20))
    generalist = craftsman(*east(lat, lng, 1), specs=("plumbing", "electrical", "carpentry"))
    one_five = craftsman(*east(lat, lng, 5), rating=5.0, count=1)
    fifty = craftsman(*east(lat, lng, 5), rating=4.8, count=50)
    busy = craftsman(*east(lat, lng, 1), status="busy")
    # never candidates: another trade, unverified, offline, outside the radius
    craftsman(*east(lat, lng, 1), specs=("electrical",))
    craftsman(*east(lat, lng, 1), verified=False)
    craftsman(*east(lat, lng, 1), status="offline")
    craftsman(*east(lat, lng, 45))
    j = post_job(c, lat, lng)
    items = recs(c, j["id"], limit=50)
    got = ids(items)
    want = {near["id"], far["id"], generalist["id"], one_five["id"], fifty["id"], busy["id"]}
    check(set(got) == want, (got, want))
    pos = {i: n for n, i in enumerate(got)}
    check(pos[near["id"]] < pos[far["id"]], "nearer first: %r" % got)
    check(pos[near["id"]] < pos[generalist["id"]], "a specialist before a generalist: %r" % got)
    check(pos[fifty["id"]] < pos[one_five["id"]], "fifty 4.8s beat one 5: %r" % got)
    check(pos[near["id"]] < pos[busy["id"]], "available before busy: %r" % got)
    by = {it["craftsman"]["id"]: it for it in items}
    check(by[fifty["id"]]["components"]["rating"] > by[one_five["id"]]["components"]["rating"],
          by[fifty["id"]])
    check(abs(by[fifty["id"]]["stats"]["bayesianRating"] - 4.667) < 0.001, by[fifty["id"]])
    check(by[near["id"]]["components"]["skill"] > by[generalist["id"]]["components"]["skill"],
          by[generalist["id"]])
    check(by[near["id"]]["distanceKm"] < by[far["id"]]["distanceKm"], items)
    check(by[busy["id"]]["craftsman"]["workStatus"] == "busy", by[busy["id"]])
    # limit cuts the same order
    check(ids(recs(c, j["id"], limit=2)) == got[:2], "limit keeps the order")


def test_components_add_up_and_history_counts():
    lat, lng = spot()
    c = client()
    good = craftsman(*east(lat, lng, 3), stats=(40, 0, 40, 40 * 300))     # fast, reliable
    poor = craftsman(*east(lat, lng, 3), stats=(5, 10, 15, 15 * 86400))   # slow, drops
    fresh = craftsman(*east(lat, lng, 3))
    j = post_job(c, lat, lng)
    items = recs(c, j["id"])
    check(ids(items)[:1] == [good["id"]] and set(ids(items)) ==
          {good["id"], poor["id"], fresh["id"]}, items)
    for it in items:
        parts = it["components"]
        check(set(parts) == {"skill", "distance", "rating", "completion", "response",
                             "availability"}, parts)
        check(abs(sum(parts.values()) - it["score"]) < 1e-6, it)
        check(0 <= it["score"] <= 100, it)
    scores = [it["score"] for it in items]
    check(scores == sorted(scores, reverse=True), scores)
    by = {it["craftsman"]["id"]: it for it in items}
    check(by[good["id"]]["components"]["completion"] > by[poor["id"]]["components"]["completion"],
          items)
    check(by[good["id"]]["components"]["response"] > by[poor["id"]]["components"]["response"],
          items)
    check(by[good["id"]]["stats"]["completedJobs"] == 40, by[good["id"]])
    check(by[good["id"]]["stats"]["meanResponseSeconds"] == 300, by[good["id"]])
    # missing data: the priors (a completion rate and a response time of none)
    f = by[fresh["id"]]
    check(f["stats"]["completionRate"] is None and f["stats"]["meanResponseSeconds"] is None, f)
    check(f["components"]["rating"] == 18.75 and f["components"]["completion"] == 8.0 and
          f["components"]["response"] == 5.0, f)


def test_deterministic_ties_by_id():
    lat, lng = spot()
    c = client()
    p = east(lat, lng, 2)
    twins = [craftsman(*p) for _ in range(4)]
    j = post_job(c, lat, lng)
    first = recs(c, j["id"])
    check(ids(first) == sorted(t["id"] for t in twins), ids(first))
    check(len({it["score"] for it in first}) == 1, first)
    for _ in range(3):
        check(recs(c, j["id"]) == first, "the same data, the same answer")


def test_only_the_owner():
    lat, lng = spot()
    c, other = client(), client()
    t = craftsman(*east(lat, lng, 1))
    j = post_job(c, lat, lng)
    path = q(RECS, jobId=j["id"])
    expect(404, api("GET", path, token=other["token"]))
    expect(403, api("GET", path, token=t["token"]), code="FORBIDDEN")
    expect(403, api("GET", path, token=admin_token()))
    expect(401, api("GET", path))
    check(ids(recs(c, j["id"])) == [t["id"]], "the owner sees it")


def test_bad_job_ids():
    c = client()
    expect(422, api("GET", RECS, token=c["token"]), fields={"jobId": "REQUIRED"})
    expect(422, api("GET", q(RECS, jobId="abc"), token=c["token"]), fields=["jobId"])
    expect(422, api("GET", q(RECS, jobId=0), token=c["token"]), fields=["jobId"])
    lat, lng = spot()
    j = post_job(c, lat, lng)
    expect(422, api("GET", q(RECS, jobId=j["id"], limit=0), token=c["token"]),
           fields=["limit"])
    top = int(db_scalar("SELECT COALESCE(MAX(id), 0) FROM bookings"))
    expect(404, api("GET", q(RECS, jobId=top + 1000), token=c["token"]))
    # a service booking is no job
    svc = db_scalar("SELECT id FROM bookings WHERE kind = 'service' LIMIT 1")
    if svc is not None:
        expect(404, api("GET", q(RECS, jobId=int(svc)), token=c["token"]))


def test_no_candidates_is_an_empty_list():
    lat, lng = spot()
    c = client()
    craftsman(*east(lat, lng, 1), specs=("electrical",))
    j = post_job(c, lat, lng)
    body = expect(200, api("GET", q(RECS, jobId=j["id"]), token=c["token"]))
    check(body["data"]["recommendations"] == [], body)
    check(body["data"]["search"]["category"] == "plumbing", body)


def test_stats_are_kept_on_write():
    """A completed job and an answered invitation reach technician_stats by triggers."""
    lat, lng = spot()
    c = client()
    t = craftsman(*east(lat, lng, 1))
    j = post_job(c, lat, lng)
    path = "/api/jobs/%d" % j["id"]
    before = db_query("SELECT completed, responses FROM technician_stats WHERE user_id = %d"
                      % t["id"])
    check(before == [], before)
    expect(201, api("POST", path + "/invite", {"craftsmanId": t["id"]}, token=c["token"]))
    expect(200, api("POST", path + "/invitations/respond", {"response": "Accepted"},
                    token=t["token"]))
    qt = expect(201, api("POST", path + "/quotes", {"price": 30000}, token=t["token"]))["data"]
    expect(200, api("PATCH", path + "/status", {"status": "Hired", "quoteId": qt["id"]},
                    token=c["token"]))
    code = db_query("SELECT id FROM outbox WHERE user_id = %d AND template ="
                    " 'booking_start_code' ORDER BY id DESC LIMIT 1" % c["id"])
    check(code, "a start code was sent")
    from warsha_test import outbox_rows
    start = outbox_rows(c["id"], "booking_start_code")[0][2]["code"]
    expect(200, api("PATCH", path + "/status", {"status": "On The Way"}, token=t["token"]))
    expect(200, api("PATCH", path + "/status", {"status": "In Progress", "startCode": start},
                    token=t["token"]))
    expect(200, api("PATCH", path + "/status", {"status": "Completed"}, token=t["token"]))
    row = db_query("SELECT completed, dropped, responses FROM technician_stats"
                   " WHERE user_id = %d" % t["id"])
    check(row == [["1", "0", "1"]], row)
    j2 = post_job(c, lat, lng)
    items = recs(c, j2["id"])
    check(items and items[0]["stats"]["completedJobs"] == 1 and
          items[0]["stats"]["completionRate"] == 1.0, items)


def test_the_search_copy_follows_the_profile():
    """technician_reach (the per-category copy the search reads) follows every change."""
    lat, lng = spot()
    c = client()
    t = craftsman(*east(lat, lng, 2))
    j = post_job(c, lat, lng)
    check(ids(recs(c, j["id"])) == [t["id"]], "found")
    db_query("UPDATE technician_profiles SET work_status = 'offline' WHERE user_id = %d"
             % t["id"])
    check(ids(recs(c, j["id"])) == [], "offline: gone")
    db_query("UPDATE technician_profiles SET work_status = 'available', latitude = %f,"
             " longitude = %f WHERE user_id = %d" % (east(lat, lng, 40) + (t["id"],)))
    check(ids(recs(c, j["id"])) == [], "moved away: gone")
    db_query("UPDATE technician_profiles SET latitude = %f, longitude = %f WHERE user_id = %d"
             % (east(lat, lng, 2) + (t["id"],)))
    check(ids(recs(c, j["id"])) == [t["id"]], "back")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % t["id"], {"reason": "test"},
                    token=admin_token()))
    check(ids(recs(c, j["id"])) == [], "banned: gone")
    expect(200, api("PATCH", "/api/admin/users/%d/unban" % t["id"], token=admin_token()))
    check(ids(recs(c, j["id"])) == [t["id"]], "unbanned: back")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"specializations": ["electrical"]},
                    token=t["token"]))
    check(ids(recs(c, j["id"])) == [], "another trade: gone")
    rows = db_query("SELECT category FROM technician_reach WHERE user_id = %d" % t["id"])
    check(rows == [["electrical"]], rows)


run(globals())
