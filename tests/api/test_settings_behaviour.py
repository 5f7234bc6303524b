"""Settings that do what they say (docs/settings.md): every seeded setting is read by
the code its name promises, and each test here changes one through PUT
/api/settings/:key and shows the platform behave differently. A setting seeded without
a proof here fails test_every_seeded_setting_has_a_proof.

Values outside a setting's rule are 422 naming `value` and change nothing; currency,
timezone and supported_languages are facts of the code, served by GET /api/settings
but not settings."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, check, admin_token, login, register_user, new_phone,
                         db_query, db_scalar, db_user, uniq, run)
from booking_fixtures import (future, make_service, booking_body, create, put, em_service,
                              emergency_body, on_the_way)

# a worker checks the settings' cache version this often (test config: cache_check_ms)
CACHE_DELAY = 2.2


def _value(key):
    v = db_scalar("SELECT value FROM settings WHERE `key` = '%s'" % key)
    return None if v is None else json.loads(v)


def _set(key, value):
    expect(200, api("PUT", "/api/settings/" + key, {"value": value}, token=admin_token()))


class changed:
    """Sets settings for a `with` block and puts the seeded values back after it."""

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        self.before = {k: _value(k) for k in self.values}
        for k, v in self.values.items():
            _set(k, v)

    def __exit__(self, *exc):
        for k, v in self.before.items():
            _set(k, v)


def _public():
    return expect(200, api("GET", "/api/settings"))["data"]


# ------------------------------------------------------------------ shown to the apps

def _shown_at_once(key, value):
    with changed(**{key: value}):
        time.sleep(CACHE_DELAY)
        for _ in range(4):   # whichever worker answers
            check(_public().get(key) == value, "%s not served as %r" % (key, value))
    time.sleep(CACHE_DELAY)
    check(_public().get(key) == _value(key), "%s not restored" % key)


def test_app_name_is_what_the_apps_show():
    _shown_at_once("app_name", {"ar": "ورشة " + uniq(4), "en": "Warsha " + uniq(4)})


def test_support_phone_is_what_the_apps_show():
    _shown_at_once("support_phone", "+20223%06d" % (int(time.time()) % 1000000))


def test_support_email_is_what_the_apps_show_and_where_contact_mail_goes():
    addr = "help-%s@warsha.example" % uniq(6)
    _shown_at_once("support_email", addr)
    with changed(support_email=addr):
        db_query("DELETE FROM rate_limits WHERE scope IN ('contact', 'contact_email')")
        cid = expect(201, api("POST", "/api/send-email", {
            "name": "Mona", "email": "mona.%s@example.com" % uniq(6),
            "message": "Where is my technician?"}))["data"]["id"]
        to = db_scalar("SELECT recipient FROM outbox WHERE template = 'contact_message' AND"
                       " JSON_VALUE(payload, '$.contactId') = %d" % cid)
        check(to == addr, "contact mail went to %r" % to)


def test_emergency_hotline_is_what_the_apps_show():
    _shown_at_once("emergency_hotline", "19911")


# ------------------------------------------------------------------ languages

def test_default_language_is_given_to_new_accounts():
    with changed(default_language="en"):
        r = api("POST", "/api/auth/register", {
            "email": "t%s@example.com" % uniq(12), "phone": new_phone(),
            "password": "Str0ng!Pass", "firstName": "Test", "lastName": "User"})
        body = expect(201, r)
        uid = body["data"]["user"]["id"]
        check(db_user(uid)["preferred_language"] == "en", "new account's language %r" % db_user(uid))
        check(not any("\u0600" <= ch <= "\u06ff" for ch in body["message"]),
              "answer not in English: %r" % body["message"])
        # a registration that names a language keeps it
        u = register_user(lang="ar")
        check(db_user(u["id"])["preferred_language"] == "ar", "chosen language lost")
        r = api("POST", "/api/auth/register", {}, headers={"Accept-Language": "ar"})
        check(any("\u0600" <= ch <= "\u06ff" for ch in r.body["message"]), "Accept-Language ignored")
    u = register_user()
    check(db_user(u["id"])["preferred_language"] == "ar", "seeded default is Arabic")


# ------------------------------------------------------------------ app versions

def _with_app(platform, version, path="/api/services"):
    return api("GET", path, headers={"X-App-Platform": platform, "X-App-Version": version})


def test_min_app_version_asks_older_apps_to_update():
    with changed(min_app_version={"android": "2.1.0", "ios": "1.4"}):
        time.sleep(CACHE_DELAY)
        r = _with_app("android", "2.0.9")
        expect(426, r, "UPGRADE_REQUIRED")
        check(r.headers.get("X-Min-App-Version") == "2.1.0", "header %r" % r.headers.get("X-Min-App-Version"))
        check(not any("\u0600" <= ch <= "\u06ff" for ch in _with_app("android", "1", en("/api/services")).body["message"]),
              "English message")
        for platform, version in (("android", "2.1"), ("android", "2.1.0.1"), ("android", "10.0.0"),
                                  ("ios", "1.4.0"), ("ios", "1.10")):
            expect(200, _with_app(platform, version))
        expect(426, _with_app("ios", "1.3.99"), "UPGRADE_REQUIRED")
        # the web and unnamed platforms are not gated; settings and health answer old apps
        expect(200, api("GET", "/api/services"))
        expect(200, _with_app("web", "0.1"))
        expect(200, _with_app("android", "1.0", "/api/settings"))
        check(_with_app("android", "1.0", "/api/health").status == 200, "health refused")
        # a version that is no version: 400
        expect(400, _with_app("android", "2.x"), "BAD_REQUEST")
        # an old app may not even sign in
        expect(426, api("POST", "/api/auth/login", {"identifier": "a@b.example", "password": "x"},
                        headers={"X-App-Platform": "ios", "X-App-Version": "1.0"}))
    time.sleep(CACHE_DELAY)
    expect(200, _with_app("android", "2.0.9"))


# ------------------------------------------------------------------ bookings

def test_booking_lead_time_minutes_moves_the_earliest_slot():
    c = register_user(role="customer")
    sid = make_service(requires_approval=False, start="00:00", end="23:59")
    at = future(days=2)   # 12:00 or 13:00 in Cairo
    with changed(booking_lead_time_minutes=4 * 24 * 60):
        expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=at),
                        token=c["token"]), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    with changed(booking_lead_time_minutes=60):
        create(c["token"], sid, scheduledDateTime=at)


def test_booking_max_advance_days_moves_the_latest_slot():
    c = register_user(role="customer")
    sid = make_service(requires_approval=False, start="00:00", end="23:59")
    at = future(days=5)
    with changed(booking_max_advance_days=3):
        expect(422, api("POST", "/api/bookings", booking_body(sid, scheduledDateTime=at),
                        token=c["token"]), fields={"scheduledDateTime": "OUT_OF_RANGE"})
    with changed(booking_max_advance_days=30):
        create(c["token"], sid, scheduledDateTime=at)


def _cancel_fee_after_setting_off():
    c, t, bid = on_the_way()   # price 15000
    expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
    d = expect(200, put(bid, "cancel", {"reason": "changed my mind"}, c["token"]))["data"]
    return d["cancellationFee"]


def test_cancellation_fee_piastres_is_charged():
    with changed(cancellation_fee_piastres=1234, cancellation_fee_percent=0):
        check(_cancel_fee_after_setting_off() == 1234, "fixed fee")
    with changed(cancellation_fee_piastres=20000, cancellation_fee_percent=0):
        check(_cancel_fee_after_setting_off() == 15000, "never more than the price")


def test_cancellation_fee_percent_is_charged_when_larger():
    with changed(cancellation_fee_piastres=1000, cancellation_fee_percent=40):
        check(_cancel_fee_after_setting_off() == 6000, "40 % of 15000")
    with changed(cancellation_fee_piastres=7000, cancellation_fee_percent=40):
        check(_cancel_fee_after_setting_off() == 7000, "the fixed fee when larger")


def test_guest_emergency_per_hour_limits_guests():
    def guests(n):
        db_query("DELETE FROM booking_guest_limits")
        return [api("POST", "/api/bookings/emergency", emergency_body(em_service())).status
                for _ in range(n)]
    try:
        with changed(guest_emergency_per_hour=1):
            check(guests(2) == [201, 429], "one an hour")
        with changed(guest_emergency_per_hour=3):
            check(guests(4) == [201, 201, 201, 429], "three an hour")
    finally:
        db_query("DELETE FROM booking_guest_limits")


def test_average_speed_kmh_sets_the_arrival_time():
    def eta():
        c, t, bid = on_the_way()
        expect(200, put(bid, "status", {"status": "on_way"}, t["token"]))
        # about 11.1 km south of the booking
        return expect(200, put(bid, "location", {"latitude": 29.9444, "longitude": 31.2357},
                               t["token"]))["data"]["etaMinutes"]
    with changed(average_speed_kmh=60):
        check(eta() in (11, 12), "60 km/h")
    with changed(average_speed_kmh=15):
        check(eta() in (44, 45), "15 km/h")


# ------------------------------------------------------------------ signing in

def test_login_settings_drive_the_limiter():
    """max_login_attempts and login_window_minutes decide the failed-login limit."""
    with changed(max_login_attempts=3, login_window_minutes=15):
        u = register_user()
        for i in range(3):
            expect(401, login(u["email"], "WrongPass%d" % i), "UNAUTHORIZED")
        r = login(u["email"], u["password"])
        expect(429, r, "RATE_LIMITED")
        check(int(r.headers.get("Retry-After") or 0) > 60, "Retry-After %r" % r.headers.get("Retry-After"))
        # a one-minute window: the wait is at most a minute
        _set("login_window_minutes", 1)
        r = login(u["email"], u["password"])
        expect(429, r, "RATE_LIMITED")
        check(0 < int(r.headers.get("Retry-After") or 0) <= 60, "Retry-After %r" % r.headers.get("Retry-After"))
    with changed(max_login_attempts=6):
        v = register_user()
        for i in range(5):
            expect(401, login(v["email"], "WrongPass%d" % i), "UNAUTHORIZED")
        expect(200, login(v["email"], v["password"]))


# ------------------------------------------------------------------ the list itself

# ------------------------------------------------------------------ the marketplace

def test_unverified_can_quote_lets_unverified_craftsmen_quote():
    """Seeded true: a craftsman not yet verified quotes, and the client sees
    craftsman.verified false beside the quote. false: refused 403 (bilingual) until staff
    verify them; a verified craftsman quotes either way."""
    from warsha_test import make_user_with_role, expect_bilingual
    def craftsman():
        t = make_user_with_role("technician")
        expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"specializations": ["plumbing"]},
                        token=t["token"]))
        return t

    def job(c):
        return expect(201, api("POST", "/api/jobs", {
            "title": "Leaking tap " + uniq(6), "description": "Drips all night.",
            "category": "plumbing", "address": "3 Nile St"}, token=c["token"]))["data"]["id"]

    check(_value("unverified_can_quote") is True, "seeded %r" % _value("unverified_can_quote"))
    c, t, v = make_user_with_role("customer"), craftsman(), craftsman()
    expect(200, api("PUT", "/api/technicians/%d" % v["id"], {"verification": {"status": "verified"}},
                    token=admin_token()))
    j1 = job(c)
    q = expect(201, api("POST", "/api/jobs/%d/quotes" % j1, {"price": 20000}, token=t["token"]))["data"]
    check(q["craftsman"]["verified"] is False, "unverified shown as %r" % q["craftsman"])
    with changed(unverified_can_quote=False):
        j2 = job(c)
        r = api("POST", "/api/jobs/%d/quotes" % j2, {"price": 20000}, token=t["token"])
        expect(403, r, "FORBIDDEN")
        expect_bilingual("POST", "/api/jobs/%d/quotes" % j2, {"price": 20000}, token=t["token"],
                         status=403)
        check(db_scalar("SELECT COUNT(*) FROM quotes WHERE job_id = %d" % j2) in (0, "0"),
              "a refused quote was stored")
        q = expect(201, api("POST", "/api/jobs/%d/quotes" % j2, {"price": 21000},
                            token=v["token"]))["data"]
        check(q["craftsman"]["verified"] is True, "verified shown as %r" % q["craftsman"])
    # back to true: the unverified craftsman quotes again
    expect(201, api("POST", "/api/jobs/%d/quotes" % j2, {"price": 19000}, token=t["token"]))


def test_platform_fee_bps_is_the_fee_recorded_at_hire():
    """Seeded 1000 (10 %): the fee recorded when a client accepts a quote; changed, the
    next acceptance records the new share, and jobs hired before keep theirs."""
    from warsha_test import make_user_with_role

    def hire(price):
        c, t = make_user_with_role("customer"), make_user_with_role("technician")
        expect(200, api("PUT", "/api/technicians/%d" % t["id"], {"specializations": ["plumbing"]},
                        token=t["token"]))
        j = expect(201, api("POST", "/api/jobs", {
            "title": "Leaking tap " + uniq(6), "description": "Drips all night.",
            "category": "plumbing", "address": "3 Nile St"}, token=c["token"]))["data"]["id"]
        q = expect(201, api("POST", "/api/jobs/%d/quotes" % j, {"price": price},
                            token=t["token"]))["data"]["id"]
        d = expect(200, api("POST", "/api/jobs/%d/quotes/%d/accept" % (j, q),
                            token=c["token"]))["data"]
        return j, d["platformFee"]

    check(_value("platform_fee_bps") == 1000, "seeded %r" % _value("platform_fee_bps"))
    first, fee = hire(25000)
    check(fee == 2500, "10 %% of 250 EGP: %r" % fee)
    with changed(platform_fee_bps=750):
        _, fee = hire(25000)
        check(fee == 1875, "7.5 %% of 250 EGP: %r" % fee)
    with changed(platform_fee_bps=0):
        _, fee = hire(25000)
        check(fee == 0, "no fee: %r" % fee)
    check(db_scalar("SELECT platform_fee FROM bookings WHERE id = %d" % first) == "2500",
          "a hired job keeps its fee")


def test_review_reveal_days_sets_when_blind_job_reviews_show():
    """Seeded 14: a job's one-sided review is still blind three days after the job's
    completion, and the reveal-reviews task leaves it. 2: the task shows it, the other
    side may no longer review that job, and a new review's visibleAt is two days after
    its job's completion (docs/reviews.md, "Double-blind reviews of jobs")."""
    from test_job_reviews import completed_job, review, reveal, age, status_of
    check(_value("review_reveal_days") == 14, "seeded %r" % _value("review_reveal_days"))
    c, t, j = completed_job()
    rid = review(c["token"], j, rating=4)["data"]["id"]
    age(j, 3)
    check(reveal()["revealDays"] == 14, "the task read another value")
    check(status_of(rid) == "pending", "revealed before 14 days")
    with changed(review_reveal_days=2):
        c2, t2, j2 = completed_job()
        fresh = review(c2["token"], j2, rating=5)["data"]
        want = db_scalar("SELECT DATE_FORMAT(completed_at + INTERVAL 2 DAY,"
                         " '%%Y-%%m-%%dT%%H:%%i') FROM bookings WHERE id = %d" % j2)
        check(fresh["visibleAt"].startswith(want), "visibleAt %s, expected %s"
              % (fresh["visibleAt"], want))
        check(reveal()["revealDays"] == 2, "the task did not read the setting")
        check(status_of(rid) == "published", "not revealed three days on with a 2-day window")
        check(status_of(fresh["id"]) == "pending", "a fresh review revealed")
        expect(409, api("POST", "/api/jobs/%d/reviews" % j, {"rating": 3}, token=t["token"]),
               "CONFLICT")



PROOFS = {
    "app_name": test_app_name_is_what_the_apps_show,
    "support_phone": test_support_phone_is_what_the_apps_show,
    "support_email": test_support_email_is_what_the_apps_show_and_where_contact_mail_goes,
    "emergency_hotline": test_emergency_hotline_is_what_the_apps_show,
    "default_language": test_default_language_is_given_to_new_accounts,
    "min_app_version": test_min_app_version_asks_older_apps_to_update,
    "booking_lead_time_minutes": test_booking_lead_time_minutes_moves_the_earliest_slot,
    "booking_max_advance_days": test_booking_max_advance_days_moves_the_latest_slot,
    "cancellation_fee_piastres": test_cancellation_fee_piastres_is_charged,
    "cancellation_fee_percent": test_cancellation_fee_percent_is_charged_when_larger,
    "guest_emergency_per_hour": test_guest_emergency_per_hour_limits_guests,
    "average_speed_kmh": test_average_speed_kmh_sets_the_arrival_time,
    "max_login_attempts": test_login_settings_drive_the_limiter,
    "login_window_minutes": test_login_settings_drive_the_limiter,
    "unverified_can_quote": test_unverified_can_quote_lets_unverified_craftsmen_quote,
    "platform_fee_bps": test_platform_fee_bps_is_the_fee_recorded_at_hire,
    "review_reveal_days": test_review_reveal_days_sets_when_blind_job_reviews_show,
}


def test_every_seeded_setting_has_a_proof():
    """The seed file's keys, the database's (less the tests' own) and this list agree."""
    seed = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sql",
                             "seed", "0003_settings.sql"), encoding="utf-8").read()
    import re
    seeded = set(re.findall(r"^  \('([a-z_.]+)',", seed, re.M))
    check(seeded == set(PROOFS), "seeded without a proof: %s; proofs of no seeded setting: %s"
          % (sorted(seeded - set(PROOFS)), sorted(set(PROOFS) - seeded)))
    items = expect(200, api("GET", "/api/settings/all", token=admin_token()))["data"]
    keys = {s["key"] for s in (items if isinstance(items, list) else items["settings"])}
    check(set(PROOFS) <= keys, "not in the database: %s" % sorted(set(PROOFS) - keys))
    gone = {"escrow_release_days",
            "cash_fee_remittance_days", "currency", "timezone", "supported_languages"}
    check(not (keys & gone), "settings nothing reads: %s" % sorted(keys & gone))


def test_values_outside_a_rule_are_refused_and_change_nothing():
    bad = [("max_login_attempts", 1, "OUT_OF_RANGE"), ("max_login_attempts", "5", "INVALID_TYPE"),
           ("login_window_minutes", 0, "OUT_OF_RANGE"),
           ("booking_lead_time_minutes", -5, "OUT_OF_RANGE"),
           ("booking_max_advance_days", 1000, "OUT_OF_RANGE"),
           ("cancellation_fee_percent", 150, "OUT_OF_RANGE"),
           ("average_speed_kmh", 0.5, "OUT_OF_RANGE"), ("average_speed_kmh", None, "INVALID_TYPE"),
           ("default_language", "fr", "INVALID_FORMAT"),
           ("app_name", "Warsha", "INVALID_TYPE"), ("app_name", {"ar": "ورشة"}, "INVALID_FORMAT"),
           ("support_email", "nobody", "INVALID_FORMAT"),
           ("emergency_hotline", "call us", "INVALID_FORMAT"),
           ("min_app_version", {"android": "latest", "ios": "1.0"}, "INVALID_FORMAT"),
           ("unverified_can_quote", "yes", "INVALID_TYPE"), ("unverified_can_quote", 1, "INVALID_TYPE"),
           ("platform_fee_bps", 10001, "OUT_OF_RANGE"), ("platform_fee_bps", -1, "OUT_OF_RANGE"),
           ("platform_fee_bps", 10.5, "INVALID_TYPE"),
           ("review_reveal_days", 0, "OUT_OF_RANGE"), ("review_reveal_days", 61, "OUT_OF_RANGE"),
           ("review_reveal_days", "14", "INVALID_TYPE")]
    adm = admin_token()
    for key, value, code in bad:
        before = db_scalar("SELECT value FROM settings WHERE `key` = '%s'" % key)
        r = api("PUT", "/api/settings/" + key, {"value": value}, token=adm)
        expect(422, r, "VALIDATION_ERROR", {"value": code})
        check(r.body["errors"][0]["message"], "no message")
        check(db_scalar("SELECT value FROM settings WHERE `key` = '%s'" % key) == before,
              "%s changed by a refused value" % key)
    # English too
    r = api("PUT", en("/api/settings/max_login_attempts"), {"value": 100}, token=adm)
    check(not any("\u0600" <= ch <= "\u06ff" for ch in r.body["errors"][0]["message"]), "English")
    # a new setting with a known key follows the same rule (after one was removed)
    db_query("DELETE FROM settings WHERE `key` = 'guest_emergency_per_hour'")
    try:
        expect(422, api("POST", "/api/settings", {"key": "guest_emergency_per_hour", "value": 0},
                        token=adm), "VALIDATION_ERROR", {"value": "OUT_OF_RANGE"})
    finally:
        expect(201, api("POST", "/api/settings", {"key": "guest_emergency_per_hour", "value": 5,
                                                  "descriptionEn": "Guests' emergencies an hour",
                                                  "descriptionAr": "طوارئ الزوار في الساعة"},
                        token=adm))


def test_facts_of_the_code_are_served_but_not_settings():
    pub = _public()
    check(pub.get("currency") == "EGP" and pub.get("timezone") == "Africa/Cairo" and
          pub.get("supported_languages") == ["ar", "en"], "facts %r" % pub)
    adm = admin_token()
    expect(404, api("PUT", "/api/settings/currency", {"value": "USD"}, token=adm))
    expect(409, api("POST", "/api/settings", {"key": "timezone", "value": "Europe/Paris"},
                    token=adm), "CONFLICT", {"key": "DUPLICATE"})
    check(_public().get("timezone") == "Africa/Cairo", "fact changed")


run(globals())
