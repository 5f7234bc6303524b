#!/usr/bin/env python3
"""Craftsmen's verification (KYC; seed 001 §2.1, §4, §5.2, §5.8; docs/technicians.md,
"Verification"). A craftsman sends a national ID number and their own private files;
staff list the requests, read one (documents linked to GET /api/files/:id, the number
whole), approve or reject it with a reason: in one transaction the request, the
technician profile's verification, an in-app notification and the activity log. One
pending request at a time; of two decisions at once exactly one wins. The number is
never stored in plaintext nor shown in lists."""
import datetime
import random

from warsha_test import (api, at_once, check, db_query, db_scalar, en, expect,
                         expect_bilingual, expect_list, is_arabic, make_user_with_role, q,
                         register_user, run, stack_required, admin_token)
import upload_media as m

stack_required()

SUBMIT = "/api/users/craftsman/verification"
ADMIN = "/api/admin/verifications"


def new_nid(year=None, gov="01"):
    """A valid, fresh national ID number of an adult (born 1960–1999 unless told)."""
    y = year or random.randint(1960, 1999)
    century = "2" if y < 2000 else "3"
    d = datetime.date(y, random.randint(1, 12), random.randint(1, 28))
    return "%s%02d%02d%02d%s%04d%d" % (century, y % 100, d.month, d.day, gov,
                                       random.randint(0, 9999), random.randint(0, 9))


def send_file(token, private=True, name="id-front.pdf"):
    parts = [("file", name, "application/pdf", m.pdf("card " + name))]
    if private is not None:
        parts.append(("private", "true" if private else "false"))
    body, ctype = m.form(parts)
    r = api("POST", "/api/files", raw=body, token=token, headers={"Content-Type": ctype})
    return expect(201, r)["data"]["file"]["id"]


def craftsman():
    return make_user_with_role("technician")


def staff(role="moderator"):
    return make_user_with_role(role)


def docs_of(t, n=2):
    types = ["national_id_front", "national_id_back", "certificate", "other"]
    return [{"type": types[i], "fileId": send_file(t["token"], name="doc%d.pdf" % i)}
            for i in range(n)]


def submit(t, nid=None, documents=None, status=201):
    body = {"nationalId": nid or new_nid(), "documents": documents if documents is not None
            else docs_of(t)}
    r = api("POST", SUBMIT, body, token=t["token"])
    return expect(status, r)["data"] if status == 201 else r


def profile_state(uid):
    return db_scalar("SELECT verification FROM technician_profiles WHERE user_id = %d" % uid)


def test_a_craftsman_submits_and_reads_their_own_status():
    t = craftsman()
    mine = expect(200, api("GET", SUBMIT, token=t["token"]))["data"]
    check(mine["status"] == "pending" and mine["verified"] is False and mine["request"] is None,
          "before: %s" % mine)
    nid = new_nid()
    docs = docs_of(t, 3)
    v = submit(t, nid, docs)
    check(v["status"] == "pending" and v["userId"] == t["id"], v)
    check(v["nationalIdLast4"] == nid[-4:], v)
    check(v["birthDate"] == "%s-%s-%s" % ("19" + nid[1:3], nid[3:5], nid[5:7]), v)
    check(v["governorate"] == "01" and v["documentCount"] == 3, v)
    check("nationalId" not in v, "the number in the craftsman's answer: %s" % v)
    check([d["type"] for d in v["documents"]] == ["national_id_front", "national_id_back",
                                                  "certificate"], v["documents"])
    check(all(d["url"] == "/api/files/%d" % d["fileId"] for d in v["documents"]), v["documents"])
    mine = expect(200, api("GET", SUBMIT, token=t["token"]))["data"]
    check(mine["request"]["id"] == v["id"] and mine["request"]["status"] == "pending", mine)
    # Arabic digits, spaces and dashes are read as typed
    t2 = craftsman()
    nid2 = new_nid()
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] for c in nid2)
    v2 = submit(t2, arabic[:7] + " " + arabic[7:9] + "-" + arabic[9:])
    check(v2["nationalIdLast4"] == nid2[-4:], v2)


def test_bad_input_names_the_field_in_both_languages():
    t = craftsman()
    front = send_file(t["token"])
    good = [{"type": "national_id_front", "fileId": front}]
    year = datetime.date.today().year
    cases = [
        ({"documents": good}, {"nationalId": "REQUIRED"}),
        ({"nationalId": "1234", "documents": good}, {"nationalId": "INVALID_FORMAT"}),
        ({"nationalId": "49001011234567", "documents": good}, {"nationalId": "INVALID_VALUE"}),
        ({"nationalId": "29013011234567", "documents": good}, {"nationalId": "INVALID_DATE"}),
        ({"nationalId": "29001019934567", "documents": good}, {"nationalId": "INVALID_VALUE"}),
        # a child: 10 years old
        ({"nationalId": new_nid(year - 10), "documents": good}, {"nationalId": "OUT_OF_RANGE"}),
        ({"nationalId": new_nid()}, {"documents": "REQUIRED"}),
        ({"nationalId": new_nid(), "documents": []}, {"documents": None}),
        ({"nationalId": new_nid(), "documents": "id.pdf"}, {"documents": "INVALID_TYPE"}),
        ({"nationalId": new_nid(), "documents": [{"type": "selfie", "fileId": front}]},
         {"documents[0].type": "INVALID_VALUE"}),
        ({"nationalId": new_nid(), "documents": [{"type": "national_id_front"}]},
         {"documents[0].fileId": "REQUIRED"}),
        ({"nationalId": new_nid(), "documents": [{"type": "national_id_front", "fileId": "x"}]},
         {"documents[0].fileId": "INVALID_TYPE"}),
        ({"nationalId": new_nid(), "documents": [good[0], good[0]]},
         {"documents[1].fileId": "DUPLICATE"}),
        # the front of the card is needed
        ({"nationalId": new_nid(), "documents": [{"type": "certificate", "fileId": front}]},
         {"documents": "REQUIRED"}),
    ]
    for body, fields in cases:
        r = api("POST", SUBMIT, body, token=t["token"])
        expect(422, r, "VALIDATION_ERROR", fields)
        m_en, m_ar = expect_bilingual("POST", SUBMIT, body, token=t["token"], status=422)
    # the reason is in the error, in both languages
    body = {"nationalId": "29013011234567", "documents": good}
    r_en = api("POST", en(SUBMIT), body, token=t["token"])
    check("birth date" in r_en.body["errors"][0]["message"], r_en.describe())
    r_ar = api("POST", SUBMIT, body, token=t["token"], headers={"Accept-Language": "ar"})
    check(is_arabic(r_ar.body["errors"][0]["message"]), r_ar.describe())
    check(db_scalar("SELECT COUNT(*) FROM verifications WHERE user_id = %d" % t["id"]) in (0, "0"),
          "a refused request was stored")


def test_only_the_callers_own_private_files():
    t, other = craftsman(), craftsman()
    theirs = send_file(other["token"])
    public = send_file(t["token"], private=False)
    for fid in (theirs, public, 999999999):
        r = api("POST", SUBMIT, {"nationalId": new_nid(), "documents": [
            {"type": "national_id_front", "fileId": fid}]}, token=t["token"])
        expect(422, r, "VALIDATION_ERROR", {"documents[0].fileId": "INVALID_VALUE"})
    # an image upload is no document either
    body, ctype = m.form([("image", "a.png", "image/png", m.png(20, 20))])
    img = api("POST", "/api/upload/image", raw=body, token=t["token"],
              headers={"Content-Type": ctype})
    if img.status == 201 and isinstance(img.body.get("data"), dict) and img.body["data"].get("id"):
        r = api("POST", SUBMIT, {"nationalId": new_nid(), "documents": [
            {"type": "national_id_front", "fileId": img.body["data"]["id"]}]}, token=t["token"])
        expect(422, r, "VALIDATION_ERROR", {"documents[0].fileId": "INVALID_VALUE"})


def test_roles_are_refused():
    c, t = make_user_with_role("customer"), craftsman()
    mod = staff()
    for who in (c, mod):
        expect(403, api("POST", SUBMIT, {"nationalId": new_nid(), "documents": []},
                        token=who["token"]))
        expect(403, api("GET", SUBMIT, token=who["token"]))
    expect(401, api("GET", SUBMIT))
    v = submit(craftsman())
    for who in (c, t):
        expect(403, api("GET", ADMIN, token=who["token"]))
        expect(403, api("GET", "%s/%d" % (ADMIN, v["id"]), token=who["token"]))
        expect(403, api("POST", "%s/%d/approve" % (ADMIN, v["id"]), {}, token=who["token"]))
        expect(403, api("POST", "%s/%d/reject" % (ADMIN, v["id"]), {"reason": "x"},
                        token=who["token"]))
    expect_bilingual("GET", ADMIN, token=t["token"], status=403)
    check(profile_state(v["userId"]) == "pending", "a refused approval changed the profile")


def test_unknown_requests_are_404():
    mod = staff()
    expect(404, api("GET", "%s/999999999" % ADMIN, token=mod["token"]))
    expect(404, api("POST", "%s/999999999/approve" % ADMIN, {}, token=mod["token"]))
    expect(404, api("POST", "%s/999999999/reject" % ADMIN, {"reason": "blurred"},
                    token=mod["token"]))


def test_one_pending_request_at_a_time():
    t = craftsman()
    nid = new_nid()
    submit(t, nid)
    r = submit(t, status=409)
    expect(409, r, "CONFLICT")
    expect_bilingual("POST", SUBMIT, {"nationalId": new_nid(), "documents": docs_of(t, 1)},
                     token=t["token"], status=409)
    # the same number from another account, while pending: 409 naming it
    r = submit(craftsman(), nid, status=409)
    expect(409, r, None, {"nationalId": "DUPLICATE"})


def test_staff_approve_and_the_craftsman_is_verified_and_told():
    t, mod = craftsman(), staff()
    nid = new_nid()
    v = submit(t, nid)
    before = int(db_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = %d" % t["id"]))
    # the queue lists it (pending), newest first, without the number
    page = expect_list(api("GET", q(ADMIN, status="pending", limit=100), token=mod["token"]),
                       limit=100)
    mine = [x for x in page["data"] if x["id"] == v["id"]]
    check(len(mine) == 1 and mine[0]["status"] == "pending" and
          mine[0]["craftsman"]["firstName"], "queue: %s" % mine)
    check(nid not in str(page), "the number in a list")
    # the detail: documents linked, the number whole (staff only)
    d = expect(200, api("GET", "%s/%d" % (ADMIN, v["id"]), token=mod["token"]))["data"]
    check(d["nationalId"] == nid, "detail: %s" % d)
    check(len(d["documents"]) == 2 and d["documents"][0]["mime"] == "application/pdf" and
          d["documents"][0]["replaced"] is False, d["documents"])
    got = api("GET", d["documents"][0]["url"], token=mod["token"])
    check(got.status == 200 and got.raw.startswith(b"%PDF"), "staff read the file: %s"
          % got.describe())
    # approve
    a = expect(200, api("POST", "%s/%d/approve" % (ADMIN, v["id"]), {}, token=mod["token"]))
    check(a["data"]["status"] == "approved" and a["data"]["reviewedBy"] == mod["id"] and
          a["data"]["reviewedAt"], a)
    check(profile_state(t["id"]) == "verified", "profile %s" % profile_state(t["id"]))
    check(db_scalar("SELECT verified_by FROM technician_profiles WHERE user_id = %d" % t["id"])
          in (mod["id"], str(mod["id"])), "verified_by")
    rows = db_query("SELECT title_ar, title_en, body_ar, body_en, type FROM notifications"
                    " WHERE user_id = %d ORDER BY id DESC LIMIT 1" % t["id"])
    check(int(db_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = %d" % t["id"])) ==
          before + 1, "no notification")
    n = rows[0]
    check(is_arabic(n[2]) and "verified" in n[3], "notification %s" % (n,))
    check(int(db_scalar("SELECT COUNT(*) FROM activity_log WHERE action = 'verification.approve'"
                        " AND target_id = %d" % v["id"])) == 1, "no activity row")
    mine = expect(200, api("GET", SUBMIT, token=t["token"]))["data"]
    check(mine["status"] == "verified" and mine["verified"] is True and
          mine["request"]["status"] == "approved", mine)
    # the public profile says so
    tech = expect(200, api("GET", "/api/technicians/%d" % t["id"],
                           token=make_user_with_role("customer")["token"]))["data"]
    check("verified" in str(tech).lower() or "isVerified" in str(tech), tech)
    # decided: a second decision is 409; a verified craftsman does not send again
    expect(409, api("POST", "%s/%d/reject" % (ADMIN, v["id"]), {"reason": "late"},
                    token=mod["token"]), "CONFLICT")
    expect(409, submit(t, status=409), "CONFLICT")
    # approved, the number stays its owner's
    expect(409, submit(craftsman(), nid, status=409), None, {"nationalId": "DUPLICATE"})


def test_reject_needs_a_reason_and_a_new_request_may_follow():
    t, adm = craftsman(), staff("admin")
    v = submit(t)
    expect(422, api("POST", "%s/%d/reject" % (ADMIN, v["id"]), {}, token=adm["token"]),
           "VALIDATION_ERROR", {"reason": "REQUIRED"})
    expect(422, api("POST", "%s/%d/reject" % (ADMIN, v["id"]), {"reason": ""},
                    token=adm["token"]), "VALIDATION_ERROR", {"reason": None})
    expect_bilingual("POST", "%s/%d/reject" % (ADMIN, v["id"]), {}, token=adm["token"],
                     status=422)
    check(profile_state(t["id"]) == "pending", "a refused reject changed the profile")
    r = expect(200, api("POST", "%s/%d/reject" % (ADMIN, v["id"]),
                        {"reason": "The card photo is blurred"}, token=adm["token"]))["data"]
    check(r["status"] == "rejected" and r["reason"] == "The card photo is blurred", r)
    check(profile_state(t["id"]) == "rejected", "profile")
    n = db_query("SELECT body_en, JSON_VALUE(data, '$.reason') FROM notifications"
                 " WHERE user_id = %d ORDER BY id DESC LIMIT 1" % t["id"])[0]
    check("rejected" in n[0] and n[1] == "The card photo is blurred", n)
    check(int(db_scalar("SELECT COUNT(*) FROM activity_log WHERE action = 'verification.reject'"
                        " AND target_id = %d" % v["id"])) == 1, "no activity row")
    mine = expect(200, api("GET", SUBMIT, token=t["token"]))["data"]
    check(mine["status"] == "rejected" and mine["reason"] == "The card photo is blurred", mine)
    # after a rejection the craftsman may try again
    v2 = submit(t)
    check(v2["id"] != v["id"] and v2["status"] == "pending", v2)
    rejected = expect(200, api("GET", q(ADMIN, status="rejected", limit=100),
                               token=adm["token"]))["data"]
    check(any(x["id"] == v["id"] for x in rejected), "rejected filter")
    check(all(x["status"] == "rejected" for x in rejected), "filter leaks")


def test_two_staff_deciding_at_once_exactly_one_wins():
    for _ in range(3):
        t, a, b = craftsman(), staff(), staff("admin")
        v = submit(t)
        path = "%s/%d/" % (ADMIN, v["id"])
        r1, r2 = at_once(lambda: api("POST", path + "approve", {}, token=a["token"]),
                         lambda: api("POST", path + "reject", {"reason": "no"}, token=b["token"]))
        codes = sorted([r1.status, r2.status])
        check(codes == [200, 409], "statuses %s" % codes)
        won = "verified" if r1.status == 200 else "rejected"
        check(profile_state(t["id"]) == won, "profile %s, winner %s" % (profile_state(t["id"]), won))
        check(int(db_scalar("SELECT COUNT(*) FROM activity_log WHERE target_type = 'verification'"
                            " AND target_id = %d" % v["id"])) == 1, "two decisions logged")


def test_list_paging_and_filters():
    mod = staff()
    ids = [submit(craftsman())["id"] for _ in range(3)]
    page1 = expect_list(api("GET", q(ADMIN, status="pending", limit=2), token=mod["token"]),
                        limit=2)
    check(page1["pagination"]["totalItems"] >= 3, page1["pagination"])
    cur = page1["pagination"].get("nextCursor")
    check(cur, "no nextCursor: %s" % page1["pagination"])
    page2 = expect(200, api("GET", q(ADMIN, status="pending", limit=2, cursor=cur),
                            token=mod["token"]))
    seen = [x["id"] for x in page1["data"]] + [x["id"] for x in page2["data"]]
    check(seen[:3] == sorted(ids, reverse=True) or len(set(seen)) == len(seen),
          "pages overlap: %s" % seen)
    check(seen == sorted(seen, reverse=True), "not newest first: %s" % seen)
    everything = expect(200, api("GET", q(ADMIN, limit=100), token=mod["token"]))["data"]
    check({*ids} <= {x["id"] for x in everything}, "the unfiltered list")
    expect(422, api("GET", q(ADMIN, status="maybe"), token=mod["token"]), "VALIDATION_ERROR",
           {"status": None})
    expect(422, api("GET", q(ADMIN, cursor="!!"), token=mod["token"]), "VALIDATION_ERROR",
           {"cursor": None})
    expect(422, api("GET", q(ADMIN, limit=1000), token=mod["token"]), "VALIDATION_ERROR",
           {"limit": None})


def test_the_number_is_never_stored_or_listed_in_plaintext():
    t, mod = craftsman(), staff()
    nid = new_nid()
    v = submit(t, nid)
    row = db_query("SELECT * FROM verifications WHERE id = %d" % v["id"])[0]
    check(all(nid not in str(c) for c in row), "plaintext in the row: %s" % (row,))
    hits = db_scalar("SELECT COUNT(*) FROM activity_log WHERE details LIKE '%%%s%%'" % nid)
    check(int(hits) == 0, "the number in the activity log")
    # the craftsman's answers, the list, the detail of the craftsman view: last four only
    for r in (api("GET", SUBMIT, token=t["token"]),
              api("GET", q(ADMIN, limit=100), token=mod["token"]),
              api("GET", q(ADMIN, status="pending", limit=100), token=mod["token"])):
        check(r.status == 200 and nid not in r.raw.decode("utf-8"), "plaintext in %s" % r.path)
    expect(200, api("POST", "%s/%d/approve" % (ADMIN, v["id"]), {}, token=mod["token"]))
    check(int(db_scalar("SELECT COUNT(*) FROM activity_log WHERE details LIKE '%%%s%%'" % nid)) == 0,
          "the number in the activity log")
    check(int(db_scalar("SELECT COUNT(*) FROM notifications WHERE data LIKE '%%%s%%'" % nid)) == 0,
          "the number in a notification")
    # a sealed value copied to another row does not open there
    t2 = craftsman()
    v2 = submit(t2)
    db_query("UPDATE verifications SET national_id_enc = (SELECT e FROM (SELECT national_id_enc e"
             " FROM verifications WHERE id = %d) x) WHERE id = %d" % (v["id"], v2["id"]))
    d = expect(200, api("GET", "%s/%d" % (ADMIN, v2["id"]), token=mod["token"]))["data"]
    check(d["nationalId"] is None, "a copied sealed number opened: %s" % d)


EXPECTED_LOG_ERRORS = [r"msg=national_id_unreadable"]


def test_a_replaced_document_shows_as_replaced():
    t, mod = craftsman(), staff()
    docs = docs_of(t, 1)
    v = submit(t, documents=docs)
    parts = [("file", "v2.pdf", "application/pdf", m.pdf("another card")), ("private", "true")]
    body, ctype = m.form(parts)
    expect(200, api("PUT", "/api/files/%d" % docs[0]["fileId"], raw=body, token=t["token"],
                    headers={"Content-Type": ctype}))
    d = expect(200, api("GET", "%s/%d" % (ADMIN, v["id"]), token=mod["token"]))["data"]
    check(d["documents"][0]["replaced"] is True, d["documents"])
    expect(200, api("DELETE", "/api/files/%d" % docs[0]["fileId"], token=t["token"]))
    d = expect(200, api("GET", "%s/%d" % (ADMIN, v["id"]), token=mod["token"]))["data"]
    check(d["documents"][0]["fileId"] is None and d["documents"][0]["url"] is None, d["documents"])


def test_the_lists_read_their_indexes():
    """EXPLAIN (warsha-fcgi --explain-lists, the DB_SAMPLE of each list statement) over
    5,000 requests: the queue and the whole list read ix_verifications_queue and
    ix_verifications_list, never a full scan or a sort of the table."""
    import os
    import subprocess
    from warsha_test import ENV, Skip, SOURCE_DIR
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    t = craftsman()
    db_query("INSERT INTO verifications (user_id, status, national_id_enc, national_id_hash,"
             " national_id_last4, birth_date, governorate, created_at)"
             " SELECT %d, ELT(1 + seq %% 3, 'pending', 'approved', 'rejected'), 'x', SHA2(seq, 256),"
             " '0000', '1990-01-01', '01', NOW(3) - INTERVAL seq SECOND FROM seq_1_to_5000" % t["id"])
    try:
        db_query("ANALYZE TABLE verifications, verification_documents")
        p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        mine = [l for l in out.split("\n") if l.startswith("plan\tverifications\t")]
        stmts = {l.split("\t")[2] for l in out.split("\n") if l.startswith("stmt\tverifications\t")}
        check(len(stmts) == 4, "the four list statements were not explained:\n%s" % out)
        check(mine, "no plan lines:\n%s" % out)
        for l in mine:
            f = dict(c.split("=", 1) for c in l.split("\t")[3:] if "=" in c)
            check(f.get("type") != "ALL" or f.get("table", "").startswith("<"),
                  "a full scan: %s" % l)
            if f.get("table") == "v" and "Using filesort" in f.get("Extra", ""):
                fail_rows = int((f.get("rows") or "0").split(" ")[0] or 0)
                check(fail_rows <= 10000, "a sort of the table: %s" % l)
        keys = {dict(c.split("=", 1) for c in l.split("\t")[3:] if "=" in c).get("key")
                for l in mine}
        check({"ix_verifications_queue", "ix_verifications_list"} <= keys, "keys read: %s\n%s"
              % (keys, "\n".join(mine)))
    finally:
        db_query("DELETE FROM verifications WHERE user_id = %d" % t["id"])


run(globals())
