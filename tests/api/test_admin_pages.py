"""The admin dashboard without a browser (docs/dashboard.md): its sign-in session, the
CSRF token of every form, session expiry, who sees which page, forms that keep what was
typed, and text shown as text.

A small cookie-keeping client posts the forms as a browser would
(application/x-www-form-urlencoded) and does not follow redirects, so every 303 is
checked where it points."""
import hashlib
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, expect, check, admin_login, admin_token, make_user_with_role,
                         register_user, set_role, db_query, db_scalar, db_count, cookies_of,
                         uniq, run)
from admin_browser import CSRF, Browser, admin_browser, staff, location


def session_cookie(b):
    return b.cookies.get("warsha_admin") or b.cookies.get("__Host-warsha_admin")


# ------------------------------------------------------------------ pages and sign-in

def test_login_page_is_arabic_right_to_left_with_an_english_switch():
    b = Browser()
    html = b.page("/admin/login")
    check('<html lang="ar" dir="rtl">' in html, "not Arabic RTL: %s" % html[:300])
    check('href="/static/admin.css"' in html, "no stylesheet")
    check(CSRF.search(html), "the sign-in form has no CSRF token")
    check("warsha_login_csrf" in b.cookies, "no sign-in token cookie: %s" % b.cookies)
    html = b.page("/admin/login?lang=en")
    check('<html lang="en" dir="ltr">' in html and "Sign in" in html, "no English: %s" % html[:300])
    check(b.cookies.get("warsha_lang") == "en", "the language is not kept: %s" % b.cookies)
    html = b.page("/admin/login")
    check('<html lang="en" dir="ltr">' in html, "the English switch is not kept")


def test_signed_out_requests_go_to_the_sign_in():
    b = Browser()
    r = b.get("/admin/users?role=admin")
    check(r.status == 303 and location(r).startswith("/admin/login?next=/admin/users"),
          "want 303 to the sign-in: %s %s" % (r.describe(), location(r)))
    r = b.get("/admin/")
    check(r.status == 303 and location(r) == "/admin/login", r.describe())
    r = b.post("/admin/users/1/ban", {"reason": "spam spam"}, csrf="0" * 64)
    check(r.status == 303 and location(r) == "/admin/login", r.describe())
    r = b.get("/admin/no-such-page")
    check(r.status == 404 and "<html" in r.body, "unknown page: %s" % r.describe())


def test_admin_signs_in_and_out():
    a = admin_login()
    b = Browser()
    r = b.sign_in(a["email"], a["password"])
    check(location(r) == "/admin/", "after sign-in: %s" % location(r))
    raw = [line for line in r.headers.get_all("Set-Cookie") if line.startswith("warsha_admin=")]
    check(raw, "no session cookie: %s" % r.headers.get_all("Set-Cookie"))
    attrs = raw[0]
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/"):
        check(flag in attrs, "session cookie lacks %s: %s" % (flag, attrs))
    check("Secure" not in attrs, "Secure over plain HTTP: %s" % attrs)
    token = session_cookie(b)
    digest = hashlib.sha256(token.encode()).hexdigest()
    check(db_count("admin_sessions", "token_hash = '%s'" % digest) == 1,
          "no session row under the token's hash")
    check(db_count("admin_sessions", "token_hash = '%s'" % token) == 0, "the token is stored raw")
    html = b.page("/admin/")
    check('id="stat-bookings"' in html,
          "overview has no figures: %s" % html[:500])
    # sign-out is a POST with the token; without it nothing happens
    r = b.post("/admin/logout", {}, csrf=False)
    check(r.status == 403, "logout without a token: %s" % r.describe())
    b.page("/admin/")
    r = b.post("/admin/logout", {})
    check(r.status == 303 and location(r) == "/admin/login", r.describe())
    check(db_count("admin_sessions", "token_hash = '%s'" % digest) == 0, "session row left")
    r = api("GET", "/admin/", cookies={"warsha_admin": token})
    check(r.status == 303, "the old cookie still works: %s" % r.describe())


def test_sign_in_refusals_keep_the_email():
    a = admin_login()
    b = Browser()
    b.page("/admin/login")
    r = b.post("/admin/login", {"email": a["email"], "password": "Wrong-pass1"})
    check(r.status == 401 and 'value="%s"' % a["email"] in r.body, "wrong password: %s" % r.describe())
    check(session_cookie(b) is None, "a session after a wrong password")
    c = register_user()
    b.page("/admin/login")
    r = b.post("/admin/login", {"email": c["email"], "password": c["password"]})
    check(r.status == 403, "a customer signed in to the dashboard: %s" % r.describe())
    check(session_cookie(b) is None, "a customer got a session")
    t = make_user_with_role("technician")
    b.page("/admin/login")
    r = b.post("/admin/login", {"email": t["email"], "password": t["password"]})
    check(r.status == 403, "a technician signed in to the dashboard: %s" % r.describe())


def test_sign_in_without_its_token_is_refused():
    a = admin_login()
    b = Browser()
    b.page("/admin/login")
    r = b.post("/admin/login", {"email": a["email"], "password": a["password"]}, csrf=False)
    check(r.status == 403 and session_cookie(b) is None, "sign-in without token: %s" % r.describe())
    r = b.post("/admin/login", {"email": a["email"], "password": a["password"]}, csrf="ab" * 32)
    check(r.status == 403 and session_cookie(b) is None, "sign-in with a wrong token: %s" % r.describe())


# ------------------------------------------------------------------ CSRF

def test_a_form_without_its_token_changes_nothing():
    b = admin_browser()
    u = register_user()
    b.page("/admin/users/%d" % u["id"])
    acts = db_count("activity_log", "target_type = 'user' AND target_id = '%d'" % u["id"])
    for token in (False, "", "0" * 64, b.csrf[:-1] + ("0" if b.csrf[-1] != "0" else "1")):
        r = b.post("/admin/users/%d/ban" % u["id"], {"reason": "spam and abuse"}, csrf=token)
        check(r.status == 403 and "<html" in r.body, "ban without a good token: %s" % r.describe())
        check(db_scalar("SELECT is_banned FROM users WHERE id = %d" % u["id"]) == "0",
              "banned without a good token")
    check(db_count("activity_log", "target_type = 'user' AND target_id = '%d'" % u["id"]) == acts,
          "the log moved")
    # another session's token is no good either
    other = admin_browser()
    r = b.post("/admin/users/%d/ban" % u["id"], {"reason": "spam and abuse"}, csrf=other.csrf)
    check(r.status == 403, "another session's token: %s" % r.describe())
    r = b.post("/admin/users/%d/ban" % u["id"], {"reason": "spam and abuse"})
    check(r.status == 303 and location(r) == "/admin/users/%d?saved=1" % u["id"], r.describe())
    check(db_scalar("SELECT is_banned FROM users WHERE id = %d" % u["id"]) == "1", "not banned")
    check(db_count("activity_log", "target_type = 'user' AND target_id = '%d' AND action LIKE"
                   " '%%ban%%'" % u["id"]) >= 1, "no activity row for the ban")
    html = b.page("/admin/users/%d?saved=1" % u["id"])
    check('id="unban-form"' in html and "spam and abuse" in html, "the page after the ban")
    r = b.post("/admin/users/%d/unban" % u["id"], {})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT is_banned FROM users WHERE id = %d" % u["id"]) == "0", "not unbanned")


def test_a_refused_form_shows_errors_beside_fields_and_keeps_what_was_typed():
    b = admin_browser()
    u = register_user()
    b.page("/admin/users/%d" % u["id"])
    r = b.post("/admin/users/%d/ban" % u["id"], {"reason": "x"})
    check(r.status == 422, "a too-short reason: %s" % r.describe())
    check(re.search(r'name="reason" value="x"', r.body), "the typed reason is gone")
    check('class="field-error"' in r.body, "no error beside the field")
    b.page("/admin/services/new")
    name_en = "Dash QA %s" % uniq(8)
    r = b.post("/admin/services/new", {"nameEn": name_en, "descriptionEn": "desc",
                                       "category": "plumbing", "price.basePrice": "12x"})
    check(r.status == 422, "service without Arabic name: %s" % r.describe())
    check('value="%s"' % name_en in r.body, "the typed English name is gone")
    check(re.search(r'id="nameAr"[^>]*>\s*<span class="field-error">', r.body),
          "no error beside nameAr: %s" % r.body[r.body.find('id="nameAr"'):][:300])
    check(re.search(r'name="price.basePrice"[^>]*value="12x"', r.body), "the typed price is gone")


def test_pages_show_user_text_as_text():
    b = admin_browser()
    evil = "<script>alert(1)</script>"
    u = register_user(firstName=evil, lastName="<b>x</b>")
    html = b.page("/admin/users/%d" % u["id"])
    check(evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html,
          "the name is not escaped")
    check("<b>x</b>" not in html, "markup in a last name came through")
    html = b.page("/admin/users?search=%s" % urllib.parse.quote(u["email"]))
    check(evil not in html and "&lt;script&gt;" in html, "the list does not escape")


# ------------------------------------------------------------------ sessions end

def test_banned_or_demoted_staff_lose_their_session_at_once():
    m, mb = staff("moderator")
    mb.page("/admin/users")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % m["id"], {"reason": "gone rogue"},
                    token=admin_token()))
    r = mb.get("/admin/users")
    check(r.status == 303 and location(r).startswith("/admin/login"), "banned: %s" % r.describe())
    m2, mb2 = staff("moderator")
    mb2.page("/admin/bookings")
    expect(200, set_role(m2["id"], "customer"))
    r = mb2.get("/admin/bookings")
    check(r.status == 303, "demoted: %s" % r.describe())


def test_sessions_end_when_idle_and_at_their_absolute_end():
    b = admin_browser()
    digest = hashlib.sha256(session_cookie(b).encode()).hexdigest()
    db_query("UPDATE admin_sessions SET idle_expires_at = NOW(3) - INTERVAL 1 SECOND"
             " WHERE token_hash = '%s'" % digest)
    r = b.get("/admin/")
    check(r.status == 303, "an idle session still works: %s" % r.describe())
    b = admin_browser()
    digest = hashlib.sha256(session_cookie(b).encode()).hexdigest()
    db_query("UPDATE admin_sessions SET expires_at = NOW(3) - INTERVAL 1 SECOND,"
             " last_seen_at = NOW(3) - INTERVAL 1 MINUTE WHERE token_hash = '%s'" % digest)
    r = b.get("/admin/")
    check(r.status == 303, "a session past its end still works: %s" % r.describe())
    # the idle end moves on with use, never past the absolute end
    b = admin_browser()
    digest = hashlib.sha256(session_cookie(b).encode()).hexdigest()
    db_query("UPDATE admin_sessions SET last_seen_at = NOW(3) - INTERVAL 5 MINUTE,"
             " idle_expires_at = NOW(3) + INTERVAL 1 MINUTE WHERE token_hash = '%s'" % digest)
    b.page("/admin/users")
    left = int(db_scalar("SELECT TIMESTAMPDIFF(SECOND, NOW(3), idle_expires_at) FROM"
                         " admin_sessions WHERE token_hash = '%s'" % digest))
    check(left > 600, "the idle end did not move on: %d s" % left)


# ------------------------------------------------------------------ who sees what

def test_moderators_see_only_what_they_may():
    m, b = staff("moderator")
    html = b.page("/admin/")
    check('id="stat-bookings"' not in html, "a moderator sees analytics")
    for path in ("/admin/users", "/admin/bookings", "/admin/services"):
        b.page(path)
    for path in ("/admin/settings", "/admin/activity", "/admin/notifications"):
        r = b.get(path)
        check(r.status == 403 and "<html" in r.body, "%s for a moderator: %s" % (path, r.describe()))
    html = b.page("/admin/")
    for path in ("/admin/settings", "/admin/activity", "/admin/notifications"):
        check('href="%s"' % path not in html, "the menu links %s for a moderator" % path)
    u = register_user()
    b.page("/admin/users/%d" % u["id"])
    r = b.post("/admin/users/%d/role" % u["id"], {"role": "admin"})
    check(r.status == 403, "a moderator changed a role: %s" % r.describe())
    check(db_scalar("SELECT role FROM users WHERE id = %d" % u["id"]) == "customer", "role changed")


def test_admin_pages_answer():
    b = admin_browser()
    for path in ("/admin/", "/admin/?period=7days", "/admin/?period=1year", "/admin/users",
                 "/admin/users?role=admin&status=active", "/admin/users/new", "/admin/bookings",
                 "/admin/bookings?status=approved", "/admin/services", "/admin/services/new",
                 "/admin/notifications", "/admin/settings", "/admin/activity",
                 "/admin/activity?action=user.ban"):
        html = b.page(path)
        check("<html" in html and "</html>" in html, "%s is no page" % path)
    r = b.get("/admin/bookings?status=nonsense")
    check(r.status == 422 and 'class="field-error"' in r.body, "bad filter: %s" % r.describe())


def test_settings_and_notifications_from_the_pages():
    b = admin_browser()
    b.page("/admin/settings")
    r = b.post("/admin/settings/admin_session_idle_minutes", {"value": "45"})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT value FROM settings WHERE `key` = 'admin_session_idle_minutes'") == "45",
          "setting not saved")
    b.post("/admin/settings/admin_session_idle_minutes", {"value": "30"})
    r = b.post("/admin/settings/admin_session_idle_minutes", {"value": "0"})
    check(r.status == 422 and 'class="field-error"' in r.body and 'value="0"' in r.body,
          "a value outside the rule: %s" % r.describe())
    check(db_scalar("SELECT value FROM settings WHERE `key` = 'admin_session_idle_minutes'") == "30",
          "a refused value was saved")
    u = register_user()
    b.page("/admin/notifications")
    r = b.post("/admin/notifications", {"userId": str(u["id"]), "type": "system",
                                        "titleAr": "تنبيه", "titleEn": "Notice",
                                        "messageAr": "رسالة", "messageEn": "A message"})
    check(r.status == 303, "send: %s" % r.describe())
    check(db_count("notifications", "user_id = %d" % u["id"]) >= 1, "no notification")
    r = b.post("/admin/notifications", {"type": "system", "titleEn": "x"})
    check(r.status == 422 and 'class="field-error"' in r.body, "no recipient: %s" % r.describe())


def test_pages_are_never_compressed():
    """A page holds the CSRF token beside text the request chose: no gzip (BREACH)."""
    b = admin_browser()
    r = api("GET", "/admin/users?search=" + "a" * 40, cookies=b.cookies,
            headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and not r.headers.get("Content-Encoding"),
          "a dashboard page was compressed: %s" % r.headers.get("Content-Encoding"))
    check("no-store" in (r.headers.get("Cache-Control") or ""), "a page may be cached")
    check("frame-ancestors 'none'" in (r.headers.get("Content-Security-Policy") or ""),
          "no CSP on the dashboard")


def test_booking_page_suggests_the_nearest_available_technicians():
    tok = admin_token()
    svc = {"nameAr": "خدمة اقتراح " + uniq(6), "nameEn": "Suggest QA " + uniq(8),
           "descriptionAr": "وصف", "descriptionEn": "d", "category": "plumbing",
           "duration": 60, "price": {"basePrice": 10000},
           "availability": {"isActive": True, "workingHours": {"start": "00:00", "end": "23:59"},
                            "workingDays": ["sunday", "monday", "tuesday", "wednesday",
                                            "thursday", "friday", "saturday"]},
           "requirements": {"requiresApproval": False}}
    sid = expect(201, api("POST", "/api/services", svc, token=tok))["data"]["id"]
    cust = register_user()
    import datetime
    day = (datetime.datetime.now(datetime.timezone.utc).date() +
           datetime.timedelta(days=2)).isoformat()
    body = {"serviceId": sid, "scheduledDateTime": day + "T10:00:00.000Z",
            "location": {"address": "1 Nile St", "city": "Cairo", "governorate": "cairo",
                         "coordinates": {"lat": 29.9, "lng": 31.1}},
            "customerInfo": {"customerName": "Sara", "phoneNumber": "01012345678"},
            "serviceDetails": {"problemDescription": "Leak"}, "isEmergency": False}
    bid = expect(201, api("POST", "/api/bookings", body, token=cust["token"]))["data"]["id"]
    near, far = make_user_with_role("technician"), make_user_with_role("technician")
    for t, lat in ((near, 29.901), (far, 29.95)):
        expect(200, api("PUT", "/api/technicians/status", {"status": "available",
                        "location": {"latitude": lat, "longitude": 31.1}}, token=t["token"]))
        db_query("UPDATE technician_profiles SET verification = 'verified', service_radius_km = 50"
                 " WHERE user_id = %d" % t["id"])
    b = admin_browser()
    html = b.page("/admin/bookings/%d" % bid)
    i, j = html.find("#%d " % near["id"]), html.find("#%d " % far["id"])
    check(i > 0 and j > 0 and i < j, "the nearest technicians are not suggested in order")
    r = b.post("/admin/bookings/%d/assign" % bid, {"technicianId": str(near["id"])})
    check(r.status == 303, r.describe())
    check(db_scalar("SELECT technician_id FROM bookings WHERE id = %d" % bid) == str(near["id"]),
          "not assigned")


run(globals())
