"""Double-blind reviews of jobs (docs/reviews.md, "Double-blind reviews of jobs"; seed
001 §2.3, §6.4, §7.7).

After a job is completed its client and its hired craftsman each review the other once
(POST /api/jobs/:jobId/reviews, or seed 001's POST /api/reviews with the job). A review
stays pending, seen by its author and staff only and counted nowhere, until the other
side has reviewed too (both show in that review's transaction) or until
review_reveal_days have passed since the completion, when the reveal-reviews maintenance
task shows it. The reviewee learns nothing of its words or stars before: not by id, not
in any list, not in a notification, not in their export. Ratings move once, at the
reveal."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, db_query, db_scalar, outbox_rows, uniq, at_once,
                         run, Skip, ENV, SOURCE_DIR)

CAIRO = [31.2357, 30.0444]
TASK = "/api/maintenance/reveal-reviews"


def client():
    return make_user_with_role("customer")


def craftsman():
    t = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"specializations": ["plumbing"]},
                    token=t["token"]))
    return t


def job_body():
    return {"title": "Blocked drain " + uniq(6),
            "description": "The bathroom drain is blocked.", "category": "plumbing",
            "budgetMin": 20000, "budgetMax": 50000, "address": "12 Tahrir St",
            "city": "Cairo", "governorate": "Cairo",
            "location": {"type": "Point", "coordinates": CAIRO}}


def start_code(client_id):
    rows = outbox_rows(client_id, "booking_start_code")
    check(rows, "no start code for the client")
    return rows[0][2]["code"]


def hired_job(c=None, t=None):
    """A job of c (a new client) with t (a new craftsman) hired: (c, t, job id)."""
    c = c or client()
    t = t or craftsman()
    j = expect(201, api("POST", "/api/jobs", job_body(), token=c["token"]))["data"]["id"]
    path = "/api/jobs/%d" % j
    qt = expect(201, api("POST", path + "/quotes", {"price": 30000},
                         token=t["token"]))["data"]["id"]
    expect(200, api("PATCH", path + "/status", {"status": "Hired", "quoteId": qt},
                    token=c["token"]))
    return c, t, j


def complete(c, t, j):
    path = "/api/jobs/%d/status" % j
    expect(200, api("PATCH", path, {"status": "On The Way"}, token=t["token"]))
    expect(200, api("PATCH", path, {"status": "In Progress", "startCode": start_code(c["id"])},
                    token=t["token"]))
    expect(200, api("PATCH", path, {"status": "Completed"}, token=t["token"]))


def completed_job():
    c, t, j = hired_job()
    complete(c, t, j)
    return c, t, j


def review(token, j, status=201, **body):
    b = {"rating": 4}
    b.update(body)
    return expect(status, api("POST", "/api/jobs/%d/reviews" % j, b, token=token))


def mtoken():
    t = ENV("WARSHA_TEST_MAINTENANCE_TOKEN")
    if not t:
        raise Skip("WARSHA_TEST_MAINTENANCE_TOKEN is not set")
    return t


def reveal():
    return expect(200, api("POST", TASK, headers={"X-Maintenance-Token": mtoken()}))["data"]


def age(j, days):
    """Moves the job's completion back by days (the reveal clock)."""
    db_query("UPDATE bookings SET completed_at = completed_at - INTERVAL %d DAY,"
             " updated_at = updated_at WHERE id = %d" % (days, j))


def status_of(review_id):
    return db_scalar("SELECT status FROM reviews WHERE id = %d" % review_id)


def tally(user_id):
    r = db_query("SELECT rating, rating_count, rating_sum FROM users WHERE id = %d" % user_id)[0]
    return ["%.2f" % float(r[0]), int(r[1]), int(r[2])]


def check_exact(user_id):
    """The stored tallies of user_id are those of their published reviews, per star too."""
    real = db_query("SELECT COALESCE(ROUND(AVG(rating), 2), 0), COUNT(*), COALESCE(SUM(rating), 0)"
                    " FROM reviews WHERE status = 'published' AND reviewee_id = %d" % user_id)[0]
    real = ["%.2f" % float(real[0]), int(real[1]), int(real[2])]
    check(tally(user_id) == real, "tallies of user %d: stored %s, the reviews say %s"
          % (user_id, tally(user_id), real))
    counted = {int(s): int(n) for s, n in db_query(
        "SELECT rating, COUNT(*) FROM reviews WHERE status = 'published' AND reviewee_id = %d"
        " GROUP BY rating" % user_id)}
    kept = {int(s): int(n) for s, n in db_query(
        "SELECT stars, n FROM review_counts WHERE target = 'user' AND target_id = %d AND n > 0"
        % user_id)}
    check(counted == kept, "per-star counts of user %d: kept %s, reviews %s"
          % (user_id, kept, counted))


def text_of(resp):
    return json.dumps(resp.body, ensure_ascii=False)


def nothing_leaks(reviewee, author, j, rid, secret):
    """Every way the reviewee could read a review about them shows no trace of it."""
    tok = reviewee["token"]
    expect(404, api("GET", "/api/reviews/%d" % rid, token=tok))
    expect(404, api("GET", "/api/review/%d" % rid, token=tok))
    expect(404, api("GET", "/api/reviews/%d" % rid))
    reads = [api("GET", "/api/reviews/user/%d" % reviewee["id"], token=tok),
             api("GET", "/api/user/%d/reviews" % reviewee["id"], token=tok),
             api("GET", q("/api/user/%d/reviews" % author["id"], written="true"), token=tok),
             api("GET", q("/api/review", professionalId=reviewee["id"])),
             api("GET", "/api/review"),
             api("GET", "/api/jobs/%d/reviews" % j, token=tok),
             api("GET", "/api/jobs/%d" % j, token=tok),
             api("GET", "/api/notifications", token=tok),
             api("GET", "/api/users/me/export", token=tok)]
    for r in reads:
        check(r.status == 200, "a read failed: %s" % r.describe())
        check(secret not in text_of(r), "the reviewee read the blind review: %s"
              % r.describe()[:600])
    for r in reads[:5]:
        items = r.body["data"]
        check(all(x.get("id") != rid for x in items), "listed before the reveal: %s" % items)
    data = db_query("SELECT data FROM notifications WHERE user_id = %d" % reviewee["id"])
    for (d,) in data:
        check(secret not in (d or "") and '"rating"' not in (d or ""),
              "a notification told the review: %s" % d)


# ------------------------------------------------------------------ the blind and the reveal

def test_both_sides_review_once_and_both_show_at_the_second():
    c, t, j = completed_job()
    before_t, before_c = tally(t["id"]), tally(c["id"])
    secret = "client-secret-" + uniq(8)
    mine = review(c["token"], j, rating=2, comment=secret,
                  ratings={"quality": 1, "punctuality": 3})["data"]
    check(mine["status"] == "pending" and mine["isRevealed"] is False, mine)
    check(mine["reviewerRole"] == "customer" and mine["technicianId"] == t["id"], mine)
    # visibleAt: the job's completion plus the 14 days of the setting
    want = db_scalar("SELECT DATE_FORMAT(completed_at + INTERVAL 14 DAY, '%%Y-%%m-%%dT%%H:%%i')"
                     " FROM bookings WHERE id = %d" % j)
    check(mine["visibleAt"].startswith(want), "visibleAt %s, expected %s" % (mine["visibleAt"], want))
    check(tally(t["id"]) == before_t, "the craftsman's rating moved before the reveal")
    # the author sees it, marked; the reviewee learns nothing of it
    got = expect(200, api("GET", "/api/reviews/%d" % mine["id"], token=c["token"]))["data"]
    check(got["comment"] == secret and got["isRevealed"] is False, got)
    own = expect(200, api("GET", "/api/jobs/%d/reviews" % j, token=c["token"]))["data"]
    check([x["id"] for x in own["reviews"]] == [mine["id"]], own)
    check(own["blind"] == {"mine": "pending", "theirs": "none"}, own)
    nothing_leaks(t, c, j, mine["id"], secret)
    theirs = expect(200, api("GET", "/api/jobs/%d/reviews" % j, token=t["token"]))["data"]
    check(theirs["reviews"] == [] and theirs["blind"] == {"mine": "none", "theirs": "submitted"},
          theirs)
    # the craftsman was told they were reviewed, without the review
    n = db_query("SELECT data FROM notifications WHERE user_id = %d AND type = 'review'" % t["id"])
    check(len(n) == 1 and json.loads(n[0][0]).get("revealed") is False, n)
    # once per side: the client again, either path
    review(c["token"], j, 409, rating=5)
    expect(409, api("POST", "/api/reviews", {"jobId": j, "rating": 5}, token=c["token"]),
           code="CONFLICT")
    # the craftsman through seed 001's POST /api/reviews: both show now
    other = expect(201, api("POST", "/api/reviews", {"job": j, "rating": 5, "comment": "Kind"},
                            token=t["token"]))["data"]
    check(other["status"] == "published" and other["reviewerRole"] == "technician"
          and other["technicianId"] == c["id"], other)
    check(status_of(mine["id"]) == "published", "the first review did not show with the second")
    check(tally(t["id"]) == ["2.00", before_t[1] + 1, before_t[2] + 2], tally(t["id"]))
    check(tally(c["id"]) == ["5.00", before_c[1] + 1, before_c[2] + 5], tally(c["id"]))
    check_exact(t["id"])
    check_exact(c["id"])
    got = expect(200, api("GET", "/api/reviews/%d" % mine["id"], token=t["token"]))["data"]
    check(got["comment"] == secret and "isRevealed" not in got, got)
    listed = expect_list(api("GET", "/api/reviews/user/%d" % t["id"]))
    check(any(x["id"] == mine["id"] for x in listed["data"]), "not listed after the reveal")
    both = expect(200, api("GET", "/api/jobs/%d/reviews" % j, token=t["token"]))["data"]
    check(sorted(x["id"] for x in both["reviews"]) == sorted([mine["id"], other["id"]]), both)
    check(both["blind"] == {"mine": "published", "theirs": "published"}, both)
    for u in (c, t):
        n = db_query("SELECT data FROM notifications WHERE user_id = %d AND type = 'review'"
                     " ORDER BY id DESC LIMIT 1" % u["id"])
        check(n and json.loads(n[0][0]).get("revealed") is True, "no reveal notice: %s" % n)
    # the craftsman again: 409; once shown, neither side changes or withdraws theirs
    review(t["token"], j, 409, rating=1)
    expect(409, api("PUT", "/api/reviews/%d" % mine["id"], {"rating": 5}, token=c["token"]),
           code="CONFLICT")
    expect(409, api("DELETE", "/api/reviews/%d" % other["id"], token=t["token"]),
           code="CONFLICT")
    check_exact(t["id"])


def test_the_author_changes_a_blind_review_and_nothing_counts():
    c, t, j = completed_job()
    before = tally(t["id"])
    rid = review(c["token"], j, rating=3)["data"]["id"]
    body = expect(200, api("PUT", "/api/reviews/%d" % rid, {"rating": 1, "comment": "Late"},
                           token=c["token"]))["data"]
    check(body["rating"] == 1 and body["status"] == "pending", body)
    # seed 002's PUT /api/booking/:id/rating changes it too, while blind
    expect(200, api("PUT", "/api/booking/%d/rating" % j, {"rating": 2}, token=c["token"]))
    check(tally(t["id"]) == before, "a blind review's change counted")
    # the reviewee can neither answer, vote on nor report what they cannot see
    expect(404, api("PUT", "/api/reviews/%d/response" % rid, {"response": "?"}, token=t["token"]))
    expect(404, api("POST", "/api/reviews/%d/report" % rid, {"reason": "unfair"},
                    token=t["token"]))
    # withdrawn while blind: gone, nothing counted, the client may review again
    expect(200, api("DELETE", "/api/reviews/%d" % rid, token=c["token"]))
    check(tally(t["id"]) == before, "a withdrawn blind review counted")
    rid = review(c["token"], j, rating=4)["data"]["id"]
    review(t["token"], j, rating=5)
    check(status_of(rid) == "published" and tally(t["id"])[1] == before[1] + 1, tally(t["id"]))
    check_exact(t["id"])


def test_who_may_review_and_when():
    c, t, j = hired_job()
    stranger, other_t = client(), craftsman()
    # not completed: 409 for the parties
    review(c["token"], j, 409)
    review(t["token"], j, 409)
    complete(c, t, j)
    # no party: 404 (the job stays unknown), staff 403 (they see it)
    review(stranger["token"], j, 404)
    review(other_t["token"], j, 404)
    expect(404, api("POST", "/api/reviews", {"jobId": j, "rating": 4}, token=other_t["token"]))
    review(admin_token(), j, 403)
    expect(401, api("POST", "/api/jobs/%d/reviews" % j, {"rating": 4}))
    expect(404, api("GET", "/api/jobs/%d/reviews" % j, token=stranger["token"]))
    expect(200, api("GET", "/api/jobs/%d/reviews" % j, token=admin_token()))
    review(c["token"], 999999999, 404)
    # bad input: 422 naming the field, nothing stored
    expect(422, api("POST", "/api/jobs/%d/reviews" % j, {"comment": "no stars"},
                    token=c["token"]), "VALIDATION_ERROR", {"rating": "REQUIRED"})
    expect(422, api("POST", "/api/jobs/%d/reviews" % j, {"rating": 6}, token=c["token"]),
           "VALIDATION_ERROR", ["rating"])
    expect(422, api("POST", "/api/jobs/%d/reviews" % j, {"rating": "five"}, token=c["token"]),
           "VALIDATION_ERROR", ["rating"])
    expect(422, api("POST", "/api/jobs/%d/reviews" % j, {"rating": 4, "comment": "x" * 2001},
                    token=c["token"]), "VALIDATION_ERROR", ["comment"])
    expect(422, api("POST", "/api/jobs/%d/reviews" % j, {"rating": 4,
                                                         "ratings": {"quality": 0}},
                    token=c["token"]), "VALIDATION_ERROR", ["ratings.quality"])
    check(int(db_scalar("SELECT COUNT(*) FROM reviews WHERE booking_id = %d" % j)) == 0,
          "a refused review was stored")
    # the refusals speak both languages
    expect_bilingual("POST", "/api/jobs/%d/reviews" % j, {"rating": 4},
                     token=admin_token(), status=403)
    # a service booking is no job: its path stays POST /api/reviews
    sb = db_scalar("SELECT id FROM bookings WHERE kind = 'service' LIMIT 1")
    if sb is not None:
        review(c["token"], int(sb), 404)
    # a disputed job waits for its dispute
    c2, t2, j2 = completed_job()
    expect(200, api("PATCH", "/api/jobs/%d/status" % j2, {"status": "Disputed"},
                    token=c2["token"]))
    review(c2["token"], j2, 409)


def test_both_sides_at_once_show_both_once_and_one_side_twice_is_409():
    c, t, j = completed_job()
    bt, bc = tally(t["id"]), tally(c["id"])
    path = "/api/jobs/%d/reviews" % j
    a, b = at_once(lambda: api("POST", path, {"rating": 3}, token=c["token"]),
                   lambda: api("POST", path, {"rating": 4}, token=t["token"]))
    expect(201, a)
    expect(201, b)
    rows = db_query("SELECT status FROM reviews WHERE booking_id = %d" % j)
    check(sorted(r[0] for r in rows) == ["published", "published"], rows)
    check(tally(t["id"])[1:] == [bt[1] + 1, bt[2] + 3], tally(t["id"]))
    check(tally(c["id"])[1:] == [bc[1] + 1, bc[2] + 4], tally(c["id"]))
    check_exact(t["id"])
    check_exact(c["id"])
    # one side twice at once: one review, one 409
    c, t, j = completed_job()
    path = "/api/jobs/%d/reviews" % j
    a, b = at_once(lambda: api("POST", path, {"rating": 3}, token=c["token"]),
                   lambda: api("POST", path, {"rating": 5}, token=c["token"]))
    check(sorted([a.status, b.status]) == [201, 409], (a.describe(), b.describe()))
    check(int(db_scalar("SELECT COUNT(*) FROM reviews WHERE booking_id = %d" % j)) == 1,
          "two reviews of one side")


# ------------------------------------------------------------------ the reveal task

def test_the_task_reveals_after_the_window_once():
    c, t, j = completed_job()
    before = tally(t["id"])
    rid = review(c["token"], j, rating=3, comment="blind " + uniq(6))["data"]["id"]
    # not yet: 13 days on, still blind
    age(j, 13)
    reveal()
    check(status_of(rid) == "pending", "revealed before the window passed")
    check(tally(t["id"]) == before, "counted before the reveal")
    # 14 days on: the task shows it and counts it, once
    age(j, 1)
    out = reveal()
    check(out["revealDays"] == 14 and out["revealed"] >= 1, out)
    check(status_of(rid) == "published", "not revealed after the window")
    check(tally(t["id"]) == ["3.00", before[1] + 1, before[2] + 3], tally(t["id"]))
    reveal()
    check(tally(t["id"])[1] == before[1] + 1, "a second run counted again")
    check_exact(t["id"])
    got = expect(200, api("GET", "/api/reviews/%d" % rid, token=t["token"]))["data"]
    check(got["status"] == "published", got)
    # the window has closed for the craftsman who never reviewed
    r = api("POST", "/api/jobs/%d/reviews" % j, {"rating": 5}, token=t["token"])
    expect(409, r, code="CONFLICT")
    check(int(db_scalar("SELECT COUNT(*) FROM reviews WHERE booking_id = %d" % j)) == 1,
          "a late review was stored")


def test_two_runs_at_once_reveal_each_review_once():
    t = craftsman()
    c2 = client()
    before_t, before_c2 = tally(t["id"]), tally(c2["id"])
    jobs, rids = [], []
    # four jobs of one craftsman: three blind reviews of him, one of a client by him
    for i in range(4):
        c, _, j = hired_job(c=c2 if i == 3 else None, t=t)
        complete(c, t, j)
        if i < 3:
            rids.append(review(c["token"], j, rating=i + 2)["data"]["id"])
        else:
            rids.append(review(t["token"], j, rating=1)["data"]["id"])
        jobs.append(j)
    for j in jobs:
        age(j, 20)
    h = {"X-Maintenance-Token": mtoken()}
    a, b = at_once(lambda: api("POST", TASK, headers=h), lambda: api("POST", TASK, headers=h))
    expect(200, a)
    expect(200, b)
    check(all(status_of(r) == "published" for r in rids), [status_of(r) for r in rids])
    check(tally(t["id"]) == ["%.2f" % ((2 + 3 + 4) / 3.0), before_t[1] + 3, before_t[2] + 9],
          tally(t["id"]))
    check(tally(c2["id"]) == ["1.00", before_c2[1] + 1, before_c2[2] + 1], tally(c2["id"]))
    check_exact(t["id"])
    check_exact(c2["id"])
    reveal()
    check(tally(t["id"])[1] == before_t[1] + 3, "counted again")


def test_the_task_needs_its_token_and_answers_in_both_languages():
    expect(401, api("POST", TASK, headers={"X-Maintenance-Token": "wrong-" + uniq(6)}))
    expect_bilingual("POST", TASK, headers={"X-Maintenance-Token": mtoken()}, status=200)


# ------------------------------------------------------------------ plans

def test_the_reveal_reads_its_index():
    """--explain-lists EXPLAINs the reveal's scan (tests/api/test_lists.py judges every
    family's plans): pending reviews through ix_reviews_reveal, each job by its key."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    db_query("ANALYZE TABLE reviews, bookings")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
    stmts = {l.split("\t")[2] for l in out.splitlines() if l.startswith("stmt\treview_reveal\t")}
    check(len(stmts) == 1, "review_reveal statements explained: %s" % sorted(stmts))
    plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\treview_reveal\t")]
    check(len(plans) == 2, plans)
    for cols in plans:
        f = dict(c.split("=", 1) for c in cols[3:])
        if f["table"] == "r":
            check(f["key"] == "ix_reviews_reveal" and "filesort" not in f["Extra"],
                  "pending reviews read: %s" % "\t".join(cols))
        else:
            check(f["table"] == "b" and f["key"] == "PRIMARY", "jobs read: %s" % "\t".join(cols))


if __name__ == "__main__":
    run(globals())
