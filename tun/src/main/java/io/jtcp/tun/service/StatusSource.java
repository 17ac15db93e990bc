package io.jtcp.tun.service;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Makes the HTML of {@link HttpService}'s {@code GET /}: called on the loop thread, it must hand
 * the page to {@code html} exactly once, on the loop thread, at once or from a later loop task (a
 * multi-queue host's page waits for every shard's loop to list its own connections); null when
 * it could not be made (the client gets a 500). The service reads no more of that connection's
 * requests until the page is there; one never handed over leaves the connection to its idle
 * timeout.
 */
@FunctionalInterface
public interface StatusSource {
    void render(Consumer<String> html);

    /** A page made at once by {@code page}. */
    static StatusSource of(Supplier<String> page) {
        return html -> html.accept(page.get());
    }
}
