package io.jtcp.viz.capture;

/**
 * The TCP header of one captured segment, decoded and detached from the capture's bytes (the
 * payload is not kept: a 1 GiB transfer is headers only). {@code seq} and {@code ack} are the raw
 * 32-bit values as unsigned longs; {@code window} is the raw 16-bit field (unscaled).
 *
 * @param frame the capture's frame number (1-based)
 * @param options the options of a SYN, or the SACK blocks of other segments; null when none
 * @param text the start of the payload when it is printable (e.g. an HTTP request line), else null
 */
public record TcpSegment(
        int frame,
        long timeNs,
        int srcAddr,
        int srcPort,
        int dstAddr,
        int dstPort,
        long seq,
        long ack,
        int flags,
        int window,
        int length,
        TcpOptionsSeen options,
        String text) {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: its data, plus one each for SYN and FIN (RFC 9293 §3.4). */
    public int seqLength() {
        return length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    /** {@code a.b.c.d:port} of the sender. */
    public String source() {
        return Endpoint.format(srcAddr, srcPort);
    }

    /** {@code a.b.c.d:port} of the receiver. */
    public String destination() {
        return Endpoint.format(dstAddr, dstPort);
    }
}
