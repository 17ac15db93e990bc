package io.jtcp.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * An experiment matrix: every combination of the listed algorithms, rates, RTTs, losses, queues
 * and flow counts, each run for {@code seconds} with {@code seed}. Cells come out in that nesting
 * order (algorithm outermost, flow count innermost).
 */
public record Matrix(
        List<String> ccs,
        List<Long> rates,
        List<Long> rtts,
        List<Double> losses,
        List<QueueSize> queues,
        List<Integer> flows,
        long seconds,
        long seed) {
    public Matrix {
        ccs = List.copyOf(ccs);
        rates = List.copyOf(rates);
        rtts = List.copyOf(rtts);
        losses = List.copyOf(losses);
        queues = List.copyOf(queues);
        flows = List.copyOf(flows);
        if (ccs.isEmpty()
                || rates.isEmpty()
                || rtts.isEmpty()
                || losses.isEmpty()
                || queues.isEmpty()
                || flows.isEmpty()) {
            throw new IllegalArgumentException("every dimension of the matrix needs at least one value");
        }
    }

    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (String cc : ccs) {
            for (long rate : rates) {
                for (long rtt : rtts) {
                    for (double loss : losses) {
                        for (QueueSize q : queues) {
                            for (int n : flows) {
                                cells.add(new Cell(cc, rate, rtt, loss, q, n, seconds, seed));
                            }
                        }
                    }
                }
            }
        }
        return cells;
    }
}
