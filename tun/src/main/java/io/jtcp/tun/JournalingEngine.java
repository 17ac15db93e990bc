package io.jtcp.tun;

import io.jtcp.tun.trace.EngineJournal;
import org.agrona.MutableDirectBuffer;

/**
 * An {@link Engine} that writes each driving call, with the {@code nowNs} it was given, to an
 * {@link EngineJournal} before passing it on: the record {@code jtcp replay} needs to drive a fresh
 * engine through the same cycles. Queries ({@code nextDeadlineNs}, counts) are not recorded: they
 * change nothing.
 */
final class JournalingEngine implements Engine {
    private final Engine engine;
    private final EngineJournal journal;

    JournalingEngine(Engine engine, EngineJournal journal) {
        this.engine = engine;
        this.journal = journal;
    }

    @Override
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length) {
        journal.packet(nowNs, length, false);
        engine.onPacket(nowNs, buffer, offset, length);
    }

    @Override
    public void onPacket(long nowNs, MutableDirectBuffer buffer, int offset, int length, boolean checksumTrusted) {
        journal.packet(nowNs, length, checksumTrusted);
        engine.onPacket(nowNs, buffer, offset, length, checksumTrusted);
    }

    @Override
    public void onTimeout(long nowNs) {
        journal.call(EngineJournal.TIMEOUT, nowNs);
        engine.onTimeout(nowNs);
    }

    @Override
    public void flush(long nowNs) {
        journal.call(EngineJournal.FLUSH, nowNs);
        engine.flush(nowNs);
    }

    @Override
    public long nextDeadlineNs() {
        return engine.nextDeadlineNs();
    }

    @Override
    public void shutdown(long nowNs) {
        journal.call(EngineJournal.SHUTDOWN, nowNs);
        engine.shutdown(nowNs);
    }

    @Override
    public void closeGracefully(long nowNs) {
        journal.call(EngineJournal.CLOSE_ALL, nowNs);
        engine.closeGracefully(nowNs);
    }

    @Override
    public Throwable takeConnectionError() {
        return engine.takeConnectionError();
    }

    @Override
    public String memoryPressure() {
        return engine.memoryPressure();
    }

    @Override
    public void onOutOfMemory() {
        journal.call(EngineJournal.OUT_OF_MEMORY, 0);
        engine.onOutOfMemory();
    }

    @Override
    public int openConnections() {
        return engine.openConnections();
    }
}
