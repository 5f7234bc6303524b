#!/usr/bin/env python3
"""The dashboard's benchmark: latency of the overview and analytics pages and of every
analytics endpoint against a stack holding many bookings (tests/load/gen_bookings.sh loads a
million), one request at a time through nginx, N times each: median, p99 and max.

  tests/load/bench_dashboard.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD [N]

The figures are in the README ("The dashboard at a million bookings")."""
import http.client
import json
import re
import sys
import time
import urllib.parse

base, email, password = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 100
u = urllib.parse.urlsplit(base)


def req(method, path, body=None, headers=None):
    c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data


r, data = req("POST", "/api/auth/login", json.dumps({"email": email, "password": password,
              "type": "admins"}), {"Content-Type": "application/json"})
token = json.loads(data)["data"]["token"]
r, data = req("GET", "/admin/login")
lcsrf = re.search(r'name="_csrf" value="([0-9a-f]+)"', data.decode()).group(1)
cookie = "warsha_login_csrf=" + lcsrf
r, data = req("POST", "/admin/login", urllib.parse.urlencode({"_csrf": lcsrf, "email": email,
              "password": password}), {"Content-Type": "application/x-www-form-urlencoded",
                                       "Cookie": cookie})
session = [c for c in r.headers.get_all("Set-Cookie") if "warsha_admin=" in c][0].split(";")[0]

cases = [("page /admin/ (30 days)", "/admin/", {"Cookie": session}),
         ("page /admin/?period=1year", "/admin/?period=1year", {"Cookie": session}),
         ("page /admin/analytics (30 days)", "/admin/analytics", {"Cookie": session}),
         ("page /admin/analytics a year by month", "/admin/analytics?period=1year&groupBy=month",
          {"Cookie": session})]
for path in ("/api/analytics/dashboard", "/api/analytics/dashboard?period=1year",
             "/api/analytics/bookings?period=90days&groupBy=week",
             "/api/analytics/revenue?period=1year&breakdown=service",
             "/api/analytics/technicians", "/api/analytics/services?period=1year",
             "/api/admin/stats", "/api/admin/activity-log"):
    cases.append((path, path, {"Authorization": "Bearer " + token}))
for name, path, headers in cases:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r, data = req("GET", path, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            sys.exit("%s: %d %s" % (path, r.status, data[:200]))
    times.sort()
    print("%-52s median %6.1f ms  p99 %6.1f ms  max %6.1f ms" % (
        name, times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))],
        times[-1]))
