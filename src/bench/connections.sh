#!/usr/bin/env bash
# Connection-count and memory targets of jtcp against kernel clients over TUN, in a namespace of
# its own (needs root). Usage:
#   src/bench/connections.sh idle [COUNT] [HEAP]   # COUNT idle echo connections (default 100000,
#                                                  # heap 1g), then echo probes and the status page
#   src/bench/connections.sh bulk [COUNT] [HEAP] [BYTES]
#                                                  # COUNT connections (default 10000) each echoing
#                                                  # BYTES (default 1 MiB) at once, SHA-256 checked
# Prints the client's JSON line, jtcp's counters on exit, and the JVM's heap after a full GC.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode="${1:-idle}"
if [[ "$mode" == idle ]]; then count="${2:-100000}"; else count="${2:-10000}"; fi
heap="${3:-1g}"
bytes="${4:-1048576}"
ns="jtcp-conns-$$"
./jtcp --version >/dev/null # builds the jar if missing
ip netns add "$ns"
log="/tmp/$ns.log"
cleanup() {
  set +e
  for pid in $(ip netns pids "$ns" 2>/dev/null); do [[ "$pid" == "${serve:-}" ]] || kill "$pid" 2>/dev/null; done
  if [[ -n "${serve:-}" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  ip netns del "$ns" 2>/dev/null
  true
}
trap cleanup EXIT
ip -n "$ns" link set lo up
# Four source addresses × ports 1024-65535: room for 250,000 connections to one port.
ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_max_syn_backlog=4096 || true
JTCP_JAVA_OPTS="-Xmx$heap -Dagrona.disable.bounds.checks=true" \
  ./jtcp serve --netns "$ns" --echo 7 --http 80 --max-connections $((count + 1000)) >"$log" 2>&1 &
serve=$!
for _ in $(seq 200); do grep -q ready "$log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$log" || { cat "$log"; exit 1; }
# One client process per 15,000 connections (a process may hold at most `ulimit -Hn` sockets),
# each from its own source address with ports 1024-65535.
per=15000
procs=$(( (count + per - 1) / per ))
start=$(date +%s)
clients=()
for i in $(seq 1 "$procs"); do
  ip -n "$ns" addr add "10.7.$i.1/32" dev tun0
  n=$(( i < procs ? per : count - per * (procs - 1) ))
  status_port=0; [[ $i == 1 ]] && status_port=80
  if [[ "$mode" == idle ]]; then
    ip netns exec "$ns" python3 src/bench/conn_client.py idle --count "$n" --sources "10.7.$i.1" \
      --concurrency 128 --probe 20 --status-port "$status_port" --timeout 900 --hold 60 >"/tmp/$ns.client.$i" 2>&1 &
  else
    # Reno for the bulk clients (a namespace may not pick CUBIC here): with BBR, the host default,
    # thousands of flows through one overflowing queue left some pacing at ~1 kbit/s for minutes.
    ip netns exec "$ns" python3 src/bench/conn_client.py bulk --count "$n" --sources "10.7.$i.1" \
      --concurrency 128 --bytes "$bytes" --timeout 1800 --cc reno >"/tmp/$ns.client.$i" 2>&1 &
  fi
  clients+=($!)
done
all_reported() {
  for i in $(seq 1 "$procs"); do grep -q '^{' "/tmp/$ns.client.$i" 2>/dev/null || return 1; done
}
# While the idle connections are still open: jtcp's heap after a full GC.
for _ in $(seq 3600); do
  all_reported && break
  alive=0; for c in "${clients[@]}"; do kill -0 "$c" 2>/dev/null && alive=1; done
  [[ $alive == 1 ]] || break
  sleep 1
done
cat /tmp/$ns.client.*
echo "reported after $(( $(date +%s) - start )) s"
if [[ "$mode" == idle ]] && kill -0 "$serve" 2>/dev/null; then
  jcmd "$serve" GC.run >/dev/null 2>&1 || true
  jcmd "$serve" GC.heap_info 2>/dev/null | sed -n 2,3p || true
  echo "echo on a new connection: $(ip netns exec "$ns" python3 -c '
import socket; s = socket.create_connection(("10.7.0.2", 7), timeout=10); s.sendall(b"ping"); print(s.recv(4))')"
  echo "status page: $(ip netns exec "$ns" curl -sS -m 30 -o /dev/null -w '%{http_code} %{size_download} B %{time_total} s' http://10.7.0.2/)"
fi
for c in "${clients[@]}"; do wait "$c" || status=$?; done
echo "client exit ${status:-0} after $(( $(date +%s) - start )) s"
kill -0 "$serve" 2>/dev/null || { echo "jtcp died:"; tail -20 "$log"; exit 1; }
kill "$serve"; wait "$serve" || true
serve=
tail -30 "$log"
exit "${status:-0}"
