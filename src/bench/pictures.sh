#!/usr/bin/env bash
# Issue #11, live pictures: what the in-memory record costs a bulk download, side by side in one
# run (needs root; one network namespace this script creates and deletes, 10.7.0.0/24). Each round
# starts a fresh `jtcp serve` per configuration, in an order that rotates - without the record (the
# default), --pictures, and --ladder DIR (record plus one SVG file per connection) - and times a
# curl of /bytes/N from jtcp's HTTP service after a 256 MiB warm-up, and the CPU time jtcp's process
# spent on it (less disturbed by other load than the rate). Prints the medians of the rounds.
# Usage: src/bench/pictures.sh [MiB] [rounds]   (default 1024 MiB, 3 rounds)
# JTCP_BENCH_OPTS adds options to every serve (e.g. --no-offload: one packet per MSS, where the
# record's cost per packet shows).
set -euo pipefail
cd "$(dirname "$0")/../.."
mib="${1:-1024}"
rounds="${2:-3}"
[[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 && "$rounds" =~ ^[0-9]+$ && "$rounds" -gt 0 ]] ||
  { echo "usage: $0 [MiB] [rounds]" >&2; exit 2; }
bytes=$((mib * 1024 * 1024))
ns="jtcp-bpic-$$"
dir="$(mktemp -d /tmp/jtcp-bpic-XXXXXX)"
serve=""
keys=(pictures no-pictures ladder)
declare -A opts=([pictures]="--pictures" [no-pictures]="" [ladder]="--ladder $dir")
declare -A results=()
declare -A cpu=()

./jtcp --version >/dev/null # builds the jar if missing
cleanup() {
  set +e
  if [[ -n "$serve" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -rf "$dir"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_no_metrics_save=1

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_one() { # key -> "Mbit/s cpu-seconds" on stdout
  local key="$1" log
  log="$dir/serve.log"
  # shellcheck disable=SC2086
  ./jtcp serve --netns "$ns" --http 8080 ${opts[$key]} ${JTCP_BENCH_OPTS:-} >"$log" 2>&1 &
  serve=$!
  for _ in $(seq 900); do grep -q '^jtcp: ready' "$log" && break; sleep 0.1; done
  # (a subshell: the caller does not see $serve, so a serve that is not ready is ended here)
  grep -q '^jtcp: ready' "$log" || { cat "$log" >&2; kill "$serve"; wait "$serve" 2>/dev/null; exit 1; }
  ip netns exec "$ns" curl -sS -o /dev/null -m 120 "http://10.7.0.2:8080/bytes/$((256 << 20))"
  local secs t0 t1
  t0=$(cpu_ticks "$serve")
  secs=$(ip netns exec "$ns" curl -sS -o /dev/null -m 300 -w '%{time_total}' "http://10.7.0.2:8080/bytes/$bytes")
  t1=$(cpu_ticks "$serve")
  kill "$serve"; wait "$serve" 2>/dev/null || true; serve=""
  python3 -c "print(f'{$bytes * 8 / $secs / 1e6:.0f} {($t1 - $t0) / $(getconf CLK_TCK):.2f}')"
}

for r in $(seq "$rounds"); do
  for i in 0 1 2; do
    key="${keys[$(( (i + r) % 3 ))]}"
    out="$(run_one "$key")" || { echo "round $r $key: serve did not start" >&2; exit 1; }
    read -r v c <<<"$out"
    echo "round $r $key: $v Mbit/s, jtcp CPU $c s" >&2
    results[$key]="${results[$key]:-} $v"
    cpu[$key]="${cpu[$key]:-} $c"
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "| configuration | median Mbit/s ($mib MiB, $rounds rounds) | median jtcp CPU s | rates | CPU s |"
echo "|---|---|---|---|---|"
for key in "${keys[@]}"; do
  # shellcheck disable=SC2086
  echo "| $key | $(median ${results[$key]}) | $(median ${cpu[$key]}) |${results[$key]} |${cpu[$key]} |"
done
