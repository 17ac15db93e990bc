#!/usr/bin/env bash
# Checks ./jtcp on every JDK installed under /usr/lib/jvm (or those JTCP_CHECK_JDKS lists,
# space-separated homes), chosen by JAVA_HOME as users choose one (src/test.sh runs this after
# src/cds-check.sh): the start-up archive is rebuilt for each JDK in turn and its JVM maps it, and
# nothing but jtcp's own words reaches the terminal. JDK 24 and newer print warnings about JNA's
# native access and Agrona's sun.misc.Unsafe on every command unless the launcher passes them
# their options (src/jdk.sh). As root, a `get` also opens a real TUN device in a namespace made here (removed
# afterwards) and is refused by the kernel on a port nothing listens on: JNA's library loads.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "jdk-check: $*" >&2; exit 1; }
log="$(mktemp /tmp/jtcp-jdk-check.XXXXXX)"
ns=""
trap 'rm -f "$log" "$log.err"; [[ -z "$ns" ]] || ip netns del "$ns" 2>/dev/null || true' EXIT
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "jtcp-jdk-check-$$" 2>/dev/null; then
  ns="jtcp-jdk-check-$$"
fi
homes=()
if [[ -n "${JTCP_CHECK_JDKS:-}" ]]; then
  read -r -a homes <<<"$JTCP_CHECK_JDKS"
else
  for release in /usr/lib/jvm/*/release; do
    [[ -x "${release%/release}/bin/java" && ! -L "${release%/release}" ]] && homes+=("${release%/release}")
  done
fi
[[ ${#homes[@]} -gt 0 ]] || fail "no JDK found under /usr/lib/jvm (set JTCP_CHECK_JDKS)"
checked=()
source src/jdk.sh
for home in "${homes[@]}"; do
  JAVA_HOME="$home" jtcp_jdk
  ((jtcp_jdk_major >= 17)) || continue # jtcp needs 17; an older JDK is not one to run it on
  out="$(JAVA_HOME="$home" ./jtcp --version 2>"$log.err")" || fail "$home: ./jtcp --version failed: $(cat "$log.err")"
  [[ "$out" == "jtcp "* && ! -s "$log.err" ]] || fail "$home: ./jtcp --version printed '$out' / '$(cat "$log.err")'"
  [[ "$(cat cli/target/jtcp.jsa.jdk 2>/dev/null)" == "$jtcp_jdk_home"$'\n'ok ]] ||
    fail "$home: the start-up archive was not rebuilt for this JDK ($(cat cli/target/jtcp.jsa.jdk 2>&1))"
  JAVA_HOME="$home" JTCP_JAVA_OPTS="-Xlog:class+load=info:file=$log" ./jtcp --help >/dev/null 2>"$log.err" ||
    fail "$home: ./jtcp --help failed: $(cat "$log.err")"
  grep -q 'io.jtcp.tun.cli.Main source: shared objects file' "$log" ||
    fail "$home: the JVM did not take jtcp's classes from its archive"
  [[ ! -s "$log.err" ]] || fail "$home: ./jtcp --help printed to stderr: $(cat "$log.err")"
  if [[ -n "$ns" ]]; then
    JAVA_HOME="$home" timeout 60 ./jtcp get --netns "$ns" --timeout 10 http://10.7.0.1:9/ >/dev/null 2>"$log.err" &&
      fail "$home: a get from a port nothing listens on succeeded"
    # The one line a refused get prints, and nothing else (no JVM warning before it).
    [[ "$(wc -l <"$log.err")" -eq 1 ]] && grep -q '^jtcp: error: .*connection refused' "$log.err" ||
      fail "$home: a refused get printed: $(cat "$log.err")"
  fi
  checked+=("$(basename "$home") ($jtcp_jdk_major)")
done
[[ ${#checked[@]} -gt 0 ]] || fail "no JDK 17 or newer among ${homes[*]}"
# A JAVA_HOME without a java is the user's mistake: one line naming it, and a non-zero exit.
JAVA_HOME=/nonexistent/jdk ./jtcp --version >/dev/null 2>"$log.err" && fail "./jtcp ran with a JAVA_HOME that holds no java"
[[ "$(wc -l <"$log.err")" -eq 1 ]] && grep -q '^jtcp: JAVA_HOME is /nonexistent/jdk, which holds no bin/java' "$log.err" ||
  fail "a JAVA_HOME without a java printed: $(cat "$log.err")"
# The archive is left for the JDK this script was run with, as it found it (a start-up benchmark
# run next should not pay for a rebuild).
./jtcp --version >/dev/null 2>&1 || true
echo "jdk-check: ./jtcp runs quietly, and maps an archive built for its JDK, on ${checked[*]}"
