package io.jtcp.viz.capture;

/**
 * One record of a capture: its position (1-based, as tcpdump and Wireshark number them), the
 * capture time and the captured bytes starting at the link-layer header.
 */
public record Frame(int number, long timeNs, byte[] data) {}
