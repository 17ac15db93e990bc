#!/usr/bin/env bash
# Creates (up) or deletes (down) a network namespace to try jtcp in by hand, so nothing is
# configured in the root namespace:
#   src/netns.sh up jtcp-dev
#   ./jtcp serve --netns jtcp-dev &            # creates tun0 inside, 10.7.0.1/24 <-> 10.7.0.2
#   ip netns exec jtcp-dev curl http://10.7.0.2/
#   src/netns.sh down jtcp-dev
set -euo pipefail
action="${1:-}"
ns="${2:-jtcp-dev}"
case "$action" in
  up)
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    echo "namespace $ns ready: ./jtcp serve --netns $ns"
    ;;
  down)
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns"
    ;;
  *)
    echo "usage: $0 up|down [NAME]" >&2
    exit 2
    ;;
esac
