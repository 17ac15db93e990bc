# Sourced by src/bench scripts: one namespace for the run, removed with every process in it on
# exit (also on Ctrl-C), the serve that runs in it stopped, and the clients they share.
# The other bench scripts predate it and carry their own copies.

# bench_ns_up NS LOG: creates NS (loopback up); on exit stops $serve, kills what runs in NS,
# deletes NS and LOG.
bench_ns_up() {
  bench_ns="$1"
  bench_log="$2"
  serve=""
  trap bench_ns_down EXIT
  trap 'echo "$0: stopped by a signal" >&2; exit 130' INT TERM
  ip netns add "$bench_ns"
  ip -n "$bench_ns" link set lo up
}

bench_ns_down() {
  set +e
  bench_stop_serve
  for pid in $(ip netns pids "$bench_ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  ip netns del "$bench_ns" 2>/dev/null
  rm -f "$bench_log"
  true
}

# bench_start_serve ARGS...: ./jtcp serve --netns NS ARGS, waits for its ready line (30 s).
bench_start_serve() {
  ./jtcp serve --netns "$bench_ns" "$@" >"$bench_log" 2>&1 &
  serve=$!
  for _ in $(seq 300); do grep -q ready "$bench_log" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$bench_log" || { cat "$bench_log" >&2; exit 1; }
}

# bench_stop_serve: SIGTERM (a graceful stop prints serve's report into the log), SIGKILL after 10 s.
bench_stop_serve() {
  [[ -n "${serve:-}" ]] || return 0
  kill "$serve" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$serve" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  serve=""
}

# bench_uploads N BYTES: N connections at once from one python3 in the namespace into jtcp's
# discard service (port 9), each sending BYTES; prints the seconds from the first connect to the
# last close (jtcp's discard closes once it has read everything), timed inside the process so
# that interpreter start-up is not counted; fails unless every connection sent everything.
bench_uploads() {
  ip netns exec "$bench_ns" python3 -c "
import socket, threading, time
def send(n, ok):
    s = socket.create_connection(('10.7.0.2', 9), timeout=300)
    chunk = memoryview(bytes(1 << 20))
    while n > 0:
        k = min(n, len(chunk))
        s.sendall(chunk[:k])
        n -= k
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    ok.append(1)
ok = []
threads = [threading.Thread(target=send, args=($2, ok)) for _ in range($1)]
t = time.perf_counter()
for th in threads: th.start()
for th in threads: th.join()
assert len(ok) == $1, 'an upload failed'
print(time.perf_counter() - t)
"
}

# bench_download BYTES: one curl of jtcp's /bytes/BYTES; fails unless the whole body came.
bench_download() {
  local got
  got=$(ip netns exec "$bench_ns" curl -sS --fail --max-time 300 -o /dev/null -w '%{size_download}' \
    "http://10.7.0.2/bytes/$1")
  [[ "$got" == "$1" ]]
}
