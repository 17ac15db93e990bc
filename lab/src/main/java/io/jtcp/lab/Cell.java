package io.jtcp.lab;

import java.util.Locale;

/**
 * One experiment of a matrix: an algorithm on one path (rate, round-trip time, random loss,
 * queue), with {@code flows} bulk transfers for {@code seconds} of virtual time, seeded.
 */
public record Cell(
        String cc, long rateBitsPerSec, long rttNs, double loss, QueueSize queue, int flows, long seconds, long seed) {
    public Cell {
        if (rateBitsPerSec <= 0 || rttNs <= 0 || flows < 1 || seconds < 1 || !(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("bad cell: " + cc + " " + rateBitsPerSec + " " + rttNs + " " + loss);
        }
    }

    public long queueBytes() {
        return queue.bytes(rateBitsPerSec, rttNs);
    }

    public double queueBdp() {
        return queue.bdp(rateBitsPerSec, rttNs);
    }

    /** A file-name-safe name: {@code newreno_100mbit_100ms_loss0.01pct_q1bdp_f1_60s_seed1}. */
    public String name() {
        return String.format(
                        Locale.ROOT,
                        "%s_%s_%sms_loss%spct_q%s_f%d_%ds_seed%d",
                        cc,
                        Units.formatRate(rateBitsPerSec),
                        QueueSize.trim(rttNs / 1e6),
                        QueueSize.trim(Math.round(loss * 100 * 1e6) / 1e6),
                        queue.label(),
                        flows,
                        seconds,
                        seed)
                .replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
