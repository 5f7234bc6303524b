"""/api/admin/users: seed 001 §5.8 admin user management (list, create-admin, ban, unban).

routes.c admits admins and moderators (ROLE_STAFF); customers, technicians and
corporate accounts are refused with 403. Every action lands in activity_log."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, at_once, en, q, expect, expect_list, expect_bilingual, check, register_user,
                         login, admin_login, admin_token, make_user_with_role, user_of, db_query,
                         db_user, db_count, sql_str, activity_rows, new_phone, new_password, uniq, run)

LIST = "/api/admin/users"
CREATE = "/api/admin/users/create-admin"


def _new_staff(role="moderator", **over):
    b = {"email": "s%s@example.com" % uniq(12), "phone": new_phone(), "password": new_password(),
         "firstName": "Staff", "lastName": "Member", "role": role}
    b.update(over)
    return b


def _ban(uid, token, reason="fraud"):
    return api("PATCH", "/api/admin/users/%d/ban" % uid, {"reason": reason}, token=token)


# ------------------------------------------------------------------ list

def test_list_for_admin_and_moderator():
    mod = make_user_with_role("moderator")
    register_user()
    for tok in (admin_token(), mod["token"]):
        r = api("GET", LIST, token=tok)
        body = expect_list(r)
        check(body["pagination"]["totalItems"] >= 2, "totalItems %r" % body["pagination"])
        text = r.raw.decode()
        check("password" not in text and "$s1$" not in text, "the list shows password data")
        for item in body["data"]:
            check(isinstance(item.get("id"), int) and "role" in item and "isBanned" in item,
                  "list item %r" % item)
    body = expect_list(api("GET", q(LIST, page=1, limit=3), token=admin_token()), limit=3)
    check(len(body["data"]) == 3, "limit=3 gave %d items" % len(body["data"]))
    p2 = expect_list(api("GET", q(LIST, page=2, limit=3), token=admin_token()), page=2, limit=3)
    ids1, ids2 = {x["id"] for x in body["data"]}, {x["id"] for x in p2["data"]}
    check(not (ids1 & ids2), "pages 1 and 2 overlap: %r" % (ids1 & ids2))
    expect_bilingual("GET", LIST, token=admin_token(), status=200)


def test_list_bad_pagination_422():
    t = admin_token()
    for bad in ("0", "101", "abc", "1e2"):
        expect(422, api("GET", q(LIST, limit=bad), token=t), "VALIDATION_ERROR", ["limit"])
    for bad in ("0", "-3", "x"):
        expect(422, api("GET", q(LIST, page=bad), token=t), "VALIDATION_ERROR", ["page"])


def test_list_refused_roles():
    expect(401, api("GET", LIST), "UNAUTHORIZED")
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("GET", en(LIST), token=u["token"]), "FORBIDDEN")


# ------------------------------------------------------------------ create-admin

def test_create_admin_and_moderator():
    adm = admin_login()
    for role in ("moderator", "admin"):
        b = _new_staff(role)
        r = api("POST", en(CREATE), b, token=adm["token"])
        body = expect(201, r)
        obj = user_of(body)
        check(isinstance(obj, dict) and obj.get("role") == role and obj.get("email") == b["email"],
              "answer: %s" % r.describe())
        check(b["password"] not in r.raw.decode() and "$s1$" not in r.raw.decode(), "password echoed")
        uid = obj["id"]
        row = db_user(uid)
        check(row["role"] == role and row["phone"] == "+2" + b["phone"], "DB row %r" % row)
        # the new account signs in to the dashboard, and not to the apps
        lr = login(b["email"], b["password"], type="admins")
        expect(200, lr)
        expect(403, login(b["email"], b["password"], type="clients"), "FORBIDDEN")
        rows = activity_rows("actor_id = %d AND target_id = '%d' AND action = 'admin.create'" % (adm["id"], uid))
        check(rows, "no activity_log row for creating %s %d" % (role, uid))


def test_create_admin_validation_and_duplicates():
    t = admin_token()
    b = _new_staff()
    del b["email"]
    expect(422, api("POST", CREATE, b, token=t), "VALIDATION_ERROR", ["email"])
    expect(422, api("POST", CREATE, _new_staff(password="weak"), token=t), "VALIDATION_ERROR", ["password"])
    expect(422, api("POST", CREATE, _new_staff(email="nope"), token=t), "VALIDATION_ERROR", ["email"])
    expect(422, api("POST", CREATE, _new_staff(phone="0131234"), token=t), "VALIDATION_ERROR", ["phone"])
    for role in ("customer", "technician", "superuser", ""):
        b = _new_staff(role=role)
        expect(422, api("POST", en(CREATE), b, token=t), "VALIDATION_ERROR", ["role"])
        check(db_count("users", "email = %s" % sql_str(b["email"])) == 0, "a user was written for role %r" % role)
    expect(422, api("POST", CREATE, [], token=t), "VALIDATION_ERROR", ["body"])
    expect(400, api("POST", CREATE, raw='{"email":', token=t, headers={"Content-Type": "application/json"}),
           "BAD_REQUEST")
    u = register_user()
    expect(409, api("POST", CREATE, _new_staff(email=u["email"]), token=t), "CONFLICT", ["email"])
    expect(409, api("POST", CREATE, _new_staff(phone=u["phone"]), token=t), "CONFLICT", ["phone"])


def test_create_admin_refused():
    expect(401, api("POST", CREATE, _new_staff()), "UNAUTHORIZED")
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        b = _new_staff("admin")
        expect(403, api("POST", CREATE, b, token=u["token"]), "FORBIDDEN")
        check(db_count("users", "email = %s" % sql_str(b["email"])) == 0, "%s created an admin" % role)


def test_moderator_cannot_create_an_admin():
    """routes.c lets staff reach the endpoint, but a moderator making an admin would be
    a privilege escalation: refused with 403, nothing written."""
    mod = make_user_with_role("moderator")
    b = _new_staff("admin")
    expect(403, api("POST", CREATE, b, token=mod["token"]), "FORBIDDEN")
    check(db_count("users", "email = %s" % sql_str(b["email"])) == 0, "a moderator created an admin")


# ------------------------------------------------------------------ ban / unban

def test_ban_and_unban():
    adm = admin_login()
    u = register_user()
    r = api("PATCH", en("/api/admin/users/%d/ban" % u["id"]), {"reason": "fake bookings"}, token=adm["token"])
    expect(200, r)
    row = db_user(u["id"])
    check(row["is_banned"] == "1" and row["ban_reason"] == "fake bookings" and row["banned_at"], "DB %r" % row)
    # login: 403 USER_BANNED with the reason and the time
    lr = api("POST", en("/api/auth/login"), {"identifier": u["email"], "password": u["password"]})
    body = expect(403, lr, "USER_BANNED")
    check(body.get("data", {}).get("reason") == "fake bookings", "data.reason: %s" % lr.describe())
    check(isinstance(body["data"].get("bannedAt"), str) and body["data"]["bannedAt"].endswith("Z"),
          "data.bannedAt: %s" % lr.describe())
    # a token issued before the ban is refused at once
    expect(403, api("GET", "/api/auth/me", token=u["token"]), "USER_BANNED")
    expect(403, api("GET", "/api/users/profile", token=u["token"]), "USER_BANNED")
    rr = api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]})
    check(rr.status in (401, 403), "refresh of a banned user: %s" % rr.describe())
    live = db_query("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = %d AND revoked_at IS NULL" % u["id"])
    check(live[0][0] == "0", "a ban leaves %s refresh tokens live" % live[0][0])
    # unban
    r = api("PATCH", en("/api/admin/users/%d/unban" % u["id"]), token=adm["token"])
    expect(200, r)
    row = db_user(u["id"])
    check(row["is_banned"] == "0", "still banned: %r" % row)
    expect(200, login(u["email"], u["password"]))
    bans = activity_rows("actor_id = %d AND target_id = '%d' AND action = 'user.ban'" % (adm["id"], u["id"]))
    unbans = activity_rows("actor_id = %d AND target_id = '%d' AND action = 'user.unban'" % (adm["id"], u["id"]))
    check(bans and unbans, "activity_log: %d ban rows, %d unban rows" % (len(bans), len(unbans)))


def test_moderator_bans_customer_but_not_admin():
    mod = make_user_with_role("moderator")
    u = register_user()
    expect(200, _ban(u["id"], mod["token"]))
    check(db_user(u["id"])["is_banned"] == "1", "not banned")
    expect(200, api("PATCH", "/api/admin/users/%d/unban" % u["id"], token=mod["token"]))
    other_admin = make_user_with_role("admin")
    expect(403, _ban(other_admin["id"], mod["token"]), "FORBIDDEN")
    check(db_user(other_admin["id"])["is_banned"] == "0", "a moderator banned an admin")


def test_ban_state_conflicts_409():
    t = admin_login()
    u = register_user()
    expect(200, _ban(u["id"], t["token"]))
    expect(409, _ban(u["id"], t["token"]), "CONFLICT")                  # already banned
    expect(200, api("PATCH", "/api/admin/users/%d/unban" % u["id"], token=t["token"]))
    expect(409, api("PATCH", en("/api/admin/users/%d/unban" % u["id"]), token=t["token"]), "CONFLICT")
    # nobody bans themselves
    expect(409, _ban(t["id"], t["token"]), "CONFLICT")
    check(db_user(t["id"])["is_banned"] == "0", "the admin banned itself")


def test_ban_validation_and_not_found():
    t = admin_token()
    u = register_user()
    expect(422, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "x" * 501}, token=t),
           "VALIDATION_ERROR", ["reason"])
    expect(422, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": 7}, token=t),
           "VALIDATION_ERROR", ["reason"])
    check(db_user(u["id"])["is_banned"] == "0", "banned by a refused request")
    for action in ("ban", "unban"):
        body = {"reason": "spam and abuse"}
        expect(404, api("PATCH", "/api/admin/users/999999999/%s" % action, body, token=t), "NOT_FOUND")
        expect(404, api("PATCH", en("/api/admin/users/abc/%s" % action), body, token=t), "NOT_FOUND",
               message="Resource not found (invalid ID)")
        expect(404, api("PATCH", en("/api/admin/users/0/%s" % action), body, token=t), "NOT_FOUND",
               message="Resource not found (invalid ID)")


def test_ban_without_a_reason_records_the_default():
    """Seed 001 bans with PATCH …/ban and no body: the reason is optional."""
    t = admin_token()
    for body in (None, {}):
        u = register_user()
        r = api("PATCH", "/api/admin/users/%d/ban" % u["id"], body, token=t)
        expect(200, r)
        row = db_user(u["id"])
        check(row["is_banned"] == "1" and "Violation of the terms of use" in row["ban_reason"]
              and "مخالفة شروط الاستخدام" in row["ban_reason"], "default reason: %r" % row)
        expect(403, login(u["email"], u["password"]), "USER_BANNED")
    u = register_user()
    expect(422, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "x"}, token=t),
           "VALIDATION_ERROR", ["reason"])


def test_ban_refused_roles():
    u = register_user()
    for action in ("ban", "unban"):
        path = "/api/admin/users/%d/%s" % (u["id"], action)
        expect(401, api("PATCH", path, {"reason": "spam and abuse"}), "UNAUTHORIZED")
        for role in ("customer", "technician", "corporate"):
            c = make_user_with_role(role)
            expect(403, api("PATCH", path, {"reason": "spam and abuse"}, token=c["token"]), "FORBIDDEN")
    check(db_user(u["id"])["is_banned"] == "0", "banned by a refused caller")


def test_banned_user_cannot_use_any_route():
    u = register_user()
    expect(200, _ban(u["id"], admin_token(), reason="abuse"))
    for method, path in (("GET", "/api/auth/me"), ("GET", "/api/user/settings"),
                         ("POST", "/api/auth/change-password"), ("POST", "/api/auth/send-phone-code")):
        r = api(method, path, {} if method == "POST" else None, token=u["token"])
        body = expect(403, r, "USER_BANNED")
        check(body.get("data", {}).get("reason") == "abuse", "reason missing: %s" % r.describe())


def test_ban_racing_a_role_change_completes_or_fails_whole():
    """A ban and a role change of the same user at once, by two admins: both lock the
    row, so each either happens whole (ban: flag, reason, sessions ended, one log row;
    role: the new role, one log row) or not at all (503)."""
    first = admin_login()
    second = make_user_with_role("admin")
    for _ in range(4):
        u = register_user()
        rs = at_once(lambda: _ban(u["id"], first["token"], reason="racing ban"),
                      lambda: api("PUT", "/api/users/%d/role" % u["id"], {"role": "technician"},
                                  token=second["token"]))
        for r in rs:
            check(r.status in (200, 503), "concurrent ban and role change: %s" % r.describe())
        banned, changed = rs[0].status == 200, rs[1].status == 200
        row = db_user(u["id"])
        live = db_count("refresh_tokens", "user_id = %d AND revoked_at IS NULL" % u["id"])
        bans = activity_rows("target_id = '%d' AND action = 'user.ban'" % u["id"])
        roles = activity_rows("target_id = '%d' AND action = 'user.role_change'" % u["id"])
        if banned:
            check(row["is_banned"] == "1" and row["ban_reason"] == "racing ban" and row["banned_at"]
                  and live == 0 and len(bans) == 1, "a 200 ban is partial: %r, %d live sessions, %d log rows"
                  % (row, live, len(bans)))
        else:
            check(row["is_banned"] == "0" and live > 0 and not bans, "a failed ban wrote: %r" % row)
        if changed:
            check(row["role"] == "technician" and len(roles) == 1, "a 200 role change is partial: %r, %d log rows"
                  % (row["role"], len(roles)))
        else:
            check(row["role"] == "customer" and not roles, "a failed role change wrote: %r" % row["role"])


run(globals())
