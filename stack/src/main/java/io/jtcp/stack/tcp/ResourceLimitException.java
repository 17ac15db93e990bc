package io.jtcp.stack.tcp;

/**
 * A new connection was refused because a resource limit of the stack is reached (the memory
 * budget under pressure): a clean refusal the application may retry later, not a bug.
 */
public final class ResourceLimitException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ResourceLimitException(String message) {
        super(message);
    }
}
