"""The dashboard's technicians page, verification queue, analytics page, the catalog's
order and prices in pounds (docs/dashboard.md), without a browser: a cookie-keeping
client posts the forms as a browser would and does not follow redirects. The JSON
endpoints underneath are checked too: GET /api/technicians?verification=,
POST /api/services/:id/move."""
import datetime
import html as htmllib
import os
import random
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, check, admin_login, admin_token, make_user_with_role,
                         register_user, db_query, db_scalar, cookies_of, uniq, poll, at_once, run)
from booking_fixtures import make_service, create as create_booking
import upload_media as m
from admin_browser import CSRF, Browser, admin_browser, staff, location


def technician(city=None, verification=None, **fields):
    t = make_user_with_role("technician", **fields)
    if city is not None:
        expect(200, api("PUT", "/api/technicians/%d" % t["id"],
                        {"workingAreas": {"city": city}, "specializations": ["plumbing"]},
                        token=admin_token()))
    if verification is not None:
        db_query("UPDATE technician_profiles SET verification = '%s' WHERE user_id = %d"
                 % (verification, t["id"]))
    return t


# ------------------------------------------------------------------ technicians

def test_the_api_lists_technicians_by_verification_state():
    city = "Verif City %s" % uniq(6)
    p = technician(city, "pending")
    v = technician(city, "verified")
    r = technician(city, "rejected")
    for state, want in (("pending", p), ("verified", v), ("rejected", r)):
        for extra in ("", "&status=offline", "&specialization=plumbing",
                      "&specialization=plumbing&status=offline"):
            body = expect(200, api("GET", "/api/technicians?city=%s&verification=%s%s"
                                   % (urllib.parse.quote(city), state, extra),
                                   token=admin_token()))
            ids = [x["id"] for x in body["data"]]
            check(ids == [want["id"]], "%s%s: %s" % (state, extra, ids))
    # without a city: the verification state's own index, newest first
    body = expect(200, api("GET", "/api/technicians?verification=rejected&limit=100",
                           token=admin_token()))
    check(r["id"] in [x["id"] for x in body["data"]], "no rejected technician listed")
    check(all(x["technician"]["verification"]["status"] == "rejected" for x in body["data"]),
          "another state listed")
    expect(422, api("GET", "/api/technicians?verification=maybe", token=admin_token()),
           fields={"verification": None})
    expect(422, api("GET", "/api/technicians?verification=pending&sort=rating",
                    token=admin_token()), fields={"sort": None})
    cust = register_user()
    expect(403, api("GET", "/api/technicians?verification=pending", token=cust["token"]))


def test_technicians_page_filters_and_pages_by_cursor():
    city = "Page City %s & Co" % uniq(6)
    ts = [technician(city, "pending") for _ in range(3)]
    verified = technician(city, "verified")
    _, b = staff("moderator")
    html = b.page("/admin/technicians?city=%s&limit=2" % urllib.parse.quote(city))
    check('<html lang="ar" dir="rtl">' in html, "not Arabic RTL")
    shown = re.findall(r'href="/admin/technicians/(\d+)"', html)
    check(shown == [str(verified["id"]), str(ts[2]["id"])], "first page: %s" % shown)
    nxt = re.search(r'href="(/admin/technicians\?cursor=[^"]+)" rel="next"', html)
    check(nxt, "no next page link")
    link = htmllib.unescape(nxt.group(1))
    check("city=" + urllib.parse.quote(city, safe="") in link, "the filter is lost: %s" % link)
    html = b.page(link)
    shown = re.findall(r'href="/admin/technicians/(\d+)"', html)
    check(shown == [str(ts[1]["id"]), str(ts[0]["id"])], "second page: %s" % shown)
    html = b.page("/admin/technicians?city=%s&verification=verified"
                  % urllib.parse.quote(city))
    shown = re.findall(r'href="/admin/technicians/(\d+)"', html)
    check(shown == [str(verified["id"])], "verified only: %s" % shown)
    check(re.search(r'<option value="verified" selected>', html), "the filter is not kept")
    html = b.page("/admin/technicians?city=%s&status=available" % urllib.parse.quote(city))
    check(not re.findall(r'href="/admin/technicians/(\d+)"', html), "offline ones listed")
    r = b.get("/admin/technicians?verification=maybe")
    check(r.status == 422 and 'class="field-error"' in r.body, "bad filter: %s" % r.describe())
    html = b.page("/admin/technicians?lang=en&city=%s" % urllib.parse.quote(city))
    check('<html lang="en" dir="ltr">' in html and "Technicians" in html, "no English")


def test_technician_detail_shows_performance_and_text_as_text():
    evil = "<script>alert(1)</script>"
    t = technician("Cairo", "verified", firstName=evil)
    sid = make_service(requires_approval=False)
    cust = register_user()
    bk = create_booking(cust["token"], sid)
    expect(200, api("PUT", "/api/bookings/%d/assign-technician" % bk["id"], {"technicianId": t["id"]},
                    token=admin_token()))
    _, b = staff("moderator")
    html = b.page("/admin/technicians/%d" % t["id"])
    check(evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html,
          "the name is not escaped")
    perf = expect(200, api("GET", "/api/technicians/%d/performance" % t["id"],
                           token=admin_token()))["data"]["performance"]
    got = re.search(r'id="perf-assigned">(\d+)<', html)
    check(got and int(got.group(1)) == perf["assignedBookings"] >= 1,
          "assigned: %s vs %s" % (got and got.group(1), perf))
    check(re.search(r'id="perf-earnings" dir="ltr">\d+\.\d\d<', html), "earnings not in pounds")
    b.page("/admin/technicians/999999999", 404)
    cust_page = Browser().get("/admin/technicians/%d" % t["id"])
    check(cust_page.status == 303, "signed out: %s" % cust_page.describe())


# ------------------------------------------------------------------ verification queue

def new_nid():
    y = random.randint(1960, 1999)
    d = datetime.date(y, random.randint(1, 12), random.randint(1, 28))
    return "2%02d%02d%02d01%04d%d" % (y % 100, d.month, d.day, random.randint(0, 9999),
                                      random.randint(0, 9))


def send_file(token, name):
    body, ctype = m.form([("file", name, "application/pdf", m.pdf("card " + name)),
                          ("private", "true")])
    r = api("POST", "/api/files", raw=body, token=token, headers={"Content-Type": ctype})
    return expect(201, r)["data"]["file"]["id"]


def submitted(first="Craft"):
    t = technician(first and None, None, firstName=first)
    docs = [{"type": "national_id_front", "fileId": send_file(t["token"], "front.pdf")},
            {"type": "certificate", "fileId": send_file(t["token"], "cert.pdf")}]
    nid = new_nid()
    v = expect(201, api("POST", "/api/users/craftsman/verification",
                        {"nationalId": nid, "documents": docs}, token=t["token"]))["data"]
    return t, v, nid, docs


def test_the_queue_shows_pending_requests_and_their_documents():
    t, v, nid, docs = submitted("<i>Queue</i>")
    _, b = staff("moderator")
    html = b.page("/admin/verifications?limit=100")
    check('href="/admin/verifications/%d"' % v["id"] in html, "the request is not queued")
    check("<i>Queue</i>" not in html and "&lt;i&gt;Queue&lt;/i&gt;" in html, "name not escaped")
    html = b.page("/admin/verifications/%d" % v["id"])
    check('id="national-id">%s<' % nid in html, "the whole number is not shown to staff")
    for d in docs:
        href = "/admin/verifications/%d/documents/%d" % (v["id"], d["fileId"])
        check('href="%s"' % href in html, "no link to document %s" % d)
        r = b.get(href)
        check(r.status == 200 and r.headers.get("Content-Type", "").startswith("application/pdf")
              and r.raw.startswith(b"%PDF"), "document: %s" % r.describe())
        check("no-store" in (r.headers.get("Cache-Control") or ""), "a document may be cached")
        check("sandbox" in (r.headers.get("Content-Security-Policy") or ""),
              "a document is not sandboxed: %s" % r.headers.get("Content-Security-Policy"))
    # another private file of the same craftsman is not the request's: 404
    other = send_file(t["token"], "other.pdf")
    r = b.get("/admin/verifications/%d/documents/%d" % (v["id"], other))
    check(r.status == 404 and "<html" in r.body, "another file: %s" % r.describe())
    r = Browser().get("/admin/verifications/%d/documents/%d" % (v["id"], docs[0]["fileId"]))
    check(r.status == 303 and location(r).startswith("/admin/login"), "signed out: %s" % r.describe())
    # a decided request leaves the queue (pending by default) and shows with status=all
    expect(200, api("POST", "/api/admin/verifications/%d/approve" % v["id"], {},
                    token=admin_token()))
    html = b.page("/admin/verifications?limit=100")
    check('href="/admin/verifications/%d"' % v["id"] not in html, "a decided request is queued")
    html = b.page("/admin/verifications?status=approved&limit=100")
    check('href="/admin/verifications/%d"' % v["id"] in html, "not under approved")


def test_staff_approve_and_reject_from_the_page():
    t, v, _, _ = submitted()
    _, b = staff("moderator")
    b.page("/admin/verifications/%d" % v["id"])
    # a rejection says why: refused beside the field, nothing changed
    r = b.post("/admin/verifications/%d/reject" % v["id"], {"reason": ""})
    check(r.status == 422 and 'class="field-error"' in r.body, "no reason: %s" % r.describe())
    check(db_scalar("SELECT status FROM verifications WHERE id = %d" % v["id"])
          == "pending", "changed without a reason")
    # without the token: 403, nothing changed
    r = b.post("/admin/verifications/%d/reject" % v["id"], {"reason": "blurred card"},
               csrf=False)
    check(r.status == 403, "without its token: %s" % r.describe())
    check(db_scalar("SELECT verification FROM technician_profiles WHERE user_id = %d"
                    % t["id"]) == "pending", "changed without a token")
    r = b.post("/admin/verifications/%d/reject" % v["id"], {"reason": "The card is blurred"})
    check(r.status == 303 and location(r) == "/admin/verifications?saved=1", r.describe())
    check(db_scalar("SELECT verification FROM technician_profiles WHERE user_id = %d"
                    % t["id"]) == "rejected", "the profile is not rejected")
    check(db_scalar("SELECT COUNT(*) FROM activity_log WHERE action = 'verification.reject'"
                    " AND target_id = %d" % v["id"]) == "1", "no activity log row")
    # decided: the second decision is the handler's 409, shown on the page
    r = b.post("/admin/verifications/%d/approve" % v["id"], {})
    check(r.status == 409 and 'class="alert"' in r.body, "decided twice: %s" % r.describe())
    t2, v2, _, _ = submitted()
    b.page("/admin/verifications/%d" % v2["id"])
    r = b.post("/admin/verifications/%d/approve" % v2["id"], {"reason": "Checked"})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT verification FROM technician_profiles WHERE user_id = %d"
                    % t2["id"]) == "verified", "the profile is not verified")
    html = b.page("/admin/verifications/%d?lang=en" % v2["id"])
    check("Approved" in html and 'id="approve-form"' not in html, "a decided request's page")


# ------------------------------------------------------------------ analytics

def figure(html, ident):
    mt = re.search(r'id="%s"[^>]*>([^<]*)<' % ident, html)
    check(mt, "no #%s" % ident)
    return mt.group(1)


def test_analytics_page_draws_the_endpoints_figures():
    evil = "<script>alert(%s)</script>" % uniq(4)
    sid = make_service(requires_approval=False, price=12345)
    expect(200, api("PUT", "/api/services/%d" % sid, {"nameAr": evil, "nameEn": evil},
                    token=admin_token()))
    cust = register_user()
    create_booking(cust["token"], sid)
    # a long Arabic name is cut in the charts between characters, never inside one
    long_ar = make_service(requires_approval=False)
    expect(200, api("PUT", "/api/services/%d" % long_ar,
                    {"nameAr": "ب خدمة سباكة طارئة للمنازل والشقق في القاهرة %s" % uniq(4)},
                    token=admin_token()))
    create_booking(cust["token"], long_ar)
    b = admin_browser()
    raw = b.get("/admin/analytics")
    check(isinstance(raw.body, str) and "…" in raw.body,
          "the analytics page is not UTF-8 or names are not cut: %r" % raw.raw[:80])
    for query in ("", "?period=7days", "?period=90days&groupBy=week", "?period=1year&groupBy=month"):
        html = b.page("/admin/analytics" + query)
        api_q = query or "?period=30days"
        bk = expect(200, api("GET", "/api/analytics/bookings" + api_q,
                             token=admin_token()))["data"]["summary"]
        rev = expect(200, api("GET", "/api/analytics/revenue" + api_q,
                              token=admin_token()))["data"]["summary"]
        check(int(figure(html, "an-bookings")) == bk["totalBookings"], "bookings %s" % query)
        check(int(figure(html, "an-completed")) == bk["completedBookings"], "completed")
        check(figure(html, "an-revenue") == "%d.%02d" % divmod(rev["totalRevenue"], 100),
              "revenue %s vs %s" % (figure(html, "an-revenue"), rev))
        check(html.count("<svg ") >= 4, "charts missing for %s" % query)
        check(evil not in html, "a service's name came through as markup")
    check(htmllib.escape(evil, quote=False) in html or "&lt;script&gt;" in html,
          "the service is not shown")
    today = datetime.date.today()
    html = b.page("/admin/analytics?startDate=%s&endDate=%s" % (today - datetime.timedelta(days=3),
                                                                today))
    check(figure(html, "period-range") == "%s → %s" % (today - datetime.timedelta(days=3), today),
          "the custom range")
    r = b.get("/admin/analytics?startDate=%s&endDate=%s" % (today, today - datetime.timedelta(days=3)))
    check(r.status == 422 and 'class="field-error"' in r.body, "a reversed range: %s" % r.describe())
    r = b.get("/admin/analytics?period=forever")
    check(r.status == 422, "an unknown period: %s" % r.describe())
    html = b.page("/admin/analytics?lang=en")
    check('<html lang="en" dir="ltr">' in html and "Revenue per period" in html, "English")
    _, mb = staff("moderator")
    r = mb.get("/admin/analytics")
    check(r.status == 403 and "<html" in r.body, "a moderator: %s" % r.describe())
    check('href="/admin/analytics"' not in mb.page("/admin/"), "a moderator's menu links analytics")


# ------------------------------------------------------------------ the catalog's order

def catalog_order(ids):
    """ids in the order the public catalog lists them."""
    seen, page = [], 1
    while len(seen) < len(ids) and page < 100:
        body = expect(200, api("GET", "/api/services?category=plumbing&limit=100&page=%d" % page))
        if not body["data"]:
            break
        seen += [s["id"] for s in body["data"] if s["id"] in ids]
        page += 1
    return seen


def follows(ids, want, what):
    """The public catalog shows ids in the order want (each worker's answer cache asks
    for the catalog's version at most every cache_check_ms, 1 s in the test stack)."""
    got = []

    def same():
        got[:] = catalog_order(ids)
        return got == want
    check(poll(same, timeout=4.0, interval=0.2), "%s: the catalog shows %s, not %s"
          % (what, got, want))


def test_services_move_up_and_down_and_the_catalog_follows():
    a, c, d = (make_service() for _ in range(3))
    for i, sid in enumerate((a, c, d)):
        expect(200, api("PUT", "/api/services/%d" % sid, {"sortOrder": 999990 + i,
                        "isPopular": False}, token=admin_token()))
    follows([a, c, d], [a, c, d], "before")
    _, b = staff("moderator")
    html = b.page("/admin/services")
    check('action="/admin/services/%d/move"' % a in html or "move" in html, "no move forms")
    r = b.post("/admin/services/%d/move" % d, {"direction": "up"})
    check(r.status == 303 and location(r).startswith("/admin/services"), r.describe())
    follows([a, c, d], [a, d, c], "after up")
    r = b.post("/admin/services/%d/move" % a, {"direction": "down"})
    check(r.status == 303, r.describe())
    follows([a, c, d], [d, a, c], "after down")
    check(db_scalar("SELECT COUNT(*) FROM activity_log WHERE action = 'service.move'"
                    " AND target_id = %d" % a) == "1", "no activity log row")
    # without the token nothing moves
    r = b.post("/admin/services/%d/move" % c, {"direction": "up"}, csrf=False)
    check(r.status == 403, "without its token: %s" % r.describe())
    follows([a, c, d], [d, a, c], "moved without a token")
    # the last one down stays last; the group numbers stay distinct
    last = db_query("SELECT id FROM services WHERE is_active = 1 AND is_popular = 0"
                    " ORDER BY sort_order DESC, id DESC LIMIT 1")[0][0]
    r = b.post("/admin/services/%s/move" % last, {"direction": "down"})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT COUNT(*) - COUNT(DISTINCT sort_order) FROM services WHERE"
                    " is_active = 1 AND is_popular = 0") == "0", "two services share a place")
    # the JSON endpoint: staff only, a direction, a listed service
    cust = register_user()
    expect(403, api("POST", "/api/services/%d/move" % a, {"direction": "up"}, token=cust["token"]))
    expect(422, api("POST", "/api/services/%d/move" % a, {"direction": "sideways"},
                    token=admin_token()), fields={"direction": None})
    expect(404, api("POST", "/api/services/999999999/move", {"direction": "up"},
                    token=admin_token()))
    body = expect(200, api("POST", "/api/services/%d/move" % a, {"direction": "up"},
                           token=admin_token()))
    check(body["data"]["id"] == a, body)
    follows([a, c, d], [a, d, c], "after the API's move")
    # moves at once apply one after the other: the group keeps distinct places
    e = make_service()
    expect(200, api("PUT", "/api/services/%d" % e, {"sortOrder": 999999, "isPopular": False},
                    token=admin_token()))
    tok = admin_token()
    got = at_once(*[(lambda sid=sid, dr=dr: api("POST", "/api/services/%d/move" % sid,
                                                 {"direction": dr}, token=tok))
                    for sid, dr in ((a, "down"), (d, "up"), (c, "down"), (e, "up"))] * 2)
    check(all(x.status == 200 for x in got), "a move at once: %s" % [x.describe() for x in got
                                                                   if x.status != 200])
    check(db_scalar("SELECT COUNT(*) - COUNT(DISTINCT sort_order) FROM services WHERE"
                    " is_active = 1 AND is_popular = 0") == "0", "moves at once share a place")
    expect(200, api("PUT", "/api/services/%d" % c, {"availability": {"isActive": False}},
                    token=admin_token()))
    expect(409, api("POST", "/api/services/%d/move" % c, {"direction": "up"},
                    token=admin_token()))
    r = b.post("/admin/services/%d/move" % c, {"direction": "up"})
    check(r.status == 409 and "<html" in r.body, "a switched-off service: %s" % r.describe())


# ------------------------------------------------------------------ prices in pounds

SERVICE_FORM = {"nameAr": "خدمة بالجنيه", "descriptionAr": "وصف", "descriptionEn": "desc",
                "category": "plumbing", "duration": "60", "availability.isActive": "true"}


def test_prices_are_typed_and_shown_in_pounds():
    b = admin_browser()
    b.page("/admin/services/new")
    name_en = "Pounds QA %s" % uniq(8)
    form = dict(SERVICE_FORM, nameEn=name_en, nameAr="خدمة " + uniq(6))
    for typed, words in (("150.505", ("رقمان بعد العلامة العشرية",)),
                         ("-5", ("لا يكون سالباً",)),
                         ("15O", ("150.50",)),
                         ("1,000", ("150.50",)),
                         ("1000000.01", ("مليون جنيه",))):
        r = b.post("/admin/services/new", dict(form, **{"price.basePrice": typed}))
        check(r.status == 422, "%r: %s" % (typed, r.describe()))
        err = re.search(r'id="basePrice"[^>]*value="([^"]*)"[^>]*>\s*<small[^>]*>[^<]*</small>\s*'
                        r'<span class="field-error">([^<]*)</span>', r.body)
        check(err, "no error beside the price for %r: %s" % (typed, r.body[r.body.find('id="basePrice"'):][:400]))
        check(htmllib.unescape(err.group(1)) == typed, "the typed price is gone: %r" % err.group(1))
        check(all(w in htmllib.unescape(err.group(2)) for w in words), "message: %s" % err.group(2))
        check(db_scalar("SELECT COUNT(*) FROM services WHERE name_en = '%s'" % name_en) == "0",
              "saved with %r" % typed)
    r = b.get("/admin/services/new?lang=en")
    r = b.post("/admin/services/new", dict(form, **{"price.basePrice": "150.505"}))
    check("Base price (EGP): at most two digits" in r.body, "no English message")
    # other fields' refusals show with the price's
    r = b.post("/admin/services/new", dict(form, nameAr="", **{"price.basePrice": "abc"}))
    check(r.status == 422 and r.body.count('class="field-error"') >= 2, "only one refusal shown")
    b.get("/admin/services/new?lang=ar")
    for typed, piastres in (("150.50", 15050), ("٢٠٠٫٧٥", 20075), ("99", 9900)):
        name_en = "Pounds QA %s" % uniq(8)
        r = b.post("/admin/services/new", dict(form, nameEn=name_en, nameAr="خدمة " + uniq(6),
                                               **{"price.basePrice": typed}))
        check(r.status == 303, "%r: %s" % (typed, r.describe()))
        got = db_query("SELECT id, base_price FROM services WHERE name_en = '%s'" % name_en)[0]
        check(int(got[1]) == piastres, "%r stored as %s" % (typed, got[1]))
    sid = int(got[0])
    html = b.page("/admin/services/%d/edit" % sid)
    check(re.search(r'id="basePrice"[^>]*value="99.00"', html), "the edit form is not in pounds")
    r = b.post("/admin/services/%d/edit" % sid, {"price.basePrice": "12.3"})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT base_price FROM services WHERE id = %d" % sid) == "1230", "edit")
    r = b.post("/admin/services/%d/edit" % sid, {"price.basePrice": "12.345"})
    check(r.status == 422 and db_scalar("SELECT base_price FROM services WHERE id = %d" % sid)
          == "1230", "an edit with three decimals: %s" % r.describe())
    html = b.page("/admin/services?search=%s" % urllib.parse.quote(name_en))
    check(re.search(r'<td dir="ltr">12.30</td>', html), "the list is not in pounds")
    # a booking's total in pounds
    cust = register_user()
    bk = create_booking(cust["token"], make_service(price=12345))
    html = b.page("/admin/bookings/%d" % bk["id"])
    total = int(db_scalar("SELECT total FROM bookings WHERE id = %d" % bk["id"]))
    check("%d.%02d EGP" % divmod(total, 100) in html, "the booking's total is not in pounds")


run(globals())
