#!/usr/bin/env bash
# Warsha technician benchmark: GET /api/technicians/available (and seed 004's nearby
# search, and the staff list) against a stack holding generated technicians
# (tests/load/gen_technicians.sh loads 10,000), measured with wrk next to nginx's own
# ceiling in the same run, as tests/load/bench_lists.sh does.
#
#   tests/load/bench_technicians.sh [BASE_URL]        (scripts/dev bench technicians)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin the
# way tests/load/bench_lists.sh does (WARSHA_ADMIN_EMAIL/_PASSWORD, var/dev/admin.env or
# var/dev/bench-admin.env), and registers one customer for the run: the search as a
# customer sees it (the public view) is the one that matters.
# Environment: BENCH_TECH_SECONDS (10), BENCH_TECH_CONNECTIONS (8), BENCH_TECH_THREADS
# (2), BENCH_TECH_TIMEOUT (wrk --timeout, 30s).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_technicians
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_TECH_SECONDS:-10}
conns=${BENCH_TECH_CONNECTIONS:-8}
threads=${BENCH_TECH_THREADS:-2}
timeout=${BENCH_TECH_TIMEOUT:-30s}
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
new_customer

# ------------------------------------------------------------------ what is measured

fresh_token
get "$token" "/api/technicians?limit=1"
total=$(json 'd["pagination"]["totalItems"]' <<<"$body")
if [ "$status" != 200 ] || [ -z "$total" ]; then
	die "GET /api/technicians answered $status: $(head -c 300 <<<"$body")"
fi
# the list counts up to 1,000 (a lower bound beyond)
[ "$total" -ge 1000 ] || die "the stack lists $total technicians; load 10,000 with tests/load/gen_technicians.sh"
get "$token" "/api/services?category=plumbing&limit=1"
sid=$(json 'd["data"][0]["id"]' <<<"$body")
[ -n "$sid" ] || die "no plumbing service in the catalog"

cairo=30.0444,31.2357
aswan=24.0889,32.8998
# label|who|path: who is c (the customer) or a (the admin)
targets=(
	"available Cairo 20 km plumbing (customer)|c|/api/technicians/available?serviceId=$sid&location=$cairo&distance=20"
	"available Cairo 100 km any, 50 (customer)|c|/api/technicians/available?location=$cairo&distance=100&limit=50"
	"available Aswan 20 km plumbing (customer)|c|/api/technicians/available?serviceId=$sid&location=$aswan&distance=20"
	"available Cairo 20 km plumbing (admin)|a|/api/technicians/available?serviceId=$sid&location=$cairo&distance=20"
	"nearby Cairo 20 km (customer)|c|/api/users/technicians/nearby?lat=30.0444&lng=31.2357&radius=20"
	"GET /api/technicians limit 20 (admin)|a|/api/technicians?limit=20"
	"GET /api/technicians available plumbing|a|/api/technicians?status=available&specialization=plumbing&limit=20"
)

declare -A found
echo "technicians listed: $total or more"
for t in "${targets[@]}"; do
	IFS='|' read -r name who path <<<"$t"
	[ "$who" = a ] && tok=$token || tok=$ctoken
	get "$tok" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json 'len(d["data"]["technicians"]) if isinstance(d["data"], dict) else len(d["data"])' <<<"$body")
	alone[$name]=$(ms "$took")
	printf '  %s 200, %s rows, %s ms\n' "$(pad "$name" 48)" "${found[$name]}" "${alone[$name]}"
done

drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name who path <<<"$t"
	fresh_token
	[ "$who" = a ] && tok=$token || tok=$ctoken
	run "$name" "$path" -H "Authorization: Bearer $tok"
done

names=("nginx return 200")
for t in "${targets[@]}"; do names+=("${t%%|*}"); done
bench_extra=("rows:found")
printf '\n%s cores (load average %s before the run), wrk -t%s -c%s -d%ss --timeout %s, at least %s technicians;\n' \
	"$(nproc)" "$load" "$threads" "$conns" "$secs" "$timeout" "$total"
printf '"alone ms": the check request, sent by itself before the timed runs\n\n'
table 48 "${names[@]}"
exit 0
