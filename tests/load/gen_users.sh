#!/usr/bin/env bash
# Loads generated users into a running Warsha stack's MariaDB for load tests.
#
#   tests/load/gen_users.sh [--count N] [--replace | --delete] [--config FILE]
#
# Default: 1,000,000 users into the dev stack (scripts/dev up), whose connection
# details are in var/dev/warsha.conf. A quarter are technicians, the rest mostly
# customers, a few hundred moderators and corporate accounts; about 1 % banned, 1 %
# deleted (anonymized, as DELETE /api/users/:id leaves them), 2 % deactivated. Names
# are common Egyptian names, in Arabic script for a little over half of the users and
# in Latin transliteration for the rest (tests/load/gen_users.sql has the lists).
#
# Generated users are those with an e-mail at @gen.warsha.test. The script refuses to
# run when some exist already; --replace deletes them first, --delete only deletes.
# None of them can sign in (they share the hash of a password nobody knows).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
conf=$root/var/dev/warsha.conf
count=1000000
mode=generate
domain=gen.warsha.test

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'gen_users: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--count) [ $# -ge 2 ] || usage; count=$2; shift 2 ;;
	--replace) mode=replace; shift ;;
	--delete) mode=delete; shift ;;
	--config) [ $# -ge 2 ] || usage; conf=$2; shift 2 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
done
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]] || [ "$count" -gt 1000000 ]; then
	die "--count must be 1 to 1000000 (the generator draws from seq_1_to_1000000)"
fi
[ -r "$conf" ] || die "no $conf (start the dev stack: scripts/dev up)"
command -v mariadb >/dev/null || die "the mariadb client is not installed (scripts/dev deps)"

conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1 | sed 's/[[:space:]]*$//'; }

# The application's own account, as warsha.conf describes it: a socket path wins over
# host and port, as in the servers. The password goes by the environment, never argv.
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

generated_count() {
	db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain'"
}

# Deletes generated users in id ranges of 20,000, so no transaction grows large and any
# trigger on users (counters) sees each row go. Rows of other tables that point at a
# generated user (sessions, codes, should someone have used one) go first.
delete_generated() {
	local lo hi from to n total=0
	read -r lo hi < <(db -e "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM users WHERE email LIKE '%@$domain'")
	[ "$lo" -gt 0 ] || { echo "no generated users to delete"; return 0; }
	for ((from = lo; from <= hi; from += 20000)); do
		to=$((from + 19999))
		n=$(db <<SQL
DELETE t FROM refresh_tokens t JOIN users u ON u.id = t.user_id
  WHERE u.id BETWEEN $from AND $to AND u.email LIKE '%@$domain';
DELETE t FROM one_time_codes t JOIN users u ON u.id = t.user_id
  WHERE u.id BETWEEN $from AND $to AND u.email LIKE '%@$domain';
DELETE FROM users WHERE id BETWEEN $from AND $to AND email LIKE '%@$domain';
SELECT ROW_COUNT();
SQL
)
		total=$((total + n))
	done
	echo "deleted $total generated users"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

start=$(date +%s.%N)
existing=$(generated_count)
case "$mode" in
delete)
	delete_generated
	;;
generate | replace)
	if [ "$existing" -gt 0 ]; then
		[ "$mode" = replace ] ||
			die "$existing generated users (@$domain) exist already: --replace deletes them first, --delete only deletes"
		delete_generated
	fi
	echo "generating $count users into $(conf_get db_name) ($conf)"
	gen_start=$(date +%s.%N)
	{ printf 'SET @gen_count = %s;\n' "$count"; cat "$root/tests/load/gen_users.sql"; } | db
	gen_end=$(date +%s.%N)
	db <<'SQL'
SELECT 'users now', COUNT(*) FROM users;
SELECT CONCAT('  ', role), COUNT(*) FROM users WHERE email LIKE '%@gen.warsha.test' GROUP BY role;
SELECT '  banned', SUM(is_banned), '  deleted', SUM(deleted_at IS NOT NULL),
       '  inactive (not deleted)', SUM(is_active = 0 AND deleted_at IS NULL)
  FROM users WHERE email LIKE '%@gen.warsha.test';
SQL
	echo "inserted $count users in $(elapsed "$gen_start" "$gen_end") s"
	;;
esac
echo "took $(elapsed "$start" "$(date +%s.%N)") s in all"
