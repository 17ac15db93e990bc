package io.jtcp.tun.cli;

import io.jtcp.viz.live.LiveRecorder;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code serve}'s live pictures (issue #11): the in-memory record, the status page's links, {@code --ladder DIR}. */
final class PictureOptions {
    static final int DEFAULT_RECENT = 32;
    static final int DEFAULT_MAX_FILES = 1000;
    static final long DEFAULT_MAX_MIB = 256;

    @Option(
            names = "--ladder",
            paramLabel = "DIR",
            description = {
                "write an SVG ladder diagram of each connection into DIR when it closes",
                "(NNNNNN_ADDR-PORT_ADDR-PORT.svg: a sequence number, the opener, the other side); implies --pictures"
            })
    Path ladderDir;

    @Option(
            names = "--pictures",
            description = {
                "keep a bounded record of each connection's segments and jtcp's states, so the HTTP status page",
                "links to each live and recent connection's ladder, state diagram and time-sequence graph",
                "(/conn/ID/ladder.svg, states.svg, tsg.svg); off by default: it costs ~100 ns per packet",
                "(--ladder turns it on)"
            })
    boolean pictures;

    @Option(
            names = "--pictures-segments",
            paramLabel = "N",
            defaultValue = "" + LiveRecorder.DEFAULT_MAX_SEGMENTS,
            description = "segments kept per connection, its first and last halves; the middle is counted"
                    + " (default: ${DEFAULT-VALUE})")
    int maxSegments;

    @Option(
            names = "--pictures-connections",
            paramLabel = "N",
            defaultValue = "" + LiveRecorder.DEFAULT_MAX_CONNECTIONS,
            description = "connections recorded at once; more are counted, not recorded (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(
            names = "--pictures-recent",
            paramLabel = "N",
            defaultValue = "" + DEFAULT_RECENT,
            description = "closed connections the status page keeps pictures of (default: ${DEFAULT-VALUE})")
    int recent;

    @Option(
            names = "--ladder-max-files",
            paramLabel = "N",
            defaultValue = "" + DEFAULT_MAX_FILES,
            description = "with --ladder: files written at most; later connections are counted, not written"
                    + " (default: ${DEFAULT-VALUE})")
    int maxFiles;

    @Option(
            names = "--ladder-max-mib",
            paramLabel = "MIB",
            defaultValue = "" + DEFAULT_MAX_MIB,
            description = "with --ladder: MiB written at most, as --ladder-max-files (default: ${DEFAULT-VALUE})")
    long maxMiB;

    /** Whether anything is recorded. */
    boolean enabled() {
        return pictures || ladderDir != null;
    }

    void check(CommandSpec spec) {
        if (maxSegments < 16 || maxSegments > 1 << 20) {
            throw new ParameterException(
                    spec.commandLine(), "--pictures-segments must be 16..1048576, not " + maxSegments);
        }
        if (maxConnections < 1 || maxConnections > 1 << 16) {
            throw new ParameterException(
                    spec.commandLine(), "--pictures-connections must be 1..65536, not " + maxConnections);
        }
        if (recent < 0 || recent > 4096) {
            throw new ParameterException(spec.commandLine(), "--pictures-recent must be 0..4096, not " + recent);
        }
        if (maxFiles < 0) {
            throw new ParameterException(spec.commandLine(), "--ladder-max-files must not be negative");
        }
        if (maxMiB < 0 || maxMiB > 1L << 30) {
            throw new ParameterException(spec.commandLine(), "--ladder-max-mib must be 0..2^30, not " + maxMiB);
        }
    }
}
