package io.jtcp.viz.capture;

import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a capture file through Pcap4J and the system libpcap, so every format libpcap reads works:
 * classic pcap (either byte order, micro- or nanosecond), pcapng, any link type. Frames are handed
 * to the consumer one at a time and not kept, so a capture of any size streams through.
 */
public final class CaptureReader {
    /**
     * What the reading found besides the frames: link type, records skipped (a timestamp out of
     * range), and why the file ended early (null when it did not).
     */
    public record Summary(int linkType, int frames, int skipped, String truncation) {}

    /** Receives the frames in file order. */
    @FunctionalInterface
    public interface Sink {
        void accept(int linkType, Frame frame);
    }

    private CaptureReader() {}

    /**
     * Streams the frames of {@code file} to {@code sink}.
     *
     * @throws CaptureException when the file is missing or is not a capture at all; a file that is
     *     cut short mid-record is not an error: the frames before the cut are delivered and the
     *     summary says where it ended
     */
    public static Summary read(Path file, Sink sink) {
        if (!Files.isRegularFile(file)) {
            throw new CaptureException("no such capture file: " + file);
        }
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new CaptureException("not a capture file libpcap can read: " + file + " (" + e.getMessage() + ")");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException("cannot load libpcap to read " + file + " (install libpcap0.8): " + e, e);
        }
        try {
            int linkType = handle.getDlt().value();
            int frames = 0;
            int skipped = 0;
            String truncation = null;
            while (true) {
                byte[] data;
                try {
                    data = handle.getNextRawPacketEx();
                } catch (EOFException e) {
                    break;
                } catch (TimeoutException e) {
                    continue; // only live captures time out
                } catch (IllegalArgumentException e) {
                    // libpcap read the record, but its sub-second field is out of range and Pcap4J
                    // cannot build the timestamp: the record is skipped, the next one read.
                    frames++;
                    skipped++;
                    continue;
                } catch (PcapNativeException e) {
                    truncation = "capture ends early after frame " + frames + ": " + e.getMessage();
                    break;
                }
                frames++;
                java.sql.Timestamp ts = handle.getTimestamp();
                long ns = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
                sink.accept(linkType, new Frame(frames, ns, data));
            }
            return new Summary(linkType, frames, skipped, truncation);
        } catch (NotOpenException e) {
            throw new IllegalStateException(e);
        } finally {
            handle.close();
        }
    }
}
