#!/usr/bin/env bash
# Loads generated customers and bookings into a running Warsha stack's MariaDB for load
# tests of the booking endpoints (tests/load/bench_bookings.sh).
#
#   tests/load/gen_bookings.sh [--customers N] [--bookings N] [--replace | --delete]
#                              [--config FILE]
#
# Default: 100,000 customers and 1,000,000 bookings into the dev stack (scripts/dev up),
# whose connection details are in var/dev/warsha.conf, among the 10,000 technicians of
# tests/load/gen_technicians.sh (run first when none exist). tests/load/gen_bookings.sql
# describes the shape: skewed bookings per customer (the first customers have
# thousands), 3 % guests, every active service, emergencies, two years of creation
# dates, statuses by the scheduled time, technicians from assignment on.
#
# Generated customers have an e-mail at @gen-cust.warsha.test, generated bookings a
# number starting with BKG-. The script refuses to run when some exist already;
# --replace deletes them first, --delete only deletes (the technicians stay:
# tests/load/gen_technicians.sh --delete). None of the customers can sign in (they share
# the hash of a password nobody knows).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
customers=100000
bookings=1000000
domain=gen-cust.warsha.test
# shellcheck source=tests/load/gen_lib.sh
. "$root/tests/load/gen_lib.sh"
gen_options customers bookings -- "$@"

count_generated() {
	db -e "SELECT (SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain') + (SELECT COUNT(*) FROM bookings WHERE number LIKE 'BKG-%')"
}

# Bookings in id ranges of 50,000 (their history, should a test have moved one, first),
# then the customers, so no transaction grows large and the user triggers see each row go.
delete_range_sql() {
	cat <<SQL
DELETE h FROM booking_history h JOIN bookings b ON b.id = h.booking_id
  WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'BKG-%';
DELETE FROM bookings WHERE id BETWEEN $1 AND $2 AND number LIKE 'BKG-%';
SELECT ROW_COUNT();
SQL
}
delete_generated() {
	local n
	delete_ranges 50000 bookings "number LIKE 'BKG-%'" delete_range_sql
	echo "deleted $deleted generated bookings"
	# bookings of others (a benchmark's own) that name a generated customer go too
	n=$(db <<SQL
DELETE h FROM booking_history h JOIN bookings b ON b.id = h.booking_id
  JOIN users u ON u.id = b.customer_id WHERE u.email LIKE '%@$domain';
DELETE b FROM bookings b JOIN users u ON u.id = b.customer_id WHERE u.email LIKE '%@$domain';
DELETE t FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.email LIKE '%@$domain';
DELETE FROM users WHERE email LIKE '%@$domain';
SELECT ROW_COUNT();
SQL
)
	echo "deleted $n generated customers"
}

generate_all() {
	local start took
	need_technicians
	echo "generating $customers customers and $bookings bookings into $(conf_get db_name) ($conf)"
	start=$(now)
	{
		printf "SET @gen_customers = %s, @gen_bookings = %s, @gen_cdomain = '%s' COLLATE utf8mb4_unicode_ci;\n" \
			"$customers" "$bookings" "$domain"
		hash_sql
		govs_sql
		cat "$root/tests/load/gen_bookings.sql"
	} | db >/dev/null
	took=$(elapsed "$start")
	db <<'SQL'
SELECT 'bookings generated', COUNT(*), '  guests', SUM(customer_id IS NULL),
       '  emergencies', SUM(is_emergency), '  with a technician', SUM(technician_id IS NOT NULL)
  FROM bookings WHERE number LIKE 'BKG-%';
SELECT CONCAT('  ', list_status), COUNT(*) FROM bookings WHERE number LIKE 'BKG-%'
  GROUP BY list_status ORDER BY 2 DESC;
SELECT '  most bookings of one customer', MAX(n), '  customers with bookings', COUNT(*) FROM
  (SELECT customer_id, COUNT(*) n FROM bookings WHERE number LIKE 'BKG-%'
     AND customer_id IS NOT NULL GROUP BY customer_id) t;
SELECT '  created from', MIN(created_at), 'to', MAX(created_at) FROM bookings
  WHERE number LIKE 'BKG-%';
SQL
	echo "generated in $took s"
}

gen_main "generated customers (@$domain) or bookings (BKG-…)"
