#!/usr/bin/env bash
# Builds cli/target/jtcp.jsa, the class-data archive (AppCDS) that `./jtcp` starts the JVM with:
# the JDK's and jtcp's classes parsed, verified and laid out once, mapped at every start instead
# of read from the jar (issue #13: `jtcp get` of a small file went from about 0.6 s to about 0.3 s).
# `./jtcp` runs this by itself when no attempt is on record for its JDK since the jar and the JDK
# last changed, or the archive went missing (the record: cli/target/jtcp.jsa.jdk);
# JTCP_NO_CDS=1 turns both off. Safe to run at any time and concurrently (one build at a time,
# written to a temporary file, renamed into place); without it everything works, only slower.
#
# A static archive (-Xshare:dump), not a dynamic one (-XX:ArchiveClassesAtExit): the JDK 17
# dynamic archive leaves out classes older than Java 6's format, and picocli's are (version 49),
# so the slowest part of start-up stayed out of it.
#
# The class list is the JDK's default list, plus what short training runs load (the top-level
# usage, `get`'s usage, and `get`/`serve` failing at once on a namespace that does not exist: no
# device, no root, no traffic), plus every class of jtcp, picocli, JNA and Agrona in the jar. As
# root, one more run opens a real device: `get` in a namespace of its own (created and deleted
# here) from a port nothing listens on, which the kernel refuses with a RST; that archives the JDK
# classes (and lambdas) that JNA, the device and the event loop load, a few tens of ms of a `get`.
#
# Beside the archive goes jna/libjnidispatch.so, JNA's native library taken out of the jar once:
# ./jtcp points jna.boot.library.path at it, so that JNA does not unpack it into a temporary file
# on every start.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/jtcp.jar"
jsa="${1:-$root/cli/target/jtcp.jsa}"
[[ -f "$jar" ]] || { echo "cds.sh: no $jar (build it first: mvn -q -B -DskipTests package -pl cli -am)" >&2; exit 1; }
# The JDK ./jtcp runs (JAVA_HOME, else PATH), with the options it needs: an archive is only
# mapped by the JDK that built it.
source "$root/src/jdk.sh"
jtcp_jdk
java_home="$jtcp_jdk_home"
# One build at a time per archive: two at once (two JDKs, say) could leave one's record beside
# the other's archive. A second one leaves it to the first and exits (./jtcp starts without).
if command -v flock >/dev/null; then
  exec 9>"$jsa.lock"
  flock -n 9 || exit 0
fi
# The attempt, for ./jtcp: which JDK, and whether it built the archive (it tries again when it
# runs with another JDK, or once the jar or the JDK changed). Recorded however this script ends
# (the trap: "failed" unless "ok" was recorded), so that a failure is not retried on every start.
recorded=""
record() {
  printf '%s\n%s\n' "$java_home" "$1" >"$jsa.jdk.$$"
  mv -f "$jsa.jdk.$$" "$jsa.jdk"
  recorded="$1"
}
tmp="$(mktemp -d "${TMPDIR:-/tmp}/jtcp-cds.XXXXXX")"
trainns=""
interrupted=""
# (An interrupted build, Ctrl-C or a timeout, is not a failure: the next start tries again.)
trap 'rm -rf "$tmp"; [[ -z "$trainns" ]] || ip netns del "$trainns" 2>/dev/null || true
  [[ -n "$recorded$interrupted" ]] || { rm -f "$jsa"; record failed; } 2>/dev/null || true' EXIT
trap 'interrupted=1; exit 130' INT TERM HUP
nons="jtcp-cds-training-absent-$$"
train() {
  # Exit codes are those of failures on purpose (no such namespace); only the class list counts.
  # (Bounded: a run that hangs costs the archive its list, never the launcher its start.)
  timeout 60 "$jtcp_java" "${jtcp_jdk_opts[@]}" -Dagrona.disable.bounds.checks=true -Xshare:auto -XX:DumpLoadedClassList="$tmp/run$1.lst" \
    -jar "$jar" "${@:2}" >/dev/null 2>&1 </dev/null || true
}
train 1 --help
train 2 get --netns "$nons" http://10.7.0.1:1/
train 3 serve --netns "$nons"
train 4 get --help
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "jtcp-cds-training-$$" 2>/dev/null; then
  trainns="jtcp-cds-training-$$"
  train 5 get --netns "$trainns" --timeout 10 http://10.7.0.1:9/
  ip netns del "$trainns" 2>/dev/null || true
  trainns=""
fi
{
  [[ -f "$java_home/lib/classlist" ]] && grep -v '^#' "$java_home/lib/classlist"
  # Newer JDKs (25 does, 17 does not) number each class in a list ("name id: N"); the numbers of
  # separate runs clash, so only the names are kept (the JVM numbers the merged list itself).
  cat "$tmp"/run*.lst | grep -v '^#' | sed -E 's/^([^@ ][^ ]*) id: [0-9]+.*$/\1/'
  # Every class of the jar besides, where something here can list it (a JRE has no jar tool).
  if [[ -x "$java_home/bin/jar" ]]; then
    "$java_home/bin/jar" tf "$jar"
  elif command -v unzip >/dev/null; then
    unzip -Z1 "$jar"
  fi | grep -E '^(io/jtcp|picocli|com/sun/jna|org/agrona)/.*\.class$' | grep -v 'module-info' | sed 's/\.class$//' || true
} | awk '!seen[$0]++' >"$tmp/classes.lst"
"$jtcp_java" "${jtcp_jdk_opts[@]}" -Xshare:dump -XX:SharedClassListFile="$tmp/classes.lst" -XX:SharedArchiveFile="$tmp/jtcp.jsa" \
  -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$jar" >"$tmp/dump.log" 2>&1 || {
  echo "cds.sh: the archive could not be built (jtcp runs without it); see the JVM's words:" >&2
  tail -5 "$tmp/dump.log" >&2
  exit 1
}
mv -f "$tmp/jtcp.jsa" "$jsa"
record ok
# JNA's resource directory for this machine (its Platform.RESOURCE_PREFIX); elsewhere JNA unpacks.
case "$(uname -m)" in
  x86_64) jna_res=com/sun/jna/linux-x86-64/libjnidispatch.so ;;
  aarch64) jna_res=com/sun/jna/linux-aarch64/libjnidispatch.so ;;
  *) jna_res="" ;;
esac
if [[ -n "$jna_res" && -x "$java_home/bin/jar" ]] && (cd "$tmp" && "$java_home/bin/jar" xf "$jar" "$jna_res") &&
  [[ -f "$tmp/$jna_res" ]]; then
  jna_dir="$(dirname "$jsa")/jna"
  mkdir -p "$jna_dir"
  mv -f "$tmp/$jna_res" "$jna_dir/libjnidispatch.so.$$"
  touch "$jna_dir/libjnidispatch.so.$$" # jar xf kept the entry's date; ./jtcp wants it newer than the jar
  mv -f "$jna_dir/libjnidispatch.so.$$" "$jna_dir/libjnidispatch.so"
fi
