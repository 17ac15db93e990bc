#!/usr/bin/env bash
# Connection rate of two jtcp builds side by side (issue #13 goal 3): `ab -n N -c C` (HTTP/1.0, no
# keep-alive: one connection per request, jtcp closes first) against `serve --http 80` of each jar
# in turn, ROUNDS rounds alternating A and B, each serve in a namespace of its own; also serve's
# CPU time per request (user + system, from /proc). The absolute rate is noisy on a shared
# machine; compare the two columns of one run.
# Needs root and ab (Debian: apache2-utils).
# Usage: src/bench/connrate_ab.sh JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]   (20000 50 3)
set -euo pipefail
jar_a="${1:?usage: $0 JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]}"
jar_b="${2:?usage: $0 JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]}"
requests="${3:-20000}"
concurrency="${4:-50}"
rounds="${5:-3}"
[[ "$requests" =~ ^[0-9]+$ && "$requests" -le 1000000 && "$concurrency" =~ ^[0-9]+$ && "$rounds" =~ ^[0-9]+$ \
  && "$rounds" -le 20 ]] || { echo "usage: $0 JAR_A JAR_B [REQUESTS<=1000000] [CONCURRENCY] [ROUNDS<=20]" >&2; exit 2; }
ns=""
serve=""
log="/tmp/jtcp-connrate-$$.log"
cleanup() {
  set +e
  [[ -n "$serve" ]] && kill "$serve" 2>/dev/null && wait "$serve" 2>/dev/null
  if [[ -n "$ns" ]]; then
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  fi
  rm -f "$log"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# One measurement: prints requests per second (or "failed").
run_one() {
  local jar="$1"
  ns="jtcp-rate-$$-$RANDOM"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  java -Dagrona.disable.bounds.checks=true -jar "$jar" serve --netns "$ns" --http 80 >"$log" 2>&1 &
  serve=$!
  for _ in $(seq 150); do grep -q ready "$log" 2>/dev/null && break; sleep 0.1; done
  if ! grep -q ready "$log"; then
    echo "failed (no ready line)"
  else
    ip netns exec "$ns" timeout 5 ab -q -n 500 -c "$concurrency" http://10.7.0.2/bytes/16 >/dev/null 2>&1 || true # warm-up
    local cpu0 cpu1 out
    cpu0="$(awk '{print $14 + $15}' "/proc/$serve/stat")"
    out="$(ip netns exec "$ns" timeout 300 ab -q -r -s 5 -n "$requests" -c "$concurrency" http://10.7.0.2/bytes/16 2>&1 \
      | awk '/Requests per second/ {rps=$4} /Failed requests/ {failed=$3} END {print (rps ? rps : "failed") " req/s, failed " failed+0}')"
    cpu1="$(awk '{print $14 + $15}' "/proc/$serve/stat")"
    # serve's own CPU time (user + system) per request: far less noisy than the rate when shared.
    echo "$out, serve CPU $(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / requests )) us/req"
  fi
  kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null || true
  serve=""
  ip netns del "$ns"
  ns=""
}
echo "ab -n $requests -c $concurrency http://10.7.0.2/bytes/16 (no keep-alive), $rounds rounds, A then B"
echo "A = $jar_a"
echo "B = $jar_b"
for r in $(seq 1 "$rounds"); do
  a="$(run_one "$jar_a")"
  b="$(run_one "$jar_b")"
  echo "round $r: A $a | B $b"
done
