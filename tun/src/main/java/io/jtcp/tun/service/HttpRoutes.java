package io.jtcp.tun.service;

/**
 * More pages for {@link HttpService} beside {@code /} and {@code /bytes/N}, and a section of the
 * status page that links to them (e.g. the pictures of each connection). Called on the event
 * loop thread: answers must be quick and bounded.
 */
public interface HttpRoutes {
    /** A 200 answer. */
    record Page(String contentType, byte[] body) {}

    /**
     * The page at {@code path} (the request target without its query), or null when there is
     * none: the client then gets a 404. Must not throw for any path; if it does, the client gets
     * a 500.
     */
    Page get(String path);

    /** Appends HTML to the status page, after the connection table. */
    default void statusSection(StringBuilder html) {}
}
