"""Sessions and limits (docs/decisions.md, "Identity"): a password change or reset ends
every other session at once, access tokens included; the login limits count per
account, per address and per account across addresses; every limit is counted and
acted on in one locked step, so parallel requests never get past it; a phone code
allows exactly five guesses; wrong reset and verification tokens and registration
conflicts are limited per address; forgot-password costs the same for known and
unknown e-mails.

Tests that count per address send from loopback addresses of their own (127.x.y.z,
the source of the connection), so no two counts meet."""
import http.client
import os
import re
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (ENV, TIMEOUT, _split_url, _utc_ms, api, check, connection, poll, db_count, db_query, db_scalar, en,
                         expect, new_password, outbox_code, register_user, run, sql_str,
                         uniq)

# the rules of fcgi/domain/limits.h and the stack's configuration
LOGIN_MAX_FAILURES = 5          # login_max_failures: an account from one address
LOGIN_IP_MAX_FAILURES = 100     # an address, every account
LOGIN_BACKOFF_AFTER = 10        # an account, every address
LOGIN_BACKOFF_BASE = 15
CODE_GUESS_MAX = 10
SIGNUP_CONFLICT_MAX = 10
OTP_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5


def new_address():
    """A loopback address of its own (never 127.0.0.1)."""
    b = os.urandom(3)
    return "127.%d.%d.%d" % (1 + b[0] % 250, b[1], 1 + b[2] % 250)


def conn_from(ip):
    host, port = _split_url()
    return http.client.HTTPConnection(host, port, timeout=TIMEOUT, source_address=(ip, 0))


def api_from(ip, method, path, body=None, token=None):
    c = conn_from(ip)
    try:
        return api(method, path, body, token=token, conn=c)
    finally:
        c.close()


def login_from(ip, identifier, password, field="identifier"):
    return api_from(ip, "POST", "/api/auth/login", {field: identifier, "password": password})


def at_once(calls):
    """Runs the calls (functions of no argument) in threads released together; returns
    their answers in order."""
    gate = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def one(i):
        gate.wait(30)
        try:
            out[i] = calls[i]()
        except Exception as e:  # reported by the caller as a missing answer
            out[i] = e

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for r in out:
        check(not isinstance(r, Exception) and r is not None, "a request got no answer: %r" % (r,))
    return out


def statuses(resps):
    out = {}
    for r in resps:
        out[r.status] = out.get(r.status, 0) + 1
    return out


def counter(scope, subject="", ip=""):
    v = db_scalar("SELECT n FROM rate_limits WHERE scope = %s AND subject = %s AND ip = %s"
                  % (sql_str(scope), sql_str(subject), sql_str(ip)))
    return int(v) if v is not None else 0


def retry_after(r):
    ra = r.headers.get("Retry-After")
    check(ra is not None and ra.isdigit() and int(ra) > 0, "Retry-After %r: %s" % (ra, r.describe()))
    return int(ra)


def me(token):
    return api("GET", "/api/auth/me", token=token)


def tokens_of(resp):
    d = expect(200, resp)["data"]
    return d["token"], d["refreshToken"]


# ------------------------------------------------------------------ sessions

def test_change_password_ends_other_sessions_access_tokens_at_once():
    u = register_user()
    a_token = u["token"]
    b_token, b_refresh = tokens_of(api("POST", "/api/auth/login",
                                       {"identifier": u["email"], "password": u["password"]}))
    expect(200, me(b_token))
    new = new_password()
    r = api("POST", en("/api/auth/change-password"),
            {"currentPassword": u["password"], "newPassword": new}, token=a_token)
    a2_token, a2_refresh = tokens_of(r)
    # the other session's access token is refused right away, not at its expiry
    expect(401, me(b_token))
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": b_refresh}))
    # the current session goes on with the fresh pair, issued in the same second
    expect(401, me(a_token))
    expect(200, me(a2_token))
    a3_token, _ = tokens_of(api("POST", "/api/auth/refresh-token", {"refreshToken": a2_refresh}))
    expect(200, me(a3_token))
    # and a new sign-in with the new password works at once
    c_token, _ = tokens_of(api("POST", "/api/auth/login",
                               {"identifier": u["email"], "password": new}))
    expect(200, me(c_token))
    check(db_scalar("SELECT tokens_valid_after IS NOT NULL FROM users WHERE id = %d" % u["id"]) == "1",
          "tokens_valid_after not set")


def test_change_password_fresh_token_works_in_the_same_second_every_time():
    """Second granularity: the fresh token is issued within the second the change was
    made in; it must work each time, and the replaced one never."""
    u = register_user()
    token, pw = u["token"], u["password"]
    for i in range(4):
        new = new_password()
        old = token
        token, _ = tokens_of(api("POST", "/api/auth/change-password",
                                 {"currentPassword": pw, "newPassword": new}, token=token))
        pw = new
        expect(200, me(token))
        expect(401, me(old))


def test_reset_password_ends_every_access_token():
    u = register_user()
    b_token, _ = tokens_of(api("POST", "/api/auth/login",
                               {"identifier": u["email"], "password": u["password"]}))
    expect(200, me(u["token"]))
    expect(200, me(b_token))
    expect(200, api("POST", "/api/auth/forgot-password", {"email": u["email"]}))
    tok = outbox_code(u["id"], "reset_password", "token")
    new = new_password()
    expect(200, api("POST", "/api/auth/reset-password", {"token": tok, "newPassword": new}))
    expect(401, me(u["token"]))
    expect(401, me(b_token))
    t, _ = tokens_of(api("POST", "/api/auth/login", {"identifier": u["email"], "password": new}))
    expect(200, me(t))


# ------------------------------------------------------------------ login limits

def test_login_limit_counts_per_account_whatever_the_spelling():
    u = register_user()
    ip = new_address()
    for i in range(LOGIN_MAX_FAILURES):
        expect(401, login_from(ip, u["email"], "WrongPass%d" % i), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    for ident in (u["phone"], "+2" + u["phone"], "002" + u["phone"], u["username"],
                  u["email"].upper()):
        r = login_from(ip, ident, u["password"])
        expect(429, r, "RATE_LIMITED")
        check(retry_after(r) <= 900, "Retry-After beyond the window: %s" % r.describe())
    check(counter("login", "user:%d" % u["id"], ip) == LOGIN_MAX_FAILURES, "pair counter")
    # per address: the account still signs in from elsewhere
    tokens_of(login_from(new_address(), u["phone"], u["password"]))


def test_login_limit_counts_phone_forms_first():
    """The other way round: failures with phone forms and the username lock the e-mail."""
    u = register_user()
    ip = new_address()
    forms = [u["phone"], "+2" + u["phone"], "002" + u["phone"], u["username"], u["phone"]]
    for f in forms:
        expect(401, login_from(ip, f, "WrongPass1"), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    expect(429, login_from(ip, u["email"], u["password"]), "RATE_LIMITED")


def test_parallel_wrong_logins_get_exactly_five_checks():
    u = register_user()
    ip = new_address()
    resps = at_once([lambda: login_from(ip, u["email"], "WrongPass1")] * 16)
    st = statuses(resps)
    check(st == {401: LOGIN_MAX_FAILURES, 429: 16 - LOGIN_MAX_FAILURES},
          "16 parallel wrong logins answered %r" % st)
    check(counter("login", "user:%d" % u["id"], ip) == LOGIN_MAX_FAILURES, "pair counter")
    check(db_count("login_failures", "identifier = %s AND ip = %s"
                   % (sql_str(u["email"]), sql_str(ip))) == LOGIN_MAX_FAILURES,
          "login_failures rows")
    for r in resps:
        if r.status == 429:
            retry_after(r)


def test_right_password_gives_its_count_back():
    u = register_user()
    ip = new_address()
    for i in range(3):
        expect(401, login_from(ip, u["email"], "WrongPass%d" % i))
        tokens_of(login_from(ip, u["email"], u["password"]))
    check(counter("login", "user:%d" % u["id"], ip) == 3, "a success was counted")
    check(counter("login_account", "user:%d" % u["id"]) == 3, "a success was counted")
    check(counter("login_ip", "", ip) == 3, "a success was counted")


def test_window_starts_with_the_first_failure():
    """A counter given back to 0 by a success starts its window with the next failure,
    not with the success before it."""
    u = register_user()
    ip = new_address()
    tokens_of(login_from(ip, u["email"], u["password"]))
    time.sleep(1.2)
    expect(401, login_from(ip, u["email"], "WrongPass1"))
    for scope, subject, addr in (("login", "user:%d" % u["id"], ip),
                                 ("login_account", "user:%d" % u["id"], ""), ("login_ip", "", ip)):
        gap = db_scalar("SELECT TIMESTAMPDIFF(MICROSECOND, window_start, last_at) FROM rate_limits"
                        " WHERE scope = %s AND subject = %s AND ip = %s"
                        % (sql_str(scope), sql_str(subject), sql_str(addr)))
        check(gap is not None and 0 <= int(gap) < 500000,
              "%s: the window started %s µs before the failure" % (scope, gap))


def test_login_account_backs_off_across_addresses():
    u = register_user()
    addrs = [new_address() for _ in range(LOGIN_BACKOFF_AFTER // 2)]
    for ip in addrs:
        for i in range(2):
            expect(401, login_from(ip, u["username"], "WrongPass%d" % i), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    check(counter("login_account", "user:%d" % u["id"]) == LOGIN_BACKOFF_AFTER, "account counter")
    # from an address that never failed, even the right password waits
    r = login_from(new_address(), u["email"], u["password"])
    expect(429, r, "RATE_LIMITED")
    check(retry_after(r) <= LOGIN_BACKOFF_BASE, "back-off %s" % r.describe())
    # the attempt refused was not counted
    check(counter("login_account", "user:%d" % u["id"]) == LOGIN_BACKOFF_AFTER, "refusal counted")
    # another account is not held back
    v = register_user()
    tokens_of(login_from(new_address(), v["email"], v["password"]))


def test_login_address_ceiling_across_accounts():
    """Password spraying: one address, many accounts, one guess each."""
    ip = new_address()
    n = LOGIN_IP_MAX_FAILURES + 12
    calls = [(lambda i=i: login_from(ip, "spray%s%d@example.com" % (uniq(6), i), "Password1"))
             for i in range(n)]
    resps = []
    for k in range(0, n, 16):   # sixteen at a time: the pool has fewer workers than that
        resps += at_once(calls[k:k + 16])
    st = statuses(resps)
    check(st == {401: LOGIN_IP_MAX_FAILURES, 429: n - LOGIN_IP_MAX_FAILURES},
          "%d wrong logins from one address answered %r" % (n, st))
    check(counter("login_ip", "", ip) == LOGIN_IP_MAX_FAILURES, "address counter")
    u = register_user()
    r = login_from(ip, u["email"], u["password"])
    expect(429, r, "RATE_LIMITED")
    retry_after(r)
    tokens_of(login_from(new_address(), u["email"], u["password"]))


# ------------------------------------------------------------------ codes

def test_parallel_send_phone_code_gives_five_codes_an_hour():
    for round_ in range(3):
        u = register_user()          # registration sent the first phone code
        resps = at_once([lambda: api("POST", "/api/auth/send-phone-code", token=u["token"])] * 16)
        st = statuses(resps)
        check(st == {200: CODES_PER_HOUR - 1, 429: 16 - CODES_PER_HOUR + 1},
              "16 parallel send-phone-code answered %r" % st)
        check(db_count("one_time_codes", "user_id = %d AND purpose = 'phone_verify'" % u["id"])
              == CODES_PER_HOUR, "phone codes made")
        check(db_count("outbox", "user_id = %d AND template = 'phone_otp'" % u["id"])
              == CODES_PER_HOUR, "phone messages queued")


def test_parallel_forgot_password_gives_five_codes_an_hour():
    for round_ in range(3):
        u = register_user()
        resps = at_once([lambda: api("POST", "/api/auth/forgot-password", {"email": u["email"]})] * 16)
        check(statuses(resps) == {200: 16}, "answers %r" % statuses(resps))
        check(db_count("one_time_codes", "user_id = %d AND purpose = 'password_reset'" % u["id"])
              == CODES_PER_HOUR, "reset codes made")
        check(db_count("outbox", "user_id = %d AND template = 'reset_password'" % u["id"])
              == CODES_PER_HOUR, "reset messages queued")


def test_phone_code_allows_exactly_five_guesses():
    u = register_user()
    otp = outbox_code(u["id"], "phone_otp", "code")
    wrong = "%06d" % ((int(otp) + 1) % 1000000)
    path = "/api/auth/verify-phone"
    for i in range(OTP_MAX_ATTEMPTS):
        r = api("POST", path, {"phone": u["phone"], "otp": wrong}, token=u["token"])
        expect(422, r, "VALIDATION_ERROR", {"otp": "INVALID_OR_EXPIRED"})
    # the sixth attempt is refused, even with the right code
    r = api("POST", path, {"phone": u["phone"], "otp": otp}, token=u["token"])
    expect(422, r, "VALIDATION_ERROR", {"otp": "TOO_MANY_ATTEMPTS"})
    r = api("POST", path, {"phone": u["phone"], "otp": wrong}, token=u["token"])
    expect(422, r, "VALIDATION_ERROR", {"otp": "TOO_MANY_ATTEMPTS"})
    check(db_scalar("SELECT phone_verified FROM users WHERE id = %d" % u["id"]) == "0",
          "verified after five wrong guesses")
    check(db_scalar("SELECT MAX(attempts) FROM one_time_codes WHERE user_id = %d AND"
                    " purpose = 'phone_verify'" % u["id"]) == str(OTP_MAX_ATTEMPTS), "attempts")


def test_parallel_phone_guesses_count_five():
    u = register_user()
    otp = outbox_code(u["id"], "phone_otp", "code")
    wrong = "%06d" % ((int(otp) + 7) % 1000000)
    resps = at_once([lambda: api("POST", "/api/auth/verify-phone",
                                 {"phone": u["phone"], "otp": wrong}, token=u["token"])] * 9)
    codes = sorted(r.body["errors"][0]["code"] for r in resps)
    check(codes == ["INVALID_OR_EXPIRED"] * OTP_MAX_ATTEMPTS + ["TOO_MANY_ATTEMPTS"] * 4,
          "parallel guesses answered %r" % codes)


def test_wrong_tokens_are_limited_per_address():
    u = register_user()
    ip = new_address()
    for i in range(CODE_GUESS_MAX):
        if i % 2:
            r = api_from(ip, "POST", "/api/auth/verify-email", {"token": uniq(40)})
        else:
            r = api_from(ip, "POST", "/api/auth/reset-password",
                         {"token": uniq(40), "newPassword": new_password()})
        expect(422, r, "VALIDATION_ERROR", {"token": "INVALID_OR_EXPIRED"})
    check(counter("code_guess", "", ip) == CODE_GUESS_MAX, "guess counter")
    # the next one waits, even a right token
    good = outbox_code(u["id"], "verify_email", "token")
    r = api_from(ip, "POST", "/api/auth/verify-email", {"token": good})
    expect(429, r, "RATE_LIMITED")
    retry_after(r)
    r = api_from(ip, "POST", "/api/auth/reset-password", {"token": uniq(40), "newPassword": new_password()})
    expect(429, r, "RATE_LIMITED")
    check(db_scalar("SELECT email_verified FROM users WHERE id = %d" % u["id"]) == "0",
          "verified from a limited address")
    # another address is not held back
    expect(200, api_from(new_address(), "POST", "/api/auth/verify-email", {"token": good}))


def test_parallel_wrong_tokens_count_exactly():
    ip = new_address()
    resps = at_once([lambda: api_from(ip, "POST", "/api/auth/verify-email", {"token": uniq(40)})] * 16)
    st = statuses(resps)
    check(st == {422: CODE_GUESS_MAX, 429: 16 - CODE_GUESS_MAX}, "16 parallel wrong tokens answered %r" % st)
    check(counter("code_guess", "", ip) == CODE_GUESS_MAX, "guess counter")


# ------------------------------------------------------------------ privacy

FORGOT_LINE = re.compile(r"^ts=(\S+)Z .*msg=request method=POST path=/api/auth/forgot-password"
                         r" status=200 ms=([0-9.]+)", re.M)


def _forgot_block(emails, before_each=None):
    """Sends forgot-password for each e-mail in turn; returns the median time the
    client saw and the median the pool logged (ms=, None without the logs)."""
    log = os.path.join(ENV("WARSHA_TEST_LOG_DIR") or "", "warsha-fcgi.log")
    offset = os.path.getsize(log) if os.path.exists(log) else None
    time.sleep(0.01)   # the lines of an earlier block carry an earlier millisecond
    since = _utc_ms(time.time())
    client = []
    for e in emails:
        if before_each:
            before_each()
        c = connection()
        try:
            c.connect()
            t0 = time.perf_counter()
            r = api("POST", "/api/auth/forgot-password", {"email": e}, conn=c)
            client.append(time.perf_counter() - t0)
        finally:
            c.close()
        expect(200, r)
    server = None
    if offset is not None:
        # the workers write their access lines within a second
        def lines():
            with open(log, "rb") as f:
                f.seek(offset)
                return [float(m.group(2)) / 1000 for m in
                        FORGOT_LINE.finditer(f.read().decode("utf-8", "replace"))
                        if m.group(1) >= since]
        poll(lambda: len(lines()) >= len(emails), timeout=5.0, interval=0.2)
        got = lines()
        check(len(got) == len(emails), "%d access lines for %d requests" % (len(got), len(emails)))
        server = statistics.median(got)
    return statistics.median(client), server


def test_forgot_password_costs_the_same_for_unknown_emails():
    u = register_user()
    n = 31

    def fresh_hour():
        # the known account's earlier codes move out of the hour, so every call sends one
        db_query("UPDATE one_time_codes SET created_at = created_at - INTERVAL 2 HOUR"
                 " WHERE user_id = %d AND purpose = 'password_reset'" % u["id"])

    _forgot_block(["warm%s@example.com" % uniq(8) for _ in range(5)])
    kc, ks = _forgot_block([u["email"]] * n, fresh_hour)
    uc, us = _forgot_block(["nobody%s@example.com" % uniq(12) for _ in range(n)], fresh_hour)
    check(db_count("one_time_codes", "user_id = %d AND purpose = 'password_reset'" % u["id"]) == n,
          "not every call for the known e-mail made a code")
    sys.stderr.write("forgot-password median: known %.3f ms, unknown %.3f ms at the client;"
                     " %s at the pool\n" % (kc * 1000, uc * 1000, "n/a" if ks is None else
                                              "known %.3f ms, unknown %.3f ms" % (ks * 1000, us * 1000)))
    # the pool's own times, without nginx's share, when its log is at hand
    k, u_ = (ks, us) if ks is not None else (kc, uc)
    ratio = k / u_
    check(0.5 <= ratio <= 2.0, "known %.3f ms vs unknown %.3f ms (ratio %.2f)" % (k * 1000, u_ * 1000, ratio))


def _register_body(**over):
    name = "r" + uniq(12)
    b = {"email": "%s@example.com" % name, "phone": "010%08d" % (int.from_bytes(os.urandom(4), "big") % 10 ** 8),
         "username": name, "password": new_password(), "firstName": "Test", "lastName": "User"}
    b.update(over)
    return b


def test_registration_conflicts_name_the_field_but_are_limited_per_address():
    u = register_user()
    ip = new_address()
    fields = ("email", "phone", "username")
    for i in range(SIGNUP_CONFLICT_MAX):
        f = fields[i % 3]
        r = api_from(ip, "POST", "/api/auth/register", _register_body(**{f: u[f]}))
        expect(409, r, "CONFLICT", {f: "DUPLICATE"})
    check(counter("signup_conflict", "", ip) == SIGNUP_CONFLICT_MAX, "conflict counter")
    r = api_from(ip, "POST", en("/api/auth/register"), _register_body(email=u["email"]))
    expect(429, r, "RATE_LIMITED")
    check(retry_after(r) <= 900, "Retry-After %s" % r.describe())
    # every registration from the address waits, so a free one tells nothing either
    b = _register_body()
    expect(429, api_from(ip, "POST", "/api/auth/register", b), "RATE_LIMITED")
    check(db_count("users", "email = %s" % sql_str(b["email"])) == 0, "registered while limited")
    # another address is told which field is taken; a success is not counted
    other = new_address()
    expect(409, api_from(other, "POST", "/api/auth/register", _register_body(username=u["username"])),
           "CONFLICT", {"username": "DUPLICATE"})
    expect(201, api_from(other, "POST", "/api/auth/register", _register_body()))
    check(counter("signup_conflict", "", other) == 1, "a success was counted as a conflict")


def test_parallel_registration_conflicts_count_exactly():
    u = register_user()
    ip = new_address()
    resps = at_once([lambda: api_from(ip, "POST", "/api/auth/register", _register_body(email=u["email"]))] * 14)
    st = statuses(resps)
    check(st == {409: SIGNUP_CONFLICT_MAX, 429: 14 - SIGNUP_CONFLICT_MAX},
          "14 parallel conflicting registrations answered %r" % st)
    check(counter("signup_conflict", "", ip) == SIGNUP_CONFLICT_MAX, "conflict counter")


run(globals())
