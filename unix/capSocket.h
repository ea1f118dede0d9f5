// Listening TCP sockets: resolving, creating, binding and listening on a
// set of addresses all or nothing; checking inherited ones; accepting; and
// the registry of every listening fd that a server channel owns.
#ifndef TCLCAP_SOCKET_H
#define TCLCAP_SOCKET_H

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

class ListenFdRegistry;

// A listening socket owned by a server channel of this process. From the
// moment it is opened or adopted until it is closed, its number is in a
// process-wide registry, so that no second channel can adopt it: both would
// close it, the second time closing whatever had reused the number.
class ListenFd {
public:
    ListenFd() noexcept = default;
    ListenFd(ListenFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    ListenFd& operator=(ListenFd&& o) noexcept {
        if (this != &o) { reset(); fd_ = o.fd_; o.fd_ = -1; }
        return *this;
    }
    ListenFd(const ListenFd&) = delete;
    ListenFd& operator=(const ListenFd&) = delete;
    ~ListenFd() { reset(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    // Closes and unregisters in one step under the registry's lock, so the
    // number cannot be reused and adopted in between.
    void reset() noexcept;

private:
    friend class ListenFdRegistry;
    explicit ListenFd(int fd) noexcept : fd_(fd) {}  // already registered
    int fd_ = -1;
};

struct Listener {
    ListenFd fd;
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
    // A bind below net.ipv4.ip_unprivileged_port_start needs
    // cap_net_bind_service; how that stood for the bind that failed:
    bool lowPort = false;
    int unprivilegedStart = 0;
    std::uint16_t port = 0;
    bool capPermitted = false;
    bool capEffective = false;  // already, or raised for the bind
    int capRaiseErr = 0;        // capset failed making it effective
    // call "capset": lowering it again failed; every socket was closed.
};

// "80" or "http" -> 80. Returns false for unknown services or values out
// of range.
bool ResolvePort(const std::string& text, std::uint16_t& port);

// net.ipv4.ip_unprivileged_port_start (also used for IPv6); 1024 if unreadable.
int UnprivilegedPortStart();

// Opens every socket the spec names. Names are resolved first; for a port
// below ip_unprivileged_port_start, cap_net_bind_service is made effective
// around each bind(2) alone if it is permitted but not (BindPrivilege). On
// failure nothing stays open and `out` is empty.
bool OpenListeners(const ListenSpec& spec, std::vector<Listener>& out, ListenFailure& why);

// Adopts inherited sockets, all or nothing: each fd must be a listening
// AF_INET/AF_INET6 TCP socket below FD_SETSIZE that no server channel owns;
// then each is made non-blocking and close-on-exec and registered. Returns
// 0, or an errno for the fd put in `bad` (EBUSY: a channel owns it already;
// EINVAL: not a listening TCP socket; EBADF, ENOTSOCK, EMFILE...), in which
// case no fd was changed.
int AdoptListeners(const std::vector<int>& fds, std::vector<Listener>& out, int& bad);

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
