"""/api/notifications (docs/notifications.md): a user's own notifications, seed 001's
mark-read, seed 002's /api/notification and seed 004's /api/v1/notifications, and an
admin's send.

notify() is tested through the admin's send to one user: the notification row, its
realtime event (room user:<id>, notification:new) and the outbox rows of exactly the
channels the user's preferences allow, in one transaction. A send to a role or to
everyone is a few set-based statements: it reaches exactly the active users it names
(counted over 10,000 generated users), their realtime rows and counters included. The
unread count stays exact through reads, read-alls, deletes and sends; someone else's
notification is 404."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_login, admin_token,
                         make_user_with_role, register_user, db_query, db_scalar, db_count,
                         outbox_rows, sql_str, uniq, at_once, run, Skip, ENV, SOURCE_DIR)

SEND = "/api/notifications/send"
LIST = "/api/notifications"
DOMAIN = "@notify.warsha.test"
N = 10000


def send(body, token=None):
    return api("POST", SEND, body, token=token or admin_token())


def send_to(user_id, type="system", channels=None, **over):
    b = {"userId": user_id, "type": type, "titleAr": "عنوان " + uniq(6),
         "titleEn": "Title " + uniq(6), "messageAr": "رسالة", "messageEn": "A message"}
    if channels is not None:
        b["channels"] = channels
    for k, v in over.items():
        if v is None:
            b.pop(k, None)
        else:
            b[k] = v
    return expect(201, send(b))["data"]


def listing(token, **params):
    limit = int(params.get("limit", 10))
    page = int(params.get("page", 1))
    return expect_list(api("GET", q(LIST, **params), token=token), page=page, limit=limit)


def counts(user_id):
    """(total, unread) from the counter row and from the table itself."""
    row = db_query("SELECT total, unread FROM notification_counts WHERE user_id = %d" % user_id)
    kept = (int(row[0][0]), int(row[0][1])) if row else (0, 0)
    real = (db_count("notifications", "user_id = %d" % user_id),
            db_count("notifications", "user_id = %d AND is_read = 0" % user_id))
    return kept, real


def check_counts(u, where=""):
    kept, real = counts(u["id"])
    check(kept == real, "%s: counters %s, the table %s" % (where, kept, real))
    body = listing(u["token"])
    check(body.get("unreadCount") == real[1], "%s: unreadCount %s, unread rows %d"
          % (where, body.get("unreadCount"), real[1]))
    check(body["pagination"]["totalItems"] == real[0], "%s: totalItems %s, rows %d"
          % (where, body["pagination"]["totalItems"], real[0]))
    return real


def read_events(user_id):
    """The payloads of the user's notification:read events, oldest first."""
    return [json.loads(r[0]) for r in db_query(
        "SELECT payload FROM realtime_events WHERE room = 'user:%d' AND event ="
        " 'notification:read' ORDER BY id" % user_id)]


def order_ids(user_id, where="1"):
    return [int(r[0]) for r in db_query(
        "SELECT id FROM notifications WHERE user_id = %d AND %s ORDER BY created_at DESC,"
        " id DESC" % (user_id, where))]


# ------------------------------------------------------------------ notify() via send

def test_send_to_one_user_writes_the_row_realtime_and_outbox_per_preferences():
    u = register_user()
    data = send_to(u["id"], type="booking_status", data={"bookingId": 12},
                   channels={"email": True, "sms": True, "push": True})
    nid = data["notificationId"]
    check(data["recipients"] == 1 and sorted(data["channels"]) == ["email", "push", "sms"],
          "send answer: %r" % data)
    row = db_query("SELECT user_id, type, is_read, JSON_VALUE(data, '$.bookingId')"
                   " FROM notifications WHERE id = %d" % nid)
    check(row == [[str(u["id"]), "booking_status", "0", "12"]], "row: %r" % row)
    ev = db_query("SELECT room, event, payload FROM realtime_events WHERE room = 'user:%d'"
                  " ORDER BY id" % u["id"])
    check(len(ev) == 1 and ev[0][1] == "notification:new", "realtime rows: %r" % ev)
    p = json.loads(ev[0][2])
    check(p["id"] == nid and p["data"] == {"bookingId": 12} and p["isRead"] is False and
          p["type"] == "booking_status" and p["createdAt"].endswith("Z"),
          "realtime payload: %r" % p)
    out = outbox_rows(u["id"], "notification")
    recips = sorted(r[1] for r in out)
    check(recips == sorted([u["email"], u["phone_e164"], "user:%d" % u["id"]]),
          "outbox recipients %r" % recips)
    check(all(r[2]["notificationId"] == nid and r[3] == "ar" for r in out), "payloads %r" % out)
    chans = db_query("SELECT channel FROM outbox WHERE user_id = %d AND template ="
                     " 'notification' ORDER BY channel" % u["id"])
    check([c[0] for c in chans] == ["email", "sms", "push"], "channels %r" % chans)

    # SMS off in the user's settings: that channel is left out
    expect(200, api("PUT", "/api/user/settings", {"smsNotifications": False}, token=u["token"]))
    before = len(outbox_rows(u["id"], "notification"))
    data = send_to(u["id"], channels={"email": True, "sms": True, "push": True})
    check(sorted(data["channels"]) == ["email", "push"], "with SMS off: %r" % data)
    new = outbox_rows(u["id"], "notification")[:len(outbox_rows(u["id"], "notification")) - before]
    check(sorted(r[1] for r in new) == sorted([u["email"], "user:%d" % u["id"]]),
          "with SMS off the outbox got %r" % [r[1] for r in new])

    # a promotion needs marketingEmails for e-mail and never goes by SMS
    expect(200, api("PUT", "/api/user/settings", {"smsNotifications": True}, token=u["token"]))
    data = send_to(u["id"], type="promotion", channels={"email": True, "sms": True, "push": True})
    check(data["channels"] == ["push"], "promotion without consent: %r" % data)
    expect(200, api("PUT", "/api/user/settings", {"marketingEmails": True}, token=u["token"]))
    data = send_to(u["id"], type="promotion", channels={"email": True, "sms": True, "push": True})
    check(sorted(data["channels"]) == ["email", "push"], "promotion with consent: %r" % data)

    # no channels asked: in-app and realtime only
    before = len(outbox_rows(u["id"], "notification"))
    data = send_to(u["id"])
    check(data["channels"] == [] and len(outbox_rows(u["id"], "notification")) == before,
          "a send without channels queued %r" % data)
    check(db_count("realtime_events", "room = 'user:%d' AND event = 'notification:new'"
                   % u["id"]) == 5, "one event per send")
    check_counts(u, "after five sends")
    # the admin's send is in the activity log
    check(db_count("activity_log", "action = 'notification.send' AND target_id = '%d'"
                   % u["id"]) == 5, "activity log rows")


def test_an_english_user_gets_english_outbox_rows():
    u = register_user(lang="en")
    send_to(u["id"], channels={"email": True}, titleEn="Your booking moved")
    out = outbox_rows(u["id"], "notification")
    check(len(out) == 1 and out[0][3] == "en" and out[0][2]["title"] == "Your booking moved",
          "outbox %r" % out)
    subj = db_scalar("SELECT subject FROM outbox WHERE id = %d" % out[0][0])
    check(subj == "Your booking moved", "subject %r" % subj)


def test_the_master_switch_and_a_ban_stop_outside_channels():
    every = {"email": True, "sms": True, "push": True}
    u = register_user()
    expect(200, api("PUT", "/api/users/profile", {"preferences": {"notificationsEnabled": False}},
                    token=u["token"]))
    d = send_to(u["id"], channels=every)
    check(d["channels"] == [] and outbox_rows(u["id"], "notification") == [],
          "notifications off, yet %r" % d)
    check(db_count("realtime_events", "room = 'user:%d'" % u["id"]) == 1, "no realtime row")
    b = register_user()
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % b["id"], {"reason": "fraud"},
                    token=admin_token()))
    d = send_to(b["id"], channels=every)
    check(d["channels"] == [] and outbox_rows(b["id"], "notification") == [],
          "a banned user got %r" % d)
    # a deleted user is no recipient
    c = register_user()
    expect(200, api("DELETE", "/api/users/%d" % c["id"], token=admin_token()))
    expect(422, send({"userId": c["id"], "type": "system", "titleAr": "x", "messageAr": "y"}),
           "VALIDATION_ERROR", {"userId": "INVALID_VALUE"})


# ------------------------------------------------------------------ the list

def test_list_filters_and_cursor_paging_without_gaps():
    u = register_user()
    for i in range(25):
        send_to(u["id"], type="payment" if i % 5 < 2 else "system")
    for nid in order_ids(u["id"])[::3]:
        expect(200, api("PUT", "/api/notifications/%d/read" % nid, token=u["token"]))
    for params, where in (({}, "1"), ({"type": "payment"}, "type = 'payment'"),
                          ({"isRead": "false"}, "is_read = 0"),
                          ({"isRead": "true"}, "is_read = 1"),
                          ({"type": "system", "isRead": "false"},
                           "type = 'system' AND is_read = 0")):
        want = order_ids(u["id"], where)
        ids, cursor, pages = [], None, 0
        while True:
            p = dict(params, limit=4)
            if cursor:
                p["cursor"] = cursor
            body = listing(u["token"], **p)
            pages += 1
            ids += [x["id"] for x in body["data"]]
            check(body["pagination"]["totalItems"] == len(want),
                  "%s: total %s, rows %d" % (params, body["pagination"]["totalItems"], len(want)))
            check(body["unreadCount"] == db_count("notifications", "user_id = %d AND is_read = 0"
                                                  % u["id"]), "%s: unreadCount" % params)
            cursor = body["pagination"]["nextCursor"]
            if cursor is None:
                break
            check(pages < 20, "no end to the pages")
        check(ids == want, "%s: by cursor %s, the table %s" % (params, ids, want))
        # page 2 by number is the same as by cursor
        if len(want) > 4:
            body = listing(u["token"], page=2, limit=4, **params)
            check([x["id"] for x in body["data"]] == want[4:8], "%s: page 2" % params)
    body = listing(u["token"], type="payment", limit=1)
    n = body["data"][0]
    check(n["type"] == "payment" and n["title"] == n["titleAr"] and
          n["message"] == n["messageAr"] and isinstance(n["isRead"], bool), "item %r" % n)
    body = listing(u["token"], lang="en", limit=1)
    check(body["data"][0]["title"] == body["data"][0]["titleEn"], "English title")


def test_list_bad_query_422():
    u = register_user()
    tok = u["token"]
    expect(422, api("GET", q(LIST, type="party"), token=tok), "VALIDATION_ERROR", ["type"])
    expect(422, api("GET", q(LIST, isRead="maybe"), token=tok), "VALIDATION_ERROR", ["isRead"])
    expect(422, api("GET", q(LIST, cursor="!!!"), token=tok), "VALIDATION_ERROR", ["cursor"])
    expect(422, api("GET", q(LIST, page=1001, limit=10), token=tok), "VALIDATION_ERROR",
           {"cursor": "REQUIRED"})
    expect(422, api("GET", q(LIST, limit=101), token=tok), "VALIDATION_ERROR", ["limit"])
    expect(401, api("GET", LIST))
    body = listing(tok)
    check(body["data"] == [] and body["unreadCount"] == 0 and
          body["pagination"]["nextCursor"] is None, "an empty inbox: %r" % body)


# ------------------------------------------------------------------ counters

def test_unread_count_stays_exact():
    u = register_user()
    for _ in range(6):
        send_to(u["id"])
    ids = order_ids(u["id"])
    check(check_counts(u, "six sent") == (6, 6), "six unread")
    r = expect(200, api("PUT", "/api/notifications/%d/read" % ids[0], token=u["token"]))
    check(r["data"]["notification"]["isRead"] is True and r["data"]["unreadCount"] == 5 and
          r["data"]["notification"]["readAt"], "read answer %r" % r["data"])
    # marking it again changes nothing
    check(read_events(u["id"]) == [{"ids": [ids[0]], "unreadCount": 5}],
          "notification:read events %r" % read_events(u["id"]))
    r = expect(200, api("PUT", "/api/notifications/%d/read" % ids[0], token=u["token"]))
    check(r["data"]["unreadCount"] == 5, "read twice counted twice")
    check(len(read_events(u["id"])) == 1, "a second read sent a second event")
    check_counts(u, "read twice")
    # delete a read one and an unread one
    expect(200, api("DELETE", "/api/notifications/%d" % ids[0], token=u["token"]))
    r = expect(200, api("DELETE", "/api/notifications/%d" % ids[1], token=u["token"]))
    check(r["data"]["unreadCount"] == 4, "after deletes %r" % r["data"])
    check(check_counts(u, "deletes") == (4, 4), "four left")
    expect(404, api("DELETE", "/api/notifications/%d" % ids[1], token=u["token"]), "NOT_FOUND")
    # seed 001's mark-read: own ids only, repeated ids once
    r = expect(200, api("POST", "/api/notifications/mark-read",
                        {"ids": [ids[2], ids[2], ids[3], 999999999]}, token=u["token"]))
    check(r["data"]["updated"] == 2 and r["data"]["unreadCount"] == 2, "mark-read %r" % r["data"])
    check(read_events(u["id"])[-1] == {"ids": [ids[2], ids[3]], "unreadCount": 2},
          "mark-read event %r" % read_events(u["id"])[-1])
    check_counts(u, "mark-read")
    r = expect(200, api("PUT", "/api/notifications/read-all", token=u["token"]))
    check(r["data"]["updated"] == 2 and r["data"]["unreadCount"] == 0, "read-all %r" % r["data"])
    check(read_events(u["id"])[-1] == {"all": True, "unreadCount": 0},
          "read-all event %r" % read_events(u["id"])[-1])
    r = expect(200, api("PUT", "/api/notifications/read-all", token=u["token"]))
    check(r["data"]["updated"] == 0 and len(read_events(u["id"])) == 3,
          "read-all again %r" % r["data"])
    send_to(u["id"])
    check(check_counts(u, "a new one after read-all") == (5, 1), "one unread of five")


def test_two_marks_at_once_count_once():
    u = register_user()
    for _ in range(3):
        send_to(u["id"])
    ids = order_ids(u["id"])
    path = "/api/notifications/%d/read" % ids[0]
    for r in at_once(lambda: api("PUT", path, token=u["token"]),
                     lambda: api("PUT", path, token=u["token"]),
                     lambda: api("POST", "/api/notifications/mark-read", {"ids": ids[:2]},
                                 token=u["token"]),
                     lambda: api("PUT", "/api/notifications/read-all", token=u["token"])):
        expect(200, r)
    check(check_counts(u, "racing marks") == (3, 0), "all read once")
    send_to(u["id"])
    a, b = at_once(lambda: api("DELETE", "/api/notifications/%d" % ids[1], token=u["token"]),
                   lambda: api("DELETE", "/api/notifications/%d" % ids[1], token=u["token"]))
    check(sorted([a.status, b.status]) == [200, 404], "two deletes: %s %s" % (a.status, b.status))
    check(check_counts(u, "racing deletes") == (3, 1), "one deleted, one unread")


def test_mark_read_bad_input_422():
    u = register_user()
    for body in ({}, {"ids": []}, {"ids": "1"}, {"ids": [0]}, {"ids": ["x"]},
                 {"ids": list(range(1, 102))}):
        expect(422, api("POST", "/api/notifications/mark-read", body, token=u["token"]),
               "VALIDATION_ERROR", ["ids"])


# ------------------------------------------------------------------ ownership

def test_someone_elses_notification_is_404():
    a, b = register_user(), register_user()
    send_to(a["id"])
    nid = order_ids(a["id"])[0]
    for method, path in (("PUT", "/api/notifications/%d/read" % nid),
                         ("DELETE", "/api/notifications/%d" % nid),
                         ("PUT", "/api/notification/%d/read" % nid)):
        expect(404, api(method, path, token=b["token"]), "NOT_FOUND")
    r = expect(200, api("POST", "/api/notifications/mark-read", {"ids": [nid]}, token=b["token"]))
    check(r["data"]["updated"] == 0, "b marked a's notification")
    check(db_scalar("SELECT is_read FROM notifications WHERE id = %d" % nid) == "0",
          "a's notification changed")
    check(listing(b["token"])["data"] == [], "b sees a's notification")
    expect(404, api("PUT", "/api/notifications/abc/read", token=a["token"]), "NOT_FOUND")
    expect(404, api("DELETE", "/api/notifications/0", token=a["token"]), "NOT_FOUND")
    check_counts(a, "after b's tries")


# ------------------------------------------------------------------ sending

def test_send_is_for_admins_only():
    body = {"userId": 1, "type": "system", "titleAr": "x", "messageAr": "y"}
    for role in ("customer", "technician", "moderator", "corporate"):
        u = make_user_with_role(role)
        expect(403, send(body, token=u["token"]), "FORBIDDEN")
    expect(401, api("POST", SEND, body))


def test_send_bad_input_422_names_the_field():
    u = register_user()
    ok = {"userId": u["id"], "type": "system", "titleAr": "عنوان", "messageAr": "رسالة"}

    def bad(fields, **over):
        b = dict(ok)
        for k, v in over.items():
            if v is None:
                b.pop(k, None)
            else:
                b[k] = v
        expect(422, send(b), "VALIDATION_ERROR", fields)

    bad({"type": "REQUIRED"}, type=None)
    bad({"type": "INVALID_VALUE"}, type="party")
    bad({"userId": "REQUIRED"}, userId=None)
    bad({"userId": "INVALID_VALUE"}, role="technician")
    bad({"userId": "REQUIRED"}, userId=None, all=False)
    bad({"role": "INVALID_VALUE"}, userId=None, role="wizard")
    bad({"channels": "INVALID_VALUE"}, userId=None, all=True, channels={"email": True})
    bad({"titleAr": "REQUIRED"}, titleAr=None)
    bad({"messageAr": "REQUIRED"}, messageAr=None)
    bad({"titleAr": "TOO_LONG"}, titleAr="x" * 201)
    bad(["channels.sms"], channels={"sms": "yes"})
    bad(["data"], data=[1, 2])
    bad(["userId"], userId=99999999999)
    bad(["userId"], userId="12")
    check(db_count("notifications", "user_id = %d" % u["id"]) == 0, "a refused send wrote rows")
    # seed 001's title and message fill both languages
    d = send_to(u["id"], titleAr=None, titleEn=None, messageAr=None, messageEn=None,
                title="Hello", message="World")
    row = db_query("SELECT title_ar, title_en, body_ar, body_en FROM notifications WHERE id = %d"
                   % d["notificationId"])
    check(row == [["Hello", "Hello", "World", "World"]], "title/message: %r" % row)


def _delete_generated():
    db_query("DELETE FROM users WHERE email LIKE '%%%s'" % DOMAIN)


GENERATE = """
INSERT INTO users (email, password_hash, role, first_name, last_name, is_active, is_banned,
  deleted_at)
SELECT CONCAT('ntf', seq, '{domain}'), '!', IF(seq MOD 10 = 0, 'technician', 'corporate'),
  'Gen', 'Erated', seq MOD 97 <> 5, seq MOD 53 = 7,
  IF(seq MOD 101 = 3, TIMESTAMP'2025-06-01 00:00:00', NULL)
FROM seq_1_to_{n};
""".format(domain=DOMAIN, n=N)


def test_a_send_to_a_role_reaches_exactly_its_active_users():
    _delete_generated()
    want = generated = 0
    title = None
    try:
        db_query(GENERATE)
        active = "role = 'corporate' AND is_active = 1 AND is_banned = 0 AND deleted_at IS NULL"
        want = db_count("users", active)
        check(want > N * 0.8, "only %d active corporate users generated" % want)
        title = "Broadcast " + uniq(10)
        outbox_before = db_count("outbox")
        t0 = time.time()
        d = expect(201, send({"role": "corporate", "type": "admin", "titleAr": "تعميم",
                              "titleEn": title, "messageAr": "رسالة", "messageEn": "Message",
                              "data": {"campaign": 7}}))["data"]
        took = time.time() - t0
        print("  a send to %d users took %.2f s" % (want, took), flush=True)
        check(d["recipients"] == want, "recipients %s, active corporate users %d"
              % (d["recipients"], want))
        got = db_count("notifications n JOIN users u ON u.id = n.user_id",
                       "n.title_en = %s" % sql_str(title))
        check(got == want, "%d notification rows, %d active corporate users" % (got, want))
        check(db_count("notifications n JOIN users u ON u.id = n.user_id",
                       "n.title_en = %s AND NOT (%s)" % (sql_str(title), active.replace(
                           "role", "u.role").replace("is_", "u.is_").replace("deleted_at",
                                                                           "u.deleted_at"))) == 0,
              "someone else got it")
        send_id = db_scalar("SELECT MAX(send_id) FROM notifications WHERE title_en = %s"
                            % sql_str(title))
        check(db_scalar("SELECT CONCAT(audience, ':', role, ':', recipients) FROM"
                        " notification_sends WHERE id = %s" % send_id) ==
              "role:corporate:%d" % want, "the send's record")
        ev = db_count("realtime_events e JOIN notifications n ON e.room = CONCAT('user:',"
                      " n.user_id)", "n.title_en = %s AND e.event = 'notification:new' AND"
                      " JSON_VALUE(e.payload, '$.id') = n.id" % sql_str(title))
        check(ev == want, "%d realtime rows for %d notifications" % (ev, want))
        mine = "u.email LIKE '%%%s'" % DOMAIN
        bad = db_count("notification_counts c JOIN users u ON u.id = c.user_id",
                       mine + " AND (c.total <> 1 OR c.unread <> 1)")
        counted = db_count("notification_counts c JOIN users u ON u.id = c.user_id", mine)
        generated = db_count("users u", mine + " AND " + active.replace("role", "u.role"))
        check(bad == 0 and counted == generated, "counters: %d not 1 and 1, %d rows for %d"
              " generated recipients" % (bad, counted, generated))
        check(db_count("outbox") == outbox_before, "a broadcast queued outbox rows")
        check(db_count("activity_log", "action = 'notification.send' AND"
                       " JSON_VALUE(details, '$.role') = 'corporate'") >= 1, "no activity row")
        # one recipient sees it in their list with its data
        uid = int(db_scalar("SELECT user_id FROM notifications WHERE title_en = %s LIMIT 1"
                            % sql_str(title)))
        row = db_query("SELECT type, JSON_VALUE(data, '$.campaign') FROM notifications WHERE"
                       " user_id = %d" % uid)
        check(row == [["admin", "7"]], "the recipient's row %r" % row)
    finally:
        _delete_generated()
    left = db_count("notifications", "title_en = %s" % sql_str(title))
    check(left == want - generated, "%d notifications left after deleting the %d generated"
          " recipients of %d" % (left, generated, want))


def test_a_send_to_everyone_reaches_every_active_user():
    adm = admin_login()
    active = "is_active = 1 AND is_banned = 0 AND deleted_at IS NULL"
    want = db_count("users", active)
    title = "Everyone " + uniq(10)
    before = listing(adm["token"])["unreadCount"]
    d = expect(201, send({"all": True, "type": "system", "titleAr": "للجميع", "titleEn": title,
                          "messageAr": "رسالة", "messageEn": "Message"}))["data"]
    check(d["recipients"] == want, "recipients %s, active users %d" % (d["recipients"], want))
    check(db_count("notifications", "title_en = %s" % sql_str(title)) == want, "rows")
    body = listing(adm["token"], limit=1)
    check(body["data"][0]["titleEn"] == title and body["unreadCount"] == before + 1,
          "the admin's own list: %r" % body["data"][:1])
    kept, real = counts(adm["id"])
    check(kept == real, "admin counters %s, table %s" % (kept, real))


# ------------------------------------------------------------------ other paths

def test_seed_002_and_004_paths():
    u = register_user()
    send_to(u["id"])
    send_to(u["id"])
    body = expect_list(api("GET", "/api/notification", token=u["token"]))
    check(len(body["data"]) == 2 and body["unreadCount"] == 2, "/api/notification %r" % body)
    nid = body["data"][0]["id"]
    r = expect(200, api("PUT", "/api/notification/%d/read" % nid, token=u["token"]))
    check(r["data"]["notification"]["id"] == nid and r["data"]["notification"]["isRead"],
          "/api/notification/:id/read %r" % r["data"])
    body = expect_list(api("GET", "/api/v1/notifications", token=u["token"]))
    check(body["unreadCount"] == 1, "/api/v1/notifications %r" % body)
    r = expect(200, api("PUT", "/api/notification/read-all", token=u["token"]))
    check(r["data"]["unreadCount"] == 0, "/api/notification/read-all %r" % r["data"])
    r = expect(200, api("PUT", "/api/v1/notifications/%d/read" % nid, token=u["token"]))
    check(r["data"]["unreadCount"] == 0, "v1 read")


def test_list_statements_read_their_indexes():
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    stmts = [l for l in out.splitlines() if l.startswith("stmt\tnotifications\t")]
    plans = [l for l in out.splitlines() if l.startswith("plan\tnotifications\t")]
    errors = [l for l in out.splitlines() if l.startswith("error\tnotifications")]
    check(len(stmts) == 6 and not errors, "notifications statements %d, errors %s"
          % (len(stmts), errors))
    for l in plans:
        f = dict(c.split("=", 1) for c in l.split("\t")[3:])
        if f.get("table", "").startswith("<"):
            continue
        check(f.get("key", "").startswith("ix_notifications_") and f.get("type") != "ALL" and
              "filesort" not in f.get("Extra", ""), "a plan off its index: %s" % l)


DEEP = 30000


def test_a_deep_list_pages_by_its_index():
    """30,000 notifications of one user (written by SQL, the counter set from them, as
    after any bulk load): pages by number stop at the window, the cursor goes on, and
    every list statement still reads its index."""
    u = register_user()
    tag = "Deep " + uniq(8)
    db_query("INSERT INTO notifications (user_id, type, title_ar, title_en, body_ar, body_en,"
             " is_read, created_at) SELECT %d, IF(seq MOD 4 = 0, 'payment', 'system'), 'ع', %s,"
             " 'ر', 'm', seq MOD 3 = 0, TIMESTAMP'2026-01-01 00:00:00' + INTERVAL (seq DIV 2)"
             " SECOND FROM seq_1_to_%d" % (u["id"], sql_str(tag), DEEP))
    db_query("INSERT INTO notification_counts (user_id, total, unread) SELECT user_id,"
             " COUNT(*), SUM(is_read = 0) FROM notifications WHERE user_id = %d GROUP BY"
             " user_id ON DUPLICATE KEY UPDATE total = VALUES(total), unread = VALUES(unread)"
             % u["id"])
    db_query("ANALYZE TABLE notifications, notification_counts")
    real = check_counts(u, "deep")
    check(real == (DEEP, DEEP - DEEP // 3), "counts %r" % (real,))
    expect(422, api("GET", q(LIST, page=101, limit=100), token=u["token"]), "VALIDATION_ERROR",
           {"cursor": "REQUIRED"})
    body = listing(u["token"], page=100, limit=100)
    # the unread ones (20,000) by cursor, past the window; then the unread payments
    want = order_ids(u["id"], "is_read = 0")
    cursor, got, t0 = None, [], time.time()
    while True:
        p = {"isRead": "false", "limit": 100}
        if cursor:
            p["cursor"] = cursor
        body = listing(u["token"], **p)
        got += [x["id"] for x in body["data"]]
        cursor = body["pagination"]["nextCursor"]
        if cursor is None:
            break
    print("  %d unread in %d pages by cursor, %.2f s" % (len(got), len(got) // 100,
                                                        time.time() - t0), flush=True)
    check(got == want, "by cursor %d rows, the table %d" % (len(got), len(want)))
    want = order_ids(u["id"], "type = 'payment' AND is_read = 0")
    body = listing(u["token"], type="payment", isRead="false", limit=100)
    check([x["id"] for x in body["data"]] == want[:100] and
          body["pagination"]["totalItems"] == len(want), "unread payments, page 1")
    test_list_statements_read_their_indexes()


run(globals())
