"""POST /api/maintenance/purge-rollups (docs/dashboard.md, "Zero rows"): the roll-up rows
the booking triggers keep (booking_daily_stats, booking_daily_services,
technician_booking_stats, booking_list_days, booking_list_counts) whose counts have all
come back to zero are deleted, a window of each table's primary key at a time; every
other row and every figure of the dashboard stay as they were, a second run finds
nothing, and a booking that comes back to a purged key makes its row again."""
import datetime
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_bilingual, check, admin_token, register_user,
                         make_user_with_role, db_query, db_scalar, at_once, run, Skip, ENV,
                         SOURCE_DIR)
from booking_fixtures import make_service, create

TASK = "/api/maintenance/purge-rollups"
NAMES = ("bookingDailyStats", "bookingDailyServices", "technicianBookingStats",
         "bookingListDays", "bookingListCounts")
# each table, its primary key, and "every count is zero"
TABLES = (
    ("booking_daily_stats", "day, status", "bookings = 0 AND emergency = 0 AND amount = 0"),
    ("booking_daily_services", "day, service_id",
     "bookings = 0 AND completed = 0 AND cancelled = 0 AND emergency = 0 AND revenue = 0"),
    ("technician_booking_stats", "technician_id, status", "bookings = 0 AND amount = 0"),
    ("booking_list_days", "filter, value, day", "n = 0"),
    ("booking_list_counts", "scope, owner_id, filter, value", "n = 0"),
)


def mtoken():
    t = ENV("WARSHA_TEST_MAINTENANCE_TOKEN")
    if not t:
        raise Skip("WARSHA_TEST_MAINTENANCE_TOKEN is not set")
    return t


def purge():
    d = expect(200, api("POST", TASK, headers={"X-Maintenance-Token": mtoken()}))["data"]
    check(sorted(d) == sorted(NAMES), "purge-rollups answered %r" % d)
    for k in NAMES:
        check(isinstance(d[k], int) and not isinstance(d[k], bool) and d[k] >= 0,
              "data.%s = %r" % (k, d[k]))
    return d


def zero_rows(table, zero):
    return int(db_scalar("SELECT COUNT(*) FROM %s WHERE %s" % (table, zero)))


def kept_rows():
    """Every row that is not all zero, of every table, in key order."""
    return {t: db_query("SELECT * FROM %s WHERE NOT (%s) ORDER BY %s" % (t, zero, key))
            for t, key, zero in TABLES}


def old_days():
    """Two days of a year long past, random per run: no other booking is there."""
    d = datetime.date(2003, 1, 1) + datetime.timedelta(days=random.randrange(0, 2500))
    return d, d + datetime.timedelta(days=1)


def figures(d1, d2):
    """The dashboard's figures of the two days, as the admin reads them."""
    tok = admin_token()
    span = {"startDate": d1.isoformat(), "endDate": d2.isoformat()}
    out = {}
    for path, extra in (("/api/analytics/dashboard", {}),
                        ("/api/analytics/bookings", {"groupBy": "day"}),
                        ("/api/analytics/revenue", {"breakdown": "service"}),
                        ("/api/analytics/services", {})):
        params = dict(span, **extra)
        out[path] = expect(200, api("GET", q(path, **params), token=tok))["data"]
    return out


def move(bid, day, technician_id):
    """A write no endpoint makes (the triggers see it as any other): the booking's day of
    creation and its technician."""
    db_query("UPDATE bookings SET created_at = '%s 12:00:00.000', technician_id = %d"
             " WHERE id = %d" % (day.isoformat(), technician_id, bid))


def rollup_matches_bookings(d1, d2):
    """The day roll-ups of the two days hold exactly the GROUP BYs of their bookings."""
    where = "DATE(created_at) BETWEEN '%s' AND '%s'" % (d1, d2)
    span = "day BETWEEN '%s' AND '%s'" % (d1, d2)
    want = db_query("SELECT DATE(created_at), status, COUNT(*), SUM(is_emergency), SUM(total)"
                    " FROM bookings WHERE %s GROUP BY 1, 2 ORDER BY 1, 2" % where)
    got = db_query("SELECT day, status, bookings, emergency, amount FROM booking_daily_stats"
                   " WHERE %s AND bookings <> 0 ORDER BY 1, 2" % span)
    check(want == got, "booking_daily_stats: want %s, got %s" % (want, got))
    want = db_query("SELECT DATE(created_at), service_id, COUNT(*), SUM(status = 'completed'),"
                    " SUM(status = 'cancelled'), SUM(is_emergency),"
                    " SUM(IF(status = 'completed', total, 0)) FROM bookings WHERE %s"
                    " AND service_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2" % where)
    got = db_query("SELECT day, service_id, bookings, completed, cancelled, emergency, revenue"
                   " FROM booking_daily_services WHERE %s AND bookings <> 0 ORDER BY 1, 2"
                   % span)
    check(want == got, "booking_daily_services: want %s, got %s" % (want, got))


def test_the_task_needs_its_token_and_answers_in_both_languages():
    for h in ({}, {"X-Maintenance-Token": "wrong"}, {"X-Maintenance-Token": mtoken() + "x"}):
        expect(401, api("POST", TASK, headers=h), "UNAUTHORIZED")
    # a user's token, even an admin's, is no maintenance token
    expect(401, api("POST", TASK, token=admin_token()), "UNAUTHORIZED")
    expect(401, api("POST", TASK, token=register_user()["token"]), "UNAUTHORIZED")
    expect_bilingual("POST", TASK, headers={"X-Maintenance-Token": mtoken()}, status=200)
    expect(200, api("POST", "/api/v1/maintenance/purge-rollups",
                    headers={"X-Maintenance-Token": mtoken()}))


def test_zero_rows_go_and_every_figure_stays():
    d1, d2 = old_days()
    sid = make_service()
    cust = register_user()
    t1 = make_user_with_role("technician")
    t2 = make_user_with_role("technician")
    bid = create(cust["token"], sid)["id"]
    # the booking goes to an old day with one technician, then to the next day with
    # another: the triggers leave the first day's rows and the first technician's at zero
    move(bid, d1, t1["id"])
    move(bid, d2, t2["id"])
    # cancelled: its status rows (the day's, the customer's, the technician's) go to zero
    expect(200, api("PUT", "/api/bookings/%d/cancel" % bid, {"reason": "changed my mind"},
                    token=cust["token"]))
    made = {t: zero_rows(t, zero) for t, _, zero in TABLES}
    check(all(n > 0 for n in made.values()), "zero rows made by the triggers: %s" % made)
    # a row whose bookings are zero but whose other counts are not has drifted: it stays
    drift = d1 - datetime.timedelta(days=1)
    db_query("INSERT INTO booking_daily_services (day, service_id, bookings, cancelled)"
             " VALUES ('%s', %d, 0, 1)" % (drift, sid))
    try:
        kept = kept_rows()
        before = figures(d1, d2)
        check(before["/api/analytics/dashboard"]["overview"]["totalBookings"] == 1,
              "the two days' figures: %s" % before["/api/analytics/dashboard"]["overview"])

        got = purge()
        for (t, _, zero), name in zip(TABLES, NAMES):
            check(got[name] >= made[t], "%s: %d removed of %d zero rows" % (name, got[name],
                                                                         made[t]))
            check(zero_rows(t, zero) == 0, "%s still holds zero rows" % t)
        check(kept_rows() == kept, "a row with a count was removed or changed")
        check(figures(d1, d2) == before, "the dashboard's figures changed")
        check(db_scalar("SELECT cancelled FROM booking_daily_services WHERE day = '%s'"
                        " AND service_id = %d" % (drift, sid)) == "1", "the drifted row went")

        # a second run right away has nothing to do
        again = purge()
        check(all(again[k] == 0 for k in NAMES), "a second run removed rows: %s" % again)
        check(kept_rows() == kept and figures(d1, d2) == before, "a second run changed rows")
    finally:
        db_query("DELETE FROM booking_daily_services WHERE day = '%s' AND service_id = %d"
                 % (drift, sid))

    # the booking comes back to a purged key: the triggers' upserts make its rows again
    move(bid, d1, t1["id"])
    check(db_query("SELECT bookings, cancelled FROM booking_daily_services WHERE day = '%s'"
                   " AND service_id = %d" % (d1, sid)) == [["1", "1"]],
          "the first day's service row was not made again")
    check(db_query("SELECT bookings FROM technician_booking_stats WHERE technician_id = %d"
                   % t1["id"]) == [["1"]], "the first technician's row was not made again")
    check(db_query("SELECT n FROM booking_list_days WHERE filter = 'none' AND value = ''"
                   " AND day = '%s'" % d1) == [["1"]], "the first day's list row")
    rollup_matches_bookings(d1, d2)
    d = figures(d1, d2)["/api/analytics/dashboard"]["overview"]
    check(d["totalBookings"] == 1 and d["cancelledBookings"] == 1, "overview %s" % d)


def test_a_long_table_is_walked_window_by_window():
    """More zero rows than a window (1,000 keys) in every table, and in the last filter of
    the tables kept per filter: all go, in several units of work."""
    base = 900000000 + random.randrange(0, 1000000) * 10000
    n = 2500
    seq = "seq_1_to_%d" % n
    db_query("INSERT INTO booking_daily_stats (day, status, bookings)"
             " SELECT DATE('1200-01-01') + INTERVAL seq DAY, 'qa-zero', 0 FROM %s" % seq)
    db_query("INSERT INTO booking_daily_services (day, service_id, bookings)"
             " SELECT DATE('1200-01-01') + INTERVAL (seq MOD 7) DAY, %d + seq, 0 FROM %s"
             % (base, seq))
    db_query("INSERT INTO technician_booking_stats (technician_id, status, bookings, amount)"
             " SELECT %d + seq DIV 2, IF(seq MOD 2, 'pending', 'completed'), 0, 0 FROM %s"
             % (base, seq))
    db_query("INSERT INTO booking_list_days (filter, value, day, n)"
             " SELECT 'scheduled', '', DATE('1200-01-01') + INTERVAL seq DAY, 0 FROM %s" % seq)
    db_query("INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)"
             " SELECT 'technician', %d + seq, 'emergency', '1', 0 FROM %s" % (base, seq))
    kept = kept_rows()
    got = purge()
    for (t, _, zero), name in zip(TABLES, NAMES):
        check(got[name] >= n, "%s: %d removed" % (name, got[name]))
        check(zero_rows(t, zero) == 0, "%s still holds zero rows" % t)
    check(kept_rows() == kept, "a row with a count was removed or changed")
    check(all(v == 0 for v in purge().values()), "a second run removed rows")


def test_bookings_moving_while_the_task_runs_stay_counted():
    """A booking moves from day to day through keys whose rows are zero while the task
    deletes them: a row the task deleted first is made again by the trigger's upsert, a
    row the trigger holds is not zero when the task reads it. Either way the roll-up
    ends equal to the bookings."""
    d1, _ = old_days()
    days = [d1 + datetime.timedelta(days=i) for i in range(30)]
    sid = make_service()
    cust = register_user()
    tech = make_user_with_role("technician")
    bid = create(cust["token"], sid)["id"]
    # the booking's thirty days and 20,000 more keys around them, all zero
    db_query("INSERT IGNORE INTO booking_daily_services (day, service_id, bookings)"
             " SELECT DATE('%s') + INTERVAL (seq MOD 30) DAY, seq DIV 30 + %d, 0"
             " FROM seq_0_to_19999" % (d1, sid))
    db_query("INSERT IGNORE INTO booking_daily_stats (day, status, bookings)"
             " SELECT DATE('%s') + INTERVAL seq DAY, s.status, 0 FROM seq_0_to_29,"
             " (SELECT DISTINCT status FROM booking_daily_stats) s" % d1)

    def moves():
        for d in days:
            move(bid, d, tech["id"])
        return True

    a, _ = at_once(purge, moves)
    check(a["bookingDailyServices"] > 0, "the task ran beside the moves: %s" % a)
    purge()
    rollup_matches_bookings(days[0], days[-1])
    check(db_query("SELECT day, bookings FROM booking_daily_services WHERE service_id = %d"
                   " AND day BETWEEN '%s' AND '%s'" % (sid, days[0], days[-1]))
          == [[days[-1].isoformat(), "1"]], "the service's rows of the thirty days")


def test_each_window_is_a_range_of_the_primary_key():
    """--explain-lists EXPLAINs the walk's statements (tests/api/test_lists.py judges every
    family's plans): each reads a range of its table's primary key, never the whole
    table, never a sort."""
    conf = ENV("WARSHA_TEST_CONFIG")
    binary = ENV("WARSHA_TEST_FCGI_BIN") or os.path.join(SOURCE_DIR, "build", "warsha-fcgi")
    if not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_CONFIG or the warsha-fcgi binary is missing")
    db_query("ANALYZE TABLE " + ", ".join(t for t, _, _ in TABLES))
    p = subprocess.run([binary, "--config", conf, "--explain-lists"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0, "--explain-lists failed:\n%s" % out)
    stmts = [l for l in out.splitlines() if l.startswith("stmt\trollups\t")]
    check(len(stmts) == 15, "rollups statements explained: %d" % len(stmts))
    plans = [l.split("\t") for l in out.splitlines() if l.startswith("plan\trollups\t")]
    check(len(plans) == 15, plans)
    for cols in plans:
        f = dict(c.split("=", 1) for c in cols[3:])
        check(f["type"] == "range" and f["key"] == "PRIMARY" and "filesort" not in f["Extra"],
              "a window's plan: %s" % "\t".join(cols))


if __name__ == "__main__":
    run(globals())
