#!/usr/bin/env bash
# Issue #13 goal 1, side by side in one run (needs root; one network namespace this script creates
# and deletes, addresses in 10.7.0.0/24): jtcp's default (offloads on unless the kernel refuses),
# the explicit --offload (an alias of the default), --no-offload (plain packets, writer thread) and
# --no-offload --single-thread, each at MTU 1500: a download (curl of /bytes/N from jtcp's HTTP
# service) and an upload (python3 sendall()s into jtcp's discard service).
# The configurations take turns round by round, in an order that rotates (a fresh `jtcp serve` each
# time, warmed up untimed, the kernel's cached TCP metrics off), so drift on a shared machine
# spreads over all of them; the table gives the median of the rounds.
# lwIP 2.1 (src/bench/lwip.sh: its raw API over the same kind of TUN device, same clients) takes its
# turn too when gcc and liblwip-dev are installed (LWIP=0 leaves it out).
# JTCP_BASE_JAR=PATH adds one more configuration, "base": that jar's `serve` with default options
# (a before/after comparison in one run, e.g. main's cli/target/jtcp.jar copied aside).
# JTCP_EXTRA_OPTS="OPTIONS[;OPTIONS...]" adds a configuration per group of serve options, e.g.
# "--no-offload --delayed-ack 40;--delayed-ack 40" to see what delayed ACKs give in each mode.
# Usage: src/bench/offload.sh [MiB] [rounds]   (default 1024 MiB, 3 rounds)
# Prints progress on stderr and a Markdown table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
mib="${1:-1024}"
rounds="${2:-3}"
[[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 && "$rounds" =~ ^[0-9]+$ && "$rounds" -gt 0 ]] ||
  { echo "usage: $0 [MiB] [rounds]" >&2; exit 2; }
bytes=$((mib * 1024 * 1024))
warm_bytes=$((256 * 1024 * 1024))
tag="$$"
ns="jtcp-boff-${JTCP_BENCH_TAG:-}$tag" # JTCP_BENCH_TAG: a word of your own in the namespace name
log="/tmp/jtcp-boff-$tag.log"
serve=""
keys=(default offload no-offload no-offload-single)
declare -A opts=(
  [default]=""
  [offload]="--offload"
  [no-offload]="--no-offload"
  [no-offload-single]="--no-offload --single-thread"
)

./jtcp --version >/dev/null # builds the jar if missing
if [[ -n ${JTCP_BASE_JAR:-} ]]; then
  [[ -f $JTCP_BASE_JAR ]] || { echo "JTCP_BASE_JAR: no such file: $JTCP_BASE_JAR" >&2; exit 2; }
  keys+=(base)
  opts[base]="(JTCP_BASE_JAR, default options)"
fi
if [[ -n ${JTCP_EXTRA_OPTS:-} ]]; then
  IFS=';' read -r -a extra <<<"$JTCP_EXTRA_OPTS"
  for i in "${!extra[@]}"; do
    keys+=("extra$((i + 1))")
    opts[extra$((i + 1))]="${extra[$i]}"
  done
fi
# shellcheck source=src/bench/lwip.sh
source src/bench/lwip.sh
if [[ ${LWIP:-1} != 0 ]] && lwip_build; then
  keys+=(lwip)
  opts[lwip]="(lwIP 2.1 raw API, reference)"
fi

cleanup() {
  set +e
  if [[ -n "$serve" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  lwip_stop "$ns" lw0
  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null
  rm -f "$log"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
# The kernel caches ssthresh and cwnd per destination when a connection closes: a lossy run would
# slow the next configuration's first flights. Each measurement starts from a clean slate.
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_no_metrics_save=1

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
    if [[ $key == base ]]; then
      java -Dagrona.disable.bounds.checks=true -jar "$JTCP_BASE_JAR" serve --netns "$ns" "$@" >"$log" 2>&1 &
    else
      ./jtcp serve --netns "$ns" "$@" >"$log" 2>&1 &
    fi
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
gbit() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", b * 8 / s / 1e9; else print "-" }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

stop_serve() {
  kill "$serve" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  serve=""
}

upload() { # bytes -> seconds
  ip netns exec "$ns" python3 -c "
import socket, time
n = $1
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
"
}

declare -A dl ul mode
for round in $(seq "$rounds"); do
  # The order rotates round by round, so no configuration always follows the same one.
  order=("${keys[@]:$(( (round - 1) % ${#keys[@]} ))}" "${keys[@]:0:$(( (round - 1) % ${#keys[@]} ))}")
  for key in "${order[@]}"; do
    if [[ $key == lwip ]]; then
      lwip_start "$ns" lw0 1500
    else
      # shellcheck disable=SC2086 # the options are words
      start_serve "$key" --mtu 1500 --http 80 --discard 9 $([[ $key == base ]] || echo "${opts[$key]}")
    fi
    # What the device really does (a refusal falls back with one line on stderr).
    if [[ $key == lwip ]]; then mode[$key]="plain"
    elif grep -q "running without offloads" "$log"; then mode[$key]="plain (kernel refused offloads)"
    elif [[ $key != base && "${opts[$key]}" == *--no-offload* ]]; then mode[$key]="plain"
    else mode[$key]="offloads"; fi
    # Warm-up, untimed: a fresh JVM compiles during its first seconds.
    ip netns exec "$ns" curl -sS --fail --max-time 120 -o /dev/null "http://10.7.0.2/bytes/$warm_bytes"
    upload "$warm_bytes" >/dev/null
    secs=$(ip netns exec "$ns" curl -sS --fail --max-time 300 -o /dev/null \
      -w '%{size_download} %{time_total}' "http://10.7.0.2/bytes/$bytes" |
      awk -v want="$bytes" '$1 == want { print $2 }')
    [[ -n "$secs" ]] || { echo "download incomplete ($key)" >&2; cat "$log" >&2; exit 1; }
    d=$(gbit "$bytes" "$secs")
    secs=$(upload "$bytes")
    u=$(gbit "$bytes" "$secs")
    dl[$key]="${dl[$key]:-} $d"
    ul[$key]="${ul[$key]:-} $u"
    note "round $round $key (${opts[$key]:-no options}): download $d, upload $u Gbit/s"
    if [[ $key == lwip ]]; then lwip_stop "$ns" lw0; else stop_serve; fi
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "jtcp offloads, MTU 1500, $mib MiB per transfer, median of $rounds rounds, $(nproc) vCPU, Linux $(uname -r)," \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC') (Gbit/s)"
echo
echo "| jtcp serve options | device | download | upload | download / --offload | upload / --offload | rounds (down; up) |"
echo "| --- | --- | --: | --: | --: | --: | --- |"
dl_off=$(median <<<"${dl[offload]}")
ul_off=$(median <<<"${ul[offload]}")
for key in "${keys[@]}"; do
  d=$(median <<<"${dl[$key]}")
  u=$(median <<<"${ul[$key]}")
  echo "| ${opts[$key]:-(default)} | ${mode[$key]} | $d | $u | $(ratio "$d" "$dl_off") | $(ratio "$u" "$ul_off") |${dl[$key]};${ul[$key]} |"
done
echo
echo "download = jtcp -> kernel (curl of /bytes/N), upload = kernel -> jtcp (python3 into discard)."
echo "Target (issue #13): the default >= 0.95 x --offload both ways, and >= 5 x lwIP both ways."
if [[ -n ${dl[base]:-} ]]; then
  echo "Default / base: download $(ratio "$(median <<<"${dl[default]}")" "$(median <<<"${dl[base]}")") x," \
    "upload $(ratio "$(median <<<"${ul[default]}")" "$(median <<<"${ul[base]}")") x."
fi
if [[ -n ${dl[lwip]:-} ]]; then
  echo "Default / lwIP: download $(ratio "$(median <<<"${dl[default]}")" "$(median <<<"${dl[lwip]}")") x," \
    "upload $(ratio "$(median <<<"${ul[default]}")" "$(median <<<"${ul[lwip]}")") x."
fi
