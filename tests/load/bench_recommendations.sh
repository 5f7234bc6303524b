#!/usr/bin/env bash
# Warsha recommendation benchmark: GET /api/users/recommendations?jobId= against a stack
# holding generated technicians (tests/load/gen_technicians.sh loads 10,000) and any
# jobs (tests/load/gen_bookings.sh), measured with wrk next to nginx's own ceiling in
# the same run, as tests/load/bench_technicians.sh does. Target: under 50 ms p99 at 8
# connections.
#
#   tests/load/bench_recommendations.sh [BASE_URL]    (scripts/dev bench recommendations)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin the
# way tests/load/bench_lists.sh does (to check the technicians are loaded), registers
# one customer and posts the customer's jobs (Cairo, Giza, Alexandria, Aswan): only a
# job's owner asks for its recommendations.
# Environment: BENCH_RECS_SECONDS (10), BENCH_RECS_CONNECTIONS (8), BENCH_RECS_THREADS
# (2), BENCH_RECS_TIMEOUT (wrk --timeout, 30s).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_recommendations
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_RECS_SECONDS:-10}
conns=${BENCH_RECS_CONNECTIONS:-8}
threads=${BENCH_RECS_THREADS:-2}
timeout=${BENCH_RECS_TIMEOUT:-30s}
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
fresh_token
new_customer

# ------------------------------------------------------------------ the jobs

post_job() { # post_job CATEGORY LAT LNG: prints the new job's id
	local b
	b=$(CAT=$1 LAT=$2 LNG=$3 python3 -c 'import json, os
print(json.dumps({"title": "Benchmark job", "description": "Benchmark job for recommendations.",
    "category": os.environ["CAT"], "address": "1 Bench St", "city": "Cairo", "governorate": "Cairo",
    "location": {"type": "Point", "coordinates": [float(os.environ["LNG"]), float(os.environ["LAT"])]}}))')
	curl -sS -m 30 -H 'Content-Type: application/json' -H "Authorization: Bearer $ctoken" \
		--data-binary @- "$base/api/jobs" <<<"$b" | json 'd["data"]["id"]'
}

fresh_token
get "$token" "/api/technicians?limit=1"
total=$(json 'd["pagination"]["totalItems"]' <<<"$body")
[ "$status" = 200 ] && [ -n "$total" ] || die "GET /api/technicians answered $status: $(head -c 300 <<<"$body")"
[ "$total" -ge 1000 ] || die "the stack lists $total technicians; load 10,000 with tests/load/gen_technicians.sh"
get "$token" "/api/jobs?all=true&limit=1"
jobs=$(json 'd["pagination"]["totalItems"]' <<<"$body")

# label|category|lat|lng
places=(
	"Cairo plumbing|plumbing|30.0444|31.2357"
	"Cairo electrical|electrical|30.0444|31.2357"
	"Giza plumbing|plumbing|30.0131|31.2089"
	"Alexandria plumbing|plumbing|31.2001|29.9187"
	"Aswan plumbing|plumbing|24.0889|32.8998"
)
targets=()
for p in "${places[@]}"; do
	IFS='|' read -r name cat lat lng <<<"$p"
	id=$(post_job "$cat" "$lat" "$lng") || id=
	[ -n "$id" ] || die "posting the $name job failed (is $cat a service category?)"
	targets+=("$name, 10|/api/users/recommendations?jobId=$id")
	[ "$name" = "Cairo plumbing" ] && targets+=("$name, 50|/api/users/recommendations?jobId=$id&limit=50")
done

declare -A found cands
echo "technicians listed: $total or more; jobs: ${jobs:-?} or more"
for t in "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	get "$ctoken" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json 'len(d["data"]["recommendations"])' <<<"$body")
	cands[$name]=$(json 'd["data"]["search"]["candidates"]' <<<"$body")
	alone[$name]=$(ms "$took")
	printf '  %s 200, %s of %s candidates, %s ms\n' "$(pad "$name" 32)" "${found[$name]}" \
		"${cands[$name]}" "${alone[$name]}"
done

drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	run "$name" "$path" -H "Authorization: Bearer $ctoken"
done

names=("nginx return 200")
for t in "${targets[@]}"; do names+=("${t%%|*}"); done
bench_extra=("rows:found" "candidates:cands")
printf '\n%s cores (load average %s before the run), wrk -t%s -c%s -d%ss --timeout %s, at least %s technicians; candidates: the craftsmen scored\n' \
	"$(nproc)" "$load" "$threads" "$conns" "$secs" "$timeout" "$total"
printf '"alone ms": the check request, sent by itself before the timed runs\n\n'
table 32 "${names[@]}"
exit 0
