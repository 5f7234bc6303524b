"""Two requests that race for the same row: one wins whole, the other is told why, and
nothing is done twice (docs/data-layer.md: a unit of work reads what it decides on under
a row lock)."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, check, connection, db_query, en, expect, make_user_with_role,
                         admin_login, register_user, run)

ROUNDS = 5


def _at_once(*calls):
    """Runs each call (a function of an open connection) in its own thread, released
    together once every connection is open; returns their answers in order."""
    conns = [connection() for _ in calls]
    for c in conns:
        c.connect()
    gate = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def one(i):
        gate.wait(10)
        try:
            out[i] = calls[i](conns[i])
        except Exception as e:  # reported below as a missing answer
            out[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for c in conns:
        c.close()
    for r in out:
        check(r is not None and not isinstance(r, Exception), "a request got no answer: %r" % (r,))
    return out


def test_same_refresh_token_twice_at_once_one_wins_family_revoked():
    """Two refreshes with one refresh token at once: exactly one 200 with a new pair, the
    other 401, no 5xx; the second presented a token already rotated, so the whole family
    is revoked (reuse), the winner's new refresh token included."""
    for _ in range(ROUNDS):
        u = register_user()

        def refresh(conn):
            return api("POST", en("/api/auth/refresh-token"), {"refreshToken": u["refresh"]},
                       conn=conn)

        rs = _at_once(refresh, refresh)
        statuses = sorted(r.status for r in rs)
        check(statuses == [200, 401], "statuses %s: %s" % (statuses, " | ".join(r.describe() for r in rs)))
        won = [r for r in rs if r.status == 200][0]
        lost = [r for r in rs if r.status == 401][0]
        d = expect(200, won)["data"]
        expect(401, lost, "UNAUTHORIZED")
        fam = db_query("SELECT family_id, revoked_at IS NOT NULL, revoke_reason FROM refresh_tokens"
                       " WHERE user_id = %d ORDER BY id" % u["id"])
        check(len(fam) == 2 and len({f[0] for f in fam}) == 1,
              "expected the first token and its one successor in one family: %r" % fam)
        check(all(f[1] == "1" for f in fam), "a token of the family is still live: %r" % fam)
        check(fam[0][2] == "rotated" and fam[1][2] == "reuse",
              "revoke reasons %r, expected rotated then reuse" % [f[2] for f in fam])
        expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": d["refreshToken"]}),
               "UNAUTHORIZED")


def test_two_admins_ban_one_user_at_once():
    """Two admins ban the same user at once: one 200, one 409 "already banned", and one
    user.ban row in the activity log."""
    first = admin_login()
    second = make_user_with_role("admin")
    for i in range(ROUNDS):
        victim = register_user()
        path = en("/api/admin/users/%d/ban" % victim["id"])

        def ban(token, reason):
            return lambda conn: api("PATCH", path, {"reason": reason}, token=token, conn=conn)

        reasons = ("first admin %d" % i, "second admin %d" % i)
        rs = _at_once(ban(first["token"], reasons[0]), ban(second["token"], reasons[1]))
        statuses = sorted(r.status for r in rs)
        check(statuses == [200, 409], "statuses %s: %s" % (statuses, " | ".join(r.describe() for r in rs)))
        w = 0 if rs[0].status == 200 else 1
        expect(200, rs[w])
        expect(409, rs[1 - w], "CONFLICT", message="already banned")
        row = db_query("SELECT is_banned, ban_reason, banned_by FROM users WHERE id = %d" % victim["id"])[0]
        check(row == ["1", reasons[w], str((first, second)[w]["id"])],
              "users row %r, expected the winner's ban (%r by %s)" % (row, reasons[w], (first, second)[w]["id"]))
        logs = db_query("SELECT actor_id FROM activity_log WHERE action = 'user.ban' AND"
                        " target_type = 'user' AND target_id = '%d'" % victim["id"])
        check(logs == [[str((first, second)[w]["id"])]],
              "user.ban rows %r, expected exactly one by the winner" % logs)


run(globals())
