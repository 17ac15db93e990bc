package io.jtcp.tun.replay;

import io.jtcp.stack.DeviceCapabilities;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.PacketSink;
import io.jtcp.stack.StackConfig;
import io.jtcp.stack.wire.TcpSegmenter;
import io.jtcp.tun.Engine;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.tun.trace.StackConfigSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Replays jtcp's own capture: a fresh engine built from the journal's configuration (ISN secret
 * included) and services, driven through the journal's calls at the journal's {@code nowNs}, each
 * {@code onPacket} with the capture's next inbound packet. Its output, cut at the MSS as the device
 * boundary cut the recorded one, is what the recorded run sent if the engine is deterministic.
 *
 * <p>Every inbound packet of the capture is fed, not only one connection's: the engine is one
 * stack, and its connections share the memory budget, the SYN queues, the global challenge-ACK
 * budget and the status page; a connection replayed alone would lose those couplings.
 */
public final class OwnReplay {
    /**
     * One packet the replayed engine sent, at the time of the call that sent it.
     *
     * @param afterNs the capture time of the last inbound packet fed before it (0: none), so a
     *     picture can draw the answer after what caused it: the engine's time is the cycle's start
     */
    public record Sent(int index, long nowNs, long afterNs, byte[] ip) {}

    /**
     * What the replay did.
     *
     * @param localAddr jtcp's address: packets from it are outbound
     * @param recordedOut the capture's outbound packets, in order
     * @param sent the replayed engine's, in order
     * @param inboundFed inbound packets handed to the engine
     * @param calls engine calls made
     * @param clockOffsetNs capture time minus journal time (the smallest over the fed packets)
     */
    public record Result(
            int localAddr,
            List<CapturedPacket> recordedOut,
            List<Sent> sent,
            int inboundFed,
            long calls,
            long clockOffsetNs,
            List<String> warnings) {}

    private OwnReplay() {}

    /**
     * Runs the replay.
     *
     * @throws ReplayException when the journal's configuration cannot be restored, or the engine
     *     built from it fails (a damaged journal: the engine itself never throws for wire input)
     */
    public static Result run(Journal journal, List<CapturedPacket> capture, List<String> warnings) {
        try {
            return replay(journal, capture, warnings);
        } catch (ReplayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ReplayException("the replayed engine failed (is the journal damaged?): " + e);
        }
    }

    private static Result replay(Journal journal, List<CapturedPacket> capture, List<String> warnings) {
        if (journal.truncation() != null) {
            warnings.add(journal.truncation());
        }
        StackConfig config = new StackConfig();
        List<String> missed;
        try {
            missed = StackConfigSnapshot.apply(journal.header(), config);
        } catch (RuntimeException e) {
            throw new ReplayException("the journal's configuration cannot be restored: " + e.getMessage());
        }
        if (!missed.isEmpty()) {
            warnings.add("settings this jtcp does not know, not restored: " + String.join(", ", missed));
        }
        String unsupported = journal.header().get("unsupported");
        if (unsupported != null) {
            warnings.add("settings the journal could not record: " + unsupported);
        }
        final int local = config.localAddr();
        List<CapturedPacket> inbound = new ArrayList<>();
        List<CapturedPacket> outbound = new ArrayList<>();
        for (CapturedPacket p : capture) {
            (p.source() == local ? outbound : inbound).add(p);
        }
        List<Sent> sent = new ArrayList<>();
        long[] now = {0, 0};
        PacketSink collect = (buf, off, len) -> {
            byte[] b = new byte[len];
            buf.getBytes(off, b);
            sent.add(new Sent(sent.size(), now[0], now[1], b));
        };
        TcpSegmenter cut = new TcpSegmenter();
        PacketSink sink = new PacketSink() {
            @Override
            public void transmit(DirectBuffer buffer, int offset, int length) {
                collect.transmit(buffer, offset, length);
            }

            // The recorded run's device boundary cut super-segments at the MSS before the pcap
            // (StackLoop#segmentInSoftware): the same code cuts here.
            @Override
            public void transmitOffload(
                    DirectBuffer buffer, int offset, int length, int segmentBytes, boolean checksumPartial) {
                cut.segment(buffer, offset, length, segmentBytes, collect);
            }
        };
        // What the recorded device offered (TSO size, checksum offload) shapes what the engine sends.
        DeviceCapabilities device = new DeviceCapabilities(
                Integer.parseInt(journal.header().getOrDefault("device.tso", "0")),
                Boolean.parseBoolean(journal.header().getOrDefault("device.txChecksumOffload", "false")));
        NetworkStack stack = new NetworkStack(config, device, sink);
        ServiceTimers timers = new ServiceTimers();
        Engine engine = Engine.of(stack, timers);
        int next = 0;
        int lengthMismatches = 0;
        long calls = 0;
        long offset = Long.MAX_VALUE;
        boolean ranOut = false;
        for (Journal.Entry e : journal.entries()) {
            now[0] = e.nowNs();
            switch (e.type()) {
                case EngineJournal.NOTE -> {
                    if (!BuiltinServices.listen(stack, timers, e.note())) {
                        warnings.add("application action not replayed: " + e.note());
                    }
                }
                case EngineJournal.PACKET, EngineJournal.PACKET_TRUSTED -> {
                    if (next >= inbound.size()) {
                        if (!ranOut) {
                            warnings.add("the capture has fewer inbound packets than the journal (" + inbound.size()
                                    + "); the rest of the engine calls run without them");
                            ranOut = true;
                        }
                        continue;
                    }
                    CapturedPacket p = inbound.get(next++);
                    if (p.ip().length != e.length() && lengthMismatches++ == 0) {
                        warnings.add("inbound packet " + next + " (frame " + p.frame() + ") has " + p.ip().length
                                + " bytes; the journal says the engine got " + e.length());
                    }
                    offset = Math.min(offset, p.timeNs() - e.nowNs());
                    now[1] = p.timeNs();
                    // A copy: the engine may work on the bytes in place.
                    UnsafeBuffer b = new UnsafeBuffer(p.ip().clone());
                    engine.onPacket(e.nowNs(), b, 0, b.capacity(), e.type() == EngineJournal.PACKET_TRUSTED);
                    calls++;
                }
                case EngineJournal.TIMEOUT -> {
                    engine.onTimeout(e.nowNs());
                    calls++;
                }
                case EngineJournal.FLUSH -> {
                    engine.flush(e.nowNs());
                    calls++;
                }
                case EngineJournal.CLOSE_ALL -> {
                    engine.closeGracefully(e.nowNs());
                    calls++;
                }
                case EngineJournal.SHUTDOWN -> {
                    engine.shutdown(e.nowNs());
                    calls++;
                }
                case EngineJournal.OUT_OF_MEMORY -> warnings.add(
                        "the recorded run ran out of heap; what the engine gave back then is not replayed");
                default -> throw new ReplayException("unexpected journal record " + e.type());
            }
        }
        if (journal.entries().stream().noneMatch(e -> e.type() == EngineJournal.NOTE)) {
            warnings.add("the journal names no application: only jtcp serve's built-in services are replayed, so"
                    + " what another command's application did (connect, get, a program of your own) is missing");
        }
        if (lengthMismatches > 1) {
            warnings.add(lengthMismatches + " inbound packets in all differ in length from the journal");
        }
        if (next < inbound.size()) {
            warnings.add("the capture has " + (inbound.size() - next) + " inbound packets the journal never fed");
        }
        return new Result(
                local, outbound, sent, next, calls, offset == Long.MAX_VALUE ? 0 : offset, List.copyOf(warnings));
    }
}
