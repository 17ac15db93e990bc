package io.jtcp.viz.capture;

/** An IPv4 address and TCP port. */
public record Endpoint(int addr, int port) {
    static String format(int addr, int port) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xff) + "." + ((addr >>> 8) & 0xff) + "." + (addr & 0xff) + ":"
                + port;
    }

    @Override
    public String toString() {
        return format(addr, port);
    }
}
