/**
 * Deterministic harnesses for the TCP engine: scripted segments over one engine with an injected
 * clock, and two engines over an in-memory link.
 *
 * <ul>
 *   <li>{@link io.jtcp.stack.harness.TcpScript}: packetdrill in Java over one engine and a fake
 *       clock. The test is the peer: {@code inject(Seg.syn().seq(0).mss(1460))}, {@code
 *       expect(Seg.synAck().seq(0).ack(1))}, {@code expectAt(t, seg)} for a retransmission at an
 *       exact time, {@code advanceToNextDeadline()}. Sequence numbers are relative to the ISNs; a
 *       failure prints the whole script so far, tcpdump-like. Fixtures reach each state through
 *       a real handshake: {@code establishedPassive()}, {@code establishedActive()}, {@code
 *       synSent()}, {@code synReceived()}, {@code finWait1()}, {@code finWait2()}, {@code
 *       closeWait()}, {@code lastAck()}, {@code closing()}, {@code timeWait()};
 *       {@link io.jtcp.stack.harness.StateFixture} lists the synchronized ones with their
 *       SND.NXT/RCV.NXT for parameterized tests.
 *   <li>{@link io.jtcp.stack.harness.Pair}: two engines (10.7.0.2 and 10.7.0.1) over a seeded
 *       in-memory link with loss, duplication, reordering and delay; virtual time jumps to the
 *       next deadline or delivery; every loop is bounded. {@link io.jtcp.stack.harness.BulkApp}
 *       moves a seeded payload each way and checks it byte by byte and by SHA-256.
 *   <li>{@link io.jtcp.stack.harness.Coverage}: the (state × event) table every script feeds,
 *       printed by TransitionCoverageTest at the end of the suite.
 * </ul>
 */
package io.jtcp.stack.harness;
