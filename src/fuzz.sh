#!/usr/bin/env bash
# Long coverage-guided fuzzing run of NetworkStack.onPacket (Jazzer), for SECONDS (default 3600):
#   src/fuzz.sh [SECONDS] [TARGET]
# TARGET is a surefire execution of stack/pom.xml's "fuzz" profile (default fuzz-onPacket; also
# fuzz-wire, fuzz-faultSpec) or, with MODULE=tun, of tun/pom.xml's "fuzz" and "fuzz-more"
# profiles (fuzz-httpService, fuzz-httpClient, fuzz-httpRequest, fuzz-pcap).
# Runs nice'd (FUZZ_NICE, default 10) on one core (FUZZ_CPU; taskset, a JVM sized for one CPU, -Xmx512m) with Agrona bounds checks on
# (the root pom's surefire argLine). libFuzzer's status lines (#N exec/s cov rss) and one
# "jtcp-fuzz-memory:" line a minute (heap after GC, RSS) go to the log; the corpus grows in
# MODULE/.cifuzz-corpus/, and a finding is written next to the seed corpus
# (src/test/resources/.../*Inputs/<method>/crash-*) and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
target=${2:-fuzz-onPacket}
module=${MODULE:-stack}
cpu=${FUZZ_CPU:-$(( $(nproc) - 1 ))}
log=${FUZZ_LOG:-$module/target/$target.log}
mkdir -p "$(dirname "$log")"
echo "fuzzing $module $target for ${seconds}s on CPU $cpu; log: $log" >&2
export JAVA_TOOL_OPTIONS="-XX:ActiveProcessorCount=1 -XX:+UseSerialGC -Xmx512m ${JAVA_TOOL_OPTIONS:-}"
exec nice -n "${FUZZ_NICE:-10}" taskset -c "$cpu" mvn -B -ntp -pl "$module" -am -Pfuzz,fuzz-more \
  -Dsurefire.failIfNoSpecifiedTests=false -Dtest=NoSuchTest \
  -Djtcp.fuzz.memoryLogSeconds=60 \
  -Djazzer.internal.arg.0=fake_argv0 \
  "-Djazzer.internal.arg.1=-max_total_time=$seconds" \
  -Djazzer.internal.arg.2=-print_final_stats=1 \
  test-compile "surefire:test@$target" >"$log" 2>&1
