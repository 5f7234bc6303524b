#!/usr/bin/env bash
# Warsha outbox benchmark: how many outbox rows a second warsha-notifier delivers to the
# `file` transports (e-mail rendered from its templates into a multipart .eml, SMS into
# a text file), claims, leases and outcomes included.
#
#   tests/load/bench_outbox.sh [STACK_DIR]          (scripts/dev bench outbox)
#
# STACK_DIR: the stack's directory, var/dev by default (its warsha.conf, pid files and
# spool). The stack's notifier is paused (SIGSTOP) while BENCH_OUTBOX_ROWS rows (20,000)
# are queued, 80 % e-mail and 20 % SMS, with user_id NULL (no preference look-up), then
# continued; the clock runs from then until the last row is sent. The rows and their
# files are deleted afterwards. Target: 1,000 messages a second or more.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
sdir=${1:-$root/var/dev}
rows=${BENCH_OUTBOX_ROWS:-20000}
conf=$sdir/warsha.conf
pidfile=$sdir/run/warsha-notifier.pid

die() { printf 'bench_outbox: %s\n' "$*" >&2; exit 1; }
[ -r "$conf" ] || die "no $conf (scripts/dev up)"
[ -r "$pidfile" ] || die "no notifier pid file $pidfile (scripts/dev up)"
pid=$(cat "$pidfile")
kill -0 "$pid" 2>/dev/null || die "the notifier ($pid) is not running"
get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1; }
spool=$(get spool_dir)
export MYSQL_PWD; MYSQL_PWD=$(get db_password)
sql() { mariadb --no-defaults --socket="$(get db_socket)" -u "$(get db_user)" -N -B "$(get db_name)" -e "$1"; }

cont() { kill -CONT "$pid" 2>/dev/null || true; }
trap cont EXIT

# what is due now is delivered first, so the run counts only its own rows
for _ in $(seq 1 100); do
	[ "$(sql "SELECT COUNT(*) FROM outbox WHERE status IN ('pending','failed') AND next_attempt_at <= NOW(3)")" = 0 ] && break
	sleep 0.1
done
kill -STOP "$pid"
first=$(( $(sql "SELECT IFNULL(MAX(id), 0) FROM outbox") + 1 ))
sql "INSERT INTO outbox (channel, recipient, template, lang, payload)
     SELECT IF(seq % 5 = 0, 'sms', 'email'),
            IF(seq % 5 = 0, CONCAT('+2010', LPAD(seq, 8, '0')), CONCAT('bench', seq, '@example.com')),
            IF(seq % 5 = 0, 'phone_otp', IF(seq % 2 = 0, 'verify_email', 'reset_password')),
            IF(seq % 3 = 0, 'en', 'ar'),
            JSON_OBJECT('name', CONCAT('مستخدم ', seq), 'code', LPAD(seq % 1000000, 6, '0'),
                        'link', CONCAT('https://warsha.example/verify-email?token=', SHA2(seq, 256)))
     FROM seq_1_to_${rows}"
last=$(sql "SELECT MAX(id) FROM outbox")
# (ids of one INSERT ... SELECT may leave gaps: counted, not subtracted)
got=$(sql "SELECT COUNT(*) FROM outbox WHERE id BETWEEN $first AND $last")
[ "$got" -eq "$rows" ] || die "queued $got rows, not $rows (another writer?)"

start=$(date +%s.%N)
kill -CONT "$pid"
while :; do
	left=$(sql "SELECT COUNT(*) FROM outbox WHERE id BETWEEN $first AND $last AND status <> 'sent'")
	[ "$left" = 0 ] && break
	now=$(date +%s.%N)
	if awk -v a="$start" -v b="$now" 'BEGIN { exit !(b - a > 300) }'; then
		die "$left rows not sent after 300 s"
	fi
	sleep 0.05
done
# the exact span: from the first claim to the last row marked sent
span=$(sql "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(locked_at), MAX(sent_at)) / 1e6 FROM outbox
            WHERE id BETWEEN $first AND $last")
wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
rate=$(awk -v n="$rows" -v s="$span" 'BEGIN { printf "%.0f", n / s }')
bytes=$(sql "SELECT id FROM outbox WHERE id BETWEEN $first AND $last AND channel = 'email' LIMIT 50" |
	sed "s|.*|$spool/mail/&.eml|" | xargs cat | wc -c)

printf 'outbox delivery, file transports: %d rows (80%% e-mail, 20%% SMS)\n' "$rows"
printf '  delivered in %.2f s (first claim to last sent; %s s by the clock): %s messages/s\n' \
	"$span" "$wall" "$rate"
printf '  average e-mail size %d bytes\n' $((bytes / 50))

sql "SELECT id FROM outbox WHERE id BETWEEN $first AND $last" |
	while read -r i; do echo "$spool/mail/$i.eml"; echo "$spool/sms/$i.txt"; done | xargs rm -f
sql "DELETE FROM outbox WHERE id BETWEEN $first AND $last"
awk -v r="$rate" 'BEGIN { exit !(r >= 1000) }' || die "below 1,000 messages/s: $rate"
