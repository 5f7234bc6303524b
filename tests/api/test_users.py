"""/api/users and /api/user/settings (seed 000 users, seed 001 /users/me, seed 002 settings).

Who may call what comes from fcgi/api/routes.c: profile and settings for any signed-in
user; the list and one user for any signed-in user, whole for admin and moderator and
in the public view for the others (tests/api/test_privacy.py); role changes and deletion
for admins only."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, at_once, en, q, expect, expect_list, expect_bilingual, check, register_user,
                         login, admin_login, admin_token, make_user_with_role, set_role, user_of,
                         db_query, db_scalar, db_user, activity_rows, uniq, new_phone, e164, run)

SECRET_WORDS = ("password", "passwordHash", "password_hash", "$s1$")


def _no_secrets(resp):
    text = resp.raw.decode("utf-8", "replace")
    for w in SECRET_WORDS:
        check(w not in text, "answer shows %r: %s" % (w, resp.describe()))


def _check_user(obj, u, resp):
    check(isinstance(obj, dict), "no user object: %s" % resp.describe())
    check(obj.get("id") == u["id"], "user id %r, expected %s" % (obj.get("id"), u["id"]))
    check(obj.get("email") == u["email"], "email %r" % obj.get("email"))
    check(obj.get("phone") == u["phone_e164"], "phone %r" % obj.get("phone"))
    check(obj.get("role") == u["role"], "role %r" % obj.get("role"))
    check(isinstance(obj.get("profile"), dict) and obj["profile"].get("firstName") == "Test",
          "profile.firstName: %r" % obj.get("profile"))


# ------------------------------------------------------------------ own profile

def test_profile_get_me_and_profile():
    u = register_user()
    for path in ("/api/users/profile", "/api/users/me", "/api/v1/users/me"):
        r = api("GET", path, token=u["token"])
        body = expect(200, r)
        _check_user(user_of(body), u, r)
        _no_secrets(r)
        expect(401, api("GET", path), "UNAUTHORIZED")
    expect_bilingual("GET", "/api/users/profile", token=u["token"], status=200)


def test_profile_update_changes_own_fields():
    u = register_user()
    change = {"firstName": "Nadia", "lastName": "Kamal",
              "address": {"street": "12 Tahrir St", "city": "Giza"},
              "carInfo": {"brand": "Toyota", "model": "Corolla", "year": 2018},
              "preferences": {"smsNotifications": False, "pushNotifications": True}}
    r = api("PUT", en("/api/users/profile"), change, token=u["token"])
    body = expect(200, r)
    _no_secrets(r)
    row = db_user(u["id"])
    check(row["first_name"] == "Nadia" and row["last_name"] == "Kamal", "DB names %r" % row)
    got = user_of(expect(200, api("GET", "/api/users/profile", token=u["token"])))
    check(got["profile"]["firstName"] == "Nadia" and got["profile"]["lastName"] == "Kamal",
          "profile %r" % got["profile"])
    check(got["profile"]["address"]["city"] == "Giza", "address %r" % got["profile"].get("address"))
    check(got["carInfo"] == {"brand": "Toyota", "model": "Corolla", "year": 2018}, "carInfo %r" % got.get("carInfo"))
    check(got["preferences"]["smsNotifications"] is False, "preferences %r" % got.get("preferences"))
    check(got["preferences"]["pushNotifications"] is True, "preferences %r" % got.get("preferences"))
    # the answer is the updated user
    check(user_of(body)["profile"]["firstName"] == "Nadia", "answer: %s" % r.describe())
    # /api/users/me is the same endpoint (seed 001)
    expect(200, api("PUT", "/api/users/me", {"lastName": "Fathy"}, token=u["token"]))
    check(db_user(u["id"])["last_name"] == "Fathy", "PUT /api/users/me did not change lastName")
    check(db_user(u["id"])["first_name"] == "Nadia", "a partial update cleared firstName")


def test_profile_update_cannot_change_role_ban_or_verification():
    u = register_user()
    before = db_user(u["id"])
    sneaky = {"firstName": "Sneaky", "role": "admin", "isBanned": True, "is_banned": 1,
              "isVerified": True, "emailVerified": True, "phoneVerified": True,
              "isActive": False, "banReason": "x", "rating": 5, "ratingCount": 99, "id": 1,
              "email_verified": 1, "deletedAt": "2020-01-01T00:00:00.000Z"}
    for path in ("/api/users/profile", "/api/users/me"):
        r = api("PUT", path, sneaky, token=u["token"])
        check(r.status in (200, 403, 422), "PUT %s with privileged fields: %s" % (path, r.describe()))
        after = db_user(u["id"])
        for col in ("role", "is_banned", "ban_reason", "banned_at", "email_verified", "phone_verified",
                    "is_active", "deleted_at", "id", "email"):
            check(after[col] == before[col], "PUT %s changed %s: %r -> %r" % (path, col, before[col], after[col]))
        check(db_query("SELECT rating, rating_count FROM users WHERE id = %d" % u["id"])[0] == ["0.00", "0"],
              "rating changed through the profile")
    # still a customer, still allowed in, still not an admin
    expect(200, api("GET", "/api/users/profile", token=u["token"]))
    expect(403, api("GET", "/api/settings/all", token=u["token"]), "FORBIDDEN")
    me = user_of(expect(200, api("GET", "/api/users/me", token=u["token"])))
    check(me["role"] == "customer" and me.get("isBanned") is False and me.get("emailVerified") is False,
          "the profile says %r" % {k: me.get(k) for k in ("role", "isBanned", "emailVerified")})


def test_profile_update_validation():
    u = register_user()
    path = "/api/users/profile"
    cases = [
        ({"firstName": ""}, ["firstName"]),
        ({"firstName": "x" * 101}, ["firstName"]),
        ({"lastName": 42}, ["lastName"]),
        ({"carInfo": {"year": "abc"}}, ["carInfo.year"]),
        ({"carInfo": "Toyota"}, ["carInfo"]),
        ({"preferences": {"smsNotifications": "no"}}, ["preferences.smsNotifications"]),
        ({"firstName": "", "carInfo": {"year": "abc"}}, ["firstName", "carInfo.year"]),
    ]
    for bad, fields in cases:
        r = api("PUT", en(path), bad, token=u["token"])
        expect(422, r, "VALIDATION_ERROR", fields)
    check(db_user(u["id"])["first_name"] == "Test", "a refused update changed firstName")
    expect(422, api("PUT", path, [1, 2], token=u["token"]), "VALIDATION_ERROR", ["body"])
    expect(400, api("PUT", path, raw="{nope", token=u["token"], headers={"Content-Type": "application/json"}),
           "BAD_REQUEST")
    expect(415, api("PUT", path, raw="firstName=A", token=u["token"],
                    headers={"Content-Type": "application/x-www-form-urlencoded"}), "UNSUPPORTED_MEDIA_TYPE")
    expect(401, api("PUT", path, {"firstName": "A"}), "UNAUTHORIZED")


def test_profile_phone_change_validated_and_unique():
    """A phone given in the profile is validated and stored as +201...; one that
    belongs to someone else is 409 naming phone."""
    u = register_user()
    v = register_user()
    r = api("PUT", "/api/users/profile", {"phone": "12345"}, token=u["token"])
    if r.status == 200:
        # the endpoint ignores phone altogether: then nothing may have changed
        check(db_user(u["id"])["phone"] == u["phone_e164"], "phone 12345 was stored")
        return
    expect(422, r, "VALIDATION_ERROR", ["phone"])
    expect(409, api("PUT", "/api/users/profile", {"phone": v["phone"]}, token=u["token"]), "CONFLICT", ["phone"])
    check(db_user(u["id"])["phone"] == u["phone_e164"], "phone changed by a refused update")


def _profile_row(uid):
    cols = ["first_name", "last_name", "username", "avatar", "bio", "date_of_birth", "address_street",
            "address_city", "address_governorate", "car_brand", "car_model", "car_year", "latitude",
            "longitude", "phone", "phone_verified"]
    rows = db_query("SELECT %s FROM users WHERE id = %d" % (", ".join(cols), uid))
    check(rows, "no users row %d" % uid)
    return dict(zip(cols, rows[0]))


def _changes(uid, action):
    """(actor_id, from, to) of the user's activity rows of this action, oldest first."""
    return [tuple(r) for r in db_query(
        "SELECT actor_id, JSON_UNQUOTE(JSON_EXTRACT(details, '$.from')),"
        " JSON_UNQUOTE(JSON_EXTRACT(details, '$.to')) FROM activity_log"
        " WHERE target_type = 'user' AND target_id = '%d' AND action = '%s' ORDER BY id"
        % (uid, action))]


def test_profile_nested_twins_and_profile_picture():
    """GET shows names, avatar, address… under "profile": PUT takes them from there too.
    A top-level key wins over its twin (an object as a whole), errors name the field
    where it was sent, and "profilePicture" is another name for avatar."""
    u = register_user()
    put = lambda b: api("PUT", en("/api/users/profile"), b, token=u["token"])
    expect(200, put({"profile": {"firstName": "Nested", "address": {"city": "Tanta"}}}))
    row = _profile_row(u["id"])
    check(row["first_name"] == "Nested" and row["address_city"] == "Tanta", "nested PUT: %r" % row)
    expect(200, put({"firstName": "Top", "profile": {"firstName": "Lower", "lastName": "Low"}}))
    row = _profile_row(u["id"])
    check(row["first_name"] == "Top" and row["last_name"] == "Low", "top over nested: %r" % row)
    expect(200, put({"address": {"street": "1 Nile St"}, "profile": {"address": {"city": "Ignored"}}}))
    row = _profile_row(u["id"])
    check(row["address_street"] == "1 Nile St" and row["address_city"] == "Tanta",
          "the top-level address wins as a whole: %r" % row)
    expect(422, put({"profile": {"firstName": ""}}), "VALIDATION_ERROR", ["profile.firstName"])
    expect(422, put({"profile": {"address": {"city": 5}}}), "VALIDATION_ERROR", ["profile.address.city"])
    expect(422, put({"profile": "x"}), "VALIDATION_ERROR", ["profile"])
    expect(200, put({"profilePicture": "https://cdn.example.com/a.png"}))
    check(_profile_row(u["id"])["avatar"] == "https://cdn.example.com/a.png", "profilePicture not stored")
    expect(200, put({"avatar": "/uploads/b.png", "profilePicture": "https://cdn.example.com/c.png"}))
    check(_profile_row(u["id"])["avatar"] == "/uploads/b.png", "avatar did not win over profilePicture")
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example/x.png", "https://"):
        expect(422, put({"avatar": bad}), "VALIDATION_ERROR", ["avatar"])
    check(_profile_row(u["id"])["avatar"] == "/uploads/b.png", "a refused avatar was stored")


def test_profile_null_objects_and_blank_text_clear():
    u = register_user()
    put = lambda b: api("PUT", en("/api/users/profile"), b, token=u["token"])
    expect(200, put({"firstName": "  Padded  ", "bio": "Hello",
                     "address": {"street": "2 Road", "city": "Giza", "governorate": "Giza"},
                     "carInfo": {"brand": "Kia", "model": "Rio", "year": 2020},
                     "location": {"latitude": 30.0444, "longitude": 31.2357}}))
    row = _profile_row(u["id"])
    check(row["first_name"] == "Padded", "names are trimmed: %r" % row["first_name"])
    check((row["address_governorate"], row["car_year"], row["latitude"], row["longitude"]) ==
          ("GZ", "2020", "30.044400", "31.235700"), "stored %r" % row)
    expect(200, put({"bio": "   ", "address": None, "carInfo": None, "location": None}))
    row = _profile_row(u["id"])
    for col in ("bio", "address_street", "address_city", "address_governorate", "car_brand", "car_model",
                "car_year", "latitude", "longitude"):
        check(row[col] is None, "%s not cleared: %r" % (col, row[col]))
    check(row["first_name"] == "Padded", "a clearing update touched firstName")
    expect(200, put({"carInfo": {"brand": ""}}))
    check(_profile_row(u["id"])["car_brand"] is None, "an empty string was stored")
    expect(422, put({"firstName": "   "}), "VALIDATION_ERROR", {"firstName": "REQUIRED"})
    expect(422, put({"firstName": None}), "VALIDATION_ERROR", ["firstName"])
    expect(422, put({"preferences": None}), "VALIDATION_ERROR", ["preferences"])


def test_profile_governorate_by_code_or_name():
    u = register_user()
    put = lambda b: api("PUT", en("/api/users/profile"), b, token=u["token"])
    for given in ("GZ", "gz", "EG-GZ", " Giza ", "giza", "الجيزة"):
        expect(200, put({"address": {"governorate": "C"}}))
        expect(200, put({"address": {"governorate": given}}))
        check(_profile_row(u["id"])["address_governorate"] == "GZ", "governorate %r stored as %r"
              % (given, _profile_row(u["id"])["address_governorate"]))
    expect(200, put({"profile": {"address": {"governorate": "Cairo"}}}))
    check(_profile_row(u["id"])["address_governorate"] == "C", "a nested governorate was not stored")
    for bad in ("Atlantis", "EG-", "EG-XX", "ZZ"):
        expect(422, put({"address": {"governorate": bad}}), "VALIDATION_ERROR", ["address.governorate"])
    expect(422, put({"profile": {"address": {"governorate": "Atlantis"}}}), "VALIDATION_ERROR",
           ["profile.address.governorate"])
    check(_profile_row(u["id"])["address_governorate"] == "C", "a refused governorate was stored")
    expect(200, put({"address": {"governorate": ""}}))
    check(_profile_row(u["id"])["address_governorate"] is None, "an empty governorate did not clear it")


def test_profile_location_dates_and_years():
    u = register_user()
    put = lambda b: api("PUT", en("/api/users/profile"), b, token=u["token"])
    # a location is a point: both coordinates or neither
    expect(422, put({"location": {"latitude": 30.1}}), "VALIDATION_ERROR", ["location.longitude"])
    expect(422, put({"location": {"longitude": 31.1}}), "VALIDATION_ERROR", ["location.latitude"])
    expect(200, put({"location": {"latitude": 30.1, "longitude": 31.1}}))
    expect(200, put({"location": {"latitude": -29.5}}))   # the longitude is kept
    row = _profile_row(u["id"])
    check((row["latitude"], row["longitude"]) == ("-29.500000", "31.100000"), "location %r" % row)
    expect(422, put({"location": {"latitude": None}}), "VALIDATION_ERROR", ["location.latitude"])
    expect(422, put({"location": {"latitude": 91, "longitude": 0}}), "VALIDATION_ERROR", ["location.latitude"])
    year = time.gmtime().tm_year
    expect(422, put({"dateOfBirth": "%d-01-01" % (year + 1)}), "VALIDATION_ERROR",
           {"dateOfBirth": "OUT_OF_RANGE"})
    expect(422, put({"dateOfBirth": "1990-02-30"}), "VALIDATION_ERROR", ["dateOfBirth"])
    expect(200, put({"dateOfBirth": "1990-05-01", "gender": "female"}))
    check(_profile_row(u["id"])["date_of_birth"] == "1990-05-01", "dateOfBirth not stored")
    expect(422, put({"carInfo": {"year": year + 2}}), "VALIDATION_ERROR", {"carInfo.year": "OUT_OF_RANGE"})
    expect(200, put({"carInfo": {"year": year + 1}}))
    expect(422, put({"gender": "other"}), "VALIDATION_ERROR", ["gender"])


def test_profile_identifier_changes_are_audited():
    """A new phone or username is written to the activity log with the old and new
    value; a new phone is not verified; a taken one is 409 naming the field; other
    changes are not logged."""
    u = register_user()
    v = register_user()
    put = lambda b: api("PUT", en("/api/users/profile"), b, token=u["token"])
    db_query("UPDATE users SET phone_verified = 1 WHERE id = %d" % u["id"])
    expect(200, put({"firstName": "Quiet"}))
    check(_changes(u["id"], "user.phone_change") == [] and _changes(u["id"], "user.username_change") == [],
          "a name change was logged")
    expect(200, put({"phone": u["phone"]}))       # the same number: no change
    check(_profile_row(u["id"])["phone_verified"] == "1", "the same phone reset its verification")
    phone = new_phone()
    expect(200, put({"phone": phone}))
    row = _profile_row(u["id"])
    check(row["phone"] == e164(phone) and row["phone_verified"] == "0", "new phone: %r" % row)
    check(_changes(u["id"], "user.phone_change") == [(str(u["id"]), u["phone_e164"], e164(phone))],
          "phone change log %r" % _changes(u["id"], "user.phone_change"))
    name = "n%s" % uniq(10)
    expect(200, put({"username": name}))
    check(_changes(u["id"], "user.username_change") == [(str(u["id"]), u["username"], name)],
          "username change log %r" % _changes(u["id"], "user.username_change"))
    expect(409, put({"username": v["username"]}), "CONFLICT", {"username": "DUPLICATE"})
    expect(409, put({"phone": v["phone"], "firstName": "Taken"}), "CONFLICT", {"phone": "DUPLICATE"})
    row = _profile_row(u["id"])
    check(row["username"] == name and row["first_name"] == "Quiet", "a refused update wrote: %r" % row)
    expect(422, put({"username": "12345"}), "VALIDATION_ERROR", ["username"])
    check(len(_changes(u["id"], "user.username_change")) == 1, "a refused change was logged")


# ------------------------------------------------------------------ user settings (seed 002)

def test_user_settings_get_and_put():
    u = register_user()
    r = api("GET", "/api/user/settings", token=u["token"])
    body = expect(200, r)
    check(isinstance(body["data"], dict) and isinstance(body["data"].get("settings"), dict),
          "data.settings is not an object: %s" % r.describe())
    new = {"theme": "dark", "language": "en", "marketingEmails": False, "sessionTimeout": 30}
    r = api("PUT", en("/api/user/settings"), {"settings": new}, token=u["token"])
    body = expect(200, r)
    check(isinstance(body["data"].get("settings"), dict), "PUT answer has no settings: %s" % r.describe())
    got = expect(200, api("GET", "/api/user/settings", token=u["token"]))["data"]["settings"]
    for k, v in new.items():
        check(got.get(k) == v, "settings.%s = %r after PUT, expected %r" % (k, got.get(k), v))
    # another user's settings are untouched
    other = register_user()
    got2 = expect(200, api("GET", "/api/user/settings", token=other["token"]))["data"]["settings"]
    check(got2.get("theme") != "dark", "settings leaked to another user: %r" % got2)
    expect_bilingual("GET", "/api/user/settings", token=u["token"], status=200)


def test_user_settings_validation_and_auth():
    u = register_user()
    for bad in ({"settings": "dark"}, {"settings": [1]}, {"settings": None}, {"settings": 5}):
        expect(422, api("PUT", "/api/user/settings", bad, token=u["token"]), "VALIDATION_ERROR", ["settings"])
    expect(422, api("PUT", "/api/user/settings", {"settings": {"theme": "neon"}}, token=u["token"]),
           "VALIDATION_ERROR", ["settings.theme"])
    expect(422, api("PUT", "/api/user/settings", {"settings": {"sessionTimeout": "long", "showEmail": 1}},
                    token=u["token"]), "VALIDATION_ERROR", ["settings.sessionTimeout", "settings.showEmail"])
    expect(401, api("GET", "/api/user/settings"), "UNAUTHORIZED")
    expect(401, api("PUT", "/api/user/settings", {"settings": {}}), "UNAUTHORIZED")
    expect(400, api("PUT", "/api/user/settings", raw='{"settings": {', token=u["token"],
                    headers={"Content-Type": "application/json"}), "BAD_REQUEST")


def test_user_settings_top_level_keys_and_mirrored_columns():
    u = register_user()
    put = lambda b: api("PUT", en("/api/user/settings"), b, token=u["token"])
    expect(200, put({"theme": "system", "smsNotifications": False}))
    got = expect(200, api("GET", "/api/user/settings", token=u["token"]))["data"]["settings"]
    check(got["theme"] == "system" and got["smsNotifications"] is False, "top-level keys: %r" % got)
    check(db_scalar("SELECT sms_notifications FROM users WHERE id = %d" % u["id"]) == "0",
          "smsNotifications did not reach its column")
    body = expect(200, put({"settings": {"language": "en", "timezone": "Etc/GMT+2"}, "theme": "dark"}))
    got = body["data"]["settings"]
    check(got["language"] == "en" and got["timezone"] == "Etc/GMT+2" and got["theme"] == "system",
          "with settings, the top-level keys are not read: %r" % got)
    check(db_user(u["id"])["preferred_language"] == "en", "language did not reach preferred_language")
    expect(422, put({"timezone": "../etc/passwd"}), "VALIDATION_ERROR", ["timezone"])
    expect(422, put({"settings": {"timezone": "Bad Zone"}}), "VALIDATION_ERROR", ["settings.timezone"])
    expect(422, put({"sessionTimeout": 2}), "VALIDATION_ERROR", ["sessionTimeout"])
    # the profile's preferences and language show in the settings
    expect(200, api("PUT", "/api/users/profile", {"preferredLanguage": "ar",
                                                  "preferences": {"pushNotifications": False}},
                    token=u["token"]))
    got = expect(200, api("GET", "/api/user/settings", token=u["token"]))["data"]["settings"]
    check(got["language"] == "ar" and got["pushNotifications"] is False, "columns win on read: %r" % got)


# ------------------------------------------------------------------ list and one user

def test_users_list_for_staff_whole_and_others_public():
    make_user_with_role("technician")   # the directory has at least one entry
    mod = make_user_with_role("moderator")
    for who, tok in (("admin", admin_token()), ("moderator", mod["token"])):
        r = api("GET", "/api/users", token=tok)
        body = expect_list(r)
        _no_secrets(r)
        for item in body["data"]:
            check(isinstance(item.get("id"), int) and "email" in item and "role" in item,
                  "%s: list item %r" % (who, item))
    for role in ("technician", "customer", "corporate"):
        u = make_user_with_role(role)
        r = api("GET", "/api/users", token=u["token"])
        body = expect_list(r)
        _no_secrets(r)
        check(body["data"], "%s: empty directory" % role)
        for item in body["data"]:
            check(isinstance(item.get("id"), int) and item.get("role") == "technician",
                  "%s: list item %r" % (role, item))
            if item["id"] != u["id"]:
                check("email" not in item or item["email"] != u["email"], "%s: %r" % (role, item))
                check("username" not in item and "lastLogin" not in item,
                      "%s: list item is not the public view: %r" % (role, item))
    expect_list(api("GET", q("/api/users", page=2, limit=5), token=admin_token()), page=2, limit=5)
    expect_bilingual("GET", "/api/users", token=admin_token(), status=200)


def test_users_list_refused_roles():
    expect(401, api("GET", "/api/users"), "UNAUTHORIZED")
    # the others browse technicians only
    for role in ("technician", "customer", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("GET", en(q("/api/users", role="customer")), token=u["token"]),
               "FORBIDDEN")


def test_users_list_filters_and_pagination_limits():
    t = admin_token()
    u = register_user()
    body = expect_list(api("GET", q("/api/users", search=u["email"]), token=t))
    check([x["id"] for x in body["data"]] == [u["id"]], "search by email found %r" % [x["id"] for x in body["data"]])
    body = expect_list(api("GET", q("/api/users", role="technician", limit=100), token=t), limit=100)
    check(all(x["role"] == "technician" for x in body["data"]),
          "role=technician gave %r" % sorted({x["role"] for x in body["data"]}))
    body = expect_list(api("GET", q("/api/users", role="USER", limit=100), token=t), limit=100)
    check(all(x["role"] == "customer" for x in body["data"]), "role=USER (alias of customer) gave %r"
          % sorted({x["role"] for x in body["data"]}))
    for bad in ("0", "101", "abc", "-1"):
        expect(422, api("GET", q("/api/users", limit=bad), token=t), "VALIDATION_ERROR", ["limit"])
    expect(422, api("GET", q("/api/users", page="0"), token=t), "VALIDATION_ERROR", ["page"])
    expect(422, api("GET", q("/api/users", role="wizard"), token=t), "VALIDATION_ERROR", ["role"])


def test_users_get_one():
    u = register_user()
    tech = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    for tok in (admin_token(), mod["token"], u["token"]):
        r = api("GET", "/api/users/%d" % u["id"], token=tok)
        body = expect(200, r)
        _check_user(user_of(body), u, r)
        _no_secrets(r)
    # everybody else: the public view, without contact details
    for other in (tech, register_user()):
        r = api("GET", "/api/users/%d" % u["id"], token=other["token"])
        obj = user_of(expect(200, r))
        check(obj.get("id") == u["id"] and obj["profile"].get("firstName") == "Test",
              "public view: %s" % r.describe())
        check("email" not in obj and "phone" not in obj, "contact shown: %s" % r.describe())
        _no_secrets(r)
    expect(401, api("GET", "/api/users/%d" % u["id"]), "UNAUTHORIZED")
    expect(404, api("GET", en("/api/users/999999999"), token=admin_token()), "NOT_FOUND")
    for bad in ("abc", "0", "1e3", "-1", "01", "1.5", "99999999999999999999"):
        r = api("GET", en("/api/users/" + bad), token=admin_token())
        expect(404, r, "NOT_FOUND", message="Resource not found (invalid ID)")


# ------------------------------------------------------------------ role changes (admin only)

def test_set_role_by_admin():
    u = register_user()
    adm = admin_login()
    r = api("PUT", en("/api/users/%d/role" % u["id"]), {"role": "technician"}, token=adm["token"])
    body = expect(200, r)
    obj = user_of(body)
    check(isinstance(obj, dict) and obj.get("role") == "technician", "answer: %s" % r.describe())
    check(db_user(u["id"])["role"] == "technician", "DB role %r" % db_user(u["id"])["role"])
    # the change applies at once: the user's existing token now reaches technician routes
    expect(200, api("GET", "/api/users", token=u["token"]))
    # the seeds' words are accepted
    for word, role in (("USER", "customer"), ("craftsman", "technician"), ("moderator", "moderator"),
                       ("client", "customer")):
        expect(200, api("PUT", "/api/users/%d/role" % u["id"], {"role": word}, token=adm["token"]))
        check(db_user(u["id"])["role"] == role, "role %s stored as %r" % (word, db_user(u["id"])["role"]))
    rows = activity_rows("actor_id = %d AND target_id = '%d' AND action = 'user.role_change'" % (adm["id"], u["id"]))
    check(len(rows) >= 5, "activity_log has %d role-change rows for user %d" % (len(rows), u["id"]))


def test_set_role_validation_and_not_found():
    u = register_user()
    t = admin_token()
    path = "/api/users/%d/role" % u["id"]
    for bad in ({}, {"role": "superuser"}, {"role": ""}, {"role": 3}, {"role": None}, {"role": "GUEST"}):
        expect(422, api("PUT", en(path), bad, token=t), "VALIDATION_ERROR", ["role"])
    check(db_user(u["id"])["role"] == "customer", "a refused change changed the role")
    expect(404, api("PUT", "/api/users/999999999/role", {"role": "technician"}, token=t), "NOT_FOUND")
    expect(404, api("PUT", en("/api/users/abc/role"), {"role": "technician"}, token=t), "NOT_FOUND",
           message="Resource not found (invalid ID)")
    expect(400, api("PUT", path, raw="{", token=t, headers={"Content-Type": "application/json"}), "BAD_REQUEST")


def test_set_role_refused_to_non_admins():
    u = register_user()
    path = "/api/users/%d/role" % u["id"]
    expect(401, api("PUT", path, {"role": "admin"}), "UNAUTHORIZED")
    for role in ("customer", "technician", "moderator", "corporate"):
        caller = make_user_with_role(role)
        expect(403, api("PUT", path, {"role": "admin"}, token=caller["token"]), "FORBIDDEN")
        # nor on oneself
        expect(403, api("PUT", "/api/users/%d/role" % caller["id"], {"role": "admin"}, token=caller["token"]),
               "FORBIDDEN")
        check(db_user(caller["id"])["role"] == role, "%s changed its own role" % role)
    check(db_user(u["id"])["role"] == "customer", "the role changed")


def test_admin_cannot_change_own_role_or_delete_self():
    """At least one admin always remains: an admin's own role change or deletion is a
    state change not allowed on oneself (409)."""
    adm = make_user_with_role("admin")
    r = api("PUT", en("/api/users/%d/role" % adm["id"]), {"role": "customer"}, token=adm["token"])
    expect(409, r, "CONFLICT")
    expect(409, api("DELETE", "/api/users/%d" % adm["id"], token=adm["token"]), "CONFLICT")
    row = db_user(adm["id"])
    check(row["role"] == "admin" and row["deleted_at"] is None, "self change went through: %r" % row)
    # another admin may do it
    expect(200, set_role(adm["id"], "moderator"))
    check(db_user(adm["id"])["role"] == "moderator", "demotion by a peer failed")


# ------------------------------------------------------------------ deletion (admin only)

def test_delete_user_anonymizes_and_ends_sessions():
    u = register_user()
    adm = admin_login()
    r = api("DELETE", en("/api/users/%d" % u["id"]), token=adm["token"])
    expect(200, r)
    row = db_user(u["id"])
    check(row["deleted_at"] is not None, "deleted_at not set")
    check(row["email"].startswith("deleted-") and row["email"] != u["email"], "email kept: %r" % row["email"])
    check(row["phone"] is None, "phone kept: %r" % row["phone"])
    check(row["username"] != u["username"], "username kept: %r" % row["username"])
    # the deleted user's tokens stop working, and so does the password
    expect(401, api("GET", "/api/auth/me", token=u["token"]))
    expect(401, api("POST", "/api/auth/refresh-token", {"refreshToken": u["refresh"]}))
    expect(401, login(u["email"], u["password"]), "UNAUTHORIZED", reason="INVALID_CREDENTIALS")
    live = db_query("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = %d AND revoked_at IS NULL" % u["id"])
    check(live[0][0] == "0", "%s refresh tokens still live" % live[0][0])
    # gone from the API
    expect(404, api("GET", "/api/users/%d" % u["id"], token=adm["token"]), "NOT_FOUND")
    expect(404, api("DELETE", "/api/users/%d" % u["id"], token=adm["token"]), "NOT_FOUND")
    body = expect_list(api("GET", q("/api/users", search=u["email"]), token=adm["token"]))
    check(body["data"] == [], "deleted user still listed")
    # the email and phone are free again
    again = register_user(email=u["email"], phone=u["phone"], username=u["username"])
    check(again["id"] != u["id"], "same id")
    rows = activity_rows("actor_id = %d AND target_id = '%d' AND action = 'user.delete'" % (adm["id"], u["id"]))
    check(rows, "no activity_log row for the deletion")


def test_delete_user_refused_to_non_admins():
    u = register_user()
    path = "/api/users/%d" % u["id"]
    expect(401, api("DELETE", path), "UNAUTHORIZED")
    for role in ("customer", "technician", "moderator", "corporate"):
        caller = make_user_with_role(role)
        expect(403, api("DELETE", path, token=caller["token"]), "FORBIDDEN")
    check(db_user(u["id"])["deleted_at"] is None, "deleted by a non-admin")
    expect(404, api("DELETE", en("/api/users/abc"), token=admin_token()), "NOT_FOUND",
           message="Resource not found (invalid ID)")
    expect(404, api("DELETE", "/api/users/999999999", token=admin_token()), "NOT_FOUND")


# ------------------------------------------------------------------ concurrent writes

def test_concurrent_profile_updates_never_mix():
    """Two updates of one profile at once run one after the other: each answers 200 (or
    409/503 and writes nothing), and the row holds one body whole, never half of each;
    the username log is a chain of the changes that happened."""
    for _ in range(4):
        u = register_user()
        tag = uniq(6)
        bodies = [{"firstName": side + tag, "lastName": side + "Last", "bio": "bio " + side,
                   "username": "%s_%s" % (side.lower(), tag), "address": {"city": side + "City"},
                   "carInfo": {"brand": side + "Brand", "year": 2001 if side == "A" else 2002}}
                  for side in ("A", "B")]
        rs = at_once(*[lambda b=b: api("PUT", en("/api/users/profile"), b, token=u["token"])
                        for b in bodies])
        for r in rs:
            check(r.status in (200, 409, 503), "concurrent profile update: %s" % r.describe())
        ok = [b for b, r in zip(bodies, rs) if r.status == 200]
        check(ok, "neither concurrent update went through: %s" % [r.describe() for r in rs])
        row = _profile_row(u["id"])
        got = (row["first_name"], row["last_name"], row["bio"], row["username"], row["address_city"],
               row["car_brand"], row["car_year"])
        whole = [(b["firstName"], b["lastName"], b["bio"], b["username"], b["address"]["city"],
                  b["carInfo"]["brand"], str(b["carInfo"]["year"])) for b in ok]
        check(got in whole, "the row mixes the bodies: %r, sent %r" % (got, whole))
        log = _changes(u["id"], "user.username_change")
        check(len(log) == len(ok), "%d updates went through, %d username changes logged: %r"
              % (len(ok), len(log), log))
        check(log[0][1] == u["username"] and log[-1][2] == row["username"] and
              all(log[i][2] == log[i + 1][1] for i in range(len(log) - 1)),
              "the username log is not the chain of changes: %r (now %s)" % (log, row["username"]))


def test_concurrent_disjoint_profile_updates_both_land():
    """One client changes the first name while another changes the last name: with
    the row locked for each update, neither change is lost."""
    for _ in range(4):
        u = register_user()
        rs = at_once(lambda: api("PUT", "/api/users/profile", {"firstName": "OnlyFirst"}, token=u["token"]),
                      lambda: api("PUT", "/api/users/profile", {"lastName": "OnlyLast"}, token=u["token"]))
        for r in rs:
            check(r.status in (200, 503), "concurrent profile update: %s" % r.describe())
        row = _profile_row(u["id"])
        want = ("OnlyFirst" if rs[0].status == 200 else "Test", "OnlyLast" if rs[1].status == 200 else "User")
        check((row["first_name"], row["last_name"]) == want, "lost update: row %r, answers %s, %s"
              % ((row["first_name"], row["last_name"]), rs[0].status, rs[1].status))


def test_concurrent_role_changes_by_two_admins():
    """Two admins set one user's role at once: the row ends in one of the two roles,
    and the activity log holds exactly the changes that happened, in order."""
    first = admin_login()
    second = make_user_with_role("admin")
    for _ in range(4):
        u = register_user()
        asks = [(first, "technician"), (second, "moderator")]
        rs = at_once(*[lambda a=a, role=role: api("PUT", "/api/users/%d/role" % u["id"], {"role": role},
                                                   token=a["token"]) for a, role in asks])
        for r in rs:
            check(r.status in (200, 503), "concurrent role change: %s" % r.describe())
        done = [(a, role) for (a, role), r in zip(asks, rs) if r.status == 200]
        check(done, "neither role change went through: %s" % [r.describe() for r in rs])
        role = db_user(u["id"])["role"]
        check(role in [x[1] for x in done], "role %r after changes to %r" % (role, [x[1] for x in done]))
        log = _changes(u["id"], "user.role_change")
        check(len(log) == len(done), "%d changes went through, %d logged: %r" % (len(done), len(log), log))
        check(log[0][1] == "customer" and log[-1][2] == role and
              all(log[i][2] == log[i + 1][1] for i in range(len(log) - 1)),
              "the log is not the chain of changes: %r (now %s)" % (log, role))
        check(sorted((int(x[0]), x[2]) for x in log) == sorted((a["id"], r) for a, r in done),
              "the log names other actors or roles: %r" % log)
        for r in rs:
            if r.status == 200:
                check(user_of(r.body)["role"] in ("technician", "moderator"), "answer %s" % r.describe())


run(globals())
