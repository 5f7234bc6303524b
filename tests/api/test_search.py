"""Search (seed 000 "Search Endpoints"; docs/search.md): GET /api/search/services,
/api/search/technicians and /api/search/users, and GET /api/services?search=, read
FULLTEXT indexes over text folded the way Arabic speakers type (alef forms, teh marbuta,
alef maksura, tatweel, harakat, Arabic-Indic digits) and English in any case or accent;
ranked by relevance, then popularity or rating; paged per docs/data-layer.md.

Every test makes its own rows with a unique word, so it finds only them."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, expect_bilingual, check, admin_token,
                         make_user_with_role, db_query, db_scalar, free_spot, uniq, run)
from search_fixtures import SVC, TECH, arabic_word, service, found, technician

USERS = "/api/search/users"
# a point in the Western Desert, far from the generated technicians
CENTER = (23.0 + random.random(), 27.0 + random.random())


def test_arabic_across_the_normalizations():
    w = arabic_word()
    s = service(nameAr="صيانة سخان " + w, descriptionAr="إصلاح الأعطال في مستشفى بـ ٥٠٠٠ جنيه")
    for term in ("صيانه " + w,            # ة typed as ه
                 "صيانة " + w,            # as written
                 "اصلاح " + w,            # إ typed as ا
                 "إصلاح " + w,
                 "الاعطال " + w,          # أ typed as ا
                 "مستشفي " + w,           # ى typed as ي
                 "صـيـانـة " + w,         # tatweel
                 "صِيَانَة " + w,           # harakat
                 "5000 " + w,             # Arabic-Indic digits stored, ASCII typed
                 "٥٠٠٠ " + w,
                 w[:4]):                  # the start of a word
        check(s["id"] in found(SVC, q=term), "search %r does not find service %d" % (term, s["id"]))
        check(found(SVC, q=term + " " + w) == [s["id"]] or term.startswith(w[:4]),
              "search %r finds other services" % term)
    # the catalog list's search reads the same index
    check(s["id"] in found("/api/services", search="اصلاح " + w), "GET /api/services?search=")
    # every word must match
    check(s["id"] not in found(SVC, q=w + " " + arabic_word()), "a word it lacks still finds it")


def test_english_any_case_and_accent():
    tag = uniq(10)
    s = service(nameEn="Café Espresso Machine " + tag)
    for term in (tag, tag.upper(), "CAFE " + tag, "café " + tag, "espresso " + tag.lower(),
                 "Espr " + tag):
        check(found(SVC, q=term) == [s["id"]], "search %r does not find only %d" % (term, s["id"]))
    # operators of the FULLTEXT syntax are text, not operators
    check(found(SVC, q='-"' + tag + '"*') == [s["id"]], "operators were read as operators")
    check(found(SVC, q="+-~<>()") == [], "a search of punctuation finds something")


def test_ranking_relevance_then_popularity():
    w = "rank" + uniq(8)
    weak = service(descriptionEn="Also " + w)
    strong = service(nameEn="%s %s" % (w, uniq(6)), descriptionEn="%s %s %s" % (w, w, w),
                     tags=[w])
    ids = found(SVC, q=w)
    check(ids.index(strong["id"]) < ids.index(weak["id"]), "relevance order %r" % ids)
    # the same text: the popular one first
    t = "tie" + uniq(8)
    plain = service(descriptionEn="Tie " + t, nameEn="Tie plain " + uniq(6))
    popular = service(descriptionEn="Tie " + t, nameEn="Tie plain " + uniq(6), isPopular=True)
    ids = found(SVC, q=t)
    check(ids.index(popular["id"]) < ids.index(plain["id"]), "popular not first: %r" % ids)


def test_paging_and_category():
    w = "page" + uniq(8)
    made = {service(descriptionEn=w)["id"] for _ in range(3)}
    p1 = expect_list(api("GET", q(SVC, q=w, limit=2)), limit=2)
    p2 = expect_list(api("GET", q(SVC, q=w, limit=2, page=2)), page=2, limit=2)
    check(p1["pagination"]["totalItems"] == 3 and len(p1["data"]) == 2 and len(p2["data"]) == 1,
          "pages %r %r" % (p1["pagination"], p2["pagination"]))
    check({x["id"] for x in p1["data"] + p2["data"]} == made, "the pages do not hold the three")
    check(found(SVC, q=w, category="electrical") == [], "category filter")
    check(set(found(SVC, q=w, category="plumbing")) == made, "category filter")
    # a page beyond the window
    expect(422, api("GET", q(SVC, q=w, page=101, limit=100)), "VALIDATION_ERROR", ["page"])


def test_bad_input_names_the_field():
    expect(422, api("GET", SVC), "VALIDATION_ERROR", {"q": "REQUIRED"})
    expect(422, api("GET", q(SVC, q="x" * 101, limit=0)), "VALIDATION_ERROR", ["q", "limit"])
    adm = admin_token()
    expect(422, api("GET", q(TECH, location="north", rating="6"), token=adm), "VALIDATION_ERROR",
           ["location", "rating"])
    expect(422, api("GET", q(TECH, distance="5"), token=adm), "VALIDATION_ERROR", ["location"])
    expect(422, api("GET", q(TECH, q="ab"), token=adm), "VALIDATION_ERROR", {"q": "TOO_SHORT"})
    expect(422, api("GET", USERS, token=adm), "VALIDATION_ERROR", {"q": "REQUIRED"})
    expect(422, api("GET", q(USERS, q="ahmed", phone="010"), token=adm), "VALIDATION_ERROR",
           ["phone"])
    expect(422, api("GET", q(USERS, q="ahmed", page=1001, limit=10), token=adm),
           "VALIDATION_ERROR", ["page"])


def test_bilingual():
    expect_bilingual("GET", q(SVC, q="battery"), status=200)
    expect_bilingual("GET", SVC, status=422)
    expect_bilingual("GET", q(USERS, q="ahmed"), status=401)


def test_roles():
    cust = make_user_with_role("customer")
    tech = make_user_with_role("technician")
    mod = make_user_with_role("moderator")
    for path in (q(USERS, q="ahmed"), q(TECH, q="plumbing")):
        expect(401, api("GET", path), "UNAUTHORIZED")
        expect(403, api("GET", path, token=cust["token"]))
        expect(403, api("GET", path, token=tech["token"]))
        expect(200, api("GET", path, token=mod["token"]))
        expect(200, api("GET", path, token=admin_token()))
    expect(200, api("GET", q(SVC, q="battery")))
    expect(200, api("GET", q(SVC, q="battery"), token=cust["token"]))


def test_users_search_is_the_users_list_search():
    adm = admin_token()
    w = arabic_word(7)
    u = make_user_with_role("customer", firstName="أحمد", lastName=w)
    check(u["id"] in found(USERS, token=adm, q="احمد " + w), "Arabic name folded")
    check(found(USERS, token=adm, q="احمد " + w, role="technician") == [], "role filter")
    phone = db_query("SELECT phone FROM users WHERE id = %d" % u["id"])[0][0]
    if phone:
        check(u["id"] in found(USERS, token=adm, phone=phone), "phone search")


def test_technicians_by_name_specialization_city_rating():
    adm = admin_token()
    w = arabic_word(7)
    city = "Qa" + uniq(8)
    a = technician("إبراهيم", w, ("plumbing", "electrical"), city=city, rating=4.8)
    b = technician("ابراهيم", w, ("carpentry",), city=city, rating=3.1)
    both = {a["id"], b["id"]}
    check(set(found(TECH, token=adm, q="ابراهيم " + w)) == both, "name, alef folded")
    check(found(TECH, token=adm, q=w) == [a["id"], b["id"]], "equal relevance: best rated first")
    check(found(TECH, token=adm, q=w, specialization="plumbing") == [a["id"]], "specialization key")
    check(found(TECH, token=adm, q=w, specialization="سباكه") == [a["id"]], "specialization, Arabic")
    check(found(TECH, token=adm, q=w, specialization="Carpentry") == [b["id"]], "any case")
    check(set(found(TECH, token=adm, city=city.lower())) == both, "city")
    check(found(TECH, token=adm, q=w, city="القاهره") == [a["id"], b["id"]], "governorate")
    check(found(TECH, token=adm, q=w, rating="4") == [a["id"]], "minimum rating")
    # a rename follows into the search
    db_query("UPDATE users SET first_name = 'Zakaria' WHERE id = %d" % b["id"])
    check(found(TECH, token=adm, q="zakaria " + w) == [b["id"]], "a renamed technician")


def test_technicians_nearest_first():
    adm = admin_token()
    w = arabic_word(7)
    lat, lng = CENTER
    far = technician("Far", w, point=(lat + 0.2, lng))       # about 22 km
    near = technician("Near", w, point=(lat + 0.02, lng))    # about 2 km
    loc = "%f,%f" % (lat, lng)
    body = expect_list(api("GET", q(TECH, q=w, location=loc, distance=50, limit=100),
                           token=adm), limit=100)
    check([x["id"] for x in body["data"]] == [near["id"], far["id"]], "nearest first: %r" % body)
    check(abs(body["data"][0]["distanceKm"] - 2.224) < 0.05, "distance %r" % body["data"][0])
    check(found(TECH, token=adm, q=w, location=loc, distance=10) == [near["id"]], "the circle")
    # no text: everyone in the box, nearest first
    ids = found(TECH, token=adm, location=loc, distance=50)
    check(ids.index(near["id"]) < ids.index(far["id"]), "no text, nearest first %r" % ids)


def test_technicians_one_trade_best_rated_then_nearest():
    """One category is read from technician_reach in the search's order (its copy of the
    rating kept by triggers), and near a point in rings that grow from 4 km; without text
    the box of every trade grows from 2 km (docs/search.md)."""
    adm = admin_token()
    city = "Tr" + uniq(8)
    lat, lng = free_spot((25.0, 26.0), (30.0, 31.5))
    a = technician("Rank", arabic_word(7), ("tiling",), city=city, point=(lat + 0.02, lng),
                   rating=3.0)                                  # about 2 km
    b = technician("Rank", arabic_word(7), ("tiling",), city=city, point=(lat + 0.2, lng),
                   rating=4.5)                                  # about 22 km
    c = technician("Rank", arabic_word(7), ("tiling", "painting"), city=city,
                   point=(lat + 0.05, lng), rating=4.0)         # about 5.6 km
    ids = [t["id"] for t in (a, b, c)]
    check(found(TECH, token=adm, specialization="tiling", city=city) == [ids[1], ids[2], ids[0]],
          "best rated first")
    db_query("UPDATE users SET rating = 5.00 WHERE id = %d" % ids[0])
    check(str(db_scalar("SELECT rating FROM technician_reach WHERE user_id = %d"
                        " AND category = 'tiling'" % ids[0])) == "5.00", "the copy follows")
    check(found(TECH, token=adm, specialization="سيراميك", city=city) == [ids[0], ids[1], ids[2]],
          "a new rating reorders, Arabic names the trade")
    check(found(TECH, token=adm, specialization="tiling", city=city, rating="4.6") == [ids[0]],
          "minimum rating")
    loc = "%f,%f" % (lat, lng)
    check(found(TECH, token=adm, specialization="tiling", city=city, location=loc,
                distance=50) == [ids[0], ids[2], ids[1]], "nearest first")
    check(found(TECH, token=adm, specialization="tiling", location=loc, distance=10)
          == [ids[0], ids[2]], "the circle")

    def pages(**params):
        seen = []
        for page in (1, 2, 3, 4):
            body = expect_list(api("GET", q(TECH, location=loc, distance=50, limit=1,
                                               page=page, **params), token=adm),
                               page=page, limit=1)
            seen += [(x["id"], x["distanceKm"]) for x in body["data"]]
        return seen
    for params in ({"specialization": "tiling"}, {}):
        seen = pages(**params)
        check([x[0] for x in seen] == [ids[0], ids[2], ids[1]], "page by page %r: %r"
              % (params, seen))
        check(abs(seen[2][1] - 22.24) < 0.1, "the farthest ring's distance %r" % seen)


if __name__ == "__main__":
    run(globals())
