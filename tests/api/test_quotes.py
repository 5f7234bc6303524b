"""/api/jobs/:jobId/quotes: seed 001's quotes (§5.4, §6.3; docs/bookings.md "Jobs").

A technician quotes on an open job (its category among their specializations, or an
accepted invitation); one live quote per technician and job; they revise or withdraw it
until it is accepted. The client sees every quote, a technician only their own. The
accept is one transaction: the job hired with the price and craftsman, that quote
Accepted, every other Declined, every quoter told; of two accepts at once exactly one
wins."""
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, db_query, db_scalar, at_once, uniq, run)


def client():
    return make_user_with_role("customer")


def craftsman(specializations=("plumbing",)):
    t = make_user_with_role("technician")
    if specializations:
        expect(200, api("PUT", "/api/technicians/%d" % t["id"],
                        {"specializations": list(specializations)}, token=t["token"]))
    return t


def post_job(owner, category="plumbing"):
    return expect(201, api("POST", "/api/jobs", {
        "title": "Broken water heater " + uniq(6), "description": "No hot water since Monday.",
        "category": category, "address": "3 Nile St"}, token=owner["token"]))["data"]


def quote(t, job, price=30000, status=201, **extra):
    body = {"price": price}
    body.update(extra)
    r = api("POST", "/api/jobs/%d/quotes" % job["id"], body, token=t["token"])
    return expect(status, r)["data"] if status == 201 else r


def iso(delta_seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def notes_of(user_id, type_="quote"):
    return int(db_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = %d AND"
                         " type = '%s'" % (user_id, type_)))


def test_a_technician_quotes_and_the_job_becomes_quoted():
    c, t = client(), craftsman()
    j = post_job(c)
    n = notes_of(c["id"])
    qt = quote(t, j, 35000, notes="Parts included", validUntil=iso(86400))
    check(qt["status"] == "Pending" and qt["price"] == 35000 and qt["currency"] == "EGP", qt)
    check(qt["craftsmanId"] == t["id"] and qt["craftsman"]["firstName"], qt)
    check("email" not in qt["craftsman"] and "phone" not in qt["craftsman"], qt)
    check(qt["revisions"] == 0 and qt["validUntil"], qt)
    check(notes_of(c["id"]) == n + 1, "the client is told of the quote (§2.5)")
    body = expect(200, api("GET", "/api/jobs/%d" % j["id"], token=c["token"]))
    check(body["data"]["status"] == "Quoted", body)
    hist = db_query("SELECT from_status, to_status, event, actor_id FROM booking_history"
                    " WHERE booking_id = %d ORDER BY id" % j["id"])
    check(hist[-1] == ["posted", "quoted", "quote", None], hist)
    rt = db_query("SELECT event FROM realtime_events WHERE room = 'booking:%d'" % j["id"])
    check(["job:quote-submitted"] in rt and ["booking:status-update"] in rt, rt)
    # a second technician's quote leaves it quoted
    quote(craftsman(), j, 30000)
    check(db_scalar("SELECT status FROM bookings WHERE id = %d" % j["id"]) == "quoted", "")


def test_one_live_quote_per_technician_per_job():
    c, t = client(), craftsman()
    j = post_job(c)
    qt = quote(t, j)
    expect(409, quote(t, j, status=409), code="CONFLICT")
    # withdrawn, a new one is allowed
    expect(200, api("POST", "/api/jobs/%d/quotes/%d/withdraw" % (j["id"], qt["id"]),
                    token=t["token"]))
    q2 = quote(t, j, 28000)
    check(q2["id"] != qt["id"], q2)
    # the unique key holds even past the handler's check
    st = db_query("SELECT status, live FROM quotes WHERE job_id = %d ORDER BY id" % j["id"])
    check(st == [["Withdrawn", None], ["Pending", "1"]], st)


def test_who_may_quote():
    c, other = client(), client()
    j = post_job(c)
    # clients and staff do not quote (route: technicians)
    expect(403, quote(c, j, status=403), code="FORBIDDEN")
    expect(403, api("POST", "/api/jobs/%d/quotes" % j["id"], {"price": 1},
                    token=admin_token()))
    # a technician without the category, and without an accepted invitation: 403
    elec = craftsman(specializations=("electrical",))
    expect(403, quote(elec, j, status=403), code="FORBIDDEN")
    # ... a pending invitation is not enough; an accepted one is
    expect(201, api("POST", "/api/jobs/%d/invite" % j["id"], {"craftsmanId": elec["id"]},
                    token=c["token"]))
    expect(403, quote(elec, j, status=403))
    expect(200, api("POST", "/api/jobs/%d/invitations/respond" % j["id"],
                    {"response": "Accepted"}, token=elec["token"]))
    quote(elec, j)
    # a job that does not exist, or a service booking: 404
    expect(404, api("POST", "/api/jobs/999999999/quotes", {"price": 1},
                    token=elec["token"]))
    # bad input: 422 naming the field, in both languages
    t = craftsman()
    for body, field in (({}, "price"), ({"price": 0}, "price"), ({"price": "cheap"}, "price"),
                        ({"price": 1.5}, "price"),
                        ({"price": 10, "notes": "x" * 2001}, "notes"),
                        ({"price": 10, "validUntil": "soon"}, "validUntil"),
                        ({"price": 10, "validUntil": iso(-60)}, "validUntil")):
        expect(422, api("POST", "/api/jobs/%d/quotes" % j["id"], body, token=t["token"]),
               code="VALIDATION_ERROR", fields=[field])
    m_en, m_ar = expect_bilingual("POST", "/api/jobs/%d/quotes" % j["id"], {"price": 0},
                                  token=t["token"], status=422)
    check(m_en != m_ar, "bilingual")
    # a closed job takes no quotes
    expect(200, api("DELETE", "/api/jobs/%d" % j["id"], token=c["token"]))
    expect(409, quote(elec, j, status=409), code="CONFLICT")
    expect(404, quote(t, j, status=404))   # never took part: it is gone from their view


def test_who_sees_which_quotes():
    c, other, t1, t2 = client(), client(), craftsman(), craftsman()
    j = post_job(c)
    q1, q2 = quote(t1, j, 10000), quote(t2, j, 20000)
    path = "/api/jobs/%d/quotes" % j["id"]
    body = expect_list(api("GET", path, token=c["token"]), limit=200)
    check([x["id"] for x in body["data"]] == [q1["id"], q2["id"]], body)
    body = expect_list(api("GET", path, token=t1["token"]), limit=200)
    check([x["id"] for x in body["data"]] == [q1["id"]], "a technician sees their own only")
    body = expect_list(api("GET", path, token=craftsman()["token"]), limit=200)
    check(body["data"] == [], body)
    expect_list(api("GET", path, token=admin_token()), limit=200)
    expect(404, api("GET", path, token=other["token"]), code="NOT_FOUND")
    expect(404, api("GET", "/api/jobs/999999999/quotes", token=c["token"]))
    expect(401, api("GET", path))


def test_revise_and_withdraw_until_accepted():
    c, t, t2 = client(), craftsman(), craftsman()
    j = post_job(c)
    qt = quote(t, j, 40000)
    path = "/api/jobs/%d/quotes/%d" % (j["id"], qt["id"])
    n = notes_of(c["id"])
    body = expect(200, api("PUT", path, {"price": 38000, "notes": "a better price"},
                           token=t["token"]))
    check(body["data"]["price"] == 38000 and body["data"]["revisions"] == 1, body)
    check(notes_of(c["id"]) == n + 1, "the client hears of the revision")
    body = expect(200, api("PUT", path, {"validUntil": iso(3600)}, token=t["token"]))
    check(body["data"]["revisions"] == 2 and body["data"]["price"] == 38000, body)
    expect(422, api("PUT", path, {}, token=t["token"]), fields={"body": "NO_KNOWN_FIELD"})
    expect(422, api("PUT", path, {"price": -5}, token=t["token"]), fields=["price"])
    # only its technician: another technician's is 404, a client's 403
    expect(404, api("PUT", path, {"price": 1}, token=t2["token"]))
    expect(404, api("POST", path + "/withdraw", token=t2["token"]))
    expect(403, api("PUT", path, {"price": 1}, token=c["token"]), code="FORBIDDEN")
    expect(404, api("PUT", "/api/jobs/%d/quotes/999999999" % j["id"], {"price": 1},
                    token=t["token"]))
    # accepted: no more changes
    expect(200, api("POST", path + "/accept", token=c["token"]))
    expect(409, api("PUT", path, {"price": 1}, token=t["token"]), code="CONFLICT")
    expect(409, api("POST", path + "/withdraw", token=t["token"]), code="CONFLICT")
    # a withdrawn quote cannot be withdrawn again, nor accepted
    j2 = post_job(c)
    q2 = quote(t2, j2)
    p2 = "/api/jobs/%d/quotes/%d" % (j2["id"], q2["id"])
    body = expect(200, api("POST", p2 + "/withdraw", token=t2["token"]))
    check(body["data"]["status"] == "Withdrawn", body)
    expect(409, api("POST", p2 + "/withdraw", token=t2["token"]))
    expect(409, api("POST", p2 + "/accept", token=c["token"]), code="CONFLICT")


def test_accept_hires_in_one_transaction():
    c, other = client(), client()
    t1, t2, t3 = craftsman(), craftsman(), craftsman()
    j = post_job(c)
    q1, q2, q3 = quote(t1, j, 50000), quote(t2, j, 45000), quote(t3, j, 47000)
    expect(200, api("POST", "/api/jobs/%d/quotes/%d/withdraw" % (j["id"], q3["id"]),
                    token=t3["token"]))
    path = "/api/jobs/%d/quotes/%d/accept" % (j["id"], q2["id"])
    # only the owning client
    expect(403, api("POST", path, token=t2["token"]), code="FORBIDDEN")
    expect(403, api("POST", path, token=admin_token()), code="FORBIDDEN")
    expect(404, api("POST", path, token=other["token"]), code="NOT_FOUND")
    expect(404, api("POST", "/api/jobs/%d/quotes/999999999/accept" % j["id"],
                    token=c["token"]))
    before = {u["id"]: notes_of(u["id"]) for u in (t1, t2, t3)}
    body = expect(200, api("POST", path, token=c["token"]))
    d = body["data"]
    check(d["status"] == "Hired" and d["craftsmanId"] == t2["id"] and d["jobPrice"] == 45000,
          d)
    check(d["hiredAt"] and d["acceptedQuote"]["id"] == q2["id"] and
          d["acceptedQuote"]["status"] == "Accepted", d)
    st = dict((int(r[0]), r[1]) for r in db_query(
        "SELECT id, status FROM quotes WHERE job_id = %d" % j["id"]))
    check(st == {q1["id"]: "Declined", q2["id"]: "Accepted", q3["id"]: "Withdrawn"}, st)
    row = db_query("SELECT status, technician_id, total, start_code_hash IS NOT NULL"
                   " FROM bookings WHERE id = %d" % j["id"])[0]
    check(row == ["hired", str(t2["id"]), "45000", "1"], row)
    check(notes_of(t1["id"]) == before[t1["id"]] + 1, "the declined quoter is told")
    check(notes_of(t2["id"]) == before[t2["id"]] + 1, "the hired craftsman is told")
    check(notes_of(t3["id"]) == before[t3["id"]], "a withdrawn quote hears nothing")
    # the hired craftsman sees the job; the others see it too (they quoted)
    expect(200, api("GET", "/api/jobs/%d" % j["id"], token=t2["token"]))
    expect(200, api("GET", "/api/jobs/%d" % j["id"], token=t1["token"]))
    # no second accept
    expect(409, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j["id"], q1["id"]),
                    token=c["token"]), code="CONFLICT")


def test_an_expired_quote_cannot_be_accepted():
    c, t = client(), craftsman()
    j = post_job(c)
    qt = quote(t, j, validUntil=iso(3600))
    db_query("UPDATE quotes SET valid_until = NOW(3) - INTERVAL 1 MINUTE WHERE id = %d"
             % qt["id"])
    expect(409, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j["id"], qt["id"]),
                    token=c["token"]), code="CONFLICT")
    check(db_scalar("SELECT status FROM bookings WHERE id = %d" % j["id"]) == "quoted", "")


def test_two_accepts_at_once_exactly_one_wins():
    for _ in range(3):
        c, t1, t2 = client(), craftsman(), craftsman()
        j = post_job(c)
        q1, q2 = quote(t1, j, 10000), quote(t2, j, 12000)
        a = lambda qid: (lambda: api("POST", "/api/jobs/%d/quotes/%d/accept" % (j["id"], qid),
                                     token=c["token"]))
        r1, r2 = at_once(a(q1["id"]), a(q2["id"]))
        got = sorted([r1.status, r2.status])
        check(got == [200, 409], "two accepts: %s / %s" % (r1.describe(), r2.describe()))
        winner = q1 if r1.status == 200 else q2
        st = dict((int(r[0]), r[1]) for r in db_query(
            "SELECT id, status FROM quotes WHERE job_id = %d" % j["id"]))
        check(sorted(st.values()) == ["Accepted", "Declined"] and
              st[winner["id"]] == "Accepted", st)
        tech = db_scalar("SELECT technician_id FROM bookings WHERE id = %d" % j["id"])
        check(int(tech) == winner["craftsmanId"], (tech, winner))
        hires = db_scalar("SELECT COUNT(*) FROM booking_history WHERE booking_id = %d AND"
                          " event = 'hire'" % j["id"])
        check(int(hires) == 1, "one hire in the history")


def test_two_quotes_of_one_technician_at_once():
    """One live quote per technician and job holds under a race (the job's row lock and,
    behind it, the unique key)."""
    c, t = client(), craftsman()
    j = post_job(c)
    go = lambda p: (lambda: api("POST", "/api/jobs/%d/quotes" % j["id"], {"price": p},
                                token=t["token"]))
    r1, r2 = at_once(go(10000), go(11000))
    check(sorted([r1.status, r2.status]) == [201, 409], "%s / %s" % (r1.describe(),
                                                                    r2.describe()))
    n = db_scalar("SELECT COUNT(*) FROM quotes WHERE job_id = %d" % j["id"])
    check(int(n) == 1, "one quote stored, not %s" % n)


def test_two_invitations_of_one_craftsman_at_once():
    c, t = client(), craftsman()
    j = post_job(c)
    go = lambda: api("POST", "/api/jobs/%d/invite" % j["id"], {"craftsmanId": t["id"]},
                     token=c["token"])
    r1, r2 = at_once(go, go)
    check(sorted([r1.status, r2.status]) == [201, 409], "%s / %s" % (r1.describe(),
                                                                    r2.describe()))



def test_payment_type_and_platform_fee_are_fixed_at_acceptance():
    """Seed 001 §6.2: paymentType (Escrow, Cash, CashProtected; either spelling in, the
    Title Case out) is the client's choice while the job is open and again at the
    acceptance; the acceptance fixes it (cash when never named) and records the platform
    fee, platform_fee_bps (seeded 1000: 10 %) of the price, rounded half up."""
    bps = int(json.loads(db_scalar("SELECT value FROM settings WHERE `key` = 'platform_fee_bps'")))
    c, t = client(), craftsman()
    # named when posting, changed while open
    j = expect(201, api("POST", "/api/jobs", {
        "title": "Paint the hall " + uniq(6), "description": "Two coats.",
        "category": "plumbing", "address": "3 Nile St", "paymentType": "escrow"},
        token=c["token"]))["data"]
    check(j["paymentType"] == "Escrow" and j["platformFee"] == 0, j)
    j = expect(200, api("PUT", "/api/jobs/%d" % j["id"], {"paymentType": "Cash Protected"},
                        token=c["token"]))["data"]
    check(j["paymentType"] == "CashProtected", j)
    q1 = quote(t, j, 12345)
    d = expect(200, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j["id"], q1["id"]),
                        token=c["token"]))["data"]
    fee = (12345 * bps + 5000) // 10000
    check(d["paymentType"] == "CashProtected" and d["jobPrice"] == 12345 and
          d["platformFee"] == fee, d)
    row = db_query("SELECT payment_type, platform_fee FROM bookings WHERE id = %d" % j["id"])
    check(row == [["cash_protected", str(fee)]], row)
    # fixed now: a hired job is no longer edited
    expect(409, api("PUT", "/api/jobs/%d" % j["id"], {"paymentType": "Cash"},
                    token=c["token"]))
    # named at the acceptance: it wins over the job's
    j2 = post_job(c)
    check(j2["paymentType"] is None, j2)
    q2 = quote(t, j2, 30000)
    d = expect(200, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j2["id"], q2["id"]),
                        {"paymentType": "ESCROW"}, token=c["token"]))["data"]
    check(d["paymentType"] == "Escrow" and d["platformFee"] == (30000 * bps + 5000) // 10000, d)
    # never named: cash; PATCH status "Hired" with a quote takes it as well
    j3 = post_job(c)
    q3 = quote(t, j3, 20000)
    d = expect(200, api("PATCH", "/api/jobs/%d/status" % j3["id"],
                        {"status": "Hired", "quoteId": q3["id"]}, token=c["token"]))["data"]
    check(d["paymentType"] == "Cash", d)
    j4 = post_job(c)
    q4 = quote(t, j4, 20000)
    d = expect(200, api("PATCH", "/api/jobs/%d/status" % j4["id"],
                        {"status": "hire", "quoteId": q4["id"], "paymentType": "cash_protected"},
                        token=c["token"]))["data"]
    check(d["paymentType"] == "CashProtected", d)


def test_bad_payment_types_are_422_and_change_nothing():
    c, t = client(), craftsman()
    base = {"title": "Fix the sink " + uniq(6), "description": "Blocked.",
            "category": "plumbing", "address": "3 Nile St"}
    for bad in ("card", "", 5, None):
        body = dict(base, paymentType=bad)
        expect(422, api("POST", "/api/jobs", body, token=c["token"]), fields=["paymentType"])
    expect_bilingual("POST", "/api/jobs", dict(base, paymentType="card"), token=c["token"],
                     status=422)
    j = post_job(c)
    expect(422, api("PUT", "/api/jobs/%d" % j["id"], {"paymentType": "bitcoin"},
                    token=c["token"]), fields=["paymentType"])
    q1 = quote(t, j, 30000)
    path = "/api/jobs/%d/quotes/%d/accept" % (j["id"], q1["id"])
    expect(422, api("POST", path, {"paymentType": "wallet"}, token=c["token"]),
           fields=["paymentType"])
    row = db_query("SELECT status, payment_type, platform_fee FROM bookings WHERE id = %d"
                   % j["id"])
    check(row == [["quoted", None, "0"]], row)
    check(db_scalar("SELECT status FROM quotes WHERE id = %d" % q1["id"]) == "Pending",
          "the quote is still pending")

run(globals())
