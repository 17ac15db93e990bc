#!/usr/bin/env bash
# The test command (README.md): builds every module and runs every test, including the
# end-to-end tests against the Linux kernel through a TUN device (those need root; without it
# they skip, unless JTCP_REQUIRE_TUN=1), then fuzzes each @FuzzTest target for a few seconds
# (-Pfuzz: five targets, 32 s of fuzzing in all; JTCP_NO_FUZZ=1 leaves it out). A plain `mvn verify`
# runs the fuzz targets' seed corpora as regression tests only. Last, src/cds-check.sh builds and
# checks the class-data archive ./jtcp starts with (about 10 s), src/jdk-check.sh runs ./jtcp on
# every installed JDK (about 10 s), and src/consumer-check.sh builds and runs a project that
# depends on the installed jtcp-tun only (about 20 s; a throwaway local repository, offline).
set -euo pipefail
cd "$(dirname "$0")/.."
./src/deps.sh
fuzz=(-Pfuzz)
if [[ -n ${JTCP_NO_FUZZ:-} ]]; then
  fuzz=()
fi
mvn -B -ntp verify "${fuzz[@]}" "$@"
# The start-up archive ./jtcp maps (issue #13): builds, is used, a corrupt one is skipped quietly.
# Only for the whole build (extra Maven arguments such as -pl may leave the jar unbuilt).
if [[ $# -eq 0 ]]; then
  ./src/cds-check.sh
  # Every installed JDK (17, 25 here) chosen by JAVA_HOME: quiet (JDK 24+ warnings), its own archive.
  ./src/jdk-check.sh
  # A library user's project (issue #12): only io.jtcp:jtcp-tun, built offline, no CLI libraries.
  ./src/consumer-check.sh
fi
