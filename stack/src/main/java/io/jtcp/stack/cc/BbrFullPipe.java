package io.jtcp.stack.cc;

/**
 * BBR's full-pipe detector (draft-ietf-ccwg-bbr-01 §4.3.1.2, BBRCheckFullBWReached): the pipe is
 * full once the max bandwidth grew less than 25 % in three non-app-limited rounds. v3 runs it in
 * ProbeBW_UP as well ({@link #now()}), restarting it at each probe.
 */
final class BbrFullPipe {
    private long fullBw;
    private int count;
    private boolean now;
    private boolean reached;

    /** Once per ACK, with the max-bw estimate after it. */
    void check(long maxBw, boolean roundStart, boolean appLimited) {
        if (now || !roundStart || appLimited) {
            return;
        }
        if (maxBw >= fullBw * Bbr.FULL_BW_THRESH) {
            restart(maxBw);
            return;
        }
        count++;
        now = count >= Bbr.FULL_BW_COUNT;
        if (now) {
            reached = true;
        }
    }

    /** BBRResetFullBW, then {@code full_bw = bw}. */
    void restart(long bw) {
        fullBw = bw;
        count = 0;
        now = false;
    }

    /** Startup ended for another reason (too much loss). */
    void markReached() {
        reached = true;
    }

    /** The bandwidth stopped growing in the current probe ({@code full_bw_now}). */
    boolean now() {
        return now;
    }

    /** The pipe was found full once ({@code full_bw_reached}). */
    boolean reached() {
        return reached;
    }
}
