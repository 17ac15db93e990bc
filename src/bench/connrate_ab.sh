#!/usr/bin/env bash
# Connection rate of two jtcp builds side by side (issue #13 goal 3): `ab -n N -c C` (HTTP/1.0, no
# keep-alive: one connection per request, jtcp closes first) against `serve --http 80` of each jar
# in turn, ROUNDS rounds alternating A and B, each serve in a namespace of its own; also serve's
# CPU time per request (user + system, from /proc). The absolute rate is noisy on a shared
# machine; compare the two columns of one run.
# KEEPALIVE=1 measures keep-alive requests instead (`ab -k`, one connection per client); WARMUP
# sets the untimed requests before each measurement.
# Needs root and ab (Debian: apache2-utils).
# Usage: [KEEPALIVE=1] src/bench/connrate_ab.sh JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]   (20000 50 3)
set -euo pipefail
jar_a="${1:?usage: $0 JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]}"
jar_b="${2:?usage: $0 JAR_A JAR_B [REQUESTS] [CONCURRENCY] [ROUNDS]}"
requests="${3:-20000}"
concurrency="${4:-50}"
rounds="${5:-3}"
[[ "$requests" =~ ^[0-9]+$ && "$requests" -le 1000000 && "$concurrency" =~ ^[0-9]+$ && "$rounds" =~ ^[0-9]+$ \
  && "$rounds" -le 20 ]] || { echo "usage: $0 JAR_A JAR_B [REQUESTS<=1000000] [CONCURRENCY] [ROUNDS<=20]" >&2; exit 2; }
ka=()
[[ ${KEEPALIVE:-0} == 1 ]] && ka=(-k)
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
warmup="${WARMUP:-$((requests < 60000 ? requests : 60000))}"
# User + system ticks of a /proc stat line (the name in parentheses may hold spaces).
cpu_of() { sed 's/.*) //' "$1" | awk '{print $12 + $13}'; }
# "user system" ticks of serve's event-loop threads (jtcp-DEVICE; not the writer, the netns helper
# or the shutdown hook; /proc cuts names at 15 characters).
loop_cpu() {
  local u=0 s=0 t
  for t in /proc/"$1"/task/*; do
    local name
    name="$(cat "$t/comm" 2>/dev/null)" || continue
    [[ $name == jtcp-* && $name != *-write* && $name != jtcp-netns* && $name != jtcp-shutdown* ]] || continue
    read -r tu ts < <(sed 's/.*) //' "$t/stat" | awk '{print $12, $13}')
    u=$((u + tu)); s=$((s + ts))
  done
  echo "$u $s"
}
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
    # Warm-up (the JIT): WARMUP requests (default: as many as measured, at most 60,000), untimed.
    ip netns exec "$ns" timeout 120 ab -q "${ka[@]}" -n "$warmup" -c "$concurrency" http://10.7.0.2/bytes/16 \
      >/dev/null 2>&1 || true
    local cpu0 cpu1 loop0 loop1 out
    cpu0="$(cpu_of "/proc/$serve/stat")"
    loop0="$(loop_cpu "$serve")"
    out="$(ip netns exec "$ns" timeout 300 ab -q -r -s 5 "${ka[@]}" -n "$requests" -c "$concurrency" http://10.7.0.2/bytes/16 2>&1 \
      | awk '/Requests per second/ {rps=$4} /Failed requests/ {failed=$3} END {print (rps ? rps : "failed") " req/s, failed " failed+0}')"
    cpu1="$(cpu_of "/proc/$serve/stat")"
    loop1="$(loop_cpu "$serve")"
    # serve's own CPU time (user + system) per request: far less noisy than the rate when shared;
    # the event loop's thread on its own (user / system), without the JIT's threads.
    local hz us
    hz="$(getconf CLK_TCK)"
    us() { awk -v d="$1" -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }'; }
    echo "$out, serve CPU $(us $((cpu1 - cpu0))) us/req, loop $(us $((${loop1% *} - ${loop0% *})))" \
      "/ $(us $((${loop1#* } - ${loop0#* }))) us/req user / sys"
  fi
  kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null || true
  serve=""
  ip netns del "$ns"
  ns=""
}
echo "ab ${ka[*]} -n $requests -c $concurrency http://10.7.0.2/bytes/16 ($([[ ${#ka[@]} == 1 ]] && echo keep-alive || echo no keep-alive)), $rounds rounds, A then B, load $(cut -d' ' -f1 /proc/loadavg)"
echo "A = $jar_a"
echo "B = $jar_b"
for r in $(seq 1 "$rounds"); do
  a="$(run_one "$jar_a")"
  b="$(run_one "$jar_b")"
  echo "round $r: A $a | B $b"
done
