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
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_JOBS_SECONDS:-10}
conns=${BENCH_JOBS_CONNECTIONS:-8}
threads=${BENCH_JOBS_THREADS:-2}
timeout=${BENCH_JOBS_TIMEOUT:-30s}
stack_dir=$root/var/dev

die() { printf 'bench_jobs: %s\n' "$*" >&2; exit 1; }
export LC_ALL=C.UTF-8
pad() { printf '%s%*s' "$1" $(($2 > ${#1} ? $2 - ${#1} : 0)) ''; }

command -v wrk >/dev/null || die "wrk is not installed (scripts/dev deps)"
command -v python3 >/dev/null || die "python3 is not installed (scripts/dev deps)"
curl -fsS -m 5 "$base/health" >/dev/null || die "no stack at $base (scripts/dev up)"

json() { python3 -c 'import json, sys
d = json.load(sys.stdin)
try:
    v = eval(sys.argv[1], {"d": d})
except (KeyError, IndexError, TypeError):
    v = None
print("" if v is None else v)' "$1"; }

# ------------------------------------------------------------------ sign in

admin_email=${WARSHA_ADMIN_EMAIL:-}
admin_password=${WARSHA_ADMIN_PASSWORD:-}
load_env() { # load_env FILE: WARSHA_ADMIN_EMAIL / _PASSWORD from a KEY=value file
	admin_email=$(sed -n 's/^WARSHA_ADMIN_EMAIL=//p' "$1" | tail -n 1)
	admin_password=$(sed -n 's/^WARSHA_ADMIN_PASSWORD=//p' "$1" | tail -n 1)
}
if [ -z "$admin_email" ] || [ -z "$admin_password" ]; then
	if [ -r "$stack_dir/admin.env" ]; then
		load_env "$stack_dir/admin.env"
	elif [ -r "$stack_dir/bench-admin.env" ]; then
		load_env "$stack_dir/bench-admin.env"
	else
		fcgi=${WARSHA_FCGI:-$root/build/warsha-fcgi}
		if [ ! -x "$fcgi" ] || [ ! -r "$stack_dir/warsha.conf" ]; then
			die "no admin credentials: set WARSHA_ADMIN_EMAIL and WARSHA_ADMIN_PASSWORD"
		fi
		admin_email=bench-admin@warsha.local
		# 24 random letters and digits, then the classes the password policy asks for
		admin_password="$(openssl rand -base64 32 | tr -dc A-Za-z0-9 | head -c 24)Aa1"
		out=$(cd "$root" && WARSHA_ADMIN_EMAIL=$admin_email WARSHA_ADMIN_PASSWORD=$admin_password \
			"$fcgi" --config "$stack_dir/warsha.conf" --create-admin 2>&1) ||
			die "warsha-fcgi --create-admin failed: $out"
		case "$out" in
		*"admin exists:"*)
			die "$admin_email exists but $stack_dir/bench-admin.env is gone: set WARSHA_ADMIN_EMAIL and WARSHA_ADMIN_PASSWORD" ;;
		esac
		(umask 077 && printf 'WARSHA_ADMIN_EMAIL=%s\nWARSHA_ADMIN_PASSWORD=%s\n' \
			"$admin_email" "$admin_password" >"$stack_dir/bench-admin.env")
		echo "created the benchmark admin $admin_email (password in $stack_dir/bench-admin.env)"
	fi
fi

# Access tokens last an hour (access_token_ttl): sign in again when the one we hold is
# more than 50 minutes old.
token=
token_at=0
sign_in() {
	local body
	body=$(ADMIN_EMAIL=$admin_email ADMIN_PASSWORD=$admin_password python3 -c 'import json, os
print(json.dumps({"email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"], "type": "admins"}))')
	token=$(curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
		"$base/api/auth/login" <<<"$body" | json 'd["data"]["token"]') || token=
	[ -n "$token" ] || die "signing in as $admin_email failed"
	token_at=$SECONDS
}
fresh_token() { if [ -z "$token" ] || [ $((SECONDS - token_at)) -gt 3000 ]; then sign_in; fi; }
fresh_token


# ------------------------------------------------------------------ a craftsman, a client

register() { # register ROLE: prints the new user's token
	local email b
	email="bench-$1-$(openssl rand -hex 6)@example.com"
	b=$(EMAIL=$email ROLE=$1 python3 -c 'import json, os, random
print(json.dumps({"email": os.environ["EMAIL"], "password": "BenchPw%06dAa1" % random.randrange(10**6),
    "phone": "015%08d" % random.randrange(10**8), "firstName": "Bench", "lastName": "User",
    "role": os.environ["ROLE"]}))')
	curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
		"$base/api/auth/register" <<<"$b" | json 'd["data"]["token"]'
}
ttoken=$(register technician) || ttoken=
[ -n "$ttoken" ] || die "registering the benchmark craftsman failed"
ctoken=$(register customer) || ctoken=
[ -n "$ctoken" ] || die "registering the benchmark client failed"

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
get() { # get TOKEN PATH: $status, $took (s), $body
	read -r status took < <(curl -sS -m 120 -o "$tmp" -w '%{http_code} %{time_total}\n' \
		-H "Authorization: Bearer $1" "$base$2" || echo "000 0")
	body=$(cat "$tmp")
}

fresh_token
get "$token" "/api/jobs?all=true&limit=1"
jobs=$(json 'd["pagination"]["totalItems"]' <<<"$body")
capped=$(json 'd["pagination"].get("totalIsLowerBound")' <<<"$body")
[ "$status" = 200 ] && [ -n "$jobs" ] || die "GET /api/jobs?all=true answered $status: $(head -c 300 <<<"$body")"
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

declare -A rps p50 p99 notes alone found total
echo "jobs listed: ${jobs:-?}${capped:+ or more}; technicians listed: at least $gen"
for t in "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	get "$(tok "$who")" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json "$rows" <<<"$body")
	total[$name]=$(json 'd.get("pagination", {}).get("totalItems")' <<<"$body")
	[ "${found[$name]:-0}" -gt 0 ] || die "$name answered no rows: $(head -c 300 <<<"$body")"
	alone[$name]=$(awk -v t="$took" 'BEGIN { printf "%.1f", t * 1000 }')
	printf '  %s 200, %s rows of %s, %s ms\n' "$(pad "$name" 34)" "${found[$name]}" \
		"${total[$name]:--}" "${alone[$name]}"
done

# wrk's latency lines are "50%  1.23ms"; normalise to milliseconds.
to_ms() {
	awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /m$/) { sub(/m$/,"",v); v=v*60000 } else if (v ~ /s$/) { sub(/s$/,"",v); v=v*1000 }; printf "%.2f", v }'
}

# When wrk stops, the requests it leaves in flight are abandoned (nginx logs 499), but
# the pool has accepted them or holds them in its listen queue, and runs each to its
# end. Before the next measurement, wait until the pool is idle again: until /health,
# which queues behind them, answers within 50 ms three times in a row (at most 5 min).
drain() {
	local quick=0 t i
	for ((i = 0; i < 3000 && quick < 3; i++)); do
		t=$(curl -sS -m 300 -o /dev/null -w '%{time_total}' "$base/health" 2>/dev/null) || t=1
		if awk -v t="$t" 'BEGIN { exit !(t < 0.05) }'; then quick=$((quick + 1)); else quick=0; sleep 0.1; fi
	done
}

run() { # run NAME PATH [wrk options]
	local name=$1 path=$2 out n errs
	shift 2
	out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout "$timeout" --latency "$@" "$base$path")
	rps[$name]=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
	p50[$name]=$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms)
	p99[$name]=$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)
	n=$(awk '/requests in/ { print $1 }' <<<"$out")
	errs=$(awk '/Non-2xx/ { printf "%s non-2xx ", $NF } /Socket errors/ { sub(/.*Socket errors: /, ""); printf "socket errors: %s", $0 }' <<<"$out")
	notes[$name]="$n requests${errs:+; $errs}"
	drain
}

run() { # run NAME PATH [wrk options]
	local name=$1 path=$2 out n errs
	shift 2
	out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout "$timeout" --latency "$@" "$base$path")
	rps[$name]=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
	p50[$name]=$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms)
	p99[$name]=$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)
	n=$(awk '/requests in/ { print $1 }' <<<"$out")
	errs=$(awk '/Non-2xx/ { printf "%s non-2xx ", $NF } /Socket errors/ { sub(/.*Socket errors: /, ""); printf "socket errors: %s", $0 }' <<<"$out")
	notes[$name]="$n requests${errs:+; $errs}"
	drain
}

drain
load=$(cut -d' ' -f1-3 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	fresh_token
	run "$name" "$path" -H "Authorization: Bearer $(tok "$who")"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ceiling=${rps[nginx return 200]}
alone[nginx return 200]=-
found[nginx return 200]=-
total[nginx return 200]=-
printf '\n%s cores (load average %s before the run, %s after), wrk -t%s -c%s -d%ss --timeout %s; %s jobs listed, at least %s technicians\n' \
	"$(nproc)" "$load" "$load_after" "$threads" "$conns" "$secs" "$timeout" "${jobs:-?}${capped:+ or more}" "$gen"
printf '"alone ms": the check request, sent by itself before the timed runs; "total": the list'"'"'s totalItems (the board counts up to 1,000)\n\n'
printf '| %s | %5s | %6s | %10s | %9s | %9s | %9s | %10s |\n' "$(pad endpoint 34)" rows total "req/s" "p50 ms" \
	"p99 ms" "alone ms" "% of nginx"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "------------------------------------" "-------" "--------" \
	"------------" "-----------" "-----------" "-----------" "------------"
for t in "nginx return 200|||" "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	printf '| %s | %5s | %6s | %10.1f | %9s | %9s | %9s | %9.2f%% |\n' "$(pad "$name" 34)" "${found[$name]}" \
		"${total[$name]:--}" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" "${alone[$name]}" \
		"$(awk -v a="${rps[$name]}" -v b="$ceiling" 'BEGIN { print 100 * a / b }')"
done
echo
for t in "nginx return 200|||" "${targets[@]}"; do
	IFS='|' read -r name who path rows <<<"$t"
	printf '  %s %s\n' "$(pad "$name" 34)" "${notes[$name]}"
done
exit 0
