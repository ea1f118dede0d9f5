#include "capListenFds.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace tclcap {

const char* const kListenFdsVars[] = {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", nullptr};

namespace {

bool ParseNumber(const char* s, long& v) {
    if (!s || !*s) return false;
    char* end = nullptr;
    errno = 0;
    v = std::strtol(s, &end, 10);
    return errno == 0 && *end == '\0' && v >= 0;
}

} // namespace

int ListenFds(std::vector<std::pair<std::string, int>>& out) {
    out.clear();
    long pid, n;
    // As sd_listen_fds(3): LISTEN_PID first. Variables not addressed to us
    // (absent, garbled, another pid: inherited through a wrapper that is
    // not the service) say nothing about our fds, so they are no error.
    const char* pidText = std::getenv("LISTEN_PID");
    if (!ParseNumber(pidText, pid) || pid != static_cast<long>(getpid())) return 0;
    const char* fdsText = std::getenv("LISTEN_FDS");
    if (!fdsText) return 0;
    if (!ParseNumber(fdsText, n) || n > 4096) return EINVAL;
    std::vector<std::string> names;
    if (const char* namesText = std::getenv("LISTEN_FDNAMES")) {
        std::string all = namesText, cur;
        for (char c : all) {
            if (c == ':') { names.push_back(cur); cur.clear(); }
            else cur += c;
        }
        names.push_back(cur);
    }
    for (long i = 0; i < n; ++i) {
        int fd = kListenFdsStart + static_cast<int>(i);
        int flags = fcntl(fd, F_GETFD);
        if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0) {
            out.clear();
            return EBADF;
        }
        std::string name = static_cast<std::size_t>(i) < names.size() && !names[i].empty()
                               ? names[i] : std::string("unknown");
        out.emplace_back(name, fd);
    }
    return 0;
}

void UnsetListenEnv() {
    for (int i = 0; kListenFdsVars[i]; ++i) unsetenv(kListenFdsVars[i]);
}

} // namespace tclcap
