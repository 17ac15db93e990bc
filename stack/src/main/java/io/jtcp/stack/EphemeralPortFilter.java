package io.jtcp.stack;

/**
 * Which ephemeral ports an active open may take ({@link StackConfig#ephemeralPortFilter}): a
 * device layer that runs one stack per queue gives each the 4-tuples that hash to it, so a
 * connection is opened by the stack that receives its packets.
 */
@FunctionalInterface
public interface EphemeralPortFilter {
    /** True when an active open towards {@code remoteAddr:remotePort} may use {@code localPort}. */
    boolean permits(int remoteAddr, int remotePort, int localPort);
}
