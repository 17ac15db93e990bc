#!/usr/bin/env bash
# Installs what jtcp's demo and kernel tests use, when it is missing: Debian packages through
# apt-get when run as root, otherwise it says what to install. Safe to run again (a no-op then).
set -euo pipefail
need=()
want() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
want java openjdk-17-jdk-headless
want mvn maven
want ip iproute2
want ss iproute2
want ping iputils-ping
want curl curl
want nc netcat-openbsd
want tcpdump tcpdump
want iptables iptables
want iperf3 iperf3
want ab apache2-utils
want python3 python3
want script util-linux
# The real-client tests (RealClients*KernelTest) run PostgreSQL and redis-server in a namespace.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
want redis-server redis-server
# jtcp ladder's SVG tests render each picture in headless Chromium (its fonts come with it).
want chromium chromium
if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "jtcp: missing: ${need[*]} (install these packages; the kernel tests skip without root anyway)" >&2
  exit 0
fi
echo "jtcp: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
