package io.jtcp.viz.ladder;

import io.jtcp.viz.capture.TcpSegment;
import io.jtcp.viz.tcp.Mark;
import io.jtcp.viz.tcp.SegmentView;
import java.util.ArrayList;
import java.util.List;

/** The words on one arrow: flags, seq/ack, length, window, SYN options, the start of a message. */
final class SegmentLabel {
    private SegmentLabel() {}

    /** {@code SYN}, {@code SYN-ACK}, {@code PSH-ACK}, {@code FIN-ACK}, {@code RST}... */
    static String flags(int f) {
        List<String> names = new ArrayList<>();
        if ((f & TcpSegment.SYN) != 0) {
            names.add("SYN");
        }
        if ((f & TcpSegment.FIN) != 0) {
            names.add("FIN");
        }
        if ((f & TcpSegment.RST) != 0) {
            names.add("RST");
        }
        if ((f & TcpSegment.PSH) != 0) {
            names.add("PSH");
        }
        if ((f & TcpSegment.URG) != 0) {
            names.add("URG");
        }
        if ((f & TcpSegment.ACK) != 0) {
            names.add("ACK");
        }
        if ((f & TcpSegment.ECE) != 0) {
            names.add("ECE");
        }
        if ((f & TcpSegment.CWR) != 0) {
            names.add("CWR");
        }
        return names.isEmpty() ? "(no flags)" : String.join("-", names);
    }

    static String of(SegmentView v, boolean absolute) {
        TcpSegment s = v.segment();
        StringBuilder sb = new StringBuilder(flags(s.flags()));
        long seq = absolute ? s.seq() : v.relSeq();
        sb.append(" seq=").append(seq);
        if (s.has(TcpSegment.SYN)) {
            sb.append(absolute ? " (ISN)" : " (ISN " + s.seq() + ")");
        }
        if (s.has(TcpSegment.ACK)) {
            sb.append(" ack=").append(absolute ? s.ack() : v.relAck());
        }
        if (s.length() > 0) {
            sb.append(" len=").append(s.length());
        }
        if (!s.has(TcpSegment.RST)) {
            sb.append(" win=").append(v.window());
        }
        if (s.has(TcpSegment.SYN) && s.options() != null) {
            sb.append(" <").append(s.options().compact()).append('>');
        } else if (s.options() != null && !s.options().sack().isEmpty()) {
            int n = s.options().sack().size();
            sb.append(" <sack ").append(n).append(n == 1 ? " block>" : " blocks>");
        }
        if (s.text() != null) {
            sb.append(" \"").append(s.text()).append('"');
        }
        return sb.toString();
    }

    static List<String> marks(SegmentView v) {
        List<String> out = new ArrayList<>();
        for (Mark m : v.marks()) {
            out.add(m == Mark.DUP_ACK ? "dup ACK #" + v.dupAckNumber() : m.label());
        }
        return out;
    }
}
