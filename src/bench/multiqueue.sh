#!/usr/bin/env bash
# One queue against two, side by side in one run (needs root; everything happens in a network
# namespace this script creates and deletes, addresses in 10.7.0.0/16):
#   jtcp serve --queues 1 and --queues 2, each with offloads (the default) and with --no-offload;
#   per round and configuration a fresh serve, an untimed warm-up, then 4 concurrent downloads
#   (curl of /bytes/N) and 4 concurrent uploads (one python3, a thread each, sendall() into discard),
#   each timed from the first start to the last end (aggregate Gbit/s), and the serve's CPU time over both
#   (utime + stime of the JVM: CPU seconds per GiB moved, the figure least bent by other load).
#   The configurations alternate inside each round, so drifting load hits all of them alike.
# Usage: src/bench/multiqueue.sh [MiB per connection] [rounds]   (default 256 and 3)
# Prints progress on stderr and a Markdown table of medians on stdout, with the 1-minute load.
set -euo pipefail
cd "$(dirname "$0")/../.."
mib="${1:-256}"
rounds="${2:-3}"
[[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 && "$rounds" =~ ^[0-9]+$ && "$rounds" -gt 0 ]] || {
  echo "usage: $0 [MiB per connection] [rounds]" >&2
  exit 2
}
bytes=$((mib * 1024 * 1024))
conns=4
tag="$$"
ns="jtcp-bmq-$tag"
dev="tunbmq$((tag % 10000))"
log="/tmp/jtcp-bench-mq-$tag.log"
configs=("1 offload" "2 offload" "1 --no-offload" "2 --no-offload")

./jtcp --version >/dev/null # builds the jar if missing
# shellcheck source=src/bench/bench_lib.sh
source src/bench/bench_lib.sh
bench_ns_up "$ns" "$log"

note() { echo "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
now() { date +%s.%N; }
gbit() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f", b * 8 / s / 1e9 }'; }

parallel() { # command bytes: $conns at once, prints the wall time of all of them (downloads)
  local start pids=() fail=0
  start=$(now)
  for _ in $(seq "$conns"); do
    "$1" "$2" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  [[ "$fail" == 0 ]] || { echo "a transfer failed" >&2; cat "$log" >&2; exit 1; }
  awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }'
}

declare -A dl ul cpu shardsplit
run() { # round queues mode
  local key="$2 $3" opts=(--queues "$2")
  [[ "$3" == offload ]] || opts+=("$3")
  bench_start_serve --tun "$dev" --http 80 --discard 9 "${opts[@]}"
  # Warm-up, untimed: a fresh JVM compiles during its first seconds, not the steady state.
  parallel bench_download $((64 << 20)) >/dev/null
  bench_uploads "$conns" $((64 << 20)) >/dev/null
  local t0 secs_dl secs_ul t1
  t0=$(cpu_ticks "$serve")
  secs_dl=$(parallel bench_download "$bytes")
  secs_ul=$(bench_uploads "$conns" "$bytes")
  t1=$(cpu_ticks "$serve")
  dl[$key]+="$(gbit $((bytes * conns)) "$secs_dl") "
  ul[$key]+="$(gbit $((bytes * conns)) "$secs_ul") "
  # CPU seconds (ticks of 1/100 s) per GiB, downloads and uploads together.
  cpu[$key]+="$(awk -v t=$((t1 - t0)) -v g=$((2 * mib * conns)) 'BEGIN { printf "%.2f", t / 100 / (g / 1024) }') "
  bench_stop_serve
  # The stop report's per-queue lines: connections each queue accepted.
  shardsplit[$key]=$(awk '/^jtcp: queue/ { sub("accepted=", "", $5); printf "%s%s", sep, $5; sep = "/" }' "$log")
  note "round $1, queues $key, load $(load1): dl ${dl[$key]} ul ${ul[$key]} cpu s/GiB ${cpu[$key]} accepted per queue ${shardsplit[$key]:-all on one}"
}

load_start=$(load1)
for r in $(seq "$rounds"); do
  for c in "${configs[@]}"; do run "$r" $c; done
done
load_end=$(load1)

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo
echo "jtcp --queues 1 against --queues 2: $conns concurrent connections of $mib MiB each way, medians of $rounds rounds,"
echo "$(nproc) vCPU, Linux $(uname -r), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'), 1-minute load $load_start at the start, $load_end at the end"
echo
echo "| mode | download 1 queue | download 2 queues | 2 / 1 | upload 1 queue | upload 2 queues | 2 / 1 | CPU s/GiB 1 queue | CPU s/GiB 2 queues | accepted per queue (2 queues, last round) |"
echo "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |"
for mode in offload --no-offload; do
  d1=$(median "${dl[1 $mode]}"); d2=$(median "${dl[2 $mode]}")
  u1=$(median "${ul[1 $mode]}"); u2=$(median "${ul[2 $mode]}")
  c1=$(median "${cpu[1 $mode]}"); c2=$(median "${cpu[2 $mode]}")
  label=$([[ "$mode" == offload ]] && echo "offloads (default)" || echo "--no-offload")
  echo "| $label | $d1 Gbit/s | $d2 Gbit/s | $(ratio "$d2" "$d1") | $u1 Gbit/s | $u2 Gbit/s | $(ratio "$u2" "$u1") | $c1 | $c2 | ${shardsplit[2 $mode]} |"
done
echo
echo "every round (Gbit/s, CPU s/GiB):"
for c in "${configs[@]}"; do echo "  queues $c: download ${dl[$c]}| upload ${ul[$c]}| cpu ${cpu[$c]}"; done
