package io.jtcp.tun.socket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.agrona.MutableDirectBuffer;

/**
 * One operation handed from an application thread to the loop (connect, read, write, a call), and
 * its result handed back.
 *
 * <p>The handoff is a state word. The loop CLAIMs the operation before it touches the caller's
 * buffer and either completes it (DONE) or puts it back (PENDING) to continue at the next event;
 * the caller may CANCEL only a PENDING operation (timeout, interrupt). So a cancelled operation's
 * buffer is never written after the caller gave up, and a caller that could not cancel knows the
 * loop is about to finish. The waiter parks with {@link LockSupport} and re-checks the state word
 * after every wake-up: an unpark that comes before the park leaves a permit, so no wake-up is lost.
 * Parks are bounded ({@link #SLICE_NS}) only to notice a loop that stopped with the task unrun.
 */
final class Op {
    static final int PENDING = 0;
    static final int CLAIMED = 1;
    static final int DONE = 2;
    static final int CANCELLED = 3;

    /** How long a waiter sleeps before it checks that the loop still runs. */
    static final long SLICE_NS = 100_000_000L;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Op.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The caller's buffer, touched by the loop only while CLAIMED. */
    final MutableDirectBuffer buffer;

    final int offset;
    final int length;
    /** Bytes moved so far (loop thread only). */
    int progress;

    private volatile int state;
    private final Thread waiter;
    private final CompletableFuture<Integer> future;
    private final Executor executor;
    // Written before the volatile store of DONE, read after seeing DONE.
    private int result;
    private Failure failure;
    private String failureDetail;

    private Op(MutableDirectBuffer buffer, int offset, int length, Thread waiter, Executor executor) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.waiter = waiter;
        this.executor = executor;
        this.future = waiter == null ? new CompletableFuture<>() : null;
    }

    /** An operation a thread will wait for with {@link #await}. */
    static Op blocking(MutableDirectBuffer buffer, int offset, int length) {
        return new Op(buffer, offset, length, Thread.currentThread(), null);
    }

    /**
     * An operation whose result completes {@link #future()}: on the loop thread, or on {@code
     * executor} when it is not null.
     */
    static Op async(MutableDirectBuffer buffer, int offset, int length, Executor executor) {
        return new Op(buffer, offset, length, null, executor);
    }

    CompletableFuture<Integer> future() {
        return future;
    }

    /** Loop thread: takes the operation for one step; false when the caller has given up. */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    /** Loop thread: the step is done but the operation is not; the next event continues it. */
    void release() {
        state = PENDING;
    }

    /** Loop thread, while CLAIMED: the operation succeeded with {@code value}. */
    void complete(int value) {
        result = value;
        state = DONE;
        signal();
    }

    /** Loop thread, while CLAIMED: the operation failed. */
    void fail(Failure why, String detail) {
        failure = why;
        failureDetail = detail;
        state = DONE;
        signal();
    }

    /** Loop thread: claims and fails in one step; no-op when the caller gave up or it is done. */
    void failIfPending(Failure why, String detail) {
        if (claim()) {
            fail(why, detail);
        }
    }

    /** Caller: gives up on an operation the loop is not working on. */
    boolean cancel() {
        return STATE.compareAndSet(this, PENDING, CANCELLED);
    }

    boolean isDone() {
        return state == DONE;
    }

    private void signal() {
        if (waiter != null) {
            LockSupport.unpark(waiter);
            return;
        }
        if (executor == null) {
            finishFuture();
        } else {
            try {
                executor.execute(this::finishFuture);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }

    private void finishFuture() {
        if (failure == null) {
            future.complete(result);
        } else {
            future.completeExceptionally(failure.exception(failureDetail));
        }
    }

    /** The outcome, or the cancellation/timeout as a caller sees it. */
    enum Outcome {
        DONE,
        TIMED_OUT,
        INTERRUPTED,
        LOOP_STOPPED
    }

    /**
     * Caller: waits until the operation is DONE, or cancels it when {@code timeoutNs} (0: none)
     * passes, the thread is interrupted ({@code interruptible}) or the loop stopped.
     */
    Outcome awaitOutcome(long timeoutNs, boolean interruptible, LoopContext loop) {
        final long deadline = timeoutNs > 0 ? System.nanoTime() + timeoutNs : 0;
        while (true) {
            final int s = state;
            if (s == DONE) {
                return Outcome.DONE;
            }
            long parkNs = loop.watchdogNs();
            if (s == PENDING) {
                if (deadline != 0) {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (cancel()) {
                            return Outcome.TIMED_OUT;
                        }
                        continue;
                    }
                    parkNs = Math.min(parkNs, left);
                }
                if (interruptible && Thread.currentThread().isInterrupted()) {
                    if (cancel()) {
                        return Outcome.INTERRUPTED;
                    }
                    continue;
                }
                if (loop.stopped() && cancel()) {
                    return Outcome.LOOP_STOPPED;
                }
            } else if (s == CLAIMED) {
                // The loop is in the middle of a step: it ends in microseconds.
                Thread.onSpinWait();
                parkNs = 10_000L;
            }
            LockSupport.parkNanos(this, parkNs);
        }
    }

    /**
     * Caller: waits and returns the result, as java.net would: SocketTimeoutException on timeout
     * (the connection stays usable for reads), SocketException when the loop stopped.
     * Interrupts are not acted on (java.net's platform sockets ignore them too); the flag stays.
     */
    int await(long timeoutNs, LoopContext loop) throws IOException {
        switch (awaitOutcome(timeoutNs, false, loop)) {
            case TIMED_OUT:
                throw new SocketTimeoutException(timeoutNs >= 1_000_000 ? "Read timed out" : "timed out");
            case LOOP_STOPPED:
                throw new SocketException("jtcp host stopped");
            default:
                return resultOrThrow();
        }
    }

    /** After DONE: the result, or the failure as a fresh exception (with the caller's stack). */
    int resultOrThrow() throws IOException {
        if (failure != null) {
            throw failure.exception(failureDetail);
        }
        return result;
    }
}
