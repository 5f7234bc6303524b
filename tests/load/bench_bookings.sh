#!/usr/bin/env bash
# Warsha booking benchmark (issue 7): the booking endpoints against a stack holding
# generated technicians, customers and bookings (tests/load/gen_bookings.sh loads 10,000,
# 100,000 and 1,000,000), measured with wrk next to nginx's own ceiling in the same run,
# as tests/load/bench_lists.sh and bench_technicians.sh do:
#   - GET /api/technicians/available?serviceId=&location=lat,lng&distance=km (a customer)
#   - GET /api/bookings/my of the generated customer with the most bookings
#   - GET /api/bookings as an admin: every booking, then status, created-date range,
#     service and emergency filters and their allowed combinations, a scheduled range
#   - POST /api/bookings (a customer; wrk -s with a Lua script): requests per second as
#     a share of nginx's ceiling
#
#   tests/load/bench_bookings.sh [BASE_URL]        (scripts/dev bench bookings)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080. It signs in as an admin the
# way tests/load/bench_lists.sh does (WARSHA_ADMIN_EMAIL/_PASSWORD, var/dev/admin.env or
# var/dev/bench-admin.env) and registers one customer for the run. Generated customers
# share a password nobody knows: the one with the most bookings is given a password of
# its own once (scrypt, as the application stores it), kept in var/dev/bench-customer.env
# (mode 600); this needs the stack's database (var/dev/warsha.conf, the mariadb client).
# The POST run leaves its bookings (on the run's own customer) in the database.
# Environment: BENCH_BOOKINGS_SECONDS (10), BENCH_BOOKINGS_CONNECTIONS (8),
# BENCH_BOOKINGS_THREADS (2), BENCH_BOOKINGS_TIMEOUT (wrk --timeout, 30s).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bench=bench_bookings
base=${1:-http://127.0.0.1:8080}
secs=${BENCH_BOOKINGS_SECONDS:-10}
conns=${BENCH_BOOKINGS_CONNECTIONS:-8}
threads=${BENCH_BOOKINGS_THREADS:-2}
timeout=${BENCH_BOOKINGS_TIMEOUT:-30s}
limit=20
# shellcheck source=tests/load/lib.sh
. "$root/tests/load/lib.sh"
conf=$stack_dir/warsha.conf
command -v mariadb >/dev/null || die "the mariadb client is not installed (scripts/dev deps)"
[ -r "$conf" ] || die "no $conf (the dev stack's database is needed)"
lua=$(mktemp --suffix=.lua)
trap 'rm -f "$bench_tmp" "$lua"' EXIT

# shellcheck source=tests/load/db_lib.sh
. "$root/tests/load/db_lib.sh"
db_connect

# ------------------------------------------------------------------ sign in

login() { # login EMAIL PASSWORD [TYPE]: prints the access token, or nothing
	EMAIL=$1 PASSWORD=$2 TYPE=${3:-} python3 -c 'import json, os
b = {"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"]}
if os.environ["TYPE"]:
    b["type"] = os.environ["TYPE"]
print(json.dumps(b))' |
		curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- "$base/api/auth/login" |
		json 'd["data"]["token"]' || true
}
# The busiest customer's token, renewed as the admin's (tests/load/lib.sh, fresh_token).
mtoken=
mtoken_at=0
fresh_tokens() {
	fresh_token
	if [ -z "$mtoken" ] || [ $((SECONDS - mtoken_at)) -gt 3000 ]; then
		mtoken=$(login "$many_email" "$many_password")
		[ -n "$mtoken" ] || die "signing in as $many_email failed"
		mtoken_at=$SECONDS
	fi
}

# ------------------------------------------------------------------ the customers

# The generated customer with the most bookings; its password set once.
read -r many_id many_email many_count < <(db -e "SELECT b.customer_id, u.email, COUNT(*) FROM bookings b
  JOIN users u ON u.id = b.customer_id WHERE b.number LIKE 'BKG-%' AND b.customer_id IS NOT NULL
  AND b.customer_id = (SELECT customer_id FROM bookings WHERE number LIKE 'BKG-%' AND customer_id IS NOT NULL
    GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1) GROUP BY b.customer_id, u.email") ||
	many_id=
[ -n "$many_id" ] || die "no generated bookings: load them with tests/load/gen_bookings.sh"
many_password=
if [ -r "$stack_dir/bench-customer.env" ] &&
	[ "$(sed -n 's/^EMAIL=//p' "$stack_dir/bench-customer.env")" = "$many_email" ]; then
	many_password=$(sed -n 's/^PASSWORD=//p' "$stack_dir/bench-customer.env")
fi
if [ -z "$many_password" ] || [ -z "$(login "$many_email" "$many_password")" ]; then
	many_password="$(openssl rand -base64 32 | tr -dc A-Za-z0-9 | head -c 24)Aa1"
	# libscrypt's format: $s1$ N (log2), r, p in hex $ salt $ hash, both base64
	# shellcheck disable=SC2016  # the python text is single-quoted on purpose
	hash=$(PW=$many_password python3 -c 'import base64, hashlib, os
salt = os.urandom(16)
h = hashlib.scrypt(os.environ["PW"].encode(), salt=salt, n=16384, r=8, p=1, maxmem=64 << 20, dklen=64)
print("$s1$0e0801$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(h).decode()))')
	db -e "UPDATE users SET password_hash = '$hash' WHERE id = $many_id"
	(umask 077 && printf 'EMAIL=%s\nPASSWORD=%s\n' "$many_email" "$many_password" \
		>"$stack_dir/bench-customer.env")
	echo "gave $many_email ($many_count bookings) a password (in $stack_dir/bench-customer.env)"
fi
fresh_tokens

# a customer of the run's own, for the search and the POST
new_customer

# ------------------------------------------------------------------ what is measured


get "$token" "/api/services?category=plumbing&limit=1"
sid=$(json 'd["data"][0]["id"]' <<<"$body")
[ -n "$sid" ] || die "no plumbing service in the catalog"
get "$token" "/api/services?category=emergency&limit=1"
esid=$(json 'd["data"][0]["id"]' <<<"$body")
[ -n "$esid" ] || die "no emergency service in the catalog"
# the POST: a service open every day, tomorrow at 12:00 Cairo time
read -r psid when < <(db -e "SELECT id FROM services WHERE is_active = 1 AND deleted_at IS NULL
  AND is_emergency = 0 AND requires_approval = 0 AND working_hours_start <= '12:00'
  AND working_hours_end >= '14:00' AND JSON_LENGTH(working_days) = 7 ORDER BY id LIMIT 1" |
	python3 -c 'import sys, datetime, zoneinfo
sid = sys.stdin.read().strip()
z = zoneinfo.ZoneInfo("Africa/Cairo")
t = (datetime.datetime.now(z) + datetime.timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
print(sid, t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"))')
[ -n "$psid" ] || die "no service open every day at noon in the catalog"
post_body=$(SID=$psid WHEN=$when python3 -c 'import json, os
print(json.dumps({"serviceId": int(os.environ["SID"]), "scheduledDateTime": os.environ["WHEN"],
    "location": {"address": "12 Tahrir Street", "city": "Cairo", "governorate": "C",
                 "coordinates": {"lat": 30.0444, "lng": 31.2357}},
    "customerInfo": {"customerName": "Bench Customer", "phoneNumber": "01512345678"},
    "serviceDetails": {"problemDescription": "The air conditioner does not cool"}}))')
POST_BODY=$post_body CTOKEN=$ctoken python3 -c 'import json, os
print("wrk.method = \"POST\"")
print("wrk.body = %s" % json.dumps(os.environ["POST_BODY"]))
print("wrk.headers[\"Content-Type\"] = \"application/json\"")
print("wrk.headers[\"Authorization\"] = \"Bearer %s\"" % os.environ["CTOKEN"])' >"$lua"

# date ranges: the last 30 days, the last year, the next 7 days (UTC days)
d() { date -u -d "$1" +%F; }
m30=$(d '30 days ago') y1=$(d '365 days ago') today=$(d now) w1=$(d '7 days')
cairo=30.0444,31.2357
# label|who|path: who is c (the run's customer), m (the customer with many bookings), a (admin)
targets=(
	"available Cairo 20 km plumbing|c|/api/technicians/available?serviceId=$sid&location=$cairo&distance=20"
	"available Cairo 50 km plumbing|c|/api/technicians/available?serviceId=$sid&location=$cairo&distance=50"
	"my bookings ($many_count)|m|/api/bookings/my?limit=$limit"
	"my bookings status=completed|m|/api/bookings/my?status=completed&limit=$limit"
	"my bookings page 10|m|/api/bookings/my?page=10&limit=$limit"
	"admin all|a|/api/bookings?limit=$limit"
	"admin page 400|a|/api/bookings?page=400&limit=$limit"
	"admin status=pending_approval|a|/api/bookings?status=pending_approval&limit=$limit"
	"admin status=in_progress|a|/api/bookings?status=in_progress&limit=$limit"
	"admin status=completed, 30 days|a|/api/bookings?status=completed&from=$m30&to=$today&limit=$limit"
	"admin status=cancelled, a year|a|/api/bookings?status=cancelled&from=$y1&to=$today&limit=$limit"
	"admin created 30 days|a|/api/bookings?from=$m30&to=$today&limit=$limit"
	"admin serviceId=$sid|a|/api/bookings?serviceId=$sid&limit=$limit"
	"admin serviceId=$sid, 30 days|a|/api/bookings?serviceId=$sid&from=$m30&to=$today&limit=$limit"
	"admin isEmergency=true|a|/api/bookings?isEmergency=true&limit=$limit"
	"admin isEmergency=true, 30 days|a|/api/bookings?isEmergency=true&from=$m30&to=$today&limit=$limit"
	"admin scheduled next 7 days|a|/api/bookings?scheduledFrom=$today&scheduledTo=$w1&limit=$limit"
)

declare -A found
tok_of() { case "$1" in a) echo "$token" ;; m) echo "$mtoken" ;; *) echo "$ctoken" ;; esac; }
for t in "${targets[@]}"; do
	IFS='|' read -r name who path <<<"$t"
	get "$(tok_of "$who")" "$path"
	[ "$status" = 200 ] || die "$name answered $status: $(head -c 300 <<<"$body")"
	found[$name]=$(json 'len(d["data"]["technicians"]) if isinstance(d["data"], dict) else len(d["data"])' <<<"$body")
	alone[$name]=$(ms "$took")
	printf '  %s 200, %s rows, %s ms\n' "$(pad "$name" 40)" "${found[$name]}" "${alone[$name]}"
done
# the POST, once: 201
read -r status took < <(curl -sS -m 60 -o "$bench_tmp" -w '%{http_code} %{time_total}\n' \
	-H "Authorization: Bearer $ctoken" -H 'Content-Type: application/json' \
	--data-binary "$post_body" "$base/api/bookings" || echo "000 0")
[ "$status" = 201 ] || die "POST /api/bookings answered $status: $(head -c 300 "$bench_tmp")"
alone[POST /api/bookings]=$(ms "$took")
found[POST /api/bookings]=1
before=$(db -e "SELECT COUNT(*) FROM bookings")

drain
load=$(cut -d' ' -f1 /proc/loadavg)
run "nginx return 200" /bench/nginx
for t in "${targets[@]}"; do
	IFS='|' read -r name who path <<<"$t"
	fresh_tokens
	run "$name" "$path" -H "Authorization: Bearer $(tok_of "$who")"
done
run "POST /api/bookings" /api/bookings -s "$lua"
made=$(($(db -e "SELECT COUNT(*) FROM bookings") - before))
notes[POST /api/bookings]="${notes[POST /api/bookings]}; $made bookings created"
load_after=$(cut -d' ' -f1 /proc/loadavg)

names=("nginx return 200")
for t in "${targets[@]}"; do names+=("${t%%|*}"); done
names+=("POST /api/bookings")
bench_extra=("rows:found")
total=$(db -e "SELECT COUNT(*) FROM bookings")
printf '\n%s cores (load average %s before the run, %s after), wrk -t%s -c%s -d%ss --timeout %s,\n' \
	"$(nproc)" "$load" "$load_after" "$threads" "$conns" "$secs" "$timeout"
printf '%s bookings; "alone ms": the check request, sent by itself before the timed runs\n\n' "$total"
table 40 "${names[@]}"
exit 0
