// systemd's socket activation protocol (sd_listen_fds(3)): LISTEN_PID,
// LISTEN_FDS and LISTEN_FDNAMES describe fds 3, 4, ... passed by the
// service manager.
#ifndef TCLCAP_LISTEN_FDS_H
#define TCLCAP_LISTEN_FDS_H

#include <string>
#include <utility>
#include <vector>

namespace tclcap {

constexpr int kListenFdsStart = 3;
extern const char* const kListenFdsVars[];  // NULL-terminated

// Reads the variables. A LISTEN_PID that is absent, not a number or not
// ours, or no LISTEN_FDS, yields no fds and no error (the variables are not
// for us). Each fd gets FD_CLOEXEC. Returns 0 or errno (with our LISTEN_PID:
// EINVAL for a malformed LISTEN_FDS, EBADF for an fd that is not open).
int ListenFds(std::vector<std::pair<std::string, int>>& out);

// Removes the variables from the C environment.
void UnsetListenEnv();

} // namespace tclcap

#endif
