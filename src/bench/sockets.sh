#!/usr/bin/env bash
# Bulk transfer over TUN against the kernel (needs root; a namespace of its own, 10.7.0.0/24):
# jtcp's blocking streams (io.jtcp.tun.socket) against the loop-thread callback API in the same
# run, both directions, best of JTCP_SOCKET_BENCH_ROUNDS (default 3) after a 256 MiB warm-up each.
# Usage: src/bench/sockets.sh [MiB]   (default 1024). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
mib="${1:-1024}"
[[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 ]] || { echo "usage: $0 [MiB]" >&2; exit 2; }
JTCP_SOCKET_BENCH_MIB="$mib" JTCP_REQUIRE_TUN=1 nice mvn -B -ntp -q -pl tun -am test \
  -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SocketBulkBenchTest -Dspotless.check.skip=true \
  | grep -E '^\||^round:|^handoff'
