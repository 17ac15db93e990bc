# Sourced (not run) by ./jtcp and src/cds.sh: which JDK runs jtcp, and the options that JDK needs.
# One fork (readlink), so that ./jtcp's start-up stays within its budget (issue #13).
#
# The JDK is $JAVA_HOME's when it is set (as Maven and most Java launchers choose; one that holds
# no bin/java is an error, as it is to Maven), else the first java on PATH. After jtcp_jdk
# returns 0:
#   jtcp_java       the java to run (as found: a symlink stays a symlink)
#   jtcp_jdk_home   its installation directory, symlinks resolved
#   jtcp_jdk_major  its feature release (17, 25, ...) from the installation's release file; 0 when
#                   that file is missing, so no option below is added
#   jtcp_jdk_opts   the options that keep JDK 24 and newer from printing warnings on every command:
#     --enable-native-access=ALL-UNNAMED    JNA loads its native library (System.load), a restricted
#                                           method that JDK 24 warns about (JEP 472) unless the
#                                           caller may use native code;
#     --sun-misc-unsafe-memory-access=allow Agrona's buffers read and write memory through
#                                           sun.misc.Unsafe, which JDK 24 warns about (JEP 498).
#   Older JDKs print no such warnings and get neither (the second is JDK 23's, and a JVM refuses
#   an option it does not know).
jtcp_jdk() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    if [[ ! -x "$JAVA_HOME/bin/java" ]]; then
      echo "jtcp: JAVA_HOME is $JAVA_HOME, which holds no bin/java (unset it to use java on PATH)" >&2
      return 1
    fi
    jtcp_java="$JAVA_HOME/bin/java"
  elif hash java 2>/dev/null; then
    jtcp_java="${BASH_CMDS[java]}"
  else
    echo "jtcp: no java found (set JAVA_HOME or put java on PATH; jtcp needs Java 17 or newer)" >&2
    return 1
  fi
  local real
  # (Without readlink, a java reached through symlinks, /usr/bin/java say, has no release file
  # beside it: major 0, no options, and JDK 24+ prints its warnings again.)
  real="$(readlink -f "$jtcp_java" 2>/dev/null)" || real="$jtcp_java"
  jtcp_jdk_home="${real%/bin/java}"
  jtcp_jdk_major=0
  local key value
  if [[ -r "$jtcp_jdk_home/release" ]]; then
    while IFS='=' read -r key value || [[ -n "$key" ]]; do
      if [[ "$key" == JAVA_VERSION ]]; then
        value="${value//\"/}"
        value="${value%%[!0-9]*}"
        jtcp_jdk_major="${value:-0}"
        break
      fi
    done <"$jtcp_jdk_home/release"
  fi
  jtcp_jdk_opts=()
  if ((jtcp_jdk_major >= 22)); then
    jtcp_jdk_opts+=(--enable-native-access=ALL-UNNAMED)
  fi
  if ((jtcp_jdk_major >= 23)); then
    jtcp_jdk_opts+=(--sun-misc-unsafe-memory-access=allow)
  fi
}
