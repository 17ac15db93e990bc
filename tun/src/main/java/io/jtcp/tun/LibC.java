package io.jtcp.tun;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The few libc calls jtcp needs, bound by JNA direct mapping ({@link Native#register}): primitive
 * signatures only, pointers passed as raw addresses of direct buffers. A direct-mapped call costs
 * about 70 ns here against about 200 ns for an interface-mapped one, and passing a {@code byte[]}
 * would make JNA copy it on every call (measured: a direct-mapped call costs about 70 ns).
 *
 * <p>Every call returns -1 on failure with the reason in {@link #errno()}, which JNA captures right
 * after the call on the calling thread. Exceptions are not used on the hot path: EAGAIN happens
 * every cycle and must not allocate.
 */
final class LibC {
    static {
        JnaPaths.init();
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    static final int O_RDWR = 0x2;
    static final int O_RDONLY = 0x0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int CLONE_NEWNET = 0x40000000;

    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    private LibC() {}

    static native int open(String path, int flags);

    static native int close(int fd);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    /** writev(2): {@code iov} is an array of {@code struct iovec {void *base; size_t len;}}. */
    static native long writev(int fd, long iov, int iovcnt);

    /** ioctl(2) is variadic; with one pointer argument the x86-64 and AArch64 calls are the same. */
    static native int ioctl(int fd, long request, long arg);

    static native int eventfd(int initval, int flags);

    static native int socket(int domain, int type, int protocol);

    /** ppoll(2): nanosecond timeout (a {@code struct timespec*}, 0 = forever), no signal mask. */
    static native int ppoll(long fds, long nfds, long timeout, long sigmask);

    static native int setns(int fd, int nstype);

    static native int isatty(int fd);

    static native long strerror(int errnum);

    static int errno() {
        return Native.getLastError();
    }

    /** The system's text for an errno value ("Operation not permitted"). */
    static String describe(int errno) {
        long p = strerror(errno);
        return p == 0 ? "errno " + errno : new com.sun.jna.Pointer(p).getString(0);
    }
}
