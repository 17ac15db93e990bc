package io.jtcp.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jtcp.stack.PacketSink;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.TunTestSupport.Result;
import io.jtcp.tun.TunTestSupport.TestNetns;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event loop survives what a cycle throws, Errors included: an OutOfMemoryError or a
 * StackOverflowError in the engine, or a task that fails, is counted and the next cycle runs.
 * Before, anything but a RuntimeException ended the loop thread (and with it the device).
 */
@Tag("tun")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StackLoopFailureTest {
    @BeforeEach
    void requireTun() {
        TunTestSupport.requireTun();
    }

    /** Answers ping, except that the first two echo requests throw an Error instead. */
    private static final class FailingEngine implements Engine {
        private final EchoReplyEngine inner;
        private final Ipv4Header ip = new Ipv4Header();
        volatile int thrown;

        FailingEngine(int localAddr, PacketSink sink) {
            inner = new EchoReplyEngine(localAddr, sink);
        }

        @Override
        public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
            ip.wrap(buffer, offset, length);
            if (ip.protocol() == Ipv4Header.PROTOCOL_ICMP && thrown < 2) {
                thrown++;
                if (thrown == 1) {
                    throw new OutOfMemoryError("test: heap exhausted while handling a packet");
                }
                throw new StackOverflowError("test");
            }
            inner.onPacket(nowNs, buffer, offset, length);
        }

        @Override
        public void onTimeout(long nowNs) {}

        @Override
        public void flush(long nowNs) {}

        @Override
        public long nextDeadlineNs() {
            return Long.MAX_VALUE;
        }
    }

    @Test
    void shouldKeepRunningAfterErrorsInACycleOrATask() throws Exception {
        try (TestNetns ns = new TestNetns("loopfail")) {
            TunConfig config = new TunConfig().netns(ns.name());
            TunDevice device = TunDevice.open(config);
            FailingEngine[] engine = new FailingEngine[1];
            try (StackLoop loop =
                    new StackLoop(device, sink -> engine[0] = new FailingEngine(config.localAddr(), sink))) {
                loop.start("test-loop");
                loop.execute(() -> {
                    throw new OutOfMemoryError("test: a task ran out of memory");
                });
                Result ping = ns.exec(20, "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.7.0.2");
                assertTrue(ping.output().contains("5 packets transmitted, 3 received"), ping.output());
                assertEquals(2, engine[0].thrown);
                assertTrue(loop.isRunning(), "the loop still runs");
                assertTrue(loop.call(loop::inLoopThread), "and still runs tasks");
                assertEquals(3L, loop.errors(), "two failed cycles and one failed task, counted");
            }
        }
    }

    /**
     * A wake-up from another thread after the loop ended must not write into whatever file got
     * the closed eventfd's number since (here: the next files opened, which take the lowest free
     * numbers, the eventfd's and the device's among them).
     */
    @Test
    void shouldNotWakeAClosedLoopIntoAFileThatReusedItsDescriptor(@TempDir Path tmp) throws Exception {
        try (TestNetns ns = new TestNetns("loopfd")) {
            TunConfig config = new TunConfig().netns(ns.name());
            StackLoop loop =
                    new StackLoop(TunDevice.open(config), sink -> new EchoReplyEngine(config.localAddr(), sink));
            loop.start("test-loop-fd");
            loop.close();
            loop.stopped().get(10, TimeUnit.SECONDS);
            List<FileChannel> files = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    files.add(FileChannel.open(
                            tmp.resolve("f" + i), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
                }
                loop.wakeup();
                for (int i = 0; i < 8; i++) {
                    assertEquals(0, Files.size(tmp.resolve("f" + i)), "file " + i + " written by a late wake-up");
                }
            } finally {
                for (FileChannel f : files) {
                    f.close();
                }
            }
        }
    }
}
