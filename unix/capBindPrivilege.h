// CAP_NET_BIND_SERVICE made effective in the calling thread for the span of
// one bind(2), when it is permitted but not effective; restored on
// destruction. Only this thread ever sees it effective, and only for that
// span (name resolution and everything else run without it).
#ifndef TCLCAP_BIND_PRIVILEGE_H
#define TCLCAP_BIND_PRIVILEGE_H

#include "capMasks.h"

namespace tclcap {

class BindPrivilege {
public:
    BindPrivilege() noexcept;
    ~BindPrivilege();
    BindPrivilege(const BindPrivilege&) = delete;
    BindPrivilege& operator=(const BindPrivilege&) = delete;

    bool Permitted() const noexcept { return permitted_; }  // in the permitted set
    bool Effective() const noexcept { return effective_; }  // already, or raised by us
    int RaiseError() const noexcept { return raiseErr_; }   // capset failed making it effective
    int RestoreError() const noexcept { return restoreErr_; }
    // Lowers it again if we raised it (idempotent); returns 0 or errno.
    int Restore() noexcept;

private:
    CapTriple saved_;
    bool permitted_ = false;
    bool effective_ = false;
    bool raised_ = false;
    int raiseErr_ = 0;
    int restoreErr_ = 0;
};

} // namespace tclcap

#endif
