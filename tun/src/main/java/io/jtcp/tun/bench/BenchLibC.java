package io.jtcp.tun.bench;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The libc calls the benchmark needs beyond {@link io.jtcp.tun.TunDevice}'s: {@code poll(2)}, to
 * wait for the device when a read or write would block, and a UDP socket for the sender. JNA direct
 * mapping, raw addresses, errno through {@link Native#getLastError()} like {@code io.jtcp.tun.LibC}.
 */
final class BenchLibC {
    static {
        io.jtcp.tun.JnaPaths.init();
        Native.register(BenchLibC.class, NativeLibrary.getInstance("c"));
    }

    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_UDP = 17;
    /** linux/udp.h: the payload size of each datagram the kernel cuts a large send into (UDP GSO). */
    static final int UDP_SEGMENT = 103;

    private BenchLibC() {}

    /** poll(2): {@code fds} is an array of {@code struct pollfd {int fd; short events; short revents;}}. */
    static native int poll(long fds, long nfds, int timeoutMs);

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int optname, long optval, int optlen);

    static native int connect(int fd, long addr, int addrlen);

    static native int bind(int fd, long addr, int addrlen);

    static native long send(int fd, long buf, long len, int flags);

    static native int close(int fd);

    static native long strerror(int errnum);

    static String describe(int errno) {
        long p = strerror(errno);
        return p == 0 ? "errno " + errno : new com.sun.jna.Pointer(p).getString(0);
    }
}
