package io.jtcp.viz.capture;

import java.util.List;

/**
 * The TCP options a picture shows (RFC 9293 §3.2 and RFC 7323, RFC 2018). {@code -1} means the
 * option was absent.
 *
 * @param sack the SACK blocks as {left, right} raw sequence numbers
 */
public record TcpOptionsSeen(
        int mss,
        int windowScale,
        boolean sackPermitted,
        boolean timestamps,
        long tsVal,
        long tsEcr,
        List<long[]> sack) {
    /** The options in the order a SYN usually carries them, compact: {@code mss 1460,sackOK,TS,wscale 7}. */
    public String compact() {
        StringBuilder sb = new StringBuilder();
        if (mss >= 0) {
            sb.append("mss ").append(mss);
        }
        if (sackPermitted) {
            sb.append(sb.length() > 0 ? "," : "").append("sackOK");
        }
        if (timestamps) {
            sb.append(sb.length() > 0 ? "," : "").append("TS");
        }
        if (windowScale >= 0) {
            sb.append(sb.length() > 0 ? "," : "").append("wscale ").append(windowScale);
        }
        return sb.toString();
    }
}
