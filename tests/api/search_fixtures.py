"""What the search suites (test_search.py, test_search_words.py) make and ask: services
and technicians of their own, found by words no other row holds."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import api, q, expect, expect_list, admin_token, make_user_with_role, db_query, uniq

SVC = "/api/search/services"
TECH = "/api/search/technicians"


def arabic_word(n=8):
    """A random word of Arabic letters without the forms the search folds (ب..ض but ة)."""
    letters = "بتثجحخدذرزسشصض"
    return "".join(random.choice(letters) for _ in range(n))


def service(label="Search QA", **over):
    """A live service made by staff; over replaces fields of the body."""
    b = {"nameAr": "خدمة " + arabic_word(), "nameEn": "%s %s" % (label, uniq(10)),
         "descriptionAr": "وصف", "descriptionEn": "Made by the %s tests" % label,
         "category": "plumbing", "price": {"basePrice": 10000}, "tags": ["qa"],
         "isPopular": False, "sortOrder": 900}
    b.update(over)
    body = expect(201, api("POST", "/api/services", b, token=admin_token()))
    d = body["data"]
    return d["service"] if isinstance(d, dict) and "service" in d else d


def found(path=SVC, token=None, **params):
    """The ids a list answers, up to 100."""
    body = expect_list(api("GET", q(path, limit=100, **params), token=token), limit=100)
    return [x["id"] for x in body["data"]]


def technician(first, last, specializations=("plumbing",), city=None, point=None, rating=None):
    """A technician of these trades, working in city, available at point, so rated."""
    t = make_user_with_role("technician", firstName=first, lastName=last)
    body = {"specializations": list(specializations)}
    if city is not None:
        body["workingAreas"] = {"governorates": ["C"], "city": city}
    expect(200, api("PUT", "/api/technicians/%d" % t["id"], body, token=t["token"]))
    if point is not None:
        expect(200, api("PUT", "/api/technicians/status", {
            "status": "available", "location": {"latitude": point[0], "longitude": point[1]}},
            token=t["token"]))
    if rating is not None:
        db_query("UPDATE users SET rating = %.2f WHERE id = %d" % (rating, t["id"]))
    return t
