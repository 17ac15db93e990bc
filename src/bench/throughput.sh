#!/usr/bin/env bash
# One run, side by side (needs root; everything happens in network namespaces this script creates
# and deletes, addresses in 10.7.0.0/16):
#   1. the raw TUN ceiling: `jtcp tun-bench` (MTU-sized UDP through the device, no TCP), write and read
#   2. jtcp over TCP: download (curl of /bytes/N from jtcp's HTTP service) and upload (python3
#      sendall()s into jtcp's discard service): plain packets (--no-offload) at MTU 1500, 9000,
#      65000 and at 1500 with --single-thread, and the default (virtio-net offloads) at 1500.
#      src/bench/offload.sh compares the offload modes alone, round by round.
#   3. the kernel's own TCP over a veth pair between two namespaces (iperf3, same MTUs)
#   4. ratios: jtcp / raw TUN ceiling, jtcp / kernel
# Usage: src/bench/throughput.sh [MiB]   (default 1024; TUN_SECONDS=3 IPERF_SECONDS=3 to change the timed runs)
# Prints progress on stderr and a Markdown table on stdout. Takes about 1-2 minutes at 1024 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
mib="${1:-1024}"
[[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 ]] || { echo "usage: $0 [MiB]" >&2; exit 2; }
tun_seconds="${TUN_SECONDS:-3}"
iperf_seconds="${IPERF_SECONDS:-3}"
bytes=$((mib * 1024 * 1024))
warm_bytes=$((256 * 1024 * 1024))
mtus=(1500 9000 65000)
tag="$$"
ns_raw="jtcp-braw-$tag"   # tun-bench
ns_tcp="jtcp-btcp-$tag"   # jtcp serve + curl/python
ns_ka="jtcp-bka-$tag"     # iperf3 server, veth 10.7.50.1
ns_kb="jtcp-bkb-$tag"     # iperf3 client, veth 10.7.50.2
log="/tmp/jtcp-bench-$tag.log"
serve=""

./jtcp --version >/dev/null # builds the jar if missing

cleanup() {
  set +e
  if [[ -n "$serve" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  for ns in "$ns_raw" "$ns_tcp" "$ns_ka" "$ns_kb"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -f "$log"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ns in "$ns_raw" "$ns_tcp" "$ns_ka" "$ns_kb"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done

note() { echo "$*" >&2; }
gbit() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", b * 8 / s / 1e9; else print "-" }'; }

declare -A raw_w raw_r dl ul kern

# 1. Raw TUN ceiling.
for mtu in "${mtus[@]}"; do
  out=$(timeout 60 ./jtcp tun-bench --netns "$ns_raw" --mtu "$mtu" --seconds "$tun_seconds")
  note "$out"
  raw_w[$mtu]=$(awk '$2 == "write:" { print $5 }' <<<"$out")
  raw_r[$mtu]=$(awk '$2 == "read:" { print $5 }' <<<"$out")
done

# 2. jtcp over TCP, one serve per configuration, one after the other in one namespace.
stop_serve() {
  kill "$serve" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  serve=""
}
jtcp_run() { # key mtu [serve options...]
  local key="$1" mtu="$2"
  shift 2
  ./jtcp serve --netns "$ns_tcp" --mtu "$mtu" --http 80 --discard 9 "$@" >"$log" 2>&1 &
  serve=$!
  for _ in $(seq 100); do grep -q ready "$log" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$log" || { cat "$log" >&2; exit 1; }
  # Warm-up, untimed: a fresh JVM spends its first seconds compiling (C1/C2 took about half a
  # core during the first timed transfer), which is not the stack's steady state.
  ip netns exec "$ns_tcp" curl -sS --fail --max-time 120 -o /dev/null "http://10.7.0.2/bytes/$warm_bytes"
  ip netns exec "$ns_tcp" python3 -c "
import socket
s = socket.create_connection(('10.7.0.2', 9), timeout=120)
s.sendall(bytes($warm_bytes))
s.shutdown(socket.SHUT_WR)
s.recv(1)
"
  local secs
  secs=$(ip netns exec "$ns_tcp" curl -sS --fail --max-time 300 -o /dev/null \
    -w '%{size_download} %{time_total}' "http://10.7.0.2/bytes/$bytes" |
    awk -v want="$bytes" '$1 == want { print $2 }')
  [[ -n "$secs" ]] || { echo "download incomplete ($key)" >&2; cat "$log" >&2; exit 1; }
  dl[$key]=$(gbit "$bytes" "$secs")
  note "jtcp download $key: $mib MiB in ${secs}s = ${dl[$key]} Gbit/s"
  secs=$(ip netns exec "$ns_tcp" python3 -c "
import socket, time
n = $bytes
t = time.perf_counter()
s = socket.create_connection(('10.7.0.2', 9), timeout=300)
chunk = memoryview(bytes(1 << 20))
while n > 0:
    k = min(n, len(chunk))
    s.sendall(chunk[:k])
    n -= k
s.shutdown(socket.SHUT_WR)
s.recv(1)  # discard closes once it has read everything
print(time.perf_counter() - t)
")
  ul[$key]=$(gbit "$bytes" "$secs")
  note "jtcp upload   $key: $mib MiB in ${secs}s = ${ul[$key]} Gbit/s"
  stop_serve
}
for mtu in "${mtus[@]}"; do jtcp_run "$mtu" "$mtu" --no-offload; done
jtcp_run single 1500 --no-offload --single-thread
jtcp_run offload 1500

# 3. Kernel <-> kernel over veth (TSO/GRO on, as the kernel has them by default).
ip link add "jb-a-$tag" netns "$ns_ka" type veth peer name "jb-b-$tag" netns "$ns_kb"
ip -n "$ns_ka" addr add 10.7.50.1/24 dev "jb-a-$tag"
ip -n "$ns_kb" addr add 10.7.50.2/24 dev "jb-b-$tag"
ip -n "$ns_ka" link set "jb-a-$tag" up
ip -n "$ns_kb" link set "jb-b-$tag" up
for mtu in "${mtus[@]}"; do
  ip -n "$ns_ka" link set "jb-a-$tag" mtu "$mtu"
  ip -n "$ns_kb" link set "jb-b-$tag" mtu "$mtu"
  ip netns exec "$ns_ka" iperf3 -s -1 -D -B 10.7.50.1 >/dev/null
  for _ in $(seq 50); do
    ip netns exec "$ns_ka" ss -ltnH 'sport = :5201' | grep -q LISTEN && break
    sleep 0.1
  done
  kern[$mtu]=$(ip netns exec "$ns_kb" timeout $((iperf_seconds + 30)) iperf3 -c 10.7.50.1 -t "$iperf_seconds" -J |
    python3 -c 'import json, sys; print("%.2f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))')
  note "kernel veth MTU $mtu: ${kern[$mtu]} Gbit/s"
done
kern[offload]="${kern[1500]}"
kern[single]="${kern[1500]}"

# 4. The table.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "jtcp throughput, $mib MiB per transfer, $(nproc) vCPU, Linux $(uname -r), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC') (Gbit/s)"
echo
echo "| path | raw TUN write | jtcp download | download / raw | raw TUN read | jtcp upload | upload / raw | kernel veth | download / kernel | upload / kernel |"
echo "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |"
for key in "${mtus[@]}" single offload; do
  case "$key" in
    offload) label="MTU 1500, default (offloads)"; rawkey=65000 ;;
    single) label="MTU 1500 --no-offload --single-thread"; rawkey=1500 ;;
    *) label="MTU $key --no-offload"; rawkey="$key" ;;
  esac
  rw="${raw_w[$rawkey]}"
  rr="${raw_r[$rawkey]}"
  [[ "$key" == offload ]] && { rw="($rw)"; rr="($rr)"; }
  echo "| $label | $rw | ${dl[$key]} | $(ratio "${dl[$key]}" "${raw_w[$rawkey]}") | $rr | ${ul[$key]} | $(ratio "${ul[$key]}" "${raw_r[$rawkey]}") | ${kern[$key]} | $(ratio "${dl[$key]}" "${kern[$key]}") | $(ratio "${ul[$key]}" "${kern[$key]}") |"
done
echo
echo "raw TUN: \`jtcp tun-bench --seconds $tun_seconds\` (write: MTU-sized UDP into a kernel socket nobody reads;"
echo "read: UDP GSO sender in the namespace, jtcp reads). The default (offloads) moves 64 KiB super-segments, so its row is"
echo "set against the MTU 65000 raw ceiling (in parentheses) and against the kernel at MTU 1500 (which has TSO/GRO too)."
echo "--single-thread: the event loop writes to the device itself (with --no-offload a second thread does the writes by default)."
echo "kernel: iperf3 -t $iperf_seconds over veth between two namespaces. download = jtcp -> kernel (curl), upload = kernel -> jtcp (python3)."
