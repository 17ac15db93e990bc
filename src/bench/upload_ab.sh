#!/usr/bin/env bash
# Uploads (kernel -> jtcp's discard service, MTU 1500, offloads: the default) with jars side by
# side, and why a run was as fast as it was: the kernel sender's rwnd_limited share and ACK count
# (ss -ti, read just before the sender's shutdown), jtcp's loop-thread CPU and the python sender's
# CPU per GiB. Each run: a fresh `serve` in its own namespace (removed afterwards), 256 MiB
# untimed, then MiB timed. The order rotates round by round. Needs root.
# Usage: src/bench/upload_ab.sh ROUNDS MIB NAME=JAR[:JAVA_OPTS] ...
#   e.g. src/bench/upload_ab.sh 6 1024 main=/tmp/main.jar new=cli/target/jtcp.jar
# Prints one line a run (with the 1-minute load at its end), then medians per NAME.
set -euo pipefail
[[ $# -ge 3 && $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] || { sed -n 2,9p "$0" >&2; exit 2; }
rounds=$1 mib=$2
shift 2
runs=$(mktemp /tmp/jtcp-uab-XXXXXX)
ns="" sp=""
cleanup() {
  set +e
  if [[ -n $sp ]]; then kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null; fi
  if [[ -n $ns ]]; then for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p"; done; ip netns del "$ns" 2>/dev/null; fi
  sp="" ns=""
}
trap 'cleanup; rm -f "$runs" "$runs.log"' EXIT
loop_ticks() { # the jtcp-* threads' utime + stime, in clock ticks
  for t in /proc/"$sp"/task/*; do grep -q '^jtcp-' "$t/comm" && awk '{ print $14 + $15 }' "$t/stat"; done | awk '{ s += $1 } END { print s + 0 }'
}
upload() { # bytes -> "seconds python_cpu_seconds rwnd_limited_% acks"
  ip netns exec "$ns" python3 - "$1" <<'PY'
import re, socket, subprocess, sys, time
n = int(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
s = socket.create_connection(('10.7.0.2', 9), timeout=300)
chunk = memoryview(bytes(1 << 20))
while n > 0:
    k = min(n, len(chunk)); s.sendall(chunk[:k]); n -= k
info = subprocess.run(['ss', '-tin', 'dport', '=', ':9'], capture_output=True, text=True).stdout
s.shutdown(socket.SHUT_WR); s.recv(1)
rl = re.search(r'rwnd_limited:\d+ms\(([\d.]+)%\)', info)
acks = re.search(r' segs_in:(\d+)', info)
print(time.perf_counter() - t, time.process_time() - c, rl.group(1) if rl else 0, acks.group(1) if acks else 0)
PY
}
for round in $(seq "$rounds"); do
  for i in $(seq 0 $(($# - 1))); do
    args=("$@")
    spec=${args[$(((i + round - 1) % $#))]}
    name=${spec%%=*} rest=${spec#*=}
    jar=${rest%%:*} opts=""
    [[ $rest == *:* ]] && opts=${rest#*:}
    ns="jtcp-uab-$$-$i"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_no_metrics_save=1
    # shellcheck disable=SC2086 # the options are words
    java $opts -Dagrona.disable.bounds.checks=true -jar "$jar" serve --netns "$ns" --mtu 1500 --discard 9 >"$runs.log" 2>&1 &
    sp=$!
    for _ in $(seq 600); do grep -q ready "$runs.log" && break; sleep 0.1; done
    upload $((256 << 20)) >/dev/null
    t0=$(loop_ticks)
    read -r secs pycpu rwnd acks < <(upload $((mib << 20)))
    t1=$(loop_ticks)
    awk -v n="$name" -v r="$round" -v m="$mib" -v s="$secs" -v p="$pycpu" -v w="$rwnd" -v a="$acks" \
      -v l="$(cut -d' ' -f1 /proc/loadavg)" -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
      'BEGIN { g = m / 1024; printf "%s round %d: %.2f Gbit/s, rwnd_limited %s %%, ACKs/GiB %d, loop CPU %.3f s/GiB, python CPU %.3f s/GiB, load %s\n",
               n, r, m * 8 * 1048576 / s / 1e9, w, a / g, d / hz / g, p / g, l }' | tee -a "$runs"
    cleanup
  done
done
echo
for spec in "$@"; do
  name=${spec%%=*}
  awk -v n="$name" '$1 == n { g[++k] = $4 + 0; w[k] = $7 + 0; a[k] = $10 + 0; l[k] = $13 + 0; p[k] = $17 + 0 }
    function med(v, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
                                  return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2 }
    END { printf "%s (median of %d): %.2f Gbit/s, rwnd_limited %.1f %%, ACKs/GiB %d, loop CPU %.3f s/GiB, python CPU %.3f s/GiB\n",
          n, k, med(g, k), med(w, k), med(a, k), med(l, k), med(p, k) }' "$runs"
done
