#!/usr/bin/env bash
# Warsha list benchmark: the user lists (GET /api/users, GET /api/admin/users) against a
# stack holding many users (tests/load/gen_users.sh loads a million), measured with wrk
# next to nginx's own ceiling in the same run, as tests/load/bench.sh does.
#
#   tests/load/bench_lists.sh [BASE_URL]        (scripts/dev bench lists)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin:
#   - WARSHA_ADMIN_EMAIL and WARSHA_ADMIN_PASSWORD when both are set (the variables
#     scripts/dev up creates the first admin from), else
#   - var/dev/admin.env when it exists, else
#   - var/dev/bench-admin.env: a benchmark admin (bench-admin@warsha.local) that this
#     script creates once with warsha-fcgi --create-admin and a generated password,
#     kept in that file (mode 600), since the dev stack's own admin password is shown
#     once and stored nowhere.
# Environment: BENCH_LISTS_SECONDS (10), BENCH_LISTS_CONNECTIONS (8),
# BENCH_LISTS_THREADS (2), BENCH_LISTS_TIMEOUT (wrk --timeout, 30s: slower answers
# would be left out of the latencies), BENCH_LISTS_OPTIONAL=1 (too few users: say so
# and exit 0 instead of failing; scripts/dev bench sets it).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_LISTS_SECONDS:-10}
conns=${BENCH_LISTS_CONNECTIONS:-8}
threads=${BENCH_LISTS_THREADS:-2}
timeout=${BENCH_LISTS_TIMEOUT:-30s}
optional=${BENCH_LISTS_OPTIONAL:-0}
stack_dir=$root/var/dev
limit=20
deep_page=400

die() { printf 'bench_lists: %s\n' "$*" >&2; exit 1; }
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

# A name search finds thousands of the generated users; a username prefix (letters and
# a digit: read as a username, docs/data-layer.md) a few hundred.
name_latin=Mahmoud
name_arabic=محمود
user_prefix=mahmoud_h1
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# label|path
targets=(
	"GET /api/users|/api/users?limit=$limit"
	"GET /api/users page $deep_page|/api/users?page=$deep_page&limit=$limit"
	"CURSOR"
	"GET /api/users role=technician|/api/users?role=technician&limit=$limit"
	"GET /api/admin/users|/api/admin/users?limit=$limit"
	"GET /api/admin/users status=banned|/api/admin/users?status=banned&limit=$limit"
	"GET /api/users search=$name_latin|/api/users?search=$name_latin&limit=$limit"
	"GET /api/users search=$name_arabic|/api/users?search=$(urlenc "$name_arabic")&limit=$limit"
	"GET /api/users search=$user_prefix|/api/users?search=$user_prefix&limit=$limit"
)

get "/api/admin/users?limit=1"
total=$(json 'd["pagination"]["totalItems"]' <<<"$body")
if [ "$status" != 200 ] || [ -z "$total" ]; then
	die "GET /api/admin/users answered $status: $(head -c 300 <<<"$body")"
fi
if [ "$total" -lt $((deep_page * limit)) ]; then
	msg="the stack lists $total users, too few for page $deep_page; load a million with tests/load/gen_users.sh"
	if [ "$optional" = 1 ]; then
		echo "list benchmark skipped: $msg"
		exit 0
	fi
	die "$msg"
fi

# Keyset paging: when the first page carries pagination.nextCursor, follow it to the
# same depth as page $deep_page and time the request for that page.
cursor_path=
cursor_note=
get "/api/users?limit=$limit"
cursor=$(json 'd["pagination"].get("nextCursor")' <<<"$body")
if [ -z "$cursor" ]; then
	cursor_note="cursor request skipped: the first page of GET /api/users has no pagination.nextCursor"
else
	for ((p = 2; p < deep_page; p++)); do
		get "/api/users?limit=$limit&cursor=$(urlenc "$cursor")"
		cursor=$(json 'd["pagination"].get("nextCursor")' <<<"$body")
		[ -n "$cursor" ] || die "GET /api/users: page $p (by cursor) has no nextCursor"
	done
	cursor_path="/api/users?limit=$limit&cursor=$(urlenc "$cursor")"
fi
resolved=()
for t in "${targets[@]}"; do
	if [ "$t" = CURSOR ]; then
		[ -n "$cursor_path" ] && resolved+=("GET /api/users cursor (page $deep_page)|$cursor_path")
	else
		resolved+=("$t")
	fi
done

# The answers must be what we think they are before we time them: 200, $limit rows.
# The time of this one request, alone, goes in the table too: slow lists give wrk few
# answers to take percentiles from.
declare -A rps p50 p99 notes alone
echo "users listed: $total (GET /api/admin/users totalItems)"
for t in "${resolved[@]}"; do
	name=${t%%|*}
	path=${t#*|}
	get "$path"
	rows=$(json 'len(d["data"])' <<<"$body")
	items=$(json 'd["pagination"].get("totalItems")' <<<"$body")
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	[ "$rows" = "$limit" ] || die "$name returned $rows rows, not $limit"
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
printf '%s rows per page, %s users listed; "alone ms": the check request, sent by itself before the timed runs\n\n' \
	"$limit" "$total"
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
[ -z "$cursor_note" ] || printf '\n%s\n' "$cursor_note"
exit 0
