#include "capSocket.h"
#include "capBindPrivilege.h"
#include "capFd.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <sys/select.h>

namespace tclcap {

// Every fd held by a ListenFd. A multiset: should a caller adopt an fd that
// Tcl also owns and it is closed and reused behind our back, the new owner's
// entry must survive the old one's removal.
class ListenFdRegistry {
public:
    static std::mutex& Mutex() { return Get().mutex; }
    // With the lock held.
    static bool Owned(int fd) { return Get().fds.count(fd) != 0; }
    static ListenFd Claim(int fd) {
        Get().fds.insert(fd);
        return ListenFd(fd);
    }
    static void Remove(int fd) {
        auto& fds = Get().fds;
        auto it = fds.find(fd);
        if (it != fds.end()) fds.erase(it);
    }

private:
    struct State {
        std::mutex mutex;
        std::multiset<int> fds;
    };
    // Never destroyed: channels may still be closed while the process exits.
    static State& Get() {
        static State* state = new State;
        return *state;
    }
};

void ListenFd::reset() noexcept {
    if (fd_ < 0) return;
    std::lock_guard<std::mutex> lock(ListenFdRegistry::Mutex());
    ::close(fd_);
    ListenFdRegistry::Remove(fd_);
    fd_ = -1;
}

namespace {

struct AddrInfoFree {
    void operator()(addrinfo* ai) const noexcept { freeaddrinfo(ai); }
};

struct Candidate {
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = 0;
};

void SetPort(sockaddr_storage& ss, std::uint16_t port) {
    if (ss.ss_family == AF_INET) reinterpret_cast<sockaddr_in&>(ss).sin_port = htons(port);
    else reinterpret_cast<sockaddr_in6&>(ss).sin6_port = htons(port);
}

std::uint16_t GetPort(const sockaddr_storage& ss) {
    return ss.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in&>(ss).sin_port)
                                   : ntohs(reinterpret_cast<const sockaddr_in6&>(ss).sin6_port);
}

Candidate Wildcard(int family) {
    Candidate c;
    c.family = family;
    if (family == AF_INET) {
        auto& in = reinterpret_cast<sockaddr_in&>(c.addr);
        in.sin_family = AF_INET;
        in.sin_addr.s_addr = htonl(INADDR_ANY);
        c.len = sizeof(sockaddr_in);
    } else {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(c.addr);
        in6.sin6_family = AF_INET6;
        in6.sin6_addr = in6addr_any;
        c.len = sizeof(sockaddr_in6);
    }
    return c;
}

bool Resolve(const ListenSpec& spec, std::vector<Candidate>& out, ListenFailure& why) {
    if (spec.addrs.empty()) {
        if (spec.family != AF_INET6) out.push_back(Wildcard(AF_INET));
        if (spec.family != AF_INET) out.push_back(Wildcard(AF_INET6));
        return true;
    }
    for (const auto& name : spec.addrs) {
        addrinfo hints{};
        hints.ai_family = spec.family;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE;
        addrinfo* res = nullptr;
        int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
        std::unique_ptr<addrinfo, AddrInfoFree> list(res);
        if (rc != 0) {
            why.err = rc == EAI_SYSTEM ? errno : EHOSTUNREACH;
            why.call = "getaddrinfo";
            why.address = name;
            why.detail = gai_strerror(rc);
            return false;
        }
        for (addrinfo* ai = res; ai; ai = ai->ai_next) {
            if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
            Candidate c;
            std::memcpy(&c.addr, ai->ai_addr, ai->ai_addrlen);
            c.len = ai->ai_addrlen;
            c.family = ai->ai_family;
            bool dup = false;
            for (const auto& o : out)
                dup = dup || (o.len == c.len && std::memcmp(&o.addr, &c.addr, c.len) == 0);
            if (!dup) out.push_back(c);
        }
    }
    return true;
}

bool Fail(ListenFailure& why, const char* call, const Candidate& c) {
    why.err = errno;
    why.call = call;
    why.address = AddressText(reinterpret_cast<const sockaddr*>(&c.addr), c.len);
    return false;
}

bool OpenOne(const ListenSpec& spec, Candidate c, std::uint16_t port, int unprivilegedStart,
             Listener& out, ListenFailure& why) {
    SetPort(c.addr, port);
    UniqueFd raw(socket(c.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!raw.valid()) return Fail(why, "socket", c);
    if (raw.get() >= FD_SETSIZE) {
        // Tcl 8.6's notifier uses select(): such an fd would corrupt memory.
        errno = EMFILE;
        return Fail(why, "socket", c);
    }
    ListenFd fd;
    {
        std::lock_guard<std::mutex> lock(ListenFdRegistry::Mutex());
        fd = ListenFdRegistry::Claim(raw.release());
    }
    int on = 1;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0)
        return Fail(why, "setsockopt(SO_REUSEADDR)", c);
    if (spec.reuseport && setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
        return Fail(why, "setsockopt(SO_REUSEPORT)", c);
    if (spec.freebind && setsockopt(fd.get(), c.family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                                    c.family == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, &on, sizeof on) != 0)
        return Fail(why, "setsockopt(FREEBIND)", c);
    if (c.family == AF_INET6) {
        int v6only = spec.v6only ? 1 : 0;
        if (setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0)
            return Fail(why, "setsockopt(IPV6_V6ONLY)", c);
    }
    const bool low = port != 0 && port < unprivilegedStart;
    int bindErr = 0;
    {
        // Raised (if permitted, not effective) for this one call only:
        // nothing else (resolving names, setsockopt, listen) runs with it.
        std::optional<BindPrivilege> privilege;
        if (low) privilege.emplace();
        if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&c.addr), c.len) != 0) bindErr = errno;
        if (privilege) {
            if (privilege->Restore() != 0) {
                errno = privilege->RestoreError();
                return Fail(why, "capset", c);
            }
            why.capPermitted = privilege->Permitted();
            why.capEffective = privilege->Effective();
            why.capRaiseErr = privilege->RaiseError();
        }
    }
    if (bindErr) {
        why.lowPort = low;
        why.unprivilegedStart = unprivilegedStart;
        why.port = port;
        errno = bindErr;
        return Fail(why, "bind", c);
    }
    if (listen(fd.get(), spec.backlog) != 0) return Fail(why, "listen", c);
    out.len = sizeof out.addr;
    if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&out.addr), &out.len) != 0)
        return Fail(why, "getsockname", c);
    out.family = c.family;
    out.fd = std::move(fd);
    return true;
}

// The checks of AdoptListeners, changing nothing.
int CheckListener(int fd, Listener& out) {
    int type = 0, listening = 0, domain = 0, protocol = 0;
    socklen_t len = sizeof type;
    if (fcntl(fd, F_GETFD) < 0) return errno;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return errno;
    len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0) return errno;
    len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) return errno;
    // SCTP also offers SOCK_STREAM sockets; only TCP is served as TCP.
    len = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) != 0) return errno;
    if (type != SOCK_STREAM || !listening || protocol != IPPROTO_TCP ||
        (domain != AF_INET && domain != AF_INET6))
        return EINVAL;
    if (fd >= FD_SETSIZE) return EMFILE;
    out.len = sizeof out.addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&out.addr), &out.len) != 0) return errno;
    out.family = domain;
    return 0;
}

} // namespace

bool ResolvePort(const std::string& text, std::uint16_t& port) {
    if (text.empty()) return false;
    if (text.find_first_not_of("0123456789") == std::string::npos) {
        if (text.size() > 5) return false;
        unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
        if (v > 65535) return false;
        port = static_cast<std::uint16_t>(v);
        return true;
    }
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(nullptr, text.c_str(), &hints, &res);
    std::unique_ptr<addrinfo, AddrInfoFree> list(res);
    if (rc != 0 || !res) return false;
    port = ntohs(reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_port);
    return true;
}

int UnprivilegedPortStart() {
    int v = 1024;
    if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re")) {
        if (std::fscanf(f, "%d", &v) != 1) v = 1024;
        std::fclose(f);
    }
    return v;
}

bool OpenListeners(const ListenSpec& spec, std::vector<Listener>& out, ListenFailure& why) {
    out.clear();
    std::vector<Candidate> cands;
    if (!Resolve(spec, cands, why)) return false;
    const int unprivilegedStart = UnprivilegedPortStart();
    // A kernel without IPv6 still gets the IPv4 wildcard, but only when the
    // caller asked for nothing in particular.
    bool defaultPair = spec.addrs.empty() && spec.family == AF_UNSPEC;
    // Port 0: the first socket picks the port, the others must get the same
    // one; if another family has it taken, try again with a new port.
    for (int attempt = 0; attempt < (spec.port == 0 ? 16 : 1); ++attempt) {
        std::vector<Listener> opened;
        std::uint16_t port = spec.port;
        bool ok = true;
        bool retry = false;
        for (const auto& c : cands) {
            Listener l;
            why = ListenFailure{};
            if (OpenOne(spec, c, port, unprivilegedStart, l, why)) {
                if (port == 0) port = GetPort(l.addr);
                opened.push_back(std::move(l));
                continue;
            }
            if (defaultPair && c.family == AF_INET6 && why.call == "socket" &&
                why.err == EAFNOSUPPORT && !opened.empty())
                continue;
            ok = false;
            retry = spec.port == 0 && why.call == "bind" && why.err == EADDRINUSE && !opened.empty();
            break;
        }
        if (ok) {
            out = std::move(opened);
            why = ListenFailure{};
            return true;
        }
        if (!retry) return false;  // `opened` closes its fds here
    }
    return false;
}

int AdoptListeners(const std::vector<int>& fds, std::vector<Listener>& out, int& bad) {
    out.clear();
    bad = -1;
    std::vector<Listener> found(fds.size());
    std::vector<std::pair<int, int>> flags;  // F_GETFL, F_GETFD before
    // One critical section: two threads adopting the same fd cannot both
    // pass the check.
    std::lock_guard<std::mutex> lock(ListenFdRegistry::Mutex());
    for (std::size_t i = 0; i < fds.size(); ++i) {
        bad = fds[i];
        if (ListenFdRegistry::Owned(fds[i]) || std::count(fds.begin(), fds.begin() + i, fds[i]))
            return EBUSY;
        if (int err = CheckListener(fds[i], found[i])) return err;
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
        bad = fds[i];
        int fl = fcntl(fds[i], F_GETFL), fdfl = fcntl(fds[i], F_GETFD);
        if (fl >= 0 && fdfl >= 0) flags.emplace_back(fl, fdfl);
        if (fl < 0 || fdfl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) != 0 ||
            fcntl(fds[i], F_SETFD, fdfl | FD_CLOEXEC) != 0) {
            int err = errno;
            for (std::size_t k = 0; k < flags.size(); ++k) {  // as they were
                fcntl(fds[k], F_SETFL, flags[k].first);
                fcntl(fds[k], F_SETFD, flags[k].second);
            }
            return err;
        }
    }
    for (std::size_t i = 0; i < fds.size(); ++i) found[i].fd = ListenFdRegistry::Claim(fds[i]);
    out = std::move(found);
    bad = -1;
    return 0;
}

std::string NumericHost(const sockaddr* sa, socklen_t len, std::uint16_t* port) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET) {
        auto in = reinterpret_cast<const sockaddr_in*>(sa);
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        if (port) *port = ntohs(in->sin_port);
    } else if (sa->sa_family == AF_INET6) {
        auto in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
        else
            inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        if (port) *port = ntohs(in6->sin6_port);
    }
    (void)len;
    return buf;
}

std::string HostName(const sockaddr* sa, socklen_t len) {
    std::string numeric = NumericHost(sa, len);
    if (numeric == "0.0.0.0" || numeric == "::") return numeric;
    char host[NI_MAXHOST];
    if (getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NAMEREQD) == 0) return host;
    return numeric;
}

std::string AddressText(const sockaddr* sa, socklen_t len) {
    std::uint16_t port = 0;
    std::string host = NumericHost(sa, len, &port);
    bool v6 = sa->sa_family == AF_INET6 && host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

int AcceptOne(int listenFd, sockaddr_storage& peer, socklen_t& len) {
    len = sizeof peer;
    return accept4(listenFd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
}

} // namespace tclcap
