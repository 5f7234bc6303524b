"""/api/settings (seed 000 System Settings): public settings for everybody, all of them
and changes for admins only (routes.c: ROLE_ADMIN; moderators are refused too)."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, expect, expect_bilingual, check, admin_login, admin_token,
                         login, register_user,
                         make_user_with_role, db_query, db_count, sql_str, activity_rows, uniq, run)

CACHE_DELAY = 2.2


def _db_settings(public=None):
    where = "" if public is None else " WHERE is_public = %d" % public
    return {r[0]: json.loads(r[1]) for r in db_query("SELECT `key`, value FROM settings" + where)}


def _new_key():
    return "qa_test.key_%s" % uniq(10)


def _create(key=None, value=None, public=False, token=None):
    key = key or _new_key()
    body = {"key": key, "value": value if value is not None else {"n": 1}, "isPublic": public,
            "descriptionAr": "إعداد للاختبار", "descriptionEn": "A setting made by the tests"}
    r = api("POST", "/api/settings", body, token=token or admin_token())
    expect(201, r)
    return key, r


def _all_items(token):
    r = api("GET", "/api/settings/all", token=token)
    body = expect(200, r)
    d = body["data"]
    items = d if isinstance(d, list) else d.get("settings")
    check(isinstance(items, list), "data of /all is not a list: %s" % r.describe())
    return {s["key"]: s for s in items}


def test_public_list_has_no_private_keys():
    r = api("GET", "/api/settings")
    body = expect(200, r)
    data = body["data"]
    pub = data.get("settings") if isinstance(data.get("settings"), dict) else data
    check(isinstance(pub, dict), "public settings are not an object: %s" % r.describe())
    # the public rows, and the facts of the code served beside them (docs/settings.md)
    want = dict(_db_settings(public=1), currency="EGP", timezone="Africa/Cairo",
                supported_languages=["ar", "en"])
    private = set(_db_settings(public=0))
    check(private, "the seed has no private settings to hide")
    leaked = private & set(pub)
    check(not leaked, "private settings in the public list: %s" % sorted(leaked))
    check(set(pub) == set(want), "public keys %s differ from the database's %s" % (sorted(pub), sorted(want)))
    for k, v in want.items():
        check(pub[k] == v, "setting %s = %r, database %r" % (k, pub[k], v))
    text = r.raw.decode()
    for k in private:
        check('"%s"' % k not in text, "private key %s appears in the public answer" % k)
    expect_bilingual("GET", "/api/settings", status=200)
    check(expect(200, api("GET", "/api/v1/settings"))["data"] == data, "/api/v1/settings differs")


def test_all_settings_admin_only():
    items = _all_items(admin_token())
    check(set(items) == set(_db_settings()), "/all lacks keys: %s" % sorted(set(_db_settings()) - set(items)))
    for s in items.values():
        check("value" in s and isinstance(s.get("isPublic"), bool), "setting %r" % s)
    expect(401, api("GET", "/api/settings/all"), "UNAUTHORIZED")
    for role in ("customer", "technician", "moderator", "corporate"):
        u = make_user_with_role(role)
        r = api("GET", en("/api/settings/all"), token=u["token"])
        body = expect(403, r, "FORBIDDEN")
        check("data" not in body, "a refusal carries data: %s" % r.describe())
    expect_bilingual("GET", "/api/settings/all", token=admin_token(), status=200)


def test_create_setting():
    adm = admin_login()
    key, r = _create(value={"a": [1, 2, "x"], "b": None}, public=False)
    body = r.body
    s = body["data"].get("setting", body["data"])
    check(s["key"] == key and s["value"] == {"a": [1, 2, "x"], "b": None} and s["isPublic"] is False,
          "create answer %r" % s)
    check(db_count("settings", "`key` = %s" % sql_str(key)) == 1, "no row")
    check(key in _all_items(adm["token"]), "new key not in /all")
    check(activity_rows("action = 'setting.create' AND actor_id = %d AND details LIKE %s"
                        % (adm["id"], sql_str("%" + key + "%"))), "no activity_log setting.create row")
    # every JSON type round-trips
    for v in ("text", 42, 3.5, True, [1, "a"], {"x": {"y": "ع"}}):
        k, r = _create(value=v)
        got = r.body["data"].get("setting", r.body["data"])["value"]
        check(got == v, "value %r came back as %r" % (v, got))
    k = _new_key()
    r = api("POST", "/api/settings", {"key": k, "value": None}, token=adm["token"])
    check(expect(201, r)["data"]["value"] is None, "null value: %s" % r.describe())


def test_create_public_setting_shows_in_public_list():
    for _ in range(12):
        expect(200, api("GET", "/api/settings"))      # every worker caches the list
    key, _ = _create(value="hello", public=True)
    key2, _ = _create(value="secret", public=False)
    time.sleep(CACHE_DELAY)
    for i in range(16):
        pub = expect(200, api("GET", "/api/settings"))["data"]
        pub = pub.get("settings", pub) if isinstance(pub.get("settings"), dict) else pub
        check(pub.get(key) == "hello", "public setting %s missing from request %d after %.1f s" % (key, i + 1, CACHE_DELAY))
        check(key2 not in pub, "private setting %s in the public list" % key2)


def test_create_setting_validation_and_duplicates():
    t = admin_token()
    expect(422, api("POST", en("/api/settings"), {}, token=t), "VALIDATION_ERROR", {"key": "REQUIRED", "value": "REQUIRED"})
    expect(422, api("POST", "/api/settings", {"key": _new_key()}, token=t), "VALIDATION_ERROR", ["value"])
    for bad in ("Bad Key!", "UPPER", "1starts_with_digit", "has space", "semi;colon", "x" * 101, "", "ключ", "a-b"):
        expect(422, api("POST", "/api/settings", {"key": bad, "value": 1}, token=t), "VALIDATION_ERROR", ["key"])
        check(db_count("settings", "`key` = %s" % sql_str(bad)) == 0, "bad key %r written" % bad)
    expect(422, api("POST", "/api/settings", {"key": 5, "value": 1}, token=t), "VALIDATION_ERROR", ["key"])
    expect(422, api("POST", "/api/settings", {"key": _new_key(), "value": 1, "isPublic": "yes"}, token=t),
           "VALIDATION_ERROR", ["isPublic"])
    expect(422, api("POST", "/api/settings", {"key": _new_key(), "value": 1, "descriptionEn": "x" * 501}, token=t),
           "VALIDATION_ERROR", ["descriptionEn"])
    key, _ = _create()
    r = api("POST", en("/api/settings"), {"key": key, "value": 2}, token=t)
    expect(409, r, "CONFLICT", {"key": "DUPLICATE"})
    # a seeded key is taken too, and so is a fact of the code
    expect(409, api("POST", "/api/settings", {"key": "app_name", "value": {"ar": "س", "en": "X"}}, token=t),
           "CONFLICT", ["key"])
    check(_db_settings()["app_name"]["en"] != "X", "the duplicate changed app_name")
    expect(409, api("POST", "/api/settings", {"key": "currency", "value": "USD"}, token=t), "CONFLICT", ["key"])
    check("currency" not in _db_settings(), "a fact of the code became a setting")
    expect(400, api("POST", "/api/settings", raw='{"key": "a", "value": }', token=t,
                    headers={"Content-Type": "application/json"}), "BAD_REQUEST")
    expect(415, api("POST", "/api/settings", raw='{"key":"a","value":1}', token=t,
                    headers={"Content-Type": "text/json"}), "UNSUPPORTED_MEDIA_TYPE")


def test_create_setting_refused_roles():
    k = _new_key()
    expect(401, api("POST", "/api/settings", {"key": k, "value": 1}), "UNAUTHORIZED")
    for role in ("customer", "technician", "moderator", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("POST", "/api/settings", {"key": k, "value": 1}, token=u["token"]), "FORBIDDEN")
    check(db_count("settings", "`key` = %s" % sql_str(k)) == 0, "a refused create wrote a row")


def test_update_setting():
    adm = admin_login()
    key, _ = _create(value=1, public=True)
    for _ in range(12):
        expect(200, api("GET", "/api/settings"))
    r = api("PUT", en("/api/settings/" + key), {"value": {"changed": True}}, token=adm["token"])
    body = expect(200, r)
    s = body["data"].get("setting", body["data"])
    check(s["key"] == key and s["value"] == {"changed": True}, "update answer %r" % s)
    check(_db_settings()[key] == {"changed": True}, "DB value not changed")
    check(_all_items(adm["token"])[key]["value"] == {"changed": True}, "/all shows the old value")
    check(activity_rows("action = 'setting.update' AND actor_id = %d AND details LIKE '%%changed%%'" % adm["id"]),
          "no activity_log setting.update row")
    time.sleep(CACHE_DELAY)
    for i in range(16):
        pub = expect(200, api("GET", "/api/settings"))["data"]
        pub = pub.get("settings", pub) if isinstance(pub.get("settings"), dict) else pub
        check(pub.get(key) == {"changed": True}, "public list request %d still shows %r" % (i + 1, pub.get(key)))
    # null is a value
    expect(200, api("PUT", "/api/settings/" + key, {"value": None}, token=adm["token"]))
    check(_db_settings()[key] is None, "null not stored")


def test_update_setting_errors():
    t = admin_token()
    key, _ = _create(value="keep")
    expect(422, api("PUT", en("/api/settings/" + key), {}, token=t), "VALIDATION_ERROR", {"value": "REQUIRED"})
    expect(422, api("PUT", "/api/settings/" + key, {"val": 1}, token=t), "VALIDATION_ERROR", ["value"])
    expect(422, api("PUT", "/api/settings/" + key, [1], token=t), "VALIDATION_ERROR", ["body"])
    expect(404, api("PUT", "/api/settings/" + _new_key(), {"value": 1}, token=t), "NOT_FOUND")
    expect(404, api("PUT", "/api/settings/Bad%20Key", {"value": 1}, token=t), "NOT_FOUND")
    expect(400, api("PUT", "/api/settings/" + key, raw="{", token=t, headers={"Content-Type": "application/json"}),
           "BAD_REQUEST")
    expect(401, api("PUT", "/api/settings/" + key, {"value": 2}), "UNAUTHORIZED")
    for role in ("customer", "technician", "moderator", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("PUT", "/api/settings/" + key, {"value": "hacked"}, token=u["token"]), "FORBIDDEN")
    check(_db_settings()[key] == "keep", "a refused update changed the value")


def test_update_activity_details_hold_the_declared_change():
    """The log of a change names the setting and its value before and after; nothing
    else of the body (the raw body used to be logged)."""
    adm = admin_login()
    key, _ = _create(value={"n": 1}, public=False)
    body = {"value": [5, "five"], "isPublic": True, "key": "other.key", "note": "not a field"}
    expect(200, api("PUT", "/api/settings/" + key, body, token=adm["token"]))
    rows = db_query("SELECT details FROM activity_log WHERE action = 'setting.update' AND actor_id = %d"
                    " AND JSON_VALUE(details, '$.key') = %s ORDER BY id DESC LIMIT 1" % (adm["id"], sql_str(key)))
    check(rows, "no setting.update row for %s" % key)
    d = json.loads(rows[0][0])
    check(d == {"key": key, "value": {"from": {"n": 1}, "to": [5, "five"]}}, "details %r" % d)
    check(_all_items(adm["token"])[key]["isPublic"] is False, "an undeclared isPublic changed the setting")
    # the same value again: the setting is named, no change is
    expect(200, api("PUT", "/api/settings/" + key, {"value": [5, "five"]}, token=adm["token"]))
    rows = db_query("SELECT details FROM activity_log WHERE action = 'setting.update' AND actor_id = %d"
                    " AND JSON_VALUE(details, '$.key') = %s ORDER BY id DESC LIMIT 1" % (adm["id"], sql_str(key)))
    check(json.loads(rows[0][0]) == {"key": key}, "an unchanged value logged %s" % rows[0][0])
    # a create logs the declared fields it was given, nothing else
    k = _new_key()
    expect(201, api("POST", "/api/settings", {"key": k, "value": 7, "isPublic": True, "secret": "x"},
                    token=adm["token"]))
    rows = db_query("SELECT details FROM activity_log WHERE action = 'setting.create'"
                    " AND JSON_VALUE(details, '$.key') = %s" % sql_str(k))
    check(rows and json.loads(rows[0][0]) == {"key": k, "value": 7, "isPublic": True},
          "create details %r" % (rows and rows[0][0]))


run(globals())
