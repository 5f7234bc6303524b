"""Reviews of bookings (seed 000's review endpoints, seed 004's category ratings and
response, seed 002's /api/review family and PUT /api/booking/:id/rating) and a
technician's performance (docs/reviews.md).

A completed booking's customer reviews it once (409 the second time); the technician's
and the service's rating, count and sum, and the counts per star, stay exactly the
AVG/COUNT of the published reviews through creates, edits, hides and deletes, also when
sixteen of them race. Every refused role is 403, a stranger to the booking 404."""
import datetime
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, register_user, db_query, db_scalar, db_count,
                         outbox_rows, at_once, uniq, run, Skip, ENV, SOURCE_DIR)


def future(days=2, hour=10):
    d = datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=days)
    return "%sT%02d:00:00.000Z" % (d.isoformat(), hour)


def make_service(price=15000):
    b = {"nameAr": "خدمة تقييم " + uniq(8), "nameEn": "Review QA " + uniq(10),
         "descriptionAr": "وصف", "descriptionEn": "A service for the review tests",
         "category": "plumbing", "duration": 60, "price": {"basePrice": price},
         "availability": {"isActive": True, "workingHours": {"start": "08:00", "end": "20:00"},
                          "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"]},
         "requirements": {"requiresApproval": False}}
    return expect(201, api("POST", "/api/services", b, token=admin_token()))["data"]["id"]


def booking_body(service_id):
    return {"serviceId": service_id, "scheduledDateTime": future(),
            "location": {"address": "12 Tahrir St", "city": "Cairo", "governorate": "cairo"},
            "customerInfo": {"customerName": "Mona Ali", "phoneNumber": "01012345678"},
            "serviceDetails": {"problemDescription": "The sink leaks"}}


def booking(customer, service_id, technician=None, status="completed"):
    """A booking of the customer, assigned to the technician through the API, then put
    in `status` directly (the moves themselves are test_bookings.py's)."""
    bid = expect(201, api("POST", "/api/bookings", booking_body(service_id),
                          token=customer["token"]))["data"]["id"]
    if technician is not None:
        expect(200, api("PUT", "/api/bookings/%d/assign-technician" % bid,
                        {"technicianId": technician["id"]}, token=admin_token()))
    if status is not None:
        db_query("UPDATE bookings SET status = '%s', list_status = '%s' WHERE id = %d"
                 % (status, "completed" if status in ("completed", "verified", "paid")
                    else status, bid))
    return bid


_svc = []


def svc():
    if not _svc:
        _svc.append(make_service())
    return _svc[0]


def post_review(token, bid, status=201, **body):
    b = {"bookingId": bid}
    b.update(body)
    return expect(status, api("POST", "/api/reviews", b, token=token))


def tallies(user_id=None, service_id=None):
    """(rating, count, sum) as stored, and as AVG/COUNT/SUM of the published reviews."""
    if user_id is not None:
        stored = db_query("SELECT rating, rating_count, rating_sum FROM users WHERE id = %d"
                          % user_id)[0]
        where = "reviewee_id = %d" % user_id
    else:
        stored = db_query("SELECT rating, rating_count, rating_sum FROM services WHERE id = %d"
                          % service_id)[0]
        where = "service_id = %d" % service_id
    real = db_query("SELECT COALESCE(ROUND(AVG(rating), 2), 0), COUNT(*), COALESCE(SUM(rating), 0)"
                    " FROM reviews WHERE status = 'published' AND " + where)[0]
    return ["%.2f" % float(stored[0]), int(stored[1]), int(stored[2])], \
        ["%.2f" % float(real[0]), int(real[1]), int(real[2])]


def check_exact(user_id=None, service_id=None):
    stored, real = tallies(user_id, service_id)
    check(stored == real, "tallies of %s: stored %s, the reviews say %s"
          % ("user %s" % user_id if user_id else "service %s" % service_id, stored, real))
    target, tid = ("user", user_id) if user_id else ("service", service_id)
    col = "reviewee_id" if user_id else "service_id"
    counted = {int(s): int(n) for s, n in db_query(
        "SELECT rating, COUNT(*) FROM reviews WHERE status = 'published' AND %s = %d"
        " GROUP BY rating" % (col, tid))}
    kept = {int(s): int(n) for s, n in db_query(
        "SELECT stars, n FROM review_counts WHERE target = '%s' AND target_id = %d AND n > 0"
        % (target, tid))}
    check(counted == kept, "per-star counts of %s %s: kept %s, the reviews say %s"
          % (target, tid, kept, counted))
    return stored


# ------------------------------------------------------------------ create

def test_a_customer_reviews_a_completed_booking_once():
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    sid = make_service()
    bid = booking(c, sid, t)
    body = post_review(c["token"], bid, ratings={"overall": 4, "quality": 5, "punctuality": 3},
                       comment="Quick and clean", isRecommended=True)
    d = body["data"]
    check(d["bookingId"] == bid and d["userId"] == c["id"] and d["technicianId"] == t["id"] and
          d["serviceId"] == sid and d["rating"] == 4, "review %r" % d)
    check(d["ratings"] == {"overall": 4, "quality": 5, "professionalism": None,
                           "communication": None, "punctuality": 3, "value": None},
          "ratings %r" % d["ratings"])
    check(d["comment"] == "Quick and clean" and d["isRecommended"] is True and
          d["status"] == "published" and d["isHidden"] is False and d["helpfulCount"] == 0,
          "review %r" % d)
    check(d["reviewer"]["firstName"] == "Test" and "reportCount" not in d, "review %r" % d)
    check(check_exact(user_id=t["id"]) == ["4.00", 1, 4], "technician tallies")
    check(check_exact(service_id=sid) == ["4.00", 1, 4], "service tallies")
    # the technician hears of it in-app, type review
    n = db_query("SELECT type, title_en, JSON_VALUE(data, '$.reviewId') FROM notifications"
                 " WHERE user_id = %d AND type = 'review'" % t["id"])
    check(n == [["review", "A new review", str(d["id"])]], "notification %r" % n)
    # once per booking
    body = post_review(c["token"], bid, 409, rating=5)
    check(body["code"] == "CONFLICT", "second review %r" % body)
    m_en, m_ar = expect_bilingual("POST", "/api/reviews", {"bookingId": bid, "rating": 5},
                                  token=c["token"], status=409)
    check("already" in m_en, "409 message %r" % m_en)
    check(db_count("reviews", "booking_id = %d" % bid) == 1, "a second review was stored")
    check(check_exact(user_id=t["id"])[1] == 1, "a refused review counted")
    # anyone reads it
    got = expect(200, api("GET", "/api/reviews/%d" % d["id"]))["data"]
    check(got["id"] == d["id"] and got["comment"] == "Quick and clean", "public read %r" % got)
    got = expect(200, api("GET", "/api/review/%d" % d["id"]))["data"]
    check(got["id"] == d["id"], "seed 002 read %r" % got)
    expect(404, api("GET", "/api/reviews/999999999"))


def test_verified_and_paid_bookings_are_reviewable_others_are_not():
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    for st in ("verified", "paid", "payment_pending"):
        post_review(c["token"], booking(c, svc(), t, st), rating=5)
    for st in ("pending_approval", "approved", "technician_assigned", "on_way", "in_progress",
               "cancelled", "disputed"):
        bid = booking(c, svc(), t, st)
        body = post_review(c["token"], bid, 409, rating=5)
        check("completed" in expect_bilingual("POST", "/api/reviews", {"bookingId": bid,
                                                                        "rating": 5},
                                              token=c["token"], status=409)[0],
              "status %s: %r" % (st, body))
    # completed without a technician (staff set it so): nobody to review
    bid = booking(c, svc(), None)
    post_review(c["token"], bid, 409, rating=5)
    check_exact(user_id=t["id"])


def test_refused_roles_and_strangers():
    c = register_user(role="customer")
    other = register_user(role="customer")
    t = make_user_with_role("technician")
    t2 = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    bid = booking(c, svc(), t)
    # a technician may not write reviews at all (the route), nor through seed 002's path
    for tok in (t["token"], t2["token"]):
        expect(403, api("POST", "/api/reviews", {"bookingId": bid, "rating": 5}, token=tok))
    # staff see the booking, but it is not theirs to review
    for tok in (admin_token(), mod["token"]):
        post_review(tok, bid, 403, rating=5)
    # another customer does not learn the booking exists
    post_review(other["token"], bid, 404, rating=5)
    post_review(c["token"], 999999999, 404, rating=5)
    expect(401, api("POST", "/api/reviews", {"bookingId": bid, "rating": 5}))
    # PUT /api/booking/:id/rating: the assigned technician 403, a stranger 404
    expect(403, api("PUT", "/api/booking/%d/rating" % bid, {"rating": 5}, token=t["token"]))
    expect(404, api("PUT", "/api/booking/%d/rating" % bid, {"rating": 5}, token=t2["token"]))
    expect(404, api("PUT", "/api/booking/%d/rating" % bid, {"rating": 5},
                    token=other["token"]))
    check(db_count("reviews", "booking_id = %d" % bid) == 0, "a refused review was stored")


def test_bad_input_names_the_field():
    c = register_user(role="customer")
    bid = booking(c, svc(), make_user_with_role("technician"))
    cases = [
        ({"bookingId": bid}, {"rating": "REQUIRED"}),
        ({"bookingId": bid, "rating": 6}, {"rating": "OUT_OF_RANGE"}),
        ({"bookingId": bid, "rating": 0}, {"rating": "OUT_OF_RANGE"}),
        ({"bookingId": bid, "rating": "5"}, {"rating": None}),
        ({"rating": 5}, {"bookingId": "REQUIRED"}),
        ({"bookingId": "x", "rating": 5}, {"bookingId": None}),
        ({"bookingId": bid, "ratings": {"overall": 9}}, {"ratings.overall": "OUT_OF_RANGE"}),
        ({"bookingId": bid, "ratings": 7}, {"ratings": "OUT_OF_RANGE"}),
        ({"bookingId": bid, "ratings": "good"}, {"ratings": "INVALID_TYPE"}),
        ({"bookingId": bid, "rating": 4, "ratings": {"quality": 0}},
         {"ratings.quality": "OUT_OF_RANGE"}),
        ({"bookingId": bid, "rating": 4, "ratings": {"value": 6}}, {"ratings.value": None}),
        ({"bookingId": bid, "rating": 4, "comment": "x" * 2001}, {"comment": None}),
        ({"bookingId": bid, "rating": 4, "isRecommended": "yes"}, {"isRecommended": None}),
    ]
    for body, fields in cases:
        expect(422, api("POST", "/api/reviews", body, token=c["token"]), "VALIDATION_ERROR",
               fields)
    m_en, m_ar = expect_bilingual("POST", "/api/reviews", {"bookingId": bid, "rating": 9},
                                  token=c["token"], status=422)
    check(db_count("reviews", "booking_id = %d" % bid) == 0, "bad input stored a review")
    # seed 000's shape: ratings as a number, review as the text
    d = post_review(c["token"], bid, ratings=3, review="Fine")["data"]
    check(d["rating"] == 3 and d["comment"] == "Fine", "seed 000 shape %r" % d)
    # the other bodies
    rid = d["id"]
    expect(422, api("PUT", "/api/reviews/%d" % rid, {}, token=c["token"]), "VALIDATION_ERROR",
           {"body": "NO_KNOWN_FIELD"})
    expect(422, api("PUT", "/api/reviews/%d" % rid, {"rating": 8}, token=c["token"]),
           "VALIDATION_ERROR", {"rating": "OUT_OF_RANGE"})
    expect(422, api("POST", "/api/reviews/%d/report" % rid, {}, token=admin_token()),
           "VALIDATION_ERROR", {"reason": "REQUIRED"})
    expect(422, api("POST", "/api/reviews/%d/report" % rid, {"reason": "x" * 501},
                    token=admin_token()), "VALIDATION_ERROR", {"reason": None})
    expect(422, api("PUT", "/api/booking/%d/rating" % bid, {"review": "no stars"},
                    token=c["token"]), "VALIDATION_ERROR", {"rating": "REQUIRED"})
    expect(422, api("GET", q("/api/reviews/service/%d" % svc(), rating=6)), "VALIDATION_ERROR",
           ["rating"])
    expect(422, api("GET", q("/api/reviews/service/%d" % svc(), cursor="!!")),
           "VALIDATION_ERROR", ["cursor"])
    expect(404, api("GET", "/api/reviews/abc"))


# ------------------------------------------------------------------ edit, hide, delete

def test_edits_hides_and_deletes_keep_the_tallies_exact():
    c = register_user(role="customer")
    other = register_user(role="customer")
    t = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    sid = make_service()
    r1 = post_review(c["token"], booking(c, sid, t), rating=5)["data"]["id"]
    r2 = post_review(other["token"], booking(other, sid, t), rating=2)["data"]["id"]
    check(check_exact(user_id=t["id"]) == ["3.50", 2, 7], "after two reviews")
    # the author changes the words and stars
    d = expect(200, api("PUT", "/api/reviews/%d" % r1, {"rating": 3, "comment": "Later leaked",
                                                        "ratings": {"quality": 2}},
                        token=c["token"]))["data"]
    check(d["rating"] == 3 and d["comment"] == "Later leaked" and
          d["ratings"]["quality"] == 2, "edit %r" % d)
    check(check_exact(user_id=t["id"]) == ["2.50", 2, 5], "after an edit")
    check(check_exact(service_id=sid) == ["2.50", 2, 5], "service after an edit")
    # nobody else edits: another customer, the technician 403; staff only hide
    expect(403, api("PUT", "/api/reviews/%d" % r1, {"rating": 5}, token=other["token"]))
    expect(403, api("PUT", "/api/reviews/%d" % r1, {"rating": 5}, token=t["token"]))
    expect(403, api("PUT", "/api/reviews/%d" % r1, {"rating": 5}, token=mod["token"]))
    expect(403, api("PUT", "/api/reviews/%d" % r1, {"isHidden": True}, token=c["token"]))
    expect(401, api("PUT", "/api/reviews/%d" % r1, {"rating": 5}))
    # staff hide it: out of the tallies and of public view, the author still sees it
    d = expect(200, api("PUT", "/api/reviews/%d" % r1, {"isHidden": True},
                        token=mod["token"]))["data"]
    check(d["isHidden"] is True and d["status"] == "hidden", "hide %r" % d)
    check(check_exact(user_id=t["id"]) == ["2.00", 1, 2], "after a hide")
    expect(404, api("GET", "/api/reviews/%d" % r1))
    expect(404, api("GET", "/api/reviews/%d" % r1, token=other["token"]))
    expect(200, api("GET", "/api/reviews/%d" % r1, token=c["token"]))
    expect(404, api("POST", "/api/reviews/%d/helpful" % r1, token=other["token"]))
    # the author edits a hidden review: it stays hidden and uncounted
    expect(200, api("PUT", "/api/reviews/%d" % r1, {"rating": 4}, token=c["token"]))
    check(check_exact(user_id=t["id"]) == ["2.00", 1, 2], "an edit of a hidden review counted")
    acts = db_query("SELECT action, actor_id FROM activity_log WHERE target_type = 'review'"
                    " AND target_id = '%d' ORDER BY id" % r1)
    check(acts == [["review.hide", str(mod["id"])]], "activity %r" % acts)
    # shown again, counted with its new stars
    expect(200, api("PUT", "/api/reviews/%d" % r1, {"isHidden": False}, token=admin_token()))
    check(check_exact(user_id=t["id"]) == ["3.00", 2, 6], "after a show")
    # deletes: a stranger 403, the author, staff (logged)
    expect(403, api("DELETE", "/api/reviews/%d" % r2, token=c["token"]))
    expect(403, api("DELETE", "/api/reviews/%d" % r2, token=t["token"]))
    expect(200, api("DELETE", "/api/reviews/%d" % r1, token=c["token"]))
    check(check_exact(user_id=t["id"]) == ["2.00", 1, 2], "after the author's delete")
    expect(404, api("GET", "/api/reviews/%d" % r1, token=c["token"]))
    expect(200, api("DELETE", "/api/review/%d" % r2, token=mod["token"]))
    check(check_exact(user_id=t["id"]) == ["0.00", 0, 0], "after staff's delete")
    check(check_exact(service_id=sid) == ["0.00", 0, 0], "service after the deletes")
    check(db_count("activity_log", "action = 'review.delete' AND target_id = '%d'" % r2) == 1,
          "staff's delete not logged")
    expect(404, api("DELETE", "/api/reviews/%d" % r2, token=mod["token"]))


# ------------------------------------------------------------------ votes, reports, response

def test_helpful_and_reports_once_per_user():
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    reader = register_user(role="customer")
    rid = post_review(c["token"], booking(c, svc(), t), rating=4)["data"]["id"]
    expect(200, api("POST", "/api/reviews/%d/helpful" % rid, token=reader["token"]))
    expect(409, api("POST", "/api/reviews/%d/helpful" % rid, token=reader["token"]))
    expect(200, api("POST", "/api/reviews/%d/helpful" % rid, token=admin_token()))
    # not on one's own review, nor on one about oneself
    expect(403, api("POST", "/api/reviews/%d/helpful" % rid, token=c["token"]))
    expect(403, api("POST", "/api/reviews/%d/helpful" % rid, token=t["token"]))
    expect(401, api("POST", "/api/reviews/%d/helpful" % rid))
    expect(404, api("POST", "/api/reviews/999999999/helpful", token=reader["token"]))
    # races: sixteen voters at once, each counted once
    voters = [register_user(role="customer") for _ in range(8)]
    res = at_once(*[(lambda v=v: api("POST", "/api/reviews/%d/helpful" % rid,
                                     token=v["token"])) for v in voters + voters])
    check(sorted(r.status for r in res) == [200] * 8 + [409] * 8,
          "parallel votes %s" % [r.status for r in res])
    d = expect(200, api("GET", "/api/reviews/%d" % rid))["data"]
    check(d["helpfulCount"] == 10 and db_count("review_helpful_votes", "review_id = %d" % rid)
          == 10, "helpfulCount %r" % d["helpfulCount"])
    # reports: the technician may report a review about them, the author may not
    expect(200, api("POST", "/api/reviews/%d/report" % rid, {"reason": "Insults my work"},
                    token=t["token"]))
    expect(409, api("POST", "/api/reviews/%d/report" % rid, {"reason": "Again"},
                    token=t["token"]))
    expect(403, api("POST", "/api/reviews/%d/report" % rid, {"reason": "mine"},
                    token=c["token"]))
    expect(200, api("POST", "/api/reviews/%d/report" % rid, {"reason": "Spam link"},
                    token=reader["token"]))
    expect(401, api("POST", "/api/reviews/%d/report" % rid, {"reason": "anon"}))
    rows = db_query("SELECT user_id, reason FROM review_reports WHERE review_id = %d"
                    " ORDER BY user_id" % rid)
    check(sorted(rows) == sorted([[str(t["id"]), "Insults my work"],
                                  [str(reader["id"]), "Spam link"]]), "reports %r" % rows)
    # staff see the count of reports, nobody else
    d = expect(200, api("GET", "/api/reviews/%d" % rid, token=admin_token()))["data"]
    check(d["reportCount"] == 2, "staff view %r" % d)
    d = expect(200, api("GET", "/api/reviews/%d" % rid, token=reader["token"]))["data"]
    check("reportCount" not in d, "a customer sees reports %r" % d)
    m_en, _ = expect_bilingual("POST", "/api/reviews/%d/helpful" % rid, token=reader["token"],
                               status=409)
    check("already" in m_en, "vote 409 %r" % m_en)


def test_only_the_reviewed_technician_responds():
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    t2 = make_user_with_role("technician")
    rid = post_review(c["token"], booking(c, svc(), t), rating=2, comment="Late")["data"]["id"]
    d = expect(200, api("PUT", "/api/reviews/%d/response" % rid,
                        {"response": "Sorry, traffic on the ring road"},
                        token=t["token"]))["data"]
    check(d["response"]["text"] == "Sorry, traffic on the ring road" and
          d["response"]["respondedAt"], "response %r" % d["response"])
    expect(403, api("PUT", "/api/reviews/%d/response" % rid, {"response": "Not mine"},
                    token=t2["token"]))
    expect(403, api("PUT", "/api/reviews/%d/response" % rid, {"response": "x"},
                    token=c["token"]))
    expect(403, api("PUT", "/api/reviews/%d/response" % rid, {"response": "x"},
                    token=admin_token()))
    expect(401, api("PUT", "/api/reviews/%d/response" % rid, {"response": "x"}))
    expect(422, api("PUT", "/api/reviews/%d/response" % rid, {}, token=t["token"]),
           "VALIDATION_ERROR", {"response": "REQUIRED"})
    expect(422, api("PUT", "/api/reviews/%d/response" % rid, {"response": "x" * 2001},
                    token=t["token"]), "VALIDATION_ERROR", ["response"])
    expect_bilingual("PUT", "/api/reviews/%d/response" % rid, {"response": "x"},
                     token=t2["token"], status=403)
    # seed 004's `text`; null takes it back
    d = expect(200, api("PUT", "/api/reviews/%d/response" % rid, {"text": "Fixed for free"},
                        token=t["token"]))["data"]
    check(d["response"]["text"] == "Fixed for free", "text alias %r" % d["response"])
    d = expect(200, api("PUT", "/api/reviews/%d/response" % rid, {"response": None},
                        token=t["token"]))["data"]
    check(d["response"] == {"text": None, "respondedAt": None}, "removed %r" % d["response"])


# ------------------------------------------------------------------ lists

def walk(path, limit, token=None, max_pages=50, **params):
    ids, cursor, pages, body = [], None, 0, None
    while True:
        p = dict(params, limit=limit)
        if cursor:
            p["cursor"] = cursor
        body = expect_list(api("GET", q(path, **p), token=token), limit=limit)
        ids += [x["id"] for x in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        pages += 1
        if not cursor:
            return ids, body
        check(pages < max_pages, "too many pages")


def test_lists_summaries_filters_and_paging():
    t = make_user_with_role("technician")
    sid = make_service()
    stars = [5, 4, 5, 3, 1, 5, 2, 4, 5, 5, 3]
    made = []
    for s in stars:
        c = register_user(role="customer")
        made.append(post_review(c["token"], booking(c, sid, t), rating=s)["data"]["id"])
    newest = sorted(made, reverse=True)
    avg = round(sum(stars) / len(stars), 2)
    for path in ("/api/reviews/technician/%d" % t["id"], "/api/reviews/service/%d" % sid,
                 "/api/user/%d/reviews" % t["id"]):
        tok = admin_token() if path.startswith("/api/user/") else None
        ids, body = walk(path, 4, token=tok)
        check(ids == newest, "%s: %s, expected %s" % (path, ids, newest))
        check(body["pagination"]["totalItems"] == 11, "%s total %r" % (path, body["pagination"]))
        check(abs(body["averageRating"] - avg) < 0.006, "%s average %r" % (path, body))
        check(body["summary"]["ratingCount"] == 11 and body["summary"]["distribution"] ==
              {"1": 1, "2": 1, "3": 2, "4": 2, "5": 5}, "%s summary %r" % (path, body["summary"]))
        ids, body = walk(path, 2, token=tok, rating=5)
        want = [i for i, s in sorted(zip(made, stars), reverse=True) if s == 5]
        check(ids == want and body["pagination"]["totalItems"] == 5,
              "%s rating=5: %s (%r)" % (path, ids, body["pagination"]))
        # pages agree with the cursor
        body = expect_list(api("GET", q(path, page=2, limit=3), token=tok), page=2, limit=3)
        check([x["id"] for x in body["data"]] == newest[3:6], "%s page 2" % path)
    # seed 002's list, by professional; every review without one
    ids, body = walk("/api/review", 5, professionalId=t["id"])
    check(ids == newest, "GET /api/review?professionalId: %s" % ids)
    ids, body = walk("/api/review", 5, serviceId=sid, rating=1)
    check(len(ids) == 1 and body["pagination"]["totalItems"] == 1, "serviceId rating=1 %s" % ids)
    body = expect_list(api("GET", q("/api/review", limit=3)), limit=3)
    check([x["id"] for x in body["data"]] == sorted(
        [int(r[0]) for r in db_query("SELECT id FROM reviews WHERE status = 'published'"
                                     " ORDER BY created_at DESC, id DESC LIMIT 3")],
        reverse=True) or len(body["data"]) == 3, "GET /api/review %r" % body["data"])
    expect(422, api("GET", q("/api/review", professionalId=t["id"], serviceId=sid)),
           "VALIDATION_ERROR", ["serviceId"])
    # unknown targets are 404; /api/user/:id/reviews needs a caller
    expect(404, api("GET", "/api/reviews/technician/999999999"))
    expect(404, api("GET", "/api/reviews/service/999999999"))
    expect(401, api("GET", "/api/user/%d/reviews" % t["id"]))
    # the reviews a user wrote
    c = register_user(role="customer")
    mine = [post_review(c["token"], booking(c, sid, t), rating=s)["data"]["id"] for s in (2, 4)]
    ids, body = walk("/api/user/%d/reviews" % c["id"], 10, token=c["token"], written="true")
    check(ids == sorted(mine, reverse=True), "written %s" % ids)
    ids, _ = walk("/api/reviews/user/%d" % c["id"], 10, written="true")
    check(ids == sorted(mine, reverse=True), "seed 004 path %s" % ids)
    expect(422, api("GET", q("/api/user/%d/reviews" % c["id"], written="true", rating=2),
                    token=c["token"]), "VALIDATION_ERROR", ["rating"])
    m_en, m_ar = expect_bilingual("GET", "/api/reviews/technician/%d" % t["id"], status=200)


# ------------------------------------------------------------------ seed 002

def test_booking_rating_creates_then_edits_the_review():
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    sid = make_service()
    bid = booking(c, sid, t)
    body = expect(201, api("PUT", "/api/booking/%d/rating" % bid,
                           {"rating": 5, "review": "Great"}, token=c["token"]))
    d = body["data"]
    check(d["booking"]["id"] == bid and d["booking"]["feedback"]["rating"] == 5 and
          d["booking"]["feedback"]["comment"] == "Great" and d["review"]["rating"] == 5,
          "rating %r" % d)
    body = expect(200, api("PUT", "/api/booking/%d/rating" % bid, {"rating": 2},
                           token=c["token"]))
    check(body["data"]["review"]["rating"] == 2 and body["data"]["review"]["comment"] == "Great",
          "second rating %r" % body["data"])
    check(db_count("reviews", "booking_id = %d" % bid) == 1, "two reviews for one booking")
    check(check_exact(user_id=t["id"]) == ["2.00", 1, 2], "tallies after a re-rating")
    check(check_exact(service_id=sid) == ["2.00", 1, 2], "service tallies after a re-rating")
    check(db_count("notifications", "user_id = %d AND type = 'review'" % t["id"]) == 1,
          "a re-rating notified again")
    # not completed: 409; seed 002's POST /api/review with a booking
    bid2 = booking(c, sid, t, status="on_way")
    expect(409, api("PUT", "/api/booking/%d/rating" % bid2, {"rating": 5}, token=c["token"]))
    bid3 = booking(c, sid, t)
    d = expect(201, api("POST", "/api/review", {"bookingId": bid3, "reviewee": t["id"],
                                                "rating": 4, "comment": "ok"},
                        token=c["token"]))["data"]
    check(d["rating"] == 4 and d["technicianId"] == t["id"], "POST /api/review %r" % d)
    expect(200, api("PUT", "/api/review/%d" % d["id"], {"comment": "fine"}, token=c["token"]))
    check(check_exact(user_id=t["id"]) == ["3.00", 2, 6], "tallies after /api/review")


def test_the_whole_path_through_the_state_machine():
    """A booking moved by the API to completed (assign, set off, start code, complete) is
    reviewable; the performance counts it and its response time."""
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    sid = make_service(price=20000)
    bid = booking(c, sid, t, status=None)
    rid = post_review(c["token"], bid, 409, rating=5)
    tok = t["token"]
    expect(200, api("PUT", "/api/bookings/%d/status" % bid, {"status": "on_way"}, token=tok))
    rows = outbox_rows(c["id"], "booking_start_code")
    check(rows, "no start code")
    code = rows[-1][2]["code"]
    expect(200, api("PUT", "/api/bookings/%d/status" % bid,
                    {"status": "in_progress", "startCode": code}, token=tok))
    expect(200, api("PUT", "/api/bookings/%d/status" % bid, {"status": "completed"}, token=tok))
    rid = post_review(c["token"], bid, rating=5)["data"]["id"]
    check(rid > 0, "no review")
    p = expect(200, api("GET", "/api/technicians/%d/performance" % t["id"],
                        token=tok))["data"]["performance"]
    check(p["completedBookings"] == 1 and p["assignedBookings"] == 1 and
          p["cancelledBookings"] == 0 and p["completionRate"] == 1.0, "performance %r" % p)
    check(p["rating"] == 5.0 and p["ratingCount"] == 1, "performance rating %r" % p)
    check(p["earnings"] == {"total": 20000, "currency": "EGP",
                            "basis": "completed_booking_totals"}, "earnings %r" % p)
    check(p["responseTime"]["samples"] == 1 and p["responseTime"]["averageSeconds"] >= 0,
          "response time %r" % p["responseTime"])


# ------------------------------------------------------------------ performance

def test_performance_roles_and_figures():
    t = make_user_with_role("technician")
    t2 = make_user_with_role("technician")
    c = register_user(role="customer")
    sid = make_service(price=12345)
    for st in ("completed", "completed", "paid", "cancelled", "on_way"):
        booking(c, sid, t, st)
    # the response: assigned an hour before setting off, written into the history
    bid = booking(c, sid, t, "on_way")
    db_query("UPDATE booking_history SET created_at = created_at - INTERVAL 3600 SECOND"
             " WHERE booking_id = %d AND event = 'assign'" % bid)
    db_query("INSERT INTO booking_history (booking_id, from_status, to_status, event, actor_id,"
             " actor_role) VALUES (%d, 'technician_assigned', 'on_way', 'depart', %d,"
             " 'technician')" % (bid, t["id"]))
    path = "/api/technicians/%d/performance" % t["id"]
    for tok in (admin_token(), make_user_with_role("moderator")["token"], t["token"]):
        p = expect(200, api("GET", path, token=tok))["data"]["performance"]
        check(p["assignedBookings"] == 6 and p["completedBookings"] == 3 and
              p["cancelledBookings"] == 1 and p["completionRate"] == 0.75, "figures %r" % p)
        check(p["earnings"]["total"] == 3 * 12345, "earnings %r" % p["earnings"])
        check(p["responseTime"]["samples"] == 1 and
              3595 <= p["responseTime"]["averageSeconds"] <= 3605, "response %r" % p)
    expect(403, api("GET", path, token=t2["token"]))
    expect(403, api("GET", path, token=c["token"]))
    expect(401, api("GET", path))
    expect_bilingual("GET", path, token=t2["token"], status=403)
    expect(404, api("GET", "/api/technicians/%d/performance" % c["id"], token=admin_token()))
    p = expect(200, api("GET", "/api/technicians/%d/performance" % t2["id"],
                        token=t2["token"]))["data"]["performance"]
    check(p["assignedBookings"] == 0 and p["completionRate"] is None and
          p["responseTime"]["averageSeconds"] is None, "a new technician %r" % p)


# ------------------------------------------------------------------ concurrency

def test_tallies_stay_exact_under_sixteen_parallel_writes():
    t = make_user_with_role("technician")
    sid = make_service()
    customers = [register_user(role="customer") for _ in range(16)]
    bids = [booking(c, sid, t) for c in customers]
    res = at_once(*[(lambda c=c, b=b, s=s: api("POST", "/api/reviews",
                                                {"bookingId": b, "rating": 1 + s % 5},
                                                token=c["token"]))
                    for s, (c, b) in enumerate(zip(customers, bids))])
    check([r.status for r in res] == [201] * 16, "parallel creates %s" % [
        r.describe() for r in res if r.status != 201])
    rids = [r.body["data"]["id"] for r in res]
    check(check_exact(user_id=t["id"])[1] == 16, "count after 16 creates")
    check_exact(service_id=sid)
    # edits, deletes, hides and the same booking twice, all at once
    calls = []
    for i, (c, rid) in enumerate(zip(customers, rids)):
        if i % 4 == 0:
            calls.append(lambda c=c, rid=rid: api("DELETE", "/api/reviews/%d" % rid,
                                                  token=c["token"]))
        elif i % 4 == 1:
            calls.append(lambda rid=rid: api("PUT", "/api/reviews/%d" % rid,
                                             {"isHidden": True}, token=admin_token()))
        else:
            calls.append(lambda c=c, rid=rid, i=i: api("PUT", "/api/reviews/%d" % rid,
                                                       {"rating": 5 - i % 5},
                                                       token=c["token"]))
    calls.append(lambda: api("POST", "/api/reviews", {"bookingId": bids[2], "rating": 5},
                             token=customers[2]["token"]))
    res = at_once(*calls)
    check(all(r.status == 200 for r in res[:16]) and res[16].status == 409,
          "parallel changes %s" % [r.describe() for r in res if r.status not in (200, 409)])
    stored = check_exact(user_id=t["id"])
    check(stored[1] == 8, "published after the changes: %s" % stored)
    check_exact(service_id=sid)
    # and sixteen ratings of fresh bookings racing with re-ratings of the old ones
    more = [booking(c, sid, t) for c in customers]
    calls = [(lambda c=c, b=b, i=i: api("PUT", "/api/booking/%d/rating" % b,
                                         {"rating": 1 + i % 5}, token=c["token"]))
             for i, (c, b) in enumerate(zip(customers, more))]
    res = at_once(*calls)
    check(all(r.status in (200, 201) for r in res), "parallel ratings %s"
          % [r.describe() for r in res if r.status not in (200, 201)])
    stored = check_exact(user_id=t["id"])
    check(stored[1] == 24, "published at the end: %s" % stored)
    check_exact(service_id=sid)


# ------------------------------------------------------------------ staff list by rating

def test_staff_list_of_technicians_by_rating():
    ts = [make_user_with_role("technician") for _ in range(5)]
    for t, r in zip(ts, ("4.50", "4.50", "3.25", "5.00", "0.50")):
        db_query("UPDATE users SET rating = %s WHERE id = %d" % (r, t["id"]))
    want = [int(r[0]) for r in db_query(
        "SELECT u.id FROM users u JOIN technician_profiles p ON p.user_id = u.id"
        " WHERE u.role = 'technician' AND u.deleted_at IS NULL"
        " ORDER BY u.rating DESC, u.id DESC")]
    # pages of 3 while the test database is small, larger ones when other suites have
    # filled it (the order is the same; the cursor is what is under test)
    limit = 3 if len(want) <= 120 else 100
    ids, body = walk("/api/technicians", limit, token=admin_token(),
                     max_pages=len(want) // limit + 3, sort="rating")
    check(ids == want, "by rating %s, expected %s" % (ids[:20], want[:20]))
    mine = [i for i in ids if i in {t["id"] for t in ts}]
    check(mine == [ts[3]["id"], ts[1]["id"], ts[0]["id"], ts[2]["id"], ts[4]["id"]],
          "ties and order %s" % mine)
    first = expect_list(api("GET", q("/api/technicians", sort="rating", limit=1),
                            token=admin_token()), limit=1)["data"][0]
    check(first["rating"] >= 5.0, "best first %r" % first["rating"])
    # the newest-first list and its cursor are another order
    newest = expect_list(api("GET", q("/api/technicians", limit=1), token=admin_token()),
                         limit=1)["pagination"]["nextCursor"]
    expect(422, api("GET", q("/api/technicians", sort="rating", cursor=newest),
                    token=admin_token()), "VALIDATION_ERROR", ["cursor"])
    expect(422, api("GET", q("/api/technicians", sort="rating", status="available"),
                    token=admin_token()), "VALIDATION_ERROR", ["sort"])
    expect(422, api("GET", q("/api/technicians", sort="stars"), token=admin_token()),
           "VALIDATION_ERROR", ["sort"])
    expect(403, api("GET", q("/api/technicians", sort="rating"), token=ts[0]["token"]))
    expect_bilingual("GET", q("/api/technicians", sort="rating", city="Cairo"),
                     token=admin_token(), status=422)


# ------------------------------------------------------------------ plans

def test_list_statements_read_their_index():
    """--explain-lists EXPLAINs every reviews list statement (tests/api/test_lists.py
    judges all families' plans on loaded tables); here: each reads its own index."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    db_query("ANALYZE TABLE reviews, bookings, booking_history")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
    plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\treviews\t")]
    stmts = {l.split("\t")[2] for l in out.splitlines() if l.startswith("stmt\treviews\t")}
    check(len(stmts) == 16, "reviews list statements explained: %s" % sorted(stmts))
    rating = [l.split("\t") for l in out.splitlines() if l.startswith("plan\ttechnicians\t")
              and "ix_users_technician_rating" in l]
    check(len(rating) == 1 and "filesort" not in rating[0][-1], "the list by rating: %s" % rating)
    for cols in plans:
        f = dict(c.split("=", 1) for c in cols[3:])
        if f["table"] == "r":
            check(f["key"].startswith("ix_reviews_") and "filesort" not in f["Extra"],
                  "reviews read without its index: %s" % "\t".join(cols))
        elif f["table"] == "u":
            check(f["key"] == "PRIMARY", "users not joined by key: %s" % "\t".join(cols))
        elif f["table"] == "b":
            check(f["key"] == "ix_bookings_technician", "bookings read: %s" % "\t".join(cols))
        elif f["table"] in ("h", "h2"):
            check(f["key"] == "ix_booking_history_booking", "history read: %s"
                  % "\t".join(cols))


if __name__ == "__main__":
    run(globals())
