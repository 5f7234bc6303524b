#!/usr/bin/env python3
"""Disputes (seed 001 §2.3, §5.7, §5.8; docs/bookings.md "Disputes").

A party of a job (its client or hired craftsman) opens a dispute while the job is hired,
on the way, in progress, or completed within the window: the job becomes Disputed
through the state machine. Parties and staff read it and add evidence (a message, a
private file of the author's own); staff list them and read the resolution stats; an
admin decides (refund, release, split), the job moves on, both parties are told. The
clock: opened, first staff response, resolved."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, db_query, db_scalar, at_once, uniq, run,
                         outbox_rows)
import upload_media as m


def client():
    return make_user_with_role("customer")


def craftsman():
    t = make_user_with_role("technician")
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"specializations": ["plumbing"]},
                    token=t["token"]))
    return t


def hired_job(price=40000):
    c, t = client(), craftsman()
    j = expect(201, api("POST", "/api/jobs", {
        "title": "Leaking pipe " + uniq(6), "description": "Water under the sink.",
        "category": "plumbing", "address": "3 Nile St"}, token=c["token"]))["data"]
    qt = expect(201, api("POST", "/api/jobs/%d/quotes" % j["id"], {"price": price},
                         token=t["token"]))["data"]
    expect(200, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j["id"], qt["id"]),
                    token=c["token"]))
    return c, t, j


def move(j, who, word, **extra):
    body = {"status": word}
    body.update(extra)
    return expect(200, api("PATCH", "/api/jobs/%d/status" % j["id"], body, token=who["token"]))


def completed_job():
    c, t, j = hired_job()
    rows = outbox_rows(c["id"], "booking_start_code")
    move(j, t, "On The Way")
    move(j, t, "In Progress", startCode=rows[0][2]["code"])
    move(j, t, "Completed")
    return c, t, j


def open_dispute(who, j, status=201, **extra):
    body = {"jobId": j["id"], "reason": "poor_quality", "description": "The pipe leaks again."}
    body.update(extra)
    r = api("POST", "/api/disputes", body, token=who["token"])
    return expect(status, r)["data"] if status == 201 else r


def job_status(j):
    return db_scalar("SELECT status FROM bookings WHERE id = %d" % j["id"])


def notes(user_id):
    return int(db_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = %d AND"
                         " type = 'dispute'" % user_id))


def private_file(user, name="photo.pdf"):
    body, ctype = m.form([("file", name, "application/pdf", m.pdf("evidence " + uniq(6))),
                          ("private", "true")])
    r = api("POST", "/api/files", raw=body, token=user["token"],
            headers={"Content-Type": ctype})
    return expect(201, r)["data"]["file"]


def admin():
    return {"token": admin_token()}


def test_a_client_disputes_a_hired_job():
    c, t, j = hired_job()
    n_t = notes(t["id"])
    d = open_dispute(c, j)
    check(d["status"] == "open" and d["jobId"] == j["id"] and d["openedBy"] == c["id"], d)
    check(d["openerRole"] == "client" and d["reason"] == "poor_quality", d)
    check(d["openedAt"] and d["firstResponseAt"] is None and d["resolvedAt"] is None, d)
    check(d["evidence"] == [], d)
    check(job_status(j) == "disputed", "the job is disputed")
    hist = db_query("SELECT from_status, to_status, event, actor_id FROM booking_history"
                    " WHERE booking_id = %d ORDER BY id DESC LIMIT 1" % j["id"])
    check(hist[0] == ["hired", "disputed", "dispute", str(c["id"])], hist)
    check(notes(t["id"]) == n_t + 1, "the craftsman is told")
    admins = db_query("SELECT id FROM users WHERE role = 'admin' AND is_active = 1 AND"
                      " is_banned = 0 AND deleted_at IS NULL ORDER BY id LIMIT 1")
    if admins:
        check(int(db_scalar("SELECT COUNT(*) FROM notifications WHERE type = 'dispute' AND"
                            " user_id = %s AND JSON_VALUE(data, '$.disputeId') = %d"
                            % (admins[0][0], d["id"]))) == 1, "an admin is told")
    # one open dispute per job
    expect(409, open_dispute(t, j, status=409), code="CONFLICT")


def test_the_craftsman_disputes_in_progress_and_completed_jobs():
    c, t, j = hired_job()
    rows = outbox_rows(c["id"], "booking_start_code")
    move(j, t, "On The Way")
    move(j, t, "In Progress", startCode=rows[0][2]["code"])
    d = open_dispute(t, j, reason="conduct")
    check(d["openerRole"] == "craftsman" and job_status(j) == "disputed", d)
    c2, t2, j2 = completed_job()
    d2 = open_dispute(c2, j2)
    check(d2["status"] == "open" and job_status(j2) == "disputed", d2)


def test_a_job_in_a_wrong_status_is_409_and_nothing_changes():
    c = client()
    j = expect(201, api("POST", "/api/jobs", {
        "title": "Paint a room " + uniq(6), "description": "Two walls.",
        "category": "plumbing", "address": "3 Nile St"}, token=c["token"]))["data"]
    before = int(db_scalar("SELECT COUNT(*) FROM booking_history WHERE booking_id = %d"
                           % j["id"]))
    expect(409, open_dispute(c, j, status=409), code="CONFLICT")
    check(job_status(j) == "posted", "unchanged")
    check(int(db_scalar("SELECT COUNT(*) FROM disputes WHERE booking_id = %d" % j["id"]))
          == 0, "no dispute row")
    check(int(db_scalar("SELECT COUNT(*) FROM booking_history WHERE booking_id = %d"
                        % j["id"])) == before, "no history row")
    # completed too long ago: the window has passed
    c2, t2, j2 = completed_job()
    db_query("UPDATE booking_history SET created_at = created_at - INTERVAL 8 DAY WHERE"
             " booking_id = %d" % j2["id"])
    expect(409, open_dispute(c2, j2, status=409), code="CONFLICT")
    check(job_status(j2) == "completed", "unchanged")
    # cancelled
    c3, t3, j3 = hired_job()
    expect(200, api("DELETE", "/api/jobs/%d" % j3["id"], token=c3["token"]))
    expect(409, open_dispute(c3, j3, status=409), code="CONFLICT")


def test_bad_input_is_422_naming_the_field_in_both_languages():
    c, t, j = hired_job()
    expect(422, api("POST", "/api/disputes", {"reason": "poor_quality"}, token=c["token"]),
           fields={"jobId": "REQUIRED"})
    expect(422, api("POST", "/api/disputes", {"jobId": j["id"], "reason": "angry"},
                    token=c["token"]), fields=["reason"])
    expect(422, api("POST", "/api/disputes", {"jobId": j["id"], "reason": "other",
                                              "description": "x" * 4001}, token=c["token"]),
           fields=["description"])
    expect_bilingual("POST", "/api/disputes", {"jobId": j["id"]}, token=c["token"],
                     status=422)
    d = open_dispute(c, j)
    ev = "/api/disputes/%d/evidence" % d["id"]
    expect(422, api("POST", ev, {}, token=c["token"]), fields={"message": "REQUIRED"})
    expect_bilingual("POST", ev, {}, token=c["token"], status=422)
    res = "/api/admin/disputes/%d/resolve" % d["id"]
    a = admin()
    expect(422, api("POST", res, {}, token=a["token"]), fields={"decision": "REQUIRED"})
    expect(422, api("POST", res, {"decision": "split"}, token=a["token"]),
           fields=["clientPercent"])
    expect(422, api("POST", res, {"decision": "split", "clientPercent": 101},
                    token=a["token"]), fields=["clientPercent"])
    expect(422, api("POST", res, {"decision": "refund_client", "clientAmount": 5},
                    token=a["token"]), fields=["clientAmount"])
    expect(422, api("POST", res, {"decision": "split", "clientAmount": 40001},
                    token=a["token"]), fields=["clientAmount"])
    expect_bilingual("POST", res, {"decision": "half"}, token=a["token"], status=422)
    expect(422, api("GET", "/api/admin/disputes?status=closed", token=a["token"]),
           fields=["status"])
    check(db_scalar("SELECT status FROM disputes WHERE id = %d" % d["id"]) == "open",
          "nothing resolved by bad input")


def test_who_sees_a_dispute():
    c, t, j = hired_job()
    d = open_dispute(c, j)
    path = "/api/disputes/%d" % d["id"]
    for who in (c, t, admin(), make_user_with_role("moderator")):
        body = expect(200, api("GET", path, token=who["token"]))
        check(body["data"]["id"] == d["id"], body)
    # strangers: another client, another craftsman, the job's quoter not hired: 404
    for who in (client(), craftsman()):
        expect(404, api("GET", path, token=who["token"]))
        expect(404, api("POST", path + "/evidence", {"message": "hi"}, token=who["token"]))
    expect(404, api("GET", "/api/disputes/999999999", token=c["token"]))
    expect(401, api("GET", path))
    # a stranger cannot open one on someone else's job
    c2, t2, j2 = hired_job()
    expect(404, open_dispute(client(), j2, status=404))
    expect(404, open_dispute(craftsman(), j2, status=404))


def test_refused_roles_are_403():
    c, t, j = hired_job()
    d = open_dispute(c, j)
    a = admin()
    mod = make_user_with_role("moderator")
    # staff do not open disputes
    expect(403, open_dispute(a, j, status=403))
    # parties do not list, read stats or resolve
    for who in (c, t):
        expect(403, api("GET", "/api/admin/disputes", token=who["token"]))
        expect(403, api("GET", "/api/admin/disputes/stats", token=who["token"]))
        expect(403, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                        {"decision": "refund_client"}, token=who["token"]))
    # moderators follow disputes but the decision over money is the admins'
    expect_list(api("GET", "/api/admin/disputes", token=mod["token"]))
    expect(403, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                    {"decision": "refund_client"}, token=mod["token"]))
    check(db_scalar("SELECT status FROM disputes WHERE id = %d" % d["id"]) == "open", "")


def test_evidence_messages_files_and_the_first_response():
    c, t, j = hired_job()
    d = open_dispute(c, j)
    ev = "/api/disputes/%d/evidence" % d["id"]
    mine = private_file(c)
    body = expect(201, api("POST", ev, {"message": "Photo of the leak", "fileId": mine["id"]},
                           token=c["token"]))["data"]
    e = body["evidence"][-1]
    check(e["authorId"] == c["id"] and e["authorRole"] == "client", e)
    check(e["file"]["id"] == mine["id"] and e["file"]["filename"], e)
    check(body["firstResponseAt"] is None and body["status"] == "open",
          "a party's evidence is no staff response")
    # a file only, by the craftsman
    tf = private_file(t)
    body = expect(201, api("POST", ev, {"fileId": tf["id"]}, token=t["token"]))["data"]
    check(body["evidence"][-1]["message"] is None and body["evidence"][-1]["file"], body)
    # another user's file, a public file, no file: refused naming fileId
    expect(422, api("POST", ev, {"fileId": tf["id"]}, token=c["token"]),
           fields={"fileId": "INVALID_VALUE"})
    body_, ctype = m.form([("file", "pub.pdf", "application/pdf", m.pdf("pub " + uniq(6)))])
    pub = expect(201, api("POST", "/api/files", raw=body_, token=c["token"],
                          headers={"Content-Type": ctype}))["data"]["file"]
    expect(422, api("POST", ev, {"fileId": pub["id"]}, token=c["token"]),
           fields={"fileId": "INVALID_VALUE"})
    expect(422, api("POST", ev, {"fileId": 999999999}, token=c["token"]),
           fields={"fileId": "INVALID_VALUE"})
    n = int(db_scalar("SELECT COUNT(*) FROM dispute_evidence WHERE dispute_id = %d"
                      % d["id"]))
    check(n == 2, "refused evidence leaves no row: %d" % n)
    # a file given as evidence stays: its owner cannot delete it
    expect(409, api("DELETE", "/api/files/%d" % mine["id"], token=c["token"]),
           fields={"id": "IN_USE"})
    check(int(db_scalar("SELECT COUNT(*) FROM uploads WHERE id = %d" % mine["id"])) == 1, "")
    # staff's first answer starts the clock and the review
    mod = make_user_with_role("moderator")
    n_c = notes(c["id"])
    body = expect(201, api("POST", ev, {"message": "We are looking into it."},
                           token=mod["token"]))["data"]
    check(body["status"] == "under_review" and body["firstResponseAt"], body)
    check(body["evidence"][-1]["authorRole"] == "moderator", body)
    check(notes(c["id"]) == n_c + 1, "the client is told of new evidence")
    first = body["firstResponseAt"]
    body = expect(201, api("POST", ev, {"message": "More"}, token=admin()["token"]))["data"]
    check(body["firstResponseAt"] == first, "the first response is kept")


def test_the_admin_list_filters_and_pages():
    a = admin()
    ids = []
    for _ in range(3):
        c, t, j = hired_job()
        ids.append(open_dispute(c, j)["id"])
    body = expect_list(api("GET", "/api/admin/disputes?status=open&limit=2", token=a["token"]),
                       limit=2)
    check(len(body["data"]) == 2 and all(x["status"] == "open" for x in body["data"]), body)
    check(body["data"][0]["id"] == ids[2] and body["data"][1]["id"] == ids[1], body)
    cur = body["pagination"]["nextCursor"]
    check(cur, body)
    body = expect_list(api("GET", "/api/admin/disputes?status=open&limit=2&cursor=" + cur,
                           token=a["token"]), limit=2)
    check(body["data"][0]["id"] == ids[0], body)
    body = expect_list(api("GET", "/api/admin/disputes", token=a["token"]))
    check(body["data"][0]["id"] == ids[2] and body["data"][0]["job"]["title"], body)
    body = expect_list(api("GET", "/api/admin/disputes?status=resolved", token=a["token"]))
    check(all(x["status"] == "resolved" for x in body["data"]), body)


def test_an_admin_resolves_with_a_split_and_the_job_moves_on():
    c, t, j = hired_job(price=40000)
    d = open_dispute(c, j)
    a = admin()
    n_c, n_t = notes(c["id"]), notes(t["id"])
    body = expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                           {"decision": "split", "clientPercent": 25, "notes": "Half done"},
                           token=a["token"]))["data"]
    check(body["status"] == "resolved" and body["decision"] == "split", body)
    check(body["amount"] == 40000 and body["clientAmount"] == 10000 and
          body["craftsmanAmount"] == 30000 and body["clientPercent"] == 25, body)
    check(body["resolvedAt"] and body["firstResponseAt"] and body["resolvedBy"], body)
    check(body["resolutionNotes"] == "Half done", body)
    check(job_status(j) == "verified", "a split verifies the job")
    check(notes(c["id"]) == n_c + 1 and notes(t["id"]) == n_t + 1, "both parties told")
    rows = db_query("SELECT action, target_type FROM activity_log WHERE target_id = '%d'"
                    " AND action = 'dispute.resolve'" % d["id"])
    check(rows and rows[0][1] == "dispute", rows)
    # resolved: no more evidence, no second decision
    expect(409, api("POST", "/api/disputes/%d/evidence" % d["id"], {"message": "late"},
                    token=c["token"]), code="CONFLICT")
    expect(409, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                    {"decision": "refund_client"}, token=a["token"]), code="CONFLICT")
    # a new dispute on a verified job is refused
    expect(409, open_dispute(c, j, status=409))


def test_a_refund_cancels_the_job_and_a_split_in_piastres():
    c, t, j = hired_job(price=50000)
    d = open_dispute(t, j)
    body = expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                           {"decision": "refund_client"}, token=admin()["token"]))["data"]
    check(body["clientAmount"] == 50000 and body["craftsmanAmount"] == 0, body)
    check(job_status(j) == "cancelled", "a refund cancels the job")
    check(db_scalar("SELECT cancellation_fee FROM bookings WHERE id = %d" % j["id"]) == "0",
          "without a fee")
    c2, t2, j2 = hired_job(price=50000)
    d2 = open_dispute(c2, j2)
    body = expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d2["id"],
                           {"decision": "split", "clientAmount": 12345},
                           token=admin()["token"]))["data"]
    check(body["clientAmount"] == 12345 and body["craftsmanAmount"] == 37655 and
          body["clientPercent"] is None, body)
    c3, t3, j3 = hired_job(price=50000)
    d3 = open_dispute(c3, j3)
    body = expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d3["id"],
                           {"decision": "release_to_craftsman"},
                           token=admin()["token"]))["data"]
    check(body["craftsmanAmount"] == 50000 and body["clientAmount"] == 0, body)
    check(job_status(j3) == "verified", "")


def test_two_admins_resolving_at_once_exactly_one_wins():
    c, t, j = hired_job()
    d = open_dispute(c, j)
    a1 = admin()
    a2 = make_user_with_role("admin")
    path = "/api/admin/disputes/%d/resolve" % d["id"]
    r1, r2 = at_once(
        lambda: api("POST", path, {"decision": "refund_client"}, token=a1["token"]),
        lambda: api("POST", path, {"decision": "release_to_craftsman"}, token=a2["token"]))
    check(sorted([r1.status, r2.status]) == [200, 409], (r1.describe(), r2.describe()))
    win = r1 if r1.status == 200 else r2
    row = db_query("SELECT decision, status FROM disputes WHERE id = %d" % d["id"])[0]
    check(row == [win.body["data"]["decision"], "resolved"], row)
    hist = db_query("SELECT event FROM booking_history WHERE booking_id = %d AND"
                    " from_status = 'disputed'" % j["id"])
    check(len(hist) == 1, "the job moved once: %s" % hist)


def test_the_stats_report_the_median_resolution_hours():
    a = admin()
    c, t, j = hired_job()
    d = open_dispute(c, j)
    db_query("UPDATE disputes SET opened_at = CURRENT_TIMESTAMP(3) - INTERVAL 10 HOUR"
             " WHERE id = %d" % d["id"])
    expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                    {"decision": "release_to_craftsman"}, token=a["token"]))
    body = expect(200, api("GET", "/api/admin/disputes/stats?days=1", token=a["token"]))["data"]
    check(body["slaHours"] == 72 and body["periodDays"] == 1 and body["resolved"] >= 1, body)
    check(isinstance(body["medianResolutionHours"], (int, float)), body)
    check(body["resolvedWithinSla"] >= 1 and isinstance(body["open"], int), body)
    expect(422, api("GET", "/api/admin/disputes/stats?days=0", token=a["token"]),
           fields=["days"])
    expect(200, api("GET", "/api/admin/disputes/stats", token=make_user_with_role(
        "moderator")["token"]))


def private_file_bytes(user, label):
    """A private PDF of the user's: (its row, its bytes)."""
    data = m.pdf("%s %s" % (label, uniq(8)))
    body, ctype = m.form([("file", label + ".pdf", "application/pdf", data),
                          ("private", "true")])
    r = api("POST", "/api/files", raw=body, token=user["token"],
            headers={"Content-Type": ctype})
    return expect(201, r)["data"]["file"], data


def test_both_parties_and_staff_read_every_evidence_file():
    c, t, j = hired_job()
    d = open_dispute(c, j)
    ev = "/api/disputes/%d/evidence" % d["id"]
    cf, cdata = private_file_bytes(c, "client-evidence")
    tf, tdata = private_file_bytes(t, "craftsman-evidence")
    expect(201, api("POST", ev, {"message": "The leak", "fileId": cf["id"]}, token=c["token"]))
    expect(201, api("POST", ev, {"message": "My invoice", "fileId": tf["id"]},
                    token=t["token"]))
    adm, mod = admin(), make_user_with_role("moderator")
    for f, data in ((cf, cdata), (tf, tdata)):
        path = "/api/files/%d" % f["id"]
        for name, who in (("client", c), ("craftsman", t), ("admin", adm),
                          ("moderator", mod)):
            r = api("GET", path, token=who["token"])
            check(r.status == 200 and r.raw == data,
                  "%s reads evidence file %d: %s" % (name, f["id"], r.describe()))
        # anyone else, signed in or not, does not learn it exists
        for name, who in (("another client", client()), ("another craftsman", craftsman())):
            expect(404, api("GET", path, token=who["token"]))
        expect(404, api("GET", path))
    # a party of another dispute reads none of this one's files
    c2, t2, j2 = hired_job()
    open_dispute(t2, j2)
    for who in (c2, t2):
        expect(404, api("GET", "/api/files/%d" % cf["id"], token=who["token"]))
    # only what was given as evidence: the client's other private files stay the client's
    other, _ = private_file_bytes(c, "client-other")
    expect(404, api("GET", "/api/files/%d" % other["id"], token=t["token"]))
    # reading is not owning: the other party cannot change or delete it
    expect(403, api("DELETE", "/api/files/%d" % cf["id"], token=t["token"]))
    # the evidence stays readable once the dispute is resolved
    expect(200, api("POST", "/api/admin/disputes/%d/resolve" % d["id"],
                    {"decision": "release_to_craftsman"}, token=adm["token"]))
    r = api("GET", "/api/files/%d" % cf["id"], token=t["token"])
    check(r.status == 200 and r.raw == cdata, r.describe())


def test_a_status_change_to_disputed_is_409_naming_post_disputes():
    c, t, j = hired_job()
    status = "/api/jobs/%d/status" % j["id"]
    for who in (c, t):
        for word in ("Disputed", "disputed", "dispute"):
            expect(409, api("PATCH", status, {"status": word, "notes": "Bad work"},
                            token=who["token"]), code="CONFLICT", message="POST /api/disputes")
    check(job_status(j) == "hired", "the job stays hired: %s" % job_status(j))
    check(int(db_scalar("SELECT COUNT(*) FROM disputes WHERE booking_id = %d" % j["id"])) == 0,
          "no dispute row")
    check(int(db_scalar("SELECT COUNT(*) FROM booking_history WHERE booking_id = %d AND"
                        " to_status = 'disputed'" % j["id"])) == 0, "no history row")
    # someone who does not see the job learns nothing more than before
    expect(404, api("PATCH", status, {"status": "Disputed"}, token=client()["token"]))
    # the dispute opens where it has its reason, clock and record
    d = open_dispute(c, j)
    check(d["status"] == "open" and job_status(j) == "disputed", d)


if __name__ == "__main__":
    run(globals())
