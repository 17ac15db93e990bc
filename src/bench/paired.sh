#!/usr/bin/env bash
# Per-segment CPU of this checkout against an older commit, interleaved in one JVM (no packets, no
# root): `io.jtcp.bench.PairedCpuTimeRunner` runs a case of both builds' benchmarks round by round
# in rotating order, each build in its own class loader, so drift on a shared machine hits both.
# The older build's bench jar is made in a temporary worktree of OLD; a build from before
# `CpuTimeRunner` existed (such as d4e5b86, before congestion control became a plug-in, the base
# of issue #10's "within 10 %") gets a small stand-in that maps `send` and
# `receive-CHECKSUM-READ` to its SendPathBenchmark and ReceivePathBenchmark (heap packets only).
# Usage: src/bench/paired.sh OLD CASE [ROUNDS] [RUNS]   (default 100 rounds, 3 runs)
#   e.g. src/bench/paired.sh d4e5b86 send; src/bench/paired.sh d4e5b86 receive-verify-copy 60 2
# Prints each run's min / p25 / median per build (CPU ns per operation) and the new median's change.
set -euo pipefail
cd "$(dirname "$0")/../.."
old="${1:-}"
case="${2:-}"
rounds="${3:-100}"
runs="${4:-3}"
usage="usage: $0 OLD_COMMIT CASE [ROUNDS 1..1000] [RUNS 1..20]"
[[ -n "$old" && -n "$case" ]] || { echo "$usage" >&2; exit 2; }
[[ "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 && "$rounds" -le 1000 ]] || { echo "$usage" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ && "$runs" -ge 1 && "$runs" -le 20 ]] || { echo "$usage" >&2; exit 2; }
git rev-parse --verify -q "$old^{commit}" > /dev/null || { echo "$0: no such commit: $old" >&2; exit 2; }
work="$(mktemp -d /tmp/jtcp-paired.XXXXXX)"
cleanup() {
    git worktree remove --force "$work/old" > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "building this checkout's bench jar, then $old's (offline when ~/.m2 has what they need)" >&2
mvn -B -ntp -q -pl bench -am package -DskipTests > "$work/build-new.log" 2>&1 || { cat "$work/build-new.log" >&2; exit 1; }
cp bench/target/benchmarks.jar "$work/new.jar"
git worktree add -q --detach "$work/old" "$old"
(cd "$work/old" && mvn -B -ntp -q -pl bench -am package -DskipTests) > "$work/build-old.log" 2>&1 \
    || { cat "$work/build-old.log" >&2; exit 1; }
cp "$work/old/bench/target/benchmarks.jar" "$work/old.jar"
old_cp="$work/old.jar"
if ! unzip -l "$work/old.jar" io/jtcp/bench/CpuTimeRunner.class > /dev/null 2>&1; then
    mkdir -p "$work/shim/src/io/jtcp/bench" "$work/shim/classes"
    cat > "$work/shim/src/io/jtcp/bench/CpuTimeRunner.java" <<'EOF'
package io.jtcp.bench;

import java.util.function.IntSupplier;

/** PairedCpuTimeRunner's entry point for a build that had no CpuTimeRunner of its own. */
public final class CpuTimeRunner {
    private CpuTimeRunner() {}

    static IntSupplier operation(String name) {
        if (name.equals("send")) {
            final SendPathBenchmark b = new SendPathBenchmark();
            b.setUp();
            return b::send;
        }
        if (name.startsWith("receive-")) {
            final String[] p = name.split("-");
            final ReceivePathBenchmark b = new ReceivePathBenchmark();
            b.checksum = p[1];
            b.read = p[2];
            b.setUp();
            return b::receive;
        }
        throw new IllegalArgumentException("this old build knows only send and receive-CHECKSUM-READ: " + name);
    }
}
EOF
    javac -nowarn -d "$work/shim/classes" -cp "$work/old.jar" "$work/shim/src/io/jtcp/bench/CpuTimeRunner.java"
    (cd "$work/shim/classes" && jar cf "$work/shim.jar" .)
    old_cp="$work/shim.jar:$work/old.jar"
fi

echo "$case, $rounds rounds per run, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg): $old against $(git rev-parse --short HEAD)"
for ((r = 1; r <= runs; r++)); do
    java -Dagrona.disable.bounds.checks=true -cp "$work/new.jar" io.jtcp.bench.PairedCpuTimeRunner \
        "$case" "$rounds" "$old_cp" "$work/new.jar" > "$work/run.txt"
    awk -v c="$case" -v o="$old" -v r="$r" '
        $1 == c { med[++n] = $8; line[n] = sprintf("min %s p25 %s median %s", $4, $6, $8) }
        END {
            if (n != 2) { print "run " r ": no result" > "/dev/stderr"; exit 1 }
            printf "run %d: %s %s | new %s (%+.1f %%)\n", r, o, line[1], line[2], (med[2] / med[1] - 1) * 100
        }' "$work/run.txt"
done
