package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.cc.CongestionControls;
import io.jtcp.tun.trace.CcLogWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --cc NAME}: the congestion controller of every connection the command's stack opens;
 * {@code --cc-log FILE}: its state per ACK as CSV.
 */
final class CcOptions {
    @Option(
            names = "--cc",
            paramLabel = "NAME",
            converter = FactoryConverter.class,
            completionCandidates = Names.class,
            description = {
                "congestion control: ${COMPLETION-CANDIDATES}",
                "(default: cubic), or the name of a class on",
                "the class path implementing CongestionControl",
                "or CongestionControl.Factory"
            })
    CongestionControl.Factory cc;

    @Option(
            names = "--cc-log",
            paramLabel = "FILE",
            description = {
                "write each sending connection's congestion state to FILE as CSV, one row per ACK:",
                "t_s (Unix time),conn,cwnd,ssthresh,bytes_in_flight,srtt_ms,min_rtt_ms,delivery_rate,",
                "pacing_rate,phase,retransmits,lost_bytes,cc (a line per ACK slows bulk transfers;",
                "see --cc-log-every); jtcp tsg CAPTURE --cc-log FILE draws the cwnd column"
            })
    Path ccLog;

    @Option(
            names = "--cc-log-every",
            paramLabel = "ack|rtt",
            converter = EveryConverter.class,
            defaultValue = "ack",
            description = {"with --cc-log: a row per ACK (default), or at most one per connection per smoothed RTT"})
    CcLogWriter.Every ccLogEvery;

    /**
     * The {@code --cc-log} writer, or null without the option; its clock starts at {@code nowNs}.
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be written
     */
    CcLogWriter openLog(long nowNs) {
        return ccLog == null ? null : new CcLogWriter(ccLog, ccLogEvery, nowNs);
    }

    /** Sets the chosen controller on {@code config}; without {@code --cc} it keeps the stack's default. */
    StackConfig applyTo(StackConfig config) {
        if (cc != null) {
            config.congestionControl(cc);
        }
        return config;
    }

    /** A name resolved at parse time, so that a bad one is a usage error (exit 2) in one line. */
    static final class FactoryConverter implements ITypeConverter<CongestionControl.Factory> {
        @Override
        public CongestionControl.Factory convert(String value) {
            try {
                return CongestionControls.byName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code ack} or {@code rtt}, in any case. */
    static final class EveryConverter implements ITypeConverter<CcLogWriter.Every> {
        @Override
        public CcLogWriter.Every convert(String value) {
            try {
                return CcLogWriter.Every.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected ack or rtt, not '" + value + "'");
            }
        }
    }

    /** The names for the help text: the built-in algorithms and ServiceLoader providers. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return CongestionControls.names().iterator();
        }
    }
}
