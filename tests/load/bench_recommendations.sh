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
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_RECS_SECONDS:-10}
conns=${BENCH_RECS_CONNECTIONS:-8}
threads=${BENCH_RECS_THREADS:-2}
timeout=${BENCH_RECS_TIMEOUT:-30s}
stack_dir=$root/var/dev

die() { printf 'bench_recommendations: %s\n' "$*" >&2; exit 1; }
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


# ------------------------------------------------------------------ a customer

cust_email="bench-cust-$(openssl rand -hex 6)@example.com"
cust_body=$(EMAIL=$cust_email python3 -c 'import json, os, random
print(json.dumps({"email": os.environ["EMAIL"], "password": "BenchPw%06dAa1" % random.randrange(10**6),
    "phone": "015%08d" % random.randrange(10**8), "firstName": "Bench", "lastName": "Customer"}))')
ctoken=$(curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
	"$base/api/auth/register" <<<"$cust_body" | json 'd["data"]["token"]') || ctoken=
[ -n "$ctoken" ] || die "registering the benchmark customer failed"

# ------------------------------------------------------------------ the jobs

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
get() { # get TOKEN PATH: $status, $took (s), $body
	read -r status took < <(curl -sS -m 120 -o "$tmp" -w '%{http_code} %{time_total}\n' \
		-H "Authorization: Bearer $1" "$base$2" || echo "000 0")
	body=$(cat "$tmp")
}
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

declare -A rps p50 p99 notes alone found cands
echo "technicians listed: $total or more; jobs: ${jobs:-?} or more"
for t in "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	get "$ctoken" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json 'len(d["data"]["recommendations"])' <<<"$body")
	cands[$name]=$(json 'd["data"]["search"]["candidates"]' <<<"$body")
	alone[$name]=$(awk -v t="$took" 'BEGIN { printf "%.1f", t * 1000 }')
	printf '  %s 200, %s of %s candidates, %s ms\n' "$(pad "$name" 32)" "${found[$name]}" \
		"${cands[$name]}" "${alone[$name]}"
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

drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	run "$name" "$path" -H "Authorization: Bearer $ctoken"
done

ceiling=${rps[nginx return 200]}
alone[nginx return 200]=-
found[nginx return 200]=-
cands[nginx return 200]=-
printf '\n%s cores (load average %s before the run), wrk -t%s -c%s -d%ss --timeout %s, at least %s technicians; candidates: the craftsmen scored\n' \
	"$(nproc)" "$load" "$threads" "$conns" "$secs" "$timeout" "$total"
printf '"alone ms": the check request, sent by itself before the timed runs\n\n'
printf '| %s | %5s | %10s | %10s | %9s | %9s | %9s | %10s |\n' "$(pad endpoint 32)" rows candidates "req/s" "p50 ms" \
	"p99 ms" "alone ms" "% of nginx"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------" "-------" "------------" \
	"------------" "-----------" "-----------" "-----------" "------------"
for t in "nginx return 200|" "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	printf '| %s | %5s | %10s | %10.1f | %9s | %9s | %9s | %9.2f%% |\n' "$(pad "$name" 32)" "${found[$name]}" "${cands[$name]}" \
		"${rps[$name]}" "${p50[$name]}" "${p99[$name]}" "${alone[$name]}" \
		"$(awk -v a="${rps[$name]}" -v b="$ceiling" 'BEGIN { print 100 * a / b }')"
done
echo
for t in "nginx return 200|" "${targets[@]}"; do
	IFS='|' read -r name path <<<"$t"
	printf '  %s %s\n' "$(pad "$name" 32)" "${notes[$name]}"
done
exit 0
