#!/usr/bin/env bash
# Folds what fuzzing found into a target's committed seed corpus (the inputs `mvn verify` replays):
#   src/fuzz-seeds.sh MODULE CLASS METHOD [CORPUS_DIR...]
# e.g. src/fuzz-seeds.sh stack io.jtcp.stack.fuzz.NetworkStackFuzzTest onPacket
# The corpus (default MODULE/.cifuzz-corpus/CLASS/METHOD, where -Pfuzz and src/fuzz.sh grow it)
# and the current seeds are merged by libFuzzer's set cover on edges only (-set_cover_merge=1
# -use_counters=0): the fewest inputs that reach every edge any of them reaches. Seeds with
# names of their own (written by hand, findings: crash-*, timeout-*) stay; the fuzzer's
# (named by their SHA-1) are replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 3 ]] || { echo "usage: $0 MODULE CLASS METHOD [CORPUS_DIR...]" >&2; exit 2; }
module=$1 class=$2 method=$3
shift 3
root=$PWD
corpora=("$@")
[[ ${#corpora[@]} -gt 0 ]] || corpora=("$root/$module/.cifuzz-corpus/$class/$method")
pkg=${class%.*}
seeds=$root/$module/src/test/resources/${pkg//.//}/${class##*.}Inputs/$method
mkdir -p "$seeds"
mvn -B -ntp -q -pl "$module" -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$root/$module/target/fuzz-classpath.txt" -Dmdep.includeScope=test
cp="$root/$module/target/test-classes:$root/$module/target/classes:$(cat "$root/$module/target/fuzz-classpath.txt")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# libFuzzer's merge re-runs its own argv[0] as a child: give it one on PATH.
cat >"$tmp/jazzer" <<SH
#!/bin/sh
exec java -Dagrona.disable.bounds.checks=false -cp "$cp" com.code_intelligence.jazzer.Jazzer "\$@"
SH
chmod +x "$tmp/jazzer"
mkdir "$tmp/merged" "$tmp/run"
(cd "$tmp/run" && PATH="$tmp:$PATH" jazzer --target_class="$class" --target_method="$method" \
  --instrumentation_includes='io.jtcp.**' --custom_hook_includes='io.jtcp.**' \
  -set_cover_merge=1 -use_counters=0 -use_value_profile=0 -use_cmp=0 \
  "$tmp/merged" "$seeds" "${corpora[@]}") >"$tmp/merge.log" 2>&1 || { tail -20 "$tmp/merge.log" >&2; exit 1; }
grep 'MERGE-OUTER: .* new files' "$tmp/merge.log" >&2 || true
find "$seeds" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
cp "$tmp/merged"/* "$seeds"/ 2>/dev/null || true
for f in "$seeds"/*; do # a named seed the merge kept is not also kept under its hash
  [[ $(basename "$f") =~ ^[0-9a-f]{40}$ ]] || rm -f "$seeds/$(sha1sum <"$f" | cut -c1-40)"
done
echo "$(find "$seeds" -type f | wc -l) seeds in $seeds" >&2
