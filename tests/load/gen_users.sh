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
count=1000000
domain=gen.warsha.test
# shellcheck source=tests/load/gen_lib.sh
. "$root/tests/load/gen_lib.sh"
gen_options count -- "$@"

count_generated() {
	db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain'"
}

# Deletes generated users in id ranges of 20,000, so no transaction grows large and any
# trigger on users (counters) sees each row go. Rows of other tables that point at a
# generated user (sessions, codes, should someone have used one) go first.
delete_range_sql() {
	cat <<SQL
DELETE t FROM refresh_tokens t JOIN users u ON u.id = t.user_id
  WHERE u.id BETWEEN $1 AND $2 AND u.email LIKE '%@$domain';
DELETE t FROM one_time_codes t JOIN users u ON u.id = t.user_id
  WHERE u.id BETWEEN $1 AND $2 AND u.email LIKE '%@$domain';
DELETE FROM users WHERE id BETWEEN $1 AND $2 AND email LIKE '%@$domain';
SELECT ROW_COUNT();
SQL
}
delete_generated() {
	delete_ranges 20000 users "email LIKE '%@$domain'" delete_range_sql
	if [ "$deleted" -gt 0 ]; then echo "deleted $deleted generated users"; else echo "no generated users to delete"; fi
}

generate_all() {
	local start took
	echo "generating $count users into $(conf_get db_name) ($conf)"
	start=$(now)
	{ printf 'SET @gen_count = %s;\n' "$count"; hash_sql; cat "$root/tests/load/gen_users.sql"; } | db
	took=$(elapsed "$start")
	db <<'SQL'
SELECT 'users now', COUNT(*) FROM users;
SELECT CONCAT('  ', role), COUNT(*) FROM users WHERE email LIKE '%@gen.warsha.test' GROUP BY role;
SELECT '  banned', SUM(is_banned), '  deleted', SUM(deleted_at IS NOT NULL),
       '  inactive (not deleted)', SUM(is_active = 0 AND deleted_at IS NULL)
  FROM users WHERE email LIKE '%@gen.warsha.test';
SQL
	echo "inserted $count users in $took s"
}

gen_main "%s generated users (@$domain)"
