#include "capBindPrivilege.h"

#include <linux/capability.h>

namespace tclcap {

BindPrivilege::BindPrivilege() noexcept {
    if (RawCapGet(0, saved_) != 0) return;
    const CapMask bit = CapBit(CAP_NET_BIND_SERVICE);
    permitted_ = (saved_.permitted & bit) != 0;
    effective_ = (saved_.effective & bit) != 0;
    if (!permitted_ || effective_) return;
    CapTriple raised = saved_;
    raised.effective |= bit;
    raiseErr_ = RawCapSet(raised);
    raised_ = effective_ = raiseErr_ == 0;
}

int BindPrivilege::Restore() noexcept {
    if (raised_) {
        // Take back our bit alone: a change made meanwhile (a drop by
        // another thread's cap:: command reaching this one) must stand.
        CapTriple now;
        if (RawCapGet(0, now) != 0) now = saved_;
        now.effective &= ~CapBit(CAP_NET_BIND_SERVICE);
        restoreErr_ = RawCapSet(now);
        raised_ = false;
    }
    return restoreErr_;
}

BindPrivilege::~BindPrivilege() { Restore(); }

} // namespace tclcap
