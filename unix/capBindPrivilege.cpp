#include "capBindPrivilege.h"

#include <linux/capability.h>

namespace tclcap {

BindPrivilege::BindPrivilege() noexcept {
    if (RawCapGet(0, saved_) != 0) return;
    const CapMask bit = CapBit(CAP_NET_BIND_SERVICE);
    permitted_ = (saved_.permitted & bit) != 0;
    if (!permitted_ || (saved_.effective & bit)) return;
    CapTriple raised = saved_;
    raised.effective |= bit;
    raised_ = RawCapSet(raised) == 0;
}

int BindPrivilege::Restore() noexcept {
    if (raised_) {
        restoreErr_ = RawCapSet(saved_);
        raised_ = false;
    }
    return restoreErr_;
}

BindPrivilege::~BindPrivilege() { Restore(); }

} // namespace tclcap
