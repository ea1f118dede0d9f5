// Listening TCP sockets: resolving, creating, binding and listening on a
// set of addresses all or nothing; checking inherited ones; accepting.
#ifndef TCLCAP_SOCKET_H
#define TCLCAP_SOCKET_H

#include "capFd.h"

#include <cstdint>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace tclcap {

struct ListenSpec {
    std::vector<std::string> addrs;  // empty: the wildcard of each family
    int family = AF_UNSPEC;          // AF_UNSPEC, AF_INET or AF_INET6
    std::uint16_t port = 0;          // 0: one free port shared by all sockets
    int backlog = SOMAXCONN;
    bool reuseport = false;
    bool freebind = false;
    bool v6only = true;
};

struct Listener {
    UniqueFd fd;
    sockaddr_storage addr{};  // as bound (with the real port)
    socklen_t len = 0;
    int family = 0;
};

// Why opening failed: the errno, the system call, and the address.
struct ListenFailure {
    int err = 0;
    std::string call;     // "socket", "bind", "listen", "getaddrinfo", ...
    std::string address;  // "0.0.0.0:80", "[::]:80", or the -myaddr text
    std::string detail;   // resolver message, for getaddrinfo failures
};

// "80" or "http" -> 80. Returns false for unknown services or values out
// of range.
bool ResolvePort(const std::string& text, std::uint16_t& port);

// net.ipv4.ip_unprivileged_port_start (also used for IPv6); 1024 if unreadable.
int UnprivilegedPortStart();

// Opens every socket the spec names. On failure nothing stays open and
// `out` is empty.
bool OpenListeners(const ListenSpec& spec, std::vector<Listener>& out, ListenFailure& why);

// Checks that fd is a listening AF_INET/AF_INET6 stream socket and makes it
// non-blocking and close-on-exec. Returns 0 or errno (ENOTSOCK, EINVAL...).
int AdoptListener(int fd, Listener& out);

// "0.0.0.0", "::1"; an IPv4-mapped IPv6 address in dotted form.
std::string NumericHost(const sockaddr* sa, socklen_t len, std::uint16_t* port = nullptr);
// A host name for the address, or the numeric form (wildcards stay numeric).
std::string HostName(const sockaddr* sa, socklen_t len);
// "[::]:80" / "127.0.0.1:80"
std::string AddressText(const sockaddr* sa, socklen_t len);

// accept4 with SOCK_CLOEXEC (blocking result, as Tcl's TCP channels expect).
// Returns the fd, or -1 with errno (EAGAIN when nothing is pending).
int AcceptOne(int listenFd, sockaddr_storage& peer, socklen_t& len);

} // namespace tclcap

#endif
