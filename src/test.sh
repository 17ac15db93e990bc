#!/usr/bin/env bash
# The test command (README.md): builds every module and runs every test, including the
# end-to-end tests against the Linux kernel through a TUN device (those need root; without it
# they skip, unless JTCP_REQUIRE_TUN=1).
set -euo pipefail
cd "$(dirname "$0")/.."
./src/deps.sh
exec mvn -B -ntp verify "$@"
