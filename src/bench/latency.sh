#!/usr/bin/env bash
# Issue #13 goal 2 (measurement only), side by side in one run (needs root; namespaces this script
# creates and deletes, addresses in 10.7.0.0/16): echo round trips on one TCP connection, one
# message in flight, for jtcp's echo service in each writer mode and for the kernel's TCP over a
# veth pair (a python3 echo server in a second namespace). The same python3 client everywhere:
# TCP_NODELAY, send SIZE bytes, read SIZE bytes back, repeat; time.perf_counter_ns() around each.
# Configurations take turns round by round; the table gives the median over rounds of each
# percentile. The python client (and the kernel side's python server) add their own few µs.
# lwIP 2.1 (src/bench/lwip.sh: its raw API echo over the same kind of TUN device) takes its turn
# too when gcc and liblwip-dev are installed (LWIP=0 leaves it out).
# Usage: src/bench/latency.sh [round trips] [rounds] [sizes]   (default 20000, 3, "1 1024")
# CONNS=N (default 1): N connections at once, each with one message in flight, one python3
# client multiplexing them (selectors); each round trip is timed from its own send; round trips
# and WARM count over all connections.
# WARM=N round trips before the timed ones (default 100000; with CONNS above 10, 10000 a connection:
# with 2000, a fresh JVM still compiling gave jtcp 50-70 round trips above 1 ms in 20000, after
# 100000 none; 100 connections go through 100000 round trips in under half a second, while the
# JIT was still compiling: p99.9 3.5-4.6 ms, after 1000000 (about 4 s) 0.8 ms, 2026-12-04).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-20000}"
rounds="${2:-3}"
sizes="${3:-1 1024}"
conns="${CONNS:-1}"
[[ "$conns" =~ ^[0-9]+$ && "$conns" -ge 1 && "$conns" -le 1000 ]] || { echo "CONNS must be 1..1000" >&2; exit 2; }
warm="${WARM:-$((conns > 10 ? 10000 * conns : 100000))}"
[[ "$warm" =~ ^[0-9]+$ ]] || { echo "WARM must be a number of round trips" >&2; exit 2; }
[[ "$count" =~ ^[0-9]+$ && "$count" -ge 1000 && "$rounds" =~ ^[0-9]+$ && "$rounds" -gt 0 ]] ||
  { echo "usage: $0 [round trips >= 1000] [rounds] [sizes]" >&2; exit 2; }
tag="$$"
ns="jtcp-blat-$tag"
ns_ka="jtcp-blka-$tag" # python echo server, veth 10.7.51.1
ns_kb="jtcp-blkb-$tag" # client, veth 10.7.51.2
log="/tmp/jtcp-blat-$tag.log"
serve=""
kserver=""
keys=(default single-thread no-offload no-offload-single kernel)
declare -A opts=(
  [default]=""
  [single-thread]="--single-thread"
  [no-offload]="--no-offload"
  [no-offload-single]="--no-offload --single-thread"
)

./jtcp --version >/dev/null # builds the jar if missing
# shellcheck source=src/bench/lwip.sh
source src/bench/lwip.sh
if [[ ${LWIP:-1} != 0 ]] && lwip_build; then
  keys+=(lwip)
fi

cleanup() {
  set +e
  if [[ -n "$serve" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  if [[ -n "$kserver" ]]; then kill "$kserver" 2>/dev/null; wait "$kserver" 2>/dev/null; fi
  lwip_stop "$ns" lw0
  for n in "$ns" "$ns_ka" "$ns_kb"; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$n" 2>/dev/null
  done
  rm -f "$log"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for n in "$ns" "$ns_ka" "$ns_kb"; do
  ip netns add "$n"
  ip -n "$n" link set lo up
  ip netns exec "$n" sysctl -qw net.ipv4.tcp_no_metrics_save=1
done
ip link add "jl-a-$tag" netns "$ns_ka" type veth peer name "jl-b-$tag" netns "$ns_kb"
ip -n "$ns_ka" addr add 10.7.51.1/24 dev "jl-a-$tag"
ip -n "$ns_kb" addr add 10.7.51.2/24 dev "jl-b-$tag"
ip -n "$ns_ka" link set "jl-a-$tag" up
ip -n "$ns_kb" link set "jl-b-$tag" up

note() { echo "$*" >&2; }
stuck() { # where a process that does not get ready waits, with its children
  echo "$1 $(cat "/proc/$1/comm" 2>/dev/null) wchan $(cat "/proc/$1/wchan" 2>/dev/null)"
  for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "  child $c $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) wchan $(cat "/proc/$c/wchan" 2>/dev/null)"
  done
}
# Starts `jtcp serve --netns $ns OPTIONS` with a fresh log and waits for its ready line; a start
# that hangs (seen three times under heavy load: the launcher had not yet exec'd java after 60 s)
# is reported, killed and tried once more.
start_serve() { # key options...
  local key="$1" attempt
  shift
  for attempt in 1 2; do
    rm -f "$log"
    ./jtcp serve --netns "$ns" "$@" >"$log" 2>&1 &
    serve=$!
    for _ in $(seq 600); do grep -q ready "$log" 2>/dev/null && return 0; kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
    echo "jtcp serve ($key, attempt $attempt) not ready:" >&2
    cat "$log" >&2 2>/dev/null
    stuck "$serve" >&2
    kill -9 "$serve" 2>/dev/null
    wait "$serve" 2>/dev/null
    serve=""
  done
  exit 1
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Prints "p50 p99 p99.9" in µs for COUNT round trips of SIZE bytes to ADDR port PORT.
client() { # netns addr port size
  ip netns exec "$1" timeout 600 python3 -c "
import selectors, socket, time
addr, port, size, count, warm, conns = '$2', $3, $4, $count, $warm, $conns
msg = bytes(size)
clock = time.perf_counter_ns
socks = []
for _ in range(conns):
    s = socket.create_connection((addr, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    socks.append(s)
lat = []
if conns == 1:
    s = socks[0]
    buf = bytearray(size)
    view = memoryview(buf)
    def once():
        s.sendall(msg)
        got = 0
        while got < size:
            n = s.recv_into(view[got:], size - got)
            if n == 0:
                raise SystemExit('closed early')
            got += n
    for _ in range(warm):  # warm-up, untimed: the JIT on jtcp's side, caches
        once()
    for _ in range(count):
        t = clock()
        once()
        lat.append(clock() - t)
else:
    sel = selectors.DefaultSelector()
    state = {}
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
        state[s] = [0, clock()]
        s.sendall(msg)
    done = 0
    deadline = time.monotonic() + 500
    while done < warm + count and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=5):
            s = key.fileobj
            b = s.recv(65536)
            if not b:
                raise SystemExit('closed early')
            st = state[s]
            st[0] += len(b)
            if st[0] >= size:
                now = clock()
                if done >= warm:
                    lat.append(now - st[1])
                done += 1
                st[0] = 0
                if done < warm + count:
                    st[1] = clock()
                    s.sendall(msg)
    if done < warm + count:
        raise SystemExit('timed out')
for s in socks:
    s.close()
lat.sort()
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000
print('%.1f %.1f %.1f' % (pick(0.50), pick(0.99), pick(0.999)))
"
}

# The kernel's side: a python3 echo server over veth (selectors: any number of connections).
ip netns exec "$ns_ka" python3 -c "
import selectors, socket
sel = selectors.DefaultSelector()
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('10.7.51.1', 7)); l.listen(1024)
sel.register(l, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is l:
            c, _ = l.accept()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sel.register(c, selectors.EVENT_READ)
            continue
        c = key.fileobj
        try:
            b = c.recv(65536)
        except OSError:  # a client closing with a message in flight resets
            b = b''
        if not b:
            sel.unregister(c)
            c.close()
            continue
        c.sendall(b)
" &
kserver=$!
for _ in $(seq 50); do ip netns exec "$ns_ka" ss -ltnH 'sport = :7' | grep -q LISTEN && break; sleep 0.1; done

declare -A p50 p99 p999
for round in $(seq "$rounds"); do
  order=("${keys[@]:$(( (round - 1) % ${#keys[@]} ))}" "${keys[@]:0:$(( (round - 1) % ${#keys[@]} ))}")
  for key in "${order[@]}"; do
    if [[ "$key" == lwip ]]; then
      lwip_start "$ns" lw0 1500
    elif [[ "$key" != kernel ]]; then
      # shellcheck disable=SC2086 # the options are words
      start_serve "$key" --echo 7 ${opts[$key]}
    fi
    for size in $sizes; do
      if [[ "$key" == kernel ]]; then r=$(client "$ns_kb" 10.7.51.1 7 "$size") || r=""
      else r=$(client "$ns" 10.7.0.2 7 "$size") || r=""; fi
      [[ -n "$r" ]] || { echo "the client failed ($key, $size B)" >&2; [[ "$key" == kernel ]] || cat "$log" >&2; exit 1; }
      read -r a b c <<<"$r"
      p50[$key,$size]="${p50[$key,$size]:-} $a"
      p99[$key,$size]="${p99[$key,$size]:-} $b"
      p999[$key,$size]="${p999[$key,$size]:-} $c"
      note "round $round $key size $size: p50 $a p99 $b p99.9 $c µs"
    done
    if [[ "$key" == lwip ]]; then
      lwip_stop "$ns" lw0
    elif [[ "$key" != kernel ]]; then
      kill "$serve" 2>/dev/null || true
      wait "$serve" 2>/dev/null || true
      serve=""
    fi
  done
done

echo
echo "echo round trip, $conns connection(s) at once, $count round trips per round after $warm untimed, median of $rounds rounds, $(nproc) vCPU," \
  "Linux $(uname -r), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC') (µs)"
echo
echo "| path | size | p50 | p99 | p99.9 | p50 / kernel | p99 / kernel |"
echo "| --- | --: | --: | --: | --: | --: | --: |"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
for size in $sizes; do
  k50=$(median <<<"${p50[kernel,$size]}")
  k99=$(median <<<"${p99[kernel,$size]}")
  for key in "${keys[@]}"; do
    a=$(median <<<"${p50[$key,$size]}")
    b=$(median <<<"${p99[$key,$size]}")
    c=$(median <<<"${p999[$key,$size]}")
    if [[ "$key" == kernel ]]; then label="kernel over veth (python3 echo)"
    elif [[ "$key" == lwip ]]; then label="lwIP 2.1 raw API over TUN (reference)"; else label="jtcp serve ${opts[$key]:-(default)}"; fi
    echo "| $label | $size B | $a | $b | $c | $(ratio "$a" "$k50") | $(ratio "$b" "$k99") |"
  done
done
echo
echo "Target (issue #13 goal 2): p50 <= 1.2 x kernel, p99 <= 2 x kernel, p99.9 <= 1000 µs."
