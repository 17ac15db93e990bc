package io.jtcp.tun.service;

import java.util.function.Consumer;

/**
 * More pages for {@link HttpService} beside {@code /} and {@code /bytes/N}, and a section of the
 * status page that links to them (e.g. the pictures of each connection). Called on the event
 * loop thread; a page that takes long to make is made elsewhere and handed back later, so the
 * loop never waits for it.
 */
public interface HttpRoutes {
    /** An answer: status (200, 404, 503...), content type and body. */
    record Page(int status, String contentType, byte[] body) {
        /** A 200 answer. */
        public static Page ok(String contentType, byte[] body) {
            return new Page(200, contentType, body);
        }
    }

    /**
     * Answers {@code path} (the request target without its query) by calling {@code reply} once
     * on the loop thread: at once, or later from a task run on the loop. Null means there is no
     * such page (the client gets a 404). A route that throws gets the client a 500.
     */
    void get(String path, Consumer<Page> reply);

    /** Appends HTML to the status page, after the connection table. */
    default void statusSection(StringBuilder html) {}
}
