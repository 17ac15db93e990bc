#!/usr/bin/env bash
# Slowloris against `jtcp serve` with a request-head timeout: N kernel clients in a namespace each
# send a partial request head and then one more header byte every GAP seconds, for ever. Prints how
# many jtcp cut and when (it should be all of them, at the head timeout from their open), whether
# echo still answers during the attack, and jtcp's own count of head timeouts.
#   src/bench/slowloris.sh [N=2000] [HEAD_TIMEOUT_S=5] [GAP_S=1]
# Needs root (a namespace of its own, removed at the end) and python3.
set -euo pipefail
n="${1:-2000}"
head_timeout="${2:-5}"
gap="${3:-1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ns="jtcp-slowloris-$$"
log="$(mktemp)"
serve_pid=""
cleanup() {
  if [[ -n "$serve_pid" ]] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
"$root/jtcp" serve --netns "$ns" --http 80 --echo 7 --http-head-timeout "$head_timeout" >"$log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 200); do
  grep -q "jtcp: ready" "$log" && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
grep -q "jtcp: ready" "$log" || { echo "jtcp did not start"; cat "$log"; exit 1; }
ip netns exec "$ns" python3 - "$n" "$gap" "$head_timeout" <<'PY'
import resource, socket, statistics, sys, time
n, gap, head = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))
socks, opened, cut = [], {}, {}
for i in range(n):
    s = socket.create_connection(("10.7.0.2", 80))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    s.setblocking(False)
    socks.append(s)
    opened[s] = time.monotonic()
print("opened %d connections" % n, flush=True)
deadline = time.monotonic() + 3 * head + 30
echo_ms = []
while len(cut) < n and time.monotonic() < deadline:
    t = time.monotonic()
    e = socket.create_connection(("10.7.0.2", 7))
    e.sendall(b"ping")
    e.recv(10)
    echo_ms.append((time.monotonic() - t) * 1000)
    e.close()
    for s in socks:
        if s in cut:
            continue
        try:
            b = s.recv(1000)
            if not b or b.startswith(b"HTTP/1.1 408"):
                # 408 then FIN: count it at the 408
                cut[s] = time.monotonic() - opened[s]
                continue
        except BlockingIOError:
            pass
        except ConnectionResetError:
            cut[s] = time.monotonic() - opened[s]
            continue
        try:
            s.send(b"X")
        except (BrokenPipeError, ConnectionResetError):
            cut[s] = time.monotonic() - opened[s]
    time.sleep(gap)
times = sorted(cut.values())
print("cut %d of %d; seconds from open: min %.2f median %.2f max %.2f" % (
    len(cut), n, times[0] if times else -1, statistics.median(times) if times else -1, times[-1] if times else -1))
print("echo during the attack: %d round trips, max %.1f ms, median %.1f ms" % (
    len(echo_ms), max(echo_ms), statistics.median(echo_ms)))
PY
kill -TERM "$serve_pid"
wait "$serve_pid" || true
serve_pid=""
grep "service timeouts" "$log" || cat "$log"
