package io.jtcp.tun.service;

import io.jtcp.stack.DropReason;
import io.jtcp.stack.NetworkStack;
import io.jtcp.stack.StackCounters;
import io.jtcp.stack.cc.CongestionControl;
import io.jtcp.stack.tcp.TcpConnection;
import io.jtcp.stack.tcp.TcpState;
import io.jtcp.stack.wire.Ipv4Header;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The HTML of {@code GET /}: connection counts per state, the first {@value #MAX_ROWS} connections,
 * every counter and every drop reason. It is rendered on the event loop, so its cost is bounded
 * whatever the table holds: the counts are kept incrementally by the stack ({@link
 * NetworkStack#connectionCount(TcpState)}), the rows come from a walk that stops at the cap without
 * copying the table, and TIME_WAIT is counted, never listed. A page is a few tens of kilobytes
 * with 100 000 connections as with one (with several queues, each queue's loop walks at most
 * {@value #MAX_ROWS} of its own).
 */
public final class StatusPage {
    /** Connection rows listed at most; the rest are counted ("… and N more"). */
    public static final int MAX_ROWS = 100;

    /** Characters of a controller's name or phase shown at most. */
    static final int MAX_NAME = 32;

    private static final TcpState[] STATES = TcpState.values();
    private static final DropReason[] REASONS = DropReason.values();
    /** Every public long of StackCounters, so counters added later show up without edits here. */
    private static final Field[] COUNTERS = longFields(StackCounters.class);

    private static final Field[] SERVICE_COUNTERS = longFields(ServiceTimers.class);

    private StatusPage() {}

    private static Field[] longFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (f.getType() == long.class && !Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        return fields.toArray(new Field[0]);
    }

    public static Supplier<String> of(NetworkStack stack) {
        return of(stack, null);
    }

    /** With the services' timeout counters ({@code timers} may be null). */
    public static Supplier<String> of(NetworkStack stack, ServiceTimers timers) {
        return () -> render(stack, timers, MAX_ROWS);
    }

    /** With {@code routes}' section (links to its pages) after the connection table; null: none. */
    public static Supplier<String> of(NetworkStack stack, ServiceTimers timers, HttpRoutes routes) {
        return () -> render(stack, timers, MAX_ROWS, routes);
    }

    /**
     * The page of one shard of a multi-queue host ({@code shards}; null or one shard: {@link
     * #of(NetworkStack, ServiceTimers, HttpRoutes)}): counts and counters (the services' too) added
     * up over every shard, a row per shard, and the connections of every shard, each listed by its
     * own shard's loop (a table belongs to its loop thread) and handed to this one; the page is
     * made once every shard has answered. At most {@value #MAX_ROWS} rows in all, shared out in
     * turn so that a crowded shard does not hide the others.
     */
    public static StatusSource of(NetworkStack stack, ServiceTimers timers, HttpRoutes routes, ShardStatus shards) {
        if (shards == null || shards.shardCount() == 1) {
            return StatusSource.of(of(stack, timers, routes));
        }
        return html -> {
            final int n = shards.shardCount();
            final List<List<String>> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(null);
            }
            final int[] waiting = {n}; // touched on this loop only: the answers come back to it
            for (int i = 0; i < n; i++) {
                final int shard = i;
                shards.askShard(shard, s -> rowsOf(s, shard, MAX_ROWS), r -> {
                    rows.set(shard, r == null ? List.of() : r); // null: that loop stopped or failed
                    if (--waiting[0] == 0) {
                        String page;
                        try {
                            page = render(stack, timers, MAX_ROWS, routes, shards, rows);
                        } catch (RuntimeException | OutOfMemoryError e) {
                            page = null; // the client gets a 500 rather than waiting for nothing
                        }
                        html.accept(page);
                    }
                });
            }
        };
    }

    /** The page, listing at most {@code maxRows} connections. Loop thread only. */
    public static String render(NetworkStack stack, ServiceTimers timers, int maxRows) {
        return render(stack, timers, maxRows, null);
    }

    /** As above, with {@code routes}' section (null: none). */
    public static String render(NetworkStack stack, ServiceTimers timers, int maxRows, HttpRoutes routes) {
        return render(stack, timers, maxRows, routes, null, null);
    }

    /**
     * Shard {@code shard}'s connections as table rows (its queue in the first column), at most
     * {@code maxRows}. On that shard's loop thread only.
     */
    static List<String> rowsOf(NetworkStack stack, int shard, int maxRows) {
        List<String> rows = new ArrayList<>();
        stack.forEachConnection(maxRows, c -> {
            StringBuilder row = new StringBuilder(256);
            connectionRow(row, c, shard);
            rows.add(row.toString());
        });
        return rows;
    }

    /**
     * The page over {@code shards} with every shard's rows ({@code shardRows}, from {@link
     * #rowsOf}), or of {@code stack} alone, walking its table, when {@code shards} is null.
     */
    private static String render(
            NetworkStack stack,
            ServiceTimers timers,
            int maxRows,
            HttpRoutes routes,
            ShardStatus shards,
            List<List<String>> shardRows) {
        final NetworkStack[] all = stacks(stack, shards);
        int timeWait = count(all, TcpState.TIME_WAIT);
        int open = 0;
        for (TcpState s : STATES) {
            if (s != TcpState.TIME_WAIT) {
                open += count(all, s);
            }
        }
        StringBuilder sb = new StringBuilder(8192 + 200 * Math.min(maxRows, open));
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>jtcp</title></head><body>\n");
        sb.append("<h1>jtcp</h1>\n<p>A user-space TCP/IPv4 stack in Java, answering through a TUN device.</p>\n");
        sb.append("<h2>Connections (")
                .append(open)
                .append(" open, ")
                .append(timeWait)
                .append(" in TIME_WAIT)</h2>\n");
        sb.append("<table border=\"1\">\n<tr><th>state</th><th>connections</th></tr>\n");
        int halfOpen = 0;
        for (NetworkStack s : all) {
            halfOpen += s.halfOpenCount();
        }
        for (TcpState s : STATES) {
            int n = count(all, s);
            if (n > 0) {
                row(sb, s.name(), Integer.toString(n));
            }
        }
        row(sb, "half-open (SYN_RECEIVED, passive)", Integer.toString(halfOpen));
        sb.append("</table>\n");
        final int self = all.length > 1 ? indexOf(all, stack) : 0;
        final int listed;
        if (all.length > 1) {
            shardTable(sb, all, shards, self);
            sb.append("<h2>Connections of every queue (each listed by its own queue's loop)</h2>\n");
            sb.append("<table border=\"1\">\n<tr><th>queue</th>").append(COLUMNS);
            listed = listInTurn(sb, shardRows, maxRows);
        } else {
            sb.append("<table border=\"1\">\n<tr>").append(COLUMNS);
            listed = stack.forEachConnection(maxRows, c -> connectionRow(sb, c, -1));
        }
        sb.append("</table>\n");
        if (open > listed) {
            sb.append("<p>&hellip; and ")
                    .append(open - listed)
                    .append(" more (")
                    .append(listed)
                    .append(" listed at most ")
                    .append(maxRows)
                    .append(")</p>\n");
        }
        if (routes != null) {
            routes.statusSection(sb);
        }
        StackCounters counters = stack.counters();
        if (all.length > 1) {
            counters = new StackCounters();
            for (NetworkStack s : all) {
                counters.add(s.counters());
            }
        }
        sb.append("<h2>Counters</h2>\n<table border=\"1\">\n");
        fieldRows(sb, COUNTERS, counters);
        if (timers != null) {
            if (all.length > 1) {
                serviceRows(sb, shards);
                // The armed timers are a heap of the serving loop's: its size alone is read.
                row(sb, "serviceTimersArmed (queue " + self + ")", Integer.toString(timers.size()));
            } else {
                fieldRows(sb, SERVICE_COUNTERS, timers);
                row(sb, "serviceTimersArmed", Integer.toString(timers.size()));
            }
        }
        sb.append("</table>\n<h2>Drops</h2>\n<table border=\"1\">\n<tr><th>reason</th><th>count</th></tr>\n");
        for (DropReason r : REASONS) {
            if (r != DropReason.NONE) {
                row(sb, escape(r.description()), Long.toString(counters.drops(r)));
            }
        }
        sb.append("</table>\n</body></html>\n");
        return sb.toString();
    }

    /**
     * Appends at most {@code maxRows} of the shards' rows, grouped by shard: the quota is dealt
     * out one row per shard in turn, so every shard with connections shows some. Returns how many.
     */
    private static int listInTurn(StringBuilder sb, List<List<String>> shardRows, int maxRows) {
        int[] take = new int[shardRows.size()];
        int dealt = 0;
        for (boolean more = true; more && dealt < maxRows; ) {
            more = false;
            for (int i = 0; i < take.length && dealt < maxRows; i++) {
                if (take[i] < shardRows.get(i).size()) {
                    take[i]++;
                    dealt++;
                    more = true;
                }
            }
        }
        for (int i = 0; i < take.length; i++) {
            for (String row : shardRows.get(i).subList(0, take[i])) {
                sb.append(row);
            }
        }
        return dealt;
    }

    private static NetworkStack[] stacks(NetworkStack stack, ShardStatus shards) {
        if (shards == null || shards.shardCount() == 1) {
            return new NetworkStack[] {stack};
        }
        NetworkStack[] all = new NetworkStack[shards.shardCount()];
        for (int i = 0; i < all.length; i++) {
            all[i] = shards.stackForReading(i);
        }
        return all;
    }

    /** The shard whose stack is {@code stack}: the one serving the page. */
    private static int indexOf(NetworkStack[] all, NetworkStack stack) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == stack) {
                return i;
            }
        }
        throw new IllegalArgumentException("the serving stack is none of the shards'");
    }

    /** Every shard's service counters added up, each read racily as the stack counters are. */
    private static void serviceRows(StringBuilder sb, ShardStatus shards) {
        for (Field f : SERVICE_COUNTERS) {
            long sum = 0;
            for (int i = 0; i < shards.shardCount(); i++) {
                try {
                    sum += f.getLong(shards.serviceTimersForReading(i));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e); // public fields of our own class
                }
            }
            row(sb, f.getName(), Long.toString(sum));
        }
    }

    private static int count(NetworkStack[] stacks, TcpState state) {
        int n = 0;
        for (NetworkStack s : stacks) {
            n += s.connectionCount(state);
        }
        return n;
    }

    /** One row per queue: what it holds and carried, and what the hand-off between them moved. */
    private static void shardTable(StringBuilder sb, NetworkStack[] all, ShardStatus shards, int self) {
        sb.append("<h2>Queues (")
                .append(all.length)
                .append("; this page from queue ")
                .append(self)
                .append(")</h2>\n<table border=\"1\">\n")
                .append("<tr><th>queue</th><th>connections</th><th>opened</th><th>accepted</th><th>ip in</th>"
                        + "<th>ip out</th><th>handed off</th><th>handed in</th><th>hand-off drops</th></tr>\n");
        for (int i = 0; i < all.length; i++) {
            StackCounters c = all[i].counters();
            io.jtcp.tun.ShardLink link = shards.link(i);
            sb.append("<tr><td>").append(i).append(i == self ? " (this page)" : "");
            for (long v : new long[] {
                all[i].connectionCount(),
                c.tcpConnectionsOpened,
                c.tcpConnectionsAccepted,
                c.ipPacketsIn,
                c.ipPacketsOut,
                link.handedOff,
                link.handedIn,
                link.handoffDrops
            }) {
                sb.append("</td><td>").append(v);
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    /** The connection table's column headings after the queue's, with the end of their row. */
    private static final String COLUMNS = "<th>local</th><th>remote</th><th>state</th><th>bytes in</th>"
            + "<th>bytes out</th><th>in flight</th><th>cwnd</th><th>ssthresh</th><th>cc</th><th>phase</th>"
            + "<th>retransmits</th><th>RTO ms</th><th>SRTT ms</th></tr>\n";

    /** A row for {@code c}, beginning with its queue's column unless {@code queue} is negative. */
    private static void connectionRow(StringBuilder sb, TcpConnection c, int queue) {
        sb.append("<tr><td>");
        if (queue >= 0) {
            sb.append(queue).append("</td><td>");
        }
        sb.append(Ipv4Header.addressToString(c.localAddr())).append(':').append(c.localPort());
        sb.append("</td><td>")
                .append(Ipv4Header.addressToString(c.remoteAddr()))
                .append(':')
                .append(c.remotePort());
        sb.append("</td><td>").append(c.state());
        sb.append("</td><td>").append(c.bytesReceived());
        sb.append("</td><td>").append(c.bytesSent());
        sb.append("</td><td>").append(c.bytesInFlight());
        sb.append("</td><td>").append(c.congestionWindowBytes());
        // Congestion control (issue #10 §4): ssthresh ("-" while unknown), algorithm, phase.
        long ssthresh = c.slowStartThresholdBytes();
        sb.append("</td><td>");
        if (ssthresh == Long.MAX_VALUE) {
            sb.append('-');
        } else {
            sb.append(ssthresh);
        }
        CongestionControl cc = c.congestionControl();
        sb.append("</td><td>").append(cc == null ? "" : bounded(cc.name()));
        sb.append("</td><td>").append(cc == null ? "" : bounded(cc.phase()));
        sb.append("</td><td>").append(c.retransmits());
        sb.append("</td><td>").append(c.rtoNs() / 1_000_000);
        long srttUs = c.srttNs() / 1_000;
        sb.append("</td><td>").append(srttUs / 1000).append('.');
        long frac = srttUs % 1000;
        sb.append(frac < 100 ? (frac < 10 ? "00" : "0") : "").append(frac);
        sb.append("</td></tr>\n");
    }

    private static void fieldRows(StringBuilder sb, Field[] fields, Object owner) {
        for (Field f : fields) {
            try {
                row(sb, f.getName(), Long.toString(f.getLong(owner)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e); // public fields of our own classes
            }
        }
    }

    /** Names from a controller (perhaps a plug-in's): escaped and cut, so a row stays small. */
    private static String bounded(String s) {
        return escape(s.length() > MAX_NAME ? s.substring(0, MAX_NAME) : s);
    }

    /** HTML-escapes {@code s} for text and attribute values. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><td>").append(name).append("</td><td>").append(value).append("</td></tr>\n");
    }
}
