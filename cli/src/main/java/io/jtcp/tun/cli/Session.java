package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.StackTracer;
import io.jtcp.tun.JtcpHost;
import io.jtcp.tun.TunConfig;
import io.jtcp.tun.trace.CcLogWriter;
import io.jtcp.tun.trace.EngineJournal;
import io.jtcp.tun.trace.PcapWriter;
import io.jtcp.tun.trace.StampedTracer;
import io.jtcp.tun.trace.TextTracer;
import io.jtcp.tun.trace.TraceStyle;
import io.jtcp.tun.trace.Tracers;
import java.io.PrintStream;

/** A running stack for one command, with its optional trace, pcap and congestion log, closed as one. */
final class Session implements AutoCloseable {
    final JtcpHost host;
    private final PcapWriter pcap;
    private final TextTracer text;
    private final CcLogWriter ccLog;
    private final EngineJournal journal;
    private boolean closed;

    private Session(JtcpHost host, PcapWriter pcap, TextTracer text, CcLogWriter ccLog, EngineJournal journal) {
        this.host = host;
        this.pcap = pcap;
        this.text = text;
        this.ccLog = ccLog;
        this.journal = journal;
    }

    /**
     * Notes an application action for {@code jtcp replay} (a service listening, with its
     * settings) in the replay journal beside the pcap; nothing without {@code --pcap}. Call on the
     * loop thread, where its place among the engine's calls is exact.
     */
    void journalNote(String text) {
        if (journal != null) {
            journal.note(System.nanoTime(), text);
        }
    }

    static Session open(
            DeviceOptions dev, TunConfig tunConfig, StackConfig stackConfig, PrintStream traceOut, StackTracer extra) {
        return open(dev, tunConfig, stackConfig, traceOut, extra, null);
    }

    static Session open(
            DeviceOptions dev,
            TunConfig tunConfig,
            StackConfig stackConfig,
            PrintStream traceOut,
            StackTracer extra,
            io.jtcp.stack.fault.FaultSpec faults) {
        return open(dev, dev.trace ? TraceStyle.READABLE : null, tunConfig, stackConfig, traceOut, extra, faults);
    }

    /** As above, with the text trace in {@code style} (null: none; {@link TraceOptions#style}). */
    static Session open(
            DeviceOptions dev,
            TraceStyle style,
            TunConfig tunConfig,
            StackConfig stackConfig,
            PrintStream traceOut,
            StackTracer extra,
            io.jtcp.stack.fault.FaultSpec faults) {
        long startNs = System.nanoTime();
        CcLogWriter ccLog = dev.cc.openLog(startNs); // --cc-log (issue #10 §4), on the pcap's clock
        PcapWriter pcap;
        EngineJournal journal = null;
        try {
            pcap = dev.pcap == null ? null : new PcapWriter(dev.pcap, startNs);
            // The replay journal (FILE.pcap.jtcp) goes with every pcap of one queue: jtcp replay
            // needs both. With several queues it would have to order several engines' calls,
            // which no one order replays: the capture is kept, the journal left out with one line.
            if (dev.pcap != null && tunConfig.queues() > 1) {
                System.err.println("jtcp: --pcap with --queues " + tunConfig.queues() + ": capturing every queue, "
                        + "without the replay journal (it follows one engine; jtcp replay takes this capture as another stack's,"
                        + " one connection at a time)");
            } else if (dev.pcap != null) {
                journal = new EngineJournal(EngineJournal.sidecarOf(dev.pcap));
            }
        } catch (RuntimeException e) {
            if (ccLog != null) {
                ccLog.close();
            }
            throw e;
        }
        TextTracer text = style != null && style.packets() ? new TextTracer(traceOut, startNs, style) : null;
        // States only: the stack's own tracer is enough, and the device keeps its offloads (a
        // packet tracer would have super-segments cut in software).
        StackTracer states =
                style != null && !style.packets() ? StampedTracer.of(new TextTracer(traceOut, startNs, style)) : null;
        // The congestion log sees the stack's own events (per ACK), beside any tracer the command brought.
        StackTracer stackTracer = Tracers.of(extra != null ? extra : stackConfig.tracer(), states, ccLog);
        if (stackTracer != null) {
            stackConfig.tracer(stackTracer);
        }
        dev.cc.applyTo(stackConfig); // --cc (issue #10)
        try {
            // Packets are recorded as the wire carries them (with offloads, cut at the MSS), with
            // one time per event shared by the text trace and the pcap (StampedTracer says why);
            // with several queues every shard's loop writes to these same tracers, under its lock.
            StackTracer packets = StampedTracer.of(Tracers.of(text, pcap));
            JtcpHost host = JtcpHost.start(
                    tunConfig,
                    stackConfig,
                    faults,
                    faults == null ? null : faults.withSeed(faults.seed() + 1),
                    packets,
                    journal);
            return new Session(host, pcap, text, ccLog, journal);
        } catch (RuntimeException e) {
            if (pcap != null) {
                pcap.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (ccLog != null) {
                ccLog.close();
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.close();
        if (text != null) {
            text.flush(System.nanoTime()); // the summaries of bulk data still folded
        }
        if (pcap != null) {
            pcap.close();
        }
        if (journal != null) {
            journal.close();
        }
        if (ccLog != null) {
            ccLog.close();
        }
    }
}
