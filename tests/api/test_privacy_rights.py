"""A person's rights over their data (docs/privacy.md): the contact form (POST
/api/send-email, seed 001 §5.9), the export of everything held about them (GET
/api/users/me/export) and the erasure of their account (DELETE /api/users/me; an admin's
DELETE /api/users/:id erases the same)."""
import email
import email.policy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_bilingual, check, admin_token, login,
                         register_user, db_query, db_scalar, db_count, uniq, poll, Skip, run)
from booking_fixtures import make_service, create, put, on_the_way
import upload_media as media


def _clear_contact_limits():
    db_query("DELETE FROM rate_limits WHERE scope IN ('contact', 'contact_email')")


def _contact(body, token=None, path="/api/send-email", headers=None):
    return api("POST", path, body, token=token, headers=headers)


def _body(**over):
    b = {"name": "John Doe", "email": "john.%s@example.com" % uniq(8),
         "message": "Hello, I have a question."}
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


# ------------------------------------------------------------------ the contact form

def test_contact_message_is_kept_and_mailed_to_support():
    _clear_contact_limits()
    b = _body(phone="01012345678", subject="Booking question")
    body = expect(201, _contact(b))
    cid = body["data"]["id"]
    row = db_query("SELECT user_id, name, email, phone, subject, message FROM contact_messages"
                   " WHERE id = %d" % cid)[0]
    check(row == [None, "John Doe", b["email"], "+201012345678", "Booking question",
                  "Hello, I have a question."], "stored %r" % row)
    support = json.loads(db_scalar("SELECT value FROM settings WHERE `key` = 'support_email'"))
    mail = db_query("SELECT recipient, template, payload FROM outbox WHERE template ="
                    " 'contact_message' AND JSON_VALUE(payload, '$.contactId') = %d" % cid)
    check(len(mail) == 1 and mail[0][0] == support, "mail to support %r" % mail)
    p = json.loads(mail[0][2])
    check(p["replyTo"] == b["email"] and p["message"] == b["message"] and p["name"] == "John Doe",
          "payload %r" % p)
    # both languages' templates exist for the notifier
    tdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "templates", "email")
    for lang in ("ar", "en"):
        for part in ("subject", "txt", "html"):
            check(os.path.exists(os.path.join(tdir, "contact_message.%s.%s.mustache" % (lang, part))),
                  "template %s %s" % (lang, part))
    # signed in: the sender is recorded
    u = register_user()
    cid = expect(201, _contact(_body(), token=u["token"]))["data"]["id"]
    check(int(db_scalar("SELECT user_id FROM contact_messages WHERE id = %d" % cid)) == u["id"],
          "sender not recorded")
    expect_bilingual("POST", "/api/send-email", _body(), status=201)


def test_contact_mail_reaches_support_with_the_sender_to_reply_to():
    spool = os.environ.get("WARSHA_TEST_SPOOL_DIR") or ""
    if not spool:
        raise Skip("WARSHA_TEST_SPOOL_DIR is not set")
    _clear_contact_limits()
    b = _body(name="منى علي", message="فين الفني؟ مستنية من ساعة", subject="تأخير")
    cid = expect(201, _contact(b, headers={"Accept-Language": "ar"}))["data"]["id"]
    oid = int(db_scalar("SELECT id FROM outbox WHERE template = 'contact_message' AND"
                        " JSON_VALUE(payload, '$.contactId') = %d" % cid))
    poll(lambda: db_scalar("SELECT status FROM outbox WHERE id = %d" % oid) == "sent", timeout=15)
    with open(os.path.join(spool, "mail", "%d.eml" % oid), "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    support = json.loads(db_scalar("SELECT value FROM settings WHERE `key` = 'support_email'"))
    check(msg["To"].addresses[0].addr_spec == support, "to %s" % msg["To"])
    check(msg["Reply-To"].addresses[0].addr_spec == b["email"], "reply-to %s" % msg["Reply-To"])
    check("تأخير" in str(msg["Subject"]) and str(cid) in str(msg["Subject"]), "subject %s" % msg["Subject"])
    check(msg["List-Unsubscribe"] is None, "support mail is not a mailing")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    check("فين الفني؟" in text and "منى علي" in text and b["email"] in text, text)
    check('dir="rtl"' in html and "فين الفني؟" in html, html[:200])
    # what the sender typed is escaped in the HTML part
    _clear_contact_limits()
    cid = expect(201, _contact(_body(name="<b>x</b>", message="<script>alert(1)</script>")))["data"]["id"]
    oid = int(db_scalar("SELECT id FROM outbox WHERE template = 'contact_message' AND"
                        " JSON_VALUE(payload, '$.contactId') = %d" % cid))
    poll(lambda: db_scalar("SELECT status FROM outbox WHERE id = %d" % oid) == "sent", timeout=15)
    with open(os.path.join(spool, "mail", "%d.eml" % oid), "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    check("<script>" not in html and "&lt;script&gt;" in html, html)


def test_contact_bad_input_names_the_field_and_stores_nothing():
    _clear_contact_limits()
    before = db_count("contact_messages")
    cases = [({"name": None}, {"name": "REQUIRED"}), ({"name": "   "}, {"name": "REQUIRED"}),
             ({"name": "x" * 101}, ["name"]), ({"email": None}, {"email": "REQUIRED"}),
             ({"email": "not-an-email"}, ["email"]), ({"phone": "12345"}, ["phone"]),
             ({"subject": "s" * 201}, ["subject"]), ({"message": None}, {"message": "REQUIRED"}),
             ({"message": " \n "}, {"message": "REQUIRED"}), ({"message": "m" * 5001}, ["message"]),
             ({"name": 5}, ["name"])]
    for over, fields in cases:
        expect(422, _contact(_body(**over)), "VALIDATION_ERROR", fields)
    r = _contact(_body(email="bad"), path=en("/api/send-email"))
    check(not any("\u0600" <= ch <= "\u06ff" for ch in r.body["errors"][0]["message"]), "English")
    expect(400, api("POST", "/api/send-email", raw='{"name": ', headers={"Content-Type": "application/json"}))
    check(db_count("contact_messages") == before, "a refused message was stored")


def test_contact_form_is_rate_limited():
    _clear_contact_limits()
    try:
        # one e-mail address: three an hour
        same = "same.%s@example.com" % uniq(8)
        for _ in range(3):
            expect(201, _contact(_body(email=same)))
        r = _contact(_body(email=same))
        expect(429, r, "RATE_LIMITED")
        check(int(r.headers.get("Retry-After") or 0) > 0, "Retry-After")
        # one address: five an hour, whatever the e-mail
        expect(201, _contact(_body()))
        expect(201, _contact(_body()))
        before = db_count("contact_messages")
        expect(429, _contact(_body()), "RATE_LIMITED")
        check(db_count("contact_messages") == before, "a limited message was stored")
    finally:
        _clear_contact_limits()


# ------------------------------------------------------------------ the export

def _export(token):
    db_query("DELETE FROM rate_limits WHERE scope = 'export'")
    r = api("GET", "/api/users/me/export", token=token)
    return r, expect(200, r)["data"]


def test_export_holds_the_persons_data_and_no_secrets():
    c = register_user(role="customer")
    b = create(c["token"], make_service(requires_approval=False))
    _clear_contact_limits()
    expect(201, _contact(_body(), token=c["token"]))
    fcm = "fcm-%s" % uniq(20)
    expect(200, api("POST", "/api/users/fcm-token", {"token": fcm, "platform": "android",
                                                     "device": "Pixel 8"}, token=c["token"]))
    r, d = _export(c["token"])
    check([x["device"] for x in d["devices"]] == ["Pixel 8"], "devices %r" % d["devices"])
    check("attachment" in (r.headers.get("Content-Disposition") or ""), "not an attachment")
    check(d["format"] == "warsha-export-1" and d["exportedAt"].endswith("Z"), "format %r" % d)
    check(d["profile"]["email"] == c["email"] and d["profile"]["id"] == c["id"], "profile")
    check(d["technicianProfile"] is None, "a customer has no technician profile")
    check(len(d["sessions"]) >= 1 and all("device" in s for s in d["sessions"]), "sessions")
    mine = [x for x in d["bookings"]["asCustomer"] if x["id"] == b["id"]]
    check(len(mine) == 1 and mine[0]["customerPhone"] and mine[0]["address"], "booking %r" % mine)
    check(len(d["contactMessages"]) == 1, "contact messages")
    check(any(m["template"] == "verify_email" for m in d["messages"]), "messages %r" % d["messages"])
    check(any(a["action"] == "user.register" for a in d["activity"]), "activity")
    text = r.raw.decode()
    for secret in ("password", "token_hash", "guestToken", "guest_token", "startCode",
                   "start_code", c["password"], c["refresh"], fcm):
        check(secret not in text, "the export holds %r" % secret)
    check(all("payload" not in m for m in d["messages"]), "a message's payload (codes) exported")
    rows = db_query("SELECT action FROM activity_log WHERE actor_id = %d AND action ="
                    " 'user.export'" % c["id"])
    check(len(rows) == 1, "export not logged")


def test_a_technicians_export_leaves_out_the_customers_details():
    c, t, bid = on_the_way()
    _, d = _export(t["token"])
    work = [x for x in d["bookings"]["asTechnician"] if x["id"] == bid]
    check(len(work) == 1, "work %r" % d["bookings"])
    check(not ({"customerName", "customerPhone", "address", "latitude"} & set(work[0])),
          "customer details in a technician's export %r" % work[0])
    check(d["technicianProfile"] is not None, "technician profile")
    check(d["quotes"] == [] and d["invitations"] == [], "quotes %r" % d["quotes"])


def test_export_is_limited_and_needs_a_caller():
    expect(401, api("GET", "/api/users/me/export"), "UNAUTHORIZED")
    u = register_user()
    db_query("DELETE FROM rate_limits WHERE scope = 'export'")
    for _ in range(3):
        expect(200, api("GET", "/api/users/me/export", token=u["token"]))
    r = api("GET", "/api/users/me/export", token=u["token"])
    expect(429, r, "RATE_LIMITED")
    check(int(r.headers.get("Retry-After") or 0) > 0, "Retry-After")
    db_query("DELETE FROM rate_limits WHERE scope = 'export'")


# ------------------------------------------------------------------ the erasure

def _delete_me(token, password):
    body = None if password is None else {"password": password}
    return api("DELETE", "/api/users/me", body if body is not None else {}, token=token)


def test_delete_me_erases_the_person_and_ends_every_session():
    c = register_user(role="customer")
    b = create(c["token"], make_service(requires_approval=False))
    _clear_contact_limits()
    expect(201, _contact(_body(), token=c["token"]))
    expect(200, api("POST", "/api/users/fcm-token", {"token": "fcm-%s" % uniq(20),
                                                     "platform": "ios"}, token=c["token"]))
    # a booking under way: refused, nothing changes
    r = _delete_me(c["token"], c["password"])
    expect(409, r, "CONFLICT")
    check(db_scalar("SELECT deleted_at FROM users WHERE id = %d" % c["id"]) is None, "deleted anyway")
    expect(200, api("PUT", "/api/bookings/%d/cancel" % b["id"], {"reason": "moving away"},
                    token=c["token"]))
    # the password is asked for
    expect(422, _delete_me(c["token"], None), "VALIDATION_ERROR", {"password": "REQUIRED"})
    expect(422, _delete_me(c["token"], "Wrong-Pass-1"), "VALIDATION_ERROR", {"password": "INVALID"})
    body = expect(200, _delete_me(c["token"], c["password"]))
    check(body["message"], "message")
    # the account: anonymized, signed out everywhere, the e-mail free again
    row = db_query("SELECT email, phone, username, first_name, deleted_at, is_active FROM users"
                   " WHERE id = %d" % c["id"])[0]
    check(row[0].startswith("deleted-") and row[1] is None and row[2] is None and
          row[3] == "Deleted" and row[4] is not None and row[5] == "0", "user row %r" % row)
    expect(401, api("GET", "/api/auth/me", token=c["token"]))
    check(api("POST", "/api/auth/refresh-token", {"refreshToken": c["refresh"]}).status in (401, 403),
          "the refresh token still works")
    check(login(c["email"], c["password"]).status == 401, "the old sign-in still works")
    # the booking stays, without the customer's details
    bk = db_query("SELECT customer_name, customer_phone, address, latitude, status, total FROM"
                  " bookings WHERE id = %d" % b["id"])[0]
    check(bk[0] == "Deleted User" and bk[1] == "" and bk[2] == "" and bk[3] is None and
          bk[4] == "cancelled", "booking %r" % bk)
    for table in ("notifications", "contact_messages", "device_tokens"):
        check(db_count(table, "user_id = %d" % c["id"]) == 0, "%s left" % table)
    check(db_count("refresh_tokens", "user_id = %d AND (ip IS NOT NULL OR user_agent IS NOT NULL)"
                   % c["id"]) == 0, "session devices left")
    check(db_count("outbox", "user_id = %d AND status = 'pending'" % c["id"]) == 0, "unsent mail left")
    rows = db_query("SELECT details FROM activity_log WHERE action = 'user.delete' AND target_id"
                    " = '%d'" % c["id"])
    check(len(rows) == 1 and json.loads(rows[0][0]) == {"role": "customer", "self": True},
          "activity %r" % rows)
    register_user(email=c["email"])


def test_a_technician_on_a_job_cannot_delete_and_staff_are_refused():
    c, t, bid = on_the_way()
    expect(409, _delete_me(t["token"], t["password"]), "CONFLICT")
    expect(409, _delete_me(c["token"], c["password"]), "CONFLICT")
    expect(403, api("DELETE", "/api/users/me", {"password": "whatever"}, token=admin_token()),
           "FORBIDDEN")
    expect(401, api("DELETE", "/api/users/me", {"password": "x"}), "UNAUTHORIZED")
    # once the booking ended, the technician may go; their location goes with them
    expect(200, put(bid, "cancel", {"reason": "no longer needed"}, admin_token()))
    db_query("UPDATE technician_profiles SET latitude = 30.1, longitude = 31.2 WHERE user_id = %d"
             % t["id"])
    expect(200, _delete_me(t["token"], t["password"]))
    loc = db_query("SELECT latitude, work_status FROM technician_profiles WHERE user_id = %d"
                   % t["id"])[0]
    check(loc == [None, "offline"], "technician profile %r" % loc)


def test_an_admins_deletion_erases_the_same():
    u = register_user()
    _clear_contact_limits()
    expect(201, _contact(_body(), token=u["token"]))
    expect(200, api("DELETE", "/api/users/%d" % u["id"], token=admin_token()))
    check(db_count("contact_messages", "user_id = %d" % u["id"]) == 0, "contact messages left")
    check(db_count("refresh_tokens", "user_id = %d AND ip IS NOT NULL" % u["id"]) == 0,
          "session addresses left")
    check(db_scalar("SELECT email FROM users WHERE id = %d" % u["id"]).startswith("deleted-"),
          "not anonymized")




def _upload(path, parts, token):
    body, ctype = media.form(parts)
    return api("POST", path, raw=body, token=token, headers={"Content-Type": ctype})


def test_a_persons_uploads_are_exported_then_erased_with_their_files():
    u = register_user()
    seed = int(uniq(6), 16) % 100000
    av = expect(200, _upload("/api/users/upload-avatar",
                             [("avatar", "me.png", "image/png", media.png(300, 300, seed))],
                             u["token"]))["data"]
    doc = expect(201, _upload("/api/files", [("file", "id-card.pdf", "application/pdf",
                                              media.pdf("national id %s" % seed)),
                                             ("private", "true")], u["token"]))["data"]
    rows = db_query("SELECT id, kind, storage, variants FROM uploads WHERE owner_id = %d" % u["id"])
    check(len(rows) == 2, "uploads %r (answers %r %r)" % (rows, av, doc))
    updir = media.config_value("upload_dir")
    paths = []
    for _, kind, storage, variants in rows:
        if kind == "file":
            paths.append(os.path.join(updir, storage))
        else:
            for v in json.loads(variants).values():
                paths.append(os.path.join(updir, "public", v["path"][len("/media/"):]))
    check(paths and all(os.path.exists(p) for p in paths), "files on disk %r" % paths)
    _, d = _export(u["token"])
    check(sorted(x["kind"] for x in d["uploads"]) == ["avatar", "file"], "export %r" % d["uploads"])
    check(all("storage" not in x and "sha256" not in x for x in d["uploads"]), "storage exported")
    expect(200, _delete_me(u["token"], u["password"]))
    check(db_count("uploads", "owner_id = %d" % u["id"]) == 0, "upload rows left")
    check(not any(os.path.exists(p) for p in paths), "files left on disk %r" %
          [p for p in paths if os.path.exists(p)])
    check(db_scalar("SELECT avatar FROM users WHERE id = %d" % u["id"]) is None, "avatar left")


run(globals())
