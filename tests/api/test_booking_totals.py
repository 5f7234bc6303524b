"""Booking totals past the window (fcgi/store/bookings.c, db_bookings_list). The staff's
lists read counters: exact at any size, at once. A customer's list with a date range
counts its index, capped: a count that comes back over the window answers the lower
bound without counting again for a few seconds on that worker (CAPPED_TTL); exact
totals are always counted, and once the rows fall under the window the exact total is
back within that time.

The bookings here are inserted directly (numbers BKT-…) and deleted at the end."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datetime

from warsha_test import (api, q, expect_list, check, admin_token, register_user, db_query,
                         db_scalar, run)

WINDOW = 10000
TTL = 5

_tok = []
_cust = []


def _admin():
    if not _tok:
        _tok.append(admin_token())
    return _tok[0]


def _service():
    return int(db_scalar("SELECT id FROM services WHERE is_active = 1 AND deleted_at IS NULL"
                         " ORDER BY id DESC LIMIT 1"))


def _customer():
    if not _cust:
        _cust.append(register_user(role="customer"))
    return _cust[0]


def _total(sid):
    """the staff's list of the service (counters)"""
    pg = expect_list(api("GET", q("/api/bookings", serviceId=sid, limit=5), token=_admin()),
                     limit=5)["pagination"]
    return pg["totalItems"], bool(pg.get("totalIsLowerBound"))


def _dated_total():
    """the customer's own list since yesterday (a capped count)"""
    since = (datetime.datetime.now(datetime.timezone.utc).date()
             - datetime.timedelta(days=1)).isoformat()
    pg = expect_list(api("GET", q("/api/bookings/my", limit=5, **{"from": since}),
                         token=_customer()["token"]), limit=5)["pagination"]
    return pg["totalItems"], bool(pg.get("totalIsLowerBound"))


def _clean():
    db_query("DELETE FROM bookings WHERE number LIKE 'BKT-%'")


def test_capped_total_is_remembered_then_recounted():
    _clean()
    sid = _service()
    cid = _customer()["id"]
    db_query("""INSERT INTO bookings (number, customer_id, service_id, status, list_status,
        scheduled_at, address, city, governorate, customer_name, customer_phone,
        problem_description, created_at)
      SELECT CONCAT('BKT-', LPAD(seq, 7, '0')), %d, %d, 'completed', 'completed',
        NOW(3) - INTERVAL seq SECOND, 'Street', 'Cairo', 'C', 'Totals', '+201100000000',
        'totals', NOW(3) - INTERVAL seq SECOND - INTERVAL 1 HOUR
      FROM seq_1_to_%d""" % (cid, sid, WINDOW + 1))
    # the staff's list: the exact total from the counters, at once
    want = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE service_id = %d" % sid))
    check(want > WINDOW, "only %d bookings of service %d" % (want, sid))
    for _ in range(4):
        total, lower = _total(sid)
        check(total == want and not lower, "staff, past the window: %s %s, the table has %d"
              % (total, lower, want))
    # the customer's dated list, every worker: the lower bound, first counted, then
    # remembered
    for _ in range(12):
        total, lower = _dated_total()
        check(total == WINDOW and lower, "over the window: %s %s" % (total, lower))
    # under the window again: exact once the remembered bound has expired
    db_query("DELETE FROM bookings WHERE number LIKE 'BKT-%%' AND number > 'BKT-%07d'" % 5)
    mine = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE customer_id = %d" % cid))
    check(mine == 5, "the customer still has %d bookings" % mine)
    total, lower = _total(sid)
    want = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE service_id = %d" % sid))
    check(total == want and not lower, "staff, after the deletion: %s, the table has %d"
          % (total, want))
    time.sleep(TTL + 0.5)
    for _ in range(12):
        total, lower = _dated_total()
        check(total == mine and not lower, "under the window: %s %s, the customer has %d"
              % (total, lower, mine))
    # an exact total is never remembered: one more booking shows at once
    db_query("UPDATE bookings SET number = 'BKT-0000006' WHERE number = 'BKT-0000005'")
    db_query("""INSERT INTO bookings (number, customer_id, service_id, status, list_status,
        scheduled_at, address, city, governorate, customer_name, customer_phone,
        problem_description)
      VALUES ('BKT-0000005', %d, %d, 'completed', 'completed', NOW(3), 'Street', 'Cairo', 'C',
        'Totals', '+201100000000', 'totals')""" % (cid, sid))
    for _ in range(8):
        total, lower = _dated_total()
        check(total == mine + 1 and not lower, "after one more: %s, want %d" % (total, mine + 1))
        total, lower = _total(sid)
        check(total == want + 1 and not lower, "staff, after one more: %s, want %d"
              % (total, want + 1))


def test_zz_clean_up():
    _clean()
    check(int(db_scalar("SELECT COUNT(*) FROM bookings WHERE number LIKE 'BKT-%'")) == 0,
          "generated bookings left")


if __name__ == "__main__":
    run(globals())
