"""User lists at scale (docs/data-layer.md, "Lists"): every DBS_LIST statement of every
store family is EXPLAINed against a users table loaded with 100,000 generated users and
must read an index (no full scan of a big table, no sort of more than a window of rows);
GET /api/users and GET /api/admin/users page by key without duplicates or gaps, refuse
a page beyond the window and a malformed cursor, count exactly from the counters, and
find users by e-mail, phone, username and English and Arabic names.

The generated users (e-mails ending in @lists.warsha.test) are deleted at the end."""
import base64
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_token, db_query, db_scalar,
                         register_user, ENV, SOURCE_DIR, Skip, run)

N = 100000
DOMAIN = "@lists.warsha.test"
WINDOW = 10000
ROLES = ("customer", "technician", "admin", "moderator", "corporate")
LIST = "/api/admin/users"

AR_FIRST = ("أحمد", "محمد", "محمود", "مصطفى", "عمر", "يوسف", "كريم", "حسن", "علي", "إبراهيم",
            "سارة", "منى", "نور", "فاطمة", "آية", "سلمى", "ياسمين", "هبة", "مريم", "ليلى")
EN_FIRST = ("Ahmed", "Mohamed", "Mahmoud", "Mostafa", "Omar", "Youssef", "Karim", "Hassan",
            "Ali", "Ibrahim", "Sara", "Mona", "Nour", "Fatma", "Aya", "Salma", "Yasmin", "Heba",
            "Mariam", "Laila")
AR_LAST = ("حسن", "إبراهيم", "عبد الرحمن", "منصور", "صالح", "فاروق", "ناصر", "خليل", "سليمان",
           "فهمي", "جابر", "شوقي", "عزت", "رمضان", "توفيق", "زكي", "بدوي", "حلمي", "صبري", "عاشور")
EN_LAST = ("Hassan", "Ibrahim", "Abdelrahman", "Mansour", "Saleh", "Farouk", "Nasser", "Khalil",
           "Soliman", "Fahmy", "Gaber", "Shawky", "Ezzat", "Ramadan", "Tawfik", "Zaki", "Badawi",
           "Helmy", "Sabry", "Ashour")


def _elt(expr, words):
    return "ELT(%s, %s)" % (expr, ", ".join("'%s'" % w for w in words))


# Roles 80/15/4/0.5/0.5 %, 2 % banned, 1 % deactivated, 1 % deleted; half the users with
# Arabic names; created_at shared by pairs of users and shuffled against id, so the
# list's tie-break on id is exercised; phones +2012… for even numbers, usernames lst_…
# for multiples of 3. INSERT IGNORE: a phone some other test drew at random is skipped.
GENERATE = """
INSERT IGNORE INTO users (email, phone, username, password_hash, role, first_name, last_name,
  is_active, is_banned, ban_reason, banned_at, deleted_at, created_at, preferred_language)
SELECT CONCAT('lst', seq, '{domain}'),
  IF(seq MOD 2 = 0, CONCAT('+2012', LPAD(seq, 8, '0')), NULL),
  IF(seq MOD 3 = 0, CONCAT('lst_', seq), NULL),
  '!',
  ELT(1 + (seq MOD 200 >= 160) + (seq MOD 200 >= 190) + (seq MOD 200 >= 198)
      + (seq MOD 200 >= 199), 'customer', 'technician', 'corporate', 'moderator', 'admin'),
  IF(seq MOD 2 = 1, {ar_first}, {en_first}),
  IF(seq MOD 2 = 1, {ar_last}, {en_last}),
  seq MOD 97 <> 5,
  seq MOD 53 = 7,
  IF(seq MOD 53 = 7, 'generated', NULL),
  IF(seq MOD 53 = 7, TIMESTAMP'2025-01-01 00:00:00', NULL),
  IF(seq MOD 101 = 3, TIMESTAMP'2025-06-01 00:00:00', NULL),
  TIMESTAMP'2024-01-01 00:00:00' + INTERVAL ((seq * 7919) MOD {n}) DIV 2 SECOND,
  IF(seq MOD 2 = 1, 'ar', 'en')
FROM seq_1_to_{n};
INSERT INTO users (email, password_hash, role, first_name, last_name, created_at) VALUES
  ('lst-zeinab-en{domain}', '!', 'technician', 'Zeinab', 'Elwakeel', '2023-06-01'),
  ('lst-zeinab-ar{domain}', '!', 'technician', 'زَينب', 'الوكيل', '2023-06-01'),
  ('lst-will{domain}', '!', 'customer', 'Will', 'De La Cruz', '2023-06-01');
""".format(domain=DOMAIN, n=N,
           ar_first=_elt("1 + (seq DIV 2) MOD 20", AR_FIRST),
           en_first=_elt("1 + (seq DIV 2) MOD 20", EN_FIRST),
           ar_last=_elt("1 + (seq DIV 40) MOD 20", AR_LAST),
           en_last=_elt("1 + (seq DIV 40) MOD 20", EN_LAST))

STATE_SQL = {
    "all": "deleted_at IS NULL",
    "active": "deleted_at IS NULL AND is_banned = 0 AND is_active = 1",
    "banned": "deleted_at IS NULL AND is_banned = 1",
}

_token = []


def _tok():
    if not _token:
        _token.append(admin_token())
    return _token[0]


def _get(path, **params):
    return api("GET", q(path, **params), token=_tok())


def _delete_generated():
    db_query("DELETE FROM users WHERE email LIKE '%%%s'" % DOMAIN)


def _count(where):
    return int(db_scalar("SELECT COUNT(*) FROM users WHERE %s" % where))


def _ids(where, order="created_at DESC, id DESC", limit=None):
    sql = "SELECT id FROM users WHERE %s ORDER BY %s" % (where, order)
    if limit is not None:
        sql += " LIMIT %d" % limit
    return [int(r[0]) for r in db_query(sql)]


def _walk(path, limit=100, **params):
    """Every page of a list by cursor: the ids in order and the number of pages."""
    ids, pages, cursor = [], 0, None
    while True:
        p = dict(params, limit=limit)
        if cursor is not None:
            p["cursor"] = cursor
        body = expect_list(_get(path, **p), limit=limit)
        pages += 1
        ids += [x["id"] for x in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        if cursor is None:
            check(len(body["data"]) <= limit, "last page longer than limit")
            return ids, pages, body
        check(len(body["data"]) == limit, "a page with a nextCursor is not full: %d rows"
              % len(body["data"]))
        check(pages < 1000, "no end to the pages")


def _explain():
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# ------------------------------------------------------------------ the load

def test_load_generated_users():
    _delete_generated()
    t0 = time.time()
    db_query(GENERATE)
    db_query("ANALYZE TABLE users, user_counts, user_name_words")
    n = _count("email LIKE '%%%s'" % DOMAIN)
    print("loaded %d generated users in %.1f s" % (n, time.time() - t0), flush=True)
    check(n > N * 0.99, "only %d of %d generated users were loaded" % (n, N))


# ------------------------------------------------------------------ the plans

def _plan_faults(line):
    """What is wrong with one "plan" line of --explain-lists (the index rules of
    docs/data-layer.md): a full scan of a table of more than a thousand rows, or a sort
    of more rows than a window."""
    cols = line.split("\t")
    f = dict(c.split("=", 1) for c in cols[3:])
    # "rows" may carry a rowid filter's share ("1200 (12%)"): the estimate is the number
    rows = int(re.match(r"\d*", f.get("rows") or "").group(0) or 0)
    table, typ, extra = f.get("table", ""), f.get("type", ""), f.get("Extra", "")
    derived = table.startswith("<")
    faults = []
    if typ == "ALL" and not derived and rows >= 1000:
        faults.append("a full scan of %s (%d rows)" % (table, rows))
    if "Using filesort" in extra and typ != "fulltext" and rows > WINDOW:
        faults.append("a sort of %d rows of %s" % (rows, table))
    # (a primary key lookup that found no row: "Impossible WHERE noticed after reading
    # const tables", no table named)
    if (not derived and typ not in ("ALL", "system", "const") and not f.get("key")
            and "after reading const tables" not in extra):
        faults.append("no index on %s" % table)
    return faults


def test_plan_rules_catch_a_full_scan_and_a_sort():
    scan = "plan\tx\t0\tid=1\tselect_type=SIMPLE\ttable=users\ttype=ALL\tkey=\tkey_len=\trows=99000\tExtra=Using where"
    sort = ("plan\tx\t0\tid=1\tselect_type=SIMPLE\ttable=u\ttype=ref\tkey=ix_users_list\tkey_len=8"
            "\trows=49000\tExtra=Using where; Using filesort")
    small = "plan\tx\t0\tid=1\tselect_type=SIMPLE\ttable=services\ttype=ALL\tkey=\tkey_len=\trows=20\tExtra="
    derived = "plan\tx\t0\tid=1\tselect_type=PRIMARY\ttable=<derived2>\ttype=ALL\tkey=\tkey_len=\trows=10001\tExtra="
    check(_plan_faults(scan) and _plan_faults(sort), "a full scan or a sort of the table passes")
    check(not _plan_faults(small) and not _plan_faults(derived), "a small table or a derived one fails")


def test_every_list_statement_reads_an_index():
    rc, out, err = _explain()
    lines = out.splitlines()
    errors = [l for l in lines if l.startswith("error\t")]
    check(rc == 0 and not errors, "--explain-lists failed (%d):\n%s\n%s" % (rc, "\n".join(errors), err))
    stmts = {tuple(l.split("\t")[1:3]) for l in lines if l.startswith("stmt\t")}
    planned = {tuple(l.split("\t")[1:3]) for l in lines if l.startswith("plan\t")}
    check(len([s for s in stmts if s[0] == "user_lists"]) >= 19,
          "the user_lists family's statements were not all explained:\n%s" % out)
    check(len([s for s in stmts if s[0] == "progress"]) == 7,
          "the progress family's per-booking lists were not all explained:\n%s" % out)
    check(len([s for s in stmts if s[0] == "reviews"]) == 16,
          "the reviews family's statements were not all explained:\n%s" % out)
    check(stmts == planned, "statements without a plan: %s" % sorted(stmts - planned))
    bad = []
    for l in lines:
        if l.startswith("plan\t"):
            bad += ["%s: %s" % (l, f) for f in _plan_faults(l)]
    check(not bad, "list statements that do not read an index:\n%s" % "\n".join(bad))
    # the search's words tables are read by their own indexes (docs/search.md)
    for key in ("ix_service_words_search", "ix_service_words_category",
                "ix_user_name_words_role"):
        check(any("\tkey=%s\t" % key in l for l in lines if l.startswith("plan\t")),
              "no plan reads %s:\n%s" % (key, out))
    # what the figures of docs/data-layer.md come from
    for l in lines:
        if l.startswith("plan\tuser_lists"):
            print("  " + l.replace("\t", " "), flush=True)


# ------------------------------------------------------------------ paging

def test_keyset_pages_have_no_duplicates_or_gaps():
    for params, where in (({"role": "moderator"}, "role = 'moderator' AND " + STATE_SQL["all"]),
                          ({"status": "banned"}, STATE_SQL["banned"]),
                          ({"role": "technician", "status": "banned"},
                           "role = 'technician' AND " + STATE_SQL["banned"])):
        ids, pages, last = _walk(LIST, **params)
        want = _ids(where)
        check(len(ids) == len(set(ids)), "%s: duplicates across pages" % params)
        check(ids == want, "%s: %d ids by cursor over %d pages, the table has %d in order"
              " (first difference at %s)" % (params, len(ids), pages, len(want),
                                              next((i for i, (a, b) in enumerate(zip(ids, want))
                                                    if a != b), min(len(ids), len(want)))))
        check(last["pagination"].get("nextCursor") is None, "nextCursor on the last page")
        check(last["pagination"]["totalItems"] == len(want), "%s: total %s, rows %d"
              % (params, last["pagination"]["totalItems"], len(want)))


def test_pages_and_cursor_agree():
    want = _ids(STATE_SQL["all"], limit=WINDOW + 200)
    for page, limit in ((1, 10), (2, 10), (57, 7), (1000, 10), (100, 100)):
        body = expect_list(_get(LIST, page=page, limit=limit), page=page, limit=limit)
        got = [x["id"] for x in body["data"]]
        check(got == want[(page - 1) * limit:page * limit],
              "page %d limit %d: %s, expected %s" % (page, limit, got,
                                                     want[(page - 1) * limit:page * limit]))
        # the cursor of a page leads to the next page, past the window too
        nxt = body["pagination"].get("nextCursor")
        check(isinstance(nxt, str) and nxt, "page %d: no nextCursor" % page)
        body = expect_list(_get(LIST, cursor=nxt, limit=limit), limit=limit)
        got = [x["id"] for x in body["data"]]
        check(got == want[page * limit:(page + 1) * limit],
              "after page %d by cursor: %s, expected %s" % (page, got,
                                                           want[page * limit:(page + 1) * limit]))
    # /api/users pages the same way
    body = expect_list(api("GET", q("/api/users", limit=5), token=_tok()), limit=5)
    check([x["id"] for x in body["data"]] == want[:5], "/api/users page 1 differs")


def test_page_beyond_window_and_bad_cursor_422():
    for page, limit in ((1001, 10), (101, 100), (10001, 1)):
        expect(422, _get(LIST, page=page, limit=limit), "VALIDATION_ERROR", {"cursor": "REQUIRED"})
        expect(422, _get("/api/users", page=page, limit=limit), "VALIDATION_ERROR", ["cursor"])
    expect_list(_get(LIST, page=10000, limit=1), page=10000, limit=1)
    bad = ["abc", "!!!!", "x" * 65, base64.urlsafe_b64encode(b"garbage|12").decode().rstrip("="),
           base64.urlsafe_b64encode(b"2024-13-01 00:00:00.000|5").decode().rstrip("="),
           base64.urlsafe_b64encode(b"2024-01-01 00:00:00.000|0").decode().rstrip("="),
           base64.urlsafe_b64encode(b"2024-01-01 00:00:00.000|5").decode()]   # padded
    for c in bad:
        expect(422, _get(LIST, cursor=c), "VALIDATION_ERROR", ["cursor"])
    good = base64.urlsafe_b64encode(b"2024-01-01 00:00:00.000|5").decode().rstrip("=")
    expect_list(_get(LIST, cursor=good))
    expect(422, _get(LIST, cursor=good, search="Mohamed"), "VALIDATION_ERROR", ["cursor"])
    expect(422, _get(LIST, cursor=good, page=2), "VALIDATION_ERROR", ["page"])
    # a search pages within its window only
    expect(422, _get(LIST, search="Mohamed", page=1001), "VALIDATION_ERROR", ["page"])
    expect(422, _get(LIST, search="x" * 101), "VALIDATION_ERROR", {"search": "TOO_LONG"})
    expect_list(_get(LIST, search="x" * 100))
    expect(422, _get(LIST, role="wizard"), "VALIDATION_ERROR", ["role"])
    expect(422, _get(LIST, status="sleeping"), "VALIDATION_ERROR", ["status"])


# ------------------------------------------------------------------ totals

def test_totals_are_the_real_counts():
    for role in (None,) + ROLES:
        for status in ("all", "active", "banned"):
            params = {"status": status}
            where = STATE_SQL[status]
            if role is not None:
                params["role"] = role
                where = "role = '%s' AND %s" % (role, where)
            pg = expect_list(_get(LIST, **params))["pagination"]
            want = _count(where)
            check(pg["totalItems"] == want and "totalIsLowerBound" not in pg,
                  "%s: totalItems %s, the table has %d" % (params, pg, want))
    pg = expect_list(_get("/api/users", role="USER"))["pagination"]
    check(pg["totalItems"] == _count("role = 'customer' AND " + STATE_SQL["all"]),
          "/api/users?role=USER total %s" % pg)


def test_counters_follow_every_write():
    uid = _ids("email = 'lst4244%s'" % DOMAIN)[0]

    def totals():
        return {s: expect_list(_get(LIST, role="customer", status=s))["pagination"]["totalItems"]
                for s in ("all", "active", "banned")}
    before = totals()
    db_query("UPDATE users SET is_banned = 1 WHERE id = %d" % uid)
    after = totals()
    check(after == {"all": before["all"], "active": before["active"] - 1,
                    "banned": before["banned"] + 1}, "a ban: %s -> %s" % (before, after))
    db_query("UPDATE users SET is_banned = 0, role = 'technician' WHERE id = %d" % uid)
    after = totals()
    check(after == {"all": before["all"] - 1, "active": before["active"] - 1,
                    "banned": before["banned"]}, "a role change: %s -> %s" % (before, after))
    db_query("UPDATE users SET role = 'customer', deleted_at = CURRENT_TIMESTAMP(3) WHERE id = %d"
             % uid)
    after = totals()
    check(after == {"all": before["all"] - 1, "active": before["active"] - 1,
                    "banned": before["banned"]}, "a deletion: %s -> %s" % (before, after))
    db_query("UPDATE users SET deleted_at = NULL WHERE id = %d" % uid)
    check(totals() == before, "undone: %s" % before)


def test_counters_and_name_follow_the_api():
    """The same through the application's own statements: sign-up, ban, deletion."""
    def totals():
        return {s: expect_list(_get(LIST, role="customer", status=s))["pagination"]["totalItems"]
                for s in ("all", "active", "banned")}
    before = totals()
    name = "Qadry" + "".join(chr(ord("a") + int(c, 16) % 26) for c in os.urandom(4).hex())
    u = register_user(firstName=name, lastName="Listed")
    check(totals() == {"all": before["all"] + 1, "active": before["active"] + 1,
                       "banned": before["banned"]}, "a sign-up: %s -> %s" % (before, totals()))
    found = [x["id"] for x in _search(name)["data"]]
    check(found == [u["id"]], "the new user's name %s found %s" % (name, found))
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % u["id"], {"reason": "testing lists"},
                    token=_tok()))
    check(totals() == {"all": before["all"] + 1, "active": before["active"],
                       "banned": before["banned"] + 1}, "a ban: %s -> %s" % (before, totals()))
    expect(200, api("DELETE", "/api/users/%d" % u["id"], token=_tok()))
    check(totals() == before, "a deletion: %s -> %s" % (before, totals()))
    check(_search(name)["data"] == [], "a deleted user is found by name")


# ------------------------------------------------------------------ search

def _search(text, **params):
    return expect_list(_get(LIST, search=text, limit=100, **params), limit=100)


def _emails(body):
    return [x["email"] for x in body["data"]]


def test_search_by_email_prefix():
    body = _search("lst4242@lists")
    check(_emails(body) == ["lst4242" + DOMAIN], "lst4242@lists found %s" % _emails(body))
    body = _search("LST4242@")
    check(_emails(body) == ["lst4242" + DOMAIN], "LST4242@ found %s" % _emails(body))
    check(_search("nobody-here@")["data"] == [], "an unknown e-mail found someone")


def test_search_by_phone_local_and_international():
    phone = db_scalar("SELECT phone FROM users WHERE email = 'lst4242%s'" % DOMAIN)
    if phone is None:
        raise Skip("lst4242's phone was taken by another test's user")
    local = "0" + phone[3:]
    arabic = "".join(chr(0x660 + int(c)) for c in local)
    for text in (local, phone, "+20 " + local[1:4] + " " + local[4:], local[:4] + "-" + local[4:],
                 arabic, "0020" + local[1:]):
        body = _search(text)
        check(_emails(body) == ["lst4242" + DOMAIN], "phone %r found %s" % (text, _emails(body)))
    # a prefix: every match, in phone order
    prefix = local[:-1]
    body = _search(prefix)
    want = [r[0] for r in db_query("SELECT email FROM users WHERE phone LIKE '+2%s%%' AND"
                                   " deleted_at IS NULL ORDER BY phone" % prefix)]
    check(_emails(body) == want, "phone prefix %s found %s, expected %s" % (prefix, _emails(body), want))
    # thousands of matches: the total is capped at the window
    pg = _search("012")["pagination"]
    check(pg["totalItems"] == WINDOW and pg.get("totalIsLowerBound") is True,
          "phone prefix 012: %s" % pg)


def test_search_by_username_prefix():
    want = [r[0] for r in db_query("SELECT email FROM users WHERE username LIKE 'lst\\\\_4242%'"
                                   " AND deleted_at IS NULL ORDER BY username")]
    check(want, "no generated username lst_4242")
    for text in ("lst_4242", "@lst_4242"):
        body = _search(text)
        check(_emails(body) == want, "username %r found %s, expected %s" % (text, _emails(body), want))
        check(body["pagination"]["totalItems"] == len(want), "total %s" % body["pagination"])


def test_search_by_english_and_arabic_names():
    for text, who in (("Zeinab Elwakeel", ["lst-zeinab-en"]), ("zeinab", ["lst-zeinab-en"]),
                      ("Elwak", ["lst-zeinab-en"]), ("زينب الوكيل", ["lst-zeinab-ar"]),
                      ("الوكي", ["lst-zeinab-ar"]), ("زَيْنَب", ["lst-zeinab-ar"]),
                      ("Will", ["lst-will"]), ("cruz will", ["lst-will"])):
        got = _emails(_search(text))
        check(got == [w + DOMAIN for w in who], "name %r found %s" % (text, got))
    # a common name: every user of it, hamza or not, across pages without duplicates
    want = _count("(first_name = 'أحمد' OR last_name = 'أحمد') AND deleted_at IS NULL")
    for text in ("أحمد", "احمد"):
        seen, page = [], 0
        while True:
            page += 1
            body = expect_list(_get(LIST, search=text, limit=100, page=page), page=page, limit=100)
            check(all(x["profile"]["firstName"] == "أحمد" or x["profile"]["lastName"] == "أحمد"
                      for x in body["data"]), "%r found someone else" % text)
            seen += [x["id"] for x in body["data"]]
            if len(body["data"]) < 100:
                break
        check(len(seen) == len(set(seen)), "%r: the same user on two pages" % text)
        check(len(seen) == want == body["pagination"]["totalItems"],
              "%r: %d found over %d pages, total %s, the table has %d"
              % (text, len(seen), page, body["pagination"]["totalItems"], want))
    # with a role
    body = _search("Mohamed", role="technician")
    check(body["data"] and all(x["role"] == "technician" for x in body["data"]),
          "Mohamed with role=technician gave %s" % sorted({x["role"] for x in body["data"]}))
    # a full page of a name search is not counted (docs/data-layer.md): its total is the
    # lower bound the page proves; the last page's total is exact
    want = _count("role = 'technician' AND deleted_at IS NULL AND (first_name = 'Mohamed'"
                  " OR last_name = 'Mohamed')")
    pg = body["pagination"]
    if len(body["data"]) == pg["limit"]:
        check(pg["totalIsLowerBound"] and pg["totalItems"] == pg["limit"] + 1,
              "a full page of Mohamed technicians: %s" % pg)
    page = 1
    while len(body["data"]) == body["pagination"]["limit"]:
        page += 1
        body = expect_list(_get(LIST, search="Mohamed", role="technician", limit=100, page=page),
                           page=page, limit=100)
    check(body["pagination"]["totalItems"] == want
          and not body["pagination"].get("totalIsLowerBound"),
          "Mohamed technicians, last page: total %s, the table has %d" % (body["pagination"], want))


def test_short_search_is_a_first_name_prefix():
    body = _search("Ze")
    names = [x["profile"]["firstName"] for x in body["data"]]
    check("Zeinab" in names, "Ze did not find Zeinab: %s" % names)
    check(all(n.lower().startswith("ze") for n in names), "Ze found %s" % names)
    check(names == sorted(names, key=str.lower), "not in name order: %s" % names)


# ------------------------------------------------------------------ timings

def test_list_timings():
    """Not a limit: the time of each variant, for docs/data-layer.md."""
    deep = expect_list(_get(LIST, page=1000, limit=10), page=1000)["pagination"]["nextCursor"]
    variants = [
        ("list, page 1", {}), ("list, page 1000", {"page": 1000}),
        ("list, cursor past the window", {"cursor": deep}),
        ("role", {"role": "technician"}), ("status=banned", {"status": "banned"}),
        ("role and status", {"role": "customer", "status": "active", "page": 500}),
        ("search e-mail prefix", {"search": "lst12@"}),
        ("search phone prefix", {"search": "0120000"}),
        ("search username prefix", {"search": "lst_12"}),
        ("search name (common)", {"search": "Mohamed"}),
        ("search name (Arabic)", {"search": "محمد حسن"}),
        ("search one letter", {"search": "M"}),
    ]
    for name, params in variants:
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            expect(200, _get(LIST, **params))
            times.append((time.perf_counter() - t0) * 1000)
        print("  %-32s median %6.1f ms  max %6.1f ms" % (name, statistics.median(times), max(times)),
              flush=True)


# ------------------------------------------------------------------ clean up

def test_zz_generated_users_deleted():
    t0 = time.time()
    _delete_generated()
    print("deleted the generated users in %.1f s" % (time.time() - t0), flush=True)
    check(_count("email LIKE '%%%s'" % DOMAIN) == 0, "generated users left")
    for role in ROLES:
        pg = expect_list(_get(LIST, role=role))["pagination"]
        check(pg["totalItems"] == _count("role = '%s' AND %s" % (role, STATE_SQL["all"])),
              "%s after the deletion: %s" % (role, pg))


if __name__ == "__main__":
    run(globals())
