package io.jtcp.stack;

/**
 * Why a packet from the wire was not accepted. {@link #NONE} means it was. Every other reason has a
 * counter in {@link StackCounters}, readable by the CLI and the HTTP status page.
 */
public enum DropReason {
    NONE("accepted"),

    IP_TRUNCATED("IPv4: shorter than 20 bytes"),
    IP_BAD_VERSION("IPv4: version is not 4"),
    IP_BAD_IHL("IPv4: IHL below 5"),
    IP_HEADER_TRUNCATED("IPv4: IHL beyond the buffer"),
    IP_BAD_TOTAL_LENGTH("IPv4: total length below IHL or beyond the buffer"),
    IP_BAD_CHECKSUM("IPv4: bad header checksum"),
    IP_FRAGMENT("IPv4: fragment while reassembly is off (StackConfig.reassemblyMaxDatagrams 0)"),
    IP_NOT_FOR_US("IPv4: destination is not ours"),
    IP_BAD_SOURCE("IPv4: source is broadcast, multicast or ours"),
    IP_UNKNOWN_PROTOCOL("IPv4: protocol not served"),
    // ---- martian sources (RFC 1122 §3.2.1.3) ----
    IP_MARTIAN_SOURCE("IPv4: martian source: 0/8, loopback 127/8, reserved 240/4 or the subnet's broadcast"),

    ICMP_TRUNCATED("ICMP: shorter than 8 bytes"),
    ICMP_BAD_CHECKSUM("ICMP: bad checksum"),
    ICMP_UNSUPPORTED("ICMP: type not handled"),

    TCP_TRUNCATED("TCP: shorter than 20 bytes"),
    TCP_BAD_DATA_OFFSET("TCP: data offset below 5 or beyond the segment"),
    TCP_BAD_CHECKSUM("TCP: bad checksum"),
    TCP_BAD_OPTIONS("TCP: malformed options"),
    TCP_BAD_PORT("TCP: port 0"),
    TCP_NO_LISTENER("TCP: no connection or listener (RST sent)"),
    TCP_NO_CONNECTION_RST("TCP: RST or stray segment for no connection (dropped silently)"),
    TCP_TABLE_FULL("TCP: connection table full (SYN refused)"),
    TCP_SYN_BACKLOG_FULL("TCP: SYN queue full and SYN cookies off (SYN dropped)"),
    TCP_OUT_OF_WINDOW("TCP: sequence outside the receive window (ACK sent)"),
    TCP_PAWS("TCP: timestamp older than TS.Recent (PAWS, RFC 7323 §5; ACK sent)"),
    TCP_ACK_UNSENT("TCP: ACK for data not yet sent"),
    TCP_ACK_OLD("TCP: old duplicate ACK ignored"),
    TCP_BAD_ACK_IN_SYN_STATE("TCP: unacceptable ACK in a SYN state (RST sent)"),
    TCP_RST_OUT_OF_WINDOW("TCP: RST outside the window"),
    TCP_RST_CHALLENGED("TCP: RST in window but not exact (challenge ACK, RFC 5961)"),
    TCP_SYN_CHALLENGED("TCP: SYN in a synchronized state (challenge ACK, RFC 5961)"),
    TCP_CHALLENGE_RATE_LIMITED("TCP: challenge ACK suppressed by the global per-second limit (RFC 5961 §7)"),
    // ---- blind attacks: per-connection ACK limits (RFC 5961 §7, Linux tcp_invalid_ratelimit) ----
    TCP_CHALLENGE_ACK_CONN_LIMITED("TCP: challenge ACK suppressed by the per-connection interval"),
    TCP_OOW_ACK_RATE_LIMITED(
            "TCP: ACK for an out-of-window or PAWS-failing segment suppressed (per-connection interval)"),
    TCP_NO_ACK_FLAG("TCP: segment without ACK in a synchronized state"),
    TCP_REASSEMBLY_FULL("TCP: out-of-order data beyond reassembly capacity"),
    TCP_DATA_AFTER_FIN("TCP: data after the peer's FIN"),
    TCP_SYN_IN_LISTEN_INVALID("TCP: segment in LISTEN neither SYN nor RST (RST sent)"),

    // ---- TIME_WAIT records, SYN queues and SYN cookies (issue #9) ----
    TCP_SYN_COOKIE_INVALID("TCP: ACK to a listener with a SYN cookie that does not decode (RST sent)"),
    // ---- ICMP errors and path MTU (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191), IPv4 reassembly (RFC 791) ----
    ICMP_SOURCE_QUENCH("ICMP: source quench (ignored, RFC 6633)"),
    ICMP_QUOTE_TRUNCATED("ICMP error: quoted datagram shorter than its IPv4 header + 8 bytes"),
    ICMP_QUOTE_NOT_OURS("ICMP error: quoted datagram not a TCP segment sent by us"),
    ICMP_NO_CONNECTION("ICMP error: no connection for the quoted 4-tuple"),
    ICMP_SEQ_OUT_OF_WINDOW("ICMP error: quoted sequence number outside SND.UNA..SND.NXT (RFC 5927 §4.1)"),
    ICMP_PMTU_BOGUS("ICMP fragmentation needed: MTU not below the quoted datagram's length"),
    ICMP_PMTU_NOT_LOWER("ICMP fragmentation needed: MTU not below the connection's (RFC 1191 §6.3)"),
    IP_FRAGMENT_BAD("IPv4 fragment: empty, not a multiple of 8, past 65535 or past the last fragment"),
    IP_FRAGMENT_DUPLICATE("IPv4 fragment: exact duplicate (ignored)"),
    IP_FRAGMENT_OVERLAP("IPv4 fragment: overlaps another (whole datagram dropped, RFC 5722's rule)"),
    IP_REASSEMBLY_TOO_MANY_FRAGMENTS("IPv4 reassembly: too many fragments in one datagram (dropped)"),
    IP_REASSEMBLY_TIMEOUT("IPv4 reassembly: datagram incomplete after the timeout (dropped)"),
    IP_REASSEMBLY_EVICTED("IPv4 reassembly: oldest datagram evicted, reassembly memory full"),
    // ---- memory budget and fault isolation (issue #9, bounded memory) ----
    TCP_MEMORY_PRESSURE("TCP: memory budget under pressure (SYN refused)"),
    TCP_LISTENER_FULL("TCP: the listener's connection limit is reached (SYN refused)"),
    TCP_MEMORY_FULL("TCP: no buffer memory for in-window data (dropped; the peer resends)"),
    TCP_INTERNAL_ERROR("TCP: processing a segment for no connection failed (counted, dropped)");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
