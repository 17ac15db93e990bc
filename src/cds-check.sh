#!/usr/bin/env bash
# Checks the start-up archive the way ./jtcp uses it (src/test.sh runs this after the build): it
# builds, the JVM maps it (jtcp's classes come from it, not from the jar), nothing extra is printed
# with it, a failed attempt is not repeated on every start, and a corrupt archive is skipped
# without a word.
set -euo pipefail
cd "$(dirname "$0")/.."
jsa=cli/target/jtcp.jsa
jar=cli/target/jtcp.jar
fail() { echo "cds-check: $*" >&2; exit 1; }
# A check that fails midway may leave a corrupt archive, or a "failed" record, behind: then
# neither stays, and the next ./jtcp builds the archive afresh.
finished=""
trap '[[ -n "$finished" ]] || rm -f "$jsa" "$jsa.jdk" "$jsa.bak.$$"; rm -f /tmp/jtcp-cds-check.$$' EXIT
./src/cds.sh || fail "src/cds.sh could not build $jsa"
[[ -s "$jsa" ]] || fail "no $jsa after src/cds.sh"
out="$(./jtcp --version 2>/tmp/jtcp-cds-check.$$)"; err="$(cat /tmp/jtcp-cds-check.$$)"
[[ "$out" == "jtcp "* && -z "$err" ]] || fail "./jtcp --version with the archive printed '$out' / '$err'"
JTCP_JAVA_OPTS="-Xlog:class+load=info:file=/tmp/jtcp-cds-check.$$" ./jtcp --help >/dev/null 2>&1 ||
  fail "./jtcp --help with the archive failed"
grep -q 'io.jtcp.tun.cli.Main source: shared objects file' /tmp/jtcp-cds-check.$$ ||
  fail "the JVM did not take jtcp's classes from the archive"
grep -q 'picocli.CommandLine source: shared objects file' /tmp/jtcp-cds-check.$$ ||
  fail "the JVM did not take picocli's classes from the archive"
# JNA's native library beside the archive (where src/cds.sh knows JNA's name for the machine):
# with it, a get reaches the namespace without JNA unpacking anything (no temporary file).
if [[ "$(uname -m)" == x86_64 || "$(uname -m)" == aarch64 ]]; then
  [[ -s cli/target/jna/libjnidispatch.so ]] || fail "no cli/target/jna/libjnidispatch.so after src/cds.sh"
  JTCP_JAVA_OPTS="-Xlog:class+load=info:file=/tmp/jtcp-cds-check.$$" \
    ./jtcp get --netns "jtcp-cds-check-absent-$$" http://10.7.0.1:9/ >/dev/null 2>&1 || true
  ! grep -q 'java.io.File$TempDirectory ' /tmp/jtcp-cds-check.$$ ||
    fail "JNA unpacked its library although ./jtcp points it at cli/target/jna"
fi
# A failed attempt is not repeated on every start (src/cds.sh records it; a try costs seconds):
# with the record saying "failed" for this JDK, the launcher starts without an archive and builds
# none, until the jar is newer than the record.
jdk_home="$(head -n 1 "$jsa.jdk")"
rm -f "$jsa"
printf '%s\nfailed\n' "$jdk_home" >"$jsa.jdk"
out="$(./jtcp --version 2>&1)" || fail "./jtcp --version after a failed attempt failed: $out"
[[ ! -e "$jsa" ]] || fail "the launcher repeated a failed attempt at the archive"
touch -d "@$(($(stat -c %Y "$jar") - 10))" "$jsa.jdk" # as if the jar had been rebuilt since
./jtcp --version >/dev/null 2>&1 || fail "./jtcp --version with a newer jar failed"
[[ -s "$jsa" && "$(cat "$jsa.jdk")" == "$jdk_home"$'\n'ok ]] ||
  fail "the launcher did not try again once the jar was newer than the failed attempt"
cp "$jsa" "$jsa.bak.$$"
chmod u+w "$jsa"
printf 'not an archive' >"$jsa"
# The record says "ok" for this JDK and is newer than the jar, so the launcher keeps the archive:
# the JVM itself must skip it quietly.
err="$(./jtcp get --help 2>&1 >/dev/null)" || fail "./jtcp get --help with a corrupt archive failed: $err"
mv -f "$jsa.bak.$$" "$jsa"
rm -f /tmp/jtcp-cds-check.$$
[[ -z "$err" ]] || fail "a corrupt archive was not skipped quietly: $err"
finished=1
echo "cds-check: the start-up archive builds, is used, a failed attempt is not repeated until the jar changes, and a corrupt archive is skipped quietly"
