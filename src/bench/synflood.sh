#!/usr/bin/env bash
# The SYN-flood figure (issue #9): during a flood of spoofed SYNs at RATE/s from 256 sources in
# 10.7.200.0/24 (addresses no interface has, so the kernel drops jtcp's SYN-ACKs to them) against
# port 80, a legitimate kernel client connects once every 50 ms, alternating port 80 (the flooded
# one, an HTTP/1.0 GET) and port 7 (echo), each connection given 1 s to connect and be answered.
# Prints the share that succeeded, with SYN cookies (the default) and, side by side, with
# --no-syn-cookies, plus jtcp's counters. Needs root; everything happens in one network namespace
# this script creates and deletes.
# Usage: src/bench/synflood.sh [RATE] [SECONDS]    (default 20000 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
rate="${1:-20000}"
seconds="${2:-10}"
[[ "$rate" =~ ^[0-9]+$ && "$seconds" =~ ^[0-9]+$ && "$seconds" -le 300 ]] || { echo "usage: $0 [RATE] [SECONDS<=300]" >&2; exit 2; }
ns="jtcp-flood-$$"
log="/tmp/jtcp-synflood-$$.log"
serve=""
flooder=""

./jtcp --version >/dev/null # builds the jar if missing

cleanup() {
  set +e
  [[ -n "$flooder" ]] && kill "$flooder" 2>/dev/null
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

run() { # label [serve options...]
  local label="$1"
  shift
  ./jtcp serve --netns "$ns" --http 80 --echo 7 "$@" >"$log" 2>&1 &
  serve=$!
  for _ in $(seq 100); do grep -q ready "$log" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$log" || { cat "$log" >&2; exit 1; }
  # Warm-up without flood: the JIT compiles the handshake path first.
  ip netns exec "$ns" python3 src/bench/synflood.py client --ports 80,7 --seconds 3 --interval 0.01 >/dev/null
  ip netns exec "$ns" python3 src/bench/synflood.py flood --ports 80 --rate "$rate" --seconds $((seconds + 2)) >"$log.flood" &
  flooder=$!
  sleep 1
  local result
  result=$(ip netns exec "$ns" python3 src/bench/synflood.py client --ports 80,7 --seconds "$seconds")
  wait "$flooder" || true
  flooder=""
  kill "$serve"
  wait "$serve" || true
  serve=""
  echo "== $label: $(cat "$log.flood")"
  echo "$result"
  grep -o 'tcp.syncookies[^ ]*\|drop.tcp_syn[^ ]*\|drop.tcp_table_full=[0-9]*' "$log" | tr '\n' ' '
  echo
  rm -f "$log.flood"
}

echo "SYN flood at $rate/s for $seconds s from 256 spoofed sources on port 80; client on 80 and 7, 1 s budget each"
run "SYN cookies (default)"
run "--no-syn-cookies" --no-syn-cookies
