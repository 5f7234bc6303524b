#!/usr/bin/env bash
# Loads generated bookings into a running Warsha stack's MariaDB, for the dashboard's
# benchmark (tests/load/bench_dashboard.sh): the overview and the analytics endpoints
# read roll-ups, so their time must not grow with the bookings.
#
#   tests/load/gen_bookings.sh [--count N] [--delete] [--config FILE]
#
# Default: 1,000,000 bookings into the dev stack (var/dev/warsha.conf). They are
# guests' bookings (no customer) of the catalog's live services, created over the last
# two years, with the statuses of a running platform (55 % completed, 15 % cancelled,
# the rest on the way through), one in ten an emergency. Their numbers start with
# BK-GEN-; --delete removes them. Inserted through the table's triggers in chunks of
# 50,000, so the roll-ups (booking_daily_stats, technician_booking_stats) are kept as
# the application keeps them.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
conf=$root/var/dev/warsha.conf
count=1000000
mode=generate
chunk=50000

die() { printf 'gen_bookings: %s\n' "$*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case "$1" in
	--count) [ $# -ge 2 ] || die "--count N"; count=$2; shift 2 ;;
	--delete) mode=delete; shift ;;
	--config) [ $# -ge 2 ] || die "--config FILE"; conf=$2; shift 2 ;;
	*) sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] && [ "$count" -le 1000000 ] || die "--count must be 1 to 1000000"
[ -r "$conf" ] || die "no $conf (start the dev stack: scripts/dev up)"
conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1 | sed 's/[[:space:]]*$//'; }
db_args=(--no-defaults --default-character-set=utf8mb4 -u "$(conf_get db_user)")
socket=$(conf_get db_socket)
if [ -n "$socket" ]; then db_args+=(--socket="$socket"); else
	db_args+=(--host="$(conf_get db_host)" --port="$(conf_get db_port)" --protocol=tcp); fi
db_args+=("$(conf_get db_name)")
export MYSQL_PWD
MYSQL_PWD=$(conf_get db_password)
db() { mariadb "${db_args[@]}" --batch --skip-column-names "$@"; }

if [ "$mode" = delete ]; then
	while :; do
		n=$(db -e "DELETE FROM booking_history WHERE booking_id IN (SELECT id FROM (SELECT id
		    FROM bookings WHERE number LIKE 'BK-GEN-%' LIMIT $chunk) t);
		    DELETE FROM bookings WHERE number LIKE 'BK-GEN-%' LIMIT $chunk; SELECT ROW_COUNT();")
		[ "$n" -gt 0 ] || break
	done
	echo "deleted the generated bookings"
	exit 0
fi
[ "$(db -e "SELECT COUNT(*) FROM bookings WHERE number LIKE 'BK-GEN-%'")" -eq 0 ] ||
	die "generated bookings exist already (--delete first)"
nsvc=$(db -e "SELECT COUNT(*) FROM services WHERE deleted_at IS NULL AND is_active = 1")
[ "$nsvc" -gt 0 ] || die "no live services"
start=1
t0=$(date +%s)
while [ "$start" -le "$count" ]; do
	end=$((start + chunk - 1))
	[ "$end" -le "$count" ] || end=$count
	db <<SQL
CREATE TEMPORARY TABLE IF NOT EXISTS gen_svc (slot INT PRIMARY KEY, id BIGINT, price BIGINT) ENGINE=MEMORY;
DELETE FROM gen_svc;
INSERT INTO gen_svc SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, base_price FROM services
  WHERE deleted_at IS NULL AND is_active = 1;
INSERT INTO bookings (number, customer_id, service_id, status, list_status, scheduled_at,
    is_emergency, address, city, governorate, customer_name, customer_phone,
    problem_description, base_price, total, created_at)
SELECT CONCAT('BK-GEN-', LPAD(s.seq, 7, '0')), NULL, v.id,
    ELT(1 + h.r % 20, 'completed','completed','completed','completed','completed','completed',
        'completed','completed','completed','completed','completed','cancelled','cancelled',
        'cancelled','pending_approval','approved','technician_assigned','on_way','in_progress',
        'rejected'),
    ELT(1 + h.r % 20, 'completed','completed','completed','completed','completed','completed',
        'completed','completed','completed','completed','completed','cancelled','cancelled',
        'cancelled','pending_approval','approved','approved','on_way','in_progress','rejected'),
    h.at + INTERVAL 2 DAY, h.r % 10 = 0, 'Generated street', 'Cairo', 'C',
    'Generated Customer', '+201000000000', 'Generated booking', v.price, v.price, h.at
FROM seq_1_to_1000000 s
JOIN (SELECT seq, CONV(SUBSTR(MD5(CONCAT('b', seq)), 1, 8), 16, 10) AS r,
             NOW(3) - INTERVAL (CONV(SUBSTR(MD5(CONCAT('t', seq)), 1, 8), 16, 10) % (730 * 86400)) SECOND AS at
      FROM seq_1_to_1000000 WHERE seq BETWEEN $start AND $end) h ON h.seq = s.seq
JOIN gen_svc v ON v.slot = h.r DIV 20 % $nsvc
WHERE s.seq BETWEEN $start AND $end;
SQL
	printf 'gen_bookings: %d of %d (%d s)\n' "$end" "$count" $(($(date +%s) - t0))
	start=$((end + 1))
done
db -e "ANALYZE TABLE bookings, booking_daily_stats, technician_booking_stats" >/dev/null
echo "generated $count bookings in $(($(date +%s) - t0)) s; roll-up rows:" \
	"$(db -e 'SELECT COUNT(*) FROM booking_daily_stats')"
