#!/usr/bin/env bash
# lwIP as a reference in jtcp's side-by-side benchmarks (issue #13): sourced by offload.sh,
# latency.sh and connrate.sh. Builds bench/lwip/lwip_tun.c (lwIP 2.1's raw API over a TUN device:
# echo 7, discard 9, HTTP /bytes/N on 80 and 8080, at 10.7.0.2 like `jtcp serve`) against
# Debian's liblwip-dev into bench/target/lwip_tun, and starts and stops it in a namespace.
# Needs gcc and liblwip-dev (apt-get install -y gcc liblwip-dev); lwip_build says so if missing.

lwip_bin=bench/target/lwip_tun
lwip_pid=""

lwip_build() {
  local src=bench/lwip/lwip_tun.c
  if [[ ! -x "$lwip_bin" || "$lwip_bin" -ot "$src" ]]; then
    if [[ ! -f /usr/include/lwip/lwip/tcp.h ]] || ! command -v gcc >/dev/null; then
      echo "lwIP reference: needs gcc and liblwip-dev (apt-get install -y gcc liblwip-dev)" >&2
      return 1
    fi
    mkdir -p bench/target
    gcc -O2 -Wall -Wextra -Werror -I/usr/include/lwip -o "$lwip_bin" "$src" -llwip -lpthread
  fi
}

# lwip_start NS DEV [MTU]: a TUN device DEV in NS with the kernel's side at 10.7.0.1/24, lwIP at
# 10.7.0.2 behind it; returns once lwIP says it is ready.
lwip_start() {
  local ns="$1" dev="$2" mtu="${3:-1500}" log
  log="/tmp/jtcp-lwip-$$.log"
  ip -n "$ns" tuntap add dev "$dev" mode tun
  ip -n "$ns" addr add 10.7.0.1/24 dev "$dev"
  ip -n "$ns" link set "$dev" mtu "$mtu" up
  ip netns exec "$ns" "$lwip_bin" "$dev" >"$log" 2>&1 &
  lwip_pid=$!
  for _ in $(seq 100); do grep -q ready "$log" 2>/dev/null && { rm -f "$log"; return 0; }; sleep 0.05; done
  echo "lwip_tun did not get ready:" >&2
  cat "$log" >&2
  rm -f "$log"
  return 1
}

# lwip_stop NS DEV: ends the lwIP process this script started (by its PID) and removes DEV.
lwip_stop() {
  if [[ -n "$lwip_pid" ]]; then
    kill "$lwip_pid" 2>/dev/null || true
    wait "$lwip_pid" 2>/dev/null || true
    lwip_pid=""
  fi
  ip -n "$1" link del "$2" 2>/dev/null || true
}
