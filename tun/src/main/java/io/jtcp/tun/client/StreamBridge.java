package io.jtcp.tun.client;

import io.jtcp.stack.tcp.CloseReason;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpHandler;
import io.jtcp.tun.StackLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Joins a connection to a pair of blocking streams, like nc: input → connection, connection →
 * output, half-close (FIN) when the input ends (RFC 9293 §3.6). Two threads do the blocking I/O; the
 * loop thread only moves chunks through two bounded queues, so a slow output or a fast input never
 * makes anything buffer without bound: when the output queue is full, the bridge stops reading the
 * connection and TCP's window closes; when the send buffer is full, the input thread blocks.
 */
public final class StreamBridge implements TcpHandler {
    private static final byte[] EOF = new byte[0];
    private static final int CHUNK = 64 * 1024;
    private static final int QUEUE_CHUNKS = 16;

    private final StackLoop loop;
    private final InputStream input;
    private final OutputStream output;
    private final BlockingQueue<byte[]> toConnection = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final BlockingQueue<byte[]> toOutput = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final CompletableFuture<CloseReason> finished = new CompletableFuture<>();
    private final byte[] readBuffer = new byte[CHUNK];
    private TcpConnection connection;
    private byte[] sending;
    private int sendingOffset;
    private boolean inputDone;
    private boolean peerClosed;
    private boolean outputEofQueued;
    private volatile boolean outputDone;
    private boolean closed;

    public StreamBridge(StackLoop loop, InputStream input, OutputStream output) {
        this.loop = loop;
        this.input = input;
        this.output = output;
    }

    /** Completes when both directions are done or the connection failed, with the reason. */
    public CompletableFuture<CloseReason> finished() {
        return finished;
    }

    @Override
    public void onConnected(TcpConnection c) {
        connection = c;
        Thread in = new Thread(this::inputThread, "jtcp-stdin");
        in.setDaemon(true);
        in.start();
        Thread out = new Thread(this::outputThread, "jtcp-stdout");
        out.setDaemon(true);
        out.start();
    }

    private void inputThread() {
        try {
            while (true) {
                byte[] buf = new byte[CHUNK];
                int n = input.read(buf);
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    toConnection.put(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
                    loop.execute(this::pumpToConnection);
                }
            }
        } catch (IOException | InterruptedException e) {
            // Treated as end of input.
        } catch (IllegalStateException e) {
            return; // the loop stopped
        }
        try {
            toConnection.put(EOF);
            loop.execute(this::pumpToConnection);
        } catch (InterruptedException | IllegalStateException e) {
            // Shutting down.
        }
    }

    private void outputThread() {
        try {
            while (true) {
                byte[] chunk = toOutput.take();
                if (chunk == EOF) {
                    break;
                }
                output.write(chunk);
                if (toOutput.isEmpty()) {
                    output.flush();
                }
                loop.execute(this::pumpFromConnection);
            }
            output.flush();
        } catch (IOException | InterruptedException | IllegalStateException e) {
            // The output went away: nothing more to deliver.
        }
        outputDone = true;
        try {
            loop.execute(this::checkDone);
        } catch (IllegalStateException e) {
            // The loop stopped.
        }
    }

    /** Loop thread: moves queued input into the send buffer. */
    private void pumpToConnection() {
        if (closed || inputDone) {
            return;
        }
        while (true) {
            if (sending == null) {
                sending = toConnection.poll();
                sendingOffset = 0;
                if (sending == null) {
                    return;
                }
            }
            if (sending == EOF) {
                inputDone = true;
                sending = null;
                connection.shutdownOutput();
                checkDone();
                return;
            }
            int n = connection.write(sending, sendingOffset, sending.length - sendingOffset);
            sendingOffset += n;
            if (sendingOffset < sending.length) {
                return; // send buffer full: onWritable resumes
            }
            sending = null;
        }
    }

    /** Loop thread: moves received data to the output queue while it has room. */
    private void pumpFromConnection() {
        if (closed || outputEofQueued) {
            return;
        }
        while (toOutput.remainingCapacity() > 1) {
            int n = connection.read(readBuffer, 0, readBuffer.length);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                outputEofQueued = true;
                toOutput.offer(EOF);
                return;
            }
            toOutput.offer(java.util.Arrays.copyOf(readBuffer, n));
        }
    }

    private void checkDone() {
        if (outputDone && peerClosed && !closed) {
            // The peer has closed and everything it sent is delivered: close our side too (its
            // FIN follows any data still buffered), as nc does.
            closed = true;
            connection.close();
            finished.complete(CloseReason.NORMAL);
        }
    }

    @Override
    public void onReadable(TcpConnection c) {
        pumpFromConnection();
    }

    @Override
    public void onWritable(TcpConnection c) {
        pumpToConnection();
    }

    @Override
    public void onPeerClosed(TcpConnection c) {
        peerClosed = true;
        pumpFromConnection();
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        closed = true;
        if (!outputEofQueued) {
            outputEofQueued = true;
            toOutput.offer(EOF);
        }
        finished.complete(reason);
    }
}
