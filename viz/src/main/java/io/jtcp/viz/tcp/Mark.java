package io.jtcp.viz.tcp;

/** What is remarkable about a segment, as Wireshark's TCP analysis names it. */
public enum Mark {
    /** Data (or SYN/FIN) the sender had already sent. */
    RETRANSMISSION("retransmission"),
    /** Data that fills a hole: sent before, captured after later data. */
    OUT_OF_ORDER("out of order"),
    /** The sequence number jumps ahead: something before it was not captured (lost upstream). */
    PREVIOUS_NOT_CAPTURED("previous segment not captured"),
    /** A pure ACK repeating the last ACK while data is outstanding (RFC 5681 §2). */
    DUP_ACK("dup ACK"),
    /** The receive window is closed (RFC 9293 §3.8.6.1). */
    ZERO_WINDOW("zero window"),
    /** A probe of a closed window (RFC 9293 §3.8.6.1). */
    ZERO_WINDOW_PROBE("zero window probe"),
    /** A segment one below the next sequence number with at most one byte (RFC 9293 §3.8.4). */
    KEEP_ALIVE("keep-alive");

    private final String label;

    Mark(String label) {
        this.label = label;
    }

    /** The words written next to the arrow. */
    public String label() {
        return label;
    }
}
