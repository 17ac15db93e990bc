package io.jtcp.tun.replay;

import io.jtcp.tun.trace.EngineJournal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A replay journal ({@link EngineJournal}'s format) read back: the header's {@code key=value}
 * entries and the engine calls in order. A file cut short (the process was killed before its last
 * flush) keeps the records before the cut and says where it ended.
 *
 * @param truncation why the file ended early, or null
 */
public record Journal(Map<String, String> header, List<Entry> entries, String truncation) {
    /** One engine call or application note; {@code length} for packets, {@code note} for notes. */
    public record Entry(byte type, long nowNs, int length, String note) {}

    /**
     * Reads {@code file}.
     *
     * @throws ReplayException when it is missing or not a journal
     */
    public static Journal read(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReplayException("cannot read replay journal " + file + ": " + e.getMessage());
        }
        if (all.length < EngineJournal.MAGIC.length
                || !Arrays.equals(Arrays.copyOf(all, EngineJournal.MAGIC.length), EngineJournal.MAGIC)) {
            throw new ReplayException(file + " is not a jtcp replay journal");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        b.position(EngineJournal.MAGIC.length);
        Map<String, String> header = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        String truncation = null;
        while (b.hasRemaining()) {
            int start = b.position();
            byte type = b.get();
            try {
                switch (type) {
                    case EngineJournal.HEADER -> {
                        int n = b.getInt();
                        String text = text(b, n);
                        for (String line : text.split("\n")) {
                            int eq = line.indexOf('=');
                            if (eq > 0) {
                                header.put(line.substring(0, eq), line.substring(eq + 1));
                            }
                        }
                    }
                    case EngineJournal.NOTE -> {
                        long now = b.getLong();
                        int n = b.getShort() & 0xFFFF;
                        entries.add(new Entry(type, now, 0, text(b, n)));
                    }
                    case EngineJournal.PACKET, EngineJournal.PACKET_TRUSTED -> {
                        long now = b.getLong();
                        entries.add(new Entry(type, now, b.getInt(), null));
                    }
                    case EngineJournal.TIMEOUT,
                            EngineJournal.FLUSH,
                            EngineJournal.CLOSE_ALL,
                            EngineJournal.SHUTDOWN,
                            EngineJournal.OUT_OF_MEMORY -> entries.add(new Entry(type, b.getLong(), 0, null));
                    default -> throw new ReplayException(
                            file + ": unknown journal record type " + (type & 0xFF) + " at byte " + start);
                }
            } catch (java.nio.BufferUnderflowException e) {
                truncation = "journal ends early at byte " + start + " (a record cut short)";
                break;
            }
        }
        if (header.isEmpty()) {
            throw new ReplayException(file + " has no header");
        }
        return new Journal(header, entries, truncation);
    }

    private static String text(ByteBuffer b, int n) {
        if (n < 0 || n > b.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] t = new byte[n];
        b.get(t);
        return new String(t, StandardCharsets.UTF_8);
    }
}
