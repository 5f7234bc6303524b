"""Sessions (seed 002's /api/refresh-token; the user's own under /api/users/me/sessions).

A session is a refresh family: device, address, start, last use and expiry are shown,
never a token or its hash. Ending one (its owner, or an admin) revokes its refresh token
and, at once, every access token it issued."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, expect_list, expect_bilingual, check, register_user,
                         admin_token, make_user_with_role, activity_rows, run)

SECRET_WORDS = ("token", "hash", "refresh", "family")


def _sign_in(u, agent):
    body = expect(200, api("POST", "/api/auth/login",
                           {"identifier": u["email"], "password": u["password"]},
                           headers={"User-Agent": agent}))
    return body["data"]["token"], body["data"]["refreshToken"]


def _mine(token, **q):
    path = "/api/users/me/sessions" + ("?" + "&".join("%s=%s" % kv for kv in q.items()) if q else "")
    return expect_list(api("GET", path, token=token), limit=q.get("limit", 20))["data"]


def test_a_user_lists_and_ends_their_own_sessions():
    u = register_user()
    phone_tok, phone_refresh = _sign_in(u, "WarshaApp/1.0 (Android)")
    web_tok, _ = _sign_in(u, "Mozilla/5.0 (Web)")
    items = _mine(web_tok)
    # the registration's session and the two sign-ins
    check(len(items) == 3, "sessions %r" % items)
    for s in items:
        check(set(s) == {"id", "userId", "device", "ip", "createdAt", "lastUsedAt", "expiresAt",
                         "current"}, "members %r" % sorted(s))
        check(all(w not in k.lower() for k in s for w in SECRET_WORDS), "a secret member %r" % s)
    check([s["current"] for s in items].count(True) == 1, "current %r" % items)
    current = [s for s in items if s["current"]][0]
    check(current["device"] == "Mozilla/5.0 (Web)", "current %r" % current)
    phone = [s for s in items if s["device"] == "WarshaApp/1.0 (Android)"][0]
    # a refresh keeps the session's id and moves its last use
    r = expect(200, api("POST", "/api/auth/refresh", {"refreshToken": phone_refresh},
                        headers={"User-Agent": "WarshaApp/1.0 (Android)"}))
    phone_tok = r["data"]["token"]
    again = [s for s in _mine(web_tok) if s["device"] == "WarshaApp/1.0 (Android)"]
    check(len(again) == 1 and again[0]["id"] == phone["id"], "after refresh %r" % again)
    # ending it ends its access token at once, and its refresh token
    expect(200, api("GET", "/api/auth/me", token=phone_tok))
    expect(200, api("DELETE", "/api/users/me/sessions/%d" % phone["id"], token=web_tok))
    expect(401, api("GET", "/api/auth/me", token=phone_tok), "UNAUTHORIZED")
    expect(401, api("POST", "/api/auth/refresh", {"refreshToken": r["data"]["refreshToken"]}))
    expect(200, api("GET", "/api/auth/me", token=web_tok))
    check(len(_mine(web_tok)) == 2, "still listed after ending")
    expect(404, api("DELETE", "/api/users/me/sessions/%d" % phone["id"], token=web_tok))
    expect_bilingual("GET", "/api/users/me/sessions", token=web_tok, status=200)


def test_someone_elses_session_is_404_and_admins_end_any():
    a, b = register_user(), register_user()
    a_tok, _ = _sign_in(a, "A-device")
    b_sessions = _mine(b["token"])
    sid = b_sessions[0]["id"]
    expect(404, api("DELETE", "/api/users/me/sessions/%d" % sid, token=a_tok))
    expect(404, api("DELETE", "/api/refresh-token/%d" % sid, token=a_tok))
    for role in ("customer", "technician", "moderator"):
        x = make_user_with_role(role)
        expect(403, api("GET", "/api/refresh-token", token=x["token"]), "FORBIDDEN")
        expect(403, api("GET", "/api/refresh-token/%d" % sid, token=x["token"]), "FORBIDDEN")
    expect(401, api("GET", "/api/users/me/sessions"), "UNAUTHORIZED")
    adm = admin_token()
    one = expect(200, api("GET", "/api/refresh-token/%d" % sid, token=adm))["data"]["session"]
    check(one["id"] == sid and one["userId"] == b["id"], "admin view %r" % one)
    listed = expect_list(api("GET", "/api/refresh-token?userId=%d" % b["id"], token=adm),
                         limit=20)["data"]
    check([s["id"] for s in listed] == [s["id"] for s in b_sessions], "by user %r" % listed)
    expect(200, api("DELETE", "/api/refresh-token/%d" % sid, token=adm))
    expect(401, api("GET", "/api/auth/me", token=b["token"]), "UNAUTHORIZED")
    check(activity_rows("action = 'session.revoke' AND target_id = %d" % b["id"]),
          "no session.revoke row")
    expect(404, api("GET", "/api/refresh-token/%d" % sid, token=adm))
    # bad input names the field
    expect(422, api("GET", "/api/refresh-token?cursor=abc", token=adm), fields=["cursor"])
    expect(422, api("GET", "/api/refresh-token?limit=0", token=adm), fields=["limit"])
    expect(422, api("GET", "/api/users/me/sessions?userId=%d" % b["id"], token=a_tok),
           fields=["userId"])
    expect(404, api("DELETE", "/api/refresh-token/x1", token=adm))


def test_sessions_page_by_cursor():
    u = register_user()
    for i in range(5):
        _sign_in(u, "device-%d" % i)
    seen, cursor = [], None
    while True:
        path = "/api/users/me/sessions?limit=2" + ("&cursor=" + cursor if cursor else "")
        body = expect(200, api("GET", path, token=u["token"]))
        seen += [s["id"] for s in body["data"]]
        cursor = body["pagination"]["nextCursor"]
        if not cursor:
            break
    check(len(seen) == 6 and len(set(seen)) == 6, "pages %r" % seen)


if __name__ == "__main__":
    run(globals())
