package io.jtcp.tun.cli;

import io.jtcp.tun.trace.TraceStyle;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How {@code --trace} prints (issue #11): the readable default, tcpdump's raw view, or states only. */
final class TraceOptions {
    @Option(
            names = "--trace-absolute",
            description = {
                "with --trace: absolute sequence numbers, the raw window field and every option on every",
                "segment, as tcpdump -n -S prints them (default: relative to each side's ISN, windows scaled)"
            })
    boolean absolute;

    @Option(
            names = "--trace-options",
            description = "with --trace: every TCP option on every segment, timestamps too (default: on SYNs only)")
    boolean allOptions;

    @Option(
            names = "--trace-fold",
            paramLabel = "N",
            defaultValue = "" + TraceStyle.DEFAULT_FOLD_AFTER,
            description = {
                "with --trace: after N in-order data segments in a row of one direction, print the rest of the",
                "run (and the plain ACKs coming back) as one summary line a second, until something",
                "worth a line happens (a mark, a loss, SYN/FIN/RST, data out of order, SACK); 0: never fold",
                "(default: ${DEFAULT-VALUE})"
            })
    int foldAfter;

    @Option(
            names = "--trace-states",
            description = "print only TCP state transitions and drops, no line per segment (no --trace needed)")
    boolean statesOnly;

    /**
     * The text trace's style, or null for none; a usage error for a trace option without a trace.
     *
     * @param trace whether {@code --trace} was given
     */
    TraceStyle style(CommandSpec spec, boolean trace) {
        if (statesOnly) {
            if (trace || absolute || allOptions) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--trace-states prints no segments: give it without --trace and its options");
            }
            return TraceStyle.STATES;
        }
        if (!trace) {
            if (absolute || allOptions) {
                throw new ParameterException(
                        spec.commandLine(), (absolute ? "--trace-absolute" : "--trace-options") + " needs --trace");
            }
            return null;
        }
        if (foldAfter < 0) {
            throw new ParameterException(spec.commandLine(), "--trace-fold must not be negative, not " + foldAfter);
        }
        return new TraceStyle(true, !absolute, absolute || allOptions, foldAfter);
    }
}
