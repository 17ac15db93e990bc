package io.jtcp.tun.replay;

import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Replays another stack's capture: jtcp takes the place of one connection's server (the side that
 * received the first SYN), is fed the client's segments at their capture times (virtual time: the
 * engine's clock is the capture's), and its application writes what the recorded server sent, when
 * it sent it, and closes when it sent its FIN. jtcp's answers are set against the recorded server's.
 *
 * <p>Taken from the capture: the server's address and port, its MSS (jtcp's MTU is MSS + 40),
 * whether it agreed to SACK and timestamps (RFC 2018, RFC 7323), and its ISN: jtcp keeps its own
 * (RFC 9293 §3.4.1) and the numbers are mapped, the client's acknowledgments, SACK blocks and
 * timestamp echoes into jtcp's space on the way in (checksums recomputed), jtcp's sequence numbers
 * and timestamp values into the recorded server's on the way out, so the two columns compare
 * directly. Not reproduced: the window scale the server chose (jtcp's follows its buffers), and
 * the client's reactions to jtcp's different answers (the client's segments are the recorded ones,
 * open loop, as in packetdrill).
 */
public final class ForeignReplay {
    /** After the client's last segment, the replay runs on this long for jtcp's timers to finish. */
    static final long TAIL_NS = 3_000_000_000L;

    private static final int MAX_STEPS = 2_000_000;

    /**
     * @param serverSide the recorded server's segments, in order (raw IPv4)
     * @param jtcp jtcp's answers mapped into the recorded server's numbers, each at its virtual time
     */
    public record Result(
            int serverAddr, List<CapturedPacket> serverSide, List<OwnReplay.Sent> jtcp, List<String> warnings) {}

    private ForeignReplay() {}

    public static Result run(Connection conn, List<CapturedPacket> capture, List<String> warnings) {
        TcpSegment syn = null;
        TcpSegment synAck = null;
        for (TcpSegment s : conn.segments()) {
            if (syn == null && s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK)) {
                syn = s;
            } else if (syn != null && synAck == null && s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK)) {
                synAck = s;
            }
        }
        if (syn == null || synAck == null) {
            throw new ReplayException("connection " + conn.summary()
                    + " has no complete handshake in the capture (SYN and SYN-ACK): nothing to take the server's place"
                    + " from");
        }
        final int server = syn.dstAddr();
        final int serverPort = syn.dstPort();
        if ((server >>> 24) == 127 || (server >>> 24) == 0 || (syn.srcAddr() >>> 24) == 127) {
            // RFC 1122 §3.2.1.3: jtcp drops loopback and "this network" sources as martians.
            throw new ReplayException("connection " + conn.summary() + " uses a loopback address, which jtcp"
                    + " refuses as a martian: capture over a veth pair or a TUN device instead");
        }
        Set<Integer> frames = new HashSet<>();
        conn.segments().forEach(s -> frames.add(s.frame()));
        List<CapturedPacket> fromClient = new ArrayList<>();
        List<CapturedPacket> fromServer = new ArrayList<>();
        for (CapturedPacket p : capture) {
            if (frames.contains(p.frame())) {
                (p.source() == server && p.sourcePort() == serverPort ? fromServer : fromClient).add(p);
            }
        }
        StackConfig config = new StackConfig().localAddr(server);
        if (synAck.options() != null) {
            if (synAck.options().mss() > 0) {
                config.mtuBytes(Math.max(576, Math.min(65_535, synAck.options().mss() + 40)));
            }
            config.sack(synAck.options().sackPermitted());
            config.timestamps(synAck.options().timestamps());
        }
        byte[] secret = new byte[16];
        config.isnSecret(secret); // jtcp's ISN is mapped to the recorded one: its value does not matter
        NumberMap map = new NumberMap(synAck, fromServer);
        List<OwnReplay.Sent> sent = new ArrayList<>();
        long[] now = {0};
        NetworkStack stack = new NetworkStack(config, (buf, off, len) -> {
            byte[] b = new byte[len];
            buf.getBytes(off, b);
            map.learnFromJtcp(b);
            sent.add(new OwnReplay.Sent(sent.size(), now[0], now[0], map.outbound(b)));
        });
        ScriptedServer app = new ScriptedServer(fromServer, serverPort);
        stack.listen(serverPort, c -> app.accept(c));
        int next = 0;
        long end =
                fromClient.isEmpty() ? 0 : fromClient.get(fromClient.size() - 1).timeNs() + TAIL_NS;
        now[0] = fromClient.isEmpty() ? 0 : fromClient.get(0).timeNs();
        for (int step = 0; step < MAX_STEPS; step++) {
            long t = Long.MAX_VALUE;
            if (next < fromClient.size()) {
                t = fromClient.get(next).timeNs();
            }
            t = Math.min(t, app.nextActionNs());
            long deadline = stack.nextDeadlineNs();
            if (deadline != Long.MAX_VALUE) {
                t = Math.min(t, Math.max(deadline, now[0]));
            }
            if (t == Long.MAX_VALUE || t > end) {
                break;
            }
            now[0] = Math.max(now[0], t);
            while (next < fromClient.size() && fromClient.get(next).timeNs() <= now[0]) {
                byte[] in = map.inbound(fromClient.get(next++).ip());
                stack.onPacket(now[0], new UnsafeBuffer(in), 0, in.length);
            }
            app.act(now[0]);
            stack.onTimeout(now[0]);
            stack.flush(now[0]);
        }
        if (!map.mapped()) {
            warnings.add("jtcp sent no SYN-ACK: its numbers could not be mapped to the recorded server's");
        }
        return new Result(server, fromServer, sent, warnings);
    }

    /** The recorded server's application: what it sent, written at the time it was first sent; FIN as close. */
    private static final class ScriptedServer implements TcpHandler {
        private final List<long[]> writes = new ArrayList<>(); // {timeNs, offset, length} into data
        private final byte[] data;
        private final long closeNs;
        private final byte[] readBuf = new byte[65_536];
        private TcpConnection connection;
        private int action;
        private int due; // bytes the recording had sent by now
        private int written;
        private boolean closed;

        ScriptedServer(List<CapturedPacket> fromServer, int port) {
            long isn = -1;
            long close = Long.MAX_VALUE;
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            long highest = 0;
            for (CapturedPacket p : fromServer) {
                TcpSegment s = p.tcp();
                if (s == null) {
                    continue;
                }
                if (s.has(TcpSegment.SYN)) {
                    isn = s.seq();
                    continue;
                }
                if (isn < 0) {
                    continue;
                }
                long rel = (s.seq() - isn - 1) & 0xFFFF_FFFFL;
                long endRel = rel + s.length();
                if (s.length() > 0 && endRel > highest && rel <= highest) {
                    int skip = (int) (highest - rel);
                    byte[] payload = payload(p.ip());
                    for (int i = skip; i < s.length(); i++) {
                        stream.write(i < payload.length ? payload[i] : 0);
                    }
                    writes.add(new long[] {s.timeNs(), highest, endRel - highest});
                    highest = endRel;
                }
                if (s.has(TcpSegment.FIN) && close == Long.MAX_VALUE) {
                    close = s.timeNs();
                }
            }
            this.data = stream.toByteArray();
            this.closeNs = close;
        }

        TcpHandler accept(TcpConnection c) {
            this.connection = c;
            return this;
        }

        long nextActionNs() {
            if (connection == null || closed) {
                return Long.MAX_VALUE;
            }
            if (action < writes.size()) {
                return writes.get(action)[0];
            }
            return written >= due ? closeNs : Long.MAX_VALUE;
        }

        void act(long nowNs) {
            if (connection == null || closed) {
                return;
            }
            while (action < writes.size() && writes.get(action)[0] <= nowNs) {
                long[] w = writes.get(action++);
                due = (int) (w[1] + w[2]);
            }
            pump();
            if (written >= due && action >= writes.size() && closeNs <= nowNs) {
                closed = true;
                connection.close();
            }
        }

        private void pump() {
            while (written < due) {
                int n = connection.write(data, written, due - written);
                if (n <= 0) {
                    return;
                }
                written += n;
            }
        }

        @Override
        public void onReadable(TcpConnection c) {
            while (c.read(readBuf, 0, readBuf.length) > 0) {
                // The client's data is not checked: the recording already holds what it was.
            }
        }

        @Override
        public void onWritable(TcpConnection c) {
            if (!closed) {
                pump();
            }
        }

        @Override
        public void onPeerClosed(TcpConnection c) {
            onReadable(c);
        }

        private static byte[] payload(byte[] ip) {
            int ihl = (ip[0] & 0xF) * 4;
            int doff = ((ip[ihl + 12] & 0xF0) >>> 4) * 4;
            int from = Math.min(ip.length, ihl + doff);
            return java.util.Arrays.copyOfRange(ip, from, ip.length);
        }
    }
}
