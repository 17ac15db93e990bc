#!/usr/bin/env bash
# A consumer project builds against jtcp as a library user would (issue #12; src/test.sh runs this
# after the build): the artifacts `mvn verify` built (jtcp-parent, jtcp-stack, jtcp-tun, with their
# sources and Javadoc jars) are installed by maven-install-plugin into a throwaway local repository
# seeded from the normal one (jars hard-linked, metadata copied: nothing of this is written into the
# normal repository, which only gets the two plugins this check uses if it lacks them); examples/consumer, a project outside the reactor whose only dependency is
# io.jtcp:jtcp-tun as README "Use as a library" shows, is built offline (-o) against it with
# -Werror; its example runs (a blocking echo over JtcpLoopback, SHA-256 checked); and
# dependency:tree must show none of picocli, JFreeChart/JFreeSVG, Pcap4J, jtcp-lab, jtcp-viz, jtcp-cli.
# Fails when the example no longer compiles (an API it uses disappeared). About 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
version=0.1.0-SNAPSHOT
fail() { echo "consumer-check: $*" >&2; exit 1; }
for f in stack/target/jtcp-stack-$version{,-sources,-javadoc}.jar tun/target/jtcp-tun-$version{,-sources,-javadoc}.jar; do
  [[ -s $f ]] || fail "no $f: run 'mvn verify' first"
done
seed="${JTCP_M2_REPO:-$HOME/.m2/repository}"
[[ -d $seed ]] || fail "no local repository at $seed to seed from"
work="$(mktemp -d /tmp/jtcp-consumer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# The two plugins only this check uses: fetched once into the normal repository if it lacks them
# (a fresh machine; the one step that may go online), so that everything below runs with -o.
plugins=(maven-install-plugin:3.1.2 maven-dependency-plugin:3.8.1)
for p in "${plugins[@]}"; do
  a=${p%%:*} v=${p##*:}
  if [[ ! -s $seed/org/apache/maven/plugins/$a/$v/$a-$v.jar ]]; then
    (cd "$work" && nice -n 10 mvn -B -ntp -q -Dmaven.repo.local="$seed" "org.apache.maven.plugins:$a:$v:help" >/dev/null) ||
      fail "could not fetch $a $v into $seed"
  fi
done
repo="$work/repo"
mkdir -p "$repo"
# jtcp itself is left out of the seed: only what this script installs may satisfy the dependency.
(cd "$seed" && find . -path ./io/jtcp -prune -o -type f ! -name '*.jar' -print0 | xargs -0 -r cp --parents -p -t "$repo")
# Hard links where the file system allows (jars are never rewritten in place), else copies.
link=-l
some_jar="$(cd "$seed" && find . -path ./io/jtcp -prune -o -type f -name '*.jar' -print -quit)"
if [[ -n $some_jar ]] && ! ln "$seed/$some_jar" "$work/link-test" 2>/dev/null; then
  link=
fi
(cd "$seed" && find . -path ./io/jtcp -prune -o -type f -name '*.jar' -print0 | xargs -0 -r cp --parents $link -t "$repo")
log="$work/mvn.log"
# Maven's output goes to a log, shown when a step fails.
mvn_() { nice -n 10 mvn -B -ntp -q -o -Dmaven.repo.local="$repo" "$@" >>"$log" 2>&1 || { cat "$log" >&2; return 1; }; }
# One Maven run installs all three (install:install-file, as `mvn install` would lay them out).
execution() { # ID FILE POM [SOURCES JAVADOC]
  echo "<execution><id>$1</id><phase>validate</phase><goals><goal>install-file</goal></goals><configuration>"
  echo "<file>$root/$2</file><pomFile>$root/$3</pomFile>"
  [[ $# -gt 3 ]] && echo "<sources>$root/$4</sources><javadoc>$root/$5</javadoc>"
  echo "</configuration></execution>"
}
cat >"$work/pom.xml" <<POM
<project><modelVersion>4.0.0</modelVersion><groupId>local</groupId><artifactId>install-jtcp</artifactId>
<version>1</version><packaging>pom</packaging><build><plugins><plugin>
<groupId>org.apache.maven.plugins</groupId><artifactId>maven-install-plugin</artifactId><version>3.1.2</version>
<executions>
$(execution parent pom.xml pom.xml)
$(execution stack stack/target/jtcp-stack-$version.jar stack/pom.xml \
  stack/target/jtcp-stack-$version-sources.jar stack/target/jtcp-stack-$version-javadoc.jar)
$(execution tun tun/target/jtcp-tun-$version.jar tun/pom.xml \
  tun/target/jtcp-tun-$version-sources.jar tun/target/jtcp-tun-$version-javadoc.jar)
</executions></plugin></plugins></build></project>
POM
(cd "$work" && mvn_ validate) || fail "could not install jtcp into $repo"
for a in stack tun; do
  for c in "" -sources -javadoc; do
    [[ -s $repo/io/jtcp/jtcp-$a/$version/jtcp-$a-$version$c.jar ]] || fail "jtcp-$a$c was not installed"
  done
done
consumer="$work/consumer"
cp -r examples/consumer "$consumer"
rm -rf "$consumer/target"
(cd "$consumer" && mvn_ compile dependency:tree -DoutputFile="$work/tree.txt" \
  dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt") ||
  fail "examples/consumer does not build against the installed jtcp-tun (Maven's errors above)"
grep -q 'io.jtcp:jtcp-tun:jar:0.1.0-SNAPSHOT:compile' "$work/tree.txt" || fail "jtcp-tun is not in the tree: $(cat "$work/tree.txt")"
if grep -Eiq 'picocli|jfree|pcap4j|jtcp-lab|jtcp-viz|jtcp-cli' "$work/tree.txt"; then
  fail "a CLI or lab library reaches a library user's classpath: $(grep -Ei 'picocli|jfree|pcap4j|jtcp-lab|jtcp-viz|jtcp-cli' "$work/tree.txt")"
fi
out="$(nice -n 10 timeout 120 java -cp "$consumer/target/classes:$(cat "$work/classpath.txt")" \
  com.example.consumer.BlockingEcho 2>&1)" || fail "the example failed: $out"
[[ $out == "consumer: echoed 1048576 bytes, sha256 "* ]] || fail "the example printed: $out"
echo "consumer-check: a project with only io.jtcp:jtcp-tun builds offline and runs ($out); no CLI or lab library on its classpath"
