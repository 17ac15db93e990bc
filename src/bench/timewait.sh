#!/usr/bin/env bash
# TIME_WAIT figure (issue #9): HTTP/1.0 clients (ab without -k: jtcp closes first, so every
# connection leaves a TIME_WAIT on jtcp's side for 2·MSL = 60 s) against `jtcp serve
# --max-connections N`. TIME_WAITs are compact records outside the connection table, so the run
# goes on past N connections; before, the table filled with TIME_WAITs and SYNs were refused.
# Needs root and ab (Debian: apache2-utils); everything happens in a namespace this script creates.
# Usage: src/bench/timewait.sh [REQUESTS] [MAX_CONNECTIONS] [CONCURRENCY]   (default 20000 1000 8)
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-20000}"
max="${2:-1000}"
concurrency="${3:-8}"
[[ "$requests" =~ ^[0-9]+$ && "$requests" -le 1000000 && "$max" =~ ^[0-9]+$ && "$concurrency" =~ ^[0-9]+$ ]] \
  || { echo "usage: $0 [REQUESTS<=1000000] [MAX_CONNECTIONS] [CONCURRENCY]" >&2; exit 2; }
ns="jtcp-tw-$$"
log="/tmp/jtcp-timewait-$$.log"
serve=""
./jtcp --version >/dev/null # builds the jar if missing
cleanup() {
  set +e
  [[ -n "$serve" ]] && kill "$serve" 2>/dev/null && wait "$serve" 2>/dev/null
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -f "$log"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
./jtcp serve --netns "$ns" --http 80 --max-connections "$max" >"$log" 2>&1 &
serve=$!
for _ in $(seq 100); do grep -q ready "$log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$log" || { cat "$log" >&2; exit 1; }
echo "ab -n $requests -c $concurrency (HTTP/1.0, no keep-alive) against serve --max-connections $max"
ip netns exec "$ns" timeout 300 ab -q -r -s 5 -n "$requests" -c "$concurrency" http://10.7.0.2/bytes/16 2>&1 \
  | grep -E 'Complete requests|Failed requests|Time taken|Requests per second|apr_|Total of' || true
kill "$serve"
wait "$serve" || true
serve=""
grep -o 'tcp.timewait[^ ]*\|drop.tcp_table_full=[0-9]*' "$log" | tr '\n' ' '
echo
