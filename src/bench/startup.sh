#!/usr/bin/env bash
# Issue #13 goal 5, side by side in one run (needs root; namespaces this script creates and
# deletes, addresses in 10.7.0.0/16 inside them only): wall-clock time of short jtcp commands,
# each a fresh JVM, with the class-data archive (cli/target/jtcp.jsa, src/cds.sh) and without it
# (JTCP_NO_CDS=1), against curl fetching the same file from the same kernel server over a veth pair.
#   - `./jtcp --version`
#   - `./jtcp get --netns NS http://10.7.0.1:8000/f10`: the whole command, JVM start to exit: picocli,
#     TUN device created in NS, handshake, a 10-byte file from python3's http.server, close, device
#     removed.
#   - `ip netns exec CLIENT curl -sf http://10.7.61.1:8000/f10` over veth (ip netns exec adds a
#     few ms of its own).
# Configurations take turns round by round; the table gives the median and the minimum over rounds
# of the wall-clock time, and the median CPU time (user + system, all processes of the command: on a
# shared machine the steadier figure).
# Usage: src/bench/startup.sh [rounds]   (default 11)
# BASE_DIR=path/to/another/checkout adds rows for that build run through its own ./jtcp launcher,
# with its own archive (before/after, each as users run it); it must have been built already.
# BASE_JAR=path/to/old/jtcp.jar adds rows for another build run as `java -jar`, without an archive.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-11}"
[[ "$rounds" =~ ^[0-9]+$ && "$rounds" -gt 0 && "$rounds" -le 200 ]] || { echo "usage: $0 [rounds 1..200]" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "$0: needs root (network namespaces, TUN device)" >&2; exit 1; }
tag="$$"
ns="jtcp-bst-$tag"    # the kernel's HTTP server; jtcp's TUN device (10.7.0.1/24 <-> 10.7.0.2)
ns_c="jtcp-bstc-$tag" # curl, veth 10.7.61.2 <-> 10.7.61.1 in $ns
www="$(mktemp -d /tmp/jtcp-bst-www.XXXXXX)"
times="$(mktemp /tmp/jtcp-bst-times.XXXXXX)"
server=""

JTCP_NO_CDS=1 ./jtcp --version >/dev/null # builds the jar if missing
./src/cds.sh                              # and the archive, so that no timed run builds it

cleanup() {
  set +e
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  for n in "$ns" "$ns_c"; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$n" 2>/dev/null
  done
  rm -rf "$www" "$times"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for n in "$ns" "$ns_c"; do
  ip netns add "$n"
  ip -n "$n" link set lo up
done
ip link add "jbst-a-$tag" netns "$ns" type veth peer name "jbst-b-$tag" netns "$ns_c"
ip -n "$ns" addr add 10.7.61.1/24 dev "jbst-a-$tag"
ip -n "$ns_c" addr add 10.7.61.2/24 dev "jbst-b-$tag"
ip -n "$ns" link set "jbst-a-$tag" up
ip -n "$ns_c" link set "jbst-b-$tag" up

printf '0123456789' >"$www/f10"
ip netns exec "$ns" python3 -m http.server 8000 --bind 0.0.0.0 --directory "$www" >/dev/null 2>&1 &
server=$!
for _ in $(seq 100); do
  ip netns exec "$ns_c" curl -sf -o /dev/null http://10.7.61.1:8000/f10 && break
  sleep 0.1
done

keys=(version-cds version-nocds get-cds get-nocds curl-veth)
declare -A cmd=(
  [version-cds]="./jtcp --version"
  [version-nocds]="JTCP_NO_CDS=1 ./jtcp --version"
  [get-cds]="./jtcp get --netns $ns http://10.7.0.1:8000/f10"
  [get-nocds]="JTCP_NO_CDS=1 ./jtcp get --netns $ns http://10.7.0.1:8000/f10"
  [curl-veth]="ip netns exec $ns_c curl -sf http://10.7.61.1:8000/f10"
)
declare -A expect=(
  [version-cds]="jtcp " [version-nocds]="jtcp " [get-cds]="0123456789" [get-nocds]="0123456789" [curl-veth]="0123456789"
)
if [[ -n ${BASE_DIR:-} ]]; then
  keys+=(version-basedir get-basedir)
  cmd[version-basedir]="$BASE_DIR/jtcp --version"
  cmd[get-basedir]="$BASE_DIR/jtcp get --netns $ns http://10.7.0.1:8000/f10"
  expect[version-basedir]="jtcp "
  expect[get-basedir]="0123456789"
fi
if [[ -n ${BASE_JAR:-} ]]; then
  keys+=(version-base get-base)
  cmd[version-base]="java -Dagrona.disable.bounds.checks=true -jar $BASE_JAR --version"
  cmd[get-base]="java -Dagrona.disable.bounds.checks=true -jar $BASE_JAR get --netns $ns http://10.7.0.1:8000/f10"
  expect[version-base]="jtcp "
  expect[get-base]="0123456789"
fi

for r in $(seq "$rounds"); do
  # Rotate the order each round, so that no configuration always runs after the same one.
  n=${#keys[@]}
  for i in $(seq 0 $((n - 1))); do
    key=${keys[$(((i + r) % n))]}
    # bash's `time`: wall clock, and the CPU time (user + system) of everything the command ran.
    TIMEFORMAT='%3R %3U %3S'
    { time timeout 30 bash -c "${cmd[$key]}" >"$www/out" 2>/dev/null; } 2>"$www/time" ||
      { echo "$key: failed (round $r)" >&2; continue; }
    out="$(cat "$www/out")"
    if [[ "$out" != "${expect[$key]}"* ]]; then
      echo "$key: unexpected output '$out' (round $r)" >&2
      continue
    fi
    echo "$key $(cat "$www/time")" >>"$times"
  done
done

echo "start-up, $rounds rounds, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
python3 - "$times" "${keys[@]}" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    k, real, user, sys_ = line.split()
    rows.setdefault(k, []).append((float(real), float(user) + float(sys_)))
names = {
    "version-cds": "jtcp --version (archive)",
    "version-nocds": "jtcp --version (no archive)",
    "get-cds": "jtcp get 10 B (archive)",
    "get-nocds": "jtcp get 10 B (no archive)",
    "curl-veth": "curl 10 B over veth",
    "version-basedir": "BASE_DIR jtcp --version",
    "get-basedir": "BASE_DIR jtcp get 10 B",
    "version-base": "BASE_JAR --version",
    "get-base": "BASE_JAR get 10 B",
}
print(f"| {'command':32s} | median s | min s | CPU median s | runs |")
print(f"| {'-' * 32} | ---: | ---: | ---: | ---: |")
for k in sys.argv[2:]:
    v = rows.get(k, [])
    if v:
        wall = [x[0] for x in v]
        cpu = [x[1] for x in v]
        print(f"| {names[k]:32s} | {statistics.median(wall):.3f} | {min(wall):.3f} | {statistics.median(cpu):.3f} | {len(v)} |")
    else:
        print(f"| {names[k]:32s} | (no successful run) | | | 0 |")
PY
