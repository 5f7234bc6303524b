"""/api/auth: registration, login, tokens, sessions, codes (seeds 000-003, DESIGN.md §3-4)."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_bilingual, check, register_user, login,
                         admin_login, db_query, db_scalar, db_count, db_user, sql_str, outbox_rows,
                         outbox_code, activity_rows, new_phone, new_password, uniq, forge_jwt,
                         claims_for, jwt_secret, jwt_claims, cookies_of, is_arabic,
                         make_user_with_role, run)

ME = "/api/auth/me"


def _valid_body(**over):
    b = {"email": "t%s@example.com" % uniq(12), "phone": new_phone(),
         "password": new_password(), "firstName": "Test", "lastName": "User"}
    b.update(over)
    return b


# ------------------------------------------------------------------ register

def test_register_returns_201_user_tokens_and_cookies():
    b = _valid_body(username="u" + uniq(10))
    r = api("POST", en("/api/auth/register"), b)
    body = expect(201, r)
    d = body["data"]
    check(body["message"] == "Account created successfully", "message %r" % body["message"])
    for k in ("token", "refreshToken", "user"):
        check(k in d, "data.%s missing: %s" % (k, r.describe()))
    check(d.get("expiresIn") == 3600, "expiresIn %r" % d.get("expiresIn"))
    u = d["user"]
    check(u["email"] == b["email"], "email %r" % u["email"])
    check(u["phone"] == "+2" + b["phone"], "phone stored as %r" % u["phone"])
    check(u["role"] == "customer", "role %r" % u["role"])
    check(u["username"] == b["username"], "username %r" % u["username"])
    text = r.raw.decode()
    for secret in ("password", "passwordHash", "password_hash", b["password"], "$s1$"):
        check(secret not in text, "answer shows %r" % secret)
    c = jwt_claims(d["token"])
    check(c["sub"] == str(u["id"]) and c["role"] == "customer", "claims %r" % c)
    check(c["exp"] - c["iat"] == 3600 and len(c["jti"]) == 32, "claims %r" % c)
    ck = cookies_of(r)
    check(ck.get("accessToken", ("",))[0] == d["token"], "accessToken cookie %r" % ck)
    check(ck.get("refreshToken", ("",))[0] == d["refreshToken"], "refreshToken cookie %r" % ck)
    for name in ("accessToken", "refreshToken"):
        attrs = ck[name][1].lower()
        check("httponly" in attrs and "samesite=lax" in attrs, "%s cookie: %s" % (name, attrs))
    # the token works, the registration is logged, codes are queued
    expect(200, api("GET", ME, token=d["token"]))
    check(activity_rows("action = 'user.register' AND target_id = '%d'" % u["id"]),
          "no activity_log user.register row")
    check(outbox_rows(u["id"], "verify_email"), "no verify_email outbox row")
    check(outbox_rows(u["id"], "phone_otp"), "no phone_otp outbox row")


def test_register_bilingual_messages():
    b = _valid_body()
    r1 = api("POST", en("/api/auth/register"), b)
    expect(201, r1)
    check(not is_arabic(r1.body["message"]), "English message: %r" % r1.body["message"])
    r2 = api("POST", "/api/auth/register", _valid_body(), headers={"Accept-Language": "ar"})
    expect(201, r2)
    check(is_arabic(r2.body["message"]), "Arabic message: %r" % r2.body["message"])
    # validation errors too, each field message in the language asked for
    m_en, m_ar = expect_bilingual("POST", "/api/auth/register", {}, status=422)
    r = api("POST", en("/api/auth/register"), {})
    for e in r.body["errors"]:
        check(not is_arabic(e["message"]), "English field message: %r" % e)
    r = api("POST", "/api/auth/register", {}, headers={"Accept-Language": "ar"})
    for e in r.body["errors"]:
        check(is_arabic(e["message"]), "Arabic field message: %r" % e)


def test_register_default_language_is_arabic():
    r = api("POST", "/api/auth/register", {})
    expect(422, r)
    check(is_arabic(r.body["message"]), "default message not Arabic: %r" % r.body["message"])


def test_register_missing_fields_422():
    r = api("POST", "/api/auth/register", {})
    expect(422, r, "VALIDATION_ERROR",
           {"email": "REQUIRED", "phone": "REQUIRED", "password": "REQUIRED",
            "firstName": "REQUIRED", "lastName": "REQUIRED"})
    b = _valid_body()
    del b["lastName"]
    expect(422, api("POST", "/api/auth/register", b), "VALIDATION_ERROR", {"lastName": "REQUIRED"})


def test_register_bad_fields_422():
    cases = [
        ({"email": "not-an-email"}, ["email"]),
        ({"email": "a@b"}, ["email"]),
        ({"email": "two@@example.com"}, ["email"]),
        ({"email": 12345}, ["email"]),
        ({"phone": "0131234567"}, ["phone"]),
        ({"phone": "01312345678"}, ["phone"]),       # 013 is not a mobile prefix
        ({"phone": "0101234567"}, ["phone"]),        # one digit short
        ({"phone": "010123456789"}, ["phone"]),      # one digit long
        ({"phone": "+441012345678"}, ["phone"]),
        ({"phone": 1012345678}, ["phone"]),
        ({"password": "short1A"}, ["password"]),
        ({"password": "alllowercase1"}, ["password"]),
        ({"password": "ALLUPPERCASE1"}, ["password"]),
        ({"password": "NoDigitsHere"}, ["password"]),
        ({"password": 12345678}, ["password"]),
        ({"firstName": ""}, ["firstName"]),
        ({"firstName": "   "}, ["firstName"]),
        ({"firstName": "x" * 101}, ["firstName"]),
        ({"lastName": None}, ["lastName"]),
        ({"firstName": ["a"]}, ["firstName"]),
        ({"username": "ab"}, ["username"]),
        ({"username": "has space"}, ["username"]),
        ({"username": "12345"}, ["username"]),         # would look like a phone
        ({"username": "a@b.com"}, ["username"]),
        ({"preferredLanguage": "fr"}, ["preferredLanguage"]),
        ({"firstName": "bad\u0000name"}, ["firstName"]),
        ({"email": "bad", "phone": "bad", "password": "bad"}, ["email", "phone", "password"]),
    ]
    for over, fields in cases:
        b = _valid_body(**over)
        r = api("POST", en("/api/auth/register"), b)
        expect(422, r, "VALIDATION_ERROR", fields)
        if isinstance(b["email"], str):
            check(db_count("users", "email = %s" % sql_str(b["email"])) == 0,
                  "a user row was written for %r" % over)
    # not an object at all
    expect(422, api("POST", "/api/auth/register", ["a", "b"]), "VALIDATION_ERROR", ["body"])
    expect(422, api("POST", "/api/auth/register", "string"), "VALIDATION_ERROR", ["body"])


def test_register_roles_and_aliases():
    for word, role in (("TECHNICIAN", "technician"), ("craftsman", "technician"),
                       ("professional", "technician"), ("mechanic", "technician"),
                       ("client", "customer"), ("USER", "customer"), ("customer", "customer")):
        b = _valid_body(role=word)
        r = api("POST", "/api/auth/register", b)
        body = expect(201, r)
        check(body["data"]["user"]["role"] == role, "role %s gave %r" % (word, body["data"]["user"]["role"]))
    # self-registration never yields admin or moderator
    for word in ("admin", "ADMIN", "moderator", "superuser", "GUEST"):
        b = _valid_body(role=word)
        expect(422, api("POST", "/api/auth/register", b), "VALIDATION_ERROR", ["role"])
        check(db_count("users", "email = %s" % sql_str(b["email"])) == 0, "user written for role %s" % word)


def test_register_phone_spellings_stored_e164():
    spellings = {
        "local 01...": lambda n: n,
        "+201...": lambda n: "+2" + n,
        "00201...": lambda n: "002" + n,
        "Arabic-Indic digits": lambda n: "".join(chr(0x660 + int(c)) for c in n),
        "Eastern Arabic-Indic digits": lambda n: "".join(chr(0x6F0 + int(c)) for c in n),
        "spaces and dashes": lambda n: n[:3] + " " + n[3:7] + "-" + n[7:],
    }
    for name, spell in spellings.items():
        num = new_phone()
        b = _valid_body(phone=spell(num))
        body = expect(201, api("POST", "/api/auth/register", b))
        got = body["data"]["user"]["phone"]
        check(got == "+2" + num, "%s %r answered as %r" % (name, b["phone"], got))
        check(db_user(body["data"]["user"]["id"])["phone"] == "+2" + num, "DB phone for %s" % name)


def test_register_full_name_is_split():
    b = _valid_body()
    del b["firstName"]
    del b["lastName"]
    b["fullName"] = "Mona Ahmed Salem"
    body = expect(201, api("POST", "/api/auth/register", b))
    row = db_user(body["data"]["user"]["id"])
    check(row["first_name"] == "Mona" and row["last_name"] == "Ahmed Salem", "split %r" % row)


def test_register_duplicates_409():
    u = register_user()
    # same email, in another case
    b = _valid_body(email=u["email"].upper())
    r = api("POST", en("/api/auth/register"), b)
    expect(409, r, "CONFLICT", {"email": "DUPLICATE"})
    # same phone, spelled differently
    b = _valid_body(phone="+2" + u["phone"])
    expect(409, api("POST", "/api/auth/register", b), "CONFLICT", {"phone": "DUPLICATE"})
    b = _valid_body(phone="".join(chr(0x660 + int(c)) for c in u["phone"]))
    expect(409, api("POST", "/api/auth/register", b), "CONFLICT", {"phone": "DUPLICATE"})
    # same username
    b = _valid_body(username=u["username"])
    expect(409, api("POST", "/api/auth/register", b), "CONFLICT", {"username": "DUPLICATE"})
    # nothing half-written: no second row, no stray codes or outbox rows
    check(db_count("users", "email = %s" % sql_str(u["email"])) == 1, "duplicate user row")
    check(db_count("users", "username = %s" % sql_str(u["username"])) == 1, "duplicate username row")


def test_register_transport_errors():
    expect(400, api("POST", "/api/auth/register", raw='{"email": "a@b.com",',
                    headers={"Content-Type": "application/json"}), "BAD_REQUEST")
    expect(400, api("POST", "/api/auth/register", raw="{} {}",
                    headers={"Content-Type": "application/json"}), "BAD_REQUEST")
    expect(415, api("POST", "/api/auth/register", raw='{"email":"a@b.com"}',
                    headers={"Content-Type": "text/plain"}), "UNSUPPORTED_MEDIA_TYPE")
    expect(415, api("POST", "/api/auth/register", raw="email=a%40b.com",
                    headers={"Content-Type": "application/x-www-form-urlencoded"}),
           "UNSUPPORTED_MEDIA_TYPE")
    big = '{"email":"' + "a" * (1024 * 1024) + '"}'
    expect(413, api("POST", "/api/auth/register", raw=big,
                    headers={"Content-Type": "application/json"}), "PAYLOAD_TOO_LARGE")


# ------------------------------------------------------------------ login

def _login_ok(resp, uid):
    body = expect(200, resp)
    d = body["data"]
    check(isinstance(d.get("token"), str) and isinstance(d.get("refreshToken"), str),
          "no tokens: %s" % resp.describe())
    check(d["user"]["id"] == uid, "logged in as %r, expected %s" % (d["user"]["id"], uid))
    expect(200, api("GET", ME, token=d["token"]))
    return d


def test_login_by_every_identifier():
    u = register_user()
    _login_ok(login(u["email"], u["password"], field="email"), u["id"])
    _login_ok(login(u["email"].upper(), u["password"], field="email"), u["id"])
    _login_ok(login(u["phone"], u["password"], field="phone"), u["id"])
    _login_ok(login(u["username"], u["password"], field="username"), u["id"])
    _login_ok(login(u["email"], u["password"], field="identifier"), u["id"])
    _login_ok(login(u["phone"], u["password"], field="identifier"), u["id"])
    _login_ok(login(u["username"], u["password"], field="identifier"), u["id"])
    _login_ok(login(u["phone"], u["password"], field="loginIdentifier"), u["id"])
    _login_ok(login(u["email"], u["password"], field="loginIdentifier"), u["id"])
    r = login(u["email"], u["password"])
    check(r.body["message"] and is_arabic(r.body["message"]), "default language Arabic")
    body = expect(200, api("POST", en("/api/auth/login"), {"identifier": u["email"], "password": u["password"]}))
    check(body["message"] == "Logged in successfully", "message %r" % body["message"])
    ck = cookies_of(r)
    check("accessToken" in ck and "refreshToken" in ck, "login cookies %r" % ck)


def test_login_by_phone_spellings():
    u = register_user()
    for sp in (u["phone"], "+2" + u["phone"], "002" + u["phone"],
               "".join(chr(0x660 + int(c)) for c in u["phone"])):
        _login_ok(login(sp, u["password"]), u["id"])


def test_login_wrong_credentials_401():
    u = register_user()
    r = api("POST", en("/api/auth/login"), {"identifier": u["email"], "password": u["password"] + "x"})
    expect(401, r, "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    expect(401, login("nobody-%s@example.com" % uniq(), "Whatever123"), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    expect(401, login("nouser%s" % uniq(), "Whatever123"), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    expect(401, login(new_phone(), "Whatever123"), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    # the same answer for an unknown user and a wrong password
    a = login("nobody-%s@example.com" % uniq(), "Whatever123").body
    b = login(u["email"], "Whatever123").body
    check(a == b, "unknown user and wrong password answer differently: %r vs %r" % (a, b))


def test_login_validation_422():
    expect(422, api("POST", "/api/auth/login", {}), "VALIDATION_ERROR", ["password"])
    expect(422, api("POST", "/api/auth/login", {"password": "Secret123"}), "VALIDATION_ERROR",
           {"identifier": "REQUIRED"})
    expect(422, api("POST", "/api/auth/login", {"identifier": "x@example.com"}), "VALIDATION_ERROR",
           {"password": "REQUIRED"})
    expect(422, api("POST", "/api/auth/login", {"identifier": 5, "password": "Secret123"}),
           "VALIDATION_ERROR", ["identifier"])
    expect(422, api("POST", "/api/auth/login", {"email": "x@example.com", "password": 123}),
           "VALIDATION_ERROR", ["password"])
    expect(400, api("POST", "/api/auth/login", raw="{bad", headers={"Content-Type": "application/json"}),
           "BAD_REQUEST")


def test_login_type_clients_and_admins():
    cust = register_user()
    tech = register_user(role="technician")
    adm = admin_login()
    # clients: customer and technician in, admin out
    _login_ok(login(cust["email"], cust["password"], type="clients"), cust["id"])
    _login_ok(login(tech["phone"], tech["password"], type="clients"), tech["id"])
    r = api("POST", en("/api/auth/login"), {"email": adm["email"], "password": adm["password"], "type": "clients"})
    expect(403, r, "FORBIDDEN")
    # admins: admin in, customer and technician out
    _login_ok(login(adm["email"], adm["password"], type="admins"), adm["id"])
    expect(403, login(cust["email"], cust["password"], type="admins"), "FORBIDDEN")
    expect(403, login(tech["email"], tech["password"], type="admins"), "FORBIDDEN")
    # anything else is refused
    for t in ("other", "ADMINS", "client", "admin", ""):
        r = login(cust["email"], cust["password"], type=t)
        if t == "":
            _login_ok(r, cust["id"])   # an empty type is no type
        else:
            expect(403, r, "FORBIDDEN")


def test_login_type_admins_admits_moderator():
    m = make_user_with_role("moderator")
    _login_ok(login(m["email"], m["password"], type="admins"), m["id"])
    expect(403, login(m["email"], m["password"], type="clients"), "FORBIDDEN")


def test_staff_sign_in_to_dashboard_by_email_only():
    """Seed 001 §5.1: the loginIdentifier "must be an email for Admins"."""
    m = make_user_with_role("moderator")
    for field, ident in (("identifier", m["phone"]), ("loginIdentifier", m["username"]), ("phone", m["phone"])):
        r = api("POST", en("/api/auth/login"), {field: ident, "password": m["password"], "type": "admins"})
        check(r.status in (401, 403, 422), "staff sign-in by %s: %s" % (field, r.describe()))
        check("token" not in (r.body.get("data") or {}), "a token was issued: %s" % r.describe())
    _login_ok(login(m["email"], m["password"], field="loginIdentifier", type="admins"), m["id"])


def test_staff_sign_in_by_email_only_whatever_the_type():
    """Seed 001: staff sign in with their e-mail only. Without type (or with clients), a
    staff account found by phone or username is as unknown: 401 INVALID_CREDENTIALS,
    the same answer as a wrong password, and no token."""
    for role in ("moderator", "admin"):
        m = make_user_with_role(role)
        for body in ({"identifier": m["phone"]}, {"identifier": m["username"]},
                     {"phone": m["phone"]}, {"username": m["username"]},
                     {"identifier": m["phone"], "type": "clients"}):
            body = dict(body, password=m["password"])
            r = api("POST", en("/api/auth/login"), body)
            expect(401, r, "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
            check("token" not in (r.body.get("data") or {}), "a token was issued: %s" % r.describe())
        _login_ok(login(m["email"], m["password"]), m["id"])
    # a customer still signs in by phone and by username
    c = register_user()
    _login_ok(api("POST", "/api/auth/login", {"identifier": c["phone"], "password": c["password"]}),
              c["id"])
    _login_ok(api("POST", "/api/auth/login", {"identifier": c["username"], "password": c["password"]}),
              c["id"])


def test_login_rate_limited_after_five_failures():
    u = register_user()
    for i in range(5):
        expect(401, login(u["email"], "WrongPass%d" % i), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    r = api("POST", en("/api/auth/login"), {"identifier": u["email"], "password": u["password"]})
    expect(429, r, "RATE_LIMITED")
    ra = r.headers.get("Retry-After")
    check(ra is not None and ra.isdigit() and 0 < int(ra) <= 900, "Retry-After %r" % ra)
    # the limit is per account and address: another user from the same address is not
    # locked out
    v = register_user()
    _login_ok(login(v["email"], v["password"]), v["id"])


def test_login_rate_limit_counts_phone_spellings_together():
    u = register_user()
    spellings = [u["phone"], "+2" + u["phone"], "002" + u["phone"], u["phone"], "+2" + u["phone"]]
    for sp in spellings:
        expect(401, login(sp, "WrongPass1"), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    expect(429, login(u["phone"], u["password"]), "RATE_LIMITED")


def test_banned_user_cannot_log_in_and_old_token_dies():
    """The ban itself is set in the database here (test_admin_users.py bans through the
    API): this tests what login and the token check do with a banned account."""
    u = register_user()
    db_query("UPDATE users SET is_banned = 1, ban_reason = 'spam reports',"
             " banned_at = CURRENT_TIMESTAMP(3) WHERE id = %d" % u["id"])
    r = api("POST", en("/api/auth/login"), {"identifier": u["email"], "password": u["password"]})
    body = expect(403, r, "USER_BANNED")
    d = body.get("data") or {}
    check(d.get("reason") == "spam reports", "data.reason %r" % d)
    check(isinstance(d.get("bannedAt"), str) and d["bannedAt"].endswith("Z"), "data.bannedAt %r" % d)
    r = api("GET", ME, token=u["token"])
    expect(403, r, "USER_BANNED")
    check(r.body.get("data", {}).get("reason") == "spam reports", "token check: %s" % r.describe())
    expect(403, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}), "USER_BANNED")
    db_query("UPDATE users SET is_banned = 0, ban_reason = NULL, banned_at = NULL WHERE id = %d" % u["id"])
    _login_ok(login(u["email"], u["password"]), u["id"])


def test_disabled_account_403():
    u = register_user()
    db_query("UPDATE users SET is_active = 0 WHERE id = %d" % u["id"])
    expect(403, login(u["email"], u["password"]), "FORBIDDEN", reason="ACCOUNT_DISABLED")
    expect(403, api("GET", ME, token=u["token"]), "FORBIDDEN", reason="ACCOUNT_DISABLED")


# ------------------------------------------------------------------ tokens

def test_me_requires_token():
    r = api("GET", en(ME))
    expect(401, r, "UNAUTHORIZED")
    expect_bilingual("GET", ME, status=401)
    for h in ("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "bearer"):
        expect(401, api("GET", ME, headers={"Authorization": h}), "UNAUTHORIZED")


def test_me_returns_user_and_accepts_cookie():
    u = register_user()
    body = expect(200, api("GET", ME, token=u["token"]))
    me = body["data"]["user"]
    check(me["id"] == u["id"] and me["email"] == u["email"], "me %r" % me)
    expect(200, api("GET", ME, cookies={"accessToken": u["token"]}))
    expect(401, api("GET", ME, cookies={"accessToken": "garbage"}))


def test_forged_tokens_401():
    u = register_user()
    secret = jwt_secret()
    good = forge_jwt(claims_for(u["id"]), secret)
    # control: a token made here with the right secret and HS256 works, so the
    # refusals below are about what each one changes
    expect(200, api("GET", ME, token=good))
    bad = {
        "expired": forge_jwt(claims_for(u["id"], exp_in=-10, iat=int(time.time()) - 3700), secret),
        "wrong secret": forge_jwt(claims_for(u["id"]), secret + "x"),
        "alg none": forge_jwt(claims_for(u["id"]), alg="none"),
        "alg none, upper": forge_jwt(claims_for(u["id"]), alg="none", header={"alg": "NONE", "typ": "JWT"}),
        "alg none with signature": forge_jwt(claims_for(u["id"]), alg="none") + good.split(".")[2],
        "HS512": forge_jwt(claims_for(u["id"]), secret, alg="HS512"),
        "HS384": forge_jwt(claims_for(u["id"]), secret, alg="HS384"),
        "no exp": forge_jwt({k: v for k, v in claims_for(u["id"]).items() if k != "exp"}, secret),
        "no jti": forge_jwt({k: v for k, v in claims_for(u["id"]).items() if k != "jti"}, secret),
        "no sub": forge_jwt({k: v for k, v in claims_for(u["id"]).items() if k != "sub"}, secret),
        "sub 0": forge_jwt(claims_for(0), secret),
        "sub junk": forge_jwt(claims_for("12abc"), secret),
        "unknown sub": forge_jwt(claims_for(999999999), secret),
        "garbage": "not.a.jwt",
        "two parts": good.rsplit(".", 1)[0],
        "empty signature": good.rsplit(".", 1)[0] + ".",
    }
    # tampered: a payload claiming admin with the original signature
    h, p, s = u["token"].split(".")
    c = jwt_claims(u["token"])
    c["role"] = "admin"
    import base64
    import json
    p2 = base64.urlsafe_b64encode(json.dumps(c, separators=(",", ":")).encode()).rstrip(b"=").decode()
    bad["tampered payload"] = h + "." + p2 + "." + s
    bad["tampered signature"] = h + "." + p + "." + ("A" if s[0] != "A" else "B") + s[1:]
    for name, tok in bad.items():
        r = api("GET", ME, token=tok)
        check(r.status == 401, "%s token: %s" % (name, r.describe()))
        expect(401, r)
    # a forged admin role claim is never trusted: the role comes from the database
    tok = forge_jwt(claims_for(u["id"], role="admin"), secret)
    expect(403, api("GET", "/api/settings/all", token=tok), "FORBIDDEN")


def test_refresh_rotates_and_reuse_revokes_family():
    u = register_user()
    r = api("POST", en("/api/auth/refresh-token"), {"refreshToken": u["refresh"]})
    d1 = expect(200, r)["data"]
    check(d1["refreshToken"] != u["refresh"] and isinstance(d1.get("token"), str), "no rotation: %s" % r.describe())
    expect(200, api("GET", ME, token=d1["token"]))
    # the old one no longer works ...
    r = api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]})
    expect(401, r, "UNAUTHORIZED")
    # ... and presenting it revoked its whole family, the new token included
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": d1["refreshToken"]}), "UNAUTHORIZED")
    reasons = db_query("SELECT revoke_reason FROM refresh_tokens WHERE user_id = %d" % u["id"])
    check(all(x[0] is not None for x in reasons), "an unrevoked token remains: %r" % reasons)
    check(any(x[0] == "reuse" for x in reasons), "no token revoked for reuse: %r" % reasons)


def test_refresh_aliases_and_cookie():
    u = register_user()
    d = expect(200, api("POST", "/api/auth/refresh", {"refresh_token": u["refresh"]}))["data"]
    d = expect(200, api("POST", "/api/auth/refresh", cookies={"refreshToken": d["refreshToken"]}))["data"]
    d = expect(200, api("POST", "/api/v1/auth/refresh-token", {"refreshToken": d["refreshToken"]}))["data"]
    expect(200, api("GET", ME, token=d["token"]))


def test_refresh_bad_input():
    expect(422, api("POST", "/api/auth/refresh-token", {}), "VALIDATION_ERROR", ["refreshToken"])
    expect(422, api("POST", "/api/auth/refresh-token", {"refreshToken": 5}), "VALIDATION_ERROR",
           ["refreshToken"])
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": "f" * 64}), "UNAUTHORIZED")
    expect(422, api("POST", "/api/auth/refresh-token", {"refreshToken": "f" * 300}),
           "VALIDATION_ERROR", ["refreshToken"])


def test_logout_revokes_refresh_and_access_token():
    u = register_user()
    r = api("POST", en("/api/auth/logout"), {"refreshToken": u["refresh"]}, token=u["token"])
    expect(200, r)
    ck = cookies_of(r)
    check("max-age=0" in ck.get("accessToken", ("", ""))[1].lower(), "accessToken cookie not cleared: %r" % ck)
    check("max-age=0" in ck.get("refreshToken", ("", ""))[1].lower(), "refreshToken cookie not cleared: %r" % ck)
    expect(401, api("GET", ME, token=u["token"]), "UNAUTHORIZED")
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}), "UNAUTHORIZED")
    # another session of the same user goes on
    d = _login_ok(login(u["email"], u["password"]), u["id"])
    expect(200, api("GET", ME, token=d["token"]))


def test_logout_with_access_token_only_and_cookies():
    u = register_user()
    expect(200, api("POST", "/api/auth/logout", token=u["token"]))
    expect(401, api("GET", ME, token=u["token"]))
    v = register_user()
    expect(200, api("POST", "/api/auth/logout", cookies={"accessToken": v["token"], "refreshToken": v["refresh"]}))
    expect(401, api("GET", ME, token=v["token"]))
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": v["refresh"]}))


def test_logout_without_credentials_401():
    expect(401, api("POST", en("/api/auth/logout")), "UNAUTHORIZED")
    expect(401, api("POST", "/api/auth/logout", token="garbage"), "UNAUTHORIZED")


def test_parallel_refresh_of_one_token_one_wins():
    """Two refreshes of the same token at once: the token row is locked, so one rotates
    it (200) and the other finds it rotated, which is reuse (401, the family revoked);
    never a 5xx."""
    for _ in range(3):
        u = register_user()
        start = threading.Barrier(2)
        results = []
        lock = threading.Lock()

        def call():
            start.wait(10)
            r = api("POST", en("/api/auth/refresh-token"), {"refreshToken": u["refresh"]})
            with lock:
                results.append(r)

        threads = [threading.Thread(target=call) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        check(len(results) == 2, "answers: %r" % [r.describe() for r in results])
        results.sort(key=lambda r: r.status)
        check([r.status for r in results] == [200, 401],
              "statuses %s" % [r.describe() for r in results])
        won = expect(200, results[0])["data"]
        expect(401, results[1], "UNAUTHORIZED")
        check(not results[1].headers.get_all("Set-Cookie"), "the 401 set cookies: %s" % results[1].describe())
        # the reuse revoked the family, the token the winner got included
        reasons = db_query("SELECT revoke_reason FROM refresh_tokens WHERE user_id = %d" % u["id"])
        check(all(x[0] is not None for x in reasons), "an unrevoked token remains: %r" % reasons)
        check(any(x[0] == "reuse" for x in reasons), "no token revoked for reuse: %r" % reasons)
        expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": won["refreshToken"]}),
               "UNAUTHORIZED")


def test_failed_sign_in_and_register_set_no_cookie():
    """An error reply never carries a Set-Cookie: a session cookie belongs to a committed
    sign-in only."""
    def no_cookie(r, what):
        check(r.status >= 400, "%s: expected an error, got %s" % (what, r.describe()))
        check(not r.headers.get_all("Set-Cookie"), "%s set a cookie: %s %r"
              % (what, r.describe(), r.headers.get_all("Set-Cookie")))

    u = register_user()
    session = {"accessToken": u["token"], "refreshToken": u["refresh"]}
    no_cookie(api("POST", "/api/auth/register", _valid_body(email=u["email"])), "register, taken email")
    no_cookie(api("POST", "/api/auth/register", _valid_body(username=u["username"]), cookies=session),
              "register, taken username")
    no_cookie(api("POST", "/api/auth/register", _valid_body(password="weak")), "register, weak password")
    no_cookie(api("POST", "/api/v1/user/registration/",
                  {"username": u["username"], "first_name": "A", "last_name": "B",
                   "email": "o%s@example.com" % uniq(), "phone_number": new_phone(),
                   "password": new_password()}), "v1 registration, taken username")
    no_cookie(login(u["email"], u["password"] + "x"), "login, wrong password")
    no_cookie(api("POST", "/api/auth/login", {"identifier": u["email"], "password": "Wrong1234"},
                  cookies=session), "login with a session's cookies, wrong password")
    no_cookie(login(u["email"], u["password"], type="admins"), "login, type admins")
    no_cookie(api("POST", "/api/v1/user/login/", {"username": u["username"], "password": "Wrong1234"}),
              "v1 login, wrong password")
    v = register_user()
    db_query("UPDATE users SET is_banned = 1, ban_reason = 'cookie test',"
             " banned_at = CURRENT_TIMESTAMP(3) WHERE id = %d" % v["id"])
    no_cookie(login(v["email"], v["password"]), "login, banned")
    no_cookie(api("POST", "/api/auth/refresh-token", {"refreshToken": v["refresh"]}), "refresh, banned")
    w = register_user()
    for i in range(5):
        expect(401, login(w["email"], "WrongPass%d" % i), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    r = login(w["email"], w["password"])
    expect(429, r, "RATE_LIMITED")
    check(r.headers.get("Retry-After") is not None, "429 without Retry-After")
    no_cookie(r, "login, rate limited")


# ------------------------------------------------------------------ passwords

def test_forgot_password_always_200_and_queues_only_for_registered():
    u = register_user()
    before = db_count("outbox", "template = 'reset_password' AND user_id = %d" % u["id"])
    r1 = api("POST", en("/api/auth/forgot-password"), {"email": u["email"]})
    expect(200, r1)
    rows = outbox_rows(u["id"], "reset_password")
    check(len(rows) == before + 1, "no reset_password outbox row")
    check(rows[0][1] == u["email"], "sent to %r" % rows[0][1])
    check(len(rows[0][2].get("token", "")) >= 32, "payload %r" % rows[0][2])
    nobody = "nobody-%s@example.com" % uniq()
    total = db_count("outbox")
    r2 = api("POST", en("/api/auth/forgot-password"), {"email": nobody})
    expect(200, r2)
    check(r1.body == r2.body, "answers differ: %r vs %r" % (r1.body, r2.body))
    check(db_count("outbox", "recipient = %s" % sql_str(nobody)) == 0, "outbox row for an unknown email")
    check(db_count("outbox") == total, "an outbox row was queued for an unknown email")
    expect(422, api("POST", "/api/auth/forgot-password", {}), "VALIDATION_ERROR", ["email"])
    expect(422, api("POST", "/api/auth/forgot-password", {"email": "nope"}), "VALIDATION_ERROR", ["email"])
    expect_bilingual("POST", "/api/auth/forgot-password", {"email": nobody}, status=200)


def test_reset_password_once_with_outbox_token():
    u = register_user()
    expect(200, api("POST", "/api/auth/forgot-password", {"email": u["email"]}))
    token = outbox_code(u["id"], "reset_password", "token")
    newpw = new_password()
    expect(422, api("POST", "/api/auth/reset-password", {"token": token, "newPassword": "weak"}),
           "VALIDATION_ERROR", ["newPassword"])
    expect(422, api("POST", "/api/auth/reset-password", {"token": "0" * 64, "newPassword": newpw}),
           "VALIDATION_ERROR", ["token"])
    expect(422, api("POST", "/api/auth/reset-password", {}), "VALIDATION_ERROR", ["token", "newPassword"])
    r = api("POST", en("/api/auth/reset-password"), {"token": token, "newPassword": newpw})
    expect(200, r)
    # single use
    expect(422, api("POST", "/api/auth/reset-password", {"token": token, "newPassword": new_password()}),
           "VALIDATION_ERROR", ["token"])
    # the old password stops working, the new one works, old sessions end
    expect(401, login(u["email"], u["password"]), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    _login_ok(login(u["email"], newpw), u["id"])
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}))


def test_reset_password_accepts_password_field_and_latest_token_only():
    u = register_user()
    expect(200, api("POST", "/api/auth/forgot-password", {"email": u["email"]}))
    first = outbox_code(u["id"], "reset_password", "token")
    expect(200, api("POST", "/api/auth/forgot-password", {"email": u["email"]}))
    second = outbox_code(u["id"], "reset_password", "token")
    check(first != second, "the same token twice")
    newpw = new_password()
    # a newer request retires the older link
    expect(422, api("POST", "/api/auth/reset-password", {"token": first, "password": newpw}),
           "VALIDATION_ERROR", ["token"])
    expect(200, api("POST", "/api/auth/reset-password", {"token": second, "password": newpw}))
    _login_ok(login(u["email"], newpw), u["id"])


def test_change_password():
    u = register_user()
    path = "/api/auth/change-password"
    expect(401, api("POST", path, {"currentPassword": u["password"], "newPassword": new_password()}))
    expect(422, api("POST", path, {}, token=u["token"]), "VALIDATION_ERROR",
           ["currentPassword", "newPassword"])
    expect(422, api("POST", path, {"currentPassword": "Wrong1234", "newPassword": new_password()},
                    token=u["token"]), "VALIDATION_ERROR", ["currentPassword"])
    expect(422, api("POST", path, {"currentPassword": u["password"], "newPassword": "weakweak"},
                    token=u["token"]), "VALIDATION_ERROR", ["newPassword"])
    expect(422, api("POST", path, {"currentPassword": u["password"], "newPassword": u["password"]},
                    token=u["token"]), "VALIDATION_ERROR", ["newPassword"])
    other = _login_ok(login(u["email"], u["password"]), u["id"])     # a second session
    newpw = new_password()
    r = api("POST", en(path), {"currentPassword": u["password"], "newPassword": newpw}, token=u["token"])
    d = expect(200, r)["data"]
    check(isinstance(d.get("token"), str) and isinstance(d.get("refreshToken"), str),
          "no fresh tokens: %s" % r.describe())
    expect(200, api("GET", ME, token=d["token"]))
    expect(401, api("GET", ME, token=u["token"]))      # this request's old token is revoked
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}))
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": other["refreshToken"]}))
    expect(401, login(u["email"], u["password"]), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    _login_ok(login(u["email"], newpw), u["id"])


# ------------------------------------------------------------------ verification

def test_verify_email_both_paths():
    for path in ("/api/auth/verify-email", "/api/_/users/verify-email", "/api/v1/_/users/verify-email"):
        u = register_user()
        token = outbox_code(u["id"], "verify_email", "token")
        check(db_user(u["id"])["email_verified"] == "0", "verified before verifying")
        expect(422, api("POST", path, {"token": "f" * 64}), "VALIDATION_ERROR", ["token"])
        expect(422, api("POST", path, {}), "VALIDATION_ERROR", {"token": "REQUIRED"})
        expect(200, api("POST", en(path), {"token": token}))
        check(db_user(u["id"])["email_verified"] == "1", "email_verified not set via %s" % path)
        me = expect(200, api("GET", ME, token=u["token"]))["data"]["user"]
        check(me.get("emailVerified") is True, "emailVerified %r" % me.get("emailVerified"))
        expect(422, api("POST", path, {"token": token}), "VALIDATION_ERROR", ["token"])


def test_verify_phone_with_outbox_otp():
    u = register_user()
    otp = outbox_code(u["id"], "phone_otp", "code")
    check(len(otp) == 6 and otp.isdigit(), "otp %r" % otp)
    path = "/api/auth/verify-phone"
    expect(401, api("POST", path, {"phone": u["phone"], "otp": otp}))
    expect(422, api("POST", path, {}, token=u["token"]), "VALIDATION_ERROR", ["phone", "otp"])
    expect(422, api("POST", path, {"phone": "123", "otp": otp}, token=u["token"]), "VALIDATION_ERROR", ["phone"])
    other = new_phone()
    expect(422, api("POST", path, {"phone": other, "otp": otp}, token=u["token"]), "VALIDATION_ERROR", ["phone"])
    expect(200, api("POST", en(path), {"phone": "+2" + u["phone"], "otp": otp}, token=u["token"]))
    check(db_user(u["id"])["phone_verified"] == "1", "phone_verified not set")
    me = expect(200, api("GET", ME, token=u["token"]))["data"]["user"]
    check(me.get("phoneVerified") is True, "phoneVerified %r" % me.get("phoneVerified"))
    expect(422, api("POST", path, {"phone": u["phone"], "otp": otp}, token=u["token"]), "VALIDATION_ERROR")


def test_verify_phone_wrong_otp_five_times_burns_code():
    u = register_user()
    otp = outbox_code(u["id"], "phone_otp", "code")
    wrong = "%06d" % ((int(otp) + 1) % 1000000)
    path = "/api/auth/verify-phone"
    for i in range(5):
        r = api("POST", path, {"phone": u["phone"], "otp": wrong}, token=u["token"])
        expect(422, r, "VALIDATION_ERROR", ["otp"])
    # five guesses spent: the right code is refused too (TOO_MANY_ATTEMPTS)
    expect(422, api("POST", path, {"phone": u["phone"], "code": otp}, token=u["token"]),
           "VALIDATION_ERROR", {"otp": "TOO_MANY_ATTEMPTS"})
    check(db_user(u["id"])["phone_verified"] == "0", "verified with a spent code")
    # a new code can be asked for, and works
    expect(200, api("POST", en("/api/auth/send-phone-code"), token=u["token"]))
    otp2 = outbox_code(u["id"], "phone_otp", "code")
    expect(200, api("POST", path, {"phone": u["phone"], "code": otp2}, token=u["token"]))
    check(db_user(u["id"])["phone_verified"] == "1", "phone_verified not set")


def test_send_phone_code_requires_token_and_retires_old_code():
    u = register_user()
    expect(401, api("POST", "/api/auth/send-phone-code"), "UNAUTHORIZED")
    old = outbox_code(u["id"], "phone_otp", "code")
    expect(200, api("POST", "/api/auth/send-phone-code", token=u["token"]))
    new = outbox_code(u["id"], "phone_otp", "code")
    rows = outbox_rows(u["id"], "phone_otp")
    check(len(rows) == 2 and rows[0][1] == "+2" + u["phone"], "outbox rows %r" % rows)
    if old != new:
        expect(422, api("POST", "/api/auth/verify-phone", {"phone": u["phone"], "otp": old}, token=u["token"]),
               "VALIDATION_ERROR")
    expect(200, api("POST", "/api/auth/verify-phone", {"phone": u["phone"], "otp": new}, token=u["token"]))


# ------------------------------------------------------------------ seed 003 (/api/v1/user/...)

def test_v1_registration_and_login():
    name = "k" + uniq(10)
    b = {"username": name, "first_name": "Kevin", "last_name": "Mechanic",
         "email": "%s@example.com" % name, "phone_number": new_phone(),
         "password": new_password(), "user_type": "mechanic"}
    r = api("POST", "/api/v1/user/registration/", b)
    check(r.status == 201, "registration: %s" % r.describe())
    check(r.body == {"username": name, "first_name": "Kevin", "email": b["email"]},
          "registration body %r" % r.body)
    uid = int(db_scalar("SELECT id FROM users WHERE username = %s" % sql_str(name)))
    check(db_user(uid)["role"] == "technician", "mechanic became %r" % db_user(uid)["role"])
    r = api("POST", "/api/v1/user/login/", {"username": name, "password": b["password"]})
    check(r.status == 202, "login: %s" % r.describe())
    check(set(r.body) == {"token", "refresh_token"}, "login body %r" % r.body)
    expect(200, api("GET", ME, token=r.body["token"]))
    expect(200, api("POST", "/api/auth/refresh-token", {"refresh_token": r.body["refresh_token"]}))
    # without the trailing slash too
    r = api("POST", "/api/v1/user/login", {"username": b["email"], "password": b["password"]})
    check(r.status == 202, "login without slash: %s" % r.describe())
    expect(401, api("POST", "/api/v1/user/login/", {"username": name, "password": "Wrong1234"}),
           "UNAUTHORIZED", reason="INVALID_CREDENTIALS")


def test_v1_registration_validation_and_duplicates():
    expect(422, api("POST", "/api/v1/user/registration/", {}), "VALIDATION_ERROR",
           ["username", "first_name", "last_name", "email", "phone_number", "password"])
    name = "k" + uniq(10)
    b = {"username": name, "first_name": "A", "last_name": "B", "email": "%s@example.com" % name,
         "phone_number": new_phone(), "password": new_password(), "user_type": "admin"}
    expect(422, api("POST", "/api/v1/user/registration/", b), "VALIDATION_ERROR", ["user_type"])
    b["user_type"] = "customer"
    b["phone_number"] = "12345"
    expect(422, api("POST", "/api/v1/user/registration/", b), "VALIDATION_ERROR", ["phone_number"])
    b["phone_number"] = new_phone()
    r = api("POST", "/api/v1/user/registration/", b)
    check(r.status == 201, "registration: %s" % r.describe())
    b2 = dict(b, email="other%s@example.com" % uniq(), phone_number=new_phone())
    expect(409, api("POST", "/api/v1/user/registration/", b2), "CONFLICT", ["username"])
    expect(422, api("POST", "/api/v1/user/login/", {"username": name}), "VALIDATION_ERROR", ["password"])


def test_user_preferred_language_picks_message_language():
    u = register_user(lang="en")
    r = api("GET", ME, token=u["token"])
    check(not is_arabic(r.body["message"]), "preferredLanguage en, message %r" % r.body["message"])
    r = api("GET", ME, token=u["token"], headers={"Accept-Language": "ar"})
    check(is_arabic(r.body["message"]), "Accept-Language beats the preference: %r" % r.body["message"])
    v = register_user()
    r = api("GET", ME, token=v["token"])
    check(is_arabic(r.body["message"]), "default Arabic: %r" % r.body["message"])
    # the codes queued at registration use the chosen language
    check(outbox_rows(u["id"], "verify_email")[0][3] == "en", "verify_email lang")


run(globals())
