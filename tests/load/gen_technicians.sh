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
count=10000
domain=gen-tech.warsha.test
# shellcheck source=tests/load/gen_lib.sh
. "$root/tests/load/gen_lib.sh"
gen_options count -- "$@"

count_generated() { db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain'"; }

# Profiles and specializations go with their users (ON DELETE CASCADE).
delete_generated() {
	local n
	n=$(db -e "DELETE FROM users WHERE email LIKE '%@$domain'; SELECT ROW_COUNT();")
	echo "deleted $n generated technicians"
}

generate() {
	{
		echo "SET @gen_count = $count;"
		govs_sql
		cats_sql
		hash_sql
		cat <<SQL
CREATE TEMPORARY TABLE gen_rows (
  n INT NOT NULL PRIMARY KEY, gov INT NOT NULL, lat DOUBLE NOT NULL, lng DOUBLE NOT NULL,
  r1 INT NOT NULL, r2 INT NOT NULL, r3 INT NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_rows
  SELECT seq, 0, CONV(SUBSTR(MD5(CONCAT('lat', seq)), 1, 8), 16, 10) / 4294967296 - 0.5,
         CONV(SUBSTR(MD5(CONCAT('lng', seq)), 1, 8), 16, 10) / 4294967296 - 0.5,
         CONV(SUBSTR(MD5(CONCAT('r1-', seq)), 1, 8), 16, 10) % 1000000,
         CONV(SUBSTR(MD5(CONCAT('r2-', seq)), 1, 8), 16, 10) % 1000000,
         CONV(SUBSTR(MD5(CONCAT('gov', seq)), 1, 8), 16, 10) % @gov_total
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
	} | db
}

generate_all() {
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
}

gen_main "%s generated technicians (@$domain)"
