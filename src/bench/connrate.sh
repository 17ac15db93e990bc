#!/usr/bin/env bash
# Issue #13 goal 3, side by side in one run (needs root; namespaces this script creates and
# deletes, addresses in 10.7.0.0/16): HTTP requests per second with `ab` (apache2-utils), new
# connections (no keep-alive: one request per connection, the server closes first and holds
# TIME_WAIT) and keep-alive (`ab -k`), for
#   - jtcp serve (its HTTP service, /bytes/16) over TUN, the default options,
#   - lwIP 2.1 (src/bench/lwip.sh: raw API HTTP over the same kind of TUN device), when gcc and
#     liblwip-dev are installed (LWIP=0 leaves it out),
#   - nginx (Debian's nginx, `worker_processes auto`, a 16-byte file) on the kernel's TCP over a
#     veth pair, when installed (apt-get install -y nginx-light; NGINX=0 leaves it out).
# Configurations take turns round by round in a rotating order; the table gives the median; "-"
# means a run had failed requests or did not finish (ab -s 10: no answer for 10 s).
# Usage: src/bench/connrate.sh [requests] [concurrency] [rounds]   (default 20000 50 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
requests="${1:-20000}"
conc="${2:-50}"
rounds="${3:-3}"
[[ "$requests" =~ ^[0-9]+$ && "$requests" -ge 100 && "$conc" =~ ^[0-9]+$ && "$conc" -ge 1 &&
  "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 ]] ||
  { echo "usage: $0 [requests >= 100] [concurrency] [rounds]" >&2; exit 2; }
command -v ab >/dev/null || { echo "connrate.sh needs ab (apt-get install -y apache2-utils)" >&2; exit 1; }
tag="$$"
ns="jtcp-bcr-$tag"
ns_ka="jtcp-bcra-$tag" # nginx, veth 10.7.52.1
ns_kb="jtcp-bcrb-$tag" # ab, veth 10.7.52.2
log="/tmp/jtcp-bcr-$tag.log"
www="/tmp/jtcp-bcr-www-$tag"
serve=""
nginx=""
keys=(jtcp)

./jtcp --version >/dev/null # builds the jar if missing
# shellcheck source=src/bench/lwip.sh
source src/bench/lwip.sh
if [[ ${LWIP:-1} != 0 ]] && lwip_build; then keys+=(lwip); fi
if [[ ${NGINX:-1} != 0 ]] && command -v nginx >/dev/null; then keys+=(nginx); fi

cleanup() {
  set +e
  if [[ -n "$serve" ]]; then kill "$serve" 2>/dev/null; wait "$serve" 2>/dev/null; fi
  if [[ -n "$nginx" ]]; then kill "$nginx" 2>/dev/null; wait "$nginx" 2>/dev/null; fi
  lwip_stop "$ns" lw0
  for n in "$ns" "$ns_ka" "$ns_kb"; do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
    ip netns del "$n" 2>/dev/null
  done
  rm -rf "$log" "$www"
  true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for n in "$ns" "$ns_ka" "$ns_kb"; do
  ip netns add "$n"
  ip -n "$n" link set lo up
done
ip link add "jc-a-$tag" netns "$ns_ka" type veth peer name "jc-b-$tag" netns "$ns_kb"
ip -n "$ns_ka" addr add 10.7.52.1/24 dev "jc-a-$tag"
ip -n "$ns_kb" addr add 10.7.52.2/24 dev "jc-b-$tag"
ip -n "$ns_ka" link set "jc-a-$tag" up
ip -n "$ns_kb" link set "jc-b-$tag" up

note() { echo "$*" >&2; }
median() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }

start_jtcp() {
  rm -f "$log"
  ./jtcp serve --netns "$ns" --http 80 >"$log" 2>&1 &
  serve=$!
  for _ in $(seq 600); do grep -q ready "$log" 2>/dev/null && return 0; kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
  echo "jtcp serve not ready:" >&2
  cat "$log" >&2
  exit 1
}
stop_jtcp() {
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  serve=""
}
start_nginx() {
  mkdir -p "$www/bytes" "$www/tmp"
  printf '0123456789abcdef' >"$www/bytes/16"
  cat >"$www/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $www/nginx.pid;
error_log $www/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $www/tmp; proxy_temp_path $www/tmp; fastcgi_temp_path $www/tmp;
  uwsgi_temp_path $www/tmp; scgi_temp_path $www/tmp;
  server { listen 10.7.52.1:80 backlog=4096; root $www; }
}
CONF
  ip netns exec "$ns_ka" nginx -c "$www/nginx.conf" -p "$www" &
  nginx=$!
  for _ in $(seq 100); do ip netns exec "$ns_ka" ss -ltnH 'sport = :80' | grep -q LISTEN && return 0; sleep 0.05; done
  echo "nginx did not start:" >&2
  cat "$www/error.log" >&2 2>/dev/null
  exit 1
}
stop_nginx() {
  kill "$nginx" 2>/dev/null || true
  wait "$nginx" 2>/dev/null || true
  nginx=""
}
# Requests per second of one ab run; "-" if any request failed.
run_ab() { # netns url keepalive(0|1) count
  local k=()
  [[ "$3" == 1 ]] && k=(-k)
  { ip netns exec "$1" timeout 300 ab -q -r -s 10 "${k[@]}" -n "$4" -c "$conc" "$2" 2>&1 || true; } |
    awk '/^Failed requests:/ { f = $3 } /^Non-2xx/ { f += $3 } /^Requests per second:/ { r = $4 }
         END { if (f > 0 || r == "") print "-"; else printf "%.0f\n", r }'
}

declare -A rate_new rate_ka
for round in $(seq "$rounds"); do
  order=("${keys[@]:$(( (round - 1) % ${#keys[@]} ))}" "${keys[@]:0:$(( (round - 1) % ${#keys[@]} ))}")
  for key in "${order[@]}"; do
    case "$key" in
      jtcp) start_jtcp; where="$ns"; url=http://10.7.0.2/bytes/16 ;;
      lwip) lwip_start "$ns" lw0 1500; where="$ns"; url=http://10.7.0.2/bytes/16 ;;
      nginx) start_nginx; where="$ns_kb"; url=http://10.7.52.1/bytes/16 ;;
    esac
    run_ab "$where" "$url" 0 2000 >/dev/null # warm-up (the JIT on jtcp's side), untimed
    n=$(run_ab "$where" "$url" 0 "$requests")
    # Let the server's TIME_WAITs of the last run not count against the next.
    sleep 1
    # lwIP stops answering SYNs after a few thousand connections (ICMP still answered; seen with
    # lwIP 2.1.3 here): a fresh one for the keep-alive run, so that figure still means something.
    if [[ $key == lwip ]]; then lwip_stop "$ns" lw0; lwip_start "$ns" lw0 1500; fi
    k=$(run_ab "$where" "$url" 1 "$((requests * 5))")
    rate_new[$key]="${rate_new[$key]:-} $n"
    rate_ka[$key]="${rate_ka[$key]:-} $k"
    note "round $round $key: new connections $n/s, keep-alive $k requests/s"
    case "$key" in
      jtcp) stop_jtcp ;;
      lwip) lwip_stop "$ns" lw0 ;;
      nginx) stop_nginx ;;
    esac
  done
done

echo
echo "ab -n $requests -c $conc (keep-alive: -k -n $((requests * 5))), median of $rounds rounds, $(nproc) vCPU," \
  "Linux $(uname -r), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| server | new connections/s | keep-alive requests/s | new / nginx | keep-alive / nginx | rounds (new; keep-alive) |"
echo "| --- | --: | --: | --: | --: | --- |"
nn=$(median <<<"${rate_new[nginx]:-}")
nk=$(median <<<"${rate_ka[nginx]:-}")
for key in "${keys[@]}"; do
  case "$key" in
    jtcp) label="jtcp serve (default) over TUN" ;;
    lwip) label="lwIP 2.1 raw API over TUN (reference)" ;;
    nginx) label="nginx on the kernel over veth (reference)" ;;
  esac
  a=$(median <<<"${rate_new[$key]}")
  b=$(median <<<"${rate_ka[$key]}")
  echo "| $label | $a | $b | $(ratio "$a" "$nn") | $(ratio "$b" "$nk") |${rate_new[$key]};${rate_ka[$key]} |"
done
echo
echo "Target (issue #13 goal 3): jtcp >= nginx on the kernel, with and without keep-alive."
