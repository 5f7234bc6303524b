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
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_SEARCH_SECONDS:-10}
conns=${BENCH_SEARCH_CONNECTIONS:-8}
threads=${BENCH_SEARCH_THREADS:-2}
timeout=${BENCH_SEARCH_TIMEOUT:-30s}
stack_dir=$root/var/dev
limit=20

die() { printf 'bench_search: %s\n' "$*" >&2; exit 1; }
# pad TEXT WIDTH: TEXT and spaces up to WIDTH characters (not bytes: names may be Arabic)
export LC_ALL=C.UTF-8
pad() { printf '%s%*s' "$1" $(($2 > ${#1} ? $2 - ${#1} : 0)) ''; }

command -v wrk >/dev/null || die "wrk is not installed (scripts/dev deps)"
command -v python3 >/dev/null || die "python3 is not installed (scripts/dev deps)"
curl -fsS -m 5 "$base/health" >/dev/null || die "no stack at $base (scripts/dev up)"

# json EXPR: evaluates EXPR on the JSON document on stdin (bound to d); prints the result
# ("" for None). Expressions only read fixed keys of our own answers.
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

# get PATH: the answer's body in $body, its status in $status, its time in $took (s).
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
get() {
	fresh_token
	read -r status took < <(curl -sS -m 120 -o "$tmp" -w '%{http_code} %{time_total}\n' \
		-H "Authorization: Bearer $token" "$base$1" || echo "000 0")
	body=$(cat "$tmp")
}

# ------------------------------------------------------------------ what is measured

urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
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

get "/api/search/services?q=zzzzzz&limit=1"
[ "$status" = 200 ] || die "GET /api/search/services answered $status: $(head -c 300 <<<"$body")"
get "/api/technicians?limit=1"
techs=$(json 'd["pagination"]["totalItems"]' <<<"$body")
get "/api/services?limit=1"
services=$(json 'd["pagination"]["totalItems"]' <<<"$body")
if [ "${services:-0}" -lt 10000 ] || [ "${techs:-0}" -lt 1000 ]; then
	die "the stack lists $services services (counted up to 10000) and $techs technicians (up to 1000): load them with tests/load/gen_services.sh and tests/load/gen_technicians.sh"
fi

declare -A rps p50 p99 notes alone
echo "services: $services (counted up to 10000); technicians: $techs (counted up to 1000)"
for t in "${resolved[@]}"; do
	name=${t%%|*}
	path=${t#*|}
	get "$path"
	rows=$(json 'len(d["data"])' <<<"$body")
	items=$(json 'd["pagination"].get("totalItems")' <<<"$body")
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	[ "${rows:-0}" -ge 1 ] || die "$name found nothing"
	alone[$name]=$(awk -v t="$took" 'BEGIN { printf "%.0f", t * 1000 }')
	printf '  %s 200, %s rows of %s, %s ms\n' "$(pad "$name" 44)" "$rows" "${items:-?}" \
		"${alone[$name]}"
done

# ------------------------------------------------------------------ timing

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
for t in "${resolved[@]}"; do
	fresh_token
	run "${t%%|*}" "${t#*|}" -H "Authorization: Bearer $token"
done

ceiling=${rps[nginx return 200]}
alone[nginx return 200]=-
printf '\n%s cores (load average %s before the run), wrk -t%s -c%s -d%ss --timeout %s,\n' \
	"$(nproc)" "$load" "$threads" "$conns" "$secs" "$timeout"
printf '%s rows per page, %s; "alone ms": the check request, sent by itself before the timed runs\n\n' \
	"$limit" "$services services, $techs technicians"
printf '| %s | %10s | %9s | %9s | %9s | %10s |\n' "$(pad endpoint 44)" "req/s" "p50 ms" "p99 ms" \
	"alone ms" "% of nginx"
printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "------------" \
	"-----------" "-----------" "-----------" "------------"
for t in "nginx return 200|" "${resolved[@]}"; do
	name=${t%%|*}
	if [ "${notes[$name]%% *}" = 0 ]; then   # no answer within the run: no latency
		printf '| %s | %10s | %9s | %9s | %9s | %10s |\n' "$(pad "$name" 44)" 0 "> ${secs}000" - \
			"${alone[$name]}" -
		continue
	fi
	printf '| %s | %10.1f | %9s | %9s | %9s | %9.4f%% |\n' "$(pad "$name" 44)" "${rps[$name]}" \
		"${p50[$name]}" "${p99[$name]}" "${alone[$name]}" \
		"$(awk -v a="${rps[$name]}" -v b="$ceiling" 'BEGIN { print 100 * a / b }')"
done
echo
for t in "nginx return 200|" "${resolved[@]}"; do
	name=${t%%|*}
	printf '  %s %s\n' "$(pad "$name" 44)" "${notes[$name]}"
done
exit 0
