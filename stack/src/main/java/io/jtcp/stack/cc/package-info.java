/**
 * Congestion control as a plug-in: the {@link io.jtcp.stack.cc.CongestionControl} interface the
 * engine calls, the per-ACK {@link io.jtcp.stack.cc.AckSample} it fills (with a delivery-rate
 * sample, draft-cheng-iccrg-delivery-rate-estimation), and the algorithms jtcp ships.
 */
package io.jtcp.stack.cc;
