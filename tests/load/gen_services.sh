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
count=50000
marker=gen-bench
# shellcheck source=tests/load/gen_lib.sh
. "$root/tests/load/gen_lib.sh"
gen_options count -- "$@"

count_generated() { db -e "SELECT COUNT(*) FROM services WHERE sub_category = '$marker'"; }

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
$(cats_sql)

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

generate_all() {
	local start
	start=$(now)
	generate >/dev/null
	echo "generated $(count_generated) services in $(elapsed "$start") s"
}

gen_main "%s generated services (sub_category $marker)"
