"""Booking list totals and deep pages (fcgi/store/bookings.c, db_bookings_list;
sql/migrations/0029_booking_list_counts.sql).

Totals come from counters the booking triggers keep: per day, filter and value for the
staff's lists, per customer and technician for theirs. They must stay exact through
every write: a creation, an approval, an assignment and a reassignment, a status move,
a cancellation, a row deleted, a row's creation day changed. Each step compares every
total with the rows the list itself walks (by cursor, the slow path), and at the end one
statement compares every counter row with the bookings it counts.

A page past the first reads the key of its first row from the index alone and then the
page from that key; the pages must equal what OFFSET over the same order gives.

The bookings inserted directly carry numbers BKC-… and are deleted at the end."""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import (api, q, expect, expect_list, check, admin_token, register_user,
                         db_query, db_scalar, run)
from booking_fixtures import make_service, create, put, technician, em_service

# every counter row against the rows it counts, in one statement (one read view):
# the keys whose counter differs from the bookings
def _branch(f, v, d, n, table="bookings", where=None):
    sql = ("SELECT CONVERT(%s USING ascii) AS f, CONVERT(%s USING ascii) AS v,"
           " CONVERT(%s USING ascii) AS d, %s AS n FROM %s" % (f, v, d, n, table))
    return sql + (" WHERE %s" % where if where else "")


_OWNED = "%s_id IS NOT NULL"
MISMATCHES = "SELECT f, v, d, SUM(n) FROM (%s) x GROUP BY f, v, d HAVING SUM(n) <> 0 LIMIT 20" % (
    " UNION ALL ".join([
        _branch("filter", "value", "day", "-n", "booking_list_days"),
        _branch("'none'", "''", "DATE(created_at)", "1"),
        _branch("'status'", "list_status", "DATE(created_at)", "1"),
        _branch("'service'", "service_id", "DATE(created_at)", "1",
                where="service_id IS NOT NULL"),
        _branch("'emergency'", "is_emergency", "DATE(created_at)", "1"),
        _branch("'scheduled'", "''", "DATE(scheduled_at)", "1"),
        _branch("CONCAT(scope, ':', filter)", "value", "owner_id", "-n", "booking_list_counts"),
    ] + [_branch("'%s:%s'" % (scope, f), v, "%s_id" % scope, "1",
                 where=_OWNED % scope + (" AND service_id IS NOT NULL" if f == "service" else ""))
         for scope in ("customer", "technician")
         for f, v in (("none", "''"), ("status", "list_status"), ("service", "service_id"),
                      ("emergency", "is_emergency"))]))


def counters_match():
    bad = db_query(MISMATCHES)
    check(not bad, "counters differ from the bookings (filter, value, day/owner, diff): %s"
          % bad)


def walk(path, token, **params):
    """(ids by cursor, the first page's total and lower-bound flag)"""
    ids, cursor, first = [], None, None
    for _ in range(100):
        p = dict(params, limit=50)
        if cursor:
            p["cursor"] = cursor
        body = expect_list(api("GET", q(path, **p), token=token), limit=50)
        if first is None:
            first = body["pagination"]
        ids += [b["id"] for b in body["data"]]
        cursor = body["pagination"].get("nextCursor")
        if not cursor:
            return ids, first["totalItems"], bool(first.get("totalIsLowerBound"))
    check(False, "too many pages")


def exact(path, token, want=None, **params):
    ids, total, lower = walk(path, token, **params)
    check(not lower and total == len(ids),
          "%s %s: total %s (lower bound %s), the list has %d" % (path, params, total, lower,
                                                                len(ids)))
    if want is not None:
        check(sorted(ids) == sorted(want), "%s %s: %s, expected %s" % (path, params,
                                                                       sorted(ids), sorted(want)))
    return ids


def today():
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def test_counts_stay_exact_through_every_write():
    adm = admin_token()
    c = register_user(role="customer")
    t1, t2 = technician(), technician()
    sid = make_service(requires_approval=True)
    esid = em_service()
    b = [create(c["token"], sid)["id"] for _ in range(3)]
    e = create(c["token"], esid, isEmergency=True)["id"]
    everyone = b + [e]

    def tech(t):
        return [int(r[0]) for r in db_query("SELECT id FROM bookings WHERE technician_id = %d"
                                            % t["id"])]

    def lists(mine, approved, cancelled, pending, dated=None):
        t1_ids, t2_ids = tech(t1), tech(t2)
        exact("/api/bookings/my", c["token"], mine)
        exact("/api/bookings/my", c["token"], approved, status="approved")
        exact("/api/bookings/my", c["token"], cancelled, status="cancelled")
        exact("/api/bookings/my", c["token"], pending, status="pending_approval")
        exact("/api/bookings/my", c["token"], [i for i in mine if i != e], serviceId=sid)
        exact("/api/bookings/my", c["token"], [i for i in mine if i == e], isEmergency="true")
        exact("/api/bookings/my", c["token"], [i for i in mine if i != e], isEmergency="false")
        exact("/api/bookings/my", c["token"], mine if dated is None else dated,
              **{"from": today(), "to": today()})
        exact("/api/bookings", adm, [i for i in mine if i != e], serviceId=sid)
        exact("/api/bookings", adm, [i for i in (mine if dated is None else dated) if i != e],
              serviceId=sid, **{"from": today()})
        exact("/api/bookings", t1["token"], t1_ids)
        exact("/api/bookings", t1["token"], [i for i in t1_ids if i in approved],
              status="approved")
        exact("/api/bookings", t2["token"], t2_ids)
        exact("/api/bookings", t2["token"], [i for i in t2_ids if i in cancelled],
              status="cancelled")
        counters_match()

    # created: waiting for approval (the emergency service needs none)
    lists(everyone, [e], [], b)
    check(tech(t1) == [] and tech(t2) == [], "no technician yet")
    # approved, then assigned: the technician's list gains it
    expect(200, put(b[0], "approve", {"approved": True}, adm))
    expect(200, put(b[0], "assign-technician", {"technicianId": t1["id"]}, adm))
    lists(everyone, [b[0], e], [], b[1:])
    check(tech(t1) == [b[0]], "assigned to %s" % tech(t1))
    # reassigned: it moves from one technician's counters to the other's
    expect(200, put(b[0], "assign-technician", {"technicianId": t2["id"]}, adm))
    expect(200, put(e, "assign-technician", {"technicianId": t1["id"]}, adm))
    lists(everyone, [b[0], e], [], b[1:])
    check(tech(t1) == [e] and tech(t2) == [b[0]], "reassigned: %s %s" % (tech(t1), tech(t2)))
    # a status move by the technician, a cancellation by the customer, one by DELETE
    expect(200, put(b[0], "status", {"status": "on_way"}, t2["token"]))
    expect(200, put(b[1], "cancel", {}, c["token"]))
    expect(200, api("DELETE", "/api/bookings/%d" % e, token=c["token"]))
    lists(everyone, [], [b[1], e], [b[2]])
    # a row deleted, a row moved to another day (both bypass the API)
    db_query("DELETE FROM booking_history WHERE booking_id = %d" % b[2])
    db_query("DELETE FROM realtime_events WHERE room = 'booking:%d'" % b[2])
    db_query("DELETE FROM bookings WHERE id = %d" % b[2])
    db_query("UPDATE bookings SET created_at = created_at - INTERVAL 3 DAY,"
             " scheduled_at = scheduled_at + INTERVAL 1 DAY WHERE id = %d" % b[1])
    lists([b[0], b[1], e], [], [b[1], e], [], dated=[b[0], e])
    two_days_ago = (datetime.datetime.now(datetime.timezone.utc).date()
                    - datetime.timedelta(days=2)).isoformat()
    exact("/api/bookings/my", c["token"], [b[1]], to=two_days_ago)
    exact("/api/bookings", adm, [b[1]], serviceId=sid, to=two_days_ago)


def test_totals_of_undated_lists_read_counters():
    """The staff's whole list and a filter of it answer their exact total, even past the
    window (no lower bound): the sum of the day rows equals a count of the table."""
    adm = admin_token()
    for params, where in (({}, "1"), ({"status": "cancelled"}, "list_status = 'cancelled'"),
                          ({"isEmergency": "true"}, "is_emergency = 1")):
        r = expect_list(api("GET", q("/api/bookings", limit=1, **params), token=adm), limit=1)
        pg = r["pagination"]
        want = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE %s" % where))
        # other suites may write bookings meanwhile: the total lies within a few
        check(abs(pg["totalItems"] - want) <= 50 and not pg.get("totalIsLowerBound"),
              "%s: total %s, the table has %d" % (params, pg, want))
    counters_match()


def _insert(n, customer_id, service_id):
    """n bookings of one customer and service, created a minute apart, every fifth pair
    at the same millisecond (ties cut by id), statuses mixed."""
    db_query("""INSERT INTO bookings (number, customer_id, service_id, status, list_status,
        scheduled_at, is_emergency, address, city, governorate, customer_name,
        customer_phone, problem_description, created_at)
      SELECT CONCAT('BKC-', %d, '-', seq), %d, %d,
        ELT(1 + seq %% 3, 'completed', 'cancelled', 'approved'),
        ELT(1 + seq %% 3, 'completed', 'cancelled', 'approved'),
        NOW(3) + INTERVAL (seq * 37) %% 500 HOUR, seq %% 7 = 0, 'Street', 'Cairo', 'cairo',
        'Deep', '+201100000000', 'deep pages',
        NOW(3) - INTERVAL 1 DAY - INTERVAL (seq - seq %% 5 %% 2) MINUTE
      FROM seq_1_to_%d""" % (customer_id, customer_id, service_id, n))


def _slow(where, order, offset, limit):
    return [int(r[0]) for r in db_query(
        "SELECT id FROM bookings WHERE %s ORDER BY %s DESC, id DESC LIMIT %d OFFSET %d"
        % (where, order, limit, offset))]


def test_deep_pages_equal_offset_over_the_same_order():
    adm = admin_token()
    c = register_user(role="customer")
    sid = make_service(requires_approval=False)
    n = 240
    _insert(n, c["id"], sid)
    mine = "customer_id = %d" % c["id"]
    cases = [
        ("/api/bookings/my", c["token"], {}, mine, "created_at"),
        ("/api/bookings/my", c["token"], {"status": "cancelled"},
         mine + " AND list_status = 'cancelled'", "created_at"),
        ("/api/bookings/my", c["token"], {"isEmergency": "true"},
         mine + " AND is_emergency = 1", "created_at"),
        ("/api/bookings", adm, {"serviceId": sid}, "service_id = %d" % sid, "created_at"),
        ("/api/bookings", adm, {"serviceId": sid, "to": today()},
         "service_id = %d AND created_at <= '%s 23:59:59.999'" % (sid, today()), "created_at"),
        ("/api/bookings/my", c["token"], {"scheduledFrom": today()},
         mine + " AND scheduled_at >= '%s'" % today(), "scheduled_at"),
    ]
    for path, tok, params, where, order in cases:
        count = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE %s" % where))
        for limit in (7, 25):
            pages = (count + limit - 1) // limit
            for page in sorted({1, 2, 3, pages - 1, pages, pages + 1}):
                if page < 1:
                    continue
                body = expect_list(api("GET", q(path, page=page, limit=limit, **params),
                                       token=tok), page=page, limit=limit)
                got = [x["id"] for x in body["data"]]
                want = _slow(where, order, (page - 1) * limit, limit)
                check(got == want, "%s %s page %d of %d: %s, OFFSET gives %s"
                      % (path, params, page, limit, got, want))
                check(body["pagination"]["totalItems"] == count,
                      "%s %s: total %s, %d rows" % (path, params, body["pagination"], count))
                nxt = body["pagination"].get("nextCursor")
                check(bool(nxt) == (page * limit < count),
                      "%s %s page %d: nextCursor %r" % (path, params, page, nxt))
        # the cursor walk gives the same order as OFFSET over everything
        ids, total, lower = walk(path, tok, **params)
        check(ids == _slow(where, order, 0, count + 1) and total == count and not lower,
              "%s %s: cursor walk differs from the order" % (path, params))
    counters_match()


def test_zz_clean_up():
    db_query("DELETE FROM bookings WHERE number LIKE 'BKC-%'")
    counters_match()


if __name__ == "__main__":
    run(globals())
