"""/api/services: the bilingual catalog (seed 000 Services, seed 001 §5.10 write access).

Reads are public and cached per worker; a write bumps the cache version, so every worker
shows it within about two seconds (the version is checked at most once a second).
Writes are for admins and moderators."""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, q, expect, expect_list, expect_bilingual, check, admin_login,
                         admin_token, make_user_with_role, register_user, db_count, db_query,
                         db_scalar, sql_str, activity_rows, uniq, run)

CACHE_DELAY = 2.2     # the design's "within ~2 s", plus a little scheduling slack


def arabic_word(n=8):
    """A random Arabic word (letters alef..dad), unique enough to search for."""
    h = uniq(n)
    return "".join(chr(0x627 + int(c, 16)) for c in h)


def svc_body(**over):
    tag = uniq(10)
    b = {"nameAr": "خدمة اختبار " + arabic_word(), "nameEn": "QA Service " + tag,
         "descriptionAr": "وصف خدمة للاختبار", "descriptionEn": "A service made by the API tests",
         "category": "plumbing", "subCategory": "pipes", "duration": 45,
         "price": {"basePrice": 15000},
         "availability": {"isActive": True, "workingHours": {"start": "09:00", "end": "17:00"},
                          "workingDays": ["saturday", "sunday"], "emergencyAvailable": False},
         "requirements": {"requiresApproval": True, "adminApprovalOnly": False},
         "media": {"images": ["https://img.example/a.png"], "icon": "faucet"},
         "tags": ["qa", tag], "isPopular": False, "sortOrder": 500}
    b.update(over)
    return b


def svc_of(body):
    d = body.get("data")
    if isinstance(d, dict) and isinstance(d.get("service"), dict):
        return d["service"]
    return d


def create(token=None, **over):
    b = svc_body(**over)
    r = api("POST", "/api/services", b, token=token or admin_token())
    s = svc_of(expect(201, r))
    check(isinstance(s, dict) and isinstance(s.get("id"), int), "create answer: %s" % r.describe())
    return s, b


def all_services(path="/api/services", **params):
    items, page = [], 1
    while True:
        body = expect_list(api("GET", q(path, page=page, limit=100, **params)), page=page, limit=100)
        items += body["data"]
        if page >= body["pagination"]["totalPages"]:
            check(len(items) == body["pagination"]["totalItems"],
                  "pages hold %d items, totalItems %d" % (len(items), body["pagination"]["totalItems"]))
            return items
        page += 1


def listed(sid, path="/api/services", **params):
    body = expect_list(api("GET", q(path, limit=100, **params)), limit=100)
    return [s for s in body["data"] if s["id"] == sid]


def settle(check_fn, what, repeat=16):
    """After a write: wait CACHE_DELAY, then every one of `repeat` requests (spread over
    the workers) must see the change."""
    time.sleep(CACHE_DELAY)
    for i in range(repeat):
        check(check_fn(), "%s: request %d of %d after %.1f s still shows the old catalog"
              % (what, i + 1, repeat, CACHE_DELAY))


# ------------------------------------------------------------------ reads

def test_list_shape_and_pagination():
    r = api("GET", "/api/services")
    body = expect_list(r)
    check(body["data"], "the seeded catalog is empty")
    for s in body["data"]:
        for k in ("id", "nameAr", "nameEn", "descriptionAr", "descriptionEn", "category", "price",
                  "availability", "isPopular", "sortOrder", "createdAt"):
            check(k in s, "service lacks %s: %r" % (k, s))
        check(isinstance(s["price"]["basePrice"], int) and s["price"]["currency"] == "EGP", "price %r" % s["price"])
        check(s["availability"]["isActive"] is True, "an inactive service is listed: %r" % s["id"])
        check(s["createdAt"].endswith("Z") and "." in s["createdAt"], "time format %r" % s["createdAt"])
    p2 = expect_list(api("GET", q("/api/services", page=2, limit=3)), page=2, limit=3)
    p1 = expect_list(api("GET", q("/api/services", page=1, limit=3)), page=1, limit=3)
    check(not ({s["id"] for s in p1["data"]} & {s["id"] for s in p2["data"]}), "pages overlap")
    far = expect_list(api("GET", q("/api/services", page=100000)), page=100000)
    check(far["data"] == [], "a page past the end has items")
    # /api/v1 is an alias
    v1 = expect_list(api("GET", "/api/v1/services"))
    check([s["id"] for s in v1["data"]] == [s["id"] for s in body["data"]], "/api/v1/services differs")


def test_list_bilingual():
    expect_bilingual("GET", "/api/services", status=200)
    expect_bilingual("GET", "/api/services/categories", status=200)
    expect_bilingual("GET", "/api/services/emergency", status=200)
    expect_bilingual("GET", q("/api/services", limit=0), status=422)


def test_list_pagination_limits_422():
    for bad in ("0", "101", "abc", "-1", "1.5", "1e2", " 5"):
        r = api("GET", q("/api/services", limit=bad))
        expect(422, r, "VALIDATION_ERROR", ["limit"])
    for bad in ("0", "-2", "x"):
        expect(422, api("GET", q("/api/services", page=bad)), "VALIDATION_ERROR", ["page"])
    expect_list(api("GET", q("/api/services", limit=100)), limit=100)
    expect_list(api("GET", q("/api/services", limit=1)), limit=1)
    for bad in ("0", "101", "abc"):
        expect(422, api("GET", q("/api/services/emergency", limit=bad)), "VALIDATION_ERROR", ["limit"])


def test_list_category_filter():
    items = all_services(category="emergency")
    check(items, "no emergency-category services")
    check(all(s["category"] == "emergency" for s in items), "category filter leaks %r" %
          sorted({s["category"] for s in items}))
    body = expect_list(api("GET", q("/api/services", category="no_such_category")))
    check(body["data"] == [] and body["pagination"]["totalItems"] == 0, "unknown category lists services")


def test_list_is_popular_filter():
    pop = all_services(isPopular="true")
    notpop = all_services(isPopular="false")
    check(pop and all(s["isPopular"] is True for s in pop), "isPopular=true gave a non-popular service")
    check(all(s["isPopular"] is False for s in notpop), "isPopular=false gave a popular service")
    total = expect_list(api("GET", "/api/services"))["pagination"]["totalItems"]
    check(len(pop) + len(notpop) == total, "true %d + false %d != all %d" % (len(pop), len(notpop), total))
    for bad in ("yes", "1", "TRUE", "null", "true%20"):
        expect(422, api("GET", "/api/services?isPopular=" + bad), "VALIDATION_ERROR", ["isPopular"])


def test_list_query_is_declared():
    """Every query parameter of the lists is declared: a value it refuses is 422 naming
    it, never silently dropped (a too-long category used to list every service)."""
    for path in ("/api/services", "/api/services/emergency"):
        r = api("GET", en(q(path, category="x" * 41)))
        expect(422, r, "VALIDATION_ERROR", {"category": "TOO_LONG"})
        expect(422, api("GET", q(path, category="plumbing" + "x" * 40)), "VALIDATION_ERROR", ["category"])
        body = expect_list(api("GET", q(path, category="x" * 40)), limit=100 if "emergency" in path else 10)
        check(body["data"] == [] and body["pagination"]["totalItems"] == 0, "a 40-character category lists services")
        expect(422, api("GET", q(path, isPopular="maybe")), "VALIDATION_ERROR", {"isPopular": "INVALID_VALUE"})
        expect(422, api("GET", q(path, search="s" * 101, category="y" * 41, limit=0)), "VALIDATION_ERROR",
               ["search", "category", "limit"])
    # an empty value is no filter; a parameter the list does not have is not read
    a = expect_list(api("GET", q("/api/services", category="", search="", isPopular="", limit=100)), limit=100)
    b = expect_list(api("GET", q("/api/services", limit=100, sort="-price", role="admin")), limit=100)
    check([s["id"] for s in a["data"]] == [s["id"] for s in b["data"]], "empty filters changed the list")


def test_list_search_arabic_and_english():
    word_ar = arabic_word(10)
    tag = uniq(12)
    s, b = create(nameAr="خدمة " + word_ar, nameEn="Search Probe " + tag)
    time.sleep(CACHE_DELAY)
    # words or the starts of words (FULLTEXT, docs/search.md)
    for term in (word_ar, "Search Probe " + tag, tag.upper(), tag[:7]):
        found = listed(s["id"], search=term)
        check(found, "search %r does not find service %d" % (term, s["id"]))
        body = expect_list(api("GET", q("/api/services", search=term)))
        check(all(x["id"] == s["id"] for x in body["data"]), "search %r finds others too" % term)
    # the seeded catalog by its Arabic and English words
    for term in ("بطارية", "Battery"):
        body = expect_list(api("GET", q("/api/services", search=term, limit=100)), limit=100)
        check(body["data"], "search %r finds nothing" % term)
    # punctuation is neither a wildcard nor an operator: it is not searched (FULLTEXT,
    # docs/search.md)
    check([x["id"] for x in expect_list(api("GET", q("/api/services", search="%%" + tag)))["data"]]
          == [s["id"]], "search %%%%tag")
    for term in ("%", "_", "\\"):
        body = expect_list(api("GET", q("/api/services", search=term)))
        check(not any(x["id"] == s["id"] for x in body["data"]) or term in s["nameEn"],
              "search %r matched as a wildcard" % term)
    body = expect_list(api("GET", q("/api/services", search="%")))
    check(body["pagination"]["totalItems"] < expect_list(api("GET", "/api/services"))["pagination"]["totalItems"],
          "search=%% matches everything")
    expect(422, api("GET", q("/api/services", search="x" * 101)), "VALIDATION_ERROR", ["search"])


def test_list_order_popular_first_then_sort_order():
    items = all_services()
    keys = [(0 if s["isPopular"] else 1, s["sortOrder"], s["id"]) for s in items]
    check(keys == sorted(keys), "order is not popular first, then sortOrder: %r" %
          [(s["id"], s["isPopular"], s["sortOrder"]) for s in items][:30])
    seen_unpopular = False
    for s in items:
        seen_unpopular |= not s["isPopular"]
        check(not (seen_unpopular and s["isPopular"]), "popular service %d after an unpopular one" % s["id"])


def test_emergency_lists_only_emergency_services():
    r = api("GET", "/api/services/emergency")
    body = expect_list(r, limit=100)
    em = all_services("/api/services/emergency")
    check(em, "no emergency services")
    for s in em:
        check(s["availability"]["emergencyAvailable"] is True or s["category"] == "emergency",
              "service %d is not an emergency one" % s["id"])
    want = {s["id"] for s in all_services()
            if s["availability"]["emergencyAvailable"] or s["category"] == "emergency"}
    check({s["id"] for s in em} == want, "emergency list differs from the emergency services of the catalog")
    # a plain service is not in it, an emergency one is
    plain, _ = create()
    urgent, _ = create(availability={"emergencyAvailable": True})
    time.sleep(CACHE_DELAY)
    ids = {s["id"] for s in all_services("/api/services/emergency")}
    check(urgent["id"] in ids and plain["id"] not in ids, "emergency list: plain %s, urgent %s" %
          (plain["id"] in ids, urgent["id"] in ids))


def test_categories_with_counts():
    r = api("GET", "/api/services/categories")
    body = expect(200, r)
    cats = body["data"] if isinstance(body["data"], list) else body["data"].get("categories")
    check(isinstance(cats, list) and cats, "no categories: %s" % r.describe())
    keys = {c["key"] for c in cats}
    for k in ("mobile_workshop", "emergency", "regular_maintenance", "periodic_maintenance", "plumbing"):
        check(k in keys, "category %s missing" % k)
    for c in cats:
        check(c.get("nameAr") and c.get("nameEn") and isinstance(c.get("servicesCount"), int), "category %r" % c)
        n = expect_list(api("GET", q("/api/services", category=c["key"])))["pagination"]["totalItems"]
        check(c["servicesCount"] == n, "category %s counts %d, the list has %d" % (c["key"], c["servicesCount"], n))


def test_get_one_and_bad_ids():
    s, b = create()
    r = api("GET", en("/api/services/%d" % s["id"]))
    got = svc_of(expect(200, r))
    check(got["id"] == s["id"] and got["nameEn"] == b["nameEn"] and got["nameAr"] == b["nameAr"], "got %r" % got)
    check(got["price"] == {"basePrice": 15000, "currency": "EGP"}, "price %r" % got["price"])
    check(got["availability"]["workingHours"] == {"start": "09:00", "end": "17:00"}, "hours %r" % got["availability"])
    check(got["availability"]["workingDays"] == ["saturday", "sunday"], "days %r" % got["availability"])
    check(got["requirements"]["requiresApproval"] is True and got["tags"] == b["tags"], "got %r" % got)
    check(got["media"]["images"] == b["media"]["images"] and got["duration"] == 45, "got %r" % got)
    check(expect(200, api("GET", "/api/v1/services/%d" % s["id"]))["data"]["id"] == s["id"], "v1 alias")
    for bad in ("abc", "0", "1e3", "-1", "01", "1.0", "0x10", "%20"):
        r = api("GET", en("/api/services/" + bad))
        expect(404, r, "NOT_FOUND", message="Resource not found (invalid ID)")
    r = api("GET", en("/api/services/999999999"))
    expect(404, r, "NOT_FOUND")
    check(r.body["message"] == "Resource not found", "message %r" % r.body["message"])
    expect_bilingual("GET", "/api/services/abc", status=404)


def test_switched_off_service_is_hidden_from_the_public():
    adm = admin_login()
    s, b = create(availability={"isActive": False})
    path = "/api/services/%d" % s["id"]
    expect(404, api("GET", en(path)), "NOT_FOUND")
    u = register_user()
    expect(404, api("GET", path, token=u["token"]), "NOT_FOUND")
    got = svc_of(expect(200, api("GET", path, token=adm["token"])))
    check(got["availability"]["isActive"] is False, "staff view %r" % got["availability"])
    time.sleep(CACHE_DELAY)
    check(not listed(s["id"], search=b["nameEn"]), "a switched-off service is listed")
    # switched on again, it is public
    expect(200, api("PUT", path, {"availability": {"isActive": True}}, token=adm["token"]))
    expect(200, api("GET", path))


# ------------------------------------------------------------------ writes

def test_create_by_admin_and_moderator():
    adm = admin_login()
    mod = make_user_with_role("moderator")
    ids = []
    for who, tok in (("admin", adm["token"]), ("moderator", mod["token"])):
        b = svc_body()
        r = api("POST", en("/api/services"), b, token=tok)
        body = expect(201, r)
        s = svc_of(body)
        check(s["nameEn"] == b["nameEn"] and s["category"] == "plumbing", "%s create: %s" % (who, r.describe()))
        ids.append(s["id"])
        actor = adm["id"] if who == "admin" else mod["id"]
        check(activity_rows("action = 'service.create' AND target_id = '%d' AND actor_id = %d" % (s["id"], actor)),
              "no activity_log service.create row for %d" % s["id"])
    settle(lambda: all(listed(i, search="QA Service") for i in ids), "a new service")
    # defaults of an omitted field
    r = api("POST", "/api/services", {k: v for k, v in svc_body().items()
                                      if k in ("nameAr", "nameEn", "descriptionAr", "descriptionEn", "category")},
            token=adm["token"])
    s = svc_of(expect(201, r))
    check(s["isPopular"] is False and s["sortOrder"] == 0 and s["availability"]["isActive"] is True and
          s["price"]["basePrice"] == 0, "defaults %r" % s)


def test_create_refused_roles():
    b = svc_body()
    expect(401, api("POST", "/api/services", b), "UNAUTHORIZED")
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("POST", en("/api/services"), b, token=u["token"]), "FORBIDDEN")
    check(db_count("services", "name_en = '%s'" % b["nameEn"]) == 0, "a refused create wrote a row")


def test_create_validation_422():
    t = admin_token()
    r = api("POST", en("/api/services"), {}, token=t)
    expect(422, r, "VALIDATION_ERROR", {f: "REQUIRED" for f in
                                        ("nameAr", "nameEn", "descriptionAr", "descriptionEn", "category")})
    cases = [
        ({"category": "teleportation"}, ["category"]),
        ({"category": 5}, ["category"]),
        ({"nameEn": ""}, ["nameEn"]),
        ({"nameAr": "x" * 201}, ["nameAr"]),
        ({"duration": "abc"}, ["duration"]),
        ({"duration": 0}, ["duration"]),
        ({"price": {"basePrice": -5}}, ["price.basePrice"]),
        ({"price": {"basePrice": 12.5}}, ["price.basePrice"]),
        ({"price": 100}, ["price"]),
        ({"availability": {"workingHours": {"start": "17:00", "end": "09:00"}}}, ["availability.workingHours.end"]),
        ({"availability": {"workingHours": {"start": "25:00", "end": "26:00"}}},
         ["availability.workingHours.start", "availability.workingHours.end"]),
        ({"availability": {"workingDays": ["funday"]}}, ["availability.workingDays"]),
        ({"availability": {"workingDays": "monday"}}, ["availability.workingDays"]),
        ({"availability": {"isActive": "yes"}}, ["availability.isActive"]),
        ({"isPopular": "yes"}, ["isPopular"]),
        ({"sortOrder": "1"}, ["sortOrder"]),
        ({"tags": "a,b"}, ["tags"]),
        ({"tags": [1, 2]}, ["tags"]),
        ({"media": {"images": [""]}}, ["media.images"]),
        ({"nameEn": 1, "isPopular": 1, "duration": True}, ["nameEn", "isPopular", "duration"]),
    ]
    before = db_count("services")
    for over, fields in cases:
        expect(422, api("POST", "/api/services", svc_body(**over), token=t), "VALIDATION_ERROR", fields)
    check(db_count("services") == before, "a refused create wrote a row")
    expect(422, api("POST", "/api/services", [svc_body()], token=t), "VALIDATION_ERROR", ["body"])
    expect(400, api("POST", "/api/services", raw='{"nameEn": "x",}', token=t,
                    headers={"Content-Type": "application/json"}), "BAD_REQUEST")
    expect(415, api("POST", "/api/services", raw="nameEn=x", token=t,
                    headers={"Content-Type": "multipart/form-data; boundary=x"}), "UNSUPPORTED_MEDIA_TYPE")
    expect(413, api("POST", "/api/services", raw=b'{"nameEn":"' + b"x" * (1024 * 1024) + b'"}', token=t,
                    headers={"Content-Type": "application/json"}), "PAYLOAD_TOO_LARGE")


def test_create_duplicate_name_409():
    s, b = create()
    r = api("POST", en("/api/services"), svc_body(nameEn=b["nameEn"], category=b["category"]), token=admin_token())
    expect(409, r, "CONFLICT", ["nameEn"])
    check(db_count("services", "name_en = '%s'" % b["nameEn"]) == 1, "duplicate row written")
    # the same English name in another category is another service
    expect(201, api("POST", "/api/services", svc_body(nameEn=b["nameEn"], category="electrical"),
                    token=admin_token()))


def test_update_service():
    adm = admin_login()
    mod = make_user_with_role("moderator")
    s, b = create()
    path = "/api/services/%d" % s["id"]
    new_name = "QA Renamed " + uniq(10)
    r = api("PUT", en(path), {"nameEn": new_name, "price": {"basePrice": 99900}, "isPopular": True}, token=adm["token"])
    got = svc_of(expect(200, r))
    check(got["nameEn"] == new_name and got["price"]["basePrice"] == 99900 and got["isPopular"] is True,
          "update answer %r" % got)
    check(got["nameAr"] == b["nameAr"] and got["tags"] == b["tags"] and got["duration"] == 45,
          "a partial update changed other fields: %r" % got)
    check(activity_rows("action = 'service.update' AND target_id = '%d' AND actor_id = %d" % (s["id"], adm["id"])),
          "no activity_log service.update row")
    # a moderator may update too; null clears a nullable field
    got = svc_of(expect(200, api("PUT", path, {"subCategory": None, "sortOrder": -3}, token=mod["token"])))
    check(got["subCategory"] is None and got["sortOrder"] == -3, "moderator update %r" % got)
    settle(lambda: any(x["nameEn"] == new_name and x["sortOrder"] == -3
                       for x in listed(s["id"], search=new_name)), "an updated service")
    # refusals
    expect(404, api("PUT", "/api/services/999999999", {"nameEn": "x"}, token=adm["token"]), "NOT_FOUND")
    expect(404, api("PUT", en("/api/services/abc"), {"nameEn": "x"}, token=adm["token"]), "NOT_FOUND",
           message="Resource not found (invalid ID)")
    expect(422, api("PUT", path, {"nameEn": ""}, token=adm["token"]), "VALIDATION_ERROR", ["nameEn"])
    expect(422, api("PUT", path, {"category": "nope"}, token=adm["token"]), "VALIDATION_ERROR", ["category"])
    expect(422, api("PUT", path, {"availability": {"workingHours": {"start": "18:00"}}}, token=adm["token"]),
           "VALIDATION_ERROR", ["availability.workingHours.end"])
    other, ob = create()
    expect(409, api("PUT", path, {"nameEn": ob["nameEn"], "category": ob["category"]}, token=adm["token"]),
           "CONFLICT", ["nameEn"])
    expect(401, api("PUT", path, {"nameEn": "x"}), "UNAUTHORIZED")
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("PUT", path, {"nameEn": "hacked"}, token=u["token"]), "FORBIDDEN")
    check(svc_of(expect(200, api("GET", path)))["nameEn"] == new_name, "a refused update changed the service")


def test_delete_service_hides_it():
    adm = admin_login()
    s, b = create()
    path = "/api/services/%d" % s["id"]
    # warm every worker's cache with the service in it
    for _ in range(12):
        expect_list(api("GET", q("/api/services", search=b["nameEn"])))
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("DELETE", path, token=u["token"]), "FORBIDDEN")
    expect(401, api("DELETE", path), "UNAUTHORIZED")
    r = api("DELETE", en(path), token=adm["token"])
    expect(200, r)
    expect(404, api("GET", path), "NOT_FOUND")
    expect(404, api("DELETE", path, token=adm["token"]), "NOT_FOUND")
    expect(404, api("PUT", path, {"nameEn": "back"}, token=adm["token"]), "NOT_FOUND")
    settle(lambda: expect_list(api("GET", q("/api/services", search=b["nameEn"])))["data"] == [],
           "a deleted service")
    check(activity_rows("action = 'service.delete' AND target_id = '%d'" % s["id"]), "no service.delete row")
    # a moderator may delete too
    mod = make_user_with_role("moderator")
    s2, _ = create()
    expect(200, api("DELETE", "/api/services/%d" % s2["id"], token=mod["token"]))
    expect(404, api("DELETE", en("/api/services/1e3"), token=adm["token"]), "NOT_FOUND",
           message="Resource not found (invalid ID)")


def test_bulk_create():
    t = admin_token()
    items = [svc_body(), svc_body(category="electrical")]
    r = api("POST", en("/api/services/bulk"), items, token=t)
    body = expect(201, r)
    out = body["data"] if isinstance(body["data"], list) else body["data"].get("services")
    check(isinstance(out, list) and [s["nameEn"] for s in out] == [i["nameEn"] for i in items],
          "bulk answer: %s" % r.describe())
    for s in out:
        check(activity_rows("action = 'service.create' AND target_id = '%d'" % s["id"]), "no activity row")
    # {"services": [...]} too, and moderators
    mod = make_user_with_role("moderator")
    expect(201, api("POST", "/api/services/bulk", {"services": [svc_body()]}, token=mod["token"]))
    # all or nothing: one bad item writes none, and the errors say which
    before = db_count("services")
    r = api("POST", "/api/services/bulk", [svc_body(), svc_body(nameEn=""), svc_body(category=7)], token=t)
    expect(422, r, "VALIDATION_ERROR", ["[1].nameEn", "[2].category"])
    dup = svc_body()
    r = api("POST", "/api/services/bulk", [dup, svc_body(nameEn=dup["nameEn"])], token=t)
    expect(409, r, "CONFLICT")
    r = api("POST", "/api/services/bulk", [svc_body(), svc_body(category="no_such")], token=t)
    expect(422, r, "VALIDATION_ERROR")
    check(db_count("services") == before, "a refused bulk wrote %d rows" % (db_count("services") - before))
    for bad in ([], {}, {"services": []}, {"services": "x"}, [svc_body()] * 101):
        expect(422, api("POST", "/api/services/bulk", bad, token=t), "VALIDATION_ERROR", ["services"])
    for role in ("customer", "technician", "corporate"):
        u = make_user_with_role(role)
        expect(403, api("POST", "/api/services/bulk", [svc_body()], token=u["token"]), "FORBIDDEN")
    expect(401, api("POST", "/api/services/bulk", [svc_body()]), "UNAUTHORIZED")
    check(db_count("services") == before, "a refused bulk wrote rows")


def test_bulk_checks_every_item_as_a_single_create():
    """Each item of a bulk create is read by the same declared input as POST
    /api/services, its cross-field check included: an unknown day or hours that end
    before they start are 422 naming the item, and nothing is created."""
    t = admin_token()
    before = db_count("services")
    good = svc_body()
    r = api("POST", en("/api/services/bulk"),
            [good, svc_body(availability={"workingDays": ["funday"]}),
             svc_body(availability={"workingHours": {"start": "17:00", "end": "09:00"}}),
             svc_body(availability={"workingDays": ["monday", "monday"]})], token=t)
    expect(422, r, "VALIDATION_ERROR", {"[1].availability.workingDays": "INVALID_VALUE",
                                        "[2].availability.workingHours.end": "OUT_OF_RANGE",
                                        "[3].availability.workingDays": "INVALID_VALUE"})
    # in the {"services": [...]} shape, errors name the member
    r = api("POST", "/api/services/bulk", {"services": [svc_body(), svc_body(nameEn="", duration=0)]}, token=t)
    expect(422, r, "VALIDATION_ERROR", ["services[1].nameEn", "services[1].duration"])
    # a failure of the database names its item too, and rolls back the items before it
    dup = svc_body()
    r = api("POST", "/api/services/bulk", [svc_body(), dup, svc_body(nameEn=dup["nameEn"])], token=t)
    expect(409, r, "CONFLICT", {"[2].nameEn": "DUPLICATE"})
    r = api("POST", "/api/services/bulk", [svc_body(), svc_body(category="no_such")], token=t)
    expect(422, r, "VALIDATION_ERROR", {"[1].category": "INVALID_VALUE"})
    check(db_count("services") == before, "a refused bulk wrote %d rows" % (db_count("services") - before))
    check(db_count("services", "name_en = %s" % sql_str(good["nameEn"])) == 0, "the good item was created")
    check(db_count("services", "name_en = %s" % sql_str(dup["nameEn"])) == 0, "an item before the duplicate stayed")


# ------------------------------------------------------------------ the seeds' other names

def test_seed002_title_description_and_color():
    """Seed 002 writes {title, description, category, icon, color}: a new service takes
    title and description in both languages; an update writes the request's language and
    the other one while it is still a copy; color is kept as written."""
    tag = uniq(10)
    body = {"title": "Garden care " + tag, "description": "Lawns and trees", "category": "plumbing",
            "icon": "leaf", "color": "#2E7D32"}
    r = api("POST", en("/api/services"), body, token=admin_token())
    s = svc_of(expect(201, r))
    check(s["nameAr"] == s["nameEn"] == body["title"], "title fills both names: %r" % s)
    check(s["descriptionAr"] == s["descriptionEn"] == "Lawns and trees", "description %r" % s)
    check(s["color"] == "#2E7D32", "color %r" % s.get("color"))
    check(s["media"]["icon"] == "leaf", "top-level icon: %r" % s.get("media"))
    # Arabic request: the Arabic name changes, and the English one follows while it is a copy
    r = api("PUT", "/api/services/%d?lang=ar" % s["id"], {"title": "عناية بالحدائق " + tag},
            token=admin_token())
    s2 = svc_of(expect(200, r))
    check(s2["nameAr"] == s2["nameEn"] == "عناية بالحدائق " + tag, "copy followed: %r" % s2)
    # once the English name was edited on its own, an Arabic title no longer touches it
    expect(200, api("PUT", "/api/services/%d" % s["id"], {"nameEn": "Garden care " + tag},
                    token=admin_token()))
    s3 = svc_of(expect(200, api("PUT", "/api/services/%d?lang=ar" % s["id"],
                                {"title": "حدائق " + tag}, token=admin_token())))
    check(s3["nameAr"] == "حدائق " + tag and s3["nameEn"] == "Garden care " + tag,
          "an edited translation was overwritten: %r" % s3)
    # a name given beside the title wins
    s4 = svc_of(expect(201, api("POST", en("/api/services"),
                                dict(body, title="T " + uniq(8), nameAr="اسم " + uniq(6)),
                                token=admin_token())))
    check(s4["nameAr"].startswith("اسم ") and s4["nameEn"].startswith("T "), "%r" % s4)
    # bad colours and missing names are 422 naming the field
    for bad in ("red!", "#12", "#GGGGGG", 5):
        expect(422, api("POST", "/api/services", dict(body, title="X " + uniq(8), color=bad),
                        token=admin_token()), fields=["color"])
    expect(422, api("POST", "/api/services", {"description": "d", "category": "plumbing"},
                    token=admin_token()), fields=["nameAr", "nameEn"])
    expect(200, api("PUT", "/api/services/%d" % s["id"], {"color": None}, token=admin_token()))
    check(db_scalar("SELECT color IS NULL FROM services WHERE id = %d" % s["id"]) == "1",
          "color not cleared")


def test_update_with_no_known_field_is_422_and_changes_nothing():
    s, _ = create()
    before = len(activity_rows("action = 'service.update' AND target_id = %d" % s["id"]))
    stamp = db_scalar("SELECT updated_at FROM services WHERE id = %d" % s["id"])
    for body in ({}, {"colour": "#fff"}, {"name": "x", "price": {}}):
        expect(422, api("PUT", en("/api/services/%d" % s["id"]), body, token=admin_token()),
               fields={"body": "NO_KNOWN_FIELD"})
    check(len(activity_rows("action = 'service.update' AND target_id = %d" % s["id"])) == before,
          "a refused update was logged")
    check(db_scalar("SELECT updated_at FROM services WHERE id = %d" % s["id"]) == stamp,
          "a refused update touched the row")
    expect_bilingual("PUT", "/api/services/%d" % s["id"], {}, token=admin_token(), status=422)


def test_seed001_short_view():
    s, b = create()
    short = expect_list(api("GET", q("/api/services", limit=100, view="short", search=b["nameEn"])),
                        limit=100)["data"]
    check(len(short) == 1 and set(short[0]) == {"id", "name", "icon", "description"},
          "short view %r" % short)
    check(short[0]["id"] == s["id"] and short[0]["icon"] == "faucet", "%r" % short[0])
    ar = expect_list(api("GET", q("/api/services", limit=100, view="short", search=b["nameEn"],
                                  lang="ar")), limit=100)["data"]
    check(ar[0]["name"] == b["nameAr"] and ar[0]["description"] == b["descriptionAr"], "%r" % ar)
    en_ = expect_list(api("GET", q("/api/services", limit=100, view="short", search=b["nameEn"],
                                   lang="en")), limit=100)["data"]
    check(en_[0]["name"] == b["nameEn"], "%r" % en_)
    expect(422, api("GET", q("/api/services", view="tiny")), fields=["view"])


def _last_update_details(sid):
    rows = db_query("SELECT details FROM activity_log WHERE action = 'service.update' AND target_id = '%d'"
                    " ORDER BY id DESC LIMIT 1" % sid)
    check(rows, "no service.update row for %d" % sid)
    return rows[0][0], json.loads(rows[0][0])


def test_update_activity_holds_only_changed_declared_fields():
    """The log of an update says which declared fields changed, from what to what; a
    field sent with its current value, or a key no field declares, is not in it (the
    raw body used to be logged)."""
    s, b = create()
    path = "/api/services/%d" % s["id"]
    new_name = "QA Logged " + uniq(10)
    body = {"nameEn": new_name, "sortOrder": b["sortOrder"], "isPopular": True,
            "price": {"basePrice": b["price"]["basePrice"], "secretMarkup": 900},
            "availability": {"workingDays": ["sunday", "saturday"]},
            "internalNote": "not a field", "role": "admin"}
    expect(200, api("PUT", path, body, token=admin_token()))
    raw, d = _last_update_details(s["id"])
    check(set(d) == {"nameEn", "isPopular", "availability.workingDays"}, "details %r" % d)
    check(d["nameEn"] == {"from": b["nameEn"], "to": new_name}, "nameEn %r" % d["nameEn"])
    check(d["isPopular"] == {"from": False, "to": True}, "isPopular %r" % d["isPopular"])
    check(d["availability.workingDays"] == {"from": ["saturday", "sunday"], "to": ["sunday", "saturday"]},
          "workingDays %r" % d["availability.workingDays"])
    for word in ("internalNote", "secretMarkup", "not a field", "role"):
        check(word not in raw, "%r in the activity details: %s" % (word, raw))
    # nothing changed: an empty record of the update, no field in it
    expect(200, api("PUT", path, {"nameEn": new_name, "extra": 1}, token=admin_token()))
    raw, d = _last_update_details(s["id"])
    check(d == {}, "an update that changed nothing logged %s" % raw)


def test_two_admins_update_one_service_at_once():
    """Two admins send whole bodies for one service at the same moment, many times: each
    update is applied under the row's lock, so the service always holds one body
    entirely (never the name of one and the description of the other), every answer is
    one whole body too, and the log has each update."""
    a1 = admin_login()
    a2 = make_user_with_role("admin")
    s, _ = create()
    path = "/api/services/%d" % s["id"]
    tag = uniq(8)
    bodies = [{"nameEn": "Race %s %s" % (who, tag), "descriptionEn": "Body of %s" % who,
               "sortOrder": n, "tags": [who, tag], "price": {"basePrice": 1000 * n},
               "availability": {"workingHours": {"start": "0%d:00" % n, "end": "1%d:00" % n}}}
              for n, who in ((1, "one"), (2, "two"))]

    def whole(x):
        who = x["tags"][0]
        n = 1 if who == "one" else 2
        return (x["nameEn"] == "Race %s %s" % (who, tag) and x["descriptionEn"] == "Body of %s" % who and
                x["sortOrder"] == n and x["price"]["basePrice"] == 1000 * n and
                x["availability"]["workingHours"] == {"start": "0%d:00" % n, "end": "1%d:00" % n})

    rounds = 12
    logged = db_count("activity_log", "action = 'service.update' AND target_id = '%d'" % s["id"])
    for i in range(rounds):
        start = threading.Barrier(2)
        answers = [None, None]

        def put(k, token):
            start.wait()
            answers[k] = api("PUT", path, bodies[(k + i) % 2], token=token)

        threads = [threading.Thread(target=put, args=(0, a1["token"])),
                   threading.Thread(target=put, args=(1, a2["token"]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        for r in answers:
            got = svc_of(expect(200, r))
            check(whole(got), "round %d: an answer mixes the two bodies: %r" % (i, got))
        row = db_query("SELECT name_en, description_en, sort_order, base_price, working_hours_start,"
                       " working_hours_end, tags FROM services WHERE id = %d" % s["id"])[0]
        stored = {"nameEn": row[0], "descriptionEn": row[1], "sortOrder": int(row[2]),
                  "price": {"basePrice": int(row[3])},
                  "availability": {"workingHours": {"start": row[4], "end": row[5]}}, "tags": json.loads(row[6])}
        check(whole(stored), "round %d: the service mixes the two bodies: %r" % (i, stored))
    check(db_count("activity_log", "action = 'service.update' AND target_id = '%d'" % s["id"]) == logged + 2 * rounds,
          "not every update was logged")


def test_change_reaches_every_worker_within_two_seconds():
    """Every worker caches list answers; a write must reach all of them (cache version)."""
    s, b = create()
    qs = q("/api/services", search=b["nameEn"], lang="en")
    for _ in range(20):     # each worker caches the current answer
        body = expect_list(api("GET", qs))
        check([x["nameEn"] for x in body["data"]] == [b["nameEn"]], "warm-up: %r" % body["data"])
    new_desc = "Changed " + uniq(8)
    expect(200, api("PUT", "/api/services/%d" % s["id"], {"descriptionEn": new_desc}, token=admin_token()))
    settle(lambda: [x["descriptionEn"] for x in expect_list(api("GET", qs))["data"]] == [new_desc],
           "an updated description", repeat=20)
    # categories are cached too: a new service in a category counts at once
    cats = lambda: {c["key"]: c["servicesCount"] for c in expect(200, api("GET", "/api/services/categories"))["data"]}
    before = cats()["tiling"]
    for _ in range(12):
        cats()
    create(category="tiling")
    settle(lambda: cats()["tiling"] == before + 1, "categories' servicesCount")


run(globals())
