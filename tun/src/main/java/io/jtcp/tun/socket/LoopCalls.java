package io.jtcp.tun.socket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Control-plane round trips to the loop (listen, unlisten): rare, so a future per call is fine. */
final class LoopCalls {
    private LoopCalls() {}

    /** Blocking calls on the loop thread would wait for themselves. */
    static void checkNotLoopThread(LoopContext loop) {
        if (loop.inLoopThread()) {
            throw new IllegalStateException(
                    "blocking socket call on the event loop thread (it would wait for itself): use the callback API"
                            + " or call from another thread");
        }
    }

    /** Runs {@code task} on the loop thread and returns its result; its exceptions are rethrown. */
    static <T> T call(LoopContext loop, Supplier<T> task) throws IOException {
        checkNotLoopThread(loop);
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        while (true) {
            try {
                return result.get(loop.watchdogNs(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (loop.stopped() && !result.isDone()) {
                    throw new SocketException("jtcp host stopped");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                throw new SocketException(String.valueOf(cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }
}
