#!/usr/bin/env bash
# Runs one of the examples in examples/ (io.jtcp.examples.NAME) with one command:
#   src/examples.sh UpperEchoServer | LineProtocolServer | BlockingClient [host [port [path]]]
#                   | OkHttpOverJtcp [url] | PairHarness [lossPercent [seed]]
# The TUN examples need root: each run gets a network namespace of its own (jtcp 10.7.0.2, the
# kernel 10.7.0.1, only inside it), deleted afterwards; the client examples get a
# `python3 -m http.server` in it on port 8000 serving a directory with hello.txt. PairHarness runs
# in memory. Builds examples/target/jtcp-examples.jar first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: src/examples.sh NAME [args...] (UpperEchoServer LineProtocolServer BlockingClient OkHttpOverJtcp PairHarness)}
shift
jar=examples/target/jtcp-examples.jar
if [[ ! -f $jar ]]; then
  nice -n 10 mvn -B -ntp -q -pl examples -am package -DskipTests
fi
run() { exec java -cp "$jar" "$@"; }
if [[ $name == PairHarness ]]; then
  run io.jtcp.examples.PairHarness "$@"
fi
ns=jtcp-example-$$
www=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$www"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
case $name in
  UpperEchoServer | LineProtocolServer)
    port=7000
    [[ $name == LineProtocolServer ]] && port=7001
    echo "try it: sudo ip netns exec $ns nc 10.7.0.2 $port" >&2
    ;;
  BlockingClient | OkHttpOverJtcp)
    echo "hello from the kernel's side" >"$www/hello.txt"
    ip netns exec "$ns" python3 -m http.server 8000 --bind 0.0.0.0 --directory "$www" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 100); do
      ip netns exec "$ns" ss -ltnH 'sport = :8000' | grep -q LISTEN && break
      sleep 0.05
    done
    ;;
  *)
    echo "unknown example: $name" >&2
    exit 2
    ;;
esac
java -Djtcp.netns="$ns" -cp "$jar" "io.jtcp.examples.$name" "$@"
