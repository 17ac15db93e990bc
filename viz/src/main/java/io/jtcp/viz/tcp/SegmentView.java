package io.jtcp.viz.tcp;

import io.jtcp.stack.tcp.TcpState;
import io.jtcp.viz.capture.TcpSegment;
import java.util.Set;

/**
 * One segment as a picture shows it.
 *
 * @param relSeq the sequence number relative to the sender's ISN (0 for the SYN itself)
 * @param relAck the acknowledgment number relative to the receiver's ISN, or -1 without ACK
 * @param window the window the sender advertised in bytes: scaled when both SYNs agreed on window
 *     scaling (RFC 7323 §2.3), raw on SYNs and otherwise
 * @param dupAckNumber 1 for the first duplicate ACK, 2 for the second... or 0
 * @param senderState the sender's new state when sending this segment changed it, else null
 * @param receiverState the receiver's new state once it processed this segment, else null
 */
public record SegmentView(
        TcpSegment segment,
        boolean fromA,
        long relSeq,
        long relAck,
        long window,
        Set<Mark> marks,
        int dupAckNumber,
        TcpState senderState,
        TcpState receiverState) {}
