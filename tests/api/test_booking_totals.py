"""Capped booking totals (fcgi/store/bookings.c, db_bookings_list): a list whose capped
count comes back over the window answers the lower bound without counting again for a
few seconds on that worker (CAPPED_TTL); exact totals are always counted, and once the
rows fall under the window the exact total is back within that time.

The bookings here are inserted directly (numbers BKT-…) and deleted at the end."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import api, q, expect_list, check, admin_token, db_query, db_scalar, run

WINDOW = 10000
TTL = 5

_tok = []


def _admin():
    if not _tok:
        _tok.append(admin_token())
    return _tok[0]


def _service():
    return int(db_scalar("SELECT id FROM services WHERE is_active = 1 AND deleted_at IS NULL"
                         " ORDER BY id DESC LIMIT 1"))


def _total(sid):
    pg = expect_list(api("GET", q("/api/bookings", serviceId=sid, limit=5), token=_admin()),
                     limit=5)["pagination"]
    return pg["totalItems"], bool(pg.get("totalIsLowerBound"))


def _clean():
    db_query("DELETE FROM bookings WHERE number LIKE 'BKT-%'")


def test_capped_total_is_remembered_then_recounted():
    _clean()
    sid = _service()
    db_query("""INSERT INTO bookings (number, service_id, status, list_status, scheduled_at,
        address, city, governorate, customer_name, customer_phone, problem_description,
        created_at)
      SELECT CONCAT('BKT-', LPAD(seq, 7, '0')), %d, 'completed', 'completed',
        NOW(3) - INTERVAL seq MINUTE, 'Street', 'Cairo', 'C', 'Totals', '+201100000000',
        'totals', NOW(3) - INTERVAL seq MINUTE - INTERVAL 1 HOUR
      FROM seq_1_to_%d""" % (sid, WINDOW + 1))
    # every worker: the lower bound, first counted, then remembered
    for _ in range(12):
        total, lower = _total(sid)
        check(total == WINDOW and lower, "over the window: %s %s" % (total, lower))
    # under the window again: exact once the remembered bound has expired
    db_query("DELETE FROM bookings WHERE number LIKE 'BKT-%%' AND number > 'BKT-%07d'" % 5)
    want = int(db_scalar("SELECT COUNT(*) FROM bookings WHERE service_id = %d" % sid))
    check(want < WINDOW, "still %d bookings of service %d" % (want, sid))
    time.sleep(TTL + 0.5)
    for _ in range(12):
        total, lower = _total(sid)
        check(total == want and not lower, "under the window: %s %s, the table has %d"
              % (total, lower, want))
    # an exact total is never remembered: one more booking shows at once
    db_query("UPDATE bookings SET number = 'BKT-0000006' WHERE number = 'BKT-0000005'")
    db_query("""INSERT INTO bookings (number, service_id, status, list_status, scheduled_at,
        address, city, governorate, customer_name, customer_phone, problem_description)
      VALUES ('BKT-0000005', %d, 'completed', 'completed', NOW(3), 'Street', 'Cairo', 'C',
        'Totals', '+201100000000', 'totals')""" % sid)
    for _ in range(8):
        total, lower = _total(sid)
        check(total == want + 1 and not lower, "after one more: %s, want %d" % (total, want + 1))


def test_zz_clean_up():
    _clean()
    check(int(db_scalar("SELECT COUNT(*) FROM bookings WHERE number LIKE 'BKT-%'")) == 0,
          "generated bookings left")


if __name__ == "__main__":
    run(globals())
