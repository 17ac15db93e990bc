package io.jtcp.lab.sim;

import io.jtcp.lab.BulkPattern;
import io.jtcp.lab.CcColumns;
import io.jtcp.lab.Cell;
import io.jtcp.lab.CellResult;
import io.jtcp.lab.FlowResult;
import io.jtcp.lab.Series;
import io.jtcp.lab.Stats;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.wire.Ipv4Header;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs one {@link Cell} on the simulated back-end: a sender and a receiver {@link NetworkStack}
 * joined by a path whose data direction (sender → receiver) is a {@link LinkDirection} with the
 * cell's random loss, bottleneck rate, drop-tail queue and half the RTT of delay, and whose ACK
 * direction is uncongested and lossless with the same delay. {@code flows} bulk transfers start
 * together at t = 0; each sends for {@code seconds} of virtual time. Virtual time jumps to the
 * next event (a packet's arrival, an engine's deadline, a sample), so a 60 s run costs what its
 * packets cost to process, not 60 s.
 */
public final class SimExperiment {
    static final int SENDER_ADDR = Ipv4Header.parseAddress("10.7.0.2");
    static final int RECEIVER_ADDR = Ipv4Header.parseAddress("10.7.0.1");
    static final int PORT = 5001;
    static final long T0 = 1_000_000_000L; // engines start at 1 s: t = 0 is no special value to them
    private static final int MTU = 1500;
    private static final int PATTERN_BYTES = BulkPattern.BYTES;
    /** Steps in a row without virtual time advancing before the run is declared stuck. */
    private static final int MAX_STEPS_AT_ONE_INSTANT = 1_000_000;

    private final Cell cell;
    private final CongestionControl.Factory cc;
    private final long sampleIntervalNs;
    private final boolean verifyContent;

    private final byte[] pattern;
    private final UnsafeBuffer patternBuffer;
    private final int[] flowOfPort = new int[65_536];
    private final List<FlowState> flows = new ArrayList<>();
    private LinkDirection data;
    private LinkDirection acks;
    private NetworkStack sender;
    private NetworkStack receiver;
    private long now = T0;

    /**
     * @param cc the sender's congestion control; null for the engine's default
     * @param sampleIntervalNs how often the time series samples each flow
     * @param verifyContent whether the receiver hashes what it reads (SHA-256) and checks it
     *     against what the sender wrote; costs a hash of every byte twice, so tests do it
     */
    public SimExperiment(Cell cell, CongestionControl.Factory cc, long sampleIntervalNs, boolean verifyContent) {
        if (sampleIntervalNs <= 0) {
            throw new IllegalArgumentException("sample interval must be positive");
        }
        this.cell = cell;
        this.cc = cc;
        this.sampleIntervalNs = sampleIntervalNs;
        this.verifyContent = verifyContent;
        this.pattern = BulkPattern.of(cell.seed());
        this.patternBuffer = new UnsafeBuffer(pattern);
        Arrays.fill(flowOfPort, -1);
    }

    /** Runs the cell to its end and returns what it measured. */
    public CellResult run() {
        final long started = System.nanoTime();
        setUp();
        final long end = T0 + cell.seconds() * 1_000_000_000L;
        final long half = T0 + cell.seconds() * 500_000_000L;
        boolean halfTaken = false;
        long nextSample = T0;
        for (FlowState f : flows) {
            f.sender = sender.connect(now, RECEIVER_ADDR, PORT, f);
            flowOfPort[f.sender.localPort()] = f.index;
        }
        int stepsHere = 0;
        while (true) {
            long t = Math.min(sender.nextDeadlineNs(), receiver.nextDeadlineNs());
            t = Math.min(t, Math.min(data.nextArrivalNs(), acks.nextArrivalNs()));
            t = Math.min(t, Math.min(nextSample, halfTaken ? end : half));
            if (t > now) {
                now = Math.min(t, end);
                stepsHere = 0;
            } else if (++stepsHere > MAX_STEPS_AT_ONE_INSTANT) {
                throw new IllegalStateException("the simulation made no progress at t=" + (now - T0) / 1e9 + " s");
            }
            if (!halfTaken && now >= half) {
                halfTaken = true;
                for (FlowState f : flows) {
                    f.readAtHalf = f.read;
                }
            }
            if (now >= end) {
                break;
            }
            data.poll(now, receiverIn);
            acks.poll(now, senderIn);
            sender.onTimeout(now);
            receiver.onTimeout(now);
            sender.flush(now);
            receiver.flush(now);
            if (now >= nextSample) {
                sample();
                nextSample += sampleIntervalNs;
            }
        }
        sample();
        return result((System.nanoTime() - started) / 1e9);
    }

    private final io.jtcp.stack.PacketSink receiverIn =
            (buf, off, len) -> receiver.onPacket(now, (org.agrona.MutableDirectBuffer) buf, off, len);
    private final io.jtcp.stack.PacketSink senderIn =
            (buf, off, len) -> sender.onPacket(now, (org.agrona.MutableDirectBuffer) buf, off, len);

    private void setUp() {
        final long delay = cell.rttNs() / 2;
        data = new LinkDirection(cell.rateBitsPerSec(), cell.queueBytes(), delay, cell.loss(), cell.seed(), MTU);
        acks = new LinkDirection(0, 0, cell.rttNs() - delay, 0, cell.seed() + 1, MTU);
        // Buffers large enough that neither the send buffer nor the receive window limits a flow
        // that fills the bottleneck and its queue: twice (BDP + queue), a power of two.
        final double need = 2 * (cell.rateBitsPerSec() / 8.0 * cell.rttNs() / 1e9 + cell.queueBytes());
        final int buffer = (int) Math.min(1 << 26, Math.max(1 << 20, Long.highestOneBit((long) need) << 1));
        StackConfig sc = new StackConfig()
                .localAddr(SENDER_ADDR)
                .mtuBytes(MTU)
                .isnSecret(secret(cell.seed(), 0xA))
                .sendBufferBytes(buffer)
                .receiveBufferBytes(buffer)
                .congestionControl(cc);
        StackConfig rc = new StackConfig()
                .localAddr(RECEIVER_ADDR)
                .mtuBytes(MTU)
                .isnSecret(secret(cell.seed(), 0xB))
                .sendBufferBytes(1 << 20)
                .receiveBufferBytes(buffer)
                .initialReceiveBufferBytes(buffer);
        sender = new NetworkStack(sc, this::fromSender);
        receiver = new NetworkStack(rc, (buf, off, len) -> acks.offer(now, buf, off, len));
        receiver.listen(PORT, conn -> {
            int port = conn.remotePort();
            FlowState f = flowOfPort[port] >= 0 ? flows.get(flowOfPort[port]) : null;
            if (f == null) {
                throw new IllegalStateException("a connection from an unknown port " + port);
            }
            f.receiver = conn;
            return f.receiverHandler;
        });
        for (int i = 0; i < cell.flows(); i++) {
            flows.add(new FlowState(i));
        }
    }

    private static byte[] secret(long seed, int fill) {
        byte[] s = new byte[16];
        new SplittableRandom(seed * 31 + fill).nextBytes(s);
        return s;
    }

    /** Every packet the sender emits: through the data direction, and an RTT sample if it carries data. */
    private void fromSender(DirectBuffer buf, int off, int len) {
        if (!data.offer(now, buf, off, len)) {
            return;
        }
        final int ihl = (buf.getByte(off) & 0x0f) * 4;
        if (len < ihl + 20 || buf.getByte(off + 9) != 6) {
            return;
        }
        final int srcPort = ((buf.getByte(off + ihl) & 0xff) << 8) | (buf.getByte(off + ihl + 1) & 0xff);
        final int doff = ((buf.getByte(off + ihl + 12) & 0xf0) >> 4) * 4;
        final int flow = flowOfPort[srcPort];
        if (len - ihl - doff > 0 && flow >= 0) {
            flows.get(flow).rtt(data.lastSojournNs() + cell.rttNs());
        }
    }

    private void sample() {
        final double t = (now - T0) / 1e9;
        for (FlowState f : flows) {
            TcpConnection c = f.sender;
            if (c == null) {
                continue;
            }
            f.series.add(
                    t,
                    CcColumns.of(c),
                    c.congestionWindowBytes(),
                    c.bytesInFlight(),
                    c.srttNs() / 1e6,
                    c.rtoNs() / 1e6,
                    c.retransmits(),
                    f.read,
                    c.bytesSent());
        }
    }

    private CellResult result(double realSeconds) {
        final double seconds = cell.seconds();
        List<FlowResult> results = new ArrayList<>();
        List<Series> series = new ArrayList<>();
        double[] lastHalf = new double[flows.size()];
        long totalRead = 0;
        long totalHalf = 0;
        long totalRetransmits = 0;
        int totalSamples = 0;
        double rttSum = 0;
        boolean allVerified = true;
        for (FlowState f : flows) {
            long retransmits = f.sender == null ? 0 : f.sender.retransmits();
            boolean verified = f.verify();
            allVerified &= verified;
            lastHalf[f.index] = (f.read - f.readAtHalf) * 8 / (seconds / 2) / 1e6;
            results.add(new FlowResult(
                    f.index,
                    f.read * 8 / seconds / 1e6,
                    lastHalf[f.index],
                    retransmits,
                    f.rttCount == 0 ? Double.NaN : f.rttSumNs / f.rttCount / 1e6,
                    Stats.quantile(f.rtts, f.rttCount, 0.99) / 1e6,
                    f.read,
                    verified));
            series.add(f.series);
            totalRead += f.read;
            totalHalf += f.read - f.readAtHalf;
            totalRetransmits += retransmits;
            totalSamples += f.rttCount;
            rttSum += f.rttSumNs;
        }
        long[] all = new long[totalSamples];
        int at = 0;
        for (FlowState f : flows) {
            System.arraycopy(f.rtts, 0, all, at, f.rttCount);
            at += f.rttCount;
        }
        FlowResult total = new FlowResult(
                -1,
                totalRead * 8 / seconds / 1e6,
                totalHalf * 8 / (seconds / 2) / 1e6,
                totalRetransmits,
                totalSamples == 0 ? Double.NaN : rttSum / totalSamples / 1e6,
                Stats.quantile(all, totalSamples, 0.99) / 1e6,
                totalRead,
                allVerified);
        return new CellResult(
                cell,
                results,
                total,
                Stats.jain(lastHalf),
                data.randomLosses(),
                data.queueDrops(),
                series,
                realSeconds);
    }

    /** One bulk transfer: the sender's handler keeps the send buffer full; the receiver's reads all. */
    private final class FlowState implements TcpHandler {
        final int index;
        final Series series = new Series();
        TcpConnection sender;
        TcpConnection receiver;
        long written;
        long read;
        long readAtHalf;
        long[] rtts = new long[1024];
        int rttCount;
        double rttSumNs;
        final MessageDigest received = verifyContent ? BulkPattern.newSha256() : null;
        final byte[] scratch = verifyContent ? new byte[PATTERN_BYTES] : null;

        final TcpHandler receiverHandler = new TcpHandler() {
            @Override
            public void onReadable(TcpConnection c) {
                drain(c);
            }
        };

        FlowState(int index) {
            this.index = index;
        }

        @Override
        public void onConnected(TcpConnection c) {
            fill(c);
        }

        @Override
        public void onWritable(TcpConnection c) {
            fill(c);
        }

        /** Writes the repeating pattern, continuing where the stream is, until the buffer is full. */
        private void fill(TcpConnection c) {
            for (int guard = 0; guard < 1_000_000; guard++) {
                int at = (int) (written % PATTERN_BYTES);
                int n = c.write(patternBuffer, at, PATTERN_BYTES - at);
                if (n <= 0) {
                    return;
                }
                written += n;
            }
        }

        private void drain(TcpConnection c) {
            for (int guard = 0; guard < 1_000_000; guard++) {
                int n = received == null ? c.skip(Integer.MAX_VALUE) : c.read(this::hash);
                if (n <= 0) {
                    return;
                }
                read += n;
            }
        }

        private int hash(DirectBuffer buffer, int offset, int length) {
            int n = Math.min(length, scratch.length);
            buffer.getBytes(offset, scratch, 0, n);
            received.update(scratch, 0, n);
            return n;
        }

        void rtt(long ns) {
            if (rttCount == rtts.length) {
                rtts = Arrays.copyOf(rtts, rttCount * 2);
            }
            rtts[rttCount++] = ns;
            rttSumNs += ns;
        }

        /** Whether the bytes read are the bytes written (SHA-256 of both); true when not checked. */
        boolean verify() {
            if (received == null) {
                return true;
            }
            return MessageDigest.isEqual(received.digest(), BulkPattern.sha256(pattern, read));
        }
    }
}
