#!/usr/bin/env bash
# Bulk throughput of jtcp against the kernel's TCP over the TUN device, both directions, in a
# namespace of its own (needs root). Usage: src/throughput.sh [MiB] [MTU] [extra serve options, e.g. --no-offload]
#   jtcp -> kernel: curl downloads /bytes/N from jtcp's HTTP service
#   kernel -> jtcp: python3 uploads N bytes to jtcp's discard service in 1 MiB sendall()s
#                   (openbsd nc moves 16 KiB per syscall and tops out near 3 Gbit/s itself)
# For the whole comparison in one run (raw TUN ceiling, every MTU, offloads and plain packets, the kernel over veth,
# ratios) use src/bench/throughput.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mib="${1:-1024}"
mtu="${2:-1500}"
shift $(( $# > 2 ? 2 : $# ))
extra=("$@")
ns="jtcp-tput-$$"
bytes=$((mib * 1024 * 1024))
./jtcp --version >/dev/null # builds the jar if missing
ip netns add "$ns"
cleanup() {
  set +e
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
  if [[ -n "${serve:-}" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  ip netns del "$ns" 2>/dev/null
  true
}
trap cleanup EXIT
ip -n "$ns" link set lo up
./jtcp serve --netns "$ns" --mtu "$mtu" --http 80 --discard 9 "${extra[@]}" > "/tmp/$ns.log" 2>&1 &
serve=$!
for _ in $(seq 100); do grep -q ready "/tmp/$ns.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "/tmp/$ns.log" || { cat "/tmp/$ns.log"; exit 1; }
rate() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f Gbit/s", b * 8 / s / 1e9 }'; }
start=$(date +%s.%N)
got=$(ip netns exec "$ns" curl -sS --fail -o /dev/null -w '%{size_download}' "http://10.7.0.2/bytes/$bytes")
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
echo "jtcp -> kernel (curl):  $got bytes in ${secs}s = $(rate "$got" "$secs")  (MTU $mtu ${extra[*]})"
start=$(date +%s.%N)
ip netns exec "$ns" python3 -c "
import socket, sys
n = $bytes
s = socket.create_connection(('10.7.0.2', 9))
chunk = bytes(1 << 20)
while n > 0:
    k = min(n, len(chunk))
    s.sendall(chunk[:k] if k < len(chunk) else chunk)
    n -= k
s.shutdown(socket.SHUT_WR)
s.recv(1)  # discard closes once it has read everything
"
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
echo "kernel -> jtcp (python): $bytes bytes in ${secs}s = $(rate "$bytes" "$secs")  (MTU $mtu ${extra[*]})"
