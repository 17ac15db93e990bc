package io.jtcp.viz.live;

/** Recordings for tests outside this package: a curl-like exchange through the live recorder. */
public final class LiveRecordings {
    private LiveRecordings() {}

    /** Handshake, GET, 200 OK with {@code bodySegments} of 1000 bytes, the peer closes first. */
    public static Recording exchange(int bodySegments, int maxSegments) {
        LiveRecorderTest t = new LiveRecorderTest();
        LiveRecorder r = t.recorder(maxSegments, 8);
        t.exchange(r, 40000, bodySegments);
        r.sweep();
        r.sweep();
        return t.done.get(0);
    }
}
