#!/usr/bin/env bash
# Warsha benchmark: wrk against the running stack, with nginx's own ceiling measured in
# the same run, so the figures are ratios that mean something on any machine.
#
#   tests/load/bench.sh [BASE_URL] [FCGI_PIDFILE]
#
# Defaults: the dev stack (scripts/dev up): http://127.0.0.1:8080 and var/dev/run/warsha-fcgi.pid
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_ROUNDS (3)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
base=${1:-http://127.0.0.1:8080}
pidfile=${2:-$root/var/dev/run/warsha-fcgi.pid}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
rounds=${BENCH_ROUNDS:-3}

command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/dev deps)" >&2; exit 1; }
curl -fsS "$base/health" >/dev/null || { echo "bench: no stack at $base (scripts/dev up)" >&2; exit 1; }

# name|path: the three endpoints, measured in interleaved rounds so drift hits all alike
targets=(
	"nginx return 200|/bench/nginx"
	"GET /health|/health"
	"GET /api/services (20 rows)|/api/services?limit=20"
)

# The answers must be what we think they are before we time them.
rows=$(curl -fsS "$base/api/services?limit=20" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
[ "$rows" = 20 ] || { echo "bench: /api/services?limit=20 returned $rows rows, not 20" >&2; exit 1; }

# wrk's latency lines are "50%  1.23ms"; normalise to milliseconds.
to_ms() {
	awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v=v*1000 }; printf "%.2f", v }'
}

declare -A rps p50 p99
for ((round = 1; round <= rounds; round++)); do
	for t in "${targets[@]}"; do
		name=${t%%|*}
		path=${t#*|}
		out=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$base$path")
		if grep -q "Non-2xx" <<<"$out"; then
			echo "bench: $name answered non-2xx responses:" >&2
			echo "$out" >&2
			exit 1
		fi
		r=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
		l50=$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms)
		l99=$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)
		rps[$name]="${rps[$name]:-} $r"
		p50[$name]="${p50[$name]:-} $l50"
		p99[$name]="${p99[$name]:-} $l99"
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR]=$1 } END { print a[int((NR+1)/2)] }'; }

ceiling=$(median <<<"${rps[nginx return 200]}")
printf '\n%s, wrk -t%s -c%s -d%ss, median of %s interleaved rounds\n\n' "$(nproc) cores" \
	"$threads" "$conns" "$secs" "$rounds"
printf '| %-28s | %10s | %8s | %8s | %12s |\n' "endpoint" "req/s" "p50 ms" "p99 ms" "% of nginx"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------" "------------" "----------" "----------" "--------------"
for t in "${targets[@]}"; do
	name=${t%%|*}
	r=$(median <<<"${rps[$name]}")
	printf '| %-28s | %10.0f | %8s | %8s | %11.1f%% |\n' "$name" "$r" \
		"$(median <<<"${p50[$name]}")" "$(median <<<"${p99[$name]}")" \
		"$(awk -v a="$r" -v b="$ceiling" 'BEGIN { print 100 * a / b }')"
done

# A worker's memory must not grow with traffic: RSS of every worker before and after
# 100,000 more requests (after a warm-up), in KiB.
if [ -r "$pidfile" ]; then
	sup=$(cat "$pidfile")
	rss() { for p in $(ps -o pid= --ppid "$sup"); do awk '/VmRSS/ { printf "%s:%s ", '"$p"', $2 }' "/proc/$p/status"; done; }
	wrk -t"$threads" -c"$conns" -d3s "$base/api/services?limit=20" >/dev/null
	before=$(rss)
	total=0
	while [ "$total" -lt 100000 ]; do
		n=$(wrk -t"$threads" -c"$conns" -d5s "$base/api/services?limit=20" | awk '/requests in/ { print $1 }')
		total=$((total + n))
	done
	after=$(rss)
	printf '\nworker RSS over %s requests of GET /api/services (KiB, pid:before -> after):\n' "$total"
	worst=0
	for b in $before; do
		p=${b%%:*}
		kb=${b#*:}
		a=$(tr ' ' '\n' <<<"$after" | awk -F: -v p="$p" '$1 == p { print $2 }')
		[ -n "$a" ] || { echo "  $p: exited during the run"; continue; }
		d=$((a - kb))
		[ "$d" -gt "$worst" ] && worst=$d
		echo "  $p: $kb -> $a (${d} KiB)"
	done
	echo "largest growth: ${worst} KiB (target: under 1024 KiB)"
else
	echo "(no pid file at $pidfile: worker RSS not measured)"
fi
