"""Privacy by role (docs/decisions.md "Users and staff"; fcgi/domain/user_visibility.h).

Staff (admin, moderator) see users whole; a user sees their own profile whole; everybody
else sees the public view of others — id, role, name, avatar, bio, city and governorate,
rating, member since — with the other fields omitted, and e-mail or phone only of a
technician who chose to show them (seed 002 settings showEmail, showPhone). For them
GET /api/users is the directory of active technicians: another role is 403, a search by
e-mail, phone or username 422. A staff account is 404 to them."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, en, q, expect, expect_list, expect_bilingual, check, register_user,
                         admin_token, make_user_with_role, user_of, run)

PUBLIC_TOP = {"id", "role", "profile", "rating", "ratingCount", "createdAt"}
PUBLIC_PROFILE = {"firstName", "lastName", "avatar", "bio", "address"}
PUBLIC_ADDRESS = {"city", "governorate"}
# a few members of the whole view that must never reach a public one
PRIVATE = ("email", "phone", "username", "lastLogin", "location", "carInfo", "preferences",
           "isActive", "isBanned", "banReason", "emailVerified", "phoneVerified", "updatedAt")


def _word():
    """A name word of letters only (a digit would make a search read as a username)."""
    return "".join(random.choice("bcdfghjklmnpqrstvwxz") + random.choice("aeiou")
                   for _ in range(5)).capitalize()


def _person(role, with_profile=True):
    """A fresh user of the role with a unique first name and a full profile (street,
    city, governorate, location, bio), so that the whole view has what to leak."""
    first = _word()
    u = make_user_with_role(role, firstName=first, lastName="Privacy")
    u["first"] = first
    if with_profile:
        r = api("PUT", "/api/users/profile", {
            "bio": "Fixes things", "address": {"street": "12 Nile Street", "city": "Dokki",
                                                "governorate": "GZ"},
            "location": {"latitude": 30.0385, "longitude": 31.2106},
            "carInfo": {"brand": "Kia", "model": "Rio", "year": 2020}}, token=u["token"])
        expect(200, r)
    return u


def _check_public(obj, u, resp, email=False, phone=False):
    """obj is the public view of u: exactly the public members (e-mail and phone only
    when shown), the private ones omitted rather than nulled."""
    check(isinstance(obj, dict), "no user object: %s" % resp.describe())
    want = set(PUBLIC_TOP) | ({"email"} if email else set()) | ({"phone"} if phone else set())
    check(set(obj) == want, "members %s, expected %s: %s" % (sorted(obj), sorted(want),
                                                             resp.describe()))
    for k in PRIVATE:
        if (k == "email" and email) or (k == "phone" and phone):
            continue
        check(k not in obj, "public view shows %s: %s" % (k, resp.describe()))
    check(set(obj["profile"]) == PUBLIC_PROFILE, "profile members %s: %s" % (
        sorted(obj["profile"]), resp.describe()))
    check(set(obj["profile"]["address"]) == PUBLIC_ADDRESS, "address members %s: %s" % (
        sorted(obj["profile"]["address"]), resp.describe()))
    check(obj["id"] == u["id"] and obj["role"] == u["role"], "id/role: %r" % obj)
    check(obj["profile"]["firstName"] == u["first"] and obj["profile"]["lastName"] == "Privacy",
          "name: %r" % obj["profile"])
    check(obj["profile"]["address"] == {"city": "Dokki", "governorate": "GZ"},
          "area: %r" % obj["profile"]["address"])
    check(obj["profile"]["bio"] == "Fixes things", "bio: %r" % obj["profile"])
    if email:
        check(obj["email"] == u["email"], "shown email %r" % obj.get("email"))
    if phone:
        check(obj["phone"] == u["phone_e164"], "shown phone %r" % obj.get("phone"))
    text = resp.raw.decode("utf-8", "replace")
    for secret in ([] if email else [u["email"]]) + ([] if phone else [u["phone_e164"]]) + \
            [u["username"], "12 Nile Street", "30.0385"]:
        check(secret not in text, "answer holds %r: %s" % (secret, resp.describe()))


def _check_whole(obj, u, resp):
    check(isinstance(obj, dict) and obj.get("id") == u["id"], "no user: %s" % resp.describe())
    check(obj.get("email") == u["email"] and obj.get("phone") == u["phone_e164"],
          "whole view lacks contact: %s" % resp.describe())
    for k in ("username", "lastLogin", "location", "carInfo", "isBanned", "updatedAt"):
        check(k in obj, "whole view lacks %s: %s" % (k, resp.describe()))
    check(obj["profile"]["address"].get("street") == "12 Nile Street",
          "whole view lacks the street: %s" % resp.describe())


def _found(token, u):
    """u's entry in the directory search for their unique first name (or None)."""
    r = api("GET", q("/api/users", search=u["first"]), token=token)
    body = expect_list(r)
    hits = [x for x in body["data"] if x.get("id") == u["id"]]
    return (hits[0] if hits else None), r


def _set_shown(u, **settings):
    expect(200, api("PUT", "/api/user/settings", {"settings": settings}, token=u["token"]))


# ------------------------------------------------------------------ by id

def test_non_staff_get_the_public_view_by_id():
    subjects = [_person("technician"), _person("customer"), _person("corporate")]
    viewers = [_person("technician", False), _person("customer", False),
               _person("corporate", False)]
    for v in viewers:
        for s in subjects:
            if s["id"] == v["id"]:
                continue
            r = api("GET", "/api/users/%d" % s["id"], token=v["token"])
            _check_public(user_of(expect(200, r)), s, r)


def test_staff_get_the_whole_view_by_id():
    s = _person("customer")
    mod = make_user_with_role("moderator")
    for tok in (admin_token(), mod["token"]):
        r = api("GET", "/api/users/%d" % s["id"], token=tok)
        _check_whole(user_of(expect(200, r)), s, r)


def test_own_profile_is_whole():
    for role in ("technician", "customer", "corporate"):
        u = _person(role)
        for path in ("/api/users/me", "/api/users/profile", "/api/auth/me",
                     "/api/users/%d" % u["id"]):
            r = api("GET", path, token=u["token"])
            _check_whole(user_of(expect(200, r)), u, r)


def test_staff_accounts_are_not_found_by_others():
    mod = make_user_with_role("moderator")
    for role in ("technician", "customer", "corporate"):
        v = make_user_with_role(role)
        r = api("GET", en("/api/users/%d" % mod["id"]), token=v["token"])
        expect(404, r, "NOT_FOUND")
        check(mod["email"] not in r.raw.decode("utf-8", "replace"), "404 names the moderator")
    # staff see each other
    r = api("GET", "/api/users/%d" % mod["id"], token=admin_token())
    check(user_of(expect(200, r))["email"] == mod["email"], "admin: %s" % r.describe())


# ------------------------------------------------------------------ lists and search

def test_directory_lists_technicians_in_public_view():
    tech = _person("technician")
    for role in ("technician", "customer", "corporate"):
        v = make_user_with_role(role)
        r = api("GET", q("/api/users", limit=100), token=v["token"])
        body = expect_list(r, limit=100)
        check(body["data"], "empty directory: %s" % r.describe())
        for item in body["data"]:
            check(item["role"] == "technician", "%s sees a %s in the directory" % (
                role, item["role"]))
            if item["id"] != v["id"]:
                check(set(item) <= PUBLIC_TOP | {"email", "phone"} and PUBLIC_TOP <= set(item),
                      "%s: directory item members %s" % (role, sorted(item)))
                for k in ("username", "lastLogin", "location"):
                    check(k not in item, "%s: directory item shows %s" % (role, k))
        hit, r = _found(v["token"], tech)
        check(hit is not None, "%s: the technician %s is not found by name" % (role, tech["first"]))
        _check_public(hit, tech, r)
        # the role filter asking for technicians (any alias) is the same directory
        expect_list(api("GET", q("/api/users", role="craftsman", search=tech["first"]),
                        token=v["token"]))


def test_directory_finds_no_customers_and_no_banned_technicians():
    cust = _person("customer")
    corp = _person("corporate")
    banned = _person("technician")
    expect(200, api("PATCH", "/api/admin/users/%d/ban" % banned["id"], {"reason": "privacy test"},
                    token=admin_token()))
    v = make_user_with_role("technician")
    for who in (cust, corp, banned):
        hit, r = _found(v["token"], who)
        check(hit is None, "the directory shows %s %s: %s" % (who["role"], who["id"],
                                                             r.describe()))
        # staff find them, whole
        hit, r = _found(admin_token(), who)
        check(hit is not None, "admin does not find %s" % who["id"])
        _check_whole(hit, who, r)


def test_staff_lists_are_whole():
    tech = _person("technician")
    mod = make_user_with_role("moderator")
    for tok in (admin_token(), mod["token"]):
        hit, r = _found(tok, tech)
        check(hit is not None, "staff search misses the technician")
        _check_whole(hit, tech, r)
        body = expect_list(api("GET", q("/api/users", role="customer", limit=5), token=tok), limit=5)
        for item in body["data"]:
            check(item["role"] == "customer" and "email" in item and "lastLogin" in item,
                  "staff list item %r" % item)
        r = api("GET", q("/api/users", search=tech["email"]), token=tok)
        check([x["id"] for x in expect_list(r)["data"]] == [tech["id"]],
              "staff e-mail search: %s" % r.describe())


def test_non_staff_cannot_list_other_roles():
    for role in ("technician", "customer", "corporate"):
        v = make_user_with_role(role)
        for asked in ("customer", "USER", "admin", "moderator", "corporate"):
            r = api("GET", en(q("/api/users", role=asked)), token=v["token"])
            expect(403, r, "FORBIDDEN")
    expect(401, api("GET", "/api/users"), "UNAUTHORIZED")
    expect(401, api("GET", "/api/users/1"), "UNAUTHORIZED")
    v = make_user_with_role("customer")
    expect_bilingual("GET", q("/api/users", role="customer"), token=v["token"], status=403)


def test_non_staff_search_by_name_only():
    tech = _person("technician")
    _set_shown(tech, showEmail=True, showPhone=True)
    for role in ("technician", "customer", "corporate"):
        v = make_user_with_role(role)
        for text in (tech["email"], tech["email"][:5] + "@", tech["phone"], tech["phone_e164"],
                     tech["phone"][:6], "@" + tech["username"], tech["username"], "٠١٠"):
            r = api("GET", en(q("/api/users", search=text)), token=v["token"])
            expect(422, r, "VALIDATION_ERROR", {"search": "INVALID_VALUE"})
    v = make_user_with_role("customer")
    expect_bilingual("GET", q("/api/users", search=tech["email"]), token=v["token"], status=422)
    # a blank search is the list
    expect_list(api("GET", q("/api/users", search="  "), token=v["token"]))


# ------------------------------------------------------------------ showEmail / showPhone

def test_technician_chooses_to_show_email_and_phone():
    tech = _person("technician")
    v = _person("customer", False)

    def seen():
        r = api("GET", "/api/users/%d" % tech["id"], token=v["token"])
        one = user_of(expect(200, r))
        hit, lr = _found(v["token"], tech)
        check(hit is not None, "directory misses the technician")
        return (one, r), (hit, lr)

    # hidden by default
    for obj, r in seen():
        _check_public(obj, tech, r)
    _set_shown(tech, showEmail=True)
    for obj, r in seen():
        _check_public(obj, tech, r, email=True)
    _set_shown(tech, showEmail=False, showPhone=True)
    for obj, r in seen():
        _check_public(obj, tech, r, phone=True)
    _set_shown(tech, showEmail=True)
    for obj, r in seen():
        _check_public(obj, tech, r, email=True, phone=True)
    _set_shown(tech, showEmail=False, showPhone=False)
    for obj, r in seen():
        _check_public(obj, tech, r)


def test_a_customer_showing_email_still_shows_nothing():
    cust = _person("customer")
    _set_shown(cust, showEmail=True, showPhone=True)
    tech = make_user_with_role("technician")
    r = api("GET", "/api/users/%d" % cust["id"], token=tech["token"])
    _check_public(user_of(expect(200, r)), cust, r)


run(globals())
