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
bench=bench_lists
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_LISTS_SECONDS:-10}
conns=${BENCH_LISTS_CONNECTIONS:-8}
threads=${BENCH_LISTS_THREADS:-2}
timeout=${BENCH_LISTS_TIMEOUT:-30s}
optional=${BENCH_LISTS_OPTIONAL:-0}
limit=20
deep_page=400
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
fresh_token
# get PATH: as the admin
aget() { fresh_token; get "$token" "$1"; }

# ------------------------------------------------------------------ what is measured

# A name search finds thousands of the generated users; a username prefix (letters and
# a digit: read as a username, docs/data-layer.md) a few hundred.
name_latin=Mahmoud
name_arabic=محمود
user_prefix=mahmoud_h1

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

aget "/api/admin/users?limit=1"
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
aget "/api/users?limit=$limit"
cursor=$(json 'd["pagination"].get("nextCursor")' <<<"$body")
if [ -z "$cursor" ]; then
	cursor_note="cursor request skipped: the first page of GET /api/users has no pagination.nextCursor"
else
	for ((p = 2; p < deep_page; p++)); do
		aget "/api/users?limit=$limit&cursor=$(urlenc "$cursor")"
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
echo "users listed: $total (GET /api/admin/users totalItems)"
for t in "${resolved[@]}"; do
	name=${t%%|*}
	path=${t#*|}
	aget "$path"
	rows=$(json 'len(d["data"])' <<<"$body")
	items=$(json 'd["pagination"].get("totalItems")' <<<"$body")
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	[ "$rows" = "$limit" ] || die "$name returned $rows rows, not $limit"
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
printf '%s rows per page, %s users listed; "alone ms": the check request, sent by itself before the timed runs\n\n' \
	"$limit" "$total"
table 44 "${names[@]}"
[ -z "$cursor_note" ] || printf '\n%s\n' "$cursor_note"
exit 0
