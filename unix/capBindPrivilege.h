// CAP_NET_BIND_SERVICE made effective in the calling thread for the span of
// a bind, when it is permitted but not effective; restored on destruction.
// Only this thread ever sees it effective, and only for that span.
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

    bool Permitted() const noexcept { return permitted_; }  // may bind low ports
    bool Raised() const noexcept { return raised_; }         // we raised it
    int RestoreError() const noexcept { return restoreErr_; }
    // Lowers it again now (idempotent); returns 0 or errno.
    int Restore() noexcept;

private:
    CapTriple saved_;
    bool permitted_ = false;
    bool raised_ = false;
    int restoreErr_ = 0;
};

} // namespace tclcap

#endif
