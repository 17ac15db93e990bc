package io.jtcp.viz.tcp;

import io.jtcp.stack.tcp.TcpState;

/**
 * A state change one side reported itself (jtcp's state trace), placed among the connection's
 * segments by order rather than by time: it happened after the first {@code before} segments and
 * before the next one. Times alone cannot place it, as a SYN, the state change it causes and the
 * SYN-ACK can share one clock reading.
 */
public record TracedState(int before, TcpState from, TcpState to) {}
