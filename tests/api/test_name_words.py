"""Name search through user_name_words (sql/migrations/0016_user_name_words.sql,
docs/data-layer.md "Names"): the words of every listed user's name, folded as name_key
is, kept by the triggers on users; GET /api/users and GET /api/admin/users find a name by
each word's prefix, newest first, with the other words of the search checked on the same
user; a rename, a ban and a deletion show at once.

Every user here carries words made of random letters, so the searches find only them."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_token, db_query, db_scalar,
                         register_user, sql_str, run)

LIST = "/api/admin/users"
DOMAIN = "@namewords.warsha.test"
AR_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"

_token = []


def _tok():
    if not _token:
        _token.append(admin_token())
    return _token[0]


def _latin(n=7):
    return "Q" + "".join(random.choice("bcdfghjklmnpqrstvwxz") for _ in range(n))


def _arabic(n=6):
    return "".join(random.choice(AR_LETTERS) for _ in range(n))


def _search(text, path=LIST, **params):
    p = dict({"limit": 100}, **params)
    return expect_list(api("GET", q(path, search=text, **p), token=_tok()),
                       page=p.get("page", 1), limit=p["limit"])


def _ids(body):
    return [x["id"] for x in body["data"]]


def _words(uid):
    return sorted(r[0] for r in db_query("SELECT word FROM user_name_words WHERE user_id = %d"
                                         % uid))


def _insert(first, last, created, role="customer", n=1):
    """n users named first last, created at the given time (ids growing)."""
    tag = os.urandom(5).hex()
    rows = ", ".join("(%s, '!', '%s', %s, %s, '%s')" % (
        sql_str("nw%s-%d%s" % (tag, i, DOMAIN)), role, sql_str(first), sql_str(last), created)
        for i in range(n))
    db_query("INSERT INTO users (email, password_hash, role, first_name, last_name, created_at)"
             " VALUES " + rows)
    return [int(r[0]) for r in db_query("SELECT id FROM users WHERE email LIKE 'nw%s-%%' ORDER BY id"
                                        % tag)]


def test_arabic_names_are_folded_both_ways():
    tail = _arabic()
    # hamza on alef, teh marbuta, a harakah and a tatweel as the user typed them
    u = register_user(firstName="إيـمَان" + tail + "ة", lastName="أحمد")
    folded = "ايمان" + tail + "ه"
    check(folded in _words(u["id"]), "words of %d: %s" % (u["id"], _words(u["id"])))
    for text in ("إيمان" + tail + "ة", folded, "ايمان" + tail, "آيمان" + tail + "ة احمد",
                 "أحمد إيمان" + tail[:3]):
        check(_ids(_search(text)) == [u["id"]], "%r found %s" % (text, _ids(_search(text))))
    check(_ids(_search("ايمان" + tail + "ه" + "ب")) == [], "a longer word matched")


def test_multi_word_searches_check_every_word():
    a, b, c = _latin(), _latin(), _latin()
    both = _insert(a, b, "2024-03-01 10:00:00")[0]
    only_a = _insert(a, c, "2024-03-01 11:00:00")[0]
    check(_ids(_search(a)) == [only_a, both], "%s: %s" % (a, _ids(_search(a))))
    for text in ("%s %s" % (a, b), "%s %s" % (b.lower(), a.upper()), "%s %s" % (a[:4], b[:5]),
                 "%s-%s" % (b, a)):
        check(_ids(_search(text)) == [both], "%r found %s" % (text, _ids(_search(text))))
    check(_ids(_search("%s %s" % (a, _latin()))) == [], "an unknown second word matched")
    # a word of one or two letters is left out, as before
    check(_ids(_search("%s %s" % (a, "de"))) == [only_a, both], "a short word narrowed it")


def test_newest_first_pages_and_totals():
    w = _latin()
    ids = _insert(w, "Paged", "2024-05-01 08:00:00", n=3)         # one second, ids growing
    ids += _insert("Paged", w, "2024-05-02 08:00:00", n=2)
    want = ids[3:][::-1] + ids[:3][::-1]                          # newer day, then larger id
    check(_ids(_search(w)) == want, "order %s, expected %s" % (_ids(_search(w)), want))
    p1 = _search(w, limit=2)
    check(_ids(p1) == want[:2], "page 1: %s" % _ids(p1))
    check(p1["pagination"]["totalItems"] == 3 and p1["pagination"].get("totalIsLowerBound"),
          "a full page: %s" % p1["pagination"])
    p3 = _search(w, limit=2, page=3)
    check(_ids(p3) == want[4:] and p3["pagination"]["totalItems"] == 5
          and not p3["pagination"].get("totalIsLowerBound"), "last page: %s" % p3["pagination"])
    p4 = _search(w, limit=2, page=4)
    check(_ids(p4) == [] and p4["pagination"]["totalItems"] == 5, "after the end: %s"
          % p4["pagination"])
    # /api/users reads the same
    check(_ids(_search(w, path="/api/users")) == want, "/api/users differs")
    # with a role
    tech = _insert(w, "Tech", "2024-04-01 08:00:00", role="technician")[0]
    check(_ids(_search(w, role="technician")) == [tech], "role=technician: %s"
          % _ids(_search(w, role="technician")))


def test_a_rename_rewrites_the_words():
    old, new = _latin(), _latin()
    u = register_user(firstName=old, lastName="Renamed")
    check(_ids(_search(old)) == [u["id"]], "before the rename")
    expect(200, api("PUT", "/api/users/profile", {"firstName": new}, token=u["token"]))
    check(_ids(_search(old)) == [], "the old name still finds the user")
    check(_ids(_search(new + " renamed")) == [u["id"]], "the new name does not")
    check(_words(u["id"]) == sorted([new.lower(), "renamed"]), "words %s" % _words(u["id"]))
    # any other update leaves the words alone
    db_query("UPDATE users SET last_login = NOW(3) WHERE id = %d" % u["id"])
    check(_words(u["id"]) == sorted([new.lower(), "renamed"]), "words %s" % _words(u["id"]))


def test_ban_role_and_deletion_follow():
    w = _latin()
    u = register_user(firstName=w, lastName="Follow")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "name words"},
                    token=_tok()))
    check(_ids(_search(w, status="banned")) == [u["id"]], "banned: not found as banned")
    check(_ids(_search(w, status="active")) == [], "banned: found as active")
    check(db_scalar("SELECT GROUP_CONCAT(DISTINCT list_state) FROM user_name_words"
                    " WHERE user_id = %d" % u["id"]) == "banned", "the copies kept the old state")
    db_query("UPDATE users SET role = 'technician' WHERE id = %d" % u["id"])
    check(_ids(_search(w, role="technician")) == [u["id"]], "role change not followed")
    expect(200, api("DELETE", "/api/users/%d" % u["id"], token=_tok()))
    check(_ids(_search(w)) == [], "a deleted user is found by name")
    check(_words(u["id"]) == [], "a deleted user keeps words %s" % _words(u["id"]))
    # a row deleted outright takes its words with it
    x = _insert(w, "Gone", "2024-06-01 00:00:00")[0]
    check(_ids(_search(w)) == [x], "inserted: %s" % _ids(_search(w)))
    db_query("DELETE FROM users WHERE id = %d" % x)
    check(_words(x) == [] and _ids(_search(w)) == [], "deleted row's words remain")


def test_zz_clean_up():
    db_query("DELETE FROM users WHERE email LIKE '%%%s'" % DOMAIN)
    check(int(db_scalar("SELECT COUNT(*) FROM user_name_words w LEFT JOIN users u"
                        " ON u.id = w.user_id WHERE u.id IS NULL")) == 0, "orphan words")


if __name__ == "__main__":
    run(globals())
