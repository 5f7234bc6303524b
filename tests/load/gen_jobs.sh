#!/usr/bin/env bash
# Loads generated clients and marketplace jobs into a running Warsha stack's MariaDB for
# load tests of GET /api/jobs and the recommendations (tests/load/bench_jobs.sh).
#
#   tests/load/gen_jobs.sh [--clients N] [--jobs N] [--batch N] [--replace | --delete]
#                          [--config FILE]
#
# Default: 50,000 clients and 1,000,000 jobs into the dev stack (scripts/dev up), whose
# connection details are in var/dev/warsha.conf, among the 10,000 craftsmen of
# tests/load/gen_technicians.sh (run first when none exist).
#
# The shape (every draw is an MD5 of the row number: the same jobs on every run):
#   created_at   over the 2 years up to now, density rising with time (about 8 % of the
#                jobs are of the last 30 days)
#   status       jobs of the last 30 days: posted 45 %, quoted 25 %, hired 10 %,
#                in_progress 5 %, completed 10 %, cancelled 5 %; older ones completed
#                70 %, cancelled 24 %, disputed 1 %, and 3 % still posted, 2 % still
#                quoted (forgotten by their clients: open jobs deep in the board)
#   category     every service category, skewed towards the first ones
#   place        the governorate weights of gen_technicians.sh (Cairo, Giza, Alexandria
#                about half), a point within about 25 km of its capital
#   budget       20 % none, 50 % a range, 15 % a minimum only, 15 % a maximum only;
#                100 to 3,000 pounds, in piastres
#   client       skewed (the first clients post hundreds, most a few)
#   craftsman    one of the generated craftsmen from hiring on
#
# The jobs go in batches (--batch, 100,000 rows by default), each one INSERT ... SELECT
# over a range of seq_1_to_1000000 joined to small MEMORY tables by primary key, in
# creation order and without ORDER BY: no statement sorts or builds a temporary table
# of a million rows, and no transaction holds more than a batch.
#
# Generated clients have an e-mail at @gen-jobcust.warsha.test, generated jobs a number
# starting with JBG-. The script refuses to run when some exist already; --replace
# deletes them first, --delete only deletes (the craftsmen stay:
# tests/load/gen_technicians.sh --delete). None of the clients can sign in (they share
# the hash of a password nobody knows).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
clients=50000
jobs=1000000
batch=100000
domain=gen-jobcust.warsha.test
# shellcheck source=tests/load/gen_lib.sh
. "$root/tests/load/gen_lib.sh"
gen_options clients jobs batch -- "$@"

count_generated() {
	db -e "SELECT (SELECT COUNT(*) FROM users WHERE email LIKE '%@$domain') + (SELECT COUNT(*) FROM bookings WHERE number LIKE 'JBG-%')"
}

# Jobs in id ranges of 50,000, with whatever a test or benchmark hung on them (quotes,
# invitations, disputes, history), then the clients, so no transaction grows large.
delete_range_sql() {
	cat <<SQL
DELETE e FROM dispute_evidence e JOIN disputes d ON d.id = e.dispute_id
  JOIN bookings b ON b.id = d.booking_id WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'JBG-%';
DELETE d FROM disputes d JOIN bookings b ON b.id = d.booking_id
  WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'JBG-%';
DELETE q FROM quotes q JOIN bookings b ON b.id = q.job_id
  WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'JBG-%';
DELETE i FROM job_invitations i JOIN bookings b ON b.id = i.job_id
  WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'JBG-%';
DELETE h FROM booking_history h JOIN bookings b ON b.id = h.booking_id
  WHERE b.id BETWEEN $1 AND $2 AND b.number LIKE 'JBG-%';
DELETE FROM bookings WHERE id BETWEEN $1 AND $2 AND number LIKE 'JBG-%';
SELECT ROW_COUNT();
SQL
}
delete_generated() {
	local n
	delete_ranges 50000 bookings "number LIKE 'JBG-%'" delete_range_sql
	echo "deleted $deleted generated jobs"
	n=$(db <<SQL
DELETE t FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.email LIKE '%@$domain';
DELETE FROM users WHERE email LIKE '%@$domain';
SELECT ROW_COUNT();
SQL
)
	echo "deleted $n generated clients"
}

# The small tables every batch joins to (temporary: one session does it all).
setup_sql() {
	cat <<SQL
SET NAMES utf8mb4;
SET SESSION foreign_key_checks = 0;   -- every id below is drawn from its table
SET SESSION unique_checks = 0;
$(hash_sql)
SET @gen_jobs = $jobs;

$(govs_sql)
-- a draw of 0 .. @gov_total - 1 to its governorate, looked up by primary key
CREATE TEMPORARY TABLE gen_gov_pick (pick INT NOT NULL PRIMARY KEY, slot INT NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_gov_pick SELECT s.seq, (SELECT MIN(slot) FROM gen_govs WHERE upto > s.seq)
  FROM seq_0_to_9999 s WHERE s.seq < @gov_total;

$(cats_sql)

CREATE TEMPORARY TABLE gen_tech (slot INT NOT NULL PRIMARY KEY, id BIGINT UNSIGNED NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_tech SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM users
  WHERE email LIKE '%@gen-tech.warsha.test';
SET @ntech = (SELECT COUNT(*) FROM gen_tech);


-- the statuses: phase 'r' (the last 30 days) or 'o' (older), a draw of 0 .. 99
CREATE TEMPORARY TABLE gen_status_range (phase CHAR(1) NOT NULL, lo INT NOT NULL,
  upto INT NOT NULL, status VARCHAR(24) NOT NULL, list_status VARCHAR(24) NOT NULL,
  hired TINYINT NOT NULL, PRIMARY KEY (phase, lo)) ENGINE=MEMORY;
INSERT INTO gen_status_range VALUES
  ('r', 0, 45, 'posted', 'pending_approval', 0), ('r', 45, 70, 'quoted', 'pending_approval', 0),
  ('r', 70, 80, 'hired', 'approved', 1), ('r', 80, 85, 'in_progress', 'in_progress', 1),
  ('r', 85, 95, 'completed', 'completed', 1), ('r', 95, 100, 'cancelled', 'cancelled', 0),
  ('o', 0, 70, 'completed', 'completed', 1), ('o', 70, 94, 'cancelled', 'cancelled', 0),
  ('o', 94, 95, 'disputed', 'completed', 1), ('o', 95, 98, 'posted', 'pending_approval', 0),
  ('o', 98, 100, 'quoted', 'pending_approval', 0);
CREATE TEMPORARY TABLE gen_status (phase CHAR(1) NOT NULL, pick INT NOT NULL,
  status VARCHAR(24) NOT NULL, list_status VARCHAR(24) NOT NULL, hired TINYINT NOT NULL,
  PRIMARY KEY (phase, pick)) ENGINE=MEMORY;
INSERT INTO gen_status SELECT r.phase, s.seq, r.status, r.list_status, r.hired
  FROM gen_status_range r JOIN seq_0_to_99 s ON s.seq >= r.lo AND s.seq < r.upto;
SQL
}

# The clients, in one statement (at most a million narrow rows, no sort), and their slots.
clients_sql() {
	cat <<SQL
INSERT INTO users (email, phone, password_hash, role, first_name, last_name, address_city,
    address_governorate, email_verified, created_at)
SELECT CONCAT('cust', seq, '@$domain'), NULL, @gen_hash, 'customer', 'Client',
    CONCAT('Number ', seq), 'Cairo', 'C', 1,
    NOW(3) - INTERVAL 2 YEAR - INTERVAL ($clients - seq) MINUTE
  FROM seq_1_to_1000000 WHERE seq <= $clients;
CREATE TEMPORARY TABLE gen_cust (slot INT NOT NULL PRIMARY KEY, id BIGINT UNSIGNED NOT NULL,
  n INT NOT NULL) ENGINE=MEMORY;
INSERT INTO gen_cust
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id,
         CAST(SUBSTRING(email, 5, LOCATE('@', email) - 5) AS UNSIGNED)
  FROM users WHERE email LIKE '%@$domain';
SET @ncust = (SELECT COUNT(*) FROM gen_cust);
SQL
}

# A draw in [0, 1) from 8 hex digits of an MD5 of the row number: d TAG
d() { printf "(CONV(SUBSTR(MD5(CONCAT('%s', s.seq)), 1, 8), 16, 10) / 4294967296)" "$1"; }

# One batch: jobs FROM .. TO (row numbers), appended in creation order.
batch_sql() {
	local from=$1 to=$2 age recent
	# the age in seconds: 2 years times (1 - sqrt(n / N)), so n grows with created_at
	age="FLOOR(63072000 * (1 - SQRT(s.seq / @gen_jobs)))"
	recent="IF($age < 2592000, 'r', 'o')"
	cat <<SQL
INSERT INTO bookings (number, kind, title, category, budget_min, budget_max, customer_id,
    service_id, technician_id, status, list_status, scheduled_at, address, city, governorate,
    latitude, longitude, customer_name, customer_phone, problem_description, base_price,
    total, currency, payment_status, cancellation_reason, hired_at, created_at, updated_at)
SELECT STRAIGHT_JOIN CONCAT('JBG-', LPAD(s.seq, 7, '0')), 'job',
    CONCAT('Generated ', c.cat, ' job ', s.seq), c.cat,
    CASE WHEN $(d bk) < 0.2 OR $(d bk) >= 0.85 THEN NULL
         ELSE 100 * (100 + FLOOR(2900 * POW($(d bl), 2))) END,
    CASE WHEN $(d bk) < 0.2 OR ($(d bk) >= 0.7 AND $(d bk) < 0.85) THEN NULL
         WHEN $(d bk) >= 0.85 THEN 100 * (100 + FLOOR(2900 * POW($(d bl), 2)))
         ELSE 100 * (100 + FLOOR(2900 * POW($(d bl), 2)))
              * (12 + FLOOR(18 * $(d bh))) DIV 10 END,
    cu.id, NULL, IF(st.hired = 1, t.id, NULL), st.status, st.list_status,
    NOW(3) - INTERVAL $age SECOND + INTERVAL 2 DAY,
    CONCAT(1 + s.seq % 200, ' Street ', 1 + s.seq % 97), v.city, v.code,
    ROUND(v.lat + ($(d la) - 0.5) * 0.45, 6), ROUND(v.lng + ($(d lo) - 0.5) * 0.5, 6),
    CONCAT('Client Number ', cu.n), CONCAT('+2012', LPAD(cu.n, 8, '0')),
    'A generated job for the load tests of the marketplace.',
    IF(st.hired = 1, 100 * (200 + FLOOR(2900 * $(d pr))), 0),
    IF(st.hired = 1, 100 * (200 + FLOOR(2900 * $(d pr))), 0),
    'EGP', 'unpaid', IF(st.status = 'cancelled', 'Plans changed', NULL),
    IF(st.hired = 1, NOW(3) - INTERVAL $age SECOND + INTERVAL 6 HOUR, NULL),
    NOW(3) - INTERVAL $age SECOND, NOW(3) - INTERVAL $age SECOND
  FROM seq_1_to_1000000 s
  JOIN gen_gov_pick gp ON gp.pick = FLOOR(@gov_total * $(d gv))
  JOIN gen_govs v ON v.slot = gp.slot
  JOIN gen_cats c ON c.slot = FLOOR(@ncats * POW($(d ct), 1.6))
  JOIN gen_cust cu ON cu.slot = FLOOR(@ncust * POW($(d cu), 2))
  JOIN gen_tech t ON t.slot = FLOOR(@ntech * $(d te))
  JOIN gen_status st ON st.phase = $recent AND st.pick = FLOOR(100 * $(d st))
 WHERE s.seq BETWEEN $from AND $to;
SELECT ROW_COUNT();
SQL
}

generate() {
	local from to
	{
		setup_sql
		clients_sql
		echo "SELECT 'clients', @ncust, 'craftsmen', @ntech, 'categories', @ncats;"
		for ((from = 1; from <= jobs; from += batch)); do
			to=$((from + batch - 1))
			[ "$to" -le "$jobs" ] || to=$jobs
			echo "SELECT 'batch', $from, $to, NOW(3);"
			batch_sql "$from" "$to"
		done
		echo "SET SESSION foreign_key_checks = 1; SET SESSION unique_checks = 1;"
		echo "ANALYZE TABLE bookings;"
	} | db
}

generate_all() {
	local start took
	need_technicians
	echo "generating $clients clients and $jobs jobs in batches of $batch into $(conf_get db_name) ($conf)"
	start=$(now)
	generate
	took=$(elapsed "$start")
	db <<'SQL'
SELECT 'jobs generated', COUNT(*), '  with a craftsman', SUM(technician_id IS NOT NULL),
       '  with a budget', SUM(budget_min IS NOT NULL OR budget_max IS NOT NULL)
  FROM bookings WHERE number LIKE 'JBG-%';
SELECT CONCAT('  ', status), COUNT(*) FROM bookings WHERE number LIKE 'JBG-%'
  GROUP BY status ORDER BY 2 DESC;
SELECT '  created from', MIN(created_at), 'to', MAX(created_at) FROM bookings
  WHERE number LIKE 'JBG-%';
SQL
	echo "generated in $took s"
}

gen_main "generated clients (@$domain) or jobs (JBG-…)"
