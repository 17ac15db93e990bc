package io.jtcp.tun.cli;

import io.jtcp.stack.StackTracer;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.StackLoop;
import io.jtcp.tun.service.HttpRoutes;
import io.jtcp.tun.service.StatusPage;
import io.jtcp.viz.live.LivePictures;
import io.jtcp.viz.live.LiveRecorder;
import io.jtcp.viz.live.Recording;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.DirectBuffer;

/**
 * {@code serve}'s live pictures: the bounded {@link LiveRecorder} on the stack's tracer, the last
 * closed connections, {@code --ladder DIR}'s writer, and the status page's links to each
 * connection's ladder, state diagram and time-sequence graph ({@code /conn/ID/ladder.svg},
 * {@code states.svg}, {@code tsg.svg}). The loops keep the record, list it and copy a
 * connection's part out on request; drawing (tens of milliseconds for a full record) happens on a
 * painter thread behind a queue of {@value #PAINT_QUEUE} requests (more get a 503), and the files
 * on {@link LadderFiles}' writer thread.
 *
 * <p>One record for every queue ({@code --queues N}): each shard's loop records its own
 * connections into it through {@link #tracer}, and the status page of any shard lists and links
 * the connections of all of them. One lock guards the record and the list of closed connections;
 * with one queue it is uncontended, one lock per recorded event (as a capture's
 * {@code StampedTracer} takes). A picture is answered on the loop of the shard that asked for it.
 */
final class LiveConnections implements HttpRoutes, AutoCloseable {
    /** Between sweeps, which hand closed connections on (a closed one waits one to two periods). */
    static final long SWEEP_MS = 250;
    /** Live connections the status page lists at most. */
    static final int MAX_LISTED = 100;
    /** Picture requests waiting to be drawn at most; more get a 503. */
    static final int PAINT_QUEUE = 16;

    private static final Pattern PICTURE = Pattern.compile("/conn/(\\d{1,18})/(ladder|states|tsg)\\.svg");
    private static final String SVG = "image/svg+xml";

    /** Guards {@link #recorder} and {@link #recent}: every shard's loop and the sweeper take it (the painter draws a copy). */
    private final Object lock = new Object();

    private final LiveRecorder recorder;
    /** The recorder behind {@link #lock}: the stack tracer to give every shard's engine. */
    final StackTracer tracer;

    private final ArrayDeque<Recording> recent = new ArrayDeque<>();
    private final int maxRecent;
    private final LadderFiles files;
    private ScheduledExecutorService sweeper;
    private volatile JtcpHost host;
    /** Draws the pictures the status page links to, PAINT_QUEUE requests behind at most. */
    private final ThreadPoolExecutor painter =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(PAINT_QUEUE), r -> {
                Thread t = new Thread(r, "jtcp-pictures-painter");
                t.setDaemon(true);
                return t;
            });
    /** Picture requests answered 503 because PAINT_QUEUE were waiting (any loop thread). */
    private final AtomicLong paintRefused = new AtomicLong();

    LiveConnections(PictureOptions o, PrintStream warn) {
        this.maxRecent = o.recent;
        this.files = o.ladderDir == null ? null : new LadderFiles(o.ladderDir, o.maxFiles, o.maxMiB << 20, warn);
        this.recorder = new LiveRecorder(
                o.maxSegments,
                o.maxConnections,
                System.nanoTime(),
                System.currentTimeMillis() * 1_000_000L,
                this::finished);
        this.tracer = new Locked(recorder, lock);
    }

    /** Starts the sweeps; pictures are asked for from {@code host}'s shard loops. */
    void start(JtcpHost host) {
        this.host = host;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jtcp-pictures-sweep");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleAtFixedRate(
                () -> {
                    synchronized (lock) {
                        recorder.sweep();
                    }
                },
                SWEEP_MS,
                SWEEP_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Under {@link #lock}, from a sweep or a new SYN on a reused port pair. */
    private void finished(Recording r) {
        if (maxRecent > 0) {
            if (recent.size() == maxRecent) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
        if (files != null) {
            files.offer(r);
        }
    }

    @Override
    public void get(String path, Consumer<Page> reply) {
        Matcher m = PICTURE.matcher(path);
        if (!m.matches()) {
            reply.accept(null);
            return;
        }
        Recording r;
        synchronized (lock) {
            r = find(Long.parseLong(m.group(1)));
        }
        if (r == null) {
            reply.accept(null);
            return;
        }
        Function<Recording, String> draw =
                switch (m.group(2)) {
                    case "ladder" -> LivePictures::ladder;
                    case "states" -> LivePictures::states;
                    default -> LivePictures::tsg;
                };
        // Drawing a full record takes tens of milliseconds: on the painter thread, never the loop's.
        // The answer goes back to the loop that asked (the page's connection is on its shard).
        StackLoop here = host.currentLoop(); // HttpRoutes#get runs on the asking shard's loop
        try {
            painter.execute(() -> {
                Page page;
                try {
                    page = Page.ok(SVG, draw.apply(r).getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    page = new Page(500, "text/plain", ("cannot draw " + path + "\n").getBytes(StandardCharsets.UTF_8));
                }
                Page answer = page;
                try {
                    here.execute(() -> reply.accept(answer));
                } catch (IllegalStateException stopped) {
                    // the loop has stopped: nobody waits for the page
                }
            });
        } catch (RejectedExecutionException busy) {
            paintRefused.incrementAndGet();
            reply.accept(new Page(
                    503, "text/plain", "busy drawing other pictures, try again\n".getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Under {@link #lock}. */
    private Recording find(long id) {
        for (Iterator<Recording> it = recent.descendingIterator(); it.hasNext(); ) {
            Recording r = it.next();
            if (r.id() == id) {
                return r;
            }
        }
        return recorder.find(id);
    }

    @Override
    public void statusSection(StringBuilder sb) {
        synchronized (lock) {
            section(sb);
        }
    }

    private void section(StringBuilder sb) {
        List<LiveRecorder.Entry> live = recorder.live(MAX_LISTED);
        sb.append("<h2>Pictures of connections</h2>\n<p>Live: ")
                .append(recorder.liveCount())
                .append(" recorded now; recent: the last ")
                .append(maxRecent)
                .append(" closed. recorded=")
                .append(recorder.recordedConnections)
                .append(" skipped=")
                .append(recorder.skippedConnections)
                .append(" segmentsElided=")
                .append(recorder.elidedSegments)
                .append(" synsForgotten=")
                .append(recorder.forgottenSyns)
                .append(" picturesRefused=")
                .append(paintRefused.get());
        if (files != null) {
            sb.append("<br>").append(StatusPage.escape(files.describe()));
        }
        sb.append("</p>\n<table border=\"1\">\n<tr><th>id</th><th>jtcp</th><th>peer</th><th>jtcp's state</th>"
                + "<th>segments</th><th>pictures</th></tr>\n");
        for (LiveRecorder.Entry e : live) {
            row(sb, e, "live");
        }
        for (Iterator<Recording> it = recent.descendingIterator(); it.hasNext(); ) {
            row(sb, it.next().entry(), "closed");
        }
        sb.append("</table>\n");
    }

    private static void row(StringBuilder sb, LiveRecorder.Entry r, String kind) {
        String base = "/conn/" + r.id() + "/";
        sb.append("<tr class=\"").append(kind).append("\"><td>").append(r.id());
        sb.append("</td><td>").append(endpoint(r.local().addr(), r.local().port()));
        sb.append("</td><td>").append(endpoint(r.remote().addr(), r.remote().port()));
        sb.append("</td><td>").append(r.state() == null ? "-" : r.state().name());
        sb.append(kind.equals("live") ? "" : " (closed)");
        sb.append("</td><td>").append(r.segments());
        sb.append("</td><td><a href=\"")
                .append(base)
                .append("ladder.svg\">ladder</a> <a href=\"")
                .append(base)
                .append("states.svg\">states</a> <a href=\"")
                .append(base)
                .append("tsg.svg\">tsg</a></td></tr>\n");
    }

    private static String endpoint(int addr, int port) {
        return Ipv4Header.addressToString(addr) + ":" + port;
    }

    /** One line for the stop report. */
    String describe() {
        synchronized (lock) {
            return "pictures: recorded=" + recorder.recordedConnections + " skipped=" + recorder.skippedConnections
                    + " segmentsElided=" + recorder.elidedSegments + " synsForgotten=" + recorder.forgottenSyns
                    + (files == null ? "" : " " + files.describe());
        }
    }

    /** After the loop has stopped: hands on what is still open, writes the queued files (at most 10 s). */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        painter.shutdownNow();
        synchronized (lock) {
            recorder.finishAll();
        }
        if (files != null) {
            files.close();
        }
    }

    /**
     * The recorder as every shard's stack tracer, one event at a time under {@code lock}. Only the
     * two events it records pass; ACK and drop events stay lock-free no-ops.
     */
    private static final class Locked implements StackTracer {
        private final LiveRecorder recorder;
        private final Object lock;

        Locked(LiveRecorder recorder, Object lock) {
            this.recorder = recorder;
            this.lock = lock;
        }

        @Override
        public void onPacket(long nowNs, boolean inbound, DirectBuffer buffer, int offset, int length) {
            synchronized (lock) {
                recorder.onPacket(nowNs, inbound, buffer, offset, length);
            }
        }

        @Override
        public void onStateChange(long nowNs, TcpConnection connection, TcpState from, TcpState to) {
            synchronized (lock) {
                recorder.onStateChange(nowNs, connection, from, to);
            }
        }
    }
}
