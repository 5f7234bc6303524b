"""Seed 002's user paths (/api/user, /api/user/:id): the handlers and rules of /api/users
under the names a seed-002 client calls, with seed 002's answers inside the envelope:
GET /api/user (admin) a list, GET /api/user/:id {user}, PUT /api/user {message, user},
PUT /api/user/:id (admin) {message, user}, DELETE /api/user/:id (admin) {message}."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_list, expect_bilingual, check, register_user,
                         admin_token, make_user_with_role, user_of, db_query, db_user,
                         activity_rows, run)


def test_list_is_for_admins():
    expect_list(api("GET", "/api/user", token=admin_token()))
    for role in ("customer", "technician", "moderator", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("GET", "/api/user", token=u["token"]), "FORBIDDEN")
    expect(401, api("GET", "/api/user"), "UNAUTHORIZED")
    expect(422, api("GET", "/api/user?limit=0", token=admin_token()), fields=["limit"])


def test_get_one_as_the_caller_may_see_them():
    a, b = register_user(), register_user()
    own = user_of(expect(200, api("GET", "/api/user/%d" % a["id"], token=a["token"])))
    check(own["email"] == a["email"] and own["phone"] == a["phone_e164"], "own view %r" % own)
    other = user_of(expect(200, api("GET", "/api/user/%d" % a["id"], token=b["token"])))
    check(other["id"] == a["id"] and "email" not in other and "phone" not in other,
          "another customer sees %r" % sorted(other))
    full = user_of(expect(200, api("GET", "/api/user/%d" % a["id"], token=admin_token())))
    check(full["email"] == a["email"], "admin view %r" % full)
    expect(404, api("GET", "/api/user/999999999", token=a["token"]))
    expect(404, api("GET", "/api/user/x1", token=a["token"]))
    # /api/user/settings is its own route, not an id
    expect(200, api("GET", "/api/user/settings", token=a["token"]))


def test_own_put_takes_full_name():
    u = register_user()
    body = expect(200, api("PUT", en("/api/user"), {"fullName": "Mona Abdel Rahman"},
                           token=u["token"]))
    got = user_of(body)
    check(got["profile"]["firstName"] == "Mona" and got["profile"]["lastName"] == "Abdel Rahman",
          "fullName split: %r" % got["profile"])
    row = db_user(u["id"])
    check(row["first_name"] == "Mona" and row["last_name"] == "Abdel Rahman", "row %r" % row)
    expect(422, api("PUT", "/api/user", {"gender": "x"}, token=u["token"]), fields=["gender"])
    expect(401, api("PUT", "/api/user", {"fullName": "A B"}))
    expect_bilingual("PUT", "/api/user", {"gender": "x"}, token=u["token"], status=422)


def test_admin_updates_any_user_and_it_is_logged():
    u = register_user()
    admin = admin_token()
    before = len(activity_rows("action = 'user.update' AND target_id = %d" % u["id"]))
    body = expect(200, api("PUT", en("/api/user/%d" % u["id"]),
                           {"firstName": "Karim", "address": {"city": "Tanta"}}, token=admin))
    got = user_of(body)
    check(got["id"] == u["id"] and got["profile"]["firstName"] == "Karim", "answer %r" % got)
    check(db_user(u["id"])["first_name"] == "Karim", "row not written")
    rows = db_query("SELECT details FROM activity_log WHERE action = 'user.update'"
                    " AND target_id = %d ORDER BY id" % u["id"])
    check(len(rows) == before + 1, "%d user.update rows" % len(rows))
    details = rows[-1][0]
    check('"firstName"' in details and '"address.city"' in details and "Karim" not in details,
          "details name the fields, not the values: %s" % details)
    # the same declared fields and rules: bad input is 422 naming it and writes nothing
    expect(422, api("PUT", "/api/user/%d" % u["id"], {"firstName": "Karim", "gender": "x"},
                    token=admin), fields=["gender"])
    # role is no field here (PUT /api/users/:id/role is): ignored, nothing changed or logged
    expect(200, api("PUT", "/api/user/%d" % u["id"], {"role": "admin"}, token=admin))
    check(db_user(u["id"])["role"] == "customer", "role changed through PUT /api/user/:id")
    # a taken phone is 409 naming it
    other = register_user()
    expect(409, api("PUT", "/api/user/%d" % u["id"], {"phone": other["phone"]}, token=admin),
           fields=["phone"])
    check(len(db_query("SELECT id FROM activity_log WHERE action = 'user.update'"
                       " AND target_id = %d" % u["id"])) == before + 1, "a failed PUT was logged")
    expect(404, api("PUT", "/api/user/999999999", {"firstName": "X"}, token=admin))
    for role in ("customer", "technician", "moderator"):
        someone = make_user_with_role(role)
        expect(403, api("PUT", "/api/user/%d" % u["id"], {"firstName": "Evil"},
                        token=someone["token"]), "FORBIDDEN")
    check(db_user(u["id"])["first_name"] == "Karim", "a refused PUT changed the row")


def test_admin_deletes():
    u = register_user()
    c = register_user()
    expect(403, api("DELETE", "/api/user/%d" % u["id"], token=c["token"]), "FORBIDDEN")
    expect(200, api("DELETE", "/api/user/%d" % u["id"], token=admin_token()))
    check(db_user(u["id"])["deleted_at"] not in (None, "NULL"), "not deleted")
    expect(404, api("GET", "/api/user/%d" % u["id"], token=admin_token()))
    expect(404, api("DELETE", "/api/user/%d" % u["id"], token=admin_token()))


if __name__ == "__main__":
    run(globals())
