#!/usr/bin/env bash
# WebSocket benchmark of warsha-notifier (tests/load/bench_ws.py says what it measures):
# 10,000 concurrent authenticated Socket.IO connections to the dev stack's notifier and
# its RSS, then an event to a room of 1,000 of them, from the API call to each receipt.
#
#   tests/load/bench_ws.sh [BASE_URL]        (scripts/dev bench ws)
#
# Default BASE_URL: the dev stack, http://127.0.0.1:8080 (its warsha.conf under var/dev/
# gives the notifier's address, the database and the signing secret).
# Environment: BENCH_WS_CONNECTIONS (10000), BENCH_WS_ROOM (1000), BENCH_WS_EVENTS (20).
# The client and the notifier each need a descriptor per socket: the hard limit of open
# files (ulimit -Hn) must be above BENCH_WS_CONNECTIONS; both raise their soft limit.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:-http://127.0.0.1:8080}
conf=$root/var/dev/warsha.conf
die() { printf 'bench_ws: %s\n' "$*" >&2; exit 1; }
get() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1; }

[ -f "$conf" ] || die "no $conf (scripts/dev up)"
curl -fsS -m 5 "$base/health" >/dev/null || die "no stack at $base (scripts/dev up)"
n=${BENCH_WS_CONNECTIONS:-10000}
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -gt $((n + 100)) ] ||
	die "ulimit -Hn is $(ulimit -Hn): too few descriptors for $n sockets"

export WARSHA_TEST_URL=$base
export WARSHA_TEST_DB_SOCKET; WARSHA_TEST_DB_SOCKET=$(get db_socket)
export WARSHA_TEST_DB_USER; WARSHA_TEST_DB_USER=$(get db_user)
export WARSHA_TEST_DB_PASSWORD; WARSHA_TEST_DB_PASSWORD=$(get db_password)
export WARSHA_TEST_DB_NAME; WARSHA_TEST_DB_NAME=$(get db_name)
export WARSHA_TEST_JWT_SECRET; WARSHA_TEST_JWT_SECRET=$(get jwt_secret)
notifier=http://$(get notifier_listen)
curl -fsS -m 5 "$notifier/health" >/dev/null || die "no notifier at $notifier"

echo "== warsha-notifier WebSockets: $n connections, a room of ${BENCH_WS_ROOM:-1000} =="
exec python3 "$root/tests/load/bench_ws.py" --notifier "$notifier" \
	--pidfile "$root/var/dev/run/warsha-notifier.pid" --connections "$n" \
	--room "${BENCH_WS_ROOM:-1000}" --events "${BENCH_WS_EVENTS:-20}"
