#!/usr/bin/env bash
# Loads generated services into a running Warsha stack's MariaDB for the search
# benchmark (tests/load/bench_search.sh).
#
#   tests/load/gen_services.sh [--count N] [--replace | --delete] [--config FILE]
#
# Default: 50,000 services into the dev stack (scripts/dev up), whose connection details
# are in var/dev/warsha.conf. The draws are MD5 hashes of the row number: the same
# services on every run. Each has an Arabic and an English name of three words drawn
# from a list of trades, parts and places (Arabic spelt as people write it: some with
# hamza and teh marbuta), a description of six words, a category of the catalog's, and
# 5 % are popular. The triggers of sql/migrations/0022_search_geocode.sql fold their
# text as every write does.
#
# Generated services are those whose sub_category is "gen-bench". The script refuses to
# run when some exist already; --replace deletes them first, --delete only deletes.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
conf=$root/var/dev/warsha.conf
count=50000
mode=generate
marker=gen-bench

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf 'gen_services: %s\n' "$*" >&2; exit 1; }

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

generated_count() { db -e "SELECT COUNT(*) FROM services WHERE sub_category = '$marker'"; }

delete_generated() {
	local n
	n=$(db -e "DELETE FROM services WHERE sub_category = '$marker'; SELECT ROW_COUNT();")
	echo "deleted $n generated services"
}

generate() {
	db <<SQL
SET @gen_count = $count;
CREATE TEMPORARY TABLE gen_words (slot INT NOT NULL PRIMARY KEY, ar VARCHAR(40) NOT NULL,
  en VARCHAR(40) NOT NULL) ENGINE=MEMORY;
INSERT INTO gen_words VALUES
  (0, 'صيانة', 'maintenance'), (1, 'إصلاح', 'repair'), (2, 'تغيير', 'change'),
  (3, 'زيت', 'oil'), (4, 'فرامل', 'brakes'), (5, 'تكييف', 'conditioning'),
  (6, 'سباكة', 'plumbing'), (7, 'كهرباء', 'electrical'), (8, 'نجارة', 'carpentry'),
  (9, 'دهانات', 'painting'), (10, 'غسيل', 'washing'), (11, 'بطارية', 'battery'),
  (12, 'إطارات', 'tyres'), (13, 'محرك', 'engine'), (14, 'فلتر', 'filter'),
  (15, 'عفشة', 'suspension'), (16, 'سخان', 'heater'), (17, 'غسالة', 'washer'),
  (18, 'ثلاجة', 'fridge'), (19, 'أبواب', 'doors'), (20, 'شبابيك', 'windows'),
  (21, 'أرضيات', 'floors'), (22, 'مواسير', 'pipes'), (23, 'تسريب', 'leak'),
  (24, 'فحص', 'inspection'), (25, 'كمبيوتر', 'diagnostics'), (26, 'رادياتير', 'radiator'),
  (27, 'دينامو', 'alternator'), (28, 'مارش', 'starter'), (29, 'سمكرة', 'bodywork'),
  (30, 'زجاج', 'glass'), (31, 'مفاتيح', 'keys'), (32, 'أقفال', 'locks'),
  (33, 'ستائر', 'curtains'), (34, 'مطبخ', 'kitchen'), (35, 'حمام', 'bathroom'),
  (36, 'عزل', 'insulation'), (37, 'سطح', 'roof'), (38, 'مضخة', 'pump'),
  (39, 'خزان', 'tank'), (40, 'القاهرة', 'cairo'), (41, 'الجيزة', 'giza'),
  (42, 'الإسكندرية', 'alexandria'), (43, 'سريع', 'express'), (44, 'منزلي', 'home'),
  (45, 'متنقل', 'mobile'), (46, 'طوارئ', 'emergency'), (47, 'دوري', 'periodic');
SET @nwords = (SELECT COUNT(*) FROM gen_words);
CREATE TEMPORARY TABLE gen_cats (slot INT NOT NULL PRIMARY KEY, cat VARCHAR(40) NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_cats SELECT ROW_NUMBER() OVER (ORDER BY \`key\`) - 1, \`key\` FROM service_categories;
SET @ncats = (SELECT COUNT(*) FROM gen_cats);

CREATE TEMPORARY TABLE gen_rows (n INT NOT NULL PRIMARY KEY, w1 INT, w2 INT, w3 INT, w4 INT,
  w5 INT, w6 INT, c INT, pop INT) ENGINE=MEMORY;
INSERT INTO gen_rows
  SELECT seq, CONV(SUBSTR(h, 1, 4), 16, 10) % @nwords, CONV(SUBSTR(h, 5, 4), 16, 10) % @nwords,
         CONV(SUBSTR(h, 9, 4), 16, 10) % @nwords, CONV(SUBSTR(h, 13, 4), 16, 10) % @nwords,
         CONV(SUBSTR(h, 17, 4), 16, 10) % @nwords, CONV(SUBSTR(h, 21, 4), 16, 10) % @nwords,
         CONV(SUBSTR(h, 25, 4), 16, 10) % @ncats, CONV(SUBSTR(h, 29, 4), 16, 10) % 20
  FROM (SELECT seq, MD5(CONCAT('svc', seq)) AS h FROM seq_1_to_1000000 WHERE seq <= @gen_count) s;

INSERT INTO services (name_ar, name_en, description_ar, description_en, category,
    sub_category, base_price, is_popular, sort_order, tags)
SELECT CONCAT_WS(' ', a1.ar, a2.ar, a3.ar, g.n), CONCAT_WS(' ', a1.en, a2.en, a3.en, g.n),
       CONCAT_WS(' ', a1.ar, a4.ar, a5.ar, a6.ar, a2.ar, a3.ar),
       CONCAT_WS(' ', a1.en, a4.en, a5.en, a6.en, a2.en, a3.en),
       c.cat, '$marker', 5000 + g.n % 100 * 500, g.pop = 0, 1000 + g.n % 1000,
       JSON_ARRAY(a4.en, a5.ar)
FROM gen_rows g
JOIN gen_words a1 ON a1.slot = g.w1 JOIN gen_words a2 ON a2.slot = g.w2
JOIN gen_words a3 ON a3.slot = g.w3 JOIN gen_words a4 ON a4.slot = g.w4
JOIN gen_words a5 ON a5.slot = g.w5 JOIN gen_words a6 ON a6.slot = g.w6
JOIN gen_cats c ON c.slot = g.c;
ANALYZE TABLE services;
SQL
}

case $mode in
delete) delete_generated; exit 0 ;;
replace) delete_generated ;;
generate)
	n=$(generated_count)
	[ "$n" = 0 ] || die "$n generated services exist already (--replace or --delete)" ;;
esac
start=$SECONDS
generate >/dev/null
echo "generated $(generated_count) services in $((SECONDS - start)) s"
