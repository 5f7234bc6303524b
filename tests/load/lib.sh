# shellcheck shell=bash disable=SC2154,SC2034  # bench, base, root, secs ... are the sourcing script's; status, took, body are its
# Warsha benchmark plumbing, sourced by the tests/load/bench_*.sh scripts: signing in,
# timed single requests, wrk runs next to nginx's own ceiling, and the figures table.
#
# The script sets before sourcing: bench (its name, for messages), base (the stack's URL),
# secs, conns, threads, timeout (wrk's -d, -c, -t, --timeout), and root (the checkout).
# It gets:
#   die MSG                 the message on stderr, exit 1
#   pad TEXT WIDTH          TEXT and spaces to WIDTH characters (names may be Arabic)
#   json EXPR               EXPR on the JSON document on stdin, bound to d ("" for None)
#   urlenc TEXT             TEXT percent-encoded for a query string
#   fresh_token             $token: an admin's access token, renewed after 50 minutes
#   new_customer            $ctoken: a customer registered for this run
#   get TOKEN PATH          one request: $status, $took (seconds), $body
#   ms SECONDS              SECONDS as whole milliseconds
#   run NAME PATH [wrk…]    wrk on PATH into rps[NAME], p50[NAME], p99[NAME], notes[NAME],
#                           then drain; run "nginx return 200" /bench/nginx first
#   table WIDTH NAME…       the markdown table of those runs (nginx's first), with the
#                           columns of bench_extra ("header:array" words) after the
#                           endpoint, then each run's request count and errors
# The admin comes from WARSHA_ADMIN_EMAIL and WARSHA_ADMIN_PASSWORD when both are set
# (the variables scripts/dev up creates the first admin from), else var/dev/admin.env,
# else var/dev/bench-admin.env: a benchmark admin (bench-admin@warsha.local) created
# once with warsha-fcgi --create-admin and a generated password kept in that file (mode
# 600), since the dev stack's own admin password is shown once and stored nowhere.

export LC_ALL=C.UTF-8
stack_dir=$root/var/dev
declare -A rps p50 p99 notes alone
bench_extra=()

die() { printf '%s: %s\n' "$bench" "$*" >&2; exit 1; }
pad() { printf '%s%*s' "$1" $(($2 > ${#1} ? $2 - ${#1} : 0)) ''; }
# Expressions only read fixed keys of our own answers.
json() { python3 -c 'import json, sys
d = json.load(sys.stdin)
try:
    v = eval(sys.argv[1], {"d": d})
except (KeyError, IndexError, TypeError):
    v = None
print("" if v is None else v)' "$1"; }
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }

command -v wrk >/dev/null || die "wrk is not installed (scripts/dev deps)"
command -v python3 >/dev/null || die "python3 is not installed (scripts/dev deps)"
curl -fsS -m 5 "$base/health" >/dev/null || die "no stack at $base (scripts/dev up)"

bench_tmp=$(mktemp)
trap 'rm -f "$bench_tmp"' EXIT

# ------------------------------------------------------------------ who asks

admin_email=${WARSHA_ADMIN_EMAIL:-}
admin_password=${WARSHA_ADMIN_PASSWORD:-}
load_env() { # load_env FILE: WARSHA_ADMIN_EMAIL / _PASSWORD from a KEY=value file
	admin_email=$(sed -n 's/^WARSHA_ADMIN_EMAIL=//p' "$1" | tail -n 1)
	admin_password=$(sed -n 's/^WARSHA_ADMIN_PASSWORD=//p' "$1" | tail -n 1)
}
admin_credentials() {
	local fcgi out
	[ -z "$admin_email" ] || [ -z "$admin_password" ] || return 0
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
}

# Access tokens last an hour (access_token_ttl): sign in again when the one we hold is
# more than 50 minutes old.
token=
token_at=0
sign_in() {
	local body
	admin_credentials
	body=$(ADMIN_EMAIL=$admin_email ADMIN_PASSWORD=$admin_password python3 -c 'import json, os
print(json.dumps({"email": os.environ["ADMIN_EMAIL"], "password": os.environ["ADMIN_PASSWORD"], "type": "admins"}))')
	token=$(curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
		"$base/api/auth/login" <<<"$body" | json 'd["data"]["token"]') || token=
	[ -n "$token" ] || die "signing in as $admin_email failed"
	token_at=$SECONDS
}
fresh_token() { if [ -z "$token" ] || [ $((SECONDS - token_at)) -gt 3000 ]; then sign_in; fi; }

new_customer() {
	local email body
	email="bench-cust-$(openssl rand -hex 6)@example.com"
	body=$(EMAIL=$email python3 -c 'import json, os, random
print(json.dumps({"email": os.environ["EMAIL"], "password": "BenchPw%06dAa1" % random.randrange(10**6),
    "phone": "015%08d" % random.randrange(10**8), "firstName": "Bench", "lastName": "Customer"}))')
	ctoken=$(curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
		"$base/api/auth/register" <<<"$body" | json 'd["data"]["token"]') || ctoken=
	[ -n "$ctoken" ] || die "registering the benchmark customer failed"
}

get() {
	read -r status took < <(curl -sS -m 120 -o "$bench_tmp" -w '%{http_code} %{time_total}\n' \
		-H "Authorization: Bearer $1" "$base$2" || echo "000 0")
	body=$(cat "$bench_tmp")
}

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

run() {
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

table() {
	local width=$1 name col head arr ceiling line sep
	shift
	ceiling=${rps[nginx return 200]}
	alone[nginx return 200]=-
	line="| $(pad endpoint "$width") |"
	sep="|$(printf '%*s' $((width + 2)) '' | tr ' ' -)|"
	for col in "${bench_extra[@]}"; do
		head=${col%%:*}
		line+=" $(printf '%10s' "$head") |"
		sep+="------------|"
	done
	printf '%s %10s | %9s | %9s | %9s | %10s |\n' "$line" "req/s" "p50 ms" "p99 ms" "alone ms" "% of nginx"
	printf '%s------------|-----------|-----------|-----------|------------|\n' "$sep"
	for name in "$@"; do
		line="| $(pad "$name" "$width") |"
		for col in "${bench_extra[@]}"; do
			arr=${col#*:}
			local -n cells=$arr
			line+=" $(printf '%10s' "${cells[$name]:--}") |"
			unset -n cells
		done
		if [ "${notes[$name]%% *}" = 0 ]; then   # no answer within the run: no latency
			printf '%s %10s | %9s | %9s | %9s | %10s |\n' "$line" 0 "> ${secs}000" - \
				"${alone[$name]:--}" -
			continue
		fi
		printf '%s %10.1f | %9s | %9s | %9s | %9.4f%% |\n' "$line" "${rps[$name]}" \
			"${p50[$name]}" "${p99[$name]}" "${alone[$name]:--}" \
			"$(awk -v a="${rps[$name]}" -v b="$ceiling" 'BEGIN { print 100 * a / b }')"
	done
	echo
	for name in "$@"; do
		printf '  %s %s\n' "$(pad "$name" "$width")" "${notes[$name]}"
	done
}
