// Test-only fault injection, LD_PRELOADed into a child tclsh: the kernel
// "has no IPv6" (socket(AF_INET6, ...) fails with EAFNOSUPPORT), as with
// ipv6.disable=1 on the kernel command line.
#include <cerrno>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

extern "C" int socket(int domain, int type, int protocol) {
    if (domain == AF_INET6) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return static_cast<int>(syscall(SYS_socket, domain, type, protocol));
}
