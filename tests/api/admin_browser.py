"""The dashboard as a browser without script sees it (tests/api/test_admin_pages.py,
test_dashboard_pages.py): cookies kept between requests, forms posted urlencoded with
the page's CSRF token, redirects answered rather than followed."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import api, check, admin_login, cookies_of, make_user_with_role

CSRF = re.compile(r'name="_csrf" value="([0-9a-f]{64})"')


class Browser:
    """Cookies in, cookies out, forms posted; redirects are answers, not followed."""

    def __init__(self):
        self.cookies = {}
        self.csrf = None

    def _keep(self, r):
        for name, (value, attrs) in cookies_of(r).items():
            if "Max-Age=0" in attrs or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r

    def get(self, path):
        return self._keep(api("GET", path, cookies=self.cookies))

    def post(self, path, fields, csrf=True):
        fields = dict(fields)
        if csrf is True:
            fields["_csrf"] = self.csrf
        elif csrf:
            fields["_csrf"] = csrf
        return self._keep(api("POST", path, raw=urllib.parse.urlencode(fields),
                              cookies=self.cookies,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}))

    def page(self, path, status=200):
        r = self.get(path)
        check(r.status == status, "GET %s: want %d, got %s" % (path, status, r.describe()))
        m = CSRF.search(r.body) if isinstance(r.body, str) else None
        if m:
            self.csrf = m.group(1)
        return r.body

    def sign_in(self, email, password, status=303):
        self.page("/admin/login")
        r = self.post("/admin/login", {"email": email, "password": password})
        check(r.status == status, "sign-in of %s: want %d, got %s" % (email, status, r.describe()))
        if status == 303:
            self.page("/admin/")
        return r


def admin_browser():
    a = admin_login()
    b = Browser()
    b.sign_in(a["email"], a["password"])
    return b


def staff(role):
    """A fresh admin or moderator: (user dict, signed-in browser)."""
    u = make_user_with_role(role)
    b = Browser()
    b.sign_in(u["email"], u["password"])
    return u, b


def location(r):
    return r.headers.get("Location") or ""
