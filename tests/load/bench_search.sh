#!/usr/bin/env bash
# Warsha search benchmark (docs/search.md): GET /api/search/services over the 50,000
# generated services of tests/load/gen_services.sh and GET /api/search/technicians over
# the 10,000 of tests/load/gen_technicians.sh, measured with wrk next to nginx's own
# ceiling in the same run, as tests/load/bench_lists.sh does.
#
#   tests/load/bench_search.sh [BASE_URL]        (scripts/dev bench search)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin (the
# technicians' search is staff's) the way tests/load/bench_lists.sh does: WARSHA_ADMIN_EMAIL
# and WARSHA_ADMIN_PASSWORD, else var/dev/admin.env, else var/dev/bench-admin.env (a
# benchmark admin made once with warsha-fcgi --create-admin).
# Environment: BENCH_SEARCH_SECONDS (10), BENCH_SEARCH_CONNECTIONS (8),
# BENCH_SEARCH_THREADS (2), BENCH_SEARCH_TIMEOUT (wrk --timeout, 30s).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_search
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_SEARCH_SECONDS:-10}
conns=${BENCH_SEARCH_CONNECTIONS:-8}
threads=${BENCH_SEARCH_THREADS:-2}
timeout=${BENCH_SEARCH_TIMEOUT:-30s}
limit=20
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
fresh_token
# get PATH: as the admin
aget() { fresh_token; get "$token" "$1"; }

# ------------------------------------------------------------------ what is measured

S=/api/search/services
T=/api/search/technicians
# The generated services draw their words from 48 trades, parts and places: one word is
# in about one service in eight (6,000 of 50,000), two words in about 650, a number in one.
# label|path
resolved=(
	"services q=صيانه (one common word, folded)|$S?q=$(urlenc صيانه)&limit=$limit"
	"services q=oil (one common word)|$S?q=oil&limit=$limit"
	"services q=اصلاح فرامل (two words)|$S?q=$(urlenc 'اصلاح فرامل')&limit=$limit"
	"services q=brakes radiator category|$S?q=brakes+radiator&category=plumbing&limit=$limit"
	"services q=25578 (one service)|$S?q=25578&limit=$limit"
	"GET /api/services?search=oil|/api/services?search=oil&limit=$limit"
	"technicians q=plumbing city=cairo|$T?specialization=plumbing&city=cairo&limit=$limit"
	"technicians q=number 1234|$T?q=number+1234&limit=$limit"
	"technicians near Cairo 20 km|$T?location=30.0444,31.2357&distance=20&limit=$limit"
	"technicians plumbing near Cairo 5 km|$T?specialization=plumbing&location=30.0444,31.2357&distance=5&limit=$limit"
	"technicians best rated|$T?rating=4&limit=$limit"
)

aget "/api/search/services?q=zzzzzz&limit=1"
[ "$status" = 200 ] || die "GET /api/search/services answered $status: $(head -c 300 <<<"$body")"
aget "/api/technicians?limit=1"
techs=$(json 'd["pagination"]["totalItems"]' <<<"$body")
aget "/api/services?limit=1"
services=$(json 'd["pagination"]["totalItems"]' <<<"$body")
if [ "${services:-0}" -lt 10000 ] || [ "${techs:-0}" -lt 1000 ]; then
	die "the stack lists $services services (counted up to 10000) and $techs technicians (up to 1000): load them with tests/load/gen_services.sh and tests/load/gen_technicians.sh"
fi

echo "services: $services (counted up to 10000); technicians: $techs (counted up to 1000)"
for t in "${resolved[@]}"; do
	name=${t%%|*}
	path=${t#*|}
	aget "$path"
	rows=$(json 'len(d["data"])' <<<"$body")
	items=$(json 'd["pagination"].get("totalItems")' <<<"$body")
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	[ "${rows:-0}" -ge 1 ] || die "$name found nothing"
	alone[$name]=$(ms "$took")
	printf '  %s 200, %s rows of %s, %s ms\n' "$(pad "$name" 44)" "$rows" "${items:-?}" \
		"${alone[$name]}"
done

# ------------------------------------------------------------------ timing

drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${resolved[@]}"; do
	fresh_token
	run "${t%%|*}" "${t#*|}" -H "Authorization: Bearer $token"
done

names=("nginx return 200")
for t in "${resolved[@]}"; do names+=("${t%%|*}"); done
printf '\n%s cores (load average %s before the run), wrk -t%s -c%s -d%ss --timeout %s,\n' \
	"$(nproc)" "$load" "$threads" "$conns" "$secs" "$timeout"
printf '%s rows per page, %s; "alone ms": the check request, sent by itself before the timed runs\n\n' \
	"$limit" "$services services, $techs technicians"
table 44 "${names[@]}"
exit 0
