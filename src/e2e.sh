#!/usr/bin/env bash
# Runs only the end-to-end tests against the Linux kernel (JUnit tag "tun"; needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp -q -pl tun,cli -am verify -Dgroups=tun -Dsurefire.failIfNoSpecifiedTests=false "$@"
