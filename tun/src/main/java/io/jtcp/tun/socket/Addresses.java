package io.jtcp.tun.socket;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;

/** Between java.net's addresses and the stack's IPv4 ints. */
final class Addresses {
    private Addresses() {}

    static int toInt(InetAddress address) throws SocketException {
        if (!(address instanceof Inet4Address)) {
            throw new SocketException("jtcp speaks IPv4 only: " + address);
        }
        final byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static InetAddress toInet(int address) {
        try {
            return InetAddress.getByAddress(
                    new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
                    });
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    static InetSocketAddress resolved(SocketAddress address) throws UnknownHostException {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("unsupported address type: " + address);
        }
        final InetSocketAddress inet = (InetSocketAddress) address;
        if (inet.isUnresolved()) {
            throw new UnknownHostException(inet.getHostName());
        }
        return inet;
    }
}
