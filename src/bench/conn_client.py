#!/usr/bin/env python3
"""Many kernel TCP connections against jtcp, for the memory tests and benchmarks.

Run inside the namespace jtcp serves (ip netns exec NS python3 conn_client.py ...).

  idle: open --count connections to --dst:--port (echo), spread over --sources, at most
        --concurrency connects in progress; then check that --probe random connections still
        echo and that the status page (--status-port) answers; print one JSON line.
  bulk: --count connections each send --bytes of pseudo-random data to the echo port and read
        it back, all at once; every connection's echo is checked byte for byte; one JSON line.

Every phase is bounded by --timeout seconds.
"""
import argparse
import errno
import json
import random
import resource
import selectors
import socket
import sys
import time


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, n + 100)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))
    except (ValueError, OSError):
        # No CAP_SYS_RESOURCE: as far as the hard limit goes (run several clients for more).
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def open_many(args, sel_timeout_end):
    """Opens connections; returns (established sockets, failures)."""
    sources = args.sources.split(",") if args.sources else [None]
    sel = selectors.DefaultSelector()
    established = []
    failures = 0
    started = 0
    pending = 0
    while (started < args.count or pending) and time.monotonic() < sel_timeout_end:
        while started < args.count and pending < args.concurrency:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            if args.cc:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, args.cc.encode())
            src = sources[started % len(sources)]
            if src:
                # Port chosen at connect() from the whole 4-tuple, not at bind().
                s.setsockopt(socket.SOL_IP, 24, 1)  # IP_BIND_ADDRESS_NO_PORT
                s.bind((src, 0))
            err = s.connect_ex((args.dst, args.port))
            started += 1
            if err in (0, errno.EINPROGRESS):
                sel.register(s, selectors.EVENT_WRITE)
                pending += 1
            else:
                failures += 1
                s.close()
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            sel.unregister(s)
            pending -= 1
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                established.append(s)
            else:
                failures += 1
                s.close()
    for key in list(sel.get_map().values()):
        failures += 1
        key.fileobj.close()
    sel.close()
    return established, failures


def echo_check(sockets, probes, timeout):
    ok = 0
    for s in random.Random(7).sample(sockets, min(probes, len(sockets))):
        s.setblocking(True)
        s.settimeout(timeout)
        msg = b"jtcp-echo-%d\n" % s.fileno()
        try:
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(len(msg) - len(got))
                if not chunk:
                    break
                got += chunk
            ok += got == msg
        except OSError:
            pass
        s.setblocking(False)
    return ok


def status_check(args):
    if not args.status_port:
        return None
    t0 = time.monotonic()
    try:
        with socket.create_connection((args.dst, args.status_port), timeout=args.timeout) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: jtcp\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return {"ok": data.startswith(b"HTTP/1.") and b" 200 " in data[:20],
                "bytes": len(data), "seconds": round(time.monotonic() - t0, 3)}
    except OSError as e:
        return {"ok": False, "error": str(e)}


def idle(args):
    t0 = time.monotonic()
    socks, failures = open_many(args, t0 + args.timeout)
    opened = time.monotonic() - t0
    result = {"mode": "idle", "requested": args.count, "established": len(socks), "failures": failures,
              "open_seconds": round(opened, 1)}
    result["echo_ok"] = echo_check(socks, args.probe, 10)
    result["echo_probes"] = min(args.probe, len(socks))
    result["status"] = status_check(args)
    # Still established after the checks: nobody was reset meanwhile.
    alive = 0
    for s in socks:
        try:
            s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    result["alive"] = alive
    print(json.dumps(result), flush=True)
    # Connections stay open --hold seconds more, for measurements of the server meanwhile.
    if args.hold > 0:
        time.sleep(args.hold)
    for s in socks:
        s.close()
    return 0 if len(socks) == args.count and result["echo_ok"] == result["echo_probes"] else 1


def bulk(args):
    """Every connection echoes --bytes: its own rotation of one shared random block (memory stays
    flat however many connections), checked byte for byte as it comes back."""
    n = args.bytes
    block = random.Random(1).randbytes(n)
    doubled = memoryview(block + block)
    t0 = time.monotonic()
    socks, failures = open_many(args, t0 + args.timeout)
    sel = selectors.DefaultSelector()
    state = {}
    for i, s in enumerate(socks):
        state[s] = [(i * 7919) % n, 0, 0, True]  # rotation, sent, received, intact so far
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    done = 0
    bad = 0
    end = t0 + args.timeout
    t1 = time.monotonic()
    buf = bytearray(262144)
    echoed = 0
    last = t1
    while done < len(socks) and time.monotonic() < end:
        if time.monotonic() - last >= 10:
            last = time.monotonic()
            print("bulk: %d of %d finished, %.0f MiB echoed, %.0f s" % (done, len(socks), echoed / 2**20, last - t1),
                  file=sys.stderr, flush=True)
        for key, ev in sel.select(timeout=0.5):
            s = key.fileobj
            st = state[s]
            rot = st[0]
            if ev & selectors.EVENT_WRITE and st[1] < n:
                try:
                    st[1] += s.send(doubled[rot + st[1]:rot + min(st[1] + 65536, n)])
                except BlockingIOError:
                    pass
                if st[1] == n:
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    got = s.recv_into(buf)
                except BlockingIOError:
                    continue
                if got:
                    echoed += got
                    off = st[2]
                    if off + got > n or doubled[rot + off:rot + off + got] != memoryview(buf)[:got]:
                        st[3] = False
                    st[2] += got
                if not got or st[2] >= n:
                    if st[2] != n or not st[3]:
                        bad += 1
                    done += 1
                    sel.unregister(s)
                    s.close()
    seconds = time.monotonic() - t1
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    correct = done - bad
    result = {"mode": "bulk", "requested": args.count, "established": len(socks), "failures": failures,
              "bytes_each": n, "finished": done, "correct": correct,
              "transfer_seconds": round(seconds, 1),
              "mbit_per_s_each_way": round(correct * n * 8 / max(seconds, 1e-9) / 1e6, 1)}
    print(json.dumps(result), flush=True)
    return 0 if correct == args.count else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["idle", "bulk"])
    p.add_argument("--dst", default="10.7.0.2")
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--sources", default="")
    p.add_argument("--concurrency", type=int, default=256)
    p.add_argument("--probe", type=int, default=20)
    p.add_argument("--status-port", type=int, default=0)
    p.add_argument("--hold", type=float, default=0)
    p.add_argument("--bytes", type=int, default=1 << 20)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--cc", default="", help="congestion control for the client sockets, e.g. reno")
    args = p.parse_args()
    raise_nofile(args.count)
    sys.exit(idle(args) if args.mode == "idle" else bulk(args))


if __name__ == "__main__":
    main()
