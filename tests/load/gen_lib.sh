# shellcheck shell=bash disable=SC2154,SC2034  # root is the sourcing script's; conf, mode ... are read by it
# Warsha load-data plumbing, sourced by the tests/load/gen_*.sh generators: their options,
# the database of a warsha.conf, timing, and refusing, replacing or deleting earlier rows.
#
# The script sets before sourcing: root (the checkout), and the variables of its number
# options, each with its default and named as the option is (count for --count); it then
# calls gen_options NAME… -- "$@" with those names. It gets:
#   usage                   the script's opening comment on stderr, exit 2
#   die MSG                 "gen_NAME: MSG" on stderr, exit 1
#   gen_options NAME… -- ARG…
#                           parses --NAME N for each NAME (1 to 1000000), --replace,
#                           --delete, --config FILE and -h/--help into $NAME, $mode
#                           (generate, replace or delete) and $conf (var/dev/warsha.conf
#                           by default), then reaches the database or dies
#   conf_get KEY, db [ARG…] $conf's values and database (tests/load/db_lib.sh)
#   now                     the time in seconds, with nanoseconds
#   elapsed START [END]     END (default: now) minus START, in seconds to a tenth
#   delete_ranges STEP TABLE WHERE FN
#                           runs FN FROM TO's statements (ending in SELECT ROW_COUNT())
#                           over id ranges of STEP rows of TABLE's rows WHERE, so no
#                           transaction grows large; $deleted: the sum of the row counts
#   need_technicians        runs tests/load/gen_technicians.sh when none are generated
#   gen_main PRESENT        counts the generated rows (the script's count_generated),
#                           deletes them with --delete (its delete_generated); else dies
#                           "PRESENT exist already…" when some are there, unless
#                           --replace (then deletes them), and calls its generate_all;
#                           then the time it all took. PRESENT may hold %s: the count.
#   hash_sql, govs_sql, cats_sql
#                           SQL the generators share: @gen_hash, a password hash no one
#                           can sign in with; gen_govs, the governorates with their
#                           capitals and weights (upto: the running sum, @gov_total: all);
#                           gen_cats, the service categories by slot (@ncats of them)

# shellcheck source=tests/load/db_lib.sh
. "$root/tests/load/db_lib.sh"

conf=$root/var/dev/warsha.conf
mode=generate
gen_name=$(basename "$0" .sh)

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//' >&2; exit 2; }
die() { printf '%s: %s\n' "$gen_name" "$*" >&2; exit 1; }

gen_options() {
	local names=() name opts i
	while [ $# -gt 0 ] && [ "$1" != -- ]; do names+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--replace) mode=replace; shift ;;
		--delete) mode=delete; shift ;;
		--config) [ $# -ge 2 ] || usage; conf=$2; shift 2 ;;
		-h | --help) usage ;;
		--*)
			for name in "${names[@]}"; do
				[ "$1" = "--$name" ] || continue
				[ $# -ge 2 ] || usage
				printf -v "$name" '%s' "$2"
				shift 2
				continue 2
			done
			usage
			;;
		*) usage ;;
		esac
	done
	# "--a", "--a and --b", "--a, --b and --c"
	opts=--${names[-1]}
	if [ ${#names[@]} -gt 1 ]; then
		opts=--${names[-2]}" and $opts"
		for ((i = ${#names[@]} - 3; i >= 0; i--)); do opts=--${names[i]}", $opts"; done
	fi
	for name in "${names[@]}"; do
		if ! [[ "${!name}" =~ ^[1-9][0-9]*$ ]] || [ "${!name}" -gt 1000000 ]; then
			die "$opts must be 1 to 1000000 (the generator draws from seq_1_to_1000000)"
		fi
	done
	[ -r "$conf" ] || die "no $conf (start the dev stack: scripts/dev up)"
	command -v mariadb >/dev/null || die "the mariadb client is not installed (scripts/dev deps)"
	db_connect
	db -e 'SELECT 1' >/dev/null || die "cannot reach the database of $conf (is the stack up?)"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="${2:-$(now)}" 'BEGIN { printf "%.1f", b - a }'; }

delete_ranges() {
	local step=$1 table=$2 where=$3 fn=$4 lo hi from n
	deleted=0
	read -r lo hi < <(db -e "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM $table WHERE $where")
	if [ "$lo" -gt 0 ]; then
		for ((from = lo; from <= hi; from += step)); do
			n=$("$fn" "$from" $((from + step - 1)) | db)
			deleted=$((deleted + n))
		done
	fi
}

need_technicians() {
	local techs
	techs=$(db -e "SELECT COUNT(*) FROM users WHERE email LIKE '%@gen-tech.warsha.test'")
	if [ "$techs" -eq 0 ]; then
		bash "$root/tests/load/gen_technicians.sh" --config "$conf"
	fi
}

gen_main() {
	local start existing present
	start=$(now)
	existing=$(count_generated)
	case "$mode" in
	delete)
		delete_generated
		;;
	generate | replace)
		if [ "$existing" -gt 0 ]; then
			# shellcheck disable=SC2059  # PRESENT is the script's own sentence
			present=$(printf "$1" "$existing")
			[ "$mode" = replace ] ||
				die "$present exist already: --replace deletes them first, --delete only deletes"
			delete_generated
		fi
		generate_all
		;;
	esac
	echo "took $(elapsed "$start") s in all"
}

# ------------------------------------------------------------------ shared SQL

hash_sql() {
	cat <<'SQL'
-- scrypt (N = 16384, r = 8, p = 1) of a random password that was thrown away
SET @gen_hash = '$s1$0e0801$I4M94YmO6mzmeeWPbnylIg==$aaLbYWesCXYPb8dz+2NvK8KhoMdOKEmUHbT3DsnZH8vkMvAgOxptTs7GbkkSus7nZIpA157NRMPNkKTiW0HEZQ==';
SQL
}

# Each governorate of Egypt at its capital, weighted by population (Cairo, Giza and
# Alexandria hold about half): a draw of 0 .. @gov_total - 1 goes to the first slot whose
# upto passes it.
govs_sql() {
	cat <<'SQL'
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
SET @acc = 0;
UPDATE gen_govs SET upto = (@acc := @acc + weight) ORDER BY slot;
SET @gov_total = (SELECT SUM(weight) FROM gen_govs);
SQL
}

cats_sql() {
	cat <<'SQL'
CREATE TEMPORARY TABLE gen_cats (slot INT NOT NULL PRIMARY KEY, cat VARCHAR(40) NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_cats SELECT ROW_NUMBER() OVER (ORDER BY `key`) - 1, `key` FROM service_categories;
SET @ncats = (SELECT COUNT(*) FROM gen_cats);
SQL
}
