#!/usr/bin/env bash
# The README's first command: installs what the demo uses if missing, then runs `jtcp demo`
# (its own network namespace and TUN device; ping, curl, nc and jtcp get; removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
./src/deps.sh
exec ./jtcp demo "$@"
