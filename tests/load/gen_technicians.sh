#!/usr/bin/env bash
# Loads generated technicians, with their work profiles, into a running Warsha stack's
# MariaDB for load tests of GET /api/technicians/available (tests/load/bench_technicians.sh).
#
#   tests/load/gen_technicians.sh [--count N] [--replace | --delete] [--config FILE]
#
# The draws are MD5 hashes of the row number: the same technicians on every run.
# Default: 10,000 technicians into the dev stack (scripts/dev up), whose connection
# details are in var/dev/warsha.conf. Each works around the capital of a governorate of
# Egypt, weighted by population (Cairo, Giza and Alexandria hold about half), within
# about 25 km of it; 60 % are available, 25 % busy, 15 % offline; 80 % verified, 15 %
# pending, 5 % rejected; each has one to three service categories and a service radius
# of 10 to 50 km.
#
# Generated technicians are those with an e-mail at @gen-tech.warsha.test. The script
# refuses to run when some exist already; --replace deletes them first, --delete only
# deletes. None of them can sign in (they share the hash of a password nobody knows).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
conf=$root/var/dev/warsha.conf
count=10000
mode=generate
domain=gen-tech.warsha.test

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'gen_technicians: %s\n' "$*" >&2; exit 1; }

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

generated_count() { db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain'"; }

# Profiles and specializations go with their users (ON DELETE CASCADE).
delete_generated() {
	local n
	n=$(db -e "DELETE FROM users WHERE email LIKE '%@$domain'; SELECT ROW_COUNT();")
	echo "deleted $n generated technicians"
}

generate() {
	db <<SQL
SET @gen_count = $count;
CREATE TEMPORARY TABLE gen_govs (
  slot INT NOT NULL PRIMARY KEY, code VARCHAR(3) NOT NULL, city VARCHAR(100) NOT NULL,
  lat DOUBLE NOT NULL, lng DOUBLE NOT NULL, weight INT NOT NULL, upto INT NULL
) ENGINE=MEMORY;
INSERT INTO gen_govs (slot, code, city, lat, lng, weight) VALUES
  (1, 'C', 'Cairo', 30.0444, 31.2357, 260), (2, 'GZ', 'Giza', 30.0131, 31.2089, 130),
  (3, 'ALX', 'Alexandria', 31.2001, 29.9187, 110), (4, 'KB', 'Banha', 30.4660, 31.1848, 40),
  (5, 'DK', 'Mansoura', 31.0409, 31.3785, 45), (6, 'SHR', 'Zagazig', 30.5877, 31.5020, 45),
  (7, 'GH', 'Tanta', 30.7865, 31.0004, 35), (8, 'MNF', 'Shebin El Kom', 30.5526, 31.0090, 25),
  (9, 'BH', 'Damanhur', 31.0341, 30.4682, 30), (10, 'KFS', 'Kafr El Sheikh', 31.1107, 30.9388, 20),
  (11, 'DT', 'Damietta', 31.4165, 31.8133, 12), (12, 'PTS', 'Port Said', 31.2653, 32.3019, 12),
  (13, 'IS', 'Ismailia', 30.5965, 32.2715, 12), (14, 'SUZ', 'Suez', 29.9668, 32.5498, 12),
  (15, 'FYM', 'Faiyum', 29.3084, 30.8428, 20), (16, 'BNS', 'Beni Suef', 29.0661, 31.0994, 18),
  (17, 'MN', 'Minya', 28.1099, 30.7503, 28), (18, 'AST', 'Asyut', 27.1783, 31.1859, 25),
  (19, 'SHG', 'Sohag', 26.5591, 31.6957, 25), (20, 'KN', 'Qena', 26.1551, 32.7160, 18),
  (21, 'LX', 'Luxor', 25.6872, 32.6396, 8), (22, 'ASN', 'Aswan', 24.0889, 32.8998, 10),
  (23, 'BA', 'Hurghada', 27.2579, 33.8116, 5), (24, 'WAD', 'Kharga', 25.4390, 30.5586, 2),
  (25, 'MT', 'Marsa Matruh', 31.3543, 27.2373, 4), (26, 'JS', 'El Tor', 28.2364, 33.6254, 2),
  (27, 'SIN', 'Arish', 31.1316, 33.7984, 4);
-- cumulative weights: row n goes to the first slot whose upto passes its draw
SET @acc = 0;
UPDATE gen_govs SET upto = (@acc := @acc + weight) ORDER BY slot;
SET @total = (SELECT SUM(weight) FROM gen_govs);

CREATE TEMPORARY TABLE gen_cats (slot INT NOT NULL PRIMARY KEY, cat VARCHAR(40) NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_cats SELECT ROW_NUMBER() OVER (ORDER BY \`key\`) - 1, \`key\` FROM service_categories;
SET @ncats = (SELECT COUNT(*) FROM gen_cats);

-- scrypt (N = 16384, r = 8, p = 1) of a random password that was thrown away
SET @gen_hash = '\$s1\$0e0801\$I4M94YmO6mzmeeWPbnylIg==\$aaLbYWesCXYPb8dz+2NvK8KhoMdOKEmUHbT3DsnZH8vkMvAgOxptTs7GbkkSus7nZIpA157NRMPNkKTiW0HEZQ==';
CREATE TEMPORARY TABLE gen_rows (
  n INT NOT NULL PRIMARY KEY, gov INT NOT NULL, lat DOUBLE NOT NULL, lng DOUBLE NOT NULL,
  r1 INT NOT NULL, r2 INT NOT NULL, r3 INT NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_rows
  SELECT seq, 0, CONV(SUBSTR(MD5(CONCAT('lat', seq)), 1, 8), 16, 10) / 4294967296 - 0.5,
         CONV(SUBSTR(MD5(CONCAT('lng', seq)), 1, 8), 16, 10) / 4294967296 - 0.5,
         CONV(SUBSTR(MD5(CONCAT('r1-', seq)), 1, 8), 16, 10) % 1000000,
         CONV(SUBSTR(MD5(CONCAT('r2-', seq)), 1, 8), 16, 10) % 1000000,
         CONV(SUBSTR(MD5(CONCAT('gov', seq)), 1, 8), 16, 10) % @total
  FROM seq_1_to_1000000 WHERE seq <= @gen_count;
UPDATE gen_rows g SET g.gov = (SELECT MIN(slot) FROM gen_govs WHERE upto > g.r3);

INSERT INTO users (email, password_hash, role, first_name, last_name, address_city,
    address_governorate, email_verified, rating, rating_count, created_at)
SELECT CONCAT('tech', g.n, '@$domain'), @gen_hash, 'technician', 'Tech', CONCAT('Number ', g.n),
    v.city, v.code, 1, ROUND(3 + (g.r1 % 200) / 100, 2), g.r2 % 300,
    NOW(3) - INTERVAL (@gen_count - g.n) MINUTE
  FROM gen_rows g JOIN gen_govs v ON v.slot = g.gov ORDER BY g.n;

-- the profiles the trigger made, filled in: within about 25 km of the capital
UPDATE technician_profiles p
  JOIN users u ON u.id = p.user_id
  JOIN gen_rows g ON g.n = CAST(SUBSTRING(u.email, 5, LOCATE('@', u.email) - 5) AS UNSIGNED)
  JOIN gen_govs v ON v.slot = g.gov
SET p.latitude = ROUND(v.lat + g.lat * 0.45, 6),
    p.longitude = ROUND(v.lng + g.lng * 0.5, 6),
    p.location_updated_at = NOW(3),
    p.work_status = CASE WHEN g.r1 % 20 < 12 THEN 'available' WHEN g.r1 % 20 < 17 THEN 'busy'
                         ELSE 'offline' END,
    p.verification = CASE WHEN g.r2 % 20 < 16 THEN 'verified' WHEN g.r2 % 20 < 19 THEN 'pending'
                          ELSE 'rejected' END,
    p.verified_at = IF(g.r2 % 20 < 16, NOW(3), NULL),
    p.service_radius_km = 10 + (g.r1 DIV 20) % 41,
    p.experience_years = (g.r2 DIV 20) % 30,
    p.working_city = v.city,
    p.working_governorates = JSON_ARRAY(v.code),
    p.specializations = JSON_ARRAY((SELECT cat FROM gen_cats WHERE slot = g.r1 % @ncats))
WHERE u.email LIKE '%@$domain';

-- one to three categories: the first, and the next ones by the second draw
INSERT IGNORE INTO technician_specializations (category, user_id, created_at)
SELECT c.cat, p.user_id, p.created_at
  FROM technician_profiles p
  JOIN users u ON u.id = p.user_id
  JOIN gen_rows g ON g.n = CAST(SUBSTRING(u.email, 5, LOCATE('@', u.email) - 5) AS UNSIGNED)
  JOIN seq_0_to_2 k ON k.seq <= g.r2 % 3
  JOIN gen_cats c ON c.slot = (g.r1 + k.seq * (1 + g.r2 % 5)) % @ncats
 WHERE u.email LIKE '%@$domain';
UPDATE technician_profiles p JOIN users u ON u.id = p.user_id
SET p.specializations = (SELECT JSON_ARRAYAGG(s.category) FROM technician_specializations s
                          WHERE s.user_id = p.user_id)
WHERE u.email LIKE '%@$domain';
ANALYZE TABLE technician_profiles, technician_specializations;
SQL
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
			die "$existing generated technicians (@$domain) exist already: --replace deletes them first, --delete only deletes"
		delete_generated
	fi
	echo "generating $count technicians into $(conf_get db_name) ($conf)"
	generate >/dev/null
	db <<SQL
SELECT 'technicians generated', COUNT(*) FROM users WHERE email LIKE '%@$domain';
SELECT CONCAT('  ', p.work_status, ' ', p.verification), COUNT(*) FROM technician_profiles p
  JOIN users u ON u.id = p.user_id WHERE u.email LIKE '%@$domain'
  GROUP BY p.work_status, p.verification;
SELECT '  specializations', COUNT(*) FROM technician_specializations s
  JOIN users u ON u.id = s.user_id WHERE u.email LIKE '%@$domain';
SQL
	;;
esac
echo "took $(elapsed "$start" "$(date +%s.%N)") s in all"
