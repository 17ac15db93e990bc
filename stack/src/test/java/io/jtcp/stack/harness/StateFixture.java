package io.jtcp.stack.harness;

import io.jtcp.stack.tcp.TcpState;
import java.util.function.Function;

/**
 * Every synchronized state reachable by a {@link TcpScript} fixture, with the engine's SND.NXT and
 * RCV.NXT there (relative to the ISNs), so one parameterized test can state a rule for all of them.
 */
public enum StateFixture {
    ESTABLISHED_PASSIVE(TcpState.ESTABLISHED, 1, 1, TcpScript::establishedPassive),
    ESTABLISHED_ACTIVE(TcpState.ESTABLISHED, 1, 1, TcpScript::establishedActive),
    FIN_WAIT_1(TcpState.FIN_WAIT_1, 2, 1, TcpScript::finWait1),
    FIN_WAIT_2(TcpState.FIN_WAIT_2, 2, 1, TcpScript::finWait2),
    CLOSE_WAIT(TcpState.CLOSE_WAIT, 1, 2, TcpScript::closeWait),
    CLOSING(TcpState.CLOSING, 2, 2, TcpScript::closing),
    LAST_ACK(TcpState.LAST_ACK, 2, 2, TcpScript::lastAck),
    TIME_WAIT(TcpState.TIME_WAIT, 2, 2, TcpScript::timeWait);

    public final TcpState state;
    /** The engine's SND.NXT, relative to its ISN. */
    public final int sndNxt;
    /** The engine's RCV.NXT, relative to the peer's ISN. */
    public final int rcvNxt;

    private final Function<TcpScript, TcpScript> setup;

    StateFixture(TcpState state, int sndNxt, int rcvNxt, Function<TcpScript, TcpScript> setup) {
        this.state = state;
        this.sndNxt = sndNxt;
        this.rcvNxt = rcvNxt;
        this.setup = setup;
    }

    public TcpScript create() {
        return setup.apply(new TcpScript());
    }

    public TcpScript create(TcpScript fresh) {
        return setup.apply(fresh);
    }

    /** SND.UNA: in FIN-WAIT-1, CLOSING and LAST-ACK our FIN is still unacknowledged. */
    public int sndUna() {
        return state == TcpState.FIN_WAIT_1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK
                ? sndNxt - 1
                : sndNxt;
    }

    /** Has the peer's FIN been received (text after it is ignored, §3.10.7.4 seventh step)? */
    public boolean peerFinReceived() {
        return rcvNxt == 2;
    }
}
