"""The staff's moderation of reported reviews (docs/reviews.md, "Moderation"): GET
/api/admin/reviews/reported (newest report first, report counts and reasons, keyset
paging) and PATCH /api/admin/reviews/:id {action: hide | restore | dismiss, reason}:
who may call them, bad input, the tallies kept exact, the activity log, and the plan of
the queue's statements."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_token, make_user_with_role,
                         register_user, db_query, db_scalar, run, Skip, ENV, SOURCE_DIR)
from test_reviews import booking, svc, post_review, check_exact

QUEUE = "/api/admin/reviews/reported"


def moderate(rid, token, **body):
    return api("PATCH", "/api/admin/reviews/%d" % rid, body, token=token)


def report(rid, who, reason):
    """A report; the next one comes at a later millisecond (reports of one millisecond
    are ordered by the larger user id, then review id, first)."""
    expect(200, api("POST", "/api/reviews/%d/report" % rid, {"reason": reason},
                    token=who["token"]))
    time.sleep(0.005)


def reviewed(rating=4):
    """A published review of a completed booking: (review id, customer, technician)."""
    c = register_user(role="customer")
    t = make_user_with_role("technician")
    rid = post_review(c["token"], booking(c, svc(), t), rating=rating)["data"]["id"]
    return rid, c, t


def queue_ids(token, want, limit=2, max_pages=200):
    """Walks the queue by cursor until every id of `want` has been seen (other suites
    may report reviews meanwhile): the order they came in, and every item seen."""
    seen, items, cur = [], {}, None
    for _ in range(max_pages):
        params = {"limit": limit}
        if cur:
            params["cursor"] = cur
        body = expect_list(api("GET", q(QUEUE, **params), token=token), limit=limit)
        for it in body["data"]:
            items[it["id"]] = it
            if it["id"] in want:
                seen.append(it["id"])
        cur = body["pagination"]["nextCursor"]
        if set(seen) >= set(want) or not cur:
            break
    return seen, items


def test_roles():
    rid, c, t = reviewed()
    for role in ("customer", "technician"):
        u = make_user_with_role(role)
        expect(403, api("GET", QUEUE, token=u["token"]))
        expect(403, moderate(rid, u["token"], action="dismiss"))
    expect(403, api("GET", QUEUE, token=c["token"]))
    expect(403, moderate(rid, t["token"], action="hide", reason="about me"))
    expect(401, api("GET", QUEUE))
    expect(401, moderate(rid, None, action="dismiss"))
    mod = make_user_with_role("moderator")
    expect_list(api("GET", q(QUEUE, limit=5), token=mod["token"]), limit=5)
    expect_list(api("GET", q(QUEUE, limit=5), token=admin_token()), limit=5)
    # a moderator acts as an admin does
    report(rid, t, "Lies about my work")
    body = expect(200, moderate(rid, mod["token"], action="hide", reason="Abusive words"))
    check(body["data"]["status"] == "hidden" and body["data"]["reportCount"] == 1,
          "hidden %r" % body["data"])
    expect(200, moderate(rid, mod["token"], action="restore"))


def test_bad_input_names_the_field():
    rid, c, t = reviewed()
    adm = admin_token()
    for body, field in (({}, "action"), ({"action": "delete"}, "action"),
                        ({"action": 3}, "action"), ({"action": "hide"}, "reason"),
                        ({"action": "hide", "reason": "x"}, "reason"),
                        ({"action": "dismiss", "reason": "y" * 501}, "reason"),
                        ({"action": "restore", "reason": 12}, "reason")):
        expect(422, api("PATCH", "/api/admin/reviews/%d" % rid, body, token=adm),
               "VALIDATION_ERROR", fields=[field])
    for params, field in (({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
                          ({"cursor": "not a cursor"}, "cursor"), ({"page": "0"}, "page"),
                          ({"page": "1000", "limit": "100"}, "cursor")):
        expect(422, api("GET", q(QUEUE, **params), token=adm), "VALIDATION_ERROR",
               fields=[field])
    expect(404, moderate(999999999999, adm, action="dismiss"))
    expect(404, api("PATCH", "/api/admin/reviews/abc", {"action": "dismiss"}, token=adm))
    check(db_scalar("SELECT status FROM reviews WHERE id = %d" % rid) == "published",
          "bad input changed the review")


def test_queue_newest_report_first_with_counts_and_reasons():
    adm = admin_token()
    a, _, ta = reviewed()
    b, _, tb = reviewed()
    c, _, tc = reviewed()
    r1, r2, r3 = (register_user(role="customer") for _ in range(3))
    report(a, r1, "Spam link in the text")
    report(b, r1, "Insults the technician")
    report(c, r1, "Not about this booking")
    report(a, r2, "Advertising")                 # a's newest report is now the newest
    report(a, ta, "Lies about my work")
    seen, items = queue_ids(adm, {a, b, c}, limit=2)
    check(seen == [a, c, b], "queue order %r, expected %r" % (seen, [a, c, b]))
    it = items[a]
    check(it["reportCount"] == 3 and it["openReports"] == 3, "counts %r" % it)
    check([x["reason"] for x in it["reports"]] ==
          ["Lies about my work", "Advertising", "Spam link in the text"],
          "reasons, newest first: %r" % it["reports"])
    check({x["userId"] for x in it["reports"]} == {r1["id"], r2["id"], ta["id"]},
          "reporters %r" % it["reports"])
    check(it["reportedAt"] >= items[c]["reportedAt"] >= items[b]["reportedAt"],
          "reportedAt %r" % [items[x]["reportedAt"] for x in (a, c, b)])
    check(it["status"] == "published" and it["rating"] == 4 and it["reviewer"]["firstName"],
          "item %r" % it)
    check("email" not in it["reviewer"], "the reviewer's e-mail shown %r" % it["reviewer"])
    # page mode reaches the same items
    body = expect_list(api("GET", q(QUEUE, page=1, limit=3), token=adm), limit=3)
    check(body["pagination"]["totalItems"] >= 3, "total %r" % body["pagination"])


def test_hide_restore_dismiss_keep_the_tallies_and_log():
    adm = admin_token()
    rid, c, t = reviewed(rating=2)
    other, _, _ = reviewed(rating=5)
    post_review(c["token"], booking(c, svc(), t), rating=5)     # a second review of t
    reader = register_user(role="customer")
    report(rid, reader, "Rude words")
    report(rid, t, "Never came to my shop")
    before = check_exact(user_id=t["id"])
    check(before[1] == 2, "tallies before %r" % before)
    # hide: out of the ratings, the reports closed, out of the queue, logged
    body = expect(200, moderate(rid, adm, action="hide", reason="Rude words confirmed"))
    check(body["data"]["status"] == "hidden" and body["data"]["isHidden"] is True,
          "hide %r" % body["data"])
    stored = check_exact(user_id=t["id"])
    check(stored == ["5.00", 1, 5], "tallies after hide %r" % stored)
    check_exact(service_id=svc())
    rows = db_query("SELECT resolution, resolved_by IS NOT NULL, resolved_at IS NOT NULL"
                    " FROM review_reports WHERE review_id = %d" % rid)
    check(rows == [["hidden", "1", "1"]] * 2, "reports after hide %r" % rows)
    check(db_query("SELECT open_reports, reported_at IS NULL FROM reviews WHERE id = %d"
                   % rid) == [["0", "1"]], "the review stays in the queue")
    seen, _ = queue_ids(adm, {rid}, limit=100, max_pages=3)
    check(rid not in seen, "a hidden review is still in the queue")
    log = db_query("SELECT action, actor_role, JSON_UNQUOTE(JSON_EXTRACT(details, '$.reason')),"
                   " JSON_EXTRACT(details, '$.reportsClosed') FROM activity_log"
                   " WHERE target_type = 'review' AND target_id = %d ORDER BY id" % rid)
    check(log == [["review.hide", "admin", "Rude words confirmed", "2"]], "log %r" % log)
    # the public no longer sees it; its author does
    expect(404, api("GET", "/api/reviews/%d" % rid, token=reader["token"]))
    expect(200, api("GET", "/api/reviews/%d" % rid, token=c["token"]))
    expect(409, moderate(rid, adm, action="hide", reason="Again"))
    expect(409, moderate(rid, adm, action="dismiss"))           # no open report left
    # restore: counted again, logged, reports stay closed
    body = expect(200, moderate(rid, adm, action="restore", reason="Appeal accepted"))
    check(body["data"]["status"] == "published", "restore %r" % body["data"])
    stored = check_exact(user_id=t["id"])
    check(stored == ["3.50", 2, 7], "tallies after restore %r" % stored)
    check_exact(service_id=svc())
    expect(409, moderate(rid, adm, action="restore"))
    # a new report opens the queue again; dismiss closes it and changes no rating
    report(rid, register_user(role="customer"), "Still rude")
    seen, items = queue_ids(adm, {rid}, limit=100, max_pages=3)
    check(seen == [rid] and items[rid]["openReports"] == 1 and items[rid]["reportCount"] == 3
          and [x["reason"] for x in items[rid]["reports"]] == ["Still rude"],
          "reopened %r" % items.get(rid))
    expect(200, moderate(rid, adm, action="dismiss"))
    check(check_exact(user_id=t["id"]) == stored, "dismiss changed the tallies")
    check(db_scalar("SELECT status FROM reviews WHERE id = %d" % rid) == "published",
          "dismiss changed the status")
    got = sorted(r[0] for r in db_query("SELECT resolution FROM review_reports"
                                        " WHERE review_id = %d" % rid))
    check(got == ["dismissed", "hidden", "hidden"], "reports after dismiss %r" % got)
    seen, _ = queue_ids(adm, {rid}, limit=100, max_pages=3)
    check(rid not in seen, "a dismissed review is still in the queue")
    log = [r[0] for r in db_query("SELECT action FROM activity_log WHERE target_type ="
                                  " 'review' AND target_id = %d ORDER BY id" % rid)]
    check(log == ["review.hide", "review.show", "review.dismiss_reports"], "log %r" % log)
    # the other review never moved
    check(db_scalar("SELECT status FROM reviews WHERE id = %d" % other) == "published",
          "another review changed")


def test_queue_statements_read_their_index():
    """--explain-lists EXPLAINs the queue's page and count: ix_reviews_reported, no
    sort, reviewers and reports by primary key."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    db_query("ANALYZE TABLE reviews, review_reports")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
    stmts = {l.split("\t")[2] for l in out.splitlines()
             if l.startswith("stmt\treview_moderation\t")}
    check(stmts == {"0", "1"}, "queue statements explained: %s" % sorted(stmts))
    plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\treview_moderation\t")]
    tables = set()
    for cols in plans:
        f = dict(c.split("=", 1) for c in cols[3:])
        tables.add(f["table"])
        if f["table"] == "r":
            check(f["key"] == "ix_reviews_reported" and "filesort" not in f["Extra"],
                  "reviews read without ix_reviews_reported: %s" % "\t".join(cols))
        elif f["table"] in ("u", "x"):
            check(f["key"] == "PRIMARY", "%s not read by key: %s" % (f["table"],
                                                                    "\t".join(cols)))
    check({"r", "u", "x"} <= tables, "tables planned %s" % sorted(tables))


if __name__ == "__main__":
    run(globals())
