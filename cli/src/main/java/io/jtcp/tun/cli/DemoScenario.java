package io.jtcp.tun.cli;

import io.jtcp.stack.StackConfig;
import io.jtcp.stack.fault.FaultSpec;
import java.util.List;

/**
 * One guided scenario of {@code jtcp demo SCENARIO}: what it sets up, what it makes the kernel and
 * jtcp do, and what a student should look at afterwards. {@link DemoLab} does the rest (namespace,
 * capture, ladders).
 */
interface DemoScenario {
    String name();

    /** One line for {@code --list}. */
    String summary();

    /** Adjusts jtcp's configuration before it starts (MSL is already set). */
    default void configure(StackConfig config) {}

    /** Faults on what the kernel sends jtcp, or null. */
    default FaultSpec inboundFaults() {
        return null;
    }

    /** Faults on what jtcp sends, or null. */
    default FaultSpec outboundFaults() {
        return null;
    }

    /** Raw sequence numbers in the ladders (the handshake's ISN x, ack x+1). */
    default boolean absolute() {
        return false;
    }

    /** Runs the scenario; {@link DemoLab#show} names the connections to draw. */
    void run(DemoLab lab) throws Exception;

    /** Two or three lines: what to look at, and the RFC section. */
    List<String> lookAt(DemoLab lab);
}
