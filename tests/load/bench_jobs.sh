#!/usr/bin/env bash
# Warsha marketplace benchmark (issue 12): GET /api/jobs, a craftsman browsing the open
# jobs, and GET /api/users/recommendations, against a stack holding the 1,000,000 jobs
# and 10,000 craftsmen of tests/load/gen_jobs.sh, measured with wrk next to nginx's own
# ceiling in the same run, as tests/load/bench_recommendations.sh does. Target: under
# 50 ms p99 at 8 connections. Browsing:
#   - the newest open jobs, no filter
#   - a category near a point: central Cairo (dense) at 20 and 5 km, Kharga (sparse)
#   - a budget range, posted since a week ago, with the category and the point
#   - a deep page (page 400 of 25: offset 9,975, the edge of the page window) and a
#     cursor past the window (the one page 400 hands on)
# and the recommendations for a plumbing job in Cairo (10 and 50 results).
#
#   tests/load/bench_jobs.sh [BASE_URL]    (scripts/dev bench jobs)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin the
# way tests/load/bench_lists.sh does (to check the jobs are loaded), registers one
# craftsman (who browses) and one client (who posts the job recommendations are asked
# for). Each request is sent once first and must answer 200 with rows.
# Environment: BENCH_JOBS_SECONDS (10), BENCH_JOBS_CONNECTIONS (8), BENCH_JOBS_THREADS
# (2), BENCH_JOBS_TIMEOUT (wrk --timeout, 30s).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_jobs
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_JOBS_SECONDS:-10}
conns=${BENCH_JOBS_CONNECTIONS:-8}
threads=${BENCH_JOBS_THREADS:-2}
timeout=${BENCH_JOBS_TIMEOUT:-30s}
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"

# ------------------------------------------------------------------ a craftsman, a client

ttoken=$(register_user technician) || ttoken=
[ -n "$ttoken" ] || die "registering the benchmark craftsman failed"
new_customer

fresh_token
get "$token" "/api/jobs?all=true&limit=1"
jobs=$(json 'd["pagination"]["totalItems"]' <<<"$body")
capped=$(json 'd["pagination"].get("totalIsLowerBound")' <<<"$body")
if [ "$status" != 200 ] || [ -z "$jobs" ]; then
	die "GET /api/jobs?all=true answered $status: $(head -c 300 <<<"$body")"
fi
gen=$(curl -sS -m 30 -H "Authorization: Bearer $token" "$base/api/technicians?limit=1" |
	json 'd["pagination"]["totalItems"]') || gen=0
[ "${gen:-0}" -ge 1000 ] || die "the stack lists ${gen:-0} technicians; load them with tests/load/gen_jobs.sh"

# the client's job in central Cairo
jb=$(python3 -c 'import json
print(json.dumps({"title": "Benchmark job", "description": "Benchmark job for recommendations.",
    "category": "plumbing", "address": "1 Bench St", "city": "Cairo", "governorate": "Cairo",
    "location": {"type": "Point", "coordinates": [31.2357, 30.0444]}}))')
job=$(curl -sS -m 30 -H 'Content-Type: application/json' -H "Authorization: Bearer $ctoken" \
	--data-binary @- "$base/api/jobs" <<<"$jb" | json 'd["data"]["id"]') || job=
[ -n "$job" ] || die "posting the Cairo job failed"

week=$(date -u -d '7 days ago' +%Y-%m-%d)
# the cursor page 400 of 25 hands on: past the page window
get "$ttoken" "/api/jobs?page=400&limit=25"
[ "$status" = 200 ] || die "page 400 answered $status: $(head -c 300 <<<"$body")"
cursor=$(json 'd["pagination"].get("nextCursor")' <<<"$body")
[ -n "$cursor" ] || die "page 400 of 25 has no nextCursor (fewer than 10,000 open jobs?)"

# label|token|path|rows expression
B="/api/jobs?limit=20"
targets=(
	"browse newest|t|$B|len(d['data'])"
	"Cairo plumbing 20 km|t|$B&category=plumbing&lat=30.0444&lng=31.2357&distance=20|len(d['data'])"
	"Cairo plumbing 5 km|t|$B&category=plumbing&lat=30.0444&lng=31.2357&distance=5|len(d['data'])"
	"Cairo 20 km, any category|t|$B&lat=30.0444&lng=31.2357&distance=20|len(d['data'])"
	"Kharga plumbing 30 km (sparse)|t|$B&category=plumbing&lat=25.4390&lng=30.5586&distance=30|len(d['data'])"
	"Kharga 30 km, any category|t|$B&lat=25.4390&lng=30.5586&distance=30|len(d['data'])"
	"Cairo plumbing, budget 2-5k EGP|t|$B&category=plumbing&lat=30.0444&lng=31.2357&distance=20&minBudget=200000&maxBudget=500000|len(d['data'])"
	"Cairo plumbing, since a week|t|$B&category=plumbing&lat=30.0444&lng=31.2357&distance=20&since=$week|len(d['data'])"
	"page 400 of 25|t|/api/jobs?page=400&limit=25|len(d['data'])"
	"cursor past the window|t|/api/jobs?limit=25&cursor=$cursor|len(d['data'])"
	"recommendations Cairo, 10|c|/api/users/recommendations?jobId=$job|len(d['data']['recommendations'])"
	"recommendations Cairo, 50|c|/api/users/recommendations?jobId=$job&limit=50|len(d['data']['recommendations'])"
)
tok() { if [ "$1" = t ]; then echo "$ttoken"; else echo "$ctoken"; fi; }

declare -A found total
echo "jobs listed: ${jobs:-?}${capped:+ or more}; technicians listed: at least $gen"
for t in "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	get "$(tok "$who")" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json "$rows" <<<"$body")
	total[$name]=$(json 'd.get("pagination", {}).get("totalItems")' <<<"$body")
	[ "${found[$name]:-0}" -gt 0 ] || die "$name answered no rows: $(head -c 300 <<<"$body")"
	alone[$name]=$(ms "$took")
	printf '  %s 200, %s rows of %s, %s ms\n' "$(pad "$name" 34)" "${found[$name]}" \
		"${total[$name]:--}" "${alone[$name]}"
done

drain
load=$(cut -d' ' -f1-3 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	fresh_token
	run "$name" "$path" -H "Authorization: Bearer $(tok "$who")"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

names=("nginx return 200")
for t in "${targets[@]}"; do names+=("${t%%|*}"); done
bench_extra=("rows:found" "total:total")
printf '\n%s cores (load average %s before the run, %s after), wrk -t%s -c%s -d%ss --timeout %s; %s jobs listed, at least %s technicians\n' \
	"$(nproc)" "$load" "$load_after" "$threads" "$conns" "$secs" "$timeout" "${jobs:-?}${capped:+ or more}" "$gen"
printf '"alone ms": the check request, sent by itself before the timed runs; "total": the list'"'"'s totalItems (the board counts up to 1,000)\n\n'
table 34 "${names[@]}"
exit 0
