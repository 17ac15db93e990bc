package io.jtcp.stack.harness;

import io.jtcp.stack.wire.TcpHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A TCP segment as a script line (packetdrill style), used both to inject and to expect. Sequence
 * numbers are relative to the sender's ISN unless set with {@code absSeq}/{@code absAck}: an
 * injected segment's seq is relative to the peer's ISN and its ack to the engine's ISN; an expected
 * segment's seq is relative to the engine's ISN and its ack to the peer's.
 *
 * <p>When expecting, every field left unset is "don't care", except the payload length (0 unless
 * {@link #len}/{@link #data} or {@link #anyLen()}) and the flags, which must match exactly; PSH is
 * ignored unless {@link #psh()} asks for it. When injecting, unset fields take the script's
 * defaults: seq = what the peer sends next, ack = what the engine sent so far, window 65535.
 */
public final class Seg {
    int flags;
    Integer seq;
    boolean seqAbs;
    Integer ack;
    boolean ackAbs;
    Integer window;
    Integer mss;
    Integer windowScale;
    boolean sackPermitted;
    boolean timestamps;
    int tsVal;
    int tsEcr;
    byte[] rawOptions;
    byte[] payload;
    Integer len;
    boolean anyLen;
    boolean checkPsh;
    Integer srcPort;
    Integer dstPort;
    boolean badChecksum;
    final List<Predicate<Packet>> checks = new ArrayList<>();
    final List<String> checkNames = new ArrayList<>();

    private Seg(int flags) {
        this.flags = flags;
    }

    public static Seg flags(int flags) {
        return new Seg(flags);
    }

    public static Seg syn() {
        return new Seg(TcpHeader.SYN);
    }

    public static Seg synAck() {
        return new Seg(TcpHeader.SYN | TcpHeader.ACK);
    }

    public static Seg ack() {
        return new Seg(TcpHeader.ACK);
    }

    public static Seg rst() {
        return new Seg(TcpHeader.RST);
    }

    public static Seg rstAck() {
        return new Seg(TcpHeader.RST | TcpHeader.ACK);
    }

    /** FIN with ACK, as every synchronized sender sends it. */
    public static Seg fin() {
        return new Seg(TcpHeader.FIN | TcpHeader.ACK);
    }

    /** ACK carrying {@code n} payload bytes ('a', 'b', … when injected). */
    public static Seg data(int n) {
        return new Seg(TcpHeader.ACK).len(n);
    }

    /** ACK carrying exactly these bytes. */
    public static Seg data(String text) {
        return new Seg(TcpHeader.ACK).payload(text.getBytes(StandardCharsets.US_ASCII));
    }

    public Seg seq(int relative) {
        this.seq = relative;
        this.seqAbs = false;
        return this;
    }

    public Seg absSeq(int absolute) {
        this.seq = absolute;
        this.seqAbs = true;
        return this;
    }

    public Seg ack(int relative) {
        this.ack = relative;
        this.ackAbs = false;
        return this;
    }

    public Seg absAck(int absolute) {
        this.ack = absolute;
        this.ackAbs = true;
        return this;
    }

    public Seg win(int window) {
        this.window = window;
        return this;
    }

    public Seg mss(int mss) {
        this.mss = mss;
        return this;
    }

    public Seg wscale(int shift) {
        this.windowScale = shift;
        return this;
    }

    public Seg sackOk() {
        this.sackPermitted = true;
        return this;
    }

    public Seg ts(int val, int ecr) {
        this.timestamps = true;
        this.tsVal = val;
        this.tsEcr = ecr;
        return this;
    }

    /** Raw option bytes (a multiple of 4), for malformed or unusual options. */
    public Seg rawOptions(byte[] options) {
        this.rawOptions = options.clone();
        return this;
    }

    public Seg payload(byte[] bytes) {
        this.payload = bytes.clone();
        this.len = bytes.length;
        return this;
    }

    public Seg len(int n) {
        this.len = n;
        return this;
    }

    /** Expect: any payload length. */
    public Seg anyLen() {
        this.anyLen = true;
        return this;
    }

    /** Adds PSH and makes it significant when expecting. */
    public Seg psh() {
        this.flags |= TcpHeader.PSH;
        this.checkPsh = true;
        return this;
    }

    public Seg with(int flag) {
        this.flags |= flag;
        return this;
    }

    public Seg srcPort(int port) {
        this.srcPort = port;
        return this;
    }

    public Seg dstPort(int port) {
        this.dstPort = port;
        return this;
    }

    /** Inject: corrupt the TCP checksum. */
    public Seg badChecksum() {
        this.badChecksum = true;
        return this;
    }

    /** Expect: an extra condition on the emitted packet. */
    public Seg where(String name, Predicate<Packet> check) {
        checks.add(check);
        checkNames.add(name);
        return this;
    }

    int payloadLength() {
        return len == null ? 0 : len;
    }

    byte[] payloadBytes() {
        if (payload != null) {
            return payload;
        }
        byte[] b = new byte[payloadLength()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + (i % 26));
        }
        return b;
    }

    byte[] optionBytes() {
        if (rawOptions != null) {
            return rawOptions;
        }
        if (mss == null && windowScale == null && !sackPermitted && !timestamps) {
            return new byte[0];
        }
        return PacketBuilder.options(
                mss == null ? -1 : mss,
                windowScale == null ? -1 : windowScale,
                sackPermitted,
                timestamps,
                tsVal,
                tsEcr);
    }

    /** SEG.LEN (RFC 9293 §3.4) of this segment when injected. */
    int segLen() {
        return payloadLength() + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
    }

    /**
     * Why {@code p} does not match this expectation, or null when it does. {@code seqBase} and
     * {@code ackBase} turn the relative numbers into absolute ones.
     */
    String mismatch(Packet p, int seqBase, int ackBase, int expectSrcPort, int expectDstPort) {
        if (!p.isTcp()) {
            return "not a TCP segment";
        }
        List<String> why = new ArrayList<>();
        int mask = checkPsh ? 0xFF : ~TcpHeader.PSH & 0xFF;
        if ((p.flags & mask) != (flags & mask)) {
            why.add("flags [" + TcpHeader.flagsToString(p.flags) + "] != [" + TcpHeader.flagsToString(flags) + "]");
        }
        int sp = srcPort != null ? srcPort : expectSrcPort;
        int dp = dstPort != null ? dstPort : expectDstPort;
        if (sp > 0 && p.srcPort != sp) {
            why.add("src port " + p.srcPort + " != " + sp);
        }
        if (dp > 0 && p.dstPort != dp) {
            why.add("dst port " + p.dstPort + " != " + dp);
        }
        if (seq != null) {
            int want = seqAbs ? seq : seqBase + seq;
            if (p.seq != want) {
                why.add("seq " + (seqAbs ? Integer.toUnsignedString(p.seq) : Integer.toUnsignedString(p.seq - seqBase))
                        + " != " + (seqAbs ? Integer.toUnsignedString(want) : Integer.toUnsignedString(seq)));
            }
        }
        if (ack != null) {
            int want = ackAbs ? ack : ackBase + ack;
            if (p.ack != want) {
                why.add("ack " + (ackAbs ? Integer.toUnsignedString(p.ack) : Integer.toUnsignedString(p.ack - ackBase))
                        + " != " + (ackAbs ? Integer.toUnsignedString(want) : Integer.toUnsignedString(ack)));
            }
        }
        if (window != null && p.window != window) {
            why.add("win " + p.window + " != " + window);
        }
        if (!anyLen) {
            if (p.len() != payloadLength()) {
                why.add("length " + p.len() + " != " + payloadLength());
            } else if (payload != null && !Arrays.equals(p.payload, payload)) {
                why.add("payload differs");
            }
        }
        if (mss != null && p.mss != mss) {
            why.add("mss " + p.mss + " != " + mss);
        }
        if (windowScale != null && p.windowScale != windowScale) {
            why.add("wscale " + p.windowScale + " != " + windowScale);
        }
        for (int i = 0; i < checks.size(); i++) {
            if (!checks.get(i).test(p)) {
                why.add("check failed: " + checkNames.get(i));
            }
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(TcpHeader.flagsToString(flags)).append(']');
        if (seq != null) {
            sb.append(" seq ").append(seqAbs ? "abs " : "").append(Integer.toUnsignedString(seq));
            if (!anyLen) {
                sb.append(':')
                        .append(Integer.toUnsignedString(seq + payloadLength()))
                        .append('(')
                        .append(payloadLength())
                        .append(')');
            }
        } else if (anyLen) {
            sb.append(" seq * len *");
        } else {
            sb.append(" seq * len ").append(payloadLength());
        }
        if (ack != null) {
            sb.append(" ack ").append(ackAbs ? "abs " : "").append(Integer.toUnsignedString(ack));
        }
        sb.append(" win ").append(window == null ? "*" : window.toString());
        if (mss != null) sb.append(" <mss ").append(mss).append('>');
        if (windowScale != null) sb.append(" <wscale ").append(windowScale).append('>');
        if (sackPermitted) sb.append(" <sackOK>");
        if (timestamps) sb.append(" <TS>");
        if (rawOptions != null) sb.append(" <raw ").append(rawOptions.length).append(" bytes>");
        if (badChecksum) sb.append(" <bad cksum>");
        for (String n : checkNames) sb.append(" {").append(n).append('}');
        return sb.toString();
    }
}
