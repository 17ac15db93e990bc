package io.jtcp.tun.replay;

import io.jtcp.stack.NetworkStack;
import io.jtcp.tun.service.ChargenService;
import io.jtcp.tun.service.DiscardService;
import io.jtcp.tun.service.EchoService;
import io.jtcp.tun.service.HttpRoutes;
import io.jtcp.tun.service.HttpService;
import io.jtcp.tun.service.ServiceTimers;
import io.jtcp.tun.service.ShardStatus;
import io.jtcp.tun.service.StatusPage;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jtcp serve}'s services as the replay journal names them, one note each ({@code listen
 * echo 7 idleNs=300000000000}, {@code listen http 80 headNs=... idleNs=...}): serve listens through
 * {@link #listen} with the very note it journals, so a replay rebuilds the same applications with
 * the same settings. The services are deterministic functions of what the engine tells them and of
 * the loop's time, which the journal also holds.
 */
public final class BuiltinServices {
    private BuiltinServices() {}

    /** The notes for serve's services (a null port: not running), in the order serve listens. */
    public static List<String> notes(
            Integer echo, Integer discard, Integer chargen, Integer http, long idleNs, long headNs, long httpIdleNs) {
        List<String> out = new ArrayList<>();
        if (echo != null) {
            out.add("listen echo " + echo + " idleNs=" + idleNs);
        }
        if (discard != null) {
            out.add("listen discard " + discard + " idleNs=" + idleNs);
        }
        if (chargen != null) {
            out.add("listen chargen " + chargen + " idleNs=" + idleNs);
        }
        if (http != null) {
            out.add("listen http " + http + " headNs=" + headNs + " idleNs=" + httpIdleNs);
        }
        return out;
    }

    /**
     * Listens on {@code stack} as {@code note} says.
     *
     * @return false when the note is not a service this class knows (nothing done)
     * @throws IllegalArgumentException when a known note is malformed
     */
    public static boolean listen(NetworkStack stack, ServiceTimers timers, String note) {
        return listen(stack, timers, note, null);
    }

    /**
     * As {@link #listen(NetworkStack, ServiceTimers, String)}, with {@code routes} (null: none)
     * answering the HTTP service's extra pages: serve's live pictures. Their pages are drawn off the
     * loop, so a replay (which has no routes) is identical only where no such page was asked for.
     */
    public static boolean listen(NetworkStack stack, ServiceTimers timers, String note, HttpRoutes routes) {
        return listen(stack, timers, note, routes, null);
    }

    /**
     * As {@link #listen(NetworkStack, ServiceTimers, String, HttpRoutes)} on one shard of a
     * multi-queue host: the status page adds up {@code shards} (null: this stack alone).
     */
    public static boolean listen(
            NetworkStack stack, ServiceTimers timers, String note, HttpRoutes routes, ShardStatus shards) {
        String[] w = note.split(" ");
        if (w.length < 3 || !w[0].equals("listen")) {
            return false;
        }
        int port = Integer.parseInt(w[2]);
        switch (w[1]) {
            case "echo" -> stack.listen(port, new EchoService(timers, value(w, "idleNs")));
            case "discard" -> stack.listen(port, new DiscardService(timers, value(w, "idleNs")));
            case "chargen" -> stack.listen(port, new ChargenService(timers, value(w, "idleNs")));
            case "http" -> stack.listen(
                    port,
                    new HttpService(
                            StatusPage.of(stack, timers, routes, shards),
                            routes,
                            timers,
                            value(w, "headNs"),
                            value(w, "idleNs")));
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long value(String[] words, String key) {
        for (String w : words) {
            if (w.startsWith(key + "=")) {
                return Long.parseLong(w.substring(key.length() + 1));
            }
        }
        throw new IllegalArgumentException("journal note without " + key + ": " + String.join(" ", words));
    }
}
