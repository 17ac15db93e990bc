package io.jtcp.tun.cli;

import io.jtcp.stack.fault.FaultSpec;
import io.jtcp.stack.tcp.TcpState;
import java.util.List;

/**
 * Both sides close at once. The fault injector delays each direction by {@link #DELAY}, so each FIN
 * leaves before the other arrives, however the two processes are scheduled: jtcp goes FIN_WAIT_1 →
 * CLOSING → TIME_WAIT, as does the kernel.
 */
final class SimultaneousCloseScenario implements DemoScenario {
    static final String DELAY = "delay=25ms";

    @Override
    public String name() {
        return "simultaneous-close";
    }

    @Override
    public String summary() {
        return "both sides close at the same time (25 ms each way): FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both";
    }

    @Override
    public FaultSpec inboundFaults() {
        return FaultSpec.parse(DELAY + ",seed=1");
    }

    @Override
    public FaultSpec outboundFaults() {
        return FaultSpec.parse(DELAY + ",seed=2");
    }

    @Override
    public void run(DemoLab lab) throws Exception {
        var accepted = lab.listen(7005);
        lab.say("$ python3 connects to jtcp:7005; then the kernel and jtcp close together (--fault " + DELAY
                + " both ways)");
        try (DemoPeer p = lab.python(
                """
                s = socket.create_connection(("10.7.0.2", 7005))
                say("connected")
                wait()
                s.close()
                say("closed")
                """)) {
            DemoConn d = DemoLab.take(accepted, "the kernel's connection");
            p.expect("connected", 5000);
            DemoConn.await(d.connected, 5000, "the handshake");
            DemoLab.pause(100);
            p.tell("close");
            d.close();
            p.expect("closed", 5000);
        }
        lab.say("waiting for jtcp's TIME_WAIT (2*MSL = " + lab.mslNs * 2 / 1e9 + " s) to end");
        lab.check(lab.awaitAllClosed(2 * lab.mslNs / 1_000_000 + 5000), "TIME_WAIT ended");
        lab.check(lab.trace.saw(TcpState.FIN_WAIT_1, TcpState.CLOSING), "jtcp went FIN_WAIT_1 -> CLOSING");
        lab.show(7005, "simultaneous close: the FINs cross, both sides pass CLOSING");
    }

    @Override
    public List<String> lookAt(DemoLab lab) {
        return List.of(
                "Each side sent its FIN before the other's arrived, so each receives a FIN while still in FIN_WAIT_1:",
                "that is CLOSING (RFC 9293 3.5, Figure 13). The ACKs of the two FINs then cross too, and both sides end",
                "in TIME_WAIT: in a simultaneous close both are active closers.");
    }
}
