package io.jtcp.tun;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.stack.tcp.TcpListener;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.tun.TunTestSupport.TestNetns;
import io.jtcp.tun.service.BytesPattern;
import io.jtcp.tun.service.ChargenService;
import io.jtcp.tun.service.DiscardService;
import io.jtcp.tun.service.EchoService;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.StatusPage;
import io.jtcp.tun.trace.PcapWriter;
import io.jtcp.tun.trace.StampedTracer;
import io.jtcp.tun.trace.Tracers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * jtcp running in-process inside a fresh namespace, with the built-in services on their usual
 * ports and a hashing sink on {@value #HASH_PORT} that reports the SHA-256 of each upload.
 */
final class JtcpFixture implements AutoCloseable {
    static final int HASH_PORT = 9999;
    static final String JTCP = "10.7.0.2";

    final TestNetns ns;
    final JtcpHost host;
    final PcapWriter pcap;
    /** "sha256 length" of each upload to the hashing sink, when its sender closed. */
    final LinkedBlockingQueue<String> uploads = new LinkedBlockingQueue<>();

    private JtcpFixture(TestNetns ns, JtcpHost host, PcapWriter pcap) {
        this.ns = ns;
        this.host = host;
        this.pcap = pcap;
    }

    static JtcpFixture start(String purpose, Path pcapFile) {
        return start(purpose, pcapFile, null);
    }

    /** Plain packets, no offloads: most kernel tests are about per-packet behaviour. */
    static JtcpFixture start(String purpose, Path pcapFile, FaultSpec faults) {
        return start(purpose, pcapFile, faults, false);
    }

    static JtcpFixture start(String purpose, Path pcapFile, FaultSpec faults, boolean offload) {
        return start(purpose, pcapFile, faults, new TunConfig().vnetHeader(offload));
    }

    /** With device settings of the test's own ({@code tunConfig}'s namespace is set here). */
    static JtcpFixture start(String purpose, Path pcapFile, FaultSpec faults, TunConfig tunConfig) {
        return start(purpose, pcapFile, faults, tunConfig, null);
    }

    /**
     * As above, with {@code alsoPackets} (null: none) beside the pcap as the CLI records them: both
     * behind one {@link StampedTracer}, every shard's loop writing to them.
     */
    static JtcpFixture start(
            String purpose, Path pcapFile, FaultSpec faults, TunConfig tunConfig, StackTracer alsoPackets) {
        TestNetns ns = new TestNetns(purpose);
        try {
            long startNs = System.nanoTime();
            PcapWriter pcap = pcapFile == null ? null : new PcapWriter(pcapFile, startNs);
            List<String> transitions = Collections.synchronizedList(new ArrayList<>());
            StackTracer states = new StackTracer() {
                @Override
                public void onStateChange(long nowNs, TcpConnection c, TcpState from, TcpState to) {
                    transitions.add(c.remotePort() + "/" + c.localPort() + " " + from + " -> " + to);
                }
            };
            StackConfig config = new StackConfig().mslNs(500_000_000L).tracer(states);
            // The pcap records wire packets: with offloads that turns on the software cut.
            StackTracer packets = alsoPackets == null ? pcap : StampedTracer.of(Tracers.of(alsoPackets, pcap));
            JtcpHost host = JtcpHost.start(tunConfig.netns(ns.name()), config, faults, packets);
            JtcpFixture f = new JtcpFixture(ns, host, pcap);
            // On every shard (one with one queue): a SYN is handled by the shard owning its 4-tuple.
            host.onEveryShard((stack, timers) -> {
                stack.listen(7, new EchoService(timers, ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                stack.listen(9, new DiscardService(timers, ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                stack.listen(19, new ChargenService(timers, ServiceTimers.DEFAULT_IDLE_TIMEOUT_NS));
                stack.listen(
                        80,
                        new HttpService(
                                StatusPage.of(stack, timers, null, host.shardStatus()),
                                null,
                                timers,
                                HttpService.DEFAULT_HEAD_TIMEOUT_NS,
                                HttpService.DEFAULT_IDLE_TIMEOUT_NS));
                stack.listen(HASH_PORT, f.new HashingSink());
            });
            // Same list object for the tracer and the tests.
            return f.withTransitions(transitions);
        } catch (RuntimeException | Error e) {
            ns.close();
            throw e;
        }
    }

    private List<String> liveTransitions;

    private JtcpFixture withTransitions(List<String> live) {
        this.liveTransitions = live;
        return this;
    }

    List<String> transitions() {
        synchronized (liveTransitions) {
            return new ArrayList<>(liveTransitions);
        }
    }

    final class HashingSink implements TcpListener {
        private final byte[] buf = new byte[64 * 1024];

        @Override
        public TcpHandler onAccept(TcpConnection connection) {
            MessageDigest md = sha256();
            long[] length = {0};
            return new TcpHandler() {
                @Override
                public void onReadable(TcpConnection c) {
                    int n;
                    while ((n = c.read(buf, 0, buf.length)) > 0) {
                        md.update(buf, 0, n);
                        length[0] += n;
                    }
                }

                @Override
                public void onPeerClosed(TcpConnection c) {
                    onReadable(c);
                    uploads.add(BytesPattern.hex(md.digest()) + " " + length[0]);
                    c.close();
                }

                @Override
                public void onClosed(TcpConnection c, CloseReason reason) {
                    if (reason != CloseReason.NORMAL) {
                        uploads.add("failed: " + reason);
                    }
                }
            };
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            host.close();
        } finally {
            if (pcap != null) {
                pcap.close();
            }
            ns.close();
        }
    }
}
