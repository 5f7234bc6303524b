"""/api/jobs: seed 001's jobs and invitations (docs/bookings.md "Jobs").

A job is a booking of kind job, moved by the one state machine with the same history,
realtime events and notifications. Clients post, edit (while Posted or Quoted), cancel
and invite; technicians browse the open jobs; a job the caller may not see is 404.
Invitations follow seed 001 §7.10: only while Posted, never twice to one craftsman, a
rejected craftsman cannot be invited again, and an accepted invitation lets the
craftsman quote without the job's category among their specializations."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, db_query, db_scalar, outbox_rows, uniq, run,
                         Skip, ENV, SOURCE_DIR)

CAIRO = [31.2357, 30.0444]       # [lng, lat], Tahrir Square
GIZA = [31.1342, 29.9792]        # the pyramids, about 13 km away
ALEX = [29.9187, 31.2001]        # Alexandria, about 180 km away


def client():
    return make_user_with_role("customer")


def craftsman(specializations=("plumbing",)):
    t = make_user_with_role("technician")
    if specializations:
        expect(200, api("PUT", "/api/technicians/%d" % t["id"],
                        {"specializations": list(specializations)}, token=t["token"]))
    return t


def job_body(**over):
    b = {"title": "Leaking kitchen sink " + uniq(6),
         "description": "The pipe under the sink drips all day.",
         "category": "plumbing", "budgetMin": 20000, "budgetMax": 50000,
         "address": "12 Tahrir St", "city": "Cairo", "governorate": "Cairo",
         "location": {"type": "Point", "coordinates": CAIRO}}
    for k, v in over.items():
        if v is None:
            b.pop(k, None)
        else:
            b[k] = v
    return b


def post_job(owner, **over):
    body = expect(201, api("POST", "/api/jobs", job_body(**over), token=owner["token"]))
    return body["data"]


def notifications(user_id, type_=None):
    where = "user_id = %d" % user_id
    if type_:
        where += " AND type = '%s'" % type_
    return int(db_scalar("SELECT COUNT(*) FROM notifications WHERE " + where))


def history(job_id):
    return db_query("SELECT from_status, to_status, event FROM booking_history"
                    " WHERE booking_id = %d ORDER BY id" % job_id)


# ------------------------------------------------------------------ creating

def test_a_client_posts_a_job():
    c = client()
    j = post_job(c)
    check(j["status"] == "Posted" and j["detailedStatus"] == "posted", j)
    check(j["clientId"] == c["id"] and j["craftsmanId"] is None, j)
    check(j["category"] == "plumbing" and j["budget"] == {"min": 20000, "max": 50000,
                                                          "currency": "EGP"}, j)
    check(j["location"]["type"] == "Point" and j["location"]["coordinates"] == CAIRO, j)
    check(j["jobNumber"].startswith("BK-"), j)
    check([h["event"] for h in j["statusHistory"]] == ["create"], j)
    row = db_query("SELECT kind, service_id, status, list_status FROM bookings WHERE id = %d"
                   % j["id"])[0]
    check(row == ["job", None, "posted", "pending_approval"], row)
    ev = db_query("SELECT event FROM realtime_events WHERE room = 'booking:%d'" % j["id"])
    check(["booking.created"] in ev, ev)
    # the dashboard's daily roll-up counts it (a job has no per-service row)
    n = db_scalar("SELECT bookings FROM booking_daily_stats WHERE day = DATE(UTC_TIMESTAMP())"
                  " AND status = 'posted'")
    check(n is not None and int(n) >= 1, "booking_daily_stats: %r" % n)
    # the seed's Title Case category is its key
    j2 = post_job(c, category="Plumbing", budgetMin=None, budgetMax=None, location=None)
    check(j2["category"] == "plumbing" and j2["location"] is None, j2)
    check(j2["budget"]["min"] is None and j2["budget"]["max"] is None, j2)


def test_a_job_is_a_booking_of_kind_job():
    """The one work order: a client's jobs are among their bookings (no service: the
    bookings' view joins the service when there is one), page and total agreeing."""
    c = client()
    j = post_job(c)
    body = expect_list(api("GET", "/api/bookings/my", token=c["token"]))
    check(body["pagination"]["totalItems"] == len(body["data"]) == 1, body)
    b = body["data"][0]
    check(b["id"] == j["id"] and b["kind"] == "job" and b["serviceId"] is None, b)
    body = expect(200, api("GET", "/api/bookings/%d" % j["id"], token=c["token"]))
    check(body["data"]["bookingNumber"] == j["jobNumber"], body)

def test_only_clients_post_jobs():
    t = craftsman()
    expect(403, api("POST", "/api/jobs", job_body(), token=t["token"]), code="FORBIDDEN")
    expect(403, api("POST", "/api/jobs", job_body(), token=admin_token()), code="FORBIDDEN")
    expect(401, api("POST", "/api/jobs", job_body()))


def test_bad_jobs_are_422_naming_the_field():
    c = client()
    cases = [
        ({"title": None}, "title"),
        ({"title": "ab"}, "title"),
        ({"description": None}, "description"),
        ({"category": None}, "category"),
        ({"address": None}, "address"),
        ({"budgetMin": -1}, "budgetMin"),
        ({"budgetMax": "lots"}, "budgetMax"),
        ({"budgetMin": 60000, "budgetMax": 50000}, "budgetMax"),
        ({"location": {"type": "Point", "coordinates": [31.2]}}, "location.coordinates"),
        ({"location": {"type": "Point", "coordinates": [31.2, 95]}}, "location.coordinates"),
        ({"location": {"type": "Point", "coordinates": ["a", "b"]}}, "location.coordinates"),
        ({"location": {"type": "Polygon", "coordinates": CAIRO}}, "location.type"),
        ({"location": {"type": "Point"}}, "location.coordinates"),
        ({"photos": "x.jpg"}, "photos"),
    ]
    for over, field in cases:
        expect(422, api("POST", "/api/jobs", job_body(**over), token=c["token"]),
               code="VALIDATION_ERROR", fields=[field])
    # a category that does not exist is named too
    expect(422, api("POST", "/api/jobs", job_body(category="astrology"), token=c["token"]),
           fields={"category": "INVALID_VALUE"})
    # both languages
    m_en, m_ar = expect_bilingual("POST", "/api/jobs", job_body(category="astrology"),
                                  token=c["token"], status=422)
    check(m_en != m_ar, (m_en, m_ar))


# ------------------------------------------------------------------ reading

def test_who_sees_a_job():
    c, other, t = client(), client(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    body = expect(200, api("GET", path, token=c["token"]))
    check("statusHistory" in body["data"], body)
    # any technician sees an open job (the board), without its history
    body = expect(200, api("GET", path, token=t["token"]))
    check(body["data"]["status"] == "Posted" and "statusHistory" not in body["data"], body)
    check("customerPhone" not in str(body["data"]), body)
    expect(200, api("GET", path, token=admin_token()))
    # another client: 404, as if there were none
    expect(404, api("GET", path, token=other["token"]), code="NOT_FOUND")
    expect(404, api("GET", "/api/jobs/999999999", token=c["token"]))
    expect(404, api("GET", "/api/jobs/abc", token=c["token"]))
    expect(401, api("GET", path))
    # a service booking is no job
    sid = db_scalar("SELECT id FROM bookings WHERE kind = 'service' LIMIT 1")
    if sid:
        expect(404, api("GET", "/api/jobs/%s" % sid, token=admin_token()))
    # once cancelled, a technician who never took part no longer sees it
    expect(200, api("DELETE", path, token=c["token"]))
    expect(404, api("GET", path, token=t["token"]))


def test_the_board_filters_by_category_distance_budget_and_date():
    c, t = client(), craftsman()
    tag = uniq(8)
    near = post_job(c, title="near " + tag, budgetMin=10000, budgetMax=30000)
    giza = post_job(c, title="giza " + tag, location={"type": "Point", "coordinates": GIZA},
                    budgetMin=80000, budgetMax=90000)
    alex = post_job(c, title="alex " + tag, location={"type": "Point", "coordinates": ALEX})
    elec = post_job(c, title="elec " + tag, category="electrical")
    gone = post_job(c, title="gone " + tag)
    expect(200, api("DELETE", "/api/jobs/%d" % gone["id"], token=c["token"]))

    def ids(**params):
        params.setdefault("limit", 100)
        body = expect_list(api("GET", q("/api/jobs", **params), token=t["token"]),
                           limit=params["limit"])
        for it in body["data"]:
            check(it["status"] in ("Posted", "Quoted"), it)
        return {it["id"] for it in body["data"]}

    everything = ids()
    check({near["id"], giza["id"], alex["id"], elec["id"]} <= everything, everything)
    check(gone["id"] not in everything, "a cancelled job is not on the board")
    plumbing = ids(category="plumbing")
    check(near["id"] in plumbing and elec["id"] not in plumbing, plumbing)
    check(ids(category="Electrical") >= {elec["id"]}, "category in any case")
    close = ids(lat=CAIRO[1], lng=CAIRO[0], distance=5)
    check(near["id"] in close and giza["id"] not in close and alex["id"] not in close, close)
    wider = ids(lat=CAIRO[1], lng=CAIRO[0], distance=20, category="plumbing")
    check(near["id"] in wider and giza["id"] in wider and alex["id"] not in wider, wider)
    rich = ids(minBudget=60000)
    check(giza["id"] in rich and near["id"] not in rich, rich)
    cheap = ids(maxBudget=40000)
    check(near["id"] in cheap and giza["id"] not in cheap, cheap)
    import datetime
    tomorrow = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).date().isoformat()
    check(near["id"] not in ids(since=tomorrow), "since is a lower bound")
    check(near["id"] in ids(since="2020-01-01"), "since")
    # newest first, keyset paging
    body = expect_list(api("GET", q("/api/jobs", limit=2), token=t["token"]), limit=2)
    page1 = body["data"]
    nxt = body["pagination"].get("nextCursor")
    check(nxt, body["pagination"])
    body = expect_list(api("GET", q("/api/jobs", limit=2, cursor=nxt), token=t["token"]),
                       limit=2)
    check(not ({i["id"] for i in page1} & {i["id"] for i in body["data"]}), "pages overlap")
    check(page1[0]["createdAt"] >= page1[1]["createdAt"] >= body["data"][0]["createdAt"],
          "newest first")


def test_the_board_refuses_bad_filters():
    c, t = client(), craftsman()
    for params, field in (({"lat": 30}, "lng"), ({"lng": 31}, "lat"),
                          ({"distance": 5}, "lat"),
                          ({"lat": 95, "lng": 31}, "lat"),
                          ({"lat": "x", "lng": 31}, "lat"),
                          ({"lat": 30, "lng": 31, "distance": 500}, "distance"),
                          ({"minBudget": -3}, "minBudget"), ({"since": "yesterday"}, "since"),
                          ({"limit": 1000}, "limit"), ({"cursor": "!!"}, "cursor"),
                          ({"colour": "red"}, None)):
        r = api("GET", q("/api/jobs", **params), token=t["token"])
        if field is None:
            expect(200, r)     # undeclared parameters are ignored
        else:
            expect(422, r, fields=[field])
    # a client's list is their own jobs; the board's filters are 422
    mine = post_job(c)
    body = expect_list(api("GET", "/api/jobs", token=c["token"]))
    check([it["clientId"] for it in body["data"]] == [c["id"]] * len(body["data"]), body)
    check(mine["id"] in [it["id"] for it in body["data"]], body)
    expect(422, api("GET", q("/api/jobs", category="plumbing"), token=c["token"]),
           fields=["category"])
    # every job for staff, open or not; never for others
    expect_list(api("GET", q("/api/jobs", all="true"), token=admin_token()))
    expect(403, api("GET", q("/api/jobs", all="true"), token=t["token"]))


# ------------------------------------------------------------------ editing, cancelling

def test_the_owner_edits_while_posted_or_quoted():
    c, other, t = client(), client(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    body = expect(200, api("PUT", path, {"title": "Leaking bathroom sink",
                                         "budgetMax": 70000}, token=c["token"]))
    check(body["data"]["title"] == "Leaking bathroom sink", body)
    check(body["data"]["budget"]["max"] == 70000 and body["data"]["budget"]["min"] == 20000,
          body)
    # staff may edit (seed 001 §7.10); others may not
    expect(200, api("PUT", path, {"description": "Now the tap leaks too."},
                    token=admin_token()))
    expect(403, api("PUT", path, {"title": "mine now"}, token=t["token"]))
    expect(404, api("PUT", path, {"title": "mine now"}, token=other["token"]))
    # bad input
    expect(422, api("PUT", path, {}, token=c["token"]), fields={"body": "NO_KNOWN_FIELD"})
    expect(422, api("PUT", path, {"budgetMin": 90000}, token=c["token"]),
           fields=["budgetMin"])
    expect(422, api("PUT", path, {"category": "astrology"}, token=c["token"]),
           fields=["category"])
    expect(422, api("PUT", path, {"title": ""}, token=c["token"]), fields=["title"])
    # quoted still edits; hired does not
    qt = expect(201, api("POST", path + "/quotes", {"price": 30000}, token=t["token"]))
    expect(200, api("PUT", path, {"city": "Giza"}, token=c["token"]))
    expect(200, api("POST", path + "/quotes/%d/accept" % qt["data"]["id"], token=c["token"]))
    expect(409, api("PUT", path, {"city": "Cairo"}, token=c["token"]), code="CONFLICT")


def test_the_owner_cancels():
    c, other, t = client(), client(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    qt = expect(201, api("POST", path + "/quotes", {"price": 25000}, token=t["token"]))
    expect(403, api("DELETE", path, token=t["token"]), code="FORBIDDEN")
    expect(404, api("DELETE", path, token=other["token"]))
    n = notifications(t["id"])
    body = expect(200, api("DELETE", path, token=c["token"]))
    check(body["data"]["status"] == "Cancelled" and body["data"]["cancellationFee"] == 0,
          body)
    check(history(j["id"])[-1] == ["quoted", "cancelled", "cancel"], history(j["id"]))
    st = db_scalar("SELECT status FROM quotes WHERE id = %d" % qt["data"]["id"])
    check(st == "Declined", "a pending quote is declined with its job: %s" % st)
    check(notifications(t["id"]) == n + 1, "the quoter hears of it")
    # an end: nothing leaves it
    expect(409, api("DELETE", path, token=c["token"]), code="CONFLICT")
    expect(409, api("PUT", path, {"title": "again please"}, token=c["token"]))


# ------------------------------------------------------------------ the state machine

def start_code(client_id):
    rows = outbox_rows(client_id, "booking_start_code")
    check(rows, "no start code for the client")
    return rows[0][2]["code"]


def test_a_job_to_completion_through_the_machine():
    c, t, other = client(), craftsman(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    status = path + "/status"
    qt = expect(201, api("POST", path + "/quotes", {"price": 42000}, token=t["token"]))["data"]
    # hiring needs a quote: Hired without one is 422 naming quoteId
    expect(422, api("PATCH", status, {"status": "Hired"}, token=c["token"]),
           fields={"quoteId": "REQUIRED"})
    # the craftsman cannot hire themself
    expect(403, api("PATCH", status, {"status": "Hired", "quoteId": qt["id"]},
                    token=t["token"]), code="FORBIDDEN")
    body = expect(200, api("PATCH", status, {"status": "hired", "quoteId": qt["id"]},
                           token=c["token"]))
    d = body["data"]
    check(d["status"] == "Hired" and d["craftsmanId"] == t["id"] and d["jobPrice"] == 42000,
          d)
    code = start_code(c["id"])
    # only the hired craftsman moves it on; the client cannot start the work
    expect(403, api("PATCH", status, {"status": "On The Way"}, token=c["token"]),
           code="FORBIDDEN")
    # a technician who never took part does not see it
    expect(404, api("PATCH", status, {"status": "On The Way"}, token=other["token"]))
    expect(422, api("PATCH", status, {"status": "Flying"}, token=t["token"]),
           fields=["status"])
    expect(422, api("PATCH", status, {}, token=t["token"]), fields={"status": "REQUIRED"})
    body = expect(200, api("PATCH", status, {"status": "on the way"}, token=t["token"]))
    check(body["data"]["status"] == "On The Way" and body["data"]["detailedStatus"] == "on_way",
          body)
    # the start needs the client's code
    expect(422, api("PATCH", status, {"status": "In Progress"}, token=t["token"]),
           fields={"startCode": "REQUIRED"})
    wrong = "000000" if code != "000000" else "111111"
    expect(422, api("PATCH", status, {"status": "In Progress", "startCode": wrong},
                    token=t["token"]), fields={"startCode": "INVALID_VALUE"})
    body = expect(200, api("PATCH", status, {"status": "start", "startCode": code},
                           token=t["token"]))
    check(body["data"]["status"] == "In Progress", body)
    n = notifications(c["id"], "status")
    body = expect(200, api("PATCH", status, {"status": "complete"}, token=t["token"]))
    check(body["data"]["status"] == "Completed", body)
    check(notifications(c["id"], "status") == n + 1, "the client hears of every status")
    events = [h[2] for h in history(j["id"])]
    check(events == ["create", "quote", "hire", "depart", "start", "complete"], events)
    # the same word again changes nothing
    expect(200, api("PATCH", status, {"status": "Completed"}, token=t["token"]))
    # a dispute opens through POST /api/disputes (with its reason), not a status change
    expect(409, api("PATCH", status, {"status": "Disputed"}, token=c["token"]),
           code="CONFLICT", message="POST /api/disputes")
    # a move the machine has not: 409
    expect(409, api("PATCH", status, {"status": "Posted"}, token=c["token"]),
           code="CONFLICT")
    rt = db_query("SELECT event FROM realtime_events WHERE room = 'booking:%d'" % j["id"])
    check(["booking:status-update"] in rt, rt)


# ------------------------------------------------------------------ invitations

def test_invitations_seed_001_rules():
    c, other = client(), client()
    t1, t2, t3 = craftsman(specializations=()), craftsman(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    n = notifications(t1["id"], "invitation")
    body = expect(201, api("POST", path + "/invite", {"craftsmanId": t1["id"]},
                           token=c["token"]))
    inv = body["data"]
    check(inv["status"] == "Pending" and inv["craftsmanId"] == t1["id"], inv)
    check(notifications(t1["id"], "invitation") == n + 1, "the craftsman is told")
    check(outbox_rows(t1["id"], "notification") or True, "")
    # never twice to the same craftsman (§7.10)
    expect(409, api("POST", path + "/invite", {"craftsmanId": t1["id"]}, token=c["token"]),
           code="CONFLICT", fields=["craftsmanId"])
    # only clients who own the job invite (§7.5)
    expect(403, api("POST", path + "/invite", {"craftsmanId": t2["id"]}, token=t3["token"]),
           code="FORBIDDEN")
    expect(403, api("POST", path + "/invite", {"craftsmanId": t2["id"]},
                    token=admin_token()))
    expect(404, api("POST", path + "/invite", {"craftsmanId": t2["id"]},
                    token=other["token"]))
    # bad input
    expect(422, api("POST", path + "/invite", {}, token=c["token"]),
           fields={"craftsmanId": "REQUIRED"})
    expect(422, api("POST", path + "/invite", {"craftsmanId": "x"}, token=c["token"]),
           fields=["craftsmanId"])
    expect(422, api("POST", path + "/invite", {"craftsmanId": other["id"]}, token=c["token"]),
           fields={"craftsmanId": "INVALID_VALUE"})
    # the seed's technicianId alias
    expect(201, api("POST", path + "/invite", {"technicianId": t2["id"]}, token=c["token"]))

    # answers: only craftsmen (§7.5), only the invited one, once
    r = "/api/jobs/%d/invitations/respond" % j["id"]
    expect(403, api("POST", r, {"response": "Accepted"}, token=c["token"]), code="FORBIDDEN")
    expect(404, api("POST", r, {"response": "Accepted"}, token=t3["token"]))
    expect(422, api("POST", r, {"response": "Maybe"}, token=t1["token"]), fields=["response"])
    expect(422, api("POST", r, {}, token=t1["token"]), fields={"response": "REQUIRED"})
    n = notifications(c["id"], "invitation")
    body = expect(200, api("POST", r, {"response": "accepted"}, token=t1["token"]))
    check(body["data"]["status"] == "Accepted" and body["data"]["respondedAt"], body)
    check(notifications(c["id"], "invitation") == n + 1, "the client is told")
    expect(409, api("POST", r, {"response": "Rejected"}, token=t1["token"]), code="CONFLICT")
    expect(200, api("POST", r, {"response": "Rejected"}, token=t2["token"]))
    # a rejected craftsman cannot be re-invited (§7.10)
    expect(409, api("POST", path + "/invite", {"craftsmanId": t2["id"]}, token=c["token"]),
           fields={"craftsmanId": "REJECTED"})
    # ... nor quote on it
    expect(409, api("POST", path + "/quotes", {"price": 1000}, token=t2["token"]))
    # an accepted invitation lets a craftsman without the category quote (§7.10)
    expect(201, api("POST", path + "/quotes", {"price": 33000}, token=t1["token"]))
    # only Posted jobs take invitations (§7.10): the quote made it Quoted
    expect(409, api("POST", path + "/invite", {"craftsmanId": t3["id"]}, token=c["token"]),
           code="CONFLICT")

    # the owner lists them; nobody else
    body = expect_list(api("GET", path + "/invitations", token=c["token"]), limit=200)
    check(sorted((i["craftsmanId"], i["status"]) for i in body["data"]) ==
          sorted([(t1["id"], "Accepted"), (t2["id"], "Rejected")]), body)
    check("email" not in str(body["data"]) and "phone" not in str(body["data"]), body)
    expect_list(api("GET", path + "/invitations", token=admin_token()), limit=200)
    expect(403, api("GET", path + "/invitations", token=t1["token"]), code="FORBIDDEN")
    expect(404, api("GET", path + "/invitations", token=other["token"]))


def test_invitations_close_with_the_job():
    c, t = client(), craftsman()
    j = post_job(c)
    path = "/api/jobs/%d" % j["id"]
    expect(201, api("POST", path + "/invite", {"craftsmanId": t["id"]}, token=c["token"]))
    expect(200, api("DELETE", path, token=c["token"]))
    expect(409, api("POST", path + "/invitations/respond", {"response": "Accepted"},
                    token=t["token"]), code="CONFLICT")
    # the invited craftsman still sees the job they were asked to
    expect(200, api("GET", path, token=t["token"]))
    c2 = client()
    j2 = post_job(c2)
    expect(200, api("DELETE", "/api/jobs/%d" % j2["id"], token=c2["token"]))
    expect(409, api("POST", "/api/jobs/%d/invite" % j2["id"], {"craftsmanId": t["id"]},
                    token=c2["token"]))


def test_every_refusal_speaks_both_languages():
    """Each endpoint's bad input names its field, and every refusal (422, 403, 404, 409)
    comes in English and in Arabic."""
    c, other, t = client(), client(), craftsman()
    j = post_job(c)
    jp = "/api/jobs/%d" % j["id"]
    qt = expect(201, api("POST", jp + "/quotes", {"price": 5000}, token=t["token"]))["data"]
    qp = jp + "/quotes/%d" % qt["id"]
    cases = [
        ("POST", "/api/jobs", job_body(title="x"), c, 422, "title"),
        ("GET", "/api/jobs?lat=1", None, t, 422, "lng"),
        ("PUT", jp, {"budgetMin": -1}, c, 422, "budgetMin"),
        ("PATCH", jp + "/status", {"status": "Flying"}, c, 422, "status"),
        ("POST", jp + "/quotes", {"price": -1}, t, 422, "price"),
        ("PUT", qp, {"validUntil": "tomorrow"}, t, 422, "validUntil"),
        ("POST", jp + "/invite", {"craftsmanId": 0}, c, 422, "craftsmanId"),
        ("POST", jp + "/invitations/respond", {"response": "Later"}, t, 422, "response"),
        ("POST", "/api/jobs", job_body(), t, 403, None),
        ("POST", qp + "/withdraw", None, c, 403, None),
        ("POST", qp + "/accept", None, t, 403, None),
        ("POST", jp + "/invitations/respond", {"response": "Accepted"}, c, 403, None),
        ("GET", jp + "/invitations", None, t, 403, None),
        ("GET", jp, None, other, 404, None),
        ("GET", jp + "/quotes", None, other, 404, None),
        ("POST", qp + "/accept", None, other, 404, None),
        ("POST", jp + "/invitations/respond", {"response": "Accepted"}, t, 404, None),
        ("POST", jp + "/quotes", {"price": 6000}, t, 409, None),
    ]
    for method, path, body, who, status, field in cases:
        r = api(method, path, body, token=who["token"])
        expect(status, r, fields=[field] if field else None)
        m_en, m_ar = expect_bilingual(method, path, body, token=who["token"], status=status)
        check(m_en != m_ar, "%s %s: one language only" % (method, path))

# ------------------------------------------------------------------ the board's indexes

GENERATED = 20000
# the index each list statement of the jobs store must read (its FORCE INDEX), in the
# order of the store's variants: the board, by category, near a point, both; a client's
# own; every job
JOB_INDEXES = ["ix_bookings_jobs_open", "ix_bookings_jobs_open_category",
               "ix_bookings_jobs_open", "ix_bookings_jobs_open_category",
               "ix_bookings_jobs_customer", "ix_bookings_jobs_all",
               "ix_bookings_jobs_open_cell", "ix_bookings_jobs_open_category_cell"]
# Near a point, the page is read from the box's cells and sorted only when the count
# (read from the same cells, in no order) found few jobs in the circle (CELLS_SORT_MAX in
# fcgi/store/jobs.c; tests/api/test_jobs_near.py): that sort is bounded by the count, the
# one sort the board has.
SORTED_INDEXES = {"ix_bookings_jobs_open_cell", "ix_bookings_jobs_open_category_cell"}


def test_the_board_reads_its_index_without_a_sort():
    """--explain-lists over 20,000 generated jobs (tests/api/test_lists.py judges every
    family's plans too): each jobs list statement reads its own index as a range, in the
    list's order, without a sort."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    c = client()
    db_query("""
INSERT INTO bookings (number, kind, title, category, budget_min, budget_max, customer_id,
  status, list_status, scheduled_at, address, city, governorate, latitude, longitude,
  customer_name, customer_phone, problem_description, created_at)
SELECT CONCAT('JB-GEN-', seq), 'job', CONCAT('generated job ', seq),
  ELT(1 + seq MOD 4, 'plumbing', 'electrical', 'carpentry', 'painting'),
  IF(seq MOD 3 = 0, NULL, (seq MOD 50) * 1000), IF(seq MOD 3 = 0, NULL, (seq MOD 50) * 2000),
  %d, ELT(1 + seq MOD 5, 'posted', 'quoted', 'hired', 'completed', 'cancelled'),
  ELT(1 + seq MOD 5, 'pending_approval', 'pending_approval', 'approved', 'completed',
      'cancelled'),
  TIMESTAMP'2024-01-01 00:00:00', 'generated', 'Cairo', 'Cairo',
  22 + (seq MOD 900) / 100, 25 + (seq MOD 1000) / 100, 'generated', '+201000000000',
  'generated', TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq MINUTE
FROM seq_1_to_%d""" % (c["id"], GENERATED))
    try:
        db_query("ANALYZE TABLE bookings")
        p = subprocess.run([binary, "--config", conf, "--explain-lists"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
        stmts = [l.split("\t") for l in out.splitlines() if l.startswith("stmt\tjobs\t")]
        check(len(stmts) == 2 * len(JOB_INDEXES), "jobs list statements explained: %s" % stmts)
        plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\tjobs\t")]
        seen = {}
        for cols in plans:
            f = dict(x.split("=", 1) for x in cols[3:])
            print("  " + " ".join(cols), flush=True)
            if f["table"] != "b":
                continue
            if f["type"] == "eq_ref":     # a page's rows, by primary key
                check(f["key"] == "PRIMARY", "rows not read by key: %s" % "\t".join(cols))
                continue
            seen[cols[2]] = f["key"]
            check(f["type"] in ("range", "ref") and "Using index" in f["Extra"] and
                  ("filesort" not in f["Extra"] or f["key"] in SORTED_INDEXES),
                  "a jobs list that does not read a range of its index in order: %s"
                  % "\t".join(cols))
        keys = sorted(set(seen.values()))
        check(keys == sorted(set(JOB_INDEXES)), "the indexes read: %s" % seen)
        # and the board answers from it
        t = craftsman()
        body = expect_list(api("GET", q("/api/jobs", category="painting", lat=30.0, lng=31.0,
                                        distance=100, minBudget=10000, limit=20),
                               token=t["token"]), limit=20)
        for it in body["data"]:
            check(it["category"] == "painting" and it["status"] in ("Posted", "Quoted"), it)
        # the board counts up to 1,000 open jobs (JOBS_BOARD_COUNT), its pages go deeper;
        # staff's whole list counts up to the 10,000 of the page window
        body = expect_list(api("GET", q("/api/jobs", limit=20), token=t["token"]), limit=20)
        check(body["pagination"]["totalItems"] == 1000 and
              body["pagination"].get("totalIsLowerBound") is True, body["pagination"])
        body = expect_list(api("GET", q("/api/jobs", limit=20, page=100), token=t["token"]),
                           page=100, limit=20)
        check(len(body["data"]) == 20, "page 100 of the board: %d rows" % len(body["data"]))
        body = expect_list(api("GET", q("/api/jobs", all="true", limit=20),
                               token=admin_token()), limit=20)
        check(body["pagination"]["totalItems"] == 10000 and
              body["pagination"].get("totalIsLowerBound") is True, body["pagination"])
    finally:
        db_query("DELETE FROM booking_history WHERE booking_id IN (SELECT id FROM bookings"
                 " WHERE number LIKE 'JB-GEN-%')")
        db_query("DELETE FROM bookings WHERE number LIKE 'JB-GEN-%'")


def test_staff_take_a_posting_down():
    """DELETE /api/admin/jobs/:jobId (seed 001 §5.8): admin or moderator, logged."""
    c, t = client(), craftsman()
    j = post_job(c)
    path = "/api/admin/jobs/%d" % j["id"]
    qt = expect(201, api("POST", "/api/jobs/%d/quotes" % j["id"], {"price": 30000},
                         token=t["token"]))
    for who in (c, t):
        expect(403, api("DELETE", path, token=who["token"]), code="FORBIDDEN")
    expect(401, api("DELETE", path))
    expect(422, api("DELETE", path, {"reason": "x" * 1001}, token=admin_token()),
           "VALIDATION_ERROR", ["reason"])
    expect(404, api("DELETE", "/api/admin/jobs/99999999", token=admin_token()))
    mod = make_user_with_role("moderator")
    n = notifications(c["id"])
    body = expect(200, api("DELETE", path, {"reason": "spam posting"}, token=mod["token"]))
    check(body["data"]["status"] == "Cancelled", body)
    check(db_scalar("SELECT status FROM quotes WHERE id = %d" % qt["data"]["id"]) == "Declined",
          "pending quote declined")
    check(notifications(c["id"]) == n + 1, "the owner is told")
    logged = db_query("SELECT actor_id, action FROM activity_log WHERE target_type = 'booking'"
                      " AND target_id = '%d' AND action = 'job.cancel'" % j["id"])
    check(logged == [[str(mod["id"]), "job.cancel"]], "activity %r" % logged)
    # off the board; a second time is 409
    ids = [x["id"] for x in expect(200, api("GET", q("/api/jobs", limit=100), token=t["token"]))["data"]]
    check(j["id"] not in ids, "still on the board")
    expect(409, api("DELETE", path, token=admin_token()), code="CONFLICT")


run(globals())
