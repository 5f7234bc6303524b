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
conf=$root/var/dev/warsha.conf
customers=100000
bookings=1000000
mode=generate
domain=gen-cust.warsha.test

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'gen_bookings: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--customers) [ $# -ge 2 ] || usage; customers=$2; shift 2 ;;
	--bookings) [ $# -ge 2 ] || usage; bookings=$2; shift 2 ;;
	--replace) mode=replace; shift ;;
	--delete) mode=delete; shift ;;
	--config) [ $# -ge 2 ] || usage; conf=$2; shift 2 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
done
for v in "$customers" "$bookings"; do
	if ! [[ "$v" =~ ^[1-9][0-9]*$ ]] || [ "$v" -gt 1000000 ]; then
		die "--customers and --bookings must be 1 to 1000000 (the generator draws from seq_1_to_1000000)"
	fi
done
[ -r "$conf" ] || die "no $conf (start the dev stack: scripts/dev up)"
command -v mariadb >/dev/null || die "the mariadb client is not installed (scripts/dev deps)"

conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1 | sed 's/[[:space:]]*$//'; }

# The application's own account, as warsha.conf describes it (as tests/load/gen_users.sh).
db_args=(--no-defaults --default-character-set=utf8mb4 -u "$(conf_get db_user)")
socket=$(conf_get db_socket)
if [ -n "$socket" ]; then
	db_args+=(--socket="$socket")
else
	db_args+=(--host="$(conf_get db_host)" --port="$(conf_get db_port)" --protocol=tcp)
fi
db_args+=("$(conf_get db_name)")
export MYSQL_PWD
MYSQL_PWD=$(conf_get db_password)
db() { mariadb "${db_args[@]}" --batch --skip-column-names "$@"; }

db -e 'SELECT 1' >/dev/null || die "cannot reach the database of $conf (is the stack up?)"

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Bookings in id ranges of 50,000 (their history, should a test have moved one, first),
# then the customers, so no transaction grows large and the user triggers see each row go.
delete_generated() {
	local lo hi from n total=0
	read -r lo hi < <(db -e "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM bookings WHERE number LIKE 'BKG-%'")
	if [ "$lo" -gt 0 ]; then
		for ((from = lo; from <= hi; from += 50000)); do
			n=$(db <<SQL
DELETE h FROM booking_history h JOIN bookings b ON b.id = h.booking_id
  WHERE b.id BETWEEN $from AND $((from + 49999)) AND b.number LIKE 'BKG-%';
DELETE FROM bookings WHERE id BETWEEN $from AND $((from + 49999)) AND number LIKE 'BKG-%';
SELECT ROW_COUNT();
SQL
)
			total=$((total + n))
		done
	fi
	echo "deleted $total generated bookings"
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

existing=$(db -e "SELECT (SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain') + (SELECT COUNT(*) FROM bookings WHERE number LIKE 'BKG-%')")
start=$(date +%s.%N)
case "$mode" in
delete)
	delete_generated
	;;
generate | replace)
	if [ "$existing" -gt 0 ]; then
		[ "$mode" = replace ] ||
			die "generated customers (@$domain) or bookings (BKG-…) exist already: --replace deletes them first, --delete only deletes"
		delete_generated
	fi
	techs=$(db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@gen-tech.warsha.test'")
	if [ "$techs" -eq 0 ]; then
		bash "$root/tests/load/gen_technicians.sh" --config "$conf"
	fi
	echo "generating $customers customers and $bookings bookings into $(conf_get db_name) ($conf)"
	gen_start=$(date +%s.%N)
	{ printf "SET @gen_customers = %s, @gen_bookings = %s, @gen_cdomain = '%s' COLLATE utf8mb4_unicode_ci;\n" \
		"$customers" "$bookings" "$domain"; cat "$root/tests/load/gen_bookings.sql"; } | db >/dev/null
	gen_end=$(date +%s.%N)
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
	echo "generated in $(elapsed "$gen_start" "$gen_end") s"
	;;
esac
echo "took $(elapsed "$start" "$(date +%s.%N)") s in all"
