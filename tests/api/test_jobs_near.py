"""GET /api/jobs near a point (docs/bookings.md, "The board at a million jobs"): the
count, and the page where the circle holds few jobs, read the quarter-degree cells of
the box (bookings.geo_cell, sql/migrations/0027_jobs_near.sql)
instead of walking every open job by time. The answer must be exactly the open jobs
within the distance, newest first, whichever way it is read: jobs on and beside cell
borders, across bands of latitude, at the edges of the circle, a box too wide for the
cells (near the antimeridian), paging by page and by cursor."""
import datetime
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, make_user_with_role, db_scalar,
                         uniq, run)

# A corner of four cells in the south-western desert (22.75 N, 27.25 E are multiples of
# a quarter degree), where no other suite posts jobs.
CORNER = (22.75, 27.25)


def km_between(a, b):
    (lat1, lng1), (lat2, lng2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1, math.sqrt(h)))


def post_at(owner, lat, lng, **extra):
    body = {"title": "Desert job " + uniq(6), "description": "A job far from the cities.",
            "category": extra.pop("category", "plumbing"), "address": "1 Sand St",
            "city": "Nowhere", "governorate": "New Valley",
            "location": {"type": "Point", "coordinates": [lng, lat]}}
    body.update(extra)
    return expect(201, api("POST", "/api/jobs", body, token=owner["token"]))["data"]


def board(token, **params):
    params.setdefault("limit", 100)
    return expect_list(api("GET", q("/api/jobs", **params), token=token),
                       page=params.get("page", 1), limit=params["limit"])


def walk(token, **params):
    """Every page by cursor: the ids in order."""
    out, cursor = [], None
    for _ in range(100):
        p = dict(params)
        if cursor:
            p["cursor"] = cursor
        body = board(token, **p)
        out += [it["id"] for it in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        if not cursor:
            return out
    raise AssertionError("more than 100 pages")


def test_near_a_point_is_exactly_the_open_jobs_in_the_circle_newest_first():
    c = make_user_with_role("customer")
    t = make_user_with_role("technician")
    lat0, lng0 = CORNER
    eps = 0.00001
    places = [
        (lat0, lng0),                               # on the corner of four cells
        (lat0 - eps, lng0 - eps), (lat0 + eps, lng0 - eps),
        (lat0 - eps, lng0 + eps), (lat0 + eps, lng0 + eps),
        (lat0 + 4.9 / 111.195, lng0),              # 4.9 km north
        (lat0 - 5.1 / 111.195, lng0),              # 5.1 km south
        (lat0 + 0.26, lng0 + 0.26),                # a band and a column away, ~38 km
        (lat0 - 0.8, lng0),                        # 89 km south, 4 bands down
        (lat0, lng0 + 0.97),                       # ~99.5 km east
        (lat0, lng0 + 0.99),                       # ~101.6 km east
        (lat0 + 0.95, lng0 + 0.3),                 # north-east, ~110 km
    ]
    # every third an electrician's job: with a category the cells of its own index
    jobs = [(post_at(c, la, ln, category="electrical" if k % 3 == 2 else "plumbing"),
             (la, ln)) for k, (la, ln) in enumerate(places)]
    # a closed job at the corner is not on the board
    gone = post_at(c, lat0, lng0)
    expect(200, api("DELETE", "/api/jobs/%d" % gone["id"], token=c["token"]))
    # the cell the database gives the first job is the one the code reads
    cell = int(db_scalar("SELECT geo_cell FROM bookings WHERE id = %d" % jobs[0][0]["id"]))
    check(cell == (math.floor(lat0 * 4) + 360) * 2000 + math.floor(lng0 * 4) + 720, cell)
    newest_first = sorted(jobs, key=lambda j: (j[0]["createdAt"], j[0]["id"]), reverse=True)
    for km in (0.5, 5, 40, 100):
        want = [j["id"] for j, at in newest_first if km_between(CORNER, at) <= km]
        body = board(t["token"], lat=lat0, lng=lng0, distance=km)
        got = [it["id"] for it in body["data"]]
        check(got == want, "%s km: got %s, want %s" % (km, got, want))
        check(body["pagination"]["totalItems"] == len(want), body["pagination"])
        # by cursor, two at a time, and by page
        check(walk(t["token"], lat=lat0, lng=lng0, distance=km, limit=2) == want,
              "%s km by cursor" % km)
        if len(want) > 2:
            body = board(t["token"], lat=lat0, lng=lng0, distance=km, limit=2, page=2)
            check([it["id"] for it in body["data"]] == want[2:4], "%s km page 2" % km)
        for cat in ("plumbing", "electrical"):
            want_cat = [j["id"] for j, at in newest_first
                        if km_between(CORNER, at) <= km and j["category"] == cat]
            body = board(t["token"], lat=lat0, lng=lng0, distance=km, category=cat)
            check([it["id"] for it in body["data"]] == want_cat,
                  "%s km %s: got %s, want %s" % (km, cat, body["data"], want_cat))
            check(walk(t["token"], lat=lat0, lng=lng0, distance=km, category=cat, limit=1) ==
                  want_cat, "%s km %s by cursor" % (km, cat))
    # the other filters still apply beside the cells
    tomorrow = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).date().isoformat()
    since_tomorrow = board(t["token"], lat=lat0, lng=lng0, distance=100, since=tomorrow)
    check(since_tomorrow["data"] == [], since_tomorrow)
    rich = post_at(c, lat0 + eps, lng0 + eps, budgetMin=900000, budgetMax=950000)
    body = board(t["token"], lat=lat0, lng=lng0, distance=1, minBudget=800000)
    check([it["id"] for it in body["data"]] == [rich["id"]], body["data"])


def test_a_box_across_the_antimeridian_is_read_without_the_cells():
    c = make_user_with_role("customer")
    t = make_user_with_role("technician")
    near = post_at(c, -16.5, 179.95)
    far = post_at(c, -16.5, 179.3)
    body = board(t["token"], lat=-16.5, lng=179.9, distance=20)
    ids = [it["id"] for it in body["data"]]
    check(near["id"] in ids and far["id"] not in ids, ids)


if __name__ == "__main__":
    run(globals())
